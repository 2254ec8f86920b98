/* Renderers: turn an analysis (or a bare image, for inspect) into text for
 * a person or JSON for a program. They only read; they never compute a
 * figure that the analysis does not hold. Each returns 0, or -1 when
 * writing to f failed (errno is set). */
#ifndef LAYERWASTE_RENDER_H
#define LAYERWASTE_RENDER_H

#include <stdint.h>
#include <stdio.h>

#include "layerwaste/analysis.h"
#include "layerwaste/image.h"
#include "layerwaste/rules.h"

struct lw_render_opts {
	int color;       /* use ANSI colours */
	int width;       /* columns available; <= 0 means 100 */
	int exact_bytes; /* print byte counts instead of human sizes */
	int top;         /* how many largest files/groups to list; <= 0: 10 */
};

int lw_render_text(FILE *f, const struct lw_analysis *an,
		   const struct lw_render_opts *o);
int lw_render_json(FILE *f, const struct lw_analysis *an,
		   const struct lw_render_opts *o);

/* The renderers below also show rule results: rules is borrowed, or NULL
 * when no rule was evaluated (the two above pass NULL). */
int lw_render_text_rules(FILE *f, const struct lw_analysis *an,
			 const struct lw_rules_report *rules,
			 const struct lw_render_opts *o);
int lw_render_json_rules(FILE *f, const struct lw_analysis *an,
			 const struct lw_rules_report *rules,
			 const struct lw_render_opts *o);

/* CI formats (docs/ci.md). github: workflow-command annotations, one per
 * cause group (at most o->top), on the Dockerfile line when known, and one
 * error per failed rule. markdown: a job-page summary. sarif: SARIF 2.1.0
 * for code scanning. gitlab: Code Quality JSON. junit: one test case per
 * rule. */
int lw_render_github(FILE *f, const struct lw_analysis *an,
		     const struct lw_rules_report *rules,
		     const struct lw_render_opts *o);
int lw_render_markdown(FILE *f, const struct lw_analysis *an,
		       const struct lw_rules_report *rules,
		       const struct lw_render_opts *o);
int lw_render_sarif(FILE *f, const struct lw_analysis *an,
		    const struct lw_rules_report *rules,
		    const struct lw_render_opts *o);
int lw_render_gitlab(FILE *f, const struct lw_analysis *an,
		     const struct lw_rules_report *rules,
		     const struct lw_render_opts *o);
int lw_render_junit(FILE *f, const struct lw_analysis *an,
		    const struct lw_rules_report *rules,
		    const struct lw_render_opts *o);
/* The one-line verdict for stderr in CI mode: "layerwaste: FAIL: 20.5 kB
 * wasted (1.01 %); 2 of 4 rules failed; biggest fix: ... saves 8.0 kB". */
int lw_render_ci_summary(FILE *f, const struct lw_analysis *an,
			 const struct lw_rules_report *rules);
int lw_render_inspect_text(FILE *f, const struct lw_image *img,
			   const struct lw_render_opts *o);
int lw_render_inspect_json(FILE *f, const struct lw_image *img,
			   const struct lw_render_opts *o);

/* Writes s to f with every byte that could drive a terminal (controls,
 * DEL, invalid UTF-8) shown as \xNN, and backslash as "\\". Returns the
 * number of columns written, or -1 on a write error. */
int lw_fput_escaped(FILE *f, const char *s);
/* The same escaping into buf (always NUL-terminated, cut to size). */
void lw_escape(const char *s, char *buf, size_t size);
/* Formats n as "1.2 MB" (SI units, as dive and docker print) into buf. */
const char *lw_human_bytes(uint64_t n, char *buf, size_t size);

#endif
