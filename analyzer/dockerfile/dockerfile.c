/* Dockerfile reader: physical lines into instructions, as BuildKit's
 * parser does (directives, comments, continuations, flags, heredocs).
 * Substitution and stages are resolved in dockerfile_expand.c. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layerwaste/dockerfile.h"
#include "layerwaste/util.h"

static const char *const df_keywords[] = {
	"ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM",
	"HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL",
	"STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
};

struct df_reader {
	struct lw_dockerfile *df;
	const char *name;    /* for messages */
	size_t cur;          /* next physical line, 0-based */
	size_t cap;          /* of df->instrs */
	int bom;             /* the first line starts with a UTF-8 BOM */
	struct lw_error *err;
};

/* A piece of the joined instruction line: where it came from. */
struct df_seg {
	size_t line, col, len;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* Physical line i without its '\r' (and without the BOM on line 0). */
static const char *line_view(const struct df_reader *r, size_t i, size_t *n)
{
	const char *p = r->df->lines[i];
	size_t len = strlen(p);

	if (i == 0 && r->bom) {
		p += 3;
		len -= 3;
	}
	if (len && p[len - 1] == '\r')
		len--;
	*n = len;
	return p;
}

static int df_fail(struct df_reader *r, size_t line, const char *what,
		   const char *arg)
{
	return lw_error_set(r->err, LW_ERR_INPUT, "%s:%zu: %s%s", r->name, line,
			    what, arg ? arg : "");
}

static char *dup_range(const char *s, size_t n)
{
	char *p = lw_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static int split_lines(struct df_reader *r, const char *text, size_t len)
{
	struct lw_dockerfile *df = r->df;
	const char *p = text, *end = text + len, *nl;
	size_t cap = 0;

	df->text = dup_range(text, len);
	r->bom = len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (memchr(p, '\0', (size_t)(nl - p)))
			return df_fail(r, df->nlines + 1, "NUL byte in line", NULL);
		if ((size_t)(nl - p) > LW_DF_LINE_MAX)
			return df_fail(r, df->nlines + 1, "line longer than 1 MiB",
				       NULL);
		lw_grow((void **)&df->lines, &cap, df->nlines + 1, sizeof(char *));
		df->lines[df->nlines++] = dup_range(p, (size_t)(nl - p));
		p = nl + 1;
	}
	return 0;
}

/* "# name = value" before any instruction, comment or blank line. */
static int read_directives(struct df_reader *r)
{
	static const char *const names[] = { "syntax", "escape", "check" };
	int seen[3] = { 0, 0, 0 };
	size_t i, n, k, j;

	for (i = 0; i < r->df->nlines; i++) {
		const char *p = line_view(r, i, &n), *e = p + n, *name, *val;

		while (p < e && is_blank(*p))
			p++;
		if (p == e || *p++ != '#')
			break;
		while (p < e && is_blank(*p))
			p++;
		name = p;
		while (p < e && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
				 (p > name && *p >= '0' && *p <= '9')))
			p++;
		k = (size_t)(p - name);
		while (p < e && is_blank(*p))
			p++;
		if (!k || p == e || *p++ != '=')
			break;
		while (p < e && is_blank(*p))
			p++;
		while (e > p && is_blank(e[-1]))
			e--;
		if (p == e)
			break;
		val = p;
		for (j = 0; j < 3; j++)
			if (strlen(names[j]) == k && !strncasecmp(name, names[j], k))
				break;
		if (j == 3)
			break;
		if (seen[j]++)
			return df_fail(r, i + 1, "only one parser directive can be "
				       "used for ", names[j]);
		if (j == 0) {
			r->df->syntax = dup_range(val, (size_t)(e - val));
		} else if (j == 1) {
			if (e - val != 1 || (*val != '`' && *val != '\\'))
				return df_fail(r, i + 1, "invalid escape token, "
					       "it must be ` or \\", NULL);
			r->df->escape = *val;
		}
	}
	return 0;
}

/* Whether p[0..n) ends with the escape and blanks: a continuation. *keep
 * is the length before the escape. */
static int continues(const char *p, size_t n, char esc, size_t *keep)
{
	size_t e = n;

	while (e && (p[e - 1] == ' ' || p[e - 1] == '\t'))
		e--;
	*keep = n;
	if (!e || p[e - 1] != esc)
		return 0;
	*keep = e - 1;
	return 1;
}

