/*
** The named-entity tagger's shared machinery (see ner.h): the gazetteers of
** data/, word features, the model file and Viterbi decoding. entities.c runs
** it over articles; ner_train.c learns the weights with the very same
** feature code, so that training and analysis can never drift apart.
**
** Gazetteers. Every name of data/gaz-places.tsv, gaz-orgs.tsv, titles.tsv,
** first-names.tsv and ner-triggers.tsv goes into one hash table keyed by its
** search-normalized words joined with single spaces, with class bits and the
** display form of the canonical name. (We parse the embedded files ourselves
** rather than through kb__lex_get because kb_lex keeps only the normalized
** key, and entities need the name as written.) The first word of a
** multi-word name records the longest name it opens, so matching a sentence
** costs one probe per word unless a name may start there.
**
** Model file (data/models/ner.bin, written by ner_train.c), little-endian:
**   8 bytes   KB_NER_MAGIC
**   uint32    rows_log2 (the weight table has 1 << rows_log2 rows)
**   uint32    KB_NER_NTAGS
**   float32   scale (a weight is its int16 value times scale)
**   float32   transitions [(NTAGS + 1) * NTAGS], row NTAGS = sentence start
**   int16     weights [rows * NTAGS]
** optionally followed by a second image of the same layout: the second
** pass, whose features add the document context (kb__ner_doc_context).
** Features are hashed (no feature dictionary): a feature's row is a mix of
** its template number and the hash of the words it looks at.
*/
#include "analyze/ner.h"

#include <float.h>
#include <math.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze_int.h"
#include "core/lex.h"
#include "khabar.h"

const char *const kb__ner_types[KB_NER_NTYPES] = {"PER", "LOC", "ORG", "MISC"};

/* --- small helpers over search-normalized UTF-8 -------------------------- */

/* The Arabic letters we test for, as their two UTF-8 bytes. */
#define AR_WAW "\xD9\x88"
#define AR_FEH "\xD9\x81"
#define AR_BEH "\xD8\xA8"
#define AR_KAF "\xD9\x83"
#define AR_LAM "\xD9\x84"
#define AR_ALEF "\xD8\xA7"
#define AR_AL AR_ALEF AR_LAM

/* memcmp(a, b, n) == 0, inline, for the words the caches below compare
** (mostly 4 to 16 bytes): a call to memcmp costs more than the compare.
** Short words (في، من، على: 4 to 6 bytes) are as common as long ones, so
** they too are read as two overlapping pieces. */
static inline int same(const char *a, const char *b, size_t n) {
    uint64_t x, y, u, v;
    if (n < 8) {
        uint32_t c, d, e, f;
        if (n < 4) /* one letter, a punctuation mark */
            return n == 0 || (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1]);
        /* the first four bytes and the last four */
        memcpy(&c, a, 4);
        memcpy(&d, b, 4);
        memcpy(&e, a + n - 4, 4);
        memcpy(&f, b + n - 4, 4);
        return !((c ^ d) | (e ^ f));
    }
    for (; n > 16; a += 8, b += 8, n -= 8) {
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y) return 0;
    }
    /* 8 to 16 bytes left: the first eight and the last eight */
    memcpy(&x, a, 8);
    memcpy(&y, b, 8);
    memcpy(&u, a + n - 8, 8);
    memcpy(&v, b + n - 8, 8);
    return !((x ^ y) | (u ^ v));
}

static int starts(const char *w, size_t n, const char *pre) {
    size_t k = strlen(pre);
    return n >= k && !memcmp(w, pre, k);
}

/* Code points in w[0..n) (continuation bytes are not counted). */
static size_t cps(const char *w, size_t n) {
    size_t c = 0;
    for (size_t i = 0; i < n; i++) c += ((unsigned char)w[i] & 0xC0) != 0x80;
    return c;
}

/* Byte length of the first k code points of w. */
static size_t cp_bytes(const char *w, size_t n, size_t k) {
    size_t i = 0;
    while (i < n && k) {
        i++;
        while (i < n && ((unsigned char)w[i] & 0xC0) == 0x80) i++;
        k--;
    }
    return i;
}

static int is_bkl(const char *w, size_t n) {
    return starts(w, n, AR_BEH) || starts(w, n, AR_KAF) || starts(w, n, AR_LAM);
}

/* The light clitic strip used for features: [وف]? [بكل]? ال? (or لل), each
** only while at least three letters remain. */
static void strip_light(const char *w, size_t n, const char **s, size_t *sn) {
    if ((starts(w, n, AR_WAW) || starts(w, n, AR_FEH)) && cps(w, n) >= 5) { w += 2; n -= 2; }
    if (starts(w, n, AR_LAM AR_LAM) && cps(w, n) >= 5) { w += 4; n -= 4; }
    else {
        if (is_bkl(w, n) && starts(w + 2, n - 2, AR_AL) && cps(w, n) >= 6) { w += 2; n -= 2; }
        if (starts(w, n, AR_AL) && cps(w, n) >= 5) { w += 4; n -= 4; }
    }
    *s = w;
    *sn = n;
}

/* Clitic variants of a word for gazetteer lookups: the word, without و/ف,
** without ب/ك/ل, and "لل..." read as "ال...". strip counts the letters
** removed; lil marks the لل reading (the text keeps the whole word). */
typedef struct variant {
    const char *p;
    size_t n;
    unsigned strip, lil;
} variant;

static size_t variants(const char *w, size_t n, char *buf, variant *v) {
    size_t k = 0;
    v[k++] = (variant){w, n, 0, 0};
    const char *base[2] = {w, NULL};
    size_t bn[2] = {n, 0};
    if ((starts(w, n, AR_WAW) || starts(w, n, AR_FEH)) && cps(w, n) >= 3) {
        base[1] = w + 2;
        bn[1] = n - 2;
        v[k++] = (variant){w + 2, n - 2, 1, 0};
    }
    for (int b = 0; b < 2; b++) {
        const char *p = base[b];
        size_t pn = bn[b];
        if (!p || cps(p, pn) < 3) continue;
        if (starts(p, pn, AR_LAM AR_LAM) && pn < KB_TOKEN_MAX) {
            /* "للأمم" is ل + "الأمم" with the alef dropped. */
            char *d = buf + b * (KB_TOKEN_MAX + 4);
            memcpy(d, AR_ALEF, 2);
            memcpy(d + 2, p + 2, pn - 2);
            v[k++] = (variant){d, pn, (unsigned)b + 1, 1};
        } else if (is_bkl(p, pn)) {
            v[k++] = (variant){p + 2, pn - 2, (unsigned)b + 1, 0};
        }
    }
    return k;
}

/* --- the gazetteer table --------------------------------------------------- */

typedef struct gz_entry {
    char *key; /* normalized words, single spaces */
    size_t kn;
    unsigned bits;
    unsigned maxwords;     /* longest name (in words) this word opens */
    const char *canonical; /* display form, for LOC/ORG/TITLE names */
    const char *place;     /* for nisba adjectives: the place */
} gz_entry;

/* A slot holds 1 + the entry's index in its low 32 bits and the high 32
** bits of the key's hash above them, so that a probe rarely reads an entry
** (and its key) other than the one it looks for; 0 is empty. */
static struct {
    gz_entry *e;
    size_t n, cap;
    uint64_t *slot;
    size_t nslot;
    int failed;
} G;

static uint64_t gz_slot(size_t i, uint64_t h) { return (h >> 32) << 32 | (uint64_t)(i + 1); }

static pthread_once_t g_gz_once = PTHREAD_ONCE_INIT;

/* gz_find with the key's hash hv = kb__hash_mem(k, kn) given. */
static gz_entry *gz_find_h(const char *k, size_t kn, uint64_t hv) {
    if (!G.nslot) return NULL;
    size_t h = (size_t)hv & (G.nslot - 1);
    for (;;) {
        uint64_t s = G.slot[h];
        if (!s) return NULL;
        if (s >> 32 == hv >> 32) {
            gz_entry *e = &G.e[(uint32_t)s - 1];
            if (e->kn == kn && same(e->key, k, kn)) return e;
        }
        h = (h + 1) & (G.nslot - 1);
    }
}

static gz_entry *gz_find(const char *k, size_t kn) { return gz_find_h(k, kn, kb__hash_mem(k, kn)); }

static int gz_rehash(size_t ns) {
    uint64_t *slot = calloc(ns, sizeof *slot);
    if (!slot) return -1;
    for (size_t i = 0; i < G.n; i++) {
        uint64_t hv = kb__hash_mem(G.e[i].key, G.e[i].kn);
        size_t h = (size_t)hv & (ns - 1);
        while (slot[h]) h = (h + 1) & (ns - 1);
        slot[h] = gz_slot(i, hv);
    }
    free(G.slot);
    G.slot = slot;
    G.nslot = ns;
    return 0;
}

static gz_entry *gz_get(const char *k, size_t kn) {
    gz_entry *e = gz_find(k, kn);
    if (e) return e;
    if (G.n == G.cap) {
        size_t nc = G.cap ? G.cap * 2 : 1024;
        gz_entry *ne = realloc(G.e, nc * sizeof *ne);
        if (!ne) return NULL;
        G.e = ne;
        G.cap = nc;
    }
    if ((G.n + 1) * 2 > G.nslot && gz_rehash(G.nslot ? G.nslot * 2 : 2048)) return NULL;
    char *key = malloc(kn + 1);
    if (!key) return NULL;
    memcpy(key, k, kn);
    key[kn] = 0;
    e = &G.e[G.n++];
    *e = (gz_entry){key, kn, 0, 1, NULL, NULL};
    uint64_t hv = kb__hash_mem(k, kn);
    size_t h = (size_t)hv & (G.nslot - 1);
    while (G.slot[h]) h = (h + 1) & (G.nslot - 1);
    G.slot[h] = gz_slot(G.n - 1, hv);
    return e;
}

/* Normalize a name for the table: search folding, single spaces, trimmed. */
static size_t gz_norm(const char *p, size_t n, char *out) {
    char tmp[KB_NORMALIZE_BOUND(256)];
    if (n > 256) n = 256;
    size_t m = kb_normalize_into(p, n, KB_NORM_SEARCH, tmp), w = 0;
    for (size_t i = 0; i < m; i++) {
        if (tmp[i] == ' ' || tmp[i] == '\t') {
            if (w && out[w - 1] != ' ') out[w++] = ' ';
        } else out[w++] = tmp[i];
    }
    while (w && out[w - 1] == ' ') w--;
    return w;
}

/* Canonical names live as long as the process; the table of them keeps
** every copy reachable (one name may be offered twice, e.g. "عمان"). */
static struct { char **p; size_t n, cap; } S;

static char *dup_n(const char *p, size_t n) {
    if (S.n == S.cap) {
        size_t nc = S.cap ? S.cap * 2 : 256;
        char **np = realloc(S.p, nc * sizeof *np);
        if (!np) return NULL;
        S.p = np;
        S.cap = nc;
    }
    char *d = malloc(n + 1);
    if (d) { memcpy(d, p, n); d[n] = 0; S.p[S.n++] = d; }
    return d;
}

/* Add one name: its bits, canonical display form and (nisba) place. */
static int gz_add(const char *p, size_t n, unsigned bits, const char *canon, const char *place) {
    char k[KB_NORMALIZE_BOUND(256)];
    size_t kn = gz_norm(p, n, k);
    if (!kn) return 0;
    gz_entry *e = gz_get(k, kn);
    if (!e) return -1;
    e->bits |= bits;
    if (canon && !e->canonical) e->canonical = canon;
    if (place && !e->place) e->place = place;
    unsigned words = 1;
    for (size_t i = 0; i < kn; i++) words += k[i] == ' ';
    if (words > 1) {
        const char *sp = memchr(k, ' ', kn);
        gz_entry *f = gz_get(k, (size_t)(sp - k));
        if (!f) return -1;
        if (f->maxwords < words) f->maxwords = words > KB_NER_GAZ_MAXWORDS ? KB_NER_GAZ_MAXWORDS : words;
    }
    return 0;
}

/* Split a TSV line into up to 4 columns. */
static int split_cols(const char *line, size_t ln, const char **c, size_t *cn) {
    int k = 0;
    const char *p = line, *end = line + ln;
    while (k < 4) {
        const char *tab = memchr(p, '\t', (size_t)(end - p));
        c[k] = p;
        cn[k] = tab ? (size_t)(tab - p) : (size_t)(end - p);
        while (cn[k] && c[k][cn[k] - 1] == ' ') cn[k]--;
        k++;
        if (!tab) break;
        p = tab + 1;
    }
    return k;
}

enum { F_PLACES, F_ORGS, F_TITLES, F_NAMES, F_TRIGGERS, F_MISC };

