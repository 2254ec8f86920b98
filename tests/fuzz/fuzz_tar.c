/* The two tar walkers on one layer's bytes: libarchive's (the reference)
 * and the in-place one must give the same index, or the same error, for
 * any bytes the in-place walker does not hand back (--plain-reader's
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A cap inside most inputs: both walkers must stop at it alike. */
	struct lw_scan s = { .map = data, .map_len = size, .max_entries = 2000,
			     .max_bytes = size - size / 4 };
	struct lw_layer_index ref, fast;
	struct lw_error e1 = { 0, "" }, e2 = { 0, "" };
	struct archive *a = archive_read_new();
	int r1, r2;
	size_t i;

	lw_layer_index_init(&ref);
	lw_layer_index_init(&fast);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	if (archive_read_open_memory(a, data, size) == ARCHIVE_OK)
		r1 = lw_layer_scan(a, &s, &ref, &e1);
	else
		r1 = lw_error_set(&e1, LW_ERR_INPUT, "open");
	archive_read_free(a);
	r2 = lw_tar_scan_mapped(data, size, &s, &fast, &e2);
	if (r2 != LW_TAR_FALLBACK && size && r1 != LW_ERR_NOMEM) {
		if ((r1 == 0) != (r2 == 0))
			abort();
		if (r1 == 0) {
			if (ref.count != fast.count)
				abort();
			for (i = 0; i < ref.count; i++) {
				const struct lw_entry *x = &ref.entries[i];
				const struct lw_entry *y = &fast.entries[i];

				if (strcmp(x->path, y->path) ||
				    x->type != y->type || x->size != y->size ||
				    x->mode != y->mode || x->uid != y->uid ||
				    x->gid != y->gid || x->mtime != y->mtime ||
				    !same_str(x->link, y->link) ||
				    (x->type == LW_ENTRY_FILE &&
				     x->data_off != y->data_off))
					abort();
			}
		}
	}
	lw_layer_index_release(&ref);
	lw_layer_index_release(&fast);
	return 0;
}
