#include <check.h>
#include <stdlib.h>

#include "suite.h"

int lwt_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

const char *lwt_path(const struct lw_entry *e)
{
	static struct lw_pathbuf b[8];
	static unsigned next;

	return lw_entry_path(e, &b[next++ % 8]);
}
