/* Shared by the CI renderers: locations, sentences and fingerprints of
 * cause groups, text cleaning, the rules object. See ci_priv.h. */
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

static const char *metadata_what(int kind)
{
	switch (kind) {
	case LW_KIND_CHOWN: return "their owner";
	case LW_KIND_CHMOD: return "their mode";
	case LW_KIND_CHOWN_CHMOD: return "their owner and mode";
	default: return "their mtime or xattrs";
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
			       metadata_what(g->kind));
		break;
	}
	for (i = 0; i < g->count && i < LWR_CI_PATHS; i++) {
		if (g->first + i >= an->nfindings)
			break;
		lw_strbuf_addf(sb, "%s /%s", i ? "," : "",
			       an->findings[g->first + i].path);
	}
	if (g->count > LWR_CI_PATHS)
		lw_strbuf_addf(sb, " and %zu more", g->count - LWR_CI_PATHS);
	lw_strbuf_addc(sb, '.');
	if (s && s->title) {
		lw_format_bytes(s->saves_bytes, b, sizeof(b));
		lw_strbuf_addf(sb, "\nFix: %s (saves %s).", s->title, b);
	}
}

/* The history of layer li as the fingerprint sees it: short form, with
 * the content hashes of classic "COPY file:<hex> in /x" dropped. */
static void stable_history(const struct lw_analysis *an, uint32_t li,
			   struct lw_strbuf *sb)
{
	const struct lw_image *img = an->image;
	struct lw_strbuf h = LW_STRBUF_INIT;
	const char *p;

