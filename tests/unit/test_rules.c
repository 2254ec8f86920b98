/* Unit tests of the rules: value parsers, settings, and each rule passing,
 * failing and disabled on an analysis built by hand. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/engine.h"
#include "layerwaste/judge.h"
#include "suite.h"

/* 10 MB of layers; findings of every kind, 5,602,300 bytes in all. */
static struct lw_finding findings[] = {
	{ .path = "app/big.bin", .bytes = 4000000, .layer = 3, .from_layer = 2,
	  .kind = LW_KIND_CHOWN, .has_after = 1, .before = { 0, 0, 0644 },
	  .after = { 1000, 1000, 0644 } },
	{ .path = "app/small.txt", .bytes = 300, .layer = 3, .from_layer = 2,
	  .kind = LW_KIND_CHOWN, .has_after = 1, .before = { 0, 0, 0644 },
	  .after = { 1000, 1000, 0644 } },
	{ .path = "usr/bin/tool", .bytes = 500000, .layer = 4, .from_layer = 1,
	  .kind = LW_KIND_CHMOD, .has_after = 1, .before = { 0, 0, 0644 },
	  .after = { 0, 0, 0755 } },
	{ .path = "etc/app.conf", .bytes = 2000, .layer = 5, .from_layer = 1,
	  .kind = LW_KIND_CHOWN_CHMOD, .has_after = 1, .before = { 0, 0, 0644 },
	  .after = { 1, 1, 0600 } },
	{ .path = "etc/stamp", .bytes = 100000, .layer = 6, .from_layer = 1,
	  .kind = LW_KIND_TOUCH, .has_after = 1, .before = { 0, 0, 0644 },
	  .after = { 0, 0, 0644 } },
	{ .path = "var/cache/apt/pkgcache.bin", .bytes = 900000, .layer = 7,
	  .from_layer = 1, .kind = LW_KIND_OVERWRITE, .has_after = 1,
	  .before = { 0, 0, 0644 }, .after = { 0, 0, 0644 } },
	{ .path = "tmp/build.tar", .bytes = 100000, .layer = 8, .from_layer = 1,
	  .kind = LW_KIND_DELETE, .has_after = 0, .before = { 0, 0, 0644 },
	  .after = { 0, 0, 0 } },
};

static struct lw_analysis an;
static struct lw_rules_config cfg;
static struct lw_rules_report *rep;

static void setup(void)
{
	size_t i;

	memset(&an, 0, sizeof(an));
	an.total_bytes = 10000000;
	an.findings = findings;
	an.nfindings = sizeof(findings) / sizeof(findings[0]);
	for (i = 0; i < an.nfindings; i++) {
		an.wasted_bytes += findings[i].bytes;
		an.by_kind[findings[i].kind] += findings[i].bytes;
	}
	/* dive's figures of its own test image (evaluator_test.go). */
	an.dive.efficiency = 0.9844212134184309;
	an.dive.wasted_bytes = 32025;
	an.dive.user_wasted_percent = 0.4834911001404049;
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

static void evaluate(void)
{
	struct lw_error err = { 0, "" };

	lw_rules_report_free(rep);
	rep = NULL;
	ck_assert_int_eq(lw_rules_evaluate(&an, &cfg, &rep, &err), LW_OK);
	ck_assert_ptr_nonnull(rep);
}

static const struct lw_rule_result *result(int rule)
{
	size_t i;

	for (i = 0; i < rep->nresults; i++)
		if (rep->results[i].rule == rule)
			return &rep->results[i];
	ck_abort_msg("no result for %s", lw_rule_id(rule));
	return NULL;
}

static int status_of(int rule)
{
	return result(rule)->status;
}

START_TEST(test_parse_size)
{
	static const struct { const char *in; uint64_t want; } ok[] = {
		{ "0", 0 }, { "1234", 1234 }, { "50MB", 50000000 },
		{ "50 MB", 50000000 }, { "50mb", 50000000 },
		{ "20Mb", 20000000 }, /* as dive writes it: MB, not bits */
		{ "19Mb", 19000000 }, { "1.5GiB", 1610612736 },
		{ "1.5 gib", 1610612736 }, { "2KiB", 2048 }, { "2Ki", 2048 },
		{ "1k", 1000 }, { "1kB", 1000 }, { "1KB", 1000 },
		{ "3G", 3000000000ULL }, { "1TB", 1000000000000ULL },
		{ "1TiB", 1099511627776ULL }, { "0.5kB", 500 },
		{ "1.0005kB", 1001 }, /* rounded half up */ { "7B", 7 },
		{ " 12 ", 12 }, { "+5", 5 }, { ".5MB", 500000 },
	};
	static const char *const bad[] = { "", "MB", "-1", "-1MB", "1XB",
		"not_a_size", "1.2.3", "1e6", "1 M B", "99999999999999999999",
		"9000000TiB", "1,5MB", "1.5 bits" };
	const char *why;
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		why = NULL;
		ck_assert_msg(lw_parse_size(ok[i].in, &v, &why) == 0,
			      "'%s': %s", ok[i].in, why);
		ck_assert_msg(v == ok[i].want, "'%s' = %llu", ok[i].in,
			      (unsigned long long)v);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		ck_assert_msg(lw_parse_size(bad[i], &v, &why) == -1,
			      "'%s' accepted", bad[i]);
		ck_assert_ptr_nonnull(why);
	}
	ck_assert_int_eq(lw_parse_size("-3", &v, &why), -1);
	ck_assert_str_eq(why, "must not be negative");
}
END_TEST

