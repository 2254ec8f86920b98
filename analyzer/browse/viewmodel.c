/* The browser's state and key actions: which pane has the focus, the
 * cursors, the selected layer, the view, the filter, the sort. */
#include <stdlib.h>
#include <string.h>

#include "layerwaste/attrib.h"
#include "vm_priv.h"

#define GROUP_OPEN_MAX 20 /* a cause lists its files when it has no more */

/* The layer that made the largest cause, or the one with most waste. */
static uint32_t first_layer(const struct lw_analysis *an)
{
	size_t i, best = 0;

	if (an->ngroups)
		return an->groups[0].layer;
	for (i = 1; i < an->image->nlayers; i++)
		if (an->layers[i].wasted_bytes >
		    an->layers[best].wasted_bytes)
			best = i;
	return (uint32_t)best;
}

/* The package database's one cause, folded when it has many files as a
 * group is. */
static void chain_init(struct lw_vm *vm)
{
	vm->has_chain = lw_pkgdb_chain(vm->an, vm->result->attribution,
				       &vm->chain);
	if (vm->has_chain)
		vm->gopen[vm->chain.groups[0]] =
			vm->chain.nfiles <= GROUP_OPEN_MAX;
}

/* 1 when layer is one of the chain's: a step, or the layer a member
 * hides a copy of. */
static int chain_involves(const struct lw_vm *vm, uint32_t layer)
{
	size_t i;

	for (i = 0; i < vm->chain.ngroups; i++) {
		const struct lw_group *g = &vm->an->groups[vm->chain.groups[i]];

		if (g->layer == layer || g->from_layer == layer)
			return 1;
	}
	return 0;
}

struct lw_vm *lw_vm_new(const struct lw_result *r)
{
	const struct lw_analysis *an = r->analysis;
	struct lw_vm *vm = lw_xcalloc(1, sizeof(*vm));
	size_t i;

	vm->result = r;
	vm->an = an;
	lw_strbuf_init(&vm->scratch);
	vm->pane = LW_VM_LAYERS;
	for (i = 0; i < LW_VM_NPANES; i++)
		vm->height[i] = 10;
	vm->gopen = lw_xcalloc(an->ngroups + 1, 1);
	for (i = 0; i < an->ngroups; i++)
		vm->gopen[i] = an->groups[i].count <= GROUP_OPEN_MAX;
	lwv_paths_init(vm);
	/* A layer's tree lists what it changed; Ctrl-U adds the rest. */
	vm->hide[LW_VM_VIEW_LAYER] = 1u << LW_VM_DIFF_UNMOD;
	vm->made = lw_xcalloc(an->image->nlayers + 1, sizeof(*vm->made));
	vm->suffered = lw_xcalloc(an->image->nlayers + 1,
				  sizeof(*vm->suffered));
	for (i = 0; i < an->nfindings; i++) {
		const struct lw_finding *f = &an->findings[i];

		if (f->layer < an->image->nlayers)
			vm->made[f->layer] += f->bytes;
		if (!lw_kind_is_metadata(f->kind) &&
		    f->from_layer < an->image->nlayers)
			vm->suffered[f->from_layer] += f->bytes;
	}
	lwv_keys_init(vm);
	chain_init(vm);
	vm->layer = an->image->nlayers ? first_layer(an) : 0;
	vm->cursor[LW_VM_LAYERS] = vm->layer;
	lwv_causes_build(vm);
	return vm;
}

void lw_vm_free(struct lw_vm *vm)
{
	size_t i;

	if (!vm)
		return;
	lwv_tree_free(vm->ltree);
	lwv_tree_free(vm->itree);
	for (i = 0; i < vm->caprows; i++)
		lw_strbuf_release(&vm->rows[i].text);
	free(vm->rows);
	free(vm->crows);
	free(vm->gopen);
	free(vm->paths);
	free(vm->pend);
	lw_arena_release(&vm->path_strs);
	free(vm->made);
	free(vm->suffered);
	free(vm->binds);
	free(vm->cfiles);
	free(vm->lchange);
	lw_pkgdb_chain_release(&vm->chain);
	for (i = 0; i < vm->capolines; i++)
		lw_strbuf_release(&vm->olines[i]);
	free(vm->olines);
	lw_strbuf_release(&vm->scratch);
	free(vm);
}

