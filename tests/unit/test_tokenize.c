/*
** Tokenizer: token types, normalized forms, byte offsets into the original
** text (through diacritics, tatweel and invisible marks), numbers with Arabic
** separators, URLs and e-mails kept whole, the length cap, invalid UTF-8.
*/
#include "kbtest.h"
#include "khabar.h"

typedef struct { int type; size_t start, end; char norm[KB_TOKEN_MAX + 1]; } tk;

static int tokenize(const char *z, unsigned nf, unsigned tf, tk *out, int max) {
    kb_tokenizer *t;
    if (kb_tokenizer_new(&t, nf, tf)) return -1;
    kb_tokenizer_reset(t, z, strlen(z));
    kb_token tok;
    int k = 0;
    while (k < max && kb_tokenizer_next(t, &tok)) {
        out[k].type = tok.type;
        out[k].start = tok.start;
        out[k].end = tok.end;
        memcpy(out[k].norm, tok.norm, tok.norm_n + 1);
        k++;
    }
    kb_tokenizer_free(t);
    return k;
}

TEST(words_carry_offsets_into_the_original) {
    const char *z = "قالَ الرئيـــسُ";
    tk v[8];
    ASSERT_INT_EQ(tokenize(z, KB_NORM_SEARCH, 0, v, 8), 2);
    ASSERT_STR_EQ(v[0].norm, "قال");
    ASSERT_INT_EQ(v[0].start, 0);
    ASSERT_INT_EQ(v[0].end, strlen("قالَ"));
    ASSERT_STR_EQ(v[1].norm, "الرييس");
    ASSERT_INT_EQ(v[1].start, strlen("قالَ "));
    ASSERT_INT_EQ(v[1].end, strlen(z));
    ASSERT_INT_EQ(v[1].type, KB_TOK_WORD);
}

TEST(arabic_punctuation_is_split_off) {
    tk v[16];
    int k = tokenize("نعم، لا؛ لماذا؟ «حسنًا»", KB_NORM_SEARCH, 0, v, 16);
    ASSERT_INT_EQ(k, 9);
    ASSERT_STR_EQ(v[1].norm, "،");
    ASSERT_INT_EQ(v[1].type, KB_TOK_PUNCT);
    ASSERT_STR_EQ(v[3].norm, "؛");
    ASSERT_STR_EQ(v[5].norm, "؟");
    ASSERT_STR_EQ(v[6].norm, "«");
    ASSERT_STR_EQ(v[7].norm, "حسنا");
    ASSERT_STR_EQ(v[8].norm, "»");
}

TEST(skip_punct_drops_punctuation_and_symbols) {
    tk v[16];
    int k = tokenize("نعم، 5% لا!", KB_NORM_SEARCH, KB_TOK_SKIP_PUNCT, v, 16);
    ASSERT_INT_EQ(k, 3);
    ASSERT_STR_EQ(v[1].norm, "5");
}

TEST(numbers_keep_inner_separators) {
    tk v[16];
    int k = tokenize("١٢٫٥ و3,000,000 و2.5. و٣٬٠٠٠", KB_NORM_SEARCH, 0, v, 16);
    ASSERT(k >= 7);
    ASSERT_INT_EQ(v[0].type, KB_TOK_NUMBER);
    ASSERT_STR_EQ(v[0].norm, "12.5");
    ASSERT_STR_EQ(v[2].norm, "3,000,000");
    ASSERT_STR_EQ(v[4].norm, "2.5");
    ASSERT_STR_EQ(v[5].norm, ".");
    ASSERT_STR_EQ(v[7].norm, "3,000");
}

TEST(urls_and_emails_stay_whole) {
    tk v[16];
    int k = tokenize("زوروا https://example.org/ar/news?id=5. أو www.example.com و info@example.org.", KB_NORM_SEARCH, 0, v, 16);
    ASSERT(k >= 7);
    ASSERT_INT_EQ(v[1].type, KB_TOK_URL);
    ASSERT_STR_EQ(v[1].norm, "https://example.org/ar/news?id=5");
    ASSERT_STR_EQ(v[2].norm, ".");
    ASSERT_INT_EQ(v[4].type, KB_TOK_URL);
    ASSERT_STR_EQ(v[4].norm, "www.example.com");
    ASSERT_INT_EQ(v[6].type, KB_TOK_EMAIL);
    ASSERT_STR_EQ(v[6].norm, "info@example.org");
}

TEST(latin_words_and_script_changes) {
    tk v[16];
    int k = tokenize("شركة Apple وG20 عام 2020م", KB_NORM_SEARCH, 0, v, 16);
    ASSERT_INT_EQ(k, 7);
    ASSERT_INT_EQ(v[1].type, KB_TOK_LATIN);
    ASSERT_STR_EQ(v[1].norm, "apple");
    ASSERT_STR_EQ(v[2].norm, "و");
    ASSERT_STR_EQ(v[3].norm, "g20");
    ASSERT_STR_EQ(v[5].norm, "2020");
    ASSERT_STR_EQ(v[6].norm, "م");
}

