/* `layerwaste diff OLD NEW` and `layerwaste share IMAGE...`: options,
 * the run (each side read and analysed, or its saved JSON report read),
 * the outputs and the exit status. No comparing happens here. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layerwaste/compare.h"
#ifdef LW_HAVE_BROWSER
#include "layerwaste/browse.h"
#endif
#include "cli.h"

#define SHARE_MAX 64 /* images one share run reads */

static const char diff_usage[] =
	"usage: layerwaste diff [options] OLD NEW\n"
	"       layerwaste share [options] IMAGE IMAGE...\n"
	"\n"
	"diff compares two builds: OLD and NEW are images in any form\n"
	"layerwaste reads, or JSON reports of earlier runs (layerwaste -f json;\n"
	"with --with-files they carry the file list that file changes need).\n"
	"share shows the layers several images (or reports) share.\n"
	"\n"
	"options:\n"
	"  -f, --format FMT       text (default), json, markdown (a pull-request\n"
	"                         comment), github (annotations; diff only) or\n"
	"                         html (a self-contained page; diff only)\n"
	"  -o, --output FILE      write to FILE instead of stdout\n"
	"      --bytes            print exact byte counts\n"
	"      --color WHEN       auto (default), always or never\n"
	"      --top N            rows of each list in text (10)\n"
	"      --dockerfile PATH  the Dockerfile that built NEW: lines for\n"
	"                         its layers and waste\n"
	"      --target STAGE     its stage that was built (last)\n"
	"      --build-arg K=V    a build argument used for NEW\n"
	"      --no-duplicates    skip the duplicate-content search\n"
	"      --no-files         do not compare the final file systems\n"
	"      --browse           open the browser on NEW (diff only; needs a\n"
	"                         terminal), marking what the change added\n"
	"      --platform P       pick a platform of an index\n"
	"      --source SRC       archive, docker or podman\n"
	"  -j, --jobs N           threads (default: cores)\n"
	"  -q, --quiet            accepted; diff prints no progress\n"
	"  -h, --help             this help\n"
	"\n"
	"rules (diff only; a broken one makes the exit status 1):\n"
	"      --max-growth SIZE|PCT   growth of the total bytes, e.g. 50MB, 10%\n"
	"      --max-new-waste SIZE    new waste plus the growth of old waste\n"
	"\n"
	"exit status: 0 done (rules passed), 1 a rule broken, 2 usage error,\n"
	"3 bad input (an image, or a report that is not ours), 4 I/O error\n";

enum {
	C_BYTES = 256, C_COLOR, C_TOP, C_DOCKERFILE, C_TARGET, C_BUILDARG,
	C_NODUP, C_NOFILES, C_PLATFORM, C_SOURCE, C_MAXGROWTH, C_MAXWASTE,
	C_BROWSE = 512, /* apart: options added above do not move it */
};

static const struct option cmp_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "bytes", no_argument, NULL, C_BYTES },
	{ "color", required_argument, NULL, C_COLOR },
	{ "colour", required_argument, NULL, C_COLOR },
	{ "top", required_argument, NULL, C_TOP },
	{ "dockerfile", required_argument, NULL, C_DOCKERFILE },
	{ "target", required_argument, NULL, C_TARGET },
	{ "build-arg", required_argument, NULL, C_BUILDARG },
	{ "no-duplicates", no_argument, NULL, C_NODUP },
	{ "no-files", no_argument, NULL, C_NOFILES },
	{ "browse", no_argument, NULL, C_BROWSE },
	{ "platform", required_argument, NULL, C_PLATFORM },
	{ "source", required_argument, NULL, C_SOURCE },
	{ "jobs", required_argument, NULL, 'j' },
	{ "max-growth", required_argument, NULL, C_MAXGROWTH },
	{ "max-new-waste", required_argument, NULL, C_MAXWASTE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

enum { F_TEXT, F_JSON, F_MARKDOWN, F_GITHUB, F_HTML };

struct cmp_cli {
	const char *cmd; /* "diff" or "share" */
	int format;
	const char *output;
	struct lw_render_opts ro;
	int color;
	int duplicates;
	int files;
	struct lw_read_opts read;
	struct lw_attrib_opts ao;
	const char *build_args[CLI_BUILD_ARGS_MAX + 1];
	size_t nbuild_args;
	struct lw_cmp_rules rules;
	int browse;           /* --browse: the browser on NEW */
	int color_flag;       /* --color as given: 1, 0, -1 auto */
	char **inputs;
	int ninputs;
};

LW_PRINTF(1, 2)
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("layerwaste: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see 'layerwaste diff --help')\n", stderr);
	return EXIT_USAGE;
}

