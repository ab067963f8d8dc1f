/*
** verify_stem: a dump of the stemmer's and the tokenizer's output on real
** news, so that a speed-up of either can be proved byte-identical with cmp.
**
** It reads every "text" field of news/ant-v2.1.jsonl.zst (the corpus
** bench_text measures), tokenizes it with KB_NORM_SEARCH and writes:
**
**   stems FILE    one line "word\tstem\tstopword" per distinct WORD form,
**                 in order of first occurrence; then the same for affixed
**                 variants of every distinct word (و+, ال+, بال+, +ها, +ات,
**                 ...), which drive every prefix and suffix rule of kb_stem
**                 on letters that real words carry. kb_stem is also run
**                 in place (dst == word) and must agree with itself.
**   tokens FILE   one line "type start end norm_n nproc stem_start stem_end
**                 norm" per token of every text,
**                 for KB_NORM_SEARCH with KB_TOK_SKIP_PUNCT, with none and
**                 with KB_TOK_SEGMENT (which fills seg), and
**                 for KB_NORM_DISPLAY, text by text.
**
** Usage: verify_stem stems|tokens OUT [CORPUS]   (CORPUS as for bench_text:
** the folder, default $KB_CORPUS else ../shared/corpus, or the file itself).
**
** CMake builds only bench/bench_*.c, so build it by hand against the
** library of a -DKB_BENCH=ON build dir:
**   cc -O2 -std=c11 -Iinclude -Isrc bench/verify_stem.c \
**      build-st-bench/libkhabar.a -lzstd -lsqlite3 -lxml2 -lz -lm -lpthread
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zstd.h>

#include "khabar.h"

static void die(const char *msg) {
    fprintf(stderr, "verify_stem: %s\n", msg);
    exit(1);
}

typedef struct bytes {
    char *p;
    size_t n, cap;
} bytes;

static void put(bytes *b, const void *p, size_t n) {
    if (b->n + n > b->cap) {
        size_t c = b->cap ? b->cap : 1 << 16;
        while (c < b->n + n) c *= 2;
        char *q = realloc(b->p, c);
        if (!q) die("out of memory");
        b->p = q;
        b->cap = c;
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

/* --- corpus: the "text" values of a JSON-lines file ----------------------- */

static void put_cp(bytes *b, uint32_t u) {
    unsigned char o[4];
    size_t k;
    if (u < 0x80) { o[0] = (unsigned char)u; k = 1; }
    else if (u < 0x800) { o[0] = (unsigned char)(0xC0 | u >> 6); o[1] = (unsigned char)(0x80 | (u & 63)); k = 2; }
    else if (u < 0x10000) {
        o[0] = (unsigned char)(0xE0 | u >> 12);
        o[1] = (unsigned char)(0x80 | (u >> 6 & 63));
        o[2] = (unsigned char)(0x80 | (u & 63));
        k = 3;
    } else {
        o[0] = (unsigned char)(0xF0 | u >> 18);
        o[1] = (unsigned char)(0x80 | (u >> 12 & 63));
        o[2] = (unsigned char)(0x80 | (u >> 6 & 63));
        o[3] = (unsigned char)(0x80 | (u & 63));
        k = 4;
    }
    put(b, o, k);
}

static int hex_at(const char *p, const char *end, uint32_t *v) {
    if (end - p < 4) return 0;
    uint32_t x = 0;
    for (int i = 0; i < 4; i++) {
        int c = (unsigned char)p[i], d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if ((c | 32) >= 'a' && (c | 32) <= 'f') d = (c | 32) - 'a' + 10;
        else return 0;
        x = x << 4 | (uint32_t)d;
    }
    *v = x;
    return 1;
}

/*
** The value of the string that opens at p (just after its quote), unescaped
** into out when out is not NULL; returns the end of the string or NULL. A
** lone or broken surrogate becomes U+FFFD, as in bench_text.
*/
static const char *jstr(const char *p, const char *end, bytes *out) {
    while (p < end) {
        char c = *p++;
        if (c == '"') return p;
        if (c != '\\') {
            if (out) put(out, &c, 1);
            continue;
        }
        if (p >= end) return NULL;
        c = *p++;
        uint32_t u, lo;
        switch (c) {
        case 'n': u = '\n'; break;
        case 't': u = '\t'; break;
        case 'r': u = '\r'; break;
        case 'b': u = '\b'; break;
        case 'f': u = '\f'; break;
        case 'u':
            if (!hex_at(p, end, &u)) { u = 0xFFFD; break; }
            p += 4;
            if (u >= 0xD800 && u <= 0xDBFF) {
                if (end - p >= 6 && p[0] == '\\' && p[1] == 'u' && hex_at(p + 2, end, &lo) && lo >= 0xDC00 &&
                    lo <= 0xDFFF) {
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                    p += 6;
                } else {
                    u = 0xFFFD;
                }
            } else if (u >= 0xDC00 && u <= 0xDFFF) {
                u = 0xFFFD;
            }
            break;
        default: u = (unsigned char)c; break;
        }
        if (out) put_cp(out, u);
    }
    return NULL;
}

