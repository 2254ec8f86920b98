/* `layerwaste diff -f html`: the comparison of two builds as one
 * self-contained page, under the same rules as the report page (html.c):
 * no request of any kind, the report's style sheet embedded, every name
 * from an image, a report or the Dockerfile escaped as text
 * (lwr_html_text), and the figures complete without JavaScript. The JSON
 * diff (lw_render_compare_json) is embedded as data, escaped so that
 * nothing in it can end its element; a few lines of script only sort
 * the tables. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/util.h"
#include "cmp_out.h"
#include "html_priv.h"
#include "render_priv.h"

/* Rows of the file changes listed; the JSON diff has them all. */
#define FILES_SHOWN 500

/* Sorts a table whose header cells hold buttons, by the cells' data-v
 * (numbers) or their text; a second click reverses. With "#selftest"
 * (tests/e2e/test_compare_html.sh) it sorts the layers by their change
 * and writes the order it got, and any error, into #lw-selftest. */
static const char sort_js[] =
	"(function () {\n"
	"  'use strict';\n"
	"  var problems = [];\n"
	"  window.addEventListener('error', function (e) { problems.push(e.message); });\n"
	"  document.addEventListener('securitypolicyviolation', function (e) {\n"
	"    problems.push('blocked: ' + e.violatedDirective);\n"
	"  });\n"
	"  document.querySelectorAll('table.sortable').forEach(function (t) {\n"
	"    t.querySelectorAll('th button').forEach(function (b, col) {\n"
	"      b.addEventListener('click', function () {\n"
	"        var th = b.parentNode, desc = th.getAttribute('aria-sort') !== 'descending';\n"
	"        var body = t.tBodies[0], rows = Array.prototype.slice.call(body.rows);\n"
	"        function key(r) {\n"
	"          var c = r.cells[col], v = c && c.getAttribute('data-v');\n"
	"          return v !== null && v !== undefined ? Number(v) : (c ? c.textContent : '');\n"
	"        }\n"
	"        rows.sort(function (x, y) {\n"
	"          var a = key(x), z = key(y), r = a < z ? -1 : a > z ? 1 : 0;\n"
	"          return desc ? -r : r;\n"
	"        });\n"
	"        t.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });\n"
	"        th.setAttribute('aria-sort', desc ? 'descending' : 'ascending');\n"
	"        rows.forEach(function (r) { body.appendChild(r); });\n"
	"      });\n"
	"    });\n"
	"  });\n"
	"  if (location.hash !== '#selftest') return;\n"
	"  var t = document.getElementById('layers'), st = document.getElementById('lw-selftest');\n"
	"  t.tHead.rows[0].cells[5].querySelector('button').click();\n"
	"  st.textContent = JSON.stringify({ problems: problems,\n"
	"    resources: performance.getEntriesByType('resource').length,\n"
	"    sort: t.tHead.rows[0].cells[5].getAttribute('aria-sort'),\n"
	"    order: Array.prototype.map.call(t.tBodies[0].rows, function (r) {\n"
	"      return Number(r.cells[5].getAttribute('data-v'));\n"
	"    }) });\n"
	"})();\n";

/* A signed byte count: "+1.2 MB", with the exact count in data-bytes. */
static void sbytes(FILE *f, const struct lw_render_opts *o, const char *id,
		   int64_t v)
{
	char buf[48];

	fputs("<span class=\"bytes\"", f);
	if (id)
		fprintf(f, " id=\"%s\"", id);
	fprintf(f, " data-bytes=\"%" PRId64 "\" title=\"%" PRId64 " bytes\">%s</span>",
		v, v, lwr_signed_size(o, v, buf, sizeof(buf)));
}

/* A cell holding a byte count, sortable by it. */
static void td_bytes(FILE *f, uint64_t n)
{
	fprintf(f, "<td class=\"num\" data-v=\"%" PRIu64 "\">", n);
	lwr_html_bytes(f, NULL, n);
	fputs("</td>", f);
}