/* BuildKit's extractBuilderFlags: "--a=b --c rest" into flags, quotes and
 * backslashes of the flag words processed. Returns where rest starts. */
static size_t read_flags(const char *s, size_t len, struct lw_df_instr *in)
{
	struct lw_strbuf w = LW_STRBUF_INIT;
	size_t pos = 0, cap = 0;

	for (;;) {
		char q = 0;
		int blank_ok = 0;

		while (pos < len && (is_blank(s[pos]) || s[pos] == '\n'))
			pos++;
		if (pos + 1 >= len || s[pos] != '-' || s[pos + 1] != '-')
			break;
		lw_strbuf_reset(&w);
		for (; pos < len && (q || !(is_blank(s[pos]) || s[pos] == '\n'));
		     pos++) {
			char c = s[pos];

			if (!q && (c == '\'' || c == '"')) {
				q = c;
				blank_ok = 1;
				continue;
			}
			if (q && c == q) {
				q = 0;
				continue;
			}
			if (c == '\\') {
				if (pos + 1 == len)
					continue;
				c = s[++pos];
			}
			lw_strbuf_addc(&w, c);
		}
		if (!strcmp(w.buf, "--"))
			break;
		if (w.len > 2 || blank_ok) {
			char *eq = strchr(w.buf, '=');
			struct lw_df_flag *f;

			lw_grow((void **)&in->flags, &cap, in->nflags + 1,
				sizeof(*in->flags));
			f = &in->flags[in->nflags++];
			memset(f, 0, sizeof(*f));
			f->name = dup_range(w.buf + 2, eq ? (size_t)(eq - w.buf - 2)
							  : w.len - 2);
			if (eq)
				f->raw_value = lw_xstrdup(eq + 1);
		}
	}
	lw_strbuf_release(&w);
	return pos;
}

/* Heredoc words of the joined line: split at blanks outside quotes,
 * quotes and backslashes kept (BuildKit lexes with raw quotes). */
static void find_heredocs(const char *s, struct lw_df_instr *in)
{
	size_t pos = 0, len = strlen(s), cap = 0;

	while (pos < len) {
		size_t st, k;
		char q = 0;

		while (pos < len && is_blank(s[pos]))
			pos++;
		for (st = pos; pos < len && (q || !is_blank(s[pos])); pos++) {
			if (s[pos] == '\\' && q != '\'' && pos + 1 < len)
				pos++;
			else if (!q && (s[pos] == '\'' || s[pos] == '"'))
				q = s[pos];
			else if (q && s[pos] == q)
				q = 0;
		}
		for (k = st; k < pos && s[k] >= '0' && s[k] <= '9'; k++)
			;
		if (pos - k > 2 && s[k] == '<' && s[k + 1] == '<') {
			struct lw_strbuf name = LW_STRBUF_INIT;
			struct lw_df_heredoc *h;
			size_t i = k + 2;
			int chomp = 0, quoted = 0;

			if (s[i] == '-') {
				chomp = 1;
				i++;
			}
			if (memchr(s + i, '<', pos - i) || i == pos)
				continue;
			for (q = 0; i < pos; i++) {
				if (!q && (s[i] == '\'' || s[i] == '"')) {
					q = s[i];
					quoted = 1;
				} else if (q && s[i] == q) {
					q = 0;
				} else {
					if (s[i] == '\\' && q != '\'' && i + 1 < pos)
						i++;
					lw_strbuf_addc(&name, s[i]);
				}
			}
			if (!name.len) {
				lw_strbuf_release(&name);
				continue;
			}
			lw_grow((void **)&in->heredocs, &cap, in->nheredocs + 1,
				sizeof(*in->heredocs));
			h = &in->heredocs[in->nheredocs++];
			h->name = lw_strbuf_detach(&name);
			h->body = NULL;
			h->expand = !quoted;
			h->chomp = chomp;
			h->fd = k > st ? atoi(s + st) : -1;
		}
	}
}

