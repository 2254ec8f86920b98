/* layerwaste: the options of the main commands (analyze, inspect,
 * browse): the usage text, the option table, the LAYERWASTE_* variables,
 * "did you mean" for unknown options and formats, and the checks that
 * options agree. Fills a struct cli; runs nothing. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "lw_commit.h"

static const char usage_text[] =
	"usage: layerwaste [options] IMAGE\n"
	"       layerwaste inspect [options] IMAGE\n"
	"       layerwaste browse [options] IMAGE   (or -i)\n"
	"       layerwaste diff [options] OLD NEW   (see 'layerwaste diff -h')\n"
	"       layerwaste share [options] IMAGE IMAGE...\n"
	"       layerwaste cache stats|prune [--cache DIR]\n"
	"\n"
	"IMAGE is an archive written by `docker save`, `podman save`, `buildah\n"
	"push` or `skopeo copy` (plain or compressed), an OCI layout directory,\n"
	"'-' for standard input, or the name of an image in docker or podman.\n"
	"\n"
	"options:\n"
	"  -f, --format FMT       text (default), json, github, markdown, sarif,\n"
	"                         gitlab, junit or html\n"
	"  -o, --output FILE      write the report to FILE instead of stdout\n"
	"  -o, --output FMT=FILE  also write a report in FMT to FILE (repeat it\n"
	"                         for several; '-' is stdout)\n"
	"      --bytes            print exact byte counts\n"
	"      --color WHEN       auto (default), always or never\n"
	"      --top N            list the N largest groups and files (10)\n"
	"      --no-duplicates    skip the duplicate-content search\n"
	"      --dockerfile PATH  the Dockerfile that built the image: findings\n"
	"                         name its lines, and fixes are suggested\n"
	"      --target STAGE     the Dockerfile stage that was built (last)\n"
	"      --base IMAGE       the base image (archive or name): its layers,\n"
	"                         matched by diff_id, are told apart\n"
	"      --source-root DIR  CI locations are relative to DIR (default: the\n"
	"                         git work tree's top, else the working folder)\n"
	"      --build-arg K=V    a build argument used for the build\n"
	"      --with-files       the JSON report lists the final file system,\n"
	"                         with content hashes (for `layerwaste diff`)\n"
	"      --fix              print a unified diff of the Dockerfile that\n"
	"                         applies every safe fix (changes no file)\n"
	"      --image NAME[:TAG] pick one image of an archive that holds several\n"
	"      --platform P       pick a platform (os/arch[/variant]) of an index\n"
	"      --source SRC       archive, docker or podman (default: a file if it\n"
	"                         exists, else whichever engine has the image)\n"
	"  -j, --jobs N           layers indexed at once (default: cores)\n"
	"      --max-entries N    refuse layers with more entries (10000000)\n"
	"      --max-bytes SIZE   refuse a layer or archive that decompresses\n"
	"                         to more (64GiB)\n"
	"      --max-memory SIZE  the window a zstd layer's frames may use\n"
	"                         (1GiB; zstd's longest, 2GiB)\n"
	"      --plain-reader     read the archive as one stream through\n"
	"                         libarchive alone (slow; the reference the\n"
	"                         fast paths are tested against)\n"
	"      --verify           check every blob against its digest and\n"
	"                         every layer against its diff_id (SHA-256)\n"
	"      --cache DIR        keep each layer's index in DIR (default:\n"
	"                         $XDG_CACHE_HOME/layerwaste)\n"
	"      --no-cache         read every layer, keep nothing\n"
	"      --cache-max SIZE   the cache's size cap (1GiB)\n"
	"  -i, --interactive      open the browser (as `layerwaste browse`)\n"
	"  -q, --quiet            no progress line\n"
	"  -h, --help             this help\n"
	"  -V, --version          print the version\n"
	"\n"
	"rules (docs/ci.md; any of them turns on the CI verdict):\n"
	"      --config PATH      rules from a .layerwaste.yml (default: the one\n"
	"                         in the working directory, else its .dive-ci)\n"
	"      --ci-config PATH   rules from a file in dive's .dive-ci format\n"
	"      --no-config        do not look for a config file\n"
	"      --max-wasted-bytes SIZE     e.g. 50MB, 1.5GiB, 20000 (bytes)\n"
	"      --max-wasted-percent PCT    of all layers' bytes, e.g. 5 or 5%\n"
	"      --max-KIND-bytes SIZE       per kind: chown, chmod, chown-chmod,\n"
	"                                  touch, overwrite, delete, metadata\n"
	"      --lowest-efficiency R       dive's rules: a ratio 0..1 or 90%\n"
	"      --highest-wasted-bytes SIZE\n"
	"      --highest-user-wasted-percent R\n"
	"      --max-churn-bytes SIZE      package-manager state rewritten by\n"
	"                                  a later install step\n"
	"      --min-finding-bytes SIZE    smaller findings are not judged\n"
	"      --min-wasted-bytes-for-percent SIZE\n"
	"                                  ratio rules pass below it (1MB)\n"
	"      --ignore-path GLOB          findings under it are not judged\n"
	"      --judge-base                judge waste inherited from the base\n"
	"                                  image too (not judged by default)\n"
	"      --baseline REPORT           judge only waste that is new or grew\n"
	"                                  since this JSON report\n"
	"      --fail-on LEVEL             fail when a judged finding or failed\n"
	"                                  check has a severity at LEVEL or\n"
	"                                  above: error (default), warning,\n"
	"                                  note or none (severity: in the\n"
	"                                  config sets them)\n"
	"  Any rule takes 'disabled'.\n"
	"\n"
	"profiles (extra checks; a failed error check fails the run too):\n"
	"      --profile spaces   Hugging Face Docker Spaces (docs/spaces.md)\n"
	"      --space-readme PATH  the Space's README.md (sdk, app_port)\n"
	"\n"
	"exit status: 0 done (all rules passed), 1 a rule failed, or a judged\n"
	"finding or failed check has a severity --fail-on fails on, 2 usage\n"
	"or config error, 3 bad input, 4 I/O error\n";

LW_PRINTF(1, 2)
static int die_usage(const char *fmt, ...)
{
	va_list ap;
	char msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cli_msg("%s (see 'layerwaste --help')", msg);
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

enum {
	O_BYTES = 256, O_COLOR, O_TOP, O_NODUP, O_IMAGE, O_PLATFORM,
	O_SOURCE, O_MAXENT, O_DOCKERFILE, O_TARGET, O_BUILDARG, O_FIX,
	O_CONFIG, O_CICONFIG, O_NOCONFIG, O_SETTING, O_PLAIN, O_WITHFILES,
	O_SRCROOT, O_BASE, O_JUDGEBASE, O_MAXBYTES, O_MAXMEM,
	O_VERIFY, O_CACHE, O_NOCACHE, O_CACHEMAX,
	O_RULE = 512, /* + enum lw_rule */
	O_DIVE_RULE = 768, /* + enum lw_rule, dive's camelCase flags */
};

