/* A Markdown summary for a CI job page (GitHub's step summary, a GitLab
 * job, a pull-request comment): the verdict, tables of totals, kinds,
 * layers and causes, the rule results, and each suggestion as a diff.
 *
 * Text from the image or the Dockerfile is escaped so that it cannot add
 * Markdown or HTML: punctuation gets a backslash in text, code spans and
 * fences are longer than any backtick run they hold, and bytes that could
 * drive a terminal are shown as \xNN. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/checks.h"
#include "ci_priv.h"
#include "layerwaste/render.h"
#include "render_priv.h"

/* Plain text: the punctuation that starts Markdown or HTML inline syntax
 * gets a backslash (CommonMark allows it before any ASCII punctuation). */
static void md_text(struct lw_strbuf *sb, const char *s)
{
	struct lw_strbuf p = LW_STRBUF_INIT;
	const char *c;

	lwr_printable(&p, s);
	for (c = p.buf; *c; c++) {
		if (strchr("\\`*_[]<>|~&#", *c))
			lw_strbuf_addc(sb, '\\');
		lw_strbuf_addc(sb, *c);
	}
	lw_strbuf_release(&p);
}

static size_t longest_backticks(const char *s)
{
	size_t run = 0, max = 0;

	for (; s && *s; s++) {
		run = *s == '`' ? run + 1 : 0;
		if (run > max)
			max = run;
	}
	return max;
}

/* A code span; in_table: '|' is escaped, as GFM tables need even there. */
static void md_code(struct lw_strbuf *sb, const char *s, int in_table)
{
	struct lw_strbuf p = LW_STRBUF_INIT;
	size_t n, i;
	const char *c;
	int pad;

	lwr_printable(&p, s);
	for (c = p.buf; *c; c++)
		if (*c == '\n' || *c == '\r')
			p.buf[c - p.buf] = ' ';
	n = longest_backticks(p.buf) + 1;
	/* A space pads the content only where a backtick touches the
	 * delimiter (CommonMark strips one space at each end). */
	pad = p.len && (p.buf[0] == '`' || p.buf[p.len - 1] == '`');
	for (i = 0; i < n; i++)
		lw_strbuf_addc(sb, '`');
	if (pad)
		lw_strbuf_addc(sb, ' ');
	for (c = p.buf; *c; c++) {
		if (in_table && *c == '|')
			lw_strbuf_addc(sb, '\\');
		lw_strbuf_addc(sb, *c);
	}
	if (pad)
		lw_strbuf_addc(sb, ' ');
	for (i = 0; i < n; i++)
		lw_strbuf_addc(sb, '`');
	lw_strbuf_release(&p);
}

static const char *size(uint64_t n, char *buf, size_t len)
{
	return lw_format_bytes(n, buf, len);
}

