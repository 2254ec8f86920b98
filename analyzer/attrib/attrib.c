/* Attribution: layers to instructions, groups of findings to causes. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attrib_priv.h"
#include "pkgdb.h"
#include "layerwaste/util.h"

static void layers_from_history(struct attr_ctx *ctx)
{
	const struct lw_image *img = ctx->img;
	size_t i;

	for (i = 0; i < img->nlayers; i++) {
		const struct lw_history *h = img->layers[i].history;
		struct lw_hist_instr *hi = &ctx->hist[i];
		struct lw_layer_attr *la = &ctx->at->layers[i];

		if (!h || !h->created_by ||
		    lw_history_parse(h->created_by, h->comment, hi) < 0 ||
		    !hi->keyword)
			continue;
		la->keyword = lw_xstrdup(hi->keyword);
		la->args = lw_xstrdup(hi->command ? hi->command :
				      hi->args ? hi->args : "");
	}
}

/* --base: the first o->base_layers layers are the base image's. */
static void base_from_image(struct attr_ctx *ctx, const struct lw_attrib_opts *o)
{
	struct lw_attribution *at = ctx->at;
	size_t i;

	for (i = 0; i < at->nlayers; i++) {
		struct lw_layer_attr *la = &at->layers[i];

		free(la->base_ref);
		la->base_ref = NULL;
		la->base = i < o->base_layers;
		if (la->base)
			la->base_ref = lw_xstrdup(o->base_ref);
	}
	at->base_known = LW_BASE_IMAGE;
}

/* The FROM line of the stage the base layers came from, or 0. */
static int from_line(const struct attr_ctx *ctx, const char *ref)
{
	const struct lw_dockerfile *df = ctx->df;
	int line = 0;
	size_t i;

	if (!df || !ref || !ctx->at->aligned)
		return 0;
	for (i = 0; i < df->nstages; i++)
		if (df->stages[i].base_stage < 0 && df->stages[i].base &&
		    !strcmp(df->stages[i].base, ref) &&
		    df->stages[i].first < df->ninstrs)
			line = df->instrs[df->stages[i].first].line;
	return line;
}

/* "line 7 (RUN)", "layer 3 (RUN)" or "layer 3". */
static void layer_place(const struct lw_attribution *at, uint32_t l,
			char *buf, size_t size)
{
	const struct lw_layer_attr *la = &at->layers[l];

	if (la->file && la->keyword)
		snprintf(buf, size, "line %d (%s)", la->line, la->keyword);
	else if (la->keyword)
		snprintf(buf, size, "layer %u (%s)", l, la->keyword);
	else
		snprintf(buf, size, "layer %u", l);
}

/* Advice for waste the Dockerfile cannot fix: what the user can do is
 * choose another base, or drop an rm that saves nothing. Replaces what
 * fixes.c wrote for a suggestion whose causes are all inherited. */
static void inherited_advice(struct attr_ctx *ctx, struct lw_suggestion *s,
			     const struct lw_group *g)
{
	const struct lw_attribution *at = ctx->at;
	const char *ref = at->layers[g->from_layer].base_ref;
	struct lw_strbuf sb = LW_STRBUF_INIT;
	char wk[64];
	size_t k;
	int line;

	if (!ref || !*ref)
		ref = "the base image";
	layer_place(at, g->layer, wk, sizeof(wk));
	free(s->title);
	free(s->detail);
	free(s->before);
	free(s->after);
	s->before = s->after = NULL;
	for (k = 0; k < s->nedits; k++)
		free(s->edits[k].text);
	free(s->edits);
	s->edits = NULL;
	s->nedits = 0;
	s->safe = 0;
	if (!at->layers[g->layer].base && g->kind == LW_KIND_DELETE) {
		lw_strbuf_addf(&sb, "Deleting files of the base image (%s) at "
			       "%s saves nothing", ref, wk);
		s->title = lw_strbuf_detach(&sb);
		/* Dropping the rm stores no less: nothing to save. */
		s->saves_bytes = s->saves_compressed_bytes = 0;
		s->detail = lw_xstrdup("The files stay stored in the base "
				       "image's layers. Drop the rm, or start "
				       "from a slimmer base image (or copy "
				       "what the program needs into a final "
				       "stage FROM a small base).");
		return;
	}
	if (!at->layers[g->layer].base) {
		lw_strbuf_addf(&sb, "%s replaces files of the base image (%s): "
			       "their first version stays stored", wk, ref);
		s->title = lw_strbuf_detach(&sb);
		s->detail = lw_xstrdup("Start from a base image that already "
				       "has what this step installs, or from "
				       "a slimmer one.");
		return;
	}
	lw_strbuf_addf(&sb, "Waste inside the base image (%s): choose a "
		       "slimmer base", ref);
	s->title = lw_strbuf_detach(&sb);
	s->detail = lw_xstrdup("The base image's own layers store files that "
			       "its later layers hide; no line of this "
			       "Dockerfile can remove them. A slimmer or "
			       "better-built base image can.");
	/* No line of ours made it: point at the FROM that brought it. */
	line = from_line(ctx, at->layers[g->from_layer].base_ref);
	s->file = line ? at->dockerfile : NULL;
	s->line = s->end_line = line;
}

