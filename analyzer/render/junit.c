/* JUnit XML, for CI systems that show test reports (GitLab's
 * artifacts:reports:junit, Jenkins, Azure): one test suite, one test case
 * per evaluated rule (a failure element when it failed, skipped when it
 * is disabled; with no rule configured, a passing one per finding kind
 * with its bytes), one per profile check (class layerwaste.checks; failed
 * whatever its severity, which the failure's type names; skipped with its
 * reason), one for the gate when severities or fail-on are configured
 * (class layerwaste.gate, name "fail-on-LEVEL": failed when a judged
 * cause's severity fails the run), and a plain-text summary of the waste
 * as system-out.
 * No timestamps or durations: the same image gives the same bytes. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/checks.h"
#include "ci_priv.h"
#include "layerwaste/render.h"
#include "render_priv.h"

/* XML character data or attribute value: markup escaped, and bytes XML
 * 1.0 cannot hold (controls, invalid UTF-8) as \xNN; newlines kept. */
static void xml(struct lw_strbuf *sb, const char *s)
{
	struct lw_strbuf p = LW_STRBUF_INIT;
	const char *c;

	lwr_printable_lines(&p, s);
	for (c = p.buf; *c; c++) {
		switch (*c) {
		case '&': lw_strbuf_adds(sb, "&amp;"); break;
		case '<': lw_strbuf_adds(sb, "&lt;"); break;
		case '>': lw_strbuf_adds(sb, "&gt;"); break;
		case '"': lw_strbuf_adds(sb, "&quot;"); break;
		case '\'': lw_strbuf_adds(sb, "&apos;"); break;
		case '\n': lw_strbuf_adds(sb, "&#10;"); break;
		case '\t': lw_strbuf_adds(sb, "&#9;"); break;
		default: lw_strbuf_addc(sb, *c); break;
		}
	}
	lw_strbuf_release(&p);
}

/* The same for element text, where a newline can stay a newline. */
static void xml_text(struct lw_strbuf *sb, const char *s)
{
	struct lw_strbuf e = LW_STRBUF_INIT;
	const char *c;

	xml(&e, s);
	for (c = e.buf; *c; c++) {
		if (!strncmp(c, "&#10;", 5)) {
			lw_strbuf_addc(sb, '\n');
			c += 4;
		} else {
			lw_strbuf_addc(sb, *c);
		}
	}
	lw_strbuf_release(&e);
}

/* The waste in a few lines of plain text (raw; escaped by the caller). */
static void summary(struct lw_strbuf *sb, const struct lw_result *r, int top)
{
	const struct lw_analysis *an = r->analysis;
	const struct lw_rules_report *rules = r->rules;
	const struct lw_checks *c;
	const struct lw_group *g;
	char a[32], b[32];
	size_t i;
	int k, first = 1;

	lw_strbuf_addf(sb, "image: %s\n", lwr_image_name(an));
	lw_strbuf_addf(sb, "wasted: %s (%.2f %% of %s in %zu layer%s)\n",
		       lw_format_bytes(an->wasted_bytes, a, sizeof(a)),
		       lw_analysis_wasted_percent(an),
		       lw_format_bytes(an->total_bytes, b, sizeof(b)),
		       an->image->nlayers, lw_plural(an->image->nlayers));
	for (k = 0; k < LW_KIND_COUNT; k++) {
		if (!an->by_kind[k])
			continue;
		lw_strbuf_addf(sb, "%s%s %s", first ? "by kind: " : ", ",
			       lw_kind_name(k),
			       lw_format_bytes(an->by_kind[k], a, sizeof(a)));
		first = 0;
	}
	if (!first)
		lw_strbuf_addc(sb, '\n');
	if (an->ngroups)
		lw_strbuf_adds(sb, "largest causes:\n");
	for (i = 0; i < an->ngroups && i < (size_t)top; i++) {
		g = &an->groups[i];
		lw_strbuf_addf(sb, "  layer %" PRIu32 ": ", g->layer);
		lwr_group_title(an, i, sb);
		lw_strbuf_addf(sb, " (%" PRIu64 " file%s of layer %" PRIu32
			       ")\n", g->files, g->files == 1 ? "" : "s",
			       g->from_layer);
	}
	if (rules && rules->evaluated)
		lw_strbuf_addf(sb, "rules: %s, %zu passed, %zu failed, %zu "
			       "disabled\n", rules->passed ? "PASS" : "FAIL",
			       rules->npassed, rules->nfailed, rules->nskipped);
	else
		lw_strbuf_adds(sb, "rules: REPORT (no rule configured)\n");
	if ((c = lwr_checks(r)))
		lw_strbuf_addf(sb, "checks (profile %s): %s, %zu passed, %zu "
			       "failed (%zu errors), %zu skipped\n",
			       lw_profile_name(c->profile),
			       c->nerrors ? "FAIL" : "PASS", c->npassed,
			       c->nfailed, c->nerrors, c->nskipped);
}

