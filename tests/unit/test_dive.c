/* Unit tests of the dive-compatible figures. dive's rules (v0.13,
 * filetree/efficiency.go), as the expected values below apply them:
 * - every leaf of every layer's own tree adds its tar size to its path's
 *   cumulative size; a whiteout adds the size of what it hid when that was
 *   a directory in the stack of the layers below, else 0; opaque markers
 *   are not in the tree at all;
 * - a path with two or more leaves is inefficient: its whole cumulative
 *   size, the kept copy included, is wasted;
 * - efficiency = sum over paths of the smallest leaf size / sum of the
 *   cumulative sizes (1 when nothing); user wasted percent = wasted / sum
 *   of the sizes of all layers but the first.
 * The image of dive's own test-docker-image.tar is rebuilt in memory; the
 * real file (a peer image, support/peer.h) is read by the "peer" cases. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layerwaste/engine.h"
#include "layerwaste/read.h"
#include "peer.h"
#include "analysed.h"
#include "tarbuild.h"
#include "suite.h"

#define MAXL 14

static struct tb_layer *L[MAXL];
static char fixture_path[4096];

static void new_layers(size_t n)
{
	lwt_new_layers(L, n);
}

static void check_own_invariant(const struct lw_analysis *an)
{
	ck_assert_uint_eq(an->wasted_bytes,
			  an->total_bytes - an->visible_bytes);
}

static struct lwt_run analyze(size_t n)
{
	struct lwt_run r = lwt_analyze(L, n, 1);

	check_own_invariant(r.an);
	return r;
}

static void dive_eq(const struct lw_dive *d, double eff, uint64_t wasted,
		    double user_pct, uint64_t size, uint64_t user_size)
{
	ck_assert_msg(d->efficiency > eff - 1e-12 &&
		      d->efficiency < eff + 1e-12,
		      "efficiency %.17g, want %.17g", d->efficiency, eff);
	ck_assert_uint_eq(d->wasted_bytes, wasted);
	ck_assert_msg(d->user_wasted_percent > user_pct - 1e-12 &&
		      d->user_wasted_percent < user_pct + 1e-12,
		      "user wasted %.17g, want %.17g",
		      d->user_wasted_percent, user_pct);
	ck_assert_uint_eq(d->size_bytes, size);
	ck_assert_uint_eq(d->user_size_bytes, user_size);
}

static const struct lw_finding *get(const struct lw_analysis *an,
				    const char *path, uint32_t layer)
{
	size_t i;

	for (i = 0; i < an->nfindings; i++)
		if (!strcmp(an->findings[i].path, path) &&
		    an->findings[i].layer == layer)
			return &an->findings[i];
	ck_abort_msg("no finding for '%s' in layer %u", path, layer);
	return NULL;
}

static void expect(const struct lw_analysis *an, const char *path,
		   int kind, uint32_t layer, uint32_t from, uint64_t bytes)
{
	const struct lw_finding *f = get(an, path, layer);

	ck_assert_msg(f->kind == kind, "'%s': %s, want %s", path,
		      lw_kind_name(f->kind), lw_kind_name(kind));
	ck_assert_uint_eq(f->from_layer, from);
	ck_assert_uint_eq(f->bytes, bytes);
}

/* ---- small images, one rule each ---- */

START_TEST(every_copy_of_a_changed_path_is_wasted)
{
	struct lwt_run r;

	new_layers(2);
	tb_file_data(L[0], "f", NULL, 10, 0, 0, 0644);
	tb_file_data(L[1], "f", NULL, 10, 1000, 1000, 0644);
	r = analyze(2);
	/* path f: leaves 10 + 10, smallest 10 */
	dive_eq(&r.an->dive, 10.0 / 20.0, 20, 20.0 / 10.0, 20, 10);
	ck_assert_uint_eq(r.an->wasted_bytes, 10);
	lwt_run_free(&r);
}
END_TEST

