/* Two snapshots compared: layers matched by diff_id, then instruction,
 * then position; causes of waste by fingerprint, then by kind and the
 * instructions of their two layers; the final file systems path by path
 * (docs/compare.md says what each figure counts). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/compare.h"
#include "layerwaste/judge.h"
#include "compare_priv.h"

const char *lw_cmp_match_name(int match)
{
	static const char *const names[] = { "shared", "instruction",
		"position", "added", "removed" };

	return match >= 0 && match <= LW_CMP_REMOVED ? names[match] : "?";
}

const char *lw_cmp_status_name(int status)
{
	static const char *const names[] = { "new", "grown", "shrunk",
		"fixed", "same" };

	return status >= 0 && status <= LW_CMP_SAME ? names[status] : "?";
}

const char *lw_cmp_rule_id(int rule)
{
	return rule == LW_CMP_RULE_MAX_GROWTH ? "max-growth" :
	       rule == LW_CMP_RULE_MAX_NEW_WASTE ? "max-new-waste" : "?";
}

static int64_t sdiff(uint64_t a, uint64_t b)
{
	return (int64_t)a - (int64_t)b;
}

/* ---- Layers. ---- */

static void add_layer(struct lw_comparison *c, size_t *cap, int match,
		      long oi, long ni)
{
	struct lw_cmp_layer *l;

	lw_grow((void **)&c->layers, cap, c->nlayers + 1, sizeof(*l));
	l = &c->layers[c->nlayers++];
	l->match = match;
	l->old_index = oi;
	l->new_index = ni;
	l->old_bytes = oi >= 0 ? c->old->layers[oi].total_bytes : 0;
	l->new_bytes = ni >= 0 ? c->new_->layers[ni].total_bytes : 0;
	l->delta = sdiff(l->new_bytes, l->old_bytes);
}

static void match_layers(struct lw_comparison *c)
{
	const struct lw_snapshot *o = c->old, *n = c->new_;
	long *pair = lw_xcalloc(n->nlayers + 1, sizeof(*pair));
	int *used = lw_xcalloc(o->nlayers + 1, sizeof(*used));
	int *how = lw_xcalloc(n->nlayers + 1, sizeof(*how));
	size_t i, j, cap = 0;

	for (i = 0; i < n->nlayers; i++)
		pair[i] = -1;
	/* The same content. */
	for (i = 0; i < n->nlayers; i++) {
		if (!n->layers[i].diff_id)
			continue;
		for (j = 0; j < o->nlayers; j++) {
			if (used[j] || !o->layers[j].diff_id ||
			    strcmp(o->layers[j].diff_id, n->layers[i].diff_id))
				continue;
			pair[i] = (long)j;
			used[j] = 1;
			how[i] = LW_CMP_SHARED;
			break;
		}
	}
	/* The same instruction, first unmatched one in order. */
	for (i = 0; i < n->nlayers; i++) {
		if (pair[i] >= 0 || !*n->layers[i].key)
			continue;
		for (j = 0; j < o->nlayers; j++) {
			if (used[j] || strcmp(o->layers[j].key, n->layers[i].key))
				continue;
			pair[i] = (long)j;
			used[j] = 1;
			how[i] = LW_CMP_INSTRUCTION;
			break;
		}
	}
	/* What is left, at the same position. */
	for (i = 0; i < n->nlayers; i++) {
		if (pair[i] >= 0 || i >= o->nlayers || used[i])
			continue;
		pair[i] = (long)i;
		used[i] = 1;
		how[i] = LW_CMP_POSITION;
	}
	for (i = 0; i < n->nlayers; i++)
		add_layer(c, &cap, pair[i] >= 0 ? how[i] : LW_CMP_ADDED,
			  pair[i], (long)i);
	for (j = 0; j < o->nlayers; j++)
		if (!used[j])
			add_layer(c, &cap, LW_CMP_REMOVED, (long)j, -1);
	for (i = 0; i < c->nlayers; i++) {
		const struct lw_cmp_layer *l = &c->layers[i];

		switch (l->match) {
		case LW_CMP_SHARED:
			c->shared++;
			c->shared_bytes += l->new_bytes;
			break;
		case LW_CMP_REMOVED:
			c->removed++;
			c->removed_bytes += l->old_bytes;
			break;
		default:
			/* A rebuilt layer stores all its bytes anew, and the
			 * old one's are gone. */
			c->added++;
			c->added_bytes += l->new_bytes;
			if (l->match == LW_CMP_ADDED)
				break;
			c->changed++;
			c->removed++;
			c->removed_bytes += l->old_bytes;
			break;
		}
	}
	free(pair);
	free(used);
	free(how);
}