static void testcase(struct lw_strbuf *sb, const struct lw_rule_result *rr)
{
	const char *id = lw_rule_id(rr->rule);
	struct lw_strbuf body = LW_STRBUF_INIT;

	lw_strbuf_addf(sb, "    <testcase classname=\"layerwaste.rules\" "
		       "name=\"%s\"", id);
	if (rr->status == LW_RULE_PASS) {
		lw_strbuf_adds(sb, "/>\n");
		return;
	}
	lw_strbuf_adds(sb, ">\n");
	if (rr->status == LW_RULE_SKIP) {
		lw_strbuf_adds(sb, "      <skipped message=\"rule disabled\"/>\n");
	} else {
		lw_strbuf_adds(sb, "      <failure message=\"");
		xml(sb, rr->message);
		lw_strbuf_addf(sb, "\" type=\"%s\">", id);
		lw_strbuf_addf(&body, "%s\nthreshold: %s\nactual: %s\n",
			       lw_rule_description(rr->rule), rr->threshold,
			       rr->actual);
		xml_text(sb, body.buf);
		lw_strbuf_adds(sb, "</failure>\n");
	}
	lw_strbuf_adds(sb, "    </testcase>\n");
	lw_strbuf_release(&body);
}

/* A profile check as a test case: failed (whatever its severity; the
 * type attribute says which), skipped with its reason, or passed. */
static void check_case(struct lw_strbuf *sb, const struct lw_check *k)
{
	struct lw_strbuf body = LW_STRBUF_INIT;
	size_t i;

	lw_strbuf_addf(sb, "    <testcase classname=\"layerwaste.checks\" "
		       "name=\"%s\"", k->id);
	if (k->status == LW_CHECK_PASS) {
		lw_strbuf_adds(sb, "/>\n");
		return;
	}
	lw_strbuf_adds(sb, ">\n");
	if (k->status == LW_CHECK_SKIP) {
		lw_strbuf_adds(sb, "      <skipped message=\"");
		xml(sb, k->message ? k->message : "");
		lw_strbuf_adds(sb, "\"/>\n");
	} else {
		lw_strbuf_adds(sb, "      <failure message=\"");
		xml(sb, k->message ? k->message : "");
		lw_strbuf_addf(sb, "\" type=\"%s\">",
			       lw_check_severity_name(k->severity));
		lw_strbuf_addf(&body, "%s (%s)\n", k->title,
			       lw_check_severity_name(k->severity));
		for (i = 0; i < k->nitems; i++) {
			const struct lw_check_item *it = &k->items[i];

			lw_strbuf_adds(&body, "- ");
			if (it->file && it->line > 0) {
				lwr_rel_path(&body, it->file);
				lw_strbuf_addf(&body, ":%d: ", it->line);
			}
			lw_strbuf_addf(&body, "%s\n", it->subject ?
				       it->subject : "");
			if (it->detail)
				lw_strbuf_addf(&body, "  %s\n", it->detail);
			if (it->fix)
				lw_strbuf_addf(&body, "  fix:\n%s\n", it->fix);
		}
		if (k->nmore)
			lw_strbuf_addf(&body, "- and %zu more\n", k->nmore);
		lw_strbuf_addf(&body, "%s\n", k->docs);
		xml_text(sb, body.buf);
		lw_strbuf_adds(sb, "</failure>\n");
	}
	lw_strbuf_adds(sb, "    </testcase>\n");
	lw_strbuf_release(&body);
}

/* With no rule configured, a passing test case per finding kind, its
 * bytes as the case's output: a report never has tests="0", which some
 * CI systems (Jenkins) reject. */
static void kind_case(struct lw_strbuf *sb, const struct lw_analysis *an,
		      int k)
{
	char a[32];

	lw_strbuf_addf(sb, "    <testcase classname=\"layerwaste.waste\" "
		       "name=\"%s\">\n      <system-out>%s: %s wasted (%"
		       PRIu64 " bytes) in %" PRIu64 " file%s</system-out>\n"
		       "    </testcase>\n", lw_kind_name(k), lw_kind_name(k),
		       lw_format_bytes(an->by_kind[k], a, sizeof(a)),
		       an->by_kind[k], an->files_by_kind[k],
		       an->files_by_kind[k] == 1 ? "" : "s");
}

