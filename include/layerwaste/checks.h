/* Profiles: named sets of extra checks on an image, beyond its waste.
 *
 * `--profile spaces` checks an image against the rules of Hugging Face
 * Docker Spaces (docs/spaces.md): the run-time user, who may write the app
 * directory, recursive chown copies, files under /data, secrets left in
 * the image, and the port the Space's README names. Each check gives one
 * result (pass, fail or skip, with a severity), worded as the platform's
 * documentation words it, with the places that break it (a Dockerfile
 * line when the attribution knows it) and the exact text that fixes them.
 *
 * Results are data: the core never prints them, the renderers do. No
 * result ever holds the value of a secret: names, paths and layers only. */
#ifndef LAYERWASTE_CHECKS_H
#define LAYERWASTE_CHECKS_H

#include <stddef.h>
#include <stdint.h>

#include "layerwaste/util.h"
#include "layerwaste/index.h"
#include "layerwaste/judge.h"

#ifdef __cplusplus
extern "C" {
#endif

struct lw_analysis;
struct lw_attribution;
struct lw_image;

enum lw_check_severity {
	LW_SEV_ERROR = 0, /* a failure fails the run (exit status 1) */
	LW_SEV_WARNING,
	LW_SEV_NOTE,
};

enum lw_check_status {
	LW_CHECK_PASS = 0,
	LW_CHECK_FAIL,
	LW_CHECK_SKIP, /* could not be judged; the message says why */
};

/* "error", "warning", "note". */
const char *lw_check_severity_name(int severity);
/* "pass", "fail", "skip". */
const char *lw_check_status_name(int status);

/* One place that breaks a check: a user, a set of paths, a build arg. */
struct lw_check_item {
	char *subject;   /* owned: what, for people ("/app: 3 entries owned
			    by root", "build arg HF_TOKEN"); never a secret */
	char *detail;    /* owned sentence, may be NULL */
	int layer;       /* the image layer it is in, or -1 */
	char *file;      /* owned: Dockerfile or README path as given, or
			    NULL when the line is not known */
	int line, end_line; /* 1-based; 0 when file is NULL */
	char *fix;       /* owned: the exact Dockerfile (or README) text that
			    replaces those lines, or is added there; NULL
			    when no exact text can be derived */
};

struct lw_check {
	const char *id;      /* static: "spaces/run-as-uid-1000" */
	const char *title;   /* static: the rule in the platform's words */
	const char *docs;    /* static: the platform's advice, quoted */
	const char *category; /* static: "security", "permissions",
				 "image-size", "configuration" */
	int severity;        /* enum lw_check_severity */
	int status;          /* enum lw_check_status */
	char *message;       /* owned: what this image does; for a skip, why
				it could not be judged */
	struct lw_check_item *items; /* owned: the places (failures only) */
	size_t nitems;
	size_t nmore;        /* places found beyond the items kept */
};

struct lw_checks {
	int profile;           /* enum lw_profile */
	struct lw_check *checks; /* owned, in the profile's order */
	size_t n;
	size_t npassed, nfailed, nskipped;
	size_t nerrors;        /* failed checks of severity error */
};

/* A Space's README.md: its leading YAML block, read with libyaml. */
struct lw_space_readme {
	char *path;     /* owned, as given */
	int has_block;  /* the file starts with a "---" YAML block */
	char *problem;  /* owned: why the block could not be read, or NULL */
	char *sdk;      /* owned: `sdk`, or NULL when absent */
	int sdk_line;
	long app_port;  /* `app_port`, 7860 when absent; -1 when invalid */
	int app_port_set;
	int app_port_line; /* 0 when absent */
};

/* Larger README files are refused. */
#define LW_README_MAX_BYTES (1u << 20)

/* Reads the README at path (borrowed). A file that cannot be read is an
 * error (LW_ERR_USAGE, "cannot read ..."); a missing or broken YAML block
 * is not (has_block, problem): the port check reports it. On success *out
 * is owned by the caller. */
int lw_space_readme_load(const char *path, struct lw_space_readme **out,
			 struct lw_error *err);
/* The same from memory (text borrowed, len bytes), named name. */
int lw_space_readme_parse(const char *text, size_t len, const char *name,
			  struct lw_space_readme **out, struct lw_error *err);
void lw_space_readme_free(struct lw_space_readme *r);

struct lw_checks_opts {
	int profile;                           /* enum lw_profile */
	const struct lw_space_readme *readme;  /* borrowed, or NULL */
	const char *target;                    /* --target stage, or NULL */
	const char *const *build_args;         /* "K=V", NULL-terminated */
	const struct lw_attribution *attribution; /* borrowed, or NULL */
};

/* Runs the profile's checks over an analysis (borrowed; its image, and
 * the attribution when given, give the Dockerfile lines; the
 * Dockerfile is read again, by the path the attribution names, only when
 * it was aligned). On success *out is owned by the caller. Errors: a
 * Dockerfile that can no longer be read or parsed (LW_ERR_IO,
 * LW_ERR_INPUT), an unreadable layer (LW_ERR_INPUT). */
int lw_checks_run(const struct lw_analysis *an, const struct lw_checks_opts *o,
		  struct lw_checks **out, struct lw_error *err);
void lw_checks_free(struct lw_checks *c);

/* 1 when a check of severity error failed: the run then fails. */
int lw_checks_failed(const struct lw_checks *c);

#ifdef __cplusplus
}
#endif

#endif
