/*
** kb_json_quote() (khabar.h, section 1): the JSON string form every khabar
** output uses (the CLI and the server call it too).
*/
#include <string.h>

#include "kbtest.h"
#include "khabar.h"

static const char *quoted(const char *p, size_t n) {
    static char out[256];
    size_t k = 0;
    char *q = kb_json_quote(p, n, &k);
    if (!q) return "(null)";
    snprintf(out, sizeof out, "%s", q);
    if (k != strlen(q)) snprintf(out, sizeof out, "(length %zu for %zu bytes)", k, strlen(q));
    kb_free(q);
    return out;
}

TEST(plain_text_is_quoted) {
    ASSERT_STR_EQ(quoted("قال الوزير", strlen("قال الوزير")), "\"قال الوزير\"");
    ASSERT_STR_EQ(quoted("", 0), "\"\"");
    ASSERT_STR_EQ(quoted(NULL, 0), "\"\"");
}

TEST(quotes_backslashes_and_controls_are_escaped) {
    const char in[] = "a\"b\\c\nd\te\rf\x01g";
    ASSERT_STR_EQ(quoted(in, sizeof in - 1), "\"a\\\"b\\\\c\\nd\\te\\rf\\u0001g\"");
}

TEST(line_separators_are_escaped) {
    const char in[] = "x\xE2\x80\xA8y\xE2\x80\xA9z";
    ASSERT_STR_EQ(quoted(in, sizeof in - 1), "\"x\\u2028y\\u2029z\"");
}

TEST(invalid_utf8_becomes_the_replacement_character) {
    const char in[] = "a\xFF" "b\xD8";
    ASSERT_STR_EQ(quoted(in, sizeof in - 1), "\"a\xEF\xBF\xBD" "b\xEF\xBF\xBD\"");
}

TEST(embedded_nul_is_escaped_not_cut) {
    const char in[] = {'a', 0, 'b'};
    ASSERT_STR_EQ(quoted(in, 3), "\"a\\u0000b\"");
}