	if (img && li < img->nlayers && img->layers[li].history)
		lw_history_short(img->layers[li].history->created_by, &h);
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

static uint64_t fnv(uint64_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

char **lwr_fingerprints(const struct lw_analysis *an)
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

void lwr_fingerprints_free(char **fp, size_t n)
{
	size_t i;

	for (i = 0; fp && i < n; i++)
		free(fp[i]);
	free(fp);
}

static void printable(struct lw_strbuf *sb, const char *s, int lines)
{
	char unit[LWR_UNIT_MAX];
	int cols;

	while (s && *s) {
		if (*s == '\\' || (lines && (*s == '\n' || *s == '\t'))) {
			lw_strbuf_addc(sb, *s++);
			continue;
		}
		s += lwr_escape_unit(s, unit, &cols);
		lw_strbuf_adds(sb, unit);
	}
}

void lwr_printable(struct lw_strbuf *sb, const char *s)
{
	printable(sb, s, 0);
}

void lwr_printable_lines(struct lw_strbuf *sb, const char *s)
{
	printable(sb, s, 1);
}

const char *lwr_image_name(const struct lw_analysis *an)
{
	const struct lw_image *img = an->image;

	if (img->ntags && img->tags[0])
		return img->tags[0];
	return img->source ? img->source : "image";
}

const char *lwr_verdict(const struct lw_result *r)
{
	const struct lw_rules_report *rules = r->rules;
	int evaluated = rules && rules->evaluated;

	if (!evaluated && !lwr_checks(r))
		return "REPORT";
	return (evaluated && !rules->passed) || lwr_checks_failed(r) ?
		"FAIL" : "PASS";
}

static json_t *number(int unit, double v)
{
	if (unit == LW_UNIT_BYTES)
		return json_integer((json_int_t)v);
	return json_real(v);
}

static const char *unit_name(int unit)
{
	switch (unit) {
	case LW_UNIT_BYTES: return "bytes";
	case LW_UNIT_PERCENT: return "percent";
	default: return "ratio";
	}
}

void *lwr_rules_json(const struct lw_rules_report *r)
{
	json_t *o = lwr_jmust(json_object()), *a = lwr_jmust(json_array()), *x;
	const struct lw_rule_result *rr;
	size_t i;

	lwr_jput(o, "evaluated", json_boolean(r && r->evaluated));
	lwr_jput(o, "passed", json_boolean(!r || r->passed));
	lwr_jput(o, "config", r && r->config ? json_string(r->config) :
	    json_null());
	lwr_jput(o, "judged_bytes", json_integer(r ? (json_int_t)r->judged_bytes
					      : 0));
	lwr_jput(o, "ignored_bytes", json_integer(r ? (json_int_t)r->ignored_bytes
					       : 0));
	lwr_jput(o, "ignored_finding_count",
	    json_integer(r ? (json_int_t)r->ignored_findings : 0));
	for (i = 0; r && i < r->nresults; i++) {
		rr = &r->results[i];
		x = lwr_jmust(json_object());
		lwr_jput(x, "id", json_string(lw_rule_id(rr->rule)));
		lwr_jput(x, "description", json_string(lw_rule_description(rr->rule)));
		lwr_jput(x, "status", json_string(lw_rule_status_name(rr->status)));
		lwr_jput(x, "unit", json_string(unit_name(rr->unit)));
		lwr_jput(x, "limit", rr->status == LW_RULE_SKIP ? json_null() :
		    number(rr->unit, rr->limit));
		lwr_jput(x, "value", rr->status == LW_RULE_SKIP ? json_null() :
		    number(rr->unit, rr->value));
		lwr_jput(x, "below_floor", json_boolean(rr->below_floor));
		lwr_jput(x, "threshold", json_string(rr->threshold));
		lwr_jput(x, "actual", json_string(rr->actual));
		lwr_jput(x, "message", json_string(rr->message));
		if (json_array_append_new(a, x))
			abort();
	}
	lwr_jput(o, "results", a);
	return o;
}

int lw_render_ci_summary(FILE *f, const struct lw_result *r)
{
	const struct lw_analysis *an = r->analysis;
	const struct lw_attribution *at = r->attribution;
	const struct lw_rules_report *rules = r->rules;
	const struct lw_suggestion *s = NULL;
	const struct lw_checks *c;
	struct lw_strbuf sb = LW_STRBUF_INIT, t = LW_STRBUF_INIT;
	char a[32];
	int rc;

	if (at && at->nsuggestions)
		s = &at->suggestions[0];
	lw_strbuf_addf(&sb, "layerwaste: %s: %s wasted (%.2f %%)",
		       lwr_verdict(r), lw_format_bytes(an->wasted_bytes, a,
						       sizeof(a)),
		       lw_analysis_wasted_percent(an));
	if (rules && rules->evaluated && rules->nfailed)
		lw_strbuf_addf(&sb, "; %zu of %zu rule%s failed",
			       rules->nfailed, rules->nresults,
			       rules->nresults == 1 ? "" : "s");
	else if (rules && rules->evaluated)
		lw_strbuf_addf(&sb, "; %zu rule%s passed", rules->npassed,
			       rules->npassed == 1 ? "" : "s");
	if (rules && rules->evaluated && rules->nskipped)
		lw_strbuf_addf(&sb, ", %zu disabled", rules->nskipped);
	if ((c = lwr_checks(r)) && c->nfailed)
		lw_strbuf_addf(&sb, "; %zu of %zu %s checks failed (%zu "
			       "error%s)", c->nfailed, c->n,
			       lw_profile_name(c->profile), c->nerrors,
			       c->nerrors == 1 ? "" : "s");
	else if (c)
		lw_strbuf_addf(&sb, "; %zu %s check%s passed", c->npassed,
			       lw_profile_name(c->profile),
			       c->npassed == 1 ? "" : "s");
	if (c && c->nskipped)
		lw_strbuf_addf(&sb, ", %zu skipped", c->nskipped);
	if (s && s->title && s->saves_bytes) {
		lw_strbuf_adds(&t, s->title);
		/* Titles usually name their place already. */
		if (s->file && s->line > 0 && !strstr(s->title, s->file)) {
			lw_strbuf_adds(&t, " at ");
			lwr_rel_path(&t, s->file);
			lw_strbuf_addf(&t, ":%d", s->line);
		}
		lw_strbuf_adds(&sb, "; biggest fix: ");
		lwr_printable(&sb, t.buf);
		lw_strbuf_addf(&sb, " saves %s",
			       lw_format_bytes(s->saves_bytes, a, sizeof(a)));
	}
	lw_strbuf_addc(&sb, '\n');
	rc = fputs(sb.buf, f) == EOF ? -1 : 0;
	lw_strbuf_release(&sb);
	lw_strbuf_release(&t);
	return rc ? rc : lwr_finish(f);
}
