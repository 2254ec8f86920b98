/* The spaces profile (Hugging Face Docker Spaces), part one: the run-time
 * user, who may write the app directory, recursive chown/chmod copies and
 * files under /data. The platform's words are quoted from
 * https://huggingface.co/docs/hub/spaces-sdks-docker; docs/spaces.md says
 * what each check judges. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks_priv.h"
#include "layerwaste/read.h"
#include "layerwaste/judge.h"
#include "layerwaste/util.h"

#define SPACE_UID 1000
#define DOCS_URL "https://huggingface.co/docs/hub/spaces-sdks-docker"

static const struct lw_chk_def def_user = {
	"spaces/run-as-uid-1000",
	"The container runs with user ID 1000",
	"\"The container runs with user ID 1000. To avoid permission issues "
	"you should create a user and set its WORKDIR before any COPY or "
	"download.\" (" DOCS_URL "#permissions)",
	"permissions", LW_SEV_ERROR,
};

static const struct lw_chk_def def_writable = {
	"spaces/writable-app-dir",
	"User ID 1000 can write its WORKDIR and $HOME",
	"\"Always specify the --chown=user with ADD and COPY to ensure the new "
	"files are owned by your user.\" (" DOCS_URL "#permissions)",
	"permissions", LW_SEV_ERROR,
};

static const struct lw_chk_def def_chown = {
	"spaces/recursive-chown",
	"No copies made only to change owner or mode",
	"\"You should always avoid superfluous chowns. Updating metadata for "
	"a file creates a new copy stored in the new layer. Therefore, a "
	"recursive chown can result in a very large image due to the "
	"duplication of all affected files.\" Use COPY --chown=user "
	"instead. (" DOCS_URL "#permissions)",
	"image-size", LW_SEV_WARNING,
};

static const struct lw_chk_def def_data = {
	"spaces/build-time-data",
	"Nothing is written under /data during the build",
	"\"At the moment, /data volume is only available at runtime, i.e. you "
	"cannot use /data during the build step of your Dockerfile.\" With "
	"persistent storage the volume is mounted on /data and hides what "
	"the image put there; \"RUN mkdir -p /data\" and \"RUN chmod 777 "
	"/data\" are all the image needs. (" DOCS_URL "#data-persistence)",
	"configuration", LW_SEV_WARNING,
};

#define USER_FIX "RUN useradd -m -u 1000 user\nUSER user"

int lw_spaces_user(struct lw_chk_ctx *x, struct lw_error *err)
{
	struct lw_check *k = lw_chk_begin(x, &def_user);
	const struct lw_chk_user *u = &x->run;
	const struct lw_df_instr *in = lw_chk_last(x, "USER");
	struct lw_check_item *it;
	char *ref = NULL;
	int streamed = x->passwd.state == LW_FILE_STREAMED;

	if (u->known && u->uid == SPACE_UID) {
		lw_chk_setf(&k->message, "USER %s resolves to uid 1000%s.",
			    u->spec, x->passwd.state == LW_FILE_READ &&
			    strspn(u->name, "0123456789") != strlen(u->name) ?
			    " through the image's /etc/passwd" : "");
		return LW_OK;
	}
	if (!u->known && streamed) {
		k->status = LW_CHECK_SKIP;
		lw_chk_setf(&k->message, "USER %s cannot be resolved: the "
			    "image came as a stream, so its /etc/passwd "
			    "cannot be read back (give the archive as a "
			    "file).", u->spec);
		return LW_OK;
	}
	if (!u->known && x->passwd.state != LW_FILE_ABSENT &&
	    x->passwd.state != LW_FILE_READ) {
		k->status = LW_CHECK_SKIP;
		lw_chk_setf(&k->message, "USER %s cannot be resolved: the "
			    "image's /etc/passwd is %s.", u->spec,
			    x->passwd.state == LW_FILE_TOO_BIG ?
			    "larger than 64 KiB" : "not a regular file");
		return LW_OK;
	}
	it = lw_chk_item(k);
	if (!*u->spec)
		lw_chk_setf(&k->message, "The image sets no USER: it runs as "
			    "root (uid 0) elsewhere, while the Space runs it "
			    "as user ID 1000, which cannot write what the "
			    "build made as root.");
	else if (!u->known)
		lw_chk_setf(&k->message, "USER %s is not in the image's "
			    "/etc/passwd%s: the container cannot start as "
			    "it.", u->spec, x->passwd.state == LW_FILE_ABSENT ?
			    " (the image has none)" : "");
	else if (strspn(u->name, "0123456789") == strlen(u->name))
		lw_chk_setf(&k->message, "USER %s is uid %ld, not 1000.",
			    u->spec, u->uid);
	else {
		if (u->passwd_layer >= 0)
			ref = lw_chk_layer_ref(x, u->passwd_layer);
		lw_chk_setf(&k->message, "USER %s resolves to uid %ld through "
			    "the image's /etc/passwd%s%s, not to 1000.",
			    u->spec, u->uid, ref ? ", written by " : "",
			    ref ? ref : "");
	}
	if (!it)
		goto out;
	lw_chk_setf(&it->subject, "USER %s", *u->spec ? u->spec :
		    "(none: root)");
	if (u->known)
		lw_chk_setf(&it->detail, "It runs as uid %ld. Create the user "
			    "with uid 1000 and switch to it before any COPY.",
			    u->uid);
	lw_chk_at_instr(x, it, in ? in : x->from);
	/* Without a USER line the fix goes after the FROM line. */
	if (in)
		lw_chk_setf(&it->fix, "%s", USER_FIX);
	else if (x->from)
		lw_chk_setf(&it->fix, "%s\n%s", x->from->source, USER_FIX);
	else
		lw_chk_setf(&it->fix, "%s", USER_FIX);
