/* Outputs never touch inputs, and a run writes all or nothing.
 *
 * Before anything is read, every output path is compared with every input
 * (the image, the Dockerfile, the config file, the Space's README) and
 * with every other output, by device and inode when the file exists, and
 * by the resolved folder and name when it does not; an OCI layout folder
 * also owns everything under it. A match is refused.
 *
 * Each report is then written to a temporary file beside its target
 * (mkstemp in the same folder, the target's mode) and renamed into place
 * only when every report has been written; a failure unlinks them all
 * and leaves the targets as they were. GitHub's step summary is appended
 * to, in one write of the whole rendered text, cut back on failure.
 * Standard output, which cannot be taken back, is written last, once
 * every file is ready (cli_write_outputs). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layerwaste/judge.h"
#include "cli.h"

/* A path as the file system sees it. */
struct place {
	const char *given; /* borrowed: as typed */
	const char *role;  /* "the image", ..., or "--output" */
	char *real;        /* owned: resolved path, NULL if unknown */
	int exists, is_dir;
	dev_t dev;
	ino_t ino;
};

static char *join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *s = lw_xmalloc(a + b + 2);

	memcpy(s, dir, a);
	s[a] = '/';
	memcpy(s + a + 1, name, b + 1);
	return s;
}

/* The folder part of path into a new string ("." when none) and its last
 * component (borrowed from path). */
static char *split(const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');
	char *dir;

	if (!slash) {
		*base = path;
		return lw_xstrdup(".");
	}
	*base = slash + 1;
	if (slash == path)
		return lw_xstrdup("/");
	dir = lw_xmalloc((size_t)(slash - path) + 1);
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	return dir;
}

static void place_init(struct place *p, const char *given, const char *role)
{
	struct stat st;
	const char *base;
	char *dir, *rdir;

	memset(p, 0, sizeof(*p));
	p->given = given;
	p->role = role;
	if (stat(given, &st) == 0) {
		p->exists = 1;
		p->is_dir = S_ISDIR(st.st_mode);
		p->dev = st.st_dev;
		p->ino = st.st_ino;
		p->real = realpath(given, NULL);
		return;
	}
	dir = split(given, &base);
	rdir = realpath(dir, NULL);
	if (rdir && *base && strcmp(base, ".") && strcmp(base, ".."))
		p->real = join(strcmp(rdir, "/") ? rdir : "", base);
	free(rdir);
	free(dir);
}

static int same_place(const struct place *a, const struct place *b)
{
	if (a->exists && b->exists)
		return a->dev == b->dev && a->ino == b->ino;
	return a->real && b->real && !strcmp(a->real, b->real);
}

/* Whether out lies inside the folder dir (an OCI layout). */
static int inside(const struct place *out, const struct place *dir)
{
	size_t n;

	if (!dir->is_dir || !dir->real || !out->real)
		return 0;
	n = strlen(dir->real);
	return !strncmp(out->real, dir->real, n) &&
	       (out->real[n] == '/' || !strcmp(dir->real, "/"));
}

static int is_stdout(const char *p)
{
	return !p || !strcmp(p, "-");
}

int cli_check_outputs(const struct cli *c, const struct lw_rules_config *rc)
{
	struct place in[4], out[CLI_OUTPUTS_MAX + 2];
	const char *summary = getenv("GITHUB_STEP_SUMMARY");
	char *found = NULL;
	size_t nin = 0, nout = 0, i, j;
	int fmt, github = c->format == FMT_GITHUB, status = EXIT_OK;

	if (!is_stdout(c->output))
		place_init(&out[nout++], c->output, "--output");
	for (i = 0; i < c->nextra; i++) {
		github |= c->extra[i].format == FMT_GITHUB;
		if (!is_stdout(c->extra[i].path))
			place_init(&out[nout++], c->extra[i].path, "--output");
	}
	if (github && summary && *summary && !strcmp(c->cmd, "analyze") &&
	    !c->fix)
		place_init(&out[nout++], summary, "GITHUB_STEP_SUMMARY");
	if (!nout)
		return EXIT_OK;
	if (!is_stdout(c->input))
		place_init(&in[nin++], c->input, "the image");
	if (c->ao.dockerfile)
		place_init(&in[nin++], c->ao.dockerfile, "the Dockerfile");
	if (c->config)
		place_init(&in[nin++], c->config, "the config file");
	else if (!c->no_config && !strcmp(c->cmd, "analyze") &&
		 lw_config_find(".", &found, &fmt))
		place_init(&in[nin++], found, "the config file");
	if (rc && rc->space_readme)
		place_init(&in[nin++], rc->space_readme, "the Space's README");
	for (i = 0; i < nout && !status; i++) {
		for (j = 0; j < nin && !status; j++)
			if (same_place(&out[i], &in[j]) ||
			    inside(&out[i], &in[j])) {
				cli_msg("%s '%s' is %s%s%s; an output never "
					"overwrites an input", out[i].role,
					out[i].given, in[j].role,
					inside(&out[i], &in[j]) ?
					", or inside it" : "",
					same_place(&out[i], &in[j]) &&
					strcmp(in[j].given, out[i].given) ?
					" (the same file)" : "");
				status = EXIT_USAGE;
			}
		for (j = 0; j < i && !status; j++)
			if (same_place(&out[i], &out[j])) {
				cli_msg("%s '%s' and %s '%s' are the same "
					"file; name each output once",
					out[j].role, out[j].given,
					out[i].role, out[i].given);
				status = EXIT_USAGE;
			}
	}
	for (i = 0; i < nout; i++)
		free(out[i].real);
	for (i = 0; i < nin; i++)
		free(in[i].real);
	free(found);
	return status;
}

