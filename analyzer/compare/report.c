/* A snapshot of a JSON report of an earlier run (docs/json.md): the same
 * snapshot the analysed image gave, so that a diff against a saved report
 * answers as a diff against the image. Anything that is not a report of
 * ours, or not schema version 1, is refused with one line that says why. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "layerwaste/compare.h"
#include "layerwaste/dockerfile.h"
#include "compare_priv.h"

struct rd {
	struct lw_snapshot *s;
	const char *source;
	struct lw_error *err;
	int failed;
};

LW_PRINTF(2, 3)
static void bad(struct rd *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (r->failed)
		return;
	r->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lw_error_set(r->err, LW_ERR_INPUT, "report '%s': %s", r->source, msg);
}

static json_t *get(struct rd *r, json_t *o, const char *where,
		   const char *key, int type)
{
	json_t *v = json_object_get(o, key);

	if (!v || (type >= 0 && json_typeof(v) != (json_type)type &&
		   !(type == JSON_TRUE && json_is_boolean(v)))) {
		bad(r, "%s%s%s is missing or not %s", where, *where ? "." : "",
		    key, type == JSON_OBJECT ? "an object" :
		    type == JSON_ARRAY ? "an array" :
		    type == JSON_STRING ? "a string" :
		    type == JSON_INTEGER ? "an integer" : "of its type");
		return NULL;
	}
	return v;
}

static uint64_t uint_of(struct rd *r, json_t *o, const char *where,
			const char *key)
{
	json_t *v = get(r, o, where, key, JSON_INTEGER);

	if (!v)
		return 0;
	if (json_integer_value(v) < 0) {
		bad(r, "%s.%s is negative", where, key);
		return 0;
	}
	return (uint64_t)json_integer_value(v);
}

static double real_of(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : 0.0;
}

/* A string or null; NULL for null or absent. */
static const char *text_of(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int int_or_zero(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 100000000)
		return 0;
	return (int)json_integer_value(v);
}

/* "/a/b" -> "a/b": reports show paths with one leading slash. */
static const char *unslash(const char *p)
{
	return p && *p == '/' ? p + 1 : (p ? p : "");
}

static void read_summary(struct rd *r, json_t *doc)
{
	struct lw_snapshot *s = r->s;
	json_t *img = get(r, doc, "", "image", JSON_OBJECT);
	json_t *sum = get(r, doc, "", "summary", JSON_OBJECT);
	json_t *bk, *fk, *dive;
	int k;

	if (r->failed)
		return;
	s->name = text_of(img, "source") ?
		lwc_strdup(s, text_of(img, "source")) : s->source;
	if (json_array_size(json_object_get(img, "tags")) &&
	    json_is_string(json_array_get(json_object_get(img, "tags"), 0)))
		s->name = lwc_strdup(s, json_string_value(json_array_get(
			json_object_get(img, "tags"), 0)));
	s->file_count = uint_of(r, img, "image", "file_count");
	s->total_bytes = uint_of(r, img, "image", "total_bytes");
	s->visible_bytes = uint_of(r, img, "image", "visible_bytes");
	s->wasted_bytes = uint_of(r, sum, "summary", "wasted_bytes");
	s->wasted_percent = real_of(sum, "wasted_percent");
	bk = get(r, sum, "summary", "by_kind", JSON_OBJECT);
	fk = get(r, sum, "summary", "files_by_kind", JSON_OBJECT);
	dive = get(r, sum, "summary", "dive", JSON_OBJECT);
	if (r->failed)
		return;
	for (k = 0; k < LW_KIND_COUNT; k++) {
		s->by_kind[k] = uint_of(r, bk, "summary.by_kind",
					lw_kind_name(k));
		s->files_by_kind[k] = uint_of(r, fk, "summary.files_by_kind",
					      lw_kind_name(k));
	}
	s->duplicate_bytes = uint_of(r, sum, "summary", "duplicate_bytes");
	s->finding_count = uint_of(r, sum, "summary", "finding_count");
	s->warning_count = uint_of(r, sum, "summary", "warning_count");
	s->dive.efficiency = real_of(dive, "efficiency");
	s->dive.wasted_bytes = uint_of(r, dive, "summary.dive", "wasted_bytes");
	s->dive.user_wasted_percent = real_of(dive, "user_wasted_percent");
	s->dive.size_bytes = uint_of(r, dive, "summary.dive", "size_bytes");
	s->dive.user_size_bytes = uint_of(r, dive, "summary.dive",
					  "user_size_bytes");
	s->analysed = 1;
}

