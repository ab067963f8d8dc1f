/*
** bench_text: throughput of the Arabic text core on real news, in one
** process, against the memory-bandwidth ceiling and two baseline stemmers.
**
** It first loads every "text" field of news/ant-v2.1.jsonl.zst (31,525
** articles, libzstd streaming, a minimal JSON scanner that unescapes \uXXXX
** and surrogate pairs) into one buffer, the texts separated by '\n'. Then,
** each measure the best of 3 runs:
**
**   memchr_pass                     memchr over all bytes for '\n' (ceiling)
**   khabar_normalize                kb_normalize_into(KB_NORM_SEARCH) per text
**   khabar_tokenize_normalize       kb_tokenizer (KB_NORM_SEARCH, SKIP_PUNCT)
**   khabar_tokenize_normalize_stem  the same + kb_stem on every WORD token
**
** and, on one list of the WORD tokens' normalized (KB_NORM_SEARCH) forms
** collected beforehand, the stemming alone, apples to apples:
**
**   khabar_stem, snowball_stem (libstemmer "arabic", UTF_8), light10_stem
**
** Output: one line per measure, "name key=value ...", then the peak RSS.
** tokens= counts WORD+LATIN+NUMBER+... tokens for the text passes and WORD
** tokens for the stem-only passes; bytes= is the input the measure reads.
**
** Usage: bench_text [CORPUS]   CORPUS is the corpus folder (default
** $KB_CORPUS, else ../shared/corpus) or the .jsonl.zst file itself. Exits 0
** with "skipped: corpus absent" when it is missing.
*/
#include <libstemmer.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <zstd.h>

#include "khabar.h"
/* The bench build compiles one file per program, so the baseline comes in
** as source. */
#include "light10.c"

#define RUNS 3

static void die(const char *msg) {
    fprintf(stderr, "bench_text: %s\n", msg);
    exit(1);
}

/* --- growable byte buffer -------------------------------------------------- */

typedef struct buf {
    char *p;
    size_t n, cap;
} buf;

static void buf_reserve(buf *b, size_t more) {
    if (b->n + more <= b->cap) return;
    size_t c = b->cap ? b->cap : 1 << 20;
    while (c < b->n + more) c *= 2;
    char *p = realloc(b->p, c);
    if (!p) die("out of memory");
    b->p = p;
    b->cap = c;
}

static void buf_put(buf *b, const void *p, size_t n) {
    buf_reserve(b, n);
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

/* --- a minimal JSON scanner for one object per line ------------------------ */

static size_t put_utf8(char *d, uint32_t u) {
    unsigned char *o = (unsigned char *)d;
    if (u < 0x80) { o[0] = (unsigned char)u; return 1; }
    if (u < 0x800) { o[0] = (unsigned char)(0xC0 | u >> 6); o[1] = (unsigned char)(0x80 | (u & 63)); return 2; }
    if (u < 0x10000) {
        o[0] = (unsigned char)(0xE0 | u >> 12);
        o[1] = (unsigned char)(0x80 | ((u >> 6) & 63));
        o[2] = (unsigned char)(0x80 | (u & 63));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | u >> 18);
    o[1] = (unsigned char)(0x80 | ((u >> 12) & 63));
    o[2] = (unsigned char)(0x80 | ((u >> 6) & 63));
    o[3] = (unsigned char)(0x80 | (u & 63));
    return 4;
}

static int hex4(const char *p, const char *end, uint32_t *v) {
    if (end - p < 4) return 0;
    uint32_t x = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        x <<= 4;
        if (c >= '0' && c <= '9') x |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f') x |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') x |= (uint32_t)(c - 'A' + 10);
        else return 0;
    }
    *v = x;
    return 1;
}

