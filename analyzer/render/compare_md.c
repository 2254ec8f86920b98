/* `layerwaste diff -f markdown`: a pull-request comment (headline, a
 * table, details folded), kept under GitHub's 65,536-character limit of a
 * comment; `-f github`: workflow annotations on the lines of new waste;
 * `layerwaste share -f markdown`. Every name is escaped (lwr_md_text,
 * lwr_md_code, lwr_gh_command). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ci_priv.h"
#include "cmp_out.h"
#include "render_priv.h"

/* What a comment may hold, less room for the closing lines. */
#define MD_LIMIT 65000
#define MD_RESERVE 800

struct md {
	struct lw_strbuf sb;
	const struct lw_render_opts *o;
	size_t cut; /* rows left out to stay under the limit */
};

/* Adds row (taken) unless the comment would pass its limit. */
static int md_row(struct md *m, struct lw_strbuf *row)
{
	int ok = m->sb.len + row->len + MD_RESERVE < MD_LIMIT;

	if (ok)
		lw_strbuf_add(&m->sb, row->buf, row->len);
	else
		m->cut++;
	lw_strbuf_release(row);
	return ok;
}

static void md_where(struct lw_strbuf *sb, const char *file, int line,
		     const char *instruction)
{
	struct lw_strbuf p = LW_STRBUF_INIT;

	if (lwr_place(&p, file, line)) {
		lwr_md_code(sb, p.buf, 1);
		lw_strbuf_addc(sb, ' ');
	}
	lwr_md_code(sb, *instruction ? instruction : "(no history)", 1);
	lw_strbuf_release(&p);
}

static void md_total(struct md *m, const char *what, uint64_t a, uint64_t b)
{
	char x[32], y[32], d[48], p[32];

	lwr_signed_percent((int64_t)b - (int64_t)a, a, p, sizeof(p));
	lw_strbuf_addf(&m->sb, "| %s | %s | %s | %s%s%s%s |\n", what,
		       lwr_size(m->o, a, x, sizeof(x)),
		       lwr_size(m->o, b, y, sizeof(y)),
		       lwr_signed_size(m->o, (int64_t)b - (int64_t)a, d,
				       sizeof(d)),
		       *p && a != b ? " (" : "", *p && a != b ? p : "",
		       *p && a != b ? ")" : "");
}

static void md_side(struct md *m, const char *label,
		    const struct lw_snapshot *s)
{
	lw_strbuf_addf(&m->sb, "%s ", label);
	lwr_md_code(&m->sb, s->name, 0);
	if (s->from_report)
		lw_strbuf_adds(&m->sb, " (saved report)");
}

static void md_waste(struct md *m, const struct lw_comparison *c)
{
	const size_t *n = c->count_by_status;
	const struct lw_snap_cause *sc;
	struct lw_strbuf row;
	char d[48];
	size_t i;

	lw_strbuf_addf(&m->sb, "\n**Waste:** %zu new, %zu grown, %zu fixed",
		       n[LW_CMP_NEW], n[LW_CMP_GROWN], n[LW_CMP_FIXED]);
	if (n[LW_CMP_SHRUNK])
		lw_strbuf_addf(&m->sb, ", %zu shrunk", n[LW_CMP_SHRUNK]);
	lw_strbuf_adds(&m->sb, "\n");
	if (c->ncauses == n[LW_CMP_SAME])
		return;
	lw_strbuf_adds(&m->sb, "\n| | bytes | kind | where | fix |\n"
		       "|---|--:|---|---|---|\n");
	for (i = 0; i < c->ncauses; i++) {
		if (c->causes[i].status == LW_CMP_SAME)
			continue;
		sc = lwr_cmp_cause(c, &c->causes[i]);
		lw_strbuf_init(&row);
		lw_strbuf_addf(&row, "| %s | %s | %s | ",
			       lw_cmp_status_name(c->causes[i].status),
			       lwr_signed_size(m->o, c->causes[i].delta, d,
					       sizeof(d)),
			       lw_kind_name(sc->kind));
		md_where(&row, sc->file, sc->line, sc->instruction);
		lw_strbuf_adds(&row, " | ");
		if (sc->fix && c->causes[i].status != LW_CMP_FIXED)
			lwr_md_text(&row, sc->fix);
		lw_strbuf_adds(&row, " |\n");
		if (!md_row(m, &row))
			break;
	}
}

