/* The suggestion builder the fix files share (fixer.h): new
 * suggestions, the groups and edits they cover, and the words they name
 * layers with. fixes.c and the fix_*.c files build on it; it calls none
 * of them. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attrib_priv.h"
#include "fixer.h"
#include "layerwaste/dockerfile.h"
#include "layerwaste/util.h"

static const char *const fix_names[LW_FIX_COUNT] = {
	"copy-chown", "copy-chmod", "same-run", "cleanup", "reorder",
};

const char *lw_fix_kind_name(int kind)
{
	return kind >= 0 && kind < LW_FIX_COUNT ? fix_names[kind] : "?";
}

/* "Dockerfile:12" or "layer 3 (RUN chown ...)". Owned. */
char *fx_where(const struct fixer *fx, uint32_t l)
{
	const struct lw_layer_attr *la = &fx->ctx->at->layers[l];
	struct lw_strbuf sb = LW_STRBUF_INIT;

	if (la->file)
		lw_strbuf_addf(&sb, "%s:%d", la->file, la->line);
	else if (la->keyword)
		lw_strbuf_addf(&sb, "layer %u (%s)", l, la->keyword);
	else
		lw_strbuf_addf(&sb, "layer %u", l);
	return lw_strbuf_detach(&sb);
}

void fx_run_text_init(struct run_text *r, const struct lw_df_instr *d,
			  char escape)
{
	const char *p;
	struct lw_error err;

	memset(r, 0, sizeof(*r));
	r->d = d;
	r->escape = escape;
	if (!d || strcmp(d->keyword, "RUN") || d->exec_form || d->nheredocs)
		return;
	p = d->source + d->args_offset;
	r->off = (size_t)(p - d->source);
	r->text = p;
	r->len = strlen(p);
	r->ok = lw_sh_split(r->text, r->len, escape, &r->sh, &err) == 0;
}

void fx_run_text_release(struct run_text *r)
{
	if (r->ok)
		lw_sh_script_release(&r->sh);
	r->ok = 0;
}

struct sugg_build *fx_new_sugg(struct fixer *fx, int kind, uint32_t k,
				   uint32_t j)
{
	struct sugg_build *b;
	struct lw_strbuf id = LW_STRBUF_INIT;

	lw_grow((void **)&fx->v, &fx->cap, fx->n + 1, sizeof(*fx->v));
	b = &fx->v[fx->n++];
	memset(b, 0, sizeof(*b));
	b->s.kind = kind;
	lw_strbuf_addf(&id, "%s-%u-%u", lw_fix_kind_name(kind), k, j);
	b->s.id = lw_strbuf_detach(&id);
	return b;
}

LW_PRINTF(2, 3)
char *fx_fmt(struct lw_strbuf *sb, const char *f, ...)
{
	va_list ap;
	char buf[2048];

	va_start(ap, f);
	vsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	lw_strbuf_reset(sb);
	lw_strbuf_adds(sb, buf);
	return lw_xstrdup(sb->buf);
}

void fx_add_group(struct fixer *fx, struct sugg_build *b, size_t g)
{
	const struct lw_analysis *an = fx->ctx->an;
	const struct lw_group *gr = &an->groups[g];
	const struct lw_image *img = an->image;
	uint32_t home = lw_kind_is_metadata(gr->kind) ? gr->layer :
		gr->from_layer;
	const struct lw_layer *l = &img->layers[home];
	double ratio = 1.0;
	size_t i;

	b->groups = lw_xrealloc(b->groups, (b->ngroups + 1) * sizeof(size_t));
	b->groups[b->ngroups++] = g;
	fx->group_sugg[g] = (int)(b - fx->v);
	b->s.saves_bytes += gr->bytes;
	if (l->compression != LW_COMP_NONE && l->tar_bytes)
		ratio = (double)l->compressed_bytes / (double)l->tar_bytes;
	b->s.saves_compressed_bytes += (uint64_t)((double)gr->bytes * ratio);
	for (i = 0; i < b->s.nfinding_layers; i++)
		if (b->s.finding_layers[i] == gr->layer)
			return;
	b->s.finding_layers = lw_xrealloc(b->s.finding_layers,
					  (b->s.nfinding_layers + 1) *
					  sizeof(uint32_t));
	b->s.finding_layers[b->s.nfinding_layers++] = gr->layer;
}

void fx_add_edit(struct sugg_build *b, int line, int end_line,
		     char *text)
{
	struct lw_fix_edit *e;

	b->s.edits = lw_xrealloc(b->s.edits, (b->s.nedits + 1) *
				 sizeof(*b->s.edits));
	e = &b->s.edits[b->s.nedits++];
	e->line = line;
	e->end_line = end_line;
	e->text = text;
}
