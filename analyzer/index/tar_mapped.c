/* The in-place tar header parser (tar_priv.h), and the mapped-layer walker
 * built on it; tar_stream.c builds the stream walker on the same parser.
 *
 * Each rule below follows what libarchive's tar reader (3.6, the one
 * lw_layer_scan() runs on) does with the same header, so that both give
 * one index; the comments name the libarchive behaviour followed. Where
 * that behaviour depends on more than the bytes at hand (the locale's
 * conversion of pax text that is not ASCII) the entry's headers are given
 * to libarchive alone; where it is odd or rare, the whole layer is. */
#include <archive.h>
#include <archive_entry.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layerwaste/util.h"
#include "tar_priv.h"


#define BLOCK 512
#define SPECIAL_MAX 1048576 /* libarchive's cap on an extended header */
#define CHAIN_MAX 16        /* extended headers before one entry */

/* Header fields: ustar's, and GNU's where they differ. */
#define H_MODE 100
#define H_UID 108
#define H_GID 116
#define H_SIZE 124
#define H_MTIME 136
#define H_CHKSUM 148
#define H_TYPE 156
#define H_LINK 157
#define H_MAGIC 257
#define H_VERSION 263
#define H_UNAME 265
#define H_GNAME 297
#define H_DEVMAJOR 329
#define H_DEVMINOR 337
#define H_PREFIX 345
#define H_GNU_SPARSE 386
#define H_GNU_REALSIZE 483

/* libarchive's archive_format as its tar reader moves it from header to
 * header: whether a hard link's size is obeyed depends on it. */
enum fmt { FMT_NONE, FMT_V7, FMT_USTAR, FMT_GNU, FMT_PAX };

enum {
	RD_OK = LW_TAR_RD_OK,
	RD_EOF = LW_TAR_RD_EOF,
	RD_FALLBACK = LW_TAR_RD_FALLBACK,
	RD_TRUNCATED = LW_TAR_RD_TRUNCATED,
	RD_DAMAGED = LW_TAR_RD_DAMAGED,
	RD_MORE = LW_TAR_RD_MORE,
};

/* Scratch strings, reused from entry to entry. */
enum { S_PATH, S_LINK, S_UNAME, S_GNAME, S_JOIN, S_NAME, S_VALUE, S_N };

struct span {
	const char *p; /* NULL: not set */
	size_t n;
};

struct walker {
	/* The window the current entry's headers are read from: map[0] is
	 * where they start; end says map[len] is the end of the stream. */
	const unsigned char *map;
	uint64_t len, pos;
	int end;
	uint64_t need; /* RD_MORE: the window bytes wanted */
	enum fmt fmt;
	/* Whether libarchive's link-name buffer exists yet: it does once a
	 * header has had a link name or a pax record a "linkpath". An empty
	 * link field sets a link ("") only once it does. */
	int link_buffer;
	char *str[S_N];
	size_t cap[S_N];
	char warning[LW_ERROR_MSG_MAX];
};

/* One entry while its headers are read. */
struct ent {
	int type;         /* the entry header's typeflag */
	size_t link_len;  /* length of its own link name field */
	int link_set;     /* a '1' or '2' entry whose link libarchive set */
	int link_buffer;  /* walker->link_buffer before this entry */
	struct span path, link, uname, gname;
	uint32_t mode, ft;
	int64_t size, remaining, uid, gid, mtime;
	uint64_t xsum;
	size_t xn;
	int has_cap, need_la, warn;
	uint32_t la_ft;   /* the file type libarchive gave, when asked */
	struct lw_scan_item it;
	uint64_t data_off, next;
};

/* ---- numbers, as libarchive's tar_atol() family reads them ---- */

/* Steps *p and *n over leading blanks and a minus sign; whether there
 * was one. */
static inline int skip_sign(const unsigned char **p, size_t *n)
{
	while (*n && (**p == ' ' || **p == '\t')) {
		(*p)++;
		(*n)--;
	}
	if (*n && **p == '-') {
		(*p)++;
		(*n)--;
		return 1;
	}
	return 0;
}

/* atol_base of a field too short to overflow (at most 18 digits of base
 * 10 or less): no limits to keep, nothing divided. */
