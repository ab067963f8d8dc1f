/*
** The HTML extractor (src/extract/html*.c) and the lenient JSON parser it
** reads JSON-LD with (src/core/jsonparse.c).
**
** Corpus pages (../shared/corpus/html, skipped with a message when absent):
** body word-4-gram F1 against the gold (as the ScrapingHub article-extraction
** benchmark scores it: multisets of 4-grams of whitespace tokens after
** KB_NORM_DISPLAY), exact titles, dates, snippets that must or must not be
** in the body, and the language of the Persian pages. No corpus text is
** copied here: the gold is read from the corpus files at run time.
**
** Synthetic pages written here: windows-1256 bytes produced with iconv, a
** related block, JSON-LD with @graph, 100k nested <div>, a truncated page,
** an empty page, an attribute flood, garbage bytes.
*/
#include <iconv.h>
#include <time.h>

#include "core/jsonparse.h"
#include "gold.h"
#include "kbtest.h"
#include "khabar.h"

/* --- helpers ------------------------------------------------------------ */

typedef struct { char *p; size_t n; } tokbuf;

/* Display-normalized, whitespace-collapsed copy (for exact title checks). */
static char *clean(const char *z) {
    char *norm;
    size_t nn;
    kb_normalize(z, strlen(z), KB_NORM_DISPLAY, &norm, &nn);
    size_t w = 0;
    int sp = 1;
    for (size_t i = 0; i < nn; i++) {
        char c = norm[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            if (!sp) norm[w++] = ' ';
            sp = 1;
        } else {
            norm[w++] = c;
            sp = 0;
        }
    }
    if (w && norm[w - 1] == ' ') w--;
    norm[w] = 0;
    return norm;
}

static kb_article *extract_file(const char *rel, const char *url) {
    char path[1024];
    if (!kbt_corpus(rel, path, sizeof path)) {
        printf("  skipped: corpus file %s not found (set KB_CORPUS)\n", rel);
        return NULL;
    }
    size_t n;
    char *p = gold_load(path, &n);
    if (!p) return NULL;
    kb_extract_opts o = {0};
    o.format = KB_FMT_HTML;
    o.url = url;
    kb_article *a = NULL;
    const char *em;
    int rc = kb_extract(p, n, &o, &a, &em);
    free(p);
    if (rc) printf("  kb_extract(%s) = %d: %s\n", rel, rc, em);
    return a;
}

/* The one value of a gold file, parsed into arena a (which the strings of
** the tree live in), or NULL. */
static const kb_json *load_json(const char *rel, kb_arena *a) {
    char path[1024];
    size_t n;
    if (!kbt_corpus(rel, path, sizeof path)) return NULL;
    char *p = gold_load(path, &n);
    if (!p) return NULL;
    kb_json *root;
    int rc = kb__json_parse_lenient(a, p, n, &root);
    free(p);
    return rc == 0 ? root->child : NULL;
}

/* --- the gold pages --------------------------------------------------------- */

TEST(corpus_cnn_arabic) {
    kb_article *a = extract_file("html/cnn-arabic.html", NULL);
    if (!a) return;
    kb_arena ja;
    kb__arena_init(&ja, 0);
    char path[1024];
    size_t gn;
    const kb_json *g = load_json("html/cnn-arabic.gold.json", &ja);
    ASSERT(g != NULL);
    char *gold = gold_load(kbt_corpus("html/cnn-arabic.gold.txt", path, sizeof path), &gn);
    char *body = gold_body_of(a);
    double f1 = gold_f1(body, gold);
    printf("  cnn-arabic: f1=%.3f title=%s published=%s\n", f1, a->title, a->published ? a->published : "null");
    char *gt = clean(kb__json_get_str(g, "title", NULL));
    char *t = clean(a->title ? a->title : "");
    int title_ok = !strcmp(gt, t);
    kb_free(gt);
    kb_free(t);
    free(gold);
    free(body);
    kb__arena_free(&ja);
    int source_ok = a->source && !strcmp(a->source, "CNNArabic");
    int lang_ok = !strcmp(a->language, "ar");
    /* The gold has no date; the page says "الأربعاء، 28 آب/اغسطس 2013" under
    ** the headline. */
    int date_ok = a->published && !strcmp(a->published, "2013-08-28");
    kb_article_free(a);
    ASSERT(title_ok);
    ASSERT(f1 >= 0.95);
    ASSERT(source_ok);
    ASSERT(lang_ok);
    ASSERT(date_ok);
}

