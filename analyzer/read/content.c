/* Content hashes of layer entries: read from the mapped archive or with
 * pread, on every core, for the engine's comparisons. */
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

#define PREAD_BUF (1u << 20)

static int hash_pread(int fd, uint64_t off, struct lw_entry *e,
		      struct lw_error *err)
{
	/* The call's own buffer, no bigger than the file: a per-thread one
	 * would outlive the threads that made it. */
	size_t bufsize = e->size < PREAD_BUF ? (size_t)e->size : PREAD_BUF;
	unsigned char *buf;
	XXH3_state_t *st = XXH3_createState();
	uint64_t done = 0;
	int rc = LW_OK;

	if (!st)
		return lw_error_set(err, LW_ERR_NOMEM, "out of memory");
	buf = lw_xmalloc(bufsize ? bufsize : 1);
	XXH3_128bits_reset(st);
	while (done < e->size) {
		size_t want = e->size - done > PREAD_BUF ? PREAD_BUF :
			(size_t)(e->size - done);
		ssize_t n = pread(fd, buf, want, (off_t)(off + done));

		if (n <= 0) {
			rc = lw_error_set(err, n < 0 ? LW_ERR_IO : LW_ERR_INPUT,
					  "cannot read '%s': %s", e->path,
					  n < 0 ? strerror(errno) :
					  "unexpected end of file");
			break;
		}
		XXH3_128bits_update(st, buf, (size_t)n);
		done += (uint64_t)n;
	}
	if (!rc) {
		XXH128_hash_t h = XXH3_128bits_digest(st);

		e->hash.lo = h.low64;
		e->hash.hi = h.high64;
	}
	XXH3_freeState(st);
	free(buf);
	return rc;
}

int lw_image_hash_entry(struct lw_image *img, size_t li, size_t ei,
			struct lw_hash *out, struct lw_error *err)
{
	struct lw_layer_index *ix = img->layers[li].index;
	struct lw_entry *e = &ix->entries[ei];
	const unsigned char *base = img->priv ? img->priv->bases[li] : NULL;

	{
		const struct lw_entry *c = lw_layer_index_content(ix, e);

		if (!c)
			return lw_error_set(err, LW_ERR_INPUT, "layer %zu: '%s' "
					    "has no content (a hard link whose "
					    "target the layer lacks)", li,
					    e->path);
		e = &ix->entries[c - ix->entries];
	}
	if (!(e->flags & LW_ENTRY_HASHED)) {
		const struct lw_source *src = img->priv ? &img->priv->src :
			NULL;

		if (!base || e->data_off == LW_NO_OFFSET)
			return lw_error_set(err, LW_ERR_INPUT, "layer %zu: "
					    "content of '%s' is not available",
					    li, e->path);
		if (src && src->kind == LW_SOURCE_MAPPED &&
		    base >= src->map && base < src->map + src->map_len) {
			/* Read, not faulted in page by page: fewer faults, and
			 * nothing left in our resident set. */
			int rc = hash_pread(src->fd, (uint64_t)(base - src->map) +
					    e->data_off, e, err);

			if (rc)
				return rc;
		} else {
			e->hash = lw_hash_bytes(base + e->data_off,
						(size_t)e->size);
		}
		e->flags |= LW_ENTRY_HASHED;
	}
	*out = e->hash;
	return LW_OK;
}

struct hash_job {
	struct lw_image *img;
	struct lw_entry_ref *refs;
	size_t n;
	size_t *batch; /* start of each batch in refs; nbatch + 1 entries */
	size_t nbatch;
	atomic_size_t next;
	atomic_int failed;
	struct lw_error err;
	pthread_mutex_t lock;
};

#define HASH_BATCH (4u << 20)

static const unsigned char *ref_addr(const struct lw_image *img,
				     const struct lw_entry_ref *r)
{
	const unsigned char *base = img->priv ? img->priv->bases[r->layer] :
		NULL;
	const struct lw_entry *e = &img->layers[r->layer].index->entries[r->entry];

	return base && e->data_off != LW_NO_OFFSET ? base + e->data_off : NULL;
}

