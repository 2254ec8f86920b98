/* The browser's longer texts: the details line under the panes and the
 * overlays (the key help, a file's cause and fix), built from the words
 * of vm_text.c, the key map of vm_keys.c and the trees. Nothing below
 * the browser's drawing calls them. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/attrib.h"
#include "layerwaste/dockerfile.h"
#include "layerwaste/render.h"
#include "vm_priv.h"

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
	lw_strbuf_addf(out, "%s", lwv_type_name(e->type));
	if (e->type == LW_ENTRY_FILE)
		lw_strbuf_addf(out, " %s", lw_human_bytes(e->size, a,
							  sizeof(a)));
	if (lw_entry_link(e))
		lw_strbuf_addf(out, " -> %s", lw_entry_link(e));
	lw_strbuf_addf(out, ", %" PRIu32 ":%" PRIu32 " %04" PRIo32
		       ", layer %" PRIu32, lw_entry_uid(e), lw_entry_gid(e),
		       (uint32_t)(lw_entry_mode(e) & 07777), nd->layer);
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
			n = lwv_u8_char(q, &c);
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
			q += lwv_u8_char(q, &c);
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
