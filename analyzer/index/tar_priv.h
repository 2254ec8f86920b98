/* Shared by the index stage's tar walkers, tar_archive.c (libarchive),
 * tar_mapped.c (headers parsed in place in mapped bytes) and tar_stream.c
 * (the same parser on a stream of buffers), which must index the same
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

/* ---- The in-place header parser (tar_mapped.c) that the mapped and the
 * stream walkers share. It reads one entry's headers (extended headers
 * and all) from a window of bytes that starts where they do, following
 * libarchive 3.6's tar reader rule by rule; state that libarchive carries
 * from entry to entry (the format, the link-name buffer) stays in the
 * walker. ---- */

enum lw_tar_rd {
	LW_TAR_RD_OK,        /* an entry: *h is filled */
	LW_TAR_RD_EOF,       /* the archive's end marker, or the stream's end
				at a block boundary, at h->next */
	LW_TAR_RD_FALLBACK,  /* something left to libarchive: the layer */
	LW_TAR_RD_TRUNCATED, /* libarchive: "Truncated tar archive" */
	LW_TAR_RD_DAMAGED,   /* libarchive: "Damaged tar archive" */
	LW_TAR_RD_MORE,      /* the window ends before the headers do */
};

struct lw_tar_head {
	/* Strings borrowed from the walker until its next call. */
	struct lw_scan_item it;
	uint64_t data_off; /* the entry's data, from the window's start */
	uint64_t data_len; /* bytes of it libarchive reads (or skips) */
	uint64_t next;     /* the next entry's headers (data padded) */
	const char *warning; /* libarchive's warning on these headers, or
				NULL; borrowed as the strings are */
};

struct lw_tar_walker;

/* Returned owned; free with lw_tar_walker_free() (NULL is fine). */
struct lw_tar_walker *lw_tar_walker_new(void);
void lw_tar_walker_free(struct lw_tar_walker *w);

/* Whether an archive whose first len bytes are h is one the parser
 * reads: libarchive is 3.6 (the version its rules follow) and bids on
 * the first block. 0: leave the layer to libarchive. */
int lw_tar_walker_takes(const unsigned char *h, size_t len);

/* Reads the next entry's headers from p[0..len) (borrowed), which start
 * there; end says the stream ends at p[len]. Returns an lw_tar_rd:
 * LW_TAR_RD_MORE (only when !end) with *need the window length wanted
 * before it is asked again from the same start (the walker's state is
 * then as before the call). */
int lw_tar_walker_next(struct lw_tar_walker *w, const unsigned char *p,
		       size_t len, int end, struct lw_tar_head *h,
		       size_t *need);

/* Whether a streamed walker keeps the bytes of regular file e (a small
 * file the profile checks read, within the layer's budget for them). */
int lw_scan_wants_kept(const struct lw_layer_index *ix,
		       const struct lw_entry *e);
/* Keeps a copy of e's bytes data[0..len) (borrowed) in ix's arena, with a
 * NUL after them; nothing when the arena cannot grow. */
void lw_scan_keep(struct lw_layer_index *ix, const struct lw_entry *e,
		  const void *data, size_t len);

#endif
