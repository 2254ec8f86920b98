/* The checks runner: reads the shared state once (image config,
 * Dockerfile, /etc/passwd, the run-time user), then walks the profile's
 * table of checks. Result building is in context.c; the checks of each
 * profile live in their own files (spaces*.c). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "checks_priv.h"
#include "layerwaste/read.h"
#include "layerwaste/util.h"

#define MAX_STAGES 64
#define CONFIG_LIST_MAX 4096 /* Env and ExposedPorts entries read */

/* Every profile's checks, by enum lw_profile. */
static const struct lw_chk_profile *const profiles[LW_PROFILE_COUNT] = {
	[LW_PROFILE_SPACES] = &lw_spaces_profile,
};

const char *lw_check_severity_name(int severity)
{
	switch (severity) {
	case LW_SEV_ERROR: return "error";
	case LW_SEV_WARNING: return "warning";
	default: return "note";
	}
}

const char *lw_check_status_name(int status)
{
	switch (status) {
	case LW_CHECK_PASS: return "pass";
	case LW_CHECK_FAIL: return "fail";
	default: return "skip";
	}
}

static char *json_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? lw_xstrdup(json_string_value(v)) : NULL;
}

static void read_config(struct lw_chk_ctx *x)
{
	json_t *root, *cfg, *env, *ports, *v;
	const char *key;
	size_t i;

	if (!x->img->config_json)
		return;
	root = json_loads(x->img->config_json, 0, NULL);
	cfg = root ? json_object_get(root, "config") : NULL;
	if (!json_is_object(cfg))
		goto out;
	x->user = json_str(cfg, "User");
	x->workdir = json_str(cfg, "WorkingDir");
	env = json_object_get(cfg, "Env");
	for (i = 0; json_is_array(env) && i < json_array_size(env) &&
		    i < CONFIG_LIST_MAX; i++) {
		v = json_array_get(env, i);
		if (!json_is_string(v))
			continue;
		x->env = lw_xrealloc(x->env, (x->nenv + 1) * sizeof(char *));
		x->env[x->nenv++] = lw_xstrdup(json_string_value(v));
	}
	ports = json_object_get(cfg, "ExposedPorts");
	json_object_foreach(json_is_object(ports) ? ports : NULL, key, v) {
		if (x->nports == CONFIG_LIST_MAX)
			break;
		x->ports = lw_xrealloc(x->ports,
				       (x->nports + 1) * sizeof(char *));
		x->ports[x->nports++] = lw_xstrdup(key);
	}
out:
	json_decref(root);
}

/* The aligned Dockerfile, parsed again for its metadata instructions
 * (USER, EXPOSE, ARG, ENV), which make no layer of their own. */
static int read_dockerfile(struct lw_chk_ctx *x, struct lw_error *err)
{
	int chain[MAX_STAGES], stage, rc;
	size_t n, s, i;
	const struct lw_df_stage *st;

	if (!x->at || !x->at->dockerfile || !x->at->aligned)
		return LW_OK;
	rc = lw_dockerfile_load(x->at->dockerfile, x->o->build_args, &x->df,
				err);
	if (rc)
		return rc;
	stage = lw_df_stage_index(x->df, x->o->target);
	if (stage < 0)
		return LW_OK;
	n = lw_df_stage_chain(x->df, stage, chain, MAX_STAGES);
	x->instrs = lw_xcalloc(x->df->ninstrs + 1, sizeof(*x->instrs));
	for (s = 0; s < n; s++) {
		st = &x->df->stages[chain[s]];
		for (i = st->first; i < st->first + st->count; i++) {
			if (strcmp(x->df->instrs[i].keyword, "FROM"))
				x->instrs[x->ninstrs++] = &x->df->instrs[i];
			else if (chain[s] == stage)
				x->from = &x->df->instrs[i];
		}
	}
	return LW_OK;
}

