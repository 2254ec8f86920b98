/* The rules config reader, in both formats (.layerwaste.yml, .dive-ci). */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz.h"
#include "layerwaste/judge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lw_rules_config c;
	struct lw_error err = { 0, "" };
	int format;

	for (format = LW_CONFIG_LAYERWASTE; format <= LW_CONFIG_DIVE;
	     format++) {
		lw_rules_config_init(&c);
		lw_config_load_text(&c, (const char *)data, size, "config",
				    format, &err);
		lw_rules_config_release(&c);
	}
	return 0;
}
