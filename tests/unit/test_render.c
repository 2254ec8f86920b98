/* Unit tests of the renderers: an image and its analysis built by hand,
 * rendered into memory, then read back. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/dockerfile.h"
#include "layerwaste/engine.h"
#include "layerwaste/read.h"
#include "layerwaste/util.h"
#include "layerwaste/render.h"
#include "render_priv.h"
#include "ci_priv.h"
#include "handmade.h"
#include "suite.h"

#define DIGEST(c) "sha256:" c c c c c c c c c c c c c c c c
#define TOTAL 14200000ULL
#define WASTED 2908230ULL

static char *img_warn[] = { "odd entry 'x\xff'", "second warning" };
static char *an_warn[] = { "engine warning" };
static char *tags[] = { "app:latest", "registry.example.com/team/app:1.0" };

static struct lw_history hist[] = {
	{ .created_by = "/bin/sh -c #(nop) ADD file:0123456789abcdef"
	  "0123456789abcdef0123456789abcdef0123456789abcdef in / " },
	{ .created_by = "COPY . /app # buildkit" },
	{ .created_by = "/bin/sh -c chown -R app:app /app &&   echo a very "
	  "long command\nthat goes on and on and on so that no line of eighty "
	  "columns can hold it" },
};

static struct lw_layer_index ix[4];
static struct lw_layer layers[4];
static struct lw_image img;

static struct lw_finding findings[] = {
	{ .path = "app/a.txt", .bytes = 2000000, .layer = 2, .from_layer = 1,
	  .kind = LW_KIND_CHOWN, .has_after = 1, .after_type = LW_ENTRY_FILE,
	  .before = { 0, 0, 0644 }, .after = { 1000, 1000, 0644 } },
	{ .path = "app/b\xff\xfe.bin", .bytes = 900000, .layer = 2,
	  .from_layer = 1, .kind = LW_KIND_CHOWN, .has_after = 1,
	  .after_type = LW_ENTRY_FILE, .before = { 0, 0, 0644 },
	  .after = { 1000, 1000, 0644 } },
	{ .path = "app/c", .bytes = 10, .layer = 2, .from_layer = 1,
	  .kind = LW_KIND_CHOWN, .has_after = 1, .after_type = LW_ENTRY_FILE,
	  .before = { 0, 0, 0600 }, .after = { 1000, 1000, 0600 } },
	{ .path = "app/d", .bytes = 20, .layer = 2, .from_layer = 1,
	  .kind = LW_KIND_CHOWN, .has_after = 1, .after_type = LW_ENTRY_FILE,
	  .before = { 0, 0, 0644 }, .after = { 1000, 1000, 0644 } },
	{ .path = "etc/a/very/long/directory/name/that/goes/deeper/and/deeper/"
	  "until/it/passes/any/terminal/width/file.conf", .bytes = 1500,
	  .layer = 3, .from_layer = 0, .kind = LW_KIND_DELETE, .has_after = 0,
	  .before = { 0, 0, 0640 }, .after = { 0, 0, 0 } },
	{ .path = "app/run.sh", .bytes = 6400, .layer = 3, .from_layer = 1,
	  .kind = LW_KIND_CHMOD, .has_after = 1, .after_type = LW_ENTRY_FILE,
	  .before = { 0, 0, 0644 }, .after = { 0, 0, 04755 } },
	{ .path = "app/config\033[2J\n", .bytes = 300, .layer = 3,
	  .from_layer = 1, .kind = LW_KIND_OVERWRITE, .has_after = 1,
	  .after_type = LW_ENTRY_SYMLINK, .before = { 0, 0, 0644 },
	  .after = { 0, 0, 0777 } },
};

static struct lw_group groups[] = {
	{ .layer = 2, .from_layer = 1, .kind = LW_KIND_CHOWN, .bytes = 2900030,
	  .files = 4, .first = 0, .count = 4 },
	{ .layer = 3, .from_layer = 1, .kind = LW_KIND_CHMOD, .bytes = 6400,
	  .files = 1, .first = 5, .count = 1 },
	{ .layer = 3, .from_layer = 0, .kind = LW_KIND_DELETE, .bytes = 1500,
	  .files = 1, .first = 4, .count = 1 },
	{ .layer = 3, .from_layer = 1, .kind = LW_KIND_OVERWRITE, .bytes = 300,
	  .files = 1, .first = 6, .count = 1 },
};

static struct lw_dup_member dup_members[] = {
	{ .path = "usr/share/a", .layer = 0 },
	{ .path = "usr/share/b", .layer = 1 },
};
static struct lw_dup_group dups[] = {
	{ .size = 512, .bytes = 512, .members = dup_members, .count = 2 },
};
static struct lw_layer_result layer_results[] = {
	{ .wasted_bytes = 1500, .findings = 1 },
	{ .wasted_bytes = 300, .findings = 1 },
	{ .wasted_bytes = 2900030, .findings = 4 },
	{ .wasted_bytes = 6400, .findings = 1 },
};
static struct lw_analysis an;
static struct lw_result res;

static void fixture(void)
{
	static const uint64_t file_bytes[] = { 5600000, 4000000, 2900030,
					       1699970 };
	size_t i;

	lwt_image_by_hand(&img, layers, ix, 4, hist, 3);
	for (i = 0; i < 4; i++) {
		ix[i].count = 10 + i;
		ix[i].file_count = 8 + i;
		ix[i].file_bytes = file_bytes[i];
		layers[i].compression = i == 1 ? LW_COMP_NONE : LW_COMP_GZIP;
		layers[i].compressed_bytes = 1000 * (i + 1);
		layers[i].tar_bytes = 20480 * (i + 1);
	}
	layers[0].digest = DIGEST("0a1b");
	layers[0].diff_id = DIGEST("d0d0");
	layers[0].member = "blobs/sha256/0a1b";
	layers[2].digest = DIGEST("2222");
	layers[3].digest = DIGEST("3333");

	img.source = "/tmp/app\033]0;pwned\007.tar";
	img.format = "docker-archive";
	img.outer_compression = LW_COMP_GZIP;
	img.tags = tags;
	img.ntags = 2;
	img.platform = "linux/amd64";
	img.config_digest = DIGEST("c0c0");
	img.warnings.items = img_warn;
	img.warnings.count = 2;
	img.warnings.total = 3;
	img.priv = NULL;

	memset(&an, 0, sizeof(an));
	an.image = &img;
	an.total_bytes = TOTAL;
	an.visible_bytes = TOTAL - WASTED;
	an.wasted_bytes = WASTED;
	an.file_count = 1234;
	an.by_kind[LW_KIND_CHOWN] = 2900030;
	an.by_kind[LW_KIND_CHMOD] = 6400;
	an.by_kind[LW_KIND_OVERWRITE] = 300;
	an.by_kind[LW_KIND_DELETE] = 1500;
	an.files_by_kind[LW_KIND_CHOWN] = 4;
	an.files_by_kind[LW_KIND_CHMOD] = 1;
	an.files_by_kind[LW_KIND_OVERWRITE] = 1;
	an.files_by_kind[LW_KIND_DELETE] = 1;
	an.duplicate_bytes = 512;
	an.findings = findings;
	an.nfindings = sizeof(findings) / sizeof(findings[0]);
	an.groups = groups;
	an.ngroups = sizeof(groups) / sizeof(groups[0]);
	an.dups = dups;
	an.ndups = 1;
	an.layers = layer_results;
	an.dive.efficiency = 0.984375;
	an.dive.wasted_bytes = 32000;
	an.dive.user_wasted_percent = 0.4835;
	an.dive.size_bytes = TOTAL;
	an.dive.user_size_bytes = 8600000;
	an.warnings.items = an_warn;
	an.warnings.count = 1;
	an.warnings.total = 1;
	res = (struct lw_result){ .image = &img, .analysis = &an };
}

static char *render(lwt_render_fn fn, const struct lw_render_opts *o)
{
	return lwt_render(fn, &res, o);
}

static char *render_inspect(int json, const struct lw_render_opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(json ? lw_render_inspect_json(f, &img, o) :
				lw_render_inspect_text(f, &img, o), 0);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

static json_t *render_json_doc(void)
{
	char *text = render(lw_render_json, NULL);
	json_t *doc = lwt_parse_json(text);

	free(text);
	return doc;
}

static void assert_keys(json_t *obj, const char *const *keys)
{
	void *it = json_object_iter(obj);
	size_t i;

	for (i = 0; keys[i]; i++) {
		ck_assert_msg(it != NULL, "missing key %s", keys[i]);
		ck_assert_str_eq(json_object_iter_key(it), keys[i]);
		it = json_object_iter_next(obj, it);
	}
	ck_assert_msg(it == NULL, "extra key %s",
		      it ? json_object_iter_key(it) : "");
}

static json_int_t jget_int(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	ck_assert_msg(json_is_integer(v), "%s is not an integer", key);
	return json_integer_value(v);
}

static const char *jget_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	ck_assert_msg(json_is_string(v), "%s is not a string", key);
	return json_string_value(v);
}

START_TEST(test_json_key_order)
{
	static const char *const top[] = { "schema_version", "tool", "image",
		"summary", "layers", "causes", "attribution", "suggestions",
		"findings", "duplicates", "warnings", "rules", "profile", "checks",
		"files", NULL };
	static const char *const image[] = { "source", "format",
		"compression", "tags", "platform", "config_digest",
		"base_name", "base_digest", "layer_count", "file_count",
		"total_bytes", "visible_bytes", NULL };
	static const char *const summary[] = { "wasted_bytes",
		"wasted_percent", "base_wasted_bytes", "own_wasted_bytes",
		"baseline", "by_kind", "files_by_kind",
		"duplicate_bytes", "finding_count", "warning_count", "dive",
		NULL };
	static const char *const kinds[] = { "chown", "chmod", "chown+chmod",
		"touch", "overwrite", "delete", NULL };
	static const char *const dive[] = { "efficiency", "wasted_bytes",
		"user_wasted_percent", "size_bytes", "user_size_bytes", NULL };
	static const char *const layer[] = { "index", "digest", "diff_id",
		"compression", "compressed_bytes", "tar_bytes", "entry_count",
		"file_count", "total_bytes", "wasted_bytes", "finding_count",
		"created_by", "instruction", NULL };
	static const char *const finding[] = { "kind", "path", "layer",
		"from_layer", "bytes", "before", "after", "base", "inherited",
		"suppressed", NULL };
	json_t *doc = render_json_doc();
	json_t *sum = json_object_get(doc, "summary");

	assert_keys(doc, top);
	assert_keys(json_object_get(doc, "image"), image);
	assert_keys(sum, summary);
	assert_keys(json_object_get(sum, "by_kind"), kinds);
	assert_keys(json_object_get(sum, "files_by_kind"), kinds);
	assert_keys(json_object_get(sum, "dive"), dive);
	assert_keys(json_array_get(json_object_get(doc, "layers"), 3), layer);
	assert_keys(json_array_get(json_object_get(doc, "findings"), 0),
		    finding);
	json_decref(doc);
}
END_TEST

START_TEST(test_json_image_summary)
{
	json_t *doc = render_json_doc();
	json_t *im = json_object_get(doc, "image");
	json_t *sum = json_object_get(doc, "summary");
	json_t *tool = json_object_get(doc, "tool");
	json_t *t, *wp;

	ck_assert_int_eq(jget_int(doc, "schema_version"), 1);
	ck_assert_str_eq(jget_str(tool, "name"), "layerwaste");
	ck_assert_str_eq(jget_str(tool, "version"), LW_VERSION);
	ck_assert_str_eq(jget_str(im, "source"), img.source);
	ck_assert_str_eq(jget_str(im, "format"), "docker-archive");
	ck_assert_str_eq(jget_str(im, "compression"), "gzip");
	t = json_object_get(im, "tags");
	ck_assert_int_eq(json_array_size(t), 2);
	ck_assert_str_eq(json_string_value(json_array_get(t, 1)), tags[1]);
	ck_assert_str_eq(jget_str(im, "platform"), "linux/amd64");
	ck_assert_str_eq(jget_str(im, "config_digest"), DIGEST("c0c0"));
	ck_assert_int_eq(jget_int(im, "layer_count"), 4);
	ck_assert_int_eq(jget_int(im, "file_count"), 1234);
	ck_assert_int_eq(jget_int(im, "total_bytes"), TOTAL);
	ck_assert_int_eq(jget_int(im, "visible_bytes"), TOTAL - WASTED);

	ck_assert_int_eq(jget_int(sum, "wasted_bytes"), WASTED);
	ck_assert_int_eq(jget_int(im, "total_bytes") -
			 jget_int(im, "visible_bytes"),
			 jget_int(sum, "wasted_bytes"));
	wp = json_object_get(sum, "wasted_percent");
	ck_assert(json_is_real(wp));
	ck_assert_double_eq_tol(json_real_value(wp), 20.48, 1e-9);
	t = json_object_get(sum, "by_kind");
	ck_assert_int_eq(jget_int(t, "chown"), 2900030);
	ck_assert_int_eq(jget_int(t, "chmod"), 6400);
	ck_assert_int_eq(jget_int(t, "touch"), 0);
	ck_assert_int_eq(jget_int(t, "delete"), 1500);
	t = json_object_get(sum, "files_by_kind");
	ck_assert_int_eq(jget_int(t, "chown"), 4);
	ck_assert_int_eq(jget_int(t, "chown+chmod"), 0);
	ck_assert_int_eq(jget_int(t, "overwrite"), 1);
	ck_assert_int_eq(jget_int(sum, "duplicate_bytes"), 512);
	ck_assert_int_eq(jget_int(sum, "finding_count"), 7);
	ck_assert_int_eq(jget_int(sum, "warning_count"), 4);
	t = json_object_get(sum, "dive");
	ck_assert(json_is_real(json_object_get(t, "efficiency")));
	ck_assert_double_eq(json_real_value(json_object_get(t, "efficiency")),
			    0.984375);
	ck_assert_double_eq_tol(json_real_value(json_object_get(t,
				"user_wasted_percent")), 0.4835, 1e-12);
	ck_assert_int_eq(jget_int(t, "wasted_bytes"), 32000);
	ck_assert_int_eq(jget_int(t, "user_size_bytes"), 8600000);
	json_decref(doc);
}
END_TEST

START_TEST(test_json_layers)
{
	json_t *doc = render_json_doc();
	json_t *ls = json_object_get(doc, "layers"), *l;

	ck_assert_int_eq(json_array_size(ls), 4);
	l = json_array_get(ls, 0);
	ck_assert_int_eq(jget_int(l, "index"), 0);
	ck_assert_str_eq(jget_str(l, "digest"), DIGEST("0a1b"));
	ck_assert_str_eq(jget_str(l, "diff_id"), DIGEST("d0d0"));
	ck_assert_str_eq(jget_str(l, "compression"), "gzip");
	ck_assert_int_eq(jget_int(l, "compressed_bytes"), 1000);
	ck_assert_int_eq(jget_int(l, "tar_bytes"), 20480);
	ck_assert_int_eq(jget_int(l, "entry_count"), 10);
	ck_assert_int_eq(jget_int(l, "file_count"), 8);
	ck_assert_int_eq(jget_int(l, "total_bytes"), 5600000);
	ck_assert_int_eq(jget_int(l, "wasted_bytes"), 1500);
	ck_assert_str_eq(jget_str(l, "created_by"), hist[0].created_by);
	l = json_array_get(ls, 1);
	ck_assert(json_is_null(json_object_get(l, "digest")));
	ck_assert(json_is_null(json_object_get(l, "diff_id")));
	ck_assert_str_eq(jget_str(l, "compression"), "none");
	l = json_array_get(ls, 3);
	ck_assert_int_eq(jget_int(l, "index"), 3);
	ck_assert_int_eq(jget_int(l, "wasted_bytes"), 6400);
	ck_assert_int_eq(jget_int(l, "finding_count"), 1);
	ck_assert(json_is_null(json_object_get(l, "created_by")));
	json_decref(doc);
}
END_TEST

START_TEST(test_json_findings)
{
	json_t *doc = render_json_doc();
	json_t *fs = json_object_get(doc, "findings"), *f, *m;

	ck_assert_int_eq(json_array_size(fs), 7);
	f = json_array_get(fs, 0);
	ck_assert_str_eq(jget_str(f, "kind"), "chown");
	ck_assert_str_eq(jget_str(f, "path"), "/app/a.txt");
	ck_assert_int_eq(jget_int(f, "layer"), 2);
	ck_assert_int_eq(jget_int(f, "from_layer"), 1);
	ck_assert_int_eq(jget_int(f, "bytes"), 2000000);
	m = json_object_get(f, "before");
	ck_assert_int_eq(jget_int(m, "uid"), 0);
	ck_assert_str_eq(jget_str(m, "mode"), "0644");
	m = json_object_get(f, "after");
	ck_assert_int_eq(jget_int(m, "uid"), 1000);
	ck_assert_int_eq(jget_int(m, "gid"), 1000);
	ck_assert_str_eq(jget_str(m, "type"), "file");
	f = json_array_get(fs, 2);
	ck_assert_str_eq(jget_str(json_object_get(f, "before"), "mode"),
			 "0600");
	f = json_array_get(fs, 5);
	ck_assert_str_eq(jget_str(f, "kind"), "chmod");
	ck_assert_str_eq(jget_str(json_object_get(f, "after"), "mode"),
			 "4755");
	f = json_array_get(fs, 6);
	ck_assert_str_eq(jget_str(f, "kind"), "overwrite");
	ck_assert_str_eq(jget_str(json_object_get(f, "after"), "type"),
			 "symlink");
	/* Valid UTF-8 controls survive: jansson escapes them as \u00XX. */
	ck_assert_str_eq(jget_str(f, "path"), "/app/config\033[2J\n");
	f = json_array_get(fs, 4);
	ck_assert_str_eq(jget_str(f, "kind"), "delete");
	ck_assert_str_eq(jget_str(json_object_get(f, "before"), "mode"),
			 "0640");
	ck_assert(json_is_null(json_object_get(f, "after")));
	ck_assert_ptr_nonnull(json_object_get(f, "after"));
	json_decref(doc);
}
END_TEST

