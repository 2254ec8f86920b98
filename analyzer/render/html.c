/* The HTML report: one self-contained page for dashboards and CI
 * artifacts. The summary, the layers, the causes with their fixes, the
 * --fix diff and the checks are plain HTML (readable without JavaScript);
 * the treemap, the findings table and the filters are drawn by the
 * embedded script (html/report.js) from the JSON data in the page
 * (html_data.c). Nothing is fetched: no font, no script, no image.
 *
 * Every string that comes from the image, the Dockerfile or the user goes
 * through lwr_html_text (or lwr_html_json_str inside the data), so a file
 * named "<img src=x onerror=...>" is shown as text. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/attrib.h"
#include "layerwaste/checks.h"
#include "layerwaste/engine.h"
#include "layerwaste/judge.h"
#include "layerwaste/util.h"
#include "ci_priv.h"
#include "html_priv.h"
#include "render_priv.h"

/* Example paths listed under a cause; the table has them all. */
#define CAUSE_PATHS 5
/* Warnings listed; the JSON report has up to 100 of each kind. */
#define WARNINGS_SHOWN 20

void lwr_html_text(FILE *f, const char *s)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	const char *p;

	lwr_printable(&sb, s ? s : "");
	for (p = sb.buf; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*p, f);
		}
	}
	lw_strbuf_release(&sb);
}

void lwr_html_bytes(FILE *f, const char *id, uint64_t n)
{
	char buf[32];

	fputs("<span class=\"bytes\"", f);
	if (id)
		fprintf(f, " id=\"%s\"", id);
	fprintf(f, " data-bytes=\"%" PRIu64 "\" title=\"%" PRIu64 " bytes\">%s</span>",
		n, n, lw_human_bytes(n, buf, sizeof(buf)));
}

static double percent(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

void lwr_html_head(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"color-scheme\" content=\"light dark\">\n"
	      /* Nothing may leave the file: no request of any kind. */
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
	      "<title>", f);
	lwr_html_text(f, title);
	fputs("</title>\n<style>\n", f);
	fputs(lwr_html_css, f);
	fputs("</style>\n</head>\n<body>\n", f);
}

static void head(FILE *f, const struct lw_result *r)
{
	struct lw_strbuf t = LW_STRBUF_INIT;

	lw_strbuf_addf(&t, "layerwaste: %s", lwr_image_name(r->analysis));
	lwr_html_head(f, t.buf);
	lw_strbuf_release(&t);
	fputs("<a class=\"skip\" href=\"#treemap-section\">Skip to the treemap</a>\n", f);
}

static void meta_row(FILE *f, const char *key, const char *value)
{
	fprintf(f, "<dt>%s</dt><dd>", key);
	if (value)
		lwr_html_text(f, value);
	else
		fputs("<span class=\"muted\">unknown</span>", f);
	fputs("</dd>\n", f);
}

static void header(FILE *f, const struct lw_result *r)
{
	const struct lw_analysis *an = r->analysis;
	const struct lw_image *img = an->image;
	const char *verdict = lwr_verdict(r);
	char n[32];
	size_t i;

	fputs("<header>\n<h1>layerwaste <span class=\"name\">", f);
	lwr_html_text(f, lwr_image_name(an));
	fprintf(f, "</span> <span class=\"verdict v-%s\" id=\"verdict\">%s</span></h1>\n",
		verdict, verdict);
	fputs("<dl class=\"meta\">\n", f);
	meta_row(f, "Source", img->source);
	fputs("<dt>Tags</dt><dd>", f);
	for (i = 0; i < img->ntags; i++) {
		if (i)
			fputs(", ", f);
		lwr_html_text(f, img->tags[i]);
	}
	if (!img->ntags)
		fputs("<span class=\"muted\">none</span>", f);
	fputs("</dd>\n", f);
	meta_row(f, "Config digest", img->config_digest);
	meta_row(f, "Platform", img->platform);
	meta_row(f, "Format", img->format);
	snprintf(n, sizeof(n), "%zu", img->nlayers);
	fprintf(f, "<dt>Layers</dt><dd id=\"layer-count\" data-count=\"%zu\">%s</dd>\n",
		img->nlayers, n);
	fputs("</dl>\n</header>\n", f);
}

