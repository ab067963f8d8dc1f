/*
** Quotes: who said what. kb__find_quotes() reads the paragraphs of an
** article in order and records every statement it can attribute: reported
** speech ("قال X إن ...", "وأضاف أن ...", "مؤكدًا أنه ..."), quoted speech
** («...» after or before a speech verb) and attributions ("بحسب X",
** "وفقًا لـ X"). It runs after the entity finder and uses its PER entities
** as extra evidence for names, but works from the text alone when there are
** none.
**
** The algorithm is one left-to-right pass over the tokens of each paragraph
** with a little state: the statement being read (open until the sentence
** ends or a new speech verb takes over) and the current speaker (who an
** omitted subject or a participle refers to). At each speech verb a bounded
** look-ahead (WINDOW tokens) reads the speaker mention, an apposition
** between commas and parentheticals up to the complementizer إن/أن, a colon
** or an opening quote. Every look-ahead is bounded and the scan resumes
** after what it consumed, so the pass is linear in the paragraph.
**
** Speakers are resolved against a small per-article registry of persons:
** a mention is split into title/role words and a name ("اللواء أحمد
** المسماري" -> role "اللواء", name "أحمد المسماري"); a later surname alone
** ("المسماري") finds the person, and so does a role phrase the article
** attached to them ("الناطق باسم ..." in an apposition), also when worded
** with a synonym ("المتحدث باسم الجيش الليبي"). Quotes are collected first
** and added to the article at the end, so each one carries the fullest name
** the article gave its speaker, even one it learned later.
**
** Facts live in data/: speech-verbs.tsv (verbs, participles, attribution
** phrases), quote-words.tsv (complementizers, mention stop words, anonymous
** sources) and speaker-titles.tsv (titles and roles with synonym classes).
*/
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze_int.h"
#include "core/lex.h"
#include "core/utf8.h"

enum {
    MENTION_MAX = 12,  /* words in a speaker mention */
    WINDOW = 40,       /* tokens from a verb to its إن/أن, colon or quote */
    ADJUNCT_MAX = 8,   /* words in a row between a mention and إن/أن */
    OUTLET_WORDS = 6,  /* words of an outlet's quoted name */
    WORD_MAX = 48,     /* bytes kept of a folded word for matching */
    ROLE_WORDS = 10,   /* content words kept per role phrase */
    ROLES = 4,         /* role phrases kept per person */
    PERSONS_MAX = 256,
    QUOTES_MAX = 1 << 20,
    PERS_ENTS_MAX = 256
};

/* Word classes (bits) and verb kinds. */
enum {
    W_VERB = 1, W_COMP = 2, W_STOP = 4, W_BLOCK = 8, W_GENERIC = 16, W_TITLE = 32, W_BARE = 64,
    W_RANK = 128, W_SOURCE = 256, W_KANA = 512, W_OUTLET = 1024
};
enum { K_PAST = 1, K_PRESENT, K_PARTICIPLE, K_ATTR };

typedef struct tok {
    size_t b0, b1;    /* bytes in the paragraph */
    size_t c0, c1;    /* code points in the paragraph */
    size_t n0, nn;    /* normalized (KB_NORM_SEARCH) form: norm[n0 .. n0+nn) */
    uint32_t punct;   /* the punctuation code point, 0 for a word */
    unsigned cls;     /* W_* bits */
    unsigned char kind, waw;
    const char *lem;  /* the verb's lexicon value ("أشار إلى\tpast") */
    size_t lemn;
    const char *tcls; /* the title/role class (speaker-titles.tsv) */
    size_t tclsn;
} tok;

typedef struct fword { char w[WORD_MAX]; unsigned char n; } fword;

typedef struct role {
    fword head;             /* synonym class of the role word */
    fword w[ROLE_WORDS];    /* folded content words */
    int nw;
} role;

typedef struct person {
    const char *name;       /* fullest name seen (not NUL-terminated), NULL if anonymous */
    size_t namen;
    int nwords;
    fword first, last;      /* folded first and last words of the name */
    role roles[ROLES];
    int nroles;
    unsigned long used;     /* recency, for role look-ups */
} person;

typedef struct pquote {     /* a quote waiting for the final speaker names */
    int pid;                /* person index, -1 unknown */
    long par;
    const char *mp, *vp, *tp;
    size_t mn, vn, tn;
    int direct;
    size_t c0, c1;
} pquote;

typedef struct qctx {
    kb_xart *x;
    const kb_lex *verbs, *words, *titles;
    /* the paragraph being read */
    const char *p;
    size_t n;
    long par;
    tok *t;
    size_t nt, cap_t;
    char *norm;
    size_t cap_norm;
    /* persons and the current speaker */
    person *pers;
    int npers;
    int cur;                /* current speaker, -1 unknown */
    int cur_gender;         /* gender of the verb that named it (verb_gender) */
    unsigned long clock;
    /* PER entities: sorted by (paragraph, start) and a cursor per paragraph */
    const kb_entity **ents;
    size_t nents, ecur;
    /* quotes collected */
    pquote *q;
    size_t nq, cap_q;
} qctx;

/* ---- small text helpers ------------------------------------------------ */

static const char *N(const qctx *c, const tok *k) { return c->norm + k->n0; }

static int norm_is(const qctx *c, const tok *k, const char *z) {
    size_t zn = strlen(z);
    return !k->punct && k->nn == zn && !memcmp(N(c, k), z, zn);
}

static int starts_with(const char *p, size_t n, const char *z) {
    size_t zn = strlen(z);
    return n >= zn && !memcmp(p, z, zn);
}

/* 1 if the lexicon value v[0..vn) lists `kind` among its space-separated kinds. */
static int has_kind(const char *v, size_t vn, const char *kind) {
    size_t kn = strlen(kind);
    for (size_t i = 0; i + kn <= vn; i++)
        if (!memcmp(v + i, kind, kn) && (i == 0 || v[i - 1] == ' ' || v[i - 1] == '\t') &&
            (i + kn == vn || v[i + kn] == ' ' || v[i + kn] == '\t' || v[i + kn] == '\r'))
            return 1;
    return 0;
}

/* Fold a normalized word for comparing names and roles: drop the article
** and the prepositions glued to it ("للجيش" ~ "الجيش" ~ "جيش"), keeping at
** least two letters. */
static void fold(const char *w, size_t n, fword *out) {
    static const char *const pre[] = {"وال", "بال", "فال", "كال", "لل", "ال"};
    for (size_t i = 0; i < sizeof pre / sizeof *pre; i++) {
        size_t pn = strlen(pre[i]);
        if (n >= pn + 4 && !memcmp(w, pre[i], pn)) { w += pn; n -= pn; break; }
    }
    if (n >= WORD_MAX) n = WORD_MAX - 1;
    memcpy(out->w, w, n);
    out->n = (unsigned char)n;
}