START_TEST(test_json_invalid_utf8)
{
	char *text = render(lw_render_json, NULL);
	json_t *doc = lwt_parse_json(text);
	json_t *f = json_array_get(json_object_get(doc, "findings"), 1);
	json_t *w = json_object_get(doc, "warnings");

	ck_assert_str_eq(jget_str(f, "path"), "/app/b\\xff\\xfe.bin");
	ck_assert_str_eq(json_string_value(json_array_get(w, 0)),
			 "odd entry 'x\\xff'");
	ck_assert_ptr_null(strstr(text, "\xff"));
	json_decref(doc);
	free(text);
}
END_TEST

START_TEST(test_json_causes_duplicates_warnings)
{
	json_t *doc = render_json_doc();
	json_t *c = json_object_get(doc, "causes"), *g, *d, *p, *w;

	ck_assert_int_eq(json_array_size(c), 4);
	g = json_array_get(c, 0);
	ck_assert_str_eq(jget_str(g, "kind"), "chown");
	ck_assert_int_eq(jget_int(g, "bytes"), 2900030);
	ck_assert_int_eq(jget_int(g, "file_count"), 4);
	ck_assert_int_eq(jget_int(g, "first_finding"), 0);
	g = json_array_get(c, 2);
	ck_assert_str_eq(jget_str(g, "kind"), "delete");
	ck_assert_int_eq(jget_int(g, "from_layer"), 0);
	ck_assert_int_eq(jget_int(g, "first_finding"), 4);
	ck_assert_int_eq(jget_int(g, "finding_count"), 1);

	d = json_array_get(json_object_get(doc, "duplicates"), 0);
	ck_assert_int_eq(jget_int(d, "size"), 512);
	ck_assert_int_eq(jget_int(d, "bytes"), 512);
	p = json_object_get(d, "paths");
	ck_assert_int_eq(json_array_size(p), 2);
	ck_assert_str_eq(jget_str(json_array_get(p, 1), "path"),
			 "/usr/share/b");
	ck_assert_int_eq(jget_int(json_array_get(p, 1), "layer"), 1);

	w = json_object_get(doc, "warnings");
	ck_assert_int_eq(json_array_size(w), 4);
	ck_assert_str_eq(json_string_value(json_array_get(w, 1)),
			 "second warning");
	ck_assert_str_eq(json_string_value(json_array_get(w, 2)),
			 "engine warning");
	ck_assert_str_eq(json_string_value(json_array_get(w, 3)),
			 "1 more warnings not shown");
	json_decref(doc);
}
END_TEST

