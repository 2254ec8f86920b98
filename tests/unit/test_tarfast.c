/* Unit tests of the in-place tar walkers (tar_mapped.c, tar_stream.c): on
 * every archive the mapped walker must give exactly the index, warnings
 * and errors that the libarchive scanner (lw_layer_scan() over
 * archive_read_open_memory, as run_job() runs it) gives, and the stream
 * walker what lw_layer_scan() gives on libarchive reading the same stream
 * in the same pieces (content hashes, kept files, bytes consumed and
 * pieces read too), or hand the layer back (LW_TAR_FALLBACK) with nothing
 * kept. Archives come from libarchive's writers in every tar format, from
 * headers written by hand, from the fixture images, and from a few
 * thousand random mutations. */
#include <archive.h>
#include <archive_entry.h>
#include <check.h>
#include <dirent.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tar_priv.h"
#include "layerwaste/util.h"
#include "rawtar.h"
#include "peer.h"
#include "suite.h"

#define MAX_ENTRIES 1000000

/* --max-bytes for both scanners (0: none), set by the test of it. */
static uint64_t max_bytes;

/* ---- the two scanners ---- */

/* The libarchive path, as run_job() takes it for an uncompressed layer. */
static int scan_libarchive(const unsigned char *p, size_t len, size_t max,
			   struct lw_layer_index *ix, struct lw_error *err)
{
	struct archive *a = archive_read_new();
	struct lw_scan s = { .map = p, .map_len = len, .max_entries = max,
			     .max_bytes = max_bytes };
	int rc;

	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	lw_layer_index_init(ix);
	memset(err, 0, sizeof(*err));
	if (archive_read_open_memory(a, p, len) != ARCHIVE_OK)
		rc = lw_error_set(err, LW_ERR_INPUT, "%s",
				  archive_error_string(a));
	else
		rc = lw_layer_scan(a, &s, ix, err);
	archive_read_free(a);
	return rc;
}

static int scan_fast(const unsigned char *p, size_t len, size_t max,
		     struct lw_layer_index *ix, struct lw_error *err)
{
	struct lw_scan s = { .map = p, .map_len = len, .max_entries = max,
			     .max_bytes = max_bytes };

	lw_layer_index_init(ix);
	memset(err, 0, sizeof(*err));
	return lw_tar_scan_mapped(p, len, &s, ix, err);
}

static int str_eq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static void same_index(const struct lw_layer_index *a,
		       const struct lw_layer_index *b, const char *what)
{
	size_t i;

	ck_assert_msg(a->count == b->count, "%s: %zu entries, fast %zu", what,
		      a->count, b->count);
	ck_assert_msg(a->file_bytes == b->file_bytes &&
		      a->file_count == b->file_count, "%s: file totals", what);
	ck_assert_msg(a->warnings.total == b->warnings.total &&
		      a->warnings.count == b->warnings.count,
		      "%s: %zu warnings, fast %zu (%s)", what,
		      a->warnings.total, b->warnings.total,
		      a->warnings.count ? a->warnings.items[0] :
		      b->warnings.count ? b->warnings.items[0] : "");
	for (i = 0; i < a->warnings.count; i++)
		ck_assert_msg(strcmp(a->warnings.items[i],
				     b->warnings.items[i]) == 0,
			      "%s: warning '%s', fast '%s'", what,
			      a->warnings.items[i], b->warnings.items[i]);
	for (i = 0; i < a->count; i++) {
		const struct lw_entry *x = &a->entries[i], *y = &b->entries[i];
		const char *xp = lwt_path(x), *yp = lwt_path(y);

		ck_assert_msg(strcmp(xp, yp) == 0,
			      "%s: entry %zu is '%s', fast '%s'", what, i,
			      xp, yp);
		ck_assert_msg(str_eq(lw_entry_link(x), lw_entry_link(y)),
			      "%s: '%s' links to '%s', fast '%s'", what,
			      xp,
			      lw_entry_link(x) ? lw_entry_link(x) : "(none)",
			      lw_entry_link(y) ? lw_entry_link(y) : "(none)");
		ck_assert_msg(str_eq(lw_entry_uname(x),
				     lw_entry_uname(y)) &&
			      str_eq(lw_entry_gname(x),
				     lw_entry_gname(y)), "%s: '%s' owner "
			      "names", what, xp);
		ck_assert_msg(x->type == y->type, "%s: '%s' type %d, fast %d",
			      what, xp, x->type, y->type);
		ck_assert_msg(x->size == y->size, "%s: '%s' size %llu, fast "
			      "%llu", what, xp,
			      (unsigned long long)x->size,
			      (unsigned long long)y->size);
		ck_assert_msg(x->data_blk == y->data_blk, "%s: '%s' offset or "
			      "target %lu, fast %lu", what, xp,
			      (unsigned long)x->data_blk,
			      (unsigned long)y->data_blk);
		ck_assert_msg(x->hash.lo == y->hash.lo &&
			      x->hash.hi == y->hash.hi, "%s: '%s' hash", what,
			      xp);
		ck_assert_msg(lw_entry_mtime(x) == lw_entry_mtime(y),
			      "%s: '%s' mtime %lld, fast %lld", what, xp,
			      (long long)lw_entry_mtime(x),
			      (long long)lw_entry_mtime(y));
		ck_assert_msg(lw_entry_uid(x) == lw_entry_uid(y) &&
			      lw_entry_gid(x) == lw_entry_gid(y),
			      "%s: '%s' uid/gid %u/%u, fast %u/%u", what,
			      xp, lw_entry_uid(x), lw_entry_gid(x),
			      lw_entry_uid(y), lw_entry_gid(y));
		ck_assert_msg(lw_entry_mode(x) == lw_entry_mode(y),
			      "%s: '%s' mode %o, fast %o", what, xp,
			      lw_entry_mode(x), lw_entry_mode(y));
		ck_assert_msg(lw_entry_xattr_hash(x) ==
			      lw_entry_xattr_hash(y) && x->flags == y->flags,
			      "%s: '%s' xattrs/flags %x/%x, fast %x/%x", what,
			      xp,
			      lw_entry_xattr_hash(x), x->flags,
			      lw_entry_xattr_hash(y), y->flags);
		ck_assert_msg(x->path_id == y->path_id, "%s: path_id", what);
	}
}

enum { ANY = 0, FAST = 1, FALLS_BACK = 2 };

/* ---- the stream walker, against libarchive reading the same stream ---- */

/* A stream cut into pieces of step bytes, each copied to a buffer of its
 * own size that is freed at the next read: a read past a piece, or of a
 * piece already given back, is caught under the sanitizers. */
struct pieces {
	const unsigned char *p;
	size_t len, pos, step, reads;
	size_t first; /* when not 0: the first piece's size */
	unsigned char *copy;
};

static la_ssize_t piece_read(struct archive *a, void *ctx, const void **buf)
{
	struct pieces *sp = ctx;
	size_t n = sp->len - sp->pos;

	(void)a;
	if (n > sp->step)
		n = sp->step;
	if (sp->first && !sp->reads && n > sp->first)
		n = sp->first;
	free(sp->copy);
	sp->copy = lw_xmalloc(n ? n : 1);
	memcpy(sp->copy, sp->p + sp->pos, n);
	sp->pos += n;
	sp->reads++;
	*buf = sp->copy;
	return (la_ssize_t)n;
}

static long piece_pull(void *ctx, const void **buf)
{
	return (long)piece_read(NULL, ctx, buf);
}

/* lw_layer_scan() on the stream, as layers.c opens a decompressed layer:
 * *tar_bytes is what the tar reader consumed. */
static int scan_libarchive_stream(struct pieces *sp, size_t max,
				  struct lw_layer_index *ix,
				  uint64_t *tar_bytes, struct lw_error *err)
{
	struct archive *a = archive_read_new();
	struct lw_scan s = { .max_entries = max, .max_bytes = max_bytes,
			     .inflated = 1 };
	int rc;

	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	lw_layer_index_init(ix);
	memset(err, 0, sizeof(*err));
	if (archive_read_open(a, sp, NULL, piece_read, NULL) != ARCHIVE_OK)
		rc = lw_error_set(err, LW_ERR_INPUT, "%s",
				  archive_error_string(a));
	else
		rc = lw_layer_scan(a, &s, ix, err);
	*tar_bytes = (uint64_t)archive_filter_bytes(a, 0);
	archive_read_free(a);
	free(sp->copy);
	sp->copy = NULL;
	return rc;
}

static int scan_stream(struct pieces *sp, size_t max,
		       struct lw_layer_index *ix, uint64_t *tar_bytes,
		       struct lw_error *err)
{
	struct lw_scan s = { .max_entries = max, .max_bytes = max_bytes,
			     .inflated = 1 };
	int rc;

	lw_layer_index_init(ix);
	memset(err, 0, sizeof(*err));
	rc = lw_tar_scan_stream(piece_pull, sp, &s, ix, tar_bytes, err);
	free(sp->copy);
	sp->copy = NULL;
	return rc;
}

static void same_kept(const struct lw_layer_index *a,
		      const struct lw_layer_index *b, const char *what)
{
	size_t i;

	ck_assert_msg(a->nkept == b->nkept && a->kept_bytes == b->kept_bytes,
		      "%s: %zu kept files, stream %zu", what, a->nkept,
		      b->nkept);
	for (i = 0; i < a->nkept; i++)
		ck_assert_msg(a->kept[i].entry == b->kept[i].entry &&
			      a->kept[i].len == b->kept[i].len &&
			      memcmp(a->kept[i].data, b->kept[i].data,
				     a->kept[i].len) == 0,
			      "%s: kept file %zu", what, i);
}

static void same_index(const struct lw_layer_index *a,
		       const struct lw_layer_index *b, const char *what);

/* 0 (the default): every test compares the stream walker too, cut at
 * 1 (small archives), 511, 512 and 513 bytes and whole; else only whole
 * and cut at this many bytes (the mutation loops). */