static int64_t atol_short(const unsigned char *p, size_t n, int base)
{
	int64_t l = 0;
	int neg = skip_sign(&p, &n);

	for (; n; p++, n--) {
		unsigned d = (unsigned)*p - '0';

		if (d >= (unsigned)base)
			break;
		l = l * base + (int64_t)d;
	}
	return neg ? -l : l;
}

static int64_t atol_base(const unsigned char *p, size_t n, int base)
{
	int64_t l = 0, maxval, limit;
	int last, neg;

	/* Header fields (8 or 12 bytes) and most pax values. */
	if (n <= 18 && base <= 10)
		return atol_short(p, n, base);
	maxval = INT64_MAX;
	limit = INT64_MAX / base;
	last = (int)(INT64_MAX % base);
	neg = skip_sign(&p, &n);
	if (neg) {
		maxval = INT64_MIN;
		limit = -(INT64_MIN / base);
		last = (int)-(INT64_MIN % base);
	}
	for (; n; p++, n--) {
		int d = *p - '0';

		if (d < 0 || d >= base)
			break;
		if (l > limit || (l == limit && d >= last))
			return maxval; /* libarchive truncates on overflow */
		l = l * base + d;
	}
	return neg ? -l : l;
}

/* Base-256: big-endian two's complement, the marker bit ignored. */
static int64_t atol_256(const unsigned char *p, size_t n)
{
	uint64_t l;
	unsigned char c = *p, neg;

	if (c & 0x40) {
		neg = 0xff;
		c |= 0x80;
		l = ~(uint64_t)0;
	} else {
		neg = 0;
		c &= 0x7f;
		l = 0;
	}
	while (n > sizeof(int64_t)) {
		--n;
		if (c != neg)
			return neg ? INT64_MIN : INT64_MAX;
		c = *++p;
	}
	if ((c ^ neg) & 0x80)
		return neg ? INT64_MIN : INT64_MAX;
	while (--n > 0) {
		l = (l << 8) | c;
		c = *++p;
	}
	l = (l << 8) | c;
	return (int64_t)l;
}

static int64_t tar_atol(const unsigned char *p, size_t n)
{
	return (*p & 0x80) ? atol_256(p, n) : atol_base(p, n, 8);
}

/* pax "mtime": seconds with an optional fraction, which is dropped. */
static int64_t pax_seconds(const char *p, size_t n)
{
	int64_t s = 0;
	int sign = 1;

	if (n && *p == '-') {
		sign = -1;
		p++;
		n--;
	}
	for (; n && *p >= '0' && *p <= '9'; p++, n--) {
		int d = *p - '0';

		if (s > INT64_MAX / 10 ||
		    (s == INT64_MAX / 10 && d > (int)(INT64_MAX % 10))) {
			s = INT64_MAX;
			break;
		}
		s = s * 10 + d;
	}
	return s * sign;
}

/* ---- header blocks ---- */

static int zero_block(const unsigned char *h)
{
	size_t i;

	for (i = 0; i < BLOCK; i++)
		if (h[i])
			return 0;
	return 1;
}

/* The stored checksum, by unsigned then by signed byte sums. */
static int checksum_ok(const unsigned char *h)
{
	unsigned check = 0;
	int scheck = 0, sum;
	size_t i;

	for (i = H_CHKSUM; i < H_CHKSUM + 8; i++)
		if (h[i] != ' ' && h[i] != 0 && (h[i] < '0' || h[i] > '7'))
			return 0;
	sum = (int)atol_base(h + H_CHKSUM, 8, 8);
	for (i = 0; i < BLOCK; i++)
		check += h[i];
	for (i = H_CHKSUM; i < H_CHKSUM + 8; i++)
		check += (unsigned)' ' - h[i];
	if ((int)check == sum)
		return 1;
	for (i = 0; i < BLOCK; i++)
		scheck += (i >= H_CHKSUM && i < H_CHKSUM + 8) ? ' ' :
			(signed char)h[i];
	return scheck == sum;
}

static int number_field_ok(const unsigned char *p, size_t n)
{
	size_t i = 0;

	if (p[0] == 128 || p[0] == 255 || p[0] == 0)
		return 1;
	while (i < n && p[i] == ' ')
		i++;
	while (i < n && p[i] >= '0' && p[i] <= '7')
		i++;
	for (; i < n; i++)
		if (p[i] != ' ' && p[i] != 0)
			return 0;
	return 1;
}

