/*
** Story signatures and grouping (src/dedup/): articles built from sentences
** written for the test (a title line and body paragraphs, extracted as a
** flattened page). Near-identical bodies (a word changed, a line added, a
** new title, other paragraph breaks) must be similar and share a story;
** different bodies must not. Also: signature blobs round-trip, band keys of
** identical bodies are equal, the grouping rule keeps band rows bounded, and
** 10,000 identical or empty articles group correctly within a time bound.
*/
#include <stdint.h>
#include <time.h>

#include "dedup/dedup.h"
#include "kbtest.h"
#include "khabar.h"

#define TITLE_A "وزير الطاقة يعلن خطة لتوسيع شبكة الكهرباء في المناطق الشمالية"
#define P1 "أعلن وزير الطاقة اليوم الأحد عن خطة جديدة لتوسيع شبكة الكهرباء في المناطق الشمالية خلال السنوات الثلاث المقبلة، بتكلفة تقدر بنحو أربعة مليارات ريال."
#define P2 "وقال الوزير في مؤتمر صحفي عقده في مقر الوزارة إن الخطة تشمل إنشاء ثلاث محطات توليد جديدة ومد خطوط نقل يبلغ طولها ألفي كيلومتر."
#define P3 "وأضاف أن المشروع سيوفر فرص عمل للشباب في القرى والمدن الصغيرة، وسيخفض انقطاع التيار الذي تشكو منه الأسر في فصل الصيف."
#define P4 "وأشار إلى أن الوزارة ستطرح المناقصات الأولى قبل نهاية العام الجاري، على أن تبدأ الأعمال الميدانية في الربع الأول من العام المقبل."
#define P5 "من جهتهم، رحب أعضاء المجلس البلدي بالخطة، وطالبوا بإعطاء الأولوية للأحياء التي لم تصلها الشبكة بعد."

#define TITLE_B "افتتاح معرض الكتاب الدولي بمشاركة مئات دور النشر العربية"
#define Q1 "افتتح أمير المنطقة مساء أمس معرض الكتاب الدولي في دورته العاشرة بمشاركة أكثر من خمسمئة دار نشر من عشرين دولة."
#define Q2 "ويضم المعرض هذا العام جناحا خاصا لكتب الأطفال، وسلسلة من الندوات الثقافية والأمسيات الشعرية التي تستمر عشرة أيام."
#define Q3 "وقالت مديرة المعرض إن عدد الزوار في اليوم الأول تجاوز ثلاثين ألف زائر، معظمهم من طلاب الجامعات والمدارس."
#define Q4 "وتشارك دور النشر المحلية بعناوين جديدة في التاريخ والرواية والعلوم، فيما خصص ركن لتوقيع المؤلفين إصداراتهم."

static kb_article *build(const char *page) {
    kb_extract_opts o = {0};
    o.format = KB_FMT_FLAT;
    kb_article *a = NULL;
    const char *err = NULL;
    if (kb_extract(page, strlen(page), &o, &a, &err) != KB_OK) return NULL;
    return a;
}

static kb_sigger *sigger(void) {
    kb_sigger *s = NULL;
    kb__sigger_new(&s, NULL);
    return s;
}

/* The signature of a page; returns the kb__sig_compute() code. */
static int sign(kb_sigger *s, const char *page, kb_sig *sig) {
    kb_article *a = build(page);
    if (!a) return -100;
    int rc = kb__sig_compute(s, a, sig);
    kb_article_free(a);
    return rc;
}

static const char *PAGE_A = TITLE_A "\n\n" P1 "\n\n" P2 "\n\n" P3 "\n\n" P4 "\n\n" P5 "\n";
static const char *PAGE_B = TITLE_B "\n\n" Q1 "\n\n" Q2 "\n\n" Q3 "\n\n" Q4 "\n";

TEST(identical_bodies_identical_signatures_and_keys) {
    kb_sigger *s = sigger();
    ASSERT(s != NULL);
    kb_sig a, b;
    ASSERT_INT_EQ(sign(s, PAGE_A, &a), KB_OK);
    /* Another title, and the body in other paragraph breaks. */
    ASSERT_INT_EQ(sign(s, "عنوان آخر للخبر نفسه عن الكهرباء\n\n" P1 " " P2 "\n\n" P3 "\n\n" P4 " " P5 "\n", &b),
                  KB_OK);
    ASSERT_DBL_NEAR(kb__sig_similarity(&a, &b), 1.0, 0);
    uint64_t ka[KB_SIG_BANDS], kb[KB_SIG_BANDS];
    kb__sig_bands(&a, ka);
    kb__sig_bands(&b, kb);
    for (int i = 0; i < KB_SIG_BANDS; i++) ASSERT(ka[i] == kb[i]);
    /* Different bands of one signature give different keys. */
    ASSERT(ka[0] != ka[1]);
    kb__sigger_free(s);
}

