/* Fingerprints of cause groups that survive rebuilds: the same waste made
 * by the same instructions keeps its fingerprint when lines move or
 * layers are inserted. The CI formats (SARIF, GitLab) and the comparison
 * of two builds (compare stage) all use these. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/attrib.h"
#include "layerwaste/dockerfile.h"
#include "layerwaste/engine.h"

void lw_history_stable(const char *created_by, struct lw_strbuf *sb)
{
	struct lw_strbuf h = LW_STRBUF_INIT;
	const char *p;

	lw_history_short(created_by, &h);
	for (p = h.buf; *p; p++) {
		lw_strbuf_addc(sb, *p);
		if (*p != ':')
			continue;
		if ((p - h.buf >= 4 && !strncmp(p - 4, "file:", 5)) ||
		    (p - h.buf >= 3 && !strncmp(p - 3, "dir:", 4)))
			while (p[1] && strchr("0123456789abcdef", p[1]))
				p++;
	}
	lw_strbuf_release(&h);
}

/* The history of layer li as the fingerprint sees it. */
static void stable_history(const struct lw_analysis *an, uint32_t li,
			   struct lw_strbuf *sb)
{
	const struct lw_image *img = an->image;

	if (img && li < img->nlayers && img->layers[li].history)
		lw_history_stable(img->layers[li].history->created_by, sb);
}

static uint64_t fnv(uint64_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

char **lw_cause_fingerprints(const struct lw_analysis *an)
{
	char **fp = lw_xcalloc(an->ngroups + 1, sizeof(*fp));
	struct lw_strbuf sb = LW_STRBUF_INIT;
	const struct lw_group *g;
	const char *path;
	uint64_t h;
	size_t i, j, k, same;

	for (i = 0; i < an->ngroups; i++) {
		g = &an->groups[i];
		h = 0xcbf29ce484222325ULL;
		lw_strbuf_reset(&sb);
		lw_strbuf_adds(&sb, lw_kind_name(g->kind));
		h = fnv(h, sb.buf, sb.len + 1);
		lw_strbuf_reset(&sb);
		stable_history(an, g->layer, &sb);
		h = fnv(h, sb.buf, sb.len + 1);
		lw_strbuf_reset(&sb);
		stable_history(an, g->from_layer, &sb);
		h = fnv(h, sb.buf, sb.len + 1);
		for (k = 0; k < g->count && g->first + k < an->nfindings; k++) {
			path = an->findings[g->first + k].path;
			h = fnv(h, path, strlen(path) + 1);
		}
		lw_strbuf_reset(&sb);
		lw_strbuf_addf(&sb, "%016" PRIx64, h);
		for (j = 0, same = 1; j < i; j++)
			if (!strncmp(fp[j], sb.buf, 16))
				same++;
		if (same > 1)
			lw_strbuf_addf(&sb, "-%zu", same);
		fp[i] = lw_strbuf_detach(&sb);
	}
	lw_strbuf_release(&sb);
	return fp;
}

void lw_cause_fingerprints_free(char **fp, size_t n)
{
	size_t i;

	for (i = 0; fp && i < n; i++)
		free(fp[i]);
	free(fp);
}
