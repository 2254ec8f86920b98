#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "layerwaste/index.h"
#include "tar_priv.h"

/* A layer holds millions of entries: each byte here is megabytes. */
_Static_assert(sizeof(void *) != 8 || sizeof(struct lw_entry) == 48,
	       "struct lw_entry grew past 48 bytes");

/* Paths are packed into chunks this big, each a block of the arena's own:
 * larger than a quarter of its blocks, a chunk never leaves the rest of
 * a block unused (dirs and nodes go on filling that). */
#define STR_CHUNK (64u << 10)

void lw_layer_index_init(struct lw_layer_index *ix)
{
	memset(ix, 0, sizeof(*ix));
	lw_arena_init(&ix->arena);
}

void lw_layer_index_release(struct lw_layer_index *ix)
{
	lw_arena_release(&ix->arena);
	free(ix->entries);
	free(ix->metas.slots);
	free(ix->dirs.slots);
	free(ix->nodes.slots);
	free(ix->kept);
	lw_warnings_release(&ix->warnings);
	memset(ix, 0, sizeof(*ix));
}

/* Appends the components of in to out[0..*o): "" and "." skipped, ".."
 * popping one (when allowed) or failing. */
static int add_components(const char *in, int dotdot, char *out, size_t *o,
			  size_t outsz)
{
	const char *p = in;

	while (*p) {
		const char *start;
		size_t len;

		while (*p == '/')
			p++;
		start = p;
		while (*p && *p != '/')
			p++;
		len = (size_t)(p - start);
		if (len == 0 || (len == 1 && start[0] == '.'))
			continue;
		if (len == 2 && start[0] == '.' && start[1] == '.') {
			if (!dotdot || *o == 0)
				return -1;
			while (*o > 0 && out[*o - 1] != '/')
				(*o)--;
			if (*o > 0)
				(*o)--;
			continue;
		}
		if (*o + (*o ? 1 : 0) + len + 1 > outsz)
			return -1;
		if (*o)
			out[(*o)++] = '/';
		memcpy(out + *o, start, len);
		*o += len;
	}
	return 0;
}

long lw_path_normalize(const char *in, char *out, size_t outsz)
{
	size_t o = 0;

	if (outsz == 0 || add_components(in, 0, out, &o, outsz) < 0)
		return -1;
	out[o] = '\0';
	return (long)o;
}

long lw_path_resolve(const char *dir, const char *rel, char *out,
		     size_t outsz)
{
	size_t o = 0;

	if (outsz == 0)
		return -1;
	if (rel[0] != '/' && add_components(dir, 1, out, &o, outsz) < 0)
		return -1;
	if (add_components(rel, 1, out, &o, outsz) < 0)
		return -1;
	out[o] = '\0';
	return (long)o;
}

int lw_path_cmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	if (*x == *y)
		return 0;
	/* The separator sorts before every other byte, so a directory's
	 * descendants come right after it. */
	if (*x == '/')
		return *y ? -1 : 1;
	if (*y == '/')
		return *x ? 1 : -1;
	return *x < *y ? -1 : 1;
}

static void intern_release(struct lw_intern_set *s)
{
	free(s->slots);
	s->slots = NULL;
	s->n = s->size = 0;
}

void lw_layer_index_done(struct lw_layer_index *ix)
{
	intern_release(&ix->metas);
	intern_release(&ix->dirs);
	intern_release(&ix->nodes);
}

size_t lw_layer_index_memory(const struct lw_layer_index *ix)
{
	return ix->arena.bytes + ix->cap * sizeof(*ix->entries) +
		(ix->metas.size + ix->dirs.size + ix->nodes.size) *
		sizeof(void *);
}

char *lw_layer_index_strndup(struct lw_layer_index *ix, const char *s,
			     size_t len)
{
	char *p;

	if (len >= STR_CHUNK / 4)
		return lw_arena_strndup(&ix->arena, s, len);
	if (ix->strs_left < len + 1) {
		ix->strs = lw_arena_alloc(&ix->arena, STR_CHUNK);
		if (!ix->strs) {
			ix->strs_left = 0;
			return NULL;
		}
		ix->strs_left = STR_CHUNK;
	}
	p = ix->strs;
	memcpy(p, s, len);
	p[len] = '\0';
	ix->strs += len + 1;
	ix->strs_left -= len + 1;
	return p;
}

/* ---- The interned sets: dirs, metas and nodes ---- */

typedef uint64_t (*intern_hash_fn)(const void *item);
typedef int (*intern_same_fn)(const void *item, const void *key);

