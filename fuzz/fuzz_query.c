/*
** Fuzz harness for the query translation (kb_query_to_fts): any bytes give
** either a translation or an error with a message; a translation never
** has an unbalanced quote or parenthesis.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "khabar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *q = malloc(size + 1);
    if (!q) return 0;
    memcpy(q, data, size);
    q[size] = 0;
    char em[256], *out;
    int rc = kb_query_to_fts(q, &out, em);
    if (rc == KB_OK) {
        long quotes = 0, depth = 0;
        for (const char *p = out; *p; p++) {
            if (*p == '"') quotes++;
            if (!(quotes & 1)) {
                if (*p == '(') depth++;
                if (*p == ')' && --depth < 0) abort();
            }
        }
        if ((quotes & 1) || depth) abort();
        kb_free(out);
    } else if (!em[0]) {
        abort();
    }
    free(q);
    return 0;
}
