/* Where the parts of the screen go, from 200 columns down to 40x12: the
 * layers, layer details and causes side by side on a wide screen, two
 * of them on a medium one, stacked on a narrow one (the focused one of
 * layers and causes when short); and the message when even that does
 * not fit. */
#include <string.h>

#include "vm_priv.h"

#define WIDE_COLS 150   /* three boxes side by side */
#define MEDIUM_COLS 80  /* two */
#define TOP_MIN 3       /* rows of the top band's panes */
#define TOP_MAX 12
#define LDET_LINES 5

static struct lw_vm_box box(int y, int x, int h, int w)
{
	struct lw_vm_box b = { y, x, h > 0 ? h : 0, w > 0 ? w : 0 };

	if (!b.h || !b.w)
		b.h = b.w = 0;
	return b;
}

/* A pane with its title on the row above it. */
static void titled(struct lw_vm_layout *lo, int pane, int y, int x, int h,
		   int w)
{
	lo->title[pane] = box(y, x, h > 0 ? 1 : 0, w);
	lo->pane[pane] = box(y + 1, x, h, w);
}

static void wide(struct lw_vm_layout *lo, int cols, int y, int body)
{
	int top = body * 2 / 5, lw, dw, cw;

	top = top < LDET_LINES ? LDET_LINES : top > TOP_MAX ? TOP_MAX : top;
	lw = cols * 2 / 5;
	dw = cols / 4;
	cw = cols - lw - dw - 2;
	titled(lo, LW_VM_LAYERS, y, 0, top, lw);
	lo->vsep[0] = box(y, lw, top + 1, 1);
	titled(lo, LW_VM_LDETAILS, y, lw + 1, top, dw);
	lo->vsep[1] = box(y, lw + 1 + dw, top + 1, 1);
	titled(lo, LW_VM_CAUSES, y, lw + dw + 2, top, cw);
	titled(lo, LW_VM_TREE, y + top + 1, 0, body - top - 2, cols);
}

static void medium(struct lw_vm_layout *lo, int cols, int y, int body)
{
	int top = (body - 2) * 2 / 5, lw = (cols - 1) / 2, ld;

	top = top < TOP_MIN ? TOP_MIN : top > TOP_MAX ? TOP_MAX : top;
	/* The layer details: two lines of packed items, five when tall. */
	ld = body >= 40 ? LDET_LINES : body >= 18 ? 2 : 0;
	titled(lo, LW_VM_LAYERS, y, 0, top, lw);
	lo->vsep[0] = box(y, lw, top + 1, 1);
	titled(lo, LW_VM_CAUSES, y, lw + 1, top, cols - lw - 1);
	y += top + 1;
	if (ld) {
		lo->pane[LW_VM_LDETAILS] = box(y, 0, ld, cols);
		y += ld;
	}
	titled(lo, LW_VM_TREE, y, 0, body - (y - 1) - 1, cols);
}

/* Narrow: one column. Tall enough, layers, causes, layer details and
 * files one under the other; else the band above the files shows the
 * focused one of layers and causes (layers when the files have it). */
static void narrow(const struct lw_vm *vm, struct lw_vm_layout *lo,
		   int cols, int y, int body)
{
	int band, ld = body >= 16 ? 2 : 0;

	if (body >= 24) {
		int lh = (body - 4 - ld) / 4, ch = lh;

		titled(lo, LW_VM_LAYERS, y, 0, lh, cols);
		y += lh + 1;
		titled(lo, LW_VM_CAUSES, y, 0, ch, cols);
		y += ch + 1;
	} else {
		int pane = vm->pane == LW_VM_CAUSES ? LW_VM_CAUSES :
			LW_VM_LAYERS;

		band = (body - 2 - ld) / 3;
		band = band < 2 ? 2 : band;
		titled(lo, pane, y, 0, band, cols);
		y += band + 1;
	}
	if (ld) {
		lo->pane[LW_VM_LDETAILS] = box(y, 0, ld, cols);
		y += ld;
	}
	titled(lo, LW_VM_TREE, y, 0, body - (y - 1) - 1, cols);
}

void lw_vm_layout(const struct lw_vm *vm, int cols, int lines,
		  struct lw_vm_layout *lo)
{
	int body = lines - 3; /* rows between the header and the details */

	memset(lo, 0, sizeof(*lo));
	if (cols < LW_VM_MIN_COLS || lines < LW_VM_MIN_LINES) {
		lo->too_small = 1;
		return;
	}
	lo->header = box(0, 0, 1, cols);
	lo->details = box(lines - 2, 0, 1, cols);
	lo->keys = box(lines - 1, 0, 1, cols);
	if (cols >= WIDE_COLS && body >= 2 * LDET_LINES + 4)
		wide(lo, cols, 1, body);
	else if (cols >= MEDIUM_COLS)
		medium(lo, cols, 1, body);
	else
		narrow(vm, lo, cols, 1, body);
}

/* The message, longest first; each is wrapped at spaces. */
static const char *const messages[] = {
	"terminal too small for layerwaste browse: it needs 40x12 (q quits)",
	"terminal too small: needs 40x12 (q quits)",
	"too small: 40x12 (q quits)",
	"too small (q quits)",
	"too small",
	"small",
	"q",
};

/* Wraps s at spaces into lines of at most cols; returns their number,
 * or max + 1 when a word is wider than cols or lines run out. */
static size_t wrap_words(const char *s, int cols, struct lw_strbuf *out,
			 size_t max)
{
	size_t n = 0;

	while (*s) {
		size_t len = strlen(s), take;

		if (n >= max)
			return max + 1;
		if (len <= (size_t)cols) {
			take = len;
		} else {
			take = (size_t)cols;
			while (take > 0 && s[take] != ' ')
				take--;
			if (!take)
				return max + 1;
		}
		lw_strbuf_reset(&out[n]);
		lw_strbuf_add(&out[n], s, take);
		n++;
		s += take;
		while (*s == ' ')
			s++;
	}
	return n;
}

size_t lw_vm_too_small(int cols, int lines, struct lw_strbuf *out,
		       size_t max)
{
	size_t i, n, rows = lines > 0 ? (size_t)lines : 0;

	if (rows > max)
		rows = max;
	if (cols <= 0 || !rows)
		return 0;
	for (i = 0; i < sizeof(messages) / sizeof(messages[0]); i++) {
		n = wrap_words(messages[i], cols, out, rows);
		if (n <= rows)
			return n;
	}
	return 0;
}
