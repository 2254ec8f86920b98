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

/* Appends the first keep columns of s, ending at a word's end when one
 * ends in the second half; then "...". */
static void put_head(struct lwv_line *l, const char *s, int keep)
{
	const char *p = s, *word_end = NULL;
	int total = 0, c, at_end = 0, n;

	while (*p) {
		n = u8_char(p, &c);
		if (total + c > keep)
			break;
		if (*p == ' ' && p > s && p[-1] != ' ' && total >= keep / 2) {
			word_end = p;
			at_end = total;
		}
		total += c;
		p += n;
	}
	if (*p && *p != ' ' && p > s && p[-1] != ' ' && word_end) {
		p = word_end;
		total = at_end;
	}
	lw_strbuf_add(l->sb, s, (size_t)(p - s));
	lw_strbuf_adds(l->sb, "...");
	l->cols += total + 3;
}

/* Appends the first and last columns of s around "...". */
static void put_mid(struct lwv_line *l, const char *s, int total, int keep)
{
	const char *p = s, *q;
	int head = (keep + 1) / 2, tail = keep - head, got = 0, c, n;

	while (*p) {
		n = u8_char(p, &c);
		if (got + c > head)
			break;
		got += c;
		p += n;
	}
	lw_strbuf_add(l->sb, s, (size_t)(p - s));
	lw_strbuf_adds(l->sb, "...");
	/* Skip to where the last tail columns start. */
	q = p;
	c = total - got;
	while (*q && c > tail) {
		int w;

		q += u8_char(q, &w);
		c -= w;
	}
	lw_strbuf_adds(l->sb, q);
	l->cols += got + 3 + c;
}

