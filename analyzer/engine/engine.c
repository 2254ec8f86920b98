/* The waste engine: the visible state across layers, and a finding for
 * every regular file a later layer makes unreachable. */
#include <stdlib.h>
#include <string.h>

#include "engine_priv.h"
#include "layerwaste/util.h"

struct pend {
	size_t finding;
	/* Entry numbers: the hidden file, the entry with new content. */
	uint32_t old, new;
};

struct state {
	struct lw_image *img;
	struct lw_analysis *an; /* whose arena keeps the findings' paths */
	struct lw_numbering nb;
	struct lw_pathset ps;
	/* Per rank, the number of the entry visible there, or
	 * LW_NUM_NONE. */
	uint32_t *vis;
	/* The findings, their paths still NULL: fnum[i] is the number of
	 * the entry finding i hides, whose path is copied once the engine's
	 * big arrays are gone (keep_paths()). */
	struct lw_finding *f;
	uint32_t *fnum;
	size_t nf, capf, capfnum;
	/* Same-size replacements whose kind waits for a content compare. */
	struct pend *pending;
	size_t npending, cappending;
};

static const char *const kind_names[LW_KIND_COUNT] = {
	"chown", "chmod", "chown+chmod", "touch", "overwrite", "delete",
};

const char *lw_kind_name(int kind)
{
	return kind >= 0 && kind < LW_KIND_COUNT ? kind_names[kind] : "?";
}

int lw_kind_from_name(const char *name)
{
	int k;

	for (k = 0; k < LW_KIND_COUNT; k++)
		if (!strcmp(name, kind_names[k]))
			return k;
	return -1;
}

int lw_kind_is_metadata(int kind)
{
	return kind >= LW_KIND_CHOWN && kind <= LW_KIND_TOUCH;
}

double lw_analysis_wasted_percent(const struct lw_analysis *an)
{
	return an->total_bytes ? 100.0 * (double)an->wasted_bytes /
		(double)an->total_bytes : 0.0;
}

static struct lw_entry *entry_of(const struct state *st, uint32_t num)
{
	return lw_num_entry(&st->nb, num);
}

static int is_marker(const struct lw_entry *e)
{
	return e->type == LW_ENTRY_WHITEOUT || e->type == LW_ENTRY_OPAQUE;
}

static int same_index_seen(const struct lw_image *img, size_t k)
{
	size_t j;

	for (j = 0; j < k; j++)
		if (img->layers[j].index == img->layers[k].index)
			return 1;
	return 0;
}

static const struct lw_numbering *sort_nb;

/* Entry numbers in tree order of their paths, then in number order: a
 * strict order, so that a sort of them has one result. */
static int num_cmp(uint32_t x, uint32_t y, const void *ctx)
{
	const struct lw_numbering *nb = ctx;
	int c = lw_entry_path_cmp(lw_num_entry(nb, x), lw_num_entry(nb, y));

	return c ? c : x < y ? -1 : x > y;
}

static int num_qcmp(const void *a, const void *b)
{
	return num_cmp(*(const uint32_t *)a, *(const uint32_t *)b, sort_nb);
}

/* Beyond this many ascending runs of entry numbers, build_paths sorts
 * them with qsort(). */
#define SORT_RUNS_MAX 4096u

/* Whether a and b have the same path. */
static int same_path(const struct lw_entry *a, const struct lw_entry *b)
{
	const struct lw_dir *ad = lw_entry_dir(a), *bd = lw_entry_dir(b);

	if (ad != bd && (!ad || !bd || ad->hash != bd->hash ||
			 ad->len != bd->len ||
			 memcmp(ad->path, bd->path, ad->len)))
		return 0;
	return !strcmp(lw_entry_name(a), lw_entry_name(b));
}

/* The range of every marker of every layer, and a whiteout's directory's
 * rank (lw_pathset.marks). */
