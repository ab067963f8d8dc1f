/*
** Clitic segmentation (kb_segment, kb_seg_format): the spec file
** tests/spec/segment.tsv (word -> expected split), the offset invariants on
** every spec word, the guards on bad input, and the tokenizer's
** KB_TOK_SEGMENT hook.
*/
#include "kbtest.h"
#include "khabar.h"

/* Normalize z as the tokenizer does, segment it and format the split. */
static const char *split(const char *z, char *out) {
    char norm[KB_NORMALIZE_BOUND(256)];
    size_t n = kb_normalize_into(z, strlen(z), KB_NORM_SEARCH, norm);
    kb_seg s;
    if (kb_segment(norm, n, &s) != KB_OK) return "(error)";
    size_t k = kb_seg_format(norm, n, &s, out);
    out[k] = 0;
    return out;
}

/* Offsets inside the word and in order; the format fits n + 8 bytes. */
static int seg_valid(const char *w, size_t n, const kb_seg *s) {
    if (s->nproc > 4 || s->stem_start > s->stem_end || s->stem_end > n) return 0;
    size_t prev = 0;
    for (unsigned i = 0; i < s->nproc; i++) {
        if (s->proc_end[i] <= prev || s->proc_end[i] > s->stem_start) return 0;
        prev = s->proc_end[i];
    }
    if (s->nproc && s->proc_end[s->nproc - 1] != s->stem_start) return 0;
    if (!s->nproc && s->stem_start != 0) return 0;
    if (s->has_enclitic != (s->stem_end < n)) return 0;
    char buf[1024 + 8];
    return n > 1024 || kb_seg_format(w, n, s, buf) <= n + 8;
}

TEST(spec_file) {
    FILE *f = kbt_spec_open("segment.tsv");
    ASSERT(f != NULL);
    char line[1024], *fld[2];
    int nf, lines = 0, bad = 0;
    while ((nf = kbt_spec_next(f, line, sizeof line, fld, 2))) {
        if (nf < 2) { bad++; fprintf(stderr, "  malformed spec line: %s\n", line); continue; }
        char got[512];
        split(fld[0], got);
        if (strcmp(got, fld[1])) {
            fprintf(stderr, "  segment(\"%s\") = \"%s\", want \"%s\"\n", fld[0], got, fld[1]);
            bad++;
        }
        lines++;
    }
    fclose(f);
    ASSERT(lines >= 50);
    ASSERT_INT_EQ(bad, 0);
}

TEST(offsets_and_format) {
    /* و+ب+ال+تالي: byte offsets of a 2-byte-per-letter word. */
    const char *w = "وبالتالي";
    kb_seg s;
    ASSERT_INT_EQ(kb_segment(w, strlen(w), &s), KB_OK);
    ASSERT_INT_EQ(s.nproc, 3);
    ASSERT_INT_EQ(s.proc_end[0], 2);
    ASSERT_INT_EQ(s.proc_end[1], 4);
    ASSERT_INT_EQ(s.proc_end[2], 8);
    ASSERT_INT_EQ(s.stem_start, 8);
    ASSERT_INT_EQ(s.stem_end, strlen(w));
    ASSERT_INT_EQ(s.has_enclitic, 0);
    ASSERT(seg_valid(w, strlen(w), &s));

    w = "وكتابها";
    ASSERT_INT_EQ(kb_segment(w, strlen(w), &s), KB_OK);
    ASSERT(seg_valid(w, strlen(w), &s));
    ASSERT_INT_EQ(s.has_enclitic, 1);
    char out[64];
    size_t k = kb_seg_format(w, strlen(w), &s, out);
    ASSERT_MEM_EQ(out, k, "و+كتاب+ها");
}

TEST(no_split_outside_arabic) {
    const char *cases[] = {"", "a", "Reuters", "2024", "ab-cd", "\xff\xfe", "و", "وa", "ال"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        kb_seg s;
        size_t n = strlen(cases[i]);
        ASSERT_INT_EQ(kb_segment(cases[i], n, &s), KB_OK);
        ASSERT_INT_EQ(s.nproc, 0);
        ASSERT_INT_EQ(s.stem_start, 0);
        ASSERT_INT_EQ(s.stem_end, n);
        ASSERT_INT_EQ(s.has_enclitic, 0);
    }
}

TEST(never_reads_past_n) {
    /* A prefix of a longer word: only its own bytes count. */
    const char *w = "والحكومة";
    kb_seg s;
    ASSERT_INT_EQ(kb_segment(w, 4, &s), KB_OK); /* "وا" */
    ASSERT(seg_valid(w, 4, &s));
    ASSERT_INT_EQ(s.stem_end, 4);
    /* A cut inside a letter is not an Arabic word: no split. */
    ASSERT_INT_EQ(kb_segment(w, 7, &s), KB_OK);
    ASSERT_INT_EQ(s.nproc, 0);
    ASSERT_INT_EQ(s.stem_end, 7);
}

TEST(too_long) {
    static char big[KB_TOKEN_MAX + 2];
    for (size_t i = 0; i + 1 < sizeof big; i += 2) memcpy(big + i, "و", 2);
    kb_seg s;
    ASSERT_INT_EQ(kb_segment(big, KB_TOKEN_MAX + 2, &s), KB_EINVAL);
    ASSERT_INT_EQ(s.nproc, 0);
    ASSERT_INT_EQ(s.has_enclitic, 0);
    /* The longest allowed word is accepted and left whole (too many letters). */
    ASSERT_INT_EQ(kb_segment(big, KB_TOKEN_MAX, &s), KB_OK);
    ASSERT(seg_valid(big, KB_TOKEN_MAX, &s));
    ASSERT_INT_EQ(s.nproc, 0);
}

TEST(tokenizer_hook) {
    kb_tokenizer *t;
    ASSERT_INT_EQ(kb_tokenizer_new(&t, KB_NORM_SEARCH, KB_TOK_SEGMENT | KB_TOK_SKIP_PUNCT), KB_OK);
    const char *text = "وقال الوزير، للصحفيين: سنعمل.";
    kb_tokenizer_reset(t, text, strlen(text));
    kb_token tok;
    const char *want[] = {"و+قال", "ال+وزير", "لل+صحفيين", "س+نعمل"};
    size_t i = 0;
    while (kb_tokenizer_next(t, &tok) && i < 4) {
        char out[KB_TOKEN_MAX + 8];
        ASSERT(seg_valid(tok.norm, tok.norm_n, &tok.seg));
        size_t k = kb_seg_format(tok.norm, tok.norm_n, &tok.seg, out);
        out[k] = 0;
        ASSERT_STR_EQ(out, want[i]);
        i++;
    }
    ASSERT_INT_EQ(i, 4);
    kb_tokenizer_free(t);
}
