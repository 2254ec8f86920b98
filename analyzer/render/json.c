/* JSON output, schema version 1 (docs/json.md is the contract).
 *
 * The document is streamed as ncdu's export is: the top-level object and
 * its arrays are written here, and each member or array item is built as a
 * small jansson value, dumped and freed. Memory stays bounded however many
 * findings there are, and the bytes are exactly what json_dumpf() with the
 * same flags would write for the whole tree, but for C1, bidi and line
 * separator code points, written as \uXXXX (lwr_json_escape_unsafe). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "layerwaste/engine.h"
#include "layerwaste/checks.h"
#include "layerwaste/dockerfile.h"
#include "layerwaste/read.h"
#include "layerwaste/util.h"
#include "ci_priv.h"
#include "layerwaste/render.h"
#include "json_attr.h"
#include "render_priv.h"

#define LW_JSON_SCHEMA 1
#define DUMP_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | \
		    JSON_REAL_PRECISION(15) | JSON_ENCODE_ANY)

struct jdoc {
	FILE *f;
	size_t members;
	size_t items; /* of the array being written */
	int err;
};

struct jsink {
	FILE *f;
	const char *indent;
};

/* jansson's output of a nested value, shifted right: a raw newline only
 * ever comes from the indentation (strings escape theirs). */
static int sink_write(const char *buf, size_t size, void *data)
{
	struct jsink *s = data;
	const char *nl;
	size_t n;

	while ((nl = memchr(buf, '\n', size))) {
		n = (size_t)(nl - buf) + 1;
		if (fwrite(buf, 1, n, s->f) != n ||
		    fputs(s->indent, s->f) == EOF)
			return -1;
		buf += n;
		size -= n;
	}
	if (size && fwrite(buf, 1, size, s->f) != size)
		return -1;
	return 0;
}

static void jappend(json_t *a, json_t *v)
{
	if (!a || !v || json_array_append_new(a, v))
		abort();
}

static json_t *jint(uint64_t v)
{
	return lwr_jmust(json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v));
}

static json_t *jstr(struct lw_strbuf *sb)
{
	json_t *v = lwr_jmust(json_stringn(sb->buf, sb->len));

	lw_strbuf_release(sb);
	return v;
}

/* A history created_by, with the values of secret-looking build args
 * and ENVs hidden (lw_redact_history), or null. */
static json_t *jhistory(const char *created_by)
{
	char *r = lw_redact_history(created_by);
	json_t *v = lwr_jtext(r);

	free(r);
	return v;
}

/* A normalised path, shown with its leading slash. */
static json_t *jpath(const char *p)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;

	lw_strbuf_addc(&sb, '/');
	lwr_utf8_clean(&sb, p ? p : "");
	return jstr(&sb);
}

static void jdoc_begin(struct jdoc *d, FILE *f)
{
	d->f = f;
	d->members = 0;
	d->items = 0;
	d->err = 0;
	fputc('{', f);
}

static void jdoc_key(struct jdoc *d, const char *key)
{
	fprintf(d->f, "%s\n  \"%s\": ", d->members++ ? "," : "", key);
}

/* Writes v (taken) at the given nesting. Dumped whole, then written in
 * one piece per line: jansson's callback would hand over every token. */
static void jdoc_value(struct jdoc *d, json_t *v, const char *indent)
{
	struct jsink s = { d->f, indent };
	char *text = lwr_json_escape_unsafe(json_dumps(lwr_jmust(v),
							   DUMP_FLAGS));

	if (!text)
		abort();
	if (sink_write(text, strlen(text), &s))
		d->err = 1;
	free(text);
	json_decref(v);
}

static void jdoc_put(struct jdoc *d, const char *key, json_t *v)
{
	jdoc_key(d, key);
	jdoc_value(d, v, "  ");
}

static void jdoc_array_begin(struct jdoc *d, const char *key)
{
	jdoc_key(d, key);
	fputc('[', d->f);
	d->items = 0;
}

static void jdoc_array_add(struct jdoc *d, json_t *v)
{
	fputs(d->items++ ? ",\n    " : "\n    ", d->f);
	jdoc_value(d, v, "    ");
}

static void jdoc_array_end(struct jdoc *d)
{
	fputs(d->items ? "\n  ]" : "]", d->f);
}

