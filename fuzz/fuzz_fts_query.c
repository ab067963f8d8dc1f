/*
** Fuzz harness for the FTS5 tokenizer "arabic" (src/store/fts_arabic.c).
** The input is used twice:
**   - tokenized directly through the registered tokenizer in each mode
**     (document, query, prefix query, aux), checking SQLite's contract:
**     offsets inside the text with start < end, starts never going back, no
**     colocated token first, tokens non-empty and within KB_TOKEN_MAX;
**   - run as an FTS5 MATCH expression against a small in-memory table, with
**     highlight(), snippet() and bm25 ranking, then ranked by kb_rank() and
**     counted by kb_df(), and given to the OR planner (plan.c), whose answer,
**     when it gives one, must be bm25's first rows. Syntax errors are fine;
**     crashes, sanitizer reports and broken invariants (abort) are not.
*/
#include <sqlite3.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "khabar.h"
#include "store/fts_arabic.h"
#include "store/plan.h"

static sqlite3 *g_db;
static sqlite3_stmt *g_query, *g_rank, *g_df, *g_bm25;
static fts5_tokenizer g_methods;
static Fts5Tokenizer *g_tok;

typedef struct check {
    int n, count, last_start;
} check;

static int on_token(void *ctx, int tflags, const char *p, int n, int start, int end) {
    check *c = ctx;
    if (n <= 0 || n > KB_TOKEN_MAX || !p) abort();
    if (start < 0 || start >= end || end > c->n) abort();
    if (start < c->last_start) abort();
    if ((tflags & FTS5_TOKEN_COLOCATED) && c->count == 0) abort();
    c->last_start = start;
    c->count++;
    return SQLITE_OK;
}

static void setup(void) {
    static const char *const docs[] = {
        "قرأَ الطالبُ الكِتَابَ في المكتبةِ، ثم ذهب إلى المدرسة الجديدة.",
        "والكتاب الذي نشرته الوزارة يتحدث عن المسؤولين في البلدية.",
        "وصل المعلمون بالمدرسة صباحا، وقال أحمد إن مدرسة القرية تحتاج 1200 كتاب.",
        "Match report: BBC ٢٠٢٣ www.example.com/path name@example.org"};
    fts5_api *api = NULL;
    sqlite3_stmt *st;
    if (sqlite3_open(":memory:", &g_db) != SQLITE_OK) abort();
    if (kb__fts_arabic_register(g_db) != KB_OK) abort();
    if (sqlite3_exec(g_db, "CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize = 'arabic')", NULL,
                     NULL, NULL) != SQLITE_OK)
        abort();
    if (sqlite3_prepare_v2(g_db, "INSERT INTO t(title, body) VALUES ('عنوان', ?)", -1, &st, NULL)) abort();
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
        sqlite3_bind_text(st, 1, docs[i], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) abort();
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(g_db,
                           "SELECT highlight(t, 1, '[', ']'), snippet(t, -1, '<', '>', '...', 4), bm25(t) "
                           "FROM t WHERE t MATCH ? ORDER BY rank LIMIT 10",
                           -1, &g_query, NULL))
        abort();
    if (sqlite3_prepare_v2(g_db, "SELECT rowid, kb_rank(t, 2, ?1, 0, 10.0, 1.0) FROM t WHERE t MATCH ?1 ORDER BY 2",
                           -1, &g_rank, NULL) ||
        sqlite3_prepare_v2(g_db, "SELECT kb_df(t, ?1) FROM t WHERE t MATCH ?1", -1, &g_df, NULL) ||
        sqlite3_prepare_v2(g_db, "SELECT rowid, bm25(t, 10.0, 1.0) FROM t WHERE t MATCH ?1 ORDER BY 2 LIMIT 2", -1,
                           &g_bm25, NULL))
        abort();
    if (sqlite3_prepare_v2(g_db, "SELECT fts5(?1)", -1, &st, NULL)) abort();
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    void *user = NULL;
    if (!api || api->xFindTokenizer(api, KB_FTS_TOKENIZER_NAME, &user, &g_methods) != SQLITE_OK) abort();
    if (g_methods.xCreate(user, NULL, 0, &g_tok) != SQLITE_OK) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const int modes[] = {FTS5_TOKENIZE_DOCUMENT, FTS5_TOKENIZE_QUERY,
                                FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, FTS5_TOKENIZE_AUX};
    if (!g_db) setup();
    if (size > 1 << 16) return 0; /* long inputs add time, not coverage */
    for (size_t i = 0; i < sizeof modes / sizeof *modes; i++) {
        check c = {(int)size, 0, 0};
        g_methods.xTokenize(g_tok, &c, modes[i], (const char *)data, (int)size, on_token);
    }
    sqlite3_bind_text(g_query, 1, (const char *)data, (int)size, SQLITE_TRANSIENT);
    while (sqlite3_step(g_query) == SQLITE_ROW) {
        const unsigned char *h = sqlite3_column_text(g_query, 0);
        const unsigned char *s = sqlite3_column_text(g_query, 1);
        if (!h || !s) abort();
    }
    sqlite3_reset(g_query);
    sqlite3_clear_bindings(g_query);
    /* kb_rank and kb_df on the same expression: errors are fine, a row
    ** count and counts must come out as numbers. */
    sqlite3_bind_text(g_rank, 1, (const char *)data, (int)size, SQLITE_TRANSIENT);
    while (sqlite3_step(g_rank) == SQLITE_ROW) {
    }
    sqlite3_reset(g_rank);
    sqlite3_bind_text(g_df, 1, (const char *)data, (int)size, SQLITE_TRANSIENT);
    while (sqlite3_step(g_df) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(g_df, 0);
        if (t && (*t < '0' || *t > '9')) abort();
    }
    sqlite3_reset(g_df);
    /* The planner wants a NUL-terminated expression. */
    char *q = malloc(size + 1);
    if (!q) return 0;
    memcpy(q, data, size);
    q[size] = 0;
    char *hits = NULL;
    if (kb__plan_top(g_db, "t", "10.0, 1.0", q, 2, &hits) == KB_OK) {
        /* bm25's scores, in order (rows with equal scores may swap). */
        const char *p = hits;
        sqlite3_bind_text(g_bm25, 1, q, -1, SQLITE_STATIC);
        while (sqlite3_step(g_bm25) == SQLITE_ROW) {
            long long id;
            double score;
            int used = 0;
            if (*p != '[' && *p != ',') abort();
            if (sscanf(p + 1, "[%lld,%lf]%n", &id, &score, &used) != 2 || !used) abort();
            if (fabs(score - sqlite3_column_double(g_bm25, 1)) > 1e-9 * (1 + fabs(score))) abort();
            p += 1 + used;
        }
        sqlite3_reset(g_bm25);
    } else if (hits) {
        abort();
    }
    free(hits);
    free(q);
    return 0;
}
