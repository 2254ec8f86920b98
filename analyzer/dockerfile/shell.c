/* Shell command splitting for RUN lines: simple commands, their byte
 * ranges and words, removal of one command from a chain, and recognition
 * of chown/chgrp/chmod/touch/find. */
#include <stdlib.h>
#include <string.h>

#include "layerwaste/dockerfile.h"
#include "layerwaste/util.h"

struct sh_lexer {
	const char *s;
	size_t len, pos;
	char esc;               /* Dockerfile escape, 0 for plain shell */
	struct lw_error *err;
};

/* Skips a continuation (escape or backslash, blanks in Dockerfile mode,
 * newline) at lx->pos; then, in Dockerfile mode, the blank and comment
 * lines the Dockerfile parser drops. Returns 1 when one was skipped. */
static int skip_continuation(struct sh_lexer *lx)
{
	const char *s = lx->s;
	size_t p = lx->pos;

	if (p >= lx->len || (s[p] != '\\' && (!lx->esc || s[p] != lx->esc)))
		return 0;
	p++;
	if (lx->esc)
		while (p < lx->len && (s[p] == ' ' || s[p] == '\t'))
			p++;
	if (p < lx->len && s[p] == '\r')
		p++;
	if (p >= lx->len || s[p] != '\n')
		return 0;
	lx->pos = p + 1;
	while (lx->esc && lx->pos < lx->len) {
		size_t q = lx->pos;

		while (q < lx->len && (s[q] == ' ' || s[q] == '\t' || s[q] == '\r'))
			q++;
		if (q < lx->len && s[q] != '\n' && s[q] != '#')
			break;
		while (q < lx->len && s[q] != '\n')
			q++;
		if (q >= lx->len)
			break;
		lx->pos = q + 1;
	}
	return 1;
}

static int lex_fail(struct sh_lexer *lx, const char *what)
{
	return lw_error_set(lx->err, LW_ERR_INPUT, "shell: %s", what);
}

/* Copies a `$(...)`, `${...}` or backtick substitution verbatim into sb,
 * lx->pos at its first byte. */
static int copy_subst(struct sh_lexer *lx, struct lw_strbuf *sb)
{
	const char *s = lx->s;
	size_t p = lx->pos, depth = 0;
	char open, close;

	if (s[p] == '`') {
		for (p++; p < lx->len && s[p] != '`'; p++)
			if (s[p] == '\\' && p + 1 < lx->len)
				p++;
		if (p >= lx->len)
			return lex_fail(lx, "unterminated backquote");
		p++;
		goto out;
	}
	open = s[p + 1];
	close = open == '(' ? ')' : '}';
	for (p++; p < lx->len; p++) {
		char c = s[p];

		if (c == '\\' && p + 1 < lx->len) {
			p++;
		} else if (c == '\'') {
			while (++p < lx->len && s[p] != '\'')
				;
		} else if (c == '"') {
			while (++p < lx->len && s[p] != '"')
				if (s[p] == '\\')
					p++;
		} else if (c == open) {
			depth++;
		} else if (c == close && --depth == 0) {
			break;
		}
	}
	if (p >= lx->len)
		return lex_fail(lx, "unterminated substitution");
	p++;
out:
	lw_strbuf_add(sb, s + lx->pos, p - lx->pos);
	lx->pos = p;
	return 0;
}

static int is_meta(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';' ||
	       c == '&' || c == '|' || c == '(' || c == ')' || c == '<' ||
	       c == '>';
}

/* A backquote, $( or ${ at lx->pos. */
static int starts_subst(const struct sh_lexer *lx)
{
	const char *s = lx->s + lx->pos;

	return s[0] == '`' || (s[0] == '$' && lx->pos + 1 < lx->len &&
			       (s[1] == '(' || s[1] == '{'));
}