static int make_marks(struct state *st, struct lw_error *err)
{
	const struct lw_image *img = st->img;
	struct lw_pathset *ps = &st->ps;
	size_t cap = 0, i, lo, hi;
	uint32_t k;
	int self;

	for (k = 0; k < img->nlayers; k++) {
		const struct lw_layer_index *ix = img->layers[k].index;

		for (i = 0; i < ix->count; i++) {
			const struct lw_entry *e = &ix->entries[i];
			struct lw_mark *m;
			const struct lw_dir *d;

			if (!is_marker(e))
				continue;
			if (ps->nmarks == cap) {
				size_t c = cap ? cap * 2 : 64;
				struct lw_mark *nm = realloc(ps->marks,
							     c * sizeof(*nm));

				if (!nm)
					return lw_error_set(err, LW_ERR_NOMEM,
							    "out of memory");
				ps->marks = nm;
				cap = c;
			}
			m = &ps->marks[ps->nmarks++];
			lw_pathset_subtree_of(ps, e, &lo, &hi, &self);
			m->layer = k;
			m->entry = (uint32_t)i;
			m->lo = (uint32_t)lo;
			m->hi = (uint32_t)hi;
			m->self = (uint8_t)self;
			m->parent = UINT32_MAX;
			d = lw_entry_dir(e);
			if (e->type == LW_ENTRY_WHITEOUT && d) {
				lw_pathset_subtree(ps, d->path, d->len, &lo,
						   &hi);
				if (lo < hi &&
				    !lw_entry_path_cmp_str(
					    lw_pathset_entry(ps, lo), d->path,
					    d->len))
					m->parent = (uint32_t)lo;
			}
		}
	}
	return LW_OK;
}

/* Whether d's path holds the paths of directory pd (NULL: the root): pd
 * is d's path or under it. */
static int holds(const struct lw_entry *d, const struct lw_dir *pd)
{
	const struct lw_dir *dd = lw_entry_dir(d);
	size_t at = dd ? dd->len + 1 : 0, dl = at + d->name_len;

	if (!pd || pd->len < dl)
		return 0;
	if (dd && (memcmp(pd->path, dd->path, dd->len) ||
		   pd->path[dd->len] != '/'))
		return 0;
	return !memcmp(pd->path + at, lw_entry_name(d), d->name_len) &&
		(pd->len == dl || pd->path[dl] == '/');
}

/* The subtree ends of ps's paths (lw_pathset_end()): a directory's
 * subtree ends at the first path it does not hold. A path is inner when
 * the next one is under it, and then takes the next slot of inner_end:
 * slots in rank order. */
