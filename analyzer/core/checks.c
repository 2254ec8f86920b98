/* Profiles and their checks: the shared state (image config, Dockerfile,
 * /etc/passwd, the run-time user), result building, and the run. The
 * checks of each profile live in their own files (spaces*.c). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "checks_priv.h"
#include "layerwaste/image.h"
#include "layerwaste/strbuf.h"

#define MAX_STAGES 64
#define CONFIG_LIST_MAX 4096 /* Env and ExposedPorts entries read */

static const char *const profile_names[LW_PROFILE_COUNT] = {
	[LW_PROFILE_SPACES] = "spaces",
};

const char *lw_profile_name(int profile)
{
	return profile > 0 && profile < LW_PROFILE_COUNT ?
		profile_names[profile] : NULL;
}

int lw_profile_from_name(const char *name)
{
	int p;

	for (p = 1; p < LW_PROFILE_COUNT; p++)
		if (!strcmp(name, profile_names[p]))
			return p;
	return -1;
}

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

void lw_chk_setf(char **dst, const char *fmt, ...)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	lw_strbuf_adds(&sb, buf);
	free(*dst);
	*dst = lw_strbuf_detach(&sb);
}

struct lw_check *lw_chk_begin(struct lw_chk_ctx *x,
			      const struct lw_chk_def *def)
{
	struct lw_checks *c = x->out;
	struct lw_check *k;

	c->checks = lw_xrealloc(c->checks, (c->n + 1) * sizeof(*c->checks));
	k = &c->checks[c->n++];
	memset(k, 0, sizeof(*k));
	k->id = def->id;
	k->title = def->title;
	k->docs = def->docs;
	k->category = def->category;
	k->severity = def->severity;
	k->status = LW_CHECK_PASS;
	return k;
}

struct lw_check_item *lw_chk_item(struct lw_check *k)
{
	struct lw_check_item *it;

	k->status = LW_CHECK_FAIL;
	if (k->nitems == LW_CHK_ITEMS_MAX) {
		k->nmore++;
		return NULL;
	}
	k->items = lw_xrealloc(k->items, (k->nitems + 1) * sizeof(*k->items));
	it = &k->items[k->nitems++];
	memset(it, 0, sizeof(*it));
	it->layer = -1;
	return it;
}

static const struct lw_layer_attr *layer_attr(const struct lw_chk_ctx *x,
					      int li)
{
	if (!x->at || li < 0 || (size_t)li >= x->at->nlayers)
		return NULL;
	return &x->at->layers[li];
}

void lw_chk_at_layer(struct lw_chk_ctx *x, struct lw_check_item *it, int li)
{
	const struct lw_layer_attr *la = layer_attr(x, li);

	it->layer = li;
	if (!la || !la->file || la->line <= 0)
		return;
	free(it->file);
	it->file = lw_xstrdup(la->file);
	it->line = la->line;
	it->end_line = la->end_line > la->line ? la->end_line : la->line;
}

void lw_chk_at_instr(struct lw_chk_ctx *x, struct lw_check_item *it,
		     const struct lw_df_instr *in)
{
	if (!in || !x->at || !x->at->dockerfile)
		return;
	free(it->file);
	it->file = lw_xstrdup(x->at->dockerfile);
	it->line = in->line;
	it->end_line = in->end_line > in->line ? in->end_line : in->line;
}

const char *lw_chk_layer_text(const struct lw_chk_ctx *x, int li)
{
	const struct lw_layer_attr *la = layer_attr(x, li);

	return la && la->file ? la->text : NULL;
}

const char *lw_chk_layer_keyword(const struct lw_chk_ctx *x, int li)
{
	const struct lw_layer_attr *la = layer_attr(x, li);

	return la && la->keyword ? la->keyword : "";
}

int lw_chk_layer_is_base(const struct lw_chk_ctx *x, int li)
{
	const struct lw_layer_attr *la = layer_attr(x, li);

	return la && la->base;
}

char *lw_chk_layer_ref(const struct lw_chk_ctx *x, int li)
{
	const struct lw_layer_attr *la = layer_attr(x, li);
	struct lw_strbuf sb = LW_STRBUF_INIT;

	if (la && la->file && la->line > 0)
		lw_strbuf_addf(&sb, "%s:%d", la->file, la->line);
	else
		lw_strbuf_addf(&sb, "layer %d", li);
	if (la && la->base)
		lw_strbuf_adds(&sb, " (base image)");
	else if (la && la->keyword)
		lw_strbuf_addf(&sb, " (%s)", la->keyword);
	return lw_strbuf_detach(&sb);
}

