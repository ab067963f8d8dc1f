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

#include "core/jsonparse.h"
#include "gold.h"
#include "khabar.h"

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
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

/* Gold: title, date and body text of the three gold pages, in their three
** formats. The date is NULL when the gold has none; the expected date is then
** what the page itself prints under the headline (see tests/unit/test_html.c). */
static void gold_page(const char *dir, const char *name) {
    char path[1024], *gold_body = NULL;
    const char *gtitle = NULL, *gdate = NULL;
    kb_arena ja;
    size_t n;
    snprintf(path, sizeof path, "%s/%s.gold.json", dir, name);
    char *gj = gold_load(path, &n);
    if (!gj) return;
    kb__arena_init(&ja, 0);
    kb_json *top;
    kb__json_parse_lenient(&ja, gj, n, &top);
    const kb_json *root = top ? top->child : NULL;
    if (!strcmp(name, "lbc")) {
        const kb_json *v1 = kb__json_get(root, "V1");
        gtitle = kb__json_get_str(v1, "title", NULL);
        gdate = kb__json_get_str(v1, "publishing_date", NULL);
        const kb_json *secs = kb__json_get(kb__json_get(v1, "body"), "sections");
        size_t len = 0;
        gold_body = calloc(1, n + 1);
        for (const kb_json *s = secs ? secs->child : NULL; s; s = s->next) {
            const kb_json *ps = kb__json_get(s, "paragraphs");
            for (const kb_json *p = ps ? ps->child : NULL; p; p = p->next)
                len += (size_t)sprintf(gold_body + len, "%s\n", kb__json_text(p, NULL));
        }
    } else if (!strcmp(name, "cnn-arabic")) {
        gtitle = kb__json_get_str(root, "title", NULL);
        gdate = "2013-08-28";
        snprintf(path, sizeof path, "%s/%s.gold.txt", dir, name);
        gold_body = gold_load(path, &n);
    } else {
        gtitle = kb__json_get_str(root ? root->child : NULL, "title", NULL);
    }
    snprintf(path, sizeof path, "%s/%s.html%s", dir, name, strcmp(name, "lbc") ? "" : ".gz");
    char *page = gold_load(path, &n);
    if (!page) {
        kb__arena_free(&ja);
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
        char *body = gold_body_of(a);
        if (gold_body) f = gold_f1(body, gold_body);
        free(body);
        char *ct = NULL, *gt = NULL;
        size_t k;
        kb_normalize(a->title ? a->title : "", a->title ? strlen(a->title) : 0, KB_NORM_DISPLAY, &ct, &k);
        kb_normalize(gtitle, strlen(gtitle), KB_NORM_DISPLAY, &gt, &k);
        title_ok = same_text(ct, gt);
        kb_free(ct);
        kb_free(gt);
        date_ok = gdate ? gold_same_date(a->published, gdate) : 1;
        kb_article_free(a);
    }
    printf("html_page name=%s f1=%.3f title_ok=%d date_ok=%d ms=%.2f\n", name, f, title_ok, date_ok, ms);
    kb__arena_free(&ja);
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
        pages[np].p = gold_load(path, &pages[np].n);
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
