/*
** Internals of src/analyze/: the three analysers kb_analyze() runs, in this
** order (quotes use the entities found before them). Each appends its
** results to the article through the builders of extract_int.h
** (kb__art_add_entity / _quote / _amount).
*/
#ifndef KB_ANALYZE_INT_H
#define KB_ANALYZE_INT_H

#include "core/buf.h"
#include "extract/extract_int.h"

/* The tokens of an article (kb_tokenizer, KB_NORM_SEARCH, no options), the
** title's then each paragraph's in order, as kb__find_entities reads them;
** kept for kb__find_amounts, which reads the same tokens. */
typedef struct kb_atok {
    long par;      /* paragraph, -1 for the title */
    size_t b0, b1; /* bytes in the paragraph */
    size_t c0, c1; /* code points in the paragraph */
    size_t w, wn;  /* normalized form: words[w .. w+wn), "_" when it has none */
    size_t nn;     /* the normalized form's length as the tokenizer gave it */
    int type;      /* enum kb_token_type */
} kb_atok;

typedef struct kb_atoks {
    kb_buf toks;  /* kb_atok[] */
    kb_buf words; /* their normalized forms */
} kb_atoks;

#define KB_ATOK(a, i) (((const kb_atok *)(const void *)(a)->toks.p)[i])
#define KB_NATOK(a) ((a)->toks.n / sizeof(kb_atok))

void kb__atoks_free(kb_atoks *a);

/* keep: NULL, or receives the article's tokens (free with kb__atoks_free;
** empty when entities failed). */
int kb__find_entities(kb_xart *x, kb_atoks *keep); /* src/analyze/entities.c */
int kb__find_quotes(kb_xart *x);                   /* src/analyze/quotes.c */
/* toks: NULL (the scanner tokenizes), or kb__find_entities's tokens. */
int kb__find_amounts(kb_xart *x, const kb_atoks *toks); /* src/analyze/amounts.c */

/* Per-thread caches of the analysers (src/analyze/analyze.c): a zeroed,
** 64-byte aligned block of size bytes for cache id, allocated on the
** thread's first call and freed when the thread ends; NULL when memory ran
** out (the caller then works without). size must not change between calls. */
enum { KB_TC_NER_WORDS, KB_TC_DOC_CONTEXT, KB_TC_N };
void *kb__thread_cache(int id, size_t size);

/* size bytes, 64-byte aligned, for a table read at random (the tagger's
** joint weights, the word cache): a block of 2 MB or more is 2 MB aligned
** and asked to be backed by huge pages, so that its reads do not miss the
** TLB as well as the caches. Not zeroed; NULL when memory ran out; free()
** releases it. */
void *kb__alloc_table(size_t size);

#endif
