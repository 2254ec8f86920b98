/* --verify: SHA-256 (OpenSSL's libcrypto) of blobs and tar streams, and
 * the checks against the manifest's digests and the config's diff_ids. */
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/util.h"
#include "verify.h"

static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha256_md;

/* Fetched once: an implicit fetch on every hash takes the provider's
 * locks each time. No openssl.cnf is read: nothing in it concerns a
 * digest, and reading it is most of what starting costs. */
static void sha256_fetch(void)
{
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

int lw_sha256_init(struct lw_sha256 *s, struct lw_error *err)
{
	EVP_MD_CTX *c;

	s->ctx = NULL;
	pthread_once(&sha256_once, sha256_fetch);
	c = sha256_md ? EVP_MD_CTX_new() : NULL;
	if (!c || EVP_DigestInit_ex(c, sha256_md, NULL) != 1) {
		EVP_MD_CTX_free(c);
		return lw_error_set(err, LW_ERR_NOMEM, "cannot start SHA-256");
	}
	s->ctx = c;
	return LW_OK;
}

void lw_sha256_update(struct lw_sha256 *s, const void *p, size_t n)
{
	if (s->ctx && n)
		EVP_DigestUpdate(s->ctx, p, n);
}

void lw_sha256_final(struct lw_sha256 *s, unsigned char out[LW_SHA256_LEN])
{
	unsigned int len = LW_SHA256_LEN;

	memset(out, 0, LW_SHA256_LEN);
	if (s->ctx)
		EVP_DigestFinal_ex(s->ctx, out, &len);
	lw_sha256_release(s);
}

void lw_sha256_release(struct lw_sha256 *s)
{
	EVP_MD_CTX_free(s->ctx);
	s->ctx = NULL;
}

int lw_sha256_buf(const void *p, size_t n, unsigned char out[LW_SHA256_LEN],
		  struct lw_error *err)
{
	struct lw_sha256 s;
	int rc = lw_sha256_init(&s, err);

	if (rc)
		return rc;
	lw_sha256_update(&s, p, n);
	lw_sha256_final(&s, out);
	return LW_OK;
}

/* The next tar bytes: from the callback, or from the decompressing
 * archive. 0 at the end, -1 on failure (the reason on a, when given). */
static la_ssize_t hasher_pull(struct lw_tar_hasher *h, struct archive *a,
			      const void **buf)
{
	la_ssize_t n;

	if (h->eof)
		return 0;
	if (h->raw) {
		size_t len = 0;
		la_int64_t off;
		int r = archive_read_data_block(h->raw, buf, &len, &off);

		if (r == ARCHIVE_EOF) {
			h->eof = 1;
			return 0;
		}
		if (r < ARCHIVE_WARN) {
			if (a)
				archive_set_error(a, archive_errno(h->raw), "%s",
						  archive_error_string(h->raw));
			return -1;
		}
		n = (la_ssize_t)len;
	} else {
		n = h->inner(a, h->inner_ctx, buf);
		if (n == 0)
			h->eof = 1;
		if (n <= 0)
			return n;
	}
	lw_sha256_update(&h->sha, *buf, (size_t)n);
	h->bytes += (uint64_t)n;
	return n;
}

static la_ssize_t hasher_read(struct archive *a, void *ctx, const void **buf)
{
	return hasher_pull(ctx, a, buf);
}

int lw_tar_hasher_open(struct lw_tar_hasher *h, struct archive *a,
		       archive_read_callback *cb, void *ctx, int filter)
{
	struct lw_error e = { 0, "" };
	struct archive_entry *ae;

	memset(h, 0, sizeof(*h));
	h->inner = cb;
	h->inner_ctx = ctx;
	if (lw_sha256_init(&h->sha, &e)) {
		archive_set_error(a, ENOMEM, "%s", e.msg);
		return ARCHIVE_FATAL;
	}
	if (filter) {
		h->raw = archive_read_new();
		if (!h->raw) {
			archive_set_error(a, ENOMEM, "out of memory");
			return ARCHIVE_FATAL;
		}
		archive_read_support_filter_all(h->raw);
		archive_read_support_format_raw(h->raw);
		if (archive_read_open(h->raw, ctx, NULL, cb, NULL) !=
		    ARCHIVE_OK ||
		    archive_read_next_header(h->raw, &ae) != ARCHIVE_OK) {
			archive_set_error(a, archive_errno(h->raw), "%s",
					  archive_error_string(h->raw));
			return ARCHIVE_FATAL;
		}
	}
	return archive_read_open(a, h, NULL, hasher_read, NULL);
}

int lw_tar_hasher_finish(struct lw_tar_hasher *h, uint64_t max,
			 unsigned char out[LW_SHA256_LEN],
			 struct lw_error *err)
{
	const void *buf;
	la_ssize_t n;

	while ((n = hasher_pull(h, NULL, &buf)) > 0)
		if (max && h->bytes > max)
			return lw_error_set(err, LW_ERR_INPUT, "inflates past "
					    "--max-bytes; raise it with "
					    "--max-bytes");
	if (n < 0)
		return lw_error_set(err, LW_ERR_INPUT, "%s", h->raw ?
				    archive_error_string(h->raw) :
				    "cannot read the layer to its end");
	lw_sha256_final(&h->sha, out);
	return LW_OK;
}

void lw_tar_hasher_release(struct lw_tar_hasher *h)
{
	lw_sha256_release(&h->sha);
	if (h->raw)
		archive_read_free(h->raw);
	h->raw = NULL;
}

static void hex(const unsigned char d[LW_SHA256_LEN], char out[65])
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < LW_SHA256_LEN; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[64] = '\0';
}

