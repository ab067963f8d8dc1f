/*
** Named entities (src/analyze/entities.c, ner.c): gazetteer places with
** proclitics, titles kept out of names, canonical names across paragraphs,
** nisba adjectives, code-point offsets, the speaker helpers of entities.h,
** and the founding example of the corpus (skipped when the corpus is absent).
** The sentences are written for these tests.
*/
#include "analyze/entities.h"
#include "analyze/ner.h"
#include "kbtest.h"
#include "khabar.h"

/* Build an article from flat text (title line, blank, paragraphs) and analyse it. */
static kb_article *analyse(const char *text) {
    kb_extract_opts o = {0};
    o.format = KB_FMT_FLAT;
    kb_article *a = NULL;
    const char *err = NULL;
    if (kb_extract(text, strlen(text), &o, &a, &err) != KB_OK) return NULL;
    if (kb_analyze(a) != KB_OK) { kb_article_free(a); return NULL; }
    return a;
}

static const kb_entity *find(const kb_article *a, const char *type, const char *canonical, long par) {
    for (size_t i = 0; i < a->nentities; i++) {
        const kb_entity *e = &a->entities[i];
        if (!strcmp(e->type, type) && !strcmp(e->canonical, canonical) && (par == -2 || e->paragraph == par))
            return e;
    }
    return NULL;
}

static const char *par_of(const kb_article *a, long p) { return p < 0 ? a->title : a->paragraphs[p]; }

/* The code points [s, e) of z as a new string in buf. */
static const char *cp_slice(const char *z, size_t s, size_t e, char *buf) {
    size_t cp = 0, i = 0, w = 0;
    for (; z[i]; i++) {
        int lead = ((unsigned char)z[i] & 0xC0) != 0x80;
        if (lead && i) cp++;
        if (cp >= s && cp < e) buf[w++] = z[i];
    }
    buf[w] = 0;
    return buf;
}

static const char *doc =
    "زيارة رسمية إلى القاهرة\n\n"
    "وصل الوزير سامي الخطيب إلى القاهرة قادمًا من تونس، وسيتوجه بعدها لتركيا وبالرباط.\n\n"
    "وقال الخطيب إن وفدًا ليبيًا سيزور الجزائر الشهر المقبل للقاء مسؤولي الأمم المتحدة.\n\n"
    "وأكد الدكتور الخطيب أن الاتحاد الأوروبي يدعم المبادرة.\n";

TEST(gazetteer_places_with_clitics) {
    kb_article *a = analyse(doc);
    ASSERT(a != NULL);
    ASSERT(find(a, "LOC", "القاهرة", -1) != NULL);
    ASSERT(find(a, "LOC", "القاهرة", 0) != NULL);
    ASSERT(find(a, "LOC", "تونس", 0) != NULL);
    const kb_entity *e = find(a, "LOC", "تركيا", 0);
    ASSERT(e != NULL);
    ASSERT_STR_EQ(e->text, "تركيا"); /* the ل of "لتركيا" is not part of the name */
    e = find(a, "LOC", "الرباط", 0);
    ASSERT(e != NULL);
    ASSERT_STR_EQ(e->text, "الرباط"); /* "وبالرباط" */
    ASSERT(find(a, "LOC", "الجزائر", 1) != NULL);
    kb_article_free(a);
}

TEST(gazetteer_organisations) {
    kb_article *a = analyse(doc);
    ASSERT(a != NULL);
    const kb_entity *e = find(a, "ORG", "الأمم المتحدة", 1);
    ASSERT(e != NULL);
    ASSERT(find(a, "ORG", "الاتحاد الأوروبي", 2) != NULL);
    kb_article_free(a);
}

TEST(titles_stripped_and_canonical_name) {
    kb_article *a = analyse(doc);
    ASSERT(a != NULL);
    const kb_entity *e = find(a, "PER", "سامي الخطيب", 0);
    ASSERT(e != NULL);
    ASSERT_STR_EQ(e->text, "سامي الخطيب"); /* "الوزير" is a title */
    /* Later mentions by family name resolve to the full name. */
    e = find(a, "PER", "سامي الخطيب", 1);
    ASSERT(e != NULL);
    ASSERT_STR_EQ(e->text, "الخطيب");
    e = find(a, "PER", "سامي الخطيب", 2);
    ASSERT(e != NULL);
    ASSERT_STR_EQ(e->text, "الخطيب");
    kb_article_free(a);
}

TEST(nisba_is_not_a_place) {
    kb_article *a = analyse(doc);
    ASSERT(a != NULL);
    for (size_t i = 0; i < a->nentities; i++)
        if (!strcmp(a->entities[i].type, "LOC")) ASSERT(strcmp(a->entities[i].canonical, "ليبيا"));
    kb_article_free(a);
}

