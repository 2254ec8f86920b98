/* Unit tests of the Dockerfile parser: realistic files written inline,
 * every syntax feature with exact line numbers, substitution, stages,
 * errors, and the fixtures' own Dockerfiles. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layerwaste/dockerfile.h"
#include "suite.h"

/* The predefined TARGETARCH/BUILDARCH when no build arg sets them. */
#if defined(__aarch64__)
#define LW_TEST_ARCH "arm64"
#else
#define LW_TEST_ARCH "amd64"
#endif

static struct lw_dockerfile *parse_ok(const char *text, const char *const *ba)
{
	struct lw_dockerfile *df = NULL;
	struct lw_error err = { 0, "" };
	int rc = lw_dockerfile_parse(text, strlen(text), NULL, ba, &df, &err);

	ck_assert_msg(rc == 0, "parse failed: %s", err.msg);
	ck_assert_ptr_nonnull(df);
	return df;
}

/* Parses text that must fail; returns the message (static). */
static const char *parse_err(const char *text, size_t len, int code)
{
	static struct lw_error err;
	struct lw_dockerfile *df = (void *)1;

	memset(&err, 0, sizeof(err));
	ck_assert_msg(lw_dockerfile_parse(text, len, NULL, NULL, &df, &err) == code,
		      "not an error: %.60s", text);
	ck_assert_ptr_null(df);
	return err.msg;
}

static const struct lw_df_instr *instr(const struct lw_dockerfile *df, size_t i,
				       const char *kw, int line, int end_line)
{
	const struct lw_df_instr *in;

	ck_assert_uint_lt(i, df->ninstrs);
	in = &df->instrs[i];
	ck_assert_str_eq(in->keyword, kw);
	ck_assert_int_eq(in->line, line);
	ck_assert_int_eq(in->end_line, end_line);
	return in;
}

static const char python_df[] =
	"# syntax=docker/dockerfile:1.7\n"               /* 1 */
	"ARG PYTHON_VERSION=3.12\n"                      /* 2 */
	"ARG BASE=python:${PYTHON_VERSION}-slim\n"       /* 3 */
	"\n"                                             /* 4 */
	"FROM ${BASE} AS Builder\n"                      /* 5 */
	"ARG PYTHON_VERSION\n"                           /* 6 */
	"ENV VENV=/opt/venv \\\n"                        /* 7 */
	"    PIP_NO_CACHE_DIR=1\n"                       /* 8 */
	"WORKDIR /src\n"                                 /* 9 */
	"COPY requirements.txt .\n"                      /* 10 */
	"RUN python -m venv $VENV \\\n"                  /* 11 */
	"    # the venv needs a recent pip\n"            /* 12 */
	"    && $VENV/bin/pip install -U pip \\\n"       /* 13 */
	"\n"                                             /* 14 */
	"    && $VENV/bin/pip install -r requirements.txt\n" /* 15 */
	"\n"                                             /* 16 */
	"FROM ${BASE}\n"                                 /* 17 */
	"COPY --from=builder /opt/venv /opt/venv\n"      /* 18 */
	"COPY --from=0 --chown=10001:10001 [\"/src/app one\", \"/app/\"]\n" /* 19 */
	"USER 10001\n"                                   /* 20 */
	"ENTRYPOINT [\"/opt/venv/bin/python\", \"-m\", \"app\"]\n"; /* 21 */

START_TEST(test_python_multistage)
{
	struct lw_dockerfile *df = parse_ok(python_df, NULL);
	const struct lw_df_instr *in;

	ck_assert_str_eq(df->syntax, "docker/dockerfile:1.7");
	ck_assert_int_eq(df->escape, '\\');
	ck_assert_uint_eq(df->nlines, 21);
	ck_assert_uint_eq(df->ninstrs, 13);
	ck_assert_uint_eq(df->nstages, 2);
	ck_assert_str_eq(df->stages[0].name, "builder");
	ck_assert_str_eq(df->stages[0].base, "python:3.12-slim");
	ck_assert_int_eq(df->stages[0].base_stage, -1);
	ck_assert_uint_eq(df->stages[0].first, 2);
	ck_assert_uint_eq(df->stages[0].count, 6);
	ck_assert_ptr_null(df->stages[1].name);
	ck_assert_str_eq(df->stages[1].base, "python:3.12-slim");
	ck_assert_uint_eq(df->stages[1].first, 8);
	ck_assert_uint_eq(df->stages[1].count, 5);

	in = instr(df, 0, "ARG", 2, 2);
	ck_assert_int_eq(in->stage, -1);
	in = instr(df, 2, "FROM", 5, 5);
	ck_assert_str_eq(in->args, "python:3.12-slim AS Builder");
	ck_assert_str_eq(in->raw_args, "${BASE} AS Builder");
	ck_assert_int_eq(in->stage, 0);
	in = instr(df, 4, "ENV", 7, 8);
	ck_assert_str_eq(in->args, "VENV=/opt/venv     PIP_NO_CACHE_DIR=1");
	ck_assert_uint_eq(in->argc, 2);
	ck_assert_str_eq(in->argv[1], "PIP_NO_CACHE_DIR=1");
	ck_assert_str_eq(in->source, "ENV VENV=/opt/venv \\\n    PIP_NO_CACHE_DIR=1");
	in = instr(df, 6, "COPY", 10, 10);
	ck_assert_str_eq(in->workdir, "/src");
	in = instr(df, 7, "RUN", 11, 15);
	/* comment line dropped, empty continuation line skipped, no expansion */
	ck_assert_str_eq(in->args, "python -m venv $VENV     && $VENV/bin/pip install "
			 "-U pip     && $VENV/bin/pip install -r requirements.txt");
	ck_assert_int_eq(in->exec_form, 0);
	ck_assert_str_eq(lw_df_var(df, in, "VENV"), "/opt/venv");
	ck_assert_str_eq(lw_df_var(df, in, "PYTHON_VERSION"), "3.12");
	ck_assert_ptr_null(lw_df_var(df, in, "BASE"));
	ck_assert_uint_eq(df->warnings.total, 1);
	ck_assert_ptr_nonnull(strstr(df->warnings.items[0], ":11: empty continuation"));

	in = instr(df, 8, "FROM", 17, 17);
	ck_assert_int_eq(in->stage, 1);
	in = instr(df, 9, "COPY", 18, 18);
	ck_assert_str_eq(lw_df_flag(in, "from"), "builder");
	ck_assert_int_eq(in->from_stage, 0);
	ck_assert_str_eq(in->args, "/opt/venv /opt/venv");
	in = instr(df, 10, "COPY", 19, 19);
	ck_assert_int_eq(in->from_stage, 0);
	ck_assert_str_eq(lw_df_flag(in, "chown"), "10001:10001");
	ck_assert_uint_eq(in->argc, 2);
	ck_assert_str_eq(in->argv[0], "/src/app one");
	ck_assert_str_eq(in->argv[1], "/app/");
	ck_assert_str_eq(in->workdir, "/");
	in = instr(df, 12, "ENTRYPOINT", 21, 21);
	ck_assert_int_eq(in->exec_form, 1);
	ck_assert_uint_eq(in->argc, 3);
	ck_assert_str_eq(in->argv[0], "/opt/venv/bin/python");
	ck_assert_str_eq(in->user, "10001");
	ck_assert_ptr_null(df->instrs[9].user);

	ck_assert_int_eq(lw_df_stage_index(df, NULL), 1);
	ck_assert_int_eq(lw_df_stage_index(df, ""), 1);
	ck_assert_int_eq(lw_df_stage_index(df, "BUILDER"), 0);
	ck_assert_int_eq(lw_df_stage_index(df, "1"), 1);
	ck_assert_int_eq(lw_df_stage_index(df, "2"), -1);
	ck_assert_int_eq(lw_df_stage_index(df, "test"), -1);
	lw_dockerfile_free(df);
}
END_TEST

