/* Fixes around COPY: when a later RUN changed the owner or mode of only
 * some of the files a COPY added, because the others already had it. */
#include <stdlib.h>
#include <string.h>

#include "attrib_priv.h"
#include "layerwaste/index.h"
#include "layerwaste/util.h"

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int lw_fix_copy_rest_same(const struct lw_analysis *an, uint32_t j,
			  const size_t *gs, size_t ng, int need_owner,
			  int need_mode, const struct lw_meta *m)
{
	const struct lw_layer_index *jx = an->image->layers[j].index;
	const char **hidden;
	size_t n = 0, gi, i;
	int ok = 1;

	for (gi = 0; gi < ng; gi++)
		if (an->groups[gs[gi]].from_layer == j)
			n += an->groups[gs[gi]].count;
	hidden = lw_xcalloc(n + 1, sizeof(*hidden));
	n = 0;
	for (gi = 0; gi < ng; gi++) {
		const struct lw_group *g = &an->groups[gs[gi]];

		if (g->from_layer != j)
			continue;
		for (i = g->first; i < g->first + g->count; i++)
			hidden[n++] = an->findings[i].path;
	}
	if (n)
		qsort(hidden, n, sizeof(*hidden), str_cmp);
	for (i = 0; ok && i < jx->count; i++) {
		const struct lw_entry *e = &jx->entries[i];
		struct lw_pathbuf pb;
		const char *path;

		if (e->type != LW_ENTRY_FILE && e->type != LW_ENTRY_HARDLINK)
			continue;
		path = lw_entry_path(e, &pb);
		if (n && bsearch(&path, hidden, n, sizeof(*hidden), str_cmp))
			continue;
		if ((need_owner && (lw_entry_uid(e) != m->uid ||
				    lw_entry_gid(e) != m->gid)) ||
		    (need_mode && (lw_entry_mode(e) & 07777) != m->mode))
			ok = 0;
	}
	free(hidden);
	return ok;
}
