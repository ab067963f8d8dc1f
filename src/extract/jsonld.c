/*
** The forgiving JSON reader of jsonld.h. One pass over the bytes with an
** explicit stack of open containers (bounded by KB_JL_MAX_DEPTH), so hostile
** nesting costs neither recursion nor unbounded memory. Nodes are appended
** to one array and linked as they are created, which is why a parse that
** stops half-way still leaves a usable tree.
*/
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "extract/jsonld.h"
#include "khabar.h"

#define MAX_STR_BYTES ((size_t)64 << 20)

typedef struct {
    const unsigned char *s;
    size_t n, i;
    kb_jl_doc *d;
    int32_t stack[KB_JL_MAX_DEPTH + 1]; /* open containers */
    int32_t last[KB_JL_MAX_DEPTH + 1];  /* their last child, -1 if none */
    int depth;
} parser;

static int str_reserve(kb_jl_doc *d, size_t extra) {
    if (d->nstr + extra <= d->capstr) return KB_OK;
    if (d->nstr + extra > MAX_STR_BYTES) return KB_ETOOBIG;
    size_t cap = d->capstr ? d->capstr : 256;
    while (cap < d->nstr + extra) cap *= 2;
    char *q = realloc(d->str, cap);
    if (!q) return KB_ENOMEM;
    d->str = q;
    d->capstr = cap;
    return KB_OK;
}

/* A new node, linked under the innermost open container. */
static int new_node(parser *ps, int type, uint32_t key, uint32_t keyn) {
    kb_jl_doc *d = ps->d;
    if (d->nnodes >= KB_JL_MAX_NODES) return -1;
    if (d->nnodes == d->capnodes) {
        size_t cap = d->capnodes ? d->capnodes * 2 : 64;
        kb_jl_node *q = realloc(d->nodes, cap * sizeof *q);
        if (!q) return -1;
        d->nodes = q;
        d->capnodes = cap;
    }
    int32_t id = (int32_t)d->nnodes++;
    kb_jl_node *nd = &d->nodes[id];
    memset(nd, 0, sizeof *nd);
    nd->type = (uint8_t)type;
    nd->child = nd->next = -1;
    nd->key = key;
    nd->keyn = keyn;
    if (ps->depth >= 0) {
        int32_t parent = ps->stack[ps->depth];
        if (ps->last[ps->depth] < 0) d->nodes[parent].child = id;
        else d->nodes[ps->last[ps->depth]].next = id;
        ps->last[ps->depth] = id;
    }
    return id;
}

static void skip_ws(parser *ps) {
    while (ps->i < ps->n) {
        unsigned char c = ps->s[ps->i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') ps->i++;
        else break;
    }
}

static int hex4(const unsigned char *s, size_t n, size_t i, uint32_t *u) {
    if (i + 4 > n) return 0;
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        unsigned char c = s[i + k];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= c - '0';
        else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
        else return 0;
    }
    *u = v;
    return 1;
}

