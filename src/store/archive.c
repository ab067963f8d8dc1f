/*
** The archive: SQLite (WAL) with an FTS5 index over title and body using
** khabar's Arabic tokenizer (khabar.h, section 9; docs/internals/store.md).
**
** Schema (version 1):
**   meta(key, value)                    schema version, creation time
**   articles(rowid, id UNIQUE, url, domain, source, section, title,
**            authors JSON, published, language, body, related JSON,
**            format, ingested)
**   articles_fts(title, body)           FTS5, external content = articles
**   entities(article, paragraph, start, end, type, text, canonical)
**   quotes(article, paragraph, start, end, speaker, speaker_mention, verb,
**          text, direct)                 + quotes_fts(text), external content
**   amounts(article, paragraph, start, end, text, value, unit, kind, approx)
**   story_sigs(article, story, sig)    story signature of each article
**   story_bands(band_key, article)     LSH band keys (docs/internals/dedup.md)
**   articles.story is NULL for the first article of a story (its own id is
**   the story's) and the first article's rowid for the others, so storing
**   an article never rewrites its row; queries use coalesce(story, rowid).
**                                       (article = articles.rowid)
**
** The body is stored once, in articles (paragraphs joined by '\n'); the
** FTS5 table indexes it as external content, so the archive holds the text
** once plus the index. An article and its index entry are written in the same
** transaction: a killed ingest leaves both or neither.
*/
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/json.h"
#include "core/jsonparse.h"
#include "extract/extract_int.h"
#include "khabar.h"
#include "dedup/dedup.h"
#include "store/fts_arabic.h"
#include "store/plan.h"

#define SCHEMA_VERSION "1"

/* BM25 column weights of articles_fts (title, body), for every ranking:
** bm25(), kb_rank() and the OR planner must agree. */
#define WEIGHTS "10.0, 1.0"

struct kb_archive {
    sqlite3 *db;
    unsigned flags;
    int in_txn;
    unsigned batch, pending;
    int no_stories, hashsize_set;
    sqlite3_stmt *ins, *ins_fts, *ins_ent, *ins_quo, *ins_quo_fts, *ins_amt;
    sqlite3_stmt *cand, *ins_band, *ins_sig, *get_sig;
    kb_sigger *sigger;
    kb_sig *cand_sigs; /* room for KB_SIG_BANDS * KB_SIG_BUCKET_CAP signatures */
    char errmsg[512];
};

static int set_err(kb_archive *ar, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int set_err(kb_archive *ar, int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ar->errmsg, sizeof ar->errmsg, fmt, ap);
    va_end(ap);
    return code;
}

/* An SQLite failure in words a user can act on. */
static int db_err(kb_archive *ar, const char *doing) {
    int ec = sqlite3_extended_errcode(ar->db);
    const char *hint = "";
    switch (ec & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: hint = " (another process holds the archive; try again when it is done)"; break;
    case SQLITE_READONLY: hint = " (the archive or its folder is read-only)"; break;
    case SQLITE_FULL: hint = " (the disk is full)"; break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: hint = " (the file is not a khabar archive or is damaged)"; break;
    case SQLITE_CANTOPEN: hint = " (cannot open the file: check the path and permissions)"; break;
    case SQLITE_IOERR: hint = " (input/output error)"; break;
    }
    return set_err(ar, KB_EDB, "%s: %s%s", doing, sqlite3_errmsg(ar->db), hint);
}

static int exec(kb_archive *ar, const char *sql, const char *doing) {
    if (sqlite3_exec(ar->db, sql, NULL, NULL, NULL) != SQLITE_OK) return db_err(ar, doing);
    return KB_OK;
}

