/* Test support: images, analyses and results built by hand, rendered into
 * memory and read back, for the renderer suites (render, ciformats). */
#ifndef LW_TEST_HANDMADE_H
#define LW_TEST_HANDMADE_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "layerwaste/read.h"
#include "layerwaste/render.h"

typedef int (*lwt_render_fn)(FILE *, const struct lw_result *,
			     const struct lw_render_opts *);

/* img made of layers[0..n): img, layers and ix[0..n) zeroed, layer i
 * indexed by ix[i] and paired with hist[i] while i < nhist (NULL after),
 * img's history hist[0..nhist). All borrowed; the caller fills the rest. */
void lwt_image_by_hand(struct lw_image *img, struct lw_layer *layers,
		       struct lw_layer_index *ix, size_t n,
		       struct lw_history *hist, size_t nhist);

/* What fn writes for res with o, as a string (free it); fails the test
 * unless fn returns 0 and the stream closes cleanly. */
char *lwt_render(lwt_render_fn fn, const struct lw_result *res,
		 const struct lw_render_opts *o);

/* text parsed as JSON, duplicate keys rejected (json_decref it); fails the
 * test, naming the line, when it does not parse. */
json_t *lwt_parse_json(const char *text);

#endif
