/* gzip through ISA-L's inflate, several times faster than zlib, as a
 * libarchive read callback: the tar reader above it sees plain bytes.
 * Built without ISA-L (LW_WITH_ISAL=OFF), LW_FAST_GZIP is 0 and gzip
 * layers go through libarchive's own filter instead. */
#ifndef LAYERWASTE_INFLATE_H
#define LAYERWASTE_INFLATE_H

#include <archive.h>
#ifdef LW_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#define LW_FAST_GZIP 1
#else
#define LW_FAST_GZIP 0
#endif

/* Supplies compressed input: sets *buf and returns its length, 0 at the
 * end, or -1 on a read error (the reader's own message stays in msg). */
typedef la_ssize_t (*lw_pull_fn)(void *ctx, const void **buf);

struct lw_gunzip {
#ifdef LW_HAVE_ISAL
	struct inflate_state st;
#endif
	lw_pull_fn pull;
	void *pull_ctx;
	unsigned char *out;
	int eof, done;
};

void lw_gunzip_init(struct lw_gunzip *z, lw_pull_fn pull, void *ctx);
void lw_gunzip_release(struct lw_gunzip *z);
/* The libarchive read callback; ctx is the struct lw_gunzip. Handles
 * concatenated gzip members and zero padding after the last. */
la_ssize_t lw_gunzip_read(struct archive *a, void *ctx, const void **buf);

#endif
