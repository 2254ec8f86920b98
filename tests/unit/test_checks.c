/* Unit tests of the profile checks (checks.h): the spaces profile's checks
 * each passing and failing, their places and fixes on an aligned
 * Dockerfile, reading files back out of an image (mapped, compressed,
 * streamed), secret names and history redaction, the README's YAML block,
 * and every output format, which must never hold a planted secret.
 *
 * Images are written as docker-archive files (layers built in memory with
 * tarbuild) and read by the real reader, so that content is mapped. */
#include <archive.h>
#include <archive_entry.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks_priv.h"
#include "layerwaste/engine.h"
#include "layerwaste/attrib.h"
#include "layerwaste/checks.h"
#include "layerwaste/read.h"
#include "layerwaste/judge.h"
#include "layerwaste/util.h"
#include "layerwaste/render.h"
#include "tarbuild.h"
#include "handmade.h"
#include "files.h"
#include "suite.h"

#define SECRET "hf_unitplanted999"
#define MAXL 8

struct spec {
	struct tb_layer *layers[MAXL];
	size_t n;
	const char *config;     /* the config's "config" object */
	const char *history;    /* JSON array, or NULL: one entry per layer */
	const char *dockerfile; /* its text, or NULL */
	const char *readme;     /* its text, or NULL */
	int gzip_layers, gzip_outer;
};

struct run {
	char dir[64];
	struct lw_image *img;
	struct lw_analysis *an;
	struct lw_attribution *at;
	struct lw_space_readme *readme;
	struct lw_checks *c;
};

static void add_member(struct archive *a, const char *name, const void *p,
		       size_t len)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)len);
	ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_data(a, p, len), (la_ssize_t)len);
	archive_entry_free(e);
}

static la_ssize_t to_buf(struct archive *a, void *ctx, const void *p,
			 size_t n)
{
	(void)a;
	lw_strbuf_add(ctx, p, n);
	return (la_ssize_t)n;
}

/* p[0..len) gzip'd into out. */
static void gzip_bytes(const void *p, size_t len, struct lw_strbuf *out)
{
	struct archive *a = archive_write_new();

	archive_write_set_format_raw(a);
	archive_write_add_filter_gzip(a);
	archive_write_open(a, out, NULL, to_buf, NULL);
	add_member(a, "data", p, len);
	archive_write_close(a);
	archive_write_free(a);
}

/* Writes the spec as DIR/image.tar (docker-archive). */
static void write_image(struct run *r, struct spec *s)
{
	struct lw_strbuf m = LW_STRBUF_INIT, cfg = LW_STRBUF_INIT;
	struct lw_strbuf h = LW_STRBUF_INIT, gz = LW_STRBUF_INIT;
	struct archive *a = archive_write_new();
	char name[64], path[128];
	const void *p;
	size_t i, len;

	snprintf(path, sizeof(path), "%s/image.tar", r->dir);
	archive_write_set_format_pax_restricted(a);
	if (s->gzip_outer)
		archive_write_add_filter_gzip(a);
	ck_assert_int_eq(archive_write_open_filename(a, path), ARCHIVE_OK);
	lw_strbuf_adds(&m, "[{\"Config\":\"config.json\",\"RepoTags\":"
		       "[\"unit:latest\"],\"Layers\":[");
	lw_strbuf_adds(&cfg, "{\"architecture\":\"amd64\",\"os\":\"linux\","
		       "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[");
	lw_strbuf_adds(&h, "[");
	for (i = 0; i < s->n; i++) {
		p = tb_layer_bytes(s->layers[i], &len);
		snprintf(name, sizeof(name), "layer%zu.tar", i);
		if (s->gzip_layers) {
			lw_strbuf_reset(&gz);
			gzip_bytes(p, len, &gz);
			add_member(a, name, gz.buf, gz.len);
		} else {
			add_member(a, name, p, len);
		}
		lw_strbuf_addf(&m, "%s\"%s\"", i ? "," : "", name);
		lw_strbuf_addf(&cfg, "%s\"sha256:%064zx\"", i ? "," : "", i + 1);
		lw_strbuf_addf(&h, "%s{\"created_by\":\"/bin/sh -c step %zu\"}",
			       i ? "," : "", i);
		tb_layer_free(s->layers[i]);
	}
	lw_strbuf_adds(&h, "]");
	lw_strbuf_adds(&m, "]}]");
	lw_strbuf_addf(&cfg, "]},\"config\":%s,\"history\":%s}",
		       s->config ? s->config : "{}",
		       s->history ? s->history : h.buf);
	add_member(a, "config.json", cfg.buf, cfg.len);
	add_member(a, "manifest.json", m.buf, m.len);
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	lw_strbuf_release(&m);
	lw_strbuf_release(&cfg);
	lw_strbuf_release(&h);
	lw_strbuf_release(&gz);
}

static struct run run_spec(struct spec *s, int profile)
{
	struct lw_analyze_opts ao = { .find_duplicates = 0, .jobs = 1 };
	struct lw_attrib_opts at = { .dockerfile = NULL };
	struct lw_read_opts ro;
	struct lw_error err = { 0, "" };
	struct lw_checks_opts co;
	char path[128], df[128], readme[128];
	struct run r;

