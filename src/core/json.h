/*
** JSON writing into a kb_buf: strings escaped per RFC 8259 (UTF-8 kept as is,
** invalid UTF-8 replaced with U+FFFD so the output is always valid JSON).
*/
#ifndef KB_CORE_JSON_H
#define KB_CORE_JSON_H

#include <stddef.h>

#include "core/buf.h"

int kb__json_str(kb_buf *b, const char *p, size_t n);  /* "..." */
int kb__json_strz(kb_buf *b, const char *z);           /* "..." or null if z is NULL */
int kb__json_key(kb_buf *b, const char *key, int first); /* ,"key": */

#endif
