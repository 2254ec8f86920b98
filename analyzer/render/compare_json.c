/* `layerwaste diff -f json` and `layerwaste share -f json`
 * (docs/compare.md is the contract; docs/schema/ holds its schema). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "ci_priv.h"
#include "cmp_out.h"
#include "render_priv.h"

#define DUMP_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | \
		    JSON_REAL_PRECISION(15))

static json_t *jint(uint64_t v)
{
	return lwr_jmust(json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v));
}

static json_t *jsint(int64_t v)
{
	return lwr_jmust(json_integer((json_int_t)v));
}

static json_t *jreal(double v)
{
	return lwr_jmust(json_real(v));
}

/* Two decimals, either sign, without libm. */
static double round2s(double p)
{
	return p >= 0 ? (double)(int64_t)(p * 100.0 + 0.5) / 100.0 :
			-(double)(int64_t)(-p * 100.0 + 0.5) / 100.0;
}

static void jadd(json_t *a, json_t *v)
{
	if (json_array_append_new(a, v))
		abort();
}

/* A normalised path with its leading slash, cleaned to UTF-8. */
static json_t *jpath(const char *p)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	json_t *v;

	lw_strbuf_addc(&sb, '/');
	lwr_utf8_clean(&sb, p ? p : "");
	v = lwr_jmust(json_stringn(sb.buf, sb.len));
	lw_strbuf_release(&sb);
	return v;
}

static json_t *jtool(void)
{
	json_t *o = lwr_jmust(json_object());

	lwr_jput(o, "name", lwr_jmust(json_string("layerwaste")));
	lwr_jput(o, "version", lwr_jmust(json_string(lw_version())));
	return o;
}

static json_t *jkinds(const uint64_t *v)
{
	json_t *o = lwr_jmust(json_object());
	int k;

	for (k = 0; k < LW_KIND_COUNT; k++)
		lwr_jput(o, lw_kind_name(k), jint(v[k]));
	return o;
}

/* A report's "summary", from a snapshot. */
static json_t *jsummary(const struct lw_snapshot *s)
{
	json_t *o = lwr_jmust(json_object()), *dive = lwr_jmust(json_object());

	lwr_jput(o, "wasted_bytes", jint(s->wasted_bytes));
	lwr_jput(o, "wasted_percent", jreal(s->wasted_percent));
	lwr_jput(o, "by_kind", jkinds(s->by_kind));
	lwr_jput(o, "files_by_kind", jkinds(s->files_by_kind));
	lwr_jput(o, "duplicate_bytes", jint(s->duplicate_bytes));
	lwr_jput(o, "finding_count", jint(s->finding_count));
	lwr_jput(o, "warning_count", jint(s->warning_count));
	lwr_jput(dive, "efficiency", jreal(s->dive.efficiency));
	lwr_jput(dive, "wasted_bytes", jint(s->dive.wasted_bytes));
	lwr_jput(dive, "user_wasted_percent",
		 jreal(s->dive.user_wasted_percent));
	lwr_jput(dive, "size_bytes", jint(s->dive.size_bytes));
	lwr_jput(dive, "user_size_bytes", jint(s->dive.user_size_bytes));
	lwr_jput(o, "dive", dive);
	return o;
}

static json_t *jside(const struct lw_snapshot *s)
{
	json_t *o = lwr_jmust(json_object());

	lwr_jput(o, "source", lwr_jtext(s->source));
	lwr_jput(o, "name", lwr_jtext(s->name));
	lwr_jput(o, "from_report", lwr_jmust(json_boolean(s->from_report)));
	lwr_jput(o, "dockerfile", lwr_jtext(s->dockerfile));
	lwr_jput(o, "layer_count", jint(s->nlayers));
	lwr_jput(o, "file_count", jint(s->file_count));
	lwr_jput(o, "total_bytes", jint(s->total_bytes));
	lwr_jput(o, "visible_bytes", jint(s->visible_bytes));
	lwr_jput(o, "compressed_bytes", s->compressed_known ?
		 jint(s->compressed_bytes) : lwr_jmust(json_null()));
	lwr_jput(o, "summary", jsummary(s));
	return o;
}

static json_t *jplace_line(int line)
{
	return line > 0 ? jint((uint64_t)line) : lwr_jmust(json_null());
}

