/*
** light10 as Lucene runs it (ArabicNormalizer + ArabicStemmer), rewritten in
** C as a baseline for the benchmarks in bench/. Not part of the library.
**
** Normalizer: أ إ آ -> ا, ى -> ي, ة -> ه, drops tatweel and the harakat
** U+064B-U+0652. Stemmer: the first matching prefix of ال وال بال كال فال لل و
** (a one-letter prefix needs a word of at least 4 letters, the others leave
** at least 2), then each suffix of ها ان ات ون ين يه ية ه ة ي in that order,
** each cut once when it leaves at least 2 letters. Lengths are counted in
** code points, as Lucene counts UTF-16 units (all Arabic letters are in the
** BMP).
*/
#ifndef KB_BENCH_LIGHT10_H
#define KB_BENCH_LIGHT10_H

#include <stddef.h>

/* Normalize w[0..n) (UTF-8) into dst (room for n bytes); returns its length. */
size_t light10_normalize(const char *w, size_t n, char *dst);

/* Stem w[0..n) (UTF-8, already normalized) into dst (room for n bytes);
** returns its length. Words longer than 1024 bytes come back unchanged. */
size_t light10_stem(const char *w, size_t n, char *dst);

#endif
