/* The terminal report: header, summary, layer table, waste by cause, the
 * largest wasted files, warnings. Every line fits the width; every name
 * from the archive is escaped. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/engine.h"
#include "layerwaste/util.h"
#include "layerwaste/render.h"
#include "layerwaste/attrib.h"
#include "ci_priv.h"
#include "render_priv.h"

#define LABEL_COLS 15   /* summary labels, after a two-space indent */
#define MAX_PATHS 3     /* paths listed under a cause */
#define MIN_INLINE_HISTORY 24 /* columns worth giving a cut history */
#define MIN_PATH_COLS 16 /* below this, a path gets the whole line */

static const char *kind_str(int kind)
{
	const char *s = lw_kind_name(kind);

	return s ? s : "?";
}

static void label(struct lwr_line *l, const char *text)
{
	lwr_line_add(l, "  ");
	lwr_line_add(l, text);
	lwr_line_pad(l, 2 + LABEL_COLS);
}

static void text_summary(struct lwr_line *l, const struct lw_result *r,
			 const struct lw_render_opts *o)
{
	const struct lw_analysis *an = r->analysis;
	uint64_t base = lwr_inherited_bytes(r);
	char a[32], b[32];
	int k;

	lwr_line_end(l);
	lwr_line_heading(l, "Summary");
	label(l, "Total size");
	lwr_line_addf(l, "%s in %zu layer%s",
		      lwr_size(o, an->total_bytes, a, sizeof(a)),
		      an->image->nlayers, lw_plural(an->image->nlayers));
	lwr_line_end(l);
	label(l, "Final size");
	lwr_line_addf(l, "%s in %" PRIu64 " file%s",
		      lwr_size(o, an->visible_bytes, a, sizeof(a)),
		      an->file_count, lw_plural(an->file_count));
	lwr_line_end(l);
	label(l, "Wasted");
	lwr_line_sgr(l, LWR_BOLD);
	lwr_line_add(l, lwr_size(o, an->wasted_bytes, a, sizeof(a)));
	lwr_line_sgr(l, LWR_RESET);
	lwr_line_addf(l, ", %.2f %% of total", lw_analysis_wasted_percent(an));
	lwr_line_end(l);
	for (k = 0; k < LW_KIND_COUNT; k++) {
		if (an->by_kind[k] == 0)
			continue;
		lwr_line_add(l, "    ");
		lwr_line_sgr(l, lwr_kind_color(k));
		lwr_line_add(l, kind_str(k));
		lwr_line_sgr(l, LWR_RESET);
		lwr_line_pad(l, 2 + LABEL_COLS);
		lwr_line_addf(l, "%s in %" PRIu64 " file%s",
			      lwr_size(o, an->by_kind[k], a, sizeof(a)),
			      an->files_by_kind[k],
			      lw_plural(an->files_by_kind[k]));
		lwr_line_end(l);
	}
	if (base) {
		label(l, "Base image");
		lwr_line_addf(l, "%s inherited (not this Dockerfile's to fix), ",
			      lwr_size(o, base, a, sizeof(a)));
		lwr_line_addf(l, "%s own", lwr_size(o, an->wasted_bytes - base,
						     b, sizeof(b)));
		lwr_line_end(l);
	}
	if (r->baseline) {
		label(l, "Baseline");
		lwr_line_addf(l, "causes: %zu new, %zu grown, %zu unchanged, "
			      "%zu fixed, against ", r->baseline->nnew,
			      r->baseline->ngrown, r->baseline->nunchanged,
			      r->baseline->nfixed);
		lwr_line_esc(l, r->baseline->source, -1, 0);
		lwr_line_end(l);
	}
	if (an->duplicate_bytes) {
		label(l, "Duplicates");
		lwr_line_addf(l, "%s in identical files at other paths, "
			      "not counted as waste",
			      lwr_size(o, an->duplicate_bytes, a, sizeof(a)));
		lwr_line_end(l);
	}
	lwr_line_addf(l, "  dive would report: efficiency %.2f %%, wasted %s, "
		      "user wasted %.2f %%", an->dive.efficiency * 100.0,
		      lwr_size(o, an->dive.wasted_bytes, b, sizeof(b)),
		      an->dive.user_wasted_percent * 100.0);
	lwr_line_end(l);
}

static uint64_t layer_bytes(const struct lw_image *img, size_t i)
{
	return img->layers[i].index ? img->layers[i].index->file_bytes : 0;
}

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