	memset(&r, 0, sizeof(r));
	snprintf(r.dir, sizeof(r.dir), "/tmp/lw-checks.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(r.dir));
	write_image(&r, s);
	snprintf(path, sizeof(path), "%s/image.tar", r.dir);
	snprintf(df, sizeof(df), "%s/Dockerfile", r.dir);
	snprintf(readme, sizeof(readme), "%s/README.md", r.dir);
	memset(&ro, 0, sizeof(ro));
	ro.input = path;
	ro.source = "archive";
	ro.jobs = 1;
	ck_assert_msg(lw_image_read(&ro, &r.img, &err) == LW_OK, "%s", err.msg);
	ck_assert_msg(lw_analyze(r.img, &ao, &r.an, &err) == LW_OK, "%s",
		      err.msg);
	if (s->dockerfile) {
		lwt_write_file(df, s->dockerfile);
		at.dockerfile = df;
	}
	ck_assert_msg(lw_attribute(r.an, &at, &r.at, &err) == LW_OK, "%s",
		      err.msg);
	if (s->readme) {
		lwt_write_file(readme, s->readme);
		ck_assert(lw_space_readme_load(readme, &r.readme, &err) ==
			  LW_OK);
	}
	memset(&co, 0, sizeof(co));
	co.profile = profile;
	co.readme = r.readme;
	co.attribution = r.at;
	ck_assert_msg(lw_checks_run(r.an, &co, &r.c, &err) == LW_OK, "%s",
		      err.msg);
	unlink(path);
	unlink(df);
	unlink(readme);
	rmdir(r.dir);
	return r;
}

static void run_free(struct run *r)
{
	lw_checks_free(r->c);
	lw_space_readme_free(r->readme);
	lw_attribution_free(r->at);
	lw_analysis_free(r->an);
	lw_image_free(r->img);
}

static const struct lw_check *find(const struct run *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->c->n; i++)
		if (!strcmp(r->c->checks[i].id, id))
			return &r->c->checks[i];
	ck_abort_msg("no check %s", id);
	return NULL;
}

static int status(const struct run *r, const char *id)
{
	return find(r, id)->status;
}

/* No string of any result holds needle. */
static void assert_absent(const struct lw_checks *c, const char *needle)
{
	const struct lw_check_item *it;
	size_t i, k;

	for (i = 0; i < c->n; i++) {
		ck_assert_ptr_null(strstr(c->checks[i].message, needle));
		for (k = 0; k < c->checks[i].nitems; k++) {
			it = &c->checks[i].items[k];
			ck_assert(!it->subject || !strstr(it->subject, needle));
			ck_assert(!it->detail || !strstr(it->detail, needle));
			ck_assert(!it->fix || !strstr(it->fix, needle));
		}
	}
}

static const char passwd1000[] =
	"root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n";
static const char passwd1001[] =
	"root:x:0:0:root:/root:/bin/sh\nuser:x:1001:1001::/home/user:/bin/sh\n";

/* An image that follows every rule. */
static void good_spec(struct spec *s)
{
	memset(s, 0, sizeof(*s));
	s->n = 2;
	s->layers[0] = tb_layer_new();
	tb_dir(s->layers[0], "etc", 0755);
	tb_file(s->layers[0], "etc/passwd", passwd1000, 0, 0, 0644);
	tb_dir(s->layers[0], "data", 0777);
	s->layers[1] = tb_layer_new();
	tb_file(s->layers[1], "home/user/app/main.py", "print(1)\n", 1000,
		1000, 0644);
	tb_file(s->layers[1], "home/user/app/shared.txt", "x\n", 0, 1000,
		0664);
	tb_file(s->layers[1], "home/user/app/cert.pem",
		"-----BEGIN CERTIFICATE-----\nMIIB\n", 1000, 1000, 0644);
	tb_file(s->layers[1], "home/user/app/.env", "LOG_LEVEL=info\n"
		"HF_TOKEN=\n", 1000, 1000, 0644);
	s->config = "{\"User\":\"user\",\"WorkingDir\":\"/home/user/app\","
		"\"Env\":[\"PATH=/bin\",\"HOME=/home/user\",\"GPG_KEY=ABCD\","
		"\"SSL_KEY_FILE=/etc/ssl/key.pem\",\"TOKENIZERS_PARALLELISM="
		"false\"],\"ExposedPorts\":{\"7860/tcp\":{}}}";
	s->readme = "---\ntitle: t\nsdk: docker\napp_port: 7860\n---\nhi\n";
}

