/* Helpers of the comparison's renderers: see cmp_out.h. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ci_priv.h"
#include "cmp_out.h"
#include "render_priv.h"

#define HEADLINE_INSTRUCTION 40 /* bytes of the instruction in it */

const char *lwr_signed_size(const struct lw_render_opts *o, int64_t v,
			    char *buf, size_t size)
{
	char b[32];
	uint64_t m = v < 0 ? (uint64_t)-v : (uint64_t)v;

	lwr_size(o, m, b, sizeof(b));
	snprintf(buf, size, "%s%s", v > 0 ? "+" : v < 0 ? "-" : "", b);
	return buf;
}

const char *lwr_signed_percent(int64_t v, uint64_t base, char *buf,
			       size_t size)
{
	if (!base) {
		snprintf(buf, size, "%s", "");
		return buf;
	}
	snprintf(buf, size, "%+.1f %%", (double)v * 100.0 / (double)base);
	return buf;
}

int lwr_place(struct lw_strbuf *sb, const char *file, int line)
{
	if (!file || line <= 0)
		return 0;
	lwr_rel_path(sb, file);
	lw_strbuf_addf(sb, ":%d", line);
	return 1;
}

const struct lw_snap_cause *lwr_cmp_cause(const struct lw_comparison *c,
					  const struct lw_cmp_cause *x)
{
	return x->new_index >= 0 ? &c->new_->causes[x->new_index] :
				   &c->old->causes[x->old_index];
}

const char *lwr_kind_phrase(int kind)
{
	switch (kind) {
	case LW_KIND_CHOWN: return "copied to change owner";
	case LW_KIND_CHMOD: return "copied to change mode";
	case LW_KIND_CHOWN_CHMOD: return "copied to change owner and mode";
	case LW_KIND_TOUCH: return "copied to change mtime or xattrs";
	case LW_KIND_OVERWRITE: return "overwritten, still stored";
	default: return "deleted, still stored";
	}
}

void lwr_cmp_headline(const struct lw_comparison *c,
		      const struct lw_render_opts *o, struct lw_strbuf *sb)
{
	const struct lw_cmp_cause *top = NULL;
	const struct lw_snap_cause *sc;
	char a[48], p[32];
	size_t i, n;

	if (c->delta_total == 0) {
		lw_strbuf_adds(sb, "No change in size");
	} else {
		lw_strbuf_adds(sb, lwr_signed_size(o, c->delta_total, a,
						   sizeof(a)));
		lwr_signed_percent(c->delta_total, c->old->total_bytes, p,
				   sizeof(p));
		if (*p)
			lw_strbuf_addf(sb, " (%s)", p);
	}
	for (i = 0; i < c->ncauses && !top; i++)
		if (c->causes[i].status == LW_CMP_NEW ||
		    c->causes[i].status == LW_CMP_GROWN)
			top = &c->causes[i];
	if (c->new_waste_bytes) {
		lwr_size(o, c->new_waste_bytes, a, sizeof(a));
		lw_strbuf_addf(sb, ", of which %s waste", a);
		sc = lwr_cmp_cause(c, top);
		lw_strbuf_adds(sb, ": ");
		if (lwr_place(sb, sc->file, sc->line))
			lw_strbuf_addc(sb, ' ');
		n = strlen(sc->instruction);
		if (n > HEADLINE_INSTRUCTION) {
			n = HEADLINE_INSTRUCTION - 3;
			while (n && ((unsigned char)sc->instruction[n] & 0xc0) ==
				    0x80)
				n--;
			lw_strbuf_add(sb, sc->instruction, n);
			lw_strbuf_adds(sb, "...");
		} else {
			lw_strbuf_adds(sb, sc->instruction);
		}
	}
	if (c->fixed_waste_bytes) {
		lwr_size(o, c->fixed_waste_bytes, a, sizeof(a));
		lw_strbuf_addf(sb, "; %s of waste fixed", a);
	}
}
