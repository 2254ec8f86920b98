/* Unit tests of the config files: .layerwaste.yml and dive's .dive-ci,
 * what they set, and every kind of error naming file, line and key. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layerwaste/checks.h"
#include "layerwaste/judge.h"
#include "suite.h"

static struct lw_rules_config cfg;
static struct lw_error err;

static void setup(void)
{
	lw_rules_config_init(&cfg);
	memset(&err, 0, sizeof(err));
}

static void teardown(void)
{
	lw_rules_config_release(&cfg);
}

static int load(const char *text, int format)
{
	memset(&err, 0, sizeof(err));
	return lw_config_load_text(&cfg, text, strlen(text),
				   format == LW_CONFIG_DIVE ? ".dive-ci" :
				   ".layerwaste.yml", format, &err);
}

/* Loads text, expects a config error whose message contains want. */
static void load_fails(const char *text, int format, const char *want)
{
	ck_assert_msg(load(text, format) == LW_ERR_USAGE, "accepted: %s",
		      text);
	ck_assert_msg(strstr(err.msg, want) != NULL, "'%s' lacks '%s'",
		      err.msg, want);
}

/* The profile and the Space's README: keys of .layerwaste.yml and flags,
 * neither of which configures a rule. */
START_TEST(test_profile)
{
	ck_assert_int_eq(load("profile: spaces\nspace-readme: README.md\n",
			      LW_CONFIG_LAYERWASTE), LW_OK);
	ck_assert_int_eq(cfg.profile, LW_PROFILE_SPACES);
	ck_assert_str_eq(cfg.space_readme, "README.md");
	ck_assert(!lw_rules_configured(&cfg));
	ck_assert_int_eq(lw_rules_set(&cfg, "--profile", "none", &err), LW_OK);
	ck_assert_int_eq(cfg.profile, LW_PROFILE_NONE);
	ck_assert_int_eq(lw_rules_set(&cfg, "--profile", "heroku", &err),
			 LW_ERR_USAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "unknown profile 'heroku'"));
	load_fails("rules:\n  max-wasted-bytes: 1MB\nprofile: heroku\n",
		   LW_CONFIG_LAYERWASTE, ".layerwaste.yml:3: profile: unknown "
		   "profile 'heroku'");
	load_fails("profile:\n", LW_CONFIG_LAYERWASTE, "profile: no value");
	load_fails("space-readme: [a, b]\n", LW_CONFIG_LAYERWASTE,
		   "space-readme: must be a value");
	load_fails("rules:\n  profile: spaces\n", LW_CONFIG_LAYERWASTE,
		   "profile: unknown rule");
	load_fails("rules:\n  lowestEfficiency: 0.9\nprofile: spaces\n",
		   LW_CONFIG_DIVE, "unknown key");
}
END_TEST

START_TEST(test_full_config)
{
	static const char text[] =
		"# CI limits\n"
		"rules:\n"
		"  max-wasted-bytes: 50MB\n"
		"  max-wasted-percent: 5%\n"
		"  max-metadata-bytes: 1MiB\n"
		"  max-delete-bytes: disabled\n"
		"  lowest-efficiency: 0.95\n"
		"  highest-wasted-bytes: \"20Mb\"\n"
		"  highest-user-wasted-percent: 50%\n"
		"min-finding-bytes: 4kB\n"
		"min-wasted-bytes-for-percent: 2MB\n"
		"ignore-paths:\n"
		"  - /var/cache/*\n"
		"  - tmp\n";

	ck_assert_msg(load(text, LW_CONFIG_LAYERWASTE) == LW_OK, "%s",
		      err.msg);
	ck_assert(lw_rules_configured(&cfg));
	ck_assert_int_eq(cfg.limits[LW_RULE_MAX_WASTED_BYTES].state,
			 LW_LIMIT_ON);
	ck_assert_uint_eq(cfg.limits[LW_RULE_MAX_WASTED_BYTES].bytes,
			  50000000);
	ck_assert_double_eq(cfg.limits[LW_RULE_MAX_WASTED_PERCENT].value, 5.0);
	ck_assert_uint_eq(cfg.limits[LW_RULE_MAX_METADATA_BYTES].bytes,
			  1048576);
	ck_assert_int_eq(cfg.limits[LW_RULE_MAX_DELETE_BYTES].state,
			 LW_LIMIT_DISABLED);
	ck_assert_double_eq(cfg.limits[LW_RULE_LOWEST_EFFICIENCY].value, 0.95);
	ck_assert_uint_eq(cfg.limits[LW_RULE_HIGHEST_WASTED_BYTES].bytes,
			  20000000);
	ck_assert_double_eq_tol(
		cfg.limits[LW_RULE_HIGHEST_USER_WASTED_PERCENT].value, 0.5,
		1e-12);
	ck_assert_int_eq(cfg.limits[LW_RULE_MAX_CHOWN_BYTES].state,
			 LW_LIMIT_UNSET);
	ck_assert_uint_eq(cfg.min_finding_bytes, 4000);
	ck_assert_uint_eq(cfg.percent_floor, 2000000);
	ck_assert_uint_eq(cfg.nignore, 2);
	ck_assert_str_eq(cfg.ignore[0], "/var/cache/*");
	ck_assert_str_eq(cfg.ignore[1], "/tmp");
	ck_assert_str_eq(cfg.source, ".layerwaste.yml");
	ck_assert_int_eq(cfg.dive_format, 0);
}
END_TEST

