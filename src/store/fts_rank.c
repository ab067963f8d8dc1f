/*
** The FTS5 auxiliary function kb_rank(): BM25 for a page of hits, without
** paying BM25's full price on every matching row.
**
**     SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?
**     ORDER BY kb_rank(articles_fts, K, ?, 0, 10.0, 1.0) LIMIT K
**
** gives the same K rows, in the same order and with the same scores, as
** ORDER BY bm25(articles_fts, 10.0, 1.0) LIMIT K. The score is FTS5's BM25
** (k1 = 1.2, b = 0.75, a phrase's IDF from its document count, the row's
** length over all columns against the mean, column weights multiplying the
** term counts), returned negated like bm25() so that better rows sort first.
**
** Why. A query of many words (the OR of a title's words) matches most of the
** archive, and bm25() reads every match's length from the index's docsize
** table: one b-tree lookup through a prepared statement per row, most of the
** query's time. Yet only K rows are shown. kb_rank keeps the K best scores
** seen so far in a heap. For each row it first computes the score the row
** would have if it had no length at all, an upper bound on its true score
** (the length only ever lowers a term's contribution). When that bound is
** below the K-th best score already seen, the row cannot be in the top K,
** whatever rows come next, because the K-th best only rises: kb_rank returns
** +1.0 for it (after every real score, which is negative) without reading its
** length. Rows are visited in rowid order; after the first few hundred the
** heap holds good rows and most of the rest are decided by the bound.
**
** Two bounds are tried, the cheaper first: the sum of idf * (k1 + 1) over
** the phrases the row contains (a term's share never reaches that, however
** often it occurs; finding which phrases are there costs less than listing
** their instances), then the length-0 score from the instance counts.
**
** The shortcut is exact only for the first K rows of the ORDER BY: a caller
** asking for rows past K (OFFSET) must pass K = offset + limit. K <= 0 turns
** the shortcut off (every row gets its true score).
**
** Document counts. A phrase's IDF needs the number of rows that contain it,
** one pass over its whole document list, as long as matching itself for a
** common word. When the third argument is the MATCH expression as text,
** kb_rank reads the phrases out of it (each a "quoted string", optionally
** followed by *, as kb_query_to_fts writes them; any other shape turns the
** cache off for the query) and keeps their counts in a per-connection cache,
** valid while the table's row count and total length are the ones they were
** counted at (any insert or delete changes one of them).
**
**     kb_rank(fts, K [, match-text [, skip [, weight...]]])
**
** skip: the number of leading phrases of the query that only select rows
** and take no part in the score (a planner's "(rare words) AND (all words)",
** see plan.c); 0 for none.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lex.h"
#include "khabar.h"
#include "store/fts_arabic.h"

#ifdef KB_FTS_EXTENSION
SQLITE_EXTENSION_INIT3
#endif

#define RANK_KMAX 100000
#define RANK_WMAX 16
#define CACHE_SLOTS 4096 /* power of two */
#define CACHE_KEYMAX 200

/* One connection's phrase -> document count cache (direct-mapped). */
typedef struct df_slot {
    sqlite3_int64 nrow, ntok, df;
    unsigned char n;
    char key[CACHE_KEYMAX];
} df_slot;

typedef struct df_cache {
    df_slot slot[CACHE_SLOTS];
} df_cache;

typedef struct rank_state {
    int nphrase, ncol;
    int skip;     /* leading phrases that select rows but do not score */
    double avgdl;
    double *idf;  /* per phrase */
    double *freq; /* per phrase, for the current row */
    double w[RANK_WMAX];
    int k, n;     /* heap capacity and fill */
    double *heap; /* min-heap of the best scores (higher is better) */
} rank_state;

static void state_free(void *p) {
    rank_state *s = p;
    if (!s) return;
    free(s->idf);
    free(s->freq);
    free(s->heap);
    free(s);
}

static int count_rows(const Fts5ExtensionApi *api, Fts5Context *fts, void *ctx) {
    (void)api;
    (void)fts;
    (*(sqlite3_int64 *)ctx)++;
    return SQLITE_OK;
}

/*
** The phrases of a MATCH expression written as kb_query_to_fts writes it:
** "quoted" strings ("" inside is a quote), each possibly followed by " *".
** Fills key[i] (the string with its quotes and the star) and returns how
** many, or -1 when the text has another shape or more than max phrases.
*/
int kb__fts_phrases(const char *q, int max, const char **key, size_t *keyn) {
    int n = 0;
    size_t i = 0;
    while (q && q[i]) {
        if (q[i] != '"') {
            i++;
            continue;
        }
        size_t s = i++;
        for (;;) {
            if (!q[i]) return -1;
            if (q[i] == '"' && q[i + 1] == '"') i += 2;
            else if (q[i] == '"') break;
            else i++;
        }
        i++;
        size_t e = i;
        while (q[e] == ' ') e++;
        if (q[e] == '*') i = e + 1;
        if (n == max) return -1;
        key[n] = q + s;
        keyn[n++] = i - s;
    }
    return n;
}

