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
#include "layerwaste/history.h"
#include "layerwaste/image.h"
#include "layerwaste/strbuf.h"

#define DOCS_URL "https://huggingface.co/docs/hub/spaces-sdks-docker"
#define NAME_MAX_LEN 256
#define REDACTED "***"

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

static int secret_part(const char *p, size_t n)
{
	static const char *const words[] = {
		"TOKEN", "TOKENS", "SECRET", "SECRETS", "KEY", "KEYS",
		"PASSWORD", "PASSWORDS", "PASSWD", "CREDENTIAL", "CREDENTIALS",
		"PRIVATE", "APIKEY", "ACCESSKEY",
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && !strncasecmp(p, words[i], n))
			return 1;
	return 0;
}

int lw_secret_name(const char *name)
{
	const char *p = name, *e;
	int hit = 0;

	if (!name || strlen(name) > NAME_MAX_LEN)
		return 0;
	while (*p) {
		for (e = p; *e && !strchr("_-.", *e); e++)
			;
		if ((size_t)(e - p) == 3 && !strncasecmp(p, "GPG", 3))
			return 0;
		if ((size_t)(e - p) == 6 && !strncasecmp(p, "PUBLIC", 6))
			return 0;
		hit |= secret_part(p, (size_t)(e - p));
		p = *e ? e + 1 : e;
	}
	return hit;
}

static int name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

/* Replaces "NAME=value" with "NAME=***" wherever NAME looks like a secret
 * and the value is no variable reference; a value ends at a blank outside
 * quotes. Runs after the build args, whose values may hold blanks. */
static void redact_assignments(struct lw_strbuf *out, const char *s)
{
	const char *p = s, *w, *v, *e;
	char name[NAME_MAX_LEN + 1], q;

	while (*p) {
		if (!name_char(*p) || (p > s && name_char(p[-1]))) {
			lw_strbuf_addc(out, *p++);
			continue;
		}
		for (w = p; name_char(*w); w++)
			;
		if (*w != '=' || (size_t)(w - p) > NAME_MAX_LEN) {
			lw_strbuf_add(out, p, (size_t)(w - p));
			p = w;
			continue;
		}
		memcpy(name, p, (size_t)(w - p));
		name[w - p] = '\0';
		v = w + 1;
		for (e = v, q = 0; *e && (q || (*e != ' ' && *e != '\t' &&
						  *e != '\n')); e++) {
			if (!q && (*e == '"' || *e == '\''))
				q = *e;
			else if (q && *e == q)
				q = 0;
		}
		lw_strbuf_add(out, p, (size_t)(v - p));
		if (lw_secret_name(name) && e > v && *v != '$' &&
		    strncmp(v, REDACTED, strlen(REDACTED)))
			lw_strbuf_adds(out, REDACTED);
		else
			lw_strbuf_add(out, v, (size_t)(e - v));
		p = e;
	}
}

char *lw_redact_history(const char *created_by)
{
	struct lw_hist_instr h;
	struct lw_strbuf a = LW_STRBUF_INIT, b = LW_STRBUF_INIT;
	const char *p, *q, *hit;
	size_t i, n;

	if (!created_by)
		return NULL;
	memset(&h, 0, sizeof(h));
	lw_history_parse(created_by, NULL, &h);
	lw_strbuf_adds(&a, created_by);
	/* Build-arg values first: they run to the next " NAME=", blanks
	 * and all, so cut each exactly as the parser read it. */
	for (i = 0; i < h.nbuild_args; i++) {
		const struct lw_hist_arg *ba = &h.build_args[i];

		if (!ba->value || !*ba->value || !lw_secret_name(ba->name))
			continue;
		lw_strbuf_reset(&b);
		n = strlen(ba->name);
		for (p = q = a.buf; (hit = strstr(q, ba->name)); ) {
			q = hit + n;
			if (*q != '=' ||
			    strncmp(q + 1, ba->value, strlen(ba->value)))
				continue;
			lw_strbuf_add(&b, p, (size_t)(q + 1 - p));
			lw_strbuf_adds(&b, REDACTED);
			p = q = q + 1 + strlen(ba->value);
		}
		lw_strbuf_adds(&b, p);
		lw_strbuf_reset(&a);
		lw_strbuf_adds(&a, b.buf);
	}
	lw_strbuf_reset(&b);
	redact_assignments(&b, a.buf);
	/* ENV in the legacy "ENV NAME value" form. */
	if (h.keyword && (!strcmp(h.keyword, "ENV") ||
			  !strcmp(h.keyword, "ARG")) && h.args) {
		const char *sp = strpbrk(h.args, " \t");
		const char *eq = strchr(h.args, '=');
		char name[NAME_MAX_LEN + 1];

		if (sp && (!eq || eq > sp) &&
		    (size_t)(sp - h.args) <= NAME_MAX_LEN) {
			memcpy(name, h.args, (size_t)(sp - h.args));
			name[sp - h.args] = '\0';
			hit = lw_secret_name(name) ? strstr(b.buf, h.args) :
				NULL;
			if (hit) {
				b.len = (size_t)(hit - b.buf) +
					(size_t)(sp - h.args) + 1;
				b.buf[b.len] = '\0';
				lw_strbuf_adds(&b, REDACTED);
			}
		}
	}
	lw_hist_instr_release(&h);
	lw_strbuf_release(&a);
	return lw_strbuf_detach(&b);
}

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

void lw_spaces_secret_args(struct lw_chk_ctx *x)
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
}

void lw_spaces_secret_env(struct lw_chk_ctx *x)
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
}
