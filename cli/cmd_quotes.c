/*
** khabar quotes and khabar entities: who said what, and who and what the
** archive talks about, over the analysed articles of the archive.
*/
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *quotes_help =
    "usage: khabar quotes [--db PATH] [--speaker NAME] [--limit N] [--format table|jsonl|csv] [QUERY]\n"
    "\n"
    "List the statements found in the archive's articles: speaker (the fullest\n"
    "name the article gives), speech verb, statement, article. --speaker matches\n"
    "part of the name ('المسماري' finds 'أحمد المسماري'); QUERY (search syntax)\n"
    "filters on the statement text. Newest first.\n"
    "\n"
    "example: khabar quotes --speaker المسماري تركيا\n";

static const char *entities_help =
    "usage: khabar entities [--db PATH] [--type PER|LOC|ORG|MISC] [--top N] [--format table|jsonl|csv]\n"
    "\n"
    "The most mentioned people, places, organisations in the archive, by their\n"
    "canonical name, with the number of mentions and of articles. --top defaults\n"
    "to 50 (0 = all).\n";

enum { F_TABLE, F_JSONL, F_CSV };


static void jstr(const char *z) {
    if (z) cli_json_str(stdout, z, strlen(z));
    else fputs("null", stdout);
}

static int print_quote(void *ctx, const kb_quote_hit *h) {
    int f = *(int *)ctx;
    const kb_quote *q = &h->quote;
    if (f == F_JSONL) {
        printf("{\"article\":");
        jstr(h->article_id);
        printf(",\"published\":");
        jstr(h->published);
        printf(",\"source\":");
        jstr(h->source);
        printf(",\"speaker\":");
        jstr(q->speaker);
        printf(",\"speaker_mention\":");
        jstr(q->speaker_mention);
        printf(",\"verb\":");
        jstr(q->verb);
        printf(",\"text\":");
        jstr(q->text);
        printf(",\"direct\":%s,\"paragraph\":%ld,\"start\":%zu,\"end\":%zu}\n", q->direct ? "true" : "false",
               q->paragraph, q->start, q->end);
    } else if (f == F_CSV) {
        cli_csv_field(h->article_id); putchar(',');
        cli_csv_field(h->published); putchar(',');
        cli_csv_field(h->source); putchar(',');
        cli_csv_field(q->speaker); putchar(',');
        cli_csv_field(q->speaker_mention); putchar(',');
        cli_csv_field(q->verb); putchar(',');
        cli_csv_field(q->text);
        printf(",%d\r\n", q->direct);
    } else {
        printf("%s  %s  %s\n  %s (%s): %s%s%s\n\n", h->published ? h->published : "----------", h->source ? h->source : "",
               h->article_id, q->speaker ? q->speaker : "?", q->verb ? q->verb : "", q->direct ? "«" : "", q->text,
               q->direct ? "»" : "");
    }
    return ferror(stdout) != 0;
}

static int print_entity(void *ctx, const char *canonical, const char *type, long mentions, long articles) {
    int f = *(int *)ctx;
    if (f == F_JSONL) {
        printf("{\"canonical\":");
        jstr(canonical);
        printf(",\"type\":\"%s\",\"mentions\":%ld,\"articles\":%ld}\n", type, mentions, articles);
    } else if (f == F_CSV) {
        cli_csv_field(canonical);
        printf(",%s,%ld,%ld\r\n", type, mentions, articles);
    } else {
        printf("%8ld %8ld  %-4s  %s\n", mentions, articles, type, canonical);
    }
    return ferror(stdout) != 0;
}

