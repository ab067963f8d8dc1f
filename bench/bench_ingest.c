/*
** bench_ingest: the archive's speed and size, side by side in one run.
**
**   bench_ingest [CORPUS_DIR] [--million] [--workdir DIR]
**
** 1. khabar ingest, end to end (read .zst, parse JSON, extract, analyse,
**    store, index with the arabic tokenizer) of ANT v2.1 + SaudiNewsNet.
** 2. plain: the same files read the same way, title+body inserted into an
**    FTS5 table with unicode61 remove_diacritics 2 (no Arabic analysis).
**    Ratio of times and of file sizes.
** 3. Query latency over 1,000 queries drawn from titles (fixed seed): p50,
**    p99 on the khabar archive.
** 4. With --million: a 1M-article archive built by recombining real
**    paragraphs (build time, size, query latency).
** Output: one line per measure, `name key=value ...`.
**
** Environment: KB_BENCH_REUSE=1 measures query latency only, on the archive
** a previous run left in the work directory; KB_BENCH_REUSE_DB=PATH the same
** on another archive (the 1M one); KB_BENCH_RATIO_ONLY=1 the ingest time
** ratio alone (index only, plain and khabar alternated twice);
** KB_BENCH_MILLION_ONLY=1 builds the 1M archive alone;
** KB_BENCH_ANALYZE_ONLY=1 the analysis throughput alone.
*/
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/jsonparse.h"
#include "khabar.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of this process (user + system). */
static double cpu(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
}

static long long fsize(const char *p) {
    struct stat st;
    char wal[1024];
    long long s = stat(p, &st) == 0 ? (long long)st.st_size : 0;
    snprintf(wal, sizeof wal, "%s-wal", p);
    if (stat(wal, &st) == 0) s += (long long)st.st_size;
    return s;
}

static void rm_db(const char *p) {
    char b[1024];
    unlink(p);
    snprintf(b, sizeof b, "%s-wal", p);
    unlink(b);
    snprintf(b, sizeof b, "%s-shm", p);
    unlink(b);
}

static unsigned long long g_rng = 42;
static unsigned long long rnd(void) {
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return g_rng;
}

/* Titles and paragraphs kept for queries and the 1M archive. */
static char **g_titles;
static size_t g_ntitles, g_captitles;
static char **g_paras;
static size_t g_nparas, g_capparas;

static void keep(char ***arr, size_t *n, size_t *cap, const char *z, size_t max) {
    if (*n >= max) return;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        *arr = realloc(*arr, *cap * sizeof **arr);
    }
    (*arr)[(*n)++] = strdup(z);
}

/* 0 in the ratio-only run: no copies of titles and paragraphs. */
static int g_keep = 1;

static int khabar_ingest(const char *db, char **files, int nf, int analyze, int stories, long *articles, double *mb) {
    kb_archive *ar;
    rm_db(db);
    if (kb_archive_open(&ar, db, 0)) {
        fprintf(stderr, "bench_ingest: %s\n", kb_archive_errmsg(ar));
        return 1;
    }
    kb_archive_set_stories(ar, stories);
    long n = 0;
    uint64_t bytes = 0;
    for (int i = 0; i < nf; i++) {
        kb_reader *r;
        const char *msg;
        if (kb_reader_open(&r, files[i], NULL, &msg)) continue;
        kb_doc d;
        int rc;
        while ((rc = kb_reader_next(r, &d)) != 0) {
            if (rc < 0) continue;
            bytes += d.n;
            kb_article *a;
            if (kb_extract_doc(&d, NULL, &a, &msg)) continue;
            if (analyze) kb_analyze(a);
            int stored;
            kb_archive_put(ar, a, &stored);
            if (a->title && g_keep) keep(&g_titles, &g_ntitles, &g_captitles, a->title, 200000);
            for (size_t k = 0; k < a->nparagraphs && g_keep; k++)
                if (strlen(a->paragraphs[k]) > 80) keep(&g_paras, &g_nparas, &g_capparas, a->paragraphs[k], 400000);
            kb_article_free(a);
            n++;
        }
        kb_reader_free(r);
    }
    /* As khabar ingest does at the end of a large run. */
    kb_archive_optimize(ar, n);
    kb_archive_close(ar);
    *articles = n;
    *mb = (double)bytes / 1e6;
    return 0;
}

