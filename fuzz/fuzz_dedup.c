/*
** Fuzz harness for story signatures (src/dedup/minhash.c): an article is
** built from the bytes with kb_extract(format = KB_FMT_FLAT) and signed.
** Invariants: a signature exists exactly when the body has a token; it is
** deterministic (signing again gives the same values), its similarity with
** itself is 1.0, it survives the blob round trip with the same band keys,
** signing the joined body text gives the same signature, and the grouper
** puts the article and its copy into one story.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dedup/dedup.h"
#include "khabar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static kb_sigger *s;
    if (!s && kb__sigger_new(&s, NULL) != KB_OK) abort();
    kb_extract_opts o = {0};
    o.format = KB_FMT_FLAT;
    kb_article *a = NULL;
    const char *err = NULL;
    if (kb_extract((const char *)data, size, &o, &a, &err) != KB_OK) return 0;
    kb_sig x, y;
    int rc = kb__sig_compute(s, a, &x);
    size_t nsh = kb__sig_shingles(s, a, NULL, 0);
    if (rc != KB_OK && rc != KB_EEMPTY) abort();
    if ((rc == KB_OK) != (nsh > 0)) abort();
    if (rc == KB_OK) {
        if (kb__sig_compute(s, a, &y) != KB_OK || memcmp(&x, &y, sizeof x)) abort();
        if (kb__sig_similarity(&x, &x) != 1.0) abort();
        unsigned char blob[KB_SIG_BYTES];
        kb__sig_to_blob(&x, blob);
        if (kb__sig_from_blob(blob, sizeof blob, &y) != KB_OK || memcmp(&x, &y, sizeof x)) abort();
        uint64_t k1[KB_SIG_BANDS], k2[KB_SIG_BANDS];
        kb__sig_bands(&x, k1);
        kb__sig_bands(&y, k2);
        if (memcmp(k1, k2, sizeof k1)) abort();
        /* The body as the archive stores it: paragraphs joined by '\n'. */
        size_t n = 0;
        for (size_t i = 0; i < a->nparagraphs; i++) n += strlen(a->paragraphs[i]) + 1;
        char *body = malloc(n + 1);
        if (!body) abort();
        size_t w = 0;
        for (size_t i = 0; i < a->nparagraphs; i++) {
            if (i) body[w++] = '\n';
            size_t k = strlen(a->paragraphs[i]);
            memcpy(body + w, a->paragraphs[i], k);
            w += k;
        }
        if (kb__sig_compute_text(s, body, w, &y) != KB_OK || memcmp(&x, &y, sizeof x)) abort();
        free(body);
        kb_grouper *g;
        int64_t s1, s2;
        if (kb__grouper_new(&g, NULL) != KB_OK) abort();
        if (kb__grouper_add(g, &x, &s1, NULL) || kb__grouper_add(g, &x, &s2, NULL)) abort();
        if (s1 != 0 || s2 != 0) abort();
        kb__grouper_free(g);
    }
    kb_article_free(a);
    return 0;
}
