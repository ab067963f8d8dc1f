/*
** Internals shared by the files of src/text/ (and by later modules that need
** character classes). Not part of the public API.
*/
#ifndef KB_TEXT_INT_H
#define KB_TEXT_INT_H

#include <stddef.h>
#include <stdint.h>

int kb__is_space(uint32_t u);   /* ASCII and Unicode spaces, line breaks */
int kb__is_control(uint32_t u); /* zero-width and bidi controls, BOM, SHY */

/* Character classes used by the tokenizer. */
enum kb_cclass {
    KB_CC_OTHER = 0, /* symbol */
    KB_CC_SPACE,
    KB_CC_ARABIC,    /* Arabic-script letter (incl. presentation forms) */
    KB_CC_MARK,      /* diacritic, tatweel, ZWJ/ZWNJ and other controls:
                        continues a word, never starts one */
    KB_CC_LATIN,     /* Latin, Greek, Cyrillic ... letters */
    KB_CC_DIGIT,     /* 0-9, Arabic-Indic and Persian digits */
    KB_CC_PUNCT
};

int kb__char_class(uint32_t u);

/* Digit value of u (0-9) or -1. */
static inline int kb__digit_value(uint32_t u) {
    if (u >= '0' && u <= '9') return (int)(u - '0');
    if (u >= 0x0660 && u <= 0x0669) return (int)(u - 0x0660);
    if (u >= 0x06F0 && u <= 0x06F9) return (int)(u - 0x06F0);
    return -1;
}

/*
** Normalization tables for one flag set (normalize.c). t[] covers U+0600-
** U+06FF by (lead - 0xD8) * 64 + (continuation & 0x3F): 0 keep, 1 drop,
** else replacement code point + 2. range[] lists, for the block scan, the
** continuation-byte ranges under leads D8/D9 that change: {lead, lo, span};
** nranges -1 when they do not fit (then the scan is not used).
*/
#define KB_NORM_MAX_RANGES 12
typedef struct kb_norm_table {
    unsigned flags;
    uint32_t t[256];
    uint16_t rep2[128]; /* leads D8/D9: same-length replacement bytes, or 0 */
    int nranges;
    unsigned char range[KB_NORM_MAX_RANGES][3];
} kb_norm_table;

void kb__norm_table_build(kb_norm_table *nt, unsigned flags);

/* Write the normalization of one code point u (any) into dst (room for
** 12 bytes); returns the bytes written (0 when dropped). */
size_t kb__norm_cp(uint32_t u, unsigned flags, char *dst);

/* 1 if the UTF-8 string p[0..n) consists only of Arabic-script letters. */
int kb__is_arabic_word(const char *p, size_t n);

#endif