static void summary(FILE *f, const struct lw_result *r)
{
	const struct lw_analysis *an = r->analysis;
	int k;

	fputs("<section id=\"summary\" aria-labelledby=\"summary-h\">\n"
	      "<h2 id=\"summary-h\">Summary</h2>\n<div class=\"cards\">\n", f);
	fputs("<div class=\"card\"><div class=\"label\">Total</div><div class=\"big\">", f);
	lwr_html_bytes(f, "total-bytes", an->total_bytes);
	fprintf(f, "</div><div class=\"sub\">in %zu layer%s</div></div>\n",
		an->image->nlayers, lw_plural(an->image->nlayers));
	fputs("<div class=\"card\"><div class=\"label\">Final</div><div class=\"big\">", f);
	lwr_html_bytes(f, "visible-bytes", an->visible_bytes);
	fprintf(f, "</div><div class=\"sub\"><span id=\"file-count\" data-count=\"%" PRIu64
		"\">%" PRIu64 "</span> file%s</div></div>\n", an->file_count,
		an->file_count, lw_plural(an->file_count));
	fputs("<div class=\"card waste\"><div class=\"label\">Wasted</div><div class=\"big\">", f);
	lwr_html_bytes(f, "wasted-bytes", an->wasted_bytes);
	fprintf(f, "</div><div class=\"sub\"><span id=\"wasted-percent\">%.2f</span> %% "
		"of total, in <span id=\"finding-count\" data-count=\"%zu\">%zu</span> "
		"files</div></div>\n", lw_analysis_wasted_percent(an), an->nfindings,
		an->nfindings);
	fputs("</div>\n<table class=\"kinds\"><caption>Wasted by kind</caption>\n"
	      "<thead><tr><th scope=\"col\">Kind</th><th scope=\"col\" class=\"num\">Bytes</th>"
	      "<th scope=\"col\" class=\"num\">Files</th></tr></thead><tbody>\n", f);
	for (k = 0; k < LW_KIND_COUNT; k++) {
		fprintf(f, "<tr data-kind=\"%s\"><td><span class=\"swatch k%d\"></span>%s</td>"
			"<td class=\"num\">", lw_kind_name(k), k, lw_kind_name(k));
		lwr_html_bytes(f, NULL, an->by_kind[k]);
		fprintf(f, "</td><td class=\"num\">%" PRIu64 "</td></tr>\n",
			an->files_by_kind[k]);
	}
	fputs("</tbody></table>\n<p>Duplicates: ", f);
	lwr_html_bytes(f, "duplicate-bytes", an->duplicate_bytes);
	fputs(" in identical files at other paths (not counted as waste).</p>\n", f);
	fputs("<p>dive would report: efficiency <span id=\"dive-efficiency\">", f);
	fprintf(f, "%.4f</span> %%, wasted ", an->dive.efficiency * 100.0);
	lwr_html_bytes(f, "dive-wasted-bytes", an->dive.wasted_bytes);
	fprintf(f, ", user wasted %.2f %% (it counts every copy of a path seen twice, "
		"the one kept too).</p>\n", an->dive.user_wasted_percent * 100.0);
	fputs("</section>\n", f);
}