static void md_header(struct lw_strbuf *sb, const struct lw_result *r)
{
	const struct lw_analysis *an = r->analysis;
	const struct lw_rules_report *rules = r->rules;
	const struct lw_checks *ck;
	uint64_t files = 0;
	char a[32], b[32], c[32];
	int k;

	for (k = 0; k < LW_KIND_COUNT; k++)
		files += an->files_by_kind[k];
	lw_strbuf_addf(sb, "## layerwaste: %s ", lwr_verdict(r));
	md_code(sb, lwr_image_name(an), 0);
	lw_strbuf_addf(sb, "\n\n**%s wasted** (%.2f %% of %s in %zu layer%s)",
		       size(an->wasted_bytes, a, sizeof(a)),
		       lw_analysis_wasted_percent(an),
		       size(an->total_bytes, b, sizeof(b)),
		       an->image->nlayers, lw_plural(an->image->nlayers));
	if (rules && rules->evaluated && rules->nfailed)
		lw_strbuf_addf(sb, "; %zu of %zu rule%s failed",
			       rules->nfailed, rules->nresults,
			       rules->nresults == 1 ? "" : "s");
	else if (rules && rules->evaluated)
		lw_strbuf_addf(sb, "; %zu rule%s passed", rules->npassed,
			       rules->npassed == 1 ? "" : "s");
	if (rules && rules->evaluated && rules->nskipped)
		lw_strbuf_addf(sb, " (%zu disabled)", rules->nskipped);
	if (rules && rules->failing_groups)
		lw_strbuf_addf(sb, "; %zu cause%s fail%s at `--fail-on %s`",
			       rules->failing_groups,
			       rules->failing_groups == 1 ? "" : "s",
			       rules->failing_groups == 1 ? "s" : "",
			       lw_fail_on_name(rules->fail_on));
	if ((ck = lwr_checks(r)) && ck->nfailed)
		lw_strbuf_addf(sb, "; %zu of %zu %s checks failed (%zu "
			       "error%s)", ck->nfailed, ck->n,
			       lw_profile_name(ck->profile), ck->nerrors,
			       ck->nerrors == 1 ? "" : "s");
	else if (ck)
		lw_strbuf_addf(sb, "; %zu %s check%s passed", ck->npassed,
			       lw_profile_name(ck->profile),
			       ck->npassed == 1 ? "" : "s");
	lw_strbuf_adds(sb, ".\n\n| | size | files |\n|---|---:|---:|\n");
	lw_strbuf_addf(sb, "| all layers | %s | |\n",
		       size(an->total_bytes, a, sizeof(a)));
	lw_strbuf_addf(sb, "| final image | %s | %" PRIu64 " |\n",
		       size(an->visible_bytes, a, sizeof(a)), an->file_count);
	lw_strbuf_addf(sb, "| **wasted** | **%s** | %" PRIu64 " |\n",
		       size(an->wasted_bytes, a, sizeof(a)), files);
	if (an->duplicate_bytes)
		lw_strbuf_addf(sb, "| duplicates (not waste) | %s | |\n",
			       size(an->duplicate_bytes, a, sizeof(a)));
	lw_strbuf_addf(sb, "| dive would report | %s | |\n\n",
		       size(an->dive.wasted_bytes, c, sizeof(c)));
}

static void md_kinds(struct lw_strbuf *sb, const struct lw_analysis *an)
{
	char a[32];
	int k;

	if (!an->wasted_bytes)
		return;
	lw_strbuf_adds(sb, "### Waste by kind\n\n| kind | wasted | files |\n"
		       "|---|---:|---:|\n");
	for (k = 0; k < LW_KIND_COUNT; k++)
		if (an->by_kind[k])
			lw_strbuf_addf(sb, "| %s | %s | %" PRIu64 " |\n",
				       lw_kind_name(k), size(an->by_kind[k], a,
							     sizeof(a)),
				       an->files_by_kind[k]);
	lw_strbuf_addc(sb, '\n');
}

/* "Dockerfile:12" or "Dockerfile:12-13", or "" when not attributed. */
static void md_where(struct lw_strbuf *sb, const struct lwr_loc *loc)
{
	struct lw_strbuf p = LW_STRBUF_INIT;

	if (loc->line <= 0)
		return;
	lwr_rel_path(&p, loc->file);
	md_text(sb, p.buf);
	lw_strbuf_addf(sb, ":%d", loc->line);
	if (loc->end_line > loc->line)
		lw_strbuf_addf(sb, "-%d", loc->end_line);
	lw_strbuf_release(&p);
}

static struct lwr_loc layer_loc(const struct lw_result *r, size_t li)
{
	const struct lw_attribution *at = r->attribution;
	struct lwr_loc loc = { NULL, 0, 0 };
	const struct lw_layer_attr *la;

	if (!at || li >= at->nlayers)
		return loc;
	la = &at->layers[li];
	if (la->file && la->line > 0) {
		loc.file = la->file;
		loc.line = la->line;
		loc.end_line = la->end_line;
	}
	return loc;
}

