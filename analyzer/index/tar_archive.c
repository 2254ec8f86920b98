/* Layer scan: one tar stream in, one layer index out. */
#include <archive.h>
#include <archive_entry.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xxhash.h>

#include "tar_priv.h"
#include "layerwaste/util.h"

#define WH_PREFIX ".wh."
#define WH_META ".wh..wh."
#define WH_OPAQUE ".wh..wh..opq"
/* Mapped bytes behind the header cursor are dropped from our resident set
 * at this stride: the page cache keeps them, our RSS does not. */
#define DROP_STRIDE LW_SCAN_DROP_STRIDE
#define TICK_ENTRIES LW_SCAN_TICK_ENTRIES

static const char *intern_name(struct lw_layer_index *ix,
			       struct lw_scan_names *names, const char *name)
{
	size_t i;
	const char *p;

	if (!name || !*name)
		return NULL;
	for (i = 0; i < names->n; i++)
		if (strcmp(names->seen[i], name) == 0)
			return names->seen[i];
	p = lw_arena_strndup(&ix->arena, name, strlen(name));
	if (p && names->n < sizeof(names->seen) / sizeof(names->seen[0]))
		names->seen[names->n++] = p;
	return p;
}

void lw_xattr_fold(uint64_t *sum, const char *name, const void *value,
		   size_t size)
{
	/* Order-independent: sum of per-attribute hashes. */
	*sum += XXH64(name, strlen(name) + 1, XXH64(value, size, 0));
}

uint32_t lw_xattr_digest(uint64_t sum, size_t count)
{
	if (!count)
		return 0;
	return (uint32_t)(sum ^ (sum >> 32)) | 1;
}

static uint32_t xattr_digest(struct archive_entry *ae, int *has_cap)
{
	uint64_t h = 0;
	const char *name;
	const void *value;
	size_t size;
	size_t n = 0;

	*has_cap = 0;
	if (archive_entry_xattr_reset(ae) == 0)
		return 0;
	while (archive_entry_xattr_next(ae, &name, &value, &size) ==
	       ARCHIVE_OK) {
		lw_xattr_fold(&h, name, value, size);
		if (strcmp(name, "security.capability") == 0)
			*has_cap = 1;
		n++;
	}
	return lw_xattr_digest(h, n);
}

/* Sparse files whose logical size is above this have their holes
 * described, not hashed (see struct zhash); at or below it they are
 * hashed as the zeros they read as, like any other file. */
#define SPARSE_PLAIN_MAX (1u << 20)
/* Zero runs this long or longer are recorded by position and length. */
#define ZRUN_MIN 4096u

static const unsigned char zeros[64 << 10];

/* Content identity of a large sparse file, in time proportional to its
 * data, not its holes (docs/definitions.md): the logical bytes split
 * into the maximal runs of at least ZRUN_MIN zero bytes, each recorded
 * as (offset, length), and the literal rest, hashed in order; then both
 * hashes and the size. Holes and stored zeros are alike, so two files
 * with the same logical bytes get the same hash whatever their maps. */
struct zhash {
	XXH3_state_t *lit, *runs;
	uint64_t pos, zstart, zlen;
};

static void z_flush(struct zhash *z)
{
	unsigned char rec[16];
	int i;

	if (z->zlen >= ZRUN_MIN) {
		for (i = 0; i < 8; i++) {
			rec[i] = (unsigned char)(z->zstart >> (8 * i));
			rec[8 + i] = (unsigned char)(z->zlen >> (8 * i));
		}
		lw_hash_update(z->runs, rec, sizeof(rec));
	} else if (z->zlen) {
		lw_hash_update(z->lit, zeros, (size_t)z->zlen);
	}
	z->zlen = 0;
}

static void z_zeros(struct zhash *z, uint64_t n)
{
	if (!z->zlen)
		z->zstart = z->pos;
	z->zlen += n;
	z->pos += n;
}

static void z_data(struct zhash *z, const unsigned char *p, size_t n)
{
	const unsigned char *end = p + n, *q;

	while (p < end) {
		for (q = p; q < end && !*q; q++)
			;
		if (q > p) {
			z_zeros(z, (uint64_t)(q - p));
			p = q;
			continue;
		}
		z_flush(z);
		q = memchr(p, 0, (size_t)(end - p));
		if (!q)
			q = end;
		lw_hash_update(z->lit, p, (size_t)(q - p));
		z->pos += (uint64_t)(q - p);
		p = q;
	}
}