/* USER "name[:group]" or "uid[:gid]", through /etc/passwd. */
static void resolve_user(struct lw_chk_ctx *x, struct lw_error *err)
{
	struct lw_chk_user *u = &x->run;
	const char *spec = x->user ? x->user : "";
	const char *colon = strchr(spec, ':');
	char *end;
	long uid, gid;

	u->spec = lw_xstrdup(spec);
	u->name = colon ? strndup(spec, (size_t)(colon - spec)) :
		lw_xstrdup(spec);
	if (!u->name)
		abort();
	u->gid = -1;
	u->passwd_layer = -1;
	if (lw_image_read_file(x->img, "etc/passwd", LW_CHK_FILE_MAX,
			       &x->passwd, err)) {
		/* A layer that cannot be read again is as good as gone. */
		lw_file_bytes_release(&x->passwd);
		x->passwd.state = LW_FILE_STREAMED;
	}
	u->passwd_layer = x->passwd.layer;
	if (!*u->name) {
		free(u->name);
		u->name = lw_xstrdup("root");
	}
	if (strspn(u->name, "0123456789") == strlen(u->name)) {
		u->known = 1;
		u->uid = strtol(u->name, &end, 10);
	}
	if (x->passwd.state == LW_FILE_READ &&
	    lw_chk_passwd_find(x->passwd.data, u->name, &uid, &gid,
			       &u->home)) {
		u->known = 1;
		u->uid = uid;
		u->gid = gid;
	} else if (!strcmp(u->name, "root")) {
		/* Every runtime maps root to 0, /etc/passwd or not. */
		u->known = 1;
		u->uid = 0;
	}
	if (colon && strspn(colon + 1, "0123456789") == strlen(colon + 1) &&
	    colon[1])
		u->gid = strtol(colon + 1, &end, 10);
}

static void ctx_release(struct lw_chk_ctx *x)
{
	size_t i;

	for (i = 0; i < x->nenv; i++)
		free(x->env[i]);
	free(x->env);
	for (i = 0; i < x->nports; i++)
		free(x->ports[i]);
	free(x->ports);
	free(x->user);
	free(x->workdir);
	free(x->instrs);
	if (x->df)
		lw_dockerfile_free(x->df);
	lw_file_bytes_release(&x->passwd);
	free(x->run.spec);
	free(x->run.name);
	free(x->run.home);
}

int lw_checks_run(const struct lw_analysis *an, const struct lw_checks_opts *o,
		  struct lw_checks **out, struct lw_error *err)
{
	struct lw_checks *c = lw_xcalloc(1, sizeof(*c));
	struct lw_chk_ctx x;
	const struct lw_chk_profile *prof;
	size_t i;
	int rc;

	*out = NULL;
	memset(&x, 0, sizeof(x));
	x.an = an;
	x.img = an->image;
	x.at = o->attribution;
	x.o = o;
	x.out = c;
	x.passwd.layer = -1;
	c->profile = o->profile;
	read_config(&x);
	rc = read_dockerfile(&x, err);
	if (rc)
		goto out;
	resolve_user(&x, err);
	prof = o->profile > 0 && o->profile < LW_PROFILE_COUNT ?
		profiles[o->profile] : NULL;
	for (i = 0; prof && i < prof->n; i++) {
		rc = prof->checks[i](&x, err);
		if (rc)
			goto out;
	}
	for (i = 0; i < c->n; i++) {
		switch (c->checks[i].status) {
		case LW_CHECK_PASS: c->npassed++; break;
		case LW_CHECK_SKIP: c->nskipped++; break;
		default:
			c->nfailed++;
			if (c->checks[i].severity == LW_SEV_ERROR)
				c->nerrors++;
		}
	}
out:
	ctx_release(&x);
	if (rc) {
		lw_checks_free(c);
		return rc;
	}
	*out = c;
	return LW_OK;
}

void lw_checks_free(struct lw_checks *c)
{
	size_t i, k;

	if (!c)
		return;
	for (i = 0; i < c->n; i++) {
		for (k = 0; k < c->checks[i].nitems; k++) {
			struct lw_check_item *it = &c->checks[i].items[k];

			free(it->subject);
			free(it->detail);
			free(it->file);
			free(it->fix);
		}
		free(c->checks[i].items);
		free(c->checks[i].message);
	}
	free(c->checks);
	free(c);
}

int lw_checks_failed(const struct lw_checks *c)
{
	return c && c->nerrors > 0;
}
