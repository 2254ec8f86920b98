/* Fixes: for each group of findings, the cause and, where it can be
 * derived safely, the Dockerfile edit that removes the waste.
 *
 * Safe edits (applied by --fix) are made only when the effect on the
 * final file system is provably the same:
 * - copy-chown / copy-chmod: every regular file the COPY added was changed
 *   by the RUN to one owner (one mode), or already had it (fix_copy.c),
 *   and that RUN's chown (chmod) changed nothing else that left a copy:
 *   the flag goes on the COPY and the command leaves the RUN (or the RUN
 *   goes); a chown RUN that splits exactly into --chown on a COPY and a
 *   chown at the end of the RUN that made the other files, or into one
 *   COPY per part of a directory COPY (fix_split.c);
 * - same-run / cleanup: a RUN that does nothing but chown/chmod/touch
 *   (rm) the files of one earlier RUN, in the same WORKDIR (or another
 *   when every path is absolute), with no layer between holding what they
 *   name (fix_cleanup.c), moves to the end of that RUN;
 * - package-manager churn: install steps that each rewrote the package
 *   database merge into the first when only LABEL, WORKDIR (absolute
 *   paths) and ENV/ARG they cannot notice sit between them and their
 *   commands join with && (merge_steps).
 * Everything else is advice with no edit. */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "attrib_priv.h"
#include "fixer.h"
#include "layerwaste/dockerfile.h"
#include "layerwaste/util.h"

static const char *layer_word(const struct fixer *fx, uint32_t l)
{
	const struct lw_layer_attr *la = &fx->ctx->at->layers[l];

	return la->keyword ? la->keyword : "?";
}

static int is_kw(const struct fixer *fx, uint32_t l, const char *kw)
{
	return !strcasecmp(layer_word(fx, l), kw);
}

/* Is normalised path p (no leading '/') under one of perm's paths? */
static int covers(const struct lw_sh_perm *pm, const char *wd, const char *p)
{
	size_t i;

	for (i = 0; i < pm->npaths; i++) {
		struct lw_strbuf sb = LW_STRBUF_INIT;
		const char *q = pm->paths[i];
		char *x;
		size_t n;
		int hit = 0;

		if (strchr(q, '$'))
			continue;
		if (q[0] != '/')
			lw_strbuf_addf(&sb, "%s/", wd && strcmp(wd, "/") ? wd : "");
		lw_strbuf_adds(&sb, q);
		x = sb.buf;
		while (*x == '/')
			x++;
		n = strlen(x);
		while (n && x[n - 1] == '/')
			x[--n] = '\0';
		if (strpbrk(x, "*?[")) {
			hit = fnmatch(x, p, FNM_PATHNAME) == 0;
			if (!hit && pm->recursive) {
				char tmp[4096];
				char *s;

				snprintf(tmp, sizeof(tmp), "%s", p);
				while (!hit && (s = strrchr(tmp, '/'))) {
					*s = '\0';
					hit = fnmatch(x, tmp, FNM_PATHNAME) == 0;
				}
			}
		} else if (n == 0) {
			hit = pm->recursive;
		} else {
			hit = !strcmp(x, p) || (pm->recursive &&
						!strncmp(x, p, n) && p[n] == '/');
		}
		lw_strbuf_release(&sb);
		if (hit)
			return 1;
	}
	return 0;
}

/* The first line of a COPY/ADD with " --flag=value" after the keyword. */
static char *with_flag(const struct lw_df_instr *d, const char *flag,
		       const char *value)
{
	struct lw_strbuf sb = LW_STRBUF_INIT;
	const char *src = d->source, *nl = strchr(src, '\n');
	size_t linelen = nl ? (size_t)(nl - src) : strlen(src);
	size_t k = 0;

	while (k < linelen && (src[k] == ' ' || src[k] == '\t'))
		k++;
	k += strlen(d->keyword);
	lw_strbuf_add(&sb, src, k);
	lw_strbuf_addf(&sb, " --%s=%s", flag, value);
	lw_strbuf_add(&sb, src + k, linelen - k);
	return lw_strbuf_detach(&sb);
}

/* The RUN's source with command idx removed; NULL when it cannot be done
 * safely; "" when nothing is left (the RUN goes). */
