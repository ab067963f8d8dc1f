/*
** Word clusters for the named-entity tagger (khabar.h section 11,
** kb_ner_clusters): writes data/ner-clusters.tsv from unlabeled news.
**
** ANERcorp is small (120k tokens); most names in new text were never seen
** in it. Words that occur in the same contexts in a large news corpus
** ("بشار" and "خليفة" after "الرئيس", before a family name) fall into the
** same cluster, so the tagger can learn from the cluster what it cannot
** learn from the word. The recipe, chosen to run in a minute or two:
**
**   1. Tokenize every title and text (KB_NORM_SEARCH, as the tagger sees
**      words) into one stream of word ids; documents are separated by a
**      boundary mark.
**   2. Keep the `words` most frequent words as targets and the 1000 most
**      frequent as contexts. A target's contexts are the words at -2, -1,
**      +1, +2 (a context outside the top 1000 counts as "other", the
**      document edge as "boundary"), counted by sorting packed
**      (target, position, context) keys.
**   3. Weight the counts by positive PMI with the context distribution
**      smoothed to the power 0.75 (Levy, Goldberg and Dagan 2015), project
**      each target's sparse vector onto KB_CL_DIM random +-1 directions
**      and normalize it (random projection keeps cosines roughly intact).
**   4. Spherical k-means into `clusters` fine clusters; the fine centroids
**      are clustered again into 128 and those into 32, which gives each
**      word a three-level path, coarse levels standing in for the prefixes
**      of Brown clusters.
**
** Everything is seeded and single-order, so the same corpus gives the same
** table. The output lists words by falling frequency:
**   word <TAB> fine <TAB> mid <TAB> coarse
*/
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/jsonparse.h"
#include "core/lex.h"
#include "khabar.h"

#define KB_CL_DIM 256
#define KB_CL_CTX 2000
#define KB_CL_NCTX (KB_CL_CTX + 2) /* + other + boundary */
#define KB_CL_FEATS (4 * KB_CL_NCTX)
#define BOUNDARY UINT32_MAX

/* --- vocabulary -------------------------------------------------------------- */

typedef struct vocab {
    kb_buf str;     /* the words, back to back */
    uint32_t *off, *len;
    uint64_t *cnt;
    size_t n, cap;
    uint32_t *slot; /* id + 1, open addressing */
    size_t nslot;
} vocab;

static int vocab_grow_slots(vocab *v) {
    size_t ns = v->nslot ? v->nslot * 2 : (size_t)1 << 16;
    uint32_t *s = calloc(ns, sizeof *s);
    if (!s) return -1;
    for (size_t i = 0; i < v->n; i++) {
        size_t h = (size_t)kb__hash(v->str.p + v->off[i], v->len[i]) & (ns - 1);
        while (s[h]) h = (h + 1) & (ns - 1);
        s[h] = (uint32_t)i + 1;
    }
    free(v->slot);
    v->slot = s;
    v->nslot = ns;
    return 0;
}

/* The id of word p[0..n), added with count 0 when new; UINT32_MAX on OOM. */
static uint32_t vocab_id(vocab *v, const char *p, size_t n) {
    if ((v->n + 1) * 2 > v->nslot && vocab_grow_slots(v)) return UINT32_MAX;
    size_t h = (size_t)kb__hash(p, n) & (v->nslot - 1);
    for (;;) {
        uint32_t s = v->slot[h];
        if (!s) break;
        if (v->len[s - 1] == n && !memcmp(v->str.p + v->off[s - 1], p, n)) return s - 1;
        h = (h + 1) & (v->nslot - 1);
    }
    if (v->n == v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 4096;
        uint32_t *o = realloc(v->off, nc * sizeof *o), *l = o ? realloc(v->len, nc * sizeof *l) : NULL;
        if (o) v->off = o;
        if (l) v->len = l;
        uint64_t *c = l ? realloc(v->cnt, nc * sizeof *c) : NULL;
        if (!c) return UINT32_MAX;
        v->cnt = c;
        v->cap = nc;
    }
    v->off[v->n] = (uint32_t)v->str.n;
    v->len[v->n] = (uint32_t)n;
    v->cnt[v->n] = 0;
    if (kb__buf_add(&v->str, p, n)) return UINT32_MAX;
    v->slot[h] = (uint32_t)v->n + 1;
    return (uint32_t)v->n++;
}

