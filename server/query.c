/*
** query.c -- strict decoding of URL query strings for the HTTP server (see
** query.h for the rules). Self-contained on purpose: the fuzz harness
** fuzz/fuzz_querystring.c compiles this file on its own.
*/
#include "query.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int fail(char *err, size_t errsz, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errsz, int code, const char *fmt, ...) {
    if (errsz) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errsz, fmt, ap);
        va_end(ap);
    }
    return code;
}

int srv_utf8_valid(const char *p, size_t n) {
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) { i++; continue; }
        size_t len;
        unsigned cp, min;
        if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; min = 0x80; }
        else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; min = 0x800; }
        else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; min = 0x10000; }
        else return 0; /* a continuation byte, C0/C1 (overlong) or F5..FF */
        if (n - i < len) return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return 0;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
        i += len;
    }
    return 1;
}

static int hexval(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decode p[0..n) into out (room for n bytes). Returns the decoded length,
** or -1 for a broken percent escape. */
static long decode(const char *p, size_t n, char *out) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '+') c = ' ';
        else if (c == '%') {
            if (n - i < 3) return -1; /* not room for two digits */
            int hi = hexval((unsigned char)p[i + 1]);
            int lo = hexval((unsigned char)p[i + 2]);
            if (hi < 0 || lo < 0) return -1;
            c = (unsigned char)(hi << 4 | lo);
            i += 2;
        }
        out[k++] = (char)c;
    }
    return (long)k;
}

/* Control characters other than tab, LF and CR are refused: NUL would cut a
** C string short, and the others have no business in a search. */
static int has_control(const char *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return 1;
    }
    return 0;
}

static int name_ok(const char *p, size_t n) {
    if (n == 0 || n > SRV_QS_MAX_NAME) return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

int srv_qs_parse(srv_qs *qs, const char *p, size_t n, char *err, size_t errsz) {
    qs->n = 0;
    if (errsz) err[0] = 0;
    if (n > SRV_QS_MAX_INPUT)
        return fail(err, errsz, SRV_QS_TOOBIG, "query string too long (%zu bytes; at most %d)", n, SRV_QS_MAX_INPUT);
    char *m = qs->mem;
    size_t i = 0;
    while (i <= n) {
        size_t j = i;
        while (j < n && p[j] != '&') j++;
        if (j > i) {
            if (qs->n == SRV_QS_MAX_PARAMS)
                return fail(err, errsz, SRV_QS_BAD, "too many parameters (at most %d)", SRV_QS_MAX_PARAMS);
            const char *eq = memchr(p + i, '=', j - i);
            size_t nlen = eq ? (size_t)(eq - (p + i)) : j - i;
            const char *v = eq ? eq + 1 : p + j;
            size_t vlen = eq ? (size_t)(p + j - v) : 0;
            long dn = decode(p + i, nlen, m);
            if (dn < 0) return fail(err, errsz, SRV_QS_BAD, "broken percent escape in a parameter name");
            if (!name_ok(m, (size_t)dn))
                return fail(err, errsz, SRV_QS_BAD, "bad parameter name (letters, digits, '_' and '-', at most %d)",
                            SRV_QS_MAX_NAME);
            m[dn] = 0;
            srv_qs_param *pp = &qs->p[qs->n];
            pp->name = m;
            pp->name_len = (size_t)dn;
            for (size_t k = 0; k < qs->n; k++)
                if (qs->p[k].name_len == pp->name_len && !memcmp(qs->p[k].name, m, pp->name_len))
                    return fail(err, errsz, SRV_QS_BAD, "parameter '%s' given twice", m);
            m += dn + 1;
            long dv = decode(v, vlen, m);
            if (dv < 0) return fail(err, errsz, SRV_QS_BAD, "broken percent escape in '%s'", pp->name);
            if (dv > SRV_QS_MAX_VALUE)
                return fail(err, errsz, SRV_QS_BAD, "'%s' is too long (at most %d bytes)", pp->name, SRV_QS_MAX_VALUE);
            if (!srv_utf8_valid(m, (size_t)dv))
                return fail(err, errsz, SRV_QS_BAD, "'%s' is not valid UTF-8", pp->name);
            if (has_control(m, (size_t)dv))
                return fail(err, errsz, SRV_QS_BAD, "'%s' contains a control character", pp->name);
            m[dv] = 0;
            pp->value = m;
            pp->value_len = (size_t)dv;
            m += dv + 1;
            qs->n++;
        }
        i = j + 1;
    }
    return SRV_QS_OK;
}

const char *srv_qs_get(const srv_qs *qs, const char *name) {
    for (size_t i = 0; i < qs->n; i++)
        if (!strcmp(qs->p[i].name, name)) return qs->p[i].value;
    return NULL;
}