START_TEST(file_whiteout_adds_zero_but_makes_path_inefficient)
{
	struct lwt_run r;

	new_layers(2);
	tb_file_data(L[0], "f", NULL, 10, 0, 0, 0644);
	tb_file_data(L[0], "g", NULL, 30, 0, 0, 0644);
	tb_whiteout(L[1], "", "f");
	tb_file_data(L[1], "h", NULL, 10, 0, 0, 0644);
	r = analyze(2);
	/* f: 10 + 0 (min 0); g: 30; h: 10 */
	dive_eq(&r.an->dive, 40.0 / 50.0, 10, 10.0 / 10.0, 50, 10);
	ck_assert_uint_eq(r.an->wasted_bytes, 10);
	lwt_run_free(&r);
}
END_TEST

START_TEST(directory_whiteout_is_not_inefficient_once)
{
	struct lwt_run r;

	new_layers(2);
	tb_dir(L[0], "d/", 0755);
	tb_file_data(L[0], "d/a", NULL, 10, 0, 0, 0644);
	tb_file_data(L[0], "d/b", NULL, 20, 0, 0, 0644);
	tb_file_data(L[0], "e", NULL, 70, 0, 0, 0644);
	tb_whiteout(L[1], "", "d");
	tb_file_data(L[1], "n", NULL, 10, 0, 0, 0644);
	r = analyze(2);
	/* d/a 10, d/b 20, e 70, n 10, and d's whiteout 30 once: all at
	 * their smallest. */
	dive_eq(&r.an->dive, 1.0, 0, 0.0, 110, 10);
	ck_assert_uint_eq(r.an->wasted_bytes, 30);
	lwt_run_free(&r);
}
END_TEST

START_TEST(directory_whiteout_counts_when_the_path_repeats)
{
	struct lwt_run r;

	new_layers(4);
	tb_dir(L[0], "d/", 0755);
	tb_file_data(L[0], "d/a", NULL, 10, 0, 0, 0644);
	tb_whiteout(L[1], "", "d");
	tb_dir(L[2], "d/", 0755);
	tb_file_data(L[2], "d/b", NULL, 5, 0, 0, 0644);
	tb_whiteout(L[3], "", "d");
	r = analyze(4);
	/* d: whiteouts of 10 (d/a) then 5 (d/b), min 5; d/a 10; d/b 5 */
	dive_eq(&r.an->dive, 20.0 / 30.0, 15, 15.0 / 5.0, 15, 5);
	ck_assert_uint_eq(r.an->wasted_bytes, 15);
	lwt_run_free(&r);
}
END_TEST

/* dive sizes a whiteout's directory only when the tar had an entry for
 * it: a directory implied by its files' paths is not one to dive, and its
 * whiteout adds 0 (the path still repeats, with 0 bytes). */
START_TEST(whiteout_of_implied_directory_adds_zero)
{
	struct lwt_run r;

	new_layers(4);
	tb_file_data(L[0], "d/a", NULL, 10, 0, 0, 0644);
	tb_whiteout(L[1], "", "d");
	tb_file_data(L[2], "d/b", NULL, 5, 0, 0, 0644);
	tb_whiteout(L[3], "", "d");
	r = analyze(4);
	dive_eq(&r.an->dive, 1.0, 0, 0.0, 15, 5);
	ck_assert_uint_eq(r.an->wasted_bytes, 15);
	lwt_run_free(&r);
}
END_TEST

/* The same with a path that is inefficient, so that how much the whiteout
 * of an implied directory adds shows in the efficiency: dive adds 0. */
START_TEST(whiteout_of_implied_directory_weighs_nothing)
{
	struct lwt_run r;

	new_layers(2);
	tb_file_data(L[0], "d/a", NULL, 10, 0, 0, 0644);
	tb_file_data(L[0], "f", NULL, 10, 0, 0, 0644);
	tb_whiteout(L[1], "", "d");
	tb_file_data(L[1], "f", NULL, 10, 1000, 0, 0644);
	r = analyze(2);
	/* d/a 10; f 10 + 10 (min 10); d 0 */
	dive_eq(&r.an->dive, 20.0 / 30.0, 20, 20.0 / 10.0, 30, 10);
	ck_assert_uint_eq(r.an->wasted_bytes, 20);
	lwt_run_free(&r);
}
END_TEST

