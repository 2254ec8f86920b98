/* GitLab Code Quality report (artifacts:reports:codequality): a JSON array
 * of issues in the Code Climate subset GitLab reads (description,
 * check_name, fingerprint, severity, location.path, location.lines.begin).
 *
 * One issue per cause group, with the same stable fingerprint as the
 * SARIF result (no line or layer number in it; unique in the report), and
 * one per failed rule, on the Dockerfile's first line, and one per place
 * that fails a profile check (check_name "layerwaste/<check id>"; its
 * severity "critical", "major" or "info" for an error, a warning or a
 * note, at the check's level, lwr_check_level). Severity of waste, from
 * its level (lwr_group_level): "major" for an error (it broke a failed
 * rule, or its severity fails the run), "minor" for a warning, "info"
 * for a note or waste the rules do not judge; a failed rule is
 * "critical". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "layerwaste/checks.h"
#include "ci_priv.h"
#include "layerwaste/render.h"
#include "render_priv.h"

/* One line of text for the merge-request widget: newlines as spaces,
 * invalid UTF-8 as \xNN. */
static json_t *line_string(const char *s)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	json_t *v;
	size_t i;

	lwr_utf8_clean(&sb, s ? s : "");
	for (i = 0; i < sb.len; i++)
		if (sb.buf[i] == '\n' || sb.buf[i] == '\r')
			sb.buf[i] = ' ';
	v = lwr_jmust(json_stringn(sb.buf, sb.len));
	lw_strbuf_release(&sb);
	return v;
}

static json_t *issue(const char *check, const char *description,
		     const char *fingerprint, const char *severity,
		     const char *category, const char *file, int line)
{
	json_t *o = lwr_jmust(json_object()), *loc = lwr_jmust(json_object());
	json_t *lines = lwr_jmust(json_object()), *cats = lwr_jmust(json_array());
	struct lw_strbuf path = LW_STRBUF_INIT;

	lwr_jput(o, "type", json_string("issue"));
	lwr_jput(o, "engine_name", json_string("layerwaste"));
	lwr_jput(o, "check_name", json_string(check));
	lwr_jput(o, "description", line_string(description));
	if (json_array_append_new(cats, lwr_jmust(json_string(category))))
		abort();
	lwr_jput(o, "categories", cats);
	lwr_jput(o, "fingerprint", json_string(fingerprint));
	lwr_jput(o, "severity", json_string(severity));
	lwr_rel_path(&path, file);
	lwr_jput(loc, "path", line_string(path.buf));
	lwr_jput(lines, "begin", json_integer(line > 0 ? line : 1));
	lwr_jput(loc, "lines", lines);
	lwr_jput(o, "location", loc);
	lw_strbuf_release(&path);
	return o;
}

/* FNV-1a of a rule id: a fingerprint that never changes for the rule. */
static void rule_fingerprint(const char *id, char *buf, size_t size)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h ^= 'R';
	h *= 0x100000001b3ULL;
	for (; *id; id++) {
		h ^= (unsigned char)*id;
		h *= 0x100000001b3ULL;
	}
	snprintf(buf, size, "%016llx", (unsigned long long)h);
}

/* Code Climate's category for a check's category. */
static const char *category(const char *c)
{
	if (!strcmp(c, "security"))
		return "Security";
	if (!strcmp(c, "image-size"))
		return "Performance";
	if (!strcmp(c, "permissions"))
		return "Bug Risk";
	return "Compatibility";
}

/* One issue per place that fails a profile check. */
static void check_issues(json_t *doc, const struct lw_result *r,
			 const char *file)
{
	const struct lw_checks *c = lwr_checks(r);
	struct lw_strbuf desc = LW_STRBUF_INIT, check = LW_STRBUF_INIT;
	const struct lw_check_item *it;
	const struct lw_check *k;
	char fp[32];
	size_t i, j;

	for (i = 0; c && i < c->n; i++) {
		k = &c->checks[i];
		if (k->status != LW_CHECK_FAIL)
			continue;
		for (j = 0; j < k->nitems || j == 0; j++) {
			it = k->nitems ? &k->items[j] : NULL;
			lw_strbuf_reset(&desc);
			lw_strbuf_reset(&check);
			lwr_check_message(k, it, &desc);
			lw_strbuf_addf(&check, "layerwaste/%s", k->id);
			lwr_check_fingerprint(k, it, fp, sizeof(fp));
			if (json_array_append_new(doc, issue(check.buf,
				desc.buf, fp, lwr_level_name(
				lwr_check_level(r, k), LWR_LEVEL_GITLAB_CHECK),
				category(k->category),
				it && it->file ? it->file : file,
				it && it->file ? it->line : 1)))
				abort();
		}
	}
	lw_strbuf_release(&desc);
	lw_strbuf_release(&check);
}

int lw_render_gitlab(FILE *f, const struct lw_result *r,
		     const struct lw_render_opts *o)
{
	const struct lw_analysis *an = r->analysis;
	const struct lw_rules_report *rules = r->rules;
	const char *file = r->attribution ? r->attribution->dockerfile : NULL;
	struct lw_strbuf desc = LW_STRBUF_INIT, check = LW_STRBUF_INIT;
	const struct lw_rule_result *rr;
	json_t *doc = lwr_jmust(json_array());
	char **fp = lwr_fingerprints(an);
	struct lwr_loc loc;
	char rfp[32];
	size_t i;
	int rc;

	for (i = 0; i < an->ngroups; i++) {
		loc = lwr_group_loc(r, i);
		lw_strbuf_reset(&desc);
		lw_strbuf_reset(&check);
		lwr_group_message(r, i, &desc);
		lw_strbuf_addf(&check, "layerwaste/%s",
			       lwr_kind_rule_id(an->groups[i].kind));
		if (json_array_append_new(doc, issue(check.buf, desc.buf, fp[i],
						     lwr_level_name(
						     lwr_group_level(r, i),
						     LWR_LEVEL_GITLAB),
						     "Performance", loc.file,
						     loc.line)))
			abort();
	}
	for (i = 0; rules && i < rules->nresults; i++) {
		rr = &rules->results[i];
		if (rr->status != LW_RULE_FAIL)
			continue;
		lw_strbuf_reset(&desc);
		lw_strbuf_reset(&check);
		lw_strbuf_addf(&desc, "layerwaste rule %s failed: %s",
			       lw_rule_id(rr->rule), rr->message);
		lw_strbuf_addf(&check, "layerwaste/rule/%s",
			       lw_rule_id(rr->rule));
		rule_fingerprint(lw_rule_id(rr->rule), rfp, sizeof(rfp));
		if (json_array_append_new(doc, issue(check.buf, desc.buf, rfp,
						     "critical", "Performance",
						     file, 1)))
			abort();
	}
	check_issues(doc, r, file);
	rc = lwr_json_dumpf(doc, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	lwr_fingerprints_free(fp, an->ngroups);
	lw_strbuf_release(&desc);
	lw_strbuf_release(&check);
	if (rc || fputc('\n', f) == EOF)
		return -1;
	(void)o;
	return lwr_finish(f);
}
