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
int lwv_u8_char(const char *s, int *cols)
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
		s += lwv_u8_char(s, &c);
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
		n = lwv_u8_char(p, &c);
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
		n = lwv_u8_char(p, &c);
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

		q += lwv_u8_char(q, &w);
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
			s += lwv_u8_char(s, &c);
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

int lwv_group_fix(const struct lw_vm *vm, size_t group)
{
	const struct lw_attribution *at = vm->result->attribution;
	size_t i;
	int s = -1;

	if (!at || !at->causes)
		return -1;
	if (group < at->ncauses && at->causes[group].group == group) {
		s = at->causes[group].suggestion;
	} else {
		for (i = 0; i < at->ncauses; i++)
			if (at->causes[i].group == group)
				s = at->causes[i].suggestion;
	}
	return s >= 0 && (size_t)s < at->nsuggestions ? s : -1;
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

const char *lwv_type_name(int type)
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
		lw_strbuf_addf(out, ", now a %s ", lwv_type_name(f->after_type));
		meta(out, &f->after);
	}
}