static int jdoc_end(struct jdoc *d)
{
	fputs(d->members ? "\n}\n" : "}\n", d->f);
	if (lwr_finish(d->f) || d->err)
		return -1;
	return 0;
}

static json_t *json_tool(void)
{
	json_t *o = lwr_jmust(json_object());

	lwr_jput(o, "name", lwr_jmust(json_string("layerwaste")));
	lwr_jput(o, "version", lwr_jmust(json_string(lw_version())));
	return o;
}

/* an is NULL for inspect, which has no waste figures. */
static json_t *json_image(const struct lw_image *img,
			  const struct lw_analysis *an)
{
	json_t *o = lwr_jmust(json_object()), *tags = lwr_jmust(json_array());
	size_t i;

	lwr_jput(o, "source", lwr_jtext(img->source));
	lwr_jput(o, "format", lwr_jtext(img->format));
	lwr_jput(o, "compression",
	     lwr_jtext(lw_compression_name(img->outer_compression)));
	for (i = 0; i < img->ntags; i++)
		jappend(tags, lwr_jtext(img->tags[i]));
	lwr_jput(o, "tags", tags);
	lwr_jput(o, "platform", lwr_jtext(img->platform));
	lwr_jput(o, "config_digest", lwr_jtext(img->config_digest));
	lwr_jput(o, "base_name", lwr_jtext(img->base_name));
	lwr_jput(o, "base_digest", lwr_jtext(img->base_digest));
	lwr_jput(o, "layer_count", jint(img->nlayers));
	if (an) {
		lwr_jput(o, "file_count", jint(an->file_count));
		lwr_jput(o, "total_bytes", jint(an->total_bytes));
		lwr_jput(o, "visible_bytes", jint(an->visible_bytes));
	}
	return o;
}

static json_t *json_kinds(const uint64_t *v)
{
	json_t *o = lwr_jmust(json_object());
	int k;

	for (k = 0; k < LW_KIND_COUNT; k++)
		lwr_jput(o, lw_kind_name(k), jint(v[k]));
	return o;
}

/* Two decimals, without libm; p is never negative. */
static double round2(double p)
{
	return p > 0 ? (double)(int64_t)(p * 100.0 + 0.5) / 100.0 : 0.0;
}

/* The counts of a --baseline run, or null. */
static json_t *json_baseline(const struct lw_baseline *b)
{
	json_t *o;

	if (!b)
		return lwr_jmust(json_null());
	o = lwr_jmust(json_object());
	lwr_jput(o, "report", lwr_jtext(b->source));
	lwr_jput(o, "new", jint(b->nnew));
	lwr_jput(o, "grown", jint(b->ngrown));
	lwr_jput(o, "unchanged", jint(b->nunchanged));
	lwr_jput(o, "fixed", jint(b->nfixed));
	lwr_jput(o, "fixed_bytes", jint(b->fixed_bytes));
	return o;
}

static json_t *json_summary(const struct lw_result *r)
{
	const struct lw_analysis *an = r->analysis;
	json_t *o = lwr_jmust(json_object()), *dive = lwr_jmust(json_object());
	uint64_t base = lwr_inherited_bytes(r);

	lwr_jput(o, "wasted_bytes", jint(an->wasted_bytes));
	lwr_jput(o, "wasted_percent",
	     lwr_jmust(json_real(round2(lw_analysis_wasted_percent(an)))));
	lwr_jput(o, "base_wasted_bytes", jint(base));
	lwr_jput(o, "own_wasted_bytes", jint(an->wasted_bytes - base));
	lwr_jput(o, "baseline", json_baseline(r->baseline));
	lwr_jput(o, "by_kind", json_kinds(an->by_kind));
	lwr_jput(o, "files_by_kind", json_kinds(an->files_by_kind));
	lwr_jput(o, "duplicate_bytes", jint(an->duplicate_bytes));
	lwr_jput(o, "finding_count", jint(an->nfindings));
	lwr_jput(o, "warning_count",
	     jint(an->image->warnings.total + an->warnings.total));
	lwr_jput(dive, "efficiency", lwr_jmust(json_real(an->dive.efficiency)));
	lwr_jput(dive, "wasted_bytes", jint(an->dive.wasted_bytes));
	lwr_jput(dive, "user_wasted_percent",
	     lwr_jmust(json_real(an->dive.user_wasted_percent)));
	lwr_jput(dive, "size_bytes", jint(an->dive.size_bytes));
	lwr_jput(dive, "user_size_bytes", jint(an->dive.user_size_bytes));
	lwr_jput(o, "dive", dive);
	return o;
}

