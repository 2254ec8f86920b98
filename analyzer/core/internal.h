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

/* ---- shared by the two tar readers: scan.c (libarchive) and tarfast.c
 * (mapped, uncompressed layers), which must index the same bytes alike ---- */

/* Mapped bytes behind the header cursor are dropped from our resident set
 * at this stride; the progress callback runs every so many entries. */
#define LW_SCAN_DROP_STRIDE (8u << 20)
#define LW_SCAN_TICK_ENTRIES 4096

/* Owner names already interned in a layer's arena. */
struct lw_scan_names {
	const char *seen[32];
	size_t n;
};

/* One tar entry as libarchive describes it. Strings are borrowed and
 * NUL-terminated; NULL when the entry lacks them. */
struct lw_scan_item {
	const char *path;     /* as stored; NULL: the name could not be read */
	const char *hardlink; /* hard-link target as stored, or NULL */
	const char *symlink;  /* symlink target, or NULL */
	const char *uname, *gname;
	uint32_t filetype;    /* S_IFMT bits (libarchive's AE_IF* values) */
	int size_set;
	int64_t size, mtime, uid, gid;
	uint32_t perm;
	uint32_t xattr_hash;  /* lw_xattr_digest() of its attributes */
	int has_cap;          /* one of them is security.capability */
};

/* Adds it to ix by the index's rules (normalised path, whiteouts, the
 * root and ".wh..wh." entries skipped, the caps of s). Returns LW_OK or a
 * negative code with err set. *file is the new entry when it is a regular
 * file with content the caller must locate or hash, else NULL. */
int lw_scan_add(const struct lw_scan *s, const struct lw_scan_item *it,
		struct lw_layer_index *ix, struct lw_scan_names *names,
		struct lw_entry **file, struct lw_error *err);

/* The digest of an entry's extended attributes: fold each one into *sum
 * (in any order), then lw_xattr_digest(*sum, count). 0 when there are
 * none. */
void lw_xattr_fold(uint64_t *sum, const char *name, const void *value,
		   size_t size);
uint32_t lw_xattr_digest(uint64_t sum, size_t count);

/* Points every hard link of ix at its target entry; warns about those
 * whose target is no regular file of the layer. Run once at the end. */
void lw_scan_resolve_hardlinks(struct lw_layer_index *ix);

/* ---- end of the shared tar-reader declarations ---- */

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
