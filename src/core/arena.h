/*
** kb_arena: one bump allocator per document (after zstd's workspace). Nodes,
** strings and arrays of one article are allocated here and released in one
** call. Allocation fails cleanly (NULL) past the arena's maximum size.
*/
#ifndef KB_CORE_ARENA_H
#define KB_CORE_ARENA_H

#include <stddef.h>

typedef struct kb_arena_block kb_arena_block;
typedef struct kb_arena {
    kb_arena_block *head;
    size_t used_total; /* bytes handed out so far */
    size_t max;        /* hard limit; 0 = 256 MiB */
} kb_arena;

void kb__arena_init(kb_arena *a, size_t max);
void kb__arena_free(kb_arena *a);
void *kb__arena_alloc(kb_arena *a, size_t n);          /* 16-byte aligned, uninitialised */
void *kb__arena_calloc(kb_arena *a, size_t n);
char *kb__arena_strndup(kb_arena *a, const char *p, size_t n); /* NUL-terminated copy */

#endif
