/*
** Training and evaluation of the named-entity tagger (khabar.h, section 11):
** kb_ner_train() learns data/models/ner.bin from a corpus in ANERcorp's
** format, kb_ner_evaluate() scores the embedded model.
**
** Corpus: one "token TAG" per line, tags B-/I- PERS, LOC, ORG, MISC and O
** (PERS is reported as PER). It has no sentence breaks, so a sentence ends
** after ".", "!", "?" or "؟", or after KB_NER_MAXLEN - 1 tokens. The last
** `holdout` fraction of the tokens (cut at a sentence end) is kept for
** evaluation only and never seen in training.
**
** Learning: an ensemble of linear learners over the same features, summed
** into one weight table (ENSEMBLE, train_stage): the structured perceptron
** (Collins 2002) with weight averaging (decode a sentence with Viterbi
** under the current weights, and where the best path differs from the gold
** one, add the gold path's features and subtract the predicted path's;
** averages by the usual timestamp trick: keep w and the sum of c * update,
** average = w - u / c) and a linear-chain CRF trained by SGD with L2
** (crf_step). Features are computed once per token by ner.c's
** kb__ner_features, the same code analysis uses. The summed weights are
** quantized to int16 for the model file, and the
** evaluation reads them back exactly as analysis will.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze/ner.h"
#include "core/buf.h"
#include "khabar.h"

enum { T = KB_NER_NTAGS };

typedef struct corpus {
    char *text;        /* normalized words, NUL-separated */
    size_t *woff;      /* offset of each word in text */
    size_t *wlen;
    int *gold;         /* gold tag of each word */
    size_t nw;
    size_t *sent;      /* first word of each sentence; sent[ns] = nw */
    size_t ns;
} corpus;

static void corpus_free(corpus *c) {
    free(c->text);
    free(c->woff);
    free(c->wlen);
    free(c->gold);
    free(c->sent);
    memset(c, 0, sizeof *c);
}

static int tag_of(const char *t, size_t n) {
    if (n < 3 || (t[0] != 'B' && t[0] != 'I') || t[1] != '-') return 0;
    static const char *names[KB_NER_NTYPES] = {"PERS", "LOC", "ORG", "MISC"};
    for (int k = 0; k < KB_NER_NTYPES; k++)
        if (n - 2 == strlen(names[k]) && !memcmp(t + 2, names[k], n - 2))
            return KB_NER_B(k) + (t[0] == 'I');
    if (n - 2 == 3 && !memcmp(t + 2, "PER", 3)) return KB_NER_B(0) + (t[0] == 'I');
    return 0;
}

static int ends_sentence(const char *w, size_t n) {
    return (n == 1 && (w[0] == '.' || w[0] == '!' || w[0] == '?')) ||
           (n == 2 && !memcmp(w, "\xD8\x9F", 2));
}

