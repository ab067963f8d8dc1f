/*
** light10 baseline (see light10.h): the rules of Lucene's ArabicNormalizer
** and ArabicStemmer, written from their description for the benchmarks.
** Works on an array of code points so that lengths count letters.
*/
#include "light10.h"

#include <stdint.h>
#include <string.h>

#define MAXCP 1024

static size_t decode(const unsigned char *s, size_t n, uint32_t *cp) {
    size_t i = 0, k = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            cp[k++] = c;
            i++;
        } else if (c >= 0xC0 && c < 0xE0 && i + 1 < n) {
            cp[k++] = (uint32_t)(c & 0x1F) << 6 | (s[i + 1] & 0x3F);
            i += 2;
        } else if (c >= 0xE0 && c < 0xF0 && i + 2 < n) {
            cp[k++] = (uint32_t)(c & 0x0F) << 12 | (uint32_t)(s[i + 1] & 0x3F) << 6 | (s[i + 2] & 0x3F);
            i += 3;
        } else if (c >= 0xF0 && i + 3 < n) {
            cp[k++] = (uint32_t)(c & 0x07) << 18 | (uint32_t)(s[i + 1] & 0x3F) << 12 |
                      (uint32_t)(s[i + 2] & 0x3F) << 6 | (s[i + 3] & 0x3F);
            i += 4;
        } else {
            cp[k++] = 0xFFFD; /* invalid: keep going, one byte at a time */
            i++;
        }
    }
    return k;
}

static size_t encode(const uint32_t *cp, size_t k, char *dst) {
    unsigned char *d = (unsigned char *)dst;
    size_t w = 0;
    for (size_t i = 0; i < k; i++) {
        uint32_t u = cp[i];
        if (u < 0x80) {
            d[w++] = (unsigned char)u;
        } else if (u < 0x800) {
            d[w++] = (unsigned char)(0xC0 | u >> 6);
            d[w++] = (unsigned char)(0x80 | (u & 0x3F));
        } else if (u < 0x10000) {
            d[w++] = (unsigned char)(0xE0 | u >> 12);
            d[w++] = (unsigned char)(0x80 | ((u >> 6) & 0x3F));
            d[w++] = (unsigned char)(0x80 | (u & 0x3F));
        } else {
            d[w++] = (unsigned char)(0xF0 | u >> 18);
            d[w++] = (unsigned char)(0x80 | ((u >> 12) & 0x3F));
            d[w++] = (unsigned char)(0x80 | ((u >> 6) & 0x3F));
            d[w++] = (unsigned char)(0x80 | (u & 0x3F));
        }
    }
    return w;
}

size_t light10_normalize(const char *w, size_t n, char *dst) {
    uint32_t cp[MAXCP];
    if (n > MAXCP) {
        memmove(dst, w, n);
        return n;
    }
    size_t k = decode((const unsigned char *)w, n, cp), o = 0;
    for (size_t i = 0; i < k; i++) {
        uint32_t u = cp[i];
        if (u == 0x0622 || u == 0x0623 || u == 0x0625) u = 0x0627;
        else if (u == 0x0649) u = 0x064A;
        else if (u == 0x0629) u = 0x0647;
        else if (u == 0x0640 || (u >= 0x064B && u <= 0x0652)) continue;
        cp[o++] = u;
    }
    /* Invalid bytes became U+FFFD (3 bytes); never write past n. */
    size_t len = encode(cp, o, dst);
    return len <= n ? len : n;
}

/* Affixes as code point strings, in Lucene's order. */
static const uint32_t prefixes[][3] = {
    {0x0627, 0x0644, 0}, {0x0648, 0x0627, 0x0644}, {0x0628, 0x0627, 0x0644},
    {0x0643, 0x0627, 0x0644}, {0x0641, 0x0627, 0x0644}, {0x0644, 0x0644, 0}, {0x0648, 0, 0}};
static const uint32_t suffixes[][2] = {
    {0x0647, 0x0627}, {0x0627, 0x0646}, {0x0627, 0x062A}, {0x0648, 0x0646}, {0x064A, 0x0646},
    {0x064A, 0x0647}, {0x064A, 0x0629}, {0x0647, 0}, {0x0629, 0}, {0x064A, 0}};

static size_t alen(const uint32_t *a, size_t max) {
    size_t k = 0;
    while (k < max && a[k]) k++;
    return k;
}

size_t light10_stem(const char *w, size_t n, char *dst) {
    uint32_t cp[MAXCP];
    if (n > MAXCP) {
        memmove(dst, w, n);
        return n;
    }
    size_t len = decode((const unsigned char *)w, n, cp), b = 0;
    for (size_t p = 0; p < sizeof prefixes / sizeof *prefixes; p++) {
        size_t pl = alen(prefixes[p], 3);
        /* The one-letter prefix (و) needs four letters; others leave two. */
        if (pl == 1 ? len < 4 : len < pl + 2) continue;
        size_t i = 0;
        while (i < pl && cp[i] == prefixes[p][i]) i++;
        if (i == pl) {
            b = pl;
            break;
        }
    }
    uint32_t *s = cp + b;
    len -= b;
    for (size_t x = 0; x < sizeof suffixes / sizeof *suffixes; x++) {
        size_t sl = alen(suffixes[x], 2);
        if (len < sl + 2) continue;
        size_t i = 0;
        while (i < sl && s[len - sl + i] == suffixes[x][i]) i++;
        if (i == sl) len -= sl;
    }
    size_t out = encode(s, len, dst);
    return out <= n ? out : n;
}
