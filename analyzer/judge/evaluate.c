/* Rule evaluation: the configured limits against an analysis, into a
 * report of results (data only). docs/ci.md says what each rule judges. */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/engine.h"
#include "layerwaste/judge.h"
#include "layerwaste/util.h"

/* What the rules judge: the findings that pass the floor and the ignore
 * globs, summed as the analysis sums all of them. */
struct judged {
	uint64_t bytes;
	uint64_t by_kind[LW_KIND_COUNT];
	uint64_t ignored_bytes;
	size_t ignored;
	uint64_t inherited_bytes;
	size_t inherited;
	uint64_t suppressed_bytes;
	size_t suppressed;
	uint64_t baseline_bytes;
	size_t baseline;
	uint64_t churn_bytes;
};

/* Per finding, why in leaves its group out (LW_JUDGED when it does
 * not). A suppression wins over inheritance. */
static void left_out(const struct lw_analysis *an,
		     const struct lw_rules_config *c,
		     const struct lw_rules_inputs *in, uint8_t *out)
{
	uint8_t why;
	size_t g, i;

	if (!in || (!in->suppressed && !in->baseline &&
		    (!in->inherited || c->judge_base)))
		return;
	for (g = 0; g < an->ngroups && g < in->ngroups; g++) {
		const struct lw_group *gr = &an->groups[g];

		why = in->suppressed && in->suppressed[g] ?
		      LW_LEFT_SUPPRESSED :
		      in->inherited && in->inherited[g] && !c->judge_base ?
		      LW_LEFT_INHERITED : LW_JUDGED;
		for (i = gr->first; why && i < gr->first + gr->count &&
		     i < an->nfindings; i++)
			out[i] = why;
		if (!why && in->baseline && g < in->baseline->ngroups) {
			/* The report's bytes of it are known: its first
			 * findings up to them. */
			uint64_t budget = in->baseline->known_bytes[g], sum = 0;

			for (i = gr->first; i < gr->first + gr->count &&
			     i < an->nfindings; i++) {
				sum += an->findings[i].bytes;
				if (!budget || sum > budget)
					break;
				out[i] = LW_LEFT_BASELINE;
			}
		}
	}
}

/* The one definition of what is judged: per finding in why (owned by
 * the caller, nfindings), summed in j, and per group in groups. */
static void judge(const struct lw_analysis *an,
		  const struct lw_rules_config *c,
		  const struct lw_rules_inputs *in, struct judged *j,
		  struct lw_group_judgement *groups)
{
	const struct lw_finding *f;
	uint8_t *why = lw_xcalloc(an->nfindings + 1, 1);
	size_t i, g;

	memset(j, 0, sizeof(*j));
	left_out(an, c, in, why);
	for (i = 0; i < an->nfindings; i++) {
		f = &an->findings[i];
		if (why[i] == LW_JUDGED &&
		    !lw_rules_judges(c, f->path, f->bytes))
			why[i] = LW_LEFT_IGNORED;
		switch (why[i]) {
		case LW_LEFT_SUPPRESSED:
			j->suppressed_bytes += f->bytes;
			j->suppressed++;
			break;
		case LW_LEFT_BASELINE:
			j->baseline_bytes += f->bytes;
			j->baseline++;
			break;
		case LW_LEFT_INHERITED:
			j->inherited_bytes += f->bytes;
			j->inherited++;
			break;
		case LW_LEFT_IGNORED:
			j->ignored_bytes += f->bytes;
			j->ignored++;
			break;
		default:
			j->bytes += f->bytes;
			if (f->kind < LW_KIND_COUNT)
				j->by_kind[f->kind] += f->bytes;
			break;
		}
	}
	for (g = 0; g < an->ngroups; g++) {
		const struct lw_group *gr = &an->groups[g];
		struct lw_group_judgement *gj = &groups[g];
		int seen = LW_LEFT_IGNORED;

		for (i = gr->first; i < gr->first + gr->count &&
		     i < an->nfindings; i++) {
			if (why[i] == LW_JUDGED) {
				gj->judged_bytes += an->findings[i].bytes;
				gj->judged_findings++;
			} else if (why[i] != LW_LEFT_IGNORED) {
				seen = why[i];
			}
		}
		gj->left_out = gj->judged_findings ? LW_JUDGED : seen;
		if (in && in->churn && g < in->ngroups && in->churn[g])
			j->churn_bytes += gj->judged_bytes;
	}
	free(why);
}

