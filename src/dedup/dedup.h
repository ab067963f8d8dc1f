/*
** Story signatures and grouping (src/dedup/): the same article republished
** by several outlets, or re-crawled, found as one story. Internal API shared
** with the archive (src/store/); contracts and measurements are in
** docs/internals/dedup.md.
**
** Pipeline, per article:
**   1. body -> tokens (kb_tokenizer, KB_NORM_SEARCH, punctuation skipped:
**      WORD, LATIN and NUMBER tokens; URLs and e-mail addresses are dropped)
**   2. tokens -> shingles: every run of KB_SIG_SHINGLE consecutive tokens,
**      across paragraph breaks, hashed to 64 bits;
**   3. shingles -> signature: one-permutation MinHash into KB_SIG_K bins
**      with optimal densification (kb_sig, KB_SIG_K 32-bit values). The
**      fraction of equal values of two signatures estimates the Jaccard
**      similarity of their shingle sets;
**   4. signature -> band keys: KB_SIG_BANDS bands of KB_SIG_ROWS values,
**      each hashed to a 64-bit key (LSH). Two articles whose similarity is
**      high share at least one key with high probability; the keys are what
**      an index looks candidates up by;
**   5. grouping (kb__sig_decide): a new article joins the story of its most
**      similar earlier candidate at or above the threshold, else it starts
**      a story of its own. Story ids are the id of the story's first article.
**
** An article whose body has no token gets no signature (KB_EEMPTY) and is a
** story of its own: pages without text are not evidence of anything shared.
*/
#ifndef KB_DEDUP_H
#define KB_DEDUP_H

#include <stddef.h>
#include <stdint.h>

#include "khabar.h"

/* Signature layout. Changing any of these (or the hashing) changes every
** signature: bump KB_SIG_VERSION so that stored signatures are recomputed. */
#define KB_SIG_VERSION 1
#define KB_SIG_K 128                         /* minhash values per article */
#define KB_SIG_BANDS 32                      /* LSH bands ...            */
#define KB_SIG_ROWS (KB_SIG_K / KB_SIG_BANDS) /* ... of this many values  */
#define KB_SIG_BYTES (KB_SIG_K * 4)          /* serialized size: 512 bytes */
#define KB_SIG_SHINGLE 3                     /* default words per shingle */
#define KB_SIG_THRESHOLD 0.83                /* default grouping threshold
                                                (estimated Jaccard) */
#define KB_SIG_BUCKET_CAP 8                  /* stories kept per band key */

typedef struct kb_sig {
    uint32_t h[KB_SIG_K];
} kb_sig;

/* Options of signature computation (the defaults are what the archive uses;
** the others exist for measurements). */
typedef struct kb_sig_opts {
    int shingle;   /* words per shingle, 1..8; 0 = KB_SIG_SHINGLE */
    int stopwords; /* 1 = drop stopwords (kb_is_stopword) before shingling */
} kb_sig_opts;

/* A signature computer: holds a tokenizer so that computing a signature
** allocates nothing. Not thread-safe: one per thread. */
typedef struct kb_sigger kb_sigger;

/* Returns KB_OK or KB_ENOMEM (then *out = NULL). opts may be NULL. */
int kb__sigger_new(kb_sigger **out, const kb_sig_opts *opts);
void kb__sigger_free(kb_sigger *s);

/*
** The signature of an article's body (its paragraphs; the title is left
** out: outlets retitle what they republish). Returns KB_OK, or KB_EEMPTY
** when the body has no token (then *sig is all 0xFFFFFFFF and must not be
** stored or grouped). A body shorter than one shingle gives one shingle of
** all its tokens. Never allocates.
*/
int kb__sig_compute(kb_sigger *s, const kb_article *a, kb_sig *sig);

/* The same for one text p[0..n): kb__sig_compute() of an article equals
** kb__sig_compute_text() of its paragraphs joined by '\n' (the archive's
** body column), so stored articles can be signed again. */
int kb__sig_compute_text(kb_sigger *s, const char *p, size_t n, kb_sig *sig);