/* Reads one word at lx->pos into sb (quotes removed). */
static int lex_word(struct sh_lexer *lx, struct lw_strbuf *sb)
{
	const char *s = lx->s;

	lw_strbuf_add(sb, "", 0);
	while (lx->pos < lx->len && !is_meta(s[lx->pos])) {
		char c = s[lx->pos];

		if ((c == '\\' || c == lx->esc) && skip_continuation(lx))
			continue;
		if (c == '\\') {
			if (lx->pos + 1 < lx->len)
				lx->pos++;
			lw_strbuf_addc(sb, s[lx->pos++]);
		} else if (c == '\'') {
			size_t q = lx->pos + 1;

			while (q < lx->len && s[q] != '\'')
				q++;
			if (q >= lx->len)
				return lex_fail(lx, "unterminated single quote");
			lw_strbuf_add(sb, s + lx->pos + 1, q - lx->pos - 1);
			lx->pos = q + 1;
		} else if (c == '"') {
			for (lx->pos++; lx->pos < lx->len && s[lx->pos] != '"';) {
				c = s[lx->pos];
				if (c == '\\' && skip_continuation(lx))
					continue;
				if (c == '\\' && lx->pos + 1 < lx->len &&
				    strchr("$`\"\\", s[lx->pos + 1])) {
					lw_strbuf_addc(sb, s[lx->pos + 1]);
					lx->pos += 2;
				} else if (starts_subst(lx)) {
					if (copy_subst(lx, sb))
						return LW_ERR_INPUT;
				} else {
					lw_strbuf_addc(sb, c);
					lx->pos++;
				}
			}
			if (lx->pos >= lx->len)
				return lex_fail(lx, "unterminated double quote");
			lx->pos++;
		} else if (starts_subst(lx)) {
			if (copy_subst(lx, sb))
				return LW_ERR_INPUT;
		} else {
			lw_strbuf_addc(sb, c);
			lx->pos++;
		}
	}
	return 0;
}

/* Length of a redirection operator at p ("2>", ">>", "<&", "&>", ...),
 * 0 if there is none. */
static size_t redir_len(const char *s, size_t len, size_t p)
{
	size_t q = p;

	while (q < len && s[q] >= '0' && s[q] <= '9')
		q++;
	if (q < len && s[q] == '&' && q == p && q + 1 < len && s[q + 1] == '>')
		q++;
	if (q >= len || (s[q] != '<' && s[q] != '>'))
		return 0;
	q++;
	if (q < len && (s[q] == '>' || s[q] == '&' || s[q] == '|' ||
			(s[q] == '<' && s[q - 1] == '<')))
		q++;
	if (q < len && s[q] == '-' && s[q - 1] == '<')
		q++;
	return q - p;
}

/* The operator at p, its length in *n; -1 when there is none. */
static int op_at(const char *s, size_t len, size_t p, size_t *n)
{
	char c = s[p], d = p + 1 < len ? s[p + 1] : '\0';

	*n = 2;
	if (c == '&' && d == '&')
		return LW_SH_AND;
	if (c == '|' && d == '|')
		return LW_SH_OR;
	if (c == ';' && d == ';')
		return LW_SH_SEMI;
	if (c == '|' && d == '&')
		return LW_SH_PIPE;
	*n = 1;
	switch (c) {
	case ';': return LW_SH_SEMI;
	case '|': return LW_SH_PIPE;
	case '&': return LW_SH_BG;
	case '(': return LW_SH_OPEN;
	case ')': return LW_SH_CLOSE;
	case '\n': return LW_SH_NEWLINE;
	}
	return -1;
}

struct sh_state {
	struct lw_sh_script *out;
	size_t cap;
	struct lw_sh_cmd cur;     /* the command being read */
	size_t wcap;
	int has_tokens;
	int pending_op;           /* operator before the next command */
	size_t last_tok_end;      /* end of the last word, redirection or paren */
	size_t need_next;         /* commands whose next_start is unset */
	int depth;
	int seq_open;             /* the last command may still take a
				     closing ) or the end as its op_after */
};

static void mark_token(struct sh_state *st, size_t start, size_t end)
{
	struct lw_sh_script *o = st->out;

	while (st->need_next < o->ncmds)
		o->cmds[st->need_next++].next_start = start;
	if (!st->has_tokens) {
		st->has_tokens = 1;
		st->cur.start = start;
		st->cur.prev_end = st->last_tok_end;
		st->cur.op_before = st->pending_op;
		st->cur.depth = st->depth;
	}
	st->cur.end = end;
	st->last_tok_end = end;
}