static char *run_without(const struct run_text *r, size_t *idx, size_t n)
{
	char *text = lw_xmalloc(r->len + 1);
	size_t i;

	memcpy(text, r->text, r->len + 1);
	/* Remove from the last so earlier offsets stay valid. */
	for (i = n; i-- > 0;) {
		struct lw_sh_script sh;
		struct lw_error err;
		char *next;

		if (lw_sh_split(text, strlen(text), r->escape, &sh,
				&err)) {
			free(text);
			return NULL;
		}
		next = idx[i] < sh.ncmds ?
			lw_sh_remove(text, strlen(text), &sh, idx[i]) : NULL;
		lw_sh_script_release(&sh);
		free(text);
		if (!next)
			return NULL;
		text = next;
	}
	{
		const char *p = text;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\\')
			p++;
		if (!*p) {
			free(text);
			return lw_xstrdup("");
		}
	}
	{
		struct lw_strbuf sb = LW_STRBUF_INIT;

		lw_strbuf_add(&sb, r->d->source, r->off);
		lw_strbuf_adds(&sb, text);
		free(text);
		return lw_strbuf_detach(&sb);
	}
}

/* The metadata findings of layer k whose group is g, all the same owner
 * (and mode)? Fills the common after-metadata. */
static int uniform(const struct lw_analysis *an, const struct lw_group *g,
		   struct lw_meta *m, int *same_owner, int *same_mode)
{
	size_t i;

	*same_owner = *same_mode = 1;
	for (i = g->first; i < g->first + g->count; i++) {
		const struct lw_finding *f = &an->findings[i];

		if (i == g->first)
			*m = f->after;
		if (f->after.uid != m->uid || f->after.gid != m->gid)
			*same_owner = 0;
		if (f->after.mode != m->mode)
			*same_mode = 0;
	}
	return 0;
}

/* The chown/chmod commands of a RUN that a copy-chown / copy-chmod fix
 * takes out of it. */
struct perm_cmds {
	struct run_text r;
	struct lw_sh_perm *perms; /* per command; tool NULL for others */
	size_t *rm, nrm;          /* the commands to take out */
};

static void perm_cmds_init(struct perm_cmds *pc, const struct fixer *fx,
			   uint32_t k, int need_owner, int need_mode)
{
	const struct attr_ctx *ctx = fx->ctx;
	size_t c;

	fx_run_text_init(&pc->r, ctx->instr[k], ctx->df ? ctx->df->escape : '\\');
	pc->perms = lw_xcalloc(pc->r.ok ? pc->r.sh.ncmds + 1 : 1,
			       sizeof(*pc->perms));
	pc->rm = lw_xcalloc(pc->r.ok ? pc->r.sh.ncmds + 1 : 1,
			    sizeof(*pc->rm));
	pc->nrm = 0;
	for (c = 0; pc->r.ok && c < pc->r.sh.ncmds; c++) {
		struct lw_sh_perm *pm = &pc->perms[c];

		if (lw_sh_perm_parse(pc->r.sh.cmds[c].words,
				     pc->r.sh.cmds[c].nwords, pm) < 0) {
			pm->tool = NULL;
			continue;
		}
		/* Other permission commands stay where they are. */
		if ((need_owner && !strcmp(pm->tool, "chown")) ||
		    (need_mode && !strcmp(pm->tool, "chmod")))
			pc->rm[pc->nrm++] = c;
	}
}

static void perm_cmds_release(struct perm_cmds *pc)
{
	size_t c;

	for (c = 0; pc->r.ok && c < pc->r.sh.ncmds; c++)
		if (pc->perms[c].tool)
			lw_sh_perm_release(&pc->perms[c]);
	free(pc->perms);
	free(pc->rm);
	fx_run_text_release(&pc->r);
}

/* The owner ("user:group") and mode ("755") the COPY flags set: the
 * chown's own words when they name the owner plainly (no $VAR), else the
 * ids the findings of group g0 end with (also when pc holds no command:
 * the RUN was not read). Never leaves owner or mode empty. */
static void copy_flag_values(const struct lw_analysis *an,
			     const struct perm_cmds *pc, size_t g0,
			     int need_owner, char *owner, size_t ownersz,
			     char *mode, size_t modesz)
{
	const struct lw_sh_perm *ch = NULL;
	struct lw_meta m = { 0, 0, 0 };
	int so, sm;
	size_t c;

	uniform(an, &an->groups[g0], &m, &so, &sm);
	for (c = 0; c < pc->nrm; c++)
		if (!strcmp(pc->perms[pc->rm[c]].tool, "chown"))
			ch = &pc->perms[pc->rm[c]];
	if (need_owner && ch && ch->owner && !strchr(ch->owner, '$') &&
	    (!ch->group || !strchr(ch->group, '$'))) {
		if (ch->group && *ch->group)
			snprintf(owner, ownersz, "%s:%s", ch->owner, ch->group);
		else
			snprintf(owner, ownersz, "%s:%u", ch->owner, m.gid);
	} else if (need_owner) {
		snprintf(owner, ownersz, "%u:%u", m.uid, m.gid);
	}
	snprintf(mode, modesz, "%o", m.mode);
}

