/* Unit tests of suppressions: the `# layerwaste ignore=` comment kept on
 * the instruction below it, the config's `ignore:` entries (their keys,
 * errors and expiry), the causes they match, and the rules leaving the
 * suppressed waste out. Inline comments on real builds: e2e test_suppress.
 *
 * The image, built in memory:
 *   0  app/a (4 B), app/b (8 B), data/stamp (2 B)
 *   1  chowns app/a and app/b; touches data/stamp
 *   2  deletes app/b's copy (of layer 1) */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/attrib.h"
#include "layerwaste/dockerfile.h"
#include "layerwaste/engine.h"
#include "layerwaste/judge.h"
#include "layerwaste/util.h"
#include "analysed.h"
#include "suite.h"

static struct lwt_run run;
static struct lw_attribution *at;
static struct lw_rules_config cfg;

static void setup(void)
{
	lw_rules_config_init(&cfg);
}

static void teardown(void)
{
	lw_attribution_free(at);
	at = NULL;
	if (run.an)
		lwt_run_free(&run);
	memset(&run, 0, sizeof(run));
	lw_rules_config_release(&cfg);
}

static int load(const char *yml, struct lw_error *err)
{
	return lw_config_load_text(&cfg, yml, strlen(yml), ".layerwaste.yml",
				   LW_CONFIG_LAYERWASTE, err);
}

static void load_ok(const char *yml)
{
	struct lw_error err = { 0, "" };

	ck_assert_msg(load(yml, &err) == LW_OK, "%s", err.msg);
}

static void load_fails(const char *yml, const char *msg)
{
	struct lw_error err = { 0, "" };

	ck_assert_int_eq(load(yml, &err), LW_ERR_USAGE);
	ck_assert_str_eq(err.msg, msg);
}

static void build(void)
{
	struct lw_attrib_opts o = { .suppress = cfg.suppress,
				    .nsuppress = cfg.nsuppress };
	struct lw_error err = { 0, "" };
	struct tb_layer *l[3];

	lwt_new_layers(l, 3);
	tb_dir(l[0], "app", 0755);
	tb_dir(l[0], "data", 0755);
	tb_file(l[0], "app/a", "aaaa", 0, 0, 0644);
	tb_file(l[0], "app/b", "bbbbbbbb", 0, 0, 0644);
	tb_file_mtime(l[0], "data/stamp", "ss", 0, 0, 0644, 1000);
	tb_file(l[1], "app/a", "aaaa", 1000, 1000, 0644);
	tb_file(l[1], "app/b", "bbbbbbbb", 1000, 1000, 0644);
	tb_file_mtime(l[1], "data/stamp", "ss", 0, 0, 0644, 2000);
	tb_whiteout(l[2], "app", "b");
	run = lwt_analyze(l, 3, 0);
	ck_assert_msg(lw_attribute(run.an, &o, &at, &err) == LW_OK, "%s",
		      err.msg);
}

static const struct lw_cause *cause(uint32_t layer, int kind)
{
	size_t i;

	for (i = 0; i < at->ncauses; i++)
		if (run.an->groups[at->causes[i].group].layer == layer &&
		    run.an->groups[at->causes[i].group].kind == kind)
			return &at->causes[i];
	ck_abort_msg("no cause of layer %u kind %d", layer, kind);
	return NULL;
}

