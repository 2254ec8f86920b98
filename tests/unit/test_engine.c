/* Unit tests of the waste engine: images of layer tars built in memory,
 * analysed, and checked against docs/definitions.md (kinds,
 * bytes, which layer is charged, duplicates, groups, order). Every test
 * also checks the invariants that hold for any image. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/engine.h"
#include "layerwaste/read.h"
#include "layerwaste/index.h"
#include "engine_priv.h"
#include "analysed.h"
#include "tarbuild.h"
#include "suite.h"

#define MAXL 8

static struct tb_layer *L[MAXL];

static void new_layers(size_t n)
{
	ck_assert_uint_le(n, MAXL);
	lwt_new_layers(L, n);
}

/* Who pays for a finding: a metadata copy is the upper layer's own waste,
 * an overwrite or delete makes the lower layer's bytes dead. */
static uint32_t charged(const struct lw_finding *f)
{
	return lw_kind_is_metadata(f->kind) ? f->layer : f->from_layer;
}

static int finding_cmp(const struct lw_finding *a, const struct lw_finding *b)
{
	if (a->layer != b->layer)
		return a->layer < b->layer ? -1 : 1;
	if (a->from_layer != b->from_layer)
		return a->from_layer < b->from_layer ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return strcmp(a->path, b->path);
}

/* What must hold for every analysis of every image. */
static void check_invariants(const struct lw_image *img,
			     const struct lw_analysis *an)
{
	uint64_t total = 0, sum = 0, dupsum = 0;
	uint64_t kb[LW_KIND_COUNT] = { 0 }, kf[LW_KIND_COUNT] = { 0 };
	uint64_t lb[MAXL] = { 0 }, lf[MAXL] = { 0 };
	size_t i, j, covered = 0;
	int k;

	ck_assert_uint_le(img->nlayers, MAXL);
	for (i = 0; i < img->nlayers; i++)
		total += img->layers[i].index->file_bytes;
	ck_assert_uint_eq(an->total_bytes, total);
	ck_assert_uint_le(an->visible_bytes, an->total_bytes);
	ck_assert_uint_eq(an->wasted_bytes,
			  an->total_bytes - an->visible_bytes);
	for (i = 0; i < an->nfindings; i++) {
		const struct lw_finding *f = &an->findings[i];

		ck_assert_int_lt(f->kind, LW_KIND_COUNT);
		ck_assert_uint_lt(f->layer, img->nlayers);
		ck_assert_uint_le(f->from_layer, f->layer);
		if (f->kind == LW_KIND_DELETE)
			ck_assert_int_eq(f->has_after, 0);
		else
			ck_assert_int_eq(f->has_after, 1);
		sum += f->bytes;
		kb[f->kind] += f->bytes;
		kf[f->kind]++;
		lb[charged(f)] += f->bytes;
		lf[charged(f)]++;
		if (i > 0)
			ck_assert_msg(finding_cmp(&an->findings[i - 1], f) < 0,
				      "findings %zu and %zu out of order "
				      "('%s', '%s')", i - 1, i,
				      an->findings[i - 1].path, f->path);
	}
	ck_assert_uint_eq(an->wasted_bytes, sum);
	for (k = 0; k < LW_KIND_COUNT; k++) {
		ck_assert_uint_eq(an->by_kind[k], kb[k]);
		ck_assert_uint_eq(an->files_by_kind[k], kf[k]);
	}
	for (i = 0; i < img->nlayers; i++) {
		ck_assert_msg(an->layers[i].wasted_bytes == lb[i],
			      "layer %zu charged %llu, want %llu", i,
			      (unsigned long long)an->layers[i].wasted_bytes,
			      (unsigned long long)lb[i]);
		ck_assert_uint_eq(an->layers[i].findings, lf[i]);
	}
	/* Groups partition the findings into runs of one (layer,
	 * from_layer, kind). */
	for (i = 0; i < an->ngroups; i++) {
		const struct lw_group *g = &an->groups[i];
		uint64_t gb = 0, gl;

		ck_assert_uint_gt(g->count, 0);
		ck_assert_uint_le(g->first + g->count, an->nfindings);
		ck_assert_uint_eq(g->files, g->count);
		gl = 0;
		for (j = g->first; j < g->first + g->count; j++) {
			/* A hidden hard link is a finding that stores 0. */
			if (an->findings[j].hardlink)
				ck_assert_uint_eq(an->findings[j].bytes, 0);
			gl += an->findings[j].hardlink;
			ck_assert_uint_eq(an->findings[j].layer, g->layer);
			ck_assert_uint_eq(an->findings[j].from_layer,
					  g->from_layer);
			ck_assert_int_eq(an->findings[j].kind, g->kind);
			gb += an->findings[j].bytes;
		}
		ck_assert_uint_eq(g->bytes, gb);
		ck_assert_uint_eq(g->links, gl);
		if (g->first > 0) {
			const struct lw_finding *p =
				&an->findings[g->first - 1];

			ck_assert(p->layer != g->layer ||
				  p->from_layer != g->from_layer ||
				  p->kind != g->kind);
		}
		if (i > 0) {
			const struct lw_group *q = &an->groups[i - 1];

			ck_assert(q->bytes > g->bytes ||
				  (q->bytes == g->bytes &&
				   q->layer <= g->layer));
		}
		covered += g->count;
	}
	ck_assert_uint_eq(covered, an->nfindings);
	for (i = 0; i < an->ndups; i++) {
		const struct lw_dup_group *d = &an->dups[i];

		ck_assert_uint_ge(d->count, 2);
		ck_assert_uint_eq(d->bytes, d->size * (d->count - 1));
		for (j = 1; j < d->count; j++)
			ck_assert(strcmp(d->members[j - 1].path,
					 d->members[j].path) < 0);
		if (i > 0)
			ck_assert_uint_ge(an->dups[i - 1].bytes, d->bytes);
		dupsum += d->bytes;
	}
	ck_assert_uint_eq(an->duplicate_bytes, dupsum);
}

static struct lwt_run analyze_dups(size_t n, int dups)
{
	struct lwt_run r = lwt_analyze(L, n, dups);

	ck_assert_ptr_nonnull(r.an);
	check_invariants(r.img, r.an);
	return r;
}

static struct lwt_run analyze(size_t n)
{
	return analyze_dups(n, 1);
}

static void totals(const struct lwt_run *r, uint64_t total, uint64_t visible)
{
	ck_assert_uint_eq(r->an->total_bytes, total);
	ck_assert_uint_eq(r->an->visible_bytes, visible);
	ck_assert_uint_eq(r->an->wasted_bytes, total - visible);
}

static size_t count_path(const struct lwt_run *r, const char *path)
{
	size_t i, n = 0;

	for (i = 0; i < r->an->nfindings; i++)
		if (strcmp(r->an->findings[i].path, path) == 0)
			n++;
	return n;
}

/* The one finding for path made by layer over from_layer. */
static const struct lw_finding *get(const struct lwt_run *r, const char *path,
				    uint32_t layer, uint32_t from)
{
	const struct lw_finding *hit = NULL;
	size_t i;

	for (i = 0; i < r->an->nfindings; i++) {
		const struct lw_finding *f = &r->an->findings[i];

		if (strcmp(f->path, path) || f->layer != layer ||
		    f->from_layer != from)
			continue;
		ck_assert_msg(hit == NULL, "two findings for '%s' %u<-%u",
			      path, layer, from);
		hit = f;
	}
	ck_assert_msg(hit != NULL, "no finding for '%s' in layer %u from %u",
		      path, layer, from);
	return hit;
}

static const struct lw_finding *expect(const struct lwt_run *r,
				       const char *path, int kind,
				       uint32_t layer, uint32_t from,
				       uint64_t bytes)
{
	const struct lw_finding *f = get(r, path, layer, from);

	ck_assert_msg(f->kind == kind, "'%s': kind %s, want %s", path,
		      lw_kind_name(f->kind), lw_kind_name(kind));
	ck_assert_uint_eq(f->bytes, bytes);
	return f;
}

static void meta_eq(const struct lw_meta *m, uint32_t uid, uint32_t gid,
		    uint32_t mode)
{
	ck_assert_uint_eq(m->uid, uid);
	ck_assert_uint_eq(m->gid, gid);
	ck_assert_uint_eq(m->mode, mode);
}

static void layer_waste(const struct lwt_run *r, uint64_t l0, uint64_t l1,
			uint64_t l2)
{
	const uint64_t want[3] = { l0, l1, l2 };
	size_t i;

	for (i = 0; i < 3 && i < r->img->nlayers; i++)
		ck_assert_msg(r->an->layers[i].wasted_bytes == want[i],
			      "layer %zu wasted %llu, want %llu", i,
			      (unsigned long long)r->an->layers[i].wasted_bytes,
			      (unsigned long long)want[i]);
}

/* ---- metadata-only copies ---- */

START_TEST(chown_when_uid_differs)
{
	struct lwt_run r;
	const struct lw_finding *f;

	new_layers(2);
	tb_dir(L[0], "app/", 0755);
	tb_file(L[0], "app/x", "hello", 0, 0, 0644);
	tb_dir(L[1], "app/", 0755);
	tb_file(L[1], "app/x", "hello", 1000, 0, 0644);
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 1);
	f = expect(&r, "app/x", LW_KIND_CHOWN, 1, 0, 5);
	ck_assert_int_eq(f->has_after, 1);
	ck_assert_int_eq(f->after_type, LW_ENTRY_FILE);
	meta_eq(&f->before, 0, 0, 0644);
	meta_eq(&f->after, 1000, 0, 0644);
	totals(&r, 10, 5);
	layer_waste(&r, 0, 5, 0);
	ck_assert_uint_eq(r.an->by_kind[LW_KIND_CHOWN], 5);
	ck_assert_uint_eq(r.an->files_by_kind[LW_KIND_CHOWN], 1);
	ck_assert_uint_eq(r.an->layers[1].findings, 1);
	ck_assert_uint_eq(r.an->layers[0].findings, 0);
	lwt_run_free(&r);
}
END_TEST

