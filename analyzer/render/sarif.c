/* SARIF 2.1.0 for code scanning (GitHub's upload-sarif and others).
 *
 * One reporting rule per finding kind (then one per profile check, when
 * a profile ran); one result per cause group (and per place that fails a
 * check, at the check's level), always
 * located on a Dockerfile line: the instruction's (or the fix's) when the
 * attribution knows it, else line 1 of the Dockerfile (of "Dockerfile"
 * when none was given), because code scanning rejects results without a
 * location. partialFingerprints hold no line or layer number, so an alert
 * survives edits that move it. Every rule has a helpUri into the docs
 * (LW_DOCS_URL, render.h); a result on Dockerfile lines quotes them
 * (snippet, and a context region of a few lines around them), secret-
 * looking ENV/ARG values hidden. tests/sarif/check validates the output
 * with Microsoft's SARIF Multitool, GitHub's rules included. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "layerwaste/checks.h"
#include "layerwaste/dockerfile.h"
#include "ci_priv.h"
#include "layerwaste/render.h"
#include "render_priv.h"

/* Lines of context shown above and below a result's lines. */
#define CONTEXT_LINES 2
/* The repository's top, which relative paths start from, with
 * versionControlProvenance. */
#define SRCROOT "SRCROOT"
#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define FINGERPRINT_KEY "layerwasteCause/v1"
#define CHECK_FINGERPRINT_KEY "layerwasteCheck/v1"

struct kind_rule {
	const char *name, *shortd, *fulld, *help;
};

/* Indexed by enum lw_kind. */
static const struct kind_rule kind_rules[LW_KIND_COUNT] = {
	{ "ChownCopy",
	  "Files copied into a new layer only to change their owner",
	  "A layer changes only the owner (uid/gid) of files that a lower "
	  "layer added. The storage driver copies each such file whole into "
	  "the new layer, so the image stores it twice.",
	  "Set the owner where the files are made: `COPY --chown=USER:GROUP` "
	  "(or `ADD --chown`), or `chown` in the same `RUN` that creates "
	  "the files, and drop the separate `RUN chown`." },
	{ "ChmodCopy",
	  "Files copied into a new layer only to change their mode",
	  "A layer changes only the permission bits of files that a lower "
	  "layer added. Each such file is copied whole into the new layer.",
	  "Set the mode where the files are made: `COPY --chmod=MODE` "
	  "(BuildKit), fix the mode in the build context, or `chmod` in the "
	  "same `RUN` that creates the files." },
	{ "ChownChmodCopy",
	  "Files copied into a new layer only to change owner and mode",
	  "A layer changes only the owner and the permission bits of files "
	  "that a lower layer added. Each such file is copied whole.",
	  "Use `COPY --chown=USER:GROUP --chmod=MODE`, or change both in the "
	  "`RUN` that creates the files." },
	{ "TouchCopy",
	  "Files copied into a new layer only to change mtime or xattrs",
	  "A layer rewrites files of a lower layer with the same content, "
	  "owner and mode (a `touch`, or extended attributes). Each such "
	  "file is copied whole.",
	  "Do not touch files in a later step; set times or attributes in "
	  "the step that creates the files." },
	{ "OverwrittenFile",
	  "Files overwritten by a later layer stay stored in the lower layer",
	  "A layer replaces files of a lower layer with other content or "
	  "another file type. The old copies are unreachable but still "
	  "stored, pulled and unpacked.",
	  "Write each file once: merge the steps, reorder them so the final "
	  "content is written first, or build it in another stage and "
	  "`COPY --from` the result." },
	{ "DeletedFile",
	  "Files deleted by a later layer stay stored in the lower layer",
	  "A layer deletes files of a lower layer. A whiteout hides them, "
	  "but their bytes stay in the lower layer.",
	  "Delete files in the same `RUN` that creates them, or use a "
	  "multi-stage build and copy only what the final image needs." },
};

static void append(json_t *a, json_t *v)
{
	if (json_array_append_new(a, lwr_jmust(v)))
		abort();
}

