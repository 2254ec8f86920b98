/* The browser's words: a line builder that counts terminal columns and
 * escapes every name from the archive, and the texts of layers, causes
 * and findings. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "layerwaste/attrib.h"
#include "layerwaste/dockerfile.h"
#include "layerwaste/render.h"
#include "vm_priv.h"

/* Length and columns of the UTF-8 character at s. */
static int u8_char(const char *s, int *cols)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;
	int n, i, w;

	*cols = 1;
	if (u[0] < 0x80)
		return 1;
	n = u[0] >= 0xf0 ? 4 : u[0] >= 0xe0 ? 3 : u[0] >= 0xc0 ? 2 : 1;
	cp = n == 4 ? u[0] & 0x07u : n == 3 ? u[0] & 0x0fu : u[0] & 0x1fu;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return i; /* not from lw_escape: one column per byte */
		cp = cp << 6 | (u[i] & 0x3fu);
	}
	w = n > 1 ? wcwidth((wchar_t)cp) : 1;
	*cols = w < 0 ? 1 : w;
	return n;
}

int lw_vm_cols(const char *s)
{
	return lwv_cols(s);
}

int lwv_cols(const char *s)
{
	int cols = 0, c;

	while (s && *s) {
		s += u8_char(s, &c);
		cols += c;
	}
	return cols;
}

void lwv_line_start(struct lwv_line *l, struct lw_strbuf *sb, int width)
{
	lw_strbuf_reset(sb);
	lw_strbuf_add(sb, "", 0);
	l->sb = sb;
	l->cols = 0;
	l->width = width < 0 ? 0 : width;
}

int lwv_line_room(const struct lwv_line *l)
{
	return l->width - l->cols;
}

/* Appends safe text s in at most maxcols columns, cut with "...". */
static void put_safe(struct lwv_line *l, const char *s, int maxcols,
		     int cut_left)
{
	int total = lwv_cols(s), keep, c;
	size_t n;

	if (maxcols < 0 || maxcols > lwv_line_room(l))
		maxcols = lwv_line_room(l);
	if (maxcols <= 0)
		return;
	if (total <= maxcols) {
		lw_strbuf_adds(l->sb, s);
		l->cols += total;
		return;
	}
	if (maxcols <= 3) {
		lw_strbuf_add(l->sb, "...", (size_t)maxcols);
		l->cols += maxcols;
		return;
	}
	keep = maxcols - 3;
	if (cut_left) {
		lw_strbuf_adds(l->sb, "...");
		while (*s && total > keep) {
			s += u8_char(s, &c);
			total -= c;
		}
		lw_strbuf_adds(l->sb, s);
		l->cols += 3 + total;
		return;
	}
	total = 0;
	while (*s) {
		n = (size_t)u8_char(s, &c);
		if (total + c > keep)
			break;
		lw_strbuf_add(l->sb, s, n);
		total += c;
		s += n;
	}
	lw_strbuf_adds(l->sb, "...");
	l->cols += total + 3;
}

void lwv_line_add(struct lwv_line *l, const char *s)
{
	put_safe(l, s, -1, 0);
}

void lwv_line_addf(struct lwv_line *l, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	put_safe(l, buf, -1, 0);
}

void lwv_line_esc(struct lwv_line *l, const char *raw, int maxcols,
		  int cut_left)
{
	size_t size = strlen(raw) * 4 + 1;
	char stackbuf[1024], *buf = size <= sizeof(stackbuf) ? stackbuf :
		lw_xmalloc(size);

	lw_escape(raw, buf, size);
	put_safe(l, buf, maxcols, cut_left);
	if (buf != stackbuf)
		free(buf);
}

void lwv_line_path(struct lwv_line *l, const char *path, int maxcols)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;

	lw_strbuf_addc(&sb, '/');
	lw_strbuf_adds(&sb, path);
	lwv_line_esc(l, sb.buf, maxcols, 1);
	lw_strbuf_release(&sb);
}

void lwv_line_pad(struct lwv_line *l, int col)
{
	if (col > l->width)
		col = l->width;
	while (l->cols < col) {
		lw_strbuf_addc(l->sb, ' ');
		l->cols++;
	}
}

