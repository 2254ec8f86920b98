/* Unit tests of the history parser: created_by strings as classic docker,
 * buildah, BuildKit and kaniko write them (taken from the peer images and
 * the buildah-made fixtures), then the real images read end to end (the
 * peer images in the "peer" cases, support/peer.h). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/dockerfile.h"
#include "layerwaste/read.h"
#include "peer.h"
#include "suite.h"

#define HEX "139c3708fb6261126453e34483abd8bf7b26ed16d952fd976994d68e72d93be2"

static struct lw_hist_instr parse_ok(const char *cb, const char *comment)
{
	struct lw_hist_instr h;

	ck_assert_msg(lw_history_parse(cb, comment, &h) == 0, "not parsed: %s", cb);
	ck_assert_ptr_nonnull(h.keyword);
	return h;
}

START_TEST(test_classic_nop)
{
	struct lw_hist_instr h;

	h = parse_ok("/bin/sh -c #(nop) ADD file:" HEX " in /somefile.txt ", NULL);
	ck_assert_str_eq(h.keyword, "ADD");
	ck_assert_int_eq(h.nop, 1);
	ck_assert_int_eq(h.form, LW_HIST_CLASSIC);
	ck_assert_int_eq(h.buildkit, 0);
	ck_assert_str_eq(h.copy_src_kind, "file");
	ck_assert_str_eq(h.copy_src_hash, HEX);
	ck_assert_str_eq(h.dest, "/somefile.txt");
	ck_assert_str_eq(h.args, "file:" HEX " in /somefile.txt");
	ck_assert_ptr_null(h.command);
	lw_hist_instr_release(&h);

	h = parse_ok("/bin/sh -c #(nop) ADD dir:7ec14b81316baa1a31c38c97686a8f030c98"
		     "cba2035c968412749e33e0c4427e in /root/.data/ ", NULL);
	ck_assert_str_eq(h.copy_src_kind, "dir");
	ck_assert_str_eq(h.dest, "/root/.data/");
	lw_hist_instr_release(&h);

	h = parse_ok("/bin/sh -c #(nop)  CMD [\"sh\"]", NULL);
	ck_assert_str_eq(h.keyword, "CMD");
	ck_assert_str_eq(h.args, "[\"sh\"]");
	ck_assert_ptr_null(h.dest);
	lw_hist_instr_release(&h);

	h = parse_ok("/bin/sh -c #(nop) COPY multi:" HEX " in /app/ ", NULL);
	ck_assert_str_eq(h.keyword, "COPY");
	ck_assert_str_eq(h.copy_src_kind, "multi");
	ck_assert_str_eq(h.dest, "/app/");
	lw_hist_instr_release(&h);
}
END_TEST

START_TEST(test_classic_chown_glued)
{
	/* docker's builder writes the --chown value glued to the source */
	struct lw_hist_instr h = parse_ok("/bin/sh -c #(nop) COPY --chown=1000:1000"
					  "dir:" HEX " in /app ", NULL);

	ck_assert_str_eq(h.keyword, "COPY");
	ck_assert_str_eq(lw_hist_flag(&h, "chown"), "1000:1000");
	ck_assert_str_eq(h.copy_src_kind, "dir");
	ck_assert_str_eq(h.copy_src_hash, HEX);
	ck_assert_str_eq(h.dest, "/app");
	ck_assert_ptr_null(lw_hist_flag(&h, "chmod"));
	lw_hist_instr_release(&h);
}
END_TEST

