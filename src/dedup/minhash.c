/*
** Story signatures: word shingles of the normalized body, one-permutation
** MinHash with optimal densification, LSH band keys, and the grouping
** decision shared by the archive and the in-memory grouper (dedup.h;
** docs/internals/dedup.md).
**
** Why one-permutation hashing: K independent hash functions cost K
** multiplications per shingle (128 x ~500 shingles per article), which alone
** would cap us near 20,000 articles/s. Instead each shingle gets one 64-bit
** hash; its top 7 bits choose one of the 128 bins and its low 32 bits are the
** value, and each bin keeps its minimum. That is one comparison per shingle.
** Bins that no shingle reached (short bodies) are filled by "optimal
** densification" (Shrivastava, 2017): an empty bin i borrows the value of
** bin j, where j is the first non-empty bin in a pseudo-random probe sequence
** that depends only on i. Two documents with the same shingle set therefore
** fill their empty bins identically, and the fraction of equal bins remains
** an unbiased estimate of the Jaccard similarity.
*/
#include <stdlib.h>
#include <string.h>

#include "core/lex.h"
#include "dedup/dedup.h"

#define SHINGLE_MAX 8
#define BIN_BITS 7 /* 2^7 = KB_SIG_K bins */
#define DENSIFY_TRIES 1024

_Static_assert((1 << BIN_BITS) == KB_SIG_K, "KB_SIG_K must be 2^BIN_BITS");
_Static_assert(KB_SIG_K % KB_SIG_BANDS == 0, "bands must divide K");

struct kb_sigger {
    kb_tokenizer *tok;
    int w;         /* words per shingle */
    int stopwords; /* drop stopwords */
    /* per computation */
    uint64_t ring[SHINGLE_MAX]; /* hashes of the last w tokens */
    size_t ntok;                /* tokens seen */
    uint32_t min[KB_SIG_K];
    uint64_t filled[KB_SIG_K / 64]; /* bins that some shingle reached */
    uint64_t *out;                  /* kb__sig_shingles: hashes out, or NULL */
    size_t cap, nout;
};

/* --- hashing ------------------------------------------------------------- */

/* kb__mix64 (core/lex.h) finalizes hashes: its top bits pick a bin and its
** low bits are the value, independently. */

static inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

#define M1 0x9e3779b97f4a7c15ULL
#define M2 0xc2b2ae3d27d4eb4fULL

/* Hash of one normalized token, 8 bytes at a time (FNV-1a would take one
** dependent multiplication per byte). Not finalized: shingle hashing mixes. */
static inline uint64_t token_hash(const char *p, size_t n) {
    uint64_t h = (uint64_t)n * M1;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = rotl64((h ^ w) * M2, 29);
        p += 8;
        n -= 8;
    }
    if (n) {
        uint64_t w = 0;
        memcpy(&w, p, n);
        h = rotl64((h ^ w) * M2, 29);
    }
    return h * M1;
}

/* Hash of the shingle made of the last k token hashes, oldest first. */
static inline uint64_t shingle_hash(const kb_sigger *s, int k) {
    uint64_t h = 0x243f6a8885a308d3ULL ^ (uint64_t)k;
    for (int j = k; j > 0; j--) {
        h = rotl64((h ^ s->ring[(s->ntok - (size_t)j) % SHINGLE_MAX]) * M1, 27);
    }
    return kb__mix64(h);
}

/* --- signature computation ------------------------------------------------ */

int kb__sigger_new(kb_sigger **out, const kb_sig_opts *opts) {
    kb_sigger *s = calloc(1, sizeof *s);
    *out = NULL;
    if (!s) return KB_ENOMEM;
    s->w = opts && opts->shingle > 0 ? opts->shingle : KB_SIG_SHINGLE;
    if (s->w > SHINGLE_MAX) s->w = SHINGLE_MAX;
    s->stopwords = opts ? opts->stopwords : 0;
    if (kb_tokenizer_new(&s->tok, KB_NORM_SEARCH, KB_TOK_SKIP_PUNCT) != KB_OK) {
        free(s);
        return KB_ENOMEM;
    }
    *out = s;
    return KB_OK;
}