/* The bits a word's class (kb__ner_word_class, kb_ner_tok.gz) may carry:
** KB_GZ_MISC names only make gazetteer spans. */
#define GZ_WORD_BITS (0xFFu | KB_GZ_PLACE_CUE | KB_GZ_WORK_CUE)

static int gz_load_file(const char *name, int kind) {
    size_t n = 0;
    const char *d = (const char *)kb__data_find(name, &n);
    if (!d) return 0;
    const char *p = d, *end = d + n;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        const char *line = p;
        size_t ln = (size_t)(eol - p);
        p = eol + 1;
        if (ln && line[ln - 1] == '\r') ln--;
        if (!ln || line[0] == '#') continue;
        const char *c[4] = {0};
        size_t cn[4] = {0};
        int k = split_cols(line, ln, c, cn);
        if (!cn[0]) continue;
        if (kind == F_PLACES || kind == F_ORGS || kind == F_MISC) {
            int ci = kind == F_PLACES ? 3 : 2;
            const char *cs = k > ci && cn[ci] ? c[ci] : c[0];
            size_t csn = k > ci && cn[ci] ? cn[ci] : cn[0];
            char *canon = dup_n(cs, csn);
            if (!canon) return -1;
            unsigned bits = kind == F_PLACES ? KB_GZ_LOC : kind == F_ORGS ? KB_GZ_ORG : KB_GZ_MISC;
            if (kind == F_PLACES && k > 1 && cn[1] == 7 && !memcmp(c[1], "country", 7))
                bits |= KB_GZ_COUNTRY;
            if (gz_add(c[0], cn[0], bits, canon, NULL)) return -1;
            if (kind == F_PLACES && k > 2) {
                /* Nisba adjectives, space separated. */
                const char *q = c[2], *qe = c[2] + cn[2];
                while (q < qe) {
                    while (q < qe && *q == ' ') q++;
                    const char *s = q;
                    while (q < qe && *q != ' ') q++;
                    if (q > s && gz_add(s, (size_t)(q - s), KB_GZ_NISBA, NULL, canon)) return -1;
                }
            }
        } else if (kind == F_TITLES) {
            char *canon = dup_n(c[0], cn[0]);
            if (!canon || gz_add(c[0], cn[0], KB_GZ_TITLE, canon, NULL)) return -1;
        } else if (kind == F_NAMES) {
            unsigned bits = k > 1 && cn[1] == 6 && !memcmp(c[1], "family", 6) ? KB_GZ_FAMILY : KB_GZ_GIVEN;
            if (gz_add(c[0], cn[0], bits, NULL, NULL)) return -1;
        } else {
            unsigned bits = KB_GZ_TRIGGER;
            if (k > 1 && cn[1] == 7 && !memcmp(c[1], "outside", 7)) bits |= KB_GZ_OUTSIDE;
            else if (k > 1 && cn[1] == 5 && !memcmp(c[1], "place", 5)) bits = KB_GZ_PLACE_CUE;
            else if (k > 1 && cn[1] == 4 && !memcmp(c[1], "work", 4)) bits = KB_GZ_WORK_CUE;
            if (gz_add(c[0], cn[0], bits, NULL, NULL)) return -1;
        }
    }
    return 0;
}

/* --- word clusters (data/ner-clusters.tsv, see ner_clusters.c) ------------- */

/* Keys point into the embedded table, which lives as long as the process. */
typedef struct cl_entry {
    const char *w;
    uint32_t cl;
    uint16_t n;
    uint16_t tag; /* the top 16 bits of the word's hash: most probes read no key */
} cl_entry;

static struct {
    cl_entry *e; /* open addressing; w == NULL is empty */
    size_t nslot;
} CL;

static unsigned parse_uint(const char **p, const char *end) {
    unsigned v = 0;
    while (*p < end && **p == '\t') (*p)++;
    while (*p < end && **p >= '0' && **p <= '9') v = v * 10 + (unsigned)(*(*p)++ - '0');
    return v;
}

static void cl_load(void) {
    size_t n = 0, lines = 0;
    const char *d = (const char *)kb__data_find("ner-clusters.tsv", &n);
    if (!d) return;
    for (size_t i = 0; i < n; i++) lines += d[i] == '\n';
    size_t ns = 1024;
    while (ns < 2 * lines) ns *= 2;
    /* (read at random, a few MB: kb__alloc_table's huge pages) */
    CL.e = kb__alloc_table(ns * sizeof *CL.e);
    if (!CL.e) return; /* no clusters: the features then read "unknown" */
    memset(CL.e, 0, ns * sizeof *CL.e);
    CL.nslot = ns;
    const char *p = d, *end = d + n;
    size_t rank = 0;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        const char *tab = memchr(p, '\t', (size_t)(eol - p));
        /* Comment lines have no tab; every word line has. */
        if (tab && tab > p && p[0] != '#') {
            const char *q = tab;
            unsigned fine = parse_uint(&q, eol), mid = parse_uint(&q, eol), coarse = parse_uint(&q, eol);
            unsigned band = 1;
            while (band < 31 && rank >> band) band++;
            rank++;
            uint32_t cl = KB_NER_CL_KNOWN | band << 26 | (coarse & 0x3Fu) << 20 | (mid & 0xFFu) << 12 | (fine & 0xFFFu);
            size_t wn = (size_t)(tab - p);
            uint64_t hv = kb__hash_mem(p, wn);
            size_t h = (size_t)hv & (ns - 1);
            /* (a word longer than a token is never looked up) */
            while (wn <= KB_TOKEN_MAX && CL.e[h].w && !(CL.e[h].n == wn && !memcmp(CL.e[h].w, p, wn)))
                h = (h + 1) & (ns - 1);
            if (wn <= KB_TOKEN_MAX && !CL.e[h].w) CL.e[h] = (cl_entry){p, cl, (uint16_t)wn, (uint16_t)(hv >> 48)};
        }
        p = eol + 1;
    }
}

static uint32_t cl_find_h(const char *w, size_t n, uint64_t hv) {
    if (!CL.nslot) return 0;
    size_t h = (size_t)hv & (CL.nslot - 1);
    uint16_t tag = (uint16_t)(hv >> 48);
    while (CL.e[h].w) {
        if (CL.e[h].tag == tag && CL.e[h].n == n && same(CL.e[h].w, w, n)) return CL.e[h].cl;
        h = (h + 1) & (CL.nslot - 1);
    }
    return 0;
}

static uint32_t cl_find(const char *w, size_t n) { return cl_find_h(w, n, kb__hash_mem(w, n)); }

uint32_t kb__ner_cluster(const char *w, size_t n) {
    char buf[2 * (KB_TOKEN_MAX + 4)];
    variant v[6];
    kb__ner_gaz_init();
    if (n > KB_TOKEN_MAX) return 0;
    size_t nv = variants(w, n, buf, v);
    for (size_t i = 0; i < nv; i++) {
        uint32_t c = cl_find(v[i].p, v[i].n);
        if (c) return c;
    }
    return 0;
}

/* The induced table (data/ner-induced.tsv, ner_induce.c): lines
**   stem TAB uses TAB PER TAB LOC TAB ORG TAB MISC TAB opened TAB cue PER
**   TAB cue LOC TAB cue ORG TAB cue MISC    (uses inside spans, after cues)
**   stem SPACE stem TAB uses TAB same       (a word pair, uses as one span)
** binned here into the codes of kb_ner_tok.ig. KB_NER_INDUCED=FILE (a
** tuning aid) reads another table instead, KB_NER_INDUCED= none. off is
** set only while kb_ner_induce() tags the news (a training tool). */
/* Besides the table's own keys (flag IG_SET), every word of a listed pair
** has an entry flagged IG_FIRST / IG_SECOND (code 0 when the word is not
** listed itself): kb__ner_prepare looks a pair up only when both flags say
** it may be listed, which no lookup that finds it can miss. */
enum { IG_SET = 1, IG_FIRST = 2, IG_SECOND = 4 };
#define KB_NER_PAIRS_AHEAD 16 /* pairs hashed (and their slots fetched) ahead of the look-ups */
typedef struct ig_entry {
    const char *w; /* into the table's text, which lives as long as the process */
    uint32_t code;
    uint16_t n;
    unsigned char tag; /* the top 8 bits of the key's hash: most probes read no key */
    unsigned char flags;
} ig_entry; /* (16 bytes) */

static struct {
    ig_entry *e; /* open addressing; w == NULL is empty */
    size_t nslot;
    int off;
} IG;

static unsigned ig_bin(unsigned c, unsigned n) {
    double f = (double)c / (double)n;
    return f < 0.1 ? 0 : f < 0.35 ? 1 : f < 0.7 ? 2 : 3;
}

static unsigned cue_bin(unsigned c, unsigned n) {
    double f = (double)c / (double)n;
    return c < 2 || f < 0.02 ? 0 : f < 0.08 ? 1 : f < 0.25 ? 2 : 3;
}

/* The slot of key p[0..n) in the table: its entry, or the empty slot where it goes. */
static ig_entry *ig_slot(const char *p, size_t n) {
    static ig_entry none; /* a key longer than any word pair looked up */
    if (n > 0xFFFF) return &none;
    uint64_t hv = kb__hash_mem(p, n);
    size_t h = (size_t)hv & (IG.nslot - 1);
    unsigned char tag = (unsigned char)(hv >> 56);
    while (IG.e[h].w && !(IG.e[h].tag == tag && IG.e[h].n == n && !memcmp(IG.e[h].w, p, n)))
        h = (h + 1) & (IG.nslot - 1);
    if (!IG.e[h].w) IG.e[h] = (ig_entry){p, 0, (uint16_t)n, tag, 0};
    return &IG.e[h];
}

/* Set key p[0..n)'s code, unless an earlier line did (the first wins). */
static void ig_set(const char *p, size_t n, unsigned code) {
    ig_entry *e = ig_slot(p, n);
    if (!(e->flags & IG_SET)) {
        e->code = code;
        e->flags |= IG_SET;
    }
}

static void ig_load(void) {
    size_t n = 0, lines = 0;
    const char *d = (const char *)kb__data_find("ner-induced.tsv", &n);
    const char *alt = getenv("KB_NER_INDUCED"); /* tuning aid: another table, "" none */
    if (alt) {
        d = NULL;
        FILE *f = *alt ? fopen(alt, "rb") : NULL;
        char *b = NULL;
        if (f && !fseek(f, 0, SEEK_END)) {
            long len = ftell(f);
            b = len > 0 ? malloc((size_t)len) : NULL;
            if (b && !fseek(f, 0, SEEK_SET) && fread(b, 1, (size_t)len, f) == (size_t)len) {
                d = b; /* kept for the life of the process, as the embedded data */
                n = (size_t)len;
            }
        }
        if (f) fclose(f);
    }
    if (!d) return;
    /* (a pair line makes up to three keys: at most keys of them in all) */
    size_t keys = 0;
    for (size_t i = 0; i < n; i++) {
        lines += d[i] == '\n';
        keys += d[i] == '\n' ? 1 : d[i] == ' ' ? 2 : 0;
    }
    size_t ns = 1024;
    while (ns < 2 * lines || ns < keys + keys / 4) ns *= 2;
    IG.e = kb__alloc_table(ns * sizeof *IG.e); /* (as CL.e) */
    if (!IG.e) return;
    memset(IG.e, 0, ns * sizeof *IG.e);
    IG.nslot = ns;
    const char *p = d, *end = d + n;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        const char *tab = memchr(p, '\t', (size_t)(eol - p));
        if (tab && tab > p && p[0] != '#') {
            const char *q = tab;
            unsigned uses = parse_uint(&q, eol), c[KB_NER_NTYPES], in = 0;
            for (int x = 0; x < KB_NER_NTYPES; x++) in += c[x] = parse_uint(&q, eol);
            unsigned opened = parse_uint(&q, eol), cue[KB_NER_NTYPES];
            for (int x = 0; x < KB_NER_NTYPES; x++) cue[x] = parse_uint(&q, eol);
            const char *sp = memchr(p, ' ', (size_t)(tab - p));
            if (uses && sp) {
                /* a word pair: uses, uses inside one name */
                double f = (double)c[0] / (double)uses;
                unsigned code = 4u | (f < 0.1 ? 0 : f < 0.4 ? 1 : f < 0.75 ? 2 : 3);
                ig_set(p, (size_t)(tab - p), code);
                ig_slot(p, (size_t)(sp - p))->flags |= IG_FIRST;
                ig_slot(sp + 1, (size_t)(tab - sp - 1))->flags |= IG_SECOND;
            } else if (uses) {
                unsigned code = KB_NER_IG_KNOWN;
                for (int x = 0; x < KB_NER_NTYPES; x++) code |= ig_bin(c[x], uses) << (2 * x);
                code |= (unsigned)(in && 2 * opened >= in) << 8;
                code |= (unsigned)(uses < 10 ? 0 : uses < 100 ? 1 : 2) << 9;
                for (int x = 0; x < KB_NER_NTYPES; x++) code |= cue_bin(cue[x], uses) << (16 + 2 * x);
                ig_set(p, (size_t)(tab - p), code);
            }
        }
        p = eol + 1;
    }
}

