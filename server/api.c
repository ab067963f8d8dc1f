/*
** api.c -- the JSON routes of khabar's HTTP server (docs/api.md is their
** manual). Each route checks its parameters strictly (an unknown or
** malformed parameter is a 400 that says which and why), takes an archive
** handle from the pool, calls the public API and writes JSON. Nothing here
** knows SQL: the library does the work, as for the command line.
**
** /api/export is the one streaming route: a producer thread runs
** kb_archive_export() on its own read-only connection and writes into a
** pipe; the HTTP side reads the pipe as the client takes the bytes, so an
** export of the whole archive needs neither memory nor repeated queries,
** and a client that goes away closes the pipe, which stops the producer.
*/
#include <errno.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server_int.h"

/* Snippet highlight markers: the private-use code points U+E000 (open) and
** U+E001 (close), which article text does not use, so that clients can mark
** matches without ever parsing article text as HTML. */
#define HL_OPEN "\xEE\x80\x80"
#define HL_CLOSE "\xEE\x80\x81"

/* --- parameters ------------------------------------------------------------ */

/* Refuse parameters the route does not know: a typo ("lmit=5") would
** otherwise be silently ignored. allowed is a NULL-terminated list. */
static int check_params(const srv_qs *qs, const char *const *allowed, srv_reply *r) {
    for (size_t i = 0; i < qs->n; i++) {
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++) ok = !strcmp(*a, qs->p[i].name);
        if (!ok) {
            srv_error(r, 400, "unknown parameter '%s'", qs->p[i].name);
            return -1;
        }
    }
    return 0;
}

/* A string parameter; "" counts as absent. */
static const char *get_str(const srv_qs *qs, const char *name) {
    const char *v = srv_qs_get(qs, name);
    return v && v[0] ? v : NULL;
}

/* A whole number in [min, max], plain decimal digits only. */
static int get_long(const srv_qs *qs, const char *name, long def, long min, long max, long *out, srv_reply *r) {
    const char *v = get_str(qs, name);
    *out = def;
    if (!v) return 0;
    long n = 0;
    size_t len = strlen(v);
    int ok = len <= 9;
    for (size_t i = 0; ok && i < len; i++) {
        if (v[i] < '0' || v[i] > '9') ok = 0;
        else n = n * 10 + (v[i] - '0');
    }
    if (!ok || n < min || n > max) {
        srv_error(r, 400, "%s wants a whole number from %ld to %ld", name, min, max);
        return -1;
    }
    *out = n;
    return 0;
}

/* A yes/no parameter: 1, true, yes / 0, false, no. */
static int get_bool(const srv_qs *qs, const char *name, int *out, srv_reply *r) {
    const char *v = get_str(qs, name);
    *out = 0;
    if (!v) return 0;
    if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes")) *out = 1;
    else if (strcmp(v, "0") && strcmp(v, "false") && strcmp(v, "no")) {
        srv_error(r, 400, "%s wants 1/true/yes or 0/false/no", name);
        return -1;
    }
    return 0;
}

