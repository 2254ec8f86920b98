/* Attribution's shared state: history, Dockerfile alignment, fixes. */
#ifndef LAYERWASTE_ATTRIB_PRIV_H
#define LAYERWASTE_ATTRIB_PRIV_H

#include "layerwaste/engine.h"
#include "layerwaste/attrib.h"
#include "layerwaste/dockerfile.h"

struct attr_ctx {
	const struct lw_analysis *an;
	const struct lw_image *img;
	struct lw_attribution *at;
	struct lw_hist_instr *hist;  /* per layer; keyword NULL if unknown */
	struct lw_dockerfile *df;    /* NULL without a Dockerfile */
	/* Per layer, when aligned: its instruction and the WORKDIR then. */
	const struct lw_df_instr **instr;
	char **workdir;
};

/* Pairs the Dockerfile's target stage with the last history entries.
 * Fills ctx->instr, ctx->workdir and the layers' Dockerfile fields, or
 * leaves them empty and sets at->alignment_note. */
void lw_attr_align(struct attr_ctx *ctx, const char *target);

/* Builds at->suggestions and at->causes from the analysis groups. */
void lw_attr_fixes(struct attr_ctx *ctx);

#endif
