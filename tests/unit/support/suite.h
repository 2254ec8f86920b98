/* Test support: the main of every unit suite. */
#ifndef LW_TEST_SUITE_H
#define LW_TEST_SUITE_H

#include <check.h>

/* Runs every test of s (taken: freed with its runner) in CK_NORMAL mode.
 * Returns EXIT_SUCCESS when none failed, else EXIT_FAILURE. */
int lwt_run_suite(Suite *s);

#endif