char *lw_chk_layer_this(const struct lw_chk_ctx *x, int li)
{
	const struct lw_layer_attr *la = layer_attr(x, li);
	struct lw_strbuf sb = LW_STRBUF_INIT;

	if (la && la->file && la->line > 0 && la->keyword)
		lw_strbuf_addf(&sb, "This %s", la->keyword);
	else if (la && la->base)
		lw_strbuf_addf(&sb, "Layer %d (base image)", li);
	else if (la && la->keyword)
		lw_strbuf_addf(&sb, "Layer %d (%s)", li, la->keyword);
	else
		lw_strbuf_addf(&sb, "Layer %d", li);
	return lw_strbuf_detach(&sb);
}

const char *lw_chk_env(const struct lw_chk_ctx *x, const char *name)
{
	size_t i, n = strlen(name);

	for (i = x->nenv; i-- > 0;)
		if (!strncmp(x->env[i], name, n) && x->env[i][n] == '=')
			return x->env[i] + n + 1;
	return NULL;
}

const struct lw_df_instr *lw_chk_last(const struct lw_chk_ctx *x,
				      const char *keyword)
{
	size_t i;

	for (i = x->ninstrs; i-- > 0;)
		if (!strcmp(x->instrs[i]->keyword, keyword))
			return x->instrs[i];
	return NULL;
}

static int is_flag_word(const char *p, const char *flag)
{
	size_t n = strlen(flag);

	return !strncmp(p, flag, n) && (p[n] == '=' || p[n] == ' ');
}

char *lw_chk_with_chown(const char *text, const char *user)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	const char *p = text, *kw_end;

	while (*p == ' ' || *p == '\t')
		p++;
	if (strncasecmp(p, "COPY", 4) && strncasecmp(p, "ADD", 3))
		return NULL;
	kw_end = p + (toupper((unsigned char)*p) == 'C' ? 4 : 3);
	if (*kw_end != ' ' && *kw_end != '\t')
		return NULL;
	lw_strbuf_add(&sb, text, (size_t)(kw_end - text));
	lw_strbuf_addf(&sb, " --chown=%s", user);
	/* Keep the other flags and the arguments as written; drop an
	 * earlier --chown. */
	for (p = kw_end; *p;) {
		const char *w = p, *e;

		while (*w == ' ' || *w == '\t')
			w++;
		e = w;
		while (*e && *e != ' ' && *e != '\t')
			e++;
		if (is_flag_word(w, "--chown") || !strncmp(w, "--chown=", 8)) {
			p = e;
			continue;
		}
		lw_strbuf_add(&sb, p, strlen(p));
		break;
	}
	return lw_strbuf_detach(&sb);
}

int lw_chk_passwd_find(const char *passwd, const char *who, long *uid,
		       long *gid, char **home)
{
	const char *line, *nl;
	char buf[1024], *f[7], *p, *end;
	long want = -1, u;
	size_t n, k;

	if (*who && strspn(who, "0123456789") == strlen(who))
		want = strtol(who, &end, 10);
	for (line = passwd; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		n = nl ? (size_t)(nl - line) : strlen(line);
		if (n >= sizeof(buf))
			continue;
		memcpy(buf, line, n);
		buf[n] = '\0';
		/* name:password:uid:gid:gecos:home:shell */
		for (k = 0, p = buf; k < 7 && p; k++) {
			f[k] = p;
			p = strchr(p, ':');
			if (p)
				*p++ = '\0';
		}
		if (k < 7)
			continue;
		u = strtol(f[2], &end, 10);
		if (!*f[2] || *end)
			continue;
		if (want < 0 ? strcmp(f[0], who) != 0 : u != want)
			continue;
		*uid = u;
		*gid = strtol(f[3], &end, 10);
		if (!*f[3] || *end)
			*gid = -1;
		if (home)
			*home = lw_xstrdup(f[5]);
		return 1;
	}
	return 0;
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
	size_t i;
	int rc;

	*out = NULL;
	memset(&x, 0, sizeof(x));
	x.an = an;
	x.img = an->image;
	x.at = an->attr;
	x.o = o;
	x.out = c;
	x.passwd.layer = -1;
	c->profile = o->profile;
	read_config(&x);
	rc = read_dockerfile(&x, err);
	if (rc)
		goto out;
	resolve_user(&x, err);
	if (o->profile == LW_PROFILE_SPACES) {
		lw_spaces_user(&x);
		lw_spaces_writable(&x);
		lw_spaces_chown(&x);
		lw_spaces_data(&x);
		lw_spaces_secret_args(&x);
		lw_spaces_secret_env(&x);
		rc = lw_spaces_secret_files(&x, err);
		if (rc)
			goto out;
		lw_spaces_port(&x);
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
