/*
** A small, forgiving JSON reader for the extractors (JSON-LD in HTML pages)
** and for tests that read gold files. It builds a flat tree of nodes (arrays
** of indices, no pointers) with strings decoded to UTF-8.
**
** Web pages hold JSON-LD that is often broken: trailing commas, raw line
** breaks inside strings, truncated objects, several objects one after the
** other. The reader accepts the first three as a browser-tolerant parser
** would, and on a hard error stops and keeps what it has built so far: the
** tree is always consistent, so callers can still look inside. Nesting is
** capped (KB_JL_MAX_DEPTH) and so is the node count; the parser is
** iterative and never reads past n.
*/
#ifndef KB_EXTRACT_JSONLD_H
#define KB_EXTRACT_JSONLD_H

#include <stddef.h>
#include <stdint.h>

#define KB_JL_MAX_DEPTH 64
#define KB_JL_MAX_NODES (1u << 20)

enum kb_jl_type { KB_JL_NULL, KB_JL_FALSE, KB_JL_TRUE, KB_JL_NUM, KB_JL_STR, KB_JL_ARR, KB_JL_OBJ };

typedef struct kb_jl_node {
    uint8_t type;
    int32_t child, next;   /* first child / next sibling, -1 if none */
    uint32_t key, keyn;    /* member name (offset, length in str), objects only */
    uint32_t val, valn;    /* string value or number text (offset, length) */
} kb_jl_node;

typedef struct kb_jl_doc {
    kb_jl_node *nodes;
    size_t nnodes, capnodes;
    char *str; /* decoded strings, each NUL-terminated */
    size_t nstr, capstr;
} kb_jl_doc;

/* Parse p[0..n). Several top-level values are allowed (they become the
** children of a synthetic root array, node 0). Returns KB_OK, KB_EPARSE (the
** document is kept as far as it parsed), KB_ETOOBIG or KB_ENOMEM. Free with
** kb__jl_free in every case. */
int kb__jl_parse(const char *p, size_t n, kb_jl_doc *d);
void kb__jl_free(kb_jl_doc *d);

/* The member `key` of object node `obj`, or -1. */
int kb__jl_get(const kb_jl_doc *d, int obj, const char *key);
/* The string (or number text) of a node, or NULL for other types. */
const char *kb__jl_str(const kb_jl_doc *d, int node, size_t *n);
/* The string of member `key` of `obj`, or NULL. */
const char *kb__jl_get_str(const kb_jl_doc *d, int obj, const char *key, size_t *n);

static inline int kb__jl_type(const kb_jl_doc *d, int node) {
    return node >= 0 && (size_t)node < d->nnodes ? d->nodes[node].type : -1;
}

#endif
