/* What every JSON and CI format builds on: JSON values that cannot fail
 * silently, and Dockerfile paths as CI systems name them (the levels they
 * show are levels.c's). */
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layerwaste/checks.h"
#include "ci_priv.h"
#include "render_priv.h"

static const char *source_root;

void lw_render_set_source_root(const char *dir)
{
	source_root = dir;
}

/* The Dockerfile's absolute path, its folder resolved (its own name kept:
 * a symlinked Dockerfile is named as given), into real. */
static int absolute(const char *file, char *real, size_t size)
{
	char dir[PATH_MAX], rdir[PATH_MAX];
	const char *slash = strrchr(file, '/'), *base = slash ? slash + 1 : file;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == file)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - file), file);
	if (!*base || !realpath(dir, rdir))
		return -1;
	return snprintf(real, size, "%s/%s", strcmp(rdir, "/") ? rdir : "",
			base) < (int)size ? 0 : -1;
}

/* The top of the git work tree holding real: the nearest folder above it
 * with a .git (a directory, or a file for a worktree or submodule). */
static int git_top(const char *real, char *top, size_t size)
{
	char probe[PATH_MAX + 8];
	struct stat st;
	char *slash;

	snprintf(top, size, "%s", real);
	while ((slash = strrchr(top, '/')) != NULL) {
		*slash = '\0';
		snprintf(probe, sizeof(probe), "%s/.git", top);
		if (stat(probe, &st) == 0)
			return *top ? 0 : -1;
		if (slash == top)
			break;
	}
	return -1;
}

/* real relative to the source root (--source-root, else the git work
 * tree's top); 0 when it lies under it. */
static int from_root(const char *file, struct lw_strbuf *sb)
{
	char real[PATH_MAX], top[PATH_MAX];
	size_t n;

	if (absolute(file, real, sizeof(real)))
		return -1;
	if (source_root ? !realpath(source_root, top) :
	    git_top(real, top, sizeof(top)))
		return -1;
	n = strlen(top);
	if (n == 1)
		n = 0; /* the root folder */
	if (strncmp(real, top, n) || real[n] != '/')
		return -1;
	lw_strbuf_adds(sb, real + n + 1);
	return 0;
}

/* CI systems map a location to a file of the repository: the path from
 * its top, whatever the working directory. Outside any work tree (and
 * without --source-root), the path from the working directory. */
void lwr_rel_path(struct lw_strbuf *sb, const char *file)
{
	char cwd[4096];
	size_t n;

	if (!file || !*file) {
		lw_strbuf_adds(sb, "Dockerfile");
		return;
	}
	if (!from_root(file, sb))
		return;
	if (file[0] == '/' && getcwd(cwd, sizeof(cwd))) {
		n = strlen(cwd);
		if (n > 1 && !strncmp(file, cwd, n) && file[n] == '/')
			file += n + 1;
	}
	while (file[0] == '.' && file[1] == '/') {
		file += 2;
		while (*file == '/')
			file++;
	}
	lw_strbuf_adds(sb, *file ? file : "Dockerfile");
}

json_t *lwr_jmust(json_t *v)
{
	if (!v)
		abort();
	return v;
}

void lwr_jput(json_t *o, const char *key, json_t *v)
{
	if (json_object_set_new(o, key, lwr_jmust(v)))
		abort();
}

json_t *lwr_jtext(const char *s)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	json_t *v;

	if (!s)
		return lwr_jmust(json_null());
	lwr_utf8_clean(&sb, s);
	v = lwr_jmust(json_stringn(sb.buf, sb.len));
	lw_strbuf_release(&sb);
	return v;
}

int lwr_json_dumpf(const json_t *v, FILE *f, size_t flags)
{
	char *text = lwr_json_escape_unsafe(json_dumps(v, flags));
	int rc;

	if (!text)
		return -1;
	rc = fputs(text, f) == EOF ? -1 : 0;
	free(text);
	return rc;
}
