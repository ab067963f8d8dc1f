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

void kb_lang_detect(const char *p, size_t n, kb_lang_info *info) {
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0, len, arabic = 0, latin = 0, other = 0, fa = 0, ur = 0, ar = 0;
    while (i < n) {
        uint32_t u = s[i] < 0x80 ? (len = 1, s[i]) : kb__utf8_decode(s + i, n - i, &len);
        i += len;
        int cc = kb__char_class(u);
        if (cc == KB_CC_ARABIC) {
            arabic++;
            if (is_urdu_mark(u)) ur++;
            else if (is_persian_mark(u)) fa++;
            else if (is_arabic_mark(u)) ar++;
        } else if (cc == KB_CC_LATIN) {
            if (u < 0x0370 || (u >= 0x1E00 && u <= 0x1EFF)) latin++;
            else other++;
        }
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
