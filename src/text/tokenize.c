/*
** The tokenizer: words, numbers, punctuation, URLs and e-mail addresses, with
** byte offsets into the original text (khabar.h, section 3).
**
** It walks code points once, classifying each (kb__char_class). A word is a
** run of letters of one script; diacritics, tatweel and zero-width joiners
** continue a word but never start one, so "الكِتـاب" is one token whose offsets
** cover the marks. A number is a run of digits with inner separators
** (. , ٫ ٬) that are followed by a digit. URLs (scheme:// or www.) and e-mail
** addresses are kept whole. Each token's `norm` is its original span
** normalized with the tokenizer's flags.
**
** Memory is constant: a token longer than TOKEN_SPAN_MAX bytes of original
** text is cut into pieces, so its normalized form always fits KB_TOKEN_MAX.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "khabar.h"
#include "text/text_int.h"

#define TOKEN_SPAN_MAX ((KB_TOKEN_MAX - 4) / 3)

/*
** The Arabic fast path's view of one two-byte letter of U+0600-U+06FF,
** indexed like kb_norm_table.t: the class and the normalization folded into
** one word, so that the common letters (kept, replaced by another two-byte
** letter, or dropped) are copied without a branch on which of the three
** they are. Bits 0-7 and 8-15 are the two output bytes, bits 16-17 how many
** of them to keep (2, or 0 for a dropped mark); 0 means the letter ends the
** word.
*/
enum {
    FAST_WORD = 1u << 18, /* a letter or mark: the word goes on */
    FAST_SLOW = 1u << 19  /* replaced by a sequence of another length */
};

struct kb_tokenizer {
    kb_norm_table nt;
    uint32_t fast[256];
    unsigned norm_flags;
    unsigned tok_flags;
    const unsigned char *s;
    size_t n, i;
    char buf[KB_NORMALIZE_BOUND(TOKEN_SPAN_MAX) + 1];
};

/* --- character classes ---------------------------------------------------- */

static int arabic_block_class(uint32_t u) {
    if (u == 0x060C || u == 0x061B || u == 0x061F || u == 0x066D || u == 0x06D4 || u == 0x060D ||
        u == 0x061E || u == 0x066A)
        return KB_CC_PUNCT;
    if ((u >= 0x0660 && u <= 0x0669) || (u >= 0x06F0 && u <= 0x06F9)) return KB_CC_DIGIT;
    if ((u >= 0x064B && u <= 0x065F) || u == 0x0670 || (u >= 0x0610 && u <= 0x061A) ||
        (u >= 0x06D6 && u <= 0x06DC) || (u >= 0x06DF && u <= 0x06E4) || (u >= 0x06E7 && u <= 0x06E8) ||
        (u >= 0x06EA && u <= 0x06ED) || u == 0x0640 || u == 0x061C)
        return KB_CC_MARK;
    if ((u >= 0x0620 && u <= 0x063F) || (u >= 0x0641 && u <= 0x064A) || (u >= 0x066E && u <= 0x066F) ||
        (u >= 0x0671 && u <= 0x06D3) || u == 0x06D5 || (u >= 0x06E5 && u <= 0x06E6) ||
        (u >= 0x06EE && u <= 0x06EF) || (u >= 0x06FA && u <= 0x06FC) || u == 0x06FF)
        return KB_CC_ARABIC;
    return KB_CC_OTHER;
}

static signed char g_ascii[128];
static signed char g_arab[256];
static pthread_once_t g_class_once = PTHREAD_ONCE_INIT;

static void class_init(void) {
    for (int c = 0; c < 128; c++) {
        int k = KB_CC_OTHER;
        if (c == ' ' || (c >= 9 && c <= 13)) k = KB_CC_SPACE;
        else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) k = KB_CC_LATIN;
        else if (c >= '0' && c <= '9') k = KB_CC_DIGIT;
        else if (strchr("!\"'(),-./:;?[]{}`", c) && c) k = KB_CC_PUNCT;
        g_ascii[c] = (signed char)k;
    }
    for (int i = 0; i < 256; i++) g_arab[i] = (signed char)arabic_block_class(0x0600 + (uint32_t)i);
}

