/*
** The extractor for flattened pages: plain text as a scraper produced it,
** one visual line of the page per text line, with the article (title,
** byline, date, body, "اقرأ أيضا" links) mixed with the site's furniture
** (breadcrumbs, menus, share/follow/comment lines, related-article lists).
**
** It works in two phases (docs/internals/extract.md, "Flattened pages"):
**
**   1. One pass over the page collects a record per line: its span, counts
**      (words, Arabic/Latin letters, digits, commas), how it ends, what the
**      lexicons say about it (data/boilerplate.tsv, data/bylines.tsv,
**      data/datewords.tsv) and a hash to spot repeated lines.
**   2. The decision. The article body is the densest run of body-like lines
**      (long lines of Arabic sentences): each line gets a score, positive
**      for body-like lines and negative for furniture, and the run of lines
**      with the largest total score (Kadane's maximum subarray) is the body.
**      Lines before it are the header (breadcrumb, section, title, byline,
**      date); lines after it the footer. The title is the header line that
**      best shares the body's vocabulary, close to the body.
**
** Lexicons give the phrases; the line's own evidence (length, script,
** punctuation, position) makes unknown sites work. Every line is reported to
** kb__explain with its label and the evidence. Work per line is bounded
** (statistics on the first STAT_MAX bytes, lexicon matching on the first
** KEY_MAX normalized bytes), so the whole extraction is linear in the page.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/lex.h"
#include "core/utf8.h"
#include "extract/extract_int.h"
#include "text/text_int.h"

#define MAX_LINES 200000   /* a page with more lines is refused (KB_ETOOBIG) */
#define STAT_MAX 65536     /* bytes of a line used for its statistics */
#define KEY_IN_MAX 600     /* bytes of a line normalized for lexicon matching */
#define KEY_MAX (KEY_IN_MAX * 3 + 8)
#define MAX_PHRASE_WORDS 6 /* longest lexicon phrase, in words */
#define TITLE_WINDOW 20    /* header lines (non-blank) considered for the title */
#define BODY_VOCAB_WORDS 3000

/* Labels given to lines (reported through kb__explain). */
enum {
    L_BLANK,
    L_BREADCRUMB,
    L_TITLE,
    L_BYLINE,
    L_DATE,
    L_BODY,
    L_RELATED,
    L_BOILER,
    L_OTHER
};
static const char *const label_names[] = {"blank", "breadcrumb", "title", "byline", "date",
                                          "body",  "related",    "boilerplate", "other"};

/* What the lexicons say about a line. */
enum {
    K_NONE,
    K_SHARE,
    K_FOLLOW,
    K_COMMENT,
    K_RELATED,
    K_RELATED_BLOCK,
    K_FOOTER,
    K_MENU,
    K_ADS,
    K_CRUMB_ROOT,
    K_SECTION,
    K_BYLINE,  /* byline prefix ("كتب") or credit ("المصدر") */
    K_DATE,    /* a date line */
    K_CAPTION  /* a picture caption or credit */
};
static const char *const kind_names[] = {"",       "share",   "follow",        "comment",
                                         "related", "related-block", "footer", "menu",
                                         "ads",    "breadcrumb-root", "section", "byline",
                                         "date", "caption"};

/* How a line ends. */
enum { E_NONE, E_SENT, E_COLON, E_DASH, E_OTHER };

enum {
    F_BODYLIKE = 1,
    F_LATIN = 2,     /* more Latin letters than Arabic ones */
    F_NUMERIC = 4,   /* digits outnumber letters */
    F_MATCH_EXACT = 8, /* the lexicon kind matched the whole line */
    F_MATCH_PREFIX = 16,
    F_STARTS_WAW = 32, /* first word begins with و, like most continuation sentences */
    F_BULLET = 64,     /* a list item ("- ", "• ", "* ") or a URL */
    F_CREDIT = 128     /* the byline prefix is a credit ("المصدر:") */
};

typedef struct fline {
    size_t off, n;        /* trimmed span in the page */
    unsigned words, ar, lat, dig, commas;
    unsigned stops;       /* sentence stops inside the line: a lone '.', '؟' */
    unsigned keylen;      /* normalized key length (capped) */
    unsigned pay;         /* offset in the line after a matched prefix phrase */
    unsigned char end, kind, label, flags;
    int same;             /* index of the first identical line, or -1 */
    unsigned long long h; /* hash of the normalized key */
    double score;
} fline;

typedef struct lexes {
    const kb_lex *boiler, *byl, *datew;
} lexes;

/* --- character helpers ---------------------------------------------------- */

static int is_sent_end(uint32_t u) {
    return u == '.' || u == '!' || u == '?' || u == 0x061F /* ؟ */ || u == 0x2026 /* … */ ||
           u == 0x06D4;
}

static int is_quote_or_bracket(uint32_t u) {
    return u == '"' || u == '\'' || u == ')' || u == ']' || u == 0x201D || u == 0x201C ||
           u == 0xBB || u == 0xAB || u == 0x2019 || u == 0x2018;
}

static int is_comma(uint32_t u) {
    return u == ',' || u == 0x060C /* ، */ || u == 0x061B /* ؛ */ || u == ';';
}

static int is_dash(uint32_t u) {
    return u == '-' || u == 0x2013 || u == 0x2014 || u == 0x2012 || u == 0x2015;
}

/* Separators between the parts of a byline or a breadcrumb. */
static int is_part_sep(uint32_t u) {
    return is_dash(u) || u == '/' || u == '|' || u == ':' || u == '(' || u == ')' || is_comma(u) ||
           u == 0xBB || u == 0xAB || u == '>' || u == 0x203A || u == 0x2022 || u == '*';
}

/* --- the normalized key of a line ----------------------------------------- */

