/* The spaces profile, part two: secrets. Build args and ENV values whose
 * names look like secrets (secret files: spaces_files.c). Only names and
 * layers are ever reported; values are never copied into a result, and
 * lw_redact_history() hides them in history text. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks_priv.h"
#include "layerwaste/dockerfile.h"
#include "layerwaste/read.h"
#include "layerwaste/util.h"

#define DOCS_URL "https://huggingface.co/docs/hub/spaces-sdks-docker"
#define NAME_MAX_LEN 256

static const struct lw_chk_def def_args = {
	"spaces/secret-build-arg",
	"Secrets reach the build as RUN --mount=type=secret, not as build args",
	"\"In Docker Spaces, the secrets management is different for security "
	"reasons.\" Read a secret at build time with RUN "
	"--mount=type=secret,id=NAME,mode=0444,required=true and "
	"$(cat /run/secrets/NAME). \"Variables are passed as build-args\": "
	"the image's history records each build arg, value and all. ("
	DOCS_URL "#secret-management)",
	"security", LW_SEV_ERROR,
};

static const struct lw_chk_def def_env = {
	"spaces/secret-env",
	"No secret values in the image's environment",
	"Secrets set in the Space's settings reach the running container as "
	"environment variables (\"at runtime, you can access the secrets as "
	"environment variables\"); an ENV in the Dockerfile stores the value "
	"in the image config, for anyone who pulls it. (" DOCS_URL
	"#secret-management)",
	"security", LW_SEV_ERROR,
};

/* The layer each history entry made, or -1 for an empty one. */
static int *history_layers(const struct lw_image *img)
{
	int *map = lw_xcalloc(img->nhistory + 1, sizeof(int));
	size_t h, l;

	for (h = 0; h < img->nhistory; h++) {
		map[h] = -1;
		for (l = 0; l < img->nlayers; l++)
			if (img->layers[l].history == &img->history[h])
				map[h] = (int)l;
	}
	return map;
}

/* The Dockerfile instruction (of the built stages) that declares name
 * with keyword (ARG, ENV), or NULL. */
static const struct lw_df_instr *declared(const struct lw_chk_ctx *x,
					  const char *keyword,
					  const char *name)
{
	size_t i, k, n = strlen(name);

	for (i = x->ninstrs; i-- > 0;) {
		const struct lw_df_instr *in = x->instrs[i];

		if (strcmp(in->keyword, keyword))
			continue;
		for (k = 0; k < in->argc; k++)
			if (!strncmp(in->argv[k], name, n) &&
			    (in->argv[k][n] == '=' || !in->argv[k][n]))
				return in;
	}
	return NULL;
}

/* The Dockerfile instruction of layer li, or NULL. */
static const struct lw_df_instr *layer_instr(const struct lw_chk_ctx *x,
					     int li)
{
	const struct lw_layer_attr *la;
	size_t i;

	if (!x->at || li < 0 || (size_t)li >= x->at->nlayers)
		return NULL;
	la = &x->at->layers[li];
	for (i = 0; la->file && i < x->ninstrs; i++)
		if (x->instrs[i]->line == la->line)
			return x->instrs[i];
	return NULL;
}

/* The RUN of layer li, reading the secret from its mount. */
static char *mount_fix(const struct lw_chk_ctx *x, int li, const char *name)
{
	const struct lw_df_instr *in = layer_instr(x, li);
	struct lw_strbuf sb = LW_STRBUF_INIT;

	if (!in || strcmp(in->keyword, "RUN") || in->exec_form ||
	    in->nheredocs || in->args_offset < 3 ||
	    in->args_offset > strlen(in->source))
		return NULL;
	lw_strbuf_add(&sb, in->source, 3);
	lw_strbuf_addf(&sb, " --mount=type=secret,id=%s,mode=0444,"
		       "required=true", name);
	lw_strbuf_add(&sb, in->source + 3, in->args_offset - 3);
	lw_strbuf_addf(&sb, "export %s=\"$(cat /run/secrets/%s)\" && ", name,
		       name);
	lw_strbuf_adds(&sb, in->source + in->args_offset);
	return lw_strbuf_detach(&sb);
}

struct seen_arg {
	const char *name; /* borrowed from the parsed history */
	int first_layer;
	size_t layers;
};

