/*
** query.h -- the server's strict decoder of URL query strings
** ("q=%D9%84%D9%8A%D8%A8%D9%8A%D8%A7&limit=20").
**
** The server parses the raw query string itself rather than trusting the
** lenient decoding of the HTTP library, so that every request is either
** decoded exactly or refused with a reason: percent escapes must be complete
** ("%4" and "%zz" are errors), '+' is a space, the decoded bytes must be
** valid UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF) and
** carry no control characters other than tab, LF and CR (so no NUL can cut a
** value short), names are short ASCII words, and nothing repeats. The bounds
** below keep the work per request small and fixed: srv_qs lives on the stack
** and needs no allocation.
*/
#ifndef KB_SERVER_QUERY_H
#define KB_SERVER_QUERY_H

#include <stddef.h>

#define SRV_QS_MAX_INPUT 8192 /* bytes of raw query string (longer: too large) */
#define SRV_QS_MAX_PARAMS 32  /* name=value pairs */
#define SRV_QS_MAX_NAME 32    /* bytes of a decoded name */
#define SRV_QS_MAX_VALUE 4096 /* bytes of a decoded value */

enum {
    SRV_QS_OK = 0,
    SRV_QS_BAD = -1,   /* malformed: the message says why (HTTP 400) */
    SRV_QS_TOOBIG = -2 /* input past SRV_QS_MAX_INPUT (HTTP 414) */
};

typedef struct srv_qs_param {
    const char *name, *value; /* NUL-terminated, inside srv_qs.mem */
    size_t name_len, value_len;
} srv_qs_param;

typedef struct srv_qs {
    size_t n;
    srv_qs_param p[SRV_QS_MAX_PARAMS];
    /* Decoded strings. A pair never decodes to more bytes than it was
    ** written with, plus two NULs. */
    char mem[SRV_QS_MAX_INPUT + 2 * SRV_QS_MAX_PARAMS + 1];
} srv_qs;

/*
** Decode the query string p[0..n) (without the '?') into qs. Empty segments
** ("a=1&&b=2", a trailing '&') are skipped; "name" without '=' has the value
** "". Returns SRV_QS_OK, or SRV_QS_BAD / SRV_QS_TOOBIG with a message for
** the user in err (always NUL-terminated when errsz > 0).
*/
int srv_qs_parse(srv_qs *qs, const char *p, size_t n, char *err, size_t errsz);

/* The value of name, or NULL when absent. */
const char *srv_qs_get(const srv_qs *qs, const char *name);

/* 1 when p[0..n) is valid UTF-8 (strict: RFC 3629), else 0. */
int srv_utf8_valid(const char *p, size_t n);

#endif
