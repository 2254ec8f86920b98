/* The spaces profile: secret files left in a layer. Every layer counts,
 * not only the final file system: a file deleted by a later layer is
 * still stored, pulled and readable in the lower one.
 *
 * Some names are secrets by themselves (anything under /run/secrets, SSH
 * private keys, .netrc, .git-credentials); others only with the right
 * content (a .env that sets a secret-looking name, a .pem or .key holding
 * a private key, an .npmrc or .pypirc holding a token or password), read
 * back from the layer (at most 64 KiB each). Only names are reported. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks_priv.h"
#include "layerwaste/read.h"
#include "layerwaste/util.h"

#define DOCS_URL "https://huggingface.co/docs/hub/spaces-sdks-docker"

static const struct lw_chk_def def_files = {
	"spaces/secret-file",
	"No secret files left in a layer",
	"Mount secrets where a RUN needs them (RUN "
	"--mount=type=secret,id=NAME puts one at /run/secrets/NAME for that "
	"step only) instead of copying them in: a file in any layer stays in "
	"the image even when a later layer deletes it. (" DOCS_URL
	"#secret-management)",
	"security", LW_SEV_ERROR,
};

enum skind {
	SK_NONE = 0,
	SK_RUN_SECRETS, /* by place */
	SK_SSH_KEY,     /* by name */
	SK_NETRC,
	SK_GIT_CRED,
	SK_DOTENV,      /* by content; by name when it cannot be read */
	SK_PEM,         /* by content only */
	SK_NPMRC,
	SK_PYPIRC,
};

struct sfile {
	uint32_t layer;
	const struct lw_entry *e;
	int kind;
	int found;       /* judged a secret */
	int unread;      /* its content could not be read back */
	char var[64];    /* .env: the first secret-looking name it sets */
};

static int kind_of(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (!strncmp(path, "run/secrets/", 12))
		return SK_RUN_SECRETS;
	if (!strcmp(base, "id_rsa") || !strcmp(base, "id_dsa") ||
	    !strcmp(base, "id_ecdsa") || !strcmp(base, "id_ed25519"))
		return SK_SSH_KEY;
	if (!strcmp(base, ".netrc"))
		return SK_NETRC;
	if (!strcmp(base, ".git-credentials"))
		return SK_GIT_CRED;
	if (!strcmp(base, ".env") || !strncmp(base, ".env.", 5))
		return SK_DOTENV;
	if ((n > 4 && !strcmp(base + n - 4, ".pem")) ||
	    (n > 4 && !strcmp(base + n - 4, ".key")))
		return SK_PEM;
	if (!strcmp(base, ".npmrc"))
		return SK_NPMRC;
	if (!strcmp(base, ".pypirc"))
		return SK_PYPIRC;
	return SK_NONE;
}

static int by_content(int kind)
{
	return kind >= SK_DOTENV;
}

/* A .env line "[export ]NAME=VALUE" whose name looks like a secret and
 * whose value is not empty: copies the name to var. */
static int dotenv_secret(const char *text, char *var, size_t size)
{
	const char *line, *nl, *p, *eq;
	char name[64];
	size_t n;

	for (line = text; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!strncmp(p, "export ", 7))
			p += 7;
		eq = strchr(p, '=');
		if (!eq || (nl && eq > nl))
			continue;
		n = (size_t)(eq - p);
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (!n || n >= sizeof(name))
			continue;
		memcpy(name, p, n);
		name[n] = '\0';
		p = eq + 1;
		while (*p == ' ' || *p == '\t' || *p == '"' || *p == '\'')
			p++;
		if (*p == '\n' || *p == '\r' || *p == '\0' || *p == '#' ||
		    !lw_secret_name(name))
			continue;
		snprintf(var, size, "%s", name);
		return 1;
	}
	return 0;
}

static void judge(struct sfile *f, const struct lw_file_bytes *fb)
{
	const char *t = fb->data;

	if (fb->state != LW_FILE_READ) {
		f->unread = fb->state == LW_FILE_STREAMED;
		/* A .env is a secret's usual home: without its content,
		 * its name is enough. */
		f->found = f->kind == SK_DOTENV && f->unread;
		return;
	}
	switch (f->kind) {
	case SK_DOTENV:
		f->found = dotenv_secret(t, f->var, sizeof(f->var));
		break;
	case SK_PEM:
		f->found = strstr(t, "PRIVATE KEY-----") != NULL;
		break;
	case SK_NPMRC:
		f->found = strstr(t, "_authToken") || strstr(t, "_auth=") ||
			strstr(t, "_password");
		break;
	default:
		f->found = strcasestr(t, "password") != NULL;
		break;
	}
}

