/* Test support: images whose install steps rewrite a dpkg database (see
 * pkgdbimage.h). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layerwaste/util.h"
#include "dockerarchive.h"
#include "files.h"
#include "pkgdbimage.h"
#include "tarbuild.h"

#define H(cb) ",{\"created_by\":\"" cb "\"}"
#define HE(cb) ",{\"created_by\":\"" cb "\",\"empty_layer\":true}"

/* The dpkg status after n installs, longer each time. */
static void status_after(struct lw_strbuf *sb, size_t n)
{
	size_t i;

	lw_strbuf_reset(sb);
	lw_strbuf_adds(sb, "Package: base-files\nStatus: install ok "
		       "installed\nVersion: 12.4\n");
	for (i = 0; i < n; i++)
		lw_strbuf_addf(sb, "\nPackage: pkg%zu\nStatus: install ok "
			       "installed\nVersion: 1.0\n", i);
}

/* Installs packages first..n-1: the status after n, the lock file
 * again, their files. */
static void install(struct tb_layer *l, struct lw_strbuf *sb, size_t first,
		    size_t n)
{
	char path[64];
	size_t i;

	status_after(sb, n);
	tb_file(l, "var/lib/dpkg/status", sb->buf, 0, 0, 0644);
	tb_file(l, "var/lib/dpkg/lock", "", 0, 0, 0640);
	for (i = first; i < n; i++) {
		snprintf(path, sizeof(path), "usr/bin/pkg%zu", i);
		tb_file(l, path, "binary\n", 0, 0, 0755);
	}
}

void lwt_pkgdb_image(struct lwt_pkgdb *p, int steps, int merged)
{
	struct lw_analyze_opts ao = { .find_duplicates = 0, .jobs = 1 };
	struct lw_attrib_opts o = { .target = NULL };
	struct lw_read_opts ro = { .source = "archive", .jobs = 1 };
	struct lw_error err = { 0, "" };
	struct lw_strbuf sb = LW_STRBUF_INIT, df = LW_STRBUF_INIT;
	struct lw_strbuf hist = LW_STRBUF_INIT;
	struct tb_layer *l[6];
	char dir[64], path[128], dfpath[128];
	size_t n = 0, i;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < 4; i++) {
		status_after(&sb, i);
		p->status_bytes[i] = sb.len;
	}
	l[n] = tb_layer_new();
	status_after(&sb, 0);
	tb_file(l[n], "var/lib/dpkg/status", sb.buf, 0, 0, 0644);
	tb_file(l[n], "var/lib/dpkg/lock", "", 0, 0, 0640);
	tb_file(l[n], "app/data", "0123456789abcdef", 0, 0, 0644);
	n++;
	lw_strbuf_adds(&df, "FROM debian:12\n");
	lw_strbuf_adds(&hist, "[{\"created_by\":\"/bin/sh -c #(nop) ADD "
		       "file:5b1e in / \"}");
	if (merged) {
		l[n] = tb_layer_new();
		install(l[n++], &sb, 0, 3);
		lw_strbuf_adds(&df, "RUN apt-get install -y pkg0 pkg1 pkg2\n");
		lw_strbuf_adds(&hist, H("/bin/sh -c apt-get install -y pkg0 "
					"pkg1 pkg2"));
	}
	for (i = 0; !merged && i < (size_t)steps; i++) {
		l[n] = tb_layer_new();
		install(l[n++], &sb, i, i + 1);
		lw_strbuf_addf(&df, "RUN apt-get install -y pkg%zu\n", i);
		lw_strbuf_addf(&hist, ",{\"created_by\":\"/bin/sh -c apt-get "
			       "install -y pkg%zu\"}", i);
		if (i == 0) {
			lw_strbuf_adds(&df, "ENV APP_VERSION=1\n");
			lw_strbuf_adds(&hist, HE("/bin/sh -c #(nop)  ENV "
						 "APP_VERSION=1"));
		}
	}
	l[n] = tb_layer_new();
	tb_file(l[n++], "app/data", "0123456789abcdef", 1000, 1000, 0644);
	lw_strbuf_adds(&df, "RUN chown 1000:1000 /app/data\n");
	lw_strbuf_adds(&hist, H("/bin/sh -c chown 1000:1000 /app/data") "]");

	snprintf(dir, sizeof(dir), "/tmp/lw-pkgdbimg.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/image.tar", dir);
	ck_assert_int_eq(tb_write_docker_archive(path, l, n, NULL, hist.buf),
			 0);
	ro.input = path;
	ck_assert_msg(lw_image_read(&ro, &p->img, &err) == LW_OK, "%s",
		      err.msg);
	ck_assert_msg(lw_analyze(p->img, &ao, &p->an, &err) == LW_OK, "%s",
		      err.msg);
	snprintf(dfpath, sizeof(dfpath), "%s/Dockerfile", dir);
	lwt_write_file(dfpath, df.buf);
	o.dockerfile = dfpath;
	ck_assert_msg(lw_attribute(p->an, &o, &p->at, &err) == LW_OK, "%s",
		      err.msg);
	ck_assert_int_eq(p->at->aligned, 1);
	p->res = (struct lw_result){ .image = p->img, .analysis = p->an,
				     .attribution = p->at };
	unlink(path);
	unlink(dfpath);
	rmdir(dir);
	lw_strbuf_release(&sb);
	lw_strbuf_release(&df);
	lw_strbuf_release(&hist);
}

void lwt_pkgdb_free(struct lwt_pkgdb *p)
{
	lw_attribution_free(p->at);
	lw_analysis_free(p->an);
	lw_image_free(p->img);
	memset(p, 0, sizeof(*p));
}