START_TEST(test_parse_percent_ratio)
{
	const char *why;
	double v;

	ck_assert_int_eq(lw_parse_percent("5", &v, &why), 0);
	ck_assert_double_eq(v, 5.0);
	ck_assert_int_eq(lw_parse_percent("5%", &v, &why), 0);
	ck_assert_double_eq(v, 5.0);
	ck_assert_int_eq(lw_parse_percent("0.5 %", &v, &why), 0);
	ck_assert_double_eq(v, 0.5);
	ck_assert_int_eq(lw_parse_percent("100", &v, &why), 0);
	ck_assert_int_eq(lw_parse_percent("100.1", &v, &why), -1);
	ck_assert_int_eq(lw_parse_percent("-1", &v, &why), -1);
	ck_assert_int_eq(lw_parse_percent("5%%", &v, &why), -1);
	ck_assert_int_eq(lw_parse_percent("five", &v, &why), -1);

	ck_assert_int_eq(lw_parse_ratio("0.9", &v, &why), 0);
	ck_assert_double_eq(v, 0.9);
	ck_assert_int_eq(lw_parse_ratio("90%", &v, &why), 0);
	ck_assert_double_eq_tol(v, 0.9, 1e-12);
	ck_assert_int_eq(lw_parse_ratio("1", &v, &why), 0);
	ck_assert_int_eq(lw_parse_ratio("0", &v, &why), 0);
	/* dive's evaluator_test.go: 1.1, -0.1 and not_a_number fail. */
	ck_assert_int_eq(lw_parse_ratio("1.1", &v, &why), -1);
	ck_assert_ptr_nonnull(strstr(why, "0..1"));
	ck_assert_int_eq(lw_parse_ratio("-0.1", &v, &why), -1);
	ck_assert_int_eq(lw_parse_ratio("not_a_number", &v, &why), -1);
	ck_assert_int_eq(lw_parse_ratio("101%", &v, &why), -1);

	ck_assert(lw_is_disabled_word("disabled"));
	ck_assert(lw_is_disabled_word("OFF"));
	ck_assert(lw_is_disabled_word("false"));
	ck_assert(!lw_is_disabled_word("0"));
}
END_TEST

