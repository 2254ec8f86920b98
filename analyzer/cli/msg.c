/* The one way the command line speaks on stderr: "layerwaste: " and a
 * message on one line. Messages carry untrusted text (entry names,
 * Dockerfile lines, paths, options), so the whole message goes through
 * the reports' escaping (lw_escape): control bytes, C1, invalid UTF-8 and
 * the bidi and line-separator code points become \xNN, and a newline in a
 * name can never start a line of its own. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/render.h"
#include "cli.h"

/* Longest message shown; the rest is cut with "...". */
#define MSG_MAX 4096

void cli_vmsg(const char *fmt, va_list ap)
{
	char raw[MSG_MAX];
	/* Every byte may become four ("\xNN"), plus the frame. */
	char line[sizeof("layerwaste: ") + 4 * MSG_MAX + sizeof("...\n")];
	size_t n;
	int len;

	len = vsnprintf(raw, sizeof(raw), fmt, ap);
	if (len < 0)
		snprintf(raw, sizeof(raw), "(message cannot be formatted)");
	memcpy(line, "layerwaste: ", strlen("layerwaste: "));
	n = strlen("layerwaste: ");
	lw_escape(raw, line + n, sizeof(line) - n - sizeof("...\n"));
	n += strlen(line + n);
	if (len >= (int)sizeof(raw)) {
		memcpy(line + n, "...", 3);
		n += 3;
	}
	line[n++] = '\n';
	/* One write, so that lines of two processes never interleave. */
	fwrite(line, 1, n, stderr);
	fflush(stderr);
}

void cli_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vmsg(fmt, ap);
	va_end(ap);
}
