/*
** bench_dedup: how well and how fast khabar groups republished articles into
** stories (src/dedup/, docs/internals/dedup.md).
**
**   bench_dedup [-n N] [-skip S] [-w W] [-stop] [-t T] [-b BANDS] [-explore]
**               [-no-patho] [-diag] [FILE]
**
** FILE defaults to $KB_CORPUS/news/saudinewsnet.jsonl.zst. The sample is the
** first N (5000) records that have a title and a text, after skipping S:
** the file is in crawl order, so this is a time window (the first two crawl
** days, all outlets), which is where republished wire copy is. For every
** pair of the sample the exact Jaccard similarity of the shingle sets is
** computed (an inverted index counts the shared shingles of every pair that
** has one; a brute-force merge over the first 400 articles checks it). The
** grouping is then scored on pairs: a pair is predicted when both articles
** end in one story, and true when its exact Jaccard is >= 0.8.
**
** Printed, one line per measure (name key=value ...): the sample, the exact
** pair counts, the estimator error, LSH candidate recall per band layout,
** precision and recall at the chosen threshold, the curve over thresholds,
** signatures per second, and the pathological inputs (10,000 and 100,000
** identical and empty articles: time and stories). -explore compares
** shingle sizes 2..5 with and without stopwords; -diag explains the errors
** (-diag -diag lists them).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dedup/dedup.h"
#include "khabar.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what) {
    fprintf(stderr, "bench_dedup: %s\n", what);
    exit(1);
}

/* --- the sample ------------------------------------------------------------ */

static kb_article **load(const char *path, size_t skip, size_t want, size_t *n, size_t *bytes) {
    kb_reader *r;
    const char *em;
    if (kb_reader_open(&r, path, NULL, &em) != KB_OK) {
        fprintf(stderr, "bench_dedup: %s: %s\n", path, em);
        exit(77);
    }
    kb_article **v = malloc(want * sizeof *v);
    if (!v) die("out of memory");
    size_t k = 0, seen = 0;
    *bytes = 0;
    kb_doc d;
    int rc;
    while (k < want && (rc = kb_reader_next(r, &d)) != 0) {
        if (rc < 0) continue;
        kb_article *a;
        if (kb_extract_doc(&d, NULL, &a, &em) != KB_OK) continue;
        if (!a->title || !a->nparagraphs || seen++ < skip) {
            kb_article_free(a);
            continue;
        }
        for (size_t i = 0; i < a->nparagraphs; i++) *bytes += strlen(a->paragraphs[i]) + 1;
        v[k++] = a;
    }
    kb_reader_free(r);
    *n = k;
    return v;
}

/* --- exact Jaccard ------------------------------------------------------------ */

typedef struct pair {
    uint32_t i, j; /* j < i */
    float jac;
} pair;

typedef struct sets {
    uint64_t **s; /* sorted distinct shingle hashes per article */
    size_t *n;
} sets;

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static sets make_sets(kb_article **arts, size_t n, const kb_sig_opts *o) {
    kb_sigger *sg;
    if (kb__sigger_new(&sg, o)) die("out of memory");
    sets S = {malloc(n * sizeof(uint64_t *)), malloc(n * sizeof(size_t))};
    for (size_t i = 0; i < n; i++) {
        size_t m = kb__sig_shingles(sg, arts[i], NULL, 0);
        uint64_t *h = malloc((m ? m : 1) * sizeof *h);
        kb__sig_shingles(sg, arts[i], h, m);
        qsort(h, m, sizeof *h, cmp_u64);
        size_t u = 0;
        for (size_t k = 0; k < m; k++)
            if (!u || h[u - 1] != h[k]) h[u++] = h[k];
        S.s[i] = h;
        S.n[i] = u;
    }
    kb__sigger_free(sg);
    return S;
}

static void free_sets(sets *S, size_t n) {
    for (size_t i = 0; i < n; i++) free(S->s[i]);
    free(S->s);
    free(S->n);
}

static double merge_jaccard(const sets *S, size_t a, size_t b) {
    size_t i = 0, j = 0, c = 0;
    while (i < S->n[a] && j < S->n[b]) {
        if (S->s[a][i] < S->s[b][j]) i++;
        else if (S->s[a][i] > S->s[b][j]) j++;
        else { c++; i++; j++; }
    }
    size_t u = S->n[a] + S->n[b] - c;
    return u ? (double)c / (double)u : 0.0;
}

typedef struct posting {
    uint64_t h;
    uint32_t doc;
} posting;

