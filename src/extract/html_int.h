/*
** Internals of the HTML extractor (src/extract/html*.c): input preparation
** (encoding, repairs, guards) shared by html.c and its tests.
*/
#ifndef KB_EXTRACT_HTML_INT_H
#define KB_EXTRACT_HTML_INT_H

#include <stddef.h>

#include "core/buf.h"
#include "extract/extract_int.h"

typedef struct kb_html_input {
    const char *p; /* valid UTF-8, ready for libxml2 */
    size_t n;
    char *owned;         /* p's memory when it is a converted copy, else NULL */
    const char *charset; /* the encoding the page was read as */
    int detected;        /* 1 when the encoding came from detection */
} kb_html_input;

/* Turn a page in any encoding into valid UTF-8 without attribute floods
** (html_enc.c). Returns KB_OK, KB_ENOMEM or KB_ETOOBIG; free with
** kb__html_input_free in every case. */
int kb__html_prepare(const char *p, size_t n, const kb_extract_opts *o, kb_html_input *in);
void kb__html_input_free(kb_html_input *in);

const char *kb__memmem(const char *h, size_t hn, const char *nd, size_t nn);

#endif