/* libarchive's bid on a header block: it reads nothing it bids 0 on, and
 * it drops a ustar hard link's size when it bids more than 50. */
static int tar_bid(const unsigned char *h)
{
	int bid = 48, t = h[H_TYPE];

	if (h[0] == 0 && zero_block(h))
		return 10;
	if (!checksum_ok(h))
		return 0;
	if (memcmp(h + H_MAGIC, "ustar\0", 6) == 0 &&
	    memcmp(h + H_VERSION, "00", 2) == 0)
		bid += 56;
	if (memcmp(h + H_MAGIC, "ustar ", 6) == 0 &&
	    memcmp(h + H_VERSION, " \0", 2) == 0)
		bid += 56;
	if (t != 0 && !(t >= '0' && t <= '9') && !(t >= 'A' && t <= 'Z') &&
	    !(t >= 'a' && t <= 'z'))
		return 0;
	bid += 2;
	if (!number_field_ok(h + H_MODE, 8) || !number_field_ok(h + H_UID, 8) ||
	    !number_field_ok(h + H_GID, 8) ||
	    !number_field_ok(h + H_MTIME, 12) ||
	    !number_field_ok(h + H_SIZE, 12) ||
	    !number_field_ok(h + H_DEVMAJOR, 8) ||
	    !number_field_ok(h + H_DEVMINOR, 8))
		bid = 0;
	return bid;
}

static struct span field(const unsigned char *p, size_t max)
{
	struct span s = { (const char *)p, strnlen((const char *)p, max) };

	return s;
}

static char *scratch(struct walker *w, int slot, size_t n)
{
	lw_grow((void **)&w->str[slot], &w->cap[slot], n + 1, 1);
	return w->str[slot];
}

/* A NUL-terminated copy of s, cut at max bytes (which keeps every length
 * test of lw_scan_add() as it is). NULL stays NULL. */
static const char *put(struct walker *w, int slot, struct span s, size_t max)
{
	size_t n = s.n < max ? s.n : max;
	char *p;

	if (!s.p)
		return NULL;
	p = scratch(w, slot, n);
	memcpy(p, s.p, n);
	p[n] = '\0';
	return p;
}

/* ---- pax extended headers ---- */

