/* Unit tests of the layer index: path normalisation, tree order, and the
 * scanner that turns a layer tar into entries (whiteouts, opaque markers,
 * links, metadata, content hashes, caps on untrusted input). */
#include <archive.h>
#include <archive_entry.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tar_priv.h"
#include "layerwaste/index.h"
#include "layerwaste/util.h"
#include "tarbuild.h"
#include "rawtar.h"
#include "suite.h"

/* ---- helpers ---- */

static void norm_ok(const char *in, const char *want)
{
	char out[LW_PATH_MAX];
	long n = lw_path_normalize(in, out, sizeof(out));

	ck_assert_msg(n >= 0, "'%s' rejected", in);
	ck_assert_int_eq(n, (long)strlen(want));
	ck_assert_str_eq(out, want);
}

static void norm_bad(const char *in)
{
	char out[LW_PATH_MAX];

	ck_assert_msg(lw_path_normalize(in, out, sizeof(out)) == -1,
		      "'%s' accepted", in);
}

/* Scans raw tar bytes with the real scanner. mapped: give the scanner
 * the bytes as a mapping (content located, not read). */
static int scan_bytes(const void *p, size_t len, size_t max_entries,
		      int mapped, struct lw_layer_index *ix,
		      struct lw_error *err)
{
	struct archive *a = archive_read_new();
	struct lw_scan s = { .max_entries = max_entries };
	int rc;

	if (mapped) {
		s.map = p;
		s.map_len = len;
	}
	archive_read_support_format_tar(a);
	ck_assert_int_eq(archive_read_open_memory(a, p, len), ARCHIVE_OK);
	lw_layer_index_init(ix);
	memset(err, 0, sizeof(*err));
	rc = lw_layer_scan(a, &s, ix, err);
	archive_read_free(a);
	return rc;
}

static int scan_layer(struct tb_layer *l, size_t max_entries,
		      struct lw_layer_index *ix, struct lw_error *err)
{
	size_t len;
	const void *p = tb_layer_bytes(l, &len);

	return scan_bytes(p, len, max_entries, 0, ix, err);
}

/* One layer through tb_image, the way the engine tests see it. */
static struct lw_image *one(struct tb_layer *l)
{
	return tb_image(&l, 1);
}

static const struct lw_entry *must_find(const struct lw_layer_index *ix,
					const char *path)
{
	const struct lw_entry *e = lw_layer_index_find(ix, path);

	ck_assert_msg(e != NULL, "no entry '%s'", path);
	return e;
}

/* lw_layer_index_find() looks up what a path holds, not the markers that
 * hide it: markers are found by a scan of their own. */
static const struct lw_entry *must_find_marker(const struct lw_layer_index *ix,
					       const char *path, int type)
{
	size_t i = ix->count;

	while (i-- > 0)
		if (ix->entries[i].type == type &&
		    strcmp(lwt_path(&ix->entries[i]), path) == 0)
			return &ix->entries[i];
	ck_abort_msg("no marker of type %d at '%s'", type, path);
	return NULL;
}

static size_t index_of(const struct lw_layer_index *ix,
		       const struct lw_entry *e)
{
	return (size_t)(e - ix->entries);
}

static int has_wh_path(const struct lw_layer_index *ix)
{
	size_t i;

	for (i = 0; i < ix->count; i++)
		if (strstr(lwt_path(&ix->entries[i]), ".wh."))
			return 1;
	return 0;
}

/* A 512-byte ustar header, written by hand so that names reach the
 * scanner exactly as other tar writers (Go's archive/tar) store them. */