/*
** Normalize the start of a line for lexicon matching: KB_NORM_SEARCH folding,
** then everything that is not a letter or digit becomes one space. map[k] is
** the offset in the line of the code point that produced key byte k, so a
** match in the key can be turned back into a span of the original text.
*/
static unsigned build_key(const char *p, size_t n, char *key, unsigned *map) {
    size_t lim = n < KEY_IN_MAX ? n : KEY_IN_MAX;
    size_t i = 0;
    unsigned k = 0;
    int space = 1;
    while (i < lim) {
        size_t len;
        kb__utf8_decode((const unsigned char *)p + i, n - i, &len);
        char tmp[KB_NORMALIZE_BOUND(4)];
        size_t tn = kb_normalize_into(p + i, len, KB_NORM_SEARCH, tmp);
        size_t j = 0;
        while (j < tn) {
            size_t ul;
            uint32_t v = kb__utf8_decode((const unsigned char *)tmp + j, tn - j, &ul);
            int cc = kb__char_class(v);
            if (cc == KB_CC_ARABIC || cc == KB_CC_LATIN || cc == KB_CC_DIGIT) {
                for (size_t b = 0; b < ul; b++) {
                    key[k] = tmp[j + b];
                    map[k++] = (unsigned)i;
                }
                space = 0;
            } else if (cc != KB_CC_MARK && !space) {
                key[k] = ' ';
                map[k++] = (unsigned)i;
                space = 1;
            }
            j += ul;
        }
        i += len;
    }
    if (k && key[k - 1] == ' ') k--;
    map[k] = (unsigned)(lim);
    key[k] = 0;
    return k;
}

/* Offsets of the word starts in a key (at most cap); returns the count. */
static unsigned key_words(const char *key, unsigned kn, unsigned *ws, unsigned cap) {
    unsigned c = 0;
    for (unsigned i = 0; i < kn && c < cap; i++)
        if (key[i] != ' ' && (i == 0 || key[i - 1] == ' ')) ws[c++] = i;
    return c;
}

static unsigned word_end(const char *key, unsigned kn, unsigned s) {
    while (s < kn && key[s] != ' ') s++;
    return s;
}

static int kind_of(const char *v, size_t vn) {
    for (int k = 1; k < (int)(sizeof kind_names / sizeof *kind_names); k++)
        if (strlen(kind_names[k]) == vn && !memcmp(kind_names[k], v, vn)) return k;
    return K_NONE;
}

/* Lexicon value of key[s..e) as a string compare helper. */
static int lex_is(const kb_lex *lx, const char *key, unsigned s, unsigned e, const char *want) {
    size_t vn;
    const char *v = kb__lex_find(lx, key + s, e - s, &vn);
    return v && vn == strlen(want) && !memcmp(v, want, vn);
}

/* --- phase 1: one record per line ----------------------------------------- */

static void line_stats(const char *p, size_t n, fline *L) {
    size_t lim = n < STAT_MAX ? n : STAT_MAX;
    size_t i = 0;
    int inword = 0, wordhas = 0;
    uint32_t last = 0;
    while (i < lim) {
        size_t len;
        uint32_t u = kb__utf8_decode((const unsigned char *)p + i, lim - i, &len);
        int cc = kb__char_class(u);
        if (cc == KB_CC_SPACE) {
            if (inword && wordhas) L->words++;
            inword = wordhas = 0;
        } else {
            inword = 1;
            if (cc == KB_CC_ARABIC) L->ar++, wordhas = 1;
            else if (cc == KB_CC_LATIN) L->lat++, wordhas = 1;
            else if (cc == KB_CC_DIGIT) L->dig++, wordhas = 1;
            else if (is_comma(u)) L->commas++;
            else if ((u == '.' && last != '.' && kb__digit_value(last) < 0 && (i + 1 >= lim || p[i + 1] != '.')) ||
                     u == 0x061F)
                L->stops++;
            if (cc != KB_CC_MARK && !is_quote_or_bracket(u)) last = u;
        }
        i += len;
    }
    if (inword && wordhas) L->words++;
    if (is_sent_end(last)) L->end = E_SENT;
    else if (last == ':') L->end = E_COLON;
    else if (is_dash(last) || last == 0x0640) L->end = E_DASH;
    else if (last) L->end = E_OTHER;
    unsigned letters = L->ar + L->lat;
    if (L->lat > L->ar) L->flags |= F_LATIN;
    if (L->dig > letters) L->flags |= F_NUMERIC;
}

/* A numeric date or a time somewhere in the first bytes: 12/03/2024,
** 2024-03-12, 23-3-2021, 12:29. */
static int has_numeric_date(const char *p, size_t n) {
    size_t lim = n < 300 ? n : 300;
    for (size_t i = 0; i < lim; i++) {
        if (p[i] < '0' || p[i] > '9' || (i && p[i - 1] >= '0' && p[i - 1] <= '9')) continue;
        size_t a = i;
        while (a < lim && p[a] >= '0' && p[a] <= '9') a++;
        size_t d1 = a - i;
        if (a >= lim || d1 > 4) continue;
        char s = p[a];
        if (s == ':' && d1 <= 2 && a + 2 < lim && p[a + 1] >= '0' && p[a + 1] <= '5' &&
            p[a + 2] >= '0' && p[a + 2] <= '9')
            return 1;
        if (s != '/' && s != '-' && s != '.') continue;
        size_t b = a + 1;
        while (b < lim && p[b] >= '0' && p[b] <= '9') b++;
        size_t d2 = b - a - 1;
        if (d2 < 1 || d2 > 2 || b >= lim || p[b] != s) continue;
        size_t c = b + 1;
        while (c < lim && p[c] >= '0' && p[c] <= '9') c++;
        size_t d3 = c - b - 1;
        if ((d1 == 4 && d3 >= 1 && d3 <= 2) || (d1 <= 2 && (d3 == 4 || d3 == 2))) return 1;
    }
    return 0;
}

