/* --verify: SHA-256 of every blob and of every layer's uncompressed tar
 * stream, taken as the bytes pass the reader, checked against the
 * manifest's digests and the config's diff_ids. SHA-256 is OpenSSL's
 * (libcrypto); nothing of it shows outside verify.c. */
#ifndef LAYERWASTE_VERIFY_H
#define LAYERWASTE_VERIFY_H

#include <archive.h>
#include <stddef.h>
#include <stdint.h>

#include "layerwaste/read.h"

#define LW_SHA256_LEN 32

struct lw_sha256 {
	void *ctx; /* owned EVP_MD_CTX; NULL: not started */
};

/* Starts a hash. Returns LW_OK, or LW_ERR_NOMEM with err filled. */
int lw_sha256_init(struct lw_sha256 *s, struct lw_error *err);
/* Adds bytes; does nothing to a hash that was not started. */
void lw_sha256_update(struct lw_sha256 *s, const void *p, size_t n);
/* Writes the digest to out and releases the hash. */
void lw_sha256_final(struct lw_sha256 *s, unsigned char out[LW_SHA256_LEN]);
/* Releases a hash not finished (safe on one never started). */
void lw_sha256_release(struct lw_sha256 *s);

/* A layer's tar stream as it reaches the tar reader, hashed on the way.
 * The source is a libarchive read callback that gives tar bytes (ISA-L's
 * gunzip) or, with filter set, compressed bytes that a second libarchive
 * object (raw format, every filter) decompresses. */
struct lw_tar_hasher {
	archive_read_callback *inner;
	void *inner_ctx;
	struct archive *raw; /* owned, filter only */
	struct lw_sha256 sha;
	uint64_t bytes;      /* tar bytes given so far */
	int eof;
};

/* Opens a (new, with the tar formats supported, no filter) on the hashed
 * stream of cb/ctx. Returns libarchive's status; on ARCHIVE_FATAL the
 * reason is archive_error_string(a). Release h with lw_tar_hasher_release
 * whatever the outcome. */
int lw_tar_hasher_open(struct lw_tar_hasher *h, struct archive *a,
		       archive_read_callback *cb, void *ctx, int filter);
/* Reads what the tar reader left of the stream (end blocks, padding), at
 * most max bytes in all (0: no cap), and writes the stream's SHA-256 to
 * out. Returns LW_OK or LW_ERR_INPUT with err filled. */
int lw_tar_hasher_finish(struct lw_tar_hasher *h, uint64_t max,
			 unsigned char out[LW_SHA256_LEN],
			 struct lw_error *err);
void lw_tar_hasher_release(struct lw_tar_hasher *h);

/* SHA-256 of a whole buffer. Returns LW_OK or LW_ERR_NOMEM. */
int lw_sha256_buf(const void *p, size_t n, unsigned char out[LW_SHA256_LEN],
		  struct lw_error *err);

/* Checks the digests of layer li: blob (the stored bytes) against its
 * digest when the manifest gives one, tar (the uncompressed stream)
 * against its diff_id. LW_OK, or LW_ERR_INPUT with err "layer N
 * (MEMBER): blob digest mismatch: the manifest says sha256:..., the
 * bytes hash to sha256:..." (or "diff_id mismatch: the config says"). */
int lw_verify_layer(const struct lw_image *img, size_t li,
		    const unsigned char blob[LW_SHA256_LEN],
		    const unsigned char tar[LW_SHA256_LEN],
		    struct lw_error *err);

/* Checks a JSON blob whose member name gives its digest
 * ("blobs/sha256/HEX", "sha256:HEX", "HEX.json"); other names are not
 * checked. LW_OK or LW_ERR_INPUT with err filled. */
int lw_verify_named(const char *name, const void *p, size_t len,
		    struct lw_error *err);

#endif
