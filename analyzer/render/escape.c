/* Escaping of untrusted names for the terminal and for formats that
 * cannot hold every byte.
 *
 * Names from archives may hold anything but NUL and '/'. Like bsdtar's
 * safe_fprintf, every byte that could drive a terminal is shown as \xNN:
 * C0 controls, DEL, C1 controls (U+0080..U+009F, which some terminals
 * obey), invalid UTF-8, and the invisible bidi and line-separator code
 * points (which reorder or break what is shown: "Trojan Source"). The
 * backslash becomes "\\" so that an escape is never ambiguous. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/judge.h"
#include "layerwaste/render.h"
#include "render_priv.h"

int lwr_utf8_seq(const char *s, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t v, min;
	int n, i;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		n = 2;
		v = u[0] & 0x1f;
		min = 0x80;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		n = 3;
		v = u[0] & 0x0f;
		min = 0x800;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		n = 4;
		v = u[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (u[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

/* Valid code points that must not reach a terminal as they are. */
static int cp_unsafe(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c ||
	       cp == 0x200e || cp == 0x200f || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

size_t lwr_escape_unit(const char *s, char *out, int *cols)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp = 0;
	int n = lwr_utf8_seq(s, &cp);
	int i;

	if (n == 1 && cp >= 0x20 && cp < 0x7f) {
		if (cp == '\\') {
			strcpy(out, "\\\\");
			*cols = 2;
		} else {
			out[0] = (char)cp;
			out[1] = '\0';
			*cols = 1;
		}
		return 1;
	}
	if (n > 1 && !cp_unsafe(cp)) {
		memcpy(out, s, (size_t)n);
		out[n] = '\0';
		*cols = 1;
		return (size_t)n;
	}
	if (n == 0)
		n = 1;
	for (i = 0; i < n; i++)
		snprintf(out + 4 * i, 5, "\\x%02x", u[i]);
	*cols = 4 * n;
	return (size_t)n;
}

int lwr_escaped_cols(const char *s)
{
	char unit[LWR_UNIT_MAX];
	int cols = 0, c;

	while (s && *s) {
		s += lwr_escape_unit(s, unit, &c);
		cols += c;
	}
	return cols;
}

int lw_fput_escaped(FILE *f, const char *s)
{
	char unit[LWR_UNIT_MAX];
	int cols = 0, c;

	while (s && *s) {
		s += lwr_escape_unit(s, unit, &c);
		if (fputs(unit, f) == EOF)
			return -1;
		cols += c;
	}
	return ferror(f) ? -1 : cols;
}

void lw_escape(const char *s, char *buf, size_t size)
{
	char unit[LWR_UNIT_MAX];
	size_t len = 0, ulen;
	int c;

	if (size == 0)
		return;
	while (s && *s) {
		s += lwr_escape_unit(s, unit, &c);
		ulen = strlen(unit);
		if (len + ulen >= size)
			break;
		memcpy(buf + len, unit, ulen);
		len += ulen;
	}
	buf[len] = '\0';
}

int lwr_escape_cut(struct lw_strbuf *sb, const char *s, int maxcols,
		   int cut_left)
{
	char unit[LWR_UNIT_MAX];
	int total = lwr_escaped_cols(s), keep, cols = 0, c;
	size_t n;

	if (maxcols <= 0 || !s)
		return 0;
	if (total <= maxcols) {
		while (*s) {
			s += lwr_escape_unit(s, unit, &c);
			lw_strbuf_adds(sb, unit);
		}
		return total;
	}
	if (maxcols <= 3) {
		lw_strbuf_add(sb, "...", (size_t)maxcols);
		return maxcols;
	}
	keep = maxcols - 3;
	if (!cut_left) {
		while (*s) {
			n = lwr_escape_unit(s, unit, &c);
			if (cols + c > keep)
				break;
			lw_strbuf_adds(sb, unit);
			cols += c;
			s += n;
		}
		lw_strbuf_adds(sb, "...");
		return cols + 3;
	}
	lw_strbuf_adds(sb, "...");
	/* Skip units from the start until the rest fits in keep. */
	while (*s && total > keep) {
		s += lwr_escape_unit(s, unit, &c);
		total -= c;
	}
	while (*s) {
		s += lwr_escape_unit(s, unit, &c);
		lw_strbuf_adds(sb, unit);
	}
	return total + 3;
}