TEST(offsets_are_code_points) {
    /* Diacritics count as code points of their own. */
    kb_article *a = analyse("عنوان\n\nسافرَ الوفدُ إلى بَغدادَ أمسِ، ثم إلى دمشق.\n");
    ASSERT(a != NULL);
    char buf[256];
    const kb_entity *e = find(a, "LOC", "بغداد", 0);
    ASSERT(e != NULL);
    ASSERT_STR_EQ(e->text, "بَغدادَ");
    ASSERT_INT_EQ(e->start, 17);
    ASSERT_INT_EQ(e->end, 24);
    ASSERT_STR_EQ(cp_slice(par_of(a, 0), e->start, e->end, buf), "بَغدادَ");
    for (size_t i = 0; i < a->nentities; i++) {
        const kb_entity *x = &a->entities[i];
        ASSERT_STR_EQ(cp_slice(par_of(a, x->paragraph), x->start, x->end, buf), x->text);
    }
    kb_article_free(a);
}

TEST(speaker_helpers) {
    kb_article *a = analyse(doc);
    ASSERT(a != NULL);
    const char *names[8];
    size_t n = kb__entities_persons(a, names, 8);
    ASSERT(n >= 1);
    ASSERT_STR_EQ(names[0], "سامي الخطيب");
    ASSERT_STR_EQ(kb__entities_resolve(a, "الخطيب", strlen("الخطيب")), "سامي الخطيب");
    ASSERT_STR_EQ(kb__entities_resolve(a, "الوزير الخطيب", strlen("الوزير الخطيب")), "سامي الخطيب");
    ASSERT_STR_EQ(kb__entities_resolve(a, "وللخطيب", strlen("وللخطيب")) ? "x" : "none", "none");
    ASSERT(kb__entities_resolve(a, "فلان", strlen("فلان")) == NULL);
    kb_article_free(a);
}

TEST(empty_and_odd_input) {
    kb_article *a = analyse("...\n\n!!! ؟؟ 123 abc\n");
    if (a) {
        for (size_t i = 0; i < a->nentities; i++) ASSERT(a->entities[i].start < a->entities[i].end);
        kb_article_free(a);
    }
}

TEST(seed_article) {
    char path[1024];
    if (!kbt_corpus("seed/000_057b97d1caa2b348.txt", path, sizeof path)) {
        printf("seed_article: corpus absent, skipped\n");
        return;
    }
    FILE *f = fopen(path, "rb");
    ASSERT(f != NULL);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    kb_article *a = analyse(buf);
    ASSERT(a != NULL);
    static const char *per[] = {"أحمد المسماري", "خليفة حفتر", "بشار الأسد", "عبدالمجيد تبون"};
    static const char *loc[] = {"ليبيا", "سوريا", "تركيا", "فرنسا", "الجزائر", "تونس", "القاهرة", "طرابلس"};
    for (size_t i = 0; i < sizeof per / sizeof *per; i++) {
        if (!find(a, "PER", per[i], -2)) printf("missing PER %s\n", per[i]);
        ASSERT(find(a, "PER", per[i], -2) != NULL);
    }
    for (size_t i = 0; i < sizeof loc / sizeof *loc; i++) {
        if (!find(a, "LOC", loc[i], -2)) printf("missing LOC %s\n", loc[i]);
        ASSERT(find(a, "LOC", loc[i], -2) != NULL);
    }
    /* "المسماري" alone is the same person. */
    size_t short_mentions = 0;
    for (size_t i = 0; i < a->nentities; i++)
        short_mentions += !strcmp(a->entities[i].text, "المسماري") &&
                          !strcmp(a->entities[i].canonical, "أحمد المسماري");
    ASSERT(short_mentions >= 3);
    /* A currency is not a place ("دينار" after an amount). */
    for (size_t i = 0; i < a->nentities; i++) {
        if (strstr(a->entities[i].text, "دينار")) printf("currency as entity: %s\n", a->entities[i].text);
        ASSERT(strstr(a->entities[i].text, "دينار") == NULL);
    }
    kb_article_free(a);
}

TEST(currency_is_not_an_entity) {
    kb_article *a = analyse("عقد جديد\n\n"
                            "وقعت ليبيا عقدًا بقيمة 500 مليون دينار مع شركة من تونس، ودفعت 20 ألف دولار.\n");
    ASSERT(a != NULL);
    for (size_t i = 0; i < a->nentities; i++) {
        ASSERT(strstr(a->entities[i].text, "دينار") == NULL);
        ASSERT(strstr(a->entities[i].text, "دولار") == NULL);
    }
    ASSERT(find(a, "LOC", "ليبيا", -2) != NULL);
    kb_article_free(a);
}