/* Marks each cause base and inherited, and rewrites the advice of the
 * suggestions that cover inherited causes only. */
static void mark_base(struct attr_ctx *ctx)
{
	const struct lw_analysis *an = ctx->an;
	struct lw_attribution *at = ctx->at;
	size_t i, c;

	if (!at->base_known)
		for (i = 0; i < at->nlayers; i++)
			if (at->layers[i].base)
				at->base_known = LW_BASE_DOCKERFILE;
	for (c = 0; c < at->ncauses; c++) {
		const struct lw_group *g = &an->groups[at->causes[c].group];
		uint32_t charged = lw_kind_is_metadata(g->kind) ? g->layer :
				   g->from_layer;

		at->causes[c].base = g->from_layer < at->nlayers &&
				     at->layers[g->from_layer].base;
		at->causes[c].inherited = charged < at->nlayers &&
					  at->layers[charged].base;
		at->causes[c].category =
			lw_pkgdb_classify(an, at, at->causes[c].group,
					  &at->causes[c].inherent,
					  &at->causes[c].churn, NULL);
		/* An inherent rewrite of a base layer's copy is the base's,
		 * whatever its kind: a touch (charged to the layer that made
		 * it) too. */
		at->causes[c].inherited |= at->causes[c].inherent &&
					   at->causes[c].base;
		at->causes[c].churn &= !at->causes[c].inherited;
	}
	for (i = 0; i < at->nsuggestions; i++) {
		const struct lw_group *first = NULL;
		int all = 1;

		for (c = 0; c < at->ncauses && all; c++) {
			if (at->causes[c].suggestion != (int)i)
				continue;
			all = at->causes[c].inherited;
			if (!first)
				first = &an->groups[at->causes[c].group];
		}
		if (all && first)
			inherited_advice(ctx, &at->suggestions[i], first);
	}
}

/* Suppressions: causes of waste the user has accepted, with a reason,
 * either in the Dockerfile (`# layerwaste ignore=KIND[,KIND]
 * reason="why"` on the line above an instruction) or in the config's
 * `ignore:` list. A suppressed cause is still reported, marked, and never
 * judged. */

const char *lw_cause_category_name(int category)
{
	return category == LW_CAUSE_PACKAGE_DB ? "package-db" : NULL;
}

const char *lw_suppress_by_name(int by)
{
	switch (by) {
	case LW_SUPPRESS_DOCKERFILE: return "dockerfile";
	case LW_SUPPRESS_CONFIG: return "config";
	default: return NULL;
	}
}

/* kind's name ("chown+chmod"), its CI form ("chown-chmod") or "all". */
static int kind_matches(const char *word, size_t len, int kind)
{
	const char *name = lw_kind_name(kind);
	size_t i;

	if (len == 3 && !strncmp(word, "all", 3))
		return 1;
	if (!name || strlen(name) != len)
		return 0;
	for (i = 0; i < len; i++)
		if (word[i] != name[i] && !(word[i] == '-' && name[i] == '+'))
			return 0;
	return 1;
}

/* 1 when the comma-separated list names kind. */
static int list_names(const char *list, int kind)
{
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",");

		if (kind_matches(p, n, kind))
			return 1;
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

/* Warns about each word of an instruction's list that names no kind. */
static void check_list(struct attr_ctx *ctx, const struct lw_df_instr *in)
{
	const char *names[LW_KIND_COUNT + 1], *p = in->ignore, *near;
	char word[32];
	int k, known;

	for (k = 0; k < LW_KIND_COUNT; k++)
		names[k] = lw_kind_name(k);
	names[LW_KIND_COUNT] = "all";
	while (*p) {
		size_t n = strcspn(p, ",");

		/* kind_matches takes "all" for any kind. */
		for (known = 0, k = 0; k < LW_KIND_COUNT && !known; k++)
			known = kind_matches(p, n, k);
		if (!known) {
			snprintf(word, sizeof(word), "%.*s",
				 (int)(n < sizeof(word) - 1 ? n :
				       sizeof(word) - 1), p);
			near = lw_closest_name(word, names, LW_KIND_COUNT + 1);
			lw_warnings_add(&ctx->at->warnings, "%s:%d: layerwaste "
					"ignore: unknown kind '%s'%s%s%s",
					ctx->at->dockerfile, in->line - 1, word,
					near ? " (did you mean " : "",
					near ? near : "", near ? "?)" : "");
		}
		p += n;
		if (*p)
			p++;
	}
}

