/* The browse stage: the interactive browser, `layerwaste browse IMAGE`
 * (or -i), a view model apart from its ncurses drawing. */
#ifndef LAYERWASTE_BROWSE_H
#define LAYERWASTE_BROWSE_H

#include "layerwaste/judge.h"
#include "layerwaste/render.h"

#ifdef __cplusplus
extern "C" {
#endif

struct lw_comparison; /* compare.h */

struct lw_browse_opts {
	int color; /* 0: never, 1: when the terminal has colours */
	/* Key bindings from the config (borrowed; lw_rules_config.keys):
	 * they replace the defaults of the actions they name. */
	const struct lw_key_binding *keys;
	size_t nkeys;
	/* `layerwaste diff OLD NEW --browse`: the comparison whose new_
	 * side is the result's image (borrowed; NULL for `browse`). The
	 * browser marks NEW's layers shared or new and the files the
	 * comparison lists as added or changed. */
	const struct lw_comparison *cmp;
};

/* Runs the browser on the controlling terminal until the user quits.
 * The result is borrowed and only read. Returns 0, or -1 when the
 * terminal cannot be driven (errno set where meaningful). */
int lw_browse(const struct lw_result *r, const struct lw_browse_opts *o);

#ifdef __cplusplus
}
#endif

#endif
