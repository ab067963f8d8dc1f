/*
** cache.h -- the server's answer cache (see cache.c): JSON answers of the
** read-only routes, by request, for a few seconds. Thread-safe. A NULL cache
** (ttl 0) caches nothing; every function accepts it.
*/
#ifndef KB_SERVER_CACHE_H
#define KB_SERVER_CACHE_H

#include <stddef.h>

typedef struct srv_cache srv_cache;

/* NULL when ttl or max_bytes is 0 (no cache) or out of memory. */
srv_cache *srv_cache_new(size_t max_bytes, unsigned ttl);
void srv_cache_free(srv_cache *c);

/* A malloc'd copy of the answer stored for key, or NULL: absent, too old, or
** expired and this caller is the one to compute it anew (and put it). */
char *srv_cache_get(srv_cache *c, const char *key, size_t klen, size_t *n);

/* Store a copy of body[0..n) for key, evicting the least recently used. */
void srv_cache_put(srv_cache *c, const char *key, size_t klen, const char *body, size_t n);

#endif