static void add_xattr(struct ent *e, const char *name, const void *value,
		      size_t size)
{
	lw_xattr_fold(&e->xsum, name, value, size);
	if (strcmp(name, "security.capability") == 0)
		e->has_cap = 1;
	e->xn++;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* libarchive's base64 decoder: skips what is no digit, stops at '=' or
 * '_', and writes a lone trailing digit as nothing. */
static size_t b64_decode(const unsigned char *src, size_t len,
			 unsigned char *out)
{
	unsigned char *d = out;

	while (len > 0) {
		int v = 0, g = 0;

		while (g < 4 && len > 0) {
			if (*src == '=' || *src == '_') {
				len = 0;
				break;
			}
			if (b64val(*src) < 0) {
				len--;
				src++;
				continue;
			}
			v = (v << 6) | b64val(*src++);
			len--;
			g++;
		}
		v <<= 6 * (4 - g);
		switch (g) {
		case 4:
			d[2] = (unsigned char)(v & 0xff);
			/* fall through */
		case 3:
			d[1] = (unsigned char)((v >> 8) & 0xff);
			/* fall through */
		case 2:
			d[0] = (unsigned char)((v >> 16) & 0xff);
			break;
		}
		d += g * 3 / 4;
	}
	return (size_t)(d - out);
}

/* "LIBARCHIVE.xattr.NAME=BASE64": the name URL-encoded, the value in
 * base64; libarchive keeps the name up to its first NUL. */
static void libarchive_xattr(struct walker *w, struct ent *e, const char *k,
			     size_t kn, const char *v, size_t vn)
{
	char *name = scratch(w, S_NAME, kn);
	unsigned char *value;
	size_t i = 0, o = 0;

	for (k += 17, kn -= 17; i < kn;) {
		if (k[i] == '%' && i + 2 < kn && hexval(k[i + 1]) >= 0 &&
		    hexval(k[i + 2]) >= 0) {
			name[o++] = (char)(hexval(k[i + 1]) << 4 |
					   hexval(k[i + 2]));
			i += 3;
			continue;
		}
		name[o++] = k[i++];
	}
	name[o] = '\0';
	vn = strnlen(v, vn);
	value = (unsigned char *)scratch(w, S_VALUE, vn - vn / 4 + 1);
	add_xattr(e, name, value, b64_decode((const unsigned char *)v, vn,
					     value));
}

/* A link name from a 'K' header or a pax "linkpath": libarchive replaces
 * the symlink when the entry has one, else the hard-link text, which only
 * a '1' entry with a link reports. */
static void set_link(struct ent *e, struct span v)
{
	if (e->link_set)
		e->link = v;
}

static int has_high(struct span s)
{
	size_t i;

	for (i = 0; s.p && i < s.n; i++)
		if ((unsigned char)s.p[i] >= 0x80)
			return 1;
	return 0;
}

#define KEY(s) (kn == sizeof(s) - 1 && memcmp(k, s, sizeof(s) - 1) == 0)
#define PREFIX(s) (kn >= sizeof(s) - 1 && memcmp(k, s, sizeof(s) - 1) == 0)

/* One "key=value" record. Returns 0, or -1 when the layer must go to
 * libarchive (GNU sparse files, ACLs, realsize, bad numbers). */
static int pax_record(struct walker *w, struct ent *e, struct span *str,
		      int *binary, const char *k, size_t kn, const char *v,
		      size_t vn)
{
	size_t sn = strnlen(v, vn); /* libarchive's strcpy()/strlen() */
	struct span sv = { v, sn };

	if (PREFIX("GNU.sparse") || KEY("SCHILY.acl.access") ||
	    KEY("SCHILY.acl.default") || KEY("SCHILY.acl.ace") ||
	    KEY("SCHILY.realsize") || KEY("SUN.holesdata"))
		return -1;
	if (KEY("path"))
		str[0] = sv;
	else if (KEY("linkpath"))
		str[1] = sv;
	else if (KEY("uname"))
		str[2] = sv;
	else if (KEY("gname"))
		str[3] = sv;
	else if (KEY("uid"))
		e->uid = atol_base((const unsigned char *)v, sn, 10);
	else if (KEY("gid"))
		e->gid = atol_base((const unsigned char *)v, sn, 10);
	else if (KEY("mtime"))
		e->mtime = pax_seconds(v, sn);
	else if (KEY("size")) {
		int64_t size = atol_base((const unsigned char *)v, sn, 10);

		if (size < 0 || size == INT64_MAX)
			return -1;
		e->remaining = e->size = size;
	} else if (KEY("hdrcharset")) {
		if (sn == 6 && memcmp(v, "BINARY", 6) == 0)
			*binary = 1;
		else if (sn == 23 && memcmp(v, "ISO-IR 10646 2000 UTF-8",
					    23) == 0)
			*binary = 0;
	} else if (PREFIX("SCHILY.xattr.")) {
		if (kn > 13) {
			char *name = scratch(w, S_NAME, kn - 13);

			memcpy(name, k + 13, kn - 13);
			name[kn - 13] = '\0';
			add_xattr(e, name, v, vn);
		}
	} else if (PREFIX("LIBARCHIVE.xattr.")) {
		if (kn > 17)
			libarchive_xattr(w, e, k, kn, v, vn);
	} else if (KEY("RHT.security.selinux"))
		add_xattr(e, "security.selinux", v, vn);
	return 0;
}

/* Applies a pax 'x' header body, after the header it extends, the way
 * libarchive's pax_header() does. Anything it would warn about (a
 * malformed record) sends the layer to libarchive. */
static int pax_apply(struct walker *w, struct ent *e, const unsigned char *body,
		     size_t len)
{
	struct span str[4] = { { NULL, 0 }, { NULL, 0 }, { NULL, 0 },
			       { NULL, 0 } };
	int binary = 0;
	size_t off = 0;

	while (off < len) {
		const char *attr = (const char *)body + off;
		size_t avail = len - off, line = 0, i = 0, end, eq;

		for (;;) {
			if (i == avail)
				return -1;
			if (attr[i] == ' ')
				break;
			if (attr[i] < '0' || attr[i] > '9')
				return -1;
			line = line * 10 + (size_t)(attr[i] - '0');
			if (line > 999999)
				return -1;
			i++;
		}
		i++;
		if (line > avail || line < 1 || attr[line - 1] != '\n')
			return -1;
		end = line - 1;
		if (i > end || attr[i] == '=')
			return -1;
		for (eq = i; eq < end && attr[eq] != '=' && attr[eq]; eq++)
			;
		if (eq == end || attr[eq] != '=')
			return -1;
		if (pax_record(w, e, str, &binary, attr + i, eq - i,
			       attr + eq + 1, end - eq - 1))
			return -1;
		if (eq - i == 8 && memcmp(attr + i, "linkpath", 8) == 0)
			w->link_buffer = 1;
		off += line;
	}
	if (!binary && (has_high(str[0]) || has_high(str[1]) ||
			has_high(str[2]) || has_high(str[3])))
		e->need_la = 1;
	if (str[3].n)
		e->gname = str[3];
	if (str[1].n)
		set_link(e, str[1]);
	if (str[0].n)
		e->path = str[0];
	if (str[2].n)
		e->uname = str[2];
	return 0;
}

/* ---- one entry ---- */

/* The entry header itself: libarchive's header_ustar(), header_gnutar()
 * or header_old_tar(), with header_common(). */
static int entry_header(struct walker *w, struct ent *e,
			const unsigned char *h)
{
	int gnu = memcmp(h + H_MAGIC, "ustar  \0", 8) == 0;
	int ustar = !gnu && memcmp(h + H_MAGIC, "ustar", 5) == 0;

	e->type = h[H_TYPE];
	if (!(e->type >= '0' && e->type <= '7') && e->type != '\0')
		return -1; /* sparse, multi-volume, vendor types */
	if (gnu)
		w->fmt = FMT_GNU;
	else if (ustar && w->fmt != FMT_PAX)
		w->fmt = FMT_USTAR;
	else if (!ustar)
		w->fmt = FMT_V7;
	if (gnu && (h[H_GNU_REALSIZE] || h[H_GNU_SPARSE]))
		return -1;

	e->mode = (uint32_t)tar_atol(h + H_MODE, 8);
	e->uid = tar_atol(h + H_UID, 8);
	e->gid = tar_atol(h + H_GID, 8);
	e->size = e->remaining = tar_atol(h + H_SIZE, 12);
	if (e->size < 0 || e->size == INT64_MAX)
		return -1;
	e->mtime = tar_atol(h + H_MTIME, 12);
	e->link = field(h + H_LINK, 100);
	e->link_len = e->link.n;
	e->link_buffer = w->link_buffer;
	e->link_set = (e->type == '1' || e->type == '2') &&
		(e->link_len || w->link_buffer);
	if (e->link_len)
		w->link_buffer = 1;
	e->ft = e->mode & S_IFMT;
	switch (e->type) {
	case '1':
		if (e->size > 0) {
			e->ft = S_IFREG;
			/* Only pax may give a hard link content. */
			if (w->fmt == FMT_V7 || w->fmt == FMT_GNU ||
			    (w->fmt == FMT_USTAR && tar_bid(h) > 50))
				e->size = e->remaining = 0;
		}
		break;
	case '2':
		e->ft = S_IFLNK;
		e->size = e->remaining = 0;
		break;
	case '3':
		e->ft = S_IFCHR;
		e->size = e->remaining = 0;
		break;
	case '4':
		e->ft = S_IFBLK;
		e->size = e->remaining = 0;
		break;
	case '5':
		e->ft = S_IFDIR;
		e->size = e->remaining = 0;
		break;
	case '6':
		e->ft = S_IFIFO;
		e->size = e->remaining = 0;
		break;
	default:
		e->ft = S_IFREG;
		break;
	}

	if (gnu || !ustar) {
		e->path = field(h, 100);
	} else if (h[H_PREFIX]) {
		struct span pre = field(h + H_PREFIX, 155);
		struct span name = field(h, 100);
		char *p = scratch(w, S_JOIN, pre.n + 1 + name.n);
		size_t n = pre.n;

		memcpy(p, pre.p, pre.n);
		if (p[n - 1] != '/')
			p[n++] = '/';
		memcpy(p + n, name.p, name.n);
		e->path.p = p;
		e->path.n = n + name.n;
	} else {
		e->path = field(h, 100);
	}
	if (gnu || ustar) {
		e->uname = field(h + H_UNAME, 32);
		e->gname = field(h + H_GNAME, 32);
	}
	return 0;
}

/* The entry's strings as libarchive itself gives them, from a window of
 * the map that holds only this entry's headers: pax text that is not
 * ASCII is converted from UTF-8 to the locale (and normalised), with a
 * warning when it cannot be. */
static int libarchive_strings(struct walker *w, struct ent *e, uint64_t start,
			      uint64_t end)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	struct lw_scan_item *it = &e->it;
	const char *p;
	int r, rc = -1;

	if (!a)
		return -1;
	archive_read_support_format_tar(a);
	if (archive_read_open_memory(a, w->map + start, (size_t)(end - start)) !=
	    ARCHIVE_OK)
		goto out;
	r = archive_read_next_header(a, &ae);
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
		goto out;
	e->warn = r == ARCHIVE_WARN;
	if (e->warn)
		snprintf(w->warning, sizeof(w->warning), "%s",
			 archive_error_string(a) ? archive_error_string(a) :
			 "(null)");
	p = archive_entry_pathname(ae);
	if (!p)
		p = archive_entry_pathname_utf8(ae);
	it->path = put(w, S_PATH, (struct span){ p, p ? strlen(p) : 0 },
		       LW_PATH_MAX);
	p = archive_entry_hardlink(ae);
	it->hardlink = put(w, S_LINK, (struct span){ p, p ? strlen(p) : 0 },
			   SIZE_MAX);
	if (!it->hardlink) {
		p = archive_entry_symlink(ae);
		it->symlink = put(w, S_LINK,
				  (struct span){ p, p ? strlen(p) : 0 },
				  LW_PATH_MAX);
	}
	p = archive_entry_uname(ae);
	it->uname = put(w, S_UNAME, (struct span){ p, p ? strlen(p) : 0 },
			SIZE_MAX);
	p = archive_entry_gname(ae);
	it->gname = put(w, S_GNAME, (struct span){ p, p ? strlen(p) : 0 },
			SIZE_MAX);
	/* What is not text must agree with the walker's own reading. */
	if ((it->hardlink != NULL) != (e->type == '1' && e->link_set) ||
	    (it->symlink != NULL && e->type != '2'))
		goto out;
	e->la_ft = archive_entry_filetype(ae);
	rc = 0;
out:
	archive_read_free(a);
	return rc;
}

