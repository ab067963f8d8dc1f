/*
** The clitic segmenter (khabar.h, section 4): و+ال+كتاب+ها.
**
** A normalized Arabic word is read as
**
**     [و|ف] ( [ب|ك|ل] [ال] | لل | ال | س ) STEM [pronoun]
**
** and split at the clitic boundaries. The hard part is not the grammar but
** the letters that only look like clitics: وزير, بلد, كتاب, لبنان, سيارة start
** with root letters, and after search folding (ة -> ه, ى -> ي) the feminine
** ending of مدرسة is the same letter as the pronoun of كتابه. So each split
** must pass guards, from the outside in:
**
**   - the remainder must keep enough letters (2 after و ف ب ك ل ال لل, 3
**     after س, which also needs an imperfect-verb prefix ي ت ن ا);
**   - the word from the clitic on must not be in data/segment-keep.tsv
**     (words whose first letters are root letters, and function words such
**     as كان كما الذي), also when it carries a suffix;
**   - statistical evidence from data/segment-words.tsv, the counts of word
**     forms in 17 M words of news: the remainder must be a word seen often
**     enough next to the whole form (قال against وقال), and the whole form
**     must not itself take the article (الوزير, الكاس: root letters);
**   - a pronoun never follows the article and leaves a stem of 3 letters or
**     more, except on a host of data/segment-hosts.tsv (منه) or a bare ب/ل
**     (بها, له: the preposition is then the stem). It is split after a host of
**     data/segment-hosts.tsv (عليه, لديهم, انه), after the construct ت of
**     ة/ات (حياته, قراراته), or when the word does not take the article
**     (المدرسه shows مدرسه ends in ة) and its stem is seen with other
**     pronouns or alone (كتابها, كتابهم).
**
** See docs/internals/text.md, "Clitic segmentation", for the figures.
**
** The lexicons are turned once (pthread_once) into flat tables of 64-bit
** hashes, so a look-up is one or two cache lines; kb_segment itself never
** allocates and reads only word[0..n).
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/lex.h"
#include "core/utf8.h"
#include "khabar.h"
#include "text/text_int.h"

/* Longer "words" (URL debris, repeated letters) are left whole. */
#define SEG_LETTERS 48

/* Thresholds on the counts of data/segment-words.tsv (about 17 M words).
** MIN_EVIDENCE: fewer sightings than this are no evidence. CONJ_PCT,
** PREP_PCT: how common the remainder must be against the whole form, in %
** (و and ف stand before any word; a preposition is more often fused into a
** fixed phrase, بسبب being commoner than سبب). ART_PCT: the article seen on a
** word more than this (% of its count) shows that its first letter is no
** proclitic and its last no pronoun; ARTICLE_PCT, the same for a word that
** starts with ال (الالغاء: the ال of إلغاء is root letters).
** STEM_PCT: a stem under a pronoun must be seen at least this often (% of
** the word); STEM_PCT_RARE for the pronouns rare in news (ك كم كن ي). */
#define MIN_EVIDENCE 5
#define CONJ_PCT 30
#define PREP_PCT 10
#define ART_PCT 5
#define ARTICLE_PCT 2
#define STEM_PCT 2
#define STEM_PCT_RARE 100

enum {
    ALEF = 0x0627, BEH = 0x0628, TEH = 0x062A, SEEN = 0x0633, FEH = 0x0641, KAF = 0x0643,
    LAM = 0x0644, MEEM = 0x0645, NOON = 0x0646, HEH = 0x0647, WAW = 0x0648, YEH = 0x064A
};

typedef struct seg_word {
    const char *p;
    size_t n;
    int nl;                       /* letters */
    uint32_t c[SEG_LETTERS];      /* code points */
    uint16_t off[SEG_LETTERS + 1];/* byte offset of each letter, off[nl] = n */
} seg_word;

/* --- lexicon tables ---------------------------------------------------------- */

