/*
** Named entities of an article (kb__find_entities, run first by kb_analyze):
** persons, places, organisations and other names in the title and every
** paragraph, each with the fullest name the article gives for it.
**
** Pipeline, over the whole article at once (so that names can be resolved
** across paragraphs):
**   1. Tokenize every paragraph (KB_NORM_SEARCH for matching; offsets come
**      from the original text and are turned into code points).
**   2. Per sentence: gazetteer matches (ner.c) and the tagger's spans.
**      Places and organisations the gazetteers know win over the tagger,
**      except where the tagger found a longer name around them ("جامعة
**      القاهرة"). A title followed by a given name ("اللواء أحمد ...")
**      makes a person even where the tagger saw none. Titles are cut off
**      the front of persons ("اللواء أحمد المسماري" -> "أحمد المسماري").
**      A nisba adjective alone ("الليبي") is not a place: the tagger's
**      one-word LOC on a nisba is dropped (decision documented in
**      docs/internals/analyze.md).
**   3. Across the article: the family name of a person named in full is a
**      mention of that person wherever it stands alone ("المسماري",
**      "لحفتر"); proclitics are cut off a mention's first word when the
**      rest is a word the article or the gazetteers know.
**   4. Canonical names: the gazetteer's name for places and organisations
**      it knows; otherwise the longest mention of the same type whose words
**      begin or end with this mention's words, without diacritics.
*/
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze_int.h"
#include "analyze/entities.h"
#include "analyze/ner.h"
#include "core/buf.h"
#include "core/lex.h"
#include "core/utf8.h"

/* One token of the article (analyze_int.h). */
typedef kb_atok atok;

/* A mention under construction: tokens [t0, t1) of the article. */
typedef struct ment {
    size_t t0, t1;
    int type;              /* index into kb__ner_types */
    unsigned strip;        /* proclitic letters to skip in token t0 */
    const char *gcanon;    /* gazetteer canonical name, or NULL */
    size_t key, keyn;      /* normalized words, offset into the key buffer */
    size_t text, textn;    /* display text (no diacritics) in the key buffer */
    size_t c0, c1;         /* final code-point offsets */
} ment;

typedef struct ctx {
    kb_xart *x;
    kb_buf toks, words, ments, keys;
    const kb_lex *currencies; /* data/currencies.tsv (is_currency) */
} ctx;

#define TOK(c, i) (((atok *)(void *)(c)->toks.p)[i])
#define MENT(c, i) (((ment *)(void *)(c)->ments.p)[i])
#define NTOK(c) ((c)->toks.n / sizeof(atok))
#define NMENT(c) ((c)->ments.n / sizeof(ment))

static const char *par_text(const kb_xart *x, long par) {
    return par < 0 ? x->a.title : x->a.paragraphs[par];
}

static int is_mark(uint32_t u) {
    return (u >= 0x064B && u <= 0x065F) || u == 0x0670 || u == 0x0640 || u == 0x200C || u == 0x200D;
}

/* 1 if w starts with one of the proclitic letters و ف ب ك ل. */
static int proclitic_letter(const char *w, size_t n) {
    if (n < 2) return 0;
    unsigned char a = (unsigned char)w[0], b = (unsigned char)w[1];
    return (a == 0xD9 && (b == 0x88 || b == 0x81 || b == 0x83 || b == 0x84)) || (a == 0xD8 && b == 0xA8);
}

/* --- 1. tokens ------------------------------------------------------------------ */

static int tokenize_par(ctx *c, kb_tokenizer *tz, long par) {
    const char *p = par_text(c->x, par);
    if (!p) return KB_OK;
    size_t n = strlen(p), bpos = 0, cpos = 0;
    kb_tokenizer_reset(tz, p, n);
    kb_token t;
    while (kb_tokenizer_next(tz, &t)) {
        atok a = {par, t.start, t.end, 0, 0, c->words.n, t.norm_n, t.norm_n, t.type};
        /* Offsets strictly increase, so one forward walk converts them. */
        while (bpos < t.start) { size_t l; kb__utf8_decode((const unsigned char *)p + bpos, n - bpos, &l); bpos += l; cpos++; }
        a.c0 = cpos;
        while (bpos < t.end) { size_t l; kb__utf8_decode((const unsigned char *)p + bpos, n - bpos, &l); bpos += l; cpos++; }
        a.c1 = cpos;
        if (!t.norm_n) { a.wn = 1; if (kb__buf_addc(&c->words, '_')) return KB_ENOMEM; }
        else if (kb__buf_add(&c->words, t.norm, t.norm_n)) return KB_ENOMEM;
        if (kb__buf_add(&c->toks, &a, sizeof a)) return KB_ENOMEM;
    }
    return KB_OK;
}