static int code_exit(int code)
{
	return code == LW_ERR_USAGE ? EXIT_USAGE :
	       code == LW_ERR_INPUT ? EXIT_INPUT : EXIT_IO;
}

static int parse_format(struct cmp_cli *k, const char *s)
{
	static const char *const names[] = { "text", "json", "markdown",
		"github", "html" };
	int i;

	for (i = 0; i < 5; i++)
		if (!strcmp(s, names[i]))
			k->format = i;
	if (strcmp(s, names[k->format]) ||
	    ((k->format == F_GITHUB || k->format == F_HTML) &&
	     !strcmp(k->cmd, "share")))
		return usage_error("%s takes --format text, json, markdown%s, "
				   "not '%s'", k->cmd,
				   strcmp(k->cmd, "share") ?
				   ", github or html" : "",
				   s);
	return 0;
}

static int parse_one(struct cmp_cli *k, int o, char **argv)
{
	const char *why = "";
	char *end;
	long v;

	switch (o) {
	case 'f':
		return parse_format(k, optarg);
	case 'o':
		k->output = optarg;
		return 0;
	case C_BYTES:
		k->ro.exact_bytes = 1;
		return 0;
	case C_COLOR:
		if (!strcmp(optarg, "auto") || !strcmp(optarg, "always") ||
		    !strcmp(optarg, "never")) {
			k->color = !strcmp(optarg, "always") ? 1 :
				   !strcmp(optarg, "never") ? 0 : -1;
			return 0;
		}
		return usage_error("--color takes auto, always or never, not "
				   "'%s'", optarg);
	case C_TOP:
		errno = 0;
		v = strtol(optarg, &end, 10);
		if (errno || *end || end == optarg || v < 1 || v > 1000000)
			return usage_error("--top takes a positive number, not "
					   "'%s'", optarg);
		k->ro.top = (int)v;
		return 0;
	case C_DOCKERFILE:
		k->ao.dockerfile = optarg;
		return 0;
	case C_TARGET:
		k->ao.target = optarg;
		return 0;
	case C_BUILDARG:
		if (!strchr(optarg, '=') || optarg[0] == '=')
			return usage_error("--build-arg takes KEY=VALUE, not "
					   "'%s'", optarg);
		if (k->nbuild_args == CLI_BUILD_ARGS_MAX)
			return usage_error("at most %d --build-arg",
					   CLI_BUILD_ARGS_MAX);
		k->build_args[k->nbuild_args++] = optarg;
		return 0;
	case C_NODUP:
		k->duplicates = 0;
		return 0;
	case C_NOFILES:
		k->files = 0;
		return 0;
	case C_BROWSE:
		k->browse = 1;
		return 0;
	case C_PLATFORM:
		if (!strchr(optarg, '/'))
			return usage_error("--platform takes os/arch[/variant], "
					   "not '%s'", optarg);
		k->read.platform = optarg;
		return 0;
	case C_SOURCE:
		if (strcmp(optarg, "archive") && strcmp(optarg, "docker") &&
		    strcmp(optarg, "podman"))
			return usage_error("--source takes archive, docker or "
					   "podman, not '%s'", optarg);
		k->read.source = optarg;
		return 0;
	case 'j':
		errno = 0;
		v = strtol(optarg, &end, 10);
		if (errno || *end || end == optarg || v < 1 || v > 256)
			return usage_error("--jobs takes a number from 1 to "
					   "256, not '%s'", optarg);
		k->read.jobs = (int)v;
		return 0;
	case C_MAXGROWTH:
		if (lw_cmp_parse_growth(optarg, &k->rules, &why))
			return usage_error("--max-growth: %s", why);
		return 0;
	case C_MAXWASTE:
		if (lw_parse_size(optarg, &k->rules.new_waste_bytes, &why))
			return usage_error("--max-new-waste: %s", why);
		k->rules.set[LW_CMP_RULE_MAX_NEW_WASTE] = 1;
		return 0;
	case 'q':
		return 0;
	case 'h':
		fputs(diff_usage, stdout);
		return -1;
	case ':':
		return usage_error("option '%s' needs a value",
				   argv[optind - 1]);
	default:
		return usage_error("unknown option '%s'", argv[optind - 1]);
	}
}

