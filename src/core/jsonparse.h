/*
** A small JSON parser (RFC 8259) into a tree allocated in a kb_arena, for the
** JSON Lines readers and JSON-LD metadata. Robust to hostile input: depth is
** bounded, input is never read past n, strings are unescaped to UTF-8
** (\uXXXX with surrogate pairs; lone surrogates become U+FFFD) and invalid
** UTF-8 inside strings is replaced with U+FFFD.
*/
#ifndef KB_CORE_JSONPARSE_H
#define KB_CORE_JSONPARSE_H

#include <stddef.h>

#include "core/arena.h"

enum { KB_JSON_NULL, KB_JSON_FALSE, KB_JSON_TRUE, KB_JSON_NUMBER, KB_JSON_STRING, KB_JSON_ARRAY, KB_JSON_OBJECT };

typedef struct kb_json {
    int type;
    const char *s;   /* STRING: unescaped, NUL-terminated; NUMBER: its text */
    size_t n;        /* length of s; ARRAY/OBJECT: number of children */
    const char *key; /* member name when inside an object (NUL-terminated) */
    size_t keyn;
    struct kb_json *child, *next; /* first child; next sibling */
} kb_json;

#define KB_JSON_MAX_DEPTH 64

/*
** Parse p[0..n) (one JSON value, surrounding white space allowed). Returns
** KB_OK and *out, or KB_EPARSE (with the byte offset of the error in *errpos
** when not NULL), KB_ENOMEM, or KB_ETOOBIG (nesting deeper than max_depth).
*/
int kb__json_parse(kb_arena *a, const char *p, size_t n, size_t max_depth, kb_json **out, size_t *errpos);

/* The member `key` of an object, or NULL. */
const kb_json *kb__json_get(const kb_json *obj, const char *key);

/* The string value of member `key`, or NULL if absent or not a string. */
const char *kb__json_get_str(const kb_json *obj, const char *key, size_t *n);

#endif