static int ends_sentence(const atok *t, const char *w) {
    if (t->type != KB_TOK_PUNCT) return 0;
    return (t->wn == 1 && (w[0] == '.' || w[0] == '!' || w[0] == '?')) ||
           (t->wn == 2 && !memcmp(w, "\xD8\x9F", 2));
}

/* --- 2. per sentence ------------------------------------------------------------- */

static int add_ment(ctx *c, size_t t0, size_t t1, int type, unsigned strip, const char *gcanon) {
    ment m = {t0, t1, type, strip, gcanon, 0, 0, 0, 0, 0, 0};
    return kb__buf_add(&c->ments, &m, sizeof m) ? KB_ENOMEM : KB_OK;
}

static int overlaps(size_t a0, size_t a1, size_t b0, size_t b1) { return a0 < b1 && b0 < a1; }

/* A title match covering tokens [i, j) of the sentence, or 0. */
static size_t title_at(const kb_gaz_match *gm, size_t ng, size_t i) {
    for (size_t k = 0; k < ng; k++)
        if (gm[k].i == i && (gm[k].cls & KB_GZ_TITLE) && !(gm[k].cls & (KB_GZ_LOC | KB_GZ_ORG)))
            return gm[k].j;
    return 0;
}

/* 1 if the search-normalized word w names a currency ("دينار",
** "بالدينار", "والدولارات"): the tagger sometimes reads such a word after a
** number as a place, and no entity starts with one. data/currencies.tsv
** marks names with "name" in its second column (adjectives say "adj"). */
static int is_currency(const kb_lex *lex, const char *w, size_t n) {
    for (int step = 0; step < 4; step++) {
        size_t vn = 0;
        const char *v = kb__lex_find(lex, w, n, &vn);
        if (v && vn >= 4 && !memcmp(v, "name", 4)) return 1;
        /* Peel و/ف, then ب/ك/ل, then ال, from words of five letters or more. */
        if (n < 10) break;
        unsigned char a = (unsigned char)w[0], b = (unsigned char)w[1];
        int lead = a == 0xD9 && (b == 0x88 || b == 0x81);                       /* و ف */
        int prep = (a == 0xD8 && b == 0xA8) || (a == 0xD9 && (b == 0x83 || b == 0x84)); /* ب ك ل */
        int al = !memcmp(w, "\xD8\xA7\xD9\x84", 4);
        if (al) { w += 4; n -= 4; }
        else if ((step == 0 && lead) || (step <= 1 && prep)) { w += 2; n -= 2; }
        else break;
    }
    return 0;
}

