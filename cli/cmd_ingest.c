/*
** khabar ingest: pages in, a searchable archive out. Reads every input kind
** `extract` reads (plus article JSON Lines), extracts, and stores into the
** SQLite archive in batched transactions. Idempotent and resumable: a re-run
** stores only what is missing. Progress on stderr when it is a terminal;
** a summary at the end; per-input errors are reported and skipped.
*/
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static const char *ingest_help =
    "usage: khabar ingest [--db PATH] [OPTIONS] INPUT...\n"
    "\n"
    "Extract the article of every page in INPUT and store it in the archive\n"
    "(default ./khabar.db, created if missing), indexed for 'khabar search'.\n"
    "\n"
    "INPUT is a file, a folder (walked recursively) or '-' for standard input:\n"
    "flattened pages, HTML, JSON Lines (pages or article records with title/text),\n"
    "WARC; plain, .gz or .zst. The same article ingested twice is stored once, so\n"
    "an interrupted ingest is finished by running the same command again.\n"
    "\n"
    "options:\n"
    "  --db PATH        the archive (default ./khabar.db)\n"
    "  --format KIND    force the input kind: flat, html, jsonl, warc\n"
    "  --batch N        articles per transaction (default 5000)\n"
    "  --fast           do not wait for the disk after each batch (an OS crash\n"
    "                   may lose the last batches; a killed process loses nothing)\n"
    "  --no-analyze     store the articles without entities, quotes and amounts\n"
    "                   (faster; 'khabar quotes' and 'khabar entities' then see\n"
    "                   nothing of them)\n"
    "  --no-stories     do not group the new articles into stories\n"
    "  --no-optimize    do not merge the search index at the end (done when\n"
    "                   the new articles are a quarter of the archive or more;\n"
    "                   it makes searches faster and takes ~1.5 s per 60k articles)\n"
    "  --quiet          no progress line\n"
    "\n"
    "exit status: 0 all inputs stored, 1 some inputs failed (reported and skipped),\n"
    "2 usage error, 3 the archive could not be opened or written.\n";

