/* Unit tests of the browser's diff view, dive's keys and their config,
 * the cause overlay, the layouts from 200 columns down to the "too small"
 * message, and the speed of scrolling and toggles on 120,000 files (told,
 * not asserted). No terminal. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "layerwaste/engine.h"
#include "layerwaste/judge.h"
#include "tarbuild.h"
#include "viewmodel.h"
#include "suite.h"

#define WIDTH 120
#define CTRL(c) ((c) & 0x1f)

static struct lw_image *img;
static struct lw_analysis *an;
static struct lw_result res;
static struct lw_vm *vm;

/* Layer 0 adds everything; layer 1 chowns /app; layer 2 deletes
 * data/gone.txt, overwrites data/grow.txt and adds data/new.txt. */
static void build(void)
{
	struct tb_layer *l[3];
	struct lw_error err;

	l[0] = tb_layer_new();
	tb_dir(l[0], "app", 0755);
	tb_file(l[0], "app/main.txt", "0123456789", 0, 0, 0644);
	tb_file(l[0], "etc/conf", "conf!", 0, 0, 0644);
	tb_dir(l[0], "data", 0755);
	tb_file(l[0], "data/gone.txt", "gone...", 0, 0, 0644);
	tb_file(l[0], "data/grow.txt", "grow....", 0, 0, 0644);
	l[1] = tb_layer_new();
	tb_dir(l[1], "app", 0755);
	tb_file(l[1], "app/main.txt", "0123456789", 1000, 1000, 0644);
	l[2] = tb_layer_new();
	tb_dir(l[2], "data", 0755);
	tb_whiteout(l[2], "data", "gone.txt");
	tb_file(l[2], "data/grow.txt", "grown bigger", 0, 0, 0644);
	tb_file(l[2], "data/new.txt", "new...", 0, 0, 0755);
	img = tb_image(l, 3);
	ck_assert_int_eq(lw_analyze(img, NULL, &an, &err), LW_OK);
	res = (struct lw_result){ .image = img, .analysis = an };
	vm = lw_vm_new(&res);
}