START_TEST(test_empty_files)
{
	ck_assert_int_eq(load("", LW_CONFIG_LAYERWASTE), LW_OK);
	ck_assert(!lw_rules_configured(&cfg));
	ck_assert_int_eq(load("# nothing\n", LW_CONFIG_LAYERWASTE), LW_OK);
	ck_assert_int_eq(load("rules: {}\n", LW_CONFIG_LAYERWASTE), LW_OK);
	ck_assert(!lw_rules_configured(&cfg));
	ck_assert_uint_eq(cfg.percent_floor, LW_PERCENT_FLOOR_DEFAULT);
}
END_TEST

START_TEST(test_our_errors)
{
	/* Unknown keys, at the top and among the rules, with the line. */
	load_fails("rules:\n  max-wasted-bytes: 1MB\nthreshold: 3\n",
		   LW_CONFIG_LAYERWASTE, ".layerwaste.yml:3: threshold: "
		   "unknown key");
	load_fails("rules:\n  max-wasted-byte: 1MB\n", LW_CONFIG_LAYERWASTE,
		   ".layerwaste.yml:2: max-wasted-byte: unknown rule");
	/* dive's sample key, which dive itself silently ignores. */
	load_fails("rules:\n  lowest-efficiency-threshold: 0.9\n",
		   LW_CONFIG_LAYERWASTE, "lowest-efficiency-threshold: "
		   "unknown rule");
	load_fails("rules:\n  lowestEfficiency: 0.9\n", LW_CONFIG_LAYERWASTE,
		   "here it is 'lowest-efficiency'");
	load_fails("max-wasted-bytes: 1MB\n", LW_CONFIG_LAYERWASTE,
		   "rules go under 'rules:'");
	/* Bad values. */
	load_fails("rules:\n  max-wasted-bytes: 50XB\n", LW_CONFIG_LAYERWASTE,
		   ":2: max-wasted-bytes: '50XB' has an unknown unit");
	load_fails("rules:\n  max-wasted-bytes: not_a_size\n",
		   LW_CONFIG_LAYERWASTE, "'not_a_size' is not a number");
	load_fails("rules:\n  max-wasted-percent: 101\n", LW_CONFIG_LAYERWASTE,
		   "outside 0..100");
	load_fails("rules:\n  max-wasted-percent: five\n",
		   LW_CONFIG_LAYERWASTE, "max-wasted-percent: 'five' is not a "
		   "number");
	load_fails("rules:\n  max-chown-bytes: -1\n", LW_CONFIG_LAYERWASTE,
		   "must not be negative");
	load_fails("rules:\n  lowest-efficiency: 1.1\n", LW_CONFIG_LAYERWASTE,
		   "outside 0..1");
	load_fails("rules:\n  lowest-efficiency: -0.1\n", LW_CONFIG_LAYERWASTE,
		   "negative");
	load_fails("rules:\n  highest-user-wasted-percent: not_a_number\n",
		   LW_CONFIG_LAYERWASTE, "not a number");
	load_fails("rules:\n  max-wasted-bytes:\n", LW_CONFIG_LAYERWASTE,
		   "max-wasted-bytes: no value");
	load_fails("min-finding-bytes: lots\n", LW_CONFIG_LAYERWASTE,
		   ":1: min-finding-bytes: 'lots'");
	/* Shapes. */
	load_fails("rules:\n  - max-wasted-bytes\n", LW_CONFIG_LAYERWASTE,
		   "rules: must be a mapping");
	load_fails("rules:\n  max-wasted-bytes: [1, 2]\n",
		   LW_CONFIG_LAYERWASTE, "must be a value, not a list");
	load_fails("ignore-paths: /tmp\n", LW_CONFIG_LAYERWASTE,
		   "ignore-paths: must be a list of globs");
	load_fails("ignore-paths:\n  - {a: b}\n", LW_CONFIG_LAYERWASTE,
		   "must be a value, not a mapping");
	load_fails("- a\n- b\n", LW_CONFIG_LAYERWASTE,
		   "the top level: must be a mapping");
	load_fails("rules:\n  max-wasted-bytes: 1MB\n  max-wasted-bytes: 2MB\n",
		   LW_CONFIG_LAYERWASTE, ":3: max-wasted-bytes: duplicate key");
	load_fails("rules: [\n", LW_CONFIG_LAYERWASTE, "invalid YAML");
	load_fails("rules: {}\n---\nrules: {}\n", LW_CONFIG_LAYERWASTE,
		   "a second YAML document");
	load_fails("rules:\n  max-wasted-bytes: \"1\\0MB\"\n",
		   LW_CONFIG_LAYERWASTE, "NUL byte");
}
END_TEST

