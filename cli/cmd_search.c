/*
** khabar search and khabar export: queries over the archive, written as a
** table for people, or JSON Lines / CSV for pipelines. No hidden cap: without
** --limit, export streams every match.
*/
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char *search_help =
    "usage: khabar search [--db PATH] [OPTIONS] QUERY\n"
    "\n"
    "Search the archive, best matches first (BM25; the title weighs more than\n"
    "the body). Arabic words match their other forms: والكتاب finds كتاب.\n"
    "\n"
    "query syntax:\n"
    "  words            all must appear           ليبيا تركيا\n"
    "  \"exact phrase\"   these words in this order  \"الجيش الليبي\"\n"
    "  a OR b           either                    طرابلس OR بنغازي\n"
    "  -word            must not appear           ليبيا -تركيا\n"
    "  prefix*          words starting so         اقتصا*\n"
    "\n"
    "options:\n"
    "  --db PATH            the archive (default ./khabar.db)\n"
    "  --source NAME        only this outlet\n"
    "  --section NAME       only this section\n"
    "  --author NAME        only articles with this author (part of the name)\n"
    "  --since YYYY-MM-DD   published on or after\n"
    "  --until YYYY-MM-DD   published on or before\n"
    "  --limit N            at most N results (default 20 for table, all for\n"
    "                       jsonl/csv); --offset N skips the first N\n"
    "  --collapse           one hit per story (the best-ranked copy), with the\n"
    "                       number of copies the archive holds\n"
    "  --format F           table (default), jsonl, csv\n"
    "\n"
    "exit status: 0 matches found, 1 no match, 2 usage or query error, 3 archive error.\n";

static const char *export_help =
    "usage: khabar export [--db PATH] [OPTIONS] [QUERY]\n"
    "\n"
    "Write every article matching QUERY (all articles without one) in full:\n"
    "JSON Lines (the article record, default) or CSV. Streams: no limit unless\n"
    "--limit is given. Same QUERY syntax and filters as 'khabar search'.\n"
    "\n"
    "options: --db PATH, --format jsonl|csv, --source, --section, --author,\n"
    "         --since, --until, --limit, --offset\n";

enum { F_TABLE, F_JSONL, F_CSV };


static void json_field(const char *key, const char *z, int first) {
    printf("%s\"%s\":", first ? "" : ",", key);
    if (z) cli_json_str(stdout, z, strlen(z));
    else fputs("null", stdout);
}

typedef struct out_ctx {
    int format, tty;
    long n;
} out_ctx;

static int print_hit(void *ctx, const kb_hit *h) {
    out_ctx *o = ctx;
    o->n++;
    if (o->format == F_JSONL) {
        putchar('{');
        json_field("id", h->id, 1);
        json_field("title", h->title, 0);
        json_field("source", h->source, 0);
        json_field("section", h->section, 0);
        json_field("published", h->published, 0);
        json_field("url", h->url, 0);
        json_field("snippet", h->snippet, 0);
        printf(",\"score\":%.4f,\"story\":%lld,\"copies\":%ld}\n", -h->score, h->story, h->copies);
    } else if (o->format == F_CSV) {
        cli_csv_field(h->id); putchar(',');
        cli_csv_field(h->published); putchar(',');
        cli_csv_field(h->source); putchar(',');
        cli_csv_field(h->title); putchar(',');
        cli_csv_field(h->url); putchar(',');
        cli_csv_field(h->snippet);
        printf(",%.4f,%lld,%ld\r\n", -h->score, h->story, h->copies);
    } else {
        printf("%ld. %s  %s  %s", o->n, h->id, h->published ? h->published : "----------",
               h->source ? h->source : "");
        if (h->copies > 1) printf("  (%ld copies)", h->copies);
        printf("\n   %s\n", h->title ? h->title : "(no title)");
        if (h->snippet) {
            fputs("   ", stdout);
            for (const char *z = h->snippet; *z; z++) putchar(*z == '\n' ? ' ' : *z);
            putchar('\n');
        }
        putchar('\n');
    }
    return ferror(stdout) != 0;
}

static int print_article(void *ctx, const kb_article *a) {
    out_ctx *o = ctx;
    o->n++;
    if (o->format == F_CSV) {
        cli_csv_field(a->id); putchar(',');
        cli_csv_field(a->url); putchar(',');
        cli_csv_field(a->source); putchar(',');
        cli_csv_field(a->section); putchar(',');
        cli_csv_field(a->published); putchar(',');
        cli_csv_field(a->title); putchar(',');
        putchar('"');
        for (size_t i = 0; i < a->nauthors; i++) {
            if (i) fputs("; ", stdout);
            for (const char *z = a->authors[i]; *z; z++) {
                if (*z == '"') putchar('"');
                putchar(*z);
            }
        }
        fputs("\",", stdout);
        putchar('"');
        for (size_t i = 0; i < a->nparagraphs; i++) {
            if (i) putchar('\n');
            for (const char *z = a->paragraphs[i]; *z; z++) {
                if (*z == '"') putchar('"');
                putchar(*z);
            }
        }
        fputs("\"\r\n", stdout);
    } else {
        char *json;
        size_t n;
        if (kb_article_to_json(a, &json, &n) == KB_OK) {
            fwrite(json, 1, n, stdout);
            putchar('\n');
            kb_free(json);
        }
    }
    return ferror(stdout) != 0;
}