/* 1 when putting the flags on the COPY leaves the final file system as
 * RUN k left it: the commands were read, every file each COPY added was
 * changed, all the same way, by the commands taken out, the COPY has no
 * such flag yet, and the commands changed nothing else that left a copy
 * (every metadata group of layer k is among gs). */
static int copy_flags_safe(const struct fixer *fx, const struct perm_cmds *pc,
			   uint32_t k, const size_t *gs, size_t ng,
			   int need_owner, int need_mode)
{
	const struct attr_ctx *ctx = fx->ctx;
	const struct lw_analysis *an = ctx->an;
	size_t c, i, gi, gj;

	if (!pc->r.ok || !pc->nrm)
		return 0;
	for (gi = 0; gi < ng; gi++) {
		const struct lw_group *g = &an->groups[gs[gi]];
		const struct lw_layer_index *jx =
			an->image->layers[g->from_layer].index;
		const struct lw_df_instr *copy = ctx->instr[g->from_layer];
		struct lw_meta m = { 0, 0, 0 };
		int so, sm;
		size_t files = 0;

		for (gj = 0; gj < ng; gj++)
			if (an->groups[gs[gj]].from_layer == g->from_layer)
				files += an->groups[gs[gj]].files -
					an->groups[gs[gj]].links;
		uniform(an, g, &m, &so, &sm);
		/* Files the RUN did not copy must already be as the flags
		 * would make them (fix_copy.c). */
		if (files != jx->file_count &&
		    !lw_fix_copy_rest_same(an, g->from_layer, gs, ng,
					   need_owner, need_mode, &m))
			return 0;
		if ((need_owner && !so) || (need_mode && !sm))
			return 0;
		for (i = g->first; i < g->first + g->count; i++) {
			int hit = 0;

			for (c = 0; c < pc->nrm && !hit; c++)
				hit = covers(&pc->perms[pc->rm[c]],
					     ctx->workdir[k],
					     an->findings[i].path);
			if (!hit)
				return 0;
		}
		if (!copy || (need_owner && lw_df_flag(copy, "chown")) ||
		    (need_mode && lw_df_flag(copy, "chmod")))
			return 0;
	}
	for (i = 0; i < an->ngroups; i++) {
		const struct lw_group *g = &an->groups[i];
		int mine = 0;

		if (g->layer != k || !lw_kind_is_metadata(g->kind))
			continue;
		for (gi = 0; gi < ng; gi++)
			mine |= gs[gi] == i;
		if (!mine)
			return 0;
	}
	return 1;
}

/* The edits of a safe copy-chown / copy-chmod fix: the flags on each COPY
 * (once per line), and RUN k without the commands (run_new taken; "" drops
 * the RUN). */
static void copy_flag_edits(struct fixer *fx, struct sugg_build *b,
			    const struct perm_cmds *pc, const size_t *gs,
			    size_t ng, const char *owner, const char *mode,
			    int need_owner, int need_mode, char *run_new)
{
	const struct attr_ctx *ctx = fx->ctx;
	size_t gi, e;

	for (gi = 0; gi < ng; gi++) {
		const struct lw_df_instr *d =
			ctx->instr[ctx->an->groups[gs[gi]].from_layer];
		char *line;
		int dup = 0;

		for (e = 0; e < b->s.nedits; e++)
			dup |= b->s.edits[e].line == d->line;
		if (dup)
			continue;
		if (need_owner) {
			line = with_flag(d, "chown", owner);
			if (need_mode) {
				struct lw_df_instr tmp = *d;
				char *l2;

				tmp.source = line;
				l2 = with_flag(&tmp, "chmod", mode);
				free(line);
				line = l2;
			}
		} else {
			line = with_flag(d, "chmod", mode);
		}
		fx_add_edit(b, d->line, d->line, line);
	}
	fx_add_edit(b, pc->r.d->line, pc->r.d->end_line, *run_new ? run_new : NULL);
	if (!*run_new)
		free(run_new);
}

/* Tries the copy-chown / copy-chmod fix for the metadata groups gs of RUN
 * layer k. Returns 1 when a suggestion now covers them (safe, or advice),
 * 0 when the fix does not fit (a group not from a COPY or ADD, a touch). */
