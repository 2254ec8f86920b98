/* Variable substitution as BuildKit's shell lexer does it, and the
 * resolution of stages, ARG/ENV scopes and expanded arguments. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layerwaste/dockerfile.h"
#include "layerwaste/util.h"

#define DF_DEPTH_MAX 32
#define DF_VARS_MAX 1000   /* ARG/ENV values per stage */
#define DF_STAGES_MAX 1000
#define DF_GLOB_MAX 4096 /* longest value matched against a pattern */

struct xlex {
	const char *s;
	size_t len, pos;
	char esc;
	const struct lw_df_var *vars;
	size_t nvars;
	int keep;  /* keep quotes and escapes */
	int skip_unknown; /* leave references to unknown names as written */
	int depth;
	struct lw_error *err;
};

/* Words being split, as BuildKit's wordsStruct. */
struct xwords {
	struct lw_strbuf w;
	int in;
	char **v;
	size_t n, cap;
};

/* The latest entry for name (its value NULL when declared unset). */
static const struct lw_df_var *xfind(const struct lw_df_var *vars, size_t n,
				     const char *name, size_t len)
{
	while (n--)
		if (!strncmp(vars[n].name, name, len) && !vars[n].name[len])
			return &vars[n];
	return NULL;
}

static const char *xget(const struct lw_df_var *vars, size_t n,
			const char *name)
{
	const struct lw_df_var *e = xfind(vars, n, name, strlen(name));

	return e ? e->value : NULL;
}

static int xadd(struct xlex *x, struct lw_strbuf *out, const char *s, size_t n)
{
	if (out->len + n > LW_DF_EXPAND_MAX)
		return lw_error_set(x->err, LW_ERR_INPUT,
				    "substitution result larger than 1 MiB");
	lw_strbuf_add(out, s, n);
	return 0;
}

static void w_push(struct xwords *w)
{
	lw_grow((void **)&w->v, &w->cap, w->n + 1, sizeof(char *));
	lw_strbuf_add(&w->w, "", 0);
	w->v[w->n++] = lw_strbuf_detach(&w->w);
	w->in = 0;
}

static void w_raw(struct xwords *w, const char *s, size_t n)
{
	if (!w)
		return;
	lw_strbuf_add(&w->w, s, n);
	w->in = 1;
}

static void w_split(struct xwords *w, const char *s, size_t n)
{
	size_t i;

	for (i = 0; w && i < n; i++) {
		if (!lw_is_space(s[i]))
			w_raw(w, s + i, 1);
		else if (w->in && w->w.len)
			w_push(w);
	}
}

/* A name after '$': digits, one special parameter, or [A-Za-z0-9_]*. */
static size_t x_name(struct xlex *x)
{
	size_t st = x->pos;
	const char *s = x->s;

	if (x->pos < x->len && s[x->pos] >= '0' && s[x->pos] <= '9') {
		while (x->pos < x->len && s[x->pos] >= '0' && s[x->pos] <= '9')
			x->pos++;
	} else if (x->pos < x->len && strchr("@*#?-$!", s[x->pos])) {
		x->pos++;
	} else {
		while (x->pos < x->len && (s[x->pos] == '_' ||
		       (s[x->pos] >= 'a' && s[x->pos] <= 'z') ||
		       (s[x->pos] >= 'A' && s[x->pos] <= 'Z') ||
		       (s[x->pos] >= '0' && s[x->pos] <= '9')))
			x->pos++;
	}
	return x->pos - st;
}

static int x_process(struct xlex *x, char stop, struct lw_strbuf *out,
		     struct xwords *w);

/* The word of ${name<op>word}, up to the closing brace. */
static int x_word(struct xlex *x, struct lw_strbuf *word)
{
	int rc;

	if (++x->depth > DF_DEPTH_MAX)
		return lw_error_set(x->err, LW_ERR_INPUT,
				    "substitutions nested too deeply");
	lw_strbuf_add(word, "", 0);
	rc = x_process(x, '}', word, NULL);
	x->depth--;
	return rc;
}

/* ${V#pat} ${V##pat} ${V%pat} ${V%%pat}: shortest or longest match of a
 * glob (literal when the value is long). */
