/* What the compare stage's files share. Private to analyzer/compare (and
 * its unit suite). */
#ifndef LAYERWASTE_COMPARE_PRIV_H
#define LAYERWASTE_COMPARE_PRIV_H

#include "layerwaste/compare.h"

/* A new, empty snapshot named source (copied). */
struct lw_snapshot *lwc_snapshot_new(const char *source);
/* Copies of text in s's arena (NULL for NULL). */
char *lwc_strdup(struct lw_snapshot *s, const char *text);
/* text (Dockerfile or history) on one line: continuations and runs of
 * blanks as one space, cut to 100 bytes with "...". */
char *lwc_one_line(struct lw_snapshot *s, const char *text);
/* The matching key of a layer: lw_history_stable of its created_by. */
char *lwc_key(struct lw_snapshot *s, const char *created_by);
/* Sets c's place: the lines of the instruction that made its layer when
 * known, else the fix's. */
void lwc_cause_place(struct lw_snapshot *s, struct lw_snap_cause *c,
		     const char *fix_file, int line, int end_line);
/* Sorts s->files in tree order (lw_path_cmp). */
void lwc_sort_files(struct lw_snapshot *s);
/* p rounded to two decimals, as the JSON report writes percentages. */
double lwc_round2(double p);

#endif
