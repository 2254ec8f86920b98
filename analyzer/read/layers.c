#include <archive.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xxhash.h>

#include "layerwaste/util.h"
#include "cache.h"
#include "inflate.h"
#include "pgzip.h"
#include "read_priv.h"
#include "unzstd.h"
#include "verify.h"

/* The parallel gunzip (pgzip.c) is built in with -DLW_PGZIP=ON. */
#if LW_FAST_GZIP && defined(LW_PGZIP)
#define USE_PGZIP 1
#else
#define USE_PGZIP 0
#endif


#define CHUNK (1u << 20)

static void stream_tick(void *ctx, uint64_t bytes)
{
	struct lw_image_priv *priv = ctx;

	if (!priv->progress)
		return;
	pthread_mutex_lock(&priv->lock);
	priv->prog.bytes_done = bytes;
	priv->progress(priv->progress_ctx, &priv->prog);
	pthread_mutex_unlock(&priv->lock);
}

/* A stream starts a blob: the progress names it, and counts the ones
 * read before it. */
static void stream_member(void *ctx, const char *name, uint64_t bytes)
{
	struct lw_image_priv *priv = ctx;

	if (!priv->progress)
		return;
	pthread_mutex_lock(&priv->lock);
	if (priv->prog.member)
		priv->prog.layers_done++;
	priv->prog.member = name;
	priv->prog.bytes_done = bytes;
	priv->progress(priv->progress_ctx, &priv->prog);
	pthread_mutex_unlock(&priv->lock);
}

void lw_layers_progress_init(struct lw_image_priv *priv,
			     const struct lw_read_opts *o)
{
	pthread_mutex_init(&priv->lock, NULL);
	priv->progress = o->progress;
	priv->progress_ctx = o->progress_ctx;
	priv->max_entries = o->max_entries ? o->max_entries :
		LW_MAX_ENTRIES_DEFAULT;
	priv->stream_opts.max_entries = priv->max_entries;
	priv->max_bytes = o->max_bytes ? o->max_bytes : LW_MAX_BYTES_DEFAULT;
	priv->stream_opts.max_bytes = priv->max_bytes;
	priv->max_memory = o->max_memory ? o->max_memory :
		LW_MAX_MEMORY_DEFAULT;
	priv->stream_opts.max_memory = priv->max_memory;
	priv->stream_opts.plain = o->plain;
	priv->plain = o->plain;
	priv->verify = o->verify;
	priv->stream_opts.verify = o->verify;
	priv->stream_opts.tick = stream_tick;
	priv->stream_opts.member = stream_member;
	priv->stream_opts.tick_ctx = priv;
}

/* Hands a compressed blob to libarchive a chunk at a time, dropping the
 * chunks already inflated from our resident set. */
struct chunk_reader {
	const unsigned char *p;
	size_t len, pos, prev;
	struct lw_sha256 *sha; /* --verify: the blob's hash, or NULL */
};

static la_ssize_t chunk_read(struct archive *a, void *ctx, const void **buf)
{
	struct chunk_reader *r = ctx;
	long page = sysconf(_SC_PAGESIZE);
	size_t n = r->len - r->pos;

	(void)a;
	if (r->pos > r->prev && page > 0) {
		uintptr_t mask = (uintptr_t)page - 1;
		uintptr_t lo = ((uintptr_t)r->p + r->prev + mask) & ~mask;
		uintptr_t hi = ((uintptr_t)r->p + r->pos) & ~mask;

		if (hi > lo)
			madvise((void *)lo, hi - lo, MADV_DONTNEED);
		r->prev = r->pos;
	}
	if (n > CHUNK)
		n = CHUNK;
	*buf = r->p + r->pos;
	if (r->sha)
		lw_sha256_update(r->sha, r->p + r->pos, n);
	r->pos += n;
	return (la_ssize_t)n;
}

static la_ssize_t chunk_pull(void *ctx, const void **buf)
{
	return chunk_read(NULL, ctx, buf);
}

/* Drops the whole pages of a mapped range from our resident set: the page
 * cache keeps them; the rare file content read later faults back in. */
