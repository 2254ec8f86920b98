/* Helpers shared by the CI renderers (github, markdown, sarif, gitlab,
 * junit): where a cause group sits in the Dockerfile, how to say what it
 * did, stable fingerprints, and text cleaning. Private to analyzer/render.
 *
 * Everything returned as text is raw (it may hold bytes from the archive);
 * each format escapes it its own way. */
#ifndef LAYERWASTE_CI_PRIV_H
#define LAYERWASTE_CI_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "layerwaste/engine.h"
#include "layerwaste/attrib.h"
#include "layerwaste/judge.h"
#include "layerwaste/util.h"
#include "layerwaste/render.h"

/* Example paths named in a message. */
#define LWR_CI_PATHS 3

/* A place in the Dockerfile. file is NULL when no Dockerfile is known;
 * line is 0 when the instruction is not known. */
struct lwr_loc {
	const char *file; /* borrowed from the attribution */
	int line, end_line;
};

/* The suggestion that fixes group gi, or NULL (always NULL without an
 * attribution). */
const struct lw_suggestion *lwr_group_fix(const struct lw_result *r,
					  size_t gi);

/* Where group gi belongs: its suggestion's lines, else the line of the
 * instruction that made the group's layer, else the Dockerfile alone. */
struct lwr_loc lwr_group_loc(const struct lw_result *r, size_t gi);

/* Group gi's hidden files lie in the base image (base), or its bytes are
 * charged to a base layer (inherited: not the Dockerfile's to fix);
 * 0 without an attribution. judged: the rules judge it (not inherited,
 * or the base judged too). */
int lwr_group_base(const struct lw_result *r, size_t gi);
int lwr_group_inherited(const struct lw_result *r, size_t gi);
int lwr_group_judged(const struct lw_result *r, size_t gi);
/* The level the CI formats show (enum lw_severity): a group's is the
 * judge's (lw_group_judgement.level: error only when it broke a failed
 * rule or its severity fails the run; note when not judged); a failed
 * check's is lw_severity_level of its severity under fail-on. Without a
 * rules report, a judged group is a warning and a check its severity. */
int lwr_group_level(const struct lw_result *r, size_t gi);
struct lw_check;
int lwr_check_level(const struct lw_result *r, const struct lw_check *k);

/* Where a level is written: the one table of level names. */
enum lwr_level_format {
	LWR_LEVEL_GITHUB = 0, /* error, warning, notice */
	LWR_LEVEL_SARIF,      /* error, warning, note */
	LWR_LEVEL_GITLAB,     /* waste: major, minor, info */
	LWR_LEVEL_GITLAB_CHECK, /* checks: critical, major, info */
	LWR_LEVEL_FORMATS
};
/* The name of level (enum lw_severity) in a format. */
const char *lwr_level_name(int level, int format);

/* The cause of group gi (suppression included), or NULL. */
const struct lw_cause *lwr_group_cause(const struct lw_result *r, size_t gi);
/* {"by": "dockerfile"|"config", "reason": TEXT|null} of group gi, or
 * null when it is not suppressed (json_t *, new reference). */
void *lwr_suppressed_json(const struct lw_result *r, size_t gi);
/* The bytes of the inherited groups: summary.base_wasted_bytes. */
uint64_t lwr_inherited_bytes(const struct lw_result *r);

/* The id of the reporting rule of a finding kind, one form for every CI
 * format (SARIF ruleId, GitLab check_name after "layerwaste/"): the JSON
 * kind with '+' as '-' ("chown-chmod"), the form of the max-KIND-bytes
 * rules. The JSON report keeps its own kind names (lw_kind_name). */
const char *lwr_kind_rule_id(int kind);

/* The Dockerfile as a path relative to the working directory (for SARIF,
 * GitHub and GitLab, which want repository paths): an absolute path under
 * the working directory loses that prefix, "./" is dropped; "Dockerfile"
 * when file is NULL. */
void lwr_rel_path(struct lw_strbuf *sb, const char *file);

/* The instruction that made layer li: as written in the Dockerfile when
 * attributed, else the short history form; "" when unknown. */
