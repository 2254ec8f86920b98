/* Shared by the engine stage's files: the set of every path of an image,
 * and dive's figures. Private to analyzer/engine/. */
#ifndef LAYERWASTE_ENGINE_PRIV_H
#define LAYERWASTE_ENGINE_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "layerwaste/engine.h"

/* Every path of an image once, in tree order (lw_path_cmp), so that a
 * directory's subtree is a range of ranks. Entries carry their rank in
 * path_id. */
struct lw_pathset {
	const char **paths; /* borrowed from the layer indexes */
	uint32_t *end;      /* end of each path's subtree (exclusive) */
	size_t n;
};

/* The ranks of path and everything under it, [*lo, *hi), whether or not
 * path itself is in the set. "" is the root: everything. */
void lw_pathset_subtree(const struct lw_pathset *ps, const char *path,
			size_t *lo, size_t *hi);

/* Sorts base[0..n) of elements of size bytes as qsort() does, in place:
 * no buffer as large as the array (see pathset.c). Not stable. */
void lw_sort(void *base, size_t n, size_t size,
	     int (*cmp)(const void *, const void *));

/* dive's efficiency figures, by dive's rules (dive.c). */
int lw_dive_compute(const struct lw_image *img, const struct lw_pathset *ps,
		    struct lw_dive *out, struct lw_error *err);

#endif