/* Tokens [a, a + n) of the article, a sentence: tk holds them prepared and
** tags their tagger tags (both passes, run over the whole article). */
static int sentence(ctx *c, size_t a, size_t n, const kb_ner_tok *tk, const int *tags) {
    kb_gaz_match gm[KB_NER_MAXLEN];
    /* Each token ends up in at most one span: span_of[i] = type + 1. */
    int taken[KB_NER_MAXLEN];
    for (size_t i = 0; i < n; i++) taken[i] = 0;
    size_t ng = kb__ner_gaz_matches(tk, n, gm, KB_NER_MAXLEN); /* as kb__ner_prepare found them */

    /* Tagger spans, checked against the gazetteers. */
    typedef struct { size_t i, j; int type; unsigned strip; const char *canon; } cand;
    cand cs[KB_NER_MAXLEN];
    size_t nc = 0;
    for (size_t i = 0; i < n;) {
        if (!tags[i]) { i++; continue; }
        int ty = KB_NER_TYPE(tags[i]);
        size_t j = i + 1;
        while (j < n && tags[j] && !KB_NER_IS_B(tags[j]) && KB_NER_TYPE(tags[j]) == ty) j++;
        int keep = 1;
        for (size_t k = 0; k < ng && keep; k++) {
            if (!(gm[k].cls & (KB_GZ_LOC | KB_GZ_ORG)) || !overlaps(i, j, gm[k].i, gm[k].j)) continue;
            int contains = i <= gm[k].i && gm[k].j <= j && (j - i) > (gm[k].j - gm[k].i);
            if (!contains || ty == 1) keep = 0;
        }
        /* A nisba adjective on its own is not a place. */
        if (keep && ty == 1 && j == i + 1 && (tk[i].gz & KB_GZ_NISBA) && !(tk[i].gz & KB_GZ_LOC)) keep = 0;
        /* Titles are not part of a person's name. */
        size_t tj;
        while (keep && ty == 0 && i < j && (tj = title_at(gm, ng, i)) != 0 && tj <= j) i = tj;
        if (keep && i < j) cs[nc++] = (cand){i, j, ty, 0, NULL};
        i = j;
    }
    for (size_t k = 0; k < nc; k++)
        for (size_t i = cs[k].i; i < cs[k].j; i++) taken[i] = 1;
    /* Gazetteer places and organisations not inside a longer tagger name. */
    for (size_t k = 0; k < ng; k++) {
        if (!(gm[k].cls & (KB_GZ_LOC | KB_GZ_ORG))) continue;
        int free_ = 1;
        for (size_t i = gm[k].i; i < gm[k].j; i++) free_ &= !taken[i];
        /* Search folding makes the adjective "ليبيًا" read "ليبيا"; names of
        ** places never carry tanween, so its mark tells them apart. */
        if (gm[k].j == gm[k].i + 1) {
            const atok *t = &TOK(c, a + gm[k].i);
            const char *p = par_text(c->x, t->par) + t->b0;
            for (size_t b = 0; b + 1 < t->b1 - t->b0; b++)
                if (p[b] == '\xD9' && (p[b + 1] == '\x8B' || p[b + 1] == '\x8C' || p[b + 1] == '\x8D')) free_ = 0;
        }
        if (!free_) continue;
        unsigned strip = gm[k].strip == 0xFF ? 0 : gm[k].strip;
        cs[nc++] = (cand){gm[k].i, gm[k].j, gm[k].cls & KB_GZ_LOC ? 1 : 2, strip, gm[k].canonical};
        for (size_t i = gm[k].i; i < gm[k].j; i++) taken[i] = 1;
    }
    /* Title (+ nisba adjectives) + given name: a person the tagger missed. */
    for (size_t k = 0; k < ng; k++) {
        if (!(gm[k].cls & KB_GZ_TITLE) || (gm[k].cls & (KB_GZ_LOC | KB_GZ_ORG))) continue;
        size_t i = gm[k].j;
        while (i < n && (tk[i].gz & KB_GZ_NISBA) && !taken[i]) i++;
        if (i >= n || taken[i] || !(tk[i].gz & KB_GZ_GIVEN) || TOK(c, a + i).type != KB_TOK_WORD) continue;
        size_t j = i + 1;
        while (j < n && j < i + 3 && !taken[j] && TOK(c, a + j).type == KB_TOK_WORD &&
               !kb_is_stopword(tk[j].w, tk[j].n) && !(tk[j].gz & (KB_GZ_TITLE | KB_GZ_LOC | KB_GZ_ORG | KB_GZ_TRIGGER)) &&
               !title_at(gm, ng, j))
            j++;
        cs[nc++] = (cand){i, j, 0, 0, NULL};
        for (size_t q = i; q < j; q++) taken[q] = 1;
    }
    for (size_t k = 0; k < nc; k++) {
        /* A currency word opens no name, unless the gazetteers know the
        ** name ("ريال مدريد"). */
        if (!cs[k].canon && is_currency(c->currencies, tk[cs[k].i].w, tk[cs[k].i].n)) continue;
        /* The light proclitic cut for tagger spans: only where the gazetteers
        ** know the rest ("وألمانيا"); persons are handled article-wide. */
        unsigned strip = cs[k].strip;
        if (!cs[k].canon && cs[k].type != 0) strip = kb__ner_clitic_len(tk[cs[k].i].w, tk[cs[k].i].n);
        if (add_ment(c, a + cs[k].i, a + cs[k].j, cs[k].type, strip, cs[k].canon)) return KB_ENOMEM;
    }
    return KB_OK;
}

/* --- 3 and 4. across the article -------------------------------------------------- */

