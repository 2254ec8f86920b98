/* Test support: dive's test images (the peer images), which are not part
 * of the repository. A suite tags the test cases that read them "peer"
 * (tcase_set_tags); CMake runs those as a ctest of their own,
 * unit.test_NAME.peer (CK_INCLUDE_TAGS=peer), and the rest without them
 * (CK_EXCLUDE_TAGS=peer), so that a missing folder skips only them. */
#ifndef LW_TEST_PEER_H
#define LW_TEST_PEER_H

#include <check.h>

/* The tag of the test cases that read peer images. */
#define LWT_PEER_TAG "peer"

/* The folder of the peer images: $LW_PEER_DIR, else
 * $LW_FIXTURES/../../shared/fixtures/peer-dive (shared/fixtures/peer-dive
 * beside the repository). Returned in static storage. */
const char *lwt_peer_dir(void);

/* "DIR/name" for a peer image; returned owned (free it). */
char *lwt_peer_file(const char *name);

/* Runs s (taken) as lwt_run_suite does. When the run asks for the peer
 * test cases only (CK_INCLUDE_TAGS=peer) and test-docker-image.tar is not
 * in lwt_peer_dir(), says so on stdout and returns 77, which ctest
 * reports as skipped. */
int lwt_run_peer_suite(Suite *s);

#endif