START_TEST(chown_when_only_gid_differs)
{
	struct lwt_run r;
	const struct lw_finding *f;

	new_layers(2);
	tb_file(L[0], "x", "hello", 0, 0, 0644);
	tb_file(L[1], "x", "hello", 0, 50, 0644);
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 1);
	f = expect(&r, "x", LW_KIND_CHOWN, 1, 0, 5);
	meta_eq(&f->after, 0, 50, 0644);
	totals(&r, 10, 5);
	lwt_run_free(&r);
}
END_TEST

START_TEST(chmod_when_mode_differs)
{
	struct lwt_run r;
	const struct lw_finding *f;

	new_layers(2);
	tb_file(L[0], "bin/run", "#!/bin/sh\n", 0, 0, 0644);
	tb_file(L[1], "bin/run", "#!/bin/sh\n", 0, 0, 0755);
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 1);
	f = expect(&r, "bin/run", LW_KIND_CHMOD, 1, 0, 10);
	meta_eq(&f->before, 0, 0, 0644);
	meta_eq(&f->after, 0, 0, 0755);
	totals(&r, 20, 10);
	layer_waste(&r, 0, 10, 0);
	ck_assert_uint_eq(r.an->by_kind[LW_KIND_CHMOD], 10);
	lwt_run_free(&r);
}
END_TEST

START_TEST(chmod_when_only_setuid_bit_differs)
{
	struct lwt_run r;
	const struct lw_finding *f;

	new_layers(2);
	tb_file(L[0], "bin/su", "su", 0, 0, 0755);
	tb_file(L[1], "bin/su", "su", 0, 0, 04755);
	r = analyze(2);
	f = expect(&r, "bin/su", LW_KIND_CHMOD, 1, 0, 2);
	ck_assert_uint_eq(f->after.mode, 04755);
	lwt_run_free(&r);
}
END_TEST

START_TEST(chown_chmod_when_both_differ)
{
	struct lwt_run r;
	const struct lw_finding *f;

	new_layers(2);
	tb_file(L[0], "x", "content", 0, 0, 0644);
	tb_file(L[1], "x", "content", 1000, 1000, 0600);
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 1);
	f = expect(&r, "x", LW_KIND_CHOWN_CHMOD, 1, 0, 7);
	meta_eq(&f->before, 0, 0, 0644);
	meta_eq(&f->after, 1000, 1000, 0600);
	totals(&r, 14, 7);
	layer_waste(&r, 0, 7, 0);
	ck_assert_uint_eq(r.an->files_by_kind[LW_KIND_CHOWN_CHMOD], 1);
	lwt_run_free(&r);
}
END_TEST

START_TEST(touch_when_only_mtime_differs)
{
	struct lwt_run r;

	new_layers(2);
	tb_file_mtime(L[0], "x", "stamp", 0, 0, 0644, 1000);
	tb_file_mtime(L[1], "x", "stamp", 0, 0, 0644, 2000);
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 1);
	expect(&r, "x", LW_KIND_TOUCH, 1, 0, 5);
	totals(&r, 10, 5);
	layer_waste(&r, 0, 5, 0);
	lwt_run_free(&r);
}
END_TEST

START_TEST(touch_when_only_xattrs_differ)
{
	struct lwt_run r;

	new_layers(2);
	tb_file(L[0], "x", "attrs", 0, 0, 0644);
	tb_file_xattr(L[1], "x", "attrs", 0, 0, 0644, "user.note", "v");
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 1);
	expect(&r, "x", LW_KIND_TOUCH, 1, 0, 5);
	lwt_run_free(&r);
}
END_TEST

START_TEST(identical_copy_is_touch)
{
	struct lwt_run r;

	new_layers(2);
	tb_file(L[0], "x", "same", 0, 0, 0644);
	tb_file(L[1], "x", "same", 0, 0, 0644);
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 1);
	expect(&r, "x", LW_KIND_TOUCH, 1, 0, 4);
	totals(&r, 8, 4);
	lwt_run_free(&r);
}
END_TEST

START_TEST(chown_r_of_a_tree_is_one_group)
{
	struct lwt_run r;

	new_layers(2);
	tb_dir(L[0], "app/", 0755);
	tb_dir(L[0], "app/lib/", 0755);
	tb_file(L[0], "app/a", "aaaa", 0, 0, 0644);
	tb_file(L[0], "app/lib/b", "bbbbbbbb", 0, 0, 0644);
	tb_file(L[0], "app/lib/c", "cc", 0, 0, 0755);
	tb_dir(L[1], "app/", 0755);
	tb_dir(L[1], "app/lib/", 0755);
	tb_file(L[1], "app/a", "aaaa", 1000, 1000, 0644);
	tb_file(L[1], "app/lib/b", "bbbbbbbb", 1000, 1000, 0644);
	tb_file(L[1], "app/lib/c", "cc", 1000, 1000, 0755);
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 3);
	expect(&r, "app/a", LW_KIND_CHOWN, 1, 0, 4);
	expect(&r, "app/lib/b", LW_KIND_CHOWN, 1, 0, 8);
	expect(&r, "app/lib/c", LW_KIND_CHOWN, 1, 0, 2);
	ck_assert_uint_eq(r.an->ngroups, 1);
	ck_assert_uint_eq(r.an->groups[0].bytes, 14);
	ck_assert_uint_eq(r.an->groups[0].files, 3);
	ck_assert_uint_eq(r.an->groups[0].layer, 1);
	ck_assert_uint_eq(r.an->groups[0].from_layer, 0);
	ck_assert_int_eq(r.an->groups[0].kind, LW_KIND_CHOWN);
	totals(&r, 28, 14);
	lwt_run_free(&r);
}
END_TEST

/* ---- content changes ---- */

START_TEST(overwrite_same_size_other_content)
{
	struct lwt_run r;
	const struct lw_finding *f;

	new_layers(2);
	tb_file(L[0], "etc/conf", "hello", 0, 0, 0644);
	tb_file(L[1], "etc/conf", "world", 0, 0, 0644);
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 1);
	f = expect(&r, "etc/conf", LW_KIND_OVERWRITE, 1, 0, 5);
	ck_assert_int_eq(f->has_after, 1);
	ck_assert_int_eq(f->after_type, LW_ENTRY_FILE);
	totals(&r, 10, 5);
	layer_waste(&r, 5, 0, 0);
	ck_assert_uint_eq(r.an->by_kind[LW_KIND_OVERWRITE], 5);
	lwt_run_free(&r);
}
END_TEST

START_TEST(overwrite_counts_lower_size)
{
	struct lwt_run r;

	new_layers(3);
	tb_file(L[0], "grow", "hello", 0, 0, 0644);
	tb_file(L[0], "shrink", "a longer text", 0, 0, 0644);
	tb_file(L[1], "grow", "a longer text", 0, 0, 0644);
	tb_file(L[1], "shrink", "hi", 0, 0, 0644);
	tb_file(L[2], "unrelated", "u", 0, 0, 0644);
	r = analyze(3);
	ck_assert_uint_eq(r.an->nfindings, 2);
	expect(&r, "grow", LW_KIND_OVERWRITE, 1, 0, 5);
	expect(&r, "shrink", LW_KIND_OVERWRITE, 1, 0, 13);
	totals(&r, 5 + 13 + 13 + 2 + 1, 13 + 2 + 1);
	layer_waste(&r, 18, 0, 0);
	lwt_run_free(&r);
}
END_TEST

START_TEST(overwrite_with_new_owner_is_still_overwrite)
{
	struct lwt_run r;
	const struct lw_finding *f;

	new_layers(2);
	tb_file(L[0], "x", "old", 0, 0, 0644);
	tb_file(L[1], "x", "new", 1000, 1000, 0600);
	r = analyze(2);
	f = expect(&r, "x", LW_KIND_OVERWRITE, 1, 0, 3);
	meta_eq(&f->before, 0, 0, 0644);
	meta_eq(&f->after, 1000, 1000, 0600);
	lwt_run_free(&r);
}
END_TEST

/* ---- deletes ---- */

START_TEST(file_whiteout_is_delete)
{
	struct lwt_run r;
	const struct lw_finding *f;

	new_layers(2);
	tb_dir(L[0], "d/", 0755);
	tb_file(L[0], "d/x", "hello", 7, 8, 0640);
	tb_file(L[0], "d/y", "keep", 0, 0, 0644);
	tb_dir(L[1], "d/", 0755);
	tb_whiteout(L[1], "d", "x");
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 1);
	f = expect(&r, "d/x", LW_KIND_DELETE, 1, 0, 5);
	ck_assert_int_eq(f->has_after, 0);
	meta_eq(&f->before, 7, 8, 0640);
	totals(&r, 9, 4);
	layer_waste(&r, 5, 0, 0);
	ck_assert_uint_eq(r.an->by_kind[LW_KIND_DELETE], 5);
	ck_assert_uint_eq(r.an->files_by_kind[LW_KIND_DELETE], 1);
	lwt_run_free(&r);
}
END_TEST

