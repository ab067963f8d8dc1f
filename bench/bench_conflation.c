/*
** bench_conflation: how well a stemmer conflates the forms of one word and
** keeps different words apart, measured against the lemmas of UD Arabic-PUD
** (../shared/corpus/morph/ud-arabic-pud.conllu), for khabar, Snowball Arabic
** and light10 side by side.
**
** Units. PUD splits clitics into separate tokens ("ل" + "أوباما", "نشرت" +
** "ها") without multiword lines. The "surface" unit glues the pieces back
** into the word as written (a piece joins the one before it when that one has
** SpaceAfter=No and both are Arabic words), which is what a search engine
** sees; its lemma is that of its content piece: the first piece that is not
** a one-letter proclitic (و ف ب ل ك س), so that a pronoun enclitic, which
** follows the content, never wins. The "syntactic"
** unit takes PUD's tokens as they are. Only words made of Arabic letters
** count. Forms and lemmas are folded with KB_NORM_SEARCH, and every stemmer
** gets the folded form (light10's own normalizer changes nothing more there).
** A form seen with several lemmas takes its most frequent one.
**
** Measures, over the N distinct forms:
**   recall    = same-lemma form pairs sharing a stem / all same-lemma pairs
**   collision = different-lemma pairs sharing a stem / all different-lemma pairs
**   precision = same-lemma pairs among the pairs sharing a stem, F1 of both.
** Pairs are counted from buckets (choose(k, 2) per stem, per stem+lemma).
**
** Usage: bench_conflation [CONLLU]   (default $KB_CORPUS or ../shared/corpus,
** then morph/ud-arabic-pud.conllu). Exits 0 with "skipped" when absent.
*/
#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "khabar.h"
/* The bench build compiles one file per program, so the baseline comes in
** as source. */
#include "light10.c"
#include "text/text_int.h"

typedef struct item {
    char *form;
    char *lemma;
    char *stem;
} item;

typedef struct list {
    item *v;
    size_t n, cap;
} list;

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "bench_conflation: out of memory\n");
        exit(1);
    }
    return p;
}

static char *norm(const char *p, size_t n) {
    char *out;
    size_t k;
    if (kb_normalize(p, n, KB_NORM_SEARCH, &out, &k) != KB_OK) {
        fprintf(stderr, "bench_conflation: out of memory\n");
        exit(1);
    }
    return out;
}

static void push(list *l, const char *form, const char *lemma) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        item *v = realloc(l->v, l->cap * sizeof *v);
        if (!v) exit(1);
        l->v = v;
    }
    l->v[l->n].form = strdup(form);
    l->v[l->n].lemma = strdup(lemma);
    l->v[l->n].stem = NULL;
    l->n++;
}

static size_t utf8_letters(const char *z) {
    size_t k = 0;
    for (; *z; z++) k += ((unsigned char)*z & 0xC0) != 0x80;
    return k;
}

/* One PUD token of the sentence being read. */
typedef struct tok {
    char form[512], lemma[512], upos[16];
    int space_after, arabic;
} tok;

static int is_proclitic(const tok *t) {
    return utf8_letters(t->form) == 1 &&
           (!strcmp(t->upos, "ADP") || !strcmp(t->upos, "CCONJ") || !strcmp(t->upos, "PART"));
}

/* Glue the pieces t[a..b) into one surface word and add it. */
static void add_surface(list *out, tok *t, size_t a, size_t b) {
    char form[2048] = "";
    size_t content = a;
    int found = 0;
    for (size_t i = a; i < b; i++) {
        if (strlen(form) + strlen(t[i].form) < sizeof form) strcat(form, t[i].form);
        if (!found && !is_proclitic(&t[i])) {
            content = i;
            found = 1;
        }
    }
    if (!found) content = b - 1;
    push(out, form, t[content].lemma);
}

static void flush_sentence(list *surface, list *syntactic, tok *t, size_t nt) {
    size_t i = 0;
    while (i < nt) {
        if (!t[i].arabic) {
            i++;
            continue;
        }
        push(syntactic, t[i].form, t[i].lemma);
        size_t j = i + 1;
        while (j < nt && !t[j - 1].space_after && t[j].arabic) {
            push(syntactic, t[j].form, t[j].lemma);
            j++;
        }
        add_surface(surface, t, i, j);
        i = j;
    }
}

