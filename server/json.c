/*
** json.c -- the server's capped response buffer and JSON writer (see
** json.h). Strings are quoted by libkhabar's kb_json_quote(), the form every
** khabar output uses (U+2028 and U+2029 escaped too, so a response can be
** embedded in a script without surprise).
*/
#include "json.h"

#include "khabar.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void srv_buf_init(srv_buf *b, size_t max) {
    memset(b, 0, sizeof *b);
    b->max = max;
}

void srv_buf_free(srv_buf *b) {
    free(b->p);
    memset(b, 0, sizeof *b);
}

char *srv_buf_take(srv_buf *b, size_t *n) {
    char *p = b->p;
    *n = b->n;
    if (!p) p = malloc(1); /* an empty answer is still a buffer to free */
    b->p = NULL;
    b->n = b->cap = 0;
    return p;
}

static int grow(srv_buf *b, size_t need) {
    if (b->failed) return 0;
    if (need <= b->cap - b->n) return 1;
    if (need > b->max - b->n) { b->failed = 1; return 0; }
    size_t cap = b->cap ? b->cap : 1024;
    while (cap - b->n < need) cap = cap > b->max / 2 ? b->max : cap * 2;
    char *p = realloc(b->p, cap);
    if (!p) { b->failed = 1; return 0; }
    b->p = p;
    b->cap = cap;
    return 1;
}

void srv_put(srv_buf *b, const char *p, size_t n) {
    if (!grow(b, n)) return;
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

void srv_puts(srv_buf *b, const char *z) { srv_put(b, z, strlen(z)); }

void srv_printf(srv_buf *b, const char *fmt, ...) {
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k < 0 || (size_t)k >= sizeof tmp) { b->failed = 1; return; } /* only short numbers go here */
    srv_put(b, tmp, (size_t)k);
}

void srv_json_str(srv_buf *b, const char *z) {
    if (!z) { srv_puts(b, "null"); return; }
    size_t k;
    char *q = kb_json_quote(z, strlen(z), &k);
    if (!q) { b->failed = 1; return; }
    srv_put(b, q, k);
    kb_free(q);
}

void srv_json_key(srv_buf *b, const char *key, int first) {
    if (!first) srv_put(b, ",", 1);
    srv_json_str(b, key);
    srv_put(b, ":", 1);
}

void srv_json_field(srv_buf *b, const char *key, const char *z, int first) {
    srv_json_key(b, key, first);
    srv_json_str(b, z);
}