static int digits(const char *p, int n) {
    for (int i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9') return 0;
    return 1;
}

/* YYYY-MM-DD, YYYY-MM or YYYY, as the library accepts them. */
static int date_ok(const char *d) {
    size_t n = strlen(d);
    if (n != 4 && n != 7 && n != 10) return 0;
    if (!digits(d, 4)) return 0;
    if (n >= 7) {
        if (d[4] != '-' || !digits(d + 5, 2)) return 0;
        int m = (d[5] - '0') * 10 + d[6] - '0';
        if (m < 1 || m > 12) return 0;
    }
    if (n == 10) {
        if (d[7] != '-' || !digits(d + 8, 2)) return 0;
        int dd = (d[8] - '0') * 10 + d[9] - '0';
        if (dd < 1 || dd > 31) return 0;
    }
    return 1;
}

/* The query and filters shared by search, histogram and export. */
static int get_filters(const srv_qs *qs, kb_query *q, srv_reply *r) {
    memset(q, 0, sizeof *q);
    q->q = get_str(qs, "q");
    q->source = get_str(qs, "source");
    q->section = get_str(qs, "section");
    q->author = get_str(qs, "author");
    q->since = get_str(qs, "since");
    q->until = get_str(qs, "until");
    if (q->since && !date_ok(q->since)) {
        srv_error(r, 400, "since wants a date as YYYY-MM-DD (or YYYY-MM, YYYY)");
        return -1;
    }
    if (q->until && !date_ok(q->until)) {
        srv_error(r, 400, "until wants a date as YYYY-MM-DD (or YYYY-MM, YYYY)");
        return -1;
    }
    return 0;
}

/* A library error as an HTTP answer: query mistakes are the client's (400),
** the rest is the archive's (500). The message lives on the handle, so this
** runs before the handle goes back to the pool. */
static void lib_error(srv_reply *r, kb_archive *ar, int rc) {
    const char *m = kb_archive_errmsg(ar);
    if (rc == KB_EPARSE || rc == KB_EINVAL) srv_error(r, 400, "%s", m);
    else if (rc == KB_ENOTFOUND) srv_error(r, 404, "%s", m);
    else srv_error(r, 500, "archive error: %s", m);
}

/* --- routes ---------------------------------------------------------------- */

static void route_healthz(srv *s, const char *rest, const srv_qs *qs, srv_reply *r) {
    srv_puts(&r->body, "{\"status\":\"ok\"}");
}

typedef struct search_ctx {
    srv_buf *b;
    long n, limit;
    int more;
} search_ctx;

static int put_hit(void *ctx, const kb_hit *h) {
    search_ctx *c = ctx;
    if (c->n == c->limit) { /* the one extra row asked for: there is more */
        c->more = 1;
        return 1;
    }
    srv_puts(c->b, c->n++ ? ",{" : "{");
    srv_json_field(c->b, "id", h->id, 1);
    srv_json_field(c->b, "title", h->title, 0);
    srv_json_field(c->b, "source", h->source, 0);
    srv_json_field(c->b, "section", h->section, 0);
    srv_json_field(c->b, "published", h->published, 0);
    srv_json_field(c->b, "url", h->url, 0);
    srv_json_field(c->b, "snippet", h->snippet, 0);
    srv_printf(c->b, ",\"score\":%.4f,\"story\":%lld,\"copies\":%ld}", -h->score, h->story, h->copies);
    return c->b->failed;
}

static void route_search(srv *s, const char *rest, const srv_qs *qs, srv_reply *r) {
    static const char *const allowed[] = {"q",     "source", "section", "author",   "since",
                                          "until", "limit",  "offset",  "collapse", NULL};
    kb_query q;
    long limit, offset;
    int collapse;
    if (check_params(qs, allowed, r) || get_filters(qs, &q, r) ||
        get_long(qs, "limit", 20, 1, SRV_MAX_PAGE, &limit, r) || get_long(qs, "offset", 0, 0, 100000, &offset, r) ||
        get_bool(qs, "collapse", &collapse, r))
        return;
    q.limit = limit + 1; /* one more than shown tells whether a next page exists */
    q.offset = offset;
    q.hl_open = HL_OPEN;
    q.hl_close = HL_CLOSE;
    q.collapse = collapse;
    srv_buf *b = &r->body;
    srv_puts(b, "{");
    srv_json_field(b, "q", q.q ? q.q : "", 1);
    srv_printf(b, ",\"offset\":%ld,\"limit\":%ld", offset, limit);
    srv_printf(b, ",\"collapse\":%s,\"results\":[", collapse ? "true" : "false");
    search_ctx c = {b, 0, limit, 0};
    kb_archive *ar = srv_acquire(s);
    int rc = kb_archive_search(ar, &q, put_hit, &c, NULL);
    if (rc) lib_error(r, ar, rc);
    srv_release(s, ar);
    if (rc) return;
    srv_printf(b, "],\"more\":%s}", c.more ? "true" : "false");
}

static int hexid(const char *p) {
    size_t n = strlen(p);
    if (n < 6 || n > 32) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f'))) return 0;
    return 1;
}

static void route_article(srv *s, const char *id, const srv_qs *qs, srv_reply *r) {
    static const char *const allowed[] = {NULL};
    if (check_params(qs, allowed, r)) return;
    if (!hexid(id)) {
        srv_error(r, 400, "an article id is hexadecimal: its 16 digits, or at least the first 6");
        return;
    }
    kb_archive *ar = srv_acquire(s);
    kb_article *a;
    int rc = kb_archive_get(ar, id, &a);
    if (rc) lib_error(r, ar, rc);
    srv_release(s, ar);
    if (rc) return;
    char *json;
    size_t n;
    rc = kb_article_to_json(a, &json, &n);
    kb_article_free(a);
    if (rc) {
        srv_error(r, 500, "cannot write the article: %s", kb_strerror(rc));
        return;
    }
    srv_put(&r->body, json, n);
    kb_free(json);
}

static int put_quote(void *ctx, const kb_quote_hit *h) {
    search_ctx *c = ctx;
    srv_buf *b = c->b;
    srv_puts(b, c->n++ ? ",{" : "{");
    srv_json_field(b, "article", h->article_id, 1);
    srv_json_field(b, "title", h->title, 0);
    srv_json_field(b, "source", h->source, 0);
    srv_json_field(b, "published", h->published, 0);
    srv_json_field(b, "speaker", h->quote.speaker, 0);
    srv_json_field(b, "speaker_mention", h->quote.speaker_mention, 0);
    srv_json_field(b, "verb", h->quote.verb, 0);
    srv_json_field(b, "text", h->quote.text, 0);
    srv_printf(b, ",\"direct\":%s,\"paragraph\":%ld,\"start\":%zu,\"end\":%zu}", h->quote.direct ? "true" : "false",
               h->quote.paragraph, h->quote.start, h->quote.end);
    return b->failed;
}

static void route_quotes(srv *s, const char *rest, const srv_qs *qs, srv_reply *r) {
    static const char *const allowed[] = {"speaker", "q", "limit", NULL};
    long limit;
    if (check_params(qs, allowed, r) || get_long(qs, "limit", 50, 1, SRV_MAX_PAGE, &limit, r)) return;
    const char *speaker = get_str(qs, "speaker"), *q = get_str(qs, "q");
    srv_buf *b = &r->body;
    srv_puts(b, "{");
    srv_json_field(b, "speaker", speaker, 1);
    srv_json_field(b, "q", q, 0);
    srv_puts(b, ",\"results\":[");
    search_ctx c = {b, 0, limit, 0};
    kb_archive *ar = srv_acquire(s);
    int rc = kb_archive_quotes(ar, speaker, q, limit, put_quote, &c, NULL);
    if (rc) lib_error(r, ar, rc);
    srv_release(s, ar);
    if (!rc) srv_puts(b, "]}");
}

static int put_entity(void *ctx, const char *canonical, const char *type, long mentions, long articles) {
    search_ctx *c = ctx;
    srv_buf *b = c->b;
    srv_puts(b, c->n++ ? ",{" : "{");
    srv_json_field(b, "canonical", canonical, 1);
    srv_json_field(b, "type", type, 0);
    srv_printf(b, ",\"mentions\":%ld,\"articles\":%ld}", mentions, articles);
    return b->failed;
}

static void route_entities(srv *s, const char *rest, const srv_qs *qs, srv_reply *r) {
    static const char *const allowed[] = {"type", "top", NULL};
    long top;
    if (check_params(qs, allowed, r) || get_long(qs, "top", 50, 1, SRV_MAX_PAGE, &top, r)) return;
    const char *type = get_str(qs, "type");
    if (type && strcmp(type, "PER") && strcmp(type, "LOC") && strcmp(type, "ORG") && strcmp(type, "MISC")) {
        srv_error(r, 400, "type wants PER, LOC, ORG or MISC");
        return;
    }
    srv_buf *b = &r->body;
    srv_puts(b, "{");
    srv_json_field(b, "type", type, 1);
    srv_puts(b, ",\"results\":[");
    search_ctx c = {b, 0, top, 0};
    kb_archive *ar = srv_acquire(s);
    int rc = kb_archive_entities(ar, type, top, put_entity, &c);
    if (rc) lib_error(r, ar, rc);
    srv_release(s, ar);
    if (!rc) srv_puts(b, "]}");
}

static int put_story(void *ctx, const kb_story *st) {
    search_ctx *c = ctx;
    srv_buf *b = c->b;
    srv_printf(b, "%s{\"story\":%lld,\"size\":%ld,\"outlets\":%ld", c->n++ ? "," : "", st->id, st->size,
               st->outlets);
    srv_json_field(b, "first", st->first[0] ? st->first : NULL, 0);
    srv_json_field(b, "last", st->last[0] ? st->last : NULL, 0);
    srv_json_field(b, "title", st->title, 0);
    srv_json_field(b, "sources", st->sources, 0);
    srv_puts(b, "}");
    return b->failed;
}

static int put_member(void *ctx, const kb_hit *h) {
    search_ctx *c = ctx;
    srv_puts(c->b, c->n++ ? ",{" : "{");
    srv_json_field(c->b, "id", h->id, 1);
    srv_json_field(c->b, "title", h->title, 0);
    srv_json_field(c->b, "source", h->source, 0);
    srv_json_field(c->b, "published", h->published, 0);
    srv_json_field(c->b, "url", h->url, 0);
    srv_puts(c->b, "}");
    return c->b->failed;
}

/* GET /api/stories (since, min_size, limit): the largest stories;
** GET /api/stories/{id}: the articles of one story, earliest first. */
static void route_stories(srv *s, const char *rest, const srv_qs *qs, srv_reply *r) {
    srv_buf *b = &r->body;
    if (rest && *rest) {
        static const char *const none[] = {NULL};
        if (check_params(qs, none, r)) return;
        char *end;
        long long id = strtoll(rest, &end, 10);
        if (*end || id <= 0) {
            srv_error(r, 400, "a story id is a positive number");
            return;
        }
        srv_printf(b, "{\"story\":%lld,\"articles\":[", id);
        search_ctx c = {b, 0, 0, 0};
        kb_archive *ar = srv_acquire(s);
        int rc = kb_archive_story_members(ar, id, put_member, &c);
        if (rc) lib_error(r, ar, rc);
        srv_release(s, ar);
        if (rc) return;
        if (!c.n) {
            srv_error(r, 404, "no story %lld", id);
            return;
        }
        srv_puts(b, "]}");
        return;
    }
    static const char *const allowed[] = {"since", "min_size", "limit", NULL};
    long min_size, limit;
    if (check_params(qs, allowed, r) || get_long(qs, "min_size", 2, 1, 1000000, &min_size, r) ||
        get_long(qs, "limit", 50, 1, SRV_MAX_PAGE, &limit, r))
        return;
    const char *since = get_str(qs, "since");
    srv_puts(b, "{");
    srv_json_field(b, "since", since, 1);
    srv_printf(b, ",\"min_size\":%ld,\"results\":[", min_size);
    search_ctx c = {b, 0, limit, 0};
    kb_archive *ar = srv_acquire(s);
    int rc = kb_archive_stories(ar, since, min_size, limit, put_story, &c);
    if (rc) lib_error(r, ar, rc);
    srv_release(s, ar);
    if (!rc) srv_puts(b, "]}");
}

#define STATS_MAX_SOURCES 1000

static int put_source(void *ctx, const char *source, long count) {
    search_ctx *c = ctx;
    if (c->n == c->limit) {
        c->more = 1;
        return 1;
    }
    srv_puts(c->b, c->n++ ? ",{" : "{");
    srv_json_field(c->b, "source", source, 1);
    srv_printf(c->b, ",\"count\":%ld}", count);
    return c->b->failed;
}

static void route_stats(srv *s, const char *rest, const srv_qs *qs, srv_reply *r) {
    static const char *const allowed[] = {NULL};
    if (check_params(qs, allowed, r)) return;
    srv_buf sources;
    srv_buf_init(&sources, SRV_MAX_BODY);
    search_ctx c = {&sources, 0, STATS_MAX_SOURCES, 0};
    kb_stats st;
    kb_archive *ar = srv_acquire(s);
    int rc = kb_archive_stats(ar, &st, put_source, &c);
    if (rc) lib_error(r, ar, rc);
    srv_release(s, ar);
    if (!rc) {
        srv_buf *b = &r->body;
        srv_printf(b, "{\"articles\":%ld,\"sources\":%ld", st.articles, st.sources);
        srv_json_field(b, "first", st.first[0] ? st.first : NULL, 0);
        srv_json_field(b, "last", st.last[0] ? st.last : NULL, 0);
        srv_puts(b, ",\"by_source\":[");
        if (sources.p) srv_put(b, sources.p, sources.n);
        srv_printf(b, "],\"by_source_truncated\":%s}", c.more ? "true" : "false");
        if (sources.failed) b->failed = 1;
    }
    srv_buf_free(&sources);
}

/* Histogram: the day of every match, sorted and counted. Days are the first
** ten characters of `published` when they read as YYYY-MM-DD. */
typedef struct days_ctx {
    char (*day)[11];
    size_t n, cap;
    long undated;
    int oom;
} days_ctx;

static int add_day(void *ctx, const kb_hit *h) {
    days_ctx *d = ctx;
    const char *p = h->published;
    if (!p || strlen(p) < 10 || !digits(p, 4) || p[4] != '-' || !digits(p + 5, 2) || p[7] != '-' ||
        !digits(p + 8, 2)) {
        d->undated++;
        return 0;
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 1024;
        void *nd = realloc(d->day, cap * sizeof *d->day);
        if (!nd) { d->oom = 1; return 1; }
        d->day = nd;
        d->cap = cap;
    }
    memcpy(d->day[d->n], p, 10);
    d->day[d->n++][10] = 0;
    return 0;
}

static int cmp_day(const void *a, const void *b) { return memcmp(a, b, 10); }

static void route_histogram(srv *s, const char *rest, const srv_qs *qs, srv_reply *r) {
    static const char *const allowed[] = {"q", "source", "section", "author", "since", "until", NULL};
    kb_query q;
    if (check_params(qs, allowed, r) || get_filters(qs, &q, r)) return;
    q.hl_open = q.hl_close = "";
    days_ctx d = {0};
    kb_archive *ar = srv_acquire(s);
    int rc = kb_archive_search(ar, &q, add_day, &d, NULL);
    if (rc) lib_error(r, ar, rc);
    srv_release(s, ar);
    if (!rc && d.oom) srv_error(r, 500, "out of memory");
    if (!rc && !d.oom) {
        qsort(d.day, d.n, sizeof *d.day, cmp_day);
        srv_buf *b = &r->body;
        srv_puts(b, "[");
        for (size_t i = 0, k = 0; i < d.n; i = k) {
            for (k = i + 1; k < d.n && !memcmp(d.day[k], d.day[i], 10); k++) {}
            srv_puts(b, i ? ",{" : "{");
            srv_json_field(b, "day", d.day[i], 1);
            srv_printf(b, ",\"count\":%zu}", k - i);
        }
        srv_puts(b, "]");
    }
    free(d.day);
}

/* --- /api/export: a stream fed by a producer thread ----------------------- */

typedef struct export_job {
    srv *s;
    kb_archive *ar;   /* the producer's own connection */
    kb_query q;
    char *owned[6];   /* copies of the query strings (the request's go away) */
    int csv;
    int rfd;
    FILE *out;        /* the pipe's write end */
    pthread_t thread;
    atomic_int failed;
} export_job;

static void csv_text(FILE *f, const char *z) {
    if (!z) return;
    putc('"', f);
    for (; *z; z++) {
        if (*z == '"') putc('"', f);
        putc(*z, f);
    }
    putc('"', f);
}

static int export_one(void *ctx, const kb_article *a) {
    export_job *j = ctx;
    FILE *f = j->out;
    if (j->csv) {
        csv_text(f, a->id); putc(',', f);
        csv_text(f, a->url); putc(',', f);
        csv_text(f, a->source); putc(',', f);
        csv_text(f, a->section); putc(',', f);
        csv_text(f, a->published); putc(',', f);
        csv_text(f, a->title); putc(',', f);
        putc('"', f);
        for (size_t i = 0; i < a->nauthors; i++) {
            if (i) fputs("; ", f);
            for (const char *z = a->authors[i]; *z; z++) {
                if (*z == '"') putc('"', f);
                putc(*z, f);
            }
        }
        fputs("\",\"", f);
        for (size_t i = 0; i < a->nparagraphs; i++) {
            if (i) putc('\n', f);
            for (const char *z = a->paragraphs[i]; *z; z++) {
                if (*z == '"') putc('"', f);
                putc(*z, f);
            }
        }
        fputs("\"\r\n", f);
    } else {
        char *json;
        size_t n;
        if (kb_article_to_json(a, &json, &n) != KB_OK) return 1;
        fwrite(json, 1, n, f);
        putc('\n', f);
        kb_free(json);
    }
    /* A write error means the client went away (the read end is closed):
    ** stop the export. */
    return ferror(f) != 0;
}

static void *export_run(void *arg) {
    export_job *j = arg;
    if (j->csv) fputs("id,url,source,section,published,title,authors,body\r\n", j->out);
    int rc = kb_archive_export(j->ar, &j->q, export_one, j, NULL);
    if (fflush(j->out) != 0 || ferror(j->out)) rc = KB_EIO;
    atomic_store(&j->failed, rc != KB_OK);
    fclose(j->out); /* end of stream for the reader */
    j->out = NULL;
    return NULL;
}

static ssize_t export_read(void *cls, uint64_t pos, char *buf, size_t max) {
    export_job *j = cls;
    for (;;) {
        ssize_t k = read(j->rfd, buf, max);
        if (k > 0) return k;
        if (k < 0 && errno == EINTR) continue;
        /* At the end, a failed producer must not look like a complete
        ** export: ending "with error" cuts the chunked stream short. */
        if (k == 0 && !atomic_load(&j->failed)) return MHD_CONTENT_READER_END_OF_STREAM;
        return MHD_CONTENT_READER_END_WITH_ERROR;
    }
}

static void export_free(void *cls) {
    export_job *j = cls;
    close(j->rfd); /* a producer still writing now fails with EPIPE and stops */
    pthread_join(j->thread, NULL);
    kb_archive_close(j->ar);
    for (int i = 0; i < 6; i++) free(j->owned[i]);
    pthread_mutex_lock(&j->s->mu);
    j->s->exports--;
    pthread_mutex_unlock(&j->s->mu);
    free(j);
}

static const char *own(export_job *j, int i, const char *z) {
    if (!z) return NULL;
    j->owned[i] = strdup(z);
    return j->owned[i];
}

static void route_export(srv *s, const char *rest, const srv_qs *qs, srv_reply *r) {
    static const char *const allowed[] = {"q",     "source", "section", "author", "since",
                                          "until", "format", "limit",   NULL};
    kb_query q;
    long limit;
    if (check_params(qs, allowed, r) || get_filters(qs, &q, r) || get_long(qs, "limit", 0, 0, 999999999, &limit, r))
        return;
    const char *format = get_str(qs, "format");
    int csv = 0;
    if (format && !strcmp(format, "csv")) csv = 1;
    else if (format && strcmp(format, "jsonl")) {
        srv_error(r, 400, "format wants jsonl or csv");
        return;
    }
    /* Find query mistakes now, while the answer can still be a 400. */
    if (q.q) {
        char *fts, em[256];
        if (kb_query_to_fts(q.q, &fts, em) != KB_OK) {
            srv_error(r, 400, "bad query: %s", em);
            return;
        }
        kb_free(fts);
    }
    pthread_mutex_lock(&s->mu);
    int busy = s->exports >= SRV_MAX_EXPORTS;
    if (!busy) s->exports++;
    pthread_mutex_unlock(&s->mu);
    if (busy) {
        srv_error(r, 503, "too many exports running (at most %d); try again later", SRV_MAX_EXPORTS);
        return;
    }
    export_job *j = calloc(1, sizeof *j);
    int fds[2] = {-1, -1};
    kb_archive *ar = NULL;
    int rc = j ? kb_archive_open(&ar, s->db, KB_ARCHIVE_READONLY) : KB_ENOMEM;
    if (rc != KB_OK) {
        srv_error(r, 500, "cannot open the archive: %s", ar ? kb_archive_errmsg(ar) : kb_strerror(rc));
        goto fail;
    }
    j->s = s;
    j->ar = ar;
    j->csv = csv;
    j->q.q = own(j, 0, q.q);
    j->q.source = own(j, 1, q.source);
    j->q.section = own(j, 2, q.section);
    j->q.author = own(j, 3, q.author);
    j->q.since = own(j, 4, q.since);
    j->q.until = own(j, 5, q.until);
    j->q.limit = limit;
    for (int i = 0; i < 6; i++)
        if (!j->owned[i] && ((const char *[]){q.q, q.source, q.section, q.author, q.since, q.until})[i]) {
            srv_error(r, 500, "out of memory");
            goto fail;
        }
    if (pipe(fds) != 0 || !(j->out = fdopen(fds[1], "w"))) {
        srv_error(r, 500, "cannot start the export: %s", strerror(errno));
        goto fail;
    }
    fds[1] = -1; /* owned by j->out now */
    j->rfd = fds[0];
    if (pthread_create(&j->thread, NULL, export_run, j) != 0) {
        srv_error(r, 500, "cannot start the export thread");
        fclose(j->out);
        goto fail;
    }
    r->stream = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, export_read, j, export_free);
    if (!r->stream) {
        export_free(j); /* closes the pipe, so the producer stops */
        srv_error(r, 500, "out of memory");
        return;
    }
    r->status = 200;
    r->ctype = csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
    r->disposition = csv ? "attachment; filename=\"khabar-export.csv\"" : "attachment; filename=\"khabar-export.jsonl\"";
    return;
fail:
    if (fds[0] >= 0) close(fds[0]);
    if (fds[1] >= 0) close(fds[1]);
    kb_archive_close(ar);
    if (j)
        for (int i = 0; i < 6; i++) free(j->owned[i]);
    free(j);
    pthread_mutex_lock(&s->mu);
    s->exports--;
    pthread_mutex_unlock(&s->mu);
}