static void x_trim(struct lw_strbuf *val, const char *v, const char *pat,
		   int suffix, int longest)
{
	size_t n = strlen(v), k, best = 0, i;
	int found = 0;
	char *tmp;

	if (n > DF_GLOB_MAX || !strpbrk(pat, "*?[")) {
		k = strlen(pat);
		if (k <= n && !memcmp(suffix ? v + n - k : v, pat, k))
			n -= k, v += suffix ? 0 : k;
		lw_strbuf_add(val, v, n);
		return;
	}
	tmp = lw_xmalloc(n + 1);
	for (i = 0; i <= n; i++) {
		k = longest ? n - i : i;
		memcpy(tmp, suffix ? v + n - k : v, k);
		tmp[k] = '\0';
		if (!fnmatch(pat, tmp, 0)) {
			best = k;
			found = 1;
			break;
		}
	}
	free(tmp);
	if (!found)
		best = 0;
	lw_strbuf_add(val, suffix ? v : v + best, n - best);
}

static int x_curly(struct xlex *x, size_t start, struct lw_strbuf *val)
{
	struct lw_strbuf word = LW_STRBUF_INIT;
	const struct lw_df_var *e;
	const char *name, *v, *p;
	size_t n, mark = val->len;
	char op, mod = 0;
	int rc = 0;

	if (x->pos >= x->len)
		return lw_error_set(x->err, LW_ERR_INPUT, "syntax error: missing '}'");
	if (strchr("{}:", x->s[x->pos]))
		return lw_error_set(x->err, LW_ERR_INPUT,
				    "syntax error: bad substitution");
	name = x->s + x->pos;
	n = x_name(x);
	if (x->pos >= x->len)
		return lw_error_set(x->err, LW_ERR_INPUT, "syntax error: missing '}'");
	e = xfind(x->vars, x->nvars, name, n);
	v = e ? e->value : NULL;
	op = x->s[x->pos++];
	if (op == '}') {
		if (!e && x->skip_unknown)
			lw_strbuf_add(val, x->s + start, x->pos - start);
		else
			lw_strbuf_adds(val, v ? v : "");
		return 0;
	}
	if (op == ':') {
		if (x->pos >= x->len)
			return lw_error_set(x->err, LW_ERR_INPUT,
					    "syntax error: missing '}'");
		mod = x->s[x->pos++];
		if (!strchr("-+?", mod))
			return lw_error_set(x->err, LW_ERR_INPUT, "unsupported "
					    "modifier (%c) in substitution", mod);
	} else if (!strchr("-+?#%/", op)) {
		return lw_error_set(x->err, LW_ERR_INPUT,
				    "missing ':' in substitution");
	} else if ((op == '#' || op == '%' || op == '/') && x->pos < x->len &&
		   x->s[x->pos] == op) {
		mod = op; /* ##, %%, //: longest match, every match */
		x->pos++;
	}
	if ((rc = x_word(x, &word)))
		goto out;
	if (!e && x->skip_unknown) {
		val->len = mark;
		lw_strbuf_add(val, x->s + start, x->pos - start);
	} else if (op == ':' && mod == '-')
		lw_strbuf_adds(val, v && *v ? v : word.buf);
	else if (op == ':' && mod == '+')
		lw_strbuf_adds(val, v && *v ? word.buf : "");
	else if (op == '-')
		lw_strbuf_adds(val, v ? v : word.buf);
	else if (op == '+')
		lw_strbuf_adds(val, v ? word.buf : "");
	else if (op == '#' || op == '%')
		x_trim(val, v ? v : "", word.buf, op == '%', mod != 0);
	else if (op == '/' && (p = strchr(word.buf, '/')) && p > word.buf) {
		const char *s = v ? v : "", *hit;
		size_t k = (size_t)(p - word.buf);

		while ((hit = memmem(s, strlen(s), word.buf, k))) {
			lw_strbuf_add(val, s, (size_t)(hit - s));
			lw_strbuf_adds(val, p + 1);
			s = hit + k;
			if (!mod)
				break;
		}
		lw_strbuf_adds(val, s);
	} else if (op == '/') {
		lw_strbuf_adds(val, v ? v : "");
	} else if (!v || (mod && !*v)) { /* ${V?msg}, ${V:?msg} */
		rc = lw_error_set(x->err, LW_ERR_INPUT, "%.*s: %s", (int)n, name,
				  *word.buf ? word.buf : !v ?
				  "is not allowed to be unset" :
				  "is not allowed to be empty");
	} else {
		lw_strbuf_adds(val, v);
	}
out:
	lw_strbuf_release(&word);
	return rc;
}