static struct lw_vm_crow *add_crow(struct lw_vm *vm, size_t group,
				   int32_t finding)
{
	lw_grow((void **)&vm->crows, &vm->capcrows, vm->ncrows + 1,
		sizeof(*vm->crows));
	vm->crows[vm->ncrows] = (struct lw_vm_crow){
		.group = (uint32_t)group, .finding = finding,
	};
	return &vm->crows[vm->ncrows++];
}

/* The package database's one cause: header, install steps, the merge,
 * then its files (once each) or the line saying they are folded. */
static void chain_rows(struct lw_vm *vm)
{
	size_t g = vm->chain.groups[0], i;

	add_crow(vm, g, -1)->chain = 1;
	for (i = 0; i < vm->chain.nsteps; i++) {
		struct lw_vm_crow *cr = add_crow(vm, g, -4);

		cr->chain = 1;
		cr->step = (uint32_t)i;
	}
	add_crow(vm, g, -2)->chain = 1;
	if (!vm->gopen[g]) {
		add_crow(vm, g, -3)->chain = 1;
		return;
	}
	for (i = 0; i < vm->chain.nfiles; i++) {
		struct lw_vm_crow *cr = add_crow(vm, g,
						 (int32_t)vm->chain.files[i]);

		cr->chain = 1;
		cr->step = (uint32_t)i;
	}
}

void lwv_causes_build(struct lw_vm *vm)
{
	const struct lw_analysis *an = vm->an;
	size_t i, j;
	int shown = 0;

	vm->ncrows = 0;
	for (i = 0; i < an->ngroups; i++) {
		const struct lw_group *g = &an->groups[i];

		/* Install steps that rewrote the package database: one
		 * cause where the first of them would be, for every layer
		 * of the chain. */
		if (vm->has_chain && lw_pkgdb_chain_has(&vm->chain, i)) {
			if (!shown++ && chain_involves(vm, vm->layer))
				chain_rows(vm);
			continue;
		}
		if (g->layer != vm->layer && g->from_layer != vm->layer)
			continue;
		add_crow(vm, i, -1);
		if (lwv_group_fix(vm, i) >= 0)
			add_crow(vm, i, -2);
		if (!vm->gopen[i]) {
			add_crow(vm, i, -3);
			continue;
		}
		for (j = 0; j < g->count && g->first + j < an->nfindings; j++)
			add_crow(vm, i, (int32_t)(g->first + j));
	}
	if (vm->cursor[LW_VM_CAUSES] >= vm->ncrows)
		vm->cursor[LW_VM_CAUSES] = vm->ncrows ? vm->ncrows - 1 : 0;
}

size_t lw_vm_nrows(struct lw_vm *vm, int pane)
{
	if (pane == LW_VM_LAYERS)
		return vm->an->image->nlayers;
	if (pane == LW_VM_CAUSES)
		return vm->ncrows;
	return lw_vm_tree(vm)->nrows;
}

static size_t *cursor_of(struct lw_vm *vm, int pane)
{
	return pane == LW_VM_TREE ? &lw_vm_tree(vm)->cursor :
		&vm->cursor[pane];
}

static size_t *scroll_of(struct lw_vm *vm, int pane)
{
	return pane == LW_VM_TREE ? &lw_vm_tree(vm)->scroll :
		&vm->scroll[pane];
}

size_t lw_vm_cursor(struct lw_vm *vm, int pane)
{
	return *cursor_of(vm, pane);
}

size_t lw_vm_scroll(struct lw_vm *vm, int pane)
{
	return *scroll_of(vm, pane);
}

const struct lw_vm_row *lw_vm_rows(struct lw_vm *vm, int pane, int height,
				   int width, size_t *n)
{
	size_t rows = lw_vm_nrows(vm, pane);
	size_t cur = *cursor_of(vm, pane), *scroll = scroll_of(vm, pane);

	if (height < 1)
		height = 1;
	vm->height[pane] = height;
	if (cur < *scroll)
		*scroll = cur;
	if (cur >= *scroll + (size_t)height)
		*scroll = cur - (size_t)height + 1;
	if (*scroll + (size_t)height > rows)
		*scroll = rows > (size_t)height ? rows - (size_t)height : 0;
	if (pane == LW_VM_LAYERS)
		*n = lwv_rows_layers(vm, height, width);
	else if (pane == LW_VM_CAUSES)
		*n = lwv_rows_causes(vm, height, width);
	else
		*n = lwv_rows_tree(vm, height, width);
	return vm->rows;
}

