/* Moving a later RUN's commands (rm, chown, chmod) into the RUN that made
 * the files: when the WORKDIR between them may change, and what the layers
 * between them hold; and the idiom of each package manager for caches
 * deleted in a later step. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attrib_priv.h"
#include "layerwaste/dockerfile.h"
#include "layerwaste/index.h"
#include "layerwaste/util.h"

/* Where the operands (paths) of a moved command start: after its
 * options and, for chown, chgrp and chmod, the owner or mode. 0 when it
 * has none, or is not one of the commands that are moved. */
static size_t first_operand(const struct lw_sh_cmd *cmd)
{
	const char *w0 = cmd->nwords ? cmd->words[0] : "";
	size_t i = 1;

	if (strcmp(w0, "rm") && strcmp(w0, "chown") && strcmp(w0, "chgrp") &&
	    strcmp(w0, "chmod") && strcmp(w0, "touch"))
		return 0;
	while (i < cmd->nwords && cmd->words[i][0] == '-' &&
	       strcmp(cmd->words[i], "--"))
		i++;
	if (i < cmd->nwords && !strcmp(cmd->words[i], "--"))
		i++;
	if (!strcmp(w0, "chown") || !strcmp(w0, "chgrp") ||
	    !strcmp(w0, "chmod"))
		i++;
	return i < cmd->nwords ? i : 0;
}

int lw_fix_paths_absolute(const struct lw_sh_script *sh)
{
	size_t c, i, f;

	for (c = 0; c < sh->ncmds; c++) {
		const struct lw_sh_cmd *cmd = &sh->cmds[c];

		if (!(f = first_operand(cmd)))
			return 0;
		for (i = f; i < cmd->nwords; i++)
			if (cmd->words[i][0] != '/')
				return 0;
	}
	return 1;
}

/* Does the operand pattern q (absolute, or relative to wd) name p (a
 * normalised path, no leading '/') or a directory above it? */
static int names(const char *q, const char *wd, const char *p)
{
	char pat[4096], tmp[4096], *s;
	size_t n;
	int hit;

	if (q[0] == '/')
		snprintf(pat, sizeof(pat), "%s", q);
	else
		snprintf(pat, sizeof(pat), "%s/%s", wd ? wd : "", q);
	s = pat;
	while (*s == '/')
		s++;
	memmove(pat, s, strlen(s) + 1);
	n = strlen(pat);
	while (n && pat[n - 1] == '/')
		pat[--n] = '\0';
	if (!n)
		return 1;
	snprintf(tmp, sizeof(tmp), "%s", p);
	for (;;) {
		hit = strpbrk(pat, "*?[") ? fnmatch(pat, tmp, FNM_PATHNAME) == 0 :
			!strcmp(pat, tmp);
		if (hit)
			return 1;
		if (!(s = strrchr(tmp, '/')))
			return 0;
		*s = '\0';
	}
}

int lw_fix_between_untouched(const struct attr_ctx *ctx, uint32_t j,
			     uint32_t k, const struct lw_sh_script *sh,
			     const char *wd)
{
	const struct lw_image *img = ctx->an->image;
	uint32_t l;
	size_t c, i, e;

	for (l = j + 1; l < k && l < img->nlayers; l++) {
		const struct lw_layer_index *ix = img->layers[l].index;

		for (e = 0; ix && e < ix->count; e++) {
			struct lw_pathbuf pb;
			const char *p = lw_entry_path(&ix->entries[e], &pb);

			for (c = 0; c < sh->ncmds; c++) {
				const struct lw_sh_cmd *cmd = &sh->cmds[c];
				size_t f = first_operand(cmd);

				if (!f)
					return 0;
				for (i = f; i < cmd->nwords; i++)
					if (names(cmd->words[i], wd, p))
						return 0;
			}
		}
	}
	return 1;
}

/* A package manager's cache: where it lies and how to keep it out. */
struct cache_idiom {
	const char *name;
	const char *const *dirs; /* path prefixes, no leading '/' */
	const char *advice;
};

static const char *const apt_dirs[] = {
	"var/lib/apt/lists/", "var/cache/apt/", NULL,
};
static const char *const pip_dirs[] = {
	"root/.cache/pip/", "home/*/.cache/pip/", NULL,
};
static const char *const npm_dirs[] = {
	"root/.npm/", "home/*/.npm/", NULL,
};
static const char *const apk_dirs[] = { "var/cache/apk/", NULL };
static const char *const dnf_dirs[] = {
	"var/cache/dnf/", "var/cache/yum/", NULL,
};

static const struct cache_idiom idioms[] = {
	{ "apt", apt_dirs, "End the RUN that runs apt-get update and install "
	  "with `rm -rf /var/lib/apt/lists/*` (and `apt-get clean` for "
	  "/var/cache/apt/archives), or keep the lists and archives out of "
	  "the image with `RUN --mount=type=cache,target=/var/lib/apt/lists "
	  "--mount=type=cache,target=/var/cache/apt`." },
	{ "pip", pip_dirs, "Install with `pip install --no-cache-dir` (or "
	  "`ENV PIP_NO_CACHE_DIR=1`), or mount the cache: `RUN "
	  "--mount=type=cache,target=/root/.cache/pip pip install ...`." },
	{ "npm", npm_dirs, "End the RUN that runs npm install with `npm cache "
	  "clean --force`, or mount the cache: `RUN "
	  "--mount=type=cache,target=/root/.npm npm ci`." },
	{ "apk", apk_dirs, "Install with `apk add --no-cache`." },
	{ "dnf/yum", dnf_dirs, "End the RUN that installs with `dnf clean "
	  "all` (`yum clean all`), or mount /var/cache/dnf as a cache." },
};

static int under(const char *const *dirs, const char *p)
{
	size_t d;

	for (d = 0; dirs[d]; d++) {
		size_t n = strlen(dirs[d]);

		if (strchr(dirs[d], '*')) {
			char pat[256];

			/* home/NAME/.cache/pip/...: match the prefix. */
			snprintf(pat, sizeof(pat), "%s*", dirs[d]);
			if (!fnmatch(pat, p, 0))
				return 1;
		} else if (!strncmp(p, dirs[d], n)) {
			return 1;
		}
	}
	return 0;
}

void lw_fix_cache_advice(const struct lw_analysis *an,
			 const struct lw_group *g, struct lw_suggestion *s,
			 const char *where_made, const char *where_deleted)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	const struct cache_idiom *ci = NULL;
	size_t i, c;

	for (c = 0; c < sizeof(idioms) / sizeof(idioms[0]) && !ci; c++) {
		ci = &idioms[c];
		for (i = g->first; i < g->first + g->count && ci; i++)
			if (!under(ci->dirs, an->findings[i].path))
				ci = NULL;
	}
	if (!ci)
		return;
	lw_strbuf_addf(&sb, "Clean the %s cache in the RUN that fills it (%s), "
		       "not later in %s", ci->name, where_made, where_deleted);
	free(s->title);
	s->title = lw_strbuf_detach(&sb);
	lw_strbuf_addf(&sb, "A cache deleted by a later layer stays stored in "
		       "the layer that filled it. %s%s", ci->advice, s->safe ?
		       " Applied here by moving the later deletion to the "
		       "end of that RUN." : "");
	free(s->detail);
	s->detail = lw_strbuf_detach(&sb);
}
