/* The width-bounded line builder and small text helpers shared by the
 * terminal renderers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/engine.h"
#include "layerwaste/checks.h"
#include "render_priv.h"

void lwr_line_init(struct lwr_line *l, FILE *f,
		   const struct lw_render_opts *o)
{
	struct lw_strbuf init = LW_STRBUF_INIT;

	l->f = f;
	l->sb = init;
	l->width = o->width;
	l->cols = 0;
	l->color = o->color;
	l->full = 0;
}

void lwr_line_release(struct lwr_line *l)
{
	lw_strbuf_release(&l->sb);
}

int lwr_line_room(const struct lwr_line *l)
{
	return l->full || l->cols >= l->width ? 0 : l->width - l->cols;
}

/* Columns of UTF-8 text: one per code point. */
static int text_cols(const char *s, size_t len)
{
	int cols = 0;
	size_t i;

	for (i = 0; i < len; i++)
		cols += ((unsigned char)s[i] & 0xc0) != 0x80;
	return cols;
}

/* Bytes of the first cols code points of s. */
static size_t text_prefix(const char *s, int cols)
{
	size_t i = 0;

	while (s[i]) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && cols-- == 0)
			break;
		i++;
	}
	return i;
}

void lwr_line_add(struct lwr_line *l, const char *text)
{
	int cols = text_cols(text, strlen(text)), room = lwr_line_room(l);

	if (l->full)
		return;
	if (cols <= room) {
		lw_strbuf_adds(&l->sb, text);
		l->cols += cols;
		return;
	}
	if (room > 3) {
		lw_strbuf_add(&l->sb, text, text_prefix(text, room - 3));
		lw_strbuf_adds(&l->sb, "...");
	} else {
		lw_strbuf_add(&l->sb, "...", (size_t)room);
	}
	l->cols += room;
	l->full = 1;
}

void lwr_line_addf(struct lwr_line *l, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	lwr_line_add(l, buf);
}

void lwr_line_esc(struct lwr_line *l, const char *s, int maxcols,
		  int cut_left)
{
	int room = lwr_line_room(l);

	if (maxcols < 0 || maxcols > room)
		maxcols = room;
	l->cols += lwr_escape_cut(&l->sb, s, maxcols, cut_left);
	if (l->cols >= l->width)
		l->full = 1;
}

void lwr_line_path(struct lwr_line *l, const char *path, int maxcols)
{
	struct lw_strbuf p = LW_STRBUF_INIT;

	lw_strbuf_addc(&p, '/');
	lw_strbuf_adds(&p, path ? path : "");
	lwr_line_esc(l, p.buf, maxcols, 1);
	lw_strbuf_release(&p);
}

void lwr_line_pad(struct lwr_line *l, int col)
{
	if (col > l->width)
		col = l->width;
	while (!l->full && l->cols < col) {
		lw_strbuf_addc(&l->sb, ' ');
		l->cols++;
	}
}

void lwr_line_sgr(struct lwr_line *l, const char *sgr)
{
	if (l->color)
		lw_strbuf_adds(&l->sb, sgr);
}

void lwr_line_end(struct lwr_line *l)
{
	if (l->sb.len > 0)
		fwrite(l->sb.buf, 1, l->sb.len, l->f);
	fputc('\n', l->f);
	lw_strbuf_reset(&l->sb);
	l->cols = 0;
	l->full = 0;
}

void lwr_line_heading(struct lwr_line *l, const char *text)
{
	lwr_line_sgr(l, LWR_BOLD);
	lwr_line_add(l, text);
	lwr_line_sgr(l, LWR_RESET);
	lwr_line_end(l);
}

const char *lwr_kind_color(int kind)
{
	switch (kind) {
	case LW_KIND_CHOWN:
	case LW_KIND_CHMOD:
	case LW_KIND_CHOWN_CHMOD:
		return "\033[33m";
	case LW_KIND_TOUCH:
		return "\033[36m";
	case LW_KIND_OVERWRITE:
		return "\033[35m";
	default:
		return "\033[31m";
	}
}

/* Adds text (trusted, ASCII) from the current column, wrapped at spaces;
 * continuation lines start at column indent. Ends the last line. */
void lwr_text_wrap(struct lwr_line *l, const char *text, int indent)
{
	const char *s = text, *sp, *cut;
	char buf[512];
	size_t n;
	int room;

	while (*s) {
		room = lwr_line_room(l);
		if ((int)strlen(s) <= room || room < 20) {
			lwr_line_add(l, s);
			break;
		}
		/* The last space that leaves the line within its room. */
		for (cut = NULL, sp = s; (sp = strchr(sp, ' ')) &&
		     sp - s <= room; sp++)
			cut = sp;
		if (!cut) {
			lwr_line_add(l, s);
			break;
		}
		n = (size_t)(cut - s) < sizeof(buf) ? (size_t)(cut - s) :
						     sizeof(buf) - 1;
		memcpy(buf, s, n);
		buf[n] = '\0';
		lwr_line_add(l, buf);
		lwr_line_end(l);
		lwr_line_pad(l, indent);
		s = cut + 1;
	}
	lwr_line_end(l);
}
