/* The command line's own pieces, shared by main.c (options, the run),
 * settings.c (rules, README, checks) and outputs.c (the reports written).
 * Private to the CLI. */
#ifndef LAYERWASTE_CLI_H
#define LAYERWASTE_CLI_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "layerwaste/render.h"

/* The exit status table (docs/ci.md, --help). */
enum exit_code {
	EXIT_OK = 0,
	EXIT_RULES = 1, /* a configured rule failed, or a judged finding
			   or failed check has a severity --fail-on fails
			   on (by default: a check of severity error) */
	EXIT_USAGE = 2, /* a bad option, or a bad config file */
	EXIT_INPUT = 3, /* the image is malformed or unsupported */
	EXIT_IO = 4,    /* reading or writing failed */
};

enum cli_format {
	FMT_TEXT = 0,
	FMT_JSON,
	FMT_GITHUB,
	FMT_MARKDOWN,
	FMT_SARIF,
	FMT_GITLAB,
	FMT_JUNIT,
	FMT_HTML,
	FMT_COUNT
};

#define CLI_OUTPUTS_MAX 16
#define CLI_SETTINGS_MAX 128
#define CLI_BUILD_ARGS_MAX 64

/* One more report: --output FORMAT=FILE. */
struct cli_output {
	int format;       /* enum cli_format */
	const char *path; /* borrowed from argv; "-" is standard output */
};

/* A rule setting from a flag, applied over the config file's. */
struct cli_setting {
	const char *key;   /* for lw_rules_set: "--max-wasted-bytes" */
	int rule;          /* enum lw_rule, or -1 for key */
	const char *name;  /* the flag as typed, for errors */
	const char *value; /* borrowed from argv */
};

struct cli {
	const char *cmd; /* "analyze", "inspect" or "browse" */
	const char *input;
	const char *output; /* the main report's file, or NULL: stdout */
	int format;         /* enum cli_format of the main report */
	int color;          /* -1 auto */
	int exact_bytes;
	int quiet;
	int top;
	int duplicates;
	int fix;
	int with_files; /* --with-files: the JSON report lists the files */
	struct lw_read_opts ro;
	struct lw_attrib_opts ao;
	const char *build_args[CLI_BUILD_ARGS_MAX + 1];
	size_t nbuild_args;
	struct cli_output extra[CLI_OUTPUTS_MAX];
	size_t nextra;
	const char *config;   /* --config or --ci-config PATH, or NULL */
	int config_format;    /* enum lw_config_format of config */
	int no_config;        /* --no-config: no file is looked for */
	struct cli_setting settings[CLI_SETTINGS_MAX];
	size_t nsettings;
};

/* Reads the options of analyze, inspect and browse (argv[1] may name the
 * command) and the LAYERWASTE_* variables into c (zeroed by the caller,
 * its defaults set). Returns 0, or the exit status to stop with after it
 * printed why (EXIT_USAGE), or -1 after -h or -V printed what was asked
 * (exit 0) (args.c). */
int cli_parse_args(int argc, char **argv, struct cli *c);

/* `layerwaste diff` and `layerwaste share` (compare.c): cmd is "diff" or
 * "share", argv[0] the command's name. Runs it and returns the exit
 * status (standard output closed). */
int cli_compare_main(const char *cmd, int argc, char **argv);

/* `layerwaste cache stats|prune` (cache_cmd.c): argv[0] is "cache".
 * Returns the exit status (standard output closed). */
int cli_cache_main(int argc, char **argv);
/* The default cache folder, $XDG_CACHE_HOME/layerwaste or
 * $HOME/.cache/layerwaste (a static buffer), or NULL when neither is
 * set. */
const char *cli_cache_default(void);

/* Opens path for writing (NULL or "-": standard output, flushed but left
 * open; mode "w" or "a"), calls write, and reports any failure of the
 * open, the write, the flush or the close on stderr. Returns EXIT_OK or
 * EXIT_IO. */
int cli_emit(const char *path, const char *mode,
	     int (*write)(FILE *f, int to_stdout, void *ctx), void *ctx);

/* Prints "layerwaste: MESSAGE" on stderr as one line, the message
 * escaped as reports escape names (msg.c). Every error and warning of the
 * command line goes through it. */
void cli_msg(const char *fmt, ...) LW_PRINTF(1, 2);
void cli_vmsg(const char *fmt, va_list ap);

struct lw_rules_config;

