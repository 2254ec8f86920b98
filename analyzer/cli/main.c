/* layerwaste: command line. Dispatches the commands, runs the core (the
 * options come from args.c), picks the renderers, owns the exit status.
 * No analysis happens here. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef LW_HAVE_BROWSER
#include "layerwaste/browse.h"
#endif
#include "layerwaste/compare.h"
#include "cli.h"

struct progress_state {
	struct timespec last;
	int shown;
	int width; /* columns of the last line, to blank it */
	int dumb;  /* TERM=dumb: no escape sequences */
};

static void show_progress(void *ctx, const struct lw_progress *p)
{
	struct progress_state *ps = ctx;
	struct timespec now;
	char name[64];
	double dt;
	int n;

	clock_gettime(CLOCK_MONOTONIC, &now);
	dt = (double)(now.tv_sec - ps->last.tv_sec) +
	     (double)(now.tv_nsec - ps->last.tv_nsec) / 1e9;
	if (ps->shown && dt < 0.1)
		return;
	ps->last = now;
	ps->shown = 1;
	if (p->bytes_total) {
		n = fprintf(stderr, "\rlayerwaste: reading layers %3.0f%% ",
			    100.0 * (double)p->bytes_done /
			    (double)p->bytes_total);
	} else if (p->member) {
		/* A stream: the blob being read, and the archive's bytes so
		 * far (they never start again at zero). */
		lw_escape(p->member, name, sizeof(name));
		if (strlen(name) > 40)
			memcpy(name + 37, "...", 4);
		n = fprintf(stderr, "\rlayerwaste: reading blob %zu (%s), "
			    "%.1f MB ", p->layers_done + 1, name,
			    (double)p->bytes_done / 1e6);
	} else {
		n = fprintf(stderr, "\rlayerwaste: reading %.1f MB ",
			    (double)p->bytes_done / 1e6);
	}
	/* Blank what is left of a longer line before. */
	if (n > 0 && n - 1 < ps->width)
		fprintf(stderr, "%*s\r", ps->width - (n - 1), "");
	if (n > 0 && n - 1 > ps->width)
		ps->width = n - 1;
}

static void clear_progress(struct progress_state *ps)
{
	if (!ps->shown)
		return;
	/* A dumb terminal knows no "erase line": blank it with spaces. */
	if (ps->dumb)
		fprintf(stderr, "\r%*s\r", ps->width, "");
	else
		fputs("\r\033[K", stderr);
	ps->shown = 0;
}

static int exit_for(int code)
{
	switch (code) {
	case LW_ERR_USAGE: return EXIT_USAGE;
	case LW_ERR_INPUT: return EXIT_INPUT;
	default: return EXIT_IO;
	}
}

struct inspect_job {
	const struct cli *c;
	const struct lw_image *img;
};

static int write_inspect(FILE *f, int to_stdout, void *ctx)
{
	const struct inspect_job *j = ctx;
	struct lw_render_opts ro = { .width = 100,
				     .exact_bytes = j->c->exact_bytes,
				     .top = j->c->top };

	(void)to_stdout;
	return j->c->format == FMT_JSON ?
		lw_render_inspect_json(f, j->img, &ro) :
		lw_render_inspect_text(f, j->img, &ro);
}

/* inspect: the image alone, text or JSON. */
static int run_inspect(const struct cli *c, const struct lw_image *img)
{
	struct inspect_job j = { c, img };

	return cli_emit(c->output, "w", write_inspect, &j);
}

/* Analysis and attribution; prints the error and returns its exit
 * status on failure. */
/* --base: reads the base image and counts its layers, which must be the
 * image's first layers (same diff_ids, in order). */
static int base_layers(const struct cli *c, const struct lw_image *img,
		       size_t *n)
{
	struct lw_read_opts ro = c->ro;
	struct lw_error err = { 0, "" };
	struct lw_image *base = NULL;
	size_t i;
	int rc;

	ro.input = c->ao.base_ref;
	ro.image = NULL;
	rc = lw_image_read(&ro, &base, &err);
	if (rc) {
		cli_msg("--base %s: %s", c->ao.base_ref, err.msg);
		return exit_for(rc);
	}
	rc = EXIT_OK;
	for (i = 0; i < base->nlayers; i++) {
		const char *b = base->layers[i].diff_id;
		const char *m = i < img->nlayers ? img->layers[i].diff_id :
			NULL;

		if (b && m && !strcmp(b, m))
			continue;
		cli_msg("--base %s is not the image's base: its layer %zu "
			"(%s) is not the image's layer %zu", c->ao.base_ref, i,
			b ? b : "no diff_id", i);
		rc = EXIT_USAGE;
		break;
	}
	*n = base->nlayers;
	lw_image_free(base);
	return rc;
}

/* --baseline: the causes of an earlier JSON report, matched with an's by
 * fingerprint. */
