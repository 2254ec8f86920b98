/* Shared by the view model's files only: not part of its interface
 * (viewmodel.h). Each file uses only those before it:
 *   vm_tree.c     the trees of a layer and of the image, built
 *   vm_text.c     the line builder and the words of layers and causes
 *   vm_compare.c  what a comparison marks (diff --browse)
 *   vm_keys.c     the key map: defaults, the config's, the help
 *   vm_panes.c    the layers and causes panes' rows
 *   vm_rows.c     the file tree's rows, and the tree of the view as
 *                 the state asks for it (lw_vm_tree)
 *   vm_layout.c   the panes' sizes
 *   viewmodel.c   the state and the actions, and keys to actions
 *   vm_details.c  the details line and the overlays */
#ifndef LAYERWASTE_VM_PRIV_H
#define LAYERWASTE_VM_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "viewmodel.h"

/* Ranks every path of the image as the engine did (lw_entry.path_id) and
 * computes each path's subtree end. */
void lwv_paths_init(struct lw_vm *vm);

/* Builds the tree of a view (layer: the given layer). Returned owned;
 * free with lwv_tree_free. Its rows are not made until lwv_tree_refresh. */
struct lw_vm_tree *lwv_tree_build(struct lw_vm *vm, int view, uint32_t layer);
void lwv_tree_free(struct lw_vm_tree *t);

/* Applies the filter, 'w' and the sort: PASS/KEEP flags, rolled-up sums,
 * then the rows. O(nodes) plus the sort of each open directory. */
void lwv_tree_refresh(struct lw_vm *vm, struct lw_vm_tree *t);
/* Remakes the rows after a fold or unfold, keeping the cursor on its node
 * (or the nearest shown ancestor). */
void lwv_tree_rows(struct lw_vm *vm, struct lw_vm_tree *t);
/* Index of the node with the given path, or LW_VM_NONE. O(log n). */
uint32_t lwv_tree_find(const struct lw_vm_tree *t, const char *path);
/* Row of a node, or -1 when it is not shown. O(rows). */
long lwv_tree_row_of(const struct lw_vm_tree *t, uint32_t node);
/* The finding that gives a node its kind, or LW_VM_NONE. */
uint32_t lwv_node_finding(const struct lw_vm *vm, const struct lw_vm_tree *t,
			  const struct lw_vm_node *nd);

/* The causes pane rows of the selected layer. */
void lwv_causes_build(struct lw_vm *vm);
/* Index into result->attribution->suggestions of a group's fix, or -1
 * (always -1 without an attribution). */
int lwv_group_fix(const struct lw_vm *vm, size_t group);
/* The same for a row: the chain's merge for its rows. */
int lwv_crow_fix(const struct lw_vm *vm, const struct lw_vm_crow *cr);
/* The package database's one cause (raw): "package database: 3 install
 * steps, 3 rewrites, 12.9 kB (8.6 kB churn; 4.2 kB inherent, not
 * judged)". */
void lwv_chain_text(const struct lw_vm *vm, struct lw_strbuf *out);
/* One install step of it (raw): "layer 3: 4.2 kB inherent (not judged)",
 * "layer 5: 4.3 kB churn". */
void lwv_step_text(const struct lw_vm *vm, size_t step,
		   struct lw_strbuf *out);
/* The member group of the chain that group g stands for: 1 when g is
 * one (the view model's chain). */
int lwv_in_chain(const struct lw_vm *vm, size_t g);

/* A line built in a strbuf, never wider than width columns. */
struct lwv_line {
	struct lw_strbuf *sb; /* borrowed */
	int cols;
	int width;
};

void lwv_line_start(struct lwv_line *l, struct lw_strbuf *sb, int width);
/* Adds trusted text (written by the browser itself), cut to fit. */
void lwv_line_add(struct lwv_line *l, const char *s);
void lwv_line_addf(struct lwv_line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
enum { LWV_CUT_END = 0, LWV_CUT_LEFT = 1, LWV_CUT_MID = 2 };

/* Adds untrusted text through lw_escape, in at most maxcols columns (< 0:
 * the rest of the line); cut with "..." at the end (after a whole word
 * when one ends in the second half), at the start when cut_left is
 * LWV_CUT_LEFT (paths, whose end says most), or in the middle with
 * LWV_CUT_MID (names). */
void lwv_line_esc(struct lwv_line *l, const char *raw, int maxcols,
		  int cut_left);
/* Adds "/" + path, escaped, cut at the start. */
void lwv_line_path(struct lwv_line *l, const char *path, int maxcols);
void lwv_line_pad(struct lwv_line *l, int col);
int lwv_line_room(const struct lwv_line *l);

/* Columns that UTF-8 text s takes on a terminal (wcwidth; 1 for a
 * character the locale does not know). */
int lwv_cols(const char *s);

/* Bytes and columns (*cols) of the UTF-8 character at s, as lw_escape
 * writes them (a byte that starts no character: one byte, one column). */
int lwv_u8_char(const char *s, int *cols);
/* "file", "directory", "symlink", ... for an enum lw_entry_type. */
const char *lwv_type_name(int type);

/* Text of a layer's instruction (raw, not escaped): Dockerfile
 * "file:line text", else keyword and arguments, else history. */
void lwv_layer_instr(const struct lw_vm *vm, size_t layer,
		     struct lw_strbuf *out);
/* What a finding means, one line (raw, not escaped). */
void lwv_finding_text(const struct lw_vm *vm, const struct lw_finding *f,
		      struct lw_strbuf *out);
/* A cause in the text renderer's words: "layer 3: 8.0 kB in 3 files
 * copied from layer 2 only to change owner" (raw). */
void lwv_group_text(const struct lw_vm *vm, const struct lw_group *g,
		    struct lw_strbuf *out);

/* The default key bindings (vm_keys.c). */
void lwv_keys_init(struct lw_vm *vm);
/* The action key has in the pane that has the focus (its own bindings
 * first, then those of every pane), or -1. */
int lwv_key_action(const struct lw_vm *vm, int key);
/* A new, empty line at the end of the overlay's lines. Borrowed. */
struct lw_strbuf *lwv_overlay_line(struct lw_vm *vm);
/* The help overlay's lines, cut to width. */
void lwv_help_lines(struct lw_vm *vm, int width);
/* The cause overlay's lines, wrapped to width (vm_details.c). */
void lwv_why_lines(struct lw_vm *vm, int width);

/* Row texts of each pane into vm->rows; return the row count. */
size_t lwv_rows_layers(struct lw_vm *vm, int height, int width);
size_t lwv_rows_causes(struct lw_vm *vm, int height, int width);
size_t lwv_rows_tree(struct lw_vm *vm, int height, int width);
/* Makes sure vm->rows holds n rows. */
void lwv_rows_reserve(struct lw_vm *vm, size_t n);

#endif