/* Texts as (offset, length) pairs into one buffer. */
static bytes g_text, g_spans;

/* Take the top-level "text" string of one JSON object line, if any. */
static void take_line(const char *p, size_t n) {
    const char *end = p + n;
    int depth = 0;
    while (p < end) {
        char c = *p;
        if (c == '{' || c == '[') { depth++; p++; continue; }
        if (c == '}' || c == ']') { depth--; p++; continue; }
        if (c != '"') { p++; continue; }
        const char *k = p + 1;
        const char *q = jstr(k, end, NULL);
        if (!q) return;
        const char *r = q;
        while (r < end && (*r == ' ' || *r == '\t')) r++;
        int is_key = r < end && *r == ':';
        if (depth == 1 && is_key && q - k == 5 && !memcmp(k, "text", 4)) {
            r++;
            while (r < end && (*r == ' ' || *r == '\t')) r++;
            if (r < end && *r == '"') {
                size_t sp[2] = {g_text.n, 0};
                if (!jstr(r + 1, end, &g_text)) { g_text.n = sp[0]; return; }
                sp[1] = g_text.n - sp[0];
                put(&g_spans, sp, sizeof sp);
                put(&g_text, "\n", 1);
                return;
            }
        }
        p = q;
    }
}

static int load(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    ZSTD_DStream *ds = ZSTD_createDStream();
    size_t icap = ZSTD_DStreamInSize(), ocap = ZSTD_DStreamOutSize(), got;
    char *in = malloc(icap), *ob = malloc(ocap);
    bytes pend = {0};
    if (!ds || !in || !ob) die("out of memory");
    while ((got = fread(in, 1, icap, f)) > 0) {
        ZSTD_inBuffer zi = {in, got, 0};
        while (zi.pos < zi.size) {
            ZSTD_outBuffer zo = {ob, ocap, 0};
            size_t r = ZSTD_decompressStream(ds, &zo, &zi);
            if (ZSTD_isError(r)) die(ZSTD_getErrorName(r));
            put(&pend, ob, zo.pos);
        }
    }
    size_t start = 0;
    char *nl;
    while (pend.n > start && (nl = memchr(pend.p + start, '\n', pend.n - start))) {
        take_line(pend.p + start, (size_t)(nl - pend.p) - start);
        start = (size_t)(nl - pend.p) + 1;
    }
    if (start < pend.n) take_line(pend.p + start, pend.n - start);
    ZSTD_freeDStream(ds);
    free(in);
    free(ob);
    free(pend.p);
    fclose(f);
    return 0;
}

/* --- a set of distinct strings, in insertion order ------------------------ */

typedef struct strset {
    bytes pool;     /* the strings, each NUL-terminated */
    bytes order;    /* size_t offsets into pool, insertion order */
    size_t *slot;   /* offset + 1, 0 = empty */
    size_t mask, count;
} strset;

static uint64_t hash(const char *p, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
    return h;
}

static void set_grow(strset *s) {
    size_t cap = s->slot ? (s->mask + 1) * 2 : 1 << 16;
    size_t *t = calloc(cap, sizeof *t);
    if (!t) die("out of memory");
    const size_t *off = (const size_t *)s->order.p;
    for (size_t i = 0; i < s->count; i++) {
        const char *k = s->pool.p + off[i];
        size_t h = (size_t)hash(k, strlen(k)) & (cap - 1);
        while (t[h]) h = (h + 1) & (cap - 1);
        t[h] = off[i] + 1;
    }
    free(s->slot);
    s->slot = t;
    s->mask = cap - 1;
}

static void set_add(strset *s, const char *p, size_t n) {
    if (!s->slot || 2 * (s->count + 1) > s->mask + 1) set_grow(s);
    size_t h = (size_t)hash(p, n) & s->mask;
    while (s->slot[h]) {
        const char *k = s->pool.p + s->slot[h] - 1;
        if (strlen(k) == n && !memcmp(k, p, n)) return;
        h = (h + 1) & s->mask;
    }
    size_t off = s->pool.n;
    put(&s->pool, p, n);
    put(&s->pool, "", 1);
    put(&s->order, &off, sizeof off);
    s->slot[h] = off + 1;
    s->count++;
}

/* --- the two dumps -------------------------------------------------------- */

static void write_stem(FILE *o, const char *w, size_t n) {
    char out[KB_TOKEN_MAX + 16], inplace[KB_TOKEN_MAX + 16];
    size_t k = kb_stem(w, n, out);
    memcpy(inplace, w, n);
    size_t k2 = kb_stem(inplace, n, inplace);
    if (k > n || k2 != k || memcmp(out, inplace, k)) {
        fprintf(stderr, "verify_stem: in-place stem differs for %.*s\n", (int)n, w);
        exit(1);
    }
    fprintf(o, "%.*s\t%.*s\t%d\n", (int)n, w, (int)k, out, kb_is_stopword(w, n));
}