/* Reads the headers of the next entry at w->pos into e. */
static int read_entry(struct walker *w, struct ent *e)
{
	const unsigned char *ext[CHAIN_MAX], *h;
	size_t next = 0, i;
	int have_x = 0, have_l = 0, have_k = 0, only_g = 1;
	uint64_t pos = w->pos, start = w->pos;
	enum fmt fmt = w->fmt;

	memset(e, 0, sizeof(*e));
	for (;;) {
		uint64_t avail, padded;
		int64_t size;
		int t;

		if (pos > w->len)
			return RD_FALLBACK; /* the last entry ran past the end */
		avail = w->len - pos;
		/* A window that is not the stream's end wants a whole block
		 * before it can tell anything. */
		if (!w->end && avail < BLOCK) {
			w->fmt = fmt;
			w->need = pos + BLOCK;
			return RD_MORE;
		}
		/* The end: no block, or a zero block. Mid-entry, libarchive
		 * calls it damage, except after global headers alone. */
		if (avail == 0 || (avail >= BLOCK && w->map[pos] == 0 &&
				   zero_block(w->map + pos))) {
			w->pos = pos;
			return !next || only_g ? RD_EOF : RD_FALLBACK;
		}
		if (avail < BLOCK)
			return RD_TRUNCATED;
		h = w->map + pos;
		if (!checksum_ok(h))
			return RD_DAMAGED;
		t = h[H_TYPE];
		if (t != 'x' && t != 'g' && t != 'L' && t != 'K')
			break;
		/* Nested extensions of one kind overwrite each other's
		 * buffers in libarchive: leave those to it. */
		if (next == CHAIN_MAX || (t == 'x' && have_x++) ||
		    (t == 'L' && have_l++) || (t == 'K' && have_k++))
			return RD_FALLBACK;
		size = tar_atol(h + H_SIZE, 12);
		if (size < 0 || size > SPECIAL_MAX)
			return RD_FALLBACK;
		padded = ((uint64_t)size + BLOCK - 1) & ~(uint64_t)(BLOCK - 1);
		if (padded > avail - BLOCK && !w->end) {
			w->fmt = fmt;
			w->need = pos + BLOCK + padded;
			return RD_MORE;
		}
		if (padded > avail - BLOCK)
			return RD_FALLBACK;
		if (t == 'x' || t == 'g')
			w->fmt = FMT_PAX;
		only_g &= t == 'g';
		ext[next++] = h;
		pos += BLOCK + padded;
	}
	if (entry_header(w, e, h))
		return RD_FALLBACK;

	/* Extensions apply from the innermost out, as libarchive's
	 * recursion unwinds: the first in the archive has the last word.
	 * Global headers are read and ignored. */
	for (i = next; i-- > 0;) {
		const unsigned char *x = ext[i], *body = x + BLOCK;
		size_t size = (size_t)tar_atol(x + H_SIZE, 12);
		struct span s = field(body, size);
		switch (x[H_TYPE]) {
		case 'x':
			if (pax_apply(w, e, body, size))
				return RD_FALLBACK;
			break;
		case 'L':
			e->path = s;
			break;
		case 'K':
			set_link(e, s);
			break;
		}
	}

	if (e->need_la) {
		/* libarchive starts afresh there: no link-name buffer. */
		if ((e->type == '1' || e->type == '2') && !e->link_len &&
		    e->link_buffer)
			return RD_FALLBACK;
		if (libarchive_strings(w, e, start, pos + BLOCK))
			return RD_FALLBACK;
	} else {
		e->it.path = put(w, S_PATH, e->path, LW_PATH_MAX);
		if (e->type == '1' && e->link_set)
			e->it.hardlink = put(w, S_LINK, e->link, SIZE_MAX);
		else if (e->type == '2' && e->link_set)
			e->it.symlink = put(w, S_LINK, e->link, LW_PATH_MAX);
		e->it.uname = put(w, S_UNAME, e->uname, SIZE_MAX);
		e->it.gname = put(w, S_GNAME, e->gname, SIZE_MAX);
	}
	/* A regular file named with a trailing '/' is a directory, but
	 * only on a header read without a warning. */
	if (!e->warn && e->ft == S_IFREG && e->it.path && e->it.path[0] &&
	    e->it.path[strlen(e->it.path) - 1] == '/') {
		e->ft = S_IFDIR;
		e->remaining = 0;
	}
	if (e->need_la && e->la_ft != e->ft)
		return RD_FALLBACK;

	e->it.filetype = e->ft;
	e->it.size_set = 1;
	e->it.size = e->size;
	e->it.mtime = e->mtime;
	e->it.uid = e->uid;
	e->it.gid = e->gid;
	e->it.perm = e->mode & ~(uint32_t)S_IFMT;
	e->it.xattr_hash = lw_xattr_digest(e->xsum, e->xn);
	e->it.has_cap = e->has_cap;
	e->data_off = pos + BLOCK;
	e->next = e->data_off + (((uint64_t)e->remaining + BLOCK - 1) &
				 ~(uint64_t)(BLOCK - 1));
	return RD_OK;
}