/* Read and normalize the corpus, split into sentences. */
static int corpus_read(const char *path, corpus *c) {
    memset(c, 0, sizeof *c);
    FILE *f = fopen(path, "rb");
    if (!f) return KB_EIO;
    kb_buf text, woff, wlen, gold, sent;
    kb__buf_init(&text, (size_t)1 << 30);
    kb__buf_init(&woff, (size_t)1 << 30);
    kb__buf_init(&wlen, (size_t)1 << 30);
    kb__buf_init(&gold, (size_t)1 << 30);
    kb__buf_init(&sent, (size_t)1 << 30);
    char line[4096], norm[KB_NORMALIZE_BOUND(sizeof line)];
    size_t nw = 0, in_sent = 0;
    int rc = KB_OK;
    while (rc == KB_OK && fgets(line, sizeof line, f)) {
        size_t ln = strlen(line);
        while (ln && (line[ln - 1] == '\n' || line[ln - 1] == '\r' || line[ln - 1] == ' ')) ln--;
        if (!ln) continue;
        char *sp = memchr(line, ' ', ln);
        for (size_t i = ln; i-- > 0;)
            if (line[i] == ' ' || line[i] == '\t') { sp = line + i; break; }
        const char *tag = sp ? sp + 1 : "O";
        size_t tn = sp ? (size_t)(line + ln - tag) : 1, wn = sp ? (size_t)(sp - line) : ln;
        while (wn && line[wn - 1] == ' ') wn--;
        if (!wn) continue;
        size_t nn = kb_normalize_into(line, wn, KB_NORM_SEARCH, norm);
        if (nn > KB_TOKEN_MAX) nn = KB_TOKEN_MAX;
        if (!nn) { norm[0] = '_'; nn = 1; }
        if (!in_sent) {
            size_t s = nw;
            rc = kb__buf_add(&sent, &s, sizeof s);
        }
        size_t off = text.n;
        int g = tag_of(tag, tn);
        /* An I-X that continues no X opens a span (as conlleval reads it):
        ** write it B-X, the tag a decoder that never puts I-X there gives. */
        if (g > 0 && !KB_NER_IS_B(g)) {
            int pg = in_sent && nw ? ((const int *)(const void *)gold.p)[nw - 1] : 0;
            if (pg <= 0 || KB_NER_TYPE(pg) != KB_NER_TYPE(g)) g--;
        }
        if (!rc) rc = kb__buf_add(&text, norm, nn);
        if (!rc) rc = kb__buf_addc(&text, 0);
        if (!rc) rc = kb__buf_add(&woff, &off, sizeof off);
        if (!rc) rc = kb__buf_add(&wlen, &nn, sizeof nn);
        if (!rc) rc = kb__buf_add(&gold, &g, sizeof g);
        nw++;
        in_sent++;
        if (ends_sentence(norm, nn) || in_sent >= KB_NER_MAXLEN - 1) in_sent = 0;
    }
    if (ferror(f) && !rc) rc = KB_EIO;
    fclose(f);
    if (!rc && nw == 0) rc = KB_EEMPTY;
    if (!rc) rc = kb__buf_add(&sent, &nw, sizeof nw);
    if (rc) {
        kb__buf_free(&text); kb__buf_free(&woff); kb__buf_free(&wlen);
        kb__buf_free(&gold); kb__buf_free(&sent);
        return rc;
    }
    size_t dummy;
    c->text = kb__buf_detach(&text, &dummy);
    c->woff = (size_t *)(void *)kb__buf_detach(&woff, &dummy);
    c->wlen = (size_t *)(void *)kb__buf_detach(&wlen, &dummy);
    c->gold = (int *)(void *)kb__buf_detach(&gold, &dummy);
    c->sent = (size_t *)(void *)kb__buf_detach(&sent, &dummy);
    c->ns = dummy / sizeof(size_t) - 1;
    c->nw = nw;
    return KB_OK;
}

/* The first sentence of the held-out part. */
static size_t split_at(const corpus *c, double holdout) {
    if (holdout <= 0) return c->ns;
    size_t want = (size_t)((double)c->nw * (1.0 - holdout));
    size_t s = 0;
    while (s < c->ns && c->sent[s] < want) s++;
    return s;
}

/* Every word of the corpus, prepared sentence by sentence (gazetteer spans
** never cross a sentence end, as in analysis). Caller frees. */
static kb_ner_tok *prepare_all(const corpus *c) {
    kb_ner_tok *t = calloc(c->nw ? c->nw : 1, sizeof *t);
    if (!t) return NULL;
    for (size_t s = 0; s < c->ns; s++) {
        size_t a = c->sent[s], n = c->sent[s + 1] - a;
        for (size_t i = 0; i < n; i++) {
            t[a + i].w = c->text + c->woff[a + i];
            t[a + i].n = c->wlen[a + i];
        }
        kb__ner_prepare(t + a, n);
    }
    return t;
}

/* --- scoring ---------------------------------------------------------------- */

/* Entity spans of a tag sequence, conlleval style: a span opens at B-X, or at
** I-X that does not continue an X. */
typedef struct span { size_t i, j; int type; } span;

static size_t spans_of(const int *tags, size_t n, span *out) {
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        int t = tags[i];
        if (!t) { i++; continue; }
        int ty = KB_NER_TYPE(t);
        size_t j = i + 1;
        while (j < n && tags[j] && !KB_NER_IS_B(tags[j]) && KB_NER_TYPE(tags[j]) == ty) j++;
        out[k++] = (span){i, j, ty};
        i = j;
    }
    return k;
}

