/* What every JSON and CI format builds on: JSON values that cannot fail
 * silently, and Dockerfile paths as CI systems name them. */
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layerwaste/checks.h"
#include "ci_priv.h"
#include "render_priv.h"

/* Indexed by enum lw_kind. */
static const char *const kind_rule_ids[LW_KIND_COUNT] = {
	[LW_KIND_CHOWN] = "chown",
	[LW_KIND_CHMOD] = "chmod",
	[LW_KIND_CHOWN_CHMOD] = "chown-chmod",
	[LW_KIND_TOUCH] = "touch",
	[LW_KIND_OVERWRITE] = "overwrite",
	[LW_KIND_DELETE] = "delete",
};

const char *lwr_kind_rule_id(int kind)
{
	return kind >= 0 && kind < LW_KIND_COUNT ? kind_rule_ids[kind] :
	       "unknown";
}

/* The one table of levels: enum lw_severity by enum lwr_level_format. */
static const char *const level_names[LW_SEVERITY_COUNT][LWR_LEVEL_FORMATS] = {
	[LW_SEVERITY_ERROR] = { "error", "error", "major", "critical" },
	[LW_SEVERITY_WARNING] = { "warning", "warning", "minor", "major" },
	[LW_SEVERITY_NOTE] = { "notice", "note", "info", "info" },
};

const char *lwr_level_name(int level, int format)
{
	if (level < 0 || level >= LW_SEVERITY_COUNT)
		level = LW_SEVERITY_WARNING;
	if (format < 0 || format >= LWR_LEVEL_FORMATS)
		format = LWR_LEVEL_SARIF;
	return level_names[level][format];
}

int lwr_group_level(const struct lw_result *r, size_t gi)
{
	if (r->rules && r->rules->groups && gi < r->rules->ngroups)
		return r->rules->groups[gi].level;
	return lwr_group_judged(r, gi) ? LW_SEVERITY_WARNING :
		LW_SEVERITY_NOTE;
}

int lwr_check_level(const struct lw_result *r, const struct lw_check *k)
{
	return lw_severity_level(k->severity, 0, r->rules ? r->rules->fail_on :
				 LW_FAIL_ON_ERROR);
}

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
