#include <check.h>
#include <string.h>

#include "analysed.h"

void lwt_new_layers(struct tb_layer **layers, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		layers[i] = tb_layer_new();
}

struct lwt_run lwt_analyze(struct tb_layer **layers, size_t n, int dups)
{
	struct lw_analyze_opts opts = { .find_duplicates = dups, .jobs = 0 };
	struct lw_error err;
	struct lwt_run r;

	memset(&err, 0, sizeof(err));
	r.img = tb_image(layers, n);
	r.an = NULL;
	ck_assert_msg(lw_analyze(r.img, &opts, &r.an, &err) == LW_OK,
		      "lw_analyze: %s", err.msg);
	return r;
}

void lwt_run_free(struct lwt_run *r)
{
	lw_analysis_free(r->an);
	tb_image_free(r->img);
}