static int cmp_posting(const void *a, const void *b) {
    const posting *x = a, *y = b;
    if (x->h != y->h) return x->h < y->h ? -1 : 1;
    return x->doc < y->doc ? -1 : x->doc > y->doc;
}

/* Every pair with exact Jaccard >= lo. Pairs sharing no shingle have
** Jaccard 0, so counting shared shingles through an inverted index gives
** the exact value for all pairs. */
static pair *exact_pairs(const sets *S, size_t n, double lo, size_t *np) {
    size_t tot = 0;
    for (size_t i = 0; i < n; i++) tot += S->n[i];
    posting *P = malloc((tot ? tot : 1) * sizeof *P);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t m = 0; m < S->n[i]; m++) P[k++] = (posting){S->s[i][m], (uint32_t)i};
    qsort(P, tot, sizeof *P, cmp_posting);
    /* start[] of each shingle's run, found by binary search per lookup. */
    uint32_t *cnt = calloc(n, sizeof *cnt), *touched = malloc(n * sizeof *touched);
    size_t cap = 1024, np_ = 0;
    pair *out = malloc(cap * sizeof *out);
    for (size_t i = 0; i < n; i++) {
        size_t nt = 0;
        for (size_t m = 0; m < S->n[i]; m++) {
            uint64_t h = S->s[i][m];
            size_t lo_ = 0, hi = tot;
            while (lo_ < hi) {
                size_t mid = (lo_ + hi) / 2;
                if (P[mid].h < h) lo_ = mid + 1;
                else hi = mid;
            }
            for (size_t q = lo_; q < tot && P[q].h == h && P[q].doc < i; q++) {
                if (!cnt[P[q].doc]++) touched[nt++] = P[q].doc;
            }
        }
        for (size_t t = 0; t < nt; t++) {
            uint32_t j = touched[t];
            double jac = (double)cnt[j] / (double)(S->n[i] + S->n[j] - cnt[j]);
            cnt[j] = 0;
            if (jac < lo) continue;
            if (np_ == cap) out = realloc(out, (cap *= 2) * sizeof *out);
            out[np_++] = (pair){(uint32_t)i, j, (float)jac};
        }
    }
    free(P);
    free(cnt);
    free(touched);
    *np = np_;
    return out;
}

/* --- scoring ------------------------------------------------------------------ */

static int64_t *group(const kb_sig *sig, const int *has, size_t n, double t, int bands, size_t *nstories,
                      size_t *work) {
    kb_grouper *g;
    kb_grouper_opts o = {t, bands};
    if (kb__grouper_new(&g, &o)) die("grouper");
    int64_t *story = malloc(n * sizeof *story);
    *nstories = 0;
    for (size_t i = 0; i < n; i++) {
        if (kb__grouper_add(g, has[i] ? &sig[i] : NULL, &story[i], NULL)) die("grouper add");
        *nstories += story[i] == (int64_t)i;
    }
    *work = kb__grouper_work(g);
    kb__grouper_free(g);
    return story;
}

/* Pairs in one story, and of the true pairs (jac >= truth) those in one story. */
static void score(const int64_t *story, size_t n, const pair *P, size_t np, double truth, double *prec,
                  double *rec, size_t *pred_out, size_t *truth_out) {
    size_t *size = calloc(n, sizeof *size);
    for (size_t i = 0; i < n; i++) size[story[i]]++;
    size_t pred = 0, tp = 0, tr = 0;
    for (size_t i = 0; i < n; i++) pred += size[i] * (size[i] ? size[i] - 1 : 0) / 2;
    for (size_t k = 0; k < np; k++) {
        if (P[k].jac < truth) continue;
        tr++;
        tp += story[P[k].i] == story[P[k].j];
    }
    free(size);
    *prec = pred ? (double)tp / (double)pred : 1.0;
    *rec = tr ? (double)tp / (double)tr : 1.0;
    if (pred_out) *pred_out = pred;
    if (truth_out) *truth_out = tr;
}

static void sign_all(kb_article **arts, size_t n, const kb_sig_opts *o, kb_sig *sig, int *has) {
    kb_sigger *sg;
    if (kb__sigger_new(&sg, o)) die("out of memory");
    for (size_t i = 0; i < n; i++) has[i] = kb__sig_compute(sg, arts[i], &sig[i]) == KB_OK;
    kb__sigger_free(sg);
}

