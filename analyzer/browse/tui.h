/* The browser's curses front end, shared by browse.c (terminal set-up and
 * keys) and tui.c (drawing). Only these two files include curses. */
#ifndef LAYERWASTE_TUI_H
#define LAYERWASTE_TUI_H

#include "layerwaste/util.h"
#include "viewmodel.h"

struct lwt {
	struct lw_vm *vm;    /* borrowed */
	int color;           /* colour pairs were set up */
	int editing;         /* the filter prompt is open */
	char edit[LW_VM_FILTER_MAX]; /* the filter being typed, UTF-8 */
	struct lw_strbuf line; /* scratch for one line of text */
};

/* Colour pairs: one per kind, from 1. */
void lwt_colors(struct lwt *t);
/* Draws the whole screen from the view model and refreshes it. */
void lwt_draw(struct lwt *t);

#endif