START_TEST(whiteout_of_explicit_directory_weighs_its_files)
{
	struct lwt_run r;

	new_layers(2);
	tb_dir(L[0], "d/", 0755);
	tb_file_data(L[0], "d/a", NULL, 10, 0, 0, 0644);
	tb_file_data(L[0], "f", NULL, 10, 0, 0, 0644);
	tb_whiteout(L[1], "", "d");
	tb_file_data(L[1], "f", NULL, 10, 1000, 0, 0644);
	r = analyze(2);
	/* d/a 10; f 10 + 10 (min 10); d 10 */
	dive_eq(&r.an->dive, 30.0 / 40.0, 20, 20.0 / 10.0, 30, 10);
	lwt_run_free(&r);
}
END_TEST

/* dive ignores opaque markers when it stacks layers too: a file an opaque
 * directory hid is still under the directory a later whiteout sizes. */
START_TEST(opaque_hidden_file_still_sized_by_later_whiteout)
{
	struct lwt_run r;

	new_layers(3);
	tb_dir(L[0], "d/", 0755);
	tb_file_data(L[0], "d/a", NULL, 10, 0, 0, 0644);
	tb_file_data(L[0], "f", NULL, 10, 0, 0, 0644);
	tb_dir(L[1], "d/", 0755);
	tb_opaque(L[1], "d");
	tb_file_data(L[1], "d/b", NULL, 20, 0, 0, 0644);
	tb_file_data(L[1], "f", NULL, 10, 1000, 0, 0644);
	tb_whiteout(L[2], "", "d");
	r = analyze(3);
	/* d/a 10; d/b 20; f 10 + 10 (min 10); d 10 + 20 */
	dive_eq(&r.an->dive, 70.0 / 80.0, 20, 20.0 / 30.0, 50, 30);
	/* Ours: d/a deleted by the opaque, d/b by the whiteout, f chown. */
	ck_assert_uint_eq(r.an->wasted_bytes, 40);
	lwt_run_free(&r);
}
END_TEST

/* dive's tree keeps one node per path (the last entry), but its layer
 * size adds every entry of the tar. */
START_TEST(same_path_twice_in_one_tar_is_one_leaf)
{
	struct lwt_run r;

	new_layers(2);
	tb_file_data(L[0], "f", NULL, 10, 0, 0, 0644);
	tb_file_data(L[0], "f", NULL, 20, 0, 0, 0644);
	tb_file_data(L[0], "g", NULL, 5, 0, 0, 0644);
	tb_file_data(L[1], "g", NULL, 5, 0, 0, 0600);
	r = analyze(2);
	/* f 20 once; g 5 + 5 (min 5) */
	dive_eq(&r.an->dive, 25.0 / 30.0, 10, 10.0 / 5.0, 40, 5);
	ck_assert_uint_eq(r.an->wasted_bytes, 15);
	lwt_run_free(&r);
}
END_TEST

START_TEST(opaque_marker_is_ignored)
{
	struct lwt_run r;

	new_layers(2);
	tb_dir(L[0], "d/", 0755);
	tb_file_data(L[0], "d/a", NULL, 10, 0, 0, 0644);
	tb_dir(L[1], "d/", 0755);
	tb_opaque(L[1], "d");
	tb_file_data(L[1], "d/b", NULL, 20, 0, 0, 0644);
	r = analyze(2);
	dive_eq(&r.an->dive, 1.0, 0, 0.0, 30, 20);
	/* Ours sees the delete dive misses. */
	ck_assert_uint_eq(r.an->wasted_bytes, 10);
	ck_assert_uint_eq(r.an->by_kind[LW_KIND_DELETE], 10);
	lwt_run_free(&r);
}
END_TEST