static void vocab_free(vocab *v) {
    kb__buf_free(&v->str);
    free(v->off);
    free(v->len);
    free(v->cnt);
    free(v->slot);
}

/* --- 1. reading -------------------------------------------------------------------- */

static int add_text(vocab *v, kb_buf *stream, kb_tokenizer *tz, const char *p, size_t n) {
    kb_tokenizer_reset(tz, p, n);
    kb_token t;
    while (kb_tokenizer_next(tz, &t)) {
        if (t.type == KB_TOK_URL || t.type == KB_TOK_EMAIL || !t.norm_n) continue;
        uint32_t id = vocab_id(v, t.norm, t.norm_n);
        if (id == UINT32_MAX) return KB_ENOMEM;
        v->cnt[id]++;
        if (kb__buf_add(stream, &id, sizeof id)) return KB_ENOMEM;
    }
    uint32_t b = BOUNDARY;
    return kb__buf_add(stream, &b, sizeof b) ? KB_ENOMEM : KB_OK;
}

static int read_input(const char *path, vocab *v, kb_buf *stream, kb_tokenizer *tz) {
    kb_reader *r = NULL;
    const char *msg = NULL;
    kb_reader_opts ro = {KB_FMT_JSONL, 0};
    int rc = kb_reader_open(&r, path, &ro, &msg);
    if (rc) return rc;
    kb_doc d;
    int got;
    while (!rc && (got = kb_reader_next(r, &d)) != 0) {
        if (got < 0) continue; /* an unreadable line: skip it, as ingestion does */
        kb_arena a;
        kb__arena_init(&a, 0);
        kb_json *j = NULL;
        if (kb__json_parse(&a, d.p, d.n, KB_JSON_MAX_DEPTH, &j, NULL) == KB_OK && j) {
            static const char *const fields[] = {"title", "abstract", "text"};
            for (size_t f = 0; f < 3 && !rc; f++) {
                size_t n = 0;
                const char *s = kb__json_get_str(j, fields[f], &n);
                if (s && n) rc = add_text(v, stream, tz, s, n);
            }
        }
        kb__arena_free(&a);
    }
    kb_reader_free(r);
    return rc;
}

/* --- 2. counts ---------------------------------------------------------------------- */

/* LSD radix sort of 32-bit keys, 16 bits a pass. */
static int radix_sort(uint32_t *a, size_t n) {
    uint32_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
    size_t *cnt = malloc(65536 * sizeof *cnt);
    if (!tmp || !cnt) { free(tmp); free(cnt); return -1; }
    for (int shift = 0; shift < 32; shift += 16) {
        memset(cnt, 0, 65536 * sizeof *cnt);
        for (size_t i = 0; i < n; i++) cnt[(a[i] >> shift) & 0xFFFF]++;
        size_t sum = 0;
        for (size_t b = 0; b < 65536; b++) { size_t c = cnt[b]; cnt[b] = sum; sum += c; }
        for (size_t i = 0; i < n; i++) tmp[cnt[(a[i] >> shift) & 0xFFFF]++] = a[i];
        memcpy(a, tmp, n * sizeof *a);
    }
    free(tmp);
    free(cnt);
    return 0;
}

static const vocab *g_sort_vocab;

/* Falling count; equal counts by bytes, so that the order is reproducible. */
static int cmp_by_count(const void *x, const void *y) {
    const vocab *v = g_sort_vocab;
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    if (v->cnt[a] != v->cnt[b]) return v->cnt[a] > v->cnt[b] ? -1 : 1;
    size_t la = v->len[a], lb = v->len[b];
    int c = memcmp(v->str.p + v->off[a], v->str.p + v->off[b], la < lb ? la : lb);
    return c ? c : (la > lb) - (la < lb);
}