START_TEST(test_set_errors)
{
	struct lw_error err = { 0, "" };

	ck_assert_int_eq(lw_rules_set(&cfg, "max-wasted-bytes", "50XB", &err),
			 LW_ERR_USAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "max-wasted-bytes: '50XB'"));
	ck_assert_ptr_nonnull(strstr(err.msg, "unknown unit"));
	ck_assert_int_eq(lw_rules_set(&cfg, "--lowest-efficiency", "1.1",
				      &err), LW_ERR_USAGE);
	ck_assert_msg(!strncmp(err.msg, "--lowest-efficiency: '1.1' is "
			       "outside 0..1", 36), "%s", err.msg);
	ck_assert_int_eq(lw_rules_set(&cfg, "max-wasted-percent", "-5",
				      &err), LW_ERR_USAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "negative"));
	ck_assert_int_eq(lw_rules_set(&cfg, "no-such-rule", "1", &err),
			 LW_ERR_USAGE);
	ck_assert_str_eq(err.msg, "no-such-rule: unknown setting");
	ck_assert_int_eq(lw_rules_set(&cfg, "min-finding-bytes", "disabled",
				      &err), LW_ERR_USAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "write 0"));
	ck_assert_int_eq(lw_rules_set(&cfg, "ignore-paths", "", &err),
			 LW_ERR_USAGE);
	/* Nothing was set by the failures. */
	ck_assert(!lw_rules_configured(&cfg));
}
END_TEST

START_TEST(test_rule_ids)
{
	int r;

	for (r = 0; r < LW_RULE_COUNT; r++) {
		ck_assert_ptr_nonnull(lw_rule_id(r));
		ck_assert_ptr_nonnull(lw_rule_description(r));
		ck_assert_int_eq(lw_rule_from_id(lw_rule_id(r)), r);
	}
	ck_assert_ptr_null(lw_rule_id(LW_RULE_COUNT));
	ck_assert_int_eq(lw_rule_from_id("lowestEfficiency"), -1);
	ck_assert_str_eq(lw_rule_id(LW_RULE_MAX_CHOWN_BYTES +
				    LW_KIND_CHOWN_CHMOD),
			 "max-chown-chmod-bytes");
	ck_assert_str_eq(lw_rule_id(LW_RULE_MAX_CHOWN_BYTES + LW_KIND_DELETE),
			 "max-delete-bytes");
}
END_TEST

START_TEST(test_nothing_configured)
{
	evaluate();
	ck_assert_int_eq(rep->evaluated, 0);
	ck_assert_int_eq(rep->passed, 1);
	ck_assert_uint_eq(rep->nresults, 0);
	/* A setting alone is no rule. */
	set("min-finding-bytes", "1kB");
	set("ignore-paths", "/tmp");
	evaluate();
	ck_assert_int_eq(rep->evaluated, 0);
}
END_TEST

/* Each byte rule: a limit above the value passes, one below fails,
 * "disabled" skips; the value is what the rule should measure. */
static const struct { int rule; uint64_t value; } byte_rules[] = {
	{ LW_RULE_MAX_WASTED_BYTES, 5602300 },
	{ LW_RULE_MAX_CHOWN_BYTES, 4000300 },
	{ LW_RULE_MAX_CHMOD_BYTES, 500000 },
	{ LW_RULE_MAX_CHOWN_CHMOD_BYTES, 2000 },
	{ LW_RULE_MAX_TOUCH_BYTES, 100000 },
	{ LW_RULE_MAX_OVERWRITE_BYTES, 900000 },
	{ LW_RULE_MAX_DELETE_BYTES, 100000 },
	{ LW_RULE_MAX_METADATA_BYTES, 4602300 },
	{ LW_RULE_HIGHEST_WASTED_BYTES, 32025 },
};

START_TEST(test_byte_rule)
{
	int rule = byte_rules[_i].rule;
	uint64_t v = byte_rules[_i].value;
	const struct lw_rule_result *r;
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	set(lw_rule_id(rule), buf); /* equal: passes */
	evaluate();
	ck_assert_int_eq(rep->evaluated, 1);
	ck_assert_uint_eq(rep->nresults, 1);
	r = result(rule);
	ck_assert_int_eq(r->status, LW_RULE_PASS);
	ck_assert_int_eq(r->unit, LW_UNIT_BYTES);
	ck_assert_double_eq(r->value, (double)v);
	ck_assert_int_eq(rep->passed, 1);
	ck_assert_ptr_nonnull(strstr(r->message, "within"));

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v - 1);
	set(lw_rule_id(rule), buf);
	evaluate();
	r = result(rule);
	ck_assert_int_eq(r->status, LW_RULE_FAIL);
	ck_assert_int_eq(rep->passed, 0);
	ck_assert_uint_eq(rep->nfailed, 1);
	ck_assert_ptr_nonnull(strstr(r->message, "over the limit"));
	ck_assert_str_eq(r->threshold[0] == '<' ? "<" : "?", "<");

	set(lw_rule_id(rule), "disabled");
	evaluate();
	ck_assert_int_eq(rep->evaluated, 1);
	ck_assert_int_eq(status_of(rule), LW_RULE_SKIP);
	ck_assert_int_eq(rep->passed, 1);
	ck_assert_uint_eq(rep->nskipped, 1);
	ck_assert_str_eq(result(rule)->threshold, "disabled");
}
END_TEST