/* The slot in s of key, whose hash is h: the item same() finds equal, or
 * the empty slot where it goes. */
static size_t intern_slot(const struct lw_intern_set *s, uint64_t h,
			  const void *key, intern_same_fn same)
{
	size_t mask = s->size - 1, i = (size_t)h & mask;

	while (s->slots[i] && !same(s->slots[i], key))
		i = (i + 1) & mask;
	return i;
}

/* The item of s equal to key (hash h), or NULL and in *slot where it
 * goes, room made for one more (hash() rehashes the items). *slot is
 * SIZE_MAX when that room cannot be had. */
static const void *intern_find(struct lw_intern_set *s, uint64_t h,
			       const void *key, intern_hash_fn hash,
			       intern_same_fn same, size_t *slot)
{
	size_t i;

	if ((s->n + 1) * 4 > s->size * 3) {
		struct lw_intern_set old = *s;
		size_t size = old.size ? old.size * 2 : 64;

		s->slots = calloc(size, sizeof(*s->slots));
		if (!s->slots) {
			*s = old;
			*slot = SIZE_MAX;
			return NULL;
		}
		s->size = size;
		for (i = 0; i < old.size; i++) {
			size_t j;

			if (!old.slots[i])
				continue;
			j = (size_t)hash(old.slots[i]) & (size - 1);
			while (s->slots[j])
				j = (j + 1) & (size - 1);
			s->slots[j] = old.slots[i];
		}
		free(old.slots);
	}
	i = intern_slot(s, h, key, same);
	*slot = i;
	return s->slots[i];
}

/* Puts item, new, in the slot intern_find() gave. */
static const void *intern_add(struct lw_intern_set *s, size_t slot,
			      const void *item)
{
	s->slots[slot] = item;
	s->n++;
	s->last = item;
	return item;
}

/* The item of s equal to key, else a copy of key's size bytes in ix's
 * arena, added to s; NULL on out of memory. */
static const void *intern_copy(struct lw_layer_index *ix,
			       struct lw_intern_set *s, const void *key,
			       size_t size, intern_hash_fn hash,
			       intern_same_fn same)
{
	const void *found = s->last;
	void *n;
	size_t slot;

	/* Neighbours in a tar mostly share it. */
	if (found && same(found, key))
		return found;
	found = intern_find(s, hash(key), key, hash, same, &slot);
	if (found) {
		s->last = found;
		return found;
	}
	if (slot == SIZE_MAX || !(n = lw_arena_alloc(&ix->arena, size)))
		return NULL;
	memcpy(n, key, size);
	return intern_add(s, slot, n);
}

/* A dir's key: its path and the path's hash. */
struct dir_key {
	const char *path;
	size_t len;
	uint64_t hash;
};

static uint64_t dir_hash(const void *item)
{
	return ((const struct lw_dir *)item)->hash;
}

static int dir_same(const void *item, const void *key)
{
	const struct lw_dir *d = item;
	const struct dir_key *k = key;

	return d->hash == k->hash && d->len == k->len &&
		!memcmp(d->path, k->path, k->len);
}

const struct lw_dir *lw_layer_index_dir(struct lw_layer_index *ix,
					const char *path, size_t len)
{
	const struct lw_dir *d = ix->dirs.last;
	struct dir_key k = { path, len, 0 };
	struct lw_dir *n;
	size_t slot;

	/* Neighbours in a tar mostly share their directory. */
	if (d && d->len == len && !memcmp(d->path, path, len))
		return d;
	k.hash = XXH3_64bits(path, len);
	d = intern_find(&ix->dirs, k.hash, &k, dir_hash, dir_same, &slot);
	if (d) {
		ix->dirs.last = d;
		return d;
	}
	if (slot == SIZE_MAX)
		return NULL;
	n = lw_arena_alloc(&ix->arena, sizeof(*n));
	if (!n)
		return NULL;
	n->path = lw_layer_index_strndup(ix, path, len);
	if (!n->path)
		return NULL;
	n->hash = k.hash;
	n->len = (uint32_t)len;
	return intern_add(&ix->dirs, slot, n);
}

/* The 4 GiB window of memory p lies in: a node's base. */
static uintptr_t window_of(const char *p)
{
	return (uintptr_t)p & ~(uintptr_t)UINT32_MAX;
}

static uint64_t node_hash(const void *item)
{
	const struct lw_node *n = item;
	uint64_t k[3] = { (uint64_t)(uintptr_t)n->dir,
			  (uint64_t)(uintptr_t)n->meta, (uint64_t)n->base };

	return XXH3_64bits(k, sizeof(k));
}