TEST(normalization_does_not_matter) {
    /* Hamza seats, diacritics, tatweel and Arabic-Indic digits fold away. */
    kb_sigger *s = sigger();
    kb_sig a, b;
    const char *y = "قال الوزير إن المشروع يكلف 4 مليارات ريال ويوفر 300 وظيفة";
    const char *z = "قَالَ الوزيـــر ان المشروع يكلّف ٤ مليارات ريال ويوفر ٣٠٠ وظيفة";
    ASSERT_INT_EQ(kb__sig_compute_text(s, y, strlen(y), &a), KB_OK);
    ASSERT_INT_EQ(kb__sig_compute_text(s, z, strlen(z), &b), KB_OK);
    ASSERT_DBL_NEAR(kb__sig_similarity(&a, &b), 1.0, 0);
    kb__sigger_free(s);
}

TEST(one_word_changed_is_similar) {
    kb_sigger *s = sigger();
    kb_sig a, b;
    ASSERT_INT_EQ(sign(s, PAGE_A, &a), KB_OK);
    /* "ثلاث محطات" -> "أربع محطات" */
    ASSERT_INT_EQ(sign(s, TITLE_A "\n\n" P1 "\n\n"
                       "وقال الوزير في مؤتمر صحفي عقده في مقر الوزارة إن الخطة تشمل إنشاء أربع محطات توليد جديدة ومد خطوط نقل يبلغ طولها ألفي كيلومتر."
                       "\n\n" P3 "\n\n" P4 "\n\n" P5 "\n", &b),
                  KB_OK);
    double sim = kb__sig_similarity(&a, &b);
    ASSERT(sim >= KB_SIG_THRESHOLD);
    ASSERT(sim < 1.0);
    kb__sigger_free(s);
}

TEST(boilerplate_line_added_is_similar) {
    kb_sigger *s = sigger();
    kb_sig a, b;
    ASSERT_INT_EQ(sign(s, PAGE_A, &a), KB_OK);
    ASSERT_INT_EQ(sign(s, TITLE_A "\n\n" P1 "\n\n" P2 "\n\n" P3 "\n\n" P4 "\n\n" P5 "\n\n"
                       "ننشر هذا الخبر نقلا عن وكالة الأنباء الرسمية\n", &b),
                  KB_OK);
    ASSERT(kb__sig_similarity(&a, &b) >= KB_SIG_THRESHOLD);
    kb__sigger_free(s);
}

TEST(different_texts_are_not_similar) {
    kb_sigger *s = sigger();
    kb_sig a, b;
    ASSERT_INT_EQ(sign(s, PAGE_A, &a), KB_OK);
    ASSERT_INT_EQ(sign(s, PAGE_B, &b), KB_OK);
    ASSERT(kb__sig_similarity(&a, &b) < 0.1);
    /* Half of one article: clearly below the threshold. */
    ASSERT_INT_EQ(sign(s, TITLE_A "\n\n" P1 "\n\n" P2 "\n\n" Q3 "\n\n" Q4 "\n", &b), KB_OK);
    ASSERT(kb__sig_similarity(&a, &b) < 0.6);
    kb__sigger_free(s);
}

TEST(grouper_groups_near_identical_and_separates_others) {
    kb_sigger *s = sigger();
    kb_grouper *g = NULL;
    ASSERT_INT_EQ(kb__grouper_new(&g, NULL), KB_OK);
    const char *pages[] = {
        PAGE_A,
        PAGE_B,
        TITLE_A "\n\n" P1 "\n\n" P2 "\n\n" P3 "\n\n" P4 "\n\n" P5 "\n\nننشر هذا الخبر نقلا عن وكالة الأنباء الرسمية\n",
        "عنوان مختلف لخبر المعرض\n\n" Q1 " " Q2 "\n\n" Q3 "\n\n" Q4 "\n",
        TITLE_A "\n\n" P1 "\n\n" P2 "\n\n" Q3 "\n\n" Q4 "\n",
    };
    int64_t want[] = {0, 1, 0, 1, 4};
    for (int i = 0; i < 5; i++) {
        kb_sig sig;
        int64_t story = -1;
        double sim = -1;
        ASSERT_INT_EQ(sign(s, pages[i], &sig), KB_OK);
        ASSERT_INT_EQ(kb__grouper_add(g, &sig, &story, &sim), KB_OK);
        ASSERT_INT_EQ(story, want[i]);
        if (story == i) ASSERT_DBL_NEAR(sim, 0.0, 0);
        else ASSERT(sim >= KB_SIG_THRESHOLD);
    }
    ASSERT_INT_EQ(kb__grouper_count(g), 5);
    kb__grouper_free(g);
    kb__sigger_free(s);
}

