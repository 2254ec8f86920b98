/* The HTML report's data: one JSON object in a <script
 * type="application/json"> element, read by html/report.js.
 *
 * The treemap is the final file system (lw_image_visible_under on the
 * whole image, which honours whiteouts as the engine does) folded into a
 * tree of directories. A page cannot carry 120,000 rectangles nor draw
 * them, so the tree is cut to what a screen shows: directories are opened
 * largest first while the node budget lasts, each shows its largest
 * children, and the small rest of a directory becomes one "more" node.
 * Every byte stays counted: a node's bytes are all the bytes under it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/engine.h"
#include "layerwaste/index.h"
#include "layerwaste/read.h"
#include "layerwaste/util.h"
#include "ci_priv.h"
#include "html_priv.h"
#include "render_priv.h"

#define NONE UINT32_MAX

/* Node types in the page's data (report.js reads the same numbers). */
enum {
	T_DIR = 0,
	T_FILE,
	T_SYMLINK,
	T_HARDLINK,
	T_OTHER,
	T_MORE,      /* the small rest of a directory, merged */
	T_COLLAPSED, /* a directory not opened: the node budget ran out */
};

void lwr_html_json_str(FILE *f, const char *s)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	const unsigned char *p;

	lwr_printable(&sb, s ? s : "");
	fputc('"', f);
	for (p = (const unsigned char *)sb.buf; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&')
			fprintf(f, "\\u%04x", *p);
		else if (p[0] == 0xe2 && p[1] == 0x80 &&
			 (p[2] == 0xa8 || p[2] == 0xa9)) {
			/* U+2028 and U+2029 end a line in older scripts. */
			fprintf(f, "\\u%04x", 0x2028 + (p[2] - 0xa8));
			p += 2;
		} else
			fputc(*p, f);
	}
	fputc('"', f);
	lw_strbuf_release(&sb);
}

/* One path of the final file system, in tree order (lw_path_cmp). */
struct tnode {
	const char *path; /* owned when owned is set */
	uint64_t bytes;   /* stored bytes under it, itself included */
	uint64_t wasted;  /* bytes of the findings at or under it */
	uint64_t files;   /* regular files and hard links under it */
	uint32_t parent;
	uint32_t end;     /* its subtree is [self, end) */
	uint32_t out;     /* its index in the page's nodes, or NONE */
	uint32_t layer;   /* the layer of the visible entry, NONE if implied */
	uint8_t type;     /* enum lw_entry_type */
	uint8_t owned;
};

struct tree {
	struct tnode *n;
	size_t count, cap;
	uint32_t *stack;
	size_t depth, scap;
};

static uint32_t add_node(struct tree *t, const char *path, int owned,
			 uint32_t layer, int type)
{
	struct tnode *x;

	lw_grow((void **)&t->n, &t->cap, t->count + 1, sizeof(*t->n));
	x = &t->n[t->count];
	memset(x, 0, sizeof(*x));
	x->path = path;
	x->owned = (uint8_t)owned;
	x->layer = layer;
	x->type = (uint8_t)type;
	x->out = NONE;
	x->parent = t->depth ? t->stack[t->depth - 1] : NONE;
	x->end = (uint32_t)t->count + 1;
	lw_grow((void **)&t->stack, &t->scap, t->depth + 1, sizeof(*t->stack));
	t->stack[t->depth++] = (uint32_t)t->count;
	return (uint32_t)t->count++;
}

/* dir (a node's path) is p's ancestor: "" is everyone's. */
static int is_above(const char *dir, const char *p)
{
	size_t n = strlen(dir);

	return n == 0 || (!strncmp(p, dir, n) && p[n] == '/');
}

static void close_to(struct tree *t, const char *p)
{
	while (t->depth > 1 && !is_above(t->n[t->stack[t->depth - 1]].path, p)) {
		t->depth--;
		t->n[t->stack[t->depth]].end = (uint32_t)t->count;
	}
}

static void visit(void *ctx, uint32_t layer, const struct lw_entry *e)
{
	struct tree *t = ctx;
	struct lw_pathbuf pb;
	const char *top, *slash;
	char *p;
	struct tnode *x;
	size_t at;

	if (!lw_entry_path_len(e)) {
		t->n[0].layer = layer;
		return;
	}
	p = lw_xstrdup(lw_entry_path(e, &pb));
	close_to(t, p);
	/* Directories the archive never listed, between the open one and p. */
	top = t->n[t->stack[t->depth - 1]].path;
	at = strlen(top) ? strlen(top) + 1 : 0;
	while ((slash = strchr(p + at, '/'))) {
		char *dir = lw_xmalloc((size_t)(slash - p) + 1);

		memcpy(dir, p, (size_t)(slash - p));
		dir[slash - p] = '\0';
		add_node(t, dir, 1, NONE, LW_ENTRY_DIR);
		at = (size_t)(slash - p) + 1;
	}
	add_node(t, p, 1, layer, e->type);
	x = &t->n[t->count - 1];
	if (e->type == LW_ENTRY_FILE)
		x->bytes = e->size;
	if (e->type == LW_ENTRY_FILE || e->type == LW_ENTRY_HARDLINK)
		x->files = 1;
}

