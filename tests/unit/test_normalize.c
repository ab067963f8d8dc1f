/*
** Normalization: the spec file tests/spec/normalize.tsv (input -> expected per
** flag preset), idempotence on every spec line, the output bound, and
** invalid UTF-8 handling.
*/
#include "kbtest.h"
#include "khabar.h"

static unsigned parse_flags(const char *z) {
    if (!strcmp(z, "display")) return KB_NORM_DISPLAY;
    if (!strcmp(z, "search")) return KB_NORM_SEARCH;
    static const struct { const char *name; unsigned f; } names[] = {
        {"diacritics", KB_NORM_DIACRITICS}, {"tatweel", KB_NORM_TATWEEL}, {"alef", KB_NORM_ALEF},
        {"yeh", KB_NORM_YEH}, {"teh", KB_NORM_TEH_MARBUTA}, {"hamza", KB_NORM_HAMZA_SEATS},
        {"digits", KB_NORM_DIGITS}, {"presentation", KB_NORM_PRESENTATION},
        {"controls", KB_NORM_CONTROLS}, {"spaces", KB_NORM_SPACES}, {"lower", KB_NORM_LOWER},
        {"kaf", KB_NORM_KAF}, {"none", 0}};
    unsigned f = 0;
    char buf[256]; /* flag names are short: a longer field is cut, not overflowed */
    snprintf(buf, sizeof buf, "%.*s", (int)sizeof buf - 1, z);
    for (char *t = strtok(buf, "+"); t; t = strtok(NULL, "+"))
        for (size_t i = 0; i < sizeof names / sizeof *names; i++)
            if (!strcmp(t, names[i].name)) f |= names[i].f;
    return f;
}

static size_t unescape(const char *z, char *out) {
    size_t w = 0;
    while (*z) {
        if (z[0] == '\\' && z[1] == 'u') {
            unsigned u = (unsigned)strtoul((char[]){z[2], z[3], z[4], z[5], 0}, NULL, 16);
            if (u < 0x80) out[w++] = (char)u;
            else if (u < 0x800) { out[w++] = (char)(0xC0 | (u >> 6)); out[w++] = (char)(0x80 | (u & 63)); }
            else { out[w++] = (char)(0xE0 | (u >> 12)); out[w++] = (char)(0x80 | ((u >> 6) & 63)); out[w++] = (char)(0x80 | (u & 63)); }
            z += 6;
        } else if (z[0] == '\\' && z[1] == 'x') {
            out[w++] = (char)strtoul((char[]){z[2], z[3], 0}, NULL, 16);
            z += 4;
        } else if (z[0] == '\\' && z[1] == 't') {
            out[w++] = '\t';
            z += 2;
        } else {
            out[w++] = *z++;
        }
    }
    out[w] = 0;
    return w;
}

TEST(spec_file) {
    FILE *f = kbt_spec_open("normalize.tsv");
    ASSERT(f != NULL);
    char line[4096], *fld[3];
    int nf, lines = 0;
    while ((nf = kbt_spec_next(f, line, sizeof line, fld, 3))) {
        ASSERT_INT_EQ(nf, 3);
        const char *a = fld[0], *b = fld[1], *c = fld[2];
        char in[1024], want[1024], got[KB_NORMALIZE_BOUND(1024)], again[KB_NORMALIZE_BOUND(3072)];
        size_t n = unescape(b, in);
        unescape(c, want);
        unsigned fl = parse_flags(a);
        size_t k = kb_normalize_into(in, n, fl, got);
        ASSERT(k <= KB_NORMALIZE_BOUND(n));
        got[k] = 0;
        if (strcmp(got, want)) {
            fclose(f);
            KBT_FAIL("normalize(%s, \"%s\") = \"%s\", want \"%s\"", a, b, got, want);
        }
        size_t k2 = kb_normalize_into(got, k, fl, again);
        again[k2] = 0;
        if (strcmp(got, again)) {
            fclose(f);
            KBT_FAIL("not idempotent on \"%s\": \"%s\" then \"%s\"", b, got, again);
        }
        lines++;
    }
    fclose(f);
    ASSERT(lines >= 30);
}