int lw_spaces_secret_args(struct lw_chk_ctx *x, struct lw_error *err)
{
	struct lw_check *k = lw_chk_begin(x, &def_args);
	const struct lw_image *img = x->img;
	struct lw_hist_instr *h = lw_xcalloc(img->nhistory + 1, sizeof(*h));
	struct seen_arg *seen = NULL;
	const struct lw_df_instr *decl;
	struct lw_check_item *it;
	int *map = history_layers(img);
	size_t nseen = 0, i, j, a;
	const char *more;
	char *ref;

	for (i = 0; i < img->nhistory; i++) {
		lw_history_parse(img->history[i].created_by,
				 img->history[i].comment, &h[i]);
		for (a = 0; a < h[i].nbuild_args; a++) {
			const char *name = h[i].build_args[a].name;

			if (!lw_secret_name(name))
				continue;
			for (j = 0; j < nseen; j++)
				if (!strcmp(seen[j].name, name))
					break;
			if (j == nseen) {
				seen = lw_xrealloc(seen, (nseen + 1) *
						   sizeof(*seen));
				seen[nseen].name = name;
				seen[nseen].first_layer = map[i];
				seen[nseen].layers = 0;
				nseen++;
			}
			if (seen[j].first_layer < 0)
				seen[j].first_layer = map[i];
			seen[j].layers++;
		}
	}
	for (j = 0; j < nseen; j++) {
		it = lw_chk_item(k);
		if (!it)
			continue;
		lw_chk_setf(&it->subject, "build arg %s", seen[j].name);
		lw_chk_at_layer(x, it, seen[j].first_layer);
		ref = lw_chk_layer_this(x, seen[j].first_layer);
		ref[0] = (char)tolower((unsigned char)ref[0]);
		decl = declared(x, "ARG", seen[j].name);
		more = seen[j].layers > 1 ? " and of later steps" : "";
		if (decl && x->at)
			lw_chk_setf(&it->detail, "The history of %s%s records "
				    "its value (not shown here). Delete ARG %s "
				    "(%s:%d), read the secret from its mount, "
				    "and build with --secret id=%s.", ref, more,
				    seen[j].name, x->at->dockerfile, decl->line,
				    seen[j].name);
		else
			lw_chk_setf(&it->detail, "The history of %s%s records "
				    "its value (not shown here). Read the "
				    "secret from its mount instead, and build "
				    "with --secret id=%s.", ref, more,
				    seen[j].name);
		it->fix = mount_fix(x, seen[j].first_layer, seen[j].name);
		free(ref);
	}
	if (nseen)
		lw_chk_setf(&k->message, "%zu build arg%s whose name%s look%s "
			    "like a secret %s recorded in the image's history, "
			    "value and all.", nseen, nseen == 1 ? "" : "s",
			    nseen == 1 ? "" : "s", nseen == 1 ? "s" : "",
			    nseen == 1 ? "is" : "are");
	else
		lw_chk_setf(&k->message, "No build arg whose name looks like a "
			    "secret is recorded in the image's history.");
	for (i = 0; i < img->nhistory; i++)
		lw_hist_instr_release(&h[i]);
	free(h);
	free(seen);
	free(map);
	return LW_OK;
}

int lw_spaces_secret_env(struct lw_chk_ctx *x, struct lw_error *err)
{
	struct lw_check *k = lw_chk_begin(x, &def_env);
	struct lw_check_item *it;
	char name[NAME_MAX_LEN + 1];
	const char *eq, *v;
	size_t i, n = 0;

	for (i = 0; i < x->nenv; i++) {
		eq = strchr(x->env[i], '=');
		if (!eq || (size_t)(eq - x->env[i]) > NAME_MAX_LEN)
			continue;
		memcpy(name, x->env[i], (size_t)(eq - x->env[i]));
		name[eq - x->env[i]] = '\0';
		v = eq + 1;
		/* An empty value or a path (a key file's place) holds no
		 * secret itself. */
		if (!lw_secret_name(name) || !*v || *v == '/')
			continue;
		n++;
		it = lw_chk_item(k);
		if (!it)
			continue;
		lw_chk_setf(&it->subject, "ENV %s", name);
		lw_chk_at_instr(x, it, declared(x, "ENV", name));
		lw_chk_setf(&it->detail, "The image config stores its value "
			    "(not shown here). Delete the ENV and set %s as "
			    "a secret in the Space's settings.", name);
	}
	if (n)
		lw_chk_setf(&k->message, "%zu environment variable%s whose "
			    "name%s look%s like a secret %s a value in the "
			    "image config.", n, n == 1 ? "" : "s",
			    n == 1 ? "" : "s", n == 1 ? "s" : "",
			    n == 1 ? "has" : "have");
	else
		lw_chk_setf(&k->message, "No environment variable whose name "
			    "looks like a secret has a value in the image.");
	return LW_OK;
}
