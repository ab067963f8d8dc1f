/*
** bench_segment: accuracy and speed of the clitic segmenter (kb_segment).
**
** It measures per-word exact-match accuracy of the clitic split against two
** gold corpora under ../shared/corpus/morph (see docs/internals/text.md,
** "Clitic segmentation"):
**
**   farasa  farasa-wikinews.pos.ref: one token per line, "و+ال+تلفزيون TAB
**           CONJ+DET+NOUN". Farasa splits more than khabar does, so the gold
**           is mapped to khabar's scheme: leading CONJ/PREP/DET/FUT_PART
**           segments that are one of و ف ب ك ل ال س are proclitics (ل+ال
**           becomes لل, as written); a final PRON segment that is one of ه ها
**           هم هما هن ك كم كن ي نا is the enclitic; every other segment
**           (ة ات ون ين ان, the case alef, verb subject suffixes ت وا ون, and
**           the segments of particles such as في+ه's في) is merged back into
**           the stem.
**   ud      ud-arabic-pud.conllu: this file has no "1-2" multiword lines;
**           a surface word is a run of Arabic tokens joined by SpaceAfter=No
**           (punctuation ends a run). UD never separates the article, so
**           khabar's output is projected onto UD's scheme before comparing:
**           ال is put back into the stem and لل becomes ل + a stem starting
**           with ل (UD writes للسلطة as ل + لسلطة).
**
** Gold and input are normalized with KB_NORM_SEARCH; only Arabic words are
** counted. Each measure is also given for the trivial "never split" baseline.
** Output: one line per measure, "name key=value ...".
**
** Usage: bench_segment [CORPUS_DIR]   (else $KB_CORPUS, else ../shared/corpus)
**        KB_SEG_ERRORS=1 lists the mismatches on stderr (gold TAB got).
**        bench_segment --count MIN < TEXT  prints the word frequencies of TEXT
**        (the generator of data/segment-words.tsv).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/lex.h"
#include "khabar.h"
#include "text/text_int.h"

#define WORD_MAX 256
#define PART_MAX 8

typedef struct gold_word {
    char surface[WORD_MAX];
    size_t n;
    char gold[WORD_MAX + PART_MAX]; /* parts joined with '+', khabar's scheme */
} gold_word;

typedef struct word_list {
    gold_word *w;
    size_t n, cap;
} word_list;

static int show_errors;

static void norm(const char *p, size_t n, char *dst, size_t cap, size_t *outn) {
    char tmp[KB_NORMALIZE_BOUND(WORD_MAX)];
    if (n > WORD_MAX) n = WORD_MAX;
    size_t k = kb_normalize_into(p, n, KB_NORM_SEARCH, tmp);
    if (k >= cap) k = cap - 1;
    memcpy(dst, tmp, k);
    dst[k] = 0;
    *outn = k;
}

static int is_proclitic(const char *z) {
    static const char *const set[] = {"و", "ف", "ب", "ك", "ل", "ال", "س", "لل"};
    for (size_t i = 0; i < sizeof set / sizeof *set; i++)
        if (!strcmp(z, set[i])) return 1;
    return 0;
}

static int is_enclitic(const char *z) {
    static const char *const set[] = {"ه", "ها", "هم", "هما", "هن", "ك", "كم", "كن", "ي", "نا"};
    for (size_t i = 0; i < sizeof set / sizeof *set; i++)
        if (!strcmp(z, set[i])) return 1;
    return 0;
}

/* Add a word from its normalized parts; proc/enc say which leading parts are
** proclitics and whether the last part is an enclitic. Parts between are the
** stem. A stem left empty (ب+ها) takes the last proclitic, as kb_segment
** does for a preposition carrying a pronoun. */
static void add_word(word_list *wl, char parts[][WORD_MAX], size_t np, size_t nproc, int enc) {
    if (np == 0) return;
    if (nproc + (size_t)enc >= np) {
        if (nproc > 0) nproc--;
        else enc = 0;
    }
    if (wl->n == wl->cap) {
        wl->cap = wl->cap ? wl->cap * 2 : 4096;
        wl->w = realloc(wl->w, wl->cap * sizeof *wl->w);
        if (!wl->w) { perror("realloc"); exit(1); }
    }
    gold_word *g = &wl->w[wl->n];
    char stem[WORD_MAX * 2] = "";
    g->surface[0] = g->gold[0] = 0;
    for (size_t i = 0; i < np; i++) {
        if (strlen(g->surface) + strlen(parts[i]) + 1 >= WORD_MAX) return;
        strcat(g->surface, parts[i]);
        if (i >= nproc && i < np - (size_t)enc) strcat(stem, parts[i]);
    }
    g->n = strlen(g->surface);
    if (!g->n || !kb__is_arabic_word(g->surface, g->n)) return;
    for (size_t i = 0; i < nproc; i++) {
        strcat(g->gold, parts[i]);
        strcat(g->gold, "+");
    }
    strcat(g->gold, stem);
    if (enc) {
        strcat(g->gold, "+");
        strcat(g->gold, parts[np - 1]);
    }
    wl->n++;
}