START_TEST(file_whiteout_hides_only_that_name)
{
	struct lwt_run r;

	new_layers(2);
	tb_file(L[0], "d/x", "1", 0, 0, 0644);
	tb_file(L[0], "d/xy", "22", 0, 0, 0644);
	tb_file(L[0], "d/x.bak", "333", 0, 0, 0644);
	tb_file(L[0], "d/x-1/f", "4444", 0, 0, 0644);
	tb_whiteout(L[1], "d", "x");
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 1);
	expect(&r, "d/x", LW_KIND_DELETE, 1, 0, 1);
	totals(&r, 10, 9);
	lwt_run_free(&r);
}
END_TEST

START_TEST(directory_whiteout_deletes_every_file_under_it)
{
	struct lwt_run r;

	new_layers(2);
	tb_dir(L[0], "d/", 0755);
	tb_dir(L[0], "d/sub/", 0755);
	tb_file(L[0], "d/a", "aaa", 0, 0, 0644);
	tb_file(L[0], "d/sub/b", "bbbb", 0, 0, 0644);
	tb_symlink(L[0], "d/link", "a");
	tb_file(L[0], "d-e/f", "fffff", 0, 0, 0644);
	tb_file(L[0], "dx", "xxxxxx", 0, 0, 0644);
	tb_whiteout(L[1], "", "d");
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 2);
	expect(&r, "d/a", LW_KIND_DELETE, 1, 0, 3);
	expect(&r, "d/sub/b", LW_KIND_DELETE, 1, 0, 4);
	ck_assert_uint_eq(count_path(&r, "d-e/f"), 0);
	ck_assert_uint_eq(count_path(&r, "dx"), 0);
	totals(&r, 18, 11);
	layer_waste(&r, 7, 0, 0);
	ck_assert_uint_eq(r.an->files_by_kind[LW_KIND_DELETE], 2);
	lwt_run_free(&r);
}
END_TEST

START_TEST(directory_whiteout_spares_same_layer_entries)
{
	struct lwt_run r;

	new_layers(2);
	tb_file(L[0], "d/a", "aaa", 0, 0, 0644);
	/* The new file comes first in the tar, the whiteout after it. */
	tb_file(L[1], "d/b", "bb", 0, 0, 0644);
	tb_whiteout(L[1], "", "d");
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 1);
	expect(&r, "d/a", LW_KIND_DELETE, 1, 0, 3);
	totals(&r, 5, 2);
	lwt_run_free(&r);
}
END_TEST

START_TEST(opaque_hides_lower_entries_under_its_directory)
{
	struct lwt_run r;

	new_layers(2);
	tb_dir(L[0], "d/", 0755);
	tb_file(L[0], "d/a", "aaa", 0, 0, 0644);
	tb_file(L[0], "d/sub/b", "bbbb", 0, 0, 0644);
	tb_file(L[0], "dd/e", "eeeee", 0, 0, 0644);
	tb_file(L[0], "other/c", "cc", 0, 0, 0644);
	tb_dir(L[1], "d/", 0755);
	tb_opaque(L[1], "d");
	tb_file(L[1], "d/new", "nnnnnnn", 0, 0, 0644);
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 2);
	expect(&r, "d/a", LW_KIND_DELETE, 1, 0, 3);
	expect(&r, "d/sub/b", LW_KIND_DELETE, 1, 0, 4);
	ck_assert_uint_eq(count_path(&r, "d/new"), 0);
	totals(&r, 21, 14);
	layer_waste(&r, 7, 0, 0);
	lwt_run_free(&r);
}
END_TEST

START_TEST(opaque_after_same_layer_entries_spares_them)
{
	struct lwt_run r;

	new_layers(2);
	tb_file(L[0], "d/a", "aaa", 0, 0, 0644);
	tb_file(L[1], "d/new", "nnnnnnn", 0, 0, 0644);
	tb_file(L[1], "d/sub/deep", "dd", 0, 0, 0644);
	tb_opaque(L[1], "d");
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 1);
	expect(&r, "d/a", LW_KIND_DELETE, 1, 0, 3);
	totals(&r, 12, 9);
	lwt_run_free(&r);
}
END_TEST

START_TEST(opaque_at_root_hides_every_lower_entry)
{
	struct lwt_run r;

	new_layers(2);
	tb_file(L[0], "a", "aaa", 0, 0, 0644);
	tb_file(L[0], "b/c", "cccc", 0, 0, 0644);
	tb_opaque(L[1], "");
	tb_file(L[1], "n", "nn", 0, 0, 0644);
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 2);
	expect(&r, "a", LW_KIND_DELETE, 1, 0, 3);
	expect(&r, "b/c", LW_KIND_DELETE, 1, 0, 4);
	totals(&r, 9, 2);
	lwt_run_free(&r);
}
END_TEST

START_TEST(opaque_and_same_path_readded_counts_lower_once)
{
	struct lwt_run r;
	const struct lw_finding *f;

	new_layers(2);
	tb_file(L[0], "d/a", "old", 0, 0, 0644);
	tb_opaque(L[1], "d");
	tb_file(L[1], "d/a", "newer", 0, 0, 0644);
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 1);
	f = get(&r, "d/a", 1, 0);
	ck_assert(f->kind == LW_KIND_DELETE || f->kind == LW_KIND_OVERWRITE);
	ck_assert_uint_eq(f->bytes, 3);
	totals(&r, 8, 5);
	lwt_run_free(&r);
}
END_TEST

/* rm x && echo > x in one step can leave both a whiteout and the new file
 * in a layer, in either order: the new file stays, the lower is hidden. */
static int whiteout_and_readd(int whiteout_first)
{
	struct lwt_run r;
	const struct lw_finding *f;
	int kind;

	new_layers(2);
	tb_file(L[0], "d/x", "hello", 0, 0, 0644);
	tb_file(L[0], "d/y", "yy", 0, 0, 0644);
	if (whiteout_first)
		tb_whiteout(L[1], "d", "x");
	tb_file(L[1], "d/x", "replaced!", 0, 0, 0644);
	if (!whiteout_first)
		tb_whiteout(L[1], "d", "x");
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 1);
	f = get(&r, "d/x", 1, 0);
	ck_assert(f->kind == LW_KIND_DELETE || f->kind == LW_KIND_OVERWRITE);
	ck_assert_uint_eq(f->bytes, 5);
	totals(&r, 16, 11);
	layer_waste(&r, 5, 0, 0);
	kind = f->kind;
	lwt_run_free(&r);
	return kind;
}

START_TEST(whiteout_order_in_tar_does_not_matter)
{
	int before = whiteout_and_readd(1);
	int after = whiteout_and_readd(0);

	ck_assert_int_eq(before, after);
}
END_TEST

START_TEST(whiteout_of_a_path_only_in_its_own_layer_hides_nothing)
{
	struct lwt_run r;

	new_layers(2);
	tb_file(L[0], "other", "o", 0, 0, 0644);
	tb_file(L[1], "x", "data", 0, 0, 0644);
	tb_whiteout(L[1], "", "x");
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 0);
	totals(&r, 5, 5);
	lwt_run_free(&r);
}
END_TEST

START_TEST(whiteout_of_missing_path_adds_nothing)
{
	struct lwt_run r;

	new_layers(2);
	tb_file(L[0], "a", "aaaa", 0, 0, 0644);
	tb_whiteout(L[1], "", "never-existed");
	tb_whiteout(L[1], "nodir", "nofile");
	tb_opaque(L[1], "emptydir");
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 0);
	totals(&r, 4, 4);
	lwt_run_free(&r);
}
END_TEST

/* ---- several layers ---- */

START_TEST(file_changed_twice_gives_two_findings)
{
	struct lwt_run r;
	const struct lw_finding *f;

	new_layers(3);
	tb_file(L[0], "f", "aaa", 0, 0, 0644);
	tb_file(L[1], "f", "aaa", 1, 1, 0644);
	tb_file(L[2], "f", "aaa", 1, 1, 0600);
	r = analyze(3);
	ck_assert_uint_eq(r.an->nfindings, 2);
	f = expect(&r, "f", LW_KIND_CHOWN, 1, 0, 3);
	meta_eq(&f->before, 0, 0, 0644);
	meta_eq(&f->after, 1, 1, 0644);
	f = expect(&r, "f", LW_KIND_CHMOD, 2, 1, 3);
	meta_eq(&f->before, 1, 1, 0644);
	meta_eq(&f->after, 1, 1, 0600);
	totals(&r, 9, 3);
	layer_waste(&r, 0, 3, 3);
	lwt_run_free(&r);
}
END_TEST

START_TEST(overwrite_then_delete_charges_each_lower_layer)
{
	struct lwt_run r;

	new_layers(3);
	tb_file(L[0], "f", "aaa", 0, 0, 0644);
	tb_file(L[1], "f", "bbbb", 0, 0, 0644);
	tb_whiteout(L[2], "", "f");
	r = analyze(3);
	ck_assert_uint_eq(r.an->nfindings, 2);
	expect(&r, "f", LW_KIND_OVERWRITE, 1, 0, 3);
	expect(&r, "f", LW_KIND_DELETE, 2, 1, 4);
	totals(&r, 7, 0);
	layer_waste(&r, 3, 4, 0);
	lwt_run_free(&r);
}
END_TEST

