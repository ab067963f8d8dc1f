/*
** Fuzz harness for the amount finder (kb__amounts_scan, src/analyze/amounts.h).
** Invariants: every amount lies inside the input (offsets in code points,
** start < end <= the input's code point count), amounts come in order
** without overlapping, the value is finite and not negative, the kind is
** one of the four, the text is the span's own bytes in length order.
*/
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/amounts.h"
#include "core/utf8.h"

typedef struct state {
    size_t cps, last_end;
    int any;
} state;

static void check(void *ctx, const kb_amount *m) {
    state *st = ctx;
    if (m->start >= m->end || m->end > st->cps) abort();
    if (st->any && m->start < st->last_end) abort();
    if (isnan(m->value) || isinf(m->value) || m->value < 0 || m->value > KB_AMOUNT_MAX) abort();
    if (!m->text || !m->kind || m->paragraph != 0) abort();
    if (strcmp(m->kind, "money") && strcmp(m->kind, "percent") && strcmp(m->kind, "count") &&
        strcmp(m->kind, "measure"))
        abort();
    if (!strcmp(m->kind, "percent") && (!m->unit || strcmp(m->unit, "%"))) abort();
    if (!strcmp(m->kind, "count") && m->unit) abort();
    st->last_end = m->end;
    st->any = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    state st = {kb__utf8_count((const char *)data, size), 0, 0};
    kb__amounts_scan((const char *)data, size, check, &st);
    return 0;
}
