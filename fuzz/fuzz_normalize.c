/*
** Fuzz harness for normalization. Invariants: the output fits the bound,
** is valid UTF-8, and normalizing it again changes nothing — for the search
** and display presets and for the flag set taken from the first input byte.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "khabar.h"

static void check(const char *p, size_t n, unsigned flags) {
    char *a = malloc(KB_NORMALIZE_BOUND(n) + 1);
    if (!a) return;
    size_t k = kb_normalize_into(p, n, flags, a);
    if (k > KB_NORMALIZE_BOUND(n)) abort();
    if (!kb__utf8_valid(a, k)) abort();
    char *b = malloc(KB_NORMALIZE_BOUND(k) + 1);
    if (!b) { free(a); return; }
    size_t k2 = kb_normalize_into(a, k, flags, b);
    if (k2 != k || memcmp(a, b, k) != 0) abort();
    free(a);
    free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    check((const char *)data, size, KB_NORM_SEARCH);
    check((const char *)data, size, KB_NORM_DISPLAY);
    if (size >= 2) check((const char *)data + 2, size - 2, (unsigned)data[0] | ((unsigned)(data[1] & 0x0F) << 8));
    return 0;
}