START_TEST(new_paths_with_same_content_are_not_inefficient)
{
	struct lwt_run r;

	new_layers(2);
	tb_file_data(L[0], "a", NULL, 40, 0, 0, 0644);
	tb_file_data(L[1], "b", NULL, 40, 0, 0, 0644);
	r = analyze(2);
	dive_eq(&r.an->dive, 1.0, 0, 0.0, 80, 40);
	ck_assert_uint_eq(r.an->wasted_bytes, 0);
	lwt_run_free(&r);
}
END_TEST

START_TEST(image_without_files_is_fully_efficient)
{
	struct lwt_run r;

	new_layers(2);
	tb_dir(L[0], "d/", 0755);
	tb_dir(L[1], "d/", 0700);
	tb_symlink(L[1], "s", "d");
	r = analyze(2);
	ck_assert(r.an->dive.efficiency == 1.0);
	ck_assert_uint_eq(r.an->dive.wasted_bytes, 0);
	ck_assert_uint_eq(r.an->dive.size_bytes, 0);
	ck_assert_uint_eq(r.an->dive.user_size_bytes, 0);
	lwt_run_free(&r);
}
END_TEST

START_TEST(empty_first_layer_has_no_size)
{
	struct lwt_run r;

	new_layers(3);
	tb_file_data(L[1], "f", NULL, 10, 0, 0, 0644);
	tb_file_data(L[2], "f", NULL, 10, 0, 0, 0755);
	r = analyze(3);
	dive_eq(&r.an->dive, 10.0 / 20.0, 20, 20.0 / 20.0, 20, 20);
	lwt_run_free(&r);
}
END_TEST

/* ---- dive's test-docker-image.tar, rebuilt ---- */

/* README.md -> R bytes; busybox -> a few files; .scripts -> two files. */
#define R 100
#define BB_BIN 1000
#define BB_PASSWD 60
#define TAG 17
#define TEST 30

static void build_dive_test_image(void)
{
	new_layers(14);
	/* 0: FROM busybox */
	tb_dir(L[0], "bin/", 0755);
	tb_file_data(L[0], "bin/busybox", NULL, BB_BIN, 0, 0, 0755);
	tb_hardlink_meta(L[0], "bin/sh", "bin/busybox", 0, 0, 0755);
	tb_dir(L[0], "etc/", 0755);
	tb_file_data(L[0], "etc/passwd", NULL, BB_PASSWD, 0, 0, 0644);
	tb_dir(L[0], "root/", 0700);
	tb_dir(L[0], "tmp/", 01777);
	/* 1: ADD README.md /somefile.txt */
	tb_file_data(L[1], "somefile.txt", NULL, R, 0, 0, 0664);
	/* 2: mkdir -p /root/example/really/nested */
	tb_dir(L[2], "root/", 0700);
	tb_dir(L[2], "root/example/", 0755);
	tb_dir(L[2], "root/example/really/", 0755);
	tb_dir(L[2], "root/example/really/nested/", 0755);
	/* 3: cp /somefile.txt /root/example/somefile1.txt */
	tb_dir(L[3], "root/", 0700);
	tb_dir(L[3], "root/example/", 0755);
	tb_file_data(L[3], "root/example/somefile1.txt", NULL, R, 0, 0, 0644);
	/* 4: chmod 444 /root/example/somefile1.txt */
	tb_dir(L[4], "root/", 0700);
	tb_dir(L[4], "root/example/", 0755);
	tb_file_data(L[4], "root/example/somefile1.txt", NULL, R, 0, 0, 0444);
	/* 5, 6: cp to somefile2.txt, somefile3.txt */
	tb_dir(L[5], "root/", 0700);
	tb_dir(L[5], "root/example/", 0755);
	tb_file_data(L[5], "root/example/somefile2.txt", NULL, R, 0, 0, 0644);
	tb_dir(L[6], "root/", 0700);
	tb_dir(L[6], "root/example/", 0755);
	tb_file_data(L[6], "root/example/somefile3.txt", NULL, R, 0, 0, 0644);
	/* 7: mv /root/example/somefile3.txt /root/saved.txt */
	tb_dir(L[7], "root/", 0700);
	tb_dir(L[7], "root/example/", 0755);
	tb_whiteout(L[7], "root/example", "somefile3.txt");
	tb_file_data(L[7], "root/saved.txt", NULL, R, 0, 0, 0644);
	/* 8: cp /root/saved.txt /root/.saved.txt */
	tb_dir(L[8], "root/", 0700);
	tb_file_data(L[8], "root/.saved.txt", NULL, R, 0, 0, 0644);
	/* 9: rm -rf /root/example/ */
	tb_dir(L[9], "root/", 0700);
	tb_whiteout(L[9], "root", "example");
	/* 10: ADD .scripts/ /root/.data/ */
	tb_dir(L[10], "root/", 0700);
	tb_dir(L[10], "root/.data/", 0755);
	tb_file_data(L[10], "root/.data/tag.sh", NULL, TAG, 0, 0, 0775);
	tb_file_data(L[10], "root/.data/test.sh", "0123456789abcdefghij"
		     "0123456789", TEST, 0, 0, 0775);
	/* 11: cp /root/saved.txt /tmp/saved.again1.txt */
	tb_dir(L[11], "tmp/", 01777);
	tb_file_data(L[11], "tmp/saved.again1.txt", NULL, R, 0, 0, 0644);
	/* 12: cp /root/saved.txt /root/.data/saved.again2.txt */
	tb_dir(L[12], "root/", 0700);
	tb_dir(L[12], "root/.data/", 0755);
	tb_file_data(L[12], "root/.data/saved.again2.txt", NULL, R, 0, 0,
		     0644);
	/* 13: chmod +x /root/saved.txt */
	tb_dir(L[13], "root/", 0700);
	tb_file_data(L[13], "root/saved.txt", NULL, R, 0, 0, 0755);
}

