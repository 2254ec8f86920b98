/* JSON output, schema version 1 (docs/json.md is the contract).
 *
 * The document is streamed as ncdu's export is: the top-level object and
 * its arrays are written here, and each member or array item is built as a
 * small jansson value, dumped and freed. Memory stays bounded however many
 * findings there are, and the bytes are exactly what json_dumpf() with the
 * same flags would write for the whole tree, but for C1, bidi and line
 * separator code points, written as \uXXXX (lwr_json_escape_unsafe).
 *
 * The items there are many of (findings, duplicates, files) are written
 * straight out instead, in jansson's layout (jw_*: two spaces a level,
 * ", " nowhere, "{}" and "[]" when empty) with strings escaped by
 * lwr_json_str, which the unit tests hold to the jansson path. Everything
 * goes through one buffer, written JDOC_FLUSH bytes at a time. */
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

/* Bytes gathered before a write to the file. */
#define JDOC_BUF (64u << 10)
/* Deepest nesting the jw_* writers keep counts for (a finding: 4). */
#define JW_DEPTH 16

struct jdoc {
	FILE *f;
	char *buf; /* owned, JDOC_BUF bytes: not yet written to f */
	size_t len;
	struct lw_strbuf str; /* a string escaped by lwr_json_str */
	size_t members;
	size_t items; /* of the array being written */
	int depth;    /* of what the jw_* writers write: 2 spaces a level */
	size_t n[JW_DEPTH]; /* members or items so far at each depth */
	int err;
};

static void jdoc_flush(struct jdoc *d)
{
	if (d->len && fwrite(d->buf, 1, d->len, d->f) != d->len)
		d->err = 1;
	d->len = 0;
}

/* jdoc_add when s does not fit in what is left of the buffer. */
static void jdoc_add_slow(struct jdoc *d, const char *s, size_t n)
{
	jdoc_flush(d);
	if (n >= JDOC_BUF) {
		if (fwrite(s, 1, n, d->f) != n)
			d->err = 1;
		return;
	}
	memcpy(d->buf, s, n);
	d->len = n;
}

static inline void jdoc_add(struct jdoc *d, const char *s, size_t n)
{
	if (n > JDOC_BUF - d->len) {
		jdoc_add_slow(d, s, n);
		return;
	}
	memcpy(d->buf + d->len, s, n);
	d->len += n;
}

static void jdoc_adds(struct jdoc *d, const char *s)
{
	jdoc_add(d, s, strlen(s));
}

/* Room for n more bytes (n <= JDOC_BUF) at d->buf + d->len. */
static inline char *jdoc_room(struct jdoc *d, size_t n)
{
	if (n > JDOC_BUF - d->len)
		jdoc_flush(d);
	return d->buf + d->len;
}

/* A newline and the indentation of depth (below JW_DEPTH). */
static void jdoc_indent(struct jdoc *d, int depth)
{
	static const char nl[] = "\n                                ";

	_Static_assert(sizeof(nl) == 2 * JW_DEPTH + 2, "indent for JW_DEPTH");
	jdoc_add(d, nl, 1 + 2 * (size_t)depth);
}

/* jansson's output of a nested value, shifted right by depth levels: a raw
 * newline only ever comes from the indentation (strings escape theirs). */
