/*
** Date parsing for the extractors: find the first Gregorian date in a span
** of text and write it as ISO 8601 ("YYYY-MM-DD", or with time and offset
** when the input is ISO 8601 with a time).
**
** Three shapes are recognised, tried at every position where a number or a
** word starts:
**   - ISO 8601: 2019-04-15, 2019-04-15T10:30:00+03:00, 2019-04-15 10:30:00Z;
**   - numeric: 15/04/2019, 15-04-2019, 15.04.2019, 2019/04/15 (day first, as
**     the Arab world writes it; month first only when the day cannot be a
**     month), with ASCII, Arabic-Indic or Persian digits;
**   - month names from data/months.tsv (Egyptian, Levantine, Maghrebi,
**     Persian and English spellings): "15 نيسان 2019", "15 آب/أغسطس 2019",
**     "الأربعاء، 28 تشرين الأول (أكتوبر) 2013", "April 15, 2019".
** Weekday names, "الساعة ..." and other words around a date are simply not
** part of the match. Impossible dates (31 February, month 13, years outside
** 1900-2100) are rejected, and so are Hijri dates: a year followed by "هـ"
** or "هجري" is not Gregorian and is skipped.
**
** The scan is linear: each candidate position looks at most a few tokens
** ahead, and nothing is allocated.
*/
#include <stdio.h>
#include <string.h>

#include "core/lex.h"
#include "core/utf8.h"
#include "extract/extract_int.h"
#include "text/text_int.h"

typedef struct {
    const unsigned char *s;
    size_t n;
} span;

static uint32_t cp_at(span t, size_t i, size_t *len) {
    if (i >= t.n) {
        *len = 0;
        return 0;
    }
    if (t.s[i] < 0x80) {
        *len = 1;
        return t.s[i];
    }
    return kb__utf8_decode(t.s + i, t.n - i, len);
}

/* Read a run of digits (any script) at i, at most maxd of them. Returns the
** number of digits (0 if none, or -1 when the run is longer than maxd). */
static int read_num(span t, size_t i, int maxd, int *val, size_t *end) {
    int nd = 0, v = 0;
    size_t len;
    for (;;) {
        uint32_t u = cp_at(t, i, &len);
        int d = len ? kb__digit_value(u) : -1;
        if (d < 0) break;
        if (++nd > maxd) return -1;
        v = v * 10 + d;
        i += len;
    }
    *val = v;
    *end = i;
    return nd;
}

static int is_letter(uint32_t u) {
    int c = kb__char_class(u);
    return c == KB_CC_ARABIC || c == KB_CC_LATIN || c == KB_CC_MARK;
}

static int is_digit_cp(uint32_t u) { return kb__digit_value(u) >= 0; }

/* Skip spaces (and, when punct is set, the listed separators). */
static size_t skip_space(span t, size_t i, const char *punct) {
    size_t len;
    for (;;) {
        uint32_t u = cp_at(t, i, &len);
        if (!len) return i;
        if (kb__is_space(u) || kb__is_control(u)) {
            i += len;
            continue;
        }
        if (punct && (u == 0x060C || (u < 0x80 && u && strchr(punct, (int)u)))) {
            i += len;
            continue;
        }
        return i;
    }
}

static size_t word_end(span t, size_t i) {
    size_t len;
    for (;;) {
        uint32_t u = cp_at(t, i, &len);
        if (!len || !is_letter(u)) return i;
        i += len;
    }
}

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int valid_ymd(int y, int m, int d) {
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return 0;
    return d <= mdays[m - 1] + (m == 2 && leap(y));
}