static json_t *jcount(size_t n, int64_t bytes)
{
	json_t *o = lwr_jmust(json_object());

	lwr_jput(o, "count", jint(n));
	lwr_jput(o, "bytes", jsint(bytes));
	return o;
}

static json_t *jlayers(const struct lw_comparison *c)
{
	json_t *o = lwr_jmust(json_object()), *a = lwr_jmust(json_array()), *x;
	const struct lw_cmp_layer *l;
	const struct lw_snap_layer *sl;
	size_t i;

	lwr_jput(o, "shared", jcount(c->shared, (int64_t)c->shared_bytes));
	lwr_jput(o, "added", jcount(c->added, (int64_t)c->added_bytes));
	lwr_jput(o, "removed", jcount(c->removed, (int64_t)c->removed_bytes));
	lwr_jput(o, "rebuilt_count", jint(c->changed));
	for (i = 0; i < c->nlayers; i++) {
		l = &c->layers[i];
		sl = l->new_index >= 0 ? &c->new_->layers[l->new_index] :
					 &c->old->layers[l->old_index];
		x = lwr_jmust(json_object());
		lwr_jput(x, "match", lwr_jtext(lw_cmp_match_name(l->match)));
		lwr_jput(x, "old_index", l->old_index >= 0 ?
			 jint((uint64_t)l->old_index) : lwr_jmust(json_null()));
		lwr_jput(x, "new_index", l->new_index >= 0 ?
			 jint((uint64_t)l->new_index) : lwr_jmust(json_null()));
		lwr_jput(x, "diff_id", lwr_jtext(sl->diff_id));
		lwr_jput(x, "old_bytes", jint(l->old_bytes));
		lwr_jput(x, "new_bytes", jint(l->new_bytes));
		lwr_jput(x, "delta_bytes", jsint(l->delta));
		lwr_jput(x, "instruction", lwr_jtext(sl->instruction));
		lwr_jput(x, "file", lwr_jtext(sl->file));
		lwr_jput(x, "line", jplace_line(sl->line));
		jadd(a, x);
	}
	lwr_jput(o, "items", a);
	return o;
}

static json_t *jcause(const struct lw_comparison *c,
		      const struct lw_cmp_cause *x)
{
	const struct lw_snap_cause *sc = lwr_cmp_cause(c, x);
	const struct lw_snap_cause *old = x->old_index >= 0 ?
		&c->old->causes[x->old_index] : NULL;
	json_t *o = lwr_jmust(json_object()), *fix;

	lwr_jput(o, "fingerprint", lwr_jtext(sc->fingerprint));
	lwr_jput(o, "kind", lwr_jtext(lw_kind_name(sc->kind)));
	lwr_jput(o, "bytes", jint(x->new_index >= 0 ? sc->bytes : 0));
	lwr_jput(o, "old_bytes", jint(old ? old->bytes : 0));
	lwr_jput(o, "delta_bytes", jsint(x->delta));
	lwr_jput(o, "file_count", jint(sc->files));
	lwr_jput(o, "path", jpath(sc->path));
	lwr_jput(o, "layer", jint(sc->layer));
	lwr_jput(o, "from_layer", jint(sc->from_layer));
	lwr_jput(o, "side", lwr_jtext(x->new_index >= 0 ? "new" : "old"));
	lwr_jput(o, "matched_by", x->old_index < 0 || x->new_index < 0 ?
		 lwr_jmust(json_null()) :
		 lwr_jtext(x->by_fingerprint ? "fingerprint" : "instruction"));
	lwr_jput(o, "instruction", lwr_jtext(sc->instruction));
	lwr_jput(o, "file", lwr_jtext(sc->file));
	lwr_jput(o, "line", jplace_line(sc->line));
	lwr_jput(o, "end_line", jplace_line(sc->end_line));
	if (sc->fix) {
		fix = lwr_jmust(json_object());
		lwr_jput(fix, "kind", lwr_jtext(sc->fix_kind));
		lwr_jput(fix, "title", lwr_jtext(sc->fix));
		lwr_jput(fix, "safe", lwr_jmust(json_boolean(sc->fix_safe)));
		lwr_jput(fix, "saves_bytes", jint(sc->saves_bytes));
	} else {
		fix = lwr_jmust(json_null());
	}
	lwr_jput(o, "fix", fix);
	return o;
}