static void text_layers(struct lwr_line *l, const struct lw_result *r,
			const struct lw_render_opts *o)
{
	const struct lw_analysis *an = r->analysis;
	const struct lw_image *img = an->image;
	struct lw_strbuf cb = LW_STRBUF_INIT;
	int iw = 1, sw = 4, ww = 5;
	char a[32];
	size_t i;

	lwr_line_end(l);
	lwr_line_heading(l, "Layers");
	for (i = 0; i < img->nlayers; i++) {
		iw = max_int(iw, snprintf(a, sizeof(a), "%zu", i));
		lwr_size(o, layer_bytes(img, i), a, sizeof(a));
		sw = max_int(sw, (int)strlen(a));
		lwr_size(o, an->layers[i].wasted_bytes, a, sizeof(a));
		ww = max_int(ww, (int)strlen(a));
	}
	lwr_line_addf(l, "  %*s  %*s  %*s  Created by", iw, "#", sw, "Size",
		      ww, "Waste");
	lwr_line_end(l);
	for (i = 0; i < img->nlayers; i++) {
		lwr_line_addf(l, "  %*zu", iw, i);
		lwr_size(o, layer_bytes(img, i), a, sizeof(a));
		lwr_line_addf(l, "  %*s", sw, a);
		lwr_size(o, an->layers[i].wasted_bytes, a, sizeof(a));
		lwr_line_addf(l, "  %*s", ww, a);
		lwr_layer_label(r, i, &cb);
		if (cb.len) {
			lwr_line_add(l, "  ");
			lwr_line_esc(l, cb.buf, -1, 0);
		}
		lwr_line_end(l);
	}
	lw_strbuf_release(&cb);
}

/* What a cause did, in three parts: the middle one is coloured. */
static void group_body(const struct lw_group *g, const struct lw_render_opts *o,
		       struct lw_strbuf *pre, const char **verb,
		       struct lw_strbuf *post)
{
	char a[32];

	lwr_size(o, g->bytes, a, sizeof(a));
	switch (g->kind) {
	case LW_KIND_OVERWRITE:
	case LW_KIND_DELETE:
		*verb = g->kind == LW_KIND_DELETE ? "deleted" : "overwrote";
		lw_strbuf_addf(post, " %" PRIu64 " file%s of layer %" PRIu32
			       " (%s)%s", g->files, lw_plural(g->files),
			       g->from_layer, a, g->kind == LW_KIND_DELETE ?
			       ", still stored there" : "");
		return;
	case LW_KIND_CHOWN:
		*verb = "only to change owner";
		break;
	case LW_KIND_CHMOD:
		*verb = "only to change mode";
		break;
	case LW_KIND_CHOWN_CHMOD:
		*verb = "only to change owner and mode";
		break;
	default:
		*verb = "only to change mtime/xattrs";
		break;
	}
	lw_strbuf_addf(pre, "%s in %" PRIu64 " file%s copied from layer %"
		       PRIu32 " ", a, g->files, lw_plural(g->files),
		       g->from_layer);
}

static void text_group(struct lwr_line *l, const struct lw_result *r,
		       const struct lw_group *g, const struct lw_render_opts *o)
{
	const struct lw_analysis *an = r->analysis;
	struct lw_strbuf pre = LW_STRBUF_INIT, post = LW_STRBUF_INIT;
	struct lw_strbuf cb = LW_STRBUF_INIT;
	const char *verb = "";
	int body, room, inline_cb;
	size_t i;

	group_body(g, o, &pre, &verb, &post);
	body = lwr_escaped_cols(pre.buf) + lwr_escaped_cols(verb) +
	       lwr_escaped_cols(post.buf);
	lwr_line_addf(l, "  layer %" PRIu32, g->layer);
	lwr_layer_label(r, g->layer, &cb);
	room = lwr_line_room(l) - 1 - 2 - body;
	inline_cb = cb.len && (lwr_escaped_cols(cb.buf) <= room ||
			       room >= MIN_INLINE_HISTORY);
	if (inline_cb) {
		lwr_line_add(l, " ");
		lwr_line_esc(l, cb.buf, room, 0);
	}
	lwr_line_add(l, ": ");
	lwr_line_add(l, pre.buf);
	lwr_line_sgr(l, lwr_kind_color(g->kind));
	lwr_line_add(l, verb);
	lwr_line_sgr(l, LWR_RESET);
	lwr_line_add(l, post.buf);
	lwr_line_end(l);
	/* Too narrow to say both on one line: the history gets its own. */
	if (cb.len && !inline_cb) {
		lwr_line_add(l, "    ");
		lwr_line_esc(l, cb.buf, -1, 0);
		lwr_line_end(l);
	}
	for (i = 0; i < g->count && i < MAX_PATHS; i++) {
		if (g->first + i >= an->nfindings)
			break;
		lwr_line_add(l, "      ");
		lwr_line_path(l, an->findings[g->first + i].path, -1);
		lwr_line_end(l);
	}
	if (g->count > MAX_PATHS) {
		lwr_line_addf(l, "      ... and %zu more",
			      g->count - MAX_PATHS);
		lwr_line_end(l);
	}
	if (lwr_group_cause(r, (size_t)(g - an->groups)) &&
	    lwr_group_cause(r, (size_t)(g - an->groups))->suppressed) {
		const struct lw_cause *c = lwr_group_cause(r, (size_t)(g -
							   an->groups));

		lwr_line_addf(l, "    suppressed by the %s (not judged)",
			      c->suppressed == LW_SUPPRESS_DOCKERFILE ?
			      "Dockerfile" : "config");
		if (c->suppress_reason) {
			lwr_line_add(l, ": ");
			lwr_line_esc(l, c->suppress_reason, -1, 0);
		}
		lwr_line_end(l);
	}
	if (lwr_group_inherited(r, (size_t)(g - an->groups))) {
		lwr_line_addf(l, "    inherited from the base image%s",
			      lwr_group_judged(r, (size_t)(g - an->groups)) ?
			      "" : " (not judged)");
		lwr_line_end(l);
	}
	if (lwr_text_group_fix(r, g)) {
		lwr_line_add(l, "    fix: ");
		lwr_line_esc(l, lwr_text_group_fix(r, g)->title, -1, 0);
		lwr_line_end(l);
	}
	lw_strbuf_release(&pre);
	lw_strbuf_release(&post);
	lw_strbuf_release(&cb);
}

