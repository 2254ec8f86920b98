/* Unit tests of the per-layer cache's entries (read/cache.c): an index
 * written and parsed back is the index it was (every field the engine
 * reads), and an entry whose checksum is right but whose paths are not as
 * the tar walkers leave them (empty, leading, trailing or doubled '/',
 * "." or ".." components, in a path or a hard link's target) is damaged,
 * as a flipped byte is. The end-to-end behaviour (hits, misses, warnings,
 * eviction, concurrent runs) is tests/e2e/test_cache.sh's. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "cache.h"
#include "layerwaste/util.h"
#include "suite.h"
#include "tarbuild.h"

#define DIFF_ID "sha256:" \
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* The header's checksum (read/cache.h): 8 bytes at 16, XXH3-64 of every
 * byte from 24 on. */
#define SUM_AT 16
#define SUMMED_FROM 24

/* A layer of every entry type, indexed by the mapped walker. */
static void make_index(struct tb_layer **l, struct lw_layer_index *ix)
{
	struct lw_scan s = { .max_entries = 1000 };
	struct lw_error err = { 0, "" };
	const unsigned char *p;
	size_t len;

	*l = tb_layer_new();
	tb_dir(*l, "srv", 0755);
	tb_dir(*l, "srv/app", 0750);
	tb_file(*l, "srv/app/main.py", "print('hi')\n", 1000, 1000, 0644);
	tb_file(*l, "srv/app/data.bin", NULL, 0, 0, 0600);
	tb_symlink(*l, "srv/current", "../srv/app");
	tb_hardlink(*l, "srv/app/again.py", "srv/app/main.py");
	tb_file(*l, "top-level-file", "x", 0, 0, 0755);
	p = tb_layer_bytes(*l, &len);
	s.map = p;
	s.map_len = len;
	lw_layer_index_init(ix);
	ck_assert_int_eq(lw_tar_scan_mapped(p, len, &s, ix, &err), 0);
	ck_assert_uint_eq(ix->count, 7);
}

/* Writes ix as the cache does and returns the entry's bytes. */
static unsigned char *write_entry(struct lw_layer_index *ix, uint64_t blob,
				  size_t *len)
{
	char dir[] = "/tmp/lw-cache-test-XXXXXX", *path;
	struct lw_read_opts o = { 0 };
	struct lw_cache_meta meta = { .tar_bytes = blob };
	struct lw_cache *c;
	unsigned char *buf;
	FILE *f;
	long n;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	o.cache_dir = dir;
	c = lw_cache_open(&o);
	ck_assert_ptr_nonnull(c);
	lw_cache_put(c, DIFF_ID, blob, LW_COMP_NONE, ix, &meta, 0);
	ck_assert_int_ge(asprintf(&path, "%s/%s-none-%llu.lw%d", dir,
				  DIFF_ID + 7, (unsigned long long)blob,
				  LW_CACHE_VERSION), 0);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = lw_xmalloc((size_t)n);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	unlink(path);
	free(path);
	lw_cache_close(c);
	rmdir(dir);
	*len = (size_t)n;
	return buf;
}

static void fix_sum(unsigned char *buf, size_t len)
{
	uint64_t h = XXH3_64bits(buf + SUMMED_FROM, len - SUMMED_FROM);
	int i;

	for (i = 0; i < 8; i++)
		buf[SUM_AT + i] = (unsigned char)(h >> (8 * i));
}

static const char *parse(const unsigned char *buf, size_t len, uint64_t blob,
			 struct lw_layer_index **out)
{
	struct lw_cache_meta meta;

	return lw_cache_parse(buf, len, DIFF_ID, blob, LW_COMP_NONE, out,
			      &meta);
}

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

