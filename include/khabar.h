/*
** khabar.h -- the public interface of libkhabar, an Arabic news engine.
**
** This is the only header that the khabar command, its HTTP server and outside
** users include. It reads as the manual of the library:
**
**   1. Errors and memory ........ return codes, kb_strerror(), kb_free()
**   2. Normalization ............ kb_normalize() and its flags
**   3. Tokens ................... kb_tokenizer_*: words, numbers, punctuation,
**                                 URLs, with byte offsets into the original text
**   4. Clitics .................. kb_segment(): و+ال+كتاب+ها
**   5. Stemming and stopwords ... kb_stem(), kb_is_stopword()
**   6. Script and language ...... kb_lang_detect()
**   7. Articles ................. kb_article and kb_extract_*(): pages -> records
**
** Conventions (see docs/internals/):
**   - Text in is (const char *p, size_t n), UTF-8, never assumed NUL-terminated.
**     Invalid UTF-8 is never read past; each invalid byte counts as U+FFFD.
**   - Functions return KB_OK (0), a negative KB_E* code, or a non-negative
**     length. The library never prints, exits or aborts on bad input or on
**     out-of-memory.
**   - What a function allocates for the caller is freed with the matching
**     kb_*_free() (or kb_free() for plain buffers); every kb_*_free(NULL) is a
**     no-op.
*/
#ifndef KHABAR_H
#define KHABAR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KB_VERSION "0.1.0"

/* ------------------------------------------------------------------------ */
/* 1. Errors and memory                                                      */
/* ------------------------------------------------------------------------ */

/*
** The error list. Codes are part of the ABI and are never renumbered; new
** codes are appended.
*/
#define KB_ERROR_LIST(X)                                   \
    X(KB_OK, 0, "ok")                                      \
    X(KB_ENOMEM, -1, "out of memory")                      \
    X(KB_ETOOBIG, -2, "input too large")                   \
    X(KB_EINVAL, -3, "invalid argument")                   \
    X(KB_EIO, -4, "input/output error")                    \
    X(KB_EPARSE, -5, "cannot parse input")                 \
    X(KB_ENOTFOUND, -6, "not found")                       \
    X(KB_EDB, -7, "database error")                        \
    X(KB_EFORMAT, -8, "unrecognised or unsupported format") \
    X(KB_EEMPTY, -9, "empty input")                        \
    X(KB_EBINARY, -10, "binary data, not text")            \
    X(KB_EENCODING, -11, "unknown or unconvertible encoding")

enum kb_error {
#define KB_X_ENUM(name, value, text) name = value,
    KB_ERROR_LIST(KB_X_ENUM)
#undef KB_X_ENUM
};

/* A static English description of an error code; never NULL. */
const char *kb_strerror(int code);

/* The symbolic name of an error code ("KB_ETOOBIG"); never NULL. */
const char *kb_errname(int code);

/* Free a buffer that a kb_ function returned with "caller frees with kb_free". */
void kb_free(void *p);

/*
** p[0..n) as a JSON string literal, quotes included: '"', '\' and control
** characters escaped, U+2028 and U+2029 escaped (they end a line in
** JavaScript), invalid UTF-8 replaced by U+FFFD: the form every khabar output
** uses. Caller frees with kb_free(); NULL when out of memory. *len, when not
** NULL, gets the length.
*/
char *kb_json_quote(const char *p, size_t n, size_t *len);

/* ------------------------------------------------------------------------ */
/* 2. Normalization                                                          */
/* ------------------------------------------------------------------------ */