static void td_sbytes(FILE *f, const struct lw_render_opts *o, int64_t v)
{
	fprintf(f, "<td class=\"num\" data-v=\"%" PRId64 "\">", v);
	sbytes(f, o, NULL, v);
	fputs("</td>", f);
}

/* "Dockerfile:17 RUN ..." in a cell, escaped. */
static void td_where(FILE *f, const char *file, int line,
		     const char *instruction)
{
	struct lw_strbuf p = LW_STRBUF_INIT;

	fputs("<td class=\"cline\">", f);
	if (lwr_place(&p, file, line)) {
		fputs("<span class=\"place\">", f);
		lwr_html_text(f, p.buf);
		fputs("</span> ", f);
	}
	if (*instruction)
		lwr_html_text(f, instruction);
	else
		fputs("<span class=\"muted\">(no history)</span>", f);
	fputs("</td>", f);
	lw_strbuf_release(&p);
}

static void side(FILE *f, const char *label, const struct lw_snapshot *s)
{
	fprintf(f, "<dt>%s</dt><dd>", label);
	lwr_html_text(f, s->name);
	if (strcmp(s->name, s->source)) {
		fputs(" <span class=\"muted\">(", f);
		lwr_html_text(f, s->source);
		fputs(")</span>", f);
	}
	if (s->from_report)
		fputs(" <span class=\"muted\">saved report</span>", f);
	fputs("</dd>\n", f);
}

static void header(FILE *f, const struct lw_comparison *c,
		   const struct lw_render_opts *o)
{
	struct lw_strbuf h = LW_STRBUF_INIT;
	const char *verdict = !c->evaluated ? "REPORT" :
			      c->passed ? "PASS" : "FAIL";

	fprintf(f, "<header>\n<h1>layerwaste diff <span class=\"verdict v-%s\" "
		"id=\"verdict\">%s</span></h1>\n<dl class=\"meta\">\n",
		verdict, verdict);
	side(f, "Old", c->old);
	side(f, "New", c->new_);
	fputs("</dl>\n", f);
	lwr_cmp_headline(c, o, &h);
	fputs("<p class=\"headline\" id=\"headline\"><strong>", f);
	lwr_html_text(f, h.buf);
	fputs("</strong></p>\n</header>\n", f);
	lw_strbuf_release(&h);
}

static void total_row(FILE *f, const struct lw_render_opts *o,
		      const char *id, const char *what, uint64_t a, uint64_t b)
{
	char p[32];

	fprintf(f, "<tr id=\"%s\"><th scope=\"row\">%s</th>", id, what);
	td_bytes(f, a);
	td_bytes(f, b);
	td_sbytes(f, o, (int64_t)b - (int64_t)a);
	lwr_signed_percent((int64_t)b - (int64_t)a, a, p, sizeof(p));
	fprintf(f, "<td class=\"num\">%s</td></tr>\n", a != b ? p : "");
}

