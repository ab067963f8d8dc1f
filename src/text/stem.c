/*
** The light stemmer and the stopword test (khabar.h, section 5).
**
** A light stemmer cuts the affixes that Arabic writes onto a word (article,
** conjunctions, prepositions, pronoun suffixes, dual/plural endings) and
** leaves the pattern and the root alone, which is what search wants: "والكتاب",
** "بالكتاب", "كتابها", "كتابات" all meet at "كتاب", but "كاتب" and "مكتبة"
** stay apart. It starts from light10 (Larkey, Ballesteros and Connell) and
** fixes its known misses:
**
**   - every article combination: ال, و/ف + ال, ب/ك + ال, لل, and و/ف before
**     those (وبالكتاب, فللكتاب), where light10 takes one prefix only;
**   - the pronoun suffixes (ه ها هم هما هن نا كم كن) before the number
**     suffixes, so "قراراتهم" -> "قرار"; a ta marbuta that became ت before a
**     pronoun goes with it ("حكومتها" and "حكومة" -> "حكوم");
**   - the nisba ي stays: "سياسي", "سياسية", "سياسيون", "سياسيات" all give
**     "سياسي", while light10 cuts "سياسي" to "سياس" and merges it with
**     "سياسة". The possessive "my" ي is rare in news and is not cut either;
**   - no over-stemming: every cut leaves at least three letters (two after
**     the article: "الدم" -> "دم"), a lone و is cut only from words of four
**     letters or more, ب/ك/ل/ف are cut only together with the article (bare
**     "بلد", "كبير", "لبنان", "فريق" begin with root letters far more often
**     than with a clitic), and a lexicon of exceptions stops the rules where
**     they would cut a root letter (data/stem-keep.tsv, plus the segmenter's
**     data/segment-keep.tsv: "وزير", "لبنان", "مليون", "الله").
**   - stopwords (data/stopwords.tsv) are returned unchanged.
**
** The input is KB_NORM_SEARCH-normalized, so every Arabic letter is a
** two-byte UTF-8 sequence and the rules compare 16-bit letter codes (lead
** byte << 8 | continuation byte) by index; a word with any other byte is not
** Arabic and comes back unchanged. Nothing is allocated; the lexicons are
** loaded once, on first use.
*/
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/lex.h"
#include "khabar.h"

/* Letter codes: the two UTF-8 bytes of the letter as one number. */
enum {
    ALEF = 0xD8A7, BEH = 0xD8A8, TEH = 0xD8AA, FEH = 0xD981, KAF = 0xD983,
    LAM = 0xD984, MEEM = 0xD985, NOON = 0xD986, HEH = 0xD987, WAW = 0xD988,
    YEH = 0xD98A
};

/* The shortest stem a suffix cut may leave, and after the article. */
#define MIN_STEM 3
#define MIN_STEM_ARTICLE 2
/* Longer "words" (glued text, URLs in Arabic script) are left alone. */
#define MAX_LETTERS 48

/*
** The four word lists go into one open-addressing table built once, so that
** a single probe answers every question about a string (is it a stopword, a
** listed exception, a word with a root-letter و): the stemmer asks up to
** five questions per word and must stay well above 10M words/s. Keys point
** into the lexicons, which live until the process ends.
*/
enum { IN_STOP = 1, IN_KEEP = 2, IN_WAW = 4, IN_SEGKEEP = 8 };

typedef struct word_slot {
    const char *key;
    uint32_t n;
    uint32_t flags;
} word_slot;

static word_slot *g_tab;
static size_t g_mask;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

/* A fast hash for short keys: 8-byte loads, multiply and fold. */
static inline uint64_t word_hash(const char *p, size_t n) {
    uint64_t h = (uint64_t)n * 0x9E3779B97F4A7C15ULL;
    while (n >= 8) {
        uint64_t x;
        memcpy(&x, p, 8);
        h = (h ^ x) * 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 31;
        p += 8;
        n -= 8;
    }
    uint64_t x = 0;
    memcpy(&x, p, n);
    h = (h ^ x) * 0x94D049BB133111EBULL;
    return h ^ (h >> 29);
}