void lwr_layer_instruction(const struct lw_result *r, size_t li,
			   struct lw_strbuf *sb);

/* A one-line title for group gi, its bytes and kind: "8.0 kB copied only
 * to change owner". */
void lwr_group_title(const struct lw_analysis *an, size_t gi,
		     struct lw_strbuf *sb);

/* A sentence (or a few) for people: what the layer did to which files,
 * some example paths, and the fix when one is known. */
void lwr_group_message(const struct lw_result *r, size_t gi,
		       struct lw_strbuf *sb);

/* Fingerprints, one per group (owned array of owned 16-hex strings, free
 * with lwr_fingerprints_free): a hash of the kind, the two layers'
 * history text (without content hashes) and the sorted paths; no layer
 * numbers and no line numbers, so they survive edits that move lines or
 * insert layers. Repeats get "-2", "-3" so that each is unique. */
char **lwr_fingerprints(const struct lw_analysis *an);
void lwr_fingerprints_free(char **fp, size_t n);

/* JSON building for the renderers. jansson's allocation failures abort,
 * as lw_xmalloc does: each value is one small item. */
struct json_t;
/* v itself, or abort() when it is NULL. */
struct json_t *lwr_jmust(struct json_t *v);
/* Sets key of o to v (taken). */
void lwr_jput(struct json_t *o, const char *key, struct json_t *v);
/* s (archive or Dockerfile text) cleaned to UTF-8, or null. New ref. */
struct json_t *lwr_jtext(const char *s);
/* json_dumpf(v, f, flags) with lwr_json_escape_unsafe applied: 0 or -1. */
int lwr_json_dumpf(const struct json_t *v, FILE *f, size_t flags);

/* Markdown (markdown.c): plain text with its punctuation escaped, and a
 * code span (in_table: '|' escaped too); both made printable first. */
void lwr_md_text(struct lw_strbuf *sb, const char *s);
void lwr_md_code(struct lw_strbuf *sb, const char *s, int in_table);
/* A GitHub workflow command (github.c): "::LEVEL file=..,line=..,
 * title=..::message", escaped; loc may be NULL or have no line. */
void lwr_gh_command(struct lw_strbuf *out, const char *level,
		    const struct lwr_loc *loc, const char *title,
		    const char *message);

/* The image as people name it: the first tag, else the source. */
const char *lwr_image_name(const struct lw_analysis *an);

/* "PASS", "FAIL" (a rule failed, or a judged finding's or failed
 * check's severity fails the run under fail-on), or "REPORT" when no
 * rule was evaluated, no profile ran and no severity or fail-on was
 * configured. */
const char *lwr_verdict(const struct lw_result *r);

/* The JSON object of a rules report, as in the JSON report's "rules"
 * (built with jansson; returned as json_t *, new reference). r may be
 * NULL: not evaluated. */
void *lwr_rules_json(const struct lw_rules_report *r);

/* Profile checks (checks_out.c), from r->checks, which may be NULL. */
struct lw_checks;
struct lw_check_item;

/* The check results of r (borrowed), or NULL when no profile ran or it
 * has no check. */
const struct lw_checks *lwr_checks(const struct lw_result *r);
/* 1 when a check of severity error failed. */
int lwr_checks_failed(const struct lw_result *r);
/* The item whose place a check is shown at: the first with a line, else
 * the first; NULL when it has none. */
const struct lw_check_item *lwr_check_place(const struct lw_check *k);
/* For an annotation: the check's message, the item (subject, detail,
 * "Fix:" and its text) when given, and the platform's words. Raw text. */
void lwr_check_message(const struct lw_check *k,
		       const struct lw_check_item *it, struct lw_strbuf *sb);
/* 16 hex digits of the check id and the item's subject: no line, no
 * layer number, so the alert stays the same when lines move. */
void lwr_check_fingerprint(const struct lw_check *k,
			   const struct lw_check_item *it, char *buf,
			   size_t size);
/* The JSON report's "checks" array and "profile" (a string or null), as
 * json_t * (new references). */
void *lwr_checks_json(const struct lw_result *r);
void *lwr_profile_json(const struct lw_result *r);

#endif
