/* The rows of a tree: what the filter and 'w' keep, sizes rolled up over
 * what is kept, and the open directories flattened in the sort order;
 * and the tree of the view the state shows (lw_vm_tree), built and
 * refreshed when it is asked for. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/index.h"
#include "layerwaste/render.h"
#include "vm_priv.h"

uint32_t lwv_tree_find(const struct lw_vm_tree *t, const char *path)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (lw_path_cmp(t->nodes[mid].path, path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < t->n && !lw_path_cmp(t->nodes[lo].path, path))
		return (uint32_t)lo;
	return LW_VM_NONE;
}

long lwv_tree_row_of(const struct lw_vm_tree *t, uint32_t node)
{
	size_t i;

	for (i = 0; i < t->nrows; i++)
		if (t->rows[i] == node)
			return (long)i;
	return -1;
}

static int filter_match(const char *filter, const char *path)
{
	if (!filter[0])
		return 1;
	/* A substring of "/" + path. */
	if (filter[0] == '/' && !strncmp(path, filter + 1, strlen(filter + 1)))
		return 1;
	return strstr(path, filter) != NULL;
}

void lwv_tree_refresh(struct lw_vm *vm, struct lw_vm_tree *t)
{
	const uint16_t mask = LW_VM_N_PASS | LW_VM_N_KEEP | LW_VM_N_KIDS;
	int narrowed = vm->filter[0] || vm->wasted_only || vm->change_only ||
		(vm->hide[t->view] & ~(1u << LW_VM_DIFF_UNMOD));
	size_t i;

	for (i = 0; i < t->n; i++) {
		t->nodes[i].flags &= (uint16_t)~mask;
		t->nodes[i].sum_size = t->nodes[i].sum_waste = 0;
	}
	t->nkeep = 0;
	/* Children follow their parent: a reverse walk sums bottom-up. */
	for (i = t->n; i-- > 1;) {
		struct lw_vm_node *nd = &t->nodes[i], *p;

		if (filter_match(vm->filter, nd->path) &&
		    (!vm->wasted_only || nd->waste > 0) &&
		    !(vm->hide[t->view] & (1u << nd->diff)) &&
		    (!vm->change_only || lw_vm_node_change(vm, t, nd))) {
			nd->flags |= LW_VM_N_PASS | LW_VM_N_KEEP;
			nd->sum_size += nd->size;
			nd->sum_waste += nd->waste;
		}
		if (!(nd->flags & LW_VM_N_KEEP))
			continue;
		t->nkeep++;
		p = &t->nodes[nd->parent];
		p->flags |= LW_VM_N_KEEP | LW_VM_N_KIDS;
		p->sum_size += nd->sum_size;
		p->sum_waste += nd->sum_waste;
	}
	t->nodes[0].flags |= LW_VM_N_PASS | LW_VM_N_KEEP;
	if (narrowed && t->nkeep <= LW_VM_AUTO_OPEN)
		for (i = 1; i < t->n; i++)
			if (t->nodes[i].flags & LW_VM_N_KIDS)
				t->nodes[i].flags |= LW_VM_N_OPEN;
	t->stale = 0;
	lwv_tree_rows(vm, t);
}


static int size_cmp(const void *x, const void *y, void *ctx)
{
	const struct lw_vm_node *nodes = ctx;
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	const struct lw_vm_node *na = &nodes[a], *nb = &nodes[b];

	if (na->sum_size != nb->sum_size)
		return na->sum_size > nb->sum_size ? -1 : 1;
	if (na->sum_waste != nb->sum_waste)
		return na->sum_waste > nb->sum_waste ? -1 : 1;
	return a < b ? -1 : a > b;
}

static void add_row(struct lw_vm_tree *t, uint32_t node)
{
	lw_grow((void **)&t->rows, &t->caprows, t->nrows + 1,
		sizeof(*t->rows));
	t->rows[t->nrows++] = node;
}

