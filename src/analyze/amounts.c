/*
** The amount finder: sums of money, percentages, measures and counts in
** Arabic news text, written in digits (Western, Arabic-Indic, Persian) or
** in words ("مئة وخمسون ألفا"), with scale words (ألف مليون مليار تريليون in
** singular, dual, plural and construct forms), fractions, hedges (نحو،
** أكثر من), currencies resolved to ISO 4217, and the context that makes a
** number something else (years, dates, times, telephone and law numbers).
** kb_analyze() calls kb__find_amounts() after entities and quotes; the
** fuzz harness and the tests call kb__amounts_scan() (amounts.h).
**
** The scan walks the tokenizer's tokens (KB_NORM_SEARCH forms, byte offsets
** into the original) through a ring of the last RING tokens, so memory stays
** constant whatever the paragraph's size: a phrase reads at most PHRASE_MAX
** tokens ahead and looks at most four tokens back. Code point offsets are
** counted incrementally as tokens arrive, so the whole scan is linear.
**
** A phrase is parsed left to right into `total` (finished scale groups)
** and `cur` (the number being built), in the way Arabic composes numbers:
** units before tens joined by و ("خمسة وعشرون"), hundreds then smaller parts
** ("مئة وخمسون"), a number times the scale word after it ("25 مليار",
** "ثلاثة ملايين"), a larger scale multiplying a smaller one ("ألف مليار").
** The dual-versus-tamyiz rule falls out of it: a dual-form scale with no
** number before it counts two ("مليارا دينار" = 2e9), after a number it is
** the accusative singular and multiplies ("عشرون مليارا" = 20e9). All the
** words (numbers, units, currencies, hedges, context) live in data/.
*/
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/amounts.h"
#include "analyze/analyze_int.h"
#include "core/lex.h"
#include "core/utf8.h"
#include "text/text_int.h"

#define RING 128      /* tokens kept: lookbehind plus the longest lookahead */
#define NORM_KEEP 64  /* longer normalized tokens never match a lexicon entry */
#define PHRASE_MAX 40 /* components in one number phrase; the next starts anew */
#define FAMILY_MAX 16 /* currency families remembered for the carry rule */
#define MAX_INT_DIGITS 18

/* One token as the scanner keeps it. */
typedef struct tk {
    int type;
    size_t b0, b1; /* bytes in the original text */
    size_t c0, c1; /* code points */
    size_t nn;     /* length of norm, 0 when the token was too long to keep */
    char norm[NORM_KEEP];
} tk;

typedef struct lexes {
    const kb_lex *words, *units, *cur, *hedges, *not, *nouns, *months;
} lexes;

/* The last explicit ISO code of each currency family ("dinar" -> "LYD"). */
typedef struct carry_entry {
    char family[16];
    char iso[8];
} carry_entry;

typedef struct carries {
    carry_entry c[FAMILY_MAX];
    size_t n;
} carries;

typedef int (*emit_fn)(void *ctx, const kb_amount *m);

typedef struct scanner {
    const lexes *L;
    kb_tokenizer *t;
    const char *p;
    size_t n;
    tk ring[RING];
    size_t ntok; /* tokens read so far */
    int eof;
    size_t at_b, at_c; /* the code point count at byte at_b */
    /* the tokens kb__find_entities made, when given: pre[0..npre) and
    ** their normalized forms in words (t then reads nothing) */
    const kb_atok *pre;
    size_t npre;
    const char *words;
    carries *carry;
    emit_fn emit;
    void *ctx;
    long paragraph;
    int rc;
    size_t label_end; /* token after the last number excluded as a label */
} scanner;

static lexes g_lexes;
static pthread_once_t g_lexes_once = PTHREAD_ONCE_INIT;

/* A filter in front of number_word, which is asked about every word and
** looks up to four forms of it: one bit per hash of the last four bytes
** (two letters) of a key of amount-words.tsv. Each form is a suffix of the
** word (only proclitics are stripped), so a word of four bytes or more
** whose last four set no bit is no number word. Off when a key is shorter
** than four bytes. */
static uint64_t g_word_ends[1024];
static int g_word_ends_on;

static unsigned word_end_bit(const char *p, size_t n) {
    uint32_t x;
    memcpy(&x, p + n - 4, 4);
    return (x * 0x9E3779B1u) >> 16;
}

static void word_ends_build(const kb_lex *lx) {
    size_t n = kb__lex_size(lx), kn;
    for (size_t i = 0; i < n; i++) {
        const char *k = kb__lex_key(lx, i, &kn);
        if (kn < 4) return; /* (g_word_ends_on stays 0) */
        unsigned b = word_end_bit(k, kn);
        g_word_ends[b >> 6] |= 1ULL << (b & 63);
    }
    g_word_ends_on = 1;
}

static void lexes_get(void) {
    lexes *L = &g_lexes;
    L->words = kb__lex_get("amount-words.tsv", KB_NORM_SEARCH);
    word_ends_build(L->words);
    L->units = kb__lex_get("units.tsv", KB_NORM_SEARCH);
    L->cur = kb__lex_get("currencies.tsv", KB_NORM_SEARCH);
    L->hedges = kb__lex_get("amount-hedges.tsv", KB_NORM_SEARCH);
    L->not = kb__lex_get("amount-not.tsv", KB_NORM_SEARCH);
    L->nouns = kb__lex_get("amount-nouns.tsv", KB_NORM_SEARCH);
    L->months = kb__lex_get("months.tsv", KB_NORM_SEARCH);
}