static int fix_copy_flags(struct fixer *fx, uint32_t k, size_t *gs, size_t ng)
{
	const struct lw_analysis *an = fx->ctx->an;
	struct perm_cmds pc;
	struct sugg_build *b;
	size_t gi;
	int need_owner = 0, need_mode = 0, safe;
	char owner[256] = "", mode[32] = "";
	struct lw_strbuf sb = LW_STRBUF_INIT;
	char *wk, *wj, *run_new = NULL;

	for (gi = 0; gi < ng; gi++) {
		const struct lw_group *g = &an->groups[gs[gi]];

		if (!is_kw(fx, g->from_layer, "COPY") &&
		    !is_kw(fx, g->from_layer, "ADD"))
			return 0;
		if (g->kind == LW_KIND_TOUCH)
			return 0;
		need_owner |= g->kind == LW_KIND_CHOWN ||
			g->kind == LW_KIND_CHOWN_CHMOD;
		need_mode |= g->kind == LW_KIND_CHMOD ||
			g->kind == LW_KIND_CHOWN_CHMOD;
	}
	b = fx_new_sugg(fx, need_owner ? LW_FIX_COPY_CHOWN : LW_FIX_COPY_CHMOD, k,
		     an->groups[gs[0]].from_layer);
	for (gi = 0; gi < ng; gi++)
		fx_add_group(fx, b, gs[gi]);
	perm_cmds_init(&pc, fx, k, need_owner, need_mode);
	/* Always: without the RUN's commands (no Dockerfile, or a command
	 * that could not be read) the values come from the findings. */
	copy_flag_values(an, &pc, gs[0], need_owner, owner, sizeof(owner),
			 mode, sizeof(mode));
	safe = copy_flags_safe(fx, &pc, k, gs, ng, need_owner, need_mode);
	if (safe && !(run_new = run_without(&pc.r, pc.rm, pc.nrm)))
		safe = 0;
	wk = fx_where(fx, k);
	wj = fx_where(fx, an->groups[gs[0]].from_layer);
	if (need_owner && need_mode)
		b->s.title = fx_fmt(&sb, "Use COPY --chown=%s --chmod=%s at %s "
				 "instead of changing owner and mode in %s",
				 owner, mode, wj, wk);
	else if (need_owner)
		b->s.title = fx_fmt(&sb, "Use COPY --chown=%s at %s instead of "
				 "chown in %s", owner, wj, wk);
	else
		b->s.title = fx_fmt(&sb, "Use COPY --chmod=%s at %s instead of "
				 "chmod in %s (needs BuildKit)", mode, wj, wk);
	free(wj);
	free(wk);
	if (safe) {
		b->s.detail = fx_fmt(&sb, "The RUN copies every file the COPY added "
				  "only to change its %s; the flag sets it "
				  "while copying, so the files are stored "
				  "once.%s", need_owner && need_mode ?
				  "owner and mode" : need_owner ? "owner" :
				  "mode", need_mode ? " --chmod needs BuildKit "
				  "(Dockerfile syntax 1.2 or later)." : "");
		copy_flag_edits(fx, b, &pc, gs, ng, owner, mode, need_owner,
				need_mode, run_new);
		b->s.safe = 1;
	} else {
		b->s.detail = fx_fmt(&sb, "Not applied automatically: the COPY "
				  "also adds files the RUN leaves alone, the "
				  "files end with different %s, or the command "
				  "could not be read. Setting ownership or mode "
				  "while copying stores the files once.",
				  need_owner ? "owners" : "modes");
	}
	perm_cmds_release(&pc);
	lw_strbuf_release(&sb);
	return 1;
}

/* Moves every command of RUN k to the end of RUN j when RUN k does nothing
 * else than what `accept` approves and all its findings of the kinds in
 * question come from j. Returns 1 with edits added to b. */