/* 1 if a Hijri marker ("هـ", "ه", "هجري", "هجرية") follows position i. */
static int hijri_follows(span t, size_t i) {
    i = skip_space(t, i, NULL);
    size_t e = word_end(t, i);
    if (e == i) return 0;
    static const char *marks[] = {"\xd9\x87\xd9\x80", "\xd9\x87", "\xd9\x87\xd8\xac\xd8\xb1\xd9\x8a",
                                  "\xd9\x87\xd8\xac\xd8\xb1\xd9\x8a\xd8\xa9"}; /* هـ ه هجري هجرية */
    for (size_t k = 0; k < sizeof marks / sizeof *marks; k++)
        if (e - i == strlen(marks[k]) && !memcmp(t.s + i, marks[k], e - i)) return 1;
    return 0;
}

static int atoi_n(const char *p, size_t n) {
    int v = 0;
    for (size_t i = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++) v = v * 10 + (p[i] - '0');
    return v;
}

static const kb_lex *months(void) { return kb__lex_get("months.tsv", KB_NORM_SEARCH); }

/* Month number of the word(s) starting at i (0 if none); *end after them.
** Two-word names ("كانون الثاني") are tried before one-word names. */
static int month_at(span t, size_t i, size_t *end) {
    const kb_lex *lx = months();
    size_t e1 = word_end(t, i);
    if (e1 == i || e1 - i > 40) return 0;
    char raw[96], norm[KB_NORMALIZE_BOUND(96)];
    size_t e2s = skip_space(t, e1, NULL), e2 = word_end(t, e2s);
    if (e2 > e2s && e2 - i < sizeof raw) {
        size_t k = 0;
        memcpy(raw, t.s + i, e1 - i);
        k = e1 - i;
        raw[k++] = ' ';
        memcpy(raw + k, t.s + e2s, e2 - e2s);
        k += e2 - e2s;
        size_t nn = kb_normalize_into(raw, k, KB_NORM_SEARCH, norm);
        size_t vn;
        const char *v = kb__lex_find(lx, norm, nn, &vn);
        if (v) {
            *end = e2;
            return atoi_n(v, vn);
        }
    }
    size_t nn = kb_normalize_into((const char *)t.s + i, e1 - i, KB_NORM_SEARCH, norm);
    size_t vn;
    const char *v = kb__lex_find(lx, norm, nn, &vn);
    if (!v) return 0;
    *end = e1;
    return atoi_n(v, vn);
}

/* After a month name: an alternative name for the same month may follow,
** as in "آب/أغسطس" or "تشرين الأول (أكتوبر)". Skip it. */
static size_t skip_alt_month(span t, size_t i) {
    size_t j = skip_space(t, i, NULL), len, e;
    uint32_t u = cp_at(t, j, &len);
    if (!len || (u != '/' && u != '(' && u != '-')) return i;
    int paren = u == '(';
    j = skip_space(t, j + len, NULL);
    if (!month_at(t, j, &e)) return i;
    if (paren) {
        size_t k = skip_space(t, e, NULL);
        u = cp_at(t, k, &len);
        if (len && u == ')') e = k + len;
    }
    return e;
}

/* Days since 1970-01-01 of a Gregorian date (proleptic calendar). */
static long days_from_civil(int y, int m, int d) {
    static const int before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    long days = 0;
    for (int k = 1970; k < y; k++) days += 365 + leap(k);
    for (int k = y; k < 1970; k++) days -= 365 + leap(k);
    return days + before[m - 1] + (m > 2 && leap(y)) + d - 1;
}

static void civil_from_days(long days, int *y, int *m, int *d) {
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int yy = 1970;
    while (days < 0) days += 365 + leap(--yy);
    while (days >= 365 + leap(yy)) days -= 365 + leap(yy++);
    int mm = 0;
    while (days >= mdays[mm] + (mm == 1 && leap(yy))) days -= mdays[mm] + (mm == 1 && leap(yy)), mm++;
    *y = yy;
    *m = mm + 1;
    *d = (int)days + 1;
}

/* Persian solar (Jalali) leap years follow the 33-year cycle (years 1, 5,
** 9, 13, 17, 22, 26, 30 of each cycle), which matches the observed calendar
** over the years accepted here (1300-1499). */
static int jalali_leap(int jy) { return (25 * jy + 11) % 33 < 8; }