/* ---- the parser as tar_priv.h gives it ---- */

struct lw_tar_walker {
	struct walker w;
	struct ent e;
};

struct lw_tar_walker *lw_tar_walker_new(void)
{
	return lw_xcalloc(1, sizeof(struct lw_tar_walker));
}

void lw_tar_walker_free(struct lw_tar_walker *tw)
{
	size_t i;

	if (!tw)
		return;
	for (i = 0; i < S_N; i++)
		free(tw->w.str[i]);
	free(tw);
}

int lw_tar_walker_takes(const unsigned char *h, size_t len)
{
	/* The rules here are those of libarchive 3.6's tar reader, checked
	 * against it by the unit tests; another version may differ, so it
	 * reads every layer until they are checked again. libarchive opens
	 * no stream whose first block it does not bid on. */
	return archive_version_number() / 1000 == 3006 && len >= BLOCK &&
		tar_bid(h) > 0;
}

int lw_tar_walker_next(struct lw_tar_walker *tw, const unsigned char *p,
		       size_t len, int end, struct lw_tar_head *h, size_t *need)
{
	struct walker *w = &tw->w;
	struct ent *e = &tw->e;
	int r;

	w->map = p;
	w->len = len;
	w->pos = 0;
	w->end = end;
	r = read_entry(w, e);
	if (r == RD_MORE)
		*need = (size_t)w->need;
	if (r == RD_EOF)
		h->next = w->pos;
	if (r != RD_OK)
		return r;
	h->it = e->it;
	h->data_off = e->data_off;
	h->data_len = (uint64_t)e->remaining;
	h->next = e->next;
	h->warning = e->warn ? w->warning : NULL;
	return r;
}

