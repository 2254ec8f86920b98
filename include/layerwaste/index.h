/* The layer index: one per layer, every tar entry with its metadata and
 * what is needed to compare its content, but never the content itself.
 *
 * Paths are normalised (no leading "./" or "/", no trailing "/", no "."
 * components). Whiteouts are kept as entries of their own kind whose path is
 * the path they hide; an opaque marker's path is its directory. */
#ifndef LAYERWASTE_INDEX_H
#define LAYERWASTE_INDEX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "layerwaste/util.h"

#ifdef __cplusplus
extern "C" {
#endif

struct archive;

/* Longest normalised path, and the default cap on entries in one layer
 * (--max-entries). */
#define LW_PATH_MAX 4096
#define LW_MAX_ENTRIES_DEFAULT 10000000u
/* The most --max-entries allows: an entry's number in its layer, a hard
 * link's target, is 32 bits (LW_NO_TARGET aside). */
#define LW_MAX_ENTRIES_LIMIT (UINT32_MAX - 1u)
/* Default cap on the bytes of one decompressed stream (--max-bytes). */
#define LW_MAX_BYTES_DEFAULT (64ull << 30)

enum lw_entry_type {
	LW_ENTRY_FILE = 0, /* regular file: the only type that stores bytes */
	LW_ENTRY_DIR,
	LW_ENTRY_SYMLINK,
	LW_ENTRY_HARDLINK, /* content is its target's, in the same layer */
	LW_ENTRY_OTHER,    /* device, fifo, socket */
	LW_ENTRY_WHITEOUT, /* ".wh.NAME": hides lower NAME and all under it */
	LW_ENTRY_OPAQUE,   /* ".wh..wh..opq": hides every lower entry under DIR */
};

#define LW_NO_OFFSET UINT64_MAX
/* A hard link whose target the layer lacks (lw_entry.target). */
#define LW_NO_TARGET UINT32_MAX

enum {
	LW_ENTRY_HASHED = 1 << 0,  /* hash is valid */
	LW_ENTRY_HAS_CAP = 1 << 1, /* has a security.capability xattr */
	LW_ENTRY_HAS_XATTR = 1 << 2,
	LW_ENTRY_HAS_LINK = 1 << 3, /* a link target follows the name */
};

struct lw_hash {
	uint64_t lo, hi; /* XXH3-128 of the content */
};

/* What entries share most of the time: their owner, mode, mtime and
 * attributes, kept once per layer index (lw_layer_index_meta()). */
struct lw_entry_meta {
	int64_t mtime;
	const char *uname;   /* owner names when the tar has them, else NULL */
	const char *gname;
	uint32_t uid, gid;
	uint32_t xattr_hash; /* hash of all xattr names and values, 0 if none */
	uint16_t mode;       /* permission bits, 07777 */
};

/* A directory path that entries of one layer share, kept once per layer
 * index (lw_layer_index_dir()). */
struct lw_dir {
	const char *path; /* normalised, NUL-terminated, never "" */
	uint64_t hash;    /* XXH3-64 of path: whole paths hash from parts */
	uint32_t len;     /* strlen(path) */
};

/* What the entries of one layer in one directory share: the directory,
 * the lw_entry_meta (siblings mostly have one or two), and the 4 GiB of
 * memory their names lie in, so that an entry holds one pointer and a
 * 32-bit offset for all three. Kept once per index
 * (lw_layer_index_set_path() makes them). */
struct lw_node {
	const struct lw_dir *dir;         /* NULL at the root */
	const struct lw_entry_meta *meta; /* never NULL */
	uintptr_t base;                   /* a name is base + name_off */
};

/* Room for any normalised path and its NUL. */
struct lw_pathbuf {
	char s[LW_PATH_MAX];
};

/* One tar entry: 48 bytes, a layer holds millions. Its path is a
 * directory that the layer's entries share and a name; what most entries
 * of a directory share lives in its struct lw_node, and a link's target
 * in the bytes after its name. Read them through the accessors below. */
struct lw_entry {
	/* Owned by the index; set by lw_layer_index_set_path(), and never
	 * NULL in an index's entries. */
	const struct lw_node *node;
	uint64_t size;     /* content bytes; 0 for all but regular files */
	struct lw_hash hash;
	/* The name (NUL-terminated) is at node->base + name_off: see
	 * lw_entry_name(). When LW_ENTRY_HAS_LINK is set, the link's target
	 * follows the name's NUL: the symlink's target as stored, or the
	 * hard link's normalised target. */
	uint32_t name_off;
	union {
		/* LW_ENTRY_FILE: where the content starts in the layer's
		 * mapped bytes, in 512-byte tar blocks, or UINT32_MAX when
		 * only a stream had it (then the hash was taken on the way).
		 * Read and set through lw_entry_data_off() and
		 * lw_entry_set_data_off(). */
		uint32_t data_blk;
		/* LW_ENTRY_HARDLINK: index of the target entry in this
		 * layer, or LW_NO_TARGET when the layer lacks it. */
		uint32_t target;
	};
	uint32_t path_id;    /* set by the waste engine: rank in tree order */
	uint8_t type;        /* enum lw_entry_type */
	uint8_t flags;
	uint16_t name_len;   /* strlen(name): below LW_PATH_MAX */
};

/* e's directory, or NULL when e is at the root. */
static inline const struct lw_dir *lw_entry_dir(const struct lw_entry *e)
{
	return e->node->dir;
}

/* e's name: the last component of its path. */
static inline const char *lw_entry_name(const struct lw_entry *e)
{
	return (const char *)(e->node->base + e->name_off);
}

/* Where e's content starts in its layer's mapped bytes, or LW_NO_OFFSET
 * when only a stream had it. */
static inline uint64_t lw_entry_data_off(const struct lw_entry *e)
{
	return e->data_blk == UINT32_MAX ? LW_NO_OFFSET :
		(uint64_t)e->data_blk << 9;
}

/* Sets where e's content starts (LW_NO_OFFSET: nowhere). Returns 0, or
 * -1, e untouched, when off cannot be kept: not on a 512-byte block of
 * the layer's tar, or 2 TiB or more into it. The walkers then hash the
 * content as they pass it, as for a stream. */
static inline int lw_entry_set_data_off(struct lw_entry *e, uint64_t off)
{
	if (off == LW_NO_OFFSET) {
		e->data_blk = UINT32_MAX;
		return 0;
	}
	if ((off & 511) || (off >> 9) >= UINT32_MAX)
		return -1;
	e->data_blk = (uint32_t)(off >> 9);
	return 0;
}

/* The bytes of a small configuration file of a layer that came as a
 * stream (/etc/passwd, /etc/group, .env, .npmrc, keys): the profile checks
 * read them, and a stream cannot be read twice. */
struct lw_kept_file {
	size_t entry;              /* index into entries */
	const unsigned char *data; /* borrowed from the arena */
	size_t len;
};

#define LW_KEPT_FILE_MAX (64u << 10)   /* one file */
#define LW_KEPT_LAYER_MAX (1u << 20)   /* all of a layer's */

/* A set of things of an index's arena, each once, found by a hash and an
 * equality (index.c): its dirs, metas and nodes while it is read. */
struct lw_intern_set {
	const void **slots; /* owned; at most three quarters full */
	size_t n, size;
	const void *last;   /* the one found last: neighbours share most */
};

struct lw_layer_index {
	struct lw_arena arena;
	struct lw_entry *entries; /* owned; in tar order */
	size_t count;
	size_t cap;
	/* The metas of lw_layer_index_meta(), the dirs of
	 * lw_layer_index_dir() and the nodes of lw_layer_index_set_path(),
	 * until lw_layer_index_done(). */
	struct lw_intern_set metas, dirs, nodes;
	char *strs;                  /* lw_layer_index_strndup()'s chunk */
	size_t strs_left;
	uint64_t file_bytes;   /* sum of regular-file sizes */
	uint64_t file_count;   /* regular-file entries */
	struct lw_kept_file *kept; /* owned; streamed layers only */
	size_t nkept;
	size_t kept_bytes;
	struct lw_warnings warnings;
};

/* Whether a regular file at this normalised path is one whose bytes a
 * streamed layer keeps (see struct lw_kept_file). */
int lw_keeps_file(const char *path);

/* The regular-file entry that holds e's content: e itself, or a hard
 * link's target in the same layer; NULL for anything else, or a link
 * whose target the layer lacks. */
const struct lw_entry *lw_layer_index_content(const struct lw_layer_index *ix,
					      const struct lw_entry *e);

/* The lw_entry_meta in ix equal to *m (uname and gname compared as
 * strings), added when ix lacks it. m's strings are borrowed and must
 * live as long as ix: strings of its arena. The result lives as long as
 * ix; NULL on out of memory. */
const struct lw_entry_meta *lw_layer_index_meta(struct lw_layer_index *ix,
						const struct lw_entry_meta *m);

/* A NUL-terminated copy of s[0..len) in ix's arena, packed with no
 * alignment (paths and link targets). NULL on out of memory. */
char *lw_layer_index_strndup(struct lw_layer_index *ix, const char *s,
			     size_t len);

/* The lw_dir of path[0..len) (normalised, len > 0) in ix, added when ix
 * lacks it; it lives as long as ix. NULL on out of memory. */
const struct lw_dir *lw_layer_index_dir(struct lw_layer_index *ix,
					const char *path, size_t len);

/* Gives e the meta m (from lw_layer_index_meta(ix, ...)), the normalised
 * path path[0..plen) and, when link is not NULL, the link target
 * link[0..llen) (setting LW_ENTRY_HAS_LINK), in ix's arena: e's node.
 * plen < LW_PATH_MAX. Returns 0, or -1 on out of memory (e's node then
 * NULL: e must not be counted). */
int lw_layer_index_set_path(struct lw_layer_index *ix, struct lw_entry *e,
			    const struct lw_entry_meta *m, const char *path,
			    size_t plen, const char *link, size_t llen);

/* e's whole path: its name when that is all of it, else written to b.
 * Valid while e's index and b are. */
static inline const char *lw_entry_path(const struct lw_entry *e,
					struct lw_pathbuf *b)
{
	const struct lw_dir *d = lw_entry_dir(e);

	if (!d)
		return lw_entry_name(e);
	memcpy(b->s, d->path, d->len);
	b->s[d->len] = '/';
	memcpy(b->s + d->len + 1, lw_entry_name(e), (size_t)e->name_len + 1);
	return b->s;
}

/* strlen of e's whole path. */
static inline size_t lw_entry_path_len(const struct lw_entry *e)
{
	const struct lw_dir *d = lw_entry_dir(e);

	return (d ? d->len + 1 : 0) + e->name_len;
}

/* lw_path_cmp of the whole paths of a and b, with neither written out. */
int lw_entry_path_cmp(const struct lw_entry *a, const struct lw_entry *b);

/* strcmp of the whole paths of a and b (-1, 0 or 1), with neither
 * written out. */
int lw_entry_path_strcmp(const struct lw_entry *a, const struct lw_entry *b);

/* lw_path_cmp of e's whole path and path[0..len). */
int lw_entry_path_cmp_str(const struct lw_entry *e, const char *path,
			  size_t len);

/* Whether e's whole path is path. */
int lw_entry_path_is(const struct lw_entry *e, const char *path);

/* e's owner, mode, mtime and names (NULL when the tar has none). */
static inline const struct lw_entry_meta *
lw_entry_meta_of(const struct lw_entry *e)
{
	return e->node->meta;
}

static inline int64_t lw_entry_mtime(const struct lw_entry *e)
{
	return lw_entry_meta_of(e)->mtime;
}

static inline const char *lw_entry_uname(const struct lw_entry *e)
{
	return lw_entry_meta_of(e)->uname;
}

static inline const char *lw_entry_gname(const struct lw_entry *e)
{
	return lw_entry_meta_of(e)->gname;
}

static inline uint32_t lw_entry_uid(const struct lw_entry *e)
{
	return lw_entry_meta_of(e)->uid;
}

static inline uint32_t lw_entry_gid(const struct lw_entry *e)
{
	return lw_entry_meta_of(e)->gid;
}

static inline uint16_t lw_entry_mode(const struct lw_entry *e)
{
	return lw_entry_meta_of(e)->mode;
}

static inline uint32_t lw_entry_xattr_hash(const struct lw_entry *e)
{
	return lw_entry_meta_of(e)->xattr_hash;
}

/* The symlink's target as stored or the hard link's normalised target;
 * NULL for other entries. */
static inline const char *lw_entry_link(const struct lw_entry *e)
{
	if (!(e->flags & LW_ENTRY_HAS_LINK))
		return NULL;
	return lw_entry_name(e) + e->name_len + 1;
}

/* Says ix is complete: the tables that intern its dirs, metas and nodes
 * are freed (they are only for building it; what they point at stays).
 * Adding to ix after it still works, interning anew. */
void lw_layer_index_done(struct lw_layer_index *ix);

/* The kept bytes of entry ei, or NULL. */
const struct lw_kept_file *lw_layer_index_kept(const struct lw_layer_index *ix,
					       size_t ei);

void lw_layer_index_init(struct lw_layer_index *ix);
void lw_layer_index_release(struct lw_layer_index *ix);

/* Normalises a tar path into out (capacity outsz). Returns the length, or
 * -1 when the path is unsafe or unusable (a ".." component, a NUL, longer
 * than outsz-1). "./", "/" and "." normalise to "" (the root). */
long lw_path_normalize(const char *in, char *out, size_t outsz);

/* Joins rel to dir (ignored when rel is absolute) and normalises the
 * result, resolving ".." lexically, as archive members' links need.
 * Returns the length, or -1 when it climbs above the root or is too long. */
long lw_path_resolve(const char *dir, const char *rel, char *out,
		     size_t outsz);

/* Compares two normalised paths in tree order: a directory's descendants
 * sort right after it, before any sibling whose name extends its own
 * ("a", "a/b", "a-b"). */
int lw_path_cmp(const char *a, const char *b);

/* Bytes of memory the index holds, for the per-file budget. */
size_t lw_layer_index_memory(const struct lw_layer_index *ix);

/* Finds the entry of the given path in the index (last one wins, as tar
 * extraction does), or NULL. Linear: for occasional look-ups only. */
const struct lw_entry *lw_layer_index_find(const struct lw_layer_index *ix,
					   const char *path);

/* XXH3-128 of a byte range, as an lw_hash (hash.c: the widest vector
 * code the CPU has, the same hash on every CPU). */
struct lw_hash lw_hash_bytes(const void *p, size_t n);
struct XXH3_state_s;
/* XXH3_128bits_update(st, p, n) through the same dispatch: every
 * content hash is taken with it. */
void lw_hash_update(struct XXH3_state_s *st, const void *p, size_t n);

/* ---- Building an index from a layer's tar bytes: two walkers that give
 * the same index for the same bytes. lw_layer_scan() reads through
 * libarchive and is the reference; lw_tar_scan_mapped() parses headers in
 * place in mapped bytes and is tested against it. ---- */

struct lw_scan {
	/* When the layer's uncompressed bytes are mapped in memory: their
	 * start and length. Content is then located, not read. NULL when
	 * the layer arrives as a stream: content is hashed as it passes. */
	const unsigned char *map;
	size_t map_len;
	size_t max_entries;
	/* Called every few thousand entries with the bytes read so far. */
	void (*tick)(void *ctx, uint64_t bytes);
	void *tick_ctx;
	/* The tar bytes the walk may go through (--max-bytes), counted from
	 * the layer's start through each header and each entry's data; 0:
	 * no cap. Past it the scan stops with LW_ERR_INPUT and a message
	 * naming the flag. inflated words that message for a layer that
	 * was decompressed ("inflates past"). */
	uint64_t max_bytes;
	int inflated;
};

/* Reads every entry of the opened tar archive a (borrowed; libarchive's)
 * into ix (initialised by the caller). Returns LW_OK or a negative code
 * with err filled; the message names the entry but not the layer (the
 * caller adds that). */
int lw_layer_scan(struct archive *a, const struct lw_scan *s,
		  struct lw_layer_index *ix, struct lw_error *err);

/* LW_OK while pos, the tar bytes gone through, is within s->max_bytes
 * (0: no cap); past it LW_ERR_INPUT with err "inflates past --max-bytes
 * (64 GiB); raise it with --max-bytes" ("runs past" when s->inflated is
 * 0), the message both walkers give. */
int lw_scan_cap(const struct lw_scan *s, uint64_t pos, struct lw_error *err);

/* Returned by lw_tar_scan_mapped() when the layer uses something the
 * walker leaves to libarchive (GNU sparse files, multi-volume or Solaris
 * headers, unknown entry types, malformed extended headers, damage it
 * cannot word as libarchive does). ix is then empty again and the caller
 * reads the layer with lw_layer_scan(). */
#define LW_TAR_FALLBACK 1

/* Indexes the tar archive map[0..len) into ix (initialised by the caller)
 * exactly as lw_layer_scan() does with the same bytes mapped: s gives the
 * entry cap and the progress callback (s->map is not used). map is
 * borrowed and only read; pages behind the cursor are dropped from the
 * resident set as the scan goes. Returns LW_OK, a negative code with err
 * filled (the same code and message as lw_layer_scan()), or
 * LW_TAR_FALLBACK. */
int lw_tar_scan_mapped(const unsigned char *map, size_t len,
		       const struct lw_scan *s, struct lw_layer_index *ix,
		       struct lw_error *err);

/* Supplies a layer's tar bytes to lw_tar_scan_stream(): sets *buf to the
 * next bytes (valid until the next call) and returns how many; 0 at the
 * end; -1 when they cannot be had. */
typedef long (*lw_tar_pull_fn)(void *ctx, const void **buf);

/* Indexes the tar stream that pull gives (ctx borrowed) into ix
 * (initialised by the caller) exactly as lw_layer_scan() does with the
 * same bytes arriving as a stream (s->map NULL): content hashed as it
 * passes, small configuration files kept, the same caps, warnings and
 * errors. It asks for bytes only as libarchive's tar reader would, and
 * *tar_bytes is what that reader would have consumed
 * (archive_filter_bytes(a, 0)). Returns LW_OK, a negative code with err
 * filled, or LW_TAR_FALLBACK: the layer uses something left to libarchive,
 * pull failed, the stream ends inside an entry, or the outcome depends on
 * how libarchive buffers (an error after bytes past s->max_bytes). ix is
 * then empty again and the caller reads the layer from its start with
 * lw_layer_scan(). */
int lw_tar_scan_stream(lw_tar_pull_fn pull, void *ctx,
		       const struct lw_scan *s, struct lw_layer_index *ix,
		       uint64_t *tar_bytes, struct lw_error *err);

#ifdef __cplusplus
}
#endif

#endif
