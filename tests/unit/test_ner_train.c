/*
** kb_ner_train() (khabar.h, section 11): the tagger's learners (perceptrons
** and CRFs summed, src/analyze/ner_train.c) learn names from their context
** on a small corpus written here, with made-up names no gazetteer knows, and
** score the held-out part; bad corpora are refused with the right error.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kbtest.h"
#include "khabar.h"

/* Made-up words: no gazetteer, cluster or induced-table entry has them. */
static const char *given[] = {"زمردان", "قرطاج", "بلنسار", "دهمور", "سنجاب", "طرفون", "كملان", "رصافي"};
static const char *family[] = {"الخزرمي", "الدنقلي", "الصوفاني", "البرزوي", "الهمداني", "القرطوني"};
static const char *places[] = {"زنقرة", "برطوس", "دملاج", "سفرين", "قرموط", "نيسرة"};
static const char *orgs[] = {"ترنكو", "ملفاز", "دوسار", "كبرين", "فلتاج"};
static const char *events[] = {"هرمزان", "صقلون", "بردين"};

static char g_path[64];

/* One "token TAG" line. */
static void put(FILE *f, const char *w, const char *tag) { fprintf(f, "%s %s\n", w, tag); }

/* n sentences from four patterns; r is a small deterministic generator. */
static void write_corpus(FILE *f, int n) {
    unsigned r = 12345;
#define PICK(a) (r = r * 1103515245u + 12345u, (a)[(r >> 16) % (sizeof(a) / sizeof *(a))])
    for (int s = 0; s < n; s++) {
        switch (s % 4) {
        case 0: /* قال G F إن الاجتماع عقد في P . */
            put(f, "قال", "O");
            put(f, PICK(given), "B-PERS");
            put(f, PICK(family), "I-PERS");
            put(f, "إن", "O");
            put(f, "الاجتماع", "O");
            put(f, "عقد", "O");
            put(f, "في", "O");
            put(f, PICK(places), "B-LOC");
            break;
        case 1: /* أعلنت شركة O عن خطة جديدة في P . */
            put(f, "أعلنت", "O");
            put(f, "شركة", "O");
            put(f, PICK(orgs), "B-ORG");
            put(f, "عن", "O");
            put(f, "خطة", "O");
            put(f, "جديدة", "O");
            put(f, "في", "O");
            put(f, PICK(places), "B-LOC");
            break;
        case 2: /* وصل G F إلى مدينة P أمس . */
            put(f, "وصل", "O");
            put(f, PICK(given), "B-PERS");
            put(f, PICK(family), "I-PERS");
            put(f, "إلى", "O");
            put(f, "مدينة", "O");
            put(f, PICK(places), "B-LOC");
            put(f, "أمس", "O");
            break;
        default: /* انطلقت بطولة E بمشاركة فريق O . */
            put(f, "انطلقت", "O");
            put(f, "بطولة", "O");
            put(f, PICK(events), "B-MISC");
            put(f, "بمشاركة", "O");
            put(f, "فريق", "O");
            put(f, PICK(orgs), "B-ORG");
            break;
        }
        put(f, ".", "O");
    }
#undef PICK
}

static int make_corpus(int n) {
    snprintf(g_path, sizeof g_path, "/tmp/kb-ner-train-XXXXXX");
    int fd = mkstemp(g_path);
    if (fd < 0) return -1;
    FILE *f = fdopen(fd, "w");
    if (!f) return -1;
    write_corpus(f, n);
    return fclose(f);
}

/* Write the corpus of 400 sentences and train a small model on it into
** g_path + ".bin" (model, msize bytes); kb_ner_train()'s result. */
static int train_small(char *model, size_t msize, kb_ner_report *r) {
    if (make_corpus(400)) return KB_EIO;
    kb_ner_train_opts o = {0};
    o.epochs = 6;
    o.holdout = 0.2;
    snprintf(model, msize, "%s.bin", g_path);
    return kb_ner_train(g_path, model, &o, r);
}