/* 1 when the judged findings of group g count toward rule. */
static int counts_toward(const struct lw_analysis *an,
			 const struct lw_rules_inputs *in, size_t g,
			 int rule)
{
	int kind = an->groups[g].kind;

	switch (rule) {
	case LW_RULE_MAX_METADATA_BYTES:
		return lw_kind_is_metadata(kind);
	case LW_RULE_MAX_CHURN_BYTES:
		return in && in->churn && g < in->ngroups && in->churn[g];
	case LW_RULE_MAX_WASTED_BYTES:
	case LW_RULE_MAX_WASTED_PERCENT:
	/* dive's rules judge the image as a whole: all of its waste. */
	case LW_RULE_LOWEST_EFFICIENCY:
	case LW_RULE_HIGHEST_WASTED_BYTES:
	case LW_RULE_HIGHEST_USER_WASTED_PERCENT:
		return 1;
	default:
		return rule - LW_RULE_MAX_CHOWN_BYTES == kind;
	}
}

/* Severity, broken rules and level of every group, once the rules are
 * evaluated. */
static void grade(const struct lw_analysis *an,
		  const struct lw_rules_config *c,
		  const struct lw_rules_inputs *in,
		  struct lw_rules_report *rep)
{
	size_t g, i;

	for (g = 0; g < rep->ngroups; g++) {
		struct lw_group_judgement *gj = &rep->groups[g];
		int has = in && g < in->ngroups;

		gj->severity = lw_severity_of_cause(c, an->groups[g].kind,
			has && in->package_db && in->package_db[g],
			has && in->churn && in->churn[g],
			has && in->fix_kind ? in->fix_kind[g] : -1);
		if (!gj->judged_findings) {
			gj->level = LW_SEVERITY_NOTE;
			continue;
		}
		for (i = 0; i < rep->nresults && !gj->broke_rule; i++)
			gj->broke_rule = rep->results[i].status ==
					 LW_RULE_FAIL &&
					 counts_toward(an, in, g,
						       rep->results[i].rule);
		gj->fails = lw_severity_fails(gj->severity, c->fail_on);
		gj->level = lw_severity_level(gj->severity, gj->broke_rule,
					      c->fail_on);
		if (gj->fails) {
			rep->failing_groups++;
			rep->failing_bytes += gj->judged_bytes;
		}
	}
}

static char *xprintf(const char *fmt, ...) LW_PRINTF(1, 2);

static char *xprintf(const char *fmt, ...)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	lw_strbuf_adds(&sb, buf);
	return lw_strbuf_detach(&sb);
}

/* What the bytes of a rule are, for its message. */
static const char *bytes_noun(int rule)
{
	switch (rule) {
	case LW_RULE_MAX_CHOWN_BYTES: return "in chown copies";
	case LW_RULE_MAX_CHMOD_BYTES: return "in chmod copies";
	case LW_RULE_MAX_CHOWN_CHMOD_BYTES: return "in chown+chmod copies";
	case LW_RULE_MAX_TOUCH_BYTES: return "in touch copies";
	case LW_RULE_MAX_OVERWRITE_BYTES: return "in overwritten files";
	case LW_RULE_MAX_DELETE_BYTES: return "in deleted files";
	case LW_RULE_MAX_METADATA_BYTES: return "in metadata-only copies";
	case LW_RULE_HIGHEST_WASTED_BYTES: return "wasted by dive's count";
	case LW_RULE_MAX_CHURN_BYTES: return "in package-manager churn";
	default: return "wasted";
	}
}

static void eval_bytes(struct lw_rule_result *r, uint64_t limit,
		       uint64_t value)
{
	char a[32], b[32];

	r->limit = (double)limit;
	r->value = (double)value;
	r->status = value > limit ? LW_RULE_FAIL : LW_RULE_PASS;
	lw_format_bytes(limit, b, sizeof(b));
	lw_format_bytes(value, a, sizeof(a));
	r->threshold = xprintf("<= %s", b);
	r->actual = xprintf("%s", a);
	if (value > limit)
		r->message = xprintf("%s %s, over the limit of %s (%" PRIu64
				     " > %" PRIu64 " bytes)", a,
				     bytes_noun(r->rule), b, value, limit);
	else
		r->message = xprintf("%s %s, within the limit of %s", a,
				     bytes_noun(r->rule), b);
}

static const char *ratio_noun(int rule)
{
	switch (rule) {
	case LW_RULE_LOWEST_EFFICIENCY: return "dive's efficiency";
	case LW_RULE_HIGHEST_USER_WASTED_PERCENT:
		return "dive's user wasted ratio";
	default: return "wasted";
	}
}

/* A rule on a ratio or percent: fails only when the bytes behind it
 * reach the floor. higher_fails: the limit is a maximum. */