/*
** Scan the JSON string starting after its opening quote at p; append its
** unescaped value to out when out is not NULL. Returns the position after the
** closing quote, or NULL when the string is not terminated.
*/
static const char *json_string(const char *p, const char *end, buf *out) {
    while (p < end) {
        const char *q = p;
        while (q < end && *q != '"' && *q != '\\') q++;
        if (out) buf_put(out, p, (size_t)(q - p));
        if (q >= end) return NULL;
        if (*q == '"') return q + 1;
        q++; /* backslash */
        if (q >= end) return NULL;
        char c = *q++, tmp[8];
        size_t k = 1;
        switch (c) {
        case 'n': tmp[0] = '\n'; break;
        case 't': tmp[0] = '\t'; break;
        case 'r': tmp[0] = '\r'; break;
        case 'b': tmp[0] = '\b'; break;
        case 'f': tmp[0] = '\f'; break;
        case 'u': {
            uint32_t u, lo;
            if (!hex4(q, end, &u)) { u = 0xFFFD; k = put_utf8(tmp, u); break; }
            q += 4;
            if (u >= 0xD800 && u <= 0xDBFF) {
                /* A high surrogate pairs with a following \uDC00-\uDFFF. */
                if (end - q >= 6 && q[0] == '\\' && q[1] == 'u' && hex4(q + 2, end, &lo) && lo >= 0xDC00 &&
                    lo <= 0xDFFF) {
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                    q += 6;
                } else {
                    u = 0xFFFD;
                }
            } else if (u >= 0xDC00 && u <= 0xDFFF) {
                u = 0xFFFD;
            }
            k = put_utf8(tmp, u);
            break;
        }
        default: tmp[0] = c; break; /* \" \\ \/ and anything else verbatim */
        }
        if (out) buf_put(out, tmp, k);
        p = q;
    }
    return NULL;
}

static const char *skip_ws(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++;
    return p;
}

/* Skip a non-string value (number, literal, array, object). */
static const char *skip_value(const char *p, const char *end) {
    int depth = 0;
    while (p < end) {
        char c = *p;
        if (c == '"') {
            p = json_string(p + 1, end, NULL);
            if (!p) return NULL;
            continue;
        }
        if (c == '[' || c == '{') depth++;
        else if (c == ']' || c == '}') {
            if (depth == 0) return p;
            depth--;
        } else if (c == ',' && depth == 0) return p;
        p++;
    }
    return p;
}

/* The texts: one buffer, each text followed by '\n' (texts hold newlines
** of their own, so their spans are recorded as they are loaded). */
typedef struct span {
    size_t off, n;
} span;

static buf g_spans;

/* Append the "text" value of the object line[0..n) to out, then '\n'. */
static int take_text(const char *p, size_t n, buf *out) {
    const char *end = p + n;
    p = skip_ws(p, end);
    if (p >= end || *p != '{') return 0;
    p++;
    for (;;) {
        p = skip_ws(p, end);
        if (p >= end || *p != '"') return 0;
        const char *k = p + 1;
        p = json_string(k, end, NULL);
        if (!p) return 0;
        int is_text = p - k == 5 && !memcmp(k, "text", 4);
        p = skip_ws(p, end);
        if (p >= end || *p != ':') return 0;
        p = skip_ws(p + 1, end);
        if (p < end && *p == '"') {
            size_t start = out->n;
            p = json_string(p + 1, end, is_text ? out : NULL);
            if (!p) {
                out->n = start;
                return 0;
            }
            if (is_text) {
                span sp = {start, out->n - start};
                buf_put(&g_spans, &sp, sizeof sp);
                buf_put(out, "\n", 1);
                return 1;
            }
        } else {
            p = skip_value(p, end);
            if (!p) return 0;
        }
        p = skip_ws(p, end);
        if (p < end && *p == ',') { p++; continue; }
        return 0;
    }
}

/* Load the texts of a .jsonl.zst file, each followed by '\n'. */
static long load_texts(const char *path, buf *texts, size_t *ntexts) {
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    ZSTD_DStream *ds = ZSTD_createDStream();
    if (!ds) die("out of memory");
    size_t inCap = ZSTD_DStreamInSize(), outCap = ZSTD_DStreamOutSize();
    char *in = malloc(inCap), *outb = malloc(outCap);
    buf pend = {0};
    if (!in || !outb) die("out of memory");
    size_t got;
    while ((got = fread(in, 1, inCap, f)) > 0) {
        ZSTD_inBuffer zi = {in, got, 0};
        while (zi.pos < zi.size) {
            ZSTD_outBuffer zo = {outb, outCap, 0};
            size_t r = ZSTD_decompressStream(ds, &zo, &zi);
            if (ZSTD_isError(r)) die(ZSTD_getErrorName(r));
            buf_put(&pend, outb, zo.pos);
            /* Hand over every complete line, keep the rest. */
            size_t start = 0;
            char *nl;
            while ((nl = memchr(pend.p + start, '\n', pend.n - start))) {
                size_t len = (size_t)(nl - (pend.p + start));
                *ntexts += (size_t)take_text(pend.p + start, len, texts);
                start += len + 1;
            }
            memmove(pend.p, pend.p + start, pend.n - start);
            pend.n -= start;
        }
    }
    if (pend.n) *ntexts += (size_t)take_text(pend.p, pend.n, texts);
    ZSTD_freeDStream(ds);
    free(in);
    free(outb);
    free(pend.p);
    fclose(f);
    return 0;
}