static int x_dollar(struct xlex *x, struct lw_strbuf *val)
{
	const struct lw_df_var *e;
	const char *name;
	size_t n, start = x->pos++;

	if (x->pos < x->len && x->s[x->pos] == '{') {
		x->pos++;
		return x_curly(x, start, val);
	}
	name = x->s + x->pos;
	n = x_name(x);
	if (!n) {
		lw_strbuf_addc(val, '$');
		return 0;
	}
	e = xfind(x->vars, x->nvars, name, n);
	if (!e && x->skip_unknown)
		lw_strbuf_add(val, x->s + start, x->pos - start);
	else
		lw_strbuf_adds(val, e && e->value ? e->value : "");
	return 0;
}

static int x_quoted(struct xlex *x, struct lw_strbuf *val)
{
	char q = x->s[x->pos++];

	if (x->keep)
		lw_strbuf_addc(val, q);
	for (;;) {
		char c;

		if (x->pos >= x->len)
			return lw_error_set(x->err, LW_ERR_INPUT, "unexpected end of "
					    "statement while looking for matching %s",
					    q == '"' ? "double-quote" : "single-quote");
		c = x->s[x->pos];
		if (c == q) {
			x->pos++;
			if (x->keep)
				lw_strbuf_addc(val, q);
			return 0;
		}
		if (q == '"' && c == '$') {
			int rc = x_dollar(x, val);

			if (rc)
				return rc;
			continue;
		}
		x->pos++;
		if (q == '"' && c == x->esc) {
			if (x->keep)
				lw_strbuf_addc(val, c);
			if (x->pos >= x->len)
				continue;
			if (x->s[x->pos] == '"' || x->s[x->pos] == '$' ||
			    x->s[x->pos] == x->esc)
				c = x->s[x->pos++];
			else if (x->keep)
				continue;
		}
		lw_strbuf_addc(val, c);
	}
}

static int x_process(struct xlex *x, char stop, struct lw_strbuf *out,
		     struct xwords *w)
{
	while (x->pos < x->len) {
		char c = x->s[x->pos];
		int rc = 0;

		if (stop && c == stop) {
			x->pos++;
			return 0;
		}
		if (c == '$' || c == '\'' || c == '"') {
			struct lw_strbuf v = LW_STRBUF_INIT;

			rc = c == '$' ? x_dollar(x, &v) : x_quoted(x, &v);
			if (!rc)
				rc = xadd(x, out, v.buf, v.len);
			if (c == '$')
				w_split(w, v.buf, v.len);
			else
				w_raw(w, v.buf, v.len);
			lw_strbuf_release(&v);
			if (rc)
				return rc;
			continue;
		}
		x->pos++;
		if (c == x->esc) {
			if (x->keep && (rc = xadd(x, out, &c, 1)))
				return rc;
			if (x->pos >= x->len)
				break;
			c = x->s[x->pos++];
			w_raw(w, &c, 1);
		} else {
			w_split(w, &c, 1);
		}
		if ((rc = xadd(x, out, &c, 1)))
			return rc;
	}
	if (stop)
		return lw_error_set(x->err, LW_ERR_INPUT, "syntax error: missing '}'");
	return 0;
}

int lw_df_expand(const char *s, char escape, const struct lw_df_var *vars,
		 size_t nvars, int flags, char **out, struct lw_error *err)
{
	struct xlex x = { s, strlen(s), 0, escape, vars, nvars,
			  !!(flags & LW_DF_KEEP_QUOTES),
			  !!(flags & LW_DF_KEEP_UNKNOWN), 0, err };
	struct lw_strbuf sb = LW_STRBUF_INIT;
	int rc;

	rc = x_process(&x, 0, &sb, NULL);
	if (rc) {
		lw_strbuf_release(&sb);
		*out = NULL;
		return rc;
	}
	*out = lw_strbuf_detach(&sb);
	return 0;
}

