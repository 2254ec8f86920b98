/* Test support: the main of every unit suite. */
#ifndef LW_TEST_SUITE_H
#define LW_TEST_SUITE_H

#include <check.h>

#include "layerwaste/index.h"

/* Runs every test of s (taken: freed with its runner) in CK_NORMAL mode.
 * Returns EXIT_SUCCESS when none failed, else EXIT_FAILURE. */
int lwt_run_suite(Suite *s);

/* e's whole path, in one of 8 static buffers used in turn: valid until
 * the 8th call after. */
const char *lwt_path(const struct lw_entry *e);

#endif
