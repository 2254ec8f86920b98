/* The util stage: what every other stage stands on. Errors and warnings,
 * a string buffer that is never NULL, allocation helpers that abort on
 * OOM, a bump arena, small text helpers, and the library's version.
 * Nothing here knows about images. */
#ifndef LAYERWASTE_UTIL_H
#define LAYERWASTE_UTIL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version: one place, read by the build too. */
#define LW_VERSION_MAJOR 0
#define LW_VERSION_MINOR 1
#define LW_VERSION_PATCH 0
#define LW_VERSION_NUMBER \
	(LW_VERSION_MAJOR * 10000 + LW_VERSION_MINOR * 100 + LW_VERSION_PATCH)
#define LW_STR_(x) #x
#define LW_STR(x) LW_STR_(x)
#define LW_VERSION_STRING LW_STR(LW_VERSION_MAJOR) "." \
	LW_STR(LW_VERSION_MINOR) "." LW_STR(LW_VERSION_PATCH)

/* The version of the library linked in, "0.1.0": compare it with
 * LW_VERSION_STRING, the version of the headers compiled against. */
const char *lw_version(void);
/* LW_VERSION_NUMBER of the library linked in. */
unsigned lw_version_number(void);

/* Compiler attributes, where the compiler has them. */
#if defined(__GNUC__) || defined(__clang__)
#define LW_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define LW_NORETURN __attribute__((noreturn))
#else
#define LW_PRINTF(fmt, args)
#define LW_NORETURN
#endif

/* Error reporting for the layerwaste core.
 *
 * Core functions return LW_OK (0) or one of the negative codes below and
 * describe the failure in a caller-owned struct lw_error. The core never
 * prints and never exits; the CLI maps codes to exit statuses. */

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
	LW_PRINTF(3, 4);

/* Prefixes an existing message with "prefix: " (for adding the file name
 * at a higher level). Returns err->code. */
int lw_error_prefix(struct lw_error *err, const char *fmt, ...)
	LW_PRINTF(2, 3);

/* Per-run warnings: odd entries that do not stop the analysis. At most
 * LW_WARNINGS_MAX messages are kept; the rest are only counted. */
#define LW_WARNINGS_MAX 100

struct lw_warnings {
	char **items; /* owned strings */
	size_t count; /* kept messages */
	size_t total; /* all warnings, kept or not */
};

void lw_warnings_add(struct lw_warnings *w, const char *fmt, ...)
	LW_PRINTF(2, 3);
/* Moves every message of src to the end of dst and empties src. */
void lw_warnings_move(struct lw_warnings *dst, struct lw_warnings *src);
void lw_warnings_release(struct lw_warnings *w);

/* A growable NUL-terminated string buffer, git's strbuf in miniature.
 * Allocation failures abort the process (the buffers hold small metadata
 * only; every untrusted input that feeds them is capped by its caller).
 *
 * Invariant: buf is never NULL and always NUL-terminated, so a buffer can
 * be read as a string at any time, even before anything is added. An
 * empty buffer points at a shared "" (alloc == 0) that is never written
 * or freed. Start every buffer with LW_STRBUF_INIT or lw_strbuf_init();
 * release and detach leave it initialised and empty. */
struct lw_strbuf {
	char *buf;    /* never NULL; owned only when alloc > 0 */
	size_t len;
	size_t alloc;
};

extern char lw_strbuf_empty[];
#define LW_STRBUF_INIT { lw_strbuf_empty, 0, 0 }

/* Makes sb an empty buffer (what LW_STRBUF_INIT gives), without freeing
 * anything it held. */
void lw_strbuf_init(struct lw_strbuf *sb);
void lw_strbuf_add(struct lw_strbuf *sb, const char *s, size_t len);
void lw_strbuf_adds(struct lw_strbuf *sb, const char *s);
void lw_strbuf_addc(struct lw_strbuf *sb, char c);
void lw_strbuf_addf(struct lw_strbuf *sb, const char *fmt, ...)
	LW_PRINTF(2, 3);
void lw_strbuf_reset(struct lw_strbuf *sb);
/* Cuts sb to its first len bytes (len <= sb->len). */
void lw_strbuf_setlen(struct lw_strbuf *sb, size_t len);
/* Returns the buffer (owned by the caller, never NULL) and empties sb. */
char *lw_strbuf_detach(struct lw_strbuf *sb);
void lw_strbuf_release(struct lw_strbuf *sb);

/* Small allocation helpers that abort on OOM, for bounded metadata. */
void *lw_xmalloc(size_t n);
void *lw_xcalloc(size_t n, size_t size);
void *lw_xrealloc(void *p, size_t n);
char *lw_xstrdup(const char *s);
/* Grows *p (element size sz) so that it holds at least need elements. */
void lw_grow(void **p, size_t *cap, size_t need, size_t sz);

/* A bump allocator: many small allocations, freed all at once.
 * One arena per layer index keeps the index O(files) with no per-entry
 * malloc overhead. */

struct lw_arena_block;

struct lw_arena {
	struct lw_arena_block *head;
	size_t bytes; /* bytes reserved from malloc, for the memory budget */
};

void lw_arena_init(struct lw_arena *a);
/* Returns n bytes aligned to 8, owned by the arena, or NULL on OOM. */
void *lw_arena_alloc(struct lw_arena *a, size_t n);
/* Returns a NUL-terminated copy of s[0..len), owned by the arena. */
char *lw_arena_strndup(struct lw_arena *a, const char *s, size_t len);
void lw_arena_release(struct lw_arena *a);

/* ---- Small helpers (text.c, sys.c). ---- */

/* Formats n as "1.2 MB" (SI, rounded half up) into buf; returns buf. */
const char *lw_format_bytes(uint64_t n, char *buf, size_t size);

/* "" when n is 1, else "s": "1 file", "2 files". */
const char *lw_plural(uint64_t n);
/* White space as the C locale's isspace() sees it, whatever the locale:
 * blank, tab, newline, carriage return, vertical tab, form feed. */
int lw_is_space(int c);
/* The name of names[0..n) closest to word by edit distance (case
 * ignored), for "did you mean": a name that starts with word, else one
 * within a third of the word's length in edits (at least 1); NULL when
 * none is, or when word is one of names.
 * Returns a pointer into names (borrowed). */
const char *lw_closest_name(const char *word, const char *const *names,
			    size_t n);

/* Appends the file at path to out, at most max + 1 bytes: out->len > max
 * then tells the caller the file is larger than max. Returns 0, or one of
 * these with errno set (out may then hold part of the file). */
#define LW_READ_NOT_OPENED (-1)
#define LW_READ_FAILED (-2)
int lw_read_capped(const char *path, size_t max, struct lw_strbuf *out);

/* Online processors, at least 1: the default number of worker threads. */
int lw_cpu_count(void);

#ifdef __cplusplus
}
#endif

#endif