static void emit(struct lw_vm *vm, struct lw_vm_tree *t, uint32_t dir)
{
	const struct lw_vm_node *nodes = t->nodes;
	uint32_t *kids = NULL, j;
	size_t n = 0, cap = 0, i;

	for (j = dir + 1; j < nodes[dir].end; j = nodes[j].end) {
		if (!(nodes[j].flags & LW_VM_N_KEEP))
			continue;
		lw_grow((void **)&kids, &cap, n + 1, sizeof(*kids));
		kids[n++] = j;
	}
	if (vm->sort == LW_VM_SORT_SIZE && n > 1)
		qsort_r(kids, n, sizeof(*kids), size_cmp, (void *)nodes);
	for (i = 0; i < n; i++) {
		add_row(t, kids[i]);
		if ((nodes[kids[i]].flags & (LW_VM_N_OPEN | LW_VM_N_KIDS)) ==
		    (LW_VM_N_OPEN | LW_VM_N_KIDS))
			emit(vm, t, kids[i]);
	}
	free(kids);
}

void lwv_tree_rows(struct lw_vm *vm, struct lw_vm_tree *t)
{
	uint32_t keep = t->cursor < t->nrows ? t->rows[t->cursor] : LW_VM_NONE;
	long row = -1;

	t->nrows = 0;
	emit(vm, t, 0);
	/* The cursor stays on its node, or on the nearest shown ancestor. */
	while (keep != LW_VM_NONE && keep != 0) {
		row = lwv_tree_row_of(t, keep);
		if (row >= 0)
			break;
		keep = t->nodes[keep].parent;
	}
	if (row >= 0)
		t->cursor = (size_t)row;
	else if (t->cursor >= t->nrows)
		t->cursor = t->nrows ? t->nrows - 1 : 0;
}

#define SIZE_COLS 8   /* "999.9 kB" */
#define MIN_NAME_COLS 12 /* indentation stops short of this */

char lw_vm_diff_mark(int diff)
{
	static const char marks[LW_VM_DIFF_COUNT] = " +-~=";

	return diff >= 0 && diff < LW_VM_DIFF_COUNT ? marks[diff] : ' ';
}

/* "drwxr-xr-x 1000:1000" of an entry, as ls and dive show it. */
static void attrs_text(const struct lw_entry *e, char *buf, size_t size)
{
	char m[11];
	unsigned mode;
	int i;

	m[0] = !e ? ' ' : e->type == LW_ENTRY_DIR ? 'd' :
		e->type == LW_ENTRY_SYMLINK ? 'l' :
		e->type == LW_ENTRY_FILE || e->type == LW_ENTRY_HARDLINK ? '-' :
		e->type == LW_ENTRY_WHITEOUT ? 'w' : 'c';
	mode = e ? lw_entry_mode(e) : 0;
	for (i = 0; i < 9; i++)
		m[1 + i] = mode & (0400u >> i) ? "rwxrwxrwx"[i] : '-';
	if (mode & 04000)
		m[3] = m[3] == 'x' ? 's' : 'S';
	if (mode & 02000)
		m[6] = m[6] == 'x' ? 's' : 'S';
	if (mode & 01000)
		m[9] = m[9] == 'x' ? 't' : 'T';
	m[10] = '\0';
	if (!e)
		snprintf(buf, size, "%-10s %9s", "", "");
	else
		snprintf(buf, size, "%s %4" PRIu32 ":%-4" PRIu32, m,
			 lw_entry_uid(e), lw_entry_gid(e));
}