/*
** What the lexicons say about a line: an exact match of the whole line, a
** phrase at its start (then L->pay is where the rest begins) or, for short
** lines, a phrase inside it covering at least half of its words.
*/
static void classify_lex(const lexes *lx, const char *p, size_t n, const char *key, unsigned kn,
                         const unsigned *map, fline *L) {
    unsigned ws[64];
    unsigned nw = key_words(key, kn, ws, 64);
    size_t vn;
    const char *v;
    if (!nw) return;
    /* Whole line. */
    if ((v = kb__lex_find(lx->boiler, key, kn, &vn))) {
        L->kind = (unsigned char)kind_of(v, vn);
        L->flags |= F_MATCH_EXACT;
        L->pay = (unsigned)n;
        return;
    }
    /* A breadcrumb root, possibly glued to the section name ("الواجهة
    ** الرئيسيةشؤون دولية"): the longest root that is a byte prefix of the
    ** key, not only a word prefix. */
    if (L->words <= 12) {
        size_t best = 0;
        for (size_t i = 0; i < kb__lex_size(lx->boiler); i++) {
            size_t rn, kvn;
            const char *val = kb__lex_value(lx->boiler, i, &kvn);
            if (kind_of(val, kvn) != K_CRUMB_ROOT) continue;
            const char *root = kb__lex_key(lx->boiler, i, &rn);
            if (rn > best && rn < kn && !memcmp(key, root, rn)) best = rn;
        }
        if (best) {
            L->kind = K_CRUMB_ROOT;
            L->flags |= F_MATCH_PREFIX;
            L->pay = map[best];
            return;
        }
    }
    /* Byline prefixes ("كتب:", "بقلم") and credits ("المصدر:"): the line
    ** must be short, else it is a sentence that starts with the same verb. */
    for (unsigned w = (nw < 4 ? nw : 4); w >= 1; w--) {
        unsigned e = word_end(key, kn, ws[w - 1]);
        /* Weak prefixes ("تقرير", "متابعة") need a separator after them. */
        int sep_after = 0;
        for (unsigned b = map[e]; b < n && b < map[e] + 4; b++)
            if (p[b] == ':' || p[b] == '/' || p[b] == '-' || (unsigned char)p[b] == 0xE2) sep_after = 1;
        if ((lex_is(lx->byl, key, 0, e, "prefix") || lex_is(lx->byl, key, 0, e, "credit") ||
             (sep_after && lex_is(lx->byl, key, 0, e, "prefix-sep"))) &&
            L->words <= 14 && (L->commas == 0 || L->words <= 8) && L->end != E_SENT) {
            L->kind = K_BYLINE;
            L->flags |= F_MATCH_PREFIX;
            if (lex_is(lx->byl, key, 0, e, "credit")) L->flags |= F_CREDIT;
            L->pay = map[e];
            return;
        }
    }
    /* A phrase at the start (longest first). */
    unsigned maxw = nw < MAX_PHRASE_WORDS ? nw : MAX_PHRASE_WORDS;
    for (unsigned w = maxw; w >= 1; w--) {
        unsigned e = word_end(key, kn, ws[w - 1]);
        if ((v = kb__lex_find(lx->boiler, key, e, &vn))) {
            int k = kind_of(v, vn);
            /* "اقرأ أيضا: <title>" may be long; other kinds only on short lines. */
            if (k == K_RELATED || k == K_CRUMB_ROOT || L->words <= 2 * w + 3) {
                L->kind = (unsigned char)k;
                L->flags |= F_MATCH_PREFIX;
                L->pay = map[e];
                return;
            }
        }
    }
    /* A phrase inside a short line, covering at least half of it (captions:
    ** anywhere in a line of up to 30 words). */
    if (L->words <= 30) {
        for (unsigned s = 0; s < nw; s++) {
            for (unsigned w = MAX_PHRASE_WORDS; w >= 1; w--) {
                if (s + w > nw) continue;
                unsigned e = word_end(key, kn, ws[s + w - 1]);
                if ((v = kb__lex_find(lx->boiler, key + ws[s], e - ws[s], &vn))) {
                    int k = kind_of(v, vn);
                    if (k == K_SECTION || k == K_CRUMB_ROOT || k == K_RELATED) continue;
                    if (k != K_CAPTION && L->words > 12) continue;
                    if (k == K_CAPTION || 2 * w >= nw || (w >= 2 && nw <= 8)) {
                        L->kind = (unsigned char)k;
                        L->pay = (unsigned)n;
                        return;
                    }
                }
            }
        }
    }
    /* A date line: month or weekday names or a numeric date, and few other
    ** words ("الثلاثاء 20 يناير 2026 12:29 م", "نشر في: 13 يوليو 2021"). */
    if (L->words <= 14) {
        int datey = has_numeric_date(p, n);
        unsigned other = 0;
        for (unsigned s = 0; s < nw; s++) {
            unsigned e = word_end(key, kn, ws[s]);
            if (key[ws[s]] >= '0' && key[ws[s]] <= '9') continue;
            if ((v = kb__lex_find(lx->datew, key + ws[s], e - ws[s], &vn))) {
                if (vn == 5 && !memcmp(v, "month", 5)) datey = 1;
                continue;
            }
            /* Two-word names: "كانون الثاني", "نشر في". */
            if (s + 1 < nw && kb__lex_has(lx->datew, key + ws[s], word_end(key, kn, ws[s + 1]) - ws[s])) {
                s++;
                continue;
            }
            other++;
        }
        if (datey && (other <= 2 || (other <= 4 && other * 2 <= nw))) {
            L->kind = K_DATE;
            L->pay = 0;
        }
    }
}

/* --- decisions ------------------------------------------------------------ */

static int is_boiler_kind(int k) {
    return k == K_CAPTION || k == K_SHARE || k == K_FOLLOW || k == K_COMMENT || k == K_FOOTER || k == K_MENU || k == K_ADS;
}

