/* Unit tests of severities and --fail-on (judge/severity.c, the gate of
 * judge/evaluate.c): names, the `severity:` map and its precedence, the
 * one level rule, and which groups are judged, broke a rule or fail the
 * run, on an analysis built by hand. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/engine.h"
#include "layerwaste/judge.h"
#include "suite.h"

/* Five groups, one finding each but the first (two). */
static struct lw_finding findings[] = {
	{ .path = "app/a.bin", .bytes = 6000, .layer = 3, .from_layer = 2,
	  .kind = LW_KIND_CHOWN },
	{ .path = "app/b.bin", .bytes = 100, .layer = 3, .from_layer = 2,
	  .kind = LW_KIND_CHOWN },
	{ .path = "usr/bin/tool", .bytes = 700, .layer = 5, .from_layer = 4,
	  .kind = LW_KIND_CHMOD },
	{ .path = "data/grow.txt", .bytes = 4000, .layer = 7, .from_layer = 6,
	  .kind = LW_KIND_OVERWRITE },
	{ .path = "var/lib/dpkg/status", .bytes = 3000, .layer = 9,
	  .from_layer = 8, .kind = LW_KIND_OVERWRITE },
	{ .path = "data/cache/x.bin", .bytes = 1500, .layer = 10,
	  .from_layer = 6, .kind = LW_KIND_DELETE },
};

static struct lw_group groups[] = {
	{ .layer = 3, .from_layer = 2, .kind = LW_KIND_CHOWN, .bytes = 6100,
	  .files = 2, .first = 0, .count = 2 },
	{ .layer = 5, .from_layer = 4, .kind = LW_KIND_CHMOD, .bytes = 700,
	  .files = 1, .first = 2, .count = 1 },
	{ .layer = 7, .from_layer = 6, .kind = LW_KIND_OVERWRITE,
	  .bytes = 4000, .files = 1, .first = 3, .count = 1 },
	{ .layer = 9, .from_layer = 8, .kind = LW_KIND_OVERWRITE,
	  .bytes = 3000, .files = 1, .first = 4, .count = 1 },
	{ .layer = 10, .from_layer = 6, .kind = LW_KIND_DELETE,
	  .bytes = 1500, .files = 1, .first = 5, .count = 1 },
};

#define NG (sizeof(groups) / sizeof(groups[0]))

/* Per group: fix kinds (-1 none), package-db, churn. */
static const signed char fix_kind[NG] = { LW_FIX_COPY_CHOWN,
	LW_FIX_COPY_CHMOD, LW_FIX_REORDER, -1, LW_FIX_CLEANUP };
static const uint8_t package_db[NG] = { 0, 0, 0, 1, 0 };
static const uint8_t churn[NG] = { 0, 0, 0, 1, 0 };
static uint8_t suppressed[NG];

static struct lw_analysis an;
static struct lw_rules_config cfg;
static struct lw_rules_report *rep;

static void setup(void)
{
	size_t i;

	memset(&an, 0, sizeof(an));
	an.total_bytes = 1000000;
	an.findings = findings;
	an.nfindings = sizeof(findings) / sizeof(findings[0]);
	an.groups = groups;
	an.ngroups = NG;
	for (i = 0; i < an.nfindings; i++) {
		an.wasted_bytes += findings[i].bytes;
		an.by_kind[findings[i].kind] += findings[i].bytes;
	}
	memset(suppressed, 0, sizeof(suppressed));
	lw_rules_config_init(&cfg);
	rep = NULL;
}

static void teardown(void)
{
	lw_rules_report_free(rep);
	lw_rules_config_release(&cfg);
}

static void set(const char *key, const char *value)
{
	struct lw_error err = { 0, "" };

	ck_assert_msg(lw_rules_set(&cfg, key, value, &err) == LW_OK,
		      "%s=%s: %s", key, value, err.msg);
}

