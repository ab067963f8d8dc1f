/*
** Input preparation for the HTML extractor: find the page's encoding, turn
** the bytes into valid UTF-8, and defuse the inputs that would make libxml2
** slow. The result is what html.c hands to libxml2, always declared as UTF-8.
**
** Encoding, in order of trust: a byte-order mark; the charset from the HTTP
** headers (opts->charset); <meta charset> or http-equiv Content-Type in the
** first 8 KB; detection. A declared UTF-8 page whose bytes are valid UTF-8 is
** used in place, with no copy. Arabic sites still serve windows-1256 and
** ISO-8859-6 without saying so (or while claiming UTF-8 or Latin-1), so when
** the bytes are not UTF-8 and nothing credible is declared, a sample is
** decoded as windows-1256, ISO-8859-6 and windows-1252 and the decoding with
** the largest share of Arabic letters (minus undecodable bytes) wins. Bytes
** a decoder cannot map become U+FFFD; they never stop the conversion.
**
** libxml2 (2.9) checks duplicate attributes with a linear scan per
** attribute, so one tag with 100k attributes costs minutes. A linear pre-scan
** counts attribute-like tokens per tag and, only when some tag has more than
** MAX_ATTRS, rewrites the page keeping the first MAX_ATTRS of each tag.
*/
#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "core/utf8.h"
#include "extract/html_int.h"

#define MAX_ATTRS 64
#define SNIFF_BYTES 8192
#define SAMPLE_BYTES (256u << 10)

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int ci_eq(const char *a, size_t n, const char *z) {
    size_t k = strlen(z);
    if (n != k) return 0;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)a[i]) != z[i]) return 0;
    return 1;
}

static int ci_prefix(const char *p, size_t n, const char *z) {
    size_t k = strlen(z);
    if (n < k) return 0;
    for (size_t i = 0; i < k; i++)
        if (lower((unsigned char)p[i]) != z[i]) return 0;
    return 1;
}

/* The iconv name for a charset label (WHATWG aliases: Latin-1 and ASCII
** labels mean windows-1252), or NULL for UTF-8. Unknown labels pass through. */
static const char *canonical_charset(const char *p, size_t n, char *buf, size_t cap) {
    while (n && (*p == ' ' || *p == '"' || *p == '\'')) p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '"' || p[n - 1] == '\'')) n--;
    if (!n || n >= cap) return "";
    if (ci_eq(p, n, "utf-8") || ci_eq(p, n, "utf8") || ci_eq(p, n, "unicode-1-1-utf-8")) return NULL;
    if (ci_eq(p, n, "iso-8859-1") || ci_eq(p, n, "latin1") || ci_eq(p, n, "us-ascii") || ci_eq(p, n, "ascii") ||
        ci_eq(p, n, "iso8859-1") || ci_eq(p, n, "windows-1252") || ci_eq(p, n, "cp1252"))
        return "WINDOWS-1252";
    if (ci_eq(p, n, "windows-1256") || ci_eq(p, n, "cp1256") || ci_eq(p, n, "x-cp1256")) return "WINDOWS-1256";
    if (ci_eq(p, n, "iso-8859-6") || ci_eq(p, n, "iso_8859-6") || ci_eq(p, n, "arabic") ||
        ci_eq(p, n, "asmo-708") || ci_eq(p, n, "iso8859-6"))
        return "ISO-8859-6";
    for (size_t i = 0; i < n; i++) buf[i] = (char)lower((unsigned char)p[i]);
    buf[n] = 0;
    return buf;
}

/* The charset a <meta> in the first SNIFF_BYTES declares, as p/len, or 0. */
static int sniff_meta(const char *p, size_t n, const char **cs, size_t *csn) {
    size_t lim = n < SNIFF_BYTES ? n : SNIFF_BYTES;
    for (size_t i = 0; i + 7 < lim; i++) {
        if (lower((unsigned char)p[i]) != 'c' || !ci_prefix(p + i, lim - i, "charset")) continue;
        /* Only inside a <meta ...> tag. */
        size_t lt = i;
        while (lt > 0 && p[lt] != '<' && p[lt] != '>') lt--;
        if (p[lt] != '<' || !ci_prefix(p + lt, lim - lt, "<meta")) continue;
        size_t j = i + 7;
        while (j < lim && (p[j] == ' ' || p[j] == '\t')) j++;
        if (j >= lim || p[j] != '=') continue;
        j++;
        while (j < lim && (p[j] == ' ' || p[j] == '"' || p[j] == '\'')) j++;
        size_t s = j;
        while (j < lim && ((p[j] >= 'a' && p[j] <= 'z') || (p[j] >= 'A' && p[j] <= 'Z') || (p[j] >= '0' && p[j] <= '9') ||
                           p[j] == '-' || p[j] == '_' || p[j] == '.' || p[j] == ':'))
            j++;
        if (j > s) {
            *cs = p + s;
            *csn = j - s;
            return 1;
        }
    }
    return 0;
}