START_TEST(test_dive_defaults)
{
	/* A .dive-ci names only some rules: dive's defaults fill in the
	 * others (lowestEfficiency 0.9, highestWastedBytes disabled,
	 * highestUserWastedPercent 0.1), as dive does. */
	ck_assert_int_eq(load("rules:\n  highestWastedBytes: 20Mb\n",
			      LW_CONFIG_DIVE), LW_OK);
	ck_assert_int_eq(cfg.dive_format, 1);
	ck_assert_uint_eq(cfg.limits[LW_RULE_HIGHEST_WASTED_BYTES].bytes,
			  20000000);
	ck_assert_int_eq(cfg.limits[LW_RULE_LOWEST_EFFICIENCY].state,
			 LW_LIMIT_ON);
	ck_assert_double_eq(cfg.limits[LW_RULE_LOWEST_EFFICIENCY].value, 0.9);
	ck_assert_double_eq(
		cfg.limits[LW_RULE_HIGHEST_USER_WASTED_PERCENT].value, 0.1);
	ck_assert_int_eq(cfg.limits[LW_RULE_MAX_WASTED_BYTES].state,
			 LW_LIMIT_UNSET);
	lw_rules_config_release(&cfg);
	ck_assert_int_eq(load("", LW_CONFIG_DIVE), LW_OK);
	ck_assert_int_eq(cfg.limits[LW_RULE_HIGHEST_WASTED_BYTES].state,
			 LW_LIMIT_DISABLED);
	ck_assert(lw_rules_configured(&cfg));
}
END_TEST

START_TEST(test_dive_file)
{
	/* dive's .data/.dive-ci and its default-ci-config/.dive-ci. */
	ck_assert_int_eq(load("rules:\n  lowestEfficiency: 0.95\n"
			      "  highestWastedBytes: 20Mb\n"
			      "  highestUserWastedPercent: 0.5\n",
			      LW_CONFIG_DIVE), LW_OK);
	ck_assert_double_eq(cfg.limits[LW_RULE_LOWEST_EFFICIENCY].value, 0.95);
	ck_assert_uint_eq(cfg.limits[LW_RULE_HIGHEST_WASTED_BYTES].bytes,
			  20000000);
	ck_assert_double_eq(
		cfg.limits[LW_RULE_HIGHEST_USER_WASTED_PERCENT].value, 0.5);
	ck_assert_int_eq(load("rules:\n  lowestEfficiency: 0.96\n"
			      "  highestWastedBytes: 19Mb\n"
			      "  highestUserWastedPercent: 0.6\n",
			      LW_CONFIG_DIVE), LW_OK);
	ck_assert_uint_eq(cfg.limits[LW_RULE_HIGHEST_WASTED_BYTES].bytes,
			  19000000);
	/* dive takes "", "off", "false" and "disabled" as disabled. */
	ck_assert_int_eq(load("rules:\n  lowestEfficiency:\n"
			      "  highestWastedBytes: off\n"
			      "  highestUserWastedPercent: false\n",
			      LW_CONFIG_DIVE), LW_OK);
	ck_assert_int_eq(cfg.limits[LW_RULE_LOWEST_EFFICIENCY].state,
			 LW_LIMIT_DISABLED);
	ck_assert_int_eq(cfg.limits[LW_RULE_HIGHEST_WASTED_BYTES].state,
			 LW_LIMIT_DISABLED);
	ck_assert_int_eq(cfg.limits[LW_RULE_HIGHEST_USER_WASTED_PERCENT].state,
			 LW_LIMIT_DISABLED);
}
END_TEST