static void score_sentence(const int *gold, const int *pred, size_t n, kb_ner_report *r) {
    span g[KB_NER_MAXLEN], p[KB_NER_MAXLEN];
    size_t ng = spans_of(gold, n, g), np = spans_of(pred, n, p);
    for (size_t a = 0; a < ng; a++) r->score[g[a].type].gold++;
    for (size_t b = 0; b < np; b++) r->score[p[b].type].found++;
    for (size_t a = 0, b = 0; a < ng && b < np;) {
        if (g[a].i == p[b].i && g[a].j == p[b].j && g[a].type == p[b].type) {
            r->score[g[a].type].correct++;
            a++, b++;
        } else if (g[a].i < p[b].i || (g[a].i == p[b].i && g[a].j < p[b].j)) a++;
        else b++;
    }
}

static void score_finish(kb_ner_report *r) {
    kb_ner_score *all = &r->score[KB_NER_NTYPES];
    all->gold = all->found = all->correct = 0;
    for (int k = 0; k <= KB_NER_NTYPES; k++) {
        kb_ner_score *s = &r->score[k];
        s->type = k < KB_NER_NTYPES ? kb__ner_types[k] : "ALL";
        if (k < KB_NER_NTYPES) {
            all->gold += s->gold;
            all->found += s->found;
            all->correct += s->correct;
        }
        s->precision = s->found ? (double)s->correct / (double)s->found : 0;
        s->recall = s->gold ? (double)s->correct / (double)s->gold : 0;
        s->f1 = s->precision + s->recall > 0 ? 2 * s->precision * s->recall / (s->precision + s->recall) : 0;
    }
}

/* Tag the held-out sentences [from, ns) with m, as one document (both
** passes), and score them. */
static int evaluate(const corpus *c, kb_ner_tok *all, size_t from, const kb_ner_model *m, kb_ner_report *r) {
    size_t a = c->sent[from], n = c->nw - a, ns = c->ns - from;
    int *pred = malloc((n ? n : 1) * sizeof *pred);
    size_t *sent = malloc((ns ? ns : 1) * sizeof *sent);
    if (!pred || !sent) { free(pred); free(sent); return KB_ENOMEM; }
    for (size_t s = 0; s < ns; s++) sent[s] = c->sent[from + s] - a;
    for (size_t i = a; i < c->nw; i++) all[i].ctx = 0; /* as kb__ner_prepare left them */
    int rc = kb__ner_tag_doc(m, all + a, n, sent, ns, pred) ? KB_ENOMEM : KB_OK;
    for (int k = 0; k <= KB_NER_NTYPES; k++) r->score[k] = (kb_ner_score){0};
    r->test_tokens = n;
    r->test_sentences = ns;
    for (size_t s = from; s < c->ns; s++)
        score_sentence(c->gold + c->sent[s], pred + (c->sent[s] - a), c->sent[s + 1] - c->sent[s], r);
    score_finish(r);
    /* Tuning aid: KB_NER_DUMP=FILE writes "word gold predicted" per token. */
    const char *dump = getenv("KB_NER_DUMP");
    FILE *df = dump ? fopen(dump, "w") : NULL;
    if (df) {
        static const char *tn[T] = {"O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"};
        for (size_t i = 0; i < n; i++)
            fprintf(df, "%s %s %s\n", c->text + c->woff[a + i], tn[c->gold[a + i]], tn[pred[i]]);
        fclose(df);
    }
    free(pred);
    free(sent);
    return rc;
}

/* --- training ---------------------------------------------------------------- */

typedef struct trainer {
    uint32_t mask;
    size_t rows;
    float *w, *u; /* weights and their timestamped update sums, [row][tag] */
    float tw[(T + 1) * T], tu[(T + 1) * T];
    double c;     /* update clock */
    double ws;    /* CRF: the true weights are ws * w */
} trainer;

static void update(trainer *tr, const uint32_t *rows, size_t nf, int tag, float d) {
    float cd = (float)(tr->c * d);
    for (size_t f = 0; f < nf; f++) {
        size_t cell = (size_t)rows[f] * T + (size_t)tag;
        tr->w[cell] += d;
        tr->u[cell] += cd;
    }
}

static void update_trans(trainer *tr, int prev, int tag, float d) {
    size_t cell = (size_t)(prev < 0 ? T : prev) * T + (size_t)tag;
    tr->tw[cell] += d;
    tr->tu[cell] += (float)(tr->c * d);
}