/* ---- Causes. ---- */

static const char *layer_key(const struct lw_snapshot *s, uint32_t li)
{
	return li < s->nlayers ? s->layers[li].key : "";
}

/* The same kind, made by the same instruction in files of the same
 * instruction: the same cause whose paths changed. */
static int same_origin(const struct lw_comparison *c,
		       const struct lw_snap_cause *a,
		       const struct lw_snap_cause *b)
{
	return a->kind == b->kind &&
	       !strcmp(layer_key(c->old, a->layer), layer_key(c->new_, b->layer)) &&
	       !strcmp(layer_key(c->old, a->from_layer),
		       layer_key(c->new_, b->from_layer));
}

static uint64_t cause_bytes(const struct lw_comparison *c,
			    const struct lw_cmp_cause *x)
{
	return x->new_index >= 0 ? c->new_->causes[x->new_index].bytes :
				   c->old->causes[x->old_index].bytes;
}

static int cause_rank(const struct lw_cmp_cause *x)
{
	/* new and grown first, as one list by growth */
	return x->status == LW_CMP_GROWN ? LW_CMP_NEW : x->status;
}

static const struct lw_comparison *sort_cmp;

static int cause_order(const void *pa, const void *pb)
{
	const struct lw_cmp_cause *a = pa, *b = pb;
	uint64_t ba, bb;

	if (cause_rank(a) != cause_rank(b))
		return cause_rank(a) - cause_rank(b);
	if (a->status == LW_CMP_NEW || a->status == LW_CMP_GROWN) {
		if (a->delta != b->delta)
			return a->delta > b->delta ? -1 : 1;
	}
	ba = cause_bytes(sort_cmp, a);
	bb = cause_bytes(sort_cmp, b);
	if (ba != bb)
		return ba > bb ? -1 : 1;
	if (a->new_index != b->new_index)
		return a->new_index < b->new_index ? -1 : 1;
	return a->old_index < b->old_index ? -1 : a->old_index > b->old_index;
}