static const char node_df[] =
	"FROM node:20-alpine\n"                          /* 1 */
	"ENV NODE_ENV=production APP_HOME=/home/node/app\n" /* 2 */
	"WORKDIR $APP_HOME\n"                            /* 3 */
	"COPY package*.json ./\n"                        /* 4 */
	"RUN npm ci --omit=dev \\\n"                     /* 5 */
	"  && npm cache clean --force\n"                 /* 6 */
	"COPY . .\n"                                     /* 7 */
	"RUN chown -R node:node $APP_HOME \\\n"          /* 8 */
	"  && chmod 0755 ./bin/start.sh\n"               /* 9 */
	"WORKDIR src/../lib\n"                           /* 10 */
	"USER node\n"                                    /* 11 */
	"EXPOSE 3000\n"                                  /* 12 */
	"CMD node server.js\n";                          /* 13 */

START_TEST(test_node_chown)
{
	struct lw_dockerfile *df = parse_ok(node_df, NULL);
	const struct lw_df_instr *in;

	ck_assert_uint_eq(df->nstages, 1);
	ck_assert_ptr_null(df->stages[0].name);
	in = instr(df, 2, "WORKDIR", 3, 3);
	ck_assert_str_eq(in->args, "/home/node/app");
	ck_assert_str_eq(in->workdir, "/home/node/app");
	in = instr(df, 4, "RUN", 5, 6);
	ck_assert_str_eq(in->args, "npm ci --omit=dev   && npm cache clean --force");
	in = instr(df, 5, "COPY", 7, 7);
	ck_assert_str_eq(in->argv[0], ".");
	ck_assert_str_eq(in->argv[1], ".");
	ck_assert_str_eq(in->workdir, "/home/node/app");
	in = instr(df, 6, "RUN", 8, 9);
	ck_assert_str_eq(in->raw_args, "chown -R node:node $APP_HOME   && chmod 0755 "
			 "./bin/start.sh");
	ck_assert_str_eq(in->source, "RUN chown -R node:node $APP_HOME \\\n"
			 "  && chmod 0755 ./bin/start.sh");
	ck_assert_uint_eq(in->args_offset, 4);
	ck_assert_str_eq(lw_df_var(df, in, "APP_HOME"), "/home/node/app");
	in = instr(df, 7, "WORKDIR", 10, 10);
	ck_assert_str_eq(in->workdir, "/home/node/app/lib");
	in = instr(df, 8, "USER", 11, 11);
	ck_assert_str_eq(in->user, "node");
	in = instr(df, 10, "CMD", 13, 13);
	ck_assert_int_eq(in->exec_form, 0);
	ck_assert_ptr_null(in->argv);
	ck_assert_str_eq(in->user, "node");
	ck_assert_str_eq(in->workdir, "/home/node/app/lib");
	ck_assert_uint_eq(df->warnings.total, 0);
	lw_dockerfile_free(df);
}
END_TEST

static const char heredoc_df[] =
	"FROM debian:12\n"                               /* 1 */
	"RUN <<EOF\n"                                    /* 2 */
	"set -e\n"                                       /* 3 */
	"apt-get update\n"                               /* 4 */
	"EOF\n"                                          /* 5 */
	"RUN <<-'SCRIPT' bash -ex\n"                     /* 6 */
	"\techo \"$HOME\"\n"                             /* 7 */
	"\tSCRIPT\n"                                     /* 8 */
	"COPY <<EOF1 <<\"EOF2\" /etc/app/\n"             /* 9 */
	"one=$A\n"                                       /* 10 */
	"EOF1\n"                                         /* 11 */
	"two\n"                                          /* 12 */
	"EOF2\n"                                         /* 13 */
	"RUN python3 - 3<<PY <<'X' \\\n"                 /* 14 */
	"  && echo done\n"                               /* 15 */
	"print(1)\n"                                     /* 16 */
	"PY\n"                                           /* 17 */
	"X\n"                                            /* 18 */
	"RUN echo '<<NOTADOC'\n"                         /* 19 */
	"USER nobody\n";                                 /* 20 */

