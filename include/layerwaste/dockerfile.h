/* The dockerfile stage: everything that reads what a person or a builder
 * wrote, apart from the image's bytes. The Dockerfile parser and its
 * variable expansion, a small shell splitter for RUN commands, the parser
 * of history `created_by` strings, and the redaction of secret-looking
 * values in them. Inputs are text; nothing here reads an image. */
#ifndef LAYERWASTE_DOCKERFILE_H
#define LAYERWASTE_DOCKERFILE_H

#include <stddef.h>

#include "layerwaste/util.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A Dockerfile parser that reads the file as BuildKit's dockerfile
 * frontend does: parser directives (syntax, escape, check), comments,
 * line continuations, heredocs, exec and shell forms, --flags, ARG/ENV
 * substitution where BuildKit substitutes, and multi-stage builds.
 *
 * Every instruction keeps its exact lines so that a fix can be written as
 * a replacement of those lines. */

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
	/* A suppression on the line just above the instruction:
	 * `# layerwaste ignore=KIND[,KIND] reason="why"`. */
	char *ignore;        /* owned: the KIND list as written ("chown,
				delete"), or NULL */
	char *ignore_reason; /* owned: the reason (quotes removed), or NULL */
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

/* A small POSIX-ish shell splitter for RUN commands: where each simple
 * command of a command line starts and ends, its words, the edit that drops
 * one command from an `&&` chain, and what a chown/chgrp/chmod/touch (or
 * `find ... -exec chown`) command changes.
 *
 * Nothing is evaluated: `$VAR`, `$(...)` and backticks stay in the words as
 * written. Compound commands (if/for/while, `{ ...; }`) are not parsed:
 * their reserved words are ordinary words, so `then chown x` is not seen as
 * a chown. Subshell parentheses are operators and counted in depth. */

/* Longest text lw_sh_split accepts, and most commands it returns. */
#define LW_SH_TEXT_MAX (1u << 20)
#define LW_SH_CMDS_MAX 10000

/* What links a command to its neighbour. */
enum lw_sh_op {
	LW_SH_END = 0,  /* start or end of the text */
	LW_SH_AND,      /* && */
	LW_SH_OR,       /* || */
	LW_SH_SEMI,     /* ; (also ;;) */
	LW_SH_NEWLINE,  /* an unescaped newline */
	LW_SH_PIPE,     /* | or |& */
	LW_SH_BG,       /* & */
	LW_SH_OPEN,     /* ( : the command starts a subshell */
	LW_SH_CLOSE,    /* ) : the command ends one */
};

struct lw_sh_cmd {
	size_t start, end;  /* [start,end): first to last byte of its words
			       and redirections in the text */
	size_t prev_end;    /* end of the token before op_before, or 0 */
	size_t next_start;  /* start of the token after op_after, or the
			       text's length */
	int op_before, op_after; /* enum lw_sh_op */
	int depth;          /* subshell nesting, 0 at top level */
	char **words;       /* owned; quotes removed, escapes applied,
			       redirections (`>f`, `2>&1`) left out */
	size_t nwords;
};

struct lw_sh_script {
	struct lw_sh_cmd *cmds; /* owned, in text order; empty commands are
				   not listed */
	size_t ncmds;
};

/* Splits text[0..len) into simple commands. df_escape is 0 for plain
 * shell text; for text taken from a Dockerfile with its continuations still
 * in it, pass the Dockerfile's escape character ('\\' or '`'): escape +
 * newline is then a continuation too, and blank or comment lines after a
 * continuation are skipped as the Dockerfile parser removes them.
 * Returns 0 and fills *out (release with lw_sh_script_release), or
 * LW_ERR_INPUT for an unterminated quote or substitution, or a text or
 * command count over the caps. */
int lw_sh_split(const char *text, size_t len, char df_escape,
		struct lw_sh_script *out, struct lw_error *err);
void lw_sh_script_release(struct lw_sh_script *s);

/* The text with command `index` removed together with one neighbouring
 * operator (the one after it when there is a next command, else the one
 * before it), everything else byte for byte: "a && X && b" -> "a && b",
 * "X && b" -> "b", "a && X" -> "a", "a \\\n && X \\\n && b" ->
 * "a \\\n && b". A sole top-level command gives "" (the RUN can go).
 * Returns a new string owned by the caller, or NULL when the removal would
 * change what the rest does (a neighbour linked by ||, |, & or a
 * subshell that would become empty). s must come from lw_sh_split on the
 * same text. */
char *lw_sh_remove(const char *text, size_t len, const struct lw_sh_script *s,
		   size_t index);

/* A command that changes owner, mode or times of paths. */
struct lw_sh_perm {
	const char *tool;      /* static: "chown", "chgrp", "chmod", "touch",
				  "find" */
	const char *exec_tool; /* find: the -exec tool ("chown", "chgrp",
				  "chmod"); NULL otherwise */
	int recursive;         /* -R/--recursive; always 1 for find */
	int filtered;          /* find: tests (-name, -type, ...) select only
				  some files */
	char *owner;           /* owned; NULL when not given; "$UID" kept */
	char *group;           /* owned; "" for "user:" (the login group) */
	char *mode;            /* owned; chmod's mode as written */
	char **paths;          /* owned */
	size_t npaths;
};