/* --- timing ---------------------------------------------------------------- */

/*
** seconds= is the CPU time of the measuring thread (CLOCK_THREAD_CPUTIME_ID):
** on a shared, loaded machine wall time mostly measures the other tenants.
** wall= gives the wall-clock time of the same best run.
*/
static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double wall(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double g_wall_start, g_best_wall;

static void report(const char *name, size_t tokens, size_t bytes, double secs, const char *extra) {
    printf("%s tokens=%zu bytes=%zu seconds=%.4f tok_per_s=%.0f mb_per_s=%.1f wall=%.4f%s%s\n", name, tokens,
           bytes, secs, (double)tokens / secs, (double)bytes / secs / 1e6, g_best_wall, extra ? " " : "",
           extra ? extra : "");
    fflush(stdout);
}

/* Start and end one timed run; keeps the best CPU time and its wall time. */
#define RUN_START() double a_ = now(); g_wall_start = wall()
#define RUN_END(best)                                   \
    do {                                                \
        double d_ = now() - a_;                         \
        if (d_ < (best)) {                              \
            (best) = d_;                                \
            g_best_wall = wall() - g_wall_start;        \
        }                                               \
    } while (0)

/* Sinks the optimizer cannot remove. */
static volatile size_t g_sink;

static span *g_span;
static size_t g_nspan, g_maxspan;
static const char *g_text;

static size_t run_memchr(size_t total) {
    size_t lines = 0;
    const char *p = g_text, *end = g_text + total;
    while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) {
        lines++;
        p++;
    }
    return lines;
}

static size_t run_normalize(char *dst) {
    size_t out = 0;
    for (size_t i = 0; i < g_nspan; i++) out += kb_normalize_into(g_text + g_span[i].off, g_span[i].n, KB_NORM_SEARCH, dst);
    return out;
}

/* Tokenize every text; stem WORD tokens when stem is set; collect the WORD
** tokens' normalized forms into words when it is not NULL. Returns tokens. */
static size_t run_tokenize(kb_tokenizer *t, int stem, buf *words, buf *offs) {
    size_t ntok = 0, acc = 0;
    kb_token tok;
    char sbuf[KB_TOKEN_MAX + 8];
    for (size_t i = 0; i < g_nspan; i++) {
        kb_tokenizer_reset(t, g_text + g_span[i].off, g_span[i].n);
        while (kb_tokenizer_next(t, &tok)) {
            ntok++;
            if (tok.type != KB_TOK_WORD) continue;
            if (stem) acc += kb_stem(tok.norm, tok.norm_n, sbuf);
            if (words) {
                size_t off = words->n;
                buf_put(offs, &off, sizeof off);
                buf_put(words, tok.norm, tok.norm_n + 1);
            }
        }
    }
    g_sink += acc;
    return ntok;
}

typedef size_t (*stem_fn)(const char *w, size_t n, char *dst);
static struct sb_stemmer *g_sb;

static size_t stem_khabar(const char *w, size_t n, char *dst) { return kb_stem(w, n, dst); }
static size_t stem_light10(const char *w, size_t n, char *dst) { return light10_stem(w, n, dst); }
static size_t stem_snowball(const char *w, size_t n, char *dst) {
    const sb_symbol *s = sb_stemmer_stem(g_sb, (const sb_symbol *)w, (int)n);
    (void)dst;
    return s ? (size_t)sb_stemmer_length(g_sb) : 0;
}

static size_t run_stems(stem_fn fn, const buf *words, const buf *offs) {
    const size_t *off = (const size_t *)offs->p;
    size_t nw = offs->n / sizeof *off, acc = 0;
    char d[KB_TOKEN_MAX * 3 + 8];
    for (size_t i = 0; i < nw; i++) {
        size_t end = i + 1 < nw ? off[i + 1] - 1 : words->n - 1;
        acc += fn(words->p + off[i], end - off[i], d);
    }
    return acc;
}

