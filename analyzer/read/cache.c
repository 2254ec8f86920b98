/* The per-layer cache (cache.h): reading, writing and trimming entries. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "layerwaste/util.h"
#include "cache.h"

#define MAGIC "LWCACHE"
#define SUFFIX ".lw1"
#define HDR_SIZE 176
#define REC_SIZE 80
#define NIL32 UINT32_MAX
/* A temporary file older than this was left by a run that died. */
#define STALE_TMP_SECONDS 3600

enum { CACHE_VERIFIED = 1 };

static void put32(unsigned char *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* The 64 hex digits of a "sha256:<hex>" diff_id, or NULL: other names
 * are not cached. */
static const char *diff_hex(const char *diff_id)
{
	size_t i;

	if (!diff_id || strncmp(diff_id, "sha256:", 7) != 0 ||
	    strlen(diff_id) != 7 + 64)
		return NULL;
	for (i = 7; i < 7 + 64; i++)
		if (!strchr("0123456789abcdef", diff_id[i]))
			return NULL;
	return diff_id + 7;
}

static char *entry_name(const char *hex, int compression, uint64_t blob_size)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;

	lw_strbuf_addf(&sb, "%s-%s-%llu" SUFFIX, hex,
		       lw_compression_name(compression),
		       (unsigned long long)blob_size);
	return lw_strbuf_detach(&sb);
}

static char *path_in(const char *dir, const char *name)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;

	lw_strbuf_addf(&sb, "%s/%s", dir, name);
	return lw_strbuf_detach(&sb);
}

struct lw_cache *lw_cache_open(const struct lw_read_opts *o)
{
	struct lw_cache *c;
	const char *dbg = getenv("LAYERWASTE_DEBUG_CACHE");

	if (!o->cache_dir || !*o->cache_dir)
		return NULL;
	c = lw_xcalloc(1, sizeof(*c));
	c->dir = lw_xstrdup(o->cache_dir);
	c->max = o->cache_max ? o->cache_max : LW_CACHE_MAX_DEFAULT;
	c->debug = dbg && *dbg && strcmp(dbg, "0") != 0;
	return c;
}

/* ---- Reading ---- */

static int read_all(const char *path, unsigned char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	unsigned char *buf;
	size_t done = 0;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < 0 ||
	    (uint64_t)st.st_size > (uint64_t)SIZE_MAX / 2) {
		close(fd);
		return -2;
	}
	buf = lw_xmalloc((size_t)st.st_size + 1);
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n <= 0)
			break;
		done += (size_t)n;
	}
	close(fd);
	*out = buf;
	*len = done;
	return 0;
}

/* The string at off of the block, or NULL for NIL32; *bad set when the
 * offset lies outside the block. */
static const char *str_at(const char *strs, uint64_t nstr, uint32_t off,
			  int *bad)
{
	if (off == NIL32)
		return NULL;
	if (off >= nstr) {
		*bad = 1;
		return NULL;
	}
	return strs + off;
}

/* Whether c[0..n) is a component as the tar walkers leave one: not
 * empty, "." nor "..". */
static int component_ok(const char *c, size_t n)
{
	return n && !(c[0] == '.' && (n == 1 || (n == 2 && c[1] == '.')));
}

/* Whether every '/'-separated component of p[0..len) is (so not when
 * len is 0). */
static int components_ok(const char *p, size_t len)
{
	size_t i, start = 0;

	for (i = 0; i <= len; i++) {
		if (i < len && p[i] != '/')
			continue;
		if (!component_ok(p + start, i - start))
			return 0;
		start = i + 1;
	}
	return 1;
}

/* The owner names met so far, copied into the index: a layer has few. */
#define OWNERS_MAX 32

struct owners {
	const char *name[OWNERS_MAX];
	size_t n;
};

/* s (borrowed from the entry's bytes, or NULL) as a string of ix: one
 * copy for each of the first OWNERS_MAX names, then a copy each time.
 * NULL for NULL, or on out of memory. */
static const char *owner(struct lw_layer_index *ix, struct owners *o,
			 const char *s)
{
	const char *c;
	size_t i;

	if (!s)
		return NULL;
	for (i = 0; i < o->n; i++)
		if (!strcmp(o->name[i], s))
			return o->name[i];
	c = lw_layer_index_strndup(ix, s, strlen(s));
	if (c && o->n < OWNERS_MAX)
		o->name[o->n++] = c;
	return c;
}

