/*
** The induced name table of the named-entity tagger (khabar.h section 11,
** kb_ner_induce): writes data/ner-induced.tsv from unlabeled news.
**
** ANERcorp has 120k tokens; a club, a newspaper or a novelist that it never
** shows is missed wherever nothing in the sentence gives it away. In a
** large news corpus the same names recur, often in sentences where they are
** easy ("نادي النصر", "صحيفة الرياض", "الروائي نجيب محفوظ"). So the tagger
** itself (a model file trained without this table) tags the news, article
** by article with both passes, and for every clitic-stripped word we count
** its uses, how many of them fell inside a PER, LOC, ORG or MISC span, and
** how many opened one, and how many stood right after a cue word of each
** type (a title or given name, an organisation keyword, a place word, an
** event or work word). Words used at least `min_uses` times, and inside a
** span or after a cue in at least 5% of their uses, are written out; so
** are pairs of adjacent words (one of them inside a span) used at least
** `min_uses` times, with how often the two made one span. By falling count:
**   stem <TAB> uses <TAB> PER <TAB> LOC <TAB> ORG <TAB> MISC <TAB> opened
**        <TAB> cue PER <TAB> cue LOC <TAB> cue ORG <TAB> cue MISC
**   stem <SPACE> stem <TAB> uses <TAB> same span
** ner.c bins the shares into the features' code (kb_ner_tok.ig). Only
** this word list goes into the repository, never the news text.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/ner.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/jsonparse.h"
#include "core/lex.h"
#include "khabar.h"

typedef struct ig_count {
    uint32_t off, len; /* the stem in the string buffer */
    uint32_t uses, in[KB_NER_NTYPES], opened;
    uint32_t cue[KB_NER_NTYPES]; /* uses right after a cue word of each type */
    uint32_t pair;               /* a word pair: in[0] counts its uses inside one name */
} ig_count;

/* Cue words: the word after one is often a name of that type. Persons:
** titles and given names (titles.tsv, first-names.tsv); organisations,
** places and other names: ner-triggers.tsv (organisation keywords, and the
** "place" and "work" kinds). The gazetteer looks through proclitics
** ("بمدينة", "لبطولة"). */
static int cue_type(const kb_ner_tok *t) {
    if (kb_is_stopword(t->w, t->n)) return -1; /* "على" folds to the name "علي" */
    if (t->gz & (KB_GZ_TITLE | KB_GZ_GIVEN)) return 0;
    if (t->gz & KB_GZ_TRIGGER) return 2;
    if (t->gz & KB_GZ_PLACE_CUE) return 1;
    if (t->gz & KB_GZ_WORK_CUE) return 3;
    return -1;
}

typedef struct ig_tab {
    kb_buf str;
    ig_count *e;
    size_t n, cap;
    uint32_t *slot; /* index + 1 */
    size_t nslot;
} ig_tab;

static ig_count *ig_at(ig_tab *t, const char *w, size_t n) {
    if ((t->n + 1) * 2 > t->nslot) {
        size_t ns = t->nslot ? t->nslot * 2 : 1 << 16;
        uint32_t *s = calloc(ns, sizeof *s);
        if (!s) return NULL;
        for (size_t i = 0; i < t->n; i++) {
            size_t h = (size_t)kb__hash(t->str.p + t->e[i].off, t->e[i].len) & (ns - 1);
            while (s[h]) h = (h + 1) & (ns - 1);
            s[h] = (uint32_t)i + 1;
        }
        free(t->slot);
        t->slot = s;
        t->nslot = ns;
    }
    size_t h = (size_t)kb__hash(w, n) & (t->nslot - 1);
    while (t->slot[h]) {
        ig_count *e = &t->e[t->slot[h] - 1];
        if (e->len == n && !memcmp(t->str.p + e->off, w, n)) return e;
        h = (h + 1) & (t->nslot - 1);
    }
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 1 << 15;
        ig_count *ne = realloc(t->e, nc * sizeof *ne);
        if (!ne) return NULL;
        t->e = ne;
        t->cap = nc;
    }
    ig_count *e = &t->e[t->n];
    memset(e, 0, sizeof *e);
    e->off = (uint32_t)t->str.n;
    e->len = (uint32_t)n;
    if (kb__buf_add(&t->str, w, n)) return NULL;
    t->slot[h] = (uint32_t)++t->n;
    return e;
}

/* One article being tagged: its words (copied), sentence starts, tags. */
typedef struct doc {
    kb_buf text;
    kb_ner_tok *tok;
    size_t n, cap;
    size_t *sent;
    size_t ns, scap;
    int *tags;
    size_t *woff; /* offsets into text (the buffer moves while it grows) */
} doc;

