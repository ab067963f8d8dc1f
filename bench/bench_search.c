/*
** bench_search: search quality of khabar's FTS5 tokenizer "arabic" against
** two baselines, over the same documents and queries in the same run:
**
**   unicode61  FTS5's default tokenizer, tokenize = 'unicode61 remove_diacritics 2'
**   snowball   the same table over text pre-stemmed word by word with
**              Snowball's Arabic stemmer (Debian libstemmer); queries are
**              stemmed the same way
**   arabic     tokenize = 'arabic' (src/store/fts_arabic.c)
**
** Sets (under the corpus folder, see ../shared/corpus/README.md):
**
**   ant_known_item  news/ant-v2.1.jsonl.zst: every article body is a document;
**                   the titles of 2,000 articles drawn with a fixed seed are the
**                   queries, and the relevant document is the article itself.
**   xquad, arcd     qa/xquad.ar.json, qa/arcd-train.json (SQuAD format): each
**                   distinct paragraph is a document; each question is a query
**                   whose relevant document is its paragraph.
**
** A query is the OR of its words, each word quoted (FTS5 syntax cannot leak
** in; punctuation is dropped by splitting with kb_tokenizer), ranked by bm25
** (ORDER BY rank LIMIT 10). Stopwords (kb_is_stopword) are dropped from every
** configuration's queries alike; KB_BENCH_STOPWORDS=keep keeps them.
** Measures: MRR@10, Recall@1, Recall@10 (KB_BENCH_RANKS=1 lists each
** query's rank, 0 = not in the top 10, on stderr, to compare configurations). The ANT set also times indexing the
** bodies with each configuration (one transaction, in-memory database).
**
** Output: one line per (set, config):
**   search set=ant_known_item config=unicode61 queries=2000 mrr10=... r1=... r10=...
**   index set=ant_known_item config=arabic docs=31523 cpu_seconds=... docs_per_s=... mb_per_s=...
**
** Usage: bench_search [CORPUS_DIR]   (else $KB_CORPUS, else ../shared/corpus)
**        KB_BENCH_SETS=xquad,arcd runs only the sets named.
*/
#include <libstemmer.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zstd.h>

#include "core/arena.h"
#include "core/jsonparse.h"
#include "khabar.h"
#include "store/fts_arabic.h"

#define ANT_QUERIES 2000
#define SEED 20240611u

enum { CFG_UNICODE61, CFG_SNOWBALL, CFG_ARABIC, NCFG };
static const char *const cfg_name[NCFG] = {"unicode61", "snowball", "arabic"};
static const char *const cfg_tokenize[NCFG] = {"unicode61 remove_diacritics 2",
                                               "unicode61 remove_diacritics 2", "arabic"};

static struct sb_stemmer *g_snow;
static int g_keep_stopwords;
static int g_ranks; /* KB_BENCH_RANKS=1: each query's rank on stderr */

static void die(const char *what) {
    fprintf(stderr, "bench_search: %s\n", what);
    exit(1);
}

/* Process CPU time: the figure stays meaningful on a loaded machine (the
** run is single-threaded, so it is also the wall time of an idle one). */
static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- growable strings ------------------------------------------------------ */

typedef struct str {
    char *p;
    size_t n, cap;
} str;

static void str_add(str *s, const char *p, size_t n) {
    if (s->n + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 256;
        while (cap < s->n + n + 1) cap *= 2;
        char *q = realloc(s->p, cap);
        if (!q) die("out of memory");
        s->p = q;
        s->cap = cap;
    }
    memcpy(s->p + s->n, p, n);
    s->n += n;
    s->p[s->n] = 0;
}

static char *xstrndup(const char *p, size_t n) {
    char *q = malloc(n + 1);
    if (!q) die("out of memory");
    memcpy(q, p, n);
    q[n] = 0;
    return q;
}

/* --- the data: documents and queries --------------------------------------- */

typedef struct set {
    const char *name;
    char **docs;
    size_t ndocs, capdocs;
    char **queries;
    size_t *relevant; /* rowid of each query's relevant document */
    size_t nqueries, capqueries;
} set;

static size_t add_doc(set *s, const char *p, size_t n) {
    if (s->ndocs == s->capdocs) {
        s->capdocs = s->capdocs ? 2 * s->capdocs : 1024;
        s->docs = realloc(s->docs, s->capdocs * sizeof *s->docs);
        if (!s->docs) die("out of memory");
    }
    s->docs[s->ndocs++] = xstrndup(p, n);
    return s->ndocs; /* rowid */
}

