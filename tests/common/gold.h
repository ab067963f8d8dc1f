/*
** Scoring an extracted article against a gold one, shared by the HTML unit
** test (tests/unit/test_html.c) and its benchmark (bench/bench_html.c) so
** that both measure the same thing: reading the corpus files, the body's
** word-4-gram F1, equal dates, the body as text. Header-only (static inline functions): it is test code, not
** part of the library.
**
** The F1 is the one of the ScrapingHub article-extraction benchmark: the
** texts are display-normalized (KB_NORM_DISPLAY), split at white space, and
** compared as multisets of word 4-grams (each 4-gram hashed to 64 bits).
*/
#ifndef KB_TESTS_GOLD_H
#define KB_TESTS_GOLD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "khabar.h"

/* A file's bytes, NUL-terminated, with their count in *n, or NULL. Gzipped
** files (lbc.html.gz) are inflated; zlib reads other files as they are. */
static inline char *gold_load(const char *path, size_t *n) {
    gzFile g = gzopen(path, "rb");
    if (!g) return NULL;
    size_t cap = 1 << 20, len = 0;
    char *p = malloc(cap);
    int k;
    while ((k = gzread(g, p + len, (unsigned)(cap - len))) > 0) {
        len += (size_t)k;
        if (len == cap) p = realloc(p, cap *= 2);
    }
    gzclose(g);
    p[len] = 0;
    *n = len;
    return p;
}

static inline int gold_is_space(char c) {
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

/* The 4-grams of a text's words, one hash each, in *out (caller frees). */
static inline size_t gold_fourgrams(const char *text, unsigned long long **out) {
    char *norm;
    size_t nn, nt = 0, cap = 256;
    kb_normalize(text, strlen(text), KB_NORM_DISPLAY, &norm, &nn);
    unsigned long long *th = malloc(cap * sizeof *th);
    for (size_t i = 0; i < nn;) {
        while (i < nn && gold_is_space(norm[i])) i++;
        const size_t s = i;
        unsigned long long h = 1469598103934665603ULL; /* FNV-1a */
        while (i < nn && !gold_is_space(norm[i])) h = (h ^ (unsigned char)norm[i++]) * 1099511628211ULL;
        if (i > s) {
            if (nt == cap) th = realloc(th, (cap *= 2) * sizeof *th);
            th[nt++] = h;
        }
    }
    kb_free(norm);
    const size_t ng = nt >= 4 ? nt - 3 : 0;
    unsigned long long *g = malloc((ng ? ng : 1) * sizeof *g);
    for (size_t i = 0; i < ng; i++)
        g[i] = th[i] * 31 + th[i + 1] * 1000003ULL + th[i + 2] * 0x9E3779B97F4A7C15ULL + (th[i + 3] ^ (th[i + 3] >> 29));
    free(th);
    *out = g;
    return ng;
}

static inline int gold_cmp_u64(const void *a, const void *b) {
    const unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;
    return x < y ? -1 : x > y;
}

/* F1 over multisets of word 4-grams; 0 when either text has none. */
static inline double gold_f1(const char *got, const char *gold) {
    unsigned long long *a, *b;
    const size_t na = gold_fourgrams(got, &a), nb = gold_fourgrams(gold, &b);
    qsort(a, na, sizeof *a, gold_cmp_u64);
    qsort(b, nb, sizeof *b, gold_cmp_u64);
    size_t i = 0, j = 0, common = 0;
    while (i < na && j < nb) {
        if (a[i] == b[j]) common++, i++, j++;
        else if (a[i] < b[j]) i++;
        else j++;
    }
    free(a);
    free(b);
    if (!common) return 0;
    const double p = (double)common / na, r = (double)common / nb;
    return 2 * p * r / (p + r);
}

/* Equal instants, as the gold files and the extractor write them:
** "2026-01-08T11:42:50Z" == "2026-01-08 11:42:50+00:00". Two NULLs are
** equal; NULL and a date are not. */
static inline int gold_same_date(const char *a, const char *b) {
    if (!a || !b) return !a && !b;
    char x[40], y[40];
    snprintf(x, sizeof x, "%s", a);
    snprintf(y, sizeof y, "%s", b);
    for (char *s = x; *s; s++)
        if (*s == ' ') *s = 'T';
    for (char *s = y; *s; s++)
        if (*s == ' ') *s = 'T';
    const size_t xn = strlen(x), yn = strlen(y);
    if (xn && x[xn - 1] == 'Z') strcpy(x + xn - 1, "+00:00");
    if (yn && y[yn - 1] == 'Z') strcpy(y + yn - 1, "+00:00");
    return !strcmp(x, y);
}

/* An article's paragraphs, each followed by a line break (caller frees). */
static inline char *gold_body_of(const kb_article *a) {
    size_t n = 1;
    for (size_t i = 0; i < a->nparagraphs; i++) n += strlen(a->paragraphs[i]) + 1;
    char *s = malloc(n), *w = s;
    for (size_t i = 0; i < a->nparagraphs; i++) w += sprintf(w, "%s\n", a->paragraphs[i]);
    *w = 0;
    return s;
}

#endif