static void md_layers(struct lw_strbuf *sb, const struct lw_result *r)
{
	const struct lw_analysis *an = r->analysis;
	struct lw_strbuf ins = LW_STRBUF_INIT;
	struct lwr_loc loc;
	char a[32];
	size_t i;

	if (!an->wasted_bytes)
		return;
	lw_strbuf_adds(sb, "### Layers with waste\n\n| layer | instruction | "
		       "Dockerfile | wasted | files |\n"
		       "|---:|---|---|---:|---:|\n");
	for (i = 0; i < an->image->nlayers; i++) {
		if (!an->layers[i].wasted_bytes)
			continue;
		lw_strbuf_reset(&ins);
		lwr_layer_instruction(r, i, &ins);
		lw_strbuf_addf(sb, "| %zu | ", i);
		if (ins.len)
			md_code(sb, ins.buf, 1);
		lw_strbuf_adds(sb, " | ");
		loc = layer_loc(r, i);
		md_where(sb, &loc);
		lw_strbuf_addf(sb, " | %s | %" PRIu64 " |\n",
			       size(an->layers[i].wasted_bytes, a, sizeof(a)),
			       an->layers[i].findings);
	}
	lw_strbuf_addc(sb, '\n');
	lw_strbuf_release(&ins);
}

static void md_causes(struct lw_strbuf *sb, const struct lw_result *r,
		      int top)
{
	const struct lw_analysis *an = r->analysis;
	struct lw_strbuf t = LW_STRBUF_INIT, ins = LW_STRBUF_INIT;
	const struct lw_group *g;
	struct lwr_loc loc;
	size_t i;

	if (!an->ngroups)
		return;
	lw_strbuf_adds(sb, "### Top causes\n\n| layer | instruction | what | "
		       "from layer | files | Dockerfile |\n"
		       "|---:|---|---|---:|---:|---|\n");
	for (i = 0; i < an->ngroups && i < (size_t)top; i++) {
		g = &an->groups[i];
		lw_strbuf_reset(&t);
		lw_strbuf_reset(&ins);
		lwr_group_title(an, i, &t);
		lwr_layer_instruction(r, g->layer, &ins);
		lw_strbuf_addf(sb, "| %" PRIu32 " | ", g->layer);
		if (ins.len)
			md_code(sb, ins.buf, 1);
		lw_strbuf_adds(sb, " | ");
		md_text(sb, t.buf);
		lw_strbuf_addf(sb, " | %" PRIu32 " | %" PRIu64 " | ",
			       g->from_layer, g->files);
		loc = lwr_group_loc(r, i);
		md_where(sb, &loc);
		lw_strbuf_adds(sb, " |\n");
	}
	if (an->ngroups > (size_t)top)
		lw_strbuf_addf(sb, "\n%zu more causes in the full report.\n",
			       an->ngroups - (size_t)top);
	lw_strbuf_addc(sb, '\n');
	lw_strbuf_release(&t);
	lw_strbuf_release(&ins);
}

static void md_rules(struct lw_strbuf *sb, const struct lw_rules_report *r)
{
	const struct lw_rule_result *rr;
	size_t i;

	if (!r || !r->evaluated)
		return;
	lw_strbuf_adds(sb, "### Rules\n\n| rule | result | threshold | "
		       "actual | |\n|---|---|---|---|---|\n");
	for (i = 0; i < r->nresults; i++) {
		rr = &r->results[i];
		lw_strbuf_addf(sb, "| %s | %s | ", lw_rule_id(rr->rule),
			       rr->status == LW_RULE_FAIL ? "**FAIL**" :
			       rr->status == LW_RULE_PASS ? "pass" :
			       "disabled");
		md_text(sb, rr->threshold);
		lw_strbuf_adds(sb, " | ");
		md_text(sb, rr->actual);
		lw_strbuf_adds(sb, " | ");
		md_text(sb, rr->message);
		lw_strbuf_adds(sb, " |\n");
	}
	lw_strbuf_addc(sb, '\n');
}