static void raw_header(struct lw_strbuf *sb, const char *name, char type,
		       size_t size)
{
	unsigned char h[512];
	unsigned sum = 0;
	size_t i;

	memset(h, 0, sizeof(h));
	memcpy(h, name, strlen(name) < 100 ? strlen(name) : 100);
	memcpy(h + 100, "0000644", 8);
	memcpy(h + 108, "0000000", 8);
	memcpy(h + 116, "0000000", 8);
	snprintf((char *)h + 124, 12, "%011zo", size);
	memcpy(h + 136, "00000001750", 12);
	memset(h + 148, ' ', 8);
	h[156] = (unsigned char)type;
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (i = 0; i < sizeof(h); i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
	lw_strbuf_add(sb, (const char *)h, sizeof(h));
}

/* A pax "path" record holding the raw bytes of path, no hdrcharset: what
 * Go's archive/tar writes for a name that is not ASCII. */
static void raw_pax_path(struct lw_strbuf *sb, const char *path)
{
	struct lw_strbuf rec = LW_STRBUF_INIT;
	size_t body = strlen(" path=\n") + strlen(path), len = body + 1;

	while (len != body + (size_t)snprintf(NULL, 0, "%zu", len))
		len = body + (size_t)snprintf(NULL, 0, "%zu", len);
	lw_strbuf_addf(&rec, "%zu path=%s\n", len, path);
	ck_assert_uint_eq(rec.len, len);
	raw_header(sb, "PaxHeaders/x", 'x', rec.len);
	lwt_raw_data(sb, rec.buf, rec.len);
	lw_strbuf_release(&rec);
}

/* ---- lw_path_normalize ---- */

START_TEST(normalize_strips_leading_dot_slash)
{
	norm_ok("./a", "a");
	norm_ok("./a/b", "a/b");
	norm_ok("././a", "a");
}
END_TEST

START_TEST(normalize_strips_leading_and_trailing_slashes)
{
	norm_ok("/a/", "a");
	norm_ok("/a", "a");
	norm_ok("//a//", "a");
	norm_ok("a/b/", "a/b");
	norm_ok("/etc/passwd", "etc/passwd");
}
END_TEST

START_TEST(normalize_collapses_repeated_slashes)
{
	norm_ok("a//b", "a/b");
	norm_ok("a///b//c", "a/b/c");
}
END_TEST

START_TEST(normalize_root_forms_are_empty)
{
	norm_ok(".", "");
	norm_ok("./", "");
	norm_ok("/", "");
	norm_ok("./.", "");
	norm_ok("/./", "");
}
END_TEST

START_TEST(normalize_drops_dot_components)
{
	norm_ok("a/./b", "a/b");
	norm_ok("a/.", "a");
	norm_ok("./a/./b/./", "a/b");
}
END_TEST

START_TEST(normalize_rejects_dotdot_anywhere)
{
	norm_bad("..");
	norm_bad("../a");
	norm_bad("a/..");
	norm_bad("a/../b");
	norm_bad("/../a");
	norm_bad("./..");
	norm_bad("a/b/../");
	norm_bad("a//..//b");
}
END_TEST

START_TEST(normalize_keeps_names_that_only_contain_dots)
{
	norm_ok("..a", "..a");
	norm_ok("a..", "a..");
	norm_ok("...", "...");
	norm_ok(".a/..b/c..", ".a/..b/c..");
	norm_ok("d/.wh..wh..opq", "d/.wh..wh..opq");
}
END_TEST

START_TEST(normalize_rejects_overlong)
{
	char out[4];
	char big[5001];
	char bigout[LW_PATH_MAX];

	ck_assert_int_eq(lw_path_normalize("a/b", out, sizeof(out)), 3);
	ck_assert_str_eq(out, "a/b");
	/* "longer than outsz-1" is rejected: exactly outsz-1 fits. */
	ck_assert_int_eq(lw_path_normalize("abc", out, sizeof(out)), 3);
	ck_assert_str_eq(out, "abc");
	ck_assert_int_eq(lw_path_normalize("abcd", out, sizeof(out)), -1);
	ck_assert_int_eq(lw_path_normalize("abc/defg", out, sizeof(out)), -1);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(lw_path_normalize(big, bigout, sizeof(bigout)), -1);
}
END_TEST

START_TEST(normalize_keeps_non_utf8_bytes)
{
	norm_ok("/d/\xff\xfe.bin", "d/\xff\xfe.bin");
	norm_ok("\xc3\x28/x", "\xc3\x28/x");
}
END_TEST

/* ---- lw_path_cmp ---- */

START_TEST(cmp_tree_order)
{
	/* Descendants right after their directory, before any sibling that
	 * extends the name, even one whose next byte sorts below '/'. Names
	 * compare as unsigned bytes. */
	static const char *const order[] = {
		"", "a", "a/b", "a/b/c", "a/b-c", "a/c", "a-b", "a.b",
		"a0", "a\xff", "b", "b/a",
	};
	size_t n = sizeof(order) / sizeof(order[0]), i, j;

	for (i = 0; i < n; i++) {
		ck_assert_msg(lw_path_cmp(order[i], order[i]) == 0,
			      "'%s' != itself", order[i]);
		for (j = i + 1; j < n; j++) {
			ck_assert_msg(lw_path_cmp(order[i], order[j]) < 0,
				      "'%s' not before '%s'", order[i],
				      order[j]);
			ck_assert_msg(lw_path_cmp(order[j], order[i]) > 0,
				      "'%s' not after '%s'", order[j],
				      order[i]);
		}
	}
}
END_TEST

START_TEST(cmp_brief_example)
{
	ck_assert_int_lt(lw_path_cmp("a", "a/b"), 0);
	ck_assert_int_lt(lw_path_cmp("a/b", "a/c"), 0);
	ck_assert_int_lt(lw_path_cmp("a/c", "a-b"), 0);
	ck_assert_int_lt(lw_path_cmp("a-b", "a0"), 0);
	ck_assert_int_lt(lw_path_cmp("a/zzz", "a-b"), 0);
}
END_TEST

/* ---- the scanner ---- */

START_TEST(scan_file_whiteout_names_hidden_path)
{
	struct tb_layer *l = tb_layer_new();
	struct lw_image *img;
	const struct lw_layer_index *ix;
	const struct lw_entry *e;

	tb_dir(l, "d/", 0755);
	tb_whiteout(l, "d", "x");
	img = one(l);
	ix = img->layers[0].index;
	ck_assert_uint_eq(ix->count, 2);
	e = must_find_marker(ix, "d/x", LW_ENTRY_WHITEOUT);
	ck_assert_uint_eq(index_of(ix, e), 1);
	ck_assert_int_eq(must_find(ix, "d")->type, LW_ENTRY_DIR);
	ck_assert(!has_wh_path(ix));
	ck_assert_uint_eq(ix->file_count, 0);
	ck_assert_uint_eq(ix->file_bytes, 0);
	tb_image_free(img);
}
END_TEST

START_TEST(scan_root_whiteout)
{
	struct tb_layer *l = tb_layer_new();
	struct lw_image *img;

	tb_whiteout(l, "", "top");
	tb_file(l, "./.wh.other", NULL, 0, 0, 0);
	img = one(l);
	ck_assert_uint_eq(img->layers[0].index->count, 2);
	must_find_marker(img->layers[0].index, "top", LW_ENTRY_WHITEOUT);
	must_find_marker(img->layers[0].index, "other", LW_ENTRY_WHITEOUT);
	tb_image_free(img);
}
END_TEST

START_TEST(scan_opaque_marker_names_its_directory)
{
	struct tb_layer *l = tb_layer_new();
	struct lw_image *img;
	const struct lw_layer_index *ix;
	size_t i, opaque = 0;

	tb_dir(l, "d/", 0755);
	tb_opaque(l, "d");
	tb_file(l, "d/new", "n", 0, 0, 0644);
	img = one(l);
	ix = img->layers[0].index;
	ck_assert_uint_eq(ix->count, 3);
	for (i = 0; i < ix->count; i++) {
		if (ix->entries[i].type != LW_ENTRY_OPAQUE)
			continue;
		opaque++;
		ck_assert_str_eq(lwt_path(&ix->entries[i]), "d");
	}
	ck_assert_uint_eq(opaque, 1);
	ck_assert(!has_wh_path(ix));
	ck_assert_int_eq(must_find(ix, "d/new")->type, LW_ENTRY_FILE);
	tb_image_free(img);
}
END_TEST

START_TEST(scan_skips_aufs_special_names)
{
	struct tb_layer *l = tb_layer_new();
	struct lw_image *img;
	const struct lw_layer_index *ix;
	size_t i;

	tb_dir(l, ".wh..wh.plnk/", 0700);
	tb_file(l, ".wh..wh.aufs", NULL, 0, 0, 0);
	tb_file(l, "d/.wh..wh.orph", NULL, 0, 0, 0);
	tb_file(l, "kept", "k", 0, 0, 0644);
	img = one(l);
	ix = img->layers[0].index;
	ck_assert_uint_eq(ix->count, 1);
	ck_assert_str_eq(lwt_path(&ix->entries[0]), "kept");
	for (i = 0; i < ix->count; i++) {
		ck_assert_int_ne(ix->entries[i].type, LW_ENTRY_WHITEOUT);
		ck_assert_int_ne(ix->entries[i].type, LW_ENTRY_OPAQUE);
	}
	tb_image_free(img);
}
END_TEST

START_TEST(scan_hardlink_resolves_target_index)
{
	struct tb_layer *l = tb_layer_new();
	struct lw_image *img;
	const struct lw_layer_index *ix;
	const struct lw_entry *a, *b, *c;

	tb_dir(l, "bin/", 0755);
	tb_file(l, "bin/a", "hello", 0, 0, 0755);
	tb_hardlink(l, "bin/b", "bin/a");
	tb_hardlink(l, "./bin/c", "./bin/a");
	img = one(l);
	ix = img->layers[0].index;
	a = must_find(ix, "bin/a");
	b = must_find(ix, "bin/b");
	c = must_find(ix, "bin/c");
	ck_assert_int_eq(a->type, LW_ENTRY_FILE);
	ck_assert_int_eq(b->type, LW_ENTRY_HARDLINK);
	ck_assert_int_eq(c->type, LW_ENTRY_HARDLINK);
	ck_assert_str_eq(lw_entry_link(b), "bin/a");
	ck_assert_str_eq(lw_entry_link(c), "bin/a");
	ck_assert_uint_eq(b->target, index_of(ix, a));
	ck_assert_uint_eq(c->target, index_of(ix, a));
	ck_assert_uint_eq(b->size, 0);
	ck_assert_uint_eq(ix->file_count, 1);
	ck_assert_uint_eq(ix->file_bytes, 5);
	tb_image_free(img);
}
END_TEST

START_TEST(scan_hardlink_target_is_normalised)
{
	struct tb_layer *l = tb_layer_new();
	struct lw_image *img;
	const struct lw_layer_index *ix;
	const struct lw_entry *b;

	tb_file(l, "/usr/bin/a", "hello", 0, 0, 0755);
	tb_hardlink(l, "usr/bin/b", "/usr//bin/./a");
	img = one(l);
	ix = img->layers[0].index;
	b = must_find(ix, "usr/bin/b");
	ck_assert_int_eq(b->type, LW_ENTRY_HARDLINK);
	ck_assert_str_eq(lw_entry_link(b), "usr/bin/a");
	ck_assert_uint_eq(b->target, index_of(ix, must_find(ix, "usr/bin/a")));
	tb_image_free(img);
}
END_TEST

START_TEST(scan_wh_inside_a_name_is_no_whiteout)
{
	struct tb_layer *l = tb_layer_new();
	struct lw_image *img;
	const struct lw_layer_index *ix;

	tb_file(l, "d/a.wh.b", "1", 0, 0, 0644);
	tb_file(l, "d/x.wh.", "2", 0, 0, 0644);
	img = one(l);
	ix = img->layers[0].index;
	ck_assert_uint_eq(ix->count, 2);
	ck_assert_int_eq(must_find(ix, "d/a.wh.b")->type, LW_ENTRY_FILE);
	ck_assert_int_eq(must_find(ix, "d/x.wh.")->type, LW_ENTRY_FILE);
	ck_assert_uint_eq(ix->file_count, 2);
	tb_image_free(img);
}
END_TEST

START_TEST(scan_devices_and_fifos_are_other)
{
	struct tb_layer *l = tb_layer_new();
	struct lw_image *img;
	const struct lw_layer_index *ix;

	tb_special(l, "dev/fifo", AE_IFIFO);
	tb_special(l, "dev/null", AE_IFCHR);
	tb_special(l, "dev/sda", AE_IFBLK);
	img = one(l);
	ix = img->layers[0].index;
	ck_assert_uint_eq(ix->count, 3);
	ck_assert_int_eq(must_find(ix, "dev/fifo")->type, LW_ENTRY_OTHER);
	ck_assert_int_eq(must_find(ix, "dev/null")->type, LW_ENTRY_OTHER);
	ck_assert_int_eq(must_find(ix, "dev/sda")->type, LW_ENTRY_OTHER);
	ck_assert_uint_eq(must_find(ix, "dev/fifo")->size, 0);
	ck_assert_uint_eq(ix->file_count, 0);
	ck_assert_uint_eq(ix->file_bytes, 0);
	tb_image_free(img);
}
END_TEST

START_TEST(scan_hardlink_to_missing_target_has_no_index)
{
	struct tb_layer *l = tb_layer_new();
	struct lw_image *img;
	const struct lw_entry *b;

	tb_hardlink(l, "b", "elsewhere");
	img = one(l);
	b = must_find(img->layers[0].index, "b");
	ck_assert_int_eq(b->type, LW_ENTRY_HARDLINK);
	ck_assert_str_eq(lw_entry_link(b), "elsewhere");
	ck_assert_uint_eq(b->target, LW_NO_TARGET);
	tb_image_free(img);
}
END_TEST

START_TEST(scan_symlink_keeps_target_as_stored)
{
	struct tb_layer *l = tb_layer_new();
	struct lw_image *img;
	const struct lw_layer_index *ix;
	const struct lw_entry *s, *t;

	tb_symlink(l, "lib/up", "../etc/./x");
	tb_symlink(l, "/abs", "/usr//bin/");
	img = one(l);
	ix = img->layers[0].index;
	s = must_find(ix, "lib/up");
	t = must_find(ix, "abs");
	ck_assert_int_eq(s->type, LW_ENTRY_SYMLINK);
	ck_assert_str_eq(lw_entry_link(s), "../etc/./x");
	ck_assert_str_eq(lw_entry_link(t), "/usr//bin/");
	ck_assert_uint_eq(s->size, 0);
	ck_assert_uint_eq(ix->file_count, 0);
	tb_image_free(img);
}
END_TEST

/* A meta of mtime t, names u and g, and the rest zero but the mode. */
static const struct lw_entry_meta *meta_of(struct lw_layer_index *ix,
					   int64_t t, const char *u,
					   const char *g)
{
	struct lw_entry_meta m = { .mtime = t, .uname = u, .gname = g,
				   .mode = 0644 };

	return lw_layer_index_meta(ix, &m);
}

START_TEST(meta_is_interned_per_index)
{
	struct lw_layer_index ix;
	struct lw_entry_meta m = { .mtime = 1000, .mode = 0644 };
	const struct lw_entry_meta *a, *b, *c, *d, *e, *f, *first[5000];
	const char *root, *app;
	size_t i;

	lw_layer_index_init(&ix);
	root = lw_layer_index_strndup(&ix, "root", 4);
	app = lw_layer_index_strndup(&ix, "app", 3);
	a = meta_of(&ix, 1000, root, root);
	b = meta_of(&ix, 1000, app, root);
	c = meta_of(&ix, 1000, NULL, NULL);
	d = meta_of(&ix, -5, root, root);
	/* Equal names at other addresses are the same meta. */
	e = meta_of(&ix, 1000, lw_layer_index_strndup(&ix, "root", 4), root);
	f = meta_of(&ix, 1000, lw_layer_index_strndup(&ix, "", 0), NULL);
	ck_assert_ptr_eq(e, a);
	ck_assert_ptr_ne(a, b);
	ck_assert_ptr_ne(a, c);
	ck_assert_ptr_ne(a, d);
	ck_assert_ptr_ne(c, f); /* "" is not "no name" */
	ck_assert_uint_eq(ix.metas.n, 5);
	ck_assert_int_eq(d->mtime, -5);
	ck_assert_str_eq(b->uname, "app");
	ck_assert_ptr_null(c->gname);
	/* Every field tells metas apart: owner, mode, attributes. */
	m.uname = m.gname = root;
	ck_assert_ptr_eq(lw_layer_index_meta(&ix, &m), a);
	m.uid = 1;
	ck_assert_ptr_ne(lw_layer_index_meta(&ix, &m), a);
	m.uid = 0;
	m.gid = 1;
	ck_assert_ptr_ne(lw_layer_index_meta(&ix, &m), a);
	m.gid = 0;
	m.mode = 0755;
	ck_assert_ptr_ne(lw_layer_index_meta(&ix, &m), a);
	m.mode = 0644;
	m.xattr_hash = 9;
	ck_assert_ptr_ne(lw_layer_index_meta(&ix, &m), a);
	ck_assert_uint_eq(ix.metas.n, 9);
	ck_assert_uint_eq(lw_layer_index_meta(&ix, &m)->xattr_hash, 9);
	/* Thousands of metas (the table grows) stay found, where they
	 * were. */
	for (i = 0; i < 5000; i++) {
		first[i] = meta_of(&ix, (int64_t)i * 7, root, app);
		ck_assert_int_eq(first[i]->mtime, (int64_t)i * 7);
	}
	ck_assert_uint_eq(ix.metas.n, 5009);
	for (i = 5000; i-- > 0;)
		ck_assert_ptr_eq(meta_of(&ix, (int64_t)i * 7, root, app),
				 first[i]);
	ck_assert_ptr_eq(meta_of(&ix, 1000, app, root), b);
	lw_layer_index_release(&ix);
}
END_TEST

/* Paths for the piecewise compares: random components from a small
 * alphabet around the separator and the end, so that prefixes, "a" vs
 * "a/b" vs "a-b" and equal paths come up often. */
static size_t random_path(unsigned *seed, char *out)
{
	static const char alpha[] = "ab-.\x01\xff" "0";
	size_t n = 0, k, c, comps = 1 + (size_t)(rand_r(seed) % 4);

	for (k = 0; k < comps; k++) {
		size_t len = 1 + (size_t)(rand_r(seed) % 3);

		if (k)
			out[n++] = '/';
		for (c = 0; c < len; c++)
			out[n++] = alpha[rand_r(seed) % (sizeof(alpha) - 1)];
	}
	out[n] = '\0';
	return n;
}

static int sign(int x)
{
	return x < 0 ? -1 : x > 0;
}

START_TEST(entry_paths_are_dir_and_name)
{
	struct lw_layer_index ix, jx;
	struct lw_entry e[400], f[400];
	const struct lw_entry_meta *m, *mj;
	char p[400][64];
	unsigned seed = 7;
	size_t i, j;

	lw_layer_index_init(&ix);
	lw_layer_index_init(&jx);
	m = meta_of(&ix, 1000, "root", "root");
	mj = meta_of(&jx, 1000, "root", "root");
	memset(e, 0, sizeof(e));
	memset(f, 0, sizeof(f));
	for (i = 0; i < 400; i++) {
		size_t n = random_path(&seed, p[i]);

		/* Every other one a link: the target follows the name. */
		ck_assert_int_eq(lw_layer_index_set_path(&ix, &e[i], m, p[i],
							 n, i % 2 ? "t/x" :
							 NULL, 3), 0);
		/* The same paths in another index: other dirs, equal
		 * strings. */
		ck_assert_int_eq(lw_layer_index_set_path(&jx, &f[i], mj, p[i],
							 n, NULL, 0), 0);
		ck_assert_str_eq(lwt_path(&e[i]), p[i]);
		ck_assert_uint_eq(lw_entry_path_len(&e[i]), n);
		ck_assert(lw_entry_path_is(&e[i], p[i]));
		ck_assert_int_eq(!!(e[i].flags & LW_ENTRY_HAS_LINK), i % 2);
		if (i % 2)
			ck_assert_str_eq(lw_entry_link(&e[i]), "t/x");
		else
			ck_assert_ptr_null(lw_entry_link(&e[i]));
		ck_assert_int_eq(lw_entry_dir(&e[i]) == NULL,
				 strchr(p[i], '/') == NULL);
		ck_assert_ptr_eq(lw_entry_meta_of(&e[i]), m);
	}
	/* A path that ends where its buffer does (no NUL after it): only
	 * its bytes are read, as ASan checks. */
	{
		struct lw_entry g = { .flags = 0 };
		char *tight = lw_xmalloc(9);

		memcpy(tight, "dir/name!", 9);
		ck_assert_int_eq(lw_layer_index_set_path(&ix, &g, m, tight, 9,
							 "target", 6), 0);
		free(tight);
		ck_assert_str_eq(lwt_path(&g), "dir/name!");
		ck_assert_str_eq(lw_entry_link(&g), "target");
	}
	/* One dir per distinct directory, shared. */
	for (i = 0; i < 400; i++)
		for (j = 0; j < 400; j++)
			if (lw_entry_dir(&e[i]) && lw_entry_dir(&e[j]) &&
			    !strcmp(lw_entry_dir(&e[i])->path,
				    lw_entry_dir(&e[j])->path))
				ck_assert_ptr_eq(lw_entry_dir(&e[i]),
						 lw_entry_dir(&e[j]));
	/* Compares agree with lw_path_cmp on the whole strings, within an
	 * index and across two. */
	for (i = 0; i < 400; i++) {
		for (j = 0; j < 400; j++) {
			int want = sign(lw_path_cmp(p[i], p[j]));

			ck_assert_msg(sign(lw_entry_path_cmp(&e[i], &e[j])) ==
				      want, "'%s' vs '%s'", p[i], p[j]);
			ck_assert_int_eq(sign(lw_entry_path_cmp(&e[i], &f[j])),
					 want);
			ck_assert_int_eq(sign(lw_entry_path_cmp_str(
				&e[i], p[j], strlen(p[j]))), want);
			ck_assert_int_eq(lw_entry_path_is(&e[i], p[j]),
					 !strcmp(p[i], p[j]));
			ck_assert_int_eq(lw_entry_path_strcmp(&e[i], &f[j]),
					 sign(strcmp(p[i], p[j])));
			ck_assert_int_eq(lw_entry_path_strcmp(&e[i], &e[j]),
					 sign(strcmp(p[i], p[j])));
		}
	}
	lw_layer_index_release(&ix);
	lw_layer_index_release(&jx);
}
END_TEST

START_TEST(dirs_are_interned_per_index)
{
	struct lw_layer_index ix;
	const struct lw_dir *a, *b, *first[3000];
	char name[32];
	size_t i;

	lw_layer_index_init(&ix);
	a = lw_layer_index_dir(&ix, "usr/lib", 7);
	b = lw_layer_index_dir(&ix, "usr/lib/x", 7); /* the first 7 bytes */
	ck_assert_ptr_eq(a, b);
	ck_assert_str_eq(a->path, "usr/lib");
	ck_assert_uint_eq(a->len, 7);
	/* Thousands (the table grows) stay found, where they were. */
	for (i = 0; i < 3000; i++) {
		int n = snprintf(name, sizeof(name), "d/%zu", i);

		first[i] = lw_layer_index_dir(&ix, name, (size_t)n);
	}
	ck_assert_uint_eq(ix.dirs.n, 3001);
	for (i = 3000; i-- > 0;) {
		int n = snprintf(name, sizeof(name), "d/%zu", i);

		ck_assert_ptr_eq(lw_layer_index_dir(&ix, name, (size_t)n),
				 first[i]);
	}
	ck_assert_ptr_eq(lw_layer_index_dir(&ix, "usr/lib", 7), a);
	lw_layer_index_release(&ix);
}
END_TEST

START_TEST(strndup_packs_strings_and_takes_long_ones)
{
	struct lw_layer_index ix;
	char big[LW_PATH_MAX];
	const char *p[3000], *l;
	size_t i;

	lw_layer_index_init(&ix);
	for (i = 0; i < 3000; i++) {
		char name[32];
		int n = snprintf(name, sizeof(name), "dir/file-%zu", i);

		p[i] = lw_layer_index_strndup(&ix, name, (size_t)n);
		ck_assert_ptr_nonnull(p[i]);
	}
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	l = lw_layer_index_strndup(&ix, big, sizeof(big) - 1);
	ck_assert_uint_eq(strlen(l), sizeof(big) - 1);
	ck_assert_ptr_nonnull(lw_layer_index_strndup(&ix, "after", 5));
	/* Packed back to back, not 8-aligned, and none overwritten. */
	ck_assert_ptr_eq(p[1], p[0] + strlen(p[0]) + 1);
	for (i = 0; i < 3000; i++) {
		char name[32];

		snprintf(name, sizeof(name), "dir/file-%zu", i);
		ck_assert_str_eq(p[i], name);
	}
	lw_layer_index_release(&ix);
}
END_TEST

/* Siblings that share a meta share a node; a new meta or directory makes
 * another; the accessors read through it. */
START_TEST(nodes_are_interned_per_index)
{
	struct lw_layer_index ix;
	const struct lw_entry_meta *m1, *m2;
	struct lw_entry e[6];
	char name[32];
	size_t i;

	lw_layer_index_init(&ix);
	memset(e, 0, sizeof(e));
	m1 = meta_of(&ix, 1000, "root", NULL);
	m2 = meta_of(&ix, 2000, "app", "app");
	ck_assert_int_eq(lw_layer_index_set_path(&ix, &e[0], m1, "d/a", 3,
						 NULL, 0), 0);
	ck_assert_int_eq(lw_layer_index_set_path(&ix, &e[1], m1, "d/b", 3,
						 NULL, 0), 0);
	ck_assert_int_eq(lw_layer_index_set_path(&ix, &e[2], m2, "d/c", 3,
						 "x", 1), 0);
	ck_assert_int_eq(lw_layer_index_set_path(&ix, &e[3], m1, "d/e", 3,
						 NULL, 0), 0);
	ck_assert_int_eq(lw_layer_index_set_path(&ix, &e[4], m1, "f/a", 3,
						 NULL, 0), 0);
	ck_assert_int_eq(lw_layer_index_set_path(&ix, &e[5], m2, "top", 3,
						 NULL, 0), 0);
	ck_assert_ptr_eq(e[0].node, e[1].node);
	ck_assert_ptr_eq(e[0].node, e[3].node); /* found again, not last */
	ck_assert_ptr_ne(e[0].node, e[2].node);
	ck_assert_ptr_ne(e[0].node, e[4].node);
	ck_assert_ptr_eq(lw_entry_dir(&e[2]), lw_entry_dir(&e[0]));
	ck_assert_ptr_null(lw_entry_dir(&e[5]));
	ck_assert_str_eq(lw_entry_name(&e[1]), "b");
	ck_assert_str_eq(lw_entry_name(&e[2]), "c");
	ck_assert_str_eq(lw_entry_link(&e[2]), "x");
	ck_assert_str_eq(lw_entry_name(&e[5]), "top");
	ck_assert_int_eq(lw_entry_mtime(&e[1]), 1000);
	ck_assert_str_eq(lw_entry_uname(&e[1]), "root");
	ck_assert_ptr_null(lw_entry_gname(&e[1]));
	ck_assert_int_eq(lw_entry_mtime(&e[2]), 2000);
	ck_assert_str_eq(lw_entry_gname(&e[5]), "app");
	ck_assert_uint_eq(lw_entry_mode(&e[5]), 0644);
	ck_assert_ptr_null(lw_entry_link(&e[5]));
	ck_assert_uint_eq(ix.nodes.n, 4);
	/* Thousands of directories (the table grows): each entry keeps
	 * its node, name and directory. */
	for (i = 0; i < 3000; i++) {
		struct lw_entry x = { .flags = 0 };
		int n = snprintf(name, sizeof(name), "d%zu/n%zu", i % 1500, i);

		ck_assert_int_eq(lw_layer_index_set_path(&ix, &x, i % 3 ? m1 :
							 m2, name, (size_t)n,
							 NULL, 0), 0);
		ck_assert_str_eq(lwt_path(&x), name);
		ck_assert_ptr_eq(lw_entry_meta_of(&x), i % 3 ? m1 : m2);
	}
	lw_layer_index_release(&ix);
}
END_TEST

/* Where a file's content starts is kept in 512-byte blocks: anything
 * else is refused, the entry untouched. */
START_TEST(data_offsets_are_blocks)
{
	struct lw_entry e = { .flags = 0 };

	ck_assert_int_eq(lw_entry_set_data_off(&e, LW_NO_OFFSET), 0);
	ck_assert_uint_eq(lw_entry_data_off(&e), LW_NO_OFFSET);
	ck_assert_int_eq(lw_entry_set_data_off(&e, 0), 0);
	ck_assert_uint_eq(lw_entry_data_off(&e), 0);
	ck_assert_int_eq(lw_entry_set_data_off(&e, 1536), 0);
	ck_assert_uint_eq(lw_entry_data_off(&e), 1536);
	ck_assert_int_eq(lw_entry_set_data_off(&e, 1537), -1);
	ck_assert_uint_eq(lw_entry_data_off(&e), 1536);
	/* The last block below 2 TiB, and 2 TiB itself. */
	ck_assert_int_eq(lw_entry_set_data_off(&e, (2ull << 40) - 1024), 0);
	ck_assert_uint_eq(lw_entry_data_off(&e), (2ull << 40) - 1024);
	ck_assert_int_eq(lw_entry_set_data_off(&e, (2ull << 40) - 512), -1);
	ck_assert_int_eq(lw_entry_set_data_off(&e, 2ull << 40), -1);
	ck_assert_uint_eq(lw_entry_data_off(&e), (2ull << 40) - 1024);
}
END_TEST

START_TEST(scan_keeps_metadata)
{
	struct tb_layer *l = tb_layer_new();
	struct lw_image *img;
	const struct lw_layer_index *ix;
	const struct lw_entry *e, *d;

	tb_dir(l, "srv/", 0710);
	tb_file_mtime(l, "srv/run", "#!/bin/sh\n", 1234, 5678, 04755,
		      1700000000);
	tb_file(l, "srv/ro", "r", 0, 0, 0444);
	tb_file(l, "srv/ro2", "s", 0, 0, 0444);
	img = one(l);
	ix = img->layers[0].index;
	e = must_find(ix, "srv/run");
	ck_assert_int_eq(e->type, LW_ENTRY_FILE);
	ck_assert_uint_eq(e->size, 10);
	ck_assert_uint_eq(lw_entry_uid(e), 1234);
	ck_assert_uint_eq(lw_entry_gid(e), 5678);
	ck_assert_uint_eq(lw_entry_mode(e), 04755);
	ck_assert_int_eq(lw_entry_mtime(e), 1700000000);
	/* Two entries with the same mtime, owners and mode share their
	 * meta (and node), others do not; the tables that found them are
	 * gone once the layer is read. */
	ck_assert_ptr_eq(lw_entry_meta_of(must_find(ix, "srv/ro")),
			 lw_entry_meta_of(must_find(ix, "srv/ro2")));
	ck_assert_ptr_eq(must_find(ix, "srv/ro")->node,
			 must_find(ix, "srv/ro2")->node);
	ck_assert_ptr_ne(lw_entry_meta_of(e),
			 lw_entry_meta_of(must_find(ix, "srv/ro")));
	ck_assert_ptr_null(ix->metas.slots);
	ck_assert_ptr_null(ix->dirs.slots);
	ck_assert_ptr_null(ix->nodes.slots);
	ck_assert_ptr_null(lw_entry_link(e));
	ck_assert_uint_eq(lw_entry_mode(must_find(ix, "srv/ro")), 0444);
	d = must_find(ix, "srv");
	ck_assert_int_eq(d->type, LW_ENTRY_DIR);
	ck_assert_uint_eq(lw_entry_mode(d), 0710);
	ck_assert_uint_eq(d->size, 0);
	tb_image_free(img);
}
END_TEST

START_TEST(scan_counts_file_bytes_and_files)
{
	struct tb_layer *l = tb_layer_new();
	struct lw_image *img;
	const struct lw_layer_index *ix;

	tb_dir(l, "d/", 0755);
	tb_file(l, "d/five", "12345", 0, 0, 0644);
	tb_file(l, "d/empty", NULL, 0, 0, 0644);
	tb_file_data(l, "d/big", NULL, 100000, 0, 0, 0644);
	tb_symlink(l, "d/sym", "five");
	tb_hardlink(l, "d/link", "d/five");
	tb_whiteout(l, "d", "gone");
	img = one(l);
	ix = img->layers[0].index;
	ck_assert_uint_eq(ix->count, 7);
	ck_assert_uint_eq(ix->file_count, 3);
	ck_assert_uint_eq(ix->file_bytes, 100005);
	ck_assert_uint_eq(must_find(ix, "d/big")->size, 100000);
	ck_assert_uint_eq(must_find(ix, "d/empty")->size, 0);
	tb_image_free(img);
}
END_TEST

START_TEST(scan_entries_stay_in_tar_order)
{
	struct tb_layer *l = tb_layer_new();
	struct lw_image *img;
	const struct lw_layer_index *ix;

	tb_file(l, "z", "1", 0, 0, 0644);
	tb_file(l, "a", "2", 0, 0, 0644);
	tb_file(l, "m/b", "3", 0, 0, 0644);
	img = one(l);
	ix = img->layers[0].index;
	ck_assert_uint_eq(ix->count, 3);
	ck_assert_str_eq(lwt_path(&ix->entries[0]), "z");
	ck_assert_str_eq(lwt_path(&ix->entries[1]), "a");
	ck_assert_str_eq(lwt_path(&ix->entries[2]), "m/b");
	tb_image_free(img);
}
END_TEST

START_TEST(scan_find_returns_last_of_repeated_path)
{
	struct tb_layer *l = tb_layer_new();
	struct lw_image *img;

	tb_file(l, "x", "first", 0, 0, 0644);
	tb_file(l, "y", "other", 0, 0, 0644);
	tb_file(l, "x", "second!", 7, 0, 0600);
	img = one(l);
	ck_assert_uint_eq(img->layers[0].index->count, 3);
	ck_assert_uint_eq(must_find(img->layers[0].index, "x")->size, 7);
	ck_assert_uint_eq(lw_entry_uid(must_find(img->layers[0].index, "x")),
			  7);
	ck_assert_ptr_null(lw_layer_index_find(img->layers[0].index, "q"));
	tb_image_free(img);
}
END_TEST

START_TEST(scan_stream_hash_tells_content_apart)
{
	struct tb_layer *l = tb_layer_new();
	struct lw_image *img;
	const struct lw_layer_index *ix;
	const struct lw_entry *a, *b, *c, *e;
	struct lw_hash want = lw_hash_bytes("same", 4);

	tb_file(l, "a", "same", 0, 0, 0644);
	tb_file(l, "b", "same", 1000, 1000, 0600);
	tb_file(l, "c", "sama", 0, 0, 0644);
	tb_file(l, "e", NULL, 0, 0, 0644);
	img = one(l);
	ix = img->layers[0].index;
	a = must_find(ix, "a");
	b = must_find(ix, "b");
	c = must_find(ix, "c");
	e = must_find(ix, "e");
	ck_assert(a->flags & LW_ENTRY_HASHED);
	ck_assert(b->flags & LW_ENTRY_HASHED);
	ck_assert(c->flags & LW_ENTRY_HASHED);
	ck_assert_uint_eq(lw_entry_data_off(a), LW_NO_OFFSET);
	ck_assert(a->hash.lo == b->hash.lo && a->hash.hi == b->hash.hi);
	ck_assert(a->hash.lo != c->hash.lo || a->hash.hi != c->hash.hi);
	ck_assert(a->hash.lo == want.lo && a->hash.hi == want.hi);
	if (e->flags & LW_ENTRY_HASHED) {
		struct lw_hash z = lw_hash_bytes("", 0);

		ck_assert(e->hash.lo == z.lo && e->hash.hi == z.hi);
	}
	tb_image_free(img);
}
END_TEST

START_TEST(scan_stream_hash_covers_large_binary_content)
{
	/* Larger than any read block, with NULs: the hash must cover every
	 * byte, in order. */
	size_t n = 300000, i;
	unsigned char *buf = malloc(n), *buf2 = malloc(n);
	struct tb_layer *l = tb_layer_new();
	struct lw_image *img;
	const struct lw_entry *a, *b;
	struct lw_hash want;

	for (i = 0; i < n; i++)
		buf[i] = (unsigned char)(i * 7 + i / 251);
	memcpy(buf2, buf, n);
	buf2[n - 1] ^= 1;
	want = lw_hash_bytes(buf, n);
	tb_file_data(l, "a", buf, n, 0, 0, 0644);
	tb_file_data(l, "b", buf2, n, 0, 0, 0644);
	img = one(l);
	a = must_find(img->layers[0].index, "a");
	b = must_find(img->layers[0].index, "b");
	ck_assert_uint_eq(a->size, n);
	ck_assert(a->flags & LW_ENTRY_HASHED);
	ck_assert(a->hash.lo == want.lo && a->hash.hi == want.hi);
	ck_assert(a->hash.lo != b->hash.lo || a->hash.hi != b->hash.hi);
	tb_image_free(img);
	free(buf);
	free(buf2);
}
END_TEST

START_TEST(scan_mapped_layer_locates_content)
{
	struct tb_layer *l = tb_layer_new();
	struct lw_layer_index ix;
	struct lw_error err;
	const unsigned char *p;
	const struct lw_entry *a, *b;
	size_t len;

	tb_file(l, "a", "content of a", 0, 0, 0644);
	tb_file_data(l, "b", NULL, 70000, 0, 0, 0644);
	p = tb_layer_bytes(l, &len);
	ck_assert_int_eq(scan_bytes(p, len, 100, 1, &ix, &err), LW_OK);
	a = must_find(&ix, "a");
	b = must_find(&ix, "b");
	ck_assert_uint_ne(lw_entry_data_off(a), LW_NO_OFFSET);
	ck_assert_uint_le(lw_entry_data_off(a) + a->size, len);
	ck_assert_int_eq(memcmp(p + lw_entry_data_off(a), "content of a", 12),
			 0);
	ck_assert_uint_ne(lw_entry_data_off(b), LW_NO_OFFSET);
	ck_assert_uint_le(lw_entry_data_off(b) + b->size, len);
	ck_assert_uint_eq(b->size, 70000);
	ck_assert(p[lw_entry_data_off(b)] == 'x' &&
		  p[lw_entry_data_off(b) + 69999] == 'x');
	if (a->flags & LW_ENTRY_HASHED) {
		struct lw_hash want = lw_hash_bytes("content of a", 12);

		ck_assert(a->hash.lo == want.lo && a->hash.hi == want.hi);
	}
	lw_layer_index_release(&ix);
	tb_layer_free(l);
}
END_TEST

/* Extended headers (pax records, GNU long names) sit between a header and
 * its data: the located offset must skip them. */
START_TEST(scan_mapped_offsets_skip_extended_headers)
{
	static const int formats[] = { ARCHIVE_FORMAT_TAR_PAX_RESTRICTED,
				       ARCHIVE_FORMAT_TAR_GNUTAR };
	char name[301];
	size_t i, f;

	for (i = 0; i < sizeof(name) - 1; i++)
		name[i] = (i % 60 == 58) ? '/' : (char)('a' + i % 26);
	name[sizeof(name) - 1] = '\0';
	for (f = 0; f < 2; f++) {
		struct tb_layer *l = tb_layer_new_format(formats[f]);
		struct lw_layer_index ix;
		struct lw_error err;
		const unsigned char *p;
		const struct lw_entry *a, *b, *c;
		size_t len;

		tb_file(l, "first", "0123", 0, 0, 0644);
		tb_file(l, name, "after a long name", 0, 0, 0644);
		tb_file_xattr(l, "attr", "after xattrs", 0, 0, 0644, "user.k",
			      "some value");
		p = tb_layer_bytes(l, &len);
		ck_assert_int_eq(scan_bytes(p, len, 100, 1, &ix, &err), LW_OK);
		a = must_find(&ix, "first");
		b = must_find(&ix, name);
		c = must_find(&ix, "attr");
		ck_assert_uint_le(lw_entry_data_off(a) + 4, len);
		ck_assert_int_eq(memcmp(p + lw_entry_data_off(a), "0123", 4),
				 0);
		ck_assert_uint_le(lw_entry_data_off(b) + 17, len);
		ck_assert_int_eq(memcmp(p + lw_entry_data_off(b),
					"after a long name", 17), 0);
		ck_assert_uint_le(lw_entry_data_off(c) + 12, len);
		ck_assert_int_eq(memcmp(p + lw_entry_data_off(c),
					"after xattrs", 12), 0);
		lw_layer_index_release(&ix);
		tb_layer_free(l);
	}
}
END_TEST

START_TEST(scan_xattrs_are_summarised)
{
	struct tb_layer *l = tb_layer_new();
	struct lw_image *img;
	const struct lw_layer_index *ix;
	const struct lw_entry *plain, *x1, *x2, *x3, *cap;

	tb_file(l, "plain", "p", 0, 0, 0644);
	tb_file_xattr(l, "x1", "p", 0, 0, 0644, "user.k", "v1");
	tb_file_xattr(l, "x2", "p", 0, 0, 0644, "user.k", "v1");
	tb_file_xattr(l, "x3", "p", 0, 0, 0644, "user.k", "v2");
	tb_file_xattr(l, "cap", "p", 0, 0, 0755, "security.capability",
		      "\x01\x02");
	img = one(l);
	ix = img->layers[0].index;
	plain = must_find(ix, "plain");
	x1 = must_find(ix, "x1");
	x2 = must_find(ix, "x2");
	x3 = must_find(ix, "x3");
	cap = must_find(ix, "cap");
	ck_assert_uint_eq(lw_entry_xattr_hash(plain), 0);
	ck_assert(!(plain->flags & (LW_ENTRY_HAS_XATTR | LW_ENTRY_HAS_CAP)));
	ck_assert(x1->flags & LW_ENTRY_HAS_XATTR);
	ck_assert(!(x1->flags & LW_ENTRY_HAS_CAP));
	ck_assert_uint_ne(lw_entry_xattr_hash(x1), 0);
	ck_assert_uint_eq(lw_entry_xattr_hash(x1), lw_entry_xattr_hash(x2));
	ck_assert_uint_ne(lw_entry_xattr_hash(x1), lw_entry_xattr_hash(x3));
	ck_assert(cap->flags & LW_ENTRY_HAS_CAP);
	ck_assert_uint_ne(lw_entry_xattr_hash(cap), 0);
	tb_image_free(img);
}
END_TEST

START_TEST(scan_skips_root_entry)
{
	struct tb_layer *l = tb_layer_new();
	struct lw_image *img;
	const struct lw_layer_index *ix;

	tb_dir(l, "./", 0755);
	tb_dir(l, ".", 0755);
	tb_dir(l, "/", 0755);
	tb_file(l, "./a", "x", 0, 0, 0644);
	img = one(l);
	ix = img->layers[0].index;
	ck_assert_uint_eq(ix->count, 1);
	ck_assert_str_eq(lwt_path(&ix->entries[0]), "a");
	tb_image_free(img);
}
END_TEST

START_TEST(scan_normalises_absolute_and_dotted_paths)
{
	struct tb_layer *l = tb_layer_new();
	struct lw_image *img;
	const struct lw_layer_index *ix;

	tb_dir(l, "/etc/", 0755);
	tb_file(l, "/etc/passwd", "root:x:0:0\n", 0, 0, 0644);
	tb_file(l, "./usr//lib/./x", "y", 0, 0, 0644);
	img = one(l);
	ix = img->layers[0].index;
	ck_assert_uint_eq(ix->count, 3);
	ck_assert_str_eq(lwt_path(&ix->entries[0]), "etc");
	ck_assert_str_eq(lwt_path(&ix->entries[1]), "etc/passwd");
	ck_assert_str_eq(lwt_path(&ix->entries[2]), "usr/lib/x");
	ck_assert_int_eq(must_find(ix, "etc")->type, LW_ENTRY_DIR);
	tb_image_free(img);
}
END_TEST

START_TEST(scan_rejects_dotdot_path)
{
	static const char *const bad[] = { "a/../b", "../x", "a/..",
					   "/../etc/passwd" };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tb_layer *l = tb_layer_new();
		struct lw_layer_index ix;
		struct lw_error err;

		tb_file(l, "ok", "1", 0, 0, 0644);
		tb_file(l, bad[i], "2", 0, 0, 0644);
		ck_assert_msg(scan_layer(l, 100, &ix, &err) == LW_ERR_INPUT,
			      "'%s' not rejected", bad[i]);
		ck_assert_int_eq(err.code, LW_ERR_INPUT);
		ck_assert_msg(err.msg[0] != '\0', "no message for '%s'",
			      bad[i]);
		lw_layer_index_release(&ix);
		tb_layer_free(l);
	}
}
END_TEST

