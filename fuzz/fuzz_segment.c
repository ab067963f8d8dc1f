/*
** Fuzz harness for the clitic segmenter. kb_segment gets the raw bytes, then
** the last 25 prefixes of their KB_NORM_SEARCH form (cuts inside a letter
** included), each in an exact-size heap copy. Invariants: the call never reads past n
** (ASan), proclitic ends increase and end where the stem starts, the stem
** lies inside the word, has_enclitic says whether the stem stops short, and
** kb_seg_format writes at most n + 8 bytes.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "khabar.h"

static void check(const char *w, size_t n) {
    kb_seg s;
    int rc = kb_segment(w, n, &s);
    if (n > KB_TOKEN_MAX) {
        if (rc != KB_EINVAL) abort();
        return;
    }
    if (rc != KB_OK) abort();
    if (s.nproc > 4 || s.stem_start > s.stem_end || s.stem_end > n) abort();
    size_t prev = 0;
    for (unsigned i = 0; i < s.nproc; i++) {
        if (s.proc_end[i] <= prev || s.proc_end[i] > s.stem_start) abort();
        prev = s.proc_end[i];
    }
    if (prev != s.stem_start) abort();
    if (s.has_enclitic != (s.stem_end < n)) abort();
    char *out = malloc(n + 8 + 1);
    if (!out) return;
    /* Poison the slack so an overlong write shows. */
    memset(out, 0x5a, n + 9);
    size_t k = kb_seg_format(w, n, &s, out);
    if (k > n + 8 || (unsigned char)out[n + 8] != 0x5a) abort();
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 4 * KB_TOKEN_MAX) return 0;
    /* An exact-size heap copy, so ASan sees any read past n. */
    char *raw = malloc(size ? size : 1);
    if (!raw) return 0;
    memcpy(raw, data, size);
    check(raw, size);
    free(raw);

    char *norm = malloc(KB_NORMALIZE_BOUND(size));
    if (!norm) return 0;
    size_t n = kb_normalize_into((const char *)data, size, KB_NORM_SEARCH, norm);
    for (size_t k = n > 24 ? n - 24 : 0; k <= n; k++) {
        char *w = malloc(k ? k : 1);
        if (!w) break;
        memcpy(w, norm, k);
        check(w, k);
        free(w);
    }
    free(norm);
    return 0;
}