static size_t stream_step;

/* The stream walker on p cut every step bytes, against libarchive on the
 * same pieces: the same index, kept files, warnings, error, consumed
 * bytes and reads, or a hand-back with nothing kept. must_take: a
 * success must not be handed back. */
static int compare_stream_cut(const unsigned char *p, size_t len,
			      size_t step, size_t first, size_t max,
			      int must_take, const char *what)
{
	struct pieces pa = { .p = p, .len = len, .step = step ? step : 1,
			     .first = first };
	struct pieces pb = pa;
	struct lw_layer_index a, b;
	struct lw_error ea, eb;
	uint64_t ta, tb;
	char w[300];
	int ra, rb;

	snprintf(w, sizeof(w), "%.240s (stream, pieces of %zu after %zu)",
		 what, step, first);
	ra = scan_libarchive_stream(&pa, max, &a, &ta, &ea);
	rb = scan_stream(&pb, max, &b, &tb, &eb);
	if (rb == LW_TAR_FALLBACK) {
		ck_assert_msg(!(must_take && ra == 0), "%s: handed back a "
			      "layer libarchive reads", w);
		ck_assert_msg(b.count == 0 && b.warnings.total == 0 &&
			      b.entries == NULL && b.nkept == 0,
			      "%s: handed back with entries", w);
	} else {
		ck_assert_msg(ra == rb, "%s: libarchive %d '%s', stream %d "
			      "'%s'", w, ra, ra ? ea.msg : "", rb,
			      rb ? eb.msg : "");
		if (ra) {
			ck_assert_msg(ea.code == eb.code &&
				      strcmp(ea.msg, eb.msg) == 0,
				      "%s: libarchive '%s', stream '%s'", w,
				      ea.msg, eb.msg);
		} else {
			same_index(&a, &b, w);
			same_kept(&a, &b, w);
			ck_assert_msg(ta == tb, "%s: libarchive consumed %llu "
				      "bytes, stream %llu", w,
				      (unsigned long long)ta,
				      (unsigned long long)tb);
			ck_assert_msg(pa.reads == pb.reads, "%s: libarchive "
				      "read %zu pieces, stream %zu", w,
				      pa.reads, pb.reads);
		}
	}
	lw_layer_index_release(&a);
	lw_layer_index_release(&b);
	return rb;
}

static int compare_stream_step(const unsigned char *p, size_t len,
			       size_t step, size_t max, int must_take,
			       const char *what)
{
	return compare_stream_cut(p, len, step, 0, max, must_take, what);
}

/* Returns the stream walker's code on the whole stream. */
static int compare_stream(const unsigned char *p, size_t len, size_t max,
			  int must_take, const char *what)
{
	static const size_t steps[] = { 511, 512, 513, 1 };
	int r = compare_stream_step(p, len, len, max, must_take, what);
	size_t i;

	if (stream_step) {
		compare_stream_step(p, len, stream_step, max, must_take, what);
		return r;
	}
	for (i = 0; i < sizeof(steps) / sizeof(*steps); i++) {
		/* Byte by byte only where it stays quick. */
		if (steps[i] == 1 && len > (64u << 10))
			continue;
		if (steps[i] < len)
			compare_stream_step(p, len, steps[i], max, must_take,
					    what);
	}
	return r;
}

/* Scans p both ways and asserts they agree. expect: FAST when the walker
 * must not hand the layer back, FALLS_BACK when it must. Returns the
 * walker's code. */
static int compare_max(const void *data, size_t len, size_t max, int expect,
		       const char *what)
{
	/* An exact-size copy, so that a read past the end is caught. */
	unsigned char *p = lw_xmalloc(len ? len : 1);
	struct lw_layer_index a, b;
	struct lw_error ea, eb;
	int ra, rb;

	memcpy(p, data, len);
	ra = scan_libarchive(p, len, max, &a, &ea);
	rb = scan_fast(p, len, max, &b, &eb);
	if (rb == LW_TAR_FALLBACK) {
		ck_assert_msg(expect != FAST, "%s: fell back (libarchive: %d "
			      "%s)", what, ra, ra ? ea.msg : "ok");
		ck_assert_msg(b.count == 0 && b.warnings.total == 0 &&
			      b.entries == NULL, "%s: fell back with entries",
			      what);
	} else {
		ck_assert_msg(expect != FALLS_BACK, "%s: did not fall back "
			      "(%d %s)", what, rb, rb ? eb.msg : "ok");
		ck_assert_msg(ra == rb, "%s: libarchive %d '%s', fast %d '%s'",
			      what, ra, ra ? ea.msg : "", rb, rb ? eb.msg : "");
		if (ra)
			ck_assert_msg(ea.code == eb.code &&
				      strcmp(ea.msg, eb.msg) == 0,
				      "%s: libarchive '%s', fast '%s'", what,
				      ea.msg, eb.msg);
		else
			same_index(&a, &b, what);
	}
	/* A layer the mapped walker reads without a hitch, the stream
	 * walker must read too. */
	compare_stream(p, len, max, rb == 0 && ra == 0, what);
	lw_layer_index_release(&a);
	lw_layer_index_release(&b);
	free(p);
	return rb;
}

static int compare(const void *p, size_t len, int expect, const char *what)
{
	return compare_max(p, len, MAX_ENTRIES, expect, what);
}

/* Both ways must fail with the same message, naming want. */
static void same_error(const void *p, size_t len, size_t max,
		       const char *want, const char *what)
{
	unsigned char *q = lw_xmalloc(len ? len : 1);
	struct lw_layer_index a;
	struct lw_error ea;

	memcpy(q, p, len);
	ck_assert_int_eq(compare_max(q, len, max, FAST, what), LW_ERR_INPUT);
	ck_assert_int_eq(scan_libarchive(q, len, max, &a, &ea), LW_ERR_INPUT);
	ck_assert_msg(strstr(ea.msg, want) != NULL, "%s: '%s' lacks '%s'",
		      what, ea.msg, want);
	lw_layer_index_release(&a);
	free(q);
}

/* ---- archives from libarchive's writers ---- */

struct tw {
	struct archive *a;
	struct lw_strbuf buf;
};

static la_ssize_t tw_write(struct archive *a, void *ctx, const void *p,
			   size_t n)
{
	struct tw *w = ctx;

	(void)a;
	lw_strbuf_add(&w->buf, p, n);
	return (la_ssize_t)n;
}

static void tw_open(struct tw *w, int (*format)(struct archive *))
{
	memset(w, 0, sizeof(*w));
	w->a = archive_write_new();
	format(w->a);
	archive_write_set_bytes_in_last_block(w->a, 1);
	ck_assert_int_eq(archive_write_open(w->a, w, NULL, tw_write, NULL),
			 ARCHIVE_OK);
}

static void tw_close(struct tw *w)
{
	archive_write_close(w->a);
	archive_write_free(w->a);
}

struct spec {
	const char *path;
	unsigned type;    /* AE_IFREG (0 also), AE_IFDIR... */
	const char *link; /* symlink target, or hard-link target if hard */
	int hard;
	size_t size;      /* content: size bytes of a pattern */
	la_int64_t uid, gid, mtime;
	long nsec;
	const char *uname, *gname;
	unsigned mode;
	const char *xname[3];
	const char *xval[3];
	size_t xlen[3];
};

static void tw_add(struct tw *w, const struct spec *sp)
{
	struct archive_entry *e = archive_entry_new();
	unsigned type = sp->type ? sp->type : AE_IFREG;
	size_t i;

	archive_entry_copy_pathname(e, sp->path);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, sp->mode ? sp->mode : 0644);
	archive_entry_set_uid(e, sp->uid);
	archive_entry_set_gid(e, sp->gid);
	if (sp->uname)
		archive_entry_copy_uname(e, sp->uname);
	if (sp->gname)
		archive_entry_copy_gname(e, sp->gname);
	archive_entry_set_mtime(e, sp->mtime ? sp->mtime : 1000, sp->nsec);
	if (sp->link && sp->hard)
		archive_entry_copy_hardlink(e, sp->link);
	else if (sp->link)
		archive_entry_copy_symlink(e, sp->link);
	if (type == AE_IFCHR || type == AE_IFBLK)
		archive_entry_set_rdev(e, 0x0801);
	for (i = 0; i < 3 && sp->xname[i]; i++)
		archive_entry_xattr_add_entry(e, sp->xname[i], sp->xval[i],
					      sp->xlen[i] ? sp->xlen[i] :
					      strlen(sp->xval[i]));
	archive_entry_set_size(e, type == AE_IFREG && !sp->hard ?
			       (la_int64_t)sp->size : 0);
	/* Formats that cannot hold an entry refuse it; go on. */
	if (archive_write_header(w->a, e) >= ARCHIVE_WARN && sp->size &&
	    type == AE_IFREG && !sp->hard) {
		char *data = lw_xmalloc(sp->size);

		for (i = 0; i < sp->size; i++)
			data[i] = (char)('a' + (i * 7 + sp->size) % 26);
		archive_write_data(w->a, data, sp->size);
		free(data);
	}
	archive_entry_free(e);
}

static char *repeat_path(char *buf, size_t n, const char *stem)
{
	size_t i;

	/* Directories of 9 characters, so that the names split where the
	 * ustar prefix can and cannot hold them. */
	for (i = 0; i < n; i++)
		buf[i] = (i % 10 == 9) ? '/' : stem[i % strlen(stem)];
	buf[n] = '\0';
	if (buf[n - 1] == '/')
		buf[n - 1] = 'z';
	return buf;
}