START_TEST(test_heredocs)
{
	struct lw_dockerfile *df = parse_ok(heredoc_df, NULL);
	const struct lw_df_instr *in;

	ck_assert_uint_eq(df->ninstrs, 7);
	in = instr(df, 1, "RUN", 2, 5);
	ck_assert_str_eq(in->args, "<<EOF");
	ck_assert_uint_eq(in->nheredocs, 1);
	ck_assert_str_eq(in->heredocs[0].name, "EOF");
	ck_assert_str_eq(in->heredocs[0].body, "set -e\napt-get update\n");
	ck_assert_int_eq(in->heredocs[0].expand, 1);
	ck_assert_int_eq(in->heredocs[0].chomp, 0);
	ck_assert_int_eq(in->heredocs[0].fd, -1);
	ck_assert_str_eq(in->source, "RUN <<EOF\nset -e\napt-get update\nEOF");
	in = instr(df, 2, "RUN", 6, 8);
	ck_assert_str_eq(in->heredocs[0].name, "SCRIPT");
	ck_assert_int_eq(in->heredocs[0].chomp, 1);
	ck_assert_int_eq(in->heredocs[0].expand, 0);
	ck_assert_str_eq(in->heredocs[0].body, "\techo \"$HOME\"\n");
	in = instr(df, 3, "COPY", 9, 13);
	ck_assert_uint_eq(in->nheredocs, 2);
	ck_assert_str_eq(in->heredocs[0].name, "EOF1");
	ck_assert_str_eq(in->heredocs[0].body, "one=$A\n");
	ck_assert_int_eq(in->heredocs[0].expand, 1);
	ck_assert_str_eq(in->heredocs[1].name, "EOF2");
	ck_assert_str_eq(in->heredocs[1].body, "two\n");
	ck_assert_int_eq(in->heredocs[1].expand, 0);
	ck_assert_uint_eq(in->argc, 3);
	ck_assert_str_eq(in->argv[2], "/etc/app/");
	in = instr(df, 4, "RUN", 14, 18);
	ck_assert_str_eq(in->args, "python3 - 3<<PY <<'X'   && echo done");
	ck_assert_uint_eq(in->nheredocs, 2);
	ck_assert_int_eq(in->heredocs[0].fd, 3);
	ck_assert_str_eq(in->heredocs[0].body, "print(1)\n");
	ck_assert_str_eq(in->heredocs[1].body, "");
	in = instr(df, 5, "RUN", 19, 19);
	ck_assert_uint_eq(in->nheredocs, 0);
	instr(df, 6, "USER", 20, 20);
	lw_dockerfile_free(df);
}
END_TEST

static const char windows_df[] =
	"# escape=`\n"                                   /* 1 */
	"\n"                                             /* 2 */
	"FROM mcr.microsoft.com/windows/servercore:ltsc2022\n" /* 3 */
	"ARG TOOLS=C:\\tools\n"                          /* 4 */
	"ENV TOOLS_DIR=${TOOLS}\\bin\n"                  /* 5 */
	"RUN powershell -Command `\n"                    /* 6 */
	"    New-Item -ItemType Directory $env:TOOLS_DIR ; `\n" /* 7 */
	"    Write-Host done\n"                          /* 8 */
	"COPY app\\ C:\\app\\\n"                         /* 9 */
	"WORKDIR C:\\app\n"                              /* 10 */
	"WORKDIR logs\n"                                 /* 11 */
	"LABEL msg=`$literal\n";                         /* 12 */

START_TEST(test_escape_backtick)
{
	struct lw_dockerfile *df = parse_ok(windows_df, NULL);
	const struct lw_df_instr *in;

	ck_assert_int_eq(df->escape, '`');
	ck_assert_ptr_null(df->syntax);
	in = instr(df, 2, "ENV", 5, 5);
	ck_assert_str_eq(in->argv[0], "TOOLS_DIR=C:\\tools\\bin");
	in = instr(df, 3, "RUN", 6, 8);
	ck_assert_str_eq(in->args, "powershell -Command     New-Item -ItemType "
			 "Directory $env:TOOLS_DIR ;     Write-Host done");
	in = instr(df, 4, "COPY", 9, 9);
	ck_assert_str_eq(in->argv[0], "app\\");
	ck_assert_str_eq(in->argv[1], "C:\\app\\");
	in = instr(df, 5, "WORKDIR", 10, 10);
	ck_assert_str_eq(in->workdir, "C:\\app");
	in = instr(df, 6, "WORKDIR", 11, 11);
	ck_assert_str_eq(in->workdir, "C:\\app\\logs");
	in = instr(df, 7, "LABEL", 12, 12);
	ck_assert_str_eq(in->argv[0], "msg=$literal");
	ck_assert_str_eq(in->args, "msg=`$literal");
	lw_dockerfile_free(df);
}
END_TEST

