/*
** server.c -- the HTTP side of `khabar serve`: libmicrohttpd set up with
** hard limits, request checks, static files from the assets embedded at
** build time, and the pool of read-only archive handles. The JSON routes are
** in api.c; docs/api.md is the manual.
**
** Threads: libmicrohttpd gives each connection its own thread (see
** kb_serve() for why), which calls the handler. A kb_archive is one SQLite
** connection and is not thread-safe, so handlers borrow one from a pool of
** `threads` handles and give it back before answering; the pool thus also
** bounds how many queries run at once.
**
** Limits, so that hostile or broken clients get a clean error and cannot
** take the server down: request target at most SRV_MAX_URI bytes (414);
** request line and headers within MHD's per-connection memory (larger ones
** get libmicrohttpd's own 414/431); no request bodies (413); only GET and
** HEAD (405); at most max_connections open at once (more are refused at
** accept); idle connections closed after `timeout` seconds; result pages of
** at most SRV_MAX_PAGE; at most SRV_MAX_EXPORTS export streams at once (503).
** Static files exist only as embedded assets looked up by exact name, so no
** request can reach the filesystem.
*/
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server.h"
#include "server_int.h"

/* The web page (server/www/), embedded by tools/embed.c --prefix srv_www. */
const unsigned char *srv_www_find(const char *name, size_t *n);

/* --- errors and the archive pool ------------------------------------------ */

void srv_error(srv_reply *r, unsigned status, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    srv_buf_free(&r->body);
    srv_buf_init(&r->body, SRV_MAX_BODY);
    srv_puts(&r->body, "{\"error\":");
    srv_json_str(&r->body, msg);
    srv_puts(&r->body, "}");
    r->status = status;
    r->ctype = NULL;
    r->disposition = NULL;
}

kb_archive *srv_acquire(srv *s) {
    pthread_mutex_lock(&s->mu);
    while (s->nfree == 0) pthread_cond_wait(&s->cv, &s->mu);
    kb_archive *ar = s->pool[--s->nfree];
    pthread_mutex_unlock(&s->mu);
    return ar;
}

void srv_release(srv *s, kb_archive *ar) {
    pthread_mutex_lock(&s->mu);
    s->pool[s->nfree++] = ar;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

/* --- requests -------------------------------------------------------------- */

/* Per-request state, created when libmicrohttpd has read the request line:
** the raw request target, before any decoding, so that the query string is
** decoded only by our strict decoder (query.c). */
typedef struct srv_req {
    struct timespec t0;
    size_t n;
    char uri[]; /* NUL-terminated */
} srv_req;

typedef struct srv_ctx {
    srv *s;
    int log;
} srv_ctx;

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c) {
    size_t n = strlen(uri);
    srv_req *q = malloc(sizeof *q + n + 1);
    if (!q) return NULL; /* the handler answers 500 */
    clock_gettime(CLOCK_MONOTONIC, &q->t0);
    q->n = n;
    memcpy(q->uri, uri, n + 1);
    return q;
}

static void on_done(void *cls, struct MHD_Connection *c, void **req_cls, enum MHD_RequestTerminationCode toe) {
    free(*req_cls);
    *req_cls = NULL;
}

static const char *mime_of(const char *name) {
    const char *dot = strrchr(name, '.');
    if (!dot) return "application/octet-stream";
    if (!strcmp(dot, ".html")) return "text/html; charset=utf-8";
    if (!strcmp(dot, ".js")) return "text/javascript; charset=utf-8";
    if (!strcmp(dot, ".css")) return "text/css; charset=utf-8";
    if (!strcmp(dot, ".svg")) return "image/svg+xml";
    if (!strcmp(dot, ".ico")) return "image/x-icon";
    return "application/octet-stream";
}