static void match_causes(struct lw_comparison *c)
{
	const struct lw_snapshot *o = c->old, *n = c->new_;
	long *pair = lw_xcalloc(n->ncauses + 1, sizeof(*pair));
	int *used = lw_xcalloc(o->ncauses + 1, sizeof(*used));
	int *byfp = lw_xcalloc(n->ncauses + 1, sizeof(*byfp));
	struct lw_cmp_cause *x;
	size_t i, j, k = 0;
	int pass;

	for (i = 0; i < n->ncauses; i++)
		pair[i] = -1;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n->ncauses; i++) {
			if (pair[i] >= 0)
				continue;
			for (j = 0; j < o->ncauses; j++) {
				if (used[j])
					continue;
				if (pass == 0 ?
				    strcmp(o->causes[j].fingerprint,
					   n->causes[i].fingerprint) :
				    !same_origin(c, &o->causes[j],
						 &n->causes[i]))
					continue;
				pair[i] = (long)j;
				used[j] = 1;
				byfp[i] = pass == 0;
				break;
			}
		}
	}
	c->causes = lw_xcalloc(n->ncauses + o->ncauses + 1, sizeof(*c->causes));
	for (i = 0; i < n->ncauses; i++) {
		x = &c->causes[k++];
		x->new_index = (long)i;
		x->old_index = pair[i];
		x->by_fingerprint = byfp[i];
		if (pair[i] < 0) {
			x->status = LW_CMP_NEW;
			x->delta = (int64_t)n->causes[i].bytes;
			c->new_waste_bytes += n->causes[i].bytes;
			continue;
		}
		x->delta = sdiff(n->causes[i].bytes, o->causes[pair[i]].bytes);
		x->status = x->delta > 0 ? LW_CMP_GROWN :
			    x->delta < 0 ? LW_CMP_SHRUNK : LW_CMP_SAME;
		if (x->delta > 0)
			c->new_waste_bytes += (uint64_t)x->delta;
		else
			c->fixed_waste_bytes += (uint64_t)-x->delta;
	}
	for (j = 0; j < o->ncauses; j++) {
		if (used[j])
			continue;
		x = &c->causes[k++];
		x->new_index = -1;
		x->old_index = (long)j;
		x->status = LW_CMP_FIXED;
		x->delta = -(int64_t)o->causes[j].bytes;
		c->fixed_waste_bytes += o->causes[j].bytes;
	}
	c->ncauses = k;
	sort_cmp = c;
	qsort(c->causes, c->ncauses, sizeof(*c->causes), cause_order);
	sort_cmp = NULL;
	for (i = 0; i < c->ncauses; i++)
		c->count_by_status[c->causes[i].status]++;
	free(pair);
	free(used);
	free(byfp);
}

/* ---- Files. ---- */

static const char *file_layer_id(const struct lw_snapshot *s,
				 const struct lw_snap_file *f)
{
	return f->layer < s->nlayers ? s->layers[f->layer].diff_id : NULL;
}

/* 1: the same content for sure (the same layer content, or the same
 * hash); 0: it differs; -1: cannot tell yet (a hash to take). */
static int same_content(const struct lw_comparison *c,
			const struct lw_snap_file *a,
			const struct lw_snap_file *b)
{
	const char *da = file_layer_id(c->old, a), *db = file_layer_id(c->new_, b);

	if (a->size != b->size)
		return 0;
	if (da && db && !strcmp(da, db))
		return 1;
	if (a->hashed && b->hashed)
		return a->hash.lo == b->hash.lo && a->hash.hi == b->hash.hi;
	if ((!a->hashed && !a->entry) || (!b->hashed && !b->entry))
		return 1; /* no way to tell: counted as the same (a note says) */
	return -1;
}

struct refs {
	struct lw_entry_ref *v;
	size_t n, cap;
};

static void want(struct refs *r, const struct lw_snapshot *s,
		 const struct lw_snap_file *f)
{
	const struct lw_layer_index *ix;

	if (f->hashed || !f->entry || !s->img)
		return;
	ix = s->img->layers[f->layer].index;
	lw_grow((void **)&r->v, &r->cap, r->n + 1, sizeof(*r->v));
	r->v[r->n].layer = f->layer;
	r->v[r->n].entry = (uint32_t)(f->entry - ix->entries);
	r->n++;
}

static void took_hash(struct lw_snap_file *f)
{
	if (!f->hashed && f->entry && (f->entry->flags & LW_ENTRY_HASHED)) {
		f->hashed = 1;
		f->hash = f->entry->hash;
	}
}

/* Hashes the files on both sides whose content must be told apart. */
static int hash_candidates(struct lw_comparison *c, struct lw_snapshot *o,
			   struct lw_snapshot *n, int jobs,
			   struct lw_error *err)
{
	struct refs ro = { NULL, 0, 0 }, rn = { NULL, 0, 0 };
	size_t i = 0, j = 0;
	int cmp, rc = LW_OK;