/* The suggestion that merges the install steps, when the package-db
 * causes have one (attrib/fixes.c): the index of a churn cause's. */
/* The install steps that rewrote the package database as one entry
 * (lw_pkgdb_chain: the same members, steps and bytes as the HTML page
 * and the browser): the totals, one line per step with what its rewrite
 * hid (the base's copies: inherent; the build's own: churn), the files
 * once each, and the merge. */
static void text_pkgdb(struct lwr_line *l, const struct lw_result *r,
		       const struct lw_pkgdb_chain *c,
		       const struct lw_render_opts *o)
{
	const struct lw_analysis *an = r->analysis;
	struct lw_strbuf sb = LW_STRBUF_INIT;
	char a[32], b[32], d[32];
	int judged = 0;
	size_t i;

	for (i = 0; i < c->ngroups; i++)
		if (!lwr_group_cause(r, c->groups[i])->churn)
			judged |= lwr_group_judged(r, c->groups[i]);
	lwr_line_addf(l, "  package database: %zu rewrites, %s (%s churn; %s "
		      "inherent%s)", c->ngroups,
		      lwr_size(o, c->churn_bytes + c->inherent_bytes, a,
			       sizeof(a)),
		      lwr_size(o, c->churn_bytes, b, sizeof(b)),
		      lwr_size(o, c->inherent_bytes, d, sizeof(d)),
		      judged ? "" : ", not judged");
	lwr_line_end(l);
	for (i = 0; i < c->nsteps; i++) {
		lwr_layer_label(r, c->steps[i], &sb);
		lwr_line_addf(l, "    layer %" PRIu32 " ", c->steps[i]);
		lwr_line_esc(l, sb.buf, 40, 0);
		lwr_line_add(l, ": ");
		if (c->step_inherent[i])
			lwr_line_addf(l, "%s inherent", lwr_size(o,
				      c->step_inherent[i], a, sizeof(a)));
		if (c->step_churn[i])
			lwr_line_addf(l, "%s%s churn", c->step_inherent[i] ?
				      ", " : "", lwr_size(o, c->step_churn[i],
							  a, sizeof(a)));
		if (!c->step_inherent[i] && !c->step_churn[i])
			lwr_line_add(l, "wrote the copy later steps rewrote");
		lwr_line_end(l);
	}
	for (i = 0; i < c->nfiles && i < MAX_PATHS; i++) {
		lwr_line_add(l, "      ");
		lwr_line_path(l, an->findings[c->files[i]].path, -1);
		lwr_line_end(l);
	}
	if (c->nfiles > MAX_PATHS) {
		lwr_line_addf(l, "      ... and %zu more", c->nfiles - MAX_PATHS);
		lwr_line_end(l);
	}
	lwr_line_add(l, "    fix: ");
	lwr_line_esc(l, r->attribution->suggestions[c->suggestion].title, -1,
		     0);
	lwr_line_end(l);
	lw_strbuf_release(&sb);
}

