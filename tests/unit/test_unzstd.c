/* Unit tests of the zstd read callback (analyzer/read/unzstd.c): what it
 * decodes from input cut in any pieces (concatenated and skippable
 * frames, a frame ending where a piece does), the window cap of
 * --max-memory with the message naming both sizes, and each way input
 * goes wrong (cut short, damaged, unreadable), always as an error and
 * never as a short success. */
#include <archive.h>
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#include "unzstd.h"
#include "suite.h"

/* ---- the compressed input, handed out `piece` bytes at a time ---- */

struct feed {
	const unsigned char *p;
	size_t len, at, piece;
	int fail_at_end; /* a read error instead of the end of input */
};

static la_ssize_t feed_pull(void *ctx, const void **buf)
{
	struct feed *f = ctx;
	size_t n = f->len - f->at;

	if (!n)
		return f->fail_at_end ? -1 : 0;
	if (n > f->piece)
		n = f->piece;
	*buf = f->p + f->at;
	f->at += n;
	return (la_ssize_t)n;
}

/* Decodes all of f with the cap max_memory into a new buffer (*out,
 * *outlen). Returns 0, or -1 with the callback's error in msg. */
static int decode(struct feed *f, uint64_t max_memory, unsigned char **out,
		  size_t *outlen, char *msg, size_t msglen)
{
	struct archive *a = archive_read_new();
	struct lw_unzstd z;
	size_t cap = 1 << 16, len = 0;
	unsigned char *o = malloc(cap);
	int rc = 0;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(o);
	lw_unzstd_init(&z, feed_pull, f, max_memory);
	for (;;) {
		const void *p;
		la_ssize_t n = lw_unzstd_read(a, &z, &p);

		if (n < 0) {
			snprintf(msg, msglen, "%s",
				 archive_error_string(a) ?
				 archive_error_string(a) : "(none)");
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		while (len + (size_t)n > cap) {
			cap *= 2;
			o = realloc(o, cap);
			ck_assert_ptr_nonnull(o);
		}
		memcpy(o + len, p, (size_t)n);
		len += (size_t)n;
	}
	lw_unzstd_release(&z);
	archive_read_free(a);
	*out = o;
	*outlen = len;
	return rc;
}

/* Bytes that compress a little: a counter and some text. */
static unsigned char *plain(size_t n, unsigned seed)
{
	unsigned char *p = malloc(n);
	size_t i;

	ck_assert_ptr_nonnull(p);
	for (i = 0; i < n; i++)
		p[i] = (unsigned char)((i % 251) ^ (i / 4096) ^ seed ^
				       "layerwaste"[i % 10]);
	return p;
}

/* One frame of src, written without its content size (as a streaming
 * compressor does) at window log wlog (0: the level's). Returns the
 * compressed length in dst (capacity dcap). */
static size_t frame(const unsigned char *src, size_t n, int wlog,
		    unsigned char *dst, size_t dcap)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	ZSTD_outBuffer out = { .dst = dst, .size = dcap, .pos = 0 };
	ZSTD_inBuffer in = { .src = src, .size = 0, .pos = 0 };
	size_t r;

	ck_assert_ptr_nonnull(c);
	ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 3);
	ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 0);
	if (wlog)
		ZSTD_CCtx_setParameter(c, ZSTD_c_windowLog, wlog);
	/* In pieces, so that the size stays unknown and the window is
	 * the one asked for. */
	while (in.pos < n) {
		in.size = in.pos + 65536 < n ? in.pos + 65536 : n;
		r = ZSTD_compressStream2(c, &out, &in, ZSTD_e_continue);
		ck_assert_msg(!ZSTD_isError(r), "%s", ZSTD_getErrorName(r));
	}
	do {
		r = ZSTD_compressStream2(c, &out, &in, ZSTD_e_end);
		ck_assert_msg(!ZSTD_isError(r), "%s", ZSTD_getErrorName(r));
	} while (r);
	ZSTD_freeCCtx(c);
	return out.pos;
}

/* Two frames with a skippable frame between them, and what they hold. */
struct sample {
	unsigned char *z, *want;
	size_t zlen, wantlen;
};

static void sample_make(struct sample *s)
{
	const size_t n1 = 3u << 20, n2 = 200000;
	unsigned char *a = plain(n1, 1), *b = plain(n2, 7);
	size_t cap = ZSTD_compressBound(n1) + ZSTD_compressBound(n2) + 64;

	s->z = malloc(cap);
	s->want = malloc(n1 + n2);
	ck_assert_ptr_nonnull(s->z);
	ck_assert_ptr_nonnull(s->want);
	s->zlen = frame(a, n1, 0, s->z, cap);
	/* A skippable frame: magic 0x184D2A50, 4-byte size, its bytes. */
	memcpy(s->z + s->zlen, "\x50\x2a\x4d\x18\x05\x00\x00\x00skip!", 13);
	s->zlen += 13;
	s->zlen += frame(b, n2, 0, s->z + s->zlen, cap - s->zlen);
	memcpy(s->want, a, n1);
	memcpy(s->want + n1, b, n2);
	s->wantlen = n1 + n2;
	free(a);
	free(b);
}

static void sample_release(struct sample *s)
{
	free(s->z);
	free(s->want);
}