static void md_layers(struct md *m, const struct lw_comparison *c)
{
	const struct lw_cmp_layer *x;
	const struct lw_snap_layer *sl;
	struct lw_strbuf row;
	char a[32], b[32], d[48];
	size_t i;

	lw_strbuf_addf(&m->sb, "\n<details><summary>Layers: %zu shared, "
		       "%zu new (%s), %zu gone (%s)</summary>\n\n", c->shared,
		       c->added, lwr_size(m->o, c->added_bytes, a, sizeof(a)),
		       c->removed, lwr_size(m->o, c->removed_bytes, b,
					    sizeof(b)));
	lw_strbuf_adds(&m->sb, "| change | old | new | match | instruction |\n"
		       "|--:|--:|--:|---|---|\n");
	for (i = 0; i < c->nlayers; i++) {
		x = &c->layers[i];
		sl = x->new_index >= 0 ? &c->new_->layers[x->new_index] :
					 &c->old->layers[x->old_index];
		lw_strbuf_init(&row);
		lw_strbuf_addf(&row, "| %s | ",
			       lwr_signed_size(m->o, x->delta, d, sizeof(d)));
		if (x->old_index >= 0)
			lw_strbuf_addf(&row, "%ld", x->old_index);
		lw_strbuf_adds(&row, " | ");
		if (x->new_index >= 0)
			lw_strbuf_addf(&row, "%ld", x->new_index);
		lw_strbuf_addf(&row, " | %s | ", lw_cmp_match_name(x->match));
		md_where(&row, sl->file, sl->line, sl->instruction);
		lw_strbuf_adds(&row, " |\n");
		if (!md_row(m, &row))
			break;
	}
	lw_strbuf_adds(&m->sb, "\n</details>\n");
}

static void md_files(struct md *m, const struct lw_comparison *c)
{
	static const char *const st[] = { "added", "removed", "changed" };
	struct lw_strbuf row;
	char a[48], b[48], d[48];
	size_t i;

	if (!c->files_known)
		return;
	lw_strbuf_addf(&m->sb, "\n<details><summary>Files: %zu added (%s), "
		       "%zu removed (%s), %zu changed (%s)</summary>\n\n",
		       c->files_added,
		       lwr_signed_size(m->o, c->bytes_added, a, sizeof(a)),
		       c->files_removed,
		       lwr_signed_size(m->o, c->bytes_removed, b, sizeof(b)),
		       c->files_changed,
		       lwr_signed_size(m->o, c->bytes_changed, d, sizeof(d)));
	if (c->ndirs)
		lw_strbuf_adds(&m->sb, "| directory | change | files |\n"
			       "|---|--:|--:|\n");
	for (i = 0; i < c->ndirs; i++) {
		lw_strbuf_init(&row);
		lw_strbuf_adds(&row, "| ");
		lw_strbuf_addc(&row, '/');
		lwr_md_code(&row, c->dirs[i].path, 1);
		lw_strbuf_addf(&row, " | %s | %" PRIu64 " |\n",
			       lwr_signed_size(m->o, c->dirs[i].delta, a,
					       sizeof(a)), c->dirs[i].files);
		if (!md_row(m, &row))
			break;
	}
	if (c->nfiles)
		lw_strbuf_adds(&m->sb, "\n| file | | change |\n|---|---|--:|\n");
	for (i = 0; i < c->nfiles; i++) {
		lw_strbuf_init(&row);
		lw_strbuf_adds(&row, "| /");
		lwr_md_code(&row, c->files[i].path, 1);
		lw_strbuf_addf(&row, " | %s | %s |\n", st[c->files[i].status],
			       lwr_signed_size(m->o, c->files[i].delta, a,
					       sizeof(a)));
		if (!md_row(m, &row))
			break;
	}
	lw_strbuf_adds(&m->sb, "\n</details>\n");
}

