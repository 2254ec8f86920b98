/* Rules: settings from text, and their evaluation over an analysis.
 * Results are data; the renderers print them. */
#include <fnmatch.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layerwaste/engine.h"
#include "layerwaste/checks.h"
#include "layerwaste/judge.h"
#include "layerwaste/util.h"

struct rule_info {
	const char *id;
	const char *description;
	int unit;
};

static const struct rule_info rules[LW_RULE_COUNT] = {
	[LW_RULE_MAX_WASTED_BYTES] = { "max-wasted-bytes",
		"wasted bytes, all kinds", LW_UNIT_BYTES },
	[LW_RULE_MAX_WASTED_PERCENT] = { "max-wasted-percent",
		"wasted bytes as a percentage of all layers' bytes",
		LW_UNIT_PERCENT },
	[LW_RULE_MAX_CHOWN_BYTES] = { "max-chown-bytes",
		"bytes copied only to change owner", LW_UNIT_BYTES },
	[LW_RULE_MAX_CHMOD_BYTES] = { "max-chmod-bytes",
		"bytes copied only to change mode", LW_UNIT_BYTES },
	[LW_RULE_MAX_CHOWN_CHMOD_BYTES] = { "max-chown-chmod-bytes",
		"bytes copied only to change owner and mode", LW_UNIT_BYTES },
	[LW_RULE_MAX_TOUCH_BYTES] = { "max-touch-bytes",
		"bytes copied only to change mtime or xattrs", LW_UNIT_BYTES },
	[LW_RULE_MAX_OVERWRITE_BYTES] = { "max-overwrite-bytes",
		"bytes of files a later layer overwrote", LW_UNIT_BYTES },
	[LW_RULE_MAX_DELETE_BYTES] = { "max-delete-bytes",
		"bytes of files a later layer deleted", LW_UNIT_BYTES },
	[LW_RULE_MAX_METADATA_BYTES] = { "max-metadata-bytes",
		"bytes of metadata-only copies (chown, chmod, touch)",
		LW_UNIT_BYTES },
	[LW_RULE_LOWEST_EFFICIENCY] = { "lowest-efficiency",
		"dive's image efficiency (ratio 0..1)", LW_UNIT_RATIO },
	[LW_RULE_HIGHEST_WASTED_BYTES] = { "highest-wasted-bytes",
		"dive's wasted bytes", LW_UNIT_BYTES },
	[LW_RULE_HIGHEST_USER_WASTED_PERCENT] = {
		"highest-user-wasted-percent",
		"dive's wasted bytes over the bytes added on the base layer "
		"(ratio 0..1)", LW_UNIT_RATIO },
	[LW_RULE_MAX_CHURN_BYTES] = { "max-churn-bytes",
		"bytes of package-manager state rewritten by a later install "
		"step (churn)", LW_UNIT_BYTES },
};

static const char *const profile_names[LW_PROFILE_COUNT] = {
	[LW_PROFILE_SPACES] = "spaces",
};

/* The names of the fail-on levels, values of a config key as the
 * profiles' names are (severity.c judges with them). */
static const char *const fail_on_names[] = {
	[LW_FAIL_ON_ERROR] = "error",
	[LW_FAIL_ON_WARNING] = "warning",
	[LW_FAIL_ON_NOTE] = "note",
	[LW_FAIL_ON_NONE] = "none",
};

#define NFAIL_ON ((int)(sizeof(fail_on_names) / sizeof(fail_on_names[0])))

const char *lw_fail_on_name(int fail_on)
{
	return fail_on >= 0 && fail_on < NFAIL_ON ? fail_on_names[fail_on] :
		NULL;
}

int lw_fail_on_from_name(const char *name)
{
	int i;

	for (i = 0; i < NFAIL_ON; i++)
		if (!strcmp(name, fail_on_names[i]))
			return i;
	return -1;
}

const char *lw_profile_name(int profile)
{
	return profile > 0 && profile < LW_PROFILE_COUNT ?
		profile_names[profile] : NULL;
}

int lw_profile_from_name(const char *name)
{
	int p;

	for (p = 1; p < LW_PROFILE_COUNT; p++)
		if (!strcmp(name, profile_names[p]))
			return p;
	return -1;
}

