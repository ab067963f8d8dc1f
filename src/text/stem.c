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
#include <stdatomic.h>
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
** listed exception, a word with a root-letter و). Keys point into the
** lexicons, which live until the process ends.
**
** The stemmer asks up to ten questions per word, all about substrings of the
** word (the word less a prefix, less a suffix, with ه appended), and most of
** them have the answer "in no list". Two things make that cheap:
**
**   - The hash is a polynomial over 16-bit units (a letter's two bytes):
**     h(c0..ck) = c0 K^k + ... + ck, mod 2^64. kb_stem computes the hash of
**     every prefix of the word once, in the same pass that checks its bytes,
**     and gets the hash of any substring [b, e) as H[e] - H[b] K^(e-b), and
**     of the substring plus ه as that times K plus ه: one multiply per
**     question instead of a pass over the bytes.
**   - A probe first reads a dense array of 16-bit tags (8 KB for the 600 or
**     so entries, so it stays in L1); an empty tag ends a miss at once, and
**     the entry itself (its full hash, then its bytes) is read only when the
**     tag matches. The table is kept at most a quarter full.
**
** A key of odd length (kb_is_stopword takes any bytes) hashes its last byte
** as a unit of its own; such keys never match a word of letters anyway.
*/
enum { IN_STOP = 1, IN_KEEP = 2, IN_WAW = 4, IN_SEGKEEP = 8 };

typedef struct word_slot {
    uint64_t h;
    const char *key;
    uint32_t n;
    uint32_t flags;
} word_slot;

#define HASH_K 0x9E3779B97F4A7C15ULL

/* Until the lexicons load (or if they cannot), lookups see one empty slot. */
static const uint16_t g_no_tags[2]; /* slot_of() gives 0 or 1 before */
static const uint16_t *g_tags = g_no_tags;
static word_slot *g_tab;
static size_t g_mask;
static unsigned g_shift = 63;
/* K^i, for the hash of a substring from two prefix hashes. */
static uint64_t g_pow[MAX_LETTERS + 2];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
/* Set (release) once the tables above are final, so that the hot path
** checks one flag instead of calling pthread_once. */
static atomic_int g_ready;

static inline uint64_t hash_step(uint64_t h, unsigned unit) { return h * HASH_K + unit; }

static uint64_t bytes_hash(const unsigned char *p, size_t n) {
    uint64_t h = 0;
    size_t i = 0;
    for (; i + 1 < n; i += 2) h = hash_step(h, (unsigned)p[i] << 8 | p[i + 1]);
    if (i < n) h = hash_step(h, p[i]);
    return h;
}

/* Slot index and tag: two disjoint slices of one multiplicative scramble,
** since the polynomial's low bits mix poorly. A tag is never 0 (empty). */
static inline size_t slot_of(uint64_t h) { return (size_t)((h * 0xBF58476D1CE4E5B9ULL) >> g_shift); }
static inline uint16_t tag_of(uint64_t h) { return (uint16_t)(((h * 0xBF58476D1CE4E5B9ULL) >> 8) | 1); }

static void tab_add(uint16_t *tags, const char *k, size_t n, uint32_t flag) {
    uint64_t h = bytes_hash((const unsigned char *)k, n);
    size_t i = slot_of(h);
    for (;;) {
        word_slot *e = &g_tab[i];
        if (!tags[i]) {
            tags[i] = tag_of(h);
            e->h = h;
            e->key = k;
            e->n = (uint32_t)n;
            e->flags = flag;
            return;
        }
        if (e->n == n && !memcmp(e->key, k, n)) {
            e->flags |= flag;
            return;
        }
        i = (i + 1) & g_mask;
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
    unsigned bits = 6;
    g_pow[0] = 1;
    for (size_t i = 1; i < sizeof g_pow / sizeof *g_pow; i++) g_pow[i] = g_pow[i - 1] * HASH_K;
    for (int i = 0; i < 4; i++) {
        lx[i] = kb__lex_get(lists[i].name, KB_NORM_SEARCH);
        total += kb__lex_size(lx[i]);
    }
    while (slots < 4 * total) {
        slots *= 2;
        bits++;
    }
    /* On out-of-memory the stemmer runs without its lists: still correct
    ** UTF-8 out, only less careful with exceptions. */
    uint16_t *tags = calloc(slots, sizeof *tags);
    g_tab = calloc(slots, sizeof *g_tab);
    if (!tags || !g_tab) {
        free(tags);
        free(g_tab);
        g_tab = NULL;
        atomic_store_explicit(&g_ready, 1, memory_order_release);
        return;
    }
    g_mask = slots - 1;
    g_shift = 64 - bits;
    for (int i = 0; i < 4; i++) {
        for (size_t j = 0; j < kb__lex_size(lx[i]); j++) {
            size_t kn;
            const char *k = kb__lex_key(lx[i], j, &kn);
            if (kn) tab_add(tags, k, kn, lists[i].flag);
        }
    }
    g_tags = tags;
    atomic_store_explicit(&g_ready, 1, memory_order_release);
}

static inline void lexicons_ready(void) {
    if (!atomic_load_explicit(&g_ready, memory_order_acquire)) pthread_once(&g_once, load_lexicons);
}

/*
** The IN_* flags of the string with hash h: p[0..n), followed by ه when heh
** is set; 0 when it is in no list.
*/
static inline uint32_t lookup(uint64_t h, const unsigned char *p, size_t n, int heh) {
    const uint16_t tag = tag_of(h);
    size_t i = slot_of(h);
    for (;;) {
        const uint16_t t = g_tags[i];
        if (!t) return 0;
        if (t == tag) {
            const word_slot *e = &g_tab[i];
            if (e->h == h && e->n == n + (heh ? 2 : 0) && !memcmp(e->key, p, n) &&
                (!heh || ((unsigned char)e->key[n] == (HEH >> 8) && (unsigned char)e->key[n + 1] == (HEH & 0xFF))))
                return e->flags;
        }
        i = (i + 1) & g_mask;
    }
}

/* A word of letters and the hashes of its prefixes: pre[i] is the hash of
** letters [0, i). */
typedef struct stem_word {
    const unsigned char *s;
    uint64_t pre[MAX_LETTERS + 1];
} stem_word;

static inline unsigned letter(const unsigned char *s, size_t i) {
    return (unsigned)s[2 * i] << 8 | s[2 * i + 1];
}

static inline uint64_t span_hash(const stem_word *w, size_t b, size_t e) {
    return w->pre[e] - w->pre[b] * g_pow[e - b];
}

/* The IN_* flags of letters [b, e). */
static inline uint32_t flags_of(const stem_word *w, size_t b, size_t e) {
    return lookup(span_hash(w, b, e), w->s + 2 * b, 2 * (e - b), 0);
}

static inline int kept(const stem_word *w, size_t b, size_t e) {
    return (flags_of(w, b, e) & IN_KEEP) != 0;
}

/* The IN_* flags of letters [b, e) followed by ه: "ولايت" is "ولاية" before
** a pronoun, "ولاي" is "ولاية" without its ta marbuta. */
static inline uint32_t flags_with_heh(const stem_word *w, size_t b, size_t e) {
    return lookup(hash_step(span_hash(w, b, e), HEH), w->s + 2 * b, 2 * (e - b), 1);
}

/*
** The initial letter of the word of L letters, whose suffixes cut give
** letters [0, e), is a root letter: the word or its stem (also with ة, or
** less a nisba ي) is in stem-waw.tsv or in the segmenter's list of words
** that begin with root letters (data/segment-keep.tsv).
*/
static int initial_is_root(const stem_word *w, size_t L, size_t e) {
    const uint32_t root = IN_WAW | IN_SEGKEEP;
    if ((flags_of(w, 0, L) | flags_of(w, 0, e) | flags_with_heh(w, 0, e)) & root) return 1;
    return e > 3 && letter(w->s, e - 1) == YEH && (flags_of(w, 0, e - 1) & root);
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
static size_t cut_suffixes(const stem_word *w, size_t b, size_t e, int article, int *hit) {
    const unsigned char *s = w->s;
    size_t len = e - b;
    /* kb_stem has already looked up the whole word (b == 0). */
    if (b > 0 && kept(w, b, e)) { *hit = 1; return e; }
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
        if (kept(w, b, e)) { *hit = 1; return e; }
        if (len >= 2 + MIN_STEM && ends2(s, e, ALEF, TEH)) return e - 2;
        /* A ta marbuta before a pronoun is written ت. After a lone ه the
        ** ه may itself have been the ta marbuta ("ثابتة" = ثابت + ة), so
        ** demand a longer stem there. */
        if (letter(s, e - 1) == TEH && len >= 1 + MIN_STEM + single_heh) {
            /* "ولايته" -> the listed "ولاية", spelled as listed. */
            if (flags_with_heh(w, b, e - 1) & IN_KEEP) { *hit = 2; return e - 1; }
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
        if (kept(w, b, e)) *hit = 1;
        return e;
    }
    if (len >= 2 + MIN_STEM &&
        (ends2(s, e, ALEF, TEH) || ends2(s, e, WAW, NOON) || ends2(s, e, YEH, NOON) ||
         ends2(s, e, ALEF, NOON) || ends2(s, e, WAW, ALEF))) {
        int dual = z == NOON && y != WAW;
        e -= 2;
        len -= 2;
        if (kept(w, b, e)) { *hit = 1; return e; }
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

/*
** memmove(dst, src, n) for the short spans kb_stem copies, without the
** library call: every load is done before the first store, so any overlap
** (in place, dst == word, is the common one) is right.
*/
static inline void move_short(char *dst, const unsigned char *src, size_t n) {
    uint64_t a, b, c, d;
    uint32_t x, y;
    if (n >= 8 && n <= 16) {
        memcpy(&a, src, 8);
        memcpy(&b, src + n - 8, 8);
        memcpy(dst, &a, 8);
        memcpy(dst + n - 8, &b, 8);
    } else if (n >= 4 && n < 8) {
        memcpy(&x, src, 4);
        memcpy(&y, src + n - 4, 4);
        memcpy(dst, &x, 4);
        memcpy(dst + n - 4, &y, 4);
    } else if (n > 16 && n <= 32) {
        memcpy(&a, src, 8);
        memcpy(&b, src + 8, 8);
        memcpy(&c, src + n - 16, 8);
        memcpy(&d, src + n - 8, 8);
        memcpy(dst, &a, 8);
        memcpy(dst + 8, &b, 8);
        memcpy(dst + n - 16, &c, 8);
        memcpy(dst + n - 8, &d, 8);
    } else {
        memmove(dst, src, n);
    }
}

size_t kb_stem(const char *word, size_t n, char *dst) {
    const unsigned char *s = (const unsigned char *)word;
    size_t L = n / 2, b = 0, e = L;
    int hit = 0;
    uint64_t h = 0;
    stem_word w;
    if (n < 6 || (n & 1) || L > MAX_LETTERS) goto unchanged;
    /* One pass checks that every letter is a two-byte letter of the Arabic
    ** block (lead byte D8-DB, then a continuation byte) and hashes the
    ** prefixes. */
    w.s = s;
    w.pre[0] = 0;
    for (size_t i = 0; i < L; i++) {
        const unsigned c = letter(s, i);
        if ((c & 0xFCC0) != 0xD880) goto unchanged;
        h = hash_step(h, c);
        w.pre[i + 1] = h;
    }
    lexicons_ready();
    if (lookup(h, s, n, 0) & (IN_STOP | IN_KEEP)) goto unchanged;

    size_t a = article_len(s, L);
    if (a && L - a >= MIN_STEM_ARTICLE) {
        /* "الله", "ألمانيا": the ال is part of the listed word. A prefix
        ** ending in ال leaves "ال" + rest as a contiguous tail. */
        if (letter(s, a - 1) == LAM && letter(s, a - 2) == ALEF && kept(&w, a - 2, L)) {
            b = a - 2;
        } else {
            b = a;
            e = cut_suffixes(&w, b, L, 1, &hit);
        }
    } else if ((a = preposition_len(s, L)) != 0) {
        /* ب or ل before a derived noun ("بمشاركة", "لتحقيق"), guarded like
        ** the lone و below. */
        e = cut_suffixes(&w, 0, L, 0, &hit);
        if (!hit && !initial_is_root(&w, L, e)) {
            b = a;
            e = cut_suffixes(&w, a, L, 0, &hit);
        }
    } else if (letter(s, 0) == WAW && L >= 1 + MIN_STEM) {
        /* A lone و: cut it unless it is a root letter ("وزيرها" -> "وزير"). */
        e = cut_suffixes(&w, 0, L, 0, &hit);
        if (!hit && !initial_is_root(&w, L, e)) {
            b = 1;
            e = cut_suffixes(&w, 1, L, 0, &hit);
        }
    } else {
        e = cut_suffixes(&w, 0, L, 0, &hit);
    }
    move_short(dst, s + 2 * b, 2 * (e - b));
    if (hit == 2) { /* room: at least a pronoun was cut */
        dst[2 * (e - b)] = (char)(HEH >> 8);
        dst[2 * (e - b) + 1] = (char)(HEH & 0xFF);
        return 2 * (e - b) + 2;
    }
    return 2 * (e - b);

unchanged:
    move_short(dst, s, n);
    return n;
}

int kb_is_stopword(const char *word, size_t n) {
    const unsigned char *s = (const unsigned char *)word;
    lexicons_ready();
    return (lookup(bytes_hash(s, n), s, n, 0) & IN_STOP) != 0;
}