/* Every check of the profile fails. */
static void bad_spec(struct spec *s)
{
	memset(s, 0, sizeof(*s));
	s->n = 4;
	s->layers[0] = tb_layer_new();
	tb_file(s->layers[0], "etc/passwd", passwd1001, 0, 0, 0644);
	tb_dir(s->layers[0], "app", 0755);
	tb_file(s->layers[0], "app/main.py", "print(1)\n", 0, 0, 0644);
	tb_file(s->layers[0], "app/.env", "export HF_TOKEN=" SECRET "\n", 0, 0,
		0644);
	tb_file(s->layers[0], "app/w.bin", "weights weights weights\n", 0, 0,
		0644);
	s->layers[1] = tb_layer_new();
	tb_file(s->layers[1], "app/w.bin", "weights weights weights\n", 1001,
		0, 0644);
	s->layers[2] = tb_layer_new();
	tb_file(s->layers[2], "data/cache.txt", "cache\n", 0, 0, 0644);
	tb_file(s->layers[2], "run/secrets/hf", SECRET, 0, 0, 0400);
	tb_file(s->layers[2], "root/.ssh/id_rsa", "-----BEGIN", 0, 0, 0600);
	tb_file(s->layers[2], "srv/key.pem", "-----BEGIN RSA PRIVATE KEY-----"
		"\nMIIE\n", 0, 0, 0600);
	tb_file(s->layers[2], "root/.npmrc", "//registry.npmjs.org/:_authToken="
		SECRET "\n", 0, 0, 0600);
	s->layers[3] = tb_layer_new();
	/* Deleting a secret does not take it out of the image. */
	tb_whiteout(s->layers[3], "run/secrets", "hf");
	s->config = "{\"User\":\"user\",\"WorkingDir\":\"/app\",\"Env\":["
		"\"HF_API_TOKEN=" SECRET "\"],\"ExposedPorts\":{\"8080/tcp\":{}}}";
	s->history = "[{\"created_by\":\"/bin/sh -c #(nop) ADD file:a in / \"},"
		"{\"created_by\":\"|1 HF_TOKEN=" SECRET " /bin/sh -c chown 1001 "
		"/app/w.bin\"},{\"created_by\":\"/bin/sh -c #(nop)  ENV "
		"HF_API_TOKEN=" SECRET "\",\"empty_layer\":true},"
		"{\"created_by\":\"RUN |2 A=1 HF_TOKEN=" SECRET " /bin/sh -c make "
		"# buildkit\"},{\"created_by\":\"/bin/sh -c rm x && nvidia-smi\"}]";
	s->readme = "---\nsdk: docker\n---\n";
}

START_TEST(test_all_pass)
{
	struct spec s;
	struct run r;
	size_t i;

	good_spec(&s);
	r = run_spec(&s, LW_PROFILE_SPACES);
	ck_assert_uint_eq(r.c->n, 9);
	for (i = 0; i < r.c->n; i++)
		ck_assert_msg(r.c->checks[i].status == LW_CHECK_PASS, "%s: %s",
			      r.c->checks[i].id, r.c->checks[i].message);
	ck_assert_uint_eq(r.c->npassed, 9);
	ck_assert(!lw_checks_failed(r.c));
	ck_assert_ptr_nonnull(strstr(find(&r, "spaces/run-as-uid-1000")->message,
				     "through the image's /etc/passwd"));
	run_free(&r);
}
END_TEST

START_TEST(test_all_fail)
{
	struct spec s;
	struct run r;
	const struct lw_check *k;
	size_t i;

	bad_spec(&s);
	r = run_spec(&s, LW_PROFILE_SPACES);
	for (i = 0; i < r.c->n; i++)
		ck_assert_msg(r.c->checks[i].status == LW_CHECK_FAIL, "%s: %s",
			      r.c->checks[i].id, r.c->checks[i].message);
	ck_assert_uint_eq(r.c->nerrors, 5);
	ck_assert(lw_checks_failed(r.c));
	assert_absent(r.c, SECRET);
	k = find(&r, "spaces/run-as-uid-1000");
	ck_assert_ptr_nonnull(strstr(k->message, "uid 1001"));
	k = find(&r, "spaces/writable-app-dir");
	ck_assert_uint_eq(k->nitems, 2); /* layer 0 and the chown layer */
	ck_assert_int_eq(k->items[0].layer, 0);
	ck_assert_ptr_nonnull(strstr(k->items[0].subject, "/app"));
	k = find(&r, "spaces/recursive-chown");
	ck_assert_uint_eq(k->nitems, 1);
	ck_assert_int_eq(k->items[0].layer, 1);
	k = find(&r, "spaces/build-time-data");
	ck_assert_str_eq(k->items[0].subject, "/data/cache.txt");
	k = find(&r, "spaces/secret-build-arg");
	ck_assert_uint_eq(k->nitems, 1); /* one name, two layers */
	ck_assert_str_eq(k->items[0].subject, "build arg HF_TOKEN");
	ck_assert_int_eq(k->items[0].layer, 1);
	k = find(&r, "spaces/secret-env");
	ck_assert_str_eq(k->items[0].subject, "ENV HF_API_TOKEN");
	k = find(&r, "spaces/secret-file");
	ck_assert_uint_eq(k->nitems, 5);
	ck_assert_str_eq(k->items[0].subject, "/app/.env");
	ck_assert_ptr_nonnull(strstr(k->items[0].detail, "sets HF_TOKEN"));
	ck_assert_str_eq(k->items[1].subject, "/run/secrets/hf");
	ck_assert_str_eq(k->items[2].subject, "/root/.ssh/id_rsa");
	ck_assert_str_eq(k->items[3].subject, "/srv/key.pem");
	ck_assert_str_eq(k->items[4].subject, "/root/.npmrc");
	k = find(&r, "spaces/app-port");
	ck_assert_ptr_nonnull(strstr(k->items[0].subject, "no EXPOSE 7860"));
	k = find(&r, "spaces/gpu-at-build");
	ck_assert_uint_eq(k->nitems, 1);
	ck_assert_int_eq(k->items[0].layer, 3);
	run_free(&r);
}
END_TEST

/* GPU commands at build time: nvidia-smi, nvcc and torch.cuda in a python
 * snippet, behind assignments and wrappers; package names, echo and pip
 * are not. */
