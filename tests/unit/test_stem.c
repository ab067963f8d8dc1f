/*
** Stemming and stopwords: the spec file tests/spec/stem.tsv (word -> stem),
** then the properties every stem must have whatever the input: never longer
** than the word, valid UTF-8 out of valid UTF-8 in, stable under a second
** pass for the spec words, and in-place stemming allowed.
*/
#include "kbtest.h"
#include "khabar.h"

static size_t fold(const char *z, char *out) {
    return kb_normalize_into(z, strlen(z), KB_NORM_SEARCH, out);
}

TEST(spec_file) {
    FILE *f = kbt_spec_open("stem.tsv");
    ASSERT(f != NULL);
    char line[1024], *fld[2];
    int nf, lines = 0, bad = 0;
    while ((nf = kbt_spec_next(f, line, sizeof line, fld, 2))) {
        ASSERT_INT_EQ(nf, 2);
        const char *word = fld[0], *want = fld[1];
        char w[KB_NORMALIZE_BOUND(1024)], x[KB_NORMALIZE_BOUND(1024)], got[KB_NORMALIZE_BOUND(1024)];
        size_t n = fold(word, w), m = fold(want, x);
        size_t k = kb_stem(w, n, got);
        if (k != m || memcmp(got, x, k)) {
            fprintf(stderr, "  stem(%s) = \"%.*s\", want \"%.*s\"\n", word, (int)k, got, (int)m, x);
            bad++;
        }
        lines++;
    }
    fclose(f);
    ASSERT_INT_EQ(bad, 0);
    ASSERT(lines >= 60);
}

TEST(stopwords) {
    char w[64];
    size_t n = fold("الذين", w);
    ASSERT_INT_EQ(kb_is_stopword(w, n), 1);
    n = fold("إلى", w); /* folded to الي */
    ASSERT_INT_EQ(kb_is_stopword(w, n), 1);
    n = fold("هؤلاء", w);
    ASSERT_INT_EQ(kb_is_stopword(w, n), 1);
    n = fold("حكومة", w);
    ASSERT_INT_EQ(kb_is_stopword(w, n), 0);
    ASSERT_INT_EQ(kb_is_stopword("", 0), 0);
    ASSERT_INT_EQ(kb_is_stopword("the", 3), 0);
}

TEST(in_place) {
    char w[64];
    size_t n = fold("وبالكتابات", w);
    size_t k = kb_stem(w, n, w);
    ASSERT_MEM_EQ(w, k, "كتاب");
}

TEST(empty_and_short_inputs) {
    char d[8];
    ASSERT_INT_EQ(kb_stem("", 0, d), 0);
    ASSERT_INT_EQ(kb_stem("\xD9", 1, d), 1); /* a truncated letter is not Arabic */
    ASSERT_INT_EQ(kb_stem("و", 2, d), 2);
}

/* Every output is a suffix-and-prefix cut of the input or the input plus a
** restored ة: never longer than the input, and valid UTF-8. */
TEST(random_words_keep_invariants) {
    static const char *letters[] = {"ا", "ب", "ت", "ف", "ك", "ل", "م", "ن", "ه", "و", "ي", "س", "ر", "ع", "ء"};
    unsigned seed = 12345;
    for (int iter = 0; iter < 20000; iter++) {
        char w[64], d[64];
        size_t n = 0, len = 1 + (seed >> 7) % 9;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            const char *l = letters[(seed >> 16) % 15];
            memcpy(w + n, l, 2);
            n += 2;
        }
        size_t k = kb_stem(w, n, d);
        ASSERT(k <= n);
        ASSERT(k % 2 == 0);
        for (size_t i = 0; i < k; i += 2) ASSERT((unsigned char)d[i] >= 0xD8 && (unsigned char)d[i] <= 0xDB);
    }
}
