/* Placeholder replaced by the stemmer. */
#include <string.h>
#include "khabar.h"
size_t kb_stem(const char *word, size_t n, char *dst) { memcpy(dst, word, n); return n; }
int kb_is_stopword(const char *word, size_t n) { return 0; }
