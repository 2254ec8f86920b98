/* layerwaste: command line. Parses options, runs the core, picks the
 * renderer, owns the exit status. No analysis happens here. */
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "layerwaste/analysis.h"
#include "layerwaste/image.h"
#include "render.h"

enum exit_code {
	EXIT_OK = 0,
	EXIT_RULES = 1, /* a configured rule failed */
	EXIT_USAGE = 2,
	EXIT_INPUT = 3,
	EXIT_IO = 4,
};

enum { FMT_TEXT, FMT_JSON };

struct cli {
	const char *cmd; /* "analyze" or "inspect" */
	const char *input;
	const char *output;
	int format;
	int color; /* -1 auto */
	int exact_bytes;
	int quiet;
	int top;
	int duplicates;
	struct lw_read_opts ro;
};

static const char usage_text[] =
	"usage: layerwaste [options] IMAGE\n"
	"       layerwaste inspect [options] IMAGE\n"
	"\n"
	"IMAGE is an archive written by `docker save`, `podman save`, `buildah\n"
	"push` or `skopeo copy` (plain or compressed), an OCI layout directory,\n"
	"'-' for standard input, or the name of an image in docker or podman.\n"
	"\n"
	"options:\n"
	"  -f, --format FMT       text (default) or json\n"
	"  -o, --output FILE      write the report to FILE instead of stdout\n"
	"      --bytes            print exact byte counts\n"
	"      --color WHEN       auto (default), always or never\n"
	"      --top N            list the N largest groups and files (10)\n"
	"      --no-duplicates    skip the duplicate-content search\n"
	"      --image NAME[:TAG] pick one image of an archive that holds several\n"
	"      --platform P       pick a platform (os/arch[/variant]) of an index\n"
	"      --source SRC       archive, docker or podman (default: a file if it\n"
	"                         exists, else whichever engine has the image)\n"
	"  -j, --jobs N           layers indexed at once (default: cores)\n"
	"      --max-entries N    refuse layers with more entries (10000000)\n"
	"  -q, --quiet            no progress line\n"
	"  -h, --help             this help\n"
	"  -V, --version          print the version\n"
	"\n"
	"exit status: 0 done, 1 a rule failed, 2 usage error, 3 bad input,\n"
	"4 I/O error\n";