/* Every kind of entry a layer holds, in one archive. */
static void add_standard(struct tw *w)
{
	static const char cap[] = "\x01\x00\x00\x02\x20\x00\x00\x00";
	static const size_t sizes[] = { 1, 100, 511, 512, 513, 4103 };
	static const size_t lens[] = { 99, 100, 101, 154, 155, 156, 200, 255,
				       256, 257, 300, 1000, 4095 };
	char name[5000], target[400];
	size_t i;

	tw_add(w, &(struct spec){ .path = "./", .type = AE_IFDIR,
				  .mode = 0755 });
	tw_add(w, &(struct spec){ .path = "etc", .type = AE_IFDIR,
				  .mode = 0755, .uname = "root",
				  .gname = "root" });
	tw_add(w, &(struct spec){ .path = "etc/passwd", .size = 27,
				  .uname = "root", .gname = "wheel" });
	tw_add(w, &(struct spec){ .path = "/abs/file", .size = 3, .uid = 1000,
				  .gid = 1000, .uname = "user",
				  .gname = "user" });
	tw_add(w, &(struct spec){ .path = "./dot/./x//y", .size = 5 });
	tw_add(w, &(struct spec){ .path = "empty" });
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(name, sizeof(name), "data/f%zu", sizes[i]);
		tw_add(w, &(struct spec){ .path = name, .size = sizes[i],
					  .mode = 04755 });
	}
	tw_add(w, &(struct spec){ .path = "usr/bin/x", .size = 9,
				  .mode = 02711 });
	tw_add(w, &(struct spec){ .path = "lnk", .type = AE_IFLNK,
				  .link = "etc/passwd", .mode = 0777 });
	tw_add(w, &(struct spec){ .path = "up", .type = AE_IFLNK,
				  .link = "../../../x" });
	tw_add(w, &(struct spec){ .path = "longlnk", .type = AE_IFLNK,
				  .link = repeat_path(target, 150, "t") });
	tw_add(w, &(struct spec){ .path = "longerlnk", .type = AE_IFLNK,
				  .link = repeat_path(target, 390, "u") });
	tw_add(w, &(struct spec){ .path = "hl", .hard = 1,
				  .link = "etc/passwd" });
	tw_add(w, &(struct spec){ .path = "hl2", .hard = 1,
				  .link = "./etc//passwd" });
	tw_add(w, &(struct spec){ .path = "hl-missing", .hard = 1,
				  .link = "nowhere" });
	tw_add(w, &(struct spec){ .path = "hl-dir", .hard = 1,
				  .link = "etc" });
	tw_add(w, &(struct spec){ .path = "dev/null", .type = AE_IFCHR });
	tw_add(w, &(struct spec){ .path = "dev/sda", .type = AE_IFBLK });
	tw_add(w, &(struct spec){ .path = "run/fifo", .type = AE_IFIFO });
	tw_add(w, &(struct spec){ .path = ".wh.gone" });
	tw_add(w, &(struct spec){ .path = "etc/.wh.shadow" });
	tw_add(w, &(struct spec){ .path = "var/.wh..wh..opq" });
	tw_add(w, &(struct spec){ .path = ".wh..wh.plnk" });
	tw_add(w, &(struct spec){ .path = "x/.wh." });
	tw_add(w, &(struct spec){ .path = "big/uid", .uid = 2097152,
				  .gid = 4294967295LL, .size = 2 });
	tw_add(w, &(struct spec){ .path = "big/uid2", .uid = 1LL << 40,
				  .gid = 3000000000LL });
	tw_add(w, &(struct spec){ .path = "time/neg", .mtime = -1000 });
	tw_add(w, &(struct spec){ .path = "time/huge", .mtime = 1LL << 34 });
	tw_add(w, &(struct spec){ .path = "time/frac", .mtime = 1500,
				  .nsec = 500000000 });
	tw_add(w, &(struct spec){ .path = "caf\xc3\xa9/na\xc3\xafve.txt",
				  .size = 4 });
	tw_add(w, &(struct spec){ .path = "nfd/e\xcc\x81t\xc3\xa9",
				  .size = 1 });
	tw_add(w, &(struct spec){ .path = "emoji/\xf0\x9f\x98\x80",
				  .size = 1, .uname = "\xc3\xbcser",
				  .gname = "gr\xc3\xb6up" });
	tw_add(w, &(struct spec){ .path = "latin1/\xe9t\xe9", .size = 1 });
	tw_add(w, &(struct spec){ .path = "latin1/link", .type = AE_IFLNK,
				  .link = "\xe9t\xe9" });
	tw_add(w, &(struct spec){ .path = "latin1/hard", .hard = 1,
				  .link = "latin1/\xe9t\xe9" });
	tw_add(w, &(struct spec){ .path = "xattr/one", .size = 3,
				  .xname = { "user.mime" },
				  .xval = { "text/plain" } });
	tw_add(w, &(struct spec){ .path = "xattr/cap", .size = 3,
				  .xname = { "security.capability",
					     "user.we%ird=name", "trusted.e" },
				  .xval = { cap, "v\nw", "" },
				  .xlen = { sizeof(cap) - 1, 3, 0 } });
	tw_add(w, &(struct spec){ .path = "xattr/dir", .type = AE_IFDIR,
				  .xname = { "user.d" }, .xval = { "1" } });
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		tw_add(w, &(struct spec){ .path = repeat_path(name, lens[i],
							      "abcdefghi"),
					  .size = lens[i] % 7 });
		if (lens[i] < 400) {
			char hl[400];

			snprintf(hl, sizeof(hl), "hl/%zu", lens[i]);
			tw_add(w, &(struct spec){ .path = hl, .hard = 1,
						  .link = name });
		}
	}
	tw_add(w, &(struct spec){ .path = "last", .size = 10 });
}

static int (*const writers[])(struct archive *) = {
	archive_write_set_format_ustar,
	archive_write_set_format_pax_restricted,
	archive_write_set_format_pax,
	archive_write_set_format_gnutar,
	archive_write_set_format_v7tar,
};
static const char *const writer_names[] = {
	"ustar", "pax-restricted", "pax", "gnutar", "v7",
};

static void writer_archive(int i, struct lw_strbuf *out)
{
	struct tw w;

	tw_open(&w, writers[i]);
	add_standard(&w);
	tw_close(&w);
	*out = w.buf;
}

static void check_writers(const char *locale)
{
	size_t i;

	ck_assert_ptr_nonnull(setlocale(LC_ALL, locale));
	for (i = 0; i < sizeof(writers) / sizeof(writers[0]); i++) {
		struct lw_strbuf b;
		char what[64];

		writer_archive((int)i, &b);
		snprintf(what, sizeof(what), "%s in %s", writer_names[i],
			 locale);
		compare(b.buf, b.len, FAST, what);
		lw_strbuf_release(&b);
	}
	setlocale(LC_ALL, "C");
}

START_TEST(writers_in_c_locale)
{
	check_writers("C");
}
END_TEST

START_TEST(writers_in_utf8_locale)
{
	check_writers("C.UTF-8");
}
END_TEST

/* Archives written in one locale, read in the other: the pax writer marks
 * names it cannot convert with hdrcharset=BINARY. */
START_TEST(writers_across_locales)
{
	size_t i;

	for (i = 0; i < sizeof(writers) / sizeof(writers[0]); i++) {
		struct lw_strbuf b;

		setlocale(LC_ALL, "C.UTF-8");
		writer_archive((int)i, &b);
		setlocale(LC_ALL, "C");
		compare(b.buf, b.len, FAST, writer_names[i]);
		lw_strbuf_release(&b);
		writer_archive((int)i, &b);
		setlocale(LC_ALL, "C.UTF-8");
		compare(b.buf, b.len, FAST, writer_names[i]);
		setlocale(LC_ALL, "C");
		lw_strbuf_release(&b);
	}
}
END_TEST

START_TEST(writers_reject_5000_byte_name)
{
	size_t i;
	char name[5001];

	for (i = 0; i < 5; i++) {
		struct tw w;

		if (i == 0 || i == 4)
			continue; /* ustar and v7 cannot store it */
		tw_open(&w, writers[i]);
		tw_add(&w, &(struct spec){ .path = "a", .size = 1 });
		tw_add(&w, &(struct spec){ .path = repeat_path(name, 5000,
								"n") });
		tw_close(&w);
		same_error(w.buf.buf, w.buf.len, MAX_ENTRIES,
			   "entry name longer than", writer_names[i]);
		lw_strbuf_release(&w.buf);
	}
}
END_TEST

START_TEST(writers_empty_archives)
{
	size_t i;

	for (i = 0; i < sizeof(writers) / sizeof(writers[0]); i++) {
		struct tw w;
		struct lw_layer_index ix;
		struct lw_error err;

		tw_open(&w, writers[i]);
		tw_close(&w);
		compare(w.buf.buf, w.buf.len, FAST, writer_names[i]);
		ck_assert_int_eq(scan_fast((const unsigned char *)w.buf.buf,
					   w.buf.len, 10, &ix, &err), LW_OK);
		ck_assert_uint_eq(ix.count, 0);
		lw_layer_index_release(&ix);
		lw_strbuf_release(&w.buf);
	}
}
END_TEST

/* ---- archives written by hand ---- */

struct patch {
	size_t off;
	const char *bytes;
	size_t n;
};

struct rawh {
	const char *name;
	size_t name_len;     /* 0: strlen(name) */
	char type;
	unsigned long long size;
	const char *link;
	const char *magic;   /* 8 bytes of magic and version; NULL: ustar */
	const char *uname, *gname, *prefix;
	const char *mode, *uid, *gid, *mtime; /* NULL: defaults */
	int sum;             /* 0 unsigned, 1 signed bytes, 2 wrong */
	struct patch patch[3];
};