static int fword_eq(const fword *a, const fword *b) {
    return a->n && a->n == b->n && !memcmp(a->w, b->w, a->n);
}

static int is_sentence_end(uint32_t u) {
    return u == '.' || u == '!' || u == '?' || u == 0x061F || u == 0x06D4 || u == 0x2026;
}

static int is_comma(uint32_t u) { return u == ',' || u == 0x060C || u == ';' || u == 0x061B; }

/* Quote marks: guillemets pair strictly; the curly and straight double
** quotes are used loosely (”...” is common), so any of them opens when none
** is open and closes when one is. */
static int quote_family(uint32_t u) {
    if (u == 0x00AB || u == 0x00BB) return 1;
    if (u == '"' || u == 0x201C || u == 0x201D || u == 0x201E || u == 0x201F) return 2;
    return 0;
}

static int is_space(uint32_t u) {
    return u <= 0x20 || u == 0x7F || u == 0xA0 || (u >= 0x2000 && u <= 0x200F) || u == 0x2028 ||
           u == 0x2029 || u == 0x202F || u == 0x205F || u == 0x3000 || u == 0xFEFF;
}

static int is_punct(uint32_t u) {
    if (u < 0x80) return (u >= 0x21 && u <= 0x2F) || (u >= 0x3A && u <= 0x40) ||
                         (u >= 0x5B && u <= 0x60) || (u >= 0x7B && u <= 0x7E);
    return u == 0x00AB || u == 0x00BB || u == 0x060C || u == 0x061B || u == 0x061F ||
           u == 0x06D4 || u == 0x066A || (u >= 0x2010 && u <= 0x2027) || u == 0x2039 ||
           u == 0x203A || u == 0xFD3E || u == 0xFD3F || u == 0x00B7;
}

static int is_digit_at(const char *p, size_t n, size_t i) {
    if (i >= n) return 0;
    unsigned char ch = (unsigned char)p[i];
    if (ch >= '0' && ch <= '9') return 1;
    /* Arabic-Indic digits U+0660-U+0669: D9 A0..D9 A9 */
    return ch == 0xD9 && i + 1 < n && (unsigned char)p[i + 1] >= 0xA0 && (unsigned char)p[i + 1] <= 0xA9;
}

static int last_is_digit(const char *p, size_t i) {
    if (i == 0) return 0;
    unsigned char ch = (unsigned char)p[i - 1];
    if (ch >= '0' && ch <= '9') return 1;
    return i >= 2 && (unsigned char)p[i - 2] == 0xD9 && ch >= 0xA0 && ch <= 0xA9;
}

/* ---- tokens ----------------------------------------------------------- */

static int grow(void **p, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return 0;
    size_t nc = *cap ? *cap : 64;
    while (nc < need) nc *= 2;
    void *np = realloc(*p, nc * size);
    if (!np) return -1;
    *p = np;
    *cap = nc;
    return 0;
}

/* A bit per hash of every key of the three lexicons below (lex_load): a
** word whose bit is clear is in none of them, and most words are in none,
** so classify tries the three tables only when the bit is set. */
#define KEY_BIT(h) ((size_t)((h) >> 48))
static uint64_t g_any_key[(1 << 16) / 64];

static void classify(qctx *c, tok *k) {
    const char *w = N(c, k);
    size_t vn;
    uint64_t h = kb__lex_hash(w, k->nn); /* one hash for the three lexicons */
    const int listed = g_any_key[KEY_BIT(h) >> 6] >> (KEY_BIT(h) & 63) & 1;
    const char *v = listed ? kb__lex_find_h(c->verbs, w, k->nn, h, &vn) : NULL;
    if (!v && k->nn > 4 && (starts_with(w, k->nn, "و") || starts_with(w, k->nn, "ف"))) {
        v = kb__lex_find(c->verbs, w + 2, k->nn - 2, &vn);
        if (v) k->waw = 1;
    }
    if (v) {
        const char *tab = memchr(v, '\t', vn);
        if (tab) {
            const char *kd = tab + 1;
            size_t kn = vn - (size_t)(kd - v);
            k->kind = has_kind(kd, kn, "past") ? K_PAST : has_kind(kd, kn, "present") ? K_PRESENT
                    : has_kind(kd, kn, "participle") ? K_PARTICIPLE : has_kind(kd, kn, "attr") ? K_ATTR : 0;
            if (k->kind) {
                k->cls |= W_VERB;
                k->lem = v;
                k->lemn = (size_t)(tab - v);
            }
        }
    }
    v = listed ? kb__lex_find_h(c->words, w, k->nn, h, &vn) : NULL;
    if (v) {
        if (has_kind(v, vn, "comp")) {
            k->cls |= W_COMP;
            if (k->nn == 4 || (k->nn == 6 && (starts_with(w, 6, "ب") || starts_with(w, 6, "ف"))))
                k->cls |= W_BARE; /* ان، بان، فان: no pronoun attached */
        }
        if (has_kind(v, vn, "stop")) k->cls |= W_STOP;
        if (has_kind(v, vn, "block")) k->cls |= W_BLOCK;
        if (has_kind(v, vn, "generic")) k->cls |= W_GENERIC | W_SOURCE;
        if (has_kind(v, vn, "source")) k->cls |= W_SOURCE;
        if (has_kind(v, vn, "kana")) k->cls |= W_KANA;
        if (has_kind(v, vn, "outlet")) k->cls |= W_OUTLET;
    }
    v = listed ? kb__lex_find_h(c->titles, w, k->nn, h, &vn) : NULL;
    if (v) {
        k->cls |= W_TITLE;
        if (has_kind(v, vn, "rank")) k->cls |= W_RANK;
        const char *tab = memchr(v, '\t', vn);
        k->tcls = v;
        k->tclsn = tab ? (size_t)(tab - v) : vn;
    }
}

/* 1 if k names an anonymous source: a generic word, or one with the
** article, the same source named again ("قال مصدر ... وأضاف المصدر",
** "وقالت المصادر", "وذكر البيان"). Offices are titles and keep their own
** resolution ("المتحدث باسم الجيش" finds the spokesman by role). Asked of
** mention heads only, not of every token. */
static int is_generic(const qctx *c, const tok *k) {
    if (k->cls & W_GENERIC) return 1;
    if ((k->cls & W_TITLE) || k->nn <= 6 || !starts_with(N(c, k), k->nn, "ال")) return 0;
    size_t vn;
    const char *v = kb__lex_find(c->words, N(c, k) + 4, k->nn - 4, &vn);
    return v && has_kind(v, vn, "generic");
}