void kb__sigger_free(kb_sigger *s) {
    if (!s) return;
    kb_tokenizer_free(s->tok);
    free(s);
}

static void begin(kb_sigger *s, uint64_t *out, size_t cap) {
    s->ntok = 0;
    memset(s->min, 0xFF, sizeof s->min);
    memset(s->filled, 0, sizeof s->filled);
    s->out = out;
    s->cap = cap;
    s->nout = 0;
}

static inline void emit(kb_sigger *s, uint64_t h) {
    if (s->out) {
        if (s->nout < s->cap) s->out[s->nout] = h;
        s->nout++;
        return;
    }
    unsigned bin = (unsigned)(h >> (64 - BIN_BITS));
    uint32_t v = (uint32_t)h;
    s->filled[bin >> 6] |= 1ULL << (bin & 63);
    if (v < s->min[bin]) s->min[bin] = v;
}

/* Feed one text: tokens continue the shingle window of the previous text,
** so paragraph breaks do not matter (an outlet may split paragraphs
** differently from the wire copy it republishes). */
static void feed(kb_sigger *s, const char *p, size_t n) {
    kb_token t;
    kb_tokenizer_reset(s->tok, p, n);
    while (kb_tokenizer_next(s->tok, &t)) {
        if (t.type != KB_TOK_WORD && t.type != KB_TOK_LATIN && t.type != KB_TOK_NUMBER) continue;
        if (s->stopwords && t.type == KB_TOK_WORD && kb_is_stopword(t.norm, t.norm_n)) continue;
        s->ring[s->ntok % SHINGLE_MAX] = token_hash(t.norm, t.norm_n);
        s->ntok++;
        if (s->ntok >= (size_t)s->w) emit(s, shingle_hash(s, s->w));
    }
}

/* After the last text: a body shorter than one shingle is one shingle. */
static void finish_shingles(kb_sigger *s) {
    if (s->ntok > 0 && s->ntok < (size_t)s->w) emit(s, shingle_hash(s, (int)s->ntok));
}

static inline int is_filled(const kb_sigger *s, unsigned bin) {
    return (int)((s->filled[bin >> 6] >> (bin & 63)) & 1);
}

static int finish_sig(kb_sigger *s, kb_sig *sig) {
    finish_shingles(s);
    memcpy(sig->h, s->min, sizeof sig->h);
    if (s->ntok == 0) return KB_EEMPTY;
    for (unsigned i = 0; i < KB_SIG_K; i++) {
        if (is_filled(s, i)) continue;
        unsigned j = i;
        int found = 0;
        for (uint64_t t = 0; t < DENSIFY_TRIES && !found; t++) {
            j = (unsigned)(kb__mix64(((uint64_t)i << 32) + t + M2) >> (64 - BIN_BITS));
            found = is_filled(s, j);
        }
        /* Practically unreachable (one filled bin in 128 misses 1024 probes
        ** with probability 3e-4); the fallback is deterministic too. */
        for (unsigned d = 1; !found && d < KB_SIG_K; d++) {
            j = (i + d) % KB_SIG_K;
            found = is_filled(s, j);
        }
        sig->h[i] = s->min[j];
    }
    return KB_OK;
}

int kb__sig_compute(kb_sigger *s, const kb_article *a, kb_sig *sig) {
    begin(s, NULL, 0);
    for (size_t i = 0; i < a->nparagraphs; i++)
        if (a->paragraphs[i]) feed(s, a->paragraphs[i], strlen(a->paragraphs[i]));
    return finish_sig(s, sig);
}

int kb__sig_compute_text(kb_sigger *s, const char *p, size_t n, kb_sig *sig) {
    begin(s, NULL, 0);
    feed(s, p, n);
    return finish_sig(s, sig);
}