START_TEST(test_percent_rule)
{
	const struct lw_rule_result *r;

	/* 5,602,300 of 10,000,000: 56.02 %. */
	cfg.percent_floor = 0;
	set("max-wasted-percent", "56.1%");
	evaluate();
	r = result(LW_RULE_MAX_WASTED_PERCENT);
	ck_assert_int_eq(r->status, LW_RULE_PASS);
	ck_assert_double_eq_tol(r->value, 56.023, 1e-9);
	ck_assert_int_eq(r->unit, LW_UNIT_PERCENT);
	ck_assert_str_eq(r->threshold, "<= 56.10 %");
	ck_assert_str_eq(r->actual, "56.02 %");
	set("max-wasted-percent", "56");
	evaluate();
	ck_assert_int_eq(status_of(LW_RULE_MAX_WASTED_PERCENT), LW_RULE_FAIL);
	set("max-wasted-percent", "disabled");
	evaluate();
	ck_assert_int_eq(status_of(LW_RULE_MAX_WASTED_PERCENT), LW_RULE_SKIP);
}
END_TEST

/* The peer's trap: a ratio rule on a small image. Under the floor a
 * percent rule passes, and says why. */
START_TEST(test_percent_floor)
{
	const struct lw_rule_result *r;

	set("max-wasted-percent", "1");
	set("min-wasted-bytes-for-percent", "6MB");
	evaluate();
	r = result(LW_RULE_MAX_WASTED_PERCENT);
	ck_assert_int_eq(r->status, LW_RULE_PASS);
	ck_assert_int_eq(r->below_floor, 1);
	ck_assert_ptr_nonnull(strstr(r->message, "floor"));
	set("min-wasted-bytes-for-percent", "5602300"); /* reached: judged */
	evaluate();
	r = result(LW_RULE_MAX_WASTED_PERCENT);
	ck_assert_int_eq(r->status, LW_RULE_FAIL);
	ck_assert_int_eq(r->below_floor, 0);
	/* The default floor is 1 MB. */
	ck_assert_uint_eq(LW_PERCENT_FLOOR_DEFAULT, 1000000);
}
END_TEST

START_TEST(test_dive_ratio_rules)
{
	/* dive's evaluator_test.go cases, on its own test image's figures
	 * (32 kB of waste, so the floor is set to 0 to match dive). */
	cfg.percent_floor = 0;
	set("lowest-efficiency", "0.99");
	set("highest-wasted-bytes", "1B");
	set("highest-user-wasted-percent", "0.01");
	evaluate();
	ck_assert_int_eq(status_of(LW_RULE_LOWEST_EFFICIENCY), LW_RULE_FAIL);
	ck_assert_int_eq(status_of(LW_RULE_HIGHEST_WASTED_BYTES), LW_RULE_FAIL);
	ck_assert_int_eq(status_of(LW_RULE_HIGHEST_USER_WASTED_PERCENT),
			 LW_RULE_FAIL);
	ck_assert_int_eq(rep->passed, 0);

	set("lowest-efficiency", "0.9");
	set("highest-wasted-bytes", "50kB");
	set("highest-user-wasted-percent", "0.5");
	evaluate();
	ck_assert_uint_eq(rep->npassed, 3);
	ck_assert_int_eq(rep->passed, 1);

	set("lowest-efficiency", "disabled");
	set("highest-wasted-bytes", "disabled");
	set("highest-user-wasted-percent", "disabled");
	evaluate();
	ck_assert_uint_eq(rep->nskipped, 3);
	ck_assert_int_eq(rep->passed, 1);

	set("lowest-efficiency", "0.9");
	set("highest-wasted-bytes", "1B");
	set("highest-user-wasted-percent", "0.5");
	evaluate();
	ck_assert_int_eq(status_of(LW_RULE_LOWEST_EFFICIENCY), LW_RULE_PASS);
	ck_assert_int_eq(status_of(LW_RULE_HIGHEST_WASTED_BYTES), LW_RULE_FAIL);
	ck_assert_int_eq(status_of(LW_RULE_HIGHEST_USER_WASTED_PERCENT),
			 LW_RULE_PASS);
	ck_assert_int_eq(rep->passed, 0);
	ck_assert_str_eq(result(LW_RULE_LOWEST_EFFICIENCY)->threshold,
			 ">= 0.9");
	ck_assert_str_eq(result(LW_RULE_LOWEST_EFFICIENCY)->actual, "0.9844");
}
END_TEST