int lw_vm_select_layer(struct lw_vm *vm, uint32_t layer)
{
	if (layer >= vm->an->image->nlayers || layer == vm->layer)
		return 0;
	vm->layer = layer;
	vm->cursor[LW_VM_LAYERS] = layer;
	vm->cursor[LW_VM_CAUSES] = vm->scroll[LW_VM_CAUSES] = 0;
	lwv_causes_build(vm);
	return 1;
}

static int set_cursor(struct lw_vm *vm, int pane, long to)
{
	size_t n = lw_vm_nrows(vm, pane), *cur = cursor_of(vm, pane);
	size_t old = *cur;

	if (!n)
		return 0;
	if (to < 0)
		to = 0;
	if ((size_t)to >= n)
		to = (long)n - 1;
	*cur = (size_t)to;
	if (pane == LW_VM_LAYERS)
		lw_vm_select_layer(vm, (uint32_t)to);
	return *cur != old;
}

int lw_vm_move(struct lw_vm *vm, long delta)
{
	return set_cursor(vm, vm->pane, (long)lw_vm_cursor(vm, vm->pane) +
			  delta);
}

int lw_vm_page(struct lw_vm *vm, int dir)
{
	long h = vm->height[vm->pane] > 1 ? vm->height[vm->pane] : 1;

	return lw_vm_move(vm, dir < 0 ? -h : h);
}

int lw_vm_home(struct lw_vm *vm)
{
	return set_cursor(vm, vm->pane, 0);
}

int lw_vm_end(struct lw_vm *vm)
{
	return set_cursor(vm, vm->pane, (long)lw_vm_nrows(vm, vm->pane) - 1);
}

int lw_vm_focus(struct lw_vm *vm, int pane)
{
	if (pane < 0 || pane >= LW_VM_NPANES || pane == vm->pane)
		return 0;
	vm->pane = pane;
	return 1;
}

int lw_vm_next_pane(struct lw_vm *vm, int dir)
{
	return lw_vm_focus(vm, (vm->pane + (dir < 0 ? LW_VM_NPANES - 1 : 1)) %
			   LW_VM_NPANES);
}

static void stale_trees(struct lw_vm *vm)
{
	if (vm->ltree)
		vm->ltree->stale = 1;
	if (vm->itree)
		vm->itree->stale = 1;
}

int lw_vm_set_filter(struct lw_vm *vm, const char *s)
{
	size_t n = strlen(s);

	if (n >= sizeof(vm->filter))
		n = sizeof(vm->filter) - 1;
	if (strlen(vm->filter) == n && !strncmp(vm->filter, s, n))
		return 0;
	memcpy(vm->filter, s, n);
	vm->filter[n] = '\0';
	stale_trees(vm);
	return 1;
}

int lw_vm_toggle_sort(struct lw_vm *vm)
{
	vm->sort = vm->sort == LW_VM_SORT_SIZE ? LW_VM_SORT_NAME :
		LW_VM_SORT_SIZE;
	stale_trees(vm);
	return 1;
}

int lw_vm_toggle_wasted(struct lw_vm *vm)
{
	vm->wasted_only = !vm->wasted_only;
	stale_trees(vm);
	return 1;
}

int lw_vm_toggle_view(struct lw_vm *vm)
{
	vm->view = vm->view == LW_VM_VIEW_LAYER ? LW_VM_VIEW_IMAGE :
		LW_VM_VIEW_LAYER;
	return 1;
}

int lw_vm_toggle_help(struct lw_vm *vm)
{
	vm->help = !vm->help;
	vm->why = 0;
	return 1;
}

int lw_vm_toggle_diff(struct lw_vm *vm, int diff)
{
	unsigned bit = 1u << diff, *h = &vm->hide[vm->view];

	if (diff < 0 || diff >= LW_VM_DIFF_COUNT || diff == LW_VM_DIFF_META)
		return 0;
	/* Modified takes the metadata-only copies with it, as in dive. */
	if (diff == LW_VM_DIFF_MODIFIED)
		bit |= 1u << LW_VM_DIFF_META;
	*h = (*h & bit) ? *h & ~bit : *h | bit;
	stale_trees(vm);
	return 1;
}

int lw_vm_toggle_attrs(struct lw_vm *vm)
{
	vm->attrs = !vm->attrs;
	return 1;
}

