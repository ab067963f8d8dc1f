/*
** kb_buf: a growable byte buffer with a hard maximum (after curl's dynbuf).
** Growth past `max` fails with KB_ETOOBIG and leaves the contents as they
** were; out-of-memory fails with KB_ENOMEM. The data is always NUL-terminated
** when non-empty, so it can be handed to C string functions.
*/
#ifndef KB_CORE_BUF_H
#define KB_CORE_BUF_H

#include <stddef.h>

typedef struct kb_buf {
    char *p;
    size_t n;   /* bytes used */
    size_t cap; /* bytes allocated */
    size_t max; /* hard limit on n */
} kb_buf;

#define KB_BUF_DEFAULT_MAX ((size_t)64 << 20)

void kb__buf_init(kb_buf *b, size_t max);
void kb__buf_free(kb_buf *b);
void kb__buf_reset(kb_buf *b); /* n = 0, memory kept */
int kb__buf_reserve(kb_buf *b, size_t extra);
int kb__buf_add(kb_buf *b, const void *p, size_t n);
int kb__buf_addc(kb_buf *b, char c);
int kb__buf_adds(kb_buf *b, const char *z);
int kb__buf_printf(kb_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hand the buffer's memory to the caller (free with kb_free) and reset. */
char *kb__buf_detach(kb_buf *b, size_t *n);

#endif
