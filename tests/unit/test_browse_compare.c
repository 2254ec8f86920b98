/* Unit tests of `layerwaste diff OLD NEW --browse` in the view model: the
 * layers marked shared or new, the files the comparison lists as added
 * or changed marked in the image's and a layer's tree, the toggle that
 * shows only what the change added, the header, the help and the key
 * help. The comparison is made by the compare stage from snapshots built
 * by hand (as in test_compare.c); NEW's image is built in memory. No
 * terminal. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/compare.h"
#include "layerwaste/engine.h"
#include "compare_priv.h"
#include "tarbuild.h"
#include "viewmodel.h"
#include "suite.h"

#define WIDTH 120

static struct lw_image *img;
static struct lw_analysis *an;
static struct lw_result res;
static struct lw_snapshot *olds, *news;
static struct lw_comparison *cmp;
static struct lw_vm *vm;

static struct lw_snapshot *snap_new(const char *name)
{
	struct lw_snapshot *s = calloc(1, sizeof(*s));

	ck_assert_ptr_nonnull(s);
	lw_arena_init(&s->arena);
	s->name = lwc_strdup(s, name);
	s->source = s->name;
	s->analysed = 1;
	s->has_files = 1;
	return s;
}

static void add_layer(struct lw_snapshot *s, const char *diff_id,
		      uint64_t bytes)
{
	struct lw_snap_layer *l;

	s->layers = realloc(s->layers, (s->nlayers + 1) * sizeof(*l));
	ck_assert_ptr_nonnull(s->layers);
	l = &s->layers[s->nlayers++];
	*l = (struct lw_snap_layer){
		.diff_id = lwc_strdup(s, diff_id),
		.key = lwc_strdup(s, diff_id),
		.instruction = lwc_strdup(s, diff_id),
		.total_bytes = bytes,
	};
	s->total_bytes += bytes;
}

/* Files are added in lw_path_cmp order, as a snapshot keeps them. */
static void add_file(struct lw_snapshot *s, const char *path, uint64_t size,
		     uint32_t layer, uint64_t hash)
{
	struct lw_snap_file *f;

	s->files = realloc(s->files, (s->nfiles + 1) * sizeof(*f));
	ck_assert_ptr_nonnull(s->files);
	f = &s->files[s->nfiles++];
	*f = (struct lw_snap_file){
		.path = lwc_strdup(s, path),
		.size = size,
		.layer = layer,
		.hashed = 1,
		.hash = { .lo = hash },
	};
}

static void snap_free(struct lw_snapshot *s)
{
	free(s->layers);
	s->layers = NULL;
	lw_snapshot_free(s);
}

/* NEW: layer 0 (shared with OLD) adds app/main.txt and etc/conf; layer 1
 * chowns app/main.txt; layer 2 overwrites data/grow.txt (grown, so
 * changed) and adds data/new.txt (added). OLD: layer 0 and the first
 * data/grow.txt. */
static void build(void)
{
	struct tb_layer *l[3];
	struct lw_error err = { 0, "" };

	l[0] = tb_layer_new();
	tb_file(l[0], "app/main.txt", "0123456789", 0, 0, 0644);
	tb_file(l[0], "data/grow.txt", "grow....", 0, 0, 0644);
	tb_file(l[0], "etc/conf", "conf!", 0, 0, 0644);
	l[1] = tb_layer_new();
	tb_file(l[1], "app/main.txt", "0123456789", 1000, 1000, 0644);
	l[2] = tb_layer_new();
	tb_file(l[2], "data/grow.txt", "grown bigger", 0, 0, 0644);
	tb_file(l[2], "data/new.txt", "new...", 0, 0, 0755);
	img = tb_image(l, 3);
	ck_assert_int_eq(lw_analyze(img, NULL, &an, &err), LW_OK);
	res = (struct lw_result){ .image = img, .analysis = an };

	olds = snap_new("old:1");
	add_layer(olds, "sha256:aa", 23);
	add_layer(olds, "sha256:dd", 0);
	add_file(olds, "app/main.txt", 10, 0, 1);
	add_file(olds, "data/grow.txt", 8, 0, 2);
	add_file(olds, "etc/conf", 5, 0, 3);
	news = snap_new("new:2");
	add_layer(news, "sha256:aa", 23);
	add_layer(news, "sha256:bb", 10);
	add_layer(news, "sha256:cc", 18);
	add_file(news, "app/main.txt", 10, 1, 1);
	add_file(news, "data/grow.txt", 12, 2, 4);
	add_file(news, "data/new.txt", 6, 2, 5);
	add_file(news, "etc/conf", 5, 0, 3);
	ck_assert_int_eq(lw_compare(olds, news, NULL, 1, &cmp, &err), LW_OK);
	ck_assert_int_eq(cmp->files_added, 1);
	ck_assert_int_eq(cmp->files_changed, 1);
	vm = lw_vm_new(&res);
	lw_vm_set_comparison(vm, cmp);
}

