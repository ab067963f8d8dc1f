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
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static struct {
    gz_entry *e;
    size_t n, cap;
    size_t *slot, nslot;
    int failed;
} G;

static pthread_once_t g_gz_once = PTHREAD_ONCE_INIT;

static gz_entry *gz_find(const char *k, size_t kn) {
    if (!G.nslot) return NULL;
    size_t h = (size_t)kb__hash(k, kn) & (G.nslot - 1);
    for (;;) {
        size_t s = G.slot[h];
        if (!s) return NULL;
        gz_entry *e = &G.e[s - 1];
        if (e->kn == kn && !memcmp(e->key, k, kn)) return e;
        h = (h + 1) & (G.nslot - 1);
    }
}

static int gz_rehash(size_t ns) {
    size_t *slot = calloc(ns, sizeof *slot);
    if (!slot) return -1;
    for (size_t i = 0; i < G.n; i++) {
        size_t h = (size_t)kb__hash(G.e[i].key, G.e[i].kn) & (ns - 1);
        while (slot[h]) h = (h + 1) & (ns - 1);
        slot[h] = i + 1;
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
    size_t h = (size_t)kb__hash(k, kn) & (G.nslot - 1);
    while (G.slot[h]) h = (h + 1) & (G.nslot - 1);
    G.slot[h] = G.n;
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

enum { F_PLACES, F_ORGS, F_TITLES, F_NAMES, F_TRIGGERS };

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
        if (kind == F_PLACES || kind == F_ORGS) {
            int ci = kind == F_PLACES ? 3 : 2;
            const char *cs = k > ci && cn[ci] ? c[ci] : c[0];
            size_t csn = k > ci && cn[ci] ? cn[ci] : cn[0];
            char *canon = dup_n(cs, csn);
            if (!canon) return -1;
            unsigned bits = kind == F_PLACES ? KB_GZ_LOC : KB_GZ_ORG;
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
            if (gz_add(c[0], cn[0], KB_GZ_TRIGGER, NULL, NULL)) return -1;
        }
    }
    return 0;
}

/* --- word clusters (data/ner-clusters.tsv, see ner_clusters.c) ------------- */

/* Keys point into the embedded table, which lives as long as the process. */
typedef struct cl_entry {
    const char *w;
    uint32_t n, cl;
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
    CL.e = calloc(ns, sizeof *CL.e);
    if (!CL.e) return; /* no clusters: the features then read "unknown" */
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
            size_t wn = (size_t)(tab - p), h = (size_t)kb__hash(p, wn) & (ns - 1);
            while (CL.e[h].w && !(CL.e[h].n == wn && !memcmp(CL.e[h].w, p, wn))) h = (h + 1) & (ns - 1);
            if (!CL.e[h].w) CL.e[h] = (cl_entry){p, (uint32_t)wn, cl};
        }
        p = eol + 1;
    }
}

static uint32_t cl_find(const char *w, size_t n) {
    if (!CL.nslot) return 0;
    size_t h = (size_t)kb__hash(w, n) & (CL.nslot - 1);
    while (CL.e[h].w) {
        if (CL.e[h].n == n && !memcmp(CL.e[h].w, w, n)) return CL.e[h].cl;
        h = (h + 1) & (CL.nslot - 1);
    }
    return 0;
}

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
static struct {
    cl_entry *e;
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
    for (size_t i = 0; i < n; i++) lines += d[i] == '\n';
    size_t ns = 1024;
    while (ns < 2 * lines) ns *= 2;
    IG.e = calloc(ns, sizeof *IG.e);
    if (!IG.e) return;
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
            if (uses && memchr(p, ' ', (size_t)(tab - p))) {
                /* a word pair: uses, uses inside one name */
                double f = (double)c[0] / (double)uses;
                unsigned code = 4u | (f < 0.1 ? 0 : f < 0.4 ? 1 : f < 0.75 ? 2 : 3);
                size_t wn = (size_t)(tab - p), h = (size_t)kb__hash(p, wn) & (ns - 1);
                while (IG.e[h].w && !(IG.e[h].n == wn && !memcmp(IG.e[h].w, p, wn))) h = (h + 1) & (ns - 1);
                if (!IG.e[h].w) IG.e[h] = (cl_entry){p, (uint32_t)wn, code};
            } else if (uses) {
                unsigned code = KB_NER_IG_KNOWN;
                for (int x = 0; x < KB_NER_NTYPES; x++) code |= ig_bin(c[x], uses) << (2 * x);
                code |= (unsigned)(in && 2 * opened >= in) << 8;
                code |= (unsigned)(uses < 10 ? 0 : uses < 100 ? 1 : 2) << 9;
                for (int x = 0; x < KB_NER_NTYPES; x++) code |= cue_bin(cue[x], uses) << (16 + 2 * x);
                size_t wn = (size_t)(tab - p), h = (size_t)kb__hash(p, wn) & (ns - 1);
                while (IG.e[h].w && !(IG.e[h].n == wn && !memcmp(IG.e[h].w, p, wn))) h = (h + 1) & (ns - 1);
                if (!IG.e[h].w) IG.e[h] = (cl_entry){p, (uint32_t)wn, code};
            }
        }
        p = eol + 1;
    }
}

