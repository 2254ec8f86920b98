/* Package-manager state by path. To recognise another manager, add its
 * patterns (fnmatch, '*' also matching '/', no leading '/') to the
 * table. */
#include <fnmatch.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/util.h"
#include "pkgdb.h"

static const struct {
	const char *pattern;
	int manager;
} table[] = {
	{ .pattern = "var/lib/dpkg/status", .manager = LW_PKG_APT },
	{ .pattern = "var/lib/dpkg/status-old", .manager = LW_PKG_APT },
	{ .pattern = "var/lib/dpkg/status.udeb.bak", .manager = LW_PKG_APT },
	{ .pattern = "var/lib/dpkg/info/*", .manager = LW_PKG_APT },
	/* what dpkg rewrites beside the status on every run */
	{ .pattern = "var/lib/dpkg/lock", .manager = LW_PKG_APT },
	{ .pattern = "var/lib/dpkg/lock-frontend", .manager = LW_PKG_APT },
	{ .pattern = "var/lib/dpkg/triggers/*", .manager = LW_PKG_APT },
	{ .pattern = "var/lib/dpkg/updates/*", .manager = LW_PKG_APT },
	{ .pattern = "var/lib/dpkg/available", .manager = LW_PKG_APT },
	{ .pattern = "var/lib/dpkg/available-old", .manager = LW_PKG_APT },
	{ .pattern = "var/lib/dpkg/diversions", .manager = LW_PKG_APT },
	{ .pattern = "var/lib/dpkg/diversions-old", .manager = LW_PKG_APT },
	{ .pattern = "var/lib/dpkg/statoverride", .manager = LW_PKG_APT },
	{ .pattern = "var/lib/dpkg/statoverride-old", .manager = LW_PKG_APT },
	{ .pattern = "var/lib/dpkg/alternatives/*", .manager = LW_PKG_APT },
	{ .pattern = "var/lib/apt/extended_states", .manager = LW_PKG_APT },
	{ .pattern = "var/log/dpkg.log", .manager = LW_PKG_APT },
	{ .pattern = "var/log/apt/*", .manager = LW_PKG_APT },
	{ .pattern = "var/cache/debconf/*.dat", .manager = LW_PKG_APT },
	{ .pattern = "var/cache/debconf/*.dat-old", .manager = LW_PKG_APT },
	{ .pattern = "var/cache/apt/*.bin", .manager = LW_PKG_APT },
	{ .pattern = "var/lib/apt/lists/*", .manager = LW_PKG_APT },
	{ .pattern = "var/lib/rpm/*", .manager = LW_PKG_RPM },
	{ .pattern = "var/lib/dnf/*", .manager = LW_PKG_RPM },
	{ .pattern = "var/cache/dnf/*", .manager = LW_PKG_RPM },
	{ .pattern = "var/log/dnf*", .manager = LW_PKG_RPM },
	{ .pattern = "var/lib/yum/*", .manager = LW_PKG_RPM },
	{ .pattern = "var/cache/yum/*", .manager = LW_PKG_RPM },
	{ .pattern = "var/log/yum.log", .manager = LW_PKG_RPM },
	{ .pattern = "lib/apk/db/*", .manager = LW_PKG_APK },
	{ .pattern = "etc/apk/world", .manager = LW_PKG_APK },
	{ .pattern = "root/.cache/pip/*", .manager = LW_PKG_PIP },
	{ .pattern = "root/.npm/*", .manager = LW_PKG_NPM },
	{ .pattern = "etc/ld.so.cache", .manager = LW_PKG_SYSTEM },
	{ .pattern = "var/cache/ldconfig/aux-cache", .manager = LW_PKG_SYSTEM },
	{ .pattern = "var/log/lastlog", .manager = LW_PKG_SYSTEM },
	{ .pattern = "var/log/wtmp", .manager = LW_PKG_SYSTEM },
	{ .pattern = "var/log/btmp", .manager = LW_PKG_SYSTEM },
	{ .pattern = "var/log/faillog", .manager = LW_PKG_SYSTEM },
};

static const char *const manager_names[LW_PKG_COUNT] = {
	[LW_PKG_APT] = "apt",
	[LW_PKG_RPM] = "rpm",
	[LW_PKG_APK] = "apk",
	[LW_PKG_PIP] = "pip",
	[LW_PKG_NPM] = "npm",
	[LW_PKG_SYSTEM] = "system",
};