/*
** Grammatical gender of a speech verb, from its form: 1 feminine, 0
** masculine, -1 unknown. Arabic verbs agree with their subject, so a
** feminine verb with no subject ("واعتبرت أن") cannot continue a speaker
** who was introduced by a masculine one ("قال العلوي"), and the other way
** round. Past: the feminine is the masculine form plus ت (قالت، لفتت) — checked
** against the lexicon, since some masculine forms end in ت; present: ت for
** ي (تقول); participle: the ة of مؤكدةً, folded to ه.
*/
static int verb_gender(const qctx *c, const tok *k) {
    const char *w = N(c, k);
    size_t n = k->nn;
    if (k->waw) { w += 2; n -= 2; }
    if (n < 4) return -1;
    if (k->kind == K_PRESENT) return starts_with(w, n, "ت") ? 1 : starts_with(w, n, "ي") ? 0 : -1;
    if (k->kind == K_PARTICIPLE) {
        if (!memcmp(w + n - 2, "ه", 2)) return 1;
        return !memcmp(w + n - 2, "ا", 2) ? 0 : -1;
    }
    if (k->kind == K_PAST) {
        size_t vn;
        if (!memcmp(w + n - 2, "ت", 2)) {
            const char *v = kb__lex_find(c->verbs, w, n - 2, &vn);
            if (v && has_kind(v, vn, "past")) return 1;
        }
        return 0;
    }
    return -1;
}

/* Split the paragraph into words and punctuation marks, with byte and code
** point offsets, normalizing and classifying each word. */
static int tokenize(qctx *c) {
    const char *p = c->p;
    size_t n = c->n;
    c->nt = 0;
    if (grow((void **)&c->norm, &c->cap_norm, 7 * n + 16, 1)) return KB_ENOMEM;
    size_t npos = 0, i = 0, cp = 0;
    while (i < n) {
        size_t len;
        uint32_t u = kb__utf8_decode((const unsigned char *)p + i, n - i, &len);
        if (is_space(u)) { i += len; cp++; continue; }
        if (grow((void **)&c->t, &c->cap_t, c->nt + 1, sizeof(tok))) return KB_ENOMEM;
        static const tok zero; /* (a copy is cheaper than memset's rep stos) */
        tok *k = &c->t[c->nt++];
        *k = zero;
        k->b0 = i;
        k->c0 = cp;
        /* A '.' or ',' between digits belongs to the number. */
        if (is_punct(u) && !((u == '.' || u == ',') && last_is_digit(p, i) && is_digit_at(p, n, i + 1))) {
            k->punct = u;
            i += len;
            cp++;
        } else {
            for (;;) {
                i += len;
                cp++;
                if (i >= n) break;
                u = kb__utf8_decode((const unsigned char *)p + i, n - i, &len);
                if (is_space(u)) break;
                if (is_punct(u) && !((u == '.' || u == ',') && is_digit_at(p, n, i + 1) && last_is_digit(p, i)))
                    break;
            }
        }
        k->b1 = i;
        k->c1 = cp;
        if (!k->punct) {
            k->n0 = npos;
            k->nn = kb_normalize_into(p + k->b0, k->b1 - k->b0, KB_NORM_SEARCH, c->norm + npos);
            npos += k->nn;
            classify(c, k);
        }
    }
    return KB_OK;
}

/* ---- persons ---------------------------------------------------------- */

/* The synonym class of a title/role word, folded. */
static void role_head(const tok *k, fword *out) {
    size_t n = k->tclsn;
    while (n && (k->tcls[n - 1] == '\r' || k->tcls[n - 1] == ' ')) n--;
    char buf[KB_NORMALIZE_BOUND(WORD_MAX)];
    if (n > WORD_MAX) n = WORD_MAX;
    size_t m = kb_normalize_into(k->tcls, n, KB_NORM_SEARCH, buf);
    fold(buf, m, out);
}

static int is_connector(const qctx *c, const tok *k) { return norm_is(c, k, "باسم"); }

/* Read tokens [a, b) as a role phrase: its head class and content words. */
static int role_read(const qctx *c, size_t a, size_t b, role *r) {
    memset(r, 0, sizeof *r);
    if (a >= b || !(c->t[a].cls & W_TITLE)) return 0;
    role_head(&c->t[a], &r->head);
    for (size_t i = a + 1; i < b && r->nw < ROLE_WORDS; i++) {
        const tok *k = &c->t[i];
        if (k->punct || is_connector(c, k)) continue;
        fold(N(c, k), k->nn, &r->w[r->nw++]);
    }
    return 1;
}

/* A role phrase of a mention matches a role of the person when the heads
** are of one class and at least half its content words are among the
** person's ("المتحدث باسم الجيش الليبي" within "الناطق باسم القائد العام
** للجيش الليبي"). */
static int role_match(const role *m, const role *r) {
    if (!fword_eq(&m->head, &r->head)) return 0;
    int hit = 0;
    for (int i = 0; i < m->nw; i++)
        for (int j = 0; j < r->nw; j++)
            if (fword_eq(&m->w[i], &r->w[j])) { hit++; break; }
    return 2 * hit >= m->nw && (m->nw == 0 || hit > 0);
}

static void person_add_role(person *ps, const role *r) {
    for (int i = 0; i < ps->nroles; i++)
        if (fword_eq(&ps->roles[i].head, &r->head) && ps->roles[i].nw >= r->nw && role_match(r, &ps->roles[i]))
            return; /* already known */
    if (ps->nroles < ROLES) ps->roles[ps->nroles++] = *r;
    else ps->roles[ROLES - 1] = *r;
}

/* The most recently quoted person with a role matching r; with loose set,
** a named person whose role has the same head when one of the two roles
** has no other words ("الممثل الشاب" for the person introduced as "الممثل
** عبدو شاهين", but not "الرئيس التركي" for "الرئيس الفلسطيني ..."). */
static int person_by_role(const qctx *c, const role *r, int loose) {
    int best = -1;
    for (int i = 0; i < c->npers; i++)
        for (int j = 0; j < c->pers[i].nroles; j++) {
            const role *pr = &c->pers[i].roles[j];
            int ok = loose ? c->pers[i].name && fword_eq(&r->head, &pr->head) && (!r->nw || !pr->nw)
                           : role_match(r, pr);
            if (ok && (best < 0 || c->pers[i].used > c->pers[best].used)) {
                best = i;
                break;
            }
        }
    return best;
}

/* Fold the first and last words of a name given as text. */
static int name_words(const char *p, size_t n, fword *first, fword *last) {
    char buf[KB_NORMALIZE_BOUND(256)];
    if (n > 256) n = 256;
    size_t m = kb_normalize_into(p, n, KB_NORM_SEARCH, buf);
    int nw = 0;
    size_t i = 0;
    while (i < m) {
        while (i < m && buf[i] == ' ') i++;
        size_t s = i;
        while (i < m && buf[i] != ' ') i++;
        if (i > s) {
            if (!nw) fold(buf + s, i - s, first);
            fold(buf + s, i - s, last);
            nw++;
        }
    }
    return nw;
}

