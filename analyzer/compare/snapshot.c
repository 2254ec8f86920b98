/* A snapshot of an analysed image: what a comparison needs of one side,
 * and nothing else. A JSON report gives the same snapshot (report.c). */
#include <stdlib.h>
#include <string.h>

#include "layerwaste/compare.h"
#include "layerwaste/dockerfile.h"
#include "compare_priv.h"

#define INSTRUCTION_MAX 100 /* bytes of a one-line instruction */

char *lwc_strdup(struct lw_snapshot *s, const char *text)
{
	if (!text)
		return NULL;
	return lw_arena_strndup(&s->arena, text, strlen(text));
}

char *lwc_one_line(struct lw_snapshot *s, const char *text)
{
	char *sq = lw_sh_squash(text ? text : "");
	size_t n = strlen(sq);
	char *out;

	if (n > INSTRUCTION_MAX) {
		n = INSTRUCTION_MAX - 3;
		/* not inside a UTF-8 sequence */
		while (n && ((unsigned char)sq[n] & 0xc0) == 0x80)
			n--;
		memcpy(sq + n, "...", 4);
		n += 3;
	}
	out = lw_arena_strndup(&s->arena, sq, n);
	free(sq);
	return out;
}

char *lwc_key(struct lw_snapshot *s, const char *created_by)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	char *out;

	lw_history_stable(created_by, &sb);
	out = lw_arena_strndup(&s->arena, sb.buf, sb.len);
	lw_strbuf_release(&sb);
	return out;
}

struct lw_snapshot *lwc_snapshot_new(const char *source)
{
	struct lw_snapshot *s = lw_xcalloc(1, sizeof(*s));

	lw_arena_init(&s->arena);
	s->source = lwc_strdup(s, source ? source : "");
	s->name = s->source;
	return s;
}

static void snap_layer(struct lw_snapshot *s, const struct lw_image *img,
		       const struct lw_analysis *an,
		       const struct lw_attribution *at, size_t i)
{
	const struct lw_layer *ly = &img->layers[i];
	const struct lw_layer_attr *la =
		at && i < at->nlayers ? &at->layers[i] : NULL;
	const char *created_by = ly->history ? ly->history->created_by : NULL;
	struct lw_snap_layer *l = &s->layers[i];
	struct lw_strbuf sb = LW_STRBUF_INIT;

	l->diff_id = lwc_strdup(s, ly->diff_id);
	l->total_bytes = ly->index ? ly->index->file_bytes : 0;
	l->file_count = ly->index ? ly->index->file_count : 0;
	l->compressed_bytes = ly->compressed_bytes;
	l->wasted_bytes = an ? an->layers[i].wasted_bytes : 0;
	l->key = lwc_key(s, created_by);
	if (la && la->text && *la->text) {
		l->instruction = lwc_one_line(s, la->text);
	} else {
		lw_history_short(created_by, &sb);
		l->instruction = lwc_one_line(s, sb.buf);
	}
	if (la && la->file && la->line > 0) {
		l->file = lwc_strdup(s, la->file);
		l->line = la->line;
		l->end_line = la->end_line < la->line ? la->line : la->end_line;
	}
	l->base = la ? la->base : 0;
	lw_strbuf_release(&sb);
}

static const struct lw_suggestion *group_fix(const struct lw_attribution *at,
					     size_t gi)
{
	size_t i;

	if (!at)
		return NULL;
	for (i = 0; i < at->ncauses; i++) {
		if (at->causes[i].group != gi)
			continue;
		if (at->causes[i].suggestion < 0 ||
		    (size_t)at->causes[i].suggestion >= at->nsuggestions)
			return NULL;
		return &at->suggestions[at->causes[i].suggestion];
	}
	return NULL;
}

static void snap_causes(struct lw_snapshot *s, const struct lw_analysis *an,
			const struct lw_attribution *at)
{
	char **fp = lw_cause_fingerprints(an);
	const struct lw_suggestion *fix;
	const struct lw_group *g;
	struct lw_snap_cause *c;
	size_t i;

	s->causes = lw_arena_alloc(&s->arena,
				   (an->ngroups + 1) * sizeof(*s->causes));
	if (!s->causes)
		abort();
	memset(s->causes, 0, (an->ngroups + 1) * sizeof(*s->causes));
	s->ncauses = an->ngroups;
	for (i = 0; i < an->ngroups; i++) {
		g = &an->groups[i];
		c = &s->causes[i];
		c->fingerprint = lwc_strdup(s, fp[i]);
		c->kind = g->kind;
		c->layer = g->layer;
		c->from_layer = g->from_layer;
		c->bytes = g->bytes;
		c->files = g->files;
		c->path = lwc_strdup(s, g->count && g->first < an->nfindings ?
				     an->findings[g->first].path : "");
		c->instruction = g->layer < s->nlayers ?
			s->layers[g->layer].instruction : lwc_strdup(s, "");
		fix = group_fix(at, i);
		if (fix) {
			c->fix = lwc_strdup(s, fix->title);
			c->fix_kind = lwc_strdup(s, lw_fix_kind_name(fix->kind));
			c->fix_safe = fix->safe;
			c->saves_bytes = fix->saves_bytes;
		}
		lwc_cause_place(s, c, fix ? fix->file : NULL,
				fix ? fix->line : 0, fix ? fix->end_line : 0);
	}
	lw_cause_fingerprints_free(fp, an->ngroups);
}

