/*
** JSON parsing into an arena tree. See jsonparse.h.
**
** Recursive descent with an explicit depth bound; strings are unescaped in a
** first pass that measures and a second that writes, straight into the arena.
*/
#include "core/jsonparse.h"

#include <string.h>

#include "core/utf8.h"
#include "khabar.h"

typedef struct jp {
    kb_arena *a;
    const unsigned char *s;
    size_t n, i, max_depth;
    int err;
} jp;

static void ws(jp *j) {
    while (j->i < j->n) {
        unsigned c = j->s[j->i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
        j->i++;
    }
}

static int hex4(const unsigned char *s, unsigned *out) {
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        unsigned c = s[k];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= c - '0';
        else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
        else return 0;
    }
    *out = v;
    return 1;
}

/* Parse a string at j->i (on the opening quote). */
static char *parse_string(jp *j, size_t *outn) {
    size_t i = j->i + 1, start = i;
    /* Find the closing quote to bound the output size. */
    while (i < j->n && j->s[i] != '"') {
        if (j->s[i] == '\\') i++;
        i++;
    }
    if (i >= j->n) { j->err = KB_EPARSE; return NULL; }
    size_t end = i;
    /* Escapes only shrink; invalid bytes grow 1 -> 3. */
    char *d = kb__arena_alloc(j->a, (end - start) * 3 + 1);
    if (!d) { j->err = KB_ENOMEM; return NULL; }
    size_t w = 0;
    i = start;
    while (i < end) {
        unsigned c = j->s[i];
        if (c == '\\') {
            if (i + 1 >= end) { j->err = KB_EPARSE; return NULL; }
            unsigned e = j->s[i + 1];
            i += 2;
            switch (e) {
            case '"': d[w++] = '"'; break;
            case '\\': d[w++] = '\\'; break;
            case '/': d[w++] = '/'; break;
            case 'b': d[w++] = '\b'; break;
            case 'f': d[w++] = '\f'; break;
            case 'n': d[w++] = '\n'; break;
            case 'r': d[w++] = '\r'; break;
            case 't': d[w++] = '\t'; break;
            case 'u': {
                unsigned u;
                if (i + 4 > end || !hex4(j->s + i, &u)) { j->err = KB_EPARSE; return NULL; }
                i += 4;
                if (u >= 0xD800 && u <= 0xDBFF) {
                    unsigned lo;
                    if (i + 6 <= end && j->s[i] == '\\' && j->s[i + 1] == 'u' && hex4(j->s + i + 2, &lo) &&
                        lo >= 0xDC00 && lo <= 0xDFFF) {
                        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                        i += 6;
                    } else {
                        u = KB_REPLACEMENT;
                    }
                } else if (u >= 0xDC00 && u <= 0xDFFF) {
                    u = KB_REPLACEMENT;
                }
                w += kb__utf8_encode(u, d + w);
                break;
            }
            default: j->err = KB_EPARSE; return NULL;
            }
        } else if (c < 0x80) {
            if (c < 0x20) { j->err = KB_EPARSE; return NULL; }
            d[w++] = (char)c;
            i++;
        } else {
            size_t len;
            uint32_t u = kb__utf8_decode(j->s + i, end - i, &len);
            if (u == KB_REPLACEMENT && len == 1) w += kb__utf8_encode(u, d + w);
            else { memcpy(d + w, j->s + i, len); w += len; }
            i += len;
        }
    }
    d[w] = 0;
    *outn = w;
    j->i = end + 1;
    return d;
}

static kb_json *parse_value(jp *j, size_t depth);

static kb_json *new_node(jp *j, int type) {
    kb_json *v = kb__arena_calloc(j->a, sizeof *v);
    if (!v) j->err = KB_ENOMEM;
    else v->type = type;
    return v;
}

