/* Reading an image's final file system back: which entry is visible at a
 * path, and the bytes of a few small files (/etc/passwd, a .npmrc), for
 * the profile checks.
 *
 * The layer index keeps no content. Bytes come from the mapped layer when
 * it is uncompressed, else from the layer blob read again through
 * libarchive (still mapped from the archive or the OCI directory; zstd
 * through unzstd.c, under --max-memory, as when it was indexed); a
 * layer that arrived as a stream (stdin, a compressed archive, `podman
 * image save`) kept only a few small configuration files (lw_keeps_file),
 * and says so for the rest. */
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>


#include "layerwaste/read.h"
#include "layerwaste/util.h"

#include "read_priv.h"
#include "unzstd.h"

#define SYMLINK_HOPS 8

struct cand {
	uint32_t layer;
	const struct lw_entry *e;
};

/* p is root, under root, or (ancestors) a directory above root. */
static int related(const char *p, const char *root, size_t rlen, int *above)
{
	size_t n = strlen(p);

	*above = 0;
	if (!rlen)
		return 1; /* the root "": everything is under it */
	if (n >= rlen && !strncmp(p, root, rlen) &&
	    (p[rlen] == '\0' || p[rlen] == '/'))
		return 1;
	if (n < rlen && (n == 0 || (!strncmp(p, root, n) && root[n] == '/'))) {
		*above = 1;
		return 1;
	}
	return 0;
}

static int cand_cmp(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;
	int c = lw_entry_path_cmp(a->e, b->e);

	if (c)
		return c;
	if (a->layer != b->layer)
		return a->layer > b->layer ? -1 : 1;
	/* The same path twice in one layer: the later entry (tar order,
	 * one entries array) comes first and is the one seen, as
	 * extraction leaves it. */
	return a->e > b->e ? -1 : a->e < b->e;
}

/* a is an ancestor of b (a proper prefix at a '/'; "" is everyone's). */
static int ancestor(const char *a, const char *b)
{
	size_t n = strlen(a);

	if (!n)
		return *b != '\0';
	return !strncmp(a, b, n) && b[n] == '/';
}

struct frame {
	const struct lw_entry *e; /* its path */
	uint32_t cut; /* entries below it in layers < cut are hidden */
};

void lw_image_visible_under(const struct lw_image *img, const char *root,
			    void (*fn)(void *ctx, uint32_t layer,
				       const struct lw_entry *e),
			    void *ctx)
{
	struct cand *c = NULL;
	struct frame *st = NULL;
	size_t n = 0, cap = 0, depth = 0, scap = 0, i, j, k;
	size_t rlen = strlen(root);
	struct lw_pathbuf pb, fb;
	const char *path;
	const struct lw_layer_index *ix;
	const struct lw_entry *vis;
	uint32_t cut, own;
	int above;

	for (k = 0; k < img->nlayers; k++) {
		ix = img->layers[k].index;
		for (i = 0; ix && i < ix->count; i++) {
			if (rlen) {
				path = lw_entry_path(&ix->entries[i], &pb);
				if (!related(path, root, rlen, &above))
					continue;
			}
			lw_grow((void **)&c, &cap, n + 1, sizeof(*c));
			c[n].layer = (uint32_t)k;
			c[n].e = &ix->entries[i];
			n++;
		}
	}
	if (n)
		qsort(c, n, sizeof(*c), cand_cmp);
	/* One group per path, upper layers first. A whiteout, an opaque
	 * marker or a non-directory at a path hides everything under it in
	 * lower layers; what an ancestor hides, it hides for all below. */
	for (i = 0; i < n; i = j) {
		for (j = i + 1;
		     j < n && !lw_entry_path_cmp(c[j].e, c[i].e); j++)
			;
		path = lw_entry_path(c[i].e, &pb);
		while (depth && !ancestor(lw_entry_path(st[depth - 1].e, &fb),
					  path))
			depth--;
		cut = depth ? st[depth - 1].cut : 0;
		vis = NULL;
		own = cut;
		for (k = i; k < j; k++) {
			if (c[k].layer < cut)
				break;
			if (c[k].e->type != LW_ENTRY_DIR && c[k].layer > own)
				own = c[k].layer;
			if (c[k].e->type == LW_ENTRY_OPAQUE)
				continue;
			if (!vis && c[k].e->type != LW_ENTRY_WHITEOUT) {
				/* Upper whiteouts of this path were met
				 * first and stopped the search below. */
				vis = c[k].e;
				related(path, root, rlen, &above);
				if (!above)
					fn(ctx, c[k].layer, vis);
			}
			if (c[k].e->type == LW_ENTRY_WHITEOUT)
				break;
		}
		lw_grow((void **)&st, &scap, depth + 1, sizeof(*st));
		st[depth].e = c[i].e;
		st[depth].cut = own;
		depth++;
	}
	free(c);
	free(st);
}