/* ---- staged writes ---- */

static void stage_push(struct cli_stage *st, struct cli_staged *s)
{
	st->v = lw_xrealloc(st->v, (st->n + 1) * sizeof(*st->v));
	st->v[st->n++] = *s;
}

/* What failed, for the message: the write's errno, else EIO. */
static int fail_io(const char *path, int e)
{
	cli_msg("cannot write '%s': %s", path, strerror(e ? e : EIO));
	return EXIT_IO;
}

int cli_stage_file(struct cli_stage *st, const char *path,
		   int (*write)(FILE *f, int to_stdout, void *ctx), void *ctx)
{
	struct cli_staged s = { 0 };
	struct stat old;
	const char *base;
	char *dir, *target;
	mode_t mask;
	FILE *f;
	int fd, rc, have_old, e;

	/* Through a symlink, the file it names is replaced, not the link. */
	target = realpath(path, NULL);
	have_old = target && stat(target, &old) == 0;
	if (have_old && !S_ISREG(old.st_mode)) {
		/* A device or a pipe (/dev/null, a FIFO): no rename onto it;
		 * written now, as it comes. */
		free(target);
		if (!(f = fopen(path, "w")))
			return fail_io(path, errno);
		errno = 0;
		rc = write(f, 0, ctx);
		e = errno;
		if (rc || fflush(f) || ferror(f)) {
			fclose(f);
			return fail_io(path, e);
		}
		return fclose(f) ? fail_io(path, errno) : EXIT_OK;
	}
	if (!target)
		target = lw_xstrdup(path);
	dir = split(target, &base);
	s.tmp = lw_xmalloc(strlen(dir) + strlen(base) + 16);
	sprintf(s.tmp, "%s/.%s.XXXXXX", dir, base);
	free(dir);
	s.path = target;
	s.given = path;
	if ((fd = mkstemp(s.tmp)) < 0) {
		e = errno;
		free(s.tmp);
		free(s.path);
		return fail_io(path, e);
	}
	mask = umask(0);
	umask(mask);
	if (have_old) {
		(void)fchmod(fd, old.st_mode & 07777);
		if (fchown(fd, old.st_uid, old.st_gid))
			(void)0; /* not ours to give: the file becomes ours */
	} else {
		(void)fchmod(fd, 0666 & ~mask);
	}
	if (!(f = fdopen(fd, "w"))) {
		e = errno;
		close(fd);
		goto fail;
	}
	errno = 0;
	rc = write(f, 0, ctx);
	e = errno;
	if (rc || fflush(f) || ferror(f)) {
		fclose(f);
		goto fail;
	}
	if (fclose(f)) {
		e = errno;
		goto fail;
	}
	stage_push(st, &s);
	return EXIT_OK;
fail:
	unlink(s.tmp);
	free(s.tmp);
	free(s.path);
	return fail_io(path, e);
}

int cli_stage_append(struct cli_stage *st, const char *path,
		     int (*write)(FILE *f, int to_stdout, void *ctx),
		     void *ctx)
{
	struct cli_staged s = { 0 };
	FILE *f;
	int rc;

	s.given = path;
	s.path = lw_xstrdup(path);
	if (!(f = open_memstream(&s.data, &s.len)))
		abort();
	rc = write(f, 0, ctx);
	if (fclose(f) || rc) {
		free(s.data);
		free(s.path);
		return fail_io(path, EIO);
	}
	stage_push(st, &s);
	return EXIT_OK;
}

/* Appends all of s's text in one write, or none of it. */
static int append_all(const struct cli_staged *s)
{
	struct stat st;
	ssize_t w;
	size_t done = 0;
	int fd = open(s->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		      0666), e;

	if (fd < 0)
		return fail_io(s->given, errno);
	if (fstat(fd, &st)) {
		e = errno;
		close(fd);
		return fail_io(s->given, e);
	}
	while (done < s->len) {
		w = write(fd, s->data + done, s->len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			e = w < 0 ? errno : ENOSPC;
			if (S_ISREG(st.st_mode) && ftruncate(fd, st.st_size))
				(void)0; /* nothing more can be done */
			close(fd);
			return fail_io(s->given, e);
		}
		done += (size_t)w;
	}
	return close(fd) ? fail_io(s->given, errno) : EXIT_OK;
}

static void staged_release(struct cli_staged *s)
{
	free(s->path);
	free(s->tmp);
	free(s->data);
}

int cli_stage_commit(struct cli_stage *st)
{
	int status = EXIT_OK, rc;
	size_t i;

	for (i = 0; i < st->n; i++) {
		struct cli_staged *s = &st->v[i];

		if (!s->tmp) {
			rc = append_all(s);
		} else if (rename(s->tmp, s->path)) {
			rc = fail_io(s->given, errno);
			unlink(s->tmp);
		} else {
			rc = EXIT_OK;
		}
		if (rc)
			status = rc;
		staged_release(s);
	}
	free(st->v);
	st->v = NULL;
	st->n = 0;
	return status;
}

void cli_stage_abort(struct cli_stage *st)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		if (st->v[i].tmp)
			unlink(st->v[i].tmp);
		staged_release(&st->v[i]);
	}
	free(st->v);
	st->v = NULL;
	st->n = 0;
}
