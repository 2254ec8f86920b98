/* Unit tests of the CI renderers (github, markdown, sarif, gitlab, junit,
 * the summary line) and of the rule results in text and JSON, on an
 * analysis, attribution and rules report built by hand. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/engine.h"
#include "layerwaste/attrib.h"
#include "layerwaste/read.h"
#include "layerwaste/judge.h"
#include "layerwaste/render.h"
#include "handmade.h"
#include "suite.h"

static struct lw_history hist[] = {
	{ .created_by = "/bin/sh -c #(nop) ADD file:0123456789abcdef in / " },
	{ .created_by = "COPY app/ /app/ # buildkit" },
	{ .created_by = "RUN /bin/sh -c chown -R app:app /app # buildkit" },
	{ .created_by = "RUN /bin/sh -c rm -rf /app/cache # buildkit" },
};

static struct lw_layer_index ix[4];
static struct lw_layer layers[4];
static struct lw_image img;
static char *tags[] = { "app:1" };

/* Sorted as the engine sorts: layer, from_layer, kind, path. */
static struct lw_finding findings[] = {
	{ .path = "app/a.txt", .bytes = 2000000, .layer = 2, .from_layer = 1,
	  .kind = LW_KIND_CHOWN, .has_after = 1, .before = { 0, 0, 0644 },
	  .after = { 1000, 1000, 0644 } },
	{ .path = "app/b,c:d%e\n\033[31m\xff.txt", .bytes = 1000, .layer = 2,
	  .from_layer = 1, .kind = LW_KIND_CHOWN, .has_after = 1,
	  .before = { 0, 0, 0644 }, .after = { 1000, 1000, 0644 } },
	{ .path = "app/run.sh", .bytes = 300, .layer = 3, .from_layer = 1,
	  .kind = LW_KIND_CHMOD, .has_after = 1, .before = { 0, 0, 0644 },
	  .after = { 0, 0, 0755 } },
	{ .path = "app/cache/x|y", .bytes = 500, .layer = 3, .from_layer = 1,
	  .kind = LW_KIND_DELETE, .has_after = 0, .before = { 0, 0, 0644 },
	  .after = { 0, 0, 0 } },
};

static struct lw_group groups[] = {
	{ .layer = 2, .from_layer = 1, .kind = LW_KIND_CHOWN, .bytes = 2001000,
	  .files = 2, .first = 0, .count = 2 },
	{ .layer = 3, .from_layer = 1, .kind = LW_KIND_DELETE, .bytes = 500,
	  .files = 1, .first = 3, .count = 1 },
	{ .layer = 3, .from_layer = 1, .kind = LW_KIND_CHMOD, .bytes = 300,
	  .files = 1, .first = 2, .count = 1 },
};

static struct lw_layer_result layer_results[] = {
	{ .wasted_bytes = 0, .findings = 0 },
	{ .wasted_bytes = 500, .findings = 1 },
	{ .wasted_bytes = 2001000, .findings = 2 },
	{ .wasted_bytes = 300, .findings = 1 },
};

static char dockerfile[] = "build,x:y/Dockerfile";
static struct lw_layer_attr lattr[4];
static struct lw_suggestion sugg[1];
static struct lw_cause causes[3];
static struct lw_attribution at;
static const struct lw_attribution *attribution; /* &at, or NULL: none */
static struct lw_analysis an;
static struct lw_rules_config cfg;
static struct lw_rules_report *rep;

