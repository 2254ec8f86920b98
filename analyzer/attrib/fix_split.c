/* Fixes that split one chown RUN, worked out as plans that fixes.c turns
 * into suggestions:
 * - the RUN chowns both what a COPY added and what an earlier RUN made:
 *   --chown on the COPY, and the chown of the other paths moved to the end
 *   of that RUN;
 * - the RUN chowns some top-level parts of what one COPY of a directory
 *   added: one COPY per part, --chown on the parts the RUN chowned.
 * Only plans that are provably exact are made; the rest stays with the
 * advice fixes.c gives. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attrib_priv.h"
#include "layerwaste/dockerfile.h"
#include "layerwaste/index.h"
#include "layerwaste/util.h"

#define MAX_OPS 64
/* More top-level parts than this and a split is no edit to suggest (and
 * the searches below stay linear in the COPY's entries). */
#define MAX_PARTS 32

/* A chown RUN read: its operands, absolute and normalised (no leading
 * '/'), and the owner the COPY flag gets. */
struct chown_run {
	const struct lw_df_instr *d;
	char *ops[MAX_OPS];
	int rec[MAX_OPS];
	size_t nops;
	char owner[256]; /* "user:group" as the chown wrote it */
	char cmd_owner[256]; /* the chown's own OWNER[:GROUP] word */
	int recursive;   /* every chown of the RUN is -R */
};

static void chown_run_release(struct chown_run *c)
{
	size_t i;

	for (i = 0; i < c->nops; i++)
		free(c->ops[i]);
	c->nops = 0;
}

/* Normalises p (relative to wd) into out: no leading or trailing '/',
 * no "." parts. 0 when it holds a variable, a glob or "..". */
