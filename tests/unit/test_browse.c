/* Unit tests of the browser's view model: images built in memory, analysed
 * by the real engine, then driven through the key actions with no
 * terminal. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/engine.h"
#include "layerwaste/attrib.h"
#include "pkgdbimage.h"
#include "tarbuild.h"
#include "viewmodel.h"
#include "suite.h"

#define WIDTH 100

static struct lw_image *img;
static struct lw_analysis *an;
static struct lw_result res; /* tests may set a static attribution */
static struct lw_vm *vm;

static struct lw_history hist[] = {
	{ .created_by = "/bin/sh -c #(nop) COPY dir:abc in / " },
	{ .created_by = "/bin/sh -c chown -R 1000:1000 /app" },
	{ .created_by = "/bin/sh -c rm -rf /data/gone.txt /data/cache" },
};

/* Layer 0 adds everything; layer 1 chowns /app (30 B); layer 2 deletes
 * data/gone.txt (7 B) and data/cache (3 + 4 B) and overwrites
 * data/grow.txt (8 B). */
static void build(void)
{
	struct tb_layer *l[3];
	struct lw_error err;
	size_t i;

	l[0] = tb_layer_new();
	tb_dir(l[0], "app", 0755);
	tb_file(l[0], "app/main.txt", "0123456789", 0, 0, 0644);
	tb_file(l[0], "app/lib.txt", "01234567890123456789", 0, 0, 0644);
	tb_file(l[0], "etc/conf", "conf!", 0, 0, 0644);
	tb_dir(l[0], "data", 0755);
	tb_file(l[0], "data/gone.txt", "gone...", 0, 0, 0644);
	tb_dir(l[0], "data/cache", 0755);
	tb_file(l[0], "data/cache/x.bin", "xxx", 0, 0, 0644);
	tb_file(l[0], "data/cache/y.bin", "yyyy", 0, 0, 0644);
	tb_file(l[0], "data/grow.txt", "grow....", 0, 0, 0644);
	tb_file(l[0], "zz/huge.bin", "0123456789012345678901234567890123456789"
		"0123456789", 0, 0, 0644);
	l[1] = tb_layer_new();
	tb_dir(l[1], "app", 0755);
	tb_file(l[1], "app/main.txt", "0123456789", 1000, 1000, 0644);
	tb_file(l[1], "app/lib.txt", "01234567890123456789", 1000, 1000, 0644);
	l[2] = tb_layer_new();
	tb_dir(l[2], "data", 0755);
	tb_whiteout(l[2], "data", "gone.txt");
	tb_whiteout(l[2], "data", "cache");
	tb_file(l[2], "data/grow.txt", "grown bigger", 0, 0, 0644);
	tb_file(l[2], "data/new.txt", "new...", 0, 0, 0644);
	img = tb_image(l, 3);
	for (i = 0; i < 3; i++)
		img->layers[i].history = &hist[i];
	ck_assert_int_eq(lw_analyze(img, NULL, &an, &err), LW_OK);
	res = (struct lw_result){ .image = img, .analysis = an };
	vm = lw_vm_new(&res);
}

static void teardown(void)
{
	lw_vm_free(vm);
	vm = NULL;
	lw_analysis_free(an);
	tb_image_free(img);
}

/* Rows of a pane as one string per row, for searching. */
static const struct lw_vm_row *rows_of(int pane, int height, size_t *n)
{
	return lw_vm_rows(vm, pane, height, WIDTH, n);
}

/* Index of the first shown row of a pane that contains s, or -1. */
static long find_row(int pane, const char *s)
{
	size_t n, i;
	const struct lw_vm_row *r = rows_of(pane, 1000, &n);

	for (i = 0; i < n; i++)
		if (strstr(r[i].text.buf, s))
			return (long)(i + lw_vm_scroll(vm, pane));
	return -1;
}

static const char *row_text(int pane, long i)
{
	size_t n;
	const struct lw_vm_row *r = rows_of(pane, 1000, &n);

	ck_assert_int_ge(i, (long)lw_vm_scroll(vm, pane));
	ck_assert_int_lt(i - (long)lw_vm_scroll(vm, pane), (long)n);
	return r[i - (long)lw_vm_scroll(vm, pane)].text.buf;
}

static const struct lw_vm_node *node_at(const char *path)
{
	struct lw_vm_tree *t = lw_vm_tree(vm);
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->nodes[i].path, path))
			return &t->nodes[i];
	return NULL;
}

/* Puts the tree cursor on the row that names s. */
static void tree_go(const char *s)
{
	long r = find_row(LW_VM_TREE, s);

	ck_assert_msg(r >= 0, "no tree row with '%s'", s);
	lw_vm_focus(vm, LW_VM_TREE);
	lw_vm_home(vm);
	lw_vm_move(vm, r);
	ck_assert_uint_eq(lw_vm_cursor(vm, LW_VM_TREE), (size_t)r);
}

START_TEST(test_kind_letters)
{
	ck_assert_int_eq(lw_vm_kind_letter(LW_KIND_CHOWN), 'U');
	ck_assert_int_eq(lw_vm_kind_letter(LW_KIND_CHMOD), 'M');
	ck_assert_int_eq(lw_vm_kind_letter(LW_KIND_CHOWN_CHMOD), 'B');
	ck_assert_int_eq(lw_vm_kind_letter(LW_KIND_TOUCH), 'T');
	ck_assert_int_eq(lw_vm_kind_letter(LW_KIND_OVERWRITE), 'O');
	ck_assert_int_eq(lw_vm_kind_letter(LW_KIND_DELETE), 'D');
	ck_assert_int_eq(lw_vm_kind_letter(-1), ' ');
}
END_TEST