static int read_heredoc_bodies(struct df_reader *r, struct lw_df_instr *in)
{
	size_t i, n;

	for (i = 0; i < in->nheredocs; i++) {
		struct lw_df_heredoc *h = &in->heredocs[i];
		struct lw_strbuf body = LW_STRBUF_INIT;
		int done = 0;

		while (!done && r->cur < r->df->nlines) {
			const char *p = line_view(r, r->cur++, &n), *t = p;
			size_t tn = n;

			while (h->chomp && tn && *t == '\t') {
				t++;
				tn--;
			}
			if (tn == strlen(h->name) && !memcmp(t, h->name, tn)) {
				done = 1;
			} else {
				if (body.len > LW_DF_FILE_MAX) {
					lw_strbuf_release(&body);
					return df_fail(r, (size_t)in->line,
						       "heredoc too large", NULL);
				}
				lw_strbuf_add(&body, p, n);
				lw_strbuf_addc(&body, '\n');
			}
		}
		h->body = lw_strbuf_detach(&body);
		if (!done)
			return df_fail(r, (size_t)in->line, "unterminated heredoc ",
				       h->name);
	}
	return 0;
}

/* Builds instruction fields from the joined line. */
static int make_instr(struct df_reader *r, struct lw_df_instr *in,
		      const char *line, const struct df_seg *segs, size_t nseg)
{
	const char *p = line, *kw;
	size_t k, i, off, len;

	while (is_blank(*p))
		p++;
	kw = p;
	while (*p && !is_blank(*p))
		p++;
	k = (size_t)(p - kw);
	for (i = 0; i < sizeof(df_keywords) / sizeof(*df_keywords); i++)
		if (strlen(df_keywords[i]) == k && !strncasecmp(kw, df_keywords[i], k))
			break;
	if (i == sizeof(df_keywords) / sizeof(*df_keywords)) {
		char name[64];

		snprintf(name, sizeof(name), "%.*s", (int)(k < 40 ? k : 40), kw);
		return df_fail(r, (size_t)in->line, "unknown instruction: ", name);
	}
	in->keyword = lw_xstrdup(df_keywords[i]);
	while (is_blank(*p))
		p++;
	len = strlen(p);
	p += read_flags(p, len, in);
	off = (size_t)(p - line);
	len = strlen(p);
	while (len && is_blank(p[len - 1]))
		len--;
	in->raw_args = dup_range(p, len);
	/* the joined offset back to a byte of the source */
	for (i = 0; i < nseg; i++) {
		if (off < segs[i].len || i + 1 == nseg)
			break;
		off -= segs[i].len;
	}
	in->args_offset = segs[i].col + (off < segs[i].len ? off : segs[i].len);
	for (k = segs[0].line; k < segs[i].line; k++)
		in->args_offset += strlen(r->df->lines[k]) + 1;
	if (!strcmp(in->keyword, "RUN") || !strcmp(in->keyword, "COPY") ||
	    !strcmp(in->keyword, "ADD"))
		if (strstr(line, "<<"))
			find_heredocs(line, in);
	return 0;
}

static int read_instruction(struct df_reader *r)
{
	struct lw_dockerfile *df = r->df;
	struct lw_strbuf line = LW_STRBUF_INIT, src = LW_STRBUF_INIT;
	struct df_seg *segs = NULL;
	struct lw_df_instr *in;
	size_t nseg = 0, scap = 0, n, keep, start = r->cur, i;
	const char *p = line_view(r, r->cur, &n);
	int more, empty = 0, rc;

	lw_grow((void **)&df->instrs, &r->cap, df->ninstrs + 1, sizeof(*in));
	in = &df->instrs[df->ninstrs++];
	memset(in, 0, sizeof(*in));
	in->line = (int)start + 1;
	in->stage = -1;
	in->from_stage = -1;
	while (n && is_blank(*p)) {
		p++;
		n--;
	}
	for (more = 1; more && r->cur < df->nlines; r->cur++) {
		size_t t;

		if (r->cur != start) {
			p = line_view(r, r->cur, &n);
			for (t = 0; t < n && is_blank(p[t]); t++)
				;
			if (t == n) {
				empty = 1;
				continue;
			}
			if (p[t] == '#')
				continue;
		}
		more = continues(p, n, df->escape, &keep);
		if (line.len + keep > LW_DF_LINE_MAX) {
			rc = df_fail(r, start + 1, "instruction longer than 1 MiB", NULL);
			goto out;
		}
		lw_strbuf_add(&line, p, keep);
		lw_grow((void **)&segs, &scap, nseg + 1, sizeof(*segs));
		segs[nseg].line = r->cur;
		segs[nseg].col = (size_t)(p - df->lines[r->cur]);
		segs[nseg++].len = keep;
	}
	if (empty)
		lw_warnings_add(&df->warnings, "%s:%zu: empty continuation line "
				"(an error in future Dockerfile versions)", r->name,
				start + 1);
	rc = make_instr(r, in, line.buf, segs, nseg);
	if (!rc && in->nheredocs)
		rc = read_heredoc_bodies(r, in);
	if (rc)
		goto out;
	in->end_line = (int)r->cur;
	for (i = start; i < r->cur; i++) {
		if (i > start)
			lw_strbuf_addc(&src, '\n');
		lw_strbuf_adds(&src, df->lines[i]);
	}
	in->source = lw_strbuf_detach(&src);
out:
	free(segs);
	lw_strbuf_release(&line);
	lw_strbuf_release(&src);
	return rc;
}

