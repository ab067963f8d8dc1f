/*
** Quotes (src/analyze/quotes.c): who said what. Each case builds a small
** article from sentences written for the test (a title line and body
** paragraphs, extracted as a flattened page), runs kb_analyze(), and checks
** the quotes: speaker, mention, verb, statement, direct flag and offsets.
** The last case checks the founding example from ../shared/corpus/seed.
*/
#include <stdint.h>

#include "kbtest.h"
#include "khabar.h"

static kb_article *build(const char *page) {
    kb_extract_opts o = {0};
    o.format = KB_FMT_FLAT;
    kb_article *a = NULL;
    const char *err = NULL;
    if (kb_extract(page, strlen(page), &o, &a, &err) != KB_OK) return NULL;
    if (kb_analyze(a) != KB_OK) {
        kb_article_free(a);
        return NULL;
    }
    return a;
}

/* The code points [s, e) of z as a new string (static buffer). */
static const char *cp_slice(const char *z, size_t s, size_t e) {
    static char out[8192];
    size_t cp = 0, w = 0;
    for (const unsigned char *p = (const unsigned char *)z; *p; p++) {
        int lead = (*p & 0xC0) != 0x80;
        if (lead) cp++;
        if (cp > s && cp <= e && w + 1 < sizeof out) out[w++] = (char)*p;
    }
    out[w] = 0;
    return out;
}

/* Every quote's offsets lie inside its paragraph (counted in code points). */
static int offsets_bounded(const kb_article *a) {
    for (size_t i = 0; i < a->nquotes; i++) {
        const kb_quote *q = &a->quotes[i];
        if (q->paragraph < 0 || (size_t)q->paragraph >= a->nparagraphs || q->start > q->end) return 0;
        size_t cp = 0;
        for (const unsigned char *p = (const unsigned char *)a->paragraphs[q->paragraph]; *p; p++)
            cp += (*p & 0xC0) != 0x80;
        if (q->end > cp) return 0;
    }
    return 1;
}

/* Every quote's offsets select its text inside its paragraph. */
static int offsets_ok(const kb_article *a) {
    for (size_t i = 0; i < a->nquotes; i++) {
        const kb_quote *q = &a->quotes[i];
        if (q->paragraph < 0 || (size_t)q->paragraph >= a->nparagraphs || q->start > q->end) return 0;
        if (strcmp(cp_slice(a->paragraphs[q->paragraph], q->start, q->end), q->text)) return 0;
    }
    return 1;
}

static int starts(const char *z, const char *prefix) { return z && !strncmp(z, prefix, strlen(prefix)); }

#define PAGE(...) "خبر تجريبي عن تصريحات المسؤولين\n\n" __VA_ARGS__

TEST(verb_speaker_inna) {
    kb_article *a = build(PAGE("قال الوزير سالم الفارس إن الحكومة ستفتح ثلاثة مستشفيات جديدة في الشمال.\n"));
    ASSERT(a);
    ASSERT_INT_EQ(a->nquotes, 1);
    const kb_quote *q = &a->quotes[0];
    ASSERT_STR_EQ(q->speaker, "سالم الفارس");
    ASSERT_STR_EQ(q->speaker_mention, "الوزير سالم الفارس");
    ASSERT_STR_EQ(q->verb, "قال");
    ASSERT_STR_EQ(q->text, "الحكومة ستفتح ثلاثة مستشفيات جديدة في الشمال");
    ASSERT_INT_EQ(q->direct, 0);
    ASSERT_INT_EQ(q->paragraph, 0);
    ASSERT(offsets_ok(a));
    kb_article_free(a);
}