/* Bytes and code points of the first k letters of p (with their marks). */
static void skip_letters(const char *p, size_t n, unsigned k, size_t *bytes, size_t *cpts) {
    size_t b = 0, cp = 0;
    while (b < n && k) {
        size_t l;
        kb__utf8_decode((const unsigned char *)p + b, n - b, &l);
        b += l;
        cp++;
        k--;
        for (;;) {
            if (b >= n) break;
            uint32_t u = kb__utf8_decode((const unsigned char *)p + b, n - b, &l);
            if (!is_mark(u)) break;
            b += l;
            cp++;
        }
    }
    *bytes = b;
    *cpts = cp;
}

/* Fill a mention's key (normalized words, first one without its clitics),
** display text and offsets. */
static int finish_ment(ctx *c, size_t mi) {
    ment *m = &MENT(c, mi);
    const atok *t0 = &TOK(c, m->t0), *tl = &TOK(c, m->t1 - 1);
    const char *p = par_text(c->x, t0->par);
    size_t sb, scp;
    skip_letters(p + t0->b0, t0->b1 - t0->b0, m->strip, &sb, &scp);
    size_t ws = 2 * m->strip < t0->wn ? 2 * m->strip : 0; /* proclitics are 2-byte letters */
    size_t key = c->keys.n;
    for (size_t i = m->t0; i < m->t1; i++) {
        const atok *t = &TOK(c, i);
        size_t off = i == m->t0 ? ws : 0;
        if (i > m->t0 && kb__buf_addc(&c->keys, ' ')) return KB_ENOMEM;
        if (kb__buf_add(&c->keys, c->words.p + t->w + off, t->wn - off)) return KB_ENOMEM;
    }
    size_t keyn = c->keys.n - key;
    size_t text = c->keys.n, bn = tl->b1 - (t0->b0 + sb);
    if (kb__buf_reserve(&c->keys, KB_NORMALIZE_BOUND(bn) + 1)) return KB_ENOMEM;
    size_t tn = kb_normalize_into(p + t0->b0 + sb, bn, KB_NORM_DIACRITICS | KB_NORM_TATWEEL, c->keys.p + c->keys.n);
    c->keys.n += tn;
    if (kb__buf_addc(&c->keys, 0)) return KB_ENOMEM;
    m = &MENT(c, mi);
    m->key = key;
    m->keyn = keyn;
    m->text = text;
    m->textn = tn;
    m->c0 = t0->c0 + scp;
    m->c1 = tl->c1;
    return KB_OK;
}

/* 1 if words a[0..an) are a whole-word prefix or suffix of b[0..bn). */
static int word_affix(const char *a, size_t an, const char *b, size_t bn) {
    if (an > bn || !an) return 0;
    if (an == bn) return !memcmp(a, b, an);
    if (!memcmp(b, a, an) && b[an] == ' ') return 1;
    return !memcmp(b + bn - an, a, an) && b[bn - an - 1] == ' ';
}

/* A set of words (pointer, length) with a value, open addressing; sized
** once for its maximum. Keeps the passes below linear in the article. */
typedef struct wslot {
    const char *w;
    size_t n;
    long v;
} wslot;

typedef struct wset {
    wslot *s;
    size_t cap;
} wset;

static int wset_init(wset *t, size_t max) {
    t->cap = 16;
    while (t->cap < max * 2) t->cap *= 2;
    t->s = calloc(t->cap, sizeof *t->s);
    return t->s ? KB_OK : KB_ENOMEM;
}

/* The slot of w (empty when absent). */
static wslot *wset_slot(const wset *t, const char *w, size_t n) {
    size_t h = (size_t)kb__hash_mem(w, n) & (t->cap - 1);
    while (t->s[h].w && !(t->s[h].n == n && !memcmp(t->s[h].w, w, n))) h = (h + 1) & (t->cap - 1);
    return &t->s[h];
}