static void teardown(void)
{
	lw_vm_free(vm);
	lw_comparison_free(cmp);
	snap_free(news);
	snap_free(olds);
	lw_analysis_free(an);
	tb_image_free(img);
}

/* The tree row that names s, or NULL. */
static const struct lw_vm_row *tree_row(const char *s)
{
	size_t n, i;
	const struct lw_vm_row *r = lw_vm_rows(vm, LW_VM_TREE, 1000, WIDTH,
					       &n);

	for (i = 0; i < n; i++)
		if (strstr(r[i].text.buf, s))
			return &r[i];
	return NULL;
}

static void check_mark(const char *name, int change)
{
	const struct lw_vm_row *r = tree_row(name);

	ck_assert_msg(r != NULL, "no row for %s", name);
	ck_assert_int_eq(r->change, change);
	ck_assert_int_eq(r->change_col, 3);
	ck_assert_int_eq(r->text.buf[3], lw_vm_change_mark(change));
}

START_TEST(test_layer_marks)
{
	size_t n, i;
	const struct lw_vm_row *r = lw_vm_rows(vm, LW_VM_LAYERS, 10, WIDTH,
					       &n);
	struct lw_strbuf sb = LW_STRBUF_INIT;

	ck_assert_uint_eq(n, 3);
	for (i = 0; i < n; i++) {
		int want = i == 0 ? LW_VM_CHANGE_SHARED : LW_VM_CHANGE_NEW;

		ck_assert_int_eq(r[i].change, want);
		ck_assert_int_eq(r[i].change_col, 1);
		ck_assert_int_eq(r[i].text.buf[1], i == 0 ? '=' : '+');
	}
	lw_vm_title(vm, LW_VM_LAYERS, WIDTH, &sb);
	ck_assert_ptr_nonnull(strstr(sb.buf, "+ new, = shared"));
	lw_strbuf_release(&sb);
}
END_TEST

START_TEST(test_file_marks)
{
	/* The files are what the change is about: the image view opens. */
	ck_assert_int_eq(vm->view, LW_VM_VIEW_IMAGE);
	check_mark("new.txt", LW_VM_CHANGE_ADDED);
	check_mark("grow.txt", LW_VM_CHANGE_CHANGED);
	check_mark("main.txt", LW_VM_CHANGE_NONE);
	check_mark("conf", LW_VM_CHANGE_NONE);
	ck_assert_int_eq(tree_row("data/")->change, LW_VM_CHANGE_NONE);
	/* A layer's tree marks the copy the image shows, not the one it
	 * hides. */
	lw_vm_toggle_view(vm);
	lw_vm_select_layer(vm, 2);
	check_mark("new.txt", LW_VM_CHANGE_ADDED);
	check_mark("grow.txt", LW_VM_CHANGE_CHANGED);
	lw_vm_select_layer(vm, 0);
	check_mark("grow.txt", LW_VM_CHANGE_NONE);
	check_mark("main.txt", LW_VM_CHANGE_NONE);
}
END_TEST

