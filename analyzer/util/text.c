/* Small text helpers shared by every stage. */
#include <inttypes.h>
#include <stdio.h>

#include "layerwaste/util.h"

const char *lw_format_bytes(uint64_t n, char *buf, size_t size)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB" };
	uint64_t unit = 1000, div, tenths;
	size_t k = 1;

	if (n < 1000) {
		snprintf(buf, size, "%" PRIu64 " B", n);
		return buf;
	}
	for (;;) {
		div = unit / 10;
		tenths = n / div + ((n % div) * 2 >= div);
		if (tenths < 10000 || k == 4)
			break;
		k++;
		unit *= 1000;
	}
	snprintf(buf, size, "%" PRIu64 ".%" PRIu64 " %s", tenths / 10,
		 tenths % 10, units[k]);
	return buf;
}

const char *lw_plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

int lw_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\v' || c == '\f';
}