static void summary(FILE *f, const struct lw_comparison *c,
		    const struct lw_render_opts *o)
{
	const struct lw_snapshot *a = c->old, *b = c->new_;
	char p[32];

	fputs("<section id=\"summary\" aria-labelledby=\"summary-h\">\n"
	      "<h2 id=\"summary-h\">Summary</h2>\n<div class=\"cards\">\n"
	      "<div class=\"card\"><div class=\"label\">Growth</div><div class=\"big\">", f);
	sbytes(f, o, "delta-total", c->delta_total);
	lwr_signed_percent(c->delta_total, a->total_bytes, p, sizeof(p));
	fprintf(f, "</div><div class=\"sub\">%s%s</div></div>\n", *p ? p : "",
		*p ? " of the old total" : "");
	fputs("<div class=\"card waste\"><div class=\"label\">New waste</div>"
	      "<div class=\"big\">", f);
	lwr_html_bytes(f, "new-waste", c->new_waste_bytes);
	fputs("</div><div class=\"sub\">new causes and the growth of old ones"
	      "</div></div>\n<div class=\"card\"><div class=\"label\">Waste fixed"
	      "</div><div class=\"big\">", f);
	lwr_html_bytes(f, "fixed-waste", c->fixed_waste_bytes);
	fputs("</div><div class=\"sub\">fixed causes and the shrinking of "
	      "others</div></div>\n</div>\n", f);
	fputs("<table id=\"totals\"><caption>Old, new and the change</caption>\n"
	      "<thead><tr><th scope=\"col\"></th><th scope=\"col\" class=\"num\">Old</th>"
	      "<th scope=\"col\" class=\"num\">New</th><th scope=\"col\" class=\"num\">"
	      "Change</th><th scope=\"col\" class=\"num\">%</th></tr></thead><tbody>\n", f);
	total_row(f, o, "t-total", "Total", a->total_bytes, b->total_bytes);
	total_row(f, o, "t-visible", "Visible", a->visible_bytes,
		  b->visible_bytes);
	total_row(f, o, "t-wasted", "Wasted", a->wasted_bytes, b->wasted_bytes);
	if (c->compressed_known)
		total_row(f, o, "t-compressed", "Compressed",
			  a->compressed_bytes, b->compressed_bytes);
	fprintf(f, "<tr id=\"t-layers\"><th scope=\"row\">Layers</th>"
		"<td class=\"num\" data-v=\"%zu\">%zu</td><td class=\"num\" "
		"data-v=\"%zu\">%zu</td><td class=\"num\" colspan=\"2\">%zu shared"
		"</td></tr>\n", a->nlayers, a->nlayers, b->nlayers, b->nlayers,
		c->shared);
	fputs("</tbody></table>\n</section>\n", f);
}

