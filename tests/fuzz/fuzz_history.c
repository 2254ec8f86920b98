/* The history parser and the redaction of created_by strings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "layerwaste/dockerfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lw_hist_instr h;
	char *text = malloc(size + 1), *comment, *r;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	/* The first line, when there are two, is the entry's comment. */
	comment = strchr(text, '\n');
	if (comment)
		*comment++ = '\0';
	memset(&h, 0, sizeof(h));
	lw_history_parse(comment ? comment : text, comment ? text : NULL, &h);
	lw_hist_instr_release(&h);
	r = lw_redact_history(text);
	free(r);
	free(text);
	return 0;
}