	while (i < o->nfiles && j < n->nfiles) {
		cmp = lw_path_cmp(o->files[i].path, n->files[j].path);
		if (cmp == 0 && same_content(c, &o->files[i], &n->files[j]) < 0) {
			want(&ro, o, &o->files[i]);
			want(&rn, n, &n->files[j]);
		}
		i += cmp <= 0;
		j += cmp >= 0;
	}
	if (ro.n)
		rc = lw_image_hash_many(o->img, ro.v, ro.n, jobs, err);
	if (!rc && rn.n)
		rc = lw_image_hash_many(n->img, rn.v, rn.n, jobs, err);
	for (i = 0; !rc && i < o->nfiles; i++)
		took_hash(&o->files[i]);
	for (j = 0; !rc && j < n->nfiles; j++)
		took_hash(&n->files[j]);
	free(ro.v);
	free(rn.v);
	return rc;
}

static void add_file(struct lw_comparison *c, size_t *cap, const char *path,
		     int status, uint64_t os, uint64_t ns)
{
	struct lw_cmp_file *f;

	lw_grow((void **)&c->files, cap, c->nfiles + 1, sizeof(*f));
	f = &c->files[c->nfiles++];
	f->path = path;
	f->status = status;
	f->old_size = os;
	f->new_size = ns;
	f->delta = sdiff(ns, os);
	switch (status) {
	case LW_CMP_FILE_ADDED:
		c->files_added++;
		c->bytes_added += f->delta;
		break;
	case LW_CMP_FILE_REMOVED:
		c->files_removed++;
		c->bytes_removed += f->delta;
		break;
	default:
		c->files_changed++;
		c->bytes_changed += f->delta;
		break;
	}
}

static int64_t abs64(int64_t v)
{
	return v < 0 ? -v : v;
}

static int file_order(const void *pa, const void *pb)
{
	const struct lw_cmp_file *a = pa, *b = pb;

	if (abs64(a->delta) != abs64(b->delta))
		return abs64(a->delta) > abs64(b->delta) ? -1 : 1;
	return lw_path_cmp(a->path, b->path);
}

/* A directory's share of the changes: path[0..len). */
struct dir_slice {
	const char *path;
	size_t len;
	int64_t delta;
};

static int slice_cmp(const void *pa, const void *pb)
{
	const struct dir_slice *a = pa, *b = pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int r = memcmp(a->path, b->path, n);

	if (r)
		return r;
	return a->len < b->len ? -1 : a->len > b->len;
}

static int dir_order(const void *pa, const void *pb)
{
	const struct lw_cmp_dir *a = pa, *b = pb;

	if (a->delta != b->delta)
		return a->delta > b->delta ? -1 : 1;
	return strcmp(a->path, b->path);
}

/* 1 when d has a subdirectory (one level down) with the same growth and
 * files: d adds nothing to what its child says. */
static int says_nothing(const struct lw_cmp_dir *v, size_t n, size_t i)
{
	size_t j, len = strlen(v[i].path);

	for (j = 0; j < n; j++)
		if (j != i && !strncmp(v[j].path, v[i].path, len) &&
		    v[j].path[len] == '/' &&
		    !strchr(v[j].path + len + 1, '/') &&
		    v[j].delta == v[i].delta && v[j].files == v[i].files)
			return 1;
	return 0;
}