TEST(display_preset_keeps_letter_distinctions) {
    tk v[4];
    ASSERT_INT_EQ(tokenize("مدرسةُ أحمد", KB_NORM_DISPLAY, 0, v, 4), 2);
    ASSERT_STR_EQ(v[0].norm, "مدرسةُ");
    ASSERT_STR_EQ(v[1].norm, "أحمد");
}

TEST(invisible_controls_do_not_split_or_show) {
    tk v[4];
    ASSERT_INT_EQ(tokenize("\xE2\x80\x8Fمرحبا\xE2\x80\x8C بكم", KB_NORM_SEARCH, 0, v, 4), 2);
    ASSERT_STR_EQ(v[0].norm, "مرحبا");
    ASSERT_INT_EQ(v[0].start, 3);
}

TEST(invalid_utf8_becomes_symbols_and_never_reads_past) {
    const char z[] = {'a', (char)0xFF, (char)0xD8, 0};
    tk v[8];
    int k = tokenize(z, KB_NORM_SEARCH, 0, v, 8);
    ASSERT_INT_EQ(k, 3);
    ASSERT_INT_EQ(v[1].type, KB_TOK_SYMBOL);
    ASSERT_STR_EQ(v[1].norm, "\xEF\xBF\xBD");
    ASSERT_INT_EQ(v[2].end, 3);
}

TEST(very_long_word_is_cut_into_bounded_pieces) {
    size_t n = 100000;
    char *z = malloc(n * 2 + 1);
    for (size_t i = 0; i < n; i++) { z[2 * i] = (char)0xD8; z[2 * i + 1] = (char)0xA8; } /* ب */
    z[2 * n] = 0;
    kb_tokenizer *t;
    ASSERT_INT_EQ(kb_tokenizer_new(&t, KB_NORM_SEARCH, KB_TOK_SEGMENT), KB_OK);
    kb_tokenizer_reset(t, z, 2 * n);
    kb_token tok;
    size_t covered = 0, pieces = 0;
    while (kb_tokenizer_next(t, &tok)) {
        if (tok.norm_n > KB_TOKEN_MAX || tok.start != covered) break;
        covered = tok.end;
        pieces++;
    }
    kb_tokenizer_free(t);
    free(z);
    ASSERT_INT_EQ(covered, 2 * n);
    ASSERT(pieces > 1);
}

TEST(lang_detection_tells_arabic_persian_urdu_latin) {
    kb_lang_info li;
    const char *ar = "قال المتحدث باسم الحكومة إن الاجتماع سيعقد في العاصمة يوم الخميس المقبل";
    kb_lang_detect(ar, strlen(ar), &li);
    ASSERT_STR_EQ(li.code, "ar");
    const char *fa = "این یک متن فارسی است که برای آزمایش نوشته شده و کلمات زیادی دارد";
    kb_lang_detect(fa, strlen(fa), &li);
    ASSERT_STR_EQ(li.code, "fa");
    const char *ur = "یہ ایک اردو جملہ ہے جو ٹیسٹ کے لیے لکھا گیا ہے اور بڑا ہے";
    kb_lang_detect(ur, strlen(ur), &li);
    ASSERT_STR_EQ(li.code, "ur");
    const char *en = "The minister said the meeting would be held on Thursday";
    kb_lang_detect(en, strlen(en), &li);
    ASSERT_STR_EQ(li.code, "en");
    kb_lang_detect("123 456 !!", 10, &li);
    ASSERT_STR_EQ(li.code, "und");
    /* An Arabic sentence quoting one Persian-spelled name stays Arabic. */
    const char *mix = "أعلنت شركة گوگل اليوم عن خدمة جديدة في المنطقة العربية كلها";
    kb_lang_detect(mix, strlen(mix), &li);
    ASSERT_STR_EQ(li.code, "ar");
}

TEST(long_urls_and_letter_runs_stay_bounded_and_linear) {
    /* A URL far longer than the token cap, then a megabyte of ASCII letters:
    ** pieces within KB_TOKEN_MAX, covering the input, in linear time. */
    size_t n = 1 << 20;
    char *z = malloc(n + 1);
    memcpy(z, "https://example.org/", 20);
    memset(z + 20, 'a', 5000);
    z[5020] = ' ';
    memset(z + 5021, 'b', n - 5021);
    z[n] = 0;
    kb_tokenizer *t;
    ASSERT_INT_EQ(kb_tokenizer_new(&t, KB_NORM_SEARCH, 0), KB_OK);
    kb_tokenizer_reset(t, z, n);
    kb_token tok;
    size_t last = 0, count = 0;
    int ok = 1;
    while (kb_tokenizer_next(t, &tok)) {
        if (tok.norm_n > KB_TOKEN_MAX || tok.start < last) ok = 0;
        last = tok.end;
        count++;
    }
    kb_tokenizer_free(t);
    free(z);
    ASSERT(ok);
    ASSERT_INT_EQ(last, n);
    ASSERT(count > 1000);
}