/* What follows `ignore=` or `reason=`: a double-quoted string (\" and
 * \\ escaped) or a word. *p moves past it. */
static char *directive_value(const char **p, const char *e)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	const char *s = *p;

	if (s < e && *s == '"') {
		for (s++; s < e && *s != '"'; s++) {
			if (*s == '\\' && s + 1 < e)
				s++;
			lw_strbuf_addc(&sb, *s);
		}
		if (s < e)
			s++;
	} else {
		while (s < e && !is_blank(*s))
			lw_strbuf_addc(&sb, *s++);
	}
	*p = s;
	return lw_strbuf_detach(&sb);
}

/* `# layerwaste ignore=KIND[,KIND] reason="why"` on the line just above
 * in: kept on it. Anything else in the comment is not ours. */
static void read_ignore(struct df_reader *r, struct lw_df_instr *in)
{
	static const char word[] = "layerwaste";
	const char *p, *e;
	size_t n;

	if (in->line < 2)
		return;
	p = line_view(r, (size_t)in->line - 2, &n);
	e = p + n;
	while (p < e && is_blank(*p))
		p++;
	if (p == e || *p++ != '#')
		return;
	while (p < e && is_blank(*p))
		p++;
	if ((size_t)(e - p) < sizeof(word) || strncmp(p, word, sizeof(word) - 1) ||
	    !is_blank(p[sizeof(word) - 1]))
		return;
	p += sizeof(word) - 1;
	while (p < e && is_blank(*p))
		p++;
	if (e - p < 7 || strncmp(p, "ignore=", 7))
		return;
	p += 7;
	in->ignore = directive_value(&p, e);
	while (p < e && is_blank(*p))
		p++;
	if (e - p > 7 && !strncmp(p, "reason=", 7)) {
		p += 7;
		in->ignore_reason = directive_value(&p, e);
	}
}

int lw_dockerfile_parse(const char *text, size_t len, const char *path,
			const char *const *build_args,
			struct lw_dockerfile **out, struct lw_error *err)
{
	struct lw_dockerfile *df = lw_xcalloc(1, sizeof(*df));
	struct df_reader r;
	size_t n;
	int rc, from = 0;

	memset(&r, 0, sizeof(r));
	r.df = df;
	r.name = path ? path : "Dockerfile";
	r.err = err;
	*out = NULL;
	df->escape = '\\';
	df->path = path ? lw_xstrdup(path) : NULL;
	if (len > LW_DF_FILE_MAX) {
		rc = lw_error_set(err, LW_ERR_INPUT, "%s: larger than %u MiB",
				  r.name, LW_DF_FILE_MAX >> 20);
		goto fail;
	}
	if ((rc = split_lines(&r, text, len)) || (rc = read_directives(&r)))
		goto fail;
	while (r.cur < df->nlines) {
		const char *p = line_view(&r, r.cur, &n);

		while (n && is_blank(*p)) {
			p++;
			n--;
		}
		if (!n || *p == '#') {
			r.cur++;
			continue;
		}
		if ((rc = read_instruction(&r)))
			goto fail;
		read_ignore(&r, &df->instrs[df->ninstrs - 1]);
		if (!strcmp(df->instrs[df->ninstrs - 1].keyword, "FROM"))
			from = 1;
		else if (!from && strcmp(df->instrs[df->ninstrs - 1].keyword, "ARG")) {
			rc = df_fail(&r, (size_t)df->instrs[df->ninstrs - 1].line,
				     "no build stage in current context: ",
				     df->instrs[df->ninstrs - 1].keyword);
			goto fail;
		}
	}
	if (!from) {
		rc = df_fail(&r, df->ninstrs ? (size_t)df->instrs[0].line : 1,
			     "no FROM instruction", NULL);
		goto fail;
	}
	if ((rc = lw_dockerfile_resolve(df, build_args, err)))
		goto fail;
	*out = df;
	return 0;
fail:
	lw_dockerfile_free(df);
	return rc;
}