/* Family names of persons named in full, as stand-alone mentions. */
static int family_mentions(ctx *c) {
    size_t nm0 = NMENT(c), nt = NTOK(c);
    unsigned char *in = calloc(nt ? nt : 1, 1);
    if (!in) return KB_ENOMEM;
    wset fam;
    if (wset_init(&fam, nm0 + 1)) {
        free(in);
        return KB_ENOMEM;
    }
    /* The last words (three letters at least) of persons named in full.
    ** A word of another length than theirs needs no look-up. */
    size_t fmin = (size_t)-1, fmax = 0;
    for (size_t k = 0; k < nm0; k++) {
        const ment *m = &MENT(c, k);
        for (size_t i = m->t0; i < m->t1; i++) in[i] = 1;
        if (m->type != 0 || m->t1 - m->t0 < 2) continue;
        const atok *l = &TOK(c, m->t1 - 1);
        if (l->wn < 6) continue;
        wslot *e = wset_slot(&fam, c->words.p + l->w, l->wn);
        e->w = c->words.p + l->w;
        e->n = l->wn;
        if (l->wn < fmin) fmin = l->wn;
        if (l->wn > fmax) fmax = l->wn;
    }
#define FAM(p, n) ((n) >= fmin && (n) <= fmax && wset_slot(&fam, p, n)->w)
    int rc = KB_OK;
    for (size_t i = 0; i < nt && !rc; i++) {
        const atok *t = &TOK(c, i);
        if (in[i] || t->type != KB_TOK_WORD) continue;
        const char *w = c->words.p + t->w;
        unsigned strip;
        if (FAM(w, t->wn)) strip = 0;
        else if (t->wn > 2 && proclitic_letter(w, t->wn) && FAM(w + 2, t->wn - 2))
            strip = 1; /* و ف ب ك ل + name */
        else if (t->wn > 4 && proclitic_letter(w, 2) && proclitic_letter(w + 2, 2) && FAM(w + 4, t->wn - 4))
            strip = 2; /* و + ب/ك/ل + name */
        else continue;
        if (kb_is_stopword(w, t->wn)) continue;
        rc = add_ment(c, i, i + 1, 0, strip, NULL);
        in[i] = 1;
    }
#undef FAM
    free(fam.s);
    free(in);
    return rc;
}

/* Cut proclitics off a person's first word when the rest is a word of
** another person mention ("لحفتر" next to "خليفة حفتر"). The words of all
** person mentions go into a set first (word -> the mention it is in, or -2
** for several), so the work stays linear in the mentions. */
static void person_clitics(ctx *c) {
    size_t nm = NMENT(c), nw = 0;
    for (size_t k = 0; k < nm; k++)
        if (MENT(c, k).type == 0) nw += MENT(c, k).t1 - MENT(c, k).t0;
    if (nw < 2) return;
    wset tab;
    if (wset_init(&tab, nw)) return; /* out of memory: the names keep their clitics */
    for (size_t q = 0; q < nm; q++) {
        const ment *o = &MENT(c, q);
        if (o->type != 0) continue;
        for (size_t i = o->t0; i < o->t1; i++) {
            if (i == o->t0 && o->strip) continue; /* only words as written */
            const atok *u = &TOK(c, i);
            wslot *e = wset_slot(&tab, c->words.p + u->w, u->wn);
            if (!e->w) {
                e->w = c->words.p + u->w;
                e->n = u->wn;
                e->v = (long)q;
            } else if (e->v != (long)q) {
                e->v = -2;
            }
        }
    }
    for (size_t k = 0; k < nm; k++) {
        ment *m = &MENT(c, k);
        if (m->type != 0 || m->strip) continue;
        const atok *t = &TOK(c, m->t0);
        const char *w = c->words.p + t->w;
        for (unsigned s = 1; s <= 2 && 2 * s + 4 <= t->wn && proclitic_letter(w + 2 * (s - 1), 2); s++) {
            const wslot *e = wset_slot(&tab, w + 2 * s, t->wn - 2 * s);
            if (e->w && e->v != (long)k) {
                m->strip = s;
                break;
            }
        }
    }
    free(tab.s);
}

static int cmp_ment(const void *a, const void *b) {
    const ment *x = a, *y = b;
    return x->t0 < y->t0 ? -1 : x->t0 > y->t0;
}

