/* A growable NUL-terminated string buffer, git's strbuf in miniature.
 * Allocation failures abort the process (the buffers hold small metadata
 * only; every untrusted input that feeds them is capped by its caller). */
#ifndef LAYERWASTE_STRBUF_H
#define LAYERWASTE_STRBUF_H

#include <stddef.h>

struct lw_strbuf {
	char *buf; /* always NUL-terminated once anything is added */
	size_t len;
	size_t alloc;
};

#define LW_STRBUF_INIT { NULL, 0, 0 }

void lw_strbuf_add(struct lw_strbuf *sb, const char *s, size_t len);
void lw_strbuf_adds(struct lw_strbuf *sb, const char *s);
void lw_strbuf_addc(struct lw_strbuf *sb, char c);
void lw_strbuf_addf(struct lw_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void lw_strbuf_reset(struct lw_strbuf *sb);
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

#endif
