/* The spaces profile: the Space's README.md and the port. A Space is
 * configured by the YAML block at the top of its README.md; a Docker
 * Space has `sdk: docker`, and its app listens on `app_port` (7860 when
 * the block does not say), which the image should EXPOSE. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "checks_priv.h"
#include "layerwaste/util.h"

#define DOCS_URL "https://huggingface.co/docs/hub/spaces-sdks-docker"
#define DEFAULT_PORT 7860
#define BLOCK_MAX (64u * 1024)

static const struct lw_chk_def def_port = {
	"spaces/app-port",
	"The image EXPOSEs the README's app_port (7860 by default)",
	"\"set sdk: docker inside the YAML block at the top of your Spaces "
	"README.md file. You can also change the default exposed port 7860 "
	"by setting app_port: 7860.\" (" DOCS_URL "#setting-up-docker-spaces)",
	"configuration", LW_SEV_WARNING,
};

void lw_space_readme_free(struct lw_space_readme *r)
{
	if (!r)
		return;
	free(r->path);
	free(r->problem);
	free(r->sdk);
	free(r);
}

/* The line at p is "---" (or "..." to close), blanks and CR allowed. */
static int fence(const char *p, const char *end, int close)
{
	if (end - p < 3 || (strncmp(p, "---", 3) &&
			    !(close && !strncmp(p, "...", 3))))
		return 0;
	for (p += 3; p < end && *p != '\n'; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r')
			return 0;
	return 1;
}

static void read_block(struct lw_space_readme *r, const char *text,
		       size_t len)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root, *k, *v;
	yaml_node_pair_t *p;
	const char *key, *val;
	char *end;

	if (!yaml_parser_initialize(&parser))
		abort();
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		lw_chk_setf(&r->problem, "invalid YAML in the block at line "
			    "%zu: %s", parser.problem_mark.line + 2,
			    parser.problem ? parser.problem : "parse error");
		yaml_parser_delete(&parser);
		return;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root || root->type != YAML_MAPPING_NODE) {
		lw_chk_setf(&r->problem, "the YAML block is not a mapping of "
			    "settings");
		goto out;
	}
	for (p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		k = yaml_document_get_node(&doc, p->key);
		v = yaml_document_get_node(&doc, p->value);
		if (!k || !v || k->type != YAML_SCALAR_NODE ||
		    v->type != YAML_SCALAR_NODE)
			continue;
		key = (const char *)k->data.scalar.value;
		val = (const char *)v->data.scalar.value;
		if (!strcmp(key, "sdk")) {
			lw_chk_setf(&r->sdk, "%s", val);
			r->sdk_line = (int)k->start_mark.line + 2;
		} else if (!strcmp(key, "app_port")) {
			r->app_port_set = 1;
			r->app_port_line = (int)k->start_mark.line + 2;
			errno = 0;
			r->app_port = strtol(val, &end, 10);
			if (errno || end == val || *end || r->app_port < 1 ||
			    r->app_port > 65535)
				r->app_port = -1;
		}
	}
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
}

int lw_space_readme_parse(const char *text, size_t len, const char *name,
			  struct lw_space_readme **out, struct lw_error *err)
{
	struct lw_space_readme *r = lw_xcalloc(1, sizeof(*r));
	const char *end = text + len, *p = text, *body, *nl;

	(void)err;
	r->path = lw_xstrdup(name);
	r->app_port = DEFAULT_PORT;
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	if (!fence(p, end, 0)) {
		lw_chk_setf(&r->problem, "%s does not start with a YAML block "
			    "(a line ---, the settings, a line ---)", name);
		goto done;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	body = nl ? nl + 1 : end;
	for (p = body; p < end; p = nl + 1) {
		if (fence(p, end, 1))
			break;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			p = end;
			break;
		}
	}
	if (p >= end) {
		lw_chk_setf(&r->problem, "the YAML block at the top of %s has "
			    "no closing line ---", name);
		goto done;
	}
	if ((size_t)(p - body) > BLOCK_MAX) {
		lw_chk_setf(&r->problem, "the YAML block at the top of %s is "
			    "larger than %u bytes", name, BLOCK_MAX);
		goto done;
	}
	r->has_block = 1;
	read_block(r, body, (size_t)(p - body));
done:
	*out = r;
	return LW_OK;
}

int lw_space_readme_load(const char *path, struct lw_space_readme **out,
			 struct lw_error *err)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	int rc;

	*out = NULL;
	if (lw_read_capped(path, LW_README_MAX_BYTES, &sb) < 0)
		rc = lw_error_set(err, LW_ERR_USAGE, "cannot read '%s': %s",
				  path, strerror(errno));
	else if (sb.len > LW_README_MAX_BYTES)
		rc = lw_error_set(err, LW_ERR_USAGE, "'%s' is larger than %u "
				  "bytes", path, LW_README_MAX_BYTES);
	else
		rc = lw_space_readme_parse(sb.buf, sb.len, path,
					   out, err);
	lw_strbuf_release(&sb);
	return rc;
}

