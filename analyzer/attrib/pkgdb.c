/* Package-manager state by path. To recognise another manager, add its
 * patterns (fnmatch, '*' also matching '/', no leading '/') to the
 * table. */
#include <fnmatch.h>
#include <stddef.h>
#include <stdint.h>

#include "pkgdb.h"

static const struct {
	const char *pattern;
	int manager;
} table[] = {
	{ .pattern = "var/lib/dpkg/status", .manager = LW_PKG_APT },
	{ .pattern = "var/lib/dpkg/status-old", .manager = LW_PKG_APT },
	{ .pattern = "var/lib/dpkg/info/*", .manager = LW_PKG_APT },
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
	int over = g->kind == LW_KIND_OVERWRITE, m = LW_PKG_SYSTEM;
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