/* One layer; r is NULL for inspect. */
static json_t *json_layer(const struct lw_image *img, size_t i,
			  const struct lw_result *r)
{
	const struct lw_analysis *an = r ? r->analysis : NULL;
	const struct lw_layer *ly = &img->layers[i];
	const struct lw_layer_index *ix = ly->index;
	json_t *o = lwr_jmust(json_object());

	lwr_jput(o, "index", jint(i));
	lwr_jput(o, "digest", lwr_jtext(ly->digest));
	lwr_jput(o, "diff_id", lwr_jtext(ly->diff_id));
	lwr_jput(o, "compression", lwr_jtext(lw_compression_name(ly->compression)));
	lwr_jput(o, "compressed_bytes", jint(ly->compressed_bytes));
	lwr_jput(o, "tar_bytes", jint(ly->tar_bytes));
	lwr_jput(o, "entry_count", jint(ix ? ix->count : 0));
	lwr_jput(o, "file_count", jint(ix ? ix->file_count : 0));
	lwr_jput(o, "total_bytes", jint(ix ? ix->file_bytes : 0));
	if (an) {
		lwr_jput(o, "wasted_bytes", jint(an->layers[i].wasted_bytes));
		lwr_jput(o, "finding_count", jint(an->layers[i].findings));
	}
	lwr_jput(o, "created_by",
	     jhistory(ly->history ? ly->history->created_by : NULL));
	if (an)
		lwr_jput(o, "instruction", lw_json_instruction(r, i));
	if (!an)
		lwr_jput(o, "member", lwr_jtext(ly->member));
	return o;
}

static json_t *json_cause(const struct lw_group *g)
{
	json_t *o = lwr_jmust(json_object());

	lwr_jput(o, "layer", jint(g->layer));
	lwr_jput(o, "from_layer", jint(g->from_layer));
	lwr_jput(o, "kind", lwr_jtext(lw_kind_name(g->kind)));
	lwr_jput(o, "bytes", jint(g->bytes));
	lwr_jput(o, "file_count", jint(g->files));
	lwr_jput(o, "first_finding", jint(g->first));
	lwr_jput(o, "finding_count", jint(g->count));
	return o;
}

/* The base flags and suppression of a cause or finding of group gi. */
static void put_base(json_t *o, const struct lw_result *r, size_t gi)
{
	lwr_jput(o, "base", lwr_jmust(json_boolean(lwr_group_base(r, gi))));
	lwr_jput(o, "inherited",
		 lwr_jmust(json_boolean(lwr_group_inherited(r, gi))));
	lwr_jput(o, "suppressed", lwr_suppressed_json(r, gi));
}

/* What the gate made of cause gi (judge.h): the bytes of it the rules
 * judge, its severity, and the level the CI formats show it at. */
static void put_gate(json_t *o, const struct lw_result *r, size_t gi)
{
	const struct lw_rules_report *rules = r->rules;
	const struct lw_group_judgement *j = rules && rules->groups &&
		gi < rules->ngroups ? &rules->groups[gi] : NULL;

	lwr_jput(o, "judged_bytes", jint(j ? j->judged_bytes : 0));
	lwr_jput(o, "severity", lwr_jtext(j ? lw_severity_name(j->severity) :
					  NULL));
	lwr_jput(o, "level", lwr_jtext(lw_severity_name(lwr_group_level(r,
									gi))));
}

/* category and inherent, for package-manager state only. */
static void put_category(json_t *o, const struct lw_result *r, size_t gi)
{
	const struct lw_cause *c = lwr_group_cause(r, gi);

	if (!c || c->category != LW_CAUSE_PACKAGE_DB)
		return;
	lwr_jput(o, "category", lwr_jtext(lw_cause_category_name(c->category)));
	lwr_jput(o, "inherent", lwr_jmust(json_boolean(c->inherent)));
}