static void rules(FILE *f, const struct lw_comparison *c)
{
	size_t i;

	if (!c->evaluated)
		return;
	fprintf(f, "<section id=\"rules\" aria-labelledby=\"rules-h\">\n"
		"<h2 id=\"rules-h\">Rules: %s</h2>\n"
		"<table><thead><tr><th scope=\"col\">Status</th><th scope=\"col\">Rule</th>"
		"<th scope=\"col\">Threshold</th><th scope=\"col\">Actual</th></tr>"
		"</thead><tbody>\n", c->passed ? "PASS" : "FAIL");
	for (i = 0; i < c->nrules; i++) {
		const char *st = c->rules[i].passed ? "pass" : "fail";

		fprintf(f, "<tr class=\"rule\" data-rule=\"%s\" data-status=\"%s\">"
			"<td><span class=\"st st-%s\">%s</span></td><td>%s</td><td>",
			lw_cmp_rule_id(c->rules[i].rule), st, st, st,
			lw_cmp_rule_id(c->rules[i].rule));
		lwr_html_text(f, c->rules[i].threshold);
		fputs("</td><td>", f);
		lwr_html_text(f, c->rules[i].actual);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n</section>\n", f);
}

static void count(FILE *f, const char *id, size_t n, const char *what)
{
	fprintf(f, "<span id=\"%s\" data-count=\"%zu\">%zu</span> %s", id, n, n,
		what);
}

static void waste(FILE *f, const struct lw_comparison *c,
		  const struct lw_render_opts *o)
{
	const size_t *n = c->count_by_status;
	const struct lw_snap_cause *sc;
	const struct lw_cmp_cause *x;
	size_t i;

	fputs("<section id=\"waste-section\" aria-labelledby=\"waste-h\">\n"
	      "<h2 id=\"waste-h\">Waste</h2>\n<p>", f);
	count(f, "waste-new", n[LW_CMP_NEW], "new, ");
	count(f, "waste-grown", n[LW_CMP_GROWN], "grown, ");
	count(f, "waste-fixed", n[LW_CMP_FIXED], "fixed, ");
	count(f, "waste-shrunk", n[LW_CMP_SHRUNK], "shrunk, ");
	count(f, "waste-same", n[LW_CMP_SAME], "the same.");
	fputs("</p>\n", f);
	if (c->ncauses == n[LW_CMP_SAME]) {
		fputs("<p>No waste came or went.</p>\n</section>\n", f);
		return;
	}
	fputs("<table id=\"causes\" class=\"sortable\"><thead><tr>"
	      "<th scope=\"col\"><button type=\"button\">Status</button></th>"
	      "<th scope=\"col\" class=\"num\"><button type=\"button\">Change</button></th>"
	      "<th scope=\"col\" class=\"num\"><button type=\"button\">Now</button></th>"
	      "<th scope=\"col\"><button type=\"button\">Kind</button></th>"
	      "<th scope=\"col\"><button type=\"button\">Where</button></th>"
	      "<th scope=\"col\"><button type=\"button\">Path</button></th>"
	      "<th scope=\"col\"><button type=\"button\">Fix</button></th>"
	      "</tr></thead><tbody>\n", f);
	for (i = 0; i < c->ncauses; i++) {
		x = &c->causes[i];
		if (x->status == LW_CMP_SAME)
			continue;
		sc = lwr_cmp_cause(c, x);
		fprintf(f, "<tr class=\"wcause\" data-status=\"%s\" data-delta=\"%"
			PRId64 "\"><td><span class=\"st st-%s\">%s</span></td>",
			lw_cmp_status_name(x->status), x->delta,
			x->status == LW_CMP_FIXED || x->status == LW_CMP_SHRUNK ?
			"pass" : "fail", lw_cmp_status_name(x->status));
		td_sbytes(f, o, x->delta);
		td_bytes(f, x->new_index >= 0 ? sc->bytes : 0);
		fprintf(f, "<td><span class=\"swatch k%d\"></span>%s</td>", sc->kind,
			lw_kind_name(sc->kind));
		td_where(f, sc->file, sc->line, sc->instruction);
		fputs("<td class=\"path\">", f);
		if (*sc->path) {
			fputs("/", f);
			lwr_html_text(f, sc->path);
		}
		fprintf(f, " <span class=\"muted\">(%" PRIu64 " file%s)</span></td><td>",
			sc->files, lw_plural(sc->files));
		if (sc->fix && x->status != LW_CMP_FIXED) {
			fprintf(f, "<span class=\"fixkind\">%s</span> ",
				sc->fix_safe ? "fix" : "advice");
			lwr_html_text(f, sc->fix);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n</section>\n", f);
}

static void layers(FILE *f, const struct lw_comparison *c,
		   const struct lw_render_opts *o)
{
	const struct lw_snap_layer *sl;
	const struct lw_cmp_layer *x;
	size_t i;

	fputs("<section id=\"layers-section\" aria-labelledby=\"layers-h\">\n"
	      "<h2 id=\"layers-h\">Layers</h2>\n<p>", f);
	count(f, "layers-shared", c->shared, "shared (");
	lwr_html_bytes(f, "layers-shared-bytes", c->shared_bytes);
	fputs("), ", f);
	count(f, "layers-added", c->added, "added (");
	lwr_html_bytes(f, "layers-added-bytes", c->added_bytes);
	fputs("), ", f);
	count(f, "layers-removed", c->removed, "removed (");
	lwr_html_bytes(f, "layers-removed-bytes", c->removed_bytes);
	fputs(").</p>\n<table id=\"layers\" class=\"sortable\"><thead><tr>"
	      "<th scope=\"col\"><button type=\"button\">Match</button></th>"
	      "<th scope=\"col\" class=\"num\"><button type=\"button\">Old #</button></th>"
	      "<th scope=\"col\" class=\"num\"><button type=\"button\">New #</button></th>"
	      "<th scope=\"col\" class=\"num\"><button type=\"button\">Old</button></th>"
	      "<th scope=\"col\" class=\"num\"><button type=\"button\">New</button></th>"
	      "<th scope=\"col\" class=\"num\"><button type=\"button\">Change</button></th>"
	      "<th scope=\"col\"><button type=\"button\">Instruction</button></th>"
	      "</tr></thead><tbody>\n", f);
	for (i = 0; i < c->nlayers; i++) {
		x = &c->layers[i];
		sl = x->new_index >= 0 ? &c->new_->layers[x->new_index] :
					 &c->old->layers[x->old_index];
		fprintf(f, "<tr class=\"clayer\" data-match=\"%s\" data-old=\"%" PRIu64
			"\" data-new=\"%" PRIu64 "\"><td>%s</td>",
			lw_cmp_match_name(x->match), x->old_bytes, x->new_bytes,
			lw_cmp_match_name(x->match));
		if (x->old_index >= 0)
			fprintf(f, "<td class=\"num\" data-v=\"%ld\">%ld</td>",
				x->old_index, x->old_index);
		else
			fputs("<td class=\"num\" data-v=\"-1\"></td>", f);
		if (x->new_index >= 0)
			fprintf(f, "<td class=\"num\" data-v=\"%ld\">%ld</td>",
				x->new_index, x->new_index);
		else
			fputs("<td class=\"num\" data-v=\"-1\"></td>", f);
		td_bytes(f, x->old_bytes);
		td_bytes(f, x->new_bytes);
		td_sbytes(f, o, x->delta);
		td_where(f, sl->file, sl->line, sl->instruction);
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table>\n</section>\n", f);
}

static void files(FILE *f, const struct lw_comparison *c,
		  const struct lw_render_opts *o)
{
	static const char *const st[] = { "added", "removed", "changed" };
	size_t i;

	if (!c->files_known)
		return;
	fputs("<section id=\"files-section\" aria-labelledby=\"files-h\">\n"
	      "<h2 id=\"files-h\">Files</h2>\n<p>", f);
	count(f, "files-added", c->files_added, "added (");
	sbytes(f, o, "files-added-bytes", c->bytes_added);
	fputs("), ", f);
	count(f, "files-removed", c->files_removed, "removed (");
	sbytes(f, o, "files-removed-bytes", c->bytes_removed);
	fputs("), ", f);
	count(f, "files-changed", c->files_changed, "changed (");
	sbytes(f, o, "files-changed-bytes", c->bytes_changed);
	fputs(").</p>\n", f);
	if (c->ndirs) {
		fputs("<table id=\"dirs\" class=\"sortable\"><caption>Top directories"
		      "</caption><thead><tr>"
		      "<th scope=\"col\"><button type=\"button\">Directory</button></th>"
		      "<th scope=\"col\" class=\"num\"><button type=\"button\">Change</button></th>"
		      "<th scope=\"col\" class=\"num\"><button type=\"button\">Files</button></th>"
		      "</tr></thead><tbody>\n", f);
		for (i = 0; i < c->ndirs; i++) {
			fputs("<tr class=\"cdir\"><td class=\"path\">/", f);
			lwr_html_text(f, c->dirs[i].path);
			fputs("</td>", f);
			td_sbytes(f, o, c->dirs[i].delta);
			fprintf(f, "<td class=\"num\" data-v=\"%" PRIu64 "\">%" PRIu64
				"</td></tr>\n", c->dirs[i].files, c->dirs[i].files);
		}
		fputs("</tbody></table>\n", f);
	}
	if (!c->nfiles) {
		fputs("</section>\n", f);
		return;
	}
	fputs("<table id=\"file-changes\" class=\"sortable\"><caption>File changes, "
	      "largest first</caption><thead><tr>"
	      "<th scope=\"col\"><button type=\"button\">File</button></th>"
	      "<th scope=\"col\"><button type=\"button\">Status</button></th>"
	      "<th scope=\"col\" class=\"num\"><button type=\"button\">Old</button></th>"
	      "<th scope=\"col\" class=\"num\"><button type=\"button\">New</button></th>"
	      "<th scope=\"col\" class=\"num\"><button type=\"button\">Change</button></th>"
	      "</tr></thead><tbody>\n", f);
	for (i = 0; i < c->nfiles && i < FILES_SHOWN; i++) {
		fprintf(f, "<tr class=\"cfile\" data-status=\"%s\"><td class=\"path\">/",
			st[c->files[i].status]);
		lwr_html_text(f, c->files[i].path);
		fprintf(f, "</td><td>%s</td>", st[c->files[i].status]);
		td_bytes(f, c->files[i].old_size);
		td_bytes(f, c->files[i].new_size);
		td_sbytes(f, o, c->files[i].delta);
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
	if (c->nfiles > FILES_SHOWN)
		fprintf(f, "<p class=\"muted\" id=\"files-more\">and %zu more: "
			"<code>layerwaste diff -f json</code> lists them all.</p>\n",
			c->nfiles - FILES_SHOWN);
	fputs("</section>\n", f);
}

static void notes(FILE *f, const struct lw_comparison *c)
{
	size_t i;

	if (!c->notes.count)
		return;
	fputs("<section id=\"notes\" aria-labelledby=\"notes-h\">\n"
	      "<h2 id=\"notes-h\">Notes</h2>\n<ul>\n", f);
	for (i = 0; i < c->notes.count; i++) {
		fputs("<li>", f);
		lwr_html_text(f, c->notes.items[i]);
		fputs("</li>\n", f);
	}
	fputs("</ul>\n</section>\n", f);
}

/* The JSON diff inside <script type="application/json">: <, > and & only
 * occur inside its strings, where \u escapes mean the same; U+2028 and
 * U+2029 likewise. Nothing in it can then end the element. */
static int data(FILE *f, const struct lw_comparison *c,
		const struct lw_render_opts *o)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *m = open_memstream(&buf, &len);
	int rc;

	if (!m)
		return -1;
	rc = lw_render_compare_json(m, c, o);
	if (fclose(m) || rc) {
		free(buf);
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)buf[i];

		if (ch == '<' || ch == '>' || ch == '&')
			fprintf(f, "\\u%04x", ch);
		else if (ch == 0xe2 && i + 2 < len &&
			 (unsigned char)buf[i + 1] == 0x80 &&
			 ((unsigned char)buf[i + 2] == 0xa8 ||
			  (unsigned char)buf[i + 2] == 0xa9)) {
			fprintf(f, "\\u%04x", 0x2000 + (unsigned char)buf[i + 2] - 0x80);
			i += 2;
		} else {
			fputc(ch, f);
		}
	}
	free(buf);
	return 0;
}

int lw_render_compare_html(FILE *f, const struct lw_comparison *c,
			   const struct lw_render_opts *opts)
{
	struct lw_render_opts o = lwr_opts(opts);
	struct lw_strbuf t = LW_STRBUF_INIT;
	int rc;

	lw_strbuf_addf(&t, "layerwaste diff: %s to %s", c->old->name,
		       c->new_->name);
	lwr_html_head(f, t.buf);
	lw_strbuf_release(&t);
	header(f, c, &o);
	fputs("<main>\n", f);
	summary(f, c, &o);
	rules(f, c);
	waste(f, c, &o);
	layers(f, c, &o);
	files(f, c, &o);
	notes(f, c);
	fprintf(f, "</main>\n<footer>Written by layerwaste %s. This page makes no "
		"network request; its data (the JSON diff) is below, in the page."
		"</footer>\n<pre id=\"lw-selftest\" hidden></pre>\n"
		"<script type=\"application/json\" id=\"lw-diff-data\">",
		lw_version());
	rc = data(f, c, &o);
	fputs("</script>\n<script>\n", f);
	fputs(sort_js, f);
	fputs("</script>\n</body>\n</html>\n", f);
	return rc ? -1 : lwr_finish(f);
}