START_TEST(test_directives)
{
	struct lw_dockerfile *df;

	/* case-insensitive names, blanks around '=', check ignored */
	df = parse_ok("#  Syntax = docker/dockerfile:1 \n# check=skip=all\n"
		      "#ESCAPE=`\nFROM a `\n  AS b\n", NULL);
	ck_assert_str_eq(df->syntax, "docker/dockerfile:1");
	ck_assert_int_eq(df->escape, '`');
	ck_assert_str_eq(df->stages[0].name, "b");
	instr(df, 0, "FROM", 4, 5);
	lw_dockerfile_free(df);
	/* after a comment or a blank line a directive is a comment */
	df = parse_ok("# hello\n# escape=`\nFROM a \\\n  AS b\n", NULL);
	ck_assert_int_eq(df->escape, '\\');
	ck_assert_str_eq(df->stages[0].name, "b");
	lw_dockerfile_free(df);
	df = parse_ok("\n# syntax=x\nFROM a\n", NULL);
	ck_assert_ptr_null(df->syntax);
	lw_dockerfile_free(df);
	/* a UTF-8 byte order mark before the first directive */
	df = parse_ok("\xef\xbb\xbf# escape=`\nFROM a\n", NULL);
	ck_assert_int_eq(df->escape, '`');
	ck_assert_str_eq(df->lines[0], "\xef\xbb\xbf# escape=`");
	lw_dockerfile_free(df);
	ck_assert_ptr_nonnull(strstr(parse_err("# escape=x\nFROM a\n", 18,
					       LW_ERR_INPUT), "Dockerfile:1: invalid escape"));
	ck_assert_ptr_nonnull(strstr(parse_err("# syntax=a\n# syntax=b\nFROM a\n", 29,
					       LW_ERR_INPUT), "Dockerfile:2: only one"));
}
END_TEST

START_TEST(test_substitution)
{
	static const char text[] =
		"ARG GLOBAL=g\n"                          /* 1 */
		"ARG TAG\n"                               /* 2 */
		"FROM alpine:${TAG:-3.20} AS base\n"      /* 3 */
		"ARG EMPTY=\n"                            /* 4 */
		"ARG USER_ID=1000\n"                      /* 5 */
		"ENV A=\"a b\" B=${A}x C=\\$A D='$A'\n"   /* 6 */
		"ENV E=${EMPTY:-dflt} F=${EMPTY-dflt} G=${UNSET_ARG-u} H=${USER_ID:+set}"
		" I=${EMPTY:+set} J=${EMPTY+set} K=${GLOBAL}\n" /* 7 */
		"ARG UNSET_ARG\n"                         /* 8 */
		"ENV L=${UNSET_ARG-u}${UNSET_ARG:-v}${UNSET_ARG+w} M=$HOME\n" /* 9 */
		"ENV LEGACY value with  blanks\n"         /* 10 */
		"ARG A=from-arg\n"                        /* 11 */
		"ARG GLOBAL\n"                            /* 12 */
		"USER ${USER_ID}:${USER_ID}\n"            /* 13 */
		"RUN echo $A ${USER_ID}\n"                /* 14 */
		"LABEL version=\"${GLOBAL}-1\" other=$A\n" /* 15 */
		"ENV VER=1.2.3 PLAT=linux/arm64/v8\n"     /* 16 */
		"ENV MAJ=${VER%%.*} MIN=${VER#*.} ARCH=${PLAT#*/} OS=${PLAT%%/*} "
		"R=${VER//./_}\n";                        /* 17 */
	const char *ba[] = { "USER_ID=42", NULL };
	struct lw_dockerfile *df = parse_ok(text, ba);
	const struct lw_df_instr *in;

	ck_assert_str_eq(df->stages[0].base, "alpine:3.20");
	in = instr(df, 5, "ENV", 6, 6);
	ck_assert_uint_eq(in->argc, 4);
	ck_assert_str_eq(in->argv[0], "A=a b");
	/* values see the variables from before the line: A is unset */
	ck_assert_str_eq(in->argv[1], "B=${A}x");
	ck_assert_str_eq(in->argv[2], "C=$A");
	ck_assert_str_eq(in->argv[3], "D=$A");
	ck_assert_str_eq(in->args, "A=\"a b\" B=${A}x C=\\$A D='$A'");
	in = instr(df, 6, "ENV", 7, 7);
	ck_assert_str_eq(in->argv[0], "E=dflt");
	ck_assert_str_eq(in->argv[1], "F=");
	ck_assert_str_eq(in->argv[2], "G=${UNSET_ARG-u}");
	ck_assert_str_eq(in->argv[3], "H=set");
	ck_assert_str_eq(in->argv[4], "I=");
	ck_assert_str_eq(in->argv[5], "J=set");
	/* a global ARG is not seen in a stage until declared again */
	ck_assert_str_eq(in->argv[6], "K=${GLOBAL}");
	in = instr(df, 8, "ENV", 9, 9);
	ck_assert_str_eq(in->argv[0], "L=uv");
	ck_assert_str_eq(in->argv[1], "M=$HOME");
	in = instr(df, 9, "ENV", 10, 10);
	ck_assert_uint_eq(in->argc, 1);
	ck_assert_str_eq(in->argv[0], "LEGACY=value with  blanks");
	in = instr(df, 10, "ARG", 11, 11);
	/* ENV A wins over ARG A */
	ck_assert_str_eq(lw_df_var(df, &df->instrs[12], "A"), "a b");
	in = instr(df, 11, "ARG", 12, 12);
	ck_assert_str_eq(in->argv[0], "GLOBAL=g");
	in = instr(df, 12, "USER", 13, 13);
	ck_assert_str_eq(in->user, "42:42");
	ck_assert_str_eq(in->args, "42:42");
	in = instr(df, 13, "RUN", 14, 14);
	ck_assert_str_eq(in->args, "echo $A ${USER_ID}");
	in = instr(df, 14, "LABEL", 15, 15);
	ck_assert_str_eq(in->args, "version=\"g-1\" other=a b");
	ck_assert_str_eq(in->argv[0], "version=g-1");
	in = instr(df, 16, "ENV", 17, 17);
	ck_assert_str_eq(in->argv[0], "MAJ=1");
	ck_assert_str_eq(in->argv[1], "MIN=2.3");
	ck_assert_str_eq(in->argv[2], "ARCH=arm64/v8");
	ck_assert_str_eq(in->argv[3], "OS=linux");
	ck_assert_str_eq(in->argv[4], "R=1_2_3");
	ck_assert_uint_eq(df->warnings.total, 0);
	lw_dockerfile_free(df);
}
END_TEST