static void top_dirs(struct lw_comparison *c)
{
	struct dir_slice *s = NULL;
	struct lw_cmp_dir *d = NULL;
	size_t ns = 0, cap = 0, nd = 0, i, j, k, depth;
	const char *p, *slash;
	char *drop;

	for (i = 0; i < c->nfiles; i++) {
		p = c->files[i].path;
		for (depth = 0, slash = strchr(p, '/');
		     slash && depth < LW_CMP_DIR_DEPTH;
		     slash = strchr(slash + 1, '/'), depth++) {
			lw_grow((void **)&s, &cap, ns + 1, sizeof(*s));
			s[ns].path = p;
			s[ns].len = (size_t)(slash - p);
			s[ns].delta = c->files[i].delta;
			ns++;
		}
	}
	if (ns)
		qsort(s, ns, sizeof(*s), slice_cmp);
	d = lw_xcalloc(ns + 1, sizeof(*d));
	for (i = 0; i < ns; i = j) {
		d[nd].path = lw_xmalloc(s[i].len + 1);
		memcpy(d[nd].path, s[i].path, s[i].len);
		d[nd].path[s[i].len] = '\0';
		for (j = i; j < ns && !slice_cmp(&s[i], &s[j]); j++) {
			d[nd].delta += s[j].delta;
			d[nd].files++;
		}
		nd++;
	}
	/* Keep the directories that say something, growth first. */
	drop = lw_xcalloc(nd + 1, 1);
	for (i = 0; i < nd; i++)
		drop[i] = d[i].delta == 0 || says_nothing(d, nd, i);
	for (i = 0, k = 0; i < nd; i++) {
		if (drop[i])
			free(d[i].path);
		else
			d[k++] = d[i];
	}
	free(drop);
	nd = k;
	if (nd)
		qsort(d, nd, sizeof(*d), dir_order);
	for (i = LW_CMP_DIRS; i < nd; i++)
		free(d[i].path);
	c->dirs = d;
	c->ndirs = nd < LW_CMP_DIRS ? nd : LW_CMP_DIRS;
	free(s);
}

static int compare_files(struct lw_comparison *c, struct lw_snapshot *o,
			 struct lw_snapshot *n, int jobs, struct lw_error *err)
{
	size_t i = 0, j = 0, cap = 0;
	int cmp, rc;

	if (!o->has_files || !n->has_files) {
		lw_warnings_add(&c->notes, "file changes are not shown: %s is "
				"a report without its file list (write it with "
				"--with-files)", !o->has_files ? "OLD" : "NEW");
		return LW_OK;
	}
	c->files_known = 1;
	rc = hash_candidates(c, o, n, jobs, err);
	if (rc)
		return rc;
	while (i < o->nfiles || j < n->nfiles) {
		cmp = i == o->nfiles ? 1 : j == n->nfiles ? -1 :
		      lw_path_cmp(o->files[i].path, n->files[j].path);
		if (cmp < 0)
			add_file(c, &cap, o->files[i].path,
				 LW_CMP_FILE_REMOVED, o->files[i].size, 0);
		else if (cmp > 0)
			add_file(c, &cap, n->files[j].path,
				 LW_CMP_FILE_ADDED, 0, n->files[j].size);
		else if (same_content(c, &o->files[i], &n->files[j]) != 1)
			add_file(c, &cap, n->files[j].path,
				 LW_CMP_FILE_CHANGED, o->files[i].size,
				 n->files[j].size);
		i += cmp <= 0;
		j += cmp >= 0;
	}
	top_dirs(c);
	if (c->nfiles > 1)
		qsort(c->files, c->nfiles, sizeof(*c->files), file_order);
	return LW_OK;
}

/* ---- Rules. ---- */

int lw_cmp_parse_growth(const char *s, struct lw_cmp_rules *r,
			const char **why)
{
	size_t n = strlen(s);

	if (n && s[n - 1] == '%') {
		if (lw_parse_percent(s, &r->growth_percent, why))
			return -1;
		r->growth_is_percent = 1;
	} else {
		if (lw_parse_size(s, &r->growth_bytes, why))
			return -1;
		r->growth_is_percent = 0;
	}
	r->set[LW_CMP_RULE_MAX_GROWTH] = 1;
	return 0;
}

static char *signed_size(int64_t v)
{
	char b[32], out[40];

	lw_format_bytes((uint64_t)abs64(v), b, sizeof(b));
	snprintf(out, sizeof(out), "%s%s", v < 0 ? "-" : "+", b);
	return lw_xstrdup(out);
}