static struct lw_hash z_digest(struct zhash *z, uint64_t size)
{
	XXH128_hash_t l, r, h;
	unsigned char buf[40];
	struct lw_hash out;
	int i;

	if (z->pos < size)
		z_zeros(z, size - z->pos);
	z_flush(z);
	l = XXH3_128bits_digest(z->lit);
	r = XXH3_128bits_digest(z->runs);
	for (i = 0; i < 8; i++) {
		buf[i] = (unsigned char)(l.low64 >> (8 * i));
		buf[8 + i] = (unsigned char)(l.high64 >> (8 * i));
		buf[16 + i] = (unsigned char)(r.low64 >> (8 * i));
		buf[24 + i] = (unsigned char)(r.high64 >> (8 * i));
		buf[32 + i] = (unsigned char)(size >> (8 * i));
	}
	/* Its own seed: never equal to a plain hash by construction. */
	h = XXH3_128bits_withSeed(buf, sizeof(buf), 0x5350415253450001ull);
	out.lo = h.low64;
	out.hi = h.high64;
	return out;
}

/* Hashes the content of the current entry from the stream, starting with
 * a block already read (len 0 when none). Holes of a sparse file read as
 * zeros: hashed as such up to SPARSE_PLAIN_MAX bytes, else described
 * (struct zhash), so that a hole costs nothing however large. */
static int hash_stream(struct archive *a, const struct lw_scan *s,
		       struct lw_entry *e,
		       const void *buf, size_t len, la_int64_t off,
		       struct lw_strbuf *keep, int sparse,
		       struct lw_error *err)
{
	struct lw_pathbuf pb;
	XXH3_state_t *st = XXH3_createState();
	struct zhash z = { NULL, NULL, 0, 0, 0 };
	int canon = sparse && e->size > SPARSE_PLAIN_MAX;
	uint64_t pos = 0;
	int r = ARCHIVE_OK, rc = LW_OK;

	if (canon) {
		z.lit = XXH3_createState();
		z.runs = XXH3_createState();
	}
	if (!st || (canon && (!z.lit || !z.runs))) {
		rc = lw_error_set(err, LW_ERR_NOMEM, "out of memory");
		goto out;
	}
	XXH3_128bits_reset(st);
	if (canon) {
		XXH3_128bits_reset(z.lit);
		XXH3_128bits_reset(z.runs);
	}
	if (!len)
		r = archive_read_data_block(a, &buf, &len, &off);
	while (r == ARCHIVE_OK) {
		if (off < 0 || (uint64_t)off < pos ||
		    (uint64_t)off > e->size || len > e->size - (uint64_t)off) {
			rc = lw_error_set(err, LW_ERR_INPUT, "cannot read '%s': "
					  "data outside the file's %" PRIu64
					  " bytes", lw_entry_path(e, &pb),
					  e->size);
			goto out;
		}
		if (canon) {
			if (z.pos < (uint64_t)off)
				z_zeros(&z, (uint64_t)off - z.pos);
			z_data(&z, buf, len);
		} else {
			while (pos < (uint64_t)off) {
				size_t n = (uint64_t)off - pos > sizeof(zeros) ?
					sizeof(zeros) :
					(size_t)((uint64_t)off - pos);
				lw_hash_update(st, zeros, n);
				pos += n;
			}
			lw_hash_update(st, buf, len);
		}
		if (keep)
			lw_strbuf_add(keep, buf, len);
		pos = (uint64_t)off + len;
		rc = lw_scan_cap(s, (uint64_t)archive_filter_bytes(a, 0), err);
		if (rc)
			goto out;
		r = archive_read_data_block(a, &buf, &len, &off);
	}
	if (r != ARCHIVE_EOF) {
		rc = lw_error_set(err, LW_ERR_INPUT, "cannot read '%s': %s",
				  lw_entry_path(e, &pb),
				  archive_error_string(a));
		goto out;
	}
	if (canon) {
		e->hash = z_digest(&z, e->size);
	} else {
		XXH128_hash_t h;

		while (pos < e->size) {
			size_t n = e->size - pos > sizeof(zeros) ?
				sizeof(zeros) : (size_t)(e->size - pos);
			lw_hash_update(st, zeros, n);
			pos += n;
		}
		h = XXH3_128bits_digest(st);
		e->hash.lo = h.low64;
		e->hash.hi = h.high64;
	}
	e->flags |= LW_ENTRY_HASHED;
out:
	XXH3_freeState(st);
	XXH3_freeState(z.lit);
	XXH3_freeState(z.runs);
	return rc;
}

