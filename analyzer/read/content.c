/* Content hashes of layer entries (XXH3-128 of a file's bytes) for the
 * engine's comparisons: read in place from the mapped archive or layer
 * file, on every core, each compared byte once.
 *
 * Cost per byte is the hash and the kernel's work to map the page cache's
 * pages: the bytes are hashed where they are mapped (no copy into a
 * buffer), a large file's range is mapped ahead of the hash in one call
 * per chunk (MADV_POPULATE_READ) rather than page fault by page fault,
 * and dropped from our resident set behind it (the page cache keeps it).
 * XXH3 runs the widest vector code the CPU has (libxxhash's x86
 * dispatcher). The largest batches go first so that one big file does not
 * finish alone at the end. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xxhash.h>

#include "layerwaste/util.h"
#include "read_priv.h"

/* A large file is mapped, hashed and dropped this much at a time. */
#define HASH_CHUNK (512u << 10)
/* Files from this size on are mapped ahead in one call; smaller ones are
 * left to the fault handler, which maps the pages around a fault too. */
#define POPULATE_MIN (64u << 10)
/* The kernel's default fault-around window (fault_around_bytes). */
#define FAULT_AROUND ((uintptr_t)64 << 10)
/* Entries this close together in the mapping make one batch of work. */
#define HASH_BATCH (1u << 20)

static uintptr_t page_mask(void)
{
	long page = sysconf(_SC_PAGESIZE);

	return (uintptr_t)(page > 0 ? page : 4096) - 1;
}

/* Maps [p, p + len) of a file mapping in one call; a kernel without
 * MADV_POPULATE_READ (before 5.14) faults the pages in as they are read. */
static void populate(const unsigned char *p, size_t len)
{
#ifdef MADV_POPULATE_READ
	uintptr_t mask = page_mask();
	uintptr_t lo = (uintptr_t)p & ~mask;
	uintptr_t hi = ((uintptr_t)p + len + mask) & ~mask;

	(void)madvise((void *)lo, hi - lo, MADV_POPULATE_READ);
#else
	(void)p;
	(void)len;
#endif
}

/* Drops the pages of [p, p + len) of a private, read-only file mapping from
 * our resident set, the partial pages at either end too: whatever else they
 * hold (a neighbour's header or bytes) faults back in if read again. */
