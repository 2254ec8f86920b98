/* Severities: the `severity:` map of the config, --fail-on, and the one
 * rule that turns a severity into the level the CI formats show.
 * docs/ci.md ("Severities and --fail-on") is the user's contract. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/checks.h"
#include "layerwaste/judge.h"
#include "layerwaste/util.h"

/* A check's built-in severity is an enum lw_check_severity: the two
 * enums must agree. */
_Static_assert(LW_SEVERITY_ERROR == (int)LW_SEV_ERROR &&
	       LW_SEVERITY_WARNING == (int)LW_SEV_WARNING &&
	       LW_SEVERITY_NOTE == (int)LW_SEV_NOTE,
	       "enum lw_severity and enum lw_check_severity differ");

static const char *const severity_names[LW_SEVERITY_COUNT] = {
	[LW_SEVERITY_ERROR] = "error",
	[LW_SEVERITY_WARNING] = "warning",
	[LW_SEVERITY_NOTE] = "note",
};

const char *lw_severity_name(int severity)
{
	return severity >= 0 && severity < LW_SEVERITY_COUNT ?
		severity_names[severity] : NULL;
}

int lw_severity_from_name(const char *name)
{
	int i;

	for (i = 0; i < LW_SEVERITY_COUNT; i++)
		if (!strcmp(name, severity_names[i]))
			return i;
	return -1;
}

/* Severities and fail-on levels are ordered alike (error first): a
 * severity fails the run at its own level and every lower one. */
int lw_severity_fails(int severity, int fail_on)
{
	return fail_on != LW_FAIL_ON_NONE && severity >= 0 &&
	       severity <= fail_on;
}

int lw_severity_level(int severity, int broke_rule, int fail_on)
{
	if (broke_rule)
		return LW_SEVERITY_ERROR;
	if (severity == LW_SEVERITY_ERROR)
		return lw_severity_fails(severity, fail_on) ?
			LW_SEVERITY_ERROR : LW_SEVERITY_WARNING;
	return severity == LW_SEVERITY_NOTE ? LW_SEVERITY_NOTE :
		LW_SEVERITY_WARNING;
}

/* The finding keys: enum lw_kind's names, then LW_SEVKEY_*. */
static const char *finding_key(int k)
{
	if (k < LW_KIND_COUNT)
		return lw_kind_name(k);
	return k == LW_SEVKEY_PACKAGE_DB ? "package-db" : "churn";
}

/* Every key a `severity:` map knows but check ids, for "did you mean". */
static size_t known_keys(const char **names, size_t cap)
{
	size_t n = 0;
	int k;

	for (k = 0; k < LW_SEVKEY_COUNT && n < cap; k++)
		names[n++] = finding_key(k);
	for (k = 0; k < LW_FIX_COUNT && n < cap; k++)
		names[n++] = lw_fix_kind_name(k);
	return n;
}

/* A check id: a known profile's name, '/', and a name of letters,
 * digits and '-'. The profile's own checks are known only once it runs:
 * the command line says when an id names none of them. */
static int check_id_shape(const char *key)
{
	const char *slash = strchr(key, '/'), *p;
	char profile[32];

	if (!slash || (size_t)(slash - key) >= sizeof(profile) || !slash[1])
		return 0;
	memcpy(profile, key, (size_t)(slash - key));
	profile[slash - key] = '\0';
	if (lw_profile_from_name(profile) < 0)
		return 0;
	for (p = slash + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '-'))
			return 0;
	return 1;
}

int lw_severity_set(struct lw_rules_config *c, const char *key,
		    const char *value, int line, struct lw_error *err)
{
	const char *names[LW_SEVKEY_COUNT + LW_FIX_COUNT], *near;
	int sev = lw_severity_from_name(value), k;
	size_t i, n;

	if (sev < 0)
		return lw_error_set(err, LW_ERR_USAGE, "severity: %s: '%s' is "
				    "not a severity (error, warning, note)",
				    key, value);
	if (!strcmp(key, "chown-chmod"))
		key = "chown+chmod";
	for (k = 0; k < LW_SEVKEY_COUNT; k++)
		if (!strcmp(key, finding_key(k))) {
			c->kind_severity[k] = sev;
			return LW_OK;
		}
	for (k = 0; k < LW_FIX_COUNT; k++)
		if (!strcmp(key, lw_fix_kind_name(k))) {
			c->fix_severity[k] = sev;
			return LW_OK;
		}
	if (check_id_shape(key)) {
		for (i = 0; i < c->ncheck_severity; i++)
			if (!strcmp(c->check_severity[i].id, key)) {
				c->check_severity[i].severity = sev;
				c->check_severity[i].line = line;
				return LW_OK;
			}
		if (c->ncheck_severity == LW_SEVERITY_CHECKS_MAX)
			return lw_error_set(err, LW_ERR_USAGE, "severity: "
					    "more than %d checks",
					    LW_SEVERITY_CHECKS_MAX);
		c->check_severity = lw_xrealloc(c->check_severity,
			(c->ncheck_severity + 1) * sizeof(*c->check_severity));
		c->check_severity[c->ncheck_severity].id = lw_xstrdup(key);
		c->check_severity[c->ncheck_severity].severity = sev;
		c->check_severity[c->ncheck_severity].line = line;
		c->ncheck_severity++;
		return LW_OK;
	}
	n = known_keys(names, sizeof(names) / sizeof(names[0]));
	near = lw_closest_name(key, names, n);
	return lw_error_set(err, LW_ERR_USAGE, "severity: %s: unknown key%s%s%s "
			    "(a finding kind, package-db, churn, a fix kind "
			    "or a check id such as spaces/app-port)", key,
			    near ? " (did you mean " : "", near ? near : "",
			    near ? "?)" : "");
}

int lw_severity_of_cause(const struct lw_rules_config *c, int kind,
			 int package_db, int churn, int fix_kind)
{
	if (fix_kind >= 0 && fix_kind < LW_FIX_COUNT &&
	    c->fix_severity[fix_kind] >= 0)
		return c->fix_severity[fix_kind];
	if (churn && c->kind_severity[LW_SEVKEY_CHURN] >= 0)
		return c->kind_severity[LW_SEVKEY_CHURN];
	if ((package_db || churn) &&
	    c->kind_severity[LW_SEVKEY_PACKAGE_DB] >= 0)
		return c->kind_severity[LW_SEVKEY_PACKAGE_DB];
	if (kind >= 0 && kind < LW_KIND_COUNT && c->kind_severity[kind] >= 0)
		return c->kind_severity[kind];
	return LW_SEVERITY_DEFAULT;
}

int lw_severity_of_check(const struct lw_rules_config *c, const char *id,
			 int builtin)
{
	size_t i;

	for (i = 0; id && i < c->ncheck_severity; i++)
		if (!strcmp(c->check_severity[i].id, id))
			return c->check_severity[i].severity;
	return builtin;
}