/* Parses buf into ix. Returns NULL, or why the entry is damaged. */
static const char *parse(const unsigned char *buf, size_t len,
			 const char *hex, uint64_t blob_size, int compression,
			 struct lw_layer_index *ix, struct lw_cache_meta *meta)
{
	uint64_t count, nwarn, wtotal, nstr, need, i;
	const unsigned char *rec;
	const char *strs;
	struct owners own = { .n = 0 };
	const struct lw_dir *d, *last_dir = NULL;
	int bad = 0;

	if (len < HDR_SIZE)
		return "short";
	if (memcmp(buf, MAGIC, 8) != 0)
		return "bad magic";
	if (get32(buf + 8) != LW_CACHE_VERSION)
		return "wrong version";
	if (get64(buf + 16) != XXH3_64bits(buf + 24, len - 24))
		return "bad checksum";
	count = get64(buf + 136);
	nwarn = get64(buf + 144);
	wtotal = get64(buf + 152);
	nstr = get64(buf + 160);
	if (count > (SIZE_MAX - HDR_SIZE) / REC_SIZE || nwarn > (1u << 20) ||
	    nstr > SIZE_MAX / 2)
		return "bad counts";
	need = HDR_SIZE + count * REC_SIZE + nwarn * 4 + nstr;
	if (need != len)
		return "short";
	{
		char want[65];
		static const char digits[] = "0123456789abcdef";

		for (i = 0; i < 32; i++) {
			want[2 * i] = digits[buf[24 + 4 + i] >> 4];
			want[2 * i + 1] = digits[buf[24 + 4 + i] & 15];
		}
		want[64] = '\0';
		if (strcmp(want, hex) != 0)
			return "another layer's";
	}
	if (get64(buf + 64) != blob_size ||
	    (int)get32(buf + 72) != compression)
		return "another blob's";
	if (nstr && buf[len - 1] != '\0')
		return "bad strings";
	meta->verified = (get32(buf + 24) & CACHE_VERIFIED) != 0;
	meta->tar_bytes = get64(buf + 80);
	memcpy(meta->blob_sha, buf + 88, LW_SHA256_LEN);
	memcpy(meta->tar_sha, buf + 28, LW_SHA256_LEN);
	/* Borrowed from buf: what the index keeps is copied. */
	strs = (const char *)buf + HDR_SIZE + count * REC_SIZE + nwarn * 4;
	ix->entries = lw_xcalloc((size_t)count + 1, sizeof(*ix->entries));
	ix->cap = (size_t)count + 1;
	ix->count = (size_t)count;
	ix->file_bytes = get64(buf + 120);
	ix->file_count = get64(buf + 128);
	rec = buf + HDR_SIZE;
	for (i = 0; i < count && !bad; i++, rec += REC_SIZE) {
		struct lw_entry *e = &ix->entries[i];
		const char *path = str_at(strs, nstr, get32(rec), &bad);
		const char *link = str_at(strs, nstr, get32(rec + 4), &bad);
		const char *un = str_at(strs, nstr, get32(rec + 8), &bad);
		const char *gn = str_at(strs, nstr, get32(rec + 12), &bad);
		struct lw_entry_meta m;
		const struct lw_entry_meta *mp;
		uint64_t place = get64(rec + 24);
		size_t plen, llen;

		m.mtime = (int64_t)get64(rec + 48);
		m.uname = owner(ix, &own, un);
		m.gname = owner(ix, &own, gn);
		if ((un && !m.uname) || (gn && !m.gname))
			return "too large";
		m.uid = get32(rec + 56);
		m.gid = get32(rec + 60);
		if (get32(rec + 64) > 07777)
			bad = 1;
		m.mode = (uint16_t)get32(rec + 64);
		m.xattr_hash = get32(rec + 68);
		mp = lw_layer_index_meta(ix, &m);
		e->size = get64(rec + 16);
		e->hash.lo = get64(rec + 32);
		e->hash.hi = get64(rec + 40);
		e->type = rec[72];
		/* Whether a link follows the path is the index's own. */
		e->flags = rec[73] & (uint8_t)~LW_ENTRY_HAS_LINK;
		plen = path ? strlen(path) : 0;
		llen = link ? strlen(link) : 0;
		if (!path || plen >= LW_PATH_MAX) {
			bad = 1;
			break;
		}
		if (!mp || lw_layer_index_set_path(ix, e, mp, path, plen, link,
						   llen))
			return "too large";
		/* Paths as the tar walkers leave them (index.h), which the
		 * engine relies on: a directory checked when it changes,
		 * neighbours mostly sharing theirs. */
		d = lw_entry_dir(e);
		if (!component_ok(lw_entry_name(e), e->name_len) ||
		    (d && d != last_dir && !components_ok(d->path, d->len)) ||
		    (e->type == LW_ENTRY_HARDLINK &&
		     (!link || !components_ok(link, llen))))
			return "a path not normalised";
		last_dir = d;
		/* A hard link's target entry, or where a file's content
		 * starts (LW_NO_OFFSET for none, as for other types). */
		if (e->type > LW_ENTRY_OPAQUE) {
			bad = 1;
		} else if (e->type == LW_ENTRY_HARDLINK) {
			if (place == LW_NO_OFFSET)
				e->target = LW_NO_TARGET;
			else if (place < count && place < LW_NO_TARGET)
				e->target = (uint32_t)place;
			else
				bad = 1;
		} else if (lw_entry_set_data_off(e, place)) {
			bad = 1;
		} else if (e->type == LW_ENTRY_FILE && place != LW_NO_OFFSET) {
			/* Offsets are into the blob's bytes, which only an
			 * uncompressed blob maps. */
			bad = compression != LW_COMP_NONE ||
				place > blob_size ||
				e->size > blob_size - place;
		}
	}
	for (i = 0; i < nwarn && !bad; i++) {
		const char *s = str_at(strs, nstr, get32(rec + 4 * i), &bad);

		if (s)
			lw_warnings_add(&ix->warnings, "%s", s);
	}
	if (bad)
		return "an offset out of range";
	if (wtotal > ix->warnings.total)
		ix->warnings.total = (size_t)wtotal;
	lw_layer_index_done(ix);
	return NULL;
}

