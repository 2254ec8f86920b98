/* What the renderers of a comparison share (cmp_out.c): signed sizes,
 * Dockerfile places, the headline. Private to analyzer/render. */
#ifndef LAYERWASTE_CMP_OUT_H
#define LAYERWASTE_CMP_OUT_H

#include <stdint.h>

#include "layerwaste/compare.h"
#include "layerwaste/render.h"
#include "layerwaste/util.h"

/* "+1.2 MB", "-300 B", "0 B" (exact bytes with o->exact_bytes). */
const char *lwr_signed_size(const struct lw_render_opts *o, int64_t v,
			    char *buf, size_t size);
/* "+18.2 %" of v over base; "" when base is 0. */
const char *lwr_signed_percent(int64_t v, uint64_t base, char *buf,
			       size_t size);
/* "Dockerfile:17" (the path relative to the working directory), raw;
 * nothing when file is NULL or line is 0. Returns 1 when it wrote. */
int lwr_place(struct lw_strbuf *sb, const char *file, int line);
/* The cause of x on its side (the new build's, else the old one's). */
const struct lw_snap_cause *lwr_cmp_cause(const struct lw_comparison *c,
					  const struct lw_cmp_cause *x);
/* The headline, raw: "+212 MB (+18.0 %), of which 30 MB waste:
 * Dockerfile:17 RUN chown -R ...". */
void lwr_cmp_headline(const struct lw_comparison *c,
		      const struct lw_render_opts *o, struct lw_strbuf *sb);
/* How a cause wastes its bytes: "copied to change owner", ... */
const char *lwr_kind_phrase(int kind);

#endif
