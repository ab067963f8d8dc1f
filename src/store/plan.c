/*
** Planning a long OR query (plan.h): match the rare words first.
**
** A query of many words joined by OR (a pasted title, a list of names)
** matches most of the archive through its common words, and FTS5 walks the
** whole document list of every word. Yet the first page is made of rows that
** contain the rare words: a common word's share of a row's score is small,
** at most idf * (k1 + 1) whatever the row (BM25 saturates). The planner,
** after max-score evaluation in search engines:
**
**   1. asks kb_df() for every phrase's document count (cached per
**      connection), so each phrase's largest possible share m_i;
**   2. puts the phrases of smallest m_i, up to a fraction of the query's
**      total, aside as "optional": a row that has only optional phrases
**      scores below U, the sum of their m_i;
**   3. runs "(required phrases) AND (the whole query)" ranked by kb_rank,
**      which skips the first group in the score: the same scores as the full
**      query, but FTS5 now only visits rows with a required phrase and can
**      skip through the long lists of the common ones;
**   4. keeps the answer when it has K rows and the K-th scores above U: then
**      no row without a required phrase can be in the top K. Otherwise it
**      says so, and the caller runs the query as it is.
**
** The answer is the same as the full query's (scores and order), whichever
** way it is reached.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "khabar.h"
#include "store/fts_arabic.h"
#include "store/plan.h"

#define PLAN_MIN 3     /* fewer phrases: nothing to gain */
#define PLAN_MAX 64    /* as many as a query may have (query.c TERMS_MAX) */
#define PLAN_KMAX 1000 /* deeper pages run the plain way */
#define PLAN_SHARE 0.3 /* the optional phrases' part of the total bound */

typedef struct phrase {
    const char *key;
    size_t n;
    double m; /* the largest share of a row's score this phrase can give */
} phrase;

static int by_m(const void *a, const void *b) {
    double x = ((const phrase *)a)->m, y = ((const phrase *)b)->m;
    return x < y ? -1 : x > y;
}

/* 1 if match is "(P OR P OR ... P)" over the n phrases in p[], exactly. */
static int is_or_group(const char *match, const phrase *p, int n) {
    size_t at = 0;
    if (match[at++] != '(') return 0;
    for (int i = 0; i < n; i++) {
        if (i) {
            if (strncmp(match + at, " OR ", 4)) return 0;
            at += 4;
        }
        if (p[i].key != match + at) return 0;
        at += p[i].n;
    }
    return match[at] == ')' && match[at + 1] == 0;
}

/* Document counts: "ROWS C1 C2 ..." from kb_df on the first matching row.
** KB_ENOTFOUND when nothing matches. */
static int counts(sqlite3 *db, const char *table, const char *match, phrase *p, int n, double *rows) {
    char sql[256];
    sqlite3_stmt *st;
    snprintf(sql, sizeof sql, "SELECT %s(%s, ?1) FROM %s WHERE %s MATCH ?1 LIMIT 1", KB_FTS_DF_NAME, table, table,
             table);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return KB_EDB;
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    int rc = KB_ENOTFOUND, s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        char *e;
        *rows = t ? strtod(t, &e) : -1;
        rc = t && *rows > 0 ? KB_OK : KB_EDB;
        for (int i = 0; i < n && rc == KB_OK; i++) {
            double df = strtod(t = e, &e);
            if (e == t) rc = KB_EDB;
            p[i].m = kb__bm25_idf(*rows, df) * (KB_BM25_K1 + 1);
        }
    } else if (s != SQLITE_DONE) {
        rc = KB_EDB;
    }
    sqlite3_finalize(st);
    return rc;
}