int lw_df_expand_words(const char *s, char escape,
		       const struct lw_df_var *vars, size_t nvars, int flags,
		       char ***words, size_t *nwords, struct lw_error *err)
{
	struct xlex x = { s, strlen(s), 0, escape, vars, nvars, 0,
			  !!(flags & LW_DF_KEEP_UNKNOWN), 0, err };
	struct lw_strbuf sb = LW_STRBUF_INIT;
	struct xwords w;
	int rc;

	memset(&w, 0, sizeof(w));
	lw_strbuf_init(&w.w);
	rc = x_process(&x, 0, &sb, &w);
	if (!rc && w.w.len)
		w_push(&w);
	lw_strbuf_release(&sb);
	lw_strbuf_release(&w.w);
	if (rc) {
		while (w.n)
			free(w.v[--w.n]);
		free(w.v);
		w.v = NULL;
	}
	*words = w.v;
	*nwords = w.n;
	return rc;
}

/* Resolution: stages, scopes, expanded fields. */

struct df_res {
	struct lw_dockerfile *df;
	const char *name;
	struct lw_error *err;
	const char *const *bargs;
	size_t nbargs;
	unsigned char *used;   /* per build arg */
	struct lw_df_var **vars; /* the list being filled */
	size_t *nvars, vcap;
	int stage;
	char *workdir, *user;  /* owned */
};

/* Unknown names stay as written in a stage (the base image may set
 * them); in the global scope only the ARGs exist. */
static int res_keep(const struct df_res *r)
{
	return r->stage < 0 ? 0 : LW_DF_KEEP_UNKNOWN;
}

static int res_fail(struct df_res *r, const struct lw_df_instr *in,
		    const char *what, const char *arg)
{
	return lw_error_set(r->err, LW_ERR_INPUT, "%s:%d: %s%s", r->name,
			    in->line, what, arg ? arg : "");
}

/* Gives an expansion error its location. */
static int res_where(struct df_res *r, const struct lw_df_instr *in, int rc)
{
	if (rc && r->err)
		lw_error_prefix(r->err, "%s:%d", r->name, in->line);
	return rc;
}

static int var_push(struct df_res *r, const char *name, const char *value,
		    int env)
{
	struct lw_df_var *v;

	if (*r->nvars >= DF_VARS_MAX)
		return lw_error_set(r->err, LW_ERR_INPUT, "%s: more than %d "
				    "variables", r->name, DF_VARS_MAX);
	lw_grow((void **)r->vars, &r->vcap, *r->nvars + 1, sizeof(**r->vars));
	v = &(*r->vars)[(*r->nvars)++];
	v->name = lw_xstrdup(name);
	v->value = value ? lw_xstrdup(value) : NULL;
	v->env = env;
	return 0;
}

static const char *build_arg(struct df_res *r, const char *name)
{
	size_t i, k = strlen(name);

	for (i = r->nbargs; i--;)
		if (!strncmp(r->bargs[i], name, k) && r->bargs[i][k] == '=') {
			r->used[i] = 1;
			return r->bargs[i] + k + 1;
		}
	return NULL;
}

static void push_argv(struct lw_df_instr *in, size_t *cap, char *owned)
{
	lw_grow((void **)&in->argv, cap, in->argc + 1, sizeof(char *));
	in->argv[in->argc++] = owned;
}

/* BuildKit's parseWords: split at blanks outside quotes, quotes and
 * escapes kept. */
static void parse_words(const char *s, char esc, char ***v, size_t *n)
{
	struct lw_strbuf w = LW_STRBUF_INIT;
	size_t cap = 0, len = strlen(s), pos;
	char q = 0;
	int blank_ok = 0, inword = 0;

	*v = NULL;
	*n = 0;
	for (pos = 0; pos <= len; pos++) {
		char c = s[pos];

		if (pos == len || (!q && lw_is_space(c))) {
			if (inword && (blank_ok || w.len)) {
				lw_grow((void **)v, &cap, *n + 1, sizeof(char *));
				(*v)[(*n)++] = lw_strbuf_detach(&w);
			}
			lw_strbuf_reset(&w);
			inword = blank_ok = 0;
			continue;
		}
		inword = 1;
		if (!q && (c == '\'' || c == '"')) {
			q = c;
			blank_ok = 1;
		} else if (q && c == q) {
			q = 0;
		} else if (c == esc && q != '\'') {
			if (pos + 1 == len)
				continue;
			lw_strbuf_addc(&w, c);
			c = s[++pos];
		}
		lw_strbuf_addc(&w, c);
	}
	lw_strbuf_release(&w);
}

