/* Error reporting for the layerwaste core.
 *
 * Core functions return LW_OK (0) or one of the negative codes below and
 * describe the failure in a caller-owned struct lw_error. The core never
 * prints and never exits; the CLI maps codes to exit statuses. */
#ifndef LAYERWASTE_ERROR_H
#define LAYERWASTE_ERROR_H

#include <stddef.h>

enum lw_code {
	LW_OK = 0,
	LW_ERR_USAGE = -1, /* a bad option or argument */
	LW_ERR_INPUT = -2, /* the image is malformed, truncated or unsupported */
	LW_ERR_IO = -3,    /* reading or writing failed at the system level */
	LW_ERR_NOMEM = -4, /* out of memory, or a configured cap was passed */
};

#define LW_ERROR_MSG_MAX 1024

struct lw_error {
	int code;
	char msg[LW_ERROR_MSG_MAX];
};

/* Records code and a printf-style message in err (which may be NULL) and
 * returns code, so that callers can write `return lw_error_set(...)`. */
int lw_error_set(struct lw_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefixes an existing message with "prefix: " (for adding the file name
 * at a higher level). Returns err->code. */
int lw_error_prefix(struct lw_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Per-run warnings: odd entries that do not stop the analysis. At most
 * LW_WARNINGS_MAX messages are kept; the rest are only counted. */
#define LW_WARNINGS_MAX 100

struct lw_warnings {
	char **items; /* owned strings */
	size_t count; /* kept messages */
	size_t total; /* all warnings, kept or not */
};

void lw_warnings_add(struct lw_warnings *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Moves every message of src to the end of dst and empties src. */
void lw_warnings_move(struct lw_warnings *dst, struct lw_warnings *src);
void lw_warnings_release(struct lw_warnings *w);

#endif