/* ---- tests ---- */

START_TEST(test_pieces)
{
	/* Pieces of 1 byte cross every header; the others every boundary
	 * of a frame at some point. */
	static const size_t pieces[] = { 1, 2, 5, 13, 512, 4093, 65536,
					 SIZE_MAX };
	struct sample s;
	unsigned char *out;
	size_t outlen, i;
	char msg[256];

	sample_make(&s);
	for (i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		struct feed f = { .p = s.z, .len = s.zlen,
				  .piece = pieces[i] };

		ck_assert_msg(!decode(&f, 0, &out, &outlen, msg, sizeof(msg)),
			      "pieces of %zu: %s", pieces[i], msg);
		ck_assert_uint_eq(outlen, s.wantlen);
		ck_assert_msg(!memcmp(out, s.want, outlen),
			      "pieces of %zu: other bytes", pieces[i]);
		free(out);
	}
	sample_release(&s);
}
END_TEST

START_TEST(test_empty)
{
	struct feed f = { .p = (const unsigned char *)"", .len = 0,
			  .piece = 1 };
	unsigned char *out;
	size_t outlen;
	char msg[256];

	/* No frame at all is no zstd stream (zstd -d says "unexpected end
	 * of file" too), not an empty layer. */
	ck_assert(decode(&f, 0, &out, &outlen, msg, sizeof(msg)) < 0);
	ck_assert_str_eq(msg, "truncated zstd input");
	free(out);
}
END_TEST

START_TEST(test_window_cap)
{
	/* A frame made with a 16 MiB window (no content size: the header
	 * declares the window) against caps below and at it. */
	const size_t n = 1u << 20;
	unsigned char *src = plain(n, 3), *z, *out;
	size_t cap = ZSTD_compressBound(n), zlen, outlen;
	struct feed f = { .piece = 4096 };
	char msg[256];

	z = malloc(cap);
	ck_assert_ptr_nonnull(z);
	zlen = frame(src, n, 24, z, cap);
	f.p = z;
	f.len = zlen;
	ck_assert(decode(&f, 1u << 20, &out, &outlen, msg, sizeof(msg)) < 0);
	ck_assert_str_eq(msg, "zstd frame needs a 16 MiB window, past "
			 "--max-memory (1 MiB); raise it with --max-memory");
	free(out);
	/* A cap that is no power of two rounds down. */
	f.at = 0;
	ck_assert(decode(&f, (12u << 20) + 1, &out, &outlen, msg,
			 sizeof(msg)) < 0);
	ck_assert_msg(strstr(msg, "16 MiB window") != NULL, "%s", msg);
	free(out);
	f.at = 0;
	ck_assert_msg(!decode(&f, 16u << 20, &out, &outlen, msg, sizeof(msg)),
		      "%s", msg);
	ck_assert_uint_eq(outlen, n);
	ck_assert(!memcmp(out, src, n));
	free(out);
	free(z);
	free(src);
}
END_TEST

START_TEST(test_truncated)
{
	struct sample s;
	unsigned char *out;
	size_t outlen;
	char msg[256];
	/* Cut inside the first frame, inside the skippable frame's size,
	 * and one byte before the end. */
	size_t cuts[3], i;

	sample_make(&s);
	cuts[0] = s.zlen / 3;
	cuts[1] = 0;
	cuts[2] = s.zlen - 1;
	for (i = 0; i < s.zlen; i++)
		if (!memcmp(s.z + i, "\x50\x2a\x4d\x18", 4)) {
			cuts[1] = i + 6;
			break;
		}
	ck_assert_uint_ne(cuts[1], 0);
	for (i = 0; i < 3; i++) {
		struct feed f = { .p = s.z, .len = cuts[i], .piece = 777 };

		ck_assert_msg(decode(&f, 0, &out, &outlen, msg,
				     sizeof(msg)) < 0,
			      "cut at %zu of %zu decoded as whole", cuts[i],
			      s.zlen);
		free(out);
	}
	sample_release(&s);
}
END_TEST

START_TEST(test_damaged)
{
	struct sample s;
	unsigned char *out;
	size_t outlen;
	char msg[256];
	struct feed f = { .piece = 4096 };

	sample_make(&s);
	f.p = s.z;
	f.len = s.zlen;
	s.z[0] ^= 0xff; /* no zstd magic */
	ck_assert(decode(&f, 0, &out, &outlen, msg, sizeof(msg)) < 0);
	ck_assert_msg(!strncmp(msg, "zstd decompression failed: ", 27), "%s",
		      msg);
	free(out);
	sample_release(&s);
}
END_TEST

START_TEST(test_read_error)
{
	struct sample s;
	unsigned char *out;
	size_t outlen;
	char msg[256];
	struct feed f = { .piece = 65536, .fail_at_end = 1 };

	sample_make(&s);
	f.p = s.z;
	f.len = s.zlen / 2;
	ck_assert(decode(&f, 0, &out, &outlen, msg, sizeof(msg)) < 0);
	ck_assert_str_eq(msg, "cannot read the compressed layer");
	free(out);
	sample_release(&s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("unzstd");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_pieces);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_window_cap);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_damaged);
	tcase_add_test(tc, test_read_error);
	suite_add_tcase(s, tc);
	return lwt_run_suite(s);
}
