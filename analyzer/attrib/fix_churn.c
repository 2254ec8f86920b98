/* Package-manager churn: every later rewrite of the package database by
 * the build's own install steps, as one suggestion naming the steps, with
 * each manager's idiom; --fix merges the steps into the first when only
 * instructions that cannot change them sit between. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixer.h"
#include "pkgdb.h"

static int u32_cmp(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

/* Each manager's way of installing in one step. */
static const char *const pkg_idiom[LW_PKG_COUNT] = {
	[LW_PKG_APT] = ("RUN apt-get update && apt-get install -y "
			"--no-install-recommends a b c && "
			"rm -rf /var/lib/apt/lists/*"),
	[LW_PKG_RPM] = "RUN dnf install -y a b c && dnf clean all",
	[LW_PKG_APK] = "RUN apk add --no-cache a b c",
	[LW_PKG_PIP] = "RUN pip install --no-cache-dir a b c",
	[LW_PKG_NPM] = "RUN npm install a b c && npm cache clean --force",
	[LW_PKG_SYSTEM] = "one RUN for every install step",
};

/* Builtins whose effect outlives their command: in one RUN they would
 * reach the commands of the steps merged after them. */
static const char *const shell_state[] = {
	"cd", "pushd", "popd", "export", "unset", "set", "umask", "ulimit",
	"alias", "unalias", ".", "source", "exec", "exit", "return", "shopt",
	"trap", "readonly", "local", "eval", "declare", "typeset", "hash",
};

/* NULL when RUN r can be joined to others with " && ": read, top level,
 * joined by && and | only, no flag, no builtin that changes the shell;
 * else why not. */
static const char *joinable(const struct run_text *r)
{
	size_t c, i;

	if (!r->ok || !r->sh.ncmds)
		return "a step's command could not be read";
	if (r->d->nflags)
		return "a step has RUN flags";
	for (c = 0; c < r->sh.ncmds; c++) {
		const struct lw_sh_cmd *cmd = &r->sh.cmds[c];

		if (cmd->depth || (c + 1 < r->sh.ncmds &&
				   cmd->op_after != LW_SH_AND &&
				   cmd->op_after != LW_SH_PIPE) ||
		    (c + 1 == r->sh.ncmds && cmd->op_after != LW_SH_END))
			return "a step joins its commands with more than && "
			       "and |";
		if (!cmd->nwords || strchr(cmd->words[0], '='))
			return "a step sets a shell variable";
		for (i = 0; i < sizeof(shell_state) / sizeof(*shell_state);
		     i++)
			if (!strcmp(cmd->words[0], shell_state[i]))
				return "a step changes the shell's state "
				       "(cd, export, ...)";
	}
	return NULL;
}

/* Variables that programs read without being named: PATH, the locale,
 * the package managers' own. */
static int tool_env(const char *name)
{
	static const char *const exact[] = {
		"PATH", "HOME", "SHELL", "TZ", "LANG", "LANGUAGE", "TMPDIR",
		"DEBIAN_FRONTEND", "DEBCONF_NONINTERACTIVE_SEEN",
	};
	static const char *const prefix[] = {
		"LC_", "LD_", "APT", "DPKG", "DNF", "YUM", "RPM", "PIP_",
		"PYTHON", "NPM_", "npm_", "NODE_", "http_", "https_", "HTTP",
		"no_proxy", "NO_PROXY",
	};
	size_t i;

	for (i = 0; i < sizeof(exact) / sizeof(*exact); i++)
		if (!strcmp(name, exact[i]))
			return 1;
	for (i = 0; i < sizeof(prefix) / sizeof(*prefix); i++)
		if (!strncmp(name, prefix[i], strlen(prefix[i])))
			return 1;
	return 0;
}

/* 1 when an ENV or ARG instruction d sets a name that text uses, or one
 * that programs read unnamed (tool_env). */
static int names_used(const struct lw_df_instr *d, const char *text)
{
	const char *a = d->raw_args ? d->raw_args : "";

	while (*a) {
		size_t n = strcspn(a, "= \t\n\"'");
		char name[256];

		/* A name too long to hold counts as used. */
		if (n >= sizeof(name))
			return 1;
		memcpy(name, a, n);
		name[n] = '\0';
		if (n && (strstr(text, name) || tool_env(name)))
			return 1;
		a += n;
		/* the value, to the next blank outside quotes */
		while (*a && *a != ' ' && *a != '\t' && *a != '\n') {
			if (*a == '"' || *a == '\'') {
				char q = *a++;

				while (*a && *a != q)
					a++;
			}
			if (*a)
				a++;
		}
		while (*a == ' ' || *a == '\t' || *a == '\n')
			a++;
	}
	return 0;
}

/* The edits that merge the install steps ls[0..n) (layers in order) into
 * the first: NULL with them added to b when it is provably the same final
 * file system, else why not. */