START_TEST(test_dockerfile_comment)
{
	static const char text[] =
		"FROM scratch\n"
		"# layerwaste ignore=chown,delete reason=\"the \\\"app\\\" user\"\n"
		"RUN chown -R 1000 /app\n"
		"# layerwaste ignore=touch\n"
		"\n"
		"RUN touch /x\n"
		"#layerwaste ignore=all reason=why\n"
		"RUN rm /y\n"
		"# layerwaste: ignore=chmod\n"
		"RUN chmod 600 /z\n";
	struct lw_error err = { 0, "" };
	struct lw_dockerfile *df = NULL;

	ck_assert_msg(lw_dockerfile_parse(text, sizeof(text) - 1, NULL, NULL,
					  &df, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(df->ninstrs, 5);
	ck_assert_ptr_null(df->instrs[0].ignore);
	ck_assert_str_eq(df->instrs[1].ignore, "chown,delete");
	ck_assert_str_eq(df->instrs[1].ignore_reason, "the \"app\" user");
	/* Not on the line just above: not this instruction's. */
	ck_assert_ptr_null(df->instrs[2].ignore);
	ck_assert_str_eq(df->instrs[3].ignore, "all");
	ck_assert_str_eq(df->instrs[3].ignore_reason, "why");
	/* Not our directive. */
	ck_assert_ptr_null(df->instrs[4].ignore);
	lw_dockerfile_free(df);
}
END_TEST

START_TEST(test_config_entries)
{
	load_ok("ignore:\n"
		"  - kind: chown-chmod\n"
		"    reason: known\n"
		"  - path: app/*\n"
		"    line: 12\n"
		"    reason: r2\n"
		"    expires: 2999-12-31\n"
		"  - fingerprint: 0123456789abcdef\n"
		"    instruction: chown -R\n"
		"    reason: r3\n"
		"    expires: 2001-02-03\n");
	ck_assert_uint_eq(cfg.nsuppress, 3);
	ck_assert_str_eq(cfg.suppress[0].kind, "chown-chmod");
	ck_assert_int_eq(cfg.suppress[0].src_line, 2);
	ck_assert_str_eq(cfg.suppress[1].path, "/app/*");
	ck_assert_int_eq(cfg.suppress[1].line, 12);
	ck_assert_int_eq(cfg.suppress[1].expired, 0);
	ck_assert_str_eq(cfg.suppress[2].instruction, "chown -R");
	ck_assert_int_eq(cfg.suppress[2].expired, 1);
	ck_assert_int_eq(lw_rules_configured(&cfg), 0);
}
END_TEST

START_TEST(test_config_errors)
{
	load_fails("ignore:\n  - kind: chown\n",
		   ".layerwaste.yml:2: ignore: an entry needs a reason");
	load_fails("ignore:\n  - reason: x\n",
		   ".layerwaste.yml:2: ignore: an entry needs kind, path, "
		   "line, instruction or fingerprint");
	load_fails("ignore:\n  - kind: chwon\n    reason: x\n",
		   ".layerwaste.yml:2: ignore: kind: unknown kind 'chwon' "
		   "(chown, chmod, chown+chmod, touch, overwrite, delete, "
		   "all)");
	load_fails("ignore:\n  - kind: chown\n    reson: x\n",
		   ".layerwaste.yml:3: ignore: reson: unknown key (did you "
		   "mean reason?) (known: kind, path, line, instruction, "
		   "fingerprint, reason, expires)");
	load_fails("ignore:\n  - kind: chown\n    reason: x\n"
		   "    expires: 2025-02-30\n",
		   ".layerwaste.yml:4: ignore: expires: '2025-02-30' is not a "
		   "date (YYYY-MM-DD)");
	load_fails("ignore:\n  - line: 0\n    reason: x\n",
		   ".layerwaste.yml:2: ignore: line: '0' is not a line number");
	load_fails("ignore: chown\n", ".layerwaste.yml:1: ignore: must be a "
		   "list of entries, not a value");
}
END_TEST

START_TEST(test_causes)
{
	load_ok("ignore:\n"
		"  - kind: touch\n"
		"    reason: stamps\n"
		"  - kind: delete\n"
		"    reason: old\n"
		"    expires: 2001-01-01\n"
		"  - path: /app\n"
		"    kind: chown\n"
		"    reason: the app's user\n");
	build();
	ck_assert_int_eq(cause(1, LW_KIND_TOUCH)->suppressed,
			 LW_SUPPRESS_CONFIG);
	ck_assert_str_eq(cause(1, LW_KIND_TOUCH)->suppress_reason, "stamps");
	ck_assert_int_eq(cause(1, LW_KIND_TOUCH)->suppress_rule, 0);
	/* Expired: suppresses nothing. */
	ck_assert_int_eq(cause(2, LW_KIND_DELETE)->suppressed, 0);
	ck_assert_int_eq(cause(2, LW_KIND_DELETE)->suppress_rule, -1);
	ck_assert_int_eq(cause(1, LW_KIND_CHOWN)->suppressed,
			 LW_SUPPRESS_CONFIG);
	ck_assert_int_eq(cause(1, LW_KIND_CHOWN)->suppress_rule, 2);
	ck_assert_str_eq(lw_suppress_by_name(LW_SUPPRESS_CONFIG), "config");
}
END_TEST

/* A path glob must match every path of the cause. */
START_TEST(test_path_all)
{
	load_ok("ignore:\n  - path: /app/a\n    reason: only a\n");
	build();
	ck_assert_int_eq(cause(1, LW_KIND_CHOWN)->suppressed, 0);
}
END_TEST

START_TEST(test_fingerprint)
{
	struct lw_error err = { 0, "" };
	char **fp;
	char yml[256];
	size_t gi;

	/* The fingerprints do not depend on the config: learn one first. */
	build();
	gi = cause(1, LW_KIND_CHOWN)->group;
	fp = lw_cause_fingerprints(run.an);
	snprintf(yml, sizeof(yml), "ignore:\n  - fingerprint: %s\n"
		 "    reason: accepted\n", fp[gi]);
	lw_cause_fingerprints_free(fp, run.an->ngroups);
	teardown();
	setup();
	ck_assert_msg(load(yml, &err) == LW_OK, "%s", err.msg);
	build();
	ck_assert_int_eq(cause(1, LW_KIND_CHOWN)->suppressed,
			 LW_SUPPRESS_CONFIG);
	ck_assert_int_eq(cause(1, LW_KIND_TOUCH)->suppressed, 0);
}
END_TEST

START_TEST(test_rules)
{
	struct lw_error err = { 0, "" };
	struct lw_rules_report *rep = NULL;
	uint8_t sup[8] = { 0 };
	struct lw_rules_inputs in = { .suppressed = sup };
	size_t i;

	load_ok("rules:\n  max-wasted-bytes: 8\n"
		"ignore:\n  - kind: chown\n    reason: r\n");
	build();
	ck_assert_uint_le(run.an->ngroups, sizeof(sup));
	in.ngroups = run.an->ngroups;
	for (i = 0; i < at->ncauses; i++)
		sup[at->causes[i].group] = at->causes[i].suppressed != 0;
	ck_assert_int_eq(lw_rules_evaluate_in(run.an, &cfg, &in, &rep, &err),
			 LW_OK);
	/* chown 4 + 8 left out; touch 2 + delete 8 judged. */
	ck_assert_uint_eq(rep->suppressed_bytes, 12);
	ck_assert_uint_eq(rep->suppressed_findings, 2);
	ck_assert_uint_eq(rep->judged_bytes, 10);
	ck_assert_int_eq(rep->passed, 0);
	lw_rules_report_free(rep);
}
END_TEST

static Suite *suppress_suite(void)
{
	Suite *s = suite_create("suppress");
	TCase *tc = tcase_create("suppress");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_dockerfile_comment);
	tcase_add_test(tc, test_config_entries);
	tcase_add_test(tc, test_config_errors);
	tcase_add_test(tc, test_causes);
	tcase_add_test(tc, test_path_all);
	tcase_add_test(tc, test_fingerprint);
	tcase_add_test(tc, test_rules);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return lwt_run_suite(suppress_suite());
}
