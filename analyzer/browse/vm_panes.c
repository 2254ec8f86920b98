/* Rows and titles of the layers and causes panes, the header, the key
 * help and the help overlay. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "layerwaste/attrib.h"
#include "layerwaste/render.h"
#include "vm_priv.h"

#define SIZE_COLS 8 /* "999.9 kB" */

void lwv_rows_reserve(struct lw_vm *vm, size_t n)
{
	size_t old = vm->caprows;

	if (n <= old)
		return;
	lw_grow((void **)&vm->rows, &vm->caprows, n, sizeof(*vm->rows));
	memset(vm->rows + old, 0, (vm->caprows - old) * sizeof(*vm->rows));
	for (; old < vm->caprows; old++)
		lw_strbuf_init(&vm->rows[old].text);
}

static void row_start(struct lw_vm *vm, size_t i, int width, int cursor,
		      struct lwv_line *l)
{
	struct lw_vm_row *r = &vm->rows[i];

	lwv_line_start(l, &r->text, width);
	r->kind = -1;
	r->kind_col = -1;
	r->diff = -1;
	r->change = LW_VM_CHANGE_NONE;
	r->change_col = -1;
	r->flags = cursor ? LW_VM_R_CURSOR : 0;
	lwv_line_add(l, cursor ? ">" : " ");
}

static const char *size_or_blank(uint64_t n, char *buf, size_t size)
{
	if (!n)
		return "";
	return lw_human_bytes(n, buf, size);
}

size_t lwv_rows_layers(struct lw_vm *vm, int height, int width)
{
	const struct lw_image *img = vm->an->image;
	size_t i, n = 0;
	char a[32], b[32];
	int iw = snprintf(a, sizeof(a), "%zu", img->nlayers ?
			  img->nlayers - 1 : 0);

	int sw = 1, ww = 1, c;

	/* Columns as wide as the widest figure of any layer, not of the
	 * rows shown: they stay put while scrolling. */
	for (i = 0; i < img->nlayers; i++) {
		c = (int)strlen(lw_human_bytes(img->layers[i].index ?
			img->layers[i].index->file_bytes : 0, a, sizeof(a)));
		sw = c > sw ? c : sw;
		c = (int)strlen(size_or_blank(vm->an->layers[i].wasted_bytes,
					      a, sizeof(a)));
		ww = c > ww ? c : ww;
	}
	lwv_rows_reserve(vm, (size_t)height);
	for (i = vm->scroll[LW_VM_LAYERS]; i < img->nlayers &&
	     n < (size_t)height; i++, n++) {
		const struct lw_layer_index *ix = img->layers[i].index;
		uint64_t w = vm->an->layers[i].wasted_bytes;
		struct lwv_line l;

		row_start(vm, n, width, i == vm->cursor[LW_VM_LAYERS], &l);
		if (vm->lchange) {
			vm->rows[n].change = vm->lchange[i];
			vm->rows[n].change_col = 1;
			lwv_line_addf(&l, "%c", lw_vm_change_mark(
					      vm->lchange[i]));
		}
		lwv_line_addf(&l, "%*zu %*s %*s  ", iw, i, sw,
			      lw_human_bytes(ix ? ix->file_bytes : 0, a,
					     sizeof(a)),
			      ww, size_or_blank(w, b, sizeof(b)));
		if (w)
			vm->rows[n].flags |= LW_VM_R_WASTE;
		lw_strbuf_reset(&vm->scratch);
		lwv_layer_instr(vm, i, &vm->scratch);
		lwv_line_esc(&l, vm->scratch.buf, -1, 0);
		vm->rows[n].cols = l.cols;
	}
	return n;
}