int kb__find_entities(kb_xart *x, kb_atoks *keep) {
    if (keep) {
        kb__buf_init(&keep->toks, KB_BUF_DEFAULT_MAX);
        kb__buf_init(&keep->words, KB_BUF_DEFAULT_MAX);
    }
    if (kb__ner_gaz_init()) return KB_ENOMEM;
    const kb_ner_model *model = kb__ner_model();
    ctx c = {x, {0}, {0}, {0}, {0}, kb__lex_get("currencies.tsv", KB_NORM_SEARCH)};
    kb__buf_init(&c.toks, KB_BUF_DEFAULT_MAX);
    kb__buf_init(&c.words, KB_BUF_DEFAULT_MAX);
    kb__buf_init(&c.ments, KB_BUF_DEFAULT_MAX);
    kb__buf_init(&c.keys, KB_BUF_DEFAULT_MAX);
    kb_tokenizer *tz = NULL;
    int rc = kb_tokenizer_new(&tz, KB_NORM_SEARCH, 0);
    for (long par = -1; !rc && par < (long)x->a.nparagraphs; par++) rc = tokenize_par(&c, tz, par);
    kb_tokenizer_free(tz);
    /* Sentences: cut at sentence-ending punctuation, paragraph ends, and
    ** the tagger's length limit. */
    size_t nt = NTOK(&c), ns = 0;
    kb_ner_tok *tk = NULL;
    int *tags = NULL;
    size_t *sent = NULL;
    if (!rc && nt) {
        tk = malloc(nt * sizeof *tk);
        tags = calloc(nt, sizeof *tags);
        sent = malloc(nt * sizeof *sent);
        if (!tk || !tags || !sent) rc = KB_ENOMEM;
    }
    for (size_t a = 0; !rc && a < nt;) {
        size_t b = a;
        while (b < nt && b - a < KB_NER_MAXLEN && TOK(&c, b).par == TOK(&c, a).par) {
            tk[b].w = c.words.p + TOK(&c, b).w;
            tk[b].n = TOK(&c, b).wn;
            b++;
            if (ends_sentence(&TOK(&c, b - 1), c.words.p + TOK(&c, b - 1).w)) break;
        }
        kb__ner_prepare(tk + a, b - a);
        sent[ns++] = a;
        a = b;
    }
    /* The tagger sees the whole article at once: its second pass reads what
    ** the first found for the same words elsewhere in the article. Out of
    ** memory there leaves the first pass's tags, which are still good. */
    if (!rc && model && nt) (void)kb__ner_tag_doc(model, tk, nt, sent, ns, tags);
    for (size_t k = 0; !rc && k < ns; k++) {
        size_t a = sent[k], b = k + 1 < ns ? sent[k + 1] : nt;
        rc = sentence(&c, a, b - a, tk + a, tags + a);
    }
    free(tk);
    free(tags);
    free(sent);
    if (!rc) rc = family_mentions(&c);
    if (!rc) {
        person_clitics(&c);
        if (NMENT(&c) > 1) qsort(c.ments.p, NMENT(&c), sizeof(ment), cmp_ment);
        for (size_t k = 0; !rc && k < NMENT(&c); k++) rc = finish_ment(&c, k);
    }
    /* Canonical names: the longest mention of the same type whose words
    ** begin or end with this one's (the first of equals). Computed once per
    ** distinct (type, words) and compared against the first CANON_CANDIDATES
    ** distinct names of the type: the full name comes early in an article,
    ** and a page of thousands of names stays linear. */
    enum { CANON_CANDIDATES = 256 };
    wset canon_of = {NULL, 0};
    size_t *firsts = NULL, nfirst = 0;
    if (!rc && (wset_init(&canon_of, NMENT(&c) + 1) ||
                !(firsts = malloc((NMENT(&c) + 1) * sizeof *firsts)))) {
        rc = KB_ENOMEM;
        canon_of.s = NULL;
    }
    for (size_t k = 0; !rc && k < NMENT(&c); k++) {
        /* distinct keys in order of first mention (the type is the key's
        ** first byte's neighbour: keys of different types may repeat) */
        const ment *m = &MENT(&c, k);
        if (!m->textn || m->gcanon) continue;
        int seen = 0;
        for (size_t j = nfirst; j-- > 0 && nfirst - j <= CANON_CANDIDATES && !seen;)
            seen = MENT(&c, firsts[j]).type == m->type && MENT(&c, firsts[j]).keyn == m->keyn &&
                   !memcmp(c.keys.p + MENT(&c, firsts[j]).key, c.keys.p + m->key, m->keyn);
        if (!seen) firsts[nfirst++] = k;
    }
    for (size_t k = 0; !rc && k < NMENT(&c); k++) {
        const ment *m = &MENT(&c, k);
        if (!m->textn) continue;
        const char *canon = m->gcanon;
        if (!canon) {
            wslot *e = wset_slot(&canon_of, c.keys.p + m->key, m->keyn);
            if (e->w && (size_t)MENT(&c, (size_t)e->v).type == (size_t)m->type) {
                canon = c.keys.p + MENT(&c, (size_t)e->v).text;
            } else {
                const ment *best = m;
                size_t seen_of_type = 0;
                for (size_t j = 0; j < nfirst && seen_of_type < CANON_CANDIDATES; j++) {
                    const ment *o = &MENT(&c, firsts[j]);
                    if (o->type != m->type) continue;
                    seen_of_type++;
                    if (o->keyn <= best->keyn) continue;
                    if (word_affix(c.keys.p + m->key, m->keyn, c.keys.p + o->key, o->keyn)) best = o;
                }
                canon = c.keys.p + best->text;
                if (!e->w) {
                    e->w = c.keys.p + m->key;
                    e->n = m->keyn;
                    e->v = (long)(best - &MENT(&c, 0));
                }
            }
        }
        kb_entity e = {c.keys.p + m->text, kb__ner_types[m->type], canon, TOK(&c, m->t0).par, m->c0, m->c1};
        /* The text as written (with its diacritics), not the folded copy. */
        const char *p = par_text(x, e.paragraph);
        const atok *t0 = &TOK(&c, m->t0), *tl = &TOK(&c, m->t1 - 1);
        size_t sb, scp;
        skip_letters(p + t0->b0, t0->b1 - t0->b0, m->strip, &sb, &scp);
        char *text = kb__arena_strndup(&x->arena, p + t0->b0 + sb, tl->b1 - t0->b0 - sb);
        if (!text) { rc = KB_ENOMEM; break; }
        e.text = text;
        rc = kb__art_add_entity(x, &e);
    }
    free(canon_of.s);
    free(firsts);
    if (keep && !rc) {
        /* The tokens go on to kb__find_amounts. */
        keep->toks = c.toks;
        keep->words = c.words;
    } else {
        kb__buf_free(&c.toks);
        kb__buf_free(&c.words);
    }
    kb__buf_free(&c.ments);
    kb__buf_free(&c.keys);
    return rc;
}