static void raw_header(struct lw_strbuf *sb, const struct rawh *r)
{
	unsigned char h[512];
	long sum = 0;
	size_t i, n = r->name_len ? r->name_len : strlen(r->name);

	memset(h, 0, sizeof(h));
	memcpy(h, r->name, n < 100 ? n : 100);
	memcpy(h + 100, r->mode ? r->mode : "0000644", 8);
	memcpy(h + 108, r->uid ? r->uid : "0001750", 8);
	memcpy(h + 116, r->gid ? r->gid : "0001750", 8);
	snprintf((char *)h + 124, 12, "%011llo", r->size);
	memcpy(h + 136, r->mtime ? r->mtime : "00000001750", 12);
	h[156] = (unsigned char)r->type;
	if (r->link)
		memcpy(h + 157, r->link, strnlen(r->link, 100));
	memcpy(h + 257, r->magic ? r->magic : "ustar\0" "00", 8);
	if (r->uname)
		memcpy(h + 265, r->uname, strnlen(r->uname, 32));
	if (r->gname)
		memcpy(h + 297, r->gname, strnlen(r->gname, 32));
	if (r->prefix)
		memcpy(h + 345, r->prefix, strnlen(r->prefix, 155));
	for (i = 0; i < 3; i++)
		if (r->patch[i].bytes)
			memcpy(h + r->patch[i].off, r->patch[i].bytes,
			       r->patch[i].n);
	memset(h + 148, ' ', 8);
	for (i = 0; i < sizeof(h); i++)
		sum += r->sum == 1 ? (signed char)h[i] : h[i];
	if (r->sum == 2)
		sum += 1;
	snprintf((char *)h + 148, 8, "%06lo", (unsigned long)sum & 0777777);
	h[155] = ' ';
	lw_strbuf_add(sb, (const char *)h, sizeof(h));
}

static void raw_file(struct lw_strbuf *sb, const char *name, const char *data)
{
	raw_header(sb, &(struct rawh){ .name = name, .type = '0',
				       .size = strlen(data) });
	lwt_raw_data(sb, data, strlen(data));
}

/* One pax record, "LEN key=value\n", value of vlen bytes (-1: strlen). */
static void pax_rec(struct lw_strbuf *rec, const char *key, const char *val,
		    long vlen)
{
	size_t v = vlen < 0 ? strlen(val) : (size_t)vlen;
	size_t body = strlen(key) + v + 3, len = body + 1;
	char num[32];

	while (len != body + (size_t)snprintf(num, sizeof(num), "%zu", len))
		len = body + strlen(num);
	snprintf(num, sizeof(num), "%zu", len);
	lw_strbuf_addf(rec, "%s %s=", num, key);
	lw_strbuf_add(rec, val, v);
	lw_strbuf_add(rec, "\n", 1);
}

/* An extended header of type t ('x', 'g', 'L', 'K') holding body. */
static void raw_ext(struct lw_strbuf *sb, char t, const char *body, size_t n)
{
	raw_header(sb, &(struct rawh){ .name = "././@LongLink", .type = t,
				       .size = n,
				       .magic = t == 'L' || t == 'K' ?
				       "ustar  \0" : NULL });
	lwt_raw_data(sb, body, n);
}

static void raw_pax(struct lw_strbuf *sb, char t, const char *key,
		    const char *val)
{
	struct lw_strbuf rec = LW_STRBUF_INIT;

	pax_rec(&rec, key, val, -1);
	raw_ext(sb, t, rec.buf, rec.len);
	lw_strbuf_release(&rec);
}

/* Runs compare() on the archive built so far, plus an end marker. */
static int check_raw(struct lw_strbuf *sb, int expect, const char *what)
{
	int r;

	lwt_raw_end(sb);
	r = compare(sb->buf, sb->len, expect, what);
	lw_strbuf_release(sb);
	return r;
}

START_TEST(raw_pax_keys)
{
	struct lw_strbuf sb = LW_STRBUF_INIT, rec = LW_STRBUF_INIT;
	static const char *const mtimes[] = {
		"1234.567", "-5.5", "-0.25", "99999999999999999999", "12abc",
		"", " 7", "+3", "0000000000001",
	};
	static const char *const ids[] = {
		"42", "4294967296", "-1", " 12", "99999999999999999999999",
		"", "0x10",
	};
	size_t i;

	for (i = 0; i < sizeof(mtimes) / sizeof(mtimes[0]); i++) {
		char name[32];

		snprintf(name, sizeof(name), "mtime/%zu", i);
		raw_pax(&sb, 'x', "mtime", mtimes[i]);
		raw_file(&sb, name, "x");
	}
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		char name[32];

		snprintf(name, sizeof(name), "ids/%zu", i);
		pax_rec(&rec, "uid", ids[i], -1);
		pax_rec(&rec, "gid", ids[i], -1);
		raw_ext(&sb, 'x', rec.buf, rec.len);
		rec.len = 0;
		raw_file(&sb, name, "x");
	}
	/* Everything at once, with keys libarchive ignores. */
	pax_rec(&rec, "path", "pax/renamed", -1);
	pax_rec(&rec, "uname", "paxuser", -1);
	pax_rec(&rec, "gname", "paxgroup", -1);
	pax_rec(&rec, "atime", "1.5", -1);
	pax_rec(&rec, "ctime", "2.5", -1);
	pax_rec(&rec, "comment", "a comment", -1);
	pax_rec(&rec, "charset", "ISO-IR 646 1990", -1);
	pax_rec(&rec, "SCHILY.dev", "12", -1);
	pax_rec(&rec, "SCHILY.ino", "34", -1);
	pax_rec(&rec, "SCHILY.nlink", "2", -1);
	pax_rec(&rec, "SCHILY.fflags", "nodump", -1);
	pax_rec(&rec, "LIBARCHIVE.creationtime", "5", -1);
	pax_rec(&rec, "vendor.unknown", "z", -1);
	pax_rec(&rec, "path", "pax/renamed-again", -1);
	raw_ext(&sb, 'x', rec.buf, rec.len);
	rec.len = 0;
	raw_file(&sb, "ustar-name", "content");
	/* Empty values keep the header's. */
	pax_rec(&rec, "path", "", -1);
	pax_rec(&rec, "uname", "", -1);
	pax_rec(&rec, "linkpath", "", -1);
	raw_ext(&sb, 'x', rec.buf, rec.len);
	rec.len = 0;
	raw_header(&sb, &(struct rawh){ .name = "kept", .type = '2',
					.link = "kept-target",
					.uname = "hdruser" });
	/* A NUL inside a value ends it. */
	pax_rec(&rec, "path", "nul\0after", 9);
	pax_rec(&rec, "uid", "7\0" "8", 3);
	raw_ext(&sb, 'x', rec.buf, rec.len);
	rec.len = 0;
	raw_file(&sb, "nul-name", "x");
	/* "size" overrides the header, for files and for symlinks. */
	raw_pax(&sb, 'x', "size", "700");
	raw_header(&sb, &(struct rawh){ .name = "sized", .type = '0',
					.size = 3 });
	{
		char big[700];

		memset(big, 'q', sizeof(big));
		lwt_raw_data(&sb, big, sizeof(big));
		raw_pax(&sb, 'x', "size", "600");
		raw_header(&sb, &(struct rawh){ .name = "sized-link",
						.type = '2', .link = "t" });
		lwt_raw_data(&sb, big, 600);
		raw_pax(&sb, 'x', "size", "513");
		raw_header(&sb, &(struct rawh){ .name = "sized-dir",
						.type = '5' });
		lwt_raw_data(&sb, big, 513);
	}
	/* linkpath: a symlink's and a hard link's target; ignored on a
	 * regular file. */
	raw_pax(&sb, 'x', "linkpath", "pax/long/target");
	raw_header(&sb, &(struct rawh){ .name = "plink", .type = '2',
					.link = "short" });
	raw_pax(&sb, 'x', "linkpath", "ustar-name");
	raw_header(&sb, &(struct rawh){ .name = "phard", .type = '1',
					.link = "short" });
	raw_pax(&sb, 'x', "linkpath", "ignored");
	raw_file(&sb, "plain-with-linkpath", "x");
	lw_strbuf_release(&rec);
	check_raw(&sb, FAST, "pax keys");
}
END_TEST

START_TEST(raw_pax_xattrs)
{
	struct lw_strbuf sb = LW_STRBUF_INIT, rec = LW_STRBUF_INIT;
	static const char *const b64[] = {
		"aGVsbG8=", "aGVsbG8", "aGVsbA", "aGVsb", "aGV", "a", "",
		"aG Vs\tbG8=", "aGVs_bG8", "aGVs=bG8", "\x80\xffQUJD", "////",
		"YWJj\nZGVm",
	};
	size_t i;

	pax_rec(&rec, "SCHILY.xattr.user.a", "1", -1);
	pax_rec(&rec, "SCHILY.xattr.user.bin", "a\0b\nc", 5);
	pax_rec(&rec, "SCHILY.xattr.", "too short", -1);
	pax_rec(&rec, "SCHILY.xattr.security.capability", "\x01\x02", 2);
	pax_rec(&rec, "SCHILY.xattr.user.a", "dup", -1);
	raw_ext(&sb, 'x', rec.buf, rec.len);
	rec.len = 0;
	raw_file(&sb, "schily", "x");
	for (i = 0; i < sizeof(b64) / sizeof(b64[0]); i++) {
		char name[32];

		pax_rec(&rec, "LIBARCHIVE.xattr.user.%41%2x%%%3D%00cut", b64[i],
			-1);
		pax_rec(&rec, "LIBARCHIVE.xattr.", b64[i], -1);
		pax_rec(&rec, "LIBARCHIVE.xattr.security.capability", b64[i],
			-1);
		pax_rec(&rec, "LIBARCHIVE.xattr.%", b64[i], -1);
		pax_rec(&rec, "LIBARCHIVE.xattr.a%4", b64[i], -1);
		raw_ext(&sb, 'x', rec.buf, rec.len);
		rec.len = 0;
		snprintf(name, sizeof(name), "libarchive/%zu", i);
		raw_file(&sb, name, "x");
	}
	pax_rec(&rec, "RHT.security.selinux", "system_u:object_r:bin_t:s0", -1);
	raw_ext(&sb, 'x', rec.buf, rec.len);
	rec.len = 0;
	raw_header(&sb, &(struct rawh){ .name = "selinux-dir", .type = '5' });
	lw_strbuf_release(&rec);
	check_raw(&sb, FAST, "pax xattrs");
}
END_TEST

