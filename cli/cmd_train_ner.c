/*
** khabar train-ner: train the named-entity tagger (kb_ner_train) on an
** ANERcorp-style corpus, write the model file and print the scores on the
** held-out part. Rebuilding the library embeds data/models/ner.bin.
*/
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *train_ner_help =
    "usage: khabar train-ner [--corpus FILE] [--out FILE] [--epochs N] [--holdout F]\n"
    "                        [--dropout P]\n"
    "       khabar train-ner --clusters FILE [--news PATH]...\n"
    "       khabar train-ner --induce FILE --model MODEL [--news PATH]...\n"
    "                        [--max-tokens N] [--min-uses N]\n"
    "\n"
    "Train the named-entity tagger on FILE (one 'token TAG' per line, tags\n"
    "B-/I- PERS, LOC, ORG, MISC and O; default\n"
    "../shared/corpus/ner/anercorp-train.txt), keeping the last F of it\n"
    "(default 0.2) for evaluation only. Writes the model to --out (default\n"
    "data/models/ner.bin; rebuild khabar to embed it) and prints entity-level\n"
    "precision, recall and F1 per type on the held-out part. --dropout hides a\n"
    "word's identity from a training step with chance P (default 0.1).\n"
    "\n"
    "--clusters learns the tagger's word clusters from unlabeled news instead\n"
    "(JSON Lines records with title/text; --news may repeat, default\n"
    "../shared/corpus/news) and writes them to FILE (data/ner-clusters.tsv is\n"
    "the table built into khabar). Train the tagger again afterwards.\n"
    "\n"
    "--induce tags the news with MODEL (a model file trained without the\n"
    "induced table) and writes how often each word fell inside a name of each\n"
    "type to FILE (data/ner-induced.tsv is the table built into khabar).\n"
    "Train the tagger again afterwards.\n";

static void on_progress(void *ctx, const char *stage, int step, int steps, double value) {
    (void)ctx;
    if (!strcmp(stage, "epoch") || !strcmp(stage, "jackknife"))
        fprintf(stderr, "%s epoch %d/%d: training accuracy %.4f\n", stage, step, steps, value);
    else if (!strcmp(stage, "read"))
        fprintf(stderr, "read input %d/%d: %.0f tokens so far\n", step, steps, value);
    else
        fprintf(stderr, "%s\n", stage);
}

int cmd_train_ner(int argc, char **argv) {
    const char *corpus = "../shared/corpus/ner/anercorp-train.txt", *out = "data/models/ner.bin";
    kb_ner_train_opts o = {0};
    o.holdout = 0.2;
    o.dropout = 0.1;
    o.progress = on_progress;
    const char *clusters = NULL, *induce = NULL, *model = NULL, *news[64];
    size_t max_tokens = 0;
    unsigned min_uses = 0;
    size_t nnews = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(train_ner_help, stdout); return KB_EXIT_OK; }
        else if (!strcmp(a, "--corpus") && i + 1 < argc) corpus = argv[++i];
        else if (!strcmp(a, "--out") && i + 1 < argc) out = argv[++i];
        else if (!strcmp(a, "--clusters") && i + 1 < argc) clusters = argv[++i];
        else if (!strcmp(a, "--induce") && i + 1 < argc) induce = argv[++i];
        else if (!strcmp(a, "--model") && i + 1 < argc) model = argv[++i];
        else if (!strcmp(a, "--max-tokens") && i + 1 < argc) max_tokens = (size_t)strtoull(argv[++i], NULL, 10);
        else if (!strcmp(a, "--min-uses") && i + 1 < argc) min_uses = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(a, "--news") && i + 1 < argc) {
            if (nnews == sizeof news / sizeof *news) { cli_error("train-ner", "too many --news"); return KB_EXIT_USAGE; }
            news[nnews++] = argv[++i];
        }
        else if (!strcmp(a, "--epochs") && i + 1 < argc) {
            char *end;
            long e = strtol(argv[++i], &end, 10);
            if (*end || e < 1 || e > 1000) { cli_error("train-ner", "--epochs wants 1..1000"); return KB_EXIT_USAGE; }
            o.epochs = (int)e;
        } else if (!strcmp(a, "--holdout") && i + 1 < argc) {
            char *end;
            o.holdout = strtod(argv[++i], &end);
            if (*end || o.holdout < 0 || o.holdout > 0.9) { cli_error("train-ner", "--holdout wants 0..0.9"); return KB_EXIT_USAGE; }
        } else if (!strcmp(a, "--dropout") && i + 1 < argc) {
            char *end;
            o.dropout = strtod(argv[++i], &end);
            if (*end || o.dropout < 0 || o.dropout > 0.9) { cli_error("train-ner", "--dropout wants 0..0.9"); return KB_EXIT_USAGE; }
        } else { cli_error("train-ner", "unknown option '%s' (see --help)", a); return KB_EXIT_USAGE; }
    }
    if (clusters) {
        if (!nnews) news[nnews++] = "../shared/corpus/news";
        kb_ner_cluster_opts co = {0};
        co.progress = on_progress;
        int rc = kb_ner_clusters(news, nnews, clusters, &co);
        if (rc) {
            cli_error(rc == KB_EIO ? clusters : "train-ner", "%s", kb_strerror(rc));
            return rc == KB_ENOMEM ? KB_EXIT_FATAL : KB_EXIT_PARTIAL;
        }
        fprintf(stderr, "clusters written to %s\n", clusters);
        return KB_EXIT_OK;
    }
    if (induce) {
        if (!model) { cli_error("train-ner", "--induce wants --model (a model trained without the table)"); return KB_EXIT_USAGE; }
        if (!nnews) news[nnews++] = "../shared/corpus/news";
        kb_ner_induce_opts io = {0};
        io.max_tokens = max_tokens;
        io.min_uses = min_uses;
        io.progress = on_progress;
        int rc = kb_ner_induce(news, nnews, model, induce, &io);
        if (rc) {
            cli_error(rc == KB_EIO ? induce : "train-ner", "%s", kb_strerror(rc));
            return rc == KB_ENOMEM ? KB_EXIT_FATAL : KB_EXIT_PARTIAL;
        }
        fprintf(stderr, "induced table written to %s\n", induce);
        return KB_EXIT_OK;
    }
    kb_ner_report r;
    int rc = kb_ner_train(corpus, out, &o, o.holdout > 0 ? &r : NULL);
    if (rc) {
        cli_error(rc == KB_EIO || rc == KB_EEMPTY ? corpus : "train-ner", "%s", kb_strerror(rc));
        return rc == KB_ENOMEM ? KB_EXIT_FATAL : KB_EXIT_PARTIAL;
    }
    fprintf(stderr, "model written to %s\n", out);
    if (o.holdout > 0) {
        printf("held out: %zu tokens, %zu sentences (trained on %zu tokens)\n", r.test_tokens,
               r.test_sentences, r.train_tokens);
        for (int k = 0; k < 5; k++)
            printf("ner type=%s precision=%.4f recall=%.4f f1=%.4f gold=%zu found=%zu\n", r.score[k].type,
                   r.score[k].precision, r.score[k].recall, r.score[k].f1, r.score[k].gold, r.score[k].found);
    }
    return KB_EXIT_OK;
}