char lw_vm_kind_letter(int kind)
{
	static const char letters[LW_KIND_COUNT] = "UMBTOD";

	return kind >= 0 && kind < LW_KIND_COUNT ? letters[kind] : ' ';
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

void lwv_layer_instr(const struct lw_vm *vm, size_t layer,
		     struct lw_strbuf *out)
{
	const struct lw_attribution *at = vm->result->attribution;
	const struct lw_image *img = vm->an->image;
	const struct lw_layer_attr *la = NULL;

	if (at && layer < at->nlayers)
		la = &at->layers[layer];
	if (la && la->file) {
		lw_strbuf_addf(out, "%s:%d ", base_name(la->file), la->line);
		if (la->text)
			lw_history_short(la->text, out);
		else if (la->keyword)
			lw_strbuf_addf(out, "%s %s", la->keyword,
				       la->args ? la->args : "");
		return;
	}
	if (la && la->keyword) {
		lw_strbuf_addf(out, "%s %s", la->keyword,
			       la->args ? la->args : "");
		return;
	}
	if (layer < img->nlayers && img->layers[layer].history)
		lw_history_short(img->layers[layer].history->created_by, out);
	if (la && la->base && !out->len)
		lw_strbuf_addf(out, "(base image%s%s)", la->base_ref ? " " : "",
			       la->base_ref ? la->base_ref : "");
}

void lwv_group_text(const struct lw_vm *vm, const struct lw_group *g,
		    struct lw_strbuf *out)
{
	char a[32];

	lw_human_bytes(g->bytes, a, sizeof(a));
	lw_strbuf_addf(out, "layer %" PRIu32 ": ", g->layer);
	switch (g->kind) {
	case LW_KIND_OVERWRITE:
	case LW_KIND_DELETE:
		lw_strbuf_addf(out, "%s %" PRIu64 " file%s of layer %" PRIu32
			       " (%s)%s", g->kind == LW_KIND_DELETE ?
			       "deleted" : "overwrote", g->files,
			       lw_plural(g->files), g->from_layer, a,
			       g->kind == LW_KIND_DELETE ?
			       ", still stored there" : "");
		return;
	default:
		break;
	}
	lw_strbuf_addf(out, "%s in %" PRIu64 " file%s copied from layer %"
		       PRIu32 " only to change %s", a, g->files,
		       lw_plural(g->files), g->from_layer,
		       g->kind == LW_KIND_CHOWN ? "owner" :
		       g->kind == LW_KIND_CHMOD ? "mode" :
		       g->kind == LW_KIND_CHOWN_CHMOD ? "owner and mode" :
		       "mtime/xattrs");
}

static void meta(struct lw_strbuf *out, const struct lw_meta *m)
{
	lw_strbuf_addf(out, "%" PRIu32 ":%" PRIu32 " %04" PRIo32, m->uid,
		       m->gid, m->mode & 07777);
}

static const char *type_name(int type)
{
	switch (type) {
	case LW_ENTRY_FILE: return "file";
	case LW_ENTRY_DIR: return "directory";
	case LW_ENTRY_SYMLINK: return "symlink";
	case LW_ENTRY_HARDLINK: return "hard link";
	case LW_ENTRY_WHITEOUT: return "whiteout";
	case LW_ENTRY_OPAQUE: return "opaque marker";
	default: return "special file";
	}
}

void lwv_finding_text(const struct lw_vm *vm, const struct lw_finding *f,
		      struct lw_strbuf *out)
{
	char a[32];

	(void)vm;
	lw_human_bytes(f->bytes, a, sizeof(a));
	if (lw_kind_is_metadata(f->kind)) {
		lw_strbuf_addf(out, "%s: layer %" PRIu32 " copied it from layer %"
			       PRIu32 ", ", lw_kind_name(f->kind), f->layer,
			       f->from_layer);
		meta(out, &f->before);
		lw_strbuf_adds(out, " -> ");
		meta(out, &f->after);
		lw_strbuf_addf(out, ", %s wasted", a);
		return;
	}
	lw_strbuf_addf(out, "%s by layer %" PRIu32 ": hides %s of layer %"
		       PRIu32 " (", f->kind == LW_KIND_DELETE ? "deleted" :
		       "overwritten", f->layer, a, f->from_layer);
	meta(out, &f->before);
	lw_strbuf_adds(out, ")");
	if (f->has_after) {
		lw_strbuf_addf(out, ", now a %s ", type_name(f->after_type));
		meta(out, &f->after);
	}
}

/* The details of a tree node (raw). */
static void node_text(struct lw_vm *vm, struct lw_vm_tree *t,
		      const struct lw_vm_node *nd, struct lw_strbuf *out)
{
	uint32_t fi = lwv_node_finding(vm, t, nd);
	const struct lw_entry *e = NULL;
	char a[32];

	if (nd->entry != LW_VM_NONE)
		e = &vm->an->image->layers[nd->layer].index->entries[nd->entry];
	if (fi != LW_VM_NONE) {
		lwv_finding_text(vm, &vm->an->findings[fi], out);
		if (nd->fcount > 1)
			lw_strbuf_addf(out, " (+%" PRIu32 " more)",
				       nd->fcount - 1);
		return;
	}
	if (e && e->type == LW_ENTRY_WHITEOUT) {
		lw_strbuf_addf(out, "whiteout of layer %" PRIu32 ": hides %s",
			       nd->layer, lw_human_bytes(nd->sum_waste, a,
							 sizeof(a)));
		return;
	}
	if (!e && (nd->flags & LW_VM_N_HIDDEN) &&
	    t->view == LW_VM_VIEW_IMAGE) {
		lw_strbuf_addf(out, "directory, not in the final image; "
			       "%s wasted under it", lw_human_bytes(
				       nd->sum_waste, a, sizeof(a)));
		return;
	}
	if (!e) {
		lw_strbuf_addf(out, "directory, implied: no entry %s",
			       t->view == LW_VM_VIEW_IMAGE ? "in any layer" :
			       "in this layer");
		return;
	}
	lw_strbuf_addf(out, "%s", type_name(e->type));
	if (e->type == LW_ENTRY_FILE)
		lw_strbuf_addf(out, " %s", lw_human_bytes(e->size, a,
							  sizeof(a)));
	if (e->link)
		lw_strbuf_addf(out, " -> %s", e->link);
	lw_strbuf_addf(out, ", %" PRIu32 ":%" PRIu32 " %04" PRIo32
		       ", layer %" PRIu32, e->uid, e->gid, e->mode & 07777,
		       nd->layer);
	if (nd->flags & LW_VM_N_HIDDEN)
		lw_strbuf_adds(out, ", hidden");
}

static void details_tree(struct lw_vm *vm, struct lwv_line *l)
{
	struct lw_vm_tree *t = lw_vm_tree(vm);
	const struct lw_vm_node *nd;
	int room, say;

	if (t->cursor >= t->nrows) {
		lwv_line_add(l, vm->filter[0] || vm->wasted_only ?
			     "nothing matches: / to change the filter, w for "
			     "all files" : "no files");
		return;
	}
	nd = &t->nodes[t->rows[t->cursor]];
	lw_strbuf_reset(&vm->scratch);
	node_text(vm, t, nd, &vm->scratch);
	room = lwv_line_room(l);
	say = lwv_cols(vm->scratch.buf) + 2;
	/* The path gives way to what is said about it, down to half. */
	lwv_line_path(l, nd->path, say < room / 2 ? room - say : room / 2);
	lwv_line_add(l, "  ");
	lwv_line_esc(l, vm->scratch.buf, -1, 0);
}

static void details_causes(struct lw_vm *vm, struct lwv_line *l)
{
	const struct lw_analysis *an = vm->an;
	const struct lw_vm_crow *cr;
	int s;

	if (vm->cursor[LW_VM_CAUSES] >= vm->ncrows) {
		lwv_line_add(l, "no wasted bytes involve this layer");
		return;
	}
	cr = &vm->crows[vm->cursor[LW_VM_CAUSES]];
	lw_strbuf_reset(&vm->scratch);
	if (cr->finding >= 0) {
		const struct lw_finding *f = &an->findings[cr->finding];

		lwv_finding_text(vm, f, &vm->scratch);
		lwv_line_path(l, f->path, lwv_line_room(l) / 2);
		lwv_line_add(l, "  ");
	} else if (cr->finding == -2 &&
		   (s = lwv_group_fix(vm, cr->group)) >= 0) {
		const struct lw_suggestion *sg =
			&vm->result->attribution->suggestions[s];

		lw_strbuf_addf(&vm->scratch, "fix: %s", sg->title ?
			       sg->title : "");
		if (sg->detail)
			lw_strbuf_addf(&vm->scratch, " - %s", sg->detail);
	} else {
		lwv_group_text(vm, &an->groups[cr->group], &vm->scratch);
	}
	lwv_line_esc(l, vm->scratch.buf, -1, 0);
}

void lw_vm_details(struct lw_vm *vm, int width, struct lw_strbuf *out)
{
	struct lwv_line l;

	lwv_line_start(&l, out, width);
	if (vm->pane == LW_VM_TREE) {
		details_tree(vm, &l);
	} else if (vm->pane == LW_VM_CAUSES) {
		details_causes(vm, &l);
	} else {
		lw_strbuf_reset(&vm->scratch);
		lwv_layer_instr(vm, vm->layer, &vm->scratch);
		lwv_line_addf(&l, "layer %" PRIu32 ": ", vm->layer);
		lwv_line_esc(&l, vm->scratch.buf, -1, 0);
	}
}