START_TEST(test_start_state)
{
	/* The engine's figures this model shows. */
	ck_assert_uint_eq(an->wasted_bytes, 30 + 7 + 7 + 8);
	ck_assert_uint_eq(an->ngroups, 3);
	/* Opens on the layer of the largest cause, in the layers pane. */
	ck_assert_int_eq(vm->layer, 1);
	ck_assert_int_eq(vm->pane, LW_VM_LAYERS);
	ck_assert_int_eq(vm->view, LW_VM_VIEW_LAYER);
	ck_assert_uint_eq(lw_vm_nrows(vm, LW_VM_LAYERS), 3);
	ck_assert_ptr_nonnull(strstr(row_text(LW_VM_LAYERS, 1),
				     "chown -R 1000:1000 /app"));
	ck_assert_int_eq(row_text(LW_VM_LAYERS, 1)[0], '>');
	ck_assert_int_eq(row_text(LW_VM_LAYERS, 0)[0], ' ');
}
END_TEST

START_TEST(test_navigation_bounds)
{
	ck_assert_int_eq(lw_vm_move(vm, -5), 1);
	ck_assert_uint_eq(lw_vm_cursor(vm, LW_VM_LAYERS), 0);
	ck_assert_int_eq(vm->layer, 0);
	ck_assert_int_eq(lw_vm_move(vm, -1), 0);
	ck_assert_int_eq(lw_vm_move(vm, 10), 1);
	ck_assert_uint_eq(lw_vm_cursor(vm, LW_VM_LAYERS), 2);
	ck_assert_int_eq(vm->layer, 2);
	ck_assert_int_eq(lw_vm_key(vm, 'j'), 0);
	ck_assert_int_eq(lw_vm_key(vm, 'k'), 1);
	ck_assert_int_eq(vm->layer, 1);
	ck_assert_int_eq(lw_vm_key(vm, LW_VM_K_HOME), 1);
	ck_assert_int_eq(vm->layer, 0);
	ck_assert_int_eq(lw_vm_key(vm, LW_VM_K_END), 1);
	ck_assert_int_eq(vm->layer, 2);
	/* Pages are as tall as the pane last drawn. */
	(void)rows_of(LW_VM_LAYERS, 2, &(size_t){ 0 });
	ck_assert_int_eq(lw_vm_key(vm, LW_VM_K_PGUP), 1);
	ck_assert_uint_eq(lw_vm_cursor(vm, LW_VM_LAYERS), 0);
	ck_assert_int_eq(lw_vm_key(vm, LW_VM_K_PGDN), 1);
	ck_assert_uint_eq(lw_vm_cursor(vm, LW_VM_LAYERS), 2);
}
END_TEST