/* The entry of key w[0..n), whose hash is hv, or NULL. */
static const ig_entry *ig_find_h(const char *w, size_t n, uint64_t hv) {
    if (!IG.nslot) return NULL;
    size_t h = (size_t)hv & (IG.nslot - 1);
    unsigned char tag = (unsigned char)(hv >> 56);
    while (IG.e[h].w) {
        if (IG.e[h].tag == tag && IG.e[h].n == n && same(IG.e[h].w, w, n)) return &IG.e[h];
        h = (h + 1) & (IG.nslot - 1);
    }
    return NULL;
}

static const ig_entry *ig_find(const char *w, size_t n) { return ig_find_h(w, n, kb__hash_mem(w, n)); }

unsigned kb__ner_induced(const char *w, size_t n) {
    const ig_entry *e = ig_find(w, n);
    return e ? e->code : 0;
}

void kb__ner_induced_off(int off) { IG.off = off; }

void kb__ner_stem(const char *w, size_t n, const char **s, size_t *sn) { strip_light(w, n, s, sn); }

static void gz_load(void) {
    cl_load();
    ig_load();
    static const struct { const char *name; int kind; } files[] = {
        {"gaz-places.tsv", F_PLACES}, {"gaz-orgs.tsv", F_ORGS}, {"titles.tsv", F_TITLES},
        {"first-names.tsv", F_NAMES}, {"ner-triggers.tsv", F_TRIGGERS}, {"gaz-misc.tsv", F_MISC}};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++)
        if (gz_load_file(files[i].name, files[i].kind)) {
            /* Out of memory: run with empty gazetteers rather than half of one. */
            G.failed = 1;
            G.nslot = 0;
            return;
        }
}

int kb__ner_gaz_init(void) {
    pthread_once(&g_gz_once, gz_load);
    return G.failed ? -1 : 0;
}

/* Class bits of a word: the least-stripped variant the gazetteers know;
** nisba adjectives are also looked up without ال. */
unsigned kb__ner_word_class(const char *w, size_t n, const char **place) {
    char buf[2 * (KB_TOKEN_MAX + 4)];
    variant v[6];
    if (place) *place = NULL;
    if (n > KB_TOKEN_MAX) return 0;
    size_t nv = variants(w, n, buf, v);
    unsigned bits = 0;
    for (size_t i = 0; i < nv && !bits; i++) {
        gz_entry *e = gz_find(v[i].p, v[i].n);
        if (e && (e->bits & GZ_WORD_BITS & ~(unsigned)KB_GZ_NISBA)) bits = e->bits & GZ_WORD_BITS;
        if (!bits && starts(v[i].p, v[i].n, AR_AL) && cps(v[i].p, v[i].n) >= 5)
            e = gz_find(v[i].p + 4, v[i].n - 4);
        if (e && (e->bits & KB_GZ_NISBA)) {
            bits |= e->bits & GZ_WORD_BITS;
            if (place) *place = e->place;
        }
    }
    return bits;
}

/* The hashes of a word's variants (hv) and, for those that start with ال
** (al[i]), of the rest (hal), computed a step ahead of the look-ups so that
** the tables' slots are fetched meanwhile (see kb__ner_prepare). */
typedef struct vhash {
    uint64_t hv[4], hal[4];
    uint64_t hig; /* the stem's (strip_light), for the induced table */
    unsigned char al[4];
    size_t nv;
} vhash;

static void word_hashes(const char *w, size_t n, vhash *h) {
    char buf[2 * (KB_TOKEN_MAX + 4)];
    variant v[6];
    h->nv = n <= KB_TOKEN_MAX ? variants(w, n, buf, v) : 0;
    const char *s;
    size_t sn;
    strip_light(w, n, &s, &sn);
    h->hig = kb__hash_mem(s, sn);
#if defined(__GNUC__)
    if (IG.nslot) __builtin_prefetch(&IG.e[(size_t)h->hig & (IG.nslot - 1)]);
#endif
    for (size_t i = 0; i < h->nv && i < 4; i++) {
        h->hv[i] = kb__hash_mem(v[i].p, v[i].n);
        h->al[i] = starts(v[i].p, v[i].n, AR_AL) && cps(v[i].p, v[i].n) >= 5;
        h->hal[i] = h->al[i] ? kb__hash_mem(v[i].p + 4, v[i].n - 4) : 0;
#if defined(__GNUC__)
        if (G.nslot) __builtin_prefetch(&G.slot[(size_t)h->hv[i] & (G.nslot - 1)]);
        if (G.nslot && h->al[i]) __builtin_prefetch(&G.slot[(size_t)h->hal[i] & (G.nslot - 1)]);
        if (CL.nslot) __builtin_prefetch(&CL.e[(size_t)h->hv[i] & (CL.nslot - 1)]);
#endif
    }
}

/* With the slots at hand, fetch what the look-ups read next: the cluster
** table's key and the gazetteer entry each variant's probe would compare
** (round 0), then that entry's key (round 1). A few slots of each probe
** are tried; the look-ups themselves find anything these miss. */
static void word_prefetch(const vhash *h, int round) {
#if defined(__GNUC__)
    for (size_t i = 0; i < h->nv && i < 4; i++) {
        for (int a = 0; a < 2; a++) {
            uint64_t hv = a ? h->hal[i] : h->hv[i];
            if (!G.nslot || (a && !h->al[i])) continue;
            for (size_t k = 0, x = (size_t)hv; k < 2; k++, x++) {
                uint64_t sl = G.slot[x & (G.nslot - 1)];
                if (!sl) break;
                if (sl >> 32 != hv >> 32) continue;
                const gz_entry *e = &G.e[(uint32_t)sl - 1];
                if (round) __builtin_prefetch(e->key);
                else __builtin_prefetch(e);
                break;
            }
        }
        if (IG.nslot && !round && i == 0) {
            /* the induced table's entry for the stem: its key */
            for (size_t k = 0, x = (size_t)h->hig; k < 2; k++, x++) {
                const ig_entry *c = &IG.e[x & (IG.nslot - 1)];
                if (!c->w) break;
                if (c->tag != (unsigned char)(h->hig >> 56)) continue;
                __builtin_prefetch(c->w);
                break;
            }
        }
        if (CL.nslot && !round) {
            for (size_t k = 0, x = (size_t)h->hv[i]; k < 4; k++, x++) {
                const cl_entry *c = &CL.e[x & (CL.nslot - 1)];
                if (!c->w) break;
                if (c->tag != (uint16_t)(h->hv[i] >> 48)) continue;
                __builtin_prefetch(c->w);
                break;
            }
        }
    }
#else
    (void)h;
    (void)round;
#endif
}

/* What kb__ner_prepare needs to look up for a word it has not cached, at
** once: kb__ner_word_class(w, n, NULL), kb__ner_cluster(w, n), and the
** entries of the word's variants for kb__ner_gaz_scan (gv[0..4), as its
** variants() finds them). h: the variants' hashes (word_hashes), or NULL. */
static void word_lookups(const char *w, size_t n, const vhash *h, unsigned *gz, uint32_t *cl, const gz_entry **gv,
                         unsigned char *gvs, size_t *gnv) {
    char buf[2 * (KB_TOKEN_MAX + 4)];
    variant v[6];
    vhash own;
    const gz_entry *ge[6] = {NULL, NULL, NULL, NULL, NULL, NULL};
    size_t nv = n <= KB_TOKEN_MAX ? variants(w, n, buf, v) : 0;
    if (!h) {
        word_hashes(w, n, &own);
        h = &own;
    }
    for (size_t i = 0; i < nv; i++) ge[i] = gz_find_h(v[i].p, v[i].n, h->hv[i]);
    /* kb__ner_word_class */
    unsigned bits = 0;
    for (size_t i = 0; i < nv && !bits; i++) {
        const gz_entry *e = ge[i];
        if (e && (e->bits & GZ_WORD_BITS & ~(unsigned)KB_GZ_NISBA)) bits = e->bits & GZ_WORD_BITS;
        if (!bits && h->al[i]) e = gz_find_h(v[i].p + 4, v[i].n - 4, h->hal[i]);
        if (e && (e->bits & KB_GZ_NISBA)) bits |= e->bits & GZ_WORD_BITS;
    }
    *gz = bits;
    /* kb__ner_cluster */
    uint32_t c = 0;
    for (size_t i = 0; i < nv && !c; i++) c = cl_find_h(v[i].p, v[i].n, h->hv[i]);
    *cl = c;
    for (size_t i = 0; i < nv && i < 4; i++) {
        gv[i] = ge[i];
        gvs[i] = v[i].lil ? 0xFF : (unsigned char)v[i].strip;
    }
    *gnv = nv;
}

unsigned kb__ner_clitic_len(const char *w, size_t n) {
    char buf[2 * (KB_TOKEN_MAX + 4)];
    variant v[6];
    if (n > KB_TOKEN_MAX) return 0;
    size_t nv = variants(w, n, buf, v);
    for (size_t i = 0; i < nv; i++) {
        gz_entry *e = gz_find(v[i].p, v[i].n);
        if (e && e->bits) return v[i].lil ? 0 : v[i].strip;
    }
    return 0;
}

/* Prepared words, cached per thread: a word's hashes, shape (with
** SH_AND_NAME), gazetteer class, cluster and induced-table code (ig, without
** the pair code, which depends on the next word) depend on the word alone,
** and news repeats its words
** (about four tokens in five hit a cache of this size), while the clusters'
** and gazetteers' hash tables miss the CPU caches on every probe. Direct
** mapped on the word's hash; words longer than WC_KEY bytes are not kept.
** The tables it caches are read-only once loaded. */
enum { WC_SLOTS = 1 << 15, WC_KEY = 32 };
/* 256 bytes an entry, four whole cache lines (the table is 64-byte
** aligned): the key and the small fields, which every probe reads; the
** feature hashes, which kb__ner_prepare copies on a hit; the gazetteer
** entries (kb__ner_gaz_scan) and the sums (tag_joint, which also reads jt
** on the second line). kb__ner_prepare fetches the first three lines
** ahead, tag_joint all four. (At 232 bytes, entries straddled lines that
** nobody fetched.) */
typedef struct wc_entry {
    uint64_t h_w;    /* the key first: a probe reads one cache line */
    unsigned char n; /* n == 0: empty */
    char w[WC_KEY];
    unsigned char pev;
    uint16_t shape;  /* (9 bits: SH_AND_NAME) */
    uint16_t gz;     /* (12 bits: KB_GZ_WORK_CUE) */
    unsigned char band, gv_ok;
    unsigned char gnv, gvs[4]; /* the word's variants: how many, each's match strip code */
    unsigned char igp; /* the stem's flags in the induced table (IG_FIRST, IG_SECOND) */
    uint32_t cl;
    unsigned ig;     /* kb__ner_induced() of the stem, whatever IG.off says */
    uint64_t h_s, h_pre[4], h_suf[4];
    /* the embedded model's sums of the word's FT_UNI feature rows, first
    ** and second pass (the second's with its own FT_UNI rows, ctx_sel's),
    ** when jt is its joint table (filled by tag_joint) */
    const int16_t *jt;
    /* the gazetteer entries of the word's clitic variants, once gv_ok */
    const struct gz_entry *gv[4];
    int32_t u[2][KB_NER_NTAGS];
    char pad[8];
} wc_entry;
_Static_assert(sizeof(wc_entry) == 256 && offsetof(wc_entry, h_s) == 64 && offsetof(wc_entry, gv) == 144,
               "wc_entry: four cache lines, grouped as their readers need them");

/* This thread's cache, or NULL. */
static wc_entry *wc_get(void) { return kb__thread_cache(KB_TC_NER_WORDS, WC_SLOTS * sizeof(wc_entry)); }

/* Token t's entry in tab, if it still holds t's word. */
static wc_entry *wc_for(wc_entry *tab, const kb_ner_tok *t) {
    if (!tab || !t->wc || t->wc > WC_SLOTS) return NULL;
    wc_entry *e = &tab[t->wc - 1];
    return e->n == t->n && e->h_w == t->h_w && same(e->w, t->w, t->n) ? e : NULL;
}