START_TEST(test_classic_run)
{
	struct lw_hist_instr h = parse_ok("/bin/sh -c chmod 444 /root/example/"
					  "somefile1.txt", NULL);

	ck_assert_str_eq(h.keyword, "RUN");
	ck_assert_int_eq(h.nop, 0);
	ck_assert_str_eq(h.shell, "/bin/sh -c");
	ck_assert_str_eq(h.command, "chmod 444 /root/example/somefile1.txt");
	ck_assert_str_eq(h.args, h.command);
	ck_assert_int_eq(h.exec_form, 0);
	ck_assert_uint_eq(h.nbuild_args, 0);
	lw_hist_instr_release(&h);

	h = parse_ok("/bin/bash -o pipefail -c curl -fsSL x | sh", NULL);
	ck_assert_str_eq(h.shell, "/bin/bash -o pipefail -c");
	ck_assert_str_eq(h.command, "curl -fsSL x | sh");
	lw_hist_instr_release(&h);

	h = parse_ok("/bin/sh -ec set -x; make", NULL);
	ck_assert_str_eq(h.shell, "/bin/sh -ec");
	ck_assert_str_eq(h.command, "set -x; make");
	lw_hist_instr_release(&h);

	h = parse_ok("cmd /S /C mkdir C:\\app", NULL);
	ck_assert_str_eq(h.keyword, "RUN");
	ck_assert_str_eq(h.shell, "cmd /S /C");
	ck_assert_str_eq(h.command, "mkdir C:\\app");
	lw_hist_instr_release(&h);

	h = parse_ok("powershell -Command $ErrorActionPreference = 'Stop'; iwr x", NULL);
	ck_assert_str_eq(h.shell, "powershell -Command");
	lw_hist_instr_release(&h);

	/* classic exec form: the argv joined by blanks, no shell */
	h = parse_ok("/bin/busybox --install -s /bin", NULL);
	ck_assert_str_eq(h.keyword, "RUN");
	ck_assert_int_eq(h.exec_form, 1);
	ck_assert_ptr_null(h.shell);
	ck_assert_str_eq(h.command, "/bin/busybox --install -s /bin");
	lw_hist_instr_release(&h);
}
END_TEST

START_TEST(test_build_args)
{
	struct lw_hist_instr h = parse_ok("|2 A=1 B=two words /bin/sh -c make "
					  "install", NULL);

	ck_assert_str_eq(h.keyword, "RUN");
	ck_assert_int_eq(h.form, LW_HIST_CLASSIC);
	ck_assert_uint_eq(h.nbuild_args, 2);
	ck_assert_str_eq(h.build_args[0].name, "A");
	ck_assert_str_eq(h.build_args[0].value, "1");
	ck_assert_str_eq(h.build_args[1].name, "B");
	ck_assert_str_eq(h.build_args[1].value, "two words");
	ck_assert_str_eq(h.shell, "/bin/sh -c");
	ck_assert_str_eq(h.command, "make install");
	lw_hist_instr_release(&h);

	h = parse_ok("RUN |1 TOKEN=x=y /bin/sh -c ./build.sh # buildkit",
		     "buildkit.dockerfile.v0");
	ck_assert_int_eq(h.form, LW_HIST_BUILDKIT);
	ck_assert_int_eq(h.buildkit, 1);
	ck_assert_uint_eq(h.nbuild_args, 1);
	ck_assert_str_eq(h.build_args[0].name, "TOKEN");
	ck_assert_str_eq(h.build_args[0].value, "x=y");
	ck_assert_str_eq(h.command, "./build.sh");
	lw_hist_instr_release(&h);

	h = parse_ok("|0 /bin/sh -c true", NULL);
	ck_assert_uint_eq(h.nbuild_args, 0);
	ck_assert_str_eq(h.command, "true");
	lw_hist_instr_release(&h);

	/* exec form with a build arg: no shell to end the last value */
	h = parse_ok("|1 V=3 /usr/bin/make all", NULL);
	ck_assert_str_eq(h.build_args[0].value, "3");
	ck_assert_str_eq(h.command, "/usr/bin/make all");
	ck_assert_ptr_null(h.shell);
	lw_hist_instr_release(&h);
}
END_TEST

