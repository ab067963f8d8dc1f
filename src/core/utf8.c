/*
** UTF-8 helpers that are too large to inline. See utf8.h.
*/
#include "core/utf8.h"

size_t kb__utf8_count(const char *p, size_t n) {
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0, k = 0, len;
    while (i < n) {
        if (s[i] < 0x80) { i++; k++; continue; }
        kb__utf8_decode(s + i, n - i, &len);
        i += len;
        k++;
    }
    return k;
}

int kb__utf8_valid(const char *p, size_t n) {
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0, len;
    while (i < n) {
        if (s[i] < 0x80) { i++; continue; }
        if (kb__utf8_decode(s + i, n - i, &len) == KB_REPLACEMENT &&
            !(len == 3 && s[i] == 0xEF && s[i + 1] == 0xBF && s[i + 2] == 0xBD))
            return 0;
        i += len;
    }
    return 1;
}
