/* Drawing: the view model's rows on the screen. Layout, top to bottom:
 * header; layers (left) and causes (right); the file tree; the details
 * line; the key help. Every text comes from the view model, escaped and
 * cut to the columns it is drawn in; this file adds only attributes. */
#include <curses.h>
#include <string.h>

#include "layerwaste/render.h"
#include "tui.h"

#define TOP_MIN 3   /* rows of the layers and causes panes */
#define TOP_MAX 12

static short kind_pair(int kind)
{
	return kind >= 0 && kind < LW_KIND_COUNT ? (short)(kind + 1) : 0;
}

void lwt_colors(struct lwt *t)
{
	static const short fg[LW_KIND_COUNT] = {
		COLOR_YELLOW, COLOR_YELLOW, COLOR_YELLOW, /* metadata */
		COLOR_CYAN,                               /* touch */
		COLOR_MAGENTA,                            /* overwrite */
		COLOR_RED,                                /* delete */
	};
	short bg;
	int k;

	t->color = 0;
	if (!has_colors() || start_color() == ERR)
		return;
	bg = use_default_colors() == OK ? -1 : COLOR_BLACK;
	for (k = 0; k < LW_KIND_COUNT; k++)
		init_pair(kind_pair(k), fg[k], bg);
	t->color = 1;
}

/* Draws text (cols columns wide) at y, x, padded to w when pad. */
static void put(int y, int x, const char *text, int cols, int w, int pad)
{
	mvaddstr(y, x, text);
	if (pad)
		for (; cols < w; cols++)
			addch(' ');
}

static void draw_pane(struct lwt *t, int pane, int y, int x, int h, int w)
{
	const struct lw_vm_row *rows;
	size_t n, i;
	int focus = t->vm->pane == pane;

	rows = lw_vm_rows(t->vm, pane, h, w, &n);
	for (i = 0; i < n; i++) {
		const struct lw_vm_row *r = &rows[i];
		attr_t a = A_NORMAL;

		if (r->flags & LW_VM_R_CURSOR)
			a = focus ? A_REVERSE : A_BOLD;
		else if (r->flags & LW_VM_R_HIDDEN)
			a = A_DIM;
		else if (r->flags & LW_VM_R_HEADER)
			a = A_BOLD;
		attrset(a);
		put(y + (int)i, x, r->text.buf, r->cols, w,
		    r->flags & LW_VM_R_CURSOR);
		if (t->color && r->kind >= 0 && r->kind_col >= 0 &&
		    r->kind_col < w)
			mvchgat(y + (int)i, x + r->kind_col, 1, a | A_BOLD,
				kind_pair(r->kind), NULL);
	}
	attrset(A_NORMAL);
}

static void draw_title(struct lwt *t, int pane, int y, int x, int w)
{
	lw_vm_title(t->vm, pane, w, &t->line);
	attrset(t->vm->pane == pane ? A_REVERSE | A_BOLD : A_BOLD);
	put(y, x, t->line.buf, lw_vm_cols(t->line.buf), w,
	    t->vm->pane == pane);
	attrset(A_NORMAL);
}

static void draw_help(struct lwt *t)
{
	const char *const *lines = lw_vm_help_lines();
	int n = 0, w = 0, y, x, i, len;

	for (n = 0; lines[n]; n++) {
		len = (int)strlen(lines[n]);
		if (len > w)
			w = len;
	}
	w += 4;
	if (w > COLS)
		w = COLS;
	y = (LINES - n - 2) / 2;
	x = (COLS - w) / 2;
	if (y < 0)
		y = 0;
	attrset(A_NORMAL);
	for (i = 0; i < n + 2 && y + i < LINES; i++) {
		move(y + i, x);
		for (len = 0; len < w; len++)
			addch(' ');
		if (i > 0 && i <= n)
			mvaddnstr(y + i, x + 2, lines[i - 1], w - 4);
	}
	mvhline(y, x, ACS_HLINE, w);
	if (y + n + 1 < LINES)
		mvhline(y + n + 1, x, ACS_HLINE, w);
	mvvline(y, x, ACS_VLINE, n + 2 < LINES - y ? n + 2 : LINES - y);
	mvvline(y, x + w - 1, ACS_VLINE, n + 2 < LINES - y ? n + 2 :
		LINES - y);
	mvaddch(y, x, ACS_ULCORNER);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	if (y + n + 1 < LINES) {
		mvaddch(y + n + 1, x, ACS_LLCORNER);
		mvaddch(y + n + 1, x + w - 1, ACS_LRCORNER);
	}
}

/* Draws the end of UTF-8 text s, escaped, in at most maxcols columns. */
static void put_tail(const char *s, int maxcols)
{
	char buf[LW_VM_FILTER_MAX * 4 + 1];
	const char *p = buf;

	lw_escape(s, buf, sizeof(buf));
	while (*p && lw_vm_cols(p) > maxcols) {
		p++;
		while ((*p & 0xc0) == 0x80)
			p++;
	}
	addstr(p);
}

static void draw_prompt(struct lwt *t, int y)
{
	static const char label[] = "filter (Enter applies, Esc cancels): /";

	attrset(A_BOLD);
	mvaddnstr(y, 0, label, COLS);
	attrset(A_NORMAL);
	/* Typed by the user and kept to printable characters by the key
	 * loop; shown from its end when it does not fit. */
	put_tail(t->edit, COLS - (int)sizeof(label));
}

void lwt_draw(struct lwt *t)
{
	int top, lw, rw, ty;

	erase();
	if (COLS < LWT_MIN_COLS || LINES < LWT_MIN_LINES) {
		mvaddnstr(0, 0, "terminal too small for layerwaste browse "
			  "(q quits)", COLS);
		refresh();
		return;
	}
	top = (LINES - 5) * 2 / 5;
	top = top < TOP_MIN ? TOP_MIN : top > TOP_MAX ? TOP_MAX : top;
	lw = (COLS - 1) / 2;
	rw = COLS - lw - 1;
	lw_vm_header(t->vm, COLS, &t->line);
	attrset(A_REVERSE);
	put(0, 0, t->line.buf, lw_vm_cols(t->line.buf), COLS, 1);
	attrset(A_NORMAL);
	draw_title(t, LW_VM_LAYERS, 1, 0, lw);
	draw_title(t, LW_VM_CAUSES, 1, lw + 1, rw);
	mvvline(1, lw, ACS_VLINE, top + 1);
	draw_pane(t, LW_VM_LAYERS, 2, 0, top, lw);
	draw_pane(t, LW_VM_CAUSES, 2, lw + 1, top, rw);
	ty = 2 + top;
	draw_title(t, LW_VM_TREE, ty, 0, COLS);
	draw_pane(t, LW_VM_TREE, ty + 1, 0, LINES - 3 - ty, COLS);
	lw_vm_keyhelp(t->vm, COLS, &t->line);
	attrset(A_REVERSE);
	put(LINES - 1, 0, t->line.buf, lw_vm_cols(t->line.buf),
	    COLS - 1, 1);
	attrset(A_NORMAL);
	/* Last, so that the terminal's cursor ends on the prompt. */
	if (t->editing) {
		draw_prompt(t, LINES - 2);
	} else {
		lw_vm_details(t->vm, COLS, &t->line);
		put(LINES - 2, 0, t->line.buf, 0, COLS, 0);
	}
	if (t->vm->help)
		draw_help(t);
	curs_set(t->editing ? 1 : 0);
	refresh();
}
