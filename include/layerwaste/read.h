/* The read stage, the image reader: turns what the user gave (an archive file, "-" for
 * stdin, an OCI layout directory, or an image name to save through docker or
 * podman) into an image: its metadata and one layer index per layer.
 *
 * Archive forms and layer compression are told apart by content (magic
 * bytes, which JSON files exist), never by file names or media types. No
 * file data is written anywhere or kept in memory. */
#ifndef LAYERWASTE_READ_H
#define LAYERWASTE_READ_H

#include <stddef.h>
#include <stdint.h>

#include "layerwaste/util.h"
#include "layerwaste/index.h"

#ifdef __cplusplus
extern "C" {
#endif

enum lw_compression {
	LW_COMP_NONE = 0,
	LW_COMP_GZIP,
	LW_COMP_ZSTD,
	LW_COMP_XZ,
	LW_COMP_BZIP2,
};

/* Names for JSON and text: "none", "gzip", "zstd", "xz", "bzip2". */
const char *lw_compression_name(int c);
/* Sniffs magic bytes; returns an enum lw_compression, or -1 when the bytes
 * are neither a known compression nor a tar header. */
int lw_compression_sniff(const unsigned char *p, size_t n);

struct lw_history {
	char *created_by; /* owned, may be NULL */
	char *created;
	char *comment;
	int empty_layer;
};

struct lw_layer {
	char *digest;  /* owned "sha256:<hex>" of the stored blob, or NULL */
	char *diff_id; /* owned, from the config */
	char *member;  /* owned: where the blob was found in the archive */
	int compression;           /* enum lw_compression, sniffed */
	uint64_t compressed_bytes; /* stored blob size */
	uint64_t tar_bytes;        /* uncompressed tar stream bytes */
	struct lw_layer_index *index; /* borrowed from the image: a blob
					 listed twice shares one index */
	const struct lw_history *history; /* borrowed, NULL when unpaired */
};

struct lw_image_priv;

struct lw_image {
	char *source;       /* what the user gave */
	char *format;       /* "docker-archive", "docker-save",
			       "docker-save-oci", "oci-archive", "oci-dir",
			       "tarball" (crane/kaniko) */
	int outer_compression; /* enum lw_compression of the archive itself */
	char **tags;           /* owned */
	size_t ntags;
	char *platform;      /* "os/arch[/variant]" from the config */
	char *config_digest; /* "sha256:<hex>" or NULL */
	char *config_json;   /* owned raw config, for modules that need more */
	/* The base image the OCI manifest's annotations name
	 * (org.opencontainers.image.base.name, .base.digest), else the
	 * config's labels of the same names; NULL when absent or malformed
	 * (both NULL when the name is empty: buildah's FROM scratch).
	 * Owned, untrusted text. The digest is the base's manifest's: it
	 * says which image, not which of these layers are its. */
	char *base_name;
	char *base_digest;
	struct lw_layer *layers;
	size_t nlayers;
	struct lw_history *history;
	size_t nhistory;
	struct lw_warnings warnings;
	struct lw_image_priv *priv; /* mappings and content access */
};

struct lw_progress {
	uint64_t bytes_done;
	uint64_t bytes_total; /* 0 when unknown (a stream) */
	size_t layers_done;
	size_t layers_total;  /* 0 when unknown */
	/* A stream: the archive member being read (its name, from the
	 * archive: untrusted, escape it; borrowed for the call), with
	 * layers_done the blobs read before it and bytes_done the archive's
	 * bytes read so far; NULL otherwise. */
	const char *member;
};

/* Default cap on the window one zstd frame may use (--max-memory): 1 GiB
 * admits `zstd --long=30`, not --long=31. */
#define LW_MAX_MEMORY_DEFAULT (1ull << 30)

struct lw_read_opts {
	const char *input;    /* borrowed: path, "-", or an image name */
	const char *image;    /* borrowed: --image NAME[:TAG], or NULL */
	const char *platform; /* borrowed: --platform os/arch[/variant] */
	const char *source;   /* borrowed: NULL (auto), "docker", "podman",
				 "archive" (never run an engine) */
	int jobs;             /* worker threads; <= 0 means one per core */
	size_t max_entries;   /* entries allowed in one layer; 0: default */
	uint64_t max_bytes;   /* bytes one decompressed stream may give: a
				 layer's tar, or a compressed archive's;
				 0: LW_MAX_BYTES_DEFAULT */
	uint64_t max_memory;  /* the window one zstd frame may use, rounded
				 down to a power of two; a layer needing
				 more fails with LW_ERR_INPUT naming
				 --max-memory. Per layer read at once (up to
				 jobs); 0: LW_MAX_MEMORY_DEFAULT. The plain
				 reader keeps libarchive's own limit */
	int plain;            /* read everything as one stream through
				 libarchive alone: no mapping, no ISA-L. The
				 reference the fast paths are tested against */
	int verify;           /* --verify: every blob against its digest,
				 every layer's tar stream against its
				 diff_id (SHA-256); a mismatch fails the
				 read with LW_ERR_INPUT naming the layer and
				 both digests */
	/* Called from any thread, serialised by the reader. */
	void (*progress)(void *ctx, const struct lw_progress *p);
	void *progress_ctx;
	/* The per-layer cache's directory (created when needed), or NULL
	 * for none. Mapped archives and OCI directories read each layer's
	 * index from it when present and write it when not; streams do not
	 * use it. Under verify only entries written from verified layers
	 * are used, and only verified layers are written. */
	const char *cache_dir;
	uint64_t cache_max; /* its size cap; 0: LW_CACHE_MAX_DEFAULT */
};

/* Default size cap of the cache directory (--cache-max). */
#define LW_CACHE_MAX_DEFAULT (1ull << 30)

/* Reads the image. On success returns LW_OK and *out owned by the caller
 * (free with lw_image_free). On failure returns a negative lw_code, fills
 * err and leaves *out NULL. */
int lw_image_read(const struct lw_read_opts *opts, struct lw_image **out,
		  struct lw_error *err);

void lw_image_free(struct lw_image *img);

/* Makes sure the content hash of entry e of layer li is known, reading the
 * bytes from the mapped archive when they were not hashed while indexing.
 * For a hard link, hashes its target. Returns LW_OK or a negative code. */
int lw_image_hash_entry(struct lw_image *img, size_t li, size_t ei,
			struct lw_hash *out, struct lw_error *err);

struct lw_entry_ref {
	uint32_t layer, entry;
};

/* lw_image_hash_entry for many entries at once, on `jobs` threads (<= 0:
 * one per core). Reading the mapped bytes is the cost; entries already
 * hashed cost nothing. */
int lw_image_hash_many(struct lw_image *img, const struct lw_entry_ref *refs,
		       size_t n, int jobs, struct lw_error *err);

/* The default platform: the host's "os/arch[/variant]". The string is a
 * static buffer filled on the first call: not thread-safe until one call
 * has returned. */
const char *lw_host_platform(void);

/* ---- The per-layer cache's directory (cache.c). ---- */

struct lw_cache_stats {
	uint64_t entries; /* layer entries */
	uint64_t bytes;   /* their bytes */
	uint64_t stale;   /* temporary files of dead runs removed */
};

/* Counts the entries of the cache directory dir (borrowed; a missing one
 * is empty). Returns LW_OK or LW_ERR_IO with err filled. */
int lw_cache_stats(const char *dir, struct lw_cache_stats *st,
		   struct lw_error *err);
/* Removes the least recently used entries until dir holds at most max
 * bytes (0: all of them), and temporary files left by dead runs; removed
 * says what went. Safe while other runs use the directory. Returns LW_OK
 * or LW_ERR_IO with err filled. */
int lw_cache_prune(const char *dir, uint64_t max,
		   struct lw_cache_stats *removed, struct lw_error *err);

/* ---- Reading files back out of an image (files.c). ---- */

/* Where a path's bytes come from. */
enum lw_file_state {
	LW_FILE_ABSENT = 0,  /* nothing visible at the path */
	LW_FILE_READ,        /* data holds the bytes */
	LW_FILE_NOT_REGULAR, /* a directory, device, ... */
	LW_FILE_STREAMED,    /* the layer came as a stream: no bytes left */
	LW_FILE_TOO_BIG,     /* larger than the cap asked for */
};

struct lw_file_bytes {
	int state;       /* enum lw_file_state */
	char *data;      /* owned, NUL-terminated (LW_FILE_READ only) */
	size_t len;
	int layer;       /* the layer whose entry is visible, or -1 */
	const struct lw_entry *entry; /* borrowed from the image, or NULL */
};

void lw_file_bytes_release(struct lw_file_bytes *fb);

/* Calls fn(ctx, layer, entry) for every entry visible in the final image
 * at root (normalised; "" is the whole image) or under it, in tree order
 * (lw_path_cmp), whiteouts and opaque directories of upper layers
 * honoured. img and the entries are borrowed. */
void lw_image_visible_under(const struct lw_image *img, const char *root,
			    void (*fn)(void *ctx, uint32_t layer,
				       const struct lw_entry *e),
			    void *ctx);

/* Reads the file visible at path (normalised; symlinks followed, at most
 * 8) into out, at most max bytes (LW_FILE_TOO_BIG beyond). Bytes come
 * from the mapped layer, or by reading a compressed layer blob again;
 * layers that came as a stream give LW_FILE_STREAMED. Returns LW_OK, or
 * LW_ERR_INPUT when the layer cannot be read again. */
int lw_image_read_file(const struct lw_image *img, const char *path,
		       size_t max, struct lw_file_bytes *out,
		       struct lw_error *err);

/* The same for n entries of one layer (regular files or hard links,
 * visible or not, borrowed from its index) into outs[0..n), in one pass
 * over a compressed layer. */
int lw_image_read_entries(const struct lw_image *img, uint32_t layer,
			  const struct lw_entry *const *es, size_t n,
			  size_t max, struct lw_file_bytes *outs,
			  struct lw_error *err);

#ifdef __cplusplus
}
#endif

#endif
