/* What a run is told to judge: rule settings (the config file, then the
 * flags), the Space's README, and the profile's checks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/checks.h"
#include "layerwaste/judge.h"
#include "cli.h"

int cli_load_rules(const struct cli *c, struct lw_rules_config *rc)
{
	struct lw_error err = { 0, "" };
	const struct cli_setting *s;
	char *found = NULL;
	int format = c->config_format, rc_ = LW_OK;
	size_t i;

	if (c->config)
		rc_ = lw_config_load(rc, c->config, format, &err);
	else if (!c->no_config && lw_config_find(".", &found, &format))
		rc_ = lw_config_load(rc, found, format, &err);
	free(found);
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
