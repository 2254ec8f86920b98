/* Layer indexing (in parallel, from mapped bytes) and content access. */
#ifndef LAYERWASTE_LAYERS_H
#define LAYERWASTE_LAYERS_H

#include <pthread.h>

#include "source.h"

struct lw_cache;

struct lw_image_priv {
	struct lw_source src;
	struct lw_stream_opts stream_opts;
	/* Distinct indexes, owned; layers point into this list. */
	struct lw_layer_index **indexes;
	size_t nindexes;
	/* Per layer: its uncompressed mapped bytes, or NULL. */
	const unsigned char **bases;
	/* Progress, serialised. */
	pthread_mutex_t lock;
	void (*progress)(void *ctx, const struct lw_progress *p);
	void *progress_ctx;
	struct lw_progress prog;
	uint64_t *job_bytes;
	size_t max_entries;
	uint64_t max_bytes;
	uint64_t max_memory; /* --max-memory, never 0 */
	int plain;
	int verify; /* --verify */
	struct lw_cache *cache; /* owned (cache.h), or NULL */
};

void lw_layers_progress_init(struct lw_image_priv *priv,
			     const struct lw_read_opts *o);
/* Indexes every layer of img from src: taken from the stream's members, or
 * read from mapped blobs by o->jobs threads. */
int lw_layers_index(struct lw_image *img, struct lw_source *src,
		    const struct lw_read_opts *o, struct lw_error *err);
void lw_layers_release(struct lw_image_priv *priv);

#endif