static void sev(const char *key, const char *value)
{
	struct lw_error err = { 0, "" };

	ck_assert_msg(lw_severity_set(&cfg, key, value, 0, &err) == LW_OK,
		      "%s=%s: %s", key, value, err.msg);
}

static void evaluate(void)
{
	struct lw_rules_inputs in = {
		.suppressed = suppressed,
		.churn = churn,
		.fix_kind = fix_kind,
		.package_db = package_db,
		.ngroups = NG,
	};
	struct lw_error err = { 0, "" };

	lw_rules_report_free(rep);
	rep = NULL;
	ck_assert_int_eq(lw_rules_evaluate_in(&an, &cfg, &in, &rep, &err),
			 LW_OK);
	ck_assert_ptr_nonnull(rep);
	ck_assert_uint_eq(rep->ngroups, NG);
}

START_TEST(test_names)
{
	ck_assert_str_eq(lw_severity_name(LW_SEVERITY_ERROR), "error");
	ck_assert_str_eq(lw_severity_name(LW_SEVERITY_NOTE), "note");
	ck_assert_ptr_null(lw_severity_name(LW_SEVERITY_COUNT));
	ck_assert_int_eq(lw_severity_from_name("warning"), LW_SEVERITY_WARNING);
	ck_assert_int_eq(lw_severity_from_name("notice"), -1);
	ck_assert_int_eq(lw_fail_on_from_name("none"), LW_FAIL_ON_NONE);
	ck_assert_int_eq(lw_fail_on_from_name("Error"), -1);
	ck_assert_str_eq(lw_fail_on_name(LW_FAIL_ON_WARNING), "warning");
}
END_TEST

/* The table of docs/ci.md, "Severities and --fail-on". */
START_TEST(test_fails_and_level)
{
	static const struct {
		int sev, broke, fail_on, fails, level;
	} t[] = {
		{ LW_SEVERITY_ERROR, 0, LW_FAIL_ON_ERROR, 1, LW_SEVERITY_ERROR },
		{ LW_SEVERITY_ERROR, 0, LW_FAIL_ON_NONE, 0, LW_SEVERITY_WARNING },
		{ LW_SEVERITY_WARNING, 0, LW_FAIL_ON_ERROR, 0,
		  LW_SEVERITY_WARNING },
		{ LW_SEVERITY_WARNING, 0, LW_FAIL_ON_WARNING, 1,
		  LW_SEVERITY_WARNING },
		{ LW_SEVERITY_WARNING, 1, LW_FAIL_ON_NONE, 0, LW_SEVERITY_ERROR },
		{ LW_SEVERITY_NOTE, 0, LW_FAIL_ON_WARNING, 0, LW_SEVERITY_NOTE },
		{ LW_SEVERITY_NOTE, 0, LW_FAIL_ON_NOTE, 1, LW_SEVERITY_NOTE },
		{ LW_SEVERITY_NOTE, 1, LW_FAIL_ON_ERROR, 0, LW_SEVERITY_ERROR },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_int_eq(lw_severity_fails(t[i].sev, t[i].fail_on),
				 t[i].fails);
		ck_assert_int_eq(lw_severity_level(t[i].sev, t[i].broke,
						   t[i].fail_on), t[i].level);
	}
}
END_TEST

START_TEST(test_set_errors)
{
	struct lw_error err = { 0, "" };

	ck_assert_int_eq(lw_severity_set(&cfg, "chmd", "error", 0, &err),
			 LW_ERR_USAGE);
	ck_assert_msg(strstr(err.msg, "did you mean chmod?"), "%s", err.msg);
	ck_assert_int_eq(lw_severity_set(&cfg, "chown", "fatal", 0, &err),
			 LW_ERR_USAGE);
	ck_assert_msg(strstr(err.msg, "not a severity"), "%s", err.msg);
	/* A check id needs a known profile. */
	ck_assert_int_eq(lw_severity_set(&cfg, "nope/app-port", "error", 0,
					 &err), LW_ERR_USAGE);
	ck_assert_int_eq(lw_severity_set(&cfg, "spaces/app-port", "note", 3,
					 &err), LW_OK);
	ck_assert_int_eq(lw_severity_set(&cfg, "chown-chmod", "note", 0, &err),
			 LW_OK);
	ck_assert_int_eq(cfg.kind_severity[LW_KIND_CHOWN_CHMOD],
			 LW_SEVERITY_NOTE);
	ck_assert_int_eq(lw_rules_set(&cfg, "--fail-on", "fatal", &err),
			 LW_ERR_USAGE);
	ck_assert_msg(strstr(err.msg, "--fail-on: 'fatal'"), "%s", err.msg);
}
END_TEST