/*
** Normalization flags. Every pass is one scan over UTF-8, and the result of
** any flag set is idempotent: normalize(normalize(x)) == normalize(x).
*/
enum kb_norm_flag {
    KB_NORM_DIACRITICS = 1u << 0,  /* drop harakat U+064B-U+065F, U+0670,
                                      Quranic marks U+0610-U+061A, U+06D6-U+06ED */
    KB_NORM_TATWEEL = 1u << 1,     /* drop tatweel U+0640 */
    KB_NORM_ALEF = 1u << 2,        /* أ إ آ ٱ -> ا */
    KB_NORM_YEH = 1u << 3,         /* ى -> ي (and Persian ی -> ي) */
    KB_NORM_TEH_MARBUTA = 1u << 4, /* ة -> ه (search folding) */
    KB_NORM_HAMZA_SEATS = 1u << 5, /* ؤ -> و, ئ -> ي (search folding) */
    KB_NORM_DIGITS = 1u << 6,      /* Arabic-Indic and Persian digits -> 0-9 */
    KB_NORM_PRESENTATION = 1u << 7,/* U+FB50-U+FDFF, U+FE70-U+FEFF, lam-alef
                                      ligatures -> base letters */
    KB_NORM_CONTROLS = 1u << 8,    /* drop ZWJ, ZWNJ, LRM, RLM, bidi embeddings,
                                      isolates, BOM, soft hyphen */
    KB_NORM_SPACES = 1u << 9,      /* NBSP and other Unicode spaces -> ' ' */
    KB_NORM_LOWER = 1u << 10,      /* ASCII A-Z -> a-z */
    KB_NORM_KAF = 1u << 11         /* Persian ک -> ك */
};

/*
** Display-safe preset: removes what is invisible and unifies code points
** that render the same (presentation forms, odd spaces), but keeps every
** character a reader sees: hamza on alef, ة, ى, diacritics and tatweel
** ("لـ" in "لـ«رويترز»" stays as written). Extraction stores text this way.
*/
#define KB_NORM_DISPLAY                                                     \
    (KB_NORM_PRESENTATION | KB_NORM_CONTROLS | KB_NORM_SPACES)

/* Search-folding preset: everything, for indexing and matching. */
#define KB_NORM_SEARCH                                                      \
    (KB_NORM_DISPLAY | KB_NORM_TATWEEL | KB_NORM_DIACRITICS | KB_NORM_ALEF | KB_NORM_YEH |    \
     KB_NORM_TEH_MARBUTA | KB_NORM_HAMZA_SEATS | KB_NORM_DIGITS |           \
     KB_NORM_LOWER | KB_NORM_KAF)

/*
** The largest output kb_normalize_into() can write for n input bytes.
** (An invalid byte becomes U+FFFD: 1 byte -> 3 bytes.)
*/
#define KB_NORMALIZE_BOUND(n) ((n) * 3 + 4)

/*
** Normalize p[0..n) into dst, which must hold KB_NORMALIZE_BOUND(n) bytes.
** Returns the number of bytes written (no NUL is added). Never fails.
** Invalid UTF-8 sequences are replaced with U+FFFD.
*/
size_t kb_normalize_into(const char *p, size_t n, unsigned flags, char *dst);

/*
** Normalize p[0..n) into a new NUL-terminated buffer *out of *outn bytes
** (caller frees with kb_free). Returns KB_OK or KB_ENOMEM (then *out = NULL).
*/
int kb_normalize(const char *p, size_t n, unsigned flags, char **out,
                 size_t *outn);

/* ------------------------------------------------------------------------ */
/* 3. Tokens                                                                 */
/* ------------------------------------------------------------------------ */

enum kb_token_type {
    KB_TOK_WORD = 1, /* Arabic-script word */
    KB_TOK_LATIN,    /* word in Latin (or other alphabetic) script */
    KB_TOK_NUMBER,   /* 12, ١٢٫٥, 1,200.50, ٣٬٠٠٠ */
    KB_TOK_PUNCT,    /* . , ، ؛ ؟ ! « » “ ” ( ) - ... one code point each */
    KB_TOK_URL,      /* http://..., www.example.com/path */
    KB_TOK_EMAIL,    /* name@example.org */
    KB_TOK_SYMBOL    /* anything else that is not space: % $ emoji ... */
};

/* Tokenizer option flags. */
enum kb_tok_flag {
    KB_TOK_SKIP_PUNCT = 1u << 0, /* do not return PUNCT and SYMBOL tokens */
    KB_TOK_SEGMENT = 1u << 1     /* fill kb_token.seg with the clitic split
                                    of each WORD token (see kb_segment) */
};

/* Longest normalized token, in bytes; longer words are cut into pieces. */
#define KB_TOKEN_MAX 1024

