/* Test support: images whose install steps rewrite a dpkg database, read
 * by the real reader from a docker-archive and aligned with their
 * Dockerfile (so that the base layer is known), for the suites that
 * check how the package database's one cause is shown (the browser's
 * view model, the HTML page). */
#ifndef LW_TEST_PKGDBIMAGE_H
#define LW_TEST_PKGDBIMAGE_H

#include <stddef.h>

#include "layerwaste/attrib.h"
#include "layerwaste/engine.h"
#include "layerwaste/read.h"
#include "layerwaste/render.h"

struct lwt_pkgdb {
	struct lw_image *img;
	struct lw_analysis *an;
	struct lw_attribution *at;
	struct lw_result res; /* image, analysis, attribution */
	size_t status_bytes[4]; /* the status's size after 0..3 installs */
};

/* Layer 0 is the base (a dpkg status, dpkg's lock file, /app/data); then
 * `steps` install steps (1, 2 or 3) that each store the status with one
 * more package, the lock file again (the same bytes: a touch) and the
 * package's file, an ENV between the first two; then a RUN chown of
 * /app/data (other waste, of no package). With merged, one RUN installs
 * the three packages instead. The Dockerfile's lines: 1 FROM, 2 RUN, 3
 * ENV, 4 RUN, 5 RUN (steps 1..3), then the chown. Fails the test on any
 * error. Free with lwt_pkgdb_free. */
void lwt_pkgdb_image(struct lwt_pkgdb *p, int steps, int merged);
void lwt_pkgdb_free(struct lwt_pkgdb *p);

#endif
