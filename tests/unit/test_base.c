/* Unit tests of the base image apart: causes and findings flagged base
 * (the hidden file lies in a base layer) and inherited (the bytes are
 * charged to a base layer), the advice for inherited waste, the rules
 * leaving inherited waste out unless judge-base, and the JSON figures.
 *
 * The image, built in memory: layers 0 and 1 are the base image's.
 *   0  etc/a (4 B), etc/b (8 B), etc/c (2 B)
 *   1  etc/c (3 B): an overwrite inside the base           inherited
 *   2  deletes etc/a (of the base)                         inherited
 *      chowns etc/b (a copy of a base file)                base, judged
 *   3  app/x (5 B)
 *   4  deletes app/x                                        own */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/attrib.h"
#include "layerwaste/engine.h"
#include "layerwaste/judge.h"
#include "layerwaste/render.h"
#include "layerwaste/util.h"
#include "analysed.h"
#include "handmade.h"
#include "suite.h"

static struct lwt_run run;
static struct lw_attribution *at;

static void build(const char *base_ref, size_t base_layers)
{
	struct lw_attrib_opts o = { .base_ref = base_ref,
				    .base_layers = base_layers };
	struct lw_error err = { 0, "" };
	struct tb_layer *l[5];

	lwt_new_layers(l, 5);
	tb_dir(l[0], "etc", 0755);
	tb_file(l[0], "etc/a", "aaaa", 0, 0, 0644);
	tb_file(l[0], "etc/b", "bbbbbbbb", 0, 0, 0644);
	tb_file(l[0], "etc/c", "cc", 0, 0, 0644);
	tb_file(l[1], "etc/c", "CCC", 0, 0, 0644);
	tb_whiteout(l[2], "etc", "a");
	tb_file(l[2], "etc/b", "bbbbbbbb", 1000, 1000, 0644);
	tb_dir(l[3], "app", 0755);
	tb_file(l[3], "app/x", "xxxxx", 0, 0, 0644);
	tb_whiteout(l[4], "app", "x");
	run = lwt_analyze(l, 5, 0);
	ck_assert_msg(lw_attribute(run.an, &o, &at, &err) == LW_OK, "%s",
		      err.msg);
}

static void teardown(void)
{
	lw_attribution_free(at);
	at = NULL;
	if (run.an)
		lwt_run_free(&run);
	memset(&run, 0, sizeof(run));
}

/* The cause of the group made by layer at kind k from layer from. */
static const struct lw_cause *cause(uint32_t layer, uint32_t from, int kind)
{
	size_t i;

	for (i = 0; i < at->ncauses; i++) {
		const struct lw_group *g = &run.an->groups[at->causes[i].group];

		if (g->layer == layer && g->from_layer == from &&
		    g->kind == kind)
			return &at->causes[i];
	}
	ck_abort_msg("no group %u <- %u of kind %d", layer, from, kind);
	return NULL;
}

static const struct lw_suggestion *fix_of(const struct lw_cause *c)
{
	ck_assert_int_ge(c->suggestion, 0);
	return &at->suggestions[c->suggestion];
}

START_TEST(test_flags)
{
	build("base:1", 2);
	ck_assert_int_eq(at->base_known, LW_BASE_IMAGE);
	ck_assert_int_eq(at->layers[0].base, 1);
	ck_assert_int_eq(at->layers[1].base, 1);
	ck_assert_int_eq(at->layers[2].base, 0);
	ck_assert_str_eq(at->layers[1].base_ref, "base:1");
	ck_assert_ptr_null(at->layers[2].base_ref);
	ck_assert_int_eq(run.an->ngroups, 4);
	ck_assert_int_eq(cause(1, 0, LW_KIND_OVERWRITE)->base, 1);
	ck_assert_int_eq(cause(1, 0, LW_KIND_OVERWRITE)->inherited, 1);
	ck_assert_int_eq(cause(2, 0, LW_KIND_DELETE)->base, 1);
	ck_assert_int_eq(cause(2, 0, LW_KIND_DELETE)->inherited, 1);
	ck_assert_int_eq(cause(2, 0, LW_KIND_CHOWN)->base, 1);
	ck_assert_int_eq(cause(2, 0, LW_KIND_CHOWN)->inherited, 0);
	ck_assert_int_eq(cause(4, 3, LW_KIND_DELETE)->base, 0);
	ck_assert_int_eq(cause(4, 3, LW_KIND_DELETE)->inherited, 0);
}
END_TEST

