/* Sources: where an image's files come from. An uncompressed archive file
 * is mapped and its members located in place; an OCI layout directory is
 * read file by file; anything else (stdin, a compressed archive, the output
 * of `docker|podman image save`) is a stream read once, indexing every
 * layer blob as it passes. */
#ifndef LAYERWASTE_SOURCE_H
#define LAYERWASTE_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "layerwaste/read.h"

/* Cap on one manifest, index or config read as JSON. */
#define LW_JSON_MAX (16u << 20)

enum lw_source_kind {
	LW_SOURCE_MAPPED,
	LW_SOURCE_DIR,
	LW_SOURCE_STREAM,
};

struct lw_member {
	char *name; /* normalised */
	uint8_t type; /* LW_ENTRY_FILE, _SYMLINK, _HARDLINK, _DIR */
	char *link;   /* normalised target (resolved against name's dir) */
	/* Mapped and directory sources: the bytes, in place. */
	const unsigned char *data;
	uint64_t size;
	/* Stream sources: small JSON kept whole, layer blobs indexed. */
	char *json;
	size_t json_len;
	struct lw_layer_index *index; /* owned until taken */
	int compression;
	uint64_t tar_bytes;
	char *scan_error; /* why it is no layer, if it looked like one */
	/* --verify, stream sources: SHA-256 of the blob and of its tar
	 * stream, taken as they passed (checked once the manifest is
	 * known); hashed says they were. */
	unsigned char blob_sha[32], tar_sha[32];
	int hashed;
};

struct lw_source {
	int kind;
	int outer_compression;
	int verify; /* --verify: JSON blobs checked against their names */
	int fd;
	unsigned char *map;
	size_t map_len;
	char *dir;
	struct lw_member **members; /* owned; pointers stay valid */
	size_t nmembers, cap;
	/* Directory sources: files mapped on demand. */
	void **maps;
	size_t *map_lens;
	size_t nmaps;
};

struct lw_stream_opts {
	size_t max_entries;
	uint64_t max_bytes; /* of each decompressed stream, never 0 */
	uint64_t max_memory; /* a zstd frame's window, never 0 */
	int plain; /* no mapping, no ISA-L */
	int verify; /* --verify: hash every layer blob and its tar stream */
	void (*tick)(void *ctx, uint64_t bytes);
	/* A stream: called (with tick_ctx) as each blob starts to be
	 * indexed, with the archive's bytes read so far; name borrowed for
	 * the call. tick then gets those bytes too, not the blob's. */
	void (*member)(void *ctx, const char *name, uint64_t bytes);
	void *tick_ctx;
};

/* Opens path ("-" for stdin) as a mapped archive, a directory, or a
 * stream. Streams are read to the end here. */
int lw_source_open(struct lw_source *src, const char *path,
		   const struct lw_stream_opts *so, struct lw_error *err);
/* Reads an already open descriptor as a stream (taken: closed by
 * lw_source_release). */
int lw_source_open_fd(struct lw_source *src, int fd,
		      const struct lw_stream_opts *so, struct lw_error *err);
void lw_source_release(struct lw_source *src);

/* Finds a member by normalised name, following symlinks and hard links
 * between members. Returns NULL when absent. */
struct lw_member *lw_source_find(struct lw_source *src, const char *name);

/* The bytes of a small JSON member (a manifest, index or config), capped
 * at LW_JSON_MAX. Returns LW_OK or a negative code naming the member. */
int lw_source_json(const struct lw_member *m, const char **p, size_t *len,
		   struct lw_error *err);


#endif
