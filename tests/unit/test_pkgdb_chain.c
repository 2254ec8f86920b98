/* Unit tests of the package database's one cause (lw_pkgdb_chain,
 * analyzer/attrib/pkgdb.c) and of how the HTML page shows it: one cause
 * naming the install steps, with the inherent and churn bytes and the
 * merge, in place of one entry per rewrite. Images: pkgdbimage.h (a dpkg
 * status and lock file in the base, install steps that rewrite both). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/attrib.h"
#include "layerwaste/render.h"
#include "pkgdbimage.h"
#include "suite.h"

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static char *render_html(const struct lw_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(lw_render_html(f, r, NULL), 0);
	fclose(f);
	return buf;
}

/* Three steps: members are the status's three rewrites and the lock's
 * three (the same bytes written again); the steps are layers 1..3, the
 * first inherent (its touch of the base's lock file too, inherited as
 * the overwrite is), the others churn. Not in: the chown of /app/data. */
START_TEST(test_chain_three)
{
	struct lwt_pkgdb p;
	struct lw_pkgdb_chain c;
	size_t i, nown = 0;

	lwt_pkgdb_image(&p, 3, 0);
	ck_assert_int_eq(lw_pkgdb_chain(p.an, p.at, &c), 1);
	ck_assert_uint_eq(c.ngroups, 6);
	ck_assert_uint_eq(c.nsteps, 3);
	for (i = 0; i < 3; i++)
		ck_assert_uint_eq(c.steps[i], i + 1);
	ck_assert_uint_eq(c.inherent_bytes, p.status_bytes[0]);
	ck_assert_uint_eq(c.churn_bytes, p.status_bytes[1] +
			  p.status_bytes[2]);
	ck_assert_uint_eq(c.step_inherent[0], p.status_bytes[0]);
	ck_assert_uint_eq(c.step_churn[0], 0);
	ck_assert_uint_eq(c.step_churn[1], p.status_bytes[1]);
	ck_assert_uint_eq(c.step_churn[2], p.status_bytes[2]);
	ck_assert_uint_eq(c.step_inherent[1] + c.step_inherent[2], 0);
	/* The paths once each, in report order, with their bytes over the
	 * chain. */
	ck_assert_uint_eq(c.nfiles, 2);
	ck_assert_str_eq(p.an->findings[c.files[0]].path,
			 "var/lib/dpkg/status");
	ck_assert_str_eq(p.an->findings[c.files[1]].path, "var/lib/dpkg/lock");
	/* the first is the first member's first finding */
	ck_assert_uint_eq(c.files[0], p.an->groups[c.groups[0]].first);
	ck_assert_uint_eq(c.file_bytes[0], p.status_bytes[0] +
			  p.status_bytes[1] + p.status_bytes[2]);
	ck_assert_uint_eq(c.file_bytes[1], 0);
	ck_assert_int_ge(c.suggestion, 0);
	ck_assert_msg(strstr(p.at->suggestions[c.suggestion].title,
			     "Dockerfile:2, :4 and :5: install in one RUN"), "%s",
		      p.at->suggestions[c.suggestion].title);
	for (i = 0; i < p.an->ngroups; i++) {
		const struct lw_group *g = &p.an->groups[i];

		if (lw_pkgdb_chain_has(&c, i))
			continue;
		nown++;
		ck_assert_msg(g->kind == LW_KIND_CHOWN, "group %zu: kind %d",
			      i, g->kind);
	}
	ck_assert_uint_eq(nown, 1);
	for (i = 0; i < p.at->ncauses; i++)
		if (p.at->causes[i].inherent)
			ck_assert_int_eq(p.at->causes[i].inherited, 1);
	lw_pkgdb_chain_release(&c);
	ck_assert_ptr_null(c.groups);
	lwt_pkgdb_free(&p);
}
END_TEST

START_TEST(test_chain_two)
{
	struct lwt_pkgdb p;
	struct lw_pkgdb_chain c;

	lwt_pkgdb_image(&p, 2, 0);
	ck_assert_int_eq(lw_pkgdb_chain(p.an, p.at, &c), 1);
	ck_assert_uint_eq(c.nsteps, 2);
	ck_assert_uint_eq(c.ngroups, 4);
	ck_assert_uint_eq(c.inherent_bytes, p.status_bytes[0]);
	ck_assert_uint_eq(c.churn_bytes, p.status_bytes[1]);
	lw_pkgdb_chain_release(&c);
	lwt_pkgdb_free(&p);
}
END_TEST

/* Already merged, or no attribution: nothing to show as one cause. */
START_TEST(test_chain_none)
{
	struct lwt_pkgdb p;
	struct lw_pkgdb_chain c;

	lwt_pkgdb_image(&p, 3, 1);
	ck_assert_int_eq(lw_pkgdb_chain(p.an, p.at, &c), 0);
	ck_assert_uint_eq(c.ngroups, 0);
	ck_assert_int_eq(c.suggestion, -1);
	lw_pkgdb_chain_release(&c);
	ck_assert_int_eq(lw_pkgdb_chain(p.an, NULL, &c), 0);
	lw_pkgdb_chain_release(&c);
	lwt_pkgdb_free(&p);
}
END_TEST

