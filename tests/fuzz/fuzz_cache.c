/* The per-layer cache's entry parser (read/cache.h), on bytes a damaged
 * or hostile cache directory could hold. Each input is parsed twice: as
 * it is, where the magic, the version and the checksum stop almost
 * everything, and once more with its checksum made right (and the layer
 * it names taken from its own header), so that the records, offsets and
 * strings behind the checksum are what gets fuzzed. An index the parser
 * accepts is walked as the engine walks one, and its paths must be in
 * the form the tar walkers give (lw_path_normalize leaves them as they
 * are); anything else aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "cache.h"
#include "fuzz.h"
#include "layerwaste/index.h"

/* Where the format (read/cache.h) keeps what is patched: the checksum,
 * what it covers, and the diff_id's digest. */
#define SUM_AT 16
#define SUMMED_FROM 24
#define DIGEST_AT 28
#define BLOB_SIZE_AT 64
#define COMPRESSION_AT 72
#define HEADER 176

static uint64_t get(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Reads every field of every entry, through the accessors. */
static void walk(const struct lw_layer_index *ix)
{
	size_t i;
	volatile uint64_t sink = 0;

	for (i = 0; i < ix->count; i++) {
		const struct lw_entry *e = &ix->entries[i];
		const struct lw_entry *c = lw_layer_index_content(ix, e);
		const char *link = lw_entry_link(e);
		struct lw_pathbuf b;
		const char *path = lw_entry_path(e, &b);
		char norm[LW_PATH_MAX];

		/* Accepted paths are as the walkers give them. */
		if (lw_path_normalize(path, norm, sizeof(norm)) <= 0 ||
		    strcmp(norm, path))
			abort();
		sink += strlen(path) + lw_entry_path_len(e);
		sink += link ? strlen(link) : 0;
		sink += lw_entry_uname(e) ? strlen(lw_entry_uname(e)) : 0;
		sink += lw_entry_gname(e) ? strlen(lw_entry_gname(e)) : 0;
		sink += lw_entry_mode(e) + lw_entry_uid(e) + lw_entry_gid(e) +
			(uint64_t)lw_entry_mtime(e) + lw_entry_xattr_hash(e);
		sink += c ? c->size + lw_entry_data_off(c) : 0;
		if (i && lw_entry_path_cmp(e, e - 1) == 0)
			sink++;
	}
	(void)sink;
}

static void parse(const uint8_t *buf, size_t len, const char *diff_id,
		  uint64_t blob_size, int compression)
{
	struct lw_layer_index *ix;
	struct lw_cache_meta meta;

	if (lw_cache_parse(buf, len, diff_id, blob_size, compression, &ix,
			   &meta))
		return;
	walk(ix);
	lw_layer_index_release(ix);
	free(ix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char fixed[] = "sha256:"
		"0000000000000000000000000000000000000000000000000000000000000000";
	char diff_id[7 + 64 + 1];
	uint64_t sum, blob_size;
	uint8_t *buf;
	size_t i;

	parse(data, size, fixed, 0, 0);
	if (size < HEADER)
		return 0;
	buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	sum = XXH3_64bits(buf + SUMMED_FROM, size - SUMMED_FROM);
	for (i = 0; i < 8; i++)
		buf[SUM_AT + i] = (uint8_t)(sum >> (8 * i));
	memcpy(diff_id, "sha256:", 7);
	for (i = 0; i < 32; i++)
		snprintf(diff_id + 7 + 2 * i, 3, "%02x", buf[DIGEST_AT + i]);
	blob_size = get(buf + BLOB_SIZE_AT, 8);
	parse(buf, size, diff_id, blob_size,
	      (int)get(buf + COMPRESSION_AT, 4));
	free(buf);
	return 0;
}
