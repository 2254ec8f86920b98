/* Profile checks in the reports: the JSON "checks" array, the text
 * report's section, and what the CI formats share (the primary place of
 * a check, its sentence with the fix, a stable fingerprint). Every string
 * of a result is raw (it may name paths from the image); each format
 * escapes it its own way. No result holds a secret's value. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "layerwaste/checks.h"
#include "ci_priv.h"
#include "render_priv.h"

#define WRAP_BUF 4096
#define INDENT 8

const struct lw_checks *lwr_checks(const struct lw_result *r)
{
	return r->checks && r->checks->n ? r->checks : NULL;
}

int lwr_checks_failed(const struct lw_result *r)
{
	return lw_checks_failed(r->checks);
}

const struct lw_check_item *lwr_check_place(const struct lw_check *k)
{
	size_t i;

	for (i = 0; i < k->nitems; i++)
		if (k->items[i].file && k->items[i].line > 0)
			return &k->items[i];
	return k->nitems ? &k->items[0] : NULL;
}

/* The message, subject and detail name paths from the image: escaped,
 * so that a name's newline or escape byte never reaches a CI message raw.
 * The fix is Dockerfile text, lines kept. */
void lwr_check_message(const struct lw_check *k,
		       const struct lw_check_item *it, struct lw_strbuf *sb)
{
	lwr_printable(sb, k->message ? k->message : "");
	if (it && it->subject) {
		lw_strbuf_addc(sb, '\n');
		lwr_printable(sb, it->subject);
	}
	if (it && it->detail) {
		lw_strbuf_adds(sb, ": ");
		lwr_printable(sb, it->detail);
	}
	if (it && it->fix) {
		lw_strbuf_adds(sb, "\nFix:\n");
		lwr_printable_lines(sb, it->fix);
	}
	lw_strbuf_addf(sb, "\n%s", k->docs);
}

/* A sentence that names paths from the image, escaped as above. */
static json_t *jmessage(const char *s)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	json_t *v;

	if (!s)
		return lwr_jmust(json_null());
	lwr_printable(&sb, s);
	v = lwr_jtext(sb.buf);
	lw_strbuf_release(&sb);
	return v;
}

void lwr_check_fingerprint(const struct lw_check *k,
			   const struct lw_check_item *it, char *buf,
			   size_t size)
{
	const char *parts[2] = { k->id, it && it->subject ? it->subject : "" };
	unsigned long long h = 0xcbf29ce484222325ULL;
	const char *s;
	size_t i;

	for (i = 0; i < 2; i++) {
		for (s = parts[i]; ; s++) {
			h ^= (unsigned char)*s;
			h *= 0x100000001b3ULL;
			if (!*s)
				break;
		}
	}
	snprintf(buf, size, "%016llx", h);
}

static json_t *location(const struct lw_check_item *it)
{
	json_t *o;

	if (!it || !it->file || it->line <= 0)
		return lwr_jmust(json_null());
	o = lwr_jmust(json_object());
	lwr_jput(o, "file", lwr_jtext(it->file));
	lwr_jput(o, "line", json_integer(it->line));
	lwr_jput(o, "end_line", json_integer(it->end_line > it->line ?
					it->end_line : it->line));
	return o;
}

static json_t *check_json(const struct lw_check *k)
{
	const struct lw_check_item *place = lwr_check_place(k), *it;
	json_t *o = lwr_jmust(json_object()), *items = lwr_jmust(json_array()), *x;
	size_t i;

	lwr_jput(o, "id", json_string(k->id));
	lwr_jput(o, "title", json_string(k->title));
	lwr_jput(o, "category", json_string(k->category));
	lwr_jput(o, "severity", json_string(lw_check_severity_name(k->severity)));
	lwr_jput(o, "status", json_string(lw_check_status_name(k->status)));
	lwr_jput(o, "message", jmessage(k->message ? k->message : ""));
	lwr_jput(o, "location", location(place));
	lwr_jput(o, "fix", lwr_jtext(place ? place->fix : NULL));
	for (i = 0; i < k->nitems; i++) {
		it = &k->items[i];
		x = lwr_jmust(json_object());
		lwr_jput(x, "subject", jmessage(it->subject ? it->subject : ""));
		lwr_jput(x, "detail", jmessage(it->detail));
		lwr_jput(x, "layer", it->layer >= 0 ? json_integer(it->layer) :
		    json_null());
		lwr_jput(x, "location", location(it));
		lwr_jput(x, "fix", lwr_jtext(it->fix));
		if (json_array_append_new(items, x))
			abort();
	}
	lwr_jput(o, "items", items);
	lwr_jput(o, "more_items", json_integer((json_int_t)k->nmore));
	lwr_jput(o, "docs", json_string(k->docs));
	return o;
}