int main(int argc, char **argv) {
    const char *arg = argc > 1 ? argv[1] : getenv("KB_CORPUS");
    char path[4096];
    struct stat st;
    if (!arg) arg = "../shared/corpus";
    if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) snprintf(path, sizeof path, "%s/news/ant-v2.1.jsonl.zst", arg);
    else snprintf(path, sizeof path, "%s", arg);

    buf texts = {0};
    size_t ntexts = 0;
    double t0 = wall();
    if (load_texts(path, &texts, &ntexts) != 0) {
        printf("bench_text: skipped: corpus absent (%s)\n", path);
        return 0;
    }
    double tload = wall() - t0;
    g_text = texts.p;
    g_span = (span *)g_spans.p;
    g_nspan = g_spans.n / sizeof *g_span;
    for (size_t i = 0; i < g_nspan; i++)
        if (g_span[i].n > g_maxspan) g_maxspan = g_span[i].n;
    size_t bytes = texts.n - g_nspan; /* text bytes, separators excluded */
    printf("# %s: %zu texts, %zu bytes, loaded in %.2f s\n", path, g_nspan, bytes, tload);

    kb_tokenizer *tk;
    if (kb_tokenizer_new(&tk, KB_NORM_SEARCH, KB_TOK_SKIP_PUNCT) != KB_OK) die("out of memory");

    /* Collect the WORD tokens once (also warms the lexicons and caches). */
    buf words = {0}, offs = {0};
    size_t ntok = run_tokenize(tk, 1, &words, &offs);
    size_t nwords = offs.n / sizeof(size_t), wbytes = words.n - nwords;

    double best;
    size_t r = 0;

    best = 1e30;
    for (int k = 0; k < RUNS; k++) {
        RUN_START();
        r = run_memchr(texts.n);
        RUN_END(best);
    }
    g_sink += r;
    report("memchr_pass", r, texts.n, best, "what=count_newlines");

    (void)ntexts;
    char *dst = malloc(KB_NORMALIZE_BOUND(g_maxspan));
    if (!dst) die("out of memory");
    best = 1e30;
    for (int k = 0; k < RUNS; k++) {
        RUN_START();
        r = run_normalize(dst);
        RUN_END(best);
    }
    g_sink += r;
    report("khabar_normalize", ntok, bytes, best, "flags=search");

    best = 1e30;
    for (int k = 0; k < RUNS; k++) {
        RUN_START();
        r = run_tokenize(tk, 0, NULL, NULL);
        RUN_END(best);
    }
    report("khabar_tokenize_normalize", r, bytes, best, "flags=search,skip_punct");

    best = 1e30;
    for (int k = 0; k < RUNS; k++) {
        RUN_START();
        r = run_tokenize(tk, 1, NULL, NULL);
        RUN_END(best);
    }
    double full_tps = (double)r / best;
    char extra[128];
    snprintf(extra, sizeof extra, "words=%zu", nwords);
    report("khabar_tokenize_normalize_stem", r, bytes, best, extra);

    g_sb = sb_stemmer_new("arabic", "UTF_8");
    if (!g_sb) die("Snowball has no Arabic stemmer");
    struct {
        const char *name;
        stem_fn fn;
    } st3[3] = {{"khabar_stem", stem_khabar}, {"snowball_stem", stem_snowball}, {"light10_stem", stem_light10}};
    double snow_wps = 0;
    for (int s = 0; s < 3; s++) {
        best = 1e30;
        for (int k = 0; k < RUNS; k++) {
            RUN_START();
            g_sink += run_stems(st3[s].fn, &words, &offs);
            RUN_END(best);
        }
        if (s == 1) snow_wps = (double)nwords / best;
        report(st3[s].name, nwords, wbytes, best, "input=word_tokens_normalized_search");
    }
    /* The target compares the whole khabar pipeline with Snowball's
    ** stemming alone, per token. */
    printf("ratio full_pipeline_tok_per_s_over_snowball_stem_word_per_s=%.2f\n", full_tps / snow_wps);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak_rss_mb=%.1f\n", (double)ru.ru_maxrss / 1024.0);

    sb_stemmer_delete(g_sb);
    kb_tokenizer_free(tk);
    free(dst);
    free(g_spans.p);
    free(texts.p);
    free(words.p);
    free(offs.p);
    return 0;
}