/* The streamed document is byte for byte what jansson writes for the whole
 * tree, so it is indented consistently everywhere. */
START_TEST(test_json_matches_jansson_dump)
{
	size_t flags = JSON_INDENT(2) | JSON_PRESERVE_ORDER |
		       JSON_REAL_PRECISION(15);
	char *text, *again;
	json_t *doc;

	text = _i ? render_inspect(1, NULL) : render(lw_render_json, NULL);
	doc = lwt_parse_json(text);
	again = json_dumps(doc, flags);
	ck_assert_ptr_nonnull(again);
	ck_assert_uint_eq(strlen(text), strlen(again) + 1);
	ck_assert_int_eq(text[strlen(text) - 1], '\n');
	ck_assert_int_eq(strncmp(text, again, strlen(again)), 0);
	free(again);
	json_decref(doc);
	free(text);
}
END_TEST

/* lwr_json_str against the reference it stands for: the string built
 * with lwr_jtext, dumped by jansson, its unsafe code points escaped. */
static void check_json_str(const char *prefix, const char *s, size_t len)
{
	struct lw_strbuf fast = LW_STRBUF_INIT, whole = LW_STRBUF_INIT;
	json_t *v;
	char *ref;

	lw_strbuf_adds(&whole, prefix);
	lw_strbuf_add(&whole, s, len);
	v = lwr_jtext(whole.buf);
	ref = lwr_json_escape_unsafe(json_dumps(v, JSON_ENCODE_ANY));
	json_decref(v);
	ck_assert_ptr_nonnull(ref);
	lwr_json_str(&fast, prefix, whole.buf + strlen(prefix));
	ck_assert_msg(!strcmp(fast.buf, ref), "got %s, want %s", fast.buf,
		      ref);
	free(ref);
	lw_strbuf_release(&fast);
	lw_strbuf_release(&whole);
}