void lw_rules_config_init(struct lw_rules_config *c)
{
	int k;

	memset(c, 0, sizeof(*c));
	c->percent_floor = LW_PERCENT_FLOOR_DEFAULT;
	for (k = 0; k < LW_SEVKEY_COUNT; k++)
		c->kind_severity[k] = -1;
	for (k = 0; k < LW_FIX_COUNT; k++)
		c->fix_severity[k] = -1;
}

void lw_rules_config_release(struct lw_rules_config *c)
{
	size_t i;

	for (i = 0; i < c->nignore; i++)
		free(c->ignore[i]);
	free(c->ignore);
	for (i = 0; i < c->nsuppress; i++) {
		struct lw_suppress_rule *r = &c->suppress[i];

		free(r->kind);
		free(r->path);
		free(r->instruction);
		free(r->fingerprint);
		free(r->reason);
		free(r->expires);
	}
	free(c->suppress);
	for (i = 0; i < c->ncheck_severity; i++)
		free(c->check_severity[i].id);
	free(c->check_severity);
	free(c->source);
	free(c->space_readme);
	free(c->baseline);
	lw_rules_config_init(c);
}

const char *lw_rule_id(int rule)
{
	return rule >= 0 && rule < LW_RULE_COUNT ? rules[rule].id : NULL;
}

const char *lw_rule_description(int rule)
{
	return rule >= 0 && rule < LW_RULE_COUNT ? rules[rule].description
						 : NULL;
}

int lw_rule_unit(int rule)
{
	return rule >= 0 && rule < LW_RULE_COUNT ? rules[rule].unit
						 : LW_UNIT_BYTES;
}

int lw_rule_from_id(const char *id)
{
	int r;

	for (r = 0; r < LW_RULE_COUNT; r++)
		if (!strcmp(rules[r].id, id))
			return r;
	return -1;
}

const char *lw_rule_status_name(int status)
{
	switch (status) {
	case LW_RULE_PASS: return "pass";
	case LW_RULE_FAIL: return "fail";
	default: return "skip";
	}
}