START_TEST(file_from_older_layer_compared_with_visible_copy)
{
	struct lwt_run r;

	/* Layer 1 does not touch f: layer 2's copy hides layer 0's. */
	new_layers(3);
	tb_file(L[0], "f", "same", 0, 0, 0644);
	tb_file(L[1], "g", "g", 0, 0, 0644);
	tb_file(L[2], "f", "same", 0, 0, 0755);
	r = analyze(3);
	ck_assert_uint_eq(r.an->nfindings, 1);
	expect(&r, "f", LW_KIND_CHMOD, 2, 0, 4);
	layer_waste(&r, 0, 0, 4);
	lwt_run_free(&r);
}
END_TEST

START_TEST(deleted_then_readded_compares_with_nothing)
{
	struct lwt_run r;

	new_layers(3);
	tb_file(L[0], "f", "same", 0, 0, 0644);
	tb_whiteout(L[1], "", "f");
	tb_file(L[2], "f", "same", 0, 0, 0644);
	r = analyze(3);
	ck_assert_uint_eq(r.an->nfindings, 1);
	expect(&r, "f", LW_KIND_DELETE, 1, 0, 4);
	totals(&r, 8, 4);
	lwt_run_free(&r);
}
END_TEST

/* ---- hard links ---- */

START_TEST(hardlink_adds_no_bytes)
{
	struct lwt_run r;

	new_layers(1);
	tb_file(L[0], "bin/a", "hello", 0, 0, 0755);
	tb_hardlink_meta(L[0], "bin/b", "bin/a", 0, 0, 0755);
	tb_hardlink_meta(L[0], "bin/c", "bin/a", 0, 0, 0755);
	r = analyze(1);
	ck_assert_uint_eq(r.an->nfindings, 0);
	totals(&r, 5, 5);
	ck_assert_uint_eq(r.an->file_count, 3);
	lwt_run_free(&r);
}
END_TEST

START_TEST(hardlink_over_lower_file_with_same_content_is_metadata)
{
	struct lwt_run r;
	const struct lw_finding *f;

	new_layers(2);
	tb_file(L[0], "x", "hello", 0, 0, 0644);
	tb_file(L[1], "t", "hello", 1000, 1000, 0644);
	tb_hardlink_meta(L[1], "x", "t", 1000, 1000, 0644);
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 1);
	f = expect(&r, "x", LW_KIND_CHOWN, 1, 0, 5);
	ck_assert(lw_kind_is_metadata(f->kind));
	meta_eq(&f->before, 0, 0, 0644);
	ck_assert_uint_eq(f->after.uid, 1000);
	totals(&r, 10, 5);
	layer_waste(&r, 0, 5, 0);
	lwt_run_free(&r);
}
END_TEST

START_TEST(hardlink_over_lower_file_with_other_content_is_overwrite)
{
	struct lwt_run r;

	new_layers(2);
	tb_file(L[0], "x", "hello", 0, 0, 0644);
	tb_file(L[1], "t", "other content", 0, 0, 0644);
	tb_hardlink_meta(L[1], "x", "t", 0, 0, 0644);
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 1);
	expect(&r, "x", LW_KIND_OVERWRITE, 1, 0, 5);
	totals(&r, 18, 13);
	layer_waste(&r, 5, 0, 0);
	lwt_run_free(&r);
}
END_TEST

START_TEST(deleting_lower_hardlink_frees_nothing)
{
	struct lwt_run r;
	const struct lw_finding *f;

	/* The link is a finding, of 0 bytes: it stored none. */
	new_layers(2);
	tb_file(L[0], "a", "hello", 0, 0, 0644);
	tb_hardlink_meta(L[0], "b", "a", 0, 0, 0644);
	tb_whiteout(L[1], "", "b");
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 1);
	f = expect(&r, "b", LW_KIND_DELETE, 1, 0, 0);
	ck_assert_uint_eq(f->hardlink, 1);
	ck_assert_uint_eq(r.an->files_by_kind[LW_KIND_DELETE], 1);
	ck_assert_uint_eq(r.an->groups[0].links, 1);
	totals(&r, 5, 5);
	lwt_run_free(&r);
}
END_TEST

/* A chown -R over a directory holding hard links: buildah stores the file
 * and its links again; each link is a chown finding of 0 bytes. */
START_TEST(chown_r_over_hardlinks_counts_every_link)
{
	struct lwt_run r;
	const struct lw_finding *f;

	new_layers(2);
	tb_dir(L[0], "d", 0755);
	tb_file(L[0], "d/a", "hello", 0, 0, 0644);
	tb_hardlink_meta(L[0], "d/b", "d/a", 0, 0, 0644);
	tb_hardlink_meta(L[0], "d/c", "d/a", 0, 0, 0644);
	tb_dir(L[1], "d", 0755);
	tb_file(L[1], "d/a", "hello", 33, 33, 0644);
	tb_hardlink_meta(L[1], "d/b", "d/a", 33, 33, 0644);
	tb_hardlink_meta(L[1], "d/c", "d/a", 33, 33, 0644);
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 3);
	f = expect(&r, "d/a", LW_KIND_CHOWN, 1, 0, 5);
	ck_assert_uint_eq(f->hardlink, 0);
	f = expect(&r, "d/b", LW_KIND_CHOWN, 1, 0, 0);
	ck_assert_uint_eq(f->hardlink, 1);
	meta_eq(&f->before, 0, 0, 0644);
	meta_eq(&f->after, 33, 33, 0644);
	ck_assert_uint_eq(f->after_type, LW_ENTRY_HARDLINK);
	expect(&r, "d/c", LW_KIND_CHOWN, 1, 0, 0);
	ck_assert_uint_eq(r.an->files_by_kind[LW_KIND_CHOWN], 3);
	ck_assert_uint_eq(r.an->by_kind[LW_KIND_CHOWN], 5);
	ck_assert_uint_eq(r.an->ngroups, 1);
	ck_assert_uint_eq(r.an->groups[0].files, 3);
	ck_assert_uint_eq(r.an->groups[0].links, 2);
	ck_assert_uint_eq(r.an->layers[1].findings, 3);
	totals(&r, 10, 5);
	layer_waste(&r, 0, 5, 0);
	lwt_run_free(&r);
}
END_TEST

/* The kind of a hidden link follows its content (its target's) and its
 * own header's owner and mode. */
START_TEST(hidden_hardlink_kind_follows_content_and_metadata)
{
	struct lwt_run r;

	new_layers(2);
	tb_file(L[0], "a", "hello", 0, 0, 0644);
	tb_hardlink_meta(L[0], "m", "a", 0, 0, 0644);
	tb_hardlink_meta(L[0], "o", "a", 0, 0, 0644);
	tb_hardlink_meta(L[0], "t", "a", 0, 0, 0644);
	tb_file(L[1], "m", "hello", 0, 0, 0750);
	tb_file(L[1], "o", "HELLO", 0, 0, 0644);
	tb_file(L[1], "t", "hello", 0, 0, 0644);
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 3);
	expect(&r, "m", LW_KIND_CHMOD, 1, 0, 0);
	expect(&r, "o", LW_KIND_OVERWRITE, 1, 0, 0);
	expect(&r, "t", LW_KIND_TOUCH, 1, 0, 0);
	totals(&r, 20, 20);
	lwt_run_free(&r);
}
END_TEST

START_TEST(hardlinks_hidden_by_opaque_or_type_change_are_deletes)
{
	struct lwt_run r;
	const struct lw_finding *f;

	new_layers(2);
	tb_file(L[0], "d/a", "hello", 0, 0, 0644);
	tb_hardlink_meta(L[0], "d/b", "d/a", 0, 0, 0644);
	tb_file(L[0], "e", "abc", 0, 0, 0644);
	tb_hardlink_meta(L[0], "s", "e", 0, 0, 0644);
	tb_opaque(L[1], "d");
	tb_dir(L[1], "s", 0755);
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 3);
	expect(&r, "d/a", LW_KIND_DELETE, 1, 0, 5);
	f = expect(&r, "d/b", LW_KIND_DELETE, 1, 0, 0);
	ck_assert_uint_eq(f->hardlink, 1);
	f = expect(&r, "s", LW_KIND_DELETE, 1, 0, 0);
	ck_assert_uint_eq(f->hardlink, 1);
	ck_assert_uint_eq(f->has_after, 0);
	ck_assert_uint_eq(r.an->files_by_kind[LW_KIND_DELETE], 3);
	totals(&r, 8, 3);
	layer_waste(&r, 5, 0, 0);
	lwt_run_free(&r);
}
END_TEST

START_TEST(deleting_link_target_counts_its_bytes)
{
	struct lwt_run r;

	/* b still reaches the content, but its entry stores no bytes:
	 * by the invariant a's 5 bytes are no longer stored visibly. */
	new_layers(2);
	tb_file(L[0], "a", "hello", 0, 0, 0644);
	tb_hardlink_meta(L[0], "b", "a", 0, 0, 0644);
	tb_whiteout(L[1], "", "a");
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 1);
	expect(&r, "a", LW_KIND_DELETE, 1, 0, 5);
	totals(&r, 5, 0);
	lwt_run_free(&r);
}
END_TEST

/* ---- entries without bytes, and type changes ---- */