unsigned kb__ner_induced(const char *w, size_t n) {
    if (!IG.nslot) return 0;
    size_t h = (size_t)kb__hash(w, n) & (IG.nslot - 1);
    while (IG.e[h].w) {
        if (IG.e[h].n == n && !memcmp(IG.e[h].w, w, n)) return IG.e[h].cl;
        h = (h + 1) & (IG.nslot - 1);
    }
    return 0;
}

void kb__ner_induced_off(int off) { IG.off = off; }

void kb__ner_stem(const char *w, size_t n, const char **s, size_t *sn) { strip_light(w, n, s, sn); }

static void gz_load(void) {
    cl_load();
    ig_load();
    static const struct { const char *name; int kind; } files[] = {
        {"gaz-places.tsv", F_PLACES}, {"gaz-orgs.tsv", F_ORGS}, {"titles.tsv", F_TITLES},
        {"first-names.tsv", F_NAMES}, {"ner-triggers.tsv", F_TRIGGERS}};
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
        if (e && (e->bits & ~(unsigned)KB_GZ_NISBA)) bits = e->bits;
        if (!bits && starts(v[i].p, v[i].n, AR_AL) && cps(v[i].p, v[i].n) >= 5)
            e = gz_find(v[i].p + 4, v[i].n - 4);
        if (e && (e->bits & KB_GZ_NISBA)) {
            bits |= e->bits;
            if (place) *place = e->place;
        }
    }
    return bits;
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

