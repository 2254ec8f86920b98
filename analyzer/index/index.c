#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "layerwaste/index.h"
#include "tar_priv.h"

/* A layer holds millions of entries: each byte here is megabytes. */
_Static_assert(sizeof(void *) != 8 || sizeof(struct lw_entry) == 56,
	       "struct lw_entry grew past 56 bytes");

/* Paths are packed into chunks this big, carved from the arena. */
#define STR_CHUNK (16u << 10)

void lw_layer_index_init(struct lw_layer_index *ix)
{
	memset(ix, 0, sizeof(*ix));
	lw_arena_init(&ix->arena);
}

void lw_layer_index_release(struct lw_layer_index *ix)
{
	lw_arena_release(&ix->arena);
	free(ix->entries);
	free(ix->meta_tab);
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

size_t lw_layer_index_memory(const struct lw_layer_index *ix)
{
	return ix->arena.bytes + ix->cap * sizeof(*ix->entries) +
		ix->meta_tabsize * sizeof(*ix->meta_tab);
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

char *lw_layer_index_path_link(struct lw_layer_index *ix, const char *path,
			       size_t plen, const char *link, size_t llen)
{
	char buf[2 * LW_PATH_MAX + 2];
	char *p;

	if (plen + llen + 2 <= sizeof(buf)) {
		memcpy(buf, path, plen);
		buf[plen] = '\0';
		memcpy(buf + plen + 1, link, llen);
		return lw_layer_index_strndup(ix, buf, plen + 1 + llen);
	}
	/* A hard link's target may be as long as a pax header says. */
	p = lw_arena_alloc(&ix->arena, plen + llen + 2);
	if (!p)
		return NULL;
	memcpy(p, path, plen);
	p[plen] = '\0';
	memcpy(p + plen + 1, link, llen);
	p[plen + 1 + llen] = '\0';
	return p;
}

static int str_same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static int meta_same(const struct lw_entry_meta *a,
		     const struct lw_entry_meta *b)
{
	return a->mtime == b->mtime && a->uid == b->uid && a->gid == b->gid &&
		a->mode == b->mode && a->xattr_hash == b->xattr_hash &&
		str_same(a->uname, b->uname) && str_same(a->gname, b->gname);
}

static uint64_t meta_hash(const struct lw_entry_meta *m)
{
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

/* The slot of m in ix->meta_tab: its equal or the empty slot where it
 * goes. */
static size_t meta_slot(const struct lw_layer_index *ix,
			const struct lw_entry_meta *m)
{
	size_t mask = ix->meta_tabsize - 1;
	size_t h = (size_t)meta_hash(m) & mask;

	while (ix->meta_tab[h] && !meta_same(ix->meta_tab[h], m))
		h = (h + 1) & mask;
	return h;
}

const struct lw_entry_meta *lw_layer_index_meta(struct lw_layer_index *ix,
						const struct lw_entry_meta *m)
{
	struct lw_entry_meta *n;
	size_t h;

	/* Neighbours in a tar mostly share all of it. */
	if (ix->last_meta && meta_same(ix->last_meta, m))
		return ix->last_meta;
	if ((ix->nmetas + 1) * 2 > ix->meta_tabsize) {
		const struct lw_entry_meta **old = ix->meta_tab;
		size_t i, oldsize = ix->meta_tabsize;
		size_t size = oldsize ? oldsize * 2 : 64;

		ix->meta_tab = lw_xcalloc(size, sizeof(*ix->meta_tab));
		ix->meta_tabsize = size;
		for (i = 0; i < oldsize; i++)
			if (old[i])
				ix->meta_tab[meta_slot(ix, old[i])] = old[i];
		free(old);
	}
	h = meta_slot(ix, m);
	if (!ix->meta_tab[h]) {
		n = lw_arena_alloc(&ix->arena, sizeof(*n));
		if (!n)
			return NULL;
		*n = *m;
		ix->meta_tab[h] = n;
		ix->nmetas++;
	}
	ix->last_meta = ix->meta_tab[h];
	return ix->last_meta;
}

const struct lw_entry *lw_layer_index_find(const struct lw_layer_index *ix,
					   const char *path)
{
	size_t i = ix->count;

	while (i-- > 0) {
		const struct lw_entry *e = &ix->entries[i];

		if (e->type != LW_ENTRY_WHITEOUT && e->type != LW_ENTRY_OPAQUE &&
		    strcmp(e->path, path) == 0)
			return e;
	}
	return NULL;
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
	       lw_keeps_file(e->path);
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
		if (e->target == LW_NO_OFFSET || e->target >= ix->count)
			return NULL;
		e = &ix->entries[e->target];
	}
	return e->type == LW_ENTRY_FILE ? e : NULL;
}