size_t kb__ner_gaz_scan(const kb_ner_tok *toks, size_t n, kb_gaz_match *out, size_t max) {
    char buf[2 * (KB_TOKEN_MAX + 4)];
    char key[KB_NER_GAZ_MAXWORDS * (KB_TOKEN_MAX + 1)];
    size_t nm = 0;
    const unsigned want = KB_GZ_LOC | KB_GZ_ORG | KB_GZ_TITLE | KB_GZ_MISC;
    wc_entry *tab = wc_get();
    for (size_t i = 0; i < n && nm < max;) {
        variant v[6];
        size_t nv;
        int have_v = 0;
        size_t best = 0;
        kb_gaz_match m = {0};
        /* The word's variants' entries and match codes, from the word cache
        ** when it has them; the variants themselves are then made only for
        ** a name that may go on over the next words. */
        wc_entry *ce = wc_for(tab, &toks[i]);
        if (ce && ce->gv_ok) nv = ce->gnv;
        else {
            nv = toks[i].n <= KB_TOKEN_MAX ? variants(toks[i].w, toks[i].n, buf, v) : 0;
            have_v = 1;
            if (ce && nv <= 4) {
                for (size_t k = 0; k < nv; k++) {
                    ce->gv[k] = gz_find(v[k].p, v[k].n);
                    ce->gvs[k] = v[k].lil ? 0xFF : (unsigned char)v[k].strip;
                }
                ce->gnv = (unsigned char)nv;
                ce->gv_ok = 1;
            }
            if (ce && !ce->gv_ok) ce = NULL;
        }
        for (size_t k = 0; k < nv; k++) {
            const gz_entry *e = ce ? ce->gv[k] : gz_find(v[k].p, v[k].n);
            if (!e) continue;
            size_t top = e->maxwords < n - i ? e->maxwords : n - i;
            unsigned code = ce ? ce->gvs[k] : v[k].lil ? 0xFF : v[k].strip;
            if (top >= 2 && top > best && !have_v) {
                variants(toks[i].w, toks[i].n, buf, v);
                have_v = 1;
            }
            for (size_t L = top; L > best && L >= 2; L--) {
                size_t kn = 0;
                memcpy(key, v[k].p, v[k].n);
                kn = v[k].n;
                for (size_t j = i + 1; j < i + L; j++) {
                    key[kn++] = ' ';
                    memcpy(key + kn, toks[j].w, toks[j].n);
                    kn += toks[j].n;
                }
                gz_entry *f = gz_find(key, kn);
                if (f && (f->bits & want) && f->canonical) {
                    best = L;
                    m = (kb_gaz_match){i, i + L, f->bits, f->canonical, code};
                    break;
                }
            }
            if (!best && (e->bits & want) && e->canonical) {
                best = 1;
                m = (kb_gaz_match){i, i + 1, e->bits, e->canonical, code};
            }
        }
        if (best) {
            out[nm++] = m;
            i += best;
        } else i++;
    }
    return nm;
}

/* --- features ------------------------------------------------------------- */

enum { SH_ARABIC, SH_LATIN, SH_DIGIT, SH_PUNCT, SH_OTHER };
#define SH_AND_NAME 0x100u /* shape bit: و + a given or family name */

static unsigned word_shape(const char *w, size_t n, const char *s, size_t sn) {
    unsigned char c = (unsigned char)w[0];
    unsigned kind;
    if (c >= '0' && c <= '9') kind = SH_DIGIT;
    else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) kind = SH_LATIN;
    else if (c == 0xD8 || c == 0xD9 || c == 0xDA || c == 0xDB) kind = SH_ARABIC;
    else if (c < 0x80) kind = SH_PUNCT;
    else kind = SH_OTHER;
    if (kind == SH_ARABIC && n == 2 && (w[1] == '\x8C' || w[1] == '\x9B' || w[1] == '\x9F'))
        kind = SH_PUNCT; /* ، ؛ ؟ */
    size_t len = cps(s, sn);
    unsigned lb = len <= 2 ? len : len <= 4 ? 3 : len <= 6 ? 4 : 5;
    /* the article just before the stem, inside the word (never before it) */
    unsigned al = starts(w, n, AR_AL) || (s - w >= 4 && starts(s - 4, 4, AR_AL));
    unsigned clitic = s != w && !starts(w, n, AR_AL);
    return kind | lb << 3 | al << 6 | clitic << 7;
}

/* 1 if the first word of a gazetteer match (strip: its proclitic letters,
** as kb_gaz_match has them) is a trigger that stands before a name
** (ner-triggers.tsv "outside"). */
static int outside_trigger(const kb_ner_tok *t, unsigned strip) {
    if (strip == 0xFF || 2 * (size_t)strip >= t->n) return 0;
    const gz_entry *e = gz_find(t->w + 2 * strip, t->n - 2 * strip);
    return e && (e->bits & KB_GZ_OUTSIDE);
}

/* A quotation mark: " « » “ ” or ANERcorp's ''. */
static int is_quote(const kb_ner_tok *t) {
    const char *w = t->w;
    size_t n = t->n;
    if (n == 1) return w[0] == '"';
    if (n == 2) return (w[0] == '\'' && w[1] == '\'') || (w[0] == '`' && w[1] == '`') ||
                       !memcmp(w, "\xC2\xAB", 2) || !memcmp(w, "\xC2\xBB", 2);
    return n == 3 && (!memcmp(w, "\xE2\x80\x9C", 3) || !memcmp(w, "\xE2\x80\x9D", 3));
}

/* Words between two quotation marks at most KB_NER_QUOTE_MAX words apart
** get qin and qcue: titles of works, operations and media are quoted
** ("رواية «أولاد حارتنا»"), speech runs longer. Marks pair in order; a mark
** whose partner stands further away skips to it, so that the speech
** between them is not read as a name. */
enum { KB_NER_QUOTE_MAX = 6 };
static void short_quotes(kb_ner_tok *t, size_t n) {
    for (size_t i = 0; i < n; i++) t[i].qin = 0, t[i].qcue = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_quote(&t[i])) continue;
        size_t j = i + 1;
        while (j < n && !is_quote(&t[j])) j++;
        if (j >= n) break;
        if (j - i - 1 >= 1 && j - i - 1 <= KB_NER_QUOTE_MAX) {
            unsigned cue = i >= 1 ? t[i - 1].gz & (KB_GZ_PLACE_CUE | KB_GZ_WORK_CUE | KB_GZ_TRIGGER | KB_GZ_TITLE) : 0;
            for (size_t k = i + 1; k < j; k++) {
                t[k].qin = (unsigned char)((k == i + 1 ? 1 : 2) | (k + 1 == j ? 4 : 0));
                t[k].qcue = cue;
            }
        }
        i = j;
    }
}

/* Evidence that w's first letter is a proclitic (و ف ب ك ل) rather than
** part of the word, from how often news writes each form (the cluster
** table's frequency bands): "باستنبول" is rarer than "استنبول", "بلال" far
** more common than "لال". Words whose rest starts with ال are left to
** strip_light. Returns letter (1-5) << 2 | evidence: 0 the rest is not a
** word the table knows, 1 the word is as common as the rest or more, 2 up
** to four times rarer, 3 rarer still or unknown; 0 when w opens with none
** of the letters. */
static unsigned char proclitic(const char *w, size_t n) {
    static const char *const letters[5] = {AR_WAW, AR_FEH, AR_BEH, AR_KAF, AR_LAM};
    unsigned l = 0;
    for (unsigned k = 0; k < 5 && !l; k++)
        if (starts(w, n, letters[k])) l = k + 1;
    if (!l || cps(w, n) < 4 || starts(w + 2, n - 2, AR_AL)) return 0;
    uint32_t cr = cl_find(w + 2, n - 2), cw = cl_find(w, n);
    unsigned ev;
    if (!cr) ev = 0;
    else if (!cw) ev = 3;
    else {
        int d = (int)KB_NER_CL_BAND(cw) - (int)KB_NER_CL_BAND(cr);
        ev = d <= 0 ? 1 : d <= 2 ? 2 : 3;
    }
    return (unsigned char)(l << 2 | ev);
}

void kb__ner_prepare(kb_ner_tok *t, size_t n) {
    kb__ner_gaz_init();
    wc_entry *tab = wc_get();
    /* The words' hashes first, fetching their cache entries meanwhile: the
    ** key, what a hit copies, and the gazetteer entries that
    ** kb__ner_gaz_scan reads at the end. */
    for (size_t i = 0; i < n; i++) {
        uint64_t hw = t[i].n ? kb__hash(t[i].w, t[i].n) : kb__hash("_", 1);
        t[i].h_w = hw;
#if defined(__GNUC__)
        if (tab) {
            const char *e = (const char *)&tab[(size_t)(hw ^ hw >> 29) & (WC_SLOTS - 1)];
            __builtin_prefetch(e);
            __builtin_prefetch(e + offsetof(wc_entry, h_s));
            __builtin_prefetch(e + offsetof(wc_entry, gv));
        }
#endif
    }
    /* Then the words the cache does not hold: their variants' hashes, and
    ** two rounds of fetches for their look-ups (below), which miss the CPU
    ** caches: a word looked up costs several times a cached one. */
    vhash vh[KB_NER_MAXLEN];
    unsigned char miss[KB_NER_MAXLEN];
    size_t np = n < KB_NER_MAXLEN ? n : KB_NER_MAXLEN;
    for (size_t i = 0; i < np; i++) {
        const char *w = t[i].n ? t[i].w : "_";
        size_t wn = t[i].n ? t[i].n : 1;
        const wc_entry *e = tab && wn <= WC_KEY ? &tab[(size_t)(t[i].h_w ^ t[i].h_w >> 29) & (WC_SLOTS - 1)] : NULL;
        miss[i] = !(e && e->n == wn && e->h_w == t[i].h_w && same(e->w, w, wn));
        if (miss[i]) word_hashes(w, wn, &vh[i]);
    }
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < np; i++)
            if (miss[i]) word_prefetch(&vh[i], round);
    for (size_t i = 0; i < n; i++) {
        const char *w = t[i].w, *s;
        size_t wn = t[i].n, sn;
        if (!wn) { w = "_"; wn = 1; }
        uint64_t hw = t[i].h_w;
        size_t slot = (size_t)(hw ^ hw >> 29) & (WC_SLOTS - 1);
        wc_entry *e = tab && wn <= WC_KEY ? &tab[slot] : NULL;
        t[i].wc = e ? (uint32_t)slot + 1 : 0;
        t[i].span = 0;
        t[i].ctx = t[i].p1 = t[i].dmaj = t[i].dmask = t[i].dfirst = t[i].dnext = t[i].dprev = 0;
        if (e && e->n == wn && e->h_w == hw && same(e->w, w, wn)) {
            t[i].h_w = hw;
            t[i].h_s = e->h_s;
            memcpy(t[i].h_pre, e->h_pre, sizeof e->h_pre);
            memcpy(t[i].h_suf, e->h_suf, sizeof e->h_suf);
            t[i].shape = e->shape;
            t[i].gz = e->gz;
            t[i].cl = e->cl;
            t[i].band = e->band;
            t[i].ig = IG.off ? 0 : e->ig;
            t[i].igp = e->igp;
            t[i].pev = e->pev;
            continue;
        }
        strip_light(w, wn, &s, &sn);
        t[i].h_w = hw;
        t[i].h_s = kb__hash(s, sn);
        for (size_t k = 1; k <= 4; k++) {
            size_t pb = cp_bytes(s, sn, k);
            size_t total = cps(s, sn);
            size_t sb = total > k ? cp_bytes(s, sn, total - k) : 0;
            t[i].h_pre[k - 1] = kb__hash(s, pb) + k;
            t[i].h_suf[k - 1] = kb__hash(s + sb, sn - sb) + 7 * k;
        }
        t[i].shape = word_shape(w, wn, s, sn);
        t[i].pev = proclitic(w, wn);
        if (starts(w, wn, AR_WAW) && cps(w, wn) >= 4) {
            /* "وعزت": "and" + a given name, which opens a name of its own */
            const gz_entry *we = gz_find(w, wn);
            if (!(we && (we->bits & KB_GZ_GIVEN)) &&
                (kb__ner_word_class(w + 2, wn - 2, NULL) & (KB_GZ_GIVEN | KB_GZ_FAMILY)))
                t[i].shape |= SH_AND_NAME;
        }
        const gz_entry *gv[4] = {NULL, NULL, NULL, NULL};
        unsigned char gvs[4] = {0, 0, 0, 0};
        size_t gnv;
        word_lookups(w, wn, i < np && miss[i] ? &vh[i] : NULL, &t[i].gz, &t[i].cl, gv, gvs, &gnv);
        t[i].band = KB_NER_CL_BAND(t[i].cl);
        t[i].cl &= ~(0x1Fu << 26);
        /* (the cache keeps the table's code even while IG.off hides it) */
        const ig_entry *ie = i < np && miss[i] ? ig_find_h(s, sn, vh[i].hig) : ig_find(s, sn);
        unsigned ig = ie ? ie->code : 0;
        t[i].ig = IG.off ? 0 : ig;
        t[i].igp = ie ? ie->flags : 0;
        if (e) {
            e->jt = NULL;
            memcpy(e->gv, gv, sizeof gv);
            memcpy(e->gvs, gvs, sizeof gvs);
            e->gnv = (unsigned char)gnv;
            e->gv_ok = gnv <= 4;
            e->h_w = hw;
            e->h_s = t[i].h_s;
            memcpy(e->h_pre, t[i].h_pre, sizeof e->h_pre);
            memcpy(e->h_suf, t[i].h_suf, sizeof e->h_suf);
            e->shape = (uint16_t)t[i].shape; /* (< 512 with SH_AND_NAME) */
            e->gz = (uint16_t)t[i].gz; /* (< 1 << 12) */
            e->ig = ig;
            e->igp = t[i].igp;
            e->pev = t[i].pev;
            e->cl = t[i].cl;
            e->band = (unsigned char)t[i].band;
            e->n = (unsigned char)wn;
            memcpy(e->w, w, wn);
        }
    }
    /* Word pairs of the induced table: the pair code goes in bits 24-26 of
    ** the first word's ig. The pairs that may be listed are hashed first,
    ** fetching their slots meanwhile, then looked up. */
    if (IG.nslot && !IG.off) {
        char keys[KB_NER_PAIRS_AHEAD][2 * KB_TOKEN_MAX + 2];
        uint64_t hv[KB_NER_PAIRS_AHEAD];
        size_t at[KB_NER_PAIRS_AHEAD], kn[KB_NER_PAIRS_AHEAD];
        for (size_t i = 0; i + 1 < n;) {
            size_t np2 = 0;
            for (; i + 1 < n && np2 < KB_NER_PAIRS_AHEAD; i++) {
                if (!((t[i].ig | t[i + 1].ig) & 0xFF) || !t[i].n || !t[i + 1].n) continue;
                if (!(t[i].igp & IG_FIRST) || !(t[i + 1].igp & IG_SECOND)) continue; /* not listed */
                const char *a, *b;
                size_t an, bn;
                strip_light(t[i].w, t[i].n, &a, &an);
                strip_light(t[i + 1].w, t[i + 1].n, &b, &bn);
                char *key = keys[np2];
                if (an + bn + 1 > sizeof keys[0]) continue;
                memcpy(key, a, an);
                key[an] = ' ';
                memcpy(key + an + 1, b, bn);
                kn[np2] = an + bn + 1;
                hv[np2] = kb__hash_mem(key, kn[np2]);
#if defined(__GNUC__)
                __builtin_prefetch(&IG.e[(size_t)hv[np2] & (IG.nslot - 1)]);
#endif
                at[np2++] = i;
            }
            for (size_t k = 0; k < np2; k++) {
                const ig_entry *pe = ig_find_h(keys[k], kn[k], hv[k]);
                t[at[k]].ig |= (pe ? pe->code : 0) << 24;
            }
        }
    }
    short_quotes(t, n);
    kb_gaz_match m[KB_NER_MAXLEN];
    size_t nm = kb__ner_gaz_scan(t, n, m, KB_NER_MAXLEN);
    for (size_t i = 0; i < n; i++) t[i].gm_len = 0;
    for (size_t k = 0; k < nm; k++) {
        unsigned cls = m[k].cls & KB_GZ_LOC ? 1 : m[k].cls & KB_GZ_ORG ? 2 : m[k].cls & KB_GZ_TITLE ? 3 : 4;
        size_t from = m[k].i;
        if (cls == 2 && m[k].j - m[k].i >= 2 && outside_trigger(&t[from], m[k].strip)) {
            t[from].span = 5 << 1; /* "نادي" of "نادي الهلال": the name is the rest */
            from++;
        }
        for (size_t j = from; j < m[k].j; j++) t[j].span = cls << 1 | (j > from);
        kb_ner_tok *f = &t[m[k].i];
        f->gm_len = (unsigned char)(m[k].j - m[k].i);
        f->gm_strip = (unsigned char)m[k].strip;
        f->gm_cls = m[k].cls;
        f->gm_canon = m[k].canonical;
    }
}