static enum MHD_Result send_reply(struct MHD_Connection *c, srv_reply *r, const char *method, int is_asset) {
    struct MHD_Response *resp = r->stream;
    if (!resp) {
        size_t n;
        char *p = srv_buf_take(&r->body, &n);
        if (!p) return MHD_NO; /* out of memory: drop the connection */
        resp = MHD_create_response_from_buffer(n, p, MHD_RESPMEM_MUST_FREE);
        if (!resp) {
            free(p);
            return MHD_NO;
        }
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->ctype ? r->ctype : "application/json; charset=utf-8");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, is_asset ? "no-cache" : "no-store");
    if (is_asset)
        MHD_add_response_header(resp, "Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                                "form-action 'self'; frame-ancestors 'none'");
    if (r->disposition) MHD_add_response_header(resp, "Content-Disposition", r->disposition);
    if (r->status == MHD_HTTP_METHOD_NOT_ALLOWED) MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    enum MHD_Result ret = MHD_queue_response(c, r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void access_log(const srv_req *q, const char *method, unsigned status) {
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (t1.tv_sec - q->t0.tv_sec) * 1e3 + (t1.tv_nsec - q->t0.tv_nsec) / 1e6;
    /* The target is the client's: print at most 200 bytes of it, and only
    ** printable ASCII (it arrives percent-encoded anyway). */
    char t[201];
    size_t k = 0;
    for (size_t i = 0; i < q->n && k < 200; i++) t[k++] = q->uri[i] > 0x20 && q->uri[i] < 0x7F ? q->uri[i] : '?';
    t[k] = 0;
    fprintf(stderr, "khabar: serve: %s %s %u %.1f ms\n", method, t, status, ms);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload_data, size_t *upload_data_size,
                              void **req_cls) {
    srv_ctx *ctx = cls;
    srv_req *q = *req_cls;
    srv_reply r = {0};
    srv_buf_init(&r.body, SRV_MAX_BODY);
    int is_asset = 0;
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    const char *te = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);

    /* Every check below answers on the first call, before any body is read;
    ** libmicrohttpd then closes a connection whose body was not consumed. */
    if (!q) {
        srv_error(&r, 500, "out of memory");
    } else if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
        srv_error(&r, 405, "method %s not allowed: the API is read-only (GET, HEAD)",
                  strlen(method) < 16 ? method : "(long)");
    } else if ((cl && strcmp(cl, "0")) || te) {
        srv_error(&r, 413, "request bodies are not accepted");
    } else if (q->n > SRV_MAX_URI) {
        srv_error(&r, 414, "request target too long (%zu bytes; at most %d)", q->n, SRV_MAX_URI);
    } else {
        const char *qm = strchr(q->uri, '?');
        size_t plen = qm ? (size_t)(qm - q->uri) : q->n;
        char path[SRV_MAX_URI + 1];
        memcpy(path, q->uri, plen);
        path[plen] = 0;
        srv_qs *qs = malloc(sizeof *qs); /* ~8 KiB: kept off the worker's stack */
        char err[256];
        int rc = qs ? srv_qs_parse(qs, qm ? qm + 1 : "", qm ? q->n - plen - 1 : 0, err, sizeof err) : -3;
        if (rc == SRV_QS_TOOBIG) {
            srv_error(&r, 414, "%s", err);
        } else if (rc == SRV_QS_BAD) {
            srv_error(&r, 400, "bad query string: %s", err);
        } else if (rc) {
            srv_error(&r, 500, "out of memory");
        } else if (!strncmp(path, "/api/", 5) || !strcmp(path, "/healthz")) {
            srv_api(ctx->s, path, qs, &r);
            if (!r.status) srv_error(&r, 404, "no such route: see docs/api.md");
        } else {
            /* The page: "/" and the embedded files by exact name. */
            const char *name = !strcmp(path, "/") ? "index.html" : path + 1;
            size_t n = 0;
            const unsigned char *data = NULL;
            if (path[0] == '/' && !strchr(name, '/')) data = srv_www_find(name, &n);
            if (!data) {
                srv_error(&r, 404, "not found");
            } else if (qs->n) {
                srv_error(&r, 400, "static files take no parameters");
            } else {
                r.status = 200;
                r.ctype = mime_of(name);
                is_asset = 1;
                srv_put(&r.body, (const char *)data, n);
            }
        }
        free(qs);
    }
    if (ctx->log && q) access_log(q, method, r.status);
    enum MHD_Result ret = send_reply(c, &r, method, is_asset && r.status == 200);
    srv_buf_free(&r.body);
    return ret;
}

/* --- start and stop -------------------------------------------------------- */

