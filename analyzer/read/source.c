#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layerwaste/util.h"
#include "inflate.h"
#include "source.h"
#include "unzstd.h"
#include "verify.h"

#define STREAM_BLOCK (1u << 20)
#define SNIFF_BYTES 512

static struct lw_member *add_member(struct lw_source *src, const char *name)
{
	struct lw_member *m;

	lw_grow((void **)&src->members, &src->cap, src->nmembers + 1,
		sizeof(*src->members));
	m = lw_xcalloc(1, sizeof(*m));
	src->members[src->nmembers++] = m;
	m->name = lw_xstrdup(name);
	m->compression = -1;
	return m;
}

/* Fills m->type and m->link from a member's tar header. */
static int member_links(struct lw_member *m, struct archive_entry *ae)
{
	const char *hl = archive_entry_hardlink(ae);
	char buf[LW_PATH_MAX];

	if (hl) {
		if (lw_path_resolve("", hl, buf, sizeof(buf)) < 0)
			return -1;
		m->type = LW_ENTRY_HARDLINK;
		m->link = lw_xstrdup(buf);
		return 0;
	}
	switch (archive_entry_filetype(ae)) {
	case AE_IFLNK: {
		const char *t = archive_entry_symlink(ae);
		char dir[LW_PATH_MAX];
		char *slash;

		snprintf(dir, sizeof(dir), "%s", m->name);
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		else
			dir[0] = '\0';
		if (!t || lw_path_resolve(dir, t, buf, sizeof(buf)) < 0)
			return -1;
		m->type = LW_ENTRY_SYMLINK;
		m->link = lw_xstrdup(buf);
		return 0;
	}
	case AE_IFDIR:
		m->type = LW_ENTRY_DIR;
		return 0;
	default:
		m->type = LW_ENTRY_FILE;
		return 0;
	}
}

static int normalize_member(struct archive_entry *ae, char *out,
			    struct lw_error *err)
{
	const char *raw = archive_entry_pathname(ae);

	if (!raw)
		raw = archive_entry_pathname_utf8(ae);
	if (!raw || lw_path_normalize(raw, out, LW_PATH_MAX) < 0)
		return lw_error_set(err, LW_ERR_INPUT,
				    "unsafe or unreadable member name '%.200s'",
				    raw ? raw : "?");
	return LW_OK;
}

static int open_outer(struct archive **ap)
{
	struct archive *a = archive_read_new();

	if (!a)
		return LW_ERR_NOMEM;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	*ap = a;
	return LW_OK;
}

/* The outer archive's compression, from libarchive's filter codes. */
static int outer_filter(struct archive *a)
{
	if (archive_filter_count(a) < 2)
		return LW_COMP_NONE;
	switch (archive_filter_code(a, 0)) {
	case ARCHIVE_FILTER_GZIP: return LW_COMP_GZIP;
	case ARCHIVE_FILTER_ZSTD: return LW_COMP_ZSTD;
	case ARCHIVE_FILTER_XZ: return LW_COMP_XZ;
	case ARCHIVE_FILTER_BZIP2: return LW_COMP_BZIP2;
	default: return -1;
	}
}

static int archive_fail(struct archive *a, const char *what,
			struct lw_error *err)
{
	const char *s = archive_error_string(a);
	int e = archive_errno(a);

	/* libarchive reports format trouble with its own codes; only these
	 * say the system failed us. */
	if (e == EIO || e == EACCES || e == EISDIR || e == ENOMEM ||
	    e == EBADF)
		return lw_error_set(err, LW_ERR_IO, "%s: %s", what,
				    s ? s : strerror(e));
	return lw_error_set(err, LW_ERR_INPUT, "%s: %s", what,
			    s ? s : "unreadable archive");
}

/* A compressed archive's decompressed bytes stay within --max-bytes;
 * an uncompressed one costs what was given. */
static int outer_cap(struct archive *a, const struct lw_source *src,
		     uint64_t max, struct lw_error *err)
{
	struct lw_scan cap = { .max_bytes = max, .inflated = 1 };
	struct lw_error e = { 0, "" };

	if (src->outer_compression == LW_COMP_NONE ||
	    !lw_scan_cap(&cap, (uint64_t)archive_filter_bytes(a, 0), &e))
		return LW_OK;
	return lw_error_set(err, LW_ERR_INPUT, "the archive %s", e.msg);
}

/* Reads past what is left of the current member of a compressed
 * archive: skipping it would inflate it in one go, however large. */
