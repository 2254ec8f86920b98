/* The set of every path of an image in tree order: a directory's subtree
 * is a range of ranks. And the in-place sort the engine's big arrays use.
 *
 * Why not qsort(): glibc's copies the array into a buffer as large as
 * itself when it can (a merge sort), which at millions of entries is that
 * many bytes more at the peak. lw_sort() is introsort: quicksort on the
 * median of three, heapsort where the partitions keep coming out lopsided
 * (so no input makes it quadratic), insertion sort on short runs. Not
 * stable, as qsort() is not. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine_priv.h"

void lw_pathset_subtree(const struct lw_pathset *ps, const char *path,
			size_t n, size_t *lo, size_t *hi)
{
	size_t a = 0, b = ps->n;

	if (n == 0) {
		*lo = 0;
		*hi = ps->n;
		return;
	}
	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (lw_entry_path_cmp_str(lw_pathset_entry(ps, mid), path, n) < 0)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	b = ps->n;
	while (a < b) {
		size_t mid = a + (b - a) / 2;
		struct lw_pathbuf pb;
		const char *p = lw_entry_path(lw_pathset_entry(ps, mid), &pb);

		if (!strncmp(p, path, n) && (p[n] == '\0' || p[n] == '/'))
			a = mid + 1;
		else
			b = mid;
	}
	*hi = a;
}

void lw_pathset_subtree_of(const struct lw_pathset *ps,
			   const struct lw_entry *e, size_t *lo, size_t *hi,
			   int *self)
{
	struct lw_pathbuf pb;
	const char *path = lw_entry_path(e, &pb);
	size_t n = strlen(path);

	lw_pathset_subtree(ps, path, n, lo, hi);
	*self = n && *lo < *hi &&
		!lw_entry_path_cmp(lw_pathset_entry(ps, *lo), e);
}

void lw_pathset_release_ends(struct lw_pathset *ps)
{
	free(ps->inner);
	free(ps->inner_before);
	free(ps->inner_end);
	ps->inner = NULL;
	ps->inner_before = NULL;
	ps->inner_end = NULL;
}

size_t lw_pathset_marks_of(const struct lw_pathset *ps, uint32_t k)
{
	size_t a = 0, b = ps->nmarks;

	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (ps->marks[mid].layer < k)
			a = mid + 1;
		else
			b = mid;
	}
	return a;
}

int lw_numbering_init(struct lw_numbering *nb, const struct lw_image *img,
		      struct lw_error *err)
{
	uint64_t total = 0;
	size_t k, b, nblocks;

	memset(nb, 0, sizeof(*nb));
	nb->img = img;
	for (k = 0; k < img->nlayers; k++)
		total += img->layers[k].index->count;
	if (total >= LW_NUM_NONE)
		return lw_error_set(err, LW_ERR_INPUT, "more than %u entries "
				    "in the image", LW_NUM_NONE - 1);
	nblocks = (size_t)(total >> LW_NUM_BLOCK_BITS) + 1;
	nb->first = malloc((img->nlayers + 1) * sizeof(*nb->first));
	nb->blocks = malloc(nblocks * sizeof(*nb->blocks));
	nb->entries = malloc((img->nlayers + 1) * sizeof(*nb->entries));
	if (!nb->first || !nb->blocks || !nb->entries) {
		lw_numbering_release(nb);
		return lw_error_set(err, LW_ERR_NOMEM, "out of memory");
	}
	nb->first[0] = 0;
	for (k = 0; k < img->nlayers; k++) {
		nb->first[k + 1] = nb->first[k] +
			(uint32_t)img->layers[k].index->count;
		nb->entries[k] = img->layers[k].index->entries;
	}
	/* Each block's first number, in the last layer to start at or
	 * before it (empty layers skipped: lw_num_layer walks forward). */
	for (b = 0, k = 0; b < nblocks; b++) {
		uint64_t num = (uint64_t)b << LW_NUM_BLOCK_BITS;

		while (k + 1 < img->nlayers && nb->first[k + 1] <= num)
			k++;
		nb->blocks[b] = (uint32_t)k;
	}
	return LW_OK;
}