START_TEST(test_scroll_follows_cursor)
{
	size_t n;
	const struct lw_vm_row *r;

	lw_vm_key(vm, LW_VM_K_END);
	r = rows_of(LW_VM_LAYERS, 2, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(lw_vm_scroll(vm, LW_VM_LAYERS), 1);
	ck_assert_int_eq(r[1].text.buf[0], '>');
	ck_assert(r[1].flags & LW_VM_R_CURSOR);
	lw_vm_key(vm, LW_VM_K_HOME);
	r = rows_of(LW_VM_LAYERS, 2, &n);
	ck_assert_uint_eq(lw_vm_scroll(vm, LW_VM_LAYERS), 0);
	ck_assert(r[0].flags & LW_VM_R_CURSOR);
}
END_TEST

START_TEST(test_panes_cycle)
{
	ck_assert_int_eq(lw_vm_key(vm, '\t'), 1);
	ck_assert_int_eq(vm->pane, LW_VM_CAUSES);
	lw_vm_key(vm, LW_VM_K_TAB);
	ck_assert_int_eq(vm->pane, LW_VM_TREE);
	lw_vm_key(vm, LW_VM_K_TAB);
	ck_assert_int_eq(vm->pane, LW_VM_LAYERS);
	lw_vm_key(vm, LW_VM_K_BTAB);
	ck_assert_int_eq(vm->pane, LW_VM_TREE);
	ck_assert_int_eq(lw_vm_key(vm, 'q'), LW_VM_QUIT);
	ck_assert_int_eq(lw_vm_key(vm, '?'), 1);
	ck_assert_int_eq(vm->help, 1);
	ck_assert_ptr_nonnull(lw_vm_overlay(vm, WIDTH, &(size_t){ 0 }));
	/* Any key closes the help, 'q' too. */
	ck_assert_int_eq(lw_vm_key(vm, 'q'), 1);
	ck_assert_int_eq(vm->help, 0);
}
END_TEST

START_TEST(test_causes_of_layer)
{
	long h, f;

	/* Layer 1 made the chown: header, then its two files. */
	ck_assert_uint_eq(lw_vm_nrows(vm, LW_VM_CAUSES), 3);
	h = find_row(LW_VM_CAUSES, "layer 1: 30 B in 2 files copied from "
		     "layer 0 only to change owner");
	ck_assert_int_eq(h, 0);
	ck_assert_int_eq(row_text(LW_VM_CAUSES, 0)[1], 'U');
	f = find_row(LW_VM_CAUSES, "/app/main.txt");
	ck_assert_int_gt(f, 0);
	ck_assert_int_eq(row_text(LW_VM_CAUSES, f)[1], 'U');
	/* Layer 2 deleted and overwrote files of layer 0. */
	lw_vm_select_layer(vm, 2);
	ck_assert_int_ge(find_row(LW_VM_CAUSES, "layer 2: deleted 3 files of "
				  "layer 0 (14 B), still stored there"), 0);
	ck_assert_int_ge(find_row(LW_VM_CAUSES, "layer 2: overwrote 1 file "
				  "of layer 0 (8 B)"), 0);
	ck_assert_int_ge(find_row(LW_VM_CAUSES, "/data/cache/x.bin"), 0);
	/* Layer 0 holds the bytes of all three causes. */
	lw_vm_select_layer(vm, 0);
	ck_assert_int_ge(find_row(LW_VM_CAUSES, "only to change owner"), 0);
	ck_assert_int_ge(find_row(LW_VM_CAUSES, "deleted 3 files"), 0);
	ck_assert_int_ge(find_row(LW_VM_CAUSES, "overwrote 1 file"), 0);
}
END_TEST

START_TEST(test_causes_fold_and_reveal)
{
	long f;

	lw_vm_focus(vm, LW_VM_CAUSES);
	ck_assert_int_eq(lw_vm_activate(vm), 1); /* fold the chown */
	ck_assert_uint_eq(lw_vm_nrows(vm, LW_VM_CAUSES), 2);
	ck_assert_int_ge(find_row(LW_VM_CAUSES, "2 files: Enter lists them"),
			 0);
	ck_assert_int_eq(lw_vm_activate(vm), 1);
	ck_assert_uint_eq(lw_vm_nrows(vm, LW_VM_CAUSES), 3);
	/* Enter on a file shows it in the tree. */
	f = find_row(LW_VM_CAUSES, "/app/main.txt");
	lw_vm_move(vm, f);
	lw_vm_set_filter(vm, "lib"); /* hides it: reveal clears the filter */
	ck_assert_int_eq(lw_vm_activate(vm), 1);
	ck_assert_int_eq(vm->pane, LW_VM_TREE);
	ck_assert_str_eq(vm->filter, "");
	ck_assert_ptr_nonnull(strstr(row_text(LW_VM_TREE,
			(long)lw_vm_cursor(vm, LW_VM_TREE)), "main.txt"));
}
END_TEST

START_TEST(test_layer_view_chown)
{
	struct lw_vm_tree *t = lw_vm_tree(vm);
	const struct lw_vm_node *app = node_at("app");
	long r;

	ck_assert_int_eq(t->view, LW_VM_VIEW_LAYER);
	ck_assert_int_eq(t->layer, 1);
	/* A small tree starts open: app/, then its files by size. */
	ck_assert_uint_eq(t->nrows, 3);
	ck_assert_ptr_nonnull(strstr(row_text(LW_VM_TREE, 0), "- app/"));
	ck_assert_ptr_nonnull(strstr(row_text(LW_VM_TREE, 1), "lib.txt"));
	ck_assert_ptr_nonnull(strstr(row_text(LW_VM_TREE, 2), "main.txt"));
	r = find_row(LW_VM_TREE, "main.txt");
	/* Column 1: the diff mark (a metadata-only copy; a directory with
	 * changes under it); column 2: the kind. */
	ck_assert_int_eq(row_text(LW_VM_TREE, r)[1], '=');
	ck_assert_int_eq(row_text(LW_VM_TREE, r)[2], 'U');
	ck_assert_int_eq(row_text(LW_VM_TREE, 0)[1], '~');
	ck_assert_int_eq(row_text(LW_VM_TREE, 0)[2], ' ');
	/* Rolled-up sizes: the root's waste is the layer's. */
	ck_assert_uint_eq(app->sum_size, 30);
	ck_assert_uint_eq(app->sum_waste, 30);
	ck_assert_uint_eq(t->nodes[0].sum_size,
			  img->layers[1].index->file_bytes);
	ck_assert_uint_eq(t->nodes[0].sum_waste, an->layers[1].wasted_bytes);
}
END_TEST

START_TEST(test_layer_view_whiteouts)
{
	const struct lw_vm_node *nd;

	lw_vm_select_layer(vm, 2);
	/* Whiteouts show as deletions of what they hide. */
	nd = node_at("data/gone.txt");
	ck_assert_ptr_nonnull(nd);
	ck_assert_int_eq(nd->kind, LW_KIND_DELETE);
	ck_assert(nd->flags & LW_VM_N_HIDDEN);
	ck_assert_uint_eq(nd->waste, 7);
	nd = node_at("data/cache");
	ck_assert_int_eq(nd->kind, LW_KIND_DELETE);
	ck_assert(nd->flags & LW_VM_N_WHITEOUT);
	ck_assert_uint_eq(nd->sum_waste, 7);
	ck_assert_int_eq(node_at("data/cache/y.bin")->kind, LW_KIND_DELETE);
	nd = node_at("data/grow.txt");
	ck_assert_int_eq(nd->kind, LW_KIND_OVERWRITE);
	ck_assert_uint_eq(nd->size, 12);
	ck_assert_uint_eq(nd->waste, 8);
	ck_assert_int_eq(node_at("data/new.txt")->kind, -1);
	ck_assert_int_eq(row_text(LW_VM_TREE, find_row(LW_VM_TREE,
						       "gone.txt"))[2], 'D');
	ck_assert_int_eq(row_text(LW_VM_TREE, find_row(LW_VM_TREE,
						       "grow.txt"))[2], 'O');
	/* Layer 0's files are marked with what became of them. */
	lw_vm_select_layer(vm, 0);
	ck_assert_int_eq(node_at("data/gone.txt")->kind, LW_KIND_DELETE);
	ck_assert_uint_eq(node_at("data/gone.txt")->waste, 7);
	ck_assert_int_eq(node_at("app/main.txt")->kind, LW_KIND_CHOWN);
	ck_assert_uint_eq(node_at("app/main.txt")->waste, 0); /* kept copy */
	ck_assert_uint_eq(lw_vm_tree(vm)->nodes[0].sum_waste,
			  an->layers[0].wasted_bytes);
	ck_assert_uint_eq(lw_vm_tree(vm)->nodes[0].sum_size,
			  img->layers[0].index->file_bytes);
	/* etc/ has no entry: it is implied. */
	ck_assert(node_at("etc")->flags & LW_VM_N_SYNTH);
}
END_TEST

START_TEST(test_image_view)
{
	struct lw_vm_tree *t;
	const struct lw_vm_node *nd;
	uint64_t visible = 0;
	size_t i;

	ck_assert_int_eq(lw_vm_key(vm, 'a'), 1);
	t = lw_vm_tree(vm);
	ck_assert_int_eq(t->view, LW_VM_VIEW_IMAGE);
	/* Everything stored = what is visible + what is wasted. */
	ck_assert_uint_eq(t->nodes[0].sum_size, an->total_bytes);
	ck_assert_uint_eq(t->nodes[0].sum_waste, an->wasted_bytes);
	for (i = 1; i < t->n; i++) {
		nd = &t->nodes[i];
		if ((nd->flags & LW_VM_N_VISIBLE) && nd->entry != LW_VM_NONE)
			visible += nd->size - nd->waste;
	}
	ck_assert_uint_eq(visible, an->visible_bytes);
	nd = node_at("app/main.txt");
	ck_assert_int_eq(nd->kind, LW_KIND_CHOWN);
	ck_assert_uint_eq(nd->size, 20);
	ck_assert(nd->flags & LW_VM_N_VISIBLE);
	nd = node_at("data/cache");
	ck_assert(nd->flags & LW_VM_N_HIDDEN);
	ck_assert_int_eq(nd->kind, LW_KIND_DELETE);
	nd = node_at("data/gone.txt");
	ck_assert(nd->flags & LW_VM_N_HIDDEN);
	ck_assert_uint_eq(nd->waste, 7);
	ck_assert(node_at("data/new.txt")->flags & LW_VM_N_VISIBLE);
	ck_assert_int_eq(node_at("zz/huge.bin")->kind, -1);
	/* Back to the layer view, which kept its state. */
	lw_vm_key(vm, 'a');
	ck_assert_int_eq(lw_vm_tree(vm)->view, LW_VM_VIEW_LAYER);
}
END_TEST

START_TEST(test_sort)
{
	lw_vm_toggle_view(vm);
	/* By size: app 60, zz 50, data 40, etc 5. */
	ck_assert_int_eq(vm->sort, LW_VM_SORT_SIZE);
	ck_assert_int_lt(find_row(LW_VM_TREE, "app/"),
			 find_row(LW_VM_TREE, "zz/"));
	ck_assert_int_lt(find_row(LW_VM_TREE, "zz/"),
			 find_row(LW_VM_TREE, "data/"));
	ck_assert_int_lt(find_row(LW_VM_TREE, "data/"),
			 find_row(LW_VM_TREE, "etc/"));
	ck_assert_int_lt(find_row(LW_VM_TREE, "lib.txt"),
			 find_row(LW_VM_TREE, "main.txt"));
	lw_vm_key(vm, 's');
	ck_assert_int_eq(vm->sort, LW_VM_SORT_NAME);
	ck_assert_int_lt(find_row(LW_VM_TREE, "etc/"),
			 find_row(LW_VM_TREE, "zz/"));
	ck_assert_int_lt(find_row(LW_VM_TREE, "data/"),
			 find_row(LW_VM_TREE, "etc/"));
	ck_assert_int_lt(find_row(LW_VM_TREE, "cache/"),
			 find_row(LW_VM_TREE, "gone.txt"));
	lw_vm_key(vm, 's');
	ck_assert_int_eq(vm->sort, LW_VM_SORT_SIZE);
}
END_TEST

START_TEST(test_folding)
{
	struct lw_vm_tree *t;
	size_t all;

	lw_vm_toggle_view(vm);
	t = lw_vm_tree(vm);
	all = t->nrows;
	tree_go("- app/");
	ck_assert_int_eq(lw_vm_key(vm, LW_VM_K_ENTER), 1); /* fold */
	ck_assert_uint_eq(t->nrows, all - 2);
	ck_assert_ptr_nonnull(strstr(row_text(LW_VM_TREE,
			(long)t->cursor), "+ app/"));
	ck_assert_int_eq(lw_vm_key(vm, ' '), 1); /* unfold */
	ck_assert_uint_eq(t->nrows, all);
	/* Left on a file goes to its directory, then folds it. */
	tree_go("main.txt");
	ck_assert_int_eq(lw_vm_key(vm, 'h'), 1);
	ck_assert_ptr_nonnull(strstr(row_text(LW_VM_TREE,
			(long)t->cursor), "app/"));
	ck_assert_int_eq(lw_vm_key(vm, 'h'), 1);
	ck_assert_uint_eq(t->nrows, all - 2);
	ck_assert_int_eq(lw_vm_key(vm, 'h'), 0); /* top level: no parent */
	/* Right unfolds, then steps to the first child. */
	ck_assert_int_eq(lw_vm_key(vm, 'l'), 1);
	ck_assert_uint_eq(t->nrows, all);
	ck_assert_int_eq(lw_vm_key(vm, 'l'), 1);
	ck_assert_ptr_nonnull(strstr(row_text(LW_VM_TREE,
			(long)t->cursor), "lib.txt"));
	/* Folding keeps the cursor on the folded directory. */
	tree_go("cache/");
	lw_vm_key(vm, 'j');
	ck_assert_ptr_nonnull(strstr(row_text(LW_VM_TREE, (long)t->cursor),
				     ".bin"));
	tree_go("- data/");
	lw_vm_activate(vm);
	ck_assert_ptr_nonnull(strstr(row_text(LW_VM_TREE, (long)t->cursor),
				     "+ data/"));
	ck_assert_int_lt(find_row(LW_VM_TREE, "gone.txt"), 0);
}
END_TEST

START_TEST(test_filter)
{
	struct lw_vm_tree *t;
	struct lw_strbuf sb = LW_STRBUF_INIT;

	lw_vm_toggle_view(vm);
	ck_assert_int_eq(lw_vm_set_filter(vm, "main"), 1);
	ck_assert_int_eq(lw_vm_set_filter(vm, "main"), 0);
	t = lw_vm_tree(vm);
	ck_assert_uint_eq(t->nrows, 2);
	ck_assert_ptr_nonnull(strstr(row_text(LW_VM_TREE, 0), "app/"));
	ck_assert_ptr_nonnull(strstr(row_text(LW_VM_TREE, 1), "main.txt"));
	/* Sizes roll up over what the filter keeps. */
	ck_assert_uint_eq(node_at("app")->sum_size, 20);
	lw_vm_title(vm, LW_VM_TREE, WIDTH, &sb);
	ck_assert_ptr_nonnull(strstr(sb.buf, "filter: main"));
	/* A leading slash anchors at the root. */
	lw_vm_set_filter(vm, "/etc");
	ck_assert_uint_eq(lw_vm_tree(vm)->nrows, 2);
	ck_assert_ptr_nonnull(strstr(row_text(LW_VM_TREE, 1), "conf"));
	lw_vm_set_filter(vm, "/conf");
	ck_assert_uint_eq(lw_vm_tree(vm)->nrows, 2);
	lw_vm_set_filter(vm, "no such path");
	ck_assert_uint_eq(lw_vm_tree(vm)->nrows, 0);
	lw_vm_focus(vm, LW_VM_TREE);
	lw_vm_details(vm, WIDTH, &sb);
	ck_assert_ptr_nonnull(strstr(sb.buf, "nothing matches"));
	ck_assert_int_eq(lw_vm_move(vm, 1), 0);
	/* The layer view filters too. */
	lw_vm_set_filter(vm, "lib");
	lw_vm_toggle_view(vm);
	ck_assert_uint_eq(lw_vm_tree(vm)->nrows, 2);
	lw_vm_set_filter(vm, "");
	ck_assert_uint_eq(lw_vm_tree(vm)->nrows, 3);
	lw_strbuf_release(&sb);
}
END_TEST

START_TEST(test_wasted_only)
{
	struct lw_vm_tree *t;

	lw_vm_toggle_view(vm);
	ck_assert_int_eq(lw_vm_key(vm, 'w'), 1);
	t = lw_vm_tree(vm);
	ck_assert_int_lt(find_row(LW_VM_TREE, "zz/"), 0);
	ck_assert_int_lt(find_row(LW_VM_TREE, "etc/"), 0);
	ck_assert_int_lt(find_row(LW_VM_TREE, "new.txt"), 0);
	ck_assert_int_ge(find_row(LW_VM_TREE, "main.txt"), 0);
	ck_assert_int_ge(find_row(LW_VM_TREE, "gone.txt"), 0);
	ck_assert_int_ge(find_row(LW_VM_TREE, "y.bin"), 0);
	ck_assert_uint_eq(t->nodes[0].sum_waste, an->wasted_bytes);
	/* Only wasted entries count: the grown file is 12 + 8 B stored. */
	ck_assert_uint_eq(node_at("data")->sum_size, 20 + 7 + 7);
	lw_vm_key(vm, 'w');
	ck_assert_int_ge(find_row(LW_VM_TREE, "zz/"), 0);
	/* In a layer view: the layer's own waste. */
	lw_vm_toggle_view(vm);
	lw_vm_select_layer(vm, 2);
	lw_vm_key(vm, 'w');
	ck_assert_int_lt(find_row(LW_VM_TREE, "new.txt"), 0);
	ck_assert_int_ge(find_row(LW_VM_TREE, "grow.txt"), 0);
}
END_TEST

START_TEST(test_details)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;

	tree_go("main.txt");
	lw_vm_details(vm, WIDTH, &sb);
	ck_assert_ptr_nonnull(strstr(sb.buf, "/app/main.txt"));
	ck_assert_ptr_nonnull(strstr(sb.buf, "chown: layer 1 copied it from "
				     "layer 0, 0:0 0644 -> 1000:1000 0644, "
				     "10 B wasted"));
	lw_vm_select_layer(vm, 2);
	tree_go("gone.txt");
	lw_vm_details(vm, WIDTH, &sb);
	ck_assert_ptr_nonnull(strstr(sb.buf, "deleted by layer 2: hides 7 B "
				     "of layer 0 (0:0 0644)"));
	tree_go("new.txt");
	lw_vm_details(vm, WIDTH, &sb);
	ck_assert_ptr_nonnull(strstr(sb.buf, "file 6 B, 0:0 0644, layer 2"));
	lw_vm_focus(vm, LW_VM_LAYERS);
	lw_vm_details(vm, WIDTH, &sb);
	ck_assert_ptr_nonnull(strstr(sb.buf, "layer 2: rm -rf"));
	lw_vm_header(vm, WIDTH, &sb);
	ck_assert_ptr_nonnull(strstr(sb.buf, "3 layers"));
	lw_strbuf_release(&sb);
}
END_TEST

