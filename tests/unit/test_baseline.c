/* Unit tests of baselines (judge.h): causes matched with a report's by
 * fingerprint (new, grown, unchanged; the report's others fixed), and the
 * rules judging only what is new or grew.
 *
 * The image, built in memory:
 *   0  a/x (4 B), a/y (6 B), b/z (8 B)
 *   1  chowns a/x and a/y (10 B)
 *   2  deletes b/z (8 B) */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/attrib.h"
#include "layerwaste/engine.h"
#include "layerwaste/judge.h"
#include "layerwaste/util.h"
#include "analysed.h"
#include "suite.h"

static struct lwt_run run;
static char **fp;

static void setup(void)
{
	struct tb_layer *l[3];

	lwt_new_layers(l, 3);
	tb_dir(l[0], "a", 0755);
	tb_dir(l[0], "b", 0755);
	tb_file(l[0], "a/x", "xxxx", 0, 0, 0644);
	tb_file(l[0], "a/y", "yyyyyy", 0, 0, 0644);
	tb_file(l[0], "b/z", "zzzzzzzz", 0, 0, 0644);
	tb_file(l[1], "a/x", "xxxx", 1000, 0, 0644);
	tb_file(l[1], "a/y", "yyyyyy", 1000, 0, 0644);
	tb_whiteout(l[2], "b", "z");
	run = lwt_analyze(l, 3, 0);
	fp = lw_cause_fingerprints(run.an);
}

static void teardown(void)
{
	lw_cause_fingerprints_free(fp, run.an->ngroups);
	lwt_run_free(&run);
	memset(&run, 0, sizeof(run));
}

static size_t group_of(int kind)
{
	size_t g;

	for (g = 0; g < run.an->ngroups; g++)
		if (run.an->groups[g].kind == kind)
			return g;
	ck_abort_msg("no group of kind %d", kind);
	return 0;
}

static struct lw_rules_report *judge(const struct lw_baseline *b,
				     const char *limit)
{
	struct lw_rules_config cfg;
	struct lw_rules_inputs in = { .baseline = b,
				      .ngroups = run.an->ngroups };
	struct lw_rules_report *rep = NULL;
	struct lw_error err = { 0, "" };

	lw_rules_config_init(&cfg);
	ck_assert_int_eq(lw_rules_set(&cfg, "max-wasted-bytes", limit, &err),
			 0);
	ck_assert_int_eq(lw_rules_evaluate_in(run.an, &cfg, &in, &rep, &err),
			 LW_OK);
	lw_rules_config_release(&cfg);
	return rep;
}

START_TEST(test_match)
{
	size_t gc = group_of(LW_KIND_CHOWN), gd = group_of(LW_KIND_DELETE);
	const char *old_fp[3] = { fp[gc], "ffffffffffffffff", NULL };
	uint64_t old_bytes[3] = { 10, 77, 5 };
	struct lw_baseline *b = lw_baseline_match(run.an, fp, old_fp,
						  old_bytes, 3, "main.json");

	ck_assert_str_eq(b->source, "main.json");
	ck_assert_int_eq(b->status[gc], LW_BL_UNCHANGED);
	ck_assert_int_eq(b->status[gd], LW_BL_NEW);
	ck_assert_uint_eq(b->known_bytes[gc], 10);
	ck_assert_uint_eq(b->known_bytes[gd], 0);
	ck_assert_uint_eq(b->nnew, 1);
	ck_assert_uint_eq(b->nunchanged, 1);
	ck_assert_uint_eq(b->ngrown, 0);
	/* The other two of the report are gone: fixed. */
	ck_assert_uint_eq(b->nfixed, 2);
	ck_assert_uint_eq(b->fixed_bytes, 82);
	ck_assert_str_eq(lw_baseline_status_name(LW_BL_GROWN), "grown");
	lw_baseline_free(b);
}
END_TEST

START_TEST(test_judge_new_only)
{
	size_t gc = group_of(LW_KIND_CHOWN);
	const char *old_fp[1] = { fp[gc] };
	uint64_t old_bytes[1] = { 10 };
	struct lw_baseline *b = lw_baseline_match(run.an, fp, old_fp,
						  old_bytes, 1, "r");
	struct lw_rules_report *rep = judge(b, "8");

	ck_assert_uint_eq(rep->baseline_bytes, 10);
	ck_assert_uint_eq(rep->baseline_findings, 2);
	ck_assert_uint_eq(rep->judged_bytes, 8);
	ck_assert_int_eq(rep->passed, 1);
	lw_rules_report_free(rep);
	rep = judge(b, "7");
	ck_assert_int_eq(rep->passed, 0);
	lw_rules_report_free(rep);
	lw_baseline_free(b);
}
END_TEST

/* The report had 4 bytes of the chown: a/x (4 B) is known, a/y is what
 * grew and is judged. */
START_TEST(test_grown)
{
	size_t gc = group_of(LW_KIND_CHOWN);
	const char *old_fp[1] = { fp[gc] };
	uint64_t old_bytes[1] = { 4 };
	struct lw_baseline *b = lw_baseline_match(run.an, fp, old_fp,
						  old_bytes, 1, "r");
	struct lw_rules_report *rep;

	ck_assert_int_eq(b->status[gc], LW_BL_GROWN);
	ck_assert_uint_eq(b->ngrown, 1);
	rep = judge(b, "100");
	ck_assert_uint_eq(rep->baseline_bytes, 4);
	ck_assert_uint_eq(rep->judged_bytes, 6 + 8);
	lw_rules_report_free(rep);
	lw_baseline_free(b);
}
END_TEST

static Suite *baseline_suite(void)
{
	Suite *s = suite_create("baseline");
	TCase *tc = tcase_create("baseline");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_match);
	tcase_add_test(tc, test_judge_new_only);
	tcase_add_test(tc, test_grown);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return lwt_run_suite(baseline_suite());
}