const char *lw_cache_parse(const unsigned char *buf, size_t len,
			   const char *diff_id, uint64_t blob_size,
			   int compression, struct lw_layer_index **out,
			   struct lw_cache_meta *meta)
{
	const char *hex = diff_hex(diff_id);
	struct lw_layer_index *ix;
	const char *why;

	*out = NULL;
	memset(meta, 0, sizeof(*meta));
	if (!hex)
		return "not a sha256 diff_id";
	ix = lw_xmalloc(sizeof(*ix));
	lw_layer_index_init(ix);
	why = parse(buf, len, hex, blob_size, compression, ix, meta);
	if (why) {
		lw_layer_index_release(ix);
		free(ix);
		return why;
	}
	*out = ix;
	return NULL;
}

static void touch(const char *path)
{
	/* Last use, for the eviction: the entry's mtime. */
	utimensat(AT_FDCWD, path, NULL, 0);
}

int lw_cache_get(struct lw_cache *c, const char *diff_id, uint64_t blob_size,
		 int compression, int verified_only,
		 struct lw_layer_index **out, struct lw_cache_meta *meta,
		 struct lw_warnings *w)
{
	const char *hex = diff_hex(diff_id);
	char *name, *path;
	unsigned char *buf = NULL;
	size_t len = 0;
	struct lw_layer_index *ix;
	const char *why;
	int hit = 0;

	*out = NULL;
	if (!c || !hex)
		return 0;
	name = entry_name(hex, compression, blob_size);
	path = path_in(c->dir, name);
	if (read_all(path, &buf, &len))
		goto out;
	why = lw_cache_parse(buf, len, diff_id, blob_size, compression, &ix,
			     meta);
	if (!why && verified_only && !meta->verified) {
		lw_layer_index_release(ix);
		free(ix);
		why = "";
	}
	if (why) {
		if (*why)
			lw_warnings_add(w, "cache entry %s is damaged (%s): "
					"ignored, the layer is read again",
					name, why);
		goto out;
	}
	touch(path);
	*out = ix;
	hit = 1;
out:
	if (c->debug)
		fprintf(stderr, "layerwaste: cache %s %s\n", hit ? "hit" : "miss",
			diff_id);
	free(buf);
	free(path);
	free(name);
	return hit;
}

/* ---- Writing ---- */