static const char *SCHEMA =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS articles("
    " rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, url TEXT, domain TEXT, source TEXT,"
    " section TEXT, title TEXT, authors TEXT, published TEXT, language TEXT, body TEXT,"
    " related TEXT, format TEXT, ingested TEXT, analyzed INTEGER DEFAULT 0, story INTEGER);"
    "CREATE INDEX IF NOT EXISTS articles_source ON articles(source);"
    "CREATE INDEX IF NOT EXISTS articles_published ON articles(published);"
    "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5("
    " title, body, content='articles', content_rowid='rowid', tokenize='arabic');"
    "CREATE TABLE IF NOT EXISTS entities(article INTEGER NOT NULL, paragraph INTEGER, start INTEGER,"
    " end INTEGER, type TEXT, text TEXT, canonical TEXT);"
    "CREATE INDEX IF NOT EXISTS entities_article ON entities(article);"
    "CREATE INDEX IF NOT EXISTS entities_canonical ON entities(type, canonical);"
    "CREATE TABLE IF NOT EXISTS quotes(rowid INTEGER PRIMARY KEY, article INTEGER NOT NULL, paragraph INTEGER,"
    " start INTEGER, end INTEGER, speaker TEXT, speaker_mention TEXT, verb TEXT, text TEXT, direct INTEGER);"
    "CREATE INDEX IF NOT EXISTS quotes_article ON quotes(article);"
    "CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes(speaker);"
    "CREATE VIRTUAL TABLE IF NOT EXISTS quotes_fts USING fts5("
    " text, content='quotes', content_rowid='rowid', tokenize='arabic');"
    "CREATE TABLE IF NOT EXISTS amounts(article INTEGER NOT NULL, paragraph INTEGER, start INTEGER,"
    " end INTEGER, text TEXT, value REAL, unit TEXT, kind TEXT, approx INTEGER);"
    "CREATE INDEX IF NOT EXISTS amounts_article ON amounts(article);"
    "CREATE TABLE IF NOT EXISTS story_sigs(article INTEGER PRIMARY KEY, story INTEGER NOT NULL, sig BLOB NOT NULL);"
    /* One b-tree keyed by (band_key, article): no separate index to update. */
    "CREATE TABLE IF NOT EXISTS story_bands(band_key INTEGER NOT NULL, article INTEGER NOT NULL,"
    " PRIMARY KEY(band_key, article)) WITHOUT ROWID;"
    /* Partial: the first article of a story (story NULL), most articles,
    ** costs no index work at ingest. */
    "CREATE INDEX IF NOT EXISTS articles_story ON articles(story) WHERE story IS NOT NULL;"
    "INSERT OR IGNORE INTO meta VALUES('schema_version', '" SCHEMA_VERSION "');"
    "INSERT OR IGNORE INTO meta VALUES('created', datetime('now'));";

int kb_archive_open(kb_archive **out, const char *path, unsigned flags) {
    kb_archive *ar = calloc(1, sizeof *ar);
    *out = ar;
    if (!ar) return KB_ENOMEM;
    ar->flags = flags;
    ar->batch = 5000;
    int ro = (flags & KB_ARCHIVE_READONLY) != 0;
    if (ro) {
        FILE *f = fopen(path, "rb");
        if (!f) return set_err(ar, KB_ENOTFOUND, "no archive at %s (create one with 'khabar ingest')", path);
        fclose(f);
    }
    int of = ro ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (sqlite3_open_v2(path, &ar->db, of | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        if (!ar->db) return set_err(ar, KB_ENOMEM, "out of memory opening %s", path);
        return db_err(ar, path);
    }
    sqlite3_extended_result_codes(ar->db, 1);
    sqlite3_busy_timeout(ar->db, 10000);
    if (kb__fts_arabic_register(ar->db) != KB_OK) return db_err(ar, "registering the arabic tokenizer");
    /* Readers map the file: searches touch pages all over a large index,
    ** and a mapped page costs no read() call (-20% on OR queries). Writers
    ** keep SQLite's default. */
    if (ro) sqlite3_exec(ar->db, "PRAGMA mmap_size=2147418112", NULL, NULL, NULL);
    /* Check the file is a database before changing anything. */
    if (sqlite3_exec(ar->db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) != SQLITE_OK)
        return db_err(ar, path);
    if (!ro) {
        int rc;
        if ((rc = exec(ar, "PRAGMA journal_mode=WAL", path))) return rc;
        if ((rc = exec(ar, (flags & KB_ARCHIVE_NOSYNC) ? "PRAGMA synchronous=OFF" : "PRAGMA synchronous=NORMAL", path)))
            return rc;
        /* Ingest writes keys at random places of large indexes (FTS terms,
        ** story band keys): a 128 MiB page cache instead of SQLite's 2 MiB
        ** keeps them in memory; it is allocated only as it fills. */
        if ((rc = exec(ar, "PRAGMA cache_size=-131072", path))) return rc;
        /* Archives made before stories existed get the two columns first
        ** (CREATE INDEX on articles(story) in SCHEMA needs them). */
        sqlite3_stmt *st;
        int has_articles = 0, has_story = 0;
        if (sqlite3_prepare_v2(ar->db, "SELECT name FROM pragma_table_info('articles')", -1, &st, NULL) == SQLITE_OK) {
            while (sqlite3_step(st) == SQLITE_ROW) {
                has_articles = 1;
                if (!strcmp((const char *)sqlite3_column_text(st, 0), "story")) has_story = 1;
            }
            sqlite3_finalize(st);
        }
        if (has_articles && !has_story &&
            (rc = exec(ar, "ALTER TABLE articles ADD COLUMN story INTEGER", "upgrading the archive")))
            return rc;
        if ((rc = exec(ar, SCHEMA, "creating the archive schema"))) return rc;
    } else {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(ar->db, "SELECT value FROM meta WHERE key='schema_version'", -1, &st, NULL) != SQLITE_OK)
            return set_err(ar, KB_EDB, "%s is not a khabar archive", path);
        sqlite3_finalize(st);
    }
    return KB_OK;
}

int kb_archive_optimize(kb_archive *ar, long added) {
    int rc = kb_archive_flush(ar);
    if (rc) return rc;
    if (added > 0) {
        /* Rowids only grow: the largest is the number of articles stored. */
        sqlite3_stmt *st;
        sqlite3_int64 total = 0;
        if (sqlite3_prepare_v2(ar->db, "SELECT max(rowid) FROM articles", -1, &st, NULL) != SQLITE_OK)
            return db_err(ar, "optimizing the full-text index");
        if (sqlite3_step(st) == SQLITE_ROW) total = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        if ((sqlite3_int64)added * 4 < total) return KB_OK;
    }
    if ((rc = exec(ar, "INSERT INTO articles_fts(articles_fts) VALUES('optimize')", "optimizing the full-text index")))
        return rc;
    return exec(ar, "INSERT INTO quotes_fts(quotes_fts) VALUES('optimize')", "optimizing the quotes index");
}

const char *kb_archive_errmsg(const kb_archive *ar) { return ar ? ar->errmsg : "out of memory"; }

void kb_archive_set_batch(kb_archive *ar, unsigned batch) { ar->batch = batch ? batch : 1; }

void kb_archive_set_stories(kb_archive *ar, int on) { ar->no_stories = !on; }

int kb_archive_flush(kb_archive *ar) {
    if (!ar->in_txn) return KB_OK;
    ar->in_txn = 0;
    ar->pending = 0;
    if (sqlite3_exec(ar->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        int rc = db_err(ar, "committing a batch");
        sqlite3_exec(ar->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    return KB_OK;
}

void kb_archive_close(kb_archive *ar) {
    if (!ar) return;
    if (ar->db) {
        kb_archive_flush(ar);
        sqlite3_finalize(ar->ins);
        sqlite3_finalize(ar->ins_fts);
        sqlite3_finalize(ar->ins_ent);
        sqlite3_finalize(ar->ins_quo);
        sqlite3_finalize(ar->ins_quo_fts);
        sqlite3_finalize(ar->ins_amt);
        sqlite3_finalize(ar->cand);
        sqlite3_finalize(ar->ins_band);
        sqlite3_finalize(ar->ins_sig);
        sqlite3_finalize(ar->get_sig);
        sqlite3_close(ar->db);
    }
    kb__sigger_free(ar->sigger);
    free(ar->cand_sigs);
    free(ar);
}

/* --- ingest ------------------------------------------------------------------ */

static void bind_text(sqlite3_stmt *st, int i, const char *z) {
    if (z) sqlite3_bind_text(st, i, z, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, i);
}

static int step_done(kb_archive *ar, sqlite3_stmt *st, const char *doing) {
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    return s == SQLITE_DONE ? KB_OK : db_err(ar, doing);
}

/* Entities, quotes and amounts of a newly stored article (same transaction). */
static int put_analysis(kb_archive *ar, sqlite3_int64 rowid, const kb_article *a) {
    int rc = KB_OK;
    for (size_t i = 0; i < a->nentities && !rc; i++) {
        const kb_entity *e = &a->entities[i];
        sqlite3_stmt *st = ar->ins_ent;
        sqlite3_bind_int64(st, 1, rowid);
        sqlite3_bind_int64(st, 2, e->paragraph);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)e->start);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)e->end);
        bind_text(st, 5, e->type);
        bind_text(st, 6, e->text);
        bind_text(st, 7, e->canonical);
        rc = step_done(ar, st, "storing entities");
    }
    for (size_t i = 0; i < a->nquotes && !rc; i++) {
        const kb_quote *q = &a->quotes[i];
        sqlite3_stmt *st = ar->ins_quo;
        sqlite3_bind_int64(st, 1, rowid);
        sqlite3_bind_int64(st, 2, q->paragraph);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)q->start);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)q->end);
        bind_text(st, 5, q->speaker);
        bind_text(st, 6, q->speaker_mention);
        bind_text(st, 7, q->verb);
        bind_text(st, 8, q->text);
        sqlite3_bind_int(st, 9, q->direct);
        if ((rc = step_done(ar, st, "storing quotes"))) break;
        st = ar->ins_quo_fts;
        sqlite3_bind_int64(st, 1, sqlite3_last_insert_rowid(ar->db));
        bind_text(st, 2, q->text);
        rc = step_done(ar, st, "indexing quotes");
    }
    for (size_t i = 0; i < a->namounts && !rc; i++) {
        const kb_amount *m = &a->amounts[i];
        sqlite3_stmt *st = ar->ins_amt;
        sqlite3_bind_int64(st, 1, rowid);
        sqlite3_bind_int64(st, 2, m->paragraph);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)m->start);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)m->end);
        bind_text(st, 5, m->text);
        sqlite3_bind_double(st, 6, m->value);
        bind_text(st, 7, m->unit);
        bind_text(st, 8, m->kind);
        sqlite3_bind_int(st, 9, m->approx);
        rc = step_done(ar, st, "storing amounts");
    }
    return rc;
}