int kb__char_class(uint32_t u) {
    pthread_once(&g_class_once, class_init);
    const signed char *ascii = g_ascii, *arab = g_arab;
    if (u < 128) return ascii[u];
    if (u >= 0x0600 && u <= 0x06FF) return arab[u - 0x0600];
    if (kb__is_space(u)) return KB_CC_SPACE;
    if (kb__is_control(u)) return KB_CC_MARK;
    if ((u >= 0x0750 && u <= 0x077F) || (u >= 0x08A0 && u <= 0x08FF) || (u >= 0xFB50 && u <= 0xFDFB) ||
        (u >= 0xFE70 && u <= 0xFEFC))
        return (u >= 0x08D3 && u <= 0x08FF) ? KB_CC_MARK : KB_CC_ARABIC;
    if ((u >= 0x00C0 && u <= 0x024F && u != 0x00D7 && u != 0x00F7) || (u >= 0x0370 && u <= 0x052F) ||
        (u >= 0x1E00 && u <= 0x1EFF))
        return KB_CC_LATIN;
    if (u >= 0x0300 && u <= 0x036F) return KB_CC_MARK;
    if ((u >= 0x2010 && u <= 0x2027) || (u >= 0x2030 && u <= 0x205E) || u == 0x00AB || u == 0x00BB ||
        u == 0x00A1 || u == 0x00BF || u == 0x00B7 || (u >= 0x3001 && u <= 0x3003) || u == 0xFD3E ||
        u == 0xFD3F)
        return KB_CC_PUNCT;
    return KB_CC_OTHER;
}

int kb__is_arabic_word(const char *p, size_t n) {
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0, len;
    if (!n) return 0;
    while (i < n) {
        uint32_t u = kb__utf8_decode(s + i, n - i, &len);
        if (kb__char_class(u) != KB_CC_ARABIC) return 0;
        i += len;
    }
    return 1;
}

/* --- tokenizer ------------------------------------------------------------ */

/* The tables of the last tokenizer this thread made (they depend on the
** normalization flags alone): the analysers make a tokenizer per article,
** and building the tables (normalizing each letter of the Arabic block)
** costs far more than copying them. */
static _Thread_local struct {
    int ok;
    unsigned norm_flags;
    kb_norm_table nt;
    uint32_t fast[256];
} t_last;

int kb_tokenizer_new(kb_tokenizer **out, unsigned norm_flags, unsigned tok_flags) {
    kb_tokenizer *t = calloc(1, sizeof *t);
    *out = t;
    if (!t) return KB_ENOMEM;
    t->norm_flags = norm_flags;
    t->tok_flags = tok_flags;
    if (t_last.ok && t_last.norm_flags == norm_flags) {
        t->nt = t_last.nt;
        memcpy(t->fast, t_last.fast, sizeof t->fast);
        return KB_OK;
    }
    kb__norm_table_build(&t->nt, norm_flags);
    pthread_once(&g_class_once, class_init);
    for (unsigned idx = 0; idx < 256; idx++) {
        const int k = g_arab[idx];
        const uint32_t e = t->nt.t[idx];
        unsigned char b[4] = {(unsigned char)(0xD8 + (idx >> 6)), (unsigned char)(0x80 | (idx & 0x3F)), 0, 0};
        uint32_t f;
        if (k != KB_CC_ARABIC && k != KB_CC_MARK) {
            t->fast[idx] = 0;
            continue;
        }
        if (e == 0) f = 2u << 16;                          /* kept */
        else if (e == 1) f = 0;                            /* dropped */
        else if (kb__utf8_encode(e - 2, (char *)b) == 2) f = 2u << 16; /* same length */
        else f = FAST_SLOW;
        t->fast[idx] = FAST_WORD | f | (uint32_t)b[1] << 8 | b[0];
    }
    t_last.nt = t->nt;
    memcpy(t_last.fast, t->fast, sizeof t->fast);
    t_last.norm_flags = norm_flags;
    t_last.ok = 1;
    return KB_OK;
}

void kb_tokenizer_free(kb_tokenizer *t) { free(t); }

void kb_tokenizer_reset(kb_tokenizer *t, const char *p, size_t n) {
    t->s = (const unsigned char *)p;
    t->n = n;
    t->i = 0;
}

static inline uint32_t peek(const kb_tokenizer *t, size_t i, size_t *len) {
    if (t->s[i] < 0x80) {
        *len = 1;
        return t->s[i];
    }
    return kb__utf8_decode(t->s + i, t->n - i, len);
}