static int move_to_run(struct fixer *fx, struct sugg_build *b, uint32_t k,
		       uint32_t j, int (*accept)(const struct lw_sh_cmd *),
		       int metadata)
{
	struct attr_ctx *ctx = fx->ctx;
	const struct lw_analysis *an = ctx->an;
	struct run_text rk, rj;
	struct lw_strbuf sb = LW_STRBUF_INIT;
	size_t c, i;
	int ok = 1;

	fx_run_text_init(&rk, ctx->instr[k], ctx->df ? ctx->df->escape : '\\');
	fx_run_text_init(&rj, ctx->instr[j], ctx->df ? ctx->df->escape : '\\');
	/* Another WORKDIR is harmless when every path is absolute
	 * (fix_cleanup.c). */
	if (!rk.ok || !rj.ok || !rk.sh.ncmds || !rj.sh.ncmds ||
	    !ctx->workdir[k] || !ctx->workdir[j] ||
	    (strcmp(ctx->workdir[k], ctx->workdir[j]) &&
	     !lw_fix_paths_absolute(&rk.sh)) ||
	    rk.d->stage != rj.d->stage)
		ok = 0;
	/* The moved commands must run as they did: as the same user, in
	 * the same shell. A RUN in between could see the files before the
	 * moved command changes them (`cp` keeps a mode, `tar` an owner);
	 * an ENV or ARG in between could change what a $VAR in them means.
	 * Any of these and moving is no longer provably the same. */
	if (ok && strcmp(rk.d->user ? rk.d->user : "",
			 rj.d->user ? rj.d->user : ""))
		ok = 0;
	if (ok) {
		const struct lw_df_instr *in;
		int vars = memchr(rk.text, '$', rk.len) != NULL;

		for (in = rj.d + 1; in < rk.d; in++)
			if (!strcmp(in->keyword, "RUN") ||
			    !strcmp(in->keyword, "SHELL") ||
			    !strcmp(in->keyword, "USER") ||
			    (vars && (!strcmp(in->keyword, "ENV") ||
				      !strcmp(in->keyword, "ARG"))))
				ok = 0;
		/* Nor may a layer between (a COPY) hold anything the moved
		 * commands name: they would now run before it. */
		if (ok && !lw_fix_between_untouched(ctx, j, k, &rk.sh,
						    ctx->workdir[k]))
			ok = 0;
	}
	for (c = 0; ok && c < rk.sh.ncmds; c++) {
		const struct lw_sh_cmd *cmd = &rk.sh.cmds[c];

		if (cmd->depth || !accept(cmd) ||
		    (cmd->op_after != LW_SH_END && cmd->op_after != LW_SH_AND &&
		     cmd->op_after != LW_SH_SEMI &&
		     cmd->op_after != LW_SH_NEWLINE))
			ok = 0;
	}
	/* Nothing may follow RUN j's last command (a shell comment would
	 * swallow what we append). */
	if (ok) {
		const struct lw_sh_cmd *last = &rj.sh.cmds[rj.sh.ncmds - 1];
		size_t e = rj.len;

		while (e > last->end && strchr(" \t\r\n", rj.text[e - 1]))
			e--;
		if (e != last->end || last->op_after != LW_SH_END)
			ok = 0;
	}
	for (i = 0; ok && i < an->ngroups; i++) {
		const struct lw_group *g = &an->groups[i];

		if (g->layer == k && g->from_layer != j &&
		    (metadata ? lw_kind_is_metadata(g->kind) :
		     g->kind == LW_KIND_DELETE))
			ok = 0;
	}
	if (ok) {
		const struct lw_sh_cmd *last = &rj.sh.cmds[rj.sh.ncmds - 1];

		const char *src = rj.d->source;
		const char *lastnl = strrchr(src, '\n');
		char cont[3] = { rj.escape ? rj.escape : '\\', '\n', '\0' };
		size_t indent = 0;

		lw_strbuf_add(&sb, src, rj.off + last->end);
		/* A RUN written one command per continuation line gets the
		 * moved commands the same way. */
		if (lastnl && lastnl > src && lastnl[-1] == cont[0])
			while (lastnl[1 + indent] == ' ' ||
			       lastnl[1 + indent] == '\t')
				indent++;
		for (c = 0; c < rk.sh.ncmds; c++) {
			const struct lw_sh_cmd *cmd = &rk.sh.cmds[c];

			if (lastnl && lastnl > src && lastnl[-1] == cont[0]) {
				lw_strbuf_addf(&sb, " %s", cont);
				lw_strbuf_add(&sb, lastnl + 1, indent);
				lw_strbuf_adds(&sb, "&& ");
			} else {
				lw_strbuf_adds(&sb, " && ");
			}
			lw_strbuf_add(&sb, rk.text + cmd->start,
				      cmd->end - cmd->start);
		}
		fx_add_edit(b, rj.d->line, rj.d->end_line, lw_strbuf_detach(&sb));
		fx_add_edit(b, rk.d->line, rk.d->end_line, NULL);
		b->s.safe = 1;
	}
	lw_strbuf_release(&sb);
	fx_run_text_release(&rk);
	fx_run_text_release(&rj);
	return ok;
}