static int plain_ingest(const char *db, char **files, int nf, long *articles) {
    sqlite3 *h;
    rm_db(db);
    if (sqlite3_open(db, &h) != SQLITE_OK) return 1;
    sqlite3_exec(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                    "CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='unicode61 remove_diacritics 2');",
                 NULL, NULL, NULL);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(h, "INSERT INTO t(title, body) VALUES(?, ?)", -1, &st, NULL);
    long n = 0;
    sqlite3_exec(h, "BEGIN", NULL, NULL, NULL);
    for (int i = 0; i < nf; i++) {
        kb_reader *r;
        const char *msg;
        if (kb_reader_open(&r, files[i], NULL, &msg)) continue;
        kb_doc d;
        int rc;
        while ((rc = kb_reader_next(r, &d)) != 0) {
            if (rc < 0) continue;
            kb_arena a;
            kb__arena_init(&a, 0);
            kb_json *j;
            if (kb__json_parse(&a, d.p, d.n, 32, &j, NULL) == KB_OK) {
                size_t tn = 0, bn = 0;
                const char *t = kb__json_get_str(j, "title", &tn), *b = kb__json_get_str(j, "text", &bn);
                if (t) sqlite3_bind_text(st, 1, t, (int)tn, SQLITE_STATIC);
                else sqlite3_bind_null(st, 1);
                if (b) sqlite3_bind_text(st, 2, b, (int)bn, SQLITE_STATIC);
                else sqlite3_bind_null(st, 2);
                sqlite3_step(st);
                sqlite3_reset(st);
                if (++n % 500 == 0) {
                    sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
                    sqlite3_exec(h, "BEGIN", NULL, NULL, NULL);
                }
            }
            kb__arena_free(&a);
        }
        kb_reader_free(r);
    }
    sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
    sqlite3_finalize(st);
    sqlite3_close(h);
    *articles = n;
    return 0;
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int count_hit(void *ctx, const kb_hit *h) {
    (void)h;
    ++*(long *)ctx;
    return 0;
}

/*
** Query latency over nq queries drawn from titles (fixed seed). mode 0: the
** OR of the title's words (known-item search, as in bench_search); mode 1:
** 2 or 3 consecutive words of the title, all required (what people type).
*/
static void latency_mode(const char *name, const char *db, size_t nq, int mode);
static void latency(const char *name, const char *db, size_t nq) {
    char n2[128];
    latency_mode(name, db, nq, 0);
    snprintf(n2, sizeof n2, "%s_and", name);
    latency_mode(n2, db, nq, 1);
}

static void latency_mode(const char *name, const char *db, size_t nq, int mode) {
    kb_archive *ar;
    if (kb_archive_open(&ar, db, KB_ARCHIVE_READONLY)) return;
    double *t = calloc(nq, sizeof *t);
    g_rng = 7;
    size_t done = 0;
    long hits = 0;
    for (size_t i = 0; i < nq && g_ntitles; i++) {
        const char *title = g_titles[rnd() % g_ntitles];
        /* OR of the title's words, each quoted by the query parser. */
        char q[4096];
        size_t w = 0;
        const char *p = title;
        int words = 0, want = mode ? 2 + (int)(rnd() % 2) : 12;
        if (mode) {
            /* Start at a random word boundary. */
            size_t len = strlen(title), at = rnd() % (len ? len : 1);
            while (at > 0 && title[at - 1] != ' ') at--;
            p = title + at;
        }
        while (*p && w + 64 < sizeof q && words < want) {
            while (*p == ' ') p++;
            const char *s = p;
            while (*p && *p != ' ') p++;
            if (p > s) {
                if (words++) {
                    if (mode) q[w++] = ' ';
                    else { memcpy(q + w, " OR ", 4); w += 4; }
                }
                for (const char *c = s; c < p && w + 8 < sizeof q; c++)
                    if (*c != '"' && *c != '*' && *c != '-') q[w++] = *c;
            }
        }
        q[w] = 0;
        if (!words) continue;
        kb_query kq = {0};
        kq.q = q;
        kq.limit = 10;
        double t0 = now();
        long n = 0;
        if (kb_archive_search(ar, &kq, count_hit, &n, NULL) != KB_OK) continue;
        t[done++] = (now() - t0) * 1000;
        hits += n;
    }
    qsort(t, done, sizeof *t, cmp_d);
    if (done)
        printf("%s queries=%zu p50_ms=%.2f p99_ms=%.2f max_ms=%.2f mean_hits=%.1f\n", name, done, t[done / 2],
               t[(done * 99) / 100], t[done - 1], (double)hits / (double)done);
    free(t);
    kb_archive_close(ar);
}

static void million(const char *db) {
    if (!g_nparas || !g_ntitles) return;
    rm_db(db);
    kb_archive *ar;
    if (kb_archive_open(&ar, db, KB_ARCHIVE_NOSYNC)) return;
    kb_archive_set_batch(ar, 5000);
    double t0 = now();
    g_rng = 99;
    long n = 0;
    for (long i = 0; i < 1000000; i++) {
        /* A recombined article: a real title and 3-6 real paragraphs. */
        const char *title = g_titles[rnd() % g_ntitles];
        int np = 3 + (int)(rnd() % 4);
        const char *paras[6];
        for (int k = 0; k < np; k++) paras[k] = g_paras[rnd() % g_nparas];
        /* Build the article record directly through the JSON record path. */
        char *rec = malloc(1 << 17);
        size_t rn = 0;
        rn += (size_t)snprintf(rec + rn, 1 << 17, "{\"url\":\"https://bench.example/%ld\",\"title\":\"", i);
        for (const char *c = title; *c && rn < 1000; c++)
            if (*c != '"' && *c != '\\') rec[rn++] = *c;
        memcpy(rec + rn, "\",\"paragraphs\":[", 16);
        rn += 16;
        for (int k = 0; k < np; k++) {
            rec[rn++] = '"';
            for (const char *c = paras[k]; *c && rn < (1 << 17) - 64; c++)
                if (*c != '"' && *c != '\\' && (unsigned char)*c >= 0x20) rec[rn++] = *c;
            rec[rn++] = '"';
            if (k + 1 < np) rec[rn++] = ',';
        }
        memcpy(rec + rn, "]}", 2);
        rn += 2;
        kb_doc d = {"million", KB_FMT_JSONL, NULL, NULL, NULL, rec, rn};
        kb_article *a;
        const char *msg;
        if (kb_extract_doc(&d, NULL, &a, &msg) == KB_OK) {
            int stored;
            kb_archive_put(ar, a, &stored);
            kb_article_free(a);
            n++;
        }
        free(rec);
        if (n % 100000 == 0) fprintf(stderr, "bench_ingest: 1M archive: %ld articles, %.0fs\n", n, now() - t0);
    }
    double t1 = now();
    kb_archive_optimize(ar, n);
    printf("million_optimize seconds=%.1f\n", now() - t1);
    kb_archive_close(ar);
    double el = now() - t0;
    printf("million_build articles=%ld seconds=%.1f art_per_s=%.0f size_mb=%.0f\n", n, el, (double)n / el,
           (double)fsize(db) / 1e6);
    latency("million_query_latency", db, 1000);
}

/* khabar analyze's work without storing: read, extract, analyse (ANT only,
** as the issue asks), in one thread. */
static void analyze_throughput(const char *file) {
    kb_reader *r;
    const char *msg;
    if (kb_reader_open(&r, file, NULL, &msg)) return;
    kb_doc d;
    int rc;
    long n = 0, quotes = 0, ents = 0, amts = 0;
    double bytes = 0, t0 = now();
    while ((rc = kb_reader_next(r, &d)) != 0) {
        if (rc < 0) continue;
        kb_article *a;
        if (kb_extract_doc(&d, NULL, &a, &msg)) continue;
        for (size_t i = 0; i < a->nparagraphs; i++) bytes += (double)strlen(a->paragraphs[i]);
        if (kb_analyze(a) == KB_OK) {
            quotes += (long)a->nquotes;
            ents += (long)a->nentities;
            amts += (long)a->namounts;
        }
        kb_article_free(a);
        n++;
    }
    kb_reader_free(r);
    double el = now() - t0;
    printf("analyze_throughput articles=%ld seconds=%.2f art_per_s=%.0f body_mb=%.1f mb_per_s=%.2f quotes=%ld "
           "entities=%ld amounts=%ld\n",
           n, el, (double)n / el, bytes / 1e6, bytes / 1e6 / el, quotes, ents, amts);
}

int main(int argc, char **argv) {
    const char *corpus = getenv("KB_CORPUS") ? getenv("KB_CORPUS") : "../shared/corpus";
    const char *work = "/tmp";
    int big = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--million")) big = 1;
        else if (!strcmp(argv[i], "--workdir") && i + 1 < argc) work = argv[++i];
        else corpus = argv[i];
    }
    char f1[1024], f2[1024];
    snprintf(f1, sizeof f1, "%s/news/ant-v2.1.jsonl.zst", corpus);
    snprintf(f2, sizeof f2, "%s/news/saudinewsnet.jsonl.zst", corpus);
    if (access(f1, R_OK) || access(f2, R_OK)) {
        printf("bench_ingest skipped: corpus absent at %s\n", corpus);
        return 0;
    }
    char *files[2] = {f1, f2};
    if (getenv("KB_BENCH_ANALYZE_ONLY")) {
        analyze_throughput(f1);
        return 0;
    }
    char kdb[1024], pdb[1024], mdb[1024];
    snprintf(kdb, sizeof kdb, "%s/bench-khabar.db", work);
    snprintf(pdb, sizeof pdb, "%s/bench-plain.db", work);
    snprintf(mdb, sizeof mdb, "%s/bench-million.db", work);
    if (getenv("KB_BENCH_MILLION_ONLY")) {
        /* The 1M archive alone: its titles and paragraphs come from ANT. */
        long n;
        double m;
        char pool[1024];
        snprintf(pool, sizeof pool, "%s/bench-pool.db", work);
        khabar_ingest(pool, files, 1, 0, 0, &n, &m);
        million(mdb);
        return 0;
    }
    if (getenv("KB_BENCH_REUSE_DB")) snprintf(kdb, sizeof kdb, "%s", getenv("KB_BENCH_REUSE_DB"));
    if ((getenv("KB_BENCH_REUSE") || getenv("KB_BENCH_REUSE_DB")) && access(kdb, R_OK) == 0) {
        /* Query latency only, on the archive a previous run built (or the
        ** one KB_BENCH_REUSE_DB names, e.g. /tmp/bench-million.db). */
        printf("reuse archive=%s\n", kdb);
        sqlite3 *h;
        sqlite3_stmt *st;
        if (sqlite3_open_v2(kdb, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
            sqlite3_prepare_v2(h, "SELECT title FROM articles WHERE title IS NOT NULL", -1, &st, NULL) == SQLITE_OK) {
            while (sqlite3_step(st) == SQLITE_ROW)
                keep(&g_titles, &g_ntitles, &g_captitles, (const char *)sqlite3_column_text(st, 0), 200000);
            sqlite3_finalize(st);
        }
        sqlite3_close(h);
        latency("query_latency", kdb, 1000);
        return 0;
    }
    if (getenv("KB_BENCH_RATIO_ONLY")) {
        /* The time ratio alone, index only (no analysis, no stories), the
        ** two ingests alternated twice so that both see the same machine;
        ** the better time of each. */
        char ndb[1024];
        snprintf(ndb, sizeof ndb, "%s/bench-khabar-nostories.db", work);
        double bp = 1e30, bk = 1e30;
        g_keep = 0;
        long np = 0, nn = 0;
        double mbn = 0;
        double cp = 1e30, ck = 1e30;
        for (int round = 0; round < 2; round++) {
            double t0 = now(), c0 = cpu();
            plain_ingest(pdb, files, 2, &np);
            double tp = now() - t0, cpp = cpu() - c0;
            t0 = now();
            c0 = cpu();
            khabar_ingest(ndb, files, 2, 0, 0, &nn, &mbn);
            double tk = now() - t0, cpk = cpu() - c0;
            printf("ratio_round %d plain_seconds=%.2f khabar_seconds=%.2f ratio=%.2f plain_cpu=%.2f khabar_cpu=%.2f "
                   "cpu_ratio=%.2f\n",
                   round, tp, tk, tk / tp, cpp, cpk, cpk / cpp);
            if (tp < bp) bp = tp;
            if (tk < bk) bk = tk;
            if (cpp < cp) cp = cpp;
            if (cpk < ck) ck = cpk;
        }
        printf("ingest_ratio_index_only plain=%.2f khabar=%.2f articles=%ld art_per_s=%.0f ratio=%.2f plain_cpu=%.2f "
               "khabar_cpu=%.2f cpu_ratio=%.2f size_ratio=%.2f\n",
               bp, bk, nn, (double)nn / bk, bk / bp, cp, ck, ck / cp, (double)fsize(ndb) / (double)fsize(pdb));
        return 0;
    }
    long nk = 0, np = 0;
    double mb = 0;
    double t0 = now();
    plain_ingest(pdb, files, 2, &np);
    double tp = now() - t0;
    t0 = now();
    khabar_ingest(kdb, files, 2, 0, 1, &nk, &mb);
    double tk = now() - t0;
    long long zs = fsize(f1) + fsize(f2);
    long long kb_size = fsize(kdb);
    char adb[1024];
    snprintf(adb, sizeof adb, "%s/bench-khabar-analyzed.db", work);
    long na = 0;
    double mba = 0;
    t0 = now();
    khabar_ingest(adb, files, 2, 1, 1, &na, &mba);
    double ta = now() - t0;
    printf("ingest_khabar_analyzed articles=%ld seconds=%.2f art_per_s=%.0f mb_per_s=%.1f size_mb=%.1f "
           "(with entities, quotes, amounts)\n", na, ta, (double)na / ta, mba / ta, (double)fsize(adb) / 1e6);
    printf("ingest_khabar_index_only articles=%ld seconds=%.2f art_per_s=%.0f mb_per_s=%.1f (uncompressed JSON %.0f MB, "
           "compressed %.0f MB) size_mb=%.1f\n",
           nk, tk, (double)nk / tk, mb / tk, mb, (double)zs / 1e6, (double)kb_size / 1e6);
    printf("ingest_plain_unicode61 articles=%ld seconds=%.2f art_per_s=%.0f size_mb=%.1f\n", np, tp, (double)np / tp,
           (double)fsize(pdb) / 1e6);
    printf("ingest_ratio index_only_time=%.2f index_only_size=%.2f analyzed_time=%.2f\n", tk / tp,
           (double)kb_size / (double)fsize(pdb), ta / tp);
    char ndb[1024];
    snprintf(ndb, sizeof ndb, "%s/bench-khabar-nostories.db", work);
    long nn = 0;
    double mbn = 0;
    t0 = now();
    khabar_ingest(ndb, files, 2, 0, 0, &nn, &mbn);
    double tn = now() - t0;
    printf("ingest_khabar_no_stories articles=%ld seconds=%.2f art_per_s=%.0f; stories cost %.1f%% of ingest time\n",
           nn, tn, (double)nn / tn, (tk - tn) / tn * 100);
    latency("query_latency", kdb, 1000);
    analyze_throughput(f1);
    if (big) million(mdb);
    return 0;
}
