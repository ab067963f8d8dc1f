/*
** bench_html: quality and speed of the HTML extractor on the corpus pages
** (../shared/corpus/html, or $KB_CORPUS/html).
**
** For each gold page it prints one line
**   html_page name=... f1=... title_ok=... date_ok=... ms=...
** (f1: word-4-gram F1 of the body against the gold body, as the ScrapingHub
** article-extraction benchmark scores it; -1 when the gold has no body), then
**   html_throughput pages=... mb=... seconds=... mb_per_s=...
** over all HTML pages, each extracted repeatedly for a stable figure, on one
** core, and the same for libxml2's parse alone (html_libxml2_only ...), to
** show how much of the time is the parser's.
**
** Build: cmake -S . -B build-html-bench -DKB_BENCH=ON
**        cmake --build build-html-bench --target bench_html
** Run:   ./build-html-bench/bench_html [seconds per measurement, default 2]
*/
#include <dirent.h>
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "extract/jsonld.h"
#include "khabar.h"

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static char *load(const char *path, size_t *n) {
    gzFile g = gzopen(path, "rb"); /* reads plain files too */
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

static size_t grams(const char *text, unsigned long long **out) {
    char *norm;
    size_t nn, nt = 0, cap = 256;
    kb_normalize(text, strlen(text), KB_NORM_DISPLAY, &norm, &nn);
    unsigned long long *th = malloc(cap * sizeof *th);
    for (size_t i = 0; i < nn;) {
        while (i < nn && strchr(" \n\t\r", norm[i])) i++;
        size_t s = i;
        unsigned long long h = 1469598103934665603ULL;
        while (i < nn && !strchr(" \n\t\r", norm[i])) h = (h ^ (unsigned char)norm[i++]) * 1099511628211ULL;
        if (i > s) {
            if (nt == cap) th = realloc(th, (cap *= 2) * sizeof *th);
            th[nt++] = h;
        }
    }
    kb_free(norm);
    size_t ng = nt >= 4 ? nt - 3 : 0;
    unsigned long long *g = malloc((ng ? ng : 1) * sizeof *g);
    for (size_t i = 0; i < ng; i++)
        g[i] = th[i] * 31 + th[i + 1] * 1000003ULL + th[i + 2] * 0x9E3779B97F4A7C15ULL + (th[i + 3] ^ (th[i + 3] >> 29));
    free(th);
    *out = g;
    return ng;
}

static int cmp_u64(const void *a, const void *b) {
    unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;
    return x < y ? -1 : x > y;
}

static double f1(const char *got, const char *gold) {
    unsigned long long *a, *b;
    size_t na = grams(got, &a), nb = grams(gold, &b), i = 0, j = 0, common = 0;
    qsort(a, na, sizeof *a, cmp_u64);
    qsort(b, nb, sizeof *b, cmp_u64);
    while (i < na && j < nb) {
        if (a[i] == b[j]) common++, i++, j++;
        else if (a[i] < b[j]) i++;
        else j++;
    }
    free(a);
    free(b);
    if (!common) return 0;
    double p = (double)common / na, r = (double)common / nb;
    return 2 * p * r / (p + r);
}

/* Compare ignoring runs of white space. */
static int same_text(const char *a, const char *b) {
    if (!a || !b) return 0;
    for (;;) {
        while (*a == ' ') a++;
        while (*b == ' ') b++;
        if (!*a || !*b) return !*a && !*b;
        if (*a++ != *b++) return 0;
    }
}

static int same_date(const char *a, const char *b) {
    if (!a || !b) return !a && !b;
    char x[40], y[40];
    snprintf(x, sizeof x, "%s", a);
    snprintf(y, sizeof y, "%s", b);
    for (char *s = x; *s; s++) if (*s == ' ') *s = 'T';
    for (char *s = y; *s; s++) if (*s == ' ') *s = 'T';
    size_t xn = strlen(x), yn = strlen(y);
    if (xn && x[xn - 1] == 'Z') strcpy(x + xn - 1, "+00:00");
    if (yn && y[yn - 1] == 'Z') strcpy(y + yn - 1, "+00:00");
    return !strcmp(x, y);
}

static char *body_of(const kb_article *a) {
    size_t n = 1;
    for (size_t i = 0; i < a->nparagraphs; i++) n += strlen(a->paragraphs[i]) + 1;
    char *s = malloc(n), *w = s;
    for (size_t i = 0; i < a->nparagraphs; i++) w += sprintf(w, "%s\n", a->paragraphs[i]);
    *w = 0;
    return s;
}

/* Gold: title, date and body text of the three gold pages, in their three
** formats. The date is NULL when the gold has none; the expected date is then
** what the page itself prints under the headline (see tests/unit/test_html.c). */
static void gold_page(const char *dir, const char *name) {
    char path[1024], *gold_body = NULL;
    const char *gtitle = NULL, *gdate = NULL;
    kb_jl_doc d;
    size_t n;
    snprintf(path, sizeof path, "%s/%s.gold.json", dir, name);
    char *gj = load(path, &n);
    if (!gj) return;
    kb__jl_parse(gj, n, &d);
    int root = d.nodes[0].child;
    if (!strcmp(name, "lbc")) {
        int v1 = kb__jl_get(&d, root, "V1");
        gtitle = kb__jl_get_str(&d, v1, "title", NULL);
        gdate = kb__jl_get_str(&d, v1, "publishing_date", NULL);
        int secs = kb__jl_get(&d, kb__jl_get(&d, v1, "body"), "sections");
        size_t len = 0;
        gold_body = calloc(1, n + 1);
        for (int s = d.nodes[secs].child; s >= 0; s = d.nodes[s].next) {
            int ps = kb__jl_get(&d, s, "paragraphs");
            for (int p = ps >= 0 ? d.nodes[ps].child : -1; p >= 0; p = d.nodes[p].next)
                len += (size_t)sprintf(gold_body + len, "%s\n", kb__jl_str(&d, p, NULL));
        }
    } else if (!strcmp(name, "cnn-arabic")) {
        gtitle = kb__jl_get_str(&d, root, "title", NULL);
        gdate = "2013-08-28";
        snprintf(path, sizeof path, "%s/%s.gold.txt", dir, name);
        gold_body = load(path, &n);
    } else {
        int g = d.nodes[root].child;
        gtitle = kb__jl_get_str(&d, g, "title", NULL);
    }
    snprintf(path, sizeof path, "%s/%s.html%s", dir, name, strcmp(name, "lbc") ? "" : ".gz");
    char *page = load(path, &n);
    if (!page) {
        kb__jl_free(&d);
        free(gj);
        free(gold_body);
        return;
    }
    kb_extract_opts o = {0};
    o.format = KB_FMT_HTML;
    kb_article *a = NULL;
    const char *em;
    double t0 = now_s();
    int rc = kb_extract(page, n, &o, &a, &em);
    double ms = (now_s() - t0) * 1000;
    double f = -1;
    int title_ok = 0, date_ok = 0;
    if (rc == KB_OK) {
        char *body = body_of(a);
        if (gold_body) f = f1(body, gold_body);
        free(body);
        char *ct = NULL, *gt = NULL;
        size_t k;
        kb_normalize(a->title ? a->title : "", a->title ? strlen(a->title) : 0, KB_NORM_DISPLAY, &ct, &k);
        kb_normalize(gtitle, strlen(gtitle), KB_NORM_DISPLAY, &gt, &k);
        title_ok = same_text(ct, gt);
        kb_free(ct);
        kb_free(gt);
        date_ok = gdate ? same_date(a->published, gdate) : 1;
        kb_article_free(a);
    }
    printf("html_page name=%s f1=%.3f title_ok=%d date_ok=%d ms=%.2f\n", name, f, title_ok, date_ok, ms);
    kb__jl_free(&d);
    free(gj);
    free(gold_body);
    free(page);
}

typedef struct { char *p; size_t n; } page;

int main(int argc, char **argv) {
    double secs = argc > 1 ? atof(argv[1]) : 2.0;
    const char *root = getenv("KB_CORPUS");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/html", root ? root : "../shared/corpus");
    DIR *dh = opendir(dir);
    if (!dh) {
        printf("bench_html: corpus folder %s not found (set KB_CORPUS)\n", dir);
        return 0;
    }
    gold_page(dir, "cnn-arabic");
    gold_page(dir, "lbc");
    gold_page(dir, "assabah");

    page pages[256];
    int np = 0;
    size_t total = 0;
    struct dirent *e;
    while ((e = readdir(dh)) && np < 256) {
        if (!strstr(e->d_name, ".html")) continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        pages[np].p = load(path, &pages[np].n);
        if (pages[np].p) total += pages[np++].n;
    }
    closedir(dh);
    kb_extract_opts o = {0};
    o.format = KB_FMT_HTML;
    /* warm up (lexicons load on first use) */
    for (int i = 0; i < np; i++) {
        kb_article *a;
        const char *em;
        if (kb_extract(pages[i].p, pages[i].n, &o, &a, &em) == KB_OK) kb_article_free(a);
    }
    size_t bytes = 0, rounds = 0;
    double t0 = now_s(), dt;
    do {
        for (int i = 0; i < np; i++) {
            kb_article *a;
            const char *em;
            if (kb_extract(pages[i].p, pages[i].n, &o, &a, &em) == KB_OK) kb_article_free(a);
            bytes += pages[i].n;
        }
        rounds++;
    } while ((dt = now_s() - t0) < secs);
    printf("html_throughput pages=%d mb=%.2f seconds=%.2f mb_per_s=%.1f (rounds=%zu)\n", np, bytes / 1e6, dt,
           bytes / 1e6 / dt, rounds);
    size_t pbytes = 0;
    t0 = now_s();
    do {
        for (int i = 0; i < np; i++) {
            htmlDocPtr doc = htmlReadMemory(pages[i].p, (int)pages[i].n, NULL, "UTF-8",
                                            HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                                HTML_PARSE_NONET | HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC);
            xmlFreeDoc(doc);
            pbytes += pages[i].n;
        }
    } while ((dt = now_s() - t0) < secs);
    double lx = pbytes / 1e6 / dt, all = bytes / 1e6 / (bytes ? 1 : 1);
    (void)all;
    printf("html_libxml2_only pages=%d mb=%.2f seconds=%.2f mb_per_s=%.1f\n", np, pbytes / 1e6, dt, lx);
    for (int i = 0; i < np; i++) free(pages[i].p);
    (void)total;
    return 0;
}
