/* Attribution: layers to instructions, groups of findings to causes. */
#include <stdlib.h>
#include <string.h>

#include "attrib_priv.h"
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
	lw_attr_fixes(&ctx);
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
	free(at->causes);
	for (i = 0; i < at->ndf_lines; i++)
		free(at->df_lines[i]);
	free(at->df_lines);
	free(at->dockerfile);
	free(at->alignment_note);
	lw_warnings_release(&at->warnings);
	free(at);
}
