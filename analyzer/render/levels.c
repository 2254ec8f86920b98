/* The levels the CI formats show: one table of level names per format,
 * the level of a cause (the judge's grading, judge.h) and of a check, and
 * the rule id of each finding kind. */
#include "layerwaste/checks.h"
#include "ci_priv.h"
#include "render_priv.h"

/* Indexed by enum lw_kind. */
static const char *const kind_rule_ids[LW_KIND_COUNT] = {
	[LW_KIND_CHOWN] = "chown",
	[LW_KIND_CHMOD] = "chmod",
	[LW_KIND_CHOWN_CHMOD] = "chown-chmod",
	[LW_KIND_TOUCH] = "touch",
	[LW_KIND_OVERWRITE] = "overwrite",
	[LW_KIND_DELETE] = "delete",
};

const char *lwr_kind_rule_id(int kind)
{
	return kind >= 0 && kind < LW_KIND_COUNT ? kind_rule_ids[kind] :
	       "unknown";
}

/* The one table of levels: enum lw_severity by enum lwr_level_format. */
static const char *const level_names[LW_SEVERITY_COUNT][LWR_LEVEL_FORMATS] = {
	[LW_SEVERITY_ERROR] = { "error", "error", "major", "critical" },
	[LW_SEVERITY_WARNING] = { "warning", "warning", "minor", "major" },
	[LW_SEVERITY_NOTE] = { "notice", "note", "info", "info" },
};

const char *lwr_level_name(int level, int format)
{
	if (level < 0 || level >= LW_SEVERITY_COUNT)
		level = LW_SEVERITY_WARNING;
	if (format < 0 || format >= LWR_LEVEL_FORMATS)
		format = LWR_LEVEL_SARIF;
	return level_names[level][format];
}

int lwr_group_level(const struct lw_result *r, size_t gi)
{
	if (r->rules && r->rules->groups && gi < r->rules->ngroups)
		return r->rules->groups[gi].level;
	return lwr_group_judged(r, gi) ? LW_SEVERITY_WARNING :
		LW_SEVERITY_NOTE;
}

int lwr_check_level(const struct lw_result *r, const struct lw_check *k)
{
	return lw_severity_level(k->severity, 0, r->rules ? r->rules->fail_on :
				 LW_FAIL_ON_ERROR);
}
