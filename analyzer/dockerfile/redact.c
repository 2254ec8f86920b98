/* Secret-looking names, and history text with their values hidden:
 * every renderer shows history through lw_redact_history(). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layerwaste/dockerfile.h"
#include "layerwaste/util.h"

#define NAME_MAX_LEN 256
#define REDACTED "***"

static int secret_part(const char *p, size_t n)
{
	static const char *const words[] = {
		"TOKEN", "TOKENS", "SECRET", "SECRETS", "KEY", "KEYS",
		"PASSWORD", "PASSWORDS", "PASSWD", "CREDENTIAL", "CREDENTIALS",
		"PRIVATE", "APIKEY", "ACCESSKEY",
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && !strncasecmp(p, words[i], n))
			return 1;
	return 0;
}

int lw_secret_name(const char *name)
{
	const char *p = name, *e;
	int hit = 0;

	if (!name || strlen(name) > NAME_MAX_LEN)
		return 0;
	while (*p) {
		for (e = p; *e && !strchr("_-.", *e); e++)
			;
		if ((size_t)(e - p) == 3 && !strncasecmp(p, "GPG", 3))
			return 0;
		if ((size_t)(e - p) == 6 && !strncasecmp(p, "PUBLIC", 6))
			return 0;
		hit |= secret_part(p, (size_t)(e - p));
		p = *e ? e + 1 : e;
	}
	return hit;
}

static int name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

/* Replaces "NAME=value" with "NAME=***" wherever NAME looks like a secret
 * and the value is no variable reference; a value ends at a blank outside
 * quotes. Runs after the build args, whose values may hold blanks. */
static void redact_assignments(struct lw_strbuf *out, const char *s)
{
	const char *p = s, *w, *v, *e;
	char name[NAME_MAX_LEN + 1], q;

	while (*p) {
		if (!name_char(*p) || (p > s && name_char(p[-1]))) {
			lw_strbuf_addc(out, *p++);
			continue;
		}
		for (w = p; name_char(*w); w++)
			;
		if (*w != '=' || (size_t)(w - p) > NAME_MAX_LEN) {
			lw_strbuf_add(out, p, (size_t)(w - p));
			p = w;
			continue;
		}
		memcpy(name, p, (size_t)(w - p));
		name[w - p] = '\0';
		v = w + 1;
		for (e = v, q = 0; *e && (q || (*e != ' ' && *e != '\t' &&
						  *e != '\n')); e++) {
			if (!q && (*e == '"' || *e == '\''))
				q = *e;
			else if (q && *e == q)
				q = 0;
		}
		lw_strbuf_add(out, p, (size_t)(v - p));
		if (lw_secret_name(name) && e > v && *v != '$' &&
		    strncmp(v, REDACTED, strlen(REDACTED)))
			lw_strbuf_adds(out, REDACTED);
		else
			lw_strbuf_add(out, v, (size_t)(e - v));
		p = e;
	}
}

char *lw_redact_history(const char *created_by)
{
	struct lw_hist_instr h;
	struct lw_strbuf a = LW_STRBUF_INIT, b = LW_STRBUF_INIT;
	const char *p, *q, *hit;
	size_t i, n;

	if (!created_by)
		return NULL;
	memset(&h, 0, sizeof(h));
	lw_history_parse(created_by, NULL, &h);
	lw_strbuf_adds(&a, created_by);
	/* Build-arg values first: they run to the next " NAME=", blanks
	 * and all, so cut each exactly as the parser read it. */
	for (i = 0; i < h.nbuild_args; i++) {
		const struct lw_hist_arg *ba = &h.build_args[i];

		if (!ba->value || !*ba->value || !lw_secret_name(ba->name))
			continue;
		lw_strbuf_reset(&b);
		n = strlen(ba->name);
		for (p = q = a.buf; (hit = strstr(q, ba->name)); ) {
			q = hit + n;
			if (*q != '=' ||
			    strncmp(q + 1, ba->value, strlen(ba->value)))
				continue;
			lw_strbuf_add(&b, p, (size_t)(q + 1 - p));
			lw_strbuf_adds(&b, REDACTED);
			p = q = q + 1 + strlen(ba->value);
		}
		lw_strbuf_adds(&b, p);
		lw_strbuf_reset(&a);
		lw_strbuf_adds(&a, b.buf);
	}
	lw_strbuf_reset(&b);
	redact_assignments(&b, a.buf);
	/* ENV in the legacy "ENV NAME value" form. */
	if (h.keyword && (!strcmp(h.keyword, "ENV") ||
			  !strcmp(h.keyword, "ARG")) && h.args) {
		const char *sp = strpbrk(h.args, " \t");
		const char *eq = strchr(h.args, '=');
		char name[NAME_MAX_LEN + 1];

		if (sp && (!eq || eq > sp) &&
		    (size_t)(sp - h.args) <= NAME_MAX_LEN) {
			memcpy(name, h.args, (size_t)(sp - h.args));
			name[sp - h.args] = '\0';
			hit = lw_secret_name(name) ? strstr(b.buf, h.args) :
				NULL;
			if (hit) {
				b.len = (size_t)(hit - b.buf) +
					(size_t)(sp - h.args) + 1;
				b.buf[b.len] = '\0';
				lw_strbuf_adds(&b, REDACTED);
			}
		}
	}
	lw_hist_instr_release(&h);
	lw_strbuf_release(&a);
	return lw_strbuf_detach(&b);
}

static int starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

void lw_history_short(const char *created_by, struct lw_strbuf *out)
{
	char *red = lw_redact_history(created_by);
	const char *s = red, *sh;
	size_t start = out->len;
	int space = 0, run = 0;

	if (!s)
		return;
	while (lw_is_space(*s))
		s++;
	/* BuildKit with build args: "RUN |1 A=1 /bin/sh -c cmd". */
	if (starts(s, "RUN |")) {
		run = 1;
		s += 4;
	}
	/* Classic builder with build args: "|2 A=1 B=2 /bin/sh -c cmd". */
	if (s[0] == '|' && s[1] >= '0' && s[1] <= '9' &&
	    (sh = strstr(s, "/bin/sh -c ")))
		s = sh;
	if (run)
		lw_strbuf_adds(out, "RUN ");
	if (starts(s, "RUN /bin/sh -c ")) {
		lw_strbuf_adds(out, "RUN ");
		s += strlen("RUN /bin/sh -c ");
	} else if (starts(s, "/bin/sh -c ")) {
		s += strlen("/bin/sh -c ");
	}
	while (lw_is_space(*s))
		s++;
	if (starts(s, "#(nop) "))
		s += strlen("#(nop) ");
	while (lw_is_space(*s))
		s++;
	for (; *s; s++) {
		if (lw_is_space(*s)) {
			space = 1;
			continue;
		}
		if (space && out->len > start)
			lw_strbuf_addc(out, ' ');
		space = 0;
		lw_strbuf_addc(out, *s);
	}
	if (out->len >= start + strlen("# buildkit") &&
	    strcmp(out->buf + out->len - strlen("# buildkit"),
		   "# buildkit") == 0) {
		out->len -= strlen("# buildkit");
		while (out->len > start && out->buf[out->len - 1] == ' ')
			out->len--;
		out->buf[out->len] = '\0';
	}
	free(red);
}
