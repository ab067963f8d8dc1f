/*
** Fuzz harness for the HTTP server's query-string decoder (server/query.c,
** compiled into this harness: the server is not part of libkhabar). Any bytes
** give either decoded pairs or an error with a message. Decoded pairs hold
** strict UTF-8 without NUL or other control characters (bar tab, LF, CR),
** within the documented bounds, no name twice; and encoding the pairs again
** and decoding that gives the same pairs back.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../server/query.c"

static size_t encode(const char *p, size_t n, char *out) {
    static const char hex[] = "0123456789ABCDEF";
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
            out[k++] = (char)c;
        } else if (c == ' ') {
            out[k++] = '+';
        } else {
            out[k++] = '%';
            out[k++] = hex[c >> 4];
            out[k++] = hex[c & 15];
        }
    }
    return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static srv_qs qs, again;
    char err[256];
    int rc = srv_qs_parse(&qs, (const char *)data, size, err, sizeof err);
    if (rc != SRV_QS_OK) {
        if (!err[0] || (rc != SRV_QS_BAD && rc != SRV_QS_TOOBIG)) abort();
        if (rc == SRV_QS_TOOBIG && size <= SRV_QS_MAX_INPUT) abort();
        return 0;
    }
    if (qs.n > SRV_QS_MAX_PARAMS) abort();
    size_t total = 0;
    for (size_t i = 0; i < qs.n; i++) {
        const srv_qs_param *p = &qs.p[i];
        if (strlen(p->name) != p->name_len || strlen(p->value) != p->value_len) abort();
        if (!p->name_len || p->name_len > SRV_QS_MAX_NAME || p->value_len > SRV_QS_MAX_VALUE) abort();
        if (!srv_utf8_valid(p->value, p->value_len) || has_control(p->value, p->value_len)) abort();
        if (srv_qs_get(&qs, p->name) != p->value) abort(); /* names are unique */
        total += p->name_len + p->value_len;
    }
    if (total > size) abort(); /* decoding never grows */

    /* Round trip: encode the pairs and decode them again. */
    char *enc = malloc(3 * size + 2 * SRV_QS_MAX_PARAMS + 1);
    if (!enc) return 0;
    enc[0] = 0;
    size_t k = 0;
    for (size_t i = 0; i < qs.n; i++) {
        if (i) enc[k++] = '&';
        k += encode(qs.p[i].name, qs.p[i].name_len, enc + k);
        enc[k++] = '=';
        k += encode(qs.p[i].value, qs.p[i].value_len, enc + k);
    }
    rc = srv_qs_parse(&again, enc, k, err, sizeof err);
    if (k <= SRV_QS_MAX_INPUT) {
        if (rc != SRV_QS_OK || again.n != qs.n) abort();
        for (size_t i = 0; i < qs.n; i++)
            if (strcmp(again.p[i].name, qs.p[i].name) || strcmp(again.p[i].value, qs.p[i].value)) abort();
    } else if (rc != SRV_QS_TOOBIG) {
        abort();
    }
    free(enc);
    return 0;
}