/* Clitic segmentation of one word (see kb_segment). Offsets are into the
** normalized word the segmentation was computed on. */
typedef struct kb_seg {
    uint16_t nproc;        /* number of proclitics (0..4) */
    uint16_t proc_end[4];  /* byte end of each proclitic within the word */
    uint16_t stem_start;   /* byte offset where the stem begins */
    uint16_t stem_end;     /* byte offset where the stem ends (enclitic starts) */
    uint16_t has_enclitic; /* stem_end < word length */
} kb_seg;

typedef struct kb_token {
    int type;          /* enum kb_token_type */
    size_t start, end; /* byte offsets of the token in the ORIGINAL text */
    const char *norm;  /* normalized form (tokenizer's flags), NUL-terminated,
                          valid until the next kb_tokenizer_next() call */
    size_t norm_n;     /* its length in bytes, <= KB_TOKEN_MAX */
    kb_seg seg;        /* clitic split of norm (KB_TOK_SEGMENT, WORD only) */
} kb_token;

typedef struct kb_tokenizer kb_tokenizer;

/*
** Create a tokenizer. norm_flags choose the normalization applied to each
** token's `norm` (offsets always refer to the original text); tok_flags are
** enum kb_tok_flag. Returns KB_OK or KB_ENOMEM (then *out = NULL).
** Free with kb_tokenizer_free(). A tokenizer uses constant memory whatever
** the input size.
*/
int kb_tokenizer_new(kb_tokenizer **out, unsigned norm_flags,
                     unsigned tok_flags);
void kb_tokenizer_free(kb_tokenizer *t);

/* Start tokenizing p[0..n). The text must stay alive while tokens are read. */
void kb_tokenizer_reset(kb_tokenizer *t, const char *p, size_t n);

/*
** Read the next token into *tok. Returns 1 when a token was read, 0 at the end
** of the text. Tokens come in order; offsets strictly increase.
*/
int kb_tokenizer_next(kb_tokenizer *t, kb_token *tok);

/* ------------------------------------------------------------------------ */
/* 4. Clitics                                                                */
/* ------------------------------------------------------------------------ */

/*
** Split a normalized Arabic word into proclitics (و ف ب ك ل ال لل س), a stem
** and one pronoun enclitic (ه ها هم هما هن ك كم كن ي نا). The split is guarded
** by a minimum stem length, by a lexicon (data/segment-keep.tsv) of words
** whose first letters are root letters (وزير، بلد، فرنسا، لبنان، كتاب) and
** by word frequencies from news text (data/segment-words.tsv). A preposition
** carrying a pronoun (بها، له) has the preposition as its stem. Words that
** are not all Arabic letters are not split (nproc 0, stem = whole word).
** The word should be normalized with KB_NORM_SEARCH, as the tokenizer's
** `norm` is. Offsets are bytes into word; word[0..n) is never read past and
** nothing is allocated. Returns KB_OK, or KB_EINVAL if n > KB_TOKEN_MAX
** (then *seg is all zero). Accuracy and limits: docs/internals/text.md.
*/
int kb_segment(const char *word, size_t n, kb_seg *seg);

/*
** Write the segmentation as text with '+' between parts ("و+ال+كتاب+ها")
** into dst (room for n + 8 bytes). Returns the length written.
*/
size_t kb_seg_format(const char *word, size_t n, const kb_seg *seg, char *dst);

/* ------------------------------------------------------------------------ */
/* 5. Stemming and stopwords                                                 */
/* ------------------------------------------------------------------------ */

/*
** Light stem of one word that was normalized with KB_NORM_SEARCH. Writes the
** stem into dst (room for n bytes) and returns its length. Non-Arabic words
** are returned unchanged. Removes و/ف/ب/ك/ل+ال and لل prefixes, pronoun
** suffixes and dual/plural suffixes, never below a minimum stem length.
*/
size_t kb_stem(const char *word, size_t n, char *dst);

/* 1 if the KB_NORM_SEARCH-normalized word is an Arabic stopword
** (data/stopwords.tsv), else 0. */
int kb_is_stopword(const char *word, size_t n);

/* ------------------------------------------------------------------------ */
/* 6. Script and language                                                    */
/* ------------------------------------------------------------------------ */

typedef struct kb_lang_info {
    const char *code;   /* "ar", "fa", "ur", "en" (Latin script), "und" */
    double confidence;  /* 0..1 */
    size_t arabic_letters, latin_letters, other_letters;
    size_t persian_marks, urdu_marks; /* letters only Persian / Urdu use */
} kb_lang_info;

