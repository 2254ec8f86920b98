/* Config files: .layerwaste.yml and dive's .dive-ci, through libyaml's
 * document loader (which keeps the line of every node for errors). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <yaml.h>

#include "layerwaste/judge.h"
#include "layerwaste/util.h"

struct cfg {
	const char *name;
	yaml_document_t *doc;
	struct lw_rules_config *c;
	struct lw_error *err;
	struct lw_suppress_rule *entry; /* the `ignore:` entry being read */
};

LW_PRINTF(3, 4)
static int fail(struct cfg *g, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[LW_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!n)
		return lw_error_set(g->err, LW_ERR_USAGE, "%s: %s", g->name,
				    msg);
	return lw_error_set(g->err, LW_ERR_USAGE, "%s:%zu: %s", g->name,
			    n->start_mark.line + 1, msg);
}

static const char *shape(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SEQUENCE_NODE: return "a list";
	case YAML_MAPPING_NODE: return "a mapping";
	default: return "a value";
	}
}

static int is_null(const yaml_node_t *n)
{
	const char *v = (const char *)n->data.scalar.value;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return !*v || !strcmp(v, "~") || !strcmp(v, "null") ||
	       !strcmp(v, "Null") || !strcmp(v, "NULL");
}

/* The text of a scalar (borrowed from the document), or NULL after an
 * error for anything else. */
static const char *scalar(struct cfg *g, const char *key,
			  const yaml_node_t *n)
{
	const char *v;

	if (n->type != YAML_SCALAR_NODE) {
		fail(g, n, "%s: must be a value, not %s", key, shape(n));
		return NULL;
	}
	v = (const char *)n->data.scalar.value;
	if (strlen(v) != n->data.scalar.length) {
		fail(g, n, "%s: holds a NUL byte", key);
		return NULL;
	}
	return v;
}

/* Calls fn on each key/value pair of mapping n, after checking that the
 * keys are scalars and none repeats. */
static int each_pair(struct cfg *g, const char *what, const yaml_node_t *n,
		     int (*fn)(struct cfg *, const char *, yaml_node_t *))
{
	const yaml_node_pair_t *p, *q;
	yaml_node_t *k, *v, *k2;
	const char *key;
	int rc;

	if (n->type != YAML_MAPPING_NODE)
		return fail(g, n, "%s: must be a mapping of keys, not %s",
			    what, shape(n));
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		k = yaml_document_get_node(g->doc, p->key);
		v = yaml_document_get_node(g->doc, p->value);
		if (!k || !v || k->type != YAML_SCALAR_NODE)
			return fail(g, k, "%s: a key must be a plain name",
				    what);
		key = (const char *)k->data.scalar.value;
		for (q = n->data.mapping.pairs.start; q < p; q++) {
			k2 = yaml_document_get_node(g->doc, q->key);
			if (!strcmp(key, (const char *)k2->data.scalar.value))
				return fail(g, k, "%s: duplicate key", key);
		}
		rc = fn(g, key, v);
		if (rc)
			return rc;
	}
	return LW_OK;
}

/* Adds "PATH:LINE: " before a message of rules.c ("KEY: ..."). */
static int relay(struct cfg *g, const yaml_node_t *n, int rc)
{
	char msg[LW_ERROR_MSG_MAX];

	if (rc == LW_OK)
		return rc;
	snprintf(msg, sizeof(msg), "%s", g->err ? g->err->msg : "");
	return fail(g, n, "%s", msg);
}

static const char *const dive_keys[][2] = {
	{ "lowestEfficiency", "lowest-efficiency" },
	{ "highestWastedBytes", "highest-wasted-bytes" },
	{ "highestUserWastedPercent", "highest-user-wasted-percent" },
};

static int our_rule(struct cfg *g, const char *key, yaml_node_t *v)
{
	int rule = lw_rule_from_id(key);
	const char *s;
	size_t i;

	if (rule < 0) {
		for (i = 0; i < 3; i++)
			if (!strcmp(key, dive_keys[i][0]))
				return fail(g, v, "%s: unknown rule (dive's "
					    "name; here it is '%s')", key,
					    dive_keys[i][1]);
		return fail(g, v, "%s: unknown rule (see docs/ci.md for the "
			    "list)", key);
	}
	if (is_null(v))
		return fail(g, v, "%s: no value (write a limit, or "
			    "'disabled')", key);
	s = scalar(g, key, v);
	if (!s)
		return LW_ERR_USAGE;
	return relay(g, v, lw_rules_set_value(g->c, rule, key, s, g->err));
}

