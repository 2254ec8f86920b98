/* Runs `docker image save` or `podman image save` and hands back the read
 * end of its standard output. */
#ifndef LAYERWASTE_SAVER_H
#define LAYERWASTE_SAVER_H

#include <sys/types.h>

#include "layerwaste/util.h"

struct lw_saver {
	pid_t pid;
	int fd;          /* the image stream */
	int errfd;       /* the child's stderr */
	char engine[16]; /* "docker" or "podman" */
	char errtext[512];
	size_t errlen;
	void *drain;     /* the thread that keeps stderr flowing */
};

/* Starts the save. engine is "docker", "podman" or NULL to pick the first
 * installed one that knows the image. */
int lw_saver_start(struct lw_saver *s, const char *engine, const char *name,
		   struct lw_error *err);
/* Waits for the child; LW_OK if it succeeded, else an error with the last
 * line it printed on stderr. */
int lw_saver_finish(struct lw_saver *s, struct lw_error *err);

#endif