TEST(names_are_learned_from_their_context) {
    kb_ner_report r;
    char model[80];
    ASSERT_INT_EQ(train_small(model, sizeof model, &r), KB_OK);
    ASSERT(r.test_sentences >= 70 && r.test_sentences <= 90);
    ASSERT(r.train_sentences >= 300);
    /* every type is found, nearly always exactly (span and type) */
    for (int k = 0; k <= 4; k++) {
        ASSERT(r.score[k].gold > 0);
        ASSERT(r.score[k].f1 > 0.95);
    }
    ASSERT_STR_EQ(r.score[4].type, "ALL");
    FILE *f = fopen(model, "rb");
    ASSERT(f != NULL);
    char magic[8] = {0};
    ASSERT_INT_EQ(fread(magic, 1, 8, f), 8);
    ASSERT_MEM_EQ(magic, 8, "KBNER01\n");
    fclose(f);
    unlink(model);
    unlink(g_path);
}

TEST(bad_corpora_are_refused) {
    kb_ner_report r;
    ASSERT_INT_EQ(kb_ner_train("/nonexistent/anercorp.txt", NULL, NULL, &r), KB_EIO);
    ASSERT_INT_EQ(kb_ner_train(NULL, NULL, NULL, &r), KB_EINVAL);
    kb_ner_train_opts o = {0};
    o.holdout = 0.95;
    ASSERT_INT_EQ(kb_ner_train("/dev/null", NULL, &o, &r), KB_EINVAL);
    o.holdout = 0.2;
    ASSERT_INT_EQ(kb_ner_train("/dev/null", NULL, &o, &r), KB_EEMPTY);
}

/* The first 64 KB of a file, NUL-terminated (the tables here are smaller). */
static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    char *s = f ? malloc(1 << 16) : NULL;
    if (s) s[fread(s, 1, (1 << 16) - 1, f)] = 0;
    if (f) fclose(f);
    return s;
}

/* kb_ner_induce(): a tagger trained on the corpus above tags a small news
** file of the same made-up names; the table lists them with their uses and
** how many fell inside a name of each type. */
TEST(induced_table_counts_names_in_news) {
    kb_ner_report r;
    char model[80], news[80], out1[80];
    ASSERT_INT_EQ(train_small(model, sizeof model, &r), KB_OK);
    snprintf(news, sizeof news, "%s.jsonl", g_path);
    snprintf(out1, sizeof out1, "%s.1.tsv", g_path);
    FILE *f = fopen(news, "w");
    ASSERT(f != NULL);
    for (int i = 0; i < 12; i++)
        fprintf(f, "{\"title\": \"خبر %d\", \"text\": \"قال زمردان الخزرمي إن الاجتماع عقد في زنقرة . "
                   "وصل سنجاب الدنقلي إلى مدينة برطوس أمس .\"}\n", i);
    fclose(f);
    const char *inputs[] = {news};
    kb_ner_induce_opts io = {0};
    io.min_uses = 3;
    ASSERT_INT_EQ(kb_ner_induce(inputs, 1, model, out1, &io), KB_OK);
    char *a = slurp(out1);
    ASSERT(a != NULL);
    /* "زمردان uses PER ...": 12 uses, most inside a person's name */
    const char *line = strstr(a, "\nزمردان\t");
    ASSERT(line != NULL);
    unsigned uses = 0, per = 0;
    ASSERT(sscanf(line + 1 + strlen("زمردان"), "%u %u", &uses, &per) == 2);
    ASSERT_INT_EQ(uses, 12);
    ASSERT(per >= 10);
    /* "الاجتماع" (its stem "اجتماع") is never inside a name: not listed */
    ASSERT(strstr(a, "\nاجتماع\t") == NULL && strstr(a, "\nاجتماع ") == NULL);
    free(a);
    ASSERT_INT_EQ(kb_ner_induce(inputs, 1, "/nonexistent/model.bin", out1, &io), KB_EIO);
    ASSERT_INT_EQ(kb_ner_induce(inputs, 1, news, out1, &io), KB_EINVAL); /* not a model file */
    unlink(model);
    unlink(news);
    unlink(out1);
    unlink(g_path);
}
