/* Placeholder: the flattened-page extractor is being written. Every non-empty line is a paragraph. */
#include <string.h>
#include "extract/extract_int.h"
int kb__extract_flat(const char *p, size_t n, const kb_extract_opts *o, kb_xart *x) {
    const char *end = p + n;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        int rc = kb__art_add_paragraph(x, p, (size_t)(eol - p));
        if (rc) return rc;
        p = eol + 1;
    }
    return KB_OK;
}