int lw_tar_scan_mapped(const unsigned char *map, size_t len,
		       const struct lw_scan *s, struct lw_layer_index *ix,
		       struct lw_error *err)
{
	struct lw_pathbuf pb;
	struct lw_tar_walker *tw = NULL;
	struct lw_scan_names names = { { NULL }, 0 };
	struct lw_tar_head h;
	struct lw_entry *file;
	size_t n = 0, i, need;
	uint64_t pos = 0, dropped = 0;
	long page = sysconf(_SC_PAGESIZE);
	int rc = LW_OK;

	if (!lw_tar_walker_takes(map, len)) {
		rc = LW_TAR_FALLBACK;
		goto out;
	}
	tw = lw_tar_walker_new();
	for (;;) {
		uint64_t start = pos, data_off, next;
		int r = pos > len ? RD_FALLBACK : /* the last entry ran past */
			lw_tar_walker_next(tw, map + pos, len - (size_t)pos, 1,
					   &h, &need);

		if (r == RD_EOF)
			break;
		/* In the first entry, libarchive words damage otherwise. */
		if (r == RD_FALLBACK || r == RD_MORE || (r != RD_OK && n == 0)) {
			rc = LW_TAR_FALLBACK;
			goto out;
		}
		if (r != RD_OK) {
			rc = lw_error_set(err, LW_ERR_INPUT, "corrupt or "
					  "truncated tar after %zu entries: %s",
					  n, r == RD_TRUNCATED ?
					  "Truncated tar archive" :
					  "Damaged tar archive");
			goto out;
		}
		data_off = pos + h.data_off;
		next = pos + h.next;
		/* The next header, fetched while this entry is added. */
		if (next + BLOCK <= len)
			for (i = 0; i < BLOCK; i += 64)
				__builtin_prefetch(map + next + i);
		if (h.warning)
			lw_warnings_add(&ix->warnings, "%s", h.warning);
		rc = lw_scan_cap(s, data_off, err);
		if (!rc)
			rc = lw_scan_add(s, &h.it, ix, &names, &file, err);
		if (rc)
			goto out;
		if (file) {
			if (data_off > len || file->size > len - data_off) {
				rc = lw_error_set(err, LW_ERR_INPUT,
						  "cannot read '%s': Truncated "
						  "tar archive",
						  lw_entry_path(file, &pb));
				goto out;
			}
			/* A place past 2 TiB cannot be kept: libarchive's
			 * walk hashes that content as it passes. */
			if (lw_entry_set_data_off(file, data_off)) {
				rc = LW_TAR_FALLBACK;
				goto out;
			}
			rc = lw_scan_cap(s, data_off + file->size, err);
			if (rc)
				goto out;
		}
		pos = next;
		n++;
		if (page > 0 && start > dropped + LW_SCAN_DROP_STRIDE) {
			uintptr_t mask = (uintptr_t)page - 1;
			uintptr_t lo = ((uintptr_t)map + dropped + mask) & ~mask;
			uintptr_t hi = ((uintptr_t)map + start) & ~mask;

			if (hi > lo)
				madvise((void *)lo, hi - lo, MADV_DONTNEED);
			dropped = start;
		}
		if (s->tick && n % LW_SCAN_TICK_ENTRIES == 0)
			s->tick(s->tick_ctx, pos < len ? pos : len);
	}
	lw_scan_resolve_hardlinks(ix);
	lw_layer_index_done(ix);
out:
	lw_tar_walker_free(tw);
	if (rc == LW_TAR_FALLBACK) {
		lw_layer_index_release(ix);
		lw_layer_index_init(ix);
	}
	return rc;
}