static void jdoc_shifted(struct jdoc *d, const char *buf, int depth)
{
	const char *nl;

	while ((nl = strchr(buf, '\n'))) {
		jdoc_add(d, buf, (size_t)(nl - buf));
		jdoc_indent(d, depth);
		buf = nl + 1;
	}
	jdoc_adds(d, buf);
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

/* A history created_by, with the values of secret-looking build args
 * and ENVs hidden (lw_redact_history), or null. */
static json_t *jhistory(const char *created_by)
{
	char *r = lw_redact_history(created_by);
	json_t *v = lwr_jtext(r);

	free(r);
	return v;
}

static void jdoc_begin(struct jdoc *d, FILE *f)
{
	*d = (struct jdoc){ .f = f, .buf = lw_xmalloc(JDOC_BUF),
			    .str = LW_STRBUF_INIT };
	jdoc_add(d, "{", 1);
}

static void jdoc_key(struct jdoc *d, const char *key)
{
	if (d->members++)
		jdoc_add(d, ",", 1);
	jdoc_indent(d, 1);
	jdoc_add(d, "\"", 1);
	jdoc_adds(d, key);
	jdoc_add(d, "\": ", 3);
}

/* Writes v (taken) at the given depth. Dumped whole, then written in one
 * piece per line: jansson's callback would hand over every token. */
static void jdoc_value(struct jdoc *d, json_t *v, int depth)
{
	char *text;

	if (json_is_null(lwr_jmust(v))) {
		jdoc_add(d, "null", 4);
		return;
	}
	text = lwr_json_escape_unsafe(json_dumps(v, DUMP_FLAGS));
	if (!text)
		abort();
	jdoc_shifted(d, text, depth);
	free(text);
	json_decref(v);
}

static void jdoc_put(struct jdoc *d, const char *key, json_t *v)
{
	jdoc_key(d, key);
	jdoc_value(d, v, 1);
}

static void jdoc_array_begin(struct jdoc *d, const char *key)
{
	jdoc_key(d, key);
	jdoc_add(d, "[", 1);
	d->items = 0;
}

/* Starts an item of the array being written: what follows is written at
 * depth 2. */
static void jdoc_item(struct jdoc *d)
{
	if (d->items++)
		jdoc_add(d, ",", 1);
	jdoc_indent(d, 2);
	d->depth = 2;
}

static void jdoc_array_add(struct jdoc *d, json_t *v)
{
	jdoc_item(d);
	jdoc_value(d, v, 2);
}

static void jdoc_array_end(struct jdoc *d)
{
	if (d->items)
		jdoc_indent(d, 1);
	jdoc_add(d, "]", 1);
}

static int jdoc_end(struct jdoc *d)
{
	if (d->members)
		jdoc_add(d, "\n", 1);
	jdoc_add(d, "}\n", 2);
	jdoc_flush(d);
	free(d->buf);
	lw_strbuf_release(&d->str);
	if (lwr_finish(d->f) || d->err)
		return -1;
	return 0;
}

/* ---- values written straight out, at d->depth ---- */

/* Opens an object or array: its members or items go one level deeper. */
static void jw_open(struct jdoc *d, char c)
{
	jdoc_add(d, &c, 1);
	if (d->depth + 1 >= JW_DEPTH)
		abort();
	d->n[++d->depth] = 0;
}

static void jw_close(struct jdoc *d, char c)
{
	if (d->n[d->depth--])
		jdoc_indent(d, d->depth);
	jdoc_add(d, &c, 1);
}

/* The next member of the open object: key is trusted ASCII, short. */
static void jw_key(struct jdoc *d, const char *key)
{
	size_t klen = strlen(key), ind = 2 * (size_t)d->depth;
	char *p = jdoc_room(d, klen + ind + 6), *q = p;

	if (d->n[d->depth]++)
		*q++ = ',';
	*q++ = '\n';
	memset(q, ' ', ind);
	q += ind;
	*q++ = '"';
	memcpy(q, key, klen);
	q += klen;
	memcpy(q, "\": ", 3);
	d->len += (size_t)(q + 3 - p);
}

/* The next item of the open array. */
static void jw_item(struct jdoc *d)
{
	if (d->n[d->depth]++)
		jdoc_add(d, ",", 1);
	jdoc_indent(d, d->depth);
}

/* As jint: past INT64_MAX, INT64_MAX. */
static void jw_uint(struct jdoc *d, uint64_t v)
{
	char buf[24], *p = buf + sizeof(buf);

	if (v > INT64_MAX)
		v = INT64_MAX;
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	jdoc_add(d, p, (size_t)(buf + sizeof(buf) - p));
}

static void jw_bool(struct jdoc *d, int v)
{
	if (v)
		jdoc_add(d, "true", 4);
	else
		jdoc_add(d, "false", 5);
}

/* The JSON string of prefix (one byte at most) then s, by lwr_json_str;
 * a short s of bytes that need no escape is copied as it is, which is
 * what lwr_json_str makes of it. */
static void jw_str(struct jdoc *d, const char *prefix, const char *s)
{
	size_t plen = strlen(prefix), n = 0;
	char *p;

	while (n < 4096 && s[n] >= 0x20 && s[n] < 0x7f && s[n] != '"' &&
	       s[n] != '\\')
		n++;
	if (!s[n]) {
		p = jdoc_room(d, plen + n + 2);
		p[0] = '"';
		memcpy(p + 1, prefix, plen);
		memcpy(p + 1 + plen, s, n);
		p[1 + plen + n] = '"';
		d->len += plen + n + 2;
		return;
	}
	lw_strbuf_reset(&d->str);
	lwr_json_str(&d->str, prefix, s);
	jdoc_add(d, d->str.buf, d->str.len);
}

/* As lwr_jtext(s): null for NULL. */
static void jw_text(struct jdoc *d, const char *s)
{
	if (s)
		jw_str(d, "", s);
	else
		jdoc_add(d, "null", 4);
}

/* A normalised path, shown with its leading slash. */
static void jw_path(struct jdoc *d, const char *p)
{
	jw_str(d, "/", p ? p : "");
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

static void jw_meta(struct jdoc *d, const struct lw_meta *m, int type)
{
	unsigned mode = (unsigned)(m->mode & 07777);
	char oct[6] = {
		'"', (char)('0' + (mode >> 9)), (char)('0' + (mode >> 6 & 7)),
		(char)('0' + (mode >> 3 & 7)), (char)('0' + (mode & 7)), '"',
	};

	jw_open(d, '{');
	jw_key(d, "uid");
	jw_uint(d, m->uid);
	jw_key(d, "gid");
	jw_uint(d, m->gid);
	jw_key(d, "mode");
	jdoc_add(d, oct, sizeof(oct));
	if (type >= 0) {
		jw_key(d, "type");
		jw_text(d, type_name(type));
	}
	jw_close(d, '}');
}

/* Finding fd of group gi, with its base flags and suppression (put_base's
 * members). */
static void jw_finding(struct jdoc *d, const struct lw_finding *fd,
		       const struct lw_result *r, size_t gi)
{
	jw_open(d, '{');
	jw_key(d, "kind");
	jw_text(d, lw_kind_name(fd->kind));
	jw_key(d, "path");
	jw_path(d, fd->path);
	jw_key(d, "layer");
	jw_uint(d, fd->layer);
	jw_key(d, "from_layer");
	jw_uint(d, fd->from_layer);
	jw_key(d, "bytes");
	jw_uint(d, fd->bytes);
	jw_key(d, "before");
	jw_meta(d, &fd->before, -1);
	jw_key(d, "after");
	if (fd->has_after)
		jw_meta(d, &fd->after, fd->after_type);
	else
		jdoc_add(d, "null", 4);
	jw_key(d, "base");
	jw_bool(d, lwr_group_base(r, gi));
	jw_key(d, "inherited");
	jw_bool(d, lwr_group_inherited(r, gi));
	jw_key(d, "suppressed");
	jdoc_value(d, lwr_suppressed_json(r, gi), d->depth);
	jw_close(d, '}');
}

static void jw_dup(struct jdoc *d, const struct lw_dup_group *dg)
{
	size_t i;

	jw_open(d, '{');
	jw_key(d, "size");
	jw_uint(d, dg->size);
	jw_key(d, "bytes");
	jw_uint(d, dg->bytes);
	jw_key(d, "paths");
	jw_open(d, '[');
	for (i = 0; i < dg->count; i++) {
		jw_item(d);
		jw_open(d, '{');
		jw_key(d, "path");
		jw_path(d, dg->members[i].path);
		jw_key(d, "layer");
		jw_uint(d, dg->members[i].layer);
		jw_close(d, '}');
	}
	jw_close(d, ']');
	jw_close(d, '}');
}

struct jfiles {
	struct jdoc *d;
	const struct lw_image *img;
};

static void jfile(void *ctx, uint32_t layer, const struct lw_entry *e)
{
	struct jfiles *jf = ctx;
	struct jdoc *d = jf->d;
	const struct lw_entry *c;
	struct lw_pathbuf pb;
	char hex[36];

	if (e->type != LW_ENTRY_FILE && e->type != LW_ENTRY_HARDLINK)
		return;
	c = lw_layer_index_content(jf->img->layers[layer].index, e);
	jdoc_item(d);
	jw_open(d, '{');
	jw_key(d, "path");
	jw_path(d, lw_entry_path(e, &pb));
	jw_key(d, "size");
	jw_uint(d, e->type == LW_ENTRY_FILE ? e->size : 0);
	jw_key(d, "layer");
	jw_uint(d, layer);
	jw_key(d, "hash");
	if (c && (c->flags & LW_ENTRY_HASHED)) {
		snprintf(hex, sizeof(hex), "\"%016llx%016llx\"",
			 (unsigned long long)c->hash.hi,
			 (unsigned long long)c->hash.lo);
		jdoc_add(d, hex, 34);
	} else {
		jdoc_add(d, "null", 4);
	}
	jw_close(d, '}');
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
		jdoc_item(&d);
		jw_finding(&d, &an->findings[i], r, group_of[i]);
	}
	free(group_of);
	jdoc_array_end(&d);
	jdoc_array_begin(&d, "duplicates");
	for (i = 0; i < an->ndups; i++) {
		jdoc_item(&d);
		jw_dup(&d, &an->dups[i]);
	}
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
