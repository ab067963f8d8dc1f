/*
** khabar serve: the HTTP JSON API and the Arabic web page over an archive
** (server/, docs/api.md). This file only parses the options; the server lives
** in server/server.c.
*/
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../server/server.h"

static const char *serve_help =
    "usage: khabar serve [--db PATH] [--listen ADDR:PORT] [OPTIONS]\n"
    "\n"
    "Serve the archive read-only over HTTP: a JSON API (/api/search, /api/articles/ID,\n"
    "/api/quotes, /api/entities, /api/stats, /api/histogram, /api/export; see\n"
    "docs/api.md) and an Arabic web page at /. Stops on Ctrl-C or SIGTERM.\n"
    "\n"
    "options:\n"
    "  --db PATH            the archive (default ./khabar.db)\n"
    "  --listen ADDR:PORT   where to listen (default 127.0.0.1:8080, loopback only;\n"
    "                       [::1]:8080 for IPv6; port 0 picks a free port)\n"
    "  --threads N          worker threads (default: the number of CPUs, 2..16)\n"
    "  --max-connections N  open connections at once (default 1024)\n"
    "  --timeout SECONDS    close connections idle this long (default 15)\n"
    "  --cache-ttl SECONDS  reuse answers of search, histogram, quotes, entities and\n"
    "                       stats this long (default 10; 0 = no cache): during an\n"
    "                       ingest, answers may be this much behind the archive\n"
    "  --log                one line per request on stderr\n"
    "\n"
    "exit status: 0 stopped cleanly, 2 usage error, 3 archive or address unusable.\n";

static int number(const char *opt, const char *v, unsigned max, unsigned *out) {
    char *end;
    long n = strtol(v, &end, 10);
    if (end == v || *end || n < 1 || n > (long)max) {
        cli_error("serve", "%s wants a number from 1 to %u, not '%s'", opt, max, v);
        return -1;
    }
    *out = (unsigned)n;
    return 0;
}

int cmd_serve(int argc, char **argv) {
    kb_serve_opts o = {0};
    o.db = "khabar.db";
    o.cache_ttl = 10;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(serve_help, stdout);
            return KB_EXIT_OK;
        }
        if (!strcmp(a, "--log")) {
            o.log = 1;
            continue;
        }
        static const char *with_value[] = {"--db", "--listen", "--threads", "--max-connections", "--timeout",
                                           "--cache-ttl", NULL};
        int takes = 0;
        for (int k = 0; with_value[k]; k++) takes |= !strcmp(a, with_value[k]);
        if (!takes) {
            cli_error("serve", "unknown argument '%s' (try --help)", a);
            return KB_EXIT_USAGE;
        }
        if (i + 1 >= argc) {
            cli_error("serve", "%s needs a value", a);
            return KB_EXIT_USAGE;
        }
        const char *v = argv[++i];
        if (!strcmp(a, "--db")) o.db = v;
        else if (!strcmp(a, "--listen")) o.listen = v;
        else if (!strcmp(a, "--threads")) { if (number(a, v, 64, &o.threads)) return KB_EXIT_USAGE; }
        else if (!strcmp(a, "--max-connections")) { if (number(a, v, 100000, &o.max_connections)) return KB_EXIT_USAGE; }
        else if (!strcmp(a, "--cache-ttl")) {
            if (!strcmp(v, "0")) o.cache_ttl = 0;
            else if (number(a, v, 86400, &o.cache_ttl)) return KB_EXIT_USAGE;
        } else if (number(a, v, 3600, &o.timeout)) return KB_EXIT_USAGE;
    }
    return kb_serve(&o);
}
