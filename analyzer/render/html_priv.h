/* The HTML report's pieces (html.c writes the page, html_data.c the data
 * its script reads). Private to analyzer/render. */
#ifndef LAYERWASTE_HTML_PRIV_H
#define LAYERWASTE_HTML_PRIV_H

#include <stdint.h>
#include <stdio.h>

#include "layerwaste/render.h"

/* The page's style sheet and script (analyzer/render/html/), made into C
 * strings by the build (html/embed.cmake). */
extern const char lwr_html_css[];
extern const char lwr_html_js[];

/* Nodes of the treemap at most, and findings listed in the page's table
 * at most (the largest first when there are more): the page stays a few
 * MB whatever the image. */
#define LWR_HTML_NODES_MAX 25000
#define LWR_HTML_FINDINGS_MAX 20000
/* A directory shows at most this many children; children smaller than
 * its bytes / LWR_HTML_SMALL_DIV are merged into one "more files" node. */
#define LWR_HTML_CHILDREN_MAX 200
#define LWR_HTML_SMALL_DIV 2000

/* Writes untrusted text s (from the archive, the Dockerfile or the user)
 * as HTML text or attribute value: controls, bidi controls and invalid
 * UTF-8 as \xNN (lwr_printable), then & < > " ' as entities. */
void lwr_html_text(FILE *f, const char *s);

/* The page's start, up to and with <body>: the strict policy (no request
 * of any kind), the title (untrusted, escaped) and the embedded style
 * sheet. Shared by the report and the diff page (compare_html.c). */
void lwr_html_head(FILE *f, const char *title);

/* A byte count as people read it, with the exact count for the script
 * and the test ("data-bytes") and for the mouse (title); id may be NULL. */
void lwr_html_bytes(FILE *f, const char *id, uint64_t n);

/* Writes s as a JSON string that is safe inside a <script> element:
 * valid UTF-8 kept (other bytes as \xNN), and <, >, &, U+2028 and U+2029
 * written as \u escapes, so that nothing in it can end the element. */
void lwr_html_json_str(FILE *f, const char *s);

/* The page's data: one JSON object (image figures, layers, the treemap
 * of the final file system, findings), written into the <script
 * type="application/json"> element. */
void lwr_html_data(FILE *f, const struct lw_result *r);

#endif