/* Signatures per second on one core over the sample, repeated for >= 1 s. */
static double speed(kb_article **arts, size_t n, const kb_sig_opts *o, size_t bytes, double *mbs) {
    kb_sigger *sg;
    if (kb__sigger_new(&sg, o)) die("out of memory");
    kb_sig s;
    unsigned sink = 0;
    size_t done = 0, rounds = 0;
    double t0 = now(), t;
    do {
        for (size_t i = 0; i < n; i++) {
            kb__sig_compute(sg, arts[i], &s);
            sink += s.h[0];
        }
        done += n;
        rounds++;
    } while ((t = now() - t0) < 1.0);
    kb__sigger_free(sg);
    if (sink == 12345) fputs("", stderr); /* keep the loop */
    *mbs = (double)bytes * (double)rounds / t / 1e6;
    return (double)done / t;
}

/* Tokenizing alone, for reference: the floor under signature time. */
static double token_speed(kb_article **arts, size_t n) {
    kb_tokenizer *tk;
    if (kb_tokenizer_new(&tk, KB_NORM_SEARCH, KB_TOK_SKIP_PUNCT)) die("out of memory");
    size_t done = 0, sink = 0;
    double t0 = now(), t;
    do {
        for (size_t i = 0; i < n; i++) {
            for (size_t p = 0; p < arts[i]->nparagraphs; p++) {
                kb_token tok;
                kb_tokenizer_reset(tk, arts[i]->paragraphs[p], strlen(arts[i]->paragraphs[p]));
                while (kb_tokenizer_next(tk, &tok)) sink += tok.norm_n;
            }
        }
        done += n;
    } while ((t = now() - t0) < 1.0);
    kb_tokenizer_free(tk);
    if (sink == 12345) fputs("", stderr);
    return (double)done / t;
}

static void pathological(kb_article *model, const char *kind, size_t n) {
    kb_sigger *sg;
    kb_grouper *g;
    if (kb__sigger_new(&sg, NULL) || kb__grouper_new(&g, NULL)) die("out of memory");
    kb_article empty = {0};
    kb_article *a = strcmp(kind, "empty") ? model : &empty;
    size_t stories = 0, signed_ = 0;
    double t0 = now();
    for (size_t i = 0; i < n; i++) {
        kb_sig s;
        int64_t st;
        int ok = kb__sig_compute(sg, a, &s) == KB_OK;
        signed_ += ok;
        if (kb__grouper_add(g, ok ? &s : NULL, &st, NULL)) die("grouper add");
        stories += st == (int64_t)i;
    }
    double t = now() - t0;
    printf("patho case=%s n=%zu sec=%.3f us_per_article=%.2f stories=%zu signed=%zu rows_examined=%zu\n", kind, n,
           t, t * 1e6 / (double)n, stories, signed_, kb__grouper_work(g));
    kb__grouper_free(g);
    kb__sigger_free(sg);
}

