/*
** khabar show ID and khabar stats: one article in full, and the archive's
** totals and per-source counts.
*/
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *show_help =
    "usage: khabar show [--db PATH] [--json] ID\n"
    "\n"
    "Print one article of the archive: title, outlet, authors, date, URL,\n"
    "the body and related links. ID is the id 'khabar search' prints (its first\n"
    "6 or more hex digits are enough). --json prints the article record.\n";

static const char *stats_help =
    "usage: khabar stats [--db PATH] [--json]\n"
    "\n"
    "Print the archive's totals: articles, sources, date range, and the number\n"
    "of articles per source. --check also verifies the archive (SQLite's\n"
    "integrity check and the full-text index against the articles): exit\n"
    "status 3 and the finding on stderr when it is damaged.\n";

typedef struct member_ctx {
    const char *self;
    long n;
} member_ctx;

static int print_member(void *ctx, const kb_hit *h) {
    member_ctx *m = ctx;
    if (!strcmp(h->id, m->self)) return 0;
    if (!m->n++) printf("\nthe same story elsewhere:\n");
    printf("  %s  %s  %s  %s\n", h->id, h->published ? h->published : "----------", h->source ? h->source : "",
           h->title ? h->title : "");
    return 0;
}

int cmd_show(int argc, char **argv) {
    const char *db = "khabar.db", *id = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { fputs(show_help, stdout); return KB_EXIT_OK; }
        else if (!strcmp(argv[i], "--json")) json = 1;
        else if (!strcmp(argv[i], "--db") && i + 1 < argc) db = argv[++i];
        else if (argv[i][0] == '-') { cli_error("show", "unknown option '%s'", argv[i]); return KB_EXIT_USAGE; }
        else id = argv[i];
    }
    if (!id) { cli_error("show", "which article? give its ID (see 'khabar search')"); return KB_EXIT_USAGE; }
    kb_archive *ar;
    if (kb_archive_open(&ar, db, KB_ARCHIVE_READONLY) != KB_OK) {
        cli_error(db, "%s", kb_archive_errmsg(ar));
        kb_archive_close(ar);
        return KB_EXIT_FATAL;
    }
    kb_article *a;
    int rc = kb_archive_get(ar, id, &a);
    if (rc) {
        cli_error("show", "%s", kb_archive_errmsg(ar));
        kb_archive_close(ar);
        return rc == KB_ENOTFOUND ? KB_EXIT_PARTIAL : KB_EXIT_USAGE;
    }
    if (json) {
        char *z;
        size_t n;
        if (kb_article_to_json(a, &z, &n) == KB_OK) {
            fwrite(z, 1, n, stdout);
            putchar('\n');
            kb_free(z);
        }
    } else {
        printf("%s\n\n", a->title ? a->title : "(no title)");
        if (a->source) printf("source:    %s\n", a->source);
        for (size_t i = 0; i < a->nauthors; i++) printf("author:    %s\n", a->authors[i]);
        if (a->section) printf("section:   %s\n", a->section);
        if (a->published) printf("published: %s\n", a->published);
        if (a->url) printf("url:       %s\n", a->url);
        printf("id:        %s\n\n", a->id);
        for (size_t i = 0; i < a->nparagraphs; i++) printf("%s\n\n", a->paragraphs[i]);
        if (a->nrelated) printf("related:\n");
        for (size_t i = 0; i < a->nrelated; i++)
            printf("  - %s%s%s\n", a->related[i].title, a->related[i].url ? "  " : "",
                   a->related[i].url ? a->related[i].url : "");
        for (size_t i = 0; i < a->nquotes; i++) {
            if (!i) printf("\nquotes:\n");
            const kb_quote *q = &a->quotes[i];
            printf("  - %s (%s): %s\n", q->speaker ? q->speaker : "?", q->verb ? q->verb : "", q->text);
        }
        if (a->story) {
            member_ctx m = {a->id, 0};
            kb_archive_story_members(ar, a->story, print_member, &m);
        }
    }
    kb_article_free(a);
    kb_archive_close(ar);
    return fflush(stdout) ? KB_EXIT_FATAL : KB_EXIT_OK;
}

typedef struct st_ctx { int json, first; } st_ctx;

static int print_source(void *ctx, const char *source, long count) {
    st_ctx *c = ctx;
    if (c->json) {
        printf("%s{\"source\":", c->first ? "" : ",");
        cli_json_str(stdout, source, strlen(source));
        printf(",\"articles\":%ld}", count);
    } else {
        printf("  %8ld  %s\n", count, source);
    }
    c->first = 0;
    return 0;
}

int cmd_stats(int argc, char **argv) {
    const char *db = "khabar.db";
    st_ctx c = {0, 1};
    int check = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { fputs(stats_help, stdout); return KB_EXIT_OK; }
        else if (!strcmp(argv[i], "--check")) check = 1;
        else if (!strcmp(argv[i], "--json")) c.json = 1;
        else if (!strcmp(argv[i], "--db") && i + 1 < argc) db = argv[++i];
        else { cli_error("stats", "unknown argument '%s'", argv[i]); return KB_EXIT_USAGE; }
    }
    kb_archive *ar;
    /* FTS5's integrity-check is issued as a write statement, so --check needs
    ** a writable connection; it changes nothing. */
    FILE *f = fopen(db, "rb");
    if (f) fclose(f);
    if (kb_archive_open(&ar, db, check && f ? 0 : KB_ARCHIVE_READONLY) != KB_OK) {
        cli_error(db, "%s", kb_archive_errmsg(ar));
        kb_archive_close(ar);
        return KB_EXIT_FATAL;
    }
    kb_stats st;
    if (check && kb_archive_check(ar) != KB_OK) {
        cli_error(db, "damaged: %s", kb_archive_errmsg(ar));
        kb_archive_close(ar);
        return KB_EXIT_FATAL;
    }
    if (c.json) {
        kb_archive_stats(ar, &st, NULL, NULL);
        printf("{\"articles\":%ld,\"sources\":%ld,\"first\":", st.articles, st.sources);
        if (st.first[0]) printf("\"%s\"", st.first); else printf("null");
        printf(",\"last\":");
        if (st.last[0]) printf("\"%s\"", st.last); else printf("null");
        printf(",\"per_source\":[");
        kb_archive_stats(ar, &st, print_source, &c);
        printf("]}\n");
    } else {
        kb_archive_stats(ar, &st, NULL, NULL);
        printf("archive:   %s\narticles:  %ld\nsources:   %ld\npublished: %s .. %s\n\nper source:\n", db, st.articles,
               st.sources, st.first[0] ? st.first : "?", st.last[0] ? st.last : "?");
        kb_archive_stats(ar, &st, print_source, &c);
    }
    kb_archive_close(ar);
    return fflush(stdout) ? KB_EXIT_FATAL : KB_EXIT_OK;
}