size_t kb__ner_gaz_matches(const kb_ner_tok *toks, size_t n, kb_gaz_match *out, size_t max) {
    size_t nm = 0;
    for (size_t i = 0; i < n && nm < max;) {
        const kb_ner_tok *f = &toks[i];
        if (!f->gm_len) {
            i++;
            continue;
        }
        out[nm++] = (kb_gaz_match){i, i + f->gm_len, f->gm_cls, f->gm_canon, f->gm_strip};
        i += f->gm_len;
    }
    return nm;
}

static inline uint32_t row_of(uint64_t tmpl, uint64_t h, uint32_t mask) {
    uint64_t x = h ^ (tmpl * 0x9E3779B97F4A7C15ULL);
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 29;
    return (uint32_t)x & mask;
}

static inline uint64_t pair(uint64_t a, uint64_t b) { return a * 0x100000001B3ULL + (b ^ (b >> 17)); }

/* The features of every pass: everything but the document context. Each
** is marked FT_UNI when it reads nothing but the token's own word (hashes,
** shape, gazetteer class, cluster: what the per-thread word cache keeps),
** else FT_CTX (neighbours, position, multi-word spans). want selects which
** are written, in this order either way; FT_UNI | FT_CTX are all of them. */
enum { FT_UNI = 1, FT_CTX = 2 };
#define F(sel, tmpl, v) do { if (want & (sel)) r[k++] = row_of(tmpl, v, mask); } while (0)
static inline size_t base_sel(const kb_ner_tok *t, size_t n, size_t i, uint32_t mask, uint32_t *r, int want) {
    /* Neighbours outside the sentence read as fixed boundary values. */
    const uint64_t BOS = 0x5151, EOS = 0x7272;
    uint64_t wm1 = i >= 1 ? t[i - 1].h_w : BOS, wm2 = i >= 2 ? t[i - 2].h_w : BOS;
    uint64_t wp1 = i + 1 < n ? t[i + 1].h_w : EOS, wp2 = i + 2 < n ? t[i + 2].h_w : EOS;
    uint64_t sm1 = i >= 1 ? t[i - 1].h_s : BOS, sp1 = i + 1 < n ? t[i + 1].h_s : EOS;
    unsigned gm1 = i >= 1 ? t[i - 1].gz : 0x100, gm2 = i >= 2 ? t[i - 2].gz : 0x100;
    unsigned gp1 = i + 1 < n ? t[i + 1].gz : 0x200, gp2 = i + 2 < n ? t[i + 2].gz : 0x200;
    unsigned shm1 = i >= 1 ? t[i - 1].shape : 0x300, shp1 = i + 1 < n ? t[i + 1].shape : 0x400;
    unsigned spm1 = i >= 1 ? t[i - 1].span : 0x10, spp1 = i + 1 < n ? t[i + 1].span : 0x20;
    const kb_ner_tok *c = &t[i];
    size_t k = 0;
    F(FT_UNI, 1, 0);
    F(FT_UNI, 2, c->h_w);
    F(FT_UNI, 3, c->h_s);
    F(FT_CTX, 4, wm1);
    F(FT_CTX, 5, wp1);
    F(FT_CTX, 6, wm2);
    F(FT_CTX, 7, wp2);
    F(FT_CTX, 8, sm1);
    F(FT_CTX, 9, sp1);
    F(FT_CTX, 10, pair(wm1, c->h_w));
    F(FT_CTX, 11, pair(c->h_w, wp1));
    for (int j = 0; j < 3; j++) {
        F(FT_UNI, 12 + (uint64_t)j, c->h_pre[j]);
        F(FT_UNI, 15 + (uint64_t)j, c->h_suf[j]);
    }
    F(FT_UNI, 90, c->h_pre[3]);
    F(FT_UNI, 91, c->h_suf[3]);
    F(FT_UNI, 18, c->shape);
    F(FT_CTX, 19, (uint64_t)shm1 << 20 | (uint64_t)c->shape << 10 | shp1);
    F(FT_UNI, 20, c->gz);
    for (unsigned b = 0; b < 8; b++)
        if (c->gz & (1u << b)) F(FT_UNI, 21, b);
    F(FT_CTX, 22, gm1);
    F(FT_CTX, 23, gp1);
    F(FT_CTX, 24, gm2);
    F(FT_CTX, 25, gp2);
    F(FT_CTX, 26, c->span);
    F(FT_CTX, 27, spm1);
    F(FT_CTX, 28, spp1);
    F(FT_CTX, 29, (uint64_t)gm1 << 16 | c->gz);
    F(FT_CTX, 30, pair(sm1, c->gz));
    F(FT_CTX, 31, pair(sp1, c->gz));
    F(FT_CTX, 32, (uint64_t)(i == 0) << 8 | (c->shape & 7));
    F(FT_CTX, 33, (uint64_t)c->gz << 16 | gp1);
    F(FT_CTX, 34, pair(c->h_suf[1], sm1));
    F(FT_CTX, 35, pair(c->h_s, (uint64_t)gm1));
    F(FT_CTX, 36, (uint64_t)gm2 << 16 | gm1);
    F(FT_CTX, 37, pair(sm1, c->h_s));
    F(FT_CTX, 38, pair(c->h_s, sp1));
    F(FT_CTX, 39, i >= 1 ? t[i - 1].h_suf[1] : BOS);
    F(FT_CTX, 40, i + 1 < n ? t[i + 1].h_suf[1] : EOS);
    F(FT_CTX, 41, i >= 1 ? t[i - 1].h_pre[1] : BOS);
    /* Word clusters: what the news corpus says about words ANERcorp never
    ** showed, at three granularities, of the word and its neighbours. */
    uint64_t c0 = c->cl, cm1 = i >= 1 ? t[i - 1].cl : 0x7FEu << 20, cp1 = i + 1 < n ? t[i + 1].cl : 0x7FDu << 20;
    uint64_t cm2 = i >= 2 ? t[i - 2].cl : 0x7FEu << 20, cp2 = i + 2 < n ? t[i + 2].cl : 0x7FDu << 20;
#define FINE(x) ((x) & 0xFFFFFFFFu)
#define MID(x) ((x) >> 12)
#define COARSE(x) ((x) >> 20)
    F(FT_UNI, 42, FINE(c0));
    F(FT_UNI, 43, MID(c0));
    F(FT_UNI, 44, COARSE(c0));
    F(FT_CTX, 45, FINE(cm1));
    F(FT_CTX, 46, FINE(cp1));
    F(FT_CTX, 47, MID(cm2));
    F(FT_CTX, 48, MID(cp2));
    F(FT_CTX, 49, MID(cm1) << 32 | MID(c0));
    F(FT_CTX, 50, MID(c0) << 32 | MID(cp1));
    F(FT_CTX, 51, COARSE(cm1) << 40 | COARSE(c0) << 20 | COARSE(cp1));
    F(FT_UNI, 52, FINE(c0) << 16 | c->gz);
    F(FT_CTX, 53, pair(wm1, FINE(c0)));
    F(FT_CTX, 54, pair(wp1, FINE(c0)));
    F(FT_CTX, 55, FINE(cm1) << 32 | FINE(c0));
    F(FT_CTX, 56, FINE(c0) << 32 | FINE(cp1));
    F(FT_UNI, 57, pair(c->h_suf[1], MID(c0)));
    F(FT_UNI, 58, pair(c->h_pre[1], MID(c0)));
    F(FT_UNI, 59, (uint64_t)c->shape << 32 | MID(c0));
    F(FT_CTX, 60, MID(cm1) << 16 | c->gz);
    F(FT_UNI, 61, c->band);
    /* A proclitic, here and next door: "وبلير" after a person opens
    ** another, "لزيدان" ends the name before it (dev: the rest's stem read
    ** as the stem where news says so changed nothing). */
    unsigned pvm1 = i >= 1 ? t[i - 1].pev : 0x100, pvp1 = i + 1 < n ? t[i + 1].pev : 0x200;
    if (c->pev) F(FT_UNI, 94, c->pev);
    F(FT_CTX, 95, (uint64_t)c->pev << 16 | pvp1);
    F(FT_CTX, 96, (uint64_t)pvm1 << 16 | c->pev);
    if (c->qin) {
        F(FT_CTX, 92, c->qin);
        F(FT_CTX, 93, (uint64_t)c->qin << 16 | c->qcue);
    }
#undef FINE
#undef MID
#undef COARSE
    return k;
}
#undef F

static size_t base_features(const kb_ner_tok *t, size_t n, size_t i, uint32_t mask, uint32_t *r) {
    return base_sel(t, n, i, mask, r, FT_UNI | FT_CTX);
}

