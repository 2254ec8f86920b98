/* The judge stage: rules (limits on an analysis's waste, for CI), their
 * settings from flags and config files, and their evaluation. */
#ifndef LAYERWASTE_JUDGE_H
#define LAYERWASTE_JUDGE_H

#include <stddef.h>
#include <stdint.h>

#include "layerwaste/engine.h"
#include "layerwaste/attrib.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Rules: limits on the waste of an image, for CI.
 *
 * A rule is configured from a flag or a config file (config.h), evaluated
 * over an analysis, and gives a result that is data only: status, the
 * threshold and the measured value as text, a message. The core never
 * prints a result; the renderers do (docs/ci.md is the user's contract).
 *
 * Our own rules (max-*) look at layerwaste's findings after the finding
 * floor and the ignored paths are taken out; the dive-compatible rules
 * (lowest-efficiency, highest-*) look at the dive block of the analysis,
 * as dive itself would. Rules on a ratio pass while the wasted bytes they
 * judge stay under an absolute floor (min-wasted-bytes-for-percent), so a
 * small image with a few kB of waste never fails a percent rule. */

struct lw_analysis;

/* Profiles: named sets of extra checks (checks.h runs them). The config
 * names one, so the names live here. */
enum lw_profile {
	LW_PROFILE_NONE = 0,
	LW_PROFILE_SPACES, /* Hugging Face Docker Spaces */
	LW_PROFILE_COUNT
};

/* "spaces"; NULL for LW_PROFILE_NONE or out of range. */
const char *lw_profile_name(int profile);
/* The profile for a name, or -1. */
int lw_profile_from_name(const char *name);

enum lw_rule {
	LW_RULE_MAX_WASTED_BYTES = 0,
	LW_RULE_MAX_WASTED_PERCENT,
	/* one per enum lw_kind, in that order */
	LW_RULE_MAX_CHOWN_BYTES,
	LW_RULE_MAX_CHMOD_BYTES,
	LW_RULE_MAX_CHOWN_CHMOD_BYTES,
	LW_RULE_MAX_TOUCH_BYTES,
	LW_RULE_MAX_OVERWRITE_BYTES,
	LW_RULE_MAX_DELETE_BYTES,
	LW_RULE_MAX_METADATA_BYTES, /* chown + chmod + chown+chmod + touch */
	LW_RULE_LOWEST_EFFICIENCY,  /* dive's lowestEfficiency */
	LW_RULE_HIGHEST_WASTED_BYTES, /* dive's highestWastedBytes */
	LW_RULE_HIGHEST_USER_WASTED_PERCENT, /* dive's highestUserWastedPercent */
	LW_RULE_MAX_CHURN_BYTES,    /* package-manager churn (attrib.h) */
	LW_RULE_COUNT
};

/* What a rule's threshold and value measure. */
enum lw_rule_unit {
	LW_UNIT_BYTES = 0,
	LW_UNIT_PERCENT, /* 0..100 */
	LW_UNIT_RATIO,   /* 0..1, as dive writes them */
};

enum lw_limit_state {
	LW_LIMIT_UNSET = 0, /* not configured: not evaluated, not listed */
	LW_LIMIT_ON,
	LW_LIMIT_DISABLED,  /* configured as "disabled": listed as skipped */
};

struct lw_limit {
	int state;      /* enum lw_limit_state */
	uint64_t bytes; /* LW_UNIT_BYTES rules */
	double value;   /* percent (0..100) or ratio (0..1) rules */
};

/* Default of min-wasted-bytes-for-percent: 1 MB (SI). */
#define LW_PERCENT_FLOOR_DEFAULT 1000000ULL
/* Caps on untrusted configuration (LW_IGNORE_MAX also caps `ignore:`). */
#define LW_IGNORE_MAX 256
#define LW_IGNORE_LEN_MAX 4096

/* Key bindings of the browser (`keys:` in .layerwaste.yml). The config
 * names the actions, so their names and key names live here, as the
 * profiles' do; the browser (browse.h) holds the defaults and does the
 * actions. Names follow dive's keybinding names where dive has the
 * action. */
enum lw_key_action {
	LW_ACT_QUIT = 0,
	LW_ACT_UP,
	LW_ACT_DOWN,
	LW_ACT_LEFT,
	LW_ACT_RIGHT,
	LW_ACT_PAGE_UP,
	LW_ACT_PAGE_DOWN,
	LW_ACT_FIRST,
	LW_ACT_LAST,
	LW_ACT_NEXT_PANE,     /* dive's toggle-view */
	LW_ACT_PREV_PANE,
	LW_ACT_OPEN,          /* dive's toggle-collapse-dir, and more */
	LW_ACT_COLLAPSE_ALL,  /* toggle-collapse-all-dir */
	LW_ACT_FILTER,        /* filter-files */
	LW_ACT_SORT,          /* toggle-sort-order */
	LW_ACT_WASTED,
	LW_ACT_IMAGE_VIEW,    /* layer / image, one key */
	LW_ACT_COMPARE_ALL,   /* the image (dive: aggregated changes) */
	LW_ACT_COMPARE_LAYER, /* the layer */
	LW_ACT_ADDED,         /* toggle-added-files */
	LW_ACT_REMOVED,
	LW_ACT_MODIFIED,
	LW_ACT_UNMODIFIED,
	LW_ACT_ATTRS,         /* toggle-filetree-attributes */
	LW_ACT_CAUSE,         /* the cause and fix of the file's waste */
	LW_ACT_HELP,
	LW_ACT_CHANGE_ONLY,   /* diff --browse: only what the change
				 added */
	LW_ACT_COUNT
};

/* Where an action's keys work: everywhere, or in one pane only (as
 * dive's layer and file-tree bindings). */
enum lw_key_scope {
	LW_SCOPE_ANY = 0,
	LW_SCOPE_LAYERS,
	LW_SCOPE_FILES,
};

/* Key codes: a Unicode code point ('a'; 1..26 for Ctrl-A..Ctrl-Z, 0 for
 * Ctrl-Space, 9 Tab, 13 Enter and Ctrl-M, 27 Esc) or one of these. */
enum {
	LW_KEY_UP = 0x110000,
	LW_KEY_DOWN,
	LW_KEY_LEFT,
	LW_KEY_RIGHT,
	LW_KEY_PGUP,
	LW_KEY_PGDN,
	LW_KEY_HOME,
	LW_KEY_END,
	LW_KEY_BTAB,
	LW_KEY_ENTER, /* the keypad's */
	LW_KEY_F1,    /* ... LW_KEY_F1 + 11 for F12 */
	LW_KEY_LIMIT = LW_KEY_F1 + 12
};

struct lw_key_binding {
	int action; /* enum lw_key_action */
	int key;
};

/* Caps on the `keys:` map: bindings in all, keys per action. */
#define LW_KEYS_MAX 64
#define LW_KEYS_PER_ACTION 8

/* Severities (docs/ci.md, "Severities and --fail-on"): each finding
 * kind, fix kind and profile check has one, set in the config's
 * `severity:` map. The values are those of enum lw_check_severity
 * (checks.h), which a check's built-in severity uses. */
enum lw_severity {
	LW_SEVERITY_ERROR = 0,
	LW_SEVERITY_WARNING,
	LW_SEVERITY_NOTE,
	LW_SEVERITY_COUNT
};

/* --fail-on LEVEL: the run fails (exit 1) when a judged finding or a
 * failed check has a severity at LEVEL or above. Failed rules fail the
 * run whatever it says. */
enum lw_fail_on {
	LW_FAIL_ON_ERROR = 0, /* the default */
	LW_FAIL_ON_WARNING,
	LW_FAIL_ON_NOTE,
	LW_FAIL_ON_NONE,
};

/* The `severity:` keys for findings beyond the finding kinds (enum
 * lw_kind, whose names are keys too): causes whose files are all
 * package-manager state, and the churn among them (attrib.h). */
enum {
	LW_SEVKEY_PACKAGE_DB = LW_KIND_COUNT,
	LW_SEVKEY_CHURN,
	LW_SEVKEY_COUNT
};

/* The severity a finding has when nothing sets one. */
#define LW_SEVERITY_DEFAULT LW_SEVERITY_WARNING
/* Cap on the check ids the `severity:` map names. */
#define LW_SEVERITY_CHECKS_MAX 64

/* "error", "warning", "note"; NULL if out of range. */
const char *lw_severity_name(int severity);
/* The severity of a name, or -1. */
int lw_severity_from_name(const char *name);
/* "error", "warning", "note", "none"; NULL if out of range. */
const char *lw_fail_on_name(int fail_on);
/* The enum lw_fail_on of a name, or -1. */
int lw_fail_on_from_name(const char *name);
/* 1 when something of this severity fails the run under fail_on. */
int lw_severity_fails(int severity, int fail_on);
/* The one rule for the level the CI formats show (annotations, SARIF,
 * GitLab): error when it broke a rule (broke_rule) or when its severity
 * is error and fail_on makes it fail the run; else its severity, an
 * error that does not fail the run shown as a warning. */
int lw_severity_level(int severity, int broke_rule, int fail_on);

/* One `severity:` entry naming a profile check ("spaces/app-port"). */
struct lw_severity_check {
	char *id;     /* owned */
	int severity; /* enum lw_severity */
	int line;     /* its line in the config file, 0 from elsewhere */
};

struct lw_rules_config;

/* "quit", "toggle-added-files", ...; NULL if out of range. */
const char *lw_key_action_name(int action);
/* The action of a name, or -1. */
int lw_key_action_from_name(const char *name);
/* The enum lw_key_scope of an action. */
int lw_key_action_scope(int action);
/* Reads one key as dive writes it, case ignored for names: "q", "G",
 * "ctrl+a" (or "ctrl-a", "c-a", "^a"), "ctrl+space", "tab", "shift+tab",
 * "enter", "esc", "space", "up", "down", "left", "right", "pgup",
 * "pgdn", "home", "end", "f1".."f12", "slash". Returns 0, or -1 with a
 * reason (static) in *why. */
int lw_key_parse(const char *s, int *key, const char **why);
/* The name of a key, as lw_key_parse reads it, into buf. Returns buf. */
const char *lw_key_name(int key, char *buf, size_t size);
/* Binds action to the keys of text (borrowed: one key, or several
 * separated by commas, as dive writes them) in c, replacing what the
 * config bound to it before. Returns LW_OK, or LW_ERR_USAGE with
 * "ACTION: message" in err. */
int lw_keys_set(struct lw_rules_config *c, const char *action,
		const char *text, struct lw_error *err);

struct lw_rules_config {
	struct lw_limit limits[LW_RULE_COUNT];
	uint64_t min_finding_bytes; /* findings smaller are not judged */
	uint64_t percent_floor;     /* min-wasted-bytes-for-percent */
	char **ignore;              /* owned fnmatch globs on "/path" */
	size_t nignore;
	char *source;               /* owned: the config file read, or NULL */
	int dive_format;            /* source was a .dive-ci file */
	int profile;                /* enum lw_profile (checks.h): extra
				       checks to run, 0 for none */
	char *space_readme;         /* owned: the Space's README.md path
				       for the spaces profile, or NULL */
	int judge_base;             /* judge-base: waste inherited from the
				       base image is judged too */
	/* The `ignore:` entries (owned, in the file's order): causes they
	 * match are reported as suppressed and not judged. */
	struct lw_suppress_rule *suppress;
	size_t nsuppress;
	char *baseline;             /* owned: the JSON report of an earlier
				       run to judge against, or NULL */
	/* The browser's keys from the config's `keys:` map (keys.c), in
	 * the file's order; they replace the defaults of their actions. */
	struct lw_key_binding keys[LW_KEYS_MAX];
	size_t nkeys;
	/* The `severity:` map (severity.c): per finding kind and
	 * LW_SEVKEY_*, per fix kind (enum lw_fix_kind), -1 when unset;
	 * per check id, in the file's order. */
	int kind_severity[LW_SEVKEY_COUNT];
	int fix_severity[LW_FIX_COUNT];
	struct lw_severity_check *check_severity; /* owned */
	size_t ncheck_severity;
	int fail_on;     /* enum lw_fail_on (fail-on:, --fail-on) */
	int fail_on_set; /* fail-on was given */
};

/* Sets one `severity:` entry: key is a finding kind ("chown",
 * "chown+chmod" or "chown-chmod", ...), "package-db", "churn", a fix
 * kind ("copy-chown", ...) or a check id ("spaces/app-port": a known
 * profile, a slash, a name), value "error", "warning" or "note" (both
 * borrowed). line is the entry's line in the config, or 0. Returns
 * LW_OK, or LW_ERR_USAGE with "severity: KEY: message" in err (an
 * unknown key says the nearest known one). */
int lw_severity_set(struct lw_rules_config *c, const char *key,
		    const char *value, int line, struct lw_error *err);
/* The severity of a cause: its fix kind's when the config sets one
 * (fix_kind -1: none), else churn's, else package-db's, else its
 * finding kind's, else LW_SEVERITY_DEFAULT. */
int lw_severity_of_cause(const struct lw_rules_config *c, int kind,
			 int package_db, int churn, int fix_kind);
/* The severity of a profile check: the config's for its id, else
 * builtin (the check's own). */
int lw_severity_of_check(const struct lw_rules_config *c, const char *id,
			 int builtin);

/* Sets the defaults: every rule unset, floor 0, percent floor 1 MB. */
void lw_rules_config_init(struct lw_rules_config *c);
/* Frees what c owns and leaves it as after init. */
void lw_rules_config_release(struct lw_rules_config *c);

/* "max-wasted-bytes", ... "highest-user-wasted-percent"; NULL if out of
 * range. The id is also the flag (--ID) and the config key. */
const char *lw_rule_id(int rule);
/* One line for people: "total wasted bytes". */
const char *lw_rule_description(int rule);
/* The enum lw_rule_unit of a rule. */
int lw_rule_unit(int rule);
/* The rule for an id, or -1. */
int lw_rule_from_id(const char *id);

/* Sets one setting from text, as written in a flag or a config file:
 * a rule id, "min-finding-bytes", "min-wasted-bytes-for-percent",
 * "ignore-paths" (which adds one glob), "profile" (a profile name, or
 * "none"), "space-readme" or "baseline" (a path), "judge-base" (true
 * or false) or "fail-on" (error, warning, note or none),
 * optionally with a leading "--"
 * (a flag). key and value are borrowed. Returns LW_OK, or LW_ERR_USAGE
 * with "KEY: message" in err. */
int lw_rules_set(struct lw_rules_config *c, const char *key,
		 const char *value, struct lw_error *err);

/* Sets one rule (enum lw_rule) from text, naming it name in errors (the
 * key as the user wrote it: a dive key in a .dive-ci). */
int lw_rules_set_value(struct lw_rules_config *c, int rule, const char *name,
		       const char *value, struct lw_error *err);

/* 1 when any rule is configured (on or disabled). */
int lw_rules_configured(const struct lw_rules_config *c);

/* Value parsers, also used by config.c. Each returns 0, or -1 with a
 * reason (a static string) in *why.
 * Sizes: a whole number of bytes, or a decimal number and a unit, case
 * ignored, a space allowed between: SI B kB MB GB TB (powers of 1000; "k"
 * and "Mb" mean the same, as dive writes them), IEC KiB MiB GiB TiB
 * (powers of 1024; "Ki" and "Mi" too). Fractions round to the nearest
 * byte. */
int lw_parse_size(const char *s, uint64_t *out, const char **why);
/* Percent: "5", "5%", "0.5 %": 0..100. */
int lw_parse_percent(const char *s, double *out, const char **why);
/* Ratio: "0.9" (0..1), or a percent with a sign, "90%". */
int lw_parse_ratio(const char *s, double *out, const char **why);
/* "disabled", "off" or "false" (case ignored), as dive accepts. */
int lw_is_disabled_word(const char *s);

enum lw_rule_status {
	LW_RULE_PASS = 0,
	LW_RULE_FAIL,
	LW_RULE_SKIP, /* disabled */
};

/* "pass", "fail", "skip". */
const char *lw_rule_status_name(int status);

struct lw_rule_result {
	int rule;        /* enum lw_rule */
	int status;      /* enum lw_rule_status */
	int unit;        /* enum lw_rule_unit */
	int below_floor; /* passed because the bytes were under the floor */
	double limit;    /* threshold, in unit (0 when skipped) */
	double value;    /* measured, in unit */
	char *threshold; /* owned text: "<= 50.0 MB", ">= 0.90", "disabled" */
	char *actual;    /* owned text: "20.5 kB", "1.01 %", "" when skipped */
	char *message;   /* owned sentence for people */
};

struct lw_rules_report {
	int evaluated;  /* any rule configured */
	int passed;     /* no result failed */
	size_t npassed, nfailed, nskipped;
	struct lw_rule_result *results; /* in enum lw_rule order */
	size_t nresults;
	char *config;           /* owned copy of the config file's path, or
				   NULL when only flags set rules */
	uint64_t judged_bytes;  /* wasted bytes after floor and ignores */
	uint64_t ignored_bytes; /* findings' bytes left out by the floor
				   and the ignore globs */
	size_t ignored_findings;
	uint64_t inherited_bytes; /* findings' bytes left out as inherited
				     from the base image */
	size_t inherited_findings;
	int judge_base;           /* the config judged the base as well */
	uint64_t suppressed_bytes; /* findings' bytes left out as suppressed */
	size_t suppressed_findings;
	uint64_t baseline_bytes;   /* left out as known to the baseline */
	size_t baseline_findings;
	/* The gate, computed whether or not a rule is configured: per group
	 * of the analysis, what is judged of it, its severity, and whether
	 * it broke a failed rule or fails the run by its severity. The one
	 * definition of "judged" every output uses. */
	struct lw_group_judgement *groups; /* owned, ngroups */
	size_t ngroups;
	int fail_on;            /* enum lw_fail_on */
	int gate;               /* severity: or fail-on: was configured */
	size_t failing_groups;  /* groups that fail the run by severity */
	uint64_t failing_bytes; /* their judged bytes */
	size_t failing_checks;  /* failed checks that fail the run by
				   severity (lw_rules_report_add_check) */
	int kind_severity[LW_SEVKEY_COUNT]; /* resolved: defaults applied */
};

/* Why none of a group's findings is judged. */
enum lw_left_out {
	LW_JUDGED = 0,      /* some are */
	LW_LEFT_SUPPRESSED, /* a suppression */
	LW_LEFT_INHERITED,  /* inherited from the base (no judge-base) */
	LW_LEFT_BASELINE,   /* all known to the baseline */
	LW_LEFT_IGNORED,    /* under min-finding-bytes or ignore-paths */
};

struct lw_group_judgement {
	uint64_t judged_bytes;  /* its findings' bytes the rules judge */
	size_t judged_findings;
	int left_out;           /* enum lw_left_out */
	int severity;           /* enum lw_severity (lw_severity_of_cause) */
	int broke_rule;         /* judged findings counted toward a failed
				   rule */
	int fails;              /* judged, and its severity fails the run */
	int level;              /* enum lw_severity the CI formats show:
				   lw_severity_level, note when not
				   judged */
};

/* 1 when some of group g's findings are judged (0 past ngroups). */
int lw_rules_group_judged(const struct lw_rules_report *r, size_t g);
/* Counts a profile check into the gate: its severity (resolved with
 * lw_severity_of_check) and whether it failed. Returns the level the CI
 * formats show it at (lw_severity_level). */
int lw_rules_report_add_check(struct lw_rules_report *r, int severity,
			      int failed);
/* 1 when the run fails: a rule failed, a judged finding's or a failed
 * check's severity fails it under fail-on. */
int lw_rules_report_failed(const struct lw_rules_report *r);

/* A baseline: the causes of an earlier run's JSON report (--baseline),
 * matched with this run's by fingerprint, so that the rules judge only
 * waste that is new or grew. */
enum lw_baseline_status {
	LW_BL_NEW = 0,    /* no cause of the report has its fingerprint */
	LW_BL_GROWN,      /* it had, with fewer bytes */
	LW_BL_UNCHANGED,  /* it had, with as many bytes or more */
};

/* "new", "grown", "unchanged". */
const char *lw_baseline_status_name(int status);

struct lw_baseline {
	char *source;          /* owned: the report as named */
	uint8_t *status;       /* owned: per group, enum lw_baseline_status */
	uint64_t *known_bytes; /* owned: per group, the report's bytes (0:
				  new) */
	size_t ngroups;
	size_t nnew, ngrown, nunchanged;
	size_t nfixed;         /* the report's causes this run has not */
	uint64_t fixed_bytes;
};

/* Matches the groups of an (borrowed) and their fingerprints fp (as
 * lw_cause_fingerprints gives them) with a report's causes: old_fp and
 * old_bytes (borrowed, nold each). source (borrowed) names the report.
 * Returns the baseline, owned by the caller. */
struct lw_baseline *lw_baseline_match(const struct lw_analysis *an,
				      char *const *fp,
				      const char *const *old_fp,
				      const uint64_t *old_bytes, size_t nold,
				      const char *source);
void lw_baseline_free(struct lw_baseline *b);

/* What the rules leave out besides the config's floor and ignores, per
 * group of the analysis (lw_analysis.groups): the caller decides it from
 * the attribution (waste inherited from the base image). */
struct lw_rules_inputs {
	const uint8_t *inherited; /* borrowed, ngroups flags, or NULL: 1
				     leaves the group out unless the config
				     judges the base (judge_base) */
	const uint8_t *suppressed; /* borrowed, ngroups flags, or NULL: 1
				      leaves the group out (a suppression) */
	const uint8_t *churn;      /* borrowed, ngroups flags, or NULL: 1
				      when the group is package-manager
				      churn (lw_cause.churn), what
				      max-churn-bytes counts */
	const signed char *fix_kind; /* borrowed, ngroups, or NULL: the
				      enum lw_fix_kind of the group's
				      suggestion, -1 for none (severity) */
	const uint8_t *package_db;  /* borrowed, ngroups, or NULL: 1 when
				      the cause is package-db */
	const struct lw_baseline *baseline; /* borrowed, or NULL: each
				      group's findings up to the report's
				      bytes are left out (a grown group's
				      last findings are judged) */
	size_t ngroups;
};

/* Evaluates the configured rules over an (borrowed). On success *out is
 * owned by the caller; a report with evaluated == 0 and no results when
 * no rule is configured (its groups, the gate, are filled either way;
 * its totals only when a rule or the gate is configured). Fails only
 * with LW_ERR_NOMEM. */
int lw_rules_evaluate(const struct lw_analysis *an,
		      const struct lw_rules_config *c,
		      struct lw_rules_report **out, struct lw_error *err);
/* The same, leaving out what in (borrowed, may be NULL) says. */
int lw_rules_evaluate_in(const struct lw_analysis *an,
			 const struct lw_rules_config *c,
			 const struct lw_rules_inputs *in,
			 struct lw_rules_report **out, struct lw_error *err);
void lw_rules_report_free(struct lw_rules_report *r);

/* 1 when a finding at path (normalised, no leading '/') of the given size
 * is judged by the rules: at least min-finding-bytes and no ignore glob
 * matches "/path". */
int lw_rules_judges(const struct lw_rules_config *c, const char *path,
		    uint64_t bytes);


/* Config files for the rules: `.layerwaste.yml` (ours) and `.dive-ci`
 * (wagoodman/dive's), read with libyaml. docs/ci.md documents both.
 *
 * Nothing is ignored silently: an unknown key, a duplicate key, a value of
 * the wrong shape or out of range is an error that names the file, the
 * line and the key. */

enum lw_config_format {
	LW_CONFIG_LAYERWASTE = 0, /* .layerwaste.yml */
	LW_CONFIG_DIVE,           /* .dive-ci: rules: lowestEfficiency, ... */
};

/* Larger config files are refused. */
#define LW_CONFIG_MAX_BYTES (256 * 1024)

/* Reads the config file at path (borrowed) in the given format into c,
 * whose earlier values the file's values replace (flags are applied after
 * it, so they win). A .dive-ci gives dive's defaults to the rules it does
 * not name, as dive does. Sets c->source. Returns LW_OK, or LW_ERR_USAGE
 * with "PATH:LINE: KEY: message" (or "PATH: message") in err: a file that
 * cannot be read is a config error too. */
int lw_config_load(struct lw_rules_config *c, const char *path, int format,
		   struct lw_error *err);

/* The same from memory: text (borrowed, len bytes) named name in errors. */
int lw_config_load_text(struct lw_rules_config *c, const char *text,
			size_t len, const char *name, int format,
			struct lw_error *err);

/* Looks in dir (borrowed; "." for the working directory) for
 * ".layerwaste.yml", ".layerwaste.yaml", then ".dive-ci", and returns the
 * first that exists in *path (owned by the caller) and its format in
 * *format. Returns 1 when one was found, 0 when none. */
int lw_config_find(const char *dir, char **path, int *format);

#ifdef __cplusplus
}
#endif

#endif
