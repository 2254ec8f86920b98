/* dive's figures, reproduced by its rules so users can compare:
 * - every leaf node of every layer's tree adds to its path's "cumulative
 *   size"; a whiteout adds the size of what it hid if that was a directory
 *   in dive's stacked tree, else 0; opaque markers are ignored;
 * - a path seen in two or more layers is "inefficient": its whole
 *   cumulative size, the copy kept included, is wasted;
 * - efficiency = sum of each path's smallest size / sum of cumulative
 *   sizes; user wasted percent = wasted / size of all layers but the first.
 * dive v0.13 (filetree/efficiency.go) is the reference. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_priv.h"

/* Per path, in one byte: whether the stacked tree holds a directory
 * there, and how often the path was a leaf (0, 1, 2 or more). */
#define DIR_BIT 1u
#define SEEN_ONE 2u
#define SEEN_MANY 4u

/* A size per path in 4 bytes: a size of 4 GiB - 2 or more is kept in a
 * table beside the array, its slot saying BIG. ABSENT is no size at
 * all. */
#define ABSENT UINT32_MAX
#define BIG (UINT32_MAX - 1)

struct sizes {
	uint32_t *v;
	/* The large ones, by rank + 1 (0: an empty slot). */
	uint32_t *keys;
	uint64_t *vals;
	size_t nbig, tabsize;
};

static size_t big_slot(const struct sizes *s, size_t r)
{
	size_t mask = s->tabsize - 1;
	size_t i = (r * 0x9E3779B97F4A7C15ull >> 20) & mask;

	while (s->keys[i] && s->keys[i] != r + 1)
		i = (i + 1) & mask;
	return i;
}

static uint64_t sizes_get(const struct sizes *s, size_t r)
{
	uint32_t v = s->v[r];

	return v < BIG ? v : s->vals[big_slot(s, r)];
}

/* Returns 0, or -1 on out of memory. */
static int sizes_set(struct sizes *s, size_t r, uint64_t size)
{
	size_t i;

	if (size < BIG) {
		s->v[r] = (uint32_t)size;
		return 0;
	}
	if ((s->nbig + 1) * 2 > s->tabsize) {
		struct sizes old = *s;
		size_t size2 = s->tabsize ? s->tabsize * 2 : 64;

		s->keys = calloc(size2, sizeof(*s->keys));
		s->vals = malloc(size2 * sizeof(*s->vals));
		if (!s->keys || !s->vals) {
			free(s->keys);
			free(s->vals);
			*s = old;
			return -1;
		}
		s->tabsize = size2;
		for (i = 0; i < old.tabsize; i++)
			if (old.keys[i]) {
				size_t j = big_slot(s, old.keys[i] - 1);

				s->keys[j] = old.keys[i];
				s->vals[j] = old.vals[i];
			}
		free(old.keys);
		free(old.vals);
	}
	i = big_slot(s, r);
	if (!s->keys[i]) {
		s->keys[i] = (uint32_t)(r + 1);
		s->nbig++;
	}
	s->vals[i] = size;
	s->v[r] = BIG;
	return 0;
}

static void sizes_release(struct sizes *s)
{
	free(s->v);
	free(s->keys);
	free(s->vals);
}

struct dive_sums {
	double cumulative; /* every leaf's size */
	double wasted;     /* the cumulative size of paths seen twice or more */
	struct sizes min;  /* per path: its smallest size */
	uint8_t *bits;     /* per path: DIR_BIT, SEEN_* */
	int nomem;
};

