#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "layerwaste/util.h"
#include "saver.h"

static int run_quiet(char *const argv[])
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int engine_has_image(const char *engine, const char *name)
{
	char *argv[] = { (char *)engine, "image", "inspect", (char *)name,
			 NULL };

	return run_quiet(argv) == 0;
}

static void *drain_stderr(void *arg)
{
	struct lw_saver *s = arg;
	char buf[4096];
	ssize_t n;

	while ((n = read(s->errfd, buf, sizeof(buf))) > 0 ||
	       (n < 0 && errno == EINTR)) {
		ssize_t i;

		/* Keep the tail: the last line is the one that says why. */
		for (i = 0; i < n; i++) {
			if (s->errlen == sizeof(s->errtext) - 1) {
				memmove(s->errtext, s->errtext + 1,
					s->errlen - 1);
				s->errlen--;
			}
			s->errtext[s->errlen++] = buf[i];
		}
	}
	s->errtext[s->errlen] = '\0';
	return NULL;
}

int lw_saver_start(struct lw_saver *s, const char *engine, const char *name,
		   struct lw_error *err)
{
	static const char *const engines[] = { "docker", "podman" };
	int out[2], errp[2];
	pthread_t *t;
	size_t i;

	memset(s, 0, sizeof(*s));
	s->fd = s->errfd = -1;
	if (!engine) {
		for (i = 0; i < 2 && !engine; i++)
			if (engine_has_image(engines[i], name))
				engine = engines[i];
		if (!engine)
			return lw_error_set(err, LW_ERR_IO,
					    "no such file, and neither docker "
					    "nor podman has an image named "
					    "'%.200s'", name);
	}
	snprintf(s->engine, sizeof(s->engine), "%s", engine);
	if (pipe2(out, O_CLOEXEC) < 0)
		return lw_error_set(err, LW_ERR_IO, "pipe: %s",
				    strerror(errno));
	if (pipe2(errp, O_CLOEXEC) < 0) {
		close(out[0]);
		close(out[1]);
		return lw_error_set(err, LW_ERR_IO, "pipe: %s",
				    strerror(errno));
	}
	s->pid = fork();
	if (s->pid == 0) {
		char *argv[] = { s->engine, "image", "save", (char *)name,
				 NULL };

		dup2(out[1], 1);
		dup2(errp[1], 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(out[1]);
	close(errp[1]);
	if (s->pid < 0) {
		close(out[0]);
		close(errp[0]);
		return lw_error_set(err, LW_ERR_IO, "fork: %s",
				    strerror(errno));
	}
	s->fd = out[0];
	s->errfd = errp[0];
	t = lw_xmalloc(sizeof(*t));
	if (pthread_create(t, NULL, drain_stderr, s) != 0) {
		free(t);
		t = NULL;
	}
	s->drain = t;
	return LW_OK;
}

int lw_saver_finish(struct lw_saver *s, struct lw_error *err)
{
	int status = 0, rc = LW_OK;
	char *line, *nl;

	if (s->pid <= 0)
		return LW_OK;
	/* Whatever is left unread would block the child. */
	if (s->fd >= 0) {
		char buf[65536];

		while (read(s->fd, buf, sizeof(buf)) > 0)
			;
	}
	while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
		;
	if (s->drain) {
		pthread_join(*(pthread_t *)s->drain, NULL);
		free(s->drain);
		s->drain = NULL;
	}
	if (s->errfd >= 0)
		close(s->errfd);
	s->errfd = -1;
	s->pid = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return LW_OK;
	while (s->errlen && strchr("\r\n ", s->errtext[s->errlen - 1]))
		s->errtext[--s->errlen] = '\0';
	line = strrchr(s->errtext, '\n');
	line = line ? line + 1 : s->errtext;
	while ((nl = strchr(line, '\r')))
		*nl = ' ';
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		rc = lw_error_set(err, LW_ERR_IO, "cannot run %s",
				  s->engine);
	else
		rc = lw_error_set(err, LW_ERR_INPUT,
				  "%s image save failed%s%.300s", s->engine,
				  *line ? ": " : "", line);
	return rc;
}