static int norm_path(const char *p, const char *wd, char *out, size_t n)
{
	char buf[4096], *s, *save = NULL, *tok;
	size_t len = 0;

	if (strpbrk(p, "$`*?[") || strstr(p, ".."))
		return 0;
	snprintf(buf, sizeof(buf), "%s%s%s", p[0] == '/' ? "" : wd ? wd : "",
		 p[0] == '/' ? "" : "/", p);
	out[0] = '\0';
	for (tok = strtok_r(buf, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		s = out + len;
		len += (size_t)snprintf(s, n - len, "%s%s", len ? "/" : "", tok);
		if (len >= n)
			return 0;
	}
	return len > 0;
}

/* Reads RUN d as chown commands only (joined by &&, ; or newlines), all
 * naming the same plain owner. */
static int read_chown_run(const struct lw_df_instr *d, const char *wd,
			  char escape, struct chown_run *c)
{
	struct lw_sh_script sh;
	struct lw_error err;
	const char *text;
	size_t i, p;
	int ok = 1;

	memset(c, 0, sizeof(*c));
	c->d = d;
	c->recursive = 1;
	if (!d || strcmp(d->keyword, "RUN") || d->exec_form || d->nheredocs ||
	    d->nflags)
		return 0;
	text = d->source + d->args_offset;
	if (lw_sh_split(text, strlen(text), escape, &sh, &err))
		return 0;
	for (i = 0; ok && i < sh.ncmds; i++) {
		const struct lw_sh_cmd *cmd = &sh.cmds[i];
		struct lw_sh_perm pm;
		char own[256];

		if (cmd->depth || (cmd->op_after != LW_SH_END &&
				   cmd->op_after != LW_SH_AND &&
				   cmd->op_after != LW_SH_SEMI &&
				   cmd->op_after != LW_SH_NEWLINE) ||
		    lw_sh_perm_parse(cmd->words, cmd->nwords, &pm) < 0) {
			ok = 0;
			break;
		}
		if (strcmp(pm.tool, "chown") || !pm.owner || !*pm.owner ||
		    strchr(pm.owner, '$') || !pm.group || !*pm.group ||
		    strchr(pm.group, '$'))
			ok = 0;
		if (ok) {
			snprintf(own, sizeof(own), "%s:%s", pm.owner, pm.group);
			if (!i)
				snprintf(c->owner, sizeof(c->owner), "%s", own);
			else if (strcmp(own, c->owner))
				ok = 0;
			c->recursive &= pm.recursive;
		}
		for (p = 0; ok && p < pm.npaths; p++) {
			char n[4096];

			if (c->nops == MAX_OPS ||
			    !norm_path(pm.paths[p], wd, n, sizeof(n))) {
				ok = 0;
				break;
			}
			c->rec[c->nops] = pm.recursive;
			c->ops[c->nops++] = lw_xstrdup(n);
		}
		lw_sh_perm_release(&pm);
	}
	lw_sh_script_release(&sh);
	if (!ok || !c->nops) {
		chown_run_release(c);
		return 0;
	}
	return 1;
}

/* Is path p at or (recursively) under operand o? */
static int op_covers(const char *o, int rec, const char *p)
{
	size_t n = strlen(o);

	return !strcmp(o, p) || (rec && !strncmp(o, p, n) && p[n] == '/');
}

/* Does layer l hold an entry at or under operand o (or o under a
 * directory it replaces)? */
static int layer_has(const struct lw_analysis *an, uint32_t l, const char *o)
{
	const struct lw_layer_index *ix = an->image->layers[l].index;
	size_t i, n = strlen(o);

	for (i = 0; ix && i < ix->count; i++) {
		struct lw_pathbuf pb;
		const char *p = lw_entry_path(&ix->entries[i], &pb);

		if (!strcmp(p, o) || (!strncmp(p, o, n) && p[n] == '/'))
			return 1;
	}
	return 0;
}

static char *where_l(const struct attr_ctx *ctx, uint32_t l)
{
	const struct lw_layer_attr *la = &ctx->at->layers[l];
	struct lw_strbuf sb = LW_STRBUF_INIT;

	lw_strbuf_addf(&sb, "%s:%d", la->file ? la->file : "Dockerfile",
		       la->line);
	return lw_strbuf_detach(&sb);
}

/* The first line of COPY d with " --chown=owner" after the keyword. */
static char *copy_with_chown(const struct lw_df_instr *d, const char *owner)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	const char *src = d->source;
	size_t k = 0;

	while (src[k] == ' ' || src[k] == '\t')
		k++;
	k += strlen(d->keyword);
	lw_strbuf_add(&sb, src, k);
	lw_strbuf_addf(&sb, " --chown=%s", owner);
	lw_strbuf_adds(&sb, src + k);
	return lw_strbuf_detach(&sb);
}

static void plan_init(struct lw_fix_plan *p, uint32_t k, uint32_t j)
{
	memset(p, 0, sizeof(*p));
	p->kind = LW_FIX_COPY_CHOWN;
	p->k = k;
	p->j = j;
}

static void plan_add_group(struct lw_fix_plan *p, size_t g)
{
	p->groups = lw_xrealloc(p->groups, (p->ngroups + 1) * sizeof(size_t));
	p->groups[p->ngroups++] = g;
}

static void plan_edit(struct lw_fix_plan *p, int line, int end_line,
		      char *text)
{
	p->edits[p->nedits].line = line;
	p->edits[p->nedits].end_line = end_line;
	p->edits[p->nedits].text = text;
	p->nedits++;
}

/* The groups of RUN k, all chown and not yet taken: their from-layers
 * (at most two) in fl. 0 when there is another kind or a third layer. */
static int chown_groups(const struct attr_ctx *ctx, uint32_t k,
			const int *taken, uint32_t *fl, size_t *nfl,
			struct lw_fix_plan *p)
{
	const struct lw_analysis *an = ctx->an;
	size_t i, f;

