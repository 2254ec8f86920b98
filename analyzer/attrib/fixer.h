/* The suggestion builder the fix files share (fixer.c): what fixes.c
 * and the fixes kept in files of their own (fix_churn.c) build the
 * attribution's suggestions with. Private to analyzer/attrib/. */
#ifndef LAYERWASTE_FIXER_H
#define LAYERWASTE_FIXER_H

#include <stddef.h>
#include <stdint.h>

#include "attrib_priv.h"
#include "layerwaste/dockerfile.h"
#include "layerwaste/util.h"

/* A suggestion being built, and the groups it covers. */
struct sugg_build {
	struct lw_suggestion s;
	size_t *groups; /* the groups it covers */
	size_t ngroups;
};

/* All suggestions being built for one attribution. */
struct fixer {
	struct attr_ctx *ctx;
	struct sugg_build *v;
	size_t n, cap;
	int *group_sugg; /* per group: index into v, or -1 */
};

/* A RUN's shell text as written in the Dockerfile, split. */
struct run_text {
	const struct lw_df_instr *d;
	size_t off;       /* where the command starts in d->source */
	const char *text; /* d->source + off */
	size_t len;
	struct lw_sh_script sh;
	char escape;
	int ok;
};

/* "Dockerfile:12" or "layer 3 (RUN chown ...)". Owned. */
char *fx_where(const struct fixer *fx, uint32_t l);

/* Splits RUN instruction d's shell text (r->ok: it could be read). */
void fx_run_text_init(struct run_text *r, const struct lw_df_instr *d,
		      char escape);
void fx_run_text_release(struct run_text *r);

/* A new suggestion of kind for layer k's waste in layer j's files,
 * owned by fx. */
struct sugg_build *fx_new_sugg(struct fixer *fx, int kind, uint32_t k,
			       uint32_t j);
/* Formats into sb (reset first) and returns an owned copy. */
char *fx_fmt(struct lw_strbuf *sb, const char *f, ...) LW_PRINTF(2, 3);
/* b now covers group g (its bytes and layers). */
void fx_add_group(struct fixer *fx, struct sugg_build *b, size_t g);
/* An edit of b: lines [line, end_line] become text (taken; NULL deletes
 * them). */
void fx_add_edit(struct sugg_build *b, int line, int end_line, char *text);

/* The package-db churn fix (fix_churn.c): one suggestion for every
 * rewrite of package-manager state by the build's own install steps,
 * merging them into one RUN where that is provably the same. */
void fx_pkgdb_churn(struct fixer *fx);

#endif
