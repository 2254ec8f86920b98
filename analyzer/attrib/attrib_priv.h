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

/* fix_copy.c: 1 when every regular file and hard link that COPY layer j
 * added and no finding of the groups gs hides already has the owner
 * (need_owner) and the mode (need_mode) of m, so that COPY flags setting
 * them leave those files as they are. an and gs are borrowed. */
int lw_fix_copy_rest_same(const struct lw_analysis *an, uint32_t j,
			  const size_t *gs, size_t ng, int need_owner,
			  int need_mode, const struct lw_meta *m);

/* fix_cleanup.c, for moving a RUN's rm/chown/chmod/touch commands (sh,
 * borrowed) into an earlier RUN: 1 when every path they name is
 * absolute (a WORKDIR between cannot change them); 1 when no layer
 * strictly between j and k holds an entry at or under a path they name
 * (wd: the WORKDIR relative paths are read in). */
int lw_fix_paths_absolute(const struct lw_sh_script *sh);
int lw_fix_between_untouched(const struct attr_ctx *ctx, uint32_t j,
			     uint32_t k, const struct lw_sh_script *sh,
			     const char *wd);
/* A fix worked out outside fixes.c, which makes it a suggestion: the
 * groups it covers (owned), its edits (texts owned), title and detail
 * (owned). */
struct lw_fix_plan {
	int kind;       /* enum lw_fix_kind */
	uint32_t k, j;  /* the layers that name it */
	size_t *groups;
	size_t ngroups;
	struct lw_fix_edit edits[3];
	size_t nedits;
	char *title, *detail;
	int safe;
};

/* fix_split.c: a plan for RUN layer k when it does nothing but chown, all
 * its findings are chowns of groups not yet taken (taken[g] < 0), and the
 * chown splits exactly into --chown on a COPY and the same chown at the
 * end of the RUN that made the other files, or into one COPY per
 * top-level part of a directory COPY. Returns 1 with *p filled (safe),
 * else 0 and *p empty. */
int lw_fix_split_plan(const struct attr_ctx *ctx, uint32_t k,
		      const int *taken, struct lw_fix_plan *p);

/* For a delete group g whose files are all one package manager's cache
 * (apt, pip, npm, apk, dnf/yum): replaces s's title and detail with that
 * ecosystem's idiom, saying whether the move was applied (s->safe).
 * where_made and where_deleted name the two steps ("Dockerfile:12"). */
void lw_fix_cache_advice(const struct lw_analysis *an,
			 const struct lw_group *g, struct lw_suggestion *s,
			 const char *where_made, const char *where_deleted);

#endif