static size_t count_hashed(const struct lw_layer_index *ix)
{
	size_t i, n = 0;

	for (i = 0; i < ix->count; i++)
		n += (ix->entries[i].flags & LW_ENTRY_HASHED) != 0;
	return n;
}

/* An entry is written straight to its file through a small buffer and
 * hashed on the way, never built whole in memory: a layer of 100,000
 * entries would otherwise hold about 15 MB twice while it is written. */
#define SINK_BUF ((size_t)64 << 10)

struct sink {
	int fd;
	int failed;
	size_t len;
	XXH3_state_t *h;
	unsigned char buf[SINK_BUF];
};

static void sink_flush(struct sink *k)
{
	size_t done = 0;

	while (!k->failed && done < k->len) {
		ssize_t n = write(k->fd, k->buf + done, k->len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			k->failed = 1;
		else
			done += (size_t)n;
	}
	k->len = 0;
}

/* Appends p[0..n) to the file and, past the header's first 24 bytes
 * (the checksum covers what follows them), to the hash. */
static void sink_put(struct sink *k, const void *p, size_t n)
{
	const unsigned char *b = p;

	if (k->h)
		XXH3_64bits_update(k->h, b, n);
	while (n) {
		size_t room = SINK_BUF - k->len, m = n < room ? n : room;

		memcpy(k->buf + k->len, b, m);
		k->len += m;
		b += m;
		n -= m;
		if (k->len == SINK_BUF)
			sink_flush(k);
	}
}

/* The strings of a record, in the order the string block holds them. */
static void rec_strs(const struct lw_entry *e, struct lw_pathbuf *b,
		     const char *out[4])
{
	out[0] = lw_entry_path(e, b);
	out[1] = lw_entry_link(e);
	out[2] = lw_entry_uname(e);
	out[3] = lw_entry_gname(e);
}

/* The offset a string gets at *at in the string block, NIL32 for NULL;
 * -1 via *bad when it would start past what 32 bits address. */
static uint32_t str_off(const char *s, uint64_t *at, int *bad)
{
	uint64_t off = *at;

	if (!s)
		return NIL32;
	if (off >= NIL32)
		*bad = 1;
	*at += strlen(s) + 1;
	return off >= NIL32 ? NIL32 : (uint32_t)off;
}

/* The string block's length; -1 via *bad past 4 GiB of offsets. */
static uint64_t strs_len(const struct lw_layer_index *ix, int *bad)
{
	uint64_t at = 0;
	size_t i, k;

	for (i = 0; i < ix->count; i++) {
		struct lw_pathbuf b;
		const char *v[4];

		rec_strs(&ix->entries[i], &b, v);
		for (k = 0; k < 4; k++)
			str_off(v[k], &at, bad);
	}
	for (i = 0; i < ix->warnings.count; i++)
		str_off(ix->warnings.items[i], &at, bad);
	return at;
}

static void put_str(struct sink *k, const char *s)
{
	if (s)
		sink_put(k, s, strlen(s) + 1);
}

/* Writes the slot's entry to fd: header, records, warnings, strings.
 * Returns 0, or -1 when a write failed or the strings are too large for
 * the format (then what fd holds is to be thrown away). */
static int serialise(const struct lw_cache_slot *s, int fd)
{
	const struct lw_layer_index *ix = s->ix;
	struct sink *k = lw_xcalloc(1, sizeof(*k));
	unsigned char hdr[HDR_SIZE] = { 0 }, rec[REC_SIZE], sum[8];
	static const char *hexd = "0123456789abcdef";
	const char *hex = diff_hex(s->diff_id);
	uint64_t nstr, at = 0;
	size_t i, j;
	int bad = 0, rc = -1;

	nstr = strs_len(ix, &bad);
	k->fd = fd;
	k->h = XXH3_createState();
	if (bad || !k->h || XXH3_64bits_reset(k->h) == XXH_ERROR)
		goto out;
	memcpy(hdr, MAGIC, 8);
	put32(hdr + 8, LW_CACHE_VERSION);
	put32(hdr + 12, HDR_SIZE);
	put32(hdr + 24, s->meta.verified ? CACHE_VERIFIED : 0);
	for (i = 0; i < 32; i++)
		hdr[28 + i] = (unsigned char)((strchr(hexd, hex[2 * i]) - hexd) << 4 |
					      (strchr(hexd, hex[2 * i + 1]) - hexd));
	put64(hdr + 64, s->blob_size);
	put32(hdr + 72, (uint32_t)s->compression);
	put64(hdr + 80, s->meta.tar_bytes);
	memcpy(hdr + 88, s->meta.blob_sha, LW_SHA256_LEN);
	put64(hdr + 120, ix->file_bytes);
	put64(hdr + 128, ix->file_count);
	put64(hdr + 136, ix->count);
	put64(hdr + 144, ix->warnings.count);
	put64(hdr + 152, ix->warnings.total);
	put64(hdr + 160, nstr);
	/* The checksum (bytes 16-23) covers everything after it; it is
	 * written last, in place. */
	memcpy(k->buf, hdr, 24);
	k->len = 24;
	sink_put(k, hdr + 24, HDR_SIZE - 24);
	for (i = 0; i < ix->count; i++) {
		const struct lw_entry *e = &ix->entries[i];
		struct lw_pathbuf b;
		const char *v[4];

		memset(rec, 0, sizeof(rec));
		rec_strs(e, &b, v);
		for (j = 0; j < 4; j++)
			put32(rec + 4 * j, str_off(v[j], &at, &bad));
		put64(rec + 16, e->size);
		put64(rec + 24, e->type != LW_ENTRY_HARDLINK ?
		      lw_entry_data_off(e) : e->target == LW_NO_TARGET ?
		      LW_NO_OFFSET : e->target);
		put64(rec + 32, e->hash.lo);
		put64(rec + 40, e->hash.hi);
		put64(rec + 48, (uint64_t)lw_entry_mtime(e));
		put32(rec + 56, lw_entry_uid(e));
		put32(rec + 60, lw_entry_gid(e));
		put32(rec + 64, lw_entry_mode(e));
		put32(rec + 68, lw_entry_xattr_hash(e));
		rec[72] = e->type;
		rec[73] = e->flags & (uint8_t)~LW_ENTRY_HAS_LINK;
		sink_put(k, rec, REC_SIZE);
	}
	for (i = 0; i < ix->warnings.count; i++) {
		put32(rec, str_off(ix->warnings.items[i], &at, &bad));
		sink_put(k, rec, 4);
	}
	for (i = 0; i < ix->count; i++) {
		struct lw_pathbuf b;
		const char *v[4];

		rec_strs(&ix->entries[i], &b, v);
		for (j = 0; j < 4; j++)
			put_str(k, v[j]);
	}
	for (i = 0; i < ix->warnings.count; i++)
		put_str(k, ix->warnings.items[i]);
	sink_flush(k);
	put64(sum, XXH3_64bits_digest(k->h));
	if (!k->failed && !bad && at == nstr &&
	    pwrite(fd, sum, sizeof(sum), 16) == (ssize_t)sizeof(sum))
		rc = 0;
out:
	XXH3_freeState(k->h);
	free(k);
	return rc;
}

static int mkdirs(const char *dir)
{
	char *p = lw_xstrdup(dir), *s;
	int rc = 0;

	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (mkdir(p, 0700) && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

/* Writes the slot's entry whole or not at all: into a temporary file
 * beside it, synced, then renamed over the name. */
static void write_slot(struct lw_cache *c, struct lw_cache_slot *s)
{
	char *tmp, *path;
	int fd;

	if (!diff_hex(s->diff_id))
		return;
	mkdirs(c->dir);
	tmp = path_in(c->dir, ".tmp-XXXXXX");
	path = path_in(c->dir, s->name);
	fd = mkstemp(tmp);
	if (fd < 0)
		goto out;
	if (serialise(s, fd) || fsync(fd)) {
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) || rename(tmp, path)) {
		unlink(tmp);
		goto out;
	}
	s->hashed = count_hashed(s->ix);
out:
	free(path);
	free(tmp);
}

void lw_cache_put(struct lw_cache *c, const char *diff_id,
		  uint64_t blob_size, int compression,
		  struct lw_layer_index *ix, const struct lw_cache_meta *meta,
		  int written)
{
	const char *hex = diff_hex(diff_id);
	struct lw_cache_slot *s;

	if (!c || !hex)
		return;
	c->slots = lw_xrealloc(c->slots, (c->nslots + 1) * sizeof(*c->slots));
	s = &c->slots[c->nslots++];
	memset(s, 0, sizeof(*s));
	s->name = entry_name(hex, compression, blob_size);
	s->diff_id = diff_id;
	s->ix = ix;
	s->blob_size = blob_size;
	s->compression = compression;
	s->meta = *meta;
	if (written)
		s->hashed = count_hashed(ix);
	else
		write_slot(c, s);
}

/* ---- Trimming ---- */

struct file {
	char *name;
	uint64_t size;
	struct timespec mtime;
};

static int older(const void *x, const void *y)
{
	const struct file *a = x, *b = y;

	if (a->mtime.tv_sec != b->mtime.tv_sec)
		return a->mtime.tv_sec < b->mtime.tv_sec ? -1 : 1;
	if (a->mtime.tv_nsec != b->mtime.tv_nsec)
		return a->mtime.tv_nsec < b->mtime.tv_nsec ? -1 : 1;
	return strcmp(a->name, b->name);
}

static int is_entry(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && !strncmp(name + n - 4, ".lw", 3) &&
		name[n - 1] >= '0' && name[n - 1] <= '9';
}

/* Every entry of the directory, oldest use first; temporary files a dead
 * run left behind are removed on the way. */
static int list_files(const char *dir, struct file **out, size_t *n,
		      uint64_t *stale, struct lw_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t cap = 0;
	time_t now = time(NULL);

	*out = NULL;
	*n = 0;
	if (!d) {
		if (errno == ENOENT)
			return LW_OK;
		return lw_error_set(err, LW_ERR_IO, "cannot open '%s': %s", dir,
				    strerror(errno));
	}
	while ((de = readdir(d))) {
		struct stat st;
		char *p;

		if (strncmp(de->d_name, ".tmp-", 5) && !is_entry(de->d_name))
			continue;
		p = path_in(dir, de->d_name);
		if (lstat(p, &st) || !S_ISREG(st.st_mode)) {
			free(p);
			continue;
		}
		if (!is_entry(de->d_name)) {
			if (now - st.st_mtime > STALE_TMP_SECONDS &&
			    !unlink(p) && stale)
				(*stale)++;
			free(p);
			continue;
		}
		free(p);
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			*out = lw_xrealloc(*out, cap * sizeof(**out));
		}
		(*out)[*n].name = lw_xstrdup(de->d_name);
		(*out)[*n].size = (uint64_t)st.st_size;
		(*out)[*n].mtime = st.st_mtim;
		(*n)++;
	}
	closedir(d);
	if (*n > 1)
		qsort(*out, *n, sizeof(**out), older);
	return LW_OK;
}

int lw_cache_stats(const char *dir, struct lw_cache_stats *st,
		   struct lw_error *err)
{
	struct file *f;
	size_t n, i;
	int rc;

	memset(st, 0, sizeof(*st));
	rc = list_files(dir, &f, &n, NULL, err);
	for (i = 0; i < n; i++) {
		st->entries++;
		st->bytes += f[i].size;
		free(f[i].name);
	}
	free(f);
	return rc;
}

int lw_cache_prune(const char *dir, uint64_t max,
		   struct lw_cache_stats *removed, struct lw_error *err)
{
	struct file *f;
	size_t n, i;
	uint64_t total = 0;
	int rc;

	memset(removed, 0, sizeof(*removed));
	rc = list_files(dir, &f, &n, &removed->stale, err);
	for (i = 0; i < n; i++)
		total += f[i].size;
	for (i = 0; i < n; i++) {
		if (total > max) {
			char *p = path_in(dir, f[i].name);

			/* Another run may have evicted it already. */
			if (!unlink(p) || errno == ENOENT) {
				removed->entries++;
				removed->bytes += f[i].size;
				total -= f[i].size;
			}
			free(p);
		}
		free(f[i].name);
	}
	free(f);
	return rc;
}

void lw_cache_close(struct lw_cache *c)
{
	struct lw_cache_stats gone;
	struct lw_error err = { 0, "" };
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nslots; i++) {
		struct lw_cache_slot *s = &c->slots[i];

		/* Hashes the analysis computed are kept for the next run. */
		if (count_hashed(s->ix) > s->hashed)
			write_slot(c, s);
		free(s->name);
	}
	free(c->slots);
	lw_cache_prune(c->dir, c->max, &gone, &err);
	free(c->dir);
	free(c);
}