/* Jalali -> Gregorian, anchored on 1 Farvardin 1399 = 2020-03-20. */
static int jalali_to_gregorian(int jy, int jm, int jd, int *gy, int *gm, int *gd) {
    if (jy < 1300 || jy > 1499 || jm < 1 || jm > 12 || jd < 1) return 0;
    int mlen = jm <= 6 ? 31 : jm <= 11 ? 30 : 29 + jalali_leap(jy);
    if (jd > mlen) return 0;
    long days = days_from_civil(2020, 3, 20);
    for (int y = 1399; y < jy; y++) days += 365 + jalali_leap(y);
    for (int y = jy; y < 1399; y++) days -= 365 + jalali_leap(y);
    days += (jm <= 7 ? (jm - 1) * 31 : 186 + (jm - 7) * 30) + jd - 1;
    civil_from_days(days, gy, gm, gd);
    return 1;
}

static int emit_date(char *out, int y, int m, int d) {
    if (m > 100) {
        /* a Jalali month: convert */
        if (!jalali_to_gregorian(y, m - 100, d, &y, &m, &d)) return 0;
    }
    if (!valid_ymd(y, m, d)) return 0;
    snprintf(out, 40, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
    return 1;
}

/* ISO 8601 at i: YYYY-MM-DD, then optionally [T ]HH:MM[:SS[.fff]] and an
** offset (Z, +HH:MM, +HHMM, +HH). */
static int iso_at(span t, size_t i, char *out) {
    int y, mo, d, nd;
    size_t e, len;
    if (read_num(t, i, 4, &y, &e) != 4 || cp_at(t, e, &len) != '-') return 0;
    nd = read_num(t, e + 1, 2, &mo, &e);
    if (nd < 1 || cp_at(t, e, &len) != '-') return 0;
    nd = read_num(t, e + 1, 2, &d, &e);
    if (nd < 1) return 0;
    uint32_t u = cp_at(t, e, &len);
    if (len && (is_digit_cp(u) || is_letter(u)) && u != 'T' && u != 't') return 0;
    if (!emit_date(out, y, mo, d)) return 0;
    /* Time: "T10:30", or a space and "10:30" (as SQL dumps write it). */
    int hh, mi, ss = 0;
    size_t k = e;
    if (len && (u == 'T' || u == 't' || u == ' ')) {
        k = e + 1;
        if (read_num(t, k, 2, &hh, &k) != 2 || cp_at(t, k, &len) != ':') return 1;
        if (read_num(t, k + 1, 2, &mi, &k) != 2) return 1;
        if (cp_at(t, k, &len) == ':') {
            if (read_num(t, k + 1, 2, &ss, &k) != 2) return 1;
            if (cp_at(t, k, &len) == '.' || cp_at(t, k, &len) == ',') {
                int frac;
                size_t k2;
                if (read_num(t, k + 1, 9, &frac, &k2) > 0) k = k2;
            }
        }
        if (hh > 23 || mi > 59 || ss > 60) return 1;
        char off[8] = "";
        u = cp_at(t, k, &len);
        if (u == 'Z' || u == 'z') {
            strcpy(off, "Z");
        } else if (u == '+' || u == '-') {
            int oh, om = 0;
            size_t k2;
            int n1 = read_num(t, k + 1, 4, &oh, &k2);
            if (n1 == 4) {
                om = oh % 100;
                oh /= 100;
            } else if (n1 == 2 && cp_at(t, k2, &len) == ':') {
                if (read_num(t, k2 + 1, 2, &om, &k2) != 2) n1 = 0;
            } else if (n1 != 2) {
                n1 = 0;
            }
            if (n1 && oh <= 14 && om <= 59)
                snprintf(off, sizeof off, "%c%02u:%02u", (char)u, (unsigned)oh % 100u, (unsigned)om % 100u);
        }
        snprintf(out + 10, 30, "T%02u:%02u:%02u%s", (unsigned)hh % 100u, (unsigned)mi % 100u, (unsigned)ss % 100u,
                 off);
    }
    return 1;
}

/* Numeric dates: D/M/Y, D-M-Y, D.M.Y and Y/M/D. */
static int numeric_at(span t, size_t i, char *out) {
    int a, b, c;
    size_t e, len;
    int na = read_num(t, i, 4, &a, &e);
    if (na < 1) return 0;
    uint32_t sep = cp_at(t, e, &len);
    if (sep != '/' && sep != '-' && sep != '.') return 0;
    int nb = read_num(t, e + 1, 2, &b, &e);
    if (nb < 1 || cp_at(t, e, &len) != sep) return 0;
    int nc = read_num(t, e + 1, 4, &c, &e);
    if (nc < 1) return 0;
    uint32_t u = cp_at(t, e, &len);
    if (len && (is_digit_cp(u) || (u == sep && sep != '.'))) return 0;
    if (na == 4 && nc <= 2) {
        if (hijri_follows(t, e)) return 0;
        return emit_date(out, a, b, c);
    }
    if (nc != 4 || na > 2 || hijri_follows(t, e)) return 0;
    if (b > 12 && a <= 12) return emit_date(out, c, a, b); /* month first */
    return emit_date(out, c, b, a);
}

/* A year (4 digits) at i, not followed by a Hijri marker. */
static int year_at(span t, size_t i, size_t *end) {
    int y;
    if (read_num(t, i, 4, &y, end) != 4 || hijri_follows(t, *end)) return -1;
    return y;
}

/* "15 نيسان 2019", "15 آب/أغسطس، 2019", "15th April 2019". */
static int day_month_year_at(span t, size_t i, char *out) {
    int d, m, y;
    size_t e, len;
    if (read_num(t, i, 2, &d, &e) < 1) return 0;
    size_t w = word_end(t, e);
    if (w - e == 2) {
        /* English ordinal suffix. */
        char a = (char)(t.s[e] | 0x20), b = (char)(t.s[e + 1] | 0x20);
        if ((a == 's' && b == 't') || (a == 'n' && b == 'd') || (a == 'r' && b == 'd') || (a == 't' && b == 'h'))
            e = w;
    }
    size_t j = skip_space(t, e, "-");
    if (j == e && is_letter(cp_at(t, e, &len))) return 0;
    if (!(m = month_at(t, j, &e))) return 0;
    e = skip_alt_month(t, e);
    j = skip_space(t, e, ",-");
    if ((y = year_at(t, j, &e)) < 0) return 0;
    return emit_date(out, y, m, d);
}

/* "April 15, 2019", "نيسان 15، 2019". */
static int month_day_year_at(span t, size_t i, char *out) {
    int d, m, y;
    size_t e;
    if (!(m = month_at(t, i, &e))) return 0;
    e = skip_alt_month(t, e);
    size_t j = skip_space(t, e, NULL);
    if (j == e || read_num(t, j, 2, &d, &e) < 1) return 0;
    j = skip_space(t, e, ",");
    if ((y = year_at(t, j, &e)) < 0) return 0;
    return emit_date(out, y, m, d);
}

int kb__parse_date(const char *p, size_t n, char *out) {
    span t = {(const unsigned char *)p, n};
    size_t i = 0, len;
    int prev_alnum = 0;
    out[0] = 0;
    while (i < n) {
        uint32_t u = cp_at(t, i, &len);
        int digit = is_digit_cp(u), letter = !digit && is_letter(u);
        if (!prev_alnum) {
            if (digit && (iso_at(t, i, out) || numeric_at(t, i, out) || day_month_year_at(t, i, out))) return 1;
            if (letter && month_day_year_at(t, i, out)) return 1;
        }
        prev_alnum = digit || letter;
        i += len;
    }
    out[0] = 0;
    return 0;
}