START_TEST(scan_accepts_symlink_pointing_up)
{
	struct tb_layer *l = tb_layer_new();
	struct lw_layer_index ix;
	struct lw_error err;

	tb_symlink(l, "a/b", "../../../etc");
	ck_assert_int_eq(scan_layer(l, 100, &ix, &err), LW_OK);
	ck_assert_str_eq(lw_entry_link(must_find(&ix, "a/b")), "../../../etc");
	lw_layer_index_release(&ix);
	tb_layer_free(l);
}
END_TEST

START_TEST(scan_enforces_max_entries)
{
	struct lw_layer_index ix;
	struct lw_error err;
	struct tb_layer *l;
	int i;

	l = tb_layer_new();
	for (i = 0; i < 4; i++) {
		char name[8];

		snprintf(name, sizeof(name), "f%d", i);
		tb_file(l, name, "x", 0, 0, 0644);
	}
	ck_assert_int_eq(scan_layer(l, 4, &ix, &err), LW_OK);
	ck_assert_uint_eq(ix.count, 4);
	lw_layer_index_release(&ix);
	ck_assert_int_eq(scan_layer(l, 3, &ix, &err), LW_ERR_INPUT);
	ck_assert_int_eq(err.code, LW_ERR_INPUT);
	ck_assert(err.msg[0] != '\0');
	lw_layer_index_release(&ix);
	tb_layer_free(l);
}
END_TEST

