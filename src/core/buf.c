/*
** Growable byte buffers with a hard maximum. See buf.h.
*/
#include "core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "khabar.h"

void kb__buf_init(kb_buf *b, size_t max) {
    b->p = NULL;
    b->n = b->cap = 0;
    b->max = max ? max : KB_BUF_DEFAULT_MAX;
}

void kb__buf_free(kb_buf *b) {
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
}

void kb__buf_reset(kb_buf *b) {
    b->n = 0;
    if (b->p) b->p[0] = 0;
}

int kb__buf_reserve(kb_buf *b, size_t extra) {
    if (extra > b->max || b->n > b->max - extra) return KB_ETOOBIG;
    size_t need = b->n + extra + 1; /* room for the NUL */
    if (need <= b->cap) return KB_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
    if (cap > b->max + 1) cap = b->max + 1;
    char *p = realloc(b->p, cap);
    if (!p) return KB_ENOMEM;
    b->p = p;
    b->cap = cap;
    return KB_OK;
}

int kb__buf_add(kb_buf *b, const void *p, size_t n) {
    int rc = kb__buf_reserve(b, n);
    if (rc) return rc;
    if (n) memcpy(b->p + b->n, p, n);
    b->n += n;
    b->p[b->n] = 0;
    return KB_OK;
}

int kb__buf_addc(kb_buf *b, char c) { return kb__buf_add(b, &c, 1); }

int kb__buf_adds(kb_buf *b, const char *z) { return kb__buf_add(b, z, strlen(z)); }

int kb__buf_printf(kb_buf *b, const char *fmt, ...) {
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (k < 0) return KB_EINVAL;
    if ((size_t)k < sizeof small) return kb__buf_add(b, small, (size_t)k);
    int rc = kb__buf_reserve(b, (size_t)k);
    if (rc) return rc;
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
    return KB_OK;
}

char *kb__buf_detach(kb_buf *b, size_t *n) {
    if (kb__buf_reserve(b, 0)) return NULL;
    char *p = b->p;
    if (n) *n = b->n;
    b->p = NULL;
    b->n = b->cap = 0;
    return p;
}