static int end_cmd(struct sh_state *st, int op, struct lw_error *err)
{
	struct lw_sh_script *o = st->out;

	if (!st->has_tokens) {
		/* "a;)" and "a;<end>": nothing follows a within its group */
		if (st->seq_open && (op == LW_SH_CLOSE || op == LW_SH_END)) {
			struct lw_sh_cmd *last = &o->cmds[o->ncmds - 1];

			if (last->op_after == LW_SH_SEMI ||
			    last->op_after == LW_SH_NEWLINE)
				last->op_after = op;
		}
		if (op == LW_SH_OPEN || op == LW_SH_CLOSE)
			st->seq_open = 0;
		if (op != LW_SH_NEWLINE || st->pending_op == LW_SH_CLOSE)
			st->pending_op = op;
		return 0;
	}
	if (o->ncmds >= LW_SH_CMDS_MAX)
		return lw_error_set(err, LW_ERR_INPUT, "shell: more than %d commands",
				    LW_SH_CMDS_MAX);
	st->cur.op_after = op;
	lw_grow((void **)&o->cmds, &st->cap, o->ncmds + 1, sizeof(*o->cmds));
	o->cmds[o->ncmds++] = st->cur;
	memset(&st->cur, 0, sizeof(st->cur));
	st->wcap = 0;
	st->has_tokens = 0;
	st->pending_op = op;
	st->seq_open = op != LW_SH_OPEN && op != LW_SH_CLOSE;
	return 0;
}

static void add_word(struct sh_state *st, struct lw_strbuf *sb)
{
	lw_grow((void **)&st->cur.words, &st->wcap, st->cur.nwords + 1,
		sizeof(char *));
	st->cur.words[st->cur.nwords++] = lw_strbuf_detach(sb);
}

int lw_sh_split(const char *text, size_t len, char df_escape,
		struct lw_sh_script *out, struct lw_error *err)
{
	struct sh_lexer lx = { text, len, 0, df_escape, err };
	struct sh_state st;
	struct lw_strbuf sb = LW_STRBUF_INIT;
	int rc = 0, redirect = 0;

	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	st.out = out;
	if (len > LW_SH_TEXT_MAX)
		return lw_error_set(err, LW_ERR_INPUT, "shell: command over %u bytes",
				    LW_SH_TEXT_MAX);
	while (lx.pos < len) {
		size_t p = lx.pos, n;
		char c = text[p];
		int op;

		if (c == ' ' || c == '\t' || c == '\r') {
			lx.pos++;
			continue;
		}
		if ((c == '\\' || c == df_escape) && skip_continuation(&lx))
			continue;
		if (c == '#' && !redirect) {
			while (lx.pos < len && text[lx.pos] != '\n')
				lx.pos++;
			continue;
		}
		n = redirect ? 0 : redir_len(text, len, p);
		if (n) {
			lx.pos += n;
			mark_token(&st, p, lx.pos);
			redirect = 1;
			continue;
		}
		op = op_at(text, len, p, &n);
		if (op >= 0 && !redirect) {
			lx.pos += n;
			if (op == LW_SH_OPEN || op == LW_SH_CLOSE) {
				if ((rc = end_cmd(&st, op, err)))
					goto out;
				while (op == LW_SH_OPEN && st.need_next < out->ncmds)
					out->cmds[st.need_next++].next_start = p;
				if (op == LW_SH_OPEN)
					st.depth++;
				else if (st.depth > 0)
					st.depth--;
				st.last_tok_end = lx.pos;
				continue;
			}
			if ((rc = end_cmd(&st, op, err)))
				goto out;
			continue;
		}
		if (op >= 0) { /* a redirection without its target */
			redirect = 0;
			continue;
		}
		if ((rc = lex_word(&lx, &sb)))
			goto out;
		mark_token(&st, p, lx.pos);
		if (redirect)
			lw_strbuf_reset(&sb);
		else
			add_word(&st, &sb);
		redirect = 0;
	}
	if ((rc = end_cmd(&st, LW_SH_END, err)))
		goto out;
	while (st.need_next < out->ncmds)
		out->cmds[st.need_next++].next_start = len;
out:
	lw_strbuf_release(&sb);
	if (rc) {
		size_t j;

		for (j = 0; j < st.cur.nwords; j++)
			free(st.cur.words[j]);
		free(st.cur.words);
		lw_sh_script_release(out);
	}
	return rc;
}

void lw_sh_script_release(struct lw_sh_script *s)
{
	size_t i, j;

	for (i = 0; i < s->ncmds; i++) {
		for (j = 0; j < s->cmds[i].nwords; j++)
			free(s->cmds[i].words[j]);
		free(s->cmds[i].words);
	}
	free(s->cmds);
	memset(s, 0, sizeof(*s));
}