START_TEST(test_gpu_at_build)
{
	struct spec s;
	struct run r;
	const struct lw_check *k;
	size_t i;

	memset(&s, 0, sizeof(s));
	s.n = 6;
	for (i = 0; i < s.n; i++) {
		char name[32];

		s.layers[i] = tb_layer_new();
		snprintf(name, sizeof(name), "f%zu", i);
		tb_file(s.layers[i], name, "x", 0, 0, 0644);
	}
	s.history = "["
		"{\"created_by\":\"/bin/sh -c apt-get install -y "
		"cuda-nvcc-12-2 nvidia-utils && echo nvidia-smi nvcc\"},"
		"{\"created_by\":\"/bin/sh -c mkdir /w && sudo nvidia-smi -L"
		"\"},"
		"{\"created_by\":\"/bin/sh -c pip install torch && python3 -c "
		"'import torch; print(torch.cuda.is_available())'\"},"
		"{\"created_by\":\"RUN /bin/sh -c CUDA_HOME=/usr/local/cuda "
		"/usr/local/cuda/bin/nvcc -o k k.cu # buildkit\"},"
		"{\"created_by\":\"/bin/sh -c python -m pip install "
		"torch.cuda.x || true\"},"
		"{\"created_by\":\"/bin/sh -c #(nop)  CMD [\\\"nvidia-smi\\\"]"
		"\"}]";
	r = run_spec(&s, LW_PROFILE_SPACES);
	k = find(&r, "spaces/gpu-at-build");
	ck_assert_int_eq(k->status, LW_CHECK_FAIL);
	ck_assert_int_eq(k->severity, LW_SEV_WARNING);
	ck_assert_uint_eq(k->nitems, 3);
	ck_assert_int_eq(k->items[0].layer, 1);
	ck_assert_str_eq(k->items[0].subject, "nvidia-smi at build time");
	ck_assert_int_eq(k->items[1].layer, 2);
	ck_assert_str_eq(k->items[1].subject, "torch.cuda at build time");
	ck_assert_int_eq(k->items[2].layer, 3);
	ck_assert_str_eq(k->items[2].subject, "nvcc at build time");
	ck_assert_ptr_nonnull(strstr(k->items[2].detail, "-arch=sm_86"));
	ck_assert_ptr_nonnull(strstr(k->message, "3 RUNs run"));
	ck_assert_ptr_nonnull(strstr(k->docs, "you can't run nvidia-smi"));
	run_free(&r);
}
END_TEST

/* The user: numeric, by name, missing, unset. */
static int user_status(const char *user, const char *passwd)
{
	struct spec s;
	struct run r;
	char cfg[256];
	int st;

	memset(&s, 0, sizeof(s));
	s.n = 1;
	s.layers[0] = tb_layer_new();
	if (passwd)
		tb_file(s.layers[0], "etc/passwd", passwd, 0, 0, 0644);
	else
		tb_file(s.layers[0], "etc/hostname", "h\n", 0, 0, 0644);
	snprintf(cfg, sizeof(cfg), "{\"User\":\"%s\"}", user);
	s.config = cfg;
	r = run_spec(&s, LW_PROFILE_SPACES);
	st = status(&r, "spaces/run-as-uid-1000");
	run_free(&r);
	return st;
}

START_TEST(test_user)
{
	ck_assert_int_eq(user_status("user", passwd1000), LW_CHECK_PASS);
	ck_assert_int_eq(user_status("user:user", passwd1000), LW_CHECK_PASS);
	ck_assert_int_eq(user_status("1000", NULL), LW_CHECK_PASS);
	ck_assert_int_eq(user_status("1000:1000", NULL), LW_CHECK_PASS);
	ck_assert_int_eq(user_status("user", passwd1001), LW_CHECK_FAIL);
	ck_assert_int_eq(user_status("ghost", passwd1000), LW_CHECK_FAIL);
	ck_assert_int_eq(user_status("user", NULL), LW_CHECK_FAIL);
	ck_assert_int_eq(user_status("", passwd1000), LW_CHECK_FAIL);
	ck_assert_int_eq(user_status("root", NULL), LW_CHECK_FAIL);
	ck_assert_int_eq(user_status("0", passwd1000), LW_CHECK_FAIL);
}
END_TEST

/* What uid 1000 may write under WORKDIR. */
static int writable_status(unsigned uid, unsigned gid, unsigned mode,
			   int hide)
{
	struct spec s;
	struct run r;
	int st;

	memset(&s, 0, sizeof(s));
	s.n = 2;
	s.layers[0] = tb_layer_new();
	tb_file(s.layers[0], "etc/passwd", passwd1000, 0, 0, 0644);
	tb_dir(s.layers[0], "srv", 0755);
	tb_file(s.layers[0], "srv/app/f", "x", uid, gid, mode);
	s.layers[1] = tb_layer_new();
	if (hide == 1)
		tb_whiteout(s.layers[1], "srv", "app");
	else if (hide == 2)
		tb_opaque(s.layers[1], "srv");
	else
		tb_file(s.layers[1], "tmp/x", "x", 0, 0, 0644);
	s.config = "{\"User\":\"user\",\"WorkingDir\":\"/srv/app\"}";
	r = run_spec(&s, LW_PROFILE_SPACES);
	st = status(&r, "spaces/writable-app-dir");
	run_free(&r);
	return st;
}

