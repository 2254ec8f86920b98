/* The terminal form of `layerwaste inspect`: what the archive holds, how
 * each layer is stored, with no waste figures. Also the image and warning
 * blocks that the waste report shares. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/checks.h"
#include "layerwaste/dockerfile.h"
#include "layerwaste/read.h"
#include "layerwaste/util.h"
#include "layerwaste/render.h"
#include "render_priv.h"

#define MAX_WARNINGS 5

void lwr_text_image(struct lwr_line *l, const struct lw_image *img)
{
	struct lw_strbuf tags = LW_STRBUF_INIT;
	const char *comp = lw_compression_name(img->outer_compression);
	size_t i;

	lwr_line_add(l, "Image    ");
	lwr_line_esc(l, img->source, -1, 1);
	lwr_line_end(l);
	lwr_line_add(l, "Format   ");
	lwr_line_esc(l, img->format ? img->format : "unknown", -1, 0);
	if (img->outer_compression != LW_COMP_NONE && comp)
		lwr_line_addf(l, ", %s-compressed", comp);
	lwr_line_end(l);
	lwr_line_add(l, "Platform ");
	lwr_line_esc(l, img->platform ? img->platform : "unknown", -1, 0);
	lwr_line_end(l);
	for (i = 0; i < img->ntags; i++) {
		if (i)
			lw_strbuf_adds(&tags, ", ");
		lw_strbuf_adds(&tags, img->tags[i] ? img->tags[i] : "");
	}
	lwr_line_add(l, "Tags     ");
	lwr_line_esc(l, img->ntags ? tags.buf : "none", -1, 0);
	lwr_line_end(l);
	lwr_line_add(l, "Config   ");
	lwr_line_esc(l, img->config_digest ? img->config_digest : "unknown",
		     -1, 0);
	lwr_line_end(l);
	/* The base the OCI annotations name: which image, not which
	 * layers (--base or an aligned --dockerfile tells those). */
	if (img->base_name || img->base_digest) {
		lwr_line_add(l, "Base     ");
		if (img->base_name) {
			lwr_line_esc(l, img->base_name, -1, 0);
			lwr_line_add(l, " ");
		}
		lwr_line_add(l, "(annotation");
		if (img->base_digest) {
			/* "sha256:" and 12 digits, as docker shows ids. */
			char shortd[64];

			snprintf(shortd, sizeof(shortd), "%.*s",
				 (int)(strcspn(img->base_digest, ":") + 13),
				 img->base_digest);
			lwr_line_add(l, img->base_name ? ", " : " ");
			lwr_line_esc(l, shortd, -1, 0);
		}
		lwr_line_add(l, ")");
		lwr_line_end(l);
	}
	lwr_line_addf(l, "Layers   %zu", img->nlayers);
	lwr_line_end(l);
	lw_strbuf_release(&tags);
}

void lwr_text_warnings(struct lwr_line *l, const struct lw_warnings *a,
		       const struct lw_warnings *b)
{
	const struct lw_warnings *w[2] = { a, b };
	size_t total = 0, shown = 0, i, j;

	for (j = 0; j < 2; j++)
		total += w[j] ? w[j]->total : 0;
	if (total == 0)
		return;
	lwr_line_end(l);
	lwr_line_sgr(l, LWR_BOLD);
	lwr_line_addf(l, "Warnings: %zu", total);
	lwr_line_sgr(l, LWR_RESET);
	lwr_line_end(l);
	for (j = 0; j < 2; j++) {
		for (i = 0; w[j] && i < w[j]->count && shown < MAX_WARNINGS;
		     i++) {
			lwr_line_add(l, "  ");
			lwr_line_esc(l, w[j]->items[i], -1, 0);
			lwr_line_end(l);
			shown++;
		}
	}
	if (total > shown) {
		lwr_line_addf(l, "  ... and %zu more", total - shown);
		lwr_line_end(l);
	}
}

/* " name    value", the value escaped and cut at its end. A digest
 * ("sha256:" and 64 hex digits) just fits in 80 columns. */
static void detail(struct lwr_line *l, const char *name, const char *value)
{
	lwr_line_addf(l, " %-8s", name);
	lwr_line_esc(l, value ? value : "-", -1, 0);
	lwr_line_end(l);
}

static void inspect_layer(struct lwr_line *l, const struct lw_image *img,
			  size_t i, const struct lw_render_opts *o)
{
	const struct lw_layer *ly = &img->layers[i];
	const struct lw_layer_index *ix = ly->index;
	const char *comp = lw_compression_name(ly->compression);
	char a[32], b[32], *history;

	lwr_line_sgr(l, LWR_BOLD);
	lwr_line_addf(l, "Layer %zu", i);
	lwr_line_sgr(l, LWR_RESET);
	lwr_line_end(l);
	lwr_line_addf(l, " %-8s", "stored");
	if (ly->compression == LW_COMP_NONE)
		lwr_line_addf(l, "%s, uncompressed",
			      lwr_size(o, ly->compressed_bytes, a, sizeof(a)));
	else
		lwr_line_addf(l, "%s, %s (%s as tar)",
			      lwr_size(o, ly->compressed_bytes, a, sizeof(a)),
			      comp ? comp : "?",
			      lwr_size(o, ly->tar_bytes, b, sizeof(b)));
	lwr_line_end(l);
	if (ix) {
		lwr_line_addf(l, " %-8s%zu entr%s, %s in %" PRIu64 " file%s",
			      "content", ix->count,
			      ix->count == 1 ? "y" : "ies",
			      lwr_size(o, ix->file_bytes, a, sizeof(a)),
			      ix->file_count, ix->file_count == 1 ? "" : "s");
		lwr_line_end(l);
	}
	detail(l, "digest", ly->digest);
	detail(l, "diff_id", ly->diff_id);
	detail(l, "member", ly->member);
	history = lw_redact_history(ly->history ? ly->history->created_by :
				    NULL);
	detail(l, "history", history);
	free(history);
}

int lw_render_inspect_text(FILE *f, const struct lw_image *img,
			   const struct lw_render_opts *opts)
{
	struct lw_render_opts o = lwr_opts(opts);
	struct lwr_line l;
	size_t i;

	lwr_line_init(&l, f, &o);
	lwr_text_image(&l, img);
	for (i = 0; i < img->nlayers; i++) {
		lwr_line_end(&l);
		inspect_layer(&l, img, i, &o);
	}
	lwr_text_warnings(&l, &img->warnings, NULL);
	lwr_line_release(&l);
	return lwr_finish(f);
}
