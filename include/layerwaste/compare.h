/* The compare stage: two builds side by side (`layerwaste diff`), and the
 * layers several images share (`layerwaste share`).
 *
 * Each side is first boiled down to a snapshot: its totals, its layers
 * (diff_id, bytes, instruction), its causes of waste (with fingerprints,
 * places and fixes) and, when known, its final file system. A snapshot is
 * made from an analysed image or from a JSON report of an earlier run
 * (docs/json.md), so that a diff against the main branch's saved report
 * gives the same answer as a diff against its image. The comparison then
 * matches layers, causes and files of two snapshots (docs/compare.md). */
#ifndef LAYERWASTE_COMPARE_H
#define LAYERWASTE_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "layerwaste/attrib.h"
#include "layerwaste/engine.h"
#include "layerwaste/read.h"
#include "layerwaste/util.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest JSON report read back, in bytes. */
#define LW_REPORT_MAX ((size_t)1 << 30)

struct lw_snap_layer {
	char *diff_id;            /* "sha256:<hex>", or NULL */
	uint64_t total_bytes;     /* its regular files' bytes */
	uint64_t compressed_bytes; /* the stored blob */
	uint64_t wasted_bytes;
	uint64_t file_count;
	char *key;         /* the short history text with content hashes
			      dropped: what layers are matched by; "" when
			      the layer has no history */
	char *instruction; /* one line for people: the Dockerfile text when
			      aligned, else the short history; never NULL */
	char *file;        /* the Dockerfile, when aligned; else NULL */
	int line, end_line;
	int base;          /* from the base image */
};

struct lw_snap_cause {
	char *fingerprint; /* lw_cause_fingerprints */
	int kind;          /* enum lw_kind */
	uint32_t layer, from_layer;
	uint64_t bytes, files;
	char *path;        /* its first path, normalised; "" when none */
	char *instruction; /* of the layer that caused it (one line) */
	char *file;        /* where it belongs in the Dockerfile: the lines
			      of its layer's instruction, else the fix's;
			      NULL when unknown */
	int line, end_line;
	char *fix;         /* the fix's title, or NULL */
	char *fix_kind;    /* "copy-chown", ... or NULL */
	int fix_safe;
	uint64_t saves_bytes;
};

struct lw_snap_file {
	char *path;        /* normalised, no leading '/' */
	uint64_t size;     /* stored bytes (0 for a hard link) */
	uint32_t layer;    /* the layer whose entry is visible */
	int hashed;        /* hash is known */
	struct lw_hash hash; /* of the content */
	const struct lw_entry *entry; /* borrowed from img, or NULL */
};

struct lw_snapshot {
	char *source;       /* what the user named (the image or report) */
	char *name;         /* the image's first tag, else its source */
	int from_report;    /* made from a JSON report */
	int analysed;       /* the waste figures are known */
	/* The report's "image" and "summary" figures. */
	uint64_t file_count, total_bytes, visible_bytes, wasted_bytes;
	double wasted_percent;
	uint64_t by_kind[LW_KIND_COUNT], files_by_kind[LW_KIND_COUNT];
	uint64_t duplicate_bytes, finding_count, warning_count;
	struct lw_dive dive;
	uint64_t compressed_bytes; /* sum of the layers' stored blobs */
	int compressed_known;      /* every layer's blob size is known */
	char *dockerfile;          /* the --dockerfile path, or NULL */
	struct lw_snap_layer *layers;
	size_t nlayers;
	struct lw_snap_cause *causes; /* the report's causes order */
	size_t ncauses;
	struct lw_snap_file *files;   /* sorted by lw_path_cmp */
	size_t nfiles;
	int has_files;      /* the final file system is known */
	struct lw_image *img; /* borrowed, for hashing on demand; NULL for a
				 report */
	struct lw_arena arena; /* every string above */
};

/* A snapshot of an image: img (borrowed, and it must outlive the
 * snapshot when with_files, which keeps pointers into its entries and
 * may hash them later), an (borrowed, may be NULL: layers only, no waste
 * figures), at (borrowed, may be NULL). with_files: also the final file
 * system. *out is owned by the caller. Never fails. */
void lw_snapshot_of_image(struct lw_image *img, const struct lw_analysis *an,
			  const struct lw_attribution *at, int with_files,
			  struct lw_snapshot **out);

