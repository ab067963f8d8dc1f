/*
** Date parsing (src/extract/date.c): ISO 8601 with and without time and
** offset, numeric dates in both orders and in Arabic-Indic digits, month
** names in every spelling data/months.tsv covers, words around the date,
** and the rejections: impossible dates, Hijri dates, bare numbers.
*/
#include "kbtest.h"
#include "extract/extract_int.h"

static const char *pd(const char *z) {
    static char out[40];
    if (!kb__parse_date(z, strlen(z), out)) return "none";
    return out;
}

TEST(iso_date_only) { ASSERT_STR_EQ(pd("2019-04-15"), "2019-04-15"); }
TEST(iso_keeps_time_and_offset) {
    ASSERT_STR_EQ(pd("2019-04-15T10:30:00+03:00"), "2019-04-15T10:30:00+03:00");
    ASSERT_STR_EQ(pd("2019-04-15T10:30:00.123Z"), "2019-04-15T10:30:00Z");
    ASSERT_STR_EQ(pd("2019-04-15T10:30+0300"), "2019-04-15T10:30:00+03:00");
    ASSERT_STR_EQ(pd("2026-01-08 11:42:50+00:00"), "2026-01-08T11:42:50+00:00");
    ASSERT_STR_EQ(pd("2019-04-15T10:30:00"), "2019-04-15T10:30:00");
}
TEST(iso_bad_time_keeps_date) { ASSERT_STR_EQ(pd("2019-04-15T99:99"), "2019-04-15"); }
TEST(numeric_day_first) {
    ASSERT_STR_EQ(pd("نشر في 15/04/2019"), "2019-04-15");
    ASSERT_STR_EQ(pd("03-02-2020"), "2020-02-03");
    ASSERT_STR_EQ(pd("3.2.2020"), "2020-02-03");
}
TEST(numeric_month_first_when_day_cannot_be_month) { ASSERT_STR_EQ(pd("04/15/2019"), "2019-04-15"); }
TEST(numeric_year_first) { ASSERT_STR_EQ(pd("2019/04/15"), "2019-04-15"); }
TEST(arabic_indic_digits) {
    ASSERT_STR_EQ(pd("\xd9\xa1\xd9\xa5/\xd9\xa0\xd9\xa4/\xd9\xa2\xd9\xa0\xd9\xa1\xd9\xa9"), "2019-04-15");
    ASSERT_STR_EQ(pd("١٥ أبريل ٢٠١٩"), "2019-04-15");
}
TEST(egyptian_month_names) {
    ASSERT_STR_EQ(pd("القاهرة في 5 يناير 2021"), "2021-01-05");
    ASSERT_STR_EQ(pd("15 ابريل 2019"), "2019-04-15");
    ASSERT_STR_EQ(pd("1 يونيه 2019"), "2019-06-01");
    ASSERT_STR_EQ(pd("31 ديسمبر 2020"), "2020-12-31");
}
TEST(levantine_month_names) {
    ASSERT_STR_EQ(pd("15 نيسان 2019"), "2019-04-15");
    ASSERT_STR_EQ(pd("2 كانون الثاني 2020"), "2020-01-02");
    ASSERT_STR_EQ(pd("2 كانون الأول 2020"), "2020-12-02");
    ASSERT_STR_EQ(pd("9 تشرين الاول 2018"), "2018-10-09");
    ASSERT_STR_EQ(pd("9 آذار 2018"), "2018-03-09");
}
TEST(double_month_names) {
    ASSERT_STR_EQ(pd("الأربعاء، 28 آب/اغسطس 2013، آخر تحديث 14:00 (GMT+0400)"), "2013-08-28");
    ASSERT_STR_EQ(pd("28 تشرين الأول (أكتوبر) 2013"), "2013-10-28");
}
TEST(maghrebi_month_names) {
    ASSERT_STR_EQ(pd("تونس - 12 جانفي 2019"), "2019-01-12");
    ASSERT_STR_EQ(pd("12 جويلية 2019"), "2019-07-12");
    ASSERT_STR_EQ(pd("12 أوت 2019"), "2019-08-12");
    ASSERT_STR_EQ(pd("12 ماي 2019"), "2019-05-12");
}
TEST(english_month_names) {
    ASSERT_STR_EQ(pd("April 15, 2019"), "2019-04-15");
    ASSERT_STR_EQ(pd("15th Sept 2019"), "2019-09-15");
    ASSERT_STR_EQ(pd("Mon, 2 Dec 2019 10:00"), "2019-12-02");
}
TEST(weekday_and_hour_around) {
    ASSERT_STR_EQ(pd("الخميس 15 مارس 2018 الساعة 10:45 صباحا"), "2018-03-15");
    ASSERT_STR_EQ(pd("نشر بتاريخ: السبت، ٧ سبتمبر، ٢٠١٩"), "2019-09-07");
}
TEST(rejects_impossible_dates) {
    ASSERT_STR_EQ(pd("31 فبراير 2019"), "none");
    ASSERT_STR_EQ(pd("29/02/2019"), "none");
    ASSERT_STR_EQ(pd("2019-13-01"), "none");
    ASSERT_STR_EQ(pd("32/01/2019"), "none");
    ASSERT_STR_EQ(pd("15 مارس 1066"), "none");
}
TEST(accepts_leap_day) { ASSERT_STR_EQ(pd("29/02/2020"), "2020-02-29"); }
TEST(skips_hijri) {
    ASSERT_STR_EQ(pd("15/09/1440 هـ"), "none");
    ASSERT_STR_EQ(pd("1440/09/15هـ"), "none");
    ASSERT_STR_EQ(pd("15 رمضان 1440 هـ الموافق 20 مايو 2019"), "2019-05-20");
}
TEST(no_date) {
    ASSERT_STR_EQ(pd(""), "none");
    ASSERT_STR_EQ(pd("قتل 15 شخصا في 2019"), "none");
    ASSERT_STR_EQ(pd("مارس الرياضة 15 عاما"), "none");
    ASSERT_STR_EQ(pd("phone 0123/456/7890"), "none");
    ASSERT_STR_EQ(pd("v1.2.3"), "none");
}
TEST(never_reads_past_n) {
    char out[40];
    const char *z = "2019-04-15T10:30:00+03:00";
    for (size_t n = 0; n <= strlen(z); n++) {
        char *c = malloc(n ? n : 1);
        memcpy(c, z, n);
        int r = kb__parse_date(c, n, out);
        free(c);
        ASSERT(r == (n >= 9)); /* "2019-04-1" is a date */
    }
    ASSERT(kb__parse_date("\xd9", 1, out) == 0);
}
TEST(persian_solar_dates_convert) {
    ASSERT_STR_EQ(pd("2 تير 1399 - 12:09:08 ب.ظ"), "2020-06-22");
    ASSERT_STR_EQ(pd("۱ فروردین ۱۳۹۹"), "2020-03-20");
    ASSERT_STR_EQ(pd("1 فروردین 1400"), "2021-03-21");
    ASSERT_STR_EQ(pd("30 اسفند 1399"), "2021-03-20");
    ASSERT_STR_EQ(pd("30 اسفند 1400"), "none"); /* 1400 is not leap */
    ASSERT_STR_EQ(pd("10 دی 1398"), "2019-12-31");
    ASSERT_STR_EQ(pd("15 آذار 2019"), "2019-03-15"); /* Levantine March, not Persian Azar */
    ASSERT_STR_EQ(pd("15 آذر 2019"), "none");        /* a Persian month needs a Persian year */
}
