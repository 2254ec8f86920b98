/* The browser's file trees: one per view, built when first shown.
 *
 * A view is a list of items (entries, whiteouts, findings) sorted once in
 * tree order (lw_path_cmp: a directory's subtree follows it), then turned
 * into nodes in one pass with a stack of open directories: equal paths
 * merge, missing parent directories are implied. Subtree ranges (end) make
 * a directory's children a walk of O(children), and every rolled-up sum
 * one reverse pass of O(nodes). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/index.h"
#include "vm_priv.h"

enum { ITEM_ENTRY = 0, ITEM_WHITEOUT, ITEM_FINDING, ITEM_BELOW };

struct item {
	const char *path;
	uint64_t key;  /* 2 * rank + 1 for a ranked path, else 2 * the rank
			  it would take */
	uint32_t a, b; /* entry: layer, index; finding: index */
	uint32_t seq;  /* input order: the last entry of a path wins */
	uint8_t what;
};

struct ref {
	uint32_t layer, entry;
};

static int is_marker(const struct lw_entry *e)
{
	return e->type == LW_ENTRY_WHITEOUT || e->type == LW_ENTRY_OPAQUE;
}

/* A copy of e's path in a, which the browser's trees and paths live in:
 * out of memory aborts, as lw_xmalloc does. */
static const char *keep_path(struct lw_arena *a, const struct lw_entry *e)
{
	struct lw_pathbuf pb;
	const char *p = lw_entry_path(e, &pb);
	const char *c = lw_arena_strndup(a, p, strlen(p));

	if (!c) {
		fputs("layerwaste: out of memory\n", stderr);
		abort();
	}
	return c;
}

void lwv_paths_init(struct lw_vm *vm)
{
	const struct lw_image *img = vm->an->image;
	size_t n = 0, k, i, depth = 0;
	uint32_t *stack;

	for (k = 0; k < img->nlayers; k++) {
		const struct lw_layer_index *ix = img->layers[k].index;

		for (i = 0; ix && i < ix->count; i++)
			if (!is_marker(&ix->entries[i]) &&
			    ix->entries[i].path_id >= n)
				n = (size_t)ix->entries[i].path_id + 1;
	}
	vm->paths = lw_xcalloc(n + 1, sizeof(*vm->paths));
	vm->pend = lw_xcalloc(n + 1, sizeof(*vm->pend));
	vm->npaths = n;
	lw_arena_init(&vm->path_strs);
	for (k = 0; k < img->nlayers; k++) {
		const struct lw_layer_index *ix = img->layers[k].index;

		for (i = 0; ix && i < ix->count; i++) {
			const struct lw_entry *e = &ix->entries[i];

			if (!is_marker(e) && !vm->paths[e->path_id])
				vm->paths[e->path_id] =
					keep_path(&vm->path_strs, e);
		}
	}
	/* Every rank has a path when the engine ranked the entries; keep the
	 * order sane even if one did not. */
	for (i = 0; i < n; i++)
		if (!vm->paths[i])
			vm->paths[i] = i ? vm->paths[i - 1] : "";
	stack = lw_xmalloc((n + 1) * sizeof(*stack));
	for (i = 0; i < n; i++) {
		const char *p = vm->paths[i];

		while (depth) {
			const char *d = vm->paths[stack[depth - 1]];
			size_t dl = strlen(d);

			if (dl == 0 || (!strncmp(p, d, dl) && p[dl] == '/'))
				break;
			vm->pend[stack[--depth]] = (uint32_t)i;
		}
		stack[depth++] = (uint32_t)i;
	}
	while (depth)
		vm->pend[stack[--depth]] = (uint32_t)n;
	free(stack);
}