int lw_vm_toggle_collapse_all(struct lw_vm *vm)
{
	struct lw_vm_tree *t = lw_vm_tree(vm);
	int any = 0;
	size_t i;

	for (i = 1; i < t->n && !any; i++)
		any = (t->nodes[i].flags & (LW_VM_N_OPEN | LW_VM_N_KIDS)) ==
			(LW_VM_N_OPEN | LW_VM_N_KIDS);
	for (i = 1; i < t->n; i++) {
		if (any)
			t->nodes[i].flags &= (uint16_t)~LW_VM_N_OPEN;
		else if (t->nodes[i].flags & LW_VM_N_KIDS)
			t->nodes[i].flags |= LW_VM_N_OPEN;
	}
	lwv_tree_rows(vm, t);
	return 1;
}

int lw_vm_show_cause(struct lw_vm *vm)
{
	vm->why = !vm->why;
	vm->help = 0;
	return 1;
}

int lw_vm_reveal(struct lw_vm *vm, const char *path)
{
	struct lw_vm_tree *t = lw_vm_tree(vm);
	uint32_t i = lwv_tree_find(t, path), p;
	long row;

	if (i == LW_VM_NONE || i == 0 || !(t->nodes[i].flags & LW_VM_N_KEEP))
		return -1;
	for (p = t->nodes[i].parent; p != LW_VM_NONE; p = t->nodes[p].parent)
		t->nodes[p].flags |= LW_VM_N_OPEN;
	lwv_tree_rows(vm, t);
	row = lwv_tree_row_of(t, i);
	if (row < 0)
		return -1;
	t->cursor = (size_t)row;
	return 0;
}

static int tree_fold(struct lw_vm *vm, int want_open)
{
	struct lw_vm_tree *t = lw_vm_tree(vm);
	struct lw_vm_node *nd;
	int open;

	if (t->cursor >= t->nrows)
		return 0;
	nd = &t->nodes[t->rows[t->cursor]];
	open = !!(nd->flags & LW_VM_N_OPEN);
	if (!(nd->flags & LW_VM_N_KIDS) || open == want_open)
		return 0;
	nd->flags ^= LW_VM_N_OPEN;
	lwv_tree_rows(vm, t);
	return 1;
}

static int causes_activate(struct lw_vm *vm)
{
	const struct lw_vm_crow *cr;
	const char *path;

	if (vm->cursor[LW_VM_CAUSES] >= vm->ncrows)
		return 0;
	cr = &vm->crows[vm->cursor[LW_VM_CAUSES]];
	if (cr->finding == -4) {
		/* An install step: select its layer, the cursor staying on
		 * the step (the chain is shown for each of its layers). */
		uint32_t step = cr->step;
		size_t i;

		if (!lw_vm_select_layer(vm, vm->chain.steps[step]))
			return 0;
		for (i = 0; i < vm->ncrows; i++)
			if (vm->crows[i].finding == -4 &&
			    vm->crows[i].step == step)
				vm->cursor[LW_VM_CAUSES] = i;
		return 1;
	}
	if (cr->finding == -1 || cr->finding == -3) {
		uint32_t g = cr->group;
		size_t i;

		vm->gopen[g] = !vm->gopen[g];
		lwv_causes_build(vm);
		for (i = 0; i < vm->ncrows; i++)
			if (vm->crows[i].group == g) {
				vm->cursor[LW_VM_CAUSES] = i;
				break;
			}
		return 1;
	}
	if (cr->finding < 0)
		return 0;
	path = vm->an->findings[cr->finding].path;
	if (lw_vm_reveal(vm, path) < 0) {
		/* Hidden by the filter or 'w': show everything again. */
		vm->filter[0] = '\0';
		vm->wasted_only = 0;
		stale_trees(vm);
		if (lw_vm_reveal(vm, path) < 0)
			return 0;
	}
	vm->pane = LW_VM_TREE;
	return 1;
}

int lw_vm_activate(struct lw_vm *vm)
{
	if (vm->pane == LW_VM_TREE) {
		struct lw_vm_tree *t = lw_vm_tree(vm);

		if (t->cursor >= t->nrows)
			return 0;
		return tree_fold(vm, !(t->nodes[t->rows[t->cursor]].flags &
				       LW_VM_N_OPEN));
	}
	if (vm->pane == LW_VM_CAUSES)
		return causes_activate(vm);
	vm->view = LW_VM_VIEW_LAYER;
	vm->pane = LW_VM_TREE;
	return 1;
}