/* "127.0.0.1:8080", "[::1]:8080", ":8080" (= 127.0.0.1). */
static int parse_listen(const char *z, struct sockaddr_storage *ss, socklen_t *len, char *shown, size_t shown_n) {
    char host[64];
    const char *colon;
    memset(ss, 0, sizeof *ss);
    if (z[0] == '[') {
        const char *end = strchr(z, ']');
        if (!end || end[1] != ':' || (size_t)(end - z - 1) >= sizeof host) return -1;
        memcpy(host, z + 1, (size_t)(end - z - 1));
        host[end - z - 1] = 0;
        colon = end + 1;
    } else {
        colon = strrchr(z, ':');
        if (!colon || (size_t)(colon - z) >= sizeof host) return -1;
        memcpy(host, z, (size_t)(colon - z));
        host[colon - z] = 0;
        if (!host[0]) strcpy(host, "127.0.0.1");
    }
    const char *ps = colon + 1;
    long port = 0;
    if (!*ps || strlen(ps) > 5) return -1;
    for (const char *p = ps; *p; p++) {
        if (*p < '0' || *p > '9') return -1;
        port = port * 10 + (*p - '0');
    }
    if (port > 65535) return -1;
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((unsigned short)port);
        *len = sizeof *v4;
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((unsigned short)port);
        *len = sizeof *v6;
    } else {
        return -1;
    }
    snprintf(shown, shown_n, ss->ss_family == AF_INET6 ? "[%s]" : "%s", host);
    return 0;
}

int kb_serve(const kb_serve_opts *o) {
    const char *listen = o->listen ? o->listen : "127.0.0.1:8080";
    struct sockaddr_storage ss;
    socklen_t sslen;
    char host[80];
    if (parse_listen(listen, &ss, &sslen, host, sizeof host)) {
        fprintf(stderr, "khabar: serve: --listen wants ADDRESS:PORT (127.0.0.1:8080, [::1]:8080), not '%s'\n", listen);
        return 2;
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads = o->threads ? o->threads : (unsigned)(cpus < 2 ? 2 : cpus > 16 ? 16 : cpus);
    unsigned max_conn = o->max_connections ? o->max_connections : 1024;
    unsigned timeout = o->timeout ? o->timeout : 15;

    /* Each connection is a descriptor: make sure the limit allows them. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }

    srv s = {0};
    s.db = o->db;
    pthread_mutex_init(&s.mu, NULL);
    pthread_cond_init(&s.cv, NULL);
    int status = 0;
    s.pool = calloc(threads, sizeof *s.pool);
    if (!s.pool) {
        fprintf(stderr, "khabar: serve: out of memory\n");
        return 3;
    }
    for (; s.npool < threads; s.npool++) {
        kb_archive *ar;
        if (kb_archive_open(&ar, o->db, KB_ARCHIVE_READONLY) != KB_OK) {
            fprintf(stderr, "khabar: %s: %s\n", o->db, kb_archive_errmsg(ar));
            kb_archive_close(ar);
            status = 3;
            goto out;
        }
        s.pool[s.npool] = ar;
    }
    s.nfree = s.npool;
    s.cache = srv_cache_new((size_t)(o->cache_mb ? o->cache_mb : 64) << 20, o->cache_ttl);

    /* SIGINT and SIGTERM are taken by sigwait() below, so every thread
    ** (libmicrohttpd's and the export producers) starts with them blocked.
    ** SIGPIPE is ignored: a client that goes away is an ordinary error. */
    signal(SIGPIPE, SIG_IGN);
    /* A signal ignored when we were started (a shell's background job may
    ** inherit that) would be discarded rather than left for sigwait(). */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sigset_t stop, old;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, &old);

    srv_ctx ctx = {&s, o->log};
    /* One thread per connection (poll(), not select(): no 1024-socket
    ** ceiling): a query that misses the answer cache and takes SQLite a
    ** while then delays only its own connection, never the cached answers
    ** of others, as it would if connections shared a few polling threads.
    ** `threads` bounds the queries running at once (the archive pool). */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;
    if (ss.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, handle, &ctx, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_STACK_SIZE, (size_t)(1u << 20), MHD_OPTION_CONNECTION_LIMIT, max_conn, MHD_OPTION_CONNECTION_TIMEOUT,
        timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL, MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
        MHD_OPTION_SIGPIPE_HANDLED_BY_APP, 1, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "khabar: serve: cannot listen on %s: %s\n", listen,
                errno ? strerror(errno) : "libmicrohttpd failed to start");
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        status = 3;
        goto out;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    fprintf(stderr, "khabar: serving http://%s:%u/ (archive %s, %u threads, answer cache %us)\n", host,
            info ? (unsigned)info->port : 0u, o->db, threads, s.cache ? o->cache_ttl : 0u);
    fflush(stderr);

    int sig;
    sigwait(&stop, &sig);
    fprintf(stderr, "khabar: serve: stopping (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    MHD_stop_daemon(d);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
out:
    for (size_t i = 0; i < s.npool; i++) kb_archive_close(s.pool[i]);
    free(s.pool);
    srv_cache_free(s.cache);
    pthread_mutex_destroy(&s.mu);
    pthread_cond_destroy(&s.cv);
    return status;
}