static const struct option base_opts[] = {
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
	{ "max-bytes", required_argument, NULL, O_MAXBYTES },
	{ "max-memory", required_argument, NULL, O_MAXMEM },
	{ "plain-reader", no_argument, NULL, O_PLAIN },
	{ "verify", no_argument, NULL, O_VERIFY },
	{ "cache", required_argument, NULL, O_CACHE },
	{ "no-cache", no_argument, NULL, O_NOCACHE },
	{ "cache-max", required_argument, NULL, O_CACHEMAX },
	{ "with-files", no_argument, NULL, O_WITHFILES },
	{ "source-root", required_argument, NULL, O_SRCROOT },
	{ "dockerfile", required_argument, NULL, O_DOCKERFILE },
	{ "target", required_argument, NULL, O_TARGET },
	{ "base", required_argument, NULL, O_BASE },
	{ "judge-base", no_argument, NULL, O_JUDGEBASE },
	{ "baseline", required_argument, NULL, O_SETTING },
	{ "fail-on", required_argument, NULL, O_SETTING },
	{ "build-arg", required_argument, NULL, O_BUILDARG },
	{ "fix", no_argument, NULL, O_FIX },
	{ "config", required_argument, NULL, O_CONFIG },
	{ "ci-config", required_argument, NULL, O_CICONFIG },
	{ "no-config", no_argument, NULL, O_NOCONFIG },
	{ "min-finding-bytes", required_argument, NULL, O_SETTING },
	{ "min-wasted-bytes-for-percent", required_argument, NULL, O_SETTING },
	{ "ignore-path", required_argument, NULL, O_SETTING },
	{ "profile", required_argument, NULL, O_SETTING },
	{ "space-readme", required_argument, NULL, O_SETTING },
	{ "lowestEfficiency", required_argument, NULL,
	  O_DIVE_RULE + LW_RULE_LOWEST_EFFICIENCY },
	{ "highestWastedBytes", required_argument, NULL,
	  O_DIVE_RULE + LW_RULE_HIGHEST_WASTED_BYTES },
	{ "highestUserWastedPercent", required_argument, NULL,
	  O_DIVE_RULE + LW_RULE_HIGHEST_USER_WASTED_PERCENT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "interactive", no_argument, NULL, 'i' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
};

#define NBASE (sizeof(base_opts) / sizeof(base_opts[0]))

/* The format name nearest to name, or NULL. */
static const char *near_format(const char *name)
{
	const char *names[FMT_COUNT];
	int i;

	for (i = 0; i < FMT_COUNT; i++)
		names[i] = cli_format_name(i);
	return lw_closest_name(name, names, FMT_COUNT);
}

/* The options: the fixed ones, then one per rule id. */
static const struct option *all_opts(void)
{
	static struct option opts[NBASE + LW_RULE_COUNT + 1];
	int r;

	if (opts[0].name)
		return opts;
	memcpy(opts, base_opts, sizeof(base_opts));
	for (r = 0; r < LW_RULE_COUNT; r++) {
		opts[NBASE + r].name = lw_rule_id(r);
		opts[NBASE + r].has_arg = required_argument;
		opts[NBASE + r].val = O_RULE + r;
	}
	return opts;
}

/* 1 when typed ("--name" or "--name=value") spells a long option in
 * full: getopt_long would take any unique prefix, and a prefix of today
 * may name another option tomorrow (`--ci` is not `--ci-config`). */
static int long_known(const struct option *opts, const char *typed)
{
	size_t n;

	if (strncmp(typed, "--", 2))
		return 0;
	typed += 2;
	n = strcspn(typed, "=");
	for (; opts->name; opts++)
		if (strlen(opts->name) == n && !strncmp(opts->name, typed, n))
			return 1;
	return 0;
}

/* "unknown option '--ci' (did you mean --ci-config?)" */
static int unknown_option(const char *typed)
{
	const struct option *opts = all_opts();
	const char *names[NBASE + LW_RULE_COUNT], *near = NULL;
	char word[64];
	size_t i, n;

	if (!strncmp(typed, "--", 2)) {
		n = strcspn(typed + 2, "=");
		if (n < sizeof(word)) {
			memcpy(word, typed + 2, n);
			word[n] = '\0';
			for (i = 0; opts[i].name; i++)
				names[i] = opts[i].name;
			near = lw_closest_name(word, names, i);
		}
	}
	if (near)
		return die_usage("unknown option '%.*s' (did you mean --%s?)",
				 (int)(strcspn(typed, "=")), typed, near);
	return die_usage("unknown option '%s'", typed);
}

static int add_setting(struct cli *c, int rule, const char *key,
		       const char *name, const char *value)
{
	struct cli_setting *s;

	if (c->nsettings == CLI_SETTINGS_MAX)
		return die_usage("at most %d rule options", CLI_SETTINGS_MAX);
	s = &c->settings[c->nsettings++];
	s->rule = rule;
	s->key = key;
	s->name = name;
	s->value = value;
	return 0;
}

/* The part before '=' reads as a format name, not a path: letters,
 * digits, '-' and '_' only. */
static int format_like(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return 0;
	return n > 0;
}

/* -o FILE, or -o FORMAT=FILE when the part before '=' names a format. A
 * FORMAT=FILE whose FORMAT names no format is an error, not a file name
 * (a path with '=' is given as text=PATH, or with a '/' before the '='). */
static int add_output(struct cli *c, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char name[16];
	int fmt = -1;

	if (eq && (size_t)(eq - arg) < sizeof(name)) {
		memcpy(name, arg, (size_t)(eq - arg));
		name[eq - arg] = '\0';
		fmt = cli_format_from_name(name);
	}
	if (fmt < 0 && eq && format_like(arg, (size_t)(eq - arg))) {
		const char *near = (size_t)(eq - arg) < sizeof(name) ?
			near_format(name) : NULL;
		return die_usage("unknown format '%.*s' in --output %.*s=FILE"
				 "%s%s%s (text, json, github, markdown, sarif, "
				 "gitlab, junit, html; a file name with '=' is "
				 "written as text=PATH)", (int)(eq - arg), arg,
				 (int)(eq - arg), arg,
				 near ? ": did you mean " : "",
				 near ? near : "", near ? "?" : "");
	}
	if (fmt < 0) {
		if (c->output)
			return die_usage("%s", "--output FILE given twice (use "
					 "--output FORMAT=FILE for more "
					 "reports)");
		c->output = arg;
		return 0;
	}
	if (!eq[1])
		return die_usage("--output %s needs a file name", arg);
	if (c->nextra == CLI_OUTPUTS_MAX)
		return die_usage("at most %d --output FORMAT=FILE",
				 CLI_OUTPUTS_MAX);
	c->extra[c->nextra].format = fmt;
	c->extra[c->nextra].path = eq + 1;
	c->nextra++;
	return 0;
}

/* What the options say together, once all are read. */
static int check_args(struct cli *c)
{
	size_t i, on_stdout = !c->output || !strcmp(c->output, "-");

	if (c->fix && !c->ao.dockerfile)
		return die_usage("%s", "--fix needs --dockerfile");
	for (i = 0; i < c->nextra; i++)
		on_stdout += !strcmp(c->extra[i].path, "-");
	if (on_stdout > 1)
		return die_usage("%s", "only one report can go to standard "
				 "output");
	if (!strcmp(c->cmd, "analyze"))
		return 0;
	if (c->format > FMT_JSON || c->nextra)
		return die_usage("%s takes only --format text or json",
				 c->cmd);
	if (c->nsettings || c->config)
		return die_usage("%s does not evaluate rules", c->cmd);
	return 0;
}

/* --format NAME; from says where the name came from ("" for the flag,
 * "$LAYERWASTE_FORMAT: " for the environment). */
static int set_format(struct cli *c, const char *name, const char *from)
{
	c->format = cli_format_from_name(name);
	if (c->format < 0 && near_format(name))
		return die_usage("%sunknown format '%s': did you mean %s?",
				 from, name, near_format(name));
	if (c->format < 0)
		return die_usage("%sunknown format '%s' (text, json, github, "
				 "markdown, sarif, gitlab, junit, html)", from,
				 name);
	return 0;
}

/* LAYERWASTE_FORMAT (analyze only: inspect takes text or json) and
 * LAYERWASTE_DOCKERFILE (analyze and browse): read before the flags,
 * which win over them. An empty variable is unset. */
static int env_options(struct cli *c)
{
	const char *v;

	v = getenv("LAYERWASTE_DOCKERFILE");
	if (v && *v && strcmp(c->cmd, "inspect"))
		c->ao.dockerfile = v;
	v = getenv("LAYERWASTE_FORMAT");
	if (v && *v && !strcmp(c->cmd, "analyze"))
		return set_format(c, v, "$LAYERWASTE_FORMAT: ");
	return 0;
}

/* name: the long option's name, or NULL for a short one. */
static int parse_option(struct cli *c, int o, const char *name, char **argv)
{
	long v;

	if (o >= O_DIVE_RULE)
		return add_setting(c, o - O_DIVE_RULE, NULL, name, optarg);
	if (o >= O_RULE)
		return add_setting(c, o - O_RULE, NULL, name, optarg);
	switch (o) {
	case 'f':
		return set_format(c, optarg, "");
	case 'o':
		return add_output(c, optarg);
	case O_BYTES:
		c->exact_bytes = 1;
		return 0;
	case O_COLOR:
		if (!strcmp(optarg, "auto"))
			c->color = -1;
		else if (!strcmp(optarg, "always"))
			c->color = 1;
		else if (!strcmp(optarg, "never"))
			c->color = 0;
		else
			return die_usage("--color takes auto, always or never, "
					 "not '%s'", optarg);
		return 0;
	case O_TOP:
		if (parse_uint(optarg, 1000000, &v) || v == 0)
			return die_usage("--top takes a positive number, not "
					 "'%s'", optarg);
		c->top = (int)v;
		return 0;
	case O_NODUP:
		c->duplicates = 0;
		return 0;
	case O_IMAGE:
		c->ro.image = optarg;
		return 0;
	case O_PLATFORM:
		if (!strchr(optarg, '/'))
			return die_usage("--platform takes os/arch[/variant], "
					 "not '%s'", optarg);
		c->ro.platform = optarg;
		return 0;
	case O_SOURCE:
		if (strcmp(optarg, "archive") && strcmp(optarg, "docker") &&
		    strcmp(optarg, "podman"))
			return die_usage("--source takes archive, docker or "
					 "podman, not '%s'", optarg);
		c->ro.source = optarg;
		return 0;
	case 'j':
		if (parse_uint(optarg, 256, &v) || v == 0)
			return die_usage("--jobs takes a number from 1 to 256, "
					 "not '%s'", optarg);
		c->ro.jobs = (int)v;
		return 0;
	case O_PLAIN:
		c->ro.plain = 1;
		return 0;
	case O_VERIFY:
		c->ro.verify = 1;
		return 0;
	case O_CACHE:
		if (!*optarg)
			return die_usage("%s", "--cache needs a folder");
		c->ro.cache_dir = optarg;
		return 0;
	case O_NOCACHE:
		c->ro.cache_dir = ""; /* no cache */
		return 0;
	case O_CACHEMAX: {
		uint64_t n;
		const char *why;

		if (lw_parse_size(optarg, &n, &why) || n == 0)
			return die_usage("--cache-max takes a positive size, "
					 "e.g. 1GiB, not '%s'", optarg);
		c->ro.cache_max = n;
		return 0;
	}
	case O_MAXENT:
		if (parse_uint(optarg, LW_MAX_ENTRIES_LIMIT, &v) || v == 0)
			return die_usage("--max-entries takes a number from 1 "
					 "to %u, not '%s'",
					 LW_MAX_ENTRIES_LIMIT, optarg);
		c->ro.max_entries = (size_t)v;
		return 0;
	case O_MAXBYTES: {
		uint64_t n;
		const char *why;

		if (lw_parse_size(optarg, &n, &why) || n == 0)
			return die_usage("--max-bytes takes a positive size, "
					 "e.g. 64GiB, not '%s'", optarg);
		c->ro.max_bytes = n;
		return 0;
	}
	case O_MAXMEM: {
		uint64_t n;
		const char *why;

		if (lw_parse_size(optarg, &n, &why) || n == 0)
			return die_usage("--max-memory takes a positive size, "
					 "e.g. 2GiB, not '%s'", optarg);
		c->ro.max_memory = n;
		return 0;
	}
	case O_DOCKERFILE:
		c->ao.dockerfile = optarg;
		return 0;
	case O_TARGET:
		c->ao.target = optarg;
		return 0;
	case O_BASE:
		if (!*optarg)
			return die_usage("%s", "--base needs an image");
		c->ao.base_ref = optarg;
		return 0;
	case O_JUDGEBASE:
		return add_setting(c, -1, "judge-base", name, "true");
	case O_BUILDARG:
		if (!strchr(optarg, '=') || optarg[0] == '=')
			return die_usage("--build-arg takes KEY=VALUE, not "
					 "'%s'", optarg);
		if (c->nbuild_args == CLI_BUILD_ARGS_MAX)
			return die_usage("at most %d --build-arg",
					 CLI_BUILD_ARGS_MAX);
		c->build_args[c->nbuild_args++] = optarg;
		return 0;
	case O_FIX:
		c->fix = 1;
		return 0;
	case O_SRCROOT: {
		struct stat st;

		if (stat(optarg, &st) || !S_ISDIR(st.st_mode))
			return die_usage("--source-root takes a folder, not "
					 "'%s'", optarg);
		lw_render_set_source_root(optarg);
		return 0;
	}
	case O_WITHFILES:
		c->with_files = 1;
		return 0;
	case O_CONFIG:
	case O_CICONFIG:
		if (c->config)
			return die_usage("%s", "one config file at most "
					 "(--config or --ci-config)");
		c->config = optarg;
		c->config_format = o == O_CONFIG ? LW_CONFIG_LAYERWASTE :
						   LW_CONFIG_DIVE;
		return 0;
	case O_NOCONFIG:
		c->no_config = 1;
		return 0;
	case O_SETTING:
		return add_setting(c, -1, !strcmp(name, "ignore-path") ?
				   "ignore-paths" : name, name, optarg);
	case 'q':
		c->quiet = 1;
		return 0;
	case 'i':
		c->cmd = "browse";
		return 0;
	case 'h':
		fputs(usage_text, stdout);
		return -1;
	case 'V':
		printf("layerwaste %s (commit %s)\n", lw_version(), LW_COMMIT);
		return -1;
	case ':':
		if (!strncmp(argv[optind - 1], "--", 2) &&
		    !long_known(all_opts(), argv[optind - 1]))
			return unknown_option(argv[optind - 1]);
		return die_usage("option '%s' needs a value", argv[optind - 1]);
	default:
		return unknown_option(argv[optind - 1]);
	}
}

int cli_parse_args(int argc, char **argv, struct cli *c)
{
	const struct option *opts = all_opts();
	int o, li, rc;

	c->cmd = "analyze";
	if (argc > 1 && (!strcmp(argv[1], "inspect") ||
			 !strcmp(argv[1], "browse"))) {
		c->cmd = argv[1];
		argv++;
		argc--;
	}
	rc = env_options(c);
	if (rc)
		return rc;
	opterr = 0;
	for (;;) {
		li = -1;
		o = getopt_long(argc, argv, ":f:o:j:iqhV", opts, &li);
		if (o == -1)
			break;
		if (li >= 0) {
			/* The option as typed: before its value when that
			 * was the next argument. */
			const char *typed = argv[optind - 1];

			if (opts[li].has_arg == required_argument &&
			    optarg == argv[optind - 1] && optind >= 2)
				typed = argv[optind - 2];
			if (!long_known(opts, typed))
				return unknown_option(typed);
		}
		rc = parse_option(c, o, li >= 0 ? opts[li].name : NULL, argv);
		if (rc)
			return rc;
	}
	if (optind >= argc)
		return die_usage("%s", "no image given");
	c->build_args[c->nbuild_args] = NULL;
	c->ao.build_args = c->build_args;
	if (optind + 1 < argc)
		return die_usage("unexpected argument '%s'", argv[optind + 1]);
	c->input = argv[optind];
	return check_args(c);
}
