/*
** kb_analyze(): entities, then quotes (which resolve speakers against the
** entities), then amounts, over the title and every paragraph.
*/
#include "analyze/analyze_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

int kb_analyze(kb_article *a) {
    if (!a || a->analyzed) return KB_OK;
    kb_xart *x = a->internal;
    /* Entities and amounts read the same tokens: they are made once. */
    kb_atoks toks;
    int rc = kb__find_entities(x, &toks);
    if (!rc) rc = kb__find_quotes(x);
    if (!rc) rc = kb__find_amounts(x, &toks);
    kb__atoks_free(&toks);
    if (!rc) a->analyzed = 1;
    return rc;
}

void kb__atoks_free(kb_atoks *a) {
    kb__buf_free(&a->toks);
    kb__buf_free(&a->words);
}

/* --- per-thread caches (analyze_int.h) ------------------------------------- */

typedef struct tcache {
    void *p[KB_TC_N];
    int failed[KB_TC_N];
} tcache;

static pthread_key_t tc_key;
static pthread_once_t tc_once = PTHREAD_ONCE_INIT;
static int tc_key_ok;
static _Thread_local tcache *tc;
static _Thread_local int tc_off; /* no caches in this thread (any more) */

static void tc_free(void *v) {
    tcache *t = v;
    for (int i = 0; i < KB_TC_N; i++) free(t->p[i]);
    free(t);
    tc = NULL;
    tc_off = 1;
}

static void tc_init(void) { tc_key_ok = pthread_key_create(&tc_key, tc_free) == 0; }

void *kb__thread_cache(int id, size_t size) {
    tcache *t = tc;
    if (!t) {
        if (tc_off) return NULL;
        pthread_once(&tc_once, tc_init);
        t = tc_key_ok ? calloc(1, sizeof *t) : NULL;
        if (t && pthread_setspecific(tc_key, t)) {
            free(t);
            t = NULL;
        }
        if (!t) {
            tc_off = 1;
            return NULL;
        }
        tc = t;
    }
    if (t->p[id] || t->failed[id]) return t->p[id];
    size_t n = (size + 63) / 64 * 64;
    void *p = n ? kb__alloc_table(n) : NULL;
    if (p) memset(p, 0, n);
    else t->failed[id] = 1;
    return t->p[id] = p;
}

/* --- tables read at random (analyze_int.h) ---------------------------------- */

void *kb__alloc_table(size_t size) {
    enum { HUGE_PAGE = 2 << 20 };
    if (size < HUGE_PAGE) return aligned_alloc(64, (size + 63) / 64 * 64);
    /* Rounded up to whole huge pages: the last one is backed too. Linux
    ** serves MADV_HUGEPAGE in its default THP mode ("madvise"); where it
    ** is refused, the block is ordinary memory and only slower. */
    size_t n = (size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void *p = aligned_alloc(HUGE_PAGE, n);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (p) (void)madvise(p, n, MADV_HUGEPAGE);
#endif
    return p;
}
