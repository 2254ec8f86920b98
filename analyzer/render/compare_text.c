/* `layerwaste diff` and `layerwaste share` for people, in a terminal.
 * Every name from an image or a report goes through the line's escaping. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ci_priv.h"
#include "cmp_out.h"
#include "render_priv.h"

static void side(struct lwr_line *l, const char *label,
		 const struct lw_snapshot *s)
{
	lwr_line_addf(l, "  %s ", label);
	lwr_line_esc(l, s->name, 50, 0);
	if (strcmp(s->name, s->source)) {
		lwr_line_add(l, " (");
		lwr_line_esc(l, s->source, -1, 1);
		lwr_line_add(l, ")");
	}
	if (s->from_report)
		lwr_line_add(l, ", from a report");
	lwr_line_end(l);
}

static void total_row(struct lwr_line *l, const struct lw_render_opts *o,
		      const char *what, uint64_t a, uint64_t b)
{
	char x[32], y[32], d[48], p[32];

	lwr_line_addf(l, "  %-12s", what);
	lwr_line_addf(l, "%12s", lwr_size(o, a, x, sizeof(x)));
	lwr_line_addf(l, "%12s", lwr_size(o, b, y, sizeof(y)));
	lwr_line_addf(l, "%14s", lwr_signed_size(o, (int64_t)b - (int64_t)a,
						 d, sizeof(d)));
	lwr_signed_percent((int64_t)b - (int64_t)a, a, p, sizeof(p));
	if (*p && a != b)
		lwr_line_addf(l, "  (%s)", p);
	lwr_line_end(l);
}

static void instruction(struct lwr_line *l, const char *file, int line,
			const char *text)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;

	if (lwr_place(&sb, file, line)) {
		lwr_line_esc(l, sb.buf, 30, 1);
		lwr_line_add(l, " ");
	}
	lwr_line_esc(l, text, -1, 0);
	lw_strbuf_release(&sb);
}

static void layers(struct lwr_line *l, const struct lw_comparison *c,
		   const struct lw_render_opts *o)
{
	const struct lw_cmp_layer *x;
	const struct lw_snap_layer *sl;
	char a[32], b[32], d[48];
	size_t i;

	lwr_line_heading(l, "Layers");
	lwr_line_addf(l, "  %zu shared (%s), %zu new (%s), %zu gone (%s)",
		      c->shared, lwr_size(o, c->shared_bytes, a, sizeof(a)),
		      c->added, lwr_size(o, c->added_bytes, b, sizeof(b)),
		      c->removed, lwr_size(o, c->removed_bytes, d, sizeof(d)));
	lwr_line_end(l);
	if (c->shared == c->nlayers)
		return;
	lwr_line_add(l, "  change        old    new  match        instruction");
	lwr_line_end(l);
	for (i = 0; i < c->nlayers; i++) {
		x = &c->layers[i];
		if (x->match == LW_CMP_SHARED)
			continue;
		sl = x->new_index >= 0 ? &c->new_->layers[x->new_index] :
					 &c->old->layers[x->old_index];
		lwr_line_addf(l, "  %-11s",
			      lwr_signed_size(o, x->delta, d, sizeof(d)));
		if (x->old_index >= 0)
			lwr_line_addf(l, " %5ld", x->old_index);
		else
			lwr_line_add(l, "     -");
		if (x->new_index >= 0)
			lwr_line_addf(l, "  %5ld", x->new_index);
		else
			lwr_line_add(l, "      -");
		lwr_line_addf(l, "  %-12s ", lw_cmp_match_name(x->match));
		instruction(l, sl->file, sl->line, sl->instruction);
		lwr_line_end(l);
	}
}

static void files(struct lwr_line *l, const struct lw_comparison *c,
		  const struct lw_render_opts *o)
{
	static const char *const what[] = { "added", "removed", "changed" };
	char a[48], b[48], d[48];
	size_t i;

	lwr_line_heading(l, "Files");
	if (!c->files_known) {
		lwr_line_add(l, "  not compared (see the notes)");
		lwr_line_end(l);
		return;
	}
	lwr_line_addf(l, "  %zu added (%s), %zu removed (%s), %zu changed (%s)",
		      c->files_added,
		      lwr_signed_size(o, c->bytes_added, a, sizeof(a)),
		      c->files_removed,
		      lwr_signed_size(o, c->bytes_removed, b, sizeof(b)),
		      c->files_changed,
		      lwr_signed_size(o, c->bytes_changed, d, sizeof(d)));
	lwr_line_end(l);
	if (c->ndirs) {
		lwr_line_add(l, "  top directories:");
		lwr_line_end(l);
	}
	for (i = 0; i < c->ndirs && i < (size_t)o->top; i++) {
		lwr_line_addf(l, "  %12s  ", lwr_signed_size(o, c->dirs[i].delta,
							     a, sizeof(a)));
		lwr_line_path(l, c->dirs[i].path, 60);
		lwr_line_addf(l, "  (%" PRIu64 " file%s)", c->dirs[i].files,
			      lw_plural(c->dirs[i].files));
		lwr_line_end(l);
	}
	if (c->nfiles) {
		lwr_line_add(l, "  largest changes:");
		lwr_line_end(l);
	}
	for (i = 0; i < c->nfiles && i < (size_t)o->top; i++) {
		lwr_line_addf(l, "  %12s  %-8s ",
			      lwr_signed_size(o, c->files[i].delta, a, sizeof(a)),
			      what[c->files[i].status]);
		lwr_line_path(l, c->files[i].path, -1);
		lwr_line_end(l);
	}
	if (c->nfiles > (size_t)o->top) {
		lwr_line_addf(l, "  and %zu more", c->nfiles - (size_t)o->top);
		lwr_line_end(l);
	}
}

static void cause_line(struct lwr_line *l, const struct lw_comparison *c,
		       const struct lw_cmp_cause *x,
		       const struct lw_render_opts *o)
{
	const struct lw_snap_cause *sc = lwr_cmp_cause(c, x);
	char d[48];

	lwr_line_addf(l, "  %-6s %11s  %s ", lw_cmp_status_name(x->status),
		      lwr_signed_size(o, x->delta, d, sizeof(d)),
		      lw_kind_name(sc->kind));
	instruction(l, sc->file, sc->line, sc->instruction);
	lwr_line_end(l);
	lwr_line_add(l, "         ");
	lwr_line_addf(l, "%" PRIu64 " file%s %s, e.g. ", sc->files,
		      lw_plural(sc->files), lwr_kind_phrase(sc->kind));
	lwr_line_path(l, sc->path, -1);
	lwr_line_end(l);
	if (sc->fix && x->status != LW_CMP_FIXED) {
		lwr_line_add(l, "         fix: ");
		lwr_line_esc(l, sc->fix, -1, 0);
		lwr_line_end(l);
	}
}

static void waste(struct lwr_line *l, const struct lw_comparison *c,
		  const struct lw_render_opts *o)
{
	const size_t *n = c->count_by_status;
	char a[32], b[32];
	size_t i, shown = 0;

	lwr_line_heading(l, "Waste");
	lwr_line_addf(l, "  %zu new, %zu grown, %zu shrunk, %zu fixed, %zu the "
		      "same; %s more waste, %s fixed", n[LW_CMP_NEW],
		      n[LW_CMP_GROWN], n[LW_CMP_SHRUNK], n[LW_CMP_FIXED],
		      n[LW_CMP_SAME], lwr_size(o, c->new_waste_bytes, a, sizeof(a)),
		      lwr_size(o, c->fixed_waste_bytes, b, sizeof(b)));
	lwr_line_end(l);
	for (i = 0; i < c->ncauses && shown < (size_t)o->top; i++) {
		if (c->causes[i].status == LW_CMP_SAME)
			continue;
		cause_line(l, c, &c->causes[i], o);
		shown++;
	}
}

static void rules(struct lwr_line *l, const struct lw_comparison *c)
{
	size_t i;

	if (!c->evaluated)
		return;
	lwr_line_heading(l, c->passed ? "Rules: PASS" : "Rules: FAIL");
	for (i = 0; i < c->nrules; i++) {
		lwr_line_addf(l, "  %-4s %-14s %s (limit %s)",
			      c->rules[i].passed ? "pass" : "FAIL",
			      lw_cmp_rule_id(c->rules[i].rule),
			      c->rules[i].actual, c->rules[i].threshold);
		lwr_line_end(l);
	}
}

static void notes(struct lwr_line *l, const struct lw_warnings *w)
{
	size_t i;

	for (i = 0; i < w->count; i++) {
		lwr_line_add(l, "note: ");
		lwr_line_esc(l, w->items[i], -1, 0);
		lwr_line_end(l);
	}
}

int lw_render_compare_text(FILE *f, const struct lw_comparison *c,
			   const struct lw_render_opts *opts)
{
	struct lw_render_opts o = lwr_opts(opts);
	struct lw_strbuf sb = LW_STRBUF_INIT;
	struct lwr_line l;

	lwr_line_init(&l, f, &o);
	lwr_cmp_headline(c, &o, &sb);
	lwr_line_sgr(&l, LWR_BOLD);
	lwr_line_esc(&l, sb.buf, -1, 0);
	lwr_line_sgr(&l, LWR_RESET);
	lwr_line_end(&l);
	side(&l, "old:", c->old);
	side(&l, "new:", c->new_);
	lwr_line_end(&l);
	lwr_line_add(&l, "                       old         new        change");
	lwr_line_end(&l);
	total_row(&l, &o, "total", c->old->total_bytes, c->new_->total_bytes);
	total_row(&l, &o, "visible", c->old->visible_bytes,
		  c->new_->visible_bytes);
	total_row(&l, &o, "wasted", c->old->wasted_bytes, c->new_->wasted_bytes);
	if (c->compressed_known)
		total_row(&l, &o, "compressed", c->old->compressed_bytes,
			  c->new_->compressed_bytes);
	lwr_line_end(&l);
	layers(&l, c, &o);
	lwr_line_end(&l);
	files(&l, c, &o);
	lwr_line_end(&l);
	waste(&l, c, &o);
	rules(&l, c);
	notes(&l, &c->notes);
	lw_strbuf_release(&sb);
	lwr_line_release(&l);
	return lwr_finish(f);
}

int lw_render_share_text(FILE *f, const struct lw_share *s,
			 const struct lw_render_opts *opts)
{
	struct lw_render_opts o = lwr_opts(opts);
	struct lwr_line l;
	char a[32], b[32], d[32];
	size_t i, j, shown = 0;

	lwr_line_init(&l, f, &o);
	lwr_line_heading(&l, "Layers shared");
	lwr_line_addf(&l, "  %zu images store %s one by one, %s with each "
		      "layer once", s->nimages,
		      lwr_size(&o, s->sum_bytes, a, sizeof(a)),
		      lwr_size(&o, s->stored_bytes, b, sizeof(b)));
	lwr_line_end(&l);
	lwr_line_addf(&l, "  %zu layer%s (%s) held by two images or more; "
		      "common base: %zu layer%s (%s)", s->shared_layers,
		      lw_plural(s->shared_layers),
		      lwr_size(&o, s->shared_bytes, a, sizeof(a)),
		      s->common_base, lw_plural(s->common_base),
		      lwr_size(&o, s->common_base_bytes, d, sizeof(d)));
	lwr_line_end(&l);
	lwr_line_end(&l);
	lwr_line_add(&l, "        total      shared      unique  image");
	lwr_line_end(&l);
	for (i = 0; i < s->nimages; i++) {
		const struct lw_share_image *im = &s->images[i];

		lwr_line_addf(&l, "  %11s %11s %11s  ",
			      lwr_size(&o, im->total_bytes, a, sizeof(a)),
			      lwr_size(&o, im->shared_bytes, b, sizeof(b)),
			      lwr_size(&o, im->unique_bytes, d, sizeof(d)));
		lwr_line_esc(&l, im->snap->name, -1, 0);
		lwr_line_end(&l);
	}
	lwr_line_end(&l);
	lwr_line_heading(&l, "Shared layers, largest first");
	for (j = 0; j < s->nlayers && shown < (size_t)o.top; j++) {
		const struct lw_share_layer *sl = &s->layers[j];

		if (sl->images < 2)
			continue;
		lwr_line_addf(&l, "  %11s  %zu of %zu  ",
			      lwr_size(&o, sl->bytes, a, sizeof(a)), sl->images,
			      s->nimages);
		lwr_line_esc(&l, sl->instruction, -1, 0);
		lwr_line_end(&l);
		shown++;
	}
	if (!shown) {
		lwr_line_add(&l, "  none");
		lwr_line_end(&l);
	}
	notes(&l, &s->notes);
	lwr_line_release(&l);
	return lwr_finish(f);
}
