/* The verdict of a run and what decides it: the image's name, PASS /
 * FAIL / REPORT, the rules object of the JSON formats, and the one-line
 * summary on stderr. See ci_priv.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "layerwaste/checks.h"
#include "ci_priv.h"
#include "render_priv.h"

const char *lwr_image_name(const struct lw_analysis *an)
{
	const struct lw_image *img = an->image;

	if (img->ntags && img->tags[0])
		return img->tags[0];
	return img->source ? img->source : "image";
}

/* A failed check whose severity fails the run under fail-on. */
static int checks_fail(const struct lw_result *r)
{
	const struct lw_checks *c = lwr_checks(r);
	size_t i;

	for (i = 0; c && i < c->n; i++)
		if (c->checks[i].status == LW_CHECK_FAIL &&
		    lw_severity_fails(c->checks[i].severity, r->rules->fail_on))
			return 1;
	return 0;
}

const char *lwr_verdict(const struct lw_result *r)
{
	const struct lw_rules_report *rules = r->rules;
	int evaluated = rules && rules->evaluated;

	if (!evaluated && !lwr_checks(r) && !(rules && rules->gate))
		return "REPORT";
	if (!rules)
		return lwr_checks_failed(r) ? "FAIL" : "PASS";
	return lw_rules_report_failed(rules) || checks_fail(r) ? "FAIL" :
		"PASS";
}

static json_t *number(int unit, double v)
{
	if (unit == LW_UNIT_BYTES)
		return json_integer((json_int_t)v);
	return json_real(v);
}

static const char *unit_name(int unit)
{
	switch (unit) {
	case LW_UNIT_BYTES: return "bytes";
	case LW_UNIT_PERCENT: return "percent";
	default: return "ratio";
	}
}

void *lwr_rules_json(const struct lw_rules_report *r)
{
	json_t *o = lwr_jmust(json_object()), *a = lwr_jmust(json_array()), *x;
	const struct lw_rule_result *rr;
	size_t i;

	lwr_jput(o, "evaluated", json_boolean(r && r->evaluated));
	lwr_jput(o, "passed", json_boolean(!r || r->passed));
	lwr_jput(o, "config", r && r->config ? json_string(r->config) :
	    json_null());
	lwr_jput(o, "judged_bytes", json_integer(r ? (json_int_t)r->judged_bytes
					      : 0));
	lwr_jput(o, "ignored_bytes", json_integer(r ? (json_int_t)r->ignored_bytes
					       : 0));
	lwr_jput(o, "ignored_finding_count",
	    json_integer(r ? (json_int_t)r->ignored_findings : 0));
	lwr_jput(o, "inherited_bytes",
	    json_integer(r ? (json_int_t)r->inherited_bytes : 0));
	lwr_jput(o, "inherited_finding_count",
	    json_integer(r ? (json_int_t)r->inherited_findings : 0));
	lwr_jput(o, "judge_base", json_boolean(r && r->judge_base));
	lwr_jput(o, "suppressed_bytes",
	    json_integer(r ? (json_int_t)r->suppressed_bytes : 0));
	lwr_jput(o, "suppressed_finding_count",
	    json_integer(r ? (json_int_t)r->suppressed_findings : 0));
	lwr_jput(o, "baseline_bytes",
	    json_integer(r ? (json_int_t)r->baseline_bytes : 0));
	lwr_jput(o, "baseline_finding_count",
	    json_integer(r ? (json_int_t)r->baseline_findings : 0));
	lwr_jput(o, "fail_on", json_string(lw_fail_on_name(r ? r->fail_on :
						LW_FAIL_ON_ERROR)));
	lwr_jput(o, "gate", json_boolean(r && r->gate));
	lwr_jput(o, "failing_cause_count",
	    json_integer(r ? (json_int_t)r->failing_groups : 0));
	lwr_jput(o, "failing_bytes",
	    json_integer(r ? (json_int_t)r->failing_bytes : 0));
	for (i = 0; r && i < r->nresults; i++) {
		rr = &r->results[i];
		x = lwr_jmust(json_object());
		lwr_jput(x, "id", json_string(lw_rule_id(rr->rule)));
		lwr_jput(x, "description", json_string(lw_rule_description(rr->rule)));
		lwr_jput(x, "status", json_string(lw_rule_status_name(rr->status)));
		lwr_jput(x, "unit", json_string(unit_name(rr->unit)));
		lwr_jput(x, "limit", rr->status == LW_RULE_SKIP ? json_null() :
		    number(rr->unit, rr->limit));
		lwr_jput(x, "value", rr->status == LW_RULE_SKIP ? json_null() :
		    number(rr->unit, rr->value));
		lwr_jput(x, "below_floor", json_boolean(rr->below_floor));
		lwr_jput(x, "threshold", json_string(rr->threshold));
		lwr_jput(x, "actual", json_string(rr->actual));
		lwr_jput(x, "message", json_string(rr->message));
		if (json_array_append_new(a, x))
			abort();
	}
	lwr_jput(o, "results", a);
	return o;
}

