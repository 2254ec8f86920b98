/* The text report's attribution: instructions instead of bare history,
 * each cause's fix, and the suggested edits. */
#include <inttypes.h>
#include <string.h>

#include "layerwaste/attrib.h"
#include "layerwaste/dockerfile.h"
#include "layerwaste/util.h"
#include "render_priv.h"

void lwr_layer_label(const struct lw_result *r, size_t layer,
		     struct lw_strbuf *out)
{
	const struct lw_image *img = r->analysis->image;
	const struct lw_attribution *at = r->attribution;
	const struct lw_layer_attr *la = at && layer < at->nlayers ?
		&at->layers[layer] : NULL;
	const char *cb = layer < img->nlayers && img->layers[layer].history ?
		img->layers[layer].history->created_by : NULL;

	lw_strbuf_reset(out);
	if (la && la->file && la->text) {
		struct lw_strbuf t = LW_STRBUF_INIT;
		const char *p;
		int space = 0;

		/* The instruction on one line: continuations folded. */
		for (p = la->text; *p; p++) {
			if (*p == '\\' && p[1] == '\n') {
				p++;
				space = 1;
				continue;
			}
			if (strchr(" \t\n\r", *p)) {
				space = 1;
				continue;
			}
			if (space && t.len)
				lw_strbuf_addc(&t, ' ');
			space = 0;
			lw_strbuf_addc(&t, *p);
		}
		/* The file's own name is enough in a terminal; the CI
		 * formats carry the path. */
		lw_strbuf_addf(out, "%s:%d %s", strrchr(la->file, '/') ?
			       strrchr(la->file, '/') + 1 : la->file,
			       la->line, t.buf);
		lw_strbuf_release(&t);
		return;
	}
	if (la && la->base) {
		struct lw_strbuf h = LW_STRBUF_INIT;

		lw_history_short(cb, &h);
		lw_strbuf_addf(out, "(from FROM %s) %s",
			       la->base_ref ? la->base_ref : "?",
			       h.buf);
		lw_strbuf_release(&h);
		return;
	}
	lw_history_short(cb, out);
}

const struct lw_suggestion *lwr_text_group_fix(const struct lw_result *r,
					       const struct lw_group *g)
{
	const struct lw_attribution *at = r->attribution;
	size_t i = (size_t)(g - r->analysis->groups);

	if (!at || i >= at->ncauses || at->causes[i].suggestion < 0)
		return NULL;
	return &at->suggestions[at->causes[i].suggestion];
}

static void add_lines(struct lwr_line *l, const char *text, char mark,
		      const char *sgr)
{
	const char *p = text, *nl;

	while (p && *p) {
		struct lw_strbuf one = LW_STRBUF_INIT;

		nl = strchr(p, '\n');
		lw_strbuf_add(&one, p, nl ? (size_t)(nl - p) : strlen(p));
		lwr_line_add(l, "      ");
		lwr_line_sgr(l, sgr);
		lwr_line_addf(l, "%c ", mark);
		lwr_line_esc(l, one.buf, -1, 0);
		lwr_line_sgr(l, LWR_RESET);
		lwr_line_end(l);
		lw_strbuf_release(&one);
		p = nl ? nl + 1 : NULL;
	}
}

void lwr_text_fixes(struct lwr_line *l, const struct lw_result *r,
		    const struct lw_render_opts *o)
{
	const struct lw_attribution *at = r->attribution;
	size_t i, n;
	char a[32], b[32], safe[2048];

	if (!at)
		return;
	if (at->dockerfile && !at->aligned) {
		lwr_line_end(l);
		lwr_line_add(l, "Dockerfile not used: ");
		lwr_line_esc(l, at->alignment_note ? at->alignment_note :
			     "it does not match the image's history", -1, 0);
		lwr_line_end(l);
	}
	if (!at->nsuggestions)
		return;
	lwr_line_end(l);
	lwr_line_heading(l, "Suggested fixes, largest saving first");
	n = at->nsuggestions < (size_t)o->top ? at->nsuggestions :
		(size_t)o->top;
	for (i = 0; i < n; i++) {
		const struct lw_suggestion *s = &at->suggestions[i];

		lwr_size(o, s->saves_bytes, a, sizeof(a));
		lwr_size(o, s->saves_compressed_bytes, b, sizeof(b));
		lwr_line_addf(l, "  %zu. [%s] saves %s (~%s compressed)%s",
			      i + 1, lw_fix_kind_name(s->kind), a, b,
			      s->safe ? ", applied by --fix" : "");
		lwr_line_end(l);
		lwr_line_add(l, "     ");
		lw_escape(s->title ? s->title : "", safe, sizeof(safe));
		lwr_text_wrap(l, safe, 5);
		if (s->safe && (s->before || s->after)) {
			add_lines(l, s->before, '-', "\033[31m");
			add_lines(l, s->after, '+', "\033[32m");
		} else if (s->detail) {
			lwr_line_add(l, "     ");
			lw_escape(s->detail, safe, sizeof(safe));
			lwr_text_wrap(l, safe, 5);
		}
	}
	if (at->nsuggestions > n) {
		lwr_line_addf(l, "  ... and %zu more", at->nsuggestions - n);
		lwr_line_end(l);
	}
}