/* A fenced block of Dockerfile text (the fix of a check). */
static void md_block(struct lw_strbuf *sb, const char *text)
{
	struct lw_strbuf p = LW_STRBUF_INIT;
	size_t n = longest_backticks(text), i;

	n = n < 3 ? 3 : n + 1;
	lwr_printable_lines(&p, text);
	for (i = 0; i < n; i++)
		lw_strbuf_addc(sb, '`');
	lw_strbuf_addf(sb, "dockerfile\n%s%s", p.buf,
		       p.len && p.buf[p.len - 1] == '\n' ? "" : "\n");
	for (i = 0; i < n; i++)
		lw_strbuf_addc(sb, '`');
	lw_strbuf_adds(sb, "\n\n");
	lw_strbuf_release(&p);
}

static void md_check_item(struct lw_strbuf *sb, const struct lw_check_item *it)
{
	struct lwr_loc loc = { it->file, it->line, it->end_line };

	lw_strbuf_adds(sb, "- ");
	if (it->file && it->line > 0) {
		md_where(sb, &loc);
		lw_strbuf_adds(sb, ": ");
	}
	md_code(sb, it->subject ? it->subject : "", 0);
	if (it->detail) {
		lw_strbuf_addc(sb, ' ');
		md_text(sb, it->detail);
	}
	lw_strbuf_adds(sb, "\n\n");
	if (it->fix)
		md_block(sb, it->fix);
}

/* The profile's checks: a table, then each failed check's places and
 * fixes, and the platform's words. */
static void md_checks(struct lw_strbuf *sb, const struct lw_result *r)
{
	const struct lw_checks *c = lwr_checks(r);
	const struct lw_check_item *pl;
	const struct lw_check *k;
	struct lwr_loc loc;
	size_t i, j;

	if (!c)
		return;
	lw_strbuf_addf(sb, "### Checks (profile %s)\n\n| check | result | "
		       "severity | where | |\n|---|---|---|---|---|\n",
		       lw_profile_name(c->profile));
	for (i = 0; i < c->n; i++) {
		k = &c->checks[i];
		lw_strbuf_addf(sb, "| %s | %s | %s | ", k->id,
			       k->status == LW_CHECK_FAIL ? "**FAIL**" :
			       lw_check_status_name(k->status),
			       lw_check_severity_name(k->severity));
		if ((pl = lwr_check_place(k)) && pl->file) {
			loc.file = pl->file;
			loc.line = pl->line;
			loc.end_line = pl->end_line;
			md_where(sb, &loc);
		}
		lw_strbuf_adds(sb, " | ");
		md_text(sb, k->message ? k->message : "");
		lw_strbuf_adds(sb, " |\n");
	}
	lw_strbuf_addc(sb, '\n');
	for (i = 0; i < c->n; i++) {
		k = &c->checks[i];
		if (k->status != LW_CHECK_FAIL)
			continue;
		lw_strbuf_addf(sb, "#### %s: ", k->id);
		md_text(sb, k->title);
		lw_strbuf_adds(sb, "\n\n");
		for (j = 0; j < k->nitems; j++)
			md_check_item(sb, &k->items[j]);
		if (k->nmore)
			lw_strbuf_addf(sb, "- and %zu more\n\n", k->nmore);
		lw_strbuf_adds(sb, "> ");
		md_text(sb, k->docs);
		lw_strbuf_adds(sb, "\n\n");
	}
}

