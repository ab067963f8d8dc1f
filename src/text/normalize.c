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

size_t kb__norm_cp(uint32_t u, unsigned flags, char *dst) { return map_cp(u, flags, dst); }

void kb__norm_table_build(kb_norm_table *nt, unsigned f) {
    nt->flags = f;
    nt->nranges = 0;
    for (unsigned i = 0; i < 256; i++) {
        uint32_t u = 0x0600 + i;
        uint32_t v = map_simple(u, f);
        nt->t[i] = v == u ? 0 : v == KB__DROP ? 1 : v + 2;
    }
    /* Same-length replacements within U+0600-U+06FF, patched in place. */
    for (unsigned i = 0; i < 128; i++) {
        uint32_t e = nt->t[i];
        char b[4];
        nt->rep2[i] = 0;
        if (e > 1 && e - 2 >= 0x0600 && e - 2 <= 0x06FF) {
            kb__utf8_encode(e - 2, b);
            nt->rep2[i] = (uint16_t)((unsigned char)b[0] << 8 | (unsigned char)b[1]);
        }
    }
    /* Ranges of continuation bytes that change under leads D8 and D9, for the
    ** block scan; more than fit means the block scan is not used. */
    for (unsigned lead = 0; lead < 2; lead++) {
        unsigned i = 0;
        while (i < 64) {
            if (!nt->t[lead * 64 + i]) {
                i++;
                continue;
            }
            unsigned lo = i;
            while (i < 64 && nt->t[lead * 64 + i]) i++;
            if (nt->nranges == KB_NORM_MAX_RANGES) {
                nt->nranges = -1;
                return;
            }
            nt->range[nt->nranges][0] = (unsigned char)(0xD8 + lead);
            nt->range[nt->nranges][1] = (unsigned char)(0x80 + lo);
            nt->range[nt->nranges][2] = (unsigned char)(i - 1 - lo);
            nt->nranges++;
        }
    }
    /* Leads DA and DB are handled by the scalar path; so are any leads of
    ** other blocks, which the block scan always treats as needing a look. */
}

static const kb_norm_table *table_for(unsigned f) {
    static _Thread_local kb_norm_table cache[4];
    static _Thread_local unsigned used, next;
    for (unsigned i = 0; i < used; i++)
        if (cache[i].flags == f) return &cache[i];
    unsigned slot = used < 4 ? used++ : (next++ & 3);
    kb__norm_table_build(&cache[slot], f);
    return &cache[slot];
}

#if defined(__SSE2__)
#include <emmintrin.h>

/* Broadcast constants of a table's ranges, built once per call. */
typedef struct block_consts {
    int n;
    __m128i lo[KB_NORM_MAX_RANGES], span[KB_NORM_MAX_RANGES];
    unsigned char is_d9[KB_NORM_MAX_RANGES];
} block_consts;

static void block_consts_init(block_consts *bc, const kb_norm_table *nt) {
    bc->n = nt->nranges;
    for (int r = 0; r < nt->nranges; r++) {
        bc->lo[r] = _mm_set1_epi8((char)nt->range[r][1]);
        bc->span[r] = _mm_set1_epi8((char)nt->range[r][2]);
        bc->is_d9[r] = nt->range[r][0] == 0xD9;
    }
}

/*
** Bit i of the result is set when byte i of s[0..16) needs the scalar path:
** a changing Arabic letter (its lead byte), a byte of another non-ASCII
** block, an ASCII capital under KB_NORM_LOWER, or broken UTF-8 structure
** (a continuation byte not right after a D8/D9 lead, or a lead without one).
** s[16] must be readable: it is the continuation of a lead at s[15].
*/
static inline unsigned block_attention(const unsigned char *s, const block_consts *bc, int lower) {
    const __m128i v = _mm_loadu_si128((const __m128i *)s);
    const __m128i w = _mm_loadu_si128((const __m128i *)(s + 1));
    const __m128i d8 = _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xD8));
    const __m128i d9 = _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xD9));
    const __m128i lead = _mm_or_si128(d8, d9);
    /* Signed view: 0x80-0xBF are -128..-65, 0xC0-0xFF are -64..-1. */
    const __m128i cont = _mm_cmplt_epi8(v, _mm_set1_epi8(-64));
    const __m128i high = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(-65)), _mm_cmplt_epi8(v, _mm_setzero_si128()));
    __m128i bad = _mm_andnot_si128(lead, high);
    if (lower) {
        const __m128i up = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('A' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('Z' + 1)));
        bad = _mm_or_si128(bad, up);
    }
    __m128i in8 = _mm_setzero_si128(), in9 = _mm_setzero_si128();
    for (int r = 0; r < bc->n; r++) {
        /* (w - lo) <= span, unsigned: saturating subtract of span is zero. */
        const __m128i in = _mm_cmpeq_epi8(_mm_subs_epu8(_mm_sub_epi8(w, bc->lo[r]), bc->span[r]), _mm_setzero_si128());
        if (bc->is_d9[r]) in9 = _mm_or_si128(in9, in);
        else in8 = _mm_or_si128(in8, in);
    }
    bad = _mm_or_si128(bad, _mm_or_si128(_mm_and_si128(d8, in8), _mm_and_si128(d9, in9)));
    unsigned lm = (unsigned)_mm_movemask_epi8(lead), cm = (unsigned)_mm_movemask_epi8(cont);
    unsigned wc = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(w, _mm_set1_epi8(-64))); /* w[i] is a continuation */
    unsigned structure = (cm ^ ((lm << 1) & 0xFFFF)) | (lm & ~wc);
    return ((unsigned)_mm_movemask_epi8(bad) | structure) & 0xFFFF;
}
#endif

