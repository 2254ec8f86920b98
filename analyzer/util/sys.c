/* The library's version, and what the machine offers. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "layerwaste/util.h"

int lw_cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

const char *lw_version(void)
{
	return LW_VERSION_STRING;
}

unsigned lw_version_number(void)
{
	return LW_VERSION_NUMBER;
}

int lw_read_capped(const char *path, size_t max, struct lw_strbuf *out)
{
	char buf[8192];
	size_t n;
	FILE *f = fopen(path, "rb");
	int rc = 0;

	if (!f)
		return LW_READ_NOT_OPENED;
	while (out->len <= max && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		lw_strbuf_add(out, buf, n);
	if (ferror(f)) {
		if (!errno)
			errno = EIO;
		rc = LW_READ_FAILED;
	}
	fclose(f);
	if (out->len > max + 1)
		lw_strbuf_setlen(out, max + 1);
	return rc;
}