/* The second pass's own features (toks[i].ctx set), marked as base_sel's.
** Those of the induced table (data/ner-induced.tsv) that read the word's
** own code alone (75, 81, 84: bits 0-23 of ig, and gz) are FT_UNI: the
** fast path (tag_joint) adds their second-pass weights to the word cache's
** second-pass sums during the first pass. The rest read the neighbours'
** codes, the pair codes (bits 24-26 of ig, which depend on the next word)
** or the document context: FT_CTX, read in the second pass. */
#define F(sel, tmpl, v) do { if (want & (sel)) r[k++] = row_of(tmpl, v, mask); } while (0)
static inline size_t ctx_sel(const kb_ner_tok *t, size_t n, size_t i, uint32_t mask, uint32_t *r, int want) {
    const kb_ner_tok *c = &t[i];
    uint64_t c0 = c->cl;
    size_t k = 0;
#define MID(x) ((x) >> 12)
    /* What the first pass made of the word across the unlabeled news
    ** (data/ner-induced.tsv: the share of its uses inside a name of each
    ** type), and of its neighbours. Only the second pass reads it (dev:
    ** 0.754 -> 0.7531 read by both passes, 0.7589 by the second only; see
    ** docs/internals/analyze.md "Entities"). */
    uint64_t g0 = c->ig & 0xFFFFFFu, gm = i >= 1 ? t[i - 1].ig & 0x10FFu : 0x20000;
    uint64_t gp = i + 1 < n ? t[i + 1].ig & 0x10FFu : 0x30000;
    F(FT_UNI, 75, g0);
    F(FT_CTX, 76, gm);
    F(FT_CTX, 77, gp);
    F(FT_CTX, 78, gm << 16 | (g0 & 0x11FF));
    F(FT_CTX, 79, (g0 & 0x11FF) << 20 | gp);
    /* How often (this word, next word) and (previous word, this word)
    ** made one name in the news. */
    uint64_t pn = c->ig >> 24, pq = i >= 1 ? t[i - 1].ig >> 24 : 8;
    F(FT_CTX, 85, pn);
    F(FT_CTX, 86, pq);
    F(FT_CTX, 87, pq << 16 | pn << 8 | c->p1);
    /* How often the word follows a title or given name, an organisation
    ** keyword, a place word or an event/work word in the news. */
    uint64_t q0 = (c->ig >> 16) & 0xFF, qm = i >= 1 ? (t[i - 1].ig >> 16) & 0xFF : 0x300;
    uint64_t qp = i + 1 < n ? (t[i + 1].ig >> 16) & 0xFF : 0x400;
    F(FT_UNI, 81, q0);
    F(FT_CTX, 82, qm << 12 | q0);
    F(FT_CTX, 83, q0 << 12 | qp);
    F(FT_UNI, 84, q0 << 12 | c->gz);
    /* The first pass's tags here and next door, and what
    ** the same word (or word pair) was tagged elsewhere in the document.
    ** A name usually recurs, and one of its mentions is easier (after a
    ** title, in full) than the others. */
    uint64_t p = c->p1, pm1 = i >= 1 ? t[i - 1].p1 : 15, pp1 = i + 1 < n ? t[i + 1].p1 : 14;
    uint64_t dm = c->dmaj, dmm1 = i >= 1 ? t[i - 1].dmaj : 15, dmp1 = i + 1 < n ? t[i + 1].dmaj : 14;
    F(FT_CTX, 62, p);
    F(FT_CTX, 63, pm1 << 8 | p);
    F(FT_CTX, 64, p << 8 | pp1);
    F(FT_CTX, 65, dm << 4 | c->dfirst);
    F(FT_CTX, 66, dm << 8 | p);
    F(FT_CTX, 67, c->dmask);
    F(FT_CTX, 68, c->dnext);
    F(FT_CTX, 69, c->dprev);
    F(FT_CTX, 70, (uint64_t)c->dprev << 16 | (uint64_t)c->dnext << 8 | p);
    F(FT_CTX, 71, dmp1 << 8 | dm);
    F(FT_CTX, 72, dmm1 << 8 | dm);
    F(FT_CTX, 73, dm << 16 | c->gz);
    F(FT_CTX, 74, MID(c0) << 8 | dm);
#undef MID
    return k;
}
#undef F

static size_t ctx_features(const kb_ner_tok *t, size_t n, size_t i, uint32_t mask, uint32_t *r) {
    return ctx_sel(t, n, i, mask, r, FT_UNI | FT_CTX);
}

size_t kb__ner_features(const kb_ner_tok *t, size_t n, size_t i, uint32_t mask, uint32_t *r) {
    size_t k = base_features(t, n, i, mask, r);
    if (t[i].ctx) k += ctx_features(t, n, i, mask, r + k);
    return k;
}

/* --- document context ------------------------------------------------------ */

/* Counts of first-pass tags per word, and per word pair of one span, over a
** window that slides along the document: adding the token that enters and
** removing the one that leaves keeps each step O(1). Keys are the hashes of
** clitic-stripped words (pairs mixed with a constant so they never meet a
** word key); a slot whose counts fall to zero stays, so the table is sized
** for every distinct key of the document. */
/* A slot is in use when its gen is the table's: a table kept for the next
** document (per thread, see kb__ner_doc_context) is emptied by a new gen
** rather than cleared. */
typedef struct dc_slot {
    uint64_t key;
    uint16_t c[KB_NER_NTAGS];
    uint32_t gen;
} dc_slot;

typedef struct dc_table {
    dc_slot *s;
    size_t mask;
    uint32_t gen;
} dc_table;

static dc_slot *dc_at(dc_table *d, uint64_t key) {
    key |= 1;
    size_t h = (size_t)(key ^ key >> 29) & d->mask;
    while (d->s[h].gen == d->gen && d->s[h].key != key) h = (h + 1) & d->mask;
    if (d->s[h].gen != d->gen) {
        memset(&d->s[h], 0, sizeof d->s[h]);
        d->s[h].gen = d->gen;
        d->s[h].key = key;
    }
    return &d->s[h];
}

/* Lookup without inserting: a key never counted reads as all zeros. */
static const dc_slot *dc_get(const dc_table *d, uint64_t key) {
    static const dc_slot none;
    key |= 1;
    size_t h = (size_t)(key ^ key >> 29) & d->mask;
    while (d->s[h].gen == d->gen && d->s[h].key != key) h = (h + 1) & d->mask;
    return d->s[h].gen == d->gen ? &d->s[h] : &none;
}

static uint64_t pair_key(const kb_ner_tok *t, size_t j) { return pair(t[j].h_s, t[j + 1].h_s) ^ 0x5bd1e995ULL; }

/* The type (1 + type) of the span that words j and j + 1 share, or 0. */
static int pair_span(const int *p1, size_t j) {
    int a = p1[j], b = p1[j + 1];
    return a > 0 && b > 0 && !KB_NER_IS_B(b) && KB_NER_TYPE(a) == KB_NER_TYPE(b) ? 1 + KB_NER_TYPE(b) : 0;
}

static void dc_move(dc_table *d, const kb_ner_tok *t, size_t n, const int *p1, size_t j, int dir) {
    dc_slot *w = dc_at(d, t[j].h_s);
    w->c[p1[j]] = (uint16_t)(w->c[p1[j]] + dir);
    int ps = j + 1 < n ? pair_span(p1, j) : 0;
    if (ps) {
        dc_slot *q = dc_at(d, pair_key(t, j));
        q->c[ps - 1] = (uint16_t)(q->c[ps - 1] + dir);
    }
}

/* 1 + the type the pair at j (counts q, minus own) most often formed a span of, or 0. */
static unsigned char pair_type(const dc_slot *q, int own) {
    int best = 0, bc = 0;
    for (int x = 0; x < KB_NER_NTYPES; x++) {
        int c = q->c[x] - (own == 1 + x);
        if (c > bc) { bc = c; best = 1 + x; }
    }
    return (unsigned char)best;
}

int kb__ner_doc_context(kb_ner_tok *t, size_t n, const int *p1) {
    enum { T = KB_NER_NTAGS };
    size_t ns = 64;
    while (ns < 4 * n) ns *= 2; /* at most 2n keys: a word and a pair per token */
    /* A document of up to DC_KEEP / 4 tokens uses this thread's table (no
    ** allocation and no clearing per document), a longer one its own. */
    enum { DC_KEEP = 1 << 14 };
    dc_table d = {NULL, ns - 1, 1};
    dc_slot *own = NULL;
    uint32_t *kept = ns <= DC_KEEP ? kb__thread_cache(KB_TC_DOC_CONTEXT, 64 + DC_KEEP * sizeof(dc_slot)) : NULL;
    if (kept) {
        /* kept[0]: the last gen used; the slots follow the first 64 bytes */
        d.s = (dc_slot *)(void *)((char *)kept + 64);
        if (++kept[0] == 0) {
            memset(d.s, 0, DC_KEEP * sizeof(dc_slot));
            kept[0] = 1;
        }
        d.gen = kept[0];
    } else {
        d.s = own = calloc(ns, sizeof(dc_slot)); /* gen 0: empty */
        if (!d.s) return -1;
    }
    const size_t W = KB_NER_DOC_WINDOW;
    size_t hi = 0; /* tokens [lo, hi) are counted */
    for (size_t i = 0; i < n; i++) {
        while (hi < n && hi <= i + W) dc_move(&d, t, n, p1, hi++, 1);
        if (i > W) dc_move(&d, t, n, p1, i - W - 1, -1);
        kb_ner_tok *c = &t[i];
        const dc_slot *w = dc_get(&d, c->h_s);
        int cnt[T], tot = 0;
        for (int k = 0; k < T; k++) {
            cnt[k] = w->c[k] - (k == p1[i]);
            tot += cnt[k];
        }
        c->ctx = 1;
        c->p1 = (unsigned char)p1[i];
        c->dmaj = 0;
        c->dmask = 0;
        c->dfirst = 0;
        if (tot) {
            int best = 0, be = 0;
            for (int x = 0; x < KB_NER_NTYPES; x++) {
                int e = cnt[KB_NER_B(x)] + cnt[KB_NER_B(x) + 1];
                if (e) c->dmask |= (unsigned char)(1u << x);
                if (e > be) { be = e; best = x; }
            }
            if (cnt[0]) c->dmask |= 1u << 4;
            c->dmaj = be && be >= cnt[0] ? (unsigned char)(2 + best) : 1;
            c->dfirst = be && cnt[KB_NER_B(best)] >= cnt[KB_NER_B(best) + 1];
        }
        c->dnext = i + 1 < n ? pair_type(dc_get(&d, pair_key(t, i)), pair_span(p1, i)) : 0;
        c->dprev = i >= 1 ? pair_type(dc_get(&d, pair_key(t, i - 1)), pair_span(p1, i - 1)) : 0;
    }
    free(own);
    return 0;
}

/* 1 if toks[i] is an Arabic word that could be part of a name: no
** punctuation, stopword, title, place, organisation or nisba. */
static int namelike(const kb_ner_tok *t) {
    return (t->shape & 7) == SH_ARABIC && !(t->gz & (KB_GZ_TITLE | KB_GZ_LOC | KB_GZ_ORG | KB_GZ_NISBA | KB_GZ_TRIGGER)) &&
           !t->span && !kb_is_stopword(t->w, t->n);
}

/* "و" + a word that the news mostly uses inside persons' names (the
** induced table, data/ner-induced.tsv: a PER share of 0.35 or more). */
static int and_person(const kb_ner_tok *t) {
    return t->n > 4 && starts(t->w, t->n, AR_WAW) && (t->ig & KB_NER_IG_KNOWN) && (t->ig & 3) >= 2;
}

/* Span-level repair after the last pass: "و" + a given name inside a
** person's name opens a new one ("بلال عبدالرحمن وعزت جدوع": two persons;
** dev +0.002 on both splits), as does "و" + a word the news mostly uses in
** persons' names (and_person: "بوش وبلير"; ANERcorp's training part has
** 125 B-PER against 43 I-PER on a و-word after a person, 14 of the I
** "ولد"; dev +0.0013); a person's name started one word
** late, where the word before B-PER is a given name the gazetteer knows.
** (Two more rules were tried on the dev split and dropped, as they cost
** more than they gained: extending B-PER left over any word that follows a
** title, and pulling an organisation keyword in front of an ORG/LOC span
** into it, which ANERcorp often tags O.) */
static void fix_spans(const kb_ner_tok *t, size_t n, int *tags) {
    const int BPER = KB_NER_B(0);
    for (size_t i = 1; i < n; i++) {
        if (tags[i] == BPER + 1 && ((t[i].shape & SH_AND_NAME) || and_person(&t[i]))) tags[i] = BPER;
        if (tags[i] == BPER && !tags[i - 1] && namelike(&t[i - 1]) &&
            (t[i - 1].gz & KB_GZ_GIVEN)) {
            tags[i - 1] = BPER;
            tags[i] = BPER + 1;
        }
    }
}

