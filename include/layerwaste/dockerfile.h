/* A Dockerfile parser that reads the file as BuildKit's dockerfile
 * frontend does: parser directives (syntax, escape, check), comments,
 * line continuations, heredocs, exec and shell forms, --flags, ARG/ENV
 * substitution where BuildKit substitutes, and multi-stage builds.
 *
 * Every instruction keeps its exact lines so that a fix can be written as
 * a replacement of those lines. */
#ifndef LAYERWASTE_DOCKERFILE_H
#define LAYERWASTE_DOCKERFILE_H

#include <stddef.h>

#include "layerwaste/error.h"

#define LW_DF_FILE_MAX (4u << 20)   /* bytes of a Dockerfile */
#define LW_DF_LINE_MAX (1u << 20)   /* bytes of one physical line */
#define LW_DF_EXPAND_MAX (1u << 20) /* bytes of one expanded value */

struct lw_df_flag {
	char *name;      /* owned, without the dashes: "chown" */
	char *value;     /* owned; expanded where BuildKit expands it (FROM,
			    COPY and ADD flags), else a copy of raw_value;
			    NULL for a bare --link */
	char *raw_value; /* owned; as written; NULL for a bare flag */
};

struct lw_df_heredoc {
	char *name;  /* owned: the delimiter, quotes removed ("EOF") */
	char *body;  /* owned: the lines between the instruction and the
			delimiter, each with its '\n', as written (leading
			tabs kept even when chomp) */
	int expand;  /* 0 when the delimiter was quoted: <<"EOF", <<'EOF' */
	int chomp;   /* <<-EOF: leading tabs are stripped by the builder */
	int fd;      /* 3<<EOF: the file descriptor, -1 when none */
};

/* One variable in effect: ARGs and ENVs in the order they were set. */
struct lw_df_var {
	char *name;  /* owned */
	char *value; /* owned; NULL for an ARG declared without a value */
	int env;     /* 1: ENV, 0: ARG */
};

struct lw_df_instr {
	char *keyword;      /* owned, upper case: "RUN", "COPY", ... */
	int line, end_line; /* 1-based, inclusive: continuations and heredoc
			       bodies included */
	char *source;       /* owned: lines line..end_line as written,
			       joined by '\n' (no final newline) */
	size_t args_offset; /* byte in source where the arguments (after
			       the keyword and flags) start */
	char *args;         /* owned: the arguments after the flags,
			       continuations joined (escape + newline
			       removed), comment lines dropped, trimmed;
			       variables substituted where BuildKit does
			       (ADD ARG COPY ENV EXPOSE FROM LABEL STOPSIGNAL
			       USER VOLUME WORKDIR), quotes and escapes
			       kept; RUN/CMD/ENTRYPOINT/... stay raw. A name
			       no ARG or ENV of the stage set ($PATH from the
			       base image) stays as written; FROM sees only
			       the global ARGs */
	char *raw_args;     /* owned: the same before substitution */
	struct lw_df_flag *flags; /* owned, in order; repeatable (--mount) */
	size_t nflags;
	int exec_form;      /* RUN/CMD/ENTRYPOINT/SHELL given as a JSON
			       array of strings */
	char **argv;        /* owned; exec form: the array, as written;
			       COPY/ADD: the sources then the destination
			       (JSON array or shell words, quotes removed,
			       expanded); ENV/LABEL: "KEY=VALUE", quotes
			       removed, expanded; ARG: "KEY=VALUE" with the
			       value in effect (build arg, default or global
			       value), "KEY" when it has none; VOLUME: the
			       paths; FROM: the expanded base, then "AS" and
			       the name as written; else NULL */
	size_t argc;
	struct lw_df_heredoc *heredocs; /* owned; RUN/COPY/ADD */
	size_t nheredocs;
	int stage;          /* index into stages; -1 for the global ARGs
			       before the first FROM */
	int from_stage;     /* COPY/ADD --from naming an earlier stage (by
			       name or index): its index; -1 otherwise */
	size_t nvars;       /* variables in effect when the instruction is
			       read: the first nvars of its stage's vars
			       (of global_vars for stage -1) */
	char *workdir;      /* owned: working directory it runs in ("/"
			       unless set; WORKDIR: the new one) */
	char *user;         /* owned: USER in effect (USER: the new one);
			       NULL: the base image's */
};

struct lw_df_stage {
	char *name;         /* owned, lower case; NULL when unnamed */
	char *base;         /* owned: the FROM image after substitution */
	int base_stage;     /* index of the stage it is built on, or -1 */
	size_t first, count; /* its instructions, FROM included */
	struct lw_df_var *vars; /* owned: ARG/ENV values in order set; the
				   ENVs of base_stage come first */
	size_t nvars;
};

struct lw_dockerfile {
	char *path;         /* owned; NULL when parsed from memory */
	char *text;         /* owned: the whole file, NUL-terminated */
	char **lines;       /* owned: physical lines without '\n' (a '\r'
			       before it is kept) */
	size_t nlines;
	char escape;        /* '\\' or '`' */
	char *syntax;       /* owned: the # syntax= directive, or NULL */
	struct lw_df_instr *instrs;
	size_t ninstrs;
	struct lw_df_stage *stages;
	size_t nstages;
	struct lw_df_var *global_vars; /* the predefined platform ARGs, then
					  the global ARGs (value NULL when
					  declared without one) */
	size_t nglobal_vars;
	struct lw_warnings warnings; /* empty continuation lines, unused
					build args, ... */
};