static int is_seq(int op)
{
	return op == LW_SH_AND || op == LW_SH_SEMI || op == LW_SH_NEWLINE;
}

char *lw_sh_remove(const char *text, size_t len, const struct lw_sh_script *s,
		   size_t index)
{
	const struct lw_sh_cmd *c;
	struct lw_strbuf sb = LW_STRBUF_INIT;
	size_t from, to;

	if (index >= s->ncmds)
		return NULL;
	c = &s->cmds[index];
	if (c->op_before != LW_SH_END && c->op_before != LW_SH_OPEN &&
	    !is_seq(c->op_before))
		return NULL;
	if (is_seq(c->op_after)) {
		from = c->start;
		to = c->next_start;
	} else if (c->op_after == LW_SH_END || c->op_after == LW_SH_CLOSE) {
		if (is_seq(c->op_before)) {
			from = c->prev_end;
			to = c->end;
		} else if (c->op_before == LW_SH_END && c->op_after == LW_SH_END &&
			   c->depth == 0) {
			return lw_xstrdup("");
		} else {
			return NULL;
		}
	} else {
		return NULL;
	}
	if (from > to || to > len)
		return NULL;
	lw_strbuf_add(&sb, text, from);
	lw_strbuf_add(&sb, text + to, len - to);
	return lw_strbuf_detach(&sb);
}

/* chown/chgrp/chmod/touch/find recognition */

static const char *base_name(const char *w)
{
	const char *s = strrchr(w, '/');

	return s ? s + 1 : w;
}

/* The static name of chown, chgrp or chmod; NULL for anything else. */
static const char *mod_tool(const char *t)
{
	static const char *const tools[] = { "chown", "chgrp", "chmod" };
	size_t i;

	for (i = 0; i < 3; i++)
		if (!strcmp(t, tools[i]))
			return tools[i];
	return NULL;
}