/* The gate as a test case: the causes whose severity fails the run. */
static void gate_case(struct lw_strbuf *sb, const struct lw_result *r,
		      int top)
{
	const struct lw_rules_report *rules = r->rules;
	const struct lw_analysis *an = r->analysis;
	const char *level = lw_fail_on_name(rules->fail_on);
	struct lw_strbuf body = LW_STRBUF_INIT, msg = LW_STRBUF_INIT;
	char a[32];
	size_t i, shown = 0;

	lw_strbuf_addf(sb, "    <testcase classname=\"layerwaste.gate\" "
		       "name=\"fail-on-%s\"", level);
	if (!rules->failing_groups) {
		lw_strbuf_adds(sb, "/>\n");
		return;
	}
	lw_strbuf_addf(&msg, "%zu cause%s of waste (%s judged) fail%s the "
		       "run at --fail-on %s", rules->failing_groups,
		       rules->failing_groups == 1 ? "" : "s",
		       lw_format_bytes(rules->failing_bytes, a, sizeof(a)),
		       rules->failing_groups == 1 ? "s" : "", level);
	lw_strbuf_adds(sb, ">\n      <failure message=\"");
	xml(sb, msg.buf);
	lw_strbuf_adds(sb, "\" type=\"fail-on\">");
	for (i = 0; i < rules->ngroups && i < an->ngroups; i++) {
		if (!rules->groups[i].fails)
			continue;
		if (shown++ == (size_t)top) {
			lw_strbuf_adds(&body, "- and more\n");
			break;
		}
		lw_strbuf_addf(&body, "- layer %" PRIu32 ": ",
			       an->groups[i].layer);
		lwr_group_title(an, i, &body);
		lw_strbuf_addf(&body, " (%s)\n",
			       lw_severity_name(rules->groups[i].severity));
	}
	xml_text(sb, body.buf);
	lw_strbuf_adds(sb, "</failure>\n    </testcase>\n");
	lw_strbuf_release(&body);
	lw_strbuf_release(&msg);
}

int lw_render_junit(FILE *f, const struct lw_result *r,
		    const struct lw_render_opts *opts)
{
	const struct lw_analysis *an = r->analysis;
	const struct lw_rules_report *rules = r->rules;
	struct lw_render_opts o = lwr_opts(opts);
	struct lw_strbuf sb = LW_STRBUF_INIT, text = LW_STRBUF_INIT;
	size_t n = 0, nkinds = 0, failed = 0, skipped = 0, i, ngate = 0;
	const struct lw_checks *c = lwr_checks(r);
	char counts[128];

	if (rules && rules->evaluated) {
		n = rules->nresults;
		failed = rules->nfailed;
		skipped = rules->nskipped;
	} else {
		nkinds = LW_KIND_COUNT;
	}
	if (c) {
		failed += c->nfailed;
		skipped += c->nskipped;
	}
	if (rules && rules->gate) {
		ngate = 1;
		failed += rules->failing_groups > 0;
	}
	snprintf(counts, sizeof(counts), "tests=\"%zu\" failures=\"%zu\" "
		 "errors=\"0\" skipped=\"%zu\"",
		 n + nkinds + ngate + (c ? c->n : 0),
		 failed,
		 skipped);
	lw_strbuf_adds(&sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	lw_strbuf_addf(&sb, "<testsuites name=\"layerwaste\" %s>\n", counts);
	lw_strbuf_adds(&sb, "  <testsuite name=\"layerwaste rules: ");
	xml(&sb, lwr_image_name(an));
	lw_strbuf_addf(&sb, "\" %s>\n", counts);
	for (i = 0; i < n; i++)
		testcase(&sb, &rules->results[i]);
	for (i = 0; i < nkinds; i++)
		kind_case(&sb, an, (int)i);
	if (ngate)
		gate_case(&sb, r, o.top);
	for (i = 0; c && i < c->n; i++)
		check_case(&sb, &c->checks[i]);
	summary(&text, r, o.top);
	lw_strbuf_adds(&sb, "    <system-out>");
	xml_text(&sb, text.buf);
	lw_strbuf_adds(&sb, "</system-out>\n  </testsuite>\n</testsuites>\n");
	fwrite(sb.buf, 1, sb.len, f);
	lw_strbuf_release(&sb);
	lw_strbuf_release(&text);
	return lwr_finish(f);
}
