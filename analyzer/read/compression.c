/* Compression of layer blobs and of the archive itself, told by magic
 * bytes, never by names or media types. */
#include <string.h>

#include "layerwaste/read.h"

const char *lw_compression_name(int c)
{
	switch (c) {
	case LW_COMP_NONE: return "none";
	case LW_COMP_GZIP: return "gzip";
	case LW_COMP_ZSTD: return "zstd";
	case LW_COMP_XZ: return "xz";
	case LW_COMP_BZIP2: return "bzip2";
	default: return "unknown";
	}
}

int lw_compression_sniff(const unsigned char *p, size_t n)
{
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return LW_COMP_GZIP;
	if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f &&
	    p[3] == 0xfd)
		return LW_COMP_ZSTD;
	if (n >= 6 && memcmp(p, "\xfd" "7zXZ\0", 6) == 0)
		return LW_COMP_XZ;
	if (n >= 3 && memcmp(p, "BZh", 3) == 0)
		return LW_COMP_BZIP2;
	if (n >= 262 && memcmp(p + 257, "ustar", 5) == 0)
		return LW_COMP_NONE;
	/* An empty tar: end-of-archive blocks only. */
	if (n >= 512) {
		size_t i;

		for (i = 0; i < 512 && !p[i]; i++)
			;
		if (i == 512)
			return LW_COMP_NONE;
	}
	return -1;
}