static int load_baseline(const char *path, const struct lw_analysis *an,
			 struct lw_baseline **out)
{
	struct lw_error err = { 0, "" };
	struct lw_snapshot *snap = NULL;
	const char **old_fp;
	uint64_t *old_bytes;
	char **fp;
	size_t i;
	int rc;

	*out = NULL;
	rc = lw_snapshot_read_report(path, &snap, &err);
	if (rc) {
		cli_msg("--baseline: %s", err.msg);
		return rc == LW_ERR_IO ? EXIT_IO : EXIT_USAGE;
	}
	old_fp = lw_xcalloc(snap->ncauses + 1, sizeof(*old_fp));
	old_bytes = lw_xcalloc(snap->ncauses + 1, sizeof(*old_bytes));
	for (i = 0; i < snap->ncauses; i++) {
		old_fp[i] = snap->causes[i].fingerprint;
		old_bytes[i] = snap->causes[i].bytes;
	}
	fp = lw_cause_fingerprints(an);
	*out = lw_baseline_match(an, fp, old_fp, old_bytes, snap->ncauses,
				 path);
	lw_cause_fingerprints_free(fp, an->ngroups);
	free(old_fp);
	free(old_bytes);
	lw_snapshot_free(snap);
	return EXIT_OK;
}

static int analyze(const struct cli *c, struct lw_image *img,
		   struct lw_analysis **an, struct lw_attribution **at)
{
	struct lw_analyze_opts ao = { c->duplicates, c->ro.jobs };
	struct lw_attrib_opts atto = c->ao;
	struct lw_error err = { 0, "" };
	size_t i;
	int rc;

	if (atto.base_ref) {
		rc = base_layers(c, img, &atto.base_layers);
		if (rc)
			return rc;
	}
	rc = lw_analyze(img, &ao, an, &err);
	if (!rc)
		rc = lw_attribute(*an, &atto, at, &err);
	/* The attribution's warnings (a `# layerwaste ignore=` naming no
	 * kind) are about the Dockerfile: said once, here. */
	for (i = 0; !rc && i < (*at)->warnings.count; i++)
		cli_msg("%s", (*at)->warnings.items[i]);
	if (rc) {
		cli_msg("%s", err.msg);
		return exit_for(rc);
	}
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct cli c;
	struct lw_error err = { 0, "" };
	struct lw_image *img = NULL;
	struct lw_analysis *an = NULL;
	struct lw_attribution *at = NULL;
	struct lw_rules_config rules;
	struct lw_rules_report *report = NULL;
	struct lw_checks *checks = NULL;
	struct lw_result res = { 0 };
	struct cli_vcs vcs = { 0 };
	struct lw_space_readme *readme = NULL;
	struct progress_state ps = { { 0, 0 }, 0, 0, 0 };
	struct lw_rules_inputs rin = { .inherited = NULL };
	uint8_t *inherited = NULL, *suppressed = NULL, *churn = NULL;
	uint8_t *package_db = NULL;
	signed char *fix_kind = NULL;
	struct lw_baseline *baseline = NULL;
	int rc, status = EXIT_OK;

	/* The engine's arrays (bytes per entry, for millions of entries)
	 * come and go one after another. With a fixed threshold they are
	 * mapped and unmapped whole: glibc's moving one would put those
	 * under 32 MiB on the heap, where what is freed stays resident. */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
	/* Every report writes numbers the same way: "1.01", never "1,01". */
	setlocale(LC_NUMERIC, "C");
	if (argc > 1 && (!strcmp(argv[1], "diff") || !strcmp(argv[1], "share")))
		return cli_compare_main(argv[1], argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "cache"))
		return cli_cache_main(argc - 1, argv + 1);
	memset(&c, 0, sizeof(c));
	c.color = -1;
	c.duplicates = 1;
	lw_rules_config_init(&rules);
	rc = cli_parse_args(argc, argv, &c);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	/* A bad config fails before the image is read (the browser reads
	 * its keys from it). */
	if (!strcmp(c.cmd, "analyze") || !strcmp(c.cmd, "browse")) {
		status = cli_load_rules(&c, &rules);
		c.ao.suppress = rules.suppress;
		c.ao.nsuppress = rules.nsuppress;
		if (!status)
			status = cli_load_readme(&rules, &readme);
		if (status)
			goto out;
	}
	/* No output may overwrite an input or another output. */
	status = cli_check_outputs(&c, &rules);
	if (status)
		goto out;
	if (!c.quiet && isatty(2)) {
		const char *term = getenv("TERM");

		ps.dumb = term && !strcmp(term, "dumb");
		c.ro.progress = show_progress;
		c.ro.progress_ctx = &ps;
	}