START_TEST(test_writable)
{
	ck_assert_int_eq(writable_status(0, 0, 0644, 0), LW_CHECK_FAIL);
	ck_assert_int_eq(writable_status(1001, 1001, 0644, 0), LW_CHECK_FAIL);
	ck_assert_int_eq(writable_status(0, 1000, 0644, 0), LW_CHECK_FAIL);
	ck_assert_int_eq(writable_status(1000, 1000, 0444, 0), LW_CHECK_PASS);
	ck_assert_int_eq(writable_status(0, 0, 0666, 0), LW_CHECK_PASS);
	ck_assert_int_eq(writable_status(0, 1000, 0664, 0), LW_CHECK_PASS);
	/* Hidden by a whiteout or an opaque directory: not there. */
	ck_assert_int_eq(writable_status(0, 0, 0644, 1), LW_CHECK_PASS);
	ck_assert_int_eq(writable_status(0, 0, 0644, 2), LW_CHECK_PASS);
}
END_TEST

START_TEST(test_writable_skip)
{
	struct spec s;
	struct run r;

	memset(&s, 0, sizeof(s));
	s.n = 1;
	s.layers[0] = tb_layer_new();
	tb_file(s.layers[0], "bin/x", "x", 0, 0, 0755);
	s.config = "{\"User\":\"1000\",\"WorkingDir\":\"/\"}";
	r = run_spec(&s, LW_PROFILE_SPACES);
	ck_assert_int_eq(status(&r, "spaces/writable-app-dir"), LW_CHECK_SKIP);
	ck_assert_int_eq(status(&r, "spaces/app-port"), LW_CHECK_SKIP);
	ck_assert(!lw_checks_failed(r.c));
	run_free(&r);
}
END_TEST

/* Places and fixes on an aligned Dockerfile. */
static const char dockerfile[] =
	"FROM scratch\n"
	"COPY passwd /etc/passwd\n"
	"WORKDIR /app\n"
	"COPY app/ /app/\n"
	"ARG HF_TOKEN\n"
	"RUN echo hi > /app/x\n"
	"ENV HF_API_TOKEN=$HF_TOKEN\n"
	"EXPOSE 8080\n"
	"USER user\n";

START_TEST(test_locations)
{
	struct spec s;
	struct run r;
	const struct lw_check *k;

	memset(&s, 0, sizeof(s));
	s.n = 3;
	s.layers[0] = tb_layer_new();
	tb_file(s.layers[0], "etc/passwd", passwd1001, 0, 0, 0644);
	s.layers[1] = tb_layer_new();
	tb_dir(s.layers[1], "app", 0755);
	tb_file(s.layers[1], "app/.env", "HF_TOKEN=" SECRET "\n", 0, 0, 0644);
	s.layers[2] = tb_layer_new();
	tb_file(s.layers[2], "app/x", "hi\n", 0, 0, 0644);
	s.config = "{\"User\":\"user\",\"WorkingDir\":\"/app\",\"Env\":["
		"\"HF_API_TOKEN=" SECRET "\"],\"ExposedPorts\":{\"8080/tcp\":{}}}";
	s.history = "["
		"{\"created_by\":\"/bin/sh -c #(nop) COPY file:aa in /etc/passwd \"},"
		"{\"created_by\":\"/bin/sh -c #(nop) WORKDIR /app\",\"empty_layer\":true},"
		"{\"created_by\":\"/bin/sh -c #(nop) COPY dir:bb in /app/ \"},"
		"{\"created_by\":\"/bin/sh -c #(nop)  ARG HF_TOKEN\",\"empty_layer\":true},"
		"{\"created_by\":\"|1 HF_TOKEN=" SECRET " /bin/sh -c echo hi > /app/x\"},"
		"{\"created_by\":\"/bin/sh -c #(nop)  ENV HF_API_TOKEN=" SECRET "\",\"empty_layer\":true},"
		"{\"created_by\":\"/bin/sh -c #(nop)  EXPOSE 8080\",\"empty_layer\":true},"
		"{\"created_by\":\"/bin/sh -c #(nop)  USER user\",\"empty_layer\":true}]";
	s.dockerfile = dockerfile;
	s.readme = "---\nsdk: docker\napp_port: 7860\n---\n";
	r = run_spec(&s, LW_PROFILE_SPACES);
	ck_assert_msg(r.at->aligned, "%s", r.at->alignment_note);
	assert_absent(r.c, SECRET);
	k = find(&r, "spaces/run-as-uid-1000");
	ck_assert_int_eq(k->items[0].line, 9);
	ck_assert_str_eq(k->items[0].fix, "RUN useradd -m -u 1000 user\nUSER user");
	ck_assert_ptr_nonnull(strstr(k->message, "Dockerfile:2"));
	k = find(&r, "spaces/writable-app-dir");
	ck_assert_uint_eq(k->nitems, 2);
	ck_assert_int_eq(k->items[0].line, 4);
	ck_assert_str_eq(k->items[0].fix, "COPY --chown=user app/ /app/");
	ck_assert_int_eq(k->items[1].line, 6);
	ck_assert_ptr_null(k->items[1].fix); /* a RUN: advice only */
	k = find(&r, "spaces/secret-build-arg");
	ck_assert_int_eq(k->items[0].line, 6);
	ck_assert_ptr_nonnull(strstr(k->items[0].detail, "Dockerfile:5"));
	ck_assert_str_eq(k->items[0].fix, "RUN --mount=type=secret,id=HF_TOKEN,"
			 "mode=0444,required=true export HF_TOKEN=\"$(cat "
			 "/run/secrets/HF_TOKEN)\" && echo hi > /app/x");
	k = find(&r, "spaces/secret-env");
	ck_assert_int_eq(k->items[0].line, 7);
	k = find(&r, "spaces/secret-file");
	ck_assert_int_eq(k->items[0].line, 4);
	k = find(&r, "spaces/app-port");
	ck_assert_int_eq(k->items[0].line, 8);
	ck_assert_str_eq(k->items[0].fix, "EXPOSE 7860");
	ck_assert_str_eq(k->items[0].subject, "EXPOSE 8080");
	run_free(&r);
}
END_TEST

