/* Alignment: the target stage's instructions (after those of the stages it
 * is built FROM) against the image's history, from the end.
 *
 * Builders differ in which instructions leave a history entry (BuildKit
 * and buildah record ENV or WORKDIR as empty entries, some record ARG, a
 * RUN that changes nothing may be empty) but every RUN, COPY and ADD
 * leaves one, in order. So those must pair one for one, each pair
 * agreeing on its command or destination; metadata instructions pair when
 * they agree and are skipped otherwise. Any disagreement drops the whole
 * alignment: a wrong line is worse than none. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "attrib_priv.h"
#include "layerwaste/util.h"

#define MAX_CHAIN 64

static int makes_layer(const char *kw)
{
	return kw && (!strcmp(kw, "RUN") || !strcmp(kw, "COPY") ||
		      !strcmp(kw, "ADD"));
}

/* "/a/b/" -> "/a/b"; relative paths resolved against wd. Owned. */
static char *abs_path(const char *wd, const char *p)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;

	if (p[0] != '/')
		lw_strbuf_addf(&sb, "%s/", wd && *wd ? wd : "");
	lw_strbuf_adds(&sb, p);
	while (sb.len > 1 && sb.buf[sb.len - 1] == '/')
		sb.buf[--sb.len] = '\0';
	{
		/* Collapse "//" and "/./". */
		char *r = sb.buf, *w = sb.buf;

		while (*r) {
			if (r[0] == '/' && (r[1] == '/' ||
					    (r[1] == '.' && (r[2] == '/' ||
							     !r[2])))) {
				r += r[1] == '/' ? 1 : 2;
				continue;
			}
			*w++ = *r++;
		}
		*w = '\0';
		if (w == sb.buf) {
			w[0] = '/';
			w[1] = '\0';
		}
	}
	return lw_strbuf_detach(&sb);
}

static const char *last_word(const struct lw_df_instr *in)
{
	return in->argc ? in->argv[in->argc - 1] : NULL;
}

/* The last word of a shell-form COPY/ADD as written (before variables
 * are substituted), or NULL. Owned. */
static char *raw_dest(const struct lw_df_instr *d)
{
	const char *s = d->raw_args, *e;
	size_t n;

	if (!s || *s == '[')
		return NULL;
	n = strlen(s);
	while (n && strchr(" \t", s[n - 1]))
		n--;
	for (e = s + n; e > s && !strchr(" \t", e[-1]); e--)
		;
	if (e == s + n)
		return NULL;
	return strndup(e, (size_t)(s + n - e));
}

/* Does history entry h record Dockerfile instruction d (run in wd)? */
static int agrees(const struct lw_hist_instr *h, const struct lw_df_instr *d,
		  const char *wd)
{
	int ok = 0;

	if (!h->keyword || strcasecmp(h->keyword, d->keyword))
		return 0;
	if (!strcmp(d->keyword, "RUN")) {
		char *a = lw_sh_squash(h->command ? h->command : h->args);
		char *b = lw_sh_squash(d->exec_form ? d->raw_args : d->args);

		ok = !strcmp(a, b);
		if (!ok && d->nheredocs)
			/* History may carry the heredoc bodies too. */
			ok = *b && !strncmp(a, b, strlen(b));
		if (!ok && d->exec_form && d->argc) {
			/* BuildKit joins an exec form's words by spaces. */
			struct lw_strbuf sb = LW_STRBUF_INIT;
			size_t i;

			for (i = 0; i < d->argc; i++)
				lw_strbuf_addf(&sb, "%s%s", i ? " " : "",
					       d->argv[i]);
			ok = !strcmp(a, sb.buf);
			lw_strbuf_release(&sb);
		}
		free(a);
		free(b);
		return ok;
	}
	if (!strcmp(d->keyword, "COPY") || !strcmp(d->keyword, "ADD")) {
		const char *dst = last_word(d);
		char *x, *y;

		if (!dst || !h->dest)
			return 0;
		x = abs_path(wd, dst);
		y = abs_path(wd, h->dest);
		ok = !strcmp(x, y);
		free(x);
		if (!ok && strchr(h->dest, '$')) {
			/* buildah records the destination unexpanded
			 * ("in $HOME/app/"): compare it as written. */
			x = raw_dest(d);
			if (x) {
				char *z = abs_path(wd, x);

				ok = !strcmp(z, y);
				free(z);
				free(x);
			}
		}
		free(y);
		return ok;
	}
	if (!strcmp(d->keyword, "WORKDIR")) {
		char *a = lw_sh_squash(h->args), *b = lw_sh_squash(d->args);

		ok = !strcmp(a, b);
		free(a);
		free(b);
		return ok;
	}
	return 1; /* other metadata: the keyword is enough */
}

/* The instructions the target stage's image is made of, in order. */
static size_t build_chain(const struct lw_dockerfile *df, int stage,
			  const struct lw_df_instr **out, size_t cap,
			  int *root)
{
	int chain[MAX_CHAIN];
	size_t n = 0, depth = 0, i;

	while (stage >= 0 && depth < MAX_CHAIN) {
		chain[depth++] = stage;
		stage = df->stages[stage].base_stage;
	}
	*root = chain[depth - 1];
	while (depth-- > 0) {
		const struct lw_df_stage *st = &df->stages[chain[depth]];

		for (i = st->first; i < st->first + st->count && n < cap; i++)
			if (strcmp(df->instrs[i].keyword, "FROM"))
				out[n++] = &df->instrs[i];
	}
	return n;
}