/* The lexicons, looked up once per process (they live as long as it). */
static void lexes_load(lexes *L) {
    pthread_once(&g_lexes_once, lexes_get);
    *L = g_lexes;
}

/* --- the token ring -------------------------------------------------------- */

/* Token i, reading ahead as needed; NULL past the end or when it has left
** the ring. A pointer stays valid until a later get() reads ahead. */
static const tk *get(scanner *s, size_t i) {
    while (s->ntok <= i && !s->eof && s->pre) {
        if (s->ntok >= s->npre) {
            s->eof = 1;
            break;
        }
        const kb_atok *a = &s->pre[s->ntok];
        tk *d = &s->ring[s->ntok % RING];
        d->type = a->type;
        d->b0 = a->b0;
        d->b1 = a->b1;
        d->c0 = a->c0;
        d->c1 = a->c1;
        d->nn = a->nn < NORM_KEEP ? a->nn : 0;
        memcpy(d->norm, s->words + a->w, d->nn);
        d->norm[d->nn] = 0;
        s->ntok++;
    }
    while (s->ntok <= i && !s->eof) {
        kb_token tok;
        if (!kb_tokenizer_next(s->t, &tok)) {
            s->eof = 1;
            break;
        }
        tk *d = &s->ring[s->ntok % RING];
        d->type = tok.type;
        d->b0 = tok.start;
        d->b1 = tok.end;
        s->at_c += kb__utf8_count(s->p + s->at_b, tok.start - s->at_b);
        d->c0 = s->at_c;
        s->at_c += kb__utf8_count(s->p + tok.start, tok.end - tok.start);
        d->c1 = s->at_c;
        s->at_b = tok.end;
        d->nn = tok.norm_n < NORM_KEEP ? tok.norm_n : 0;
        memcpy(d->norm, tok.norm, d->nn);
        d->norm[d->nn] = 0;
        s->ntok++;
    }
    if (i >= s->ntok || s->ntok - i > RING) return NULL;
    return &s->ring[i % RING];
}

static const tk *get_back(scanner *s, size_t i, size_t k) { return i >= k ? get(s, i - k) : NULL; }

static int is(const tk *t, const char *z) {
    size_t n = strlen(z);
    return t && t->nn == n && !memcmp(t->norm, z, n);
}

static int starts(const char *p, size_t n, const char *z) {
    size_t k = strlen(z);
    return n >= k && !memcmp(p, z, k);
}

/* Look a key up and copy its value (NUL-terminated) into out. */
static const char *lex_val(const kb_lex *lx, const char *p, size_t n, char *out, size_t cap) {
    size_t vn;
    if (!n) return NULL;
    const char *v = kb__lex_find(lx, p, n, &vn);
    if (!v) return NULL;
    if (vn >= cap) vn = cap - 1;
    memcpy(out, v, vn);
    out[vn] = 0;
    return out;
}

/* Split a value "a<TAB>b<TAB>c" in place into up to 3 fields. */
static int fields(char *v, char *f[3]) {
    int k = 0;
    f[0] = f[1] = f[2] = "";
    while (v && k < 3) {
        f[k++] = v;
        char *tab = strchr(v, '\t');
        if (tab) *tab++ = 0;
        v = tab;
    }
    return k;
}

/* Strip a proclitic letter from a normalized word (each is two bytes). */
static int strip_one(const char **p, size_t *n, const char *const *set) {
    for (; *set; set++)
        if (starts(*p, *n, *set)) {
            *p += 2;
            *n -= 2;
            return 1;
        }
    return 0;
}

static const char *const CONJ[] = {"و", "ف", NULL};
static const char *const PREP[] = {"ب", "ل", "ك", NULL};

/* Number of code points in the first `letters` Arabic letters (with their
** marks) of the original text at b; *bytes gets their length. Used to start
** an amount after its proclitics ("بمليار" -> "مليار"). */
static size_t skip_letters(const char *p, size_t b, size_t end, int letters, size_t *bytes) {
    size_t i = b, cps = 0, len;
    while (letters-- > 0 && i < end) {
        kb__utf8_decode((const unsigned char *)p + i, end - i, &len);
        i += len;
        cps++;
        while (i < end) {
            uint32_t u = kb__utf8_decode((const unsigned char *)p + i, end - i, &len);
            if (kb__char_class(u) != KB_CC_MARK) break;
            i += len;
            cps++;
        }
    }
    *bytes = i - b;
    return cps;
}

/* --- digits ---------------------------------------------------------------- */

typedef struct dnum {
    double v;
    int ok;         /* 0: more than MAX_INT_DIGITS integer digits */
    int seps;       /* separators seen */
    int frac;       /* has a decimal part */
    int intdigits;  /* integer digits after leading zeros */
    int lead0;      /* starts with 0 and has more integer digits */
} dnum;

static int sep_kind(uint32_t u) {
    if (u == '.') return 1;
    if (u == ',') return 2;
    if (u == 0x066B) return 3; /* ٫ Arabic decimal separator */
    if (u == 0x066C) return 4; /* ٬ Arabic thousands separator */
    return 0;
}