/* A suppressed member leaves the chain (it is shown as suppressed where
 * it is); the others stay one cause. */
START_TEST(test_chain_suppressed)
{
	struct lwt_pkgdb p;
	struct lw_pkgdb_chain c;
	size_t i;

	lwt_pkgdb_image(&p, 3, 0);
	for (i = 0; i < p.at->ncauses; i++)
		if (p.at->causes[i].inherent)
			p.at->causes[i].suppressed = LW_SUPPRESS_CONFIG;
	ck_assert_int_eq(lw_pkgdb_chain(p.an, p.at, &c), 1);
	ck_assert_uint_eq(c.ngroups, 4);
	ck_assert_uint_eq(c.inherent_bytes, 0);
	ck_assert_uint_eq(c.nsteps, 3); /* layer 1 wrote what 2 rewrote */
	ck_assert_uint_eq(c.step_churn[0] + c.step_inherent[0], 0);
	lw_pkgdb_chain_release(&c);
	lwt_pkgdb_free(&p);
}
END_TEST

/* The page: one cause for the six rewrites, its three steps, the bytes,
 * the merge; the chown still a cause of its own. */
START_TEST(test_html_three)
{
	struct lwt_pkgdb p;
	char *html, want[160], *li, *end;

	lwt_pkgdb_image(&p, 3, 0);
	html = render_html(&p.res);
	ck_assert_uint_eq(count(html, "<li class=\"cause pkgdb\""), 1);
	ck_assert_uint_eq(count(html, "<li class=\"cause\""), 1);
	li = strstr(html, "<li class=\"cause pkgdb\"");
	end = strstr(li, "</li>\n<li class=\"cause\"");
	if (!end)
		end = strstr(li, "</ol>\n</section>");
	ck_assert_ptr_nonnull(end);
	*end = '\0';
	snprintf(want, sizeof(want), "data-churn=\"%zu\" data-inherent=\"%zu\"",
		 p.status_bytes[1] + p.status_bytes[2], p.status_bytes[0]);
	ck_assert_msg(strstr(li, want), "%s in %s", want, li);
	ck_assert_ptr_nonnull(strstr(li, "data-rewrites=\"6\""));
	ck_assert_ptr_nonnull(strstr(li, "data-layers=\"0 1 2 3\""));
	ck_assert_ptr_nonnull(strstr(li, "rewritten by 3 install steps"));
	ck_assert_ptr_nonnull(strstr(li, " inherent, not judged</span>"));
	ck_assert_uint_eq(count(li, "<li class=\"step\""), 3);
	ck_assert_msg(strstr(li, "Dockerfile:2 RUN apt-get install "
			     "-y pkg0</span>: rewrote the base "
			     "image's copy"), "%s", li);
	ck_assert_ptr_nonnull(strstr(li, "Dockerfile:5 RUN apt-get install "
				     "-y pkg2</span>: rewrote the build's "
				     "own copy"));
	/* the files once each */
	ck_assert_uint_eq(count(li, "<li>/var/lib/dpkg/status</li>"), 1);
	ck_assert_uint_eq(count(li, "<li>/var/lib/dpkg/lock</li>"), 1);
	ck_assert_ptr_nonnull(strstr(li, "fix, applied by --fix</span> The "
				     "package database was rewritten by "));
	ck_assert_ptr_nonnull(strstr(li, "Dockerfile:2, :4 and :5: install "
				     "in one RUN"));
	ck_assert_ptr_nonnull(strstr(li, "<span class=\"add\">+  &amp;&amp; "
				     "apt-get install -y pkg2</span>"));
	free(html);
	lwt_pkgdb_free(&p);
}
END_TEST

/* Merged steps: no grouped cause, the one inherent rewrite (and the lock's)
 * shown as causes of their own. */
START_TEST(test_html_merged)
{
	struct lwt_pkgdb p;
	char *html;

	lwt_pkgdb_image(&p, 3, 1);
	html = render_html(&p.res);
	ck_assert_uint_eq(count(html, "cause pkgdb"), 0);
	ck_assert_uint_eq(count(html, "<li class=\"cause\""),
			  p.an->ngroups);
	free(html);
	lwt_pkgdb_free(&p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pkgdb_chain");
	TCase *tc = tcase_create("chain");

	tcase_add_test(tc, test_chain_three);
	tcase_add_test(tc, test_chain_two);
	tcase_add_test(tc, test_chain_none);
	tcase_add_test(tc, test_chain_suppressed);
	suite_add_tcase(s, tc);
	tc = tcase_create("html");
	tcase_add_test(tc, test_html_three);
	tcase_add_test(tc, test_html_merged);
	suite_add_tcase(s, tc);
	return lwt_run_suite(s);
}
