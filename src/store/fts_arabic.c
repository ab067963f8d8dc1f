/*
** The FTS5 tokenizer "arabic" (fts_arabic.h): SQLite's full-text index fed by
** khabar's own analyser, so that Arabic search finds "كتاب" in "والكتاب",
** "مدرسة" in "بالمدرسة" and "مسؤول" in "مسئول", and highlight() marks the
** words as they were written, diacritics included.
**
** What goes into the index. Text is cut by kb_tokenizer with KB_NORM_SEARCH
** (diacritics, tatweel, hamza seats, alef, yeh, ta marbuta and digits folded;
** punctuation and symbols skipped). Each Arabic word gives one position:
**
**   document (and aux) time  the stem (kb_stem) and, colocated at the same
**                            position, the normalized surface form when it
**                            differs from the stem ("والكتاب" -> "كتاب" +
**                            "والكتاب"), the way SQLite's documentation indexes
**                            synonyms;
**   query time               the stem only. The surface form would add nothing:
**                            the stem is a function of the surface, so a
**                            document word with the query's surface already
**                            carries the query's stem;
**   both                     colocated alternatives for two shapes kb_stem
**                            leaves alone (see alternatives() below): a glued
**                            ب ل ك ف ("بعمله" -> also "عمل") and a nisba ي
**                            ("ديني" -> also "دين"). At query time colocated
**                            tokens are alternatives (OR) for that position;
**   prefix query ("كتا*")    the normalized form, not the stem, of the last
**                            word: a prefix is not a word and must not be cut.
**                            It meets the stems and the colocated surfaces, so
**                            "الكتا*" finds "الكتاب" and "كتا*" finds "كتابهم";
**   exact word ("=والكتاب")  a query word written right after '=' is searched
**                            by its normalized form, which the colocated
**                            surfaces make findable (quote it: '"=والكتاب"').
**
** Numbers, Latin words (lowercased), URLs and e-mail addresses are emitted as
** their normalized form. Every token carries the byte offsets of the ORIGINAL
** text (kb_token.start/end), so highlight() and snippet() cut the original
** bytes around "الكِتَابُ", marks and all.
**
** Stopwords are indexed and searched like any word. Dropping them at query
** time is not safe inside the tokenizer: a phrase needs their positions, and
** FTS5 treats a term that tokenizes to nothing inconsistently ('x AND "."'
** matches nothing while 'x "."' matches like 'x'). Callers that build OR
** queries from free text may drop them themselves; bm25 gives them little
** weight anyway.
**
** Arguments (tokenize = 'arabic ARG ...'):
**   nostem     emit normalized forms only (no stems): exact-form search
**   nosurface  no colocated surface forms: a smaller index, but prefix
**              queries then see stems only and '=' exact words do not work
**   noexpand   no alternatives: stems (and surfaces) only
**
** This file is compiled twice: into libkhabar, calling SQLite directly, and
** with KB_FTS_EXTENSION into the loadable extension (src/store/ext/), where
** every sqlite3_* call must go through the host's routine table.
*/
#include <stdlib.h>
#include <string.h>

#include "core/lex.h"
#include "khabar.h"
#include "store/fts_arabic.h"

#ifdef KB_FTS_EXTENSION
SQLITE_EXTENSION_INIT3
#endif

enum { OPT_NOSTEM = 1u << 0, OPT_NOSURFACE = 1u << 1, OPT_NOEXPAND = 1u << 2 };

/*
** Segmenting a word costs a dozen lookups in a large table of word counts,
** most of them cache misses, and news repeats its clitic forms ("وقال",
** "بالمملكة"): each tokenizer remembers the last segmentation per slot of a
** small direct-mapped table (small enough to stay in the CPU's cache, which
** a table of whole results was not: it cost more than it saved). Words
** longer than SEG_KEY bytes are not remembered.
*/
#define SEG_SLOTS 8192 /* power of two */
#define SEG_KEY 30

typedef struct seg_slot {
    unsigned char n, cut; /* cut: bytes of proclitics, 0 for none */
    char key[SEG_KEY];
} seg_slot;

typedef struct arabic_tok {
    unsigned opts;
    seg_slot *seg; /* SEG_SLOTS, or NULL when that allocation failed */
    /* One kb_tokenizer kept for the table's life: creating one costs a
    ** calloc of a few KiB, which would show at one call per row. `busy`
    ** guards against a nested xTokenize on the same table (an auxiliary
    ** function tokenizing while a query runs), which gets its own. */
    kb_tokenizer *kt;
    int busy;
} arabic_tok;

