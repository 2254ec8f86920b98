/* The width-bounded line builder and small text helpers shared by the
 * terminal renderers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/analysis.h"
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

static int starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

void lwr_history_short(const char *created_by, struct lw_strbuf *out)
{
	char *red = lw_redact_history(created_by);
	const char *s = red, *sh;
	size_t start = out->len;
	int space = 0, run = 0;

	if (!s)
		return;
	while (is_space(*s))
		s++;
	/* BuildKit with build args: "RUN |1 A=1 /bin/sh -c cmd". */
	if (starts(s, "RUN |")) {
		run = 1;
		s += 4;
	}
	/* Classic builder with build args: "|2 A=1 B=2 /bin/sh -c cmd". */
	if (s[0] == '|' && s[1] >= '0' && s[1] <= '9' &&
	    (sh = strstr(s, "/bin/sh -c ")))
		s = sh;
	if (run)
		lw_strbuf_adds(out, "RUN ");
	if (starts(s, "RUN /bin/sh -c ")) {
		lw_strbuf_adds(out, "RUN ");
		s += strlen("RUN /bin/sh -c ");
	} else if (starts(s, "/bin/sh -c ")) {
		s += strlen("/bin/sh -c ");
	}
	while (is_space(*s))
		s++;
	if (starts(s, "#(nop) "))
		s += strlen("#(nop) ");
	while (is_space(*s))
		s++;
	for (; *s; s++) {
		if (is_space(*s)) {
			space = 1;
			continue;
		}
		if (space && out->len > start)
			lw_strbuf_addc(out, ' ');
		space = 0;
		lw_strbuf_addc(out, *s);
	}
	if (out->len >= start + strlen("# buildkit") &&
	    strcmp(out->buf + out->len - strlen("# buildkit"),
		   "# buildkit") == 0) {
		out->len -= strlen("# buildkit");
		while (out->len > start && out->buf[out->len - 1] == ' ')
			out->len--;
		out->buf[out->len] = '\0';
	}
	free(red);
}
