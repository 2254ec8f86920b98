/* Declarations shared by the core's modules, not part of its interface. */
#ifndef LAYERWASTE_INTERNAL_H
#define LAYERWASTE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "layerwaste/analysis.h"
#include "layerwaste/error.h"
#include "layerwaste/image.h"
#include "layerwaste/index.h"

struct archive;

#define LW_PATH_MAX 4096

/* Caps on untrusted input. */
#define LW_JSON_MAX (16u << 20)       /* one manifest, index or config */
#define LW_MAX_ENTRIES_DEFAULT 10000000u /* entries in one layer */

struct lw_scan {
	/* When the layer's uncompressed bytes are mapped in memory: their
	 * start and length. Content is then located, not read. NULL when
	 * the layer arrives as a stream: content is hashed as it passes. */
	const unsigned char *map;
	size_t map_len;
	size_t max_entries;
	/* Called every few thousand entries with the bytes read so far. */
	void (*tick)(void *ctx, uint64_t bytes);
	void *tick_ctx;
};

/* Reads every entry of the opened tar archive a into ix (initialised by
 * the caller). Returns LW_OK or a negative code with err filled; the
 * message names the entry but not the layer (the caller adds that). */
int lw_layer_scan(struct archive *a, const struct lw_scan *s,
		  struct lw_layer_index *ix, struct lw_error *err);

/* XXH3-128 of a byte range, as an lw_hash. */
struct lw_hash lw_hash_bytes(const void *p, size_t n);

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

/* dive's efficiency figures, by dive's rules (dive.c). */
int lw_dive_compute(const struct lw_image *img, const struct lw_pathset *ps,
		    struct lw_dive *out, struct lw_error *err);

#endif
