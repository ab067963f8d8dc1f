/*
** Internals of src/extract/: the article under construction (kb_xart), the
** builders the extractors use to fill it, and the extractors' entry points.
**
** Every string an extractor adds goes through a builder, which copies it into
** the article's arena, applies display-safe normalization (KB_NORM_DISPLAY),
** collapses runs of white space and trims the ends. So an extractor hands
** over raw spans of its input and never worries about ownership.
*/
#ifndef KB_EXTRACT_INT_H
#define KB_EXTRACT_INT_H

#include <stddef.h>

#include "core/arena.h"
#include "khabar.h"

typedef struct kb_xart {
    kb_article a; /* a.internal points back to this struct */
    kb_arena arena;
    size_t cap_par, cap_auth, cap_rel, cap_ent, cap_quo, cap_amt;
    char errmsg[256]; /* detail for the caller (kb_extract's errmsg) */
} kb_xart;

/* Clean a span (normalize for display, collapse spaces, trim) into the arena.
** Returns NULL on out-of-memory; *outn gets the length (0 if all space). */
char *kb__art_clean(kb_xart *x, const char *p, size_t n, size_t *outn);

/* Set a single-valued field (e.g. &x->a.title) to the cleaned span; an empty
** span leaves the field unchanged. Returns KB_OK or KB_ENOMEM. */
int kb__art_set(kb_xart *x, const char **field, const char *p, size_t n);
int kb__art_add_paragraph(kb_xart *x, const char *p, size_t n);
int kb__art_add_author(kb_xart *x, const char *p, size_t n);      /* skips duplicates */
int kb__art_add_related(kb_xart *x, const char *title, size_t tn,
                        const char *url, size_t un);             /* url may be NULL */

/* Analysis results (src/analyze/). Strings are copied into the arena as
** given (no cleaning: offsets refer to the paragraph text). kind/type are
** static strings. */
int kb__art_add_entity(kb_xart *x, const kb_entity *e);
int kb__art_add_quote(kb_xart *x, const kb_quote *q);
int kb__art_add_amount(kb_xart *x, const kb_amount *m);

/* Report a labelled line/block to opts->explain when set. */
void kb__explain(const kb_extract_opts *o, const char *label, const char *why,
                 const char *p, size_t n);

/* The extractors. p[0..n) may hold invalid UTF-8 (nobody checked it: the
** extractors never read past n, and the builders repair what they store);
** HTML may be in any encoding. They return KB_OK or a negative code and may
** set x->errmsg. */
int kb__extract_flat(const char *p, size_t n, const kb_extract_opts *o, kb_xart *x);
int kb__extract_html(const char *p, size_t n, const kb_extract_opts *o, kb_xart *x);

/*
** Run `fill(x, ctx, o)` on a new article under construction, then apply the
** checks and the finishing every article gets (language, id, domain) and hand
** it out in *out. kb_extract() and kb_extract_doc() are built on it.
*/
int kb__extract_with(const char *p, size_t n, const kb_extract_opts *o, kb_article **out,
                     const char **errmsg,
                     int (*fill)(kb_xart *, const void *, const kb_extract_opts *),
                     const void *ctx);

/*
** Find a date in p[0..n): ISO 8601, numeric (12/03/2024, 2024/03/12), or
** with month names (Arabic: يناير ... ديسمبر, كانون الثاني ... كانون الأول;
** English). Writes "YYYY-MM-DD" (or full ISO 8601 with time and offset when
** the input has them) into out (room for 40 bytes) and returns 1 when found,
** else 0. (src/extract/date.c)
*/
int kb__parse_date(const char *p, size_t n, char *out);

#endif