static int arabic_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out) {
    unsigned opts = 0;
    *out = NULL;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "nostem")) opts |= OPT_NOSTEM;
        else if (!strcmp(argv[i], "nosurface")) opts |= OPT_NOSURFACE;
        else if (!strcmp(argv[i], "noexpand")) opts |= OPT_NOEXPAND;
        else return SQLITE_ERROR;
    }
    arabic_tok *t = calloc(1, sizeof *t);
    if (!t) return SQLITE_NOMEM;
    if (kb_tokenizer_new(&t->kt, KB_NORM_SEARCH, KB_TOK_SKIP_PUNCT) != KB_OK) {
        free(t);
        return SQLITE_NOMEM;
    }
    t->opts = opts;
    t->seg = calloc(SEG_SLOTS, sizeof *t->seg);
    *out = (Fts5Tokenizer *)t;
    return SQLITE_OK;
}

static void arabic_delete(Fts5Tokenizer *p) {
    arabic_tok *t = (arabic_tok *)p;
    if (!t) return;
    kb_tokenizer_free(t->kt);
    free(t->seg);
    free(t);
}

typedef int (*token_fn)(void *ctx, int tflags, const char *p, int n, int start, int end);

/* Two-byte letters of the Arabic block, as kb_stem sees them after
** KB_NORM_SEARCH. */
#define LETTER(p, i) ((unsigned)(unsigned char)(p)[2 * (i)] << 8 | (unsigned char)(p)[2 * (i) + 1])
enum { L_YEH = 0xD98A };

static int all_arabic_letters(const char *p, size_t n) {
    if (n & 1) return 0;
    for (size_t i = 0; i < n; i += 2)
        if ((unsigned char)p[i] < 0xD8 || (unsigned char)p[i] > 0xDB) return 0;
    return 1;
}

/* The bytes of proclitics kb_segment finds on a word, remembered. */
static size_t proclitics(seg_slot *memo, const char *w, size_t n) {
    seg_slot *m = NULL;
    if (memo && n <= SEG_KEY) {
        m = &memo[kb__hash_mem(w, n) & (SEG_SLOTS - 1)];
        if (m->n == n && !memcmp(m->key, w, n)) return m->cut;
    }
    kb_seg seg;
    size_t cut = 0;
    if (kb_segment(w, n, &seg) == KB_OK && seg.nproc > 0) cut = seg.proc_end[seg.nproc - 1];
    if (m && cut < 256) {
        m->n = (unsigned char)n;
        m->cut = (unsigned char)cut;
        memcpy(m->key, w, n);
    }
    return cut;
}

/*
** Alternatives of one word, emitted colocated with its stem both when indexing
** and when querying, so that the stem or any alternative of a query word meets
** the stem or any alternative of a document word. They cover two shapes that
** kb_stem leaves alone on purpose, because each cut is ambiguous out of
** context, and that the benchmark shows worth conflating for search:
**   - a preposition or conjunction ب ل ك ف glued to a word without the
**     article: kb_segment decides, with its lexicon of words whose first
**     letters are root letters ("بعمله" is ب+عمله, "بلاد" and "لبنان" are not
**     split), and the rest is stemmed: "بعمله" -> also "عمل";
**   - a nisba ي on a stem of four letters or more: "الدينية" (stem "ديني")
**     -> also "دين", so "الدين" and "الدينية" meet; light10 and Snowball cut
**     it the same way.
** Writes up to two forms into out[] and returns how many, none equal to the
** stem or to each other.
*/
static int alternatives(seg_slot *memo, const kb_token *tok, const char *stem, size_t sn,
                        char out[2][KB_TOKEN_MAX + 1], size_t outn[2]) {
    int k = 0;
    if (!all_arabic_letters(tok->norm, tok->norm_n) || kb_is_stopword(tok->norm, tok->norm_n)) return 0;
    /* Segmenting costs a dozen lookups in a large table, so it is asked
    ** only of words that begin with a letter that can be a glued ب ل ك ف و س
    ** (an article the stemmer removes already). */
    unsigned first = (unsigned)(unsigned char)tok->norm[0] << 8 | (unsigned char)tok->norm[1];
    size_t cut = 0;
    if (first == 0xD8A8 /* ب */ || first == 0xD984 /* ل */ || first == 0xD983 /* ك */ ||
        first == 0xD981 /* ف */ || first == 0xD988 /* و */ || first == 0xD8B3 /* س */)
        cut = proclitics(memo, tok->norm, tok->norm_n);
    if (cut > 0 && cut < tok->norm_n) {
        size_t m = kb_stem(tok->norm + cut, tok->norm_n - cut, out[0]);
        if (m >= 4 && (m != sn || memcmp(out[0], stem, m) != 0)) outn[k++] = m;
    }
    if (sn >= 8 && all_arabic_letters(stem, sn) && LETTER(stem, sn / 2 - 1) == L_YEH) {
        memcpy(out[k], stem, sn - 2);
        outn[k] = sn - 2;
        if (k == 0 || outn[0] != outn[1] || memcmp(out[0], out[1], outn[1]) != 0) k++;
    }
    return k;
}