/* The number of rows with phrase i, from the cache when it still holds. */
static int phrase_rows(const Fts5ExtensionApi *api, Fts5Context *fts, int i, const char *key, size_t keyn,
                       sqlite3_int64 nrow, sqlite3_int64 ntok, sqlite3_int64 *df) {
    df_cache *c = api->xUserData(fts);
    df_slot *sl = NULL;
    *df = 0;
    if (c && key && keyn <= CACHE_KEYMAX) {
        sl = &c->slot[kb__hash_mem(key, keyn) & (CACHE_SLOTS - 1)];
        if (sl->n == keyn && sl->nrow == nrow && sl->ntok == ntok && !memcmp(sl->key, key, keyn)) {
            *df = sl->df;
            return SQLITE_OK;
        }
    }
    int rc = api->xQueryPhrase(fts, i, df, count_rows);
    if (rc == SQLITE_OK && sl) {
        memcpy(sl->key, key, keyn);
        sl->n = (unsigned char)keyn;
        sl->nrow = nrow;
        sl->ntok = ntok;
        sl->df = *df;
    }
    return rc;
}

/*
** The table's rows and length, and the rows with each phrase from `first`
** on (df[i]), counted or from the cache. The phrases' cache keys come from
** match; when it has another shape the counts are made afresh, or, when
** keys are required, the call fails with SQLITE_MISUSE.
*/
static int phrase_counts(const Fts5ExtensionApi *api, Fts5Context *fts, const char *match, int first,
                         int keys_required, sqlite3_int64 *nrow, sqlite3_int64 *ntok, sqlite3_int64 *df) {
    int np = api->xPhraseCount(fts);
    const char **key = calloc((size_t)np + 1, sizeof *key);
    size_t *keyn = calloc((size_t)np + 1, sizeof *keyn);
    int rc = key && keyn ? SQLITE_OK : SQLITE_NOMEM;
    int have = rc == SQLITE_OK && kb__fts_phrases(match, np, key, keyn) == np;
    if (rc == SQLITE_OK && !have && keys_required) rc = SQLITE_MISUSE;
    *nrow = *ntok = 0;
    if (rc == SQLITE_OK) rc = api->xRowCount(fts, nrow);
    if (rc == SQLITE_OK) rc = api->xColumnTotalSize(fts, -1, ntok);
    for (int i = first; i < np && rc == SQLITE_OK; i++)
        rc = phrase_rows(api, fts, i, have ? key[i] : NULL, have ? keyn[i] : 0, *nrow, *ntok, &df[i]);
    free(key);
    free(keyn);
    return rc;
}

/* First call of a query: IDF of every phrase, mean row length, weights. */
static int state_new(const Fts5ExtensionApi *api, Fts5Context *fts, int k, const char *match, int skip, int nw,
                     sqlite3_value **wv, rank_state **out) {
    rank_state *s = calloc(1, sizeof *s);
    *out = NULL;
    if (!s) return SQLITE_NOMEM;
    s->nphrase = api->xPhraseCount(fts);
    s->ncol = api->xColumnCount(fts);
    s->idf = calloc((size_t)s->nphrase + 1, sizeof *s->idf);
    s->freq = calloc((size_t)s->nphrase + 1, sizeof *s->freq);
    s->k = k > RANK_KMAX ? RANK_KMAX : k;
    s->skip = skip < 0 ? 0 : skip;
    s->heap = s->k > 0 ? malloc((size_t)s->k * sizeof *s->heap) : NULL;
    if (!s->idf || !s->freq || (s->k > 0 && !s->heap)) {
        state_free(s);
        return SQLITE_NOMEM;
    }
    for (int c = 0; c < RANK_WMAX; c++) s->w[c] = c < nw ? sqlite3_value_double(wv[c]) : 1.0;
    sqlite3_int64 nrow = 0, ntok = 0;
    sqlite3_int64 *df = calloc((size_t)s->nphrase + 1, sizeof *df);
    int rc = df ? phrase_counts(api, fts, match, s->skip, 0, &nrow, &ntok, df) : SQLITE_NOMEM;
    s->avgdl = nrow > 0 ? (double)ntok / (double)nrow : 1.0;
    if (s->avgdl <= 0) s->avgdl = 1.0;
    for (int i = s->skip; i < s->nphrase && rc == SQLITE_OK; i++) s->idf[i] = kb__bm25_idf((double)nrow, (double)df[i]);
    free(df);
    if (rc != SQLITE_OK) {
        state_free(s);
        return rc;
    }
    *out = s;
    return SQLITE_OK;
}

/* Keep the k best scores: replace the smallest when v beats it. */
static void heap_offer(rank_state *s, double v) {
    size_t i;
    if (s->n < s->k) {
        i = (size_t)s->n++;
        while (i > 0 && s->heap[(i - 1) / 2] > v) {
            s->heap[i] = s->heap[(i - 1) / 2];
            i = (i - 1) / 2;
        }
        s->heap[i] = v;
        return;
    }
    if (v <= s->heap[0]) return;
    i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        double mv = v;
        if (l < (size_t)s->n && s->heap[l] < mv) { m = l; mv = s->heap[l]; }
        if (r < (size_t)s->n && s->heap[r] < mv) m = r;
        if (m == i) break;
        s->heap[i] = s->heap[m];
        i = m;
    }
    s->heap[i] = v;
}

