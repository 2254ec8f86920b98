/* The browser's view model: everything the interactive browser shows and
 * every key action, with no curses in it (ncdu's dirlist.c split), so that
 * tests drive it without a terminal.
 *
 * Three panes: the layers; the waste of the selected layer grouped by
 * cause, with the suggested fix; and a file tree, of the selected layer or
 * of the whole image (toggle with 'a').
 *
 * Trees are built lazily: a view's nodes are made when the view is first
 * shown (one sort of its entries, then O(entries) for the directory ranges
 * and rolled-up sizes); a directory's children are listed only when it is
 * open. The result is borrowed and only read; it and everything it points
 * to must outlive the model.
 *
 * Row text is plain UTF-8, already escaped (names from the archive go
 * through lw_escape) and cut to the width asked for, in terminal columns. */
#ifndef LAYERWASTE_VIEWMODEL_H
#define LAYERWASTE_VIEWMODEL_H

#include <stddef.h>
#include <stdint.h>

#include "layerwaste/attrib.h"
#include "layerwaste/compare.h"
#include "layerwaste/engine.h"
#include "layerwaste/judge.h"
#include "layerwaste/render.h"
#include "layerwaste/util.h"

enum lw_vm_pane {
	LW_VM_LAYERS = 0,
	LW_VM_CAUSES,
	LW_VM_TREE,
	LW_VM_NPANES
};

enum lw_vm_view {
	LW_VM_VIEW_LAYER = 0, /* the entries of the selected layer */
	LW_VM_VIEW_IMAGE,     /* the final image plus its hidden copies */
};

enum lw_vm_sort {
	LW_VM_SORT_SIZE = 0, /* rolled-up size, largest first */
	LW_VM_SORT_NAME,
};

/* Keys that lw_vm_key understands besides characters (judge.h's codes:
 * the config names them). */
enum {
	LW_VM_K_UP = LW_KEY_UP,
	LW_VM_K_DOWN = LW_KEY_DOWN,
	LW_VM_K_LEFT = LW_KEY_LEFT,
	LW_VM_K_RIGHT = LW_KEY_RIGHT,
	LW_VM_K_PGUP = LW_KEY_PGUP,
	LW_VM_K_PGDN = LW_KEY_PGDN,
	LW_VM_K_HOME = LW_KEY_HOME,
	LW_VM_K_END = LW_KEY_END,
	LW_VM_K_TAB = '\t',
	LW_VM_K_BTAB = LW_KEY_BTAB,
	LW_VM_K_ENTER = LW_KEY_ENTER,
};

/* What a path is relative to the layer below (layer view) or to the
 * first layer (image view), as dive marks its tree; META is what dive
 * cannot tell: the same bytes stored again for a new owner, mode or
 * mtime. */
enum lw_vm_diff {
	LW_VM_DIFF_UNMOD = 0,
	LW_VM_DIFF_ADDED,
	LW_VM_DIFF_REMOVED,
	LW_VM_DIFF_MODIFIED,
	LW_VM_DIFF_META,
	LW_VM_DIFF_COUNT
};

#define LW_VM_NONE UINT32_MAX
/* A filter or 'w' that leaves at most this many nodes opens them all. */
#define LW_VM_AUTO_OPEN 2000
/* A view of at most this many nodes starts with every directory open. */
#define LW_VM_SMALL_TREE 200
#define LW_VM_FILTER_MAX 256

enum {
	LW_VM_N_HIDDEN = 1 << 0,   /* not in the final image (image view);
				      a lower file this layer hides (layer) */
	LW_VM_N_SYNTH = 1 << 1,    /* directory implied by a path under it */
	LW_VM_N_OPEN = 1 << 2,     /* its children are listed */
	LW_VM_N_PASS = 1 << 3,     /* matches the filter and 'w' */
	LW_VM_N_KEEP = 1 << 4,     /* PASS, or holds a PASS node */
	LW_VM_N_WHITEOUT = 1 << 5, /* a whiteout of this layer (layer view) */
	LW_VM_N_VISIBLE = 1 << 6,  /* in the final image (image view) */
	LW_VM_N_KIDS = 1 << 7,     /* has a KEEP child */
	LW_VM_N_BELOW = 1 << 8,    /* an untouched file of the layers below
				      (layer view, unmodified shown) */
};

