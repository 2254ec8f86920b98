/* Rule settings (config file, then flags), the profile's checks, and the
 * reports a run writes:
 * the main one (--format, on stdout or --output FILE) and any number of
 * --output FORMAT=FILE, plus GitHub's step summary. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "layerwaste/checks.h"
#include "layerwaste/config.h"
#include "cli.h"
#include "render.h"

static const char *const format_names[FMT_COUNT] = {
	[FMT_TEXT] = "text",
	[FMT_JSON] = "json",
	[FMT_GITHUB] = "github",
	[FMT_MARKDOWN] = "markdown",
	[FMT_SARIF] = "sarif",
	[FMT_GITLAB] = "gitlab",
	[FMT_JUNIT] = "junit",
};

int cli_format_from_name(const char *name)
{
	int i;

	for (i = 0; i < FMT_COUNT; i++)
		if (!strcmp(name, format_names[i]))
			return i;
	return -1;
}

const char *cli_format_name(int format)
{
	return format >= 0 && format < FMT_COUNT ? format_names[format] : "?";
}

int cli_load_rules(const struct cli *c, struct lw_rules_config *rc)
{
	struct lw_error err = { 0, "" };
	const struct cli_setting *s;
	char *found = NULL;
	int format = c->config_format, rc_ = LW_OK;
	size_t i;

	if (c->config)
		rc_ = lw_config_load(rc, c->config, format, &err);
	else if (!c->no_config && lw_config_find(".", &found, &format))
		rc_ = lw_config_load(rc, found, format, &err);
	free(found);
	for (i = 0; rc_ == LW_OK && i < c->nsettings; i++) {
		s = &c->settings[i];
		if (s->rule >= 0)
			rc_ = lw_rules_set_value(rc, s->rule, s->name, s->value,
						 &err);
		else
			rc_ = lw_rules_set(rc, s->key, s->value, &err);
	}
	if (rc_ != LW_OK) {
		fprintf(stderr, "layerwaste: %s\n", err.msg);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int cli_load_readme(const struct lw_rules_config *rc,
		    struct lw_space_readme **out)
{
	struct lw_error err = { 0, "" };

	*out = NULL;
	if (!rc->space_readme)
		return EXIT_OK;
	if (rc->profile != LW_PROFILE_SPACES) {
		fprintf(stderr, "layerwaste: --space-readme is read by the "
			"spaces profile only (add --profile spaces)\n");
		return EXIT_USAGE;
	}
	if (lw_space_readme_load(rc->space_readme, out, &err)) {
		fprintf(stderr, "layerwaste: %s\n", err.msg);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int cli_run_checks(const struct cli *c, const struct lw_analysis *an,
		   const struct lw_rules_config *rc,
		   const struct lw_space_readme *readme,
		   struct lw_rules_report *report)
{
	struct lw_checks_opts o = { rc->profile, readme, c->ao.target,
				    c->ao.build_args };
	struct lw_error err = { 0, "" };
	int rc_;

	if (rc->profile == LW_PROFILE_NONE)
		return EXIT_OK;
	rc_ = lw_checks_run(an, &o, &report->checks, &err);
	if (rc_ == LW_OK)
		return EXIT_OK;
	fprintf(stderr, "layerwaste: %s\n", err.msg);
	return rc_ == LW_ERR_USAGE ? EXIT_USAGE : rc_ == LW_ERR_INPUT ?
		EXIT_INPUT : EXIT_IO;
}

static int write_text(FILE *f, int to_stdout, void *ctx)
{
	(void)to_stdout;
	return fputs(ctx, f) == EOF ? -1 : 0;
}

/* --fix: the diff of the Dockerfile, to stdout or --output FILE. */
int cli_write_fix(const struct cli *c, const struct lw_analysis *an)
{
	char *diff = lw_attribution_diff(an->attr);
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

	if (nc && *nc)
		return 0;
	if (want >= 0)
		return want;
	return isatty(1) && !(term && !strcmp(term, "dumb"));
}