/* Non-ASCII pax text is converted by libarchive (and so by the walker
 * through libarchive); hdrcharset=BINARY keeps the bytes. */
static void raw_pax_text(const char *locale)
{
	struct lw_strbuf sb = LW_STRBUF_INIT, rec = LW_STRBUF_INIT;

	ck_assert_ptr_nonnull(setlocale(LC_ALL, locale));
	raw_pax(&sb, 'x', "path", "utf8/caf\xc3\xa9");
	raw_file(&sb, "u1", "x");
	raw_pax(&sb, 'x', "path", "nfd/e\xcc\x81");
	raw_file(&sb, "u2", "x");
	raw_pax(&sb, 'x', "path", "latin1/\xe9t\xe9");
	raw_file(&sb, "u3", "x");
	raw_pax(&sb, 'x', "path", "trailing/\xc3\xa9/");
	raw_header(&sb, &(struct rawh){ .name = "u4", .type = '0' });
	raw_pax(&sb, 'x', "uname", "\xe9");
	raw_file(&sb, "u5", "x");
	raw_pax(&sb, 'x', "linkpath", "\xe9t\xe9");
	raw_header(&sb, &(struct rawh){ .name = "u6", .type = '2',
					.link = "x" });
	raw_pax(&sb, 'x', "linkpath", "caf\xc3\xa9");
	raw_header(&sb, &(struct rawh){ .name = "u7", .type = '1',
					.link = "u1" });
	raw_pax(&sb, 'x', "linkpath", "\xe9");
	raw_file(&sb, "u8-ignored-link", "x");
	pax_rec(&rec, "hdrcharset", "BINARY", -1);
	pax_rec(&rec, "path", "binary/\xe9t\xe9", -1);
	raw_ext(&sb, 'x', rec.buf, rec.len);
	rec.len = 0;
	raw_file(&sb, "u9", "x");
	pax_rec(&rec, "hdrcharset", "BINARY", -1);
	pax_rec(&rec, "path", "back/\xe9t\xe9", -1);
	pax_rec(&rec, "hdrcharset", "ISO-IR 10646 2000 UTF-8", -1);
	raw_ext(&sb, 'x', rec.buf, rec.len);
	rec.len = 0;
	raw_file(&sb, "u10", "x");
	raw_header(&sb, &(struct rawh){ .name = "ustar/\xe9\xff",
					.type = '0' });
	lw_strbuf_release(&rec);
	check_raw(&sb, FAST, locale);
	setlocale(LC_ALL, "C");
}

START_TEST(raw_pax_text_c)
{
	raw_pax_text("C");
}
END_TEST

START_TEST(raw_pax_text_utf8)
{
	raw_pax_text("C.UTF-8");
}
END_TEST

START_TEST(raw_gnu_long_names_and_links)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	char name[1200];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	raw_ext(&sb, 'L', name, 300);
	raw_header(&sb, &(struct rawh){ .name = "short", .type = '0',
					.magic = "ustar  \0" });
	raw_ext(&sb, 'K', name, 1100);
	raw_header(&sb, &(struct rawh){ .name = "sym", .type = '2',
					.link = "x", .magic = "ustar  \0" });
	raw_ext(&sb, 'K', "target/of/hard", 15); /* with its NUL */
	raw_ext(&sb, 'L', "long/hard/link", 14);
	raw_header(&sb, &(struct rawh){ .name = "h", .type = '1',
					.link = "x", .magic = "ustar  \0" });
	/* K on a regular file: kept as a hard-link text nobody reads. */
	raw_ext(&sb, 'K', "ignored", 7);
	raw_header(&sb, &(struct rawh){ .name = "reg", .type = '0',
					.magic = "ustar  \0" });
	/* L with a NUL inside, and an empty L (the root). */
	raw_ext(&sb, 'L', "cut\0here", 8);
	raw_header(&sb, &(struct rawh){ .name = "y", .type = '0' });
	raw_ext(&sb, 'L', "", 0);
	raw_header(&sb, &(struct rawh){ .name = "z", .type = '5' });
	/* L and pax path together: the first in the archive wins. */
	raw_ext(&sb, 'L', "from/L/first", 12);
	raw_pax(&sb, 'x', "path", "from/x/second");
	raw_file(&sb, "hdr1", "x");
	raw_pax(&sb, 'x', "path", "from/x/first");
	raw_ext(&sb, 'L', "from/L/second", 13);
	raw_file(&sb, "hdr2", "x");
	raw_pax(&sb, 'x', "linkpath", "from/x");
	raw_ext(&sb, 'K', "from/K", 6);
	raw_header(&sb, &(struct rawh){ .name = "s2", .type = '2',
					.link = "x" });
	raw_ext(&sb, 'K', "", 0);
	raw_header(&sb, &(struct rawh){ .name = "s3", .type = '2',
					.link = "x" });
	check_raw(&sb, FAST, "gnu long names");
}
END_TEST

START_TEST(raw_hard_link_sizes)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	char body[1024];

	memset(body, 'h', sizeof(body));
	/* Whether a hard link's size is obeyed hangs on the headers read
	 * before it: ustar (by libarchive's bid on the header), GNU, v7,
	 * then pax (which obeys). The bodies here are skipped or read as
	 * headers accordingly, so each case is a different index. */
	raw_file(&sb, "target", "t");
	raw_header(&sb, &(struct rawh){ .name = "h-ustar", .type = '1',
					.link = "target", .size = 5 });
	raw_header(&sb, &(struct rawh){ .name = "h-ustar-oddver", .type = '1',
					.link = "target", .size = 5,
					.magic = "ustar\0" "  " });
	lwt_raw_data(&sb, body, 5);
	raw_header(&sb, &(struct rawh){ .name = "h-ustar-badmode", .type = '1',
					.link = "target", .size = 5,
					.mode = "06x4\0\0\0" });
	lwt_raw_data(&sb, body, 5);
	raw_header(&sb, &(struct rawh){ .name = "h-gnu", .type = '1',
					.link = "target", .size = 700,
					.magic = "ustar  \0" });
	raw_header(&sb, &(struct rawh){ .name = "h-v7", .type = '1',
					.link = "target", .size = 3,
					.magic = "\0\0\0\0\0\0\0\0" });
	raw_header(&sb, &(struct rawh){ .name = "u-after-v7", .type = '1',
					.link = "target", .size = 3 });
	raw_pax(&sb, 'g', "comment", "global");
	raw_header(&sb, &(struct rawh){ .name = "h-after-g", .type = '1',
					.link = "target", .size = 600 });
	lwt_raw_data(&sb, body, 600);
	raw_header(&sb, &(struct rawh){ .name = "h-still-pax", .type = '1',
					.link = "target/", .size = 10 });
	lwt_raw_data(&sb, body, 10);
	raw_header(&sb, &(struct rawh){ .name = "gnu-resets", .type = '0',
					.magic = "ustar  \0" });
	raw_header(&sb, &(struct rawh){ .name = "h-after-gnu", .type = '1',
					.link = "target", .size = 10 });
	check_raw(&sb, FAST, "hard link sizes");
}
END_TEST

START_TEST(raw_header_variants)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	static const char b256_size[12] = { (char)0x80, 0, 0, 0, 0, 0, 0, 0,
					    0, 0, 0, 5 };
	static const char b256_uid[8] = { (char)0x80, 0, 0, 1, 0, 0, 0, 7 };
	static const char b256_neg[12] = { (char)0xff, (char)0xff, (char)0xff,
					   (char)0xff, (char)0xff, (char)0xff,
					   (char)0xff, (char)0xff, (char)0xff,
					   (char)0xff, (char)0xff, (char)0xf0 };
	static const char b256_over[12] = { (char)0x80, 1, 0, 0, 0, 0, 0, 0,
					    0, 0, 0, 0 };
	char page[512];

	raw_header(&sb, &(struct rawh){ .name = "b256", .type = '0', .patch = {
		{ .off = 124, .bytes = b256_size, .n = 12 },
		{ .off = 108, .bytes = b256_uid, .n = 8 },
		{ .off = 136, .bytes = b256_neg, .n = 12 } } });
	lwt_raw_data(&sb, "12345", 5);
	raw_header(&sb, &(struct rawh){ .name = "b256-mtime-over", .type = '5',
		.patch = { { .off = 136, .bytes = b256_over, .n = 12 } } });
	raw_header(&sb, &(struct rawh){ .name = "sum-signed-\xe9\xe9",
					.type = '0', .sum = 1 });
	raw_header(&sb, &(struct rawh){ .name = "contig", .type = '7',
					.size = 4 });
	lwt_raw_data(&sb, "abcd", 4);
	raw_header(&sb, &(struct rawh){ .name = "v7-nul-type", .type = '\0',
					.size = 2,
					.magic = "\0\0\0\0\0\0\0\0" });
	lwt_raw_data(&sb, "ab", 2);
	raw_header(&sb, &(struct rawh){ .name = "name", .prefix = "pre/fix",
					.type = '0' });
	raw_header(&sb, &(struct rawh){ .name = "name", .prefix = "slash/",
					.type = '0' });
	raw_header(&sb, &(struct rawh){ .name = "n100-xxxxxxxxxxxxxxxxxxxxxxx"
					"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
					"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
					.type = '0', .link =
					"l100-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
					"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
					"xxxxxxxxxxxxxxxxxxxxxxxxxx" });
	raw_header(&sb, &(struct rawh){ .name = "gnu-prefix-ignored",
					.type = '0', .magic = "ustar  \0",
					.prefix = "\0" });
	raw_header(&sb, &(struct rawh){ .name = "odd-numbers", .type = '0',
					.mode = " 644  \0", .uid = "  12 \0\0",
					.gid = "7\0\0\0\0\0\0",
					.mtime = "  17777777777" });
	raw_header(&sb, &(struct rawh){ .name = "typebits", .type = '0',
					.mode = "0120755" });
	raw_header(&sb, &(struct rawh){ .name = "owned", .type = '0',
					.uname = "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu",
					.gname = "g" });
	raw_header(&sb, &(struct rawh){ .name = "dev", .type = '3' });
	raw_header(&sb, &(struct rawh){ .name = "blk", .type = '4' });
	raw_header(&sb, &(struct rawh){ .name = "fifo", .type = '6' });
	raw_header(&sb, &(struct rawh){ .name = "sym-empty", .type = '2' });
	raw_header(&sb, &(struct rawh){ .name = "dir-with-size", .type = '5',
					.size = 10 });
	/* A "regular" file named with a trailing '/': a directory whose
	 * body libarchive reads as the next header. */
	raw_header(&sb, &(struct rawh){ .name = "slashdir/", .type = '0',
					.size = 512 });
	raw_header(&sb, &(struct rawh){ .name = "inside-body", .type = '0' });
	raw_pax(&sb, 'x', "path", "paxslash/");
	raw_header(&sb, &(struct rawh){ .name = "p", .type = '0', .size = 3 });
	raw_header(&sb, &(struct rawh){ .name = "h-slash/", .type = '1',
					.link = "contig", .size = 3 });
	raw_header(&sb, &(struct rawh){ .name = "dot", .type = '0',
					.size = 0 });
	raw_header(&sb, &(struct rawh){ .name = "./", .type = '5' });
	raw_header(&sb, &(struct rawh){ .name = "", .type = '5' });
	memset(page, 'p', sizeof(page));
	raw_header(&sb, &(struct rawh){ .name = "page", .type = '0',
					.size = 512 });
	lwt_raw_data(&sb, page, 512);
	raw_pax(&sb, 'g', "path", "global/ignored");
	raw_file(&sb, "after-global", "x");
	raw_pax(&sb, 'g', "comment", "at the end");
	raw_pax(&sb, 'g', "comment", "and again");
	check_raw(&sb, FAST, "header variants");
}
END_TEST

