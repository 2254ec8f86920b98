/* Test support: layers built as tar archives in memory, and images made
 * of them, indexed by the real layer scanner. */
#ifndef LW_TEST_TARBUILD_H
#define LW_TEST_TARBUILD_H

#include <stddef.h>
#include <stdint.h>

#include "layerwaste/image.h"

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

/* An image whose layers are the given tars (taken), indexed as streams.
 * Free with tb_image_free. */
struct lw_image *tb_image(struct tb_layer **layers, size_t n);
void tb_image_free(struct lw_image *img);

#endif