int lw_is_disabled_word(const char *s)
{
	return !strcasecmp(s, "disabled") || !strcasecmp(s, "off") ||
	       !strcasecmp(s, "false");
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A decimal number "12", "1.5", ".5" at *s, without the locale (strtod
 * would take "1,5" in some): mantissa m and decimals d, value m / 10^d.
 * Advances *s past it. */
static int parse_decimal(const char **s, uint64_t *m, int *d,
			 const char **why)
{
	const char *p = *s;
	int digits = 0, frac = 0, dot = 0;

	*m = 0;
	if (*p == '-') {
		*why = "must not be negative";
		return -1;
	}
	if (*p == '+')
		p++;
	for (; is_digit(*p) || (*p == '.' && !dot); p++) {
		if (*p == '.') {
			dot = 1;
			continue;
		}
		digits++;
		if (dot && frac == 9)
			continue; /* finer than a billionth: dropped */
		if (*m > (UINT64_MAX - 9) / 10) {
			*why = "is too large";
			return -1;
		}
		*m = *m * 10 + (uint64_t)(*p - '0');
		frac += dot;
	}
	if (!digits) {
		*why = "is not a number";
		return -1;
	}
	*d = frac;
	*s = p;
	return 0;
}

static const char *skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

struct size_unit {
	const char *name;
	uint64_t mult;
};

static const struct size_unit size_units[] = {
	{ "", 1 }, { "b", 1 },
	{ "k", 1000ULL }, { "kb", 1000ULL },
	{ "m", 1000000ULL }, { "mb", 1000000ULL },
	{ "g", 1000000000ULL }, { "gb", 1000000000ULL },
	{ "t", 1000000000000ULL }, { "tb", 1000000000000ULL },
	{ "ki", 1ULL << 10 }, { "kib", 1ULL << 10 },
	{ "mi", 1ULL << 20 }, { "mib", 1ULL << 20 },
	{ "gi", 1ULL << 30 }, { "gib", 1ULL << 30 },
	{ "ti", 1ULL << 40 }, { "tib", 1ULL << 40 },
};

int lw_parse_size(const char *s, uint64_t *out, const char **why)
{
	static const uint64_t pow10[] = { 1, 10, 100, 1000, 10000, 100000,
		1000000, 10000000, 100000000, 1000000000 };
	const char *p = skip_space(s), *unit;
	uint64_t m, mult = 0, whole, rest;
	size_t i, ulen;
	int d;

	if (parse_decimal(&p, &m, &d, why))
		return -1;
	unit = skip_space(p);
	ulen = strlen(unit);
	while (ulen && (unit[ulen - 1] == ' ' || unit[ulen - 1] == '\t'))
		ulen--;
	for (i = 0; i < sizeof(size_units) / sizeof(size_units[0]); i++) {
		if (strlen(size_units[i].name) == ulen &&
		    !strncasecmp(unit, size_units[i].name, ulen)) {
			mult = size_units[i].mult;
			break;
		}
	}
	if (!mult) {
		*why = "has an unknown unit (use B, kB, MB, GB, TB, KiB, "
		       "MiB, GiB or TiB)";
		return -1;
	}
	/* m / 10^d * mult, rounded half up, without overflow. */
	whole = m / pow10[d];
	rest = m % pow10[d];
	if (whole > UINT64_MAX / mult || whole * mult > (uint64_t)INT64_MAX) {
		*why = "is too large";
		return -1;
	}
	*out = whole * mult;
	if (rest) {
		/* rest < 10^9 and mult <= 2^40: the product fits. */
		long double f = (long double)rest * (long double)mult /
				(long double)pow10[d];
		*out += (uint64_t)(f + 0.5L);
		if (*out > (uint64_t)INT64_MAX) {
			*why = "is too large";
			return -1;
		}
	}
	return 0;
}

static int parse_number(const char *s, double *out, int *has_percent,
			const char **why)
{
	const char *p = skip_space(s);
	uint64_t m;
	int d;

	if (parse_decimal(&p, &m, &d, why))
		return -1;
	*out = (double)m;
	while (d-- > 0)
		*out /= 10.0;
	p = skip_space(p);
	*has_percent = *p == '%';
	if (*has_percent)
		p = skip_space(p + 1);
	if (*p) {
		*why = "is not a number";
		return -1;
	}
	return 0;
}

int lw_parse_percent(const char *s, double *out, const char **why)
{
	int pct;

	if (parse_number(s, out, &pct, why))
		return -1;
	if (*out > 100.0) {
		*why = "is outside 0..100 %";
		return -1;
	}
	return 0;
}

int lw_parse_ratio(const char *s, double *out, const char **why)
{
	int pct;

	if (parse_number(s, out, &pct, why))
		return -1;
	if (pct)
		*out /= 100.0;
	if (*out > 1.0) {
		*why = pct ? "is outside 0..100 %" :
			"is outside 0..1 (a ratio; write 90% for a percent)";
		return -1;
	}
	return 0;
}

static int add_ignore(struct lw_rules_config *c, const char *name,
		      const char *glob, struct lw_error *err)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;

	if (!*glob)
		return lw_error_set(err, LW_ERR_USAGE, "%s: empty glob", name);
	if (strlen(glob) > LW_IGNORE_LEN_MAX)
		return lw_error_set(err, LW_ERR_USAGE, "%s: glob longer than "
				    "%d bytes", name, LW_IGNORE_LEN_MAX);
	if (c->nignore == LW_IGNORE_MAX)
		return lw_error_set(err, LW_ERR_USAGE, "%s: more than %d globs",
				    name, LW_IGNORE_MAX);
	/* Paths are matched with their leading '/': "var/cache/x" would
	 * never match, so it gets one. */
	if (glob[0] != '/' && glob[0] != '*')
		lw_strbuf_addc(&sb, '/');
	lw_strbuf_adds(&sb, glob);
	c->ignore = lw_xrealloc(c->ignore, (c->nignore + 1) *
				sizeof(*c->ignore));
	c->ignore[c->nignore++] = lw_strbuf_detach(&sb);
	return LW_OK;
}

int lw_rules_set_value(struct lw_rules_config *c, int rule, const char *name,
		       const char *value, struct lw_error *err)
{
	struct lw_limit lim = { LW_LIMIT_ON, 0, 0.0 };
	const char *why = "";
	int rc;

	if (lw_is_disabled_word(value)) {
		lim.state = LW_LIMIT_DISABLED;
		c->limits[rule] = lim;
		return LW_OK;
	}
	switch (rules[rule].unit) {
	case LW_UNIT_BYTES:
		rc = lw_parse_size(value, &lim.bytes, &why);
		break;
	case LW_UNIT_PERCENT:
		rc = lw_parse_percent(value, &lim.value, &why);
		break;
	default:
		rc = lw_parse_ratio(value, &lim.value, &why);
		break;
	}
	if (rc)
		return lw_error_set(err, LW_ERR_USAGE, "%s: '%s' %s", name,
				    value, why);
	c->limits[rule] = lim;
	return LW_OK;
}

