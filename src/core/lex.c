/*
** Lexicon loading and lookup. See lex.h.
*/
#include "core/lex.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "khabar.h"

typedef struct lex_entry {
    char *key;
    size_t kn;
    const char *val; /* points into the embedded data */
    size_t vn;
} lex_entry;

struct kb_lex {
    char name[64];
    unsigned flags;
    lex_entry *e;
    size_t n;
    /* Hash table: 1 + the entry's index in the low 32 bits, the high 32
    ** bits of the key's hash above (a probe rarely reads a wrong entry's
    ** key); 0 = empty. */
    uint64_t *slot;
    size_t nslot; /* power of two */
};

#define LEX_MAX 64
static kb_lex *g_lex[LEX_MAX];
static size_t g_nlex;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static kb_lex g_empty;

static void lex_build(kb_lex *lx, const unsigned char *data, size_t n) {
    size_t cap = 0;
    const char *p = (const char *)data, *end = p + n;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        const char *line = p;
        size_t ln = (size_t)(eol - p);
        p = eol + 1;
        if (ln && line[ln - 1] == '\r') ln--;
        if (ln == 0 || line[0] == '#') continue;
        const char *tab = memchr(line, '\t', ln);
        size_t kn = tab ? (size_t)(tab - line) : ln;
        while (kn && line[kn - 1] == ' ') kn--;
        if (kn == 0) continue;
        if (lx->n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            lex_entry *e = realloc(lx->e, nc * sizeof *e);
            if (!e) return;
            lx->e = e;
            cap = nc;
        }
        char *key = malloc(KB_NORMALIZE_BOUND(kn) + 1);
        if (!key) return;
        size_t nk = kb_normalize_into(line, kn, lx->flags, key);
        key[nk] = 0;
        lex_entry *e = &lx->e[lx->n++];
        e->key = key;
        e->kn = nk;
        e->val = tab ? tab + 1 : line + ln;
        e->vn = tab ? (size_t)(line + ln - (tab + 1)) : 0;
    }
    size_t ns = 16;
    while (ns < lx->n * 2) ns *= 2;
    if (lx->n > UINT32_MAX - 1) lx->n = UINT32_MAX - 1;
    lx->slot = calloc(ns, sizeof *lx->slot);
    if (!lx->slot) { lx->n = 0; return; }
    lx->nslot = ns;
    for (size_t i = 0; i < lx->n; i++) {
        uint64_t hv = kb__lex_hash(lx->e[i].key, lx->e[i].kn);
        size_t h = (size_t)hv & (ns - 1);
        for (;;) {
            uint64_t s = lx->slot[h];
            if (!s) { lx->slot[h] = (hv >> 32) << 32 | (uint64_t)(i + 1); break; }
            /* First entry wins for duplicate keys. */
            const lex_entry *o = &lx->e[(uint32_t)s - 1];
            if (o->kn == lx->e[i].kn && !memcmp(o->key, lx->e[i].key, lx->e[i].kn)) break;
            h = (h + 1) & (ns - 1);
        }
    }
}

const kb_lex *kb__lex_get(const char *name, unsigned norm_flags) {
    pthread_mutex_lock(&g_mu);
    for (size_t i = 0; i < g_nlex; i++) {
        if (g_lex[i]->flags == norm_flags && !strcmp(g_lex[i]->name, name)) {
            kb_lex *lx = g_lex[i];
            pthread_mutex_unlock(&g_mu);
            return lx;
        }
    }
    kb_lex *lx = NULL;
    size_t n;
    const unsigned char *data = kb__data_find(name, &n);
    if (data && g_nlex < LEX_MAX && strlen(name) < sizeof lx->name && (lx = calloc(1, sizeof *lx))) {
        strcpy(lx->name, name);
        lx->flags = norm_flags;
        lex_build(lx, data, n);
        g_lex[g_nlex++] = lx;
    }
    pthread_mutex_unlock(&g_mu);
    return lx ? lx : &g_empty;
}

const char *kb__lex_find(const kb_lex *lx, const char *p, size_t n, size_t *vn) {
    return lx->nslot ? kb__lex_find_h(lx, p, n, kb__lex_hash(p, n), vn) : NULL;
}

const char *kb__lex_find_h(const kb_lex *lx, const char *p, size_t n, uint64_t hv, size_t *vn) {
    if (!lx->nslot) return NULL;
    size_t h = (size_t)hv & (lx->nslot - 1);
    for (;;) {
        uint64_t s = lx->slot[h];
        if (!s) return NULL;
        if (s >> 32 == hv >> 32) {
            const lex_entry *e = &lx->e[(uint32_t)s - 1];
            if (e->kn == n && !memcmp(e->key, p, n)) {
                if (vn) *vn = e->vn;
                return e->val;
            }
        }
        h = (h + 1) & (lx->nslot - 1);
    }
}

size_t kb__lex_size(const kb_lex *lx) { return lx->nslot ? lx->n : 0; }

const char *kb__lex_key(const kb_lex *lx, size_t i, size_t *kn) {
    *kn = lx->e[i].kn;
    return lx->e[i].key;
}

const char *kb__lex_value(const kb_lex *lx, size_t i, size_t *vn) {
    *vn = lx->e[i].vn;
    return lx->e[i].val;
}