static kb_json *parse_container(jp *j, size_t depth, int obj) {
    if (depth >= j->max_depth) { j->err = KB_ETOOBIG; return NULL; }
    kb_json *v = new_node(j, obj ? KB_JSON_OBJECT : KB_JSON_ARRAY);
    if (!v) return NULL;
    kb_json **tail = &v->child;
    j->i++;
    ws(j);
    if (j->i < j->n && j->s[j->i] == (obj ? '}' : ']')) { j->i++; return v; }
    for (;;) {
        const char *key = NULL;
        size_t keyn = 0;
        if (obj) {
            ws(j);
            if (j->i >= j->n || j->s[j->i] != '"') { j->err = KB_EPARSE; return NULL; }
            if (!(key = parse_string(j, &keyn))) return NULL;
            ws(j);
            if (j->i >= j->n || j->s[j->i] != ':') { j->err = KB_EPARSE; return NULL; }
            j->i++;
        }
        kb_json *c = parse_value(j, depth + 1);
        if (!c) return NULL;
        c->key = key;
        c->keyn = keyn;
        *tail = c;
        tail = &c->next;
        v->n++;
        ws(j);
        if (j->i >= j->n) { j->err = KB_EPARSE; return NULL; }
        unsigned ch = j->s[j->i++];
        if (ch == ',') continue;
        if (ch == (obj ? '}' : ']')) return v;
        j->err = KB_EPARSE;
        return NULL;
    }
}

static int lit(jp *j, const char *z) {
    size_t k = strlen(z);
    if (j->n - j->i < k || memcmp(j->s + j->i, z, k)) return 0;
    j->i += k;
    return 1;
}

static kb_json *parse_value(jp *j, size_t depth) {
    ws(j);
    if (j->i >= j->n) { j->err = KB_EPARSE; return NULL; }
    unsigned c = j->s[j->i];
    if (c == '{') return parse_container(j, depth, 1);
    if (c == '[') return parse_container(j, depth, 0);
    if (c == '"') {
        kb_json *v = new_node(j, KB_JSON_STRING);
        if (v && !(v->s = parse_string(j, &v->n))) return NULL;
        return v;
    }
    if (lit(j, "null")) return new_node(j, KB_JSON_NULL);
    if (lit(j, "true")) return new_node(j, KB_JSON_TRUE);
    if (lit(j, "false")) return new_node(j, KB_JSON_FALSE);
    if (c == '-' || (c >= '0' && c <= '9')) {
        size_t st = j->i;
        while (j->i < j->n && strchr("+-0123456789.eE", j->s[j->i]) && j->s[j->i]) j->i++;
        kb_json *v = new_node(j, KB_JSON_NUMBER);
        if (v && !(v->s = kb__arena_strndup(j->a, (const char *)j->s + st, j->i - st))) j->err = KB_ENOMEM;
        if (v) v->n = j->i - st;
        return j->err ? NULL : v;
    }
    j->err = KB_EPARSE;
    return NULL;
}

int kb__json_parse(kb_arena *a, const char *p, size_t n, size_t max_depth, kb_json **out, size_t *errpos) {
    jp j = {a, (const unsigned char *)p, n, 0, max_depth ? max_depth : KB_JSON_MAX_DEPTH, 0};
    *out = NULL;
    if (n >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) j.i = 3;
    kb_json *v = parse_value(&j, 0);
    if (v) {
        ws(&j);
        if (j.i != n) j.err = KB_EPARSE;
    }
    if (j.err || !v) {
        if (errpos) *errpos = j.i;
        return j.err ? j.err : KB_EPARSE;
    }
    *out = v;
    return KB_OK;
}

const kb_json *kb__json_get(const kb_json *obj, const char *key) {
    if (!obj || obj->type != KB_JSON_OBJECT) return NULL;
    for (const kb_json *c = obj->child; c; c = c->next)
        if (c->key && !strcmp(c->key, key)) return c;
    return NULL;
}

const char *kb__json_get_str(const kb_json *obj, const char *key, size_t *n) {
    const kb_json *v = kb__json_get(obj, key);
    if (!v || v->type != KB_JSON_STRING) return NULL;
    if (n) *n = v->n;
    return v->s;
}
