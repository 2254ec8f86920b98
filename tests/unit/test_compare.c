/* Unit tests of the compare stage on snapshots made by hand: layers matched
 * by diff_id, instruction and position; causes by fingerprint (whatever
 * their layer numbers), then by kind and instruction; files added, removed
 * and changed with their directories; the rules; share; and reports that
 * are refused. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/compare.h"
#include "compare_priv.h"
#include "suite.h"

static void add_layer(struct lw_snapshot *s, const char *diff_id,
		      const char *key, uint64_t bytes)
{
	struct lw_snap_layer *l;

	s->layers = realloc(s->layers, (s->nlayers + 1) * sizeof(*l));
	ck_assert_ptr_nonnull(s->layers);
	l = &s->layers[s->nlayers++];
	memset(l, 0, sizeof(*l));
	l->diff_id = lwc_strdup(s, diff_id);
	l->key = lwc_strdup(s, key);
	l->instruction = lwc_strdup(s, key);
	l->total_bytes = bytes;
	s->total_bytes += bytes;
}

static void add_cause(struct lw_snapshot *s, const char *fp, int kind,
		      uint32_t layer, uint32_t from, uint64_t bytes)
{
	struct lw_snap_cause *c;

	s->causes = realloc(s->causes, (s->ncauses + 1) * sizeof(*c));
	ck_assert_ptr_nonnull(s->causes);
	c = &s->causes[s->ncauses++];
	memset(c, 0, sizeof(*c));
	c->fingerprint = lwc_strdup(s, fp);
	c->kind = kind;
	c->layer = layer;
	c->from_layer = from;
	c->bytes = bytes;
	c->files = 1;
	c->path = lwc_strdup(s, "app/x");
	c->instruction = s->layers[layer].instruction;
	s->wasted_bytes += bytes;
}

static void add_file(struct lw_snapshot *s, const char *path, uint64_t size,
		     uint32_t layer, uint64_t hash)
{
	struct lw_snap_file *f;

	s->files = realloc(s->files, (s->nfiles + 1) * sizeof(*f));
	ck_assert_ptr_nonnull(s->files);
	f = &s->files[s->nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = lwc_strdup(s, path);
	f->size = size;
	f->layer = layer;
	f->hashed = 1;
	f->hash.lo = hash;
	s->has_files = 1;
}

/* The hand-made arrays are malloc'd, as lw_snapshot_free expects of
 * files only: layers and causes are freed here. */
static void snap_free(struct lw_snapshot *s)
{
	free(s->layers);
	free(s->causes);
	s->layers = NULL;
	s->causes = NULL;
	lw_snapshot_free(s);
}

static struct lw_comparison *compare(struct lw_snapshot *o,
				     struct lw_snapshot *n,
				     const struct lw_cmp_rules *r)
{
	struct lw_comparison *c = NULL;
	struct lw_error err = { 0, "" };

	ck_assert_int_eq(lw_compare(o, n, r, 1, &c, &err), LW_OK);
	ck_assert_ptr_nonnull(c);
	return c;
}

START_TEST(test_layers_matched)
{
	struct lw_snapshot *o = lwc_snapshot_new("old"), *n = lwc_snapshot_new("new");
	struct lw_comparison *c;

	add_layer(o, "sha256:base", "FROM", 1000);
	add_layer(o, "sha256:a1", "COPY app/ /app/", 200);
	add_layer(o, "sha256:r1", "RUN make", 300);
	add_layer(o, "sha256:gone", "RUN rm -rf /tmp", 50);
	add_layer(n, "sha256:base", "FROM", 1000);
	add_layer(n, "sha256:new", "RUN apt-get install x", 400);
	add_layer(n, "sha256:a2", "COPY app/ /app/", 260);
	add_layer(n, "sha256:r2", "RUN make -j", 310);
	c = compare(o, n, NULL);
	ck_assert_uint_eq(c->nlayers, 5);
	ck_assert_int_eq(c->layers[0].match, LW_CMP_SHARED);
	/* by instruction, though at another position */
	ck_assert_int_eq(c->layers[2].match, LW_CMP_INSTRUCTION);
	ck_assert_int_eq(c->layers[2].old_index, 1);
	ck_assert_int_eq(c->layers[2].delta, 60);
	/* what is left pairs by position: new 1 with old 1 is taken, so new 1
	 * is added, and new 3 with old 3 */
	ck_assert_int_eq(c->layers[1].match, LW_CMP_ADDED);
	ck_assert_int_eq(c->layers[3].match, LW_CMP_POSITION);
	ck_assert_int_eq(c->layers[3].old_index, 3);
	ck_assert_uint_eq(c->shared, 1);
	ck_assert_uint_eq(c->shared_bytes, 1000);
	ck_assert_uint_eq(c->added, 3);
	ck_assert_uint_eq(c->added_bytes, 970);
	/* old 1 and 3 were rebuilt, old 2 is gone */
	ck_assert_uint_eq(c->removed, 3);
	ck_assert_int_eq(c->layers[4].match, LW_CMP_REMOVED);
	ck_assert_int_eq(c->layers[4].old_index, 2);
	ck_assert_int_eq(c->delta_total, 1970 - 1550);
	ck_assert(!c->files_known);
	ck_assert_uint_eq(c->notes.count, 1);
	lw_comparison_free(c);
	snap_free(o);
	snap_free(n);
}
END_TEST