static int is_perm_cmd(const struct lw_sh_cmd *cmd)
{
	struct lw_sh_perm pm;
	int ok;

	if (lw_sh_perm_parse(cmd->words, cmd->nwords, &pm) < 0)
		return 0;
	ok = strcmp(pm.tool, "find") != 0;
	lw_sh_perm_release(&pm);
	return ok;
}

static int is_rm_cmd(const struct lw_sh_cmd *cmd)
{
	size_t i;

	if (!cmd->nwords || strcmp(cmd->words[0], "rm"))
		return 0;
	for (i = 1; i < cmd->nwords; i++)
		if (strchr(cmd->words[i], '$') || strchr(cmd->words[i], '`'))
			return 0;
	return 1;
}

static const char *const kind_verbs[LW_KIND_COUNT] = {
	"owner", "mode", "owner and mode", "mtime or xattrs",
};

static void fix_metadata_group(struct fixer *fx, size_t gi)
{
	const struct lw_group *g = &fx->ctx->an->groups[gi];
	struct lw_strbuf sb = LW_STRBUF_INIT;
	struct sugg_build *b;
	char *wk = fx_where(fx, g->layer), *wj = fx_where(fx, g->from_layer);

	if (is_kw(fx, g->from_layer, "RUN") && is_kw(fx, g->layer, "RUN")) {
		size_t i;

		/* One suggestion per pair of RUNs, whatever the kinds. */
		for (i = 0; i < fx->n; i++)
			if (fx->v[i].s.kind == LW_FIX_SAME_RUN &&
			    fx->v[i].ngroups &&
			    fx->ctx->an->groups[fx->v[i].groups[0]].layer ==
			    g->layer &&
			    fx->ctx->an->groups[fx->v[i].groups[0]].from_layer ==
			    g->from_layer) {
				fx_add_group(fx, &fx->v[i], gi);
				goto out;
			}
		b = fx_new_sugg(fx, LW_FIX_SAME_RUN, g->layer, g->from_layer);
		fx_add_group(fx, b, gi);
		b->s.title = fx_fmt(&sb, "Change the %s in the RUN that creates the "
				 "files (%s) instead of in %s",
				 kind_verbs[g->kind], wj, wk);
		b->s.detail = fx_fmt(&sb, "A later RUN that changes only the %s "
				  "stores every file again. Do it at the end "
				  "of the RUN that makes them%s.",
				  kind_verbs[g->kind], g->kind == LW_KIND_CHOWN ||
				  g->kind == LW_KIND_CHOWN_CHMOD ?
				  ", or run that RUN under the right USER" : "");
		move_to_run(fx, b, g->layer, g->from_layer, is_perm_cmd, 1);
	} else if (is_kw(fx, g->from_layer, "COPY") ||
		   is_kw(fx, g->from_layer, "ADD")) {
		b = fx_new_sugg(fx, LW_FIX_SAME_RUN, g->layer, g->from_layer);
		fx_add_group(fx, b, gi);
		b->s.title = fx_fmt(&sb, "Files copied at %s are stored again by %s "
				 "only to change their %s", wj, wk,
				 kind_verbs[g->kind]);
		if (g->kind == LW_KIND_TOUCH)
			b->s.detail = fx_fmt(&sb, "Only the modification time or "
					  "extended attributes changed: drop "
					  "the later step, or set them in the "
					  "build context before copying.");
		else
			b->s.detail = fx_fmt(&sb, "Set the %s while copying (COPY "
					  "--chown, COPY --chmod) or in the "
					  "build context, and drop the later "
					  "change.", kind_verbs[g->kind]);
	} else {
		b = fx_new_sugg(fx, LW_FIX_SAME_RUN, g->layer, g->from_layer);
		fx_add_group(fx, b, gi);
		b->s.title = fx_fmt(&sb, "%s stores files of %s again only to "
				 "change their %s", wk, wj, kind_verbs[g->kind]);
	}
out:
	free(wk);
	free(wj);
	lw_strbuf_release(&sb);
}

