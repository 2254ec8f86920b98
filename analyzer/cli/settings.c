/* What a run is told to judge: rule settings (the config file, then the
 * LAYERWASTE_* environment, then the flags), the Space's README, and the
 * profile's checks. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layerwaste/checks.h"
#include "layerwaste/judge.h"
#include "cli.h"

/* The top of the git work tree that holds the working directory (the
 * nearest folder above it with a .git), or NULL; owned. */
static char *repo_root(void)
{
	char dir[PATH_MAX], probe[PATH_MAX + 8], *slash;
	struct stat st;

	if (!getcwd(dir, sizeof(dir)))
		return NULL;
	for (;;) {
		snprintf(probe, sizeof(probe), "%s/.git", dir);
		if (!stat(probe, &st))
			return lw_xstrdup(dir);
		slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			return NULL;
		*slash = '\0';
	}
}

/* The config file when none is named: the working directory's, then the
 * repository root's, then $XDG_CONFIG_HOME/layerwaste/config.yml
 * (~/.config when XDG_CONFIG_HOME is unset or relative). 1 with *path
 * (owned) and *format, else 0. */
static int find_config(char **path, int *format)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	struct lw_strbuf sb = LW_STRBUF_INIT;
	char *root;
	int found;

	if (lw_config_find(".", path, format))
		return 1;
	root = repo_root();
	found = root && lw_config_find(root, path, format);
	free(root);
	if (found)
		return 1;
	if (xdg && *xdg == '/')
		lw_strbuf_addf(&sb, "%s/layerwaste/config.yml", xdg);
	else if (home && *home)
		lw_strbuf_addf(&sb, "%s/.config/layerwaste/config.yml", home);
	if (sb.len && !access(sb.buf, F_OK)) {
		*path = lw_strbuf_detach(&sb);
		*format = LW_CONFIG_LAYERWASTE;
		return 1;
	}
	lw_strbuf_release(&sb);
	return 0;
}

/* LAYERWASTE_<KEY> for each setting, KEY upper case with '_' for '-':
 * LAYERWASTE_MAX_WASTED_BYTES=50MB, LAYERWASTE_BASELINE=main.json. They
 * are applied after the config file and before the flags. */
static int env_settings(struct lw_rules_config *rc)
{
	static const char *const keys[] = { "min-finding-bytes",
		"min-wasted-bytes-for-percent", "profile", "space-readme",
		"judge-base", "baseline", "fail-on" };
	const size_t nkeys = sizeof(keys) / sizeof(keys[0]);
	struct lw_error err = { 0, "" };
	char name[96];
	size_t i, k;

	for (i = 0; i < LW_RULE_COUNT + nkeys; i++) {
		const char *key = i < LW_RULE_COUNT ? lw_rule_id((int)i) :
				  keys[i - LW_RULE_COUNT];
		const char *v;

		snprintf(name, sizeof(name), "LAYERWASTE_%s", key);
		for (k = 11; name[k]; k++)
			name[k] = name[k] == '-' ? '_' :
				  (char)toupper((unsigned char)name[k]);
		v = getenv(name);
		if (!v || !*v)
			continue;
		if (lw_rules_set(rc, key, v, &err)) {
			cli_msg("$%s: %s", name, err.msg);
			return EXIT_USAGE;
		}
	}
	return EXIT_OK;
}