static void add_query(set *s, const char *p, size_t n, size_t rowid) {
    if (s->nqueries == s->capqueries) {
        s->capqueries = s->capqueries ? 2 * s->capqueries : 1024;
        s->queries = realloc(s->queries, s->capqueries * sizeof *s->queries);
        s->relevant = realloc(s->relevant, s->capqueries * sizeof *s->relevant);
        if (!s->queries || !s->relevant) die("out of memory");
    }
    s->queries[s->nqueries] = xstrndup(p, n);
    s->relevant[s->nqueries++] = rowid;
}

static void set_free(set *s) {
    for (size_t i = 0; i < s->ndocs; i++) free(s->docs[i]);
    for (size_t i = 0; i < s->nqueries; i++) free(s->queries[i]);
    free(s->docs);
    free(s->queries);
    free(s->relevant);
}

static char *read_file(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    str s = {0};
    char buf[1 << 16];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0) str_add(&s, buf, k);
    fclose(f);
    *n = s.n;
    return s.p ? s.p : xstrndup("", 0);
}

static char *read_zstd(const char *path, size_t *n) {
    size_t cn;
    char *c = read_file(path, &cn);
    if (!c) return NULL;
    ZSTD_DStream *z = ZSTD_createDStream();
    if (!z) die("out of memory");
    ZSTD_initDStream(z);
    str s = {0};
    char buf[1 << 17];
    ZSTD_inBuffer in = {c, cn, 0};
    while (in.pos < in.size) {
        ZSTD_outBuffer out = {buf, sizeof buf, 0};
        size_t r = ZSTD_decompressStream(z, &out, &in);
        if (ZSTD_isError(r)) die(ZSTD_getErrorName(r));
        str_add(&s, buf, out.pos);
    }
    ZSTD_freeDStream(z);
    free(c);
    *n = s.n;
    return s.p;
}

