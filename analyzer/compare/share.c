/* The layers several images share (`layerwaste share`): what each stores
 * that no other does, and the base layers all have in common. Layers are
 * the same when their diff_ids are. */
#include <stdlib.h>
#include <string.h>

#include "layerwaste/compare.h"

#define WORD_BITS 64

static int holds(const struct lw_share_layer *l, size_t img)
{
	return (l->in[img / WORD_BITS] >> (img % WORD_BITS)) & 1;
}

/* The distinct layer for diff_id, made when first seen. */
static struct lw_share_layer *layer_for(struct lw_share *s, size_t *cap,
					const struct lw_snap_layer *sl,
					size_t img, size_t words)
{
	struct lw_share_layer *l;
	size_t i;

	for (i = 0; sl->diff_id && i < s->nlayers; i++)
		if (s->layers[i].diff_id &&
		    !strcmp(s->layers[i].diff_id, sl->diff_id))
			return &s->layers[i];
	lw_grow((void **)&s->layers, cap, s->nlayers + 1, sizeof(*l));
	l = &s->layers[s->nlayers++];
	memset(l, 0, sizeof(*l));
	l->diff_id = sl->diff_id;
	l->bytes = sl->total_bytes;
	l->compressed_bytes = sl->compressed_bytes;
	l->instruction = sl->instruction;
	l->first_image = img;
	l->order = s->nlayers - 1;
	l->in = lw_xcalloc(words, sizeof(*l->in));
	return l;
}

static int by_bytes(const void *pa, const void *pb)
{
	const struct lw_share_layer *a = pa, *b = pb;

	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	if (a->first_image != b->first_image)
		return a->first_image < b->first_image ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

void lw_share_compute(const struct lw_snapshot *const *snaps, size_t n,
		      struct lw_share **out)
{
	struct lw_share *s = lw_xcalloc(1, sizeof(*s));
	size_t words = (n + WORD_BITS - 1) / WORD_BITS + 1;
	size_t cap = 0, i, j, k, nolayer = 0;
	struct lw_share_layer *l;
	struct lw_share_image *im;
	const char *id;

	s->images = lw_xcalloc(n + 1, sizeof(*s->images));
	s->nimages = n;
	for (i = 0; i < n; i++) {
		s->images[i].snap = snaps[i];
		for (j = 0; j < snaps[i]->nlayers; j++) {
			if (!snaps[i]->layers[j].diff_id)
				nolayer++;
			l = layer_for(s, &cap, &snaps[i]->layers[j], i, words);
			if (holds(l, i))
				continue; /* the same layer twice in one image */
			l->in[i / WORD_BITS] |= (uint64_t)1 << (i % WORD_BITS);
			l->images++;
		}
	}
	if (nolayer)
		lw_warnings_add(&s->notes, "%zu layer%s without a diff_id, "
				"counted as their image's own", nolayer,
				lw_plural(nolayer));
	for (k = 0; k < s->nlayers; k++) {
		l = &s->layers[k];
		s->stored_bytes += l->bytes;
		s->sum_bytes += l->bytes * l->images;
		if (l->images > 1) {
			s->shared_layers++;
			s->shared_bytes += l->bytes;
		}
		for (i = 0; i < n; i++) {
			if (!holds(l, i))
				continue;
			im = &s->images[i];
			im->total_bytes += l->bytes;
			if (l->images > 1) {
				im->shared_bytes += l->bytes;
				im->shared_layers++;
			} else {
				im->unique_bytes += l->bytes;
				im->unique_layers++;
			}
		}
	}
	/* The common base: the leading layers every image has, in order. */
	for (j = 0; n; j++) {
		if (j >= snaps[0]->nlayers || !(id = snaps[0]->layers[j].diff_id))
			break;
		for (i = 1; i < n; i++)
			if (j >= snaps[i]->nlayers ||
			    !snaps[i]->layers[j].diff_id ||
			    strcmp(snaps[i]->layers[j].diff_id, id))
				break;
		if (i < n)
			break;
		s->common_base++;
		s->common_base_bytes += snaps[0]->layers[j].total_bytes;
	}
	if (s->nlayers > 1)
		qsort(s->layers, s->nlayers, sizeof(*s->layers), by_bytes);
	*out = s;
}

void lw_share_free(struct lw_share *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nlayers; i++)
		free(s->layers[i].in);
	free(s->layers);
	free(s->images);
	lw_warnings_release(&s->notes);
	free(s);
}