/* How an archive may end: two zero blocks, one, none; garbage after. */
START_TEST(raw_archive_ends)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	static const char zero[512];

	raw_file(&sb, "a", "x");
	compare(sb.buf, sb.len, FAST, "no end marker");
	lw_strbuf_add(&sb, zero, 512);
	compare(sb.buf, sb.len, FAST, "one zero block");
	lw_strbuf_add(&sb, "garbage", 7);
	compare(sb.buf, sb.len, FAST, "zero block, garbage");
	lw_strbuf_release(&sb);
	lw_strbuf_add(&sb, zero, 512);
	compare(sb.buf, sb.len, FAST, "one zero block only");
	lw_strbuf_add(&sb, zero, 512);
	compare(sb.buf, sb.len, FAST, "two zero blocks only");
	lw_strbuf_release(&sb);
	raw_pax(&sb, 'g', "comment", "only a global header");
	compare(sb.buf, sb.len, FAST, "a global header, no end");
	check_raw(&sb, FAST, "a global header");
}
END_TEST

START_TEST(raw_errors)
{
	struct lw_strbuf sb = LW_STRBUF_INIT, good = LW_STRBUF_INIT;
	size_t cut;

	raw_file(&good, "a", "aaaa");
	raw_file(&good, "b", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
		 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	raw_pax(&good, 'x', "path", "c/pax");
	raw_file(&good, "c", "c");
	lwt_raw_end(&good);
	/* A header cut short; content cut short or missing. */
	same_error(good.buf, 1024 + 100, MAX_ENTRIES,
		   "corrupt or truncated tar after 1 entries: Truncated tar "
		   "archive", "cut header");
	same_error(good.buf, 1024 + 512 + 20, MAX_ENTRIES,
		   "cannot read 'b': Truncated tar archive", "cut content");
	same_error(good.buf, 1024 + 512, MAX_ENTRIES,
		   "cannot read 'b': Truncated tar archive", "no content");
	/* Every cut agrees, or falls back. */
	for (cut = 0; cut <= good.len; cut++)
		compare(good.buf, cut, ANY, "cut");
	/* A '..' name, and a hard link to one. */
	raw_file(&sb, "ok", "x");
	raw_file(&sb, "a/../../etc/passwd", "x");
	lwt_raw_end(&sb);
	same_error(sb.buf, sb.len, MAX_ENTRIES, "unsafe entry name "
		   "'a/../../etc/passwd'", "dotdot");
	lw_strbuf_release(&sb);
	raw_header(&sb, &(struct rawh){ .name = "h", .type = '1',
					.link = "../x" });
	lwt_raw_end(&sb);
	same_error(sb.buf, sb.len, MAX_ENTRIES, "unsafe target", "dotdot link");
	lw_strbuf_release(&sb);
	/* A bad checksum after the first entry. */
	raw_file(&sb, "ok", "x");
	raw_file(&sb, "ok2", "x");
	raw_header(&sb, &(struct rawh){ .name = "bad", .type = '0', .sum = 2 });
	lwt_raw_end(&sb);
	same_error(sb.buf, sb.len, MAX_ENTRIES, "corrupt or truncated tar "
		   "after 2 entries: Damaged tar archive", "bad checksum");
	lw_strbuf_release(&sb);
	/* Sizes far past the end, in base-256 and in pax. */
	{
		static const char big[12] = { (char)0x80, 0, 0, 0, 0, 0, 0,
					      0x10, 0, 0, 0, 0 };

		raw_file(&sb, "ok3", "x");
		raw_header(&sb, &(struct rawh){ .name = "huge", .type = '0',
						.patch = { { .off = 124,
							     .bytes = big,
							     .n = 12 } } });
		lwt_raw_data(&sb, "abc", 3);
		lwt_raw_end(&sb);
		same_error(sb.buf, sb.len, MAX_ENTRIES, "cannot read 'huge': "
			   "Truncated tar archive", "base-256 size");
		lw_strbuf_release(&sb);
		raw_pax(&sb, 'x', "size", "68719476736");
		raw_file(&sb, "pax-huge", "abc");
		lwt_raw_end(&sb);
		same_error(sb.buf, sb.len, MAX_ENTRIES, "cannot read "
			   "'pax-huge': Truncated tar archive", "pax size");
		lw_strbuf_release(&sb);
	}
	/* Too many entries. */
	same_error(good.buf, good.len, 2, "more than 2 entries", "max");
	lw_strbuf_release(&sb);
	lw_strbuf_release(&good);
}
END_TEST

/* --max-bytes: both walkers stop at the same header or file data, with
 * the same message, wherever the cap falls. */
START_TEST(raw_max_bytes)
{
	struct lw_strbuf good = LW_STRBUF_INIT;
	struct lw_layer_index a;
	struct lw_error ea;
	size_t cap;

	raw_file(&good, "a", "aaaa");
	raw_pax(&good, 'x', "path", "b/pax");
	raw_file(&good, "b", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	raw_file(&good, "c", "c");
	lwt_raw_end(&good);
	for (cap = 1; cap <= good.len + 1; cap++) {
		max_bytes = cap;
		compare(good.buf, good.len, FAST, "cap");
	}
	max_bytes = 2048;
	ck_assert_int_eq(scan_libarchive((const unsigned char *)good.buf,
					 good.len, MAX_ENTRIES, &a, &ea),
			 LW_ERR_INPUT);
	ck_assert_str_eq(ea.msg, "runs past --max-bytes (2 KiB); raise it "
			 "with --max-bytes");
	lw_layer_index_release(&a);
	max_bytes = 2047;
	ck_assert_int_eq(scan_libarchive((const unsigned char *)good.buf,
					 good.len, MAX_ENTRIES, &a, &ea),
			 LW_ERR_INPUT);
	ck_assert_str_eq(ea.msg, "runs past --max-bytes (2047 bytes); "
			 "raise it with --max-bytes");
	lw_layer_index_release(&a);
	/* The cap at the last file's data end (3584 + 1) is not passed. */
	max_bytes = 3585;
	ck_assert_int_eq(scan_libarchive((const unsigned char *)good.buf,
					 good.len, MAX_ENTRIES, &a, &ea), LW_OK);
	ck_assert_uint_eq(a.count, 3);
	lw_layer_index_release(&a);
	max_bytes = 0;
	lw_strbuf_release(&good);
}
END_TEST

/* What the walker leaves to libarchive: each must come back untouched. */
START_TEST(raw_fallbacks)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	static const char *const types = "SVMADNXZ";
	size_t i;

	for (i = 0; types[i]; i++) {
		char what[32];

		raw_file(&sb, "first", "x");
		raw_header(&sb, &(struct rawh){ .name = "odd", .type = types[i],
						.magic = "ustar  \0" });
		snprintf(what, sizeof(what), "type %c", types[i]);
		check_raw(&sb, FALLS_BACK, what);
	}
	raw_file(&sb, "first", "x");
	raw_pax(&sb, 'x', "GNU.sparse.size", "100");
	raw_file(&sb, "sparse", "x");
	check_raw(&sb, FALLS_BACK, "GNU.sparse");
	raw_pax(&sb, 'x', "SCHILY.acl.access", "user::rw-");
	raw_file(&sb, "acl", "x");
	check_raw(&sb, FALLS_BACK, "acl");
	raw_pax(&sb, 'x', "path", "one");
	raw_pax(&sb, 'x', "path", "two");
	raw_file(&sb, "nested", "x");
	check_raw(&sb, FALLS_BACK, "nested x");
	raw_ext(&sb, 'L', "one", 3);
	raw_ext(&sb, 'L', "two", 3);
	raw_file(&sb, "nested", "x");
	check_raw(&sb, FALLS_BACK, "nested L");
	raw_header(&sb, &(struct rawh){ .name = "l", .type = '2', .link = "t" });
	raw_pax(&sb, 'x', "linkpath", "caf\xc3\xa9");
	raw_header(&sb, &(struct rawh){ .name = "s", .type = '2' });
	check_raw(&sb, FALLS_BACK, "empty link field, pax text to convert");
	raw_file(&sb, "first", "x");
	raw_pax(&sb, 'x', "path", "dangling");
	check_raw(&sb, FALLS_BACK, "x at the end");
	lw_strbuf_add(&sb, "not a tar archive at all", 24);
	compare(sb.buf, sb.len, FALLS_BACK, "short garbage");
	lw_strbuf_release(&sb);
	raw_header(&sb, &(struct rawh){ .name = "bad-first", .type = '0',
					.sum = 2 });
	check_raw(&sb, FALLS_BACK, "bad first checksum");
	raw_header(&sb, &(struct rawh){ .name = "badfield", .type = '0',
					.uid = "12x\0\0\0\0" });
	check_raw(&sb, FALLS_BACK, "first header no bid");
	raw_file(&sb, "first", "x");
	lw_strbuf_add(&sb, "x", 1);
	compare(sb.buf, sb.len, ANY, "padding cut");
	lw_strbuf_release(&sb);
}
END_TEST

/* An empty link field sets a link ("") only once libarchive's link-name
 * buffer exists, after a link name or a pax "linkpath" record; a 'K' or
 * "linkpath" then replaces it, or goes nowhere. */
START_TEST(raw_empty_link_fields)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	char body[600];
	int later;

	memset(body, 'b', sizeof(body));
	for (later = 0; later < 2; later++) {
		const char *what = later ? "after a link name" : "first";

		if (later)
			raw_header(&sb, &(struct rawh){ .name = "l", .type = '2',
							.link = "t" });
		raw_header(&sb, &(struct rawh){ .name = "h-other", .type = '1',
						.mode = "0000644" });
		compare(sb.buf, sb.len, FAST, what);
		sb.len = later ? 512 : 0;
		raw_header(&sb, &(struct rawh){ .name = "h-reg", .type = '1',
						.mode = "0100644" });
		compare(sb.buf, sb.len, FAST, what);
		sb.len = later ? 512 : 0;
		raw_ext(&sb, 'K', "k-target", 8);
		raw_header(&sb, &(struct rawh){ .name = "s", .type = '2' });
		raw_ext(&sb, 'K', "k-hard", 6);
		raw_header(&sb, &(struct rawh){ .name = "h", .type = '1' });
		compare(sb.buf, sb.len, FAST, what);
		sb.len = later ? 512 : 0;
		raw_pax(&sb, 'x', "linkpath", "pax-target");
		raw_header(&sb, &(struct rawh){ .name = "s", .type = '2' });
		raw_pax(&sb, 'x', "linkpath", "pax-hard");
		raw_header(&sb, &(struct rawh){ .name = "h", .type = '1' });
		compare(sb.buf, sb.len, FAST, what);
		sb.len = later ? 512 : 0;
		/* pax: a hard link without a link is a file with content */
		raw_pax(&sb, 'g', "comment", "pax");
		raw_header(&sb, &(struct rawh){ .name = "h-data", .type = '1',
						.size = 600 });
		lwt_raw_data(&sb, body, 600);
		raw_pax(&sb, 'x', "linkpath", "caf\xc3\xa9");
		raw_header(&sb, &(struct rawh){ .name = "s-text", .type = '2' });
		check_raw(&sb, FAST, what);
	}
	/* An empty "linkpath" record makes the buffer too. */
	raw_pax(&sb, 'x', "linkpath", "");
	raw_file(&sb, "f", "x");
	raw_header(&sb, &(struct rawh){ .name = "s", .type = '2' });
	raw_header(&sb, &(struct rawh){ .name = "h", .type = '1' });
	check_raw(&sb, FAST, "empty linkpath record");
}
END_TEST

