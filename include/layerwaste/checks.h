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

#include "layerwaste/error.h"
#include "layerwaste/index.h"

struct lw_analysis;
struct lw_image;

enum lw_profile {
	LW_PROFILE_NONE = 0,
	LW_PROFILE_SPACES, /* Hugging Face Docker Spaces */
	LW_PROFILE_COUNT
};

/* "spaces"; NULL for LW_PROFILE_NONE or out of range. */
const char *lw_profile_name(int profile);
/* The profile for a name, or -1. */
int lw_profile_from_name(const char *name);

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
};

/* Runs the profile's checks over an analysis (borrowed; its image, and
 * its attribution when attached, give the Dockerfile lines; the
 * Dockerfile is read again, by the path the attribution names, only when
 * it was aligned). On success *out is owned by the caller. Errors: a
 * Dockerfile that can no longer be read or parsed (LW_ERR_IO,
 * LW_ERR_INPUT), an unreadable layer (LW_ERR_INPUT). */
int lw_checks_run(const struct lw_analysis *an, const struct lw_checks_opts *o,
		  struct lw_checks **out, struct lw_error *err);
void lw_checks_free(struct lw_checks *c);

/* 1 when a check of severity error failed: the run then fails. */
int lw_checks_failed(const struct lw_checks *c);

/* 1 when an environment or build-arg name looks like it holds a secret:
 * one of its parts (split at '_', '-', '.') is TOKEN, SECRET, KEY,
 * PASSWORD, PASSWD, CREDENTIAL or PRIVATE (or their plurals), case
 * ignored, and none is GPG or PUBLIC (public key fingerprints). So
 * HF_TOKEN, api_key and AWS_SECRET_ACCESS_KEY do; TOKENIZERS_PARALLELISM
 * and GPG_KEY do not. */
int lw_secret_name(const char *name);

/* A copy of a history created_by (borrowed) with the value of every build
 * arg ("|N K=V ..." prefixes) and ENV/ARG value whose name looks like a
 * secret replaced by "***". Owned; NULL for NULL. Every renderer shows
 * history through this. */
char *lw_redact_history(const char *created_by);

/* Reading files back out of an image. */

/* Where a path's bytes come from. */
enum lw_file_state {
	LW_FILE_ABSENT = 0,  /* nothing visible at the path */
	LW_FILE_READ,        /* data holds the bytes */
	LW_FILE_NOT_REGULAR, /* a directory, device, ... */
	LW_FILE_STREAMED,    /* the layer came as a stream: no bytes left */
	LW_FILE_TOO_BIG,     /* larger than the cap asked for */
};

struct lw_file_bytes {
	int state;       /* enum lw_file_state */
	char *data;      /* owned, NUL-terminated (LW_FILE_READ only) */
	size_t len;
	int layer;       /* the layer whose entry is visible, or -1 */
	const struct lw_entry *entry; /* borrowed from the image, or NULL */
};

void lw_file_bytes_release(struct lw_file_bytes *fb);

/* Calls fn(ctx, layer, entry) for every entry visible in the final image
 * at root (normalised, not "") or under it, in tree order (lw_path_cmp),
 * whiteouts and opaque directories of upper layers honoured. img and the
 * entries are borrowed. */
void lw_image_visible_under(const struct lw_image *img, const char *root,
			    void (*fn)(void *ctx, uint32_t layer,
				       const struct lw_entry *e),
			    void *ctx);

/* Reads the file visible at path (normalised; symlinks followed, at most
 * 8) into out, at most max bytes (LW_FILE_TOO_BIG beyond). Bytes come
 * from the mapped layer, or by reading a compressed layer blob again;
 * layers that came as a stream give LW_FILE_STREAMED. Returns LW_OK, or
 * LW_ERR_INPUT when the layer cannot be read again. */
int lw_image_read_file(const struct lw_image *img, const char *path,
		       size_t max, struct lw_file_bytes *out,
		       struct lw_error *err);

/* The same for n entries of one layer (regular files or hard links,
 * visible or not, borrowed from its index) into outs[0..n), in one pass
 * over a compressed layer. */
int lw_image_read_entries(const struct lw_image *img, uint32_t layer,
			  const struct lw_entry *const *es, size_t n,
			  size_t max, struct lw_file_bytes *outs,
			  struct lw_error *err);

#endif