START_TEST(test_attribution)
{
	static struct lw_layer_attr la[3];
	static struct lw_cause causes[3];
	static struct lw_suggestion sug[1];
	static struct lw_attribution at;
	struct lw_strbuf sb = LW_STRBUF_INIT;
	long r;

	memset(&at, 0, sizeof(at));
	memset(la, 0, sizeof(la));
	la[0].keyword = "COPY";
	la[0].args = ". /";
	la[1].keyword = "RUN";
	la[1].args = "chown -R 1000:1000 /app";
	la[1].file = "/src/Dockerfile";
	la[1].line = 7;
	la[1].text = "RUN chown -R 1000:1000 /app";
	at.layers = la;
	at.nlayers = 3;
	causes[0].group = 0;
	causes[0].suggestion = 0;
	causes[1].group = 1;
	causes[1].suggestion = -1;
	causes[2].group = 2;
	causes[2].suggestion = -1;
	at.causes = causes;
	at.ncauses = 3;
	memset(sug, 0, sizeof(sug));
	sug[0].title = "use COPY --chown=1000:1000 and drop the chown";
	sug[0].detail = "the RUN copies every file again";
	at.suggestions = sug;
	at.nsuggestions = 1;
	res.attribution = &at;
	ck_assert_int_ge(find_row(LW_VM_LAYERS, "Dockerfile:7 RUN chown -R "
				  "1000:1000 /app"), 0);
	ck_assert_int_ge(find_row(LW_VM_LAYERS, "COPY . /"), 0);
	lw_vm_details(vm, WIDTH, &sb);
	ck_assert_ptr_nonnull(strstr(sb.buf, "layer 1: Dockerfile:7 RUN"));
	/* The fix follows its cause. */
	lw_vm_select_layer(vm, 0);
	lw_vm_select_layer(vm, 1);
	r = find_row(LW_VM_CAUSES, "fix: use COPY --chown=1000:1000");
	ck_assert_int_eq(r, 1);
	lw_vm_focus(vm, LW_VM_CAUSES);
	lw_vm_move(vm, r);
	lw_vm_details(vm, WIDTH, &sb);
	ck_assert_ptr_nonnull(strstr(sb.buf, "the RUN copies every file"));
	ck_assert_int_eq(lw_vm_activate(vm), 0);
	lw_strbuf_release(&sb);
}
END_TEST

