/* What every format says about a cause group: its fix, its place in the
 * Dockerfile, its title and sentence, and a fingerprint that survives
 * rebuilds. See ci_priv.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "layerwaste/checks.h"
#include "layerwaste/dockerfile.h"
#include "ci_priv.h"
#include "render_priv.h"

#define INSTRUCTION_MAX 100 /* columns of an instruction in a sentence */

const struct lw_suggestion *lwr_group_fix(const struct lw_result *r,
					  size_t gi)
{
	const struct lw_attribution *at = r->attribution;
	const struct lw_cause *c = NULL;
	size_t i;

	if (!at || !at->causes)
		return NULL;
	if (gi < at->ncauses && at->causes[gi].group == gi)
		c = &at->causes[gi];
	for (i = 0; !c && i < at->ncauses; i++)
		if (at->causes[i].group == gi)
			c = &at->causes[i];
	if (!c || c->suggestion < 0 ||
	    (size_t)c->suggestion >= at->nsuggestions)
		return NULL;
	return &at->suggestions[c->suggestion];
}

static const struct lw_cause *group_cause(const struct lw_result *r,
					 size_t gi)
{
	const struct lw_attribution *at = r->attribution;
	size_t i;

	if (!at || !at->causes)
		return NULL;
	if (gi < at->ncauses && at->causes[gi].group == gi)
		return &at->causes[gi];
	for (i = 0; i < at->ncauses; i++)
		if (at->causes[i].group == gi)
			return &at->causes[i];
	return NULL;
}

int lwr_group_base(const struct lw_result *r, size_t gi)
{
	const struct lw_cause *c = group_cause(r, gi);

	return c && c->base;
}

int lwr_group_inherited(const struct lw_result *r, size_t gi)
{
	const struct lw_cause *c = group_cause(r, gi);

	return c && c->inherited;
}

int lwr_group_judged(const struct lw_result *r, size_t gi)
{
	const struct lw_cause *c = group_cause(r, gi);

	/* The judge's set (floor, ignores, suppressions, baseline, base);
	 * the rest only for a result made without a rules report. */
	if (r->rules && r->rules->groups)
		return lw_rules_group_judged(r->rules, gi);
	if (c && c->suppressed)
		return 0;
	if (r->baseline && gi < r->baseline->ngroups &&
	    r->baseline->status[gi] == LW_BL_UNCHANGED)
		return 0;
	return !lwr_group_inherited(r, gi) ||
	       (r->rules && r->rules->judge_base);
}

const struct lw_cause *lwr_group_cause(const struct lw_result *r, size_t gi)
{
	return group_cause(r, gi);
}

void *lwr_suppressed_json(const struct lw_result *r, size_t gi)
{
	const struct lw_cause *c = group_cause(r, gi);
	json_t *o;

	if (!c || !c->suppressed)
		return lwr_jmust(json_null());
	o = lwr_jmust(json_object());
	lwr_jput(o, "by", lwr_jtext(lw_suppress_by_name(c->suppressed)));
	lwr_jput(o, "reason", lwr_jtext(c->suppress_reason));
	return o;
}

uint64_t lwr_inherited_bytes(const struct lw_result *r)
{
	const struct lw_analysis *an = r->analysis;
	uint64_t n = 0;
	size_t gi;

	for (gi = 0; gi < an->ngroups; gi++)
		if (lwr_group_inherited(r, gi))
			n += an->groups[gi].bytes;
	return n;
}

static const struct lw_layer_attr *layer_attr(const struct lw_result *r,
					      size_t li)
{
	const struct lw_attribution *at = r->attribution;

	if (!at || !at->layers || li >= at->nlayers)
		return NULL;
	return &at->layers[li];
}

struct lwr_loc lwr_group_loc(const struct lw_result *r, size_t gi)
{
	const struct lw_analysis *an = r->analysis;
	const struct lw_suggestion *s = lwr_group_fix(r, gi);
	const struct lw_layer_attr *la;
	struct lwr_loc loc = { NULL, 0, 0 };

	if (r->attribution)
		loc.file = r->attribution->dockerfile;
	if (s && s->file && s->line > 0) {
		loc.file = s->file;
		loc.line = s->line;
		loc.end_line = s->end_line;
	} else if (gi < an->ngroups &&
		   (la = layer_attr(r, an->groups[gi].layer)) &&
		   la->file && la->line > 0) {
		loc.file = la->file;
		loc.line = la->line;
		loc.end_line = la->end_line;
	}
	if (loc.end_line < loc.line)
		loc.end_line = loc.line;
	return loc;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A line continuation: a backslash, blanks, then the end of the line. */
static int continuation(const char *s)
{
	if (*s++ != '\\')
		return 0;
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	return *s == '\n';
}

/* Whitespace runs and line continuations as one space, cut at
 * INSTRUCTION_MAX code points. */
static void one_line(struct lw_strbuf *sb, const char *s)
{
	int cols = 0, space = 0;

	while (is_blank(*s))
		s++;
	for (; *s; s++) {
		if (is_blank(*s) || continuation(s)) {
			space = 1;
			continue;
		}
		if (((unsigned char)*s & 0xc0) == 0x80) {
			lw_strbuf_addc(sb, *s);
			continue;
		}
		if (cols + space >= INSTRUCTION_MAX - 3) {
			lw_strbuf_adds(sb, "...");
			return;
		}
		if (space) {
			lw_strbuf_addc(sb, ' ');
			cols++;
		}
		space = 0;
		lw_strbuf_addc(sb, *s);
		cols++;
	}
}

void lwr_layer_instruction(const struct lw_result *r, size_t li,
			   struct lw_strbuf *sb)
{
	const struct lw_layer_attr *la = layer_attr(r, li);
	struct lw_strbuf h = LW_STRBUF_INIT;
	const struct lw_image *img = r->analysis->image;