static void tab_add(const char *k, size_t n, uint32_t flag) {
    size_t h = (size_t)word_hash(k, n) & g_mask;
    for (;;) {
        word_slot *e = &g_tab[h];
        if (!e->key) {
            e->key = k;
            e->n = (uint32_t)n;
            e->flags = flag;
            return;
        }
        if (e->n == n && !memcmp(e->key, k, n)) {
            e->flags |= flag;
            return;
        }
        h = (h + 1) & g_mask;
    }
}

static void load_lexicons(void) {
    static const struct {
        const char *name;
        uint32_t flag;
    } lists[] = {{"stopwords.tsv", IN_STOP},
                 {"stem-keep.tsv", IN_KEEP},
                 {"stem-waw.tsv", IN_WAW},
                 {"segment-keep.tsv", IN_SEGKEEP}};
    const kb_lex *lx[4];
    size_t total = 0, slots = 64;
    for (int i = 0; i < 4; i++) {
        lx[i] = kb__lex_get(lists[i].name, KB_NORM_SEARCH);
        total += kb__lex_size(lx[i]);
    }
    while (slots < 2 * total) slots *= 2;
    /* On out-of-memory the stemmer runs without its lists: still correct
    ** UTF-8 out, only less careful with exceptions. */
    g_tab = calloc(slots, sizeof *g_tab);
    if (!g_tab) return;
    g_mask = slots - 1;
    for (int i = 0; i < 4; i++) {
        for (size_t j = 0; j < kb__lex_size(lx[i]); j++) {
            size_t kn;
            const char *k = kb__lex_key(lx[i], j, &kn);
            if (kn) tab_add(k, kn, lists[i].flag);
        }
    }
}

/* The IN_* flags of p[0..n); 0 when it is in no list. */
static inline uint32_t word_flags(const char *p, size_t n) {
    if (!g_tab) return 0;
    size_t h = (size_t)word_hash(p, n) & g_mask;
    for (;;) {
        const word_slot *e = &g_tab[h];
        if (!e->key) return 0;
        if (e->n == n && !memcmp(e->key, p, n)) return e->flags;
        h = (h + 1) & g_mask;
    }
}

static inline unsigned letter(const unsigned char *s, size_t i) {
    return (unsigned)s[2 * i] << 8 | s[2 * i + 1];
}

/* 1 if s[0..n) is made only of two-byte Arabic-block letters. */
static int arabic_letters(const unsigned char *s, size_t n) {
    if (n & 1) return 0;
    for (size_t i = 0; i < n; i += 2)
        if (s[i] < 0xD8 || s[i] > 0xDB || (s[i + 1] & 0xC0) != 0x80) return 0;
    return 1;
}

/* The IN_* flags of letters [b, e) of s. */
static inline uint32_t flags_of(const unsigned char *s, size_t b, size_t e) {
    return word_flags((const char *)s + 2 * b, 2 * (e - b));
}

static inline int kept(const unsigned char *s, size_t b, size_t e) {
    return (flags_of(s, b, e) & IN_KEEP) != 0;
}

/* The IN_* flags of letters [b, e) followed by ه: "ولايت" is "ولاية" before
** a pronoun, "ولاي" is "ولاية" without its ta marbuta. */
static uint32_t flags_with_heh(const unsigned char *s, size_t b, size_t e) {
    unsigned char buf[2 * MAX_LETTERS + 2];
    size_t n = 2 * (e - b);
    memcpy(buf, s + 2 * b, n);
    buf[n] = HEH >> 8;
    buf[n + 1] = HEH & 0xFF;
    return flags_of(buf, 0, e - b + 1);
}

/*
** The initial letter of s[0..L), whose suffixes cut give letters [0, e), is
** a root letter: the word or its stem (also with ة, or less a nisba ي) is in
** stem-waw.tsv or in the segmenter's list of words that begin with root
** letters (data/segment-keep.tsv).
*/
static int initial_is_root(const unsigned char *s, size_t L, size_t e) {
    const uint32_t root = IN_WAW | IN_SEGKEEP;
    if ((flags_of(s, 0, L) | flags_of(s, 0, e) | flags_with_heh(s, 0, e)) & root) return 1;
    return e > 3 && letter(s, e - 1) == YEH && (flags_of(s, 0, e - 1) & root);
}