void lw_numbering_release(struct lw_numbering *nb)
{
	free(nb->first);
	free(nb->blocks);
	free(nb->entries);
	nb->first = NULL;
	nb->blocks = NULL;
	nb->entries = NULL;
}

/* ---- lw_sort ---- */

#define SHORT_RUN 16
#define MAX_ELEM 32

/* Fixed sizes, so that the copies are moves of registers, not calls. */
#define SWAP_AS(type)                     \
	do {                              \
		type t_;                  \
		memcpy(&t_, a, sizeof(t_)); \
		memcpy(a, b, sizeof(t_)); \
		memcpy(b, &t_, sizeof(t_)); \
	} while (0)

static void swap(unsigned char *a, unsigned char *b, size_t size)
{
	unsigned char t[MAX_ELEM];

	switch (size) {
	case 4:
		SWAP_AS(uint32_t);
		return;
	case 8:
		SWAP_AS(uint64_t);
		return;
	case 16: {
		struct { uint64_t x, y; } t_;

		memcpy(&t_, a, 16);
		memcpy(a, b, 16);
		memcpy(b, &t_, 16);
		return;
	}
	default:
		memcpy(t, a, size);
		memcpy(a, b, size);
		memcpy(b, t, size);
	}
}

static void insertion(unsigned char *base, size_t n, size_t size,
		      int (*cmp)(const void *, const void *))
{
	size_t i, j;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && cmp(base + (j - 1) * size,
					 base + j * size) > 0; j--)
			swap(base + (j - 1) * size, base + j * size, size);
}

static void sift(unsigned char *base, size_t root, size_t n, size_t size,
		 int (*cmp)(const void *, const void *))
{
	for (;;) {
		size_t child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n &&
		    cmp(base + child * size, base + (child + 1) * size) < 0)
			child++;
		if (cmp(base + root * size, base + child * size) >= 0)
			return;
		swap(base + root * size, base + child * size, size);
		root = child;
	}
}

static void heapsort_(unsigned char *base, size_t n, size_t size,
		      int (*cmp)(const void *, const void *))
{
	size_t i;

	for (i = n / 2; i-- > 0;)
		sift(base, i, n, size, cmp);
	for (i = n; i-- > 1;) {
		swap(base, base + i * size, size);
		sift(base, 0, i, size, cmp);
	}
}

static void intro(unsigned char *base, size_t n, size_t size,
		  int (*cmp)(const void *, const void *), unsigned depth)
{
	while (n > SHORT_RUN) {
		unsigned char *lo = base, *mid = base + n / 2 * size,
			*hi = base + (n - 1) * size;
		size_t i, j;

		if (depth-- == 0) {
			heapsort_(base, n, size, cmp);
			return;
		}
		/* The median of three goes first, as the pivot. */
		if (cmp(mid, lo) < 0)
			swap(mid, lo, size);
		if (cmp(hi, mid) < 0) {
			swap(hi, mid, size);
			if (cmp(mid, lo) < 0)
				swap(mid, lo, size);
		}
		swap(base, mid, size);
		/* Hoare's partition around base[0]. */
		i = 0;
		j = n;
		for (;;) {
			do
				i++;
			while (i < n && cmp(base + i * size, base) < 0);
			do
				j--;
			while (cmp(base + j * size, base) > 0);
			if (i >= j)
				break;
			swap(base + i * size, base + j * size, size);
		}
		swap(base, base + j * size, size);
		/* base[j] is in place: recurse into the shorter side, loop on
		 * the longer, so the stack stays logarithmic. */
		if (j < n - j - 1) {
			intro(base, j, size, cmp, depth);
			base += (j + 1) * size;
			n -= j + 1;
		} else {
			intro(base + (j + 1) * size, n - j - 1, size, cmp,
			      depth);
			n = j;
		}
	}
	insertion(base, n, size, cmp);
}

void lw_sort(void *base, size_t n, size_t size,
	     int (*cmp)(const void *, const void *))
{
	unsigned depth = 0;
	size_t m;

	if (n < 2)
		return;
	if (size > MAX_ELEM) {
		qsort(base, n, size, cmp);
		return;
	}
	for (m = n; m > 1; m >>= 1)
		depth += 2;
	intro(base, n, size, cmp, depth);
}