static int node_same(const void *item, const void *key)
{
	const struct lw_node *a = item, *b = key;

	return a->dir == b->dir && a->meta == b->meta && a->base == b->base;
}

/* The node (d, m, base) of ix, added when ix lacks it; NULL on out of
 * memory. */
static const struct lw_node *node_of(struct lw_layer_index *ix,
				     const struct lw_dir *d,
				     const struct lw_entry_meta *m,
				     uintptr_t base)
{
	const struct lw_node key = { d, m, base };

	return intern_copy(ix, &ix->nodes, &key, sizeof(key), node_hash,
			   node_same);
}

int lw_layer_index_set_path(struct lw_layer_index *ix, struct lw_entry *e,
			    const struct lw_entry_meta *m, const char *path,
			    size_t plen, const char *link, size_t llen)
{
	const char *slash = memrchr(path, '/', plen);
	const char *name = slash ? slash + 1 : path;
	size_t nlen = plen - (size_t)(name - path);
	const struct lw_dir *d = NULL;
	char buf[LW_PATH_MAX], *p;

	e->node = NULL;
	e->name_len = (uint16_t)nlen;
	if (slash) {
		d = lw_layer_index_dir(ix, path, (size_t)(slash - path));
		if (!d)
			return -1;
	}
	if (!link) {
		p = lw_layer_index_strndup(ix, name, nlen);
	} else if (nlen + llen + 2 <= sizeof(buf)) {
		/* The name, its NUL, the link and its NUL, in one piece:
		 * packed with the other strings when it fits a path's
		 * room. */
		memcpy(buf, name, nlen);
		buf[nlen] = '\0';
		memcpy(buf + nlen + 1, link, llen);
		p = lw_layer_index_strndup(ix, buf, nlen + 1 + llen);
	} else {
		p = lw_arena_alloc(&ix->arena, nlen + llen + 2);
		if (p) {
			memcpy(p, name, nlen);
			p[nlen] = '\0';
			memcpy(p + nlen + 1, link, llen);
			p[nlen + 1 + llen] = '\0';
		}
	}
	if (!p)
		return -1;
	e->node = node_of(ix, d, m, window_of(p));
	if (!e->node)
		return -1;
	e->name_off = (uint32_t)((uintptr_t)p - e->node->base);
	if (link)
		e->flags |= LW_ENTRY_HAS_LINK;
	return 0;
}

/* A path seen as up to three pieces (directory, "/", name): the byte at
 * each place, and how far it goes. */
struct pieces {
	const char *s[3];
	size_t n[3];
};

static void pieces_of(const struct lw_entry *e, struct pieces *p)
{
	const struct lw_dir *d = lw_entry_dir(e);

	p->s[0] = d ? d->path : "";
	p->n[0] = d ? d->len : 0;
	p->s[1] = "/";
	p->n[1] = d ? 1 : 0;
	p->s[2] = lw_entry_name(e);
	p->n[2] = e->name_len;
}

/* A byte's rank in tree order: the end first, then the separator, then
 * every other byte (see lw_path_cmp). */
static int tree_rank(int c)
{
	return c < 0 ? 0 : c == '/' ? 1 : c + 2;
}

/* lw_path_cmp of two paths in pieces (strcmp when bytes is set): runs of
 * equal bytes are skipped with memcmp, a piece at a time. */
static int pieces_order(const struct pieces *a, const struct pieces *b,
			int bytes)
{
	size_t ai = 0, ao = 0, bi = 0, bo = 0;
	int x, y;

	for (;;) {
		size_t m;

		while (ai < 3 && ao == a->n[ai]) {
			ai++;
			ao = 0;
		}
		while (bi < 3 && bo == b->n[bi]) {
			bi++;
			bo = 0;
		}
		if (ai == 3 || bi == 3) {
			x = ai == 3 ? -1 : (unsigned char)a->s[ai][ao];
			y = bi == 3 ? -1 : (unsigned char)b->s[bi][bo];
			break;
		}
		m = a->n[ai] - ao < b->n[bi] - bo ? a->n[ai] - ao :
			b->n[bi] - bo;
		if (memcmp(a->s[ai] + ao, b->s[bi] + bo, m)) {
			while (a->s[ai][ao] == b->s[bi][bo]) {
				ao++;
				bo++;
			}
			x = (unsigned char)a->s[ai][ao];
			y = (unsigned char)b->s[bi][bo];
			break;
		}
		ao += m;
		bo += m;
	}
	if (!bytes) {
		x = tree_rank(x);
		y = tree_rank(y);
	}
	return x < y ? -1 : x > y;
}