/* The tagger's inputs (kb__ner_prepare): a `place` or `work` word of
** ner-triggers.tsv is a word class of its own, also behind a proclitic; the
** words of a short quotation know their place in it and the class of the
** word before it; a long quotation (speech) marks nothing. Words are given
** search-normalized, as the tokenizer hands them over. */
TEST(ner_cue_words_and_short_quotes) {
    ASSERT(kb__ner_gaz_init() == 0);
    const char *words[] = {"صدرت", "روايه", "\"", "ليل", "الصحراء", "\"", "بمدينه", "زنقرة", "وقال", "\"",
                           "لن", "نتراجع", "عن", "هذا", "القرار", "مهما", "كان", "الثمن", "\"", "."};
    enum { N = sizeof words / sizeof *words };
    kb_ner_tok t[N];
    memset(t, 0, sizeof t);
    for (size_t i = 0; i < N; i++) t[i].w = words[i], t[i].n = strlen(words[i]);
    kb__ner_prepare(t, N);
    ASSERT(t[1].gz & KB_GZ_WORK_CUE);
    ASSERT(!(t[1].gz & (KB_GZ_PLACE_CUE | KB_GZ_TRIGGER)));
    ASSERT(t[6].gz & KB_GZ_PLACE_CUE); /* "بمدينه" */
    ASSERT(!(t[0].gz & (KB_GZ_PLACE_CUE | KB_GZ_WORK_CUE)));
    ASSERT(t[1].qin == 0 && t[2].qin == 0);
    ASSERT(t[3].qin == 1 && t[3].qcue == KB_GZ_WORK_CUE);
    ASSERT(t[4].qin == (2 | 4) && t[4].qcue == KB_GZ_WORK_CUE);
    ASSERT(t[5].qin == 0 && t[6].qin == 0);
    for (size_t i = 9; i < N; i++) ASSERT(t[i].qin == 0); /* eight words of speech */
    /* One word quoted after no cue. */
    const char *w2[] = {"قرا", "\xC2\xAB", "زنقرة", "\xC2\xBB", "امس"};
    kb_ner_tok u[5];
    memset(u, 0, sizeof u);
    for (size_t i = 0; i < 5; i++) u[i].w = w2[i], u[i].n = strlen(w2[i]);
    kb__ner_prepare(u, 5);
    ASSERT(u[2].qin == (1 | 4) && u[2].qcue == 0);
    ASSERT(u[0].qin == 0 && u[4].qin == 0);
}

/* Towns, regions, rivers and variant spellings of data/gaz-places.tsv, and
** words it leaves out on purpose: "إطار" folds to "اطار", which is also
** the Mauritanian town Atar, "دوماً" (always) to the Syrian town, and
** "السلط" (Tunisian news: the authorities) is also the Jordanian town. */
TEST(gazetteer_towns_rivers_and_variants) {
    kb_article *a = analyse("جولة في الصعيد والدلتا\n\n"
                            "انتقل الفريق من أسيوط إلى كازابلانكا، ثم عبر نهر النيل قرب بعلبك.\n\n"
                            "وتأتي الزيارة في إطار برنامج أعدته السلط الجهوية ويتكرر دومًا كل عام.\n");
    ASSERT(a != NULL);
    ASSERT(find(a, "LOC", "أسيوط", 0) != NULL);
    const kb_entity *e = find(a, "LOC", "الدار البيضاء", 0); /* a variant spelling: its canonical name */
    ASSERT(e != NULL);
    ASSERT_STR_EQ(e->text, "كازابلانكا");
    ASSERT(find(a, "LOC", "نهر النيل", 0) != NULL);
    ASSERT(find(a, "LOC", "بعلبك", 0) != NULL);
    for (size_t i = 0; i < a->nentities; i++)
        ASSERT(a->entities[i].paragraph != 1 || strcmp(a->entities[i].type, "LOC"));
    kb_article_free(a);
}

/* A one-letter proclitic and what the news says of the rest (ner.c,
** proclitic()): "وبلير" is و + a name the news writes far more often
** alone; "لبنان" is no ل + "بنان"; "الولايات" starts with ال. */
TEST(ner_proclitic_evidence) {
    ASSERT(kb__ner_gaz_init() == 0);
    const char *words[] = {"وبلير", "لبنان", "الولايات", "في"};
    enum { N = sizeof words / sizeof *words };
    kb_ner_tok t[N];
    memset(t, 0, sizeof t);
    for (size_t i = 0; i < N; i++) t[i].w = words[i], t[i].n = strlen(words[i]);
    kb__ner_prepare(t, N);
    ASSERT(t[0].pev >> 2 == 1 && (t[0].pev & 3) >= 2);
    ASSERT(t[1].pev >> 2 == 5 && (t[1].pev & 3) <= 1);
    ASSERT(t[2].pev == 0);
    ASSERT(t[3].pev == 0); /* too short to carry one */
}