START_TEST(raw_malformed_pax)
{
	static const char *const bodies[] = {
		"abc", "5 a=b\n", "6 a=b\n\n", "0 a=b\n", "7 =b\n12", "6 ab\n",
		"9 a\0b=c\n", "1000000 a=b\n", "6 a=b", "x6 a=b\n", "6  a=b\n",
		"4 a=\n", "7 a=bc\n6 c=d\n", "", "6 a=b\n\0\0\0",
	};
	size_t i;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		struct lw_strbuf sb = LW_STRBUF_INIT;
		size_t n = i == 6 ? 8 : i == 14 ? 9 : strlen(bodies[i]);

		raw_file(&sb, "first", "x");
		raw_ext(&sb, 'x', bodies[i], n);
		raw_file(&sb, "after", "x");
		check_raw(&sb, ANY, bodies[i]);
	}
}
END_TEST

/* The stream walker on a small archive of every kind of header (pax
 * records, GNU long names and links, xattrs, hard links, a kept file)
 * cut in two at every offset, and in three around every block boundary. */
START_TEST(stream_cut_everywhere)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	struct lw_strbuf rec = LW_STRBUF_INIT;
	size_t k;

	pax_rec(&rec, "path", "app/long/pax-name-that-is-long.txt", -1);
	pax_rec(&rec, "SCHILY.xattr.user.k", "v", -1);
	raw_ext(&sb, 'x', rec.buf, rec.len);
	raw_file(&sb, "short", "pax content");
	raw_ext(&sb, 'L', "gnu/long/name/of/a/file.txt", 28);
	raw_file(&sb, "x", "gnu long name content, a bit longer than that");
	raw_file(&sb, "etc/passwd", "root:x:0:0::/root:/bin/sh\n");
	raw_file(&sb, "empty", "");
	lwt_raw_end(&sb);
	compare(sb.buf, sb.len, FAST, "cut base");
	for (k = 1; k < sb.len; k++)
		compare_stream_cut((const unsigned char *)sb.buf, sb.len,
				   sb.len, k, MAX_ENTRIES, 1, "cut in two");
	for (k = 512; k < sb.len; k += 512) {
		compare_stream_cut((const unsigned char *)sb.buf, sb.len, 1,
				   k - 1, MAX_ENTRIES, 1, "cut before");
		compare_stream_cut((const unsigned char *)sb.buf, sb.len, 513,
				   k + 1, MAX_ENTRIES, 1, "cut after");
	}
	lw_strbuf_release(&sb);
	lw_strbuf_release(&rec);
}
END_TEST

/* ---- real layers: every uncompressed layer of the fixture images ---- */

static size_t layers_seen, layers_fast;

static void check_member(const unsigned char *p, size_t n, const char *what)
{
	static const unsigned char gz[] = { 0x1f, 0x8b },
				   zs[] = { 0x28, 0xb5, 0x2f, 0xfd };
	int r;

	unsigned sum = 0;
	size_t i;

	if (n < 512 || memcmp(p, gz, 2) == 0 || memcmp(p, zs, 4) == 0)
		return;
	/* A tar: its first header's checksum holds. */
	for (i = 0; i < 512; i++)
		sum += i >= 148 && i < 156 ? ' ' : p[i];
	if (strtoul((const char *)p + 148, NULL, 8) != sum)
		return;
	r = compare(p, n, ANY, what);
	layers_seen++;
	layers_fast += r != LW_TAR_FALLBACK;
}

static void check_image_file(const char *path)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;

	archive_read_support_format_tar(a);
	archive_read_support_filter_all(a);
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
		archive_read_free(a);
		return;
	}
	while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
		la_int64_t size = archive_entry_size(ae);
		unsigned char *buf;
		char what[600];

		if (archive_entry_filetype(ae) != AE_IFREG || size <= 0 ||
		    size > (64 << 20))
			continue;
		buf = lw_xmalloc((size_t)size);
		if (archive_read_data(a, buf, (size_t)size) == size) {
			snprintf(what, sizeof(what), "%.400s: %.150s", path,
				 archive_entry_pathname(ae));
			check_member(buf, (size_t)size, what);
		}
		free(buf);
	}
	archive_read_free(a);
}

static void check_dir(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[1024];
		size_t n = strlen(de->d_name);

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (depth > 0 && de->d_type == DT_DIR) {
			check_dir(path, depth - 1);
		} else if (n > 4 && strcmp(de->d_name + n - 4, ".tar") == 0) {
			check_image_file(path);
		} else if (strstr(dir, "blobs/sha256")) {
			FILE *f = fopen(path, "rb");
			struct lw_strbuf b = LW_STRBUF_INIT;
			char chunk[65536];
			size_t k;

			if (!f)
				continue;
			while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
				lw_strbuf_add(&b, chunk, k);
			fclose(f);
			check_member((const unsigned char *)b.buf, b.len, path);
			lw_strbuf_release(&b);
		}
	}
	closedir(d);
}

START_TEST(fixture_layers)
{
	const char *fix = getenv("LW_FIXTURES");
	char path[1200], here[900];

	if (!fix || !*fix) {
		/* <repo>/tests/unit/test_tarfast.c -> <repo>/fixtures */
		const char *slash = strrchr(__FILE__, '/');

		snprintf(here, sizeof(here), "%.*s/../../fixtures",
			 slash ? (int)(slash - __FILE__) : 1,
			 slash ? __FILE__ : ".");
		fix = here;
	}
	layers_seen = layers_fast = 0;
	snprintf(path, sizeof(path), "%.900s/images", fix);
	check_dir(path, 4);
	ck_assert_msg(layers_seen >= 20, "only %zu layers found under %s",
		      layers_seen, fix);
	if (getenv("TF_DEBUG"))
		fprintf(stderr, "%zu layers\n", layers_seen);
	/* Real layers must take the fast path, not merely agree. */
	ck_assert_uint_eq(layers_fast, layers_seen);
}
END_TEST

/* The uncompressed layers of the peer images (support/peer.h): Docker's
 * 14 and BuildKit's one. */