START_TEST(test_widths)
{
	int panes[] = { LW_VM_LAYERS, LW_VM_CAUSES, LW_VM_TREE };
	struct lw_strbuf sb = LW_STRBUF_INIT;
	int w, p;
	size_t n, i;

	lw_vm_toggle_view(vm);
	for (w = 1; w <= 120; w += 7) {
		for (p = 0; p < 3; p++) {
			const struct lw_vm_row *r =
				lw_vm_rows(vm, panes[p], 20, w, &n);

			for (i = 0; i < n; i++) {
				ck_assert_int_le(r[i].cols, w);
				ck_assert_int_eq(lw_vm_cols(r[i].text.buf),
						 r[i].cols);
			}
			lw_vm_title(vm, panes[p], w, &sb);
			ck_assert_int_le(lw_vm_cols(sb.buf), w);
		}
		lw_vm_header(vm, w, &sb);
		ck_assert_int_le(lw_vm_cols(sb.buf), w);
		lw_vm_details(vm, w, &sb);
		ck_assert_int_le(lw_vm_cols(sb.buf), w);
		lw_vm_keyhelp(vm, w, &sb);
		ck_assert_int_le(lw_vm_cols(sb.buf), w);
	}
	lw_strbuf_release(&sb);
}
END_TEST

/* Names from the archive never reach the terminal raw. */
START_TEST(test_escaped_names)
{
	struct tb_layer *l[2];
	struct lw_image *im2;
	struct lw_analysis *an2;
	struct lw_result res2;
	struct lw_vm *vm2;
	struct lw_error err;
	struct lw_strbuf sb = LW_STRBUF_INIT;
	const struct lw_vm_row *r;
	size_t n, i;
	int found = 0;

	l[0] = tb_layer_new();
	tb_file(l[0], "evil\033[2J\x07name\xff", "x", 0, 0, 0644);
	tb_symlink(l[0], "link", "\033]0;title\007");
	l[1] = tb_layer_new(); /* a chown: the name is in a finding too */
	tb_file(l[1], "evil\033[2J\x07name\xff", "x", 1, 1, 0644);
	im2 = tb_image(l, 2);
	ck_assert_int_eq(lw_analyze(im2, NULL, &an2, &err), LW_OK);
	res2 = (struct lw_result){ .image = im2, .analysis = an2 };
	vm2 = lw_vm_new(&res2);
	lw_vm_select_layer(vm2, 0);
	lw_vm_focus(vm2, LW_VM_TREE);
	r = lw_vm_rows(vm2, LW_VM_TREE, 10, 200, &n);
	ck_assert_uint_eq(n, 2);
	for (i = 0; i < n; i++) {
		const char *s = r[i].text.buf;

		ck_assert_ptr_null(strchr(s, '\033'));
		ck_assert_ptr_null(strchr(s, '\007'));
		found += strstr(s, "evil\\x1b[2J\\x07name\\xff") != NULL;
		found += strstr(s, "link -> \\x1b]0;title\\x07") != NULL;
	}
	ck_assert_int_eq(found, 2);
	lw_vm_details(vm2, 200, &sb);
	ck_assert_ptr_null(strchr(sb.buf, '\033'));
	r = lw_vm_rows(vm2, LW_VM_CAUSES, 10, 200, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_ptr_nonnull(strstr(r[1].text.buf, "/evil\\x1b[2J"));
	ck_assert_ptr_null(strchr(r[1].text.buf, '\033'));
	lw_strbuf_release(&sb);
	lw_vm_free(vm2);
	lw_analysis_free(an2);
	tb_image_free(im2);
}
END_TEST

#define BIG_DIRS 100
#define BIG_FILES 1000

/* 100,000 files: the model is built from them, and stays lazy. */
START_TEST(test_large_image)
{
	struct tb_layer *l[2];
	struct lw_image *im2;
	struct lw_analysis *an2;
	struct lw_result res2;
	struct lw_vm *vm2;
	struct lw_vm_tree *t;
	struct lw_error err;
	char path[64];
	int d, f;

	l[0] = tb_layer_new();
	for (d = 0; d < BIG_DIRS; d++)
		for (f = 0; f < BIG_FILES; f++) {
			snprintf(path, sizeof(path), "d%03d/f%04d", d, f);
			tb_file(l[0], path, f < 10 ? "0123456789" : NULL,
				0, 0, 0644);
		}
	l[1] = tb_layer_new();
	tb_whiteout(l[1], "", "d000");
	im2 = tb_image(l, 2);
	ck_assert_int_eq(lw_analyze(im2, NULL, &an2, &err), LW_OK);
	ck_assert_uint_eq(an2->wasted_bytes, 100);
	res2 = (struct lw_result){ .image = im2, .analysis = an2 };
	vm2 = lw_vm_new(&res2);
	ck_assert_int_eq(vm2->layer, 1);
	lw_vm_toggle_view(vm2);
	t = lw_vm_tree(vm2);
	ck_assert_uint_eq(t->n, 1 + BIG_DIRS + BIG_DIRS * BIG_FILES);
	/* Big: directories start folded, one row each. */
	ck_assert_uint_eq(t->nrows, BIG_DIRS);
	ck_assert_uint_eq(t->nodes[0].sum_size, an2->total_bytes);
	ck_assert_uint_eq(t->nodes[0].sum_waste, 100);
	/* d000 is deleted: first by size (ties by name), folded. */
	ck_assert_int_eq(t->nodes[t->rows[0]].kind, LW_KIND_DELETE);
	lw_vm_focus(vm2, LW_VM_TREE);
	lw_vm_key(vm2, LW_VM_K_ENTER);
	ck_assert_uint_eq(t->nrows, BIG_DIRS + BIG_FILES);
	lw_vm_key(vm2, LW_VM_K_END);
	ck_assert_uint_eq(lw_vm_cursor(vm2, LW_VM_TREE), t->nrows - 1);
	lw_vm_rows(vm2, LW_VM_TREE, 30, 100, &(size_t){ 0 });
	ck_assert_uint_eq(lw_vm_scroll(vm2, LW_VM_TREE), t->nrows - 30);
	/* 'w' keeps 1,000 entries under the auto-open limit: all open. */
	lw_vm_key(vm2, 'w');
	ck_assert_uint_eq(lw_vm_nrows(vm2, LW_VM_TREE), 1 + 10);
	lw_vm_key(vm2, 'w');
	/* The layer view of the whiteout layer: d000 and what it hides. */
	lw_vm_toggle_view(vm2);
	t = lw_vm_tree(vm2);
	ck_assert_uint_eq(t->n, 1 + 1 + BIG_FILES);
	ck_assert_uint_eq(t->nodes[0].sum_waste, 100);
	lw_vm_select_layer(vm2, 0);
	t = lw_vm_tree(vm2);
	ck_assert_uint_eq(t->n, 1 + BIG_DIRS + BIG_DIRS * BIG_FILES);
	ck_assert_uint_eq(t->nodes[0].sum_size,
			  im2->layers[0].index->file_bytes);
	lw_vm_free(vm2);
	lw_analysis_free(an2);
	tb_image_free(im2);
}
END_TEST

/* The package database's one cause (lw_pkgdb_chain): images of
 * pkgdbimage.h, read, analysed and aligned with their Dockerfile. Layer
 * 0 is the base, 1..3 the install steps (Dockerfile:2, :4, :5), 4 a
 * chown of /app/data. */
static struct lwt_pkgdb pk;

static void build_pkgdb(int steps, int merged)
{
	lwt_pkgdb_image(&pk, steps, merged);
	vm = lw_vm_new(&pk.res);
}

static void build_pkgdb3(void)
{
	build_pkgdb(3, 0);
}

static void teardown_pkgdb(void)
{
	lw_vm_free(vm);
	vm = NULL;
	lwt_pkgdb_free(&pk);
}

static size_t count_rows(int pane, const char *s)
{
	size_t n, i, k = 0;
	const struct lw_vm_row *r = rows_of(pane, 1000, &n);

	for (i = 0; i < n; i++)
		k += strstr(r[i].text.buf, s) != NULL;
	return k;
}

/* One cause: its header, a row per install step, the merge, the files
 * once each; no row per rewrite; for each layer of the chain. */
START_TEST(test_pkgdb_rows)
{
	static const char *const lines[3] = {
		"Dockerfile:2 RUN apt-get install -y pkg0",
		"Dockerfile:4 RUN apt-get install -y pkg1",
		"Dockerfile:5 RUN apt-get install -y pkg2",
	};
	const struct lw_vm_row *r;
	char want[96], a[32], b[32], c[32];
	size_t n, i;
	uint32_t layer;

	snprintf(want, sizeof(want), "package database: 3 install steps, 6 "
		 "rewrites, %s (%s churn; %s inherent, not judged)",
		 lw_human_bytes(pk.status_bytes[0] + pk.status_bytes[1] +
				pk.status_bytes[2], a, sizeof(a)),
		 lw_human_bytes(pk.status_bytes[1] + pk.status_bytes[2], b,
				sizeof(b)),
		 lw_human_bytes(pk.status_bytes[0], c, sizeof(c)));
	for (layer = 1; layer <= 3; layer++) {
		lw_vm_select_layer(vm, layer);
		r = rows_of(LW_VM_CAUSES, 1000, &n);
		ck_assert_msg(strstr(r[0].text.buf, want), "layer %u: %s",
			      layer, r[0].text.buf);
		ck_assert(r[0].flags & LW_VM_R_HEADER);
		ck_assert_uint_eq(count_rows(LW_VM_CAUSES,
					     "package database: "), 1);
		for (i = 0; i < 3; i++) {
			ck_assert(r[1 + i].flags & LW_VM_R_STEP);
			ck_assert_int_eq(r[1 + i].kind_col, -1);
			ck_assert_msg(strstr(r[1 + i].text.buf, lines[i]),
				      "%s", r[1 + i].text.buf);
		}
		ck_assert_ptr_nonnull(strstr(r[1].text.buf, "step layer 1: "));
		ck_assert_ptr_nonnull(strstr(r[1].text.buf,
					     "inherent (not judged)"));
		ck_assert_ptr_nonnull(strstr(r[2].text.buf, " churn, "));
		ck_assert(r[4].flags & LW_VM_R_FIX);
		ck_assert_ptr_nonnull(strstr(r[4].text.buf, "fix: The package "
					     "database was rewritten by "));
		ck_assert_uint_eq(count_rows(LW_VM_CAUSES,
					     "/var/lib/dpkg/status"), 1);
		/* no line per rewrite */
		ck_assert_uint_eq(count_rows(LW_VM_CAUSES, "overwrote"), 0);
	}
	/* The status's row: its bytes over the chain. */
	lw_vm_select_layer(vm, 3);
	lw_human_bytes(pk.status_bytes[0] + pk.status_bytes[1] +
		       pk.status_bytes[2], a, sizeof(a));
	i = (size_t)find_row(LW_VM_CAUSES, "/var/lib/dpkg/status");
	ck_assert_ptr_nonnull(strstr(row_text(LW_VM_CAUSES, (long)i), a));
	/* The chown's layer: its own cause, not the chain. */
	lw_vm_select_layer(vm, 4);
	ck_assert_uint_eq(count_rows(LW_VM_CAUSES, "package database: "), 0);
	ck_assert_int_ge(find_row(LW_VM_CAUSES, "only to change owner"), 0);
	/* The base: the chain (the base's copies were rewritten), its
	 * lock file's touch in it. */
	lw_vm_select_layer(vm, 0);
	ck_assert_uint_eq(count_rows(LW_VM_CAUSES, "package database: "), 1);
	ck_assert_int_lt(find_row(LW_VM_CAUSES, "only to change mtime"), 0);
}
END_TEST

/* Enter folds and unfolds the files; Enter on a step selects its layer,
 * the cursor staying on it; the details and the cause overlay. */
START_TEST(test_pkgdb_keys)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	const struct lw_strbuf *ol;
	size_t n, i, nrows;
	int seen_steps = 0, seen_fix = 0;
	long step;

	/* Layer 2 has only the chain: header, 3 steps, the merge, 2 files. */
	lw_vm_select_layer(vm, 2);
	lw_vm_focus(vm, LW_VM_CAUSES);
	nrows = lw_vm_nrows(vm, LW_VM_CAUSES);
	ck_assert_uint_eq(nrows, 1 + 3 + 1 + 2);
	lw_vm_home(vm);
	ck_assert_int_eq(lw_vm_activate(vm), 1);
	ck_assert_uint_eq(lw_vm_nrows(vm, LW_VM_CAUSES), 1 + 3 + 1 + 1);
	ck_assert_int_ge(find_row(LW_VM_CAUSES, "2 files: Enter lists them"),
			 0);
	ck_assert_int_eq(lw_vm_activate(vm), 1);
	ck_assert_uint_eq(lw_vm_nrows(vm, LW_VM_CAUSES), nrows);
	step = find_row(LW_VM_CAUSES, "Dockerfile:5 RUN");
	ck_assert_int_eq(step, 3);
	lw_vm_move(vm, step);
	lw_vm_details(vm, WIDTH, &sb);
	ck_assert_msg(strstr(sb.buf, "layer 3: ") &&
		      strstr(sb.buf, " churn - ") &&
		      strstr(sb.buf, "Dockerfile:5 RUN apt-get install -y "
			     "pkg2"), "%s", sb.buf);
	ck_assert_int_eq(lw_vm_activate(vm), 1);
	ck_assert_uint_eq(vm->layer, 3);
	ck_assert_uint_eq(lw_vm_cursor(vm, LW_VM_CAUSES), (size_t)step);
	/* on the step of the layer shown: nothing to do */
	ck_assert_int_eq(lw_vm_activate(vm), 0);
	lw_vm_show_cause(vm);
	ol = lw_vm_overlay(vm, WIDTH, &n);
	ck_assert_ptr_nonnull(ol);
	ck_assert_ptr_nonnull(strstr(ol[2].buf, "Cause: package database: "
				     "3 install steps"));
	for (i = 0; i < n; i++) {
		seen_steps += strstr(ol[i].buf, "  step layer ") != NULL;
		seen_fix += strstr(ol[i].buf, "Fix: The package database") !=
			NULL;
	}
	ck_assert_int_eq(seen_steps, 3);
	ck_assert_int_eq(seen_fix, 1);
	lw_strbuf_release(&sb);
}
END_TEST