static int pieces_cmp(const struct pieces *a, const struct pieces *b)
{
	return pieces_order(a, b, 0);
}

/* The first place in [0, n) where a and b differ, or n: a word at a
 * time. */
static size_t first_diff(const char *a, const char *b, size_t n)
{
	size_t i = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	for (; i + 8 <= n; i += 8) {
		uint64_t u, v;

		memcpy(&u, a + i, 8);
		memcpy(&v, b + i, 8);
		if (u != v)
			/* The first byte that differs is the lowest. */
			return i + (size_t)__builtin_ctzll(u ^ v) / 8;
	}
#endif
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

/* a against b, whose directory's path is a's directory's path and more:
 * a's name meets the rest of b's directory. */
static int deeper_cmp(const struct lw_entry *a, const struct lw_entry *b)
{
	const struct lw_dir *bd = lw_entry_dir(b);
	size_t la = lw_entry_dir(a)->len, rest = bd->len - la - 1, m, i;
	const char *r = bd->path + la + 1, *an = lw_entry_name(a);

	/* After the shared part a goes on with '/', b with its byte. */
	if (bd->path[la] != '/')
		return -1;
	m = a->name_len < rest ? a->name_len : rest;
	i = first_diff(an, r, m);
	if (i < m)
		return tree_rank((unsigned char)an[i]) <
			tree_rank((unsigned char)r[i]) ? -1 : 1;
	/* a's path ends where b's goes on (with '/' or more of the
	 * component), or b's component ends where a's name goes on. */
	return a->name_len <= rest ? -1 : 1;
}

static int name_cmp(const struct lw_entry *a, const struct lw_entry *b)
{
	int c = strcmp(lw_entry_name(a), lw_entry_name(b));

	return c < 0 ? -1 : c > 0;
}

int lw_entry_path_cmp(const struct lw_entry *a, const struct lw_entry *b)
{
	const struct lw_dir *ad = lw_entry_dir(a), *bd = lw_entry_dir(b);
	struct pieces pa, pb;

	/* Siblings, the common case, differ in their names alone; a name
	 * holds no separator, so bytes order it. */
	if (ad == bd)
		return name_cmp(a, b);
	/* Otherwise the directories mostly settle it: at their first
	 * difference, or, when they are equal strings (of two layers), the
	 * names do. */
	if (ad && bd) {
		size_t la = ad->len, lb = bd->len;
		size_t m = la < lb ? la : lb;
		size_t i = first_diff(ad->path, bd->path, m);

		if (i < m) {
			int x = tree_rank((unsigned char)ad->path[i]);
			int y = tree_rank((unsigned char)bd->path[i]);

			return x < y ? -1 : 1;
		}
		if (la == lb)
			return name_cmp(a, b);
		/* One directory's path starts the other's. */
		return la < lb ? deeper_cmp(a, b) : -deeper_cmp(b, a);
	}
	pieces_of(a, &pa);
	pieces_of(b, &pb);
	return pieces_cmp(&pa, &pb);
}

int lw_entry_path_strcmp(const struct lw_entry *a, const struct lw_entry *b)
{
	const struct lw_dir *ad = lw_entry_dir(a), *bd = lw_entry_dir(b);
	struct pieces pa, pb;

	/* As lw_entry_path_cmp(): siblings by name, others mostly at
	 * their directories' first difference. */
	if (ad == bd)
		return name_cmp(a, b);
	if (ad && bd) {
		size_t m = ad->len < bd->len ? ad->len : bd->len;
		size_t i = first_diff(ad->path, bd->path, m);

		if (i < m)
			return (unsigned char)ad->path[i] <
				(unsigned char)bd->path[i] ? -1 : 1;
		if (ad->len == bd->len)
			return name_cmp(a, b);
	}
	pieces_of(a, &pa);
	pieces_of(b, &pb);
	return pieces_order(&pa, &pb, 1);
}

int lw_entry_path_cmp_str(const struct lw_entry *e, const char *path,
			  size_t len)
{
	struct pieces pa, pb = { { path, "", "" }, { len, 0, 0 } };

	pieces_of(e, &pa);
	return pieces_cmp(&pa, &pb);
}

int lw_entry_path_is(const struct lw_entry *e, const char *path)
{
	const struct lw_dir *d = lw_entry_dir(e);
	size_t dl;

	if (!d)
		return !strcmp(lw_entry_name(e), path);
	dl = d->len;
	return !strncmp(path, d->path, dl) && path[dl] == '/' &&
		!strcmp(path + dl + 1, lw_entry_name(e));
}

static int str_same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static int meta_same(const void *item, const void *key)
{
	const struct lw_entry_meta *a = item, *b = key;

	return a->mtime == b->mtime && a->uid == b->uid && a->gid == b->gid &&
		a->mode == b->mode && a->xattr_hash == b->xattr_hash &&
		str_same(a->uname, b->uname) && str_same(a->gname, b->gname);
}

static uint64_t meta_hash(const void *item)
{
	const struct lw_entry_meta *m = item;
	uint64_t fixed[3] = { (uint64_t)m->mtime,
			      (uint64_t)m->uid << 32 | m->gid,
			      (uint64_t)m->xattr_hash << 16 | m->mode };
	uint64_t h = XXH3_64bits(fixed, sizeof(fixed));

	/* NULL and "" differ: the seed tells them apart. */
	h = XXH3_64bits_withSeed(m->uname ? m->uname : "",
				 m->uname ? strlen(m->uname) : 0,
				 h ^ (m->uname ? 1 : 2));
	return XXH3_64bits_withSeed(m->gname ? m->gname : "",
				    m->gname ? strlen(m->gname) : 0,
				    h ^ (m->gname ? 3 : 4));
}

const struct lw_entry_meta *lw_layer_index_meta(struct lw_layer_index *ix,
						const struct lw_entry_meta *m)
{
	return intern_copy(ix, &ix->metas, m, sizeof(*m), meta_hash,
			   meta_same);
}

const struct lw_entry *lw_layer_index_find(const struct lw_layer_index *ix,
					   const char *path)
{
	size_t i = ix->count;

	while (i-- > 0) {
		const struct lw_entry *e = &ix->entries[i];

		if (e->type != LW_ENTRY_WHITEOUT && e->type != LW_ENTRY_OPAQUE &&
		    lw_entry_path_is(e, path))
			return e;
	}
	return NULL;
}

/* lw_keeps_file() of e's whole path. */
static int entry_keeps(const struct lw_entry *e)
{
	struct lw_pathbuf b;

	return lw_keeps_file(lw_entry_path(e, &b));
}

int lw_keeps_file(const char *path)
{
	static const char *const exact[] = { "etc/passwd", "etc/group" };
	static const char *const names[] = { ".env", ".npmrc", ".pypirc",
		".netrc", ".git-credentials" };
	static const char *const ends[] = { ".pem", ".key" };
	const char *base = strrchr(path, '/');
	size_t i, n;

	base = base ? base + 1 : path;
	for (i = 0; i < sizeof(exact) / sizeof(*exact); i++)
		if (!strcmp(path, exact[i]))
			return 1;
	for (i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (!strcmp(base, names[i]))
			return 1;
	n = strlen(base);
	for (i = 0; i < sizeof(ends) / sizeof(*ends); i++)
		if (n > strlen(ends[i]) &&
		    !strcmp(base + n - strlen(ends[i]), ends[i]))
			return 1;
	return 0;
}

int lw_scan_wants_kept(const struct lw_layer_index *ix,
		       const struct lw_entry *e)
{
	return e->size <= LW_KEPT_FILE_MAX &&
	       ix->kept_bytes + e->size <= LW_KEPT_LAYER_MAX &&
	       entry_keeps(e);
}

void lw_scan_keep(struct lw_layer_index *ix, const struct lw_entry *e,
		  const void *data, size_t len)
{
	unsigned char *p = lw_arena_alloc(&ix->arena, len + 1);

	if (!p)
		return;
	memcpy(p, data, len);
	p[len] = '\0';
	ix->kept = lw_xrealloc(ix->kept, (ix->nkept + 1) * sizeof(*ix->kept));
	ix->kept[ix->nkept].entry = (size_t)(e - ix->entries);
	ix->kept[ix->nkept].data = p;
	ix->kept[ix->nkept++].len = len;
	ix->kept_bytes += len;
}

const struct lw_kept_file *lw_layer_index_kept(const struct lw_layer_index *ix,
					       size_t ei)
{
	size_t i;

	for (i = 0; i < ix->nkept; i++)
		if (ix->kept[i].entry == ei)
			return &ix->kept[i];
	return NULL;
}

const struct lw_entry *lw_layer_index_content(const struct lw_layer_index *ix,
					      const struct lw_entry *e)
{
	if (e->type == LW_ENTRY_HARDLINK) {
		if (e->target == LW_NO_TARGET || e->target >= ix->count)
			return NULL;
		e = &ix->entries[e->target];
	}
	return e->type == LW_ENTRY_FILE ? e : NULL;
}
