/*
** bench_ner: the named-entity tagger on ANERcorp.
**
** Trains on the first 80% of ../shared/corpus/ner/anercorp-train.txt (in
** memory, as `khabar train-ner` does) and prints entity-level precision,
** recall and F1 (exact span and type) per type and overall on the last 20%,
** which training never sees. Then times tagging on one core: the held-out
** tokens, search-normalized, in documents of ~1,000 words, through
** kb__ner_prepare (hashes, gazetteers) and kb__ner_tag_doc (both passes:
** features + Viterbi, document context) with the model built into the
** library, repeated for at least two seconds.
**
** Tuning uses a dev split inside the training 80%: pass as CORPUS a copy of
** the file's lines up to its 96,110th token (the bench's own 80/20 cut then
** trains on the first 64% of the file and scores on the next 16%):
**   awk 'NF>=2{n++} {print} n>=96110{exit}' anercorp-train.txt > /tmp/ner-dev.txt
**
**   cmake -S . -B build-ner-bench -DKB_BENCH=ON
**   cmake --build build-ner-bench --target bench_ner
**   ./build-ner-bench/bench_ner [CORPUS] [EPOCHS] [DROPOUT]
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze/ner.h"
#include "khabar.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "../shared/corpus/ner/anercorp-train.txt";
    kb_ner_train_opts o = {0};
    o.epochs = argc > 2 ? atoi(argv[2]) : 12;
    o.holdout = 0.2;
    o.dropout = argc > 3 ? atof(argv[3]) : 0.1;
    kb_ner_report r;
    double t0 = now();
    int rc = kb_ner_train(path, NULL, &o, &r);
    if (rc) {
        fprintf(stderr, "bench_ner: %s: %s\n", path, kb_strerror(rc));
        return 1;
    }
    printf("ner_train tokens=%zu sentences=%zu epochs=%d seconds=%.2f\n", r.train_tokens, r.train_sentences,
           o.epochs, now() - t0);
    printf("ner_test tokens=%zu sentences=%zu\n", r.test_tokens, r.test_sentences);
    for (int k = 0; k < 5; k++)
        printf("ner type=%s precision=%.4f recall=%.4f f1=%.4f gold=%zu found=%zu correct=%zu\n", r.score[k].type,
               r.score[k].precision, r.score[k].recall, r.score[k].f1, r.score[k].gold, r.score[k].found,
               r.score[k].correct);

    /* Speed: the held-out words, normalized once, tagged in sentences. */
    const kb_ner_model *m = kb__ner_model();
    if (!m) {
        printf("ner_speed skipped: no model built into the library (data/models/ner.bin)\n");
        return 0;
    }
    FILE *f = fopen(path, "rb");
    if (!f) return 1;
    size_t cap = 1 << 20, nw = 0, tot = 0;
    char *text = malloc(cap * 8);
    size_t *off = malloc(cap * sizeof *off), *len = malloc(cap * sizeof *len);
    char line[4096], norm[KB_NORMALIZE_BOUND(4096)];
    while (fgets(line, sizeof line, f)) tot++;
    rewind(f);
    size_t skip = tot - r.test_tokens - 10, li = 0, tn = 0;
    while (fgets(line, sizeof line, f) && nw < cap) {
        if (li++ < skip) continue;
        char *sp = strrchr(line, ' ');
        if (!sp || sp == line) continue;
        size_t n = kb_normalize_into(line, (size_t)(sp - line), KB_NORM_SEARCH, norm);
        if (!n || n > 64 || tn + n > cap * 8) continue;
        memcpy(text + tn, norm, n);
        off[nw] = tn;
        len[nw++] = n;
        tn += n;
    }
    fclose(f);
    /* Documents of about 1,000 words (an article's length), each tagged
    ** with both passes as analysis does. */
    enum { DOC = 1000 };
    kb_ner_tok *toks = malloc((DOC + KB_NER_MAXLEN) * sizeof *toks);
    int *tags = malloc((DOC + KB_NER_MAXLEN) * sizeof *tags);
    size_t *sent = malloc((DOC + KB_NER_MAXLEN) * sizeof *sent);
    if (!toks || !tags || !sent) return 1;
    size_t tagged = 0, ents = 0;
    double s0 = now(), el = 0;
    do {
        for (size_t a = 0; a < nw;) {
            size_t n = 0, ns = 0;
            while (a + n < nw && n < DOC) {
                size_t b = n;
                sent[ns++] = b;
                while (a + n < nw && n - b < 100) {
                    toks[n].w = text + off[a + n];
                    toks[n].n = len[a + n];
                    n++;
                    if (toks[n - 1].n == 1 && toks[n - 1].w[0] == '.') break;
                }
                kb__ner_prepare(toks + b, n - b);
            }
            kb__ner_tag_doc(m, toks, n, sent, ns, tags);
            for (size_t i = 0; i < n; i++) ents += KB_NER_IS_B(tags[i]);
            tagged += n;
            a += n;
        }
        el = now() - s0;
    } while (el < 2.0);
    printf("ner_speed tokens=%zu seconds=%.3f tok_per_s=%.0f entities=%zu\n", tagged, el, (double)tagged / el, ents);
    free(toks);
    free(tags);
    free(sent);
    free(text);
    free(off);
    free(len);
    return 0;
}