/* Fix kind beats churn beats package-db beats finding kind beats the
 * default; a check's id beats its own severity. */
START_TEST(test_precedence)
{
	ck_assert_int_eq(lw_severity_of_cause(&cfg, LW_KIND_CHOWN, 0, 0,
					      LW_FIX_COPY_CHOWN),
			 LW_SEVERITY_DEFAULT);
	sev("chown", "note");
	ck_assert_int_eq(lw_severity_of_cause(&cfg, LW_KIND_CHOWN, 0, 0,
					      LW_FIX_COPY_CHOWN),
			 LW_SEVERITY_NOTE);
	sev("copy-chown", "error");
	ck_assert_int_eq(lw_severity_of_cause(&cfg, LW_KIND_CHOWN, 0, 0,
					      LW_FIX_COPY_CHOWN),
			 LW_SEVERITY_ERROR);
	ck_assert_int_eq(lw_severity_of_cause(&cfg, LW_KIND_CHOWN, 0, 0, -1),
			 LW_SEVERITY_NOTE);
	sev("overwrite", "note");
	sev("package-db", "warning");
	ck_assert_int_eq(lw_severity_of_cause(&cfg, LW_KIND_OVERWRITE, 1, 0,
					      -1), LW_SEVERITY_WARNING);
	sev("churn", "error");
	ck_assert_int_eq(lw_severity_of_cause(&cfg, LW_KIND_OVERWRITE, 1, 1,
					      -1), LW_SEVERITY_ERROR);
	ck_assert_int_eq(lw_severity_of_cause(&cfg, LW_KIND_OVERWRITE, 0, 0,
					      -1), LW_SEVERITY_NOTE);
	ck_assert_int_eq(lw_severity_of_check(&cfg, "spaces/app-port",
					      LW_SEVERITY_ERROR),
			 LW_SEVERITY_ERROR);
	sev("spaces/app-port", "note");
	ck_assert_int_eq(lw_severity_of_check(&cfg, "spaces/app-port",
					      LW_SEVERITY_ERROR),
			 LW_SEVERITY_NOTE);
	/* A later entry for the same id replaces the first. */
	sev("spaces/app-port", "warning");
	ck_assert_uint_eq(cfg.ncheck_severity, 1);
	ck_assert_int_eq(lw_severity_of_check(&cfg, "spaces/app-port",
					      LW_SEVERITY_ERROR),
			 LW_SEVERITY_WARNING);
}
END_TEST

/* No rule, no severity: the groups are graded, nothing fails, the
 * verdict stays a report. */
START_TEST(test_defaults_keep_exit)
{
	size_t g;

	evaluate();
	ck_assert_int_eq(rep->evaluated, 0);
	ck_assert_int_eq(rep->gate, 0);
	ck_assert_int_eq(lw_rules_report_failed(rep), 0);
	for (g = 0; g < NG; g++) {
		ck_assert(lw_rules_group_judged(rep, g));
		ck_assert_int_eq(rep->groups[g].severity, LW_SEVERITY_WARNING);
		ck_assert_int_eq(rep->groups[g].level, LW_SEVERITY_WARNING);
		ck_assert_int_eq(rep->groups[g].fails, 0);
	}
	/* The totals stay 0 when nothing is configured. */
	ck_assert_uint_eq(rep->judged_bytes, 0);
}
END_TEST

