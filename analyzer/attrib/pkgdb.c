/* Package-manager state by path. To recognise another manager, add its
 * patterns (fnmatch, '*' also matching '/', no leading '/') to the
 * table. */
#include <fnmatch.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

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
	return 1;
}

void lw_pkgdb_chain_release(struct lw_pkgdb_chain *c)
{
	free(c->groups);
	free(c->steps);
	free(c->step_churn);
	free(c->step_inherent);
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
