/* Config files for the rules: `.layerwaste.yml` (ours) and `.dive-ci`
 * (wagoodman/dive's), read with libyaml. docs/ci.md documents both.
 *
 * Nothing is ignored silently: an unknown key, a duplicate key, a value of
 * the wrong shape or out of range is an error that names the file, the
 * line and the key. */
#ifndef LAYERWASTE_CONFIG_H
#define LAYERWASTE_CONFIG_H

#include <stddef.h>

#include "layerwaste/error.h"
#include "layerwaste/rules.h"

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

#endif