/* Detect the script and language of p[0..n). Never fails; "und" when the
** text has no letters. */
void kb_lang_detect(const char *p, size_t n, kb_lang_info *info);


/* ------------------------------------------------------------------------ */
/* 7. Articles: extraction                                                   */
/* ------------------------------------------------------------------------ */

/* A related-article link ("اقرأ أيضًا: ..."). url may be NULL. */
typedef struct kb_related {
    const char *title;
    const char *url;
} kb_related;

/*
** The article record (docs/ and ../ARCHITECTURE.md "The article"). All strings
** are UTF-8, NUL-terminated and owned by the article: valid until
** kb_article_free(). Absent values are NULL (arrays: count 0).
*/
typedef struct kb_article {
    const char *id;        /* stable id: hash of the canonical URL, else of the body */
    const char *url;
    const char *domain;
    const char *source;    /* outlet as the page names itself */
    const char *section;
    const char *title;
    const char **authors;
    size_t nauthors;
    const char *published; /* "YYYY-MM-DD" or ISO 8601 with offset */
    const char *language;  /* "ar", "fa", "ur", "en", "und" */
    const char **paragraphs;
    size_t nparagraphs;
    kb_related *related;
    size_t nrelated;
    const char *format;    /* the input kind it came from: "flat", "html", "json" */

    /* Filled by kb_analyze() (section 10); empty until then. Offsets count
    ** Unicode code points inside paragraphs[paragraph]; paragraph -1 means
    ** the title. */
    struct kb_entity *entities;
    size_t nentities;
    struct kb_quote *quotes;
    size_t nquotes;
    struct kb_amount *amounts;
    size_t namounts;
    int analyzed;          /* 1 once kb_analyze() ran */
    long long story;       /* its story in the archive (0: not stored yet) */

    void *internal;        /* library-private (the article's arena) */
} kb_article;

/* Input kinds. KB_FMT_AUTO detects from the content. */
enum kb_format {
    KB_FMT_AUTO = 0,
    KB_FMT_FLAT,  /* flattened page text as a scraper produced it */
    KB_FMT_HTML,  /* an HTML page (any encoding) */
    KB_FMT_JSONL, /* JSON Lines: {"url","html"} / {"url","text"} / article records */
    KB_FMT_WARC   /* WARC or WARC.gz (response records) */
};

/* Detect the kind of a document from its first bytes. */
int kb_detect_format(const char *p, size_t n);

/*
** Called once per line (flattened pages) or block (HTML) when explaining:
** the label given ("title", "body", "related", "boilerplate", ...), the
** reason, and the text. The strings are valid only during the call.
*/
typedef void (*kb_explain_fn)(void *ctx, const char *label, const char *why,
                              const char *text, size_t n);

typedef struct kb_extract_opts {
    int format;              /* enum kb_format; KB_FMT_AUTO by default */
    const char *url;         /* the page's URL when known (NULL if not) */
    const char *charset;     /* charset from HTTP headers, or NULL */
    const char *published;   /* a date known from outside (WARC, HTTP), or NULL */
    size_t max_bytes;        /* largest page accepted; 0 = 64 MiB */
    kb_explain_fn explain;   /* NULL: no explanation */
    void *explain_ctx;
} kb_extract_opts;

/*
** Extract one article from one page p[0..n) (flattened text or HTML; use
** kb_reader_* for JSON Lines and WARC streams). opts may be NULL.
** On success *out is a new article (free with kb_article_free). On error
** *out = NULL and a negative code is returned: KB_EEMPTY (no text),
** KB_EBINARY (not text), KB_ETOOBIG (past max_bytes), KB_EPARSE,
** KB_EENCODING, KB_ENOMEM. If errmsg is not NULL it receives a static
** or thread-local message with detail (valid until the next call).
*/
int kb_extract(const char *p, size_t n, const kb_extract_opts *opts,
               kb_article **out, const char **errmsg);

void kb_article_free(kb_article *a);

/*
** The article as one JSON object (no trailing newline), in the field order
** of the architecture document. Caller frees *out with kb_free.
*/
int kb_article_to_json(const kb_article *a, char **out, size_t *n);


