#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/util.h"

int lw_error_set(struct lw_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

int lw_error_prefix(struct lw_error *err, const char *fmt, ...)
{
	char prefix[LW_ERROR_MSG_MAX], old[LW_ERROR_MSG_MAX];
	va_list ap;

	if (!err)
		return LW_ERR_INPUT;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	{
		size_t a = strnlen(prefix, sizeof(err->msg) - 3);
		size_t b = strnlen(old, sizeof(err->msg) - a - 3);

		memcpy(err->msg, prefix, a);
		memcpy(err->msg + a, ": ", 2);
		memcpy(err->msg + a + 2, old, b);
		err->msg[a + 2 + b] = '\0';
	}
	return err->code;
}

void lw_warnings_add(struct lw_warnings *w, const char *fmt, ...)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	va_list ap;
	char buf[1024];

	w->total++;
	if (w->count >= LW_WARNINGS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	lw_strbuf_adds(&sb, buf);
	w->items = lw_xrealloc(w->items, (w->count + 1) * sizeof(*w->items));
	w->items[w->count++] = lw_strbuf_detach(&sb);
}

void lw_warnings_move(struct lw_warnings *dst, struct lw_warnings *src)
{
	size_t i;

	for (i = 0; i < src->count; i++) {
		if (dst->count < LW_WARNINGS_MAX) {
			dst->items = lw_xrealloc(dst->items, (dst->count + 1) *
						 sizeof(*dst->items));
			dst->items[dst->count++] = src->items[i];
		} else {
			free(src->items[i]);
		}
	}
	dst->total += src->total;
	free(src->items);
	memset(src, 0, sizeof(*src));
}

void lw_warnings_release(struct lw_warnings *w)
{
	size_t i;

	for (i = 0; i < w->count; i++)
		free(w->items[i]);
	free(w->items);
	memset(w, 0, sizeof(*w));
}