void lwr_utf8_clean(struct lw_strbuf *sb, const char *s)
{
	uint32_t cp;
	int n;

	while (s && *s) {
		n = lwr_utf8_seq(s, &cp);
		if (n == 0) {
			lw_strbuf_addf(sb, "\\x%02x", (unsigned char)*s);
			s++;
		} else {
			lw_strbuf_add(sb, s, (size_t)n);
			s += n;
		}
	}
}

static void printable(struct lw_strbuf *sb, const char *s, int lines)
{
	char unit[LWR_UNIT_MAX];
	int cols;

	while (s && *s) {
		if (*s == '\\' || (lines && (*s == '\n' || *s == '\t'))) {
			lw_strbuf_addc(sb, *s++);
			continue;
		}
		s += lwr_escape_unit(s, unit, &cols);
		lw_strbuf_adds(sb, unit);
	}
}

void lwr_printable(struct lw_strbuf *sb, const char *s)
{
	printable(sb, s, 0);
}

void lwr_printable_lines(struct lw_strbuf *sb, const char *s)
{
	printable(sb, s, 1);
}

/* Bytes a JSON string holds as they are, before and after every step of
 * lwr_json_str: ASCII from space on, but for '"' and '\\'. DEL too:
 * jansson escapes below 0x20 only. */
static int json_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

void lwr_json_str(struct lw_strbuf *sb, const char *prefix, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *run;
	char esc[8];
	uint32_t cp;
	int n;

	lw_strbuf_addc(sb, '"');
	lw_strbuf_adds(sb, prefix);
	while (*s) {
		for (run = s; json_plain((unsigned char)*s); s++)
			;
		if (s > run)
			lw_strbuf_add(sb, run, (size_t)(s - run));
		if (!*s)
			break;
		n = lwr_utf8_seq(s, &cp);
		if (n == 0) {
			/* lwr_utf8_clean's \xNN, its backslash escaped. */
			snprintf(esc, sizeof(esc), "\\\\x%02x",
				 (unsigned char)*s);
			lw_strbuf_add(sb, esc, 5);
			s++;
		} else if (n > 1) {
			if (cp_unsafe(cp))
				lw_strbuf_addf(sb, "\\u%04" PRIx32, cp);
			else
				lw_strbuf_add(sb, s, (size_t)n);
			s += n;
		} else {
			/* jansson's escapes of ASCII. */
			switch (*s) {
			case '"': lw_strbuf_add(sb, "\\\"", 2); break;
			case '\\': lw_strbuf_add(sb, "\\\\", 2); break;
			case '\b': lw_strbuf_add(sb, "\\b", 2); break;
			case '\f': lw_strbuf_add(sb, "\\f", 2); break;
			case '\n': lw_strbuf_add(sb, "\\n", 2); break;
			case '\r': lw_strbuf_add(sb, "\\r", 2); break;
			case '\t': lw_strbuf_add(sb, "\\t", 2); break;
			default:
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[(unsigned char)*s >> 4];
				esc[5] = hex[*s & 0xf];
				lw_strbuf_add(sb, esc, 6);
			}
			s++;
		}
	}
	lw_strbuf_addc(sb, '"');
}

char *lwr_json_escape_unsafe(char *text)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	const char *s = text, *run = text;
	uint32_t cp;
	int n;

	if (!text)
		return NULL;
	while (*s) {
		if ((unsigned char)*s < 0x80) {
			s++;
			continue;
		}
		n = lwr_utf8_seq(s, &cp);
		if (n > 1 && cp_unsafe(cp)) {
			lw_strbuf_add(&sb, run, (size_t)(s - run));
			lw_strbuf_addf(&sb, "\\u%04" PRIx32, cp);
			run = s + n;
		}
		s += n > 0 ? n : 1;
	}
	if (run == text) {
		lw_strbuf_release(&sb);
		return text;
	}
	lw_strbuf_adds(&sb, run);
	free(text);
	return lw_strbuf_detach(&sb);
}