/* Appends safe text s in at most maxcols columns, cut with "...". */
static void put_safe(struct lwv_line *l, const char *s, int maxcols,
		     int cut_left)
{
	int total = lwv_cols(s), keep, c;

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
	if (cut_left == LWV_CUT_MID) {
		put_mid(l, s, total, keep);
		return;
	}
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
	put_head(l, s, keep);
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

int lwv_in_chain(const struct lw_vm *vm, size_t g)
{
	return vm->has_chain && lw_pkgdb_chain_has(&vm->chain, g);
}

int lwv_crow_fix(const struct lw_vm *vm, const struct lw_vm_crow *cr)
{
	if (cr->chain)
		return vm->chain.suggestion;
	return lwv_group_fix(vm, cr->group);
}

/* Inherent rewrites are inherited: judged only with judge-base. */
static const char *not_judged(const struct lw_vm *vm)
{
	const struct lw_rules_report *rr = vm->result->rules;

	return rr && rr->judge_base ? "" : ", not judged";
}

void lwv_chain_text(const struct lw_vm *vm, struct lw_strbuf *out)
{
	const struct lw_pkgdb_chain *c = &vm->chain;
	char a[32], b[32], d[32];

	lw_strbuf_addf(out, "package database: %zu install steps, %zu "
		       "rewrite%s, %s (%s churn; %s inherent%s)", c->nsteps,
		       c->ngroups, lw_plural(c->ngroups),
		       lw_human_bytes(c->churn_bytes + c->inherent_bytes, a,
				      sizeof(a)),
		       lw_human_bytes(c->churn_bytes, b, sizeof(b)),
		       lw_human_bytes(c->inherent_bytes, d, sizeof(d)),
		       not_judged(vm));
}

void lwv_step_text(const struct lw_vm *vm, size_t step,
		   struct lw_strbuf *out)
{
	const struct lw_pkgdb_chain *c = &vm->chain;
	char a[32];

	lw_strbuf_addf(out, "layer %" PRIu32 ": ", c->steps[step]);
	if (c->step_inherent[step])
		lw_strbuf_addf(out, "%s inherent%s",
			       lw_human_bytes(c->step_inherent[step], a,
					      sizeof(a)),
			       *not_judged(vm) ? " (not judged)" : "");
	if (c->step_inherent[step] && c->step_churn[step])
		lw_strbuf_adds(out, "; ");
	if (c->step_churn[step])
		lw_strbuf_addf(out, "%s churn",
			       lw_human_bytes(c->step_churn[step], a,
					      sizeof(a)));
	if (!c->step_inherent[step] && !c->step_churn[step])
		lw_strbuf_adds(out, "wrote the copy the next step rewrote");
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
	} else if (cr->finding == -4) {
		lwv_step_text(vm, cr->step, &vm->scratch);
		lw_strbuf_adds(&vm->scratch, " - ");
		lwv_layer_instr(vm, vm->chain.steps[cr->step], &vm->scratch);
	} else if (cr->chain && cr->finding != -2) {
		lwv_chain_text(vm, &vm->scratch);
	} else if (cr->finding == -2 && (s = lwv_crow_fix(vm, cr)) >= 0) {
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

/* Adds raw text to the overlay, escaped and wrapped at spaces to width,
 * the first line after first, the others after an indent of two. */
static void wrap(struct lw_vm *vm, const char *first, const char *raw,
		 int width)
{
	size_t size = strlen(raw) * 4 + 1;
	char *buf = lw_xmalloc(size), *p;
	struct lwv_line l;
	int lead = 1;

	lw_escape(raw, buf, size);
	p = buf;
	while (*p || lead) {
		int room, c, cols = 0, n;
		char *q = p, *cut = NULL;

		lwv_line_start(&l, lwv_overlay_line(vm), width);
		lwv_line_add(&l, lead ? first : "  ");
		lead = 0;
		room = lwv_line_room(&l);
		while (*q) {
			n = u8_char(q, &c);
			if (cols + c > room)
				break;
			if (*q == ' ')
				cut = q;
			cols += c;
			q += n;
		}
		if (*q && cut && cut > p)
			q = cut;
		if (q == p && *q) /* one character wider than the line */
			q += u8_char(q, &c);
		lw_strbuf_add(l.sb, p, (size_t)(q - p));
		l.cols += lwv_cols(l.sb->buf) - l.cols;
		while (*q == ' ')
			q++;
		p = q;
	}
	free(buf);
}

/* The finding and the group that the cursor points at. */
static void why_target(struct lw_vm *vm, uint32_t *fi, long *group)
{
	const struct lw_analysis *an = vm->an;
	size_t i;

	*fi = LW_VM_NONE;
	*group = -1;
	if (vm->pane == LW_VM_TREE) {
		struct lw_vm_tree *t = lw_vm_tree(vm);

		if (t->cursor < t->nrows)
			*fi = lwv_node_finding(vm, t,
					       &t->nodes[t->rows[t->cursor]]);
	} else if (vm->ncrows) {
		size_t c = vm->pane == LW_VM_CAUSES ?
			vm->cursor[LW_VM_CAUSES] : 0;
		const struct lw_vm_crow *cr = &vm->crows[c < vm->ncrows ? c :
							 0];

		*group = cr->group;
		if (cr->finding >= 0)
			*fi = (uint32_t)cr->finding;
	}
	if (*fi == LW_VM_NONE || *group >= 0)
		return;
	for (i = 0; i < an->ngroups; i++)
		if (*fi >= an->groups[i].first &&
		    *fi < an->groups[i].first + an->groups[i].count) {
			*group = (long)i;
			return;
		}
}

void lwv_why_lines(struct lw_vm *vm, int width)
{
	const struct lw_analysis *an = vm->an;
	const struct lw_attribution *at = vm->result->attribution;
	struct lw_strbuf sb = LW_STRBUF_INIT;
	struct lwv_line l;
	uint32_t fi;
	long g;
	int s;

	why_target(vm, &fi, &g);
	lwv_line_start(&l, lwv_overlay_line(vm), width);
	lwv_line_add(&l, "Why these bytes are wasted");
	lwv_line_start(&l, lwv_overlay_line(vm), width);
	if (fi == LW_VM_NONE && g < 0) {
		wrap(vm, "", "Nothing is wasted here: pick a file marked with "
		     "a kind letter, or a cause.", width);
		goto out;
	}
	if (fi != LW_VM_NONE) {
		lwv_line_start(&l, lwv_overlay_line(vm), width);
		lwv_line_path(&l, an->findings[fi].path, -1);
		lwv_finding_text(vm, &an->findings[fi], &sb);
		wrap(vm, "", sb.buf, width);
	}
	if (g >= 0 && lwv_in_chain(vm, (size_t)g)) {
		size_t i;

		lw_strbuf_reset(&sb);
		lwv_chain_text(vm, &sb);
		wrap(vm, "Cause: ", sb.buf, width);
		for (i = 0; i < vm->chain.nsteps; i++) {
			lw_strbuf_reset(&sb);
			lwv_step_text(vm, i, &sb);
			lw_strbuf_adds(&sb, ", by ");
			lwv_layer_instr(vm, vm->chain.steps[i], &sb);
			wrap(vm, "  step ", sb.buf, width);
		}
		wrap(vm, "  ", "Inherent: the build's first rewrite of the "
		     "base image's package database, which no Dockerfile "
		     "change avoids. Churn: every later rewrite of a copy "
		     "the build wrote; merging the install steps removes "
		     "it.", width);
		s = vm->chain.suggestion;
		wrap(vm, "Fix: ", at->suggestions[s].title ?
		     at->suggestions[s].title : "", width);
		if (at->suggestions[s].detail)
			wrap(vm, "  ", at->suggestions[s].detail, width);
	} else if (g >= 0) {
		lw_strbuf_reset(&sb);
		lwv_group_text(vm, &an->groups[g], &sb);
		wrap(vm, "Cause: ", sb.buf, width);
		lw_strbuf_reset(&sb);
		lwv_layer_instr(vm, an->groups[g].layer, &sb);
		if (sb.len)
			wrap(vm, "  by ", sb.buf, width);
		s = lwv_group_fix(vm, (size_t)g);
		if (s >= 0) {
			const struct lw_suggestion *sg = &at->suggestions[s];

			wrap(vm, "Fix: ", sg->title ? sg->title : "", width);
			if (sg->detail)
				wrap(vm, "  ", sg->detail, width);
		} else {
			wrap(vm, "Fix: ", at ? "none suggested for this cause" :
			     "run with --dockerfile for a suggested fix",
			     width);
		}
	}
out:
	lwv_line_start(&l, lwv_overlay_line(vm), width);
	lwv_line_start(&l, lwv_overlay_line(vm), width);
	lwv_line_add(&l, "Any key closes this.");
	lw_strbuf_release(&sb);
}

const struct lw_strbuf *lw_vm_overlay(struct lw_vm *vm, int width,
				      size_t *n)
{
	vm->nolines = 0;
	*n = 0;
	if (vm->help)
		lwv_help_lines(vm, width);
	else if (vm->why)
		lwv_why_lines(vm, width);
	else
		return NULL;
	*n = vm->nolines;
	return vm->olines;
}