/* --- the joint table ------------------------------------------------------- */

/* A two-pass model whose passes hash features into tables of one size reads
** each base feature's row in both at once: the second pass's sum of the base
** features (the same rows as the first pass's) is gathered during the first
** pass, and the second pass then reads only its document-context rows. The
** joint table keeps both passes' weights of a row in one 64-byte cache line:
** JT_W1 first pass tags 0-7, JT_W2 second pass tags 0-7, then tag 8 of each.
** A row costs one cache miss instead of two, and the tagger is bound by
** those misses. (Integer sums in any order are exact, so the tags are the
** same as kb__ner_tag's.) */
enum { JT_ROW = 32, JT_W1 = 0, JT_W2 = 8, JT_L1 = 16, JT_L2 = 17 };
_Static_assert(KB_NER_NTAGS == 9, "the joint row holds tags 0-7 in one vector, tag 8 apart");

/* After the rows, two bitmaps of the rows that are not all zero: in either
** pass (JT_NZ_ANY), in the second (JT_NZ_2). Over half the rows are zero
** (the perceptron never moved them), and a row that adds nothing need not
** be read: the bitmaps fit the CPU caches, the table does not. */
enum { JT_NZ_ANY, JT_NZ_2 };

static const uint64_t *jt_nz(const kb_ner_model *m, int which) {
    size_t rows = (size_t)1 << m->rows_log2;
    return (const uint64_t *)(const void *)(m->joint + rows * JT_ROW) + (size_t)which * (rows / 64);
}

static int16_t *joint_build(const kb_ner_model *a, const kb_ner_model *b) {
    enum { T = KB_NER_NTAGS };
    size_t rows = (size_t)1 << a->rows_log2;
    int16_t *j = kb__alloc_table(rows * JT_ROW * sizeof *j + 2 * (rows / 8));
    if (!j) return NULL;
    uint64_t *nz = (uint64_t *)(void *)(j + rows * JT_ROW);
    memset(nz, 0, 2 * (rows / 8));
    for (size_t r = 0; r < rows; r++) {
        int16_t *d = j + r * JT_ROW;
        const int16_t *x = a->w + r * T, *y = b->w + r * T;
        memset(d, 0, JT_ROW * sizeof *d);
        for (int t = 0; t < 8; t++) {
            d[JT_W1 + t] = x[t];
            d[JT_W2 + t] = y[t];
        }
        d[JT_L1] = x[8];
        d[JT_L2] = y[8];
        int any1 = 0, any2 = 0;
        for (int t = 0; t < T; t++) {
            any1 |= x[t] != 0;
            any2 |= y[t] != 0;
        }
        if (any1 || any2) nz[JT_NZ_ANY * (rows / 64) + r / 64] |= 1ULL << (r % 64);
        if (any2) nz[JT_NZ_2 * (rows / 64) + r / 64] |= 1ULL << (r % 64);
    }
    return j;
}

/* Drop the rows of r[0..nf) that the bitmap nz says are zero; returns how many remain. */
static inline size_t nz_keep(const uint64_t *nz, uint32_t *r, size_t nf) {
    size_t k = 0;
    for (size_t f = 0; f < nf; f++) {
        uint32_t x = r[f];
        r[k] = x;
        k += (size_t)(nz[x >> 6] >> (x & 63)) & 1;
    }
    return k;
}

/* Sum rows r[0..nf) of the joint table: the first pass's into a1 (unless
** NULL), the second's into a2. */
static inline void joint_sum(const int16_t *jt, const uint32_t *r, size_t nf, int32_t *a1, int32_t *a2) {
#if defined(__SSE2__)
    __m128i lo1 = _mm_setzero_si128(), hi1 = lo1, lo2 = lo1, hi2 = lo1;
    int32_t l1 = 0, l2 = 0, x[8];
    if (a1) {
        for (size_t f = 0; f < nf; f++) {
            const int16_t *row = jt + (size_t)r[f] * JT_ROW;
            __m128i v = _mm_load_si128((const __m128i *)(const void *)(row + JT_W1));
            __m128i u = _mm_load_si128((const __m128i *)(const void *)(row + JT_W2));
            lo1 = _mm_add_epi32(lo1, _mm_srai_epi32(_mm_unpacklo_epi16(v, v), 16));
            hi1 = _mm_add_epi32(hi1, _mm_srai_epi32(_mm_unpackhi_epi16(v, v), 16));
            lo2 = _mm_add_epi32(lo2, _mm_srai_epi32(_mm_unpacklo_epi16(u, u), 16));
            hi2 = _mm_add_epi32(hi2, _mm_srai_epi32(_mm_unpackhi_epi16(u, u), 16));
            l1 += row[JT_L1];
            l2 += row[JT_L2];
        }
        _mm_storeu_si128((__m128i *)(void *)x, lo1);
        _mm_storeu_si128((__m128i *)(void *)(x + 4), hi1);
        for (int t = 0; t < 8; t++) a1[t] += x[t];
        a1[8] += l1;
    } else {
        for (size_t f = 0; f < nf; f++) {
            const int16_t *row = jt + (size_t)r[f] * JT_ROW;
            __m128i u = _mm_load_si128((const __m128i *)(const void *)(row + JT_W2));
            lo2 = _mm_add_epi32(lo2, _mm_srai_epi32(_mm_unpacklo_epi16(u, u), 16));
            hi2 = _mm_add_epi32(hi2, _mm_srai_epi32(_mm_unpackhi_epi16(u, u), 16));
            l2 += row[JT_L2];
        }
    }
    _mm_storeu_si128((__m128i *)(void *)x, lo2);
    _mm_storeu_si128((__m128i *)(void *)(x + 4), hi2);
    for (int t = 0; t < 8; t++) a2[t] += x[t];
    a2[8] += l2;
#else
    for (size_t f = 0; f < nf; f++) {
        const int16_t *row = jt + (size_t)r[f] * JT_ROW;
        for (int t = 0; t < 8; t++) {
            if (a1) a1[t] += row[JT_W1 + t];
            a2[t] += row[JT_W2 + t];
        }
        if (a1) a1[8] += row[JT_L1];
        a2[8] += row[JT_L2];
    }
#endif
}

/* One pass over a sentence with m's joint table. Pass 1 tags with m and
** leaves in part[i] the second pass's sum of token i's base features and of
** its own word-only features (ctx_sel's FT_UNI); pass 2 adds the rest of
** its own (ctx_sel's FT_CTX) and tags with m->second. */
static kb_ner_model g_model; /* the embedded model (kb__ner_model) */

static void tag_joint(const kb_ner_model *m, const kb_ner_tok *toks, size_t n, int *tags, int32_t *part,
                      int pass) {
    enum { T = KB_NER_NTAGS, AHEAD = 2, RING = 4 };
    float em[KB_NER_MAXLEN * T];
    uint32_t rows[RING][KB_NER_MAXFEAT];
    size_t nf[RING], nu[RING], n2[RING];
    /* per ring slot: the word's cache entry, whose sums are used, or
    ** filled (fill[]) from the first nu + n2 rows; NULL: plain sum. In the
    ** first pass, rows [nu, nu + n2) are the second pass's own word-only
    ** rows (ctx_sel's FT_UNI), which add to the second pass's sum alone. */
    wc_entry *ue[RING];
    unsigned char fill[RING];
    const kb_ner_model *mm = pass == 1 ? m : m->second;
    /* Only the embedded model's sums are cached: it is never freed, so its
    ** joint table's address names its weights for good. */
    /* (Nor while IG.off hides the induced table: the sums read it.) */
    wc_entry *tab = pass == 1 && m == &g_model && !IG.off ? wc_get() : NULL;
    const uint64_t *nz = jt_nz(m, pass == 1 ? JT_NZ_ANY : JT_NZ_2), *nz2 = jt_nz(m, JT_NZ_2);
    uint32_t mask = (1u << m->rows_log2) - 1;
    if (n > KB_NER_MAXLEN) n = KB_NER_MAXLEN;
    for (size_t i = 0; i < n + AHEAD; i++) {
#if defined(__GNUC__)
        /* The word cache entry of the token AHEAD further on, all four
        ** lines of it (key, jt, sums): the rows read since kb__ner_prepare
        ** touched it have pushed it out of L2. */
        if (tab && i + AHEAD < n && toks[i + AHEAD].wc && toks[i + AHEAD].wc <= WC_SLOTS) {
            const char *pe = (const char *)&tab[toks[i + AHEAD].wc - 1];
            for (size_t l = 0; l < sizeof(wc_entry); l += 64) __builtin_prefetch(pe + l);
        }
#endif
        if (i < n) {
            uint32_t *r = rows[i % RING];
            size_t k, u = 0, u2 = 0;
            wc_entry *e = NULL;
            /* (kb__ner_doc_context sets ctx on every token: the second
            ** pass's word-only rows, summed in the first, are never extra.) */
            if (pass == 2) k = toks[i].ctx ? nz_keep(nz, r, ctx_sel(toks, n, i, mask, r, FT_CTX)) : 0;
            else if ((e = wc_for(tab, &toks[i])) != NULL && e->jt == m->joint) {
                k = nz_keep(nz, r, base_sel(toks, n, i, mask, r, FT_CTX));
            } else {
                u = e ? nz_keep(nz, r, base_sel(toks, n, i, mask, r, FT_UNI)) : 0;
                u2 = nz_keep(nz2, r + u, ctx_sel(toks, n, i, mask, r + u, FT_UNI));
                k = u + u2 + nz_keep(nz, r + u + u2, base_sel(toks, n, i, mask, r + u + u2, e ? FT_CTX : FT_UNI | FT_CTX));
            }
            nf[i % RING] = k;
            nu[i % RING] = u;
            n2[i % RING] = u2;
            ue[i % RING] = e;
            fill[i % RING] = e && e->jt != m->joint;
#if defined(__GNUC__)
            for (size_t f = 0; f < k; f++) __builtin_prefetch(m->joint + (size_t)r[f] * JT_ROW);
#endif
        }
        if (i < AHEAD) continue;
        size_t j = i - AHEAD, s = j % RING;
        int32_t *p2 = part + j * T, acc[T] = {0};
        if (pass == 1) {
            wc_entry *e = ue[s];
            size_t u = nu[s] + n2[s];
            if (e && fill[s]) {
                int32_t u1[T] = {0}, u2[T] = {0};
                joint_sum(m->joint, rows[s], nu[s], u1, u2);
                joint_sum(m->joint, rows[s] + nu[s], n2[s], NULL, u2);
                memcpy(e->u[0], u1, sizeof u1);
                memcpy(e->u[1], u2, sizeof u2);
                e->jt = m->joint;
            }
            for (int t = 0; t < T; t++) {
                acc[t] = e ? e->u[0][t] : 0;
                p2[t] = e ? e->u[1][t] : 0;
            }
            if (!e) joint_sum(m->joint, rows[s], n2[s], NULL, p2);
            joint_sum(m->joint, rows[s] + u, nf[s] - u, acc, p2);
        } else {
            for (int t = 0; t < T; t++) acc[t] = p2[t];
            joint_sum(m->joint, rows[s], nf[s], NULL, acc);
        }
        for (int t = 0; t < T; t++) em[j * T + t] = (float)acc[t] * mm->scale;
    }
    kb__ner_viterbi(em, n, mm->trans, tags);
}

int kb__ner_tag_doc(const kb_ner_model *m, kb_ner_tok *toks, size_t n, const size_t *sent, size_t ns,
                    int *tags) {
    /* The joint table serves when the first pass sees no document context
    ** (as after kb__ner_prepare); else, or out of memory, each pass reads
    ** its own table. */
    int32_t *part = NULL;
    if (m->joint && m->second && n) {
        size_t i = 0;
        while (i < n && !toks[i].ctx) i++;
        if (i == n) part = malloc(n * KB_NER_NTAGS * sizeof *part);
    }
    for (size_t s = 0; s < ns; s++) {
        size_t a = sent[s], b = s + 1 < ns ? sent[s + 1] : n;
        if (part) tag_joint(m, toks + a, b - a, tags + a, part + a * KB_NER_NTAGS, 1);
        else kb__ner_tag(m, toks + a, b - a, tags + a);
    }
    if (!m->second || !n) return 0;
    if (kb__ner_doc_context(toks, n, tags)) {
        free(part);
        return -1;
    }
    for (size_t s = 0; s < ns; s++) {
        size_t a = sent[s], b = s + 1 < ns ? sent[s + 1] : n;
        if (part) tag_joint(m, toks + a, b - a, tags + a, part + a * KB_NER_NTAGS, 2);
        else kb__ner_tag(m->second, toks + a, b - a, tags + a);
        fix_spans(toks + a, b - a, tags + a);
    }
    free(part);
    return 0;
}

