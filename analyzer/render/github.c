/* GitHub Actions: workflow commands that become annotations on the
 * Dockerfile lines of a pull request.
 *
 *   ::warning file=Dockerfile,line=12,endLine=13,title=...::message
 *
 * One annotation per cause group, largest first, at most o->top (GitHub
 * shows only ten of each level per step); groups that one suggestion
 * fixes share its annotation. The level is the judge's (ci_priv.h,
 * lwr_group_level): "error" only for waste that broke a failed rule or
 * whose severity fails the run, else its severity ("warning" by
 * default, "notice" for a note), and "notice" for waste the rules do
 * not judge (inherited, suppressed, known to the baseline, under the
 * floor or ignored). Each failed rule gets an error of its own, and each
 * place that fails a profile check an annotation at the check's level
 * (lwr_check_level). Data is
 * escaped as the runner expects (% CR LF; also : and , in properties),
 * and bytes that could drive a terminal are shown as \xNN. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/checks.h"
#include "ci_priv.h"
#include "layerwaste/render.h"
#include "render_priv.h"

/* Appends s escaped for a workflow command: prop is 1 in a property. */
static void gh_escape(struct lw_strbuf *sb, const char *s, int prop)
{
	char unit[LWR_UNIT_MAX];
	int cols;

	while (s && *s) {
		switch (*s) {
		case '%':
			lw_strbuf_adds(sb, "%25");
			break;
		case '\r':
			lw_strbuf_adds(sb, "%0D");
			break;
		case '\n':
			lw_strbuf_adds(sb, "%0A");
			break;
		case ':':
			lw_strbuf_adds(sb, prop ? "%3A" : ":");
			break;
		case ',':
			lw_strbuf_adds(sb, prop ? "%2C" : ",");
			break;
		case '\\':
			lw_strbuf_addc(sb, '\\');
			break;
		default:
			s += lwr_escape_unit(s, unit, &cols);
			lw_strbuf_adds(sb, unit);
			continue;
		}
		s++;
	}
}

static void command(struct lw_strbuf *out, const char *level,
		    const struct lwr_loc *loc, const char *title,
		    const char *message)
{
	struct lw_strbuf path = LW_STRBUF_INIT;
	const char *sep = " ";

	lw_strbuf_addf(out, "::%s", level);
	if (loc && loc->line > 0) {
		lwr_rel_path(&path, loc->file);
		lw_strbuf_adds(out, " file=");
		gh_escape(out, path.buf, 1);
		lw_strbuf_addf(out, ",line=%d", loc->line);
		if (loc->end_line > loc->line)
			lw_strbuf_addf(out, ",endLine=%d", loc->end_line);
		sep = ",";
	}
	lw_strbuf_adds(out, sep);
	lw_strbuf_adds(out, "title=");
	gh_escape(out, title, 1);
	lw_strbuf_adds(out, "::");
	gh_escape(out, message, 0);
	lw_strbuf_addc(out, '\n');
	lw_strbuf_release(&path);
}

/* The annotation of group gi and of the later groups its fix covers. */
static void group_annotation(struct lw_strbuf *out,
			     const struct lw_result *r, size_t gi,
			     const char *level)
{
	const struct lw_analysis *an = r->analysis;
	const struct lw_suggestion *s = lwr_group_fix(r, gi);
	struct lw_strbuf title = LW_STRBUF_INIT, msg = LW_STRBUF_INIT;
	struct lwr_loc loc = lwr_group_loc(r, gi);
	size_t j;

	lw_strbuf_adds(&title, "layerwaste: ");
	lwr_group_title(an, gi, &title);
	lwr_group_message(r, gi, &msg);
	for (j = gi + 1; s && j < an->ngroups; j++) {
		if (lwr_group_fix(r, j) != s)
			continue;
		lw_strbuf_adds(&msg, "\nThe same fix also removes: ");
		lwr_group_title(an, j, &msg);
		lw_strbuf_addf(&msg, " in layer %" PRIu32 ".",
			       an->groups[j].layer);
	}
	command(out, level, &loc, title.buf, msg.buf);
	lw_strbuf_release(&title);
	lw_strbuf_release(&msg);
}

/* One annotation per place that fails a check (one for the check when
 * it names no place), at the check's own level. */
static void check_annotations(struct lw_strbuf *out,
			      const struct lw_result *r)
{
	const struct lw_checks *c = lwr_checks(r);
	struct lw_strbuf title = LW_STRBUF_INIT, msg = LW_STRBUF_INIT;
	const struct lw_check_item *it;
	const struct lw_check *k;
	struct lwr_loc loc;
	size_t i, j;

	for (i = 0; c && i < c->n; i++) {
		k = &c->checks[i];
		if (k->status != LW_CHECK_FAIL)
			continue;
		for (j = 0; j < k->nitems || j == 0; j++) {
			it = k->nitems ? &k->items[j] : NULL;
			lw_strbuf_reset(&title);
			lw_strbuf_reset(&msg);
			lw_strbuf_addf(&title, "layerwaste %s: %s", k->id,
				       k->title);
			lwr_check_message(k, it, &msg);
			loc.file = it ? it->file : NULL;
			loc.line = it && it->file ? it->line : 0;
			loc.end_line = it ? it->end_line : 0;
			command(out, lwr_level_name(lwr_check_level(r, k),
						    LWR_LEVEL_GITHUB),
				&loc, title.buf, msg.buf);
		}
	}
	lw_strbuf_release(&title);
	lw_strbuf_release(&msg);
}

/* 1 when an earlier group has the same fix (its annotation covers gi). */
static int covered(const struct lw_result *r, size_t gi)
{
	const struct lw_suggestion *s = lwr_group_fix(r, gi);
	size_t j;

	for (j = 0; s && j < gi; j++)
		if (lwr_group_fix(r, j) == s)
			return 1;
	return 0;
}

int lw_render_github(FILE *f, const struct lw_result *r,
		     const struct lw_render_opts *opts)
{
	const struct lw_analysis *an = r->analysis;
	const struct lw_rules_report *rules = r->rules;
	struct lw_render_opts o = lwr_opts(opts);
	struct lw_strbuf out = LW_STRBUF_INIT, t = LW_STRBUF_INIT;
	const struct lw_rule_result *rr;
	size_t i, shown = 0, left = 0;

	for (i = 0; i < an->ngroups; i++) {
		if (covered(r, i))
			continue;
		if (shown == (size_t)o.top) {
			left++;
			continue;
		}
		group_annotation(&out, r, i, lwr_level_name(
				 lwr_group_level(r, i), LWR_LEVEL_GITHUB));
		shown++;
	}
	if (left)
		lw_strbuf_addf(&out, "::notice title=layerwaste::%zu more "
			       "causes of waste are not annotated; see the "
			       "report\n", left);
	for (i = 0; rules && i < rules->nresults; i++) {
		rr = &rules->results[i];
		if (rr->status != LW_RULE_FAIL)
			continue;
		lw_strbuf_reset(&t);
		lw_strbuf_addf(&t, "layerwaste: rule %s failed",
			       lw_rule_id(rr->rule));
		command(&out, "error", NULL, t.buf, rr->message);
	}
	check_annotations(&out, r);
	if (out.len)
		fwrite(out.buf, 1, out.len, f);
	lw_strbuf_release(&out);
	lw_strbuf_release(&t);
	return lwr_finish(f);
}

void lwr_gh_command(struct lw_strbuf *out, const char *level,
		    const struct lwr_loc *loc, const char *title,
		    const char *message)
{
	command(out, level, loc, title, message);
}