static int ascii_alnum(unsigned c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int has_prefix_ci(const unsigned char *s, size_t n, const char *z) {
    size_t k = strlen(z);
    if (n < k) return 0;
    for (size_t i = 0; i < k; i++) {
        unsigned c = s[i];
        if (c >= 'A' && c <= 'Z') c += 32;
        if (c != (unsigned char)z[i]) return 0;
    }
    return 1;
}

/* Length of a URL starting at s (scheme:// or www.), else 0. */
static size_t url_len(const unsigned char *s, size_t n) {
    size_t k;
    if (has_prefix_ci(s, n, "https://")) k = 8;
    else if (has_prefix_ci(s, n, "http://")) k = 7;
    else if (has_prefix_ci(s, n, "ftp://")) k = 6;
    else if (has_prefix_ci(s, n, "www.") && n > 4 && ascii_alnum(s[4])) k = 4;
    else return 0;
    size_t i = k;
    /* A URL runs to the next space or character that cannot be in one;
    ** non-ASCII (percent-decoded Arabic paths) is allowed. */
    while (i < n) {
        unsigned c = s[i];
        if (c <= ' ' || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' ||
            c == '{' || c == '|' || c == '}')
            break;
        if (c >= 0x80) {
            size_t len;
            uint32_t u = kb__utf8_decode(s + i, n - i, &len);
            int cc = kb__char_class(u);
            if (cc == KB_CC_SPACE || cc == KB_CC_PUNCT) break;
            i += len;
            continue;
        }
        i++;
    }
    /* Sentence punctuation after a URL belongs to the sentence. */
    while (i > k && strchr(".,;:!?)]'", s[i - 1])) i--;
    return i > k ? i : 0;
}

/* Length of an e-mail address starting at s, else 0. */
static size_t email_len(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n && (ascii_alnum(s[i]) || s[i] == '.' || s[i] == '_' || s[i] == '-' || s[i] == '+')) i++;
    if (i == 0 || i >= n || s[i] != '@') return 0;
    size_t at = i++, dot = 0;
    while (i < n && (ascii_alnum(s[i]) || s[i] == '.' || s[i] == '-')) {
        if (s[i] == '.') dot = i;
        i++;
    }
    while (i > at + 1 && (s[i - 1] == '.' || s[i - 1] == '-')) i--;
    dot = 0;
    for (size_t j = at + 1; j < i; j++)
        if (s[j] == '.') dot = j;
    if (!dot || dot <= at + 1 || dot >= i - 1) return 0;
    return i;
}

static int is_number_sep(uint32_t u) { return u == '.' || u == ',' || u == 0x066B || u == 0x066C; }