START_TEST(scan_rejects_5000_byte_name)
{
	char name[5001];
	struct tb_layer *l = tb_layer_new();
	struct lw_layer_index ix;
	struct lw_error err;
	size_t i;

	for (i = 0; i < sizeof(name) - 1; i++)
		name[i] = (i % 50 == 48) ? '/' : 'n';
	name[sizeof(name) - 1] = '\0';
	tb_file(l, name, "x", 0, 0, 0644);
	ck_assert_int_eq(scan_layer(l, 100, &ix, &err), LW_ERR_INPUT);
	ck_assert_int_eq(err.code, LW_ERR_INPUT);
	lw_layer_index_release(&ix);
	tb_layer_free(l);
}
END_TEST

START_TEST(scan_accepts_long_names_in_pax_and_gnu)
{
	static const int formats[] = { ARCHIVE_FORMAT_TAR_PAX_RESTRICTED,
				       ARCHIVE_FORMAT_TAR_GNUTAR };
	char name[301];
	size_t i, f;

	for (i = 0; i < sizeof(name) - 1; i++)
		name[i] = (i % 60 == 58) ? '/' : (char)('a' + i % 26);
	name[sizeof(name) - 1] = '\0';
	for (f = 0; f < 2; f++) {
		struct tb_layer *l = tb_layer_new_format(formats[f]);
		struct lw_layer_index ix;
		struct lw_error err;

		tb_file(l, name, "long", 0, 0, 0644);
		ck_assert_int_eq(scan_layer(l, 100, &ix, &err), LW_OK);
		ck_assert_uint_eq(ix.count, 1);
		ck_assert_str_eq(lwt_path(&ix.entries[0]), name);
		ck_assert_uint_eq(ix.entries[0].size, 4);
		lw_layer_index_release(&ix);
		tb_layer_free(l);
	}
}
END_TEST

