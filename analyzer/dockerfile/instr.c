/* Reading an instruction's parts: its --flags, exec-form arguments, and
 * paths joined to its WORKDIR. Shared by the parser and the expander. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/dockerfile.h"
#include "layerwaste/util.h"

const char *lw_df_flag(const struct lw_df_instr *in, const char *name)
{
	size_t i = in->nflags;

	while (i--)
		if (!strcmp(in->flags[i].name, name))
			return in->flags[i].value ? in->flags[i].value :
			       in->flags[i].raw_value ? in->flags[i].raw_value : "";
	return NULL;
}

char *lw_df_join_path(const char *dir, const char *p)
{
	struct lw_strbuf sb = LW_STRBUF_INIT, in = LW_STRBUF_INIT;
	char *tok, *save = NULL;

	if ((p[0] && p[1] == ':') || p[0] == '\\')
		return lw_xstrdup(p);
	if (dir[0] && dir[1] == ':') {
		lw_strbuf_adds(&sb, dir);
		if (sb.len && sb.buf[sb.len - 1] != '\\')
			lw_strbuf_addc(&sb, '\\');
		lw_strbuf_adds(&sb, p);
		return lw_strbuf_detach(&sb);
	}
	if (*p != '/')
		lw_strbuf_adds(&in, dir);
	lw_strbuf_addc(&in, '/');
	lw_strbuf_adds(&in, p);
	for (tok = strtok_r(in.buf, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			char *slash = strrchr(sb.buf, '/');

			lw_strbuf_setlen(&sb, slash ?
					 (size_t)(slash - sb.buf) : 0);
			continue;
		}
		lw_strbuf_addc(&sb, '/');
		lw_strbuf_adds(&sb, tok);
	}
	if (!sb.len)
		lw_strbuf_addc(&sb, '/');
	lw_strbuf_release(&in);
	return lw_strbuf_detach(&sb);
}

int lw_df_json_argv(const char *s, char ***argv, size_t *argc)
{
	json_t *j;
	size_t i;

	while (lw_is_space(*s))
		s++;
	if (*s != '[' || !(j = json_loads(s, 0, NULL)))
		return 0;
	if (!json_is_array(j)) {
		json_decref(j);
		return 0;
	}
	for (i = 0; i < json_array_size(j); i++)
		if (!json_is_string(json_array_get(j, i))) {
			json_decref(j);
			return -1;
		}
	*argc = json_array_size(j);
	*argv = lw_xcalloc(*argc + 1, sizeof(char *));
	for (i = 0; i < *argc; i++)
		(*argv)[i] = lw_xstrdup(json_string_value(json_array_get(j, i)));
	json_decref(j);
	return 1;
}