START_TEST(test_json_str_matches_reference)
{
	static const char *const samples[] = {
		"", "usr/bin/x", "a\"b\\c", "tab\there\nnl\r\b\f\x01\x1f\x7f",
		"caf\xc3\xa9", "\xc2\x85" "c1", "bidi\xe2\x80\xaeX\xe2\x81\xa6",
		"ls\xe2\x80\xa8ps\xe2\x80\xa9", "al\xd8\x9c",
		"\xf0\x9f\x98\x80",
		"\xff\xfe", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
		"\xe2\x82", "trail\xc3", "\x80x",
	};
	char buf[8];
	uint32_t seed = 11;
	size_t i, j;

	for (i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
		check_json_str("", samples[i], strlen(samples[i]));
		check_json_str("/", samples[i], strlen(samples[i]));
	}
	/* Every byte, alone and before each other byte. */
	for (i = 1; i < 256; i++) {
		for (j = 1; j < 256; j++) {
			buf[0] = (char)i;
			buf[1] = (char)j;
			check_json_str("", buf, 2);
		}
	}
	/* Random strings biased to the bytes that start and continue
	 * UTF-8 sequences. */
	for (i = 0; i < 20000; i++) {
		char s[24];
		size_t n = i % 23 + 1;

		for (j = 0; j < n; j++) {
			seed = seed * 1103515245u + 12345u;
			s[j] = (char)((seed >> 16) % 4 ?
				      0x80 + (seed >> 8) % 0x80 :
				      1 + (seed >> 8) % 0x7f);
		}
		check_json_str("/", s, n);
	}
}
END_TEST