static void eval_ratio(struct lw_rule_result *r, double limit, double value,
		       int higher_fails, uint64_t bytes, uint64_t floor)
{
	const char *op = higher_fails ? "<=" : ">=";
	int over = higher_fails ? value > limit : value < limit;
	char lt[32], vt[32], fb[32], bb[32];

	if (isnan(value))
		value = 0.0;
	r->limit = limit;
	r->value = value;
	if (r->unit == LW_UNIT_PERCENT) {
		snprintf(lt, sizeof(lt), "%.2f %%", limit);
		snprintf(vt, sizeof(vt), "%.2f %%", value);
	} else {
		snprintf(lt, sizeof(lt), "%.4g", limit);
		snprintf(vt, sizeof(vt), "%.4f", value);
	}
	r->threshold = xprintf("%s %s", op, lt);
	r->actual = xprintf("%s", vt);
	lw_format_bytes(floor, fb, sizeof(fb));
	lw_format_bytes(bytes, bb, sizeof(bb));
	if (over && bytes < floor) {
		r->status = LW_RULE_PASS;
		r->below_floor = 1;
		r->message = xprintf("%s %s, %s the limit of %s, but the %s "
				     "wasted are under the %s floor of "
				     "ratio rules", ratio_noun(r->rule), vt,
				     higher_fails ? "over" : "under", lt, bb,
				     fb);
		return;
	}
	r->status = over ? LW_RULE_FAIL : LW_RULE_PASS;
	r->message = xprintf("%s %s, %s the limit of %s", ratio_noun(r->rule),
			     vt, over ? (higher_fails ? "over" : "under") :
			     "within", lt);
}

static void eval_rule(struct lw_rule_result *r, const struct lw_analysis *an,
		      const struct lw_rules_config *c, const struct judged *j)
{
	const struct lw_limit *lim = &c->limits[r->rule];
	double pct;
	uint64_t meta = 0;
	int k;

	r->unit = lw_rule_unit(r->rule);
	if (lim->state == LW_LIMIT_DISABLED) {
		r->status = LW_RULE_SKIP;
		r->threshold = xprintf("disabled");
		r->actual = xprintf("%s", "");
		r->message = xprintf("disabled");
		return;
	}
	switch (r->rule) {
	case LW_RULE_MAX_WASTED_BYTES:
		eval_bytes(r, lim->bytes, j->bytes);
		break;
	case LW_RULE_MAX_WASTED_PERCENT:
		pct = an->total_bytes ? (double)j->bytes * 100.0 /
					(double)an->total_bytes : 0.0;
		eval_ratio(r, lim->value, pct, 1, j->bytes, c->percent_floor);
		break;
	case LW_RULE_MAX_METADATA_BYTES:
		for (k = 0; k < LW_KIND_COUNT; k++)
			if (lw_kind_is_metadata(k))
				meta += j->by_kind[k];
		eval_bytes(r, lim->bytes, meta);
		break;
	case LW_RULE_LOWEST_EFFICIENCY:
		eval_ratio(r, lim->value, an->dive.efficiency, 0,
			   an->dive.wasted_bytes, c->percent_floor);
		break;
	case LW_RULE_HIGHEST_WASTED_BYTES:
		eval_bytes(r, lim->bytes, an->dive.wasted_bytes);
		break;
	case LW_RULE_HIGHEST_USER_WASTED_PERCENT:
		eval_ratio(r, lim->value, an->dive.user_wasted_percent, 1,
			   an->dive.wasted_bytes, c->percent_floor);
		break;
	case LW_RULE_MAX_CHURN_BYTES:
		eval_bytes(r, lim->bytes, j->churn_bytes);
		break;
	default: /* one rule per kind */
		eval_bytes(r, lim->bytes,
			   j->by_kind[r->rule - LW_RULE_MAX_CHOWN_BYTES]);
		break;
	}
}

int lw_rules_evaluate(const struct lw_analysis *an,
		      const struct lw_rules_config *c,
		      struct lw_rules_report **out, struct lw_error *err)
{
	return lw_rules_evaluate_in(an, c, NULL, out, err);
}

int lw_rules_evaluate_in(const struct lw_analysis *an,
			 const struct lw_rules_config *c,
			 const struct lw_rules_inputs *in,
			 struct lw_rules_report **out, struct lw_error *err)
{
	struct lw_rules_report *rep = lw_xcalloc(1, sizeof(*rep));
	struct lw_rule_result *r;
	struct judged j;
	int rule, k;