/* --- the CRF learner -------------------------------------------------------- */

static float lse_add(float a, float b) {
    if (a == -INFINITY) return b;
    if (b == -INFINITY) return a;
    return a > b ? a + log1pf(expf(b - a)) : b + log1pf(expf(a - b));
}

/* One stochastic gradient step of a linear-chain CRF on a sentence: em
** holds the emission scores under the current weights (true weight =
** tr->ws * stored), gold the tags. The log-likelihood's gradient is the gold
** path's features minus their expectation under the model (marginals from
** forward-backward, in log space, over the paths kb__ner_allowed permits),
** added with step eta; the L2 penalty shrinks every weight by
** (1 - eta * lambda), kept as the scale ws so that a step touches only the
** rows of the sentence. */
static void crf_step(trainer *tr, const float *em, size_t n, const int *gold, const uint32_t *frows,
                       const unsigned char *fn, double eta, double lambda) {
    static float al[KB_NER_MAXLEN][T], be[KB_NER_MAXLEN][T];
    float tw[(T + 1) * T];
    memcpy(tw, tr->tw, sizeof tw);
    for (int t = 0; t < T; t++) al[0][t] = kb__ner_allowed(0, t) ? tw[T * T + t] + em[t] : -INFINITY;
    for (size_t i = 1; i < n; i++)
        for (int t = 0; t < T; t++) {
            float s = -INFINITY;
            for (int p = 0; p < T; p++)
                if (kb__ner_allowed(p, t) && al[i - 1][p] != -INFINITY) s = lse_add(s, al[i - 1][p] + tw[p * T + t]);
            al[i][t] = s == -INFINITY ? s : s + em[i * T + t];
        }
    for (int t = 0; t < T; t++) be[n - 1][t] = 0;
    for (size_t i = n - 1; i-- > 0;)
        for (int p = 0; p < T; p++) {
            float s = -INFINITY;
            for (int t = 0; t < T; t++)
                if (kb__ner_allowed(p, t)) s = lse_add(s, tw[p * T + t] + em[(i + 1) * T + t] + be[i + 1][t]);
            be[i][p] = s;
        }
    float z = -INFINITY;
    for (int t = 0; t < T; t++) z = lse_add(z, al[n - 1][t]);
    /* Shrink first (the step's gradient was taken at the old weights; the
    ** order is the usual one of lazy L2 SGD and immaterial at these rates). */
    tr->ws *= 1.0 - eta * lambda;
    float g = (float)(eta / tr->ws);
    for (size_t i = 0; i < n; i++) {
        float d[T];
        for (int t = 0; t < T; t++) {
            float mu = al[i][t] == -INFINITY ? 0 : expf(al[i][t] + be[i][t] - z);
            d[t] = g * ((gold[i] == t) - mu);
        }
        const uint32_t *r = frows + i * KB_NER_MAXFEAT;
        for (size_t f = 0; f < fn[i]; f++) {
            float *w = tr->w + (size_t)r[f] * T;
            for (int t = 0; t < T; t++) w[t] += d[t];
        }
    }
    /* Transitions: plain SGD, unpenalized (81 + 9 weights). */
    float ge = (float)eta;
    for (int t = 0; t < T; t++)
        if (al[0][t] != -INFINITY) tr->tw[T * T + t] -= ge * expf(al[0][t] + be[0][t] - z);
    tr->tw[T * T + gold[0]] += ge;
    for (size_t i = 1; i < n; i++) {
        for (int p = 0; p < T; p++) {
            if (al[i - 1][p] == -INFINITY) continue;
            for (int t = 0; t < T; t++)
                if (kb__ner_allowed(p, t))
                    tr->tw[p * T + t] -= ge * expf(al[i - 1][p] + tw[p * T + t] + em[i * T + t] + be[i][t] - z);
        }
        tr->tw[gold[i - 1] * T + gold[i]] += ge;
    }
    /* Keep ws away from underflow: fold it into the weights now and then. */
    if (tr->ws < 1e-6) {
        size_t cells = tr->rows * T;
        for (size_t k = 0; k < cells; k++) tr->w[k] *= (float)tr->ws;
        tr->ws = 1;
    }
}