/* Convert p[0..n) from `from` to UTF-8 into out (appending). Undecodable
** bytes become U+FFFD. Returns KB_OK, KB_EENCODING (unknown charset),
** KB_ENOMEM or KB_ETOOBIG. *bad counts the replaced bytes. */
static int convert(const char *from, const char *p, size_t n, kb_buf *out, size_t *bad) {
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1) return KB_EENCODING;
    *bad = 0;
    char *in = (char *)p;
    size_t inleft = n;
    int rc = KB_OK;
    while (inleft) {
        if ((rc = kb__buf_reserve(out, inleft * 2 + 64))) break;
        char *o = out->p + out->n;
        size_t oleft = out->cap - out->n - 1;
        size_t r = iconv(cd, &in, &inleft, &o, &oleft);
        out->n = (size_t)(o - out->p);
        if (r != (size_t)-1) break;
        if (errno == E2BIG) continue;
        /* EILSEQ or EINVAL (truncated at the end): replace one byte. */
        if ((rc = kb__buf_add(out, "\xEF\xBF\xBD", 3))) break;
        in++;
        inleft--;
        (*bad)++;
    }
    iconv_close(cd);
    if (out->p) out->p[out->n] = 0;
    return rc;
}

/* Arabic letters minus penalties in the decoding of a sample, for detection. */
static long score_charset(const char *cs, const char *p, size_t n) {
    kb_buf b;
    kb__buf_init(&b, 0);
    size_t bad = 0;
    if (convert(cs, p, n, &b, &bad)) {
        kb__buf_free(&b);
        return -1000000000L;
    }
    long arabic = 0, other = 0;
    const unsigned char *s = (const unsigned char *)b.p;
    for (size_t i = 0; i < b.n;) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t len;
        uint32_t u = kb__utf8_decode(s + i, b.n - i, &len);
        i += len;
        if ((u >= 0x0621 && u <= 0x064A) || (u >= 0x0660 && u <= 0x0669) || u == 0x060C || u == 0x061F ||
            u == 0x061B || (u >= 0x064B && u <= 0x0652))
            arabic++;
        else if (u != KB_REPLACEMENT)
            other++;
    }
    kb__buf_free(&b);
    return arabic * 2 - other - (long)bad * 4;
}

static const char *detect_charset(const char *p, size_t n) {
    static const char *cands[] = {"WINDOWS-1256", "ISO-8859-6", "WINDOWS-1252"};
    size_t sn = n < SAMPLE_BYTES ? n : SAMPLE_BYTES;
    const char *best = "WINDOWS-1256";
    long bs = 0;
    for (size_t i = 0; i < sizeof cands / sizeof *cands; i++) {
        long s = score_charset(cands[i], p, sn);
        if (i == 0 || s > bs) {
            bs = s;
            best = cands[i];
        }
    }
    return best;
}

/* Copy p[0..n) into out with every invalid UTF-8 sequence as U+FFFD. */
static int repair_utf8(const char *p, size_t n, kb_buf *out) {
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0, run = 0;
    int rc = kb__buf_reserve(out, n + n / 8 + 16);
    while (!rc && i < n) {
        if (s[i] < 0x80) {
            i++;
            run++;
            continue;
        }
        size_t len;
        uint32_t u = kb__utf8_decode(s + i, n - i, &len);
        if (u == KB_REPLACEMENT && !(len == 3 && s[i] == 0xEF)) {
            rc = kb__buf_add(out, p + i - run, run);
            if (!rc) rc = kb__buf_add(out, "\xEF\xBF\xBD", 3);
            run = 0;
        } else {
            run += len;
        }
        i += len;
    }
    if (!rc) rc = kb__buf_add(out, p + i - run, run);
    return rc;
}

/* Share of non-ASCII bytes that are part of valid UTF-8 sequences (0..1),
** measured on a sample; 1 when there are no non-ASCII bytes. */
static double utf8_share(const char *p, size_t n) {
    const unsigned char *s = (const unsigned char *)p;
    size_t lim = n < SAMPLE_BYTES ? n : SAMPLE_BYTES, good = 0, bad = 0;
    for (size_t i = 0; i < lim;) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t len;
        uint32_t u = kb__utf8_decode(s + i, lim - i, &len);
        if (u == KB_REPLACEMENT && !(len == 3 && s[i] == 0xEF)) bad++;
        else good += len;
        i += len;
    }
    return good + bad ? (double)good / (double)(good + bad) : 1.0;
}