static void read_layers(struct rd *r, json_t *doc)
{
	struct lw_snapshot *s = r->s;
	json_t *a = get(r, doc, "", "layers", JSON_ARRAY), *l, *ins;
	struct lw_snap_layer *sl;
	struct lw_strbuf sb = LW_STRBUF_INIT;
	const char *created_by, *text;
	size_t i, n = json_array_size(a);

	if (r->failed)
		return;
	s->layers = lw_arena_alloc(&s->arena, (n + 1) * sizeof(*s->layers));
	if (!s->layers)
		abort();
	memset(s->layers, 0, (n + 1) * sizeof(*s->layers));
	s->nlayers = n;
	s->compressed_known = 1;
	for (i = 0; i < n && !r->failed; i++) {
		l = json_array_get(a, i);
		sl = &s->layers[i];
		if (!json_is_object(l)) {
			bad(r, "layers[%zu] is not an object", i);
			break;
		}
		sl->diff_id = lwc_strdup(s, text_of(l, "diff_id"));
		sl->total_bytes = uint_of(r, l, "layers[]", "total_bytes");
		sl->compressed_bytes = uint_of(r, l, "layers[]",
					       "compressed_bytes");
		sl->wasted_bytes = uint_of(r, l, "layers[]", "wasted_bytes");
		sl->file_count = uint_of(r, l, "layers[]", "file_count");
		s->compressed_bytes += sl->compressed_bytes;
		if (!sl->compressed_bytes && sl->total_bytes)
			s->compressed_known = 0;
		created_by = text_of(l, "created_by");
		sl->key = lwc_key(s, created_by);
		ins = json_object_get(l, "instruction");
		text = json_is_object(ins) ? text_of(ins, "text") : NULL;
		if (text && *text) {
			sl->instruction = lwc_one_line(s, text);
		} else {
			lw_strbuf_reset(&sb);
			lw_history_short(created_by, &sb);
			sl->instruction = lwc_one_line(s, sb.buf);
		}
		if (json_is_object(ins) && text_of(ins, "file") &&
		    int_or_zero(ins, "line") > 0) {
			sl->file = lwc_strdup(s, text_of(ins, "file"));
			sl->line = int_or_zero(ins, "line");
			sl->end_line = int_or_zero(ins, "end_line");
			if (sl->end_line < sl->line)
				sl->end_line = sl->line;
		}
		sl->base = json_is_object(ins) &&
			   json_is_true(json_object_get(ins, "base"));
	}
	lw_strbuf_release(&sb);
}

static void read_cause(struct rd *r, json_t *doc, json_t *c, size_t i)
{
	struct lw_snapshot *s = r->s;
	struct lw_snap_cause *sc = &s->causes[i];
	json_t *sugs = json_object_get(doc, "suggestions");
	json_t *finds = json_object_get(doc, "findings");
	json_t *sug = NULL, *sv, *fd;
	const char *kind, *fp;
	uint64_t first;

	if (!json_is_object(c)) {
		bad(r, "causes[%zu] is not an object", i);
		return;
	}
	kind = text_of(c, "kind");
	sc->kind = kind ? lw_kind_from_name(kind) : -1;
	if (sc->kind < 0) {
		bad(r, "causes[%zu].kind is not a kind", i);
		return;
	}
	fp = text_of(c, "fingerprint");
	if (!fp) {
		bad(r, "causes[%zu] has no fingerprint (the report was written "
		    "by an older layerwaste: write it again)", i);
		return;
	}
	sc->fingerprint = lwc_strdup(s, fp);
	sc->layer = (uint32_t)uint_of(r, c, "causes[]", "layer");
	sc->from_layer = (uint32_t)uint_of(r, c, "causes[]", "from_layer");
	sc->bytes = uint_of(r, c, "causes[]", "bytes");
	sc->files = uint_of(r, c, "causes[]", "file_count");
	first = uint_of(r, c, "causes[]", "first_finding");
	if (r->failed)
		return;
	if (sc->layer >= s->nlayers || sc->from_layer >= s->nlayers) {
		bad(r, "causes[%zu] names a layer the report does not have",
		    i);
		return;
	}
	fd = json_array_get(finds, first);
	sc->path = lwc_strdup(s, unslash(text_of(fd, "path")));
	sc->instruction = s->layers[sc->layer].instruction;
	sv = json_object_get(c, "suggestion");
	if (json_is_integer(sv) && json_integer_value(sv) >= 0)
		sug = json_array_get(sugs, (size_t)json_integer_value(sv));
	if (json_is_object(sug)) {
		sc->fix = lwc_strdup(s, text_of(sug, "title"));
		sc->fix_kind = lwc_strdup(s, text_of(sug, "kind"));
		sc->fix_safe = json_is_true(json_object_get(sug, "safe"));
		sv = json_object_get(sug, "saves_bytes");
		sc->saves_bytes = json_is_integer(sv) &&
			json_integer_value(sv) > 0 ?
			(uint64_t)json_integer_value(sv) : 0;
	}
	lwc_cause_place(s, sc, sug ? text_of(sug, "file") : NULL,
			sug ? int_or_zero(sug, "line") : 0,
			sug ? int_or_zero(sug, "end_line") : 0);
}

