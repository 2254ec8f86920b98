/* The JSON report reader (compare.h: lw_snapshot_of_report), which
 * `layerwaste diff` and `share` use on reports an earlier run wrote: in
 * CI, an artifact that another job, or anyone who can write to it, made.
 * The input is one report, or two separated by a NUL byte (old, then
 * new). Whatever the reader accepts is compared, shared and rendered in
 * every format, colours on, so that its names reach the escaping of each
 * renderer; the output goes to /dev/null. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "layerwaste/compare.h"
#include "layerwaste/render.h"

typedef int (*render_fn)(FILE *f, const struct lw_comparison *c,
			 const struct lw_render_opts *o);

static const render_fn renders[] = {
	lw_render_compare_text,     lw_render_compare_json,
	lw_render_compare_markdown, lw_render_compare_github,
	lw_render_compare_html,
};

static FILE *sink(void)
{
	static FILE *f;

	if (!f)
		f = fopen("/dev/null", "w");
	return f;
}

static struct lw_snapshot *snapshot(const uint8_t *p, size_t n,
				    const char *source)
{
	struct lw_snapshot *s = NULL;
	struct lw_error err = { 0, "" };

	if (lw_snapshot_of_report((const char *)p, n, source, &s, &err))
		return NULL;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t n_old = nul ? (size_t)(nul - data) : size;
	struct lw_snapshot *old, *cur;
	struct lw_render_opts o = { .color = 1, .width = 80, .top = 3 };
	struct lw_cmp_rules rules = { 0 };
	struct lw_comparison *c = NULL;
	struct lw_share *sh = NULL;
	struct lw_error err = { 0, "" };
	FILE *f = sink();
	size_t i;

	if (!f)
		return 0;
	old = snapshot(data, n_old, "old.json");
	cur = nul ? snapshot(nul + 1, size - n_old - 1, "new.json") :
		    snapshot(data, size, "new.json");
	if (old && cur) {
		const struct lw_snapshot *both[2] = { old, cur };

		rules.set[LW_CMP_RULE_MAX_GROWTH] = 1;
		rules.growth_percent = 5;
		rules.growth_is_percent = 1;
		rules.set[LW_CMP_RULE_MAX_NEW_WASTE] = 1;
		rules.new_waste_bytes = 1;
		if (!lw_compare(old, cur, &rules, 1, &c, &err)) {
			for (i = 0; i < sizeof(renders) / sizeof(*renders);
			     i++) {
				renders[i](f, c, &o);
				o.exact_bytes = !o.exact_bytes;
			}
			lw_comparison_free(c);
		}
		lw_share_compute(both, 2, &sh);
		lw_render_share_text(f, sh, &o);
		lw_render_share_json(f, sh, &o);
		lw_render_share_markdown(f, sh, &o);
		lw_share_free(sh);
	}
	lw_snapshot_free(old);
	lw_snapshot_free(cur);
	return 0;
}