	*nfl = 0;
	for (i = 0; i < an->ngroups; i++) {
		const struct lw_group *g = &an->groups[i];

		if (g->layer != k || !lw_kind_is_metadata(g->kind))
			continue;
		if (g->kind != LW_KIND_CHOWN || taken[i] >= 0)
			return 0;
		for (f = 0; f < *nfl && fl[f] != g->from_layer; f++)
			;
		if (f == *nfl) {
			if (*nfl == 2)
				return 0;
			fl[(*nfl)++] = g->from_layer;
		}
		plan_add_group(p, i);
	}
	return *nfl > 0;
}

/* The owner COPY --chown gets: the chown's words when both parts are
 * given (checked by read_chown_run). */
static int copy_ok(const struct attr_ctx *ctx, uint32_t j)
{
	const struct lw_df_instr *d = ctx->instr[j];

	return d && !strcmp(d->keyword, "COPY") && !lw_df_flag(d, "chown") &&
		!lw_df_flag(d, "from") && !lw_df_flag(d, "link") &&
		!lw_df_flag(d, "chmod") && !d->exec_form;
}

/* The uid and gid the findings of the plan's groups end with, when all
 * alike. */
static int target_owner(const struct lw_analysis *an,
			const struct lw_fix_plan *p, struct lw_meta *m)
{
	size_t gi, i;
	int first = 1;

	for (gi = 0; gi < p->ngroups; gi++) {
		const struct lw_group *g = &an->groups[p->groups[gi]];

		for (i = g->first; i < g->first + g->count; i++) {
			const struct lw_finding *f = &an->findings[i];

			if (first)
				*m = f->after;
			first = 0;
			if (f->after.uid != m->uid || f->after.gid != m->gid)
				return 0;
		}
	}
	return !first;
}

/* Case one: the chown covers a COPY's files (layer j) and an earlier
 * RUN's (layer r). */
static int plan_copy_and_run(const struct attr_ctx *ctx, uint32_t k,
			     uint32_t j, uint32_t r, struct chown_run *c,
			     struct lw_fix_plan *p)
{
	const struct lw_analysis *an = ctx->an;
	const struct lw_df_instr *dr = ctx->instr[r], *in;
	struct lw_strbuf sb = LW_STRBUF_INIT;
	struct lw_sh_script sh;
	struct lw_error err;
	const char *text;
	struct lw_meta m;
	int is_r[MAX_OPS], ok = 1, any_j = 0, any_r = 0;
	size_t o, i, gi, e;
	uint32_t l;
	char *wk, *wj, *wr;

