#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "unzstd.h"
#include "layerwaste/util.h"

#define OUT_SIZE (1u << 20)

/* The largest window log the cap allows, within what libzstd decodes. */
static int window_log(uint64_t max)
{
	ZSTD_bounds b = ZSTD_dParam_getBounds(ZSTD_d_windowLogMax);
	int lg = 0;

	while (lg < 63 && (2ull << lg) <= max)
		lg++;
	if (ZSTD_isError(b.error))
		return lg;
	return lg < b.lowerBound ? b.lowerBound :
		lg > b.upperBound ? b.upperBound : lg;
}

void lw_unzstd_init(struct lw_unzstd *z, lw_pull_fn pull, void *ctx,
		    uint64_t max_memory)
{
	memset(z, 0, sizeof(*z));
	z->pull = pull;
	z->pull_ctx = ctx;
	z->max_memory = max_memory ? max_memory : LW_MAX_MEMORY_DEFAULT;
	z->frame_at = 0;
	z->dctx = ZSTD_createDCtx();
	if (z->dctx)
		ZSTD_DCtx_setParameter(z->dctx, ZSTD_d_windowLogMax,
				       window_log(z->max_memory));
	z->out = lw_xmalloc(OUT_SIZE);
}

void lw_unzstd_release(struct lw_unzstd *z)
{
	ZSTD_freeDCtx(z->dctx);
	z->dctx = NULL;
	free(z->out);
	z->out = NULL;
}

static void size_text(uint64_t n, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	int k = -1;

	while (n && k < 3 && n % 1024 == 0) {
		n /= 1024;
		k++;
	}
	if (k < 0)
		snprintf(buf, len, "%" PRIu64 " bytes", n);
	else
		snprintf(buf, len, "%" PRIu64 " %s", n, units[k]);
}

/* The window a frame header declares (its Window_Descriptor, or the
 * content size of a single-segment frame), read from the stable frame
 * format. Returns 0, or -1 when the header is not all in p. */
static int frame_window(const unsigned char *p, size_t n, uint64_t *w)
{
	static const size_t did_len[] = { 0, 1, 2, 4 };
	static const size_t fcs_len[] = { 1, 2, 4, 8 };
	unsigned fhd;
	size_t at, len, i;
	uint64_t v = 0;

	if (n < 6 || p[0] != 0x28 || p[1] != 0xb5 || p[2] != 0x2f ||
	    p[3] != 0xfd)
		return -1;
	fhd = p[4];
	if (!(fhd & 0x20)) {
		uint64_t base = 1ull << (10 + (p[5] >> 3));

		*w = base + (base >> 3) * (p[5] & 7);
		return 0;
	}
	at = 5 + did_len[fhd & 3];
	len = fcs_len[fhd >> 6];
	if (n < at + len)
		return -1;
	for (i = len; i-- > 0;)
		v = v << 8 | p[at + i];
	*w = len == 2 ? v + 256 : v;
	return 0;
}

/* A frame asked for more window than the cap: say how much, when its
 * header is still at hand. */
static void too_large(struct archive *a, struct lw_unzstd *z)
{
	char need[48] = "a larger window", cap[32], w[32];
	uint64_t win;

	if (z->frame_at != SIZE_MAX &&
	    !frame_window(z->in + z->frame_at, z->in_len - z->frame_at,
			  &win)) {
		size_text(win, w, sizeof(w));
		snprintf(need, sizeof(need), "a %s window", w);
	}
	size_text(z->max_memory, cap, sizeof(cap));
	archive_set_error(a, ENOMEM, "zstd frame needs %s, past --max-memory "
			  "(%s); raise it with --max-memory", need, cap);
}

la_ssize_t lw_unzstd_read(struct archive *a, void *ctx, const void **buf)
{
	struct lw_unzstd *z = ctx;
	ZSTD_outBuffer out = { .dst = z->out, .size = OUT_SIZE, .pos = 0 };

	*buf = z->out;
	if (!z->dctx) {
		archive_set_error(a, ENOMEM, "out of memory");
		return -1;
	}
	while (!z->done && out.pos < out.size) {
		ZSTD_inBuffer in;
		size_t r;

		if (z->in_pos == z->in_len && !z->eof) {
			const void *p;
			la_ssize_t n = z->pull(z->pull_ctx, &p);

			if (n < 0) {
				archive_set_error(a, EIO, "cannot read the "
						  "compressed layer");
				return -1;
			}
			if (n == 0) {
				z->eof = 1;
			} else {
				z->in = p;
				z->in_len = (size_t)n;
				z->in_pos = 0;
				/* A frame that began before this buffer
				 * has its header out of reach. */
				if (z->started)
					z->frame_at = z->last ? SIZE_MAX : 0;
			}
		}
		if (z->in_pos == z->in_len && z->eof) {
			/* At a frame boundary the input may end; inside a
			 * frame the decoder may still hold output. */
			size_t before = out.pos;

			if (z->started && !z->last) {
				z->done = 1;
				break;
			}
			in = (ZSTD_inBuffer){ .src = NULL, .size = 0, .pos = 0 };
			r = ZSTD_decompressStream(z->dctx, &out, &in);
			if (!ZSTD_isError(r)) {
				z->last = r;
				if (out.pos != before || !r)
					continue;
			}
			archive_set_error(a, EINVAL, "truncated zstd input");
			return -1;
		}
		in = (ZSTD_inBuffer){ .src = z->in, .size = z->in_len,
				      .pos = z->in_pos };
		r = ZSTD_decompressStream(z->dctx, &out, &in);
		if (ZSTD_isError(r)) {
			if (ZSTD_getErrorCode(r) ==
			    ZSTD_error_frameParameter_windowTooLarge)
				too_large(a, z);
			else
				archive_set_error(a, EINVAL, "zstd "
						  "decompression failed: %s",
						  ZSTD_getErrorName(r));
			return -1;
		}
		z->in_pos = in.pos;
		z->started = 1;
		z->last = r;
		if (!r)
			z->frame_at = z->in_pos;
	}
	return (la_ssize_t)out.pos;
}