START_TEST(test_buildkit)
{
	struct lw_hist_instr h = parse_ok("COPY README.md /README.md # buildkit",
					  "buildkit.dockerfile.v0");

	ck_assert_str_eq(h.keyword, "COPY");
	ck_assert_int_eq(h.buildkit, 1);
	ck_assert_int_eq(h.form, LW_HIST_BUILDKIT);
	ck_assert_str_eq(h.args, "README.md /README.md");
	ck_assert_str_eq(h.dest, "/README.md");
	ck_assert_ptr_null(h.copy_src_kind);
	lw_hist_instr_release(&h);

	h = parse_ok("COPY --chown=1000:1000 --chmod=755 . /app # buildkit", NULL);
	ck_assert_int_eq(h.buildkit, 1);
	ck_assert_str_eq(lw_hist_flag(&h, "chown"), "1000:1000");
	ck_assert_str_eq(lw_hist_flag(&h, "chmod"), "755");
	ck_assert_str_eq(h.args, "--chown=1000:1000 --chmod=755 . /app");
	ck_assert_str_eq(h.dest, "/app");
	lw_hist_instr_release(&h);

	h = parse_ok("RUN /bin/sh -c apt-get update # buildkit", NULL);
	ck_assert_str_eq(h.keyword, "RUN");
	ck_assert_str_eq(h.shell, "/bin/sh -c");
	ck_assert_str_eq(h.command, "apt-get update");
	ck_assert_int_eq(h.exec_form, 0);
	lw_hist_instr_release(&h);

	h = parse_ok("RUN /bin/busybox --install -s /bin # buildkit", NULL);
	ck_assert_int_eq(h.exec_form, 1);
	ck_assert_ptr_null(h.shell);
	lw_hist_instr_release(&h);

	h = parse_ok("WORKDIR /app", "buildkit.dockerfile.v0");
	ck_assert_str_eq(h.keyword, "WORKDIR");
	ck_assert_str_eq(h.args, "/app");
	ck_assert_int_eq(h.form, LW_HIST_BUILDKIT);
	lw_hist_instr_release(&h);

	h = parse_ok("ENV A=b", NULL);
	ck_assert_int_eq(h.form, LW_HIST_PLAIN);
	ck_assert_str_eq(h.args, "A=b");
	lw_hist_instr_release(&h);

	h = parse_ok("USER app", "buildkit.dockerfile.v0");
	ck_assert_str_eq(h.keyword, "USER");
	lw_hist_instr_release(&h);

	h = parse_ok("ADD --checksum=sha256:abc https://x/y.tgz /opt/ # buildkit", NULL);
	ck_assert_str_eq(lw_hist_flag(&h, "checksum"), "sha256:abc");
	ck_assert_str_eq(h.dest, "/opt/");
	lw_hist_instr_release(&h);
}
END_TEST

START_TEST(test_kaniko)
{
	struct lw_hist_instr h = parse_ok("RUN chmod 444 /root/example/somefile1.txt",
					  NULL);

	ck_assert_str_eq(h.keyword, "RUN");
	ck_assert_int_eq(h.form, LW_HIST_PLAIN);
	ck_assert_ptr_null(h.shell);
	ck_assert_int_eq(h.exec_form, 0);
	ck_assert_str_eq(h.command, "chmod 444 /root/example/somefile1.txt");
	lw_hist_instr_release(&h);

	h = parse_ok("ADD README.md /somefile.txt", NULL);
	ck_assert_str_eq(h.keyword, "ADD");
	ck_assert_str_eq(h.dest, "/somefile.txt");
	lw_hist_instr_release(&h);

	h = parse_ok("COPY --chown=app:app [\"a b\", \"/dst dir/\"]", NULL);
	ck_assert_str_eq(lw_hist_flag(&h, "chown"), "app:app");
	ck_assert_str_eq(h.dest, "/dst dir/");
	lw_hist_instr_release(&h);

	h = parse_ok("RUN [\"/bin/sh\", \"-c\", \"echo hi\"]", NULL);
	ck_assert_int_eq(h.exec_form, 1);
	lw_hist_instr_release(&h);
}
END_TEST