int lw_scan_cap(const struct lw_scan *s, uint64_t pos, struct lw_error *err)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	uint64_t n = s->max_bytes;
	char buf[32];
	int k = -1;

	if (!n || pos <= n)
		return LW_OK;
	while (k < 3 && n % 1024 == 0) {
		n /= 1024;
		k++;
	}
	if (k < 0)
		snprintf(buf, sizeof(buf), "%" PRIu64 " bytes", n);
	else
		snprintf(buf, sizeof(buf), "%" PRIu64 " %s", n, units[k]);
	return lw_error_set(err, LW_ERR_INPUT, "%s past --max-bytes (%s); "
			    "raise it with --max-bytes",
			    s->inflated ? "inflates" : "runs", buf);
}

/* Locates the content of the current entry in the mapped layer without
 * touching it; falls back to hashing when it is not contiguous there. */
static int locate_content(struct archive *a, const struct lw_scan *s,
			  struct archive_entry *ae, struct lw_entry *e,
			  struct lw_error *err)
{
	struct lw_pathbuf pb;
	const void *buf;
	size_t len;
	la_int64_t off;
	const unsigned char *p;

	if (archive_entry_sparse_count(ae) > 0)
		return hash_stream(a, s, e, NULL, 0, 0, NULL, 1, err);
	if (archive_read_data_block(a, &buf, &len, &off) != ARCHIVE_OK ||
	    off != 0)
		return lw_error_set(err, LW_ERR_INPUT,
				    "cannot read '%s': %s",
				    lw_entry_path(e, &pb),
				    archive_error_string(a) ?
				    archive_error_string(a) : "no data");
	p = buf;
	if (p >= s->map && p < s->map + s->map_len &&
	    e->size <= (uint64_t)(s->map + s->map_len - p) &&
	    !lw_entry_set_data_off(e, (uint64_t)(p - s->map)))
		return lw_scan_cap(s, (uint64_t)(p - s->map) + e->size, err);
	/* libarchive handed us a copy, or the place cannot be kept (2 TiB
	 * or more into the layer): read the rest the slow way. */
	return hash_stream(a, s, e, buf, len, off, NULL, 0, err);
}

/* Splits a normalised path into its whiteout meaning. Returns the entry
 * type (LW_ENTRY_WHITEOUT / LW_ENTRY_OPAQUE), -1 for other ".wh..wh."
 * metadata (skipped), or 0 when it is no whiteout. path is rewritten in
 * place to the path hidden. */
static int whiteout_kind(char *path, size_t *len)
{
	char *base = strrchr(path, '/');
	size_t dirlen;

	base = base ? base + 1 : path;
	if (strncmp(base, WH_PREFIX, strlen(WH_PREFIX)) != 0)
		return 0;
	dirlen = base > path ? (size_t)(base - path - 1) : 0;
	if (strcmp(base, WH_OPAQUE) == 0) {
		path[dirlen] = '\0';
		*len = dirlen;
		return LW_ENTRY_OPAQUE;
	}
	if (strncmp(base, WH_META, strlen(WH_META)) == 0)
		return -1;
	if (base[strlen(WH_PREFIX)] == '\0')
		return -1;
	memmove(base, base + strlen(WH_PREFIX),
		strlen(base + strlen(WH_PREFIX)) + 1);
	*len -= strlen(WH_PREFIX);
	return LW_ENTRY_WHITEOUT;
}

struct link_slot {
	uint32_t hash;
	uint32_t link; /* the first hard link to this target: index + 1;
			  0 is empty */
	uint32_t file; /* the last regular file at it: index + 1, or 0 */
};

