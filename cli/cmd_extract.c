/*
** khabar extract and khabar analyze: pages in, article records out (JSON
** Lines on stdout); analyze adds entities, quotes and amounts.
** Inputs are files, folders (recursive) or '-' (stdin); each may hold one
** page (flattened text or HTML), JSON Lines or WARC records, possibly gzip or
** zstd compressed. A document that fails is reported on stderr as
** "khabar: NAME: message" and skipped; the exit status is then 1.
*/
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *extract_help =
    "usage: khabar extract [OPTIONS] [INPUT...]\n"
    "\n"
    "Extract the article of each page: title, outlet (source), authors, section,\n"
    "date, body paragraphs and related links, without the site's furniture.\n"
    "Prints one JSON object per article (JSON Lines) on standard output.\n"
    "\n"
    "INPUT is a file, a folder (walked recursively) or '-' for standard input\n"
    "(the default). The kind of each input is detected from its content:\n"
    "  flattened page text, HTML (any charset), JSON Lines ({\"url\",\"html\"},\n"
    "  {\"url\",\"text\"} or article records), WARC; plain, .gz or .zst.\n"
    "\n"
    "options:\n"
    "  --format KIND   force the kind: flat, html, jsonl, warc\n"
    "  --url URL       the page's URL (for a single page given on stdin or as a file)\n"
    "  --explain       before each article, print every line/block of the page\n"
    "                  with the label it got and why, as lines starting with '#'\n"
    "                  (filter them with: grep -v '^#')\n"
    "  --max-bytes N   largest page accepted (default 64 MiB)\n"
    "\n"
    "exit status: 0 all inputs extracted, 1 some inputs failed (reported on\n"
    "stderr and skipped), 2 usage error.\n"
    "\n"
    "examples:\n"
    "  khabar extract page.html\n"
    "  khabar extract --explain ../shared/corpus/seed/000_057b97d1caa2b348.txt\n"
    "  khabar extract crawl.warc.gz | jq -r .title\n";

static const char *analyze_help =
    "usage: khabar analyze [OPTIONS] [INPUT...]\n"
    "\n"
    "Like 'khabar extract', and analyse each article: who said what (quotes with\n"
    "speaker, speech verb, statement), named entities (PER, LOC, ORG, MISC with\n"
    "their canonical form), and amounts (money with ISO 4217 currency, percents,\n"
    "counts, measures). Prints one JSON object per article with the extra fields\n"
    "entities, quotes and amounts; offsets count characters inside\n"
    "paragraphs[paragraph] (paragraph -1 is the title).\n"
    "\n"
    "Options, inputs and exit status as for 'khabar extract' (see its --help).\n"
    "\n"
    "examples:\n"
    "  khabar analyze page.txt | jq '.quotes[] | [.speaker, .verb, .text]'\n"
    "  khabar analyze dump.jsonl.zst | jq -c '.amounts[] | select(.kind==\"money\")'\n";

static void explain_line(void *ctx, const char *label, const char *why, const char *text, size_t n) {
    (void)ctx;
    /* Show at most ~100 characters of the text, cut on a character boundary. */
    size_t k = n, chars = 0;
    for (size_t i = 0; i < n; i++) {
        if (((unsigned char)text[i] & 0xC0) != 0x80 && ++chars > 100) {
            k = i;
            break;
        }
    }
    printf("# %-11s | %s | ", label, why);
    for (size_t i = 0; i < k; i++) putchar(text[i] == '\n' || text[i] == '\r' ? ' ' : text[i]);
    printf("%s\n", k < n ? " …" : "");
}

static int parse_format(const char *z) {
    if (!strcmp(z, "flat") || !strcmp(z, "text")) return KB_FMT_FLAT;
    if (!strcmp(z, "html")) return KB_FMT_HTML;
    if (!strcmp(z, "jsonl") || !strcmp(z, "json")) return KB_FMT_JSONL;
    if (!strcmp(z, "warc")) return KB_FMT_WARC;
    if (!strcmp(z, "auto")) return KB_FMT_AUTO;
    return -1;
}

static int run(int argc, char **argv, int analyze) {
    kb_reader_opts ro = {0};
    kb_extract_opts xo = {0};
    int explain = 0, ninputs = 0;
    char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
    if (!inputs) return KB_EXIT_FATAL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(analyze ? analyze_help : extract_help, stdout);
            free(inputs);
            return KB_EXIT_OK;
        } else if (!strcmp(a, "--explain")) {
            explain = 1;
        } else if ((!strcmp(a, "--format") || !strcmp(a, "--url") || !strcmp(a, "--max-bytes")) && i + 1 < argc) {
            const char *v = argv[++i];
            if (!strcmp(a, "--url")) xo.url = v;
            else if (!strcmp(a, "--max-bytes")) {
                char *end;
                unsigned long long m = strtoull(v, &end, 10);
                if (*end || !m) {
                    cli_error(argv[0], "--max-bytes wants a positive number, not '%s'", v);
                    free(inputs);
                    return KB_EXIT_USAGE;
                }
                ro.max_doc = xo.max_bytes = (size_t)m;
            } else if ((ro.format = parse_format(v)) < 0) {
                cli_error(argv[0], "unknown format '%s' (flat, html, jsonl, warc)", v);
                free(inputs);
                return KB_EXIT_USAGE;
            }
        } else if (a[0] == '-' && a[1]) {
            cli_error(argv[0], "unknown option '%s' (try 'khabar %s --help')", a, argv[0]);
            free(inputs);
            return KB_EXIT_USAGE;
        } else {
            inputs[ninputs++] = argv[i];
        }
    }
    if (!ninputs) inputs[ninputs++] = "-";
    if (explain) xo.explain = explain_line;
    int status = KB_EXIT_OK;
    long ok = 0, failed = 0;
    for (int i = 0; i < ninputs; i++) {
        kb_reader *r;
        const char *msg;
        int rc = kb_reader_open(&r, inputs[i], &ro, &msg);
        if (rc) {
            cli_error(inputs[i], "%s", msg);
            status = KB_EXIT_PARTIAL;
            failed++;
            continue;
        }
        kb_doc d;
        while ((rc = kb_reader_next(r, &d)) != 0) {
            if (rc < 0) {
                cli_error(NULL, "%s", kb_reader_errmsg(r));
                status = KB_EXIT_PARTIAL;
                failed++;
                continue;
            }
            kb_article *a;
            if (explain) printf("# %s\n", d.name);
            rc = kb_extract_doc(&d, &xo, &a, &msg);
            if (rc) {
                cli_error(d.name, "%s", msg);
                status = KB_EXIT_PARTIAL;
                failed++;
                continue;
            }
            if (analyze && (rc = kb_analyze(a))) {
                cli_error(d.name, "analysis failed: %s", kb_strerror(rc));
                status = KB_EXIT_PARTIAL;
                failed++;
                kb_article_free(a);
                continue;
            }
            char *json;
            size_t n;
            if (kb_article_to_json(a, &json, &n) == KB_OK) {
                fwrite(json, 1, n, stdout);
                putchar('\n');
                kb_free(json);
                ok++;
            }
            kb_article_free(a);
        }
        kb_reader_free(r);
    }
    free(inputs);
    if (fflush(stdout) != 0) {
        cli_error("stdout", "write error");
        return KB_EXIT_FATAL;
    }
    if (failed) cli_error(NULL, "%ld articles extracted, %ld inputs failed", ok, failed);
    return status;
}

int cmd_extract(int argc, char **argv) { return run(argc, argv, 0); }
int cmd_analyze(int argc, char **argv) { return run(argc, argv, 1); }
