/*
** json.h -- the server's response buffer: a growable byte buffer with a hard
** maximum, and the few JSON writers the API routes need. A failed growth
** (out of memory, or past the maximum) sets `failed` and makes every later
** write a no-op, so a route writes its whole answer and checks once.
*/
#ifndef KB_SERVER_JSON_H
#define KB_SERVER_JSON_H

#include <stddef.h>

typedef struct srv_buf {
    char *p;
    size_t n, cap, max;
    int failed;
} srv_buf;

void srv_buf_init(srv_buf *b, size_t max);
void srv_buf_free(srv_buf *b);
/* Hand the bytes over (malloc'd; the caller frees with free()); b is reset. */
char *srv_buf_take(srv_buf *b, size_t *n);

void srv_put(srv_buf *b, const char *p, size_t n);
void srv_puts(srv_buf *b, const char *z);
void srv_printf(srv_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* z as a JSON string ("null" when z is NULL). */
void srv_json_str(srv_buf *b, const char *z);
/* ,"key": before a value; the comma only when not first. */
void srv_json_key(srv_buf *b, const char *key, int first);
/* "key":"value" (or null) with the comma rule above. */
void srv_json_field(srv_buf *b, const char *key, const char *z, int first);

#endif