/* The same file through a gzip layer (read again) and a stream (gone). */
START_TEST(test_read_forms)
{
	struct spec s;
	struct run r;
	struct lw_file_bytes fb;
	struct lw_error err = { 0, "" };
	int form;

	for (form = 0; form < 3; form++) {
		memset(&s, 0, sizeof(s));
		s.n = 2;
		s.layers[0] = tb_layer_new();
		tb_file(s.layers[0], "etc/passwd.real", passwd1000, 0, 0, 0644);
		tb_file(s.layers[0], "etc/old", "old\n", 0, 0, 0644);
		s.layers[1] = tb_layer_new();
		tb_symlink(s.layers[1], "etc/passwd", "passwd.real");
		tb_whiteout(s.layers[1], "etc", "old");
		s.config = "{\"User\":\"user\"}";
		s.gzip_layers = form == 1;
		s.gzip_outer = form == 2;
		r = run_spec(&s, LW_PROFILE_SPACES);
		ck_assert_int_eq(lw_image_read_file(r.img, "etc/passwd", 1 << 16,
						    &fb, &err), LW_OK);
		if (form < 2) {
			ck_assert_int_eq(fb.state, LW_FILE_READ);
			ck_assert_str_eq(fb.data, passwd1000);
			ck_assert_int_eq(fb.layer, 0);
			ck_assert_int_eq(status(&r, "spaces/run-as-uid-1000"),
					 LW_CHECK_PASS);
		} else {
			ck_assert_int_eq(fb.state, LW_FILE_STREAMED);
			ck_assert_int_eq(status(&r, "spaces/run-as-uid-1000"),
					 LW_CHECK_SKIP);
			ck_assert_ptr_nonnull(strstr(find(&r,
				"spaces/run-as-uid-1000")->message, "stream"));
		}
		lw_file_bytes_release(&fb);
		ck_assert_int_eq(lw_image_read_file(r.img, "etc/old", 100, &fb,
						    &err), LW_OK);
		ck_assert_int_eq(fb.state, LW_FILE_ABSENT);
		ck_assert_int_eq(lw_image_read_file(r.img, "etc", 100, &fb,
						    &err), LW_OK);
		ck_assert_int_eq(fb.state, LW_FILE_ABSENT); /* no entry */
		ck_assert_int_eq(lw_image_read_file(r.img, "etc/passwd.real", 4,
						    &fb, &err), LW_OK);
		ck_assert_int_eq(fb.state, LW_FILE_TOO_BIG);
		run_free(&r);
	}
}
END_TEST

struct seen {
	char paths[16][64];
	int layers[16];
	size_t n;
};

static void collect(void *ctx, uint32_t layer, const struct lw_entry *e)
{
	struct seen *s = ctx;

	ck_assert_uint_lt(s->n, 16);
	snprintf(s->paths[s->n], sizeof(s->paths[0]), "%s", lwt_path(e));
	s->layers[s->n++] = (int)layer;
}

START_TEST(test_visible)
{
	struct tb_layer *l[4];
	struct lw_image *img;
	struct seen s;

	l[0] = tb_layer_new();
	tb_dir(l[0], "a", 0755);
	tb_file(l[0], "a/keep", "1", 0, 0, 0644);
	tb_file(l[0], "a/gone", "1", 0, 0, 0644);
	tb_dir(l[0], "a/d", 0755);
	tb_file(l[0], "a/d/x", "1", 0, 0, 0644);
	tb_dir(l[0], "a/o", 0755);
	tb_file(l[0], "a/o/old", "1", 0, 0, 0644);
	tb_dir(l[0], "a/f", 0755);
	tb_file(l[0], "a/f/under", "1", 0, 0, 0644);
	tb_file(l[0], "b", "1", 0, 0, 0644);
	l[1] = tb_layer_new();
	tb_whiteout(l[1], "a", "gone");
	tb_whiteout(l[1], "a", "d");
	tb_opaque(l[1], "a/o");
	tb_file(l[1], "a/o/new", "2", 0, 0, 0644);
	tb_file(l[1], "a/f", "now a file", 0, 0, 0644);
	l[2] = tb_layer_new();
	tb_file(l[2], "a/keep", "3", 1000, 1000, 0644);
	tb_file(l[2], "a/d/again", "3", 0, 0, 0644);
	img = tb_image(l, 3);
	memset(&s, 0, sizeof(s));
	lw_image_visible_under(img, "a", collect, &s);
	ck_assert_uint_eq(s.n, 6);
	ck_assert_str_eq(s.paths[0], "a");
	ck_assert_str_eq(s.paths[1], "a/d/again");
	ck_assert_int_eq(s.layers[1], 2);
	ck_assert_str_eq(s.paths[2], "a/f");
	ck_assert_int_eq(s.layers[2], 1);
	ck_assert_str_eq(s.paths[3], "a/keep");
	ck_assert_int_eq(s.layers[3], 2);
	ck_assert_str_eq(s.paths[4], "a/o");
	ck_assert_str_eq(s.paths[5], "a/o/new");
	memset(&s, 0, sizeof(s));
	lw_image_visible_under(img, "a/d", collect, &s);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_str_eq(s.paths[0], "a/d/again");
	memset(&s, 0, sizeof(s));
	lw_image_visible_under(img, "b", collect, &s);
	ck_assert_uint_eq(s.n, 1);
	tb_image_free(img);
}
END_TEST

