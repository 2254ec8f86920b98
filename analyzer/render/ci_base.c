/* What every JSON and CI format builds on: JSON values that cannot fail
 * silently, and Dockerfile paths as CI systems name them. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ci_priv.h"
#include "render_priv.h"

/* Indexed by enum lw_kind. */
static const char *const kind_rule_ids[LW_KIND_COUNT] = {
	[LW_KIND_CHOWN] = "chown",
	[LW_KIND_CHMOD] = "chmod",
	[LW_KIND_CHOWN_CHMOD] = "chown-chmod",
	[LW_KIND_TOUCH] = "touch",
	[LW_KIND_OVERWRITE] = "overwrite",
	[LW_KIND_DELETE] = "delete",
};

const char *lwr_kind_rule_id(int kind)
{
	return kind >= 0 && kind < LW_KIND_COUNT ? kind_rule_ids[kind] :
	       "unknown";
}

void lwr_rel_path(struct lw_strbuf *sb, const char *file)
{
	char cwd[4096];
	size_t n;

	if (!file || !*file) {
		lw_strbuf_adds(sb, "Dockerfile");
		return;
	}
	if (file[0] == '/' && getcwd(cwd, sizeof(cwd))) {
		n = strlen(cwd);
		if (n > 1 && !strncmp(file, cwd, n) && file[n] == '/')
			file += n + 1;
	}
	while (file[0] == '.' && file[1] == '/') {
		file += 2;
		while (*file == '/')
			file++;
	}
	lw_strbuf_adds(sb, *file ? file : "Dockerfile");
}

json_t *lwr_jmust(json_t *v)
{
	if (!v)
		abort();
	return v;
}

void lwr_jput(json_t *o, const char *key, json_t *v)
{
	if (json_object_set_new(o, key, lwr_jmust(v)))
		abort();
}

json_t *lwr_jtext(const char *s)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	json_t *v;

	if (!s)
		return lwr_jmust(json_null());
	lwr_utf8_clean(&sb, s);
	v = lwr_jmust(json_stringn(sb.buf, sb.len));
	lw_strbuf_release(&sb);
	return v;
}

int lwr_json_dumpf(const json_t *v, FILE *f, size_t flags)
{
	char *text = lwr_json_escape_unsafe(json_dumps(v, flags));
	int rc;

	if (!text)
		return -1;
	rc = fputs(text, f) == EOF ? -1 : 0;
	free(text);
	return rc;
}