	*out = rep;
	rep->passed = 1;
	rep->judge_base = c->judge_base;
	rep->fail_on = c->fail_on;
	rep->ngroups = an->ngroups;
	rep->groups = lw_xcalloc(an->ngroups + 1, sizeof(*rep->groups));
	for (k = 0; k < LW_SEVKEY_COUNT; k++) {
		rep->kind_severity[k] = c->kind_severity[k] >= 0 ?
			c->kind_severity[k] : LW_SEVERITY_DEFAULT;
		rep->gate |= c->kind_severity[k] >= 0;
	}
	for (k = 0; k < LW_FIX_COUNT; k++)
		rep->gate |= c->fix_severity[k] >= 0;
	rep->gate |= c->fail_on_set || c->ncheck_severity;
	judge(an, c, in, &j, rep->groups);
	if (!lw_rules_configured(c)) {
		grade(an, c, in, rep);
		if (!rep->gate)
			return LW_OK;
	} else {
		rep->evaluated = 1;
	}
	if (c->source)
		rep->config = lw_xstrdup(c->source);
	rep->judged_bytes = j.bytes;
	rep->ignored_bytes = j.ignored_bytes;
	rep->ignored_findings = j.ignored;
	rep->inherited_bytes = j.inherited_bytes;
	rep->inherited_findings = j.inherited;
	rep->suppressed_bytes = j.suppressed_bytes;
	rep->suppressed_findings = j.suppressed;
	rep->baseline_bytes = j.baseline_bytes;
	rep->baseline_findings = j.baseline;
	if (!rep->evaluated)
		return LW_OK;
	rep->results = lw_xcalloc(LW_RULE_COUNT, sizeof(*rep->results));
	for (rule = 0; rule < LW_RULE_COUNT; rule++) {
		if (c->limits[rule].state == LW_LIMIT_UNSET)
			continue;
		r = &rep->results[rep->nresults++];
		r->rule = rule;
		eval_rule(r, an, c, &j);
		if (r->status == LW_RULE_FAIL)
			rep->nfailed++;
		else if (r->status == LW_RULE_SKIP)
			rep->nskipped++;
		else
			rep->npassed++;
	}
	rep->passed = rep->nfailed == 0;
	grade(an, c, in, rep);
	(void)err;
	return LW_OK;
}

int lw_rules_group_judged(const struct lw_rules_report *r, size_t g)
{
	return r && r->groups && g < r->ngroups &&
	       r->groups[g].judged_findings > 0;
}

int lw_rules_report_add_check(struct lw_rules_report *r, int severity,
			      int failed)
{
	int fail_on = r ? r->fail_on : LW_FAIL_ON_ERROR;

	if (r && failed && lw_severity_fails(severity, fail_on))
		r->failing_checks++;
	return lw_severity_level(severity, 0, fail_on);
}

int lw_rules_report_failed(const struct lw_rules_report *r)
{
	return r && ((r->evaluated && !r->passed) || r->failing_groups ||
		     r->failing_checks);
}

const char *lw_baseline_status_name(int status)
{
	switch (status) {
	case LW_BL_NEW: return "new";
	case LW_BL_GROWN: return "grown";
	case LW_BL_UNCHANGED: return "unchanged";
	default: return NULL;
	}
}

struct lw_baseline *lw_baseline_match(const struct lw_analysis *an,
				      char *const *fp,
				      const char *const *old_fp,
				      const uint64_t *old_bytes, size_t nold,
				      const char *source)
{
	struct lw_baseline *b = lw_xcalloc(1, sizeof(*b));
	uint8_t *seen = lw_xcalloc(nold + 1, 1);
	size_t g, k;

	b->source = lw_xstrdup(source ? source : "");
	b->ngroups = an->ngroups;
	b->status = lw_xcalloc(an->ngroups + 1, sizeof(*b->status));
	b->known_bytes = lw_xcalloc(an->ngroups + 1, sizeof(*b->known_bytes));
	/* Fingerprints are unique within a report (repeats get -2, -3):
	 * one pass per group is enough for the sizes reports have. */
	for (g = 0; g < an->ngroups; g++) {
		for (k = 0; k < nold; k++)
			if (!seen[k] && old_fp[k] && fp[g] &&
			    !strcmp(old_fp[k], fp[g]))
				break;
		if (k == nold) {
			b->status[g] = LW_BL_NEW;
			b->nnew++;
			continue;
		}
		seen[k] = 1;
		b->known_bytes[g] = old_bytes[k];
		if (an->groups[g].bytes > old_bytes[k]) {
			b->status[g] = LW_BL_GROWN;
			b->ngrown++;
		} else {
			b->status[g] = LW_BL_UNCHANGED;
			b->nunchanged++;
		}
	}
	for (k = 0; k < nold; k++)
		if (!seen[k]) {
			b->nfixed++;
			b->fixed_bytes += old_bytes[k];
		}
	free(seen);
	return b;
}

void lw_baseline_free(struct lw_baseline *b)
{
	if (!b)
		return;
	free(b->source);
	free(b->status);
	free(b->known_bytes);
	free(b);
}

void lw_rules_report_free(struct lw_rules_report *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nresults; i++) {
		free(r->results[i].threshold);
		free(r->results[i].actual);
		free(r->results[i].message);
	}
	free(r->results);
	free(r->groups);
	free(r->config);
	free(r);
}
