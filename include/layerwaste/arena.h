/* A bump allocator: many small allocations, freed all at once.
 * One arena per layer index keeps the index O(files) with no per-entry
 * malloc overhead. */
#ifndef LAYERWASTE_ARENA_H
#define LAYERWASTE_ARENA_H

#include <stddef.h>

struct lw_arena_block;

struct lw_arena {
	struct lw_arena_block *head;
	size_t bytes; /* bytes reserved from malloc, for the memory budget */
};

void lw_arena_init(struct lw_arena *a);
/* Returns n bytes aligned to 8, owned by the arena, or NULL on OOM. */
void *lw_arena_alloc(struct lw_arena *a, size_t n);
/* Returns a NUL-terminated copy of s[0..len), owned by the arena. */
char *lw_arena_strndup(struct lw_arena *a, const char *s, size_t len);
void lw_arena_release(struct lw_arena *a);

#endif
