/*
** Articles from documents (kb_extract_doc): pages go through kb_extract();
** JSON objects are either a page wrapped in JSON ({"url","html"} or
** {"url","text"} with nothing else of an article) or a ready article record
** (title, text or paragraphs, author, source, category, time ...) whose
** fields are mapped onto the article. Corpora name the same field several
** ways; the alternatives are listed in one place below.
*/
#include <stdio.h>
#include <string.h>

#include "core/jsonparse.h"
#include "extract/extract_int.h"

static _Thread_local char g_errmsg[256];

static const kb_json *first_of(const kb_json *o, const char *const *keys) {
    for (; *keys; keys++) {
        const kb_json *v = kb__json_get(o, *keys);
        if (v && v->type != KB_JSON_NULL && !(v->type == KB_JSON_STRING && v->n == 0)) return v;
    }
    return NULL;
}

static const char *const K_URL[] = {"url", "link", "uri", NULL};
static const char *const K_HTML[] = {"html", "raw_html", "content_html", NULL};
static const char *const K_TEXT[] = {"text", "body", "content", "article", NULL};
static const char *const K_TITLE[] = {"title", "headline", NULL};
static const char *const K_PARAS[] = {"paragraphs", NULL};
static const char *const K_AUTHOR[] = {"authors", "author", "byline", NULL};
static const char *const K_SOURCE[] = {"source", "site", "outlet", "publisher", NULL};
static const char *const K_SECTION[] = {"section", "category", "articleSection", NULL};
static const char *const K_DATE[] = {"published", "datePublished", "date", "time", "pubdate", NULL};

static int add_text_paragraphs(kb_xart *x, const char *p, size_t n) {
    /* One paragraph per line; runs of blank lines separate nothing more. */
    const char *end = p + n;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        int rc = kb__art_add_paragraph(x, p, (size_t)(eol - p));
        if (rc) return rc;
        p = eol + 1;
    }
    return KB_OK;
}

static int from_record(kb_xart *x, const kb_json *o) {
    const kb_json *v;
    int rc = KB_OK;
    if ((v = first_of(o, K_URL)) && v->type == KB_JSON_STRING) rc = kb__art_set(x, &x->a.url, v->s, v->n);
    if (!rc && (v = first_of(o, K_TITLE)) && v->type == KB_JSON_STRING) rc = kb__art_set(x, &x->a.title, v->s, v->n);
    if (!rc && (v = first_of(o, K_SOURCE))) {
        if (v->type == KB_JSON_OBJECT) v = kb__json_get(v, "name");
        if (v && v->type == KB_JSON_STRING) rc = kb__art_set(x, &x->a.source, v->s, v->n);
    }
    if (!rc && (v = first_of(o, K_SECTION)) && v->type == KB_JSON_STRING) rc = kb__art_set(x, &x->a.section, v->s, v->n);
    if (!rc && (v = first_of(o, K_AUTHOR))) {
        if (v->type == KB_JSON_STRING) rc = kb__art_add_author(x, v->s, v->n);
        else if (v->type == KB_JSON_ARRAY)
            for (const kb_json *c = v->child; c && !rc; c = c->next) {
                const kb_json *s = c->type == KB_JSON_OBJECT ? kb__json_get(c, "name") : c;
                if (s && s->type == KB_JSON_STRING) rc = kb__art_add_author(x, s->s, s->n);
            }
    }
    if (!rc && (v = first_of(o, K_DATE)) && v->type == KB_JSON_STRING) {
        char d[40];
        if (kb__parse_date(v->s, v->n, d)) rc = kb__art_set(x, &x->a.published, d, strlen(d));
        else rc = kb__art_set(x, &x->a.published, v->s, v->n);
    }
    if (!rc && (v = first_of(o, K_PARAS)) && v->type == KB_JSON_ARRAY) {
        for (const kb_json *c = v->child; c && !rc; c = c->next)
            if (c->type == KB_JSON_STRING) rc = kb__art_add_paragraph(x, c->s, c->n);
    } else if (!rc && (v = first_of(o, K_TEXT)) && v->type == KB_JSON_STRING) {
        rc = add_text_paragraphs(x, v->s, v->n);
    }
    if (!rc && (v = kb__json_get(o, "language")) && v->type == KB_JSON_STRING && v->n < 16)
        rc = kb__art_set(x, &x->a.language, v->s, v->n);
    return rc;
}

static int fill_record(kb_xart *x, const void *ctx, const kb_extract_opts *o) {
    x->a.format = "json";
    (void)o;
    return from_record(x, ctx);
}

int kb_extract_doc(const kb_doc *d, const kb_extract_opts *opts, kb_article **out, const char **errmsg) {
    kb_extract_opts o = {0};
    if (opts) o = *opts;
    if (!o.url) o.url = d->url;
    if (!o.charset) o.charset = d->charset;
    if (!o.format && d->format != KB_FMT_JSONL) o.format = d->format;
    if (d->format != KB_FMT_JSONL) {
        /* d->date (WARC-Date) is the crawl date, not the publication date:
        ** it is deliberately not used as `published`. */
        return kb_extract(d->p, d->n, &o, out, errmsg);
    }
    *out = NULL;
    g_errmsg[0] = 0;
    if (errmsg) *errmsg = g_errmsg;
    kb_arena a;
    kb__arena_init(&a, 0);
    kb_json *root;
    size_t pos = 0;
    int rc = kb__json_parse(&a, d->p, d->n, 32, &root, &pos);
    if (rc || root->type != KB_JSON_OBJECT) {
        snprintf(g_errmsg, sizeof g_errmsg, rc == KB_ETOOBIG ? "JSON nested too deeply" :
                 rc ? "invalid JSON at byte %zu" : "JSON line is not an object", pos);
        kb__arena_free(&a);
        return rc ? rc : KB_EPARSE;
    }
    const kb_json *html = first_of(root, K_HTML), *url = first_of(root, K_URL);
    const kb_json *title = first_of(root, K_TITLE), *paras = first_of(root, K_PARAS);
    const kb_json *text = first_of(root, K_TEXT);
    if (url && url->type == KB_JSON_STRING) o.url = url->s;
    if (html && html->type == KB_JSON_STRING) {
        o.format = KB_FMT_HTML;
        rc = kb_extract(html->s, html->n, &o, out, errmsg);
    } else if (!title && !paras && text && text->type == KB_JSON_STRING) {
        /* {"url","text"}: a flattened page wrapped in JSON. */
        o.format = KB_FMT_FLAT;
        rc = kb_extract(text->s, text->n, &o, out, errmsg);
        if (rc == KB_EEMPTY) {
            snprintf(g_errmsg, sizeof g_errmsg, "JSON record without title, its text blank or boilerplate only");
            if (errmsg) *errmsg = g_errmsg;
        }
    } else if (title || paras || text) {
        rc = kb__extract_with(NULL, 0, &o, out, errmsg, fill_record, root);
    } else {
        snprintf(g_errmsg, sizeof g_errmsg, "JSON object has none of html, text, title, paragraphs");
        rc = KB_EFORMAT;
    }
    kb__arena_free(&a);
    return rc;
}