	if (!copy_ok(ctx, j) || !dr || strcmp(dr->keyword, "RUN") ||
	    dr->exec_form || dr->nheredocs || r >= k || j >= k ||
	    dr->stage != c->d->stage ||
	    strcmp(dr->user ? dr->user : "", c->d->user ? c->d->user : "") ||
	    !target_owner(an, p, &m))
		return 0;
	/* Each operand is the COPY's or the RUN's, never both. */
	for (o = 0; o < c->nops; o++) {
		int hj = layer_has(an, j, c->ops[o]);
		int hr = layer_has(an, r, c->ops[o]);

		if (hj == hr)
			return 0;
		is_r[o] = hr;
		any_j |= hj;
		any_r |= hr;
	}
	if (!any_j || !any_r)
		return 0;
	/* Every finding under an operand of its own layer. */
	for (gi = 0; gi < p->ngroups; gi++) {
		const struct lw_group *g = &an->groups[p->groups[gi]];

		for (i = g->first; i < g->first + g->count; i++) {
			int hit = 0;

			for (o = 0; o < c->nops && !hit; o++)
				hit = is_r[o] == (g->from_layer == r) &&
					op_covers(c->ops[o], c->rec[o],
						  an->findings[i].path);
			if (!hit)
				return 0;
		}
	}
	/* --chown sets every file of the COPY: those the RUN did not copy
	 * must already have the owner. */
	if (!lw_fix_copy_rest_same(an, j, p->groups, p->ngroups, 1, 0, &m))
		return 0;
	/* Between r and k: no RUN, USER or SHELL, and no layer other than
	 * the COPY's with anything under the moved operands. */
	for (in = dr + 1; in < c->d; in++)
		if (!strcmp(in->keyword, "RUN") || !strcmp(in->keyword, "USER") ||
		    !strcmp(in->keyword, "SHELL"))
			return 0;
	for (l = r + 1; l < k; l++)
		for (o = 0; o < c->nops; o++)
			if (is_r[o] && layer_has(an, l, c->ops[o]))
				return 0;
	/* RUN r must end with its last command (no comment after it). */
	text = dr->source + dr->args_offset;
	if (lw_sh_split(text, strlen(text), ctx->df->escape, &sh, &err))
		return 0;
	e = strlen(text);
	while (e && strchr(" \t\r\n", text[e - 1]))
		e--;
	if (!sh.ncmds || sh.cmds[sh.ncmds - 1].end != e ||
	    sh.cmds[sh.ncmds - 1].op_after != LW_SH_END)
		ok = 0;
	lw_sh_script_release(&sh);
	if (!ok)
		return 0;
	lw_strbuf_add(&sb, dr->source, (size_t)(text - dr->source) + e);
	lw_strbuf_addf(&sb, " && chown%s %s", c->recursive ? " -R" : "",
		       c->owner);
	for (o = 0; o < c->nops; o++)
		if (is_r[o]) {
			if (!c->recursive && c->rec[o])
				ok = 0;
			lw_strbuf_addf(&sb, " /%s", c->ops[o]);
		}
	if (!ok) {
		lw_strbuf_release(&sb);
		return 0;
	}
	plan_edit(p, ctx->instr[j]->line, ctx->instr[j]->line,
		  copy_with_chown(ctx->instr[j], c->owner));
	plan_edit(p, dr->line, dr->end_line, lw_strbuf_detach(&sb));
	plan_edit(p, c->d->line, c->d->end_line, NULL);
	wk = where_l(ctx, k);
	wj = where_l(ctx, j);
	wr = where_l(ctx, r);
	lw_strbuf_addf(&sb, "Split the chown of %s: COPY --chown=%s at %s, and "
		       "the rest at the end of %s", wk, c->owner, wj, wr);
	p->title = lw_strbuf_detach(&sb);
	lw_strbuf_addf(&sb, "The RUN stores again, only to change their owner, "
		       "files the COPY added and files %s made. The COPY sets "
		       "the owner while copying, and the RUN that makes the "
		       "other files changes it before its layer is stored.",
		       wr);
	p->detail = lw_strbuf_detach(&sb);
	p->safe = 1;
	free(wk);
	free(wj);
	free(wr);
	return 1;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The paths of the plan's findings, sorted (owned array, borrowed
 * strings). */
static const char **finding_paths(const struct lw_analysis *an,
				  const struct lw_fix_plan *p, size_t *n)
{
	const char **v;
	size_t gi, i;

	*n = 0;
	for (gi = 0; gi < p->ngroups; gi++)
		*n += an->groups[p->groups[gi]].count;
	v = lw_xcalloc(*n + 1, sizeof(*v));
	*n = 0;
	for (gi = 0; gi < p->ngroups; gi++) {
		const struct lw_group *g = &an->groups[p->groups[gi]];

		for (i = g->first; i < g->first + g->count; i++)
			v[(*n)++] = an->findings[i].path;
	}
	if (*n)
		qsort(v, *n, sizeof(*v), str_cmp);
	return v;
}

/* A top-level part of what a COPY of a directory added. */
struct part {
	char name[256];
	int dir;
	int chowned;
};

/* Case two: the chown covers some top-level parts of a COPY of one
 * directory (layer j). */