/* keys: ACTION: "ctrl+a, a" or a list of keys. */
static int our_key(struct cfg *g, const char *key, yaml_node_t *v)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	const yaml_node_item_t *it;
	const yaml_node_t *item;
	const char *s;
	int rc;

	if (is_null(v))
		return fail(g, v, "%s: no key", key);
	if (v->type == YAML_SEQUENCE_NODE) {
		for (it = v->data.sequence.items.start;
		     it < v->data.sequence.items.top; it++) {
			item = yaml_document_get_node(g->doc, *it);
			s = item ? scalar(g, key, item) : NULL;
			if (!s) {
				lw_strbuf_release(&sb);
				return LW_ERR_USAGE;
			}
			lw_strbuf_addf(&sb, "%s%s", sb.len ? "," : "", s);
		}
		s = sb.len ? sb.buf : "";
	} else {
		s = scalar(g, key, v);
		if (!s)
			return LW_ERR_USAGE;
	}
	rc = relay(g, v, lw_keys_set(g->c, key, s, g->err));
	lw_strbuf_release(&sb);
	return rc;
}

/* "YYYY-MM-DD" of a real day. */
static int is_date(const char *s)
{
	static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
				    30, 31 };
	int y, m, d, n = 0;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 ||
	    n != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	return y >= 1970 && m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1] &&
	       (m != 2 || d < 29 || (y % 4 == 0 && (y % 100 || y % 400 == 0)));
}

static const char *const entry_keys[] = { "kind", "path", "line",
	"instruction", "fingerprint", "reason", "expires" };

static int ignore_key(struct cfg *g, const char *key, yaml_node_t *v)
{
	struct lw_suppress_rule *r = g->entry;
	const char *s, *near;
	char **slot = NULL;
	char *end;
	long line;

	if (is_null(v))
		return fail(g, v, "ignore: %s: no value", key);
	s = scalar(g, key, v);
	if (!s)
		return LW_ERR_USAGE;
	if (!*s)
		return fail(g, v, "ignore: %s: empty", key);
	if (!strcmp(key, "kind")) {
		slot = &r->kind;
		if (lw_kind_from_name(s) < 0 && strcmp(s, "all") &&
		    strcmp(s, "chown-chmod"))
			return fail(g, v, "ignore: kind: unknown kind '%s' "
				    "(chown, chmod, chown+chmod, touch, "
				    "overwrite, delete, all)", s);
	} else if (!strcmp(key, "path")) {
		slot = &r->path;
	} else if (!strcmp(key, "instruction")) {
		slot = &r->instruction;
	} else if (!strcmp(key, "fingerprint")) {
		slot = &r->fingerprint;
	} else if (!strcmp(key, "reason")) {
		slot = &r->reason;
	} else if (!strcmp(key, "expires")) {
		if (!is_date(s))
			return fail(g, v, "ignore: expires: '%s' is not a date "
				    "(YYYY-MM-DD)", s);
		slot = &r->expires;
	} else if (!strcmp(key, "line")) {
		errno = 0;
		line = strtol(s, &end, 10);
		if (errno || *end || end == s || line < 1 || line > 1000000)
			return fail(g, v, "ignore: line: '%s' is not a line "
				    "number", s);
		r->line = (int)line;
		return LW_OK;
	} else {
		near = lw_closest_name(key, entry_keys, sizeof(entry_keys) /
				       sizeof(entry_keys[0]));
		return fail(g, v, "ignore: %s: unknown key%s%s%s (known: "
			    "kind, path, line, instruction, fingerprint, "
			    "reason, expires)", key, near ? " (did you mean " :
			    "", near ? near : "", near ? "?)" : "");
	}
	if (strlen(s) > LW_IGNORE_LEN_MAX)
		return fail(g, v, "ignore: %s: longer than %d bytes", key,
			    LW_IGNORE_LEN_MAX);
	*slot = lw_xstrdup(s);
	if (slot == &r->path && r->path[0] != '/' && r->path[0] != '*') {
		char *p = lw_xmalloc(strlen(s) + 2);

		p[0] = '/';
		strcpy(p + 1, s);
		free(r->path);
		r->path = p;
	}
	return LW_OK;
}

/* ignore: a list of mappings, each with a reason and something to
 * match. An entry whose date has passed is kept, marked expired. */
