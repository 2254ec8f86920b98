/* Rows and titles of the layers and causes panes, the header, the key
 * help and the help overlay. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "layerwaste/attrib.h"
#include "layerwaste/render.h"
#include "vm_priv.h"

#define SIZE_COLS 8 /* "999.9 kB" */

static const char *const help_lines[] = {
	"layerwaste browse: keys",
	"",
	"  Up/Down, k/j      move in the pane",
	"  PgUp/PgDn         move by a page",
	"  Home/End, g/G     first / last row",
	"  Tab, Shift-Tab    next / previous pane",
	"  Left/Right, h/l   fold / unfold (files); change pane",
	"  Enter, Space      fold or unfold a directory; list a cause's",
	"                    files; show a finding in the file tree",
	"  /                 filter paths (Enter applies, Esc cancels)",
	"  s                 sort by size or by name",
	"  w                 only entries with wasted bytes",
	"  a                 files of the layer / of the whole image",
	"  ?                 this help",
	"  q                 quit",
	"",
	"Kinds: U chown  M chmod  B chown+chmod  T touch",
	"       O overwrite  D delete",
	"",
	"Any key closes this help.",
	NULL,
};

const char *const *lw_vm_help_lines(void)
{
	return help_lines;
}

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
		if (cr->finding >= 0) {
			const struct lw_finding *f = &an->findings[cr->finding];

			lwv_line_addf(&l, "%c     %*s  ",
				      lw_vm_kind_letter(f->kind), SIZE_COLS,
				      lw_human_bytes(f->bytes, a, sizeof(a)));
			lwv_line_path(&l, f->path, -1);
		} else if (cr->finding == -2) {
			s = lwv_group_fix(vm, cr->group);
			r->kind_col = -1;
			r->flags |= LW_VM_R_FIX;
			lwv_line_add(&l, "   fix: ");
			lwv_line_esc(&l, s >= 0 && at->suggestions[s].title ?
				     at->suggestions[s].title : "", -1, 0);
		} else if (cr->finding == -3) {
			lwv_line_addf(&l, "%c     %" PRIu64 " file%s: Enter "
				      "lists them", lw_vm_kind_letter(g->kind),
				      g->files, g->files == 1 ? "" : "s");
		} else {
			r->flags |= LW_VM_R_HEADER | LW_VM_R_WASTE;
			lwv_line_addf(&l, "%c ", lw_vm_kind_letter(g->kind));
			lwv_group_text(vm, g, &vm->scratch);
			lwv_line_esc(&l, vm->scratch.buf, -1, 0);
		}
		r->cols = l.cols;
	}
	return n;
}

void lw_vm_title(struct lw_vm *vm, int pane, int width, struct lw_strbuf *out)
{
	struct lwv_line l;

	lwv_line_start(&l, out, width);
	if (pane == LW_VM_LAYERS) {
		lwv_line_add(&l, "Layers: #, size, waste, instruction");
	} else if (pane == LW_VM_CAUSES) {
		lwv_line_addf(&l, "Waste involving layer %" PRIu32
			      ", by cause", vm->layer);
	} else {
		if (vm->view == LW_VM_VIEW_IMAGE)
			lwv_line_add(&l, "Files of the image, hidden copies "
				     "marked");
		else
			lwv_line_addf(&l, "Files of layer %" PRIu32, vm->layer);
		lwv_line_add(&l, vm->sort == LW_VM_SORT_SIZE ? ", by size" :
			     ", by name");
		if (vm->wasted_only)
			lwv_line_add(&l, ", wasted only");
		if (vm->filter[0]) {
			lwv_line_add(&l, ", filter: ");
			lwv_line_esc(&l, vm->filter, -1, 0);
		}
	}
}

void lw_vm_header(struct lw_vm *vm, int width, struct lw_strbuf *out)
{
	const struct lw_analysis *an = vm->an;
	const struct lw_image *img = an->image;
	struct lwv_line l;
	char a[32], b[32];
	int room;

	lwv_line_start(&l, out, width);
	lwv_line_add(&l, "layerwaste  ");
	lw_strbuf_reset(&vm->scratch);
	lw_strbuf_addf(&vm->scratch, "  %zu layer%s, %s, wasted %s (%.1f %%)",
		       img->nlayers, img->nlayers == 1 ? "" : "s",
		       lw_human_bytes(an->total_bytes, a, sizeof(a)),
		       lw_human_bytes(an->wasted_bytes, b, sizeof(b)),
		       lw_analysis_wasted_percent(an));
	room = lwv_line_room(&l) - lwv_cols(vm->scratch.buf);
	if (room > 0)
		lwv_line_esc(&l, img->ntags ? img->tags[0] :
			     img->source ? img->source : "", room, 1);
	lwv_line_add(&l, vm->scratch.buf);
}

void lw_vm_keyhelp(struct lw_vm *vm, int width, struct lw_strbuf *out)
{
	struct lwv_line l;

	(void)vm;
	lwv_line_start(&l, out, width);
	lwv_line_add(&l, "q:quit ?:help Tab:pane Enter:open /:filter s:sort "
		     "w:wasted a:layer/image");
}