START_TEST(test_json_empty)
{
	char *text;
	json_t *doc;

	an.nfindings = an.ngroups = an.ndups = 0;
	img.warnings.count = img.warnings.total = 0;
	an.warnings.count = an.warnings.total = 0;
	text = render(lw_render_json, NULL);
	doc = lwt_parse_json(text);
	ck_assert_ptr_nonnull(strstr(text, "\"findings\": []"));
	ck_assert_int_eq(json_array_size(json_object_get(doc, "warnings")), 0);
	ck_assert_int_eq(json_array_size(json_object_get(doc, "causes")), 0);
	json_decref(doc);
	free(text);
}
END_TEST

START_TEST(test_inspect_json)
{
	static const char *const top[] = { "schema_version", "tool", "image",
		"layers", "warnings", NULL };
	static const char *const image[] = { "source", "format",
		"compression", "tags", "platform", "config_digest",
		"base_name", "base_digest", "layer_count", NULL };
	static const char *const layer[] = { "index", "digest", "diff_id",
		"compression", "compressed_bytes", "tar_bytes", "entry_count",
		"file_count", "total_bytes", "created_by", "member", NULL };
	char *text = render_inspect(1, NULL);
	json_t *doc = lwt_parse_json(text), *l;

	assert_keys(doc, top);
	assert_keys(json_object_get(doc, "image"), image);
	l = json_array_get(json_object_get(doc, "layers"), 2);
	assert_keys(l, layer);
	ck_assert_int_eq(jget_int(l, "tar_bytes"), 3 * 20480);
	ck_assert_int_eq(jget_int(l, "compressed_bytes"), 3000);
	ck_assert_int_eq(jget_int(l, "entry_count"), 12);
	ck_assert_int_eq(jget_int(l, "total_bytes"), 2900030);
	ck_assert(json_is_null(json_object_get(l, "member")));
	l = json_array_get(json_object_get(doc, "layers"), 0);
	ck_assert_str_eq(jget_str(l, "member"), "blobs/sha256/0a1b");
	ck_assert_int_eq(json_array_size(json_object_get(doc, "warnings")), 3);
	json_decref(doc);
	free(text);
}
END_TEST

static void assert_escape(const char *in, const char *want, int cols)
{
	char buf[256], *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	lw_escape(in, buf, sizeof(buf));
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(lw_fput_escaped(f, in), cols);
	fclose(f);
	ck_assert_str_eq(out, want);
	free(out);
}

START_TEST(test_escape_controls)
{
	assert_escape("a\033[31mb", "a\\x1b[31mb", 10);
	assert_escape("line\nnext\r", "line\\x0anext\\x0d", 16);
	assert_escape("del\177", "del\\x7f", 7);
	assert_escape("c1\xc2\x85.", "c1\\xc2\\x85.", 11);
	assert_escape("c1\xc2\x9b" "2J", "c1\\xc2\\x9b2J", 12);
	assert_escape("back\\slash", "back\\\\slash", 11);
	/* U+202E RIGHT-TO-LEFT OVERRIDE reorders what follows. */
	assert_escape("x\xe2\x80\xaetxt.exe", "x\\xe2\\x80\\xaetxt.exe", 20);
	assert_escape("", "", 0);
}
END_TEST

START_TEST(test_escape_utf8)
{
	assert_escape("caf\xc3\xa9", "caf\xc3\xa9", 4);
	assert_escape("\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac",
		      2);
	assert_escape("\xf0\x9f\x93\xa6 box", "\xf0\x9f\x93\xa6 box", 5);
	assert_escape("b\xff\xfe", "b\\xff\\xfe", 9);
	/* Overlong "/", a surrogate, past U+10FFFF, a cut sequence. */
	assert_escape("\xc0\xaf", "\\xc0\\xaf", 8);
	assert_escape("\xed\xa0\x80", "\\xed\\xa0\\x80", 12);
	assert_escape("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80", 16);
	assert_escape("\xc3", "\\xc3", 4);
	assert_escape("\xe2\x82z", "\\xe2\\x82z", 9);
}
END_TEST