static int outer_drain(struct archive *a, const struct lw_source *src,
		       uint64_t max, struct lw_error *err)
{
	char buf[65536];
	la_ssize_t n;
	int rc;

	if (src->outer_compression == LW_COMP_NONE)
		return LW_OK;
	while ((n = archive_read_data(a, buf, sizeof(buf))) > 0) {
		rc = outer_cap(a, src, max, err);
		if (rc)
			return rc;
	}
	if (n < 0)
		return archive_fail(a, "corrupt or truncated archive", err);
	return LW_OK;
}

/* Lists the members of a mapped, uncompressed outer tar in place. */
static int scan_mapped(struct lw_source *src, struct lw_error *err)
{
	struct archive *a;
	struct archive_entry *ae;
	char name[LW_PATH_MAX];
	int r, rc = LW_OK;

	if (open_outer(&a))
		return lw_error_set(err, LW_ERR_NOMEM, "out of memory");
	if (archive_read_open_memory(a, src->map, src->map_len) != ARCHIVE_OK) {
		rc = archive_fail(a, "not a tar archive", err);
		goto out;
	}
	while ((r = archive_read_next_header(a, &ae)) != ARCHIVE_EOF) {
		struct lw_member *m;

		if (r < ARCHIVE_WARN) {
			rc = archive_fail(a, src->nmembers ?
					  "corrupt or truncated archive" :
					  "not a tar archive", err);
			goto out;
		}
		rc = normalize_member(ae, name, err);
		if (rc)
			goto out;
		m = add_member(src, name);
		if (member_links(m, ae) < 0) {
			rc = lw_error_set(err, LW_ERR_INPUT,
					  "member '%.200s' links outside the "
					  "archive", name);
			goto out;
		}
		if (m->type == LW_ENTRY_FILE && archive_entry_size(ae) > 0) {
			const void *buf;
			size_t len;
			la_int64_t off;
			const unsigned char *p;
			uint64_t size = (uint64_t)archive_entry_size(ae);

			r = archive_read_data_block(a, &buf, &len, &off);
			p = buf;
			if (r != ARCHIVE_OK || off != 0 || p < src->map ||
			    p >= src->map + src->map_len ||
			    size > (uint64_t)(src->map + src->map_len - p)) {
				rc = lw_error_set(err, LW_ERR_INPUT,
						  "member '%.200s' is truncated "
						  "or not stored contiguously",
						  name);
				goto out;
			}
			m->data = p;
			m->size = size;
		}
	}
out:
	archive_read_free(a);
	return rc;
}

/* Feeds a member of the outer stream to an inner archive. Only
 * archive_read_data() is used on the outer member: mixing it with
 * archive_read_data_block() would lose buffered bytes. */
struct inner_reader {
	struct archive *outer;
	const unsigned char *prefix;
	size_t prefix_len;
	unsigned char *buf;
	int failed;
	/* The outer archive's cap, and where passing it is told. */
	const struct lw_source *src;
	uint64_t max;
	struct lw_error *cap_err;
	int capped;
	struct lw_sha256 *sha; /* --verify: the blob's hash, or NULL */
};

static la_ssize_t inner_read(struct archive *a, void *ctx, const void **buf)
{
	struct inner_reader *r = ctx;
	la_ssize_t n;

	if (r->prefix_len) {
		size_t len = r->prefix_len;

		*buf = r->prefix;
		r->prefix_len = 0;
		if (r->sha)
			lw_sha256_update(r->sha, r->prefix, len);
		return (la_ssize_t)len;
	}
	n = archive_read_data(r->outer, r->buf, STREAM_BLOCK);
	if (n < 0) {
		r->failed = 1;
		if (a)
			archive_set_error(a, EIO, "%s",
					  archive_error_string(r->outer));
		return -1;
	}
	if (outer_cap(r->outer, r->src, r->max, r->cap_err)) {
		r->capped = 1;
		if (a)
			archive_set_error(a, EIO, "%s", r->cap_err->msg);
		return -1;
	}
	*buf = r->buf;
	if (r->sha)
		lw_sha256_update(r->sha, r->buf, (size_t)n);
	return n;
}

static la_ssize_t inner_pull(void *ctx, const void **buf)
{
	struct inner_reader *r = ctx;

	return inner_read(NULL, r, buf);
}

/* The progress of a stream counts the outer archive's bytes, which
 * only grow, not the blob's, which start again at each blob. */
struct outer_tick {
	const struct lw_stream_opts *so;
	struct archive *outer;
};