static void free_words(char **v, size_t n)
{
	while (n--)
		free(v[n]);
	free(v);
}

static int res_from(struct df_res *r, struct lw_df_instr *in)
{
	struct lw_dockerfile *df = r->df;
	struct lw_df_stage *st, *base;
	char **w, *name = NULL, *b = NULL;
	size_t n, i, cap = 0;
	int rc = 0;

	parse_words(in->raw_args, '\0', &w, &n);
	if (n != 1 && !(n == 3 && !strcasecmp(w[1], "AS"))) {
		rc = res_fail(r, in, "FROM requires either one or three arguments", NULL);
		goto out;
	}
	if ((rc = res_where(r, in, lw_df_expand(w[0], df->escape, df->global_vars,
						 df->nglobal_vars, 0, &b, r->err))))
		goto out;
	if (n == 3) {
		name = lw_xstrdup(w[2]);
		for (i = 0; name[i]; i++)
			name[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ?
					 name[i] - 'A' + 'a' : name[i]);
		if (name[0] < 'a' || name[0] > 'z' ||
		    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-_.") != i) {
			rc = res_fail(r, in, "invalid name for build stage: ", w[2]);
			goto out;
		}
		for (i = 0; i < df->nstages; i++)
			if (df->stages[i].name && !strcmp(df->stages[i].name, name)) {
				rc = res_fail(r, in, "duplicate stage name ", name);
				goto out;
			}
	}
	if (df->nstages >= DF_STAGES_MAX) {
		rc = res_fail(r, in, "too many build stages", NULL);
		goto out;
	}
	df->stages = lw_xrealloc(df->stages, (df->nstages + 1) * sizeof(*st));
	st = &df->stages[df->nstages];
	memset(st, 0, sizeof(*st));
	st->name = name;
	st->base = b;
	st->base_stage = -1;
	st->first = (size_t)(in - df->instrs);
	for (i = 0; i < df->nstages; i++)
		if (df->stages[i].name && !strcasecmp(df->stages[i].name, b))
			st->base_stage = (int)i;
	name = b = NULL;
	r->stage = (int)df->nstages++;
	r->vars = &st->vars;
	r->nvars = &st->nvars;
	r->vcap = 0;
	free(r->workdir);
	free(r->user);
	r->workdir = lw_xstrdup("/");
	r->user = NULL;
	if (st->base_stage >= 0) {
		base = &df->stages[st->base_stage];
		for (i = 0; i < base->nvars && !rc; i++)
			if (base->vars[i].env)
				rc = var_push(r, base->vars[i].name,
					      base->vars[i].value, 1);
		if (base->count) {
			const struct lw_df_instr *last = &df->instrs[base->first +
								     base->count - 1];

			free(r->workdir);
			r->workdir = lw_xstrdup(last->workdir);
			r->user = last->user ? lw_xstrdup(last->user) : NULL;
		}
	}
	push_argv(in, &cap, lw_xstrdup(st->base));
	for (i = 1; i < n; i++)
		push_argv(in, &cap, lw_xstrdup(w[i]));
out:
	free(name);
	free(b);
	free_words(w, n);
	return rc;
}

static int env_set(const struct lw_df_var *v, size_t n, const char *name)
{
	while (n--)
		if (v[n].env && !strcmp(v[n].name, name))
			return 1;
	return 0;
}