static void text_groups(struct lwr_line *l, const struct lw_result *r,
			const struct lw_render_opts *o)
{
	const struct lw_analysis *an = r->analysis;
	struct lw_pkgdb_chain chain;
	int grouped, shown = 0;
	size_t i;

	lwr_line_end(l);
	if (an->ngroups == 0) {
		lwr_line_heading(l, "No wasted bytes found.");
		return;
	}
	grouped = lw_pkgdb_chain(an, r->attribution, &chain);
	lwr_line_heading(l, "Waste by cause, largest first");
	for (i = 0; i < an->ngroups && i < (size_t)o->top; i++) {
		/* Install steps that rewrote the package database: one
		 * entry where the first of them would be. */
		if (grouped && lw_pkgdb_chain_has(&chain, i)) {
			if (!shown++)
				text_pkgdb(l, r, &chain, o);
			continue;
		}
		text_group(l, r, &an->groups[i], o);
	}
	if (an->ngroups > (size_t)o->top) {
		lwr_line_addf(l, "  ... and %zu more causes",
			      an->ngroups - (size_t)o->top);
		lwr_line_end(l);
	}
	lw_pkgdb_chain_release(&chain);
}

static int cmp_bytes_desc(const void *a, const void *b)
{
	const struct lw_finding *x = *(const struct lw_finding *const *)a;
	const struct lw_finding *y = *(const struct lw_finding *const *)b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	if (x->layer != y->layer)
		return x->layer < y->layer ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* The first k findings of an in cmp_bytes_desc order into top (room for
 * every finding), as qsort()'s merge sort leaves them (equal ones in
 * the order they come): for a small k, kept sorted as they are met
 * rather than sorting them all. Returns how many. */
static size_t largest(const struct lw_analysis *an,
		      const struct lw_finding **top, size_t k)
{
	size_t i, j, m = 0, n = an->nfindings;

	if (k > n)
		k = n;
	if (k > 64) {
		for (i = 0; i < n; i++)
			top[i] = &an->findings[i];
		qsort(top, n, sizeof(*top), cmp_bytes_desc);
		return k;
	}
	for (i = 0; i < n && k; i++) {
		const struct lw_finding *f = &an->findings[i];

		/* After every one it does not come before. */
		if (m == k && cmp_bytes_desc(&f, &top[m - 1]) >= 0)
			continue;
		for (j = m < k ? m : k - 1; j > 0 &&
		     cmp_bytes_desc(&f, &top[j - 1]) < 0; j--)
			top[j] = top[j - 1];
		top[j] = f;
		if (m < k)
			m++;
	}
	return m;
}

static void text_largest(struct lwr_line *l, const struct lw_analysis *an,
			 const struct lw_render_opts *o)
{
	const struct lw_finding **top;
	size_t i, n = an->nfindings;
	char a[32], suffix[64];
	int sw = 0, room;

	if (n == 0)
		return;
	top = lw_xmalloc(n * sizeof(*top));
	n = largest(an, top, (size_t)o->top);
	for (i = 0; i < n; i++)
		sw = max_int(sw, (int)strlen(lwr_size(o, top[i]->bytes, a,
						      sizeof(a))));
	lwr_line_end(l);
	lwr_line_heading(l, "Largest wasted files");
	for (i = 0; i < n; i++) {
		snprintf(suffix, sizeof(suffix), "  layer %" PRIu32 " <- %"
			 PRIu32, top[i]->layer, top[i]->from_layer);
		lwr_line_addf(l, "  %*s  ", sw, lwr_size(o, top[i]->bytes, a,
							 sizeof(a)));
		lwr_line_sgr(l, lwr_kind_color(top[i]->kind));
		lwr_line_addf(l, "%-11s", kind_str(top[i]->kind));
		lwr_line_sgr(l, LWR_RESET);
		lwr_line_add(l, "  ");
		room = lwr_line_room(l) - (int)strlen(suffix);
		if (room >= MIN_PATH_COLS ||
		    lwr_escaped_cols(top[i]->path) + 1 <= room) {
			lwr_line_path(l, top[i]->path, room);
			lwr_line_add(l, suffix);
		} else {
			lwr_line_path(l, top[i]->path, -1);
		}
		lwr_line_end(l);
	}
	free(top);
}

/* The severity gate (--fail-on, severity:), when configured: what fails
 * the run by its severity besides the rules. */