int lw_vm_left(struct lw_vm *vm)
{
	struct lw_vm_tree *t;
	uint32_t parent;
	long row;

	if (vm->pane == LW_VM_CAUSES)
		return lw_vm_focus(vm, LW_VM_LAYERS);
	if (vm->pane != LW_VM_TREE)
		return 0;
	if (tree_fold(vm, 0))
		return 1;
	t = lw_vm_tree(vm);
	if (t->cursor >= t->nrows)
		return 0;
	parent = t->nodes[t->rows[t->cursor]].parent;
	if (parent == 0 || parent == LW_VM_NONE)
		return 0;
	row = lwv_tree_row_of(t, parent);
	if (row < 0)
		return 0;
	t->cursor = (size_t)row;
	return 1;
}

int lw_vm_right(struct lw_vm *vm)
{
	struct lw_vm_tree *t;

	if (vm->pane == LW_VM_LAYERS)
		return lw_vm_focus(vm, LW_VM_CAUSES);
	if (vm->pane != LW_VM_TREE)
		return 0;
	if (tree_fold(vm, 1))
		return 1;
	t = lw_vm_tree(vm);
	if (t->cursor < t->nrows &&
	    (t->nodes[t->rows[t->cursor]].flags & LW_VM_N_KIDS))
		return lw_vm_move(vm, 1);
	return 0;
}

int lw_vm_action(struct lw_vm *vm, int action)
{
	switch (action) {
	case LW_ACT_QUIT: return LW_VM_QUIT;
	case LW_ACT_UP: return lw_vm_move(vm, -1);
	case LW_ACT_DOWN: return lw_vm_move(vm, 1);
	case LW_ACT_LEFT: return lw_vm_left(vm);
	case LW_ACT_RIGHT: return lw_vm_right(vm);
	case LW_ACT_PAGE_UP: return lw_vm_page(vm, -1);
	case LW_ACT_PAGE_DOWN: return lw_vm_page(vm, 1);
	case LW_ACT_FIRST: return lw_vm_home(vm);
	case LW_ACT_LAST: return lw_vm_end(vm);
	case LW_ACT_NEXT_PANE: return lw_vm_next_pane(vm, 1);
	case LW_ACT_PREV_PANE: return lw_vm_next_pane(vm, -1);
	case LW_ACT_OPEN: return lw_vm_activate(vm);
	case LW_ACT_COLLAPSE_ALL: return lw_vm_toggle_collapse_all(vm);
	case LW_ACT_FILTER: return LW_VM_FILTER;
	case LW_ACT_SORT: return lw_vm_toggle_sort(vm);
	case LW_ACT_WASTED: return lw_vm_toggle_wasted(vm);
	case LW_ACT_IMAGE_VIEW: return lw_vm_toggle_view(vm);
	case LW_ACT_COMPARE_ALL:
		if (vm->view == LW_VM_VIEW_IMAGE)
			return 0;
		return lw_vm_toggle_view(vm);
	case LW_ACT_COMPARE_LAYER:
		if (vm->view == LW_VM_VIEW_LAYER)
			return 0;
		return lw_vm_toggle_view(vm);
	case LW_ACT_ADDED: return lw_vm_toggle_diff(vm, LW_VM_DIFF_ADDED);
	case LW_ACT_REMOVED: return lw_vm_toggle_diff(vm, LW_VM_DIFF_REMOVED);
	case LW_ACT_MODIFIED:
		return lw_vm_toggle_diff(vm, LW_VM_DIFF_MODIFIED);
	case LW_ACT_UNMODIFIED: return lw_vm_toggle_diff(vm, LW_VM_DIFF_UNMOD);
	case LW_ACT_ATTRS: return lw_vm_toggle_attrs(vm);
	case LW_ACT_CAUSE: return lw_vm_show_cause(vm);
	case LW_ACT_HELP: return lw_vm_toggle_help(vm);
	case LW_ACT_CHANGE_ONLY: return lw_vm_toggle_change_only(vm);
	default: return 0;
	}
}

int lw_vm_key(struct lw_vm *vm, int key)
{
	int action;

	if (vm->help || vm->why) {
		vm->help = vm->why = 0;
		return 1;
	}
	action = lwv_key_action(vm, key);
	return action < 0 ? 0 : lw_vm_action(vm, action);
}