START_TEST(test_dive_errors)
{
	/* dive's evaluator_test.go:107-176 config errors. */
	load_fails("rules:\n  lowestEfficiency: 1.1\n", LW_CONFIG_DIVE,
		   ".dive-ci:2: lowestEfficiency: '1.1' is outside 0..1");
	load_fails("rules:\n  lowestEfficiency: -0.1\n", LW_CONFIG_DIVE,
		   "lowestEfficiency: '-0.1' must not be negative");
	load_fails("rules:\n  highestUserWastedPercent: not_a_number\n",
		   LW_CONFIG_DIVE, "highestUserWastedPercent: 'not_a_number'");
	load_fails("rules:\n  highestWastedBytes: not_a_size\n",
		   LW_CONFIG_DIVE, "highestWastedBytes: 'not_a_size'");
	/* What dive would ignore silently is an error here. */
	load_fails("rules:\n  lowest-efficiency-threshold: 0.9\n",
		   LW_CONFIG_DIVE, ".dive-ci:2: lowest-efficiency-threshold: "
		   "unknown key");
	load_fails("rules:\n  max-wasted-bytes: 1MB\n", LW_CONFIG_DIVE,
		   "dive's keys are");
	load_fails("ci: true\n", LW_CONFIG_DIVE, "ci: unknown key");
	load_fails("rules: 3\n", LW_CONFIG_DIVE, "rules: must be a mapping");
}
END_TEST

static char tmpdir[64];

static void write_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void remove_file(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	unlink(path);
}

START_TEST(test_find_and_load)
{
	char *path = NULL, want[256];
	int format = -1;

	strcpy(tmpdir, "/tmp/lwcfgXXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	ck_assert_int_eq(lw_config_find(tmpdir, &path, &format), 0);
	ck_assert_ptr_null(path);

	write_file(".dive-ci", "rules:\n  lowestEfficiency: 0.5\n");
	ck_assert_int_eq(lw_config_find(tmpdir, &path, &format), 1);
	snprintf(want, sizeof(want), "%s/.dive-ci", tmpdir);
	ck_assert_str_eq(path, want);
	ck_assert_int_eq(format, LW_CONFIG_DIVE);
	ck_assert_int_eq(lw_config_load(&cfg, path, format, &err), LW_OK);
	ck_assert_double_eq(cfg.limits[LW_RULE_LOWEST_EFFICIENCY].value, 0.5);
	free(path);

	/* Ours wins over .dive-ci; .yml over .yaml. */
	write_file(".layerwaste.yaml", "rules: {}\n");
	ck_assert_int_eq(lw_config_find(tmpdir, &path, &format), 1);
	ck_assert_int_eq(format, LW_CONFIG_LAYERWASTE);
	ck_assert_ptr_nonnull(strstr(path, ".layerwaste.yaml"));
	free(path);
	write_file(".layerwaste.yml", "rules:\n  max-wasted-bytes: x\n");
	ck_assert_int_eq(lw_config_find(tmpdir, &path, &format), 1);
	ck_assert_ptr_nonnull(strstr(path, ".layerwaste.yml"));
	ck_assert_int_eq(lw_config_load(&cfg, path, format, &err),
			 LW_ERR_USAGE);
	snprintf(want, sizeof(want), "%s:2: max-wasted-bytes: 'x'", path);
	ck_assert_msg(strstr(err.msg, want) != NULL, "%s", err.msg);
	free(path);

	remove_file(".layerwaste.yml");
	remove_file(".layerwaste.yaml");
	remove_file(".dive-ci");
	rmdir(tmpdir);
	/* A file that cannot be read is a config error. */
	ck_assert_int_eq(lw_config_load(&cfg, "/nonexistent/.layerwaste.yml",
					LW_CONFIG_LAYERWASTE, &err),
			 LW_ERR_USAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "cannot read config "
				     "'/nonexistent/.layerwaste.yml'"));
}
END_TEST

START_TEST(test_too_large)
{
	size_t n = LW_CONFIG_MAX_BYTES + 1;
	char *big = malloc(n + 1);

	memset(big, '#', n);
	big[n] = '\0';
	ck_assert_int_eq(lw_config_load_text(&cfg, big, n, "big.yml",
					     LW_CONFIG_LAYERWASTE, &err),
			 LW_ERR_USAGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "larger than"));
	free(big);
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *ours = tcase_create("layerwaste");
	TCase *dive = tcase_create("dive");
	TCase *files = tcase_create("files");

	tcase_add_checked_fixture(ours, setup, teardown);
	tcase_add_test(ours, test_full_config);
	tcase_add_test(ours, test_empty_files);
	tcase_add_test(ours, test_our_errors);
	tcase_add_test(ours, test_profile);
	suite_add_tcase(s, ours);
	tcase_add_checked_fixture(dive, setup, teardown);
	tcase_add_test(dive, test_dive_defaults);
	tcase_add_test(dive, test_dive_file);
	tcase_add_test(dive, test_dive_errors);
	suite_add_tcase(s, dive);
	tcase_add_checked_fixture(files, setup, teardown);
	tcase_add_test(files, test_find_and_load);
	tcase_add_test(files, test_too_large);
	suite_add_tcase(s, files);
	return s;
}

int main(void)
{
	return lwt_run_suite(config_suite());
}
