/* The Dockerfile reader and the variable expander on any text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "layerwaste/dockerfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const args[] = { "A=1", "B=two words", NULL };
	static char v[] = "V", xy[] = "x y", empty[] = "EMPTY", none[] = "";
	struct lw_df_var vars[2] = { { v, xy, 1 }, { empty, none, 0 } };
	struct lw_dockerfile *df = NULL;
	struct lw_error err = { 0, "" };
	char *text = malloc(size + 1), *out = NULL, **words = NULL;
	size_t nwords = 0, i;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (lw_dockerfile_parse(text, size, "Dockerfile", args, &df, &err) ==
	    LW_OK)
		lw_dockerfile_free(df);
	if (!memchr(data, 0, size)) {
		if (lw_df_expand(text, '\\', vars, 2, 0, &out, &err) == LW_OK)
			free(out);
		if (lw_df_expand_words(text, '`', vars, 2, LW_DF_KEEP_UNKNOWN,
				       &words, &nwords, &err) == LW_OK) {
			for (i = 0; i < nwords; i++)
				free(words[i]);
			free(words);
		}
	}
	free(text);
	return 0;
}