/* A deterministic generator (xorshift32) for the sample of ANT titles. */
static uint32_t rnd(uint32_t *x) {
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

static int load_ant(const char *root, set *s) {
    char path[4096];
    size_t n;
    snprintf(path, sizeof path, "%s/news/ant-v2.1.jsonl.zst", root);
    char *all = read_zstd(path, &n);
    if (!all) return -1;
    /* Titles of the articles with both a title and a body, by rowid. */
    char **titles = NULL;
    size_t ntitles = 0, cap = 0;
    for (size_t i = 0; i < n;) {
        const char *line = all + i;
        const char *nl = memchr(line, '\n', n - i);
        size_t len = nl ? (size_t)(nl - line) : n - i;
        i += len + 1;
        kb_arena a;
        kb__arena_init(&a, 0);
        kb_json *j;
        size_t tn, bn;
        if (len && kb__json_parse(&a, line, len, KB_JSON_MAX_DEPTH, &j, NULL) == KB_OK) {
            const char *title = kb__json_get_str(j, "title", &tn);
            const char *body = kb__json_get_str(j, "text", &bn);
            if (title && body && tn && bn) {
                add_doc(s, body, bn);
                if (ntitles == cap) {
                    cap = cap ? 2 * cap : 1024;
                    titles = realloc(titles, cap * sizeof *titles);
                    if (!titles) die("out of memory");
                }
                titles[ntitles++] = xstrndup(title, tn);
            }
        }
        kb__arena_free(&a);
    }
    free(all);
    /* A partial Fisher-Yates shuffle of the rowids picks the queries. */
    size_t *ids = malloc(ntitles * sizeof *ids);
    if (!ids) die("out of memory");
    for (size_t i = 0; i < ntitles; i++) ids[i] = i;
    uint32_t x = SEED;
    size_t want = ntitles < ANT_QUERIES ? ntitles : ANT_QUERIES;
    for (size_t i = 0; i < want; i++) {
        size_t j = i + rnd(&x) % (ntitles - i);
        size_t t = ids[i];
        ids[i] = ids[j];
        ids[j] = t;
        add_query(s, titles[ids[i]], strlen(titles[ids[i]]), ids[i] + 1);
    }
    for (size_t i = 0; i < ntitles; i++) free(titles[i]);
    free(titles);
    free(ids);
    return 0;
}

static int load_squad(const char *root, const char *file, set *s) {
    char path[4096];
    size_t n;
    snprintf(path, sizeof path, "%s/qa/%s", root, file);
    char *all = read_file(path, &n);
    if (!all) return -1;
    kb_arena a;
    kb__arena_init(&a, 0);
    kb_json *j;
    if (kb__json_parse(&a, all, n, KB_JSON_MAX_DEPTH, &j, NULL) != KB_OK) die("cannot parse a QA file");
    const kb_json *data = kb__json_get(j, "data");
    for (const kb_json *art = data ? data->child : NULL; art; art = art->next) {
        const kb_json *paras = kb__json_get(art, "paragraphs");
        for (const kb_json *p = paras ? paras->child : NULL; p; p = p->next) {
            size_t cn;
            const char *ctx = kb__json_get_str(p, "context", &cn);
            if (!ctx || !cn) continue;
            /* Paragraphs repeat across articles in some files: one document
            ** per distinct text. The sets are small; a linear scan will do. */
            size_t rowid = 0;
            for (size_t d = 0; d < s->ndocs && !rowid; d++)
                if (strlen(s->docs[d]) == cn && !memcmp(s->docs[d], ctx, cn)) rowid = d + 1;
            if (!rowid) rowid = add_doc(s, ctx, cn);
            const kb_json *qas = kb__json_get(p, "qas");
            for (const kb_json *q = qas ? qas->child : NULL; q; q = q->next) {
                size_t qn;
                const char *question = kb__json_get_str(q, "question", &qn);
                if (question && qn) add_query(s, question, qn, rowid);
            }
        }
    }
    kb__arena_free(&a);
    free(all);
    return 0;
}

/* --- text for each configuration ------------------------------------------- */

static kb_tokenizer *g_split;

/* Snowball's stem of the word p[0..n) appended to out. */
static void add_snowball(str *out, const char *p, size_t n) {
    const sb_symbol *st = sb_stemmer_stem(g_snow, (const sb_symbol *)p, (int)n);
    if (st) str_add(out, (const char *)st, (size_t)sb_stemmer_length(g_snow));
    else str_add(out, p, n);
}

/* The document as the snowball configuration indexes it: each Arabic word
** replaced by its stem, other tokens as written, one space between. */
static void snowball_text(const char *p, size_t n, str *out) {
    kb_token tok;
    out->n = 0;
    str_add(out, "", 0);
    kb_tokenizer_reset(g_split, p, n);
    while (kb_tokenizer_next(g_split, &tok)) {
        if (out->n) str_add(out, " ", 1);
        if (tok.type == KB_TOK_WORD) add_snowball(out, p + tok.start, tok.end - tok.start);
        else str_add(out, p + tok.start, tok.end - tok.start);
    }
}

/* The FTS5 query for free text p: the OR of its words, each quoted. */
static void build_query(int cfg, const char *p, size_t n, str *out) {
    kb_token tok;
    char norm[KB_NORMALIZE_BOUND(KB_TOKEN_MAX / 3)];
    str term = {0};
    out->n = 0;
    str_add(out, "", 0);
    kb_tokenizer_reset(g_split, p, n);
    while (kb_tokenizer_next(g_split, &tok)) {
        const char *w = p + tok.start;
        size_t wn = tok.end - tok.start;
        if (!g_keep_stopwords && tok.type == KB_TOK_WORD && wn <= KB_TOKEN_MAX / 3) {
            size_t k = kb_normalize_into(w, wn, KB_NORM_SEARCH, norm);
            if (kb_is_stopword(norm, k)) continue;
        }
        term.n = 0;
        str_add(&term, "", 0);
        if (cfg == CFG_SNOWBALL && tok.type == KB_TOK_WORD) add_snowball(&term, w, wn);
        else str_add(&term, w, wn);
        if (!term.n) continue;
        if (out->n) str_add(out, " OR ", 4);
        str_add(out, "\"", 1);
        for (size_t i = 0; i < term.n; i++) {
            if (term.p[i] == '"') str_add(out, "\"", 1);
            str_add(out, term.p + i, 1);
        }
        str_add(out, "\"", 1);
    }
    free(term.p);
}

/* --- index and search ------------------------------------------------------- */

static sqlite3 *open_index(int cfg) {
    sqlite3 *db;
    char sql[256];
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) die("sqlite3_open");
    if (kb__fts_arabic_register(db) != KB_OK) die("cannot register the arabic tokenizer");
    snprintf(sql, sizeof sql, "CREATE VIRTUAL TABLE d USING fts5(body, tokenize = '%s')", cfg_tokenize[cfg]);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) die(sqlite3_errmsg(db));
    return db;
}

/* Index every document; returns the seconds it took (snowball's include
** stemming the text). */
static double index_docs(sqlite3 *db, int cfg, const set *s) {
    sqlite3_stmt *st;
    str text = {0};
    double t0 = now();
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    if (sqlite3_prepare_v2(db, "INSERT INTO d(rowid, body) VALUES (?, ?)", -1, &st, NULL)) die(sqlite3_errmsg(db));
    for (size_t i = 0; i < s->ndocs; i++) {
        const char *p = s->docs[i];
        size_t n = strlen(p);
        if (cfg == CFG_SNOWBALL) {
            snowball_text(p, n, &text);
            p = text.p;
            n = text.n;
        }
        sqlite3_bind_int64(st, 1, (sqlite3_int64)(i + 1));
        sqlite3_bind_text(st, 2, p, (int)n, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) die(sqlite3_errmsg(db));
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) die(sqlite3_errmsg(db));
    free(text.p);
    return now() - t0;
}

