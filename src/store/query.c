/*
** The user query language, translated to an FTS5 MATCH expression
** (kb_query_to_fts). Users write what search boxes accept:
**
**   words            all must match (AND)
**   "exact phrase"   the words in this order
**   a OR b           either (binds tighter than AND: x a OR b = x AND (a OR b))
**   -word, -"a b"    must not match
**   prefix*          any word starting so
**
** Stopwords (في، من، على ...) standing alone are dropped, as search engines
** do: they match nearly every article, add nothing to the ranking and make
** the query slow. Inside a "phrase" they stay, and a query made only of
** stopwords keeps them.
**
** Every word and phrase is emitted as an FTS5 string ("...", quotes doubled),
** so FTS5's own operators and punctuation in user input can never produce an
** SQLite syntax error: a query is either translated or refused with a message
** that says what is wrong, in the user's terms.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "khabar.h"
#include "text/text_int.h"

#define QUERY_MAX 4096
#define TERMS_MAX 64

/* 1 if p[0..n) has a letter or digit (something the tokenizer indexes). */
static int searchable(const char *p, size_t n) {
    size_t i = 0, len;
    while (i < n) {
        uint32_t u = kb__utf8_decode((const unsigned char *)p + i, n - i, &len);
        int cc = kb__char_class(u);
        if (cc == KB_CC_ARABIC || cc == KB_CC_LATIN || cc == KB_CC_DIGIT) return 1;
        i += len;
    }
    return 0;
}

/* 1 if the single word p[0..n) is a stopword once search-normalized. */
static int is_stop(const char *p, size_t n) {
    if (n > 64) return 0;
    char buf[KB_NORMALIZE_BOUND(64)];
    size_t k = kb_normalize_into(p, n, KB_NORM_SEARCH, buf);
    return kb_is_stopword(buf, k);
}

static int add_fts_string(kb_buf *b, const char *p, size_t n) {
    int rc = kb__buf_addc(b, '"');
    for (size_t i = 0; i < n && !rc; i++) {
        if (p[i] == '"') rc = kb__buf_add(b, "\"\"", 2);
        else rc = kb__buf_addc(b, p[i]);
    }
    return rc ? rc : kb__buf_addc(b, '"');
}

typedef struct term {
    const char *p;
    size_t n;
    int neg, prefix, phrase, or_before;
} term;

int kb_query_to_fts(const char *q, char **out, char *errmsg) {
    *out = NULL;
    errmsg[0] = 0;
    size_t n = strlen(q);
    if (n > QUERY_MAX) {
        snprintf(errmsg, 256, "query too long (%zu bytes; the limit is %d)", n, QUERY_MAX);
        return KB_EPARSE;
    }
    if (!kb__utf8_valid(q, n)) {
        snprintf(errmsg, 256, "query is not valid UTF-8");
        return KB_EPARSE;
    }
    term t[TERMS_MAX];
    size_t nt = 0, i = 0;
    int pending_or = 0;
    while (i < n) {
        unsigned char c = (unsigned char)q[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') { i++; continue; }
        term cur = {0};
        if (c == '-' && i + 1 < n && q[i + 1] != ' ') { cur.neg = 1; i++; }
        if (q[i] == '"') {
            size_t s = ++i;
            while (i < n && q[i] != '"') i++;
            if (i >= n) {
                snprintf(errmsg, 256, "unterminated phrase: a '\"' has no closing '\"'");
                return KB_EPARSE;
            }
            cur.p = q + s;
            cur.n = i - s;
            cur.phrase = 1;
            i++;
            if (i < n && q[i] == '*') { cur.prefix = 1; i++; }
        } else {
            size_t s = i;
            while (i < n && q[i] != ' ' && q[i] != '\t' && q[i] != '\n' && q[i] != '\r' && q[i] != '"') i++;
            cur.p = q + s;
            cur.n = i - s;
            if (!cur.neg && cur.n == 2 && !memcmp(cur.p, "OR", 2)) {
                if (nt == 0 || pending_or || t[nt - 1].neg) {
                    snprintf(errmsg, 256, "OR needs a word on each side");
                    return KB_EPARSE;
                }
                pending_or = 1;
                continue;
            }
            while (cur.n && cur.p[cur.n - 1] == '*') { cur.prefix = 1; cur.n--; }
        }
        if (!searchable(cur.p, cur.n)) {
            if (pending_or) {
                snprintf(errmsg, 256, "OR needs a word on each side");
                return KB_EPARSE;
            }
            continue; /* punctuation alone: nothing to search */
        }
        if (nt == TERMS_MAX) {
            snprintf(errmsg, 256, "too many words in the query (limit %d)", TERMS_MAX);
            return KB_EPARSE;
        }
        if (pending_or && cur.neg) {
            snprintf(errmsg, 256, "OR cannot join an excluded word (-word)");
            return KB_EPARSE;
        }
        cur.or_before = pending_or;
        pending_or = 0;
        t[nt++] = cur;
    }
    if (pending_or) {
        snprintf(errmsg, 256, "OR needs a word on each side");
        return KB_EPARSE;
    }
    size_t npos = 0, nstop = 0;
    for (size_t k = 0; k < nt; k++) {
        npos += !t[k].neg;
        nstop += !t[k].neg && !t[k].phrase && !t[k].prefix && is_stop(t[k].p, t[k].n);
    }
    if (nstop && nstop < npos) {
        /* Drop standalone stopwords; an OR chain keeps its shape: a dropped
        ** head passes its place to the next member. */
        size_t w = 0;
        for (size_t k = 0; k < nt; k++) {
            if (!t[k].neg && !t[k].phrase && !t[k].prefix && is_stop(t[k].p, t[k].n)) {
                if (!t[k].or_before && k + 1 < nt && t[k + 1].or_before) t[k + 1].or_before = 0;
                continue;
            }
            t[w++] = t[k];
        }
        nt = w;
        npos -= nstop;
    }
    if (npos == 0) {
        snprintf(errmsg, 256, nt ? "a query needs at least one word that is not excluded with '-'"
                                 : "query has no words to search for");
        return KB_EPARSE;
    }
    kb_buf b;
    kb__buf_init(&b, QUERY_MAX * 4 + 256);
    int rc = KB_OK, first = 1;
    for (size_t k = 0; k < nt && !rc; k++) {
        if (t[k].neg) continue;
        /* Open a group at the start of an OR chain. */
        int chain = k + 1 < nt && t[k + 1].or_before;
        if (!t[k].or_before) {
            if (!first) rc = kb__buf_add(&b, " AND ", 5);
            if (chain && !rc) rc = kb__buf_addc(&b, '(');
        } else {
            rc = kb__buf_add(&b, " OR ", 4);
        }
        first = 0;
        if (!rc) rc = add_fts_string(&b, t[k].p, t[k].n);
        if (!rc && t[k].prefix) rc = kb__buf_add(&b, " *", 2);
        if (!rc && t[k].or_before && !chain) rc = kb__buf_addc(&b, ')');
    }
    for (size_t k = 0; k < nt && !rc; k++) {
        if (!t[k].neg) continue;
        rc = kb__buf_add(&b, " NOT ", 5);
        if (!rc) rc = add_fts_string(&b, t[k].p, t[k].n);
        if (!rc && t[k].prefix) rc = kb__buf_add(&b, " *", 2);
    }
    if (rc) {
        kb__buf_free(&b);
        snprintf(errmsg, 256, "%s", kb_strerror(rc));
        return rc;
    }
    *out = kb__buf_detach(&b, NULL);
    return *out ? KB_OK : KB_ENOMEM;
}