static int person_new(qctx *c) {
    if (c->npers >= PERSONS_MAX) {
        /* Recycle the least recently used person: very long inputs keep working. */
        int lru = 0;
        for (int i = 1; i < c->npers; i++)
            if (c->pers[i].used < c->pers[lru].used) lru = i;
        for (size_t i = 0; i < c->nq; i++)
            if (c->q[i].pid == lru) c->q[i].pid = -1;
        memset(&c->pers[lru], 0, sizeof(person));
        return lru;
    }
    memset(&c->pers[c->npers], 0, sizeof(person));
    return c->npers++;
}

/* The person named p[0..n): an earlier person with the same surname (and,
** when both give two or more words, the same first name), whose name is
** lengthened if this one is fuller; else a new person. */
static int person_by_name(qctx *c, const char *p, size_t n, int create) {
    fword first, last;
    int nw = name_words(p, n, &first, &last);
    if (!nw) return -1;
    for (int i = 0; i < c->npers; i++) {
        person *ps = &c->pers[i];
        if (!ps->name || !fword_eq(&ps->last, &last)) continue;
        if (nw >= 2 && ps->nwords >= 2 && !fword_eq(&ps->first, &first)) continue;
        if (nw > ps->nwords) {
            ps->name = p;
            ps->namen = n;
            ps->nwords = nw;
            ps->first = first;
        }
        return i;
    }
    /* A single word may be the surname of a person the entity finder knows. */
    if (nw == 1) {
        for (size_t e = 0; e < c->nents; e++) {
            const char *z = c->ents[e]->canonical;
            fword f2, l2;
            int n2 = name_words(z, strlen(z), &f2, &l2);
            if (n2 >= 2 && fword_eq(&l2, &last)) return person_by_name(c, z, strlen(z), 1);
        }
    }
    if (!create) return -1;
    int id = person_new(c);
    person *ps = &c->pers[id];
    ps->name = p;
    ps->namen = n;
    ps->nwords = nw;
    ps->first = first;
    ps->last = last;
    return id;
}

/* A PER entity of this paragraph inside code points [c0, c1), or NULL. The
** entities are sorted and the mentions come in order, so a cursor suffices. */
static const kb_entity *entity_in(qctx *c, size_t c0, size_t c1) {
    while (c->ecur < c->nents && (c->ents[c->ecur]->paragraph < c->par ||
                                  (c->ents[c->ecur]->paragraph == c->par && c->ents[c->ecur]->start < c0)))
        c->ecur++;
    if (c->ecur < c->nents) {
        const kb_entity *e = c->ents[c->ecur];
        if (e->paragraph == c->par && e->start >= c0 && e->end <= c1) return e;
    }
    return NULL;
}

/*
** Resolve the mention of tokens [m0, m1) (words) with an optional
** apposition [a0, a1) to a person index, or -1 when unknown. Split the
** mention into a title/role part and a name: titles and ranks open the role
** part; definite words, "باسم" and the word after an indefinite office
** ("وزير خارجية") continue it; the rest is the name.
*/
static int resolve_at(qctx *c, size_t m0, size_t m1, size_t mskip, size_t a0, size_t a1, int swapped);

static int resolve(qctx *c, size_t m0, size_t m1, size_t mskip, size_t a0, size_t a1) {
    return resolve_at(c, m0, m1, mskip, a0, a1, 0);
}

static int resolve_at(qctx *c, size_t m0, size_t m1, size_t mskip, size_t a0, size_t a1, int swapped) {
    const tok *t = c->t;
    if (m0 >= m1) return c->cur;
    if (is_generic(c, &t[m0])) return -1;
    role r, ra;
    int has_r = 0, has_a = role_read(c, a0, a1, &ra);
    size_t k = m0;
    const char *name = NULL;
    size_t namen = 0;
    const kb_entity *e = entity_in(c, t[m0].c0, t[m1 - 1].c1);
    if (e) {
        while (k < m1 && t[k].c0 < e->start) k++;
        name = e->canonical;
        namen = strlen(name);
    } else {
        if (t[k].cls & W_TITLE) {
            int open_idafa = 0;
            while (k < m1) {
                const tok *w = &t[k];
                const char *wz = N(c, w);
                int definite = starts_with(wz, w->nn, "ال") || starts_with(wz, w->nn, "لل");
                if (open_idafa) {
                    /* the complement of an office or of "باسم": "وزير خارجية", "باسم الجيش" */
                    open_idafa = 0;
                } else if (w->cls & W_TITLE) {
                    if (w->cls & W_RANK) {
                        k++;
                        break; /* a rank is followed by the name, even a definite one: "العميد الغمري" */
                    }
                    open_idafa = !definite; /* "وزير" takes a complement, "الوزير" does not */
                } else if (is_connector(c, w)) {
                    open_idafa = 1;
                } else if (definite) {
                    /* an adjective of the office ("الرئيس الفلسطيني"), unless it
                    ** is the last word and a known surname ("الرئيس السيسي") */
                    if (k + 1 == m1 && person_by_name(c, c->p + w->b0, w->b1 - w->b0, 0) >= 0) break;
                } else {
                    break;
                }
                k++;
            }
        }
        if (k < m1) {
            /* A name may be followed by its role without a comma ("أندريس
            ** إنييستا قائد برشلونة"): the name ends at the office word. */
            size_t ne = k + 1, skip = k == m0 ? mskip : 0;
            while (ne < m1 && !(t[ne].cls & W_TITLE)) ne++;
            name = c->p + t[k].b0 + skip;
            namen = t[ne - 1].b1 - t[k].b0 - skip;
            if (ne < m1 && !a1) {
                a0 = ne;
                a1 = m1;
                has_a = role_read(c, a0, a1, &ra);
            }
        }
    }
    /* "قال محافظ البنك، الدكتور كريم العلوي، إن": a role first, the name in
    ** the apposition. Read it the other way round, once. */
    if (!name && !swapped && a1 > a0) {
        const kb_entity *ae = entity_in(c, t[a0].c0, t[a1 - 1].c1);
        if ((ae && !strcmp(ae->type, "PER")) || (t[a0].cls & W_TITLE))
            return resolve_at(c, a0, a1, 0, m0, m1, 1);
    }
    has_r = role_read(c, m0, k, &r);
    int id = -1;
    if (name) {
        id = person_by_name(c, name, namen, 0);
        if (id < 0 && (has_r || has_a)) {
            /* An anonymous person known by this role gets the name now. */
            int j = has_r ? person_by_role(c, &r, 0) : -1;
            if (j < 0 && has_a) j = person_by_role(c, &ra, 0);
            if (j >= 0 && !c->pers[j].name) {
                id = j;
                fword f, l;
                c->pers[j].nwords = name_words(name, namen, &f, &l);
                c->pers[j].first = f;
                c->pers[j].last = l;
                c->pers[j].name = name;
                c->pers[j].namen = namen;
            }
        }
        if (id < 0) id = person_by_name(c, name, namen, 1);
    } else if (has_r) {
        id = person_by_role(c, &r, 0);
        if (id < 0 && has_a) id = person_by_role(c, &ra, 0);
        if (id < 0) id = person_by_role(c, &r, 1);
        if (id < 0) id = person_new(c); /* anonymous, known by its role */
    }
    if (id < 0) return -1;
    if (has_r) person_add_role(&c->pers[id], &r);
    if (has_a) person_add_role(&c->pers[id], &ra);
    return id;
}

