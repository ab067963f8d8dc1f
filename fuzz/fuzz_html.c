/*
** Fuzz harness for the HTML extractor (src/extract/html*.c, core/jsonparse.c,
** date.c through it). Every input must give KB_OK or a documented error;
** on success the article must serialise to JSON, every string in it must be
** valid UTF-8, and the date, when set, must look like ISO 8601. The first
** byte picks an optional URL and charset so those paths are explored too.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "khabar.h"

static void check_str(const char *z) {
    if (z && !kb__utf8_valid(z, strlen(z))) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    kb_extract_opts o = {0};
    o.format = KB_FMT_HTML;
    o.max_bytes = 1 << 20;
    if (size && (data[0] & 1)) o.url = "https://example.com/a/b/page.html?x=1";
    if (size && (data[0] & 2)) o.charset = (data[0] & 4) ? "windows-1256" : "iso-8859-6";
    kb_article *a = NULL;
    const char *em = NULL;
    int rc = kb_extract((const char *)data, size, &o, &a, &em);
    if (rc != KB_OK) {
        if (a || !em) abort();
        if (rc != KB_EEMPTY && rc != KB_EBINARY && rc != KB_ETOOBIG && rc != KB_EPARSE && rc != KB_ENOMEM &&
            rc != KB_EENCODING)
            abort();
        return 0;
    }
    char *json = NULL;
    size_t jn = 0;
    if (kb_article_to_json(a, &json, &jn) != KB_OK || !json || !kb__utf8_valid(json, jn)) abort();
    kb_free(json);
    check_str(a->title);
    check_str(a->source);
    check_str(a->section);
    check_str(a->url);
    for (size_t i = 0; i < a->nparagraphs; i++) check_str(a->paragraphs[i]);
    for (size_t i = 0; i < a->nauthors; i++) check_str(a->authors[i]);
    for (size_t i = 0; i < a->nrelated; i++) check_str(a->related[i].title), check_str(a->related[i].url);
    if (a->published) {
        const char *d = a->published;
        if (strlen(d) < 10 || d[4] != '-' || d[7] != '-') abort();
    }
    kb_article_free(a);
    return 0;
}
