/*
** Fuzz harness for the tokenizer. Invariants: offsets inside the input and
** strictly increasing (start < end <= next start), normalized forms within
** KB_TOKEN_MAX and valid UTF-8, segmentation offsets inside the word.
*/
#include <stdint.h>
#include <stdlib.h>

#include "core/utf8.h"
#include "khabar.h"

static void run(const char *p, size_t n, unsigned nf, unsigned tf) {
    kb_tokenizer *t;
    if (kb_tokenizer_new(&t, nf, tf)) return;
    kb_tokenizer_reset(t, p, n);
    kb_token tok;
    size_t last_end = 0;
    while (kb_tokenizer_next(t, &tok)) {
        if (tok.start < last_end || tok.start >= tok.end || tok.end > n) abort();
        if (tok.norm_n > KB_TOKEN_MAX || !kb__utf8_valid(tok.norm, tok.norm_n)) abort();
        if (tok.type == KB_TOK_WORD) {
            const kb_seg *s = &tok.seg;
            if (s->nproc > 4 || s->stem_start > s->stem_end || s->stem_end > tok.norm_n) abort();
            for (unsigned i = 0; i < s->nproc; i++)
                if (s->proc_end[i] > s->stem_start || (i && s->proc_end[i] < s->proc_end[i - 1])) abort();
        }
        last_end = tok.end;
    }
    kb_tokenizer_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    run((const char *)data, size, KB_NORM_SEARCH, KB_TOK_SEGMENT);
    run((const char *)data, size, KB_NORM_DISPLAY, KB_TOK_SKIP_PUNCT);
    run((const char *)data, size, 0, 0);
    return 0;
}