void lwc_cause_place(struct lw_snapshot *s, struct lw_snap_cause *c,
		     const char *fix_file, int line, int end_line)
{
	const struct lw_snap_layer *l =
		c->layer < s->nlayers ? &s->layers[c->layer] : NULL;

	if (l && l->file) {
		c->file = l->file;
		c->line = l->line;
		c->end_line = l->end_line;
	} else if (fix_file && line > 0) {
		c->file = lwc_strdup(s, fix_file);
		c->line = line;
		c->end_line = end_line;
	}
	if (c->end_line < c->line)
		c->end_line = c->line;
}

struct files_ctx {
	struct lw_snapshot *s;
	size_t cap;
};

static void add_file(void *ctx, uint32_t layer, const struct lw_entry *e)
{
	struct files_ctx *fc = ctx;
	struct lw_snapshot *s = fc->s;
	const struct lw_entry *c;
	struct lw_snap_file *f;
	struct lw_pathbuf pb;

	if (e->type != LW_ENTRY_FILE && e->type != LW_ENTRY_HARDLINK)
		return;
	c = lw_layer_index_content(s->img->layers[layer].index, e);
	lw_grow((void **)&s->files, &fc->cap, s->nfiles + 1, sizeof(*f));
	f = &s->files[s->nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = lwc_strdup(s, lw_entry_path(e, &pb));
	f->size = e->type == LW_ENTRY_FILE ? e->size : 0;
	f->layer = layer;
	f->entry = c;
	if (c && (c->flags & LW_ENTRY_HASHED)) {
		f->hashed = 1;
		f->hash = c->hash;
	}
}

void lw_snapshot_of_image(struct lw_image *img, const struct lw_analysis *an,
			  const struct lw_attribution *at, int with_files,
			  struct lw_snapshot **out)
{
	struct lw_snapshot *s = lwc_snapshot_new(img->source);
	struct files_ctx fc = { s, 0 };
	size_t i;
	int k;

	s->img = img;
	if (img->ntags)
		s->name = lwc_strdup(s, img->tags[0]);
	s->nlayers = img->nlayers;
	s->layers = lw_arena_alloc(&s->arena,
				   (img->nlayers + 1) * sizeof(*s->layers));
	if (!s->layers)
		abort();
	memset(s->layers, 0, (img->nlayers + 1) * sizeof(*s->layers));
	s->compressed_known = 1;
	for (i = 0; i < img->nlayers; i++) {
		snap_layer(s, img, an, at, i);
		s->compressed_bytes += img->layers[i].compressed_bytes;
		if (!img->layers[i].compressed_bytes &&
		    s->layers[i].total_bytes)
			s->compressed_known = 0;
		if (!an)
			s->total_bytes += s->layers[i].total_bytes;
	}
	if (at && at->dockerfile)
		s->dockerfile = lwc_strdup(s, at->dockerfile);
	if (an) {
		s->analysed = 1;
		s->file_count = an->file_count;
		s->total_bytes = an->total_bytes;
		s->visible_bytes = an->visible_bytes;
		s->wasted_bytes = an->wasted_bytes;
		s->wasted_percent = lwc_round2(lw_analysis_wasted_percent(an));
		for (k = 0; k < LW_KIND_COUNT; k++) {
			s->by_kind[k] = an->by_kind[k];
			s->files_by_kind[k] = an->files_by_kind[k];
		}
		s->duplicate_bytes = an->duplicate_bytes;
		s->finding_count = an->nfindings;
		s->warning_count = img->warnings.total + an->warnings.total;
		s->dive = an->dive;
		snap_causes(s, an, at);
	}
	if (with_files) {
		lw_image_visible_under(img, "", add_file, &fc);
		lwc_sort_files(s);
		s->has_files = 1;
	}
	*out = s;
}

double lwc_round2(double p)
{
	return p > 0 ? (double)(int64_t)(p * 100.0 + 0.5) / 100.0 : 0.0;
}

static int file_cmp(const void *a, const void *b)
{
	return lw_path_cmp(((const struct lw_snap_file *)a)->path,
			   ((const struct lw_snap_file *)b)->path);
}

void lwc_sort_files(struct lw_snapshot *s)
{
	if (s->nfiles > 1)
		qsort(s->files, s->nfiles, sizeof(*s->files), file_cmp);
}

void lw_snapshot_free(struct lw_snapshot *s)
{
	if (!s)
		return;
	free(s->files);
	lw_arena_release(&s->arena);
	free(s);
}

struct hash_ctx {
	struct lw_entry_ref *refs;
	size_t n, cap;
	const struct lw_image *img;
};

static void want_hash(void *ctx, uint32_t layer, const struct lw_entry *e)
{
	struct hash_ctx *hc = ctx;
	const struct lw_layer_index *ix = hc->img->layers[layer].index;
	const struct lw_entry *c;

	if (e->type != LW_ENTRY_FILE && e->type != LW_ENTRY_HARDLINK)
		return;
	c = lw_layer_index_content(ix, e);
	if (!c || (c->flags & LW_ENTRY_HASHED))
		return;
	lw_grow((void **)&hc->refs, &hc->cap, hc->n + 1, sizeof(*hc->refs));
	hc->refs[hc->n].layer = layer;
	hc->refs[hc->n].entry = (uint32_t)(c - ix->entries);
	hc->n++;
}

int lw_image_hash_visible(struct lw_image *img, int jobs,
			  struct lw_error *err)
{
	struct hash_ctx hc = { NULL, 0, 0, img };
	int rc;

	lw_image_visible_under(img, "", want_hash, &hc);
	rc = hc.n ? lw_image_hash_many(img, hc.refs, hc.n, jobs, err) : LW_OK;
	free(hc.refs);
	return rc;
}