typedef struct scores {
    double rr, r1, r10;
    size_t n;
} scores;

static void search_all(sqlite3 *db, int cfg, const set *s, scores *sc) {
    sqlite3_stmt *st;
    str q = {0};
    memset(sc, 0, sizeof *sc);
    if (sqlite3_prepare_v2(db, "SELECT rowid FROM d WHERE d MATCH ? ORDER BY rank LIMIT 10", -1, &st, NULL))
        die(sqlite3_errmsg(db));
    for (size_t i = 0; i < s->nqueries; i++) {
        build_query(cfg, s->queries[i], strlen(s->queries[i]), &q);
        sc->n++;
        if (!q.n) continue;
        sqlite3_bind_text(st, 1, q.p, (int)q.n, SQLITE_STATIC);
        int rank = 0, r = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            r++;
            if ((size_t)sqlite3_column_int64(st, 0) == s->relevant[i] && !rank) rank = r;
        }
        sqlite3_reset(st);
        if (g_ranks) fprintf(stderr, "%s\t%s\t%zu\t%d\t%s\n", s->name, cfg_name[cfg], i, rank, q.p);
        if (rank) {
            sc->rr += 1.0 / rank;
            sc->r10 += 1;
            if (rank == 1) sc->r1 += 1;
        }
    }
    sqlite3_finalize(st);
    free(q.p);
}

static void run_set(set *s, int timed) {
    size_t bytes = 0;
    for (size_t i = 0; i < s->ndocs; i++) bytes += strlen(s->docs[i]);
    for (int c = 0; c < NCFG; c++) {
        sqlite3 *db = open_index(c);
        double secs = index_docs(db, c, s);
        if (timed)
            printf("index set=%s config=%s docs=%zu cpu_seconds=%.2f docs_per_s=%.0f mb_per_s=%.2f\n", s->name,
                   cfg_name[c], s->ndocs, secs, s->ndocs / secs, bytes / secs / 1e6);
        scores sc;
        search_all(db, c, s, &sc);
        printf("search set=%s config=%s queries=%zu mrr10=%.4f r1=%.4f r10=%.4f\n", s->name, cfg_name[c], sc.n,
               sc.n ? sc.rr / sc.n : 0, sc.n ? sc.r1 / sc.n : 0, sc.n ? sc.r10 / sc.n : 0);
        fflush(stdout);
        sqlite3_close(db);
    }
}

int main(int argc, char **argv) {
    const char *root = argc > 1 ? argv[1] : getenv("KB_CORPUS");
    if (!root) root = "../shared/corpus";
    const char *stop = getenv("KB_BENCH_STOPWORDS");
    g_keep_stopwords = stop && !strcmp(stop, "keep");
    g_ranks = getenv("KB_BENCH_RANKS") != NULL;
    g_snow = sb_stemmer_new("arabic", "UTF_8");
    if (!g_snow) die("libstemmer has no Arabic stemmer");
    /* Words are split the same way for every configuration: punctuation and
    ** symbols go, words keep their original bytes. */
    if (kb_tokenizer_new(&g_split, 0, KB_TOK_SKIP_PUNCT) != KB_OK) die("out of memory");

    set ant = {.name = "ant_known_item"};
    const char *only = getenv("KB_BENCH_SETS"); /* e.g. "xquad,arcd" while iterating */
    if (only && !strstr(only, "ant")) {
        /* skip the large set */
    } else if (load_ant(root, &ant) != 0) {
        printf("skipped: corpus absent (%s)\n", root);
        return 0;
    }
    printf("# stopwords in queries: %s\n", g_keep_stopwords ? "kept" : "dropped");
    if (ant.ndocs) run_set(&ant, 1);
    set_free(&ant);

    static const char *const qa[][2] = {{"xquad", "xquad.ar.json"}, {"arcd", "arcd-train.json"}};
    for (size_t i = 0; i < sizeof qa / sizeof *qa; i++) {
        set s = {.name = qa[i][0]};
        if (only && !strstr(only, qa[i][0])) continue;
        if (load_squad(root, qa[i][1], &s) == 0) run_set(&s, 0);
        else printf("skipped: %s absent\n", qa[i][1]);
        set_free(&s);
    }
    kb_tokenizer_free(g_split);
    sb_stemmer_delete(g_snow);
    return 0;
}