static json_t *text_obj(const char *text)
{
	json_t *o = lwr_jmust(json_object());

	lwr_jput(o, "text", json_string(text));
	return o;
}

/* A string from the image or the Dockerfile: invalid UTF-8 as \xNN. */
static json_t *clean_string(const char *s)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	json_t *v;

	lwr_utf8_clean(&sb, s ? s : "");
	v = lwr_jmust(json_stringn(sb.buf, sb.len));
	lw_strbuf_release(&sb);
	return v;
}

static const char *sarif_level(int level)
{
	return lwr_level_name(level, LWR_LEVEL_SARIF);
}

/* "spaces/run-as-uid-1000" -> "SpacesRunAsUid1000". */
static json_t *camel(const char *id)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	json_t *v;
	int up = 1;

	for (; *id; id++) {
		if (!isalnum((unsigned char)*id)) {
			up = 1;
			continue;
		}
		lw_strbuf_addc(&sb, up ? (char)toupper((unsigned char)*id) :
			       *id);
		up = 0;
	}
	v = lwr_jmust(json_string(sb.buf));
	lw_strbuf_release(&sb);
	return v;
}

/* The check's section of its profile's page: "spaces/app-port" ->
 * LW_DOCS_URL "spaces.md#spacesapp-port" (GitHub's heading anchors). */
static json_t *check_help_uri(const char *id)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	const char *slash = strchr(id, '/');
	json_t *v;

	lw_strbuf_adds(&sb, LW_DOCS_URL);
	if (slash)
		lw_strbuf_addf(&sb, "%.*s.md#", (int)(slash - id), id);
	else
		lw_strbuf_adds(&sb, "spaces.md#");
	for (; *id; id++)
		if (isalnum((unsigned char)*id) || *id == '-' || *id == '_')
			lw_strbuf_addc(&sb, (char)tolower((unsigned char)*id));
	v = lwr_jmust(json_string(sb.buf));
	lw_strbuf_release(&sb);
	return v;
}

/* One reporting rule per check of the profile that ran. */
static void check_rules(json_t *a, const struct lw_result *res)
{
	const struct lw_checks *c = lwr_checks(res);
	json_t *r, *help, *cfg, *props, *tags;
	struct lw_strbuf md = LW_STRBUF_INIT;
	const struct lw_check *k;
	size_t i;

	for (i = 0; c && i < c->n; i++) {
		k = &c->checks[i];
		r = lwr_jmust(json_object());
		lwr_jput(r, "id", json_string(k->id));
		lwr_jput(r, "name", camel(k->id));
		lwr_jput(r, "shortDescription", text_obj(k->title));
		lwr_jput(r, "fullDescription", text_obj(k->docs));
		help = lwr_jmust(json_object());
		lwr_jput(help, "text", json_string(k->docs));
		lw_strbuf_reset(&md);
		lw_strbuf_addf(&md, "**%s**\n\n%s", k->title, k->docs);
		lwr_jput(help, "markdown", json_string(md.buf));
		lwr_jput(r, "help", help);
		lwr_jput(r, "helpUri", check_help_uri(k->id));
		cfg = lwr_jmust(json_object());
		lwr_jput(cfg, "level", json_string(sarif_level(k->severity)));
		lwr_jput(r, "defaultConfiguration", cfg);
		props = lwr_jmust(json_object());
		tags = lwr_jmust(json_array());
		append(tags, json_string("container-image"));
		append(tags, json_string("dockerfile"));
		append(tags, json_string(k->category));
		lwr_jput(props, "tags", tags);
		lwr_jput(props, "precision", json_string("high"));
		lwr_jput(r, "properties", props);
		append(a, r);
	}
	lw_strbuf_release(&md);
}