START_TEST(symlinks_and_directories_give_no_findings)
{
	struct lwt_run r;

	new_layers(3);
	tb_dir(L[0], "d/", 0755);
	tb_symlink(L[0], "s", "a");
	tb_symlink(L[0], "gone", "a");
	tb_dir(L[0], "gonedir/", 0755);
	tb_dir(L[1], "d/", 0700);
	tb_symlink(L[1], "s", "b");
	tb_whiteout(L[2], "", "gone");
	tb_whiteout(L[2], "", "gonedir");
	r = analyze(3);
	ck_assert_uint_eq(r.an->nfindings, 0);
	ck_assert_uint_eq(r.an->ngroups, 0);
	totals(&r, 0, 0);
	lwt_run_free(&r);
}
END_TEST

/* `rm f && mkdir f`: the file is gone, nothing took its content. */
START_TEST(file_replaced_by_directory_is_delete)
{
	struct lwt_run r;
	const struct lw_finding *f;

	new_layers(2);
	tb_file(L[0], "f", "hello", 0, 0, 0644);
	tb_dir(L[1], "f/", 0755);
	tb_file(L[1], "f/inner", "in", 0, 0, 0644);
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 1);
	f = expect(&r, "f", LW_KIND_DELETE, 1, 0, 5);
	ck_assert_int_eq(f->has_after, 0);
	totals(&r, 7, 2);
	layer_waste(&r, 5, 0, 0);
	lwt_run_free(&r);
}
END_TEST

START_TEST(file_replaced_by_symlink_is_delete)
{
	struct lwt_run r;
	const struct lw_finding *f;

	new_layers(2);
	tb_file(L[0], "etc/conf", "hello", 0, 0, 0644);
	tb_symlink(L[1], "etc/conf", "/run/conf");
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 1);
	f = expect(&r, "etc/conf", LW_KIND_DELETE, 1, 0, 5);
	ck_assert_int_eq(f->has_after, 0);
	totals(&r, 5, 0);
	lwt_run_free(&r);
}
END_TEST

START_TEST(directory_replaced_by_file_deletes_files_below)
{
	struct lwt_run r;

	new_layers(2);
	tb_dir(L[0], "d/", 0755);
	tb_file(L[0], "d/a", "aaa", 0, 0, 0644);
	tb_file(L[0], "d/s/b", "bbbb", 0, 0, 0644);
	tb_file(L[0], "d.txt", "t", 0, 0, 0644);
	tb_file(L[1], "d", "zz", 0, 0, 0644);
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 2);
	expect(&r, "d/a", LW_KIND_DELETE, 1, 0, 3);
	expect(&r, "d/s/b", LW_KIND_DELETE, 1, 0, 4);
	ck_assert_uint_eq(count_path(&r, "d"), 0);
	totals(&r, 10, 3);
	layer_waste(&r, 7, 0, 0);
	lwt_run_free(&r);
}
END_TEST

/* Layer tars need not hold their parent directories (rules_oci, hand-made
 * tars): extraction creates them, and a file entry later put at such a
 * path removes the directory and everything in it. */
START_TEST(implied_directory_replaced_by_file_deletes_files_below)
{
	struct lwt_run r;

	new_layers(2);
	tb_file(L[0], "d/a", "aaa", 0, 0, 0644);
	tb_file(L[0], "d/s/b", "bbbb", 0, 0, 0644);
	tb_file(L[1], "d", "zz", 0, 0, 0644);
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 2);
	expect(&r, "d/a", LW_KIND_DELETE, 1, 0, 3);
	expect(&r, "d/s/b", LW_KIND_DELETE, 1, 0, 4);
	totals(&r, 9, 2);
	lwt_run_free(&r);
}
END_TEST

START_TEST(hardlink_with_missing_target_over_lower_file)
{
	struct lwt_run r;

	new_layers(2);
	tb_file(L[0], "x", "hello", 0, 0, 0644);
	tb_hardlink_meta(L[1], "x", "nowhere", 0, 0, 0644);
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 1);
	expect(&r, "x", LW_KIND_OVERWRITE, 1, 0, 5);
	totals(&r, 5, 0);
	lwt_run_free(&r);
}
END_TEST

START_TEST(same_path_twice_in_one_tar_last_wins)
{
	struct lwt_run r;

	new_layers(2);
	tb_file(L[0], "f", "first", 0, 0, 0644);
	tb_file(L[0], "f", "second!", 0, 0, 0644);
	tb_file(L[1], "f", "second!", 1000, 0, 0644);
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 2);
	expect(&r, "f", LW_KIND_OVERWRITE, 0, 0, 5);
	/* The copy compared with layer 1 is the second one. */
	expect(&r, "f", LW_KIND_CHOWN, 1, 0, 7);
	totals(&r, 19, 7);
	layer_waste(&r, 5, 7, 0);
	lwt_run_free(&r);
}
END_TEST

START_TEST(empty_files_waste_nothing)
{
	struct lwt_run r;
	size_t i;

	new_layers(2);
	tb_file(L[0], "e", NULL, 0, 0, 0644);
	tb_file(L[0], "g", NULL, 0, 0, 0644);
	tb_file(L[0], "h", NULL, 0, 0, 0644);
	tb_file(L[1], "e", NULL, 1000, 0, 0644);
	tb_whiteout(L[1], "", "g");
	tb_file(L[1], "h", "now full", 0, 0, 0644);
	tb_file(L[1], "k", NULL, 0, 0, 0644);
	r = analyze(2);
	for (i = 0; i < r.an->nfindings; i++)
		ck_assert_uint_eq(r.an->findings[i].bytes, 0);
	totals(&r, 8, 8);
	for (i = 0; i < r.an->ndups; i++)
		ck_assert_uint_eq(r.an->dups[i].bytes, 0);
	ck_assert_uint_eq(r.an->duplicate_bytes, 0);
	lwt_run_free(&r);
}
END_TEST

START_TEST(image_without_changes_has_no_findings)
{
	struct lwt_run r;

	new_layers(2);
	tb_dir(L[0], "usr/", 0755);
	tb_file(L[0], "usr/a", "a", 0, 0, 0644);
	tb_file(L[1], "usr/b", "bb", 0, 0, 0644);
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 0);
	ck_assert_uint_eq(r.an->ngroups, 0);
	ck_assert_uint_eq(r.an->file_count, 2);
	totals(&r, 3, 3);
	ck_assert(lw_analysis_wasted_percent(r.an) == 0.0);
	lwt_run_free(&r);
}
END_TEST

START_TEST(empty_layers_are_harmless)
{
	struct lwt_run r;

	new_layers(3);
	tb_file(L[1], "f", "data", 0, 0, 0644);
	r = analyze(3);
	ck_assert_uint_eq(r.an->nfindings, 0);
	ck_assert_uint_eq(r.an->file_count, 1);
	totals(&r, 4, 4);
	lwt_run_free(&r);
}
END_TEST

START_TEST(image_of_empty_layers_only)
{
	struct lwt_run r;

	new_layers(2);
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 0);
	ck_assert_uint_eq(r.an->ndups, 0);
	ck_assert_uint_eq(r.an->file_count, 0);
	totals(&r, 0, 0);
	ck_assert(lw_analysis_wasted_percent(r.an) == 0.0);
	lwt_run_free(&r);
}
END_TEST

START_TEST(wasted_percent_is_of_total)
{
	struct lwt_run r;

	new_layers(2);
	tb_file(L[0], "x", "0123456789", 0, 0, 0644);
	tb_file(L[0], "y", "0123456789", 0, 0, 0644);
	tb_whiteout(L[1], "", "x");
	r = analyze(2);
	totals(&r, 20, 10);
	ck_assert_double_eq_tol(lw_analysis_wasted_percent(r.an), 50.0,
				1e-9);
	lwt_run_free(&r);
}
END_TEST

/* ---- duplicates ---- */

START_TEST(duplicates_found_across_paths_and_layers)
{
	struct lwt_run r;
	const struct lw_dup_group *d;

	new_layers(2);
	tb_file(L[0], "a", "same content", 0, 0, 0644);
	tb_file(L[0], "b", "same content", 1000, 0, 0600);
	tb_file(L[0], "c", "same contenT", 0, 0, 0644);
	tb_file(L[1], "z/d", "same content", 0, 0, 0644);
	r = analyze(2);
	ck_assert_uint_eq(r.an->nfindings, 0);
	totals(&r, 48, 48);
	ck_assert_uint_eq(r.an->ndups, 1);
	d = &r.an->dups[0];
	ck_assert_uint_eq(d->count, 3);
	ck_assert_uint_eq(d->size, 12);
	ck_assert_uint_eq(d->bytes, 24);
	ck_assert_str_eq(d->members[0].path, "a");
	ck_assert_uint_eq(d->members[0].layer, 0);
	ck_assert_str_eq(d->members[1].path, "b");
	ck_assert_uint_eq(d->members[1].layer, 0);
	ck_assert_str_eq(d->members[2].path, "z/d");
	ck_assert_uint_eq(d->members[2].layer, 1);
	ck_assert_uint_eq(r.an->duplicate_bytes, 24);
	ck_assert_uint_eq(r.an->wasted_bytes, 0);
	lwt_run_free(&r);
}
END_TEST

/* A file of a hand-made index, already hashed: no content needed. */
static void hashed_file(struct lw_layer_index *ix, const char *path,
			uint64_t size, uint64_t hash)
{
	struct lw_entry_meta m = { .mode = 0644 };
	const struct lw_entry_meta *mp = lw_layer_index_meta(ix, &m);
	struct lw_entry *e;

	lw_grow((void **)&ix->entries, &ix->cap, ix->count + 1,
		sizeof(*ix->entries));
	e = &ix->entries[ix->count++];
	memset(e, 0, sizeof(*e));
	ck_assert_ptr_nonnull(mp);
	ck_assert_int_eq(lw_layer_index_set_path(ix, e, mp, path,
						 strlen(path), NULL, 0), 0);
	e->type = LW_ENTRY_FILE;
	e->size = size;
	e->hash.lo = hash;
	e->hash.hi = ~hash;
	e->flags |= LW_ENTRY_HASHED;
	lw_entry_set_data_off(e, LW_NO_OFFSET);
	ix->file_bytes += size;
	ix->file_count++;
}