void *lwr_checks_json(const struct lw_result *r)
{
	json_t *a = lwr_jmust(json_array());
	size_t i;

	for (i = 0; r->checks && i < r->checks->n; i++)
		if (json_array_append_new(a, check_json(&r->checks->checks[i])))
			abort();
	return a;
}

void *lwr_profile_json(const struct lw_result *r)
{
	const char *name = r->checks ?
		lw_profile_name(r->checks->profile) : NULL;

	return name ? lwr_jmust(json_string(name)) : lwr_jmust(json_null());
}

/* Untrusted text, escaped for a terminal, wrapped from the current
 * column. */
static void wrap_esc(struct lwr_line *l, const char *s, int indent)
{
	char buf[WRAP_BUF];

	lw_escape(s ? s : "", buf, sizeof(buf));
	lwr_text_wrap(l, buf, indent);
}

/* The fix, one line of the Dockerfile per line (wrapped, not cut: the
 * text is to be copied). */
static void fix_lines(struct lwr_line *l, const char *fix)
{
	struct lw_strbuf line = LW_STRBUF_INIT;
	const char *p = fix, *nl;
	int first = 1;

	while (p && *p) {
		nl = strchr(p, '\n');
		lw_strbuf_reset(&line);
		lw_strbuf_add(&line, p, nl ? (size_t)(nl - p) : strlen(p));
		lwr_line_pad(l, INDENT + 2);
		lwr_line_add(l, first ? "fix: " : "     ");
		wrap_esc(l, line.buf, INDENT + 9);
		first = 0;
		p = nl ? nl + 1 : NULL;
	}
	lw_strbuf_release(&line);
}

static void text_item(struct lwr_line *l, const struct lw_check_item *it)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;

	if (it->file && it->line > 0) {
		lwr_rel_path(&sb, it->file);
		lw_strbuf_addf(&sb, ":%d: ", it->line);
	}
	lw_strbuf_adds(&sb, it->subject ? it->subject : "");
	lwr_line_pad(l, INDENT);
	lwr_line_add(l, "- ");
	wrap_esc(l, sb.buf, INDENT + 2);
	if (it->detail) {
		lwr_line_pad(l, INDENT + 2);
		wrap_esc(l, it->detail, INDENT + 2);
	}
	if (it->fix)
		fix_lines(l, it->fix);
	lw_strbuf_release(&sb);
}

static const char *status_word(int status)
{
	return status == LW_CHECK_FAIL ? "FAIL" : status == LW_CHECK_PASS ?
		"pass" : "skip";
}

void lwr_text_checks(struct lwr_line *l, const struct lw_result *r,
		     const struct lw_render_opts *o)
{
	const struct lw_checks *c = lwr_checks(r);
	const struct lw_check *k;
	size_t i, j;

	(void)o;
	if (!c)
		return;
	lwr_line_end(l);
	lwr_line_sgr(l, LWR_BOLD);
	lwr_line_addf(l, "Checks (profile %s): %s", lw_profile_name(c->profile),
		      c->nerrors ? "FAIL" : "PASS");
	lwr_line_sgr(l, LWR_RESET);
	lwr_line_addf(l, ", %zu of %zu failed", c->nfailed, c->n);
	if (c->nfailed)
		lwr_line_addf(l, " (%zu error%s)", c->nerrors,
			      c->nerrors == 1 ? "" : "s");
	if (c->nskipped)
		lwr_line_addf(l, ", %zu skipped", c->nskipped);
	lwr_line_end(l);
	for (i = 0; i < c->n; i++) {
		k = &c->checks[i];
		lwr_line_add(l, "  ");
		lwr_line_sgr(l, k->status == LW_CHECK_FAIL ? "\033[31m" :
			     k->status == LW_CHECK_PASS ? "\033[32m" : "");
		lwr_line_add(l, status_word(k->status));
		lwr_line_sgr(l, k->status == LW_CHECK_SKIP ? "" : LWR_RESET);
		lwr_line_addf(l, "  %-7s  %s",
			      lw_check_severity_name(k->severity), k->id);
		lwr_line_end(l);
		lwr_line_pad(l, INDENT);
		wrap_esc(l, k->message, INDENT);
		for (j = 0; j < k->nitems; j++)
			text_item(l, &k->items[j]);
		if (k->nmore) {
			lwr_line_pad(l, INDENT);
			lwr_line_addf(l, "- and %zu more", k->nmore);
			lwr_line_end(l);
		}
		if (k->status == LW_CHECK_FAIL) {
			lwr_line_pad(l, INDENT);
			wrap_esc(l, k->docs, INDENT);
		}
	}
}