TEST(corpus_lbc) {
    kb_article *a = extract_file("html/lbc.html.gz", NULL);
    if (!a) return;
    kb_arena ja;
    kb__arena_init(&ja, 0);
    const kb_json *g = load_json("html/lbc.gold.json", &ja);
    ASSERT(g != NULL);
    const kb_json *v1 = kb__json_get(g, "V1");
    const kb_json *secs = kb__json_get(kb__json_get(v1, "body"), "sections");
    size_t cap = 1 << 16, len = 0;
    char *gold = calloc(1, cap);
    for (const kb_json *s = secs ? secs->child : NULL; s; s = s->next) {
        const kb_json *ps = kb__json_get(s, "paragraphs");
        for (const kb_json *p = ps ? ps->child : NULL; p; p = p->next) {
            size_t k;
            const char *z = kb__json_text(p, &k);
            if (len + k + 2 > cap) gold = realloc(gold, cap = (len + k + 2) * 2);
            memcpy(gold + len, z, k);
            len += k;
            gold[len++] = '\n';
            gold[len] = 0;
        }
    }
    char *body = gold_body_of(a);
    double f1 = gold_f1(body, gold);
    char *gt = clean(kb__json_get_str(v1, "title", NULL));
    char *t = clean(a->title ? a->title : "");
    const char *gdate = kb__json_get_str(v1, "publishing_date", NULL);
    printf("  lbc: f1=%.3f title=%s published=%s (gold %s)\n", f1, a->title, a->published ? a->published : "null", gdate);
    int title_ok = !strcmp(gt, t), date_ok = a->published && gdate && gold_same_date(a->published, gdate);
    kb_free(gt);
    kb_free(t);
    free(gold);
    free(body);
    kb__arena_free(&ja);
    kb_article_free(a);
    ASSERT(title_ok);
    ASSERT(date_ok);
    ASSERT(f1 >= 0.95);
}

TEST(corpus_assabah) {
    kb_article *a = extract_file("html/assabah.html", NULL);
    if (!a) return;
    kb_arena ja;
    kb__arena_init(&ja, 0);
    const kb_json *gold = load_json("html/assabah.gold.json", &ja);
    ASSERT(gold != NULL && gold->child != NULL);
    const kb_json *g = gold->child; /* the one page object */
    char *body = gold_body_of(a);
    char *gt = clean(kb__json_get_str(g, "title", NULL));
    char *t = clean(a->title ? a->title : "");
    int title_ok = !strcmp(gt, t), with_ok = 1, without_ok = 1;
    const kb_json *w = kb__json_get(g, "with"), *wo = kb__json_get(g, "without");
    for (const kb_json *k = w ? w->child : NULL; k; k = k->next)
        if (!strstr(body, kb__json_text(k, NULL))) with_ok = 0, printf("  missing: %s\n", kb__json_text(k, NULL));
    for (const kb_json *k = wo ? wo->child : NULL; k; k = k->next)
        if (strstr(body, kb__json_text(k, NULL))) without_ok = 0, printf("  unwanted: %s\n", kb__json_text(k, NULL));
    printf("  assabah: title=%s published=%s paragraphs=%zu\n", a->title, a->published ? a->published : "null",
           a->nparagraphs);
    kb_free(gt);
    kb_free(t);
    free(body);
    kb__arena_free(&ja);
    kb_article_free(a);
    ASSERT(title_ok);
    ASSERT(with_ok);
    ASSERT(without_ok);
}