/* Sizes 4 GiB apart share the low half the search sorts on first: they
 * are still told apart, and each size's copies found. */
START_TEST(duplicates_told_apart_by_whole_size)
{
	struct lw_image img = { .source = NULL };
	struct lw_layer layers[2];
	struct lw_layer_index ix[2];
	struct lw_analysis *an = NULL;
	struct lw_analyze_opts opts = { .find_duplicates = 1 };
	struct lw_error err = { .code = 0 };
	const uint64_t big = (1ull << 32) + 5;
	size_t i;

	memset(layers, 0, sizeof(layers));
	memset(ix, 0, sizeof(ix));
	img.layers = layers;
	img.nlayers = 2;
	for (i = 0; i < 2; i++) {
		lw_layer_index_init(&ix[i]);
		layers[i].index = &ix[i];
	}
	hashed_file(&ix[0], "big/a", big, 1);
	hashed_file(&ix[0], "small/c", 5, 1);
	hashed_file(&ix[0], "bigger/e", (2ull << 32) + 5, 1);
	hashed_file(&ix[1], "big/b", big, 1);
	hashed_file(&ix[1], "small/d", 5, 1);
	hashed_file(&ix[1], "small/f", 5, 2);
	ck_assert_int_eq(lw_analyze(&img, &opts, &an, &err), LW_OK);
	ck_assert_uint_eq(an->ndups, 2);
	ck_assert_uint_eq(an->dups[0].size, big);
	ck_assert_uint_eq(an->dups[0].count, 2);
	ck_assert_str_eq(an->dups[0].members[0].path, "big/a");
	ck_assert_uint_eq(an->dups[0].members[0].layer, 0);
	ck_assert_str_eq(an->dups[0].members[1].path, "big/b");
	ck_assert_uint_eq(an->dups[0].members[1].layer, 1);
	ck_assert_uint_eq(an->dups[1].size, 5);
	ck_assert_uint_eq(an->dups[1].count, 2);
	ck_assert_str_eq(an->dups[1].members[0].path, "small/c");
	ck_assert_str_eq(an->dups[1].members[1].path, "small/d");
	ck_assert_uint_eq(an->duplicate_bytes, big + 5);
	lw_analysis_free(an);
	for (i = 0; i < 2; i++)
		lw_layer_index_release(&ix[i]);
}
END_TEST

/* dive's figures keep sizes of 4 GiB and more whole. */
START_TEST(dive_figures_keep_large_sizes)
{
	struct lw_image img = { .source = NULL };
	struct lw_layer layers[2];
	struct lw_layer_index ix[2];
	struct lw_analysis *an = NULL;
	struct lw_analyze_opts opts = { .find_duplicates = 0 };
	struct lw_error err = { .code = 0 };
	const uint64_t big = (1ull << 32) + 7, bigger = (3ull << 32) + 1;
	size_t i;

	memset(layers, 0, sizeof(layers));
	img.layers = layers;
	img.nlayers = 2;
	for (i = 0; i < 2; i++) {
		lw_layer_index_init(&ix[i]);
		layers[i].index = &ix[i];
	}
	/* a: large, then small; b: large twice, the smaller kept as its
	 * least; c: once. */
	hashed_file(&ix[0], "d/a", big, 1);
	hashed_file(&ix[0], "d/b", bigger, 2);
	hashed_file(&ix[0], "d/c", big, 3);
	hashed_file(&ix[1], "d/a", 3, 4);
	hashed_file(&ix[1], "d/b", big, 5);
	ck_assert_int_eq(lw_analyze(&img, &opts, &an, &err), LW_OK);
	ck_assert_uint_eq(an->dive.wasted_bytes, big + 3 + bigger + big);
	ck_assert(an->dive.efficiency ==
		  (double)(3 + big + big) /
		  (double)(big + 3 + bigger + big + big));
	lw_analysis_free(an);
	for (i = 0; i < 2; i++)
		lw_layer_index_release(&ix[i]);
}
END_TEST

START_TEST(duplicates_off_finds_none)
{
	struct lwt_run r;

	new_layers(2);
	tb_file(L[0], "a", "same content", 0, 0, 0644);
	tb_file(L[1], "b", "same content", 0, 0, 0644);
	r = analyze_dups(2, 0);
	ck_assert_uint_eq(r.an->ndups, 0);
	ck_assert_uint_eq(r.an->duplicate_bytes, 0);
	totals(&r, 24, 24);
	lwt_run_free(&r);
}
END_TEST

START_TEST(duplicates_sorted_by_bytes)
{
	struct lwt_run r;

	new_layers(1);
	tb_file(L[0], "s1", "ab", 0, 0, 0644);
	tb_file(L[0], "s2", "ab", 0, 0, 0644);
	tb_file(L[0], "b1", "0123456789", 0, 0, 0644);
	tb_file(L[0], "b2", "0123456789", 0, 0, 0644);
	tb_file(L[0], "m1", "abcd", 0, 0, 0644);
	tb_file(L[0], "m2", "abcd", 0, 0, 0644);
	tb_file(L[0], "m3", "abcd", 0, 0, 0644);
	r = analyze(1);
	ck_assert_uint_eq(r.an->ndups, 3);
	ck_assert_uint_eq(r.an->dups[0].bytes, 10);
	ck_assert_str_eq(r.an->dups[0].members[0].path, "b1");
	ck_assert_uint_eq(r.an->dups[1].bytes, 8);
	ck_assert_uint_eq(r.an->dups[1].count, 3);
	ck_assert_uint_eq(r.an->dups[2].bytes, 2);
	ck_assert_uint_eq(r.an->duplicate_bytes, 20);
	lwt_run_free(&r);
}
END_TEST

START_TEST(same_size_other_content_is_not_duplicate)
{
	struct lwt_run r;

	new_layers(1);
	tb_file(L[0], "a", "abc", 0, 0, 0644);
	tb_file(L[0], "b", "abd", 0, 0, 0644);
	tb_file(L[0], "c", "bbc", 0, 0, 0644);
	r = analyze(1);
	ck_assert_uint_eq(r.an->ndups, 0);
	ck_assert_uint_eq(r.an->duplicate_bytes, 0);
	lwt_run_free(&r);
}
END_TEST

START_TEST(hidden_copy_is_not_duplicate)
{
	struct lwt_run r;

	new_layers(2);
	tb_file(L[0], "old", "moved data", 0, 0, 0644);
	tb_whiteout(L[1], "", "old");
	tb_file(L[1], "new", "moved data", 0, 0, 0644);
	r = analyze(2);
	ck_assert_uint_eq(r.an->ndups, 0);
	ck_assert_uint_eq(r.an->nfindings, 1);
	expect(&r, "old", LW_KIND_DELETE, 1, 0, 10);
	totals(&r, 20, 10);
	lwt_run_free(&r);
}
END_TEST

START_TEST(hardlink_is_not_a_duplicate_copy)
{
	struct lwt_run r;

	new_layers(1);
	tb_file(L[0], "a", "linked data", 0, 0, 0644);
	tb_hardlink_meta(L[0], "b", "a", 0, 0, 0644);
	r = analyze(1);
	/* One stored copy: nothing to save by deduplicating. */
	ck_assert_uint_eq(r.an->duplicate_bytes, 0);
	lwt_run_free(&r);
}
END_TEST

/* ---- groups and order ---- */

START_TEST(groups_are_runs_sorted_by_bytes)
{
	struct lwt_run r;
	const struct lw_group *g;

	new_layers(3);
	tb_file(L[0], "a/1", "0123456789", 0, 0, 0644);
	tb_file(L[0], "a/2", "0123456789", 0, 0, 0644);
	tb_file_data(L[0], "b/1", NULL, 100, 0, 0, 0644);
	tb_file(L[0], "c", "ccccc", 0, 0, 0644);
	tb_file(L[1], "a/1", "0123456789", 1, 1, 0644);
	tb_file(L[1], "a/2", "0123456789", 1, 1, 0644);
	tb_file(L[1], "b/1", "new", 0, 0, 0644);
	tb_whiteout(L[2], "", "c");
	tb_file(L[2], "a/1", "0123456789", 1, 1, 0600);
	r = analyze(3);
	ck_assert_uint_eq(r.an->nfindings, 5);
	ck_assert_uint_eq(r.an->ngroups, 4);
	g = &r.an->groups[0];
	ck_assert(g->layer == 1 && g->from_layer == 0 &&
		  g->kind == LW_KIND_OVERWRITE);
	ck_assert_uint_eq(g->bytes, 100);
	ck_assert_uint_eq(g->files, 1);
	g = &r.an->groups[1];
	ck_assert(g->layer == 1 && g->from_layer == 0 &&
		  g->kind == LW_KIND_CHOWN);
	ck_assert_uint_eq(g->bytes, 20);
	ck_assert_uint_eq(g->files, 2);
	ck_assert_str_eq(r.an->findings[g->first].path, "a/1");
	ck_assert_str_eq(r.an->findings[g->first + 1].path, "a/2");
	g = &r.an->groups[2];
	ck_assert(g->layer == 2 && g->from_layer == 1 &&
		  g->kind == LW_KIND_CHMOD);
	ck_assert_uint_eq(g->bytes, 10);
	g = &r.an->groups[3];
	ck_assert(g->layer == 2 && g->from_layer == 0 &&
		  g->kind == LW_KIND_DELETE);
	ck_assert_uint_eq(g->bytes, 5);
	layer_waste(&r, 100 + 5, 20, 10);
	lwt_run_free(&r);
}
END_TEST