START_TEST(test_dive_ratio_floor)
{
	/* With the default 1 MB floor, dive's 32 kB of waste cannot fail a
	 * ratio rule, however strict; the byte rule still can. */
	set("lowest-efficiency", "0.99");
	set("highest-user-wasted-percent", "0.01");
	set("highest-wasted-bytes", "1B");
	evaluate();
	ck_assert_int_eq(status_of(LW_RULE_LOWEST_EFFICIENCY), LW_RULE_PASS);
	ck_assert_int_eq(result(LW_RULE_LOWEST_EFFICIENCY)->below_floor, 1);
	ck_assert_int_eq(status_of(LW_RULE_HIGHEST_USER_WASTED_PERCENT),
			 LW_RULE_PASS);
	ck_assert_int_eq(status_of(LW_RULE_HIGHEST_WASTED_BYTES), LW_RULE_FAIL);
}
END_TEST

START_TEST(test_min_finding_bytes)
{
	/* Findings under 2,000 bytes are not judged: only small.txt (300). */
	set("min-finding-bytes", "2kB");
	set("max-wasted-bytes", "5602000");
	set("max-chown-bytes", "4000000");
	evaluate();
	ck_assert_uint_eq(rep->judged_bytes, 5602000);
	ck_assert_uint_eq(rep->ignored_bytes, 300);
	ck_assert_uint_eq(rep->ignored_findings, 1);
	ck_assert_int_eq(status_of(LW_RULE_MAX_WASTED_BYTES), LW_RULE_PASS);
	ck_assert_int_eq(status_of(LW_RULE_MAX_CHOWN_BYTES), LW_RULE_PASS);
	set("min-finding-bytes", "0");
	evaluate();
	ck_assert_int_eq(status_of(LW_RULE_MAX_WASTED_BYTES), LW_RULE_FAIL);
	ck_assert_int_eq(status_of(LW_RULE_MAX_CHOWN_BYTES), LW_RULE_FAIL);
}
END_TEST

START_TEST(test_ignore_paths)
{
	set("ignore-paths", "/var/cache/*");
	set("ignore-paths", "tmp"); /* no leading slash: gets one */
	set("ignore-paths", "*.conf");
	set("max-overwrite-bytes", "0");
	set("max-delete-bytes", "0");
	set("max-chown-chmod-bytes", "0");
	set("max-touch-bytes", "0");
	evaluate();
	/* /var/cache/apt/... (glob crosses '/'), /tmp/build.tar (a parent
	 * directory matches), /etc/app.conf. */
	ck_assert_uint_eq(rep->ignored_findings, 3);
	ck_assert_uint_eq(rep->ignored_bytes, 1002000);
	ck_assert_int_eq(status_of(LW_RULE_MAX_OVERWRITE_BYTES), LW_RULE_PASS);
	ck_assert_int_eq(status_of(LW_RULE_MAX_DELETE_BYTES), LW_RULE_PASS);
	ck_assert_int_eq(status_of(LW_RULE_MAX_CHOWN_CHMOD_BYTES),
			 LW_RULE_PASS);
	ck_assert_int_eq(status_of(LW_RULE_MAX_TOUCH_BYTES), LW_RULE_FAIL);
	ck_assert(lw_rules_judges(&cfg, "etc/stamp", 1));
	ck_assert(!lw_rules_judges(&cfg, "tmp", 1));
	ck_assert(lw_rules_judges(&cfg, "tmpfile", 1));
	ck_assert(!lw_rules_judges(&cfg, "var/cache/x", 1));
	ck_assert(lw_rules_judges(&cfg, "var/cachex", 1));
}
END_TEST