static int plan_split_copy(const struct attr_ctx *ctx, uint32_t k,
			   uint32_t j, struct chown_run *c,
			   struct lw_fix_plan *p)
{
	const struct lw_analysis *an = ctx->an;
	const struct lw_df_instr *d = ctx->instr[j];
	const struct lw_layer_index *jx = an->image->layers[j].index;
	struct lw_strbuf sb = LW_STRBUF_INIT;
	struct part *parts = NULL;
	const char **hidden_paths;
	size_t nparts = 0, i, o, q, dl, nchowned = 0, nhidden;
	char dest[4096], src[4096];
	struct lw_meta m;
	char *wk, *wj;
	int ok = 1;

	if (!copy_ok(ctx, j) || d->nflags || d->line != d->end_line ||
	    d->argc != 2 || strpbrk(d->raw_args, "$*?[") ||
	    d->argv[1][0] != '/' || !target_owner(an, p, &m) ||
	    !norm_path(d->argv[1], "/", dest, sizeof(dest)) ||
	    strpbrk(d->argv[0], "*?[") || d->argv[0][0] == '/')
		return 0;
	/* --chown on the whole COPY would do: the plain fix covers it. */
	if (lw_fix_copy_rest_same(an, j, p->groups, p->ngroups, 1, 0, &m))
		return 0;
	snprintf(src, sizeof(src), "%s", d->argv[0]);
	for (q = strlen(src); q > 1 && src[q - 1] == '/'; q--)
		src[q - 1] = '\0';
	dl = strlen(dest);
	for (i = 0; ok && i < jx->count; i++) {
		const struct lw_entry *e = &jx->entries[i];
		struct lw_pathbuf pb;
		const char *path = lw_entry_path(e, &pb);
		const char *rest, *slash;
		size_t nl;

		if (strncmp(path, dest, dl) || path[dl] != '/') {
			size_t pl = strlen(path);

			/* Only the destination and the directories above. */
			ok = e->type == LW_ENTRY_DIR &&
				(!strcmp(path, dest) ||
				 (!strncmp(dest, path, pl) &&
				  dest[pl] == '/'));
			continue;
		}
		rest = path + dl + 1;
		slash = strchr(rest, '/');
		nl = slash ? (size_t)(slash - rest) : strlen(rest);
		if (nl >= sizeof(parts[0].name) ||
		    (e->type != LW_ENTRY_DIR && e->type != LW_ENTRY_FILE)) {
			ok = 0;
			break;
		}
		for (q = 0; q < nparts && (strlen(parts[q].name) != nl ||
		     strncmp(parts[q].name, rest, nl)); q++)
			;
		if (q == nparts && nparts == MAX_PARTS) {
			ok = 0;
			break;
		}
		if (q == nparts) {
			parts = lw_xrealloc(parts, (nparts + 1) *
					    sizeof(*parts));
			memset(&parts[q], 0, sizeof(*parts));
			memcpy(parts[q].name, rest, nl);
			nparts++;
		}
		if (slash || e->type == LW_ENTRY_DIR)
			parts[q].dir = 1;
	}
	/* Each operand names one whole part. */
	for (o = 0; ok && o < c->nops; o++) {
		for (q = 0; q < nparts; q++) {
			char full[sizeof(dest) + sizeof(parts[q].name)];

			snprintf(full, sizeof(full), "%s/%s", dest,
				 parts[q].name);
			if (!strcmp(full, c->ops[o]) &&
			    (c->rec[o] || !parts[q].dir))
				break;
		}
		if (q == nparts)
			ok = 0;
		else if (!parts[q].chowned)
			parts[q].chowned = 1, nchowned++;
	}
	if (!ok || !nchowned || nchowned == nparts) {
		free(parts);
		return 0;
	}
	/* Every file of a chowned part was copied by the RUN or already has
	 * the owner; the other parts keep theirs. */
	hidden_paths = finding_paths(an, p, &nhidden);
	for (i = 0; ok && i < jx->count; i++) {
		const struct lw_entry *e = &jx->entries[i];
		struct lw_pathbuf pb;
		const char *path;
		int mine = 0, hidden;

		if (e->type != LW_ENTRY_FILE)
			continue;
		path = lw_entry_path(e, &pb);
		for (q = 0; q < nparts; q++) {
			char full[sizeof(dest) + sizeof(parts[q].name)];

			snprintf(full, sizeof(full), "%s/%s", dest,
				 parts[q].name);
			if (parts[q].chowned && op_covers(full, 1, path))
				mine = 1;
		}
		hidden = nhidden && bsearch(&path, hidden_paths, nhidden,
					    sizeof(*hidden_paths), str_cmp);
		if (mine && !hidden && (lw_entry_uid(e) != m.uid ||
					lw_entry_gid(e) != m.gid))
			ok = 0;
		if (!mine && hidden)
			ok = 0;
	}
	free(hidden_paths);
	if (!ok) {
		free(parts);
		return 0;
	}
	for (q = 0; q < nparts; q++) {
		const char *sl = parts[q].dir ? "/" : "";

		lw_strbuf_addf(&sb, "%sCOPY ", q ? "\n" : "");
		if (parts[q].chowned)
			lw_strbuf_addf(&sb, "--chown=%s ", c->owner);
		lw_strbuf_addf(&sb, "%s%s%s%s /%s/%s%s", strcmp(src, ".") ?
			       src : "", strcmp(src, ".") ? "/" : "",
			       parts[q].name, sl, dest, parts[q].name, sl);
	}
	plan_edit(p, d->line, d->end_line, lw_strbuf_detach(&sb));
	plan_edit(p, c->d->line, c->d->end_line, NULL);
	wk = where_l(ctx, k);
	wj = where_l(ctx, j);
	lw_strbuf_addf(&sb, "Split the COPY at %s, with --chown=%s on the "
		       "parts %s chowns", wj, c->owner, wk);
	p->title = lw_strbuf_detach(&sb);
	lw_strbuf_addf(&sb, "The RUN stores again, only to change their owner, "
		       "part of what the COPY added. One COPY per top-level "
		       "part, --chown on those the RUN changed, stores each "
		       "file once.%s", ctx->df->syntax &&
		       strstr(ctx->df->syntax, "labs") ? " With this "
		       "Dockerfile's syntax, COPY --exclude can keep it to "
		       "two COPYs." : "");
	p->detail = lw_strbuf_detach(&sb);
	p->safe = 1;
	free(wk);
	free(wj);
	free(parts);
	return 1;
}

