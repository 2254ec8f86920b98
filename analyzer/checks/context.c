/* What every check builds its result with: results and their places,
 * and what the image, its Dockerfile and /etc/passwd say about a layer or
 * a user. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks_priv.h"
#include "layerwaste/util.h"

void lw_chk_setf(char **dst, const char *fmt, ...)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	lw_strbuf_adds(&sb, buf);
	free(*dst);
	*dst = lw_strbuf_detach(&sb);
}

struct lw_check *lw_chk_begin(struct lw_chk_ctx *x,
			      const struct lw_chk_def *def)
{
	struct lw_checks *c = x->out;
	struct lw_check *k;

	c->checks = lw_xrealloc(c->checks, (c->n + 1) * sizeof(*c->checks));
	k = &c->checks[c->n++];
	memset(k, 0, sizeof(*k));
	k->id = def->id;
	k->title = def->title;
	k->docs = def->docs;
	k->category = def->category;
	k->severity = def->severity;
	k->status = LW_CHECK_PASS;
	return k;
}

struct lw_check_item *lw_chk_item(struct lw_check *k)
{
	struct lw_check_item *it;

	k->status = LW_CHECK_FAIL;
	if (k->nitems == LW_CHK_ITEMS_MAX) {
		k->nmore++;
		return NULL;
	}
	k->items = lw_xrealloc(k->items, (k->nitems + 1) * sizeof(*k->items));
	it = &k->items[k->nitems++];
	memset(it, 0, sizeof(*it));
	it->layer = -1;
	return it;
}

static const struct lw_layer_attr *layer_attr(const struct lw_chk_ctx *x,
					      int li)
{
	if (!x->at || li < 0 || (size_t)li >= x->at->nlayers)
		return NULL;
	return &x->at->layers[li];
}

void lw_chk_at_layer(struct lw_chk_ctx *x, struct lw_check_item *it, int li)
{
	const struct lw_layer_attr *la = layer_attr(x, li);

	it->layer = li;
	if (!la || !la->file || la->line <= 0)
		return;
	free(it->file);
	it->file = lw_xstrdup(la->file);
	it->line = la->line;
	it->end_line = la->end_line > la->line ? la->end_line : la->line;
}

void lw_chk_at_instr(struct lw_chk_ctx *x, struct lw_check_item *it,
		     const struct lw_df_instr *in)
{
	if (!in || !x->at || !x->at->dockerfile)
		return;
	free(it->file);
	it->file = lw_xstrdup(x->at->dockerfile);
	it->line = in->line;
	it->end_line = in->end_line > in->line ? in->end_line : in->line;
}

const char *lw_chk_layer_text(const struct lw_chk_ctx *x, int li)
{
	const struct lw_layer_attr *la = layer_attr(x, li);

	return la && la->file ? la->text : NULL;
}

const char *lw_chk_layer_keyword(const struct lw_chk_ctx *x, int li)
{
	const struct lw_layer_attr *la = layer_attr(x, li);

	return la && la->keyword ? la->keyword : "";
}

int lw_chk_layer_is_base(const struct lw_chk_ctx *x, int li)
{
	const struct lw_layer_attr *la = layer_attr(x, li);

	return la && la->base;
}

char *lw_chk_layer_ref(const struct lw_chk_ctx *x, int li)
{
	const struct lw_layer_attr *la = layer_attr(x, li);
	struct lw_strbuf sb = LW_STRBUF_INIT;

	if (la && la->file && la->line > 0)
		lw_strbuf_addf(&sb, "%s:%d", la->file, la->line);
	else
		lw_strbuf_addf(&sb, "layer %d", li);
	if (la && la->base)
		lw_strbuf_adds(&sb, " (base image)");
	else if (la && la->keyword)
		lw_strbuf_addf(&sb, " (%s)", la->keyword);
	return lw_strbuf_detach(&sb);
}

char *lw_chk_layer_this(const struct lw_chk_ctx *x, int li)
{
	const struct lw_layer_attr *la = layer_attr(x, li);
	struct lw_strbuf sb = LW_STRBUF_INIT;

	if (la && la->file && la->line > 0 && la->keyword)
		lw_strbuf_addf(&sb, "This %s", la->keyword);
	else if (la && la->base)
		lw_strbuf_addf(&sb, "Layer %d (base image)", li);
	else if (la && la->keyword)
		lw_strbuf_addf(&sb, "Layer %d (%s)", li, la->keyword);
	else
		lw_strbuf_addf(&sb, "Layer %d", li);
	return lw_strbuf_detach(&sb);
}

const char *lw_chk_env(const struct lw_chk_ctx *x, const char *name)
{
	size_t i, n = strlen(name);

	for (i = x->nenv; i-- > 0;)
		if (!strncmp(x->env[i], name, n) && x->env[i][n] == '=')
			return x->env[i] + n + 1;
	return NULL;
}

const struct lw_df_instr *lw_chk_last(const struct lw_chk_ctx *x,
				      const char *keyword)
{
	size_t i;

	for (i = x->ninstrs; i-- > 0;)
		if (!strcmp(x->instrs[i]->keyword, keyword))
			return x->instrs[i];
	return NULL;
}

static int is_flag_word(const char *p, const char *flag)
{
	size_t n = strlen(flag);

	return !strncmp(p, flag, n) && (p[n] == '=' || p[n] == ' ');
}

char *lw_chk_with_chown(const char *text, const char *user)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	const char *p = text, *kw_end;

	while (*p == ' ' || *p == '\t')
		p++;
	if (strncasecmp(p, "COPY", 4) && strncasecmp(p, "ADD", 3))
		return NULL;
	kw_end = p + (toupper((unsigned char)*p) == 'C' ? 4 : 3);
	if (*kw_end != ' ' && *kw_end != '\t')
		return NULL;
	lw_strbuf_add(&sb, text, (size_t)(kw_end - text));
	lw_strbuf_addf(&sb, " --chown=%s", user);
	/* Keep the other flags and the arguments as written; drop an
	 * earlier --chown. */
	for (p = kw_end; *p;) {
		const char *w = p, *e;

		while (*w == ' ' || *w == '\t')
			w++;
		e = w;
		while (*e && *e != ' ' && *e != '\t')
			e++;
		if (is_flag_word(w, "--chown") || !strncmp(w, "--chown=", 8)) {
			p = e;
			continue;
		}
		lw_strbuf_add(&sb, p, strlen(p));
		break;
	}
	return lw_strbuf_detach(&sb);
}

int lw_chk_passwd_find(const char *passwd, const char *who, long *uid,
		       long *gid, char **home)
{
	const char *line, *nl;
	char buf[1024], *f[7], *p, *end;
	long want = -1, u;
	size_t n, k;

	if (*who && strspn(who, "0123456789") == strlen(who))
		want = strtol(who, &end, 10);
	for (line = passwd; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		n = nl ? (size_t)(nl - line) : strlen(line);
		if (n >= sizeof(buf))
			continue;
		memcpy(buf, line, n);
		buf[n] = '\0';
		/* name:password:uid:gid:gecos:home:shell */
		for (k = 0, p = buf; k < 7 && p; k++) {
			f[k] = p;
			p = strchr(p, ':');
			if (p)
				*p++ = '\0';
		}
		if (k < 7)
			continue;
		u = strtol(f[2], &end, 10);
		if (!*f[2] || *end)
			continue;
		if (want < 0 ? strcmp(f[0], who) != 0 : u != want)
			continue;
		*uid = u;
		*gid = strtol(f[3], &end, 10);
		if (!*f[3] || *end)
			*gid = -1;
		if (home)
			*home = lw_xstrdup(f[5]);
		return 1;
	}
	return 0;
}