LW_PRINTF(2, 3)
static void note(struct lw_attribution *at, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	free(at->alignment_note);
	at->alignment_note = lw_xstrdup(buf);
}

void lw_attr_align(struct attr_ctx *ctx, const char *target)
{
	const struct lw_dockerfile *df = ctx->df;
	const struct lw_image *img = ctx->img;
	struct lw_attribution *at = ctx->at;
	const struct lw_df_instr **chain;
	char **wds;
	size_t nchain, i, nh = img->nhistory;
	long hi, ci;
	int stage, root;
	/* history index -> layer index, or -1 for an empty entry */
	long *layer_of;
	const struct lw_df_instr **pair;
	char *wd;

	stage = target ? lw_df_stage_index(df, target) : (int)df->nstages - 1;
	if (stage < 0 || df->nstages == 0) {
		note(at, "error: no stage named '%s' in %s", target ?
		     target : "", df->path ? df->path : "the Dockerfile");
		return;
	}
	chain = lw_xcalloc(df->ninstrs + 1, sizeof(*chain));
	wds = lw_xcalloc(df->ninstrs + 1, sizeof(*wds));
	nchain = build_chain(df, stage, chain, df->ninstrs, &root);
	wd = lw_xstrdup("/");
	for (i = 0; i < nchain; i++) {
		wds[i] = lw_xstrdup(wd);
		if (!strcmp(chain[i]->keyword, "WORKDIR") && chain[i]->args) {
			char *n = abs_path(wd, chain[i]->args);

			free(wd);
			wd = n;
		}
	}
	free(wd);
	layer_of = lw_xcalloc(nh + 1, sizeof(*layer_of));
	pair = lw_xcalloc(nh + 1, sizeof(*pair));
	{
		size_t l = 0;

		for (i = 0; i < nh; i++)
			layer_of[i] = img->history[i].empty_layer ? -1 :
				(long)l++;
	}
	hi = (long)nh - 1;
	ci = (long)nchain - 1;
	while (ci >= 0) {
		const struct lw_df_instr *d = chain[ci];
		struct lw_hist_instr h;
		int ok;

		if (hi < 0) {
			if (makes_layer(d->keyword)) {
				note(at, "%s:%d %s has no history entry left "
				     "to pair with", df->path, d->line,
				     d->keyword);
				goto fail;
			}
			ci--;
			continue;
		}
		memset(&h, 0, sizeof(h));
		lw_history_parse(img->history[hi].created_by ?
				 img->history[hi].created_by : "",
				 img->history[hi].comment, &h);
		ok = agrees(&h, d, wds[ci]);
		if (ok) {
			pair[hi] = d;
			hi--;
			ci--;
		} else if (!makes_layer(d->keyword)) {
			ci--; /* metadata this builder did not record */
		} else if (!makes_layer(h.keyword) && layer_of[hi] < 0) {
			hi--; /* an empty metadata entry: ARG and the like */
		} else {
			char *want = lw_sh_squash(d->source);
			/* No secret build-arg value in a message. */
			char *got = lw_redact_history(
				img->history[hi].created_by);

			note(at, "the Dockerfile does not match the image: "
			     "%s:%d '%.80s' against history '%.80s'",
			     df->path, d->line, want, got ? got : "");
			free(want);
			free(got);
			lw_hist_instr_release(&h);
			goto fail;
		}
		lw_hist_instr_release(&h);
	}
	/* Aligned: history entries [0, hi] come from the base image. */
	at->aligned = 1;
	for (i = 0; i < nh; i++) {
		long l = layer_of[i];
		struct lw_layer_attr *la;

		if (l < 0 || (size_t)l >= img->nlayers)
			continue;
		la = &at->layers[l];
		if ((long)i <= hi) {
			la->base = 1;
			la->base_ref = lw_xstrdup(df->stages[root].base ?
						  df->stages[root].base : "");
			continue;
		}
		if (!pair[i])
			continue;
		{
			const struct lw_df_instr *d = pair[i];
			const struct lw_df_stage *st = &df->stages[d->stage];
			struct lw_strbuf sb = LW_STRBUF_INIT;
			size_t c;

			la->file = at->dockerfile;
			la->line = d->line;
			la->end_line = d->end_line;
			la->text = lw_xstrdup(d->source);
			if (st->name)
				lw_strbuf_adds(&sb, st->name);
			else
				lw_strbuf_addf(&sb, "%d", d->stage);
			la->stage = lw_strbuf_detach(&sb);
			ctx->instr[l] = d;
			for (c = 0; c < nchain && chain[c] != d; c++)
				;
			ctx->workdir[l] = lw_xstrdup(c < nchain ? wds[c] : "/");
		}
	}
	if (img->nhistory == 0) {
		at->aligned = 0;
		note(at, "the image has no history to align with");
	}
	goto out;
fail:
	at->aligned = 0;
out:
	for (i = 0; i < nchain; i++)
		free(wds[i]);
	free(wds);
	free(chain);
	free(layer_of);
	free(pair);
}
