/*
** The FTS5 tokenizer "arabic": khabar's analyser (normalization, tokens with
** byte offsets, light stemming) plugged into SQLite's full-text index, so that
** the archive indexes and queries Arabic text the same way, and highlight()
** and snippet() mark the words of the original text. See
** docs/internals/store.md, "The FTS5 tokenizer".
**
** Private to src/store/ (the archive registers it on every connection it
** opens) and to src/store/ext/fts_arabic_ext.c, the loadable extension.
*/
#ifndef KB_STORE_FTS_ARABIC_H
#define KB_STORE_FTS_ARABIC_H

#include <math.h>

#ifdef KB_FTS_EXTENSION
#include <sqlite3ext.h>
#else
#include <sqlite3.h>
#endif

/* The name the tokenizer is registered under: tokenize = 'arabic'. */
#define KB_FTS_TOKENIZER_NAME "arabic"

/* The auxiliary function kb_rank(fts, K, weight...): bm25() for the top K
** rows of a query, cheaper (src/store/fts_rank.c). */
#define KB_FTS_RANK_NAME "kb_rank"
/* kb_df(fts, match): the row count and each phrase's document count. */
#define KB_FTS_DF_NAME "kb_df"

/* BM25 as FTS5's bm25() computes it; kb_rank scores with it and the OR
** planner (plan.c) bounds a phrase's share of a score, idf * (k1 + 1),
** with the same numbers. */
#define KB_BM25_K1 1.2
#define KB_BM25_B 0.75

/* A phrase's IDF from the table's rows and the rows that contain it. */
static inline double kb__bm25_idf(double rows, double df) {
    double idf = log((rows - df + 0.5) / (df + 0.5));
    return idf > 0 ? idf : 1e-6;
}

/*
** Register the tokenizer and kb_rank() on db (needs SQLite built with FTS5). Returns KB_OK,
** KB_EINVAL when db is NULL, or KB_EDB when db has no FTS5 or the
** registration fails (the reason is then in sqlite3_errmsg(db) when SQLite
** set one). Registering again replaces the earlier registration.
*/
int kb__fts_arabic_register(sqlite3 *db);

/* The same on an fts5_api already obtained by the caller; KB_OK or KB_EDB. */
int kb__fts_arabic_register_api(fts5_api *api);

/* kb_rank() and kb_df() on an fts5_api (fts_rank.c); KB_OK or KB_EDB. */
int kb__fts_rank_register_api(fts5_api *api);

/*
** The phrases of a MATCH expression as kb_query_to_fts writes it: each a
** "quoted" string ("" inside is a quote), optionally followed by " *".
** key[i]/keyn[i] point into q at each one, star included. Returns how many,
** or -1 when a quote is not closed or there are more than max.
*/
int kb__fts_phrases(const char *q, int max, const char **key, size_t *keyn);

#endif
