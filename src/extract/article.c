/*
** The article record: construction helpers for the extractors, kb_extract()
** (checks, format dispatch, finishing touches: language, id, domain),
** kb_article_free() and the JSON form.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/json.h"
#include "core/lex.h"
#include "core/utf8.h"
#include "extract/extract_int.h"
#include "text/text_int.h"

#define DEFAULT_MAX_BYTES ((size_t)64 << 20)

char *kb__art_clean(kb_xart *x, const char *p, size_t n, size_t *outn) {
    char *d = kb__arena_alloc(&x->arena, KB_NORMALIZE_BOUND(n) + 1);
    if (!d) return NULL;
    size_t k = kb_normalize_into(p, n, KB_NORM_DISPLAY, d);
    /* Collapse white space (normalization already mapped Unicode spaces). */
    size_t w = 0;
    int space = 1; /* drop leading space */
    for (size_t i = 0; i < k; i++) {
        char c = d[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            if (!space) d[w++] = ' ';
            space = 1;
        } else {
            d[w++] = c;
            space = 0;
        }
    }
    if (w && d[w - 1] == ' ') w--;
    d[w] = 0;
    *outn = w;
    return d;
}

int kb__art_set(kb_xart *x, const char **field, const char *p, size_t n) {
    size_t k;
    char *d = kb__art_clean(x, p, n, &k);
    if (!d) return KB_ENOMEM;
    if (k) *field = d;
    return KB_OK;
}

static int grow(kb_xart *x, void **arr, size_t *cap, size_t count, size_t elem) {
    if (count < *cap) return KB_OK;
    size_t nc = *cap ? *cap * 2 : 8;
    void *na = kb__arena_alloc(&x->arena, nc * elem);
    if (!na) return KB_ENOMEM;
    if (count) memcpy(na, *arr, count * elem);
    *arr = na;
    *cap = nc;
    return KB_OK;
}

int kb__art_add_paragraph(kb_xart *x, const char *p, size_t n) {
    size_t k;
    char *d = kb__art_clean(x, p, n, &k);
    if (!d) return KB_ENOMEM;
    if (!k) return KB_OK;
    if (grow(x, (void **)&x->a.paragraphs, &x->cap_par, x->a.nparagraphs, sizeof(char *))) return KB_ENOMEM;
    x->a.paragraphs[x->a.nparagraphs++] = d;
    return KB_OK;
}

int kb__art_add_author(kb_xart *x, const char *p, size_t n) {
    size_t k;
    char *d = kb__art_clean(x, p, n, &k);
    if (!d) return KB_ENOMEM;
    if (!k) return KB_OK;
    for (size_t i = 0; i < x->a.nauthors; i++)
        if (!strcmp(x->a.authors[i], d)) return KB_OK;
    if (grow(x, (void **)&x->a.authors, &x->cap_auth, x->a.nauthors, sizeof(char *))) return KB_ENOMEM;
    x->a.authors[x->a.nauthors++] = d;
    return KB_OK;
}

int kb__art_add_related(kb_xart *x, const char *title, size_t tn, const char *url, size_t un) {
    size_t k, ku = 0;
    char *t = kb__art_clean(x, title, tn, &k);
    if (!t) return KB_ENOMEM;
    if (!k) return KB_OK;
    char *u = NULL;
    if (url && un) {
        u = kb__art_clean(x, url, un, &ku);
        if (!u) return KB_ENOMEM;
        if (!ku) u = NULL;
    }
    if (grow(x, (void **)&x->a.related, &x->cap_rel, x->a.nrelated, sizeof(kb_related))) return KB_ENOMEM;
    x->a.related[x->a.nrelated].title = t;
    x->a.related[x->a.nrelated].url = u;
    x->a.nrelated++;
    return KB_OK;
}

static const char *dup0(kb_xart *x, const char *z) {
    return z ? kb__arena_strndup(&x->arena, z, strlen(z)) : NULL;
}