START_TEST(test_order_and_counts)
{
	set("highest-user-wasted-percent", "0.5");
	set("max-wasted-bytes", "1");
	set("max-delete-bytes", "disabled");
	set("lowest-efficiency", "0.5");
	evaluate();
	/* Results follow enum lw_rule, whatever the order of the settings. */
	ck_assert_uint_eq(rep->nresults, 4);
	ck_assert_int_eq(rep->results[0].rule, LW_RULE_MAX_WASTED_BYTES);
	ck_assert_int_eq(rep->results[1].rule, LW_RULE_MAX_DELETE_BYTES);
	ck_assert_int_eq(rep->results[2].rule, LW_RULE_LOWEST_EFFICIENCY);
	ck_assert_int_eq(rep->results[3].rule,
			 LW_RULE_HIGHEST_USER_WASTED_PERCENT);
	ck_assert_uint_eq(rep->nfailed, 1);
	ck_assert_uint_eq(rep->nskipped, 1);
	ck_assert_uint_eq(rep->npassed, 2);
	ck_assert_str_eq(lw_rule_status_name(LW_RULE_FAIL), "fail");
	ck_assert_str_eq(result(LW_RULE_MAX_WASTED_BYTES)->threshold, "<= 1 B");
	ck_assert_str_eq(result(LW_RULE_MAX_WASTED_BYTES)->actual, "5.6 MB");
}
END_TEST

START_TEST(test_empty_image)
{
	/* Nothing at all: percent 0, no NaN, everything passes. */
	memset(&an, 0, sizeof(an));
	an.dive.efficiency = 1.0;
	an.dive.user_wasted_percent = NAN;
	cfg.percent_floor = 0;
	set("max-wasted-percent", "0");
	set("max-wasted-bytes", "0");
	set("highest-user-wasted-percent", "0");
	evaluate();
	ck_assert_uint_eq(rep->npassed, 3);
	ck_assert_str_eq(result(LW_RULE_HIGHEST_USER_WASTED_PERCENT)->actual,
			 "0.0000");
}
END_TEST

START_TEST(test_format_bytes)
{
	char b[32];

	ck_assert_str_eq(lw_format_bytes(0, b, sizeof(b)), "0 B");
	ck_assert_str_eq(lw_format_bytes(999, b, sizeof(b)), "999 B");
	ck_assert_str_eq(lw_format_bytes(20500, b, sizeof(b)), "20.5 kB");
	ck_assert_str_eq(lw_format_bytes(1000000, b, sizeof(b)), "1.0 MB");
	ck_assert_str_eq(lw_format_bytes(1610612736, b, sizeof(b)), "1.6 GB");
}
END_TEST

static Suite *rules_suite(void)
{
	Suite *s = suite_create("rules");
	TCase *parse = tcase_create("parse");
	TCase *eval = tcase_create("evaluate");

	tcase_add_checked_fixture(parse, setup, teardown);
	tcase_add_test(parse, test_parse_size);
	tcase_add_test(parse, test_parse_percent_ratio);
	tcase_add_test(parse, test_set_errors);
	tcase_add_test(parse, test_rule_ids);
	tcase_add_test(parse, test_format_bytes);
	suite_add_tcase(s, parse);

	tcase_add_checked_fixture(eval, setup, teardown);
	tcase_add_test(eval, test_nothing_configured);
	tcase_add_loop_test(eval, test_byte_rule, 0,
			    sizeof(byte_rules) / sizeof(byte_rules[0]));
	tcase_add_test(eval, test_percent_rule);
	tcase_add_test(eval, test_percent_floor);
	tcase_add_test(eval, test_dive_ratio_rules);
	tcase_add_test(eval, test_dive_ratio_floor);
	tcase_add_test(eval, test_min_finding_bytes);
	tcase_add_test(eval, test_ignore_paths);
	tcase_add_test(eval, test_order_and_counts);
	tcase_add_test(eval, test_empty_image);
	suite_add_tcase(s, eval);
	return s;
}

int main(void)
{
	return lwt_run_suite(rules_suite());
}