/* ---- quotes ----------------------------------------------------------- */

static int add(qctx *c, int pid, size_t m0, size_t m1, size_t mskip, size_t v0, size_t v1,
               size_t s0, size_t s1, int direct) {
    const tok *t = c->t;
    if (s0 > s1 || s1 >= c->nt || c->nq >= QUOTES_MAX) return KB_OK;
    if (grow((void **)&c->q, &c->cap_q, c->nq + 1, sizeof(pquote))) return KB_ENOMEM;
    pquote *q = &c->q[c->nq++];
    q->pid = pid;
    q->par = c->par;
    q->mp = m0 < m1 ? c->p + t[m0].b0 + mskip : "";
    q->mn = m0 < m1 ? t[m1 - 1].b1 - t[m0].b0 - mskip : 0;
    q->vp = c->p + t[v0].b0;
    q->vn = t[v1].b1 - t[v0].b0;
    q->tp = c->p + t[s0].b0;
    q->tn = t[s1].b1 - t[s0].b0;
    q->direct = direct;
    q->c0 = t[s0].c0;
    q->c1 = t[s1].c1;
    if (pid >= 0) c->pers[pid].used = ++c->clock;
    c->cur = pid;
    return KB_OK;
}

/* What a speech verb opens: the statement's first token, or a direct quote. */
typedef struct found {
    size_t m0, m1, mskip;   /* the mention (words), bytes to skip in its first word */
    size_t a0, a1;          /* apposition (role phrase between commas) */
    size_t v1;              /* last token of the verb phrase */
    size_t s;               /* first token of the statement */
    size_t close;           /* closing quote when direct */
    int direct;
} found;

/* The governed preposition of a verb ("إلى" in "أشار إلى"), normalized. */
static size_t verb_prep(const tok *k, char *out) {
    const char *sp = memchr(k->lem, ' ', k->lemn);
    if (!sp) return 0;
    size_t n = k->lemn - (size_t)(sp + 1 - k->lem);
    if (n > 16) return 0;
    return kb_normalize_into(sp + 1, n, KB_NORM_SEARCH, out);
}

static int is_word(const tok *k) { return !k->punct; }

/* The token after a complementizer at j that starts the statement: "إن
** X" starts at X, "إنه ..." keeps the pronoun. */
static size_t after_comp(const tok *t, size_t j) { return (t[j].cls & W_BARE) ? j + 1 : j; }

/* From position j (just after a verb, a participle or a mention), read
** what opens the statement: a complementizer, the verb's preposition, a
** colon or a quote. */
static int opener_at(const qctx *c, size_t j, const char *prep, size_t prepn, const long *close, found *f) {
    const tok *t = c->t;
    if (j >= c->nt) return 0;
    if (prepn && t[j].nn == prepn && !memcmp(N(c, &t[j]), prep, prepn)) {
        if (j + 1 < c->nt && (t[j + 1].cls & W_COMP)) {
            f->s = after_comp(t, j + 1);
            return 1;
        }
        /* The object as statement: "حذّر من وجود ...", "دعا إلى وقف ...". */
        if (j + 1 < c->nt && is_word(&t[j + 1]) && !norm_is(c, &t[j + 1], "ان")) {
            f->s = j + 1;
            return 1;
        }
        return 0;
    }
    if (t[j].cls & W_COMP) {
        f->s = after_comp(t, j);
        return 1;
    }
    if (t[j].punct == ':') {
        f->s = j + 1;
        return f->s < c->nt;
    }
    if (quote_family(t[j].punct) && close[j] > (long)j + 1) {
        /* A quoted name ("أعلن قائد "اللواء ..." أن") is not a statement:
        ** the quote must end its clause, and hold a few words unless a
        ** colon introduced it. */
        size_t cl = (size_t)close[j];
        int colon = j > 0 && c->t[j - 1].punct == ':';
        if (!colon && cl - j < 4) return 0;
        if (cl + 1 < c->nt && !c->t[cl + 1].punct) return 0;
        f->s = j + 1;
        f->close = (size_t)close[j];
        f->direct = 1;
        return 1;
    }
    return 0;
}