int kb__art_add_entity(kb_xart *x, const kb_entity *e) {
    if (grow(x, (void **)&x->a.entities, &x->cap_ent, x->a.nentities, sizeof *e)) return KB_ENOMEM;
    kb_entity *d = &x->a.entities[x->a.nentities];
    *d = *e;
    d->text = dup0(x, e->text);
    d->canonical = dup0(x, e->canonical ? e->canonical : e->text);
    if ((e->text && !d->text) || !d->canonical) return KB_ENOMEM;
    x->a.nentities++;
    return KB_OK;
}

int kb__art_add_quote(kb_xart *x, const kb_quote *q) {
    if (grow(x, (void **)&x->a.quotes, &x->cap_quo, x->a.nquotes, sizeof *q)) return KB_ENOMEM;
    kb_quote *d = &x->a.quotes[x->a.nquotes];
    *d = *q;
    d->speaker = dup0(x, q->speaker);
    d->speaker_mention = dup0(x, q->speaker_mention ? q->speaker_mention : "");
    d->verb = dup0(x, q->verb);
    d->text = dup0(x, q->text);
    if (!d->speaker_mention || (q->verb && !d->verb) || (q->text && !d->text) || (q->speaker && !d->speaker))
        return KB_ENOMEM;
    x->a.nquotes++;
    return KB_OK;
}

int kb__art_add_amount(kb_xart *x, const kb_amount *m) {
    if (grow(x, (void **)&x->a.amounts, &x->cap_amt, x->a.namounts, sizeof *m)) return KB_ENOMEM;
    kb_amount *d = &x->a.amounts[x->a.namounts];
    *d = *m;
    d->text = dup0(x, m->text);
    d->unit = dup0(x, m->unit);
    if ((m->text && !d->text) || (m->unit && !d->unit)) return KB_ENOMEM;
    x->a.namounts++;
    return KB_OK;
}

void kb__explain(const kb_extract_opts *o, const char *label, const char *why, const char *p, size_t n) {
    if (o && o->explain) o->explain(o->explain_ctx, label, why, p, n);
}

/* --- format detection ----------------------------------------------------- */

static int ci_find(const char *p, size_t n, const char *z) {
    size_t k = strlen(z);
    for (size_t i = 0; i + k <= n; i++) {
        size_t j = 0;
        while (j < k) {
            char c = p[i + j];
            if (c >= 'A' && c <= 'Z') c += 32;
            if (c != z[j]) break;
            j++;
        }
        if (j == k) return 1;
    }
    return 0;
}

int kb_detect_format(const char *p, size_t n) {
    size_t i = 0;
    if (n >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF) i = 3;
    if (n >= 2 && (unsigned char)p[0] == 0x1F && (unsigned char)p[1] == 0x8B) return KB_FMT_WARC;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r')) i++;
    if (n - i >= 5 && !memcmp(p + i, "WARC/", 5)) return KB_FMT_WARC;
    if (i < n && p[i] == '{') return KB_FMT_JSONL;
    size_t head = n - i < 4096 ? n - i : 4096;
    if (i < n && p[i] == '<' &&
        (ci_find(p + i, head, "<html") || ci_find(p + i, head, "<!doctype") || ci_find(p + i, head, "<head") ||
         ci_find(p + i, head, "<body") || ci_find(p + i, head, "<div") || ci_find(p + i, head, "<p") ||
         ci_find(p + i, head, "<meta") || ci_find(p + i, head, "<?xml")))
        return KB_FMT_HTML;
    if (ci_find(p + i, head, "<html") || ci_find(p + i, head, "<body")) return KB_FMT_HTML;
    return KB_FMT_FLAT;
}

/* 1 if the bytes look binary: NUL bytes or many control characters. */
static int looks_binary(const char *p, size_t n) {
    size_t head = n < 8192 ? n : 8192, ctl = 0;
    for (size_t i = 0; i < head; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == 0) return 1;
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1B) ctl++;
    }
    return ctl * 20 > head;
}

/* --- finishing ------------------------------------------------------------ */

