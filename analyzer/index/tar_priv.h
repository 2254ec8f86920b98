/* Shared by the index stage's two tar walkers, tar_archive.c (libarchive)
 * and tar_mapped.c (headers parsed in place), which must index the same
 * bytes alike. Private to analyzer/index/. */
#ifndef LAYERWASTE_TAR_PRIV_H
#define LAYERWASTE_TAR_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "layerwaste/index.h"

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

#endif