/*
** A past or present speech verb at i: [mention] [، apposition،] [،
** parenthetical،]* [adjunct words] then إن/أن, the verb's preposition, a
** colon or an opening quote, all within WINDOW tokens.
*/
static int parse_verb(qctx *c, size_t i, const long *close, found *f) {
    const tok *t = c->t;
    char prep[64];
    size_t prepn = verb_prep(&t[i], prep);
    memset(f, 0, sizeof *f);
    f->v1 = i;
    size_t j = i + 1, words = 0;
    f->m0 = j;
    while (j < c->nt && is_word(&t[j]) && !(t[j].cls & (W_COMP | W_STOP | W_VERB)) &&
           !(prepn && t[j].nn == prepn && !memcmp(N(c, &t[j]), prep, prepn))) {
        if (++words > MENTION_MAX) return 0;
        j++;
    }
    f->m1 = j;
    /* An outlet named in quotes ("قالت صحيفة "وول ستريت جورنال" إن"): the
    ** quoted words are its name and belong to the mention, when they are a
    ** few words and the sentence goes on after them. */
    if (j < c->nt && f->m1 > f->m0 && (t[f->m1 - 1].cls & W_OUTLET) && quote_family(t[j].punct) &&
        close[j] > (long)j + 1 && (size_t)close[j] - j <= OUTLET_WORDS + 1) {
        size_t cl = (size_t)close[j], w = j + 1;
        while (w < cl && is_word(&t[w])) w++;
        if (w == cl && cl + 1 < c->nt && !is_sentence_end(t[cl + 1].punct)) {
            j = cl + 1;
            f->m1 = j;
        }
    }
    /* "وقال لماي": a glued ل marks whom the speaker addressed, when the rest
    ** is a person already known; the subject is then omitted. */
    if (f->m0 < f->m1 && t[f->m0].nn > 4 && starts_with(N(c, &t[f->m0]), t[f->m0].nn, "ل") &&
        !starts_with(N(c, &t[f->m0]), t[f->m0].nn, "لل") &&
        person_by_name(c, c->p + t[f->m0].b0 + 2, t[f->m0].b1 - t[f->m0].b0 - 2, 0) >= 0)
        f->m0 = f->m1;
    /* The quote or colon right after the mention; a preposition of the verb
    ** only there, not deep in a parenthetical. */
    if (opener_at(c, j, prep, prepn, close, f)) return 1;
    size_t run = 0, commas = 0;
    for (; j < c->nt && j <= i + WINDOW; j++) {
        const tok *k = &t[j];
        if (k->punct) {
            if (is_sentence_end(k->punct)) return 0;
            if (is_comma(k->punct)) {
                run = 0;
                if (commas++ == 0 && j == f->m1 && j + 1 < c->nt && (t[j + 1].cls & W_TITLE)) {
                    size_t e = j + 1;
                    while (e < c->nt && e <= i + WINDOW && is_word(&t[e]) && !(t[e].cls & W_COMP)) e++;
                    if (e < c->nt && (is_comma(t[e].punct) || (t[e].cls & W_COMP))) {
                        f->a0 = j + 1;
                        f->a1 = e;
                    }
                }
                if (j + 1 < c->nt && (t[j + 1].cls & W_COMP)) {
                    f->s = after_comp(t, j + 1);
                    return 1;
                }
                if (j + 1 < c->nt && t[j + 1].punct == ':' ) continue;
            } else if (k->punct == ':') {
                if (opener_at(c, j, "", 0, close, f)) return 1;
            }
            continue;
        }
        if ((k->cls & W_VERB) && k->kind != K_ATTR) return 0; /* another verb's turn */
        if ((k->cls & W_COMP) && j > 0 && !(t[j - 1].cls & W_BLOCK) && !(t[j - 1].cls & W_VERB)) {
            f->s = after_comp(t, j);
            return 1;
        }
        if (++run > ADJUNCT_MAX) return 0;
    }
    return 0;
}

/* A participle at i: "مؤكدًا أنه", "مشيرًا إلى أن", "محذرًا من", "قائلًا: «...»". */
static int parse_participle(const qctx *c, size_t i, const long *close, found *f) {
    char prep[64];
    size_t prepn = verb_prep(&c->t[i], prep);
    memset(f, 0, sizeof *f);
    f->v1 = i;
    f->m0 = f->m1 = i + 1;
    return opener_at(c, i + 1, prep, prepn, close, f);
}

/* Words of a mention that follows an attribution phrase or a verb placed
** after its quote: up to a stop word or punctuation. */
static size_t mention_end(const qctx *c, size_t j) {
    size_t words = 0;
    while (j < c->nt && is_word(&c->t[j]) && !(c->t[j].cls & (W_COMP | W_STOP | W_VERB)) && words < MENTION_MAX) {
        j++;
        words++;
    }
    return j;
}

/*
** A subject written before its verb: "وكان الوزير قد قال إن" (the words
** between كان and the verb), or a known person right before it ("ترامب
** أعرب عن ..."). Sets the mention when found; looks back a few words only.
*/
static void subject_before(qctx *c, size_t i, size_t sent, found *f) {
    const tok *t = c->t;
    size_t j = i;
    if (j > sent && norm_is(c, &t[j - 1], "قد")) j--;
    size_t e = j;
    for (size_t b = j; b > sent && e - b < 6; b--) {
        if (t[b - 1].punct) break;
        if (t[b - 1].cls & W_KANA) {
            if (b < e) { f->m0 = b; f->m1 = e; }
            return;
        }
    }
    if (e == i && i > sent && !t[i - 1].punct &&
        (person_by_name(c, c->p + t[i - 1].b0, t[i - 1].b1 - t[i - 1].b0, 0) >= 0)) {
        f->m0 = i - 1;
        f->m1 = i;
    }
}

/* 1 if the mention starting at token j (after mskip bytes of a glued ل)
** can be the source of an attribution: a source noun ("وكالة"، "بيان"), a
** title or role, a person the article has quoted, or a PER entity. This
** keeps "وفق المعايير" and "حسب الحاجة" out. */
static int is_source(qctx *c, size_t j, size_t mskip) {
    const tok *k = &c->t[j];
    const char *w = N(c, k);
    size_t n = k->nn;
    if (mskip) {
        w += 2; /* the ل */
        n -= 2;
        const char *v;
        size_t vn;
        if ((v = kb__lex_find(c->words, w, n, &vn)) && has_kind(v, vn, "source")) return 1;
        if (kb__lex_find(c->titles, w, n, NULL)) return 1;
    } else if (k->cls & (W_SOURCE | W_TITLE)) {
        return 1;
    }
    if (n > 4 && starts_with(w, n, "ال")) {
        const char *v;
        size_t vn;
        if ((v = kb__lex_find(c->words, w + 4, n - 4, &vn)) && (has_kind(v, vn, "source") || has_kind(v, vn, "generic")))
            return 1;
    }
    if (entity_in(c, k->c0, k->c1 + 64)) return 1;
    return person_by_name(c, c->p + k->b0 + mskip, k->b1 - k->b0 - mskip, 0) >= 0;
}

/* The last token of a statement ending before token e: trailing commas and
** dashes are not part of it. */
static size_t trim_end(const tok *t, size_t s, size_t e) {
    while (e > s) {
        uint32_t u = t[e - 1].punct;
        if (u && (is_comma(u) || u == ':' || u == '-' || u == 0x2013 || u == 0x2014 || is_sentence_end(u))) e--;
        else break;
    }
    return e; /* exclusive */
}