/* Hashes batches of entries that lie close together in the mapping, then
 * drops the pages read from our resident set. */
static void *hash_worker(void *arg)
{
	struct hash_job *h = arg;
	long page = sysconf(_SC_PAGESIZE);
	size_t b, i;

	while (!atomic_load(&h->failed) &&
	       (b = atomic_fetch_add(&h->next, 1)) < h->nbatch) {
		const unsigned char *lo = NULL, *hi = NULL;

		for (i = h->batch[b]; i < h->batch[b + 1]; i++) {
			const struct lw_entry_ref *r = &h->refs[i];
			const unsigned char *p = ref_addr(h->img, r);
			struct lw_hash out;
			struct lw_error e;

			if (lw_image_hash_entry(h->img, r->layer, r->entry, &out,
						&e)) {
				pthread_mutex_lock(&h->lock);
				if (!atomic_exchange(&h->failed, 1))
					h->err = e;
				pthread_mutex_unlock(&h->lock);
				break;
			}
			if (p) {
				const unsigned char *end = p +
					h->img->layers[r->layer].index->
					entries[r->entry].size;

				if (!lo || p < lo)
					lo = p;
				if (!hi || end > hi)
					hi = end;
			}
		}
		if (lo && page > 0) {
			uintptr_t mask = (uintptr_t)page - 1;
			uintptr_t a = ((uintptr_t)lo + mask) & ~mask;
			uintptr_t z = (uintptr_t)hi & ~mask;

			if (z > a)
				madvise((void *)a, z - a, MADV_DONTNEED);
		}
	}
	return NULL;
}

static const struct lw_image *addr_img;

static int ref_addr_cmp(const void *x, const void *y)
{
	const unsigned char *a = ref_addr(addr_img, x);
	const unsigned char *b = ref_addr(addr_img, y);

	return a < b ? -1 : a > b;
}

static int ref_cmp(const void *x, const void *y)
{
	const struct lw_entry_ref *a = x, *b = y;

	if (a->layer != b->layer)
		return a->layer < b->layer ? -1 : 1;
	return a->entry < b->entry ? -1 : a->entry > b->entry;
}

int lw_image_hash_many(struct lw_image *img, const struct lw_entry_ref *refs,
		       size_t n, int jobs, struct lw_error *err)
{
	struct hash_job h;
	pthread_t tids[64];
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
	if (m > 1)
		qsort(h.refs, m, sizeof(*h.refs), ref_cmp);
	for (i = 0, h.n = 0; i < m; i++)
		if (!h.n || ref_cmp(&h.refs[h.n - 1], &h.refs[i]))
			h.refs[h.n++] = h.refs[i];
	/* In mapping order, cut into batches of nearby bytes. qsort is not
	 * reentrant-safe with a global, so this runs before any thread. */
	addr_img = img;
	if (h.n > 1)
		qsort(h.refs, h.n, sizeof(*h.refs), ref_addr_cmp);
	h.batch = lw_xcalloc(h.n + 2, sizeof(*h.batch));
	{
		const unsigned char *start = NULL;

		for (i = 0; i < h.n; i++) {
			const unsigned char *p = ref_addr(img, &h.refs[i]);

			if (i == 0 || !p || !start ||
			    (size_t)(p - start) > HASH_BATCH) {
				h.batch[h.nbatch++] = i;
				start = p;
			}
		}
		h.batch[h.nbatch] = h.n;
	}
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
	hash_worker(&h);
	for (i = 1; i < m; i++)
		pthread_join(tids[i], NULL);
	pthread_mutex_destroy(&h.lock);
	free(h.batch);
	free(h.refs);
	if (atomic_load(&h.failed)) {
		if (err)
			*err = h.err;
		return h.err.code;
	}
	return LW_OK;
}