START_TEST(rebuilt_dive_test_image_gives_dive_figures)
{
	const uint64_t base = BB_BIN + BB_PASSWD;
	const uint64_t user = 10 * R + TAG + TEST;
	/* Cumulative per path: layer 0's leaves once; somefile.txt R;
	 * somefile1 2R; somefile2 R; somefile3 R + 0; saved.txt 2R;
	 * .saved.txt R; root/example's whiteout 2R (somefile1 and 2 left);
	 * tag, test; saved.again1 R; saved.again2 R. */
	const double cum = (double)(base + 12 * R + TAG + TEST);
	/* Smallest per path: somefile1 R, somefile3 0, saved.txt R. */
	const double min = (double)(base + 9 * R + TAG + TEST);
	/* Inefficient: saved.txt 2R, somefile1 2R, somefile3 R. */
	const uint64_t wasted = 5 * R;
	struct lwt_run r;

	build_dive_test_image();
	r = analyze(14);
	dive_eq(&r.an->dive, min / cum, wasted, (double)wasted / user,
		base + user, user);
	lwt_run_free(&r);
}
END_TEST

START_TEST(rebuilt_dive_test_image_gives_our_figures)
{
	const uint64_t base = BB_BIN + BB_PASSWD;
	struct lwt_run r;

	build_dive_test_image();
	r = analyze(14);
	ck_assert_uint_eq(r.an->total_bytes, base + 10 * R + TAG + TEST);
	ck_assert_uint_eq(r.an->wasted_bytes, 5 * R);
	ck_assert_uint_eq(r.an->nfindings, 5);
	expect(r.an, "root/example/somefile1.txt", LW_KIND_CHMOD, 4, 3, R);
	expect(r.an, "root/saved.txt", LW_KIND_CHMOD, 13, 7, R);
	expect(r.an, "root/example/somefile3.txt", LW_KIND_DELETE, 7, 6, R);
	expect(r.an, "root/example/somefile1.txt", LW_KIND_DELETE, 9, 4, R);
	expect(r.an, "root/example/somefile2.txt", LW_KIND_DELETE, 9, 5, R);
	ck_assert_uint_eq(r.an->by_kind[LW_KIND_CHMOD], 2 * R);
	ck_assert_uint_eq(r.an->files_by_kind[LW_KIND_CHMOD], 2);
	ck_assert_uint_eq(r.an->by_kind[LW_KIND_DELETE], 3 * R);
	ck_assert_uint_eq(r.an->files_by_kind[LW_KIND_DELETE], 3);
	lwt_run_free(&r);
}
END_TEST

