/* SARIF 2.1.0 for code scanning (GitHub's upload-sarif and others).
 *
 * One reporting rule per finding kind (then one per profile check, when
 * a profile ran); one result per cause group (and per place that fails a
 * check, at the check's level), always
 * located on a Dockerfile line: the instruction's (or the fix's) when the
 * attribution knows it, else line 1 of the Dockerfile (of "Dockerfile"
 * when none was given), because code scanning rejects results without a
 * location. partialFingerprints hold no line or layer number, so an alert
 * survives edits that move it. tests/sarif checks the output against the
 * SARIF 2.1.0 schema. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "layerwaste/checks.h"
#include "ci_priv.h"
#include "layerwaste/render.h"
#include "render_priv.h"

#ifndef LW_HOMEPAGE
#define LW_HOMEPAGE "https://github.com/layerwaste/layerwaste"
#endif
#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define FINGERPRINT_KEY "layerwasteCause/v1"
#define CHECK_FINGERPRINT_KEY "layerwasteCheck/v1"

struct kind_rule {
	const char *id, *name, *shortd, *fulld, *help;
};

/* Indexed by enum lw_kind. */
static const struct kind_rule kind_rules[LW_KIND_COUNT] = {
	{ "chown", "ChownCopy",
	  "Files copied into a new layer only to change their owner",
	  "A layer changes only the owner (uid/gid) of files that a lower "
	  "layer added. The storage driver copies each such file whole into "
	  "the new layer, so the image stores it twice.",
	  "Set the owner where the files are made: `COPY --chown=USER:GROUP` "
	  "(or `ADD --chown`), or `chown` in the same `RUN` that creates "
	  "the files, and drop the separate `RUN chown`." },
	{ "chmod", "ChmodCopy",
	  "Files copied into a new layer only to change their mode",
	  "A layer changes only the permission bits of files that a lower "
	  "layer added. Each such file is copied whole into the new layer.",
	  "Set the mode where the files are made: `COPY --chmod=MODE` "
	  "(BuildKit), fix the mode in the build context, or `chmod` in the "
	  "same `RUN` that creates the files." },
	{ "chown-chmod", "ChownChmodCopy",
	  "Files copied into a new layer only to change owner and mode",
	  "A layer changes only the owner and the permission bits of files "
	  "that a lower layer added. Each such file is copied whole.",
	  "Use `COPY --chown=USER:GROUP --chmod=MODE`, or change both in the "
	  "`RUN` that creates the files." },
	{ "touch", "TouchCopy",
	  "Files copied into a new layer only to change mtime or xattrs",
	  "A layer rewrites files of a lower layer with the same content, "
	  "owner and mode (a `touch`, or extended attributes). Each such "
	  "file is copied whole.",
	  "Do not touch files in a later step; set times or attributes in "
	  "the step that creates the files." },
	{ "overwrite", "OverwrittenFile",
	  "Files overwritten by a later layer stay stored in the lower layer",
	  "A layer replaces files of a lower layer with other content or "
	  "another file type. The old copies are unreachable but still "
	  "stored, pulled and unpacked.",
	  "Write each file once: merge the steps, reorder them so the final "
	  "content is written first, or build it in another stage and "
	  "`COPY --from` the result." },
	{ "delete", "DeletedFile",
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

static const char *sarif_level(int severity)
{
	return severity == LW_SEV_ERROR ? "error" :
		severity == LW_SEV_WARNING ? "warning" : "note";
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
		lwr_jput(r, "id", json_string(kind_rules[k].id));
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
		cfg = lwr_jmust(json_object());
		lwr_jput(cfg, "level", json_string("warning"));
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

static json_t *place(struct lwr_loc loc)
{
	json_t *l = lwr_jmust(json_object()), *phys = lwr_jmust(json_object());
	json_t *art = lwr_jmust(json_object()), *reg = lwr_jmust(json_object());

	lwr_jput(art, "uri", uri(loc.file));
	lwr_jput(phys, "artifactLocation", art);
	lwr_jput(reg, "startLine", json_integer(loc.line > 0 ? loc.line : 1));
	if (loc.line > 0 && loc.end_line > loc.line)
		lwr_jput(reg, "endLine", json_integer(loc.end_line));
	lwr_jput(phys, "region", reg);
	lwr_jput(l, "physicalLocation", phys);
	return l;
}

static json_t *location(const struct lw_result *res, size_t gi)
{
	return place(lwr_group_loc(res, gi));
}

/* One result per place that fails a profile check. */
static void check_results(json_t *results, const struct lw_result *res)
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
			r = lwr_jmust(json_object());
			lwr_jput(r, "ruleId", json_string(k->id));
			lwr_jput(r, "ruleIndex", json_integer(LW_KIND_COUNT +
							 (json_int_t)i));
			lwr_jput(r, "level", json_string(sarif_level(k->severity)));
			lw_strbuf_reset(&msg);
			lwr_check_message(k, it, &msg);
			lwr_jput(r, "message", lwr_jmust(json_pack("{s:o}", "text",
						clean_string(msg.buf))));
			loc.file = it && it->file ? it->file : file;
			loc.line = it && it->file ? it->line : 0;
			loc.end_line = it && it->file ? it->end_line : 0;
			locs = lwr_jmust(json_array());
			append(locs, place(loc));
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

	lwr_jput(r, "ruleId", json_string(kind_rules[g->kind].id));
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
	const char *level = rules && rules->evaluated && !rules->passed ?
			    "error" : "warning";
	json_t *doc = lwr_jmust(json_object()), *runs = lwr_jmust(json_array());
	json_t *run = lwr_jmust(json_object()), *tool = lwr_jmust(json_object());
	json_t *drv = lwr_jmust(json_object()), *results = lwr_jmust(json_array());
	json_t *props = lwr_jmust(json_object());
	char **fp = lwr_fingerprints(an);
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
	for (i = 0; i < an->ngroups; i++)
		append(results, result(res, i, level, fp[i]));
	check_results(results, res);
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
	rc = json_dumpf(doc, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
			JSON_REAL_PRECISION(15));
	json_decref(doc);
	lwr_fingerprints_free(fp, an->ngroups);
	if (rc || fputc('\n', f) == EOF)
		return -1;
	(void)o;
	return lwr_finish(f);
}
