/* Test support: tar bytes written by hand (data blocks, the end marker),
 * for suites that build headers no libarchive writer makes. */
#ifndef LW_TEST_RAWTAR_H
#define LW_TEST_RAWTAR_H

#include <stddef.h>

#include "layerwaste/util.h"

/* n bytes of data, padded with NULs to a whole 512-byte block. */
void lwt_raw_data(struct lw_strbuf *sb, const char *data, size_t n);
/* The end-of-archive marker: two blocks of NULs. */
void lwt_raw_end(struct lw_strbuf *sb);

#endif
