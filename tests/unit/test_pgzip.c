/* Unit tests of pgzip.c, the parallel gunzip: on gzip streams made here
 * by zlib (levels 1, 6, 9) and by ISA-L (levels 0 to 3), of compressible
 * data of several sizes and of incompressible data (stored blocks), cut
 * into small chunks so that many chunk boundaries are searched and
 * verified, on 1, 2 and 4 threads, the bytes are exactly the input's, and
 * most chunks after the first did start at a found block; two members and
 * trailing zeros come out as the sequential reader gives them; a changed
 * byte, a wrong CRC or ISIZE and a truncation fail (-1), never succeed. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <isa-l/igzip_lib.h>

#include "inflate.h"
#include "pgzip.h"
#include "suite.h"

#define SMALL_CHUNK ((size_t)64 << 10)

struct buf {
	unsigned char *p;
	size_t n, cap;
};

static void put(struct buf *b, const void *p, size_t n)
{
	if (b->cap - b->n < n) {
		while (b->cap - b->n < n)
			b->cap = b->cap ? 2 * b->cap : 4096;
		b->p = realloc(b->p, b->cap);
		ck_assert_ptr_nonnull(b->p);
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Text-like data: words of a small vocabulary, numbers, lines; seeded. */
static struct buf text(size_t n, uint64_t seed)
{
	static const char *words[] = { "layer", "whiteout", "usr", "lib",
		"python3", "site-packages", "__pycache__", "the", "of", "and",
		"import", "def", "return", "self", "class", "None", "value",
		"config", "docker", "image", "blob", "sha256", "tar", "gzip" };
	struct buf b = { .p = NULL };
	uint64_t s = seed | 1;
	char tmp[64];

	while (b.n < n) {
		uint64_t r = rnd(&s);
		int k;

		if (r % 7 == 0)
			k = snprintf(tmp, sizeof(tmp), "%llu ",
				     (unsigned long long)(r >> 20) % 100000);
		else if (r % 11 == 0)
			k = snprintf(tmp, sizeof(tmp), "\n\t");
		else
			k = snprintf(tmp, sizeof(tmp), "%s ",
				     words[(r >> 8) % (sizeof(words) /
						       sizeof(words[0]))]);
		put(&b, tmp, (size_t)k);
	}
	b.n = n;
	return b;
}

static struct buf noise(size_t n, uint64_t seed)
{
	struct buf b = { .p = NULL };
	uint64_t s = seed | 1;
	size_t i;

	for (i = 0; i < n; i += 8) {
		uint64_t r = rnd(&s);

		put(&b, &r, 8);
	}
	b.n = n;
	return b;
}

static struct buf gz_zlib(const struct buf *in, int level)
{
	struct buf out = { .p = NULL };
	z_stream zs = { .zalloc = Z_NULL };
	unsigned char tmp[65536];
	int r;