/* A body-like line: Arabic sentences of some length. */
static int body_like(const fline *L) {
    if (L->flags & (F_LATIN | F_NUMERIC)) return 0;
    if (is_boiler_kind(L->kind) || L->kind == K_RELATED || L->kind == K_RELATED_BLOCK) return 0;
    if (L->kind == K_DATE || (L->kind == K_BYLINE && L->words < 15)) return 0;
    /* A long line without a comma or a final stop is a ticker of headlines. */
    return L->words >= 8 && (L->commas > 0 || L->end == E_SENT || L->stops > 0);
}

/* The score of a line for the body run. */
static double line_score(const fline *L) {
    if (!L->n) return 0;
    if (L->kind == K_COMMENT || L->kind == K_RELATED_BLOCK) return -1000; /* the article ended */
    if (L->flags & F_BODYLIKE) {
        double w = L->words < 60 ? L->words : 60;
        return L->same >= 0 ? 0 : 2 + w / 6;
    }
    if (L->kind == K_RELATED) return 0;
    if (is_boiler_kind(L->kind)) return -4;
    if (L->kind == K_DATE || L->kind == K_BYLINE || L->kind == K_CRUMB_ROOT) return -2;
    if (L->flags & (F_LATIN | F_NUMERIC)) return -2;
    if (L->same >= 0) return -1.5;
    if (L->words >= 4) return -0.5;
    return -1.5;
}

/* Strip leading separators, spaces and quotes from a span. */
static void trim_seps(const char **p, size_t *n) {
    while (*n) {
        size_t len;
        uint32_t u = kb__utf8_decode((const unsigned char *)*p, *n, &len);
        if (kb__char_class(u) == KB_CC_SPACE || is_part_sep(u) || u == 0x0640 || u == '.' ||
            (kb__char_class(u) == KB_CC_MARK)) {
            *p += len;
            *n -= len;
        } else {
            break;
        }
    }
    /* Trailing spaces and separators. */
    while (*n) {
        size_t i = *n - 1;
        while (i > 0 && ((unsigned char)(*p)[i] & 0xC0) == 0x80) i--;
        size_t len;
        uint32_t u = kb__utf8_decode((const unsigned char *)*p + i, *n - i, &len);
        if (kb__char_class(u) == KB_CC_SPACE || is_part_sep(u) || u == 0x0640) *n = i;
        else break;
    }
}

/* Count words (space-separated) of a short span. */
static unsigned span_words(const char *p, size_t n) {
    unsigned c = 0;
    int in = 0;
    for (size_t i = 0; i < n; i++) {
        int sp = p[i] == ' ' || p[i] == '\t';
        if (!sp && !in) c++;
        in = !sp;
    }
    return c;
}

/* P_OUTLET: looks like an outlet name (one word, starts with ال); P_MEDIA:
** surely an outlet (an outlet word, quoted, Latin). */
enum { P_NONE, P_PERSON, P_OUTLET, P_MEDIA, P_PLACE, P_AGENCY, P_SKIP, P_DATE };

/* What a part of a byline names: a person, an outlet, a place, an agency. */
static int part_type(const lexes *lx, const char *p, size_t n, int after_prefix) {
    char key[KEY_MAX];
    unsigned map[KEY_MAX + 1];
    unsigned kn = build_key(p, n, key, map);
    unsigned ws[16];
    unsigned nw = key_words(key, kn, ws, 16);
    if (!nw) return P_NONE;
    size_t vn;
    const char *v = kb__lex_find(lx->byl, key, kn, &vn);
    if (v) {
        if (vn == 6 && !memcmp(v, "agency", 6)) return P_AGENCY;
        if (vn == 5 && !memcmp(v, "place", 5)) return P_PLACE;
        if (vn == 4 && !memcmp(v, "skip", 4)) return P_SKIP;
        if (vn == 6 && !memcmp(v, "credit", 6)) return P_SKIP;
        if (vn == 11 && !memcmp(v, "outlet-word", 11)) return P_OUTLET;
    }
    if (has_numeric_date(p, n)) return P_DATE;
    for (unsigned s = 0; s < nw; s++)
        if (lex_is(lx->datew, key, ws[s], word_end(key, kn, ws[s]), "month")) return P_DATE;
    if (nw > 4) return P_NONE;
    /* "في صنعاء": a place phrase. */
    if (word_end(key, kn, ws[0]) - ws[0] == 4 && !memcmp(key, "\xd9\x81\xd9\x8a", 4)) return P_PLACE;
    int latin_or_digit = 0, quoted = 0, letters = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) latin_or_digit = 1;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0xD8) letters = 1;
        if (c == 0xC2 && i + 1 < n && ((unsigned char)p[i + 1] == 0xAB || (unsigned char)p[i + 1] == 0xBB)) quoted = 1;
        if (c == '"') quoted = 1;
    }
    for (unsigned s = 0; s < nw; s++) {
        unsigned e = word_end(key, kn, ws[s]);
        if (lex_is(lx->byl, key, ws[s], e, "outlet-word") || lex_is(lx->byl, key, ws[s], e, "agency"))
            return P_MEDIA;
        if (s + 1 < nw && lex_is(lx->byl, key, ws[s], word_end(key, kn, ws[s + 1]), "outlet-word"))
            return P_MEDIA;
    }
    if (!letters) return P_NONE;
    if (quoted || (latin_or_digit && nw <= 2)) return P_MEDIA;
    if (latin_or_digit) return P_NONE;
    if (after_prefix) return P_PERSON;
    if (nw == 1) return P_OUTLET;
    /* Outlet names usually carry the article ("الشرق الأوسط"); personal names
    ** rarely start with it. */
    if (kn >= 4 && !memcmp(key, "\xd8\xa7\xd9\x84", 4)) return P_OUTLET;
    return P_PERSON;
}