	if (la && la->text && *la->text) {
		one_line(sb, la->text);
		return;
	}
	if (img && li < img->nlayers && img->layers[li].history)
		lw_history_short(img->layers[li].history->created_by, &h);
	one_line(sb, h.buf);
	lw_strbuf_release(&h);
}

void lwr_group_title(const struct lw_analysis *an, size_t gi,
		     struct lw_strbuf *sb)
{
	const struct lw_group *g = &an->groups[gi];
	char b[32];

	lw_format_bytes(g->bytes, b, sizeof(b));
	switch (g->kind) {
	case LW_KIND_CHOWN:
		lw_strbuf_addf(sb, "%s copied only to change owner", b);
		break;
	case LW_KIND_CHMOD:
		lw_strbuf_addf(sb, "%s copied only to change mode", b);
		break;
	case LW_KIND_CHOWN_CHMOD:
		lw_strbuf_addf(sb, "%s copied only to change owner and mode",
			       b);
		break;
	case LW_KIND_TOUCH:
		lw_strbuf_addf(sb, "%s copied only to change mtime or xattrs",
			       b);
		break;
	case LW_KIND_OVERWRITE:
		lw_strbuf_addf(sb, "%s in overwritten files still stored", b);
		break;
	default:
		lw_strbuf_addf(sb, "%s in deleted files still stored", b);
		break;
	}
}

/* What a metadata copy of n files changed: "its owner", "their mode". */
static const char *metadata_what(int kind, uint64_t n)
{
	switch (kind) {
	case LW_KIND_CHOWN: return n == 1 ? "its owner" : "their owner";
	case LW_KIND_CHMOD: return n == 1 ? "its mode" : "their mode";
	case LW_KIND_CHOWN_CHMOD:
		return n == 1 ? "its owner and mode" : "their owner and mode";
	default:
		return n == 1 ? "its mtime or xattrs" : "their mtime or xattrs";
	}
}

static void layer_ref(const struct lw_result *r, uint32_t li,
		      struct lw_strbuf *sb)
{
	struct lw_strbuf ins = LW_STRBUF_INIT;

	lw_strbuf_addf(sb, "Layer %" PRIu32, li);
	lwr_layer_instruction(r, li, &ins);
	if (ins.len)
		lw_strbuf_addf(sb, " (%s)", ins.buf);
	lw_strbuf_release(&ins);
}

void lwr_group_message(const struct lw_result *r, size_t gi,
		       struct lw_strbuf *sb)
{
	const struct lw_analysis *an = r->analysis;
	const struct lw_group *g = &an->groups[gi];
	const struct lw_suggestion *s = lwr_group_fix(r, gi);
	char b[32];
	size_t i;

	lw_format_bytes(g->bytes, b, sizeof(b));
	layer_ref(r, g->layer, sb);
	switch (g->kind) {
	case LW_KIND_OVERWRITE:
	case LW_KIND_DELETE:
		lw_strbuf_addf(sb, " %s %" PRIu64 " file%s of layer %" PRIu32
			       "; the %s %s stored there:",
			       g->kind == LW_KIND_DELETE ? "deletes" :
			       "overwrites", g->files, lw_plural(g->files),
			       g->from_layer, b, g->files == 1 ?
			       "of the old copy stay" : "of the old copies stay");
		break;
	default:
		lw_strbuf_addf(sb, " copies %" PRIu64 " file%s (%s) of layer %"
			       PRIu32 " only to change %s:", g->files,
			       lw_plural(g->files), b, g->from_layer,
			       metadata_what(g->kind, g->files));
		break;
	}
	for (i = 0; i < g->count && i < LWR_CI_PATHS; i++) {
		if (g->first + i >= an->nfindings)
			break;
		/* Escaped: a name's newline or escape byte never reaches a
		 * CI message raw. */
		lw_strbuf_addf(sb, "%s /", i ? "," : "");
		lwr_printable(sb, an->findings[g->first + i].path);
	}
	if (g->count > LWR_CI_PATHS)
		lw_strbuf_addf(sb, " and %zu more", g->count - LWR_CI_PATHS);
	lw_strbuf_addc(sb, '.');
	if (s && s->title) {
		lw_format_bytes(s->saves_bytes, b, sizeof(b));
		lw_strbuf_addf(sb, "\nFix: %s (saves %s).", s->title, b);
	}
}

char **lwr_fingerprints(const struct lw_analysis *an)
{
	return lw_cause_fingerprints(an);
}

void lwr_fingerprints_free(char **fp, size_t n)
{
	lw_cause_fingerprints_free(fp, n);
}