static int run(int argc, char **argv, int export) {
    const char *db = "khabar.db";
    kb_query q = {0};
    int format = export ? F_JSONL : F_TABLE, limit_set = 0;
    char *query = NULL;
    size_t qlen = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(export ? export_help : search_help, stdout);
            free(query);
            return KB_EXIT_OK;
        }
        static const char *with_value[] = {"--db", "--source", "--section", "--author", "--since",
                                           "--until", "--limit", "--offset", "--format", NULL};
        int takes = 0;
        for (int k = 0; with_value[k]; k++) takes |= !strcmp(a, with_value[k]);
        if (takes) {
            if (i + 1 >= argc) {
                cli_error(export ? "export" : "search", "%s needs a value", a);
                free(query);
                return KB_EXIT_USAGE;
            }
            const char *v = argv[++i];
            if (!strcmp(a, "--db")) db = v;
            else if (!strcmp(a, "--source")) q.source = v;
            else if (!strcmp(a, "--section")) q.section = v;
            else if (!strcmp(a, "--author")) q.author = v;
            else if (!strcmp(a, "--since")) q.since = v;
            else if (!strcmp(a, "--until")) q.until = v;
            else if (!strcmp(a, "--format")) {
                if (!strcmp(v, "table") && !export) format = F_TABLE;
                else if (!strcmp(v, "jsonl") || !strcmp(v, "json")) format = F_JSONL;
                else if (!strcmp(v, "csv")) format = F_CSV;
                else {
                    cli_error(export ? "export" : "search", "unknown format '%s' (%s)", v,
                              export ? "jsonl, csv" : "table, jsonl, csv");
                    free(query);
                    return KB_EXIT_USAGE;
                }
            } else {
                char *end;
                long n = strtol(v, &end, 10);
                if (*end || n < 0 || end == v) {
                    cli_error(export ? "export" : "search", "%s wants a number >= 0, not '%s'", a, v);
                    free(query);
                    return KB_EXIT_USAGE;
                }
                if (!strcmp(a, "--limit")) { q.limit = n; limit_set = 1; }
                else q.offset = n;
            }
        } else if (!strcmp(a, "--collapse")) {
            q.collapse = 1;
        } else if (a[0] == '-' && a[1] == '-') {
            cli_error(export ? "export" : "search", "unknown option '%s' (try --help)", a);
            free(query);
            return KB_EXIT_USAGE;
        } else {
            /* Query words may come as several arguments; '-word' is an exclusion. */
            size_t k = strlen(a);
            char *nq = realloc(query, qlen + k + 2);
            if (!nq) { free(query); return KB_EXIT_FATAL; }
            query = nq;
            if (qlen) query[qlen++] = ' ';
            memcpy(query + qlen, a, k + 1);
            qlen += k;
        }
    }
    if (!export && !query) {
        cli_error("search", "no QUERY given (try 'khabar search --help')");
        return KB_EXIT_USAGE;
    }
    if (!limit_set && format == F_TABLE) q.limit = 20;
    q.q = query;
    out_ctx o = {format, isatty(1), 0};
    if (format == F_TABLE && o.tty) { q.hl_open = "\033[1;31m"; q.hl_close = "\033[0m"; }
    else if (format == F_TABLE) { q.hl_open = "["; q.hl_close = "]"; }
    else { q.hl_open = "<b>"; q.hl_close = "</b>"; }
    kb_archive *ar;
    if (kb_archive_open(&ar, db, KB_ARCHIVE_READONLY) != KB_OK) {
        cli_error(db, "%s", kb_archive_errmsg(ar));
        kb_archive_close(ar);
        free(query);
        return KB_EXIT_FATAL;
    }
    if (format == F_CSV)
        fputs(export ? "id,url,source,section,published,title,authors,body\r\n"
                     : "id,published,source,title,url,snippet,score,story,copies\r\n", stdout);
    long n = 0;
    int rc = export ? kb_archive_export(ar, &q, print_article, &o, &n) : kb_archive_search(ar, &q, print_hit, &o, &n);
    int status = KB_EXIT_OK;
    if (rc) {
        cli_error(export ? "export" : "search", "%s", kb_archive_errmsg(ar));
        status = rc == KB_EPARSE ? KB_EXIT_USAGE : KB_EXIT_FATAL;
    } else if (n == 0) {
        if (format == F_TABLE) fprintf(stderr, "no match\n");
        status = export ? KB_EXIT_OK : KB_EXIT_PARTIAL;
    } else if (format == F_TABLE && q.limit > 0 && n == q.limit) {
        fprintf(stderr, "(first %ld matches; --limit N or --offset N for more)\n", n);
    }
    kb_archive_close(ar);
    free(query);
    if (fflush(stdout) != 0) return KB_EXIT_FATAL;
    return status;
}

int cmd_search(int argc, char **argv) { return run(argc, argv, 0); }
int cmd_export(int argc, char **argv) { return run(argc, argv, 1); }
