/*
** The FTS5 tokenizer "arabic" (src/store/fts_arabic.c) in a real in-memory
** SQLite table: clitics and affixes meet at the stem, spelling variants fold,
** phrases and prefixes work, '=' searches a word as written, highlight()
** marks the original bytes (diacritics included), and bad arguments are
** refused. The sentences are made up for the test.
*/
#include <sqlite3.h>

#include "kbtest.h"
#include "khabar.h"
#include "store/fts_arabic.h"
#include "store/plan.h"

static sqlite3 *open_db(const char *args) {
    sqlite3 *db = NULL;
    char sql[256];
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) return NULL;
    if (kb__fts_arabic_register(db) != KB_OK) goto fail;
    snprintf(sql, sizeof sql, "CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize = '%s')", args);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) goto fail;
    return db;
fail:
    sqlite3_close(db);
    return NULL;
}

static int add(sqlite3 *db, long long id, const char *title, const char *body) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "INSERT INTO t(rowid, title, body) VALUES (?, ?, ?)", -1, &st, NULL))
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, body, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* The rowids matching q in rowid order, as "1,3", "" for none, "error" when
** the query is refused. */
static const char *hits(sqlite3 *db, const char *q) {
    static char out[256];
    sqlite3_stmt *st;
    out[0] = 0;
    if (sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid", -1, &st, NULL))
        return "error";
    sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        size_t k = strlen(out);
        snprintf(out + k, sizeof out - k, "%s%lld", k ? "," : "", sqlite3_column_int64(st, 0));
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? out : "error";
}

/* The first row's highlight() of column col for query q. */
static const char *marked(sqlite3 *db, const char *q, int col) {
    static char out[1024];
    sqlite3_stmt *st;
    strcpy(out, "(none)");
    if (sqlite3_prepare_v2(db, "SELECT highlight(t, ?, '[', ']') FROM t WHERE t MATCH ? ORDER BY rowid",
                           -1, &st, NULL))
        return "error";
    sqlite3_bind_int(st, 1, col);
    sqlite3_bind_text(st, 2, q, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) snprintf(out, sizeof out, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

/* Three small made-up articles. */
static sqlite3 *news(const char *args) {
    sqlite3 *db = open_db(args);
    if (!db) return NULL;
    if (add(db, 1, "افتتاح المكتبة", "قرأَ الطالبُ الكِتَابَ في المكتبةِ، ثم ذهب إلى المدرسة الجديدة.") ||
        add(db, 2, "خبر", "والكتاب الذي نشرته الوزارة يتحدث عن المسؤولين في البلدية، ويقرأ الناس كتابهم السنوي.") ||
        add(db, 3, "تعليم", "وصل المعلمون بالمدرسة صباحا، وقال أحمد إن مدرسة القرية تحتاج 1200 كتاب.") ||
        add(db, 4, "Sport", "فاز الفريق في مباراة BBC ٢٠٢٣ على ملعب المستشفى.")) {
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

TEST(register_and_create) {
    sqlite3 *db = open_db("arabic");
    ASSERT(db != NULL);
    ASSERT_INT_EQ(kb__fts_arabic_register(NULL), KB_EINVAL);
    sqlite3_close(db);
}

TEST(unknown_argument_is_refused) {
    sqlite3 *db = open_db("arabic frobnicate");
    ASSERT(db == NULL);
    db = open_db("arabic nostem nosurface");
    ASSERT(db != NULL);
    sqlite3_close(db);
}

TEST(clitics_meet_at_the_stem) {
    sqlite3 *db = news("arabic");
    ASSERT(db != NULL);
    ASSERT_STR_EQ(hits(db, "كتاب"), "1,2,3");
    ASSERT_STR_EQ(hits(db, "والكتاب"), "1,2,3");
    ASSERT_STR_EQ(hits(db, "بالمدرسة"), "1,3");
    ASSERT_STR_EQ(hits(db, "مدرسة"), "1,3");
    ASSERT_STR_EQ(hits(db, "المدارس"), ""); /* a broken plural is another word */
    sqlite3_close(db);
}

TEST(spelling_variants_fold) {
    sqlite3 *db = news("arabic");
    ASSERT(db != NULL);
    ASSERT_STR_EQ(hits(db, "المسؤول"), "2"); /* ؤ and a plural */
    ASSERT_STR_EQ(hits(db, "احمد"), "3");    /* bare alef */
    ASSERT_STR_EQ(hits(db, "الى"), "1");     /* إلى */
    ASSERT_STR_EQ(hits(db, "المستشفي"), "4");/* alef maqsura */
    ASSERT_STR_EQ(hits(db, "الكِتـاب"), "1,2,3"); /* diacritics and tatweel in the query */
    ASSERT_STR_EQ(hits(db, "2023"), "4");    /* Arabic-Indic digits */
    ASSERT_STR_EQ(hits(db, "bbc"), "4");     /* Latin lowercased */
    ASSERT_STR_EQ(hits(db, "sport"), "4");
    sqlite3_close(db);
}

TEST(phrases) {
    sqlite3 *db = news("arabic");
    ASSERT(db != NULL);
    ASSERT_STR_EQ(hits(db, "\"المدرسة الجديدة\""), "1");
    ASSERT_STR_EQ(hits(db, "\"مدرسة جديدة\""), "1");
    ASSERT_STR_EQ(hits(db, "\"الجديدة المدرسة\""), "");
    ASSERT_STR_EQ(hits(db, "\"ذهب إلى المدرسة\""), "1"); /* a stopword inside */
    ASSERT_STR_EQ(hits(db, "\"ذهب المدرسة\""), "");
    ASSERT_STR_EQ(hits(db, "\"الكتاب في المكتبة\""), "1"); /* across a comma-free run */
    ASSERT_STR_EQ(hits(db, "NEAR(مسؤول بلدية, 3)"), "2");
    sqlite3_close(db);
}

TEST(prefixes_use_the_written_form) {
    sqlite3 *db = news("arabic");
    ASSERT(db != NULL);
    ASSERT_STR_EQ(hits(db, "كتا*"), "1,2,3");
    ASSERT_STR_EQ(hits(db, "الكتا*"), "1");   /* only the word written with ال */
    ASSERT_STR_EQ(hits(db, "والكت*"), "2");
    ASSERT_STR_EQ(hits(db, "كتابه*"), "2");   /* beyond the stem: كتابهم */
    ASSERT_STR_EQ(hits(db, "\"المدرسة الجد\"*"), "1");
    ASSERT_STR_EQ(hits(db, "مدر*"), "1,3");
    sqlite3_close(db);
}

TEST(equals_searches_the_word_as_written) {
    sqlite3 *db = news("arabic");
    ASSERT(db != NULL);
    ASSERT_STR_EQ(hits(db, "\"=والكتاب\""), "2");
    ASSERT_STR_EQ(hits(db, "\"=بالمدرسة\""), "3");
    ASSERT_STR_EQ(hits(db, "\"=المسئولين\""), ""); /* ئ is not ؤ */
    ASSERT_STR_EQ(hits(db, "\"=الكِتاب\""), "1"); /* still folded */
    sqlite3_close(db);
}

TEST(highlight_marks_the_original_bytes) {
    sqlite3 *db = news("arabic");
    ASSERT(db != NULL);
    ASSERT_STR_EQ(marked(db, "كتاب", 1), "قرأَ الطالبُ [الكِتَابَ] في المكتبةِ، ثم ذهب إلى المدرسة الجديدة.");
    ASSERT_STR_EQ(marked(db, "مكتبه", 1), "قرأَ الطالبُ الكِتَابَ في [المكتبةِ]، ثم ذهب إلى المدرسة الجديدة.");
    ASSERT_STR_EQ(marked(db, "مكتبه", 0), "افتتاح [المكتبة]");
    ASSERT_STR_EQ(marked(db, "\"المدرسة الجديدة\"", 1),
                  "قرأَ الطالبُ الكِتَابَ في المكتبةِ، ثم ذهب إلى [المدرسة الجديدة].");
    ASSERT_STR_EQ(marked(db, "طال*", 1), "قرأَ [الطالبُ] الكِتَابَ في المكتبةِ، ثم ذهب إلى المدرسة الجديدة.");
    ASSERT_STR_EQ(marked(db, "٢٠٢٣", 1), "فاز الفريق في مباراة BBC [٢٠٢٣] على ملعب المستشفى.");
    sqlite3_close(db);
}

TEST(snippet_cuts_at_original_words) {
    sqlite3 *db = news("arabic");
    sqlite3_stmt *st;
    ASSERT(db != NULL);
    ASSERT_INT_EQ(sqlite3_prepare_v2(db, "SELECT snippet(t, 1, '<', '>', '…', 3) FROM t WHERE t MATCH 'مسؤول'",
                                     -1, &st, NULL), SQLITE_OK);
    ASSERT_INT_EQ(sqlite3_step(st), SQLITE_ROW);
    ASSERT_STR_EQ((const char *)sqlite3_column_text(st, 0), "…عن <المسؤولين> في…");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

TEST(glued_prepositions_and_nisba_meet_the_plain_word) {
    sqlite3 *db = open_db("arabic");
    ASSERT(db != NULL);
    ASSERT_INT_EQ(add(db, 1, "", "أشاد المدير بعمله في الشؤون الدينية."), 0);
    ASSERT_INT_EQ(add(db, 2, "", "زار الوفد لبنان وبلاد الشام."), 0);
    ASSERT_INT_EQ(add(db, 3, "", "تحدث عن العمل ورجال الدين."), 0);
    ASSERT_STR_EQ(hits(db, "عمل"), "1,3");
    ASSERT_STR_EQ(hits(db, "بعمله"), "1,3");
    ASSERT_STR_EQ(hits(db, "الدين"), "1,3");
    ASSERT_STR_EQ(hits(db, "ديني"), "1,3");
    ASSERT_STR_EQ(hits(db, "بنان"), "");   /* لبنان keeps its ل */
    ASSERT_STR_EQ(hits(db, "لاد"), "");    /* and بلاد its ب */
    ASSERT_STR_EQ(hits(db, "\"بعمله في الشؤون\""), "1");
    ASSERT_STR_EQ(marked(db, "عمل", 1), "أشاد المدير [بعمله] في الشؤون الدينية.");
    sqlite3_close(db);
    db = open_db("arabic noexpand");
    ASSERT(db != NULL);
    ASSERT_INT_EQ(add(db, 1, "", "أشاد المدير بعمله في الشؤون الدينية."), 0);
    ASSERT_STR_EQ(hits(db, "عمل"), "");
    ASSERT_STR_EQ(hits(db, "الدين"), "");
    sqlite3_close(db);
}

TEST(nostem_searches_written_forms) {
    sqlite3 *db = news("arabic nostem");
    ASSERT(db != NULL);
    ASSERT_STR_EQ(hits(db, "كتاب"), "3");
    ASSERT_STR_EQ(hits(db, "والكتاب"), "2");
    ASSERT_STR_EQ(hits(db, "المسوولين"), "2"); /* folding still applies */
    sqlite3_close(db);
}

TEST(nosurface_keeps_stems_only) {
    sqlite3 *db = news("arabic nosurface");
    ASSERT(db != NULL);
    ASSERT_STR_EQ(hits(db, "والكتاب"), "1,2,3");
    ASSERT_STR_EQ(hits(db, "كتا*"), "1,2,3");
    ASSERT_STR_EQ(hits(db, "الكتا*"), "");
    sqlite3_close(db);
}

TEST(hostile_queries_fail_cleanly) {
    sqlite3 *db = news("arabic");
    ASSERT(db != NULL);
    ASSERT_STR_EQ(hits(db, "\"،،،\""), "");
    ASSERT_STR_EQ(hits(db, "كتاب AND \"؟\""), "");
    ASSERT_STR_EQ(hits(db, "\"\xff\xfe\""), "");
    ASSERT_STR_EQ(hits(db, "(كتاب"), "error");
    sqlite3_close(db);
}

TEST(updates_and_deletes_keep_the_index_consistent) {
    sqlite3 *db = news("arabic");
    ASSERT(db != NULL);
    ASSERT_INT_EQ(sqlite3_exec(db, "DELETE FROM t WHERE rowid = 2", NULL, NULL, NULL), SQLITE_OK);
    ASSERT_STR_EQ(hits(db, "كتاب"), "1,3");
    ASSERT_INT_EQ(sqlite3_exec(db, "UPDATE t SET body = 'لا شيء هنا' WHERE rowid = 3", NULL, NULL, NULL),
                  SQLITE_OK);
    ASSERT_STR_EQ(hits(db, "كتاب"), "1");
    ASSERT_INT_EQ(sqlite3_exec(db, "INSERT INTO t(t) VALUES ('integrity-check')", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* --- kb_rank(): bm25() for the top K, cheaper (src/store/fts_rank.c) ------ */

/* Made-up articles: words drawn from a small vocabulary with a fixed seed,
** skewed so that some words are common and some rare, lengths 3..60. */
static const char *const vocab[] = {
    "الحكومة", "الوزير", "المدينة", "اجتماع", "الاقتصاد", "مشروع", "الطلاب", "المستشفى", "الميزانية",
    "المياه",  "الكهرباء", "الطرق", "الزراعة", "السياحة", "المطار", "الشباب", "الثقافة", "المعرض",
    "البحر",   "الجبل",   "القرية", "السوق",  "الأسعار", "التجارة", "المصنع", "العمال", "الأطباء"};
#define NVOCAB (sizeof vocab / sizeof vocab[0])

static unsigned g_seed;
static unsigned rnd(void) {
    g_seed = g_seed * 1103515245u + 12345u;
    return g_seed >> 8;
}

static const char *word(void) {
    unsigned r = rnd() % 1000;
    /* Zipf-like: the first words much more often than the last. */
    size_t i = (size_t)((double)NVOCAB * (r / 1000.0) * (r / 1000.0));
    return vocab[i < NVOCAB ? i : NVOCAB - 1];
}

static int add_random(sqlite3 *db, long long id) {
    char title[256] = "", body[4096] = "";
    int nt = 1 + (int)(rnd() % 4), nb = 3 + (int)(rnd() % 58);
    for (int i = 0; i < nt; i++) strcat(strcat(title, i ? " " : ""), word());
    for (int i = 0; i < nb; i++) strcat(strcat(body, i ? " " : ""), word());
    return add(db, id, title, body);
}

/* The top rows of q by expr, as "rowid:score,..." with scores to 9 digits. */
static void ranked(sqlite3 *db, const char *expr, const char *q, long limit, long offset, char *out, size_t cap) {
    char sql[512];
    sqlite3_stmt *st;
    snprintf(sql, sizeof sql, "SELECT rowid, %s FROM t WHERE t MATCH ?1 ORDER BY 2, rowid LIMIT %ld OFFSET %ld",
             expr, limit, offset);
    out[0] = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL)) {
        snprintf(out, cap, "error: %s", sqlite3_errmsg(db));
        return;
    }
    sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        size_t k = strlen(out);
        snprintf(out + k, cap - k, "%lld:%.9f,", sqlite3_column_int64(st, 0), sqlite3_column_double(st, 1));
    }
    sqlite3_finalize(st);
}

/* A table of n random articles (rowids 1..n) drawn with seed; NULL on failure. */
static sqlite3 *random_news(unsigned seed, int n) {
    sqlite3 *db = open_db("arabic");
    if (!db) return NULL;
    g_seed = seed;
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    for (int i = 1; i <= n; i++)
        if (add_random(db, i)) {
            sqlite3_close(db);
            return NULL;
        }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    return db;
}

TEST(kb_rank_gives_the_top_rows_of_bm25) {
    sqlite3 *db = random_news(7, 600);
    ASSERT(db != NULL);
    static char a[8192], b[8192], c[8192];
    int pruned_something = 0;
    for (int round = 0; round < 2; round++) {
        for (int qn = 0; qn < 40; qn++) {
            char q[1024] = "";
            int nw = 2 + (int)(rnd() % 6);
            for (int i = 0; i < nw; i++) {
                size_t k = strlen(q);
                snprintf(q + k, sizeof q - k, "%s\"%s\"", i ? " OR " : "", vocab[rnd() % NVOCAB]);
            }
            ranked(db, "bm25(t, 10.0, 1.0)", q, 10, 0, a, sizeof a);
            ranked(db, "kb_rank(t, 10, NULL, 0, 10.0, 1.0)", q, 10, 0, b, sizeof b);
            ranked(db, "kb_rank(t, 10, ?1, 0, 10.0, 1.0)", q, 10, 0, c, sizeof c);
            ASSERT_STR_EQ(b, a);
            ASSERT_STR_EQ(c, a);
            /* A deeper page: K covers offset + limit. */
            ranked(db, "bm25(t, 10.0, 1.0)", q, 5, 10, a, sizeof a);
            ranked(db, "kb_rank(t, 15, ?1, 0, 10.0, 1.0)", q, 5, 10, b, sizeof b);
            ASSERT_STR_EQ(b, a);
            /* Past K the shortcut's rows are +1: they sort last. */
            ranked(db, "kb_rank(t, 3, NULL, 0, 10.0, 1.0)", q, 600, 0, b, sizeof b);
            if (strstr(b, ":1.000000000,")) pruned_something = 1;
        }
        /* New rows change every count: cached ones must not be reused. */
        sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
        for (int i = 601 + 100 * round; i <= 700 + 100 * round; i++) ASSERT_INT_EQ(add_random(db, i), 0);
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    }
    ASSERT(pruned_something);
    sqlite3_close(db);
}

/* The planner (src/store/plan.c): when it answers, the answer is bm25's. */
TEST(planned_or_queries_give_the_same_top_rows) {
    sqlite3 *db = random_news(11, 800);
    ASSERT(db != NULL);
    static char want[8192], got[8192];
    int planned = 0, declined = 0;
    for (int qn = 0; qn < 80; qn++) {
        char q[1024] = "(";
        int nw = 3 + (int)(rnd() % 6);
        for (int i = 0; i < nw; i++) {
            size_t k = strlen(q);
            snprintf(q + k, sizeof q - k, "%s\"%s\"", i ? " OR " : "", vocab[rnd() % NVOCAB]);
        }
        strcat(q, ")");
        long k = 1 + (long)(rnd() % 12);
        char *hits = NULL;
        int rc = kb__plan_top(db, "t", "10.0, 1.0", q, k, &hits);
        if (rc == KB_ENOTFOUND) {
            declined++;
            continue;
        }
        ASSERT_INT_EQ(rc, KB_OK);
        planned++;
        ranked(db, "bm25(t, 10.0, 1.0)", q, k, 0, want, sizeof want);
        got[0] = 0;
        const char *p = hits;
        long long id;
        double score;
        int used;
        while (p && (*p == '[' || *p == ',')) {
            p++;
            if (sscanf(p, "[%lld,%lf]%n", &id, &score, &used) != 2) break;
            size_t n = strlen(got);
            snprintf(got + n, sizeof got - n, "%lld:%.9f,", id, score);
            p += used;
        }
        ASSERT_STR_EQ(got, want);
        free(hits);
    }
    ASSERT(planned > 0);
    ASSERT(declined > 0);
    /* Not an OR group, or too short: declined. */
    char *hits = NULL;
    ASSERT_INT_EQ(kb__plan_top(db, "t", "10.0, 1.0", "\"الحكومة\" AND \"الوزير\"", 5, &hits), KB_ENOTFOUND);
    ASSERT_INT_EQ(kb__plan_top(db, "t", "10.0, 1.0", "(\"الحكومة\" OR \"الوزير\")", 5, &hits), KB_ENOTFOUND);
    ASSERT(hits == NULL);
    sqlite3_close(db);
}