TEST(blob_round_trip) {
    kb_sigger *s = sigger();
    kb_sig a, b;
    ASSERT_INT_EQ(sign(s, PAGE_A, &a), KB_OK);
    unsigned char blob[KB_SIG_BYTES];
    kb__sig_to_blob(&a, blob);
    memset(&b, 0, sizeof b);
    ASSERT_INT_EQ(kb__sig_from_blob(blob, sizeof blob, &b), KB_OK);
    ASSERT(memcmp(&a, &b, sizeof a) == 0);
    /* Little-endian, value by value. */
    ASSERT_INT_EQ(blob[0] | blob[1] << 8 | blob[2] << 16 | (uint32_t)blob[3] << 24, a.h[0]);
    ASSERT_INT_EQ(kb__sig_from_blob(blob, sizeof blob - 1, &b), KB_EINVAL);
    ASSERT_INT_EQ(kb__sig_from_blob(NULL, KB_SIG_BYTES, &b), KB_EINVAL);
    kb__sigger_free(s);
}

TEST(article_equals_joined_body_text) {
    /* The archive stores the body as paragraphs joined by '\n'. */
    kb_sigger *s = sigger();
    kb_article *a = build(PAGE_A);
    ASSERT(a != NULL);
    char body[8192];
    size_t n = 0;
    for (size_t i = 0; i < a->nparagraphs; i++) {
        n += (size_t)snprintf(body + n, sizeof body - n, "%s%s", i ? "\n" : "", a->paragraphs[i]);
    }
    kb_sig x, y;
    ASSERT_INT_EQ(kb__sig_compute(s, a, &x), KB_OK);
    ASSERT_INT_EQ(kb__sig_compute_text(s, body, n, &y), KB_OK);
    ASSERT(memcmp(&x, &y, sizeof x) == 0);
    /* The shingle count: one per token from the third on (no repeats here). */
    ASSERT(kb__sig_shingles(s, a, NULL, 0) > 100);
    kb_article_free(a);
    kb__sigger_free(s);
}

TEST(empty_and_short_bodies) {
    kb_sigger *s = sigger();
    kb_sig a, b;
    kb_article empty = {0};
    ASSERT_INT_EQ(kb__sig_compute(s, &empty, &a), KB_EEMPTY);
    ASSERT_INT_EQ(kb__sig_compute_text(s, "« ... » !!", strlen("« ... » !!"), &a), KB_EEMPTY);
    /* Shorter than a shingle: one shingle of all tokens, every bin filled. */
    ASSERT_INT_EQ(kb__sig_compute_text(s, "عاجل", strlen("عاجل"), &a), KB_OK);
    ASSERT_INT_EQ(kb__sig_compute_text(s, "عاجل!", strlen("عاجل!"), &b), KB_OK);
    ASSERT_DBL_NEAR(kb__sig_similarity(&a, &b), 1.0, 0);
    for (int i = 0; i < KB_SIG_K; i++) ASSERT(a.h[i] == a.h[0]);
    ASSERT_INT_EQ(kb__sig_compute_text(s, "خبر عاجل", strlen("خبر عاجل"), &b), KB_OK);
    ASSERT(kb__sig_similarity(&a, &b) < 0.1);
    kb__sigger_free(s);
}

