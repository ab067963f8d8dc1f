/*
** The in-memory story grouper (dedup.h): the archive's story_bands table
** kept as a hash table, for tests, benchmarks and grouping without an
** archive. It applies kb__sig_decide() exactly as the archive does, so what
** the benchmark measures is what ingest produces.
**
** Layout: an open-addressing table maps a band key to a chain of rows
** (article numbers) in a pool; kb__sig_decide() caps each chain at
** KB_SIG_BUCKET_CAP rows with at most one row per story, so looking up the
** candidates of one article touches at most bands * cap rows.
*/
#include <stdlib.h>
#include <string.h>

#include "dedup/dedup.h"

#define NONE UINT32_MAX
#define MAX_ARTICLES ((size_t)1 << 31)

typedef struct slot {
    uint64_t key;
    uint32_t head; /* first row in the pool, NONE = slot unused */
} slot;

typedef struct row {
    uint32_t article;
    uint32_t next;
} row;

struct kb_grouper {
    double threshold;
    int bands;
    kb_sig *sigs;     /* per article (unused for articles without one) */
    int64_t *stories; /* per article */
    size_t n, cap;
    slot *slots;
    size_t nslots, used; /* nslots is a power of two */
    row *rows;
    size_t nrows, caprows;
    kb_sig_cand *cand; /* bands * KB_SIG_BUCKET_CAP */
    size_t work;
};

int kb__grouper_new(kb_grouper **out, const kb_grouper_opts *opts) {
    *out = NULL;
    int bands = opts && opts->bands ? opts->bands : KB_SIG_BANDS;
    if (bands < 1 || bands > KB_SIG_K || KB_SIG_K % bands) return KB_EINVAL;
    kb_grouper *g = calloc(1, sizeof *g);
    if (!g) return KB_ENOMEM;
    g->threshold = opts && opts->threshold > 0 ? opts->threshold : KB_SIG_THRESHOLD;
    g->bands = bands;
    g->nslots = 1024;
    g->slots = malloc(g->nslots * sizeof *g->slots);
    g->cand = malloc((size_t)bands * KB_SIG_BUCKET_CAP * sizeof *g->cand);
    if (!g->slots || !g->cand) {
        kb__grouper_free(g);
        return KB_ENOMEM;
    }
    for (size_t i = 0; i < g->nslots; i++) g->slots[i].head = NONE;
    *out = g;
    return KB_OK;
}

void kb__grouper_free(kb_grouper *g) {
    if (!g) return;
    free(g->sigs);
    free(g->stories);
    free(g->slots);
    free(g->rows);
    free(g->cand);
    free(g);
}

size_t kb__grouper_count(const kb_grouper *g) { return g->n; }
size_t kb__grouper_work(const kb_grouper *g) { return g->work; }

/* Band keys are already mixed hashes: their low bits index the table. */
static slot *find_slot(slot *slots, size_t nslots, uint64_t key) {
    size_t m = nslots - 1, i = (size_t)key & m;
    while (slots[i].head != NONE && slots[i].key != key) i = (i + 1) & m;
    return &slots[i];
}

static int grow_slots(kb_grouper *g) {
    size_t nn = g->nslots * 2;
    slot *ns = malloc(nn * sizeof *ns);
    if (!ns) return KB_ENOMEM;
    for (size_t i = 0; i < nn; i++) ns[i].head = NONE;
    for (size_t i = 0; i < g->nslots; i++)
        if (g->slots[i].head != NONE) *find_slot(ns, nn, g->slots[i].key) = g->slots[i];
    free(g->slots);
    g->slots = ns;
    g->nslots = nn;
    return KB_OK;
}

/* Make room for one more article and `bands` more rows and keys, so that
** the insertion below cannot fail half-way. */
static int reserve(kb_grouper *g) {
    if (g->n + 1 >= MAX_ARTICLES) return KB_ETOOBIG;
    if (g->n == g->cap) {
        size_t nc = g->cap ? g->cap * 2 : 1024;
        kb_sig *ns = realloc(g->sigs, nc * sizeof *ns);
        if (!ns) return KB_ENOMEM;
        g->sigs = ns;
        int64_t *nst = realloc(g->stories, nc * sizeof *nst);
        if (!nst) return KB_ENOMEM;
        g->stories = nst;
        g->cap = nc;
    }
    if (g->nrows + (size_t)g->bands > g->caprows) {
        size_t nc = g->caprows ? g->caprows * 2 : 4096;
        while (nc < g->nrows + (size_t)g->bands) nc *= 2;
        row *nr = realloc(g->rows, nc * sizeof *nr);
        if (!nr) return KB_ENOMEM;
        g->rows = nr;
        g->caprows = nc;
    }
    while ((g->used + (size_t)g->bands) * 2 > g->nslots)
        if (grow_slots(g)) return KB_ENOMEM;
    return KB_OK;
}

int kb__grouper_add(kb_grouper *g, const kb_sig *sig, int64_t *story, double *sim) {
    int rc = reserve(g);
    if (rc) return rc;
    int64_t self = (int64_t)g->n;
    if (!sig) {
        g->stories[g->n++] = self;
        *story = self;
        if (sim) *sim = 0.0;
        return KB_OK;
    }
    uint64_t keys[KB_SIG_K];
    unsigned char store[KB_SIG_K];
    kb__sig_bands_n(sig, g->bands, keys);
    size_t nc = 0;
    for (int b = 0; b < g->bands; b++) {
        slot *s = find_slot(g->slots, g->nslots, keys[b]);
        for (uint32_t r = s->head; r != NONE; r = g->rows[r].next) {
            uint32_t art = g->rows[r].article;
            g->cand[nc].band_key = keys[b];
            g->cand[nc].article = art;
            g->cand[nc].story = g->stories[art];
            g->cand[nc].sig = &g->sigs[art];
            nc++;
        }
    }
    g->work += nc;
    kb__sig_decide(sig, keys, g->bands, g->cand, nc, g->threshold, self, story, sim, store);
    g->sigs[g->n] = *sig;
    g->stories[g->n] = *story;
    for (int b = 0; b < g->bands; b++) {
        if (!store[b]) continue;
        slot *s = find_slot(g->slots, g->nslots, keys[b]);
        if (s->head == NONE) {
            s->key = keys[b];
            g->used++;
        }
        g->rows[g->nrows].article = (uint32_t)g->n;
        g->rows[g->nrows].next = s->head;
        s->head = (uint32_t)g->nrows++;
    }
    g->n++;
    return KB_OK;
}