/* before/after as a diff: "-" and "+" before each line. */
static void md_diff(struct lw_strbuf *sb, const char *before,
		    const char *after)
{
	struct lw_strbuf p = LW_STRBUF_INIT;
	const char *texts[2] = { before, after }, *c;
	size_t n, i, j;

	n = longest_backticks(before);
	if (longest_backticks(after) > n)
		n = longest_backticks(after);
	n = n < 3 ? 3 : n + 1;
	for (i = 0; i < n; i++)
		lw_strbuf_addc(sb, '`');
	lw_strbuf_adds(sb, "diff\n");
	for (j = 0; j < 2; j++) {
		if (!texts[j] || !*texts[j])
			continue;
		lw_strbuf_reset(&p);
		lwr_printable_lines(&p, texts[j]);
		lw_strbuf_addc(sb, j ? '+' : '-');
		for (c = p.buf; *c; c++) {
			lw_strbuf_addc(sb, *c);
			if (*c == '\n' && c[1])
				lw_strbuf_addc(sb, j ? '+' : '-');
		}
		if (p.len && p.buf[p.len - 1] != '\n')
			lw_strbuf_addc(sb, '\n');
	}
	for (i = 0; i < n; i++)
		lw_strbuf_addc(sb, '`');
	lw_strbuf_addc(sb, '\n');
	lw_strbuf_release(&p);
}

static void md_suggestions(struct lw_strbuf *sb, const struct lw_result *r)
{
	const struct lw_attribution *at = r->attribution;
	const struct lw_suggestion *s;
	struct lwr_loc loc;
	char a[32];
	size_t i;

	if (!at || !at->nsuggestions)
		return;
	lw_strbuf_adds(sb, "### Suggestions\n\n");
	for (i = 0; i < at->nsuggestions; i++) {
		s = &at->suggestions[i];
		lw_strbuf_addf(sb, "#### %zu. ", i + 1);
		md_text(sb, s->title ? s->title : lw_fix_kind_name(s->kind));
		lw_strbuf_addf(sb, "\n\nSaves %s",
			       size(s->saves_bytes, a, sizeof(a)));
		loc.file = s->file;
		loc.line = s->line;
		loc.end_line = s->end_line;
		if (loc.line > 0) {
			lw_strbuf_adds(sb, " at ");
			md_where(sb, &loc);
		}
		lw_strbuf_adds(sb, s->safe ? "." : "; advice only, `--fix` does "
			       "not apply it.");
		if (s->detail) {
			lw_strbuf_addc(sb, ' ');
			md_text(sb, s->detail);
		}
		lw_strbuf_adds(sb, "\n\n");
		if ((s->before && *s->before) || (s->after && *s->after)) {
			md_diff(sb, s->before, s->after);
			lw_strbuf_addc(sb, '\n');
		}
	}
}

int lw_render_markdown(FILE *f, const struct lw_result *r,
		       const struct lw_render_opts *opts)
{
	const struct lw_analysis *an = r->analysis;
	struct lw_render_opts o = lwr_opts(opts);
	struct lw_strbuf sb = LW_STRBUF_INIT;
	size_t warnings = an->image->warnings.total + an->warnings.total;

	md_header(&sb, r);
	md_rules(&sb, r->rules);
	md_checks(&sb, r);
	md_kinds(&sb, an);
	md_layers(&sb, r);
	md_causes(&sb, r, o.top);
	md_suggestions(&sb, r);
	if (!an->wasted_bytes)
		lw_strbuf_adds(&sb, "No wasted bytes found.\n\n");
	if (warnings)
		lw_strbuf_addf(&sb, "%zu warning%s while reading the image; "
			       "see the text or JSON report.\n\n", warnings,
			       warnings == 1 ? "" : "s");
	/* One trailing newline, not two. */
	while (sb.len > 1 && sb.buf[sb.len - 1] == '\n' &&
	       sb.buf[sb.len - 2] == '\n')
		sb.buf[--sb.len] = '\0';
	fwrite(sb.buf, 1, sb.len, f);
	lw_strbuf_release(&sb);
	return lwr_finish(f);
}

void lwr_md_text(struct lw_strbuf *sb, const char *s)
{
	md_text(sb, s);
}

void lwr_md_code(struct lw_strbuf *sb, const char *s, int in_table)
{
	md_code(sb, s, in_table);
}