void lw_file_bytes_release(struct lw_file_bytes *fb)
{
	free(fb->data);
	memset(fb, 0, sizeof(*fb));
	fb->layer = -1;
}

static void take(struct lw_file_bytes *fb, const void *p, size_t len)
{
	fb->data = lw_xmalloc(len + 1);
	memcpy(fb->data, p, len);
	fb->data[len] = '\0';
	fb->len = len;
	fb->state = LW_FILE_READ;
}

/* The layer blob's bytes, still in memory (mapped), or NULL. */
static const unsigned char *blob(const struct lw_image *img, uint32_t li,
				 size_t *len)
{
	struct lw_image_priv *priv = img->priv;
	struct lw_member *m;

	if (!priv || priv->plain || priv->src.kind == LW_SOURCE_STREAM ||
	    !img->layers[li].member)
		return NULL;
	/* Finding a member already indexed changes nothing in the source
	 * (a directory source maps files only on a first look-up). */
	m = lw_source_find(&priv->src, img->layers[li].member);
	if (!m || !m->data)
		return NULL;
	*len = (size_t)m->size;
	return m->data;
}

/* A mapped zstd blob handed to lw_unzstd whole. */
struct whole {
	const unsigned char *p;
	size_t len;
};

static la_ssize_t whole_pull(void *ctx, const void **buf)
{
	struct whole *w = ctx;
	size_t n = w->len;

	*buf = w->p;
	w->len = 0;
	return (la_ssize_t)n;
}

/* Reads the wanted entries' bytes in one pass over a compressed blob;
 * zstd windows up to max_memory. */
static int reread(const unsigned char *p, size_t len,
		  const struct lw_entry *const *want, size_t n, size_t max,
		  uint64_t max_memory, struct lw_file_bytes *outs,
		  struct lw_error *err)
{
	struct whole w = { .p = p, .len = len };
	struct lw_unzstd zs = { .dctx = NULL };
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	struct lw_strbuf sb = LW_STRBUF_INIT;
	char path[LW_PATH_MAX];
	size_t left = n, i;
	la_ssize_t got;
	char buf[16384];
	int r, rc = LW_OK;

	if (!a)
		return lw_error_set(err, LW_ERR_NOMEM, "out of memory");
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (lw_compression_sniff(p, len) == LW_COMP_ZSTD) {
		lw_unzstd_init(&zs, whole_pull, &w, max_memory);
		r = archive_read_open(a, &zs, NULL, lw_unzstd_read, NULL);
	} else {
		archive_read_support_filter_all(a);
		r = archive_read_open_memory(a, p, len);
	}
	if (r != ARCHIVE_OK) {
		rc = lw_error_set(err, LW_ERR_INPUT, "%s",
				  archive_error_string(a));
		goto out;
	}
	while (left && (r = archive_read_next_header(a, &ae)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(ae);

		if (!name || lw_path_normalize(name, path, sizeof(path)) < 0)
			continue;
		for (i = 0; i < n; i++)
			if (outs[i].state == LW_FILE_STREAMED &&
			    lw_entry_path_is(want[i], path))
				break;
		if (i == n)
			continue;
		lw_strbuf_reset(&sb);
		while ((got = archive_read_data(a, buf, sizeof(buf))) > 0) {
			if (sb.len + (size_t)got > max)
				break;
			lw_strbuf_add(&sb, buf, (size_t)got);
		}
		if (got < 0) {
			rc = lw_error_set(err, LW_ERR_INPUT, "%s: %s", path,
					  archive_error_string(a));
			goto out;
		}
		if (got > 0)
			outs[i].state = LW_FILE_TOO_BIG;
		else
			take(&outs[i], sb.buf, sb.len);
		left--;
	}
	if (left && r != ARCHIVE_EOF && r != ARCHIVE_OK)
		rc = lw_error_set(err, LW_ERR_INPUT, "%s",
				  archive_error_string(a));
out:
	archive_read_free(a);
	lw_unzstd_release(&zs);
	lw_strbuf_release(&sb);
	return rc;
}

int lw_image_read_entries(const struct lw_image *img, uint32_t layer,
			  const struct lw_entry *const *es, size_t n,
			  size_t max, struct lw_file_bytes *outs,
			  struct lw_error *err)
{
	const struct lw_layer_index *ix = img->layers[layer].index;
	const unsigned char *base = NULL, *p;
	const struct lw_entry **want;
	size_t i, len = 0, pending = 0;
	int rc = LW_OK;