static json_t *jwaste(const struct lw_comparison *c)
{
	static const char *const keys[] = { "new", "grown", "shrunk", "fixed" };
	json_t *o = lwr_jmust(json_object()), *a[4];
	size_t i;
	int k;

	lwr_jput(o, "new_bytes", jint(c->new_waste_bytes));
	lwr_jput(o, "fixed_bytes", jint(c->fixed_waste_bytes));
	lwr_jput(o, "same_count", jint(c->count_by_status[LW_CMP_SAME]));
	for (k = 0; k < 4; k++)
		a[k] = lwr_jmust(json_array());
	for (i = 0; i < c->ncauses; i++)
		if (c->causes[i].status != LW_CMP_SAME)
			jadd(a[c->causes[i].status], jcause(c, &c->causes[i]));
	for (k = 0; k < 4; k++)
		lwr_jput(o, keys[k], a[k]);
	return o;
}

static json_t *jfiles(const struct lw_comparison *c)
{
	static const char *const st[] = { "added", "removed", "changed" };
	json_t *o, *dirs, *ch, *x;
	size_t i;

	if (!c->files_known)
		return lwr_jmust(json_null());
	o = lwr_jmust(json_object());
	dirs = lwr_jmust(json_array());
	ch = lwr_jmust(json_array());
	lwr_jput(o, "added", jcount(c->files_added, c->bytes_added));
	lwr_jput(o, "removed", jcount(c->files_removed, c->bytes_removed));
	lwr_jput(o, "changed", jcount(c->files_changed, c->bytes_changed));
	for (i = 0; i < c->ndirs; i++) {
		x = lwr_jmust(json_object());
		lwr_jput(x, "path", jpath(c->dirs[i].path));
		lwr_jput(x, "delta_bytes", jsint(c->dirs[i].delta));
		lwr_jput(x, "file_count", jint(c->dirs[i].files));
		jadd(dirs, x);
	}
	lwr_jput(o, "top_directories", dirs);
	for (i = 0; i < c->nfiles; i++) {
		x = lwr_jmust(json_object());
		lwr_jput(x, "path", jpath(c->files[i].path));
		lwr_jput(x, "status", lwr_jtext(st[c->files[i].status]));
		lwr_jput(x, "old_size", jint(c->files[i].old_size));
		lwr_jput(x, "new_size", jint(c->files[i].new_size));
		lwr_jput(x, "delta_bytes", jsint(c->files[i].delta));
		jadd(ch, x);
	}
	lwr_jput(o, "changes", ch);
	return o;
}

static json_t *jrules(const struct lw_comparison *c)
{
	json_t *o = lwr_jmust(json_object()), *a = lwr_jmust(json_array()), *x;
	size_t i;

	lwr_jput(o, "evaluated", lwr_jmust(json_boolean(c->evaluated)));
	lwr_jput(o, "passed", lwr_jmust(json_boolean(c->passed)));
	for (i = 0; i < c->nrules; i++) {
		x = lwr_jmust(json_object());
		lwr_jput(x, "id", lwr_jtext(lw_cmp_rule_id(c->rules[i].rule)));
		lwr_jput(x, "status",
			 lwr_jtext(c->rules[i].passed ? "pass" : "fail"));
		lwr_jput(x, "threshold", lwr_jtext(c->rules[i].threshold));
		lwr_jput(x, "actual", lwr_jtext(c->rules[i].actual));
		jadd(a, x);
	}
	lwr_jput(o, "results", a);
	return o;
}

static json_t *jnotes(const struct lw_warnings *w)
{
	json_t *a = lwr_jmust(json_array());
	size_t i;

	for (i = 0; i < w->count; i++)
		jadd(a, lwr_jtext(w->items[i]));
	return a;
}

static int dump(FILE *f, json_t *doc)
{
	int rc = json_dumpf(doc, f, DUMP_FLAGS);

	json_decref(doc);
	if (rc || fputc('\n', f) == EOF)
		return -1;
	return lwr_finish(f);
}