/*
** Parse the digits of p[b0..b1) (the tokenizer guarantees digits with inner
** separators). Which separator is the decimal point: ٫ always, ٬ never; of
** '.' and ',' the last one when both appear ("1,200.50", "1.200,50"); one
** that repeats groups thousands ("1,000,000"); a single ',' before exactly
** three digits groups ("1,200"), otherwise it is a decimal comma ("3,5"); a
** single '.' is a decimal point ("3.5", and so "1.200" = 1.2).
*/
static void parse_digits(const char *p, size_t b0, size_t b1, dnum *d) {
    int count[5] = {0};
    size_t last = (size_t)-1, len;
    int last_kind = 0, after = 0, ndig = 0;
    memset(d, 0, sizeof *d);
    for (size_t i = b0; i < b1; i += len) {
        uint32_t u = kb__utf8_decode((const unsigned char *)p + i, b1 - i, &len);
        int k = sep_kind(u);
        if (k) {
            count[k]++;
            last = i;
            last_kind = k;
            after = 0;
        } else {
            after++;
            ndig++;
        }
    }
    size_t dec = (size_t)-1;
    if (last_kind == 3) dec = last;
    else if (last_kind == 1 || last_kind == 2) {
        int other = last_kind == 1 ? count[2] : count[1];
        if (other) dec = last;
        else if (count[last_kind] > 1) dec = (size_t)-1;
        else if (last_kind == 2 && after == 3) dec = (size_t)-1;
        else dec = last;
    }
    double v = 0, scale = 0.1;
    int seen_nonzero = 0, intdig = 0, fracdig = 0, first = 1;
    for (size_t i = b0; i < b1; i += len) {
        uint32_t u = kb__utf8_decode((const unsigned char *)p + i, b1 - i, &len);
        int k = sep_kind(u);
        if (k) {
            d->seps++;
            if (i == dec) d->frac = 1;
            continue;
        }
        int dv = kb__digit_value(u);
        if (dv < 0) continue;
        if (!d->frac) {
            if (first && dv == 0) d->lead0 = 1;
            first = 0;
            intdig++;
            if (dv || seen_nonzero) {
                seen_nonzero = 1;
                d->intdigits++;
                if (d->intdigits <= MAX_INT_DIGITS) v = v * 10 + dv;
            }
        } else if (fracdig++ < 17) {
            v += dv * scale;
            scale /= 10;
        }
    }
    if (intdig < 2 || d->seps) d->lead0 = 0;
    d->ok = d->intdigits <= MAX_INT_DIGITS;
    d->v = v;
    (void)ndig;
}

/* --- number words ------------------------------------------------------------ */

enum { W_NUM = 1, W_TEEN, W_SCALE, W_FRAC, W_FRACPL };

typedef struct nword {
    int cls;
    double v;
    char form;   /* scales: 's', 'd', 'p' */
    int conj;    /* a leading و was stripped */
    int letters; /* proclitic letters stripped */
} nword;

/* A number word, as written or after a leading و (conjunction) and/or one
** of ب ل ك; these last only before words of three letters or more, so that
** "لست" ("I am not") is not ل + ست ("six"). */
static int number_word(const lexes *L, const tk *t, nword *w) {
    if (!t || t->type != KB_TOK_WORD || !t->nn) return 0;
    if (g_word_ends_on && t->nn >= 4) {
        unsigned b = word_end_bit(t->norm, t->nn);
        if (!(g_word_ends[b >> 6] >> (b & 63) & 1)) return 0;
    }
    for (int form = 0; form < 4; form++) {
        const char *p = t->norm;
        size_t n = t->nn;
        int conj = 0, letters = 0;
        if (form == 1 || form == 2) {
            if (!starts(p, n, "و")) continue;
            p += 2, n -= 2, conj = 1, letters = 1;
        }
        if (form >= 2) {
            if (!strip_one(&p, &n, PREP) || n < 6) continue;
            letters++;
        }
        char buf[64], *f[3];
        if (!lex_val(L->words, p, n, buf, sizeof buf)) continue;
        fields(buf, f);
        memset(w, 0, sizeof *w);
        if (!strcmp(f[0], "num")) w->cls = W_NUM;
        else if (!strcmp(f[0], "teen")) w->cls = W_TEEN;
        else if (!strcmp(f[0], "scale")) w->cls = W_SCALE;
        else if (!strcmp(f[0], "frac")) w->cls = W_FRAC;
        else if (!strcmp(f[0], "fracpl")) w->cls = W_FRACPL;
        else continue;
        w->v = strtod(f[1], NULL);
        w->form = f[2][0] ? f[2][0] : 's';
        w->conj = conj;
        w->letters = letters;
        return 1;
    }
    return 0;
}

/* --- the quantity ------------------------------------------------------------ */

enum { K_NONE, K_DIG, K_NUM, K_TEEN, K_SCALE, K_FRAC, K_FRACEND };

typedef struct phrase {
    size_t end;            /* token index after the last component */
    size_t first_end;      /* token index after the first component */
    size_t b0, c0, b1, c1; /* span of the quantity */
    double total, cur;
    int started, words, digits, has_scale, first_digit, bad;
    int last_kind;
    double last_comp, last_scale, last_part;
    dnum d;                /* the first number, when written in digits */
} phrase;