static json_t *driver_rules(const struct lw_result *res)
{
	json_t *a = lwr_jmust(json_array()), *r, *help, *cfg, *props, *tags;
	struct lw_strbuf md = LW_STRBUF_INIT;
	int k;

	for (k = 0; k < LW_KIND_COUNT; k++) {
		r = lwr_jmust(json_object());
		lwr_jput(r, "id", json_string(lwr_kind_rule_id(k)));
		lwr_jput(r, "name", json_string(kind_rules[k].name));
		lwr_jput(r, "shortDescription", text_obj(kind_rules[k].shortd));
		lwr_jput(r, "fullDescription", text_obj(kind_rules[k].fulld));
		help = lwr_jmust(json_object());
		lwr_jput(help, "text", json_string(kind_rules[k].help));
		lw_strbuf_reset(&md);
		lw_strbuf_addf(&md, "%s\n\n%s", kind_rules[k].fulld,
			       kind_rules[k].help);
		lwr_jput(help, "markdown", json_string(md.buf));
		lwr_jput(r, "help", help);
		lwr_jput(r, "helpUri", json_string(LW_DOCS_URL
						    "definitions.md#findings"));
		cfg = lwr_jmust(json_object());
		lwr_jput(cfg, "level", json_string(sarif_level(
			 res->rules ? res->rules->kind_severity[k] :
			 LW_SEVERITY_DEFAULT)));
		lwr_jput(r, "defaultConfiguration", cfg);
		props = lwr_jmust(json_object());
		tags = lwr_jmust(json_array());
		append(tags, json_string("container-image"));
		append(tags, json_string("dockerfile"));
		append(tags, json_string("image-size"));
		lwr_jput(props, "tags", tags);
		lwr_jput(props, "precision", json_string("very-high"));
		lwr_jput(r, "properties", props);
		append(a, r);
	}
	lw_strbuf_release(&md);
	check_rules(a, res);
	return a;
}

/* A relative path as a URI reference: unreserved characters and '/'
 * as they are, every other byte percent-encoded. */
static json_t *uri(const char *file)
{
	struct lw_strbuf p = LW_STRBUF_INIT, u = LW_STRBUF_INIT;
	const unsigned char *c;
	json_t *v;

	lwr_rel_path(&p, file);
	for (c = (const unsigned char *)p.buf; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || strchr("-._~/", *c))
			lw_strbuf_addc(&u, (char)*c);
		else
			lw_strbuf_addf(&u, "%%%02X", *c);
	}
	v = lwr_jmust(json_string(u.buf));
	lw_strbuf_release(&p);
	lw_strbuf_release(&u);
	return v;
}

/* A region of lines [first, last] of the Dockerfile, with their text as
 * its snippet: secret-looking ENV/ARG values hidden, invalid UTF-8 as
 * \xNN. */
static json_t *line_region(const struct lw_attribution *at, size_t first,
			   size_t last)
{
	json_t *reg = lwr_jmust(json_object()), *snip;
	struct lw_strbuf text = LW_STRBUF_INIT;
	char *red;
	size_t i;

	lwr_jput(reg, "startLine", json_integer((json_int_t)first));
	if (last > first)
		lwr_jput(reg, "endLine", json_integer((json_int_t)last));
	for (i = first; i <= last; i++) {
		red = lw_redact_history(at->df_lines[i - 1]);
		lw_strbuf_adds(&text, red);
		lw_strbuf_addc(&text, '\n');
		free(red);
	}
	snip = lwr_jmust(json_object());
	lwr_jput(snip, "text", clean_string(text.buf));
	lwr_jput(reg, "snippet", snip);
	lw_strbuf_release(&text);
	return reg;
}

