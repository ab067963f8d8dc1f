/*
** JSON string writing. See json.h.
*/
#include "core/json.h"

#include <string.h>

#include "core/utf8.h"
#include "khabar.h"

int kb__json_str(kb_buf *b, const char *p, size_t n) {
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)p;
    int rc = kb__buf_reserve(b, n + 2);
    if (rc) return rc;
    b->p[b->n++] = '"';
    size_t i = 0;
    while (i < n) {
        size_t run = i;
        /* Copy runs of plain bytes at once. */
        while (run < n && s[run] >= 0x20 && s[run] < 0x80 && s[run] != '"' && s[run] != '\\') run++;
        if (run > i) {
            if ((rc = kb__buf_add(b, p + i, run - i))) return rc;
            i = run;
            continue;
        }
        unsigned c = s[i];
        if (c >= 0x80) {
            size_t len;
            uint32_t u = kb__utf8_decode(s + i, n - i, &len);
            if (u == KB_REPLACEMENT && len == 1) {
                rc = kb__buf_add(b, "\xEF\xBF\xBD", 3);
            } else if (u == 0x2028 || u == 0x2029) {
                rc = kb__buf_add(b, u == 0x2028 ? "\\u2028" : "\\u2029", 6);
            } else {
                rc = kb__buf_add(b, p + i, len);
            }
            i += len;
        } else {
            char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
            size_t k = 2;
            switch (c) {
            case '"': esc[1] = '"'; break;
            case '\\': esc[1] = '\\'; break;
            case '\n': esc[1] = 'n'; break;
            case '\r': esc[1] = 'r'; break;
            case '\t': esc[1] = 't'; break;
            case '\b': esc[1] = 'b'; break;
            case '\f': esc[1] = 'f'; break;
            default:
                esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
                esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
                k = 6;
            }
            rc = kb__buf_add(b, esc, k);
            i++;
        }
        if (rc) return rc;
    }
    return kb__buf_addc(b, '"');
}

int kb__json_strz(kb_buf *b, const char *z) {
    if (!z) return kb__buf_add(b, "null", 4);
    return kb__json_str(b, z, strlen(z));
}

int kb__json_key(kb_buf *b, const char *key, int first) {
    int rc;
    if (!first && (rc = kb__buf_addc(b, ','))) return rc;
    if ((rc = kb__json_strz(b, key))) return rc;
    return kb__buf_addc(b, ':');
}

char *kb_json_quote(const char *p, size_t n, size_t *len) {
    kb_buf b;
    kb__buf_init(&b, KB_BUF_DEFAULT_MAX);
    if (kb__json_str(&b, p ? p : "", p ? n : 0) != KB_OK) {
        kb__buf_free(&b);
        return NULL;
    }
    return kb__buf_detach(&b, len);
}
