#include <stdint.h>

#include "json_attr.h"
#include "layerwaste/attrib.h"
#include "layerwaste/strbuf.h"
#include "ci_priv.h"
#include "render_priv.h"

static json_t *must(json_t *v)
{
	if (!v)
		abort();
	return v;
}

/* Archive and Dockerfile text: invalid UTF-8 bytes as \xNN. */
static json_t *atext(const char *s)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	json_t *v;

	if (!s)
		return must(json_null());
	lwr_utf8_clean(&sb, s);
	v = must(json_stringn(sb.buf ? sb.buf : "", sb.len));
	lw_strbuf_release(&sb);
	return v;
}

static void put(json_t *o, const char *key, json_t *v)
{
	if (json_object_set_new(o, key, v))
		abort();
}

static json_t *line_or_null(const char *file, int line)
{
	return file ? must(json_integer(line)) : must(json_null());
}

json_t *lw_json_instruction(const struct lw_analysis *an, size_t layer)
{
	const struct lw_layer_attr *la;
	json_t *o;

	if (!an->attr || layer >= an->attr->nlayers)
		return must(json_null());
	la = &an->attr->layers[layer];
	if (!la->keyword && !la->file && !la->base)
		return must(json_null());
	o = must(json_object());
	put(o, "keyword", atext(la->keyword));
	put(o, "args", atext(la->args));
	put(o, "file", atext(la->file));
	put(o, "line", line_or_null(la->file, la->line));
	put(o, "end_line", line_or_null(la->file, la->end_line));
	put(o, "text", atext(la->text));
	put(o, "stage", atext(la->stage));
	put(o, "base", must(json_boolean(la->base)));
	put(o, "base_ref", atext(la->base_ref));
	return o;
}

json_t *lw_json_attribution(const struct lw_analysis *an)
{
	json_t *o = must(json_object());
	const struct lw_attribution *at = an->attr;

	put(o, "dockerfile", atext(at ? at->dockerfile : NULL));
	put(o, "aligned", must(json_boolean(at && at->aligned)));
	put(o, "note", atext(at ? at->alignment_note : NULL));
	return o;
}

static json_t *suggestion(const struct lw_suggestion *s)
{
	json_t *o = must(json_object()), *a = must(json_array());
	size_t i;

	put(o, "id", atext(s->id));
	put(o, "kind", atext(lw_fix_kind_name(s->kind)));
	put(o, "title", atext(s->title));
	put(o, "detail", atext(s->detail));
	put(o, "safe", must(json_boolean(s->safe)));
	put(o, "file", atext(s->file));
	put(o, "line", line_or_null(s->file, s->line));
	put(o, "end_line", line_or_null(s->file, s->end_line));
	put(o, "before", atext(s->before));
	put(o, "after", atext(s->after));
	put(o, "saves_bytes", must(json_integer((json_int_t)s->saves_bytes)));
	put(o, "saves_compressed_bytes",
	    must(json_integer((json_int_t)s->saves_compressed_bytes)));
	for (i = 0; i < s->nfinding_layers; i++)
		if (json_array_append_new(a, must(json_integer(
				s->finding_layers[i]))))
			abort();
	put(o, "finding_layers", a);
	return o;
}

json_t *lw_json_suggestions(const struct lw_analysis *an)
{
	json_t *a = must(json_array());
	size_t i;

	for (i = 0; an->attr && i < an->attr->nsuggestions; i++)
		if (json_array_append_new(a, suggestion(
				&an->attr->suggestions[i])))
			abort();
	return a;
}

json_t *lw_json_cause_suggestion(const struct lw_analysis *an, size_t group)
{
	if (!an->attr || group >= an->attr->ncauses ||
	    an->attr->causes[group].suggestion < 0)
		return must(json_null());
	return must(json_integer(an->attr->causes[group].suggestion));
}
