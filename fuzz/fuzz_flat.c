/*
** Fuzz harness for the flattened-page extractor (src/extract/flat.c) through
** kb_extract(format = KB_FMT_FLAT), with and without the explain callback.
** Invariants: success gives an article and error gives none; every string
** of the article is valid UTF-8 without control characters the builders
** remove; arrays and counts agree; the JSON form is produced and is valid
** UTF-8; explanations never point outside the input.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "khabar.h"

struct span { const char *lo, *hi; };

static void on_explain(void *ctx, const char *label, const char *why, const char *text, size_t n) {
    const struct span *s = ctx;
    if (!label || !why) abort();
    if (n && (text < s->lo || text + n > s->hi)) abort();
}

static void check_str(const char *z) {
    if (!z) abort();
    size_t n = strlen(z);
    if (!kb__utf8_valid(z, n)) abort();
    if (n && (z[0] == ' ' || z[n - 1] == ' ')) abort(); /* builders trim */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *p = (const char *)data;
    struct span s = {p, p + size};
    for (int pass = 0; pass < 2; pass++) {
        kb_extract_opts o = {0};
        o.format = KB_FMT_FLAT;
        if (pass) {
            o.explain = on_explain;
            o.explain_ctx = &s;
        }
        kb_article *a = NULL;
        const char *err = NULL;
        int rc = kb_extract(p, size, &o, &a, &err);
        if (rc != KB_OK) {
            if (a || rc > 0 || !err) abort();
            continue;
        }
        if (!a) abort();
        if (a->nparagraphs && !a->paragraphs) abort();
        if (!a->nparagraphs && !a->title) abort();
        for (size_t i = 0; i < a->nparagraphs; i++) check_str(a->paragraphs[i]);
        for (size_t i = 0; i < a->nauthors; i++) check_str(a->authors[i]);
        for (size_t i = 0; i < a->nrelated; i++) {
            check_str(a->related[i].title);
            if (a->related[i].url) check_str(a->related[i].url);
        }
        if (a->title) check_str(a->title);
        if (a->section) check_str(a->section);
        if (a->source) check_str(a->source);
        if (a->published) check_str(a->published);
        char *json = NULL;
        size_t jn = 0;
        if (kb_article_to_json(a, &json, &jn) != KB_OK || !json) abort();
        if (!kb__utf8_valid(json, jn) || json[0] != '{' || json[jn - 1] != '}') abort();
        kb_free(json);
        kb_article_free(a);
    }
    return 0;
}