static unsigned long long hash64(const char *p, size_t n) {
    /* FNV-1a with a final avalanche (splitmix64): stable across versions. */
    return kb__mix64(kb__hash(p, n));
}

/* The canonical form of a URL for the id: no scheme, no "www.", no
** fragment, no trailing slash, host lowercased. */
static size_t canonical_url(const char *u, char *out, size_t cap) {
    const char *p = strstr(u, "://");
    p = p ? p + 3 : u;
    if (!strncmp(p, "www.", 4)) p += 4;
    size_t w = 0;
    int in_host = 1;
    for (; *p && *p != '#' && w + 1 < cap; p++) {
        char c = *p;
        if (c == '/') in_host = 0;
        if (in_host && c >= 'A' && c <= 'Z') c += 32;
        out[w++] = c;
    }
    while (w && out[w - 1] == '/') w--;
    out[w] = 0;
    return w;
}

static int finish(kb_xart *x) {
    kb_article *a = &x->a;
    char buf[2048];
    if (a->url) {
        const char *p = strstr(a->url, "://");
        p = p ? p + 3 : a->url;
        size_t k = strcspn(p, "/:?#");
        if (k > 4 && !strncmp(p, "www.", 4)) { p += 4; k -= 4; }
        if (k) {
            char *d = kb__arena_strndup(&x->arena, p, k);
            if (!d) return KB_ENOMEM;
            for (char *q = d; *q; q++)
                if (*q >= 'A' && *q <= 'Z') *q += 32;
            a->domain = d;
        }
    }
    /* Language from the body (and title when there is little body). */
    kb_buf b;
    kb__buf_init(&b, 0);
    if (a->title) kb__buf_adds(&b, a->title);
    for (size_t i = 0; i < a->nparagraphs && b.n < 65536; i++) {
        kb__buf_addc(&b, '\n');
        kb__buf_adds(&b, a->paragraphs[i]);
    }
    if (!a->language) {
        kb_lang_info li;
        kb_lang_detect(b.p ? b.p : "", b.n, &li);
        a->language = li.code;
    }
    if (a->id) { /* an article read back from the archive keeps its id */
        kb__buf_free(&b);
        return KB_OK;
    }
    unsigned long long h;
    if (a->url) {
        h = hash64(buf, canonical_url(a->url, buf, sizeof buf));
    } else {
        /* Hash of the normalized (search-folded) body: the same text stored
        ** twice from different files gets the same id. */
        kb_buf all;
        kb__buf_init(&all, 0);
        for (size_t i = 0; i < a->nparagraphs; i++) {
            char *norm;
            size_t nn;
            if (kb_normalize(a->paragraphs[i], strlen(a->paragraphs[i]), KB_NORM_SEARCH, &norm, &nn) == KB_OK) {
                kb__buf_add(&all, norm, nn);
                kb__buf_addc(&all, '\n');
                kb_free(norm);
            }
        }
        if (!all.n && a->title) kb__buf_adds(&all, a->title);
        h = hash64(all.p ? all.p : "", all.n);
        kb__buf_free(&all);
    }
    kb__buf_free(&b);
    snprintf(buf, sizeof buf, "%016llx", h);
    a->id = kb__arena_strndup(&x->arena, buf, 16);
    return a->id ? KB_OK : KB_ENOMEM;
}

static _Thread_local char g_errmsg[256];

static int fill_page(kb_xart *x, const void *ctx, const kb_extract_opts *o) {
    const char *const *page = ctx;
    size_t n = (size_t)(page[1] - page[0]);
    int fmt = o->format ? o->format : kb_detect_format(page[0], n);
    x->a.format = fmt == KB_FMT_HTML ? "html" : "flat";
    return fmt == KB_FMT_HTML ? kb__extract_html(page[0], n, o, x) : kb__extract_flat(page[0], n, o, x);
}