/* A set of 64-bit FNV-1a hashes of lexicon keys with a value each (the count
** of segment-words.tsv, 1 for the other lexicons). A 64-bit hash collision
** among some 10^5 keys is too unlikely to matter, and it saves keeping the
** keys: a look-up touches one slot, not a slot, an entry and a string. */
typedef struct hslot {
    uint64_t h; /* 0: empty */
    uint32_t v;
} hslot;

typedef struct htab {
    hslot *s;
    size_t mask;
} htab;

static htab g_words, g_keep, g_hosts;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

#define FNV_INIT 1469598103934665603ULL

static inline uint64_t fnv(uint64_t h, const char *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* On out-of-memory the table stays empty: the segmenter then splits less,
** it does not fail. */
static void htab_build(htab *t, const char *name) {
    const kb_lex *lx = kb__lex_get(name, KB_NORM_SEARCH);
    size_t n = kb__lex_size(lx), cap = 16;
    while (cap < 2 * n) cap *= 2;
    hslot *s = calloc(cap, sizeof *s);
    if (!s) return;
    for (size_t i = 0; i < n; i++) {
        size_t kn, vn;
        const char *k = kb__lex_key(lx, i, &kn), *v = kb__lex_value(lx, i, &vn);
        uint32_t val = 0;
        for (size_t j = 0; j < vn && v[j] >= '0' && v[j] <= '9' && val < 100000000u; j++)
            val = val * 10 + (uint32_t)(v[j] - '0');
        if (!vn) val = 1;
        uint64_t h = fnv(FNV_INIT, k, kn) | 1;
        size_t j = (size_t)h & (cap - 1);
        while (s[j].h && s[j].h != h) j = (j + 1) & (cap - 1);
        if (!s[j].h) s[j] = (hslot){h, val}; /* first entry wins */
    }
    t->s = s;
    t->mask = cap - 1;
}

static void tables_init(void) {
    htab_build(&g_words, "segment-words.tsv");
    htab_build(&g_keep, "segment-keep.tsv");
    htab_build(&g_hosts, "segment-hosts.tsv");
}

static uint32_t htab_get(const htab *t, uint64_t h) {
    if (!t->s) return 0;
    h |= 1;
    for (size_t j = (size_t)h & t->mask;; j = (j + 1) & t->mask) {
        if (t->s[j].h == h) return t->s[j].v;
        if (!t->s[j].h) return 0;
    }
}

/* Decode an all-Arabic word into letters; 0 if it is not one (or too long). */
static int decode(const char *p, size_t n, seg_word *w) {
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0;
    w->p = p;
    w->n = n;
    w->nl = 0;
    while (i < n) {
        if (w->nl == SEG_LETTERS) return 0;
        size_t len;
        uint32_t u = kb__utf8_decode(s + i, n - i, &len);
        if (kb__char_class(u) != KB_CC_ARABIC) return 0;
        w->c[w->nl] = u;
        w->off[w->nl++] = (uint16_t)i;
        i += len;
    }
    w->off[w->nl] = (uint16_t)n;
    return w->nl > 0;
}

/* The hash of prefix + letters [a, b) + suffix (prefix and suffix are
** literals such as "ال" or ""). */
static uint64_t hash_of(const seg_word *w, const char *pre, int a, int b, const char *suf) {
    uint64_t h = fnv(FNV_INIT, pre, strlen(pre));
    h = fnv(h, w->p + w->off[a], (size_t)(w->off[b] - w->off[a]));
    return fnv(h, suf, strlen(suf));
}

static int has(const htab *t, const seg_word *w, int a, int b) {
    return a < b && htab_get(t, hash_of(w, "", a, b, "")) != 0;
}

static int ends_with(const seg_word *w, int a, int b, const uint32_t *suf, int k) {
    if (b - a < k) return 0;
    for (int i = 0; i < k; i++)
        if (w->c[b - k + i] != suf[i]) return 0;
    return 1;
}

/* Suffixes stripped before looking letters [a, b) up in the keep lexicon, so
** that one entry (وزير) protects its inflected forms (وزيره, وزيرين, وزيرها). */
static const uint32_t keep_suffix[][3] = {
    {1, HEH},       {2, ALEF, TEH}, {2, YEH, NOON}, {2, WAW, NOON},
    {2, ALEF, NOON}, {1, YEH},      {2, HEH, ALEF}, {2, HEH, MEEM},
};

static int kept(const seg_word *w, int a, int b) {
    const htab *lx = &g_keep;
    if (has(lx, w, a, b)) return 1;
    for (size_t i = 0; i < sizeof keep_suffix / sizeof *keep_suffix; i++) {
        int k = (int)keep_suffix[i][0];
        if (b - a - k >= 2 && ends_with(w, a, b, keep_suffix[i] + 1, k) && has(lx, w, a, b - k)) return 1;
    }
    return 0;
}

/* --- frequency evidence ---------------------------------------------------- */

/* Count in data/segment-words.tsv of prefix + letters [a, b) + suffix
** (0 when unseen or rarer than the generator's cut-off). */
static unsigned long freq3(const seg_word *w, const char *pre, int a, int b, const char *suf) {
    if (a >= b) return 0;
    return htab_get(&g_words, hash_of(w, pre, a, b, suf));
}

static unsigned long freq(const seg_word *w, int a, int b) { return freq3(w, "", a, b, ""); }

static int starts_al(const seg_word *w, int a) {
    return w->nl - a >= 2 && w->c[a] == ALEF && w->c[a + 1] == LAM;
}

/* How often [a, b) occurs with the article (ال + x); for a form that already
** starts with ال, how often the article stands before it again (الالغاء shows
** that إلغاء's ال is not the article). */
static unsigned long freq_art(const seg_word *w, int a, int b) { return freq3(w, "ال", a, b, ""); }

/* Length in letters of the pronoun enclitic ending [a, b), 0 if none can. */
static int enclitic_len(const seg_word *w, int a, int b) {
    int m = b - a;
    uint32_t z = w->c[b - 1], y = m >= 2 ? w->c[b - 2] : 0, x = m >= 3 ? w->c[b - 3] : 0;
    if (z == ALEF && y == MEEM && x == HEH) return 3;               /* هما */
    if ((z == MEEM || z == NOON || z == ALEF) && y == HEH) return 2; /* هم هن ها */
    if ((z == MEEM || z == NOON) && y == KAF) return 2;              /* كم كن */
    if (z == ALEF && y == NOON) return 2;                            /* نا */
    if (z == HEH || z == KAF || z == YEH) return 1;
    return 0;
}

/* Evidence that [a, b) is a word of its own: its count, bare and (when it
** is long enough not to be a fragment of a longer word) with the article. */
static unsigned long stem_evidence(const seg_word *w, int a, int b) {
    unsigned long ev = freq(w, a, b);
    if (b - a >= 3 && !starts_al(w, a)) ev += freq_art(w, a, b);
    return ev;
}

/* Does [a, nl) start with the article, bare or after ب ك ل (بال, لل)? */
static int definite_next(const seg_word *w, int a) {
    int m = w->nl - a;
    if (m >= 4 && starts_al(w, a)) return 1;
    if (m >= 5 && (w->c[a] == BEH || w->c[a] == KAF || w->c[a] == LAM) && starts_al(w, a + 1)) return 1;
    return m >= 4 && w->c[a] == LAM && w->c[a + 1] == LAM;
}

/*
** May the proclitic of len letters at letter a be split off? x = [a, nl) is
** the word from the clitic on, y = [a + len, nl) what would remain. A
** remainder that starts with the article (والحكومه, بالاضافه) is split unless
** x itself takes the article. Otherwise y must be attested (stem_evidence)
** often enough against two readings of the clitic letter as a root letter:
** x with the article (الوزير, الكاس show that وزير's و and كاس's ك are root
** letters), and x itself, weighted by pct (وقال is frequent, but قال more).
** When y is too rare, the same test runs on both forms without a final
** pronoun (بينها: بين against ين). With no evidence at all, dflt decides.
*/
static int proclitic_ok(const seg_word *w, int a, int len, int pct, int dflt) {
    if (kept(w, a, w->nl)) return 0;
    int b = w->nl;
    unsigned long fx = freq(w, a, b), ax = freq_art(w, a, b);
    int art_root = ax >= MIN_EVIDENCE && ax * 100 >= fx * ART_PCT;
    if (definite_next(w, a + len)) return !art_root;
    unsigned long ey = stem_evidence(w, a + len, b);
    if (ey < MIN_EVIDENCE) {
        /* Not after a bare ه, which is mostly the folded ة (بدايه). */
        int k = enclitic_len(w, a + len, b);
        if (k >= 2 && b - k - a - len >= 2) {
            b -= k;
            fx = freq(w, a, b);
            ax = freq_art(w, a, b);
            ey = stem_evidence(w, a + len, b);
            art_root = ax >= MIN_EVIDENCE && ax * 100 >= fx * ART_PCT;
        }
    }
    if (fx == 0 && ax == 0 && ey == 0) return dflt;
    if (ey < MIN_EVIDENCE || art_root) return 0;
    return ey * 100 >= fx * (unsigned long)pct;
}

/*
** May the article at letter a be split off? Nearly always: ال is the most
** common prefix there is. Not when the remaining stem is too short, the word
** is in the keep lexicon (الذي, الله), or the word takes the article again
** (الالغاء: the ال of إلغاء is root letters after alef folding).
*/
static int article_ok(const seg_word *w, int a) {
    if (w->nl - a - 2 < 2 || kept(w, a, w->nl)) return 0;
    unsigned long fx = freq(w, a, w->nl), ax = freq_art(w, a, w->nl);
    return !(ax >= MIN_EVIDENCE && ax * 100 >= fx * ARTICLE_PCT);
}

/*
** May the pronoun of k letters be split off [a, nl), leaving the stem [a, e)?
** A host (عليه, لديهم, انه) always may. Otherwise the word must not take the
** article (المدرسه: the ه is the folded ة; العربي: the ي is the nisba), and
** the stem must be attested with other pronouns (كتابها, كتابهم) or, for
** pronouns other than ه, on its own.
*/
static int enclitic_ok(const seg_word *w, int a, int e, int k) {
    if (has(&g_hosts, w, a, e)) return 1;
    /* A keep entry itself (هناك, ذلك) has no pronoun either. */
    if (e - a < 3 || has(&g_keep, w, a, w->nl)) return 0;
    uint32_t first = w->c[e];
    int rare = first == KAF || first == YEH || (first == NOON && k == 2);
    unsigned long fw = freq(w, a, w->nl), aw = freq_art(w, a, w->nl);
    if (aw * 100 > fw * ART_PCT + MIN_EVIDENCE || (rare && aw >= MIN_EVIDENCE)) return 0;
    unsigned long es = 0;
    /* The construct ت of ة and of the plural ات: حياته, قراراته. */
    if (k == 1 && first == HEH && e - a >= 3 && w->c[e - 1] == TEH) return 1;
    if (first != HEH || k != 1) es += freq3(w, "", a, e, "ه");
    if (first != HEH || k != 2 || w->c[e + 1] != ALEF) es += freq3(w, "", a, e, "ها");
    if (first != HEH || k != 2 || w->c[e + 1] != MEEM) es += freq3(w, "", a, e, "هم");
    if (!(k == 1 && first == HEH)) es += stem_evidence(w, a, e);
    /* "Your", "my" and "our" are rare in news and their letters end many
    ** words (شارك, عربي, احيانا): they need a stem commoner than the word. */
    int pct = rare ? STEM_PCT_RARE : STEM_PCT;
    return es >= MIN_EVIDENCE && es * 100 >= fw * (unsigned long)pct;
}

int kb_segment(const char *p, size_t n, kb_seg *seg) {
    memset(seg, 0, sizeof *seg);
    if (n > KB_TOKEN_MAX) {
        seg->stem_end = 0;
        return KB_EINVAL;
    }
    seg->stem_end = (uint16_t)n;
    seg_word w;
    if (n < 4 || !decode(p, n, &w) || w.nl < 2) return KB_OK;
    pthread_once(&g_once, tables_init);

    int a = 0, np = 0, definite = 0;
    int ends[4];
    /* A host with its pronoun (فيهم, منها) has no proclitic: فيهم is في+هم,
    ** not ف+يهم. */
    int k0 = enclitic_len(&w, 0, w.nl);
    if (k0 && w.nl - k0 >= 2 && has(&g_hosts, &w, 0, w.nl - k0)) {
        seg->stem_end = w.off[w.nl - k0];
        seg->has_enclitic = 1;
        return KB_OK;
    }
    /* Conjunction. */
    if ((w.c[0] == WAW || w.c[0] == FEH) && w.nl - 1 >= 2 && proclitic_ok(&w, 0, 1, CONJ_PCT, 0)) {
        a = 1;
        ends[np++] = 1;
    }
    /* A preposition carrying the pronoun directly (بها, له, ولهم): the
    ** preposition is the stem. */
    int rest = w.nl - a;
    if ((w.c[a] == BEH || w.c[a] == LAM) && rest >= 2) {
        int k = enclitic_len(&w, a, w.nl);
        /* بي is far more often a letter name (بي بي سي) than "in me". */
        int bi = w.c[a] == BEH && w.c[w.nl - 1] == YEH;
        if (k == rest - 1 && !bi && !kept(&w, a, w.nl)) {
            seg->nproc = (uint16_t)np;
            if (np) seg->proc_end[0] = w.off[1];
            seg->stem_start = w.off[a];
            seg->stem_end = w.off[a + 1];
            seg->has_enclitic = 1;
            return KB_OK;
        }
    }
    /* Preposition, future, or article. */
    uint32_t c0 = w.c[a], c1 = rest >= 2 ? w.c[a + 1] : 0;
    if (rest >= 4 && c0 == LAM && c1 == LAM && proclitic_ok(&w, a, 2, PREP_PCT, 1)) {
        /* لل = ل + ال with the alef dropped. */
        a += 2;
        ends[np++] = a;
        definite = 1;
    } else if (rest >= 4 && c0 == ALEF && c1 == LAM && article_ok(&w, a)) {
        a += 2;
        ends[np++] = a;
        definite = 1;
    } else if ((c0 == BEH || c0 == KAF || c0 == LAM) && rest >= 3 && proclitic_ok(&w, a, 1, PREP_PCT, 0)) {
        a += 1;
        ends[np++] = a;
        if (w.nl - a >= 4 && starts_al(&w, a) && article_ok(&w, a)) {
            a += 2;
            ends[np++] = a;
            definite = 1;
        }
    } else if (c0 == SEEN && rest >= 4 && (c1 == YEH || c1 == TEH || c1 == NOON || c1 == ALEF) &&
               proclitic_ok(&w, a, 1, CONJ_PCT, 0)) {
        a += 1;
        ends[np++] = a;
    }

    int e = w.nl;
    if (!definite) {
        int k = enclitic_len(&w, a, w.nl);
        if (k && w.nl - k > a && enclitic_ok(&w, a, w.nl - k, k)) e = w.nl - k;
    }
    seg->nproc = (uint16_t)np;
    for (int i = 0; i < np; i++) seg->proc_end[i] = w.off[ends[i]];
    seg->stem_start = w.off[a];
    seg->stem_end = w.off[e];
    seg->has_enclitic = e < w.nl;
    return KB_OK;
}

size_t kb_seg_format(const char *word, size_t n, const kb_seg *seg, char *dst) {
    size_t o = 0, from = 0;
    /* Defensive clamps: a kb_seg built by hand must not make us read past n. */
    for (size_t i = 0; i < seg->nproc && i < 4; i++) {
        size_t b = seg->proc_end[i];
        if (b < from || b > n) break;
        memcpy(dst + o, word + from, b - from);
        o += b - from;
        dst[o++] = '+';
        from = b;
    }
    size_t s = seg->stem_start, e = seg->stem_end;
    if (s < from || s > n) s = from;
    if (e < s || e > n) e = n;
    memcpy(dst + o, word + s, e - s);
    o += e - s;
    if (e < n) {
        dst[o++] = '+';
        memcpy(dst + o, word + e, n - e);
        o += n - e;
    }
    return o;
}