	ck_assert_int_eq(deflateInit2(&zs, level, Z_DEFLATED, 31, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = in->p;
	zs.avail_in = (uInt)in->n;
	do {
		zs.next_out = tmp;
		zs.avail_out = sizeof(tmp);
		r = deflate(&zs, Z_FINISH);
		ck_assert_int_ne(r, Z_STREAM_ERROR);
		put(&out, tmp, sizeof(tmp) - zs.avail_out);
	} while (r != Z_STREAM_END);
	deflateEnd(&zs);
	return out;
}

static struct buf gz_isal(const struct buf *in, int level)
{
	static const uint32_t lbuf[] = { 0, ISAL_DEF_LVL1_DEFAULT,
		ISAL_DEF_LVL2_DEFAULT, ISAL_DEF_LVL3_DEFAULT };
	struct buf out = { .p = NULL };
	struct isal_zstream zs;
	unsigned char *tmp = malloc(1 << 16), *lb = NULL;

	isal_deflate_init(&zs);
	zs.gzip_flag = IGZIP_GZIP;
	zs.level = (uint32_t)level;
	if (level) {
		lb = malloc(lbuf[level]);
		zs.level_buf = lb;
		zs.level_buf_size = lbuf[level];
	}
	zs.next_in = in->p;
	zs.avail_in = (uint32_t)in->n;
	zs.end_of_stream = 1;
	zs.flush = NO_FLUSH;
	do {
		zs.next_out = tmp;
		zs.avail_out = 1 << 16;
		ck_assert_int_eq(isal_deflate(&zs), COMP_OK);
		put(&out, tmp, (1 << 16) - zs.avail_out);
	} while (zs.internal_state.state != ZSTATE_END);
	free(lb);
	free(tmp);
	return out;
}

/* Everything the parallel reader gives; its last code in *last. */
static struct buf pull_all_as(const struct buf *gz, unsigned threads,
			      size_t chunk, int ahead, long *last,
			      struct lw_pgunzip_stats *st)
{
	struct lw_pgunzip_opts o = { .threads = threads, .chunk = chunk,
				     .always_ahead = ahead };
	struct lw_pgunzip z;
	struct lw_error err;
	struct buf out = { .p = NULL };
	const void *p;
	const char *msg = NULL;
	long n;

	ck_assert_int_eq(lw_pgunzip_open(&z, gz->p, gz->n, &o, &err), 0);
	while ((n = lw_pgunzip_pull(&z, &p, &msg)) > 0)
		put(&out, p, (size_t)n);
	if (n < 0)
		ck_assert_ptr_nonnull(msg);
	/* The end and a failure are sticky. */
	ck_assert_int_eq(lw_pgunzip_pull(&z, &p, NULL), n);
	*last = n;
	if (st)
		lw_pgunzip_stats(&z, st);
	lw_pgunzip_close(&z);
	return out;
}

/* Always decoding ahead, whatever the load of the machine. */
static struct buf pull_all(const struct buf *gz, unsigned threads,
			   size_t chunk, long *last,
			   struct lw_pgunzip_stats *st)
{
	return pull_all_as(gz, threads, chunk, 1, last, st);
}

struct mem {
	const unsigned char *p;
	size_t len, pos;
};

static la_ssize_t mem_pull(void *ctx, const void **buf)
{
	struct mem *m = ctx;
	size_t n = m->len - m->pos < (1u << 20) ? m->len - m->pos : 1u << 20;

	*buf = m->p + m->pos;
	m->pos += n;
	return (la_ssize_t)n;
}

/* The sequential reader's bytes and last code. */
static struct buf seq_all(const struct buf *gz, long *last)
{
	struct mem m = { .p = gz->p, .len = gz->n };
	struct lw_gunzip z;
	struct buf out = { .p = NULL };
	long n;

	lw_gunzip_init(&z, mem_pull, &m);
	while ((n = lw_gunzip_fill(&z, z.out, LW_GUNZIP_OUT)) > 0)
		put(&out, z.out, (size_t)n);
	*last = n;
	lw_gunzip_release(&z);
	return out;
}

static void same(const struct buf *a, const struct buf *b)
{
	size_t i = 0;

	ck_assert_uint_eq(a->n, b->n);
	if (a->n && memcmp(a->p, b->p, a->n)) {
		while (a->p[i] == b->p[i])
			i++;
		ck_abort_msg("differs at byte %zu of %zu", i, a->n);
	}
}

/* gz decodes to want on 1, 2 and 4 threads; returns the chunks found
 * (after the first) on 2 threads. */
static unsigned check_all(const struct buf *gz, const struct buf *want,
			  size_t chunk)
{
	static const unsigned threads[] = { 1, 2, 4 };
	unsigned found = 0;
	size_t t;

	for (t = 0; t < 3; t++) {
		struct lw_pgunzip_stats st;
		long last;
		struct buf got = pull_all(gz, threads[t], chunk, &last, &st);

		ck_assert_int_eq(last, 0);
		same(&got, want);
		if (threads[t] == 2)
			found = st.found;
		free(got.p);
	}
	/* Pausing the decoding ahead when the cores are busy (as the load
	 * of the machine has it): the same bytes. */
	{
		long last;
		struct buf got = pull_all_as(gz, 2, chunk, 0, &last, NULL);

		ck_assert_int_eq(last, 0);
		same(&got, want);
		free(got.p);
	}
	return found;
}

static const size_t sizes[] = { 1000, 50000, 300001, 1234567, 4u << 20 };

START_TEST(zlib_levels)
{
	static const int levels[] = { 1, 6, 9 };
	size_t k;

	for (k = 0; k < 3; k++) {
		struct buf in = text(sizes[_i], 7 + (uint64_t)_i);
		struct buf gz = gz_zlib(&in, levels[k]);
		unsigned found = check_all(&gz, &in, SMALL_CHUNK);

		/* Chunks after the first start at found blocks, most of
		 * them (a failed search only makes a chunk longer). */
		if (gz.n > 4 * SMALL_CHUNK)
			ck_assert_uint_ge(found, gz.n / SMALL_CHUNK / 2);
		free(in.p);
		free(gz.p);
	}
}
END_TEST

START_TEST(isal_levels)
{
	int level;

	for (level = 0; level <= 3; level++) {
		struct buf in = text(sizes[_i], 99 + (uint64_t)_i);
		struct buf gz = gz_isal(&in, level);
		unsigned found = check_all(&gz, &in, SMALL_CHUNK);

		/* ISA-L's blocks are long (level 0 writes one): some
		 * are found. */
		if (level && gz.n > 8 * SMALL_CHUNK)
			ck_assert_uint_ge(found, 1);
		free(in.p);
		free(gz.p);
	}
}
END_TEST

/* Incompressible: stored blocks, found as well. */
START_TEST(stored)
{
	struct buf in = noise(3u << 20, 5);
	struct buf gz = gz_zlib(&in, 6);
	unsigned found = check_all(&gz, &in, SMALL_CHUNK);

	ck_assert_uint_ge(found, gz.n / SMALL_CHUNK / 4);
	free(in.p);
	free(gz.p);
	in = noise(777777, 6);
	gz = gz_isal(&in, 1);
	check_all(&gz, &in, SMALL_CHUNK);
	free(in.p);
	free(gz.p);
}
END_TEST

/* The default chunk size on a stream of a few chunks. */
START_TEST(default_chunk)
{
	struct buf in = text(24u << 20, 3);
	struct buf gz = gz_isal(&in, 1);
	unsigned found = check_all(&gz, &in, 0);

	ck_assert_uint_ge(found, 1);
	free(in.p);
	free(gz.p);
}
END_TEST

/* Two members, then zeros: as the sequential reader. */
START_TEST(members_and_padding)
{
	struct buf a = text(700000, 11), b = text(300000, 12);
	struct buf ga = gz_zlib(&a, 6), gb = gz_isal(&b, 2);
	struct buf gz = { .p = NULL }, want = { .p = NULL }, got, ref;
	static const unsigned char zeros[5000];
	long last, rlast;

	put(&gz, ga.p, ga.n);
	put(&gz, gb.p, gb.n);
	put(&want, a.p, a.n);
	put(&want, b.p, b.n);
	check_all(&gz, &want, SMALL_CHUNK);
	put(&gz, zeros, sizeof(zeros));
	check_all(&gz, &want, SMALL_CHUNK);
	ref = seq_all(&gz, &rlast);
	got = pull_all(&gz, 2, SMALL_CHUNK, &last, NULL);
	ck_assert_int_eq(rlast, 0);
	same(&ref, &got);
	/* Bytes that are no member after the zeros: ignored by both. */
	put(&gz, "junk", 4);
	free(got.p);
	got = pull_all(&gz, 2, SMALL_CHUNK, &last, NULL);
	ck_assert_int_eq(last, 0);
	same(&got, &want);
	free(a.p);
	free(b.p);
	free(ga.p);
	free(gb.p);
	free(gz.p);
	free(want.p);
	free(got.p);
	free(ref.p);
}
END_TEST

/* Fails, as the sequential reader does, and like it keeps back the last
 * bytes: a caller that stops at the end of its archive still sees the
 * failure. Returns how many bytes came before it (on 2 threads). */
static size_t fails(const struct buf *gz)
{
	static const unsigned threads[] = { 1, 2, 4 };
	size_t t, given = 0;
	long last;
	struct buf ref = seq_all(gz, &last);

	ck_assert_int_eq(last, -1);
	free(ref.p);
	for (t = 0; t < 3; t++) {
		struct buf got = pull_all(gz, threads[t], SMALL_CHUNK, &last,
					  NULL);

		ck_assert_int_eq(last, -1);
		if (threads[t] == 2)
			given = got.n;
		free(got.p);
	}
	return given;
}

START_TEST(corrupt)
{
	struct buf in = text(2u << 20, 21);
	struct buf gz = gz_zlib(&in, 6);
	unsigned char *p = gz.p;
	size_t at;

	/* A changed byte in the middle of several chunks, one at a time. */
	for (at = gz.n / 3; at < gz.n - 8; at += gz.n / 7) {
		p[at] ^= 0x5a;
		fails(&gz);
		p[at] ^= 0x5a;
	}
	/* A wrong CRC32, a wrong ISIZE: the last bytes are not given. */
	p[gz.n - 8] ^= 1;
	ck_assert_uint_lt(fails(&gz), in.n);
	p[gz.n - 8] ^= 1;
	p[gz.n - 2] ^= 1;
	ck_assert_uint_lt(fails(&gz), in.n);
	p[gz.n - 2] ^= 1;
	/* Truncations: in the data, in the trailer. */
	at = gz.n;
	gz.n = at / 2;
	fails(&gz);
	gz.n = at - 3;
	fails(&gz);
	gz.n = at;
	free(in.p);
	free(gz.p);
}
END_TEST

static Suite *pgzip_suite(void)
{
	Suite *s = suite_create("pgzip");
	TCase *tc = tcase_create("pgzip");

	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, zlib_levels, 0, 5);
	tcase_add_loop_test(tc, isal_levels, 0, 5);
	tcase_add_test(tc, stored);
	tcase_add_test(tc, default_chunk);
	tcase_add_test(tc, members_and_padding);
	tcase_add_test(tc, corrupt);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return lwt_run_suite(pgzip_suite());
}