TEST(decide_keeps_band_rows_bounded) {
    kb_sig x, y;
    for (int i = 0; i < KB_SIG_K; i++) x.h[i] = (uint32_t)i, y.h[i] = (uint32_t)(i < 120 ? i : 1000 + i);
    uint64_t keys[KB_SIG_BANDS];
    kb__sig_bands(&x, keys);
    kb_sig_cand c[KB_SIG_BUCKET_CAP + 1];
    unsigned char store[KB_SIG_BANDS];
    int64_t story;
    double sim;
    /* Key 0 already holds a row of the story the article joins: not stored
    ** again; the other keys are new: stored. */
    c[0] = (kb_sig_cand){keys[0], 7, 3, &y};
    ASSERT_INT_EQ(kb__sig_decide(&x, keys, KB_SIG_BANDS, c, 1, 0.83, 50, &story, &sim, store), 0);
    ASSERT_INT_EQ(story, 3);
    ASSERT_DBL_NEAR(sim, 120.0 / KB_SIG_K, 1e-12);
    ASSERT_INT_EQ(store[0], 0);
    ASSERT_INT_EQ(store[1], 1);
    /* Below the threshold: a new story (its own id), and key 0 is stored. */
    ASSERT_INT_EQ(kb__sig_decide(&x, keys, KB_SIG_BANDS, c, 1, 0.95, 50, &story, &sim, store), -1);
    ASSERT_INT_EQ(story, 50);
    ASSERT_DBL_NEAR(sim, 0.0, 0);
    ASSERT_INT_EQ(store[0], 1);
    /* A key holding KB_SIG_BUCKET_CAP rows of other stories is full. */
    for (int i = 0; i < KB_SIG_BUCKET_CAP; i++) c[i] = (kb_sig_cand){keys[5], 10 + i, 10 + i, &y};
    kb__sig_decide(&x, keys, KB_SIG_BANDS, c, KB_SIG_BUCKET_CAP, 0.99, 50, &story, &sim, store);
    ASSERT_INT_EQ(story, 50);
    ASSERT_INT_EQ(store[5], 0);
    ASSERT_INT_EQ(store[4], 1);
    /* Ties go to the earliest article. */
    c[0] = (kb_sig_cand){keys[1], 9, 9, &y};
    c[1] = (kb_sig_cand){keys[2], 8, 8, &y};
    ASSERT_INT_EQ(kb__sig_decide(&x, keys, KB_SIG_BANDS, c, 2, 0.83, 50, &story, &sim, store), 1);
    ASSERT_INT_EQ(story, 8);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

TEST(pathological_10000_identical_one_story_linear) {
    kb_sigger *s = sigger();
    kb_grouper *g = NULL;
    ASSERT_INT_EQ(kb__grouper_new(&g, NULL), KB_OK);
    kb_article *a = build(PAGE_A);
    ASSERT(a != NULL);
    double t0 = now();
    for (int i = 0; i < 10000; i++) {
        kb_sig sig;
        int64_t story;
        ASSERT_INT_EQ(kb__sig_compute(s, a, &sig), KB_OK);
        ASSERT_INT_EQ(kb__grouper_add(g, &sig, &story, NULL), KB_OK);
        ASSERT_INT_EQ(story, 0);
    }
    double t = now() - t0;
    /* Each article examines the one row per band key of story 0. */
    ASSERT(kb__grouper_work(g) <= (size_t)10000 * KB_SIG_BANDS);
    ASSERT(t < 5.0); /* about 0.1 s in a release build */
    kb_article_free(a);
    kb__grouper_free(g);
    kb__sigger_free(s);
}

TEST(pathological_10000_empty_each_own_story) {
    kb_sigger *s = sigger();
    kb_grouper *g = NULL;
    ASSERT_INT_EQ(kb__grouper_new(&g, NULL), KB_OK);
    kb_article empty = {0};
    double t0 = now();
    for (int i = 0; i < 10000; i++) {
        kb_sig sig;
        int64_t story;
        ASSERT_INT_EQ(kb__sig_compute(s, &empty, &sig), KB_EEMPTY);
        ASSERT_INT_EQ(kb__grouper_add(g, NULL, &story, NULL), KB_OK);
        ASSERT_INT_EQ(story, i);
    }
    ASSERT(now() - t0 < 2.0);
    ASSERT_INT_EQ(kb__grouper_work(g), 0);
    kb__grouper_free(g);
    kb__sigger_free(s);
}

TEST(grouper_rejects_bad_bands) {
    kb_grouper *g = (kb_grouper *)1;
    kb_grouper_opts o = {0.8, 3};
    ASSERT_INT_EQ(kb__grouper_new(&g, &o), KB_EINVAL);
    ASSERT(g == NULL);
    o.bands = 16;
    ASSERT_INT_EQ(kb__grouper_new(&g, &o), KB_OK);
    kb__grouper_free(g);
    kb__grouper_free(NULL);
    kb__sigger_free(NULL);
}