START_TEST(test_no_base)
{
	size_t i;

	build(NULL, 0);
	ck_assert_int_eq(at->base_known, LW_BASE_UNKNOWN);
	for (i = 0; i < at->ncauses; i++) {
		ck_assert_int_eq(at->causes[i].base, 0);
		ck_assert_int_eq(at->causes[i].inherited, 0);
	}
	ck_assert_int_eq(at->layers[0].base, 0);
}
END_TEST

START_TEST(test_advice)
{
	const struct lw_suggestion *s;

	build("base:1", 2);
	s = fix_of(cause(2, 0, LW_KIND_DELETE));
	ck_assert_str_eq(s->title, "Deleting files of the base image (base:1) "
			 "at layer 2 saves nothing");
	ck_assert_ptr_nonnull(strstr(s->detail, "Drop the rm"));
	ck_assert_int_eq(s->safe, 0);
	ck_assert_int_eq(s->nedits, 0);
	ck_assert_uint_eq(s->saves_bytes, 0);
	s = fix_of(cause(1, 0, LW_KIND_OVERWRITE));
	ck_assert_str_eq(s->title, "Waste inside the base image (base:1): "
			 "choose a slimmer base");
	ck_assert_uint_eq(s->saves_bytes, 2);
	/* Not inherited: the advice fixes.c gives. */
	s = fix_of(cause(4, 3, LW_KIND_DELETE));
	ck_assert_ptr_null(strstr(s->title, "base image"));
	s = fix_of(cause(2, 0, LW_KIND_CHOWN));
	ck_assert_ptr_null(strstr(s->title, "base image"));
}
END_TEST

/* The rules with the causes' inherited flags as the CLI hands them. */
static struct lw_rules_report *judge(int judge_base)
{
	struct lw_rules_config cfg;
	struct lw_rules_report *rep = NULL;
	struct lw_error err = { 0, "" };
	uint8_t *inh = calloc(run.an->ngroups + 1, 1);
	struct lw_rules_inputs in = { .inherited = inh,
				       .ngroups = run.an->ngroups };
	size_t i;

	ck_assert_ptr_nonnull(inh);
	for (i = 0; i < at->ncauses; i++)
		inh[at->causes[i].group] = (uint8_t)at->causes[i].inherited;
	lw_rules_config_init(&cfg);
	ck_assert_int_eq(lw_rules_set(&cfg, "max-wasted-bytes", "13", &err), 0);
	ck_assert_int_eq(lw_rules_set(&cfg, "max-overwrite-bytes", "0", &err),
			 0);
	if (judge_base)
		ck_assert_int_eq(lw_rules_set(&cfg, "--judge-base", "true",
					      &err), 0);
	ck_assert_int_eq(lw_rules_evaluate_in(run.an, &cfg, &in, &rep, &err),
			 LW_OK);
	lw_rules_config_release(&cfg);
	free(inh);
	return rep;
}