START_TEST(test_change_only)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;

	ck_assert_ptr_nonnull(tree_row("conf"));
	ck_assert_int_eq(lw_vm_key(vm, 'n'), 1);
	ck_assert_int_eq(vm->change_only, 1);
	ck_assert_ptr_nonnull(tree_row("new.txt"));
	ck_assert_ptr_nonnull(tree_row("grow.txt"));
	ck_assert_ptr_nonnull(tree_row("data/"));
	ck_assert_ptr_null(tree_row("conf"));
	ck_assert_ptr_null(tree_row("main.txt"));
	ck_assert_ptr_null(tree_row("app/"));
	ck_assert_uint_eq(lw_vm_nrows(vm, LW_VM_TREE), 3);
	/* From the layers pane too, and back. */
	lw_vm_focus(vm, LW_VM_LAYERS);
	ck_assert_int_eq(lw_vm_key(vm, 'n'), 1);
	ck_assert_int_eq(vm->change_only, 0);
	ck_assert_ptr_nonnull(tree_row("conf"));
	ck_assert_ptr_nonnull(tree_row("main.txt"));
	/* In a layer's tree: layer 0 holds nothing the change added. */
	lw_vm_action(vm, LW_ACT_CHANGE_ONLY);
	lw_vm_toggle_view(vm);
	lw_vm_select_layer(vm, 0);
	ck_assert_uint_eq(lw_vm_nrows(vm, LW_VM_TREE), 0);
	lw_vm_select_layer(vm, 2);
	ck_assert_ptr_nonnull(tree_row("new.txt"));
	lw_vm_keyhelp(vm, 200, &sb);
	ck_assert_ptr_nonnull(strstr(sb.buf, "n:changed"));
	lw_strbuf_release(&sb);
}
END_TEST

static const char *overlay_has(const char *s)
{
	size_t n, i;
	const struct lw_strbuf *l = lw_vm_overlay(vm, 70, &n);

	for (i = 0; l && i < n; i++)
		if (strstr(l[i].buf, s))
			return l[i].buf;
	return NULL;
}

START_TEST(test_header_help)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;

	lw_vm_header(vm, 150, &sb);
	/* Both names, the growth: 51 B over 23 B. */
	ck_assert_msg(strstr(sb.buf, "old:1 -> ") != NULL, "%s", sb.buf);
	ck_assert_msg(strstr(sb.buf, "+28 B (+121.74 %)") != NULL, "%s",
		      sb.buf);
	lw_vm_header(vm, 40, &sb);
	ck_assert_int_le(lw_vm_cols(sb.buf), 40);
	ck_assert_int_eq(lw_vm_key(vm, '?'), 1);
	ck_assert_ptr_nonnull(overlay_has("* added by the change"));
	ck_assert_ptr_nonnull(overlay_has("+ new  = shared"));
	ck_assert_ptr_nonnull(overlay_has("only what the change added"));
	lw_strbuf_release(&sb);
}
END_TEST

/* Without a comparison nothing of it shows and 'n' does nothing. */
START_TEST(test_without)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	size_t n;
	const struct lw_vm_row *r;

	lw_vm_set_comparison(vm, NULL);
	lw_vm_toggle_view(vm);
	lw_vm_toggle_view(vm);
	ck_assert_int_eq(lw_vm_key(vm, 'n'), 0);
	r = lw_vm_rows(vm, LW_VM_LAYERS, 10, WIDTH, &n);
	ck_assert_int_eq(r[0].change_col, -1);
	ck_assert_int_eq(tree_row("new.txt")->change_col, -1);
	ck_assert_int_eq(tree_row("new.txt")->text.buf[3], ' ');
	lw_vm_keyhelp(vm, 200, &sb);
	ck_assert_ptr_null(strstr(sb.buf, "changed"));
	lw_vm_header(vm, 150, &sb);
	ck_assert_ptr_null(strstr(sb.buf, " -> "));
	ck_assert_int_eq(lw_vm_key(vm, '?'), 1);
	ck_assert_ptr_null(overlay_has("added by the change"));
	ck_assert_ptr_null(overlay_has("only what the change added"));
	lw_strbuf_release(&sb);
}
END_TEST

static Suite *browse_compare_suite(void)
{
	Suite *s = suite_create("browse_compare");
	TCase *tc = tcase_create("marks");

	tcase_add_checked_fixture(tc, build, teardown);
	tcase_add_test(tc, test_layer_marks);
	tcase_add_test(tc, test_file_marks);
	tcase_add_test(tc, test_change_only);
	tcase_add_test(tc, test_header_help);
	tcase_add_test(tc, test_without);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return lwt_run_suite(browse_compare_suite());
}