/* One path of a view. nodes[0] is the root (path ""), never shown. */
struct lw_vm_node {
	const char *path;   /* borrowed: index arena or the tree's arena */
	uint64_t size;      /* bytes stored at this path (see docs) */
	uint64_t waste;     /* wasted bytes at this path */
	uint64_t sum_size;  /* rolled up over the PASS nodes of the subtree */
	uint64_t sum_waste;
	uint32_t end;       /* one past the last node of its subtree */
	uint32_t parent;    /* LW_VM_NONE for the root */
	uint32_t layer;     /* the entry shown: layer and index in it, */
	uint32_t entry;     /* or LW_VM_NONE */
	uint32_t fstart;    /* its findings: tree->fidx[fstart..+fcount) */
	uint32_t fcount;
	uint16_t depth;     /* 0 for the root's children */
	uint16_t flags;     /* LW_VM_N_* */
	uint8_t type;       /* enum lw_entry_type; LW_ENTRY_DIR if implied */
	int8_t kind;        /* enum lw_kind shown, or -1 */
	uint8_t diff;       /* enum lw_vm_diff of the path itself */
	uint8_t mark;       /* shown: diff, or MODIFIED for an unmodified
			       directory with changes under it */
};

struct lw_vm_tree {
	int view;              /* enum lw_vm_view */
	uint32_t layer;        /* for LW_VM_VIEW_LAYER */
	struct lw_vm_node *nodes; /* owned, in tree order (lw_path_cmp) */
	size_t n;
	uint32_t *fidx;        /* owned: indices into an->findings */
	size_t nfidx;
	struct lw_arena arena; /* paths of implied directories */
	uint32_t *rows;        /* owned: node of each shown row */
	size_t nrows, caprows;
	size_t nkeep;          /* KEEP nodes, the root excluded */
	size_t cursor, scroll;
	int stale;             /* filter, 'w' or sort changed: redo rows */
	int below;             /* built with the unmodified files below */
};

/* A row of the causes pane: a group header, its fix, or one finding. */
struct lw_vm_crow {
	uint32_t group;  /* index into an->groups */
	int32_t finding; /* index into an->findings; -1 header, -2 fix,
			    -3 the files folded, -4 an install step */
	uint32_t step;   /* -4: index into lw_vm.chain.steps; a file of the
			    chain: index into lw_vm.chain.files */
	int chain;       /* a row of the package database's one cause
			    (lw_vm.chain); group is its first member */
};

enum {
	LW_VM_R_CURSOR = 1 << 0, /* the row under the pane's cursor */
	LW_VM_R_DIR = 1 << 1,
	LW_VM_R_HIDDEN = 1 << 2, /* not in the final image */
	LW_VM_R_WASTE = 1 << 3,  /* has waste */
	LW_VM_R_FIX = 1 << 4,    /* a suggested fix */
	LW_VM_R_HEADER = 1 << 5, /* a cause */
	LW_VM_R_STEP = 1 << 6,   /* an install step of the package
				    database's cause */
};

/* Where each part of the screen goes (lw_vm_layout): rows y..y+h-1,
 * columns x..x+w-1; h == 0 when the part is not shown. */
struct lw_vm_box {
	int y, x, h, w;
};

enum { LW_VM_LDETAILS = LW_VM_NPANES }; /* the layer details box */

struct lw_vm_layout {
	int too_small;                /* only lw_vm_too_small's lines */
	struct lw_vm_box header, keys, details;
	struct lw_vm_box title[LW_VM_NPANES + 1]; /* panes + LDETAILS */
	struct lw_vm_box pane[LW_VM_NPANES + 1];
	struct lw_vm_box vsep[2];     /* vertical separators, w == 1 */
};