/*
** Read a byline: the text after a prefix ("كتب: محمود البدوي") or a whole
** "source – author" line. Parts are split at dashes, slashes, bars, commas
** and colons; each becomes the source, an author, or is skipped. Returns the
** number of authors and sources found, or -1 on out-of-memory. With commit
** 0 it only counts (to decide whether a line is a byline).
*/
static int read_byline(kb_xart *x, const lexes *lx, const char *p, size_t n, int after_prefix,
                       int commit, int *persons, int *unknown) {
    int found = 0;
    size_t i = 0, start = 0;
    *persons = 0;
    *unknown = 0;
    while (i <= n) {
        size_t len = 1;
        uint32_t u = 0;
        int sep = 1;
        if (i < n) {
            u = kb__utf8_decode((const unsigned char *)p + i, n - i, &len);
            /* A tatweel is a dash only between spaces ("المحرر ـ علي"). */
            sep = (is_part_sep(u) && u != 0xBB && u != 0xAB) ||
                  (u == 0x0640 && i > 0 && p[i - 1] == ' ' && i + len < n && p[i + len] == ' ');
        }
        if (sep) {
            const char *s = p + start;
            size_t sn = i - start;
            trim_seps(&s, &sn);
            if (sn) {
                if (span_words(s, sn) > 5) { /* the body is glued on */
                    (*unknown)++;
                    return found;
                }
                int t = part_type(lx, s, sn, after_prefix == 1);
                int rc = KB_OK;
                if (t == P_NONE) (*unknown)++;
                /* After "المصدر:" only agencies and sure outlets count. */
                if (after_prefix == 2 && (t == P_PERSON || t == P_OUTLET)) t = P_SKIP;
                if (t == P_PERSON || t == P_AGENCY) {
                    found++;
                    if (t == P_PERSON) (*persons)++;
                    if (commit) rc = kb__art_add_author(x, s, sn);
                } else if (t == P_OUTLET || t == P_MEDIA) {
                    if (t == P_MEDIA || after_prefix) found++;
                    if (commit && !x->a.source) rc = kb__art_set(x, &x->a.source, s, sn);
                }
                if (rc) return -1;
            }
            start = i + len;
        }
        i += len;
    }
    return found;
}

/* The first segment after a breadcrumb root, as the section name. */
static int take_section(kb_xart *x, const char *p, size_t n) {
    trim_seps(&p, &n);
    size_t i = 0;
    while (i < n) {
        size_t len;
        uint32_t u = kb__utf8_decode((const unsigned char *)p + i, n - i, &len);
        if (is_part_sep(u) && u != ':' ) break;
        i += len;
    }
    const char *s = p;
    size_t sn = i;
    trim_seps(&s, &sn);
    if (!sn || span_words(s, sn) > 5) return KB_OK;
    return x->a.section ? KB_OK : kb__art_set(x, &x->a.section, s, sn);
}

/* --- body vocabulary for choosing the title -------------------------------- */

typedef struct vocab {
    unsigned long long slot[8192];
    unsigned n;
} vocab;

/* Drop the article and common proclitics so "والحكومة" meets "الحكومة". */
static void core_word(const char *w, size_t n, const char **cw, size_t *cn) {
    static const char *const pre[] = {"\xd9\x88\xd8\xa7\xd9\x84", "\xd8\xa8\xd8\xa7\xd9\x84",
                                      "\xd9\x81\xd8\xa7\xd9\x84", "\xd9\x83\xd8\xa7\xd9\x84",
                                      "\xd9\x84\xd9\x84", "\xd8\xa7\xd9\x84", "\xd9\x88"};
    for (size_t i = 0; i < sizeof pre / sizeof *pre; i++) {
        size_t k = strlen(pre[i]);
        if (n >= k + 6 && !memcmp(w, pre[i], k)) {
            w += k;
            n -= k;
            break;
        }
    }
    *cw = w;
    *cn = n;
}

static int vocab_op(vocab *v, const char *w, size_t n, int add) {
    unsigned long long h = kb__hash(w, n) | 1;
    size_t i = (size_t)h & 8191;
    while (v->slot[i]) {
        if (v->slot[i] == h) return 1;
        i = (i + 1) & 8191;
    }
    if (add && v->n < 4096) {
        v->slot[i] = h;
        v->n++;
    }
    return 0;
}

/* Content words of a line: at least 3 letters (6 bytes of Arabic). */
static void vocab_line(vocab *v, const char *p, size_t n, int add, unsigned *total, unsigned *hit) {
    char key[KEY_MAX];
    unsigned map[KEY_MAX + 1];
    unsigned kn = build_key(p, n, key, map);
    unsigned ws[128];
    unsigned nw = key_words(key, kn, ws, 128);
    for (unsigned s = 0; s < nw; s++) {
        unsigned e = word_end(key, kn, ws[s]);
        const char *cw;
        size_t cn;
        core_word(key + ws[s], e - ws[s], &cw, &cn);
        if (cn < 6) continue;
        if (add) {
            vocab_op(v, cw, cn, 1);
        } else {
            (*total)++;
            *hit += (unsigned)vocab_op(v, cw, cn, 0);
        }
    }
}

/* --- the extractor -------------------------------------------------------- */

typedef struct ctx {
    const char *page;
    fline *L;
    size_t nl;
    const kb_extract_opts *o;
    kb_xart *x;
    lexes lx;
    char why[256];
} ctx;

static void explain(ctx *c, size_t i, const char *reason) {
    const fline *L = &c->L[i];
    if (!c->o || !c->o->explain) return;
    unsigned letters = L->ar + L->lat;
    if (L->label == L_BLANK) {
        kb__explain(c->o, "blank", "empty line", c->page + L->off, L->n);
        return;
    }
    snprintf(c->why, sizeof c->why, "%s; %u words, %u%% Arabic letters%s%s%s%s%s%s", reason, L->words,
             letters ? 100 * L->ar / letters : 0, L->commas || L->end == E_SENT ? ", sentence punctuation" : "",
             L->kind ? ", lexicon: " : "", L->kind ? kind_names[L->kind] : "",
             L->same >= 0 ? ", repeats an earlier line" : "", L->flags & F_LATIN ? ", mostly Latin" : "",
             L->flags & F_NUMERIC ? ", mostly digits" : "");
    kb__explain(c->o, label_names[L->label], c->why, c->page + L->off, L->n);
}