static int parse(struct cmp_cli *k, int argc, char **argv)
{
	int o, rc;

	opterr = 0;
	optind = 1;
	while ((o = getopt_long(argc, argv, ":f:o:j:qh", cmp_opts, NULL)) != -1) {
		rc = parse_one(k, o, argv);
		if (rc)
			return rc;
	}
	k->build_args[k->nbuild_args] = NULL;
	k->ao.build_args = k->build_args;
	k->inputs = argv + optind;
	k->ninputs = argc - optind;
	if (!strcmp(k->cmd, "diff") && k->ninputs != 2)
		return usage_error("%s", k->ninputs < 2 ?
				   "diff needs OLD and NEW" :
				   "diff takes two inputs, OLD and NEW");
	if (!strcmp(k->cmd, "share") && k->ninputs < 2)
		return usage_error("%s", "share needs two images or more");
	if (k->ninputs > SHARE_MAX)
		return usage_error("share reads at most %d images", SHARE_MAX);
	if (!strcmp(k->cmd, "share") &&
	    (k->ao.dockerfile || k->rules.set[0] || k->rules.set[1]))
		return usage_error("%s", "share takes no --dockerfile and no "
				   "rules");
	if (k->browse && strcmp(k->cmd, "diff"))
		return usage_error("%s", "--browse is for diff only");
	if (k->browse && (k->output || k->format != F_TEXT))
		return usage_error("%s", "--browse takes no --format and no "
				   "--output");
	return 0;
}

/* A JSON report rather than an image: a regular file whose first byte
 * that is not blank is '{' (no archive starts so). */
