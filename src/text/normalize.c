/*
** Arabic normalization: one pass over UTF-8 (see khabar.h, section 2).
**
** The hot path is Arabic letters, which are two-byte sequences with lead
** bytes 0xD8-0xDB (U+0600-U+06FF). For each flag set a 256-entry table,
** indexed by (lead - 0xD8) * 64 + (continuation & 0x3F), says whether the
** code point is kept, dropped or replaced; unchanged runs are copied with one
** memcpy. Everything else (spaces, controls, presentation forms, invalid
** bytes) goes through map_cp(), which is slower but rare in news text.
**
** Idempotence: every replacement is a fixed point of the same flags (a base
** letter maps to itself, a presentation form decomposes into base letters
** that are then mapped again), so normalize(normalize(x)) == normalize(x).
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/lex.h"
#include "core/utf8.h"
#include "khabar.h"
#include "text/text_int.h"

/* --- presentation forms (data/presentation-forms.tsv) -------------------- */

#define PF_LO 0xFB50
#define PF_HI 0xFEFF
static uint32_t g_pf_off[PF_HI - PF_LO + 1]; /* (offset << 3) | count, 0 = none */
static uint32_t g_pf_pool[4096];
static pthread_once_t g_pf_once = PTHREAD_ONCE_INIT;

static unsigned hexval(const char *p, size_t n, size_t *used) {
    unsigned v = 0;
    size_t i = 0;
    for (; i < n; i++) {
        char c = p[i];
        if (c >= '0' && c <= '9') v = v * 16 + (unsigned)(c - '0');
        else if (c >= 'A' && c <= 'F') v = v * 16 + (unsigned)(c - 'A' + 10);
        else if (c >= 'a' && c <= 'f') v = v * 16 + (unsigned)(c - 'a' + 10);
        else break;
    }
    *used = i;
    return v;
}

static void pf_load(void) {
    size_t n, pool = 1;
    const char *p = (const char *)kb__data_find("presentation-forms.tsv", &n);
    if (!p) return;
    const char *end = p + n;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        if (*p != '#') {
            size_t used;
            unsigned cp = hexval(p, (size_t)(eol - p), &used);
            const char *q = p + used;
            size_t start = pool, k = 0;
            while (q < eol && k < 7 && pool < sizeof g_pf_pool / sizeof *g_pf_pool) {
                while (q < eol && (*q == '\t' || *q == ' ')) q++;
                if (q >= eol) break;
                unsigned u = hexval(q, (size_t)(eol - q), &used);
                if (!used) break;
                q += used;
                g_pf_pool[pool++] = u;
                k++;
            }
            if (cp >= PF_LO && cp <= PF_HI && k) g_pf_off[cp - PF_LO] = (uint32_t)(start << 3 | k);
        }
        p = eol + 1;
    }
}

/* --- per-code-point mapping ---------------------------------------------- */

static int is_diacritic(uint32_t u) {
    return (u >= 0x064B && u <= 0x065F) || u == 0x0670 || (u >= 0x0610 && u <= 0x061A) ||
           (u >= 0x06D6 && u <= 0x06DC) || (u >= 0x06DF && u <= 0x06E4) ||
           (u >= 0x06E7 && u <= 0x06E8) || (u >= 0x06EA && u <= 0x06ED);
}

int kb__is_control(uint32_t u) {
    return (u >= 0x200B && u <= 0x200F) || (u >= 0x202A && u <= 0x202E) ||
           (u >= 0x2060 && u <= 0x2064) || (u >= 0x2066 && u <= 0x2069) || u == 0x061C ||
           u == 0xFEFF || u == 0x00AD || u == 0x180E;
}

int kb__is_space(uint32_t u) {
    return u == ' ' || u == '\t' || u == '\n' || u == '\r' || u == '\f' || u == '\v' ||
           u == 0x00A0 || u == 0x1680 || (u >= 0x2000 && u <= 0x200A) || u == 0x2028 ||
           u == 0x2029 || u == 0x202F || u == 0x205F || u == 0x3000 || u == 0x0085;
}