static int ignore_list(struct cfg *g, const char *key, yaml_node_t *v)
{
	const yaml_node_item_t *it;
	yaml_node_t *item;
	struct lw_rules_config *c = g->c;
	char today[16];
	time_t now = time(NULL);
	struct tm tm;
	int rc;

	if (v->type != YAML_SEQUENCE_NODE)
		return fail(g, v, "%s: must be a list of entries, not %s", key,
			    shape(v));
	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		struct lw_suppress_rule *r;

		item = yaml_document_get_node(g->doc, *it);
		if (!item)
			return fail(g, v, "%s: a bad entry", key);
		if (c->nsuppress == LW_IGNORE_MAX)
			return fail(g, item, "%s: more than %d entries", key,
				    LW_IGNORE_MAX);
		c->suppress = lw_xrealloc(c->suppress, (c->nsuppress + 1) *
					  sizeof(*c->suppress));
		r = &c->suppress[c->nsuppress++];
		memset(r, 0, sizeof(*r));
		r->src_line = (int)item->start_mark.line + 1;
		g->entry = r;
		rc = each_pair(g, key, item, ignore_key);
		if (rc)
			return rc;
		if (!r->reason)
			return fail(g, item, "%s: an entry needs a reason", key);
		if (!r->kind && !r->path && !r->line && !r->instruction &&
		    !r->fingerprint)
			return fail(g, item, "%s: an entry needs kind, path, "
				    "line, instruction or fingerprint", key);
		r->expired = r->expires && strcmp(r->expires, today) < 0;
	}
	return LW_OK;
}

/* severity: KEY: error|warning|note. */
static int our_severity(struct cfg *g, const char *key, yaml_node_t *v)
{
	const char *s;

	if (is_null(v))
		return fail(g, v, "severity: %s: no value (error, warning or "
			    "note)", key);
	s = scalar(g, key, v);
	if (!s)
		return LW_ERR_USAGE;
	return relay(g, v, lw_severity_set(g->c, key, s,
					   (int)v->start_mark.line + 1,
					   g->err));
}

static const char *const top_keys[] = { "rules", "keys", "ignore-paths",
	"min-finding-bytes", "min-wasted-bytes-for-percent", "profile",
	"space-readme", "judge-base", "ignore", "baseline", "severity",
	"fail-on" };

static int our_top(struct cfg *g, const char *key, yaml_node_t *v)
{
	const char *near;
	const yaml_node_item_t *it;
	const yaml_node_t *item;
	const char *s;
	int rc;

	if (!strcmp(key, "rules"))
		return each_pair(g, key, v, our_rule);
	if (!strcmp(key, "keys"))
		return each_pair(g, key, v, our_key);
	if (!strcmp(key, "ignore"))
		return ignore_list(g, key, v);
	if (!strcmp(key, "severity"))
		return each_pair(g, key, v, our_severity);
	if (!strcmp(key, "ignore-paths")) {
		if (v->type != YAML_SEQUENCE_NODE)
			return fail(g, v, "%s: must be a list of globs, not "
				    "%s", key, shape(v));
		for (it = v->data.sequence.items.start;
		     it < v->data.sequence.items.top; it++) {
			item = yaml_document_get_node(g->doc, *it);
			s = item ? scalar(g, key, item) : NULL;
			if (!s)
				return LW_ERR_USAGE;
			rc = relay(g, item, lw_rules_set(g->c, key, s, g->err));
			if (rc)
				return rc;
		}
		return LW_OK;
	}
	if (!strcmp(key, "min-finding-bytes") ||
	    !strcmp(key, "min-wasted-bytes-for-percent") ||
	    !strcmp(key, "profile") || !strcmp(key, "space-readme") ||
	    !strcmp(key, "judge-base") || !strcmp(key, "baseline") ||
	    !strcmp(key, "fail-on")) {
		if (is_null(v))
			return fail(g, v, "%s: no value", key);
		s = scalar(g, key, v);
		if (!s)
			return LW_ERR_USAGE;
		return relay(g, v, lw_rules_set(g->c, key, s, g->err));
	}
	if (lw_rule_from_id(key) >= 0)
		return fail(g, v, "%s: unknown key (rules go under 'rules:')",
			    key);
	near = lw_closest_name(key, top_keys, sizeof(top_keys) /
			       sizeof(top_keys[0]));
	return fail(g, v, "%s: unknown key%s%s%s (known: rules, keys, "
		    "ignore-paths, min-finding-bytes, "
		    "min-wasted-bytes-for-percent, profile, space-readme, "
		    "judge-base, ignore, baseline, severity, fail-on)", key,
		    near ? " (did you mean " : "", near ? near : "",
		    near ? "?)" : "");
}