/* ---- the real file ---- */

static int have_fixture(void)
{
	ck_assert_msg(access(fixture_path, R_OK) == 0, "cannot read %s",
		      fixture_path);
	return 1;
}

static struct lwt_run read_fixture(int dups)
{
	struct lw_read_opts o;
	struct lw_analyze_opts ao = { .find_duplicates = dups, .jobs = 0 };
	struct lw_error err;
	struct lwt_run r;

	memset(&o, 0, sizeof(o));
	memset(&err, 0, sizeof(err));
	o.input = fixture_path;
	o.source = "archive";
	o.jobs = 1;
	r.img = NULL;
	r.an = NULL;
	ck_assert_msg(lw_image_read(&o, &r.img, &err) == LW_OK,
		      "lw_image_read %s: %s", fixture_path, err.msg);
	ck_assert_msg(lw_analyze(r.img, &ao, &r.an, &err) == LW_OK,
		      "lw_analyze: %s", err.msg);
	check_own_invariant(r.an);
	return r;
}

static void free_fixture(struct lwt_run *r)
{
	lw_analysis_free(r->an);
	lw_image_free(r->img);
}

START_TEST(real_dive_test_image_matches_dive)
{
	static const uint64_t layer_sizes[14] = {
		1154361, 6405, 0, 6405, 6405, 6405, 6405, 6405, 6405, 0, 2187,
		6405, 6405, 6405,
	};
	struct lwt_run r;
	size_t i;

	if (!have_fixture())
		return;
	r = read_fixture(0);
	ck_assert_uint_eq(r.img->nlayers, 14);
	for (i = 0; i < 14; i++)
		ck_assert_msg(r.img->layers[i].index->file_bytes ==
			      layer_sizes[i], "layer %zu: %llu bytes", i,
			      (unsigned long long)
			      r.img->layers[i].index->file_bytes);
	dive_eq(&r.an->dive, 0.9844212134184309, 32025, 0.4834911001404049,
		1220598, 66237);
	free_fixture(&r);
}
END_TEST

START_TEST(real_dive_test_image_our_figures)
{
	struct lwt_run r;
	int k;

	if (!have_fixture())
		return;
	r = read_fixture(0);
	ck_assert_uint_eq(r.an->total_bytes, 1220598);
	ck_assert_uint_eq(r.an->wasted_bytes, 32025);
	ck_assert_uint_eq(r.an->visible_bytes, 1220598 - 32025);
	ck_assert_uint_eq(r.an->by_kind[LW_KIND_CHMOD], 12810);
	ck_assert_uint_eq(r.an->files_by_kind[LW_KIND_CHMOD], 2);
	ck_assert_uint_eq(r.an->by_kind[LW_KIND_DELETE], 19215);
	ck_assert_uint_eq(r.an->files_by_kind[LW_KIND_DELETE], 3);
	for (k = 0; k < LW_KIND_COUNT; k++)
		if (k != LW_KIND_CHMOD && k != LW_KIND_DELETE)
			ck_assert_uint_eq(r.an->files_by_kind[k], 0);
	ck_assert_uint_eq(r.an->nfindings, 5);
	expect(r.an, "root/example/somefile1.txt", LW_KIND_CHMOD, 4, 3, 6405);
	expect(r.an, "root/saved.txt", LW_KIND_CHMOD, 13, 7, 6405);
	expect(r.an, "root/example/somefile3.txt", LW_KIND_DELETE, 7, 6, 6405);
	expect(r.an, "root/example/somefile1.txt", LW_KIND_DELETE, 9, 4, 6405);
	expect(r.an, "root/example/somefile2.txt", LW_KIND_DELETE, 9, 5, 6405);
	ck_assert_uint_eq(r.an->layers[4].wasted_bytes, 6405 * 2);
	ck_assert_uint_eq(r.an->layers[5].wasted_bytes, 6405);
	ck_assert_uint_eq(r.an->layers[6].wasted_bytes, 6405);
	ck_assert_uint_eq(r.an->layers[13].wasted_bytes, 6405);
	ck_assert_uint_eq(r.an->layers[3].wasted_bytes, 0);
	free_fixture(&r);
}
END_TEST