START_TEST(test_round_trip)
{
	struct tb_layer *l;
	struct lw_layer_index ix, *back;
	unsigned char *buf;
	size_t len, i, blob;

	make_index(&l, &ix);
	tb_layer_bytes(l, &blob);
	buf = write_entry(&ix, blob, &len);
	ck_assert_ptr_null(parse(buf, len, blob, &back));
	ck_assert_uint_eq(back->count, ix.count);
	ck_assert_uint_eq(back->file_bytes, ix.file_bytes);
	ck_assert_uint_eq(back->file_count, ix.file_count);
	for (i = 0; i < ix.count; i++) {
		const struct lw_entry *a = &ix.entries[i], *b = &back->entries[i];
		struct lw_pathbuf pa, pb;

		ck_assert_str_eq(lw_entry_path(b, &pb), lw_entry_path(a, &pa));
		ck_assert(same_str(lw_entry_link(a), lw_entry_link(b)));
		ck_assert(same_str(lw_entry_uname(a), lw_entry_uname(b)));
		ck_assert_int_eq(a->type, b->type);
		ck_assert_uint_eq(a->size, b->size);
		ck_assert_uint_eq(lw_entry_mode(a), lw_entry_mode(b));
		ck_assert_uint_eq(lw_entry_uid(a), lw_entry_uid(b));
		ck_assert_uint_eq(lw_entry_gid(a), lw_entry_gid(b));
		ck_assert_int_eq(lw_entry_mtime(a), lw_entry_mtime(b));
		if (a->type == LW_ENTRY_HARDLINK)
			ck_assert_uint_eq(a->target, b->target);
		else
			ck_assert_uint_eq(lw_entry_data_off(a),
					  lw_entry_data_off(b));
	}
	lw_layer_index_release(back);
	free(back);
	free(buf);
	lw_layer_index_release(&ix);
	tb_layer_free(l);
}
END_TEST

/* The entry with the string s (NUL included) written over the string
 * old where the string block holds it, checksum made right. */
static unsigned char *with_string(const unsigned char *buf, size_t len,
				  const char *old, const char *s)
{
	unsigned char *b = lw_xmalloc(len);
	unsigned char *at;

	ck_assert_uint_le(strlen(s), strlen(old));
	memcpy(b, buf, len);
	at = memmem(b, len, old, strlen(old) + 1);
	ck_assert_ptr_nonnull(at);
	ck_assert(at > b && at[-1] == '\0');
	memcpy(at, s, strlen(s) + 1);
	fix_sum(b, len);
	return b;
}

START_TEST(test_paths_not_normalised)
{
	static const struct {
		const char *old, *bad;
	} cases[] = {
		{ "top-level-file", "" },
		{ "top-level-file", "/top-level" },
		{ "top-level-file", "top-level/" },
		{ "top-level-file", "top//level" },
		{ "top-level-file", "./top" },
		{ "top-level-file", "top/./level" },
		{ "top-level-file", ".." },
		{ "top-level-file", "../top" },
		{ "top-level-file", "top/../x" },
		{ "top-level-file", "top/.." },
		/* The hard link's name, and its target. */
		{ "srv/app/again.py", "srv/app/." },
		{ "srv/app/main.py", "srv/../main" },
	};
	struct tb_layer *l;
	struct lw_layer_index ix, *back;
	unsigned char *buf, *b;
	size_t len, i, blob;

	make_index(&l, &ix);
	tb_layer_bytes(l, &blob);
	buf = write_entry(&ix, blob, &len);
	/* Names that are normal but not the original's still parse: the
	 * check is on the form, and the test's patching works. */
	b = with_string(buf, len, "top-level-file", ".top/..x/...");
	ck_assert_ptr_null(parse(b, len, blob, &back));
	lw_layer_index_release(back);
	free(back);
	free(b);
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		b = with_string(buf, len, cases[i].old, cases[i].bad);
		ck_assert_msg(parse(b, len, blob, &back) != NULL &&
			      !strcmp(parse(b, len, blob, &back),
				      "a path not normalised"),
			      "'%s' accepted", cases[i].bad);
		ck_assert_ptr_null(back);
		free(b);
	}
	/* Without the checksum made right, any change is a bad checksum. */
	b = lw_xmalloc(len);
	memcpy(b, buf, len);
	b[len - 2] ^= 1;
	ck_assert_str_eq(parse(b, len, blob, &back), "bad checksum");
	free(b);
	free(buf);
	lw_layer_index_release(&ix);
	tb_layer_free(l);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cache");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_paths_not_normalised);
	suite_add_tcase(s, tc);
	return lwt_run_suite(s);
}