int lw_render_compare_json(FILE *f, const struct lw_comparison *c,
			   const struct lw_render_opts *o)
{
	json_t *doc = lwr_jmust(json_object()), *d = lwr_jmust(json_object());
	struct lw_strbuf sb = LW_STRBUF_INIT;

	lwr_cmp_headline(c, o, &sb);
	lwr_jput(doc, "schema_version", jint(1));
	lwr_jput(doc, "tool", jtool());
	lwr_jput(doc, "headline", lwr_jtext(sb.buf));
	lwr_jput(doc, "old", jside(c->old));
	lwr_jput(doc, "new", jside(c->new_));
	lwr_jput(d, "total_bytes", jsint(c->delta_total));
	lwr_jput(d, "visible_bytes", jsint(c->delta_visible));
	lwr_jput(d, "wasted_bytes", jsint(c->delta_wasted));
	lwr_jput(d, "compressed_bytes", c->compressed_known ?
		 jsint(c->delta_compressed) : lwr_jmust(json_null()));
	lwr_jput(d, "total_percent", c->old->total_bytes ?
		 jreal(round2s(c->growth_percent)) :
		 lwr_jmust(json_null()));
	lwr_jput(doc, "delta", d);
	lwr_jput(doc, "layers", jlayers(c));
	lwr_jput(doc, "waste", jwaste(c));
	lwr_jput(doc, "files", jfiles(c));
	lwr_jput(doc, "rules", jrules(c));
	lwr_jput(doc, "notes", jnotes(&c->notes));
	lw_strbuf_release(&sb);
	return dump(f, doc);
}

int lw_render_share_json(FILE *f, const struct lw_share *s,
			 const struct lw_render_opts *o)
{
	json_t *doc = lwr_jmust(json_object()), *a = lwr_jmust(json_array());
	json_t *ls = lwr_jmust(json_array()), *x, *in, *t;
	size_t i, j;

	lwr_jput(doc, "schema_version", jint(1));
	lwr_jput(doc, "tool", jtool());
	for (i = 0; i < s->nimages; i++) {
		const struct lw_share_image *im = &s->images[i];

		x = lwr_jmust(json_object());
		lwr_jput(x, "source", lwr_jtext(im->snap->source));
		lwr_jput(x, "name", lwr_jtext(im->snap->name));
		lwr_jput(x, "layer_count", jint(im->snap->nlayers));
		lwr_jput(x, "total_bytes", jint(im->total_bytes));
		lwr_jput(x, "shared_bytes", jint(im->shared_bytes));
		lwr_jput(x, "unique_bytes", jint(im->unique_bytes));
		lwr_jput(x, "shared_layer_count", jint(im->shared_layers));
		lwr_jput(x, "unique_layer_count", jint(im->unique_layers));
		jadd(a, x);
	}
	lwr_jput(doc, "images", a);
	t = lwr_jmust(json_object());
	lwr_jput(t, "layer_count", jint(s->common_base));
	lwr_jput(t, "bytes", jint(s->common_base_bytes));
	lwr_jput(doc, "common_base", t);
	t = lwr_jmust(json_object());
	lwr_jput(t, "sum_bytes", jint(s->sum_bytes));
	lwr_jput(t, "stored_bytes", jint(s->stored_bytes));
	lwr_jput(t, "shared_layer_count", jint(s->shared_layers));
	lwr_jput(t, "shared_bytes", jint(s->shared_bytes));
	lwr_jput(doc, "totals", t);
	for (j = 0; j < s->nlayers; j++) {
		x = lwr_jmust(json_object());
		in = lwr_jmust(json_array());
		lwr_jput(x, "diff_id", lwr_jtext(s->layers[j].diff_id));
		lwr_jput(x, "bytes", jint(s->layers[j].bytes));
		lwr_jput(x, "compressed_bytes",
			 jint(s->layers[j].compressed_bytes));
		for (i = 0; i < s->nimages; i++)
			if ((s->layers[j].in[i / 64] >> (i % 64)) & 1)
				jadd(in, jint(i));
		lwr_jput(x, "images", in);
		lwr_jput(x, "instruction", lwr_jtext(s->layers[j].instruction));
		jadd(ls, x);
	}
	lwr_jput(doc, "layers", ls);
	lwr_jput(doc, "notes", jnotes(&s->notes));
	(void)o;
	return dump(f, doc);
}