out:
	free(ref);
	return LW_OK;
}

/* The roots to check and who may write there. */
struct wstate {
	long gid;           /* uid 1000's group */
	int *count;         /* per layer: entries it cannot write */
	int *root_owned;    /* per layer: of them, owned by root */
	/* per layer: entries of example paths */
	const struct lw_entry *(*ex)[LW_CHK_PATHS];
	size_t total, seen;
};

static void wvisit(void *ctx, uint32_t layer, const struct lw_entry *e)
{
	struct wstate *w = ctx;

	if (e->type != LW_ENTRY_FILE && e->type != LW_ENTRY_DIR &&
	    e->type != LW_ENTRY_HARDLINK)
		return;
	w->seen++;
	if (lw_entry_uid(e) == SPACE_UID || (lw_entry_mode(e) & 02) ||
	    ((long)lw_entry_gid(e) == w->gid && (lw_entry_mode(e) & 020)))
		return;
	if (w->count[layer] < LW_CHK_PATHS)
		w->ex[layer][w->count[layer]] = e;
	w->count[layer]++;
	w->root_owned[layer] += lw_entry_uid(e) == 0;
	w->total++;
}

/* "/app" from a WORKDIR or HOME value; "" for "/" or nothing. */
static void norm_root(const char *in, char *out, size_t size)
{
	if (!in || lw_path_normalize(in, out, size) < 0)
		out[0] = '\0';
}

static int under(const char *p, const char *root)
{
	size_t n = strlen(root);

	return n && !strncmp(p, root, n) && (p[n] == '\0' || p[n] == '/');
}

/* The user COPY --chown should name: the image's own when it is uid
 * 1000 by name, else "user", as the platform's example creates it. */
static const char *chown_user(const struct lw_chk_ctx *x)
{
	const struct lw_chk_user *u = &x->run;

	if (u->known && u->uid == SPACE_UID && *u->name &&
	    strspn(u->name, "0123456789") != strlen(u->name))
		return u->name;
	return "user";
}

static void writable_item(struct lw_chk_ctx *x, struct lw_check *k,
			  struct wstate *w, int li)
{
	struct lw_check_item *it = lw_chk_item(k);
	struct lw_strbuf sb = LW_STRBUF_INIT;
	const char *kw = lw_chk_layer_keyword(x, li);
	const char *text = lw_chk_layer_text(x, li);
	char *ref = lw_chk_layer_this(x, li);
	struct lw_pathbuf pb;
	int i, n = w->count[li];

	if (!it)
		goto out;
	for (i = 0; i < n && i < LW_CHK_PATHS; i++)
		lw_strbuf_addf(&sb, "%s/%s", i ? ", " : "",
			       lw_entry_path(w->ex[li][i], &pb));
	if (n > LW_CHK_PATHS)
		lw_strbuf_addf(&sb, " and %d more", n - LW_CHK_PATHS);
	it->subject = lw_strbuf_detach(&sb);
	lw_chk_at_layer(x, it, li);
	lw_strbuf_addf(&sb, "%s left %d %s owned by %s that user ID 1000 "
		       "cannot write.", ref, n, n == 1 ? "file or directory" :
		       "files and directories", w->root_owned[li] == n ?
		       "root" : "another user");
	if (lw_chk_layer_is_base(x, li))
		lw_strbuf_adds(&sb, " They come from the base image: choose "
			       "a WORKDIR of your own, created after USER.");
	else if (!strcmp(kw, "COPY") || !strcmp(kw, "ADD"))
		lw_strbuf_addf(&sb, " Copy them with --chown=%s.",
			       chown_user(x));
	else
		lw_strbuf_addf(&sb, " Make them after USER %s, so that they "
			       "are the user's.", chown_user(x));
	it->detail = lw_strbuf_detach(&sb);
	if (text && !lw_chk_layer_is_base(x, li))
		it->fix = lw_chk_with_chown(text, chown_user(x));
out:
	free(ref);
}