static int doc_word(doc *d, const char *w, size_t n, int starts_sentence) {
    if (d->n == d->cap) {
        size_t nc = d->cap ? d->cap * 2 : 4096;
        kb_ner_tok *t = realloc(d->tok, nc * sizeof *t);
        if (!t) return -1;
        d->tok = t;
        size_t *o = realloc(d->woff, nc * sizeof *o);
        if (!o) return -1;
        d->woff = o;
        int *g = realloc(d->tags, nc * sizeof *g);
        if (!g) return -1;
        d->tags = g;
        d->cap = nc;
    }
    if (starts_sentence) {
        if (d->ns == d->scap) {
            size_t nc = d->scap ? d->scap * 2 : 256;
            size_t *s = realloc(d->sent, nc * sizeof *s);
            if (!s) return -1;
            d->sent = s;
            d->scap = nc;
        }
        d->sent[d->ns++] = d->n;
    }
    d->woff[d->n] = d->text.n;
    memset(&d->tok[d->n], 0, sizeof d->tok[d->n]);
    d->tok[d->n].n = n;
    d->n++;
    return kb__buf_add(&d->text, w, n);
}

static int ends_sentence(const char *w, size_t n) {
    return (n == 1 && (w[0] == '.' || w[0] == '!' || w[0] == '?')) || (n == 2 && !memcmp(w, "\xD8\x9F", 2));
}

/* Tag the article in d and count its words. */
static int doc_count(doc *d, const kb_ner_model *m, ig_tab *t) {
    if (!d->n) return 0;
    for (size_t i = 0; i < d->n; i++) d->tok[i].w = d->text.p + d->woff[i];
    for (size_t s = 0; s < d->ns; s++) {
        size_t a = d->sent[s], b = s + 1 < d->ns ? d->sent[s + 1] : d->n;
        kb__ner_prepare(d->tok + a, b - a);
    }
    kb__ner_tag_doc(m, d->tok, d->n, d->sent, d->ns, d->tags);
    for (size_t i = 0; i < d->n; i++) {
        const kb_ner_tok *k = &d->tok[i];
        unsigned char c0 = (unsigned char)k->w[0];
        if (c0 < 0xD8 || c0 > 0xDB) continue; /* Arabic words only */
        const char *s;
        size_t sn;
        kb__ner_stem(k->w, k->n, &s, &sn);
        ig_count *e = ig_at(t, s, sn);
        if (!e) return -1;
        e->uses++;
        int ct = i ? cue_type(&d->tok[i - 1]) : -1;
        if (ct >= 0) e->cue[ct]++;
        int g = d->tags[i];
        if (g) {
            e->in[KB_NER_TYPE(g)]++;
            e->opened += KB_NER_IS_B(g);
        }
        /* The pair (this word, next word) where either is in a name: how
        ** often the two make one name. */
        if (i + 1 < d->n && (g || d->tags[i + 1])) {
            const kb_ner_tok *k2 = &d->tok[i + 1];
            unsigned char c2 = (unsigned char)k2->w[0];
            if (c2 < 0xD8 || c2 > 0xDB) continue;
            const char *s2;
            size_t sn2;
            kb__ner_stem(k2->w, k2->n, &s2, &sn2);
            char key[2 * KB_TOKEN_MAX + 2];
            if (sn + sn2 + 1 > sizeof key) continue;
            memcpy(key, s, sn);
            key[sn] = ' ';
            memcpy(key + sn + 1, s2, sn2);
            ig_count *q = ig_at(t, key, sn + sn2 + 1);
            if (!q) return -1;
            int g2 = d->tags[i + 1];
            q->uses++;
            q->in[0] += g && g2 && !KB_NER_IS_B(g2) && KB_NER_TYPE(g) == KB_NER_TYPE(g2);
            q->pair = 1;
        }
    }
    return 0;
}

static int read_input(const char *path, const kb_ner_model *m, ig_tab *t, kb_tokenizer *tz, size_t max_tokens,
                      size_t *seen) {
    kb_reader *r = NULL;
    const char *msg = NULL;
    kb_reader_opts ro = {KB_FMT_JSONL, 0};
    int rc = kb_reader_open(&r, path, &ro, &msg);
    if (rc) return rc;
    doc d = {0};
    kb__buf_init(&d.text, (size_t)1 << 30);
    kb_doc kd;
    int got;
    while (!rc && *seen < max_tokens && (got = kb_reader_next(r, &kd)) != 0) {
        if (got < 0) continue;
        kb_arena a;
        kb__arena_init(&a, 0);
        kb_json *j = NULL;
        d.n = d.ns = 0;
        d.text.n = 0;
        if (kb__json_parse(&a, kd.p, kd.n, KB_JSON_MAX_DEPTH, &j, NULL) == KB_OK && j) {
            static const char *const fields[] = {"title", "text"};
            for (size_t f = 0; f < 2 && !rc; f++) {
                size_t n = 0;
                const char *s = kb__json_get_str(j, fields[f], &n);
                if (!s || !n) continue;
                kb_tokenizer_reset(tz, s, n);
                kb_token tk;
                size_t in_sent = 0;
                while (!rc && kb_tokenizer_next(tz, &tk)) {
                    if (tk.type == KB_TOK_URL || tk.type == KB_TOK_EMAIL || !tk.norm_n) continue;
                    if (doc_word(&d, tk.norm, tk.norm_n, in_sent == 0)) rc = KB_ENOMEM;
                    in_sent++;
                    if (ends_sentence(tk.norm, tk.norm_n) || in_sent >= KB_NER_MAXLEN - 1) in_sent = 0;
                }
            }
        }
        kb__arena_free(&a);
        if (!rc && doc_count(&d, m, t)) rc = KB_ENOMEM;
        *seen += d.n;
    }
    kb__buf_free(&d.text);
    free(d.tok);
    free(d.woff);
    free(d.tags);
    free(d.sent);
    kb_reader_free(r);
    return rc;
}