/* Refuses any output path (--output, the --fix output, the step summary)
 * that is an input (the image, the Dockerfile, the config file, rc's
 * Space README; rc may be NULL) or another output, by device and inode or
 * resolved path (safeout.c). Prints the error and returns EXIT_USAGE, or
 * returns EXIT_OK. */
int cli_check_outputs(const struct cli *c, const struct lw_rules_config *rc);

/* Reports written but not yet in place: a temporary file beside each
 * target, or the text to append. */
struct cli_staged {
	const char *given; /* borrowed: the path as typed, for messages */
	char *path;        /* owned: the target */
	char *tmp;         /* owned: the written temporary file, or NULL
			      when data is to be appended */
	char *data;        /* owned */
	size_t len;
};
struct cli_stage {
	struct cli_staged *v;
	size_t n;
};
/* Writes a report to a temporary file beside path (a device or pipe is
 * written directly) / renders it to memory for appending. Print errors;
 * return EXIT_OK or EXIT_IO. */
int cli_stage_file(struct cli_stage *st, const char *path,
		   int (*write)(FILE *f, int to_stdout, void *ctx), void *ctx);
int cli_stage_append(struct cli_stage *st, const char *path,
		     int (*write)(FILE *f, int to_stdout, void *ctx),
		     void *ctx);
/* Renames every temporary file into place and appends the texts; empties
 * st. Returns EXIT_OK or EXIT_IO (printed). */
int cli_stage_commit(struct cli_stage *st);
/* Removes every temporary file; the targets stay as they were. */
void cli_stage_abort(struct cli_stage *st);

/* "text", "json", "github", ...; -1 for an unknown name. */
int cli_format_from_name(const char *name);
const char *cli_format_name(int format);

/* Fills rc (initialised by the caller) from the config file (--config,
 * --ci-config, else one found in the working directory unless
 * --no-config) and then the flags. Prints the error and returns
 * EXIT_USAGE on a bad file or value, EXIT_OK otherwise. */
int cli_load_rules(const struct cli *c, struct lw_rules_config *rc);

struct lw_space_readme;

/* Reads the Space's README.md the settings name (rc borrowed) into *out
 * (owned; NULL when none is named). Prints the error and returns
 * EXIT_USAGE when it cannot be read or no profile reads it. */
int cli_load_readme(const struct lw_rules_config *rc,
		    struct lw_space_readme **out);

/* Runs the profile the settings name, if any, over an and at (borrowed;
 * at may be NULL); *out is then owned by the caller (NULL when no profile
 * is set). Prints the error and returns its exit status on failure,
 * EXIT_OK otherwise. */
int cli_run_checks(const struct cli *c, const struct lw_analysis *an,
		   const struct lw_attribution *at,
		   const struct lw_rules_config *rc,
		   const struct lw_space_readme *readme,
		   struct lw_checks **out);

/* Gives the profile's checks (borrowed, may be NULL) the severities of
 * the config's `severity:` map (rc borrowed) and counts them into the
 * gate of report. An id of the profile that ran naming none of its
 * checks is an error: prints it and returns EXIT_USAGE, else EXIT_OK. */
int cli_grade_checks(const struct lw_rules_config *rc,
		     struct lw_checks *checks, struct lw_rules_report *report);

/* --fix: writes the diff of the Dockerfile that applies every safe fix
 * to standard output or --output FILE. Prints errors; returns EXIT_OK or
 * EXIT_IO. */
int cli_write_fix(const struct cli *c, const struct lw_attribution *at);

/* Writes the main report and every --output FORMAT=FILE, and, when a
 * github report is written and GITHUB_STEP_SUMMARY is set, appends the
 * Markdown summary to that file. Prints errors; returns EXIT_OK or
 * EXIT_IO. */
int cli_write_outputs(const struct cli *c, const struct lw_result *res);

/* The repository and commit of the Dockerfile (vcs.c), for the SARIF
 * report's versionControlProvenance. */
struct cli_vcs {
	struct lw_provenance p; /* points into the fields below */
	char *repository_uri, *revision_id, *branch;
};
/* Fills *v (release with cli_vcs_release) and returns 0 when
 * LAYERWASTE_VCS=git is set and git knows the Dockerfile's folder as a
 * work tree whose top is the working directory, with a remote "origin"
 * and a HEAD; -1 otherwise, *v empty.
 * dockerfile is borrowed and may be NULL. */
int cli_vcs_find(const char *dockerfile, struct cli_vcs *v);
void cli_vcs_release(struct cli_vcs *v);

#endif