/* The smallest screen the browser draws on. */
#define LW_VM_MIN_COLS 40
#define LW_VM_MIN_LINES 12

struct lw_vm_row {
	struct lw_strbuf text; /* owned by the model */
	int cols;      /* columns the text takes, <= the width asked */
	int kind;      /* enum lw_kind of the row, -1 none */
	int kind_col;  /* column of the kind letter, -1 none */
	int diff;      /* enum lw_vm_diff marked in column 1, -1 none */
	int flags;     /* LW_VM_R_* */
	int change;    /* enum lw_vm_change marked at change_col */
	int change_col; /* -1 none */
};

/* What `layerwaste diff OLD NEW --browse` says of a path or a layer of
 * NEW: a file the comparison lists as added or changed; a layer with
 * the same diff_id in OLD (shared) or not (new). */
enum lw_vm_change {
	LW_VM_CHANGE_NONE = 0,
	LW_VM_CHANGE_ADDED,   /* file: not in OLD */
	LW_VM_CHANGE_CHANGED, /* file: another size or content than in OLD */
	LW_VM_CHANGE_SHARED,  /* layer: the same diff_id in OLD */
	LW_VM_CHANGE_NEW,     /* layer: not in OLD */
};

/* A file the comparison lists as added or changed, by path. */
struct lw_vm_cfile {
	const char *path; /* borrowed from the comparison */
	uint32_t layer;   /* NEW's layer whose entry is visible, or
			     LW_VM_NONE when not known */
	int change;       /* LW_VM_CHANGE_ADDED or _CHANGED */
};

struct lw_vm {
	const struct lw_result *result; /* borrowed */
	const struct lw_analysis *an;   /* result->analysis */
	int pane;        /* enum lw_vm_pane with the focus */
	int view;        /* enum lw_vm_view */
	int sort;        /* enum lw_vm_sort */
	int wasted_only; /* 'w' */
	int help;        /* the help overlay is shown */
	int why;         /* the cause overlay is shown */
	int attrs;       /* file attributes in the tree (Ctrl-B) */
	unsigned hide[2]; /* per view: 1 << enum lw_vm_diff not listed */
	char filter[LW_VM_FILTER_MAX]; /* "" when none */
	uint32_t layer;  /* the selected layer (cursor of the layers pane) */
	size_t cursor[LW_VM_NPANES]; /* layers and causes; the tree's is in */
	size_t scroll[LW_VM_NPANES]; /* its lw_vm_tree */
	int height[LW_VM_NPANES];    /* rows shown, for paging */
	/* Every path of the image in tree order, ranked as the engine did
	 * (lw_entry.path_id), and one past each path's subtree. */
	const char **paths; /* owned array of strings of path_strs */
	uint32_t *pend;
	size_t npaths;
	struct lw_arena path_strs; /* paths, and whiteouts' paths */
	/* The causes pane of the selected layer. */
	struct lw_vm_crow *crows;
	size_t ncrows, capcrows;
	uint8_t *gopen; /* per group: its files are listed */
	struct lw_vm_tree *ltree; /* of the selected layer, NULL until shown */
	struct lw_vm_tree *itree; /* of the image, NULL until shown */
	struct lw_vm_row *rows;   /* returned by lw_vm_rows */
	size_t caprows;
	struct lw_strbuf scratch;
	/* Per layer: bytes of the findings it made, and of its files a
	 * later layer overwrote or deleted. */
	uint64_t *made, *suffered;
	/* Key bindings: the config's first, then the defaults of the
	 * actions it leaves alone. */
	struct lw_vm_bind {
		int key, action, scope;
	} *binds;
	size_t nbinds;
	/* Lines of the overlays (help, cause), remade on each call. */
	struct lw_strbuf *olines;
	size_t nolines, capolines;
	/* diff --browse: the comparison (borrowed, NULL otherwise), the
	 * files it lists as added or changed (sorted by lw_path_cmp), each
	 * layer's change, and 'n' (only what the change added). */
	const struct lw_comparison *cmp;
	struct lw_vm_cfile *cfiles;
	size_t ncfiles;
	uint8_t *lchange;
	int change_only;
	/* The package-db causes as one (attrib.h), when there is churn
	 * with its merge. */
	struct lw_pkgdb_chain chain;
	int has_chain;
};

