#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inflate.h"
#include "layerwaste/util.h"

#ifdef LW_HAVE_ISAL
#define OUT_SIZE (1u << 20)

void lw_gunzip_init(struct lw_gunzip *z, lw_pull_fn pull, void *ctx)
{
	memset(z, 0, sizeof(*z));
	isal_inflate_init(&z->st);
	z->st.crc_flag = ISAL_GZIP;
	z->pull = pull;
	z->pull_ctx = ctx;
	z->out = lw_xmalloc(OUT_SIZE);
}

void lw_gunzip_release(struct lw_gunzip *z)
{
	free(z->out);
	z->out = NULL;
}

/* Refills the input when it ran dry. Returns -1 on a read error. */
static int refill(struct lw_gunzip *z)
{
	const void *p;
	la_ssize_t n;

	if (z->st.avail_in || z->eof)
		return 0;
	n = z->pull(z->pull_ctx, &p);
	if (n < 0)
		return -1;
	if (n == 0) {
		z->eof = 1;
		return 0;
	}
	z->st.next_in = (uint8_t *)(uintptr_t)p;
	z->st.avail_in = (uint32_t)n;
	return 0;
}

/* After a member: another member follows, or only zeros, or the end. */
static int next_member(struct lw_gunzip *z)
{
	for (;;) {
		if (refill(z) < 0)
			return -1;
		if (!z->st.avail_in) {
			z->done = 1;
			return 0;
		}
		if (z->st.next_in[0] == 0x1f) {
			uint8_t *in = z->st.next_in;
			uint32_t avail = z->st.avail_in;

			isal_inflate_reset(&z->st);
			z->st.crc_flag = ISAL_GZIP;
			z->st.next_in = in;
			z->st.avail_in = avail;
			return 0;
		}
		while (z->st.avail_in && !z->st.next_in[0]) {
			z->st.next_in++;
			z->st.avail_in--;
		}
		if (z->st.avail_in) {
			/* Trailing bytes that are no gzip member: gzip(1)
			 * ignores them too. */
			z->done = 1;
			return 0;
		}
	}
}

la_ssize_t lw_gunzip_read(struct archive *a, void *ctx, const void **buf)
{
	struct lw_gunzip *z = ctx;
	int r;

	*buf = z->out;
	if (z->done)
		return 0;
	z->st.next_out = z->out;
	z->st.avail_out = OUT_SIZE;
	while (z->st.avail_out && !z->done) {
		if (refill(z) < 0) {
			archive_set_error(a, EIO, "cannot read the compressed "
					  "layer");
			return -1;
		}
		if (z->st.block_state == ISAL_BLOCK_FINISH) {
			if (next_member(z) < 0) {
				archive_set_error(a, EIO, "cannot read the "
						  "compressed layer");
				return -1;
			}
			continue;
		}
		if (z->eof && !z->st.avail_in) {
			/* The input is over; inflate may still hold output. */
			uint32_t room = z->st.avail_out;

			r = isal_inflate(&z->st);
			if (r >= 0 && (z->st.block_state == ISAL_BLOCK_FINISH ||
				       z->st.avail_out != room))
				continue;
			if (r >= 0) {
				archive_set_error(a, EINVAL,
						  "truncated gzip input");
				return -1;
			}
		} else {
			r = isal_inflate(&z->st);
		}
		if (r < 0) {
			archive_set_error(a, EINVAL, "gzip decompression failed: "
					  "%s", r == ISAL_INCORRECT_CHECKSUM ?
					  "bad checksum" : "invalid data");
			return -1;
		}
	}
	return (la_ssize_t)(OUT_SIZE - z->st.avail_out);
}

#else /* !LW_HAVE_ISAL: never called, LW_FAST_GZIP is 0 */

void lw_gunzip_init(struct lw_gunzip *z, lw_pull_fn pull, void *ctx)
{
	memset(z, 0, sizeof(*z));
	z->pull = pull;
	z->pull_ctx = ctx;
}

void lw_gunzip_release(struct lw_gunzip *z)
{
	(void)z;
}

la_ssize_t lw_gunzip_read(struct archive *a, void *ctx, const void **buf)
{
	(void)ctx;
	*buf = NULL;
	archive_set_error(a, ENOSYS, "built without ISA-L");
	return -1;
}

#endif