int lw_spaces_writable(struct lw_chk_ctx *x, struct lw_error *err)
{
	struct lw_check *k = lw_chk_begin(x, &def_writable);
	const struct lw_image *img = x->img;
	char roots[2][4096];
	const char *home = lw_chk_env(x, "HOME");
	char *home1000 = NULL;
	long uid, gid = SPACE_UID;
	struct wstate w;
	size_t i, r;

	if (x->passwd.state == LW_FILE_READ &&
	    lw_chk_passwd_find(x->passwd.data, "1000", &uid, &gid, &home1000))
		home = home ? home : home1000;
	norm_root(x->workdir, roots[0], sizeof(roots[0]));
	norm_root(home, roots[1], sizeof(roots[1]));
	if (under(roots[0], roots[1]))
		roots[0][0] = '\0';
	else if (under(roots[1], roots[0]))
		roots[1][0] = '\0';
	if (!roots[0][0] && !roots[1][0]) {
		k->status = LW_CHECK_SKIP;
		lw_chk_setf(&k->message, "The image sets no WORKDIR and no "
			    "HOME for user ID 1000 (or only /): nothing to "
			    "check.");
		goto out;
	}
	memset(&w, 0, sizeof(w));
	w.gid = gid < 0 ? SPACE_UID : gid;
	w.count = lw_xcalloc(img->nlayers + 1, sizeof(int));
	w.root_owned = lw_xcalloc(img->nlayers + 1, sizeof(int));
	w.ex = lw_xcalloc(img->nlayers + 1, sizeof(*w.ex));
	for (r = 0; r < 2; r++)
		if (roots[r][0])
			lw_image_visible_under(img, roots[r], wvisit, &w);
	for (i = 0; i < img->nlayers; i++)
		if (w.count[i])
			writable_item(x, k, &w, (int)i);
	if (w.total)
		lw_chk_setf(&k->message, "%zu of %zu files and directories "
			    "under %s%s%s%s are not writable by user ID 1000: "
			    "owned by another user, and not group- or "
			    "other-writable.", w.total, w.seen,
			    roots[0][0] ? "/" : "", roots[0],
			    roots[0][0] && roots[1][0] ? " and /" :
			    roots[1][0] ? "/" : "", roots[1]);
	else
		lw_chk_setf(&k->message, "All %zu files and directories under "
			    "%s%s%s%s are writable by user ID 1000.", w.seen,
			    roots[0][0] ? "/" : "", roots[0],
			    roots[0][0] && roots[1][0] ? " and /" :
			    roots[1][0] ? "/" : "", roots[1]);
	free(w.count);
	free(w.root_owned);
	free(w.ex);
out:
	free(home1000);
	return LW_OK;
}

/* The suggestion that fixes group gi, or NULL. */
static const struct lw_suggestion *group_fix(const struct lw_chk_ctx *x,
					     size_t gi)
{
	const struct lw_attribution *at = x->at;
	size_t i;

	for (i = 0; at && i < at->ncauses; i++)
		if (at->causes[i].group == gi &&
		    at->causes[i].suggestion >= 0 &&
		    (size_t)at->causes[i].suggestion < at->nsuggestions)
			return &at->suggestions[at->causes[i].suggestion];
	return NULL;
}

