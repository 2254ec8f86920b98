/* Test support: layers built as tar archives in memory, and images made
 * of them, indexed by the real layer scanner. */
#ifndef LW_TEST_TARBUILD_H
#define LW_TEST_TARBUILD_H

#include <stddef.h>
#include <stdint.h>

#include "layerwaste/read.h"

struct tb_layer;

struct tb_layer *tb_layer_new(void);
/* content NULL means size zero bytes of 'x'; uid/gid/mode as given. */
void tb_file(struct tb_layer *l, const char *path, const char *content,
	     unsigned uid, unsigned gid, unsigned mode);
void tb_file_mtime(struct tb_layer *l, const char *path, const char *content,
		   unsigned uid, unsigned gid, unsigned mode, long mtime);
void tb_dir(struct tb_layer *l, const char *path, unsigned mode);
void tb_symlink(struct tb_layer *l, const char *path, const char *target);
void tb_hardlink(struct tb_layer *l, const char *path, const char *target);
/* Raw bytes of the tar; owned by the layer. */
const void *tb_layer_bytes(struct tb_layer *l, size_t *len);
void tb_layer_free(struct tb_layer *l);

/* A layer written in another libarchive format (ARCHIVE_FORMAT_TAR_*). */
struct tb_layer *tb_layer_new_format(int format);
/* content of len bytes (may hold NULs; NULL means len bytes of 'x'). */
void tb_file_data(struct tb_layer *l, const char *path, const void *content,
		  size_t len, unsigned uid, unsigned gid, unsigned mode);
/* A regular file with one extended attribute (value NUL-terminated). */
void tb_file_xattr(struct tb_layer *l, const char *path, const char *content,
		   unsigned uid, unsigned gid, unsigned mode,
		   const char *xname, const char *xvalue);
void tb_hardlink_meta(struct tb_layer *l, const char *path,
		      const char *target, unsigned uid, unsigned gid,
		      unsigned mode);
/* A fifo, character or block device: type is AE_IFIFO, AE_IFCHR... */
void tb_special(struct tb_layer *l, const char *path, unsigned type);
/* "dir/.wh.name" ("" for the root), and "dir/.wh..wh..opq". */
void tb_whiteout(struct tb_layer *l, const char *dir, const char *name);
void tb_opaque(struct tb_layer *l, const char *dir);

/* An image whose layers are the given tars (taken), indexed as streams.
 * Free with tb_image_free. */
struct lw_image *tb_image(struct tb_layer **layers, size_t n);
void tb_image_free(struct lw_image *img);

#endif
