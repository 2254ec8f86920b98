#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inflate.h"
#include "layerwaste/util.h"

#ifdef LW_HAVE_ISAL
#define OUT_SIZE LW_GUNZIP_OUT

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

long lw_gunzip_fill(struct lw_gunzip *z, unsigned char *out, size_t cap)
{
	int r;

	if (z->msg)
		return -1;
	if (z->done)
		return 0;
	z->st.next_out = out;
	z->st.avail_out = (uint32_t)cap;
	while (z->st.avail_out && !z->done) {
		if (refill(z) < 0) {
			z->msg = "cannot read the compressed layer";
			z->err = EIO;
			return -1;
		}
		if (z->st.block_state == ISAL_BLOCK_FINISH) {
			if (next_member(z) < 0) {
				z->msg = "cannot read the compressed layer";
				z->err = EIO;
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
				z->msg = "truncated gzip input";
				z->err = EINVAL;
				return -1;
			}
		} else {
			r = isal_inflate(&z->st);
		}
		if (r < 0) {
			z->msg = r == ISAL_INCORRECT_CHECKSUM ?
				"gzip decompression failed: bad checksum" :
				"gzip decompression failed: invalid data";
			z->err = EINVAL;
			return -1;
		}
	}
	return (long)(cap - z->st.avail_out);
}

la_ssize_t lw_gunzip_read(struct archive *a, void *ctx, const void **buf)
{
	struct lw_gunzip *z = ctx;
	long n = lw_gunzip_fill(z, z->out, OUT_SIZE);

	*buf = z->out;
	if (n < 0 && a)
		archive_set_error(a, z->err, "%s", z->msg);
	return (la_ssize_t)n;
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

long lw_gunzip_fill(struct lw_gunzip *z, unsigned char *out, size_t cap)
{
	(void)out;
	(void)cap;
	z->msg = "built without ISA-L";
	z->err = ENOSYS;
	return -1;
}

la_ssize_t lw_gunzip_read(struct archive *a, void *ctx, const void **buf)
{
	(void)ctx;
	*buf = NULL;
	if (a)
		archive_set_error(a, ENOSYS, "built without ISA-L");
	return -1;
}

#endif

/* ---- the ring ---- */

void lw_pipe_init(struct lw_pipe *p, lw_fill_fn fill, void *ctx)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->fill = fill;
	p->ctx = ctx;
	for (i = 0; i < LW_PIPE_SLOTS; i++)
		p->slot[i] = lw_xmalloc(LW_PIPE_SLOT);
}

void lw_pipe_produce(struct lw_pipe *p)
{
	pthread_mutex_lock(&p->lock);
	for (;;) {
		size_t i;
		long n;

		while (!p->stop && p->made - p->released >= LW_PIPE_SLOTS)
			pthread_cond_wait(&p->cond, &p->lock);
		if (p->stop)
			break;
		i = (size_t)(p->made % LW_PIPE_SLOTS);
		pthread_mutex_unlock(&p->lock);
		n = p->fill(p->ctx, p->slot[i], LW_PIPE_SLOT);
		pthread_mutex_lock(&p->lock);
		p->len[i] = n;
		p->made++;
		pthread_cond_broadcast(&p->cond);
		if (n <= 0)
			break;
	}
	p->finished = 1;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

long lw_pipe_pull(struct lw_pipe *p, const void **buf)
{
	size_t i;
	long n;

	pthread_mutex_lock(&p->lock);
	if (p->released != p->taken) {
		p->released = p->taken;
		pthread_cond_broadcast(&p->cond);
	}
	while (p->made == p->taken)
		pthread_cond_wait(&p->cond, &p->lock);
	i = (size_t)(p->taken % LW_PIPE_SLOTS);
	n = p->len[i];
	if (n > 0)
		p->taken++;
	pthread_mutex_unlock(&p->lock);
	*buf = p->slot[i];
	return n;
}

void lw_pipe_stop(struct lw_pipe *p)
{
	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_cond_broadcast(&p->cond);
	while (!p->finished)
		pthread_cond_wait(&p->cond, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

void lw_pipe_release(struct lw_pipe *p)
{
	size_t i;

	for (i = 0; i < LW_PIPE_SLOTS; i++)
		free(p->slot[i]);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	memset(p, 0, sizeof(*p));
}