/* Parses text[0..len) (borrowed; need not be NUL-terminated). path
 * (borrowed, may be NULL) names the file in messages and is copied.
 * build_args (borrowed, NULL-terminated "KEY=VALUE" list, may be NULL)
 * override ARG defaults and the predefined TARGETPLATFORM, TARGETOS,
 * TARGETARCH, TARGETVARIANT and BUILD* args. On success *out is owned by
 * the caller (lw_dockerfile_free). Errors are LW_ERR_INPUT with a message
 * "<path or Dockerfile>:LINE: ...": an unknown instruction, an
 * unterminated heredoc or quote, no FROM, a line over LW_DF_LINE_MAX, a
 * file over LW_DF_FILE_MAX, a NUL byte, an instruction other than ARG
 * before the first FROM, a bad directive or stage name. */
int lw_dockerfile_parse(const char *text, size_t len, const char *path,
			const char *const *build_args,
			struct lw_dockerfile **out, struct lw_error *err);

/* Reads path (at most LW_DF_FILE_MAX bytes) and parses it. LW_ERR_IO when
 * it cannot be read. */
int lw_dockerfile_load(const char *path, const char *const *build_args,
		       struct lw_dockerfile **out, struct lw_error *err);

void lw_dockerfile_free(struct lw_dockerfile *df);

/* The value of --name (borrowed from in): NULL when absent, "" for a
 * bare flag. The last one wins when repeated. */
const char *lw_df_flag(const struct lw_df_instr *in, const char *name);

/* The stage `target` names (case-insensitive name, or decimal index);
 * NULL or "" means the last stage. -1 when there is none. */
int lw_df_stage_index(const struct lw_dockerfile *df, const char *target);

/* Fills chain[0..n) with the stages whose instructions end up in the image
 * of `stage`, base first (FROM builder AS final gives builder's index then
 * final's). Returns n, at most max; 0 for a bad index. */
size_t lw_df_stage_chain(const struct lw_dockerfile *df, int stage,
			 int *chain, size_t max);

/* The value of variable name in effect for instruction in (ENV over ARG,
 * latest first), borrowed; NULL when unset or set by no ARG/ENV. */
const char *lw_df_var(const struct lw_dockerfile *df,
		      const struct lw_df_instr *in, const char *name);

/* Reads s (borrowed) as BuildKit reads RUN/CMD/ENTRYPOINT/SHELL/COPY
 * arguments: 1 when it is a JSON array of strings (*argv, owned and
 * NULL-terminated, and *argc are set), 0 when it is not JSON (shell form),
 * -1 for a JSON array holding anything else (an error in BuildKit). */
int lw_df_json_argv(const char *s, char ***argv, size_t *argc);

/* p (borrowed) made absolute against dir (borrowed) and cleaned lexically
 * ("." and ".." resolved), as WORKDIR and relative COPY destinations
 * resolve; a Windows path ("C:\\x") is kept, or joined with '\\' to a
 * Windows dir. Returns an owned string. */
char *lw_df_join_path(const char *dir, const char *p);

/* Resolves stages, variables and the expanded fields (args, argv, flag
 * values, stage, from_stage, nvars, workdir, user) from what the reader
 * kept. lw_dockerfile_parse calls it; calling it again with other build
 * args recomputes them. Errors as for lw_dockerfile_parse. */
int lw_dockerfile_resolve(struct lw_dockerfile *df,
			  const char *const *build_args, struct lw_error *err);

#define LW_DF_KEEP_QUOTES 1  /* keep quotes and escapes (text form) */
#define LW_DF_KEEP_UNKNOWN 2 /* leave $X as written when X has no entry
				at all (it may come from the base image's
				environment); declared-unset ARGs give "" */

/* Substitutes variables in s (borrowed) as BuildKit's shell lexer does:
 * $V, ${V}, ${V:-w}, ${V-w}, ${V:+w}, ${V+w}, ${V:?m}, ${V?m}, ${V#w},
 * ${V##w}, ${V%w}, ${V%%w} (w a glob), ${V/a/b}, ${V//a/b} (literal);
 * escape + char and single-quoted text stay literal. vars[0..nvars) are
 * searched from the end. flags: LW_DF_KEEP_*; without KEEP_QUOTES,
 * quotes and escapes are removed (a BuildKit word). Returns 0 and *out
 * (owned), or LW_ERR_INPUT (unterminated quote, bad substitution, ${V?}
 * unset, result over LW_DF_EXPAND_MAX) with a message without location. */
int lw_df_expand(const char *s, char escape, const struct lw_df_var *vars,
		 size_t nvars, int flags, char **out, struct lw_error *err);

/* Like lw_df_expand without LW_DF_KEEP_QUOTES, then split into words at
 * blanks outside quotes (values of variables are split too, as BuildKit's
 * ProcessWords does). *words (owned, *nwords of them) on success. */
int lw_df_expand_words(const char *s, char escape,
		       const struct lw_df_var *vars, size_t nvars, int flags,
		       char ***words, size_t *nwords, struct lw_error *err);

#endif