static void fix_delete_group(struct fixer *fx, size_t gi)
{
	const struct lw_group *g = &fx->ctx->an->groups[gi];
	struct lw_strbuf sb = LW_STRBUF_INIT;
	struct sugg_build *b = fx_new_sugg(fx, LW_FIX_CLEANUP, g->layer,
					g->from_layer);
	char *wk = fx_where(fx, g->layer), *wj = fx_where(fx, g->from_layer);

	fx_add_group(fx, b, gi);
	if (is_kw(fx, g->from_layer, "RUN")) {
		b->s.title = fx_fmt(&sb, "Delete the files in the RUN that creates "
				 "them (%s), not later in %s", wj, wk);
		b->s.detail = fx_fmt(&sb, "Files deleted by a later layer stay "
				  "stored in the layer that made them. Clean "
				  "up at the end of the same RUN, or build them "
				  "in another stage and COPY --from only what "
				  "you need.");
		if (is_kw(fx, g->layer, "RUN"))
			move_to_run(fx, b, g->layer, g->from_layer, is_rm_cmd,
				    0);
		lw_fix_cache_advice(fx->ctx->an, g, &b->s, wj, wk);
	} else if (is_kw(fx, g->from_layer, "COPY") ||
		   is_kw(fx, g->from_layer, "ADD")) {
		b->s.title = fx_fmt(&sb, "Files copied at %s are deleted by %s but "
				 "stay in the image", wj, wk);
		b->s.detail = fx_fmt(&sb, "Leave them out of the build context "
				  "(.dockerignore) or copy only what you need; "
				  "deleting them later does not shrink the "
				  "image.");
	} else {
		b->s.title = fx_fmt(&sb, "Files of %s deleted by %s stay in the "
				 "image", wj, wk);
		b->s.detail = fx_fmt(&sb, "Deleting files of a base image does not "
				  "shrink it; use a smaller base or a "
				  "multi-stage build.");
	}
	free(wk);
	free(wj);
	lw_strbuf_release(&sb);
}

static void fix_overwrite_group(struct fixer *fx, size_t gi)
{
	const struct lw_group *g = &fx->ctx->an->groups[gi];
	struct lw_strbuf sb = LW_STRBUF_INIT;
	struct sugg_build *b = fx_new_sugg(fx, LW_FIX_REORDER, g->layer,
					g->from_layer);
	char *wk = fx_where(fx, g->layer), *wj = fx_where(fx, g->from_layer);

	fx_add_group(fx, b, gi);
	b->s.title = fx_fmt(&sb, "%s replaces files written by %s: write them "
			 "once", wk, wj);
	b->s.detail = fx_fmt(&sb, "The first version stays stored. Merge the two "
			  "steps, or order them so each file is written by "
			  "one step only.");
	free(wk);
	free(wj);
	lw_strbuf_release(&sb);
}


static int edit_cmp(const void *x, const void *y)
{
	const struct lw_fix_edit *a = x, *b = y;

	return a->line - b->line;
}

/* before/after: the lines the edits touch, as they are and as they become. */
static void describe_edits(struct fixer *fx, struct lw_suggestion *s)
{
	struct lw_attribution *at = fx->ctx->at;
	struct lw_strbuf before = LW_STRBUF_INIT, after = LW_STRBUF_INIT;
	int lo = s->edits[0].line, hi = s->edits[0].end_line, l;
	size_t e = 0;

	qsort(s->edits, s->nedits, sizeof(*s->edits), edit_cmp);
	for (e = 0; e < s->nedits; e++) {
		if (s->edits[e].line < lo)
			lo = s->edits[e].line;
		if (s->edits[e].end_line > hi)
			hi = s->edits[e].end_line;
	}
	s->line = lo;
	s->end_line = hi;
	s->file = at->dockerfile;
	e = 0;
	for (l = lo; l <= hi && l >= 1 && (size_t)l <= at->ndf_lines; l++) {
		lw_strbuf_addf(&before, "%s\n", at->df_lines[l - 1]);
		if (e < s->nedits && s->edits[e].line == l) {
			if (s->edits[e].text)
				lw_strbuf_addf(&after, "%s\n", s->edits[e].text);
			l = s->edits[e].end_line;
			/* before must still list the replaced lines */
			{
				int m;

				for (m = s->edits[e].line + 1;
				     m <= s->edits[e].end_line; m++)
					lw_strbuf_addf(&before, "%s\n",
						       at->df_lines[m - 1]);
			}
			e++;
			continue;
		}
		lw_strbuf_addf(&after, "%s\n", at->df_lines[l - 1]);
	}
	s->before = lw_strbuf_detach(&before);
	s->after = lw_strbuf_detach(&after);
}

static const struct fixer *sort_fx;

static int sugg_cmp(const void *x, const void *y)
{
	const size_t *a = x, *b = y;
	const struct lw_suggestion *p = &sort_fx->v[*a].s, *q = &sort_fx->v[*b].s;

	if (p->saves_bytes != q->saves_bytes)
		return p->saves_bytes > q->saves_bytes ? -1 : 1;
	return strcmp(p->id, q->id);
}