TEST(allocating_form_terminates_and_sizes) {
    char *out;
    size_t n;
    ASSERT_INT_EQ(kb_normalize("أَحْمَد", strlen("أَحْمَد"), KB_NORM_SEARCH, &out, &n), KB_OK);
    ASSERT_STR_EQ(out, "احمد");
    ASSERT_INT_EQ(n, strlen("احمد"));
    kb_free(out);
}

TEST(truncated_sequence_at_end_is_not_read_past) {
    /* A three-byte lead with only one continuation byte inside the bound. */
    const char in[] = {'a', (char)0xE2, (char)0x80};
    char out[KB_NORMALIZE_BOUND(3)];
    size_t k = kb_normalize_into(in, 3, KB_NORM_SEARCH, out);
    ASSERT_MEM_EQ(out, k, "a\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(every_byte_value_is_idempotent) {
    char in[512], out[KB_NORMALIZE_BOUND(512)], again[KB_NORMALIZE_BOUND(sizeof out)];
    for (int b = 0; b < 256; b++) {
        in[0] = (char)b; in[1] = (char)0xD8; in[2] = (char)b; in[3] = (char)0xEF; in[4] = (char)0xBB; in[5] = (char)b;
        size_t k = kb_normalize_into(in, 6, KB_NORM_SEARCH, out);
        size_t k2 = kb_normalize_into(out, k, KB_NORM_SEARCH, again);
        ASSERT_INT_EQ(k, k2);
        ASSERT(memcmp(out, again, k) == 0);
    }
}

/* The block scan (16 bytes at a time) must agree with the one-character path
** on every input: compare a long mixed text normalized at once with the same
** text normalized one code point (or invalid byte) at a time. */
TEST(block_scan_agrees_with_per_character_path) {
    static const char *pool[] = {"ا", "أ", "إ", "آ", "ة", "ى", "ي", "ؤ", "ئ", "ـ", "َ", "ّ", "ٰ", "٣", "۴", "٫", "،",
                                 "ک", "ی", "ﻻ", "ﺃ", " ", "\n", "A", "z", "7", "\xC2\xA0", "\xE2\x80\x8F", "\xFF",
                                 "\xD8", "\x80", "“", "”", "…", "\xE2\x80", "م", "ل", "ك", "ب", "ت", "س", "ن", "ه", "و", "ر", "ع", "ق"};
    const size_t np = sizeof pool / sizeof *pool;
    unsigned long long r = 88172645463325252ULL;
    for (int round = 0; round < 200; round++) {
        char in[4096], whole[KB_NORMALIZE_BOUND(4096)], piecewise[KB_NORMALIZE_BOUND(4096)];
        size_t n = 0, pw = 0;
        /* Mostly plain letters and spaces (the common case), some rare ones. */
        while (n < 3000) {
            r ^= r << 13; r ^= r >> 7; r ^= r << 17;
            size_t k = (r % 100) < 85 ? 31 + (r >> 8) % (np - 31) : (r >> 8) % np;
            size_t len = strlen(pool[k]);
            memcpy(in + n, pool[k], len);
            n += len;
        }
        size_t k = kb_normalize_into(in, n, KB_NORM_SEARCH, whole);
        /* Piecewise: split at code point boundaries as the decoder sees them. */
        size_t i = 0;
        while (i < n) {
            unsigned char c = (unsigned char)in[i];
            size_t len = 1;
            if (c >= 0xC2 && c <= 0xDF && i + 1 < n && ((unsigned char)in[i + 1] & 0xC0) == 0x80) len = 2;
            else if (c >= 0xE0 && c <= 0xEF && i + 2 < n && ((unsigned char)in[i + 1] & 0xC0) == 0x80 &&
                     ((unsigned char)in[i + 2] & 0xC0) == 0x80) len = 3;
            pw += kb_normalize_into(in + i, len, KB_NORM_SEARCH, piecewise + pw);
            i += len;
        }
        ASSERT_INT_EQ(k, pw);
        ASSERT(memcmp(whole, piecewise, k) == 0);
    }
}
