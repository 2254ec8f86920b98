/* One gzip stream inflated on several threads (see pgzip.h).
 *
 * The deflate data of the first member is cut into chunks of a fixed
 * compressed size. Chunk 0 starts at the data; chunk k > 0 starts at the
 * first bit at or after its nominal offset where a non-final dynamic or
 * stored block header is strictly valid and 16 KiB (or two more headers)
 * decode without error: the search is deterministic, done once, shared.
 * A worker decodes a chunk:
 *  - with an unknown window, by its own small inflater whose output is
 *    16-bit (a byte, or a marker naming a byte of the 32 KiB before the
 *    chunk), handed over in segments, until at a block boundary either
 *    the last 32 KiB are marker-free or the consumer has reached the
 *    chunk (then the 32 KiB before it are known and resolve the window);
 *  - then with ISA-L (raw deflate, that window as its dictionary, the
 *    leftover bits preloaded) up to the next chunk's start S. ISA-L is fed
 *    the input up to the byte holding S and no further: when its decode
 *    stops in a header that begins exactly at bit S, S is a true block
 *    boundary of this chunk's decode (a dynamic or stored header cannot
 *    complete within the 7 bits left). Otherwise the found S was false:
 *    the decode goes on to the following chunk's start, and so on.
 * The consumer takes chunks in order, each the one starting at the
 * verified end of the one before, resolves markers from the 32 KiB it gave
 * out before the chunk, and checks CRC32 and ISIZE of the member at its
 * end; what follows (more members, zero padding) is read sequentially by
 * struct lw_gunzip. Should the small inflater fail on a chunk whose start
 * is verified, everything before the failing block has been handed over
 * and the consumer decodes sequentially with ISA-L from that block to the
 * end of the member. Speculative work is used only once proven, so the
 * bytes are the sequential reader's; and as it does with its last buffer,
 * the consumer keeps a chunk's last segment back until the chunk ended, so
 * that a failure there (or a wrong trailer) replaces it. Memory: at most
 * threads+1 chunks are decoded ahead, their output in 256 KiB segments
 * from a pool of NSEG, plus RESERVE that only the chunk being consumed
 * may take (it is drained as it is made, so it always progresses); marker
 * output is stored as bytes plus a list of the markers. Decoding ahead
 * pauses while the process does not get the cores for it (SPEC_MIN). */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "inflate.h"
#include "pgzip.h"

#ifdef LW_HAVE_ISAL
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>

#define WIN 32768u                  /* the deflate window */
#define SEG ((size_t)256 << 10)     /* an output segment */
#define NSEG 24      /* segments, at most, besides those kept for the head */
#define RESERVE 8
#define HOLD ((size_t)1 << 20) /* bytes kept back until a chunk ends */
#define MAX_WORKERS 4 /* more could only wait for segments */
/* Decoding ahead costs more CPU than it saves when the cores are taken by
 * others: when a chunk was consumed while this process got less than
 * SPEC_MIN cores' worth of CPU, the next SPEC_OFF chunks are decoded only
 * once they are the one being consumed (with ISA-L alone), then it tries
 * again. */
#define SPEC_MIN 1.5
#define SPEC_OFF 16
#define IN_STEP ((size_t)1 << 20)   /* input given to ISA-L at a time */
#define PIECE ((size_t)1 << 20)     /* the sequential reader's input pieces */
#define BLOCK_MAX ((size_t)4 << 20) /* symbols of one block with markers */
#define SEARCH_MAX ((size_t)128 << 10) /* bytes searched past a nominal start */
#define TRIAL_MAX ((size_t)1 << 20) /* symbols a found block may have */
#define NONE UINT64_MAX

static const char MSG_DATA[] = "gzip decompression failed: invalid data";
static const char MSG_CRC[] = "gzip decompression failed: bad checksum";
static const char MSG_TRUNC[] = "truncated gzip input";

/* ---- a small inflater whose output names unknown window bytes ---- */

/* A decoding table: a root of up to ROOT bits, longer codes in
 * subtables after it. An entry is symbol << 16 | code length, or for a
 * subtable offset << 16 | its bits << 8 | SUB; 0: no code. */
#define ROOT 10
#define SUB 16u

struct huff {
	uint32_t t[(1u << ROOT) + (1u << 15)];
	unsigned bits; /* of the root */
};

static inline uint32_t lookup(const struct huff *h, uint64_t v)
{
	uint32_t e = h->t[v & ((1u << h->bits) - 1)];

	if (e & SUB)
		e = h->t[(e >> 16) + ((v >> ROOT) & ((1u << (e >> 8 & 15)) - 1))];
	return e;
}

struct fixed {
	struct huff lit, dist;
};

struct mk {
	const unsigned char *p;
	size_t len;
	uint64_t bitlen, pos;
	struct huff lit, dist, cl;
	const struct huff *L, *D; /* the current block's codes */
	int final, type;
	unsigned slen;            /* a stored block's length */
	uint16_t *o;              /* bytes, or 0x8000 + i: window byte i */
	size_t n, cap, lastmk;    /* lastmk: index after the last marker */
};

static const uint16_t lbase[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17,
	19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227,
	258 };
static const uint8_t lext[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2,
	2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dbase[30] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49,
	65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
	6145, 8193, 12289, 16385, 24577 };
static const uint8_t dext[30] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5,
	6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };
static const uint8_t clorder[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4,
	12, 3, 13, 2, 14, 1, 15 };

