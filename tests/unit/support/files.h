/* Test support: small files written for a test. */
#ifndef LW_TEST_FILES_H
#define LW_TEST_FILES_H

/* Writes text to path (created or truncated); fails the test unless the
 * file opens and closes cleanly. */
void lwt_write_file(const char *path, const char *text);

#endif