/* --- dispatch -------------------------------------------------------------- */

static const struct {
    const char *path;
    int prefix; /* 1: path + "/" + one segment (no further '/') */
    int cached; /* 1: answers may be kept in the answer cache */
    void (*fn)(srv *s, const char *rest, const srv_qs *qs, srv_reply *r);
} routes[] = {
    {"/healthz", 0, 0, route_healthz},
    {"/api/search", 0, 1, route_search},
    {"/api/articles", 1, 0, route_article},
    {"/api/quotes", 0, 1, route_quotes},
    {"/api/entities", 0, 1, route_entities},
    {"/api/stories", 0, 0, route_stories},
    {"/api/stories", 1, 0, route_stories},
    {"/api/stats", 0, 1, route_stats},
    {"/api/histogram", 0, 1, route_histogram},
    {"/api/export", 0, 0, route_export},
};

static int cmp_param(const void *a, const void *b) {
    return strcmp(((const srv_qs_param *)a)->name, ((const srv_qs_param *)b)->name);
}

/* The cache key of a request: the path and the decoded parameters in name
** order, each string ended by a NUL (which no decoded string contains), so
** "a=1&b=2" and "b=2&a=%31" share an answer. */
static void cache_key(srv_buf *k, const char *path, const srv_qs *qs) {
    srv_qs_param p[SRV_QS_MAX_PARAMS];
    memcpy(p, qs->p, qs->n * sizeof *p);
    qsort(p, qs->n, sizeof *p, cmp_param);
    srv_put(k, path, strlen(path) + 1);
    for (size_t i = 0; i < qs->n; i++) {
        srv_put(k, p[i].name, p[i].name_len + 1);
        srv_put(k, p[i].value, p[i].value_len + 1);
    }
}