/*
** Run `fill` on a new article, then the checks and finishing every article
** gets, whatever it came from. (record.c uses it for JSON article records.)
*/
int kb__extract_with(const char *p, size_t n, const kb_extract_opts *o, kb_article **out, const char **errmsg,
                     int (*fill)(kb_xart *, const void *, const kb_extract_opts *), const void *ctx) {
    (void)p;
    (void)n;
    *out = NULL;
    g_errmsg[0] = 0;
    if (errmsg) *errmsg = g_errmsg;
    kb_xart *x = calloc(1, sizeof *x);
    if (!x) return KB_ENOMEM;
    kb__arena_init(&x->arena, 0);
    x->a.internal = x;
    int rc = KB_OK;
    if (o->url && (rc = kb__art_set(x, &x->a.url, o->url, strlen(o->url)))) goto fail;
    if (o->published && (rc = kb__art_set(x, &x->a.published, o->published, strlen(o->published)))) goto fail;
    if ((rc = fill(x, ctx, o))) goto fail;
    if (!x->a.nparagraphs && !x->a.title) {
        rc = KB_EEMPTY;
        snprintf(x->errmsg, sizeof x->errmsg, "no article text found");
        goto fail;
    }
    if ((rc = finish(x))) goto fail;
    *out = &x->a;
    return KB_OK;
fail:
    snprintf(g_errmsg, sizeof g_errmsg, "%s", x->errmsg[0] ? x->errmsg : kb_strerror(rc));
    kb__arena_free(&x->arena);
    free(x);
    return rc;
}

int kb_extract(const char *p, size_t n, const kb_extract_opts *opts, kb_article **out, const char **errmsg) {
    kb_extract_opts def = {0};
    const kb_extract_opts *o = opts ? opts : &def;
    size_t max = o->max_bytes ? o->max_bytes : DEFAULT_MAX_BYTES;
    *out = NULL;
    g_errmsg[0] = 0;
    if (errmsg) *errmsg = g_errmsg;
    if (n > max) {
        snprintf(g_errmsg, sizeof g_errmsg, "page of %zu bytes is larger than the limit of %zu bytes", n, max);
        return KB_ETOOBIG;
    }
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t')) i++;
    if (i == n) {
        snprintf(g_errmsg, sizeof g_errmsg, "empty page");
        return KB_EEMPTY;
    }
    int fmt = o->format ? o->format : kb_detect_format(p, n);
    if (fmt != KB_FMT_HTML && fmt != KB_FMT_FLAT) {
        snprintf(g_errmsg, sizeof g_errmsg, "kb_extract takes one page (flat text or HTML); use a reader for JSON Lines and WARC");
        return KB_EFORMAT;
    }
    if (looks_binary(p, n)) {
        snprintf(g_errmsg, sizeof g_errmsg, "binary data, not a text or HTML page");
        return KB_EBINARY;
    }
    kb_extract_opts o2 = *o;
    o2.format = fmt;
    const char *page[2] = {p, p + n};
    return kb__extract_with(p, n, &o2, out, errmsg, fill_page, page);
}

void kb_article_free(kb_article *a) {
    if (!a) return;
    kb_xart *x = a->internal;
    kb__arena_free(&x->arena);
    free(x);
}

/* --- JSON ----------------------------------------------------------------- */

static void json_str_array(kb_buf *b, const char *key, const char **v, size_t n) {
    kb__json_key(b, key, 0);
    kb__buf_addc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i) kb__buf_addc(b, ',');
        kb__json_strz(b, v[i]);
    }
    kb__buf_addc(b, ']');
}