/* The instruction of layer l when the Dockerfile is aligned, or NULL. */
static const struct lw_df_instr *instr_of(const struct attr_ctx *ctx,
					  uint32_t l)
{
	if (!ctx->at->aligned || l >= ctx->at->nlayers)
		return NULL;
	return ctx->instr[l];
}

/* fnmatch without FNM_PATHNAME on "/path" and each directory above it,
 * as ignore-paths matches. */
static int path_matches(const char *glob, const char *path)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	size_t len;
	int hit = 0;

	lw_strbuf_addc(&sb, '/');
	lw_strbuf_adds(&sb, path);
	for (len = sb.len; len > 0 && !hit; len--) {
		if (len != sb.len && sb.buf[len] != '/')
			continue;
		sb.buf[len] = '\0';
		hit = fnmatch(glob, sb.buf, 0) == 0;
		if (len != sb.len)
			sb.buf[len] = '/';
	}
	lw_strbuf_release(&sb);
	return hit;
}

/* The instruction text an entry's `instruction:` is looked for in. */
static void layer_text(const struct attr_ctx *ctx, uint32_t l,
		       struct lw_strbuf *sb)
{
	const struct lw_layer_attr *la = &ctx->at->layers[l];

	lw_strbuf_reset(sb);
	if (la->text)
		lw_strbuf_adds(sb, la->text);
	else if (la->keyword)
		lw_strbuf_addf(sb, "%s %s", la->keyword, la->args ? la->args : "");
}

static int on_line(const struct lw_layer_attr *la, int line)
{
	return la->file && line >= la->line && line <= la->end_line;
}

static int rule_matches(const struct attr_ctx *ctx, const struct lw_group *g,
			const char *fp, const struct lw_suppress_rule *r)
{
	const struct lw_analysis *an = ctx->an;
	const struct lw_attribution *at = ctx->at;
	struct lw_strbuf sb = LW_STRBUF_INIT;
	size_t i;
	int hit;

	if (r->expired)
		return 0;
	if (r->kind && !kind_matches(r->kind, strlen(r->kind), g->kind))
		return 0;
	if (r->fingerprint && (!fp || strcmp(r->fingerprint, fp)))
		return 0;
	if (r->line && !on_line(&at->layers[g->layer], r->line) &&
	    !on_line(&at->layers[g->from_layer], r->line))
		return 0;
	if (r->path)
		for (i = g->first; i < g->first + g->count &&
		     i < an->nfindings; i++)
			if (!path_matches(r->path, an->findings[i].path))
				return 0;
	if (!r->instruction)
		return 1;
	layer_text(ctx, g->layer, &sb);
	hit = strstr(sb.buf ? sb.buf : "", r->instruction) != NULL;
	if (!hit) {
		layer_text(ctx, g->from_layer, &sb);
		hit = strstr(sb.buf ? sb.buf : "", r->instruction) != NULL;
	}
	lw_strbuf_release(&sb);
	return hit;
}

/* Marks the causes that a `# layerwaste ignore=` comment of the aligned
 * Dockerfile or an entry of o (borrowed, may be NULL) suppresses; a word
 * of a comment that names no kind is a warning. */