__attribute__((format(printf, 1, 2)))
static int die_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("layerwaste: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'layerwaste --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

static int parse_uint(const char *s, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct cli *c)
{
	enum { O_BYTES = 256, O_COLOR, O_TOP, O_NODUP, O_IMAGE, O_PLATFORM,
	       O_SOURCE, O_MAXENT };
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "bytes", no_argument, NULL, O_BYTES },
		{ "color", required_argument, NULL, O_COLOR },
		{ "colour", required_argument, NULL, O_COLOR },
		{ "top", required_argument, NULL, O_TOP },
		{ "no-duplicates", no_argument, NULL, O_NODUP },
		{ "image", required_argument, NULL, O_IMAGE },
		{ "platform", required_argument, NULL, O_PLATFORM },
		{ "source", required_argument, NULL, O_SOURCE },
		{ "jobs", required_argument, NULL, 'j' },
		{ "max-entries", required_argument, NULL, O_MAXENT },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	long v;
	int o;

	c->cmd = "analyze";
	if (argc > 1 && !strcmp(argv[1], "inspect")) {
		c->cmd = "inspect";
		argv++;
		argc--;
	}
	opterr = 0;
	while ((o = getopt_long(argc, argv, ":f:o:j:qhV", opts, NULL)) != -1) {
		switch (o) {
		case 'f':
			if (!strcmp(optarg, "text"))
				c->format = FMT_TEXT;
			else if (!strcmp(optarg, "json"))
				c->format = FMT_JSON;
			else
				return die_usage("unknown format '%s' (text, "
						 "json)", optarg);
			break;
		case 'o':
			c->output = optarg;
			break;
		case O_BYTES:
			c->exact_bytes = 1;
			break;
		case O_COLOR:
			if (!strcmp(optarg, "auto"))
				c->color = -1;
			else if (!strcmp(optarg, "always"))
				c->color = 1;
			else if (!strcmp(optarg, "never"))
				c->color = 0;
			else
				return die_usage("--color takes auto, always "
						 "or never, not '%s'", optarg);
			break;
		case O_TOP:
			if (parse_uint(optarg, 1000000, &v) || v == 0)
				return die_usage("--top takes a positive "
						 "number, not '%s'", optarg);
			c->top = (int)v;
			break;
		case O_NODUP:
			c->duplicates = 0;
			break;
		case O_IMAGE:
			c->ro.image = optarg;
			break;
		case O_PLATFORM:
			if (!strchr(optarg, '/'))
				return die_usage("--platform takes os/arch"
						 "[/variant], not '%s'", optarg);
			c->ro.platform = optarg;
			break;
		case O_SOURCE:
			if (strcmp(optarg, "archive") && strcmp(optarg, "docker") &&
			    strcmp(optarg, "podman"))
				return die_usage("--source takes archive, docker "
						 "or podman, not '%s'", optarg);
			c->ro.source = optarg;
			break;
		case 'j':
			if (parse_uint(optarg, 256, &v) || v == 0)
				return die_usage("--jobs takes a number from 1 "
						 "to 256, not '%s'", optarg);
			c->ro.jobs = (int)v;
			break;
		case O_MAXENT:
			if (parse_uint(optarg, LONG_MAX, &v) || v == 0)
				return die_usage("--max-entries takes a positive "
						 "number, not '%s'", optarg);
			c->ro.max_entries = (size_t)v;
			break;
		case 'q':
			c->quiet = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		case 'V':
			printf("layerwaste %s\n", LW_VERSION);
			return -1;
		case ':':
			return die_usage("option '%s' needs a value",
					 argv[optind - 1]);
		default:
			return die_usage("unknown option '%s'",
					 argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return die_usage("%s", "no image given");
	if (optind + 1 < argc)
		return die_usage("unexpected argument '%s'", argv[optind + 1]);
	c->input = argv[optind];
	return 0;
}

struct progress_state {
	struct timespec last;
	int shown;
};

static void show_progress(void *ctx, const struct lw_progress *p)
{
	struct progress_state *ps = ctx;
	struct timespec now;
	double dt;

	clock_gettime(CLOCK_MONOTONIC, &now);
	dt = (double)(now.tv_sec - ps->last.tv_sec) +
	     (double)(now.tv_nsec - ps->last.tv_nsec) / 1e9;
	if (ps->shown && dt < 0.1)
		return;
	ps->last = now;
	ps->shown = 1;
	if (p->bytes_total)
		fprintf(stderr, "\rlayerwaste: reading layers %3.0f%% ",
			100.0 * (double)p->bytes_done / (double)p->bytes_total);
	else
		fprintf(stderr, "\rlayerwaste: reading %.1f MB ",
			(double)p->bytes_done / 1e6);
}

static void clear_progress(struct progress_state *ps)
{
	if (ps->shown)
		fputs("\r\033[K", stderr);
	ps->shown = 0;
}

static int exit_for(int code)
{
	switch (code) {
	case LW_ERR_USAGE: return EXIT_USAGE;
	case LW_ERR_INPUT: return EXIT_INPUT;
	default: return EXIT_IO;
	}
}

static int terminal_width(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");

	if (isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (cols && atoi(cols) > 0)
		return atoi(cols);
	return 100;
}

static int use_color(int want, FILE *out, int to_stdout)
{
	const char *nc = getenv("NO_COLOR");
	const char *term = getenv("TERM");

	if (nc && *nc)
		return 0;
	if (want >= 0)
		return want;
	(void)out;
	return to_stdout && isatty(1) && !(term && !strcmp(term, "dumb"));
}

int main(int argc, char **argv)
{
	struct cli c;
	struct lw_error err = { 0, "" };
	struct lw_image *img = NULL;
	struct lw_analysis *an = NULL;
	struct lw_render_opts ro;
	struct progress_state ps = { { 0, 0 }, 0 };
	FILE *out = stdout;
	int rc, status = EXIT_OK;

	setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
	memset(&c, 0, sizeof(c));
	c.color = -1;
	c.duplicates = 1;
	rc = parse_args(argc, argv, &c);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (!c.quiet && isatty(2)) {
		c.ro.progress = show_progress;
		c.ro.progress_ctx = &ps;
	}
	c.ro.input = c.input;
	rc = lw_image_read(&c.ro, &img, &err);
	clear_progress(&ps);
	if (rc) {
		fprintf(stderr, "layerwaste: %s\n", err.msg);
		return exit_for(rc);
	}
	if (!strcmp(c.cmd, "analyze")) {
		struct lw_analyze_opts ao = { c.duplicates };

		rc = lw_analyze(img, &ao, &an, &err);
		if (rc) {
			fprintf(stderr, "layerwaste: %s\n", err.msg);
			lw_image_free(img);
			return exit_for(rc);
		}
	}
	if (c.output && strcmp(c.output, "-")) {
		out = fopen(c.output, "w");
		if (!out) {
			fprintf(stderr, "layerwaste: cannot write '%s': %s\n",
				c.output, strerror(errno));
			status = EXIT_IO;
			goto out;
		}
	}
	memset(&ro, 0, sizeof(ro));
	ro.color = c.format == FMT_TEXT && use_color(c.color, out, out == stdout);
	ro.width = out == stdout ? terminal_width() : 100;
	ro.exact_bytes = c.exact_bytes;
	ro.top = c.top;
	if (an)
		rc = c.format == FMT_JSON ? lw_render_json(out, an, &ro) :
			lw_render_text(out, an, &ro);
	else
		rc = c.format == FMT_JSON ? lw_render_inspect_json(out, img, &ro) :
			lw_render_inspect_text(out, img, &ro);
	if (rc || fflush(out) || ferror(out)) {
		fprintf(stderr, "layerwaste: cannot write %s: %s\n",
			out == stdout ? "to standard output" : c.output,
			strerror(errno ? errno : EIO));
		status = EXIT_IO;
	}
	if (out != stdout && fclose(out) && !status) {
		fprintf(stderr, "layerwaste: cannot write '%s': %s\n",
			c.output, strerror(errno));
		status = EXIT_IO;
	}
out:
	lw_analysis_free(an);
	lw_image_free(img);
	if (fclose(stdout) && !status) {
		fprintf(stderr, "layerwaste: cannot write to standard output: "
			"%s\n", strerror(errno));
		status = EXIT_IO;
	}
	return status;
}