static int dive_rule(struct cfg *g, const char *key, yaml_node_t *v)
{
	const char *s;
	size_t i;

	for (i = 0; i < 3; i++)
		if (!strcmp(key, dive_keys[i][0]))
			break;
	if (i == 3) {
		if (lw_rule_from_id(key) >= 0)
			return fail(g, v, "%s: unknown key in a .dive-ci "
				    "(dive's keys are lowestEfficiency, "
				    "highestWastedBytes, "
				    "highestUserWastedPercent)", key);
		return fail(g, v, "%s: unknown key (a .dive-ci knows "
			    "lowestEfficiency, highestWastedBytes, "
			    "highestUserWastedPercent)", key);
	}
	/* dive takes an empty value as "disabled". */
	s = is_null(v) ? "disabled" : scalar(g, key, v);
	if (!s)
		return LW_ERR_USAGE;
	return relay(g, v, lw_rules_set_value(g->c,
		lw_rule_from_id(dive_keys[i][1]), key, s, g->err));
}

static int dive_top(struct cfg *g, const char *key, yaml_node_t *v)
{
	if (strcmp(key, "rules"))
		return fail(g, v, "%s: unknown key (a .dive-ci has only "
			    "'rules')", key);
	return each_pair(g, key, v, dive_rule);
}

static int parse_error(struct cfg *g, yaml_parser_t *p)
{
	return lw_error_set(g->err, LW_ERR_USAGE, "%s:%zu: invalid YAML: %s",
			    g->name, p->problem_mark.line + 1,
			    p->problem ? p->problem : "parse error");
}

int lw_config_load_text(struct lw_rules_config *c, const char *text,
			size_t len, const char *name, int format,
			struct lw_error *err)
{
	struct cfg g = { name, NULL, c, err, NULL };
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	yaml_node_t *root;
	int rc = LW_OK;

	if (len > LW_CONFIG_MAX_BYTES)
		return lw_error_set(err, LW_ERR_USAGE, "%s: larger than %d "
				    "bytes", name, LW_CONFIG_MAX_BYTES);
	if (format == LW_CONFIG_DIVE) {
		/* dive's defaults for the keys a .dive-ci leaves out. */
		lw_rules_set(c, "lowest-efficiency", "0.9", NULL);
		lw_rules_set(c, "highest-wasted-bytes", "disabled", NULL);
		lw_rules_set(c, "highest-user-wasted-percent", "0.1", NULL);
	}
	if (!yaml_parser_initialize(&parser))
		return lw_error_set(err, LW_ERR_NOMEM, "%s: out of memory",
				    name);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
				     len);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = parse_error(&g, &parser);
		goto out_parser;
	}
	g.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (root && is_null(root))
		root = NULL;
	if (root)
		rc = each_pair(&g, "the top level", root,
			       format == LW_CONFIG_DIVE ? dive_top : our_top);
	if (!rc) {
		if (!yaml_parser_load(&parser, &extra)) {
			rc = parse_error(&g, &parser);
		} else {
			if (yaml_document_get_root_node(&extra))
				rc = fail(&g, yaml_document_get_root_node(
					  &extra), "a second YAML document "
					  "(only one is read)");
			yaml_document_delete(&extra);
		}
	}
	yaml_document_delete(&doc);
out_parser:
	yaml_parser_delete(&parser);
	if (!rc) {
		free(c->source);
		c->source = lw_xstrdup(name);
		c->dive_format = format == LW_CONFIG_DIVE;
	}
	return rc;
}

int lw_config_load(struct lw_rules_config *c, const char *path, int format,
		   struct lw_error *err)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	int rc;

	if (lw_read_capped(path, LW_CONFIG_MAX_BYTES, &sb) < 0)
		rc = lw_error_set(err, LW_ERR_USAGE, "cannot read config "
				  "'%s': %s", path, strerror(errno));
	else
		rc = lw_config_load_text(c, sb.buf, sb.len, path, format,
					 err);
	lw_strbuf_release(&sb);
	return rc;
}

int lw_config_find(const char *dir, char **path, int *format)
{
	static const struct { const char *name; int format; } names[] = {
		{ ".layerwaste.yml", LW_CONFIG_LAYERWASTE },
		{ ".layerwaste.yaml", LW_CONFIG_LAYERWASTE },
		{ ".dive-ci", LW_CONFIG_DIVE },
	};
	struct lw_strbuf sb = LW_STRBUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		lw_strbuf_reset(&sb);
		if (dir && strcmp(dir, ".")) {
			lw_strbuf_adds(&sb, dir);
			lw_strbuf_addc(&sb, '/');
		}
		lw_strbuf_adds(&sb, names[i].name);
		if (access(sb.buf, F_OK) == 0) {
			*path = lw_strbuf_detach(&sb);
			*format = names[i].format;
			return 1;
		}
	}
	lw_strbuf_release(&sb);
	*path = NULL;
	return 0;
}