static void drop(const unsigned char *p, size_t len)
{
	uintptr_t mask = page_mask();
	uintptr_t lo = (uintptr_t)p & ~mask;
	uintptr_t hi = ((uintptr_t)p + len + mask) & ~mask;

	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

/* Drops [lo, hi) and what the fault handler mapped around it: it maps the
 * cached pages of the FAULT_AROUND-aligned block of a fault, which may
 * reach past the bytes read (another batch's, faulting back in if that
 * batch is still reading them). Clipped to the mapping holding lo. */
static void drop_around(const struct lw_image *img, const unsigned char *lo,
			const unsigned char *hi)
{
	const struct lw_source *src = &img->priv->src;
	const unsigned char *m = NULL;
	size_t mlen = 0, i;
	uintptr_t a, z, mask = FAULT_AROUND - 1;

	if (src->map && lo >= src->map && lo < src->map + src->map_len) {
		m = src->map;
		mlen = src->map_len;
	}
	for (i = 0; !m && i < src->nmaps; i++) {
		const unsigned char *q = src->maps[i];

		if (lo >= q && lo < q + src->map_lens[i]) {
			m = q;
			mlen = src->map_lens[i];
		}
	}
	if (!m)
		return;
	a = (uintptr_t)lo & ~mask;
	z = ((uintptr_t)hi + mask) & ~mask;
	if (a < (uintptr_t)m)
		a = (uintptr_t)m;
	if (z > (uintptr_t)(m + mlen))
		z = (uintptr_t)(m + mlen);
	if (z > a)
		drop((const unsigned char *)a, z - a);
}

/* [p, p + len) lies in the mapping m of mlen bytes. */
static int in_mapping(const unsigned char *p, uint64_t len,
		      const unsigned char *m, size_t mlen)
{
	return m && p >= m && (size_t)(p - m) <= mlen &&
		len <= (uint64_t)(mlen - (size_t)(p - m));
}

/* [p, p + len) lies in one of the source's file mappings (every layer's
 * mapped bytes do: the archive, or a layout directory's blob files), so
 * that it can be dropped, and a damaged offset never reads past one. */
static int file_mapped(const struct lw_source *src, const unsigned char *p,
		       uint64_t len)
{
	size_t i;

	if (in_mapping(p, len, src->map, src->map_len))
		return 1;
	for (i = 0; i < src->nmaps; i++)
		if (in_mapping(p, len, src->maps[i], src->map_lens[i]))
			return 1;
	return 0;
}

/* XXH3-128 of size bytes of a file mapping at p, with st as scratch: a
 * file from POPULATE_MIN on is mapped ahead, and a large one dropped
 * behind the hash. */
static struct lw_hash hash_range(XXH3_state_t *st, const unsigned char *p,
				 uint64_t size)
{
	XXH128_hash_t h;
	uint64_t done = 0;
	struct lw_hash out;

	XXH3_128bits_reset(st);
	while (done < size) {
		size_t n = size - done > HASH_CHUNK ? HASH_CHUNK :
			(size_t)(size - done);

		if (size >= POPULATE_MIN)
			populate(p + done, n);
		lw_hash_update(st, p + done, n);
		if (size > HASH_CHUNK)
			drop(p + done, n);
		done += n;
	}
	h = XXH3_128bits_digest(st);
	out.lo = h.low64;
	out.hi = h.high64;
	return out;
}

/* lw_image_hash_entry with a scratch state (NULL: one is made). */
static int hash_entry(struct lw_image *img, size_t li, size_t ei,
		      XXH3_state_t *st, struct lw_hash *out,
		      struct lw_error *err)
{
	struct lw_pathbuf pb;
	struct lw_layer_index *ix = img->layers[li].index;
	struct lw_entry *e = &ix->entries[ei];
	const unsigned char *base = img->priv ? img->priv->bases[li] : NULL;
	const struct lw_entry *c = lw_layer_index_content(ix, e);

	if (!c)
		return lw_error_set(err, LW_ERR_INPUT, "layer %zu: '%s' has no "
				    "content (a hard link whose target the "
				    "layer lacks)", li, lw_entry_path(e, &pb));
	e = &ix->entries[c - ix->entries];
	if (!(e->flags & LW_ENTRY_HASHED)) {
		XXH3_state_t *own = NULL;
		const unsigned char *p;

		if (!base || lw_entry_data_off(e) == LW_NO_OFFSET)
			return lw_error_set(err, LW_ERR_INPUT, "layer %zu: "
					    "content of '%s' is not available",
					    li, lw_entry_path(e, &pb));
		p = base + lw_entry_data_off(e);
		if (!file_mapped(&img->priv->src, p, e->size))
			return lw_error_set(err, LW_ERR_INPUT, "layer %zu: "
					    "content of '%s' lies outside the "
					    "archive", li,
					    lw_entry_path(e, &pb));
		if (!st && !(st = own = XXH3_createState()))
			return lw_error_set(err, LW_ERR_NOMEM, "out of memory");
		e->hash = hash_range(st, p, e->size);
		XXH3_freeState(own);
		e->flags |= LW_ENTRY_HASHED;
	}
	*out = e->hash;
	return LW_OK;
}

int lw_image_hash_entry(struct lw_image *img, size_t li, size_t ei,
			struct lw_hash *out, struct lw_error *err)
{
	return hash_entry(img, li, ei, NULL, out, err);
}

struct hash_job {
	struct lw_image *img;
	struct lw_entry_ref *refs;
	size_t n;
	size_t *batch; /* start of each batch in refs; nbatch + 1 entries */
	size_t *order; /* the batches, most bytes first */
	size_t nbatch;
	atomic_size_t next;
	atomic_int failed;
	struct lw_error err;
	pthread_mutex_t lock;
};

static const struct lw_entry *ref_entry(const struct lw_image *img,
					const struct lw_entry_ref *r)
{
	return &img->layers[r->layer].index->entries[r->entry];
}

static const unsigned char *ref_addr(const struct lw_image *img,
				     const struct lw_entry_ref *r)
{
	const unsigned char *base = img->priv ? img->priv->bases[r->layer] :
		NULL;
	uint64_t off = lw_entry_data_off(ref_entry(img, r));

	return base && off != LW_NO_OFFSET ? base + off : NULL;
}

static void fail(struct hash_job *h, const struct lw_error *e)
{
	pthread_mutex_lock(&h->lock);
	if (!atomic_exchange(&h->failed, 1))
		h->err = *e;
	pthread_mutex_unlock(&h->lock);
}

/* Maps the small files of batch b (which the fault handler would map a
 * FAULT_AROUND block per fault) in one call, when they fill at least
 * half the span they lie in. A batch's files start within HASH_BATCH of
 * its first, and small ones end before POPULATE_MIN past that: the span
 * is bounded, and dropped behind the batch with the rest. */
static void populate_small(const struct hash_job *h, size_t b)
{
	const unsigned char *lo = NULL, *hi = NULL;
	uint64_t bytes = 0;
	size_t i;

	for (i = h->batch[b]; i < h->batch[b + 1]; i++) {
		const unsigned char *p = ref_addr(h->img, &h->refs[i]);
		uint64_t size = ref_entry(h->img, &h->refs[i])->size;

		if (!p || size >= POPULATE_MIN ||
		    !file_mapped(&h->img->priv->src, p, size))
			continue;
		if (!lo || p < lo)
			lo = p;
		if (!hi || p + size > hi)
			hi = p + size;
		bytes += size;
	}
	if (lo && (uint64_t)(hi - lo) <= 2 * bytes + FAULT_AROUND)
		populate(lo, (size_t)(hi - lo));
}

/* Hashes batches of entries that lie close together in the mapping, the
 * largest first, then drops the pages read from our resident set. */
static void *hash_worker(void *arg)
{
	struct hash_job *h = arg;
	XXH3_state_t *st = XXH3_createState();
	size_t k, b, i;

	if (!st) {
		struct lw_error e;

		lw_error_set(&e, LW_ERR_NOMEM, "out of memory");
		fail(h, &e);
		return NULL;
	}
	while (!atomic_load(&h->failed) &&
	       (k = atomic_fetch_add(&h->next, 1)) < h->nbatch) {
		const unsigned char *lo = NULL, *hi = NULL;

		b = h->order[k];
		populate_small(h, b);
		for (i = h->batch[b]; i < h->batch[b + 1]; i++) {
			const struct lw_entry_ref *r = &h->refs[i];
			const unsigned char *p = ref_addr(h->img, r);
			struct lw_hash out;
			struct lw_error e;

			if (hash_entry(h->img, r->layer, r->entry, st, &out,
				       &e)) {
				fail(h, &e);
				break;
			}
			if (p) {
				const unsigned char *end = p +
					ref_entry(h->img, r)->size;

				if (!lo || p < lo)
					lo = p;
				if (!hi || end > hi)
					hi = end;
			}
		}
		if (lo)
			drop_around(h->img, lo, hi);
	}
	XXH3_freeState(st);
	return NULL;
}

static int ref_cmp(const void *x, const void *y)
{
	const struct lw_entry_ref *a = x, *b = y;

	if (a->layer != b->layer)
		return a->layer < b->layer ? -1 : 1;
	return a->entry < b->entry ? -1 : a->entry > b->entry;
}

/* Sort keys: a ref and its address; a batch and its bytes. */
struct ref_at {
	struct lw_entry_ref r;
	const unsigned char *p;
};

static int ref_at_cmp(const void *x, const void *y)
{
	const struct ref_at *a = x, *b = y;

	return a->p < b->p ? -1 : a->p > b->p;
}

/* at[0..n) in address order, when it is a run of ascending addresses per
 * layer and the layers' ranges do not overlap (the refs sorted by layer,
 * then entry, as a tar lists its members): the runs are put in order, a
 * copy instead of a sort. Returns the new array (at is freed), or NULL
 * (at untouched) when at is not so; the caller sorts it then. */
static struct ref_at *order_layer_runs(struct ref_at *at, size_t n)
{
	struct layer_run {
		size_t first, count;
	} *runs = NULL;
	struct ref_at *out = NULL;
	size_t nruns = 0, cap = 0, i, j, k, o = 0;

	for (i = 0; i < n; i = j) {
		if (!at[i].p)
			goto fail;
		for (j = i + 1; j < n && at[j].r.layer == at[i].r.layer; j++)
			if (!at[j].p || at[j].p < at[j - 1].p)
				goto fail;
		/* Insertion by first address: a few layers. */
		lw_grow((void **)&runs, &cap, nruns + 1, sizeof(*runs));
		for (k = nruns; k > 0 && at[runs[k - 1].first].p > at[i].p; k--)
			runs[k] = runs[k - 1];
		runs[k] = (struct layer_run){ .first = i, .count = j - i };
		nruns++;
	}
	for (k = 1; k < nruns; k++)
		if (at[runs[k - 1].first + runs[k - 1].count - 1].p >=
		    at[runs[k].first].p)
			goto fail;
	out = lw_xcalloc(n + 1, sizeof(*out));
	for (k = 0; k < nruns; k++) {
		memcpy(out + o, at + runs[k].first,
		       runs[k].count * sizeof(*at));
		o += runs[k].count;
	}
	free(runs);
	free(at);
	return out;
fail:
	free(runs);
	return NULL;
}

struct batch_size {
	size_t b;
	uint64_t bytes;
};

static int batch_size_cmp(const void *x, const void *y)
{
	const struct batch_size *a = x, *b = y;

	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	return a->b < b->b ? -1 : a->b > b->b;
}

int lw_image_hash_many(struct lw_image *img, const struct lw_entry_ref *refs,
		       size_t n, int jobs, struct lw_error *err)
{
	struct hash_job h;
	pthread_t tids[64];
	struct ref_at *at;
	struct batch_size *bs;
	size_t i, m = 0, nt;

	memset(&h, 0, sizeof(h));
	h.img = img;
	h.refs = lw_xcalloc(n + 1, sizeof(*h.refs));
	/* One job per content entry: a hard link hashes its target, and
	 * two threads must never fill in the same entry. Layers that share
	 * a blob share entries too, so the blob's first layer stands in. */
	for (i = 0; i < n; i++) {
		struct lw_entry_ref r = refs[i];
		struct lw_layer_index *ix = img->layers[r.layer].index;
		const struct lw_entry *e = lw_layer_index_content(
			ix, &ix->entries[r.entry]);
		size_t l;

		/* No content: lw_image_hash_entry will say so. */
		if (!e)
			e = &ix->entries[r.entry];
		r.entry = (uint32_t)(e - ix->entries);
		if (e->flags & LW_ENTRY_HASHED)
			continue;
		for (l = 0; l < r.layer && img->layers[l].index != ix; l++)
			;
		r.layer = (uint32_t)l;
		h.refs[m++] = r;
	}
	/* The engine hands them over sorted, mostly. */
	for (i = 1; i < m && ref_cmp(&h.refs[i - 1], &h.refs[i]) <= 0; i++)
		;
	if (i < m)
		qsort(h.refs, m, sizeof(*h.refs), ref_cmp);
	for (i = 0, h.n = 0; i < m; i++)
		if (!h.n || ref_cmp(&h.refs[h.n - 1], &h.refs[i]))
			h.refs[h.n++] = h.refs[i];
	/* In mapping order, cut into batches of nearby bytes. */
	at = lw_xcalloc(h.n + 1, sizeof(*at));
	for (i = 0; i < h.n; i++) {
		at[i].r = h.refs[i];
		at[i].p = ref_addr(img, &h.refs[i]);
	}
	if (h.n > 1) {
		struct ref_at *in_order = order_layer_runs(at, h.n);

		if (in_order)
			at = in_order;
		else
			qsort(at, h.n, sizeof(*at), ref_at_cmp);
	}
	h.batch = lw_xcalloc(h.n + 2, sizeof(*h.batch));
	bs = lw_xcalloc(h.n + 1, sizeof(*bs));
	{
		const unsigned char *start = NULL;

		for (i = 0; i < h.n; i++) {
			const unsigned char *p = at[i].p;

			h.refs[i] = at[i].r;
			if (i == 0 || !p || !start ||
			    (size_t)(p - start) > HASH_BATCH) {
				bs[h.nbatch].b = h.nbatch;
				h.batch[h.nbatch++] = i;
				start = p;
			}
			bs[h.nbatch - 1].bytes += ref_entry(img, &at[i].r)->size;
		}
		h.batch[h.nbatch] = h.n;
	}
	free(at);
	/* The largest batches first: a big file started last would keep
	 * one core busy while the others wait. */
	if (h.nbatch > 1)
		qsort(bs, h.nbatch, sizeof(*bs), batch_size_cmp);
	h.order = lw_xcalloc(h.nbatch + 1, sizeof(*h.order));
	for (i = 0; i < h.nbatch; i++)
		h.order[i] = bs[i].b;
	free(bs);
	pthread_mutex_init(&h.lock, NULL);
	nt = (size_t)(jobs > 0 ? jobs : lw_cpu_count());
	if (nt > 64)
		nt = 64;
	if (nt > h.nbatch)
		nt = h.nbatch;
	for (i = 1; i < nt; i++)
		if (pthread_create(&tids[i], NULL, hash_worker, &h) != 0)
			break;
	m = i;
	if (h.nbatch)
		hash_worker(&h);
	for (i = 1; i < m; i++)
		pthread_join(tids[i], NULL);
	pthread_mutex_destroy(&h.lock);
	free(h.order);
	free(h.batch);
	free(h.refs);
	if (atomic_load(&h.failed)) {
		if (err)
			*err = h.err;
		return h.err.code;
	}
	return LW_OK;
}