/*
** Stories (docs/internals/dedup.md), in two steps around the article's
** INSERT. Before: the signature's band keys look up earlier articles and
** kb__sig_decide picks the most similar one above the threshold (*story 0:
** a new story). After, once the row id is known: the signature and the
** band keys worth keeping are stored for the articles to come.
*/
/*
** The archive keeps and looks up the first ARCHIVE_BANDS of a signature's
** KB_SIG_BANDS band keys (bands of KB_SIG_ROWS values). With 16 bands of 4
** rows, two articles of similarity 0.8 still share a key with probability
** 1 - (1 - 0.8^4)^16 > 0.9997 (0.83, the threshold: > 0.9999), while each
** new article writes half the index rows: band rows were most of the cost
** of stories at ingest. The decision itself compares whole signatures.
*/
#define ARCHIVE_BANDS 16

typedef struct story_work {
    int have_sig;
    kb_sig sig;
    uint64_t keys[KB_SIG_BANDS];
    unsigned char store[KB_SIG_BANDS];
    sqlite3_int64 story; /* 0: the article starts a story */
} story_work;

static int story_decide(kb_archive *ar, const kb_article *a, story_work *w) {
    int rc;
    w->have_sig = 0;
    w->story = 0;
    if (!ar->sigger && (rc = kb__sigger_new(&ar->sigger, NULL))) return set_err(ar, rc, "out of memory");
    if (!ar->cand_sigs && !(ar->cand_sigs = malloc(sizeof(kb_sig) * KB_SIG_BANDS * KB_SIG_BUCKET_CAP)))
        return set_err(ar, KB_ENOMEM, "out of memory");
    if (kb__sig_compute(ar->sigger, a, &w->sig) != KB_OK) return KB_OK; /* no words: a story of its own */
    w->have_sig = 1;
    kb__sig_bands(&w->sig, w->keys);
    /* The band rows first (one b-tree, no row reads), then each distinct
    ** candidate article's signature once: a near-copy shares most of its 32
    ** keys with the same few articles. */
    sqlite3_stmt *st = ar->cand;
    for (int b = 0; b < KB_SIG_BANDS; b++) {
        if (b < ARCHIVE_BANDS) sqlite3_bind_int64(st, b + 1, (sqlite3_int64)w->keys[b]);
        else sqlite3_bind_null(st, b + 1); /* matches nothing */
    }
    kb_sig_cand c[KB_SIG_BANDS * KB_SIG_BUCKET_CAP];
    sqlite3_int64 arts[KB_SIG_BANDS * KB_SIG_BUCKET_CAP], stories[KB_SIG_BANDS * KB_SIG_BUCKET_CAP];
    size_t nc = 0, na = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW && nc < KB_SIG_BANDS * KB_SIG_BUCKET_CAP) {
        c[nc].band_key = (uint64_t)sqlite3_column_int64(st, 0);
        c[nc].article = sqlite3_column_int64(st, 1);
        nc++;
    }
    sqlite3_reset(st);
    if (s != SQLITE_ROW && s != SQLITE_DONE) return db_err(ar, "looking up stories");
    /* Earliest article first, as kb__sig_decide breaks ties (insertion
    ** sort: at most KB_SIG_BANDS * KB_SIG_BUCKET_CAP rows). */
    for (size_t i = 1; i < nc; i++) {
        kb_sig_cand v = c[i];
        size_t j = i;
        while (j > 0 && c[j - 1].article > v.article) {
            c[j] = c[j - 1];
            j--;
        }
        c[j] = v;
    }
    size_t keep = 0;
    for (size_t i = 0; i < nc; i++) {
        size_t j = 0;
        while (j < na && arts[j] != c[i].article) j++;
        if (j == na) {
            st = ar->get_sig;
            sqlite3_bind_int64(st, 1, c[i].article);
            int ok = 0;
            if (sqlite3_step(st) == SQLITE_ROW) {
                const void *bp = sqlite3_column_blob(st, 1);
                ok = bp && !kb__sig_from_blob(bp, (size_t)sqlite3_column_bytes(st, 1), &ar->cand_sigs[na]);
                stories[na] = sqlite3_column_int64(st, 0);
            }
            sqlite3_reset(st);
            arts[na] = ok ? c[i].article : -1;
            na++;
            if (!ok) continue;
        } else if (arts[j] < 0) {
            continue;
        }
        c[keep] = c[i];
        c[keep].story = stories[j];
        c[keep].sig = &ar->cand_sigs[j];
        keep++;
    }
    nc = keep;
    int64_t chosen = 0;
    kb__sig_decide(&w->sig, w->keys, ARCHIVE_BANDS, c, nc, KB_SIG_THRESHOLD, 0, &chosen, NULL, w->store);
    w->story = chosen;
    return KB_OK;
}

static int story_store(kb_archive *ar, sqlite3_int64 rowid, const story_work *w) {
    if (!w->have_sig) return KB_OK;
    unsigned char blob[KB_SIG_BYTES];
    kb__sig_to_blob(&w->sig, blob);
    sqlite3_stmt *st = ar->ins_sig;
    sqlite3_bind_int64(st, 1, rowid);
    sqlite3_bind_int64(st, 2, w->story ? w->story : rowid);
    sqlite3_bind_blob(st, 3, blob, KB_SIG_BYTES, SQLITE_STATIC);
    int rc = step_done(ar, st, "storing the story signature");
    st = ar->ins_band;
    for (int b = 0; b < ARCHIVE_BANDS && !rc; b++) {
        if (!w->store[b]) continue;
        sqlite3_bind_int64(st, 1, (sqlite3_int64)w->keys[b]);
        sqlite3_bind_int64(st, 2, rowid);
        rc = step_done(ar, st, "storing story keys");
    }
    return rc;
}