/* ------------------------------------------------------------------------ */
/* 8. Inputs: files, folders, stdin, JSON Lines, WARC                        */
/* ------------------------------------------------------------------------ */

/*
** One document read from an input: a page (flat text or HTML) or a ready
** article record (a JSON object with at least a title or text). Strings are
** valid until the next kb_reader_next() call.
*/
typedef struct kb_doc {
    const char *name;    /* for messages: "path", "path:LINE", "path#record" */
    int format;          /* KB_FMT_FLAT, KB_FMT_HTML, or KB_FMT_JSONL for an
                            article record (p[0..n) is then the JSON object) */
    const char *url;     /* NULL when unknown */
    const char *date;    /* WARC-Date / HTTP Last-Modified, or NULL */
    const char *charset; /* from an HTTP Content-Type header, or NULL */
    const char *p;
    size_t n;
} kb_doc;

typedef struct kb_reader kb_reader;

typedef struct kb_reader_opts {
    int format;          /* force a kind (enum kb_format); KB_FMT_AUTO detects */
    size_t max_doc;      /* largest page or JSON line; 0 = 64 MiB */
} kb_reader_opts;

/*
** Open an input: a file (plain, .gz or .zst, detected from the bytes), a
** folder (walked recursively in name order, hidden entries skipped) or "-"
** for standard input. Returns KB_OK, or KB_EIO / KB_ENOTFOUND with a
** message in *errmsg (thread-local, valid until the next call). opts may
** be NULL.
*/
int kb_reader_open(kb_reader **out, const char *path, const kb_reader_opts *opts,
                   const char **errmsg);

/*
** Read the next document. Returns 1 with *doc filled, 0 at the end of all
** input, or a negative code for a document or file that could not be read
** (truncated WARC record, line too long, unreadable file...):
** kb_reader_errmsg() then names it and says why, and the next call goes on
** with the next document.
*/
int kb_reader_next(kb_reader *r, kb_doc *doc);
const char *kb_reader_errmsg(const kb_reader *r);

/* Progress: input bytes consumed so far and the total when known (0 if not;
** compressed files count compressed bytes). */
void kb_reader_progress(const kb_reader *r, uint64_t *done, uint64_t *total);

void kb_reader_free(kb_reader *r);

/*
** Extract the article of one document from a reader: pages go through
** kb_extract(); article records are mapped field by field (url, title,
** text or paragraphs, author(s), source, section/category, published/time/
** date). Same contract as kb_extract().
*/
int kb_extract_doc(const kb_doc *doc, const kb_extract_opts *opts, kb_article **out,
                   const char **errmsg);


/* ------------------------------------------------------------------------ */
/* 9. The archive (SQLite + FTS5 with khabar's Arabic tokenizer)             */
/* ------------------------------------------------------------------------ */

typedef struct kb_archive kb_archive;

enum kb_archive_flag {
    KB_ARCHIVE_READONLY = 1u << 0, /* open an existing archive read-only */
    KB_ARCHIVE_NOSYNC = 1u << 1    /* synchronous=OFF: faster ingest, an OS
                                      crash (not a process kill) may lose the
                                      last batches */
};

/*
** Open (and, unless read-only, create or upgrade) the archive at path. The
** connection uses WAL, so readers work while one writer ingests, and has the
** FTS5 tokenizer "arabic" registered. On failure *out is still set when
** possible so kb_archive_errmsg() can say why; close it either way.
** Returns KB_OK, KB_EDB, KB_ENOTFOUND (read-only and missing) or KB_ENOMEM.
*/
int kb_archive_open(kb_archive **out, const char *path, unsigned flags);
void kb_archive_close(kb_archive *ar);

/* The last error's detail, in words for a user (never NULL). */
const char *kb_archive_errmsg(const kb_archive *ar);

/*
** Store one article. Idempotent: an article whose id is already stored is
** not stored again (*stored = 0). Articles are written in batched
** transactions of `batch` articles (kb_archive_set_batch; default 5000);
** a batch is durable once committed, so an interrupted ingest loses at most
** the current batch and a re-run completes it without duplicates. Call
** kb_archive_flush() at the end (kb_archive_close() also does).
*/
int kb_archive_put(kb_archive *ar, const kb_article *a, int *stored);
int kb_archive_flush(kb_archive *ar);
void kb_archive_set_batch(kb_archive *ar, unsigned batch);

