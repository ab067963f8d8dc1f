/*
** Arena allocation. See arena.h.
*/
#include "core/arena.h"

#include <stdlib.h>
#include <string.h>

struct kb_arena_block {
    kb_arena_block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

void kb__arena_init(kb_arena *a, size_t max) {
    a->head = NULL;
    a->used_total = 0;
    a->max = max ? max : ((size_t)256 << 20);
}

void kb__arena_free(kb_arena *a) {
    kb_arena_block *b = a->head;
    while (b) {
        kb_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->used_total = 0;
}

void *kb__arena_alloc(kb_arena *a, size_t n) {
    n = (n + 15) & ~(size_t)15;
    if (n == 0) n = 16;
    if (n > a->max || a->used_total > a->max - n) return NULL;
    kb_arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t size = b ? b->size * 2 : 4096;
        if (size > ((size_t)1 << 20)) size = (size_t)1 << 20;
        if (size < n) size = n;
        kb_arena_block *nb = malloc(sizeof *nb + size);
        if (!nb) return NULL;
        nb->size = size;
        nb->used = 0;
        /* A block made just for one large allocation goes behind the head,
        ** so the head's free space is not wasted. */
        if (b && size == n && b->size - b->used > 256) {
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += n;
    a->used_total += n;
    return p;
}

void *kb__arena_calloc(kb_arena *a, size_t n) {
    void *p = kb__arena_alloc(a, n);
    if (p) memset(p, 0, n);
    return p;
}

char *kb__arena_strndup(kb_arena *a, const char *p, size_t n) {
    char *d = kb__arena_alloc(a, n + 1);
    if (!d) return NULL;
    if (n) memcpy(d, p, n);
    d[n] = 0;
    return d;
}