static void outer_tick(void *ctx, uint64_t bytes)
{
	struct outer_tick *t = ctx;

	(void)bytes;
	t->so->tick(t->so->tick_ctx,
		    (uint64_t)archive_filter_bytes(t->outer, -1));
}

/* Indexes one member of a stream as a layer blob. A failure is kept on
 * the member: it matters only if the manifest names it as a layer. */
static int stream_layer(struct archive *outer, const struct lw_source *src,
			struct lw_member *m, const unsigned char *head,
			size_t headlen, const struct lw_stream_opts *so,
			struct lw_error *err)
{
	struct inner_reader rd = { .outer = outer, .prefix = head,
				   .prefix_len = headlen, .src = src,
				   .max = so->max_bytes, .cap_err = err };
	struct archive *a = archive_read_new();
	struct outer_tick ot = { so, outer };
	struct lw_scan s = { .max_entries = so->max_entries,
			     .tick = so->tick ? outer_tick : NULL,
			     .tick_ctx = &ot, .max_bytes = so->max_bytes,
			     .inflated = m->compression != LW_COMP_NONE };
	struct lw_error e2 = { 0, "" };
	struct lw_gunzip gz = { 0 };
	struct lw_unzstd zs = { .dctx = NULL };
	struct lw_sha256 blob = { .ctx = NULL };
	struct lw_tar_hasher th = { .raw = NULL };
	int rc, r;

	if (!a)
		return lw_error_set(err, LW_ERR_NOMEM, "out of memory");
	if (so->verify) {
		rc = lw_sha256_init(&blob, err);
		if (rc) {
			archive_read_free(a);
			return rc;
		}
		rd.sha = &blob;
	}
	if (so->member)
		so->member(so->tick_ctx, m->name,
			   (uint64_t)archive_filter_bytes(outer, -1));
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	rd.buf = lw_xmalloc(STREAM_BLOCK);
	m->index = lw_xmalloc(sizeof(*m->index));
	lw_layer_index_init(m->index);
	if (m->compression == LW_COMP_GZIP && LW_FAST_GZIP && !so->plain) {
		lw_gunzip_init(&gz, inner_pull, &rd);
		r = so->verify ? lw_tar_hasher_open(&th, a, lw_gunzip_read, &gz,
						    0) :
			archive_read_open(a, &gz, NULL, lw_gunzip_read, NULL);
	} else if (m->compression == LW_COMP_ZSTD && !so->plain) {
		lw_unzstd_init(&zs, inner_pull, &rd, so->max_memory);
		r = so->verify ? lw_tar_hasher_open(&th, a, lw_unzstd_read, &zs,
						    0) :
			archive_read_open(a, &zs, NULL, lw_unzstd_read, NULL);
	} else if (so->verify) {
		/* The tar stream hashed between the filter and the tar
		 * reader (an uncompressed blob passes the raw reader as
		 * is). */
		r = lw_tar_hasher_open(&th, a, inner_read, &rd, 1);
	} else {
		archive_read_support_filter_all(a);
		r = archive_read_open(a, &rd, NULL, inner_read, NULL);
	}
	if (r != ARCHIVE_OK) {
		rc = lw_error_set(&e2, LW_ERR_INPUT, "%s",
				  archive_error_string(a));
	} else {
		rc = lw_layer_scan(a, &s, m->index, &e2);
	}
	/* An uncompressed layer is its tar stream, padding after the end
	 * blocks included, as the mapped reader counts it; of a compressed
	 * one, what the tar reader took. */
	m->tar_bytes = m->compression == LW_COMP_NONE && !rc ? m->size :
		(uint64_t)archive_filter_bytes(a, 0);
	if (so->verify && !rc && !rd.capped && !rd.failed) {
		/* What the tar reader left, then what the filter left of
		 * the blob. */
		const void *p;

		rc = lw_tar_hasher_finish(&th, so->max_bytes, m->tar_sha, &e2);
		while (!rc && !rd.capped && !rd.failed &&
		       inner_read(NULL, &rd, &p) > 0)
			;
		lw_sha256_final(&blob, m->blob_sha);
		m->hashed = !rc;
	}
	archive_read_free(a);
	lw_tar_hasher_release(&th);
	lw_sha256_release(&blob);
	lw_gunzip_release(&gz);
	lw_unzstd_release(&zs);
	free(rd.buf);
	if (rd.capped)
		return err->code;
	if (rd.failed)
		return archive_fail(outer, "corrupt or truncated archive", err);
	if (rc == LW_ERR_NOMEM)
		return lw_error_set(err, rc, "%s", e2.msg);
	if (rc) {
		m->scan_error = lw_xstrdup(e2.msg);
		lw_layer_index_release(m->index);
		free(m->index);
		m->index = NULL;
	}
	return LW_OK;
}

