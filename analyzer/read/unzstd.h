/* zstd through libzstd's streaming decoder, as a libarchive read callback
 * (the model is inflate.h's ISA-L gunzip): the tar reader above it sees
 * plain bytes. libarchive's own zstd filter keeps libzstd's default window
 * limit (128 MiB) and refuses frames made with `zstd --long=31`; here the
 * limit is --max-memory. */
#ifndef LAYERWASTE_UNZSTD_H
#define LAYERWASTE_UNZSTD_H

#include <archive.h>
#include <stdint.h>

#include "layerwaste/read.h" /* LW_MAX_MEMORY_DEFAULT */
#include "inflate.h" /* lw_pull_fn */

struct lw_unzstd {
	void *dctx; /* owned ZSTD_DCtx */
	lw_pull_fn pull;
	void *pull_ctx;
	const unsigned char *in;
	size_t in_len, in_pos;
	size_t frame_at;  /* where the current frame began in `in`, or
			     SIZE_MAX when it began in an earlier buffer */
	size_t last;      /* ZSTD_decompressStream's last hint: 0 at a frame
			     boundary */
	uint64_t max_memory;
	unsigned char *out;
	int eof, done, started;
};

/* Sets z up to pull compressed input from pull/ctx (borrowed), with frame
 * windows capped at max_memory bytes (0: LW_MAX_MEMORY_DEFAULT), rounded
 * down to a power of two. */
void lw_unzstd_init(struct lw_unzstd *z, lw_pull_fn pull, void *ctx,
		    uint64_t max_memory);
/* Frees what init took; safe on a zeroed struct. */
void lw_unzstd_release(struct lw_unzstd *z);
/* The libarchive read callback; ctx is the struct lw_unzstd. Handles
 * concatenated and skippable frames. A frame whose window passes the cap
 * fails with "zstd frame needs a 2 GiB window, past --max-memory (1 GiB);
 * raise it with --max-memory". */
la_ssize_t lw_unzstd_read(struct archive *a, void *ctx, const void **buf);

#endif