int kb_archive_put(kb_archive *ar, const kb_article *a, int *stored) {
    int rc;
    if (stored) *stored = 0;
    if (ar->flags & KB_ARCHIVE_READONLY) return set_err(ar, KB_EINVAL, "archive opened read-only");
    if (!ar->ins) {
        if (sqlite3_prepare_v3(ar->db,
                               "INSERT OR IGNORE INTO articles(id,url,domain,source,section,title,authors,published,"
                               "language,body,related,format,ingested,analyzed,story) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,datetime('now'),?,?)",
                               -1, SQLITE_PREPARE_PERSISTENT, &ar->ins, NULL) != SQLITE_OK ||
            sqlite3_prepare_v3(ar->db, "INSERT INTO articles_fts(rowid,title,body) VALUES(?,?,?)", -1,
                               SQLITE_PREPARE_PERSISTENT, &ar->ins_fts, NULL) != SQLITE_OK ||
            sqlite3_prepare_v3(ar->db, "INSERT INTO entities VALUES(?,?,?,?,?,?,?)", -1,
                               SQLITE_PREPARE_PERSISTENT, &ar->ins_ent, NULL) != SQLITE_OK ||
            sqlite3_prepare_v3(ar->db, "INSERT INTO quotes(article,paragraph,start,end,speaker,speaker_mention,"
                               "verb,text,direct) VALUES(?,?,?,?,?,?,?,?,?)", -1,
                               SQLITE_PREPARE_PERSISTENT, &ar->ins_quo, NULL) != SQLITE_OK ||
            sqlite3_prepare_v3(ar->db, "INSERT INTO quotes_fts(rowid,text) VALUES(?,?)", -1,
                               SQLITE_PREPARE_PERSISTENT, &ar->ins_quo_fts, NULL) != SQLITE_OK ||
            sqlite3_prepare_v3(ar->db, "INSERT INTO amounts VALUES(?,?,?,?,?,?,?,?,?)", -1,
                               SQLITE_PREPARE_PERSISTENT, &ar->ins_amt, NULL) != SQLITE_OK ||
            sqlite3_prepare_v3(ar->db,
                               "SELECT band_key, article FROM story_bands WHERE band_key IN (?1,?2,?3,?4,?5,?6,"
                               "?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,"
                               "?27,?28,?29,?30,?31,?32)",
                               -1, SQLITE_PREPARE_PERSISTENT, &ar->cand, NULL) != SQLITE_OK ||
            sqlite3_prepare_v3(ar->db, "INSERT OR IGNORE INTO story_bands VALUES(?,?)", -1,
                               SQLITE_PREPARE_PERSISTENT, &ar->ins_band, NULL) != SQLITE_OK ||
            sqlite3_prepare_v3(ar->db, "INSERT INTO story_sigs VALUES(?,?,?)", -1, SQLITE_PREPARE_PERSISTENT,
                               &ar->ins_sig, NULL) != SQLITE_OK ||
            sqlite3_prepare_v3(ar->db, "SELECT story, sig FROM story_sigs WHERE article = ?", -1,
                               SQLITE_PREPARE_PERSISTENT, &ar->get_sig, NULL) != SQLITE_OK)
            return db_err(ar, "preparing the archive");
    }
    if (!ar->in_txn) {
        if ((rc = exec(ar, "BEGIN IMMEDIATE", "starting a batch"))) return rc;
        ar->in_txn = 1;
        /* FTS5 writes a new index segment whenever its buffer of pending
        ** terms passes 'hashsize' (1 MB by default) and at each commit.
        ** Fewer, larger segments cost less to merge while ingesting and
        ** less to search afterwards: 64 MB, with batches of 5,000. */
        if (!ar->hashsize_set) {
            if ((rc = exec(ar, "INSERT INTO articles_fts(articles_fts, rank) VALUES('hashsize', 67108864)",
                           "configuring the full-text index")))
                return rc;
            ar->hashsize_set = 1;
        }
    }
    kb_buf authors, body, related;
    kb__buf_init(&authors, 0);
    kb__buf_init(&body, 0);
    kb__buf_init(&related, 0);
    rc = kb__buf_addc(&authors, '[');
    for (size_t i = 0; i < a->nauthors && !rc; i++) {
        if (i) kb__buf_addc(&authors, ',');
        rc = kb__json_strz(&authors, a->authors[i]);
    }
    if (!rc) rc = kb__buf_addc(&authors, ']');
    for (size_t i = 0; i < a->nparagraphs && !rc; i++) {
        if (i) kb__buf_addc(&body, '\n');
        rc = kb__buf_adds(&body, a->paragraphs[i]);
    }
    if (!rc) rc = kb__buf_addc(&related, '[');
    for (size_t i = 0; i < a->nrelated && !rc; i++) {
        if (i) kb__buf_addc(&related, ',');
        kb__buf_adds(&related, "{\"title\":");
        kb__json_strz(&related, a->related[i].title);
        kb__buf_adds(&related, ",\"url\":");
        kb__json_strz(&related, a->related[i].url);
        rc = kb__buf_addc(&related, '}');
    }
    if (!rc) rc = kb__buf_addc(&related, ']');
    if (rc) goto out;
    /* The story is decided before the row is written (it goes in the row);
    ** an article already stored makes this work wasted but harmless. */
    story_work sw;
    sw.have_sig = 0;
    sw.story = 0;
    if (!ar->no_stories && (rc = story_decide(ar, a, &sw))) goto out;
    sqlite3_stmt *st = ar->ins;
    bind_text(st, 1, a->id);
    bind_text(st, 2, a->url);
    bind_text(st, 3, a->domain);
    bind_text(st, 4, a->source);
    bind_text(st, 5, a->section);
    bind_text(st, 6, a->title);
    bind_text(st, 7, authors.p);
    bind_text(st, 8, a->published);
    bind_text(st, 9, a->language);
    sqlite3_bind_text(st, 10, body.p ? body.p : "", (int)body.n, SQLITE_STATIC);
    bind_text(st, 11, related.p);
    bind_text(st, 12, a->format);
    sqlite3_bind_int(st, 13, a->analyzed);
    if (sw.story) sqlite3_bind_int64(st, 14, sw.story);
    else sqlite3_bind_null(st, 14);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    if (s != SQLITE_DONE) {
        rc = db_err(ar, "storing an article");
        goto out;
    }
    if (sqlite3_changes(ar->db) == 1) {
        sqlite3_int64 rowid = sqlite3_last_insert_rowid(ar->db);
        st = ar->ins_fts;
        sqlite3_bind_int64(st, 1, rowid);
        bind_text(st, 2, a->title);
        sqlite3_bind_text(st, 3, body.p ? body.p : "", (int)body.n, SQLITE_STATIC);
        s = sqlite3_step(st);
        sqlite3_reset(st);
        if (s != SQLITE_DONE) {
            rc = db_err(ar, "indexing an article");
            goto out;
        }
        if (a->analyzed && (rc = put_analysis(ar, rowid, a))) goto out;
        if (!ar->no_stories && (rc = story_store(ar, rowid, &sw))) goto out;
        if (stored) *stored = 1;
    }
    if (++ar->pending >= ar->batch) rc = kb_archive_flush(ar);
out:
    kb__buf_free(&authors);
    kb__buf_free(&body);
    kb__buf_free(&related);
    return rc;
}

