/*
** UTF-8 decoding and encoding. The decoder never reads past the end of the
** input; an invalid or truncated sequence decodes as U+FFFD of length 1, so
** every byte is consumed exactly once and scans always advance.
*/
#ifndef KB_CORE_UTF8_H
#define KB_CORE_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define KB_REPLACEMENT 0xFFFD

/* Decode one code point at p[0..n), n > 0. Stores its byte length in *len. */
static inline uint32_t kb__utf8_decode(const unsigned char *p, size_t n, size_t *len) {
    unsigned c = p[0];
    if (c < 0x80) { *len = 1; return c; }
    if (c >= 0xC2 && c <= 0xDF) {
        if (n >= 2 && (p[1] & 0xC0) == 0x80) {
            *len = 2;
            return ((uint32_t)(c & 0x1F) << 6) | (p[1] & 0x3F);
        }
    } else if (c >= 0xE0 && c <= 0xEF) {
        if (n >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
            uint32_t u = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
            if (u >= 0x800 && (u < 0xD800 || u > 0xDFFF)) { *len = 3; return u; }
        }
    } else if (c >= 0xF0 && c <= 0xF4) {
        if (n >= 4 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 && (p[3] & 0xC0) == 0x80) {
            uint32_t u = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
                         ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
            if (u >= 0x10000 && u <= 0x10FFFF) { *len = 4; return u; }
        }
    }
    *len = 1;
    return KB_REPLACEMENT;
}

/* Encode u into dst (room for 4 bytes); returns the byte length. */
static inline size_t kb__utf8_encode(uint32_t u, char *dst) {
    unsigned char *d = (unsigned char *)dst;
    if (u < 0x80) { d[0] = (unsigned char)u; return 1; }
    if (u < 0x800) { d[0] = (unsigned char)(0xC0 | (u >> 6)); d[1] = (unsigned char)(0x80 | (u & 0x3F)); return 2; }
    if (u < 0x10000) {
        d[0] = (unsigned char)(0xE0 | (u >> 12));
        d[1] = (unsigned char)(0x80 | ((u >> 6) & 0x3F));
        d[2] = (unsigned char)(0x80 | (u & 0x3F));
        return 3;
    }
    d[0] = (unsigned char)(0xF0 | (u >> 18));
    d[1] = (unsigned char)(0x80 | ((u >> 12) & 0x3F));
    d[2] = (unsigned char)(0x80 | ((u >> 6) & 0x3F));
    d[3] = (unsigned char)(0x80 | (u & 0x3F));
    return 4;
}

/* Number of code points in p[0..n) (invalid bytes count one each). */
size_t kb__utf8_count(const char *p, size_t n);

/* 1 if p[0..n) is entirely valid UTF-8. */
int kb__utf8_valid(const char *p, size_t n);

#endif