int lw_render_compare_markdown(FILE *f, const struct lw_comparison *c,
			       const struct lw_render_opts *opts)
{
	struct lw_render_opts o = lwr_opts(opts);
	struct md m = { LW_STRBUF_INIT, &o, 0 };
	struct lw_strbuf h = LW_STRBUF_INIT;
	size_t i;

	lwr_cmp_headline(c, &o, &h);
	lw_strbuf_adds(&m.sb, "### layerwaste: ");
	lwr_md_text(&m.sb, h.buf);
	lw_strbuf_adds(&m.sb, "\n\n");
	md_side(&m, "Old:", c->old);
	lw_strbuf_adds(&m.sb, ", ");
	md_side(&m, "new:", c->new_);
	lw_strbuf_adds(&m.sb, "\n\n| | old | new | change |\n"
		       "|---|--:|--:|--:|\n");
	md_total(&m, "Total", c->old->total_bytes, c->new_->total_bytes);
	md_total(&m, "Visible", c->old->visible_bytes, c->new_->visible_bytes);
	md_total(&m, "Wasted", c->old->wasted_bytes, c->new_->wasted_bytes);
	if (c->compressed_known)
		md_total(&m, "Compressed", c->old->compressed_bytes,
			 c->new_->compressed_bytes);
	lw_strbuf_addf(&m.sb, "| Layers | %zu | %zu | %zu shared |\n",
		       c->old->nlayers, c->new_->nlayers, c->shared);
	if (c->evaluated) {
		lw_strbuf_addf(&m.sb, "\n**Rules: %s**", c->passed ? "PASS" :
			       "FAIL");
		for (i = 0; i < c->nrules; i++)
			lw_strbuf_addf(&m.sb, "%s `%s` %s %s (limit %s)",
				       i ? ";" : "",
				       lw_cmp_rule_id(c->rules[i].rule),
				       c->rules[i].passed ? "passed:" :
				       "failed:", c->rules[i].actual,
				       c->rules[i].threshold);
		lw_strbuf_adds(&m.sb, "\n");
	}
	md_waste(&m, c);
	md_layers(&m, c);
	md_files(&m, c);
	for (i = 0; i < c->notes.count; i++) {
		lw_strbuf_adds(&m.sb, "\n> ");
		lwr_md_text(&m.sb, c->notes.items[i]);
		lw_strbuf_adds(&m.sb, "\n");
	}
	if (m.cut)
		lw_strbuf_addf(&m.sb, "\n_%zu more rows not shown: a comment "
			       "holds at most 65,536 characters. Run `layerwaste "
			       "diff -f json` for all of them._\n", m.cut);
	fwrite(m.sb.buf, 1, m.sb.len, f);
	lw_strbuf_release(&m.sb);
	lw_strbuf_release(&h);
	return lwr_finish(f);
}

int lw_render_compare_github(FILE *f, const struct lw_comparison *c,
			     const struct lw_render_opts *opts)
{
	struct lw_render_opts o = lwr_opts(opts);
	struct lw_strbuf out = LW_STRBUF_INIT, title = LW_STRBUF_INIT;
	struct lw_strbuf msg = LW_STRBUF_INIT;
	const struct lw_snap_cause *sc;
	const struct lw_cmp_cause *x;
	struct lwr_loc loc;
	char d[48];
	size_t i;

	for (i = 0; i < c->ncauses; i++) {
		x = &c->causes[i];
		if (x->status != LW_CMP_NEW && x->status != LW_CMP_GROWN)
			continue;
		sc = lwr_cmp_cause(c, x);
		lw_strbuf_reset(&title);
		lw_strbuf_reset(&msg);
		lw_strbuf_addf(&title, "layerwaste: %s %s waste (%s)",
			       lwr_signed_size(&o, x->delta, d, sizeof(d)),
			       x->status == LW_CMP_NEW ? "new" : "more",
			       lw_kind_name(sc->kind));
		lw_strbuf_addf(&msg, "%" PRIu64 " file%s %s, e.g. /",
			       sc->files, lw_plural(sc->files),
			       lwr_kind_phrase(sc->kind));
		lwr_printable(&msg, sc->path);
		lw_strbuf_adds(&msg, ".");
		if (sc->fix)
			lw_strbuf_addf(&msg, "\nFix: %s", sc->fix);
		loc.file = sc->file;
		loc.line = sc->line;
		loc.end_line = sc->end_line;
		lwr_gh_command(&out, "warning", &loc, title.buf, msg.buf);
	}
	for (i = 0; i < c->nrules; i++) {
		if (c->rules[i].passed)
			continue;
		lw_strbuf_reset(&title);
		lw_strbuf_reset(&msg);
		lw_strbuf_addf(&title, "layerwaste: %s",
			       lw_cmp_rule_id(c->rules[i].rule));
		lw_strbuf_addf(&msg, "%s is %s, over the limit %s",
			       c->rules[i].rule == LW_CMP_RULE_MAX_GROWTH ?
			       "The growth" : "The new waste",
			       c->rules[i].actual, c->rules[i].threshold);
		lwr_gh_command(&out, "error", NULL, title.buf, msg.buf);
	}
	lw_strbuf_reset(&title);
	lwr_cmp_headline(c, &o, &title);
	lwr_gh_command(&out, "notice", NULL, "layerwaste diff", title.buf);
	fwrite(out.buf, 1, out.len, f);
	lw_strbuf_release(&out);
	lw_strbuf_release(&title);
	lw_strbuf_release(&msg);
	return lwr_finish(f);
}