/* The slot of target (hash h) in tab (size a power of 2): its own or
 * the empty one where it goes. */
static size_t link_slot(const struct lw_layer_index *ix,
			const struct link_slot *tab, size_t size,
			const char *target, uint32_t h)
{
	size_t j;

	for (j = h & (size - 1); tab[j].link; j = (j + 1) & (size - 1))
		if (tab[j].hash == h &&
		    !strcmp(lw_entry_link(&ix->entries[tab[j].link - 1]),
			    target))
			break;
	return j;
}

/* Points every hard link at its target's entry in the same layer. The
 * table holds the links' targets only: a layer has few. */
void lw_scan_resolve_hardlinks(struct lw_layer_index *ix)
{
	struct link_slot *tab;
	size_t i, j, nlinks = 0, size = 16;

	for (i = 0; i < ix->count; i++)
		nlinks += ix->entries[i].type == LW_ENTRY_HARDLINK;
	if (!nlinks)
		return;
	while (size < nlinks * 2)
		size *= 2;
	tab = lw_xcalloc(size, sizeof(*tab));
	for (i = 0; i < ix->count; i++) {
		const struct lw_entry *e = &ix->entries[i];
		const char *t;
		uint32_t h;

		if (e->type != LW_ENTRY_HARDLINK)
			continue;
		t = lw_entry_link(e);
		h = (uint32_t)XXH3_64bits(t, strlen(t));
		j = link_slot(ix, tab, size, t, h);
		tab[j].hash = h;
		if (!tab[j].link)
			tab[j].link = (uint32_t)i + 1;
	}
	for (i = 0; i < ix->count; i++) {
		const struct lw_entry *e = &ix->entries[i];
		struct lw_pathbuf b;
		const char *path;
		uint32_t h;

		if (e->type != LW_ENTRY_FILE)
			continue;
		path = lw_entry_path(e, &b);
		h = (uint32_t)XXH3_64bits(path, strlen(path));
		j = link_slot(ix, tab, size, path, h);
		/* Later entries win, as extraction would have it. */
		if (tab[j].link)
			tab[j].file = (uint32_t)i + 1;
	}
	for (i = 0; i < ix->count; i++) {
		struct lw_entry *e = &ix->entries[i];
		const char *t;
		struct lw_pathbuf b;

		if (e->type != LW_ENTRY_HARDLINK)
			continue;
		t = lw_entry_link(e);
		j = link_slot(ix, tab, size, t,
			      (uint32_t)XXH3_64bits(t, strlen(t)));
		e->target = tab[j].file ? tab[j].file - 1 : LW_NO_TARGET;
		if (e->target == LW_NO_TARGET)
			lw_warnings_add(&ix->warnings,
					"hard link '%s' points to '%s', which "
					"is not a regular file of its layer",
					lw_entry_path(e, &b), t);
	}
	free(tab);
}

int lw_scan_add(const struct lw_scan *s, const struct lw_scan_item *it,
		struct lw_layer_index *ix, struct lw_scan_names *names,
		struct lw_entry **file, struct lw_error *err)
{
	char path[LW_PATH_MAX], target[LW_PATH_MAX];
	const char *raw = it->path;
	const char *hl = it->hardlink;
	const char *link = NULL;
	struct lw_entry_meta meta;
	const struct lw_entry_meta *m;
	struct lw_entry *e;
	long len;
	size_t plen;
	int wh;

	*file = NULL;
	if (!raw) {
		lw_warnings_add(&ix->warnings,
				"skipped an entry whose name cannot be read");
		return LW_OK;
	}
	if (strlen(raw) >= LW_PATH_MAX)
		return lw_error_set(err, LW_ERR_INPUT,
				    "entry name longer than %d bytes",
				    LW_PATH_MAX - 1);
	len = lw_path_normalize(raw, path, sizeof(path));
	if (len < 0)
		return lw_error_set(err, LW_ERR_INPUT,
				    "unsafe entry name '%.200s' (a '..' "
				    "component)", raw);
	if (len == 0)
		return LW_OK; /* the root directory itself */
	plen = (size_t)len;
	wh = whiteout_kind(path, &plen);
	if (wh < 0)
		return LW_OK;
	if (ix->count >= s->max_entries)
		return lw_error_set(err, LW_ERR_INPUT,
				    "more than %zu entries in one layer "
				    "(see --max-entries)", s->max_entries);