TEST(apposition_role_then_role_mention_and_surname) {
    kb_article *a = build(PAGE(
        "قال العقيد نادر الحلواني، المتحدث باسم هيئة الموانئ الوطنية، إن السفن عادت إلى الرصيف.\n\n"
        "وأكد الناطق باسم هيئة الموانئ أن الحركة ستعود كاملة خلال أسبوع.\n\n"
        "وأضاف الحلواني أن الطقس لم يعد يشكل خطرا.\n"));
    ASSERT(a);
    ASSERT_INT_EQ(a->nquotes, 3);
    for (size_t i = 0; i < 3; i++) ASSERT_STR_EQ(a->quotes[i].speaker, "نادر الحلواني");
    ASSERT_STR_EQ(a->quotes[1].speaker_mention, "الناطق باسم هيئة الموانئ");
    ASSERT_STR_EQ(a->quotes[1].verb, "وأكد");
    ASSERT_STR_EQ(a->quotes[2].speaker_mention, "الحلواني");
    ASSERT(offsets_ok(a));
    kb_article_free(a);
}

TEST(omitted_subject_and_participle_continue_speaker) {
    kb_article *a = build(PAGE(
        "قالت المديرة هالة السعدي إن المدرسة ستغلق يومين، مؤكدةً أن الدروس ستعوض لاحقا.\n\n"
        "وأضافت أن الأهالي أبلغوا بالقرار مسبقا عبر رسائل نصية ومكالمات هاتفية من إدارة المدرسة.\n"));
    ASSERT(a);
    ASSERT_INT_EQ(a->nquotes, 3);
    ASSERT_STR_EQ(a->quotes[0].text, "المدرسة ستغلق يومين");
    ASSERT_STR_EQ(a->quotes[1].verb, "مؤكدةً");
    ASSERT_STR_EQ(a->quotes[1].speaker_mention, "");
    ASSERT_STR_EQ(a->quotes[1].speaker, "هالة السعدي");
    ASSERT_STR_EQ(a->quotes[1].text, "الدروس ستعوض لاحقا");
    ASSERT_STR_EQ(a->quotes[2].verb, "وأضافت");
    ASSERT_STR_EQ(a->quotes[2].speaker, "هالة السعدي");
    ASSERT_INT_EQ(a->quotes[2].paragraph, 1);
    ASSERT(offsets_ok(a));
    kb_article_free(a);
}

TEST(participle_with_preposition) {
    kb_article *a = build(PAGE("قال المهندس فارس الدوري إن الجسر آمن، مشيرًا إلى أن الصيانة تمت الشهر الماضي.\n"));
    ASSERT(a);
    ASSERT_INT_EQ(a->nquotes, 2);
    ASSERT_STR_EQ(a->quotes[0].text, "الجسر آمن");
    ASSERT_STR_EQ(a->quotes[1].verb, "مشيرًا");
    ASSERT_STR_EQ(a->quotes[1].text, "الصيانة تمت الشهر الماضي");
    ASSERT_STR_EQ(a->quotes[1].speaker, "فارس الدوري");
    kb_article_free(a);
}

TEST(direct_quote_after_verb_and_before_verb) {
    kb_article *a = build(PAGE(
        "وقال المدرب كريم الزين: «سنلعب بكل قوة في المباراة القادمة».\n\n"
        "«الفريق جاهز تماما للموسم الجديد بعد معسكر طويل في الجبال»، قال الزين في ختام التدريب.\n"));
    ASSERT(a);
    ASSERT_INT_EQ(a->nquotes, 2);
    ASSERT_INT_EQ(a->quotes[0].direct, 1);
    ASSERT_STR_EQ(a->quotes[0].text, "سنلعب بكل قوة في المباراة القادمة");
    ASSERT_STR_EQ(a->quotes[0].speaker, "كريم الزين");
    ASSERT_INT_EQ(a->quotes[1].direct, 1);
    ASSERT_STR_EQ(a->quotes[1].text, "الفريق جاهز تماما للموسم الجديد بعد معسكر طويل في الجبال");
    ASSERT_STR_EQ(a->quotes[1].speaker, "كريم الزين");
    ASSERT_STR_EQ(a->quotes[1].speaker_mention, "الزين");
    ASSERT(offsets_ok(a));
    kb_article_free(a);
}

TEST(nested_verb_inside_statement_is_skipped) {
    kb_article *a = build(PAGE(
        "قال الطبيب مروان العطار إن المرضى يقولون إنهم تحسنوا كثيرا بعد العلاج الجديد.\n"));
    ASSERT(a);
    ASSERT_INT_EQ(a->nquotes, 1);
    ASSERT_STR_EQ(a->quotes[0].speaker, "مروان العطار");
    ASSERT(starts(a->quotes[0].text, "المرضى يقولون"));
    kb_article_free(a);
}

