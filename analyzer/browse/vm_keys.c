/* Key bindings: the defaults (ours and dive's side by side), the
 * config's replacements, which action a key has in a pane, the key help
 * line and the help overlay. Action and key names are the config's
 * (judge.h); the actions themselves are viewmodel.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm_priv.h"

#define CTRL(c) ((c) & 0x1f)

static const struct {
	int key, action;
} defaults[] = {
	{ 'q', LW_ACT_QUIT },
	{ LW_KEY_UP, LW_ACT_UP }, { 'k', LW_ACT_UP },
	{ LW_KEY_DOWN, LW_ACT_DOWN }, { 'j', LW_ACT_DOWN },
	{ LW_KEY_LEFT, LW_ACT_LEFT }, { 'h', LW_ACT_LEFT },
	{ LW_KEY_RIGHT, LW_ACT_RIGHT }, { 'l', LW_ACT_RIGHT },
	{ LW_KEY_PGUP, LW_ACT_PAGE_UP }, { 'u', LW_ACT_PAGE_UP },
	{ LW_KEY_PGDN, LW_ACT_PAGE_DOWN }, { 'd', LW_ACT_PAGE_DOWN },
	{ LW_KEY_HOME, LW_ACT_FIRST }, { 'g', LW_ACT_FIRST },
	{ LW_KEY_END, LW_ACT_LAST }, { 'G', LW_ACT_LAST },
	{ '\t', LW_ACT_NEXT_PANE }, { LW_KEY_BTAB, LW_ACT_PREV_PANE },
	{ '\r', LW_ACT_OPEN }, { ' ', LW_ACT_OPEN }, { '\n', LW_ACT_OPEN },
	{ LW_KEY_ENTER, LW_ACT_OPEN },
	{ 0, LW_ACT_COLLAPSE_ALL },
	{ '/', LW_ACT_FILTER }, { CTRL('f'), LW_ACT_FILTER },
	{ CTRL('_'), LW_ACT_FILTER },
	{ 's', LW_ACT_SORT }, { CTRL('o'), LW_ACT_SORT },
	{ 'w', LW_ACT_WASTED },
	{ 'a', LW_ACT_IMAGE_VIEW },
	{ CTRL('a'), LW_ACT_COMPARE_ALL }, { CTRL('l'), LW_ACT_COMPARE_LAYER },
	{ CTRL('a'), LW_ACT_ADDED }, { CTRL('r'), LW_ACT_REMOVED },
	/* Ctrl-M is Enter on a terminal: 'm' here, Ctrl-M by config. */
	{ 'm', LW_ACT_MODIFIED }, { CTRL('u'), LW_ACT_UNMODIFIED },
	{ CTRL('b'), LW_ACT_ATTRS },
	{ 'c', LW_ACT_CAUSE },
	{ '?', LW_ACT_HELP },
	{ 'n', LW_ACT_CHANGE_ONLY },
};

/* The help overlay: what each action does, and dive's key for it. */
static const struct {
	int action;
	const char *what, *dive;
} help[] = {
	{ LW_ACT_UP, "move up / down", "Up/Down, k/j" },
	{ LW_ACT_DOWN, NULL, NULL },
	{ LW_ACT_PAGE_UP, "page up / down", "PgUp/PgDn, u/d" },
	{ LW_ACT_PAGE_DOWN, NULL, NULL },
	{ LW_ACT_FIRST, "first / last row", "" },
	{ LW_ACT_LAST, NULL, NULL },
	{ LW_ACT_NEXT_PANE, "next / previous pane", "Tab" },
	{ LW_ACT_PREV_PANE, NULL, NULL },
	{ LW_ACT_LEFT, "fold, parent / unfold, child", "Left/Right" },
	{ LW_ACT_RIGHT, NULL, NULL },
	{ LW_ACT_OPEN, "fold a directory, open a cause", "Space" },
	{ LW_ACT_COLLAPSE_ALL, "fold / unfold all (Files)", "Ctrl-Space" },
	{ LW_ACT_FILTER, "filter paths", "Ctrl-F" },
	{ LW_ACT_ADDED, "show/hide added (Files)", "Ctrl-A" },
	{ LW_ACT_REMOVED, "show/hide removed (Files)", "Ctrl-R" },
	{ LW_ACT_MODIFIED, "show/hide modified (Files)", "Ctrl-M" },
	{ LW_ACT_UNMODIFIED, "show/hide unmodified (Files)", "Ctrl-U" },
	{ LW_ACT_ATTRS, "file attributes (Files)", "Ctrl-B" },
	{ LW_ACT_COMPARE_ALL, "whole image (Layers)", "Ctrl-A" },
	{ LW_ACT_COMPARE_LAYER, "one layer (Layers)", "Ctrl-L" },
	{ LW_ACT_IMAGE_VIEW, "layer / whole image", "" },
	{ LW_ACT_SORT, "sort by size / name", "Ctrl-O" },
	{ LW_ACT_WASTED, "only wasted entries", "" },
	{ LW_ACT_CAUSE, "cause and fix of the waste", "" },
	{ LW_ACT_CHANGE_ONLY, "only what the change added", "" },
	{ LW_ACT_HELP, "this help", "" },
	{ LW_ACT_QUIT, "quit", "Ctrl-C" },
};

