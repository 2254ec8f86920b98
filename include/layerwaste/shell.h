/* A small POSIX-ish shell splitter for RUN commands: where each simple
 * command of a command line starts and ends, its words, the edit that drops
 * one command from an `&&` chain, and what a chown/chgrp/chmod/touch (or
 * `find ... -exec chown`) command changes.
 *
 * Nothing is evaluated: `$VAR`, `$(...)` and backticks stay in the words as
 * written. Compound commands (if/for/while, `{ ...; }`) are not parsed:
 * their reserved words are ordinary words, so `then chown x` is not seen as
 * a chown. Subshell parentheses are operators and counted in depth. */
#ifndef LAYERWASTE_SHELL_H
#define LAYERWASTE_SHELL_H

#include <stddef.h>

#include "layerwaste/error.h"

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

#endif
