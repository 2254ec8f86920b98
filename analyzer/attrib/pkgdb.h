/* Package-manager state by path: the files every install step rewrites
 * (docs/definitions.md, "package-db"). One table in pkgdb.c. */
#ifndef LAYERWASTE_PKGDB_H
#define LAYERWASTE_PKGDB_H

#include "layerwaste/attrib.h"
#include "layerwaste/engine.h"

/* The families whose idiom the advice names. */
enum lw_pkg_manager {
	LW_PKG_APT = 0, /* dpkg, apt, debconf */
	LW_PKG_RPM,     /* rpm, dnf, yum */
	LW_PKG_APK,
	LW_PKG_PIP,
	LW_PKG_NPM,
	LW_PKG_SYSTEM,  /* ld.so.cache, login records: any install rewrites
			   them */
	LW_PKG_COUNT
};

/* The manager whose state path is (normalised, no leading '/'), or -1. */
int lw_pkgdb_match(const char *path);
/* "apt", "rpm", "apk", "pip", "npm", "system"; "?" out of range. */
const char *lw_pkgdb_manager_name(int manager);
/* 1 when every finding of group g (borrowed) is package state; *manager
 * (may be NULL) gets the first finding's manager other than
 * LW_PKG_SYSTEM, else LW_PKG_SYSTEM. */
int lw_pkgdb_group(const struct lw_analysis *an, const struct lw_group *g,
		   int *manager);
/* The category of group gi (enum lw_cause_category) by the layers' base
 * flags of at (borrowed; when no layer is known to be the base's, the
 * first layer counts as the base's). For LW_CAUSE_PACKAGE_DB, *inherent:
 * an overwrite by a layer of the build of a base layer's copy; *churn: an
 * overwrite of a copy a layer of the build wrote; *manager as for
 * lw_pkgdb_group. Each out pointer may be NULL. */
int lw_pkgdb_classify(const struct lw_analysis *an,
		      const struct lw_attribution *at, size_t gi,
		      int *inherent, int *churn, int *manager);

#endif