static int parse_quantity(scanner *s, size_t q, phrase *ph) {
    phrase saved;
    memset(&saved, 0, sizeof saved);
    memset(ph, 0, sizeof *ph);
    size_t k = q;
    for (int step = 0; step < PHRASE_MAX; step++) {
        const tk *t = get(s, k);
        if (!t) break;
        int conj = 0;
        size_t kc = k;
        if (t->type == KB_TOK_WORD && is(t, "و")) {
            if (!ph->started) break;
            conj = 1;
            kc = k + 1;
            t = get(s, kc);
            if (!t) break;
        }
        if (t->type == KB_TOK_NUMBER) {
            if (ph->started && !(conj && ph->last_kind == K_SCALE)) break;
            /* A very long number reaches us as several abutting tokens. */
            size_t b0 = t->b0, c0 = t->c0, b1 = t->b1, c1 = t->c1, kk = kc + 1;
            for (const tk *u; (u = get(s, kk)) && u->type == KB_TOK_NUMBER && u->b0 == b1; kk++)
                b1 = u->b1, c1 = u->c1;
            dnum d;
            parse_digits(s->p, b0, b1, &d);
            if (!ph->started) {
                ph->b0 = b0, ph->c0 = c0;
                ph->d = d;
                ph->first_digit = 1;
                ph->first_end = kk;
            }
            if (!d.ok) ph->bad = 1;
            ph->cur = d.v;
            ph->last_kind = K_DIG;
            ph->last_comp = d.v;
            ph->digits++;
            ph->b1 = b1, ph->c1 = c1;
            k = ph->end = kk;
            ph->started = 1;
            if (ph->bad) break;
            continue;
        }
        nword w;
        if (!number_word(s->L, t, &w)) break;
        if (w.conj && ph->started) {
            if (conj) break; /* "و وخمسة" */
            conj = 1;
        }
        int ok = 0, lk = ph->last_kind;
        double v = w.v;
        switch (w.cls) {
        case W_NUM:
            if (!ph->started) {
                ph->cur = v, ok = 1;
            } else if (!conj && lk == K_TEEN && v == 10) {
                ph->cur += 10, v = 10 + ph->last_comp, ok = 1;
            } else if (!conj && lk == K_NUM && v == 10 && ph->last_comp >= 3 && ph->last_comp <= 9) {
                ph->cur += 10, v = 10 + ph->last_comp, ok = 1; /* ثلاثة عشر */
            } else if (!conj && lk == K_NUM && v == 100 && ph->last_comp >= 1 && ph->last_comp <= 9) {
                ph->cur += ph->last_comp * 99, v = ph->last_comp * 100, ok = 1; /* ثلاث مئة */
            } else if (conj && lk == K_NUM) {
                double c = ph->last_comp;
                int ten = v >= 20 && v < 100 && fmod(v, 10) == 0;
                if ((c < 10 && ten) || (c >= 100 && fmod(c, 100) == 0 && v < 100)) ph->cur += v, ok = 1;
            } else if (conj && lk == K_SCALE) {
                ph->cur = v, ok = 1;
            }
            if (ok) ph->last_kind = K_NUM;
            break;
        case W_TEEN: /* only a number before عشر/عشرة; undone otherwise */
            if (!ph->started || (conj && (lk == K_SCALE || (lk == K_NUM && ph->last_comp >= 100)))) {
                saved = *ph;
                ph->cur += v, ok = 1;
                ph->last_kind = K_TEEN;
            }
            break;
        case W_SCALE:
            if (!ph->started) {
                if (w.form == 'p') break; /* "آلاف" alone: thousands, vague */
                v = (w.form == 'd' ? 2 : 1) * w.v;
                ph->total += v, ph->last_part = v, ok = 1;
            } else if (!conj && (lk == K_NUM || lk == K_DIG || lk == K_FRAC)) {
                if (ph->last_scale && w.v >= ph->last_scale) break;
                v = ph->cur * w.v;
                ph->total += v, ph->last_part = v, ph->cur = 0, ok = 1;
            } else if (!conj && lk == K_SCALE && w.v > ph->last_scale) {
                ph->total -= ph->last_part; /* ألف مليار */
                ph->last_part *= w.v;
                ph->total += ph->last_part, ok = 1;
            } else if (conj && lk == K_SCALE && w.v < ph->last_scale && w.form != 'p') {
                v = (w.form == 'd' ? 2 : 1) * w.v;
                ph->total += v, ph->last_part = v, ok = 1;
            }
            if (ok) {
                ph->last_kind = K_SCALE;
                ph->last_scale = w.v;
                ph->has_scale = 1;
                v = w.v;
            }
            break;
        case W_FRAC:
            if (!ph->started) { /* "نصف مليون"; undone without a scale */
                saved = *ph;
                ph->cur = v, ok = 1;
                ph->last_kind = K_FRAC;
            } else if (conj && lk == K_SCALE) {
                ph->total += v * ph->last_scale, ok = 1; /* مليار ونصف */
                ph->last_kind = K_FRACEND;
            } else if (conj && (lk == K_NUM || lk == K_DIG)) {
                ph->cur += v, ok = 1; /* ثلاثة ونصف */
                ph->last_kind = K_FRACEND;
            }
            break;
        case W_FRACPL:
            if (!conj && lk == K_NUM && ph->cur >= 1 && ph->cur <= 9) {
                ph->cur *= v, ok = 1; /* ثلاثة أرباع */
                ph->last_kind = K_FRACEND;
            }
            break;
        }
        if (!ok) break;
        if (!ph->started) {
            size_t skip;
            ph->c0 = t->c0 + skip_letters(s->p, t->b0, t->b1, w.letters, &skip);
            ph->b0 = t->b0 + skip;
            ph->first_end = kc + 1;
        }
        ph->last_comp = v;
        ph->words++;
        ph->b1 = t->b1, ph->c1 = t->c1;
        k = ph->end = kc + 1;
        ph->started = 1;
    }
    if (ph->started && (ph->last_kind == K_TEEN || ph->last_kind == K_FRAC)) *ph = saved;
    return ph->started;
}