START_TEST(test_escape_cut)
{
	char buf[8];
	struct lw_strbuf sb = LW_STRBUF_INIT;

	/* Never half an escape: "ab" + "\x1b" would need 7 bytes + NUL. */
	lw_escape("ab\033cd", buf, 6);
	ck_assert_str_eq(buf, "ab");
	lw_escape("ab\033cd", buf, 7);
	ck_assert_str_eq(buf, "ab\\x1b");
	lw_escape("abc", buf, 1);
	ck_assert_str_eq(buf, "");

	ck_assert_int_eq(lwr_escape_cut(&sb, "abcdefghij", 8, 0), 8);
	ck_assert_str_eq(sb.buf, "abcde...");
	lw_strbuf_reset(&sb);
	ck_assert_int_eq(lwr_escape_cut(&sb, "/usr/lib/x.so", 9, 1), 9);
	ck_assert_str_eq(sb.buf, "...b/x.so");
	lw_strbuf_reset(&sb);
	ck_assert_int_eq(lwr_escape_cut(&sb, "a\033bcdefgh", 7, 0), 4);
	ck_assert_str_eq(sb.buf, "a...");
	lw_strbuf_reset(&sb);
	ck_assert_int_eq(lwr_escape_cut(&sb, "short", 80, 0), 5);
	ck_assert_str_eq(sb.buf, "short");
	lw_strbuf_release(&sb);
}
END_TEST

START_TEST(test_human_bytes)
{
	static const struct {
		uint64_t n;
		const char *want;
	} cases[] = {
		{ 0, "0 B" }, { 512, "512 B" }, { 999, "999 B" },
		{ 1000, "1.0 kB" }, { 6400, "6.4 kB" }, { 6449, "6.4 kB" },
		{ 6450, "6.5 kB" }, { 999949, "999.9 kB" },
		{ 999950, "1.0 MB" }, { 2900000, "2.9 MB" },
		{ 1200000000, "1.2 GB" }, { 3000000000000ULL, "3.0 TB" },
		{ 5000000000000000ULL, "5000.0 TB" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_str_eq(lw_human_bytes(cases[i].n, buf, sizeof(buf)),
				 cases[i].want);
}
END_TEST

START_TEST(test_history_short)
{
	static const char *const cases[][2] = {
		{ "/bin/sh -c #(nop)  COPY dir:abc in /app ",
		  "COPY dir:abc in /app" },
		{ "/bin/sh -c chown -R a:a \\\n\t/app",
		  "chown -R a:a \\ /app" },
		{ "RUN /bin/sh -c apk add curl # buildkit",
		  "RUN apk add curl" },
		{ "|2 A=1 B=2 /bin/sh -c make", "make" },
		{ "WORKDIR /x", "WORKDIR /x" },
		{ "", "" },
	};
	struct lw_strbuf sb = LW_STRBUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		lw_strbuf_reset(&sb);
		lw_strbuf_adds(&sb, "");
		lw_history_short(cases[i][0], &sb);
		ck_assert_str_eq(sb.buf, cases[i][1]);
	}
	lw_strbuf_release(&sb);
}
END_TEST

/* Columns of one output line: code points, ANSI sequences excluded. */
static int line_cols(const char *s, size_t len)
{
	int cols = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\033' && i + 1 < len && s[i + 1] == '[') {
			i += 2;
			while (i < len && !(s[i] >= '@' && s[i] <= '~'))
				i++;
			continue;
		}
		cols += ((unsigned char)s[i] & 0xc0) != 0x80;
	}
	return cols;
}

static void assert_width(const char *text, int width)
{
	const char *p = text, *nl;
	int lines = 0;

	while ((nl = strchr(p, '\n'))) {
		ck_assert_msg(line_cols(p, (size_t)(nl - p)) <= width,
			      "line over %d columns: %.*s", width,
			      (int)(nl - p), p);
		p = nl + 1;
		lines++;
	}
	ck_assert_str_eq(p, "");
	ck_assert_int_gt(lines, 10);
}

static const int widths[] = { 80, 40, 24 };

START_TEST(test_text_width)
{
	struct lw_render_opts o = { .color = _i & 1, .width = widths[_i / 4],
		.exact_bytes = _i & 2 };
	char *text = render(lw_render_text, &o);

	assert_width(text, o.width);
	free(text);
	text = render_inspect(0, &o);
	assert_width(text, o.width);
	free(text);
}
END_TEST

START_TEST(test_text_color)
{
	struct lw_render_opts o = { .width = 80 };
	char *text = render(lw_render_text, &o), *col;

	ck_assert_ptr_null(strchr(text, '\033'));
	o.color = 1;
	col = render(lw_render_text, &o);
	ck_assert_ptr_nonnull(strstr(col, LWR_BOLD "Summary" LWR_RESET));
	ck_assert_ptr_nonnull(strstr(col, "\033[33mchown"));
	free(col);
	free(text);
	text = render_inspect(0, &o);
	ck_assert_ptr_nonnull(strchr(text, '\033'));
	free(text);
	o.color = 0;
	text = render_inspect(0, &o);
	ck_assert_ptr_null(strchr(text, '\033'));
	free(text);
}
END_TEST

/* The lines of the "Largest wasted files" section of text. */
static char *largest_section(const char *text)
{
	const char *p = strstr(text, "Largest wasted files\n"), *e;

	ck_assert_ptr_nonnull(p);
	p += strlen("Largest wasted files\n");
	e = strstr(p, "\n\n");
	return strndup(p, e ? (size_t)(e - p) + 1 : strlen(p));
}