static const char *type_name(int type)
{
	static const char *const names[] = {
		[LW_ENTRY_FILE] = "file",
		[LW_ENTRY_DIR] = "dir",
		[LW_ENTRY_SYMLINK] = "symlink",
		[LW_ENTRY_HARDLINK] = "hardlink",
		[LW_ENTRY_OTHER] = "other",
		[LW_ENTRY_WHITEOUT] = "whiteout",
		[LW_ENTRY_OPAQUE] = "opaque",
	};

	if (type < 0 || (size_t)type >= sizeof(names) / sizeof(names[0]))
		return NULL;
	return names[type];
}

static json_t *json_meta(const struct lw_meta *m, int type)
{
	json_t *o = lwr_jmust(json_object());
	char mode[16];

	snprintf(mode, sizeof(mode), "%04o", (unsigned)(m->mode & 07777));
	lwr_jput(o, "uid", jint(m->uid));
	lwr_jput(o, "gid", jint(m->gid));
	lwr_jput(o, "mode", lwr_jmust(json_string(mode)));
	if (type >= 0)
		lwr_jput(o, "type", lwr_jtext(type_name(type)));
	return o;
}

static json_t *json_finding(const struct lw_finding *fd)
{
	json_t *o = lwr_jmust(json_object());

	lwr_jput(o, "kind", lwr_jtext(lw_kind_name(fd->kind)));
	lwr_jput(o, "path", jpath(fd->path));
	lwr_jput(o, "layer", jint(fd->layer));
	lwr_jput(o, "from_layer", jint(fd->from_layer));
	lwr_jput(o, "bytes", jint(fd->bytes));
	lwr_jput(o, "before", json_meta(&fd->before, -1));
	lwr_jput(o, "after", fd->has_after ? json_meta(&fd->after, fd->after_type)
				       : lwr_jmust(json_null()));
	return o;
}

static json_t *json_dup(const struct lw_dup_group *dg)
{
	json_t *o = lwr_jmust(json_object()), *paths = lwr_jmust(json_array()), *m;
	size_t i;

	lwr_jput(o, "size", jint(dg->size));
	lwr_jput(o, "bytes", jint(dg->bytes));
	for (i = 0; i < dg->count; i++) {
		m = lwr_jmust(json_object());
		lwr_jput(m, "path", jpath(dg->members[i].path));
		lwr_jput(m, "layer", jint(dg->members[i].layer));
		jappend(paths, m);
	}
	lwr_jput(o, "paths", paths);
	return o;
}

struct jfiles {
	struct jdoc *d;
	const struct lw_image *img;
};

static void jfile(void *ctx, uint32_t layer, const struct lw_entry *e)
{
	struct jfiles *jf = ctx;
	const struct lw_entry *c;
	json_t *o;
	char hex[33];

	if (e->type != LW_ENTRY_FILE && e->type != LW_ENTRY_HARDLINK)
		return;
	c = lw_layer_index_content(jf->img->layers[layer].index, e);
	o = lwr_jmust(json_object());
	lwr_jput(o, "path", jpath(e->path));
	lwr_jput(o, "size", jint(e->type == LW_ENTRY_FILE ? e->size : 0));
	lwr_jput(o, "layer", jint(layer));
	if (c && (c->flags & LW_ENTRY_HASHED)) {
		snprintf(hex, sizeof(hex), "%016llx%016llx",
			 (unsigned long long)c->hash.hi,
			 (unsigned long long)c->hash.lo);
		lwr_jput(o, "hash", lwr_jmust(json_string(hex)));
	} else {
		lwr_jput(o, "hash", lwr_jmust(json_null()));
	}
	jdoc_array_add(jf->d, o);
}

/* The final file system's regular files and hard links, in tree order
 * (--with-files); null without it. */
static void jdoc_files(struct jdoc *d, const struct lw_image *img, int with)
{
	struct jfiles jf = { d, img };

	if (!with) {
		jdoc_put(d, "files", lwr_jmust(json_null()));
		return;
	}
	jdoc_array_begin(d, "files");
	lw_image_visible_under(img, "", jfile, &jf);
	jdoc_array_end(d);
}

/* Every kept message of a then b (b may be NULL), then one line for the
 * ones that were only counted. */