static int scan_stream(struct lw_source *src, struct archive *a,
		       const struct lw_stream_opts *so, struct lw_error *err)
{
	struct archive_entry *ae;
	char name[LW_PATH_MAX];
	unsigned char head[SNIFF_BYTES];
	int r, rc;

	for (;;) {
		struct lw_member *m;
		size_t headlen = 0;
		la_ssize_t n;

		if (src->nmembers) {
			rc = outer_drain(a, src, so->max_bytes, err);
			if (rc)
				return rc;
		}
		r = archive_read_next_header(a, &ae);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN)
			return archive_fail(a, src->nmembers ?
					    "corrupt or truncated archive" :
					    "not a tar archive", err);
		if (src->nmembers == 0)
			src->outer_compression = outer_filter(a);
		rc = outer_cap(a, src, so->max_bytes, err);
		if (rc)
			return rc;
		rc = normalize_member(ae, name, err);
		if (rc)
			return rc;
		m = add_member(src, name);
		if (member_links(m, ae) < 0)
			return lw_error_set(err, LW_ERR_INPUT,
					    "member '%.200s' links outside "
					    "the archive", name);
		if (m->type != LW_ENTRY_FILE || archive_entry_size(ae) <= 0)
			continue;
		m->size = (uint64_t)archive_entry_size(ae);
		while (headlen < sizeof(head)) {
			n = archive_read_data(a, head + headlen,
					      sizeof(head) - headlen);
			if (n < 0)
				return archive_fail(a, "corrupt or truncated "
						    "archive", err);
			if (n == 0)
				break;
			headlen += (size_t)n;
		}
		{
			size_t i = 0;

			while (i < headlen && strchr(" \t\r\n", head[i]))
				i++;
			if (i < headlen && (head[i] == '{' || head[i] == '[')) {
				struct lw_strbuf sb = LW_STRBUF_INIT;
				char buf[65536];

				if (m->size > LW_JSON_MAX)
					continue;
				lw_strbuf_add(&sb, (const char *)head, headlen);
				while ((n = archive_read_data(a, buf,
							      sizeof(buf))) > 0)
					lw_strbuf_add(&sb, buf, (size_t)n);
				if (n < 0) {
					lw_strbuf_release(&sb);
					return archive_fail(a, "corrupt or "
							    "truncated archive",
							    err);
				}
				m->json_len = sb.len;
				m->json = lw_strbuf_detach(&sb);
				continue;
			}
		}
		m->compression = lw_compression_sniff(head, headlen);
		if (m->compression < 0)
			continue;
		rc = stream_layer(a, src, m, head, headlen, so, err);
		if (rc)
			return rc;
	}
	return LW_OK;
}

static int open_stream(struct lw_source *src, int fd,
		       const struct lw_stream_opts *so, struct lw_error *err)
{
	struct archive *a;
	int rc;

	src->kind = LW_SOURCE_STREAM;
	src->fd = fd;
	if (open_outer(&a))
		return lw_error_set(err, LW_ERR_NOMEM, "out of memory");
	if (archive_read_open_fd(a, fd, STREAM_BLOCK) != ARCHIVE_OK) {
		rc = archive_fail(a, "not a tar archive", err);
	} else {
		rc = scan_stream(src, a, so, err);
		if (!rc && src->nmembers == 0)
			rc = lw_error_set(err, LW_ERR_INPUT,
					  "empty archive");
	}
	archive_read_free(a);
	return rc;
}

int lw_source_open_fd(struct lw_source *src, int fd,
		      const struct lw_stream_opts *so, struct lw_error *err)
{
	memset(src, 0, sizeof(*src));
	src->fd = -1;
	src->verify = so->verify;
	return open_stream(src, fd, so, err);
}