#ifndef LW_HAVE_BROWSER
	if (!strcmp(c.cmd, "browse")) {
		cli_msg("this build has no browser (LW_WITH_BROWSER=OFF); "
			"use --format text or json");
		status = EXIT_USAGE;
		goto out;
	}
#endif
	if (!strcmp(c.cmd, "browse") && !isatty(1)) {
		cli_msg("browse needs a terminal on standard output; use "
			"--format text or json instead");
		status = EXIT_USAGE;
		goto out;
	}
	c.ro.input = c.input;
	if (!c.ro.cache_dir)
		c.ro.cache_dir = cli_cache_default();
	rc = lw_image_read(&c.ro, &img, &err);
	clear_progress(&ps);
	if (rc) {
		cli_msg("%s", err.msg);
		status = exit_for(rc);
		goto out;
	}
	if (!strcmp(c.cmd, "inspect")) {
		status = run_inspect(&c, img);
		goto out;
	}
	status = analyze(&c, img, &an, &at);
	if (!status && c.with_files && lw_image_hash_visible(img, c.ro.jobs,
							     &err)) {
		fprintf(stderr, "layerwaste: %s\n", err.msg);
		status = exit_for(err.code);
	}
	if (status)
		goto out;
	res.image = img;
	res.analysis = an;
	res.attribution = at;
#ifdef LW_HAVE_BROWSER
	if (!strcmp(c.cmd, "browse")) {
		/* --color always beats NO_COLOR; auto follows it. */
		const char *nc = getenv("NO_COLOR");
		struct lw_browse_opts bo = {
			.color = c.color == 1 || (c.color < 0 && !(nc && *nc)),
			.keys = rules.keys,
			.nkeys = rules.nkeys,
		};

		if (lw_browse(&res, &bo) < 0) {
			cli_msg("cannot drive the terminal: %s",
				strerror(errno ? errno : ENOTTY));
			status = EXIT_IO;
		}
		goto out;
	}
#endif
	if (at) {
		size_t g;

		inherited = lw_xcalloc(an->ngroups + 1, 1);
		suppressed = lw_xcalloc(an->ngroups + 1, 1);
		churn = lw_xcalloc(an->ngroups + 1, 1);
		package_db = lw_xcalloc(an->ngroups + 1, 1);
		fix_kind = lw_xmalloc(an->ngroups + 1);
		memset(fix_kind, -1, an->ngroups + 1);
		for (g = 0; g < at->ncauses; g++) {
			const struct lw_cause *cz = &at->causes[g];

			if (cz->suggestion >= 0 &&
			    (size_t)cz->suggestion < at->nsuggestions)
				fix_kind[cz->group] = (signed char)
					at->suggestions[cz->suggestion].kind;
			package_db[cz->group] =
				cz->category == LW_CAUSE_PACKAGE_DB;
			churn[at->causes[g].group] =
				(uint8_t)at->causes[g].churn;
			inherited[at->causes[g].group] =
				(uint8_t)at->causes[g].inherited;
			suppressed[at->causes[g].group] =
				at->causes[g].suppressed != 0;
		}
		rin.inherited = inherited;
		rin.suppressed = suppressed;
		rin.churn = churn;
		rin.package_db = package_db;
		rin.fix_kind = fix_kind;
		rin.ngroups = an->ngroups;
	}
	if (rules.baseline) {
		status = load_baseline(rules.baseline, an, &baseline);
		if (status)
			goto out;
		rin.baseline = baseline;
		res.baseline = baseline;
	}
	if (lw_rules_evaluate_in(an, &rules, &rin, &report, &err)) {
		cli_msg("%s", err.msg);
		status = exit_for(err.code);
		goto out;
	}
	status = cli_run_checks(&c, an, at, &rules, readme, &checks);
	if (!status)
		status = cli_grade_checks(&rules, checks, report);
	if (status)
		goto out;
	res.rules = report;
	res.checks = checks;
	if (!c.fix && !cli_vcs_find(c.ao.dockerfile, &vcs))
		res.vcs = &vcs.p;
	status = c.fix ? cli_write_fix(&c, at) : cli_write_outputs(&c, &res);
	if (report->evaluated || checks || report->gate) {
		lw_render_ci_summary(stderr, &res);
		if (lw_rules_report_failed(report) && !status)
			status = EXIT_RULES;
	}
out:
	free(inherited);
	free(package_db);
	free(fix_kind);
	free(suppressed);
	free(churn);
	lw_baseline_free(baseline);
	lw_checks_free(checks);
	lw_rules_report_free(report);
	lw_space_readme_free(readme);
	lw_rules_config_release(&rules);
	cli_vcs_release(&vcs);
	lw_attribution_free(at);
	lw_analysis_free(an);
	lw_image_free(img);
	if (fclose(stdout) && !status) {
		cli_msg("cannot write to standard output: %s",
			strerror(errno));
		status = EXIT_IO;
	}
	return status;
}
