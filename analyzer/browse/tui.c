/* Drawing: the view model's rows on the screen, where lw_vm_layout puts
 * them (three boxes side by side on a wide screen, stacked on a narrow
 * one). Every text comes from the view model, escaped and cut to the
 * columns it is drawn in; this file adds only attributes. */
#include <curses.h>
#include <string.h>

#include "layerwaste/render.h"
#include "tui.h"

#define TOO_SMALL_LINES 16
/* Colour pairs: kinds, then diff marks, then the changes of a diff. */
#define CHANGE_PAIR0 (LW_KIND_COUNT + LW_VM_DIFF_COUNT)

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
	/* dive's colours for its marks: added green, removed red,
	 * modified yellow; ours, metadata only, cyan. */
	static const short dfg[LW_VM_DIFF_COUNT] = {
		-1, COLOR_GREEN, COLOR_RED, COLOR_YELLOW, COLOR_CYAN,
	};
	/* diff --browse: added by the change blue, changed magenta, a
	 * new layer blue. */
	static const short cfg[] = {
		[LW_VM_CHANGE_ADDED] = COLOR_BLUE,
		[LW_VM_CHANGE_CHANGED] = COLOR_MAGENTA,
		[LW_VM_CHANGE_SHARED] = -1,
		[LW_VM_CHANGE_NEW] = COLOR_BLUE,
	};
	short bg;
	int k;

	t->color = 0;
	if (!has_colors() || start_color() == ERR)
		return;
	bg = use_default_colors() == OK ? -1 : COLOR_BLACK;
	for (k = 0; k < LW_KIND_COUNT; k++)
		init_pair(kind_pair(k), fg[k], bg);
	for (k = 1; k < LW_VM_DIFF_COUNT; k++)
		init_pair((short)(LW_KIND_COUNT + k), dfg[k], bg);
	for (k = 1; k < (int)(sizeof(cfg) / sizeof(cfg[0])); k++)
		init_pair((short)(CHANGE_PAIR0 + k), cfg[k], bg);
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
		if (t->color && r->diff > 0 && r->diff < LW_VM_DIFF_COUNT &&
		    w > 1)
			mvchgat(y + (int)i, x + 1, 1, a | A_BOLD,
				(short)(LW_KIND_COUNT + r->diff), NULL);
		if (t->color && r->change > LW_VM_CHANGE_NONE &&
		    r->change != LW_VM_CHANGE_SHARED && r->change_col >= 0 &&
		    r->change_col < w)
			mvchgat(y + (int)i, x + r->change_col, 1, a | A_BOLD,
				(short)(CHANGE_PAIR0 + r->change), NULL);
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

/* An overlay (help, cause) in a box in the middle of the screen; lines
 * that do not fit in its height are left out, the last saying so. */
static void draw_overlay(struct lwt *t)
{
	const struct lw_strbuf *lines;
	size_t n, i;
	int w = 0, h, y, x, r, len;

	lines = lw_vm_overlay(t->vm, COLS - 4, &n);
	if (!lines)
		return;
	for (i = 0; i < n; i++) {
		len = lw_vm_cols(lines[i].buf);
		w = len > w ? len : w;
	}
	w += 4;
	w = w > COLS ? COLS : w;
	h = (int)n + 2 > LINES ? LINES : (int)n + 2;
	y = (LINES - h) / 2;
	x = (COLS - w) / 2;
	attrset(A_NORMAL);
	for (r = 0; r < h; r++) {
		move(y + r, x);
		for (len = 0; len < w; len++)
			addch(' ');
	}
	for (r = 1; r < h - 1; r++) {
		i = (size_t)(r - 1);
		if (r == h - 2 && i + 1 < n) /* the last line that fits */
			mvaddnstr(y + r, x + 2, "...", w - 4);
		else
			mvaddstr(y + r, x + 2, lines[i].buf);
	}
	mvhline(y, x, ACS_HLINE, w);
	mvhline(y + h - 1, x, ACS_HLINE, w);
	mvvline(y, x, ACS_VLINE, h);
	mvvline(y, x + w - 1, ACS_VLINE, h);
	mvaddch(y, x, ACS_ULCORNER);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
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
	const char *label = COLS >= 60 ?
		"filter (Enter applies, Esc cancels): /" : "filter: /";

	attrset(A_BOLD);
	mvaddnstr(y, 0, label, COLS);
	attrset(A_NORMAL);
	/* Typed by the user and kept to printable characters by the key
	 * loop; shown from its end when it does not fit. */
	put_tail(t->edit, COLS - (int)strlen(label) - 1);
}

static void draw_too_small(struct lwt *t)
{
	struct lw_strbuf lines[TOO_SMALL_LINES];
	size_t n, i;

	for (i = 0; i < TOO_SMALL_LINES; i++)
		lw_strbuf_init(&lines[i]);
	n = lw_vm_too_small(COLS, LINES, lines, TOO_SMALL_LINES);
	for (i = 0; i < n; i++)
		mvaddnstr((int)i, 0, lines[i].buf, COLS);
	for (i = 0; i < TOO_SMALL_LINES; i++)
		lw_strbuf_release(&lines[i]);
	(void)t;
}

static void draw_ldetails(struct lwt *t, const struct lw_vm_box *b)
{
	int i;

	for (i = 0; i < b->h; i++) {
		lw_vm_layer_details(t->vm, i, b->h, b->w, &t->line);
		put(b->y + i, b->x, t->line.buf, 0, b->w, 0);
	}
}

void lwt_draw(struct lwt *t)
{
	struct lw_vm_layout lo;
	int p, i;

	erase();
	lw_vm_layout(t->vm, COLS, LINES, &lo);
	if (lo.too_small) {
		draw_too_small(t);
		refresh();
		return;
	}
	lw_vm_header(t->vm, COLS, &t->line);
	attrset(A_REVERSE);
	put(0, 0, t->line.buf, lw_vm_cols(t->line.buf), COLS, 1);
	attrset(A_NORMAL);
	for (i = 0; i < 2; i++)
		if (lo.vsep[i].h)
			mvvline(lo.vsep[i].y, lo.vsep[i].x, ACS_VLINE,
				lo.vsep[i].h);
	for (p = 0; p < LW_VM_NPANES; p++) {
		if (lo.title[p].h)
			draw_title(t, p, lo.title[p].y, lo.title[p].x,
				   lo.title[p].w);
		if (lo.pane[p].h)
			draw_pane(t, p, lo.pane[p].y, lo.pane[p].x,
				  lo.pane[p].h, lo.pane[p].w);
	}
	if (lo.title[LW_VM_LDETAILS].h)
		draw_title(t, LW_VM_LDETAILS, lo.title[LW_VM_LDETAILS].y,
			   lo.title[LW_VM_LDETAILS].x,
			   lo.title[LW_VM_LDETAILS].w);
	if (lo.pane[LW_VM_LDETAILS].h)
		draw_ldetails(t, &lo.pane[LW_VM_LDETAILS]);
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
	draw_overlay(t);
	curs_set(t->editing ? 1 : 0);
	refresh();
}
