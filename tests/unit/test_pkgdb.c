/* Unit tests of package-manager churn (analyzer/attrib/pkgdb.c): the path
 * table, the package-db category of causes with the inherent first
 * rewrite of the base's database told apart from the churn of later
 * install steps, the one suggestion naming the steps, and the
 * max-churn-bytes rule counting churn only.
 *
 * Images are layers built in memory (tarbuild) over a base layer holding
 * a hand-made dpkg status; the RUN layers store it again, longer each
 * time, as an install step would. They are written as docker-archive
 * files with a history, read by the real reader and aligned with a
 * Dockerfile, so that the base layer is known. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layerwaste/attrib.h"
#include "layerwaste/engine.h"
#include "layerwaste/judge.h"
#include "layerwaste/read.h"
#include "layerwaste/util.h"
#include "analysed.h"
#include "dockerarchive.h"
#include "files.h"
#include "pkgdb.h"
#include "suite.h"
#include "tarbuild.h"

#define MAXL 8

#define BASE "[{\"created_by\":\"/bin/sh -c #(nop) ADD file:5b1e in / \"}"
#define H(cb) ",{\"created_by\":\"" cb "\"}"
#define HE(cb) ",{\"created_by\":\"" cb "\",\"empty_layer\":true}"

struct run {
	char dir[64];
	char df[128];
	struct lw_image *img;
	struct lw_analysis *an;
	struct lw_attribution *at;
};

static void run_image(struct run *r, struct tb_layer **layers, size_t n,
		      const char *history, const char *dockerfile)
{
	struct lw_analyze_opts ao = { .find_duplicates = 0, .jobs = 1 };
	struct lw_attrib_opts o = { .target = NULL };
	struct lw_read_opts ro = { .source = "archive", .jobs = 1 };
	struct lw_error err = { 0, "" };
	char path[128];

	memset(r, 0, sizeof(*r));
	snprintf(r->dir, sizeof(r->dir), "/tmp/lw-pkgdb.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(r->dir));
	snprintf(path, sizeof(path), "%s/image.tar", r->dir);
	ck_assert_int_eq(tb_write_docker_archive(path, layers, n, NULL,
						 history), 0);
	ro.input = path;
	ck_assert_msg(lw_image_read(&ro, &r->img, &err) == LW_OK, "%s",
		      err.msg);
	ck_assert_msg(lw_analyze(r->img, &ao, &r->an, &err) == LW_OK, "%s",
		      err.msg);
	snprintf(r->df, sizeof(r->df), "%s/Dockerfile", r->dir);
	lwt_write_file(r->df, dockerfile);
	o.dockerfile = r->df;
	ck_assert_msg(lw_attribute(r->an, &o, &r->at, &err) == LW_OK, "%s",
		      err.msg);
	unlink(path);
	unlink(r->df);
	rmdir(r->dir);
}

static void run_free(struct run *r)
{
	lw_attribution_free(r->at);
	lw_analysis_free(r->an);
	lw_image_free(r->img);
}

/* The dpkg status after the packages of list[0..n) were installed. */
static const char *status_after(size_t n)
{
	static char buf[8][512];
	size_t i;

	snprintf(buf[n], sizeof(buf[n]), "Package: base-files\n"
		 "Status: install ok installed\n");
	for (i = 0; i < n; i++) {
		size_t len = strlen(buf[n]);

		snprintf(buf[n] + len, sizeof(buf[n]) - len,
			 "\nPackage: pkg%zu\nStatus: install ok installed\n",
			 i);
	}
	return buf[n];
}

static struct tb_layer *base_layer(void)
{
	struct tb_layer *l = tb_layer_new();

	tb_dir(l, "var", 0755);
	tb_dir(l, "var/lib", 0755);
	tb_dir(l, "var/lib/dpkg", 0755);
	tb_file(l, "var/lib/dpkg/status", status_after(0), 0, 0, 0644);
	tb_file(l, "bin/sh", "#!busybox\n", 0, 0, 0755);
	return l;
}

/* An install step: the status with one more package, and the package's
 * own file. */
static struct tb_layer *install_layer(size_t installed)
{
	struct tb_layer *l = tb_layer_new();
	char path[64];

	tb_file(l, "var/lib/dpkg/status", status_after(installed), 0, 0,
		0644);
	snprintf(path, sizeof(path), "usr/bin/pkg%zu", installed - 1);
	tb_file(l, path, "binary\n", 0, 0, 0755);
	return l;
}