static int read_conllu(const char *path, list *surface, list *syntactic) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    static tok t[1024];
    size_t nt = 0;
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0]) {
            flush_sentence(surface, syntactic, t, nt);
            nt = 0;
            continue;
        }
        if (line[0] == '#') continue;
        char *col[10];
        int nc = 0;
        char *p = line;
        while (nc < 10) {
            col[nc++] = p;
            char *tab = strchr(p, '\t');
            if (!tab) break;
            *tab = 0;
            p = tab + 1;
        }
        if (nc < 10 || strchr(col[0], '-') || strchr(col[0], '.') || nt == 1024) continue;
        tok *k = &t[nt++];
        char *fz = norm(col[1], strlen(col[1])), *lz = norm(col[2], strlen(col[2]));
        snprintf(k->form, sizeof k->form, "%s", fz);
        snprintf(k->lemma, sizeof k->lemma, "%s", lz);
        snprintf(k->upos, sizeof k->upos, "%s", col[3]);
        k->space_after = strstr(col[9], "SpaceAfter=No") == NULL;
        k->arabic = kb__is_arabic_word(fz, strlen(fz));
        kb_free(fz);
        kb_free(lz);
    }
    flush_sentence(surface, syntactic, t, nt);
    fclose(f);
    return 0;
}

static int by_form_lemma(const void *a, const void *b) {
    const item *x = a, *y = b;
    int c = strcmp(x->form, y->form);
    return c ? c : strcmp(x->lemma, y->lemma);
}

static int by_stem_lemma(const void *a, const void *b) {
    const item *x = a, *y = b;
    int c = strcmp(x->stem, y->stem);
    return c ? c : strcmp(x->lemma, y->lemma);
}

static int by_lemma(const void *a, const void *b) {
    return strcmp(((const item *)a)->lemma, ((const item *)b)->lemma);
}

/* Distinct forms, each with its most frequent lemma (ties: the first in
** sorted order). */
static list distinct_forms(list *in) {
    list out = {0};
    qsort(in->v, in->n, sizeof *in->v, by_form_lemma);
    size_t i = 0;
    while (i < in->n) {
        size_t j = i, best = i, bestc = 0;
        while (j < in->n && !strcmp(in->v[j].form, in->v[i].form)) {
            size_t k = j;
            while (k < in->n && !strcmp(in->v[k].form, in->v[j].form) &&
                   !strcmp(in->v[k].lemma, in->v[j].lemma))
                k++;
            if (k - j > bestc) {
                bestc = k - j;
                best = j;
            }
            j = k;
        }
        push(&out, in->v[best].form, in->v[best].lemma);
        i = j;
    }
    return out;
}

static double pairs(size_t k) { return (double)k * (double)(k - (k > 0)) / 2.0; }

typedef size_t (*stem_fn)(const char *w, size_t n, char *dst);

static struct sb_stemmer *g_sb;
/* KB_CONFLATION_DUMP=khabar lists on stderr the stem buckets that mix lemmas
** and the lemmas split over several stems, to study a stemmer's errors. */
static const char *g_dump;

static size_t stem_khabar(const char *w, size_t n, char *dst) { return kb_stem(w, n, dst); }
static size_t stem_light10(const char *w, size_t n, char *dst) { return light10_stem(w, n, dst); }
static size_t stem_snowball(const char *w, size_t n, char *dst) {
    const sb_symbol *s = sb_stemmer_stem(g_sb, (const sb_symbol *)w, (int)n);
    size_t k = s ? (size_t)sb_stemmer_length(g_sb) : 0;
    memcpy(dst, s, k);
    return k;
}
static size_t stem_none(const char *w, size_t n, char *dst) {
    memcpy(dst, w, n);
    return n;
}