static void add_bind(struct lw_vm *vm, size_t *cap, int key, int action)
{
	lw_grow((void **)&vm->binds, cap, vm->nbinds + 1, sizeof(*vm->binds));
	vm->binds[vm->nbinds].key = key;
	vm->binds[vm->nbinds].action = action;
	vm->binds[vm->nbinds++].scope = lw_key_action_scope(action);
}

void lwv_keys_init(struct lw_vm *vm)
{
	lw_vm_set_keys(vm, NULL, 0);
}

/* A configured key of scope cfg takes it from a default of scope def:
 * everywhere, or in the same pane; a key configured for one pane leaves
 * the default of every pane working in the others. */
static int overrides(int cfg, int def)
{
	return cfg == LW_SCOPE_ANY || cfg == def;
}

void lw_vm_set_keys(struct lw_vm *vm, const struct lw_key_binding *binds,
		    size_t n)
{
	size_t cap = 0, i, j;

	free(vm->binds);
	vm->binds = NULL;
	vm->nbinds = 0;
	for (i = 0; i < n; i++)
		if (binds[i].action >= 0 && binds[i].action < LW_ACT_COUNT)
			add_bind(vm, &cap, binds[i].key, binds[i].action);
	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		int scope = lw_key_action_scope(defaults[i].action), taken = 0;

		/* A configured action loses its defaults; a configured key
		 * is taken from the defaults it overrides. */
		for (j = 0; j < n && !taken; j++)
			taken = binds[j].action == defaults[i].action ||
				(binds[j].key == defaults[i].key &&
				 overrides(lw_key_action_scope(
					 binds[j].action), scope));
		if (!taken)
			add_bind(vm, &cap, defaults[i].key, defaults[i].action);
	}
}

int lwv_key_action(const struct lw_vm *vm, int key)
{
	int scope = vm->pane == LW_VM_LAYERS ? LW_SCOPE_LAYERS :
		vm->pane == LW_VM_TREE ? LW_SCOPE_FILES : -1;
	size_t i;

	for (i = 0; i < vm->nbinds; i++)
		if (vm->binds[i].key == key && vm->binds[i].scope == scope)
			return vm->binds[i].action;
	for (i = 0; i < vm->nbinds; i++)
		if (vm->binds[i].key == key &&
		    vm->binds[i].scope == LW_SCOPE_ANY)
			return vm->binds[i].action;
	return -1;
}

/* A key as the screen shows it: "^A", "Tab", "PgUp", "q". */
static const char *short_name(int key, char *buf, size_t size)
{
	static const struct {
		int key;
		const char *name;
	} names[] = {
		{ '\t', "Tab" }, { '\r', "Enter" }, { ' ', "Space" },
		{ 0, "^Space" }, { 27, "Esc" }, { LW_KEY_UP, "Up" },
		{ LW_KEY_DOWN, "Down" }, { LW_KEY_LEFT, "Left" },
		{ LW_KEY_RIGHT, "Right" }, { LW_KEY_PGUP, "PgUp" },
		{ LW_KEY_PGDN, "PgDn" }, { LW_KEY_HOME, "Home" },
		{ LW_KEY_END, "End" }, { LW_KEY_BTAB, "S-Tab" },
		{ LW_KEY_ENTER, "KpEnter" }, { 127, "Bksp" }, { 31, "^/" },
		{ '/', "/" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].key == key) {
			snprintf(buf, size, "%s", names[i].name);
			return buf;
		}
	if (key > 0 && key < 27)
		snprintf(buf, size, "^%c", 'A' + key - 1);
	else
		lw_key_name(key, buf, size);
	return buf;
}

void lw_vm_keys_of(const struct lw_vm *vm, int action, size_t max,
		   struct lw_strbuf *out)
{
	size_t i, n = 0;
	char buf[32];

	lw_strbuf_reset(out);
	lw_strbuf_add(out, "", 0);
	for (i = 0; i < vm->nbinds && n < max; i++) {
		/* Ctrl-J is Enter's twin: not worth a mention. */
		if (vm->binds[i].action != action || vm->binds[i].key == '\n' ||
		    vm->binds[i].key == LW_KEY_ENTER)
			continue;
		lw_strbuf_addf(out, "%s%s", n++ ? ", " : "",
			       short_name(vm->binds[i].key, buf, sizeof(buf)));
	}
}