int kb_article_to_json(const kb_article *a, char **out, size_t *n) {
    kb_buf b;
    kb__buf_init(&b, 0);
    *out = NULL;
    kb__buf_addc(&b, '{');
    kb__json_key(&b, "id", 1);
    kb__json_strz(&b, a->id);
    kb__json_key(&b, "url", 0);
    kb__json_strz(&b, a->url);
    kb__json_key(&b, "domain", 0);
    kb__json_strz(&b, a->domain);
    kb__json_key(&b, "source", 0);
    kb__json_strz(&b, a->source);
    kb__json_key(&b, "section", 0);
    kb__json_strz(&b, a->section);
    kb__json_key(&b, "title", 0);
    kb__json_strz(&b, a->title);
    json_str_array(&b, "authors", a->authors, a->nauthors);
    kb__json_key(&b, "published", 0);
    kb__json_strz(&b, a->published);
    kb__json_key(&b, "language", 0);
    kb__json_strz(&b, a->language);
    json_str_array(&b, "paragraphs", a->paragraphs, a->nparagraphs);
    kb__json_key(&b, "related", 0);
    kb__buf_addc(&b, '[');
    for (size_t i = 0; i < a->nrelated; i++) {
        if (i) kb__buf_addc(&b, ',');
        kb__buf_addc(&b, '{');
        kb__json_key(&b, "title", 1);
        kb__json_strz(&b, a->related[i].title);
        kb__json_key(&b, "url", 0);
        kb__json_strz(&b, a->related[i].url);
        kb__buf_addc(&b, '}');
    }
    kb__buf_addc(&b, ']');
    if (a->story) kb__buf_printf(&b, ",\"story\":%lld", a->story);
    if (a->analyzed) {
        kb__json_key(&b, "entities", 0);
        kb__buf_addc(&b, '[');
        for (size_t i = 0; i < a->nentities; i++) {
            const kb_entity *e = &a->entities[i];
            if (i) kb__buf_addc(&b, ',');
            kb__buf_addc(&b, '{');
            kb__json_key(&b, "text", 1);
            kb__json_strz(&b, e->text);
            kb__json_key(&b, "type", 0);
            kb__json_strz(&b, e->type);
            kb__json_key(&b, "canonical", 0);
            kb__json_strz(&b, e->canonical);
            kb__buf_printf(&b, ",\"paragraph\":%ld,\"start\":%zu,\"end\":%zu}", e->paragraph, e->start, e->end);
        }
        kb__buf_addc(&b, ']');
        kb__json_key(&b, "quotes", 0);
        kb__buf_addc(&b, '[');
        for (size_t i = 0; i < a->nquotes; i++) {
            const kb_quote *q = &a->quotes[i];
            if (i) kb__buf_addc(&b, ',');
            kb__buf_addc(&b, '{');
            kb__json_key(&b, "speaker", 1);
            kb__json_strz(&b, q->speaker);
            kb__json_key(&b, "speaker_mention", 0);
            kb__json_strz(&b, q->speaker_mention);
            kb__json_key(&b, "verb", 0);
            kb__json_strz(&b, q->verb);
            kb__json_key(&b, "text", 0);
            kb__json_strz(&b, q->text);
            kb__buf_printf(&b, ",\"direct\":%s,\"paragraph\":%ld,\"start\":%zu,\"end\":%zu}",
                           q->direct ? "true" : "false", q->paragraph, q->start, q->end);
        }
        kb__buf_addc(&b, ']');
        kb__json_key(&b, "amounts", 0);
        kb__buf_addc(&b, '[');
        for (size_t i = 0; i < a->namounts; i++) {
            const kb_amount *m = &a->amounts[i];
            if (i) kb__buf_addc(&b, ',');
            kb__buf_addc(&b, '{');
            kb__json_key(&b, "text", 1);
            kb__json_strz(&b, m->text);
            kb__buf_printf(&b, ",\"value\":%.17g", m->value);
            kb__json_key(&b, "unit", 0);
            kb__json_strz(&b, m->unit);
            kb__json_key(&b, "kind", 0);
            kb__json_strz(&b, m->kind);
            kb__buf_printf(&b, ",\"approx\":%s,\"paragraph\":%ld,\"start\":%zu,\"end\":%zu}",
                           m->approx ? "true" : "false", m->paragraph, m->start, m->end);
        }
        kb__buf_addc(&b, ']');
    }
    int rc = kb__buf_addc(&b, '}');
    if (rc) {
        kb__buf_free(&b);
        return rc;
    }
    *out = kb__buf_detach(&b, n);
    return *out ? KB_OK : KB_ENOMEM;
}