static void evaluate(const char *unit, const char *name, stem_fn fn, list *forms) {
    for (size_t i = 0; i < forms->n; i++) {
        const char *w = forms->v[i].form;
        size_t n = strlen(w);
        char *d = xmalloc(n * 4 + 8);
        size_t k = fn(w, n, d);
        d[k] = 0;
        free(forms->v[i].stem);
        forms->v[i].stem = d;
    }
    /* All same-lemma pairs. */
    qsort(forms->v, forms->n, sizeof *forms->v, by_lemma);
    double same = 0;
    for (size_t i = 0, j; i < forms->n; i = j) {
        for (j = i; j < forms->n && !strcmp(forms->v[j].lemma, forms->v[i].lemma); j++) {}
        same += pairs(j - i);
    }
    double all = pairs(forms->n), diff = all - same;
    if (g_dump && !strcmp(name, g_dump)) {
        for (size_t i = 0, j; i < forms->n; i = j) {
            int split = 0;
            for (j = i; j < forms->n && !strcmp(forms->v[j].lemma, forms->v[i].lemma); j++)
                split |= strcmp(forms->v[j].stem, forms->v[i].stem) != 0;
            if (!split) continue;
            fprintf(stderr, "%s split %s:", unit, forms->v[i].lemma);
            for (size_t a = i; a < j; a++) fprintf(stderr, " %s>%s", forms->v[a].form, forms->v[a].stem);
            fprintf(stderr, "\n");
        }
    }
    /* Pairs sharing a stem, and among them those with one lemma. */
    qsort(forms->v, forms->n, sizeof *forms->v, by_stem_lemma);
    double shared = 0, shared_same = 0;
    size_t nstems = 0;
    for (size_t i = 0, j; i < forms->n; i = j) {
        for (j = i; j < forms->n && !strcmp(forms->v[j].stem, forms->v[i].stem); j++) {}
        shared += pairs(j - i);
        nstems++;
        if (g_dump && !strcmp(name, g_dump) && j - i > 1 &&
            strcmp(forms->v[i].lemma, forms->v[j - 1].lemma)) {
            fprintf(stderr, "%s mixed %s:", unit, forms->v[i].stem);
            for (size_t a = i; a < j; a++) fprintf(stderr, " %s/%s", forms->v[a].form, forms->v[a].lemma);
            fprintf(stderr, "\n");
        }
        for (size_t a = i, b; a < j; a = b) {
            for (b = a; b < j && !strcmp(forms->v[b].lemma, forms->v[a].lemma); b++) {}
            shared_same += pairs(b - a);
        }
    }
    double recall = same ? shared_same / same : 0, collision = diff ? (shared - shared_same) / diff : 0;
    double precision = shared ? shared_same / shared : 0;
    double f1 = precision + recall ? 2 * precision * recall / (precision + recall) : 0;
    printf("conflation_%s unit=%s forms=%zu stems=%zu same_lemma_pairs=%.0f shared_same=%.0f "
           "recall=%.4f diff_lemma_pairs=%.0f diff_lemma_pairs_sharing=%.0f collision=%.3e "
           "precision=%.4f f1=%.4f\n",
           name, unit, forms->n, nstems, same, shared_same, recall, diff, shared - shared_same,
           collision, precision, f1);
}

int main(int argc, char **argv) {
    char path[4096];
    if (argc > 1) {
        snprintf(path, sizeof path, "%s", argv[1]);
    } else {
        const char *root = getenv("KB_CORPUS");
        snprintf(path, sizeof path, "%s/morph/ud-arabic-pud.conllu", root ? root : "../shared/corpus");
    }
    list surface = {0}, syntactic = {0};
    if (read_conllu(path, &surface, &syntactic) != 0) {
        printf("bench_conflation: skipped: corpus absent (%s)\n", path);
        return 0;
    }
    g_dump = getenv("KB_CONFLATION_DUMP");
    g_sb = sb_stemmer_new("arabic", "UTF_8");
    if (!g_sb) {
        fprintf(stderr, "bench_conflation: Snowball has no Arabic stemmer\n");
        return 1;
    }
    struct {
        const char *unit;
        list *l;
    } units[2] = {{"surface", &surface}, {"syntactic", &syntactic}};
    printf("# %s: %zu surface words, %zu syntactic words\n", path, surface.n, syntactic.n);
    for (int u = 0; u < 2; u++) {
        list forms = distinct_forms(units[u].l);
        evaluate(units[u].unit, "none", stem_none, &forms);
        evaluate(units[u].unit, "khabar", stem_khabar, &forms);
        evaluate(units[u].unit, "snowball", stem_snowball, &forms);
        evaluate(units[u].unit, "light10", stem_light10, &forms);
    }
    sb_stemmer_delete(g_sb);
    return 0;
}