START_TEST(findings_sorted_by_layer_from_layer_kind_path)
{
	static const struct {
		const char *path;
		uint32_t layer, from;
		int kind;
	} want[] = {
		{ "f", 1, 0, LW_KIND_CHOWN },
		{ "b", 1, 0, LW_KIND_CHMOD },
		{ "e", 1, 0, LW_KIND_TOUCH },
		{ "c", 1, 0, LW_KIND_OVERWRITE },
		{ "a-b", 1, 0, LW_KIND_DELETE },
		{ "a/b", 1, 0, LW_KIND_DELETE },
		{ "a\xff", 1, 0, LW_KIND_DELETE },
		{ "z", 1, 0, LW_KIND_DELETE },
		{ "g", 2, 0, LW_KIND_CHOWN },
		{ "f", 2, 1, LW_KIND_CHMOD },
	};
	struct lwt_run r;
	size_t i;

	new_layers(3);
	tb_file(L[0], "z", "1", 0, 0, 0644);
	tb_file(L[0], "a\xff", "2", 0, 0, 0644);
	tb_file(L[0], "a/b", "3", 0, 0, 0644);
	tb_file(L[0], "a-b", "4", 0, 0, 0644);
	tb_file(L[0], "c", "5", 0, 0, 0644);
	tb_file(L[0], "b", "6", 0, 0, 0644);
	tb_file_mtime(L[0], "e", "7", 0, 0, 0644, 5);
	tb_file(L[0], "f", "8", 0, 0, 0644);
	tb_file(L[0], "g", "9", 0, 0, 0644);
	tb_file(L[1], "f", "8", 1, 0, 0644);
	tb_file(L[1], "c", "X", 0, 0, 0644);
	tb_file(L[1], "b", "6", 0, 0, 0600);
	tb_file_mtime(L[1], "e", "7", 0, 0, 0644, 6);
	tb_whiteout(L[1], "", "z");
	tb_whiteout(L[1], "", "a\xff");
	tb_whiteout(L[1], "", "a");
	tb_whiteout(L[1], "", "a-b");
	tb_file(L[2], "g", "9", 2, 0, 0644);
	tb_file(L[2], "f", "8", 1, 0, 0640);
	r = analyze(3);
	ck_assert_uint_eq(r.an->nfindings, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < r.an->nfindings; i++) {
		const struct lw_finding *f = &r.an->findings[i];

		ck_assert_msg(strcmp(f->path, want[i].path) == 0 &&
			      f->layer == want[i].layer &&
			      f->from_layer == want[i].from &&
			      f->kind == want[i].kind,
			      "finding %zu: '%s' %u<-%u %s", i, f->path,
			      f->layer, f->from_layer, lw_kind_name(f->kind));
	}
	lwt_run_free(&r);
}
END_TEST

/* ---- kind names ---- */

START_TEST(kind_names_round_trip)
{
	static const char *const names[LW_KIND_COUNT] = {
		"chown", "chmod", "chown+chmod", "touch", "overwrite", "delete",
	};
	int k;

	for (k = 0; k < LW_KIND_COUNT; k++) {
		ck_assert_str_eq(lw_kind_name(k), names[k]);
		ck_assert_int_eq(lw_kind_from_name(names[k]), k);
		ck_assert_int_eq(!!lw_kind_is_metadata(k),
				 k <= LW_KIND_TOUCH);
	}
	ck_assert_int_eq(lw_kind_from_name("dup"), -1);
	ck_assert_int_eq(lw_kind_from_name(""), -1);
}
END_TEST

/* ---- lw_sort: in place, the order qsort() gives ---- */

struct pair16 {
	uint64_t key;
	uint32_t a, b;
};

static int u32_cmp(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

static int pair_cmp(const void *x, const void *y)
{
	const struct pair16 *a = x, *b = y;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->a < b->a ? -1 : a->a > b->a;
}

/* Fills v[0..n) by shape: 0 random, 1 sorted, 2 reversed, 3 few values,
 * 4 all equal, 5 organ pipe (up then down). */
static uint32_t shaped(int shape, size_t i, size_t n, uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	switch (shape) {
	case 1: return (uint32_t)i;
	case 2: return (uint32_t)(n - i);
	case 3: return (*seed >> 16) % 3;
	case 4: return 7;
	case 5: return (uint32_t)(i < n / 2 ? i : n - i);
	default: return *seed >> 8;
	}
}

START_TEST(sort_matches_qsort_on_every_shape)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 15, 16, 17, 100, 1000,
		20000 };
	uint32_t seed = 1;
	size_t si, i;
	int shape;

	for (si = 0; si < sizeof(sizes) / sizeof(*sizes); si++) {
		for (shape = 0; shape < 6; shape++) {
			size_t n = sizes[si];
			uint32_t *v = lw_xcalloc(n + 1, sizeof(*v));
			uint32_t *w = lw_xcalloc(n + 1, sizeof(*w));
			struct pair16 *p = lw_xcalloc(n + 1, sizeof(*p));
			struct pair16 *q = lw_xcalloc(n + 1, sizeof(*q));

			for (i = 0; i < n; i++) {
				v[i] = w[i] = shaped(shape, i, n, &seed);
				p[i].key = v[i] % 50;
				p[i].a = (uint32_t)i;
				p[i].b = v[i];
				q[i] = p[i];
			}
			lw_sort(v, n, sizeof(*v), u32_cmp);
			qsort(w, n, sizeof(*w), u32_cmp);
			ck_assert_msg(n == 0 || !memcmp(v, w, n * sizeof(*v)),
				      "u32: %zu elements, shape %d", n, shape);
			lw_sort(p, n, sizeof(*p), pair_cmp);
			qsort(q, n, sizeof(*q), pair_cmp);
			ck_assert_msg(n == 0 || !memcmp(p, q, n * sizeof(*p)),
				      "pairs: %zu elements, shape %d", n,
				      shape);
			free(v);
			free(w);
			free(p);
			free(q);
		}
	}
}
END_TEST

/* Many equal keys and a comparator that calls all equal: still sorted,
 * the elements kept (a permutation). */
START_TEST(sort_keeps_every_element_among_equal_keys)
{
	size_t n = 5000, i;
	struct pair16 *p = lw_xcalloc(n, sizeof(*p));
	uint64_t sum = 0, after = 0;

	for (i = 0; i < n; i++) {
		p[i].key = i % 2;
		p[i].a = 0;
		p[i].b = (uint32_t)i;
		sum += i;
	}
	lw_sort(p, n, sizeof(*p), pair_cmp);
	for (i = 0; i < n; i++) {
		if (i)
			ck_assert_uint_le(p[i - 1].key, p[i].key);
		after += p[i].b;
	}
	ck_assert_uint_eq(sum, after);
	free(p);
}
END_TEST

/* ---- the typed sorts: the order lw_sort() gives with their compares ---- */

static int ref_order(const void *x, const void *y)
{
	const struct lw_entry_ref *a = x, *b = y;

	if (a->layer != b->layer)
		return a->layer < b->layer ? -1 : 1;
	return a->entry < b->entry ? -1 : a->entry > b->entry;
}

static int u64_order(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

START_TEST(typed_sorts_match_lw_sort_on_every_shape)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 15, 16, 17, 100, 1000,
		20000 };
	uint32_t seed = 7;
	size_t si, i;
	int shape;

	for (si = 0; si < sizeof(sizes) / sizeof(*sizes); si++) {
		for (shape = 0; shape < 6; shape++) {
			size_t n = sizes[si];
			struct lw_entry_ref *r = lw_xcalloc(n + 1, sizeof(*r));
			struct lw_entry_ref *rr = lw_xcalloc(n + 1, sizeof(*r));
			uint64_t *k = lw_xcalloc(n + 1, sizeof(*k));
			uint64_t *kk = lw_xcalloc(n + 1, sizeof(*k));

			for (i = 0; i < n; i++) {
				uint32_t v = shaped(shape, i, n, &seed);

				r[i].layer = v % 13;
				r[i].entry = v / 13;
				/* A key in the high half, anything below. */
				k[i] = (i % 2 ? v % 97 :
					(uint64_t)v * 2654435761u << (v % 24)) <<
					32 | (uint32_t)(i * 2654435761u);
			}
			memcpy(rr, r, n * sizeof(*r));
			memcpy(kk, k, n * sizeof(*k));
			lw_sort_refs(r, n);
			lw_sort(rr, n, sizeof(*rr), ref_order);
			ck_assert_msg(n == 0 || !memcmp(r, rr, n * sizeof(*r)),
				      "refs: %zu elements, shape %d", n, shape);
			/* Whole values: one order. By the high halves:
			 * equal halves in any order, the halves in order,
			 * every value kept. */
			memcpy(kk, k, n * sizeof(*k));
			lw_sort(kk, n, sizeof(*kk), u64_order);
			lw_sort_u64_high(k, n);
			{
				uint64_t sum = 0, want = 0;

				for (size_t x = 0; x < n; x++) {
					ck_assert_uint_eq(k[x] >> 32,
							  kk[x] >> 32);
					sum += k[x] * 31u;
					want += kk[x] * 31u;
				}
				ck_assert_msg(sum == want, "high halves: %zu "
					      "elements, shape %d", n, shape);
			}
			lw_sort_u64(k, n);
			ck_assert_msg(n == 0 || !memcmp(k, kk, n * sizeof(*k)),
				      "u64: %zu elements, shape %d", n, shape);
			free(r);
			free(rr);
			free(k);
			free(kk);
		}
	}
}
END_TEST