static void rules(FILE *f, const struct lw_result *r)
{
	const struct lw_rules_report *rr = r->rules;
	size_t i;

	if (!rr || !rr->evaluated)
		return;
	fprintf(f, "<section id=\"rules\" aria-labelledby=\"rules-h\">\n"
		"<h2 id=\"rules-h\">Rules: %s, %zu of %zu failed</h2>\n"
		"<table><thead><tr><th scope=\"col\">Status</th><th scope=\"col\">Rule</th>"
		"<th scope=\"col\">Threshold</th><th scope=\"col\">Actual</th>"
		"<th scope=\"col\">Message</th></tr></thead><tbody>\n",
		rr->passed ? "PASS" : "FAIL", rr->nfailed, rr->nresults);
	for (i = 0; i < rr->nresults; i++) {
		const struct lw_rule_result *x = &rr->results[i];
		const char *st = lw_rule_status_name(x->status);

		fprintf(f, "<tr><td><span class=\"st st-%s\">%s</span></td><td>%s</td><td>",
			st, st, lw_rule_id(x->rule));
		lwr_html_text(f, x->threshold);
		fputs("</td><td>", f);
		lwr_html_text(f, x->actual);
		fputs("</td><td>", f);
		lwr_html_text(f, x->message);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n</section>\n", f);
}

static void treemap(FILE *f)
{
	fputs("<section id=\"treemap-section\" aria-labelledby=\"treemap-h\">\n"
	      "<h2 id=\"treemap-h\">Final file system</h2>\n"
	      "<p class=\"hint\">Area is bytes in the final image, colour the wasted "
	      "bytes hidden under each directory. Click a directory (or press Enter) "
	      "to zoom in; Backspace or the path above goes back.</p>\n"
	      "<nav id=\"crumbs\" aria-label=\"Directory\"></nav>\n"
	      "<div id=\"treemap-info\" aria-live=\"polite\"></div>\n"
	      "<div id=\"treemap\" role=\"group\" aria-label=\"Treemap\">"
	      "<noscript><p>The treemap needs JavaScript; the summary, layers and "
	      "causes on this page do not.</p></noscript></div>\n"
	      "<div class=\"legend\" id=\"legend\"></div>\n</section>\n", f);
}

static void layers(FILE *f, const struct lw_result *r)
{
	const struct lw_analysis *an = r->analysis;
	const struct lw_image *img = an->image;
	struct lw_strbuf label = LW_STRBUF_INIT;
	uint64_t max = 1, sz;
	size_t i;

	for (i = 0; i < img->nlayers; i++) {
		sz = img->layers[i].index ? img->layers[i].index->file_bytes : 0;
		if (sz > max)
			max = sz;
	}
	fputs("<section id=\"layers-section\" aria-labelledby=\"layers-h\">\n"
	      "<h2 id=\"layers-h\">Layers</h2>\n"
	      "<p class=\"hint\">Bar: the layer's bytes; the part in colour is its "
	      "waste. Click a layer to filter the treemap, the causes and the "
	      "findings to it; click it again to show all.</p>\n"
	      "<ol id=\"layers\" class=\"bars\" start=\"0\">\n", f);
	for (i = 0; i < img->nlayers; i++) {
		sz = img->layers[i].index ? img->layers[i].index->file_bytes : 0;
		lwr_layer_label(r, i, &label);
		fprintf(f, "<li><button type=\"button\" class=\"layer\" data-layer=\"%zu\" "
			"data-bytes=\"%" PRIu64 "\" data-wasted=\"%" PRIu64 "\" aria-pressed=\"false\">"
			"<span class=\"idx\">%zu</span><span class=\"lsize\">",
			i, sz, an->layers[i].wasted_bytes, i);
		lwr_html_bytes(f, NULL, sz);
		fprintf(f, "</span><span class=\"lwaste%s\">",
			an->layers[i].wasted_bytes ? "" : " zero");
		lwr_html_bytes(f, NULL, an->layers[i].wasted_bytes);
		fputs("</span><span class=\"llabel\">", f);
		lwr_html_text(f, label.buf);
		fprintf(f, "</span><span class=\"track\"><span class=\"bar\" style=\"width:%.3f%%\">"
			"<span class=\"wbar\" style=\"width:%.3f%%\"></span></span></span>"
			"</button></li>\n", percent(sz, max),
			sz ? percent(an->layers[i].wasted_bytes > sz ? sz :
				     an->layers[i].wasted_bytes, sz) : 0.0);
	}
	fputs("</ol>\n</section>\n", f);
	lw_strbuf_release(&label);
}

static void pre_lines(FILE *f, const char *text, char mark)
{
	const char *p = text, *nl;
	char *line;

	while (p && *p) {
		nl = strchr(p, '\n');
		line = nl ? strndup(p, (size_t)(nl - p)) : strdup(p);
		if (!line)
			abort();
		fprintf(f, "<span class=\"%s\">%c ", mark == '-' ? "del" : "add", mark);
		lwr_html_text(f, line);
		fputs("</span>", f);
		free(line);
		p = nl ? nl + 1 : NULL;
	}
}

static void fix(FILE *f, const struct lw_suggestion *s)
{
	fprintf(f, "<div class=\"fix\"><span class=\"fixkind\">%s</span> ",
		s->safe ? "fix, applied by --fix" : "advice");
	lwr_html_text(f, s->title);
	if (s->detail) {
		fputs("<div class=\"detail\">", f);
		lwr_html_text(f, s->detail);
		fputs("</div>", f);
	}
	if (s->before || s->after) {
		fputs("<pre class=\"diff\">", f);
		pre_lines(f, s->before, '-');
		pre_lines(f, s->after, '+');
		fputs("</pre>", f);
	}
	fputs("</div>\n", f);
}

/* The package-db causes as one (attrib.h, lw_pkgdb_chain): its bytes,
 * churn and inherent, each install step with the bytes its rewrite made
 * unreachable, the files once each, and the merge. */
static void pkgdb_cause(FILE *f, const struct lw_result *r,
			const struct lw_pkgdb_chain *c)
{
	const struct lw_analysis *an = r->analysis;
	struct lw_strbuf sb = LW_STRBUF_INIT;
	int judge_base = r->rules && r->rules->judge_base;
	uint32_t from = c->nsteps ? c->steps[0] : 0;
	size_t i;

	for (i = 0; i < c->ngroups; i++)
		if (an->groups[c->groups[i]].from_layer < from)
			from = an->groups[c->groups[i]].from_layer;
	fprintf(f, "<li class=\"cause pkgdb\" data-category=\"package-db\" "
		"data-layer=\"%" PRIu32 "\" data-from=\"%" PRIu32 "\" data-bytes=\"%"
		PRIu64 "\" data-churn=\"%" PRIu64 "\" data-inherent=\"%" PRIu64
		"\" data-rewrites=\"%zu\" data-layers=\"", c->nsteps ?
		c->steps[c->nsteps - 1] : 0, from,
		c->churn_bytes + c->inherent_bytes, c->churn_bytes,
		c->inherent_bytes, c->ngroups);
	if (from < (c->nsteps ? c->steps[0] : 0))
		fprintf(f, "%" PRIu32 " ", from);
	for (i = 0; i < c->nsteps; i++)
		fprintf(f, "%s%" PRIu32, i ? " " : "", c->steps[i]);
	fprintf(f, "\"><div class=\"ctitle\"><span class=\"swatch k%d\"></span>"
		"<strong>package database</strong>: rewritten by %zu install "
		"steps, %zu rewrite%s, ", LW_KIND_OVERWRITE, c->nsteps,
		c->ngroups, lw_plural(c->ngroups));
	lwr_html_bytes(f, NULL, c->churn_bytes + c->inherent_bytes);
	fputs(" (<span class=\"churn\">", f);
	lwr_html_bytes(f, "pkgdb-churn", c->churn_bytes);
	fputs(" churn</span>; <span class=\"inherent\">", f);
	lwr_html_bytes(f, "pkgdb-inherent", c->inherent_bytes);
	fprintf(f, " inherent%s</span>)</div>\n<ol class=\"steps\">",
		judge_base ? "" : ", not judged");
	for (i = 0; i < c->nsteps; i++) {
		fprintf(f, "<li class=\"step\" data-layer=\"%" PRIu32 "\" "
			"data-churn=\"%" PRIu64 "\" data-inherent=\"%" PRIu64
			"\"><strong>layer %" PRIu32 "</strong> ", c->steps[i],
			c->step_churn[i], c->step_inherent[i], c->steps[i]);
		lwr_layer_label(r, c->steps[i], &sb);
		fputs("<span class=\"cline\">", f);
		lwr_html_text(f, sb.buf);
		fputs("</span>: ", f);
		if (c->step_inherent[i]) {
			fputs("rewrote the base image's copy, ", f);
			lwr_html_bytes(f, NULL, c->step_inherent[i]);
			fprintf(f, " inherent%s", judge_base ? "" :
				" (not judged)");
		}
		if (c->step_churn[i]) {
			fputs(c->step_inherent[i] ? "; " : "", f);
			fputs("rewrote the build's own copy, ", f);
			lwr_html_bytes(f, NULL, c->step_churn[i]);
			fputs(" churn", f);
		}
		if (!c->step_inherent[i] && !c->step_churn[i])
			fputs("wrote the copy the later steps rewrote", f);
		fputs("</li>", f);
	}
	fputs("</ol>\n<ul class=\"paths\">", f);
	for (i = 0; i < c->nfiles && i < CAUSE_PATHS; i++) {
		fputs("<li>/", f);
		lwr_html_text(f, an->findings[c->files[i]].path);
		fputs("</li>", f);
	}
	if (c->nfiles > CAUSE_PATHS)
		fprintf(f, "<li class=\"muted\">and %zu more</li>",
			c->nfiles - CAUSE_PATHS);
	fputs("</ul>\n", f);
	fix(f, &r->attribution->suggestions[c->suggestion]);
	fputs("</li>\n", f);
	lw_strbuf_release(&sb);
}

static void causes(FILE *f, const struct lw_result *r)
{
	const struct lw_analysis *an = r->analysis;
	struct lw_strbuf sb = LW_STRBUF_INIT;
	const struct lw_suggestion *s;
	struct lw_pkgdb_chain chain;
	int grouped = lw_pkgdb_chain(an, r->attribution, &chain), shown = 0;
	size_t g, i;

	fputs("<section id=\"causes-section\" aria-labelledby=\"causes-h\">\n"
	      "<h2 id=\"causes-h\">Waste by cause, largest first</h2>\n", f);
	if (!an->ngroups)
		fputs("<p>No waste: every byte stored is in the final image.</p>\n", f);
	fputs("<ol id=\"causes\" class=\"causes\">\n", f);
	for (g = 0; g < an->ngroups; g++) {
		const struct lw_group *gr = &an->groups[g];

		/* Install steps that rewrote the package database: one
		 * cause where the first of them would be. */
		if (grouped && lw_pkgdb_chain_has(&chain, g)) {
			if (!shown++)
				pkgdb_cause(f, r, &chain);
			continue;
		}
		fprintf(f, "<li class=\"cause\" data-layer=\"%" PRIu32 "\" data-from=\"%" PRIu32
			"\" data-bytes=\"%" PRIu64 "\"><div class=\"ctitle\">"
			"<span class=\"swatch k%d\"></span><strong>layer %" PRIu32 "</strong>: ",
			gr->layer, gr->from_layer, gr->bytes, gr->kind, gr->layer);
		lw_strbuf_reset(&sb);
		lwr_group_title(an, g, &sb);
		lwr_html_text(f, sb.buf);
		fputs("</div>\n<div class=\"cline\">", f);
		lwr_layer_label(r, gr->layer, &sb);
		lwr_html_text(f, sb.buf);
		fputs("</div>\n<ul class=\"paths\">", f);
		for (i = 0; i < gr->count && i < CAUSE_PATHS; i++) {
			fputs("<li>/", f);
			lwr_html_text(f, an->findings[gr->first + i].path);
			fputs("</li>", f);
		}
		if (gr->count > CAUSE_PATHS)
			fprintf(f, "<li class=\"muted\">and %zu more</li>",
				gr->count - CAUSE_PATHS);
		fputs("</ul>\n", f);
		if ((s = lwr_group_fix(r, g)))
			fix(f, s);
		fputs("</li>\n", f);
	}
	fputs("</ol>\n</section>\n", f);
	lw_strbuf_release(&sb);
	lw_pkgdb_chain_release(&chain);
}

/* The --fix diff, coloured: what `layerwaste --fix` would print. */
static void diff(FILE *f, const struct lw_result *r)
{
	const struct lw_attribution *at = r->attribution;
	const char *p, *nl, *cls;
	char *d, *line;

	if (!at || !at->dockerfile)
		return;
	d = lw_attribution_diff(at);
	fputs("<section id=\"diff-section\" aria-labelledby=\"diff-h\">\n"
	      "<h2 id=\"diff-h\">The safe fixes as a diff (<code>--fix</code>)</h2>\n", f);
	if (at->alignment_note) {
		fputs("<p class=\"note\">", f);
		lwr_html_text(f, at->alignment_note);
		fputs("</p>\n", f);
	}
	if (!*d) {
		fputs("<p>No fix can be applied safely.</p>\n</section>\n", f);
		free(d);
		return;
	}
	fputs("<pre class=\"diff\" id=\"fix-diff\">", f);
	for (p = d; *p; p = nl ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		line = nl ? strndup(p, (size_t)(nl - p)) : strdup(p);
		if (!line)
			abort();
		if (!strncmp(line, "+++", 3) || !strncmp(line, "---", 3))
			cls = "file";
		else if (line[0] == '@')
			cls = "hunk";
		else if (line[0] == '+')
			cls = "add";
		else if (line[0] == '-')
			cls = "del";
		else
			cls = "ctx";
		fprintf(f, "<span class=\"%s\">", cls);
		lwr_html_text(f, line);
		fputs("</span>", f);
		free(line);
		if (!nl)
			break;
	}
	fputs("</pre>\n</section>\n", f);
	free(d);
}

static void findings(FILE *f, const struct lw_result *r)
{
	int k;

	fprintf(f, "<section id=\"findings-section\" aria-labelledby=\"findings-h\">\n"
		"<h2 id=\"findings-h\">Findings</h2>\n"
		"<noscript><p>The table of the %zu findings needs JavaScript; "
		"<code>--format json</code> lists them all.</p></noscript>\n"
		"<div class=\"filters\" id=\"filters\">"
		"<label>Kind <select id=\"f-kind\"><option value=\"\">all</option>",
		r->analysis->nfindings);
	for (k = 0; k < LW_KIND_COUNT; k++)
		fprintf(f, "<option value=\"%d\">%s</option>", k, lw_kind_name(k));
	fputs("</select></label> <label>Layer <select id=\"f-layer\">"
	      "<option value=\"\">all</option></select></label> "
	      "<label>Path <input id=\"f-path\" type=\"search\" placeholder=\"part of a path\">"
	      "</label> <span id=\"f-count\" aria-live=\"polite\"></span></div>\n"
	      "<table id=\"findings\"><thead><tr>"
	      "<th scope=\"col\" data-col=\"0\"><button type=\"button\">Kind</button></th>"
	      "<th scope=\"col\" data-col=\"4\"><button type=\"button\">Path</button></th>"
	      "<th scope=\"col\" data-col=\"1\" class=\"num\"><button type=\"button\">Layer</button></th>"
	      "<th scope=\"col\" data-col=\"2\" class=\"num\"><button type=\"button\">From layer</button></th>"
	      "<th scope=\"col\" data-col=\"3\" class=\"num\" aria-sort=\"descending\">"
	      "<button type=\"button\">Bytes</button></th>"
	      "</tr></thead><tbody></tbody></table>\n"
	      "<p id=\"findings-more\"></p>\n</section>\n", f);
}

static void checks(FILE *f, const struct lw_result *r)
{
	const struct lw_checks *cs = lwr_checks(r);
	size_t i, j;

	if (!cs)
		return;
	fprintf(f, "<section id=\"checks-section\" aria-labelledby=\"checks-h\">\n"
		"<h2 id=\"checks-h\">Checks (profile %s): %zu of %zu failed (%zu errors)</h2>\n"
		"<ul class=\"checks\">\n", lw_profile_name(cs->profile), cs->nfailed,
		cs->n, cs->nerrors);
	for (i = 0; i < cs->n; i++) {
		const struct lw_check *k = &cs->checks[i];
		const char *st = lw_check_status_name(k->status);

		fprintf(f, "<li class=\"check\" data-status=\"%s\"><div class=\"ctitle\">"
			"<span class=\"st st-%s\">%s</span> <span class=\"sev\">%s</span> "
			"<strong>%s</strong>: ", st, st, st,
			lw_check_severity_name(k->severity), k->id);
		lwr_html_text(f, k->title);
		fputs("</div><p>", f);
		lwr_html_text(f, k->message);
		fputs("</p>\n", f);
		for (j = 0; j < k->nitems; j++) {
			const struct lw_check_item *it = &k->items[j];

			fputs("<div class=\"item\"><div>", f);
			if (it->file && it->line > 0) {
				lwr_html_text(f, it->file);
				fprintf(f, ":%d: ", it->line);
			}
			lwr_html_text(f, it->subject);
			fputs("</div>", f);
			if (it->detail) {
				fputs("<div class=\"detail\">", f);
				lwr_html_text(f, it->detail);
				fputs("</div>", f);
			}
			if (it->fix) {
				fputs("<pre class=\"diff\">", f);
				pre_lines(f, it->fix, '+');
				fputs("</pre>", f);
			}
			fputs("</div>\n", f);
		}
		if (k->nmore)
			fprintf(f, "<p class=\"muted\">and %zu more</p>\n", k->nmore);
		fputs("<blockquote>", f);
		lwr_html_text(f, k->docs);
		fputs("</blockquote></li>\n", f);
	}
	fputs("</ul>\n</section>\n", f);
}

static void warnings(FILE *f, const struct lw_result *r)
{
	const struct lw_warnings *w[2] = { &r->image->warnings,
					   &r->analysis->warnings };
	size_t total = w[0]->total + w[1]->total, shown = 0, i, j;

	if (!total)
		return;
	fprintf(f, "<section id=\"warnings\" aria-labelledby=\"warnings-h\">\n"
		"<h2 id=\"warnings-h\">Warnings: %zu</h2>\n<ul>\n", total);
	for (j = 0; j < 2; j++)
		for (i = 0; i < w[j]->count && shown < WARNINGS_SHOWN; i++, shown++) {
			fputs("<li>", f);
			lwr_html_text(f, w[j]->items[i]);
			fputs("</li>\n", f);
		}
	if (total > shown)
		fprintf(f, "<li class=\"muted\">%zu more</li>\n", total - shown);
	fputs("</ul>\n</section>\n", f);
}

int lw_render_html(FILE *f, const struct lw_result *r,
		   const struct lw_render_opts *o)
{
	(void)o;
	head(f, r);
	header(f, r);
	fputs("<main>\n", f);
	summary(f, r);
	rules(f, r);
	treemap(f);
	layers(f, r);
	causes(f, r);
	diff(f, r);
	findings(f, r);
	checks(f, r);
	warnings(f, r);
	fprintf(f, "</main>\n<footer>Written by layerwaste %s. This page makes no "
		"network request; its data is below, in the page.</footer>\n"
		"<pre id=\"lw-selftest\" hidden></pre>\n"
		"<script type=\"application/json\" id=\"lw-data\">", lw_version());
	lwr_html_data(f, r);
	fputs("</script>\n<script>\n", f);
	fputs(lwr_html_js, f);
	fputs("</script>\n</body>\n</html>\n", f);
	return lwr_finish(f);
}
