#include "rawtar.h"

void lwt_raw_data(struct lw_strbuf *sb, const char *data, size_t n)
{
	static const char zero[512];

	lw_strbuf_add(sb, data, n);
	if (n % 512)
		lw_strbuf_add(sb, zero, 512 - n % 512);
}

void lwt_raw_end(struct lw_strbuf *sb)
{
	static const char zero[1024];

	lw_strbuf_add(sb, zero, sizeof(zero));
}
