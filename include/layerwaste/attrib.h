/* Attribution: which Dockerfile instruction made each layer, which pair of
 * instructions caused each group of findings, and the edit that removes
 * the waste.
 *
 * Built from the image's history (always) and a Dockerfile (when given).
 * Where the Dockerfile cannot be aligned with confidence, layers keep only
 * their history text: a wrong line is never attached silently. */
#ifndef LAYERWASTE_ATTRIB_H
#define LAYERWASTE_ATTRIB_H

#include <stddef.h>
#include <stdint.h>

#include "layerwaste/util.h"

#ifdef __cplusplus
extern "C" {
#endif

struct lw_analysis;

/* The instruction that made a layer, as far as it is known. */
struct lw_layer_attr {
	char *keyword;  /* "RUN", "COPY", "ADD", ... from history or the
			   Dockerfile; NULL when unknown */
	char *args;     /* the instruction's arguments, history form */
	int base;       /* 1: the layer comes from the base image */
	char *base_ref; /* the final stage's FROM reference, for base layers */
	/* Dockerfile location, when aligned; file NULL otherwise. */
	const char *file; /* borrowed from lw_attribution.dockerfile */
	int line, end_line; /* 1-based */
	char *text;     /* the instruction as written (continuations joined) */
	char *stage;    /* the stage's name or index, "0", "builder" */
};

enum lw_fix_kind {
	LW_FIX_COPY_CHOWN = 0, /* COPY --chown and drop the chown */
	LW_FIX_COPY_CHMOD,     /* COPY --chmod and drop the chmod */
	LW_FIX_SAME_RUN,       /* change owner/mode/mtime in the RUN that
				  makes the files, or run it as the USER */
	LW_FIX_CLEANUP,        /* delete in the RUN that creates, or use a
				  multi-stage build */
	LW_FIX_REORDER,        /* overwrites: merge or reorder the steps */
	LW_FIX_COUNT
};

/* "copy-chown", "copy-chmod", "same-run", "cleanup", "reorder". */
const char *lw_fix_kind_name(int kind);

/* One change to the Dockerfile: lines [line, end_line] become text. */
struct lw_fix_edit {
	int line, end_line;
	char *text; /* owned: the new lines, '\n'-joined, no final newline;
		       NULL deletes the lines */
};

struct lw_suggestion {
	char *id;        /* stable: kind + layers, e.g. "copy-chown-3-2" */
	int kind;        /* enum lw_fix_kind */
	char *title;     /* one line, for people */
	char *detail;    /* why and what, may be NULL */
	int safe;        /* 1: --fix applies it; 0: advice only */
	const char *file; /* borrowed; NULL when there is no Dockerfile */
	int line, end_line; /* the first and last line it touches */
	char *before;    /* exact Dockerfile text it replaces (may be NULL) */
	char *after;     /* exact replacement text (may be NULL) */
	uint64_t saves_bytes;
	uint64_t saves_compressed_bytes; /* estimate */
	uint32_t *finding_layers; /* layers whose findings it removes */
	size_t nfinding_layers;
	struct lw_fix_edit *edits; /* what --fix applies, in line order */
	size_t nedits;
};

/* Why a cause is reported but not judged: a suppression. */
enum lw_suppress_by {
	LW_SUPPRESS_NONE = 0,
	LW_SUPPRESS_DOCKERFILE, /* `# layerwaste ignore=KIND` above one of
				   its instructions (SARIF: inSource) */
	LW_SUPPRESS_CONFIG,     /* an `ignore:` entry of the config file
				   (SARIF: external) */
};

/* "dockerfile", "config"; NULL for LW_SUPPRESS_NONE. */
const char *lw_suppress_by_name(int by);

/* One `ignore:` entry of the config: it suppresses a cause when every
 * field it gives matches. Owned by whoever read the config (judge.h). */
struct lw_suppress_rule {
	char *kind;        /* a finding kind ("chown+chmod" or "chown-chmod"),
			      or NULL */
	char *path;        /* a glob every path of the cause matches (on
			      "/path", fnmatch with '*' matching '/'; a
			      directory covers what is under it), or NULL */
	int line;          /* a line of the Dockerfile instruction that made
			      the cause's layer or the files it hides; 0: any */
	char *instruction; /* text found in one of those two instructions
			      (as written, else their history form), or
			      NULL */
	char *fingerprint; /* the cause's fingerprint, or NULL */
	char *reason;      /* why; never NULL */
	char *expires;     /* "YYYY-MM-DD", or NULL */
	int expired;       /* the date has passed: it suppresses nothing */
	int src_line;      /* its line in the config file */
};

/* Per group of findings (lw_analysis.groups, same order). */
struct lw_cause {
	size_t group;          /* index into lw_analysis.groups */
	int suggestion;        /* index into suggestions, or -1 */
	int base;              /* 1: the hidden files lie in a layer of the
				  base image (the group's from_layer) */
	int inherited;         /* 1: the layer the bytes are charged to
				  (docs/definitions.md) is a base layer: an
				  overwrite or delete of base files, or any
				  waste made inside the base. Not the
				  Dockerfile's to fix; rules skip it unless
				  told to judge the base */
	int suppressed;        /* enum lw_suppress_by */
	char *suppress_reason; /* owned: the suppression's reason, or NULL */
	int suppress_rule;     /* LW_SUPPRESS_CONFIG: the index of the entry
				  in lw_attrib_opts.suppress; else -1 */
	int category;          /* enum lw_cause_category */
	int inherent;          /* LW_CAUSE_PACKAGE_DB: 1 when it is the
				  build's first rewrite of package state the
				  base image brought (docs/definitions.md:
				  inherent); 0 for churn */
	int churn;             /* LW_CAUSE_PACKAGE_DB, neither inherent nor
				  inherited: a later rewrite of package
				  state the build itself wrote */
};

/* What a cause's files are. */
enum lw_cause_category {
	LW_CAUSE_FILES = 0,    /* anything else */
	LW_CAUSE_PACKAGE_DB,   /* every file is package-manager state
				  (analyzer/attrib/pkgdb.c) */
};

/* "package-db"; NULL for LW_CAUSE_FILES. */
const char *lw_cause_category_name(int category);

/* The package-db causes as the one cause every output shows for them
 * (docs/definitions.md, "Package-manager churn"), read from the causes'
 * fields (analyzer/attrib/pkgdb.c): no path is matched again. */
struct lw_pkgdb_chain {
	size_t *groups;     /* owned: the members (package-db, inherent or
			       churn, not suppressed), in report order */
	size_t ngroups;
	uint32_t *steps;    /* owned: the install steps' layers (each
			       member's layer, a churn member's from_layer),
			       ascending */
	uint64_t *step_churn, *step_inherent; /* owned, per step: bytes of
			       the members whose rewriting layer it is */
	size_t nsteps;
	uint64_t churn_bytes, inherent_bytes;
	int suggestion;     /* the merge (index into suggestions), or -1 */
	uint32_t *files;    /* owned: the first finding of each of the
			       members' paths, in report order */
	uint64_t *file_bytes; /* owned, per path: its bytes over the members */
	size_t nfiles;
};

struct lw_attribution;
/* Fills *c (zeroed first) from an and at (borrowed, at may be NULL).
 * Returns 1 when the members are shown as one cause: there is churn with
 * its merge suggestion; else 0, *c empty. Release either way. */
int lw_pkgdb_chain(const struct lw_analysis *an,
		   const struct lw_attribution *at, struct lw_pkgdb_chain *c);
void lw_pkgdb_chain_release(struct lw_pkgdb_chain *c);
/* 1 when group gi is one of c's members. */
int lw_pkgdb_chain_has(const struct lw_pkgdb_chain *c, size_t gi);

struct lw_attribution {
	char *dockerfile;        /* path as given, or NULL */
	int aligned;             /* the Dockerfile was aligned with history */
	char *alignment_note;    /* why it was not, or a caution; may be NULL */
	struct lw_layer_attr *layers; /* one per image layer */
	size_t nlayers;
	struct lw_cause *causes; /* one per analysis group */
	size_t ncauses;
	struct lw_suggestion *suggestions; /* sorted: saves_bytes desc */
	size_t nsuggestions;
	int base_known;          /* which layers are the base image's is
				    known (enum lw_base_from), 0 if not */
	char **df_lines;         /* the Dockerfile's lines, for diffs */
	size_t ndf_lines;
	struct lw_warnings warnings;
};

/* How the base image's layers were told apart. */
enum lw_base_from {
	LW_BASE_UNKNOWN = 0,
	LW_BASE_DOCKERFILE, /* alignment: history before the target stage's
			       own instructions */
	LW_BASE_IMAGE,      /* --base: the base image's layers, matched by
			       diff_id with the image's first layers */
};

struct lw_attrib_opts {
	const char *dockerfile; /* path, or NULL */
	/* The base image as the user named it (--base), or NULL; when set,
	 * the first base_layers layers are the base image's, whatever the
	 * alignment says. */
	const char *base_ref;
	size_t base_layers;
	/* The config's ignore entries (borrowed; expired ones are skipped). */
	const struct lw_suppress_rule *suppress;
	size_t nsuppress;
	const char *target;     /* --target stage, or NULL: the last */
	const char *const *build_args; /* "KEY=VALUE", NULL-terminated */
};

/* Attributes an analysis. On success *out is owned by the caller. A
 * Dockerfile that cannot be read or parsed is an error (LW_ERR_INPUT or
 * LW_ERR_IO); one that does not align is not (see aligned). */
int lw_attribute(const struct lw_analysis *an, const struct lw_attrib_opts *o,
		 struct lw_attribution **out, struct lw_error *err);
void lw_attribution_free(struct lw_attribution *at);

/* Fingerprints, one per group of an (borrowed): an owned array of owned
 * strings of 16 hex digits (free with lw_cause_fingerprints_free), a hash
 * of the kind, the short history text of the group's two layers (content
 * hashes of "COPY file:<hex>" dropped) and its paths; no layer number and
 * no line number, so they survive edits that move lines or insert layers.
 * Repeats get "-2", "-3" so that each is unique. */
char **lw_cause_fingerprints(const struct lw_analysis *an);
/* The history text the fingerprints hash, appended to sb: the short form
 * (lw_history_short, secrets hidden) with the content hashes of classic
 * "COPY file:<hex> in /x" dropped. created_by may be NULL (""). */
void lw_history_stable(const char *created_by, struct lw_strbuf *sb);
void lw_cause_fingerprints_free(char **fp, size_t n);

/* Renders the safe suggestions as a unified diff of the Dockerfile into a
 * newly allocated string (owned by the caller), "" when nothing applies.
 * A suggestion whose causes are all suppressed is left out. */
char *lw_attribution_diff(const struct lw_attribution *at);

#ifdef __cplusplus
}
#endif

#endif