/*
** Merge each full-text index into one segment (FTS5 'optimize'), after a
** large ingest: searches then look every word up once instead of once per
** segment (OR queries of a title's words on 62k articles: p50 6.4 -> 3.8
** ms). It rewrites the index: about 1.5 s per 60k articles. added > 0: do
** it only when that many new articles are at least a quarter of the
** archive (so that over an archive's life the rewrites cost a few times
** its index at most), else return KB_OK having done nothing; added <= 0:
** always. Flushes the open batch first. Interrupted, it leaves the index as
** it was.
*/
int kb_archive_optimize(kb_archive *ar, long added);

/* Group new articles into stories as they are stored (default on); off,
** they get no story signature and `stories` will not see them. */
void kb_archive_set_stories(kb_archive *ar, int on);

/* A search. Strings may be NULL (no filter). */
typedef struct kb_query {
    const char *q;        /* user query: words, "phrases", OR, -word, prefix* ;
                             NULL or "" matches every article (export) */
    const char *source;   /* exact outlet name */
    const char *section;
    const char *author;   /* substring of an author's name */
    const char *since;    /* YYYY-MM-DD, inclusive */
    const char *until;    /* YYYY-MM-DD, inclusive */
    long limit;           /* <= 0: no limit */
    long offset;
    const char *hl_open;  /* highlight markers for snippets ("[" "]" if NULL) */
    const char *hl_close;
    int collapse;         /* 1: one hit per story (its best-ranked copy) */
} kb_query;

typedef struct kb_hit {
    const char *id, *title, *source, *section, *published, *url, *snippet;
    double score;         /* bm25: lower is better (SQLite's convention) */
    long long story;      /* the story (group of copies) it belongs to */
    long copies;          /* articles in that story, itself included */
} kb_hit;

/* A story: the same article republished (or re-crawled) several times. */
typedef struct kb_story {
    long long id;         /* the archive row of its first article */
    const char *title;    /* the first article's title */
    const char *first, *last; /* earliest and latest published date ("" if none) */
    const char *sources;  /* the outlets, comma-separated */
    long size, outlets;
} kb_story;

/*
** Stories of at least min_size articles (2 at least: one article alone is
** no story), with an article published on or after since when since is
** not NULL; largest first; limit <= 0: all.
*/
int kb_archive_stories(kb_archive *ar, const char *since, long min_size, long limit,
                       int (*cb)(void *ctx, const kb_story *st), void *ctx);

/* The articles of one story, earliest first (hits without snippet/score). */
int kb_archive_story_members(kb_archive *ar, long long story,
                             int (*cb)(void *ctx, const kb_hit *hit), void *ctx);

/*
** Run a search, calling cb once per hit, best first (or by date when q is
** empty). Stops early when cb returns non-zero. A malformed query returns
** KB_EPARSE with a message for the user in kb_archive_errmsg(). Returns
** KB_OK or an error; *nhits (if not NULL) gets the number of hits passed.
*/
int kb_archive_search(kb_archive *ar, const kb_query *q,
                      int (*cb)(void *ctx, const kb_hit *hit), void *ctx, long *nhits);

/*
** Translate a user query into an FTS5 MATCH expression (caller frees *out
** with kb_free). KB_EPARSE with a message in errmsg (room for 256 bytes)
** when the query is malformed: unterminated phrase, only exclusions, ...
*/
int kb_query_to_fts(const char *q, char **out, char *errmsg);

/* Articles matching q (all of them: no hidden cap), streamed to cb in full. */
int kb_archive_export(kb_archive *ar, const kb_query *q,
                      int (*cb)(void *ctx, const kb_article *a), void *ctx, long *count);

/* One article by id (or unique id prefix of at least 6 characters).
** KB_ENOTFOUND when absent. Free with kb_article_free. */
int kb_archive_get(kb_archive *ar, const char *id, kb_article **out);

typedef struct kb_stats {
    long articles, sources;
    char first[40], last[40];  /* published date range ("" if none) */
} kb_stats;

/* Check the archive: SQLite's integrity_check and the FTS5 index against
** the stored articles. KB_OK when sound; KB_EDB with the finding in
** kb_archive_errmsg() otherwise. */
int kb_archive_check(kb_archive *ar);