/* --- for the other analysers (entities.h) ----------------------------------------- */

size_t kb__entities_persons(const kb_article *a, const char **names, size_t max) {
    size_t k = 0;
    for (size_t i = 0; a && i < a->nentities; i++) {
        const kb_entity *e = &a->entities[i];
        if (strcmp(e->type, "PER")) continue;
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = !strcmp(a->entities[j].type, "PER") && !strcmp(a->entities[j].canonical, e->canonical);
        if (seen) continue;
        if (k < max) names[k] = e->canonical;
        k++;
    }
    return k;
}

const char *kb__entities_resolve(const kb_article *a, const char *p, size_t n) {
    if (!a || !p || n > 4096 || kb__ner_gaz_init()) return NULL;
    char *m = malloc(KB_NORMALIZE_BOUND(n) + 1), *cn = NULL;
    if (!m) return NULL;
    size_t mn = kb_normalize_into(p, n, KB_NORM_SEARCH, m), mi = 0;
    /* Drop leading titles and punctuation, word by word. */
    for (;;) {
        while (mi < mn && m[mi] == ' ') mi++;
        size_t e = mi;
        while (e < mn && m[e] != ' ') e++;
        if (e == mi || !(kb__ner_word_class(m + mi, e - mi, NULL) & KB_GZ_TITLE) || e == mn) break;
        mi = e;
    }
    while (mn > mi && m[mn - 1] == ' ') mn--;
    const char *best = NULL;
    size_t bestn = 0;
    for (size_t i = 0; i < a->nentities && mn > mi; i++) {
        const kb_entity *e = &a->entities[i];
        if (strcmp(e->type, "PER")) continue;
        size_t en = strlen(e->canonical);
        free(cn);
        cn = malloc(KB_NORMALIZE_BOUND(en) + 1);
        if (!cn) break;
        size_t nn = kb_normalize_into(e->canonical, en, KB_NORM_SEARCH, cn);
        /* The mention as is, or without its proclitics. */
        const char *w = m + mi;
        size_t wn = mn - mi;
        int hit = word_affix(w, wn, cn, nn) ||
                  (wn > 6 && proclitic_letter(w, wn) && word_affix(w + 2, wn - 2, cn, nn)) ||
                  (wn > 8 && proclitic_letter(w, wn) && proclitic_letter(w + 2, wn - 2) &&
                   word_affix(w + 4, wn - 4, cn, nn));
        if (hit && nn > bestn) { best = e->canonical; bestn = nn; }
    }
    free(cn);
    free(m);
    return best;
}
