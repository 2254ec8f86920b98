/* The per-layer cache on the command line: where it lives by default,
 * and `layerwaste cache stats|prune`. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/judge.h"
#include "layerwaste/read.h"
#include "cli.h"

static const char cache_usage[] =
	"usage: layerwaste cache stats [--cache DIR]\n"
	"       layerwaste cache prune [--cache DIR] [--cache-max SIZE]\n"
	"\n"
	"stats: the layers the cache holds and their size.\n"
	"prune: removes them all, or with --cache-max the least recently\n"
	"used until the cache is no larger than SIZE.\n"
	"\n"
	"options:\n"
	"      --cache DIR        the cache (default: $XDG_CACHE_HOME/layerwaste,\n"
	"                         else ~/.cache/layerwaste)\n"
	"      --cache-max SIZE   prune down to SIZE, e.g. 500MB\n"
	"  -h, --help             this help\n";

const char *cli_cache_default(void)
{
	static char dir[4096];
	const char *x = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	int n;

	/* A relative XDG_CACHE_HOME is invalid and ignored (the XDG base
	 * directory rules). */
	if (x && *x == '/')
		n = snprintf(dir, sizeof(dir), "%s/layerwaste", x);
	else if (home && *home == '/')
		n = snprintf(dir, sizeof(dir), "%s/.cache/layerwaste", home);
	else
		return NULL;
	return n > 0 && (size_t)n < sizeof(dir) ? dir : NULL;
}

LW_PRINTF(1, 2)
static int usage_error(const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cli_msg("%s (see 'layerwaste cache --help')", msg);
	return EXIT_USAGE;
}

int cli_cache_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cache", required_argument, NULL, 'c' },
		{ "cache-max", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *cmd, *why;
	struct lw_cache_stats st;
	struct lw_error err = { 0, "" };
	uint64_t max = 0;
	char b[32];
	int o, rc = EXIT_OK;

	opterr = 0;
	while ((o = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			if (!*optarg)
				return usage_error("%s", "--cache needs a folder");
			dir = optarg;
			break;
		case 'm':
			if (lw_parse_size(optarg, &max, &why) || max == 0)
				return usage_error("--cache-max takes a positive "
						   "size, e.g. 1GiB, not '%s'",
						   optarg);
			break;
		case 'h':
			fputs(cache_usage, stdout);
			return EXIT_OK;
		case ':':
			return usage_error("option '%s' needs a value",
					   argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'",
					   argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return usage_error("%s", optind >= argc ? "stats or prune?" :
				   "one command: stats or prune");
	cmd = argv[optind];
	if (strcmp(cmd, "stats") && strcmp(cmd, "prune"))
		return usage_error("unknown cache command '%s' (stats or prune)",
				   cmd);
	if (!dir)
		dir = cli_cache_default();
	if (!dir) {
		cli_msg("no cache folder: set XDG_CACHE_HOME or HOME, or give "
			"--cache DIR");
		return EXIT_USAGE;
	}
	if (!strcmp(cmd, "stats")) {
		if (lw_cache_stats(dir, &st, &err)) {
			cli_msg("%s", err.msg);
			return EXIT_IO;
		}
		printf("cache   %s\nlayers  %llu\nsize    %s (%llu bytes)\n",
		       dir, (unsigned long long)st.entries,
		       lw_format_bytes(st.bytes, b, sizeof(b)),
		       (unsigned long long)st.bytes);
	} else {
		if (lw_cache_prune(dir, max, &st, &err)) {
			cli_msg("%s", err.msg);
			return EXIT_IO;
		}
		printf("removed %llu layers, %s (%llu bytes)\n",
		       (unsigned long long)st.entries,
		       lw_format_bytes(st.bytes, b, sizeof(b)),
		       (unsigned long long)st.bytes);
	}
	if (fclose(stdout)) {
		cli_msg("cannot write to standard output: %s", strerror(errno));
		rc = EXIT_IO;
	}
	return rc;
}