/* A small --top keeps the largest findings as it meets them; the first
 * lines of a sort of them all (--top past 64) are the reference, ties
 * (same bytes, layer and path) in the order they come. */
START_TEST(test_text_largest_matches_full_sort)
{
	static const int tops[] = { 1, 2, 5, 10, 64 };
	static const char *const names[] = { "a", "b", "c/d", "c-d" };
	struct lw_finding *many = lw_xcalloc(300, sizeof(*many));
	struct lw_finding *saved = an.findings;
	size_t nsaved = an.nfindings, i;
	struct lw_render_opts o = { .width = 200, .top = 300,
				    .exact_bytes = 1 };
	char *all, *want, *got, *text;

	for (i = 0; i < 300; i++) {
		many[i].path = names[i % 4];
		many[i].bytes = (i * 7919) % 13 * 1000;
		many[i].layer = (uint32_t)(i % 3 + 1);
		many[i].from_layer = (uint32_t)(i % 5);
		many[i].kind = (int)(i % LW_KIND_COUNT);
	}
	an.findings = many;
	an.nfindings = 300;
	text = render(lw_render_text, &o);
	all = largest_section(text);
	free(text);
	for (i = 0; i < sizeof(tops) / sizeof(*tops); i++) {
		const char *cut = all;
		int k;

		for (k = 0; k < tops[i]; k++)
			cut = strchr(cut, '\n') + 1;
		want = strndup(all, (size_t)(cut - all));
		o.top = tops[i];
		text = render(lw_render_text, &o);
		got = largest_section(text);
		ck_assert_str_eq(got, want);
		free(got);
		free(want);
		free(text);
	}
	free(all);
	an.findings = saved;
	an.nfindings = nsaved;
	free(many);
}
END_TEST

START_TEST(test_text_content)
{
	struct lw_render_opts o = { .width = 200 };
	char *text = render(lw_render_text, &o);

	ck_assert_ptr_nonnull(strstr(text, "Format   docker-archive, "
					   "gzip-compressed\n"));
	ck_assert_ptr_nonnull(strstr(text, "Tags     app:latest, registry."
					   "example.com/team/app:1.0\n"));
	ck_assert_ptr_nonnull(strstr(text, "Total size     14.2 MB in 4 "
					   "layers\n"));
	ck_assert_ptr_nonnull(strstr(text, "Wasted         2.9 MB, 20.48 % "
					   "of total\n"));
	ck_assert_ptr_nonnull(strstr(text, "    chmod        6.4 kB in 1 "
					   "file\n"));
	ck_assert_ptr_null(strstr(text, "    touch "));
	ck_assert_ptr_nonnull(strstr(text, "512 B in identical files at other"
					   " paths, not counted as waste\n"));
	ck_assert_ptr_nonnull(strstr(text, "dive would report: efficiency "
					   "98.44 %, wasted 32.0 kB, user "
					   "wasted 48.35 %\n"));
	ck_assert_ptr_nonnull(strstr(text, "  layer 2 chown -R app:app /app "
					   "&& echo a very long command that"));
	ck_assert_ptr_nonnull(strstr(text, ": 2.9 MB in 4 files copied from "
					   "layer 1 only to change owner\n"));
	ck_assert_ptr_nonnull(strstr(text, ": 6.4 kB in 1 file copied from "
					   "layer 1 only to change mode\n"));
	ck_assert_ptr_nonnull(strstr(text, ": deleted 1 file of layer 0 "
					   "(1.5 kB), still stored there\n"));
	ck_assert_ptr_nonnull(strstr(text, ": overwrote 1 file of layer 1 "
					   "(300 B)\n"));
	ck_assert_ptr_nonnull(strstr(text, "      /app/a.txt\n"));
	ck_assert_ptr_nonnull(strstr(text, "      ... and 1 more\n"));
	ck_assert_ptr_nonnull(strstr(text, "  3  1.7 MB  6.4 kB\n"));
	ck_assert_ptr_nonnull(strstr(text, "ADD file:0123456789abcdef"));
	ck_assert_ptr_null(strstr(text, "#(nop)"));
	ck_assert_ptr_null(strstr(text, "/bin/sh -c"));
	ck_assert_ptr_nonnull(strstr(text, "  300 B  COPY . /app\n"));
	ck_assert_ptr_nonnull(strstr(text, "Warnings: 4\n"));
	ck_assert_ptr_nonnull(strstr(text, "  engine warning\n"));
	ck_assert_ptr_nonnull(strstr(text, "  ... and 1 more\n"));
	free(text);
}
END_TEST

/* When the history would be cut to a stub, it moves to a line of its own. */
START_TEST(test_text_group_history_line)
{
	struct lw_render_opts o = { .width = 80 };
	char *text = render(lw_render_text, &o);

	ck_assert_ptr_nonnull(strstr(text, "\n  layer 2: 2.9 MB in 4 files "
					   "copied from layer 1 only to change "
					   "owner\n    chown -R app:app /app "
					   "&& echo a very"));
	ck_assert_ptr_nonnull(strstr(text, "\n  layer 3: 6.4 kB in 1 file "
					   "copied from layer 1 only to change "
					   "mode\n      /app/run.sh\n"));
	free(text);
}
END_TEST