START_TEST(real_dive_test_image_copies_of_readme_are_duplicates)
{
	static const char *const want[] = {
		"root/.data/saved.again2.txt", "root/.saved.txt",
		"root/saved.txt", "somefile.txt", "tmp/saved.again1.txt",
	};
	const struct lw_dup_group *g = NULL;
	struct lwt_run r;
	size_t i;

	if (!have_fixture())
		return;
	r = read_fixture(1);
	for (i = 0; i < r.an->ndups; i++)
		if (r.an->dups[i].size == 6405)
			g = &r.an->dups[i];
	ck_assert_ptr_nonnull(g);
	ck_assert_uint_eq(g->count, 5);
	ck_assert_uint_eq(g->bytes, 4 * 6405);
	for (i = 0; i < 5; i++)
		ck_assert_str_eq(g->members[i].path, want[i]);
	ck_assert_uint_eq(r.an->wasted_bytes, 32025);
	free_fixture(&r);
}
END_TEST

static void find_fixture(int argc, char **argv)
{
	const char *name = "test-docker-image.tar";

	char *p;

	if (argc > 1) {
		snprintf(fixture_path, sizeof(fixture_path), "%s/%s", argv[1],
			 name);
		return;
	}
	p = lwt_peer_file(name);
	snprintf(fixture_path, sizeof(fixture_path), "%s", p);
	free(p);
}

static Suite *dive_suite(void)
{
	Suite *s = suite_create("dive");
	TCase *rules = tcase_create("rules");
	TCase *img = tcase_create("test_docker_image");
	TCase *real = tcase_create("real_test_docker_image");

	tcase_add_test(rules, every_copy_of_a_changed_path_is_wasted);
	tcase_add_test(rules, file_whiteout_adds_zero_but_makes_path_inefficient);
	tcase_add_test(rules, directory_whiteout_is_not_inefficient_once);
	tcase_add_test(rules, directory_whiteout_counts_when_the_path_repeats);
	tcase_add_test(rules, whiteout_of_implied_directory_adds_zero);
	tcase_add_test(rules, whiteout_of_implied_directory_weighs_nothing);
	tcase_add_test(rules, whiteout_of_explicit_directory_weighs_its_files);
	tcase_add_test(rules, opaque_hidden_file_still_sized_by_later_whiteout);
	tcase_add_test(rules, same_path_twice_in_one_tar_is_one_leaf);
	tcase_add_test(rules, opaque_marker_is_ignored);
	tcase_add_test(rules, new_paths_with_same_content_are_not_inefficient);
	tcase_add_test(rules, image_without_files_is_fully_efficient);
	tcase_add_test(rules, empty_first_layer_has_no_size);
	suite_add_tcase(s, rules);

	tcase_add_test(img, rebuilt_dive_test_image_gives_dive_figures);
	tcase_add_test(img, rebuilt_dive_test_image_gives_our_figures);
	suite_add_tcase(s, img);
	tcase_set_tags(real, LWT_PEER_TAG);
	tcase_add_test(real, real_dive_test_image_matches_dive);
	tcase_add_test(real, real_dive_test_image_our_figures);
	tcase_add_test(real, real_dive_test_image_copies_of_readme_are_duplicates);
	suite_add_tcase(s, real);
	return s;
}

int main(int argc, char **argv)
{
	find_fixture(argc, argv);
	return lwt_run_peer_suite(dive_suite());
}
