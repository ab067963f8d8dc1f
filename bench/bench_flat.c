/*
** bench_flat: an evaluation aid for the flattened-page extractor. There is no
** gold for the real pages of ../shared/corpus/pages, so this prints, per page,
** what came out (title, number of paragraphs, the starts of the first and
** last paragraphs, section, source, authors, date, related) and flags results
** that look wrong: no title, no paragraph, a paragraph containing a
** boilerplate phrase, a title that looks like a menu. Then the throughput.
**
**   bench_flat [-v] [-q] [-n REPEAT] [DIR | FILE...]
**
** DIR defaults to $KB_CORPUS/pages (or ../shared/corpus/pages). -v also
** prints every line's label and reason (kb_extract_opts.explain); -q prints
** only the flags and the totals; -n repeats the timed loop.
*/
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "khabar.h"

static char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, len = 0;
    char *b = malloc(cap);
    size_t r;
    while (b && (r = fread(b + len, 1, cap - len, f)) > 0) {
        len += r;
        if (len == cap) {
            char *nb = realloc(b, cap *= 2);
            if (!nb) { free(b); b = NULL; }
            b = nb;
        }
    }
    fclose(f);
    *n = len;
    return b;
}

static void on_explain(void *ctx, const char *label, const char *why, const char *text, size_t n) {
    (void)ctx;
    if (!strcmp(label, "blank")) return;
    printf("    %-11s | %.*s%s\n", label, n > 90 ? 90 : (int)n, text, n > 90 ? "..." : "");
    printf("    %-11s   (%s)\n", "", why);
}

/* Start of a string cut at about k bytes on a UTF-8 boundary. */
static int cut(const char *z, int k) {
    int n = (int)strlen(z);
    if (n <= k) return n;
    while (k > 0 && ((unsigned char)z[k] & 0xC0) == 0x80) k--;
    return k;
}

static const char *const bad_phrases[] = {"تابعنا", "اقرأ أيضا", "اقرأ أيضًا", "مشاركة", "التعليقات",
                                          "اترك تعليق", "جميع الحقوق", "ذات صلة", "الأكثر قراءة",
                                          "رئيس التحرير", "مساحة إعلانية", "Share", "Leave a"};

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
    int verbose = 0, quiet = 0, repeat = 1;
    char dirbuf[4096];
    const char *dir = NULL;
    char **files = NULL;
    size_t nfiles = 0, capf = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v")) verbose = 1;
        else if (!strcmp(argv[i], "-q")) quiet = 1;
        else if (!strcmp(argv[i], "-n") && i + 1 < argc) repeat = atoi(argv[++i]);
        else {
            DIR *d = opendir(argv[i]);
            if (d) { closedir(d); dir = argv[i]; }
            else {
                if (nfiles == capf) files = realloc(files, (capf = capf ? capf * 2 : 64) * sizeof *files);
                files[nfiles++] = strdup(argv[i]);
            }
        }
    }
    if (!dir && !nfiles) {
        const char *root = getenv("KB_CORPUS");
        snprintf(dirbuf, sizeof dirbuf, "%s/pages", root ? root : "../shared/corpus");
        dir = dirbuf;
    }
    if (dir) {
        DIR *d = opendir(dir);
        if (!d) { fprintf(stderr, "bench_flat: %s: cannot open\n", dir); return 77; }
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t k = strlen(e->d_name);
            if (k < 5 || strcmp(e->d_name + k - 4, ".txt")) continue;
            if (nfiles == capf) files = realloc(files, (capf = capf ? capf * 2 : 64) * sizeof *files);
            char path[8192];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            files[nfiles++] = strdup(path);
        }
        closedir(d);
        qsort(files, nfiles, sizeof *files, cmp);
    }
    size_t nflag = 0, bytes = 0, ok = 0;
    double secs = 0;
    for (size_t f = 0; f < nfiles; f++) {
        size_t n;
        char *page = slurp(files[f], &n);
        if (!page) continue;
        kb_extract_opts o = {0};
        o.format = KB_FMT_FLAT;
        kb_article *a = NULL;
        const char *err;
        const char *name = strrchr(files[f], '/') ? strrchr(files[f], '/') + 1 : files[f];
        if (verbose && !quiet) {
            printf("=== %s (lines)\n", name);
            o.explain = on_explain;
            kb_extract(page, n, &o, &a, &err);
            kb_article_free(a);
            o.explain = NULL;
        }
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int rc = 0;
        for (int r = 0; r < repeat; r++) {
            a = NULL;
            rc = kb_extract(page, n, &o, &a, &err);
            if (r + 1 < repeat) kb_article_free(a);
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        secs += (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        bytes += n * (size_t)repeat;
        char flags[256] = "";
        if (rc) {
            snprintf(flags, sizeof flags, " ERROR(%s: %s)", kb_errname(rc), err);
        } else {
            if (!a->title) strcat(flags, " NO-TITLE");
            if (!a->nparagraphs) strcat(flags, " NO-BODY");
            for (size_t i = 0; i < a->nparagraphs; i++)
                for (size_t b = 0; b < sizeof bad_phrases / sizeof *bad_phrases; b++)
                    if (strstr(a->paragraphs[i], bad_phrases[b]) && strlen(a->paragraphs[i]) < 200) {
                        strcat(flags, " BOILER-IN-BODY");
                        i = a->nparagraphs;
                        break;
                    }
            if (a->title && (strstr(a->title, " | ") || strstr(a->title, " » ") || strstr(a->title, " > ") ||
                             strlen(a->title) < 12))
                strcat(flags, " MENU-TITLE?");
        }
        if (flags[0]) nflag++;
        else ok++;
        if (!quiet || flags[0]) {
            printf("%s%s\n", name, flags);
            if (!rc && !quiet) {
                printf("  title:   %s\n", a->title ? a->title : "-");
                printf("  section: %s | source: %s | date: %s | authors:", a->section ? a->section : "-",
                       a->source ? a->source : "-", a->published ? a->published : "-");
                for (size_t i = 0; i < a->nauthors; i++) printf(" [%s]", a->authors[i]);
                printf("\n  paragraphs: %zu, related: %zu\n", a->nparagraphs, a->nrelated);
                if (a->nparagraphs) {
                    const char *p0 = a->paragraphs[0], *pl = a->paragraphs[a->nparagraphs - 1];
                    printf("  first: %.*s\n  last:  %.*s\n", cut(p0, 90), p0, cut(pl, 90), pl);
                }
                for (size_t i = 0; i < a->nrelated; i++)
                    printf("  related: %.*s\n", cut(a->related[i].title, 90), a->related[i].title);
            }
        }
        kb_article_free(a);
        free(page);
    }
    printf("pages: %zu, flagged: %zu, unflagged: %zu\n", nfiles, nflag, ok);
    if (secs > 0)
        printf("speed: %.0f pages/s, %.1f MB/s (%zu bytes, %d repeat(s), %.3f s)\n",
               (double)nfiles * repeat / secs, (double)bytes / secs / 1e6, bytes, repeat, secs);
    for (size_t f = 0; f < nfiles; f++) free(files[f]);
    free(files);
    return 0;
}