/* --- Farasa WikiNews ------------------------------------------------------ */

static int farasa_clitic_tag(const char *t) {
    return !strcmp(t, "CONJ") || !strcmp(t, "PREP") || !strcmp(t, "DET") || !strcmp(t, "FUT_PART");
}

static int load_farasa(const char *path, word_list *wl) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[4096];
    int first = 1;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (first) { first = 0; continue; } /* header */
        char *tab = strchr(line, '\t');
        if (!tab) continue;
        *tab = 0;
        char *segs[PART_MAX * 2], *tags[PART_MAX * 2];
        size_t ns = 0, nt = 0;
        for (char *s = strtok(line, "+"); s && ns < PART_MAX * 2; s = strtok(NULL, "+")) segs[ns++] = s;
        for (char *s = strtok(tab + 1, "+"); s && nt < PART_MAX * 2; s = strtok(NULL, "+")) tags[nt++] = s;
        if (ns == 0 || ns != nt || ns > PART_MAX) continue;
        char parts[PART_MAX][WORD_MAX];
        size_t np = 0, nproc = 0, k;
        int in_proc = 1, enc = 0;
        for (size_t i = 0; i < ns; i++) {
            char z[WORD_MAX];
            norm(segs[i], strlen(segs[i]), z, sizeof z, &k);
            if (!k) continue;
            int last = i == ns - 1;
            if (in_proc && !last && farasa_clitic_tag(tags[i]) && is_proclitic(z)) {
                /* ل+ال is written لل. */
                if (!strcmp(z, "ال") && nproc > 0 && !strcmp(parts[np - 1], "ل")) {
                    strcpy(parts[np - 1], "لل");
                    continue;
                }
                strcpy(parts[np++], z);
                nproc++;
                continue;
            }
            in_proc = 0;
            if (last && ns > 1 && !strcmp(tags[i], "PRON") && is_enclitic(z)) {
                strcpy(parts[np++], z);
                enc = 1;
                continue;
            }
            /* A non-clitic segment: glue it to the stem part. */
            if (np > nproc && !(enc)) {
                if (strlen(parts[np - 1]) + k < WORD_MAX) strcat(parts[np - 1], z);
            } else {
                strcpy(parts[np++], z);
            }
        }
        add_word(wl, parts, np, nproc, enc);
    }
    fclose(f);
    return 0;
}

/* --- UD Arabic-PUD -------------------------------------------------------- */

typedef struct ud_tok {
    char form[WORD_MAX];
    char upos[16];
    int no_space;
} ud_tok;

static void flush_ud(word_list *wl, ud_tok *run, size_t nrun) {
    if (!nrun) return;
    char parts[PART_MAX][WORD_MAX];
    size_t np = 0, nproc = 0;
    int enc = 0;
    if (nrun > PART_MAX) return;
    for (size_t i = 0; i < nrun; i++) strcpy(parts[np++], run[i].form);
    while (nproc < np - 1 && strcmp(parts[nproc], "ال") && is_proclitic(parts[nproc])) nproc++;
    if (np > 1 && np - 1 >= nproc && is_enclitic(parts[np - 1]) && !strcmp(run[np - 1].upos, "PRON")) enc = 1;
    /* Parts that are neither (من+ما, an odd tatweel token) join the stem. */
    size_t stem_end = np - (size_t)enc;
    if (stem_end > nproc + 1) {
        for (size_t i = nproc + 1; i < stem_end; i++) strcat(parts[nproc], parts[i]);
        if (enc) strcpy(parts[nproc + 1], parts[np - 1]);
        np = nproc + 1 + (size_t)enc;
    }
    add_word(wl, parts, np, nproc, enc);
}