/* --- queries ----------------------------------------------------------------- */

/* Build "WHERE ..." for the filters; binds are added in order. */
typedef struct filt {
    kb_buf sql;
    const char *bind[8];
    int nbind;
} filt;

/* Filters are parameters ?4 onwards (?1-?3: match and highlight markers). */
static void add_filter(filt *f, const char *fmt, const char *v) {
    kb__buf_printf(&f->sql, fmt, 4 + f->nbind);
    f->bind[f->nbind++] = v;
}

static void add_filters(filt *f, const kb_query *q) {
    if (q->source) add_filter(f, " AND a.source = ?%d", q->source);
    if (q->section) add_filter(f, " AND a.section = ?%d", q->section);
    if (q->author) add_filter(f, " AND instr(a.authors, ?%d) > 0", q->author);
    if (q->since) add_filter(f, " AND substr(a.published,1,10) >= ?%d", q->since);
    if (q->until) add_filter(f, " AND substr(a.published,1,10) <= ?%d", q->until);
}

static int check_date(kb_archive *ar, const char *what, const char *d) {
    if (!d) return KB_OK;
    int y, m, dd;
    char tail;
    if (strlen(d) == 10 && sscanf(d, "%4d-%2d-%2d%c", &y, &m, &dd, &tail) == 3 && m >= 1 && m <= 12 && dd >= 1 &&
        dd <= 31)
        return KB_OK;
    if (strlen(d) == 7 && sscanf(d, "%4d-%2d%c", &y, &m, &tail) == 2 && m >= 1 && m <= 12) return KB_OK;
    if (strlen(d) == 4 && sscanf(d, "%4d%c", &y, &tail) == 1) return KB_OK;
    return set_err(ar, KB_EPARSE, "%s wants a date as YYYY-MM-DD (or YYYY-MM, YYYY), not '%s'", what, d);
}

/* Prepare the statement behind search and export. full = all columns. */
static int prepare_query(kb_archive *ar, const kb_query *q, int full, sqlite3_stmt **out) {
    *out = NULL;
    int rc;
    if ((rc = check_date(ar, "--since", q->since)) || (rc = check_date(ar, "--until", q->until))) return rc;
    char *match = NULL, *planned = NULL;
    if (q->q && q->q[0]) {
        char em[256];
        if ((rc = kb_query_to_fts(q->q, &match, em))) return set_err(ar, rc, "bad query: %s", em);
    }
    filt f = {0};
    kb__buf_init(&f.sql, 1 << 16);
    const char *o = q->hl_open ? q->hl_open : "[", *c = q->hl_close ? q->hl_close : "]";
    const char *cols = "a.id, a.title, a.source, a.section, a.published, a.url";
    const char *more = ", a.domain, a.authors, a.language, a.body, a.related, a.format, a.rowid, a.analyzed,"
                       " coalesce(a.story, a.rowid)";
    /* Parameters: ?1 the MATCH expression, ?2 ?3 the highlight markers,
    ** then the filters in order. */
    const char *copies = "1 + (SELECT count(*) FROM articles s WHERE s.story = coalesce(a.story, a.rowid))";
    if (match && !full) {
        /* Rank first, then make snippets for the page of hits only:
        ** snippet() in the ranking query would run on every match. With
        ** collapse, the best-ranked copy stands for its story (SQLite takes
        ** a bare column from the row that min() chose). */
        /* The article rows (large: they hold the body) are read for every
        ** match only when a filter or collapse needs them; otherwise the
        ** ranking runs on the full-text index alone. */
        int filtered = q->source || q->section || q->author || q->since || q->until;
        /* kb_rank() scores like bm25() but skips the rows that cannot make
        ** the first `depth` (fts_rank.c); it needs the whole page's depth.
        ** With filters it sees only the rows that pass them (it is computed
        ** after WHERE), so it still gives their top rows exactly; with
        ** collapse it must score every row (a story's best copy may be any
        ** of them). */
        long depth = q->limit > 0 ? q->limit + (q->offset > 0 ? q->offset : 0) : 0;
        long top = !filtered && !q->collapse ? depth : 0;
        /* A long OR query goes through its rare words first (plan.c);
        ** its rows then come in as JSON in ?4, already ranked. Any failure
        ** of the plan leaves the plain query, which reports real errors
        ** itself. */
        if (top > 0 && kb__plan_top(ar->db, "articles_fts", WEIGHTS, match, top, &planned) != KB_OK) {
            free(planned);
            planned = NULL;
        }
        if (planned) {
            kb__buf_adds(&f.sql, "WITH hits(rid, score) AS (SELECT value->>0, value->>1 FROM json_each(?4)");
        } else if (!filtered && !q->collapse) {
            kb__buf_printf(&f.sql, "WITH hits(rid, score) AS (SELECT rowid, kb_rank(articles_fts, %ld, ?1, 0, " WEIGHTS ")"
                                   " FROM articles_fts WHERE articles_fts MATCH ?1", top);
        } else {
            /* CROSS JOIN keeps the full-text index as the outer loop: given
            ** a choice, SQLite walks the filter's index (every article of a
            ** source) and seeks the full-text query once per article, which
            ** took seconds for a common source. */
            kb__buf_printf(&f.sql,
                           "WITH ranked(rid, score, story) AS MATERIALIZED (SELECT articles_fts.rowid,"
                           " kb_rank(articles_fts, %ld, ?1, 0, " WEIGHTS "), %s FROM articles_fts"
                           " CROSS JOIN articles a ON a.rowid = articles_fts.rowid WHERE articles_fts MATCH ?1",
                           q->collapse ? 0 : depth, q->collapse ? "coalesce(a.story, a.rowid)" : "0");
            add_filters(&f, q);
            kb__buf_adds(&f.sql, q->collapse ? "), hits(rid, score) AS (SELECT rid, min(score) FROM ranked GROUP BY story"
                                             : "), hits(rid, score) AS (SELECT rid, score FROM ranked");
        }
        kb__buf_adds(&f.sql, " ORDER BY 2");
        if (q->limit > 0) kb__buf_printf(&f.sql, " LIMIT %ld OFFSET %ld", q->limit, q->offset > 0 ? q->offset : 0);
        else if (q->offset > 0) kb__buf_printf(&f.sql, " LIMIT -1 OFFSET %ld", q->offset);
        kb__buf_printf(&f.sql,
                       ") SELECT %s, snippet(articles_fts, 1, ?2, ?3, '…', 16), hits.score, coalesce(a.story, a.rowid), %s FROM hits"
                       " JOIN articles_fts ON articles_fts.rowid = hits.rid AND articles_fts MATCH ?1"
                       " JOIN articles a ON a.rowid = hits.rid ORDER BY hits.score",
                       cols, copies);
    } else {
        if (match)
            kb__buf_printf(&f.sql, "SELECT %s, NULL, bm25(articles_fts, " WEIGHTS ")%s FROM articles_fts"
                                   " CROSS JOIN articles a ON a.rowid = articles_fts.rowid WHERE articles_fts MATCH ?1",
                           cols, full ? more : ", coalesce(a.story, a.rowid), 1");
        else
            kb__buf_printf(&f.sql, "SELECT %s, NULL, 0%s FROM articles a WHERE 1", cols,
                           full ? more : ", coalesce(a.story, a.rowid), 1");
        add_filters(&f, q);
        /* Collapse without a query: the first article of each story. */
        if (q->collapse && !match) kb__buf_adds(&f.sql, " AND a.story IS NULL");
        kb__buf_adds(&f.sql, match ? " ORDER BY bm25(articles_fts, " WEIGHTS ")" : " ORDER BY a.published DESC, a.rowid");
        if (q->limit > 0) kb__buf_printf(&f.sql, " LIMIT %ld OFFSET %ld", q->limit, q->offset > 0 ? q->offset : 0);
        else if (q->offset > 0) kb__buf_printf(&f.sql, " LIMIT -1 OFFSET %ld", q->offset);
    }
    sqlite3_stmt *st;
    if (!f.sql.p || sqlite3_prepare_v2(ar->db, f.sql.p, -1, &st, NULL) != SQLITE_OK) {
        rc = db_err(ar, "preparing the search");
        kb__buf_free(&f.sql);
        kb_free(match);
        free(planned);
        return rc;
    }
    if (planned) sqlite3_bind_text(st, 4, planned, -1, free);
    kb__buf_free(&f.sql);
    sqlite3_bind_text(st, 1, match ? match : "", -1, SQLITE_TRANSIENT);
    if (match && !full) {
        sqlite3_bind_text(st, 2, o, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, c, -1, SQLITE_TRANSIENT);
    }
    kb_free(match);
    for (int i = 0; i < f.nbind; i++) sqlite3_bind_text(st, 4 + i, f.bind[i], -1, SQLITE_TRANSIENT);
    *out = st;
    return KB_OK;
}

