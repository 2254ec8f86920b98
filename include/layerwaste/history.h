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
#ifndef LAYERWASTE_HISTORY_H
#define LAYERWASTE_HISTORY_H

#include <stddef.h>

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

#endif