/* Totals, then cb once per source with its article count (most first). */
int kb_archive_stats(kb_archive *ar, kb_stats *st,
                     int (*cb)(void *ctx, const char *source, long count), void *ctx);


/* ------------------------------------------------------------------------ */
/* 10. Analysis: entities, quotes, amounts                                   */
/* ------------------------------------------------------------------------ */

/* A named entity. type is "PER", "LOC", "ORG" or "MISC"; canonical is the
** fullest name the article gives for it ("أحمد المسماري" for "المسماري"),
** or for places the country/city name ("ليبيا" for "الليبي"). */
typedef struct kb_entity {
    const char *text, *type, *canonical;
    long paragraph;
    size_t start, end;
} kb_entity;

/* Who said what. speaker: the fullest name the article gives (NULL when
** unknown); speaker_mention: the words the sentence used ("المتحدث باسم
** الجيش", "المسماري", or "" when the subject is omitted: "وأضاف أن...").
** verb: the speech verb as written; text: the statement; direct: 1 for
** quoted speech («...», "..."), 0 for reported speech (أن/إن ...). */
typedef struct kb_quote {
    const char *speaker, *speaker_mention, *verb, *text;
    int direct;
    long paragraph;
    size_t start, end;    /* span of the statement */
} kb_quote;

/* An amount. kind: "money", "percent", "count" or "measure"; unit: ISO 4217
** code for money when known ("LYD"), "%" for percent, the unit word for
** measures, NULL otherwise; approx: 1 when hedged (نحو، حوالي، قرابة،
** أكثر من). value: "25 مليار" -> 25e9, "مليارا دينار" -> 2e9. */
typedef struct kb_amount {
    const char *text, *kind, *unit;
    double value;
    int approx;
    long paragraph;
    size_t start, end;
} kb_amount;

/*
** Analyse an extracted article in place: entities, quotes and amounts are
** added to it (owned by the article). Returns KB_OK or KB_ENOMEM. Running it
** twice does nothing the second time.
*/
int kb_analyze(kb_article *a);

/* --- analysis stored in the archive (see section 9) --- */

/* A stored quote with the article it came from. */
typedef struct kb_quote_hit {
    const char *article_id, *title, *source, *published;
    kb_quote quote;
} kb_quote_hit;

/*
** Quotes of analysed articles: speaker (NULL = anyone) matches when it is
** part of the resolved speaker's name ("المسماري" finds "أحمد المسماري");
** q (NULL = anything) is a query in the search syntax over the statement
** text. Newest first; limit <= 0 means all.
*/
int kb_archive_quotes(kb_archive *ar, const char *speaker, const char *q, long limit,
                      int (*cb)(void *ctx, const kb_quote_hit *hit), void *ctx, long *n);

/*
** The most mentioned entities (by canonical form): type "PER", "LOC",
** "ORG", "MISC" or NULL for all; top <= 0 means all. cb gets the canonical
** name, its type, its number of mentions and of articles.
*/
int kb_archive_entities(kb_archive *ar, const char *type, long top,
                        int (*cb)(void *ctx, const char *canonical, const char *type,
                                  long mentions, long articles),
                        void *ctx);


/* ------------------------------------------------------------------------ */
/* 11. Training                                                              */
/* ------------------------------------------------------------------------ */

/* Entity-level scores of one type ("PER", "LOC", "ORG", "MISC") or of all
** ("ALL"): a found entity is correct when its span and type are exact. */
typedef struct kb_ner_score {
    const char *type;
    size_t gold, found, correct;
    double precision, recall, f1;
} kb_ner_score;

typedef struct kb_ner_report {
    kb_ner_score score[5]; /* PER, LOC, ORG, MISC, ALL on the held-out part */
    size_t train_tokens, train_sentences, test_tokens, test_sentences;
} kb_ner_report;

/* Progress of a long job: stage ("epoch", "evaluate"), step of steps, and a
** stage-specific value (for "epoch": tagging accuracy on the training part). */
typedef void (*kb_progress_fn)(void *ctx, const char *stage, int step, int steps, double value);

