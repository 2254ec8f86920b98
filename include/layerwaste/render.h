/* The render stage: turns a result (or a bare image, for inspect) into
 * text for a person, JSON for a program, or a CI system's format. They only read; they never compute a
 * figure that the analysis does not hold. Each returns 0, or -1 when
 * writing to f failed (errno is set). */
#ifndef LAYERWASTE_RENDER_H
#define LAYERWASTE_RENDER_H

#include <stdint.h>
#include <stdio.h>

#include "layerwaste/attrib.h"
#include "layerwaste/checks.h"
#include "layerwaste/compare.h"
#include "layerwaste/engine.h"
#include "layerwaste/judge.h"
#include "layerwaste/read.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The project's home page, and its docs folder that the SARIF rules'
 * helpUri point into (docs/definitions.md, docs/spaces.md). A
 * PLACEHOLDER: the project has no public home yet. Change LW_HOMEPAGE
 * here (and LW_DOCS_URL if the docs are not served under
 * HOME/blob/main/docs/, GitHub's form); nothing else names it. */
#define LW_HOMEPAGE "https://example.invalid/layerwaste"
#define LW_DOCS_URL LW_HOMEPAGE "/blob/main/docs/"

/* Where the Dockerfile's source is kept, for SARIF's
 * versionControlProvenance: set by the CLI only when asked
 * (LAYERWASTE_VCS=git), the Dockerfile is in a git work tree with a
 * remote, and the working directory is that tree's top (the report's
 * relative paths are then repository paths, under uriBaseId SRCROOT). */
struct lw_provenance {
	const char *repository_uri; /* the remote's URL, no credentials */
	const char *revision_id;    /* HEAD's commit id */
	const char *branch;         /* HEAD's branch, or NULL (detached) */
};

/* Everything a renderer shows, in one place. The CLI fills it; every
 * pointer is borrowed and must outlive the call. image and analysis are
 * always set (image == analysis->image); the others are NULL when that
 * stage did not run. */
struct lw_result {
	const struct lw_image *image;
	const struct lw_analysis *analysis;
	const struct lw_attribution *attribution; /* NULL: history only */
	const struct lw_rules_report *rules; /* NULL: no rule evaluated */
	const struct lw_checks *checks;      /* NULL: no profile ran */
	const struct lw_provenance *vcs;     /* NULL: not known or not asked */
	const struct lw_baseline *baseline;  /* NULL: no --baseline */
};

struct lw_render_opts {
	int color;       /* use ANSI colours */
	int width;       /* columns available; <= 0 means 100 */
	int exact_bytes; /* print byte counts instead of human sizes */
	int top;         /* how many largest files/groups to list; <= 0: 10 */
	int with_files;  /* JSON: list the final file system ("files"); the
			    hashes are those the image already holds */
};

/* The report for people, and JSON v1 (docs/json.md). Rule results and
 * check results appear when r->rules or r->checks are set. */
int lw_render_text(FILE *f, const struct lw_result *r,
		   const struct lw_render_opts *o);
int lw_render_json(FILE *f, const struct lw_result *r,
		   const struct lw_render_opts *o);

/* CI formats (docs/ci.md). github: workflow-command annotations, one per
 * cause group (at most o->top), on the Dockerfile line when known, and one
 * error per failed rule. markdown: a job-page summary. sarif: SARIF 2.1.0
 * for code scanning. gitlab: Code Quality JSON. junit: one test case per
 * rule. */
int lw_render_github(FILE *f, const struct lw_result *r,
		     const struct lw_render_opts *o);
int lw_render_markdown(FILE *f, const struct lw_result *r,
		       const struct lw_render_opts *o);
int lw_render_sarif(FILE *f, const struct lw_result *r,
		    const struct lw_render_opts *o);
int lw_render_gitlab(FILE *f, const struct lw_result *r,
		     const struct lw_render_opts *o);
int lw_render_junit(FILE *f, const struct lw_result *r,
		    const struct lw_render_opts *o);
/* html: one self-contained page (no network request): the summary as
 * plain HTML, and from the data embedded in it a treemap of the final file
 * system, the layers as bars, causes, fixes, the --fix diff, a findings
 * table and the profile's checks. Every name from the image is escaped. */
int lw_render_html(FILE *f, const struct lw_result *r,
		   const struct lw_render_opts *o);
/* The one-line verdict for stderr in CI mode: "layerwaste: FAIL: 20.5 kB
 * wasted (1.01 %); 2 of 4 rules failed; biggest fix: ... saves 8.0 kB". */
int lw_render_ci_summary(FILE *f, const struct lw_result *r);
/* `layerwaste inspect`: the image alone, before any analysis. */
int lw_render_inspect_text(FILE *f, const struct lw_image *img,
			   const struct lw_render_opts *o);
int lw_render_inspect_json(FILE *f, const struct lw_image *img,
			   const struct lw_render_opts *o);

/* `layerwaste diff` (docs/compare.md): a comparison of two builds as
 * text, JSON, a pull-request comment in Markdown (under 65,536
 * characters, rows cut with a note), GitHub annotations on the lines
 * of new and grown waste, or one self-contained HTML page (the report
 * page's rules: no request, every name escaped, the JSON diff embedded,
 * complete without JavaScript). `layerwaste share`: the layers several images
 * share, as text, JSON or Markdown. */
int lw_render_compare_text(FILE *f, const struct lw_comparison *c,
			   const struct lw_render_opts *o);
int lw_render_compare_json(FILE *f, const struct lw_comparison *c,
			   const struct lw_render_opts *o);
int lw_render_compare_markdown(FILE *f, const struct lw_comparison *c,
			       const struct lw_render_opts *o);
int lw_render_compare_github(FILE *f, const struct lw_comparison *c,
			     const struct lw_render_opts *o);
int lw_render_compare_html(FILE *f, const struct lw_comparison *c,
			   const struct lw_render_opts *o);
int lw_render_share_text(FILE *f, const struct lw_share *s,
			 const struct lw_render_opts *o);
int lw_render_share_json(FILE *f, const struct lw_share *s,
			 const struct lw_render_opts *o);
int lw_render_share_markdown(FILE *f, const struct lw_share *s,
			     const struct lw_render_opts *o);

/* Writes s to f with every byte that could drive a terminal (controls,
 * DEL, invalid UTF-8) shown as \xNN, and backslash as "\\". Returns the
 * number of columns written, or -1 on a write error. */
int lw_fput_escaped(FILE *f, const char *s);
/* The same escaping into buf (always NUL-terminated, cut to size). */
void lw_escape(const char *s, char *buf, size_t size);
/* Formats n as "1.2 MB" (SI units, as dive and docker print) into buf. */
const char *lw_human_bytes(uint64_t n, char *buf, size_t size);

/* The folder CI locations are relative to (--source-root; borrowed for
 * the run, NULL to find it): every format names the Dockerfile by its
 * path from there. Unset, it is the top of the git work tree that holds
 * the Dockerfile (the nearest folder above it with a .git), else the
 * working directory. Not thread safe: set it once, before rendering. */
void lw_render_set_source_root(const char *dir);

#ifdef __cplusplus
}
#endif

#endif