static const char three_steps_df[] =
	"FROM debian:12\n"
	"RUN apt-get install -y pkg0\n"
	"ENV APP_VERSION=1\n"
	"RUN apt-get install -y pkg1\n"
	"RUN apt-get install -y pkg2\n";

static const char three_steps_history[] = BASE
	H("/bin/sh -c apt-get install -y pkg0")
	HE("/bin/sh -c #(nop)  ENV APP_VERSION=1")
	H("/bin/sh -c apt-get install -y pkg1")
	H("/bin/sh -c apt-get install -y pkg2") "]";

/* The cause of the group made by layer and hiding from_layer's copy. */
static const struct lw_cause *cause_of(const struct run *r, uint32_t layer,
				       uint32_t from)
{
	size_t c;

	for (c = 0; c < r->at->ncauses; c++) {
		const struct lw_group *g = &r->an->groups[r->at->causes[c].group];

		if (g->layer == layer && g->from_layer == from)
			return &r->at->causes[c];
	}
	ck_abort_msg("no cause %u <- %u", layer, from);
	return NULL;
}

static uint64_t group_bytes(const struct run *r, const struct lw_cause *c)
{
	return r->an->groups[c->group].bytes;
}

START_TEST(test_table)
{
	static const struct {
		const char *path;
		int manager;
	} cases[] = {
		{ .path = "var/lib/dpkg/status", .manager = LW_PKG_APT },
		{ .path = "/var/lib/dpkg/status-old", .manager = LW_PKG_APT },
		{ .path = "var/lib/dpkg/info/curl.list", .manager = LW_PKG_APT },
		{ .path = "var/log/dpkg.log", .manager = LW_PKG_APT },
		{ .path = "var/log/apt/history.log", .manager = LW_PKG_APT },
		{ .path = "var/cache/debconf/templates.dat",
		  .manager = LW_PKG_APT },
		{ .path = "var/cache/debconf/config.dat-old",
		  .manager = LW_PKG_APT },
		{ .path = "var/cache/apt/pkgcache.bin", .manager = LW_PKG_APT },
		{ .path = "var/lib/apt/lists/partial/x", .manager = LW_PKG_APT },
		{ .path = "var/lib/rpm/rpmdb.sqlite", .manager = LW_PKG_RPM },
		{ .path = "var/lib/dnf/history.sqlite-wal",
		  .manager = LW_PKG_RPM },
		{ .path = "var/cache/dnf/expired_repos.json",
		  .manager = LW_PKG_RPM },
		{ .path = "var/log/dnf.librepo.log", .manager = LW_PKG_RPM },
		{ .path = "lib/apk/db/installed", .manager = LW_PKG_APK },
		{ .path = "etc/apk/world", .manager = LW_PKG_APK },
		{ .path = "root/.cache/pip/http/a/b", .manager = LW_PKG_PIP },
		{ .path = "root/.npm/_cacache/index", .manager = LW_PKG_NPM },
		{ .path = "etc/ld.so.cache", .manager = LW_PKG_SYSTEM },
		{ .path = "var/log/lastlog", .manager = LW_PKG_SYSTEM },
		{ .path = "var/log/wtmp", .manager = LW_PKG_SYSTEM },
		{ .path = "var/log/btmp", .manager = LW_PKG_SYSTEM },
		{ .path = "var/log/faillog", .manager = LW_PKG_SYSTEM },
		{ .path = "var/lib/dpkg/statusx", .manager = -1 },
		{ .path = "var/cache/debconf/passwords", .manager = -1 },
		{ .path = "usr/lib/dpkg/status", .manager = -1 },
		{ .path = "etc/ld.so.conf", .manager = -1 },
		{ .path = "app/var/lib/dpkg/status", .manager = -1 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(lw_pkgdb_match(cases[i].path) == cases[i].manager,
			      "%s: %d", cases[i].path,
			      lw_pkgdb_match(cases[i].path));
	ck_assert_str_eq(lw_pkgdb_manager_name(LW_PKG_APK), "apk");
	ck_assert_str_eq(lw_cause_category_name(LW_CAUSE_PACKAGE_DB),
			 "package-db");
	ck_assert_ptr_null(lw_cause_category_name(LW_CAUSE_FILES));
}
END_TEST

/* Three install steps over a base holding the status: the first rewrite
 * is inherent (and inherited), the two later ones churn; one suggestion
 * names the three lines, with apt's idiom, as advice. */
START_TEST(test_three_steps)
{
	struct tb_layer *l[MAXL];
	struct run r;
	const struct lw_cause *c1, *c2, *c3;
	const struct lw_suggestion *s;

	l[0] = base_layer();
	l[1] = install_layer(1);
	l[2] = install_layer(2);
	l[3] = install_layer(3);
	run_image(&r, l, 4, three_steps_history, three_steps_df);
	ck_assert_int_eq(r.at->aligned, 1);
	ck_assert_uint_eq(r.an->ngroups, 3);
	c1 = cause_of(&r, 1, 0);
	c2 = cause_of(&r, 2, 1);
	c3 = cause_of(&r, 3, 2);
	ck_assert_int_eq(c1->category, LW_CAUSE_PACKAGE_DB);
	ck_assert_int_eq(c1->inherent, 1);
	ck_assert_int_eq(c1->inherited, 1);
	ck_assert_int_eq(c1->churn, 0);
	ck_assert_int_eq(c2->category, LW_CAUSE_PACKAGE_DB);
	ck_assert_int_eq(c2->inherent, 0);
	ck_assert_int_eq(c2->churn, 1);
	ck_assert_int_eq(c3->churn, 1);
	/* One suggestion for the churn, naming lines 2, 4 and 5. */
	ck_assert_int_ge(c2->suggestion, 0);
	ck_assert_int_eq(c2->suggestion, c3->suggestion);
	ck_assert_int_ne(c1->suggestion, c2->suggestion);
	s = &r.at->suggestions[c2->suggestion];
	ck_assert_msg(strstr(s->title, "The package database was rewritten "
			     "by ") && strstr(s->title, "Dockerfile:2, :4 and "
						     ":5: install in one RUN"),
		      "%s", s->title);
	ck_assert_ptr_nonnull(strstr(s->detail, "apt-get update && apt-get "
				     "install -y --no-install-recommends"));
	ck_assert_ptr_nonnull(strstr(s->detail, "rm -rf /var/lib/apt/lists/*"));
	ck_assert_uint_eq(s->saves_bytes, group_bytes(&r, c2) +
			  group_bytes(&r, c3));
	/* Only an ENV the steps do not use between them: --fix merges them
	 * into line 2, commands as written, and drops lines 4 and 5. */
	ck_assert_int_eq(s->safe, 1);
	ck_assert_uint_eq(s->nedits, 3);
	ck_assert_int_eq(s->edits[0].line, 2);
	ck_assert_str_eq(s->edits[0].text,
			 "RUN apt-get install -y pkg0 \\\n"
			 " && apt-get install -y pkg1 \\\n"
			 " && apt-get install -y pkg2");
	ck_assert_int_eq(s->edits[1].line, 4);
	ck_assert_ptr_null(s->edits[1].text);
	ck_assert_int_eq(s->edits[2].line, 5);
	ck_assert_ptr_null(s->edits[2].text);
	ck_assert_ptr_nonnull(strstr(s->detail, "--fix merges the steps"));
	run_free(&r);
}
END_TEST

/* The merge is advice, with the reason, when the steps cannot be joined
 * provably the same: an ENV programs read unnamed between them, a cd
 * that would reach the next step's commands, a || in a step. */
static void assert_advice(const char *df, const char *hist,
			  const char *reason)
{
	struct tb_layer *l[MAXL];
	struct run r;
	const struct lw_suggestion *s;

	l[0] = base_layer();
	l[1] = install_layer(1);
	l[2] = install_layer(2);
	run_image(&r, l, 3, hist, df);
	s = &r.at->suggestions[cause_of(&r, 2, 1)->suggestion];
	ck_assert_msg(strstr(s->title, "The package database was rewritten"),
		      "%s", s->title);
	ck_assert_int_eq(s->safe, 0);
	ck_assert_uint_eq(s->nedits, 0);
	ck_assert_msg(strstr(s->detail, reason), "%s", s->detail);
	ck_assert_ptr_nonnull(strstr(s->detail, "Not applied by --fix"));
	run_free(&r);
}

START_TEST(test_merge_refused)
{
	assert_advice("FROM debian:12\n"
		      "RUN apt-get install -y pkg0\n"
		      "ENV DEBIAN_FRONTEND=noninteractive\n"
		      "RUN apt-get install -y pkg1\n",
		      BASE H("/bin/sh -c apt-get install -y pkg0")
		      HE("/bin/sh -c #(nop)  ENV DEBIAN_FRONTEND=noninteractive")
		      H("/bin/sh -c apt-get install -y pkg1") "]",
		      "an instruction between the steps");
	assert_advice("FROM debian:12\n"
		      "RUN cd /tmp && apt-get install -y pkg0\n"
		      "RUN apt-get install -y pkg1\n",
		      BASE H("/bin/sh -c cd /tmp && apt-get install -y pkg0")
		      H("/bin/sh -c apt-get install -y pkg1") "]",
		      "changes the shell's state");
	assert_advice("FROM debian:12\n"
		      "RUN apt-get install -y pkg0\n"
		      "RUN apt-get install -y pkg1 || true\n",
		      BASE H("/bin/sh -c apt-get install -y pkg0")
		      H("/bin/sh -c apt-get install -y pkg1 || true") "]",
		      "more than && and |");
}
END_TEST

/* Two steps: the first rewrite inherent, the second churn. */
START_TEST(test_two_steps)
{
	static const char df[] =
		"FROM debian:12\n"
		"RUN apt-get install -y pkg0\n"
		"RUN apt-get install -y pkg1\n";
	static const char hist[] = BASE
		H("/bin/sh -c apt-get install -y pkg0")
		H("/bin/sh -c apt-get install -y pkg1") "]";
	struct tb_layer *l[MAXL];
	struct run r;
	const struct lw_cause *c1, *c2;
	const struct lw_suggestion *s;

	l[0] = base_layer();
	l[1] = install_layer(1);
	l[2] = install_layer(2);
	run_image(&r, l, 3, hist, df);
	c1 = cause_of(&r, 1, 0);
	c2 = cause_of(&r, 2, 1);
	ck_assert_int_eq(c1->inherent, 1);
	ck_assert_int_eq(c2->churn, 1);
	s = &r.at->suggestions[c2->suggestion];
	ck_assert_msg(strstr(s->title, "Dockerfile:2 and :3: install"), "%s",
		      s->title);
	run_free(&r);
}
END_TEST

/* The install steps already merged: the one rewrite is inherent, there is
 * no churn and no churn suggestion. */
START_TEST(test_merged)
{
	static const char df[] =
		"FROM debian:12\n"
		"RUN apt-get install -y pkg0 pkg1 pkg2\n";
	static const char hist[] = BASE
		H("/bin/sh -c apt-get install -y pkg0 pkg1 pkg2") "]";
	struct tb_layer *l[MAXL];
	struct run r;
	const struct lw_cause *c1;
	size_t i;

	l[0] = base_layer();
	l[1] = install_layer(3);
	run_image(&r, l, 2, hist, df);
	ck_assert_uint_eq(r.an->ngroups, 1);
	c1 = cause_of(&r, 1, 0);
	ck_assert_int_eq(c1->category, LW_CAUSE_PACKAGE_DB);
	ck_assert_int_eq(c1->inherent, 1);
	ck_assert_int_eq(c1->churn, 0);
	for (i = 0; i < r.at->nsuggestions; i++)
		ck_assert_ptr_null(strstr(r.at->suggestions[i].title,
					  "package database"));
	run_free(&r);
}
END_TEST

/* A group with one file that is not package state is not package-db. */
START_TEST(test_mixed_group)
{
	static const char df[] =
		"FROM debian:12\n"
		"RUN apt-get install -y pkg0\n"
		"RUN apt-get install -y pkg1\n";
	static const char hist[] = BASE
		H("/bin/sh -c apt-get install -y pkg0")
		H("/bin/sh -c apt-get install -y pkg1") "]";
	struct tb_layer *l[MAXL];
	struct run r;

	l[0] = base_layer();
	l[1] = install_layer(1);
	tb_file(l[1], "etc/motd", "one\n", 0, 0, 0644);
	l[2] = install_layer(2);
	tb_file(l[2], "etc/motd", "two\n", 0, 0, 0644);
	run_image(&r, l, 3, hist, df);
	ck_assert_int_eq(cause_of(&r, 2, 1)->category, LW_CAUSE_FILES);
	ck_assert_int_eq(cause_of(&r, 2, 1)->churn, 0);
	ck_assert_int_eq(cause_of(&r, 1, 0)->category, LW_CAUSE_PACKAGE_DB);
	run_free(&r);
}
END_TEST

/* max-churn-bytes counts the churn only: not the inherent rewrite, not
 * other waste. */
START_TEST(test_rule)
{
	struct tb_layer *l[MAXL];
	struct run r;
	struct lw_rules_config cfg;
	struct lw_rules_inputs in = { .churn = NULL };
	struct lw_rules_report *rep = NULL;
	struct lw_error err = { 0, "" };
	uint8_t churn[8] = { 0 }, inherited[8] = { 0 };
	uint64_t want = 0;
	char limit[32];
	size_t c;

	l[0] = base_layer();
	l[1] = install_layer(1);
	l[2] = install_layer(2);
	l[3] = install_layer(3);
	run_image(&r, l, 4, three_steps_history, three_steps_df);
	for (c = 0; c < r.at->ncauses; c++) {
		churn[r.at->causes[c].group] = (uint8_t)r.at->causes[c].churn;
		inherited[r.at->causes[c].group] =
			(uint8_t)r.at->causes[c].inherited;
		if (r.at->causes[c].churn)
			want += group_bytes(&r, &r.at->causes[c]);
	}
	ck_assert_uint_gt(want, 0);
	ck_assert_uint_lt(want, r.an->wasted_bytes);
	in.churn = churn;
	in.inherited = inherited;
	in.ngroups = r.an->ngroups;
	lw_rules_config_init(&cfg);
	snprintf(limit, sizeof(limit), "%llu", (unsigned long long)want);
	ck_assert_int_eq(lw_rules_set(&cfg, "max-churn-bytes", limit, &err),
			 0);
	ck_assert_int_eq(lw_rules_evaluate_in(r.an, &cfg, &in, &rep, &err),
			 LW_OK);
	ck_assert_uint_eq(rep->nresults, 1);
	ck_assert_int_eq(rep->results[0].rule, LW_RULE_MAX_CHURN_BYTES);
	ck_assert_int_eq(rep->results[0].status, LW_RULE_PASS);
	lw_rules_report_free(rep);
	snprintf(limit, sizeof(limit), "%llu", (unsigned long long)want - 1);
	ck_assert_int_eq(lw_rules_set(&cfg, "max-churn-bytes", limit, &err),
			 0);
	ck_assert_int_eq(lw_rules_evaluate_in(r.an, &cfg, &in, &rep, &err),
			 LW_OK);
	ck_assert_int_eq(rep->results[0].status, LW_RULE_FAIL);
	ck_assert_ptr_nonnull(strstr(rep->results[0].message,
				     "package-manager churn"));
	lw_rules_report_free(rep);
	lw_rules_config_release(&cfg);
	run_free(&r);
}
END_TEST

/* Without a Dockerfile or --base (an in-memory image, no history), the
 * first layer counts as the base's for inherent and churn. */
START_TEST(test_no_base_known)
{
	struct tb_layer *l[MAXL];
	struct lwt_run rr;
	struct lw_attribution *at = NULL;
	struct lw_attrib_opts o = { .dockerfile = NULL };
	struct lw_error err = { 0, "" };
	size_t c;
	int inherent = 0, churn = 0;

	l[0] = base_layer();
	l[1] = install_layer(1);
	l[2] = install_layer(2);
	rr = lwt_analyze(l, 3, 0);
	ck_assert_int_eq(lw_attribute(rr.an, &o, &at, &err), LW_OK);
	for (c = 0; c < at->ncauses; c++) {
		ck_assert_int_eq(at->causes[c].category, LW_CAUSE_PACKAGE_DB);
		inherent += at->causes[c].inherent;
		churn += at->causes[c].churn;
	}
	ck_assert_int_eq(inherent, 1);
	ck_assert_int_eq(churn, 1);
	lw_attribution_free(at);
	lwt_run_free(&rr);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pkgdb");
	TCase *tc = tcase_create("pkgdb");

	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_three_steps);
	tcase_add_test(tc, test_two_steps);
	tcase_add_test(tc, test_merge_refused);
	tcase_add_test(tc, test_merged);
	tcase_add_test(tc, test_mixed_group);
	tcase_add_test(tc, test_rule);
	tcase_add_test(tc, test_no_base_known);
	suite_add_tcase(s, tc);
	return lwt_run_suite(s);
}