TEST(statement_ends_at_sentence_end) {
    kb_article *a = build(PAGE(
        "وأوضح الخبير سمير النجار أن الأسعار سترتفع؛ لكن ببطء. وانخفضت الأسهم في نهاية اليوم.\n"));
    ASSERT(a);
    ASSERT_INT_EQ(a->nquotes, 1);
    ASSERT_STR_EQ(a->quotes[0].text, "الأسعار سترتفع؛ لكن ببطء");
    kb_article_free(a);
}

TEST(mention_with_parentheticals) {
    kb_article *a = build(PAGE(
        "وأضاف النجار، في حديث لإذاعة محلية، مساء أمس، أن السوق تحتاج إلى وقت.\n"));
    ASSERT(a);
    ASSERT_INT_EQ(a->nquotes, 1);
    ASSERT_STR_EQ(a->quotes[0].speaker_mention, "النجار");
    ASSERT_STR_EQ(a->quotes[0].text, "السوق تحتاج إلى وقت");
    kb_article_free(a);
}

TEST(attribution_before_and_after) {
    kb_article *a = build(PAGE(
        "ارتفع عدد الزوار إلى مليون زائر هذا العام، بحسب وزارة السياحة.\n\n"
        "ووفقًا لوكالة الأنباء الرسمية، فإن المهرجان سيستمر أسبوعين.\n"));
    ASSERT(a);
    ASSERT_INT_EQ(a->nquotes, 2);
    ASSERT_STR_EQ(a->quotes[0].verb, "بحسب");
    ASSERT_STR_EQ(a->quotes[0].speaker_mention, "وزارة السياحة");
    ASSERT_STR_EQ(a->quotes[0].text, "ارتفع عدد الزوار إلى مليون زائر هذا العام");
    ASSERT_STR_EQ(a->quotes[1].speaker_mention, "وكالة الأنباء الرسمية");
    ASSERT_STR_EQ(a->quotes[1].text, "المهرجان سيستمر أسبوعين");
    ASSERT(offsets_ok(a));
    kb_article_free(a);
}

TEST(anonymous_source_has_no_speaker) {
    kb_article *a = build(PAGE("وقال مصدر أمني إن الطريق أغلق بسبب الثلوج.\n"));
    ASSERT(a);
    ASSERT_INT_EQ(a->nquotes, 1);
    ASSERT(a->quotes[0].speaker == NULL);
    ASSERT_STR_EQ(a->quotes[0].speaker_mention, "مصدر أمني");
    kb_article_free(a);
}

TEST(verb_without_statement_gives_nothing) {
    kb_article *a = build(PAGE("أعلن الفريق الفائز أسماء لاعبيه الجدد. ثم غادر الملعب.\n"));
    ASSERT(a);
    ASSERT_INT_EQ(a->nquotes, 0);
    kb_article_free(a);
}

TEST(diacritics_and_tatweel_in_verbs) {
    kb_article *a = build(PAGE("وأكّـد رئيس البلدية عادل القاضي أنّ المياه عادت، معتبرًا أنّ الأزمة انتهت.\n"));
    ASSERT(a);
    ASSERT_INT_EQ(a->nquotes, 2);
    ASSERT_STR_EQ(a->quotes[0].verb, "وأكّـد");
    ASSERT_STR_EQ(a->quotes[0].speaker, "عادل القاضي");
    ASSERT_STR_EQ(a->quotes[1].text, "الأزمة انتهت");
    kb_article_free(a);
}