START_TEST(test_secret_names)
{
	static const char *const yes[] = {
		"HF_TOKEN", "hf_token", "API_KEY", "api-key", "SECRET",
		"AWS_SECRET_ACCESS_KEY", "DB_PASSWORD", "MYSQL_PASSWD",
		"GOOGLE_CREDENTIALS", "SSH_PRIVATE_KEY", "OPENAI_APIKEY",
		"github.token", "NPM_TOKENS",
	};
	static const char *const no[] = {
		"TOKENIZERS_PARALLELISM", "GPG_KEY", "PYTHON_GPG_KEY",
		"PUBLIC_KEY", "KEYCLOAK_URL", "HF_HOME", "PATH", "MONKEY",
		"PASS", "", "SECRETARY",
	};
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ck_assert_msg(lw_secret_name(yes[i]), "%s", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ck_assert_msg(!lw_secret_name(no[i]), "%s", no[i]);
}
END_TEST

static void redacts(const char *in, const char *want)
{
	char *got = lw_redact_history(in);

	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(test_redact)
{
	redacts("|1 HF_TOKEN=abc123 /bin/sh -c make",
		"|1 HF_TOKEN=*** /bin/sh -c make");
	redacts("RUN |2 A=1 HF_TOKEN=two words /bin/sh -c make # buildkit",
		"RUN |2 A=1 HF_TOKEN=*** /bin/sh -c make # buildkit");
	redacts("|1 FOO=bar /bin/sh -c make", "|1 FOO=bar /bin/sh -c make");
	redacts("/bin/sh -c #(nop)  ENV API_KEY=xyz OTHER=1",
		"/bin/sh -c #(nop)  ENV API_KEY=*** OTHER=1");
	redacts("/bin/sh -c #(nop)  ENV API_KEY xyz and more",
		"/bin/sh -c #(nop)  ENV API_KEY ***");
	redacts("ENV DB_PASSWORD=\"a b\" X=1", "ENV DB_PASSWORD=*** X=1");
	redacts("/bin/sh -c echo $HF_TOKEN HF_TOKEN=$X",
		"/bin/sh -c echo $HF_TOKEN HF_TOKEN=$X");
	redacts("/bin/sh -c MY_SECRET=s3 ./run", "/bin/sh -c MY_SECRET=*** ./run");
	ck_assert_ptr_null(lw_redact_history(NULL));
}
END_TEST

static struct lw_space_readme *readme(const char *text)
{
	struct lw_space_readme *r = NULL;
	struct lw_error err = { 0, "" };

	ck_assert_int_eq(lw_space_readme_parse(text, strlen(text), "README.md",
					       &r, &err), LW_OK);
	return r;
}

START_TEST(test_readme)
{
	struct lw_space_readme *r;

	r = readme("---\ntitle: x\nsdk: docker\napp_port: 8080\n---\n# x\n");
	ck_assert(r->has_block);
	ck_assert_ptr_null(r->problem);
	ck_assert_str_eq(r->sdk, "docker");
	ck_assert_int_eq(r->sdk_line, 3);
	ck_assert_int_eq(r->app_port, 8080);
	ck_assert_int_eq(r->app_port_line, 4);
	lw_space_readme_free(r);
	r = readme("\xef\xbb\xbf---\r\nsdk: gradio\r\n...\r\n");
	ck_assert_str_eq(r->sdk, "gradio");
	ck_assert_int_eq(r->app_port, 7860);
	ck_assert(!r->app_port_set);
	lw_space_readme_free(r);
	r = readme("# no block\nsdk: docker\n");
	ck_assert(!r->has_block);
	ck_assert_ptr_nonnull(r->problem);
	lw_space_readme_free(r);
	r = readme("---\nsdk: docker\n");
	ck_assert_ptr_nonnull(strstr(r->problem, "no closing"));
	lw_space_readme_free(r);
	r = readme("---\nsdk: [docker\n---\n");
	ck_assert_ptr_nonnull(strstr(r->problem, "invalid YAML"));
	lw_space_readme_free(r);
	r = readme("---\napp_port: http\n---\n");
	ck_assert_int_eq(r->app_port, -1);
	lw_space_readme_free(r);
	r = readme("---\napp_port: 70000\n---\n");
	ck_assert_int_eq(r->app_port, -1);
	lw_space_readme_free(r);
}
END_TEST

/* The port check against ExposedPorts and the README. */
static int port_status(const char *ports, const char *readme_text)
{
	struct spec s;
	struct run r;
	char cfg[256];
	int st;

	memset(&s, 0, sizeof(s));
	s.n = 1;
	s.layers[0] = tb_layer_new();
	tb_file(s.layers[0], "x", "x", 0, 0, 0644);
	snprintf(cfg, sizeof(cfg), "{\"ExposedPorts\":%s}", ports);
	s.config = cfg;
	s.readme = readme_text;
	r = run_spec(&s, LW_PROFILE_SPACES);
	st = status(&r, "spaces/app-port");
	run_free(&r);
	return st;
}

START_TEST(test_port)
{
	const char *dflt = "---\nsdk: docker\n---\n";

	ck_assert_int_eq(port_status("{\"7860/tcp\":{}}", dflt), LW_CHECK_PASS);
	ck_assert_int_eq(port_status("{\"7000-8000/tcp\":{}}", dflt),
			 LW_CHECK_PASS);
	ck_assert_int_eq(port_status("{\"7860/udp\":{}}", dflt), LW_CHECK_FAIL);
	ck_assert_int_eq(port_status("{}", dflt), LW_CHECK_FAIL);
	ck_assert_int_eq(port_status("{\"8080/tcp\":{}}",
				     "---\nsdk: docker\napp_port: 8080\n---\n"),
			 LW_CHECK_PASS);
	ck_assert_int_eq(port_status("{\"7860/tcp\":{}}",
				     "---\nsdk: gradio\n---\n"), LW_CHECK_FAIL);
	ck_assert_int_eq(port_status("{\"7860/tcp\":{}}", "no block\n"),
			 LW_CHECK_FAIL);
	ck_assert_int_eq(port_status("{\"7860/tcp\":{}}", NULL), LW_CHECK_SKIP);
}
END_TEST

START_TEST(test_helpers)
{
	char *s, *home = NULL;
	long uid, gid;

	s = lw_chk_with_chown("COPY app/ /app/", "user");
	ck_assert_str_eq(s, "COPY --chown=user app/ /app/");
	free(s);
	s = lw_chk_with_chown("ADD --chown=root:root --chmod=644 a /b", "user");
	ck_assert_str_eq(s, "ADD --chown=user --chmod=644 a /b");
	free(s);
	ck_assert_ptr_null(lw_chk_with_chown("RUN chown -R x /app", "user"));
	ck_assert(lw_chk_passwd_find(passwd1001, "user", &uid, &gid, &home));
	ck_assert_int_eq(uid, 1001);
	ck_assert_int_eq(gid, 1001);
	ck_assert_str_eq(home, "/home/user");
	free(home);
	ck_assert(lw_chk_passwd_find(passwd1000, "1000", &uid, &gid, NULL));
	ck_assert(!lw_chk_passwd_find(passwd1000, "us", &uid, &gid, NULL));
	ck_assert(!lw_chk_passwd_find("broken:line\n", "broken", &uid, &gid,
				      NULL));
	ck_assert_int_eq(lw_profile_from_name("spaces"), LW_PROFILE_SPACES);
	ck_assert_int_eq(lw_profile_from_name("heroku"), -1);
	ck_assert_str_eq(lw_profile_name(LW_PROFILE_SPACES), "spaces");
}
END_TEST

static char *render(lwt_render_fn fn, const struct lw_result *res)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fn(f, res, NULL), 0);
	fclose(f);
	return buf;
}