/* The node at path, or its nearest ancestor in the tree. */
static uint32_t locate(const struct tree *t, const char *path)
{
	char buf[LW_PATH_MAX];
	size_t lo, hi, mid, len = strlen(path);
	char *slash;
	int c;

	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, path, len + 1);
	while (buf[0]) {
		lo = 0;
		hi = t->count;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			c = lw_path_cmp(t->n[mid].path, buf);
			if (!c)
				return (uint32_t)mid;
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		slash = strrchr(buf, '/');
		if (slash)
			*slash = '\0';
		else
			buf[0] = '\0';
	}
	return 0;
}

static void tree_build(struct tree *t, const struct lw_analysis *an)
{
	size_t i;

	add_node(t, "", 0, NONE, LW_ENTRY_DIR);
	lw_image_visible_under(an->image, "", visit, t);
	while (t->depth) {
		t->depth--;
		t->n[t->stack[t->depth]].end = (uint32_t)t->count;
	}
	for (i = 0; i < an->nfindings; i++)
		t->n[locate(t, an->findings[i].path)].wasted +=
			an->findings[i].bytes;
	for (i = t->count; i-- > 1;) {
		struct tnode *p = &t->n[t->n[i].parent];

		p->bytes += t->n[i].bytes;
		p->wasted += t->n[i].wasted;
		p->files += t->n[i].files;
	}
}

static void tree_release(struct tree *t)
{
	size_t i;

	for (i = 0; i < t->count; i++)
		if (t->n[i].owned)
			free((char *)t->n[i].path);
	free(t->n);
	free(t->stack);
}

/* A node of the page: one tree node, or the merged rest of a directory
 * (tree nodes kids[first .. first + count)). */
struct onode {
	uint32_t t;      /* tree node, or NONE for a merged rest */
	uint32_t parent; /* index among the page's nodes, or NONE */
	uint32_t first, count;
	int collapsed;
};

struct pick {
	struct tree *t;
	struct onode *o;
	size_t n, cap;
	uint32_t *kids; /* merged children, for every T_MORE node */
	size_t nkids, kcap;
	uint32_t *heap; /* directories to open, largest first */
	size_t nheap, hcap;
};

static int heap_less(const struct pick *p, size_t a, size_t b)
{
	return p->t->n[p->heap[a]].bytes < p->t->n[p->heap[b]].bytes;
}

static void heap_swap(struct pick *p, size_t a, size_t b)
{
	uint32_t x = p->heap[a];

	p->heap[a] = p->heap[b];
	p->heap[b] = x;
}

static void heap_push(struct pick *p, uint32_t ti)
{
	size_t i;

	lw_grow((void **)&p->heap, &p->hcap, p->nheap + 1, sizeof(*p->heap));
	i = p->nheap++;
	p->heap[i] = ti;
	while (i && heap_less(p, (i - 1) / 2, i)) {
		heap_swap(p, (i - 1) / 2, i);
		i = (i - 1) / 2;
	}
}

static uint32_t heap_pop(struct pick *p)
{
	uint32_t top = p->heap[0];
	size_t i = 0, c;

	p->heap[0] = p->heap[--p->nheap];
	for (;;) {
		c = 2 * i + 1;
		if (c >= p->nheap)
			break;
		if (c + 1 < p->nheap && heap_less(p, c, c + 1))
			c++;
		if (!heap_less(p, i, c))
			break;
		heap_swap(p, i, c);
		i = c;
	}
	return top;
}

static uint32_t emit(struct pick *p, uint32_t ti, uint32_t parent)
{
	struct onode *o;

	lw_grow((void **)&p->o, &p->cap, p->n + 1, sizeof(*p->o));
	o = &p->o[p->n];
	memset(o, 0, sizeof(*o));
	o->t = ti;
	o->parent = parent;
	if (ti != NONE)
		p->t->n[ti].out = (uint32_t)p->n;
	return (uint32_t)p->n++;
}

static int kid_cmp(const void *x, const void *y, void *ctx)
{
	const struct tree *t = ctx;
	const struct tnode *a = &t->n[*(const uint32_t *)x];
	const struct tnode *b = &t->n[*(const uint32_t *)y];

	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	return *(const uint32_t *)x < *(const uint32_t *)y ? -1 : 1;
}

