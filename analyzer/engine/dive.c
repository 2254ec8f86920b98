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

#define ABSENT (-1)

struct dive_path {
	uint64_t cumulative;
	uint64_t min;
	uint32_t count;
};

static int entry_cmp(const void *x, const void *y)
{
	const struct lw_entry *a = *(const struct lw_entry *const *)x;
	const struct lw_entry *b = *(const struct lw_entry *const *)y;

	if (a->path_id != b->path_id)
		return a->path_id < b->path_id ? -1 : 1;
	return a < b ? -1 : a > b; /* tar order: the last one wins */
}

static void visit(struct dive_path *dp, size_t rank, uint64_t size)
{
	struct dive_path *d = &dp[rank];

	if (d->count == 0 || size < d->min)
		d->min = size;
	d->cumulative += size;
	d->count++;
}

int lw_dive_compute(const struct lw_image *img, const struct lw_pathset *ps,
		    struct lw_dive *out, struct lw_error *err)
{
	/* stack[r]: dive's stacked tree before the current layer: the
	 * entry's size, or ABSENT. */
	int64_t *stack = malloc((ps->n + 1) * sizeof(*stack));
	uint8_t *dirs = calloc(ps->n + 1, 1);
	uint32_t *parented = calloc(ps->n + 1, sizeof(*parented));
	struct dive_path *dp = calloc(ps->n + 1, sizeof(*dp));
	/* Whiteouts of paths that no layer holds still count, once each. */
	uint64_t extra_cum = 0, extra_min = 0;
	const struct lw_entry **ents = NULL;
	size_t k, i, cap = 0;
	double denom, wasted = 0;

	memset(out, 0, sizeof(*out));
	if (!stack || !dp || !dirs || !parented) {
		free(parented);
		free(dirs);
		free(stack);
		free(dp);
		return lw_error_set(err, LW_ERR_NOMEM, "out of memory");
	}
	for (i = 0; i < ps->n; i++)
		stack[i] = ABSENT;
	for (k = 0; k < img->nlayers; k++) {
		const struct lw_layer_index *ix = img->layers[k].index;
		size_t n = 0;

		out->size_bytes += ix->file_bytes;
		if (k > 0)
			out->user_size_bytes += ix->file_bytes;
		if (ix->count > cap) {
			cap = ix->count;
			ents = realloc(ents, cap * sizeof(*ents));
			if (!ents) {
				free(parented);
				free(dirs);
				free(stack);
				free(dp);
				return lw_error_set(err, LW_ERR_NOMEM,
						    "out of memory");
			}
		}
		for (i = 0; i < ix->count; i++)
			if (ix->entries[i].type != LW_ENTRY_WHITEOUT &&
			    ix->entries[i].type != LW_ENTRY_OPAQUE)
				ents[n++] = &ix->entries[i];
		if (n)
			qsort(ents, n, sizeof(*ents), entry_cmp);
		/* A whiteout is a child node ".wh.NAME" of its directory in
		 * dive's tree, so that directory is no leaf. */
		for (i = 0; i < ix->count; i++) {
			const struct lw_entry *e = &ix->entries[i];
			const char *slash;
			char parent[LW_PATH_MAX];
			size_t lo, hi;

			if (e->type != LW_ENTRY_WHITEOUT)
				continue;
			slash = strrchr(e->path, '/');
			if (!slash)
				continue;
			snprintf(parent, sizeof(parent), "%.*s",
				 (int)(slash - e->path), e->path);
			lw_pathset_subtree(ps, parent, &lo, &hi);
			if (lo < hi && !strcmp(ps->paths[lo], parent))
				parented[lo] = (uint32_t)k + 1;
		}
		/* Leaves: the last entry of a path with no descendant in
		 * this layer (dive adds implied parents, never leaves). */
		for (i = 0; i < n; i++) {
			const struct lw_entry *e = ents[i];

			if (i + 1 < n && ents[i + 1]->path_id == e->path_id)
				continue;
			if (i + 1 < n && ents[i + 1]->path_id < ps->end[e->path_id])
				continue;
			if (parented[e->path_id] == (uint32_t)k + 1)
				continue;
			visit(dp, e->path_id, e->size);
		}
		for (i = 0; i < ix->count; i++) {
			const struct lw_entry *e = &ix->entries[i];
			size_t lo, hi, r;
			uint64_t sum = 0;
			int present = 0;

			if (e->type != LW_ENTRY_WHITEOUT)
				continue;
			lw_pathset_subtree(ps, e->path, &lo, &hi);
			for (r = lo; r < hi; r++) {
				if (stack[r] == ABSENT)
					continue;
				if (strcmp(ps->paths[r], e->path) == 0)
					present = 1;
				sum += (uint64_t)stack[r];
			}
			/* dive counts what a whiteout hid only when it was a
			 * directory entry: an implied parent has no FileInfo,
			 * so dive takes it for a file and counts 0. */
			if (!(present && dirs[lo]))
				sum = 0;
			if (lo < hi && !strcmp(ps->paths[lo], e->path)) {
				visit(dp, lo, sum);
			} else {
				extra_cum += sum;
				extra_min += sum;
			}
		}
		/* Stack this layer: whiteouts remove, entries add. */
		for (i = 0; i < ix->count; i++) {
			const struct lw_entry *e = &ix->entries[i];
			size_t lo, hi, r;

			if (e->type != LW_ENTRY_WHITEOUT)
				continue;
			lw_pathset_subtree(ps, e->path, &lo, &hi);
			for (r = lo; r < hi; r++)
				stack[r] = ABSENT;
		}
		for (i = 0; i < ix->count; i++) {
			const struct lw_entry *e = &ix->entries[i];

			if (e->type != LW_ENTRY_WHITEOUT &&
			    e->type != LW_ENTRY_OPAQUE) {
				stack[e->path_id] = (int64_t)e->size;
				dirs[e->path_id] = e->type == LW_ENTRY_DIR;
			}
		}
	}
	{
		double cum = (double)extra_cum, min = (double)extra_min;

		for (i = 0; i < ps->n; i++) {
			cum += (double)dp[i].cumulative;
			min += (double)dp[i].min;
			if (dp[i].count >= 2)
				wasted += (double)dp[i].cumulative;
		}
		out->efficiency = cum > 0 ? min / cum : 1.0;
	}
	out->wasted_bytes = (uint64_t)wasted;
	denom = (double)out->user_size_bytes;
	out->user_wasted_percent = denom > 0 ? wasted / denom : 0.0;
	free(ents);
	free(parented);
	free(dirs);
	free(stack);
	free(dp);
	return LW_OK;
}
