/* The set of every path of an image in tree order: a directory's subtree
 * is a range of ranks. */
#include <string.h>

#include "engine_priv.h"

void lw_pathset_subtree(const struct lw_pathset *ps, const char *path,
			size_t *lo, size_t *hi)
{
	size_t a = 0, b = ps->n, n = strlen(path);

	if (n == 0) {
		*lo = 0;
		*hi = ps->n;
		return;
	}
	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (lw_path_cmp(ps->paths[mid], path) < 0)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	b = ps->n;
	while (a < b) {
		size_t mid = a + (b - a) / 2;
		const char *p = ps->paths[mid];

		if (!strncmp(p, path, n) && (p[n] == '\0' || p[n] == '/'))
			a = mid + 1;
		else
			b = mid;
	}
	*hi = a;
}