static json_t *place(const struct lw_result *res, struct lwr_loc loc)
{
	const struct lw_attribution *at = res->attribution;
	json_t *l = lwr_jmust(json_object()), *phys = lwr_jmust(json_object());
	json_t *art = lwr_jmust(json_object()), *reg;
	size_t first = loc.line > 0 ? (size_t)loc.line : 1, last = first;

	if (loc.line > 0 && loc.end_line > loc.line)
		last = (size_t)loc.end_line;
	lwr_jput(art, "uri", uri(loc.file));
	if (res->vcs)
		lwr_jput(art, "uriBaseId", json_string(SRCROOT));
	lwr_jput(phys, "artifactLocation", art);
	/* The lines are quoted only when they are known and are the
	 * Dockerfile's (a check may point into another file). */
	if (loc.line > 0 && loc.file && at && at->dockerfile &&
	    !strcmp(loc.file, at->dockerfile) && last <= at->ndf_lines) {
		lwr_jput(phys, "region", line_region(at, first, last));
		lwr_jput(phys, "contextRegion", line_region(at,
		    first > CONTEXT_LINES ? first - CONTEXT_LINES : 1,
		    last + CONTEXT_LINES < at->ndf_lines ?
		    last + CONTEXT_LINES : at->ndf_lines));
	} else {
		reg = lwr_jmust(json_object());
		lwr_jput(reg, "startLine", json_integer((json_int_t)first));
		if (last > first)
			lwr_jput(reg, "endLine", json_integer((json_int_t)last));
		lwr_jput(phys, "region", reg);
	}
	lwr_jput(l, "physicalLocation", phys);
	return l;
}

static json_t *location(const struct lw_result *res, size_t gi)
{
	return place(res, lwr_group_loc(res, gi));
}

/* runs[0].versionControlProvenance: the repository and commit the
 * Dockerfile comes from, when the CLI found them. */
static json_t *provenance(const struct lw_provenance *vcs)
{
	json_t *a = lwr_jmust(json_array()), *v = lwr_jmust(json_object());
	json_t *map = lwr_jmust(json_object());

	lwr_jput(v, "repositoryUri", clean_string(vcs->repository_uri));
	lwr_jput(v, "revisionId", clean_string(vcs->revision_id));
	if (vcs->branch)
		lwr_jput(v, "branch", clean_string(vcs->branch));
	lwr_jput(map, "uriBaseId", json_string(SRCROOT));
	lwr_jput(v, "mappedTo", map);
	append(a, v);
	return a;
}

static int same_loc(struct lwr_loc a, struct lwr_loc b)
{
	return a.line == b.line && a.end_line == b.end_line &&
	       !strcmp(a.file ? a.file : "", b.file ? b.file : "");
}

/* The result of a cause (of causes, per group) that already tells what
 * check item it says: an image-size check on the same layer's waste at
 * the same place (the spaces profile's recursive-chown says again what
 * the chown cause says).
 * The check is then named on that result, not given a second alert on
 * the same lines. Returns that result, or NULL. */
static json_t *told_by_cause(const struct lw_result *res, json_t **causes,
			     const struct lw_check *k,
			     const struct lw_check_item *it, struct lwr_loc loc)
{
	const struct lw_analysis *an = res->analysis;
	json_t *props, *ids;
	size_t gi;

	if (!it || it->layer < 0 || loc.line <= 0 || !k->category ||
	    strcmp(k->category, "image-size"))
		return NULL;
	for (gi = 0; gi < an->ngroups; gi++) {
		if (an->groups[gi].layer != (uint32_t)it->layer ||
		    !same_loc(lwr_group_loc(res, gi), loc))
			continue;
		props = json_object_get(causes[gi], "properties");
		ids = json_object_get(props, "checks");
		if (!ids) {
			ids = lwr_jmust(json_array());
			lwr_jput(props, "checks", ids);
		}
		append(ids, json_string(k->id));
		if (lwr_check_level(res, k) == LW_SEVERITY_ERROR)
			lwr_jput(causes[gi], "level", json_string("error"));
		return causes[gi];
	}
	return NULL;
}

/* One result per place that fails a profile check, unless a cause's
 * result already tells it (causes: the results of the groups). */