static inline int ends2(const unsigned char *s, size_t e, unsigned a, unsigned b) {
    return letter(s, e - 2) == a && letter(s, e - 1) == b;
}

/*
** Cut the suffixes of letters [b, e) of s and return the new end. *hit is
** set when a listed word stopped the cut (the caller then knows that the
** word's letters are all root letters, see kb_stem's lone و); it is 2 when
** the stem is that word less its final ه, which the caller writes back.
**
** Order: one pronoun suffix, then either a plural ات or the ت that a ta
** marbuta becomes before a pronoun; or, with no pronoun, one number suffix
** (ات ون ين ان وا) and the ت of a feminine dual.
*/
static size_t cut_suffixes(const unsigned char *s, size_t b, size_t e, int article, int *hit) {
    size_t len = e - b;
    /* kb_stem has already looked up the whole word (b == 0). */
    if (b > 0 && kept(s, b, e)) { *hit = 1; return e; }
    unsigned z = letter(s, e - 1), y = len >= 2 ? letter(s, e - 2) : 0;
    size_t cut = 0;
    size_t single_heh = 0;
    if (len >= 3 + MIN_STEM && z == ALEF && y == MEEM && letter(s, e - 3) == HEH)
        cut = 3; /* هما */
    else if (len >= 2 + MIN_STEM && y == HEH && (z == MEEM || z == NOON || z == ALEF))
        cut = 2; /* هم هن ها */
    else if (len >= 2 + MIN_STEM && y == NOON && z == ALEF)
        cut = 2; /* نا */
    else if (len >= 2 + MIN_STEM + 1 && y == KAF && (z == MEEM || z == NOON))
        cut = 2; /* كم كن: "محاكم", "تراكم" end so too, hence a longer stem */
    else if (len >= 1 + MIN_STEM && z == HEH) {
        cut = 1; /* his, or a ta marbuta folded to ه */
        single_heh = 1;
    }
    if (cut) {
        e -= cut;
        len -= cut;
        if (kept(s, b, e)) { *hit = 1; return e; }
        if (len >= 2 + MIN_STEM && ends2(s, e, ALEF, TEH)) return e - 2;
        /* A ta marbuta before a pronoun is written ت. After a lone ه the
        ** ه may itself have been the ta marbuta ("ثابتة" = ثابت + ة), so
        ** demand a longer stem there. */
        if (letter(s, e - 1) == TEH && len >= 1 + MIN_STEM + single_heh) {
            /* "ولايته" -> the listed "ولاية", spelled as listed. */
            if (flags_with_heh(s, b, e - 1) & IN_KEEP) { *hit = 2; return e - 1; }
            return e - 1;
        }
        return e;
    }
    /* The accusative indefinite ending (tanween fath) is written ا: "هدفا",
    ** "رسميا", "جزءا". It never follows the article, and a ا after ا or و
    ** ("قضايا" aside, "ضحايا", "دعوا") belongs to the word. */
    if (z == ALEF && !article && len >= 1 + MIN_STEM && y != ALEF && y != WAW &&
        !(y == YEH && letter(s, e - 3) == ALEF)) {
        e--;
        if (kept(s, b, e)) *hit = 1;
        return e;
    }
    if (len >= 2 + MIN_STEM &&
        (ends2(s, e, ALEF, TEH) || ends2(s, e, WAW, NOON) || ends2(s, e, YEH, NOON) ||
         ends2(s, e, ALEF, NOON) || ends2(s, e, WAW, ALEF))) {
        int dual = z == NOON && y != WAW;
        e -= 2;
        len -= 2;
        if (kept(s, b, e)) { *hit = 1; return e; }
        /* Feminine dual or oblique plural: "حكومتان", "ساعتين" -> "حكوم", "ساع". */
        if (dual && len >= 1 + MIN_STEM && letter(s, e - 1) == TEH) e--;
    }
    return e;
}