static int render(FILE *f, int format, const struct lw_analysis *an,
		  const struct lw_rules_report *rules,
		  const struct lw_render_opts *o)
{
	switch (format) {
	case FMT_JSON: return lw_render_json_rules(f, an, rules, o);
	case FMT_GITHUB: return lw_render_github(f, an, rules, o);
	case FMT_MARKDOWN: return lw_render_markdown(f, an, rules, o);
	case FMT_SARIF: return lw_render_sarif(f, an, rules, o);
	case FMT_GITLAB: return lw_render_gitlab(f, an, rules, o);
	case FMT_JUNIT: return lw_render_junit(f, an, rules, o);
	default: return lw_render_text_rules(f, an, rules, o);
	}
}

int cli_emit(const char *path, const char *mode,
	     int (*write)(FILE *f, int to_stdout, void *ctx), void *ctx)
{
	int to_stdout = !path || !strcmp(path, "-");
	FILE *f = stdout;
	int rc;

	if (!to_stdout && !(f = fopen(path, mode))) {
		fprintf(stderr, "layerwaste: cannot write '%s': %s\n", path,
			strerror(errno));
		return EXIT_IO;
	}
	errno = 0;
	rc = write(f, to_stdout, ctx);
	if (rc || fflush(f) || ferror(f)) {
		fprintf(stderr, "layerwaste: cannot write %s%s%s: %s\n",
			to_stdout ? "to standard output" : "'",
			to_stdout ? "" : path, to_stdout ? "" : "'",
			strerror(errno ? errno : EIO));
		if (!to_stdout)
			fclose(f);
		return EXIT_IO;
	}
	if (!to_stdout && fclose(f)) {
		fprintf(stderr, "layerwaste: cannot write '%s': %s\n", path,
			strerror(errno));
		return EXIT_IO;
	}
	return EXIT_OK;
}

struct report_job {
	int format;
	const struct lw_analysis *an;
	const struct lw_rules_report *rules;
	const struct lw_render_opts *base;
	int color;
};

static int write_report(FILE *f, int to_stdout, void *ctx)
{
	const struct report_job *r = ctx;
	struct lw_render_opts o = *r->base;

	o.color = r->format == FMT_TEXT && to_stdout && r->color;
	o.width = to_stdout ? terminal_width() : 100;
	return render(f, r->format, r->an, r->rules, &o);
}

/* Writes one report to path (NULL or "-": standard output, which is
 * flushed but left open). mode is "w", or "a" to append. */
static int write_one(const char *path, const char *mode, int format,
		     const struct lw_analysis *an,
		     const struct lw_rules_report *rules,
		     const struct lw_render_opts *base, int color)
{
	struct report_job r = { format, an, rules, base, color };

	return cli_emit(path, mode, write_report, &r);
}

int cli_write_outputs(const struct cli *c, const struct lw_analysis *an,
		      const struct lw_rules_report *rules)
{
	struct lw_render_opts o = { 0, 0, c->exact_bytes, c->top };
	const char *summary = getenv("GITHUB_STEP_SUMMARY");
	int color = use_color(c->color), github = c->format == FMT_GITHUB;
	int status, rc;
	size_t i;

	status = write_one(c->output, "w", c->format, an, rules, &o, color);
	for (i = 0; i < c->nextra; i++) {
		github |= c->extra[i].format == FMT_GITHUB;
		rc = write_one(c->extra[i].path, "w", c->extra[i].format, an,
			       rules, &o, 0);
		if (rc)
			status = rc;
	}
	/* The job page of a GitHub run shows this file's Markdown. */
	if (github && summary && *summary) {
		rc = write_one(summary, "a", FMT_MARKDOWN, an, rules, &o, 0);
		if (rc)
			status = rc;
	}
	return status;
}