int lw_fix_split_plan(const struct attr_ctx *ctx, uint32_t k,
		      const int *taken, struct lw_fix_plan *p)
{
	const struct lw_analysis *an = ctx->an;
	struct chown_run c;
	uint32_t fl[2], j, r;
	size_t nfl;
	int made = 0;

	plan_init(p, k, k);
	if (!ctx->df || !ctx->instr || !ctx->instr[k] || !ctx->workdir[k] ||
	    !chown_groups(ctx, k, taken, fl, &nfl, p) ||
	    !read_chown_run(ctx->instr[k], ctx->workdir[k], ctx->df->escape,
			    &c)) {
		free(p->groups);
		p->groups = NULL;
		return 0;
	}
	if (nfl == 2) {
		j = ctx->instr[fl[0]] &&
			!strcmp(ctx->instr[fl[0]]->keyword, "COPY") ? fl[0] :
			fl[1];
		r = j == fl[0] ? fl[1] : fl[0];
		p->j = j;
		made = plan_copy_and_run(ctx, k, j, r, &c, p);
	} else if (an->image->nlayers > fl[0]) {
		p->j = fl[0];
		made = plan_split_copy(ctx, k, fl[0], &c, p);
	}
	chown_run_release(&c);
	if (!made) {
		size_t e;

		for (e = 0; e < p->nedits; e++)
			free(p->edits[e].text);
		free(p->title);
		free(p->detail);
		free(p->groups);
		memset(p, 0, sizeof(*p));
	}
	return made;
}
