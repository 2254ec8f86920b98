/* `layerwaste diff OLD NEW --browse`: what the comparison says NEW's
 * layers and files are (shared or new layers, added or changed files),
 * and the toggle that shows only what the change added. */
#include <stdlib.h>

#include "layerwaste/index.h"
#include "vm_priv.h"

static int cfile_cmp(const void *x, const void *y)
{
	const struct lw_vm_cfile *a = x, *b = y;

	return lw_path_cmp(a->path, b->path);
}

/* The layer of NEW whose entry of path is visible, or LW_VM_NONE. */
static uint32_t visible_layer(const struct lw_snapshot *s, const char *path)
{
	size_t lo = 0, hi = s && s->has_files ? s->nfiles : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = lw_path_cmp(s->files[mid].path, path);

		if (!d)
			return s->files[mid].layer;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return LW_VM_NONE;
}

void lw_vm_set_comparison(struct lw_vm *vm, const struct lw_comparison *c)
{
	size_t nl = vm->an->image->nlayers, i;

	free(vm->cfiles);
	free(vm->lchange);
	vm->cfiles = NULL;
	vm->ncfiles = 0;
	vm->lchange = NULL;
	vm->change_only = 0;
	vm->cmp = c;
	if (!c)
		return;
	vm->lchange = lw_xcalloc(nl + 1, 1);
	for (i = 0; i < c->nlayers; i++) {
		const struct lw_cmp_layer *ly = &c->layers[i];

		if (ly->new_index < 0 || (size_t)ly->new_index >= nl)
			continue;
		vm->lchange[ly->new_index] = ly->match == LW_CMP_SHARED ?
			LW_VM_CHANGE_SHARED : LW_VM_CHANGE_NEW;
	}
	if (c->files_known && c->nfiles)
		vm->cfiles = lw_xcalloc(c->nfiles, sizeof(*vm->cfiles));
	for (i = 0; c->files_known && i < c->nfiles; i++) {
		const struct lw_cmp_file *f = &c->files[i];

		if (f->status == LW_CMP_FILE_REMOVED)
			continue;
		vm->cfiles[vm->ncfiles++] = (struct lw_vm_cfile){
			.path = f->path,
			.layer = visible_layer(c->new_, f->path),
			.change = f->status == LW_CMP_FILE_ADDED ?
				LW_VM_CHANGE_ADDED : LW_VM_CHANGE_CHANGED,
		};
	}
	if (vm->ncfiles > 1)
		qsort(vm->cfiles, vm->ncfiles, sizeof(*vm->cfiles), cfile_cmp);
	/* The files are what the change is about: show the whole image. */
	if (c->files_known)
		vm->view = LW_VM_VIEW_IMAGE;
	if (vm->ltree)
		vm->ltree->stale = 1;
	if (vm->itree)
		vm->itree->stale = 1;
}

int lw_vm_toggle_change_only(struct lw_vm *vm)
{
	if (!vm->cmp)
		return 0;
	vm->change_only = !vm->change_only;
	if (vm->ltree)
		vm->ltree->stale = 1;
	if (vm->itree)
		vm->itree->stale = 1;
	return 1;
}

int lw_vm_node_change(const struct lw_vm *vm, const struct lw_vm_tree *t,
		      const struct lw_vm_node *nd)
{
	struct lw_vm_cfile key = { .path = nd->path }, *f;

	if (!vm->ncfiles || (nd->flags & (LW_VM_N_HIDDEN | LW_VM_N_WHITEOUT)) ||
	    (nd->type != LW_ENTRY_FILE && nd->type != LW_ENTRY_HARDLINK))
		return LW_VM_CHANGE_NONE;
	f = bsearch(&key, vm->cfiles, vm->ncfiles, sizeof(*vm->cfiles),
		    cfile_cmp);
	if (!f)
		return LW_VM_CHANGE_NONE;
	/* A layer's tree marks the copy that is visible in the image. */
	if (t->view == LW_VM_VIEW_LAYER && f->layer != LW_VM_NONE &&
	    nd->layer != f->layer)
		return LW_VM_CHANGE_NONE;
	return f->change;
}

char lw_vm_change_mark(int change)
{
	switch (change) {
	case LW_VM_CHANGE_ADDED: return '*';
	case LW_VM_CHANGE_CHANGED: return '#';
	case LW_VM_CHANGE_SHARED: return '=';
	case LW_VM_CHANGE_NEW: return '+';
	default: return ' ';
	}
}