int cli_load_rules(const struct cli *c, struct lw_rules_config *rc)
{
	struct lw_error err = { 0, "" };
	const struct cli_setting *s;
	char *found = NULL;
	int format = c->config_format, rc_ = LW_OK;
	size_t i;

	const char *env = getenv("LAYERWASTE_CONFIG");

	if (c->config)
		rc_ = lw_config_load(rc, c->config, format, &err);
	else if (!c->no_config && env && *env)
		rc_ = lw_config_load(rc, env, LW_CONFIG_LAYERWASTE, &err);
	else if (!c->no_config && find_config(&found, &format))
		rc_ = lw_config_load(rc, found, format, &err);
	free(found);
	if (rc_ != LW_OK) {
		cli_msg("%s", err.msg);
		return EXIT_USAGE;
	}
	if (env_settings(rc))
		return EXIT_USAGE;
	for (i = 0; rc_ == LW_OK && i < c->nsettings; i++) {
		s = &c->settings[i];
		if (s->rule >= 0)
			rc_ = lw_rules_set_value(rc, s->rule, s->name, s->value,
						 &err);
		else
			rc_ = lw_rules_set(rc, s->key, s->value, &err);
	}
	if (rc_ != LW_OK) {
		cli_msg("%s", err.msg);
		return EXIT_USAGE;
	}
	for (i = 0; i < rc->nsuppress; i++)
		if (rc->suppress[i].expired)
			cli_msg("%s:%d: ignore: expired on %s; it no longer "
				"suppresses", rc->source ? rc->source : "config",
				rc->suppress[i].src_line,
				rc->suppress[i].expires);
	return EXIT_OK;
}

int cli_load_readme(const struct lw_rules_config *rc,
		    struct lw_space_readme **out)
{
	struct lw_error err = { 0, "" };

	*out = NULL;
	if (!rc->space_readme)
		return EXIT_OK;
	if (rc->profile != LW_PROFILE_SPACES) {
		cli_msg("--space-readme is read by the spaces profile only "
			"(add --profile spaces)");
		return EXIT_USAGE;
	}
	if (lw_space_readme_load(rc->space_readme, out, &err)) {
		cli_msg("%s", err.msg);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int cli_run_checks(const struct cli *c, const struct lw_analysis *an,
		   const struct lw_attribution *at,
		   const struct lw_rules_config *rc,
		   const struct lw_space_readme *readme,
		   struct lw_checks **out)
{
	struct lw_checks_opts o = {
		.profile = rc->profile,
		.readme = readme,
		.target = c->ao.target,
		.build_args = c->ao.build_args,
		.attribution = at,
	};
	struct lw_error err = { 0, "" };
	int rc_;

	if (rc->profile == LW_PROFILE_NONE)
		return EXIT_OK;
	rc_ = lw_checks_run(an, &o, out, &err);
	if (rc_ == LW_OK)
		return EXIT_OK;
	cli_msg("%s", err.msg);
	return rc_ == LW_ERR_USAGE ? EXIT_USAGE : rc_ == LW_ERR_INPUT ?
		EXIT_INPUT : EXIT_IO;
}

int cli_grade_checks(const struct lw_rules_config *rc,
		     struct lw_checks *checks, struct lw_rules_report *report)
{
	const char *names[LW_SEVERITY_CHECKS_MAX + 64], *near, *profile;
	struct lw_check *k;
	size_t i, j, len;

	if (!checks)
		return EXIT_OK;
	profile = lw_profile_name(checks->profile);
	len = profile ? strlen(profile) : 0;
	for (i = 0; i < rc->ncheck_severity; i++) {
		const struct lw_severity_check *sc = &rc->check_severity[i];
		size_t n = 0;

		if (!profile || strncmp(sc->id, profile, len) ||
		    sc->id[len] != '/')
			continue; /* another profile's: not run */
		for (j = 0; j < checks->n; j++) {
			if (!strcmp(checks->checks[j].id, sc->id))
				break;
			if (n < sizeof(names) / sizeof(names[0]))
				names[n++] = checks->checks[j].id;
		}
		if (j < checks->n)
			continue;
		near = lw_closest_name(sc->id, names, n);
		cli_msg("%s:%d: severity: %s: no check of the %s profile has "
			"this id%s%s%s", rc->source ? rc->source : "config",
			sc->line, sc->id, profile,
			near ? " (did you mean " : "", near ? near : "",
			near ? "?)" : "");
		return EXIT_USAGE;
	}
	checks->nerrors = 0;
	for (j = 0; j < checks->n; j++) {
		k = &checks->checks[j];
		k->severity = lw_severity_of_check(rc, k->id, k->severity);
		if (k->status == LW_CHECK_FAIL && k->severity == LW_SEV_ERROR)
			checks->nerrors++;
		lw_rules_report_add_check(report, k->severity,
					  k->status == LW_CHECK_FAIL);
	}
	return EXIT_OK;
}