/* --- context ---------------------------------------------------------------- */

/* The value of the word at token t in lexicon lx, as written or without
** proclitics (و ف, then ب ل ك). */
static const char *word_val(const kb_lex *lx, const tk *t, char *out, size_t cap) {
    if (!t || !t->nn) return NULL;
    const char *p = t->norm;
    size_t n = t->nn;
    if (lex_val(lx, p, n, out, cap)) return out;
    int c = strip_one(&p, &n, CONJ);
    if (c && lex_val(lx, p, n, out, cap)) return out;
    if (strip_one(&p, &n, PREP) && n >= 4 && lex_val(lx, p, n, out, cap)) return out;
    return NULL;
}

/* Join the normalized forms of tokens [i, i+k) with spaces; 0 unless all
** are kept words (letters of any script or, for k == 1, any token). */
static size_t join(scanner *s, size_t i, size_t k, char *out, size_t cap) {
    size_t w = 0;
    for (size_t j = 0; j < k; j++) {
        const tk *t = get(s, i + j);
        if (!t || !t->nn) return 0;
        if (k > 1 && t->type != KB_TOK_WORD && t->type != KB_TOK_LATIN) return 0;
        if (w + t->nn + 2 > cap) return 0;
        if (j) out[w++] = ' ';
        memcpy(out + w, t->norm, t->nn);
        w += t->nn;
    }
    out[w] = 0;
    return w;
}

/* 1 if a hedge (data/amount-hedges.tsv, "before") ends right before token h. */
static int hedge_before(scanner *s, size_t h) {
    char key[4 * NORM_KEEP + 8], val[32];
    for (size_t k = 4; k >= 1; k--) {
        if (h < k) continue;
        size_t n = join(s, h - k, k, key, sizeof key);
        if (!n) continue;
        const char *p = key;
        for (int strip = 0; strip < 3; strip++) {
            if (strip == 1 && !strip_one(&p, &n, CONJ)) continue;
            if (strip == 2 && !strip_one(&p, &n, PREP)) break;
            if (lex_val(s->L->hedges, p, n, val, sizeof val) && strstr(val, "before")) return 1;
        }
    }
    return 0;
}

static int hedge_after(scanner *s, size_t i) {
    char key[2 * NORM_KEEP + 8], val[32];
    for (size_t k = 2; k >= 1; k--) {
        size_t n = join(s, i, k, key, sizeof key);
        if (n && lex_val(s->L->hedges, key, n, val, sizeof val) && strstr(val, "after")) return 1;
    }
    return 0;
}

static int is_month(scanner *s, size_t i) {
    const tk *t = get(s, i);
    if (!t || t->type != KB_TOK_WORD) return 0;
    char key[2 * NORM_KEEP + 8], val[8];
    size_t n = join(s, i, 2, key, sizeof key);
    if (n && lex_val(s->L->months, key, n, val, sizeof val)) return 1;
    return word_val(s->L->months, get(s, i), val, sizeof val) != NULL;
}

static const char *family_iso(const carries *c, const char *family) {
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->c[i].family, family)) return c->c[i].iso;
    return NULL;
}

static void family_set(carries *c, const char *family, const char *iso) {
    size_t i = 0;
    while (i < c->n && strcmp(c->c[i].family, family)) i++;
    if (i == c->n) {
        if (c->n == FAMILY_MAX) return;
        c->n++;
    }
    snprintf(c->c[i].family, sizeof c->c[i].family, "%s", family);
    snprintf(c->c[i].iso, sizeof c->c[i].iso, "%s", iso);
}

/* The ISO code a nationality adjective gives a currency family, or NULL.
** The adjective is tried as written, then without a final ة (folded to ه)
** or ا ("ليبية", "ليبيا" in the accusative). */
static int adjective_iso(scanner *s, const tk *t, const char *family, char *iso) {
    if (!t || t->type != KB_TOK_WORD || !t->nn) return 0;
    char val[128], *f[3];
    for (int cut = 0; cut < 2; cut++) {
        size_t n = t->nn;
        if (cut) {
            if (n < 4 || !(starts(t->norm + n - 2, 2, "ه") || starts(t->norm + n - 2, 2, "ا"))) return 0;
            n -= 2;
        }
        if (!lex_val(s->L->cur, t->norm, n, val, sizeof val)) continue;
        fields(val, f);
        if (strcmp(f[0], "adj")) continue;
        size_t fl = strlen(family);
        for (char *p = f[1]; (p = strstr(p, family)); p += fl) {
            if ((p == f[1] || p[-1] == ' ') && p[fl] == '=') {
                size_t k = strcspn(p + fl + 1, " \t");
                if (k >= 8) k = 7;
                memcpy(iso, p + fl + 1, k);
                iso[k] = 0;
                return 1;
            }
        }
    }
    return 0;
}