/* ---- lw_sort_runs ---- */

/* After this many wins in a row of one run, merge_runs() looks ahead in
 * it for where the other's head goes (TimSort's galloping). */
#define GALLOP_AFTER 7

/* The first place in a[from..to) whose id comes after x, found by steps
 * that double, then halve: few compares when it is near from. */
static size_t gallop(const uint32_t *a, size_t from, size_t to, uint32_t x,
		     int (*cmp)(uint32_t, uint32_t, const void *),
		     const void *ctx)
{
	size_t lo = from, step = 1, hi;

	while (lo + step <= to && cmp(a[lo + step - 1], x, ctx) < 0) {
		lo += step;
		step *= 2;
	}
	hi = lo + step - 1 < to ? lo + step - 1 : to;
	while (lo < hi) {
		size_t m = lo + (hi - lo) / 2;

		if (cmp(a[m], x, ctx) < 0)
			lo = m + 1;
		else
			hi = m;
	}
	return lo;
}

/* Merges the ascending runs a[lo..mid) and a[mid..hi) into out[lo..hi).
 * Where one run keeps winning, what it wins is found by galloping and
 * copied whole: runs that interleave little (a layer's paths and the few
 * a later layer adds among them) cost few compares. */
static void merge_runs(const uint32_t *a, uint32_t *out, size_t lo,
		       size_t mid, size_t hi,
		       int (*cmp)(uint32_t, uint32_t, const void *),
		       const void *ctx)
{
	size_t i = lo, j = mid, o = lo, wi = 0, wj = 0, k;

	/* Runs that already follow each other: one compare, one copy. */
	if (i < mid && j < hi && cmp(a[mid - 1], a[mid], ctx) < 0) {
		memcpy(out + lo, a + lo, (hi - lo) * sizeof(*a));
		return;
	}
	while (i < mid && j < hi) {
		if (cmp(a[j], a[i], ctx) < 0) {
			out[o++] = a[j++];
			wj++;
			wi = 0;
		} else {
			out[o++] = a[i++];
			wi++;
			wj = 0;
		}
		if (wi >= GALLOP_AFTER && j < hi) {
			k = gallop(a, i, mid, a[j], cmp, ctx);
			memcpy(out + o, a + i, (k - i) * sizeof(*a));
			o += k - i;
			i = k;
			wi = 0;
		} else if (wj >= GALLOP_AFTER && i < mid) {
			k = gallop(a, j, hi, a[i], cmp, ctx);
			memcpy(out + o, a + j, (k - j) * sizeof(*a));
			o += k - j;
			j = k;
			wj = 0;
		}
	}
	if (i < mid)
		memcpy(out + o, a + i, (mid - i) * sizeof(*a));
	if (j < hi)
		memcpy(out + o, a + j, (hi - j) * sizeof(*a));
}

uint32_t *lw_sort_runs(uint32_t *a, uint32_t *tmp, size_t n,
		       size_t max_runs,
		       int (*cmp)(uint32_t x, uint32_t y, const void *ctx),
		       const void *ctx)
{
	size_t *start, nruns = 0, i, k, m;
	uint32_t *src = a, *dst = tmp, *t;

	if (n < 2)
		return a;
	start = malloc((max_runs + 2) * sizeof(*start));
	if (!start)
		return NULL;
	start[nruns++] = 0;
	for (i = 1; i < n; i++) {
		if (cmp(a[i - 1], a[i], ctx) < 0)
			continue;
		if (nruns == max_runs) {
			free(start);
			return NULL;
		}
		start[nruns++] = i;
	}
	start[nruns] = n;
	/* Pairwise: run 2k and 2k + 1 become run k, a lone last one is
	 * copied over. */
	while (nruns > 1) {
		for (k = 0, m = 0; k < nruns; k += 2, m++) {
			size_t lo = start[k], hi = start[k + 1];

			if (k + 1 < nruns) {
				hi = start[k + 2];
				merge_runs(src, dst, lo, start[k + 1], hi,
					   cmp, ctx);
			} else {
				memcpy(dst + lo, src + lo,
				       (hi - lo) * sizeof(*src));
			}
			start[m] = lo;
		}
		start[m] = n;
		nruns = m;
		t = src;
		src = dst;
		dst = t;
	}
	free(start);
	return src;
}

