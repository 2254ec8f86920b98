/* One gzip stream inflated on several threads (rapidgzip, pugz style):
 * the compressed deflate data of a blob held whole in memory is cut into
 * chunks, each chunk after the first is started at a deflate block found
 * by trial, decoded first with a window of unknown bytes and then with
 * ISA-L, and every chunk's end is checked to be exactly the next chunk's
 * start before its bytes count. The bytes come out in order, as from the
 * sequential reader (struct lw_gunzip): same end, same failures. Private
 * to the read stage; exists only with ISA-L (LW_HAVE_ISAL). */
#ifndef LAYERWASTE_PGZIP_H
#define LAYERWASTE_PGZIP_H

#ifdef LW_HAVE_ISAL
#include <stddef.h>
#include <stdint.h>

#include "layerwaste/util.h"

#define LW_PGZIP_CHUNK ((size_t)4 << 20) /* compressed bytes a chunk */

struct lw_pgunzip_opts {
	unsigned threads;  /* decoding threads; at least 1 */
	size_t chunk;      /* compressed bytes a chunk; 0: LW_PGZIP_CHUNK */
	/* The blob is a read-only file mapping: its pages are dropped from
	 * the resident set once decoded (never for memory of the heap). */
	int drop_pages;
	/* Decode ahead even while the process gets less than 1.5 cores'
	 * worth of CPU (tests: then it does not depend on the load). */
	int always_ahead;
};

/* What a run did, for tests and measurements. */
struct lw_pgunzip_stats {
	unsigned chunks;    /* chunks consumed in order, the first included */
	unsigned found;     /* of them, after the first (at a found block) */
	unsigned ahead;     /* of them, decoded ahead with unknown window */
	unsigned merged;    /* found starts a chunk's decode ran past */
	unsigned fallbacks; /* switches to sequential decoding mid-member */
	unsigned throttled; /* times decoding ahead was paused (cores busy) */
};

struct pgz;

struct lw_pgunzip {
	struct pgz *g;
};

/* Starts decoding blob[0..len), a gzip stream (borrowed: it must stay
 * mapped and unchanged until lw_pgunzip_close()), on o->threads threads
 * of its own (at most 4). Returns 0; or an LW_ERR_* code with err set when the blob
 * does not start with a complete gzip header or memory or threads are
 * short: then nothing is left to free, though lw_pgunzip_close() is
 * still safe, and the caller should read the blob sequentially, which
 * reports the same malformed header. */
int lw_pgunzip_open(struct lw_pgunzip *z, const unsigned char *blob,
		    size_t len, const struct lw_pgunzip_opts *o,
		    struct lw_error *err);

/* The next decoded bytes in order: sets *buf (owned by z, valid until the
 * next call or close) and returns how many; 0 at the end of the last
 * member (trailing zeros and trailing bytes that are no gzip member are
 * ignored, as gzip(1) does); -1 on corrupt or truncated data or a wrong
 * CRC32 or ISIZE in a trailer, with a static message in *msg when msg is
 * not NULL. The end and a failure are sticky. The bytes and the outcome
 * of lw_gunzip_fill() on the same blob; like it, the last bytes before a
 * failure are not given (the failure comes in their place), so a caller
 * that stops reading at the end of its archive still sees it. */
long lw_pgunzip_pull(struct lw_pgunzip *z, const void **buf,
		     const char **msg);

/* Copies the counts of the run so far into *s. */
void lw_pgunzip_stats(const struct lw_pgunzip *z, struct lw_pgunzip_stats *s);

/* Stops and joins the threads and frees everything; z may be mid-stream,
 * ended, failed, or from a failed open. */
void lw_pgunzip_close(struct lw_pgunzip *z);

#endif
#endif