int lw_dockerfile_load(const char *path, const char *const *build_args,
		       struct lw_dockerfile **out, struct lw_error *err)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	int rc;

	*out = NULL;
	rc = lw_read_capped(path, LW_DF_FILE_MAX, &sb);
	if (rc < 0)
		rc = lw_error_set(err, LW_ERR_IO, "cannot %s '%s': %s",
				  rc == LW_READ_NOT_OPENED ? "open" : "read",
				  path, strerror(errno));
	else
		rc = lw_dockerfile_parse(sb.buf, sb.len, path, build_args, out,
					 err);
	lw_strbuf_release(&sb);
	return rc;
}

void lw_dockerfile_free(struct lw_dockerfile *df)
{
	size_t i, j;

	if (!df)
		return;
	for (i = 0; i < df->nstages; i++) {
		for (j = 0; j < df->stages[i].nvars; j++) {
			free(df->stages[i].vars[j].name);
			free(df->stages[i].vars[j].value);
		}
		free(df->stages[i].vars);
		free(df->stages[i].name);
		free(df->stages[i].base);
	}
	free(df->stages);
	for (j = 0; j < df->nglobal_vars; j++) {
		free(df->global_vars[j].name);
		free(df->global_vars[j].value);
	}
	free(df->global_vars);
	for (i = 0; i < df->ninstrs; i++) {
		struct lw_df_instr *in = &df->instrs[i];

		free(in->args);
		for (j = 0; j < in->argc; j++)
			free(in->argv[j]);
		free(in->argv);
		free(in->workdir);
		free(in->user);
		free(in->keyword);
		free(in->source);
		free(in->raw_args);
		free(in->ignore);
		free(in->ignore_reason);
		for (j = 0; j < in->nflags; j++) {
			free(in->flags[j].name);
			free(in->flags[j].value);
			free(in->flags[j].raw_value);
		}
		free(in->flags);
		for (j = 0; j < in->nheredocs; j++) {
			free(in->heredocs[j].name);
			free(in->heredocs[j].body);
		}
		free(in->heredocs);
	}
	free(df->instrs);
	for (i = 0; i < df->nlines; i++)
		free(df->lines[i]);
	free(df->lines);
	free(df->text);
	free(df->path);
	free(df->syntax);
	lw_warnings_release(&df->warnings);
	free(df);
}

int lw_df_stage_index(const struct lw_dockerfile *df, const char *target)
{
	size_t i;
	char *end;
	long v;

	if (!df->nstages)
		return -1;
	if (!target || !*target)
		return (int)df->nstages - 1;
	for (i = 0; i < df->nstages; i++)
		if (df->stages[i].name && !strcasecmp(df->stages[i].name, target))
			return (int)i;
	v = strtol(target, &end, 10);
	if (*end || end == target || v < 0 || (size_t)v >= df->nstages)
		return -1;
	return (int)v;
}

size_t lw_df_stage_chain(const struct lw_dockerfile *df, int stage,
			 int *chain, size_t max)
{
	size_t n = 0, i;
	int s;

	if (stage < 0 || (size_t)stage >= df->nstages)
		return 0;
	for (s = stage; s >= 0 && n < df->nstages; s = df->stages[s].base_stage)
		n++;
	if (n > max)
		n = max;
	/* base first: walk again, filling from the end */
	for (s = stage, i = n; i > 0 && s >= 0; s = df->stages[s].base_stage)
		chain[--i] = s;
	return n;
}