static void fixture(void)
{
	struct lw_error err = { 0, "" };

	lwt_image_by_hand(&img, layers, ix, 4, hist, 4);
	img.source = "app.tar";
	img.format = "docker-archive";
	img.tags = tags;
	img.ntags = 1;

	memset(lattr, 0, sizeof(lattr));
	lattr[0].base = 1;
	lattr[1] = (struct lw_layer_attr){ .keyword = "COPY",
		.args = "app/ /app/", .file = dockerfile, .line = 3,
		.end_line = 3, .text = "COPY app/ /app/", .stage = "0" };
	lattr[2] = (struct lw_layer_attr){ .keyword = "RUN",
		.args = "chown -R app:app /app", .file = dockerfile, .line = 4,
		.end_line = 5, .text = "RUN chown -R app:app \\\n    /app",
		.stage = "0" };
	lattr[3] = (struct lw_layer_attr){ .keyword = "RUN",
		.args = "rm -rf /app/cache | cat", .file = dockerfile,
		.line = 6, .end_line = 6, .text = "RUN rm -rf /app/cache | cat",
		.stage = "0" };
	memset(sugg, 0, sizeof(sugg));
	sugg[0].id = "copy-chown-2-1";
	sugg[0].kind = LW_FIX_COPY_CHOWN;
	sugg[0].title = "Use COPY --chown=app:app and drop the chown";
	sugg[0].detail = "The chown copies every file again.";
	sugg[0].safe = 1;
	sugg[0].file = dockerfile;
	sugg[0].line = 3;
	sugg[0].end_line = 5;
	sugg[0].before = "COPY app/ /app/\nRUN chown -R app:app \\\n    /app\n";
	sugg[0].after = "COPY --chown=app:app app/ /app/\n";
	sugg[0].saves_bytes = 2001300;
	causes[0] = (struct lw_cause){ .group = 0, .suggestion = 0 };
	causes[1] = (struct lw_cause){ .group = 1, .suggestion = -1 };
	/* the same fix covers it */
	causes[2] = (struct lw_cause){ .group = 2, .suggestion = 0 };
	memset(&at, 0, sizeof(at));
	at.dockerfile = dockerfile;
	at.aligned = 1;
	at.layers = lattr;
	at.nlayers = 4;
	at.causes = causes;
	at.ncauses = 3;
	at.suggestions = sugg;
	at.nsuggestions = 1;

	memset(&an, 0, sizeof(an));
	an.image = &img;
	an.total_bytes = 10000000;
	an.wasted_bytes = 2001800;
	an.visible_bytes = an.total_bytes - an.wasted_bytes;
	an.by_kind[LW_KIND_CHOWN] = 2001000;
	an.by_kind[LW_KIND_CHMOD] = 300;
	an.by_kind[LW_KIND_DELETE] = 500;
	an.files_by_kind[LW_KIND_CHOWN] = 2;
	an.files_by_kind[LW_KIND_CHMOD] = 1;
	an.files_by_kind[LW_KIND_DELETE] = 1;
	an.findings = findings;
	an.nfindings = 4;
	an.groups = groups;
	an.ngroups = 3;
	an.layers = layer_results;
	an.dive.efficiency = 0.8;
	attribution = &at;

	lw_rules_config_init(&cfg);
	ck_assert_int_eq(lw_rules_set(&cfg, "max-wasted-bytes", "1MB", &err),
			 0);
	ck_assert_int_eq(lw_rules_set(&cfg, "max-chmod-bytes", "1kB", &err),
			 0);
	ck_assert_int_eq(lw_rules_set(&cfg, "max-delete-bytes", "disabled",
				      &err), 0);
	ck_assert_int_eq(lw_rules_evaluate(&an, &cfg, &rep, &err), 0);
}

static void teardown(void)
{
	lw_rules_report_free(rep);
	lw_rules_config_release(&cfg);
}

/* The fixture's image and analysis, the attribution now set, and r. */
static struct lw_result result(const struct lw_rules_report *r)
{
	return (struct lw_result){ .image = &img, .analysis = &an,
				   .attribution = attribution, .rules = r };
}

static char *render(lwt_render_fn fn, const struct lw_rules_report *r,
		    const struct lw_render_opts *o)
{
	struct lw_result res = result(r);

	return lwt_render(fn, &res, o);
}

