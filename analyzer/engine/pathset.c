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
			size_t *lo, size_t *hi)
{
	size_t a = 0, b = ps->n, n = strlen(path);

	if (n == 0) {
		*lo = 0;
		*hi = ps->n;
		return;
	}
	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (lw_path_cmp(ps->paths[mid], path) < 0)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	b = ps->n;
	while (a < b) {
		size_t mid = a + (b - a) / 2;
		const char *p = ps->paths[mid];

		if (!strncmp(p, path, n) && (p[n] == '\0' || p[n] == '/'))
			a = mid + 1;
		else
			b = mid;
	}
	*hi = a;
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
