/* Helpers shared by the renderers only: escaping with column counts, and a
 * line builder that never lets a line pass the width. Not part of the
 * renderers' interface (render.h). */
#ifndef LAYERWASTE_RENDER_PRIV_H
#define LAYERWASTE_RENDER_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "layerwaste/util.h"
#include "layerwaste/render.h"

/* Longest escaped form of one unit: four bytes, each as \xNN. */
#define LWR_UNIT_MAX 17

/* Returns the length (1..4) of the valid UTF-8 sequence at s and its code
 * point in *cp, or 0 when s starts with a byte that begins no valid
 * sequence (stray continuation, overlong form, surrogate, > U+10FFFF).
 * Never reads past a NUL. */
int lwr_utf8_seq(const char *s, uint32_t *cp);

/* Escapes the unit (one byte or one UTF-8 sequence) at *s, which must not
 * be NUL, into out (LWR_UNIT_MAX bytes, NUL-terminated) and sets *cols to
 * the columns it takes. Returns the bytes of s consumed. */
size_t lwr_escape_unit(const char *s, char *out, int *cols);

/* Appends s with valid UTF-8 kept and every other byte as \xNN (as the
 * JSON report does), so that JSON encoders accept it. */
void lwr_utf8_clean(struct lw_strbuf *sb, const char *s);

/* JSON text (taken) with every code point the escaping hides (C1
 * controls, bidi controls, U+2028/2029) written as \uXXXX instead of
 * raw: the same JSON value, shown safely. Returns it (owned), maybe the
 * same pointer. Outside strings JSON text is ASCII, so only strings
 * change. */
char *lwr_json_escape_unsafe(char *text);

/* Appends to sb the JSON string (quotes included) of prefix then s, byte
 * for byte what lwr_json_escape_unsafe(json_dumps(v, JSON_ENCODE_ANY))
 * gives for v = lwr_jtext(prefix + s): s cleaned as lwr_utf8_clean does,
 * escaped as jansson escapes, unsafe code points as \uXXXX. Runs of bytes
 * that need nothing are copied at once; nothing is allocated but sb's
 * room. prefix is trusted ASCII needing no escape ("" for none); neither
 * may be NULL. */
void lwr_json_str(struct lw_strbuf *sb, const char *prefix, const char *s);

/* Appends s with control characters, DEL, C1 controls, bidi controls and
 * invalid UTF-8 as \xNN; backslashes are kept as they are (for code
 * blocks and annotations, where "\\" would change the text). */
void lwr_printable(struct lw_strbuf *sb, const char *s);
/* The same, keeping newlines and tabs (for multi-line code blocks). */
void lwr_printable_lines(struct lw_strbuf *sb, const char *s);

/* Columns that the escaped form of s takes. */
int lwr_escaped_cols(const char *s);

/* Appends the escaped form of s to sb in at most maxcols columns. When it
 * does not fit, it is cut at a unit boundary and "..." marks the cut: at
 * the end, or at the start when cut_left (for paths, whose end says
 * most). Returns the columns appended. */
int lwr_escape_cut(struct lw_strbuf *sb, const char *s, int maxcols,
		   int cut_left);

/* A copy of *o with defaults filled in (o may be NULL). */
struct lw_render_opts lwr_opts(const struct lw_render_opts *o);

/* n as a human size, or as a plain byte count with o->exact_bytes. */
const char *lwr_size(const struct lw_render_opts *o, uint64_t n, char *buf,
		     size_t size);

/* Flushes f; returns 0, or -1 when any write to f failed. */
int lwr_finish(FILE *f);

/* One output line, built in memory and cut so that it never passes width
 * columns. Colour codes take no columns and are dropped unless o->color. */
struct lwr_line {
	FILE *f;
	struct lw_strbuf sb;
	int width;
	int cols;
	int color;
	int full; /* cut: later text is dropped */
};

#define LWR_BOLD "\033[1m"
#define LWR_RESET "\033[0m"

void lwr_line_init(struct lwr_line *l, FILE *f,
		   const struct lw_render_opts *o);
void lwr_line_release(struct lwr_line *l);
/* Columns left on the line. */
int lwr_line_room(const struct lwr_line *l);
/* Adds trusted text (ASCII or UTF-8 the renderer wrote itself). */
void lwr_line_add(struct lwr_line *l, const char *text);
void lwr_line_addf(struct lwr_line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Adds untrusted text, escaped, in at most maxcols columns (< 0: the rest
 * of the line); see lwr_escape_cut. */
void lwr_line_esc(struct lwr_line *l, const char *s, int maxcols,
		  int cut_left);
/* Adds "/" + path, escaped and cut at the start to maxcols (< 0: rest). */
void lwr_line_path(struct lwr_line *l, const char *path, int maxcols);
/* Pads with spaces up to column col. */
void lwr_line_pad(struct lwr_line *l, int col);
/* Adds an SGR sequence when colour is on. */
void lwr_line_sgr(struct lwr_line *l, const char *sgr);
/* Writes the line and a newline, and starts a new one. */
void lwr_line_end(struct lwr_line *l);
/* A heading line, bold when colour is on. */
void lwr_line_heading(struct lwr_line *l, const char *text);

/* The image block that opens both text reports: source, format, platform,
 * tags, config digest, layer count. */
void lwr_text_image(struct lwr_line *l, const struct lw_image *img);
/* A "Warnings: N" block with the first few messages of a, then of b (b may
 * be NULL); nothing when there are none. */
void lwr_text_warnings(struct lwr_line *l, const struct lw_warnings *a,
		       const struct lw_warnings *b);

/* SGR colour for a kind. */
const char *lwr_kind_color(int kind);

/* Writes text (already safe for a terminal) from the current column,
 * wrapping at spaces to the line's width; continuation lines start at
 * column indent. Ends the line. */
void lwr_text_wrap(struct lwr_line *l, const char *text, int indent);

/* The profile checks' section of the text report (checks_out.c);
 * nothing when no profile ran. */
void lwr_text_checks(struct lwr_line *l, const struct lw_result *r,
		     const struct lw_render_opts *o);

/* Attribution in the text report (text_attr.c), from r->attribution,
 * which may be NULL. */
struct lw_suggestion;
/* The layer's Dockerfile instruction ("Dockerfile:12 COPY . /app"), or its
 * base-image origin, or its short history text, into out (reset first). */
void lwr_layer_label(const struct lw_result *r, size_t layer,
		     struct lw_strbuf *out);
/* The fix suggested for g (one of r->analysis->groups), or NULL. */
const struct lw_suggestion *lwr_text_group_fix(const struct lw_result *r,
					       const struct lw_group *g);
/* The alignment note and the suggested fixes with their edits; nothing
 * without an attribution. */
void lwr_text_fixes(struct lwr_line *l, const struct lw_result *r,
		    const struct lw_render_opts *o);

#endif