/* One model image (see ner.c for the layout). */
static int write_image(FILE *f, const kb_ner_model *m) {
    size_t cells = ((size_t)1 << m->rows_log2) * T;
    unsigned char hdr[20];
    memcpy(hdr, KB_NER_MAGIC, 8);
    uint32_t v[3];
    memcpy(&v[2], &m->scale, 4);
    v[0] = m->rows_log2;
    v[1] = T;
    for (int k = 0; k < 3; k++)
        for (int b = 0; b < 4; b++) hdr[8 + 4 * k + b] = (unsigned char)(v[k] >> (8 * b));
    int ok = fwrite(hdr, 1, sizeof hdr, f) == sizeof hdr;
    for (size_t i = 0; ok && i < (T + 1) * T; i++) {
        uint32_t u;
        memcpy(&u, &m->trans[i], 4);
        unsigned char b[4] = {(unsigned char)u, (unsigned char)(u >> 8), (unsigned char)(u >> 16),
                              (unsigned char)(u >> 24)};
        ok = fwrite(b, 1, 4, f) == 4;
    }
    unsigned char chunk[8192];
    for (size_t i = 0; ok && i < cells;) {
        size_t k = 0;
        for (; k < sizeof chunk / 2 && i < cells; k++, i++) {
            uint16_t x = (uint16_t)m->w[i];
            chunk[2 * k] = (unsigned char)x;
            chunk[2 * k + 1] = (unsigned char)(x >> 8);
        }
        ok = fwrite(chunk, 1, 2 * k, f) == 2 * k;
    }
    return ok;
}

/* The first pass, then the second. */
static int write_model(const char *path, const kb_ner_model *m1, const kb_ner_model *m2) {
    FILE *f = fopen(path, "wb");
    if (!f) return KB_EIO;
    int ok = write_image(f, m1) && write_image(f, m2);
    if (fclose(f)) ok = 0;
    return ok ? KB_OK : KB_EIO;
}