/* A scraper's "date YYYY-MM-DD " marker at the start of the first line. */
static size_t date_marker(const char *p, size_t n, char *iso) {
    if (n < 16 || memcmp(p, "date ", 5)) return 0;
    const char *d = p + 5;
    for (int i = 0; i < 10; i++) {
        int want_dash = i == 4 || i == 7;
        if (want_dash ? d[i] != '-' : (d[i] < '0' || d[i] > '9')) return 0;
    }
    memcpy(iso, d, 10);
    iso[10] = 0;
    size_t k = 15;
    while (k < n && (p[k] == ' ' || p[k] == '\t')) k++;
    return k;
}

static void set_date(ctx *c, const char *p, size_t n) {
    char out[48];
    if (c->x->a.published) return;
    if (kb__parse_date(p, n < 400 ? n : 400, out) == 1) kb__art_set(c->x, &c->x->a.published, out, strlen(out));
}

/* Split the page into trimmed lines and fill the records. */
static int collect(ctx *c, const char *p, size_t n) {
    size_t cap = 0;
    char key[KEY_MAX];
    unsigned map[KEY_MAX + 1];
    size_t i = 0;
    while (i < n) {
        const char *eol = memchr(p + i, '\n', n - i);
        size_t e = eol ? (size_t)(eol - p) : n;
        if (c->nl == MAX_LINES) {
            snprintf(c->x->errmsg, sizeof c->x->errmsg, "flattened page has more than %d lines", MAX_LINES);
            return KB_ETOOBIG;
        }
        if (c->nl == cap) {
            size_t nc = cap ? cap * 2 : 256;
            fline *nl = realloc(c->L, nc * sizeof *nl);
            if (!nl) return KB_ENOMEM;
            c->L = nl;
            cap = nc;
        }
        fline *L = &c->L[c->nl++];
        memset(L, 0, sizeof *L);
        L->same = -1;
        /* Trim spaces (ASCII and Unicode) and invisible controls at both ends. */
        size_t s = i, t = e;
        while (s < t) {
            size_t len;
            uint32_t u = kb__utf8_decode((const unsigned char *)p + s, t - s, &len);
            if (!kb__is_space(u) && !kb__is_control(u)) break;
            s += len;
        }
        while (t > s) {
            size_t b = t - 1;
            while (b > s && ((unsigned char)p[b] & 0xC0) == 0x80 && t - b < 4) b--;
            size_t len;
            uint32_t u = kb__utf8_decode((const unsigned char *)p + b, t - b, &len);
            if (b + len != t) u = KB_REPLACEMENT; /* a broken sequence: keep it */
            if (!kb__is_space(u) && !kb__is_control(u)) break;
            t = b;
        }
        if (c->nl == 1) {
            char iso[16];
            size_t k = date_marker(p + s, t - s, iso);
            if (k) {
                kb__art_set(c->x, &c->x->a.published, iso, 10);
                s += k;
            }
        }
        L->off = s;
        L->n = t - s;
        i = e + 1;
        if (!L->n) continue;
        line_stats(p + s, L->n, L);
        unsigned kn = build_key(p + s, L->n, key, map);
        L->keylen = kn;
        if (!kn) {
            L->flags |= F_NUMERIC; /* only symbols */
            continue;
        }
        L->h = kb__hash(key, kn) ^ ((unsigned long long)L->n << 40);
        classify_lex(&c->lx, p + s, L->n, key, kn, map, L);
        if (key[0] == '\xd9' && key[1] == '\x88' && kn > 2 && key[2] != ' ') L->flags |= F_STARTS_WAW;
        {
            const unsigned char *q = (const unsigned char *)p + s;
            if (q[0] == '-' || q[0] == '*' || q[0] == '[' || (L->n >= 3 && q[0] == 0xE2 && q[1] == 0x80 && q[2] == 0xA2) ||
                (L->n >= 3 && q[0] == 0xE2 && q[1] == 0x97 && q[2] == 0x8F))
                L->flags |= F_BULLET;
            for (size_t k = 0; k + 3 <= L->n && k < 400; k++)
                if (q[k] == ':' && q[k + 1] == '/' && q[k + 2] == '/') L->flags |= F_BULLET;
        }
    }
    return KB_OK;
}

/* Mark repeated lines (same normalized key) with the index of the first one. */
static int mark_repeats(ctx *c) {
    size_t ns = 64;
    while (ns < c->nl * 2) ns *= 2;
    size_t *slot = calloc(ns, sizeof *slot);
    if (!slot) return KB_ENOMEM;
    for (size_t i = 0; i < c->nl; i++) {
        fline *L = &c->L[i];
        if (!L->keylen) continue;
        size_t h = (size_t)L->h & (ns - 1);
        for (;;) {
            if (!slot[h]) {
                slot[h] = i + 1;
                break;
            }
            fline *F = &c->L[slot[h] - 1];
            if (F->h == L->h && F->keylen == L->keylen) {
                L->same = (int)(slot[h] - 1);
                break;
            }
            h = (h + 1) & (ns - 1);
        }
    }
    free(slot);
    return KB_OK;
}

/* The densest run of body lines: maximum-sum contiguous run of scores. */
static void body_run(ctx *c, size_t *bs, size_t *be) {
    double best = 0, cur = 0;
    size_t cs = 0;
    *bs = *be = (size_t)-1;
    for (size_t i = 0; i < c->nl; i++) {
        double s = c->L[i].score;
        if (cur <= 0) {
            if (s <= 0) continue;
            cur = 0;
            cs = i;
        }
        cur += s;
        if (cur > best) {
            best = cur;
            *bs = cs;
            *be = i;
        }
    }
}