/* At least 57 bits from d->pos on, zeros past the end. */
static inline uint64_t peek(const struct mk *d)
{
	size_t at = (size_t)(d->pos >> 3), i;
	uint64_t v = 0;

	if (at + 8 <= d->len) {
		memcpy(&v, d->p + at, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		v = __builtin_bswap64(v);
#endif
	} else {
		for (i = 0; at + i < d->len && i < 8; i++)
			v |= (uint64_t)d->p[at + i] << (8 * i);
	}
	return v >> (d->pos & 7);
}

/* Modes of build(): as zlib accepts (an incomplete code only as a single
 * code of one bit, no code at all), or complete only, or complete or a
 * single code. */
enum { CODE_ANY, CODE_COMPLETE, CODE_SINGLE };

static unsigned reverse(unsigned c, unsigned len)
{
	unsigned r = 0, k;

	for (k = 0; k < len; k++)
		r |= ((c >> k) & 1u) << (len - 1 - k);
	return r;
}

static int build(struct huff *h, const uint8_t *lens, unsigned n, int mode)
{
	unsigned count[16] = { 0 }, next[16], first[16], max = 0, i;
	unsigned code = 0, root, size, off;
	uint8_t sub[1u << ROOT];
	int left = 1;

	for (i = 0; i < n; i++)
		count[lens[i]]++;
	count[0] = 0;
	for (i = 1; i <= 15; i++) {
		left = 2 * left - (int)count[i];
		if (left < 0)
			return -1; /* over-subscribed */
		if (count[i])
			max = i;
	}
	if (max == 0) {
		if (mode != CODE_ANY)
			return -1;
		h->bits = 1;
		h->t[0] = h->t[1] = 0;
		return 0;
	}
	if (left > 0 && (mode == CODE_COMPLETE || max != 1))
		return -1;
	for (i = 1; i <= 15; i++) {
		code = (code + count[i - 1]) << 1;
		first[i] = code;
	}
	root = max < ROOT ? max : ROOT;
	size = 1u << root;
	memset(h->t, 0, sizeof(h->t[0]) * size);
	if (max > ROOT) {
		/* Each subtable as wide as its longest code. */
		memset(sub, 0, size);
		memcpy(next, first, sizeof(next));
		for (i = 0; i < n; i++) {
			unsigned len = lens[i], r;

			if (!len)
				continue;
			r = reverse(next[len]++, len);
			if (len > ROOT && len - ROOT > sub[r & (size - 1)])
				sub[r & (size - 1)] = (uint8_t)(len - ROOT);
		}
		for (off = size, i = 0; i < size; i++) {
			if (!sub[i])
				continue;
			h->t[i] = off << 16 | (unsigned)sub[i] << 8 | SUB;
			memset(h->t + off, 0, sizeof(h->t[0]) << sub[i]);
			off += 1u << sub[i];
		}
	}
	memcpy(next, first, sizeof(next));
	for (i = 0; i < n; i++) {
		unsigned len = lens[i], r, k;

		if (!len)
			continue;
		r = reverse(next[len]++, len);
		if (len <= root) {
			for (k = r; k < size; k += 1u << len)
				h->t[k] = i << 16 | len;
		} else {
			uint32_t e = h->t[r & (size - 1)];
			unsigned sb = e >> 8 & 15;

			for (k = r >> ROOT; k < (1u << sb); k += 1u << (len - ROOT))
				h->t[(e >> 16) + k] = i << 16 | len;
		}
	}
	h->bits = root;
	return 0;
}

static void fixed_init(struct fixed *fx)
{
	uint8_t l[288];
	unsigned i;

	for (i = 0; i < 288; i++)
		l[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
	build(&fx->lit, l, 288, CODE_ANY);
	for (i = 0; i < 30; i++)
		l[i] = 5;
	build(&fx->dist, l, 30, CODE_ANY);
}

/* A dynamic block's code lengths and codes; strict for a block found by
 * search. */
static int read_dynamic(struct mk *d, int strict)
{
	uint8_t lens[320], cl[19] = { 0 };
	uint64_t v = peek(d);
	unsigned hlit = (unsigned)(v & 31) + 257, hdist = (unsigned)(v >> 5 & 31) + 1;
	unsigned hclen = (unsigned)(v >> 10 & 15) + 4, i;

	if (hlit > 286 || hdist > 30)
		return -1;
	d->pos += 14;
	v = peek(d);
	for (i = 0; i < hclen; i++)
		cl[clorder[i]] = (uint8_t)(v >> (3 * i) & 7);
	d->pos += 3 * hclen;
	if (build(&d->cl, cl, 19, CODE_COMPLETE))
		return -1;
	for (i = 0; i < hlit + hdist;) {
		unsigned e, sym, rep;
		uint8_t val = 0;

		v = peek(d);
		e = lookup(&d->cl, v);
		if (!e)
			return -1;
		d->pos += e & 15;
		v >>= e & 15;
		sym = e >> 16;
		if (sym < 16) {
			lens[i++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) {
			if (!i)
				return -1;
			val = lens[i - 1];
			rep = 3 + (unsigned)(v & 3);
			d->pos += 2;
		} else if (sym == 17) {
			rep = 3 + (unsigned)(v & 7);
			d->pos += 3;
		} else {
			rep = 11 + (unsigned)(v & 127);
			d->pos += 7;
		}
		if (i + rep > hlit + hdist)
			return -1;
		while (rep--)
			lens[i++] = val;
	}
	if (!lens[256] || d->pos > d->bitlen)
		return -1;
	if (build(&d->lit, lens, hlit, strict ? CODE_COMPLETE : CODE_ANY) ||
	    build(&d->dist, lens + hlit, hdist, strict ? CODE_SINGLE : CODE_ANY))
		return -1;
	d->L = &d->lit;
	d->D = &d->dist;
	return 0;
}

/* A block header at d->pos. Strict (a block found by search): a stored
 * block's padding is zero, codes are complete. */
static int read_header(struct mk *d, const struct fixed *fx, int strict)
{
	uint64_t v = peek(d);

	d->final = (int)(v & 1);
	d->type = (int)(v >> 1 & 3);
	d->pos += 3;
	if (d->type == 0) {
		uint64_t pad = (8 - (d->pos & 7)) & 7;

		if (strict && (v >> 3 & ((1u << pad) - 1)))
			return -1;
		d->pos += pad;
		v = peek(d);
		if ((v & 0xffff) != (~v >> 16 & 0xffff))
			return -1;
		d->slen = (unsigned)(v & 0xffff);
		d->pos += 32;
	} else if (d->type == 1) {
		d->L = &fx->lit;
		d->D = &fx->dist;
	} else if (d->type == 2) {
		if (read_dynamic(d, strict))
			return -1;
	} else {
		return -1;
	}
	return d->pos > d->bitlen ? -1 : 0;
}

static void mk_room(struct mk *d, size_t need)
{
	if (d->cap - d->n >= need)
		return;
	while (d->cap - d->n < need)
		d->cap = d->cap ? 2 * d->cap : 65536;
	d->o = lw_xrealloc(d->o, d->cap * sizeof(*d->o));
}

/* The body of the block whose header was read. Returns 0 at its end, 1
 * when the output reached limit first, -1 on invalid data. */
static int body(struct mk *d, size_t limit)
{
	const struct huff *L = d->L, *D = d->D;

	if (d->type == 0) {
		size_t at = (size_t)(d->pos >> 3), i;

		if (d->pos + 8ull * d->slen > d->bitlen)
			return -1;
		mk_room(d, d->slen);
		for (i = 0; i < d->slen; i++)
			d->o[d->n++] = d->p[at + i];
		d->pos += 8ull * d->slen;
		return 0;
	}
	for (;;) {
		uint64_t v;
		uint32_t e;
		unsigned sym, len, dist, ds, k, l, avail = 56;
		int64_t src;

		if (d->n >= limit)
			return 1;
		if (d->cap - d->n < 320)
			mk_room(d, 320);
		v = peek(d);
		e = lookup(L, v);
		/* Literals while the bits at hand surely hold the next code. */
		while ((e >> 16) < 256) {
			if (!e)
				return -1;
			l = e & 15;
			d->pos += l;
			v >>= l;
			avail -= l;
			d->o[d->n++] = (uint16_t)(e >> 16);
			if (avail < 15)
				break;
			e = lookup(L, v);
		}
		if ((e >> 16) < 256)
			continue;
		l = e & 15;
		d->pos += l;
		v >>= l;
		avail -= l;
		sym = e >> 16;
		if (sym == 256)
			return d->pos > d->bitlen ? -1 : 0;
		sym -= 257;
		if (sym >= 29)
			return -1;
		if (avail < 5)
			v = peek(d);
		len = lbase[sym] + (unsigned)(v & ((1u << lext[sym]) - 1));
		d->pos += lext[sym];
		v = peek(d);
		e = lookup(D, v);
		if (!e)
			return -1;
		d->pos += e & 15;
		v >>= e & 15;
		ds = e >> 16;
		if (ds >= 30)
			return -1;
		dist = dbase[ds] + (unsigned)(v & ((1u << dext[ds]) - 1));
		d->pos += dext[ds];
		if (d->pos > d->bitlen)
			return -1;
		src = (int64_t)d->n - dist;
		if (src >= 0) {
			uint16_t *o = d->o + d->n;
			const uint16_t *from = d->o + src;

			/* Markers copied: the last one is at most at the end;
			 * at most lastmk - src in when the copy does not run
			 * into itself. */
			if ((size_t)src < d->lastmk)
				d->lastmk = d->n + (dist >= len &&
					d->lastmk - (size_t)src < len ?
					d->lastmk - (size_t)src : len);
			if (dist >= len) {
				memcpy(o, from, len * sizeof(*o));
			} else {
				for (k = 0; k < len; k++)
					o[k] = from[k];
			}
			d->n += len;
			continue;
		}
		if (src < -(int64_t)WIN)
			return -1;
		for (k = 0; k < len; k++, src++) {
			uint16_t x = src >= 0 ? d->o[src] :
				(uint16_t)(0x8000 + WIN + src);

			d->o[d->n++] = x;
		}
		d->lastmk = d->n; /* a marker at least at the start */
	}
}

/* Whether a block found at d->pos (header just read) decodes plausibly:
 * to its end within TRIAL_MAX symbols, and the next header is strictly
 * valid too (for a fixed block, the one after it). Decoding garbage from
 * a valid header rarely fails before its end of block: complete codes
 * decode any bits, and any distance may reach into the unknown window. */
static int trial(struct mk *d, const struct fixed *fx)
{
	size_t total = 0;

	d->n = d->lastmk = 0;
	for (;;) {
		int r = body(d, 2 * WIN);

		if (r < 0)
			return 0;
		if (r > 0) {
			/* Only the window is needed: slide. */
			total += d->n - WIN;
			if (total > TRIAL_MAX)
				return 0;
			memmove(d->o, d->o + d->n - WIN, WIN * sizeof(*d->o));
			d->n = WIN;
			continue;
		}
		if (d->final || read_header(d, fx, 1))
			return 0;
		if (d->type != 1)
			return 1;
	}
}

/* The first bit in [from, to) where a non-final dynamic or stored block
 * starts plausibly, or NONE. */
static uint64_t search(struct mk *d, const struct fixed *fx, uint64_t from,
		       uint64_t to, int *stored)
{
	uint64_t b;

	if (to > d->bitlen)
		to = d->bitlen;
	for (b = from; b < to; b++) {
		uint64_t v;

		d->pos = b;
		v = peek(d);
		if ((v & 7) == 4) {
			/* BFINAL 0, BTYPE 10; HLIT <= 29, HDIST <= 29 */
			if ((v >> 3 & 31) > 29 || (v >> 8 & 31) > 29)
				continue;
		} else if ((v & 7) != 0) {
			continue;
		}
		if (read_header(d, fx, 1))
			continue;
		*stored = d->type == 0;
		if (trial(d, fx))
			return b;
	}
	return NONE;
}

/* ---- chunks ---- */

/* Output of a chunk: len bytes; with mk, nmk of them are markers, each a
 * struct mark stored backwards from the end of data. */
struct seg {
	struct seg *next;
	size_t len, nmk;
	int mk;
	unsigned char data[];
};

struct mark {
	uint32_t at, idx; /* the byte, and which of the window's it is */
};

enum { C_IDLE, C_RUN, C_DONE };

struct chunk {
	int search;      /* 0 not yet, 1 running, 2 done */
	uint64_t start;  /* the found start bit, or NONE */
	int stored;      /* of a stored block: then the same header may start
			  * up to the last 3 of the zero bits after start */
	int state;       /* C_IDLE, C_RUN, C_DONE */
	int known;       /* set by the consumer: decode from the window it gave */
	size_t winlen;
	/* The 32 KiB before the chunk, from the chunk before it once that one
	 * ended while being consumed (its start verified). */
	unsigned char *pre;
	size_t prelen;
	struct seg *head, *tail; /* finished segments, in order */
	size_t queued;   /* their bytes */
	/* Its own inflater failed at dead_pos, a block boundary before which
	 * all output was handed over: sequential from there. */
	int dead;
	uint64_t dead_pos;
	const char *err; /* decoding from its start failed */
	uint64_t end;    /* the verified end bit */
	long next;       /* the chunk that starts at end; -1: the member ended */
	size_t member_end; /* then: the byte after the deflate data */
	unsigned merged;
	int spec;        /* decoded with an unknown window at first */
};

struct worker {
	struct pgz *g;
	pthread_t tid;
	struct mk md, sd; /* chunk decoding, search */
	struct inflate_state st;
	unsigned char win[WIN]; /* the last bytes ISA-L made */
	size_t wlen;
};

static void win_add(unsigned char *win, size_t *wlen, const unsigned char *p,
		    size_t n)
{
	size_t keep;

	if (n >= WIN) {
		memcpy(win, p + n - WIN, WIN);
		*wlen = WIN;
		return;
	}
	keep = *wlen < WIN - n ? *wlen : WIN - n;
	memmove(win, win + *wlen - keep, keep);
	memcpy(win + keep, p, n);
	*wlen = keep + n;
}

enum { PH_CHUNKS, PH_SEQ, PH_REST, PH_END, PH_FAIL };

struct pgz {
	const unsigned char *blob;
	size_t len, chunk, d0, smax; /* smax: bytes searched a chunk */
	int drop;
	struct fixed fx;
	struct chunk *c;
	size_t nc;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t h, take, reaped, ahead;
	int stop;
	size_t nalloc, nfree; /* segments made, and free among them */
	struct seg *free;
	struct worker *w;
	unsigned nw;
	/* the consumer */
	int phase, entered;
	unsigned char hist[WIN], kwin[WIN];
	size_t hlen, kwlen; /* kwin: the bytes before the chunk entered */
	uint32_t crc;
	uint64_t total;
	struct seg *given;
	struct inflate_state *seq;
	unsigned char *seqbuf;
	size_t seq_fed;
	struct lw_gunzip rest;
	int rest_on;
	size_t rest_pos;
	const char *msg;
	int checked; /* the first member's trailer matched */
	int always_ahead;
	size_t spec_until;  /* no decoding ahead before this chunk is consumed */
	double t_wall, t_cpu; /* when the chunk being consumed was entered */
	struct lw_pgunzip_stats stats;
};

static void drop(const struct pgz *g, size_t from, size_t to)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t mask, lo, hi;

	if (!g->drop || page <= 0 || to <= from)
		return;
	mask = (uintptr_t)page - 1;
	lo = ((uintptr_t)g->blob + from + mask) & ~mask;
	hi = ((uintptr_t)g->blob + to) & ~mask;
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

static void mk_setup(struct mk *d, const struct pgz *g)
{
	d->p = g->blob;
	d->len = g->len;
	d->bitlen = (uint64_t)g->len * 8;
}

/* Chunk i's start, searched once by whoever asks first. */
static uint64_t find_start(struct pgz *g, struct worker *w, size_t i)
{
	struct chunk *c = &g->c[i];
	uint64_t from, s;
	int stored = 0;

	if (i == 0)
		return (uint64_t)g->d0 * 8;
	pthread_mutex_lock(&g->lock);
	while (c->search == 1)
		pthread_cond_wait(&g->cond, &g->lock);
	if (c->search == 2) {
		s = c->start;
		pthread_mutex_unlock(&g->lock);
		return s;
	}
	c->search = 1;
	pthread_mutex_unlock(&g->lock);
	from = ((uint64_t)g->d0 + (uint64_t)i * g->chunk) * 8;
	s = search(&w->sd, &g->fx, from, from + 8ull * g->smax, &stored);
	pthread_mutex_lock(&g->lock);
	c->start = s;
	c->stored = stored;
	c->search = 2;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
	return s;
}

/* Whether a block boundary at bit pos is chunk j's start. A stored
 * block's header read from any of the zero bits before its padding ends is
 * the same block. */
static int starts(const struct pgz *g, long j, uint64_t pos)
{
	const struct chunk *c = &g->c[j];

	if (pos == c->start)
		return 1;
	return c->stored && pos > c->start &&
		pos + 3 <= ((c->start + 3 + 7) & ~(uint64_t)7);
}

/* Where ISA-L's input stops to meet chunk j: 3 bits past its start (a
 * stored header may begin there), never enough to read a dynamic header
 * or a stored one's length. */
static size_t feed_end(const struct pgz *g, long j)
{
	size_t e = (size_t)((g->c[j].start + 3 + 7) >> 3);

	return e < g->len ? e : g->len;
}

/* The first chunk after i with a found start, or -1. */
static long next_target(struct pgz *g, struct worker *w, size_t i)
{
	size_t j;

	for (j = i + 1; j < g->nc; j++) {
		if (g->stop)
			return -1;
		if (find_start(g, w, j) != NONE)
			return (long)j;
	}
	return -1;
}

/* Whether chunk i's work is still wanted. */
static int wanted(struct pgz *g, size_t i)
{
	int r;

	pthread_mutex_lock(&g->lock);
	r = !g->stop && i >= g->h;
	pthread_mutex_unlock(&g->lock);
	return r;
}

/* An empty segment for chunk i: any for the chunk being consumed (it is
 * drained as it is made), else one while more than RESERVE would be left;
 * NULL when the work is no longer wanted. */
static struct seg *get_seg(struct pgz *g, size_t i)
{
	struct seg *s = NULL;
	int ok = 0;

	pthread_mutex_lock(&g->lock);
	for (;;) {
		size_t avail = g->nfree + (NSEG + RESERVE - g->nalloc);

		if (g->stop || i < g->h)
			break;
		if (avail > (i == g->h ? 0 : RESERVE)) {
			s = g->free;
			if (s) {
				g->free = s->next;
				g->nfree--;
			} else {
				g->nalloc++;
			}
			ok = 1;
			break;
		}
		/* The chunk being consumed waits only when every segment is
		 * taken: the consumer then gives what it keeps back. */
		if (i == g->h)
			pthread_cond_broadcast(&g->cond);
		pthread_cond_wait(&g->cond, &g->lock);
	}
	pthread_mutex_unlock(&g->lock);
	if (!ok)
		return NULL;
	if (!s)
		s = lw_xmalloc(sizeof(*s) + SEG);
	s->next = NULL;
	s->len = 0;
	s->mk = 0;
	s->nmk = 0;
	return s;
}

/* Under the lock. */
static void put_seg(struct pgz *g, struct seg *s)
{
	s->next = g->free;
	g->free = s;
	g->nfree++;
	pthread_cond_broadcast(&g->cond);
}

static void publish(struct pgz *g, struct chunk *c, struct seg *s)
{
	pthread_mutex_lock(&g->lock);
	if (s->len) {
		s->next = NULL;
		if (c->tail)
			c->tail->next = s;
		else
			c->head = s;
		c->tail = s;
		c->queued += s->len;
	} else {
		put_seg(g, s);
	}
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

/* Frees what chunks the consumer has passed hold. Under the lock. */
static void reap(struct pgz *g)
{
	while (g->reaped < g->h && g->c[g->reaped].state != C_RUN) {
		struct chunk *c = &g->c[g->reaped++];

		while (c->head) {
			struct seg *s = c->head;

			c->head = s->next;
			put_seg(g, s);
		}
		c->tail = NULL;
		free(c->pre);
		c->pre = NULL;
	}
}

/* Sets st to decode raw deflate from bit pos of the blob with dict. */
static void isal_at(struct inflate_state *st, const unsigned char *blob,
		    uint64_t pos, const unsigned char *dict, size_t dlen)
{
	isal_inflate_reset(st);
	st->crc_flag = ISAL_DEFLATE;
	if (dlen)
		isal_inflate_set_dict(st, (uint8_t *)(uintptr_t)dict,
				      (uint32_t)dlen);
	st->next_in = (uint8_t *)(uintptr_t)blob + (pos >> 3);
	st->avail_in = 0;
	if (pos & 7) {
		st->read_in = blob[pos >> 3] >> (pos & 7);
		st->read_in_length = (int32_t)(8 - (pos & 7));
		st->next_in++;
	}
}

/* Where the header ISA-L stopped in begins, once its input is used up. */
static uint64_t isal_hdr_pos(const struct inflate_state *st,
			     const unsigned char *blob)
{
	return (uint64_t)(st->next_in - blob) * 8 -
		(uint64_t)st->tmp_in_size * 8 - (uint64_t)st->read_in_length;
}

/* The byte after the deflate data ISA-L finished: in raw deflate mode it
 * keeps the bits it read ahead. */
static size_t isal_end(const struct inflate_state *st,
		       const unsigned char *blob)
{
	uint64_t bits = (uint64_t)(st->next_in - blob) * 8 -
		(uint64_t)st->read_in_length;

	return (size_t)((bits + 7) >> 3);
}

/* Chunk i ended where chunk j starts: if i is being consumed (so its
 * bytes are the stream's), j gets the 32 KiB before it and can be decoded
 * with ISA-L alone right away. */
static void hand_window(struct pgz *g, struct worker *w, size_t i, size_t j)
{
	pthread_mutex_lock(&g->lock);
	if (g->h == i && !g->stop && !g->c[j].pre && w->wlen) {
		g->c[j].pre = lw_xmalloc(WIN);
		memcpy(g->c[j].pre, w->win, w->wlen);
		g->c[j].prelen = w->wlen;
		pthread_cond_broadcast(&g->cond);
	}
	pthread_mutex_unlock(&g->lock);
}

/* Chunk i from bit pos on with ISA-L, to the verified start of chunk j
 * (or the following ones) or, j < 0, to the end of the member. */
static void decode_isal(struct pgz *g, struct worker *w, size_t i,
			uint64_t pos, const unsigned char *dict, size_t dlen,
			long j)
{
	struct chunk *c = &g->c[i];
	struct inflate_state *st = &w->st;
	struct seg *s = NULL;
	size_t fed, in_end, dropped;

	isal_at(st, g->blob, pos, dict, dlen);
	w->wlen = 0;
	win_add(w->win, &w->wlen, dict, dlen);
	fed = dropped = (size_t)(st->next_in - g->blob);
	in_end = j >= 0 ? feed_end(g, j) : g->len;
	for (;;) {
		uint32_t in0, out0;
		int r;

		if (!st->avail_in && fed < in_end) {
			size_t k = in_end - fed < IN_STEP ? in_end - fed : IN_STEP;

			st->next_in = (uint8_t *)(uintptr_t)g->blob + fed;
			st->avail_in = (uint32_t)k;
			if (fed > dropped + IN_STEP) {
				drop(g, dropped, fed - 4096);
				dropped = fed - 4096;
			}
			fed += k;
		}
		if (!s) {
			s = get_seg(g, i);
			if (!s)
				return;
		}
		st->next_out = s->data + s->len;
		st->avail_out = (uint32_t)(SEG - s->len);
		in0 = st->avail_in;
		out0 = st->avail_out;
		r = isal_inflate(st);
		s->len = SEG - st->avail_out;
		win_add(w->win, &w->wlen, s->data + (SEG - out0), out0 - st->avail_out);
		if (r < 0) {
			c->err = MSG_DATA;
			break;
		}
		if (s->len == SEG) {
			publish(g, c, s);
			s = NULL;
			continue;
		}
		if (st->block_state == ISAL_BLOCK_FINISH) {
			c->next = -1;
			c->member_end = isal_end(st, g->blob);
			break;
		}
		if (st->avail_in) {
			if (in0 == st->avail_in && out0 == st->avail_out) {
				c->err = MSG_DATA;
				break;
			}
			continue;
		}
		if (fed < in_end)
			continue;
		if (j < 0) {
			c->err = MSG_TRUNC;
			break;
		}
		if ((st->block_state == ISAL_BLOCK_HDR ||
		     st->block_state == ISAL_BLOCK_NEW_HDR) &&
		    starts(g, j, isal_hdr_pos(st, g->blob))) {
			c->end = isal_hdr_pos(st, g->blob);
			c->next = j;
			hand_window(g, w, i, (size_t)j);
			break;
		}
		/* Not a block boundary of this decode: on to the next. */
		c->merged++;
		j = next_target(g, w, (size_t)j);
		in_end = j >= 0 ? feed_end(g, j) : g->len;
		if (!wanted(g, i))
			break;
	}
	if (s)
		publish(g, c, s);
}

/* Hands o[0..upto) of chunk i's marker decode over in segments and keeps
 * the rest. Returns -1 when the work is no longer wanted. */
static int flush_markers(struct pgz *g, struct mk *d, size_t i, size_t upto)
{
	size_t at = 0;

	while (at < upto) {
		struct seg *s = get_seg(g, i);
		size_t nb = 0, nm = 0;

		if (!s)
			return -1;
		while (at < upto && nb + sizeof(struct mark) * (nm + 1) + 8 < SEG) {
			uint16_t v;

			/* Eight bytes at a time while there is no marker. */
			if (upto - at >= 8 && nb + sizeof(struct mark) * nm +
			    16 < SEG) {
				const uint16_t *q = d->o + at;

				if (!((q[0] | q[1] | q[2] | q[3] | q[4] | q[5] |
				       q[6] | q[7]) & 0xff00)) {
					unsigned char b[8];
					int k;

					for (k = 0; k < 8; k++)
						b[k] = (unsigned char)q[k];
					memcpy(s->data + nb, b, 8);
					nb += 8;
					at += 8;
					continue;
				}
			}
			v = d->o[at++];

			if (v < 256) {
				s->data[nb++] = (unsigned char)v;
			} else {
				struct mark m = { .at = (uint32_t)nb,
						  .idx = v - 0x8000u };

				nm++;
				memcpy(s->data + SEG - sizeof(m) * nm, &m,
				       sizeof(m));
				s->data[nb++] = 0;
			}
		}
		s->len = nb;
		s->nmk = nm;
		s->mk = 1;
		publish(g, &g->c[i], s);
	}
	if (d->n > upto)
		memmove(d->o, d->o + upto, (d->n - upto) * sizeof(*d->o));
	d->n -= upto;
	d->lastmk = d->lastmk > upto ? d->lastmk - upto : 0;
	return 0;
}

/* Chunk i from its found start with unknown window bytes, then on with
 * ISA-L once the last 32 KiB are known at a block boundary. */
static void decode_markers(struct pgz *g, struct worker *w, size_t i,
			   uint64_t start)
{
	struct chunk *c = &g->c[i];
	struct mk *d = &w->md;
	long j = next_target(g, w, i);
	unsigned char win[WIN];
	size_t k, wl = 0, kwl = 0;
	const unsigned char *kw = NULL;
	int keep, known = 0;

	d->pos = start;
	d->n = d->lastmk = 0;
	for (;;) {
		uint64_t at;
		size_t n_at;

		/* At a block boundary. */
		while (j >= 0 && d->pos > g->c[j].start &&
		       !starts(g, j, d->pos)) {
			c->merged++;
			j = next_target(g, w, (size_t)j);
		}
		if (j >= 0 && starts(g, j, d->pos)) {
			c->end = d->pos;
			c->next = j;
			break;
		}
		if (d->n >= WIN && d->n - d->lastmk >= WIN)
			break; /* (a flush keeps the last WIN symbols) */
		pthread_mutex_lock(&g->lock);
		keep = !g->stop && i >= g->h;
		if (c->pre) {
			kw = c->pre;
			kwl = c->prelen;
			known = 1;
		} else if (g->h == i && g->entered) {
			kw = g->kwin;
			kwl = g->kwlen;
			known = 1;
		}
		pthread_mutex_unlock(&g->lock);
		if (!keep)
			return;
		if (known)
			break; /* the bytes before the chunk are there now */
		if (d->n >= SEG / 4 + WIN &&
		    flush_markers(g, d, i, d->n - WIN))
			return;
		at = d->pos;
		n_at = d->n;
		if (read_header(d, &g->fx, 0) ||
		    body(d, d->n + BLOCK_MAX) != 0) {
			d->n = n_at;
			if (d->lastmk > n_at)
				d->lastmk = n_at;
			c->dead = 1;
			c->dead_pos = at;
			break;
		}
		if (d->final) {
			c->next = -1;
			c->member_end = (size_t)((d->pos + 7) >> 3);
			break;
		}
	}
	if (c->dead) {
		/* What came before the block that failed. */
		flush_markers(g, d, i, d->n);
		return;
	}
	if (!c->next && known) {
		/* The window: the last 32 KiB of the bytes before the chunk
		 * and of the chunk so far, markers resolved. (The consumer
		 * changes kwin only once this chunk is done.) */
		if (d->n < WIN) {
			wl = kwl < WIN - d->n ? kwl : WIN - d->n;
			memcpy(win, kw + kwl - wl, wl);
		}
		for (k = d->n > WIN ? d->n - WIN : 0; k < d->n; k++) {
			uint16_t v = d->o[k];
			size_t back = WIN - (v - 0x8000u);

			if (v < 256) {
				win[wl++] = (unsigned char)v;
			} else if (back <= kwl) {
				win[wl++] = kw[kwl - back];
			} else {
				c->dead = 1; /* the consumer fails there too */
				c->dead_pos = d->pos;
				break;
			}
		}
	} else if (!c->next) {
		for (k = 0; k < WIN; k++)
			win[wl++] = (unsigned char)d->o[d->n - WIN + k];
	}
	if (flush_markers(g, d, i, d->n) || c->next || c->dead)
		return;
	decode_isal(g, w, i, d->pos, win, wl, j);
}

/* known: the consumer gave the window (kwin), or pre (prelen bytes) is
 * the chunk's; both read under the lock when i was taken. */
static void run_chunk(struct pgz *g, struct worker *w, size_t i, int known,
		      const unsigned char *pre, size_t prelen)
{
	struct chunk *c = &g->c[i];
	uint64_t start = find_start(g, w, i);

	if (start == NONE)
		return; /* no block found: the chunk before runs over it */
	if (i == 0 || known) {
		long j = next_target(g, w, i);

		/* (kwin stays until i is done.) */
		if (pre)
			decode_isal(g, w, i, start, pre, prelen, j);
		else
			decode_isal(g, w, i, start, g->kwin, i ? c->winlen : 0, j);
	} else {
		c->spec = 1;
		decode_markers(g, w, i, start);
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct pgz *g = w->g;

	pthread_mutex_lock(&g->lock);
	for (;;) {
		size_t i = g->take, prelen;
		const unsigned char *pre;
		int known;

		if (g->stop)
			break;
		if (i < g->h) {
			g->take = g->h;
			continue;
		}
		if (i >= g->nc || i > g->h + g->ahead ||
		    (i > g->h && g->h < g->spec_until && !g->c[i].pre)) {
			pthread_cond_wait(&g->cond, &g->lock);
			continue;
		}
		g->take++;
		g->c[i].state = C_RUN;
		g->c[i].next = 0;
		known = g->c[i].known || g->c[i].pre;
		pre = g->c[i].pre;
		prelen = g->c[i].prelen;
		pthread_mutex_unlock(&g->lock);
		run_chunk(g, w, i, known, pre, prelen);

		pthread_mutex_lock(&g->lock);
		g->c[i].state = C_DONE;
		reap(g);
		pthread_cond_broadcast(&g->cond);
	}
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

/* ---- the consumer ---- */

static void stop_workers(struct pgz *g)
{
	pthread_mutex_lock(&g->lock);
	g->stop = 1;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

static long fail(struct pgz *g, const char *msg)
{
	g->msg = msg;
	g->phase = PH_FAIL;
	stop_workers(g);
	return -1;
}

static void hist_add(struct pgz *g, const unsigned char *p, size_t n)
{
	size_t keep;

	if (n >= WIN) {
		memcpy(g->hist, p + n - WIN, WIN);
		g->hlen = WIN;
		return;
	}
	keep = g->hlen < WIN - n ? g->hlen : WIN - n;
	memmove(g->hist, g->hist + g->hlen - keep, keep);
	memcpy(g->hist + keep, p, n);
	g->hlen = keep + n;
}

static la_ssize_t rest_pull(void *ctx, const void **buf)
{
	struct pgz *g = ctx;
	size_t n = PIECE - g->rest_pos % PIECE;

	if (n > g->len - g->rest_pos)
		n = g->len - g->rest_pos;
	*buf = g->blob + g->rest_pos;
	g->rest_pos += n;
	return (la_ssize_t)n;
}

/* The first member ended at byte at: its trailer, then what follows as
 * lw_gunzip_fill() would read it in the pieces layers.c gives it. */
/* The first member's trailer at byte at against the CRC32 and length of
 * its bytes: 0, or -1 failed. */
static int trailer_ok(struct pgz *g, size_t at, uint32_t crc, uint64_t total)
{
	const unsigned char *t = g->blob + at;
	uint32_t want, isize;

	if (at > g->len || g->len - at < 8)
		return (int)fail(g, MSG_TRUNC);
	want = (uint32_t)t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 |
		(uint32_t)t[3] << 24;
	isize = (uint32_t)t[4] | (uint32_t)t[5] << 8 | (uint32_t)t[6] << 16 |
		(uint32_t)t[7] << 24;
	if (want != crc || isize != (uint32_t)total)
		return (int)fail(g, MSG_CRC);
	g->checked = 1;
	return 0;
}

static long member_end(struct pgz *g, size_t at)
{
	stop_workers(g);
	if (!g->checked && trailer_ok(g, at, g->crc, g->total))
		return -1;
	at += 8;
	g->phase = PH_END;
	for (;;) {
		size_t piece_end = (at / PIECE + 1) * PIECE;

		if (at >= g->len)
			return 0;
		if (g->blob[at] == 0x1f) {
			g->rest_pos = at;
			lw_gunzip_init(&g->rest, rest_pull, g);
			g->rest_on = 1;
			g->phase = PH_REST;
			return 0;
		}
		if (piece_end > g->len)
			piece_end = g->len;
		while (at < piece_end && !g->blob[at])
			at++;
		if (at < piece_end)
			return 0; /* trailing bytes that are no member */
	}
}

/* Decoding sequentially from bit pos, a verified block boundary. */
static void seq_start(struct pgz *g, uint64_t pos)
{
	stop_workers(g);
	g->stats.fallbacks++;
	if (!g->seq) {
		g->seq = lw_xmalloc(sizeof(*g->seq));
		g->seqbuf = lw_xmalloc(SEG);
	}
	isal_at(g->seq, g->blob, pos, g->hist, g->hlen);
	g->seq_fed = (size_t)(g->seq->next_in - g->blob);
	g->phase = PH_SEQ;
}

static long seq_pull(struct pgz *g, const void **buf)
{
	struct inflate_state *st = g->seq;
	long n;

	st->next_out = g->seqbuf;
	st->avail_out = (uint32_t)SEG;
	for (;;) {
		uint32_t in0, out0;
		int r;

		if (st->block_state == ISAL_BLOCK_FINISH)
			break;
		if (!st->avail_in && g->seq_fed < g->len) {
			size_t k = g->len - g->seq_fed < IN_STEP ?
				g->len - g->seq_fed : IN_STEP;

			st->next_in = (uint8_t *)(uintptr_t)g->blob + g->seq_fed;
			st->avail_in = (uint32_t)k;
			g->seq_fed += k;
		}
		in0 = st->avail_in;
		out0 = st->avail_out;
		r = isal_inflate(st);
		if (r < 0)
			return fail(g, MSG_DATA);
		if (!st->avail_out || st->block_state == ISAL_BLOCK_FINISH)
			break;
		if (!st->avail_in && g->seq_fed >= g->len)
			break; /* truncated: fails, as the sequential reader */
		if (st->avail_in && in0 == st->avail_in && out0 == st->avail_out)
			return fail(g, MSG_DATA);
	}
	*buf = g->seqbuf;
	n = (long)(SEG - st->avail_out);
	if (st->block_state != ISAL_BLOCK_FINISH)
		return st->avail_out ? fail(g, MSG_TRUNC) : n;
	if (!n)
		return member_end(g, isal_end(st, g->blob));
	if (!g->checked && trailer_ok(g, isal_end(st, g->blob),
				      crc32_gzip_refl(g->crc, g->seqbuf,
						      (uint64_t)n),
				      g->total + (uint64_t)n))
		return -1;
	return n;
}

/* A segment's markers resolved from the 32 KiB before the chunk. */
static long resolve(struct pgz *g, struct seg *s)
{
	size_t k;

	for (k = 1; k <= s->nmk; k++) {
		struct mark m;
		size_t back;

		memcpy(&m, s->data + SEG - sizeof(m) * k, sizeof(m));
		back = WIN - m.idx;
		if (back > g->kwlen)
			return fail(g, MSG_DATA);
		s->data[m.at] = g->kwin[g->kwlen - back];
	}
	return (long)s->len;
}

static double clock_s(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Under the lock, when the consumer leaves chunk h for chunk next: whether
 * the cores were there to decode ahead during it (see SPEC_MIN). */
static void spec_check(struct pgz *g, size_t next)
{
	double wall = clock_s(CLOCK_MONOTONIC);
	double cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID);

	if (!g->always_ahead && g->h >= g->spec_until && g->t_wall > 0 &&
	    wall > g->t_wall &&
	    (cpu - g->t_cpu) / (wall - g->t_wall) < SPEC_MIN) {
		g->spec_until = next + SPEC_OFF;
		g->stats.throttled++;
	}
	g->t_wall = wall;
	g->t_cpu = cpu;
}

/* The first member's last chunk c is done: its bytes not given yet
 * (markers resolved here) against the trailer, before any is given. */
static int member_check(struct pgz *g, struct chunk *c)
{
	uint32_t crc = g->crc;
	uint64_t total = g->total;
	struct seg *q;

	for (q = c->head; q; q = q->next) {
		if (q->mk) {
			if (resolve(g, q) < 0)
				return -1;
			q->mk = 0;
		}
		crc = crc32_gzip_refl(crc, q->data, (uint64_t)q->len);
		total += q->len;
	}
	return trailer_ok(g, c->member_end, crc, total);
}

/* The next bytes of the chunks; 0 when the phase changed. */
static long chunks_pull(struct pgz *g, const void **buf)
{
	struct chunk *c = &g->c[g->h];
	long next;

	pthread_mutex_lock(&g->lock);
	if (!g->entered) {
		g->entered = 1;
		memcpy(g->kwin, g->hist, g->hlen);
		g->kwlen = g->hlen;
		if (c->state == C_IDLE && g->h) {
			c->known = 1;
			c->winlen = g->hlen;
		}
		pthread_cond_broadcast(&g->cond);
	}
	for (;;) {
		/* The last HOLD bytes wait for the chunk's outcome: like the
		 * sequential reader's last buffer, they are replaced by the
		 * failure, or checked against the trailer first. */
		if (c->head && (c->queued - c->head->len >= HOLD ||
				c->state == C_DONE || (!g->nfree &&
				g->nalloc >= NSEG + RESERVE))) {
			struct seg *s;
			long n;

			if (c->state == C_DONE && !c->dead &&
			    (c->err || (c->next < 0 && !g->checked))) {
				/* Done: no worker touches the list now. */
				pthread_mutex_unlock(&g->lock);
				if (c->err)
					return fail(g, c->err);
				if (member_check(g, c))
					return -1;
				pthread_mutex_lock(&g->lock);
			}
			s = c->head;
			c->head = s->next;
			if (!c->head)
				c->tail = NULL;
			c->queued -= s->len;
			pthread_mutex_unlock(&g->lock);
			g->given = s;
			*buf = s->data;
			n = s->mk ? resolve(g, s) : (long)s->len;
			return n;
		}
		if (!c->head && c->state == C_DONE)
			break;
		pthread_cond_wait(&g->cond, &g->lock);
	}
	next = c->next;
	g->stats.chunks++;
	g->stats.found += g->h > 0;
	g->stats.ahead += c->spec;
	g->stats.merged += c->merged;
	if (c->dead) {
		pthread_mutex_unlock(&g->lock);
		seq_start(g, c->dead_pos);
		return 0;
	}
	if (c->err || !next) {
		pthread_mutex_unlock(&g->lock);
		return fail(g, c->err ? c->err : MSG_DATA);
	}
	drop(g, g->h ? (size_t)(c->start >> 3) : g->d0,
	     next > 0 ? (size_t)(c->end >> 3) : c->member_end);
	if (next > 0) {
		spec_check(g, (size_t)next);
		g->h = (size_t)next;
		g->entered = 0;
	} else {
		g->h = g->nc;
	}
	reap(g);
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
	if (next < 0)
		return member_end(g, c->member_end);
	return 0;
}

static void release_given(struct pgz *g)
{
	if (g->given) {
		pthread_mutex_lock(&g->lock);
		put_seg(g, g->given);
		pthread_mutex_unlock(&g->lock);
		g->given = NULL;
	}
}

long lw_pgunzip_pull(struct lw_pgunzip *z, const void **buf, const char **msg)
{
	struct pgz *g = z->g;
	long n = 0;

	*buf = NULL;
	if (!g) {
		if (msg)
			*msg = "the parallel gzip reader is not open";
		return -1;
	}
	release_given(g);
	for (;;) {
		switch (g->phase) {
		case PH_CHUNKS:
			n = chunks_pull(g, buf);
			break;
		case PH_SEQ:
			n = seq_pull(g, buf);
			break;
		case PH_REST:
			n = lw_gunzip_fill(&g->rest, g->rest.out, LW_GUNZIP_OUT);
			*buf = g->rest.out;
			if (n < 0) {
				g->msg = g->rest.msg;
				g->phase = PH_FAIL;
			} else if (n == 0) {
				g->phase = PH_END;
			}
			return n;
		case PH_END:
			return 0;
		default:
			if (msg)
				*msg = g->msg;
			return -1;
		}
		if (n < 0) {
			if (msg)
				*msg = g->msg;
			return -1;
		}
		if (n > 0) {
			g->crc = crc32_gzip_refl(g->crc, *buf, (uint64_t)n);
			g->total += (uint64_t)n;
			hist_add(g, *buf, (size_t)n);
			return n;
		}
	}
}

void lw_pgunzip_stats(const struct lw_pgunzip *z, struct lw_pgunzip_stats *s)
{
	static const struct lw_pgunzip_stats none = { .chunks = 0 };

	*s = z->g ? z->g->stats : none;
}

void lw_pgunzip_close(struct lw_pgunzip *z)
{
	struct pgz *g = z->g;
	size_t i;

	if (!g)
		return;
	stop_workers(g);
	for (i = 0; i < g->nw; i++) {
		pthread_join(g->w[i].tid, NULL);
		free(g->w[i].md.o);
		free(g->w[i].sd.o);
	}
	free(g->w);
	release_given(g);
	for (i = 0; i < g->nc; i++) {
		struct chunk *c = &g->c[i];

		while (c->head) {
			struct seg *s = c->head;

			c->head = s->next;
			free(s);
		}
		free(c->pre);
	}
	while (g->free) {
		struct seg *s = g->free;

		g->free = s->next;
		free(s);
	}
	if (g->rest_on)
		lw_gunzip_release(&g->rest);
	free(g->seq);
	free(g->seqbuf);
	free(g->c);
	pthread_mutex_destroy(&g->lock);
	pthread_cond_destroy(&g->cond);
	free(g);
	z->g = NULL;
}

int lw_pgunzip_open(struct lw_pgunzip *z, const unsigned char *blob,
		    size_t len, const struct lw_pgunzip_opts *o,
		    struct lw_error *err)
{
	struct pgz *g;
	struct inflate_state *st;
	struct isal_gzip_header hdr;
	unsigned i, nw = o->threads ? o->threads : 1;
	size_t d0;
	int r;

	z->g = NULL;
	if (nw > MAX_WORKERS)
		nw = MAX_WORKERS;
	/* The member's header, by ISA-L. */
	st = lw_xmalloc(sizeof(*st));
	isal_inflate_init(st);
	st->crc_flag = ISAL_GZIP;
	st->next_in = (uint8_t *)(uintptr_t)blob;
	st->avail_in = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	isal_gzip_header_init(&hdr);
	r = isal_read_gzip_header(st, &hdr);
	d0 = (size_t)(st->next_in - blob);
	free(st);
	if (r != ISAL_DECOMP_OK)
		return lw_error_set(err, LW_ERR_INPUT, "no complete gzip header");
	g = lw_xcalloc(1, sizeof(*g));
	g->blob = blob;
	g->len = len;
	g->d0 = d0;
	g->chunk = o->chunk ? o->chunk : LW_PGZIP_CHUNK;
	g->smax = g->chunk / 2 < SEARCH_MAX ? g->chunk / 2 : SEARCH_MAX;
	g->drop = o->drop_pages;
	g->always_ahead = o->always_ahead;
	g->nc = (len - d0 + g->chunk - 1) / g->chunk;
	if (!g->nc)
		g->nc = 1;
	g->c = lw_xcalloc(g->nc, sizeof(*g->c));
	g->ahead = nw;
	fixed_init(&g->fx);
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->cond, NULL);
	g->w = lw_xcalloc(nw, sizeof(*g->w));
	z->g = g;
	for (i = 0; i < nw; i++) {
		struct worker *w = &g->w[i];

		w->g = g;
		mk_setup(&w->md, g);
		mk_setup(&w->sd, g);
		isal_inflate_init(&w->st);
		if (pthread_create(&w->tid, NULL, worker_main, w))
			break;
		g->nw++;
	}
	if (!g->nw) {
		lw_pgunzip_close(z);
		return lw_error_set(err, LW_ERR_NOMEM, "cannot start a thread");
	}
	return 0;
}

#endif