static void check_results(json_t *results, const struct lw_result *res,
			  json_t **causes)
{
	const struct lw_checks *c = lwr_checks(res);
	const char *file = res->attribution ? res->attribution->dockerfile :
			   NULL;
	struct lw_strbuf msg = LW_STRBUF_INIT;
	const struct lw_check_item *it;
	const struct lw_check *k;
	json_t *r, *locs, *fps, *props;
	struct lwr_loc loc;
	char fp[32];
	size_t i, j;

	for (i = 0; c && i < c->n; i++) {
		k = &c->checks[i];
		if (k->status != LW_CHECK_FAIL)
			continue;
		for (j = 0; j < k->nitems || j == 0; j++) {
			it = k->nitems ? &k->items[j] : NULL;
			loc.file = it && it->file ? it->file : file;
			loc.line = it && it->file ? it->line : 0;
			loc.end_line = it && it->file ? it->end_line : 0;
			if (told_by_cause(res, causes, k, it, loc))
				continue;
			r = lwr_jmust(json_object());
			lwr_jput(r, "ruleId", json_string(k->id));
			lwr_jput(r, "ruleIndex", json_integer(LW_KIND_COUNT +
							 (json_int_t)i));
			lwr_jput(r, "level", json_string(sarif_level(
				 lwr_check_level(res, k))));
			lw_strbuf_reset(&msg);
			lwr_check_message(k, it, &msg);
			lwr_jput(r, "message", lwr_jmust(json_pack("{s:o}", "text",
						clean_string(msg.buf))));
			locs = lwr_jmust(json_array());
			append(locs, place(res, loc));
			lwr_jput(r, "locations", locs);
			fps = lwr_jmust(json_object());
			lwr_check_fingerprint(k, it, fp, sizeof(fp));
			lwr_jput(fps, CHECK_FINGERPRINT_KEY, json_string(fp));
			lwr_jput(r, "partialFingerprints", fps);
			props = lwr_jmust(json_object());
			lwr_jput(props, "check", json_string(k->id));
			lwr_jput(props, "subject", clean_string(it && it->subject ?
							   it->subject : ""));
			lwr_jput(props, "layer", it && it->layer >= 0 ?
			    json_integer(it->layer) : json_null());
			lwr_jput(props, "fix", it && it->fix ?
			    clean_string(it->fix) : json_null());
			lwr_jput(r, "properties", props);
			append(results, r);
		}
	}
	lw_strbuf_release(&msg);
}

/* A suppressed cause: SARIF's suppressions, inSource for a Dockerfile
 * comment, external for the config, with the reason as justification. */
static void suppressions(json_t *r, const struct lw_result *res, size_t gi)
{
	const struct lw_cause *c = lwr_group_cause(res, gi);
	json_t *list, *s;

	if (!c || !c->suppressed)
		return;
	list = lwr_jmust(json_array());
	s = lwr_jmust(json_object());
	lwr_jput(s, "kind", json_string(c->suppressed ==
		 LW_SUPPRESS_DOCKERFILE ? "inSource" : "external"));
	lwr_jput(s, "status", json_string("accepted"));
	if (c->suppress_reason)
		lwr_jput(s, "justification", clean_string(c->suppress_reason));
	append(list, s);
	lwr_jput(r, "suppressions", list);
}

static json_t *result(const struct lw_result *res, size_t gi,
		      const char *level, const char *fp)
{
	const struct lw_analysis *an = res->analysis;
	const struct lw_group *g = &an->groups[gi];
	const struct lw_suggestion *s = lwr_group_fix(res, gi);
	json_t *r = lwr_jmust(json_object()), *locs = lwr_jmust(json_array());
	json_t *fps = lwr_jmust(json_object()), *props = lwr_jmust(json_object());
	json_t *paths = lwr_jmust(json_array());
	struct lw_strbuf msg = LW_STRBUF_INIT, path = LW_STRBUF_INIT;
	size_t i;

	lwr_jput(r, "ruleId", json_string(lwr_kind_rule_id(g->kind)));
	lwr_jput(r, "ruleIndex", json_integer(g->kind));
	lwr_jput(r, "level", json_string(level));
	lwr_group_message(res, gi, &msg);
	lwr_jput(r, "message", lwr_jmust(json_pack("{s:o}", "text",
					 clean_string(msg.buf))));
	append(locs, location(res, gi));
	lwr_jput(r, "locations", locs);
	lwr_jput(fps, FINGERPRINT_KEY, json_string(fp));
	lwr_jput(r, "partialFingerprints", fps);
	lwr_jput(props, "bytes", json_integer((json_int_t)g->bytes));
	lwr_jput(props, "fileCount", json_integer((json_int_t)g->files));
	lwr_jput(props, "layer", json_integer(g->layer));
	lwr_jput(props, "fromLayer", json_integer(g->from_layer));
	lwr_jput(props, "kind", json_string(lw_kind_name(g->kind)));
	lwr_jput(props, "base", json_boolean(lwr_group_base(res, gi)));
	lwr_jput(props, "inherited", json_boolean(lwr_group_inherited(res, gi)));
	suppressions(r, res, gi);
	for (i = 0; i < g->count && i < LWR_CI_PATHS &&
		    g->first + i < an->nfindings; i++) {
		lw_strbuf_reset(&path);
		lw_strbuf_addc(&path, '/');
		lw_strbuf_adds(&path, an->findings[g->first + i].path);
		append(paths, clean_string(path.buf));
	}
	lwr_jput(props, "paths", paths);
	lwr_jput(props, "suggestion", s && s->id ? clean_string(s->id) :
	    json_null());
	lwr_jput(r, "properties", props);
	lw_strbuf_release(&msg);
	lw_strbuf_release(&path);
	return r;
}

