/* JSON for attribution: instructions, the alignment, suggestions. */
#ifndef LAYERWASTE_JSON_ATTR_H
#define LAYERWASTE_JSON_ATTR_H

#include <jansson.h>

#include "layerwaste/render.h"

/* Each reads r->attribution, which may be NULL (then nothing is known).
 * layers[].instruction: {keyword, args, file, line, end_line, text, stage,
 * base, base_ref}, or null when nothing is known. New reference. */
json_t *lw_json_instruction(const struct lw_result *r, size_t layer);
/* attribution: {dockerfile, aligned, note}. New reference. */
json_t *lw_json_attribution(const struct lw_result *r);
/* suggestions[]: every suggestion, largest saving first. */
json_t *lw_json_suggestions(const struct lw_result *r);
/* causes[].suggestion: the index of the group's suggestion, or null. */
json_t *lw_json_cause_suggestion(const struct lw_result *r, size_t group);

#endif