size_t kb__ner_gaz_scan(const kb_ner_tok *toks, size_t n, kb_gaz_match *out, size_t max) {
    char buf[2 * (KB_TOKEN_MAX + 4)];
    char key[KB_NER_GAZ_MAXWORDS * (KB_TOKEN_MAX + 1)];
    size_t nm = 0;
    const unsigned want = KB_GZ_LOC | KB_GZ_ORG | KB_GZ_TITLE;
    for (size_t i = 0; i < n && nm < max;) {
        variant v[6];
        size_t nv = toks[i].n <= KB_TOKEN_MAX ? variants(toks[i].w, toks[i].n, buf, v) : 0;
        size_t best = 0;
        kb_gaz_match m = {0};
        for (size_t k = 0; k < nv; k++) {
            gz_entry *e = gz_find(v[k].p, v[k].n);
            if (!e) continue;
            size_t top = e->maxwords < n - i ? e->maxwords : n - i;
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
                    m = (kb_gaz_match){i, i + L, f->bits, f->canonical, v[k].lil ? 0xFF : v[k].strip};
                    break;
                }
            }
            if (!best && (e->bits & want) && e->canonical) {
                best = 1;
                m = (kb_gaz_match){i, i + 1, e->bits, e->canonical, v[k].lil ? 0xFF : v[k].strip};
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

void kb__ner_prepare(kb_ner_tok *t, size_t n) {
    kb__ner_gaz_init();
    for (size_t i = 0; i < n; i++) {
        const char *w = t[i].w, *s;
        size_t wn = t[i].n, sn;
        if (!wn) { w = "_"; wn = 1; }
        strip_light(w, wn, &s, &sn);
        t[i].h_w = kb__hash(w, wn);
        t[i].h_s = kb__hash(s, sn);
        for (size_t k = 1; k <= 3; k++) {
            size_t pb = cp_bytes(s, sn, k);
            size_t total = cps(s, sn);
            size_t sb = total > k ? cp_bytes(s, sn, total - k) : 0;
            t[i].h_pre[k - 1] = kb__hash(s, pb) + k;
            t[i].h_suf[k - 1] = kb__hash(s + sb, sn - sb) + 7 * k;
        }
        t[i].shape = word_shape(w, wn, s, sn);
        if (starts(w, wn, AR_WAW) && cps(w, wn) >= 4) {
            /* "وعزت": "and" + a given name, which opens a name of its own */
            gz_entry *e = gz_find(w, wn);
            if (!(e && (e->bits & KB_GZ_GIVEN)) &&
                (kb__ner_word_class(w + 2, wn - 2, NULL) & (KB_GZ_GIVEN | KB_GZ_FAMILY)))
                t[i].shape |= SH_AND_NAME;
        }
        t[i].gz = kb__ner_word_class(w, wn, NULL);
        t[i].span = 0;
        t[i].cl = kb__ner_cluster(w, wn);
        t[i].band = KB_NER_CL_BAND(t[i].cl);
        t[i].cl &= ~(0x1Fu << 26);
        t[i].ig = IG.off ? 0 : kb__ner_induced(s, sn);
        t[i].ctx = t[i].p1 = t[i].dmaj = t[i].dmask = t[i].dfirst = t[i].dnext = t[i].dprev = 0;
    }
    /* Word pairs of the induced table: the pair code goes in bits 24-26 of
    ** the first word's ig. */
    if (IG.nslot && !IG.off)
        for (size_t i = 0; i + 1 < n; i++) {
            if (!((t[i].ig | t[i + 1].ig) & 0xFF) || !t[i].n || !t[i + 1].n) continue;
            const char *a, *b;
            size_t an, bn;
            strip_light(t[i].w, t[i].n, &a, &an);
            strip_light(t[i + 1].w, t[i + 1].n, &b, &bn);
            char key[2 * KB_TOKEN_MAX + 2];
            if (an + bn + 1 > sizeof key) continue;
            memcpy(key, a, an);
            key[an] = ' ';
            memcpy(key + an + 1, b, bn);
            t[i].ig |= kb__ner_induced(key, an + bn + 1) << 24;
        }
    kb_gaz_match m[KB_NER_MAXLEN];
    size_t nm = kb__ner_gaz_scan(t, n, m, KB_NER_MAXLEN);
    for (size_t k = 0; k < nm; k++) {
        unsigned cls = m[k].cls & KB_GZ_LOC ? 1 : m[k].cls & KB_GZ_ORG ? 2 : 3;
        for (size_t j = m[k].i; j < m[k].j; j++) t[j].span = cls << 1 | (j > m[k].i);
    }
}

static inline uint32_t row_of(uint64_t tmpl, uint64_t h, uint32_t mask) {
    uint64_t x = h ^ (tmpl * 0x9E3779B97F4A7C15ULL);
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 29;
    return (uint32_t)x & mask;
}

static inline uint64_t pair(uint64_t a, uint64_t b) { return a * 0x100000001B3ULL + (b ^ (b >> 17)); }

size_t kb__ner_features(const kb_ner_tok *t, size_t n, size_t i, uint32_t mask, uint32_t *r) {
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
    r[k++] = row_of(1, 0, mask);
    r[k++] = row_of(2, c->h_w, mask);
    r[k++] = row_of(3, c->h_s, mask);
    r[k++] = row_of(4, wm1, mask);
    r[k++] = row_of(5, wp1, mask);
    r[k++] = row_of(6, wm2, mask);
    r[k++] = row_of(7, wp2, mask);
    r[k++] = row_of(8, sm1, mask);
    r[k++] = row_of(9, sp1, mask);
    r[k++] = row_of(10, pair(wm1, c->h_w), mask);
    r[k++] = row_of(11, pair(c->h_w, wp1), mask);
    for (int j = 0; j < 3; j++) {
        r[k++] = row_of(12 + (uint64_t)j, c->h_pre[j], mask);
        r[k++] = row_of(15 + (uint64_t)j, c->h_suf[j], mask);
    }
    r[k++] = row_of(18, c->shape, mask);
    r[k++] = row_of(19, (uint64_t)shm1 << 20 | (uint64_t)c->shape << 10 | shp1, mask);
    r[k++] = row_of(20, c->gz, mask);
    for (unsigned b = 0; b < 8; b++)
        if (c->gz & (1u << b)) r[k++] = row_of(21, b, mask);
    r[k++] = row_of(22, gm1, mask);
    r[k++] = row_of(23, gp1, mask);
    r[k++] = row_of(24, gm2, mask);
    r[k++] = row_of(25, gp2, mask);
    r[k++] = row_of(26, c->span, mask);
    r[k++] = row_of(27, spm1, mask);
    r[k++] = row_of(28, spp1, mask);
    r[k++] = row_of(29, (uint64_t)gm1 << 16 | c->gz, mask);
    r[k++] = row_of(30, pair(sm1, c->gz), mask);
    r[k++] = row_of(31, pair(sp1, c->gz), mask);
    r[k++] = row_of(32, (uint64_t)(i == 0) << 8 | (c->shape & 7), mask);
    r[k++] = row_of(33, (uint64_t)c->gz << 16 | gp1, mask);
    r[k++] = row_of(34, pair(c->h_suf[1], sm1), mask);
    r[k++] = row_of(35, pair(c->h_s, (uint64_t)gm1), mask);
    r[k++] = row_of(36, (uint64_t)gm2 << 16 | gm1, mask);
    r[k++] = row_of(37, pair(sm1, c->h_s), mask);
    r[k++] = row_of(38, pair(c->h_s, sp1), mask);
    r[k++] = row_of(39, i >= 1 ? t[i - 1].h_suf[1] : BOS, mask);
    r[k++] = row_of(40, i + 1 < n ? t[i + 1].h_suf[1] : EOS, mask);
    r[k++] = row_of(41, i >= 1 ? t[i - 1].h_pre[1] : BOS, mask);
    /* Word clusters: what the news corpus says about words ANERcorp never
    ** showed, at three granularities, of the word and its neighbours. */
    uint64_t c0 = c->cl, cm1 = i >= 1 ? t[i - 1].cl : 0x7FEu << 20, cp1 = i + 1 < n ? t[i + 1].cl : 0x7FDu << 20;
    uint64_t cm2 = i >= 2 ? t[i - 2].cl : 0x7FEu << 20, cp2 = i + 2 < n ? t[i + 2].cl : 0x7FDu << 20;
#define FINE(x) ((x) & 0xFFFFFFFFu)
#define MID(x) ((x) >> 12)
#define COARSE(x) ((x) >> 20)
    r[k++] = row_of(42, FINE(c0), mask);
    r[k++] = row_of(43, MID(c0), mask);
    r[k++] = row_of(44, COARSE(c0), mask);
    r[k++] = row_of(45, FINE(cm1), mask);
    r[k++] = row_of(46, FINE(cp1), mask);
    r[k++] = row_of(47, MID(cm2), mask);
    r[k++] = row_of(48, MID(cp2), mask);
    r[k++] = row_of(49, MID(cm1) << 32 | MID(c0), mask);
    r[k++] = row_of(50, MID(c0) << 32 | MID(cp1), mask);
    r[k++] = row_of(51, COARSE(cm1) << 40 | COARSE(c0) << 20 | COARSE(cp1), mask);
    r[k++] = row_of(52, FINE(c0) << 16 | c->gz, mask);
    r[k++] = row_of(53, pair(wm1, FINE(c0)), mask);
    r[k++] = row_of(54, pair(wp1, FINE(c0)), mask);
    r[k++] = row_of(55, FINE(cm1) << 32 | FINE(c0), mask);
    r[k++] = row_of(56, FINE(c0) << 32 | FINE(cp1), mask);
    r[k++] = row_of(57, pair(c->h_suf[1], MID(c0)), mask);
    r[k++] = row_of(58, pair(c->h_pre[1], MID(c0)), mask);
    r[k++] = row_of(59, (uint64_t)c->shape << 32 | MID(c0), mask);
    r[k++] = row_of(60, MID(cm1) << 16 | c->gz, mask);
    r[k++] = row_of(61, c->band, mask);
    if (c->ctx) {
        /* Second pass. What the first pass made of the word across the
        ** unlabeled news (data/ner-induced.tsv: the share of its uses inside
        ** a name of each type), and of its neighbours. Only the second pass
        ** reads it (dev: 0.754 -> 0.7531 read by both passes, 0.7589 by
        ** the second only; see docs/internals/analyze.md "Entities"). */
        uint64_t g0 = c->ig & 0xFFFFFFu, gm = i >= 1 ? t[i - 1].ig & 0x10FFu : 0x20000;
        uint64_t gp = i + 1 < n ? t[i + 1].ig & 0x10FFu : 0x30000;
        r[k++] = row_of(75, g0, mask);
        r[k++] = row_of(76, gm, mask);
        r[k++] = row_of(77, gp, mask);
        r[k++] = row_of(78, gm << 16 | (g0 & 0x11FF), mask);
        r[k++] = row_of(79, (g0 & 0x11FF) << 20 | gp, mask);
        /* How often (this word, next word) and (previous word, this word)
        ** made one name in the news. */
        uint64_t pn = c->ig >> 24, pq = i >= 1 ? t[i - 1].ig >> 24 : 8;
        r[k++] = row_of(85, pn, mask);
        r[k++] = row_of(86, pq, mask);
        r[k++] = row_of(87, pq << 16 | pn << 8 | c->p1, mask);
        /* How often the word follows a title or given name, an organisation
        ** keyword, a place word or an event/work word in the news. */
        uint64_t q0 = (c->ig >> 16) & 0xFF, qm = i >= 1 ? (t[i - 1].ig >> 16) & 0xFF : 0x300;
        uint64_t qp = i + 1 < n ? (t[i + 1].ig >> 16) & 0xFF : 0x400;
        r[k++] = row_of(81, q0, mask);
        r[k++] = row_of(82, qm << 12 | q0, mask);
        r[k++] = row_of(83, q0 << 12 | qp, mask);
        r[k++] = row_of(84, q0 << 12 | c->gz, mask);
        /* The first pass's tags here and next door, and what
        ** the same word (or word pair) was tagged elsewhere in the document.
        ** A name usually recurs, and one of its mentions is easier (after a
        ** title, in full) than the others. */
        uint64_t p = c->p1, pm1 = i >= 1 ? t[i - 1].p1 : 15, pp1 = i + 1 < n ? t[i + 1].p1 : 14;
        uint64_t dm = c->dmaj, dmm1 = i >= 1 ? t[i - 1].dmaj : 15, dmp1 = i + 1 < n ? t[i + 1].dmaj : 14;
        r[k++] = row_of(62, p, mask);
        r[k++] = row_of(63, pm1 << 8 | p, mask);
        r[k++] = row_of(64, p << 8 | pp1, mask);
        r[k++] = row_of(65, dm << 4 | c->dfirst, mask);
        r[k++] = row_of(66, dm << 8 | p, mask);
        r[k++] = row_of(67, c->dmask, mask);
        r[k++] = row_of(68, c->dnext, mask);
        r[k++] = row_of(69, c->dprev, mask);
        r[k++] = row_of(70, (uint64_t)c->dprev << 16 | (uint64_t)c->dnext << 8 | p, mask);
        r[k++] = row_of(71, dmp1 << 8 | dm, mask);
        r[k++] = row_of(72, dmm1 << 8 | dm, mask);
        r[k++] = row_of(73, dm << 16 | c->gz, mask);
        r[k++] = row_of(74, MID(c0) << 8 | dm, mask);
    }
#undef FINE
#undef MID
#undef COARSE
    return k;
}

/* --- document context ------------------------------------------------------ */

/* Counts of first-pass tags per word, and per word pair of one span, over a
** window that slides along the document: adding the token that enters and
** removing the one that leaves keeps each step O(1). Keys are the hashes of
** clitic-stripped words (pairs mixed with a constant so they never meet a
** word key); a slot whose counts fall to zero stays, so the table is sized
** for every distinct key of the document. */
typedef struct dc_slot {
    uint64_t key; /* 0: empty */
    uint16_t c[KB_NER_NTAGS];
} dc_slot;

typedef struct dc_table {
    dc_slot *s;
    size_t mask;
} dc_table;

static dc_slot *dc_at(dc_table *d, uint64_t key) {
    key |= 1;
    size_t h = (size_t)(key ^ key >> 29) & d->mask;
    while (d->s[h].key && d->s[h].key != key) h = (h + 1) & d->mask;
    d->s[h].key = key;
    return &d->s[h];
}

/* Lookup without inserting: a key never counted reads as all zeros. */
static const dc_slot *dc_get(const dc_table *d, uint64_t key) {
    static const dc_slot none;
    key |= 1;
    size_t h = (size_t)(key ^ key >> 29) & d->mask;
    while (d->s[h].key && d->s[h].key != key) h = (h + 1) & d->mask;
    return d->s[h].key ? &d->s[h] : &none;
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
    dc_table d = {calloc(ns, sizeof(dc_slot)), ns - 1};
    if (!d.s) return -1;
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
    free(d.s);
    return 0;
}

/* 1 if toks[i] is an Arabic word that could be part of a name: no
** punctuation, stopword, title, place, organisation or nisba. */
static int namelike(const kb_ner_tok *t) {
    return (t->shape & 7) == SH_ARABIC && !(t->gz & (KB_GZ_TITLE | KB_GZ_LOC | KB_GZ_ORG | KB_GZ_NISBA | KB_GZ_TRIGGER)) &&
           !t->span && !kb_is_stopword(t->w, t->n);
}

/* Span-level repair after the last pass: "و" + a given name inside a
** person's name opens a new one ("بلال عبدالرحمن وعزت جدوع": two persons;
** dev +0.002 on both splits); a person's name started one word
** late, where the word before B-PER is a given name the gazetteer knows.
** (Two more rules were tried on the dev split and dropped, as they cost
** more than they gained: extending B-PER left over any word that follows a
** title, and pulling an organisation keyword in front of an ORG/LOC span
** into it, which ANERcorp often tags O.) */
static void fix_spans(const kb_ner_tok *t, size_t n, int *tags) {
    const int BPER = KB_NER_B(0);
    for (size_t i = 1; i < n; i++) {
        if (tags[i] == BPER + 1 && (t[i].shape & SH_AND_NAME)) tags[i] = BPER;
        if (tags[i] == BPER && !tags[i - 1] && namelike(&t[i - 1]) &&
            (t[i - 1].gz & KB_GZ_GIVEN)) {
            tags[i - 1] = BPER;
            tags[i] = BPER + 1;
        }
    }
}

int kb__ner_tag_doc(const kb_ner_model *m, kb_ner_tok *toks, size_t n, const size_t *sent, size_t ns,
                    int *tags) {
    for (size_t s = 0; s < ns; s++) {
        size_t a = sent[s], b = s + 1 < ns ? sent[s + 1] : n;
        kb__ner_tag(m, toks + a, b - a, tags + a);
    }
    if (!m->second || !n) return 0;
    if (kb__ner_doc_context(toks, n, tags)) return -1;
    for (size_t s = 0; s < ns; s++) {
        size_t a = sent[s], b = s + 1 < ns ? sent[s + 1] : n;
        kb__ner_tag(m->second, toks + a, b - a, tags + a);
        fix_spans(toks + a, b - a, tags + a);
    }
    return 0;
}

/* --- decoding ---------------------------------------------------------------- */

/* I-X may follow only B-X or I-X. */
static int allowed(int prev, int tag) {
    if (tag == 0 || KB_NER_IS_B(tag)) return 1;
    return prev > 0 && KB_NER_TYPE(prev) == KB_NER_TYPE(tag);
}

void kb__ner_viterbi(const float *em, size_t n, const float *trans, int *tags) {
    enum { T = KB_NER_NTAGS };
    float score[2][T];
    unsigned char back[KB_NER_MAXLEN][T];
    if (n == 0) return;
    for (int t = 0; t < T; t++)
        score[0][t] = allowed(0, t) ? trans[T * T + t] + em[t] : -FLT_MAX;
    for (size_t i = 1; i < n; i++) {
        float *prev = score[(i - 1) & 1], *cur = score[i & 1];
        for (int t = 0; t < T; t++) {
            float best = -FLT_MAX;
            int arg = 0;
            for (int p = 0; p < T; p++) {
                if (prev[p] == -FLT_MAX || !allowed(p, t)) continue;
                float s = prev[p] + trans[p * T + t];
                if (s > best) { best = s; arg = p; }
            }
            cur[t] = best == -FLT_MAX ? best : best + em[i * T + t];
            back[i][t] = (unsigned char)arg;
        }
    }
    float *last = score[(n - 1) & 1];
    int arg = 0;
    for (int t = 1; t < T; t++)
        if (last[t] > last[arg]) arg = t;
    for (size_t i = n; i-- > 0;) {
        tags[i] = arg;
        if (i) arg = back[i][arg];
    }
}

void kb__ner_tag(const kb_ner_model *m, const kb_ner_tok *toks, size_t n, int *tags) {
    enum { T = KB_NER_NTAGS };
    float em[KB_NER_MAXLEN * T];
    uint32_t rows[KB_NER_MAXFEAT];
    uint32_t mask = (1u << m->rows_log2) - 1;
    if (n > KB_NER_MAXLEN) n = KB_NER_MAXLEN;
    for (size_t i = 0; i < n; i++) {
        int32_t acc[T] = {0};
        size_t nf = kb__ner_features(toks, n, i, mask, rows);
        for (size_t f = 0; f < nf; f++) {
            const int16_t *w = m->w + (size_t)rows[f] * T;
            for (int t = 0; t < T; t++) acc[t] += w[t];
        }
        for (int t = 0; t < T; t++) em[i * T + t] = (float)acc[t] * m->scale;
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
