#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "peer.h"
#include "suite.h"

const char *lwt_peer_dir(void)
{
	static char dir[4096];
	const char *env = getenv("LW_PEER_DIR");

	if (env && *env)
		return env;
	env = getenv("LW_FIXTURES");
	snprintf(dir, sizeof(dir), "%s/../../shared/fixtures/peer-dive",
		 env && *env ? env : "fixtures");
	return dir;
}

char *lwt_peer_file(const char *name)
{
	const char *dir = lwt_peer_dir();
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (!p)
		abort();
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

int lwt_run_peer_suite(Suite *s)
{
	const char *tags = getenv("CK_INCLUDE_TAGS");
	char *probe = lwt_peer_file("test-docker-image.tar");
	int have = access(probe, R_OK) == 0;

	if (!have && tags && !strcmp(tags, LWT_PEER_TAG)) {
		printf("SKIP: peer images not found: no %s (set LW_PEER_DIR "
		       "to dive's .data folder)\n", probe);
		free(probe);
		srunner_free(srunner_create(s)); /* frees s */
		return 77;
	}
	free(probe);
	return lwt_run_suite(s);
}
