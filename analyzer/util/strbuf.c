#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/util.h"

static void lw_oom(void)
{
	/* Only bounded metadata goes through these helpers: running out of
	 * memory here leaves nothing sensible to do. */
	fputs("layerwaste: out of memory\n", stderr);
	abort();
}

void *lw_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		lw_oom();
	return p;
}

void *lw_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		lw_oom();
	return p;
}

void *lw_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		lw_oom();
	return p;
}

char *lw_xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		lw_oom();
	return p;
}

void lw_grow(void **p, size_t *cap, size_t need, size_t sz)
{
	size_t n = *cap;

	if (need <= n)
		return;
	if (n < 16)
		n = 16;
	while (n < need)
		n = n / 2 * 3;
	if (n > SIZE_MAX / sz)
		lw_oom();
	*p = lw_xrealloc(*p, n * sz);
	*cap = n;
}

/* What an empty buffer points at until something is added: buf is then
 * "" without an allocation. Never written to: alloc == 0 marks it. */
char lw_strbuf_empty[1];

void lw_strbuf_init(struct lw_strbuf *sb)
{
	sb->buf = lw_strbuf_empty;
	sb->len = sb->alloc = 0;
}

static void sb_reserve(struct lw_strbuf *sb, size_t extra)
{
	void *p = sb->alloc ? sb->buf : NULL;

	lw_grow(&p, &sb->alloc, sb->len + extra + 1, 1);
	sb->buf = p;
}

void lw_strbuf_add(struct lw_strbuf *sb, const char *s, size_t len)
{
	sb_reserve(sb, len);
	memcpy(sb->buf + sb->len, s, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void lw_strbuf_adds(struct lw_strbuf *sb, const char *s)
{
	lw_strbuf_add(sb, s, strlen(s));
}

void lw_strbuf_addc(struct lw_strbuf *sb, char c)
{
	lw_strbuf_add(sb, &c, 1);
}

void lw_strbuf_addf(struct lw_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_reserve(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void lw_strbuf_reset(struct lw_strbuf *sb)
{
	sb->len = 0;
	if (sb->alloc)
		sb->buf[0] = '\0';
	else
		sb->buf = lw_strbuf_empty;
}

void lw_strbuf_setlen(struct lw_strbuf *sb, size_t len)
{
	if (len > sb->len)
		len = sb->len;
	sb->len = len;
	if (sb->alloc)
		sb->buf[len] = '\0';
}

char *lw_strbuf_detach(struct lw_strbuf *sb)
{
	char *p = sb->alloc ? sb->buf : lw_xstrdup("");

	lw_strbuf_init(sb);
	return p;
}

void lw_strbuf_release(struct lw_strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	lw_strbuf_init(sb);
}