/*
** The 64-bit hashes of the article's shingles as the signature sees them,
** in text order, repeats included, written to out[0..cap) (out may be NULL
** with cap 0). Returns how many shingles the body has (may exceed cap: then
** only the first cap are written). For exact Jaccard in tests and
** benchmarks.
*/
size_t kb__sig_shingles(kb_sigger *s, const kb_article *a, uint64_t *out, size_t cap);

/* Estimated Jaccard similarity: the fraction of equal values, 0..1. */
double kb__sig_similarity(const kb_sig *a, const kb_sig *b);

/* The band keys of a signature: keys[b] hashes band b (values b*R..b*R+R-1)
** together with b, so equal values in different bands give different keys.
** nbands must divide KB_SIG_K; KB_SIG_BANDS is the archive's. */
void kb__sig_bands_n(const kb_sig *sig, int nbands, uint64_t *keys);
static inline void kb__sig_bands(const kb_sig *sig, uint64_t keys[KB_SIG_BANDS]) {
    kb__sig_bands_n(sig, KB_SIG_BANDS, keys);
}

/* Serialize to KB_SIG_BYTES bytes (32-bit little-endian values, in order),
** and back. kb__sig_from_blob returns KB_EINVAL unless n == KB_SIG_BYTES. */
void kb__sig_to_blob(const kb_sig *sig, unsigned char out[KB_SIG_BYTES]);
int kb__sig_from_blob(const void *p, size_t n, kb_sig *sig);

/* --- grouping ------------------------------------------------------------- */

/* An earlier article found under one of the new article's band keys. The
** same article may appear once per key it shares. */
typedef struct kb_sig_cand {
    uint64_t band_key; /* the key it was found under */
    int64_t article;   /* its id (archive rowid, grouper index) */
    int64_t story;     /* its story id */
    const kb_sig *sig; /* its signature */
} kb_sig_cand;

/*
** Decide the story of a new article `self` with signature sig and band keys
** keys[0..nbands), given every stored (key, article) row for those keys:
**   - *story = the story of the most similar candidate whose estimated
**     similarity is >= threshold (ties: the earliest article), else self;
**     *sim (may be NULL) = that similarity, or 0 for a new story;
**   - store[b] = 1 when (keys[b], self) should be stored: unless a row for
**     keys[b] already belongs to the chosen story (one row per story per
**     key is enough to find the story again) or keys[b] already has
**     KB_SIG_BUCKET_CAP rows (a key that many stories share says little).
** The rule keeps every key's rows bounded, so the work per article is
** bounded whatever the archive holds (100,000 identical pages: 32 rows in
** all). Returns the index in c of the chosen candidate, or -1.
*/
int kb__sig_decide(const kb_sig *sig, const uint64_t *keys, int nbands, const kb_sig_cand *c,
                   size_t n, double threshold, int64_t self, int64_t *story, double *sim,
                   unsigned char *store);

/* In-memory grouper over the same rules (tests, benchmarks, and the CLI
** without an archive). Articles are numbered 0, 1, 2 ... in order of
** kb__grouper_add(); a story id is the number of its first article. */
typedef struct kb_grouper kb_grouper;

typedef struct kb_grouper_opts {
    double threshold; /* 0 = KB_SIG_THRESHOLD */
    int bands;        /* 0 = KB_SIG_BANDS; must divide KB_SIG_K */
} kb_grouper_opts;

/* Returns KB_OK, KB_EINVAL (bad bands) or KB_ENOMEM (then *out = NULL). */
int kb__grouper_new(kb_grouper **out, const kb_grouper_opts *opts);
void kb__grouper_free(kb_grouper *g);

/*
** Add the next article (sig NULL: no signature, a story of its own). Sets
** *story (and *sim when not NULL, as kb__sig_decide). Returns KB_OK,
** KB_ENOMEM or KB_ETOOBIG (more than 2^31 articles); on error nothing was
** added.
*/
int kb__grouper_add(kb_grouper *g, const kb_sig *sig, int64_t *story, double *sim);

/* Articles added, and candidate rows examined so far (work measure). */
size_t kb__grouper_count(const kb_grouper *g);
size_t kb__grouper_work(const kb_grouper *g);

#endif