/* Is line i a plausible title? (Before scoring by vocabulary.) */
static int title_shape(const fline *L) {
    if (!L->n || L->same >= 0) return 0;
    if (L->kind != K_NONE || (L->flags & F_BULLET)) return 0;
    if (L->flags & (F_LATIN | F_NUMERIC)) return 0;
    if (L->words < 3 || L->words > 35) return 0;
    if (L->end == E_COLON || L->end == E_DASH) return 0;
    return 1;
}

int kb__extract_flat(const char *p, size_t n, const kb_extract_opts *o, kb_xart *x) {
    ctx c;
    memset(&c, 0, sizeof c);
    c.page = p;
    c.o = o;
    c.x = x;
    c.lx.boiler = kb__lex_get("boilerplate.tsv", KB_NORM_SEARCH);
    c.lx.byl = kb__lex_get("bylines.tsv", KB_NORM_SEARCH);
    c.lx.datew = kb__lex_get("datewords.tsv", KB_NORM_SEARCH);
    int rc = collect(&c, p, n);
    if (!rc) rc = mark_repeats(&c);
    if (rc) {
        free(c.L);
        return rc;
    }
    const char **reason = calloc(c.nl ? c.nl : 1, sizeof *reason);
    vocab *voc = calloc(1, sizeof *voc);
    if (!reason || !voc) {
        free(reason);
        free(voc);
        free(c.L);
        return KB_ENOMEM;
    }

    /* Scores and the body run. */
    for (size_t i = 0; i < c.nl; i++) {
        fline *L = &c.L[i];
        if (body_like(L)) L->flags |= F_BODYLIKE;
        L->score = line_score(L);
    }
    size_t bs, be;
    body_run(&c, &bs, &be);
    if (bs == (size_t)-1) {
        /* No sentence punctuation anywhere: a page scraped into one or two
        ** long lines. Take the long Arabic lines as the body. */
        for (size_t i = 0; i < c.nl; i++) {
            fline *L = &c.L[i];
            if (L->words >= 25 && L->kind == K_NONE && !(L->flags & (F_LATIN | F_NUMERIC)) && L->same < 0) {
                L->flags |= F_BODYLIKE;
                L->score = 2 + (L->words < 60 ? L->words : 60) / 6.0;
            }
        }
        body_run(&c, &bs, &be);
    }
    int have_body = bs != (size_t)-1;

    /* Label the lines of the run. */
    int related_mode = 0;
    unsigned related_items = 0;
    for (size_t i = 0; i < c.nl; i++) {
        fline *L = &c.L[i];
        int in_run = have_body && i >= bs && i <= be;
        int after = have_body && i > be;
        if (!L->n) {
            L->label = L_BLANK;
            continue;
        }
        /* Related lists: after "اقرأ أيضا" alone or a related-block header,
        ** the next short lines are titles. */
        if (L->kind == K_RELATED || L->kind == K_RELATED_BLOCK) {
            const char *rest = p + L->off + L->pay;
            size_t rn = L->n - L->pay;
            trim_seps(&rest, &rn);
            L->label = L_RELATED;
            if (L->kind == K_RELATED && rn && span_words(rest, rn) >= 2) {
                reason[i] = "related-article link (marker phrase, title follows)";
                related_mode = 0;
            } else {
                reason[i] = "related-articles header";
                related_mode = 1;
                related_items = 0;
                L->pay = (unsigned)L->n; /* nothing to add */
            }
            continue;
        }
        if (related_mode) {
            if ((L->flags & F_BODYLIKE) && !after) {
                related_mode = 0;
            } else if (L->kind == K_NONE && !(L->flags & (F_NUMERIC | F_LATIN)) && L->words >= 3 &&
                       L->words <= 30 && L->same < 0 && related_items < 12) {
                L->label = L_RELATED;
                L->kind = K_RELATED;
                L->pay = 0;
                related_items++;
                reason[i] = "title in a related-articles list";
                continue;
            } else if (L->kind != K_NONE || L->words >= 3) {
                if (L->kind != K_NONE) related_mode = 0;
            }
        }
        if (is_boiler_kind(L->kind)) {
            L->label = L_BOILER;
            reason[i] = "boilerplate phrase";
            continue;
        }
        if (L->kind == K_DATE) {
            L->label = L_DATE;
            reason[i] = "date line (month/weekday names or numeric date, few other words)";
            continue;
        }
        if (in_run && (L->flags & F_BODYLIKE)) {
            L->label = L->same >= 0 ? L_OTHER : L_BODY;
            reason[i] = L->same >= 0 ? "repeats an earlier body line" : "body-like line in the main block";
            continue;
        }
        if (in_run && L->kind == K_NONE && L->same < 0 && !(L->flags & (F_LATIN | F_NUMERIC)) &&
            L->words <= 20 && i != bs && i != be) {
            L->label = L_BODY;
            reason[i] = "short line inside the main block (subheading)";
            continue;
        }
        L->label = L_OTHER;
        reason[i] = in_run ? "furniture inside the main block" : after ? "after the main block" : "before the main block";
    }

    /* Header: breadcrumb, section, bylines, dates; then the title. */
    size_t hdr_end = have_body ? bs : c.nl;
    for (size_t i = 0; i < c.nl && !rc; i++) {
        fline *L = &c.L[i];
        if (L->label == L_RELATED || L->label == L_BODY || L->label == L_BLANK) continue;
        const char *lp = p + L->off;
        int near_body = have_body && i > be && i <= be + 6;
        if (L->kind == K_CRUMB_ROOT && i < hdr_end) {
            L->label = L_BREADCRUMB;
            reason[i] = "breadcrumb (starts with the home label)";
            rc = take_section(x, lp + L->pay, L->n - L->pay);
        } else if (L->kind == K_SECTION && i < hdr_end) {
            L->label = L_BREADCRUMB;
            reason[i] = "section name alone on a line";
            if (!x->a.section) rc = kb__art_set(x, &x->a.section, lp, L->n);
        } else if (L->kind == K_BYLINE && (i < hdr_end || near_body || L->words <= 6)) {
            int persons, unknown;
            int got = read_byline(x, &c.lx, lp + L->pay, L->n - L->pay, L->flags & F_CREDIT ? 2 : 1, 1, &persons,
                                  &unknown);
            if (got < 0) rc = KB_ENOMEM;
            L->label = L_BYLINE;
            reason[i] = "byline (prefix phrase)";
        } else if (L->label == L_DATE) {
            set_date(&c, lp, L->n);
        } else if (L->label == L_OTHER && L->kind == K_NONE && (i < hdr_end || near_body) && L->words <= 9 &&
                   L->end != E_SENT && L->same < 0 && !(L->flags & (F_LATIN | F_BULLET))) {
            /* "كيوبوست – أحمد عدلي", "أبوظبي - العرب اليوم", "إيمان محمد -". */
            int has_sep = 0;
            for (size_t k = 0; k < L->n; k++) {
                unsigned char ch = (unsigned char)lp[k];
                if (ch == '-' || ch == '/' || ch == '|' ||
                    (ch == 0xE2 && k + 2 < L->n && (unsigned char)lp[k + 1] == 0x80 &&
                     ((unsigned char)lp[k + 2] == 0x93 || (unsigned char)lp[k + 2] == 0x94)) ||
                    (ch == 0xD9 && k + 1 < L->n && (unsigned char)lp[k + 1] == 0x80 && k && lp[k - 1] == ' '))
                    has_sep = 1;
            }
            int persons, unknown;
            /* Every part must be a name, a place or a credit, and one of them
            ** surely so: two one-word names ("ضمك - النجمة") are not enough. */
            if (has_sep && read_byline(x, &c.lx, lp, L->n, 0, 0, &persons, &unknown) >= 1 && !unknown) {
                int got = read_byline(x, &c.lx, lp, L->n, 0, 1, &persons, &unknown);
                if (got < 0) rc = KB_ENOMEM;
                L->label = L_BYLINE;
                reason[i] = "byline (short line of names split by dashes or slashes)";
            }
        }
    }

    /* Body vocabulary, then the title among the header lines near the body. */
    if (!rc && have_body) {
        unsigned words = 0;
        for (size_t i = bs; i <= be && words < BODY_VOCAB_WORDS; i++) {
            if (c.L[i].label != L_BODY) continue;
            vocab_line(voc, p + c.L[i].off, c.L[i].n, 1, NULL, NULL);
            words += c.L[i].words;
        }
    }
    long best = -1;
    double best_score = 0;
    if (!rc) {
        unsigned seen = 0;
        size_t from = have_body ? bs : c.nl;
        for (size_t j = from; j-- > 0 && seen < TITLE_WINDOW;) {
            fline *L = &c.L[j];
            if (!L->n) continue;
            seen++;
            if (L->label != L_OTHER || !title_shape(L)) continue;
            unsigned total = 0, hit = 0;
            vocab_line(voc, p + L->off, L->n, 0, &total, &hit);
            double overlap = total ? (double)hit / total : 0;
            double s = 3 * overlap - 0.12 * (seen - 1);
            if (L->words >= 4 && L->words <= 22) s += 0.75;
            s += 0.04 * (L->words < 15 ? L->words : 15); /* headings beat short tags */
            if (L->end == E_SENT) s -= 0.75;
            if (L->commas > 1) s -= 0.5;
            /* A title is often shown twice or three times (page title, heading). */
            for (size_t k = j + 1; k < c.nl && k < j + 40; k++)
                if (c.L[k].same == (int)j) {
                    s += 0.75;
                    break;
                }
            if (!have_body) s = L->words >= 4 ? 1 - 0.25 * (seen - 1) : 0;
            if (s > best_score) {
                best_score = s;
                best = (long)j;
            }
        }
        /* No header candidate: the first line of the run may be the title
        ** when it reads like one (short, no final period, not a "و..." sentence). */
        if (best < 0 && have_body && bs < be) {
            fline *L = &c.L[bs];
            if (L->label == L_BODY && L->words <= 20 && L->end != E_SENT && !(L->flags & F_STARTS_WAW) &&
                L->commas == 0) {
                best = (long)bs;
                best_score = 1;
            }
        }
        if (best >= 0 && best_score >= 0.5) {
            fline *L = &c.L[best];
            L->label = L_TITLE;
            reason[best] = "title: header line sharing the body's vocabulary, near the body";
            rc = kb__art_set(x, &x->a.title, p + L->off, L->n);
        }
    }

    /* Emit in page order: paragraphs, related links, explanations. */
    for (size_t i = 0; i < c.nl && !rc; i++) {
        fline *L = &c.L[i];
        if (L->label == L_BODY) {
            rc = kb__art_add_paragraph(x, p + L->off, L->n);
        } else if (L->label == L_RELATED && L->pay < L->n) {
            const char *rest = p + L->off + L->pay;
            size_t rn = L->n - L->pay;
            trim_seps(&rest, &rn);
            if (rn) rc = kb__art_add_related(x, rest, rn, NULL, 0);
        } else if (L->label == L_OTHER && L->same >= 0 && c.L[L->same].label != L_OTHER &&
                   c.L[L->same].label != L_BODY) {
            L->label = c.L[L->same].label == L_TITLE ? L_OTHER : c.L[L->same].label;
            reason[i] = "repeats an earlier line";
        }
        explain(&c, i, reason[i] ? reason[i] : "");
    }
    free(reason);
    free(voc);
    free(c.L);
    return rc;
}