static void dump_stems(FILE *o) {
    kb_tokenizer *t;
    kb_token tok;
    strset words = {0};
    if (kb_tokenizer_new(&t, KB_NORM_SEARCH, KB_TOK_SKIP_PUNCT) != KB_OK) die("out of memory");
    const size_t *sp = (const size_t *)g_spans.p;
    size_t ns = g_spans.n / (2 * sizeof *sp);
    for (size_t i = 0; i < ns; i++) {
        kb_tokenizer_reset(t, g_text.p + sp[2 * i], sp[2 * i + 1]);
        while (kb_tokenizer_next(t, &tok))
            if (tok.type == KB_TOK_WORD) set_add(&words, tok.norm, tok.norm_n);
    }
    kb_tokenizer_free(t);
    const size_t *off = (const size_t *)words.order.p;
    for (size_t i = 0; i < words.count; i++) {
        const char *w = words.pool.p + off[i];
        write_stem(o, w, strlen(w));
    }
    /* Affixed variants: the rules' prefixes and suffixes on every word. */
    static const char *const pre[] = {"", "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب",
                                      "ال", "وال", "فال", "بال", "كال", "لل", "وبال", "ولل"};
    static const char *const suf[] = {"", "ه", "ها", "هم", "هما", "هن", "نا", "كم", "كن", "ات", "ون",
                                      "ين", "ان", "وا", "ا", "ة", "تها", "اتهم", "تين", "تان"};
    char v[KB_TOKEN_MAX + 64];
    size_t base = words.count;
    for (size_t i = 0; i < base; i++) {
        const char *w = words.pool.p + off[i];
        size_t n = strlen(w);
        if (n > 200) continue;
        fprintf(o, "#%zu\n", i);
        for (size_t a = 0; a < sizeof pre / sizeof *pre; a++) {
            for (size_t b = 0; b < sizeof suf / sizeof *suf; b++) {
                if (!a && !b) continue;
                size_t pa = strlen(pre[a]), sb = strlen(suf[b]);
                memcpy(v, pre[a], pa);
                memcpy(v + pa, w, n);
                memcpy(v + pa + n, suf[b], sb);
                write_stem(o, v, pa + n + sb);
            }
        }
    }
    fprintf(stderr, "verify_stem: %zu distinct words, %zu variants each\n", words.count,
            sizeof pre / sizeof *pre * (sizeof suf / sizeof *suf) - 1);
    free(words.pool.p);
    free(words.order.p);
    free(words.slot);
}

static void dump_tokens(FILE *o) {
    static const struct {
        unsigned norm, tok;
    } modes[] = {{KB_NORM_SEARCH, KB_TOK_SKIP_PUNCT},
                     {KB_NORM_SEARCH, 0},
                     {KB_NORM_SEARCH, KB_TOK_SEGMENT},
                     {KB_NORM_DISPLAY, 0}};
    const size_t *sp = (const size_t *)g_spans.p;
    size_t ns = g_spans.n / (2 * sizeof *sp), count = 0;
    for (size_t m = 0; m < sizeof modes / sizeof *modes; m++) {
        kb_tokenizer *t;
        kb_token tok;
        if (kb_tokenizer_new(&t, modes[m].norm, modes[m].tok) != KB_OK) die("out of memory");
        fprintf(o, "## mode %zu\n", m);
        for (size_t i = 0; i < ns; i++) {
            kb_tokenizer_reset(t, g_text.p + sp[2 * i], sp[2 * i + 1]);
            fprintf(o, "# %zu\n", i);
            while (kb_tokenizer_next(t, &tok)) {
                fprintf(o, "%d %zu %zu %zu %u %u %u ", tok.type, tok.start, tok.end, tok.norm_n,
                        (unsigned)tok.seg.nproc, (unsigned)tok.seg.stem_start, (unsigned)tok.seg.stem_end);
                fwrite(tok.norm, 1, tok.norm_n, o);
                fputc('\n', o);
                count++;
            }
        }
        kb_tokenizer_free(t);
    }
    fprintf(stderr, "verify_stem: %zu tokens\n", count);
}

int main(int argc, char **argv) {
    if (argc < 3 || (strcmp(argv[1], "stems") && strcmp(argv[1], "tokens"))) {
        fprintf(stderr, "usage: verify_stem stems|tokens OUT [CORPUS]\n");
        return 2;
    }
    const char *arg = argc > 3 ? argv[3] : getenv("KB_CORPUS");
    char path[4096];
    struct stat st;
    if (!arg) arg = "../shared/corpus";
    if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) snprintf(path, sizeof path, "%s/news/ant-v2.1.jsonl.zst", arg);
    else snprintf(path, sizeof path, "%s", arg);
    if (load(path) != 0) die("cannot read the corpus");
    fprintf(stderr, "verify_stem: %zu texts\n", g_spans.n / (2 * sizeof(size_t)));
    FILE *o = fopen(argv[2], "w");
    if (!o) die("cannot write the output");
    if (!strcmp(argv[1], "stems")) dump_stems(o);
    else dump_tokens(o);
    if (fclose(o) != 0) die("write error");
    free(g_text.p);
    free(g_spans.p);
    return 0;
}
