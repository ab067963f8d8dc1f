/*
** cache.c -- a small answer cache for the server's read-only JSON routes
** (search, histogram, quotes, entities, stats). The archive changes only
** when an ingest runs, while the same queries come back again and again (a
** page shows a search, then its chart; users page back and forth), so an
** answer is kept for `ttl` seconds and served again without touching SQLite.
** During an ingest, answers can thus be up to `ttl` seconds old (docs/api.md).
**
** An expired answer is refreshed by the first request that meets it, while
** the requests that come meanwhile still get the old answer (for up to
** STALE_TTLS times ttl), so that answers expiring do not send every
** connection to SQLite at once. Least recently used entries go first once
** the cache holds more than max_bytes. One mutex guards it all: a
** lookup is a hash and a memcmp, far cheaper than the query it saves.
*/
#include "cache.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NBUCKETS 4096
#define STALE_TTLS 6

typedef struct entry {
    struct entry *hnext;        /* hash chain */
    struct entry *prev, *next;  /* LRU list, most recent first */
    uint64_t hash;
    double expires;
    int refreshing;             /* a request is computing the new answer */
    size_t klen, n;
    char *body;
    char key[];
} entry;

struct srv_cache {
    pthread_mutex_t mu;
    entry *bucket[NBUCKETS];
    entry *head, *tail;
    size_t bytes, max_bytes;
    double ttl;
};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static uint64_t fnv1a(const char *p, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
    return h;
}

srv_cache *srv_cache_new(size_t max_bytes, unsigned ttl) {
    if (!ttl || !max_bytes) return NULL;
    srv_cache *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    pthread_mutex_init(&c->mu, NULL);
    c->max_bytes = max_bytes;
    c->ttl = ttl;
    return c;
}

static void unlink_entry(srv_cache *c, entry *e) {
    entry **pp = &c->bucket[e->hash % NBUCKETS];
    while (*pp != e) pp = &(*pp)->hnext;
    *pp = e->hnext;
    if (e->prev) e->prev->next = e->next; else c->head = e->next;
    if (e->next) e->next->prev = e->prev; else c->tail = e->prev;
    c->bytes -= e->klen + e->n + sizeof *e;
    free(e->body);
    free(e);
}

void srv_cache_free(srv_cache *c) {
    if (!c) return;
    while (c->head) unlink_entry(c, c->head);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

char *srv_cache_get(srv_cache *c, const char *key, size_t klen, size_t *n) {
    if (!c) return NULL;
    uint64_t h = fnv1a(key, klen);
    char *copy = NULL;
    pthread_mutex_lock(&c->mu);
    for (entry *e = c->bucket[h % NBUCKETS]; e; e = e->hnext) {
        if (e->hash != h || e->klen != klen || memcmp(e->key, key, klen)) continue;
        double t = now();
        if (t > e->expires + (STALE_TTLS - 1) * c->ttl) {
            unlink_entry(c, e);
            break;
        }
        if (t > e->expires && !e->refreshing) {
            e->refreshing = 1; /* this caller computes the answer anew */
            break;
        }
        if ((copy = malloc(e->n ? e->n : 1))) {
            memcpy(copy, e->body, e->n);
            *n = e->n;
        }
        if (e != c->head) { /* move to the front */
            e->prev->next = e->next;
            if (e->next) e->next->prev = e->prev; else c->tail = e->prev;
            e->prev = NULL;
            e->next = c->head;
            c->head->prev = e;
            c->head = e;
        }
        break;
    }
    pthread_mutex_unlock(&c->mu);
    return copy;
}

void srv_cache_put(srv_cache *c, const char *key, size_t klen, const char *body, size_t n) {
    if (!c) return;
    size_t cost = klen + n + sizeof(entry);
    if (cost > c->max_bytes / 8) return; /* one answer may not crowd out the rest */
    entry *e = malloc(sizeof *e + klen);
    char *b = malloc(n ? n : 1);
    if (!e || !b) {
        free(e);
        free(b);
        return;
    }
    memcpy(e->key, key, klen);
    memcpy(b, body, n);
    e->klen = klen;
    e->n = n;
    e->body = b;
    e->hash = fnv1a(key, klen);
    e->expires = now() + c->ttl;
    e->refreshing = 0;
    pthread_mutex_lock(&c->mu);
    for (entry *o = c->bucket[e->hash % NBUCKETS]; o; o = o->hnext)
        if (o->hash == e->hash && o->klen == klen && !memcmp(o->key, key, klen)) {
            unlink_entry(c, o); /* another thread answered the same meanwhile */
            break;
        }
    while (c->tail && c->bytes + cost > c->max_bytes) unlink_entry(c, c->tail);
    e->hnext = c->bucket[e->hash % NBUCKETS];
    c->bucket[e->hash % NBUCKETS] = e;
    e->prev = NULL;
    e->next = c->head;
    if (c->head) c->head->prev = e; else c->tail = e;
    c->head = e;
    c->bytes += cost;
    pthread_mutex_unlock(&c->mu);
}