static int emit_all(const arabic_tok *t, kb_tokenizer *kt, void *ctx, int flags, const char *p,
                    size_t n, token_fn x_token) {
    const int query = (flags & FTS5_TOKENIZE_QUERY) != 0;
    const int aux = (flags & FTS5_TOKENIZE_AUX) != 0;
    const int stem_words = !(t->opts & OPT_NOSTEM);
    const int surfaces = stem_words && !(t->opts & OPT_NOSURFACE);
    const int expand = stem_words && !(t->opts & OPT_NOEXPAND);
    kb_token tok;
    char stem[KB_TOKEN_MAX + 1];
    char alt[2][KB_TOKEN_MAX + 1];
    size_t altn[2];

    /* In a prefix query only the last token of the string is a prefix
    ** ("الكتاب الجد*"): find where it starts. */
    size_t last = (size_t)-1;
    if (query && (flags & FTS5_TOKENIZE_PREFIX)) {
        kb_tokenizer_reset(kt, p, n);
        while (kb_tokenizer_next(kt, &tok))
            if (tok.norm_n) last = tok.start;
    }

    kb_tokenizer_reset(kt, p, n);
    while (kb_tokenizer_next(kt, &tok)) {
        if (tok.norm_n == 0) continue;
        const int start = (int)tok.start, end = (int)tok.end;
        /* Auxiliary functions (snippet, highlight) count positions and read
        ** offsets; they never look at the token's text: one token per
        ** position, unstemmed, is all they need. */
        if (aux) {
            int rc = x_token(ctx, 0, tok.norm, (int)tok.norm_n, start, end);
            if (rc != SQLITE_OK) return rc;
            continue;
        }
        int as_written = tok.type != KB_TOK_WORD || !stem_words;
        if (query && (tok.start == last || (tok.start > 0 && p[tok.start - 1] == '=')))
            as_written = 1;
        int rc;
        if (as_written) {
            rc = x_token(ctx, 0, tok.norm, (int)tok.norm_n, start, end);
        } else {
            size_t sn = kb_stem(tok.norm, tok.norm_n, stem);
            rc = x_token(ctx, 0, stem, (int)sn, start, end);
            const int differs = sn != tok.norm_n || memcmp(stem, tok.norm, sn) != 0;
            if (rc == SQLITE_OK && !query && surfaces && differs)
                rc = x_token(ctx, FTS5_TOKEN_COLOCATED, tok.norm, (int)tok.norm_n, start, end);
            int na = expand ? alternatives(t->seg, &tok, stem, sn, alt, altn) : 0;
            for (int a = 0; a < na && rc == SQLITE_OK; a++) {
                /* Already emitted as the surface form. */
                if (!query && surfaces && altn[a] == tok.norm_n && !memcmp(alt[a], tok.norm, altn[a])) continue;
                rc = x_token(ctx, FTS5_TOKEN_COLOCATED, alt[a], (int)altn[a], start, end);
            }
        }
        /* Any other code (SQLITE_DONE from an auxiliary function that has
        ** seen enough, or an error) stops the scan and goes back to FTS5. */
        if (rc != SQLITE_OK) return rc;
    }
    return SQLITE_OK;
}

static int arabic_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int n,
                           token_fn x_token) {
    arabic_tok *t = (arabic_tok *)p;
    if (!text || n <= 0) return SQLITE_OK;
    kb_tokenizer *kt = t->kt;
    if (t->busy) {
        if (kb_tokenizer_new(&kt, KB_NORM_SEARCH, KB_TOK_SKIP_PUNCT) != KB_OK) return SQLITE_NOMEM;
    } else {
        t->busy = 1;
    }
    int rc = emit_all(t, kt, ctx, flags, text, (size_t)n, x_token);
    if (kt == t->kt) t->busy = 0;
    else kb_tokenizer_free(kt);
    return rc;
}

int kb__fts_arabic_register_api(fts5_api *api) {
    static fts5_tokenizer methods = {arabic_create, arabic_delete, arabic_tokenize};
    if (!api || api->iVersion < 2) return KB_EDB;
    int rc = api->xCreateTokenizer(api, KB_FTS_TOKENIZER_NAME, NULL, &methods, NULL);
    if (rc != SQLITE_OK) return KB_EDB;
    return kb__fts_rank_register_api(api);
}

int kb__fts_arabic_register(sqlite3 *db) {
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (!db) return KB_EINVAL;
    /* SQLite hands out the fts5_api through a pointer-typed parameter
    ** (sqlite3_bind_pointer), which SQL text cannot forge. */
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK) return KB_EDB;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    return kb__fts_arabic_register_api(api);
}