/* The date-extraction pages: language, a title, a date. */
TEST(corpus_date_pages) {
    static const struct { const char *name, *lang; } pages[] = {
        {"1523806243", "fa"}, {"1550981615", "ar"}, {"1588107198", "ar"}, {"1602557452", "fa"},
        {"1623715966", "ar"}, {"1641304459", "fa"}, {"1691196862", "ar"}, {"1731695567", "ar"},
        {"1764731404", "ar"}, {"1784190729", "ar"}, {"1806793639", "ar"}};
    int failed = 0;
    for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
        char rel[64];
        snprintf(rel, sizeof rel, "html/%s.html", pages[i].name);
        kb_article *a = extract_file(rel, NULL);
        if (!a) return;
        printf("  %s: lang=%s published=%s paragraphs=%zu title=%s\n", pages[i].name, a->language,
               a->published ? a->published : "null", a->nparagraphs, a->title ? a->title : "null");
        int ok = !strcmp(a->language, pages[i].lang) && a->title && a->published && a->nparagraphs > 0;
        kb_article_free(a);
        if (!ok) failed++;
    }
    ASSERT_INT_EQ(failed, 0);
}

/* --- synthetic pages -------------------------------------------------------- */

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int extract_str(const char *p, size_t n, const char *url, kb_article **a) {
    kb_extract_opts o = {0};
    o.format = KB_FMT_HTML;
    o.url = url;
    const char *em;
    return kb_extract(p, n, &o, a, &em);
}

static const char *k_page =
    "<html><head><title>انفجار في مرفأ المدينة - صحيفة الخبر</title></head><body>"
    "<nav><a href='/'>الرئيسية</a> <a href='/s'>سياسة</a> <a href='/e'>اقتصاد</a></nav>"
    "<div class='main'><h1>انفجار في مرفأ المدينة</h1>"
    "<div class='date'>الثلاثاء 4 آب 2020</div>"
    "<p>وقع انفجار ضخم في مرفأ المدينة مساء اليوم، وأدى إلى أضرار واسعة في المباني المجاورة، بحسب ما أفاد شهود عيان.</p>"
    "<p>وقال مسؤول في الدفاع المدني إن فرق الإنقاذ تعمل على انتشال المصابين، وإن الحصيلة الأولية غير نهائية.</p>"
    "<p>اقرأ أيضا: <a href='/news/2'>الحكومة تعلن الحداد الرسمي ثلاثة أيام</a></p>"
    "<p>وأضاف أن أسباب الانفجار ما تزال مجهولة، وأن التحقيق سيكشف الملابسات خلال أيام قليلة.</p>"
    "<div class='share'>شارك المقال</div>"
    "</div><footer>جميع الحقوق محفوظة لصحيفة الخبر 2020</footer></body></html>";

TEST(synthetic_page_fields) {
    kb_article *a;
    ASSERT_INT_EQ(extract_str(k_page, strlen(k_page), "https://example.com/news/1.html", &a), KB_OK);
    int ok = a->title && !strcmp(a->title, "انفجار في مرفأ المدينة") && a->nparagraphs == 3 && a->published &&
             !strcmp(a->published, "2020-08-04") && !strcmp(a->language, "ar") && a->nrelated == 1 &&
             a->related[0].url && !strcmp(a->related[0].url, "https://example.com/news/2") &&
             !strcmp(a->related[0].title, "الحكومة تعلن الحداد الرسمي ثلاثة أيام");
    for (size_t i = 0; i < a->nparagraphs; i++)
        if (strstr(a->paragraphs[i], "شارك") || strstr(a->paragraphs[i], "الحقوق")) ok = 0;
    if (!ok) {
        char *j;
        size_t jn;
        kb_article_to_json(a, &j, &jn);
        printf("  got: %s\n", j);
        kb_free(j);
    }
    kb_article_free(a);
    ASSERT(ok);
}

/* Convert UTF-8 text to a single-byte charset with iconv. */
static char *to_charset(const char *cs, const char *z, size_t *n) {
    iconv_t cd = iconv_open(cs, "UTF-8");
    if (cd == (iconv_t)-1) return NULL;
    size_t in = strlen(z), cap = in + 16, left = cap;
    char *out = malloc(cap), *o = out, *i = (char *)z;
    size_t r = iconv(cd, &i, &in, &o, &left);
    iconv_close(cd);
    if (r == (size_t)-1) {
        free(out);
        return NULL;
    }
    *n = cap - left;
    return out;
}

