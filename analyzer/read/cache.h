/* The per-layer cache: a layer's index and the content hashes computed
 * for it, kept in a file named after the layer's diff_id, so that a layer
 * read once is never inflated or walked again. Mapped archives and OCI
 * directories use it; streams do not (their manifest comes last, after
 * the layers it names have passed).
 *
 * One file per layer: DIR/<diff_id hex>-<compression>-<blob size>.lw1
 * (the suffix is the format version). Its bytes, little-endian:
 *
 *   header   magic "LWCACHE\0", version, checksum (XXH3-64 of every byte
 *            after it), flags (verified), diff_id, blob size, compression,
 *            tar bytes, the blob's SHA-256 (verified entries), entry,
 *            warning and string counts
 *   entries  fixed records: string offsets, size, data offset or link
 *            target, hash, mtime, ids, mode, xattr hash, type, flags
 *   warnings string offsets
 *   strings  one block of NUL-terminated strings
 *
 * Written to a temporary file in DIR, synced and renamed: readers see a
 * whole entry or none. A damaged entry (short, bad magic, version or
 * checksum, an offset out of range, a path not in the form the tar
 * walkers give) is ignored with a warning and rewritten. Entries are
 * touched when used; the directory is trimmed to its size cap by
 * evicting the least recently used. */
#ifndef LAYERWASTE_CACHE_H
#define LAYERWASTE_CACHE_H

#include <stdint.h>

#include "layerwaste/read.h"
#include "verify.h"

#define LW_CACHE_VERSION 1

/* What a hit gives besides the index. */
struct lw_cache_meta {
	uint64_t tar_bytes;
	int verified;                        /* written from a --verify run */
	unsigned char blob_sha[LW_SHA256_LEN]; /* verified entries only */
	unsigned char tar_sha[LW_SHA256_LEN];  /* the diff_id's digest */
};

/* One layer the run read from or wrote to the cache. */
struct lw_cache_slot {
	char *name;                  /* owned file name in the cache dir */
	const char *diff_id;         /* borrowed from the image */
	struct lw_layer_index *ix;   /* borrowed from the image */
	uint64_t blob_size;
	int compression;
	struct lw_cache_meta meta;
	size_t hashed;               /* hashed entries when last written */
};

struct lw_cache {
	char *dir;           /* owned */
	uint64_t max;        /* size cap in bytes */
	int debug;           /* LAYERWASTE_DEBUG_CACHE: hits on stderr */
	struct lw_cache_slot *slots; /* owned */
	size_t nslots;
};

/* A cache for o->cache_dir, or NULL when there is none (no directory
 * given, or a stream source). */
struct lw_cache *lw_cache_open(const struct lw_read_opts *o);
/* Writes back the hashes computed since each slot was read or written,
 * trims the directory, and frees c (NULL is fine). */
void lw_cache_close(struct lw_cache *c);

/* Looks up the layer whose diff_id, blob size and compression are given.
 * On a hit returns 1 with *out an index owned by the caller (release and
 * free it) and *meta filled; 0 on a miss. With verified_only, an entry
 * not written from a verified layer is a miss. A damaged entry adds a
 * warning to w and is a miss. */
int lw_cache_get(struct lw_cache *c, const char *diff_id, uint64_t blob_size,
		 int compression, int verified_only,
		 struct lw_layer_index **out, struct lw_cache_meta *meta,
		 struct lw_warnings *w);

/* Parses an entry's bytes buf[0..len) (borrowed), as lw_cache_get does
 * once it has read them, for the layer whose diff_id, blob size and
 * compression are given. Returns NULL with *out an index owned by the
 * caller (release and free it) and *meta filled, or why the entry is
 * damaged (a static string) with *out NULL. Any bytes are safe to give:
 * the fuzzer's way in. */
const char *lw_cache_parse(const unsigned char *buf, size_t len,
			   const char *diff_id, uint64_t blob_size,
			   int compression, struct lw_layer_index **out,
			   struct lw_cache_meta *meta);

/* Writes the layer's entry (or only remembers it, when written is set:
 * it came from the cache) so that hashes found later are written back.
 * ix stays the caller's and must outlive c. Failures to write are
 * silent: the cache is an optimisation. */
void lw_cache_put(struct lw_cache *c, const char *diff_id,
		  uint64_t blob_size, int compression,
		  struct lw_layer_index *ix, const struct lw_cache_meta *meta,
		  int written);

#endif
