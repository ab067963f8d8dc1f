/*
** A small JSON parser into a tree allocated in a kb_arena: strict (RFC 8259)
** for the JSON Lines readers and the archive, lenient for JSON-LD found in
** web pages and for the gold files tests read. Robust to hostile input: depth
** is bounded, input is never read past n, strings are unescaped to UTF-8
** (\uXXXX with surrogate pairs; lone surrogates become U+FFFD).
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

/*
** Parse p[0..n) as a browser-tolerant reader would. Pages hold JSON-LD that
** is often broken; this accepts missing, doubled and trailing commas, closers
** that do not match, unquoted member names and bare words (a bare word other
** than true/false/null becomes a NUMBER holding its text), raw control
** characters and bytes in strings (kept as they are, so invalid UTF-8 is not
** replaced), unknown escapes, and several values one after the other: they
** become the children of a synthetic root ARRAY, returned in *out.
**
** On a hard error the parse stops and keeps what it has built: *out is then
** still a consistent tree, worth reading. Returns KB_OK, KB_EPARSE (a syntax
** error, or the input ends inside an object or array), KB_ETOOBIG (nesting
** deeper than KB_JSON_MAX_DEPTH) or KB_ENOMEM (*out is NULL only when even
** the root could not be allocated).
*/
int kb__json_parse_lenient(kb_arena *a, const char *p, size_t n, kb_json **out);

/* The member `key` of an object, or NULL. */
const kb_json *kb__json_get(const kb_json *obj, const char *key);

/* The string value of member `key`, or NULL if absent or not a string. */
const char *kb__json_get_str(const kb_json *obj, const char *key, size_t *n);

/* The text of a STRING or NUMBER node (with its length in *n), or NULL for
** other types and for NULL. */
const char *kb__json_text(const kb_json *v, size_t *n);

#endif
