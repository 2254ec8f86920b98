/* A tar header walker for uncompressed layers mapped in memory.
 *
 * It gives the index that lw_layer_scan() gives over libarchive for the
 * same bytes (the same entries, fields, warnings and errors), without
 * libarchive's per-entry string conversions and entry copies: headers are
 * parsed in place and content is located, never read. What it does not
 * reproduce exactly it hands back to libarchive. */
#ifndef LAYERWASTE_TARFAST_H
#define LAYERWASTE_TARFAST_H

#include <stddef.h>

#include "internal.h"

/* Returned when the layer uses something the walker leaves to libarchive
 * (GNU sparse files, multi-volume or Solaris headers, unknown entry types,
 * malformed extended headers, damage it cannot word as libarchive does).
 * ix is then empty again and the caller reads the layer with libarchive. */
#define LW_TAR_FALLBACK 1

/* Indexes the tar archive map[0..len) into ix (initialised by the caller)
 * exactly as lw_layer_scan() does with the same bytes mapped: s gives the
 * entry cap and the progress callback (s->map is not used). map is
 * borrowed and only read; pages behind the cursor are dropped from the
 * resident set as the scan goes. Returns LW_OK, a negative code with err
 * filled (the same code and message as lw_layer_scan()), or
 * LW_TAR_FALLBACK. */
int lw_tar_scan_mapped(const unsigned char *map, size_t len,
		       const struct lw_scan *s, struct lw_layer_index *ix,
		       struct lw_error *err);

#endif
