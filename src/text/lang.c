/*
** Script and language detection (khabar.h, section 6).
**
** Arabic, Persian and Urdu share one script; they differ in letters each
** writes and the others do not. Persian writes ی and ک where Arabic writes
** ي and ك, and adds پ چ ژ گ; Urdu adds ٹ ڈ ڑ ں ے ہ ھ on top of the Persian
** letters. So the decision counts, among Arabic-script letters, the marks
** of each language and compares them: it is robust to a few loan names
** (an Arabic article quoting "گوگل" still writes ي and ك everywhere else).
*/
#include <pthread.h>

#include "core/utf8.h"
#include "khabar.h"
#include "text/text_int.h"

static int is_urdu_mark(uint32_t u) {
    return u == 0x0679 || u == 0x0688 || u == 0x0691 || u == 0x06BA || u == 0x06D2 || u == 0x06C1 ||
           u == 0x06BE || u == 0x06D3;
}

static int is_persian_mark(uint32_t u) {
    return u == 0x067E || u == 0x0686 || u == 0x0698 || u == 0x06AF || u == 0x06A9 || u == 0x06CC;
}

static int is_arabic_mark(uint32_t u) {
    return u == 0x064A || u == 0x0643 || u == 0x0629 || u == 0x0649;
}

/* What one code point adds to the counts, packed into one word: ten bits
** per count (C_*), so that the loop adds a word instead of branching per
** letter class and per mark. */
enum { C_ARABIC = 0, C_LATIN = 10, C_OTHER = 20, C_FA = 30, C_UR = 40, C_AR = 50, C_BITS = 10 };

static uint64_t count_of(uint32_t u) {
    int cc = kb__char_class(u);
    if (cc == KB_CC_ARABIC) {
        uint64_t m = is_urdu_mark(u) ? 1ULL << C_UR : is_persian_mark(u) ? 1ULL << C_FA
                   : is_arabic_mark(u) ? 1ULL << C_AR : 0;
        return 1ULL << C_ARABIC | m;
    }
    if (cc == KB_CC_LATIN) return (u < 0x0370 || (u >= 0x1E00 && u <= 0x1EFF)) ? 1ULL << C_LATIN : 1ULL << C_OTHER;
    return 0;
}

/* count_of() for ASCII and the Arabic block U+0600-U+06FF, where nearly
** all of a page's text lies. */
static uint64_t g_count_ascii[128], g_count_arab[256];
static pthread_once_t g_count_once = PTHREAD_ONCE_INIT;

static void count_init(void) {
    for (uint32_t u = 0; u < 128; u++) g_count_ascii[u] = count_of(u);
    for (uint32_t u = 0; u < 256; u++) g_count_arab[u] = count_of(0x0600 + u);
}

void kb_lang_detect(const char *p, size_t n, kb_lang_info *info) {
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0, len, arabic = 0, latin = 0, other = 0, fa = 0, ur = 0, ar = 0;
    pthread_once(&g_count_once, count_init);
    while (i < n) {
        /* at most 2^C_BITS - 1 code points per round: no count overflows */
        uint64_t acc = 0;
        for (int k = 0; k < (1 << C_BITS) - 1 && i < n; k++) {
            unsigned c = s[i];
            if (c < 0x80) {
                acc += g_count_ascii[c];
                i++;
            } else if (c >= 0xD8 && c <= 0xDB && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
                acc += g_count_arab[(c & 0x03) << 6 | (s[i + 1] & 0x3F)]; /* U+0600-U+06FF */
                i += 2;
            } else {
                acc += count_of(kb__utf8_decode(s + i, n - i, &len));
                i += len;
            }
        }
        const uint64_t mask = (1u << C_BITS) - 1;
        arabic += acc >> C_ARABIC & mask;
        latin += acc >> C_LATIN & mask;
        other += acc >> C_OTHER & mask;
        fa += acc >> C_FA & mask;
        ur += acc >> C_UR & mask;
        ar += acc >> C_AR & mask;
    }
    info->arabic_letters = arabic;
    info->latin_letters = latin;
    info->other_letters = other;
    info->persian_marks = fa;
    info->urdu_marks = ur;
    size_t total = arabic + latin + other;
    if (total == 0) {
        info->code = "und";
        info->confidence = 0;
        return;
    }
    if (arabic >= latin && arabic >= other) {
        size_t marks = fa + ur + ar;
        if (ur * 4 > marks && ur >= 2) {
            info->code = "ur";
            info->confidence = marks ? (double)(ur + fa) / (double)marks : 0.5;
        } else if (fa + ur > ar) {
            info->code = "fa";
            info->confidence = (double)(fa + ur) / (double)marks;
        } else {
            info->code = "ar";
            info->confidence = marks ? (double)ar / (double)marks : 0.5;
        }
        info->confidence *= (double)arabic / (double)total;
        return;
    }
    /* Latin-script text: khabar does not tell English from French; it
    ** reports "en" for Latin-script pages and "und" for other scripts. */
    info->code = latin >= other ? "en" : "und";
    info->confidence = (double)(latin >= other ? latin : other) / (double)total;
}