/* --- 4. spherical k-means ------------------------------------------------------------ */

typedef struct kmeans_job {
    const float *x, *cen;
    size_t from, to, k;
    int *assign;
} kmeans_job;

static float dot(const float *a, const float *b) {
    float s = 0;
    for (int d = 0; d < KB_CL_DIM; d++) s += a[d] * b[d];
    return s;
}

static void *assign_range(void *arg) {
    kmeans_job *j = arg;
    for (size_t i = j->from; i < j->to; i++) {
        const float *xi = j->x + i * KB_CL_DIM;
        float best = -2;
        int arg_ = 0;
        for (size_t c = 0; c < j->k; c++) {
            float s = dot(xi, j->cen + c * KB_CL_DIM);
            if (s > best) { best = s; arg_ = (int)c; }
        }
        j->assign[i] = arg_;
    }
    return NULL;
}

static uint64_t xrand(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void normalize(float *v) {
    float s = sqrtf(dot(v, v));
    if (s > 0)
        for (int d = 0; d < KB_CL_DIM; d++) v[d] /= s;
}

/* Cluster the n unit vectors x into k; assign[i] receives the cluster and
** cen[k][DIM] the centroids. Two threads share the assignment step (each
** word's choice is independent, so the result does not depend on them). */
static int kmeans(const float *x, size_t n, size_t k, int iters, uint64_t seed, int *assign, float *cen) {
    if (k > n) k = n;
    size_t *cnt = calloc(k, sizeof *cnt);
    if (!cnt) return -1;
    /* Seeds: distinct random vectors. */
    unsigned char *used = calloc(n, 1);
    if (!used) { free(cnt); return -1; }
    for (size_t c = 0; c < k; c++) {
        size_t i;
        do i = (size_t)(xrand(&seed) % n); while (used[i]);
        used[i] = 1;
        memcpy(cen + c * KB_CL_DIM, x + i * KB_CL_DIM, KB_CL_DIM * sizeof *cen);
    }
    free(used);
    for (int it = 0; it < iters; it++) {
        enum { NTH = 2 };
        pthread_t th[NTH];
        kmeans_job jobs[NTH];
        int started[NTH] = {0};
        for (int t = 0; t < NTH; t++) {
            jobs[t] = (kmeans_job){x, cen, n * (size_t)t / NTH, n * (size_t)(t + 1) / NTH, k, assign};
            started[t] = t > 0 && pthread_create(&th[t], NULL, assign_range, &jobs[t]) == 0;
        }
        assign_range(&jobs[0]);
        for (int t = 1; t < NTH; t++) {
            if (started[t]) pthread_join(th[t], NULL);
            else assign_range(&jobs[t]);
        }
        memset(cen, 0, k * KB_CL_DIM * sizeof *cen);
        memset(cnt, 0, k * sizeof *cnt);
        for (size_t i = 0; i < n; i++) {
            float *c = cen + (size_t)assign[i] * KB_CL_DIM;
            const float *xi = x + i * KB_CL_DIM;
            for (int d = 0; d < KB_CL_DIM; d++) c[d] += xi[d];
            cnt[assign[i]]++;
        }
        for (size_t c = 0; c < k; c++) {
            /* An empty cluster restarts at a random vector. */
            if (!cnt[c]) memcpy(cen + c * KB_CL_DIM, x + (xrand(&seed) % n) * KB_CL_DIM, KB_CL_DIM * sizeof *cen);
            normalize(cen + c * KB_CL_DIM);
        }
    }
    free(cnt);
    return 0;
}

/* --- the whole job --------------------------------------------------------------------- */

static void report(const kb_ner_cluster_opts *o, const char *stage, int step, int steps, double v) {
    if (o && o->progress) o->progress(o->progress_ctx, stage, step, steps, v);
}

int kb_ner_clusters(const char *const *inputs, size_t ninputs, const char *out,
                    const kb_ner_cluster_opts *opts) {
    size_t V = opts && opts->words ? opts->words : 100000;
    size_t K = opts && opts->clusters > 0 ? (size_t)opts->clusters : 1024;
    int iters = opts && opts->iterations > 0 ? opts->iterations : 12;
    if (!inputs || !ninputs || !out || V > 400000 || K > 4096) return KB_EINVAL;
    vocab v = {0};
    kb__buf_init(&v.str, (size_t)1 << 31);
    kb_buf stream;
    kb__buf_init(&stream, (size_t)1 << 33);
    kb_tokenizer *tz = NULL;
    uint32_t *order = NULL, *rank = NULL, *keys = NULL, *rowcnt = NULL;
    size_t *rowstart = NULL;
    double *colsum = NULL;
    float *proj = NULL, *x = NULL, *cen = NULL, *cen2 = NULL, *cen3 = NULL;
    int *a1 = NULL, *a2 = NULL, *a3 = NULL;
    size_t nkeys = 0;
    int rc = kb_tokenizer_new(&tz, KB_NORM_SEARCH, 0);
    for (size_t i = 0; !rc && i < ninputs; i++) {
        rc = read_input(inputs[i], &v, &stream, tz);
        report(opts, "read", (int)i + 1, (int)ninputs, (double)(stream.n / sizeof(uint32_t)));
    }
    kb_tokenizer_free(tz);
    if (rc) goto done;
    const uint32_t *s = (const uint32_t *)(void *)stream.p;
    size_t ns = stream.n / sizeof *s;
    if (v.n == 0) { rc = KB_EEMPTY; goto done; }
    if (V > v.n) V = v.n;
    if (K > V) K = V;

    /* 2. Ranks by frequency, then packed (target, position, context) keys. */
    order = malloc(v.n * sizeof *order);
    rank = malloc(v.n * sizeof *rank);
    if (!order || !rank) { rc = KB_ENOMEM; goto done; }
    for (size_t i = 0; i < v.n; i++) order[i] = (uint32_t)i;
    g_sort_vocab = &v;
    qsort(order, v.n, sizeof *order, cmp_by_count);
    for (size_t i = 0; i < v.n; i++) rank[order[i]] = (uint32_t)i;
    keys = malloc((ns ? ns : 1) * 4 * sizeof *keys);
    if (!keys) { rc = KB_ENOMEM; goto done; }
    for (size_t p = 0; p < ns; p++) {
        if (s[p] == BOUNDARY || rank[s[p]] >= V) continue;
        uint32_t r = rank[s[p]];
        static const int offs[4] = {-2, -1, 1, 2};
        for (int o = 0; o < 4; o++) {
            uint32_t ctx = KB_CL_CTX + 1; /* boundary */
            long q = (long)p + offs[o];
            int cut = q < 0 || (size_t)q >= ns || s[q] == BOUNDARY;
            if (!cut && (offs[o] == -2 || offs[o] == 2)) cut = s[p + (size_t)(offs[o] / 2)] == BOUNDARY;
            if (!cut) ctx = rank[s[q]] < KB_CL_CTX ? rank[s[q]] : KB_CL_CTX;
            keys[nkeys++] = r * KB_CL_FEATS + (uint32_t)o * KB_CL_NCTX + ctx;
        }
    }
    report(opts, "count", 1, 1, (double)nkeys);
    if (radix_sort(keys, nkeys)) { rc = KB_ENOMEM; goto done; }

    /* 3. PPMI, random projection, unit length. Runs of equal keys are the
    ** (target, feature) counts; keys come sorted by target. */
    colsum = calloc(KB_CL_FEATS, sizeof *colsum);
    rowcnt = calloc(V, sizeof *rowcnt);
    rowstart = calloc(V + 1, sizeof *rowstart);
    proj = malloc((size_t)KB_CL_FEATS * KB_CL_DIM * sizeof *proj);
    x = calloc(V * KB_CL_DIM, sizeof *x);
    if (!colsum || !rowcnt || !rowstart || !proj || !x) { rc = KB_ENOMEM; goto done; }
    for (size_t i = 0; i < nkeys; i++) {
        colsum[keys[i] % KB_CL_FEATS] += 1;
        rowcnt[keys[i] / KB_CL_FEATS]++;
    }
    for (size_t r = 0; r < V; r++) rowstart[r + 1] = rowstart[r] + rowcnt[r];
    double z = 0;
    for (size_t f = 0; f < KB_CL_FEATS; f++) { colsum[f] = pow(colsum[f], 0.75); z += colsum[f]; }
    uint64_t seed = 0x9E3779B97F4A7C15ULL;
    for (size_t i = 0; i < (size_t)KB_CL_FEATS * KB_CL_DIM; i++) proj[i] = (xrand(&seed) >> 40) & 1 ? 1.0f : -1.0f;
    for (size_t r = 0; r < V; r++) {
        float *xr = x + r * KB_CL_DIM;
        for (size_t i = rowstart[r]; i < rowstart[r + 1];) {
            size_t j = i;
            while (j < rowstart[r + 1] && keys[j] == keys[i]) j++;
            size_t f = keys[i] % KB_CL_FEATS;
            double pmi = log(((double)(j - i) / (double)rowcnt[r]) / (colsum[f] / z));
            if (pmi > 0) {
                const float *pf = proj + f * KB_CL_DIM;
                for (int d = 0; d < KB_CL_DIM; d++) xr[d] += (float)pmi * pf[d];
            }
            i = j;
        }
        normalize(xr);
    }
    free(keys);
    keys = NULL;

    /* 4. Three levels of clusters. */
    size_t K2 = K < 128 ? K : 128, K3 = K2 < 32 ? K2 : 32;
    a1 = malloc(V * sizeof *a1);
    a2 = malloc(K * sizeof *a2);
    a3 = malloc(K2 * sizeof *a3);
    cen = malloc(K * KB_CL_DIM * sizeof *cen);
    cen2 = malloc(K2 * KB_CL_DIM * sizeof *cen2);
    cen3 = malloc(K3 * KB_CL_DIM * sizeof *cen3);
    if (!a1 || !a2 || !a3 || !cen || !cen2 || !cen3) { rc = KB_ENOMEM; goto done; }
    report(opts, "kmeans", 0, 1, (double)V);
    if (kmeans(x, V, K, iters, 12345, a1, cen) || kmeans(cen, K, K2, 20, 777, a2, cen2) ||
        kmeans(cen2, K2, K3, 20, 4242, a3, cen3)) { rc = KB_ENOMEM; goto done; }

    FILE *f = fopen(out, "wb");
    if (!f) { rc = KB_EIO; goto done; }
    fprintf(f, "# Word clusters for the named-entity tagger (src/analyze/ner.c). Generated by\n"
               "# `khabar train-ner --clusters` (kb_ner_clusters, src/analyze/ner_clusters.c)\n"
               "# from unlabeled news: the %zu most frequent search-normalized words, by\n"
               "# falling frequency, each with its distributional cluster at three levels.\n"
               "# Statistics of the corpus, not text from it. Do not edit by hand.\n"
               "# Columns: word <TAB> fine (of %zu) <TAB> mid (of %zu) <TAB> coarse (of %zu)\n",
            V, K, K2, K3);
    for (size_t r = 0; r < V; r++) {
        uint32_t id = order[r];
        int c1 = a1[r], c2 = a2[c1], c3 = a3[c2];
        fwrite(v.str.p + v.off[id], 1, v.len[id], f);
        fprintf(f, "\t%d\t%d\t%d\n", c1, c2, c3);
    }
    if (ferror(f)) rc = KB_EIO;
    if (fclose(f)) rc = KB_EIO;
done:
    free(order); free(rank); free(keys); free(rowcnt); free(rowstart); free(colsum);
    free(proj); free(x); free(cen); free(cen2); free(cen3); free(a1); free(a2); free(a3);
    kb__buf_free(&stream);
    vocab_free(&v);
    return rc;
}
