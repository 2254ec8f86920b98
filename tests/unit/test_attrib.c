/* Unit tests of attribution (attrib.h): the Dockerfile aligned with the
 * history each builder writes (classic/buildah and BuildKit, multi-stage
 * with a target) or refused with a reason, every group of findings given
 * its cause, each fix kind with its title, place, safety and edits, and
 * the --fix diff written in full.
 *
 * Images are docker-archive files on disk (layers built in memory with
 * tarbuild, a config holding the history) read by the real reader, then
 * analysed and attributed against a Dockerfile in the same directory. */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layerwaste/attrib.h"
#include "layerwaste/engine.h"
#include "layerwaste/read.h"
#include "layerwaste/util.h"
#include "dockerarchive.h"
#include "tarbuild.h"
#include "files.h"
#include "suite.h"

#define MAXL 8

/* History entries: the first (the base image's layer) opens the array,
 * the others follow it with a comma; "]" closes it. */
#define BASE(hex) "[{\"created_by\":\"/bin/sh -c #(nop) ADD file:" hex " in / \"}"
#define H(cb) ",{\"created_by\":\"" cb "\"}"
#define HE(cb) ",{\"created_by\":\"" cb "\",\"empty_layer\":true}"
#define BK ",\"comment\":\"buildkit.dockerfile.v0\""
#define HB(cb) ",{\"created_by\":\"" cb " # buildkit\"" BK "}"
#define HBE(cb) ",{\"created_by\":\"" cb "\"" BK ",\"empty_layer\":true}"

struct spec {
	struct tb_layer *layers[MAXL];
	size_t n;
	const char *history;    /* the config's history, a JSON array */
	const char *dockerfile; /* its text, or NULL */
	const char *target;     /* --target, or NULL */
	int relative;           /* name the Dockerfile "Dockerfile" (cwd) */
};

struct run {
	char dir[64];
	char df[128];
	struct lw_image *img;
	struct lw_analysis *an;
	struct lw_attribution *at;
};