size_t kb__sig_shingles(kb_sigger *s, const kb_article *a, uint64_t *out, size_t cap) {
    uint64_t dummy;
    begin(s, out ? out : &dummy, out ? cap : 0);
    for (size_t i = 0; i < a->nparagraphs; i++)
        if (a->paragraphs[i]) feed(s, a->paragraphs[i], strlen(a->paragraphs[i]));
    finish_shingles(s);
    size_t n = s->nout;
    s->out = NULL;
    return n;
}

/* --- comparing, banding, storing ------------------------------------------ */

static inline int equal_count(const kb_sig *a, const kb_sig *b) {
    int eq = 0;
    for (int i = 0; i < KB_SIG_K; i++) eq += a->h[i] == b->h[i];
    return eq;
}

double kb__sig_similarity(const kb_sig *a, const kb_sig *b) {
    return (double)equal_count(a, b) / KB_SIG_K;
}

void kb__sig_bands_n(const kb_sig *sig, int nbands, uint64_t *keys) {
    int rows = KB_SIG_K / nbands;
    for (int b = 0; b < nbands; b++) {
        uint64_t h = kb__mix64((uint64_t)b + M1);
        for (int r = 0; r < rows; r++) h = rotl64((h ^ sig->h[b * rows + r]) * M2, 31);
        keys[b] = kb__mix64(h);
    }
}

void kb__sig_to_blob(const kb_sig *sig, unsigned char out[KB_SIG_BYTES]) {
    for (int i = 0; i < KB_SIG_K; i++) {
        uint32_t v = sig->h[i];
        out[4 * i] = (unsigned char)v;
        out[4 * i + 1] = (unsigned char)(v >> 8);
        out[4 * i + 2] = (unsigned char)(v >> 16);
        out[4 * i + 3] = (unsigned char)(v >> 24);
    }
}

int kb__sig_from_blob(const void *p, size_t n, kb_sig *sig) {
    const unsigned char *b = p;
    if (!p || n != KB_SIG_BYTES) return KB_EINVAL;
    for (int i = 0; i < KB_SIG_K; i++)
        sig->h[i] = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 | (uint32_t)b[4 * i + 2] << 16 |
                    (uint32_t)b[4 * i + 3] << 24;
    return KB_OK;
}

/* --- the grouping decision -------------------------------------------------- */

int kb__sig_decide(const kb_sig *sig, const uint64_t *keys, int nbands, const kb_sig_cand *c,
                   size_t n, double threshold, int64_t self, int64_t *story, double *sim,
                   unsigned char *store) {
    /* Compare equal-value counts, not doubles, so that a threshold such as
    ** 0.7 means exactly "at least ceil(0.7 * K) equal values". */
    int need = (int)(threshold * KB_SIG_K + 0.999999);
    if (need < 1) need = 1;
    int best = -1, best_eq = 0;
    for (size_t i = 0; i < n; i++) {
        /* Rows of one article found under several keys, when adjacent (the
        ** archive orders them by article), are compared once. */
        if (i > 0 && c[i].article == c[i - 1].article) continue;
        int eq = equal_count(sig, c[i].sig);
        if (eq < need) continue;
        if (best < 0 || eq > best_eq || (eq == best_eq && c[i].article < c[best].article)) {
            best = (int)i;
            best_eq = eq;
        }
    }
    *story = best >= 0 ? c[best].story : self;
    if (sim) *sim = best >= 0 ? (double)best_eq / KB_SIG_K : 0.0;
    for (int b = 0; b < nbands; b++) {
        int rows = 0, has_story = 0;
        for (size_t i = 0; i < n; i++) {
            if (c[i].band_key != keys[b]) continue;
            rows++;
            has_story |= c[i].story == *story;
        }
        store[b] = !has_story && rows < KB_SIG_BUCKET_CAP;
    }
    return best;
}