static int res_arg(struct df_res *r, struct lw_df_instr *in)
{
	struct lw_dockerfile *df = r->df;
	char **w, *def = NULL;
	size_t n, i, cap = 0;
	int rc = 0;

	parse_words(in->raw_args, df->escape, &w, &n);
	if (!n)
		rc = res_fail(r, in, "ARG requires at least one argument", NULL);
	for (i = 0; i < n && !rc; i++) {
		char *eq = strchr(w[i], '='), *kv;
		const char *val;
		struct lw_strbuf sb = LW_STRBUF_INIT;

		if (eq) {
			*eq = '\0';
			rc = res_where(r, in, lw_df_expand(eq + 1, df->escape, *r->vars,
							   *r->nvars, res_keep(r),
							   &def, r->err));
			if (rc)
				break;
		}
		val = build_arg(r, w[i]);
		if (!val)
			val = eq ? def : r->stage < 0 ? NULL :
			      xget(df->global_vars, df->nglobal_vars, w[i]);
		/* an ENV of the same name wins over the ARG; an ARG without
		 * a value is declared, and so expands to "" */
		if (!env_set(*r->vars, *r->nvars, w[i]))
			rc = var_push(r, w[i], val, 0);
		lw_strbuf_adds(&sb, w[i]);
		if (val) {
			lw_strbuf_addc(&sb, '=');
			lw_strbuf_adds(&sb, val);
		}
		kv = lw_strbuf_detach(&sb);
		push_argv(in, &cap, kv);
		free(def);
		def = NULL;
	}
	free(def);
	free_words(w, n);
	return rc;
}

/* ENV and LABEL: KEY=VALUE..., or the old "KEY value with blanks". */
static int res_keyvals(struct df_res *r, struct lw_df_instr *in, int env)
{
	struct lw_dockerfile *df = r->df;
	char **w, *k = NULL, *v = NULL;
	size_t n, i, cap = 0, first = 0;
	int rc = 0, legacy;

	parse_words(in->raw_args, df->escape, &w, &n);
	if (!n) {
		rc = res_fail(r, in, env ? "ENV" : "LABEL", " requires at least one "
			      "argument");
		goto out;
	}
	if (!strchr(w[0], '=')) {
		const char *p = in->raw_args + strcspn(in->raw_args, " \t");

		while (lw_is_space(*p))
			p++;
		if (!*p) {
			rc = res_fail(r, in, env ? "ENV" : "LABEL", " must have two "
				      "arguments");
			goto out;
		}
		while (n > 1)
			free(w[--n]);
		w = lw_xrealloc(w, 2 * sizeof(char *));
		w[1] = lw_xstrdup(p);
		n = 2;
	} else {
		for (i = 0; i < n; i++)
			if (!strchr(w[i], '=')) {
				rc = res_fail(r, in, "Syntax error - can't find = in ",
					      w[i]);
				goto out;
			}
	}
	/* every value is expanded with the variables from before the line */
	first = *r->nvars;
	legacy = !strchr(w[0], '=');
	for (i = 0; i < (legacy ? 1 : n) && !rc; i++) {
		char *val = legacy ? w[1] : strchr(w[i], '=');
		struct lw_strbuf sb = LW_STRBUF_INIT;

		if (!legacy)
			*val++ = '\0';
		rc = lw_df_expand(w[i], df->escape, *r->vars, first,
				  LW_DF_KEEP_UNKNOWN, &k, r->err);
		if (!rc)
			rc = lw_df_expand(val, df->escape, *r->vars, first,
					  LW_DF_KEEP_UNKNOWN, &v, r->err);
		if (rc) {
			res_where(r, in, rc);
			break;
		}
		lw_strbuf_adds(&sb, k);
		lw_strbuf_addc(&sb, '=');
		lw_strbuf_adds(&sb, v);
		push_argv(in, &cap, lw_strbuf_detach(&sb));
		if (env)
			rc = var_push(r, k, v, 1);
		free(k);
		free(v);
		k = v = NULL;
	}
out:
	free(k);
	free(v);
	free_words(w, n);
	return rc;
}