static const char *col(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

static int step_err(kb_archive *ar, int s) {
    if (s == SQLITE_DONE) return KB_OK;
    /* FTS5 reports query problems at step time; translate() should have
    ** caught them all, so this is an archive problem. */
    return db_err(ar, "searching");
}

int kb_archive_search(kb_archive *ar, const kb_query *q, int (*cb)(void *, const kb_hit *), void *ctx, long *nhits) {
    sqlite3_stmt *st;
    long n = 0;
    if (nhits) *nhits = 0;
    int rc = prepare_query(ar, q, 0, &st);
    if (rc) return rc;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        kb_hit h = {col(st, 0), col(st, 1), col(st, 2), col(st, 3), col(st, 4), col(st, 5), col(st, 6),
                    sqlite3_column_double(st, 7), sqlite3_column_int64(st, 8), (long)sqlite3_column_int64(st, 9)};
        n++;
        if (cb(ctx, &h)) {
            s = SQLITE_DONE;
            break;
        }
    }
    rc = step_err(ar, s);
    sqlite3_finalize(st);
    if (nhits) *nhits = n;
    return rc;
}

/* Rebuild an article from a row: columns id,title,source,section,published,
** url,_,_,domain,authors,language,body,related,format. */
typedef struct row_ctx {
    kb_archive *ar;
    sqlite3_stmt *st;
} row_ctx;

/* Load the stored analysis of article `rowid` into x. */
static int load_analysis(kb_archive *ar, kb_xart *x, sqlite3_int64 rowid) {
    static const char *sql[3] = {
        "SELECT paragraph, start, end, type, text, canonical FROM entities WHERE article = ?",
        "SELECT paragraph, start, end, speaker, speaker_mention, verb, text, direct FROM quotes WHERE article = ? "
        "ORDER BY rowid",
        "SELECT paragraph, start, end, kind, text, unit, value, approx FROM amounts WHERE article = ?"};
    int rc = KB_OK;
    for (int k = 0; k < 3 && !rc; k++) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(ar->db, sql[k], -1, &st, NULL) != SQLITE_OK) return db_err(ar, "reading analysis");
        sqlite3_bind_int64(st, 1, rowid);
        while (!rc && sqlite3_step(st) == SQLITE_ROW) {
            long para = (long)sqlite3_column_int64(st, 0);
            size_t start = (size_t)sqlite3_column_int64(st, 1), end = (size_t)sqlite3_column_int64(st, 2);
            const char *kind = col(st, 3);
            if (k == 0) {
                static const char *types[] = {"PER", "LOC", "ORG", "MISC"};
                const char *type = "MISC";
                for (int t = 0; t < 4; t++)
                    if (kind && !strcmp(kind, types[t])) type = types[t];
                kb_entity e = {col(st, 4), type, col(st, 5), para, start, end};
                rc = kb__art_add_entity(x, &e);
            } else if (k == 1) {
                kb_quote q = {col(st, 3), col(st, 4), col(st, 5), col(st, 6), sqlite3_column_int(st, 7), para, start, end};
                rc = kb__art_add_quote(x, &q);
            } else {
                static const char *kinds[] = {"money", "percent", "count", "measure"};
                const char *kd = "count";
                for (int t = 0; t < 4; t++)
                    if (kind && !strcmp(kind, kinds[t])) kd = kinds[t];
                kb_amount m = {col(st, 4), kd, col(st, 5), sqlite3_column_double(st, 6), sqlite3_column_int(st, 7),
                               para, start, end};
                rc = kb__art_add_amount(x, &m);
            }
        }
        sqlite3_finalize(st);
    }
    if (!rc) x->a.analyzed = 1;
    return rc;
}