int lw_rules_set(struct lw_rules_config *c, const char *key,
		 const char *value, struct lw_error *err)
{
	const char *why = "", *name = key;
	uint64_t v;
	int rule;

	/* A flag's name ("--max-wasted-bytes") names it in errors. */
	if (!strncmp(key, "--", 2))
		key += 2;
	rule = lw_rule_from_id(key);
	if (rule >= 0)
		return lw_rules_set_value(c, rule, name, value, err);
	if (!strcmp(key, "ignore-paths"))
		return add_ignore(c, name, value, err);
	if (!strcmp(key, "profile")) {
		if (!strcmp(value, "none")) {
			c->profile = LW_PROFILE_NONE;
			return LW_OK;
		}
		if (lw_profile_from_name(value) < 0)
			return lw_error_set(err, LW_ERR_USAGE, "%s: unknown "
					    "profile '%s' (known: spaces, "
					    "none)", name, value);
		c->profile = lw_profile_from_name(value);
		return LW_OK;
	}
	if (!strcmp(key, "space-readme") || !strcmp(key, "baseline")) {
		char **slot = !strcmp(key, "baseline") ? &c->baseline :
			      &c->space_readme;

		if (!*value)
			return lw_error_set(err, LW_ERR_USAGE, "%s: no path",
					    name);
		free(*slot);
		*slot = lw_xstrdup(value);
		return LW_OK;
	}
	if (!strcmp(key, "fail-on")) {
		int f = lw_fail_on_from_name(value);

		if (f < 0)
			return lw_error_set(err, LW_ERR_USAGE, "%s: '%s' is "
					    "not a level (error, warning, "
					    "note, none)", name, value);
		c->fail_on = f;
		c->fail_on_set = 1;
		return LW_OK;
	}
	if (!strcmp(key, "judge-base")) {
		if (!strcmp(value, "true") || !strcmp(value, "yes"))
			c->judge_base = 1;
		else if (!strcmp(value, "false") || !strcmp(value, "no"))
			c->judge_base = 0;
		else
			return lw_error_set(err, LW_ERR_USAGE, "%s: '%s' is "
					    "not true or false", name, value);
		return LW_OK;
	}
	if (strcmp(key, "min-finding-bytes") &&
	    strcmp(key, "min-wasted-bytes-for-percent"))
		return lw_error_set(err, LW_ERR_USAGE, "%s: unknown setting",
				    name);
	if (lw_parse_size(value, &v, &why))
		return lw_error_set(err, LW_ERR_USAGE, "%s: '%s' %s%s", name,
				    value, why, lw_is_disabled_word(value) ?
				    " (write 0 for no floor)" : "");
	if (!strcmp(key, "min-finding-bytes"))
		c->min_finding_bytes = v;
	else
		c->percent_floor = v;
	return LW_OK;
}

int lw_rules_configured(const struct lw_rules_config *c)
{
	int r;

	for (r = 0; r < LW_RULE_COUNT; r++)
		if (c->limits[r].state != LW_LIMIT_UNSET)
			return 1;
	return 0;
}

/* fnmatch without FNM_PATHNAME: '*' also matches '/'. A glob that matches
 * a parent directory covers everything under it. */
static int ignored(const struct lw_rules_config *c, const char *path)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	size_t i, len;
	int hit = 0;

	if (!c->nignore)
		return 0;
	lw_strbuf_addc(&sb, '/');
	lw_strbuf_adds(&sb, path);
	for (len = sb.len; len > 0 && !hit; len--) {
		if (len != sb.len && sb.buf[len] != '/')
			continue;
		sb.buf[len] = '\0';
		for (i = 0; i < c->nignore && !hit; i++)
			hit = fnmatch(c->ignore[i], sb.buf, 0) == 0;
		if (len != sb.len)
			sb.buf[len] = '/';
	}
	lw_strbuf_release(&sb);
	return hit;
}

int lw_rules_judges(const struct lw_rules_config *c, const char *path,
		    uint64_t bytes)
{
	return bytes >= c->min_finding_bytes && !ignored(c, path);
}
