/* The profile checks' shared state: what the image config, the Dockerfile
 * and /etc/passwd say, and helpers that build results. Private to the
 * core's checks*.c and spaces*.c. */
#ifndef LAYERWASTE_CHECKS_PRIV_H
#define LAYERWASTE_CHECKS_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "layerwaste/engine.h"
#include "layerwaste/attrib.h"
#include "layerwaste/checks.h"
#include "layerwaste/dockerfile.h"

/* Places kept per check; the rest are only counted (nmore). */
#define LW_CHK_ITEMS_MAX 20
/* Example paths named in one item. */
#define LW_CHK_PATHS 3
/* Small files read back from the image (/etc/passwd, a .npmrc). */
#define LW_CHK_FILE_MAX (64u * 1024)

/* One check as the profile defines it. */
struct lw_chk_def {
	const char *id, *title, *docs, *category;
	int severity;
};

/* The run-time user, as far as the image tells. */
struct lw_chk_user {
	char *spec;     /* owned: config User as written ("" when unset) */
	char *name;     /* owned: its user part */
	int known;      /* uid resolved */
	long uid, gid;  /* gid -1 when unknown */
	char *home;     /* owned: from /etc/passwd, or NULL */
	int passwd_layer; /* the layer whose /etc/passwd is visible, or -1 */
};

struct lw_chk_ctx {
	const struct lw_analysis *an;
	const struct lw_image *img;
	const struct lw_attribution *at; /* may be NULL */
	const struct lw_checks_opts *o;
	struct lw_checks *out;
	/* The Dockerfile, when the attribution aligned it: the instructions
	 * of the built stage and those it is built FROM, FROMs left out. */
	struct lw_dockerfile *df;
	const struct lw_df_instr **instrs;
	size_t ninstrs;
	const struct lw_df_instr *from; /* the built stage's FROM */
	/* The image config. */
	char *user;       /* owned: Config.User, or NULL */
	char *workdir;    /* owned: Config.WorkingDir, or NULL */
	char **env;       /* owned "K=V" */
	size_t nenv;
	char **ports;     /* owned ExposedPorts keys: "7860/tcp" */
	size_t nports;
	/* /etc/passwd as the final image has it. */
	struct lw_file_bytes passwd;
	struct lw_chk_user run;
};

/* A new result for def, passing until an item is added. */
struct lw_check *lw_chk_begin(struct lw_chk_ctx *x,
			      const struct lw_chk_def *def);
/* A new place of a failure of k (which fails), or NULL once
 * LW_CHK_ITEMS_MAX are kept (then only counted). */
struct lw_check_item *lw_chk_item(struct lw_check *k);
/* Sets the item's place to the Dockerfile lines of layer li, when the
 * attribution knows them. */
void lw_chk_at_layer(struct lw_chk_ctx *x, struct lw_check_item *it,
		     int li);
/* Sets the item's place to a Dockerfile instruction (from x->df). */
void lw_chk_at_instr(struct lw_chk_ctx *x, struct lw_check_item *it,
		     const struct lw_df_instr *in);
/* Replaces *dst with a formatted string (owned). */
void lw_chk_setf(char **dst, const char *fmt, ...)
	LW_PRINTF(2, 3);

/* The value of name in the config's Env, borrowed, or NULL. */
const char *lw_chk_env(const struct lw_chk_ctx *x, const char *name);
/* The last instruction with this keyword in the built stages, or NULL. */
const struct lw_df_instr *lw_chk_last(const struct lw_chk_ctx *x,
				      const char *keyword);
/* The instruction text of layer li as written in the Dockerfile (borrowed
 * from the attribution), or NULL when not aligned. */
const char *lw_chk_layer_text(const struct lw_chk_ctx *x, int li);
/* The keyword of layer li's instruction ("COPY"), or "". */
const char *lw_chk_layer_keyword(const struct lw_chk_ctx *x, int li);
/* layer li comes from the base image. */
int lw_chk_layer_is_base(const struct lw_chk_ctx *x, int li);
/* "Dockerfile:12 (COPY app/ /app/)" or "layer 3 (COPY ...)", for
 * messages (owned). */
char *lw_chk_layer_ref(const struct lw_chk_ctx *x, int li);
/* The subject of a sentence about layer li, its place being shown
 * beside it: "This COPY" when the Dockerfile line is known, else "Layer 3
 * (RUN)" (owned). */
char *lw_chk_layer_this(const struct lw_chk_ctx *x, int li);
/* The instruction text with --chown=user put after COPY/ADD (replacing
 * any --chown), or NULL when it is no COPY/ADD. Owned. */
char *lw_chk_with_chown(const char *text, const char *user);

/* Looks a user up in /etc/passwd text (name, or a uid when numeric):
 * returns 1 and fills uid, gid and home (owned) when found. */
int lw_chk_passwd_find(const char *passwd, const char *who, long *uid,
		       long *gid, char **home);

/* One check of a profile: adds its result to x->out (lw_chk_begin).
 * Returns LW_OK, or a negative code with err set when the image cannot
 * be read; a check that cannot judge records a skip instead. */
typedef int (*lw_chk_fn)(struct lw_chk_ctx *x, struct lw_error *err);

/* A profile: its checks, run in this order. The runner (checks.c) walks
 * the table and names no profile's functions. */
struct lw_chk_profile {
	int profile; /* enum lw_profile */
	const lw_chk_fn *checks;
	size_t n;
};

/* The profiles, one per enum lw_profile but LW_PROFILE_NONE. */
extern const struct lw_chk_profile lw_spaces_profile;

/* The checks of the spaces profile (spaces*.c). */
int lw_spaces_user(struct lw_chk_ctx *x, struct lw_error *err);
int lw_spaces_writable(struct lw_chk_ctx *x, struct lw_error *err);
int lw_spaces_chown(struct lw_chk_ctx *x, struct lw_error *err);
int lw_spaces_data(struct lw_chk_ctx *x, struct lw_error *err);
int lw_spaces_secret_args(struct lw_chk_ctx *x, struct lw_error *err);
int lw_spaces_secret_env(struct lw_chk_ctx *x, struct lw_error *err);
int lw_spaces_secret_files(struct lw_chk_ctx *x, struct lw_error *err);
int lw_spaces_port(struct lw_chk_ctx *x, struct lw_error *err);
int lw_spaces_gpu(struct lw_chk_ctx *x, struct lw_error *err);

#endif