static int find_in_paragraph(qctx *c, long *close) {
    tok *t = c->t;
    size_t nt = c->nt;
    /* Pair the quote marks. */
    long open_at[3] = {-1, -1, -1};
    for (size_t i = 0; i < nt; i++) {
        close[i] = -1;
        int fam = quote_family(t[i].punct);
        if (!fam) continue;
        uint32_t u = t[i].punct;
        int opener = fam == 1 ? u == 0x00AB : open_at[fam] < 0;
        if (opener) {
            if (fam == 1 || open_at[fam] < 0) open_at[fam] = (long)i;
        } else if (open_at[fam] >= 0) {
            close[open_at[fam]] = (long)i;
            open_at[fam] = -1;
        }
    }
    int open = 0;            /* a reported statement is being read */
    size_t qs = 0, qv0 = 0, qv1 = 0, qm0 = 0, qm1 = 0, qmskip = 0;
    int qpid = -1;
    size_t sent = 0;         /* first token of the current sentence */
    long lastq_open = -1, lastq_close = -1; /* the last quoted span, when not used */
    size_t used_upto = 0;    /* tokens before this belong to an emitted quote */
    int rc = KB_OK;

#define FINISH(e_excl)                                                                        \
    do {                                                                                      \
        size_t e_ = trim_end(t, qs, (e_excl));                                                \
        if (e_ > qs) rc = add(c, qpid, qm0, qm1, qmskip, qv0, qv1, qs, e_ - 1, 0);            \
        used_upto = (e_excl);                                                                 \
        open = 0;                                                                             \
    } while (0)

    size_t i = 0;
    while (i < nt && rc == KB_OK) {
        tok *k = &t[i];
        if (k->punct) {
            if (is_sentence_end(k->punct)) {
                /* "د." and other one-letter abbreviations do not end a sentence. */
                int abbrev = i > 0 && is_word(&t[i - 1]) && t[i - 1].c1 - t[i - 1].c0 == 1 && t[i - 1].c1 == k->c0;
                if (!abbrev) {
                    if (open) FINISH(i);
                    sent = i + 1;
                }
            }
            if (quote_family(k->punct) && close[i] > (long)i) {
                /* remember the span for "«...»، قال X" */
                lastq_open = (long)i;
                lastq_close = close[i];
            }
            i++;
            continue;
        }
        if (!(k->cls & W_VERB)) { i++; continue; }

        int allowed = !open || k->kind == K_PARTICIPLE ||
                      (k->kind == K_PAST && k->waw && i > 0 && is_comma(t[i - 1].punct));
        if (!allowed) { i++; continue; }
        found f;
        int ok = 0, pid = -1;
        int named = 0;
        if (k->kind == K_PARTICIPLE) {
            ok = parse_participle(c, i, close, &f);
            pid = c->cur;
            int g = verb_gender(c, k);
            if (pid >= 0 && g >= 0 && c->cur_gender >= 0 && g != c->cur_gender) pid = -1;
        } else if (k->kind == K_PAST || k->kind == K_PRESENT) {
            ok = parse_verb(c, i, close, &f);
            if (!ok && !open && lastq_close >= 0 && (size_t)lastq_open >= used_upto && lastq_close < (long)i &&
                lastq_close - lastq_open > 3) {
                /* «...»، قال X. : the quote before the verb. */
                int between = 1;
                for (size_t b = (size_t)lastq_close + 1; b < i; b++)
                    if (!t[b].punct || quote_family(t[b].punct)) between = 0;
                if (between) {
                    size_t me = mention_end(c, i + 1);
                    pid = resolve(c, i + 1, me, 0, 0, 0);
                    rc = add(c, pid, i + 1, me, 0, i, i, (size_t)lastq_open + 1, (size_t)lastq_close - 1, 1);
                    used_upto = me;
                    lastq_close = lastq_open = -1;
                    i = me;
                    continue;
                }
            }
            if (ok && f.m0 == f.m1 && !k->waw) subject_before(c, i, sent, &f);
            if (ok) pid = resolve(c, f.m0, f.m1, 0, f.a0, f.a1);
            if (ok && f.m0 < f.m1) named = 1;
            else if (ok && pid >= 0 && pid == c->cur) {
                /* An omitted subject continues the speaker only when the
                ** verb agrees with the one that named them. */
                int g = verb_gender(c, k);
                if (g >= 0 && c->cur_gender >= 0 && g != c->cur_gender) pid = -1;
            }
        } else if (k->kind == K_ATTR && !open) {
            /* بحسب X / وفقًا لـ X / نقلًا عن X / على لسان X */
            char req[64];
            size_t reqn = verb_prep(k, req), j = i + 1, mskip = 0;
            f.v1 = i;
            if (reqn) {
                if (j >= nt || t[j].punct) { i++; continue; }
                if (t[j].nn == reqn && !memcmp(N(c, &t[j]), req, reqn)) {
                    f.v1 = j++;
                } else if (reqn == 2 && t[j].nn > 6 && !memcmp(N(c, &t[j]), req, 2)) {
                    /* "لوزارة": the mention starts after the glued ل (and tatweel). */
                    size_t len;
                    mskip = 0;
                    kb__utf8_decode((const unsigned char *)c->p + t[j].b0 + mskip, t[j].b1 - t[j].b0, &len);
                    mskip = len;
                    while (t[j].b0 + mskip + 2 <= t[j].b1 && !memcmp(c->p + t[j].b0 + mskip, "\xd9\x80", 2)) mskip += 2;
                } else {
                    i++;
                    continue;
                }
            }
            /* "بحسب ما أفادت وكالة ...": skip "ما" and its verb. */
            if (j + 2 < nt && !mskip && norm_is(c, &t[j], "ما") && (t[j + 1].cls & W_VERB)) j += 2;
            /* a glued ل makes the first word look like a stop word ("لوكالة") */
            size_t me = mskip ? mention_end(c, j + 1) : mention_end(c, j);
            if (me == j || !is_source(c, j, mskip)) { i++; continue; }
            if (i == sent) {
                /* The phrase opens the sentence: the statement follows. */
                size_t s = me;
                /* "وبحسب بيان صادر عن ...، فإن": the statement follows the comma. */
                for (size_t b = me; b < nt && b <= me + WINDOW && !is_sentence_end(t[b].punct); b++)
                    if (is_comma(t[b].punct)) { s = b; break; }
                while (s < nt && is_comma(t[s].punct)) s++;
                if (s < nt && (norm_is(c, &t[s], "فقد") || norm_is(c, &t[s], "فان"))) s++;
                if (s < nt && (t[s].cls & W_COMP)) s = after_comp(t, s);
                if (s >= nt || t[s].punct) { i = me; continue; }
                pid = resolve(c, j, me, mskip, 0, 0);
                open = 1;
                qs = s; qv0 = i; qv1 = f.v1; qm0 = j; qm1 = me; qmskip = mskip; qpid = pid;
                i = s;
                continue;
            }
            /* The statement is the clause before the phrase. */
            size_t s = sent > used_upto ? sent : used_upto;
            size_t e = trim_end(t, s, i);
            if (e > s + 2) {
                int direct = quote_family(t[s].punct) && close[s] == (long)e - 1;
                pid = resolve(c, j, me, mskip, 0, 0);
                rc = add(c, pid, j, me, mskip, i, f.v1, direct ? s + 1 : s, direct ? e - 2 : e - 1, direct);
                used_upto = me;
            }
            i = me;
            continue;
        }
        if (!ok) { i++; continue; }
        if (open) FINISH(i);
        if (rc) break;
        if (f.direct) {
            rc = add(c, pid, f.m0, f.m1, 0, i, f.v1, f.s, f.close - 1, 1);
            used_upto = f.close + 1;
            lastq_open = lastq_close = -1;
            i = f.close + 1;
            continue;
        }
        if (f.s >= nt) { i++; continue; }
        /* "قال إن «...»": a reported verb whose statement is all quoted. */
        if (quote_family(t[f.s].punct) && close[f.s] > (long)f.s + 1) {
            size_t cl = (size_t)close[f.s];
            size_t after = cl + 1;
            if (after >= nt || is_sentence_end(t[after].punct) || is_comma(t[after].punct)) {
                rc = add(c, pid, f.m0, f.m1, 0, i, f.v1, f.s + 1, cl - 1, 1);
                used_upto = cl + 1;
                lastq_open = lastq_close = -1;
                i = cl + 1;
                continue;
            }
        }
        open = 1;
        qs = f.s; qv0 = i; qv1 = f.v1; qm0 = f.m0; qm1 = f.m1; qmskip = 0; qpid = pid;
        if (named || pid != c->cur) c->cur_gender = named ? verb_gender(c, k) : -1;
        c->cur = pid;
        i = f.s;
    }
    if (open && rc == KB_OK) FINISH(nt);
#undef FINISH
    return rc;
}