static int fill_row(kb_xart *x, const void *ctx, const kb_extract_opts *o) {
    (void)o;
    const row_ctx *rcx = ctx;
    sqlite3_stmt *st = rcx->st;
    int rc = KB_OK;
    const char *z;
#define SETF(field, i) \
    if (!rc && (z = col(st, i))) rc = kb__art_set(x, &x->a.field, z, strlen(z));
    SETF(id, 0)
    SETF(title, 1)
    SETF(source, 2)
    SETF(section, 3)
    SETF(published, 4)
    SETF(url, 5)
    SETF(domain, 8)
    SETF(language, 10)
#undef SETF
    if ((z = col(st, 13))) x->a.format = !strcmp(z, "html") ? "html" : !strcmp(z, "flat") ? "flat" : "json";
    kb_arena tmp;
    kb__arena_init(&tmp, 0);
    kb_json *j;
    if (!rc && (z = col(st, 9)) && kb__json_parse(&tmp, z, strlen(z), 8, &j, NULL) == KB_OK)
        for (const kb_json *c = j->child; c && !rc; c = c->next)
            if (c->type == KB_JSON_STRING) rc = kb__art_add_author(x, c->s, c->n);
    if (!rc && (z = col(st, 12)) && kb__json_parse(&tmp, z, strlen(z), 8, &j, NULL) == KB_OK)
        for (const kb_json *c = j->child; c && !rc; c = c->next) {
            size_t tn = 0, un = 0;
            const char *t = kb__json_get_str(c, "title", &tn), *u = kb__json_get_str(c, "url", &un);
            if (t) rc = kb__art_add_related(x, t, tn, u, un);
        }
    kb__arena_free(&tmp);
    if (!rc && (z = col(st, 11))) {
        const char *p = z;
        for (;;) {
            const char *nl = strchr(p, '\n');
            size_t k = nl ? (size_t)(nl - p) : strlen(p);
            if ((rc = kb__art_add_paragraph(x, p, k)) || !nl) break;
            p = nl + 1;
        }
    }
    if (!rc && sqlite3_column_int(st, 15)) rc = load_analysis(rcx->ar, x, sqlite3_column_int64(st, 14));
    x->a.story = sqlite3_column_int64(st, 16);
    return rc;
}

static int row_article(kb_archive *ar, sqlite3_stmt *st, kb_article **out) {
    row_ctx rc = {ar, st};
    kb_extract_opts o = {0};
    return kb__extract_with(NULL, 0, &o, out, NULL, fill_row, &rc);
}

int kb_archive_export(kb_archive *ar, const kb_query *q, int (*cb)(void *, const kb_article *), void *ctx, long *count) {
    sqlite3_stmt *st;
    long n = 0;
    if (count) *count = 0;
    int rc = prepare_query(ar, q, 1, &st);
    if (rc) return rc;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        kb_article *a;
        if ((rc = row_article(ar, st, &a))) break;
        n++;
        int stop = cb(ctx, a);
        kb_article_free(a);
        if (stop) {
            s = SQLITE_DONE;
            break;
        }
    }
    if (!rc) rc = step_err(ar, s);
    sqlite3_finalize(st);
    if (count) *count = n;
    return rc;
}

int kb_archive_get(kb_archive *ar, const char *id, kb_article **out) {
    *out = NULL;
    size_t n = strlen(id);
    if (n < 6 || n > 64) return set_err(ar, KB_EINVAL, "an article id has 16 hex digits (at least the first 6), not '%s'", id);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ar->db,
                           "SELECT id, title, source, section, published, url, NULL, 0, domain, authors, language, "
                           "body, related, format, rowid, analyzed, coalesce(story, rowid) FROM articles"
                           " WHERE id >= ?1 AND id < ?1 || 'g' LIMIT 2",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(ar, "looking up an article");
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    int rc = KB_OK;
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = set_err(ar, KB_ENOTFOUND, "no article with id %s", id);
    } else {
        rc = row_article(ar, st, out);
        if (!rc && sqlite3_step(st) == SQLITE_ROW) {
            kb_article_free(*out);
            *out = NULL;
            rc = set_err(ar, KB_EINVAL, "id prefix %s matches several articles; give more digits", id);
        }
    }
    sqlite3_finalize(st);
    return rc;
}