int lw_pkgdb_match(const char *path)
{
	size_t i;

	while (*path == '/')
		path++;
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (fnmatch(table[i].pattern, path, 0) == 0)
			return table[i].manager;
	return -1;
}

const char *lw_pkgdb_manager_name(int manager)
{
	return manager >= 0 && manager < LW_PKG_COUNT ?
		manager_names[manager] : "?";
}

int lw_pkgdb_group(const struct lw_analysis *an, const struct lw_group *g,
		   int *manager)
{
	int found = LW_PKG_SYSTEM, m;
	size_t i;

	if (!g->count)
		return 0;
	for (i = g->first; i < g->first + g->count && i < an->nfindings;
	     i++) {
		m = lw_pkgdb_match(an->findings[i].path);
		if (m < 0)
			return 0;
		if (found == LW_PKG_SYSTEM)
			found = m;
	}
	if (manager)
		*manager = found;
	return 1;
}

static int is_base(const struct lw_attribution *at, uint32_t l)
{
	size_t i;
	int any = 0;

	for (i = 0; i < at->nlayers; i++)
		any |= at->layers[i].base;
	if (!any && !at->base_known)
		return l == 0;
	return l < at->nlayers && at->layers[l].base;
}

int lw_pkgdb_classify(const struct lw_analysis *an,
		      const struct lw_attribution *at, size_t gi,
		      int *inherent, int *churn, int *manager)
{
	const struct lw_group *g = &an->groups[gi];
	/* A rewrite: other bytes, or the same bytes written again (dpkg's
	 * lock files, a status-old that did not change). */
	int over = g->kind == LW_KIND_OVERWRITE || g->kind == LW_KIND_TOUCH;
	int m = LW_PKG_SYSTEM;
	int in = 0, ch = 0, cat = LW_CAUSE_FILES;

	if (lw_pkgdb_group(an, g, &m)) {
		cat = LW_CAUSE_PACKAGE_DB;
		in = over && !is_base(at, g->layer) &&
		     is_base(at, g->from_layer);
		ch = over && !is_base(at, g->from_layer);
	}
	if (inherent)
		*inherent = in;
	if (churn)
		*churn = ch;
	if (manager)
		*manager = m;
	return cat;
}

/* The members as text.c has always grouped them: package-db causes that
 * are inherent or churn and not suppressed. */
static int chain_member(const struct lw_cause *c)
{
	return c->category == LW_CAUSE_PACKAGE_DB &&
	       (c->churn || c->inherent) && !c->suppressed;
}

static void add_step(struct lw_pkgdb_chain *c, uint32_t layer)
{
	size_t i, j;

	for (i = 0; i < c->nsteps && c->steps[i] < layer; i++)
		;
	if (i < c->nsteps && c->steps[i] == layer)
		return;
	for (j = c->nsteps; j > i; j--)
		c->steps[j] = c->steps[j - 1];
	c->steps[i] = layer;
	c->nsteps++;
}

/* Positions in the members' findings (ctx: their finding numbers and the
 * analysis), by path, then position. */
struct files_ctx {
	const uint32_t *fi;
	const struct lw_finding *f;
};

static int path_cmp(const void *x, const void *y, void *ctx)
{
	const struct files_ctx *fc = ctx;
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	int c = strcmp(fc->f[fc->fi[a]].path, fc->f[fc->fi[b]].path);

	return c ? c : (a > b) - (a < b);
}

static int pos_cmp(const void *x, const void *y)
{
	const uint64_t *a = x, *b = y;

	return (a[0] > b[0]) - (a[0] < b[0]);
}

/* The members' paths once each: their findings in report order (groups
 * in order, each group's findings in order), sorted by path to find each
 * path's first and its bytes, then put back in that order. O(n log n). */
static void chain_files(const struct lw_analysis *an,
			struct lw_pkgdb_chain *c)
{
	struct files_ctx fc = { .f = an->findings };
	uint32_t *fi, *pos;
	uint64_t (*first)[2]; /* position of a path's first, its bytes */
	size_t n = 0, i, j, k;