static void teardown(void)
{
	lw_vm_free(vm);
	lw_analysis_free(an);
	tb_image_free(img);
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

/* The shown tree row that names s, or NULL. */
static const char *tree_row(const char *s)
{
	size_t n, i;
	const struct lw_vm_row *r = lw_vm_rows(vm, LW_VM_TREE, 1000, WIDTH,
					       &n);

	for (i = 0; i < n; i++)
		if (strstr(r[i].text.buf, s))
			return r[i].text.buf;
	return NULL;
}

START_TEST(test_layer_diff_marks)
{
	lw_vm_select_layer(vm, 0);
	ck_assert_int_eq(node_at("app/main.txt")->diff, LW_VM_DIFF_ADDED);
	ck_assert_int_eq(node_at("etc")->diff, LW_VM_DIFF_ADDED);
	ck_assert_int_eq(tree_row("conf")[1], '+');
	lw_vm_select_layer(vm, 1);
	/* The chown: the same bytes again, which dive calls modified. */
	ck_assert_int_eq(node_at("app/main.txt")->diff, LW_VM_DIFF_META);
	ck_assert_int_eq(tree_row("main.txt")[1], '=');
	/* app/ itself is as it was; what is under it changed. */
	ck_assert_int_eq(node_at("app")->diff, LW_VM_DIFF_UNMOD);
	ck_assert_int_eq(node_at("app")->mark, LW_VM_DIFF_MODIFIED);
	lw_vm_select_layer(vm, 2);
	ck_assert_int_eq(node_at("data/gone.txt")->diff, LW_VM_DIFF_REMOVED);
	ck_assert_int_eq(node_at("data/grow.txt")->diff, LW_VM_DIFF_MODIFIED);
	ck_assert_int_eq(node_at("data/new.txt")->diff, LW_VM_DIFF_ADDED);
	ck_assert_int_eq(tree_row("gone.txt")[1], '-');
	ck_assert_int_eq(tree_row("grow.txt")[1], '~');
	ck_assert_int_eq(tree_row("new.txt")[1], '+');
	/* Unmodified files of the layers below are not listed... */
	ck_assert_ptr_null(node_at("etc/conf"));
}
END_TEST

START_TEST(test_diff_toggles)
{
	lw_vm_select_layer(vm, 2);
	lw_vm_focus(vm, LW_VM_TREE);
	ck_assert_int_eq(lw_vm_key(vm, CTRL('a')), 1);
	ck_assert_ptr_null(tree_row("new.txt"));
	ck_assert_ptr_nonnull(tree_row("grow.txt"));
	ck_assert_int_eq(lw_vm_key(vm, CTRL('r')), 1);
	ck_assert_ptr_null(tree_row("gone.txt"));
	ck_assert_int_eq(lw_vm_key(vm, 'm'), 1);
	ck_assert_ptr_null(tree_row("grow.txt"));
	ck_assert_ptr_null(tree_row("data/"));
	/* ...until Ctrl-U: the layer's whole file system. */
	ck_assert_int_eq(lw_vm_key(vm, CTRL('u')), 1);
	ck_assert_ptr_nonnull(tree_row("conf"));
	ck_assert_int_eq(node_at("etc/conf")->diff, LW_VM_DIFF_UNMOD);
	ck_assert(node_at("etc/conf")->flags & LW_VM_N_BELOW);
	/* The chowned copy of layer 1 is what layer 2 sees below. */
	ck_assert_int_eq(node_at("app/main.txt")->layer, 1);
	ck_assert_int_eq(tree_row("main.txt")[1], ' ');
	ck_assert_ptr_null(tree_row("new.txt"));
	/* Each toggle shows again what it hid. */
	lw_vm_key(vm, CTRL('a'));
	lw_vm_key(vm, CTRL('r'));
	lw_vm_key(vm, 'm');
	ck_assert_ptr_nonnull(tree_row("new.txt"));
	ck_assert_ptr_nonnull(tree_row("gone.txt"));
	ck_assert_ptr_nonnull(tree_row("grow.txt"));
	lw_vm_key(vm, CTRL('u'));
	ck_assert_ptr_null(tree_row("conf"));
}
END_TEST

START_TEST(test_image_diff)
{
	lw_vm_toggle_view(vm);
	/* Against the first layer, as dive's aggregated view. */
	ck_assert_int_eq(node_at("app/main.txt")->diff, LW_VM_DIFF_META);
	ck_assert_int_eq(node_at("etc/conf")->diff, LW_VM_DIFF_UNMOD);
	ck_assert_int_eq(node_at("data/new.txt")->diff, LW_VM_DIFF_ADDED);
	ck_assert_int_eq(node_at("data/gone.txt")->diff, LW_VM_DIFF_REMOVED);
	ck_assert_int_eq(node_at("data/grow.txt")->diff,
			 LW_VM_DIFF_MODIFIED);
	lw_vm_focus(vm, LW_VM_TREE);
	lw_vm_key(vm, CTRL('u'));
	ck_assert_ptr_null(tree_row("conf"));
	ck_assert_ptr_nonnull(tree_row("main.txt"));
}
END_TEST

/* dive's Ctrl-A means the whole image in the layers pane, added files in
 * the files pane. */
START_TEST(test_key_scopes)
{
	lw_vm_focus(vm, LW_VM_LAYERS);
	ck_assert_int_eq(lw_vm_key(vm, CTRL('a')), 1);
	ck_assert_int_eq(vm->view, LW_VM_VIEW_IMAGE);
	ck_assert_int_eq(vm->hide[LW_VM_VIEW_IMAGE], 0);
	ck_assert_int_eq(lw_vm_key(vm, CTRL('l')), 1);
	ck_assert_int_eq(vm->view, LW_VM_VIEW_LAYER);
	lw_vm_focus(vm, LW_VM_TREE);
	ck_assert_int_eq(lw_vm_key(vm, CTRL('l')), 0);
	ck_assert_int_eq(lw_vm_key(vm, CTRL('a')), 1);
	ck_assert_int_eq(vm->view, LW_VM_VIEW_LAYER);
	ck_assert(vm->hide[LW_VM_VIEW_LAYER] & (1u << LW_VM_DIFF_ADDED));
	ck_assert_int_eq(lw_vm_key(vm, CTRL('f')), LW_VM_FILTER);
	ck_assert_int_eq(lw_vm_key(vm, '/'), LW_VM_FILTER);
	/* Ctrl-B: attributes, as ls shows them. */
	ck_assert_int_eq(lw_vm_key(vm, CTRL('b')), 1);
	ck_assert_ptr_nonnull(strstr(tree_row("main.txt"),
				     "-rw-r--r-- 1000:1000"));
	/* PgUp/PgDn and u/d move by a page. */
	lw_vm_focus(vm, LW_VM_LAYERS);
	lw_vm_rows(vm, LW_VM_LAYERS, 2, WIDTH, &(size_t){ 0 });
	lw_vm_key(vm, LW_VM_K_HOME);
	ck_assert_int_eq(lw_vm_key(vm, 'd'), 1);
	ck_assert_uint_eq(lw_vm_cursor(vm, LW_VM_LAYERS), 2);
	ck_assert_int_eq(lw_vm_key(vm, LW_VM_K_PGUP), 1);
	ck_assert_uint_eq(lw_vm_cursor(vm, LW_VM_LAYERS), 0);
}
END_TEST

START_TEST(test_collapse_all)
{
	struct lw_vm_tree *t;
	size_t all;

	lw_vm_toggle_view(vm);
	lw_vm_focus(vm, LW_VM_TREE);
	t = lw_vm_tree(vm);
	all = t->nrows;
	ck_assert_int_eq(lw_vm_key(vm, 0), 1); /* Ctrl-Space */
	ck_assert_uint_eq(t->nrows, 3);      /* app, data, etc */
	lw_vm_key(vm, 0);
	ck_assert_uint_eq(t->nrows, all);
	/* Space folds one. */
	lw_vm_key(vm, LW_VM_K_HOME);
	lw_vm_key(vm, ' ');
	ck_assert_uint_lt(t->nrows, all);
}
END_TEST

static const char *overlay_has(const char *s)
{
	size_t n, i;
	const struct lw_strbuf *l = lw_vm_overlay(vm, 70, &n);

	for (i = 0; l && i < n; i++) {
		ck_assert_int_le(lw_vm_cols(l[i].buf), 70);
		if (strstr(l[i].buf, s))
			return l[i].buf;
	}
	return NULL;
}

START_TEST(test_cause_overlay)
{
	long i;

	lw_vm_focus(vm, LW_VM_TREE);
	for (i = 0; i < 5 && !strstr(lw_vm_rows(vm, LW_VM_TREE, 10, WIDTH,
		&(size_t){ 0 })[lw_vm_cursor(vm, LW_VM_TREE)].text.buf,
		"main.txt"); i++)
		lw_vm_move(vm, 1);
	ck_assert_int_eq(lw_vm_key(vm, 'c'), 1);
	ck_assert_ptr_nonnull(overlay_has("/app/main.txt"));
	ck_assert_ptr_nonnull(overlay_has("chown: layer 1 copied it from "
					  "layer 0"));
	ck_assert_ptr_nonnull(overlay_has("Cause: layer 1: 10 B in 1 file "
					  "copied from layer 0 only to"));
	ck_assert_ptr_nonnull(overlay_has("run with --dockerfile"));
	/* Any key closes it, and does nothing else. */
	ck_assert_int_eq(lw_vm_key(vm, 'q'), 1);
	ck_assert_ptr_null(lw_vm_overlay(vm, 70, &(size_t){ 0 }));
	/* On a path with no waste it says so. */
	lw_vm_select_layer(vm, 2);
	lw_vm_key(vm, LW_VM_K_HOME);
	lw_vm_show_cause(vm);
	if (!overlay_has("Nothing is wasted here"))
		ck_assert_ptr_nonnull(overlay_has("Cause: "));
}
END_TEST

START_TEST(test_config_keys)
{
	static const char yml[] =
		"rules:\n"
		"  max-wasted-bytes: 1MB\n"
		"keys:\n"
		"  quit: x\n"
		"  toggle-modified-files: ctrl+m\n"
		"  filter-files: [ctrl+f, f]\n";
	struct lw_rules_config c;
	struct lw_error err = { 0, "" };

	lw_rules_config_init(&c);
	ck_assert_int_eq(lw_config_load_text(&c, yml, sizeof(yml) - 1,
					     ".layerwaste.yml",
					     LW_CONFIG_LAYERWASTE, &err), LW_OK);
	ck_assert_uint_eq(c.nkeys, 4);
	lw_vm_set_keys(vm, c.keys, c.nkeys);
	lw_rules_config_release(&c);
	ck_assert_int_eq(lw_vm_key(vm, 'x'), LW_VM_QUIT);
	ck_assert_int_ne(lw_vm_key(vm, 'q'), LW_VM_QUIT);
	ck_assert_int_eq(lw_vm_key(vm, 'f'), LW_VM_FILTER);
	ck_assert_int_ne(lw_vm_key(vm, '/'), LW_VM_FILTER);
	/* Ctrl-M as dive has it: Enter toggles modified files in the files
	 * pane, and still opens in the others. */
	lw_vm_focus(vm, LW_VM_TREE);
	ck_assert_int_eq(lw_vm_key(vm, '\r'), 1);
	ck_assert(vm->hide[LW_VM_VIEW_LAYER] & (1u << LW_VM_DIFF_MODIFIED));
	lw_vm_focus(vm, LW_VM_LAYERS);
	lw_vm_key(vm, '\r');
	ck_assert_int_eq(vm->pane, LW_VM_TREE);
	ck_assert_int_eq(lw_vm_key(vm, 'm'), 0); /* its default is gone */
}
END_TEST

/* Every mistake names the file, the line and the key. */
START_TEST(test_config_keys_errors)
{
	static const struct {
		const char *yml, *msg;
	} bad[] = {
		{ "keys:\n  jump: x\n", "c.yml:2: jump: unknown action" },
		{ "keys:\n  quit: ctrl+shift+q\n", "c.yml:2: quit: "
		  "'ctrl+shift+q': ctrl goes with a letter" },
		{ "keys:\n  quit: hyper\n", "c.yml:2: quit: 'hyper': unknown "
		  "key" },
		{ "keys:\n  quit: ctrl+c\n", "turns it into a signal" },
		{ "keys:\n  quit: x\n  help: x\n", "c.yml:3: help: x is "
		  "already bound to quit" },
		{ "keys:\n  quit: x, x\n", "'x' given twice" },
		{ "keys:\n  quit:\n", "c.yml:2: quit: no key" },
		{ "keys:\n  quit: {a: b}\n", "must be a value" },
		{ "keys: [q]\n", "must be a mapping" },
		{ "keys:\n  quit: a,b,c,e,f,g,i,n,o\n", "more than 8 keys" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct lw_rules_config c;
		struct lw_error err = { 0, "" };

		lw_rules_config_init(&c);
		ck_assert_int_eq(lw_config_load_text(&c, bad[i].yml,
			strlen(bad[i].yml), "c.yml", LW_CONFIG_LAYERWASTE,
			&err), LW_ERR_USAGE);
		ck_assert_msg(strstr(err.msg, bad[i].msg), "%s: got '%s'",
			      bad[i].msg, err.msg);
		lw_rules_config_release(&c);
	}
	/* A key in two panes' scopes is no conflict: dive binds Ctrl-A
	 * twice too. */
	{
		struct lw_rules_config c;
		struct lw_error err = { 0, "" };
		static const char ok[] = "keys:\n  compare-all: ctrl+a\n"
			"  toggle-added-files: ctrl+a\n";

		lw_rules_config_init(&c);
		ck_assert_int_eq(lw_config_load_text(&c, ok, sizeof(ok) - 1,
			"c.yml", LW_CONFIG_LAYERWASTE, &err), LW_OK);
		lw_rules_config_release(&c);
	}
}
END_TEST

START_TEST(test_key_names)
{
	static const char *const names[] = {
		"q", "G", "ctrl+a", "ctrl+space", "tab", "shift+tab",
		"enter", "esc", "space", "up", "pgup", "pgdn", "home", "end",
		"f1", "f12", "ctrl+slash",
	};
	char buf[32];
	int key, again;
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ck_assert_msg(lw_key_parse(names[i], &key, &why) == 0, "%s",
			      names[i]);
		ck_assert_str_eq(lw_key_name(key, buf, sizeof(buf)), names[i]);
		ck_assert_int_eq(lw_key_parse(buf, &again, &why), 0);
		ck_assert_int_eq(again, key);
	}
	ck_assert_int_eq(lw_key_parse("ctrl-m", &key, &why), 0);
	ck_assert_int_eq(key, '\r');
	ck_assert_int_eq(lw_key_parse("C-a", &key, &why), 0);
	ck_assert_int_eq(key, 1);
	ck_assert_int_eq(lw_key_parse("\xc3\xa9", &key, &why), 0);
	ck_assert_int_eq(key, 0xe9);
	ck_assert_int_eq(lw_key_parse("\xff", &key, &why), -1);
	ck_assert_int_eq(lw_key_parse("", &key, &why), -1);
	ck_assert_int_eq(lw_key_parse("f13", &key, &why), -1);
}
END_TEST

static int boxes_overlap(const struct lw_vm_box *a, const struct lw_vm_box *b)
{
	return a->h && b->h && a->y < b->y + b->h && b->y < a->y + a->h &&
		a->x < b->x + b->w && b->x < a->x + a->w;
}

/* From 200x60 to 40x12: every part inside the screen, none over
 * another, the file tree always there. */
START_TEST(test_layouts)
{
	struct lw_vm_layout lo;
	struct lw_strbuf sb = LW_STRBUF_INIT;
	int cols, lines, i, j, p;

	for (cols = 40; cols <= 200; cols += 3)
		for (lines = 12; lines <= 60; lines += 4)
			for (p = 0; p < LW_VM_NPANES; p++) {
				struct lw_vm_box all[16];
				int n = 0;

				lw_vm_focus(vm, p);
				lw_vm_layout(vm, cols, lines, &lo);
				ck_assert(!lo.too_small);
				all[n++] = lo.header;
				all[n++] = lo.details;
				all[n++] = lo.keys;
				all[n++] = lo.vsep[0];
				all[n++] = lo.vsep[1];
				for (i = 0; i <= LW_VM_NPANES; i++) {
					all[n++] = lo.title[i];
					all[n++] = lo.pane[i];
				}
				ck_assert_int_ge(lo.pane[LW_VM_TREE].h, 3);
				ck_assert_int_eq(lo.pane[LW_VM_TREE].w, cols);
				for (i = 0; i < n; i++) {
					if (!all[i].h)
						continue;
					ck_assert_int_ge(all[i].y, 0);
					ck_assert_int_le(all[i].y + all[i].h,
							 lines);
					ck_assert_int_le(all[i].x + all[i].w,
							 cols);
					for (j = i + 1; j < n; j++)
						ck_assert_msg(!boxes_overlap(
							&all[i], &all[j]),
							"%dx%d: %d over %d",
							cols, lines, i, j);
				}
				lw_vm_header(vm, cols, &sb);
				ck_assert_int_le(lw_vm_cols(sb.buf), cols);
				ck_assert_ptr_nonnull(strstr(sb.buf, "wasted"));
				lw_vm_keyhelp(vm, cols, &sb);
				ck_assert_int_le(lw_vm_cols(sb.buf), cols);
				ck_assert_ptr_nonnull(strstr(sb.buf, "q:quit"));
				for (i = 0; i < lo.pane[LW_VM_LDETAILS].h; i++) {
					lw_vm_layer_details(vm, i,
						lo.pane[LW_VM_LDETAILS].h,
						cols, &sb);
					ck_assert_int_le(lw_vm_cols(sb.buf),
							 cols);
				}
			}
	lw_vm_layout(vm, 39, 12, &lo);
	ck_assert(lo.too_small);
	lw_vm_layout(vm, 40, 11, &lo);
	ck_assert(lo.too_small);
	/* Stacked: at 40x12 the band shows the focused one. */
	lw_vm_focus(vm, LW_VM_CAUSES);
	lw_vm_layout(vm, 40, 12, &lo);
	ck_assert_int_gt(lo.pane[LW_VM_CAUSES].h, 0);
	ck_assert_int_eq(lo.pane[LW_VM_LAYERS].h, 0);
	/* Wide: three boxes side by side. */
	lw_vm_layout(vm, 200, 60, &lo);
	ck_assert_int_gt(lo.pane[LW_VM_LDETAILS].h, 4);
	ck_assert_int_eq(lo.pane[LW_VM_LDETAILS].y, lo.pane[LW_VM_LAYERS].y);
	lw_strbuf_release(&sb);
}
END_TEST

/* Whatever the size, the message fits and no word is cut. */
START_TEST(test_too_small)
{
	struct lw_strbuf lines[8];
	int cols, rows;
	size_t n, i;

	for (i = 0; i < 8; i++)
		lw_strbuf_init(&lines[i]);
	for (cols = 1; cols < 80; cols++)
		for (rows = 1; rows < 12; rows++) {
			n = lw_vm_too_small(cols, rows, lines, 8);
			ck_assert_uint_ge(n, 1);
			ck_assert_uint_le(n, (size_t)rows);
			for (i = 0; i < n; i++) {
				ck_assert_int_le((int)lines[i].len, cols);
				ck_assert_int_gt((int)lines[i].len, 0);
			}
		}
	n = lw_vm_too_small(30, 10, lines, 8);
	ck_assert_str_eq(lines[0].buf, "terminal too small for");
	n = lw_vm_too_small(20, 5, lines, 8);
	ck_assert_uint_le(n, 5);
	ck_assert_ptr_nonnull(strstr(lines[0].buf, "too small"));
	for (i = 0; i < 8; i++)
		lw_strbuf_release(&lines[i]);
}
END_TEST

/* Names lose their middle, sentences stop after a whole word. */
START_TEST(test_cuts)
{
	size_t n, i;
	const struct lw_vm_row *r;

	lw_vm_select_layer(vm, 1);
	r = lw_vm_rows(vm, LW_VM_LAYERS, 5, 20, &n);
	for (i = 0; i < n; i++) {
		const char *dots = strstr(r[i].text.buf, "...");

		ck_assert_int_le(r[i].cols, 20);
		/* "chown -R" is cut after "chown", never inside it. */
		if (dots && i == 1)
			ck_assert_ptr_null(strstr(r[i].text.buf, "cho..."));
	}
}
END_TEST

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define BIG_DIRS 120
#define BIG_FILES 1000
#define SCROLLS 2000

/* 120,000 files and a chown of a tenth of them: how long a cursor move
 * with its redraw, and a toggle with its redraw, take. Told on stdout;
 * speed is measured, not asserted (scripts/bench has the ratios). */
START_TEST(test_speed_120k)
{
	struct tb_layer *l[2];
	struct lw_image *im;
	struct lw_analysis *a;
	struct lw_result r;
	struct lw_vm *v;
	struct lw_error err;
	char path[64];
	double t0, build, scroll, worst = 0, tog[6];
	static const int keys[6] = { CTRL('a'), CTRL('r'), 'm', CTRL('u'),
				     CTRL('b'), 0 };
	int d, f, k;
	size_t n;

	l[0] = tb_layer_new();
	l[1] = tb_layer_new();
	for (d = 0; d < BIG_DIRS; d++)
		for (f = 0; f < BIG_FILES; f++) {
			snprintf(path, sizeof(path), "d%03d/f%04d", d, f);
			tb_file(l[0], path, "x", 0, 0, 0644);
			if (f % 10 == 0)
				tb_file(l[1], path, "x", 1000, 1000, 0644);
		}
	im = tb_image(l, 2);
	ck_assert_int_eq(lw_analyze(im, NULL, &a, &err), LW_OK);
	ck_assert_uint_eq(a->nfindings, BIG_DIRS * BIG_FILES / 10);
	r = (struct lw_result){ .image = im, .analysis = a };
	v = lw_vm_new(&r);
	t0 = now();
	lw_vm_toggle_view(v);
	lw_vm_focus(v, LW_VM_TREE);
	lw_vm_toggle_collapse_all(v); /* all 120,120 rows open */
	lw_vm_rows(v, LW_VM_TREE, 50, 200, &n);
	build = now() - t0;
	ck_assert_uint_eq(lw_vm_nrows(v, LW_VM_TREE),
			  BIG_DIRS + BIG_DIRS * BIG_FILES);
	t0 = now();
	for (k = 0; k < SCROLLS; k++) {
		double s = now();

		lw_vm_key(v, k % 10 ? 'j' : LW_VM_K_PGDN);
		lw_vm_rows(v, LW_VM_TREE, 50, 200, &n);
		ck_assert_uint_eq(n, 50);
		s = now() - s;
		worst = s > worst ? s : worst;
	}
	scroll = (now() - t0) / SCROLLS;
	for (k = 0; k < 6; k++) {
		t0 = now();
		lw_vm_key(v, keys[k]);
		lw_vm_rows(v, LW_VM_TREE, 50, 200, &n);
		tog[k] = now() - t0;
	}
	/* Hiding modified files leaves the other 108,000. */
	ck_assert_uint_eq(v->hide[LW_VM_VIEW_IMAGE] &
			  (1u << LW_VM_DIFF_MODIFIED), 1u << LW_VM_DIFF_MODIFIED);
	printf("browse speed, 120,000 files (image view, all open): first "
	       "tree %.1f ms; move+redraw %.3f ms mean, %.3f ms worst; "
	       "toggle+redraw ms: added %.1f, removed %.1f, modified %.1f, "
	       "unmodified %.1f, attributes %.1f, fold all %.1f\n",
	       build * 1e3, scroll * 1e3, worst * 1e3, tog[0] * 1e3,
	       tog[1] * 1e3, tog[2] * 1e3, tog[3] * 1e3, tog[4] * 1e3,
	       tog[5] * 1e3);
	/* The layer view of the chown with its unmodified files. */
	lw_vm_toggle_view(v);
	lw_vm_select_layer(v, 1);
	t0 = now();
	lw_vm_key(v, CTRL('u'));
	lw_vm_rows(v, LW_VM_TREE, 50, 200, &n);
	printf("browse speed: layer 1 with its 108,000 unmodified files "
	       "below: %.1f ms\n", (now() - t0) * 1e3);
	ck_assert_uint_eq(lw_vm_tree(v)->n, 1 + BIG_DIRS +
			  BIG_DIRS * BIG_FILES);
	lw_vm_free(v);
	lw_analysis_free(a);
	tb_image_free(im);
}
END_TEST

static Suite *browse_diff_suite(void)
{
	Suite *s = suite_create("browse_diff");
	TCase *diff = tcase_create("diff");
	TCase *keys = tcase_create("keys");
	TCase *layout = tcase_create("layout");
	TCase *big = tcase_create("speed");

	tcase_add_checked_fixture(diff, build, teardown);
	tcase_add_test(diff, test_layer_diff_marks);
	tcase_add_test(diff, test_diff_toggles);
	tcase_add_test(diff, test_image_diff);
	tcase_add_test(diff, test_collapse_all);
	tcase_add_test(diff, test_cause_overlay);
	suite_add_tcase(s, diff);
	tcase_add_checked_fixture(keys, build, teardown);
	tcase_add_test(keys, test_key_scopes);
	tcase_add_test(keys, test_config_keys);
	tcase_add_test(keys, test_config_keys_errors);
	tcase_add_test(keys, test_key_names);
	suite_add_tcase(s, keys);
	tcase_add_checked_fixture(layout, build, teardown);
	tcase_add_test(layout, test_layouts);
	tcase_add_test(layout, test_too_small);
	tcase_add_test(layout, test_cuts);
	suite_add_tcase(s, layout);
	tcase_set_timeout(big, 300);
	tcase_add_test(big, test_speed_120k);
	suite_add_tcase(s, big);
	return s;
}

int main(void)
{
	return lwt_run_suite(browse_diff_suite());
}