size_t lwv_rows_causes(struct lw_vm *vm, int height, int width)
{
	const struct lw_analysis *an = vm->an;
	const struct lw_attribution *at = vm->result->attribution;
	size_t i, n = 0;
	char a[32];

	lwv_rows_reserve(vm, (size_t)height + 1);
	if (!vm->ncrows && height > 0) {
		struct lwv_line l;

		row_start(vm, 0, width, 0, &l);
		lwv_line_add(&l, " no wasted bytes involve this layer");
		vm->rows[0].cols = l.cols;
		return 1;
	}
	for (i = vm->scroll[LW_VM_CAUSES]; i < vm->ncrows &&
	     n < (size_t)height; i++, n++) {
		const struct lw_vm_crow *cr = &vm->crows[i];
		const struct lw_group *g = &an->groups[cr->group];
		struct lw_vm_row *r = &vm->rows[n];
		struct lwv_line l;
		int s;

		row_start(vm, n, width, i == vm->cursor[LW_VM_CAUSES], &l);
		r->kind = g->kind;
		r->kind_col = 1;
		lw_strbuf_reset(&vm->scratch);
		if (cr->chain && cr->finding >= 0) {
			/* A path of the package database: its bytes over
			 * every rewrite. */
			const struct lw_finding *f = &an->findings[cr->finding];
			uint64_t bytes = vm->chain.file_bytes[cr->step];

			lwv_line_addf(&l, "%c     %*s  ",
				      lw_vm_kind_letter(f->kind), SIZE_COLS,
				      lw_human_bytes(bytes, a, sizeof(a)));
			lwv_line_path(&l, f->path, -1);
		} else if (cr->finding >= 0) {
			const struct lw_finding *f = &an->findings[cr->finding];

			lwv_line_addf(&l, "%c     %*s  ",
				      lw_vm_kind_letter(f->kind), SIZE_COLS,
				      lw_human_bytes(f->bytes, a, sizeof(a)));
			lwv_line_path(&l, f->path, -1);
		} else if (cr->finding == -4) {
			r->kind_col = -1;
			r->flags |= LW_VM_R_STEP;
			lwv_line_add(&l, "   step ");
			lwv_step_text(vm, cr->step, &vm->scratch);
			lw_strbuf_adds(&vm->scratch, ", ");
			lwv_layer_instr(vm, vm->chain.steps[cr->step],
					&vm->scratch);
			lwv_line_esc(&l, vm->scratch.buf, -1, 0);
		} else if (cr->finding == -2) {
			s = lwv_crow_fix(vm, cr);
			r->kind_col = -1;
			r->flags |= LW_VM_R_FIX;
			lwv_line_add(&l, "   fix: ");
			lwv_line_esc(&l, s >= 0 && at->suggestions[s].title ?
				     at->suggestions[s].title : "", -1, 0);
		} else if (cr->finding == -3) {
			uint64_t files = cr->chain ? vm->chain.nfiles :
				g->files;

			lwv_line_addf(&l, "%c     %" PRIu64 " file%s: Enter "
				      "lists them", lw_vm_kind_letter(g->kind),
				      files, files == 1 ? "" : "s");
		} else {
			r->flags |= LW_VM_R_HEADER | LW_VM_R_WASTE;
			lwv_line_addf(&l, "%c ", lw_vm_kind_letter(g->kind));
			if (cr->chain)
				lwv_chain_text(vm, &vm->scratch);
			else
				lwv_group_text(vm, g, &vm->scratch);
			lwv_line_esc(&l, vm->scratch.buf, -1, 0);
		}
		r->cols = l.cols;
	}
	return n;
}

/* The pieces of the tree's title, long or short. */
static void tree_title(struct lw_vm *vm, int shortly, struct lw_strbuf *out)
{
	static const char *const names[LW_VM_DIFF_COUNT] = {
		"unmodified", "added", "removed", "modified", NULL,
	};
	unsigned hide = vm->hide[vm->view];
	int d, first = 1;

	if (vm->view == LW_VM_VIEW_IMAGE)
		lw_strbuf_adds(out, shortly ? "Image" :
			       "Files of the image, hidden copies marked");
	else
		lw_strbuf_addf(out, shortly ? "Layer %" PRIu32 :
			       "Files of layer %" PRIu32, vm->layer);
	lw_strbuf_adds(out, vm->sort == LW_VM_SORT_SIZE ?
		       (shortly ? ", size" : ", by size") :
		       (shortly ? ", name" : ", by name"));
	if (vm->wasted_only)
		lw_strbuf_adds(out, shortly ? ", wasted" : ", wasted only");
	for (d = 0; d < LW_VM_DIFF_COUNT; d++) {
		if (!names[d] || !(hide & (1u << d)) ||
		    (vm->view == LW_VM_VIEW_LAYER && d == LW_VM_DIFF_UNMOD))
			continue;
		lw_strbuf_addf(out, "%s%s", first ? (shortly ? ", -" :
						     ", hiding ") :
			       (shortly ? " -" : ", "), shortly ?
			       (const char[]){ names[d][0], 0 } : names[d]);
		first = 0;
	}
	if (vm->view == LW_VM_VIEW_LAYER &&
	    !(hide & (1u << LW_VM_DIFF_UNMOD)))
		lw_strbuf_adds(out, shortly ? ", +unmod" :
			       ", with unmodified files");
}