/* "8080", "8080/tcp" or "8000-8100/tcp" covers port (TCP only). */
static int covers(const char *spec, long port)
{
	char *end;
	long lo, hi;

	lo = strtol(spec, &end, 10);
	hi = lo;
	if (end == spec)
		return 0;
	if (*end == '-') {
		spec = end + 1;
		hi = strtol(spec, &end, 10);
		if (end == spec)
			return 0;
	}
	if (*end && strncmp(end, "/tcp", 4))
		return 0;
	return port >= lo && port <= hi;
}

/* The ports the Dockerfile's EXPOSE lines name, and the config's. */
static int exposed(const struct lw_chk_ctx *x, long port, int *any)
{
	char word[64];
	const char *p, *e;
	size_t i;

	*any = x->nports > 0;
	for (i = 0; i < x->nports; i++)
		if (covers(x->ports[i], port))
			return 1;
	for (i = 0; i < x->ninstrs; i++) {
		if (strcmp(x->instrs[i]->keyword, "EXPOSE") ||
		    !x->instrs[i]->args)
			continue;
		*any = 1;
		for (p = x->instrs[i]->args; *p; p = e) {
			while (*p == ' ' || *p == '\t')
				p++;
			for (e = p; *e && *e != ' ' && *e != '\t'; e++)
				;
			if (e > p && (size_t)(e - p) < sizeof(word)) {
				memcpy(word, p, (size_t)(e - p));
				word[e - p] = '\0';
				if (covers(word, port))
					return 1;
			}
		}
	}
	return 0;
}

static struct lw_check_item *readme_item(struct lw_check *k,
					 const struct lw_space_readme *r,
					 int line)
{
	struct lw_check_item *it = lw_chk_item(k);

	if (it) {
		it->file = lw_xstrdup(r->path);
		it->line = it->end_line = line > 0 ? line : 1;
	}
	return it;
}

int lw_spaces_port(struct lw_chk_ctx *x, struct lw_error *err)
{
	struct lw_check *k = lw_chk_begin(x, &def_port);
	const struct lw_space_readme *r = x->o->readme;
	const struct lw_df_instr *in = lw_chk_last(x, "EXPOSE");
	struct lw_check_item *it;
	int any;

	if (!r) {
		k->status = LW_CHECK_SKIP;
		lw_chk_setf(&k->message, "No README given (--space-readme "
			    "README.md): sdk and app_port are not checked.");
		return LW_OK;
	}
	if (r->problem) {
		if ((it = readme_item(k, r, 1))) {
			lw_chk_setf(&it->subject, "%s", r->path);
			lw_chk_setf(&it->detail, "%s.", r->problem);
			if (!r->has_block)
				lw_chk_setf(&it->fix, "---\nsdk: docker\n"
					    "app_port: 7860\n---");
		}
		lw_chk_setf(&k->message, "The Space's README.md has no usable "
			    "YAML block: %s.", r->problem);
		return LW_OK;
	}
	if (!r->sdk || strcmp(r->sdk, "docker")) {
		if ((it = readme_item(k, r, r->sdk_line))) {
			lw_chk_setf(&it->subject, "sdk: %s", r->sdk ? r->sdk :
				    "(none)");
			lw_chk_setf(&it->fix, "sdk: docker");
		}
	}
	if (r->app_port < 0) {
		if ((it = readme_item(k, r, r->app_port_line))) {
			lw_chk_setf(&it->subject, "app_port");
			lw_chk_setf(&it->detail, "app_port is not a port "
				    "number (1 to 65535).");
			lw_chk_setf(&it->fix, "app_port: 7860");
		}
	} else if (!exposed(x, r->app_port, &any)) {
		it = lw_chk_item(k);
		if (it && in) {
			lw_chk_at_instr(x, it, in);
			lw_chk_setf(&it->subject, "%s", in->source);
			lw_chk_setf(&it->fix, "EXPOSE %ld", r->app_port);
		} else if (it) {
			lw_chk_at_instr(x, it, x->from);
			lw_chk_setf(&it->subject, "no EXPOSE %ld",
				    r->app_port);
			if (x->from)
				lw_chk_setf(&it->fix, "%s\nEXPOSE %ld",
					    x->from->source, r->app_port);
		}
		if (it)
			lw_chk_setf(&it->detail, "The Space sends its traffic "
				    "to port %ld (app_port%s in %s), which the "
				    "image does not EXPOSE%s. Expose it and "
				    "listen on it, or set app_port to the "
				    "port the app uses.", r->app_port,
				    r->app_port_set ? "" : ", by default",
				    r->path, any ? " (it exposes others)" : "");
	}
	if (k->status == LW_CHECK_FAIL)
		lw_chk_setf(&k->message, "%s: sdk %s, app_port %ld%s; the "
			    "image %s it.", r->path, r->sdk ? r->sdk : "unset",
			    r->app_port, r->app_port_set ? "" : " (default)",
			    r->app_port > 0 && exposed(x, r->app_port, &any) ?
			    "exposes" : "does not expose");
	else
		lw_chk_setf(&k->message, "%s: sdk docker, app_port %ld%s, "
			    "which the image exposes.", r->path, r->app_port,
			    r->app_port_set ? "" : " (default)");
	return LW_OK;
}
