#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/util.h"

#define ARENA_BLOCK (64 * 1024)

struct lw_arena_block {
	struct lw_arena_block *next;
	size_t used, size;
	/* Keeps data 8-aligned after the header. */
	uint64_t data[];
};

void lw_arena_init(struct lw_arena *a)
{
	a->head = NULL;
	a->bytes = 0;
}

void *lw_arena_alloc(struct lw_arena *a, size_t n)
{
	struct lw_arena_block *b = a->head;
	size_t need = (n + 7) & ~(size_t)7;
	void *p;

	if (need < n)
		return NULL;
	if (!b || b->size - b->used < need) {
		size_t size = need > ARENA_BLOCK / 4 ? need : ARENA_BLOCK;

		b = malloc(sizeof(*b) + size);
		if (!b)
			return NULL;
		b->size = size;
		b->used = 0;
		a->bytes += sizeof(*b) + size;
		if (size == need && a->head) {
			/* A large one-off: keep the current block for the
			 * small allocations that follow. */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	p = (char *)b->data + b->used;
	b->used += need;
	return p;
}

char *lw_arena_strndup(struct lw_arena *a, const char *s, size_t len)
{
	char *p = lw_arena_alloc(a, len + 1);

	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void lw_arena_release(struct lw_arena *a)
{
	struct lw_arena_block *b = a->head;

	while (b) {
		struct lw_arena_block *next = b->next;

		free(b);
		b = next;
	}
	a->head = NULL;
	a->bytes = 0;
}
