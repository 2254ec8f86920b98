/* The stream tar walker (index.h): tar_mapped.c's header parser on a tar
 * stream that arrives in buffers from a pull function (a decompressor),
 * content hashed as it passes, without libarchive.
 *
 * It gives what lw_layer_scan() gives on a libarchive archive opened on
 * the same stream. Headers are parsed where they lie in the buffer at
 * hand; the few that straddle two buffers are gathered into a window of
 * their own first. Bytes are asked for only when libarchive's tar reader
 * would ask for them (the next header, the next data byte, the block
 * after the end marker), so that the two see the same read failures.
 * Whatever depends on more than the bytes (how libarchive buffers them,
 * the wording of a decompressor's failure) is handed back: the caller
 * reads the layer again through libarchive. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "layerwaste/util.h"
#include "tar_priv.h"

#define BLOCK 512

struct stream {
	lw_tar_pull_fn pull;
	void *ctx;
	/* The buffer pulled last, consumed up to cur_pos. */
	const unsigned char *cur;
	size_t cur_len, cur_pos;
	/* Bytes gathered from earlier buffers, win[win_pos..win_len): when
	 * any are left, they come before cur[cur_pos]. */
	unsigned char *win;
	size_t win_len, win_pos, win_cap;
	uint64_t pos; /* stream offset of the next byte not consumed */
	int end;      /* pull said the end (cur is then all consumed) */
	int failed;   /* pull failed */
};

/* The next buffer, once cur is consumed: 1, 0 at the end, -1 on failure
 * (both sticky). */
static int pull_more(struct stream *st)
{
	const void *p;
	long n;

	if (st->failed)
		return -1;
	if (st->end)
		return 0;
	n = st->pull(st->ctx, &p);
	if (n < 0) {
		st->failed = 1;
		return -1;
	}
	if (n == 0) {
		st->end = 1;
		return 0;
	}
	st->cur = p;
	st->cur_len = (size_t)n;
	st->cur_pos = 0;
	return 1;
}

/* The bytes at hand from the consumption point: the gathered ones when
 * there are any, else the rest of cur. */
static void view(const struct stream *st, const unsigned char **p,
		 size_t *len)
{
	if (st->win_pos < st->win_len) {
		*p = st->win + st->win_pos;
		*len = st->win_len - st->win_pos;
	} else {
		*p = st->cur ? st->cur + st->cur_pos : NULL;
		*len = st->cur_len - st->cur_pos;
	}
}

/* Consumes n bytes of the view. */
static void advance(struct stream *st, size_t n)
{
	if (st->win_pos < st->win_len)
		st->win_pos += n;
	else
		st->cur_pos += n;
	st->pos += n;
}

static void win_add(struct stream *st, const unsigned char *p, size_t n)
{
	lw_grow((void **)&st->win, &st->win_cap, st->win_len + n, 1);
	memcpy(st->win + st->win_len, p, n);
	st->win_len += n;
}

/* Makes the next need bytes one view, pulling (only) what they lack.
 * Returns 0, or -1 when pull failed; at the end the view may be
 * shorter. */
static int gather(struct stream *st, size_t need)
{
	const unsigned char *p;
	size_t len;

	view(st, &p, &len);
	if (len >= need)
		return 0;
	if (st->win_pos < st->win_len) {
		memmove(st->win, st->win + st->win_pos,
			st->win_len - st->win_pos);
		st->win_len -= st->win_pos;
	} else {
		st->win_len = 0;
		if (len)
			win_add(st, p, len);
		st->cur_pos = st->cur_len;
	}
	st->win_pos = 0;
	while (st->win_len < need) {
		size_t take;

		if (st->cur_pos == st->cur_len) {
			int r = pull_more(st);

			if (r < 0)
				return -1;
			if (r == 0)
				break;
		}
		take = st->cur_len - st->cur_pos;
		if (take > need - st->win_len)
			take = need - st->win_len;
		win_add(st, st->cur + st->cur_pos, take);
		st->cur_pos += take;
	}
	return 0;
}

/* Passes n bytes of entry data to the hash and keep (either NULL), or
 * skips them. Returns 0, or -1 when the stream ended or failed first, or
 * when a piece starts past max (0: no cap). libarchive checks the cap
 * where each of its own pieces starts, which need not be where ours do:
 * whether it stops inside the entry or at the next header depends on its
 * buffers, so the layer is handed back (and libarchive stops there soon,
 * where a bomb would otherwise be read whole). */
static int data(struct stream *st, uint64_t n, uint64_t max, XXH3_state_t *x,
		struct lw_strbuf *keep)
{
	while (n) {
		const unsigned char *p;
		size_t len;

		if (max && st->pos > max)
			return -1;
		view(st, &p, &len);
		if (!len) {
			if (pull_more(st) <= 0)
				return -1;
			continue;
		}
		if (len > n)
			len = (size_t)n;
		if (x)
			lw_hash_update(x, p, len);
		if (keep)
			lw_strbuf_add(keep, (const char *)p, len);
		advance(st, len);
		n -= len;
	}
	return 0;
}

/* Reads the next entry's headers. Returns an lw_tar_rd; a pull failure
 * reads as LW_TAR_RD_FALLBACK. */
static int headers(struct stream *st, struct lw_tar_walker *tw,
		   struct lw_tar_head *h)
{
	size_t need = BLOCK;