static void read_causes(struct rd *r, json_t *doc)
{
	struct lw_snapshot *s = r->s;
	json_t *a = get(r, doc, "", "causes", JSON_ARRAY);
	size_t i, n = json_array_size(a);

	get(r, doc, "", "findings", JSON_ARRAY);
	if (r->failed)
		return;
	s->causes = lw_arena_alloc(&s->arena, (n + 1) * sizeof(*s->causes));
	if (!s->causes)
		abort();
	memset(s->causes, 0, (n + 1) * sizeof(*s->causes));
	s->ncauses = n;
	for (i = 0; i < n && !r->failed; i++)
		read_cause(r, doc, json_array_get(a, i), i);
}

static int parse_hash(const char *hex, struct lw_hash *h)
{
	unsigned long long hi, lo;
	char a[17], b[17], *end;

	if (!hex || strlen(hex) != 32 || strspn(hex, "0123456789abcdef") != 32)
		return -1;
	memcpy(a, hex, 16);
	memcpy(b, hex + 16, 16);
	a[16] = b[16] = '\0';
	hi = strtoull(a, &end, 16);
	lo = strtoull(b, &end, 16);
	h->hi = hi;
	h->lo = lo;
	return 0;
}

static void read_files(struct rd *r, json_t *doc)
{
	struct lw_snapshot *s = r->s;
	json_t *a = json_object_get(doc, "files"), *f;
	struct lw_snap_file *sf;
	size_t i, n;

	if (!json_is_array(a))
		return; /* null, or a report of a version before it */
	n = json_array_size(a);
	s->files = lw_xcalloc(n + 1, sizeof(*s->files));
	for (i = 0; i < n && !r->failed; i++) {
		f = json_array_get(a, i);
		if (!json_is_object(f) || !text_of(f, "path")) {
			bad(r, "files[%zu] is not a file", i);
			return;
		}
		sf = &s->files[s->nfiles++];
		sf->path = lwc_strdup(s, unslash(text_of(f, "path")));
		sf->size = uint_of(r, f, "files[]", "size");
		sf->layer = (uint32_t)uint_of(r, f, "files[]", "layer");
		sf->hashed = !parse_hash(text_of(f, "hash"), &sf->hash);
	}
	lwc_sort_files(s);
	s->has_files = 1;
}

int lw_snapshot_of_report(const char *text, size_t len, const char *source,
			  struct lw_snapshot **out, struct lw_error *err)
{
	struct rd r = { NULL, source ? source : "", err, 0 };
	json_error_t je;
	json_t *doc, *tool, *v;
	const char *name;

	*out = NULL;
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc)
		return lw_error_set(err, LW_ERR_INPUT, "report '%s' is not "
				    "JSON: line %d: %s", r.source, je.line,
				    je.text);
	tool = json_object_get(doc, "tool");
	name = json_is_object(tool) ? text_of(tool, "name") : NULL;
	if (!json_is_object(doc) || !name || strcmp(name, "layerwaste")) {
		json_decref(doc);
		return lw_error_set(err, LW_ERR_INPUT, "'%s' is not a "
				    "layerwaste JSON report", r.source);
	}
	v = json_object_get(doc, "schema_version");
	if (!json_is_integer(v) || json_integer_value(v) != 1) {
		if (json_is_integer(v))
			lw_error_set(err, LW_ERR_INPUT, "report '%s' has schema "
				     "version %lld; this layerwaste reads "
				     "version 1", r.source,
				     (long long)json_integer_value(v));
		else
			lw_error_set(err, LW_ERR_INPUT, "report '%s' has no "
				     "schema_version", r.source);
		json_decref(doc);
		return LW_ERR_INPUT;
	}
	if (!json_object_get(doc, "summary")) {
		json_decref(doc);
		return lw_error_set(err, LW_ERR_INPUT, "'%s' is an inspect "
				    "document, not a report (run layerwaste "
				    "-f json)", r.source);
	}
	r.s = lwc_snapshot_new(r.source);
	read_summary(&r, doc);
	read_layers(&r, doc);
	read_causes(&r, doc);
	read_files(&r, doc);
	if (!r.failed)
		r.s->dockerfile = lwc_strdup(r.s, text_of(
			json_object_get(doc, "attribution"), "dockerfile"));
	json_decref(doc);
	if (r.failed) {
		lw_snapshot_free(r.s);
		return err ? err->code : LW_ERR_INPUT;
	}
	r.s->from_report = 1;
	*out = r.s;
	return LW_OK;
}

int lw_snapshot_read_report(const char *path, struct lw_snapshot **out,
			    struct lw_error *err)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	int rc;

	*out = NULL;
	rc = lw_read_capped(path, LW_REPORT_MAX, &sb);
	if (rc) {
		rc = lw_error_set(err, LW_ERR_IO, "cannot read '%s': %s", path,
				  strerror(errno));
		goto out;
	}
	if (sb.len > LW_REPORT_MAX) {
		rc = lw_error_set(err, LW_ERR_INPUT, "report '%s' is larger "
				  "than %zu bytes", path, LW_REPORT_MAX);
		goto out;
	}
	rc = lw_snapshot_of_report(sb.buf, sb.len, path, out, err);
out:
	lw_strbuf_release(&sb);
	return rc;
}