/* First rank whose path is not before p. */
static size_t lower_bound(const struct lw_vm *vm, const char *p)
{
	size_t lo = 0, hi = vm->npaths;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (lw_path_cmp(vm->paths[mid], p) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static uint64_t path_key(const struct lw_vm *vm, const char *p)
{
	size_t lo = lower_bound(vm, p);

	if (lo < vm->npaths && !lw_path_cmp(vm->paths[lo], p))
		return 2 * (uint64_t)lo + 1;
	return 2 * (uint64_t)lo;
}

/* Ranks [lo, hi) of p and everything under it. */
static void subtree(const struct lw_vm *vm, const char *p, size_t *lo,
		    size_t *hi)
{
	*lo = lower_bound(vm, p);
	*hi = *lo;
	if (!p[0]) {
		*lo = 0;
		*hi = vm->npaths;
	} else if (*lo < vm->npaths && !lw_path_cmp(vm->paths[*lo], p)) {
		*hi = vm->pend[*lo];
	} else {
		/* p itself is unranked: its descendants follow from lo. */
		size_t n = strlen(p), i = *lo;

		while (i < vm->npaths && !strncmp(vm->paths[i], p, n) &&
		       vm->paths[i][n] == '/')
			i = vm->pend[i];
		*hi = i;
	}
}

static void clear(struct ref *vis, size_t lo, size_t hi)
{
	size_t i;

	for (i = lo; i < hi; i++)
		vis[i].layer = LW_VM_NONE;
}

/* Layers [from, upto) replayed onto vis as the engine does: what each
 * rank shows after them. */
static void replay(const struct lw_vm *vm, struct ref *vis, size_t from,
		   size_t upto)
{
	const struct lw_image *img = vm->an->image;
	size_t k, i, lo, hi;

	for (k = from; k < upto && k < img->nlayers; k++) {
		const struct lw_layer_index *ix = img->layers[k].index;

		for (i = 0; ix && i < ix->count; i++) {
			const struct lw_entry *e = &ix->entries[i];

			struct lw_pathbuf pb;
			const char *p;

			if (!is_marker(e))
				continue;
			p = lw_entry_path(e, &pb);
			subtree(vm, p, &lo, &hi);
			if (e->type == LW_ENTRY_OPAQUE && p[0] &&
			    lo < hi && !strcmp(vm->paths[lo], p))
				lo++;
			clear(vis, lo, hi);
		}
		for (i = 0; ix && i < ix->count; i++) {
			const struct lw_entry *e = &ix->entries[i];
			size_t r = e->path_id;
			struct ref c;

			if (is_marker(e) || r >= vm->npaths)
				continue;
			c = vis[r];
			if (c.layer != LW_VM_NONE && e->type != LW_ENTRY_DIR &&
			    img->layers[c.layer].index->entries[c.entry].type ==
			    LW_ENTRY_DIR)
				clear(vis, r + 1, vm->pend[r]);
			vis[r].layer = (uint32_t)k;
			vis[r].entry = (uint32_t)i;
		}
	}
}

/* What each rank shows after the layers below upto. Returned owned. */
static struct ref *state_below(const struct lw_vm *vm, size_t upto)
{
	struct ref *vis = lw_xmalloc((vm->npaths + 1) * sizeof(*vis));

	clear(vis, 0, vm->npaths);
	replay(vm, vis, 0, upto);
	return vis;
}

static int item_cmp(const void *x, const void *y)
{
	const struct item *a = x, *b = y;
	int c;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	if (!(a->key & 1)) {
		c = lw_path_cmp(a->path, b->path);
		if (c)
			return c;
	}
	if (a->what != b->what)
		return a->what < b->what ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

struct items {
	struct item *v;
	size_t n, cap;
	struct lw_arena *strs; /* the whiteouts' paths: the tree's */
};

static void push_item(struct items *it, const char *path, uint64_t key,
		      int what, uint32_t a, uint32_t b)
{
	struct item *x;

	lw_grow((void **)&it->v, &it->cap, it->n + 1, sizeof(*it->v));
	x = &it->v[it->n];
	x->path = path;
	x->key = key;
	x->what = (uint8_t)what;
	x->a = a;
	x->b = b;
	x->seq = (uint32_t)it->n++;
}

/* The paths the layer leaves as they were below it: unmodified. */
static void collect_below(const struct lw_vm *vm, uint32_t layer,
			  const struct ref *below, struct items *it)
{
	struct ref *after = lw_xmalloc((vm->npaths + 1) * sizeof(*after));
	size_t r;

	memcpy(after, below, (vm->npaths + 1) * sizeof(*after));
	replay(vm, after, layer, (size_t)layer + 1);
	for (r = 0; r < vm->npaths; r++)
		if (below[r].layer != LW_VM_NONE &&
		    after[r].layer == below[r].layer &&
		    after[r].entry == below[r].entry)
			push_item(it, vm->paths[r], 2 * (uint64_t)r + 1,
				  ITEM_BELOW, below[r].layer, below[r].entry);
	free(after);
}

static void collect_layer(const struct lw_vm *vm, uint32_t layer,
			  struct items *it)
{
	const struct lw_analysis *an = vm->an;
	const struct lw_layer_index *ix;
	size_t i;

	if (layer >= an->image->nlayers)
		return;
	ix = an->image->layers[layer].index;
	for (i = 0; ix && i < ix->count; i++) {
		const struct lw_entry *e = &ix->entries[i];

		if (e->type == LW_ENTRY_WHITEOUT) {
			const char *c = keep_path(it->strs, e);

			push_item(it, c, path_key(vm, c), ITEM_WHITEOUT, layer,
				  (uint32_t)i);
		} else if (!is_marker(e) && e->path_id < vm->npaths) {
			push_item(it, vm->paths[e->path_id],
				  2 * (uint64_t)e->path_id + 1, ITEM_ENTRY,
				  layer, (uint32_t)i);
		}
	}
	for (i = 0; i < an->nfindings; i++) {
		const struct lw_finding *f = &an->findings[i];

		if (f->layer == layer || f->from_layer == layer)
			push_item(it, f->path, path_key(vm, f->path),
				  ITEM_FINDING, (uint32_t)i, 0);
	}
}

static void collect_image(const struct lw_vm *vm, struct items *it)
{
	const struct lw_analysis *an = vm->an;
	struct ref *vis = state_below(vm, vm->an->image->nlayers);
	size_t r;

	for (r = 0; r < vm->npaths; r++)
		if (vis[r].layer != LW_VM_NONE)
			push_item(it, vm->paths[r], 2 * (uint64_t)r + 1,
				  ITEM_ENTRY, vis[r].layer, vis[r].entry);
	for (r = 0; r < an->nfindings; r++)
		push_item(it, an->findings[r].path,
			  path_key(vm, an->findings[r].path), ITEM_FINDING,
			  (uint32_t)r, 0);
	free(vis);
}

/* A path of LW_PATH_MAX (4096) bytes has fewer components than this. */
#define STACK_MAX 4096

struct builder {
	const struct lw_vm *vm;
	struct lw_vm_tree *t;
	const struct ref *base; /* what the diff is relative to, per rank */
	size_t cap;
	uint32_t *stack;
	size_t depth;
};

static uint32_t new_node(struct builder *b, const char *path, uint32_t parent)
{
	struct lw_vm_tree *t = b->t;
	struct lw_vm_node *nd;

	lw_grow((void **)&t->nodes, &b->cap, t->n + 1, sizeof(*t->nodes));
	nd = &t->nodes[t->n];
	memset(nd, 0, sizeof(*nd));
	nd->path = path;
	nd->parent = parent;
	nd->layer = nd->entry = LW_VM_NONE;
	nd->depth = parent == LW_VM_NONE ? 0 :
		(uint16_t)(parent ? t->nodes[parent].depth + 1 : 0);
	nd->type = LW_ENTRY_DIR;
	nd->kind = -1;
	nd->flags = LW_VM_N_SYNTH;
	if (b->depth < STACK_MAX)
		b->stack[b->depth++] = (uint32_t)t->n;
	else
		nd->end = (uint32_t)t->n + 1; /* cannot hold children */
	return (uint32_t)t->n++;
}

static int is_under(const char *dir, const char *p)
{
	size_t n = strlen(dir);

	return n == 0 || (!strncmp(p, dir, n) && p[n] == '/');
}

static const struct lw_entry *entry_of(const struct lw_analysis *an,
				       uint32_t layer, uint32_t entry)
{
	return &an->image->layers[layer].index->entries[entry];
}

/* The diff of entry e (layer, index) against what the base shows at its
 * rank. Regular files are settled later by their findings. */
static int entry_diff(const struct builder *b, uint32_t layer,
		      uint32_t index, const struct lw_entry *e)
{
	const struct ref *o;
	const struct lw_entry *p;
	const char *pl, *el;

	if (e->path_id >= b->vm->npaths)
		return LW_VM_DIFF_ADDED;
	o = &b->base[e->path_id];
	if (o->layer == LW_VM_NONE)
		return LW_VM_DIFF_ADDED;
	if (o->layer == layer && o->entry == index)
		return LW_VM_DIFF_UNMOD;
	p = entry_of(b->vm->an, o->layer, o->entry);
	pl = lw_entry_link(p);
	el = lw_entry_link(e);
	if (p->type != e->type || p->size != e->size ||
	    lw_entry_uid(p) != lw_entry_uid(e) ||
	    lw_entry_gid(p) != lw_entry_gid(e) ||
	    lw_entry_mode(p) != lw_entry_mode(e) ||
	    (pl && el ? strcmp(pl, el) : pl != el))
		return LW_VM_DIFF_MODIFIED;
	return LW_VM_DIFF_UNMOD;
}

static void merge(struct builder *b, uint32_t ni, const struct item *x)
{
	const struct lw_analysis *an = b->vm->an;
	struct lw_vm_tree *t = b->t;
	struct lw_vm_node *nd = &t->nodes[ni];

	if (x->what == ITEM_ENTRY) {
		const struct lw_entry *e =
			&an->image->layers[x->a].index->entries[x->b];

		nd->layer = x->a;
		nd->entry = x->b;
		nd->type = e->type;
		nd->flags &= (uint16_t)~LW_VM_N_SYNTH;
		nd->flags |= LW_VM_N_VISIBLE;
		nd->diff = (uint8_t)entry_diff(b, x->a, x->b, e);
		if (e->type == LW_ENTRY_FILE)
			nd->size += e->size;
	} else if (x->what == ITEM_BELOW) {
		const struct lw_entry *e = entry_of(an, x->a, x->b);

		if (nd->entry == LW_VM_NONE) {
			nd->layer = x->a;
			nd->entry = x->b;
			nd->type = e->type;
			nd->flags &= (uint16_t)~LW_VM_N_SYNTH;
			nd->flags |= LW_VM_N_VISIBLE | LW_VM_N_BELOW;
			nd->diff = LW_VM_DIFF_UNMOD;
			if (e->type == LW_ENTRY_FILE)
				nd->size += e->size;
		}
	} else if (x->what == ITEM_WHITEOUT) {
		nd->flags &= (uint16_t)~LW_VM_N_SYNTH;
		nd->flags |= LW_VM_N_WHITEOUT;
		if (nd->entry == LW_VM_NONE) {
			nd->layer = x->a;
			nd->entry = x->b;
			nd->type = LW_ENTRY_WHITEOUT;
		}
	} else {
		const struct lw_finding *f = &an->findings[x->a];
		uint64_t w = f->bytes;

		if (t->view == LW_VM_VIEW_LAYER && f->layer != t->layer &&
		    lw_kind_is_metadata(f->kind))
			w = 0; /* the copy kept is this layer's */
		if (t->view == LW_VM_VIEW_IMAGE)
			nd->size += f->bytes;
		nd->waste += w;
		if (nd->flags & LW_VM_N_SYNTH) {
			nd->flags &= (uint16_t)~LW_VM_N_SYNTH;
			nd->type = LW_ENTRY_FILE;
		}
		if (!nd->fcount)
			nd->fstart = (uint32_t)t->nfidx;
		t->fidx[t->nfidx++] = x->a;
		nd->fcount++;
	}
}

static void add_item(struct builder *b, const struct item *x)
{
	struct lw_vm_tree *t = b->t;
	const char *p = x->path, *s;
	uint32_t top;

	if (!p[0]) {
		merge(b, 0, x);
		return;
	}
	for (;;) {
		top = b->stack[b->depth - 1];
		if (top == 0 || !strcmp(t->nodes[top].path, p) ||
		    is_under(t->nodes[top].path, p))
			break;
		t->nodes[top].end = (uint32_t)t->n;
		b->depth--;
	}
	if (top && !strcmp(t->nodes[top].path, p)) {
		merge(b, top, x);
		return;
	}
	/* Imply the directories between top and p. */
	s = p + (top ? strlen(t->nodes[top].path) + 1 : 0);
	while ((s = strchr(s, '/')) != NULL) {
		top = new_node(b, lw_arena_strndup(&t->arena, p,
						   (size_t)(s - p)), top);
		s++;
	}
	merge(b, new_node(b, p, top), x);
}

uint32_t lwv_node_finding(const struct lw_vm *vm, const struct lw_vm_tree *t,
			  const struct lw_vm_node *nd)
{
	uint32_t best = LW_VM_NONE, i;
	int bscore = -1;

	for (i = 0; i < nd->fcount; i++) {
		uint32_t fi = t->fidx[nd->fstart + i];
		const struct lw_finding *f = &vm->an->findings[fi];
		const struct lw_finding *bf;
		int score;

		/* Layer view: what this layer did first, then what became of
		 * its file. Image view: the latest. */
		if (t->view == LW_VM_VIEW_LAYER)
			score = f->layer == t->layer ? 1 : 0;
		else
			score = 0;
		if (best == LW_VM_NONE || score > bscore) {
			best = fi;
			bscore = score;
			continue;
		}
		bf = &vm->an->findings[best];
		if (score == bscore && (f->layer > bf->layer ||
		    (f->layer == bf->layer && f->bytes > bf->bytes)))
			best = fi;
	}
	return best;
}

/* The diff of a file settled by its findings: in a layer view, what the
 * layer did at the path; in the image view, every change since the first
 * layer (metadata only when each was). */
static int file_diff(const struct lw_vm *vm, const struct lw_vm_tree *t,
		     const struct lw_vm_node *nd, int diff)
{
	uint32_t i;
	int meta = 0, other = 0;

	if (diff == LW_VM_DIFF_ADDED)
		return diff;
	for (i = 0; i < nd->fcount; i++) {
		const struct lw_finding *f =
			&vm->an->findings[t->fidx[nd->fstart + i]];

		if (t->view == LW_VM_VIEW_LAYER && f->layer != t->layer)
			continue;
		if (lw_kind_is_metadata(f->kind))
			meta = 1;
		else
			other = 1;
	}
	if (other)
		return LW_VM_DIFF_MODIFIED;
	if (meta)
		return LW_VM_DIFF_META;
	return diff;
}

/* An implied directory: added unless a lower layer has it. */
static int synth_diff(const struct lw_vm *vm, const struct builder *b,
		      const struct lw_vm_node *nd)
{
	size_t lo = 0, hi = vm->npaths;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (lw_path_cmp(vm->paths[mid], nd->path) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < vm->npaths && !lw_path_cmp(vm->paths[lo], nd->path) &&
	    b->base[lo].layer != LW_VM_NONE)
		return LW_VM_DIFF_UNMOD;
	return LW_VM_DIFF_ADDED;
}

/* Visibility and changes roll up; kinds, diffs and open state are
 * settled once. */
static void finish(const struct lw_vm *vm, const struct builder *b,
		   struct lw_vm_tree *t)
{
	size_t i;
	int small = t->n - 1 <= LW_VM_SMALL_TREE;
	uint8_t *changed = lw_xcalloc(t->n, 1);

	for (i = t->n; i-- > 1;) {
		struct lw_vm_node *nd = &t->nodes[i];
		uint32_t fi = lwv_node_finding(vm, t, nd);

		if (nd->flags & LW_VM_N_VISIBLE)
			t->nodes[nd->parent].flags |= LW_VM_N_VISIBLE;
		else
			nd->flags |= LW_VM_N_HIDDEN;
		if (nd->flags & (LW_VM_N_HIDDEN | LW_VM_N_WHITEOUT))
			nd->diff = LW_VM_DIFF_REMOVED;
		else if (nd->flags & LW_VM_N_SYNTH)
			nd->diff = (uint8_t)synth_diff(vm, b, nd);
		else if (nd->type == LW_ENTRY_FILE ||
			 nd->type == LW_ENTRY_HARDLINK)
			nd->diff = (uint8_t)file_diff(vm, t, nd, nd->diff);
		nd->mark = nd->diff;
		if (nd->mark == LW_VM_DIFF_UNMOD && changed[i])
			nd->mark = LW_VM_DIFF_MODIFIED;
		if (nd->mark != LW_VM_DIFF_UNMOD)
			changed[nd->parent] = 1;
		if (fi != LW_VM_NONE)
			nd->kind = (int8_t)vm->an->findings[fi].kind;
		else if ((nd->flags & LW_VM_N_WHITEOUT) ||
			 (t->view == LW_VM_VIEW_IMAGE &&
			  (nd->flags & LW_VM_N_HIDDEN)))
			nd->kind = LW_KIND_DELETE;
		if (small && nd->end > i + 1)
			nd->flags |= LW_VM_N_OPEN;
	}
	t->nodes[0].flags |= LW_VM_N_OPEN;
	t->stale = 1;
	free(changed);
}

struct lw_vm_tree *lwv_tree_build(struct lw_vm *vm, int view, uint32_t layer)
{
	struct lw_vm_tree *t = lw_xcalloc(1, sizeof(*t));
	struct items it = { .v = NULL };
	struct builder b;
	struct ref *base;
	size_t i, nf = 0;

	t->view = view;
	t->layer = layer;
	lw_arena_init(&t->arena);
	it.strs = &t->arena;
	/* The image is compared with its first layer, as dive's aggregated
	 * view; a layer with the layers below it. */
	base = state_below(vm, view == LW_VM_VIEW_IMAGE ? 1 : layer);
	if (view == LW_VM_VIEW_IMAGE) {
		collect_image(vm, &it);
	} else {
		collect_layer(vm, layer, &it);
		t->below = !(vm->hide[view] & (1u << LW_VM_DIFF_UNMOD));
		if (t->below)
			collect_below(vm, layer, base, &it);
	}
	if (it.n)
		qsort(it.v, it.n, sizeof(*it.v), item_cmp);
	for (i = 0; i < it.n; i++)
		nf += it.v[i].what == ITEM_FINDING;
	t->fidx = lw_xmalloc((nf + 1) * sizeof(*t->fidx));
	memset(&b, 0, sizeof(b));
	b.vm = vm;
	b.t = t;
	b.base = base;
	b.stack = lw_xmalloc(STACK_MAX * sizeof(*b.stack));
	new_node(&b, "", LW_VM_NONE);
	for (i = 0; i < it.n; i++)
		add_item(&b, &it.v[i]);
	while (b.depth)
		t->nodes[b.stack[--b.depth]].end = (uint32_t)t->n;
	free(b.stack);
	free(it.v);
	finish(vm, &b, t);
	free(base);
	return t;
}

void lwv_tree_free(struct lw_vm_tree *t)
{
	if (!t)
		return;
	free(t->nodes);
	free(t->fidx);
	free(t->rows);
	lw_arena_release(&t->arena);
	free(t);
}