static void contains(const char *text, const char *want)
{
	ck_assert_msg(strstr(text, want) != NULL, "missing '%s' in:\n%s", want,
		      text);
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

START_TEST(test_github)
{
	char *out = render(lw_render_github, rep, NULL);
	const char *line;

	/* Groups 0 and 2 share one fix, so one annotation; then group 1;
	 * then the failed rule. Every line is one workflow command. */
	ck_assert_uint_eq(count_lines(out), 3);
	for (line = out; *line; line = strchr(line, '\n') + 1)
		ck_assert_msg(!strncmp(line, "::error ", 8), "%s", line);
	contains(out, "::error file=build%2Cx%3Ay/Dockerfile,line=3,endLine=5,"
		 "title=layerwaste%3A 2.0 MB copied only to change owner::"
		 "Layer 2 (RUN chown -R app:app /app) copies 2 files");
	/* Data: % CR LF escaped; terminal bytes as \xNN; : and , kept. */
	contains(out, "/app/b,c:d%25e\\x0a\\x1b[31m\\xff.txt.%0AFix: Use COPY "
		 "--chown=app:app and drop the chown (saves 2.0 MB).");
	contains(out, "%0AThe same fix also removes: 300 B copied only to "
		 "change mode in layer 3.");
	contains(out, "::error file=build%2Cx%3Ay/Dockerfile,line=6,title="
		 "layerwaste%3A 500 B in deleted files still stored::Layer 3 "
		 "(RUN rm -rf /app/cache | cat) deletes 1 file of layer 1");
	contains(out, "::error title=layerwaste%3A rule max-wasted-bytes "
		 "failed::2.0 MB wasted, over the limit of 1.0 MB");
	ck_assert_ptr_null(strchr(out, '\033'));
	free(out);
}
END_TEST

START_TEST(test_github_levels)
{
	struct lw_render_opts o = { .width = 100, .top = 1 };
	char *out = render(lw_render_github, NULL, &o);

	/* No rules: warnings; --top 1: one annotation and a notice. */
	ck_assert_uint_eq(count_lines(out), 2);
	ck_assert(!strncmp(out, "::warning file=", 15));
	contains(out, "::notice title=layerwaste::1 more causes of waste are "
		 "not annotated");
	free(out);
	/* Without a Dockerfile line there is no file property. */
	attribution = NULL;
	out = render(lw_render_github, NULL, NULL);
	ck_assert(!strncmp(out, "::warning title=layerwaste%3A 2.0 MB", 36));
	ck_assert_uint_eq(count_lines(out), 3);
	free(out);
}
END_TEST

static const char *str_at(json_t *v, const char *path);

/* Only what broke a rule is an error, in every format; a kind with no
 * rule or a disabled one shows its severity (docs/ci.md, Severities). */
START_TEST(test_severity_levels)
{
	struct lw_rules_config c;
	struct lw_rules_report *r = NULL;
	struct lw_error err = { 0, "" };
	char *gh, *sarif, *gl;
	json_t *doc;

	lw_rules_config_init(&c);
	ck_assert_int_eq(lw_rules_set(&c, "max-chown-bytes", "1MB", &err), 0);
	ck_assert_int_eq(lw_rules_set(&c, "max-delete-bytes", "disabled",
				      &err), 0);
	ck_assert_int_eq(lw_severity_set(&c, "delete", "note", 0, &err), 0);
	ck_assert_int_eq(lw_rules_evaluate(&an, &c, &r, &err), 0);
	ck_assert_int_eq(r->groups[0].level, LW_SEVERITY_ERROR);
	ck_assert_int_eq(r->groups[1].level, LW_SEVERITY_NOTE);
	ck_assert_int_eq(r->groups[2].level, LW_SEVERITY_WARNING);
	gh = render(lw_render_github, r, NULL);
	contains(gh, "::error file=build%2Cx%3Ay/Dockerfile,line=3,endLine=5,"
		 "title=layerwaste%3A 2.0 MB copied only to change owner::");
	contains(gh, "::notice file=build%2Cx%3Ay/Dockerfile,line=6,title="
		 "layerwaste%3A 500 B in deleted files still stored::");
	contains(gh, "::error title=layerwaste%3A rule max-chown-bytes failed");
	sarif = render(lw_render_sarif, r, NULL);
	doc = json_loads(sarif, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(str_at(doc, "runs.0.results.0.level"), "error");
	ck_assert_str_eq(str_at(doc, "runs.0.results.1.level"), "note");
	ck_assert_str_eq(str_at(doc, "runs.0.results.2.level"), "warning");
	ck_assert_str_eq(str_at(doc, "runs.0.tool.driver.rules.5."
				"defaultConfiguration.level"), "note");
	json_decref(doc);
	gl = render(lw_render_gitlab, r, NULL);
	doc = json_loads(gl, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	ck_assert_str_eq(str_at(doc, "0.severity"), "major");
	ck_assert_str_eq(str_at(doc, "1.severity"), "info");
	ck_assert_str_eq(str_at(doc, "2.severity"), "minor");
	ck_assert_str_eq(str_at(doc, "3.severity"), "critical");
	json_decref(doc);
	free(gh);
	free(sarif);
	free(gl);
	lw_rules_report_free(r);
	lw_rules_config_release(&c);
}
END_TEST

START_TEST(test_markdown)
{
	char *out = render(lw_render_markdown, rep, NULL);

	ck_assert(!strncmp(out, "## layerwaste: FAIL `app:1`\n", 28));
	contains(out, "**2.0 MB wasted** (20.02 % of 10.0 MB in 4 layers); "
		 "1 of 3 rules failed (1 disabled).");
	contains(out, "| max-wasted-bytes | **FAIL** | \\<= 1.0 MB | 2.0 MB |");
	contains(out, "| max-delete-bytes | disabled | disabled |  | disabled |");
	contains(out, "| chown | 2.0 MB | 2 |");
	/* A '|' in a code span inside a table is escaped. */
	contains(out, "| 3 | `RUN rm -rf /app/cache \\| cat` | build,x:y/"
		 "Dockerfile:6 | 300 B | 1 |");
	contains(out, "| 2 | `RUN chown -R app:app /app` | 2.0 MB copied only "
		 "to change owner | 1 | 2 | build,x:y/Dockerfile:3-5 |");
	contains(out, "### Suggestions\n\n#### 1. Use COPY --chown=app:app "
		 "and drop the chown\n\nSaves 2.0 MB at build,x:y/Dockerfile:"
		 "3-5. The chown copies every file again.\n\n");
	contains(out, "```diff\n-COPY app/ /app/\n-RUN chown -R app:app \\\n-"
		 "    /app\n+COPY --chown=app:app app/ /app/\n```\n");
	ck_assert_ptr_null(strchr(out, '\033'));
	/* One trailing newline. */
	ck_assert(out[strlen(out) - 1] == '\n' && out[strlen(out) - 2] != '\n');
	free(out);
}
END_TEST

START_TEST(test_markdown_no_rules_no_waste)
{
	char *out;

	an.wasted_bytes = 0;
	an.ngroups = 0;
	an.nfindings = 0;
	memset(an.by_kind, 0, sizeof(an.by_kind));
	attribution = NULL;
	out = render(lw_render_markdown, NULL, NULL);
	ck_assert(!strncmp(out, "## layerwaste: REPORT `app:1`", 29));
	contains(out, "No wasted bytes found.\n");
	ck_assert_ptr_null(strstr(out, "### Rules"));
	ck_assert_ptr_null(strstr(out, "```diff"));
	free(out);
}
END_TEST

static json_t *at_path(json_t *v, const char *path)
{
	char key[64];
	const char *p = path, *e;
	size_t n;

	while (v && *p) {
		e = strchr(p, '.');
		n = e ? (size_t)(e - p) : strlen(p);
		memcpy(key, p, n);
		key[n] = '\0';
		if (json_is_array(v))
			v = json_array_get(v, (size_t)atoi(key));
		else
			v = json_object_get(v, key);
		p += n + (e != NULL);
	}
	ck_assert_msg(v != NULL, "no %s", path);
	return v;
}

static const char *str_at(json_t *v, const char *path)
{
	json_t *s = at_path(v, path);

	ck_assert_msg(json_is_string(s), "%s is not a string", path);
	return json_string_value(s);
}

static json_int_t int_at(json_t *v, const char *path)
{
	json_t *i = at_path(v, path);

	ck_assert_msg(json_is_integer(i), "%s is not an integer", path);
	return json_integer_value(i);
}

START_TEST(test_sarif)
{
	static const char *const ids[] = { "chown", "chmod", "chown-chmod",
		"touch", "overwrite", "delete" };
	char *out = render(lw_render_sarif, rep, NULL);
	json_t *doc = lwt_parse_json(out), *run = at_path(doc, "runs.0"), *res, *r;
	size_t i;

	ck_assert_str_eq(str_at(doc, "version"), "2.1.0");
	ck_assert_str_eq(str_at(run, "tool.driver.name"), "layerwaste");
	ck_assert_str_eq(str_at(run, "tool.driver.version"), LW_VERSION);
	ck_assert(!strncmp(str_at(run, "tool.driver.informationUri"),
			   "https://", 8));
	ck_assert_uint_eq(json_array_size(at_path(run, "tool.driver.rules")),
			  6);
	for (i = 0; i < 6; i++) {
		r = json_array_get(at_path(run, "tool.driver.rules"), i);
		ck_assert_str_eq(str_at(r, "id"), ids[i]);
		ck_assert(*str_at(r, "name"));
		ck_assert(*str_at(r, "shortDescription.text"));
		ck_assert(*str_at(r, "fullDescription.text"));
		ck_assert(*str_at(r, "help.text"));
		ck_assert(*str_at(r, "help.markdown"));
		ck_assert_str_eq(str_at(r, "defaultConfiguration.level"),
				 "warning");
	}
	res = at_path(run, "results");
	ck_assert_uint_eq(json_array_size(res), 3);
	ck_assert_str_eq(str_at(res, "0.ruleId"), "chown");
	ck_assert_int_eq(int_at(res, "0.ruleIndex"), 0);
	ck_assert_str_eq(str_at(res, "0.level"), "error");
	ck_assert_str_eq(str_at(res, "0.locations.0.physicalLocation."
				"artifactLocation.uri"),
			 "build%2Cx%3Ay/Dockerfile");
	ck_assert_int_eq(int_at(res, "0.locations.0.physicalLocation.region."
				"startLine"), 3);
	ck_assert_int_eq(int_at(res, "0.locations.0.physicalLocation.region."
				"endLine"), 5);
	ck_assert_int_eq(int_at(res, "1.locations.0.physicalLocation.region."
				"startLine"), 6);
	ck_assert_str_eq(str_at(res, "1.ruleId"), "delete");
	ck_assert_int_eq(int_at(res, "1.ruleIndex"), 5);
	ck_assert_int_eq(int_at(res, "0.properties.bytes"), 2001000);
	/* Invalid UTF-8 as \xNN, so the document stays valid JSON. */
	/* A name's newline and escape byte are escaped in the message. */
	contains(str_at(res, "0.message.text"), "d%e\\x0a\\x1b[31m\\xff.txt.\nFix");
	ck_assert_ptr_null(strchr(str_at(res, "0.message.text"), '\033'));
	ck_assert_str_eq(str_at(run, "properties.rules.results.0.id"),
			 "max-wasted-bytes");
	json_decref(doc);
	free(out);
}
END_TEST

/* Fingerprints: unique, and unchanged when lines move or the Dockerfile
 * is not known at all. */
START_TEST(test_fingerprints_stable)
{
	char *a = render(lw_render_sarif, rep, NULL), *b, *c;
	json_t *da = lwt_parse_json(a), *db, *dc;
	char path[128];
	size_t i, j;

	for (i = 0; i < 4; i++) {
		lattr[i].line += 10;
		lattr[i].end_line += 10;
	}
	sugg[0].line += 10;
	sugg[0].end_line += 10;
	b = render(lw_render_sarif, rep, NULL);
	db = lwt_parse_json(b);
	ck_assert_int_eq(int_at(db, "runs.0.results.0.locations.0."
				"physicalLocation.region.startLine"), 13);
	attribution = NULL;
	c = render(lw_render_sarif, NULL, NULL);
	dc = lwt_parse_json(c);
	/* Without a Dockerfile: "Dockerfile", line 1. */
	ck_assert_str_eq(str_at(dc, "runs.0.results.0.locations.0."
				"physicalLocation.artifactLocation.uri"),
			 "Dockerfile");
	ck_assert_int_eq(int_at(dc, "runs.0.results.2.locations.0."
				"physicalLocation.region.startLine"), 1);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "runs.0.results.%zu."
			 "partialFingerprints.layerwasteCause/v1", i);
		ck_assert_str_eq(str_at(da, path), str_at(db, path));
		ck_assert_str_eq(str_at(da, path), str_at(dc, path));
		ck_assert_uint_eq(strlen(str_at(da, path)), 16);
		for (j = 0; j < i; j++) {
			char other[128];

			snprintf(other, sizeof(other), "runs.0.results.%zu."
				 "partialFingerprints.layerwasteCause/v1", j);
			ck_assert_str_ne(str_at(da, path), str_at(da, other));
		}
	}
	json_decref(da);
	json_decref(db);
	json_decref(dc);
	free(a);
	free(b);
	free(c);
}
END_TEST

START_TEST(test_gitlab)
{
	char *out = render(lw_render_gitlab, rep, NULL);
	json_t *doc = lwt_parse_json(out), *it;
	const char *fp[4];
	size_t i, j;

	ck_assert(json_is_array(doc));
	/* Three groups and the failed rule. */
	ck_assert_uint_eq(json_array_size(doc), 4);
	for (i = 0; i < 4; i++) {
		it = json_array_get(doc, i);
		ck_assert(*str_at(it, "description"));
		ck_assert(*str_at(it, "check_name"));
		fp[i] = str_at(it, "fingerprint");
		for (j = 0; j < i; j++)
			ck_assert_str_ne(fp[i], fp[j]);
		ck_assert(*str_at(it, "severity"));
		ck_assert_str_eq(str_at(it, "location.path"),
				 "build,x:y/Dockerfile");
		ck_assert_int_ge(int_at(it, "location.lines.begin"), 1);
		ck_assert_ptr_null(strchr(str_at(it, "description"), '\n'));
	}
	ck_assert_str_eq(str_at(doc, "0.check_name"), "layerwaste/chown");
	ck_assert_str_eq(str_at(doc, "0.severity"), "major");
	ck_assert_int_eq(int_at(doc, "0.location.lines.begin"), 3);
	ck_assert_int_eq(int_at(doc, "1.location.lines.begin"), 6);
	ck_assert_str_eq(str_at(doc, "3.check_name"),
			 "layerwaste/rule/max-wasted-bytes");
	ck_assert_str_eq(str_at(doc, "3.severity"), "critical");
	json_decref(doc);
	free(out);
	out = render(lw_render_gitlab, NULL, NULL);
	doc = lwt_parse_json(out);
	ck_assert_uint_eq(json_array_size(doc), 3);
	ck_assert_str_eq(str_at(doc, "2.severity"), "minor");
	json_decref(doc);
	free(out);
}
END_TEST

START_TEST(test_junit)
{
	char *out = render(lw_render_junit, rep, NULL);

	ck_assert(!strncmp(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
			   39));
	contains(out, "<testsuites name=\"layerwaste\" tests=\"3\" "
		 "failures=\"1\" errors=\"0\" skipped=\"1\">");
	contains(out, "<testcase classname=\"layerwaste.rules\" "
		 "name=\"max-wasted-bytes\">\n      <failure message=\"2.0 MB "
		 "wasted, over the limit of 1.0 MB (2001800 &gt; 1000000 "
		 "bytes)\" type=\"max-wasted-bytes\">");
	contains(out, "threshold: &lt;= 1.0 MB\n");
	contains(out, "<testcase classname=\"layerwaste.rules\" "
		 "name=\"max-chmod-bytes\"/>");
	contains(out, "name=\"max-delete-bytes\">\n      <skipped ");
	contains(out, "<system-out>image: app:1\nwasted: 2.0 MB");
	contains(out, "rules: FAIL, 1 passed, 1 failed, 1 disabled\n"
		 "</system-out>");
	ck_assert_ptr_null(strchr(out, '\033'));
	ck_assert_ptr_null(strstr(out, "layerwaste.waste"));
	free(out);
	/* No rule: a passing case per finding kind, never tests="0". */
	out = render(lw_render_junit, NULL, NULL);
	ck_assert_ptr_null(strstr(out, "tests=\"0\""));
	contains(out, "<testsuites name=\"layerwaste\" tests=\"6\" "
		 "failures=\"0\" errors=\"0\" skipped=\"0\">");
	contains(out, "<testcase classname=\"layerwaste.waste\" "
		 "name=\"chown\">\n      <system-out>chown: ");
	contains(out, "name=\"chown+chmod\">");
	contains(out, "name=\"delete\">");
	ck_assert_ptr_null(strstr(out, "<failure"));
	contains(out, "rules: REPORT (no rule configured)");
	free(out);
}
END_TEST

START_TEST(test_json_rules)
{
	static const char *const keys[] = { "id", "description", "status",
		"unit", "limit", "value", "below_floor", "threshold", "actual",
		"message", NULL };
	char *out = render(lw_render_json, rep, NULL);
	json_t *doc = lwt_parse_json(out), *r = at_path(doc, "rules"), *x;
	void *it;
	size_t i;

	ck_assert(json_is_true(at_path(r, "evaluated")));
	ck_assert(json_is_false(at_path(r, "passed")));
	ck_assert(json_is_null(at_path(r, "config")));
	ck_assert_int_eq(int_at(r, "judged_bytes"), 2001800);
	ck_assert_uint_eq(json_array_size(at_path(r, "results")), 3);
	x = at_path(r, "results.0");
	for (i = 0, it = json_object_iter(x); keys[i]; i++) {
		ck_assert_ptr_nonnull(it);
		ck_assert_str_eq(json_object_iter_key(it), keys[i]);
		it = json_object_iter_next(x, it);
	}
	ck_assert_ptr_null(it);
	ck_assert_str_eq(str_at(x, "status"), "fail");
	ck_assert_int_eq(int_at(x, "limit"), 1000000);
	ck_assert_str_eq(str_at(r, "results.2.status"), "skip");
	ck_assert(json_is_null(at_path(r, "results.2.limit")));
	json_decref(doc);
	free(out);
	/* Without rules the key is there too, not evaluated. */
	out = render(lw_render_json, NULL, NULL);
	doc = lwt_parse_json(out);
	ck_assert(json_is_false(at_path(doc, "rules.evaluated")));
	ck_assert(json_is_true(at_path(doc, "rules.passed")));
	ck_assert_uint_eq(json_array_size(at_path(doc, "rules.results")), 0);
	json_decref(doc);
	free(out);
}
END_TEST

START_TEST(test_text_rules)
{
	char *out = render(lw_render_text, rep, NULL);

	contains(out, "\nRules: FAIL, 1 of 3 failed, 1 disabled\n");
	contains(out, "  FAIL  max-wasted-bytes  2.0 MB wasted, over the limit "
		 "of 1.0 MB");
	contains(out, "  pass  max-chmod-bytes   300 B in chmod copies");
	contains(out, "  skip  max-delete-bytes  disabled\n");
	free(out);
	out = render(lw_render_text, NULL, NULL);
	ck_assert_ptr_null(strstr(out, "Rules:"));
	free(out);
}
END_TEST

START_TEST(test_summary_line)
{
	struct lw_result res = result(rep);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_int_eq(lw_render_ci_summary(f, &res), 0);
	fclose(f);
	ck_assert_str_eq(buf, "layerwaste: FAIL: 2.0 MB wasted (20.02 %); 1 of "
			 "3 rules failed, 1 disabled; biggest fix: Use COPY "
			 "--chown=app:app and drop the chown at build,x:y/"
			 "Dockerfile:3 saves 2.0 MB\n");
	free(buf);
	res.attribution = NULL;
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(lw_render_ci_summary(f, &res), 0);
	fclose(f);
	ck_assert_str_eq(buf, "layerwaste: FAIL: 2.0 MB wasted (20.02 %); 1 of "
			 "3 rules failed, 1 disabled\n");
	free(buf);
}
END_TEST

START_TEST(test_write_errors)
{
	static const lwt_render_fn fns[] = { lw_render_github, lw_render_markdown,
		lw_render_sarif, lw_render_gitlab, lw_render_junit,
		lw_render_json, lw_render_text };
	struct lw_result res = result(rep);
	FILE *f = fopen("/dev/full", "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fns[_i](f, &res, NULL), -1);
	fclose(f);
}
END_TEST

static Suite *ciformats_suite(void)
{
	Suite *s = suite_create("ciformats");
	TCase *tc = tcase_create("formats");

	tcase_add_checked_fixture(tc, fixture, teardown);
	tcase_add_test(tc, test_github);
	tcase_add_test(tc, test_github_levels);
	tcase_add_test(tc, test_severity_levels);
	tcase_add_test(tc, test_markdown);
	tcase_add_test(tc, test_markdown_no_rules_no_waste);
	tcase_add_test(tc, test_sarif);
	tcase_add_test(tc, test_fingerprints_stable);
	tcase_add_test(tc, test_gitlab);
	tcase_add_test(tc, test_junit);
	tcase_add_test(tc, test_json_rules);
	tcase_add_test(tc, test_text_rules);
	tcase_add_test(tc, test_summary_line);
	tcase_add_loop_test(tc, test_write_errors, 0, 7);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return lwt_run_suite(ciformats_suite());
}