void lw_vm_title(struct lw_vm *vm, int pane, int width, struct lw_strbuf *out)
{
	struct lwv_line l;
	int shortly;

	lwv_line_start(&l, out, width);
	if (pane == LW_VM_LAYERS) {
		if (vm->lchange)
			lwv_line_add(&l, width >= 50 ? "Layers: + new, = "
				     "shared, #, size, waste, instruction" :
				     width >= 21 ? "Layers: + new, = shared" :
				     "Layers");
		else
			lwv_line_add(&l, width >= 36 ? "Layers: #, size, "
				     "waste, instruction" : "Layers");
		return;
	}
	if (pane == LW_VM_CAUSES) {
		lwv_line_addf(&l, width >= 34 ? "Waste involving layer %"
			      PRIu32 ", by cause" : "Causes, layer %" PRIu32,
			      vm->layer);
		return;
	}
	if (pane == LW_VM_LDETAILS) {
		lwv_line_addf(&l, "Layer %" PRIu32, vm->layer);
		return;
	}
	/* Long words while they fit, then short ones; the filter, typed by
	 * the user, shortened from the middle so both ends stay. */
	for (shortly = 0; shortly < 2; shortly++) {
		int need;

		lw_strbuf_reset(&vm->scratch);
		tree_title(vm, shortly, &vm->scratch);
		need = lwv_cols(vm->scratch.buf);
		if (vm->filter[0])
			need += (shortly ? 4 : 10) + 8;
		if (need <= width)
			break;
	}
	if (shortly > 1)
		shortly = 1;
	lwv_line_add(&l, vm->scratch.buf);
	if (vm->filter[0]) {
		lwv_line_add(&l, shortly ? ", /" : ", filter: ");
		lwv_line_esc(&l, vm->filter, -1, LWV_CUT_MID);
	}
}

/* Our figures and dive's, longest first; the header takes the longest
 * that leaves the image's name some room. */
static void header_figures(struct lw_vm *vm, int v, struct lw_strbuf *out)
{
	const struct lw_analysis *an = vm->an;
	const struct lw_image *img = an->image;
	char a[32], b[32];
	double eff = an->total_bytes ? 100.0 * (double)(an->total_bytes -
		an->wasted_bytes) / (double)an->total_bytes : 100.0;
	double dive = 100.0 * an->dive.efficiency;

	if (vm->cmp) {
		/* diff --browse: the growth first; the rest as usual. */
		const struct lw_comparison *c = vm->cmp;
		uint64_t d = c->delta_total < 0 ? (uint64_t)-c->delta_total :
			(uint64_t)c->delta_total;

		lw_strbuf_addf(out, "%c%s", c->delta_total < 0 ? '-' : '+',
			       lw_human_bytes(d, a, sizeof(a)));
		if (c->old->total_bytes && v < 4)
			lw_strbuf_addf(out, " (%+.2f %%)", c->growth_percent);
		if (v == 4)
			return;
		lw_strbuf_adds(out, ", ");
	}
	lw_human_bytes(an->total_bytes, a, sizeof(a));
	lw_human_bytes(an->wasted_bytes, b, sizeof(b));
	switch (v) {
	case 0:
		lw_strbuf_addf(out, "%zu layer%s, %s, wasted %s (%.1f %%), "
			       "efficiency %.2f %% (dive %.2f %%)",
			       img->nlayers, img->nlayers == 1 ? "" : "s", a,
			       b, lw_analysis_wasted_percent(an), eff, dive);
		break;
	case 1:
		lw_strbuf_addf(out, "%zu layer%s, %s, wasted %s (%.1f %%), "
			       "eff. %.2f %%, dive %.2f %%", img->nlayers,
			       img->nlayers == 1 ? "" : "s", a, b,
			       lw_analysis_wasted_percent(an), eff, dive);
		break;
	case 2:
		lw_strbuf_addf(out, "wasted %s, eff. %.2f %%, dive %.2f %%",
			       b, eff, dive);
		break;
	case 3:
		lw_strbuf_addf(out, "wasted %s, eff. %.1f %%", b, eff);
		break;
	default:
		lw_strbuf_addf(out, "wasted %s", b);
		break;
	}
}

/* The name's room before figures are dropped: a third of the width,
 * 12 to 32 columns. */
#define NAME_MIN_COLS(w) ((w) / 3 < 12 ? 12 : (w) / 3 > 32 ? 32 : (w) / 3)