static int rank_cmp(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

/* A path's leaf of the given size: its cumulative size grows by it, and
 * once the path is seen twice its whole cumulative size is wasted (the
 * first size, which min holds until then, and every later one). */
static void visit(struct dive_sums *s, size_t rank, uint64_t size)
{
	uint8_t *b = &s->bits[rank];

	s->cumulative += (double)size;
	if (!(*b & (SEEN_ONE | SEEN_MANY))) {
		s->nomem |= sizes_set(&s->min, rank, size);
		*b |= SEEN_ONE;
		return;
	}
	if (*b & SEEN_ONE) {
		s->wasted += (double)sizes_get(&s->min, rank);
		*b = (uint8_t)((*b & ~SEEN_ONE) | SEEN_MANY);
	}
	s->wasted += (double)size;
	if (size < sizes_get(&s->min, rank))
		s->nomem |= sizes_set(&s->min, rank, size);
}

/* The ranks of the directories that hold a whiteout of layer ix, sorted:
 * a whiteout is a child node ".wh.NAME" of its directory in dive's tree,
 * so that directory is no leaf. */
static size_t whiteout_parents(const struct lw_image *img,
			       const struct lw_pathset *ps, uint32_t k,
			       uint32_t **out)
{
	const struct lw_entry *entries = img->layers[k].index->entries;
	size_t i, n = 0, cap = 0;
	uint32_t *r = NULL;

	for (i = lw_pathset_marks_of(ps, k);
	     i < ps->nmarks && ps->marks[i].layer == k; i++) {
		const struct lw_mark *m = &ps->marks[i];

		if (entries[m->entry].type != LW_ENTRY_WHITEOUT ||
		    m->parent == UINT32_MAX)
			continue;
		lw_grow((void **)&r, &cap, n + 1, sizeof(*r));
		r[n++] = m->parent;
	}
	if (n > 1)
		qsort(r, n, sizeof(*r), rank_cmp);
	*out = r;
	return n;
}

/* The first marked rank in [from, n), or n. */
static size_t next_mark(const uint64_t *bits, size_t from, size_t n)
{
	size_t w = from / 64;
	uint64_t word;

	if (from >= n)
		return n;
	word = bits[w] & (~(uint64_t)0 << (from % 64));
	while (!word) {
		if (++w > (n - 1) / 64)
			return n;
		word = bits[w];
	}
	from = w * 64 + (size_t)__builtin_ctzll(word);
	return from < n ? from : n;
}

static int is_parent(const uint32_t *parents, size_t n, uint32_t rank)
{
	return n && bsearch(&rank, parents, n, sizeof(*parents), rank_cmp);
}

int lw_dive_compute(const struct lw_image *img, const struct lw_pathset *ps,
		    struct lw_dive *out, struct lw_error *err)
{
	/* stack: dive's stacked tree before the current layer, each
	 * path's entry's size or ABSENT. */
	struct sizes stack = { .v = malloc((ps->n + 1) * sizeof(*stack.v)) };
	struct dive_sums sums = {
		.min = { .v = calloc(ps->n + 1, sizeof(*sums.min.v)) },
		.bits = calloc(ps->n + 1, 1),
	};
	/* Whiteouts of paths that no layer holds still count, once each. */
	uint64_t extra_cum = 0, extra_min = 0;
	/* The paths of the current layer, a bit each. */
	uint64_t *here = calloc(ps->n / 64 + 1, sizeof(*here));
	size_t k, i;
	double denom, min;
	int rc = LW_OK;

	memset(out, 0, sizeof(*out));
	if (!stack.v || !sums.min.v || !sums.bits || !here) {
		rc = lw_error_set(err, LW_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < ps->n; i++)
		stack.v[i] = ABSENT;
	for (k = 0; k < img->nlayers; k++) {
		const struct lw_layer_index *ix = img->layers[k].index;
		uint32_t *parents;
		size_t nparents, first;

		out->size_bytes += ix->file_bytes;
		if (k > 0)
			out->user_size_bytes += ix->file_bytes;
		nparents = whiteout_parents(img, ps, (uint32_t)k, &parents);
		first = lw_pathset_marks_of(ps, (uint32_t)k);
		/* What this layer's whiteouts hid, from the tree before it. */
		for (i = first; i < ps->nmarks && ps->marks[i].layer == k;
		     i++) {
			const struct lw_mark *m = &ps->marks[i];
			size_t lo = m->lo, hi = m->hi, r;
			uint64_t sum = 0;
			int present = 0, self = m->self;

			if (ix->entries[m->entry].type != LW_ENTRY_WHITEOUT)
				continue;
			for (r = lo; r < hi; r++) {
				if (stack.v[r] == ABSENT)
					continue;
				/* Only the first of the range can be e's. */
				if (r == lo && self)
					present = 1;
				sum += sizes_get(&stack, r);
			}
			/* dive counts what a whiteout hid only when it was a
			 * directory entry: an implied parent has no FileInfo,
			 * so dive takes it for a file and counts 0. */
			if (!(present && (sums.bits[lo] & DIR_BIT)))
				sum = 0;
			if (self) {
				visit(&sums, lo, sum);
			} else {
				extra_cum += sum;
				extra_min += sum;
			}
		}
		/* Stack this layer: whiteouts remove, entries add (the last
		 * of a path in tar order wins), and mark its paths. */
		for (i = first; i < ps->nmarks && ps->marks[i].layer == k;
		     i++) {
			const struct lw_mark *m = &ps->marks[i];
			size_t r;

			if (ix->entries[m->entry].type != LW_ENTRY_WHITEOUT)
				continue;
			for (r = m->lo; r < m->hi; r++)
				stack.v[r] = ABSENT;
		}
		for (i = 0; i < ix->count; i++) {
			const struct lw_entry *e = &ix->entries[i];
			uint8_t *b = &sums.bits[e->path_id];

			if (e->type != LW_ENTRY_WHITEOUT &&
			    e->type != LW_ENTRY_OPAQUE) {
				sums.nomem |= sizes_set(&stack, e->path_id,
							e->size);
				*b = (uint8_t)((*b & ~DIR_BIT) |
					       (e->type == LW_ENTRY_DIR ?
						DIR_BIT : 0));
				here[e->path_id / 64] |=
					(uint64_t)1 << (e->path_id % 64);
			}
		}
		/* Leaves: a path of this layer with no descendant in it (dive
		 * adds implied parents, never leaves), its last entry's size.
		 * The marks are cleared on the way. */
		{
			size_t r = next_mark(here, 0, ps->n);

			while (r < ps->n) {
				size_t next = next_mark(here, r + 1, ps->n);

				here[r / 64] &= ~((uint64_t)1 << (r % 64));
				if (next >= lw_pathset_end(ps, r) &&
				    !is_parent(parents, nparents, (uint32_t)r))
					visit(&sums, r,
					      sizes_get(&stack, r));
				r = next;
			}
		}
		free(parents);
	}
	if (sums.nomem) {
		rc = lw_error_set(err, LW_ERR_NOMEM, "out of memory");
		goto out;
	}
	min = (double)extra_min;
	for (i = 0; i < ps->n; i++)
		min += (double)sizes_get(&sums.min, i);
	sums.cumulative += (double)extra_cum;
	out->efficiency = sums.cumulative > 0 ? min / sums.cumulative : 1.0;
	out->wasted_bytes = (uint64_t)sums.wasted;
	denom = (double)out->user_size_bytes;
	out->user_wasted_percent = denom > 0 ? sums.wasted / denom : 0.0;
out:
	free(here);
	sizes_release(&stack);
	sizes_release(&sums.min);
	free(sums.bits);
	return rc;
}