START_TEST(test_build_args)
{
	static const char text[] =
		"ARG VERSION=1.0\n"
		"ARG REGISTRY\n"
		"FROM ${REGISTRY:-docker.io}/library/app:$VERSION AS app\n"
		"ARG VERSION\n"
		"ARG MODE=debug\n"
		"ARG TARGETARCH\n"
		"COPY bin/app-${TARGETARCH} /usr/local/bin/app\n"
		"RUN echo $VERSION $MODE\n";
	const char *ba[] = { "VERSION=2.5", "MODE=release", "TARGETARCH=arm64",
			     "UNUSED=1", NULL };
	const char *ba2[] = { "REGISTRY=ghcr.io", NULL };
	struct lw_dockerfile *df = parse_ok(text, ba);
	struct lw_error err = { 0, "" };
	const struct lw_df_instr *in;

	ck_assert_str_eq(df->stages[0].base, "docker.io/library/app:2.5");
	in = &df->instrs[7];
	ck_assert_str_eq(lw_df_var(df, in, "VERSION"), "2.5");
	ck_assert_str_eq(lw_df_var(df, in, "MODE"), "release");
	ck_assert_str_eq(df->instrs[6].argv[0], "bin/app-arm64");
	ck_assert_str_eq(df->instrs[6].args, "bin/app-arm64 /usr/local/bin/app");
	ck_assert_uint_eq(df->warnings.total, 1);
	ck_assert_ptr_nonnull(strstr(df->warnings.items[0], "'UNUSED'"));
	/* resolved again with other build args */
	ck_assert_int_eq(lw_dockerfile_resolve(df, ba2, &err), 0);
	ck_assert_str_eq(df->stages[0].base, "ghcr.io/library/app:1.0");
	ck_assert_str_eq(lw_df_var(df, &df->instrs[7], "MODE"), "debug");
	ck_assert_str_eq(df->instrs[6].argv[0], "bin/app-" LW_TEST_ARCH);
	lw_dockerfile_free(df);
}
END_TEST