int main(int argc, char **argv) {
    size_t want = 5000, skip = 0;
    kb_sig_opts o = {KB_SIG_SHINGLE, 0};
    double thr = KB_SIG_THRESHOLD;
    int bands = KB_SIG_BANDS, explore = 0, patho = 1, diag = 0;
    const char *path = NULL;
    char buf[4096];
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc) want = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "-skip") && i + 1 < argc) skip = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "-w") && i + 1 < argc) o.shingle = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-stop")) o.stopwords = 1;
        else if (!strcmp(argv[i], "-t") && i + 1 < argc) thr = atof(argv[++i]);
        else if (!strcmp(argv[i], "-b") && i + 1 < argc) bands = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-explore")) explore = 1;
        else if (!strcmp(argv[i], "-no-patho")) patho = 0;
        else if (!strcmp(argv[i], "-diag")) diag++;
        else if (argv[i][0] == '-') die("usage: bench_dedup [-n N] [-skip S] [-w W] [-stop] [-t T] [-b BANDS] "
                                        "[-explore] [-no-patho] [-diag] [FILE]");
        else path = argv[i];
    }
    if (!path) {
        const char *root = getenv("KB_CORPUS");
        snprintf(buf, sizeof buf, "%s/news/saudinewsnet.jsonl.zst", root ? root : "../shared/corpus");
        path = buf;
    }
    size_t n, bytes;
    kb_article **arts = load(path, skip, want, &n, &bytes);
    if (n < 2) die("no articles");
    printf("sample file=%s skip=%zu articles=%zu body_bytes_avg=%.0f\n", path, skip, n, (double)bytes / (double)n);

    kb_sig *sig = malloc(n * sizeof *sig);
    int *has = malloc(n * sizeof *has);

    if (explore) {
        for (int w = 2; w <= 5; w++) {
            for (int st = 0; st <= 1; st++) {
                kb_sig_opts e = {w, st};
                sets S = make_sets(arts, n, &e);
                size_t np;
                pair *P = exact_pairs(&S, n, 0.5, &np);
                size_t t80 = 0, t90 = 0;
                for (size_t k = 0; k < np; k++) t80 += P[k].jac >= 0.8f, t90 += P[k].jac >= 0.9f;
                sign_all(arts, n, &e, sig, has);
                size_t ns, work, pred;
                int64_t *story = group(sig, has, n, thr, bands, &ns, &work);
                double p, r, mbs;
                score(story, n, P, np, 0.8, &p, &r, &pred, NULL);
                double sps = speed(arts, n, &e, bytes, &mbs);
                printf("explore shingle=%d stopwords=%d pairs_j50=%zu pairs_j80=%zu pairs_j90=%zu "
                       "threshold=%.2f precision=%.4f recall=%.4f stories=%zu sigs_per_s=%.0f\n",
                       w, st, np, t80, t90, thr, p, r, ns, sps);
                free(story);
                free(P);
                free_sets(&S, n);
            }
        }
        return 0;
    }

    sets S = make_sets(arts, n, &o);
    double t0 = now();
    size_t np;
    pair *P = exact_pairs(&S, n, 0.5, &np);
    double texact = now() - t0;
    /* Check the inverted index against brute force on the first 400. */
    size_t checked = 0, bad = 0, m = n < 400 ? n : 400;
    {
        char *isp = calloc(m * m, 1);
        for (size_t k = 0; k < np; k++)
            if (P[k].i < m) isp[P[k].i * m + P[k].j] = 1;
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < i; j++) {
                checked++;
                bad += (merge_jaccard(&S, i, j) >= 0.5) != isp[i * m + j];
            }
        free(isp);
    }
    size_t tcount[10] = {0};
    for (size_t k = 0; k < np; k++)
        for (int b = 0; b < 10; b++) tcount[b] += P[k].jac >= 0.5 + 0.05 * b - 1e-6;
    printf("exact pairs_total=%zu pairs_j50=%zu pairs_j80=%zu pairs_j90=%zu pairs_j95=%zu sec=%.2f "
           "brute_check_pairs=%zu brute_mismatch=%zu\n",
           n * (n - 1) / 2, tcount[0], tcount[6], tcount[8], tcount[9], texact, checked, bad);

    sign_all(arts, n, &o, sig, has);
    size_t nosig = 0;
    for (size_t i = 0; i < n; i++) nosig += !has[i];
    /* Estimator: signature similarity against exact Jaccard on pairs >= 0.5. */
    double err = 0, maxerr = 0;
    for (size_t k = 0; k < np; k++) {
        double e = kb__sig_similarity(&sig[P[k].i], &sig[P[k].j]) - P[k].jac;
        if (e < 0) e = -e;
        err += e;
        if (e > maxerr) maxerr = e;
    }
    printf("estimate shingle=%d stopwords=%d k=%d pairs=%zu mean_abs_err=%.4f max_abs_err=%.4f no_signature=%zu\n",
           o.shingle, o.stopwords, KB_SIG_K, np, np ? err / (double)np : 0, maxerr, nosig);

    /* LSH: share of true pairs (>= 0.8) sharing a band key, per layout. */
    for (int nb = 8; nb <= 64; nb *= 2) {
        size_t tr = 0, hit = 0;
        uint64_t ka[KB_SIG_K], kb[KB_SIG_K];
        for (size_t k = 0; k < np; k++) {
            if (P[k].jac < 0.8f) continue;
            tr++;
            kb__sig_bands_n(&sig[P[k].i], nb, ka);
            kb__sig_bands_n(&sig[P[k].j], nb, kb);
            int any = 0;
            for (int b = 0; b < nb; b++) any |= ka[b] == kb[b];
            hit += any;
        }
        size_t ns, work;
        int64_t *story = group(sig, has, n, thr, nb, &ns, &work);
        double p, r;
        score(story, n, P, np, 0.8, &p, &r, NULL, NULL);
        free(story);
        printf("lsh bands=%d rows=%d candidate_recall_j80=%.4f rows_examined=%zu precision=%.4f recall=%.4f\n", nb,
               KB_SIG_K / nb, tr ? (double)hit / (double)tr : 1.0, work, p, r);
    }

    size_t ns, work, pred, tr;
    t0 = now();
    int64_t *story = group(sig, has, n, thr, bands, &ns, &work);
    double tg = now() - t0;
    double p, r;
    score(story, n, P, np, 0.8, &p, &r, &pred, &tr);
    size_t multi = 0;
    {
        size_t *size = calloc(n, sizeof *size);
        for (size_t i = 0; i < n; i++) size[story[i]]++;
        for (size_t i = 0; i < n; i++) multi += size[i] > 1;
        free(size);
    }
    if (diag) {
        /* False pairs by exact Jaccard band, and whether the two are directly similar. */
        size_t fp[4] = {0};
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < i; j++) {
                if (story[i] != story[j]) continue;
                double jac = merge_jaccard(&S, i, j);
                if (jac >= 0.8) continue;
                double est = kb__sig_similarity(&sig[i], &sig[j]);
                fp[jac >= 0.7 ? 0 : jac >= 0.5 ? 1 : 2]++;
                if (est >= thr) fp[3]++;
                if (jac < 0.5 && diag > 1) printf("  chain %zu %zu jac=%.3f est=%.3f story=%lld\n", i, j, jac, est, (long long)story[i]);
            }
        size_t miss_est_ok = 0, miss_est_low = 0;
        for (size_t k = 0; k < np; k++) {
            if (P[k].jac < 0.8f || story[P[k].i] == story[P[k].j]) continue;
            if (kb__sig_similarity(&sig[P[k].i], &sig[P[k].j]) >= thr - 1e-9) miss_est_ok++;
            else miss_est_low++;
            if (diag > 1) printf("  miss %u %u jac=%.3f est=%.3f n=%zu,%zu\n", P[k].i, P[k].j, P[k].jac, kb__sig_similarity(&sig[P[k].i], &sig[P[k].j]), S.n[P[k].i], S.n[P[k].j]);
        }
        printf("diag missed_direct_est_ge_thr=%zu missed_est_below=%zu\n", miss_est_ok, miss_est_low);
        printf("diag false_j70_80=%zu false_j50_70=%zu false_below50=%zu false_direct_est_ge_thr=%zu\n", fp[0], fp[1], fp[2], fp[3]);
    }
    printf("grouping shingle=%d stopwords=%d bands=%d rows=%d threshold=%.2f truth=0.80 precision=%.4f recall=%.4f "
           "pairs_predicted=%zu pairs_true=%zu stories=%zu stories_multi=%zu group_sec=%.4f\n",
           o.shingle, o.stopwords, bands, KB_SIG_K / bands, thr, p, r, pred, tr, ns, multi, tg);
    free(story);

    for (int b = 0; b < 10; b++) {
        double t = 0.5 + 0.05 * b, p8, r8, pt, rt;
        story = group(sig, has, n, t, bands, &ns, &work);
        score(story, n, P, np, 0.8, &p8, &r8, NULL, NULL);
        score(story, n, P, np, t - 1e-6, &pt, &rt, NULL, NULL);
        printf("curve threshold=%.2f precision_j80=%.4f recall_j80=%.4f precision_jt=%.4f recall_jt=%.4f "
               "stories=%zu\n", t, p8, r8, pt, rt, ns);
        free(story);
    }

    double mbs;
    double sps = speed(arts, n, &o, bytes, &mbs);
    double tps = token_speed(arts, n);
    printf("speed sigs_per_s=%.0f mb_per_s=%.1f body_bytes_avg=%.0f tokenize_only_per_s=%.0f\n", sps, mbs,
           (double)bytes / (double)n, tps);
    /* The same on the typical 2-3 KB bodies of the sample. */
    {
        kb_article **sub = malloc(n * sizeof *sub);
        size_t ns2 = 0, b2 = 0;
        for (size_t i = 0; i < n; i++) {
            size_t b = 0;
            for (size_t q = 0; q < arts[i]->nparagraphs; q++) b += strlen(arts[i]->paragraphs[q]) + 1;
            if (b >= 2000 && b < 3000) { sub[ns2++] = arts[i]; b2 += b; }
        }
        if (ns2) {
            sps = speed(sub, ns2, &o, b2, &mbs);
            printf("speed_2_3kb articles=%zu sigs_per_s=%.0f mb_per_s=%.1f body_bytes_avg=%.0f\n", ns2, sps, mbs,
                   (double)b2 / (double)ns2);
        }
        free(sub);
    }

    if (patho) {
        pathological(arts[0], "identical", 10000);
        pathological(arts[0], "identical", 100000);
        pathological(arts[0], "empty", 10000);
        pathological(arts[0], "empty", 100000);
    }

    free(P);
    free_sets(&S, n);
    free(sig);
    free(has);
    for (size_t i = 0; i < n; i++) kb_article_free(arts[i]);
    free(arts);
    return 0;
}