size_t lwv_rows_tree(struct lw_vm *vm, int height, int width)
{
	struct lw_vm_tree *t = lw_vm_tree(vm);
	const struct lw_image *img = vm->an->image;
	size_t i, n = 0;
	char a[32], b[32], at[48];

	lwv_rows_reserve(vm, (size_t)height);
	for (i = t->scroll; i < t->nrows && n < (size_t)height; i++, n++) {
		const struct lw_vm_node *nd = &t->nodes[t->rows[i]];
		const struct lw_entry *e = nd->entry == LW_VM_NONE ? NULL :
			&img->layers[nd->layer].index->entries[nd->entry];
		struct lw_vm_row *r = &vm->rows[n];
		const char *name = strrchr(nd->path, '/');
		int dir = nd->type == LW_ENTRY_DIR || (nd->flags &
						      LW_VM_N_KIDS);
		int indent = 2 * nd->depth, room, link = 0;
		struct lwv_line l;

		lwv_line_start(&l, &r->text, width);
		r->kind = nd->kind;
		r->kind_col = 2;
		r->diff = nd->mark;
		r->change = lw_vm_node_change(vm, t, nd);
		r->change_col = vm->cmp ? 3 : -1;
		r->flags = (i == t->cursor ? LW_VM_R_CURSOR : 0) |
			(dir ? LW_VM_R_DIR : 0) |
			(nd->flags & LW_VM_N_HIDDEN ? LW_VM_R_HIDDEN : 0) |
			(nd->sum_waste ? LW_VM_R_WASTE : 0);
		lwv_line_addf(&l, "%c%c%c%c", i == t->cursor ? '>' : ' ',
			      lw_vm_diff_mark(nd->mark),
			      lw_vm_kind_letter(nd->kind),
			      lw_vm_change_mark(r->change));
		if (vm->attrs) {
			attrs_text(e, at, sizeof(at));
			lwv_line_addf(&l, "%s ", at);
		}
		lwv_line_addf(&l, "%*s %*s ", SIZE_COLS,
			      lw_human_bytes(nd->sum_size, a, sizeof(a)),
			      SIZE_COLS, nd->sum_waste ? lw_human_bytes(
				      nd->sum_waste, b, sizeof(b)) : "");
		if (indent > lwv_line_room(&l) - MIN_NAME_COLS)
			indent = lwv_line_room(&l) - MIN_NAME_COLS;
		lwv_line_pad(&l, l.cols + (indent > 0 ? indent : 0));
		if (nd->flags & LW_VM_N_KIDS)
			lwv_line_add(&l, nd->flags & LW_VM_N_OPEN ? "- " : "+ ");
		else
			lwv_line_add(&l, "  ");
		if (nd->type == LW_ENTRY_SYMLINK && e && lw_entry_link(e))
			link = lwv_cols(lw_entry_link(e)) + 4;
		room = lwv_line_room(&l) - (dir ? 1 : 0);
		/* The name first; a link's target takes what is left, down
		 * to a third. */
		if (link > room / 3)
			link = room / 3;
		lwv_line_esc(&l, name ? name + 1 : nd->path, room - link,
			     LWV_CUT_MID);
		if (dir)
			lwv_line_add(&l, "/");
		if (link > 4) {
			lwv_line_add(&l, " -> ");
			lwv_line_esc(&l, lw_entry_link(e), -1, LWV_CUT_MID);
		}
		r->cols = l.cols;
	}
	return n;
}

struct lw_vm_tree *lw_vm_tree(struct lw_vm *vm)
{
	struct lw_vm_tree **slot = vm->view == LW_VM_VIEW_IMAGE ? &vm->itree :
		&vm->ltree;

	if (*slot && vm->view == LW_VM_VIEW_LAYER &&
	    ((*slot)->layer != vm->layer || (*slot)->below !=
	     !(vm->hide[LW_VM_VIEW_LAYER] & (1u << LW_VM_DIFF_UNMOD)))) {
		lwv_tree_free(*slot);
		*slot = NULL;
	}
	if (!*slot)
		*slot = lwv_tree_build(vm, vm->view, vm->layer);
	if ((*slot)->stale)
		lwv_tree_refresh(vm, *slot);
	return *slot;
}
