/* History created_by strings back into instructions (see history.h for
 * the forms each builder writes). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layerwaste/dockerfile.h"
#include "layerwaste/util.h"

static const char *const hist_keywords[] = {
	"ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM",
	"HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL",
	"STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
};

static const char *skip_space(const char *p)
{
	while (lw_is_space(*p))
		p++;
	return p;
}

static char *dup_range(const char *s, size_t n)
{
	char *p = lw_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* A copy of s without its leading and trailing white space. */
static char *dup_trim(const char *s)
{
	const char *e;

	s = skip_space(s);
	e = s + strlen(s);
	while (e > s && lw_is_space(e[-1]))
		e--;
	return dup_range(s, (size_t)(e - s));
}

static size_t word_len(const char *p)
{
	size_t n = 0;

	while (p[n] && !lw_is_space(p[n]))
		n++;
	return n;
}

static int word_is(const char *w, size_t n, const char *s)
{
	return strlen(s) == n && !strncasecmp(w, s, n);
}

static int all_letters(const char *p, size_t n)
{
	while (n--) {
		char c = *p++;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return 0;
	}
	return 1;
}

/* Length of a shell prefix at p ("/bin/sh -c ", "/bin/bash -o pipefail
 * -c ", "cmd /S /C ", "powershell -Command "), its trailing blank
 * included; 0 when p does not start with one. */
static size_t shell_prefix(const char *p)
{
	static const char *const shells[] = { "sh", "bash", "ash", "dash",
		"zsh", "ksh", "mksh", "cmd", "cmd.exe", "powershell",
		"powershell.exe", "pwsh" };
	size_t n = word_len(p), i, k;
	const char *b = p + n, *q;
	int windows = -1;

	while (b > p && b[-1] != '/' && b[-1] != '\\')
		b--;
	for (i = 0; i < sizeof(shells) / sizeof(*shells); i++)
		if (word_is(b, (size_t)(p + n - b), shells[i]))
			windows = i >= 7;
	if (windows < 0 || !n)
		return 0;
	for (q = p + n, i = 0; i < 8 && *q == ' '; i++) {
		q++;
		k = word_len(q);
		if (!k)
			return 0;
		if (windows ? (word_is(q, k, "/C") || word_is(q, k, "-Command") ||
			       word_is(q, k, "-c"))
			    : (q[0] == '-' && q[k - 1] == 'c' && all_letters(q + 1, k - 1)))
			return (size_t)(q - p) + k + (q[k] == ' ');
		if (q[0] != '-' && q[0] != '+' && !(windows && q[0] == '/'))
			return 0;
		if (!windows && (word_is(q, k, "-o") || word_is(q, k, "+o"))) {
			q += k;
			if (*q != ' ')
				return 0;
			q++;
			k = word_len(q);
		}
		q += k;
	}
	return 0;
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void push_arg(struct lw_hist_arg **v, size_t *n, const char *name,
		     size_t nlen, const char *value, size_t vlen)
{
	*v = lw_xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n].name = dup_range(name, nlen);
	(*v)[*n].value = value ? dup_range(value, vlen) : NULL;
	(*n)++;
}