TEST(windows_1256_undeclared_is_detected) {
    size_t n;
    char *p = to_charset("WINDOWS-1256", k_page, &n);
    ASSERT(p != NULL);
    kb_article *a;
    int rc = extract_str(p, n, NULL, &a);
    free(p);
    ASSERT_INT_EQ(rc, KB_OK);
    int ok = a->title && !strcmp(a->title, "انفجار في مرفأ المدينة") && a->nparagraphs == 3 && !strcmp(a->language, "ar");
    kb_article_free(a);
    ASSERT(ok);
}

TEST(iso_8859_6_declared) {
    /* ISO-8859-6 has no Arabic-Indic digits or آ-less forms issue: use plain text */
    const char *page = "<html><head><meta http-equiv='Content-Type' content='text/html; charset=iso-8859-6'>"
                       "<title>عنوان الخبر هنا</title></head><body><p>هذا نص عربي طويل بما يكفي ليكون فقرة من "
                       "مقال إخباري، وفيه فواصل ونقاط كما يكتب الصحفيون عادة في الصحف.</p></body></html>";
    size_t n;
    char *p = to_charset("ISO-8859-6", page, &n);
    ASSERT(p != NULL);
    kb_article *a;
    int rc = extract_str(p, n, NULL, &a);
    free(p);
    ASSERT_INT_EQ(rc, KB_OK);
    int ok = a->title && !strcmp(a->title, "عنوان الخبر هنا") && a->nparagraphs == 1;
    kb_article_free(a);
    ASSERT(ok);
}

TEST(charset_from_http_headers_wins) {
    size_t n = 0;
    char *p = to_charset("WINDOWS-1256", k_page, &n);
    kb_extract_opts o = {0};
    o.format = KB_FMT_HTML;
    o.charset = "windows-1256";
    kb_article *a;
    const char *em;
    int rc = kb_extract(p, n, &o, &a, &em);
    free(p);
    ASSERT_INT_EQ(rc, KB_OK);
    int ok = a->title && !strcmp(a->title, "انفجار في مرفأ المدينة");
    kb_article_free(a);
    ASSERT(ok);
}

TEST(jsonld_graph) {
    const char *page =
        "<html><head><script type='application/ld+json'>{\"@context\":\"https://schema.org\",\"@graph\":["
        "{\"@type\":\"WebSite\",\"name\":\"موقع\"},"
        "{\"@type\":\"BreadcrumbList\",\"itemListElement\":[{\"@type\":\"ListItem\",\"position\":1,\"name\":\"الرئيسية\"},"
        "{\"@type\":\"ListItem\",\"position\":2,\"name\":\"شؤون دولية\"}]},"
        "{\"@type\":[\"NewsArticle\"],\"headline\":\"قمة &quot;طارئة&quot; في العاصمة\","
        "\"datePublished\":\"2021-05-03T08:15:00+02:00\",\"author\":[{\"@type\":\"Person\",\"name\":\"سمير خليل\"},"
        "{\"@type\":\"Person\",\"name\":\"ليلى حداد\"}],\"publisher\":{\"@type\":\"Organization\",\"name\":\"الأنباء\"},}"
        "]}</script></head><body><article><p>انعقدت القمة الطارئة صباح اليوم في العاصمة، بحضور عدد كبير من "
        "القادة والوزراء، وناقشت الأوضاع الإقليمية.</p></article></body></html>";
    kb_article *a;
    ASSERT_INT_EQ(extract_str(page, strlen(page), NULL, &a), KB_OK);
    int ok = a->title && !strcmp(a->title, "قمة \"طارئة\" في العاصمة") && a->published &&
             !strcmp(a->published, "2021-05-03T08:15:00+02:00") && a->nauthors == 2 &&
             !strcmp(a->authors[1], "ليلى حداد") && a->source && !strcmp(a->source, "الأنباء") && a->section &&
             !strcmp(a->section, "شؤون دولية");
    if (!ok) {
        char *j;
        size_t jn;
        kb_article_to_json(a, &j, &jn);
        printf("  got: %s\n", j);
        kb_free(j);
    }
    kb_article_free(a);
    ASSERT(ok);
}

TEST(persian_page_language) {
    const char *page = "<html lang='ar'><body><p>رییس سازمان بورس گفت: مقررات صندوق توسعه تامین‌مالی مصوب و ابلاغ "
                       "شده است، و این کار برای شرکت‌ها انجام می‌شود.</p></body></html>";
    kb_article *a;
    ASSERT_INT_EQ(extract_str(page, strlen(page), NULL, &a), KB_OK);
    int ok = !strcmp(a->language, "fa");
    kb_article_free(a);
    ASSERT(ok);
}