/* A small deterministic generator for the epoch shuffles. */
static uint64_t next_rand(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* The learners whose weights make one stage's model: each is trained on
** its own, its weights scaled to unit L2 norm, and the model is their sum
** (one linear model, so tagging costs the same as with one). "p" is the
** averaged perceptron, "c:C2" a CRF (crf_step) with L2 strength C2; each
** learner shuffles with its own seed. The perceptron and the CRF err on
** different words: dev mean F1 (2 splits x 5 shuffles, analyze.md) 0.7789
** for "p" alone, 0.7763 for "c:1" alone, 0.7824 for "p c:1", 0.7847 for
** "p p c:1 c:1". KB_NER_MIX="p c:1 ..." (a tuning aid) trains another
** list. */
static const char *const ENSEMBLE[] = {"p", "p", "c:1", "c:1"};
#define MAX_LEARNERS 8

/* Sentences of the stage, in this learner's shuffled order each epoch. */
typedef struct stage_data {
    const corpus *c;
    size_t *order, nord;
    uint32_t *frows;      /* KB_NER_MAXFEAT feature rows per token */
    unsigned char *fn;    /* feature count per token */
    uint32_t *saved;      /* word dropout: the rows hidden, per token */
    unsigned char *hidden;
} stage_data;

/* Train one learner into tr (zeroed by the caller): its final weights in
** tr->w, its transitions in trans. */
static void learn(trainer *tr, const stage_data *d, int epochs, double dropout, int crf, double c2, uint64_t seed,
                  const kb_ner_train_opts *opts, const char *stage, float *trans) {
    const corpus *c = d->c;
    double lambda = 2.0 * c2 / (double)(d->nord ? d->nord : 1), eta0 = 0.1;
    static float em[KB_NER_MAXLEN * T];
    int pred[KB_NER_MAXLEN];
    tr->ws = 1;
    for (int ep = 0; ep < epochs; ep++) {
        for (size_t s = d->nord; s > 1; s--) {
            size_t j = (size_t)(next_rand(&seed) % s);
            size_t tmp = d->order[s - 1];
            d->order[s - 1] = d->order[j];
            d->order[j] = tmp;
        }
        size_t right = 0, seen = 0;
        for (size_t k = 0; k < d->nord; k++) {
            size_t s = d->order[k], a = c->sent[s], n = c->sent[s + 1] - a;
            const int *gold = c->gold + a;
            for (size_t i = 0; i < n; i++) {
                float *e = em + i * T;
                for (int t = 0; t < T; t++) e[t] = 0;
                uint32_t *r = d->frows + (a + i) * KB_NER_MAXFEAT;
                /* Word dropout: now and then hide the features that name
                ** the word itself, so that the weights also learn the
                ** context and shape of names never seen in training. The
                ** hidden rows point at a row no real feature uses much. */
                if (dropout > 0 && (double)(next_rand(&seed) % 10000) < dropout * 10000) {
                    memcpy(d->saved + (a + i) * 3, r + 1, 2 * sizeof *r);
                    d->saved[(a + i) * 3 + 2] = r[10];
                    r[1] = r[2] = r[10] = tr->mask;
                    d->hidden[a + i] = 1;
                }
                for (size_t f = 0; f < d->fn[a + i]; f++) {
                    const float *w = tr->w + (size_t)r[f] * T;
                    for (int t = 0; t < T; t++) e[t] += w[t];
                }
            }
            if (crf) {
                /* the rate of CRFsuite's L2 SGD: eta0 / (1 + eta0 lambda t) */
                float ws = (float)tr->ws;
                for (size_t i = 0; i < n * T; i++) em[i] *= ws;
                double eta = eta0 / (1.0 + eta0 * lambda * tr->c);
                crf_step(tr, em, n, gold, d->frows + a * KB_NER_MAXFEAT, d->fn + a, eta, lambda);
            }
            kb__ner_viterbi(em, n, tr->tw, pred);
            tr->c += 1;
            seen += n;
            for (size_t i = 0; i < n; i++) {
                int gp = i ? gold[i - 1] : -1, pp = i ? pred[i - 1] : -1;
                right += gold[i] == pred[i];
                if (crf) continue;
                if (gold[i] != pred[i]) {
                    const uint32_t *r = d->frows + (a + i) * KB_NER_MAXFEAT;
                    update(tr, r, d->fn[a + i], gold[i], 1);
                    update(tr, r, d->fn[a + i], pred[i], -1);
                }
                if (gold[i] != pred[i] || gp != pp) {
                    update_trans(tr, gp, gold[i], 1);
                    update_trans(tr, pp, pred[i], -1);
                }
            }
            for (size_t i = 0; i < n; i++)
                if (d->hidden[a + i]) {
                    uint32_t *r = d->frows + (a + i) * KB_NER_MAXFEAT;
                    memcpy(r + 1, d->saved + (a + i) * 3, 2 * sizeof *r);
                    r[10] = d->saved[(a + i) * 3 + 2];
                    d->hidden[a + i] = 0;
                }
        }
        if (opts && opts->progress)
            opts->progress(opts->progress_ctx, stage, ep + 1, epochs, seen ? (double)right / (double)seen : 0);
    }
    /* The perceptron's average; the CRF's scale folded in. */
    size_t cells = tr->rows * T;
    double cc = tr->c > 0 ? tr->c : 1;
    for (size_t i = 0; i < cells; i++)
        tr->w[i] = crf ? (float)(tr->w[i] * tr->ws) : tr->w[i] - (float)(tr->u[i] / cc);
    for (size_t i = 0; i < (T + 1) * T; i++) trans[i] = crf ? tr->tw[i] : tr->tw[i] - (float)(tr->tu[i] / cc);
}

/* Train one stage: the ENSEMBLE over the prepared tokens of sentences
** [0, split) except those of [x0, x1) (a jackknife fold), with the
** features each token's fields give (the second pass's when ctx is set).
** The model receives the quantized weights (out->own, caller frees). */
static int train_stage(const corpus *c, kb_ner_tok *all, size_t split, size_t x0, size_t x1, int epochs,
                       double dropout, const kb_ner_train_opts *opts, const char *stage, kb_ner_model *out) {
    int rc = KB_OK;
    size_t ntok = c->sent[split];
    trainer tr = {0};
    tr.rows = (size_t)1 << KB_NER_ROWS_LOG2;
    tr.mask = (uint32_t)tr.rows - 1;
    size_t cells = tr.rows * T;
    tr.w = malloc(cells * sizeof *tr.w);
    tr.u = malloc(cells * sizeof *tr.u);
    float *sum = calloc(cells, sizeof *sum);
    stage_data d = {c, NULL, 0, NULL, NULL, NULL, NULL};
    /* Feature rows of every training token, computed once. */
    d.frows = malloc((ntok ? ntok : 1) * KB_NER_MAXFEAT * sizeof *d.frows);
    d.fn = malloc(ntok ? ntok : 1);
    d.order = malloc((split ? split : 1) * sizeof *d.order);
    d.saved = malloc((ntok ? ntok : 1) * 3 * sizeof *d.saved);
    d.hidden = calloc(ntok ? ntok : 1, 1);
    int16_t *q = NULL;
    if (!tr.w || !tr.u || !sum || !d.frows || !d.fn || !d.order || !d.saved || !d.hidden) {
        rc = KB_ENOMEM;
        goto done;
    }
    for (size_t s = 0; s < split; s++) {
        if (s >= x0 && s < x1) continue;
        size_t a = c->sent[s], n = c->sent[s + 1] - a;
        for (size_t i = 0; i < n; i++)
            d.fn[a + i] = (unsigned char)kb__ner_features(all + a, n, i, tr.mask, d.frows + (a + i) * KB_NER_MAXFEAT);
        d.order[d.nord++] = s;
    }
    /* Tuning aid: KB_NER_SEED=N trains with other shuffle orders, to
    ** average dev scores over orders (they move by +-0.01 with it). */
    const char *sv = getenv("KB_NER_SEED");
    uint64_t seed0 = (uint64_t)(sv ? atoi(sv) : 0);
    const char *list[MAX_LEARNERS];
    size_t nl = 0;
    const char *mv = getenv("KB_NER_MIX");
    char buf[256]; /* KB_NER_MIX's words, which list points into */
    if (mv && *mv) {
        snprintf(buf, sizeof buf, "%s", mv);
        for (char *tk = strtok(buf, " "); tk && nl < MAX_LEARNERS; tk = strtok(NULL, " ")) list[nl++] = tk;
    } else {
        for (; nl < sizeof ENSEMBLE / sizeof *ENSEMBLE; nl++) list[nl] = ENSEMBLE[nl];
    }
    float trans[(T + 1) * T], tsum[(T + 1) * T] = {0};
    for (size_t l = 0; l < nl; l++) {
        memset(tr.w, 0, cells * sizeof *tr.w);
        memset(tr.u, 0, cells * sizeof *tr.u);
        memset(tr.tw, 0, sizeof tr.tw);
        memset(tr.tu, 0, sizeof tr.tu);
        tr.c = 0;
        int crf = list[l][0] == 'c';
        double c2 = crf && list[l][1] == ':' ? atof(list[l] + 2) : 1.0;
        uint64_t seed = 0x2545F4914F6CDD1DULL ^ (seed0 + l) * 0x9E3779B97F4A7C15ULL;
        learn(&tr, &d, epochs, dropout, crf, c2, seed, opts, stage, trans);
        double nrm = 0;
        for (size_t i = 0; i < cells; i++) nrm += (double)tr.w[i] * tr.w[i];
        nrm = nrm > 0 ? sqrt(nrm) : 1;
        for (size_t i = 0; i < cells; i++) sum[i] += (float)(tr.w[i] / nrm);
        for (size_t i = 0; i < (T + 1) * T; i++) tsum[i] += (float)(trans[i] / nrm);
    }
    /* Quantize to int16 with one scale for the whole table. */
    float maxw = 0;
    for (size_t i = 0; i < cells; i++)
        if (fabsf(sum[i]) > maxw) maxw = fabsf(sum[i]);
    memset(out, 0, sizeof *out);
    memcpy(out->trans, tsum, sizeof tsum);
    float scale = maxw > 0 ? maxw / 32767.0f : 1.0f;
    q = malloc(cells * sizeof *q);
    if (!q) { rc = KB_ENOMEM; goto done; }
    for (size_t i = 0; i < cells; i++) q[i] = (int16_t)lrintf(sum[i] / scale);
    out->rows_log2 = KB_NER_ROWS_LOG2;
    out->scale = scale;
    out->w = out->own = q;
done:
    free(sum);
    free(d.saved);
    free(d.hidden);
    free(d.order);
    free(d.fn);
    free(d.frows);
    free(tr.w);
    free(tr.u);
    return rc;
}

/* First-pass tags of sentences [s0, s1) into tags (indexed by word). */
static void tag_sentences(const corpus *c, const kb_ner_tok *all, size_t s0, size_t s1, const kb_ner_model *m,
                          int *tags) {
    for (size_t s = s0; s < s1; s++) {
        size_t a = c->sent[s];
        kb__ner_tag(m, all + a, c->sent[s + 1] - a, tags + a);
    }
}

/* Folds of the jackknife that gives the second pass its training input. */
#define JACKKNIFE_FOLDS 5

int kb_ner_train(const char *corpus_path, const char *model_out, const kb_ner_train_opts *opts,
                 kb_ner_report *report) {
    int epochs = opts && opts->epochs > 0 ? opts->epochs : 12;
    double holdout = opts ? opts->holdout : 0.2;
    double dropout = opts && opts->dropout > 0 ? opts->dropout : 0;
    if (!corpus_path || holdout < 0 || holdout > 0.9) return KB_EINVAL;
    if (kb__ner_gaz_init()) return KB_ENOMEM;
    corpus c;
    int rc = corpus_read(corpus_path, &c);
    if (rc) return rc;
    size_t split = split_at(&c, holdout);
    size_t ntrain_tok = c.sent[split];
    kb_ner_model m1 = {0}, m2 = {0};
    kb_ner_tok *all = prepare_all(&c);
    int *p1 = malloc((ntrain_tok ? ntrain_tok : 1) * sizeof *p1);
    if (!all || !p1) { rc = KB_ENOMEM; goto done; }
    /* The second pass learns from first-pass tags of text the first pass
    ** did not train on (k-fold jackknife over contiguous blocks, so that a
    ** name's other mentions mostly stay in the same fold): tags of its own
    ** training text would be near perfect, and it would learn to trust them. */
    for (int f = 0; !rc && f < JACKKNIFE_FOLDS; f++) {
        size_t x0 = split * (size_t)f / JACKKNIFE_FOLDS, x1 = split * (size_t)(f + 1) / JACKKNIFE_FOLDS;
        kb_ner_model fm = {0}; /* freed below even when train_stage fails before filling it */
        rc = train_stage(&c, all, split, x0, x1, epochs, dropout, opts, "jackknife", &fm);
        if (!rc) tag_sentences(&c, all, x0, x1, &fm, p1);
        kb__ner_model_free(&fm);
    }
    if (!rc) rc = train_stage(&c, all, split, 0, 0, epochs, dropout, opts, "epoch", &m1);
    if (!rc && kb__ner_doc_context(all, ntrain_tok, p1)) rc = KB_ENOMEM;
    if (!rc) rc = train_stage(&c, all, split, 0, 0, epochs, dropout, opts, "epoch", &m2);
    if (!rc && model_out) rc = write_model(model_out, &m1, &m2);
    if (!rc && report) {
        if (opts && opts->progress) opts->progress(opts->progress_ctx, "evaluate", 0, 1, 0);
        m1.second = &m2;
        rc = evaluate(&c, all, split, &m1, report);
        m1.second = NULL;
        report->train_tokens = ntrain_tok;
        report->train_sentences = split;
    }
done:
    kb__ner_model_free(&m1);
    kb__ner_model_free(&m2);
    free(p1);
    free(all);
    corpus_free(&c);
    return rc;
}

int kb_ner_evaluate(const char *corpus_path, double holdout, kb_ner_report *report) {
    if (!corpus_path || !report || holdout <= 0 || holdout > 1) return KB_EINVAL;
    const kb_ner_model *m = kb__ner_model();
    if (!m) return KB_ENOTFOUND;
    corpus c;
    int rc = corpus_read(corpus_path, &c);
    if (rc) return rc;
    size_t split = split_at(&c, holdout);
    kb_ner_tok *all = prepare_all(&c);
    rc = all ? evaluate(&c, all, split, m, report) : KB_ENOMEM;
    report->train_tokens = c.sent[split];
    report->train_sentences = split;
    free(all);
    corpus_free(&c);
    return rc;
}