int kb_archive_stats(kb_archive *ar, kb_stats *stp, int (*cb)(void *, const char *, long), void *ctx) {
    memset(stp, 0, sizeof *stp);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ar->db,
                           "SELECT count(*), count(DISTINCT source), min(substr(published,1,10)), "
                           "max(substr(published,1,10)) FROM articles",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(ar, "reading statistics");
    if (sqlite3_step(st) == SQLITE_ROW) {
        stp->articles = sqlite3_column_int64(st, 0);
        stp->sources = sqlite3_column_int64(st, 1);
        if (col(st, 2)) snprintf(stp->first, sizeof stp->first, "%s", col(st, 2));
        if (col(st, 3)) snprintf(stp->last, sizeof stp->last, "%s", col(st, 3));
    }
    sqlite3_finalize(st);
    if (!cb) return KB_OK;
    if (sqlite3_prepare_v2(ar->db,
                           "SELECT coalesce(source, '(unknown)'), count(*) FROM articles GROUP BY source "
                           "ORDER BY count(*) DESC, source",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(ar, "reading statistics");
    while (sqlite3_step(st) == SQLITE_ROW)
        if (cb(ctx, col(st, 0), sqlite3_column_int64(st, 1))) break;
    sqlite3_finalize(st);
    return KB_OK;
}

int kb_archive_check(kb_archive *ar) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ar->db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
        return db_err(ar, "checking the archive");
    int rc = KB_OK;
    if (sqlite3_step(st) != SQLITE_ROW) rc = db_err(ar, "checking the archive");
    else if (strcmp(col(st, 0), "ok")) rc = set_err(ar, KB_EDB, "integrity check: %s", col(st, 0));
    sqlite3_finalize(st);
    if (rc) return rc;
    /* FTS5's check is spelled as an INSERT (it writes nothing), so it needs
    ** a connection opened read-write. */
    if (sqlite3_exec(ar->db, "INSERT INTO articles_fts(articles_fts, rank) VALUES('integrity-check', 1)", NULL, NULL,
                     NULL) != SQLITE_OK)
        return db_err(ar, "full-text index check");
    return KB_OK;
}

int kb_archive_quotes(kb_archive *ar, const char *speaker, const char *q, long limit,
                      int (*cb)(void *, const kb_quote_hit *), void *ctx, long *count) {
    char *match = NULL;
    int rc;
    if (count) *count = 0;
    if (q && q[0]) {
        char em[256];
        if ((rc = kb_query_to_fts(q, &match, em))) return set_err(ar, rc, "bad query: %s", em);
    }
    kb_buf sql;
    kb__buf_init(&sql, 1 << 14);
    kb__buf_adds(&sql, "SELECT a.id, a.title, a.source, a.published, qu.speaker, qu.speaker_mention, qu.verb, qu.text,"
                       " qu.direct, qu.paragraph, qu.start, qu.end FROM ");
    /* With words, the full-text index is the outer loop (CROSS JOIN fixes
    ** the order): otherwise SQLite may walk every quote and seek the
    ** full-text query once per quote. */
    if (match)
        kb__buf_adds(&sql, "quotes_fts CROSS JOIN quotes qu ON qu.rowid = quotes_fts.rowid"
                           " CROSS JOIN articles a ON a.rowid = qu.article WHERE quotes_fts MATCH ?2");
    else
        kb__buf_adds(&sql, "quotes qu JOIN articles a ON a.rowid = qu.article WHERE 1");
    if (speaker && speaker[0]) kb__buf_adds(&sql, " AND instr(qu.speaker, ?1) > 0");
    kb__buf_adds(&sql, " ORDER BY a.published DESC, qu.rowid");
    if (limit > 0) kb__buf_printf(&sql, " LIMIT %ld", limit);
    sqlite3_stmt *st;
    if (!sql.p || sqlite3_prepare_v2(ar->db, sql.p, -1, &st, NULL) != SQLITE_OK) {
        kb__buf_free(&sql);
        kb_free(match);
        return db_err(ar, "reading quotes");
    }
    kb__buf_free(&sql);
    if (speaker && speaker[0]) sqlite3_bind_text(st, 1, speaker, -1, SQLITE_TRANSIENT);
    if (match) sqlite3_bind_text(st, 2, match, -1, SQLITE_TRANSIENT);
    kb_free(match);
    long n = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        kb_quote_hit h = {col(st, 0), col(st, 1), col(st, 2), col(st, 3),
                          {col(st, 4), col(st, 5), col(st, 6), col(st, 7), sqlite3_column_int(st, 8),
                           (long)sqlite3_column_int64(st, 9), (size_t)sqlite3_column_int64(st, 10),
                           (size_t)sqlite3_column_int64(st, 11)}};
        n++;
        if (cb(ctx, &h)) {
            s = SQLITE_DONE;
            break;
        }
    }
    rc = step_err(ar, s);
    sqlite3_finalize(st);
    if (count) *count = n;
    return rc;
}

int kb_archive_entities(kb_archive *ar, const char *type, long top,
                        int (*cb)(void *, const char *, const char *, long, long), void *ctx) {
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT canonical, type, count(*), count(DISTINCT article) FROM entities %s "
             "GROUP BY canonical, type ORDER BY count(*) DESC, canonical%s",
             type ? "WHERE type = ?1" : "", top > 0 ? " LIMIT ?2" : "");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ar->db, sql, -1, &st, NULL) != SQLITE_OK) return db_err(ar, "reading entities");
    if (type) sqlite3_bind_text(st, 1, type, -1, SQLITE_TRANSIENT);
    if (top > 0) sqlite3_bind_int64(st, 2, top);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        if (cb(ctx, col(st, 0), col(st, 1), (long)sqlite3_column_int64(st, 2), (long)sqlite3_column_int64(st, 3))) {
            s = SQLITE_DONE;
            break;
        }
    int rc = step_err(ar, s);
    sqlite3_finalize(st);
    return rc;
}

int kb_archive_stories(kb_archive *ar, const char *since, long min_size, long limit,
                       int (*cb)(void *, const kb_story *), void *ctx) {
    int rc;
    if ((rc = check_date(ar, "--since", since))) return rc;
    char sql[1024];
    /* A story is its first article (story NULL) and the articles whose
    ** story is that article's rowid: members come from the index on story,
    ** the first articles are added by rowid. */
    snprintf(sql, sizeof sql,
             "SELECT m.sid, count(*), count(DISTINCT m.source), coalesce(min(substr(m.published,1,10)),''),"
             " coalesce(max(substr(m.published,1,10)),''), (SELECT f.title FROM articles f WHERE f.rowid = m.sid),"
             " group_concat(DISTINCT m.source) FROM ("
             "SELECT story AS sid, source, published FROM articles WHERE story IS NOT NULL UNION ALL "
             "SELECT rowid, source, published FROM articles WHERE rowid IN"
             " (SELECT DISTINCT story FROM articles WHERE story IS NOT NULL)) m GROUP BY m.sid"
             " HAVING count(*) >= ?1 %s ORDER BY count(*) DESC, m.sid %s",
             since ? "AND max(substr(m.published,1,10)) >= ?2" : "", limit > 0 ? "LIMIT ?3" : "");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ar->db, sql, -1, &st, NULL) != SQLITE_OK) return db_err(ar, "reading stories");
    /* A story has two articles at least: one alone is just an article. */
    sqlite3_bind_int64(st, 1, min_size > 2 ? min_size : 2);
    if (since) sqlite3_bind_text(st, 2, since, -1, SQLITE_TRANSIENT);
    if (limit > 0) sqlite3_bind_int64(st, 3, limit);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        kb_story story = {sqlite3_column_int64(st, 0), col(st, 5), col(st, 3), col(st, 4), col(st, 6),
                          (long)sqlite3_column_int64(st, 1), (long)sqlite3_column_int64(st, 2)};
        if (cb(ctx, &story)) {
            s = SQLITE_DONE;
            break;
        }
    }
    rc = step_err(ar, s);
    sqlite3_finalize(st);
    return rc;
}

int kb_archive_story_members(kb_archive *ar, long long story, int (*cb)(void *, const kb_hit *), void *ctx) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(ar->db,
                           "SELECT id, title, source, section, published, url, ?1,"
                           " 1 + (SELECT count(*) FROM articles s WHERE s.story = ?1) FROM articles"
                           " WHERE story = ?1 OR rowid = ?1 ORDER BY published, rowid",
                           -1, &st, NULL) != SQLITE_OK)
        return db_err(ar, "reading a story");
    sqlite3_bind_int64(st, 1, story);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        kb_hit h = {col(st, 0), col(st, 1), col(st, 2), col(st, 3), col(st, 4), col(st, 5), NULL, 0,
                    sqlite3_column_int64(st, 6), (long)sqlite3_column_int64(st, 7)};
        if (cb(ctx, &h)) {
            s = SQLITE_DONE;
            break;
        }
    }
    int rc = step_err(ar, s);
    sqlite3_finalize(st);
    return rc;
}