/* A snapshot of a JSON report (text[0..len), borrowed) that layerwaste
 * wrote (docs/json.md, schema version 1; the causes' fingerprints and,
 * for file changes, "files" from --with-files). source names it in
 * messages. Returns LW_OK with *out owned by the caller, or LW_ERR_INPUT
 * (not JSON, not a layerwaste report, another schema version, a missing
 * or mistyped key) with err filled and *out NULL. */
int lw_snapshot_of_report(const char *text, size_t len, const char *source,
			  struct lw_snapshot **out, struct lw_error *err);

/* Reads the report at path (at most LW_REPORT_MAX bytes) and calls
 * lw_snapshot_of_report. LW_ERR_IO when it cannot be read. */
int lw_snapshot_read_report(const char *path, struct lw_snapshot **out,
			    struct lw_error *err);

void lw_snapshot_free(struct lw_snapshot *s);

/* Hashes every regular file visible in img (and every hard link's
 * target) on jobs threads (<= 0: per core), so that a JSON report with
 * --with-files carries every hash. Costs reading those files' bytes. */
int lw_image_hash_visible(struct lw_image *img, int jobs,
			  struct lw_error *err);

/* ---- Two builds. ---- */

enum lw_cmp_match {
	LW_CMP_SHARED = 0,  /* the same diff_id */
	LW_CMP_INSTRUCTION, /* the same instruction (history text) */
	LW_CMP_POSITION,    /* unmatched layers at the same position */
	LW_CMP_ADDED,       /* only in the new build */
	LW_CMP_REMOVED,     /* only in the old build */
};

/* "shared", "instruction", "position", "added", "removed". */
const char *lw_cmp_match_name(int match);

struct lw_cmp_layer {
	int match;           /* enum lw_cmp_match */
	long old_index;      /* -1 when added */
	long new_index;      /* -1 when removed */
	uint64_t old_bytes, new_bytes; /* total_bytes of each side (0: none) */
	int64_t delta;       /* new_bytes - old_bytes */
};

enum lw_cmp_status {
	LW_CMP_NEW = 0, /* in the new build only */
	LW_CMP_GROWN,   /* in both, more bytes now */
	LW_CMP_SHRUNK,  /* in both, fewer bytes now */
	LW_CMP_FIXED,   /* in the old build only */
	LW_CMP_SAME,    /* in both, the same bytes */
};

/* "new", "grown", "shrunk", "fixed", "same". */
const char *lw_cmp_status_name(int status);

struct lw_cmp_cause {
	int status;      /* enum lw_cmp_status */
	long old_index;  /* into old->causes, or -1 */
	long new_index;  /* into new->causes, or -1 */
	int by_fingerprint; /* matched by fingerprint (else by kind and
			       instructions) */
	int64_t delta;   /* bytes now - bytes before */
};

enum lw_cmp_file_status {
	LW_CMP_FILE_ADDED = 0,
	LW_CMP_FILE_REMOVED,
	LW_CMP_FILE_CHANGED,
};

struct lw_cmp_file {
	const char *path; /* borrowed from a snapshot, normalised */
	int status;       /* enum lw_cmp_file_status */
	uint64_t old_size, new_size;
	int64_t delta;
};

struct lw_cmp_dir {
	char *path;       /* owned, normalised ("" is the root) */
	int64_t delta;
	uint64_t files;   /* added, removed or changed files under it */
};

/* A rule of the diff, and how it went. */
enum lw_cmp_rule {
	LW_CMP_RULE_MAX_GROWTH = 0,
	LW_CMP_RULE_MAX_NEW_WASTE,
	LW_CMP_RULE_COUNT
};

struct lw_cmp_rules {
	int set[LW_CMP_RULE_COUNT];
	uint64_t growth_bytes;  /* max-growth in bytes, or */
	double growth_percent;  /* in percent of the old total, when */
	int growth_is_percent;
	uint64_t new_waste_bytes;
};

struct lw_cmp_rule_result {
	int rule;           /* enum lw_cmp_rule */
	int passed;
	char *threshold;    /* "<= 50.0 MB", "<= 10.00 %" */
	char *actual;       /* "+212 MB", "+18.20 %" */
};

