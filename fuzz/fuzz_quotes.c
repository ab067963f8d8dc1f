/*
** Fuzz harness for the quote finder (src/analyze/quotes.c): a flattened page
** goes through kb_extract(format = KB_FMT_FLAT) and kb_analyze(). Invariants:
** every quote names an existing paragraph, start <= end <= the paragraph's
** length in code points, its strings are present (speaker may be NULL) and
** valid UTF-8, and the text is exactly the paragraph's code points
** [start, end).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "khabar.h"

/* Byte offset of code point `cp` in z (or strlen(z) past the end). */
static size_t cp_to_byte(const char *z, size_t n, size_t cp) {
    size_t i = 0, k = 0;
    while (i < n && k < cp) {
        size_t len;
        kb__utf8_decode((const unsigned char *)z + i, n - i, &len);
        i += len;
        k++;
    }
    return i;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    kb_extract_opts o = {0};
    o.format = KB_FMT_FLAT;
    kb_article *a = NULL;
    const char *err = NULL;
    if (kb_extract((const char *)data, size, &o, &a, &err) != KB_OK) return 0;
    if (kb_analyze(a) != KB_OK) abort(); /* only out-of-memory may fail */
    for (size_t i = 0; i < a->nquotes; i++) {
        const kb_quote *q = &a->quotes[i];
        if (q->paragraph < 0 || (size_t)q->paragraph >= a->nparagraphs) abort();
        const char *p = a->paragraphs[q->paragraph];
        size_t pn = strlen(p);
        if (q->start > q->end || q->end > kb__utf8_count(p, pn)) abort();
        if (!q->speaker_mention || !q->verb || !q->text) abort();
        if (!kb__utf8_valid(q->text, strlen(q->text)) || !kb__utf8_valid(q->verb, strlen(q->verb)) ||
            !kb__utf8_valid(q->speaker_mention, strlen(q->speaker_mention)))
            abort();
        if (q->speaker && !kb__utf8_valid(q->speaker, strlen(q->speaker))) abort();
        size_t b0 = cp_to_byte(p, pn, q->start), b1 = cp_to_byte(p, pn, q->end);
        if (b1 - b0 != strlen(q->text) || memcmp(p + b0, q->text, b1 - b0)) abort();
    }
    kb_article_free(a);
    return 0;
}