START_TEST(test_buildah)
{
	struct lw_hist_instr h = parse_ok("/bin/sh -c [\"/bin/busybox\", \"--install\", "
					  "\"-s\", \"/bin\"]", "FROM fd307bec5538");

	ck_assert_str_eq(h.keyword, "RUN");
	ck_assert_int_eq(h.exec_form, 1);
	ck_assert_str_eq(h.command, "[\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]");
	ck_assert_int_eq(h.buildkit, 0);
	lw_hist_instr_release(&h);

	h = parse_ok("/bin/sh -c yes 'links/orig.txt 0123456789' | head -c 400 > "
		     "orig.txt  && ln orig.txt hard.txt  && ln -s orig.txt sym.txt  && "
		     "ln /data/dup-a.txt /data/links/dup-a.hardlink", "FROM 0c8d05930bbf");
	ck_assert_str_eq(h.command, "yes 'links/orig.txt 0123456789' | head -c 400 > "
			 "orig.txt  && ln orig.txt hard.txt  && ln -s orig.txt sym.txt  && "
			 "ln /data/dup-a.txt /data/links/dup-a.hardlink");
	lw_hist_instr_release(&h);

	h = parse_ok("/bin/sh -c #(nop) ENV APP_HOME=/app", "FROM 5c35a0653aad");
	ck_assert_str_eq(h.keyword, "ENV");
	ck_assert_str_eq(h.args, "APP_HOME=/app");
	lw_hist_instr_release(&h);

	h = parse_ok("/bin/sh -c #(nop) ARG TARGETARCH", NULL);
	ck_assert_str_eq(h.keyword, "ARG");
	lw_hist_instr_release(&h);

	h = parse_ok("/bin/sh -c #(nop) WORKDIR /data/links", NULL);
	ck_assert_str_eq(h.keyword, "WORKDIR");
	ck_assert_str_eq(h.args, "/data/links");
	lw_hist_instr_release(&h);

	/* buildah writes a RUN's own flags into the command */
	h = parse_ok("/bin/sh -c --mount=type=cache,target=/root/.cache "
		     "--network=none pip install x", NULL);
	ck_assert_str_eq(h.command, "pip install x");
	ck_assert_str_eq(lw_hist_flag(&h, "mount"), "type=cache,target=/root/.cache");
	ck_assert_str_eq(lw_hist_flag(&h, "network"), "none");
	lw_hist_instr_release(&h);

	h = parse_ok("|1 VERSION=1.2 /bin/sh -c echo $VERSION", NULL);
	ck_assert_str_eq(h.build_args[0].value, "1.2");
	ck_assert_str_eq(h.command, "echo $VERSION");
	lw_hist_instr_release(&h);
}
END_TEST

START_TEST(test_unknown)
{
	static const char *const bad[] = { "", "   ", "bazel build //x",
					   "/bin/sh -c #(nop) [odd]", "# buildkit" };
	struct lw_hist_instr h;
	size_t i;

	ck_assert_int_eq(lw_history_parse(NULL, NULL, &h), -1);
	ck_assert_ptr_null(h.keyword);
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		ck_assert_msg(lw_history_parse(bad[i], NULL, &h) == -1, "%s", bad[i]);
		ck_assert_ptr_null(h.keyword);
		ck_assert_ptr_null(h.args);
		ck_assert_int_eq(h.form, LW_HIST_UNKNOWN);
		lw_hist_instr_release(&h);
	}
}
END_TEST

/* Every history entry of a real image, counted by keyword. */
struct counts {
	size_t total, run, copy, add, other, nop, buildkit, parsed;
};

static struct counts read_image(const char *path)
{
	struct lw_read_opts o;
	struct lw_image *img = NULL;
	struct lw_error err = { 0, "" };
	struct counts c;
	size_t i;

