/*
** JSON parsing into an arena tree. See jsonparse.h.
**
** Both grammars share one lexer (white space, strings and their escapes, node
** allocation). The strict grammar is a recursive descent that reports the
** first error and discards the tree. The lenient grammar, for JSON-LD found
** in web pages, links every node into the tree as soon as it is created, so
** a parse that stops half-way (truncated input, a hard syntax error) still
** leaves a consistent tree behind. Both bound nesting, so recursion depth is
** bounded too.
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
    int lenient;
} jp;

static void ws(jp *j) {
    while (j->i < j->n) {
        unsigned c = j->s[j->i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
        j->i++;
    }
}

/* Four hex digits from s[0..avail). */
static int hex4(const unsigned char *s, size_t avail, unsigned *out) {
    if (avail < 4) return 0;
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

/*
** Parse a string at j->i (on the opening quote) into the arena.
**
** Lenient mode decodes what pages actually contain: raw control characters
** and bytes are kept as they are (line breaks inside strings are common), an
** unknown escape stands for its character, a "\u" without four hex digits
** becomes U+FFFD, and a missing closing quote ends the string at the end of
** the input. Strict mode rejects all of these and replaces invalid UTF-8.
*/
static char *parse_string(jp *j, size_t *outn) {
    const unsigned char *s = j->s;
    size_t i = j->i + 1, start = i;
    /* Find the closing quote to bound the output size: the first quote that
    ** no backslash escapes. memchr finds the candidates (news bodies run to
    ** kilobytes between escapes); q, the first quote at or after i, is
    ** looked for again only once i has passed it. */
    const unsigned char *q = memchr(s + i, '"', j->n - i);
    for (;;) {
        size_t qe = q ? (size_t)(q - s) : j->n;
        const unsigned char *b = memchr(s + i, '\\', qe - i);
        if (!b) {
            i = qe;
            break;
        }
        i = (size_t)(b - s) + 1 < j->n ? (size_t)(b - s) + 2 : j->n;
        if (i >= j->n) break;
        if (i > qe) q = memchr(s + i, '"', j->n - i);
    }
    if (i >= j->n && !j->lenient) { j->err = KB_EPARSE; return NULL; }
    size_t end = i;
    /* Output never exceeds three bytes per input byte: invalid UTF-8 grows
    ** 1 -> 3 and a lenient "\u" without digits 2 -> 3; other escapes shrink. */
    char *d = kb__arena_alloc(j->a, (end - start) * 3 + 1);
    if (!d) { j->err = KB_ENOMEM; return NULL; }
    size_t w = 0;
    i = start;
    while (i < end) {
        unsigned c = s[i];
        if (c == '\\') {
            if (i + 1 >= end) {
                if (j->lenient) break; /* a lone backslash at the end of input */
                j->err = KB_EPARSE;
                return NULL;
            }
            unsigned e = s[i + 1];
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
                if (hex4(s + i, end - i, &u)) {
                    i += 4;
                } else if (j->lenient) {
                    u = KB_REPLACEMENT;
                } else {
                    j->err = KB_EPARSE;
                    return NULL;
                }
                if (u >= 0xD800 && u <= 0xDBFF) {
                    unsigned lo;
                    if (i + 2 <= end && s[i] == '\\' && s[i + 1] == 'u' && hex4(s + i + 2, end - i - 2, &lo) &&
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
            default:
                if (!j->lenient) { j->err = KB_EPARSE; return NULL; }
                d[w++] = (char)e;
                break;
            }
        } else if (j->lenient || (c >= 0x20 && c < 0x80)) {
            d[w++] = (char)c;
            i++;
        } else if (c < 0x20) {
            j->err = KB_EPARSE;
            return NULL;
        } else if (c >= 0xC2 && c <= 0xDF && i + 1 < end && (s[i + 1] & 0xC0) == 0x80) {
            /* a valid two-byte sequence (all of Arabic), as the general
            ** case below would copy it */
            d[w++] = (char)c;
            d[w++] = (char)s[i + 1];
            i += 2;
        } else {
            size_t len;
            uint32_t u = kb__utf8_decode(s + i, end - i, &len);
            if (u == KB_REPLACEMENT && len == 1) w += kb__utf8_encode(u, d + w);
            else { memcpy(d + w, s + i, len); w += len; }
            i += len;
        }
    }
    d[w] = 0;
    *outn = w;
    j->i = end < j->n ? end + 1 : j->n;
    return d;
}

static kb_json *new_node(jp *j, int type) {
    kb_json *v = kb__arena_calloc(j->a, sizeof *v);
    if (!v) j->err = KB_ENOMEM;
    else v->type = type;
    return v;
}

/* --- strict (RFC 8259) -------------------------------------------------- */

static kb_json *parse_value(jp *j, size_t depth);

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
    jp j = {a, (const unsigned char *)p, n, 0, max_depth ? max_depth : KB_JSON_MAX_DEPTH, 0, 0};
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

/* --- lenient ------------------------------------------------------------ */

/* Bare words: unquoted member names, numbers, literals, and whatever else a
** script wrote unquoted (undefined, NaN). */
static int is_word_char(unsigned c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '+' ||
           c == '-' || c == '_';
}

static char *parse_word(jp *j, size_t *outn) {
    size_t st = j->i;
    while (j->i < j->n && is_word_char(j->s[j->i])) j->i++;
    *outn = j->i - st;
    char *z = kb__arena_strndup(j->a, (const char *)j->s + st, *outn);
    if (!z) j->err = KB_ENOMEM;
    return z;
}

/* The next byte that is neither white space nor a comma (commas are only
** separators, so missing, doubled and trailing ones are all forgiven), or -1
** at the end of the input. */
static int next_token(jp *j) {
    for (;;) {
        ws(j);
        if (j->i >= j->n) return -1;
        if (j->s[j->i] != ',') return j->s[j->i];
        j->i++;
    }
}

static kb_json *append(jp *j, kb_json *v, kb_json ***tail, int type, const char *key, size_t keyn) {
    kb_json *c = new_node(j, type);
    if (!c) return NULL;
    c->key = key;
    c->keyn = keyn;
    **tail = c;
    *tail = &c->next;
    v->n++;
    return c;
}

static void lenient_members(jp *j, kb_json *v, size_t depth, int root);

/* The value at j->i (a byte that is not white space, a comma or a closer),
** appended to container v, which has `depth` open containers around it. */
static void lenient_value(jp *j, kb_json *v, kb_json ***tail, const char *key, size_t keyn, size_t depth) {
    unsigned c = j->s[j->i];
    if (c == '{' || c == '[') {
        if (depth >= j->max_depth) { j->err = KB_ETOOBIG; return; }
        kb_json *k = append(j, v, tail, c == '{' ? KB_JSON_OBJECT : KB_JSON_ARRAY, key, keyn);
        if (!k) return;
        j->i++;
        lenient_members(j, k, depth + 1, 0);
    } else if (c == '"') {
        kb_json *k = append(j, v, tail, KB_JSON_STRING, key, keyn);
        if (k) k->s = parse_string(j, &k->n);
    } else if (is_word_char(c)) {
        size_t wn;
        const char *w = parse_word(j, &wn);
        if (!w) return;
        int type = KB_JSON_NUMBER;
        if (!strcmp(w, "true")) type = KB_JSON_TRUE;
        else if (!strcmp(w, "false")) type = KB_JSON_FALSE;
        else if (!strcmp(w, "null")) type = KB_JSON_NULL;
        kb_json *k = append(j, v, tail, type, key, keyn);
        if (k && type == KB_JSON_NUMBER) k->s = w, k->n = wn;
    } else {
        j->err = KB_EPARSE;
    }
}

/*
** The members of container v, whose opener has been read, up to its closer.
** Any closer closes v, matching or not. The synthetic root (root != 0) has
** no closer: it ignores stray ones and ends at the end of the input, where
** any other container is an error (truncated input).
*/
static void lenient_members(jp *j, kb_json *v, size_t depth, int root) {
    kb_json **tail = &v->child;
    const int obj = v->type == KB_JSON_OBJECT;
    while (!j->err) {
        int c = next_token(j);
        if (c < 0) {
            if (!root) j->err = KB_EPARSE;
            return;
        }
        if (c == '}' || c == ']') {
            j->i++;
            if (root) continue;
            return;
        }
        const char *key = NULL;
        size_t keyn = 0;
        if (obj) {
            if (c == '"') key = parse_string(j, &keyn);
            else if (is_word_char((unsigned)c)) key = parse_word(j, &keyn);
            else j->err = KB_EPARSE;
            if (!key) return;
            ws(j);
            if (j->i >= j->n || j->s[j->i] != ':') {
                j->err = KB_EPARSE;
                return;
            }
            j->i++;
            /* A closer where the value should be closes the object. */
            if ((c = next_token(j)) < 0) {
                j->err = KB_EPARSE;
                return;
            }
            if (c == '}' || c == ']') {
                j->i++;
                return;
            }
        }
        lenient_value(j, v, &tail, key, keyn, depth);
    }
}

int kb__json_parse_lenient(kb_arena *a, const char *p, size_t n, kb_json **out) {
    jp j = {a, (const unsigned char *)p, n, 0, KB_JSON_MAX_DEPTH, 0, 1};
    *out = new_node(&j, KB_JSON_ARRAY);
    if (!*out) return KB_ENOMEM;
    lenient_members(&j, *out, 0, 1);
    return j.err;
}

/* --- access ------------------------------------------------------------- */

const kb_json *kb__json_get(const kb_json *obj, const char *key) {
    if (!obj || obj->type != KB_JSON_OBJECT) return NULL;
    const size_t kn = strlen(key);
    /* Compare lengths too: a name may hold an escaped NUL. */
    for (const kb_json *c = obj->child; c; c = c->next)
        if (c->key && c->keyn == kn && !memcmp(c->key, key, kn)) return c;
    return NULL;
}

const char *kb__json_get_str(const kb_json *obj, const char *key, size_t *n) {
    const kb_json *v = kb__json_get(obj, key);
    if (!v || v->type != KB_JSON_STRING) return NULL;
    if (n) *n = v->n;
    return v->s;
}

const char *kb__json_text(const kb_json *v, size_t *n) {
    if (!v || (v->type != KB_JSON_STRING && v->type != KB_JSON_NUMBER)) return NULL;
    if (n) *n = v->n;
    return v->s;
}
