/*
** Fuzz harness for date parsing (kb__parse_date, src/extract/date.c). The
** parser must never read past n (ASan checks), and a date it reports must be
** a real Gregorian date in 1900-2100 written as ISO 8601.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract/extract_int.h"

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *p = malloc(size ? size : 1); /* exact-size copy so overreads are caught */
    if (!p) return 0;
    memcpy(p, data, size);
    char out[40];
    memset(out, 'x', sizeof out);
    int r = kb__parse_date(p, size, out);
    free(p);
    if (r != 0 && r != 1) abort();
    if (!r) return 0;
    if (!memchr(out, 0, sizeof out)) abort();
    size_t n = strlen(out);
    if (n < 10 || out[4] != '-' || out[7] != '-') abort();
    int y = atoi(out), m = atoi(out + 5), d = atoi(out + 8);
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap(y))) abort();
    if (n > 10 && out[10] != 'T') abort();
    return 0;
}