START_TEST(test_causes_matched)
{
	struct lw_snapshot *o = lwc_snapshot_new("old"), *n = lwc_snapshot_new("new");
	struct lw_comparison *c;

	add_layer(o, "sha256:base", "FROM", 1000);
	add_layer(o, "sha256:c", "COPY app/ /app/", 500);
	add_layer(o, "sha256:ch", "RUN chown -R 1000 /app", 500);
	add_layer(o, "sha256:rm", "RUN rm /app/x", 0);
	add_cause(o, "aaaa", LW_KIND_CHOWN, 2, 1, 500);
	add_cause(o, "bbbb", LW_KIND_DELETE, 1, 3, 40);
	add_cause(o, "dddd", LW_KIND_TOUCH, 2, 1, 70);
	/* A layer inserted before: every number moves, the fingerprint not. */
	add_layer(n, "sha256:base", "FROM", 1000);
	add_layer(n, "sha256:extra", "RUN true", 10);
	add_layer(n, "sha256:c2", "COPY app/ /app/", 800);
	add_layer(n, "sha256:ch2", "RUN chown -R 1000 /app", 800);
	add_cause(n, "aaaa", LW_KIND_CHOWN, 3, 2, 800); /* grown */
	add_cause(n, "eeee", LW_KIND_TOUCH, 3, 2, 70);  /* other paths */
	add_cause(n, "cccc", LW_KIND_OVERWRITE, 1, 0, 30); /* new */
	c = compare(o, n, NULL);
	ck_assert_uint_eq(c->ncauses, 4);
	/* new and grown first, by growth */
	ck_assert_int_eq(c->causes[0].status, LW_CMP_GROWN);
	ck_assert_int_eq(c->causes[0].delta, 300);
	ck_assert(c->causes[0].by_fingerprint);
	ck_assert_int_eq(c->causes[0].old_index, 0);
	ck_assert_int_eq(c->causes[1].status, LW_CMP_NEW);
	ck_assert_int_eq(c->causes[1].new_index, 2);
	ck_assert_int_eq(c->causes[2].status, LW_CMP_FIXED);
	ck_assert_int_eq(c->causes[2].old_index, 1);
	/* the touch matched by kind and instructions: the same bytes */
	ck_assert_int_eq(c->causes[3].status, LW_CMP_SAME);
	ck_assert(!c->causes[3].by_fingerprint);
	ck_assert_uint_eq(c->new_waste_bytes, 330);
	ck_assert_uint_eq(c->fixed_waste_bytes, 40);
	ck_assert_uint_eq(c->count_by_status[LW_CMP_NEW], 1);
	lw_comparison_free(c);
	snap_free(o);
	snap_free(n);
}
END_TEST

