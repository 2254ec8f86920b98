/* --fix: the safe suggestions as one unified diff of the Dockerfile. */
#include <stdlib.h>
#include <string.h>

#include "layerwaste/attrib.h"
#include "layerwaste/util.h"

#define CONTEXT 3

static int edit_ptr_cmp(const void *x, const void *y)
{
	const struct lw_fix_edit *a = *(const struct lw_fix_edit *const *)x;
	const struct lw_fix_edit *b = *(const struct lw_fix_edit *const *)y;

	return a->line - b->line;
}

static size_t count_lines(const char *t)
{
	size_t n = 1;

	if (!t)
		return 0;
	for (; *t; t++)
		n += *t == '\n';
	return n;
}

static void add_prefixed(struct lw_strbuf *sb, char c, const char *t)
{
	const char *nl;

	while (t) {
		nl = strchr(t, '\n');
		lw_strbuf_addc(sb, c);
		lw_strbuf_add(sb, t, nl ? (size_t)(nl - t) : strlen(t));
		lw_strbuf_addc(sb, '\n');
		t = nl ? nl + 1 : NULL;
	}
}

/* Line i of an edit's new text, as a fresh string (NULL past the end). */
static char *new_line(const char *t, size_t i)
{
	const char *nl;

	while (t && i--) {
		nl = strchr(t, '\n');
		t = nl ? nl + 1 : NULL;
	}
	if (!t)
		return NULL;
	nl = strchr(t, '\n');
	return strndup(t, nl ? (size_t)(nl - t) : strlen(t));
}

/* One edit: lines it leaves alone at either end stay context, so a
 * continuation line gets one changed line, not a rewritten block. */
static void emit_edit(struct lw_strbuf *body, const struct lw_attribution *at,
		      const struct lw_fix_edit *e, long *oldc, long *newc)
{
	size_t m = (size_t)(e->end_line - e->line + 1);
	size_t k = count_lines(e->text), pre = 0, suf = 0, i;
	char *x;

	while (pre < m && pre < k) {
		x = new_line(e->text, pre);
		if (!x || strcmp(x, at->df_lines[e->line - 1 + pre])) {
			free(x);
			break;
		}
		free(x);
		pre++;
	}
	while (suf < m - pre && suf < k - pre) {
		x = new_line(e->text, k - 1 - suf);
		if (!x || strcmp(x, at->df_lines[e->line - 1 + m - 1 - suf])) {
			free(x);
			break;
		}
		free(x);
		suf++;
	}
	for (i = 0; i < pre; i++)
		add_prefixed(body, ' ', at->df_lines[e->line - 1 + i]);
	for (i = pre; i < m - suf; i++)
		add_prefixed(body, '-', at->df_lines[e->line - 1 + i]);
	for (i = pre; i < k - suf; i++) {
		x = new_line(e->text, i);
		add_prefixed(body, '+', x ? x : "");
		free(x);
	}
	for (i = m - suf; i < m; i++)
		add_prefixed(body, ' ', at->df_lines[e->line - 1 + i]);
	*oldc += (long)m;
	*newc += (long)k;
}

/* 1 when every cause suggestion si fixes is suppressed: the author
 * chose to keep that waste, so --fix leaves its lines alone. */
static int all_suppressed(const struct lw_attribution *at, size_t si)
{
	size_t k, n = 0;

	for (k = 0; k < at->ncauses; k++) {
		if (at->causes[k].suggestion != (int)si)
			continue;
		if (!at->causes[k].suppressed)
			return 0;
		n++;
	}
	return n > 0;
}

char *lw_attribution_diff(const struct lw_attribution *at)
{
	struct lw_strbuf out = LW_STRBUF_INIT;
	const struct lw_fix_edit **ed;
	size_t ned = 0, i, k, e;
	long delta = 0;
	int n;

	if (!at || !at->dockerfile || !at->ndf_lines)
		return lw_xstrdup("");
	n = (int)at->ndf_lines;
	for (i = 0, k = 0; i < at->nsuggestions; i++)
		k += at->suggestions[i].nedits;
	ed = lw_xcalloc(k + 1, sizeof(*ed));
	/* Largest saving first; a fix that touches lines an earlier one
	 * already changed waits for the next run. */
	for (i = 0; i < at->nsuggestions; i++) {
		const struct lw_suggestion *s = &at->suggestions[i];
		int clash = 0;

		if (!s->safe || all_suppressed(at, i))
			continue;
		for (k = 0; k < s->nedits && !clash; k++)
			for (e = 0; e < ned && !clash; e++)
				clash = s->edits[k].line <= ed[e]->end_line &&
					ed[e]->line <= s->edits[k].end_line;
		for (k = 0; k < s->nedits && !clash; k++)
			if (s->edits[k].line < 1 || s->edits[k].end_line > n)
				clash = 1;
		if (clash)
			continue;
		for (k = 0; k < s->nedits; k++)
			ed[ned++] = &s->edits[k];
	}
	if (!ned) {
		free(ed);
		return lw_xstrdup("");
	}
	qsort(ed, ned, sizeof(*ed), edit_ptr_cmp);
	if (at->dockerfile[0] == '/')
		lw_strbuf_addf(&out, "--- %s\n+++ %s\n", at->dockerfile,
			       at->dockerfile);
	else
		lw_strbuf_addf(&out, "--- a/%s\n+++ b/%s\n", at->dockerfile,
			       at->dockerfile);
	for (e = 0; e < ned;) {
		struct lw_strbuf body = LW_STRBUF_INIT;
		int start = ed[e]->line - CONTEXT, end, l;
		long oldc = 0, newc = 0;
		size_t first = e;

		if (start < 1)
			start = 1;
		end = ed[e]->end_line + CONTEXT;
		/* Edits whose context touches join the hunk. */
		while (e + 1 < ned && ed[e + 1]->line - CONTEXT <= end + 1) {
			e++;
			if (ed[e]->end_line + CONTEXT > end)
				end = ed[e]->end_line + CONTEXT;
		}
		if (end > n)
			end = n;
		k = first;
		for (l = start; l <= end; l++) {
			if (k <= e && ed[k]->line == l) {
				emit_edit(&body, at, ed[k], &oldc, &newc);
				l = ed[k]->end_line;
				k++;
				continue;
			}
			add_prefixed(&body, ' ', at->df_lines[l - 1]);
			oldc++;
			newc++;
		}
		lw_strbuf_addf(&out, "@@ -%d,%ld +%ld,%ld @@\n", start, oldc,
			       newc ? start + delta : start + delta - 1, newc);
		lw_strbuf_add(&out, body.buf, body.len);
		lw_strbuf_release(&body);
		delta += newc - oldc;
		e++;
	}
	free(ed);
	return lw_strbuf_detach(&out);
}