static int is_assignment(const char *w)
{
	const char *p = w;

	if (!(*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
		return 0;
	while (*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
	       (*p >= '0' && *p <= '9'))
		p++;
	return *p == '=';
}

static void add_path(struct lw_sh_perm *p, size_t *cap, const char *w)
{
	lw_grow((void **)&p->paths, cap, p->npaths + 1, sizeof(char *));
	p->paths[p->npaths++] = lw_xstrdup(w);
}

/* chmod takes "-x", "-rw" as modes, not options. */
static int is_dash_mode(const char *w)
{
	return w[0] == '-' && w[1] && strspn(w + 1, "rwxXst") == strlen(w + 1);
}

/* chown, chgrp or chmod arguments (after the tool's name). In_find: skip
 * the "{}" placeholder instead of taking it as a path. */
static int parse_mod(const char *tool, char *const *w, size_t n, int in_find,
		     struct lw_sh_perm *p)
{
	size_t i, cap = 0;
	const char *spec = NULL;
	int opts = 1, is_chmod = !strcmp(tool, "chmod");

	for (i = 0; i < n; i++) {
		const char *a = w[i];

		if (opts && !strcmp(a, "--")) {
			opts = 0;
		} else if (opts && !strncmp(a, "--", 2)) {
			if (!strcmp(a, "--recursive"))
				p->recursive = 1;
			else if (!strncmp(a, "--reference", 11))
				return -1;
		} else if (opts && a[0] == '-' && a[1] &&
			   !(is_chmod && !spec && is_dash_mode(a))) {
			if (strchr(a, 'R'))
				p->recursive = 1;
		} else if (!spec) {
			spec = a;
		} else if (!(in_find && !strcmp(a, "{}"))) {
			add_path(p, &cap, a);
		}
	}
	if (!spec || (!p->npaths && !in_find))
		return -1;
	if (is_chmod) {
		p->mode = lw_xstrdup(spec);
	} else if (!strcmp(tool, "chgrp")) {
		p->group = lw_xstrdup(spec);
	} else {
		const char *colon = strchr(spec, ':');

		if (!colon) {
			p->owner = lw_xstrdup(spec);
		} else {
			if (colon > spec) {
				size_t k = (size_t)(colon - spec);

				p->owner = lw_xmalloc(k + 1);
				memcpy(p->owner, spec, k);
				p->owner[k] = '\0';
			}
			p->group = lw_xstrdup(colon + 1);
		}
	}
	return 0;
}

static int parse_touch(char *const *w, size_t n, struct lw_sh_perm *p)
{
	size_t i, cap = 0;
	int opts = 1;

	for (i = 0; i < n; i++) {
		const char *a = w[i];

		if (opts && !strcmp(a, "--")) {
			opts = 0;
		} else if (opts && (!strcmp(a, "--date") || !strcmp(a, "--reference") ||
				    !strcmp(a, "--time"))) {
			i++;
		} else if (opts && !strncmp(a, "--", 2)) {
			;
		} else if (opts && a[0] == '-' && a[1]) {
			/* -d, -r, -t take an argument, glued or next */
			size_t k = strcspn(a + 1, "drt");

			if (a[1 + k] && !a[2 + k])
				i++;
		} else {
			add_path(p, &cap, a);
		}
	}
	return p->npaths ? 0 : -1;
}

static int parse_find(char *const *w, size_t n, struct lw_sh_perm *p)
{
	size_t i = 0, cap = 0;
	int found = 0;

	while (i < n && (!strcmp(w[i], "-H") || !strcmp(w[i], "-L") ||
			 !strcmp(w[i], "-P")))
		i++;
	for (; i < n && w[i][0] != '-' && strcmp(w[i], "(") && strcmp(w[i], "!");
	     i++)
		add_path(p, &cap, w[i]);
	if (!p->npaths)
		add_path(p, &cap, ".");
	for (; i < n; i++) {
		const char *a = w[i];

		if (!strcmp(a, "-exec") || !strcmp(a, "-execdir")) {
			size_t j = i + 1, k;
			const char *t;

			for (k = j; k < n && strcmp(w[k], ";") && strcmp(w[k], "+"); k++)
				;
			t = k > j ? mod_tool(base_name(w[j])) : NULL;
			if (!found && t) {
				if (parse_mod(t, w + j + 1, k - j - 1, 1, p))
					return -1;
				p->exec_tool = t;
				found = 1;
			} else {
				p->filtered = 1;
			}
			i = k;
		} else if (!strcmp(a, "-print") || !strcmp(a, "-print0") ||
			   !strcmp(a, "-xdev") || !strcmp(a, "-mount") ||
			   !strcmp(a, "-depth") || !strcmp(a, "-follow")) {
			;
		} else {
			p->filtered = 1;
		}
	}
	p->recursive = 1;
	return found ? 0 : -1;
}

int lw_sh_perm_parse(char *const *words, size_t nwords,
		     struct lw_sh_perm *out)
{
	size_t i = 0;
	const char *t;
	int rc;

	memset(out, 0, sizeof(*out));
	while (i < nwords) {
		t = base_name(words[i]);
		if (is_assignment(words[i]) || !strcmp(t, "command") ||
		    !strcmp(t, "exec") || !strcmp(t, "busybox")) {
			i++;
		} else if (!strcmp(t, "sudo")) {
			for (i++; i < nwords && words[i][0] == '-'; i++)
				if (!strcmp(words[i], "-u") || !strcmp(words[i], "-g"))
					i++;
		} else {
			break;
		}
	}
	if (i >= nwords)
		return -1;
	t = base_name(words[i]);
	if (mod_tool(t)) {
		out->tool = mod_tool(t);
		rc = parse_mod(t, words + i + 1, nwords - i - 1, 0, out);
	} else if (!strcmp(t, "touch")) {
		out->tool = "touch";
		rc = parse_touch(words + i + 1, nwords - i - 1, out);
	} else if (!strcmp(t, "find")) {
		out->tool = "find";
		rc = parse_find(words + i + 1, nwords - i - 1, out);
	} else {
		return -1;
	}
	if (rc)
		lw_sh_perm_release(out);
	return rc;
}

void lw_sh_perm_release(struct lw_sh_perm *p)
{
	size_t i;

	for (i = 0; i < p->npaths; i++)
		free(p->paths[i]);
	free(p->paths);
	free(p->owner);
	free(p->group);
	free(p->mode);
	memset(p, 0, sizeof(*p));
}

char *lw_sh_squash(const char *s)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	int space = 0;

	for (; s && *s; s++) {
		if (*s == '\\' && s[1] == '\n') {
			s++;
			space = 1;
			continue;
		}
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			space = 1;
			continue;
		}
		if (space && sb.len)
			lw_strbuf_addc(&sb, ' ');
		space = 0;
		lw_strbuf_addc(&sb, *s);
	}
	return lw_strbuf_detach(&sb);
}