void srv_api(srv *s, const char *path, const srv_qs *qs, srv_reply *r) {
    r->status = 0;
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
        size_t n = strlen(routes[i].path);
        if (strncmp(path, routes[i].path, n)) continue;
        const char *rest = path + n;
        if (!routes[i].prefix && *rest) continue;
        if (routes[i].prefix && (rest[0] != '/' || !rest[1] || strchr(rest + 1, '/'))) continue;
        r->status = 200;
        srv_buf key;
        srv_buf_init(&key, 2 * SRV_QS_MAX_INPUT);
        if (routes[i].cached && s->cache) {
            cache_key(&key, path, qs);
            size_t hn;
            char *hit = key.failed ? NULL : srv_cache_get(s->cache, key.p, key.n, &hn);
            if (hit) {
                srv_buf_free(&r->body);
                r->body.p = hit;
                r->body.n = r->body.cap = hn;
                srv_buf_free(&key);
                return;
            }
        }
        routes[i].fn(s, routes[i].prefix ? rest + 1 : rest, qs, r);
        if (r->body.failed && !r->stream) srv_error(r, 500, "answer too large or out of memory");
        if (r->status == 200 && !r->stream && key.p && !key.failed && r->body.p)
            srv_cache_put(s->cache, key.p, key.n, r->body.p, r->body.n);
        srv_buf_free(&key);
        return;
    }
}
