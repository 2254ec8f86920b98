/* The git repository and commit a Dockerfile comes from, for SARIF's
 * versionControlProvenance. Asked for with LAYERWASTE_VCS=git only: the
 * same image and Dockerfile must give the same report anywhere else (the
 * golden tests run inside this repository's own work tree). Only when the
 * working directory is the work tree's top, so that the report's relative
 * paths are repository paths.
 *
 * git itself answers (worktrees, packed refs, includes and all), run
 * without a shell in the Dockerfile's folder, with a hard cap on what it
 * may print. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

/* A commit id, a branch name or a remote URL: anything longer is not
 * one. */
#define GIT_OUT_MAX 4096

/* Runs git -C dir ARGS... and returns its first line of output (owned),
 * or NULL when git is missing, fails or prints nothing. */
static char *git_line(const char *dir, const char *const *args)
{
	const char *argv[8] = { "git", "-C", dir };
	char buf[GIT_OUT_MAX + 1], *nl;
	size_t n = 0, i;
	int fd[2], status, devnull;
	ssize_t got;
	pid_t pid;

	for (i = 0; args[i] && i + 4 < sizeof(argv) / sizeof(argv[0]); i++)
		argv[3 + i] = args[i];
	if (pipe(fd))
		return NULL;
	pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return NULL;
	}
	if (pid == 0) {
		devnull = open("/dev/null", O_RDWR);
		if (devnull >= 0) {
			dup2(devnull, STDIN_FILENO);
			dup2(devnull, STDERR_FILENO);
		}
		dup2(fd[1], STDOUT_FILENO);
		close(fd[0]);
		close(fd[1]);
		execvp("git", (char *const *)argv);
		_exit(127);
	}
	close(fd[1]);
	for (;;) {
		got = read(fd[0], buf + n, n < GIT_OUT_MAX ? GIT_OUT_MAX - n : 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (n < GIT_OUT_MAX)
			n += (size_t)got; /* past the cap: drained, dropped */
	}
	close(fd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	buf[n] = '\0';
	if (!WIFEXITED(status) || WEXITSTATUS(status) || n >= GIT_OUT_MAX)
		return NULL;
	if ((nl = strchr(buf, '\n')))
		*nl = '\0';
	return buf[0] ? lw_xstrdup(buf) : NULL;
}

/* The remote's URL as a URI without credentials: "https://user:token@host/x"
 * loses "user:token@", scp-like "git@host:org/x.git" becomes
 * "ssh://host/org/x.git". NULL for a local path or anything that is not
 * plain printable ASCII. */
static char *clean_url(const char *url)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	const char *p, *host, *at, *colon, *slash;

	for (p = url; *p; p++)
		if (*p <= ' ' || *p > '~')
			return NULL;
	if ((p = strstr(url, "://"))) {
		host = p + 3;
		slash = strchr(host, '/');
		at = strchr(host, '@');
		lw_strbuf_addf(&sb, "%.*s", (int)(host - url), url);
		lw_strbuf_adds(&sb, at && (!slash || at < slash) ? at + 1 :
			       host);
		return lw_strbuf_detach(&sb);
	}
	colon = strchr(url, ':');
	slash = strchr(url, '/');
	if (!colon || colon == url || (slash && slash < colon))
		return NULL;
	at = strchr(url, '@');
	host = at && at < colon ? at + 1 : url;
	if (host == colon)
		return NULL;
	lw_strbuf_addf(&sb, "ssh://%.*s/%s", (int)(colon - host), host,
		       colon + 1);
	return lw_strbuf_detach(&sb);
}

int cli_vcs_find(const char *dockerfile, struct cli_vcs *v)
{
	static const char *const head[] = { "rev-parse", "--verify", "-q",
					    "HEAD", NULL };
	static const char *const branch[] = { "symbolic-ref", "-q",
					      "--short", "HEAD", NULL };
	static const char *const origin[] = { "remote", "get-url", "origin",
					      NULL };
	static const char *const top[] = { "rev-parse", "--show-toplevel",
					   NULL };
	const char *want = getenv("LAYERWASTE_VCS");
	char *dir = NULL, *slash, *url = NULL, *root = NULL, *cwd = NULL;
	int rc = -1;

	memset(v, 0, sizeof(*v));
	if (!dockerfile || !want || strcmp(want, "git"))
		return -1;
	dir = lw_xstrdup(dockerfile);
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	/* The report's paths are relative to the working directory: they
	 * are repository paths only when that is the work tree's top. */
	root = git_line(dir, top);
	cwd = realpath(".", NULL);
	if (!root || !cwd || strcmp(root, cwd))
		goto out;
	url = git_line(dir, origin);
	if (!url || !(v->repository_uri = clean_url(url)))
		goto out;
	if (!(v->revision_id = git_line(dir, head)))
		goto out;
	v->branch = git_line(dir, branch);
	v->p.repository_uri = v->repository_uri;
	v->p.revision_id = v->revision_id;
	v->p.branch = v->branch;
	rc = 0;
out:
	free(dir);
	free(url);
	free(root);
	free(cwd);
	if (rc)
		cli_vcs_release(v);
	return rc;
}

void cli_vcs_release(struct cli_vcs *v)
{
	free(v->repository_uri);
	free(v->revision_id);
	free(v->branch);
	memset(v, 0, sizeof(*v));
}