void lw_vm_keyhelp(struct lw_vm *vm, int width, struct lw_strbuf *out)
{
	static const struct {
		int action, pane; /* pane: -1 any */
		const char *word;
	} items[] = {
		{ LW_ACT_QUIT, -1, "quit" }, { LW_ACT_HELP, -1, "help" },
		/* diff --browse only */
		{ LW_ACT_CHANGE_ONLY, -1, "changed" },
		{ LW_ACT_NEXT_PANE, -1, "pane" }, { LW_ACT_OPEN, -1, "open" },
		{ LW_ACT_FILTER, -1, "filter" }, { LW_ACT_CAUSE, -1, "cause" },
		{ LW_ACT_COMPARE_ALL, LW_VM_LAYERS, "image" },
		{ LW_ACT_COMPARE_LAYER, LW_VM_LAYERS, "layer" },
		{ LW_ACT_ADDED, LW_VM_TREE, "added" },
		{ LW_ACT_REMOVED, LW_VM_TREE, "removed" },
		{ LW_ACT_MODIFIED, LW_VM_TREE, "modified" },
		{ LW_ACT_UNMODIFIED, LW_VM_TREE, "unmodified" },
		{ LW_ACT_ATTRS, LW_VM_TREE, "attrs" },
		{ LW_ACT_SORT, -1, "sort" }, { LW_ACT_WASTED, -1, "wasted" },
		{ LW_ACT_IMAGE_VIEW, -1, "layer/image" },
	};
	struct lw_strbuf k = LW_STRBUF_INIT;
	struct lwv_line l;
	size_t i;

	lwv_line_start(&l, out, width);
	for (i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		int need;

		if ((items[i].pane >= 0 && items[i].pane != vm->pane) ||
		    (items[i].action == LW_ACT_CHANGE_ONLY && !vm->cmp))
			continue;
		lw_vm_keys_of(vm, items[i].action, 1, &k);
		if (!k.len)
			continue;
		/* Whole items only: the line is never cut mid-word. */
		need = lwv_cols(k.buf) + 1 + (int)strlen(items[i].word) +
			(l.cols ? 1 : 0);
		if (need > lwv_line_room(&l))
			break;
		lwv_line_addf(&l, "%s%s:%s", l.cols ? " " : "", k.buf,
			      items[i].word);
	}
	lw_strbuf_release(&k);
}

struct lw_strbuf *lwv_overlay_line(struct lw_vm *vm)
{
	struct lw_strbuf *sb;
	size_t old = vm->capolines;

	if (vm->nolines >= vm->capolines) {
		lw_grow((void **)&vm->olines, &vm->capolines, vm->nolines + 1,
			sizeof(*vm->olines));
		for (; old < vm->capolines; old++)
			lw_strbuf_init(&vm->olines[old]);
	}
	sb = &vm->olines[vm->nolines++];
	lw_strbuf_reset(sb);
	lw_strbuf_add(sb, "", 0);
	return sb;
}

void lwv_help_lines(struct lw_vm *vm, int width)
{
	struct lw_strbuf k = LW_STRBUF_INIT, k2 = LW_STRBUF_INIT;
	struct lwv_line l;
	size_t i;

	lwv_line_start(&l, lwv_overlay_line(vm), width);
	lwv_line_addf(&l, "%-21s %-30s %s", "Keys", "", "dive");
	lwv_line_start(&l, lwv_overlay_line(vm), width);
	for (i = 0; i < sizeof(help) / sizeof(help[0]); i++) {
		if (!help[i].what ||
		    (help[i].action == LW_ACT_CHANGE_ONLY && !vm->cmp))
			continue;
		lw_vm_keys_of(vm, help[i].action, 2, &k);
		/* A pair of actions on one line: "Up, k / Down, j". */
		if (i + 1 < sizeof(help) / sizeof(help[0]) &&
		    !help[i + 1].what) {
			lw_vm_keys_of(vm, help[i + 1].action, 2, &k2);
			lw_strbuf_addf(&k, " / %s", k2.buf);
		}
		lwv_line_start(&l, lwv_overlay_line(vm), width);
		lwv_line_addf(&l, "  %-19s %-30s %s", k.len ? k.buf : "-",
			      help[i].what, help[i].dive);
	}
	lwv_line_start(&l, lwv_overlay_line(vm), width);
	lwv_line_start(&l, lwv_overlay_line(vm), width);
	lwv_line_add(&l, "Marks: + added  - removed  ~ modified");
	lwv_line_start(&l, lwv_overlay_line(vm), width);
	lwv_line_add(&l, "       = same bytes, new owner/mode/mtime");
	lwv_line_start(&l, lwv_overlay_line(vm), width);
	lwv_line_add(&l, "Kinds: U chown  M chmod  B chown+chmod  T touch");
	lwv_line_start(&l, lwv_overlay_line(vm), width);
	lwv_line_add(&l, "       O overwrite  D delete");
	if (vm->cmp) {
		lwv_line_start(&l, lwv_overlay_line(vm), width);
		lwv_line_add(&l, "Diff:  * added by the change  "
			     "# changed by it");
		lwv_line_start(&l, lwv_overlay_line(vm), width);
		lwv_line_add(&l, "       layers: + new  = shared with the old");
	}
	lwv_line_start(&l, lwv_overlay_line(vm), width);
	lwv_line_start(&l, lwv_overlay_line(vm), width);
	lwv_line_add(&l, "Any key closes this help.");
	lw_strbuf_release(&k);
	lw_strbuf_release(&k2);
}