static int find_ends(struct lw_pathset *ps, struct lw_error *err)
{
	struct open_dir {
		uint32_t rank, slot; /* slot: UINT32_MAX if not inner */
	} *stack = NULL;
	size_t depth = 0, capstack = 0, ninner = 0, capinner = 0, i;
	size_t words = ps->n / 64 + 1;
	int rc = LW_OK;

	ps->inner = calloc(words, sizeof(*ps->inner));
	ps->inner_before = malloc(words * sizeof(*ps->inner_before));
	if (!ps->inner || !ps->inner_before) {
		rc = lw_error_set(err, LW_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < ps->n; i++) {
		const struct lw_dir *pd = lw_entry_dir(lw_pathset_entry(ps, i));

		while (depth && !holds(lw_pathset_entry(ps,
							stack[depth - 1].rank),
				       pd)) {
			struct open_dir *o = &stack[--depth];

			if (o->slot != UINT32_MAX)
				ps->inner_end[o->slot] = (uint32_t)i;
		}
		if (depth && stack[depth - 1].rank == i - 1) {
			stack[depth - 1].slot = (uint32_t)ninner;
			ps->inner[(i - 1) / 64] |= (uint64_t)1 << ((i - 1) % 64);
			lw_grow((void **)&ps->inner_end, &capinner, ++ninner,
				sizeof(*ps->inner_end));
		}
		lw_grow((void **)&stack, &capstack, depth + 1, sizeof(*stack));
		stack[depth].rank = (uint32_t)i;
		stack[depth++].slot = UINT32_MAX;
	}
	while (depth) {
		struct open_dir *o = &stack[--depth];

		if (o->slot != UINT32_MAX)
			ps->inner_end[o->slot] = (uint32_t)ps->n;
	}
	for (i = 0, ninner = 0; i < words; i++) {
		ps->inner_before[i] = (uint32_t)ninner;
		ninner += (size_t)__builtin_popcountll(ps->inner[i]);
	}
out:
	free(stack);
	return rc;
}

/* Sorts every entry of the image (markers aside) in tree order, so that
 * entries of one path are neighbours: numbered in that order, each path's
 * rank is its place among the distinct paths, a directory's subtree a
 * range of ranks. No more than two arrays of 4 bytes an entry live beside
 * the entries. */
static int build_paths(struct state *st, struct lw_error *err)
{
	struct lw_image *img = st->img;
	const struct lw_numbering *nb = &st->nb;
	size_t total = 0, i, k, n = 0;
	uint32_t *a, *tmp, *sorted;
	int rc = LW_OK;

	for (k = 0; k < img->nlayers; k++)
		if (!same_index_seen(img, k))
			total += img->layers[k].index->count;
	a = malloc((total + 1) * sizeof(*a));
	tmp = malloc((total + 1) * sizeof(*tmp));
	if (!a || !tmp) {
		free(a);
		free(tmp);
		return lw_error_set(err, LW_ERR_NOMEM, "out of memory");
	}
	total = 0;
	for (k = 0; k < img->nlayers; k++) {
		const struct lw_layer_index *ix = img->layers[k].index;

		if (same_index_seen(img, k))
			continue;
		for (i = 0; i < ix->count; i++)
			if (!is_marker(&ix->entries[i]))
				a[total++] = lw_num_of(nb, (uint32_t)k,
						       (uint32_t)i);
	}
	/* A layer's tar lists its tree in order mostly: a few runs,
	 * merged, compare far fewer times than a sort. */
	sorted = lw_sort_runs(a, tmp, total, SORT_RUNS_MAX, num_cmp, nb);
	if (sorted == tmp) {
		tmp = a;
		a = sorted;
	} else if (!sorted) {
		/* qsort: its merge sort compares fewer times, and path
		 * compares are the cost; its copy of a takes the place
		 * of tmp. */
		free(tmp);
		tmp = NULL;
		sort_nb = nb;
		qsort(a, total, sizeof(*a), num_qcmp);
	}
	free(tmp);
	/* Each run of one path is a rank; its first entry stays, in
	 * place, as the path's. */
	for (i = 0; i < total; i++) {
		struct lw_entry *e = lw_num_entry(nb, a[i]);

		if (!n || !same_path(lw_num_entry(nb, a[n - 1]), e))
			a[n++] = a[i];
		e->path_id = (uint32_t)(n - 1);
	}
	st->ps.nb = nb;
	st->ps.paths = lw_xrealloc(a, (n + 1) * sizeof(*a));
	st->ps.n = n;
	rc = find_ends(&st->ps, err);
	if (rc)
		goto out;
	rc = make_marks(st, err);
	/* Ranks and ranges are all the rest needs. */
	free(st->ps.paths);
	st->ps.paths = NULL;
out:
	return rc;
}

/* A copy of e's path in an's arena, or NULL on out of memory. */
static const char *keep_path(struct lw_analysis *an, const struct lw_entry *e)
{
	struct lw_pathbuf b;
	const char *p = lw_entry_path(e, &b);

	return lw_arena_strndup(&an->strs, p, strlen(p));
}

static struct lw_finding *add_finding(struct state *st, int kind,
				      uint32_t layer, uint32_t hidden,
				      const struct lw_entry *after)
{
	const struct lw_entry *h = entry_of(st, hidden);
	struct lw_finding *f;

	lw_grow((void **)&st->f, &st->capf, st->nf + 1, sizeof(*st->f));
	lw_grow((void **)&st->fnum, &st->capfnum, st->nf + 1,
		sizeof(*st->fnum));
	st->fnum[st->nf] = hidden;
	f = &st->f[st->nf++];
	memset(f, 0, sizeof(*f));
	/* A hard link stores nothing: its bytes are its target's. */
	f->hardlink = h->type == LW_ENTRY_HARDLINK;
	f->bytes = f->hardlink ? 0 : h->size;
	f->layer = layer;
	f->from_layer = lw_num_layer(&st->nb, hidden);
	f->kind = (uint8_t)kind;
	f->before.uid = lw_entry_uid(h);
	f->before.gid = lw_entry_gid(h);
	f->before.mode = lw_entry_mode(h);
	if (after) {
		f->has_after = 1;
		f->after_type = after->type;
		f->after.uid = lw_entry_uid(after);
		f->after.gid = lw_entry_gid(after);
		f->after.mode = lw_entry_mode(after);
	}
	return f;
}

/* Regular files and hard links: what a hidden entry makes a finding of. */
static int is_stored(const struct lw_entry *e)
{
	return e->type == LW_ENTRY_FILE || e->type == LW_ENTRY_HARDLINK;
}

/* Hides what is visible at ranks [lo, hi): regular files and hard links
 * become delete findings of layer. */
static void hide_range(struct state *st, size_t lo, size_t hi, uint32_t layer)
{
	size_t i;

	for (i = lo; i < hi; i++) {
		uint32_t r = st->vis[i];

		if (r == LW_NUM_NONE)
			continue;
		if (is_stored(entry_of(st, r)))
			add_finding(st, LW_KIND_DELETE, layer, r, NULL);
		st->vis[i] = LW_NUM_NONE;
	}
}

/* The entry that holds the content of layer's entry e
 * (lw_layer_index_content), and its number in *out. */
static const struct lw_entry *content_of(struct state *st, uint32_t layer,
					 const struct lw_entry *e,
					 uint32_t *out)
{
	const struct lw_layer_index *ix = st->img->layers[layer].index;
	const struct lw_entry *c = lw_layer_index_content(ix, e);

	*out = c ? lw_num_of(&st->nb, layer, (uint32_t)(c - ix->entries)) :
		LW_NUM_NONE;
	return c;
}

static void replace(struct state *st, uint32_t layer, uint32_t idx)
{
	const struct lw_entry *e = &st->img->layers[layer].index->entries[idx];
	size_t r = e->path_id;
	uint32_t cur = st->vis[r];

	/* Only a regular file or hard link below gives a finding;
	 * directories, symlinks and devices carry no bytes. */
	if (cur != LW_NUM_NONE && is_stored(entry_of(st, cur))) {
		uint32_t oc, nc;
		const struct lw_entry *c = content_of(st,
						      lw_num_layer(&st->nb, cur),
						      entry_of(st, cur), &oc);
		const struct lw_entry *ce = content_of(st, layer, e, &nc);

		if (!is_stored(e)) {
			/* A directory, symlink or device took the path
			 * (`rm f && mkdir f`): the file is gone. */
			add_finding(st, LW_KIND_DELETE, layer, cur, NULL);
		} else {
			struct lw_finding *f = add_finding(st, LW_KIND_OVERWRITE,
							   layer, cur, e);

			/* The same size may be the same content: compared
			 * once every layer is walked. */
			if (ce && c && ce->size == c->size) {
				struct pend *p;

				lw_grow((void **)&st->pending, &st->cappending,
					st->npending + 1, sizeof(*st->pending));
				p = &st->pending[st->npending++];
				p->finding = (size_t)(f - st->f);
				p->old = oc;
				p->new = nc;
			}
		}
	}
	/* A non-directory replaces a whole directory, listed or implied by
	 * the paths below it. */
	if (e->type != LW_ENTRY_DIR)
		hide_range(st, r + 1, lw_pathset_end(&st->ps, r), layer);
	st->vis[r] = lw_num_of(&st->nb, layer, idx);
}

static void walk_layer(struct state *st, uint32_t k)
{
	struct lw_layer_index *ix = st->img->layers[k].index;
	size_t i;

	/* Whiteouts hide lower layers only, wherever they sit in the tar;
	 * an opaque marker's directory itself stays. */
	for (i = lw_pathset_marks_of(&st->ps, k);
	     i < st->ps.nmarks && st->ps.marks[i].layer == k; i++) {
		const struct lw_mark *m = &st->ps.marks[i];
		int opaque = ix->entries[m->entry].type == LW_ENTRY_OPAQUE;

		hide_range(st, m->lo + (opaque && m->self), m->hi, k);
	}
	for (i = 0; i < ix->count; i++)
		if (!is_marker(&ix->entries[i]))
			replace(st, k, (uint32_t)i);
}

/* Refs hashed per call of lw_image_hash_many: its working memory grows
 * with the refs it is given, so a bounded number at a time keeps that
 * out of the cost per entry. */
#define HASH_CHUNK (1u << 16)

/* lw_image_hash_many over refs[0..n), HASH_CHUNK at a time. */
static int hash_refs(struct lw_image *img, const struct lw_entry_ref *refs,
		     size_t n, int jobs, struct lw_error *err)
{
	size_t i;
	int rc = LW_OK;

	for (i = 0; !rc && i < n; i += HASH_CHUNK)
		rc = lw_image_hash_many(img, refs + i, n - i < HASH_CHUNK ?
					n - i : HASH_CHUNK, jobs, err);
	return rc;
}

/* The layer and entry of number num. */
static struct lw_entry_ref ref_of(const struct state *st, uint32_t num)
{
	struct lw_entry_ref r;

	r.layer = lw_num_layer(&st->nb, num);
	r.entry = num - st->nb.first[r.layer];
	return r;
}

static int resolve_pending(struct state *st, int jobs, struct lw_error *err)
{
	struct lw_entry_ref *refs;
	size_t i;
	int rc;

	/* Read what must be compared first, on every core. */
	refs = lw_xcalloc(st->npending * 2 + 1, sizeof(*refs));
	for (i = 0; i < st->npending; i++) {
		refs[2 * i] = ref_of(st, st->pending[i].old);
		refs[2 * i + 1] = ref_of(st, st->pending[i].new);
	}
	if (st->npending > 1)
		lw_sort_refs(refs, st->npending * 2);
	rc = hash_refs(st->img, refs, st->npending * 2, jobs, err);
	free(refs);
	if (rc)
		return rc;

	for (i = 0; i < st->npending; i++) {
		struct pend *p = &st->pending[i];
		struct lw_finding *f = &st->f[p->finding];
		struct lw_entry_ref o = ref_of(st, p->old), n = ref_of(st, p->new);
		struct lw_hash a, b;
		int owner, mode;

		rc = lw_image_hash_entry(st->img, o.layer, o.entry, &a, err);
		if (!rc)
			rc = lw_image_hash_entry(st->img, n.layer, n.entry, &b,
						 err);
		if (rc)
			return rc;
		if (a.lo != b.lo || a.hi != b.hi)
			continue;
		owner = f->before.uid != f->after.uid ||
			f->before.gid != f->after.gid;
		mode = f->before.mode != f->after.mode;
		f->kind = owner && mode ? LW_KIND_CHOWN_CHMOD :
			owner ? LW_KIND_CHOWN : mode ? LW_KIND_CHMOD :
			LW_KIND_TOUCH;
	}
	return LW_OK;
}

static int finding_cmp(const void *x, const void *y)
{
	const struct lw_finding *a = x, *b = y;

	if (a->layer != b->layer)
		return a->layer < b->layer ? -1 : 1;
	if (a->from_layer != b->from_layer)
		return a->from_layer < b->from_layer ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return strcmp(a->path, b->path);
}

static int group_cmp(const void *x, const void *y)
{
	const struct lw_group *a = x, *b = y;

	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	if (a->layer != b->layer)
		return a->layer < b->layer ? -1 : 1;
	if (a->from_layer != b->from_layer)
		return a->from_layer < b->from_layer ? -1 : 1;
	return a->kind < b->kind ? -1 : a->kind > b->kind;
}

/* The totals of the visible state. */
static void summarise_visible(struct state *st, struct lw_analysis *an)
{
	struct lw_image *img = st->img;
	size_t i, k;

	an->layers = lw_xcalloc(img->nlayers + 1, sizeof(*an->layers));
	for (k = 0; k < img->nlayers; k++)
		an->total_bytes += img->layers[k].index->file_bytes;
	for (i = 0; i < st->ps.n; i++) {
		const struct lw_entry *e;

		if (st->vis[i] == LW_NUM_NONE)
			continue;
		e = entry_of(st, st->vis[i]);
		if (e->type == LW_ENTRY_FILE)
			an->visible_bytes += e->size;
		if (e->type == LW_ENTRY_FILE || e->type == LW_ENTRY_HARDLINK)
			an->file_count++;
	}
}

/* Each finding's path, copied into the analysis. Returns 0, or -1 on out
 * of memory. */
static int keep_paths(struct state *st)
{
	size_t i;

	for (i = 0; i < st->nf; i++) {
		st->f[i].path = keep_path(st->an, entry_of(st, st->fnum[i]));
		if (!st->f[i].path)
			return -1;
	}
	free(st->fnum);
	st->fnum = NULL;
	return 0;
}

/* The findings in order, and their groups and totals. */
static void summarise_findings(struct state *st, struct lw_analysis *an)
{
	size_t i;

	if (st->nf)
		qsort(st->f, st->nf, sizeof(*st->f), finding_cmp);
	an->findings = st->f;
	an->nfindings = st->nf;
	st->f = NULL;
	for (i = 0; i < an->nfindings; i++) {
		const struct lw_finding *f = &an->findings[i];
		uint32_t owner = lw_kind_is_metadata(f->kind) ? f->layer :
			f->from_layer;
		struct lw_group *g = an->ngroups ?
			&an->groups[an->ngroups - 1] : NULL;

		an->wasted_bytes += f->bytes;
		an->by_kind[f->kind] += f->bytes;
		an->files_by_kind[f->kind]++;
		an->layers[owner].wasted_bytes += f->bytes;
		an->layers[owner].findings++;
		if (!g || g->layer != f->layer ||
		    g->from_layer != f->from_layer || g->kind != f->kind) {
			an->groups = lw_xrealloc(an->groups, (an->ngroups + 1) *
						 sizeof(*an->groups));
			g = &an->groups[an->ngroups++];
			memset(g, 0, sizeof(*g));
			g->layer = f->layer;
			g->from_layer = f->from_layer;
			g->kind = f->kind;
			g->first = i;
		}
		g->bytes += f->bytes;
		g->files++;
		g->links += f->hardlink;
		g->count++;
	}
	if (an->ngroups)
		qsort(an->groups, an->ngroups, sizeof(*an->groups), group_cmp);
	if (an->wasted_bytes != an->total_bytes - an->visible_bytes)
		lw_warnings_add(&an->warnings, "internal check failed: wasted "
				"%llu != total %llu - visible %llu",
				(unsigned long long)an->wasted_bytes,
				(unsigned long long)an->total_bytes,
				(unsigned long long)an->visible_bytes);
}

/* A visible file in the search for duplicates is one 64-bit item: a key
 * in its high half, the number of its entry in the low; the rest is read
 * from the entry. */
static const struct lw_numbering *dup_nb;

static uint64_t dup_item(uint32_t key, uint32_t num)
{
	return (uint64_t)key << 32 | num;
}

static const struct lw_entry *dup_entry(uint64_t item)
{
	return lw_num_entry(dup_nb, (uint32_t)item);
}

/* By size, then entry: where sizes of 4 GiB or more share a key. */
static int dup_size_cmp(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	uint64_t sa = dup_entry(a)->size, sb = dup_entry(b)->size;

	if (sa != sb)
		return sa < sb ? -1 : 1;
	return (uint32_t)a < (uint32_t)b ? -1 : (uint32_t)a > (uint32_t)b;
}

/* By size, then content, then path. */
static int dup_cmp(const void *x, const void *y)
{
	const struct lw_entry *ea = dup_entry(*(const uint64_t *)x);
	const struct lw_entry *eb = dup_entry(*(const uint64_t *)y);

	if (ea->size != eb->size)
		return ea->size < eb->size ? -1 : 1;
	if (ea->hash.hi != eb->hash.hi)
		return ea->hash.hi < eb->hash.hi ? -1 : 1;
	if (ea->hash.lo != eb->hash.lo)
		return ea->hash.lo < eb->hash.lo ? -1 : 1;
	return lw_entry_path_strcmp(ea, eb);
}

static int dupgroup_cmp(const void *x, const void *y)
{
	const struct lw_dup_group *a = x, *b = y;

	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	return strcmp(a->members[0].path, b->members[0].path);
}

/* Whether items a and b hold the same content. */
static int same_content(uint64_t a, uint64_t b)
{
	const struct lw_entry *x = dup_entry(a), *y = dup_entry(b);

	return x->size == y->size && x->hash.hi == y->hash.hi &&
		x->hash.lo == y->hash.lo;
}

/* Sorts items by size: keyed by the low half of their size and sorted on
 * the keys, and when some size is 4 GiB or more, so that sizes 4 GiB
 * apart may share a key, each run of one key by the whole size, then
 * entry. Returns whether that was so (see same_size()). */
static int dup_sort_by_size(uint64_t *it, size_t m)
{
	size_t i, j;
	int big = 0;

	for (i = 0; i < m; i++) {
		uint64_t size = dup_entry(it[i])->size;

		big |= size >> 32 != 0;
		it[i] = dup_item((uint32_t)size, (uint32_t)it[i]);
	}
	if (m > 1)
		lw_sort_u64_high(it, m);
	for (i = 0; big && i < m; i = j) {
		for (j = i + 1; j < m && it[j] >> 32 == it[i] >> 32; j++)
			;
		if (j - i > 1)
			lw_sort(it + i, j - i, sizeof(*it), dup_size_cmp);
	}
	return big;
}

/* Whether items a and b, as dup_sort_by_size() left them and what it
 * returned, have one size: their keys tell, unless some size was big. */
static int same_size(uint64_t a, uint64_t b, int big)
{
	return big ? dup_entry(a)->size == dup_entry(b)->size :
		a >> 32 == b >> 32;
}

/* Sorts hashed items by size, content, then path (dup_cmp): by size,
 * then each size's items keyed by the high half of their hash and sorted
 * on the keys, and where that half is shared (mostly copies of one
 * content), by dup_cmp. */
static void dup_sort_by_content(uint64_t *it, size_t m)
{
	size_t i, j, k, l;
	int big = dup_sort_by_size(it, m);

	for (i = 0; i < m; i = j) {
		for (j = i + 1; j < m && same_size(it[i], it[j], big); j++)
			;
		if (j - i < 2)
			continue;
		for (k = i; k < j; k++)
			it[k] = dup_item((uint32_t)(dup_entry(it[k])->hash.hi >>
						    32), (uint32_t)it[k]);
		lw_sort_u64_high(it + i, j - i);
		for (k = i; k < j; k = l) {
			for (l = k + 1; l < j && it[l] >> 32 == it[k] >> 32;
			     l++)
				;
			if (l - k > 1)
				lw_sort(it + k, l - k, sizeof(*it), dup_cmp);
		}
	}
}

/* Identical content under several visible paths. Only files whose sizes
 * collide are read. */
static int find_duplicates(struct state *st, struct lw_analysis *an,
			   int jobs, struct lw_error *err)
{
	unsigned char *v = (unsigned char *)st->vis;
	uint64_t *it;
	size_t n = 0, i, j, m = 0;
	int rc = LW_OK, big;

	dup_nb = &st->nb;
	/* The visible files become the items in the visible state's own
	 * memory, so that the two are never held side by side: first
	 * packed at its start, then, grown to items, spread out from the
	 * end (item i covers numbers 2i and 2i + 1, both read by then). */
	for (i = 0; i < st->ps.n; i++) {
		const struct lw_entry *e;

		if (st->vis[i] == LW_NUM_NONE)
			continue;
		e = entry_of(st, st->vis[i]);
		if (e->type == LW_ENTRY_FILE && e->size > 0)
			st->vis[n++] = st->vis[i];
	}
	st->vis = NULL;
	it = realloc(v, (n + 1) * sizeof(*it));
	if (!it) {
		free(v);
		return lw_error_set(err, LW_ERR_NOMEM, "out of memory");
	}
	v = (unsigned char *)it;
	for (i = n; i-- > 0;) {
		uint32_t num;
		uint64_t d;

		memcpy(&num, v + i * sizeof(num), sizeof(num));
		d = dup_item(0, num);
		memcpy(v + i * sizeof(d), &d, sizeof(d));
	}
	/* Only sizes that collide. */
	big = dup_sort_by_size(it, n);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && same_size(it[i], it[j], big); j++)
			;
		if (j - i < 2)
			continue;
		for (; i < j; i++)
			it[m++] = dup_item(0, (uint32_t)it[i]);
	}
	/* Their files are read on every core, in the order they lie in
	 * their layers: the order of their numbers. Each item is made its
	 * lw_entry_ref in place, then its number again. */
	if (m > 1)
		lw_sort_u64(it, m);
	for (i = 0; i < m; i++) {
		struct lw_entry_ref r = ref_of(st, (uint32_t)it[i]);

		memcpy(v + i * sizeof(r), &r, sizeof(r));
	}
	rc = hash_refs(st->img, (const struct lw_entry_ref *)(void *)it, m,
		       jobs, err);
	for (i = 0; i < m; i++) {
		struct lw_entry_ref r;
		struct lw_hash h;

		memcpy(&r, v + i * sizeof(r), sizeof(r));
		if (!rc)
			rc = lw_image_hash_entry(st->img, r.layer, r.entry, &h,
						 err);
		it[i] = dup_item(0, lw_num_of(&st->nb, r.layer, r.entry));
	}
	if (rc)
		goto out;
	/* By size, content, then path: each group a run of two or more,
	 * kept at the start, the rest freed before paths are copied. */
	dup_sort_by_content(it, m);
	for (i = 0, n = 0; i < m; i = j) {
		for (j = i + 1; j < m && same_content(it[i], it[j]); j++)
			;
		if (j - i >= 2)
			while (i < j)
				it[n++] = it[i++];
	}
	m = n;
	v = realloc(it, (m + 1) * sizeof(*it));
	if (v)
		it = (uint64_t *)(void *)v;
	for (i = 0; i < m; i = j) {
		const struct lw_entry *first = dup_entry(it[i]);
		struct lw_dup_group *g;

		for (j = i + 1; j < m && same_content(it[i], it[j]); j++)
			;
		an->dups = lw_xrealloc(an->dups, (an->ndups + 1) *
				       sizeof(*an->dups));
		g = &an->dups[an->ndups++];
		g->size = first->size;
		g->count = j - i;
		g->bytes = g->size * (g->count - 1);
		g->members = lw_xcalloc(g->count, sizeof(*g->members));
		for (size_t k = 0; k < g->count; k++) {
			g->members[k].path = keep_path(an, dup_entry(it[i + k]));
			if (!g->members[k].path) {
				rc = lw_error_set(err, LW_ERR_NOMEM,
						  "out of memory");
				goto out;
			}
			g->members[k].layer = lw_num_layer(&st->nb,
							   (uint32_t)it[i + k]);
		}
		an->duplicate_bytes += g->bytes;
	}
	if (an->ndups)
		qsort(an->dups, an->ndups, sizeof(*an->dups), dupgroup_cmp);
