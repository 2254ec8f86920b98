#include <stdint.h>

#include "json_attr.h"
#include "layerwaste/attrib.h"
#include "layerwaste/util.h"
#include "ci_priv.h"
#include "render_priv.h"

static json_t *line_or_null(const char *file, int line)
{
	return file ? lwr_jmust(json_integer(line)) : lwr_jmust(json_null());
}

json_t *lw_json_instruction(const struct lw_result *r, size_t layer)
{
	const struct lw_attribution *at = r->attribution;
	const struct lw_layer_attr *la;
	json_t *o;

	if (!at || layer >= at->nlayers)
		return lwr_jmust(json_null());
	la = &at->layers[layer];
	if (!la->keyword && !la->file && !la->base)
		return lwr_jmust(json_null());
	o = lwr_jmust(json_object());
	lwr_jput(o, "keyword", lwr_jtext(la->keyword));
	lwr_jput(o, "args", lwr_jtext(la->args));
	lwr_jput(o, "file", lwr_jtext(la->file));
	lwr_jput(o, "line", line_or_null(la->file, la->line));
	lwr_jput(o, "end_line", line_or_null(la->file, la->end_line));
	lwr_jput(o, "text", lwr_jtext(la->text));
	lwr_jput(o, "stage", lwr_jtext(la->stage));
	lwr_jput(o, "base", lwr_jmust(json_boolean(la->base)));
	lwr_jput(o, "base_ref", lwr_jtext(la->base_ref));
	return o;
}

json_t *lw_json_attribution(const struct lw_result *r)
{
	json_t *o = lwr_jmust(json_object());
	const struct lw_attribution *at = r->attribution;

	lwr_jput(o, "dockerfile", lwr_jtext(at ? at->dockerfile : NULL));
	lwr_jput(o, "aligned", lwr_jmust(json_boolean(at && at->aligned)));
	lwr_jput(o, "note", lwr_jtext(at ? at->alignment_note : NULL));
	return o;
}

static json_t *suggestion(const struct lw_suggestion *s)
{
	json_t *o = lwr_jmust(json_object()), *a = lwr_jmust(json_array());
	size_t i;

	lwr_jput(o, "id", lwr_jtext(s->id));
	lwr_jput(o, "kind", lwr_jtext(lw_fix_kind_name(s->kind)));
	lwr_jput(o, "title", lwr_jtext(s->title));
	lwr_jput(o, "detail", lwr_jtext(s->detail));
	lwr_jput(o, "safe", lwr_jmust(json_boolean(s->safe)));
	lwr_jput(o, "file", lwr_jtext(s->file));
	lwr_jput(o, "line", line_or_null(s->file, s->line));
	lwr_jput(o, "end_line", line_or_null(s->file, s->end_line));
	lwr_jput(o, "before", lwr_jtext(s->before));
	lwr_jput(o, "after", lwr_jtext(s->after));
	lwr_jput(o, "saves_bytes", lwr_jmust(json_integer((json_int_t)s->saves_bytes)));
	lwr_jput(o, "saves_compressed_bytes",
	    lwr_jmust(json_integer((json_int_t)s->saves_compressed_bytes)));
	for (i = 0; i < s->nfinding_layers; i++)
		if (json_array_append_new(a, lwr_jmust(json_integer(
				s->finding_layers[i]))))
			abort();
	lwr_jput(o, "finding_layers", a);
	return o;
}

json_t *lw_json_suggestions(const struct lw_result *r)
{
	const struct lw_attribution *at = r->attribution;
	json_t *a = lwr_jmust(json_array());
	size_t i;

	for (i = 0; at && i < at->nsuggestions; i++)
		if (json_array_append_new(a, suggestion(&at->suggestions[i])))
			abort();
	return a;
}

json_t *lw_json_cause_suggestion(const struct lw_result *r, size_t group)
{
	const struct lw_attribution *at = r->attribution;

	if (!at || group >= at->ncauses || at->causes[group].suggestion < 0)
		return lwr_jmust(json_null());
	return lwr_jmust(json_integer(at->causes[group].suggestion));
}