int lw_render_sarif(FILE *f, const struct lw_result *res,
		    const struct lw_render_opts *o)
{
	const struct lw_analysis *an = res->analysis;
	const struct lw_rules_report *rules = res->rules;
	json_t *doc = lwr_jmust(json_object()), *runs = lwr_jmust(json_array());
	json_t *run = lwr_jmust(json_object()), *tool = lwr_jmust(json_object());
	json_t *drv = lwr_jmust(json_object()), *results = lwr_jmust(json_array());
	json_t *props = lwr_jmust(json_object());
	char **fp = lwr_fingerprints(an);
	json_t **causes;
	size_t i;
	int rc;

	lwr_jput(doc, "$schema", json_string(SARIF_SCHEMA));
	lwr_jput(doc, "version", json_string("2.1.0"));
	lwr_jput(drv, "name", json_string("layerwaste"));
	lwr_jput(drv, "version", json_string(lw_version()));
	lwr_jput(drv, "semanticVersion", json_string(lw_version()));
	lwr_jput(drv, "informationUri", json_string(LW_HOMEPAGE));
	lwr_jput(drv, "rules", driver_rules(res));
	lwr_jput(tool, "driver", drv);
	lwr_jput(run, "tool", tool);
	if (res->vcs && res->vcs->repository_uri && res->vcs->revision_id)
		lwr_jput(run, "versionControlProvenance", provenance(res->vcs));
	causes = lw_xcalloc(an->ngroups + 1, sizeof(*causes));
	for (i = 0; i < an->ngroups; i++) {
		causes[i] = result(res, i, sarif_level(lwr_group_level(res, i)),
				   fp[i]);
		append(results, json_incref(causes[i]));
	}
	check_results(results, res, causes);
	for (i = 0; i < an->ngroups; i++)
		json_decref(causes[i]);
	free(causes);
	lwr_jput(run, "results", results);
	lwr_jput(props, "image", clean_string(lwr_image_name(an)));
	lwr_jput(props, "totalBytes", json_integer((json_int_t)an->total_bytes));
	lwr_jput(props, "wastedBytes", json_integer((json_int_t)an->wasted_bytes));
	lwr_jput(props, "rules", lwr_rules_json(rules));
	if (lwr_checks(res)) {
		lwr_jput(props, "profile", lwr_profile_json(res));
		lwr_jput(props, "checks", lwr_checks_json(res));
	}
	lwr_jput(run, "properties", props);
	append(runs, run);
	lwr_jput(doc, "runs", runs);
	rc = lwr_json_dumpf(doc, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
			JSON_REAL_PRECISION(15));
	json_decref(doc);
	lwr_fingerprints_free(fp, an->ngroups);
	if (rc || fputc('\n', f) == EOF)
		return -1;
	(void)o;
	return lwr_finish(f);
}