/* Makes a model of r (borrowed; must outlive it). Selects the layer that
 * made the largest cause of waste, focuses the layers pane. Returns the
 * model, owned by the caller (free with lw_vm_free). Aborts on OOM. */
struct lw_vm *lw_vm_new(const struct lw_result *r);
void lw_vm_free(struct lw_vm *vm);

/* The tree now shown, built on first use; never NULL. Borrowed. */
struct lw_vm_tree *lw_vm_tree(struct lw_vm *vm);

/* Rows of a pane from its scroll offset: at most height rows, each cut to
 * width columns. Also records height for paging and scrolls so that the
 * cursor is shown. Returns the rows (borrowed, valid until the next call
 * that takes vm) and their number in *n. */
const struct lw_vm_row *lw_vm_rows(struct lw_vm *vm, int pane, int height,
				   int width, size_t *n);
/* Number of rows a pane has in all (for the cursor's bounds). */
size_t lw_vm_nrows(struct lw_vm *vm, int pane);
/* Cursor and scroll offset of a pane. */
size_t lw_vm_cursor(struct lw_vm *vm, int pane);
size_t lw_vm_scroll(struct lw_vm *vm, int pane);

/* One-line texts, escaped and cut to width, written into out (reset
 * first): the title of a pane, the header of the screen, the details of
 * the row under the focused pane's cursor, and the key help. */
void lw_vm_title(struct lw_vm *vm, int pane, int width, struct lw_strbuf *out);
void lw_vm_header(struct lw_vm *vm, int width, struct lw_strbuf *out);
void lw_vm_details(struct lw_vm *vm, int width, struct lw_strbuf *out);
void lw_vm_keyhelp(struct lw_vm *vm, int width, struct lw_strbuf *out);
/* The overlay shown (help or cause) as lines of at most width columns,
 * escaped: *n lines, borrowed until the next call. NULL when none. */
const struct lw_strbuf *lw_vm_overlay(struct lw_vm *vm, int width,
				      size_t *n);
/* Line i (0-based) of the layer details box, h lines tall. */
void lw_vm_layer_details(struct lw_vm *vm, int i, int h, int width,
			 struct lw_strbuf *out);
/* Where everything goes on a screen of cols x lines. */
void lw_vm_layout(const struct lw_vm *vm, int cols, int lines,
		  struct lw_vm_layout *lo);
/* The "terminal too small" message as lines that fit cols x lines
 * (written into out, one line each, at most lines of them; fewer words
 * when small). Returns the number of lines. */
size_t lw_vm_too_small(int cols, int lines, struct lw_strbuf *out,
		       size_t max);

/* Replaces the key bindings of the actions that binds names (borrowed,
 * n of them, from the config) and keeps the defaults of the others. */
void lw_vm_set_keys(struct lw_vm *vm, const struct lw_key_binding *binds,
		    size_t n);
/* The keys of an action as "ctrl+a, a" (the first max of them). */
void lw_vm_keys_of(const struct lw_vm *vm, int action, size_t max,
		   struct lw_strbuf *out);

