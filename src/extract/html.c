/* Placeholder: the HTML extractor is being written. */
#include "extract/extract_int.h"
int kb__extract_html(const char *p, size_t n, const kb_extract_opts *o, kb_xart *x) {
    return KB_EFORMAT;
}