static void jdoc_warnings(struct jdoc *d, const struct lw_warnings *a,
			  const struct lw_warnings *b)
{
	const struct lw_warnings *w[2] = { a, b };
	size_t kept = 0, total = 0, i, j;
	char more[64];

	jdoc_array_begin(d, "warnings");
	for (j = 0; j < 2; j++) {
		if (!w[j])
			continue;
		for (i = 0; i < w[j]->count; i++)
			jdoc_array_add(d, lwr_jtext(w[j]->items[i]));
		kept += w[j]->count;
		total += w[j]->total;
	}
	if (total > kept) {
		snprintf(more, sizeof(more), "%zu more warnings not shown",
			 total - kept);
		jdoc_array_add(d, lwr_jmust(json_string(more)));
	}
	jdoc_array_end(d);
}

int lw_render_json(FILE *f, const struct lw_result *r,
		   const struct lw_render_opts *o)
{
	const struct lw_analysis *an = r->analysis;
	const struct lw_image *img = an->image;
	char **fp = lw_cause_fingerprints(an);
	struct jdoc d;
	size_t i, gi, *group_of;

	jdoc_begin(&d, f);
	jdoc_put(&d, "schema_version", jint(LW_JSON_SCHEMA));
	jdoc_put(&d, "tool", json_tool());
	jdoc_put(&d, "image", json_image(img, an));
	jdoc_put(&d, "summary", json_summary(r));
	jdoc_array_begin(&d, "layers");
	for (i = 0; i < img->nlayers; i++)
		jdoc_array_add(&d, json_layer(img, i, r));
	jdoc_array_end(&d);
	jdoc_array_begin(&d, "causes");
	for (i = 0; i < an->ngroups; i++) {
		json_t *c = json_cause(&an->groups[i]);

		lwr_jput(c, "suggestion", lw_json_cause_suggestion(r, i));
		lwr_jput(c, "fingerprint", lwr_jtext(fp[i]));
		put_base(c, r, i);
		put_category(c, r, i);
		lwr_jput(c, "baseline", r->baseline && i < r->baseline->ngroups ?
			 lwr_jtext(lw_baseline_status_name(
				 r->baseline->status[i])) :
			 lwr_jmust(json_null()));
		put_gate(c, r, i);
		jdoc_array_add(&d, c);
	}
	jdoc_array_end(&d);
	jdoc_put(&d, "attribution", lw_json_attribution(r));
	jdoc_put(&d, "suggestions", lw_json_suggestions(r));
	jdoc_array_begin(&d, "findings");
	/* Each group is a range of the findings; groups are sorted by
	 * bytes, so map each finding to its group first. */
	group_of = lw_xcalloc(an->nfindings + 1, sizeof(*group_of));
	for (i = 0; i < an->nfindings; i++)
		group_of[i] = an->ngroups;
	for (gi = 0; gi < an->ngroups; gi++)
		for (i = an->groups[gi].first; i < an->groups[gi].first +
		     an->groups[gi].count && i < an->nfindings; i++)
			group_of[i] = gi;
	for (i = 0; i < an->nfindings; i++) {
		json_t *fo = json_finding(&an->findings[i]);

		put_base(fo, r, group_of[i]);
		jdoc_array_add(&d, fo);
	}
	free(group_of);
	jdoc_array_end(&d);
	jdoc_array_begin(&d, "duplicates");
	for (i = 0; i < an->ndups; i++)
		jdoc_array_add(&d, json_dup(&an->dups[i]));
	jdoc_array_end(&d);
	jdoc_warnings(&d, &img->warnings, &an->warnings);
	jdoc_put(&d, "rules", lwr_rules_json(r->rules));
	jdoc_put(&d, "profile", lwr_profile_json(r));
	jdoc_put(&d, "checks", lwr_checks_json(r));
	jdoc_files(&d, img, o && o->with_files);
	lw_cause_fingerprints_free(fp, an->ngroups);
	return jdoc_end(&d);
}

int lw_render_inspect_json(FILE *f, const struct lw_image *img,
			   const struct lw_render_opts *o)
{
	struct jdoc d;
	size_t i;

	jdoc_begin(&d, f);
	jdoc_put(&d, "schema_version", jint(LW_JSON_SCHEMA));
	jdoc_put(&d, "tool", json_tool());
	jdoc_put(&d, "image", json_image(img, NULL));
	jdoc_array_begin(&d, "layers");
	for (i = 0; i < img->nlayers; i++)
		jdoc_array_add(&d, json_layer(img, i, NULL));
	jdoc_array_end(&d);
	jdoc_warnings(&d, &img->warnings, NULL);
	return jdoc_end(&d);
}