	/* A link's target is kept right after its path. */
	if (!wh && hl) {
		if (lw_path_normalize(hl, target, sizeof(target)) <= 0)
			return lw_error_set(err, LW_ERR_INPUT,
					    "hard link '%.200s' has an unsafe "
					    "target '%.200s'", raw, hl);
		link = target;
	} else if (!wh && it->filetype == AE_IFLNK) {
		link = it->symlink ? it->symlink : "";
		if (strlen(link) >= LW_PATH_MAX)
			return lw_error_set(err, LW_ERR_INPUT,
					    "symlink '%.200s' has a target "
					    "longer than %d bytes", raw,
					    LW_PATH_MAX - 1);
	}
	meta.mtime = it->mtime;
	meta.uname = intern_name(ix, names, it->uname);
	meta.gname = intern_name(ix, names, it->gname);
	meta.uid = (uint32_t)it->uid;
	meta.gid = (uint32_t)it->gid;
	meta.mode = (uint16_t)(it->perm & 07777);
	meta.xattr_hash = it->xattr_hash;

	lw_grow((void **)&ix->entries, &ix->cap, ix->count + 1,
		sizeof(*ix->entries));
	e = &ix->entries[ix->count];
	memset(e, 0, sizeof(*e));
	m = lw_layer_index_meta(ix, &meta);
	if (!m || lw_layer_index_set_path(ix, e, m, path, plen, link,
					  link ? strlen(link) : 0))
		return lw_error_set(err, LW_ERR_NOMEM, "out of memory");
	lw_entry_set_data_off(e, LW_NO_OFFSET);
	if (meta.xattr_hash)
		e->flags |= LW_ENTRY_HAS_XATTR;
	if (it->has_cap)
		e->flags |= LW_ENTRY_HAS_CAP;
	ix->count++;

	if (wh) {
		e->type = (uint8_t)wh;
		return LW_OK;
	}
	if (hl) {
		e->type = LW_ENTRY_HARDLINK;
		return LW_OK;
	}
	switch (it->filetype) {
	case AE_IFREG:
		e->type = LW_ENTRY_FILE;
		e->size = it->size_set ? (uint64_t)it->size : 0;
		ix->file_bytes += e->size;
		ix->file_count++;
		if (e->size == 0) {
			e->hash = lw_hash_bytes("", 0);
			e->flags |= LW_ENTRY_HASHED;
			return LW_OK;
		}
		*file = e;
		return LW_OK;
	case AE_IFDIR:
		e->type = LW_ENTRY_DIR;
		return LW_OK;
	case AE_IFLNK:
		e->type = LW_ENTRY_SYMLINK;
		return LW_OK;
	default:
		e->type = LW_ENTRY_OTHER;
		return LW_OK;
	}
}

/* Hashes a streamed file's content; keeps the bytes of the few small
 * configuration files the profile checks read (lw_keeps_file), since a
 * stream cannot be read twice. Sparse files are never kept. */
static int stream_content(struct archive *a, const struct lw_scan *s,
			  struct lw_layer_index *ix, struct lw_entry *e,
			  int sparse, struct lw_error *err)
{
	struct lw_strbuf keep = LW_STRBUF_INIT;
	int want = lw_scan_wants_kept(ix, e);
	int rc = hash_stream(a, s, e, NULL, 0, 0, want ? &keep : NULL,
			     sparse, err);

	if (!rc && want && keep.len == e->size)
		lw_scan_keep(ix, e, keep.buf, keep.len);
	lw_strbuf_release(&keep);
	return rc;
}

/* Reads past the data of an entry that is not indexed: skipping it would
 * inflate it in one go, however large, before the cap is looked at. */