/*
** Length in letters of the article group at the start of s[0..L): optional
** و or ف, then ال, ب+ال, ك+ال or لل (ل + ال). 0 when there is none.
*/
static size_t article_len(const unsigned char *s, size_t L) {
    size_t i = 0;
    unsigned c = letter(s, 0);
    if ((c == WAW || c == FEH) && L > 3) {
        i = 1;
        c = letter(s, 1);
    }
    if (c == ALEF && letter(s, i + 1) == LAM) return i + 2;
    if ((c == BEH || c == KAF) && L > i + 2 && letter(s, i + 1) == ALEF && letter(s, i + 2) == LAM)
        return i + 3;
    if (c == LAM && letter(s, i + 1) == LAM) return i + 2;
    return 0;
}

/*
** Length in letters of a bare preposition ب or ل (after an optional و or ف)
** that stands before a derived noun or masdar, i.e. before م or ت and at
** least four more letters: "بمشاركة", "لتحقيق", "وبمساعدة". Elsewhere a
** bare ب/ل/ك/ف is far more often a root letter ("بلد", "لجنة", "كتاب",
** "فريق") and stays. 0 when there is none.
*/
static size_t preposition_len(const unsigned char *s, size_t L) {
    size_t i = 0;
    unsigned c = letter(s, 0);
    if ((c == WAW || c == FEH) && L > 2) c = letter(s, ++i);
    if (c != BEH && c != LAM) return 0;
    unsigned d = letter(s, i + 1);
    if ((d != MEEM && d != TEH) || L < i + 1 + 4) return 0;
    return i + 1;
}

size_t kb_stem(const char *word, size_t n, char *dst) {
    const unsigned char *s = (const unsigned char *)word;
    size_t L = n / 2, b = 0, e = L;
    int hit = 0;
    if (n < 6 || L > MAX_LETTERS || !arabic_letters(s, n)) goto unchanged;
    pthread_once(&g_once, load_lexicons);
    if (word_flags(word, n) & (IN_STOP | IN_KEEP)) goto unchanged;

    size_t a = article_len(s, L);
    if (a && L - a >= MIN_STEM_ARTICLE) {
        /* "الله", "ألمانيا": the ال is part of the listed word. A prefix
        ** ending in ال leaves "ال" + rest as a contiguous tail. */
        if (letter(s, a - 1) == LAM && letter(s, a - 2) == ALEF && kept(s, a - 2, L)) {
            b = a - 2;
        } else {
            b = a;
            e = cut_suffixes(s, b, L, 1, &hit);
        }
    } else if ((a = preposition_len(s, L)) != 0) {
        /* ب or ل before a derived noun ("بمشاركة", "لتحقيق"), guarded like
        ** the lone و below. */
        e = cut_suffixes(s, 0, L, 0, &hit);
        if (!hit && !initial_is_root(s, L, e)) {
            b = a;
            e = cut_suffixes(s, a, L, 0, &hit);
        }
    } else if (letter(s, 0) == WAW && L >= 1 + MIN_STEM) {
        /* A lone و: cut it unless it is a root letter ("وزيرها" -> "وزير"). */
        e = cut_suffixes(s, 0, L, 0, &hit);
        if (!hit && !initial_is_root(s, L, e)) {
            b = 1;
            e = cut_suffixes(s, 1, L, 0, &hit);
        }
    } else {
        e = cut_suffixes(s, 0, L, 0, &hit);
    }
    memmove(dst, s + 2 * b, 2 * (e - b));
    if (hit == 2) { /* room: at least a pronoun was cut */
        dst[2 * (e - b)] = (char)(HEH >> 8);
        dst[2 * (e - b) + 1] = (char)(HEH & 0xFF);
        return 2 * (e - b) + 2;
    }
    return 2 * (e - b);

unchanged:
    memmove(dst, word, n);
    return n;
}

int kb_is_stopword(const char *word, size_t n) {
    pthread_once(&g_once, load_lexicons);
    return (word_flags(word, n) & IN_STOP) != 0;
}