/* Opens directory ti if its shown children fit in the budget. */
static void open_dir(struct pick *p, uint32_t ti, uint32_t **kids,
		     size_t *kcap)
{
	const struct tree *t = p->t;
	const struct tnode *d = &t->n[ti];
	size_t nk = 0, keep, rest, i;
	uint32_t j;

	for (j = ti + 1; j < d->end; j = t->n[j].end) {
		lw_grow((void **)kids, kcap, nk + 1, sizeof(**kids));
		(*kids)[nk++] = j;
	}
	qsort_r(*kids, nk, sizeof(**kids), kid_cmp, (void *)t);
	for (keep = 0; keep < nk && keep < LWR_HTML_CHILDREN_MAX; keep++)
		if (t->n[(*kids)[keep]].bytes * LWR_HTML_SMALL_DIV < d->bytes)
			break;
	rest = nk - keep;
	if (rest == 1) {
		keep++;
		rest = 0;
	}
	if (p->n + keep + (rest ? 1 : 0) > LWR_HTML_NODES_MAX) {
		p->o[d->out].collapsed = 1;
		return;
	}
	for (i = 0; i < keep; i++) {
		j = (*kids)[i];
		emit(p, j, d->out);
		if (t->n[j].end > j + 1)
			heap_push(p, j);
	}
	if (rest) {
		uint32_t o = emit(p, NONE, d->out);

		lw_grow((void **)&p->kids, &p->kcap, p->nkids + rest,
			sizeof(*p->kids));
		memcpy(p->kids + p->nkids, *kids + keep, rest * sizeof(**kids));
		p->o[o].first = (uint32_t)p->nkids;
		p->o[o].count = (uint32_t)rest;
		p->nkids += rest;
	}
}

static void pick_nodes(struct pick *p)
{
	uint32_t *kids = NULL;
	size_t kcap = 0;

	emit(p, 0, NONE);
	if (p->t->n[0].end > 1)
		heap_push(p, 0);
	while (p->nheap)
		open_dir(p, heap_pop(p), &kids, &kcap);
	free(kids);
}

/* Bytes per layer under tree nodes [lo, hi), added to acc. */
static void layer_bytes(const struct tree *t, uint32_t lo, uint32_t hi,
			uint64_t *acc, size_t nlayers)
{
	uint32_t i;

	for (i = lo; i < hi; i++)
		if (t->n[i].type == LW_ENTRY_FILE && t->n[i].layer < nlayers)
			acc[t->n[i].layer] += t->n[i].bytes;
}

static int node_type(const struct tnode *x, int collapsed)
{
	if (collapsed)
		return T_COLLAPSED;
	switch (x->type) {
	case LW_ENTRY_DIR: return T_DIR;
	case LW_ENTRY_FILE: return T_FILE;
	case LW_ENTRY_SYMLINK: return T_SYMLINK;
	case LW_ENTRY_HARDLINK: return T_HARDLINK;
	default: return T_OTHER;
	}
}