static int drain(struct archive *a, const struct lw_scan *s,
		 const char *name, struct lw_error *err)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int r, rc;

	if (!s->max_bytes)
		return LW_OK;
	while ((r = archive_read_data_block(a, &buf, &len, &off)) ==
	       ARCHIVE_OK) {
		rc = lw_scan_cap(s, (uint64_t)archive_filter_bytes(a, 0), err);
		if (rc)
			return rc;
	}
	if (r != ARCHIVE_EOF)
		return lw_error_set(err, LW_ERR_INPUT, "cannot read '%.200s': "
				    "%s", name ? name : "?",
				    archive_error_string(a));
	return LW_OK;
}

static int add_entry(struct archive *a, const struct lw_scan *s,
		     struct archive_entry *ae, struct lw_layer_index *ix,
		     struct lw_scan_names *names, struct lw_error *err)
{
	struct lw_scan_item it;
	struct lw_entry *e;
	int r;

	it.path = archive_entry_pathname(ae);
	if (!it.path)
		it.path = archive_entry_pathname_utf8(ae);
	it.hardlink = archive_entry_hardlink(ae);
	it.symlink = archive_entry_symlink(ae);
	it.uname = archive_entry_uname(ae);
	it.gname = archive_entry_gname(ae);
	it.filetype = archive_entry_filetype(ae);
	it.size_set = archive_entry_size_is_set(ae) != 0;
	it.size = archive_entry_size(ae);
	it.mtime = archive_entry_mtime(ae);
	it.uid = archive_entry_uid(ae);
	it.gid = archive_entry_gid(ae);
	it.perm = archive_entry_perm(ae);
	it.xattr_hash = xattr_digest(ae, &it.has_cap);
	r = lw_scan_cap(s, (uint64_t)archive_filter_bytes(a, 0), err);
	if (!r)
		r = lw_scan_add(s, &it, ix, names, &e, err);
	if (r)
		return r;
	if (!e)
		return s->map || it.size <= 0 ? LW_OK : drain(a, s, it.path, err);
	if (s->map)
		return locate_content(a, s, ae, e, err);
	return stream_content(a, s, ix, e, archive_entry_sparse_count(ae) > 0,
			      err);
}

int lw_layer_scan(struct archive *a, const struct lw_scan *s,
		  struct lw_layer_index *ix, struct lw_error *err)
{
	struct archive_entry *ae;
	struct lw_scan_names names = { { NULL }, 0 };
	size_t n = 0;
	uint64_t dropped = 0;
	long page = sysconf(_SC_PAGESIZE);
	int r;

	for (;;) {
		r = archive_read_next_header(a, &ae);
		if (r == ARCHIVE_EOF)
			break;
		if (r == ARCHIVE_WARN) {
			lw_warnings_add(&ix->warnings, "%s",
					archive_error_string(a));
		} else if (r != ARCHIVE_OK) {
			if (n == 0 && ix->count == 0)
				return lw_error_set(err, LW_ERR_INPUT,
						    "not a tar archive: %s",
						    archive_error_string(a));
			return lw_error_set(err, LW_ERR_INPUT,
					    "corrupt or truncated tar after "
					    "%zu entries: %s", n,
					    archive_error_string(a));
		}
		r = add_entry(a, s, ae, ix, &names, err);
		if (r)
			return r;
		n++;
		if (s->map && page > 0) {
			uint64_t pos = (uint64_t)archive_read_header_position(a);

			if (pos > dropped + DROP_STRIDE) {
				uintptr_t mask = (uintptr_t)page - 1;
				uintptr_t lo = ((uintptr_t)s->map + dropped +
						mask) & ~mask;
				uintptr_t hi = ((uintptr_t)s->map + pos) & ~mask;

				if (hi > lo)
					madvise((void *)lo, hi - lo,
						MADV_DONTNEED);
				dropped = pos;
			}
		}
		if (s->tick && n % TICK_ENTRIES == 0)
			s->tick(s->tick_ctx, (uint64_t)archive_filter_bytes(a, -1));
	}
	/* A stream's data blocks are counted when the next one is asked
	 * for: the last entry's are counted here. (Mapped, each entry's end
	 * was checked already, as the in-place walker does.) */
	if (!s->map) {
		r = lw_scan_cap(s, (uint64_t)archive_filter_bytes(a, 0), err);
		if (r)
			return r;
	}
	lw_scan_resolve_hardlinks(ix);
	lw_layer_index_done(ix);
	return LW_OK;
}
