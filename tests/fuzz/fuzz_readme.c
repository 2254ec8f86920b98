/* The Space README's front matter (sdk, app_port). */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz.h"
#include "layerwaste/checks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lw_space_readme *r = NULL;
	struct lw_error err = { 0, "" };

	if (lw_space_readme_parse((const char *)data, size, "README.md", &r,
				  &err) == LW_OK)
		lw_space_readme_free(r);
	return 0;
}
