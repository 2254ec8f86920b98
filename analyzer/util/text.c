/* Small text helpers shared by every stage. */
#include <inttypes.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

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

/* Levenshtein distance of a and b (case ignored), capped at cap + 1. */
static size_t edit_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[65], prev, tmp, best;

	if (la > 64 || lb > 64)
		return cap + 1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		best = row[0];
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			row[j] = prev + (tolower((unsigned char)a[i - 1]) !=
					 tolower((unsigned char)b[j - 1]));
			if (tmp + 1 < row[j])
				row[j] = tmp + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			prev = tmp;
			if (row[j] < best)
				best = row[j];
		}
		if (best > cap)
			return cap + 1;
	}
	return row[lb];
}

const char *lw_closest_name(const char *word, const char *const *names,
			    size_t n)
{
	size_t i, d, cap = strlen(word) / 3, best = (size_t)-1;
	const char *pick = NULL;

	if (cap < 1)
		cap = 1;
	for (i = 0; i < n; i++) {
		if (!strcmp(word, names[i]))
			return NULL;
		/* A prefix of a longer name: --ci for --ci-config. */
		d = !strncmp(names[i], word, strlen(word)) && *word ? 1 :
			edit_distance(word, names[i], cap);
		if (d <= cap && d < best) {
			best = d;
			pick = names[i];
		}
	}
	return pick;
}
