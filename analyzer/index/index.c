#include <stdlib.h>
#include <string.h>

#include "layerwaste/index.h"

void lw_layer_index_init(struct lw_layer_index *ix)
{
	memset(ix, 0, sizeof(*ix));
	lw_arena_init(&ix->arena);
}

void lw_layer_index_release(struct lw_layer_index *ix)
{
	lw_arena_release(&ix->arena);
	free(ix->entries);
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
	return ix->arena.bytes + ix->cap * sizeof(*ix->entries);
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