/* ---- lw_sort_refs, lw_sort_u64, lw_sort_u64_high ---- */

static inline uint64_t ref_key(const struct lw_entry_ref *r)
{
	return (uint64_t)r->layer << 32 | r->entry;
}

static inline uint64_t u64_key(const uint64_t *v)
{
	return *v;
}

static inline uint64_t u64_high_key(const uint64_t *v)
{
	return *v >> 32;
}

/* An in-place radix sort (American flag sort) on a 64-bit key, a byte a
 * pass from the highest byte any key sets: a count, then each element
 * swapped into its bucket, then each bucket by the next byte. Compares
 * nothing until a bucket is short; for the engine's big arrays of random
 * keys, where introsort's compares mostly mispredict. Equal keys end in no
 * particular order. The stack holds a pass's counts per byte (8 at most). */
#define TYPED_RADIXSORT(name, T, keyof)                                      \
	static void name##_insertion(T *a, size_t n)                         \
	{                                                                    \
		size_t i, j;                                                 \
                                                                             \
		for (i = 1; i < n; i++) {                                    \
			T v = a[i];                                          \
			uint64_t k = keyof(&v);                              \
                                                                             \
			for (j = i; j > 0 && k < keyof(&a[j - 1]); j--)      \
				a[j] = a[j - 1];                             \
			a[j] = v;                                            \
		}                                                            \
	}                                                                    \
                                                                             \
	static void name##_pass(T *a, size_t n, int shift)                   \
	{                                                                    \
		size_t count[256] = { 0 }, next[256], end[256], i, at;       \
		int b;                                                       \
                                                                             \
		if (n <= SHORT_RUN) {                                        \
			name##_insertion(a, n);                              \
			return;                                              \
		}                                                            \
		for (i = 0; i < n; i++)                                      \
			count[keyof(&a[i]) >> shift & 0xff]++;               \
		for (b = 0, at = 0; b < 256; b++) {                          \
			next[b] = at;                                        \
			at += count[b];                                      \
			end[b] = at;                                         \
		}                                                            \
		for (b = 0; b < 256; b++) {                                  \
			while (next[b] < end[b]) {                           \
				T v = a[next[b]];                            \
				int d = (int)(keyof(&v) >> shift & 0xff);    \
                                                                             \
				while (d != b) {                             \
					T t = a[next[d]];                    \
                                                                             \
					a[next[d]++] = v;                    \
					v = t;                               \
					d = (int)(keyof(&v) >> shift & 0xff); \
				}                                            \
				a[next[b]++] = v;                            \
			}                                                    \
		}                                                            \
		if (shift == 0)                                              \
			return;                                              \
		for (b = 0, at = 0; b < 256; at += count[b++])               \
			if (count[b] > 1)                                    \
				name##_pass(a + at, count[b], shift - 8);    \
	}                                                                    \
                                                                             \
	static void name(T *a, size_t n)                                     \
	{                                                                    \
		uint64_t any = 0;                                            \
		size_t i;                                                    \
		int shift = 0;                                               \
                                                                             \
		for (i = 0; i < n; i++)                                      \
			any |= keyof(&a[i]);                                 \
		while (shift < 56 && any >> shift >> 8)                      \
			shift += 8;                                          \
		if (n > 1)                                                   \
			name##_pass(a, n, shift);                            \
	}

TYPED_RADIXSORT(sort_refs, struct lw_entry_ref, ref_key)
TYPED_RADIXSORT(sort_u64, uint64_t, u64_key)
TYPED_RADIXSORT(sort_u64_high, uint64_t, u64_high_key)

void lw_sort_refs(struct lw_entry_ref *refs, size_t n)
{
	sort_refs(refs, n);
}

void lw_sort_u64(uint64_t *v, size_t n)
{
	sort_u64(v, n);
}

void lw_sort_u64_high(uint64_t *v, size_t n)
{
	sort_u64_high(v, n);
}
