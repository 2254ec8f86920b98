#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "tar_priv.h"
#include "layerwaste/util.h"
#include "tarbuild.h"

struct tb_layer {
	struct archive *a;
	struct lw_strbuf buf;
	int closed;
};

static la_ssize_t tb_write(struct archive *a, void *ctx, const void *p,
			   size_t n)
{
	struct tb_layer *l = ctx;

	(void)a;
	lw_strbuf_add(&l->buf, p, n);
	return (la_ssize_t)n;
}

struct tb_layer *tb_layer_new(void)
{
	struct tb_layer *l = lw_xcalloc(1, sizeof(*l));

	l->a = archive_write_new();
	archive_write_set_format_pax_restricted(l->a);
	archive_write_set_bytes_in_last_block(l->a, 1);
	archive_write_open(l->a, l, NULL, tb_write, NULL);
	return l;
}

static void add(struct tb_layer *l, const char *path, int type,
		const char *content, unsigned uid, unsigned gid,
		unsigned mode, long mtime, const char *link, int hard)
{
	struct archive_entry *e = archive_entry_new();
	size_t len = content ? strlen(content) : 0;

	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, (unsigned)type);
	archive_entry_set_perm(e, mode);
	archive_entry_set_uid(e, uid);
	archive_entry_set_gid(e, gid);
	archive_entry_set_mtime(e, mtime, 0);
	if (link && hard)
		archive_entry_set_hardlink(e, link);
	else if (link)
		archive_entry_set_symlink(e, link);
	archive_entry_set_size(e, type == AE_IFREG && !hard ? (la_int64_t)len :
			       0);
	archive_write_header(l->a, e);
	if (len && type == AE_IFREG && !hard)
		archive_write_data(l->a, content, len);
	archive_entry_free(e);
}

void tb_file(struct tb_layer *l, const char *path, const char *content,
	     unsigned uid, unsigned gid, unsigned mode)
{
	add(l, path, AE_IFREG, content, uid, gid, mode, 1000, NULL, 0);
}

void tb_file_mtime(struct tb_layer *l, const char *path, const char *content,
		   unsigned uid, unsigned gid, unsigned mode, long mtime)
{
	add(l, path, AE_IFREG, content, uid, gid, mode, mtime, NULL, 0);
}

void tb_dir(struct tb_layer *l, const char *path, unsigned mode)
{
	add(l, path, AE_IFDIR, NULL, 0, 0, mode, 1000, NULL, 0);
}

void tb_symlink(struct tb_layer *l, const char *path, const char *target)
{
	add(l, path, AE_IFLNK, NULL, 0, 0, 0777, 1000, target, 0);
}

void tb_hardlink(struct tb_layer *l, const char *path, const char *target)
{
	add(l, path, AE_IFREG, NULL, 0, 0, 0644, 1000, target, 1);
}

const void *tb_layer_bytes(struct tb_layer *l, size_t *len)
{
	if (!l->closed) {
		archive_write_close(l->a);
		l->closed = 1;
	}
	*len = l->buf.len;
	return l->buf.buf;
}

void tb_layer_free(struct tb_layer *l)
{
	if (!l)
		return;
	archive_write_free(l->a);
	lw_strbuf_release(&l->buf);
	free(l);
}

struct lw_image *tb_image(struct tb_layer **layers, size_t n)
{
	struct lw_image *img = lw_xcalloc(1, sizeof(*img));
	size_t i;

	img->source = lw_xstrdup("test");
	img->format = lw_xstrdup("test");
	img->platform = lw_xstrdup("linux/amd64");
	img->nlayers = n;
	img->layers = lw_xcalloc(n + 1, sizeof(*img->layers));
	for (i = 0; i < n; i++) {
		struct archive *a = archive_read_new();
		struct lw_scan s = { .max_entries = 1000000 };
		struct lw_error err;
		const void *p;
		size_t len;

		p = tb_layer_bytes(layers[i], &len);
		archive_read_support_format_tar(a);
		archive_read_open_memory(a, p, len);
		img->layers[i].index = lw_xcalloc(1, sizeof(struct lw_layer_index));
		lw_layer_index_init(img->layers[i].index);
		if (lw_layer_scan(a, &s, img->layers[i].index, &err) != LW_OK)
			abort();
		archive_read_free(a);
		img->layers[i].compressed_bytes = len;
		img->layers[i].tar_bytes = len;
		img->layers[i].diff_id = lw_xstrdup("sha256:0");
		tb_layer_free(layers[i]);
	}
	return img;
}

void tb_image_free(struct lw_image *img)
{
	size_t i;

	for (i = 0; i < img->nlayers; i++) {
		lw_layer_index_release(img->layers[i].index);
		free(img->layers[i].index);
		free(img->layers[i].diff_id);
	}
	img->nlayers = 0;
	lw_image_free(img);
}

struct tb_layer *tb_layer_new_format(int format)
{
	struct tb_layer *l = lw_xcalloc(1, sizeof(*l));

	l->a = archive_write_new();
	archive_write_set_format(l->a, format);
	archive_write_set_bytes_in_last_block(l->a, 1);
	archive_write_open(l->a, l, NULL, tb_write, NULL);
	return l;
}

static void add_data(struct tb_layer *l, const char *path, const void *data,
		     size_t len, unsigned uid, unsigned gid, unsigned mode,
		     const char *xname, const char *xvalue)
{
	struct archive_entry *e = archive_entry_new();
	char *fill = NULL;

	if (!data && len) {
		fill = lw_xmalloc(len);
		memset(fill, 'x', len);
		data = fill;
	}
	archive_entry_set_pathname(e, path);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, mode);
	archive_entry_set_uid(e, uid);
	archive_entry_set_gid(e, gid);
	archive_entry_set_mtime(e, 1000, 0);
	archive_entry_set_size(e, (la_int64_t)len);
	if (xname)
		archive_entry_xattr_add_entry(e, xname, xvalue,
					      strlen(xvalue));
	archive_write_header(l->a, e);
	if (len)
		archive_write_data(l->a, data, len);
	archive_entry_free(e);
	free(fill);
}

void tb_file_data(struct tb_layer *l, const char *path, const void *content,
		  size_t len, unsigned uid, unsigned gid, unsigned mode)
{
	add_data(l, path, content, len, uid, gid, mode, NULL, NULL);
}

void tb_file_xattr(struct tb_layer *l, const char *path, const char *content,
		   unsigned uid, unsigned gid, unsigned mode,
		   const char *xname, const char *xvalue)
{
	add_data(l, path, content, content ? strlen(content) : 0, uid, gid,
		 mode, xname, xvalue);
}

void tb_hardlink_meta(struct tb_layer *l, const char *path,
		      const char *target, unsigned uid, unsigned gid,
		      unsigned mode)
{
	add(l, path, AE_IFREG, NULL, uid, gid, mode, 1000, target, 1);
}

static void add_marker(struct tb_layer *l, const char *dir, const char *name)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;

	if (dir && *dir)
		lw_strbuf_addf(&sb, "%s/", dir);
	lw_strbuf_addf(&sb, ".wh.%s", name);
	tb_file(l, sb.buf, NULL, 0, 0, 0);
	lw_strbuf_release(&sb);
}

void tb_whiteout(struct tb_layer *l, const char *dir, const char *name)
{
	add_marker(l, dir, name);
}

void tb_opaque(struct tb_layer *l, const char *dir)
{
	add_marker(l, dir, ".wh..opq");
}

void tb_special(struct tb_layer *l, const char *path, unsigned type)
{
	add(l, path, (int)type, NULL, 0, 0, 0644, 1000, NULL, 0);
}