/* Recognises words (borrowed, e.g. one lw_sh_cmd's) as chown [-R|-h|-v|
 * --from=..] OWNER[:GROUP] PATH..., chgrp GROUP PATH..., chmod [-R] MODE
 * PATH... (octal or symbolic), touch [opts] PATH..., or find PATH... with
 * -exec chown/chgrp/chmod. Leading VAR=value assignments, sudo, busybox,
 * command and exec are skipped; the tool may be given by path. Returns 0
 * and fills *out (release with lw_sh_perm_release), or -1 when the
 * command is none of these or cannot be read (--reference, no path). */
int lw_sh_perm_parse(char *const *words, size_t nwords,
		     struct lw_sh_perm *out);
void lw_sh_perm_release(struct lw_sh_perm *p);

/* Reading an image config's history `created_by` strings back into the
 * instruction that wrote them, whichever builder did:
 *
 *   classic docker  /bin/sh -c #(nop)  CMD ["sh"]
 *                   /bin/sh -c #(nop) COPY --chown=1:1dir:<hex> in /app
 *                   |2 A=1 B=2 /bin/sh -c make install
 *   buildah/podman  /bin/sh -c #(nop) COPY file:<hex> in /x   (as classic)
 *                   /bin/sh -c ["/bin/busybox", "--install"]  (exec RUN)
 *   BuildKit        RUN |1 TOKEN=x /bin/sh -c make # buildkit
 *                   COPY --chown=1000:1000 . /app # buildkit, WORKDIR /app
 *   kaniko          RUN chmod 444 /x, ADD README.md /somefile.txt
 */

/* Longest created_by read; longer ones are not parsed (-1). */
#define LW_HIST_TEXT_MAX (1u << 20)

/* Which writer's form the string has. Classic docker and buildah write
 * the same form and cannot be told apart. */
enum lw_hist_form {
	LW_HIST_UNKNOWN = 0,
	LW_HIST_CLASSIC,  /* "<shell> -c [#(nop) ]..." or a bare exec RUN */
	LW_HIST_BUILDKIT, /* "KEYWORD ..." with "# buildkit" or the comment */
	LW_HIST_PLAIN,    /* "KEYWORD ..." as written in the Dockerfile
			     (kaniko; BuildKit entries that make no layer
			     when no comment was passed) */
};

struct lw_hist_arg {
	char *name;  /* owned */
	char *value; /* owned; NULL for a bare flag (--link) */
};

struct lw_hist_instr {
	char *keyword;  /* owned, upper case: "RUN", "COPY", "ADD",
			   "WORKDIR", "ENV", "USER", "CMD", ...; "RUN" for
			   a bare shell command; NULL if unknown */
	char *args;     /* owned: the text after the keyword. RUN: the
			   command as the shell gets it (same as command);
			   COPY/ADD: as written, flags included
			   ("--chown=1:1 . /app", "dir:<hex> in /app") */
	char *command;  /* owned, RUN only: the command without build args,
			   shell prefix or RUN flags; NULL otherwise */
	char *shell;    /* owned, RUN only: the shell prefix as written
			   ("/bin/sh -c", "/bin/bash -o pipefail -c");
			   NULL for exec form and kaniko's plain text */
	int exec_form;  /* RUN in exec form: BuildKit/classic give the
			   argv joined by spaces, buildah/kaniko the JSON
			   array text */
	struct lw_hist_arg *build_args; /* from "|N K=V ..." prefixes */
	size_t nbuild_args;
	struct lw_hist_arg *flags;      /* COPY/ADD/RUN --name[=value],
					   name without the dashes */
	size_t nflags;
	int form;       /* enum lw_hist_form */
	int buildkit;   /* "# buildkit" suffix seen, or the comment
			   "buildkit.dockerfile.v0" was passed */
	int nop;        /* classic "#(nop)": metadata or COPY/ADD */
	char *copy_src_kind; /* owned: "dir", "file" or "multi" from classic
				"COPY dir:<hex> in /dst"; NULL otherwise */
	char *copy_src_hash; /* owned: its hex digest */
	char *dest;     /* owned: COPY/ADD destination when known */
};

/* Parses created_by (borrowed; NULL or "" is unknown) with the history
 * entry's comment (borrowed, may be NULL) into *out, which the caller
 * releases with lw_hist_instr_release whatever is returned. Returns 0, or
 * -1 when the string is empty, over LW_HIST_TEXT_MAX or in no known form
 * (out->keyword NULL). */
int lw_history_parse(const char *created_by, const char *comment,
		     struct lw_hist_instr *out);
void lw_hist_instr_release(struct lw_hist_instr *h);

/* The value of flag `name` (without dashes): NULL when absent, "" for a
 * bare flag. Borrowed from h. */
const char *lw_hist_flag(const struct lw_hist_instr *h, const char *name);

/* Normalises shell text for comparison: continuations removed, runs of
 * blanks collapsed, trimmed. Returns an owned string. */
char *lw_sh_squash(const char *s);

/* ---- Secrets in history text (redact.c). ---- */

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

/* Appends a short form of a history created_by to out (raw, not escaped):
 * the shell prefix, "#(nop)", build-arg prefix (classic and BuildKit) and
 * "# buildkit" removed, secret-looking values hidden (lw_redact_history),
 * whitespace collapsed. NULL gives "". */
void lw_history_short(const char *created_by, struct lw_strbuf *out);

#ifdef __cplusplus
}
#endif

#endif