/*
** One pass: the top k rows of "(phrases opt..n-1) AND (match)" by kb_rank,
** which scores the second group only. Fills *out with the JSON rows and
** returns KB_OK; *got rows, *kth the k-th row's score (positive).
*/
static int run_pass(sqlite3 *db, const char *table, const char *weights, const char *match, const phrase *p, int n,
                    int opt, long k, kb_buf *out, long *got, double *kth) {
    kb_buf q;
    kb__buf_init(&q, strlen(match) * 2 + 64);
    int brc = kb__buf_addc(&q, '(');
    for (int i = opt; i < n; i++) {
        if (i > opt) brc |= kb__buf_add(&q, " OR ", 4);
        brc |= kb__buf_add(&q, p[i].key, p[i].n);
    }
    brc |= kb__buf_adds(&q, ") AND ");
    brc |= kb__buf_adds(&q, match);
    char *sql = NULL;
    if (brc || !(sql = sqlite3_mprintf("SELECT rowid, %s(%s, %ld, ?1, %d, %s) FROM %s WHERE %s MATCH ?1"
                                        " ORDER BY 2 LIMIT %ld",
                                        KB_FTS_RANK_NAME, table, k, n - opt, weights, table, table, k))) {
        kb__buf_free(&q);
        return KB_ENOMEM;
    }
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK ? KB_OK : KB_EDB;
    sqlite3_free(sql);
    *got = 0;
    *kth = 0;
    kb__buf_reset(out);
    if (rc == KB_OK) {
        sqlite3_bind_text(st, 1, q.p, (int)q.n, SQLITE_STATIC);
        brc = kb__buf_addc(out, '[');
        int s;
        while ((s = sqlite3_step(st)) == SQLITE_ROW) {
            double score = sqlite3_column_double(st, 1);
            brc |= kb__buf_printf(out, "%s[%lld,%.17g]", *got ? "," : "", (long long)sqlite3_column_int64(st, 0),
                                  score);
            *kth = -score; /* scores are negated */
            ++*got;
        }
        brc |= kb__buf_addc(out, ']');
        if (s != SQLITE_DONE) rc = KB_EDB;
        else if (brc) rc = KB_ENOMEM;
        sqlite3_finalize(st);
    }
    kb__buf_free(&q);
    return rc;
}

int kb__plan_top(sqlite3 *db, const char *table, const char *weights, const char *match, long k, char **hits) {
    phrase p[PLAN_MAX];
    const char *key[PLAN_MAX];
    size_t keyn[PLAN_MAX];
    *hits = NULL;
    if (k <= 0 || k > PLAN_KMAX) return KB_ENOTFOUND;
    int n = kb__fts_phrases(match, PLAN_MAX, key, keyn);
    if (n < PLAN_MIN) return KB_ENOTFOUND;
    for (int i = 0; i < n; i++) p[i] = (phrase){key[i], keyn[i], 0};
    if (!is_or_group(match, p, n)) return KB_ENOTFOUND;
    double rows;
    int rc = counts(db, table, match, p, n, &rows);
    if (rc) return rc == KB_ENOTFOUND ? rc : KB_EDB;

    /* Pass 1, optional phrases: the smallest shares, up to PLAN_SHARE of
    ** the total. */
    qsort(p, (size_t)n, sizeof *p, by_m);
    double total = 0, u = 0;
    for (int i = 0; i < n; i++) total += p[i].m;
    int opt = 0;
    while (opt < n - 1 && u + p[opt].m <= PLAN_SHARE * total) u += p[opt++].m;
    if (opt == 0) return KB_ENOTFOUND;
    kb_buf out;
    kb__buf_init(&out, 64 * (size_t)k + 8);
    long got;
    double kth;
    rc = run_pass(db, table, weights, match, p, n, opt, k, &out, &got, &kth);
    if (rc == KB_OK && got == k && kth <= u) {
        /* Not proven. But the k rows found are rows of the full answer, so
        ** its k-th score is at least kth: pass 2 sets aside only phrases
        ** whose shares add up to less than that, and needs no proof. It
        ** requires more phrases than pass 1, so it finds pass 1's rows
        ** again, and k of them. */
        double theta = kth;
        opt = 0;
        u = 0;
        while (opt < n - 1 && u + p[opt].m < theta) u += p[opt++].m;
        if (opt == 0) rc = KB_ENOTFOUND;
        else rc = run_pass(db, table, weights, match, p, n, opt, k, &out, &got, &kth);
        if (rc == KB_OK && got != k) rc = KB_ENOTFOUND;
    } else if (rc == KB_OK && (got != k || kth <= u)) {
        rc = KB_ENOTFOUND;
    }
    if (rc == KB_OK) {
        *hits = kb__buf_detach(&out, NULL);
        return *hits ? KB_OK : KB_ENOMEM;
    }
    kb__buf_free(&out);
    return rc;
}
