/* The spaces profile, GPU commands at build time: a Space is built on a
 * machine without a GPU, so a RUN that asks for one (nvidia-smi, nvcc,
 * torch.cuda in a Python snippet) fails there or learns nothing true
 * about the hardware the Space will run on. The platform's words are
 * quoted from https://huggingface.co/docs/hub/spaces-sdks-docker. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks_priv.h"
#include "layerwaste/dockerfile.h"
#include "layerwaste/read.h"
#include "layerwaste/util.h"

#define DOCS_URL "https://huggingface.co/docs/hub/spaces-sdks-docker"

static const struct lw_chk_def def_gpu = {
	"spaces/gpu-at-build",
	"No GPU command runs while the image is built",
	"\"During Docker buildtime, you don't have access to a GPU hardware. "
	"Therefore, you should not try to run any GPU-related command during "
	"the build step of your Dockerfile. For example, you can't run "
	"nvidia-smi or torch.cuda.is_available() building an image.\" ("
	DOCS_URL "#docker-container-with-gpu)",
	"configuration", LW_SEV_WARNING,
};

static const char *base_name(const char *w)
{
	const char *s = strrchr(w, '/');

	return s ? s + 1 : w;
}

/* Is w an assignment "NAME=value" (as before a command)? */
static int is_assignment(const char *w)
{
	const char *p = w;

	if (!(*p == '_' || (*p >= 'A' && *p <= 'Z') ||
	      (*p >= 'a' && *p <= 'z')))
		return 0;
	while (*p == '_' || (*p >= 'A' && *p <= 'Z') ||
	       (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
		p++;
	return *p == '=';
}

/* The GPU command cmd runs ("nvidia-smi", "nvcc", "torch.cuda"), or
 * NULL. Leading assignments and the wrappers sudo, env, exec, time are
 * skipped; torch.cuda counts in the snippet of `python -c`. */
static const char *gpu_word(const struct lw_sh_cmd *cmd)
{
	size_t i = 0, k;
	const char *w;

	while (i < cmd->nwords && (is_assignment(cmd->words[i]) ||
				   !strcmp(cmd->words[i], "sudo") ||
				   !strcmp(cmd->words[i], "env") ||
				   !strcmp(cmd->words[i], "exec") ||
				   !strcmp(cmd->words[i], "time")))
		i++;
	if (i >= cmd->nwords)
		return NULL;
	w = base_name(cmd->words[i]);
	if (!strcmp(w, "nvidia-smi"))
		return "nvidia-smi";
	if (!strcmp(w, "nvcc"))
		return "nvcc";
	if (strncmp(w, "python", 6))
		return NULL;
	for (k = i + 1; k + 1 < cmd->nwords; k++)
		if (!strcmp(cmd->words[k], "-c") &&
		    strstr(cmd->words[k + 1], "torch.cuda."))
			return "torch.cuda";
	return NULL;
}

/* The first GPU command of a RUN's shell text, or NULL. */
static const char *gpu_in(const char *text)
{
	struct lw_sh_script sh;
	struct lw_error err;
	const char *hit = NULL;
	size_t c;

	if (!text || lw_sh_split(text, strlen(text), '\\', &sh, &err))
		return NULL;
	for (c = 0; c < sh.ncmds && !hit; c++)
		hit = gpu_word(&sh.cmds[c]);
	lw_sh_script_release(&sh);
	return hit;
}

static const char *advice(const char *what)
{
	if (!strcmp(what, "nvcc"))
		return "nvcc finds no GPU to compile for: name the "
			"architectures (nvcc -arch=sm_86, "
			"TORCH_CUDA_ARCH_LIST=\"8.6\") or compile when the "
			"Space starts";
	if (!strcmp(what, "torch.cuda"))
		return "torch.cuda reports no GPU while building: check for "
			"the GPU in the app, when the Space starts";
	return "nvidia-smi fails without a GPU: run it when the Space "
		"starts (in the app or the CMD), not in a RUN";
}

int lw_spaces_gpu(struct lw_chk_ctx *x, struct lw_error *err)
{
	struct lw_check *k = lw_chk_begin(x, &def_gpu);
	const struct lw_image *img = x->img;
	struct lw_hist_instr h;
	struct lw_check_item *it;
	size_t li, n = 0;
	const char *what;
	char *ref;

	(void)err;
	for (li = 0; li < img->nlayers; li++) {
		const struct lw_history *hi = img->layers[li].history;

		if (!hi)
			continue;
		memset(&h, 0, sizeof(h));
		if (lw_history_parse(hi->created_by, hi->comment, &h) ||
		    !h.keyword || strcmp(h.keyword, "RUN") ||
		    !(what = gpu_in(h.command))) {
			lw_hist_instr_release(&h);
			continue;
		}
		n++;
		it = lw_chk_item(k);
		if (it) {
			lw_chk_setf(&it->subject, "%s at build time", what);
			lw_chk_at_layer(x, it, (int)li);
			ref = lw_chk_layer_this(x, (int)li);
			lw_chk_setf(&it->detail, "%s runs %s while the image is "
				    "built, where a Space has no GPU: %s.", ref,
				    what, advice(what));
			free(ref);
		}
		lw_hist_instr_release(&h);
	}
	if (n)
		lw_chk_setf(&k->message, "%zu RUN%s a GPU command (nvidia-smi, "
			    "nvcc, torch.cuda) at build time, where a Space "
			    "has no GPU.", n, n == 1 ? " runs" : "s run");
	else
		lw_chk_setf(&k->message, "No RUN runs a GPU command at build "
			    "time.");
	return LW_OK;
}