/* Key actions. Each returns 1 when something changed, 0 otherwise. */
int lw_vm_move(struct lw_vm *vm, long delta);  /* up (<0) and down */
int lw_vm_page(struct lw_vm *vm, int dir);     /* -1 up, 1 down */
int lw_vm_home(struct lw_vm *vm);
int lw_vm_end(struct lw_vm *vm);
int lw_vm_focus(struct lw_vm *vm, int pane);
int lw_vm_next_pane(struct lw_vm *vm, int dir); /* Tab: 1, back-tab: -1 */
int lw_vm_left(struct lw_vm *vm);   /* fold, or go to the parent */
int lw_vm_right(struct lw_vm *vm);  /* unfold, or go to the first child */
/* Enter/Space: fold or unfold a directory (tree); list or hide a cause's
 * files, or show a finding in the tree (causes); show a layer's files
 * (layers). */
int lw_vm_activate(struct lw_vm *vm);
int lw_vm_select_layer(struct lw_vm *vm, uint32_t layer);
/* Keeps the paths that contain s (borrowed; "" clears). */
int lw_vm_set_filter(struct lw_vm *vm, const char *s);
int lw_vm_toggle_sort(struct lw_vm *vm);
int lw_vm_toggle_wasted(struct lw_vm *vm);
int lw_vm_toggle_view(struct lw_vm *vm);
int lw_vm_toggle_help(struct lw_vm *vm);
/* Shows or hides the paths of one enum lw_vm_diff in the tree shown
 * (ADDED, REMOVED, MODIFIED with META, UNMOD). */
int lw_vm_toggle_diff(struct lw_vm *vm, int diff);
int lw_vm_toggle_attrs(struct lw_vm *vm);
/* Folds every directory when one is open, else opens them all. */
int lw_vm_toggle_collapse_all(struct lw_vm *vm);
/* The cause and fix of the waste at the cursor, as an overlay. */
int lw_vm_show_cause(struct lw_vm *vm);
/* Marks what c (borrowed; its new_ side is this model's image and it
 * must outlive the model) says the change added: each layer shared or
 * new, the files it lists as added or changed. Opens the image view
 * when the comparison knows the files. Call before the first draw. */
void lw_vm_set_comparison(struct lw_vm *vm, const struct lw_comparison *c);
/* Shows only the files the comparison lists as added or changed (and
 * the directories that hold them), or everything again. 0 without a
 * comparison. */
int lw_vm_toggle_change_only(struct lw_vm *vm);
/* The change of a node of tree t: LW_VM_CHANGE_ADDED, _CHANGED or
 * _NONE. */
int lw_vm_node_change(const struct lw_vm *vm, const struct lw_vm_tree *t,
		      const struct lw_vm_node *nd);
/* The mark of a change: '*' added, '#' changed (files), '=' shared,
 * '+' new (layers), ' ' none. */
char lw_vm_change_mark(int change);
/* Runs one action (enum lw_key_action). */
int lw_vm_action(struct lw_vm *vm, int action);
/* Opens the directories above path (normalised, borrowed) in the tree
 * shown and puts the cursor on it. Returns 0, or -1 when the tree has no
 * such path or the filter hides it. */
int lw_vm_reveal(struct lw_vm *vm, const char *path);

#define LW_VM_QUIT (-1)
#define LW_VM_FILTER (-2)
/* Dispatches one key: a character ('j', 'w', ...), a control character
 * (1 for Ctrl-A, 0 for Ctrl-Space) or LW_VM_K_*, through the bindings
 * of the focused pane, then those of every pane. Returns LW_VM_QUIT for
 * quit, LW_VM_FILTER for filter-files (the front end reads the text and
 * calls lw_vm_set_filter), else what the action returned. */
int lw_vm_key(struct lw_vm *vm, int key);

/* The one-character mark of a diff: '+' added, '-' removed,
 * '~' modified, '=' metadata only, ' ' unmodified. */
char lw_vm_diff_mark(int diff);

/* Columns that UTF-8 text takes on the terminal (wcwidth, in the current
 * locale; 1 for a character it does not know). */
int lw_vm_cols(const char *s);

/* The letter of a kind: U chown, M chmod, B chown+chmod, T touch,
 * O overwrite, D delete, ' ' for -1. */
char lw_vm_kind_letter(int kind);

#endif
