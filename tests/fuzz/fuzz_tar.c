/* The tar walkers on one layer's bytes: libarchive's (the reference) and
 * the in-place one on the bytes mapped, and libarchive's and the stream
 * walker on the same bytes arriving in pieces (their size taken from the
 * input's length). Each pair must give the same index, or the same error,
 * for any bytes the fast walker does not hand back (--plain-reader's
 * promise). A difference aborts. */
#include <archive.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "layerwaste/index.h"

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void same_entries(const struct lw_layer_index *ref,
			 const struct lw_layer_index *fast)
{
	size_t i;

	if (ref->count != fast->count ||
	    ref->warnings.total != fast->warnings.total ||
	    ref->nkept != fast->nkept)
		abort();
	for (i = 0; i < ref->count; i++) {
		const struct lw_entry *x = &ref->entries[i];
		const struct lw_entry *y = &fast->entries[i];
		struct lw_pathbuf bx, by;

		if (strcmp(lw_entry_path(x, &bx), lw_entry_path(y, &by)) ||
		    x->type != y->type ||
		    x->size != y->size ||
		    lw_entry_mode(x) != lw_entry_mode(y) ||
		    lw_entry_uid(x) != lw_entry_uid(y) ||
		    lw_entry_gid(x) != lw_entry_gid(y) ||
		    lw_entry_mtime(x) != lw_entry_mtime(y) ||
		    lw_entry_xattr_hash(x) != lw_entry_xattr_hash(y) ||
		    !same_str(lw_entry_link(x), lw_entry_link(y)) ||
		    x->flags != y->flags || x->hash.lo != y->hash.lo ||
		    x->hash.hi != y->hash.hi ||
		    (x->type == LW_ENTRY_FILE && x->data_blk != y->data_blk))
			abort();
	}
	for (i = 0; i < ref->warnings.count; i++)
		if (strcmp(ref->warnings.items[i], fast->warnings.items[i]))
			abort();
	for (i = 0; i < ref->nkept; i++)
		if (ref->kept[i].entry != fast->kept[i].entry ||
		    ref->kept[i].len != fast->kept[i].len ||
		    memcmp(ref->kept[i].data, fast->kept[i].data,
			   ref->kept[i].len))
			abort();
}

static void same_outcome(int r1, const struct lw_error *e1,
			 const struct lw_layer_index *ref, int r2,
			 const struct lw_error *e2,
			 const struct lw_layer_index *fast)
{
	if (r1 == LW_ERR_NOMEM || r2 == LW_TAR_FALLBACK)
		return;
	if (r1 != r2)
		abort();
	if (r1 && strcmp(e1->msg, e2->msg))
		abort();
	if (!r1)
		same_entries(ref, fast);
}

struct pieces {
	const uint8_t *p;
	size_t len, pos, step, reads;
};

static la_ssize_t piece_read(struct archive *a, void *ctx, const void **buf)
{
	struct pieces *sp = ctx;
	size_t n = sp->len - sp->pos;

	(void)a;
	if (n > sp->step)
		n = sp->step;
	*buf = sp->p + sp->pos;
	sp->pos += n;
	sp->reads++;
	return (la_ssize_t)n;
}

static long piece_pull(void *ctx, const void **buf)
{
	return (long)piece_read(NULL, ctx, buf);
}

static struct archive *tar_reader(void)
{
	struct archive *a = archive_read_new();

	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	return a;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A cap inside most inputs: the walkers must stop at it alike. */
	struct lw_scan s = { .map = data, .map_len = size, .max_entries = 2000,
			     .max_bytes = size - size / 4 };
	struct lw_scan ss = { .max_entries = 2000, .max_bytes = size - size / 4,
			      .inflated = 1 };
	struct pieces pa = { .p = data, .len = size, .step = 1 + size % 1021 };
	struct pieces pb = pa;
	struct lw_layer_index ref, fast;
	struct lw_error e1 = { 0, "" }, e2 = { 0, "" };
	struct archive *a = tar_reader();
	uint64_t t1, t2;
	int r1, r2;

	lw_layer_index_init(&ref);
	lw_layer_index_init(&fast);
	if (archive_read_open_memory(a, data, size) == ARCHIVE_OK)
		r1 = lw_layer_scan(a, &s, &ref, &e1);
	else
		r1 = lw_error_set(&e1, LW_ERR_INPUT, "open");
	archive_read_free(a);
	r2 = lw_tar_scan_mapped(data, size, &s, &fast, &e2);
	if (size)
		same_outcome(r1, &e1, &ref, r2, &e2, &fast);
	lw_layer_index_release(&ref);
	lw_layer_index_release(&fast);

	/* The stream walker against libarchive on the same pieces: also the
	 * bytes consumed and the pieces asked for. */
	lw_layer_index_init(&ref);
	lw_layer_index_init(&fast);
	e1 = (struct lw_error){ 0, "" };
	e2 = (struct lw_error){ 0, "" };
	a = tar_reader();
	if (archive_read_open(a, &pa, NULL, piece_read, NULL) == ARCHIVE_OK)
		r1 = lw_layer_scan(a, &ss, &ref, &e1);
	else
		r1 = lw_error_set(&e1, LW_ERR_INPUT, "open");
	t1 = (uint64_t)archive_filter_bytes(a, 0);
	archive_read_free(a);
	r2 = lw_tar_scan_stream(piece_pull, &pb, &ss, &fast, &t2, &e2);
	if (r2 == LW_TAR_FALLBACK && (fast.count || fast.nkept))
		abort();
	same_outcome(r1, &e1, &ref, r2, &e2, &fast);
	if (r1 == 0 && r2 == 0 && (t1 != t2 || pa.reads != pb.reads))
		abort();
	lw_layer_index_release(&ref);
	lw_layer_index_release(&fast);
	return 0;
}