START_TEST(peer_layers)
{
	layers_seen = layers_fast = 0;
	check_dir(lwt_peer_dir(), 0);
	ck_assert_msg(layers_seen >= 15, "only %zu layers found under %s",
		      layers_seen, lwt_peer_dir());
	ck_assert_uint_eq(layers_fast, layers_seen);
}
END_TEST

/* ---- random mutations of a valid archive ---- */

static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static void fix_checksum(unsigned char *h)
{
	unsigned sum = 0;
	size_t i;

	memset(h + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum & 0777777);
	h[155] = ' ';
}

static void mutation_base(struct lw_strbuf *sb)
{
	struct tw w;
	struct lw_strbuf rec = LW_STRBUF_INIT;
	char name[400];

	tw_open(&w, archive_write_set_format_pax);
	tw_add(&w, &(struct spec){ .path = "d", .type = AE_IFDIR });
	tw_add(&w, &(struct spec){ .path = "d/f", .size = 700,
				  .uname = "u", .gname = "g" });
	tw_add(&w, &(struct spec){ .path = "d/h", .hard = 1, .link = "d/f" });
	tw_add(&w, &(struct spec){ .path = "d/s", .type = AE_IFLNK,
				  .link = "f" });
	tw_add(&w, &(struct spec){ .path = repeat_path(name, 180, "q"),
				  .size = 3 });
	tw_add(&w, &(struct spec){ .path = "x", .size = 2,
				  .xname = { "user.k" }, .xval = { "v" } });
	tw_add(&w, &(struct spec){ .path = "caf\xc3\xa9", .size = 1 });
	tw_add(&w, &(struct spec){ .path = ".wh.w" });
	tw_add(&w, &(struct spec){ .path = "e" });
	tw_close(&w);
	*sb = w.buf;
	/* Drop the end marker, add hand-made extensions, end again. */
	sb->len -= 1024;
	raw_ext(sb, 'L', "gnu/long/name", 13);
	raw_header(sb, &(struct rawh){ .name = "l", .type = '0', .size = 1,
				       .magic = "ustar  \0" });
	lwt_raw_data(sb, "l", 1);
	raw_ext(sb, 'K', "d/f", 3);
	raw_header(sb, &(struct rawh){ .name = "k", .type = '1', .link = "x",
				       .magic = "ustar  \0" });
	pax_rec(&rec, "path", "pax/p", -1);
	pax_rec(&rec, "mtime", "77.5", -1);
	pax_rec(&rec, "LIBARCHIVE.xattr.user.b", "YWJj", -1);
	raw_ext(sb, 'x', rec.buf, rec.len);
	raw_file(sb, "p", "ppp");
	raw_pax(sb, 'g', "comment", "g");
	raw_header(sb, &(struct rawh){ .name = "v7", .type = '0', .size = 2,
				       .magic = "\0\0\0\0\0\0\0\0" });
	lwt_raw_data(sb, "vv", 2);
	raw_header(sb, &(struct rawh){ .name = "uh", .type = '1', .size = 2,
				       .link = "v7" });
	raw_header(sb, &(struct rawh){ .name = "slash/", .type = '0' });
	raw_header(sb, &(struct rawh){ .name = "n", .prefix = "pre",
				       .type = '0', .size = 1 });
	lwt_raw_data(sb, "n", 1);
	lwt_raw_end(sb);
	lw_strbuf_release(&rec);
}

static void mutate(unsigned char *p, size_t *len, size_t cap)
{
	static const char typeflags[] = "0123456789xgLKSVMADNX\0 7Z";
	static const unsigned short fields[] = { 0, 100, 108, 116, 124, 136,
						 156, 157, 257, 265, 345 };
	size_t nblocks = *len / 512, k, nmut = 1 + rng() % 4;

	for (k = 0; k < nmut; k++) {
		size_t blk = rng() % nblocks, off;
		unsigned char *h = p + blk * 512;

		switch (rng() % 8) {
		case 0: /* any byte anywhere */
			p[rng() % *len] = (unsigned char)rng();
			break;
		case 1: /* a bit of a header field */
			off = fields[rng() % (sizeof(fields) /
					      sizeof(fields[0]))] + rng() % 12;
			h[off % 512] ^= (unsigned char)(1u << (rng() % 8));
			break;
		case 2: /* a digit of a numeric field */
			off = 100 + rng() % 56;
			h[off] = (unsigned char)("01234567 \0x\x80\xff"
						 [rng() % 14]);
			break;
		case 3: /* the typeflag */
			h[156] = (unsigned char)typeflags[rng() %
							   (sizeof(typeflags) -
							    1)];
			break;
		case 4: /* a byte of a pax record */
			off = rng() % 40;
			h[off] = (unsigned char)(" =\n0123456789a\0"[rng() % 15]);
			break;
		case 5: /* cut the archive, or drop or repeat a block */
			if (rng() % 2) {
				*len = rng() % (*len + 1);
				if (*len < 512)
					*len = 512 + rng() % 512;
			} else if (rng() % 2 && nblocks > 1) {
				memmove(h, h + 512, *len - blk * 512 - 512);
				*len -= 512;
			} else if (*len + 512 <= cap) {
				memmove(h + 512, h, *len - blk * 512);
				*len += 512;
			}
			nblocks = *len / 512 ? *len / 512 : 1;
			continue;
		case 6: /* a name byte: '/', '.', NUL */
			off = rng() % 100;
			h[off] = (unsigned char)("/.\0a\xe9"[rng() % 5]);
			break;
		default: /* the magic */
			memcpy(h + 257, rng() % 2 ? "ustar  \0" :
			       "ustar\0" "00", 8);
			break;
		}
		/* Mostly keep the checksum right, to reach past it. */
		if (rng() % 8 && blk * 512 + 512 <= *len)
			fix_checksum(h);
	}
}

static void mutation_loop(const char *locale, unsigned iterations,
			  uint64_t seed)
{
	struct lw_strbuf base;
	unsigned char *copy;
	unsigned i, fast = 0;

	ck_assert_ptr_nonnull(setlocale(LC_ALL, locale));
	/* TF_BASE=N mutates writer N's archive of every kind of entry. */
	if (getenv("TF_BASE"))
		writer_archive(atoi(getenv("TF_BASE")) % 5, &base);
	else
		mutation_base(&base);
	compare(base.buf, base.len, FAST, "mutation base");
	copy = lw_xmalloc(base.len + 8 * 512);
	/* TF_MUTATIONS and TF_SEED run longer or other loops by hand. */
	if (getenv("TF_MUTATIONS"))
		iterations = (unsigned)strtoul(getenv("TF_MUTATIONS"), NULL, 0);
	if (getenv("TF_SEED"))
		seed ^= strtoull(getenv("TF_SEED"), NULL, 0);
	rng_state = seed;
	for (i = 0; i < iterations; i++) {
		size_t len = base.len;
		char what[64];

		memcpy(copy, base.buf, base.len);
		mutate(copy, &len, base.len + 8 * 512);
		/* The stream walker on other cuts each time. */
		stream_step = 1 + (size_t)(rng() % 1100);
		snprintf(what, sizeof(what), "mutation %u (%s)", i, locale);
		fast += compare(copy, len, ANY, what) != LW_TAR_FALLBACK;
	}
	stream_step = 0;
	if (getenv("TF_DEBUG"))
		fprintf(stderr, "%s: %u of %u fast\n", locale, fast, iterations);
	/* Most mutants must go the fast way, or the loop tests little. */
	ck_assert_msg(fast > iterations / 3, "only %u of %u mutants were "
		      "indexed by the walker", fast, iterations);
	free(copy);
	lw_strbuf_release(&base);
	setlocale(LC_ALL, "C");
}

START_TEST(mutations_c)
{
	mutation_loop("C", 4000, 0x9e3779b97f4a7c15ull);
}
END_TEST

START_TEST(mutations_utf8)
{
	mutation_loop("C.UTF-8", 1500, 0x0123456789abcdefull);
}
END_TEST

static Suite *tarfast_suite(void)
{
	Suite *s = suite_create("tarfast");
	TCase *w = tcase_create("writers");
	TCase *r = tcase_create("raw");
	TCase *f = tcase_create("fixtures");
	TCase *m = tcase_create("mutations");
	TCase *p = tcase_create("peer");

	tcase_add_test(w, writers_in_c_locale);
	tcase_add_test(w, writers_in_utf8_locale);
	tcase_add_test(w, writers_across_locales);
	tcase_add_test(w, writers_reject_5000_byte_name);
	tcase_add_test(w, writers_empty_archives);
	suite_add_tcase(s, w);
	tcase_add_test(r, raw_pax_keys);
	tcase_add_test(r, raw_pax_xattrs);
	tcase_add_test(r, raw_pax_text_c);
	tcase_add_test(r, raw_pax_text_utf8);
	tcase_add_test(r, raw_gnu_long_names_and_links);
	tcase_add_test(r, raw_hard_link_sizes);
	tcase_add_test(r, raw_header_variants);
	tcase_add_test(r, raw_archive_ends);
	tcase_add_test(r, raw_errors);
	tcase_add_test(r, raw_max_bytes);
	tcase_add_test(r, raw_fallbacks);
	tcase_add_test(r, raw_empty_link_fields);
	tcase_add_test(r, raw_malformed_pax);
	tcase_add_test(r, stream_cut_everywhere);
	suite_add_tcase(s, r);
	tcase_add_test(f, fixture_layers);
	suite_add_tcase(s, f);
	tcase_set_tags(p, LWT_PEER_TAG);
	tcase_add_test(p, peer_layers);
	suite_add_tcase(s, p);
	tcase_set_timeout(m, 300);
	tcase_add_test(m, mutations_c);
	tcase_add_test(m, mutations_utf8);
	suite_add_tcase(s, m);
	return s;
}

int main(void)
{
	return lwt_run_peer_suite(tarfast_suite());
}