static int ent_cmp(const void *a, const void *b) {
    const kb_entity *x = *(const kb_entity *const *)a, *y = *(const kb_entity *const *)b;
    if (x->paragraph != y->paragraph) return x->paragraph < y->paragraph ? -1 : 1;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Copy p[0..n) NUL-terminated to buf + off. */
static const char *zcopy(char *buf, size_t off, const char *p, size_t n) {
    memcpy(buf + off, p, n);
    buf[off + n] = 0;
    return buf + off;
}

/* The same for a speaker's name, without quotation marks (an outlet's name
** is quoted in the text: صحيفة "ديلي ميل" -> صحيفة ديلي ميل) and without
** the spaces they leave doubled or at the ends. */
static const char *zcopy_name(char *buf, size_t off, const char *p, size_t n) {
    char *o = buf + off;
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        const unsigned char *u = (const unsigned char *)p + i;
        size_t q = *u == '"' ? 1
                 : i + 1 < n && u[0] == 0xC2 && (u[1] == 0xAB || u[1] == 0xBB) ? 2 /* « » */
                 : i + 2 < n && u[0] == 0xE2 && u[1] == 0x80 && u[2] >= 0x9C && u[2] <= 0x9E ? 3 /* “ ” „ */
                 : 0;
        if (q) {
            i += q;
            continue;
        }
        if (*u == ' ' && (w == 0 || o[w - 1] == ' ')) {
            i++;
            continue;
        }
        o[w++] = (char)*u;
        i++;
    }
    while (w > 0 && o[w - 1] == ' ') w--;
    o[w] = 0;
    return o;
}

/* The lexicons, looked up once per process (they live as long as it). */
static const kb_lex *g_verbs, *g_words, *g_titles;
static pthread_once_t g_lex_once = PTHREAD_ONCE_INIT;

static void lex_load(void) {
    g_verbs = kb__lex_get("speech-verbs.tsv", KB_NORM_SEARCH);
    g_words = kb__lex_get("quote-words.tsv", KB_NORM_SEARCH);
    g_titles = kb__lex_get("speaker-titles.tsv", KB_NORM_SEARCH);
    const kb_lex *all[3] = {g_verbs, g_words, g_titles};
    for (int l = 0; l < 3; l++) {
        size_t n = kb__lex_size(all[l]), kn;
        for (size_t i = 0; i < n; i++) {
            const char *k = kb__lex_key(all[l], i, &kn);
            uint64_t h = kb__lex_hash(k, kn);
            g_any_key[KEY_BIT(h) >> 6] |= 1ULL << (KEY_BIT(h) & 63);
        }
    }
}

int kb__find_quotes(kb_xart *x) {
    if (!x) return KB_OK;
    qctx c;
    memset(&c, 0, sizeof c);
    c.x = x;
    c.cur = -1;
    c.cur_gender = -1;
    pthread_once(&g_lex_once, lex_load);
    c.verbs = g_verbs;
    c.words = g_words;
    c.titles = g_titles;
    int rc = KB_OK;
    long *close = NULL;
    size_t cap_close = 0;
    char *sbuf = NULL;
    size_t cap_s = 0;
    /* person_new() clears each person as it is taken: no calloc of the
    ** whole table (half a megabyte) per article. */
    c.pers = malloc(PERSONS_MAX * sizeof(person));
    if (!c.pers) return KB_ENOMEM;

    /* Person entities as evidence, sorted for the per-paragraph cursor. */
    if (x->a.nentities) {
        c.ents = malloc(x->a.nentities * sizeof *c.ents);
        if (!c.ents) { rc = KB_ENOMEM; goto done; }
        for (size_t i = 0; i < x->a.nentities; i++) {
            const kb_entity *e = &x->a.entities[i];
            if (e->type && !strcmp(e->type, "PER") && e->canonical && e->paragraph >= 0 && e->start < e->end)
                c.ents[c.nents++] = e;
        }
        qsort(c.ents, c.nents, sizeof *c.ents, ent_cmp);
    }

    for (size_t pi = 0; pi < x->a.nparagraphs && rc == KB_OK; pi++) {
        c.p = x->a.paragraphs[pi];
        c.n = strlen(c.p);
        c.par = (long)pi;
        if ((rc = tokenize(&c))) break;
        if (!c.nt) continue;
        if (grow((void **)&close, &cap_close, c.nt, sizeof *close)) { rc = KB_ENOMEM; break; }
        rc = find_in_paragraph(&c, close);
    }

    for (size_t i = 0; i < c.nq && rc == KB_OK; i++) {
        const pquote *q = &c.q[i];
        const person *ps = q->pid >= 0 ? &c.pers[q->pid] : NULL;
        size_t sn = ps && ps->name ? ps->namen : 0;
        size_t need = q->mn + q->vn + q->tn + sn + 4;
        if (grow((void **)&sbuf, &cap_s, need, 1)) { rc = KB_ENOMEM; break; }
        kb_quote out;
        memset(&out, 0, sizeof out);
        size_t off = 0;
        out.speaker_mention = zcopy(sbuf, off, q->mp, q->mn); off += q->mn + 1;
        out.verb = zcopy(sbuf, off, q->vp, q->vn); off += q->vn + 1;
        out.text = zcopy(sbuf, off, q->tp, q->tn); off += q->tn + 1;
        out.speaker = ps && ps->name ? zcopy_name(sbuf, off, ps->name, sn) : NULL;
        out.direct = q->direct;
        out.paragraph = q->par;
        out.start = q->c0;
        out.end = q->c1;
        rc = kb__art_add_quote(x, &out);
    }
done:
    free(sbuf);
    free(close);
    free(c.t);
    free(c.norm);
    free(c.q);
    free(c.pers);
    free(c.ents);
    return rc;
}