static void add_rule(struct lw_comparison *c, int rule, int passed,
		     char *threshold, char *actual)
{
	struct lw_cmp_rule_result *rr = &c->rules[c->nrules++];

	rr->rule = rule;
	rr->passed = passed;
	rr->threshold = threshold;
	rr->actual = actual;
	c->evaluated = 1;
	if (!passed)
		c->passed = 0;
}

static void judge(struct lw_comparison *c, const struct lw_cmp_rules *r)
{
	char b[32], t[64];

	c->passed = 1;
	c->rules = lw_xcalloc(LW_CMP_RULE_COUNT, sizeof(*c->rules));
	if (!r)
		return;
	if (r->set[LW_CMP_RULE_MAX_GROWTH] && r->growth_is_percent) {
		snprintf(t, sizeof(t), "<= %.2f %%", r->growth_percent);
		snprintf(b, sizeof(b), "%+.2f %%", c->growth_percent);
		add_rule(c, LW_CMP_RULE_MAX_GROWTH,
			 c->delta_total <= 0 ||
			 (c->old->total_bytes &&
			  c->growth_percent <= r->growth_percent),
			 lw_xstrdup(t), lw_xstrdup(c->old->total_bytes ||
						   c->delta_total <= 0 ? b :
						   "+inf %"));
	} else if (r->set[LW_CMP_RULE_MAX_GROWTH]) {
		lw_format_bytes(r->growth_bytes, b, sizeof(b));
		snprintf(t, sizeof(t), "<= %s", b);
		add_rule(c, LW_CMP_RULE_MAX_GROWTH,
			 c->delta_total <= (int64_t)r->growth_bytes,
			 lw_xstrdup(t), signed_size(c->delta_total));
	}
	if (r->set[LW_CMP_RULE_MAX_NEW_WASTE]) {
		lw_format_bytes(r->new_waste_bytes, b, sizeof(b));
		snprintf(t, sizeof(t), "<= %s", b);
		lw_format_bytes(c->new_waste_bytes, b, sizeof(b));
		add_rule(c, LW_CMP_RULE_MAX_NEW_WASTE,
			 c->new_waste_bytes <= r->new_waste_bytes,
			 lw_xstrdup(t), lw_xstrdup(b));
	}
}

int lw_compare(struct lw_snapshot *old, struct lw_snapshot *new_,
	       const struct lw_cmp_rules *rules, int jobs,
	       struct lw_comparison **out, struct lw_error *err)
{
	struct lw_comparison *c = lw_xcalloc(1, sizeof(*c));
	int rc;

	*out = NULL;
	c->old = old;
	c->new_ = new_;
	c->delta_total = sdiff(new_->total_bytes, old->total_bytes);
	c->delta_visible = sdiff(new_->visible_bytes, old->visible_bytes);
	c->delta_wasted = sdiff(new_->wasted_bytes, old->wasted_bytes);
	c->compressed_known = old->compressed_known && new_->compressed_known;
	if (c->compressed_known)
		c->delta_compressed = sdiff(new_->compressed_bytes,
					    old->compressed_bytes);
	if (old->total_bytes)
		c->growth_percent = (double)c->delta_total * 100.0 /
				    (double)old->total_bytes;
	match_layers(c);
	match_causes(c);
	rc = compare_files(c, old, new_, jobs, err);
	if (rc) {
		lw_comparison_free(c);
		return rc;
	}
	judge(c, rules);
	*out = c;
	return LW_OK;
}

void lw_comparison_free(struct lw_comparison *c)
{
	size_t i;

	if (!c)
		return;
	free(c->layers);
	free(c->causes);
	free(c->files);
	for (i = 0; i < c->ndirs; i++)
		free(c->dirs[i].path);
	free(c->dirs);
	for (i = 0; i < c->nrules; i++) {
		free(c->rules[i].threshold);
		free(c->rules[i].actual);
	}
	free(c->rules);
	lw_warnings_release(&c->notes);
	free(c);
}
