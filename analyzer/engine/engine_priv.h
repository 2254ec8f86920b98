/* Shared by the engine stage's files: the set of every path of an image,
 * and dive's figures. Private to analyzer/engine/. */
#ifndef LAYERWASTE_ENGINE_PRIV_H
#define LAYERWASTE_ENGINE_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "layerwaste/engine.h"
#include "layerwaste/read.h"

/* Every entry of an image numbered in 32 bits, layer after layer: layer
 * k's entry i is first[k] + i. Holding a number instead of a (layer,
 * entry) pair halves the engine's arrays of them. */
struct lw_numbering {
	const struct lw_image *img;
	uint32_t *first;  /* img->nlayers + 1 of them */
	uint32_t *blocks; /* the layer of number b << LW_NUM_BLOCK_BITS */
	struct lw_entry **entries; /* each layer's, borrowed */
};

#define LW_NUM_BLOCK_BITS 16
/* No entry has this number. */
#define LW_NUM_NONE UINT32_MAX

/* Numbers img's entries. Returns LW_OK, or LW_ERR_INPUT when the image
 * has LW_NUM_NONE entries or more, or LW_ERR_NOMEM, with err filled. */
int lw_numbering_init(struct lw_numbering *nb, const struct lw_image *img,
		      struct lw_error *err);
void lw_numbering_release(struct lw_numbering *nb);

/* The layer of entry number num (< the number of entries). */
static inline uint32_t lw_num_layer(const struct lw_numbering *nb,
				    uint32_t num)
{
	uint32_t k = nb->blocks[num >> LW_NUM_BLOCK_BITS];

	while (num >= nb->first[k + 1])
		k++;
	return k;
}

/* Its entry. */
static inline struct lw_entry *lw_num_entry(const struct lw_numbering *nb,
					    uint32_t num)
{
	uint32_t k = lw_num_layer(nb, num);

	return &nb->entries[k][num - nb->first[k]];
}

/* The number of layer k's entry i. */
static inline uint32_t lw_num_of(const struct lw_numbering *nb, uint32_t k,
				 uint32_t i)
{
	return nb->first[k] + i;
}

/* A whiteout or opaque marker and the ranks it covers: those of its
 * path and everything under it, [lo, hi). */
struct lw_mark {
	uint32_t layer, entry;
	uint32_t lo, hi;
	uint32_t parent; /* a whiteout's directory's rank, or UINT32_MAX
			    when the set lacks it (or it is the root) */
	uint8_t self;    /* the rank at lo is the marker's own path */
};

/* Every path of an image once, in tree order (lw_path_cmp), so that a
 * directory's subtree is a range of ranks. Entries carry their rank in
 * path_id; markers, which have none, have their ranges in marks. */
struct lw_pathset {
	const struct lw_numbering *nb;
	uint32_t *paths;    /* the number of an entry of each path; freed
			       once marks are made */
	/* Where each path's subtree ends (exclusive): lw_pathset_end().
	 * Most paths have none under them, their end the next rank; the
	 * others, inner, are marked in a bit each and their ends listed in
	 * rank order, so that ends take some 0.3 bytes a path, not 4. */
	uint64_t *inner;       /* a bit per rank */
	uint32_t *inner_before; /* per word of inner: inner ranks before it */
	uint32_t *inner_end;   /* the end of each inner rank, in rank order */
	size_t n;
	struct lw_mark *marks; /* every layer's, by layer then entry */
	size_t nmarks;
};

/* An entry of rank r's path (while ps->paths is). */
static inline const struct lw_entry *
lw_pathset_entry(const struct lw_pathset *ps, size_t r)
{
	return lw_num_entry(ps->nb, ps->paths[r]);
}

/* The end of rank r's subtree: the first rank after r not under r. */
static inline size_t lw_pathset_end(const struct lw_pathset *ps, size_t r)
{
	uint64_t w = ps->inner[r / 64], bit = (uint64_t)1 << (r % 64);

	if (!(w & bit))
		return r + 1;
	return ps->inner_end[ps->inner_before[r / 64] +
			     (size_t)__builtin_popcountll(w & (bit - 1))];
}

/* Frees ps's ends. */
void lw_pathset_release_ends(struct lw_pathset *ps);

/* Where layer k's marks start in ps->marks (they run while their layer
 * is k). */
size_t lw_pathset_marks_of(const struct lw_pathset *ps, uint32_t k);

/* The ranks of path[0..len) and everything under it, [*lo, *hi), whether
 * or not path itself is in the set. "" is the root: everything. */
void lw_pathset_subtree(const struct lw_pathset *ps, const char *path,
			size_t len, size_t *lo, size_t *hi);

/* lw_pathset_subtree() of e's path; *self is whether the set's entry at
 * *lo has that very path. */
void lw_pathset_subtree_of(const struct lw_pathset *ps,
			   const struct lw_entry *e, size_t *lo, size_t *hi,
			   int *self);

/* Sorts base[0..n) of elements of size bytes as qsort() does, in place:
 * no buffer as large as the array (see pathset.c). Not stable. */
void lw_sort(void *base, size_t n, size_t size,
	     int (*cmp)(const void *, const void *));

/* lw_sort(refs, n, sizeof(*refs), cmp) with cmp ordering by layer, then
 * entry; lw_sort of 64-bit values in their order; and of 64-bit values by
 * their high halves alone (equal halves in no particular order, as
 * lw_sort leaves them, but not always in the same places). In place,
 * nothing allocated: radix sorts (pathset.c). */
void lw_sort_refs(struct lw_entry_ref *refs, size_t n);
void lw_sort_u64(uint64_t *v, size_t n);
void lw_sort_u64_high(uint64_t *v, size_t n);

/* Sorts a[0..n) of ids by cmp, a strict order on them (no two ids
 * compare equal, so the result is the one order qsort() gives too), when
 * the ids come as at most max_runs ascending runs: the runs are found,
 * then merged pairwise between a and tmp (the caller's, n ids). Returns
 * the array holding the sorted ids (a or tmp; the other holds leftovers),
 * or NULL, a untouched, when there are more runs than max_runs or the
 * run list cannot be allocated: then the caller sorts another way. */
uint32_t *lw_sort_runs(uint32_t *a, uint32_t *tmp, size_t n,
		       size_t max_runs,
		       int (*cmp)(uint32_t x, uint32_t y, const void *ctx),
		       const void *ctx);

/* dive's efficiency figures, by dive's rules (dive.c). */
int lw_dive_compute(const struct lw_image *img, const struct lw_pathset *ps,
		    struct lw_dive *out, struct lw_error *err);

#endif
