/* What every renderer starts and ends with: its options with defaults,
 * sizes as people or programs want them, and the check that everything
 * was written. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "layerwaste/render.h"
#include "render_priv.h"

const char *lw_human_bytes(uint64_t n, char *buf, size_t size)
{
	/* The core words its messages with the same units. */
	return lw_format_bytes(n, buf, size);
}

const char *lwr_size(const struct lw_render_opts *o, uint64_t n, char *buf,
		     size_t size)
{
	if (o->exact_bytes) {
		snprintf(buf, size, "%" PRIu64, n);
		return buf;
	}
	return lw_human_bytes(n, buf, size);
}

struct lw_render_opts lwr_opts(const struct lw_render_opts *o)
{
	struct lw_render_opts r = { .width = 100, .top = 10 };

	if (o)
		r = *o;
	if (r.width <= 0)
		r.width = 100;
	if (r.top <= 0)
		r.top = 10;
	return r;
}

int lwr_finish(FILE *f)
{
	if (fflush(f) == EOF || ferror(f))
		return -1;
	return 0;
}