static const uint32_t *sort_ctx;

static int id_cmp(uint32_t x, uint32_t y, const void *ctx)
{
	const uint32_t *v = ctx;

	if (v[x] != v[y])
		return v[x] < v[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int id_qsort_cmp(const void *x, const void *y)
{
	return id_cmp(*(const uint32_t *)x, *(const uint32_t *)y, sort_ctx);
}

/* Ascending runs of values (some shared between runs), merged: the order
 * qsort() gives; too many runs: NULL, the ids untouched. */
START_TEST(sort_runs_matches_qsort_or_declines)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 17, 1000, 20000 };
	static const size_t runs[] = { 1, 2, 3, 13, 64 };
	uint32_t seed = 3;
	size_t si, ri, i;

	for (si = 0; si < sizeof(sizes) / sizeof(*sizes); si++) {
		for (ri = 0; ri < sizeof(runs) / sizeof(*runs); ri++) {
			size_t n = sizes[si], len = n / runs[ri] + 1;
			uint32_t *v = lw_xcalloc(n + 1, sizeof(*v));
			uint32_t *a = lw_xcalloc(n + 1, sizeof(*a));
			uint32_t *b = lw_xcalloc(n + 1, sizeof(*b));
			uint32_t *tmp = lw_xcalloc(n + 1, sizeof(*tmp));
			uint32_t *got, last = 0;

			for (i = 0; i < n; i++) {
				seed = seed * 1103515245u + 12345u;
				last = i % len ? last + (seed >> 20) % 4 :
					(seed >> 16) % 100;
				v[i] = last;
				a[i] = b[i] = (uint32_t)i;
			}
			sort_ctx = v;
			qsort(b, n, sizeof(*b), id_qsort_cmp);
			got = lw_sort_runs(a, tmp, n, 64, id_cmp, v);
			ck_assert_ptr_nonnull(got);
			ck_assert_msg(n == 0 || !memcmp(got, b, n * sizeof(*b)),
				      "%zu ids in %zu runs", n, runs[ri]);
			free(v);
			free(a);
			free(b);
			free(tmp);
		}
	}
	/* One long run and short ones that fall among it, as a later
	 * layer's few paths do among a base layer's: merges that gallop. */
	for (ri = 1; ri < 60; ri += 29) {
		size_t n = 15000 + 40 * ri;
		uint32_t *v = lw_xcalloc(n + 1, sizeof(*v));
		uint32_t *a = lw_xcalloc(n + 1, sizeof(*a));
		uint32_t *b = lw_xcalloc(n + 1, sizeof(*b));
		uint32_t *tmp = lw_xcalloc(n + 1, sizeof(*tmp));
		uint32_t *got;

		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			v[i] = i < 15000 ? (uint32_t)i * 7 :
				(uint32_t)((i - 15000) % 40 ? v[i - 1] +
					   (seed >> 16) % 900 :
					   (seed >> 12) % 105000);
			a[i] = b[i] = (uint32_t)i;
		}
		sort_ctx = v;
		qsort(b, n, sizeof(*b), id_qsort_cmp);
		got = lw_sort_runs(a, tmp, n, 64, id_cmp, v);
		ck_assert_ptr_nonnull(got);
		ck_assert(!memcmp(got, b, n * sizeof(*b)));
		free(v);
		free(a);
		free(b);
		free(tmp);
	}
	{
		uint32_t v[8] = { 7, 6, 5, 4, 3, 2, 1, 0 };
		uint32_t a[8] = { 0, 1, 2, 3, 4, 5, 6, 7 }, tmp[8];

		ck_assert_ptr_null(lw_sort_runs(a, tmp, 8, 4, id_cmp, v));
		for (i = 0; i < 8; i++)
			ck_assert_uint_eq(a[i], i);
		ck_assert_ptr_nonnull(lw_sort_runs(a, tmp, 8, 8, id_cmp, v));
	}
}
END_TEST

static Suite *engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *m = tcase_create("metadata");
	TCase *c = tcase_create("content");
	TCase *h = tcase_create("links_and_types");
	TCase *d = tcase_create("duplicates");
	TCase *o = tcase_create("order");

	tcase_add_test(m, chown_when_uid_differs);
	tcase_add_test(m, chown_when_only_gid_differs);
	tcase_add_test(m, chmod_when_mode_differs);
	tcase_add_test(m, chmod_when_only_setuid_bit_differs);
	tcase_add_test(m, chown_chmod_when_both_differ);
	tcase_add_test(m, touch_when_only_mtime_differs);
	tcase_add_test(m, touch_when_only_xattrs_differ);
	tcase_add_test(m, identical_copy_is_touch);
	tcase_add_test(m, chown_r_of_a_tree_is_one_group);
	suite_add_tcase(s, m);

	tcase_add_test(c, overwrite_same_size_other_content);
	tcase_add_test(c, overwrite_counts_lower_size);
	tcase_add_test(c, overwrite_with_new_owner_is_still_overwrite);
	tcase_add_test(c, file_whiteout_is_delete);
	tcase_add_test(c, file_whiteout_hides_only_that_name);
	tcase_add_test(c, directory_whiteout_deletes_every_file_under_it);
	tcase_add_test(c, directory_whiteout_spares_same_layer_entries);
	tcase_add_test(c, opaque_hides_lower_entries_under_its_directory);
	tcase_add_test(c, opaque_after_same_layer_entries_spares_them);
	tcase_add_test(c, opaque_at_root_hides_every_lower_entry);
	tcase_add_test(c, opaque_and_same_path_readded_counts_lower_once);
	tcase_add_test(c, whiteout_order_in_tar_does_not_matter);
	tcase_add_test(c, whiteout_of_a_path_only_in_its_own_layer_hides_nothing);
	tcase_add_test(c, whiteout_of_missing_path_adds_nothing);
	tcase_add_test(c, file_changed_twice_gives_two_findings);
	tcase_add_test(c, overwrite_then_delete_charges_each_lower_layer);
	tcase_add_test(c, file_from_older_layer_compared_with_visible_copy);
	tcase_add_test(c, deleted_then_readded_compares_with_nothing);
	tcase_add_test(c, same_path_twice_in_one_tar_last_wins);
	tcase_add_test(c, empty_files_waste_nothing);
	tcase_add_test(c, image_without_changes_has_no_findings);
	tcase_add_test(c, empty_layers_are_harmless);
	tcase_add_test(c, image_of_empty_layers_only);
	tcase_add_test(c, wasted_percent_is_of_total);
	suite_add_tcase(s, c);

	tcase_add_test(h, hardlink_adds_no_bytes);
	tcase_add_test(h, hardlink_over_lower_file_with_same_content_is_metadata);
	tcase_add_test(h, hardlink_over_lower_file_with_other_content_is_overwrite);
	tcase_add_test(h, deleting_lower_hardlink_frees_nothing);
	tcase_add_test(h, deleting_link_target_counts_its_bytes);
	tcase_add_test(h, chown_r_over_hardlinks_counts_every_link);
	tcase_add_test(h, hidden_hardlink_kind_follows_content_and_metadata);
	tcase_add_test(h, hardlinks_hidden_by_opaque_or_type_change_are_deletes);
	tcase_add_test(h, symlinks_and_directories_give_no_findings);
	tcase_add_test(h, file_replaced_by_directory_is_delete);
	tcase_add_test(h, file_replaced_by_symlink_is_delete);
	tcase_add_test(h, directory_replaced_by_file_deletes_files_below);
	tcase_add_test(h, implied_directory_replaced_by_file_deletes_files_below);
	tcase_add_test(h, hardlink_with_missing_target_over_lower_file);
	suite_add_tcase(s, h);

	tcase_add_test(d, duplicates_found_across_paths_and_layers);
	tcase_add_test(d, duplicates_told_apart_by_whole_size);
	tcase_add_test(d, dive_figures_keep_large_sizes);
	tcase_add_test(d, duplicates_off_finds_none);
	tcase_add_test(d, duplicates_sorted_by_bytes);
	tcase_add_test(d, same_size_other_content_is_not_duplicate);
	tcase_add_test(d, hidden_copy_is_not_duplicate);
	tcase_add_test(d, hardlink_is_not_a_duplicate_copy);
	suite_add_tcase(s, d);

	tcase_add_test(o, groups_are_runs_sorted_by_bytes);
	tcase_add_test(o, findings_sorted_by_layer_from_layer_kind_path);
	tcase_add_test(o, kind_names_round_trip);
	tcase_add_test(o, sort_matches_qsort_on_every_shape);
	tcase_add_test(o, sort_keeps_every_element_among_equal_keys);
	tcase_add_test(o, typed_sorts_match_lw_sort_on_every_shape);
	tcase_add_test(o, sort_runs_matches_qsort_or_declines);
	suite_add_tcase(s, o);
	return s;
}

int main(void)
{
	return lwt_run_suite(engine_suite());
}
