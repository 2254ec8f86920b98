/* The engine stage: the waste engine and its result.
 *
 * lw_analyze() walks the layers of an image in order, keeps the visible
 * state, and records a finding for every regular file (or hard link) that
 * a later layer makes unreachable (see docs/definitions.md). The result is
 * immutable: renderers only read it. */
#ifndef LAYERWASTE_ENGINE_H
#define LAYERWASTE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "layerwaste/util.h"
#include "layerwaste/read.h"

#ifdef __cplusplus
extern "C" {
#endif

enum lw_kind {
	LW_KIND_CHOWN = 0,  /* same content, owner changed */
	LW_KIND_CHMOD,      /* same content, mode bits changed */
	LW_KIND_CHOWN_CHMOD,
	LW_KIND_TOUCH,      /* same content, owner and mode: mtime, xattrs */
	LW_KIND_OVERWRITE,  /* replaced by a file with other content */
	LW_KIND_DELETE,     /* hidden by a whiteout or an opaque directory,
			       or replaced by a non-file (dir, symlink) */
	LW_KIND_COUNT
};

/* "chown", "chmod", "chown+chmod", "touch", "overwrite", "delete". */
const char *lw_kind_name(int kind);
/* Returns the kind for a name, or -1. */
int lw_kind_from_name(const char *name);
/* Same content kept: chown, chmod, chown+chmod, touch. */
int lw_kind_is_metadata(int kind);

struct lw_meta {
	uint32_t uid, gid, mode; /* mode: 07777 bits */
};

struct lw_finding {
	const char *path; /* normalised; owned by the analysis */
	uint64_t bytes;   /* size of the hidden lower file */
	uint32_t layer;      /* the layer that hides it */
	uint32_t from_layer; /* the layer whose file is hidden */
	uint8_t kind;        /* enum lw_kind */
	uint8_t has_after;   /* 0 for delete */
	uint8_t after_type;  /* enum lw_entry_type of what replaced it */
	uint8_t hardlink;    /* 1: the hidden entry is a hard link (0 bytes) */
	struct lw_meta before, after;
};

/* Findings of one kind that one layer made in files of one lower layer. */
struct lw_group {
	uint32_t layer, from_layer;
	uint8_t kind;
	uint64_t bytes;
	uint64_t files; /* findings, hard links included */
	uint64_t links; /* of them, hidden hard links (0 bytes each) */
	size_t first; /* range in lw_analysis.findings */
	size_t count;
};

struct lw_dup_member {
	const char *path; /* owned by the analysis */
	uint32_t layer;
};

/* Identical content under several visible paths: informational. */
struct lw_dup_group {
	uint64_t size;           /* of one copy */
	uint64_t bytes;          /* size * (count - 1) */
	struct lw_dup_member *members; /* owned, sorted by path */
	size_t count;
};

struct lw_layer_result {
	uint64_t wasted_bytes; /* metadata copies made by this layer, and its
				  bytes a later layer overwrote or deleted */
	uint64_t findings;     /* findings counted in wasted_bytes */
};

/* The figures dive computes, by dive's own rules, for comparison. */
struct lw_dive {
	double efficiency;
	uint64_t wasted_bytes;
	double user_wasted_percent; /* a ratio in 0..1, as dive's JSON */
	uint64_t size_bytes;
	uint64_t user_size_bytes;
};

struct lw_analysis {
	const struct lw_image *image; /* borrowed: must outlive the analysis */
	uint64_t total_bytes;   /* all regular-file entries of all layers */
	uint64_t visible_bytes; /* stored sizes of the final image's entries */
	uint64_t wasted_bytes;  /* sum of findings' bytes */
	uint64_t file_count;    /* regular files (and hard links) visible */
	uint64_t by_kind[LW_KIND_COUNT];
	uint64_t files_by_kind[LW_KIND_COUNT];
	uint64_t duplicate_bytes;
	struct lw_finding *findings; /* sorted: layer, from_layer, kind,
					 path (bytewise) */
	size_t nfindings;
	struct lw_group *groups; /* sorted: bytes desc, then layer */
	size_t ngroups;
	struct lw_dup_group *dups; /* sorted: bytes desc, then first path */
	size_t ndups;
	struct lw_layer_result *layers; /* image->nlayers entries */
	struct lw_dive dive;
	struct lw_warnings warnings; /* the engine's own; the image has more */
	struct lw_arena strs; /* the findings' and duplicates' paths */
};

struct lw_analyze_opts {
	int find_duplicates; /* compute the duplicate class (reads content) */
	int jobs;            /* threads that read content; <= 0: per core */
};

/* Analyses img (borrowed; hashes are filled in on the way, which is why it
 * is not const). Thread safety: it writes into img, so no other thread
 * may read img's layer indexes while it runs; once it has returned, img
 * and the analysis are only read and may be shared. On success *out is
 * owned by the caller. */
int lw_analyze(struct lw_image *img, const struct lw_analyze_opts *opts,
	       struct lw_analysis **out, struct lw_error *err);

void lw_analysis_free(struct lw_analysis *an);

/* wasted_bytes as a percentage of total_bytes (0 when empty). */
double lw_analysis_wasted_percent(const struct lw_analysis *an);

#ifdef __cplusplus
}
#endif

#endif
