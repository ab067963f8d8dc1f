/*
** bench_extract_pages: khabar's side of bench/compare_extractors.sh, which
** sets kb_extract() against Readability.js and readability-lxml on the same
** HTML pages. For each page it prints one JSON line
**   {"file", "url", "bytes", "title", "text", "ms", "ms_median", "runs"}
** where text is the paragraphs joined by "\n" and ms the best of the timed
** runs of kb_extract() on the page already in memory (reading the file is not
** timed; ms_median is the median of the same runs). One untimed call comes
** first, so the lexicons that load on first use are not charged to a page.
** A page that fails prints {"file", "error"} instead. Scoring is done by
** bench/compare_extractors.py, in one place for the three extractors.
**
** Build: cmake -S . -B build-xb -DKB_BENCH=ON
**        cmake --build build-xb --target bench_extract_pages
** Run:   ./build-xb/bench_extract_pages [-n RUNS] [--url URL] FILE ...
**        (--url applies to the next FILE only; RUNS defaults to 20)
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "khabar.h"

#define MAX_RUNS 10000

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

static char *read_file(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, len = 0, k;
    char *p = malloc(cap);
    while (p && (k = fread(p + len, 1, cap - len, f)) > 0) {
        len += k;
        if (len == cap) {
            char *q = realloc(p, cap *= 2);
            if (!q) free(p);
            p = q;
        }
    }
    fclose(f);
    *n = len;
    return p;
}

/* Write z as the inside of a JSON string: UTF-8 passes through, quotes,
** backslashes and control bytes are escaped. */
static void put_escaped(FILE *out, const char *z) {
    for (const unsigned char *s = (const unsigned char *)(z ? z : ""); *s; s++) {
        if (*s == '"' || *s == '\\') fprintf(out, "\\%c", *s);
        else if (*s == '\n') fputs("\\n", out);
        else if (*s < 0x20) fprintf(out, "\\u%04x", *s);
        else putc(*s, out);
    }
}

/* Write z as a JSON string; NULL becomes null. */
static void put_json(FILE *out, const char *z) {
    if (!z) {
        fputs("null", out);
        return;
    }
    putc('"', out);
    put_escaped(out, z);
    putc('"', out);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void bench_page(const char *path, const char *url, int runs, double *times) {
    size_t n;
    char *page = read_file(path, &n);
    printf("{\"file\":");
    put_json(stdout, path);
    if (!page) {
        printf(",\"error\":\"cannot read the file\"}\n");
        return;
    }
    kb_extract_opts o = {0};
    o.format = KB_FMT_HTML;
    o.url = url;
    kb_article *a = NULL;
    const char *em = NULL;
    int rc = kb_extract(page, n, &o, &a, &em);
    for (int i = 0; rc == KB_OK && i < runs; i++) {
        kb_article_free(a);
        double t0 = now_ms();
        rc = kb_extract(page, n, &o, &a, &em);
        times[i] = now_ms() - t0;
    }
    if (rc != KB_OK) {
        printf(",\"error\":");
        put_json(stdout, em ? em : kb_strerror(rc));
        printf("}\n");
        free(page);
        return;
    }
    qsort(times, (size_t)runs, sizeof *times, cmp_double);
    printf(",\"url\":");
    put_json(stdout, url);
    printf(",\"bytes\":%zu,\"title\":", n);
    put_json(stdout, a->title);
    printf(",\"text\":\"");
    for (size_t i = 0; i < a->nparagraphs; i++) {
        if (i) fputs("\\n", stdout);
        put_escaped(stdout, a->paragraphs[i]);
    }
    printf("\",\"ms\":%.4f,\"ms_median\":%.4f,\"runs\":%d}\n", times[0], times[runs / 2], runs);
    kb_article_free(a);
    free(page);
}

int main(int argc, char **argv) {
    int runs = 20;
    const char *url = NULL;
    static double times[MAX_RUNS];
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc) {
            runs = atoi(argv[++i]);
            if (runs < 1) runs = 1;
            if (runs > MAX_RUNS) runs = MAX_RUNS;
        } else if (!strcmp(argv[i], "--url") && i + 1 < argc) {
            url = argv[++i];
        } else {
            bench_page(argv[i], url, runs, times);
            url = NULL;
        }
    }
    return 0;
}