/*
** The output is written as it goes (no pending runs): clean 16-byte blocks are
** stored whole, other characters one at a time. Stores of a whole block may
** write past the bytes that count; that is safe because the output never
** exceeds 3 bytes per input byte consumed (w <= 3 * i), so with 17 or more
** input bytes left there are at least 16 bytes of room past w.
*/
size_t kb_normalize_into(const char *p, size_t n, unsigned f, char *dst) {
    const unsigned char *s = (const unsigned char *)p;
    const kb_norm_table *nt = table_for(f);
    const int lower = (f & KB_NORM_LOWER) != 0;
    size_t i = 0, w = 0;
#if defined(__SSE2__)
    block_consts bc;
    bc.n = 0;
    if (nt->nranges >= 0 && n >= 17) block_consts_init(&bc, nt);
#endif
    for (;;) {
#if defined(__SSE2__)
        if (nt->nranges >= 0) {
            while (i + 17 <= n) {
                unsigned m = block_attention(s + i, &bc, lower);
                _mm_storeu_si128((__m128i *)(dst + w), _mm_loadu_si128((const __m128i *)(s + i)));
                const int tail = (s[i + 15] & 0xFE) == 0xD8; /* a lead at 15 takes 16 along */
                if (tail) dst[w + 16] = (char)s[i + 16];
                /* Letters replaced by a letter of the same length (أ->ا, ة->ه,
                ** ى->ي, capitals) are patched in place in the stored block;
                ** anything else ends the block at that character. */
                unsigned mm = m;
                while (mm) {
                    unsigned k = (unsigned)__builtin_ctz(mm);
                    unsigned c = s[i + k];
                    if ((c & 0xFE) == 0xD8 && (s[i + k + 1] & 0xC0) == 0x80) {
                        uint16_t r = nt->rep2[((c - 0xD8) << 6) | (s[i + k + 1] & 0x3F)];
                        if (!r) break;
                        dst[w + k] = (char)(r >> 8);
                        dst[w + k + 1] = (char)(r & 0xFF);
                    } else if (lower && c >= 'A' && c <= 'Z') {
                        dst[w + k] = (char)(c + 32);
                    } else if (c == 0xE2 && k <= 13 && (s[i + k + 1] & 0xC0) == 0x80 && (s[i + k + 2] & 0xC0) == 0x80) {
                        /* General punctuation (“ ” – … ) is usually kept as
                        ** is: clear its three bits; controls and odd spaces
                        ** of the same block go to the scalar path. */
                        uint32_t u = 0x2000 | ((uint32_t)(s[i + k + 1] & 0x3F) << 6) | (s[i + k + 2] & 0x3F);
                        if (map_simple(u, f) != u) break;
                        mm &= ~(7u << k);
                        continue;
                    } else {
                        break;
                    }
                    mm &= mm - 1;
                }
                if (!mm) {
                    i += 16 + (size_t)tail;
                    w += 16 + (size_t)tail;
                    continue;
                }
                m = mm;
                size_t j = (size_t)__builtin_ctz(m);
                /* Never split a character: a problem at a continuation byte
                ** belongs to the lead before it. */
                if (j > 0 && (s[i + j - 1] & 0xFE) == 0xD8 && (s[i + j] & 0xC0) == 0x80) j--;
                i += j;
                w += j;
                break;
            }
        }
#endif
        if (i >= n) break;
        unsigned c = s[i];
        if (c < 0x80) {
            dst[w++] = (char)(lower && c >= 'A' && c <= 'Z' ? c + 32 : c);
            i++;
            continue;
        }
        if (c >= 0xD8 && c <= 0xDB && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
            uint32_t e = nt->t[((c - 0xD8) << 6) | (s[i + 1] & 0x3F)];
            if (e == 0) {
                dst[w] = (char)c;
                dst[w + 1] = (char)s[i + 1];
                w += 2;
            } else if (e > 1) {
                w += kb__utf8_encode(e - 2, dst + w);
            }
            i += 2;
            continue;
        }
        size_t len;
        uint32_t u = kb__utf8_decode(s + i, n - i, &len);
        if (u == KB_REPLACEMENT && len == 1) w += kb__utf8_encode(KB_REPLACEMENT, dst + w);
        else if (u == map_simple(u, f) && !((f & KB_NORM_PRESENTATION) && u >= PF_LO && u <= PF_HI)) {
            memcpy(dst + w, p + i, len);
            w += len;
        } else w += map_cp(u, f, dst + w);
        i += len;
    }
    return w;
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