/* --- one amount -------------------------------------------------------------- */

typedef struct unitinfo {
    const char *kind;
    char unit[16];
    int has_unit;
    size_t end;    /* token index after the unit */
    size_t b1, c1; /* span end */
} unitinfo;

/* A currency name at token i (a word, a symbol or a Latin code). */
static int currency_at(scanner *s, size_t i, char *family, char *iso) {
    const tk *t = get(s, i);
    char val[64], *f[3];
    if (!t || !lex_val(s->L->cur, t->norm, t->nn, val, sizeof val)) return 0;
    fields(val, f);
    if (strcmp(f[0], "name")) return 0;
    char *tab = strchr(f[2], '\t');
    if (tab) *tab = 0;
    snprintf(family, 16, "%s", f[1]);
    snprintf(iso, 8, "%s", strcmp(f[2], "-") ? f[2] : "");
    return 1;
}

static void find_unit(scanner *s, size_t i, unitinfo *u, carries *carry) {
    char key[3 * NORM_KEEP + 8], val[64], *f[3];
    for (size_t k = 3; k >= 1; k--) {
        size_t n = join(s, i, k, key, sizeof key);
        if (!n || !lex_val(s->L->units, key, n, val, sizeof val)) continue;
        fields(val, f);
        u->kind = !strcmp(f[0], "percent") ? "percent" : "measure";
        snprintf(u->unit, sizeof u->unit, "%s", f[1]);
        u->has_unit = 1;
        const tk *last = get(s, i + k - 1);
        u->end = i + k, u->b1 = last->b1, u->c1 = last->c1;
        return;
    }
    char family[16], iso[8];
    const tk *t = get(s, i);
    if (!currency_at(s, i, family, iso)) {
        /* "مليون إسترليني": an adjective marked "alone" names its currency. */
        if (!t || !lex_val(s->L->cur, t->norm, t->nn, val, sizeof val)) return;
        fields(val, f);
        char *eq = strchr(f[1], '=');
        if (strcmp(f[0], "adj") || strncmp(f[2], "alone", 5) || !eq) return;
        u->kind = "money";
        u->has_unit = 1;
        snprintf(u->unit, sizeof u->unit, "%.*s", (int)strcspn(eq + 1, " \t"), eq + 1);
        u->end = i + 1, u->b1 = t->b1, u->c1 = t->c1;
        return;
    }
    u->kind = "money";
    u->has_unit = 1;
    u->end = i + 1, u->b1 = t->b1, u->c1 = t->c1;
    char adj[8];
    const tk *a = get(s, i + 1);
    if (adjective_iso(s, a, family, adj)) {
        snprintf(u->unit, sizeof u->unit, "%s", adj);
        family_set(carry, family, adj);
        u->end = i + 2, u->b1 = a->b1, u->c1 = a->c1;
    } else if (iso[0]) {
        snprintf(u->unit, sizeof u->unit, "%s", iso);
    } else {
        const char *c = family_iso(carry, family);
        snprintf(u->unit, sizeof u->unit, "%s", c ? c : "");
    }
}

/* Skip the numbers of a telephone number or a date/time cluster starting at
** token i: numbers joined without spaces by / : - . (or, for telephones,
** also separated by spaces). Returns the index after it. */
static size_t skip_cluster(scanner *s, size_t i, int spaced) {
    for (;;) {
        const tk *t = get(s, i);
        if (!t || t->type != KB_TOK_NUMBER) return i;
        size_t b1 = t->b1;
        const tk *sep = get(s, i + 1), *nx = get(s, i + 2);
        if (sep && sep->type == KB_TOK_NUMBER && (spaced || sep->b0 == b1)) {
            i += 1;
            continue;
        }
        if (sep && nx && sep->b0 == b1 && nx->type == KB_TOK_NUMBER && nx->b0 == sep->b1 &&
            (is(sep, "/") || is(sep, ":") || is(sep, "-") || is(sep, "."))) {
            i += 2;
            continue;
        }
        return i + 1;
    }
}

static int emit(scanner *s, const char *kind, const char *unit, double v, int approx,
                size_t b0, size_t b1, size_t c0, size_t c1) {
    if (!(v >= 0) || v > KB_AMOUNT_MAX) return KB_OK;
    char small[256], *text = small;
    size_t n = b1 - b0;
    if (n >= sizeof small && !(text = malloc(n + 1))) return KB_ENOMEM;
    memcpy(text, s->p + b0, n);
    text[n] = 0;
    kb_amount m = {text, kind, unit, v, approx, s->paragraph, c0, c1};
    int rc = s->emit(s->ctx, &m);
    if (text != small) free(text);
    return rc;
}