static void suppress(struct attr_ctx *ctx, const struct lw_attrib_opts *o)
{
	const struct lw_analysis *an = ctx->an;
	struct lw_attribution *at = ctx->at;
	char **fp = NULL;
	size_t c, i, k;

	for (c = 0; c < at->ncauses; c++)
		at->causes[c].suppress_rule = -1;
	if (ctx->df && at->aligned)
		for (i = 0; i < ctx->df->ninstrs; i++)
			if (ctx->df->instrs[i].ignore)
				check_list(ctx, &ctx->df->instrs[i]);
	if (o && o->nsuppress)
		fp = lw_cause_fingerprints(an);
	for (c = 0; c < at->ncauses; c++) {
		struct lw_cause *cs = &at->causes[c];
		const struct lw_group *g = &an->groups[cs->group];
		const struct lw_df_instr *in[2];

		in[0] = instr_of(ctx, g->layer);
		in[1] = instr_of(ctx, g->from_layer);
		for (k = 0; k < 2 && !cs->suppressed; k++) {
			if (!in[k] || !in[k]->ignore ||
			    !list_names(in[k]->ignore, g->kind))
				continue;
			cs->suppressed = LW_SUPPRESS_DOCKERFILE;
			if (in[k]->ignore_reason)
				cs->suppress_reason =
					lw_xstrdup(in[k]->ignore_reason);
		}
		for (i = 0; fp && i < o->nsuppress && !cs->suppressed; i++) {
			if (!rule_matches(ctx, g, fp[cs->group],
					  &o->suppress[i]))
				continue;
			cs->suppressed = LW_SUPPRESS_CONFIG;
			cs->suppress_rule = (int)i;
			cs->suppress_reason = lw_xstrdup(o->suppress[i].reason);
		}
	}
	if (fp)
		lw_cause_fingerprints_free(fp, an->ngroups);
}

int lw_attribute(const struct lw_analysis *an, const struct lw_attrib_opts *o,
		 struct lw_attribution **out, struct lw_error *err)
{
	struct lw_attribution *at = lw_xcalloc(1, sizeof(*at));
	struct attr_ctx ctx;
	size_t n = an->image->nlayers, i;
	int rc = LW_OK;

	*out = NULL;
	memset(&ctx, 0, sizeof(ctx));
	ctx.an = an;
	ctx.img = an->image;
	ctx.at = at;
	at->nlayers = n;
	at->layers = lw_xcalloc(n + 1, sizeof(*at->layers));
	ctx.hist = lw_xcalloc(n + 1, sizeof(*ctx.hist));
	ctx.instr = lw_xcalloc(n + 1, sizeof(*ctx.instr));
	ctx.workdir = lw_xcalloc(n + 1, sizeof(*ctx.workdir));
	layers_from_history(&ctx);
	if (o && o->dockerfile) {
		rc = lw_dockerfile_load(o->dockerfile, o->build_args, &ctx.df,
					err);
		if (rc)
			goto out;
		at->dockerfile = lw_xstrdup(o->dockerfile);
		at->ndf_lines = ctx.df->nlines;
		at->df_lines = lw_xcalloc(ctx.df->nlines + 1, sizeof(char *));
		for (i = 0; i < ctx.df->nlines; i++)
			at->df_lines[i] = lw_xstrdup(ctx.df->lines[i]);
		lw_attr_align(&ctx, o->target);
		if (!at->aligned && at->alignment_note &&
		    !strncmp(at->alignment_note, "error: ", 7)) {
			rc = lw_error_set(err, LW_ERR_USAGE, "%s",
					  at->alignment_note + 7);
			goto out;
		}
	}
	if (o && o->base_ref)
		base_from_image(&ctx, o);
	lw_attr_fixes(&ctx);
	mark_base(&ctx);
	suppress(&ctx, o);
out:
	for (i = 0; i < n; i++) {
		lw_hist_instr_release(&ctx.hist[i]);
		free(ctx.workdir[i]);
	}
	free(ctx.hist);
	free(ctx.instr);
	free(ctx.workdir);
	if (ctx.df)
		lw_dockerfile_free(ctx.df);
	if (rc) {
		lw_attribution_free(at);
		return rc;
	}
	*out = at;
	return LW_OK;
}

void lw_attribution_free(struct lw_attribution *at)
{
	size_t i, k;

	if (!at)
		return;
	for (i = 0; i < at->nlayers; i++) {
		struct lw_layer_attr *la = &at->layers[i];

		free(la->keyword);
		free(la->args);
		free(la->base_ref);
		free(la->text);
		free(la->stage);
	}
	free(at->layers);
	for (i = 0; i < at->nsuggestions; i++) {
		struct lw_suggestion *s = &at->suggestions[i];

		free(s->id);
		free(s->title);
		free(s->detail);
		free(s->before);
		free(s->after);
		free(s->finding_layers);
		for (k = 0; k < s->nedits; k++)
			free(s->edits[k].text);
		free(s->edits);
	}
	free(at->suggestions);
	for (i = 0; i < at->ncauses; i++)
		free(at->causes[i].suppress_reason);
	free(at->causes);
	for (i = 0; i < at->ndf_lines; i++)
		free(at->df_lines[i]);
	free(at->df_lines);
	free(at->dockerfile);
	free(at->alignment_note);
	lw_warnings_release(&at->warnings);
	free(at);
}