	if (img->priv && img->priv->bases)
		base = img->priv->bases[layer];
	want = lw_xcalloc(n + 1, sizeof(*want));
	for (i = 0; i < n; i++) {
		memset(&outs[i], 0, sizeof(outs[i]));
		outs[i].layer = (int)layer;
		outs[i].entry = es[i];
		want[i] = lw_layer_index_content(ix, es[i]);
		if (!want[i]) {
			outs[i].state = LW_FILE_NOT_REGULAR;
		} else if (want[i]->size > max) {
			outs[i].state = LW_FILE_TOO_BIG;
		} else if (base && lw_entry_data_off(want[i]) != LW_NO_OFFSET) {
			take(&outs[i], base + lw_entry_data_off(want[i]),
			     (size_t)want[i]->size);
		} else if (lw_layer_index_kept(ix, (size_t)(want[i] -
							    ix->entries))) {
			const struct lw_kept_file *k = lw_layer_index_kept(
				ix, (size_t)(want[i] - ix->entries));

			take(&outs[i], k->data, k->len);
		} else {
			outs[i].state = LW_FILE_STREAMED;
			pending++;
		}
	}
	if (pending && (p = blob(img, layer, &len)))
		rc = reread(p, len, want, n, max,
			    img->priv->max_memory,
			    outs, err);
	free(want);
	if (rc)
		lw_error_prefix(err, "layer %u", layer);
	return rc;
}

struct one {
	const char *path;
	uint32_t layer;
	const struct lw_entry *e;
};

static void find_one(void *ctx, uint32_t layer, const struct lw_entry *e)
{
	struct one *o = ctx;

	if (lw_entry_path_is(e, o->path)) {
		o->layer = layer;
		o->e = e;
	}
}

/* A symlink's target, made absolute and normalised, into out. */
static int follow(const char *path, const char *link, char *out, size_t size)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	const char *slash = strrchr(path, '/');
	long r;

	if (link[0] != '/' && slash)
		lw_strbuf_add(&sb, path, (size_t)(slash - path + 1));
	lw_strbuf_adds(&sb, link);
	r = lw_path_normalize(sb.buf, out, size);
	lw_strbuf_release(&sb);
	return r > 0 ? 0 : -1;
}

int lw_image_read_file(const struct lw_image *img, const char *path,
		       size_t max, struct lw_file_bytes *out,
		       struct lw_error *err)
{
	char cur[LW_PATH_MAX], next[LW_PATH_MAX];
	struct one o;
	int hop;

	memset(out, 0, sizeof(*out));
	out->layer = -1;
	out->state = LW_FILE_ABSENT;
	if (lw_path_normalize(path, cur, sizeof(cur)) <= 0)
		return LW_OK;
	for (hop = 0; hop <= SYMLINK_HOPS; hop++) {
		memset(&o, 0, sizeof(o));
		o.path = cur;
		lw_image_visible_under(img, cur, find_one, &o);
		if (!o.e)
			return LW_OK;
		if (o.e->type != LW_ENTRY_SYMLINK)
			return lw_image_read_entries(img, o.layer, &o.e, 1, max,
						     out, err);
		if (!lw_entry_link(o.e) ||
		    follow(cur, lw_entry_link(o.e), next, sizeof(next)))
			return LW_OK;
		memcpy(cur, next, sizeof(cur));
	}
	return LW_OK;
}
