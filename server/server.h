/*
** server.h -- khabar's HTTP server: a JSON API and an Arabic, right-to-left
** web page over a read-only archive (docs/api.md). A front end like cli/:
** it uses libkhabar only through include/khabar.h. `khabar serve`
** (cli/cmd_serve.c) parses the options and calls kb_serve().
*/
#ifndef KB_SERVER_H
#define KB_SERVER_H

typedef struct kb_serve_opts {
    const char *db;             /* the archive, opened read-only */
    const char *listen;         /* "ADDR:PORT", "[V6]:PORT"; NULL = 127.0.0.1:8080;
                                   port 0 = any free port (printed at start) */
    unsigned threads;           /* worker threads; 0 = CPUs, 2..16 */
    unsigned max_connections;   /* open connections at once; 0 = 1024 */
    unsigned timeout;           /* seconds a connection may stay idle; 0 = 15 */
    int log;                    /* 1: one access-log line per request on stderr */
    unsigned cache_ttl;         /* seconds an answer of the read-only routes is
                                   reused (server/cache.c); 0 = no cache */
    unsigned cache_mb;          /* the answer cache's size; 0 = 64 MiB */
} kb_serve_opts;

/*
** Serve until SIGINT or SIGTERM. Prints "khabar: serving http://ADDR:PORT/"
** on stderr once listening, and its errors as "khabar: serve: ...".
** Returns 0 after a clean stop, 2 for a bad option (listen address), 3 when
** the archive cannot be opened or the address cannot be bound.
*/
int kb_serve(const kb_serve_opts *opts);

#endif