/*
** Map one code point (not a presentation form) under flags. Returns the
** replacement, KB__DROP to remove it, or u itself.
*/
#define KB__DROP 0xFFFFFFFFu
static uint32_t map_simple(uint32_t u, unsigned f) {
    if (u < 0x80) {
        if ((f & KB_NORM_LOWER) && u >= 'A' && u <= 'Z') return u + 32;
        return u;
    }
    if (u >= 0x0600 && u <= 0x06FF) {
        if ((f & KB_NORM_DIACRITICS) && is_diacritic(u)) return KB__DROP;
        if ((f & KB_NORM_TATWEEL) && u == 0x0640) return KB__DROP;
        if ((f & KB_NORM_CONTROLS) && u == 0x061C) return KB__DROP;
        if ((f & KB_NORM_ALEF) && (u == 0x0622 || u == 0x0623 || u == 0x0625 || u == 0x0671 ||
                                   u == 0x0672 || u == 0x0673))
            return 0x0627;
        if ((f & KB_NORM_YEH) && (u == 0x0649 || u == 0x06CC)) return 0x064A;
        if ((f & KB_NORM_TEH_MARBUTA) && u == 0x0629) return 0x0647;
        if (f & KB_NORM_HAMZA_SEATS) {
            if (u == 0x0624) return 0x0648;
            if (u == 0x0626) return 0x064A;
        }
        if ((f & KB_NORM_KAF) && u == 0x06A9) return 0x0643;
        if (f & KB_NORM_DIGITS) {
            if (u >= 0x0660 && u <= 0x0669) return '0' + (u - 0x0660);
            if (u >= 0x06F0 && u <= 0x06F9) return '0' + (u - 0x06F0);
            if (u == 0x066B) return '.';
            if (u == 0x066C) return ',';
            if (u == 0x066A) return '%';
        }
        return u;
    }
    if ((f & KB_NORM_CONTROLS) && kb__is_control(u)) return KB__DROP;
    if ((f & KB_NORM_SPACES) && u > 0x7F && kb__is_space(u)) return ' ';
    return u;
}

/* Write the mapping of u into dst; returns bytes written. */
static size_t map_cp(uint32_t u, unsigned f, char *dst) {
    if ((f & KB_NORM_PRESENTATION) && u >= PF_LO && u <= PF_HI) {
        pthread_once(&g_pf_once, pf_load);
        uint32_t e = g_pf_off[u - PF_LO];
        if (e) {
            size_t k = e & 7, off = e >> 3, w = 0;
            for (size_t i = 0; i < k; i++) {
                uint32_t v = map_simple(g_pf_pool[off + i], f);
                if (v != KB__DROP) w += kb__utf8_encode(v, dst + w);
            }
            return w;
        }
    }
    uint32_t v = map_simple(u, f);
    if (v == KB__DROP) return 0;
    return kb__utf8_encode(v, dst);
}

/* --- fast tables ---------------------------------------------------------- */

/* Entry: 0 = keep as is; 1 = drop; otherwise replacement code point + 2. */
typedef struct norm_table {
    unsigned flags;
    uint32_t t[256];
} norm_table;

static void table_build(norm_table *nt, unsigned f) {
    nt->flags = f;
    for (unsigned i = 0; i < 256; i++) {
        uint32_t u = 0x0600 + i;
        uint32_t v = map_simple(u, f);
        nt->t[i] = v == u ? 0 : v == KB__DROP ? 1 : v + 2;
    }
}

static const norm_table *table_for(unsigned f) {
    static _Thread_local norm_table cache[4];
    static _Thread_local unsigned used, next;
    for (unsigned i = 0; i < used; i++)
        if (cache[i].flags == f) return &cache[i];
    unsigned slot = used < 4 ? used++ : (next++ & 3);
    table_build(&cache[slot], f);
    return &cache[slot];
}

size_t kb_normalize_into(const char *p, size_t n, unsigned f, char *dst) {
    const unsigned char *s = (const unsigned char *)p;
    const norm_table *nt = table_for(f);
    const int lower = (f & KB_NORM_LOWER) != 0;
    size_t i = 0, w = 0, run = 0; /* run: start of the pending unchanged bytes */
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x80) {
            if (lower && c >= 'A' && c <= 'Z') goto slow;
            i++;
            continue;
        }
        if (c >= 0xD8 && c <= 0xDB && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
            uint32_t e = nt->t[((c - 0xD8) << 6) | (s[i + 1] & 0x3F)];
            if (e == 0) {
                i += 2;
                continue;
            }
            memcpy(dst + w, p + run, i - run);
            w += i - run;
            if (e > 1) w += kb__utf8_encode(e - 2, dst + w);
            i += 2;
            run = i;
            continue;
        }
    slow: {
        size_t len;
        uint32_t u = kb__utf8_decode(s + i, n - i, &len);
        int invalid = (u == KB_REPLACEMENT && len == 1);
        if (!invalid && u == (u >= 0x80 ? map_simple(u, f) : (lower ? map_simple(u, f) : u)) &&
            !((f & KB_NORM_PRESENTATION) && u >= PF_LO && u <= PF_HI)) {
            i += len;
            continue;
        }
        memcpy(dst + w, p + run, i - run);
        w += i - run;
        w += invalid ? kb__utf8_encode(KB_REPLACEMENT, dst + w) : map_cp(u, f, dst + w);
        i += len;
        run = i;
    }
    }
    memcpy(dst + w, p + run, i - run);
    return w + (i - run);
}

int kb_normalize(const char *p, size_t n, unsigned flags, char **out, size_t *outn) {
    *out = NULL;
    if (n > ((size_t)-1 - 8) / 3) return KB_ETOOBIG;
    char *d = malloc(KB_NORMALIZE_BOUND(n) + 1);
    if (!d) return KB_ENOMEM;
    size_t k = kb_normalize_into(p, n, flags, d);
    d[k] = 0;
    char *shrunk = realloc(d, k + 1);
    *out = shrunk ? shrunk : d;
    if (outn) *outn = k;
    return KB_OK;
}
