/*
** kbtest: a tiny unit-test harness (after libuv's ASSERT_EQ style). Each test
** is a function registered with TEST(name); typed asserts print both sides
** and the location, then the test stops and the run continues with the next.
** main() runs every test, or only those named on the command line.
*/
#ifndef KBTEST_H
#define KBTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*kbt_fn)(void);
struct kbt_case { const char *name; kbt_fn fn; };
static struct kbt_case kbt_cases[512];
static int kbt_ncases, kbt_failed_now, kbt_checks;

#define TEST(tname)                                                      \
    static void test_##tname(void);                                      \
    __attribute__((constructor)) static void kbt_reg_##tname(void) {     \
        kbt_cases[kbt_ncases].name = #tname;                             \
        kbt_cases[kbt_ncases++].fn = test_##tname;                       \
    }                                                                    \
    static void test_##tname(void)

#define KBT_FAIL(...)                                                    \
    do {                                                                 \
        fprintf(stderr, "  %s:%d: ", __FILE__, __LINE__);                \
        fprintf(stderr, __VA_ARGS__);                                    \
        fprintf(stderr, "\n");                                           \
        kbt_failed_now = 1;                                              \
        return;                                                          \
    } while (0)

#define ASSERT(c) do { kbt_checks++; if (!(c)) KBT_FAIL("assertion failed: %s", #c); } while (0)
#define ASSERT_INT_EQ(a, b) do { long long x_ = (long long)(a), y_ = (long long)(b); kbt_checks++; \
    if (x_ != y_) KBT_FAIL("%s == %s: %lld != %lld", #a, #b, x_, y_); } while (0)
#define ASSERT_DBL_NEAR(a, b, eps) do { double x_ = (a), y_ = (b); kbt_checks++; \
    if (!(x_ - y_ <= (eps) && y_ - x_ <= (eps))) KBT_FAIL("%s ~= %s: %.17g != %.17g", #a, #b, x_, y_); } while (0)
#define ASSERT_STR_EQ(a, b) do { const char *x_ = (a), *y_ = (b); kbt_checks++; \
    if (!x_ || !y_ || strcmp(x_, y_)) KBT_FAIL("%s == %s: \"%s\" != \"%s\"", #a, #b, x_ ? x_ : "(null)", y_ ? y_ : "(null)"); } while (0)
#define ASSERT_MEM_EQ(p, n, z) do { const char *x_ = (p); size_t n_ = (n); const char *y_ = (z); kbt_checks++; \
    if (n_ != strlen(y_) || memcmp(x_, y_, n_)) KBT_FAIL("%s == %s: \"%.*s\" != \"%s\"", #p, #z, (int)n_, x_, y_); } while (0)

int main(int argc, char **argv) {
    int failed = 0, run = 0;
    for (int i = 0; i < kbt_ncases; i++) {
        if (argc > 1) {
            int want = 0;
            for (int j = 1; j < argc; j++) want |= !strcmp(argv[j], kbt_cases[i].name);
            if (!want) continue;
        }
        kbt_failed_now = 0;
        kbt_cases[i].fn();
        run++;
        if (kbt_failed_now) { failed++; fprintf(stderr, "FAIL %s\n", kbt_cases[i].name); }
    }
    printf("%d tests, %d checks, %d failed\n", run, kbt_checks, failed);
    return failed ? 1 : 0;
}

/* The path of a file under ../shared/corpus, or NULL when the corpus is absent. */
static inline const char *kbt_corpus(const char *rel, char *buf, size_t n) {
    const char *root = getenv("KB_CORPUS");
    if (!root) root = "../shared/corpus";
    snprintf(buf, n, "%s/%s", root, rel);
    FILE *f = fopen(buf, "rb");
    if (!f) return NULL;
    fclose(f);
    return buf;
}

/* The spec file tests/spec/NAME of the source tree ($KB_SRC, "." when unset),
** open for reading, or NULL. */
static inline FILE *kbt_spec_open(const char *name) {
    char path[1024];
    const char *src = getenv("KB_SRC");
    snprintf(path, sizeof path, "%s/tests/spec/%s", src ? src : ".", name);
    return fopen(path, "r");
}

/* The next line of a spec file, in buf[0..n), split in place at tabs into at
** most maxf fields (the last one keeps any further tabs). Line breaks are
** dropped; blank lines and # comments are skipped. Returns how many fields
** were found (1 for a line without a tab), or 0 at the end of the file. */
static inline int kbt_spec_next(FILE *f, char *buf, size_t n, char **fields, int maxf) {
    while (fgets(buf, (int)n, f)) {
        buf[strcspn(buf, "\r\n")] = 0;
        if (!buf[0] || buf[0] == '#') continue;
        int k = 0;
        char *p = buf;
        fields[k++] = p;
        while (k < maxf && (p = strchr(p, '\t'))) {
            *p++ = 0;
            fields[k++] = p;
        }
        return k;
    }
    return 0;
}

#endif