static volatile sig_atomic_t g_stop;
static void on_signal(int sig) {
    (void)sig;
    g_stop = 1;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct counts {
    long pages, stored, dup, failed;
    double t0, last;
    uint64_t done_base, total_all; /* bytes of earlier inputs */
} counts;

static void progress(counts *c, kb_reader *r, int final) {
    double t = now();
    if (!final && t - c->last < 0.5) return;
    c->last = t;
    double el = t - c->t0;
    uint64_t done = 0, total = 0;
    if (r) kb_reader_progress(r, &done, &total);
    fprintf(stderr, "\r\033[Kingest: %ld pages (%.0f/s), %ld stored, %ld already there, %ld failed", c->pages,
            el > 0 ? (double)c->pages / el : 0.0, c->stored, c->dup, c->failed);
    if (total && done <= total && el > 1 && done > 0) {
        double frac = (double)done / (double)total;
        double eta = el / frac - el;
        fprintf(stderr, ", %.0f%% of this input, ETA %.0fs", frac * 100, eta);
    }
    if (final) fputc('\n', stderr);
}

int cmd_ingest(int argc, char **argv) {
    const char *db = "khabar.db";
    kb_reader_opts ro = {0};
    unsigned batch = 5000, flags = 0;
    int quiet = 0, ninputs = 0, analyze = 1, stories = 1, optimize = 1;
    char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
    if (!inputs) return KB_EXIT_FATAL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(ingest_help, stdout);
            free(inputs);
            return KB_EXIT_OK;
        } else if (!strcmp(a, "--quiet")) quiet = 1;
        else if (!strcmp(a, "--no-analyze")) analyze = 0;
        else if (!strcmp(a, "--no-stories")) stories = 0;
        else if (!strcmp(a, "--no-optimize")) optimize = 0;
        else if (!strcmp(a, "--fast")) flags |= KB_ARCHIVE_NOSYNC;
        else if ((!strcmp(a, "--db") || !strcmp(a, "--format") || !strcmp(a, "--batch")) && i + 1 < argc) {
            const char *v = argv[++i];
            if (!strcmp(a, "--db")) db = v;
            else if (!strcmp(a, "--batch")) {
                char *end;
                long b = strtol(v, &end, 10);
                if (*end || b <= 0 || b > 1000000) {
                    cli_error("ingest", "--batch wants a number from 1 to 1000000, not '%s'", v);
                    free(inputs);
                    return KB_EXIT_USAGE;
                }
                batch = (unsigned)b;
            } else {
                static const char *names[] = {"auto", "flat", "html", "jsonl", "warc"};
                ro.format = -1;
                for (int k = 0; k < 5; k++)
                    if (!strcmp(v, names[k])) ro.format = k;
                if (ro.format < 0) {
                    cli_error("ingest", "unknown format '%s' (flat, html, jsonl, warc)", v);
                    free(inputs);
                    return KB_EXIT_USAGE;
                }
            }
        } else if (a[0] == '-' && a[1]) {
            cli_error("ingest", "unknown option or missing value '%s' (try 'khabar ingest --help')", a);
            free(inputs);
            return KB_EXIT_USAGE;
        } else inputs[ninputs++] = argv[i];
    }
    if (!ninputs) {
        cli_error("ingest", "no INPUT given (a file, a folder, or '-' for standard input)");
        free(inputs);
        return KB_EXIT_USAGE;
    }
    kb_archive *ar;
    if (kb_archive_open(&ar, db, flags) != KB_OK) {
        cli_error(db, "%s", kb_archive_errmsg(ar));
        kb_archive_close(ar);
        free(inputs);
        return KB_EXIT_FATAL;
    }
    kb_archive_set_batch(ar, batch);
    kb_archive_set_stories(ar, stories);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    int tty = !quiet && isatty(2);
    counts c = {0};
    c.t0 = now();
    int status = KB_EXIT_OK;
    for (int i = 0; i < ninputs && !g_stop && status != KB_EXIT_FATAL; i++) {
        kb_reader *r;
        const char *msg;
        if (kb_reader_open(&r, inputs[i], &ro, &msg)) {
            if (tty) fputs("\r\033[K", stderr);
            cli_error(inputs[i], "%s", msg);
            c.failed++;
            status = KB_EXIT_PARTIAL;
            continue;
        }
        kb_doc d;
        int rc;
        while (!g_stop && (rc = kb_reader_next(r, &d)) != 0) {
            if (rc < 0) {
                if (tty) fputs("\r\033[K", stderr);
                cli_error(NULL, "%s", kb_reader_errmsg(r));
                c.failed++;
                status = KB_EXIT_PARTIAL;
                continue;
            }
            c.pages++;
            kb_article *a;
            if ((rc = kb_extract_doc(&d, NULL, &a, &msg))) {
                if (tty) fputs("\r\033[K", stderr);
                cli_error(d.name, "%s", msg);
                c.failed++;
                status = KB_EXIT_PARTIAL;
            } else if (analyze && (rc = kb_analyze(a))) {
                if (tty) fputs("\r\033[K", stderr);
                cli_error(d.name, "analysis failed: %s", kb_strerror(rc));
                c.failed++;
                status = KB_EXIT_PARTIAL;
                kb_article_free(a);
            } else {
                int stored;
                rc = kb_archive_put(ar, a, &stored);
                kb_article_free(a);
                if (rc) {
                    if (tty) fputs("\r\033[K", stderr);
                    cli_error(db, "%s", kb_archive_errmsg(ar));
                    status = KB_EXIT_FATAL;
                    break;
                }
                if (stored) c.stored++;
                else c.dup++;
            }
            if (tty) progress(&c, r, 0);
        }
        kb_reader_free(r);
    }
    if (kb_archive_flush(ar) != KB_OK) {
        cli_error(db, "%s", kb_archive_errmsg(ar));
        status = KB_EXIT_FATAL;
    } else if (optimize && !g_stop && c.stored > 0) {
        /* Everything is stored: a failure here loses nothing. */
        if (tty) fputs("\r\033[Kingest: merging the search index...", stderr);
        if (kb_archive_optimize(ar, c.stored) != KB_OK) {
            if (tty) fputs("\r\033[K", stderr);
            cli_error(db, "%s (the articles are stored; searches are slower until the next ingest)",
                      kb_archive_errmsg(ar));
            if (status == KB_EXIT_OK) status = KB_EXIT_PARTIAL;
        }
    }
    kb_archive_close(ar);
    free(inputs);
    if (tty) fputs("\r\033[K", stderr);
    double el = now() - c.t0;
    fprintf(stderr, "khabar: ingest%s: %ld pages in %.1fs (%.0f/s): %ld stored, %ld already in the archive, %ld failed -> %s\n",
            g_stop ? " interrupted" : "", c.pages, el, el > 0 ? (double)c.pages / el : 0.0, c.stored, c.dup, c.failed, db);
    if (g_stop && status == KB_EXIT_OK) status = KB_EXIT_PARTIAL;
    return status;
}