START_TEST(test_expand_api)
{
	struct lw_df_var vars[] = {
		{ .name = "A", .value = "x y", .env = 0 },
		{ .name = "E", .value = "", .env = 1 },
		{ .name = "U", .value = NULL, .env = 0 },
	};
	struct lw_error err = { 0, "" };
	char *out, **w;
	size_t n;

	ck_assert_int_eq(lw_df_expand("'$A' \"$A\" \\$A $A$", '\\', vars, 3, 0,
				      &out, &err), 0);
	ck_assert_str_eq(out, "$A x y $A x y$");
	free(out);
	ck_assert_int_eq(lw_df_expand("'$A' \"$A\" \\$A", '\\', vars, 3,
				      LW_DF_KEEP_QUOTES, &out, &err), 0);
	ck_assert_str_eq(out, "'$A' \"x y\" \\$A");
	free(out);
	ck_assert_int_eq(lw_df_expand("$Z${Z:-d}${U}${U-d}", '\\', vars, 3,
				      LW_DF_KEEP_UNKNOWN, &out, &err), 0);
	ck_assert_str_eq(out, "$Z${Z:-d}d");
	free(out);
	/* only the first vars count */
	ck_assert_int_eq(lw_df_expand("[$E]", '\\', vars, 1, 0, &out, &err), 0);
	ck_assert_str_eq(out, "[]");
	free(out);
	ck_assert_int_eq(lw_df_expand_words("a $A \"b c\" ''d", '\\', vars, 3, 0,
					    &w, &n, &err), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(w[1], "x");
	ck_assert_str_eq(w[2], "y");
	ck_assert_str_eq(w[3], "b c");
	ck_assert_str_eq(w[4], "d");
	while (n)
		free(w[--n]);
	free(w);
	ck_assert_int_eq(lw_df_expand("${U:?must be set}", '\\', vars, 3, 0, &out,
				      &err), LW_ERR_INPUT);
	ck_assert_str_eq(err.msg, "U: must be set");
	ck_assert_int_eq(lw_df_expand("${E:?}", '\\', vars, 3, 0, &out, &err),
			 LW_ERR_INPUT);
	ck_assert_str_eq(err.msg, "E: is not allowed to be empty");
	ck_assert_int_eq(lw_df_expand("\"abc", '\\', vars, 3, 0, &out, &err),
			 LW_ERR_INPUT);
	ck_assert_ptr_nonnull(strstr(err.msg, "double-quote"));
	ck_assert_int_eq(lw_df_expand("${A", '\\', vars, 3, 0, &out, &err),
			 LW_ERR_INPUT);
	ck_assert_int_eq(lw_df_expand("${:x}", '\\', vars, 3, 0, &out, &err),
			 LW_ERR_INPUT);
	ck_assert_str_eq(err.msg, "syntax error: bad substitution");
	ck_assert_ptr_null(out);
}
END_TEST

START_TEST(test_helpers)
{
	char **argv = NULL, *p;
	size_t argc = 0;

	ck_assert_int_eq(lw_df_json_argv(" [\"a\", \"b c\", \"\\u00e9\"] ", &argv,
					 &argc), 1);
	ck_assert_uint_eq(argc, 3);
	ck_assert_str_eq(argv[1], "b c");
	ck_assert_str_eq(argv[2], "\xc3\xa9");
	ck_assert_ptr_null(argv[3]);
	while (argc)
		free(argv[--argc]);
	free(argv);
	argv = NULL;
	ck_assert_int_eq(lw_df_json_argv("[ -f x ] && y", &argv, &argc), 0);
	ck_assert_int_eq(lw_df_json_argv("[\"a\"] trailing", &argv, &argc), 0);
	ck_assert_int_eq(lw_df_json_argv("{\"a\": 1}", &argv, &argc), 0);
	ck_assert_int_eq(lw_df_json_argv("[\"a\", null]", &argv, &argc), -1);
	ck_assert_ptr_null(argv);
	p = lw_df_join_path("/app", "./src/../lib/");
	ck_assert_str_eq(p, "/app/lib");
	free(p);
	p = lw_df_join_path("/app", "/etc/../../x");
	ck_assert_str_eq(p, "/x");
	free(p);
	p = lw_df_join_path("/", "..");
	ck_assert_str_eq(p, "/");
	free(p);
	p = lw_df_join_path("C:\\app", "D:\\x");
	ck_assert_str_eq(p, "D:\\x");
	free(p);
}
END_TEST

START_TEST(test_exec_form_and_flags)
{
	static const char text[] =
		"FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n"   /* 1 */
		"RUN --mount=type=cache,target=/root/.cache/go-build \\\n" /* 2 */
		"    --mount=type=bind,source=.,target=/src \\\n"          /* 3 */
		"    --network=none go build -o /out/app ./cmd/app\n"      /* 4 */
		"RUN [\"/bin/sh\", \"-c\", \"echo \\\"hi\\\"\"]\n"         /* 5 */
		"RUN [ -f /etc/os-release ] && cat /etc/os-release\n"     /* 6 */
		"SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\n"    /* 7 */
		"FROM scratch\n"                                          /* 8 */
		"ARG UID=65532\n"                                         /* 9 */
		"COPY --from=build --chown=$UID:$UID --chmod=0755 --link /out/app /app\n"
		"ADD --checksum=sha256:0123 --keep-git-dir=true https://x/y.tar.gz /\n"
		"COPY --from=alpine:3.20 /etc/ssl/certs /etc/ssl/certs\n" /* 12 */
		"COPY --chown=\"a b\" \"--not-a-flag\" y\n"               /* 13 */
		"CMD [\"/app\"]\n";                                       /* 14 */
	struct lw_dockerfile *df = parse_ok(text, NULL);
	const struct lw_df_instr *in;

	in = instr(df, 0, "FROM", 1, 1);
	ck_assert_str_eq(lw_df_flag(in, "platform"), "linux/" LW_TEST_ARCH);
	ck_assert_str_eq(in->flags[0].raw_value, "$BUILDPLATFORM");
	in = instr(df, 1, "RUN", 2, 4);
	ck_assert_uint_eq(in->nflags, 3);
	ck_assert_str_eq(in->flags[0].name, "mount");
	ck_assert_str_eq(in->flags[1].value, "type=bind,source=.,target=/src");
	ck_assert_str_eq(lw_df_flag(in, "mount"), "type=bind,source=.,target=/src");
	ck_assert_str_eq(lw_df_flag(in, "network"), "none");
	ck_assert_str_eq(in->args, "go build -o /out/app ./cmd/app");
	ck_assert_uint_eq(in->args_offset, strlen(in->source) -
			  strlen("go build -o /out/app ./cmd/app"));
	in = instr(df, 2, "RUN", 5, 5);
	ck_assert_int_eq(in->exec_form, 1);
	ck_assert_uint_eq(in->argc, 3);
	ck_assert_str_eq(in->argv[2], "echo \"hi\"");
	in = instr(df, 3, "RUN", 6, 6);
	ck_assert_int_eq(in->exec_form, 0);
	in = instr(df, 4, "SHELL", 7, 7);
	ck_assert_int_eq(in->exec_form, 1);
	ck_assert_uint_eq(in->argc, 4);
	in = instr(df, 7, "COPY", 10, 10);
	ck_assert_int_eq(in->from_stage, 0);
	ck_assert_str_eq(lw_df_flag(in, "chown"), "65532:65532");
	ck_assert_str_eq(lw_df_flag(in, "chmod"), "0755");
	ck_assert_str_eq(lw_df_flag(in, "link"), "");
	ck_assert_ptr_null(in->flags[3].value);
	ck_assert_ptr_null(lw_df_flag(in, "parents"));
	in = instr(df, 8, "ADD", 11, 11);
	ck_assert_str_eq(lw_df_flag(in, "checksum"), "sha256:0123");
	ck_assert_str_eq(lw_df_flag(in, "keep-git-dir"), "true");
	ck_assert_str_eq(in->argv[0], "https://x/y.tar.gz");
	in = instr(df, 9, "COPY", 12, 12);
	ck_assert_int_eq(in->from_stage, -1);
	ck_assert_str_eq(lw_df_flag(in, "from"), "alpine:3.20");
	in = instr(df, 10, "COPY", 13, 13);
	ck_assert_str_eq(lw_df_flag(in, "chown"), "a b");
	ck_assert_uint_eq(in->nflags, 1);
	ck_assert_str_eq(in->args, "\"--not-a-flag\" y");
	ck_assert_str_eq(in->argv[0], "--not-a-flag");
	lw_dockerfile_free(df);
}
END_TEST

START_TEST(test_stage_chain)
{
	static const char text[] =
		"FROM alpine AS base\n"
		"ENV APP=/srv PATH=/opt/bin:$PATH\n"
		"WORKDIR /srv\n"
		"USER 1000\n"
		"FROM base AS deps\n"
		"RUN echo $APP\n"
		"FROM golang AS other\n"
		"FROM Deps\n"
		"COPY --from=other /go/bin/x /x\n"
		"COPY --from=1 /a /b\n";
	struct lw_dockerfile *df = parse_ok(text, NULL);
	int chain[4];

	ck_assert_uint_eq(df->nstages, 4);
	ck_assert_int_eq(df->stages[1].base_stage, 0);
	ck_assert_int_eq(df->stages[3].base_stage, 1);
	ck_assert_str_eq(df->stages[3].base, "Deps");
	ck_assert_uint_eq(lw_df_stage_chain(df, 3, chain, 4), 3);
	ck_assert_int_eq(chain[0], 0);
	ck_assert_int_eq(chain[1], 1);
	ck_assert_int_eq(chain[2], 3);
	ck_assert_uint_eq(lw_df_stage_chain(df, 3, chain, 2), 2);
	ck_assert_int_eq(chain[0], 1);
	ck_assert_int_eq(chain[1], 3);
	ck_assert_uint_eq(lw_df_stage_chain(df, 2, chain, 4), 1);
	ck_assert_uint_eq(lw_df_stage_chain(df, 7, chain, 4), 0);
	/* ENV, WORKDIR and USER carry over to a stage built on another */
	ck_assert_str_eq(lw_df_var(df, &df->instrs[5], "APP"), "/srv");
	ck_assert_str_eq(lw_df_var(df, &df->instrs[5], "PATH"), "/opt/bin:$PATH");
	ck_assert_str_eq(df->instrs[5].workdir, "/srv");
	ck_assert_str_eq(df->instrs[5].user, "1000");
	ck_assert_str_eq(df->instrs[6].workdir, "/");
	ck_assert_ptr_null(df->instrs[6].user);
	ck_assert_int_eq(df->instrs[8].from_stage, 2);
	ck_assert_int_eq(df->instrs[9].from_stage, 1);
	lw_dockerfile_free(df);
}
END_TEST

START_TEST(test_lines_exact)
{
	/* CRLF endings stay in lines and source, never in args */
	static const char text[] = "FROM a\r\nRUN x \\\r\n  y\r\n\r\n  # c\r\n"
				   "COPY  a   b  \r\n";
	struct lw_dockerfile *df = parse_ok(text, NULL);
	const struct lw_df_instr *in;

	ck_assert_uint_eq(df->nlines, 6);
	ck_assert_str_eq(df->lines[1], "RUN x \\\r");
	ck_assert_str_eq(df->text, text);
	in = instr(df, 1, "RUN", 2, 3);
	ck_assert_str_eq(in->source, "RUN x \\\r\n  y\r");
	ck_assert_str_eq(in->args, "x   y");
	in = instr(df, 2, "COPY", 6, 6);
	ck_assert_str_eq(in->args, "a   b");
	ck_assert_uint_eq(in->args_offset, 6);
	lw_dockerfile_free(df);
	/* a continuation at the end of the file, escape then blanks */
	df = parse_ok("FROM a\nRUN a \\  \n  b \\\n", NULL);
	in = instr(df, 1, "RUN", 2, 3);
	ck_assert_str_eq(in->args, "a   b");
	lw_dockerfile_free(df);
	/* lower-case keywords are fine; leading blanks too */
	df = parse_ok("from a as B\n   run echo\n", NULL);
	ck_assert_str_eq(df->stages[0].name, "b");
	in = instr(df, 1, "RUN", 2, 2);
	ck_assert_uint_eq(in->args_offset, 7);
	lw_dockerfile_free(df);
}
END_TEST

START_TEST(test_errors)
{
	char *big;
	size_t n = (1u << 20) + 20;

	ck_assert_str_eq(parse_err("FROM a\nRUN x\nFOO bar\n", 21, LW_ERR_INPUT),
			 "Dockerfile:3: unknown instruction: FOO");
	ck_assert_str_eq(parse_err("FROM a\nRUN <<EOF\nx\n", 19, LW_ERR_INPUT),
			 "Dockerfile:2: unterminated heredoc EOF");
	ck_assert_str_eq(parse_err("# only a comment\n", 17, LW_ERR_INPUT),
			 "Dockerfile:1: no FROM instruction");
	ck_assert_str_eq(parse_err("ARG A=1\n\nRUN x\nFROM a\n", 21, LW_ERR_INPUT),
			 "Dockerfile:3: no build stage in current context: RUN");
	ck_assert_str_eq(parse_err("FROM a b\n", 9, LW_ERR_INPUT),
			 "Dockerfile:1: FROM requires either one or three arguments");
	ck_assert_str_eq(parse_err("FROM a AS 1x\n", 13, LW_ERR_INPUT),
			 "Dockerfile:1: invalid name for build stage: 1x");
	ck_assert_str_eq(parse_err("FROM a AS x\nFROM b AS X\n", 24, LW_ERR_INPUT),
			 "Dockerfile:2: duplicate stage name x");
	ck_assert_str_eq(parse_err("FROM a\n\nCOPY onlyone\n", 21, LW_ERR_INPUT),
			 "Dockerfile:3: COPY requires at least two arguments");
	ck_assert_str_eq(parse_err("FROM a\nSHELL /bin/bash -c\n", 26, LW_ERR_INPUT),
			 "Dockerfile:2: SHELL requires the arguments to be in JSON form");
	ck_assert_str_eq(parse_err("FROM a\nCMD [1, 2]\n", 18, LW_ERR_INPUT),
			 "Dockerfile:2: CMD: JSON array must hold only strings");
	ck_assert_str_eq(parse_err("FROM a\nENV A=1 B\n", 17, LW_ERR_INPUT),
			 "Dockerfile:2: Syntax error - can't find = in B");
	ck_assert_str_eq(parse_err("FROM a\nCOPY \"x y\n", 17, LW_ERR_INPUT),
			 "Dockerfile:2: unexpected end of statement while looking "
			 "for matching double-quote");
	/* declared without a value: unset (an unknown name is kept as is) */
	ck_assert_str_eq(parse_err("FROM a\nARG U\nUSER ${U:?no user}\n", 31,
				   LW_ERR_INPUT), "Dockerfile:3: U: no user");
	ck_assert_str_eq(parse_err("FROM a\nRUN x\0y\n", 15, LW_ERR_INPUT),
			 "Dockerfile:2: NUL byte in line");
	big = malloc(n);
	memset(big, 'x', n);
	memcpy(big, "FROM a\nRUN ", 11);
	ck_assert_str_eq(parse_err(big, n, LW_ERR_INPUT),
			 "Dockerfile:2: line longer than 1 MiB");
	free(big);
	n = LW_DF_FILE_MAX + 1;
	big = calloc(1, n);
	ck_assert_ptr_nonnull(strstr(parse_err(big, n, LW_ERR_INPUT), "larger than 4 MiB"));
	free(big);
}
END_TEST

START_TEST(test_load)
{
	char path[] = "/tmp/lw-dockerfile-XXXXXX";
	int fd = mkstemp(path);
	struct lw_dockerfile *df;
	struct lw_error err = { 0, "" };
	FILE *f;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs("FROM busybox\nRUN true\nBAD x\n", f);
	fclose(f);
	ck_assert_int_eq(lw_dockerfile_load(path, NULL, &df, &err), LW_ERR_INPUT);
	ck_assert_ptr_null(df);
	ck_assert_ptr_nonnull(strstr(err.msg, ":3: unknown instruction: BAD"));
	ck_assert_ptr_nonnull(strstr(err.msg, path));
	f = fopen(path, "w");
	fputs("FROM busybox\nRUN true\n", f);
	fclose(f);
	ck_assert_int_eq(lw_dockerfile_load(path, NULL, &df, &err), 0);
	ck_assert_str_eq(df->path, path);
	ck_assert_uint_eq(df->ninstrs, 2);
	lw_dockerfile_free(df);
	unlink(path);
	ck_assert_int_eq(lw_dockerfile_load(path, NULL, &df, &err), LW_ERR_IO);
	ck_assert_ptr_null(df);
	ck_assert_ptr_nonnull(strstr(err.msg, "No such file"));
}
END_TEST

static struct lw_dockerfile *load_fixture(const char *name,
					  const char *const *ba)
{
	const char *root = getenv("LW_FIXTURES");
	struct lw_dockerfile *df = NULL;
	struct lw_error err = { 0, "" };
	char path[4096];

	ck_assert_msg(root != NULL, "LW_FIXTURES is not set");
	snprintf(path, sizeof(path), "%s/src/%s/Dockerfile", root, name);
	ck_assert_msg(lw_dockerfile_load(path, ba, &df, &err) == 0, "%s", err.msg);
	return df;
}

START_TEST(test_fixture_dockerfiles)
{
	const char *ba[] = { "TARGETARCH=arm64", NULL };
	struct lw_dockerfile *df = load_fixture("waste", NULL);
	const struct lw_df_instr *in;

	ck_assert_uint_eq(df->ninstrs, 21);
	in = instr(df, 2, "RUN", 13, 13);
	ck_assert_int_eq(in->exec_form, 1);
	ck_assert_str_eq(in->argv[1], "--install");
	/* the joined RUN is what buildah wrote into the history */
	in = instr(df, 17, "RUN", 46, 49);
	ck_assert_str_eq(in->args, "yes 'links/orig.txt 0123456789' | head -c 400 > "
			 "orig.txt  && ln orig.txt hard.txt  && ln -s orig.txt sym.txt  && "
			 "ln /data/dup-a.txt /data/links/dup-a.hardlink");
	ck_assert_str_eq(in->workdir, "/data/links");
	instr(df, 20, "USER", 57, 57);
	lw_dockerfile_free(df);

	df = load_fixture("clean", NULL);
	in = instr(df, 1, "COPY", 6, 6);
	ck_assert_str_eq(lw_df_flag(in, "chown"), "1000:1000");
	lw_dockerfile_free(df);

	df = load_fixture("multiarch", ba);
	in = instr(df, 3, "COPY", 9, 9);
	ck_assert_str_eq(in->argv[0], "hello-arm64.txt");
	ck_assert_str_eq(in->raw_args, "hello-${TARGETARCH}.txt /hello.txt");
	lw_dockerfile_free(df);
}
END_TEST

static Suite *dockerfile_suite(void)
{
	Suite *s = suite_create("dockerfile");
	TCase *real = tcase_create("realistic");
	TCase *syn = tcase_create("syntax");
	TCase *sub = tcase_create("substitution");
	TCase *bad = tcase_create("errors");

	tcase_add_test(real, test_python_multistage);
	tcase_add_test(real, test_node_chown);
	tcase_add_test(real, test_stage_chain);
	tcase_add_test(real, test_fixture_dockerfiles);
	suite_add_tcase(s, real);
	tcase_add_test(syn, test_heredocs);
	tcase_add_test(syn, test_escape_backtick);
	tcase_add_test(syn, test_directives);
	tcase_add_test(syn, test_exec_form_and_flags);
	tcase_add_test(syn, test_helpers);
	tcase_add_test(syn, test_lines_exact);
	suite_add_tcase(s, syn);
	tcase_add_test(sub, test_substitution);
	tcase_add_test(sub, test_build_args);
	tcase_add_test(sub, test_expand_api);
	suite_add_tcase(s, sub);
	tcase_add_test(bad, test_errors);
	tcase_add_test(bad, test_load);
	suite_add_tcase(s, bad);
	return s;
}

int main(void)
{
	return lwt_run_suite(dockerfile_suite());
}