static int load_ud(const char *path, word_list *wl) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[8192];
    ud_tok run[PART_MAX + 1];
    size_t nrun = 0;
    int overflow = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || line[0] == '#') {
            if (!overflow) flush_ud(wl, run, nrun);
            nrun = 0;
            overflow = 0;
            continue;
        }
        char *col[10];
        size_t nc = 0;
        for (char *p = line; nc < 10; nc++) {
            col[nc] = p;
            char *t = strchr(p, '\t');
            if (!t) { nc++; break; }
            *t = 0;
            p = t + 1;
        }
        if (nc < 10 || strchr(col[0], '-') || strchr(col[0], '.')) continue;
        ud_tok tok;
        size_t k;
        norm(col[1], strlen(col[1]), tok.form, sizeof tok.form, &k);
        snprintf(tok.upos, sizeof tok.upos, "%s", col[3]);
        tok.no_space = strstr(col[9], "SpaceAfter=No") != NULL;
        int arabic = k && kb__is_arabic_word(tok.form, k) && strcmp(col[3], "PUNCT");
        if (!arabic) {
            if (!overflow) flush_ud(wl, run, nrun);
            nrun = 0;
            overflow = 0;
            continue;
        }
        if (nrun < PART_MAX) run[nrun++] = tok;
        else overflow = 1;
        if (!tok.no_space) {
            if (!overflow) flush_ud(wl, run, nrun);
            nrun = 0;
            overflow = 0;
        }
    }
    if (!overflow) flush_ud(wl, run, nrun);
    fclose(f);
    return 0;
}

/* --- scoring -------------------------------------------------------------- */

/* khabar's split in UD's scheme: ال back into the stem, لل -> ل + ل... */
static void project_ud(const char *w, const kb_seg *s, char *dst) {
    size_t o = 0, from = 0, stem_from = s->stem_start;
    for (size_t i = 0; i < s->nproc; i++) {
        size_t a = from, b = s->proc_end[i];
        from = b;
        if (b - a == 4 && !memcmp(w + a, "ال", 4)) {
            stem_from = a;
            break;
        }
        if (b - a == 4 && !memcmp(w + a, "لل", 4)) {
            memcpy(dst + o, "ل+", 3);
            o += 3;
            stem_from = a + 2;
            break;
        }
        memcpy(dst + o, w + a, b - a);
        o += b - a;
        dst[o++] = '+';
    }
    memcpy(dst + o, w + stem_from, s->stem_end - stem_from);
    o += s->stem_end - stem_from;
    if (s->has_enclitic) {
        dst[o++] = '+';
        /* The enclitic runs to the end of the word. */
        size_t n = strlen(w);
        memcpy(dst + o, w + s->stem_end, n - s->stem_end);
        o += n - s->stem_end;
    }
    dst[o] = 0;
}

static void score(const char *name, const word_list *wl, int ud) {
    size_t correct = 0, base = 0, split_gold = 0;
    for (size_t i = 0; i < wl->n; i++) {
        const gold_word *g = &wl->w[i];
        kb_seg s;
        char got[WORD_MAX * 2];
        kb_segment(g->surface, g->n, &s);
        if (ud) {
            project_ud(g->surface, &s, got);
        } else {
            size_t k = kb_seg_format(g->surface, g->n, &s, got);
            got[k] = 0;
        }
        if (!strcmp(got, g->gold)) correct++;
        else if (show_errors) fprintf(stderr, "%s\t%s\t%s\n", name, g->gold, got);
        if (!strcmp(g->surface, g->gold)) base++;
        else split_gold++;
    }
    double n = wl->n ? (double)wl->n : 1;
    printf("segment_%s words=%zu split_in_gold=%zu correct=%zu accuracy=%.4f\n", name, wl->n, split_gold,
           correct, correct / n);
    printf("segment_%s_baseline_never_split words=%zu correct=%zu accuracy=%.4f\n", name, wl->n, base, base / n);
}