START_TEST(test_files_compared)
{
	struct lw_snapshot *o = lwc_snapshot_new("old"), *n = lwc_snapshot_new("new");
	struct lw_comparison *c;

	add_layer(o, "sha256:base", "FROM", 0);
	add_layer(o, "sha256:app1", "COPY", 0);
	add_layer(n, "sha256:base", "FROM", 0);
	add_layer(n, "sha256:app2", "COPY", 0);
	add_file(o, "app/a", 100, 1, 1);
	add_file(o, "app/b", 100, 1, 2);
	add_file(o, "app/gone", 30, 1, 3);
	add_file(o, "usr/lib/x.so", 500, 0, 4);
	add_file(n, "app/a", 100, 1, 1);       /* same hash */
	add_file(n, "app/b", 100, 1, 9);       /* same size, other content */
	add_file(n, "app/lib/deep/new", 70, 1, 5);
	add_file(n, "usr/lib/x.so", 500, 0, 4);
	c = compare(o, n, NULL);
	ck_assert(c->files_known);
	ck_assert_uint_eq(c->files_added, 1);
	ck_assert_uint_eq(c->files_removed, 1);
	ck_assert_uint_eq(c->files_changed, 1);
	ck_assert_int_eq(c->bytes_added, 70);
	ck_assert_int_eq(c->bytes_removed, -30);
	ck_assert_uint_eq(c->nfiles, 3);
	ck_assert_str_eq(c->files[0].path, "app/lib/deep/new");
	/* app: +70 -30 over three files; app/lib and app/lib/deep say
	 * nothing app/lib/deep does not, so only the deepest is kept */
	ck_assert_uint_eq(c->ndirs, 2);
	ck_assert_str_eq(c->dirs[0].path, "app/lib/deep");
	ck_assert_int_eq(c->dirs[0].delta, 70);
	ck_assert_str_eq(c->dirs[1].path, "app");
	ck_assert_int_eq(c->dirs[1].delta, 40);
	ck_assert_uint_eq(c->dirs[1].files, 3);
	lw_comparison_free(c);
	snap_free(o);
	snap_free(n);
}
END_TEST

START_TEST(test_rules)
{
	struct lw_snapshot *o = lwc_snapshot_new("old"), *n = lwc_snapshot_new("new");
	struct lw_cmp_rules r;
	struct lw_comparison *c;
	const char *why = NULL;

	add_layer(o, "sha256:base", "FROM", 1000);
	add_layer(n, "sha256:base", "FROM", 1000);
	add_layer(n, "sha256:more", "RUN chown -R 1 /", 150);
	add_cause(n, "ffff", LW_KIND_CHOWN, 1, 0, 150);
	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(lw_cmp_parse_growth("10%", &r, &why), 0);
	ck_assert(r.growth_is_percent);
	r.set[LW_CMP_RULE_MAX_NEW_WASTE] = 1;
	r.new_waste_bytes = 150;
	c = compare(o, n, &r);
	ck_assert(c->evaluated);
	ck_assert(!c->passed);
	ck_assert_uint_eq(c->nrules, 2);
	ck_assert(!c->rules[0].passed); /* 15 % > 10 % */
	ck_assert_str_eq(c->rules[0].actual, "+15.00 %");
	ck_assert(c->rules[1].passed);  /* 150 B <= 150 B */
	lw_comparison_free(c);
	ck_assert_int_eq(lw_cmp_parse_growth("150", &r, &why), 0);
	c = compare(o, n, &r);
	ck_assert(c->passed);
	lw_comparison_free(c);
	ck_assert_int_eq(lw_cmp_parse_growth("lots", &r, &why), -1);
	snap_free(o);
	snap_free(n);
}
END_TEST

START_TEST(test_share)
{
	struct lw_snapshot *s[3];
	struct lw_share *sh = NULL;
	int i;

	for (i = 0; i < 3; i++) {
		s[i] = lwc_snapshot_new("img");
		add_layer(s[i], "sha256:os", "FROM", 1000);
		add_layer(s[i], "sha256:py", "RUN apt-get install python3", 500);
	}
	add_layer(s[0], "sha256:app0", "COPY", 10);
	add_layer(s[1], "sha256:app1", "COPY", 20);
	add_layer(s[2], "sha256:app1", "COPY", 20);
	lw_share_compute((const struct lw_snapshot *const *)s, 3, &sh);
	ck_assert_uint_eq(sh->common_base, 2);
	ck_assert_uint_eq(sh->common_base_bytes, 1500);
	ck_assert_uint_eq(sh->nlayers, 4);
	ck_assert_uint_eq(sh->shared_layers, 3);
	ck_assert_uint_eq(sh->stored_bytes, 1530);
	ck_assert_uint_eq(sh->sum_bytes, 4550);
	ck_assert_uint_eq(sh->images[0].unique_bytes, 10);
	ck_assert_uint_eq(sh->images[1].unique_bytes, 0);
	ck_assert_uint_eq(sh->images[1].shared_bytes, 1520);
	ck_assert_str_eq(sh->layers[0].diff_id, "sha256:os"); /* largest */
	lw_share_free(sh);
	for (i = 0; i < 3; i++)
		snap_free(s[i]);
}
END_TEST

static int report_rc(const char *text, char *msg, size_t size)
{
	struct lw_snapshot *s = NULL;
	struct lw_error err = { 0, "" };
	int rc = lw_snapshot_of_report(text, strlen(text), "r.json", &s, &err);

	snprintf(msg, size, "%s", err.msg);
	if (!rc)
		lw_snapshot_free(s);
	else
		ck_assert_ptr_null(s);
	return rc;
}