/* The sources and destination of COPY/ADD, or VOLUME's paths. */
static int res_paths(struct df_res *r, struct lw_df_instr *in)
{
	struct lw_dockerfile *df = r->df;
	size_t i;
	int j = lw_df_json_argv(in->raw_args, &in->argv, &in->argc), rc = 0;

	if (j < 0)
		return res_fail(r, in, in->keyword, ": JSON array must hold "
				"only strings");
	for (i = 0; j && i < in->argc && !rc; i++) {
		char *e;

		rc = lw_df_expand(in->argv[i], df->escape, *r->vars, *r->nvars,
				  LW_DF_KEEP_UNKNOWN, &e, r->err);
		if (!rc) {
			free(in->argv[i]);
			in->argv[i] = e;
		}
	}
	if (!j)
		rc = lw_df_expand_words(in->raw_args, df->escape, *r->vars,
					*r->nvars, LW_DF_KEEP_UNKNOWN, &in->argv,
					&in->argc, r->err);
	if (rc)
		return res_where(r, in, rc);
	if (strcmp(in->keyword, "VOLUME") && in->argc < 2)
		return res_fail(r, in, in->keyword, " requires at least two "
				"arguments");
	return 0;
}

static int res_from_stage(struct df_res *r, struct lw_df_instr *in)
{
	const char *from = lw_df_flag(in, "from");
	char *end;
	long v;
	int i;

	if (!from || !*from)
		return -1;
	for (i = 0; i < r->stage; i++)
		if (r->df->stages[i].name && !strcasecmp(r->df->stages[i].name, from))
			return i;
	v = strtol(from, &end, 10);
	return !*end && v >= 0 && v < r->stage ? (int)v : -1;
}

static int res_instr(struct df_res *r, struct lw_df_instr *in)
{
	static const char expanding[] = " ADD ARG COPY ENV EXPOSE FROM LABEL "
		"STOPSIGNAL USER VOLUME WORKDIR ";
	struct lw_dockerfile *df = r->df;
	const char *kw = in->keyword;
	int from = !strcmp(kw, "FROM"), rc = 0, j;
	char buf[16], *word = NULL;
	const struct lw_df_var *vars = from ? df->global_vars : *r->vars;
	size_t i, nvars = from ? df->nglobal_vars : *r->nvars;

	snprintf(buf, sizeof(buf), " %s ", kw);
	if (strstr(expanding, buf))
		rc = res_where(r, in, lw_df_expand(in->raw_args, df->escape, vars,
						   nvars, LW_DF_KEEP_QUOTES |
						   (from ? 0 : LW_DF_KEEP_UNKNOWN),
						   &in->args, r->err));
	else
		in->args = lw_xstrdup(in->raw_args);
	for (i = 0; i < in->nflags && !rc; i++) {
		struct lw_df_flag *f = &in->flags[i];

		if (!f->raw_value)
			continue;
		if (from || !strcmp(kw, "COPY") || !strcmp(kw, "ADD"))
			rc = res_where(r, in, lw_df_expand(f->raw_value, df->escape,
							   vars, nvars,
							   from ? 0 : LW_DF_KEEP_UNKNOWN,
							   &f->value, r->err));
		else
			f->value = lw_xstrdup(f->raw_value);
	}
	if (rc)
		return rc;
	if (from)
		return res_from(r, in);
	if (!strcmp(kw, "ARG"))
		return res_arg(r, in);
	if (!strcmp(kw, "ENV") || !strcmp(kw, "LABEL"))
		return res_keyvals(r, in, kw[0] == 'E');
	if (!strcmp(kw, "COPY") || !strcmp(kw, "ADD") || !strcmp(kw, "VOLUME")) {
		in->from_stage = res_from_stage(r, in);
		return res_paths(r, in);
	}
	if (!strcmp(kw, "RUN") || !strcmp(kw, "CMD") || !strcmp(kw, "ENTRYPOINT") ||
	    !strcmp(kw, "SHELL")) {
		j = lw_df_json_argv(in->raw_args, &in->argv, &in->argc);
		if (j < 0)
			return res_fail(r, in, kw, ": JSON array must hold only strings");
		if (!j && kw[0] == 'S')
			return res_fail(r, in, "SHELL requires the arguments to be in "
					"JSON form", NULL);
		in->exec_form = j;
		return 0;
	}
	if (!strcmp(kw, "WORKDIR") || !strcmp(kw, "USER")) {
		rc = res_where(r, in, lw_df_expand(in->raw_args, df->escape, vars,
						   nvars, LW_DF_KEEP_UNKNOWN, &word,
						   r->err));
		if (!rc && !*word)
			rc = res_fail(r, in, kw, " requires exactly one argument");
		if (!rc && kw[0] == 'W') {
			char *p = lw_df_join_path(r->workdir, word);

			free(r->workdir);
			r->workdir = p;
		} else if (!rc) {
			free(r->user);
			r->user = word;
			word = NULL;
		}
		free(word);
	}
	return rc;
}