static void speed(const word_list *a, const word_list *b) {
    struct timespec t0, t1;
    size_t words = 0, bytes = 0;
    unsigned sink = 0;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    for (int rep = 0; rep < 50; rep++) {
        for (int which = 0; which < 2; which++) {
            const word_list *wl = which ? b : a;
            for (size_t i = 0; i < wl->n; i++) {
                kb_seg s;
                kb_segment(wl->w[i].surface, wl->w[i].n, &s);
                sink += s.stem_start + s.stem_end;
                bytes += wl->w[i].n;
            }
            words += wl->n;
        }
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    double sec = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (sec <= 0) sec = 1e-9;
    printf("segment_speed words=%zu cpu_seconds=%.3f words_per_s=%.0f mb_per_s=%.1f check=%u\n", words, sec,
           words / sec, bytes / sec / 1e6, sink & 1);
}

/* --- the word-frequency lexicon (data/segment-words.tsv) ------------------ */

typedef struct count_entry {
    char *w;
    size_t n;
    unsigned long c;
} count_entry;

static int by_count(const void *a, const void *b) {
    const count_entry *x = a, *y = b;
    if (x->c != y->c) return x->c < y->c ? 1 : -1;
    size_t m = x->n < y->n ? x->n : y->n;
    int d = memcmp(x->w, y->w, m);
    return d ? d : (x->n > y->n) - (x->n < y->n);
}

/* Count the KB_NORM_SEARCH word tokens of stdin and print those seen at least
** min times, most frequent first: the generator of data/segment-words.tsv. */
static int count_words(unsigned long min) {
    size_t cap = 1u << 20, used = 0;
    count_entry *t = calloc(cap, sizeof *t);
    kb_tokenizer *tk;
    if (!t || kb_tokenizer_new(&tk, KB_NORM_SEARCH, KB_TOK_SKIP_PUNCT) != KB_OK) return 1;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    while ((len = getline(&line, &lcap, stdin)) > 0) {
        kb_tokenizer_reset(tk, line, (size_t)len);
        kb_token tok;
        while (kb_tokenizer_next(tk, &tok)) {
            if (tok.type != KB_TOK_WORD) continue;
            if (used * 2 >= cap) {
                size_t nc = cap * 2;
                count_entry *u = calloc(nc, sizeof *u);
                if (!u) return 1;
                for (size_t i = 0; i < cap; i++) {
                    if (!t[i].w) continue;
                    size_t h = (size_t)kb__hash(t[i].w, t[i].n) & (nc - 1);
                    while (u[h].w) h = (h + 1) & (nc - 1);
                    u[h] = t[i];
                }
                free(t);
                t = u;
                cap = nc;
            }
            size_t h = (size_t)kb__hash(tok.norm, tok.norm_n) & (cap - 1);
            while (t[h].w && (t[h].n != tok.norm_n || memcmp(t[h].w, tok.norm, tok.norm_n)))
                h = (h + 1) & (cap - 1);
            if (!t[h].w) {
                t[h].w = malloc(tok.norm_n);
                if (!t[h].w) return 1;
                memcpy(t[h].w, tok.norm, tok.norm_n);
                t[h].n = tok.norm_n;
                used++;
            }
            t[h].c++;
        }
    }
    free(line);
    kb_tokenizer_free(tk);
    size_t k = 0;
    for (size_t i = 0; i < cap; i++)
        if (t[i].w && t[i].c >= min) t[k++] = t[i];
        else free(t[i].w);
    qsort(t, k, sizeof *t, by_count);
    printf("# Word frequencies for the clitic segmenter (src/text/segment.c): a\n"
           "# KB_NORM_SEARCH word form TAB its count in news text. Generated, do not\n"
           "# edit: bench_segment --count %lu < TEXT > data/segment-words.tsv\n"
           "# (TEXT: the ANT v2.1, SaudiNewsNet and ANT v1.1 news files of\n"
           "# ../shared/corpus/news, about 17 M words; see docs/internals/text.md).\n", min);
    for (size_t i = 0; i < k; i++) {
        printf("%.*s\t%lu\n", (int)t[i].n, t[i].w, t[i].c);
        free(t[i].w);
    }
    free(t);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "--count")) return count_words(argc > 2 ? strtoul(argv[2], NULL, 10) : 10);
    const char *root = argc > 1 ? argv[1] : getenv("KB_CORPUS");
    if (!root) root = "../shared/corpus";
    show_errors = getenv("KB_SEG_ERRORS") != NULL;
    char pf[4096], pu[4096];
    snprintf(pf, sizeof pf, "%s/morph/farasa-wikinews.pos.ref", root);
    snprintf(pu, sizeof pu, "%s/morph/ud-arabic-pud.conllu", root);
    word_list fa = {0}, ud = {0};
    int have_fa = load_farasa(pf, &fa) == 0, have_ud = load_ud(pu, &ud) == 0;
    if (!have_fa && !have_ud) {
        printf("segment skipped: corpus not found under %s\n", root);
        return 0;
    }
    printf("segment_mapping farasa=\"proclitics و ف ب ك ل ال لل س; enclitic ه ها هم هما هن ك كم كن ي نا; "
           "other suffixes (ة ات ون ين ان ت وا, case alef) merged into the stem\" "
           "ud=\"ال not separated by UD: khabar's ال/لل projected back into the stem\"\n");
    if (have_fa) score("farasa", &fa, 0);
    else printf("segment_farasa skipped: %s not found\n", pf);
    if (have_ud) score("ud", &ud, 1);
    else printf("segment_ud skipped: %s not found\n", pu);
    speed(&fa, &ud);
    free(fa.w);
    free(ud.w);
    return 0;
}