START_TEST(test_text_escaped_names)
{
	struct lw_render_opts o = { .width = 200 };
	char *text = render(lw_render_text, &o), *in;

	ck_assert_ptr_nonnull(strstr(text, "/app/b\\xff\\xfe.bin"));
	ck_assert_ptr_nonnull(strstr(text, "/app/config\\x1b[2J\\x0a"));
	ck_assert_ptr_nonnull(strstr(text, "/tmp/app\\x1b]0;pwned\\x07.tar"));
	ck_assert_ptr_nonnull(strstr(text, "odd entry 'x\\xff'"));
	ck_assert_ptr_null(strchr(text, '\033'));
	ck_assert_ptr_null(strchr(text, '\007'));
	ck_assert_ptr_null(strchr(text, '\xff'));
	in = render_inspect(0, &o);
	ck_assert_ptr_nonnull(strstr(in, "/tmp/app\\x1b]0;pwned\\x07.tar"));
	ck_assert_ptr_nonnull(strstr(in, "chown -R app:app /app &&   echo a "
					 "very long command\\x0athat"));
	ck_assert_ptr_null(strchr(in, '\033'));
	free(in);
	free(text);
}
END_TEST

START_TEST(test_text_largest)
{
	struct lw_render_opts o = { .width = 120, .top = 3 };
	struct lw_finding copy[sizeof(findings) / sizeof(findings[0])];
	char *text, *sec, *a, *b, *c;

	memcpy(copy, findings, sizeof(copy));
	text = render(lw_render_text, &o);
	ck_assert_int_eq(memcmp(copy, findings, sizeof(copy)), 0);
	sec = strstr(text, "Largest wasted files\n");
	ck_assert_ptr_nonnull(sec);
	a = strstr(sec, "2.0 MB  chown        /app/a.txt  layer 2 <- 1\n");
	b = strstr(sec, "900.0 kB  chown        /app/b\\xff\\xfe.bin  layer 2"
		   " <- 1\n");
	c = strstr(sec, "6.4 kB  chmod        /app/run.sh  layer 3 <- 1\n");
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(c);
	ck_assert(a < b);
	ck_assert(b < c);
	ck_assert_ptr_null(strstr(sec, "/app/c\n"));
	/* top = 3 also limits the causes. */
	ck_assert_ptr_nonnull(strstr(text, "  ... and 1 more causes\n"));
	free(text);
}
END_TEST

START_TEST(test_text_exact_bytes)
{
	struct lw_render_opts o = { .width = 200, .exact_bytes = 1 };
	char *text = render(lw_render_text, &o);

	ck_assert_ptr_nonnull(strstr(text, "Wasted         2908230, 20.48 %"));
	ck_assert_ptr_nonnull(strstr(text, ": 2900030 in 4 files copied"));
	ck_assert_ptr_null(strstr(text, " MB"));
	ck_assert_ptr_null(strstr(text, " kB"));
	free(text);
}
END_TEST

START_TEST(test_text_no_waste)
{
	char *text;

	an.nfindings = an.ngroups = an.ndups = 0;
	an.duplicate_bytes = 0;
	memset(an.by_kind, 0, sizeof(an.by_kind));
	text = render(lw_render_text, NULL);
	ck_assert_ptr_nonnull(strstr(text, "No wasted bytes found.\n"));
	ck_assert_ptr_null(strstr(text, "Largest wasted files"));
	ck_assert_ptr_null(strstr(text, "not counted as waste"));
	free(text);
}
END_TEST

START_TEST(test_write_error)
{
	FILE *f = fopen("/dev/full", "w");

	ck_assert_ptr_nonnull(f);
	switch (_i) {
	case 0:
		ck_assert_int_eq(lw_render_text(f, &res, NULL), -1);
		break;
	case 1:
		ck_assert_int_eq(lw_render_json(f, &res, NULL), -1);
		break;
	case 2:
		ck_assert_int_eq(lw_render_inspect_text(f, &img, NULL), -1);
		break;
	default:
		ck_assert_int_eq(lw_render_inspect_json(f, &img, NULL), -1);
		break;
	}
	fclose(f);
}
END_TEST

static Suite *render_suite(void)
{
	Suite *s = suite_create("render");
	TCase *json = tcase_create("json");
	TCase *esc = tcase_create("escape");
	TCase *text = tcase_create("text");

	tcase_add_checked_fixture(json, fixture, NULL);
	tcase_add_test(json, test_json_key_order);
	tcase_add_test(json, test_json_str_matches_reference);
	tcase_add_test(json, test_json_image_summary);
	tcase_add_test(json, test_json_layers);
	tcase_add_test(json, test_json_findings);
	tcase_add_test(json, test_json_invalid_utf8);
	tcase_add_test(json, test_json_causes_duplicates_warnings);
	tcase_add_loop_test(json, test_json_matches_jansson_dump, 0, 2);
	tcase_add_test(json, test_json_empty);
	tcase_add_test(json, test_inspect_json);
	suite_add_tcase(s, json);

	tcase_add_test(esc, test_escape_controls);
	tcase_add_test(esc, test_escape_utf8);
	tcase_add_test(esc, test_escape_cut);
	tcase_add_test(esc, test_human_bytes);
	tcase_add_test(esc, test_history_short);
	suite_add_tcase(s, esc);

	tcase_add_checked_fixture(text, fixture, NULL);
	tcase_add_loop_test(text, test_text_width, 0, 12);
	tcase_add_test(text, test_text_color);
	tcase_add_test(text, test_text_content);
	tcase_add_test(text, test_text_largest_matches_full_sort);
	tcase_add_test(text, test_text_group_history_line);
	tcase_add_test(text, test_text_escaped_names);
	tcase_add_test(text, test_text_largest);
	tcase_add_test(text, test_text_exact_bytes);
	tcase_add_test(text, test_text_no_waste);
	tcase_add_loop_test(text, test_write_error, 0, 4);
	suite_add_tcase(s, text);
	return s;
}

int main(void)
{
	return lwt_run_suite(render_suite());
}