static int parse_common(int argc, char **argv, const char *help, const char **db, int *format, const char **opt1,
                        const char *opt1_name, long *num, const char *num_name, char **query) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(help, stdout);
            return -1;
        }
        if (i + 1 < argc && !strcmp(a, "--db")) *db = argv[++i];
        else if (i + 1 < argc && !strcmp(a, opt1_name)) *opt1 = argv[++i];
        else if (i + 1 < argc && !strcmp(a, "--format")) {
            const char *v = argv[++i];
            if (!strcmp(v, "table")) *format = F_TABLE;
            else if (!strcmp(v, "jsonl")) *format = F_JSONL;
            else if (!strcmp(v, "csv")) *format = F_CSV;
            else { cli_error(argv[0], "unknown format '%s' (table, jsonl, csv)", v); return KB_EXIT_USAGE; }
        } else if (i + 1 < argc && !strcmp(a, num_name)) {
            char *end;
            *num = strtol(argv[++i], &end, 10);
            if (*end || *num < 0) { cli_error(argv[0], "%s wants a number >= 0", num_name); return KB_EXIT_USAGE; }
        } else if (a[0] == '-' && a[1] == '-') {
            cli_error(argv[0], "unknown option or missing value '%s' (try --help)", a);
            return KB_EXIT_USAGE;
        } else if (query) {
            size_t k = *query ? strlen(*query) : 0, m = strlen(a);
            char *nq = realloc(*query, k + m + 2);
            if (!nq) return KB_EXIT_FATAL;
            if (k) nq[k++] = ' ';
            memcpy(nq + k, a, m + 1);
            *query = nq;
        } else {
            cli_error(argv[0], "unexpected argument '%s'", a);
            return KB_EXIT_USAGE;
        }
    }
    return 0;
}

static kb_archive *open_ro(const char *db) {
    kb_archive *ar;
    if (kb_archive_open(&ar, db, KB_ARCHIVE_READONLY) != KB_OK) {
        cli_error(db, "%s", kb_archive_errmsg(ar));
        kb_archive_close(ar);
        return NULL;
    }
    return ar;
}

int cmd_quotes(int argc, char **argv) {
    const char *db = "khabar.db", *speaker = NULL;
    int format = F_TABLE;
    long limit = 0;
    char *query = NULL;
    int rc = parse_common(argc, argv, quotes_help, &db, &format, &speaker, "--speaker", &limit, "--limit", &query);
    if (rc) {
        free(query);
        return rc < 0 ? KB_EXIT_OK : rc;
    }
    kb_archive *ar = open_ro(db);
    if (!ar) { free(query); return KB_EXIT_FATAL; }
    if (format == F_CSV) fputs("article,published,source,speaker,speaker_mention,verb,text,direct\r\n", stdout);
    long n = 0;
    rc = kb_archive_quotes(ar, speaker, query, limit, print_quote, &format, &n);
    int status = KB_EXIT_OK;
    if (rc) {
        cli_error("quotes", "%s", kb_archive_errmsg(ar));
        status = rc == KB_EPARSE ? KB_EXIT_USAGE : KB_EXIT_FATAL;
    } else if (!n) {
        fprintf(stderr, "no quotes found\n");
        status = KB_EXIT_PARTIAL;
    }
    kb_archive_close(ar);
    free(query);
    return fflush(stdout) ? KB_EXIT_FATAL : status;
}

int cmd_entities(int argc, char **argv) {
    const char *db = "khabar.db", *type = NULL;
    int format = F_TABLE;
    long top = 50;
    int rc = parse_common(argc, argv, entities_help, &db, &format, &type, "--type", &top, "--top", NULL);
    if (rc) return rc < 0 ? KB_EXIT_OK : rc;
    if (type && strcmp(type, "PER") && strcmp(type, "LOC") && strcmp(type, "ORG") && strcmp(type, "MISC")) {
        cli_error("entities", "--type is one of PER, LOC, ORG, MISC (not '%s')", type);
        return KB_EXIT_USAGE;
    }
    kb_archive *ar = open_ro(db);
    if (!ar) return KB_EXIT_FATAL;
    if (format == F_CSV) fputs("canonical,type,mentions,articles\r\n", stdout);
    else if (format == F_TABLE) printf("mentions articles  type  name\n");
    rc = kb_archive_entities(ar, type, top, print_entity, &format);
    if (rc) cli_error("entities", "%s", kb_archive_errmsg(ar));
    kb_archive_close(ar);
    return rc ? KB_EXIT_FATAL : fflush(stdout) ? KB_EXIT_FATAL : KB_EXIT_OK;
}