static double time_bound(const char *what, const char *p, size_t n, double limit) {
    kb_article *a = NULL;
    double t0 = now_s();
    int rc = extract_str(p, n, NULL, &a);
    double dt = now_s() - t0;
    printf("  %s: %zu bytes, rc=%d, %.3f s\n", what, n, rc, dt);
    if (rc == KB_OK) {
        char *j;
        size_t jn;
        if (kb_article_to_json(a, &j, &jn) == KB_OK) kb_free(j);
        kb_article_free(a);
    }
    kbt_checks++;
    if (dt > limit) {
        fprintf(stderr, "  %s took %.3f s (limit %.1f)\n", what, dt, limit);
        kbt_failed_now = 1;
    }
    return dt;
}

TEST(nested_100k_divs) {
    size_t k = 100000, w = 0;
    char *p = malloc(k * 5 + 200);
    for (size_t i = 0; i < k; i++) memcpy(p + w, "<div>", 5), w += 5;
    w += (size_t)sprintf(p + w, "<p>نص في العمق، كما ترى.</p>");
    time_bound("100k nested div", p, w, 2.0);
    free(p);
}

TEST(nested_unclosed_inline) {
    size_t k = 100000, w = 0;
    char *p = malloc(k * 9 + 200);
    for (size_t i = 0; i < k; i++) memcpy(p + w, "<b><i><a>", 9), w += 9;
    time_bound("100k unclosed inline", p, w, 2.0);
    free(p);
}

TEST(attribute_flood) {
    size_t k = 100000, w = 0;
    char *p = malloc(k * 12 + 200);
    w += (size_t)sprintf(p, "<html><body><p ");
    for (size_t i = 0; i < k; i++) w += (size_t)sprintf(p + w, "a%zu=1 ", i);
    w += (size_t)sprintf(p + w, ">هذه فقرة عربية بعد سيل من الخصائص، وهي نص المقال.</p></body></html>");
    time_bound("100k attributes", p, w, 2.0);
    kb_article *a;
    if (extract_str(p, w, NULL, &a) == KB_OK) {
        int ok = a->nparagraphs == 1;
        kb_article_free(a);
        ASSERT(ok);
    }
    free(p);
}

/* The same paragraphs, 1 MB and 8 MB: the time must grow linearly (a
** ratio near 8; quadratic would be 64). Sanitizer builds are slow, so the
** bound is on the ratio, with a generous absolute cap. */
static double page_of(size_t mb) {
    const char *para = "<p>وقال المتحدث إن الاجتماع ناقش الأوضاع الاقتصادية، وأكد ضرورة التعاون بين الأطراف.</p>\n";
    size_t pl = strlen(para), reps = (mb << 20) / pl, w = 0;
    char *p = malloc(reps * pl + 100);
    w += (size_t)sprintf(p, "<html><body><div>");
    for (size_t i = 0; i < reps; i++) memcpy(p + w, para, pl), w += pl;
    w += (size_t)sprintf(p + w, "</div></body></html>");
    double dt = time_bound(mb == 1 ? "1 MB page" : "8 MB page", p, w, 60.0);
    free(p);
    return dt;
}

TEST(big_page_is_linear) {
    double t1 = page_of(1), t8 = page_of(8);
    ASSERT(t8 < 16 * t1 + 0.2);
}

TEST(truncated_document) {
    size_t n = strlen(k_page);
    for (size_t cut = 1; cut < n; cut += 7) {
        kb_article *a = NULL;
        int rc = extract_str(k_page, cut, NULL, &a);
        if (rc == KB_OK) kb_article_free(a);
        else ASSERT(rc == KB_EEMPTY || rc == KB_EPARSE);
    }
    kb_article *a = NULL;
    size_t half = n / 2;
    ASSERT_INT_EQ(extract_str(k_page, half, NULL, &a), KB_OK);
    ASSERT(a->title != NULL);
    kb_article_free(a);
}