/* Decode a string starting after its opening quote into d->str. Raw control
** characters are kept (pages put line breaks in strings); a missing closing
** quote ends the string at the end of input. */
static int read_string(parser *ps, uint32_t *off, uint32_t *len) {
    kb_jl_doc *d = ps->d;
    const unsigned char *s = ps->s;
    size_t n = ps->n, i = ps->i;
    /* Worst case the decoded string is no longer than the source. */
    size_t end = i;
    while (end < n && s[end] != '"') end += (s[end] == '\\' && end + 1 < n) ? 2 : 1;
    int rc = str_reserve(d, end - i + 5);
    if (rc) return rc;
    char *w = d->str + d->nstr;
    *off = (uint32_t)d->nstr;
    while (i < end) {
        unsigned char c = s[i];
        if (c != '\\') {
            *w++ = (char)c;
            i++;
            continue;
        }
        if (i + 1 >= end) break; /* a lone backslash at the very end */
        char e = (char)s[i + 1];
        i += 2;
        switch (e) {
        case 'n': *w++ = '\n'; break;
        case 't': *w++ = '\t'; break;
        case 'r': *w++ = '\r'; break;
        case 'b': *w++ = '\b'; break;
        case 'f': *w++ = '\f'; break;
        case 'u': {
            uint32_t u = KB_REPLACEMENT, lo;
            if (hex4(s, end, i, &u)) {
                i += 4;
                if (u >= 0xD800 && u <= 0xDBFF && i + 1 < end && s[i] == '\\' && s[i + 1] == 'u' &&
                    hex4(s, end, i + 2, &lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                    i += 6;
                } else if (u >= 0xD800 && u <= 0xDFFF) {
                    u = KB_REPLACEMENT;
                }
            }
            /* \uXXXX is 6 source bytes and at most 3 output bytes; a pair is
            ** 12 bytes for 4, so the reservation above holds. */
            w += kb__utf8_encode(u, w);
            break;
        }
        default: *w++ = e; break; /* \" \\ \/ and unknown escapes */
        }
    }
    *len = (uint32_t)(w - (d->str + d->nstr));
    *w++ = 0;
    d->nstr = (size_t)(w - d->str);
    ps->i = end < n ? end + 1 : n;
    return KB_OK;
}

static int is_word_char(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '+' ||
           c == '-' || c == '_';
}

int kb__jl_parse(const char *p, size_t n, kb_jl_doc *d) {
    memset(d, 0, sizeof *d);
    parser ps = {(const unsigned char *)p, n, 0, d, {0}, {0}, -1};
    int rc = KB_OK;
    if (new_node(&ps, KB_JL_ARR, 0, 0) < 0) return KB_ENOMEM;
    ps.depth = 0;
    ps.stack[0] = 0;
    ps.last[0] = -1;
    int expect_key = 0;
    uint32_t key = 0, keyn = 0;
    while (rc == KB_OK) {
        skip_ws(&ps);
        if (ps.i >= n) break;
        unsigned char c = ps.s[ps.i];
        if (c == ',') {
            ps.i++;
            continue;
        }
        int in_obj = ps.depth > 0 && d->nodes[ps.stack[ps.depth]].type == KB_JL_OBJ;
        if (c == '}' || c == ']') {
            ps.i++;
            expect_key = 0;
            if (ps.depth > 0) ps.depth--; /* mismatched closers close anyway */
            continue;
        }
        if (in_obj && !expect_key) {
            /* A member name, then ':'. Unquoted names are accepted. */
            if (c == '"') {
                ps.i++;
                if ((rc = read_string(&ps, &key, &keyn))) break;
            } else if (is_word_char(c)) {
                size_t st = ps.i;
                while (ps.i < n && is_word_char(ps.s[ps.i])) ps.i++;
                if ((rc = str_reserve(d, ps.i - st + 1))) break;
                key = (uint32_t)d->nstr;
                keyn = (uint32_t)(ps.i - st);
                memcpy(d->str + d->nstr, ps.s + st, keyn);
                d->str[d->nstr + keyn] = 0;
                d->nstr += keyn + 1;
            } else {
                rc = KB_EPARSE;
                break;
            }
            skip_ws(&ps);
            if (ps.i < n && ps.s[ps.i] == ':') ps.i++;
            else {
                rc = KB_EPARSE;
                break;
            }
            expect_key = 1; /* now expecting the value */
            continue;
        }
        uint32_t k = in_obj ? key : 0, kn = in_obj ? keyn : 0;
        expect_key = 0;
        int id;
        if (c == '{' || c == '[') {
            if (ps.depth >= KB_JL_MAX_DEPTH) {
                rc = KB_EPARSE;
                break;
            }
            if ((id = new_node(&ps, c == '{' ? KB_JL_OBJ : KB_JL_ARR, k, kn)) < 0) {
                rc = KB_ENOMEM;
                break;
            }
            ps.i++;
            ps.depth++;
            ps.stack[ps.depth] = id;
            ps.last[ps.depth] = -1;
        } else if (c == '"') {
            if ((id = new_node(&ps, KB_JL_STR, k, kn)) < 0) {
                rc = KB_ENOMEM;
                break;
            }
            ps.i++;
            uint32_t off, len;
            if ((rc = read_string(&ps, &off, &len))) break;
            d->nodes[id].val = off;
            d->nodes[id].valn = len;
        } else if (is_word_char(c)) {
            size_t st = ps.i;
            while (ps.i < n && is_word_char(ps.s[ps.i])) ps.i++;
            size_t wn = ps.i - st;
            int type = KB_JL_NUM;
            if (wn == 4 && !memcmp(ps.s + st, "true", 4)) type = KB_JL_TRUE;
            else if (wn == 5 && !memcmp(ps.s + st, "false", 5)) type = KB_JL_FALSE;
            else if (wn == 4 && !memcmp(ps.s + st, "null", 4)) type = KB_JL_NULL;
            if ((id = new_node(&ps, type, k, kn)) < 0 || (rc = str_reserve(d, wn + 1))) {
                rc = rc ? rc : KB_ENOMEM;
                break;
            }
            d->nodes[id].val = (uint32_t)d->nstr;
            d->nodes[id].valn = (uint32_t)wn;
            memcpy(d->str + d->nstr, ps.s + st, wn);
            d->str[d->nstr + wn] = 0;
            d->nstr += wn + 1;
        } else {
            rc = KB_EPARSE;
        }
    }
    if (rc == KB_OK && ps.depth > 0) rc = KB_EPARSE; /* truncated */
    return rc;
}

void kb__jl_free(kb_jl_doc *d) {
    free(d->nodes);
    free(d->str);
    memset(d, 0, sizeof *d);
}

int kb__jl_get(const kb_jl_doc *d, int obj, const char *key) {
    if (kb__jl_type(d, obj) != KB_JL_OBJ) return -1;
    size_t kn = strlen(key);
    for (int32_t c = d->nodes[obj].child; c >= 0; c = d->nodes[c].next)
        if (d->nodes[c].keyn == kn && !memcmp(d->str + d->nodes[c].key, key, kn)) return c;
    return -1;
}

const char *kb__jl_str(const kb_jl_doc *d, int node, size_t *n) {
    int t = kb__jl_type(d, node);
    if (t != KB_JL_STR && t != KB_JL_NUM) return NULL;
    if (n) *n = d->nodes[node].valn;
    return d->str + d->nodes[node].val;
}

const char *kb__jl_get_str(const kb_jl_doc *d, int obj, const char *key, size_t *n) {
    return kb__jl_str(d, kb__jl_get(d, obj, key), n);
}