/* Only the groups a failed rule counts are errors. */
START_TEST(test_broke_rule)
{
	set("max-chown-bytes", "1kB");
	set("max-delete-bytes", "disabled");
	set("max-overwrite-bytes", "1MB");
	evaluate();
	ck_assert_int_eq(rep->nfailed, 1);
	ck_assert_int_eq(rep->groups[0].broke_rule, 1);
	ck_assert_int_eq(rep->groups[0].level, LW_SEVERITY_ERROR);
	ck_assert_int_eq(rep->groups[1].level, LW_SEVERITY_WARNING);
	ck_assert_int_eq(rep->groups[2].level, LW_SEVERITY_WARNING);
	/* The disabled kind shows its own severity. */
	ck_assert_int_eq(rep->groups[4].broke_rule, 0);
	ck_assert_int_eq(rep->groups[4].level, LW_SEVERITY_WARNING);
	ck_assert(lw_rules_report_failed(rep));
	/* max-metadata-bytes counts chmod too; churn its own group. */
	lw_rules_config_release(&cfg);
	lw_rules_config_init(&cfg);
	set("max-metadata-bytes", "1kB");
	set("max-churn-bytes", "1kB");
	sev("delete", "note");
	evaluate();
	ck_assert_int_eq(rep->groups[1].level, LW_SEVERITY_ERROR);
	ck_assert_int_eq(rep->groups[2].level, LW_SEVERITY_WARNING);
	ck_assert_int_eq(rep->groups[3].level, LW_SEVERITY_ERROR);
	ck_assert_int_eq(rep->groups[4].level, LW_SEVERITY_NOTE);
	/* Anything over max-wasted-bytes: every judged group. */
	set("max-wasted-bytes", "1kB");
	evaluate();
	ck_assert_int_eq(rep->groups[4].level, LW_SEVERITY_ERROR);
}
END_TEST

/* --fail-on over the judged set: the same set the rules add up. */
START_TEST(test_fail_on_judged_set)
{
	set("fail-on", "warning");
	evaluate();
	ck_assert_int_eq(rep->gate, 1);
	ck_assert_uint_eq(rep->failing_groups, NG);
	ck_assert_uint_eq(rep->failing_bytes, an.wasted_bytes);
	ck_assert_uint_eq(rep->judged_bytes, an.wasted_bytes);
	ck_assert(lw_rules_report_failed(rep));
	/* The floor, an ignore glob and a suppression leave groups out of
	 * both. The chown group keeps one of its two findings. */
	set("min-finding-bytes", "800");
	set("ignore-paths", "/data/cache");
	suppressed[2] = 1;
	evaluate();
	ck_assert_uint_eq(rep->groups[0].judged_bytes, 6000);
	ck_assert_uint_eq(rep->groups[0].judged_findings, 1);
	ck_assert_int_eq(rep->groups[1].left_out, LW_LEFT_IGNORED);
	ck_assert_int_eq(rep->groups[2].left_out, LW_LEFT_SUPPRESSED);
	ck_assert_int_eq(rep->groups[4].left_out, LW_LEFT_IGNORED);
	ck_assert_int_eq(rep->groups[1].level, LW_SEVERITY_NOTE);
	ck_assert_uint_eq(rep->failing_groups, 2);
	ck_assert_uint_eq(rep->failing_bytes, 9000);
	ck_assert_uint_eq(rep->judged_bytes, 9000);
	/* none: severities never fail; a rule still does. */
	set("fail-on", "none");
	evaluate();
	ck_assert_uint_eq(rep->failing_groups, 0);
	ck_assert(!lw_rules_report_failed(rep));
	set("max-wasted-bytes", "1kB");
	evaluate();
	ck_assert(lw_rules_report_failed(rep));
}
END_TEST