TEST(empty_and_garbage) {
    kb_article *a = NULL;
    ASSERT_INT_EQ(extract_str("", 0, NULL, &a), KB_EEMPTY);
    ASSERT_INT_EQ(extract_str("<html></html>", 13, NULL, &a), KB_EEMPTY);
    ASSERT_INT_EQ(extract_str("<html><body><script>var x=1;</script></body></html>", 51, NULL, &a), KB_EEMPTY);
    unsigned char g[4096];
    unsigned x = 12345;
    for (size_t i = 0; i < sizeof g; i++) {
        x = x * 1103515245u + 12345u;
        g[i] = (unsigned char)((x >> 16) | 1); /* no NUL: not "binary" */
    }
    memcpy(g, "<html>", 6);
    int rc = extract_str((const char *)g, sizeof g, NULL, &a);
    if (rc == KB_OK) kb_article_free(a);
    ASSERT(rc == KB_OK || rc == KB_EEMPTY || rc == KB_EBINARY);
}

/* --- the lenient JSON parser (JSON-LD) -------------------------------------- */

TEST(json_reader_basics) {
    kb_arena a;
    kb__arena_init(&a, 0);
    kb_json *root;
    const char *z = "{\"a\": \"x\\u0627\\ud83d\\ude00\", \"b\": [1, true, null], \"c\": {\"d\": \"e\"}}";
    ASSERT_INT_EQ(kb__json_parse_lenient(&a, z, strlen(z), &root), 0);
    const kb_json *o = root->child;
    ASSERT_STR_EQ(kb__json_get_str(o, "a", NULL), "x\xd8\xa7\xf0\x9f\x98\x80");
    ASSERT_INT_EQ(kb__json_get(o, "b")->type, KB_JSON_ARRAY);
    ASSERT_STR_EQ(kb__json_get_str(kb__json_get(o, "c"), "d", NULL), "e");
    kb__arena_free(&a);
}

TEST(json_reader_forgives) {
    kb_arena a;
    kb__arena_init(&a, 0);
    kb_json *root;
    const char *z = "{\"a\": \"line\nbreak\", \"b\": [1, 2,], }";
    ASSERT_INT_EQ(kb__json_parse_lenient(&a, z, strlen(z), &root), 0);
    ASSERT_STR_EQ(kb__json_get_str(root->child, "a", NULL), "line\nbreak");
    const char *t = "{\"headline\": \"x\", \"author\": {\"name\": \"y";
    ASSERT(kb__json_parse_lenient(&a, t, strlen(t), &root) != 0);          /* truncated ... */
    ASSERT_STR_EQ(kb__json_get_str(root->child, "headline", NULL), "x"); /* ... but readable */
    /* The strict parser refuses all of the above. */
    size_t pos;
    ASSERT(kb__json_parse(&a, z, strlen(z), 0, &root, &pos) != 0);
    ASSERT(kb__json_parse(&a, t, strlen(t), 0, &root, &pos) != 0);
    kb__arena_free(&a);
}

TEST(json_reader_depth_and_bounds) {
    kb_arena a;
    kb__arena_init(&a, 0);
    kb_json *root;
    size_t n = 100000;
    char *p = malloc(n);
    memset(p, '[', n);
    ASSERT(kb__json_parse_lenient(&a, p, n, &root) != 0);
    for (size_t k = 0; k < 40; k++) {
        const char *z = "{\"a\\u00e9\": [\"\\ud800\", 1e5, -2, \"\\";
        size_t zn = strlen(z) < k ? strlen(z) : k;
        char *c = malloc(zn ? zn : 1);
        memcpy(c, z, zn);
        kb__json_parse_lenient(&a, c, zn, &root); /* never reads past zn (ASan checks) */
        free(c);
    }
    free(p);
    /* A "\u" without digits is 2 bytes in and 3 out (U+FFFD): the output
    ** buffer must be sized for the growth (ASan checks). */
    char u[2 + 2 * 200];
    u[0] = '"';
    for (size_t k = 0; k < 200; k++) memcpy(u + 1 + 2 * k, "\\u", 2);
    u[sizeof u - 1] = '"';
    ASSERT_INT_EQ(kb__json_parse_lenient(&a, u, sizeof u, &root), 0);
    ASSERT_INT_EQ(root->child->n, 3 * 200);
    kb__arena_free(&a);
}