/* Every format names every failed check and never the secret. */
START_TEST(test_formats)
{
	static const lwt_render_fn fns[] = { lw_render_text,
		lw_render_json, lw_render_github, lw_render_markdown,
		lw_render_sarif, lw_render_gitlab, lw_render_junit };
	struct lw_rules_report rep;
	struct lw_result res;
	struct spec s;
	struct run r;
	char *out;
	size_t i, k;

	bad_spec(&s);
	r = run_spec(&s, LW_PROFILE_SPACES);
	memset(&rep, 0, sizeof(rep));
	rep.passed = 1;
	res = (struct lw_result){ .image = r.img, .analysis = r.an,
				  .attribution = r.at, .rules = &rep,
				  .checks = r.c };
	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		out = render(fns[i], &res);
		ck_assert_msg(!strstr(out, SECRET), "format %zu holds the "
			      "secret", i);
		for (k = 0; k < r.c->n; k++)
			ck_assert_msg(strstr(out, r.c->checks[k].id), "format "
				      "%zu lacks %s", i, r.c->checks[k].id);
		ck_assert_msg(strstr(out, "RUN useradd -m -u 1000 user"),
			      "format %zu lacks the fix", i);
		free(out);
	}
	out = render(lw_render_json, &res);
	ck_assert_ptr_nonnull(strstr(out, "\"profile\": \"spaces\""));
	free(out);
	res.checks = NULL;
	out = render(lw_render_json, &res);
	ck_assert_ptr_nonnull(strstr(out, "\"checks\": []"));
	ck_assert_ptr_nonnull(strstr(out, "\"profile\": null"));
	free(out);
	run_free(&r);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("checks");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_all_pass);
	tcase_add_test(tc, test_all_fail);
	tcase_add_test(tc, test_user);
	tcase_add_test(tc, test_writable);
	tcase_add_test(tc, test_writable_skip);
	tcase_add_test(tc, test_locations);
	tcase_add_test(tc, test_read_forms);
	tcase_add_test(tc, test_visible);
	tcase_add_test(tc, test_secret_names);
	tcase_add_test(tc, test_redact);
	tcase_add_test(tc, test_readme);
	tcase_add_test(tc, test_port);
	tcase_add_test(tc, test_helpers);
	tcase_add_test(tc, test_formats);
	tcase_add_test(tc, test_gpu_at_build);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return lwt_run_suite(suite());
}