static void kb_rank(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nv,
                    sqlite3_value **v) {
    rank_state *s = api->xGetAuxdata(fts, 0);
    int rc = SQLITE_OK;
    if (!s) {
        int k = nv > 0 ? sqlite3_value_int(v[0]) : 0;
        const char *match = nv > 1 && sqlite3_value_type(v[1]) == SQLITE_TEXT ? (const char *)sqlite3_value_text(v[1]) : NULL;
        int skip = nv > 2 ? sqlite3_value_int(v[2]) : 0;
        if ((rc = state_new(api, fts, k, match, skip, nv > 3 ? nv - 3 : 0, v + 3, &s)) == SQLITE_OK)
            rc = api->xSetAuxdata(fts, s, state_free);
        if (rc != SQLITE_OK) {
            sqlite3_result_error_code(ctx, rc);
            return;
        }
    }
    if (s->k > 0 && s->n == s->k) {
        double bound = 0;
        for (int i = s->skip; i < s->nphrase && rc == SQLITE_OK; i++) {
            Fts5PhraseIter it;
            int c = -1;
            rc = api->xPhraseFirstColumn(fts, i, &it, &c);
            if (c >= 0) bound += s->idf[i] * (KB_BM25_K1 + 1);
        }
        if (rc == SQLITE_OK && bound < s->heap[0]) {
            sqlite3_result_double(ctx, 1.0);
            return;
        }
    }
    int ninst = 0;
    memset(s->freq, 0, (size_t)s->nphrase * sizeof *s->freq);
    rc = api->xInstCount(fts, &ninst);
    for (int i = 0; i < ninst && rc == SQLITE_OK; i++) {
        int ip, ic, io;
        rc = api->xInst(fts, i, &ip, &ic, &io);
        if (rc == SQLITE_OK && ip >= s->skip && ip < s->nphrase)
            s->freq[ip] += ic >= 0 && ic < RANK_WMAX ? s->w[ic] : 1.0;
    }
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    /* The score at length 0: each term's share is largest there. */
    if (s->k > 0 && s->n == s->k) {
        double bound = 0;
        for (int i = 0; i < s->nphrase; i++)
            if (s->freq[i] > 0)
                bound += s->idf[i] * s->freq[i] * (KB_BM25_K1 + 1) / (s->freq[i] + KB_BM25_K1 * (1 - KB_BM25_B));
        if (bound < s->heap[0]) {
            sqlite3_result_double(ctx, 1.0);
            return;
        }
    }
    int len = 0;
    if ((rc = api->xColumnSize(fts, -1, &len)) != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    double score = 0, norm = KB_BM25_K1 * (1 - KB_BM25_B + KB_BM25_B * (double)len / s->avgdl);
    for (int i = 0; i < s->nphrase; i++)
        if (s->freq[i] > 0) score += s->idf[i] * s->freq[i] * (KB_BM25_K1 + 1) / (s->freq[i] + norm);
    if (s->k > 0) heap_offer(s, score);
    sqlite3_result_double(ctx, -1.0 * score);
}

/*
** kb_df(fts, match): "ROWS COUNT1 COUNT2 ..." -- the table's rows and the
** number of rows with each phrase of the query (through the same cache as
** kb_rank), for a caller planning the query. Ask it of one matching row:
**   SELECT kb_df(t, ?1) FROM t WHERE t MATCH ?1 LIMIT 1
*/
static void kb_df(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nv, sqlite3_value **v) {
    const char *match = nv > 0 && sqlite3_value_type(v[0]) == SQLITE_TEXT ? (const char *)sqlite3_value_text(v[0]) : NULL;
    int np = api->xPhraseCount(fts);
    sqlite3_int64 nrow = 0, ntok = 0, *df = calloc((size_t)np + 1, sizeof *df);
    char *out = malloc(24 * ((size_t)np + 1));
    int rc = df && out ? phrase_counts(api, fts, match, 0, 1, &nrow, &ntok, df) : SQLITE_NOMEM;
    if (rc == SQLITE_OK) {
        size_t w = (size_t)snprintf(out, 24, "%lld", (long long)nrow);
        for (int i = 0; i < np; i++) w += (size_t)snprintf(out + w, 24, " %lld", (long long)df[i]);
        sqlite3_result_text(ctx, out, (int)w, SQLITE_TRANSIENT);
    } else {
        sqlite3_result_error_code(ctx, rc);
    }
    free(df);
    free(out);
}

int kb__fts_rank_register_api(fts5_api *api) {
    if (!api || api->iVersion < 2) return KB_EDB;
    /* The cache lives as long as the registration (the connection). */
    df_cache *c = calloc(1, sizeof *c);
    if (!c) return KB_ENOMEM;
    int rc = api->xCreateFunction(api, KB_FTS_RANK_NAME, c, kb_rank, free);
    if (rc == SQLITE_OK) rc = api->xCreateFunction(api, KB_FTS_DF_NAME, c, kb_df, NULL);
    return rc == SQLITE_OK ? KB_OK : KB_EDB;
}