/* Try an amount at token i. Returns the index of the token to look at next
** (> i). */
static size_t try_at(scanner *s, size_t i) {
    const tk *t = get(s, i);
    size_t q = i;
    int sym = 0;
    char sym_family[16], sym_iso[8];
    size_t sb0 = 0, sc0 = 0;
    if (t->type == KB_TOK_SYMBOL || t->type == KB_TOK_PUNCT || t->type == KB_TOK_LATIN) {
        const tk *nx = get(s, i + 1);
        if (!nx || nx->type != KB_TOK_NUMBER || nx->b0 - t->b1 > 1) return i + 1;
        sb0 = t->b0, sc0 = t->c0;
        if (!currency_at(s, i, sym_family, sym_iso)) return i + 1;
        sym = 1;
        q = i + 1;
        t = get(s, q);
    }
    if (t->type != KB_TOK_NUMBER && t->type != KB_TOK_WORD) return i + 1;
    if (t->type == KB_TOK_WORD) {
        nword w;
        if (!number_word(s->L, t, &w)) return i + 1;
    }

    /* Look back before reading ahead: a long number may push these out. */
    const tk *prev = get_back(s, q, 1);
    int glued = prev && prev->b1 == t->b0 && !sym;
    int prev_type = prev ? prev->type : 0;
    char prev_norm[NORM_KEEP];
    snprintf(prev_norm, sizeof prev_norm, "%s", prev ? prev->norm : "");
    int glued_code = 0; /* "كوفيد-19", "F-16", "12/3" seen from its second number */
    if (glued && (is(prev, "-") || is(prev, "/") || is(prev, ":") || is(prev, "."))) {
        const tk *pp = get_back(s, q, 2);
        glued_code = pp && pp->b1 == prev->b0 && pp->type != KB_TOK_PUNCT && pp->type != KB_TOK_SYMBOL;
    }
    char notv[32] = "";
    {
        const tk *w = prev;
        size_t back = 1;
        if (w && (is(w, "(") || is(w, ":"))) w = get_back(s, q, ++back);
        if (w && w->type == KB_TOK_WORD) word_val(s->L->not, w, notv, sizeof notv);
    }
    int month_before = prev && is_month(s, q - 1);
    /* "القرارات 1696 و1737": a number joined by و to a label is a label. */
    int label_list = q >= 1 && s->label_end && s->label_end == q - 1 && prev && is(prev, "و");
    /* "السابعة عشرة", "الحادي عشر": the عشر of an ordinal. */
    int def_before = prev && prev->type == KB_TOK_WORD && starts(prev->norm, prev->nn, "ال");
    /* "4- ..." or "1. ..." at the start of a paragraph numbers a list. */
    int list_start = q == 0;
    int approx = hedge_before(s, sym ? i : q);

    phrase ph;
    if (!parse_quantity(s, q, &ph)) return i + 1;
    size_t end = ph.end;
    double v = ph.total + ph.cur;
    if (ph.bad) return end;
    int single = ph.first_digit && ph.digits == 1 && ph.words == 0;
    int whole = single && !ph.d.frac && !ph.d.seps;

    unitinfo u = {0};
    u.end = end, u.b1 = ph.b1, u.c1 = ph.c1;
    if (sym) {
        u.kind = "money";
        u.has_unit = 1;
        const char *c = sym_iso[0] ? sym_iso : family_iso(s->carry, sym_family);
        snprintf(u.unit, sizeof u.unit, "%s", c ? c : "");
    } else {
        find_unit(s, end, &u, s->carry);
    }

    if (ph.first_digit && !sym) {
        if (glued) {
            if (prev_type == KB_TOK_WORD) {
                /* "الـ5" is an ordinal; "بـ25" a clitic; "صلة1" a name. */
                static const char *const ok[] = {"ب", "ل", "و", "ف", "ك", "وب", "ول", "فب", "فل", NULL};
                int fine = 0;
                for (const char *const *o = ok; *o; o++) fine |= !strcmp(prev_norm, *o);
                if (!fine) return ph.first_end;
            } else if (!strcmp(prev_norm, "+")) {
                return skip_cluster(s, q, 1);
            } else if (prev_type == KB_TOK_LATIN || prev_type == KB_TOK_NUMBER || glued_code ||
                       !strcmp(prev_norm, "#")) {
                return ph.first_end;
            }
        }
        const tk *nx = get(s, ph.first_end), *nx2 = get(s, ph.first_end + 1);
        const tk *first = get(s, ph.first_end - 1);
        if (nx && nx2 && first && nx->b0 == first->b1 && nx2->b0 == nx->b1 && nx2->type == KB_TOK_NUMBER &&
            (is(nx, "/") || is(nx, ":") || is(nx, "-") || is(nx, ".")))
            return skip_cluster(s, q, 0);
        if (ph.d.lead0) return skip_cluster(s, q, 1); /* 0912345678, 091 234 5678 */
        /* "23 - 06 - 2015": a spaced date has three parts with one separator. */
        const tk *nx3 = get(s, ph.first_end + 2), *nx4 = get(s, ph.first_end + 3);
        if (single && nx && nx2 && nx3 && nx4 && nx2->type == KB_TOK_NUMBER && nx4->type == KB_TOK_NUMBER &&
            (is(nx, "-") || is(nx, "/")) && nx3->nn == nx->nn && !memcmp(nx3->norm, nx->norm, nx->nn))
            return ph.first_end + 4;
        if (list_start && single && nx && nx->b0 == first->b1 && (is(nx, "-") || is(nx, ".") || is(nx, ")")))
            return end;
    }
    /* A label word ("الرحلة 50") does not hold when a unit follows the number
    ** ("كلفت الرحلة 50 دولارا"). */
    if ((!strcmp(notv, "before") || label_list) && !u.has_unit) {
        s->label_end = end;
        return end;
    }
    if (!ph.first_digit && ph.words == 1 && v == 10 && def_before) return end;
    if (!strcmp(notv, "year") && !ph.has_scale && !u.has_unit && v <= 2100 && v == floor(v)) return end;
    if (single && !u.has_unit) {
        if (month_before) return end;
        if (whole && v >= 1 && v <= 31 && is_month(s, end)) return end;
        char val[16];
        const tk *nx = get(s, end);
        if (nx && nx->type == KB_TOK_WORD && lex_val(s->L->not, nx->norm, nx->nn, val, sizeof val) &&
            !strcmp(val, "after"))
            return end + 1;
        if (whole && ph.d.intdigits == 4 && v >= 1800 && v <= 2100 && !approx &&
            !(nx && kb__lex_has(s->L->nouns, nx->norm, nx->nn)))
            return end; /* a year: "في 2018", "انتخابات 2021" */
    }
    /* One alone: "في آن واحد", "شخص واحد" say little. */
    if (!ph.first_digit && ph.words == 1 && v == 1 && !u.has_unit) return end;
    if (!approx && hedge_after(s, u.end)) approx = 1;
    if (!approx && !u.has_unit) { /* "200 شخص تقريبا" */
        const tk *nx = get(s, u.end);
        if (nx && kb__lex_has(s->L->nouns, nx->norm, nx->nn) && hedge_after(s, u.end + 1)) approx = 1;
    }

    const char *kind = u.has_unit ? u.kind : "count";
    const char *unit = u.has_unit && u.unit[0] ? u.unit : NULL;
    size_t b0 = sym ? sb0 : ph.b0, c0 = sym ? sc0 : ph.c0;
    if (!s->rc) s->rc = emit(s, kind, unit, v, approx, b0, u.b1, c0, u.c1);
    return u.end > i ? u.end : i + 1;
}