out:
	free(it);
	return rc;
}

int lw_analyze(struct lw_image *img, const struct lw_analyze_opts *opts,
	       struct lw_analysis **out, struct lw_error *err)
{
	struct state st = { 0 };
	struct lw_analysis *an = lw_xcalloc(1, sizeof(*an));
	uint32_t k;
	size_t i;
	int rc;

	*out = NULL;
	an->image = img;
	lw_arena_init(&an->strs);
	st.img = img;
	st.an = an;
	rc = lw_numbering_init(&st.nb, img, err);
	if (rc)
		goto out;
	rc = build_paths(&st, err);
	if (rc)
		goto out;
	/* dive's figures need the paths alone: computed first, their
	 * memory is never held beside the visible state. */
	rc = lw_dive_compute(img, &st.ps, &an->dive, err);
	if (rc)
		goto out;
	st.vis = malloc((st.ps.n + 1) * sizeof(*st.vis));
	if (!st.vis) {
		rc = lw_error_set(err, LW_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < st.ps.n; i++)
		st.vis[i] = LW_NUM_NONE;
	for (k = 0; k < img->nlayers; k++)
		walk_layer(&st, k);
	rc = resolve_pending(&st, opts ? opts->jobs : 0, err);
	if (rc)
		goto out;
	free(st.pending);
	st.pending = NULL;
	summarise_visible(&st, an);
	/* What is left works on the visible state alone. */
	lw_pathset_release_ends(&st.ps);
	free(st.ps.marks);
	st.ps.marks = NULL;
	if (!opts || opts->find_duplicates) {
		rc = find_duplicates(&st, an, opts ? opts->jobs : 0, err);
		if (rc)
			goto out;
	}
	/* The findings' paths last, where they cost the least. */
	free(st.vis);
	st.vis = NULL;
	if (keep_paths(&st)) {
		rc = lw_error_set(err, LW_ERR_NOMEM, "out of memory");
		goto out;
	}
	summarise_findings(&st, an);
out:
	free(st.ps.paths);
	lw_pathset_release_ends(&st.ps);
	free(st.ps.marks);
	free(st.vis);
	free(st.f);
	free(st.fnum);
	free(st.pending);
	lw_numbering_release(&st.nb);
	if (rc) {
		lw_analysis_free(an);
		return rc;
	}
	*out = an;
	return LW_OK;
}

void lw_analysis_free(struct lw_analysis *an)
{
	size_t i;

	if (!an)
		return;
	free(an->findings);
	free(an->groups);
	for (i = 0; i < an->ndups; i++)
		free(an->dups[i].members);
	free(an->dups);
	free(an->layers);
	lw_warnings_release(&an->warnings);
	lw_arena_release(&an->strs);
	free(an);
}
