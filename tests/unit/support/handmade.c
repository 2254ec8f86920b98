#include <check.h>
#include <string.h>

#include "layerwaste/index.h"
#include "handmade.h"

void lwt_image_by_hand(struct lw_image *img, struct lw_layer *layers,
		       struct lw_layer_index *ix, size_t n,
		       struct lw_history *hist, size_t nhist)
{
	size_t i;

	memset(img, 0, sizeof(*img));
	for (i = 0; i < n; i++) {
		memset(&ix[i], 0, sizeof(ix[i]));
		memset(&layers[i], 0, sizeof(layers[i]));
		layers[i].index = &ix[i];
		layers[i].history = i < nhist ? &hist[i] : NULL;
	}
	img->layers = layers;
	img->nlayers = n;
	img->history = hist;
	img->nhistory = nhist;
}

char *lwt_render(lwt_render_fn fn, const struct lw_result *res,
		 const struct lw_render_opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fn(f, res, o), 0);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

json_t *lwt_parse_json(const char *text)
{
	json_error_t e;
	json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &e);

	ck_assert_msg(doc != NULL, "bad JSON at line %d: %s", e.line, e.text);
	return doc;
}