	for (;;) {
		const unsigned char *p;
		size_t len;
		int r;

		if (gather(st, need) < 0)
			return LW_TAR_RD_FALLBACK;
		view(st, &p, &len);
		r = lw_tar_walker_next(tw, p, len, st->end, h, &need);
		if (r != LW_TAR_RD_MORE)
			return r;
	}
}

/* The content of a regular file, as lw_layer_scan()'s stream_content()
 * takes it: hashed, and kept when it is a small file the checks read. */
static int file_content(struct stream *st, const struct lw_scan *s,
			struct lw_layer_index *ix, struct lw_entry *e,
			XXH3_state_t *x)
{
	struct lw_strbuf keep = LW_STRBUF_INIT;
	int want = lw_scan_wants_kept(ix, e);
	XXH128_hash_t hv;
	int rc = 0;

	XXH3_128bits_reset(x);
	if (data(st, e->size, s->max_bytes, x, want ? &keep : NULL) < 0) {
		rc = -1;
		goto out;
	}
	hv = XXH3_128bits_digest(x);
	e->hash.lo = hv.low64;
	e->hash.hi = hv.high64;
	e->flags |= LW_ENTRY_HASHED;
	if (want && keep.len == e->size)
		lw_scan_keep(ix, e, keep.buf, keep.len);
out:
	lw_strbuf_release(&keep);
	return rc;
}

/* The end marker at the consumption point: libarchive consumes its
 * block, and the next one too when it can read it and it is zeros; a
 * failure to read it is forgotten. */
static void end_marker(struct stream *st)
{
	const unsigned char *p;
	size_t len, i;

	view(st, &p, &len);
	if (len < BLOCK)
		return; /* the stream's end at a block boundary */
	advance(st, BLOCK);
	if (gather(st, BLOCK) < 0)
		return;
	view(st, &p, &len);
	if (len < BLOCK)
		return;
	for (i = 0; i < BLOCK && !p[i]; i++)
		;
	if (i == BLOCK)
		advance(st, BLOCK);
}

int lw_tar_scan_stream(lw_tar_pull_fn pull, void *ctx,
		       const struct lw_scan *s, struct lw_layer_index *ix,
		       uint64_t *tar_bytes, struct lw_error *err)
{
	struct stream st = { .pull = pull, .ctx = ctx };
	struct lw_scan_names names = { { NULL }, 0 };
	struct lw_tar_walker *tw = NULL;
	XXH3_state_t *x = XXH3_createState();
	struct lw_tar_head h;
	struct lw_entry *file;
	const unsigned char *p;
	size_t n = 0, len;
	int rc = LW_OK;

	*tar_bytes = 0;
	if (!x) {
		rc = lw_error_set(err, LW_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (gather(&st, BLOCK) < 0)
		goto fallback;
	view(&st, &p, &len);
	if (!lw_tar_walker_takes(p, len))
		goto fallback;
	tw = lw_tar_walker_new();
	for (;;) {
		uint64_t pad;
		int r = headers(&st, tw, &h);

		if (r == LW_TAR_RD_EOF) {
			advance(&st, (size_t)h.next);
			end_marker(&st);
			break;
		}
		if (r == LW_TAR_RD_FALLBACK || r == LW_TAR_RD_MORE ||
		    (r != LW_TAR_RD_OK && n == 0))
			goto fallback;
		if (r != LW_TAR_RD_OK) {
			/* libarchive may have stopped at --max-bytes inside
			 * the last entry's data already, or not: that
			 * depends on its buffers. */
			if (s->max_bytes && st.pos > s->max_bytes)
				goto fallback;
			rc = lw_error_set(err, LW_ERR_INPUT, "corrupt or "
					  "truncated tar after %zu entries: %s",
					  n, r == LW_TAR_RD_TRUNCATED ?
					  "Truncated tar archive" :
					  "Damaged tar archive");
			goto out;
		}
		advance(&st, (size_t)h.data_off);
		pad = h.next - h.data_off - h.data_len;
		if (h.warning)
			lw_warnings_add(&ix->warnings, "%s", h.warning);
		rc = lw_scan_cap(s, st.pos, err);
		if (!rc)
			rc = lw_scan_add(s, &h.it, ix, &names, &file, err);
		if (rc)
			goto out;
		if (file && file->size != h.data_len)
			goto fallback;
		if (file ? file_content(&st, s, ix, file, x) < 0 :
		    data(&st, h.data_len, s->max_bytes, NULL, NULL) < 0)
			goto fallback;
		if (data(&st, pad, 0, NULL, NULL) < 0)
			goto fallback;
		n++;
		if (s->tick && n % LW_SCAN_TICK_ENTRIES == 0)
			s->tick(s->tick_ctx, st.pos);
	}
	*tar_bytes = st.pos;
	rc = lw_scan_cap(s, st.pos, err);
	if (!rc) {
		lw_scan_resolve_hardlinks(ix);
		lw_layer_index_done(ix);
	}
	goto out;
fallback:
	rc = LW_TAR_FALLBACK;
	lw_layer_index_release(ix);
	lw_layer_index_init(ix);
out:
	lw_tar_walker_free(tw);
	XXH3_freeState(x);
	free(st.win);
	return rc;
}
