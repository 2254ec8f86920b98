/* gzip through ISA-L's inflate, several times faster than zlib, as a
 * libarchive read callback: the tar reader above it sees plain bytes.
 * Built without ISA-L (LW_WITH_ISAL=OFF), LW_FAST_GZIP is 0 and gzip
 * layers go through libarchive's own filter instead. */
#ifndef LAYERWASTE_INFLATE_H
#define LAYERWASTE_INFLATE_H

#include <archive.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#ifdef LW_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#define LW_FAST_GZIP 1
#else
#define LW_FAST_GZIP 0
#endif

/* Supplies compressed input: sets *buf and returns its length, 0 at the
 * end, or -1 on a read error (the reader's own message stays in msg). */
typedef la_ssize_t (*lw_pull_fn)(void *ctx, const void **buf);

/* The size of struct lw_gunzip's own output buffer. */
#define LW_GUNZIP_OUT (1u << 20)

struct lw_gunzip {
#ifdef LW_HAVE_ISAL
	struct inflate_state st;
#endif
	lw_pull_fn pull;
	void *pull_ctx;
	unsigned char *out; /* LW_GUNZIP_OUT bytes */
	int eof, done;
	/* Why decoding failed (static text), and the errno for libarchive;
	 * once set, every call fails again. */
	const char *msg;
	int err;
};

void lw_gunzip_init(struct lw_gunzip *z, lw_pull_fn pull, void *ctx);
void lw_gunzip_release(struct lw_gunzip *z);
/* Decodes the next tar bytes into out[0..cap) (borrowed). Returns how
 * many (cap unless the stream ends), 0 at the end, or -1 with z->msg.
 * Handles concatenated gzip members and zero padding after the last. */
long lw_gunzip_fill(struct lw_gunzip *z, unsigned char *out, size_t cap);
/* The same as a libarchive read callback; ctx is the struct lw_gunzip.
 * The failure is set on a, which may be NULL (then it is only in
 * z->msg). */
la_ssize_t lw_gunzip_read(struct archive *a, void *ctx, const void **buf);

/* ---- Decoding ahead on another thread: a ring of a few buffers between
 * a producer (a decompressor) and the one consumer (the tar walker), so
 * that a layer costs about the slower of the two instead of their sum. */

#define LW_PIPE_SLOTS 4
#define LW_PIPE_SLOT (1u << 20)

/* Fills out[0..cap) with the next bytes: returns how many, 0 at the end,
 * -1 on failure. */
typedef long (*lw_fill_fn)(void *ctx, unsigned char *out, size_t cap);

struct lw_pipe {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	lw_fill_fn fill;
	void *ctx;
	unsigned char *slot[LW_PIPE_SLOTS];
	long len[LW_PIPE_SLOTS];
	uint64_t made, taken, released; /* slots filled, handed, given back */
	int stop;     /* the consumer wants no more */
	int finished; /* lw_pipe_produce() has returned */
	struct lw_pipe *next; /* for whoever queues pipes for producers */
};

/* Sets p up to be fed by fill/ctx (borrowed); the slots are allocated
 * here. */
void lw_pipe_init(struct lw_pipe *p, lw_fill_fn fill, void *ctx);
/* The producer: fills slots as they come free until fill ends or fails
 * or the consumer stops. Run by exactly one thread, once; from then on
 * only it calls fill. */
void lw_pipe_produce(struct lw_pipe *p);
/* The consumer: the next bytes (*buf valid until the next call), as fill
 * returned them; 0 at the end, -1 on failure (both sticky). */
long lw_pipe_pull(struct lw_pipe *p, const void **buf);
/* Tells the producer to stop and waits until it has returned (it must
 * have been started): fill's state is the caller's again. */
void lw_pipe_stop(struct lw_pipe *p);
/* Frees the slots; after lw_pipe_stop(). */
void lw_pipe_release(struct lw_pipe *p);

#endif