int lw_render_ci_summary(FILE *f, const struct lw_result *r)
{
	const struct lw_analysis *an = r->analysis;
	const struct lw_attribution *at = r->attribution;
	const struct lw_rules_report *rules = r->rules;
	const struct lw_suggestion *s = NULL;
	const struct lw_checks *c;
	struct lw_strbuf sb = LW_STRBUF_INIT, t = LW_STRBUF_INIT;
	size_t i, k;
	char a[32];
	int rc;

	/* The largest fix of waste the rules judge: not of inherited,
	 * suppressed or baseline-known causes. */
	for (i = 0; at && !s && i < at->nsuggestions; i++)
		for (k = 0; !s && k < at->ncauses; k++)
			if (at->causes[k].suggestion == (int)i &&
			    lwr_group_judged(r, at->causes[k].group))
				s = &at->suggestions[i];
	lw_strbuf_addf(&sb, "layerwaste: %s: %s wasted (%.2f %%)",
		       lwr_verdict(r), lw_format_bytes(an->wasted_bytes, a,
						       sizeof(a)),
		       lw_analysis_wasted_percent(an));
	if (rules && rules->evaluated && rules->nfailed)
		lw_strbuf_addf(&sb, "; %zu of %zu rule%s failed",
			       rules->nfailed, rules->nresults,
			       rules->nresults == 1 ? "" : "s");
	else if (rules && rules->evaluated)
		lw_strbuf_addf(&sb, "; %zu rule%s passed", rules->npassed,
			       rules->npassed == 1 ? "" : "s");
	if (rules && rules->evaluated && rules->nskipped)
		lw_strbuf_addf(&sb, ", %zu disabled", rules->nskipped);
	if (rules && rules->failing_groups)
		lw_strbuf_addf(&sb, "; %zu cause%s fail%s at --fail-on %s",
			       rules->failing_groups,
			       rules->failing_groups == 1 ? "" : "s",
			       rules->failing_groups == 1 ? "s" : "",
			       lw_fail_on_name(rules->fail_on));
	if ((c = lwr_checks(r)) && c->nfailed)
		lw_strbuf_addf(&sb, "; %zu of %zu %s checks failed (%zu "
			       "error%s)", c->nfailed, c->n,
			       lw_profile_name(c->profile), c->nerrors,
			       c->nerrors == 1 ? "" : "s");
	else if (c)
		lw_strbuf_addf(&sb, "; %zu %s check%s passed", c->npassed,
			       lw_profile_name(c->profile),
			       c->npassed == 1 ? "" : "s");
	if (c && c->nskipped)
		lw_strbuf_addf(&sb, ", %zu skipped", c->nskipped);
	if (s && s->title && s->saves_bytes) {
		lw_strbuf_adds(&t, s->title);
		/* Titles usually name their place already. */
		if (s->file && s->line > 0 && !strstr(s->title, s->file)) {
			lw_strbuf_adds(&t, " at ");
			lwr_rel_path(&t, s->file);
			lw_strbuf_addf(&t, ":%d", s->line);
		}
		lw_strbuf_adds(&sb, "; biggest fix: ");
		lwr_printable(&sb, t.buf);
		lw_strbuf_addf(&sb, " saves %s",
			       lw_format_bytes(s->saves_bytes, a, sizeof(a)));
	}
	lw_strbuf_addc(&sb, '\n');
	rc = fputs(sb.buf, f) == EOF ? -1 : 0;
	lw_strbuf_release(&sb);
	lw_strbuf_release(&t);
	return rc ? rc : lwr_finish(f);
}