void lw_vm_header(struct lw_vm *vm, int width, struct lw_strbuf *out)
{
	const struct lw_image *img = vm->an->image;
	const char *name = img->ntags ? img->tags[0] : img->source ?
		img->source : "";
	struct lw_strbuf both = LW_STRBUF_INIT;
	struct lwv_line l;
	int v, want, room, label;

	if (vm->cmp) {
		/* diff --browse: "OLD -> NEW" (escaped as one name). */
		lw_strbuf_addf(&both, "%s -> %s", vm->cmp->old->name ?
			       vm->cmp->old->name : "", name);
		name = both.buf;
	}
	want = lwv_cols(name);

	if (want > NAME_MIN_COLS(width))
		want = NAME_MIN_COLS(width);
	lwv_line_start(&l, out, width);
	for (v = 0; v < 5; v++) {
		lw_strbuf_reset(&vm->scratch);
		header_figures(vm, v, &vm->scratch);
		if (lwv_cols(vm->scratch.buf) + 2 + want <= width)
			break;
	}
	if (v == 5) {
		/* Only the name fits, shortened from the middle. */
		lwv_line_esc(&l, name, -1, LWV_CUT_MID);
		goto out;
	}
	room = width - lwv_cols(vm->scratch.buf) - 2;
	label = room - 12 >= lwv_cols(name) ? 12 : 0;
	if (label)
		lwv_line_add(&l, "layerwaste  ");
	if (vm->cmp && room - label >= 12) {
		/* Each name cut on its own, so that the arrow stays. */
		const char *oname = vm->cmp->old->name ?
			vm->cmp->old->name : "";
		int half = (room - label - 4) / 2;
		int ocols = lwv_cols(oname) < half ? lwv_cols(oname) : half;

		lwv_line_esc(&l, oname, ocols, LWV_CUT_MID);
		lwv_line_add(&l, " -> ");
		lwv_line_esc(&l, img->ntags ? img->tags[0] : img->source ?
			     img->source : "", room - label - ocols - 4,
			     LWV_CUT_MID);
	} else {
		lwv_line_esc(&l, name, room - label, LWV_CUT_MID);
	}
	lwv_line_add(&l, "  ");
	lwv_line_add(&l, vm->scratch.buf);
out:
	lw_strbuf_release(&both);
}

/* The layer details box's items, most wanted first. */
static void ldetail_item(struct lw_vm *vm, int item, struct lw_strbuf *out)
{
	const struct lw_layer *ly = &vm->an->image->layers[vm->layer];
	char a[32], b[32], c[32];

	switch (item) {
	case 0:
		lw_strbuf_adds(out, "instruction: ");
		lwv_layer_instr(vm, vm->layer, out);
		break;
	case 1:
		lw_strbuf_addf(out, "waste made %s, suffered %s",
			       lw_human_bytes(vm->made[vm->layer], a,
					      sizeof(a)),
			       lw_human_bytes(vm->suffered[vm->layer], b,
					      sizeof(b)));
		break;
	case 2:
		lw_strbuf_addf(out, "files %s, tar %s, stored %s",
			       lw_human_bytes(ly->index ? ly->index->file_bytes :
					      0, a, sizeof(a)),
			       lw_human_bytes(ly->tar_bytes, b, sizeof(b)),
			       lw_human_bytes(ly->compressed_bytes, c,
					      sizeof(c)));
		break;
	case 3:
		lw_strbuf_addf(out, "digest %s", ly->digest ? ly->digest :
			       "(none)");
		break;
	default:
		lw_strbuf_addf(out, "diff_id %s", ly->diff_id ? ly->diff_id :
			       "(none)");
		break;
	}
}

#define LDETAIL_ITEMS 5

void lw_vm_layer_details(struct lw_vm *vm, int i, int h, int width,
			 struct lw_strbuf *out)
{
	struct lwv_line l;
	int item, line = 0, first = 1;

	lwv_line_start(&l, out, width);
	if (vm->layer >= vm->an->image->nlayers || h <= 0)
		return;
	/* One item a line when there is room; else as many whole items a
	 * line as fit, the last of a line shortened when alone. */
	for (item = 0; item < LDETAIL_ITEMS; item++) {
		int cols;

		lw_strbuf_reset(&vm->scratch);
		ldetail_item(vm, item, &vm->scratch);
		cols = lwv_cols(vm->scratch.buf);
		if (!first && (h >= LDETAIL_ITEMS ||
			       cols + 3 > lwv_line_room(&l))) {
			if (++line >= h)
				return;
			if (line > i)
				return;
			lwv_line_start(&l, out, width);
			first = 1;
		}
		if (!first)
			lwv_line_add(&l, "   ");
		/* Digests and instructions lose their middle, not their
		 * ends. */
		lwv_line_esc(&l, vm->scratch.buf, -1, item >= 3 ? LWV_CUT_MID :
			     LWV_CUT_END);
		first = 0;
	}
	if (line < i)
		lwv_line_start(&l, out, width);
}