static void clear_resolved(struct lw_dockerfile *df)
{
	size_t i, j;

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
	df->stages = NULL;
	df->nstages = 0;
	for (j = 0; j < df->nglobal_vars; j++) {
		free(df->global_vars[j].name);
		free(df->global_vars[j].value);
	}
	free(df->global_vars);
	df->global_vars = NULL;
	df->nglobal_vars = 0;
	for (i = 0; i < df->ninstrs; i++) {
		struct lw_df_instr *in = &df->instrs[i];

		free(in->args);
		free_words(in->argv, in->argc);
		free(in->workdir);
		free(in->user);
		in->args = in->workdir = in->user = NULL;
		in->argv = NULL;
		in->argc = 0;
		for (j = 0; j < in->nflags; j++) {
			free(in->flags[j].value);
			in->flags[j].value = NULL;
		}
		in->exec_form = in->nvars = 0;
		in->stage = in->from_stage = -1;
	}
}

/* The predefined platform ARGs describe the host, as a local build does. */
#if defined(__aarch64__)
#define DF_ARCH "arm64"
#else
#define DF_ARCH "amd64"
#endif

static int res_predefined(struct df_res *r)
{
	static const char *const names[] = { "BUILDPLATFORM", "BUILDOS",
		"BUILDARCH", "BUILDVARIANT", "TARGETPLATFORM", "TARGETOS",
		"TARGETARCH", "TARGETVARIANT" };
	const char *values[] = { "linux/" DF_ARCH, "linux", DF_ARCH, "",
		"linux/" DF_ARCH, "linux", DF_ARCH, "" };
	size_t i;
	int rc = 0;

	for (i = 0; i < 8 && !rc; i++) {
		const char *v = build_arg(r, names[i]);

		rc = var_push(r, names[i], v ? v : values[i], 0);
	}
	return rc;
}

int lw_dockerfile_resolve(struct lw_dockerfile *df,
			  const char *const *build_args, struct lw_error *err)
{
	struct df_res r;
	size_t i;
	int rc;

	clear_resolved(df);
	memset(&r, 0, sizeof(r));
	r.df = df;
	r.name = df->path ? df->path : "Dockerfile";
	r.err = err;
	r.bargs = build_args;
	while (build_args && build_args[r.nbargs])
		r.nbargs++;
	r.used = lw_xcalloc(r.nbargs + 1, 1);
	r.stage = -1;
	r.vars = &df->global_vars;
	r.nvars = &df->nglobal_vars;
	r.workdir = lw_xstrdup("/");
	rc = res_predefined(&r);
	for (i = 0; i < df->ninstrs && !rc; i++) {
		struct lw_df_instr *in = &df->instrs[i];

		in->nvars = *r.nvars;
		rc = res_instr(&r, in);
		in->stage = r.stage;
		if (!strcmp(in->keyword, "FROM"))
			in->nvars = *r.nvars;
		if (r.stage >= 0)
			df->stages[r.stage].count++;
		in->workdir = lw_xstrdup(r.workdir);
		in->user = r.user ? lw_xstrdup(r.user) : NULL;
	}
	for (i = 0; i < r.nbargs && !rc; i++)
		if (!r.used[i])
			lw_warnings_add(&df->warnings, "%s: build arg '%.*s' was not "
					"consumed", r.name,
					(int)strcspn(build_args[i], "="), build_args[i]);
	free(r.used);
	free(r.workdir);
	free(r.user);
	return rc;
}

const char *lw_df_var(const struct lw_dockerfile *df,
		      const struct lw_df_instr *in, const char *name)
{
	const struct lw_df_var *v = in->stage < 0 ? df->global_vars :
				    df->stages[in->stage].vars;

	return xget(v, in->nvars, name);
}
