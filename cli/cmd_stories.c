/*
** khabar stories: the same article republished by several outlets (or
** crawled twice), grouped into stories at ingest; largest first.
*/
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *stories_help =
    "usage: khabar stories [--db PATH] [--since YYYY-MM-DD] [--min-size N] [--limit N]\n"
    "                      [--format table|jsonl|csv]\n"
    "\n"
    "List the stories of the archive: groups of near-identical articles (wire\n"
    "stories republished by many outlets), with their size, outlets, first and\n"
    "last publication date and a representative title. Largest first.\n"
    "  --since D      only stories with an article published on or after D\n"
    "  --min-size N   only stories of at least N articles (default 2)\n"
    "  --limit N      at most N stories (default 50 for table; 0 = all)\n"
    "'khabar show ID' lists the other copies of an article's story;\n"
    "'khabar search --collapse' shows one hit per story.\n";

enum { F_TABLE, F_JSONL, F_CSV };


static int print_story(void *ctx, const kb_story *s) {
    int f = *(int *)ctx;
    if (f == F_JSONL) {
        printf("{\"story\":%lld,\"size\":%ld,\"outlets\":%ld,\"first\":", s->id, s->size, s->outlets);
        if (s->first[0]) cli_json_str(stdout, s->first, strlen(s->first)); else fputs("null", stdout);
        printf(",\"last\":");
        if (s->last[0]) cli_json_str(stdout, s->last, strlen(s->last)); else fputs("null", stdout);
        printf(",\"title\":");
        if (s->title) cli_json_str(stdout, s->title, strlen(s->title)); else fputs("null", stdout);
        printf(",\"sources\":");
        cli_json_str(stdout, s->sources ? s->sources : "", s->sources ? strlen(s->sources) : 0);
        printf("}\n");
    } else if (f == F_CSV) {
        printf("%lld,%ld,%ld,", s->id, s->size, s->outlets);
        cli_csv_field(s->first); putchar(',');
        cli_csv_field(s->last); putchar(',');
        cli_csv_field(s->title); putchar(',');
        cli_csv_field(s->sources);
        fputs("\r\n", stdout);
    } else {
        printf("%6ld copies  %3ld outlets  %s .. %s  story %lld\n        %s\n        %s\n\n", s->size, s->outlets,
               s->first[0] ? s->first : "?", s->last[0] ? s->last : "?", s->id, s->title ? s->title : "(no title)",
               s->sources ? s->sources : "");
    }
    return ferror(stdout) != 0;
}

int cmd_stories(int argc, char **argv) {
    const char *db = "khabar.db", *since = NULL;
    long min_size = 2, limit = -1;
    int format = F_TABLE;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(stories_help, stdout);
            return KB_EXIT_OK;
        }
        if (i + 1 >= argc || a[0] != '-') {
            cli_error("stories", "unexpected argument or missing value '%s' (try --help)", a);
            return KB_EXIT_USAGE;
        }
        const char *v = argv[++i];
        if (!strcmp(a, "--db")) db = v;
        else if (!strcmp(a, "--since")) since = v;
        else if (!strcmp(a, "--format")) {
            if (!strcmp(v, "table")) format = F_TABLE;
            else if (!strcmp(v, "jsonl")) format = F_JSONL;
            else if (!strcmp(v, "csv")) format = F_CSV;
            else { cli_error("stories", "unknown format '%s' (table, jsonl, csv)", v); return KB_EXIT_USAGE; }
        } else if (!strcmp(a, "--min-size") || !strcmp(a, "--limit")) {
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || n < 0 || end == v) { cli_error("stories", "%s wants a number >= 0", a); return KB_EXIT_USAGE; }
            if (!strcmp(a, "--limit")) limit = n;
            else min_size = n;
        } else {
            cli_error("stories", "unknown option '%s' (try --help)", a);
            return KB_EXIT_USAGE;
        }
    }
    if (limit < 0) limit = format == F_TABLE ? 50 : 0;
    kb_archive *ar;
    if (kb_archive_open(&ar, db, KB_ARCHIVE_READONLY) != KB_OK) {
        cli_error(db, "%s", kb_archive_errmsg(ar));
        kb_archive_close(ar);
        return KB_EXIT_FATAL;
    }
    if (format == F_CSV) fputs("story,size,outlets,first,last,title,sources\r\n", stdout);
    int rc = kb_archive_stories(ar, since, min_size, limit, print_story, &format);
    if (rc) cli_error("stories", "%s", kb_archive_errmsg(ar));
    kb_archive_close(ar);
    if (rc) return rc == KB_EPARSE ? KB_EXIT_USAGE : KB_EXIT_FATAL;
    return fflush(stdout) ? KB_EXIT_FATAL : KB_EXIT_OK;
}
