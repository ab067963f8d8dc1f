/*
** The amount finder's standalone parser (src/analyze/amounts.c), for the
** fuzz harness and the unit tests. kb__find_amounts() (analyze_int.h) runs
** the same scanner over the title and every paragraph of an article.
*/
#ifndef KB_ANALYZE_AMOUNTS_H
#define KB_ANALYZE_AMOUNTS_H

#include <stddef.h>

#include "khabar.h"

/* Amounts above this are not reported (a run of more than 18 integer
** digits is an identifier or noise, not a sum of money; and no product of
** scale words may reach infinity). */
#define KB_AMOUNT_MAX 1e18

/*
** Find the amounts of one paragraph p[0..n) (UTF-8, not necessarily
** NUL-terminated; invalid bytes count as one code point each) and call
** cb once per amount, in order of position, with m->paragraph = 0 and
** start/end in code points (end exclusive; spans never overlap). The
** strings of *m are valid only during the call. A currency named without
** its country ("دينار") takes the code of the last explicit mention of the
** same currency earlier in p. Time and memory are linear in n (memory is
** constant apart from the text of one amount). Returns KB_OK or KB_ENOMEM.
*/
int kb__amounts_scan(const char *p, size_t n, void (*cb)(void *ctx, const kb_amount *m),
                     void *ctx);

#endif