/* Two steps: one cause, two step rows. */
START_TEST(test_pkgdb_two)
{
	build_pkgdb(2, 0);
	lw_vm_select_layer(vm, 2);
	ck_assert_uint_eq(count_rows(LW_VM_CAUSES, "package database: 2 "
				     "install steps, 4 rewrites"), 1);
	ck_assert_uint_eq(count_rows(LW_VM_CAUSES, "   step layer "), 2);
	teardown_pkgdb();
}
END_TEST

/* Already merged: no churn, no grouped cause; the inherent rewrite is a
 * cause as any other. */
START_TEST(test_pkgdb_merged)
{
	build_pkgdb(3, 1);
	ck_assert_int_eq(vm->has_chain, 0);
	lw_vm_select_layer(vm, 1);
	ck_assert_uint_eq(count_rows(LW_VM_CAUSES, "package database"), 0);
	ck_assert_uint_eq(count_rows(LW_VM_CAUSES, "   step "), 0);
	ck_assert_int_ge(find_row(LW_VM_CAUSES, "layer 1: overwrote 1 file "
				  "of layer 0"), 0);
	teardown_pkgdb();
}
END_TEST

static Suite *browse_suite(void)
{
	Suite *s = suite_create("browse");
	TCase *nav = tcase_create("navigation");
	TCase *tree = tcase_create("tree");
	TCase *text = tcase_create("text");
	TCase *big = tcase_create("large");
	TCase *pkgdb = tcase_create("pkgdb");
	TCase *pkgdb2 = tcase_create("pkgdb-steps");

	tcase_add_checked_fixture(nav, build, teardown);
	tcase_add_test(nav, test_kind_letters);
	tcase_add_test(nav, test_start_state);
	tcase_add_test(nav, test_navigation_bounds);
	tcase_add_test(nav, test_scroll_follows_cursor);
	tcase_add_test(nav, test_panes_cycle);
	tcase_add_test(nav, test_causes_of_layer);
	tcase_add_test(nav, test_causes_fold_and_reveal);
	suite_add_tcase(s, nav);
	tcase_add_checked_fixture(tree, build, teardown);
	tcase_add_test(tree, test_layer_view_chown);
	tcase_add_test(tree, test_layer_view_whiteouts);
	tcase_add_test(tree, test_image_view);
	tcase_add_test(tree, test_sort);
	tcase_add_test(tree, test_folding);
	tcase_add_test(tree, test_filter);
	tcase_add_test(tree, test_wasted_only);
	suite_add_tcase(s, tree);
	tcase_add_checked_fixture(text, build, teardown);
	tcase_add_test(text, test_details);
	tcase_add_test(text, test_attribution);
	tcase_add_test(text, test_widths);
	tcase_add_test(text, test_escaped_names);
	suite_add_tcase(s, text);
	tcase_add_checked_fixture(pkgdb, build_pkgdb3, teardown_pkgdb);
	tcase_add_test(pkgdb, test_pkgdb_rows);
	tcase_add_test(pkgdb, test_pkgdb_keys);
	suite_add_tcase(s, pkgdb);
	tcase_add_test(pkgdb2, test_pkgdb_two);
	tcase_add_test(pkgdb2, test_pkgdb_merged);
	suite_add_tcase(s, pkgdb2);
	tcase_set_timeout(big, 120);
	tcase_add_test(big, test_large_image);
	suite_add_tcase(s, big);
	return s;
}

int main(void)
{
	return lwt_run_suite(browse_suite());
}