/* LW_OK when want ("sha256:HEX") names got; else the one-line error,
 * prefixed by what. */
static int check(const char *what, const char *says, const char *want,
		 const unsigned char got[LW_SHA256_LEN], struct lw_error *err)
{
	char h[65];

	hex(got, h);
	if (strncmp(want, "sha256:", 7) != 0)
		return lw_error_set(err, LW_ERR_INPUT, "%s: cannot verify "
				    "'%.100s': only sha256 digests are "
				    "supported", what, want);
	if (strcmp(want + 7, h) == 0)
		return LW_OK;
	return lw_error_set(err, LW_ERR_INPUT, "%s mismatch: %s %.100s, the "
			    "bytes hash to sha256:%s", what, says, want, h);
}

int lw_verify_layer(const struct lw_image *img, size_t li,
		    const unsigned char blob[LW_SHA256_LEN],
		    const unsigned char tar[LW_SHA256_LEN],
		    struct lw_error *err)
{
	const struct lw_layer *l = &img->layers[li];
	int rc = LW_OK;

	if (l->digest)
		rc = check("blob digest", "the manifest says", l->digest, blob,
			   err);
	if (!rc && l->diff_id)
		rc = check("diff_id", "the config says", l->diff_id, tar, err);
	if (rc)
		lw_error_prefix(err, "--verify: layer %zu (%.300s)", li,
				l->member);
	return rc;
}

int lw_verify_named(const char *name, const void *p, size_t len,
		    struct lw_error *err)
{
	const char *base = strrchr(name, '/');
	unsigned char d[LW_SHA256_LEN];
	char want[72];
	size_t n = 0;
	int rc;

	if (!strncmp(name, "blobs/sha256/", 13))
		base = name + 13;
	else if (!strncmp(name, "sha256:", 7))
		base = name + 7;
	else
		base = base ? base + 1 : name;
	while (n < 64 && base[n] && strchr("0123456789abcdef", base[n]))
		n++;
	if (n != 64 || (base[64] && strcmp(base + 64, ".json")))
		return LW_OK;
	snprintf(want, sizeof(want), "sha256:%.64s", base);
	rc = lw_sha256_buf(p, len, d, err);
	if (!rc)
		rc = check("digest", "its name says", want, d, err);
	if (rc)
		lw_error_prefix(err, "--verify: '%.300s'", name);
	return rc;
}
