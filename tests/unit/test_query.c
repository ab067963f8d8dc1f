/*
** The user query language -> FTS5 MATCH translation: every construct, and
** the refusals with their messages.
*/
#include "kbtest.h"
#include "khabar.h"

static const char *tr(const char *q) {
    static char out[1024];
    char em[256], *z;
    int rc = kb_query_to_fts(q, &z, em);
    if (rc) snprintf(out, sizeof out, "ERROR: %s", em);
    else { snprintf(out, sizeof out, "%s", z); kb_free(z); }
    return out;
}

TEST(words_are_anded_and_quoted) {
    ASSERT_STR_EQ(tr("ليبيا تركيا"), "\"ليبيا\" AND \"تركيا\"");
}

TEST(phrases_prefixes_or_and_not) {
    ASSERT_STR_EQ(tr("\"الجيش الليبي\""), "\"الجيش الليبي\"");
    ASSERT_STR_EQ(tr("اقتصا*"), "\"اقتصا\" *");
    ASSERT_STR_EQ(tr("سوريا طرابلس OR بنغازي"), "\"سوريا\" AND (\"طرابلس\" OR \"بنغازي\")");
    ASSERT_STR_EQ(tr("a OR b OR c"), "(\"a\" OR \"b\" OR \"c\")");
    ASSERT_STR_EQ(tr("ليبيا -تركيا -\"الأمم المتحدة\""), "\"ليبيا\" NOT \"تركيا\" NOT \"الأمم المتحدة\"");
}

TEST(fts_operators_in_user_text_are_inert) {
    ASSERT_STR_EQ(tr("NEAR(a b) AND x:y"), "\"NEAR(a\" AND \"b)\" AND \"AND\" AND \"x:y\"");
    ASSERT_STR_EQ(tr("قال\"\"هنا\""), "ERROR: unterminated phrase: a '\"' has no closing '\"'");
}

TEST(refusals_say_what_is_wrong) {
    ASSERT(strstr(tr("-تركيا"), "not excluded") != NULL);
    ASSERT(strstr(tr("OR"), "OR needs") != NULL);
    ASSERT(strstr(tr("ليبيا OR"), "OR needs") != NULL);
    ASSERT(strstr(tr("،،، ..."), "no words") != NULL);
    ASSERT(strstr(tr("\xff\xfe"), "UTF-8") != NULL);
    char big[5000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    ASSERT(strstr(tr(big), "too long") != NULL);
}

TEST(standalone_stopwords_are_dropped_but_not_in_phrases) {
    ASSERT_STR_EQ(tr("الحرب في سوريا"), "\"الحرب\" AND \"سوريا\"");
    ASSERT_STR_EQ(tr("\"الحرب في سوريا\""), "\"الحرب في سوريا\"");
    ASSERT_STR_EQ(tr("في OR سوريا OR ليبيا"), "(\"سوريا\" OR \"ليبيا\")");
    ASSERT_STR_EQ(tr("في من"), "\"في\" AND \"من\"");
}