int kb_tokenizer_next(kb_tokenizer *t, kb_token *tok) {
    const unsigned char *s = t->s;
    const size_t n = t->n;
    size_t i = t->i, len;
    for (;;) {
        if (i >= n) {
            t->i = i;
            return 0;
        }
        /* Fast path: an Arabic word of two-byte letters (U+0600-U+06FF),
        ** normalized while it is scanned. Anything unusual inside it (a
        ** presentation form, a joiner) hands over to the general path. */
        if (s[i] >= 0xD8 && s[i] <= 0xDB && i + 1 < n && (s[i + 1] & 0xC0) == 0x80 &&
            g_arab[((s[i] - 0xD8) << 6) | (s[i + 1] & 0x3F)] == KB_CC_ARABIC) {
            size_t j = i, w = 0;
            while (j + 1 < n && j - i < TOKEN_SPAN_MAX - 1) {
                const unsigned c = s[j], d = s[j + 1];
                if ((c & 0xFC) != 0xD8 || (d & 0xC0) != 0x80) break;
                const unsigned idx = ((c - 0xD8) << 6) | (d & 0x3F);
                const uint32_t f = t->fast[idx];
                if (!(f & FAST_WORD)) break;
                if (f & FAST_SLOW) {
                    w += kb__utf8_encode(t->nt.t[idx] - 2, t->buf + w);
                } else {
                    /* Both bytes are written even for a dropped mark; buf
                    ** has room for three times the span read so far. */
                    t->buf[w] = (char)(f & 0xFF);
                    t->buf[w + 1] = (char)(f >> 8 & 0xFF);
                    w += (f >> 16) & 3;
                }
                j += 2;
            }
            int done = j >= n || j - i >= TOKEN_SPAN_MAX - 1;
            if (!done) {
                /* The word ends here unless the next character continues it;
                ** that is mostly a space, classed without a call. */
                uint32_t v = peek(t, j, &len);
                int c2 = v < 128 ? g_ascii[v] : kb__char_class(v);
                done = c2 != KB_CC_ARABIC && c2 != KB_CC_MARK;
            }
            if (done) {
                t->i = j;
                if (w == 0) {
                    i = j;
                    continue;
                }
                t->buf[w] = 0;
                tok->type = KB_TOK_WORD;
                tok->start = i;
                tok->end = j;
                tok->norm = t->buf;
                tok->norm_n = w;
                if (t->tok_flags & KB_TOK_SEGMENT) {
                    kb_segment(t->buf, w, &tok->seg);
                } else {
                    tok->seg.nproc = 0;
                    tok->seg.stem_start = 0;
                    tok->seg.stem_end = (uint16_t)w;
                    tok->seg.has_enclitic = 0;
                }
                return 1;
            }
            /* else: fall through to the general path from i */
        }
        uint32_t u = peek(t, i, &len);
        int cc = kb__char_class(u);
        if (cc == KB_CC_SPACE || (cc == KB_CC_MARK && kb__is_control(u)) || u == 0xFEFF) {
            i += len;
            continue;
        }
        size_t start = i, end = i + len;
        int type;
        size_t k;
        /* URLs and e-mails are looked for only within the token length cap:
        ** this bounds the work per token (a megabyte of letters without a
        ** space stays linear) and the size of `norm`. */
        size_t lim = n - i < TOKEN_SPAN_MAX ? n - i : TOKEN_SPAN_MAX;
        while (lim < n - i && lim > 0 && (s[i + lim] & 0xC0) == 0x80) lim--;
        if (cc == KB_CC_LATIN && (k = url_len(s + i, lim))) {
            type = KB_TOK_URL;
            end = i + k;
        } else if ((cc == KB_CC_LATIN || cc == KB_CC_DIGIT) && u < 0x80 && (k = email_len(s + i, lim))) {
            type = KB_TOK_EMAIL;
            end = i + k;
        } else if (cc == KB_CC_ARABIC || cc == KB_CC_MARK) {
            /* A stray mark with no letter before it stands alone as a symbol. */
            type = cc == KB_CC_ARABIC ? KB_TOK_WORD : KB_TOK_SYMBOL;
            while (type == KB_TOK_WORD && end < n && end - start < TOKEN_SPAN_MAX) {
                uint32_t v = peek(t, end, &len);
                int c2 = kb__char_class(v);
                if (c2 != KB_CC_ARABIC && c2 != KB_CC_MARK) break;
                if (end + len - start > TOKEN_SPAN_MAX) break;
                end += len;
            }
        } else if (cc == KB_CC_LATIN) {
            type = KB_TOK_LATIN;
            while (end < n && end - start < TOKEN_SPAN_MAX) {
                uint32_t v = peek(t, end, &len);
                int c2 = kb__char_class(v);
                /* Latin words may carry ASCII digits (G20, mp3) and
                ** combining marks; an inner apostrophe joins (don't). */
                if (c2 == KB_CC_LATIN || (c2 == KB_CC_MARK && v >= 0x0300 && v <= 0x036F) ||
                    (v >= '0' && v <= '9')) {
                    if (end + len - start > TOKEN_SPAN_MAX) break;
                    end += len;
                } else if ((v == '\'' || v == 0x2019) && end + len < n) {
                    size_t l2;
                    uint32_t w = peek(t, end + len, &l2);
                    if (kb__char_class(w) != KB_CC_LATIN || end + len + l2 - start > TOKEN_SPAN_MAX) break;
                    end += len + l2;
                } else {
                    break;
                }
            }
        } else if (cc == KB_CC_DIGIT) {
            type = KB_TOK_NUMBER;
            while (end < n && end - start < TOKEN_SPAN_MAX) {
                uint32_t v = peek(t, end, &len);
                if (kb__digit_value(v) >= 0) {
                    if (end + len - start > TOKEN_SPAN_MAX) break;
                    end += len;
                } else if (is_number_sep(v) && end + len < n) {
                    size_t l2;
                    uint32_t w = peek(t, end + len, &l2);
                    if (kb__digit_value(w) < 0 || end + len + l2 - start > TOKEN_SPAN_MAX) break;
                    end += len + l2;
                } else {
                    break;
                }
            }
        } else {
            type = cc == KB_CC_PUNCT ? KB_TOK_PUNCT : KB_TOK_SYMBOL;
            if ((t->tok_flags & KB_TOK_SKIP_PUNCT)) {
                i = end;
                continue;
            }
        }
        t->i = end;
        tok->type = type;
        tok->start = start;
        tok->end = end;
        tok->norm_n = kb_normalize_into((const char *)s + start, end - start, t->norm_flags, t->buf);
        t->buf[tok->norm_n] = 0;
        tok->norm = t->buf;
        memset(&tok->seg, 0, sizeof tok->seg);
        if (type == KB_TOK_WORD) {
            if (tok->norm_n == 0) { /* the word was all marks once normalized */
                i = end;
                continue;
            }
            if (t->tok_flags & KB_TOK_SEGMENT) kb_segment(tok->norm, tok->norm_n, &tok->seg);
            else tok->seg.stem_end = (uint16_t)tok->norm_n;
        }
        return 1;
    }
}