	memset(&o, 0, sizeof(o));
	memset(&c, 0, sizeof(c));
	o.input = path;
	o.source = "archive";
	o.jobs = 1;
	ck_assert_msg(lw_image_read(&o, &img, &err) == 0, "%s: %s", path, err.msg);
	for (i = 0; i < img->nhistory; i++) {
		struct lw_hist_instr h;

		c.total++;
		if (lw_history_parse(img->history[i].created_by,
				     img->history[i].comment, &h) == 0) {
			c.parsed++;
			if (!strcmp(h.keyword, "RUN"))
				c.run++;
			else if (!strcmp(h.keyword, "COPY"))
				c.copy++;
			else if (!strcmp(h.keyword, "ADD"))
				c.add++;
			else
				c.other++;
			c.nop += h.nop;
			c.buildkit += h.buildkit;
		}
		lw_hist_instr_release(&h);
	}
	lw_image_free(img);
	return c;
}

static char *fixture(const char *rel)
{
	const char *root = getenv("LW_FIXTURES");
	char *p;

	ck_assert_msg(root != NULL, "LW_FIXTURES is not set");
	p = malloc(strlen(root) + strlen(rel) + 2);
	sprintf(p, "%s/%s", root, rel);
	return p;
}

START_TEST(test_real_images)
{
	char *p;
	struct counts c;

	/* docker 18.09: 15 entries, 11 RUN, 3 ADD, 1 CMD */
	p = lwt_peer_file("test-docker-image.tar");
	c = read_image(p);
	free(p);
	ck_assert_uint_eq(c.total, 15);
	ck_assert_uint_eq(c.parsed, 15);
	ck_assert_uint_eq(c.run, 11);
	ck_assert_uint_eq(c.add, 3);
	ck_assert_uint_eq(c.other, 1);
	ck_assert_uint_eq(c.nop, 4);
	/* kaniko: the busybox base (classic) then plain instructions */
	p = lwt_peer_file("test-kaniko-image.tar");
	c = read_image(p);
	free(p);
	ck_assert_uint_eq(c.parsed, 15);
	ck_assert_uint_eq(c.run, 11);
	ck_assert_uint_eq(c.add, 3);
	ck_assert_uint_eq(c.nop, 2);
	/* BuildKit, OCI layout */
	p = lwt_peer_file("test-oci-gzip-image.tar");
	c = read_image(p);
	free(p);
	ck_assert_uint_eq(c.parsed, 1);
	ck_assert_uint_eq(c.copy, 1);
	ck_assert_uint_eq(c.buildkit, 1);
}
END_TEST

START_TEST(test_buildah_image)
{
	char *p;
	struct counts c;

	/* buildah: the "waste" fixture, 20 entries, 12 RUN, 5 COPY */
	p = fixture("images/waste/docker-archive.tar");
	c = read_image(p);
	free(p);
	ck_assert_uint_eq(c.total, 20);
	ck_assert_uint_eq(c.parsed, 20);
	ck_assert_uint_eq(c.run, 12);
	ck_assert_uint_eq(c.copy, 5);
	ck_assert_uint_eq(c.other, 3);
	ck_assert_uint_eq(c.nop, 8);
	ck_assert_uint_eq(c.buildkit, 0);
}
END_TEST

static Suite *history_suite(void)
{
	Suite *s = suite_create("history");
	TCase *forms = tcase_create("forms");
	TCase *bundled = tcase_create("bundled");
	TCase *real = tcase_create("real");

	tcase_add_test(forms, test_classic_nop);
	tcase_add_test(forms, test_classic_chown_glued);
	tcase_add_test(forms, test_classic_run);
	tcase_add_test(forms, test_build_args);
	tcase_add_test(forms, test_buildkit);
	tcase_add_test(forms, test_kaniko);
	tcase_add_test(forms, test_buildah);
	tcase_add_test(forms, test_unknown);
	suite_add_tcase(s, forms);
	tcase_add_test(bundled, test_buildah_image);
	suite_add_tcase(s, bundled);
	tcase_set_tags(real, LWT_PEER_TAG);
	tcase_add_test(real, test_real_images);
	suite_add_tcase(s, real);
	return s;
}

int main(void)
{
	return lwt_run_peer_suite(history_suite());
}