static const char *merge_steps(struct fixer *fx, struct sugg_build *b,
			       const uint32_t *ls, size_t n)
{
	const struct attr_ctx *ctx = fx->ctx;
	char esc = ctx->df ? ctx->df->escape : '\\';
	struct run_text *rt = lw_xcalloc(n + 1, sizeof(*rt));
	struct lw_strbuf sb = LW_STRBUF_INIT, moved = LW_STRBUF_INIT;
	const struct lw_df_instr *in;
	const char *why = NULL;
	size_t i, m;

	for (i = 0; i < n; i++) {
		if (!ctx->df || !ctx->instr[ls[i]] ||
		    strcmp(ctx->instr[ls[i]]->keyword, "RUN")) {
			why = "a step is not a RUN of the Dockerfile";
			goto out;
		}
		fx_run_text_init(&rt[i], ctx->instr[ls[i]], esc);
		if (!why)
			why = joinable(&rt[i]);
		if (!why && rt[i].d->exec_form)
			why = "a step is in exec form";
		if (!why && (rt[i].d->stage != rt[0].d->stage ||
			     strcmp(rt[i].d->user ? rt[i].d->user : "",
				    rt[0].d->user ? rt[0].d->user : "")))
			why = "the steps run in other stages or as other users";
		if (why)
			goto out;
		if (i)
			lw_strbuf_add(&moved, rt[i].text, rt[i].len);
	}
	/* Between the steps, only instructions that make no layer and that
	 * the merged commands cannot notice. */
	for (in = rt[0].d + 1, m = 1; in < rt[n - 1].d; in++) {
		if (m < n && in == rt[m].d) {
			m++;
			continue;
		}
		if (!strcmp(in->keyword, "LABEL"))
			continue;
		if ((!strcmp(in->keyword, "ENV") ||
		     !strcmp(in->keyword, "ARG")) &&
		    !memchr(moved.buf ? moved.buf : "", '$', moved.len) &&
		    !names_used(in, moved.buf ? moved.buf : ""))
			continue;
		if (!strcmp(in->keyword, "WORKDIR")) {
			for (i = 1; i < n; i++)
				if (!lw_fix_paths_absolute(&rt[i].sh))
					break;
			if (i == n)
				continue;
		}
		why = "an instruction between the steps could change what "
		      "they do";
		goto out;
	}
	/* Nothing after the first step's last command (a comment would
	 * swallow what is appended). */
	{
		const struct lw_sh_cmd *last =
			&rt[0].sh.cmds[rt[0].sh.ncmds - 1];
		size_t e = rt[0].len;

		while (e > last->end && strchr(" \t\r\n", rt[0].text[e - 1]))
			e--;
		if (e != last->end) {
			why = "the first step ends with a comment";
			goto out;
		}
		lw_strbuf_add(&sb, rt[0].d->source, rt[0].off + last->end);
	}
	for (i = 1; i < n; i++) {
		const struct lw_sh_cmd *f = &rt[i].sh.cmds[0];
		const struct lw_sh_cmd *l = &rt[i].sh.cmds[rt[i].sh.ncmds - 1];

		lw_strbuf_addf(&sb, " %c\n && ", esc);
		lw_strbuf_add(&sb, rt[i].text + f->start, l->end - f->start);
	}
	fx_add_edit(b, rt[0].d->line, rt[0].d->end_line, lw_strbuf_detach(&sb));
	for (i = 1; i < n; i++)
		fx_add_edit(b, rt[i].d->line, rt[i].d->end_line, NULL);
	b->s.safe = 1;
out:
	for (i = 0; i < n; i++)
		fx_run_text_release(&rt[i]);
	free(rt);
	lw_strbuf_release(&sb);
	lw_strbuf_release(&moved);
	return why;
}

/* Package-manager state that install steps rewrite again and again
 * (pkgdb.c): one suggestion for all the churn, naming every step that
 * rewrote the state; --fix merges the steps into the first when that is
 * provably the same (merge_steps), else it is advice with the reason. */
void fx_pkgdb_churn(struct fixer *fx)
{
	const struct lw_analysis *an = fx->ctx->an;
	const struct lw_attribution *at = fx->ctx->at;
	struct lw_strbuf sb = LW_STRBUF_INIT, steps = LW_STRBUF_INIT;
	struct sugg_build *b = NULL;
	uint32_t *ls = lw_xcalloc(2 * an->ngroups + 1, sizeof(*ls));
	size_t i, n = 0, u;
	int manager = LW_PKG_SYSTEM;
	const char *why;

	for (i = 0; i < an->ngroups; i++) {
		const struct lw_group *g = &an->groups[i];
		int inherent, churn, m;

		if (fx->group_sugg[i] >= 0 ||
		    lw_pkgdb_classify(an, at, i, &inherent, &churn, &m) !=
		    LW_CAUSE_PACKAGE_DB || (!inherent && !churn))
			continue;
		ls[n++] = g->layer;
		if (!churn)
			continue;
		ls[n++] = g->from_layer;
		if (!b)
			b = fx_new_sugg(fx, LW_FIX_REORDER, g->layer,
				     g->from_layer);
		fx_add_group(fx, b, i);
		if (manager == LW_PKG_SYSTEM)
			manager = m;
	}
	if (!b)
		goto out;
	qsort(ls, n, sizeof(*ls), u32_cmp);
	for (i = u = 0; i < n; i++)
		if (!u || ls[u - 1] != ls[i])
			ls[u++] = ls[i];
	for (i = 0; i < u; i++) {
		const struct lw_layer_attr *la = &at->layers[ls[i]];
		char *w = fx_where(fx, ls[i]);

		if (i)
			lw_strbuf_adds(&steps, i + 1 == u ? " and " : ", ");
		if (i && la->file)
			lw_strbuf_addf(&steps, ":%d", la->line);
		else
			lw_strbuf_adds(&steps, w);
		free(w);
	}
	b->s.title = fx_fmt(&sb, "The package database was rewritten by %s: "
			 "install in one RUN", steps.buf);
	why = merge_steps(fx, b, ls, u);
	b->s.detail = fx_fmt(&sb, "Every install step stores the %s state "
			  "again in full. Merge the install steps into one "
			  "RUN (%s), or clear the logs in the same RUN. %s%s.",
			  lw_pkgdb_manager_name(manager), pkg_idiom[manager],
			  why ? "Not applied by --fix: " : "--fix merges the "
			  "steps into the first, commands kept as written",
			  why ? why : "");
out:
	free(ls);
	lw_strbuf_release(&steps);
	lw_strbuf_release(&sb);
}