START_TEST(scan_keeps_non_utf8_name_from_ustar)
{
	struct tb_layer *l = tb_layer_new_format(ARCHIVE_FORMAT_TAR_USTAR);
	struct lw_layer_index ix;
	struct lw_error err;

	tb_file(l, "d/\xff\xfe.bin", "x", 0, 0, 0644);
	ck_assert_int_eq(scan_layer(l, 100, &ix, &err), LW_OK);
	ck_assert_uint_eq(ix.count, 1);
	ck_assert_str_eq(lwt_path(&ix.entries[0]), "d/\xff\xfe.bin");
	lw_layer_index_release(&ix);
	tb_layer_free(l);
}
END_TEST

START_TEST(scan_keeps_non_utf8_name_from_raw_pax_record)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	struct lw_layer_index ix;
	struct lw_error err;

	raw_pax_path(&sb, "app/caf\xe9-\xff.txt");
	raw_header(&sb, "placeholder", '0', 3);
	lwt_raw_data(&sb, "abc", 3);
	lwt_raw_end(&sb);
	ck_assert_int_eq(scan_bytes(sb.buf, sb.len, 100, 0, &ix, &err),
			 LW_OK);
	ck_assert_uint_eq(ix.count, 1);
	ck_assert_str_eq(lwt_path(&ix.entries[0]), "app/caf\xe9-\xff.txt");
	ck_assert_uint_eq(ix.entries[0].size, 3);
	lw_layer_index_release(&ix);
	lw_strbuf_release(&sb);
}
END_TEST

