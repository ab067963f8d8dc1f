/*
** khabar: the command-line front end. Parses the subcommand and hands over to
** cmd_<name>.c. All behaviour lives in libkhabar (include/khabar.h).
*/
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} commands[] = {
    {"extract", cmd_extract, "pages (flat text, HTML, JSON Lines, WARC) -> articles as JSON Lines"},
    {"analyze", cmd_analyze, "extract + who said what, entities and amounts (JSON Lines)"},
    {"ingest", cmd_ingest, "pages -> the searchable archive (SQLite, ./khabar.db)"},
    {"search", cmd_search, "search the archive: words, \"phrases\", OR, -word, prefix*"},
    {"show", cmd_show, "one article of the archive in full"},
    {"export", cmd_export, "every article matching a query, as JSON Lines or CSV"},
    {"quotes", cmd_quotes, "who said what: statements by speaker and topic"},
    {"entities", cmd_entities, "the most mentioned people, places, organisations"},
    {"stories", cmd_stories, "the same article republished across outlets, grouped"},
    {"stats", cmd_stats, "articles, sources and dates in the archive"},
    {"serve", cmd_serve, "HTTP JSON API + Arabic web page over the archive (read-only)"},
    {"train-ner", cmd_train_ner, "train the named-entity tagger on an ANERcorp-style corpus"},
    {"text", cmd_text, "look inside the Arabic analyser: normalize, tokenize, segment, stem, lang"},
};

static void usage(FILE *out) {
    fprintf(out,
            "khabar %s -- an Arabic news engine\n\n"
            "usage: khabar COMMAND [OPTIONS] [ARGS]\n\ncommands:\n",
            KB_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
    fprintf(out,
            "\n'khabar COMMAND --help' tells more about a command.\n"
            "Exit status: 0 ok, 1 some inputs failed, 2 usage error, 3 fatal error.\n");
}

void cli_error(const char *what, const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "khabar: ");
    if (what) fprintf(stderr, "%s: ", what);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

char *cli_slurp(FILE *f, size_t max, size_t *n, int *too_big) {
    size_t cap = 1 << 16, len = 0;
    char *p = malloc(cap + 1);
    *too_big = 0;
    if (!p) return NULL;
    for (;;) {
        if (len == cap) {
            if (cap >= max) {
                free(p);
                *too_big = 1;
                return NULL;
            }
            cap = cap * 2 > max ? max : cap * 2;
            char *q = realloc(p, cap + 1);
            if (!q) { free(p); return NULL; }
            p = q;
        }
        size_t k = fread(p + len, 1, cap - len, f);
        len += k;
        if (k == 0) break;
    }
    if (ferror(f)) { free(p); return NULL; }
    p[len] = 0;
    *n = len;
    return p;
}

void cli_csv_field(const char *z) {
    if (!z) return;
    putchar('"');
    for (; *z; z++) {
        if (*z == '"') putchar('"');
        putchar(*z);
    }
    putchar('"');
}

void cli_json_str(FILE *out, const char *p, size_t n) {
    size_t k;
    char *q = kb_json_quote(p, n, &k);
    if (q) fwrite(q, 1, k, out);
    else fputs("null", out); /* out of memory: still valid JSON */
    kb_free(q);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return KB_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return KB_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("khabar %s\n", KB_VERSION);
        return KB_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].fn(argc - 1, argv + 1);
    cli_error(NULL, "unknown command '%s' (try 'khabar --help')", argv[1]);
    return KB_EXIT_USAGE;
}
