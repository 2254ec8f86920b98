/* Test support: images of tarbuild layers, analysed by the real engine,
 * for the suites that check the analysis (engine, dive). */
#ifndef LW_TEST_ANALYSED_H
#define LW_TEST_ANALYSED_H

#include <stddef.h>

#include "layerwaste/engine.h"
#include "layerwaste/read.h"
#include "tarbuild.h"

struct lwt_run {
	struct lw_image *img;
	struct lw_analysis *an;
};

/* layers[0..n) each a new, empty layer. */
void lwt_new_layers(struct tb_layer **layers, size_t n);
/* layers[0..n) (taken) as an image (tb_image), analysed with
 * find_duplicates = dups and jobs 0; fails the test unless lw_analyze
 * gives LW_OK. Free with lwt_run_free. */
struct lwt_run lwt_analyze(struct tb_layer **layers, size_t n, int dups);
void lwt_run_free(struct lwt_run *r);

#endif