static const char *what(const struct sfile *f, char *buf, size_t size)
{
	switch (f->kind) {
	case SK_RUN_SECRETS: return "a file under /run/secrets";
	case SK_SSH_KEY: return "an SSH private key";
	case SK_NETRC: return "a .netrc (machine logins and passwords)";
	case SK_GIT_CRED: return "a .git-credentials (git passwords)";
	case SK_DOTENV:
		if (!f->var[0])
			return "a .env file (it could not be read back, so "
			       "it is named for its name)";
		snprintf(buf, size, "a .env file that sets %s", f->var);
		return buf;
	case SK_PEM: return "a private key";
	case SK_NPMRC: return "an .npmrc holding a registry token";
	default: return "a .pypirc holding a password";
	}
}

/* Reads the candidates of one layer (files[lo..hi)) in one pass. */
static int read_layer(struct lw_chk_ctx *x, struct sfile *files, size_t lo,
		      size_t hi, struct lw_error *err)
{
	const struct lw_entry **es = lw_xcalloc(hi - lo + 1, sizeof(*es));
	struct lw_file_bytes *fb = lw_xcalloc(hi - lo + 1, sizeof(*fb));
	size_t i, n = 0;
	int rc;

	for (i = lo; i < hi; i++)
		if (by_content(files[i].kind))
			es[n++] = files[i].e;
	rc = n ? lw_image_read_entries(x->img, files[lo].layer, es, n,
				       LW_CHK_FILE_MAX, fb, err) : LW_OK;
	for (i = lo, n = 0; !rc && i < hi; i++) {
		if (!by_content(files[i].kind)) {
			files[i].found = 1;
			continue;
		}
		judge(&files[i], &fb[n]);
		lw_file_bytes_release(&fb[n]);
		n++;
	}
	free(es);
	free(fb);
	return rc;
}

int lw_spaces_secret_files(struct lw_chk_ctx *x, struct lw_error *err)
{
	struct lw_check *k = lw_chk_begin(x, &def_files);
	const struct lw_image *img = x->img;
	struct sfile *files = NULL;
	struct lw_check_item *it;
	size_t nf = 0, cap = 0, li, i, lo, found = 0, unread = 0;
	struct lw_pathbuf pb;
	char buf[128], *ref;
	int kind, rc = LW_OK;

	for (li = 0; li < img->nlayers; li++) {
		const struct lw_layer_index *ix = img->layers[li].index;

		lo = nf;
		for (i = 0; ix && i < ix->count; i++) {
			const struct lw_entry *e = &ix->entries[i];

			if (e->type != LW_ENTRY_FILE &&
			    e->type != LW_ENTRY_HARDLINK)
				continue;
			kind = kind_of(lw_entry_path(e, &pb));
			if (kind == SK_NONE)
				continue;
			lw_grow((void **)&files, &cap, nf + 1, sizeof(*files));
			memset(&files[nf], 0, sizeof(files[nf]));
			files[nf].layer = (uint32_t)li;
			files[nf].e = e;
			files[nf].kind = kind;
			nf++;
		}
		if (nf > lo && (rc = read_layer(x, files, lo, nf, err)))
			goto out;
	}
	for (i = 0; i < nf; i++) {
		unread += files[i].unread && !files[i].found;
		if (!files[i].found)
			continue;
		found++;
		it = lw_chk_item(k);
		if (!it)
			continue;
		lw_chk_setf(&it->subject, "/%s",
			    lw_entry_path(files[i].e, &pb));
		lw_chk_at_layer(x, it, (int)files[i].layer);
		ref = lw_chk_layer_this(x, (int)files[i].layer);
		lw_chk_setf(&it->detail, "%s stores %s. Keep it out of the "
			    "build context (.dockerignore) and mount it where "
			    "a RUN needs it: RUN --mount=type=secret,id=NAME,"
			    "target=/%s.", ref, what(&files[i], buf,
						     sizeof(buf)),
			    lw_entry_path(files[i].e, &pb));
		free(ref);
	}
	if (found)
		lw_chk_setf(&k->message, "%zu secret file%s left in the "
			    "image's layers (names only; contents are never "
			    "shown).", found, found == 1 ? "" : "s");
	else
		lw_chk_setf(&k->message, "No secret file in any layer.");
	if (unread)
		lw_chk_setf(&k->message, "%s %zu file%s named like keys or "
			    "tokens could not be read back from the stream.",
			    k->message, unread, unread == 1 ? "" : "s");
out:
	free(files);
	return rc;
}