#define MINIMAL_REPORT(version, fp) \
	"{\"schema_version\": " version ", \"tool\": {\"name\": " \
	"\"layerwaste\"}, \"image\": {\"source\": \"x.tar\", \"tags\": [], " \
	"\"file_count\": 1, \"total_bytes\": 10, \"visible_bytes\": 5}, " \
	"\"summary\": {\"wasted_bytes\": 5, \"wasted_percent\": 50.0, " \
	"\"by_kind\": {\"chown\": 5, \"chmod\": 0, \"chown+chmod\": 0, " \
	"\"touch\": 0, \"overwrite\": 0, \"delete\": 0}, \"files_by_kind\": " \
	"{\"chown\": 1, \"chmod\": 0, \"chown+chmod\": 0, \"touch\": 0, " \
	"\"overwrite\": 0, \"delete\": 0}, \"duplicate_bytes\": 0, " \
	"\"finding_count\": 1, \"warning_count\": 0, \"dive\": " \
	"{\"efficiency\": 0.5, \"wasted_bytes\": 10, \"user_wasted_percent\": " \
	"1.0, \"size_bytes\": 10, \"user_size_bytes\": 5}}, \"layers\": [" \
	"{\"diff_id\": \"sha256:a\", \"total_bytes\": 5, " \
	"\"compressed_bytes\": 9, \"wasted_bytes\": 0, \"file_count\": 1, " \
	"\"created_by\": \"COPY a /a\", \"instruction\": null}, " \
	"{\"diff_id\": \"sha256:b\", \"total_bytes\": 5, " \
	"\"compressed_bytes\": 9, \"wasted_bytes\": 5, \"file_count\": 1, " \
	"\"created_by\": \"/bin/sh -c chown 1 /a\", \"instruction\": null}], " \
	"\"causes\": [{\"layer\": 1, \"from_layer\": 0, \"kind\": \"chown\", " \
	"\"bytes\": 5, \"file_count\": 1, \"first_finding\": 0, " \
	"\"finding_count\": 1, \"suggestion\": null" fp "}], \"suggestions\": " \
	"[], \"findings\": [{\"path\": \"/a\"}], \"files\": null}"

START_TEST(test_reports)
{
	struct lw_snapshot *s = NULL;
	struct lw_error err = { 0, "" };
	const char *good = MINIMAL_REPORT("1", ", \"fingerprint\": \"0123\"");
	char msg[LW_ERROR_MSG_MAX];

	ck_assert_int_eq(lw_snapshot_of_report(good, strlen(good), "r.json",
					       &s, &err), LW_OK);
	ck_assert_uint_eq(s->nlayers, 2);
	ck_assert_str_eq(s->layers[1].key, "chown 1 /a");
	ck_assert_str_eq(s->causes[0].fingerprint, "0123");
	ck_assert_str_eq(s->causes[0].path, "a");
	ck_assert_uint_eq(s->compressed_bytes, 18);
	ck_assert(!s->has_files);
	lw_snapshot_free(s);
	ck_assert_int_eq(report_rc("[1, 2]", msg, sizeof(msg)), LW_ERR_INPUT);
	ck_assert_str_eq(msg, "'r.json' is not a layerwaste JSON report");
	ck_assert_int_eq(report_rc("{\"tool\": {\"name\": \"dive\"}}", msg,
				   sizeof(msg)), LW_ERR_INPUT);
	ck_assert_int_eq(report_rc("not json", msg, sizeof(msg)), LW_ERR_INPUT);
	ck_assert_int_eq(report_rc(MINIMAL_REPORT("2", ", \"fingerprint\": \"1\""),
				   msg, sizeof(msg)), LW_ERR_INPUT);
	ck_assert_ptr_nonnull(strstr(msg, "schema version"));
	ck_assert_int_eq(report_rc(MINIMAL_REPORT("1", ""), msg, sizeof(msg)),
			 LW_ERR_INPUT);
	ck_assert_ptr_nonnull(strstr(msg, "no fingerprint"));
}
END_TEST

static Suite *compare_suite(void)
{
	Suite *s = suite_create("compare");
	TCase *t = tcase_create("compare");

	tcase_add_test(t, test_layers_matched);
	tcase_add_test(t, test_causes_matched);
	tcase_add_test(t, test_files_compared);
	tcase_add_test(t, test_rules);
	tcase_add_test(t, test_share);
	tcase_add_test(t, test_reports);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return lwt_run_suite(compare_suite());
}