static int is_report(const char *path)
{
	struct stat st;
	FILE *f;
	int ch;

	if (!strcmp(path, "-") || stat(path, &st) || !S_ISREG(st.st_mode))
		return 0;
	f = fopen(path, "rb");
	if (!f)
		return 0;
	do
		ch = getc(f);
	while (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r');
	fclose(f);
	return ch == '{';
}

/* --browse needs a browser, a terminal on standard output (as `browse`)
 * and NEW as an image. */
static int browse_check(const struct cmp_cli *k)
{
#ifndef LW_HAVE_BROWSER
	(void)k;
	fprintf(stderr, "layerwaste: this build has no browser "
		"(LW_WITH_BROWSER=OFF); leave out --browse\n");
	return EXIT_USAGE;
#else
	if (!isatty(STDOUT_FILENO)) {
		fprintf(stderr, "layerwaste: diff --browse needs a terminal on "
			"standard output; leave out --browse for a report\n");
		return EXIT_USAGE;
	}
	if (is_report(k->inputs[1])) {
		fprintf(stderr, "layerwaste: --browse needs NEW to be an "
			"image, not a report\n");
		return EXIT_USAGE;
	}
	return 0;
#endif
}

/* One side: its image, analysis and attribution (kept for hashing), or
 * its report. */
struct side {
	struct lw_image *img;
	struct lw_analysis *an;
	struct lw_attribution *at;
	struct lw_snapshot *snap;
};

static void side_release(struct side *s)
{
	lw_snapshot_free(s->snap);
	lw_attribution_free(s->at);
	lw_analysis_free(s->an);
	lw_image_free(s->img);
	memset(s, 0, sizeof(*s));
}

/* analyse: 0 for share (layers only). dockerfile: 1 for NEW. */
static int load_side(const struct cmp_cli *k, const char *input, int analyse,
		     int dockerfile, struct side *s)
{
	struct lw_analyze_opts ao = { .find_duplicates = k->duplicates,
				      .jobs = k->read.jobs };
	struct lw_attrib_opts at = { 0 };
	struct lw_read_opts ro = k->read;
	struct lw_error err = { 0, "" };
	int rc;

	memset(s, 0, sizeof(*s));
	if (is_report(input)) {
		if (dockerfile && k->ao.dockerfile) {
			fprintf(stderr, "layerwaste: --dockerfile needs NEW to "
				"be an image, not a report\n");
			return EXIT_USAGE;
		}
		rc = lw_snapshot_read_report(input, &s->snap, &err);
		goto out;
	}
	ro.input = input;
	rc = lw_image_read(&ro, &s->img, &err);
	if (!rc && analyse)
		rc = lw_analyze(s->img, &ao, &s->an, &err);
	if (!rc && analyse)
		rc = lw_attribute(s->an, dockerfile ? &k->ao : &at, &s->at,
				  &err);
	if (!rc)
		lw_snapshot_of_image(s->img, s->an, s->at, analyse && k->files,
				     &s->snap);
out:
	if (rc) {
		fprintf(stderr, "layerwaste: %s\n", err.msg);
		side_release(s);
		return code_exit(rc);
	}
	return EXIT_OK;
}

struct job {
	const struct cmp_cli *k;
	const struct lw_comparison *c;
	const struct lw_share *s;
	int markdown; /* the step summary */
};

static int write_job(FILE *f, int to_stdout, void *ctx)
{
	const struct job *j = ctx;
	struct lw_render_opts o = j->k->ro;
	int fmt = j->markdown ? F_MARKDOWN : j->k->format;

	o.color = fmt == F_TEXT && to_stdout && j->k->color;
	if (j->s)
		return fmt == F_JSON ? lw_render_share_json(f, j->s, &o) :
		       fmt == F_MARKDOWN ? lw_render_share_markdown(f, j->s, &o) :
		       lw_render_share_text(f, j->s, &o);
	switch (fmt) {
	case F_JSON: return lw_render_compare_json(f, j->c, &o);
	case F_MARKDOWN: return lw_render_compare_markdown(f, j->c, &o);
	case F_GITHUB: return lw_render_compare_github(f, j->c, &o);
	case F_HTML: return lw_render_compare_html(f, j->c, &o);
	default: return lw_render_compare_text(f, j->c, &o);
	}
}

/* --browse: the browser on NEW (cur), marking what c says the change
 * added, with the key bindings of the config `browse` would read (found
 * the same way: LAYERWASTE_CONFIG, the working directory, the
 * repository, the user's). A broken rule still makes the exit status 1. */
static int browse_diff(const struct cmp_cli *k, const struct side *cur,
		       const struct lw_comparison *c)
{
#ifdef LW_HAVE_BROWSER
	const struct lw_result res = {
		.image = cur->img,
		.analysis = cur->an,
		.attribution = cur->at,
	};
	const char *nc = getenv("NO_COLOR");
	struct lw_browse_opts bo = {
		/* --color always beats NO_COLOR; auto follows it. */
		.color = k->color_flag == 1 || (k->color_flag < 0 &&
						 !(nc && *nc)),
		.cmp = c,
	};
	const struct cli cfg = { .cmd = "browse" };
	struct lw_rules_config rules;
	int status;

	lw_rules_config_init(&rules);
	status = cli_load_rules(&cfg, &rules);
	if (status)
		goto out;
	bo.keys = rules.keys;
	bo.nkeys = rules.nkeys;
	if (lw_browse(&res, &bo) < 0) {
		fprintf(stderr, "layerwaste: cannot drive the terminal: %s\n",
			strerror(errno ? errno : ENOTTY));
		status = EXIT_IO;
		goto out;
	}
	status = c->evaluated && !c->passed ? EXIT_RULES : EXIT_OK;
out:
	lw_rules_config_release(&rules);
	return status;
#else
	(void)k;
	(void)cur;
	(void)c;
	return EXIT_USAGE;
#endif
}

static int run_diff(const struct cmp_cli *k)
{
	struct side old, cur;
	struct lw_comparison *c = NULL;
	struct lw_error err = { 0, "" };
	struct job j = { k, NULL, NULL, 0 };
	const char *summary = getenv("GITHUB_STEP_SUMMARY");
	int status, rc;

	memset(&cur, 0, sizeof(cur));
	status = load_side(k, k->inputs[0], 1, 0, &old);
	if (!status)
		status = load_side(k, k->inputs[1], 1, 1, &cur);
	if (status)
		goto out;
	if (!k->files) {
		old.snap->has_files = 0;
		cur.snap->has_files = 0;
	}
	rc = lw_compare(old.snap, cur.snap, &k->rules, k->read.jobs, &c, &err);
	if (rc) {
		fprintf(stderr, "layerwaste: %s\n", err.msg);
		status = code_exit(rc);
		goto out;
	}
	if (!k->files)
		lw_warnings_release(&c->notes);
	if (k->browse) {
		status = browse_diff(k, &cur, c);
		goto out;
	}
	j.c = c;
	status = cli_emit(k->output, "w", write_job, &j);
	if (!status && k->format == F_GITHUB && summary && *summary) {
		j.markdown = 1;
		status = cli_emit(summary, "a", write_job, &j);
	}
	if (!status && c->evaluated && !c->passed)
		status = EXIT_RULES;
out:
	lw_comparison_free(c);
	side_release(&cur);
	side_release(&old);
	return status;
}

/* Each image is read, boiled down to its layers and freed before the
 * next: memory stays that of one image. */
static int run_share(const struct cmp_cli *k)
{
	struct side sides[SHARE_MAX];
	const struct lw_snapshot *snaps[SHARE_MAX];
	struct lw_share *s = NULL;
	struct job j = { k, NULL, NULL, 0 };
	int i, n = 0, status = EXIT_OK;

	for (i = 0; i < k->ninputs && !status; i++) {
		status = load_side(k, k->inputs[i], 0, 0, &sides[i]);
		if (status)
			break;
		n++;
		/* The snapshot holds no pointer into the image here. */
		lw_image_free(sides[i].img);
		sides[i].img = NULL;
		sides[i].snap->img = NULL;
		snaps[i] = sides[i].snap;
	}
	if (!status) {
		lw_share_compute(snaps, (size_t)n, &s);
		j.s = s;
		status = cli_emit(k->output, "w", write_job, &j);
	}
	lw_share_free(s);
	for (i = 0; i < n; i++)
		side_release(&sides[i]);
	return status;
}

int cli_compare_main(const char *cmd, int argc, char **argv)
{
	struct cmp_cli k;
	int rc;

	memset(&k, 0, sizeof(k));
	k.cmd = cmd;
	k.color = -1;
	k.duplicates = 1;
	k.files = 1;
	rc = parse(&k, argc, argv);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	k.color_flag = k.color;
	if (k.browse) {
		rc = browse_check(&k);
		if (rc)
			return rc;
	}
	if (k.color < 0)
		k.color = isatty(1) && !getenv("NO_COLOR") &&
			  !(getenv("TERM") && !strcmp(getenv("TERM"), "dumb"));
	rc = !strcmp(cmd, "diff") ? run_diff(&k) : run_share(&k);
	if (fclose(stdout) && !rc) {
		fprintf(stderr, "layerwaste: cannot write to standard output: "
			"%s\n", strerror(errno));
		rc = EXIT_IO;
	}
	return rc;
}
