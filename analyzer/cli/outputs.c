/* The reports a run writes: the main one (--format, on stdout or --output
 * FILE) and any number of --output FORMAT=FILE, plus GitHub's step
 * summary; and the --fix diff. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "layerwaste/render.h"
#include "cli.h"

/* Every report format: its name for --format and --output, and its
 * renderer. */
static const struct {
	const char *name;
	int (*render)(FILE *f, const struct lw_result *r,
		      const struct lw_render_opts *o);
} formats[FMT_COUNT] = {
	[FMT_TEXT] = { "text", lw_render_text },
	[FMT_JSON] = { "json", lw_render_json },
	[FMT_GITHUB] = { "github", lw_render_github },
	[FMT_MARKDOWN] = { "markdown", lw_render_markdown },
	[FMT_SARIF] = { "sarif", lw_render_sarif },
	[FMT_GITLAB] = { "gitlab", lw_render_gitlab },
	[FMT_JUNIT] = { "junit", lw_render_junit },
	[FMT_HTML] = { "html", lw_render_html },
};

int cli_format_from_name(const char *name)
{
	int i;

	for (i = 0; i < FMT_COUNT; i++)
		if (!strcmp(name, formats[i].name))
			return i;
	return -1;
}

const char *cli_format_name(int format)
{
	return format >= 0 && format < FMT_COUNT ? formats[format].name : "?";
}

static int write_text(FILE *f, int to_stdout, void *ctx)
{
	(void)to_stdout;
	return fputs(ctx, f) == EOF ? -1 : 0;
}

/* --fix: the diff of the Dockerfile, to stdout or --output FILE. */
int cli_write_fix(const struct cli *c, const struct lw_attribution *at)
{
	char *diff = lw_attribution_diff(at);
	int status = cli_emit(c->output, "w", write_text, diff);

	free(diff);
	return status;
}

static int terminal_width(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");

	if (isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (cols && atoi(cols) > 0)
		return atoi(cols);
	return 100;
}

static int use_color(int want)
{
	const char *nc = getenv("NO_COLOR");
	const char *term = getenv("TERM");

	/* An explicit --color always or never wins over NO_COLOR; auto
	 * follows NO_COLOR and TERM=dumb. */
	if (want >= 0)
		return want;
	if (nc && *nc)
		return 0;
	return isatty(1) && !(term && !strcmp(term, "dumb"));
}

static int emit_stdout(int (*write)(FILE *f, int to_stdout, void *ctx),
		       void *ctx)
{
	int rc, e;

	errno = 0;
	rc = write(stdout, 1, ctx);
	e = errno;
	if (rc || fflush(stdout) || ferror(stdout)) {
		cli_msg("cannot write to standard output: %s",
			strerror(e ? e : errno ? errno : EIO));
		return EXIT_IO;
	}
	return EXIT_OK;
}

int cli_emit(const char *path, const char *mode,
	     int (*write)(FILE *f, int to_stdout, void *ctx), void *ctx)
{
	struct cli_stage st = { NULL, 0 };
	int rc;

	if (!path || !strcmp(path, "-"))
		return emit_stdout(write, ctx);
	rc = mode[0] == 'a' ? cli_stage_append(&st, path, write, ctx) :
		cli_stage_file(&st, path, write, ctx);
	if (rc) {
		cli_stage_abort(&st);
		return rc;
	}
	return cli_stage_commit(&st);
}

struct report_job {
	int format;
	const struct lw_result *res;
	const struct lw_render_opts *base;
	int color;
};

static int write_report(FILE *f, int to_stdout, void *ctx)
{
	const struct report_job *r = ctx;
	struct lw_render_opts o = *r->base;

	o.color = r->format == FMT_TEXT && to_stdout && r->color;
	o.width = to_stdout ? terminal_width() : 100;
	return formats[r->format].render(f, r->res, &o);
}

int cli_write_outputs(const struct cli *c, const struct lw_result *res)
{
	struct lw_render_opts o = { .exact_bytes = c->exact_bytes,
				    .top = c->top,
				    .with_files = c->with_files };
	const char *summary = getenv("GITHUB_STEP_SUMMARY");
	int color = use_color(c->color), github = c->format == FMT_GITHUB;
	struct report_job main_job = { c->format, res, &o, color };
	struct report_job jobs[CLI_OUTPUTS_MAX + 1];
	struct cli_stage st = { NULL, 0 };
	int status = EXIT_OK;
	size_t i;

	/* Every file first, into temporary files; standard output, which
	 * cannot be taken back, only once they all succeeded; then the
	 * files into place. A failure leaves every file as it was. */
	if (c->output && strcmp(c->output, "-"))
		status = cli_stage_file(&st, c->output, write_report, &main_job);
	for (i = 0; i < c->nextra && !status; i++) {
		struct report_job j = { c->extra[i].format, res, &o, 0 };

		jobs[i] = j;
		github |= c->extra[i].format == FMT_GITHUB;
		if (strcmp(c->extra[i].path, "-"))
			status = cli_stage_file(&st, c->extra[i].path,
						write_report, &jobs[i]);
	}
	/* The job page of a GitHub run shows this file's Markdown. */
	if (!status && github && summary && *summary) {
		struct report_job j = { FMT_MARKDOWN, res, &o, 0 };

		jobs[CLI_OUTPUTS_MAX] = j;
		status = cli_stage_append(&st, summary, write_report,
					  &jobs[CLI_OUTPUTS_MAX]);
	}
	if (!status && (!c->output || !strcmp(c->output, "-")))
		status = emit_stdout(write_report, &main_job);
	for (i = 0; i < c->nextra && !status; i++)
		if (!strcmp(c->extra[i].path, "-"))
			status = emit_stdout(write_report, &jobs[i]);
	if (status) {
		cli_stage_abort(&st);
		return status;
	}
	return cli_stage_commit(&st);
}
