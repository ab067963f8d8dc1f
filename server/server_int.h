/*
** server_int.h -- what server.c (the HTTP side: daemon, limits, dispatch,
** static files) shares with api.c (the JSON routes). Not part of any public
** interface.
*/
#ifndef KB_SERVER_INT_H
#define KB_SERVER_INT_H

#include <pthread.h>
#include <stddef.h>

#include "cache.h"
#include "json.h"
#include "khabar.h"
#include "query.h"

struct MHD_Response;

#define SRV_MAX_URI 8192          /* longer request targets get 414 */
#define SRV_MAX_PAGE 100          /* largest limit for paged routes */
#define SRV_MAX_BODY (64u << 20)  /* largest buffered JSON answer */
#define SRV_MAX_EXPORTS 4         /* concurrent /api/export streams */

/* Server state shared by all worker threads. */
typedef struct srv {
    const char *db;
    /* A pool of read-only archive handles: a kb_archive (one SQLite
    ** connection) is used by one thread at a time. */
    kb_archive **pool;
    size_t npool, nfree;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int exports; /* running export streams, under mu */
    srv_cache *cache; /* answers of the read-only routes; NULL = off */
} srv;

/* The answer a route builds: a buffered body, or a ready stream. */
typedef struct srv_reply {
    unsigned status;
    const char *ctype;           /* NULL: application/json */
    const char *disposition;     /* Content-Disposition, or NULL */
    srv_buf body;
    struct MHD_Response *stream; /* set instead of body by streaming routes */
} srv_reply;

/* Replace the body with {"error": message} and set the status. */
void srv_error(srv_reply *r, unsigned status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Take a handle from the pool (waits while all are busy); give it back. */
kb_archive *srv_acquire(srv *s);
void srv_release(srv *s, kb_archive *ar);

/*
** Answer an /api/... or /healthz request. path is the raw path (no query),
** qs the decoded query string. Sets r->status (0 = no such route).
*/
void srv_api(srv *s, const char *path, const srv_qs *qs, srv_reply *r);

#endif