START_TEST(scan_keeps_non_utf8_name_from_libarchive_pax)
{
	struct tb_layer *l = tb_layer_new();
	struct lw_layer_index ix;
	struct lw_error err;

	tb_file(l, "d/\xff\xfe.bin", "x", 0, 0, 0644);
	ck_assert_int_eq(scan_layer(l, 100, &ix, &err), LW_OK);
	ck_assert_uint_eq(ix.count, 1);
	ck_assert_str_eq(lwt_path(&ix.entries[0]), "d/\xff\xfe.bin");
	lw_layer_index_release(&ix);
	tb_layer_free(l);
}
END_TEST

START_TEST(scan_empty_layer)
{
	struct tb_layer *l = tb_layer_new();
	struct lw_layer_index ix;
	struct lw_error err;

	ck_assert_int_eq(scan_layer(l, 100, &ix, &err), LW_OK);
	ck_assert_uint_eq(ix.count, 0);
	ck_assert_uint_eq(ix.file_bytes, 0);
	ck_assert_uint_eq(ix.file_count, 0);
	lw_layer_index_release(&ix);
	tb_layer_free(l);
}
END_TEST

static Suite *index_suite(void)
{
	Suite *s = suite_create("index");
	TCase *p = tcase_create("path");
	TCase *c = tcase_create("scan");

	tcase_add_test(p, normalize_strips_leading_dot_slash);
	tcase_add_test(p, normalize_strips_leading_and_trailing_slashes);
	tcase_add_test(p, normalize_collapses_repeated_slashes);
	tcase_add_test(p, normalize_root_forms_are_empty);
	tcase_add_test(p, normalize_drops_dot_components);
	tcase_add_test(p, normalize_rejects_dotdot_anywhere);
	tcase_add_test(p, normalize_keeps_names_that_only_contain_dots);
	tcase_add_test(p, normalize_rejects_overlong);
	tcase_add_test(p, normalize_keeps_non_utf8_bytes);
	tcase_add_test(p, cmp_tree_order);
	tcase_add_test(p, cmp_brief_example);
	tcase_add_test(p, entry_paths_are_dir_and_name);
	tcase_add_test(p, dirs_are_interned_per_index);
	tcase_add_test(p, nodes_are_interned_per_index);
	tcase_add_test(p, data_offsets_are_blocks);
	suite_add_tcase(s, p);

	tcase_add_test(c, scan_file_whiteout_names_hidden_path);
	tcase_add_test(c, scan_root_whiteout);
	tcase_add_test(c, scan_opaque_marker_names_its_directory);
	tcase_add_test(c, scan_skips_aufs_special_names);
	tcase_add_test(c, scan_hardlink_resolves_target_index);
	tcase_add_test(c, scan_hardlink_target_is_normalised);
	tcase_add_test(c, scan_hardlink_to_missing_target_has_no_index);
	tcase_add_test(c, scan_wh_inside_a_name_is_no_whiteout);
	tcase_add_test(c, scan_devices_and_fifos_are_other);
	tcase_add_test(c, scan_symlink_keeps_target_as_stored);
	tcase_add_test(c, scan_keeps_metadata);
	tcase_add_test(c, meta_is_interned_per_index);
	tcase_add_test(c, strndup_packs_strings_and_takes_long_ones);
	tcase_add_test(c, scan_counts_file_bytes_and_files);
	tcase_add_test(c, scan_entries_stay_in_tar_order);
	tcase_add_test(c, scan_find_returns_last_of_repeated_path);
	tcase_add_test(c, scan_stream_hash_tells_content_apart);
	tcase_add_test(c, scan_stream_hash_covers_large_binary_content);
	tcase_add_test(c, scan_mapped_layer_locates_content);
	tcase_add_test(c, scan_mapped_offsets_skip_extended_headers);
	tcase_add_test(c, scan_xattrs_are_summarised);
	tcase_add_test(c, scan_skips_root_entry);
	tcase_add_test(c, scan_normalises_absolute_and_dotted_paths);
	tcase_add_test(c, scan_rejects_dotdot_path);
	tcase_add_test(c, scan_accepts_symlink_pointing_up);
	tcase_add_test(c, scan_enforces_max_entries);
	tcase_add_test(c, scan_rejects_5000_byte_name);
	tcase_add_test(c, scan_accepts_long_names_in_pax_and_gnu);
	tcase_add_test(c, scan_keeps_non_utf8_name_from_ustar);
	tcase_add_test(c, scan_keeps_non_utf8_name_from_raw_pax_record);
	tcase_add_test(c, scan_keeps_non_utf8_name_from_libarchive_pax);
	tcase_add_test(c, scan_empty_layer);
	suite_add_tcase(s, c);
	return s;
}

int main(void)
{
	return lwt_run_suite(index_suite());
}