static size_t name_len(const char *p)
{
	size_t n = 0;

	if (!(p[0] == '_' || (p[0] >= 'A' && p[0] <= 'Z') ||
	      (p[0] >= 'a' && p[0] <= 'z')))
		return 0;
	while (p[n] == '_' || (p[n] >= 'A' && p[n] <= 'Z') ||
	       (p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9'))
		n++;
	return n;
}

/* "|N K=V ... rest": records the N pairs and returns rest, or NULL when
 * the prefix is malformed. A value runs to the next " NAME=" (or, for the
 * last one, to the shell prefix), so values with blanks survive. */
static const char *parse_build_args(const char *p, struct lw_hist_instr *h)
{
	char *end;
	unsigned long n = strtoul(p + 1, &end, 10), i;

	if (end == p + 1 || (*end != ' ' && *end != '\0') || n > 10000)
		return NULL;
	p = skip_space(end);
	for (i = 0; i < n; i++) {
		size_t nl = name_len(p);
		const char *v, *e = NULL, *s;

		if (!nl || p[nl] != '=')
			return NULL;
		v = p + nl + 1;
		for (s = strchr(v, ' '); s && !e; s = strchr(s + 1, ' ')) {
			size_t k = name_len(s + 1);

			if (i + 1 < n ? (k && s[1 + k] == '=') : shell_prefix(s + 1) > 0)
				e = s;
		}
		if (!e && i + 1 == n)
			e = strchr(v, ' ');
		if (!e)
			e = v + strlen(v);
		push_arg(&h->build_args, &h->nbuild_args, p, nl, v, (size_t)(e - v));
		p = skip_space(e);
	}
	return p;
}

/* Leading --name[=value] words into h->flags; returns what follows. */
static const char *parse_flags(const char *p, struct lw_hist_instr *h)
{
	while (p[0] == '-' && p[1] == '-' && name_len(p + 2)) {
		size_t n = word_len(p);
		const char *eq = memchr(p, '=', n);

		if (eq)
			push_arg(&h->flags, &h->nflags, p + 2, (size_t)(eq - p - 2),
				 eq + 1, (size_t)(p + n - eq - 1));
		else
			push_arg(&h->flags, &h->nflags, p + 2, n - 2, NULL, 0);
		p = skip_space(p + n);
	}
	return p;
}

static int is_json_strings(const char *s)
{
	json_t *j;
	size_t i;
	int ok;

	if (*s != '[')
		return 0;
	j = json_loads(s, 0, NULL);
	ok = j && json_is_array(j);
	for (i = 0; ok && i < json_array_size(j); i++)
		ok = json_is_string(json_array_get(j, i));
	json_decref(j);
	return ok;
}

/* The text after "RUN" (BuildKit, kaniko) or after the shell prefix
 * (classic, prefix already taken: shell != NULL). */
static void set_run(struct lw_hist_instr *h, const char *p, const char *shell,
		    size_t shell_len)
{
	size_t n;

	free(h->keyword);
	h->keyword = lw_xstrdup("RUN");
	p = skip_space(p);
	if (!shell && p[0] == '|') {
		const char *q = parse_build_args(p, h);

		if (q)
			p = q;
	}
	if (!shell && (n = shell_prefix(p))) {
		shell = p;
		shell_len = n;
		p += n;
	}
	/* buildah writes the RUN line as written: its flags come first */
	p = parse_flags(p, h);
	if (shell) {
		while (shell_len && shell[shell_len - 1] == ' ')
			shell_len--;
		h->shell = dup_range(shell, shell_len);
		h->exec_form = is_json_strings(p);
	} else {
		h->exec_form = is_json_strings(p) || h->form == LW_HIST_BUILDKIT;
	}
	h->command = dup_trim(p);
	h->args = lw_xstrdup(h->command);
}

/* Length of a classic "dir:<hex> in " at p, and the kind's length in
 * *kind; 0 when p has not that form. */
static size_t classic_src(const char *p, size_t *kind)
{
	static const char *const kinds[] = { "dir:", "file:", "multi:" };
	size_t i, k, n;

	for (i = 0; i < 3; i++) {
		k = strlen(kinds[i]);
		if (strncmp(p, kinds[i], k))
			continue;
		for (n = 0; is_hex(p[k + n]); n++)
			;
		if (!n || strncmp(p + k + n, " in ", 4))
			return 0;
		*kind = k - 1;
		return k + n + 4;
	}
	return 0;
}

static void set_copy(struct lw_hist_instr *h, const char *p)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	const char *rest, *e, *q;
	size_t n = 0, k = 0;

	h->args = dup_trim(p);
	/* docker glues --chown's value to the source: "--chown=1:1dir:<hex>" */
	for (q = p; h->nop && *q && !(n = classic_src(q, &k)); q++)
		;
	lw_strbuf_add(&sb, p, (size_t)(q - p));
	if (n && q > p && !lw_is_space(q[-1]))
		lw_strbuf_addc(&sb, ' ');
	lw_strbuf_adds(&sb, q);
	rest = parse_flags(sb.buf, h);
	if (n && !strncmp(rest, q, n)) {
		h->copy_src_kind = dup_range(q, k);
		h->copy_src_hash = dup_range(q + k + 1, n - k - 5);
		h->dest = dup_trim(q + n);
		goto out;
	}
	if (*rest == '[') {
		json_t *j = json_loads(rest, 0, NULL);
		json_t *last = json_array_get(j, json_array_size(j) - 1);

		if (json_is_string(last))
			h->dest = lw_xstrdup(json_string_value(last));
		json_decref(j);
		if (h->dest)
			goto out;
	}
	e = rest + strlen(rest);
	while (e > rest && lw_is_space(e[-1]))
		e--;
	q = e;
	while (q > rest && !lw_is_space(q[-1]))
		q--;
	if (q < e && q > rest)
		h->dest = dup_range(q, (size_t)(e - q));
out:
	lw_strbuf_release(&sb);
}

/* "KEYWORD args": returns 0, or -1 when the first word is no keyword. */
static int parse_instruction(struct lw_hist_instr *h, const char *p)
{
	size_t n = word_len(p), i;

	for (i = 0; i < sizeof(hist_keywords) / sizeof(*hist_keywords); i++)
		if (word_is(p, n, hist_keywords[i]))
			break;
	if (i == sizeof(hist_keywords) / sizeof(*hist_keywords))
		return -1;
	h->keyword = lw_xstrdup(hist_keywords[i]);
	p = skip_space(p + n);
	if (!strcmp(h->keyword, "RUN"))
		set_run(h, p, NULL, 0);
	else if (!strcmp(h->keyword, "COPY") || !strcmp(h->keyword, "ADD"))
		set_copy(h, p);
	else
		h->args = dup_trim(p);
	return 0;
}

int lw_history_parse(const char *created_by, const char *comment,
		     struct lw_hist_instr *out)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	const char *p;
	size_t len, n;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!created_by)
		return -1;
	len = strnlen(created_by, LW_HIST_TEXT_MAX + 1);
	if (len > LW_HIST_TEXT_MAX)
		return -1;
	if (comment && !strcmp(comment, "buildkit.dockerfile.v0"))
		out->buildkit = 1;
	while (len && lw_is_space(created_by[len - 1]))
		len--;
	if (len >= 11 && !memcmp(created_by + len - 11, " # buildkit", 11)) {
		out->buildkit = 1;
		len -= 11;
	}
	lw_strbuf_add(&sb, created_by, len);
	p = skip_space(sb.buf);
	if (!*p) {
		rc = -1;
	} else if (p[0] == '|') {
		out->form = out->buildkit ? LW_HIST_BUILDKIT : LW_HIST_CLASSIC;
		set_run(out, p, NULL, 0);
	} else if ((n = shell_prefix(p))) {
		const char *q = p + n;

		out->form = LW_HIST_CLASSIC;
		if (!strncmp(q, "#(nop)", 6)) {
			out->nop = 1;
			rc = parse_instruction(out, skip_space(q + 6));
		} else {
			set_run(out, q, p, n);
		}
	} else {
		out->form = out->buildkit ? LW_HIST_BUILDKIT : LW_HIST_PLAIN;
		rc = parse_instruction(out, p);
		if (rc && p[0] == '/' && !out->buildkit) {
			/* classic exec-form RUN: the argv joined by blanks */
			out->form = LW_HIST_CLASSIC;
			set_run(out, p, NULL, 0);
			out->exec_form = 1;
			rc = 0;
		}
	}
	lw_strbuf_release(&sb);
	if (rc) {
		lw_hist_instr_release(out);
		out->form = LW_HIST_UNKNOWN;
	}
	return rc;
}

static void free_args(struct lw_hist_arg *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
}

void lw_hist_instr_release(struct lw_hist_instr *h)
{
	free(h->keyword);
	free(h->args);
	free(h->command);
	free(h->shell);
	free_args(h->build_args, h->nbuild_args);
	free_args(h->flags, h->nflags);
	free(h->copy_src_kind);
	free(h->copy_src_hash);
	free(h->dest);
	memset(h, 0, sizeof(*h));
}

const char *lw_hist_flag(const struct lw_hist_instr *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->nflags; i++)
		if (!strcmp(h->flags[i].name, name))
			return h->flags[i].value ? h->flags[i].value : "";
	return NULL;
}