/* --- decoding ---------------------------------------------------------------- */

void kb__ner_viterbi(const float *em, size_t n, const float *trans, int *tags) {
    enum { T = KB_NER_NTAGS };
    float score[2][T];
    unsigned char back[KB_NER_MAXLEN][T];
    if (n == 0) return;
    for (int t = 0; t < T; t++)
        score[0][t] = kb__ner_allowed(0, t) ? trans[T * T + t] + em[t] : -FLT_MAX;
#if defined(__SSE2__)
    /* The scalar loop below, by kinds of tag: O and the four B-X may follow
    ** any tag (B-X four lanes of a vector, O a scalar, p by p); I-X only
    ** B-X or I-X (four lanes, two candidates). Each keeps the first best p
    ** (a later p must be strictly greater), and a p whose score is -FLT_MAX
    ** is skipped, as there. Tag numbers: B-X = 1 + 2x, I-X = 2 + 2x. */
    _Static_assert(KB_NER_NTAGS == 9, "four types");
    float tB[T][4], tO[T];
    for (int p = 0; p < T; p++) {
        tO[p] = trans[p * T];
        for (int x = 0; x < 4; x++) tB[p][x] = trans[p * T + 1 + 2 * x];
    }
    __m128 tBI = _mm_setr_ps(trans[1 * T + 2], trans[3 * T + 4], trans[5 * T + 6], trans[7 * T + 8]);
    __m128 tII = _mm_setr_ps(trans[2 * T + 2], trans[4 * T + 4], trans[6 * T + 6], trans[8 * T + 8]);
    const __m128 lowest = _mm_set1_ps(-FLT_MAX), ninf = _mm_set1_ps(-INFINITY);
    const __m128i iI = _mm_setr_epi32(2, 4, 6, 8);
    for (size_t i = 1; i < n; i++) {
        float *prev = score[(i - 1) & 1], *cur = score[i & 1];
        /* O and B-X */
        __m128 bB = lowest;
        __m128i aB = _mm_setzero_si128();
        float bO = -FLT_MAX;
        int aO = 0;
        for (int p = 0; p < T; p++) {
            if (prev[p] == -FLT_MAX) continue;
            __m128 sv = _mm_add_ps(_mm_set1_ps(prev[p]), _mm_loadu_ps(tB[p]));
            __m128 g = _mm_cmpgt_ps(sv, bB);
            __m128i gi = _mm_castps_si128(g);
            bB = _mm_or_ps(_mm_and_ps(g, sv), _mm_andnot_ps(g, bB));
            aB = _mm_or_si128(_mm_and_si128(gi, _mm_set1_epi32(p)), _mm_andnot_si128(gi, aB));
            float so = prev[p] + tO[p];
            if (so > bO) { bO = so; aO = p; }
        }
        /* I-X: B-X (p = t - 1), then I-X (p = t) */
        __m128 pa = _mm_loadu_ps(prev + 1), pb = _mm_loadu_ps(prev + 5);
        __m128 pBv = _mm_shuffle_ps(pa, pb, _MM_SHUFFLE(2, 0, 2, 0)); /* prev[1, 3, 5, 7] */
        __m128 pIv = _mm_shuffle_ps(pa, pb, _MM_SHUFFLE(3, 1, 3, 1)); /* prev[2, 4, 6, 8] */
        __m128 skB = _mm_cmpeq_ps(pBv, lowest), skI = _mm_cmpeq_ps(pIv, lowest);
        __m128 c1 = _mm_add_ps(_mm_or_ps(_mm_and_ps(skB, ninf), _mm_andnot_ps(skB, pBv)), tBI);
        __m128 c2 = _mm_add_ps(_mm_or_ps(_mm_and_ps(skI, ninf), _mm_andnot_ps(skI, pIv)), tII);
        __m128 g1 = _mm_cmpgt_ps(c1, lowest);
        __m128 bI = _mm_or_ps(_mm_and_ps(g1, c1), _mm_andnot_ps(g1, lowest));
        __m128i aI = _mm_and_si128(_mm_castps_si128(g1), _mm_sub_epi32(iI, _mm_set1_epi32(1)));
        __m128 g2 = _mm_cmpgt_ps(c2, bI);
        __m128i g2i = _mm_castps_si128(g2);
        bI = _mm_or_ps(_mm_and_ps(g2, c2), _mm_andnot_ps(g2, bI));
        aI = _mm_or_si128(_mm_and_si128(g2i, iI), _mm_andnot_si128(g2i, aI));
        float vb[4], vi[4];
        int32_t xb[4], xi[4];
        _mm_storeu_ps(vb, bB);
        _mm_storeu_ps(vi, bI);
        _mm_storeu_si128((__m128i *)(void *)xb, aB);
        _mm_storeu_si128((__m128i *)(void *)xi, aI);
        float best[T];
        int arg[T];
        best[0] = bO;
        arg[0] = aO;
        for (int x = 0; x < 4; x++) {
            best[1 + 2 * x] = vb[x];
            arg[1 + 2 * x] = xb[x];
            best[2 + 2 * x] = vi[x];
            arg[2 + 2 * x] = xi[x];
        }
        for (int t = 0; t < T; t++) {
            cur[t] = best[t] == -FLT_MAX ? best[t] : best[t] + em[i * T + t];
            back[i][t] = (unsigned char)arg[t];
        }
    }
#else
    for (size_t i = 1; i < n; i++) {
        float *prev = score[(i - 1) & 1], *cur = score[i & 1];
        for (int t = 0; t < T; t++) {
            float best = -FLT_MAX;
            int arg = 0;
            /* kb__ner_allowed(p, t): any p before O and B-X; before I-X only B-X
            ** (t - 1) and I-X (t), tried in the same order as p runs. */
            int p0 = t == 0 || KB_NER_IS_B(t) ? 0 : t - 1, p1 = t == 0 || KB_NER_IS_B(t) ? T : t + 1;
            for (int p = p0; p < p1; p++) {
                if (prev[p] == -FLT_MAX) continue;
                float s = prev[p] + trans[p * T + t];
                if (s > best) { best = s; arg = p; }
            }
            cur[t] = best == -FLT_MAX ? best : best + em[i * T + t];
            back[i][t] = (unsigned char)arg;
        }
    }
#endif
    float *last = score[(n - 1) & 1];
    int arg = 0;
    for (int t = 1; t < T; t++)
        if (last[t] > last[arg]) arg = t;
    for (size_t i = n; i-- > 0;) {
        tags[i] = arg;
        if (i) arg = back[i][arg];
    }
}

/* Sum the weight rows r[0..nf) into acc[0..T). The rows are 18 bytes, at
** random places of a table of megabytes: the callers prefetch them a few
** tokens ahead (see kb__ner_tag), and the sum is exact integer arithmetic,
** so its order does not matter. */
static inline void add_rows(const int16_t *w, const uint32_t *r, size_t nf, int32_t *acc) {
    enum { T = KB_NER_NTAGS };
#if defined(__SSE2__)
    __m128i lo = _mm_setzero_si128(), hi = _mm_setzero_si128();
    int32_t last = 0;
    for (size_t f = 0; f < nf; f++) {
        const int16_t *row = w + (size_t)r[f] * T;
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)row);
        /* sign-extend the eight int16 lanes to int32 */
        lo = _mm_add_epi32(lo, _mm_srai_epi32(_mm_unpacklo_epi16(v, v), 16));
        hi = _mm_add_epi32(hi, _mm_srai_epi32(_mm_unpackhi_epi16(v, v), 16));
        last += row[8];
    }
    int32_t a[8];
    _mm_storeu_si128((__m128i *)(void *)a, lo);
    _mm_storeu_si128((__m128i *)(void *)(a + 4), hi);
    for (int t = 0; t < 8; t++) acc[t] += a[t];
    acc[8] += last;
#else
    for (size_t f = 0; f < nf; f++) {
        const int16_t *row = w + (size_t)r[f] * T;
        for (int t = 0; t < T; t++) acc[t] += row[t];
    }
#endif
}

static inline void prefetch_rows(const int16_t *w, const uint32_t *r, size_t nf) {
#if defined(__GNUC__)
    for (size_t f = 0; f < nf; f++) {
        const char *p = (const char *)(w + (size_t)r[f] * KB_NER_NTAGS);
        __builtin_prefetch(p);
        /* the row's last byte, when it lies on the next cache line */
        if (((uintptr_t)p & 63) > 64 - 2 * KB_NER_NTAGS) __builtin_prefetch(p + 2 * KB_NER_NTAGS - 1);
    }
#else
    (void)w; (void)r; (void)nf;
#endif
}

void kb__ner_tag(const kb_ner_model *m, const kb_ner_tok *toks, size_t n, int *tags) {
    enum { T = KB_NER_NTAGS, AHEAD = 2, RING = 4 };
    float em[KB_NER_MAXLEN * T];
    uint32_t rows[RING][KB_NER_MAXFEAT];
    size_t nf[RING];
    uint32_t mask = (1u << m->rows_log2) - 1;
    if (n > KB_NER_MAXLEN) n = KB_NER_MAXLEN;
    /* Token i's rows are computed and prefetched while token i - AHEAD's
    ** are summed: the loads of several tokens are in flight at once. */
    for (size_t i = 0; i < n + AHEAD; i++) {
        if (i < n) {
            nf[i % RING] = kb__ner_features(toks, n, i, mask, rows[i % RING]);
            prefetch_rows(m->w, rows[i % RING], nf[i % RING]);
        }
        if (i < AHEAD) continue;
        size_t j = i - AHEAD;
        int32_t acc[T] = {0};
        add_rows(m->w, rows[j % RING], nf[j % RING], acc);
        for (int t = 0; t < T; t++) em[j * T + t] = (float)acc[t] * m->scale;
    }
    kb__ner_viterbi(em, n, m->trans, tags);
}

/* --- the model file ---------------------------------------------------------- */

static uint32_t rd32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static float rdf(const unsigned char *p) {
    uint32_t u = rd32(p);
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* One model image; returns its size in bytes, or 0 when malformed. */
static size_t parse_one(kb_ner_model *m, const unsigned char *p, size_t n) {
    const size_t head = 8 + 4 + 4 + 4 + 4 * (KB_NER_NTAGS + 1) * KB_NER_NTAGS;
    memset(m, 0, sizeof *m);
    if (!p || n < head || memcmp(p, KB_NER_MAGIC, 8)) return 0;
    uint32_t lg = rd32(p + 8), nt = rd32(p + 12);
    if (lg < 8 || lg > 24 || nt != KB_NER_NTAGS) return 0;
    size_t cells = ((size_t)1 << lg) * KB_NER_NTAGS;
    if (n < head + cells * 2) return 0;
    m->rows_log2 = lg;
    m->scale = rdf(p + 16);
    for (size_t i = 0; i < (KB_NER_NTAGS + 1) * KB_NER_NTAGS; i++) m->trans[i] = rdf(p + 20 + 4 * i);
    /* Copy the weights out: the embedded bytes carry no alignment. */
    m->own = malloc(cells * sizeof *m->own);
    if (!m->own) return 0;
    const unsigned char *q = p + head;
    for (size_t i = 0; i < cells; i++) m->own[i] = (int16_t)(uint16_t)(q[2 * i] | q[2 * i + 1] << 8);
    m->w = m->own;
    return head + cells * 2;
}

int kb__ner_model_parse(kb_ner_model *m, const unsigned char *p, size_t n) {
    size_t used = parse_one(m, p, n);
    if (!used) goto fail;
    if (used == n) return 0;
    m->second = malloc(sizeof *m->second);
    if (!m->second) goto fail;
    if (parse_one(m->second, p + used, n - used) != n - used) goto fail;
    /* Without memory for it, the passes read their own tables. */
    if (m->second->rows_log2 == m->rows_log2 && m->rows_log2 >= 6) m->joint = joint_build(m, m->second);
    return 0;
fail:
    kb__ner_model_free(m);
    return -1;
}

void kb__ner_model_free(kb_ner_model *m) {
    if (!m) return;
    if (m->second) {
        free(m->second->own);
        free(m->second);
    }
    free(m->own);
    free(m->joint);
    memset(m, 0, sizeof *m);
}

static kb_ner_model g_model;
static int g_model_ok;
static pthread_once_t g_model_once = PTHREAD_ONCE_INIT;

static void model_load(void) {
    size_t n = 0;
    const unsigned char *p = kb__data_find("models/ner.bin", &n);
    g_model_ok = p && kb__ner_model_parse(&g_model, p, n) == 0;
}

const kb_ner_model *kb__ner_model(void) {
    pthread_once(&g_model_once, model_load);
    return g_model_ok ? &g_model : NULL;
}