static void text_gate(struct lwr_line *l, const struct lw_rules_report *r,
		      const struct lw_render_opts *o)
{
	int fails = r->failing_groups || r->failing_checks;
	char a[32];

	if (!r->gate)
		return;
	lwr_line_sgr(l, LWR_BOLD);
	lwr_line_addf(l, "Gate: %s", fails ? "FAIL" : "PASS");
	lwr_line_sgr(l, LWR_RESET);
	lwr_line_addf(l, " at --fail-on %s", lw_fail_on_name(r->fail_on));
	lwr_line_end(l);
	if (r->failing_groups) {
		lwr_line_sgr(l, "\033[31m");
		lwr_line_add(l, "  FAIL");
		lwr_line_sgr(l, LWR_RESET);
		lwr_line_addf(l, "  %zu cause%s (%s judged) of severity %s or "
			      "above", r->failing_groups,
			      lw_plural(r->failing_groups),
			      lwr_size(o, r->failing_bytes, a, sizeof(a)),
			      lw_fail_on_name(r->fail_on));
		lwr_line_end(l);
	}
	if (r->failing_checks) {
		lwr_line_sgr(l, "\033[31m");
		lwr_line_add(l, "  FAIL");
		lwr_line_sgr(l, LWR_RESET);
		lwr_line_addf(l, "  %zu check%s of severity %s or above",
			      r->failing_checks, lw_plural(r->failing_checks),
			      lw_fail_on_name(r->fail_on));
		lwr_line_end(l);
	}
}

/* Rule results, when rules were evaluated: one line each. */
static void text_rules(struct lwr_line *l, const struct lw_rules_report *r,
		       const struct lw_render_opts *o)
{
	const struct lw_rule_result *rr;
	int idw = 0, n;
	char a[32];
	size_t i;

	if (!r || (!r->evaluated && !r->gate))
		return;
	lwr_line_end(l);
	text_gate(l, r, o);
	if (!r->evaluated)
		return;
	lwr_line_sgr(l, LWR_BOLD);
	lwr_line_addf(l, "Rules: %s", r->passed ? "PASS" : "FAIL");
	lwr_line_sgr(l, LWR_RESET);
	if (r->nfailed)
		lwr_line_addf(l, ", %zu of %zu failed", r->nfailed,
			      r->nresults);
	else
		lwr_line_addf(l, ", %zu passed", r->npassed);
	if (r->nskipped)
		lwr_line_addf(l, ", %zu disabled", r->nskipped);
	if (r->config) {
		lwr_line_add(l, " (config ");
		lwr_line_esc(l, r->config, -1, 1);
		lwr_line_add(l, ")");
	}
	lwr_line_end(l);
	for (i = 0; i < r->nresults; i++) {
		n = (int)strlen(lw_rule_id(r->results[i].rule));
		idw = max_int(idw, n);
	}
	for (i = 0; i < r->nresults; i++) {
		rr = &r->results[i];
		lwr_line_add(l, "  ");
		lwr_line_sgr(l, rr->status == LW_RULE_FAIL ? "\033[31m" :
			     rr->status == LW_RULE_PASS ? "\033[32m" : "");
		lwr_line_add(l, rr->status == LW_RULE_FAIL ? "FAIL" :
			     rr->status == LW_RULE_PASS ? "pass" : "skip");
		lwr_line_sgr(l, rr->status == LW_RULE_SKIP ? "" : LWR_RESET);
		lwr_line_addf(l, "  %-*s  ", idw, lw_rule_id(rr->rule));
		lwr_text_wrap(l, rr->message, 2 + 4 + 2 + idw + 2);
	}
	if (r->ignored_findings) {
		lwr_line_addf(l, "  not judged: %zu finding%s (%s) under "
			      "min-finding-bytes or in ignored paths",
			      r->ignored_findings,
			      lw_plural(r->ignored_findings),
			      lwr_size(o, r->ignored_bytes, a, sizeof(a)));
		lwr_line_end(l);
	}
}

int lw_render_text(FILE *f, const struct lw_result *r,
		   const struct lw_render_opts *opts)
{
	const struct lw_analysis *an = r->analysis;
	struct lw_render_opts o = lwr_opts(opts);
	struct lwr_line l;

	lwr_line_init(&l, f, &o);
	lwr_text_image(&l, an->image);
	text_summary(&l, r, &o);
	text_layers(&l, r, &o);
	text_groups(&l, r, &o);
	lwr_text_fixes(&l, r, &o);
	text_largest(&l, an, &o);
	text_rules(&l, r->rules, &o);
	lwr_text_checks(&l, r, &o);
	lwr_text_warnings(&l, &an->image->warnings, &an->warnings);
	lwr_line_release(&l);
	return lwr_finish(f);
}