struct lw_comparison {
	const struct lw_snapshot *old, *new_; /* borrowed */
	int64_t delta_total, delta_visible, delta_wasted, delta_compressed;
	int compressed_known; /* both sides know their blobs' sizes */
	double growth_percent; /* delta_total over old total, x 100 */
	/* Layers: the new build's in order (each shared, matched or
	 * added), then the removed ones in the old build's order. */
	struct lw_cmp_layer *layers;
	size_t nlayers;
	size_t shared, added, removed, changed;
	uint64_t shared_bytes, added_bytes, removed_bytes;
	/* Causes: new and grown by bytes (desc), then shrunk, fixed, same. */
	struct lw_cmp_cause *causes;
	size_t ncauses;
	size_t count_by_status[LW_CMP_SAME + 1];
	uint64_t new_waste_bytes;   /* new causes' bytes + grown ones' growth */
	uint64_t fixed_waste_bytes; /* fixed causes' bytes + shrunk ones' */
	/* The final file system, when both sides know it. */
	int files_known;
	struct lw_cmp_file *files; /* by |delta| desc, then path */
	size_t nfiles;
	size_t files_added, files_removed, files_changed;
	int64_t bytes_added, bytes_removed, bytes_changed;
	struct lw_cmp_dir *dirs;   /* by growth desc; at most LW_CMP_DIRS */
	size_t ndirs;
	/* Rules. */
	struct lw_cmp_rule_result *rules;
	size_t nrules;
	int evaluated, passed;
	struct lw_warnings notes; /* what this comparison could not see */
};

#define LW_CMP_DIRS 20
#define LW_CMP_DIR_DEPTH 3

/* "max-growth", "max-new-waste". */
const char *lw_cmp_rule_id(int rule);

/* Parses a --max-growth value: a size ("50MB", "20000") or a percent
 * ("10%"). Returns 0, or -1 with *why set. */
int lw_cmp_parse_growth(const char *s, struct lw_cmp_rules *r,
			const char **why);

/* Compares two snapshots (borrowed; not const: files whose content must
 * be told apart are hashed through the snapshots' images). rules may be
 * NULL. jobs: threads for hashing (<= 0: per core). On success *out is
 * owned by the caller. Fails only when hashing reads fail. */
int lw_compare(struct lw_snapshot *old, struct lw_snapshot *new_,
	       const struct lw_cmp_rules *rules, int jobs,
	       struct lw_comparison **out, struct lw_error *err);
void lw_comparison_free(struct lw_comparison *c);

/* ---- Several images. ---- */

struct lw_share_layer {
	const char *diff_id;  /* borrowed from a snapshot */
	uint64_t bytes;       /* total_bytes of the layer */
	uint64_t compressed_bytes;
	const char *instruction; /* borrowed: of its first image */
	size_t images;        /* how many images hold it */
	size_t first_image;   /* the first that holds it */
	size_t order;         /* of first appearance */
	uint64_t *in;         /* bitset over the images (owned) */
};

struct lw_share_image {
	const struct lw_snapshot *snap; /* borrowed */
	uint64_t total_bytes;   /* sum of its distinct layers' bytes */
	uint64_t shared_bytes;  /* in layers another image holds too */
	uint64_t unique_bytes;  /* in layers no other image holds */
	size_t shared_layers, unique_layers;
};

struct lw_share {
	struct lw_share_image *images;
	size_t nimages;
	struct lw_share_layer *layers; /* distinct: by bytes (desc), then
					  first appearance */
	size_t nlayers;
	size_t common_base;   /* leading layers all images have in common */
	uint64_t common_base_bytes;
	uint64_t sum_bytes;   /* what the images store one by one */
	uint64_t stored_bytes; /* each distinct layer once */
	size_t shared_layers; /* held by two images or more */
	uint64_t shared_bytes;
	struct lw_warnings notes;
};

/* The layers snaps[0..n) (borrowed, n >= 1) share. Layers without a
 * diff_id are counted as their image's own. *out owned by the caller. */
void lw_share_compute(const struct lw_snapshot *const *snaps, size_t n,
		      struct lw_share **out);
void lw_share_free(struct lw_share *s);

#ifdef __cplusplus
}
#endif

#endif