/* [name, parent, type, bytes, wasted, files, [layer, bytes, ...], more] */
static void write_node(FILE *f, const struct pick *p, size_t oi,
		       uint64_t *acc, size_t nlayers)
{
	const struct tree *t = p->t;
	const struct onode *o = &p->o[oi];
	uint64_t b = 0, w = 0, n = 0;
	const char *name = "";
	int type = T_MORE, first = 1;
	size_t l, i;

	memset(acc, 0, nlayers * sizeof(*acc));
	if (o->t != NONE) {
		const struct tnode *x = &t->n[o->t];
		const char *slash = strrchr(x->path, '/');

		name = slash ? slash + 1 : x->path;
		type = node_type(x, o->collapsed);
		b = x->bytes;
		w = x->wasted;
		n = x->files;
		layer_bytes(t, o->t, x->end, acc, nlayers);
	} else {
		for (i = o->first; i < (size_t)o->first + o->count; i++) {
			const struct tnode *x = &t->n[p->kids[i]];

			b += x->bytes;
			w += x->wasted;
			n += x->files;
			layer_bytes(t, p->kids[i], x->end, acc, nlayers);
		}
	}
	fputc('[', f);
	lwr_html_json_str(f, name);
	fprintf(f, ",%" PRId64 ",%d,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",[",
		o->parent == NONE ? (int64_t)-1 : (int64_t)o->parent, type, b, w, n);
	for (l = 0; l < nlayers; l++) {
		if (!acc[l])
			continue;
		fprintf(f, "%s%zu,%" PRIu64, first ? "" : ",", l, acc[l]);
		first = 0;
	}
	/* A file of 0 bytes still says which layer holds it. */
	if (first && o->t != NONE && t->n[o->t].layer != NONE &&
	    t->n[o->t].end == o->t + 1)
		fprintf(f, "%" PRIu32 ",0", t->n[o->t].layer);
	fputc(']', f);
	if (type == T_MORE)
		fprintf(f, ",%" PRIu32, o->count);
	fputc(']', f);
}

static void write_tree(FILE *f, const struct lw_analysis *an)
{
	struct tree t;
	struct pick p;
	size_t nl = an->image->nlayers, i;
	uint64_t *acc = lw_xcalloc(nl + 1, sizeof(*acc));

	memset(&t, 0, sizeof(t));
	memset(&p, 0, sizeof(p));
	tree_build(&t, an);
	p.t = &t;
	pick_nodes(&p);
	fprintf(f, "\"tree_paths\":%zu,\n\"tree\":[", t.count);
	for (i = 0; i < p.n; i++) {
		fputs(i ? ",\n" : "\n", f);
		write_node(f, &p, i, acc, nl);
	}
	fputs("]", f);
	free(acc);
	free(p.o);
	free(p.kids);
	free(p.heap);
	tree_release(&t);
}

static int big_first(const void *x, const void *y, void *ctx)
{
	const struct lw_finding *fd = ctx;
	size_t a = *(const size_t *)x, b = *(const size_t *)y;

	if (fd[a].bytes != fd[b].bytes)
		return fd[a].bytes > fd[b].bytes ? -1 : 1;
	return a < b ? -1 : 1;
}

static int by_index(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;

	return a < b ? -1 : a > b;
}

/* The findings, in the analysis's order; the largest LWR_HTML_FINDINGS_MAX
 * when there are more. [kind, layer, from_layer, bytes, path] */
static void write_findings(FILE *f, const struct lw_analysis *an)
{
	size_t n = an->nfindings, i, *idx = lw_xmalloc((n + 1) * sizeof(*idx));
	struct lw_strbuf path = LW_STRBUF_INIT;

	for (i = 0; i < n; i++)
		idx[i] = i;
	if (n > LWR_HTML_FINDINGS_MAX) {
		qsort_r(idx, n, sizeof(*idx), big_first, an->findings);
		n = LWR_HTML_FINDINGS_MAX;
		qsort(idx, n, sizeof(*idx), by_index);
	}
	fprintf(f, "\"findings_total\":%zu,\n\"findings\":[", an->nfindings);
	for (i = 0; i < n; i++) {
		const struct lw_finding *fd = &an->findings[idx[i]];

		fprintf(f, "%s[%d,%" PRIu32 ",%" PRIu32 ",%" PRIu64 ",",
			i ? ",\n" : "\n", fd->kind, fd->layer, fd->from_layer,
			fd->bytes);
		lw_strbuf_reset(&path);
		lw_strbuf_addc(&path, '/');
		lw_strbuf_adds(&path, fd->path);
		lwr_html_json_str(f, path.buf);
		fputc(']', f);
	}
	fputs("]", f);
	lw_strbuf_release(&path);
	free(idx);
}

void lwr_html_data(FILE *f, const struct lw_result *r)
{
	const struct lw_analysis *an = r->analysis;
	const struct lw_image *img = an->image;
	struct lw_strbuf label = LW_STRBUF_INIT;
	size_t i;
	int k;

	fputs("{\"image\":{\"name\":", f);
	lwr_html_json_str(f, lwr_image_name(an));
	fprintf(f, ",\"total_bytes\":%" PRIu64 ",\"visible_bytes\":%" PRIu64
		",\"wasted_bytes\":%" PRIu64 ",\"file_count\":%" PRIu64
		",\"layer_count\":%zu},\n\"kinds\":[", an->total_bytes,
		an->visible_bytes, an->wasted_bytes, an->file_count, img->nlayers);
	for (k = 0; k < LW_KIND_COUNT; k++)
		fprintf(f, "%s\"%s\"", k ? "," : "", lw_kind_name(k));
	fputs("],\n\"layers\":[", f);
	for (i = 0; i < img->nlayers; i++) {
		const struct lw_layer_index *ix = img->layers[i].index;

		lwr_layer_label(r, i, &label);
		fprintf(f, "%s[%zu,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",", i ? ",\n" : "\n",
			i, ix ? ix->file_bytes : 0, an->layers[i].wasted_bytes,
			an->layers[i].findings);
		lwr_html_json_str(f, label.buf);
		fputc(']', f);
	}
	fputs("],\n", f);
	write_tree(f, an);
	fputs(",\n", f);
	write_findings(f, an);
	fputs("}\n", f);
	lw_strbuf_release(&label);
}