typedef struct kb_ner_train_opts {
    int epochs;        /* passes over the training part; 0 = 12 */
    double holdout;    /* fraction of the corpus, taken from its end, kept
                          for evaluation only: 0 (train on all) to 0.9 */
    double dropout;    /* chance of hiding a word's own identity from a
                          training step (helps with names never seen);
                          0 = none */
    kb_progress_fn progress; /* NULL: no progress reports */
    void *progress_ctx;
} kb_ner_train_opts;

/*
** Train the named-entity tagger (the linear model kb_analyze() uses: the
** sum of two averaged perceptrons and two CRFs, docs/internals/analyze.md
** "Entities") on corpus_path: one "token TAG" per
** line, tags B-/I- PERS (or PER), LOC, ORG, MISC and O, as in ANERcorp.
** Two passes are learned: a sentence tagger, and a second one that also
** reads what the first tagged the same words as elsewhere in the document
** (it learns from first-pass tags of a 5-fold jackknife over the training
** part); about a minute for ANERcorp's 96k training tokens.
** Writes the model to model_out (data/models/ner.bin is the one built into
** the library; rebuild to embed a new one) unless model_out is NULL.
** opts may be NULL (12 epochs, 20% held out). When report is not NULL it
** receives the scores on the held-out part. Returns KB_OK, KB_EINVAL,
** KB_EIO (cannot read the corpus or write the model), KB_EEMPTY or KB_ENOMEM.
*/
int kb_ner_train(const char *corpus_path, const char *model_out, const kb_ner_train_opts *opts,
                 kb_ner_report *report);

/*
** Score the model built into the library on the last `holdout` fraction
** (0 < holdout <= 1) of corpus_path. Returns KB_OK, KB_EINVAL, KB_EIO,
** KB_EEMPTY, KB_ENOMEM, or KB_ENOTFOUND when the library has no model.
*/
int kb_ner_evaluate(const char *corpus_path, double holdout, kb_ner_report *report);

typedef struct kb_ner_cluster_opts {
    size_t words;      /* most frequent words that get a cluster; 0 = 100000 */
    int clusters;      /* fine clusters; 0 = 1024 (mid and coarse levels: 128, 32) */
    int iterations;    /* k-means passes; 0 = 12 */
    kb_progress_fn progress; /* stages "read" (step of inputs, value: tokens
                                so far), "count", "kmeans"; NULL: none */
    void *progress_ctx;
} kb_ner_cluster_opts;

/*
** Learn the word clusters the tagger uses as features (data/ner-clusters.tsv,
** docs/internals/analyze.md "Entities") from unlabeled news: inputs are
** paths kb_reader_open() takes (JSON Lines files, .zst, or folders of them)
** whose records carry "title", "abstract" and/or "text". Each of the most
** frequent words gets a cluster at three levels, from spherical k-means
** over its neighbour statistics. Deterministic. Writes the table to out.
** Returns KB_OK, KB_EINVAL, KB_EIO, KB_ENOTFOUND (an input is missing),
** KB_EEMPTY (no words) or KB_ENOMEM. Takes 2-4 minutes for 22M tokens.
*/
int kb_ner_clusters(const char *const *inputs, size_t ninputs, const char *out,
                    const kb_ner_cluster_opts *opts);

typedef struct kb_ner_induce_opts {
    size_t max_tokens; /* stop after this many tokens of news; 0 = all */
    unsigned min_uses; /* uses a word needs to be listed; 0 = 5 */
    kb_progress_fn progress; /* stage "read" (step of inputs, value: tokens so far) */
    void *progress_ctx;
} kb_ner_induce_opts;

/*
** Learn the induced name table the tagger uses as features
** (data/ner-induced.tsv, docs/internals/analyze.md "Entities"): the model
** file model_path (trained without the table) tags the news of inputs (as
** for kb_ner_clusters) article by article, and each clitic-stripped Arabic
** word used often enough, and inside a name in at least 5% of its uses, is
** written with its counts per type. Deterministic. Returns KB_OK,
** KB_EINVAL (also: a malformed model file), KB_EIO, KB_ENOTFOUND or
** KB_ENOMEM.
*/
int kb_ner_induce(const char *const *inputs, size_t ninputs, const char *model_path, const char *out,
                  const kb_ner_induce_opts *opts);

#ifdef __cplusplus
}
#endif
#endif /* KHABAR_H */