/* Reads, analyses and attributes the spec; returns lw_attribute's code. */
static int try_spec(struct spec *s, struct run *r, struct lw_error *err)
{
	struct lw_analyze_opts ao = { .find_duplicates = 0, .jobs = 1 };
	struct lw_attrib_opts o = { .target = s->target };
	struct lw_read_opts ro = { .source = "archive", .jobs = 1 };
	char path[128], cwd[PATH_MAX];
	int rc;

	memset(r, 0, sizeof(*r));
	snprintf(r->dir, sizeof(r->dir), "/tmp/lw-attrib.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(r->dir));
	snprintf(path, sizeof(path), "%s/image.tar", r->dir);
	ck_assert_int_eq(tb_write_docker_archive(path, s->layers, s->n, NULL,
						 s->history), 0);
	ro.input = path;
	ck_assert_msg(lw_image_read(&ro, &r->img, err) == LW_OK, "%s", err->msg);
	ck_assert_msg(lw_analyze(r->img, &ao, &r->an, err) == LW_OK, "%s",
		      err->msg);
	snprintf(r->df, sizeof(r->df), "%s/Dockerfile", r->dir);
	if (s->dockerfile) {
		lwt_write_file(r->df, s->dockerfile);
		o.dockerfile = r->df;
	}
	if (s->relative) {
		ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
		ck_assert_int_eq(chdir(r->dir), 0);
		o.dockerfile = "Dockerfile";
	}
	rc = lw_attribute(r->an, &o, &r->at, err);
	if (s->relative)
		ck_assert_int_eq(chdir(cwd), 0);
	unlink(path);
	unlink(r->df);
	rmdir(r->dir);
	return rc;
}

static struct run run_spec(struct spec *s)
{
	struct lw_error err = { 0, "" };
	struct run r;

	ck_assert_msg(try_spec(s, &r, &err) == LW_OK, "%s", err.msg);
	return r;
}

static void run_free(struct run *r)
{
	lw_attribution_free(r->at);
	lw_analysis_free(r->an);
	lw_image_free(r->img);
}

/* The base image's one layer. */
static struct tb_layer *base_layer(void)
{
	struct tb_layer *l = tb_layer_new();

	tb_dir(l, "etc", 0755);
	tb_file(l, "etc/os-release", "ID=alpine\n", 0, 0, 0644);
	return l;
}

/* "DIR/Dockerfile:N" for the run. */
static const char *loc(const struct run *r, int line)
{
	static char buf[200];

	snprintf(buf, sizeof(buf), "%s:%d", r->df, line);
	return buf;
}

static void assert_has(const char *s, const char *needle)
{
	ck_assert_ptr_nonnull(s);
	ck_assert_msg(strstr(s, needle), "'%s' lacks '%s'", s, needle);
}

static void assert_diff(const struct lw_attribution *at, const char *want)
{
	char *d = lw_attribution_diff(at);

	ck_assert_str_eq(d, want);
	free(d);
}

/* The suggestion that covers group g (through its cause). */
static const struct lw_suggestion *sugg_of(const struct run *r, size_t g)
{
	ck_assert_uint_lt(g, r->at->ncauses);
	ck_assert_int_ge(r->at->causes[g].suggestion, 0);
	return &r->at->suggestions[r->at->causes[g].suggestion];
}

static void assert_edit(const struct lw_suggestion *s, size_t i, int line,
			int end_line, const char *text)
{
	ck_assert_uint_lt(i, s->nedits);
	ck_assert_int_eq(s->edits[i].line, line);
	ck_assert_int_eq(s->edits[i].end_line, end_line);
	if (text)
		ck_assert_str_eq(s->edits[i].text, text);
	else
		ck_assert_ptr_null(s->edits[i].text);
}

/* Classic/buildah history: COPY of two files, then a RUN that chowns them. */
static const char classic_history[] = BASE("5b1e")
	HE("/bin/sh -c #(nop)  CMD [\\\"/bin/sh\\\"]")
	HE("/bin/sh -c #(nop) WORKDIR /app")
	H("/bin/sh -c #(nop) COPY dir:9f3a in /app/ ")
	H("/bin/sh -c chown -R 1000:1000 /app")
	HE("/bin/sh -c #(nop)  CMD [\\\"python\\\" \\\"a.py\\\"]") "]";

/* The same two steps from scratch: no base image entries. */
static const char scratch_history[] = "[{\"created_by\":\"/bin/sh -c #(nop) "
	"WORKDIR /app\",\"empty_layer\":true}"
	H("/bin/sh -c #(nop) COPY dir:9f3a in /app/ ")
	H("/bin/sh -c chown -R 1000:1000 /app") "]";

static const char chown_dockerfile[] =
	"FROM alpine:3.19\n"
	"WORKDIR /app\n"
	"COPY app/ /app/\n"
	"RUN chown -R 1000:1000 /app\n"
	"CMD [\"python\", \"a.py\"]\n";

static void chown_spec(struct spec *s, const char *history, const char *df)
{
	*s = (struct spec){ .n = 3, .history = history, .dockerfile = df };
	s->layers[0] = base_layer();
	s->layers[1] = tb_layer_new();
	tb_dir(s->layers[1], "app", 0755);
	tb_file(s->layers[1], "app/a.py", "print('a')\n", 0, 0, 0644);
	tb_file(s->layers[1], "app/b.py", "print('bb')\n", 0, 0, 0644);
	s->layers[2] = tb_layer_new();
	tb_dir(s->layers[2], "app", 0755);
	tb_file(s->layers[2], "app/a.py", "print('a')\n", 1000, 1000, 0644);
	tb_file(s->layers[2], "app/b.py", "print('bb')\n", 1000, 1000, 0644);
}

/* A classic/buildah history aligns: each layer gets its instruction, the
 * base layer is marked with the FROM reference, and the COPY-then-chown
 * pair becomes a safe copy-chown with both edits. */
START_TEST(test_align_classic_copy_chown)
{
	struct spec s;
	struct run r;
	const struct lw_layer_attr *la;
	const struct lw_suggestion *g;
	char want[1024];

	chown_spec(&s, classic_history, chown_dockerfile);
	r = run_spec(&s);
	ck_assert_msg(r.at->aligned == 1, "%s", r.at->alignment_note);
	la = &r.at->layers[0];
	ck_assert_int_eq(la->base, 1);
	ck_assert_str_eq(la->base_ref, "alpine:3.19");
	ck_assert_ptr_null(la->file);
	ck_assert_str_eq(la->keyword, "ADD");
	la = &r.at->layers[1];
	ck_assert_int_eq(la->base, 0);
	ck_assert_ptr_null(la->base_ref);
	ck_assert_str_eq(la->file, r.df);
	ck_assert_int_eq(la->line, 3);
	ck_assert_int_eq(la->end_line, 3);
	ck_assert_str_eq(la->text, "COPY app/ /app/");
	ck_assert_str_eq(la->keyword, "COPY");
	ck_assert_str_eq(la->stage, "0");
	la = &r.at->layers[2];
	ck_assert_int_eq(la->line, 4);
	ck_assert_str_eq(la->text, "RUN chown -R 1000:1000 /app");
	ck_assert_str_eq(la->keyword, "RUN");
	ck_assert_str_eq(la->args, "chown -R 1000:1000 /app");
	/* One group: layer 2 chowned both files of layer 1 (11 + 12 bytes). */
	ck_assert_uint_eq(r.an->ngroups, 1);
	ck_assert_uint_eq(r.at->ncauses, 1);
	ck_assert_uint_eq(r.at->causes[0].group, 0);
	ck_assert_uint_eq(r.at->nsuggestions, 1);
	g = sugg_of(&r, 0);
	ck_assert_int_eq(g->kind, LW_FIX_COPY_CHOWN);
	ck_assert_str_eq(lw_fix_kind_name(g->kind), "copy-chown");
	ck_assert_str_eq(lw_fix_kind_name(LW_FIX_COUNT), "?");
	ck_assert_str_eq(g->id, "copy-chown-2-1");
	ck_assert_int_eq(g->safe, 1);
	ck_assert_uint_eq(g->saves_bytes, 23);
	ck_assert_uint_eq(g->nfinding_layers, 1);
	ck_assert_uint_eq(g->finding_layers[0], 2);
	snprintf(want, sizeof(want), "Use COPY --chown=1000:1000 at %s:3 "
		 "instead of chown in %s:4", r.df, r.df);
	ck_assert_str_eq(g->title, want);
	ck_assert_str_eq(g->file, r.df);
	ck_assert_int_eq(g->line, 3);
	ck_assert_int_eq(g->end_line, 4);
	ck_assert_uint_eq(g->nedits, 2);
	assert_edit(g, 0, 3, 3, "COPY --chown=1000:1000 app/ /app/");
	assert_edit(g, 1, 4, 4, NULL); /* the RUN did nothing else: it goes */
	ck_assert_str_eq(g->before, "COPY app/ /app/\n"
			 "RUN chown -R 1000:1000 /app\n");
	ck_assert_str_eq(g->after, "COPY --chown=1000:1000 app/ /app/\n");
	/* The diff names the path as given (absolute: no a/ b/); the RUN
	 * goes, so the new side has one line fewer. */
	snprintf(want, sizeof(want), "--- %s\n+++ %s\n@@ -1,5 +1,4 @@\n"
		 " FROM alpine:3.19\n"
		 " WORKDIR /app\n"
		 "-COPY app/ /app/\n"
		 "+COPY --chown=1000:1000 app/ /app/\n"
		 "-RUN chown -R 1000:1000 /app\n"
		 " CMD [\"python\", \"a.py\"]\n", r.df, r.df);
	assert_diff(r.at, want);
	run_free(&r);
	/* No Dockerfile: history only, nothing to diff. */
	chown_spec(&s, classic_history, NULL);
	r = run_spec(&s);
	ck_assert_int_eq(r.at->aligned, 0);
	ck_assert_ptr_null(r.at->alignment_note);
	ck_assert_str_eq(r.at->layers[1].keyword, "COPY");
	assert_diff(r.at, "");
	/* The owner comes from the findings when no command was read: never
	 * an empty --chown=. */
	ck_assert_str_eq(sugg_of(&r, 0)->title, "Use COPY --chown=1000:1000 at "
			 "layer 1 (COPY) instead of chown in layer 2 (RUN)");
	run_free(&r);
}
END_TEST

/* A Dockerfile whose RUN says something else than the history is refused
 * with the reason, no layer gets a line, and the fix falls back to advice
 * that names layers by number. */
START_TEST(test_align_mismatch)
{
	static const char df[] =
		"FROM alpine:3.19\n"
		"WORKDIR /app\n"
		"COPY app/ /app/\n"
		"RUN chown -R 1001:1001 /app\n";
	struct spec s;
	struct run r;
	size_t i;

	chown_spec(&s, classic_history, df);
	r = run_spec(&s);
	ck_assert_int_eq(r.at->aligned, 0);
	assert_has(r.at->alignment_note, "does not match the image");
	assert_has(r.at->alignment_note, loc(&r, 4));
	assert_has(r.at->alignment_note, "chown -R 1001:1001 /app");
	assert_has(r.at->alignment_note, "chown -R 1000:1000 /app");
	ck_assert_str_eq(r.at->dockerfile, r.df);
	for (i = 0; i < r.at->nlayers; i++) {
		ck_assert_ptr_null(r.at->layers[i].file);
		ck_assert_int_eq(r.at->layers[i].line, 0);
		ck_assert_ptr_null(r.at->layers[i].text);
		ck_assert_int_eq(r.at->layers[i].base, 0);
	}
	/* History still names the instructions. */
	ck_assert_str_eq(r.at->layers[2].keyword, "RUN");
	ck_assert_uint_eq(r.at->nsuggestions, 1);
	ck_assert_int_eq(r.at->suggestions[0].kind, LW_FIX_COPY_CHOWN);
	ck_assert_int_eq(r.at->suggestions[0].safe, 0);
	ck_assert_uint_eq(r.at->suggestions[0].nedits, 0);
	ck_assert_ptr_null(r.at->suggestions[0].file);
	assert_has(r.at->suggestions[0].title, "layer 1 (COPY)");
	assert_has(r.at->suggestions[0].title, "layer 2 (RUN)");
	run_free(&r);
}
END_TEST

/* More layer-making instructions than history entries: refused; a
 * --target naming no stage is a usage error, not an attribution. */
START_TEST(test_align_too_long_and_bad_target)
{
	static const char df[] =
		"FROM alpine:3.19\n"
		"RUN apk add --no-cache python3\n"
		"WORKDIR /app\n"
		"COPY app/ /app/\n"
		"RUN chown -R 1000:1000 /app\n";
	struct lw_error err = { 0, "" };
	struct spec s;
	struct run r;

	/* The extra RUN meets the base image's ADD (CMD, empty, skipped). */
	chown_spec(&s, classic_history, df);
	r = run_spec(&s);
	ck_assert_int_eq(r.at->aligned, 0);
	assert_has(r.at->alignment_note, loc(&r, 2));
	assert_has(r.at->alignment_note, "'RUN apk add --no-cache python3' "
		   "against history '/bin/sh -c #(nop) ADD file:5b1e in /");
	ck_assert_ptr_null(r.at->layers[1].file);
	run_free(&r);

	/* An image from scratch: the extra RUN finds no entry at all. */
	chown_spec(&s, scratch_history, df);
	tb_layer_free(s.layers[0]);
	s.layers[0] = s.layers[1];
	s.layers[1] = s.layers[2];
	s.n = 2;
	r = run_spec(&s);
	ck_assert_int_eq(r.at->aligned, 0);
	assert_has(r.at->alignment_note, loc(&r, 2));
	assert_has(r.at->alignment_note, "RUN has no history entry left");
	ck_assert_ptr_null(r.at->layers[0].file);
	run_free(&r);

	chown_spec(&s, classic_history, chown_dockerfile);
	s.target = "nosuch";
	ck_assert_int_eq(try_spec(&s, &r, &err), LW_ERR_USAGE);
	ck_assert_ptr_null(r.at);
	assert_has(err.msg, "no stage named 'nosuch'");
	lw_analysis_free(r.an);
	lw_image_free(r.img);
}
END_TEST

/* BuildKit history (RUN ... # buildkit, COPY ... # buildkit): a COPY then
 * a RUN whose chmod is one command of several becomes a safe copy-chmod
 * that keeps the other command; the diff is exact. */
START_TEST(test_buildkit_copy_chmod_diff)
{
	static const char df[] =
		"# syntax=docker/dockerfile:1\n"
		"FROM debian:12-slim\n"
		"COPY run.sh tool.sh /usr/local/bin/\n"
		"RUN chmod -R 755 /usr/local/bin && echo done\n"
		"ENTRYPOINT [\"run.sh\"]\n";
	static const char hist[] = BASE("77ab")
		HB("COPY run.sh tool.sh /usr/local/bin/")
		HB("RUN /bin/sh -c chmod -R 755 /usr/local/bin && echo done")
		HBE("ENTRYPOINT [\\\"run.sh\\\"]") "]";
	struct spec s = { .n = 3, .history = hist, .dockerfile = df,
			  .relative = 1 };
	struct run r;
	const struct lw_suggestion *g;

	s.layers[0] = base_layer();
	s.layers[1] = tb_layer_new();
	tb_file(s.layers[1], "usr/local/bin/run.sh", "#!/bin/sh\n", 0, 0, 0644);
	tb_file(s.layers[1], "usr/local/bin/tool.sh", "#!/bin/sh\n:\n", 0, 0,
		0644);
	s.layers[2] = tb_layer_new();
	tb_file(s.layers[2], "usr/local/bin/run.sh", "#!/bin/sh\n", 0, 0, 0755);
	tb_file(s.layers[2], "usr/local/bin/tool.sh", "#!/bin/sh\n:\n", 0, 0,
		0755);
	r = run_spec(&s);
	ck_assert_msg(r.at->aligned == 1, "%s", r.at->alignment_note);
	ck_assert_str_eq(r.at->layers[0].base_ref, "debian:12-slim");
	ck_assert_int_eq(r.at->layers[1].line, 3);
	ck_assert_str_eq(r.at->layers[1].keyword, "COPY");
	ck_assert_int_eq(r.at->layers[2].line, 4);
	ck_assert_str_eq(r.at->layers[2].text,
			 "RUN chmod -R 755 /usr/local/bin && echo done");
	ck_assert_uint_eq(r.an->ngroups, 1);
	ck_assert_int_eq(r.an->groups[0].kind, LW_KIND_CHMOD);
	g = sugg_of(&r, 0);
	ck_assert_int_eq(g->kind, LW_FIX_COPY_CHMOD);
	ck_assert_int_eq(g->safe, 1);
	ck_assert_str_eq(g->title, "Use COPY --chmod=755 at Dockerfile:3 "
			 "instead of chmod in Dockerfile:4 (needs BuildKit)");
	assert_has(g->detail, "--chmod needs BuildKit");
	ck_assert_int_eq(g->line, 3);
	ck_assert_int_eq(g->end_line, 4);
	ck_assert_uint_eq(g->nedits, 2);
	assert_edit(g, 0, 3, 3, "COPY --chmod=755 run.sh tool.sh /usr/local/bin/");
	assert_edit(g, 1, 4, 4, "RUN echo done");
	assert_diff(r.at,
		"--- a/Dockerfile\n"
		"+++ b/Dockerfile\n"
		"@@ -1,5 +1,5 @@\n"
		" # syntax=docker/dockerfile:1\n"
		" FROM debian:12-slim\n"
		"-COPY run.sh tool.sh /usr/local/bin/\n"
		"+COPY --chmod=755 run.sh tool.sh /usr/local/bin/\n"
		"-RUN chmod -R 755 /usr/local/bin && echo done\n"
		"+RUN echo done\n"
		" ENTRYPOINT [\"run.sh\"]\n");
	run_free(&r);
	/* Without the Dockerfile, the mode comes from the findings. */
	s.dockerfile = NULL;
	s.relative = 0;
	s.layers[0] = base_layer();
	s.layers[1] = tb_layer_new();
	tb_file(s.layers[1], "usr/local/bin/run.sh", "#!/bin/sh\n", 0, 0, 0644);
	s.layers[2] = tb_layer_new();
	tb_file(s.layers[2], "usr/local/bin/run.sh", "#!/bin/sh\n", 0, 0, 0755);
	r = run_spec(&s);
	ck_assert_str_eq(sugg_of(&r, 0)->title, "Use COPY --chmod=755 at layer 1 "
			 "(COPY) instead of chmod in layer 2 (RUN) (needs "
			 "BuildKit)");
	run_free(&r);
}
END_TEST

/* The final stage's image: a COPY'd binary, then made executable. */
static void final_image(struct spec *s, const char *hist, const char *df,
			const char *target)
{
	*s = (struct spec){ .n = 3, .history = hist, .dockerfile = df,
			    .target = target };
	s->layers[0] = base_layer();
	s->layers[1] = tb_layer_new();
	tb_file(s->layers[1], "usr/bin/app", "ELF-app", 0, 0, 0644);
	s->layers[2] = tb_layer_new();
	tb_file(s->layers[2], "usr/bin/app", "ELF-app", 0, 0, 0755);
}

/* Two stages: --target build aligns the builder stage's history; the
 * default (last) stage aligns the final image, where COPY --from then
 * chmod is a safe copy-chmod that keeps --from. */
START_TEST(test_multistage_target)
{
	static const char df[] =
		"FROM golang:1.22 AS build\n"
		"WORKDIR /src\n"
		"RUN go build -o /out/app .\n"
		"\n"
		"FROM alpine:3.19 AS final\n"
		"COPY --from=build /out/app /usr/bin/app\n"
		"RUN chmod 0755 /usr/bin/app\n";
	static const char hist_build[] = BASE("1111") HBE("WORKDIR /src")
		HB("RUN /bin/sh -c go build -o /out/app .") "]";
	static const char hist_final[] = BASE("2222")
		HB("COPY /out/app /usr/bin/app")
		HB("RUN /bin/sh -c chmod 0755 /usr/bin/app") "]";
	struct spec s = { .n = 2, .history = hist_build, .dockerfile = df,
			  .target = "build" };
	struct run r;
	const struct lw_suggestion *g;

	s.layers[0] = base_layer();
	s.layers[1] = tb_layer_new();
	tb_file(s.layers[1], "out/app", "ELF-app", 0, 0, 0644);
	r = run_spec(&s);
	ck_assert_msg(r.at->aligned == 1, "%s", r.at->alignment_note);
	ck_assert_str_eq(r.at->layers[0].base_ref, "golang:1.22");
	ck_assert_int_eq(r.at->layers[1].line, 3);
	ck_assert_str_eq(r.at->layers[1].stage, "build");
	ck_assert_uint_eq(r.at->nsuggestions, 0);
	run_free(&r);

	final_image(&s, hist_final, df, NULL);
	r = run_spec(&s);
	ck_assert_msg(r.at->aligned == 1, "%s", r.at->alignment_note);
	ck_assert_str_eq(r.at->layers[0].base_ref, "alpine:3.19");
	ck_assert_int_eq(r.at->layers[1].line, 6);
	ck_assert_str_eq(r.at->layers[1].stage, "final");
	ck_assert_int_eq(r.at->layers[2].line, 7);
	g = sugg_of(&r, 0);
	ck_assert_int_eq(g->kind, LW_FIX_COPY_CHMOD);
	ck_assert_int_eq(g->safe, 1);
	assert_has(g->title, "--chmod=755");
	assert_edit(g, 0, 6, 6, "COPY --chmod=755 --from=build /out/app "
		    "/usr/bin/app");
	assert_edit(g, 1, 7, 7, NULL);
	run_free(&r);

	/* The final image's history against the builder stage: refused. */
	final_image(&s, hist_final, df, "build");
	r = run_spec(&s);
	ck_assert_int_eq(r.at->aligned, 0);
	assert_has(r.at->alignment_note, "go build");
	ck_assert_ptr_null(r.at->layers[2].file);
	run_free(&r);
}
END_TEST

/* Two RUNs, the second only changing what the first made (classic
 * history). between: a RUN in the middle, which makes the fix advice;
 * 2: a USER change in the middle instead (no layer), which does too. */
static struct run same_run(const char *perm, int between, int touch)
{
	static char df[512], hist[1024];
	struct spec s;
	size_t n = 0;

	snprintf(df, sizeof(df), "FROM debian:12\n"
		 "RUN mkdir -p /opt/app && echo hi > /opt/app/data.txt\n"
		 "%sRUN %s\n", between == 2 ? "USER 1000\n" : between ?
		 "RUN echo x > /tmp/x\n" : "", perm);
	snprintf(hist, sizeof(hist), BASE("3333")
		 H("/bin/sh -c mkdir -p /opt/app && echo hi > /opt/app/data.txt")
		 "%s" H("/bin/sh -c %s") "]", between == 2 ?
		 HE("/bin/sh -c #(nop)  USER 1000") : between ?
		 H("/bin/sh -c echo x > /tmp/x") : "", perm);
	if (between == 2)
		between = 0;
	s = (struct spec){ .history = hist, .dockerfile = df };
	s.layers[n++] = base_layer();
	s.layers[n] = tb_layer_new();
	tb_dir(s.layers[n], "opt/app", 0755);
	tb_file(s.layers[n++], "opt/app/data.txt", "hi\n", 0, 0, 0644);
	if (between) {
		s.layers[n] = tb_layer_new();
		tb_file(s.layers[n++], "tmp/x", "x\n", 0, 0, 0644);
	}
	s.layers[n] = tb_layer_new();
	if (touch)
		tb_file_mtime(s.layers[n++], "opt/app/data.txt", "hi\n", 0, 0,
			      0644, 2000);
	else
		tb_file(s.layers[n++], "opt/app/data.txt", "hi\n", 1000, 1000,
			0644);
	s.n = n;
	return run_spec(&s);
}

/* same-run: a chown (or touch) in its own RUN moves to the end of the RUN
 * that made the files, the later RUN goes; with a RUN in between it stays
 * advice pointing at the chown. */
START_TEST(test_same_run)
{
	struct run r;
	const struct lw_suggestion *g;
	char want[1024];

	r = same_run("chown -R 1000:1000 /opt/app", 0, 0);
	ck_assert_msg(r.at->aligned == 1, "%s", r.at->alignment_note);
	ck_assert_uint_eq(r.an->ngroups, 1);
	ck_assert_int_eq(r.an->groups[0].kind, LW_KIND_CHOWN);
	g = sugg_of(&r, 0);
	ck_assert_int_eq(g->kind, LW_FIX_SAME_RUN);
	ck_assert_str_eq(g->id, "same-run-2-1");
	ck_assert_int_eq(g->safe, 1);
	snprintf(want, sizeof(want), "Change the owner in the RUN that creates "
		 "the files (%s:2) instead of in %s:3", r.df, r.df);
	ck_assert_str_eq(g->title, want);
	assert_has(g->detail, "under the right USER");
	ck_assert_int_eq(g->line, 2);
	ck_assert_int_eq(g->end_line, 3);
	ck_assert_uint_eq(g->nedits, 2);
	assert_edit(g, 0, 2, 2, "RUN mkdir -p /opt/app && echo hi > "
		    "/opt/app/data.txt && chown -R 1000:1000 /opt/app");
	assert_edit(g, 1, 3, 3, NULL);
	run_free(&r);

	r = same_run("touch /opt/app/data.txt", 0, 1);
	ck_assert_msg(r.at->aligned == 1, "%s", r.at->alignment_note);
	ck_assert_int_eq(r.an->groups[0].kind, LW_KIND_TOUCH);
	g = sugg_of(&r, 0);
	ck_assert_int_eq(g->kind, LW_FIX_SAME_RUN);
	ck_assert_int_eq(g->safe, 1);
	assert_has(g->title, "Change the mtime or xattrs in the RUN");
	assert_edit(g, 0, 2, 2, "RUN mkdir -p /opt/app && echo hi > "
		    "/opt/app/data.txt && touch /opt/app/data.txt");
	run_free(&r);

	r = same_run("chown -R 1000:1000 /opt/app", 1, 0);
	ck_assert_msg(r.at->aligned == 1, "%s", r.at->alignment_note);
	ck_assert_int_eq(r.at->layers[3].line, 4);
	g = sugg_of(&r, 0);
	ck_assert_int_eq(g->kind, LW_FIX_SAME_RUN);
	ck_assert_str_eq(g->id, "same-run-3-1");
	ck_assert_int_eq(g->safe, 0);
	ck_assert_uint_eq(g->nedits, 0);
	assert_has(g->title, loc(&r, 2));
	assert_has(g->title, loc(&r, 4));
	ck_assert_str_eq(g->file, r.df);
	ck_assert_int_eq(g->line, 4);
	ck_assert_int_eq(g->end_line, 4);
	assert_diff(r.at, "");
	run_free(&r);

	/* Another USER between the two: the moved chown would run as 1000,
	 * where it fails. Advice only. */
	r = same_run("touch /opt/app/data.txt", 2, 1);
	ck_assert_msg(r.at->aligned == 1, "%s", r.at->alignment_note);
	g = sugg_of(&r, 0);
	ck_assert_int_eq(g->kind, LW_FIX_SAME_RUN);
	ck_assert_int_eq(g->safe, 0);
	ck_assert_uint_eq(g->nedits, 0);
	assert_diff(r.at, "");
	run_free(&r);
}
END_TEST

/* cleanup: a RUN that only deletes what an earlier RUN downloaded moves
 * into it (safe); a deletion of COPY'd files is advice. */
START_TEST(test_cleanup)
{
	static const char df[] =
		"FROM alpine:3.19\n"
		"COPY vendor.tar /tmp/\n"
		"RUN wget -O /tmp/src.tgz https://example.org/src.tgz \\\n"
		"    && tar -xzf /tmp/src.tgz -C /opt\n"
		"RUN rm -f /tmp/src.tgz\n"
		"RUN rm -f /tmp/vendor.tar\n";
	static const char hist[] = BASE("4444")
		H("/bin/sh -c #(nop) COPY file:5555 in /tmp/ ")
		H("/bin/sh -c wget -O /tmp/src.tgz https://example.org/src.tgz "
		  "    && tar -xzf /tmp/src.tgz -C /opt")
		H("/bin/sh -c rm -f /tmp/src.tgz")
		H("/bin/sh -c rm -f /tmp/vendor.tar") "]";
	struct spec s = { .n = 5, .history = hist, .dockerfile = df };
	struct run r;
	const struct lw_suggestion *g;
	char want[1024];

	s.layers[0] = base_layer();
	s.layers[1] = tb_layer_new();
	tb_file(s.layers[1], "tmp/vendor.tar", "vendored", 0, 0, 0644);
	s.layers[2] = tb_layer_new();
	tb_file(s.layers[2], "tmp/src.tgz", "gzipped source bytes", 0, 0, 0644);
	tb_file(s.layers[2], "opt/src/main.c", "int main;", 0, 0, 0644);
	s.layers[3] = tb_layer_new();
	tb_whiteout(s.layers[3], "tmp", "src.tgz");
	s.layers[4] = tb_layer_new();
	tb_whiteout(s.layers[4], "tmp", "vendor.tar");
	r = run_spec(&s);
	ck_assert_msg(r.at->aligned == 1, "%s", r.at->alignment_note);
	ck_assert_int_eq(r.at->layers[2].line, 3);
	ck_assert_int_eq(r.at->layers[2].end_line, 4);
	/* Groups by bytes: src.tgz (20) before vendor.tar (8). */
	ck_assert_uint_eq(r.an->ngroups, 2);
	ck_assert_uint_eq(r.an->groups[0].bytes, 20);
	g = sugg_of(&r, 0);
	ck_assert_int_eq(g->kind, LW_FIX_CLEANUP);
	ck_assert_int_eq(g->safe, 1);
	snprintf(want, sizeof(want), "Delete the files in the RUN that creates "
		 "them (%s:3), not later in %s:5", r.df, r.df);
	ck_assert_str_eq(g->title, want);
	ck_assert_int_eq(g->line, 3);
	ck_assert_int_eq(g->end_line, 5);
	ck_assert_uint_eq(g->nedits, 2);
	assert_edit(g, 0, 3, 4, "RUN wget -O /tmp/src.tgz "
		    "https://example.org/src.tgz \\\n"
		    "    && tar -xzf /tmp/src.tgz -C /opt \\\n"
		    "    && rm -f /tmp/src.tgz");
	assert_edit(g, 1, 5, 5, NULL);
	g = sugg_of(&r, 1);
	ck_assert_int_eq(g->kind, LW_FIX_CLEANUP);
	ck_assert_int_eq(g->safe, 0);
	ck_assert_uint_eq(g->nedits, 0);
	snprintf(want, sizeof(want), "Files copied at %s:2 are deleted by %s:6 "
		 "but stay in the image", r.df, r.df);
	ck_assert_str_eq(g->title, want);
	ck_assert_int_eq(g->line, 6);
	run_free(&r);
}
END_TEST

/* Causes: one per group in group order, several groups sharing one fix
 * (two COPYs chowned by one RUN), suggestions sorted by saving; and a
 * RUN overwriting a COPY'd file is reorder advice. */
START_TEST(test_causes)
{
	static const char df[] =
		"FROM alpine:3.19\n"
		"COPY big/ /app/big/\n"
		"COPY small/ /app/small/\n"
		"COPY app.conf /etc/app.conf\n"
		"RUN chown -R app:app /app\n"
		"RUN echo level=info > /etc/app.conf\n";
	static const char hist[] = BASE("7777")
		H("/bin/sh -c #(nop) COPY dir:a1 in /app/big/ ")
		H("/bin/sh -c #(nop) COPY dir:a2 in /app/small/ ")
		H("/bin/sh -c #(nop) COPY file:a3 in /etc/app.conf ")
		H("/bin/sh -c chown -R app:app /app")
		H("/bin/sh -c echo level=info > /etc/app.conf") "]";
	struct spec s = { .n = 6, .history = hist, .dockerfile = df };
	struct run r;
	const struct lw_suggestion *g;
	char want[1024];
	size_t i;

	s.layers[0] = base_layer();
	s.layers[1] = tb_layer_new();
	tb_file(s.layers[1], "app/big/model.bin", "0123456789abcdefghij", 0, 0,
		0644);
	s.layers[2] = tb_layer_new();
	tb_file(s.layers[2], "app/small/x", "0123456789", 0, 0, 0644);
	s.layers[3] = tb_layer_new();
	tb_file(s.layers[3], "etc/app.conf", "level=debug\n", 0, 0, 0644);
	s.layers[4] = tb_layer_new();
	tb_file(s.layers[4], "app/big/model.bin", "0123456789abcdefghij", 100,
		101, 0644);
	tb_file(s.layers[4], "app/small/x", "0123456789", 100, 101, 0644);
	s.layers[5] = tb_layer_new();
	tb_file(s.layers[5], "etc/app.conf", "level=info\n", 0, 0, 0644);
	r = run_spec(&s);
	ck_assert_msg(r.at->aligned == 1, "%s", r.at->alignment_note);
	/* Groups: chown of big (20), overwrite of app.conf (12), chown of
	 * small (10). */
	ck_assert_uint_eq(r.an->ngroups, 3);
	ck_assert_uint_eq(r.an->groups[0].bytes, 20);
	ck_assert_uint_eq(r.an->groups[1].kind, LW_KIND_OVERWRITE);
	ck_assert_uint_eq(r.an->groups[2].from_layer, 2);
	ck_assert_uint_eq(r.at->ncauses, 3);
	for (i = 0; i < 3; i++)
		ck_assert_uint_eq(r.at->causes[i].group, i);
	ck_assert_uint_eq(r.at->nsuggestions, 2);
	ck_assert_int_eq(r.at->causes[0].suggestion, 0);
	ck_assert_int_eq(r.at->causes[1].suggestion, 1);
	ck_assert_int_eq(r.at->causes[2].suggestion, 0);
	g = sugg_of(&r, 0);
	ck_assert_int_eq(g->kind, LW_FIX_COPY_CHOWN);
	ck_assert_uint_eq(g->saves_bytes, 30);
	ck_assert_int_eq(g->safe, 1);
	/* The owner as the chown wrote it, names kept. */
	assert_has(g->title, "Use COPY --chown=app:app at ");
	ck_assert_uint_eq(g->nedits, 3);
	assert_edit(g, 0, 2, 2, "COPY --chown=app:app big/ /app/big/");
	assert_edit(g, 1, 3, 3, "COPY --chown=app:app small/ /app/small/");
	assert_edit(g, 2, 5, 5, NULL);
	ck_assert_int_eq(g->line, 2);
	ck_assert_int_eq(g->end_line, 5);
	/* reorder: the RUN rewrote the COPY'd file; advice at the RUN. */
	g = sugg_of(&r, 1);
	ck_assert_int_eq(g->kind, LW_FIX_REORDER);
	ck_assert_str_eq(g->id, "reorder-5-3");
	ck_assert_int_eq(g->safe, 0);
	ck_assert_uint_eq(g->nedits, 0);
	ck_assert_uint_eq(g->saves_bytes, 12);
	snprintf(want, sizeof(want), "%s:6 replaces files written by %s:4: "
		 "write them once", r.df, r.df);
	ck_assert_str_eq(g->title, want);
	ck_assert_int_eq(g->line, 6);
	ck_assert_int_eq(g->end_line, 6);
	run_free(&r);
}
END_TEST

/* copy-chown stays advice when the RUN chowns only some of the COPY's
 * files, and the title then gives the owner the files ended with. */
START_TEST(test_copy_chown_partial)
{
	static const char df[] =
		"FROM alpine:3.19\n"
		"COPY app/ /app/\n"
		"RUN chown 1000:1000 /app/a.py\n";
	static const char hist[] = BASE("8888") HB("COPY app/ /app/")
		HB("RUN /bin/sh -c chown 1000:1000 /app/a.py") "]";
	struct spec s = { .n = 3, .history = hist, .dockerfile = df };
	struct run r;
	const struct lw_suggestion *g;

	s.layers[0] = base_layer();
	s.layers[1] = tb_layer_new();
	tb_file(s.layers[1], "app/a.py", "a", 0, 0, 0644);
	tb_file(s.layers[1], "app/b.py", "b", 0, 0, 0644);
	s.layers[2] = tb_layer_new();
	tb_file(s.layers[2], "app/a.py", "a", 1000, 1000, 0644);
	r = run_spec(&s);
	ck_assert_msg(r.at->aligned == 1, "%s", r.at->alignment_note);
	/* a.py is a top-level part of the COPY: one COPY per part, the
	 * chowned one with --chown, stores each file once. */
	g = sugg_of(&r, 0);
	ck_assert_int_eq(g->kind, LW_FIX_COPY_CHOWN);
	ck_assert_int_eq(g->safe, 1);
	ck_assert_uint_eq(g->nedits, 2);
	assert_edit(g, 0, 2, 2, "COPY --chown=1000:1000 app/a.py /app/a.py\n"
		    "COPY app/b.py /app/b.py");
	assert_edit(g, 1, 3, 3, NULL);
	assert_has(g->title, "Split the COPY");
	run_free(&r);
}
END_TEST

/* A chown of a file deeper than the COPY's top level, or of another
 * owner than the chown names: advice. */
START_TEST(test_copy_chown_partial_deep)
{
	static const char df[] =
		"FROM alpine:3.19\n"
		"COPY app/ /app/\n"
		"RUN chown 1000:1000 /app/lib/a.py\n";
	static const char hist[] = BASE("8889") HB("COPY app/ /app/")
		HB("RUN /bin/sh -c chown 1000:1000 /app/lib/a.py") "]";
	struct spec s = { .n = 3, .history = hist, .dockerfile = df };
	struct run r;
	const struct lw_suggestion *g;

	s.layers[0] = base_layer();
	s.layers[1] = tb_layer_new();
	tb_file(s.layers[1], "app/lib/a.py", "a", 0, 0, 0644);
	tb_file(s.layers[1], "app/lib/b.py", "b", 0, 0, 0644);
	s.layers[2] = tb_layer_new();
	tb_file(s.layers[2], "app/lib/a.py", "a", 1000, 1000, 0644);
	r = run_spec(&s);
	ck_assert_msg(r.at->aligned == 1, "%s", r.at->alignment_note);
	g = sugg_of(&r, 0);
	ck_assert_int_eq(g->kind, LW_FIX_COPY_CHOWN);
	ck_assert_int_eq(g->safe, 0);
	ck_assert_uint_eq(g->nedits, 0);
	assert_has(g->title, "--chown=1000:1000");
	assert_has(g->detail, "Not applied automatically");
	ck_assert_int_eq(g->line, 3);
	run_free(&r);
}
END_TEST

/* One RUN chowns a COPY's files and an earlier RUN's: --chown on the COPY
 * and the chown of the other path moved into that RUN; with a RUN in
 * between, advice. */
static struct run copy_and_run_spec(int run_between)
{
	static char df[512], hist[1024];
	struct spec s = { .n = 5, .history = hist, .dockerfile = df };

	snprintf(df, sizeof(df), "FROM alpine:3.19\n"
		 "RUN mkdir -p /opt/gen && echo g > /opt/gen/out.txt\n"
		 "COPY conf/ /opt/conf/\n"
		 "%s\n"
		 "RUN chown -R 1000:1000 /opt/conf /opt/gen\n",
		 run_between ? "RUN echo between > /tmp/x" :
		 "COPY extra.txt /tmp/x");
	snprintf(hist, sizeof(hist), "%s", BASE("5656")
		 HB("RUN /bin/sh -c mkdir -p /opt/gen && echo g > /opt/gen/out.txt")
		 HB("COPY conf/ /opt/conf/"));
	snprintf(hist + strlen(hist), sizeof(hist) - strlen(hist),
		 ",{\"created_by\":\"%s # buildkit\"" BK "}"
		 ",{\"created_by\":\"RUN /bin/sh -c chown -R 1000:1000 "
		 "/opt/conf /opt/gen # buildkit\"" BK "}]",
		 run_between ? "RUN /bin/sh -c echo between > /tmp/x" :
		 "COPY extra.txt /tmp/x");
	s.layers[0] = base_layer();
	s.layers[1] = tb_layer_new();
	tb_dir(s.layers[1], "opt/gen", 0755);
	tb_file(s.layers[1], "opt/gen/out.txt", "g\n", 0, 0, 0644);
	s.layers[2] = tb_layer_new();
	tb_dir(s.layers[2], "opt/conf", 0755);
	tb_file(s.layers[2], "opt/conf/app.conf", "conf", 0, 0, 0644);
	s.layers[3] = tb_layer_new();
	tb_file(s.layers[3], "tmp/x", "between\n", 0, 0, 0644);
	s.layers[4] = tb_layer_new();
	tb_dir(s.layers[4], "opt/gen", 0755);
	tb_file(s.layers[4], "opt/gen/out.txt", "g\n", 1000, 1000, 0644);
	tb_dir(s.layers[4], "opt/conf", 0755);
	tb_file(s.layers[4], "opt/conf/app.conf", "conf", 1000, 1000, 0644);
	return run_spec(&s);
}

START_TEST(test_chown_copy_and_run)
{
	const struct lw_suggestion *g;
	struct run r = copy_and_run_spec(0);

	ck_assert_msg(r.at->aligned == 1, "%s", r.at->alignment_note);
	ck_assert_uint_eq(r.an->ngroups, 2);
	g = sugg_of(&r, 0);
	ck_assert_ptr_eq(g, sugg_of(&r, 1));
	ck_assert_int_eq(g->kind, LW_FIX_COPY_CHOWN);
	ck_assert_int_eq(g->safe, 1);
	ck_assert_uint_eq(g->nedits, 3);
	assert_edit(g, 0, 2, 2, "RUN mkdir -p /opt/gen && echo g > "
		    "/opt/gen/out.txt && chown -R 1000:1000 /opt/gen");
	assert_edit(g, 1, 3, 3, "COPY --chown=1000:1000 conf/ /opt/conf/");
	assert_edit(g, 2, 5, 5, NULL);
	assert_has(g->title, "Split the chown");
	run_free(&r);
	r = copy_and_run_spec(1);
	ck_assert_int_eq(sugg_of(&r, 0)->safe, 0);
	ck_assert_int_eq(sugg_of(&r, 1)->safe, 0);
	run_free(&r);
}
END_TEST

/* COPY then chmod -R where one file already had the mode (so the RUN did
 * not store it again): COPY --chmod is still exact, and applied; with a
 * file of another mode left alone it is not. */
static struct run chmod_some_spec(unsigned other_mode)
{
	static const char df[] =
		"FROM alpine:3.19\n"
		"COPY data/ /srv/data/\n"
		"RUN chmod -R 755 /srv/data\n";
	static const char hist[] = BASE("7171") HB("COPY data/ /srv/data/")
		HB("RUN /bin/sh -c chmod -R 755 /srv/data") "]";
	struct spec s = { .n = 3, .history = hist, .dockerfile = df };

	s.layers[0] = base_layer();
	s.layers[1] = tb_layer_new();
	tb_dir(s.layers[1], "srv/data", 0755);
	tb_file(s.layers[1], "srv/data/lib.txt", "library", 0, 0, 0644);
	tb_file(s.layers[1], "srv/data/run.sh", "#!/bin/sh\n", 0, 0,
		other_mode);
	s.layers[2] = tb_layer_new();
	tb_file(s.layers[2], "srv/data/lib.txt", "library", 0, 0, 0755);
	if (other_mode != 0755)
		tb_file(s.layers[2], "srv/data/run.sh", "#!/bin/sh\n", 0, 0,
			0700);
	return run_spec(&s);
}

START_TEST(test_copy_chmod_some_already)
{
	const struct lw_suggestion *g;
	struct run r = chmod_some_spec(0755);

	ck_assert_msg(r.at->aligned == 1, "%s", r.at->alignment_note);
	ck_assert_uint_eq(r.an->ngroups, 1);
	g = sugg_of(&r, 0);
	ck_assert_int_eq(g->kind, LW_FIX_COPY_CHMOD);
	ck_assert_int_eq(g->safe, 1);
	ck_assert_uint_eq(g->nedits, 2);
	assert_edit(g, 0, 2, 2, "COPY --chmod=755 data/ /srv/data/");
	assert_edit(g, 1, 3, 3, NULL);
	run_free(&r);
	/* run.sh was 0700 and the RUN made it 0700 again: another mode, so
	 * one --chmod cannot say both. */
	r = chmod_some_spec(0700);
	g = sugg_of(&r, 0);
	ck_assert_int_eq(g->safe, 0);
	run_free(&r);
	/* run.sh 0750, untouched by a RUN that chmods only lib.txt's mode
	 * to 755: left alone, but not 755, so --chmod=755 would change it. */
	r = chmod_some_spec(0750);
	ck_assert_int_eq(sugg_of(&r, 0)->safe, 0);
	run_free(&r);
}
END_TEST

/* A RUN makes /build, a later RUN deletes it; between them ENV, LABEL,
 * WORKDIR, EXPOSE and a COPY elsewhere: the rm moves (absolute paths). */
static const char between_df[] =
	"FROM alpine:3.19\n"
	"RUN mkdir -p /build && echo obj > /build/obj.o\n"
	"ENV MODE=release\n"
	"LABEL stage=build\n"
	"WORKDIR /work\n"
	"EXPOSE 8080\n"
	"COPY tool.sh %s\n"
	"RUN rm -rf %s\n";

static struct run between_spec(const char *copy_to, const char *rm,
			       int copy_dir)
{
	static char df[512], hist[1024];
	struct spec s = { .n = 4, .history = hist, .dockerfile = df };

	snprintf(df, sizeof(df), between_df, copy_to, rm);
	snprintf(hist, sizeof(hist), "%s", BASE("9292")
		 HB("RUN /bin/sh -c mkdir -p /build && echo obj > /build/obj.o")
		 HBE("ENV MODE=release") HBE("LABEL stage=build")
		 HBE("WORKDIR /work") HBE("EXPOSE map[8080/tcp:{}]"));
	snprintf(hist + strlen(hist) - 0, sizeof(hist) - strlen(hist),
		 ",{\"created_by\":\"COPY tool.sh %s # buildkit\"" BK "}"
		 ",{\"created_by\":\"RUN /bin/sh -c rm -rf %s # buildkit\"" BK
		 "}]", copy_to, rm);
	s.layers[0] = base_layer();
	s.layers[1] = tb_layer_new();
	tb_dir(s.layers[1], "build", 0755);
	tb_file(s.layers[1], "build/obj.o", "object code", 0, 0, 0644);
	s.layers[2] = tb_layer_new();
	if (copy_dir)
		tb_dir(s.layers[2], "build/sub", 0755);
	else
		tb_file(s.layers[2], "usr/local/bin/tool.sh", "tool", 0, 0,
			0755);
	s.layers[3] = tb_layer_new();
	tb_whiteout(s.layers[3], "", "build");
	return run_spec(&s);
}

START_TEST(test_cleanup_across_metadata_instructions)
{
	const struct lw_suggestion *g;
	struct run r = between_spec("/usr/local/bin/tool.sh", "/build", 0);

	ck_assert_msg(r.at->aligned == 1, "%s", r.at->alignment_note);
	g = sugg_of(&r, 0);
	ck_assert_int_eq(g->kind, LW_FIX_CLEANUP);
	ck_assert_int_eq(g->safe, 1);
	assert_edit(g, 0, 2, 2, "RUN mkdir -p /build && echo obj > "
		    "/build/obj.o && rm -rf /build");
	assert_edit(g, 1, 8, 8, NULL);
	run_free(&r);
	/* A relative path read under another WORKDIR: not moved. */
	r = between_spec("/usr/local/bin/tool.sh", "../build", 0);
	ck_assert_int_eq(sugg_of(&r, 0)->safe, 0);
	run_free(&r);
	/* The COPY between makes a directory the rm would have deleted: an
	 * earlier rm would leave it. */
	r = between_spec("/build/sub/", "/build", 1);
	ck_assert_int_eq(sugg_of(&r, 0)->safe, 0);
	run_free(&r);
}
END_TEST

/* Package caches deleted by a later RUN get their ecosystem's idiom. */
START_TEST(test_cache_idioms)
{
	static const char df[] =
		"FROM debian:12\n"
		"RUN apt-get update && apt-get install -y curl\n"
		"RUN rm -rf /var/lib/apt/lists/*\n"
		"RUN npm install\n"
		"USER 1000\n"
		"RUN rm -rf /root/.npm\n";
	static const char hist[] = BASE("6363")
		HB("RUN /bin/sh -c apt-get update && apt-get install -y curl")
		HB("RUN /bin/sh -c rm -rf /var/lib/apt/lists/*")
		HB("RUN /bin/sh -c npm install") HBE("USER 1000")
		HB("RUN /bin/sh -c rm -rf /root/.npm") "]";
	struct spec s = { .n = 5, .history = hist, .dockerfile = df };
	struct run r;
	const struct lw_suggestion *g;
	size_t i;

	s.layers[0] = base_layer();
	s.layers[1] = tb_layer_new();
	tb_file(s.layers[1], "var/lib/apt/lists/deb_main", "Package: x\n"
		"Package: y\n", 0, 0, 0644);
	tb_file(s.layers[1], "usr/bin/curl", "ELF", 0, 0, 0755);
	s.layers[2] = tb_layer_new();
	tb_whiteout(s.layers[2], "var/lib/apt/lists", "deb_main");
	s.layers[3] = tb_layer_new();
	tb_file(s.layers[3], "root/.npm/_cacache/x", "tarball", 0, 0, 0644);
	s.layers[4] = tb_layer_new();
	tb_whiteout(s.layers[4], "root", ".npm");
	r = run_spec(&s);
	ck_assert_msg(r.at->aligned == 1, "%s", r.at->alignment_note);
	ck_assert_uint_eq(r.an->ngroups, 2);
	for (i = 0; i < 2; i++) {
		g = sugg_of(&r, i);
		ck_assert_int_eq(g->kind, LW_FIX_CLEANUP);
		if (strstr(g->title, "apt")) {
			assert_has(g->title, "Clean the apt cache in the RUN "
				   "that fills it");
			assert_has(g->detail, "rm -rf /var/lib/apt/lists/*");
			assert_has(g->detail, "Applied here");
			ck_assert_int_eq(g->safe, 1);
		} else {
			/* USER between: the move is refused, the idiom
			 * stays as advice. */
			assert_has(g->title, "Clean the npm cache");
			assert_has(g->detail, "npm cache clean --force");
			ck_assert_ptr_null(strstr(g->detail, "Applied here"));
			ck_assert_int_eq(g->safe, 0);
		}
	}
	run_free(&r);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("attrib");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_align_classic_copy_chown);
	tcase_add_test(tc, test_align_mismatch);
	tcase_add_test(tc, test_align_too_long_and_bad_target);
	tcase_add_test(tc, test_buildkit_copy_chmod_diff);
	tcase_add_test(tc, test_multistage_target);
	tcase_add_test(tc, test_same_run);
	tcase_add_test(tc, test_cleanup);
	tcase_add_test(tc, test_causes);
	tcase_add_test(tc, test_copy_chown_partial);
	tcase_add_test(tc, test_copy_chown_partial_deep);
	tcase_add_test(tc, test_chown_copy_and_run);
	tcase_add_test(tc, test_copy_chmod_some_already);
	tcase_add_test(tc, test_cleanup_across_metadata_instructions);
	tcase_add_test(tc, test_cache_idioms);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return lwt_run_suite(suite());
}