START_TEST(test_rules)
{
	struct lw_rules_report *rep;

	build("base:1", 2);
	ck_assert_uint_eq(run.an->wasted_bytes, 2 + 4 + 8 + 5);
	rep = judge(0);
	ck_assert_uint_eq(rep->judged_bytes, 8 + 5);
	ck_assert_uint_eq(rep->inherited_bytes, 2 + 4);
	ck_assert_uint_eq(rep->inherited_findings, 2);
	ck_assert_int_eq(rep->judge_base, 0);
	ck_assert_int_eq(rep->passed, 1);
	lw_rules_report_free(rep);
	rep = judge(1);
	ck_assert_uint_eq(rep->judged_bytes, 19);
	ck_assert_uint_eq(rep->inherited_bytes, 0);
	ck_assert_int_eq(rep->judge_base, 1);
	ck_assert_int_eq(rep->passed, 0);
	ck_assert_uint_eq(rep->nfailed, 2);
	lw_rules_report_free(rep);
}
END_TEST

START_TEST(test_judge_base_setting)
{
	struct lw_rules_config cfg;
	struct lw_error err = { 0, "" };

	lw_rules_config_init(&cfg);
	ck_assert_int_eq(lw_rules_set(&cfg, "judge-base", "yes", &err), 0);
	ck_assert_int_eq(cfg.judge_base, 1);
	ck_assert_int_eq(lw_rules_set(&cfg, "judge-base", "false", &err), 0);
	ck_assert_int_eq(cfg.judge_base, 0);
	ck_assert_int_eq(lw_rules_set(&cfg, "judge-base", "1x", &err),
			 LW_ERR_USAGE);
	ck_assert_str_eq(err.msg, "judge-base: '1x' is not true or false");
	/* Not a rule: no verdict of its own. */
	ck_assert_int_eq(lw_rules_configured(&cfg), 0);
	lw_rules_config_release(&cfg);
}
END_TEST

START_TEST(test_json)
{
	struct lw_render_opts o = { 0 };
	struct lw_result res = { 0 };
	struct lw_rules_report *rep;
	json_t *doc, *sum, *f;
	char *text;
	size_t i, nbase = 0, ninh = 0;

	build("base:1", 2);
	rep = judge(0);
	res.image = run.img;
	res.analysis = run.an;
	res.attribution = at;
	res.rules = rep;
	text = lwt_render(lw_render_json, &res, &o);
	doc = lwt_parse_json(text);
	sum = json_object_get(doc, "summary");
	ck_assert_int_eq(json_integer_value(json_object_get(sum,
			 "base_wasted_bytes")), 6);
	ck_assert_int_eq(json_integer_value(json_object_get(sum,
			 "own_wasted_bytes")), 13);
	ck_assert_int_eq(json_integer_value(json_object_get(
			 json_object_get(doc, "rules"), "inherited_bytes")), 6);
	for (i = 0; i < json_array_size(json_object_get(doc, "findings")); i++) {
		f = json_array_get(json_object_get(doc, "findings"), i);
		nbase += json_is_true(json_object_get(f, "base"));
		ninh += json_is_true(json_object_get(f, "inherited"));
		/* A finding is inherited when its cause is. */
		if (!strcmp(json_string_value(json_object_get(f, "path")),
			    "/etc/b"))
			ck_assert(json_is_false(json_object_get(f,
					       "inherited")));
	}
	ck_assert_uint_eq(nbase, 3);
	ck_assert_uint_eq(ninh, 2);
	for (i = 0; i < json_array_size(json_object_get(doc, "causes")); i++) {
		f = json_array_get(json_object_get(doc, "causes"), i);
		ck_assert(json_is_boolean(json_object_get(f, "base")));
		ck_assert(json_is_boolean(json_object_get(f, "inherited")));
	}
	json_decref(doc);
	free(text);
	lw_rules_report_free(rep);
}
END_TEST

static Suite *base_suite(void)
{
	Suite *s = suite_create("base");
	TCase *tc = tcase_create("base");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_flags);
	tcase_add_test(tc, test_no_base);
	tcase_add_test(tc, test_advice);
	tcase_add_test(tc, test_rules);
	tcase_add_test(tc, test_judge_base_setting);
	tcase_add_test(tc, test_json);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return lwt_run_suite(base_suite());
}