/* Scan p[0..n): its tokens from t, or pre[0..npre) (words: their forms). */
static int scan_text(const lexes *L, kb_tokenizer *t, const kb_atok *pre, size_t npre, const char *words,
                     carries *carry, const char *p, size_t n, long paragraph, emit_fn fn, void *ctx) {
    scanner *s = malloc(sizeof *s);
    if (!s) return KB_ENOMEM;
    memset(s, 0, sizeof *s);
    s->L = L, s->t = t, s->p = p, s->n = n;
    s->pre = pre, s->npre = npre, s->words = words;
    s->carry = carry, s->emit = fn, s->ctx = ctx, s->paragraph = paragraph;
    if (!pre) kb_tokenizer_reset(t, p, n);
    for (size_t i = 0; !s->rc && get(s, i);) i = try_at(s, i);
    int rc = s->rc;
    free(s);
    return rc;
}

/* --- entry points ------------------------------------------------------------- */

typedef struct cb_ctx {
    void (*cb)(void *ctx, const kb_amount *m);
    void *ctx;
} cb_ctx;

static int call_cb(void *ctx, const kb_amount *m) {
    cb_ctx *c = ctx;
    c->cb(c->ctx, m);
    return KB_OK;
}

int kb__amounts_scan(const char *p, size_t n, void (*cb)(void *ctx, const kb_amount *m), void *ctx) {
    lexes L;
    lexes_load(&L);
    kb_tokenizer *t;
    if (kb_tokenizer_new(&t, KB_NORM_SEARCH, 0)) return KB_ENOMEM;
    carries carry = {0};
    cb_ctx c = {cb, ctx};
    int rc = scan_text(&L, t, NULL, 0, NULL, &carry, p ? p : "", p ? n : 0, 0, call_cb, &c);
    kb_tokenizer_free(t);
    return rc;
}

static int add_amount(void *ctx, const kb_amount *m) { return kb__art_add_amount(ctx, m); }

/* The title, then each paragraph; the currency carry runs through the
** article in that order, so "مليارا دينار" after "25 مليار دينار ليبي" is
** in Libyan dinars. */
int kb__find_amounts(kb_xart *x, const kb_atoks *toks) {
    lexes L;
    lexes_load(&L);
    kb_tokenizer *t = NULL;
    if (!toks && kb_tokenizer_new(&t, KB_NORM_SEARCH, 0)) return KB_ENOMEM;
    static const kb_atok none; /* (a non-NULL pre when there are no tokens) */
    size_t npre = toks ? KB_NATOK(toks) : 0, k = 0;
    const kb_atok *pre = !toks ? NULL : npre ? &KB_ATOK(toks, 0) : &none;
    const char *words = toks ? toks->words.p : NULL;
    carries carry = {0};
    int rc = KB_OK;
    /* With toks, each paragraph's tokens are the run of them that carries
    ** its number (the title's -1), in order. */
    for (long i = -1; !rc && i < (long)x->a.nparagraphs; i++) {
        const char *par = i < 0 ? x->a.title : x->a.paragraphs[i];
        if (!par) continue;
        size_t a = k;
        while (k < npre && pre[k].par == i) k++;
        rc = scan_text(&L, t, pre ? pre + a : NULL, k - a, words, &carry, par, strlen(par), i, add_amount, x);
    }
    kb_tokenizer_free(t);
    return rc;
}