static const ig_tab *g_sort;

static int cmp_uses(const void *x, const void *y) {
    const ig_count *a = &g_sort->e[*(const uint32_t *)x], *b = &g_sort->e[*(const uint32_t *)y];
    if (a->uses != b->uses) return a->uses > b->uses ? -1 : 1;
    size_t l = a->len < b->len ? a->len : b->len;
    int c = memcmp(g_sort->str.p + a->off, g_sort->str.p + b->off, l);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

int kb_ner_induce(const char *const *inputs, size_t ninputs, const char *model_path, const char *out,
                  const kb_ner_induce_opts *opts) {
    size_t max_tokens = opts && opts->max_tokens ? opts->max_tokens : (size_t)-1;
    unsigned min_uses = opts && opts->min_uses ? opts->min_uses : 5;
    if (!inputs || !ninputs || !model_path || !out) return KB_EINVAL;
    if (kb__ner_gaz_init()) return KB_ENOMEM;
    /* The model file. */
    FILE *f = fopen(model_path, "rb");
    if (!f) return KB_EIO;
    kb_buf mb;
    kb__buf_init(&mb, (size_t)1 << 30);
    char chunk[65536];
    size_t got;
    int rc = KB_OK;
    while (!rc && (got = fread(chunk, 1, sizeof chunk, f)) > 0) rc = kb__buf_add(&mb, chunk, got);
    fclose(f);
    kb_ner_model m;
    if (rc || kb__ner_model_parse(&m, (const unsigned char *)mb.p, mb.n)) {
        kb__buf_free(&mb);
        return rc ? rc : KB_EINVAL;
    }
    kb__buf_free(&mb);
    ig_tab t = {0};
    kb__buf_init(&t.str, (size_t)1 << 31);
    kb_tokenizer *tz = NULL;
    uint32_t *order = NULL;
    size_t seen = 0;
    kb__ner_induced_off(1); /* the model was trained without the table */
    rc = kb_tokenizer_new(&tz, KB_NORM_SEARCH, 0);
    for (size_t i = 0; !rc && i < ninputs && seen < max_tokens; i++) {
        rc = read_input(inputs[i], &m, &t, tz, max_tokens, &seen);
        if (opts && opts->progress) opts->progress(opts->progress_ctx, "read", (int)i + 1, (int)ninputs, (double)seen);
    }
    kb__ner_induced_off(0);
    kb_tokenizer_free(tz);
    if (!rc) {
        order = malloc((t.n ? t.n : 1) * sizeof *order);
        if (!order) rc = KB_ENOMEM;
    }
    if (!rc) {
        size_t k = 0;
        for (size_t i = 0; i < t.n; i++) {
            const ig_count *e = &t.e[i];
            uint32_t in = 0, cue = 0;
            for (int x = 0; x < KB_NER_NTYPES; x++) in += e->in[x], cue += e->cue[x];
            if (e->pair ? e->uses >= min_uses : e->uses >= min_uses && (20 * in >= e->uses || 20 * cue >= e->uses))
                order[k++] = (uint32_t)i;
        }
        g_sort = &t;
        qsort(order, k, sizeof *order, cmp_uses);
        FILE *o = fopen(out, "wb");
        if (!o) rc = KB_EIO;
        else {
            fprintf(o, "# stem\tuses\tPER\tLOC\tORG\tMISC\topened\tcue PER\tcue LOC\tcue ORG\tcue MISC, or: stem stem"
                       "\tuses\tsame span. The tagger's spans over %zu tokens of news (khabar train-ner --induce)\n",
                    seen);
            for (size_t i = 0; i < k; i++) {
                const ig_count *e = &t.e[order[i]];
                if (e->pair) {
                    fprintf(o, "%.*s\t%u\t%u\n", (int)e->len, t.str.p + e->off, e->uses, e->in[0]);
                    continue;
                }
                fprintf(o, "%.*s\t%u\t%u\t%u\t%u\t%u\t%u\t%u\t%u\t%u\t%u\n", (int)e->len, t.str.p + e->off,
                        e->uses, e->in[0], e->in[1], e->in[2], e->in[3], e->opened, e->cue[0], e->cue[1],
                        e->cue[2], e->cue[3]);
            }
            if (fclose(o)) rc = KB_EIO;
        }
    }
    free(order);
    kb__buf_free(&t.str);
    free(t.e);
    free(t.slot);
    kb__ner_model_free(&m);
    return rc;
}