static void drop_pages(const unsigned char *p, size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t mask, lo, hi;

	if (!p || page <= 0)
		return;
	mask = (uintptr_t)page - 1;
	lo = ((uintptr_t)p + mask) & ~mask;
	hi = ((uintptr_t)p + len) & ~mask;
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

struct job {
	struct lw_member *m;
	struct lw_layer_index *ix;
	const unsigned char *base;
	int compression;
	uint64_t tar_bytes;
	struct lw_error err;
	int rc;
	int collected;
	unsigned char blob_sha[LW_SHA256_LEN], tar_sha[LW_SHA256_LEN];
	/* The per-layer cache: the job's layer's diff_id (borrowed), and
	 * whether ix came from it, with what it said. */
	const char *diff_id;
	int cached;
	struct lw_cache_meta meta;
	int finished; /* under the pool's lock */
};

struct pool {
	struct lw_image_priv *priv;
	struct job *jobs;
	size_t njobs;
	atomic_size_t next;
	/* Threads left without a layer help the ones still reading: a job
	 * that sees one idle hands its decompressor to it (struct feed).
	 * Under lock: the pipes offered, the layers done. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	atomic_int idle;
	struct lw_pipe *offers;
	size_t done;
	size_t nthreads;
};

static void job_tick(void *ctx, uint64_t bytes);

struct tick_ctx {
	struct pool *pool;
	size_t job;
};

static void job_tick(void *ctx, uint64_t bytes)
{
	struct tick_ctx *t = ctx;
	struct lw_image_priv *priv = t->pool->priv;
	size_t i;

	if (!priv->progress)
		return;
	pthread_mutex_lock(&priv->lock);
	priv->job_bytes[t->job] = bytes;
	priv->prog.bytes_done = 0;
	for (i = 0; i < t->pool->njobs; i++)
		priv->prog.bytes_done += priv->job_bytes[i];
	priv->progress(priv->progress_ctx, &priv->prog);
	pthread_mutex_unlock(&priv->lock);
}

/* A compressed blob's tar bytes for the stream walker: ISA-L's gunzip or
 * libzstd's decoder on the chunk reader, decoding on the walker's thread
 * until a thread of the pool is idle, then on that one, ahead of the
 * walker (struct lw_pipe). Under --verify the tar stream is hashed as it
 * passes. */
struct feed {
	int comp;
	struct lw_gunzip *gz;
	struct lw_unzstd *zs;
	struct archive *zmsg; /* owned; takes libzstd's messages */
	const unsigned char *zp; /* decoded zstd bytes not yet copied */
	size_t zleft;
	struct pool *pool;    /* NULL: no helper wanted */
	struct lw_pipe pipe;
	int piped, ended;
#if USE_PGZIP
	struct lw_pgunzip *pz; /* the gzip inflated on several threads */
#endif
	struct lw_sha256 *tar_sha;
	uint64_t bytes;       /* tar bytes given */
};

static long feed_fill(void *ctx, unsigned char *out, size_t cap)
{
	struct feed *f = ctx;
	size_t n = 0;

	if (f->comp == LW_COMP_GZIP)
		return lw_gunzip_fill(f->gz, out, cap);
	while (n < cap) {
		size_t k;

		if (!f->zleft) {
			const void *p;
			la_ssize_t r = lw_unzstd_read(f->zmsg, f->zs, &p);

			if (r < 0)
				return -1;
			if (r == 0)
				break;
			f->zp = p;
			f->zleft = (size_t)r;
		}
		k = f->zleft < cap - n ? f->zleft : cap - n;
		memcpy(out + n, f->zp, k);
		f->zp += k;
		f->zleft -= k;
		n += k;
	}
	return (long)n;
}

/* Hands the decoder to an idle thread of the pool, if one still is. */
static void feed_offer(struct feed *f)
{
	struct pool *pool = f->pool;

	pthread_mutex_lock(&pool->lock);
	if (pool->idle > 0) {
		pool->idle--;
		lw_pipe_init(&f->pipe, feed_fill, f);
		f->pipe.next = pool->offers;
		pool->offers = &f->pipe;
		f->piped = 1;
		pthread_cond_broadcast(&pool->cond);
	}
	pthread_mutex_unlock(&pool->lock);
}

static long feed_pull(void *ctx, const void **buf)
{
	struct feed *f = ctx;
	long n;

#if USE_PGZIP
	if (f->pz) {
		n = lw_pgunzip_pull(f->pz, buf, NULL);
		goto got;
	}
#endif
	if (!f->piped && !f->ended && f->pool &&
	    atomic_load_explicit(&f->pool->idle, memory_order_relaxed) > 0)
		feed_offer(f);
	if (f->piped) {
		n = lw_pipe_pull(&f->pipe, buf);
	} else if (f->comp == LW_COMP_GZIP) {
		n = lw_gunzip_fill(f->gz, f->gz->out, LW_GUNZIP_OUT);
		*buf = f->gz->out;
	} else {
		const void *p;
		la_ssize_t r = lw_unzstd_read(f->zmsg, f->zs, &p);

		*buf = p;
		n = (long)r;
	}
#if USE_PGZIP
got:
#endif
	if (n <= 0) {
		f->ended = 1;
		return n;
	}
	if (f->tar_sha)
		lw_sha256_update(f->tar_sha, *buf, (size_t)n);
	f->bytes += (uint64_t)n;
	return n;
}

/* Takes the decoder back from the helper, if it has it. */
static void feed_settle(struct feed *f)
{
	if (f->piped) {
		lw_pipe_stop(&f->pipe);
		lw_pipe_release(&f->pipe);
		f->piped = 0;
	}
}

/* Helps the jobs still running until every job is done: decodes ahead
 * for each that hands its decoder over. */
static void help(struct pool *pool)
{
	pthread_mutex_lock(&pool->lock);
	pool->idle++;
	for (;;) {
		struct lw_pipe *p = pool->offers;

		if (p) {
			pool->offers = p->next;
			pthread_mutex_unlock(&pool->lock);
			lw_pipe_produce(p);
			pthread_mutex_lock(&pool->lock);
			pool->idle++;
			continue;
		}
		if (pool->done == pool->njobs)
			break;
		pthread_cond_wait(&pool->cond, &pool->lock);
	}
	pool->idle--;
	pthread_mutex_unlock(&pool->lock);
}

/* A gzip blob of at least this many bytes is inflated on all the pool's
 * threads (pgzip.c) when the other layers still being read or waiting are
 * small beside it: those finish early and leave the cores to it. */
#define PGZIP_MIN ((uint64_t)32 << 20)

#if USE_PGZIP
static int pgzip_wanted(struct pool *pool, struct job *j)
{
	uint64_t waiting = 0;
	size_t k;

	if (j->compression != LW_COMP_GZIP || j->m->size < PGZIP_MIN ||
	    pool->nthreads < 2)
		return 0;
	pthread_mutex_lock(&pool->lock);
	for (k = 0; k < pool->njobs; k++)
		if (&pool->jobs[k] != j && !pool->jobs[k].finished)
			waiting += pool->jobs[k].m->size;
	pthread_mutex_unlock(&pool->lock);
	return waiting <= j->m->size / 8;
}
#endif

/* A compressed mapped blob through the stream walker, gzip (ISA-L) or
 * zstd. Returns what lw_tar_scan_stream() does; on LW_TAR_FALLBACK the
 * blob, its hash and the decoders are as before the call, for libarchive
 * to read it from the start. */
static int stream_job(struct pool *pool, struct job *j, struct lw_scan *s,
		      struct chunk_reader *cr, struct lw_sha256 *blob,
		      struct lw_gunzip *gz, struct lw_unzstd *zs)
{
	struct feed f = { .comp = j->compression, .gz = gz, .zs = zs,
			  .pool = pool };
	struct lw_sha256 tar = { .ctx = NULL };
	int verify = pool->priv->verify;
	int rc;
#if USE_PGZIP
	struct lw_pgunzip pz = { .g = NULL };
	struct lw_pgunzip_opts po = { .threads = (unsigned)pool->nthreads,
				      .drop_pages = 1 };
	struct lw_error perr;

	/* On the whole mapped blob, not through the chunk reader: under
	 * --verify, verify_finish() hashes the blob from the start. */
	if (pgzip_wanted(pool, j) &&
	    !lw_pgunzip_open(&pz, j->m->data, (size_t)j->m->size, &po, &perr))
		f.pz = &pz;
#endif

	if (verify) {
		rc = lw_sha256_init(&tar, &j->err);
		if (rc)
			return rc;
		f.tar_sha = &tar;
	}
	if (f.comp == LW_COMP_ZSTD) {
		f.zmsg = archive_read_new();
		if (!f.zmsg) {
			lw_sha256_release(&tar);
			return lw_error_set(&j->err, LW_ERR_NOMEM,
					    "out of memory");
		}
	}
	rc = lw_tar_scan_stream(feed_pull, &f, s, j->ix, &j->tar_bytes,
				&j->err);
#if USE_PGZIP
	if (rc == LW_OK && !verify && f.pz) {
		/* The walker may stop at the end of the archive, before the
		 * gzip trailer: the CRC32 is checked all the same. (What
		 * --max-bytes would not let pass is not read.) */
		const void *p;
		const char *msg = NULL;
		long n;

		while ((n = lw_pgunzip_pull(f.pz, &p, &msg)) > 0 &&
		       f.bytes <= pool->priv->max_bytes)
			f.bytes += (uint64_t)n;
		if (n < 0)
			rc = lw_error_set(&j->err, LW_ERR_INPUT, "%s", msg);
	}
#endif
	if (rc == LW_OK && verify) {
		/* What the tar reader leaves of the stream, hashed too. */
		const void *p;
		long n;

		while ((n = feed_pull(&f, &p)) > 0)
			if (f.bytes > pool->priv->max_bytes)
				break;
		if (f.bytes > pool->priv->max_bytes)
			rc = lw_error_set(&j->err, LW_ERR_INPUT, "inflates "
					  "past --max-bytes; raise it with "
					  "--max-bytes");
		else if (n < 0)
			rc = lw_error_set(&j->err, LW_ERR_INPUT, "cannot read "
					  "the layer to its end");
		else
			lw_sha256_final(&tar, j->tar_sha);
	}
	feed_settle(&f);
#if USE_PGZIP
	lw_pgunzip_close(&pz);
#endif
	if (f.zmsg)
		archive_read_free(f.zmsg);
	lw_sha256_release(&tar);
	if (rc == LW_TAR_FALLBACK) {
		cr->pos = cr->prev = 0;
		if (verify) {
			lw_sha256_release(blob);
			if (lw_sha256_init(blob, &j->err))
				return LW_ERR_NOMEM;
		}
		if (f.comp == LW_COMP_GZIP) {
			lw_gunzip_release(gz);
			lw_gunzip_init(gz, chunk_pull, cr);
		} else {
			lw_unzstd_release(zs);
			lw_unzstd_init(zs, chunk_pull, cr,
				       pool->priv->max_memory);
		}
	}
	return rc;
}

/* Bytes of an uncompressed layer hashed between two drops of its pages. */
#define VERIFY_CHUNK ((size_t)8 << 20)

/* --verify: the rest of the tar stream and of the blob hashed (an
 * uncompressed blob is its own tar stream). */
static int verify_finish(struct job *j, struct chunk_reader *cr,
			 struct lw_sha256 *blob, struct lw_tar_hasher *th,
			 uint64_t max_bytes)
{
	const void *p;
	int rc;

	if (j->compression == LW_COMP_NONE) {
		/* In chunks, each dropped from our resident set behind the
		 * hash: a layer never becomes resident whole. */
		size_t at = 0, n = (size_t)j->m->size, k;

		for (; at < n; at += k) {
			k = n - at < VERIFY_CHUNK ? n - at : VERIFY_CHUNK;
			lw_sha256_update(blob, j->m->data + at, k);
			drop_pages(j->m->data + at, k);
		}
		lw_sha256_final(blob, j->blob_sha);
		memcpy(j->tar_sha, j->blob_sha, LW_SHA256_LEN);
		return LW_OK;
	}
	rc = th->inner || th->raw ?
		lw_tar_hasher_finish(th, max_bytes, j->tar_sha, &j->err) :
		LW_OK; /* the stream walker hashed it (stream_job) */
	while (!rc && chunk_read(NULL, cr, &p) > 0)
		;
	lw_sha256_final(blob, j->blob_sha);
	return rc;
}

static void index_job(struct pool *pool, size_t ji)
{
	struct job *j = &pool->jobs[ji];
	struct tick_ctx tc = { pool, ji };
	struct lw_scan s = { .max_entries = pool->priv->max_entries,
			     .tick = job_tick, .tick_ctx = &tc,
			     .max_bytes = pool->priv->max_bytes };
	struct chunk_reader cr = { .p = j->m->data, .len = (size_t)j->m->size };
	struct archive *a = archive_read_new();
	struct lw_gunzip gz = { 0 };
	struct lw_unzstd zs = { .dctx = NULL };
	struct lw_sha256 blob = { .ctx = NULL };
	struct lw_tar_hasher th = { .raw = NULL };
	int verify = pool->priv->verify;
	int r;

	j->ix = lw_xmalloc(sizeof(*j->ix));
	lw_layer_index_init(j->ix);
	j->compression = lw_compression_sniff(j->m->data, (size_t)j->m->size);
	if (!a) {
		j->rc = lw_error_set(&j->err, LW_ERR_NOMEM, "out of memory");
		return;
	}
	if (j->compression < 0) {
		j->rc = lw_error_set(&j->err, LW_ERR_INPUT, "neither a tar "
				     "archive nor gzip, zstd, xz or bzip2 data");
		goto out;
	}
	s.inflated = j->compression != LW_COMP_NONE;
	if (verify) {
		j->rc = lw_sha256_init(&blob, &j->err);
		if (j->rc)
			goto out;
		cr.sha = &blob;
	}
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (j->compression == LW_COMP_NONE) {
		/* One block: headers are parsed in place, data is skipped
		 * by moving a pointer, and content is located, not read. */
		s.map = j->m->data;
		s.map_len = (size_t)j->m->size;
		j->base = j->m->data;
		/* tarfast hook: the header walker first (never for the plain
		 * reader, the reference); libarchive if it hands back. */
		if (!pool->priv->plain) {
			j->rc = lw_tar_scan_mapped(s.map, s.map_len, &s, j->ix,
						   &j->err);
			if (j->rc != LW_TAR_FALLBACK) {
				j->tar_bytes = j->m->size;
				goto out;
			}
			j->rc = LW_OK;
		}
		/* tarfast hook: end */
		r = archive_read_open_memory(a, j->m->data, (size_t)j->m->size);
	} else if (j->compression == LW_COMP_GZIP && LW_FAST_GZIP &&
		   !pool->priv->plain) {
		lw_gunzip_init(&gz, chunk_pull, &cr);
		/* The stream walker first; libarchive from the start again
		 * if it hands back. */
		j->rc = stream_job(pool, j, &s, &cr, &blob, &gz, &zs);
		if (j->rc != LW_TAR_FALLBACK)
			goto out;
		j->rc = LW_OK;
		r = verify ? lw_tar_hasher_open(&th, a, lw_gunzip_read, &gz, 0) :
			archive_read_open(a, &gz, NULL, lw_gunzip_read, NULL);
	} else if (j->compression == LW_COMP_ZSTD && !pool->priv->plain) {
		lw_unzstd_init(&zs, chunk_pull, &cr, pool->priv->max_memory);
		j->rc = stream_job(pool, j, &s, &cr, &blob, &gz, &zs);
		if (j->rc != LW_TAR_FALLBACK)
			goto out;
		j->rc = LW_OK;
		r = verify ? lw_tar_hasher_open(&th, a, lw_unzstd_read, &zs, 0) :
			archive_read_open(a, &zs, NULL, lw_unzstd_read, NULL);
	} else if (verify) {
		/* The tar stream hashed between the filter and the tar
		 * reader. */
		r = lw_tar_hasher_open(&th, a, chunk_read, &cr, 1);
	} else {
		archive_read_support_filter_all(a);
		r = archive_read_open(a, &cr, NULL, chunk_read, NULL);
	}
	if (r != ARCHIVE_OK) {
		j->rc = lw_error_set(&j->err, LW_ERR_INPUT, "%s",
				     archive_error_string(a));
		goto out;
	}
	j->rc = lw_layer_scan(a, &s, j->ix, &j->err);
	j->tar_bytes = j->compression == LW_COMP_NONE ? j->m->size :
		(uint64_t)archive_filter_bytes(a, 0);
out:
	if (verify && !j->rc)
		j->rc = verify_finish(j, &cr, &blob, &th, pool->priv->max_bytes);
	archive_read_free(a);
	lw_tar_hasher_release(&th);
	lw_sha256_release(&blob);
	lw_gunzip_release(&gz);
	lw_unzstd_release(&zs);
	drop_pages(j->m->data, (size_t)j->m->size);
	job_tick(&tc, j->m->size);
}

/* A layer the cache had. Under --verify its blob is still hashed, and
 * must be the very blob the entry was verified from (whose tar stream
 * hashed to the diff_id): then the layer is verified without inflating
 * it. Otherwise it is read again. */
static void run_job(struct pool *pool, size_t ji)
{
	struct job *j = &pool->jobs[ji];
	struct tick_ctx tc = { pool, ji };

	if (j->cached && pool->priv->verify) {
		if (lw_sha256_buf(j->m->data, (size_t)j->m->size, j->blob_sha,
				  &j->err) ||
		    memcmp(j->blob_sha, j->meta.blob_sha, LW_SHA256_LEN)) {
			lw_layer_index_release(j->ix);
			free(j->ix);
			j->ix = NULL;
			j->cached = 0;
		} else {
			memcpy(j->tar_sha, j->meta.tar_sha, LW_SHA256_LEN);
		}
		drop_pages(j->m->data, (size_t)j->m->size);
	}
	if (!j->cached) {
		index_job(pool, ji);
		return;
	}
	job_tick(&tc, j->m->size);
}

/* Takes what the cache has for each job's layer. */
static void cache_lookup(struct lw_image *img, struct pool *pool,
			 struct lw_member **mem)
{
	struct lw_image_priv *priv = img->priv;
	size_t i, k;

	for (k = 0; k < pool->njobs; k++) {
		struct job *j = &pool->jobs[k];
		int comp;

		for (i = 0; mem[i] != j->m; i++)
			;
		j->diff_id = img->layers[i].diff_id;
		comp = lw_compression_sniff(j->m->data, (size_t)j->m->size);
		if (comp < 0 || !lw_cache_get(priv->cache, j->diff_id,
					      j->m->size, comp, priv->verify,
					      &j->ix, &j->meta,
					      &img->warnings))
			continue;
		j->cached = 1;
		j->compression = comp;
		j->tar_bytes = j->meta.tar_bytes;
		j->base = comp == LW_COMP_NONE ? j->m->data : NULL;
	}
}

/* Writes what the cache lacked, and remembers what it had, so that the
 * hashes the analysis adds are written back. Under --verify every layer
 * has been verified by now. */
static void cache_store(struct lw_image_priv *priv, struct pool *pool)
{
	size_t k;

	for (k = 0; k < pool->njobs; k++) {
		struct job *j = &pool->jobs[k];
		struct lw_cache_meta meta = { .tar_bytes = j->tar_bytes,
					      .verified = priv->verify };

		if (j->cached)
			meta = j->meta;
		else if (priv->verify)
			memcpy(meta.blob_sha, j->blob_sha, LW_SHA256_LEN);
		lw_cache_put(priv->cache, j->diff_id, j->m->size,
			     j->compression, j->ix, &meta, j->cached);
	}
}

static int job_size_cmp(const void *x, const void *y)
{
	const struct job *a = x, *b = y;

	return a->m->size > b->m->size ? -1 : a->m->size < b->m->size;
}

static void *worker(void *arg)
{
	struct pool *pool = arg;
	size_t i;

	while ((i = atomic_fetch_add(&pool->next, 1)) < pool->njobs) {
		run_job(pool, i);
		pthread_mutex_lock(&pool->lock);
		pool->jobs[i].finished = 1;
		pool->done++;
		pthread_cond_broadcast(&pool->cond);
		pthread_mutex_unlock(&pool->lock);
	}
	help(pool);
	return NULL;
}

static int index_mapped(struct lw_image *img, struct lw_source *src,
			const struct lw_read_opts *o, struct lw_member **mem,
			struct lw_error *err)
{
	struct lw_image_priv *priv = img->priv;
	struct pool pool = { .priv = priv };
	size_t i, k, nthreads;
	pthread_t *tids;
	int rc = LW_OK;

	pool.jobs = lw_xcalloc(img->nlayers + 1, sizeof(*pool.jobs));
	for (i = 0; i < img->nlayers; i++) {
		for (k = 0; k < pool.njobs && pool.jobs[k].m != mem[i]; k++)
			;
		if (k == pool.njobs) {
			pool.jobs[k].m = mem[i];
			pool.njobs++;
			priv->prog.bytes_total += mem[i]->size;
		}
	}
	priv->prog.layers_total = img->nlayers;
	/* The largest blobs first, so that no core is left with one big
	 * layer at the end while the other idles. */
	if (pool.njobs > 1)
		qsort(pool.jobs, pool.njobs, sizeof(*pool.jobs), job_size_cmp);
	priv->cache = o->plain ? NULL : lw_cache_open(o);
	if (priv->cache)
		cache_lookup(img, &pool, mem);
	priv->job_bytes = lw_xcalloc(pool.njobs + 1, sizeof(uint64_t));
	nthreads = (size_t)(o->jobs > 0 ? o->jobs : lw_cpu_count());
	/* A layer keeps at most two threads busy: its decoder and its
	 * walker. */
	if (nthreads > 2 * pool.njobs)
		nthreads = 2 * pool.njobs;
	pool.nthreads = (size_t)(o->jobs > 0 ? o->jobs : lw_cpu_count());
	pthread_mutex_init(&pool.lock, NULL);
	pthread_cond_init(&pool.cond, NULL);
	tids = lw_xcalloc(nthreads + 1, sizeof(*tids));
	for (i = 1; i < nthreads; i++)
		if (pthread_create(&tids[i], NULL, worker, &pool) != 0)
			break;
	k = i;
	worker(&pool);
	for (i = 1; i < k; i++)
		pthread_join(tids[i], NULL);
	free(tids);
	pthread_mutex_destroy(&pool.lock);
	pthread_cond_destroy(&pool.cond);

	/* Results in layer order, whatever order the jobs ran in: the first
	 * failing layer is the one reported, warnings come in layer order. */
	for (i = 0; i < img->nlayers; i++) {
		struct job *j;

		for (k = 0; pool.jobs[k].m != mem[i]; k++)
			;
		j = &pool.jobs[k];
		if (!j->collected) {
			j->collected = 1;
			if (j->rc && !rc)
				rc = lw_error_set(err, j->rc, "layer %zu (%s): %s",
						  i, j->m->name, j->err.msg);
			lw_warnings_move(&img->warnings, &j->ix->warnings);
			priv->indexes[priv->nindexes++] = j->ix;
		}
		if (!rc && !j->rc && priv->verify)
			rc = lw_verify_layer(img, i, j->blob_sha, j->tar_sha,
					     err);
		img->layers[i].index = pool.jobs[k].ix;
		img->layers[i].compression = pool.jobs[k].compression;
		img->layers[i].tar_bytes = pool.jobs[k].tar_bytes;
		priv->bases[i] = pool.jobs[k].base;
	}
	if (!rc && priv->cache)
		cache_store(priv, &pool);
	free(pool.jobs);
	return rc;
}

int lw_layers_index(struct lw_image *img, struct lw_source *src,
		    const struct lw_read_opts *o, struct lw_error *err)
{
	struct lw_image_priv *priv = img->priv;
	struct lw_member **mem;
	size_t i;
	int rc = LW_OK;

	mem = lw_xcalloc(img->nlayers + 1, sizeof(*mem));
	priv->indexes = lw_xcalloc(img->nlayers + 1, sizeof(*priv->indexes));
	priv->bases = lw_xcalloc(img->nlayers + 1, sizeof(*priv->bases));
	for (i = 0; i < img->nlayers; i++) {
		struct lw_layer *l = &img->layers[i];

		mem[i] = lw_source_find(src, l->member);
		if (!mem[i] || mem[i]->type != LW_ENTRY_FILE) {
			rc = lw_error_set(err, LW_ERR_INPUT, "layer %zu: missing "
					  "blob '%.300s'", i, l->member);
			goto out;
		}
		l->compressed_bytes = mem[i]->size;
		if (src->kind == LW_SOURCE_STREAM) {
			if (mem[i]->scan_error) {
				rc = lw_error_set(err, LW_ERR_INPUT, "layer %zu "
						  "(%s): %s", i, l->member,
						  mem[i]->scan_error);
				goto out;
			}
			if (!mem[i]->index && mem[i]->size > 0) {
				rc = lw_error_set(err, LW_ERR_INPUT, "layer %zu "
						  "(%s): neither a tar archive "
						  "nor gzip, zstd, xz or bzip2 "
						  "data", i, l->member);
				goto out;
			}
		} else if (mem[i]->size == 0) {
			rc = lw_error_set(err, LW_ERR_INPUT, "layer %zu (%s): "
					  "empty blob", i, l->member);
			goto out;
		}
	}
	if (src->kind != LW_SOURCE_STREAM) {
		rc = index_mapped(img, src, o, mem, err);
		goto out;
	}
	for (i = 0; i < img->nlayers; i++) {
		struct lw_member *m = mem[i];
		size_t k;

		if (!m->index) {
			/* An empty member: an empty layer. */
			m->index = lw_xmalloc(sizeof(*m->index));
			lw_layer_index_init(m->index);
			m->compression = LW_COMP_NONE;
		}
		for (k = 0; k < priv->nindexes && priv->indexes[k] != m->index;
		     k++)
			;
		if (k == priv->nindexes) {
			priv->indexes[priv->nindexes++] = m->index;
			lw_warnings_move(&img->warnings, &m->index->warnings);
		}
		img->layers[i].index = m->index;
		img->layers[i].compression = m->compression;
		img->layers[i].tar_bytes = m->tar_bytes;
		if (!rc && priv->verify) {
			if (!m->hashed) {
				/* An empty member: the hash of no bytes. */
				rc = lw_sha256_buf("", 0, m->blob_sha, err);
				memcpy(m->tar_sha, m->blob_sha, LW_SHA256_LEN);
			}
			if (!rc)
				rc = lw_verify_layer(img, i, m->blob_sha,
						     m->tar_sha, err);
		}
	}
	/* The image owns the layer indexes now. */
	for (i = 0; i < img->nlayers; i++)
		mem[i]->index = NULL;
out:
	for (i = 0; i < img->nlayers; i++)
		if (!img->layers[i].digest && img->layers[i].compression ==
		    LW_COMP_NONE && img->layers[i].diff_id)
			/* An uncompressed blob's digest is its diff_id. */
			img->layers[i].digest =
				lw_xstrdup(img->layers[i].diff_id);
	free(mem);
	return rc;
}

void lw_layers_release(struct lw_image_priv *priv)
{
	size_t i;

	for (i = 0; i < priv->nindexes; i++) {
		lw_layer_index_release(priv->indexes[i]);
		free(priv->indexes[i]);
	}
	free(priv->indexes);
	free(priv->bases);
	free(priv->job_bytes);
	lw_source_release(&priv->src);
	pthread_mutex_destroy(&priv->lock);
}