/* A plan of fix_split.c becomes a suggestion (taking what it owns). */
static void take_plan(struct fixer *fx, struct lw_fix_plan *p)
{
	struct sugg_build *b = fx_new_sugg(fx, p->kind, p->k, p->j);
	size_t i;

	for (i = 0; i < p->ngroups; i++)
		fx_add_group(fx, b, p->groups[i]);
	for (i = 0; i < p->nedits; i++)
		fx_add_edit(b, p->edits[i].line, p->edits[i].end_line,
			 p->edits[i].text);
	b->s.title = p->title;
	b->s.detail = p->detail;
	b->s.safe = p->safe;
	free(p->groups);
}

void lw_attr_fixes(struct attr_ctx *ctx)
{
	const struct lw_analysis *an = ctx->an;
	struct lw_attribution *at = ctx->at;
	struct fixer fx;
	size_t i, k, *order, *gs;

	memset(&fx, 0, sizeof(fx));
	fx.ctx = ctx;
	fx.group_sugg = lw_xcalloc(an->ngroups + 1, sizeof(int));
	gs = lw_xcalloc(an->ngroups + 1, sizeof(*gs));
	for (i = 0; i < an->ngroups; i++)
		fx.group_sugg[i] = -1;
	/* A chown RUN that splits between COPY flags and RUNs. */
	for (k = 0; k < an->image->nlayers; k++) {
		struct lw_fix_plan plan;

		if (is_kw(&fx, (uint32_t)k, "RUN") &&
		    lw_fix_split_plan(ctx, (uint32_t)k, fx.group_sugg, &plan))
			take_plan(&fx, &plan);
	}
	/* Metadata copies of COPY'd files made by one RUN: one fix each. */
	for (k = 0; k < an->image->nlayers; k++) {
		size_t ng = 0;

		if (!is_kw(&fx, (uint32_t)k, "RUN"))
			continue;
		for (i = 0; i < an->ngroups; i++) {
			const struct lw_group *g = &an->groups[i];

			if (fx.group_sugg[i] < 0 && g->layer == k &&
			    lw_kind_is_metadata(g->kind) &&
			    g->kind != LW_KIND_TOUCH &&
			    (is_kw(&fx, g->from_layer, "COPY") ||
			     is_kw(&fx, g->from_layer, "ADD")))
				gs[ng++] = i;
		}
		if (ng)
			fix_copy_flags(&fx, (uint32_t)k, gs, ng);
	}
	fx_pkgdb_churn(&fx);
	for (i = 0; i < an->ngroups; i++) {
		if (fx.group_sugg[i] >= 0)
			continue;
		if (lw_kind_is_metadata(an->groups[i].kind))
			fix_metadata_group(&fx, i);
		else if (an->groups[i].kind == LW_KIND_DELETE)
			fix_delete_group(&fx, i);
		else
			fix_overwrite_group(&fx, i);
	}
	for (i = 0; i < fx.n; i++) {
		const struct lw_layer_attr *la;

		if (fx.v[i].s.nedits) {
			describe_edits(&fx, &fx.v[i].s);
			continue;
		}
		/* Advice points at the instruction that caused the waste. */
		la = &at->layers[an->groups[fx.v[i].groups[0]].layer];
		if (la->file) {
			fx.v[i].s.file = la->file;
			fx.v[i].s.line = la->line;
			fx.v[i].s.end_line = la->end_line;
		}
	}
	/* Largest saving first; causes follow their suggestions. */
	order = lw_xcalloc(fx.n + 1, sizeof(*order));
	for (i = 0; i < fx.n; i++)
		order[i] = i;
	sort_fx = &fx;
	if (fx.n)
		qsort(order, fx.n, sizeof(*order), sugg_cmp);
	at->nsuggestions = fx.n;
	at->suggestions = lw_xcalloc(fx.n + 1, sizeof(*at->suggestions));
	at->ncauses = an->ngroups;
	at->causes = lw_xcalloc(an->ngroups + 1, sizeof(*at->causes));
	for (i = 0; i < fx.n; i++) {
		at->suggestions[i] = fx.v[order[i]].s;
		for (k = 0; k < fx.v[order[i]].ngroups; k++)
			at->causes[fx.v[order[i]].groups[k]].suggestion = (int)i;
		free(fx.v[order[i]].groups);
	}
	for (i = 0; i < an->ngroups; i++) {
		at->causes[i].group = i;
		if (fx.group_sugg[i] < 0)
			at->causes[i].suggestion = -1;
	}
	free(order);
	free(fx.v);
	free(fx.group_sugg);
	free(gs);
}