	for (i = 0; i < c->ngroups; i++)
		n += an->groups[c->groups[i]].count;
	fi = lw_xcalloc(n + 1, sizeof(*fi));
	pos = lw_xcalloc(n + 1, sizeof(*pos));
	first = lw_xcalloc(n + 1, sizeof(*first));
	n = 0;
	for (i = 0; i < c->ngroups; i++) {
		const struct lw_group *g = &an->groups[c->groups[i]];

		for (k = g->first; k < g->first + g->count &&
		     k < an->nfindings; k++) {
			fi[n] = (uint32_t)k;
			pos[n] = (uint32_t)n;
			n++;
		}
	}
	fc.fi = fi;
	qsort_r(pos, n, sizeof(*pos), path_cmp, &fc);
	for (i = 0; i < n; i = j) {
		const char *path = an->findings[fi[pos[i]]].path;

		first[c->nfiles][0] = pos[i];
		for (j = i; j < n && !strcmp(an->findings[fi[pos[j]]].path,
					     path); j++)
			first[c->nfiles][1] += an->findings[fi[pos[j]]].bytes;
		c->nfiles++;
	}
	qsort(first, c->nfiles, sizeof(*first), pos_cmp);
	c->files = lw_xcalloc(c->nfiles + 1, sizeof(*c->files));
	c->file_bytes = lw_xcalloc(c->nfiles + 1, sizeof(*c->file_bytes));
	for (i = 0; i < c->nfiles; i++) {
		c->files[i] = fi[first[i][0]];
		c->file_bytes[i] = first[i][1];
	}
	free(fi);
	free(pos);
	free(first);
}

int lw_pkgdb_chain(const struct lw_analysis *an,
		   const struct lw_attribution *at, struct lw_pkgdb_chain *c)
{
	size_t i, k;

	*c = (struct lw_pkgdb_chain){ .suggestion = -1 };
	if (!at || !at->causes)
		return 0;
	for (i = 0; i < at->ncauses; i++) {
		const struct lw_cause *cs = &at->causes[i];

		if (chain_member(cs) && cs->churn && cs->suggestion >= 0 &&
		    (size_t)cs->suggestion < at->nsuggestions) {
			c->suggestion = cs->suggestion;
			break;
		}
	}
	if (c->suggestion < 0)
		return 0;
	c->groups = lw_xcalloc(at->ncauses + 1, sizeof(*c->groups));
	c->steps = lw_xcalloc(2 * at->ncauses + 1, sizeof(*c->steps));
	for (i = 0; i < at->ncauses; i++) {
		const struct lw_cause *cs = &at->causes[i];
		const struct lw_group *g;

		if (!chain_member(cs) || cs->group >= an->ngroups)
			continue;
		g = &an->groups[cs->group];
		c->groups[c->ngroups++] = cs->group;
		add_step(c, g->layer);
		if (cs->churn) {
			add_step(c, g->from_layer);
			c->churn_bytes += g->bytes;
		} else {
			c->inherent_bytes += g->bytes;
		}
	}
	c->step_churn = lw_xcalloc(c->nsteps + 1, sizeof(*c->step_churn));
	c->step_inherent = lw_xcalloc(c->nsteps + 1,
				      sizeof(*c->step_inherent));
	for (i = 0; i < at->ncauses; i++) {
		const struct lw_cause *cs = &at->causes[i];
		const struct lw_group *g;

		if (!chain_member(cs) || cs->group >= an->ngroups)
			continue;
		g = &an->groups[cs->group];
		for (k = 0; k < c->nsteps && c->steps[k] != g->layer; k++)
			;
		if (k < c->nsteps)
			*(cs->churn ? &c->step_churn[k] :
			  &c->step_inherent[k]) += g->bytes;
	}
	chain_files(an, c);
	return 1;
}

void lw_pkgdb_chain_release(struct lw_pkgdb_chain *c)
{
	free(c->groups);
	free(c->steps);
	free(c->step_churn);
	free(c->step_inherent);
	free(c->files);
	free(c->file_bytes);
	*c = (struct lw_pkgdb_chain){ .suggestion = -1 };
}

int lw_pkgdb_chain_has(const struct lw_pkgdb_chain *c, size_t gi)
{
	size_t i;

	for (i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gi)
			return 1;
	return 0;
}