int lw_spaces_chown(struct lw_chk_ctx *x, struct lw_error *err)
{
	struct lw_check *k = lw_chk_begin(x, &def_chown);
	const struct lw_analysis *an = x->an;
	const struct lw_suggestion *s;
	const struct lw_group *g;
	struct lw_check_item *it;
	uint64_t bytes = 0, files = 0;
	char b[32];
	size_t i;

	for (i = 0; i < an->ngroups; i++) {
		g = &an->groups[i];
		if (g->kind != LW_KIND_CHOWN && g->kind != LW_KIND_CHMOD &&
		    g->kind != LW_KIND_CHOWN_CHMOD)
			continue;
		bytes += g->bytes;
		files += g->files;
		it = lw_chk_item(k);
		if (!it)
			continue;
		lw_format_bytes(g->bytes, b, sizeof(b));
		lw_chk_setf(&it->subject, "layer %" PRIu32 " copies %" PRIu64
			    " file%s (%s) of layer %" PRIu32 " only to change "
			    "%s %s", g->layer, g->files,
			    g->files == 1 ? "" : "s", b, g->from_layer,
			    g->files == 1 ? "its" : "their",
			    g->kind == LW_KIND_CHOWN ? "owner" :
			    g->kind == LW_KIND_CHMOD ? "mode" :
			    "owner and mode");
		lw_chk_at_layer(x, it, (int)g->layer);
		s = group_fix(x, i);
		if (!s)
			continue;
		if (s->title)
			lw_chk_setf(&it->detail, "%s.", s->title);
		if (s->file && s->line > 0) {
			free(it->file);
			it->file = lw_xstrdup(s->file);
			it->line = s->line;
			it->end_line = s->end_line > s->line ? s->end_line :
				s->line;
		}
		if ((s->kind == LW_FIX_COPY_CHOWN ||
		     s->kind == LW_FIX_COPY_CHMOD) && s->after) {
			lw_chk_setf(&it->fix, "%s", s->after);
			/* Fixes carry no final newline. */
			while (*it->fix &&
			       it->fix[strlen(it->fix) - 1] == '\n')
				it->fix[strlen(it->fix) - 1] = '\0';
		}
	}
	lw_format_bytes(bytes, b, sizeof(b));
	if (k->status == LW_CHECK_FAIL)
		lw_chk_setf(&k->message, "%s in %" PRIu64 " file%s %s stored "
			    "again only to change %s owner or mode (a "
			    "recursive chown or chmod after COPY).", b, files,
			    files == 1 ? "" : "s", files == 1 ? "is" : "are",
			    files == 1 ? "its" : "their");
	else
		lw_chk_setf(&k->message, "No layer copies files only to "
			    "change their owner or mode.");
	return LW_OK;
}

int lw_spaces_data(struct lw_chk_ctx *x, struct lw_error *err)
{
	struct lw_check *k = lw_chk_begin(x, &def_data);
	const struct lw_image *img = x->img;
	struct lw_strbuf sb = LW_STRBUF_INIT;
	const struct lw_layer_index *ix;
	struct lw_check_item *it;
	size_t li, i, n, total = 0;
	char *ref;

	for (li = 0; li < img->nlayers; li++) {
		ix = img->layers[li].index;
		lw_strbuf_reset(&sb);
		for (i = 0, n = 0; ix && i < ix->count; i++) {
			const struct lw_entry *e = &ix->entries[i];
			struct lw_pathbuf pb;
			const char *path;

			if (e->type == LW_ENTRY_WHITEOUT ||
			    e->type == LW_ENTRY_OPAQUE)
				continue;
			path = lw_entry_path(e, &pb);
			if (strncmp(path, "data/", 5))
				continue;
			if (n < LW_CHK_PATHS)
				lw_strbuf_addf(&sb, "%s/%s", n ? ", " : "",
					       path);
			n++;
		}
		if (!n)
			continue;
		total += n;
		if (n > LW_CHK_PATHS)
			lw_strbuf_addf(&sb, " and %zu more", n - LW_CHK_PATHS);
		it = lw_chk_item(k);
		if (!it)
			continue;
		it->subject = lw_strbuf_detach(&sb);
		lw_chk_at_layer(x, it, (int)li);
		ref = lw_chk_layer_this(x, (int)li);
		lw_chk_setf(&it->detail, "%s writes %zu entr%s under /data, "
			    "which the persistent volume hides when the Space "
			    "runs. Write them elsewhere (under $HOME/app), or "
			    "at run time.", ref, n, n == 1 ? "y" : "ies");
		free(ref);
	}
	lw_strbuf_release(&sb);
	if (total)
		lw_chk_setf(&k->message, "%zu entr%s under /data written "
			    "during the build.", total, total == 1 ? "y" :
			    "ies");
	else
		lw_chk_setf(&k->message, "No layer writes under /data.");
	return LW_OK;
}

static const lw_chk_fn spaces_checks[] = {
	lw_spaces_user,
	lw_spaces_writable,
	lw_spaces_chown,
	lw_spaces_data,
	lw_spaces_secret_args,
	lw_spaces_secret_env,
	lw_spaces_secret_files,
	lw_spaces_port,
	lw_spaces_gpu,
};

const struct lw_chk_profile lw_spaces_profile = {
	LW_PROFILE_SPACES, spaces_checks,
	sizeof(spaces_checks) / sizeof(spaces_checks[0]),
};