int lw_source_open(struct lw_source *src, const char *path,
		   const struct lw_stream_opts *so, struct lw_error *err)
{
	struct stat st;
	int fd;

	memset(src, 0, sizeof(*src));
	src->fd = -1;
	src->verify = so->verify;
	if (strcmp(path, "-") == 0)
		return open_stream(src, dup(0), so, err);
	/* A file that is not there is an I/O error (exit 4), not a bad
	 * image (exit 3). */
	if (stat(path, &st) < 0)
		return lw_error_set(err, LW_ERR_IO, "%s", strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		src->kind = LW_SOURCE_DIR;
		src->dir = lw_xstrdup(path);
		return LW_OK;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lw_error_set(err, LW_ERR_IO, "%s", strerror(errno));
	if (S_ISREG(st.st_mode) && st.st_size >= SNIFF_BYTES && !so->plain) {
		void *map = mmap(NULL, (size_t)st.st_size, PROT_READ,
				 MAP_PRIVATE, fd, 0);

		if (map != MAP_FAILED) {
			if (lw_compression_sniff(map, (size_t)st.st_size) ==
			    LW_COMP_NONE) {
				src->kind = LW_SOURCE_MAPPED;
				src->fd = fd;
				src->map = map;
				src->map_len = (size_t)st.st_size;
				return scan_mapped(src, err);
			}
			munmap(map, (size_t)st.st_size);
		}
	}
	return open_stream(src, fd, so, err);
}

static struct lw_member *dir_member(struct lw_source *src, const char *name)
{
	struct lw_strbuf path = LW_STRBUF_INIT;
	struct lw_member *m = NULL;
	struct stat st;
	void *map;
	int fd;

	lw_strbuf_addf(&path, "%s/%s", src->dir, name);
	fd = open(path.buf, O_RDONLY | O_CLOEXEC);
	lw_strbuf_release(&path);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		goto out;
	m = add_member(src, name);
	m->type = LW_ENTRY_FILE;
	m->size = (uint64_t)st.st_size;
	if (st.st_size == 0)
		goto out;
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		src->nmembers--;
		free(m->name);
		free(m);
		m = NULL;
		goto out;
	}
	src->maps = lw_xrealloc(src->maps, (src->nmaps + 1) * sizeof(void *));
	src->map_lens = lw_xrealloc(src->map_lens,
				    (src->nmaps + 1) * sizeof(size_t));
	src->maps[src->nmaps] = map;
	src->map_lens[src->nmaps++] = (size_t)st.st_size;
	m->data = map;
out:
	close(fd);
	return m;
}

struct lw_member *lw_source_find(struct lw_source *src, const char *name)
{
	char buf[LW_PATH_MAX];
	int depth;

	if (lw_path_resolve("", name, buf, sizeof(buf)) < 0)
		return NULL;
	for (depth = 0; depth < 16; depth++) {
		struct lw_member *m = NULL;
		size_t i;

		for (i = src->nmembers; i-- > 0;)
			if (strcmp(src->members[i]->name, buf) == 0) {
				m = src->members[i];
				break;
			}
		if (!m && src->kind == LW_SOURCE_DIR)
			m = dir_member(src, buf);
		if (!m)
			return NULL;
		if (m->type != LW_ENTRY_SYMLINK && m->type != LW_ENTRY_HARDLINK)
			return m;
		snprintf(buf, sizeof(buf), "%s", m->link);
	}
	return NULL;
}

int lw_source_json(const struct lw_member *m, const char **p, size_t *len,
		   struct lw_error *err)
{
	if (m->type != LW_ENTRY_FILE)
		return lw_error_set(err, LW_ERR_INPUT, "'%s' is not a file",
				    m->name);
	if (m->size > LW_JSON_MAX)
		return lw_error_set(err, LW_ERR_INPUT,
				    "'%s' is larger than %u bytes", m->name,
				    LW_JSON_MAX);
	if (m->json) {
		*p = m->json;
		*len = m->json_len;
		return LW_OK;
	}
	if (m->data || m->size == 0) {
		*p = (const char *)m->data;
		*len = (size_t)m->size;
		return LW_OK;
	}
	return lw_error_set(err, LW_ERR_INPUT, "'%s' is not a JSON document",
			    m->name);
}

void lw_source_release(struct lw_source *src)
{
	size_t i;

	for (i = 0; i < src->nmembers; i++) {
		struct lw_member *m = src->members[i];

		free(m->name);
		free(m->link);
		free(m->json);
		free(m->scan_error);
		if (m->index) {
			lw_layer_index_release(m->index);
			free(m->index);
		}
		free(m);
	}
	free(src->members);
	for (i = 0; i < src->nmaps; i++)
		munmap(src->maps[i], src->map_lens[i]);
	free(src->maps);
	free(src->map_lens);
	if (src->map)
		munmap(src->map, src->map_len);
	if (src->fd >= 0)
		close(src->fd);
	free(src->dir);
	memset(src, 0, sizeof(*src));
	src->fd = -1;
}