/* A config severity makes a kind fail at the default fail-on. */
START_TEST(test_config_override)
{
	struct lw_error err = { 0, "" };
	static const char yml[] =
		"severity:\n"
		"  overwrite: error\n"
		"  reorder: note\n"
		"  spaces/app-port: warning\n";

	ck_assert_msg(lw_config_load_text(&cfg, yml, sizeof(yml) - 1, "t.yml",
					  LW_CONFIG_LAYERWASTE, &err) == LW_OK,
		      "%s", err.msg);
	evaluate();
	ck_assert_int_eq(rep->gate, 1);
	ck_assert_int_eq(rep->fail_on, LW_FAIL_ON_ERROR);
	/* Group 2 is an overwrite fixed by a reorder (note wins); group 3
	 * an overwrite with no fix (error: it fails the run). */
	ck_assert_int_eq(rep->groups[2].severity, LW_SEVERITY_NOTE);
	ck_assert_int_eq(rep->groups[3].severity, LW_SEVERITY_ERROR);
	ck_assert_int_eq(rep->groups[3].level, LW_SEVERITY_ERROR);
	ck_assert_uint_eq(rep->failing_groups, 1);
	ck_assert_int_eq(rep->kind_severity[LW_KIND_OVERWRITE],
			 LW_SEVERITY_ERROR);
	ck_assert_int_eq(rep->kind_severity[LW_KIND_CHOWN],
			 LW_SEVERITY_WARNING);
	ck_assert_int_eq(lw_severity_of_check(&cfg, "spaces/app-port",
					      LW_SEVERITY_ERROR),
			 LW_SEVERITY_WARNING);
	/* Checks join the gate: a failed error check fails; a warning one
	 * does not at the default, and is shown as a warning. */
	ck_assert_int_eq(lw_rules_report_add_check(rep, LW_SEVERITY_WARNING,
						   1), LW_SEVERITY_WARNING);
	ck_assert_uint_eq(rep->failing_checks, 0);
	ck_assert_int_eq(lw_rules_report_add_check(rep, LW_SEVERITY_ERROR, 0),
			 LW_SEVERITY_ERROR);
	ck_assert_uint_eq(rep->failing_checks, 0);
	ck_assert_int_eq(lw_rules_report_add_check(rep, LW_SEVERITY_ERROR, 1),
			 LW_SEVERITY_ERROR);
	ck_assert_uint_eq(rep->failing_checks, 1);
}
END_TEST

START_TEST(test_config_errors)
{
	static const struct {
		const char *yml, *msg;
	} t[] = {
		{ "severity:\n  chmd: error\n",
		  "t.yml:2: severity: chmd: unknown key (did you mean chmod?)" },
		{ "severity:\n  chown: fatal\n",
		  "t.yml:2: severity: chown: 'fatal' is not a severity" },
		{ "severity:\n  chown:\n", "t.yml:2: severity: chown: no value" },
		{ "severity: error\n", "severity: must be a mapping" },
		{ "fail-on: warn\n", "t.yml:1: fail-on: 'warn' is not a level" },
		{ "fail_on: note\n", "did you mean fail-on?" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct lw_rules_config c;
		struct lw_error err = { 0, "" };

		lw_rules_config_init(&c);
		ck_assert_int_eq(lw_config_load_text(&c, t[i].yml,
			strlen(t[i].yml), "t.yml", LW_CONFIG_LAYERWASTE, &err),
			LW_ERR_USAGE);
		ck_assert_msg(strstr(err.msg, t[i].msg), "%s: got '%s'",
			      t[i].yml, err.msg);
		lw_rules_config_release(&c);
	}
}
END_TEST

static Suite *severity_suite(void)
{
	Suite *s = suite_create("severity");
	TCase *tc = tcase_create("severity");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_fails_and_level);
	tcase_add_test(tc, test_set_errors);
	tcase_add_test(tc, test_precedence);
	tcase_add_test(tc, test_defaults_keep_exit);
	tcase_add_test(tc, test_broke_rule);
	tcase_add_test(tc, test_fail_on_judged_set);
	tcase_add_test(tc, test_config_override);
	tcase_add_test(tc, test_config_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return lwt_run_suite(severity_suite());
}