int lw_render_share_markdown(FILE *f, const struct lw_share *s,
			     const struct lw_render_opts *opts)
{
	struct lw_render_opts o = lwr_opts(opts);
	struct md m = { LW_STRBUF_INIT, &o, 0 };
	struct lw_strbuf row;
	char a[32], b[32], d[32];
	size_t i, j;

	lw_strbuf_addf(&m.sb, "### layerwaste: %zu images share %zu layer%s "
		       "(%s)\n\n", s->nimages, s->shared_layers,
		       lw_plural(s->shared_layers),
		       lwr_size(&o, s->shared_bytes, a, sizeof(a)));
	lw_strbuf_addf(&m.sb, "Stored one by one: %s; each layer once: %s. "
		       "Common base: %zu layer%s (%s).\n\n",
		       lwr_size(&o, s->sum_bytes, a, sizeof(a)),
		       lwr_size(&o, s->stored_bytes, b, sizeof(b)),
		       s->common_base, lw_plural(s->common_base),
		       lwr_size(&o, s->common_base_bytes, d, sizeof(d)));
	lw_strbuf_adds(&m.sb, "| image | total | shared | unique |\n"
		       "|---|--:|--:|--:|\n");
	for (i = 0; i < s->nimages; i++) {
		lw_strbuf_init(&row);
		lw_strbuf_adds(&row, "| ");
		lwr_md_code(&row, s->images[i].snap->name, 1);
		lw_strbuf_addf(&row, " | %s | %s | %s |\n",
			       lwr_size(&o, s->images[i].total_bytes, a,
					sizeof(a)),
			       lwr_size(&o, s->images[i].shared_bytes, b,
					sizeof(b)),
			       lwr_size(&o, s->images[i].unique_bytes, d,
					sizeof(d)));
		md_row(&m, &row);
	}
	lw_strbuf_adds(&m.sb, "\n<details><summary>Shared layers</summary>\n\n"
		       "| bytes | images | instruction |\n|--:|--:|---|\n");
	for (j = 0; j < s->nlayers; j++) {
		if (s->layers[j].images < 2)
			continue;
		lw_strbuf_init(&row);
		lw_strbuf_addf(&row, "| %s | %zu | ",
			       lwr_size(&o, s->layers[j].bytes, a, sizeof(a)),
			       s->layers[j].images);
		lwr_md_code(&row, *s->layers[j].instruction ?
			    s->layers[j].instruction : "(no history)", 1);
		lw_strbuf_adds(&row, " |\n");
		if (!md_row(&m, &row))
			break;
	}
	lw_strbuf_adds(&m.sb, "\n</details>\n");
	if (m.cut)
		lw_strbuf_addf(&m.sb, "\n_%zu more rows not shown._\n", m.cut);
	fwrite(m.sb.buf, 1, m.sb.len, f);
	lw_strbuf_release(&m.sb);
	return lwr_finish(f);
}