/* Linear time on degenerate inputs: many verbs in a row, one huge sentence. */
TEST(pathological_inputs) {
    size_t n = 10000;
    char *page = malloc(n * 12 + 64);
    ASSERT(page);
    size_t w = (size_t)sprintf(page, "عنوان\n\n");
    for (size_t i = 0; i < n; i++) w += (size_t)sprintf(page + w, "قال ");
    page[w++] = '\n';
    page[w] = 0;
    kb_article *a = build(page);
    ASSERT(a);
    ASSERT(offsets_ok(a));
    kb_article_free(a);
    free(page);

    size_t big = 1 << 20;
    page = malloc(big + 64);
    ASSERT(page);
    w = (size_t)sprintf(page, "عنوان\n\nقال الوزير إن ");
    while (w + 16 < big) w += (size_t)sprintf(page + w, "كلام أن ");
    page[w++] = '\n';
    page[w] = 0;
    a = build(page);
    ASSERT(a);
    ASSERT_INT_EQ(a->nquotes, 1);
    ASSERT(offsets_bounded(a));
    kb_article_free(a);
    free(page);
}

TEST(seed_article_speaker) {
    char path[1024];
    if (!kbt_corpus("seed/000_057b97d1caa2b348.txt", path, sizeof path)) {
        printf("seed_article_speaker: corpus absent, skipped\n");
        return;
    }
    FILE *f = fopen(path, "rb");
    ASSERT(f);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    kb_article *a = build(buf);
    ASSERT(a);
    size_t hits = 0, role = 0;
    for (size_t i = 0; i < a->nquotes; i++) {
        const kb_quote *q = &a->quotes[i];
        ASSERT_STR_EQ(q->speaker, "أحمد المسماري");
        hits++;
        if (starts(q->speaker_mention, "الناطق باسم") || starts(q->speaker_mention, "المتحدث باسم")) role++;
        ASSERT(!starts(q->text, "إنهم أسقطوا"));
    }
    ASSERT(hits >= 6);
    ASSERT_INT_EQ(role, 2);
    ASSERT(offsets_ok(a));
    kb_article_free(a);
}

TEST(outlet_named_in_quotes_is_the_speaker) {
    kb_article *a = build(PAGE(
        "وقالت صحيفة \"نجمة الصباح\" الأسبوعية إن المصنع سيغلق أبوابه نهاية الشهر.\n\n"
        "وذكرت وكالة «أنباء الوادي» أن العمال تظاهروا أمام البوابة.\n\n"
        "وقالت الوزارة \"نرفض هذا القرار تماما ولن نوقع عليه\".\n"));
    ASSERT(a);
    ASSERT_INT_EQ(a->nquotes, 3);
    ASSERT_STR_EQ(a->quotes[0].speaker, "صحيفة نجمة الصباح");
    ASSERT_STR_EQ(a->quotes[0].speaker_mention, "صحيفة \"نجمة الصباح\"");
    ASSERT_STR_EQ(a->quotes[0].text, "المصنع سيغلق أبوابه نهاية الشهر");
    ASSERT_STR_EQ(a->quotes[1].speaker, "وكالة أنباء الوادي");
    ASSERT_STR_EQ(a->quotes[1].text, "العمال تظاهروا أمام البوابة");
    /* Not an outlet: the quoted words are what the ministry said. */
    ASSERT_INT_EQ(a->quotes[2].direct, 1);
    ASSERT(starts(a->quotes[2].text, "نرفض هذا القرار"));
    ASSERT(offsets_ok(a));
    kb_article_free(a);
}

TEST(anonymous_source_named_again_stays_anonymous) {
    kb_article *a = build(PAGE(
        "قال مصدر أمني إن الدوريات ستنتشر في الأحياء الشرقية منذ صباح الغد وحتى نهاية الأسبوع المقبل.\n\n"
        "وأضاف المصدر أن الحواجز سترفع خلال يومين بعد انتهاء أعمال الصيانة على الطريق الرئيسي للمدينة.\n\n"
        "وقالت المصادر إن التحقيق ما زال جاريا وإن النتائج ستعلن في مؤتمر صحفي خلال الأيام القادمة.\n"));
    ASSERT(a);
    ASSERT_INT_EQ(a->nquotes, 3);
    for (size_t i = 0; i < 3; i++) ASSERT(a->quotes[i].speaker == NULL);
    ASSERT_STR_EQ(a->quotes[1].speaker_mention, "المصدر");
    ASSERT_STR_EQ(a->quotes[2].speaker_mention, "المصادر");
    ASSERT(starts(a->quotes[2].text, "التحقيق ما زال جاريا"));
    kb_article_free(a);
}