/*
** Attribute floods. One pass: outside tags jump with memchr to the next
** '<'; inside a start tag count the whitespace-separated tokens outside
** quotes. Comments are skipped whole. Returns 1 when some tag exceeds
** MAX_ATTRS tokens (the page then needs the rewrite below).
*/
static int has_attr_flood(const char *p, size_t n) {
    size_t i = 0;
    while (i < n) {
        const char *lt = memchr(p + i, '<', n - i);
        if (!lt) return 0;
        i = (size_t)(lt - p) + 1;
        if (i + 3 <= n && !memcmp(p + i, "!--", 3)) {
            const char *e = kb__memmem(p + i + 3, n - i - 3, "-->", 3);
            if (!e) return 0;
            i = (size_t)(e - p) + 3;
            continue;
        }
        if (i >= n || !((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z')) continue;
        size_t tokens = 0;
        int space = 0;
        char quote = 0;
        for (; i < n; i++) {
            char c = p[i];
            if (quote) {
                if (c == quote) quote = 0;
                continue;
            }
            if (c == '"' || c == '\'') quote = c;
            else if (c == '>') break;
            else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') space = 1;
            else if (space) {
                space = 0;
                if (++tokens > MAX_ATTRS) return 1;
            }
        }
    }
    return 0;
}

static int drop_attr_floods(const char *p, size_t n, kb_buf *out) {
    int rc = kb__buf_reserve(out, n + 1);
    size_t i = 0;
    while (!rc && i < n) {
        const char *lt = memchr(p + i, '<', n - i);
        size_t j = lt ? (size_t)(lt - p) + 1 : n;
        if ((rc = kb__buf_add(out, p + i, j - i))) break;
        i = j;
        if (i + 3 <= n && !memcmp(p + i, "!--", 3)) {
            const char *e = kb__memmem(p + i + 3, n - i - 3, "-->", 3);
            j = e ? (size_t)(e - p) + 3 : n;
            rc = kb__buf_add(out, p + i, j - i);
            i = j;
            continue;
        }
        if (i >= n || !((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z')) continue;
        size_t tokens = 0;
        int space = 0;
        char quote = 0;
        for (; i < n && !rc; i++) {
            char c = p[i];
            int keep = tokens <= MAX_ATTRS;
            if (quote) {
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '>') {
                break;
            } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
                space = 1;
            } else if (space) {
                space = 0;
                keep = ++tokens <= MAX_ATTRS;
            }
            if (keep) rc = kb__buf_addc(out, c);
        }
    }
    return rc;
}

const char *kb__memmem(const char *h, size_t hn, const char *nd, size_t nn) {
    if (!nn) return h;
    while (hn >= nn) {
        const char *f = memchr(h, nd[0], hn - nn + 1);
        if (!f) return NULL;
        if (!memcmp(f, nd, nn)) return f;
        hn -= (size_t)(f - h) + 1;
        h = f + 1;
    }
    return NULL;
}

/*
** Heavy parts the extractor never reads: the bodies of <script> (except
** JSON-LD), <style> and <svg>, and comments. Modern pages carry a third to a
** half of their bytes there, and libxml2 is most of the extraction's time, so
** they are cut before parsing (the tags themselves stay, empty). One pass:
** memchr to each '<', case-insensitive compares; unterminated parts run to
** the end of the page, as a browser would read them.
*/
/* Offset of the next "</name" (case-insensitive) at or after i, else n. */
static size_t find_close(const char *p, size_t n, size_t i, const char *close) {
    while (i < n) {
        const char *q = memchr(p + i, '<', n - i);
        if (!q) return n;
        i = (size_t)(q - p);
        if (ci_prefix(p + i, n - i, close)) return i;
        i++;
    }
    return n;
}

static int strip_heavy(const char *p, size_t n, kb_buf *out) {
    static const struct { const char *open, *close; } raw[] = {
        {"<script", "</script"}, {"<style", "</style"}, {"<svg", "</svg"}};
    size_t i = 0, last = 0;
    int rc = KB_OK, changed = 0;
    while (i < n && !rc) {
        const char *q = memchr(p + i, '<', n - i);
        if (!q) break;
        size_t j = (size_t)(q - p), skip_to = 0;
        size_t keep_to = j;
        if (n - j >= 4 && !memcmp(p + j, "<!--", 4)) {
            const char *e = kb__memmem(p + j + 4, n - j - 4, "-->", 3);
            skip_to = e ? (size_t)(e - p) + 3 : n;
        } else {
            for (size_t k = 0; k < sizeof raw / sizeof *raw; k++) {
                size_t ol = strlen(raw[k].open);
                if (!ci_prefix(p + j, n - j, raw[k].open) || j + ol >= n) continue;
                char after = p[j + ol];
                if (after != '>' && after != ' ' && after != '\t' && after != '\n' && after != '\r' && after != '/')
                    continue;
                const char *gt = memchr(p + j, '>', n - j);
                if (!gt) break;
                size_t tag_end = (size_t)(gt - p) + 1;
                if (k == 0 && kb__memmem(p + j, tag_end - j, "ld+json", 7)) break; /* JSON-LD stays */
                keep_to = tag_end;
                skip_to = find_close(p, n, tag_end, raw[k].close);
                break;
            }
        }
        if (!skip_to || skip_to <= keep_to) {
            i = j + 1;
            continue;
        }
        if (!changed) {
            changed = 1;
            rc = kb__buf_reserve(out, n);
        }
        if (!rc) rc = kb__buf_add(out, p + last, keep_to - last);
        last = i = skip_to;
    }
    if (changed && !rc) rc = kb__buf_add(out, p + last, n - last);
    return rc ? rc : changed;
}

int kb__html_prepare(const char *p, size_t n, const kb_extract_opts *o, kb_html_input *in) {
    kb_buf conv, flood, lean;
    kb__buf_init(&conv, n * 3 + (1u << 20));
    kb__buf_init(&flood, n * 3 + (1u << 20));
    kb__buf_init(&lean, n * 3 + (1u << 20));
    in->p = p;
    in->n = n;
    in->owned = NULL;
    in->charset = "UTF-8";
    in->detected = 0;
    int rc = KB_OK;
    char lbuf[64];
    const char *cs = NULL; /* NULL: UTF-8 */
    int declared = 0;
    const unsigned char *s = (const unsigned char *)p;
    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        p += 3, n -= 3;
        declared = 2; /* a BOM is the strongest evidence */
    } else if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) {
        cs = s[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
        p += 2, n -= 2;
        declared = 2;
    } else if (o && o->charset && o->charset[0]) {
        cs = canonical_charset(o->charset, strlen(o->charset), lbuf, sizeof lbuf);
        declared = 1;
    } else {
        const char *m;
        size_t mn;
        if (sniff_meta(p, n, &m, &mn)) {
            cs = canonical_charset(m, mn, lbuf, sizeof lbuf);
            declared = 1;
        }
    }
    if (cs && !*cs) cs = NULL, declared = 0; /* an empty label says nothing */
    int valid = kb__utf8_valid(p, n);
    if (declared < 2 && valid) {
        /* Labels lie; valid UTF-8 is UTF-8 (single-byte Arabic text is
        ** essentially never valid UTF-8). */
        cs = NULL;
    } else if (declared < 2) {
        /* Mostly valid UTF-8 with a few broken bytes is still UTF-8. */
        double share = utf8_share(p, n);
        if (share >= 0.98) cs = NULL;
        else if (!cs || !declared || share < 0.5) {
            cs = detect_charset(p, n);
            in->detected = 1;
        }
    }
    if (!cs) {
        if (!valid) {
            if ((rc = repair_utf8(p, n, &conv))) goto done;
        }
    } else {
        size_t bad;
        rc = convert(cs, p, n, &conv, &bad);
        if (rc == KB_EENCODING) {
            /* An unknown label: fall back to detection. */
            cs = detect_charset(p, n);
            in->detected = 1;
            kb__buf_reset(&conv);
            rc = convert(cs, p, n, &conv, &bad);
        }
        if (rc) goto done;
        in->charset = cs;
    }
    if (conv.n) p = conv.p, n = conv.n;
    if (has_attr_flood(p, n)) {
        if ((rc = drop_attr_floods(p, n, &flood))) goto done;
        p = flood.p, n = flood.n;
    }
    {
        int k = strip_heavy(p, n, &lean);
        if (k < 0) {
            rc = k;
            goto done;
        }
        if (k) p = lean.p, n = lean.n;
    }
    in->p = p;
    in->n = n;
done:
    if (rc || p != lean.p) kb__buf_free(&lean);
    if (rc || p != flood.p) kb__buf_free(&flood);
    if (rc || p != conv.p) kb__buf_free(&conv);
    if (!rc && (p == flood.p || p == conv.p || p == lean.p)) in->owned = (char *)p;
    return rc;
}

void kb__html_input_free(kb_html_input *in) {
    kb_free(in->owned);
    in->owned = NULL;
}
