/*
** Input readers (khabar.h, section 8): files, folders, standard input; plain,
** gzip (multi-member, as WARC.gz files are) or zstd compressed; each holding
** one page, JSON Lines, or WARC records.
**
** Layers, bottom up:
**   raw      bytes from a file descriptor;
**   decode   plain copy, zlib inflate or zstd decompression, chosen from the
**            first bytes (so it works on stdin too);
**   buffer   a window over the decoded stream with line and block reads,
**            growing up to the document limit and never past it;
**   parse    whole-file page, JSON Lines (one document per line) or WARC
**            (response records: HTTP headers give URL, date, charset).
** Memory stays bounded by the document limit however large the input is.
** Every failure names the input (file, line, record) and the reader goes on
** with the next document.
*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "core/buf.h"
#include "khabar.h"

#define DEFAULT_MAX_DOC ((size_t)64 << 20)
#define RAW_CHUNK ((size_t)1 << 16)
#define MAX_FILES 10000000

enum { DEC_PLAIN, DEC_GZIP, DEC_ZSTD };
enum { K_PAGE, K_JSONL, K_WARC };

struct kb_reader {
    kb_reader_opts o;
    char **files;
    size_t nfiles, fi, files_cap;
    uint64_t total, done_files; /* bytes of all inputs; of finished files */
    char errmsg[1024];

    /* the current file */
    int fd, open, dec, kind, at_eof, raw_eof;
    const char *name;
    uint64_t raw_done;
    unsigned char raw[RAW_CHUNK];
    size_t raw_beg, raw_end;
    z_stream zs;
    int zs_init;
    ZSTD_DCtx *zd;

    /* decoded window */
    unsigned char *buf;
    size_t cap, beg, end;
    uint64_t line_no, rec_no;

    /* the document handed out */
    kb_buf doc, name_buf, url, date, charset;
};

static _Thread_local char g_open_err[1024];

static int fail(kb_reader *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(kb_reader *r, int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->errmsg, sizeof r->errmsg, fmt, ap);
    va_end(ap);
    return code;
}

/* --- file list ------------------------------------------------------------ */

static int add_file(kb_reader *r, const char *path) {
    if (r->nfiles >= MAX_FILES) return KB_ETOOBIG;
    if (r->nfiles == r->files_cap) {
        size_t nc = r->files_cap ? r->files_cap * 2 : 16;
        char **nf = realloc(r->files, nc * sizeof *nf);
        if (!nf) return KB_ENOMEM;
        r->files = nf;
        r->files_cap = nc;
    }
    if (!(r->files[r->nfiles] = strdup(path))) return KB_ENOMEM;
    r->nfiles++;
    return KB_OK;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walk a folder: files in name order, sub-folders recursively; symbolic
** links to folders are not followed (no cycles), hidden entries skipped. */
static int walk(kb_reader *r, const char *dir, int depth) {
    if (depth > 64) return KB_OK;
    DIR *d = opendir(dir);
    if (!d) return KB_OK; /* reported when its files fail to open */
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    int rc = KB_OK;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) { rc = KB_ENOMEM; break; }
            names = nn;
        }
        if (!(names[n] = strdup(e->d_name))) { rc = KB_ENOMEM; break; }
        n++;
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        if (rc == KB_OK) {
            size_t k = strlen(dir) + strlen(names[i]) + 2;
            char *path = malloc(k);
            if (!path) rc = KB_ENOMEM;
            else {
                snprintf(path, k, "%s/%s", dir, names[i]);
                struct stat st;
                if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) rc = walk(r, path, depth + 1);
                else if (lstat(path, &st) == 0 && (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode))) {
                    struct stat st2;
                    if (stat(path, &st2) == 0 && S_ISREG(st2.st_mode)) {
                        r->total += (uint64_t)st2.st_size;
                        rc = add_file(r, path);
                    }
                }
                free(path);
            }
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int kb_reader_open(kb_reader **out, const char *path, const kb_reader_opts *opts, const char **errmsg) {
    *out = NULL;
    g_open_err[0] = 0;
    if (errmsg) *errmsg = g_open_err;
    kb_reader *r = calloc(1, sizeof *r);
    if (!r) return KB_ENOMEM;
    if (opts) r->o = *opts;
    if (!r->o.max_doc) r->o.max_doc = DEFAULT_MAX_DOC;
    r->fd = -1;
    kb__buf_init(&r->doc, r->o.max_doc + 1);
    kb__buf_init(&r->name_buf, 8192);
    kb__buf_init(&r->url, 1 << 16);
    kb__buf_init(&r->date, 256);
    kb__buf_init(&r->charset, 256);
    int rc = KB_OK;
    struct stat st;
    if (!strcmp(path, "-")) {
        rc = add_file(r, "-");
    } else if (stat(path, &st) != 0) {
        snprintf(g_open_err, sizeof g_open_err, "%s", strerror(errno));
        rc = errno == ENOENT ? KB_ENOTFOUND : KB_EIO;
    } else if (S_ISDIR(st.st_mode)) {
        rc = walk(r, path, 0);
        if (rc == KB_OK && r->nfiles == 0) snprintf(g_open_err, sizeof g_open_err, "folder has no files");
    } else {
        r->total = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
        rc = add_file(r, path);
    }
    if (rc) {
        if (!g_open_err[0]) snprintf(g_open_err, sizeof g_open_err, "%s", kb_strerror(rc));
        kb_reader_free(r);
        return rc;
    }
    *out = r;
    return KB_OK;
}

/* --- raw and decoded bytes ------------------------------------------------ */

static void close_file(kb_reader *r) {
    if (!r->open) return;
    if (r->fd > 0) close(r->fd);
    r->fd = -1;
    if (r->zs_init) inflateEnd(&r->zs);
    r->zs_init = 0;
    if (r->zd) ZSTD_freeDCtx(r->zd);
    r->zd = NULL;
    r->done_files += r->raw_done;
    r->raw_done = 0;
    r->open = 0;
}

/* Refill the raw chunk; returns bytes available. */
static size_t raw_fill(kb_reader *r) {
    if (r->raw_beg < r->raw_end) return r->raw_end - r->raw_beg;
    r->raw_beg = r->raw_end = 0;
    if (r->raw_eof) return 0;
    ssize_t k;
    do k = read(r->fd, r->raw, RAW_CHUNK);
    while (k < 0 && errno == EINTR);
    if (k <= 0) {
        r->raw_eof = 1;
        return 0;
    }
    r->raw_end = (size_t)k;
    r->raw_done += (uint64_t)k;
    return (size_t)k;
}

/* Decode up to n bytes into dst. Returns bytes written; 0 at the end; -1
** on a decoding error (corrupt compressed data). */
static long decode(kb_reader *r, unsigned char *dst, size_t n) {
    for (;;) {
        size_t avail = raw_fill(r);
        if (r->dec == DEC_PLAIN) {
            if (!avail) return 0;
            size_t k = avail < n ? avail : n;
            memcpy(dst, r->raw + r->raw_beg, k);
            r->raw_beg += k;
            return (long)k;
        }
        if (r->dec == DEC_ZSTD) {
            if (!avail) return 0;
            ZSTD_inBuffer in = {r->raw + r->raw_beg, avail, 0};
            ZSTD_outBuffer ob = {dst, n, 0};
            size_t z = ZSTD_decompressStream(r->zd, &ob, &in);
            r->raw_beg += in.pos;
            if (ZSTD_isError(z)) return -1;
            if (ob.pos) return (long)ob.pos;
            continue;
        }
        /* gzip: members follow each other (WARC.gz); restart after each. */
        if (!avail) return 0;
        r->zs.next_in = r->raw + r->raw_beg;
        r->zs.avail_in = (uInt)avail;
        r->zs.next_out = dst;
        r->zs.avail_out = (uInt)(n > 0x40000000 ? 0x40000000 : n);
        int z = inflate(&r->zs, Z_NO_FLUSH);
        size_t used = avail - r->zs.avail_in;
        size_t got = (size_t)(r->zs.next_out - dst);
        r->raw_beg += used;
        if (z == Z_STREAM_END) {
            inflateReset(&r->zs);
        } else if (z != Z_OK && z != Z_BUF_ERROR) {
            return -1;
        }
        if (got) return (long)got;
        if (z == Z_BUF_ERROR && !used) return -1;
    }
}

/* Make at least `want` decoded bytes available in the window (fewer at the
** end). Returns the bytes available; -1 on a decoding error. */
static long window(kb_reader *r, size_t want) {
    while (r->end - r->beg < want && !r->at_eof) {
        if (r->beg > 0 && (r->end == r->cap || r->beg > r->cap / 2)) {
            memmove(r->buf, r->buf + r->beg, r->end - r->beg);
            r->end -= r->beg;
            r->beg = 0;
        }
        if (r->end == r->cap) {
            size_t nc = r->cap ? r->cap * 2 : RAW_CHUNK * 4;
            if (nc > r->o.max_doc + RAW_CHUNK * 4) nc = r->o.max_doc + RAW_CHUNK * 4;
            if (nc <= r->cap) break;
            unsigned char *nb = realloc(r->buf, nc);
            if (!nb) return -1;
            r->buf = nb;
            r->cap = nc;
        }
        long k = decode(r, r->buf + r->end, r->cap - r->end);
        if (k < 0) return -1;
        if (k == 0) r->at_eof = 1;
        r->end += (size_t)k;
    }
    return (long)(r->end - r->beg);
}

static int open_next_file(kb_reader *r) {
    while (r->fi < r->nfiles) {
        const char *path = r->files[r->fi++];
        r->name = path;
        r->fd = strcmp(path, "-") ? open(path, O_RDONLY) : 0;
        if (r->fd < 0) return fail(r, KB_EIO, "%s: %s", path, strerror(errno));
        r->open = 1;
        r->at_eof = r->raw_eof = 0;
        r->raw_beg = r->raw_end = 0;
        r->beg = r->end = 0;
        r->line_no = r->rec_no = 0;
        size_t avail = raw_fill(r);
        const unsigned char *m = r->raw;
        r->dec = DEC_PLAIN;
        if (avail >= 4 && m[0] == 0x28 && m[1] == 0xB5 && m[2] == 0x2F && m[3] == 0xFD) {
            r->dec = DEC_ZSTD;
            if (!(r->zd = ZSTD_createDCtx())) return KB_ENOMEM;
        } else if (avail >= 2 && m[0] == 0x1F && m[1] == 0x8B) {
            r->dec = DEC_GZIP;
            memset(&r->zs, 0, sizeof r->zs);
            if (inflateInit2(&r->zs, 16 + MAX_WBITS) != Z_OK) return KB_ENOMEM;
            r->zs_init = 1;
        }
        long k = window(r, 4096);
        if (k < 0) {
            close_file(r);
            return fail(r, KB_EFORMAT, "%s: corrupt compressed data", path);
        }
        if (k == 0) {
            close_file(r);
            return fail(r, KB_EEMPTY, "%s: empty file, skipped", path);
        }
        const char *p = (const char *)r->buf + r->beg;
        int f = r->o.format ? r->o.format : kb_detect_format(p, (size_t)k);
        r->kind = f == KB_FMT_JSONL ? K_JSONL : f == KB_FMT_WARC ? K_WARC : K_PAGE;
        return KB_OK;
    }
    return 1; /* no more files */
}

/* --- documents -------------------------------------------------------------- */

static void set_str(kb_buf *b, const char *p, size_t n) {
    kb__buf_reset(b);
    if (kb__buf_add(b, p, n) != KB_OK) kb__buf_reset(b);
}

static int read_page(kb_reader *r, kb_doc *doc) {
    long k = window(r, r->o.max_doc + 1);
    close_file(r);
    if (k < 0) return fail(r, KB_EFORMAT, "%s: corrupt compressed data, skipped", r->name);
    if ((size_t)k > r->o.max_doc)
        return fail(r, KB_ETOOBIG, "%s: larger than the %zu-byte page limit, skipped", r->name, r->o.max_doc);
    set_str(&r->doc, (const char *)r->buf + r->beg, (size_t)k);
    set_str(&r->name_buf, r->name, strlen(r->name));
    memset(doc, 0, sizeof *doc);
    doc->name = r->name_buf.p;
    doc->format = r->o.format == KB_FMT_HTML || r->o.format == KB_FMT_FLAT ? r->o.format : KB_FMT_AUTO;
    doc->p = r->doc.p ? r->doc.p : "";
    doc->n = r->doc.n;
    return 1;
}

/* The next line of the window without its newline; returns 1, 0 at the end,
** KB_ETOOBIG when the line is longer than the limit (it is skipped). */
static int next_line(kb_reader *r, const char **p, size_t *n) {
    size_t scanned = 0;
    for (;;) {
        unsigned char *s = r->buf + r->beg;
        size_t avail = r->end - r->beg;
        unsigned char *nl = avail > scanned ? memchr(s + scanned, '\n', avail - scanned) : NULL;
        if (nl) {
            *p = (const char *)s;
            *n = (size_t)(nl - s);
            r->beg += *n + 1;
            r->line_no++;
            if (*n > r->o.max_doc) return KB_ETOOBIG;
            if (*n && (*p)[*n - 1] == '\r') (*n)--;
            return 1;
        }
        if (r->at_eof) {
            if (!avail) return 0;
            *p = (const char *)s;
            *n = avail;
            r->beg = r->end;
            r->line_no++;
            if (*n > r->o.max_doc) return KB_ETOOBIG;
            return 1;
        }
        if (avail > r->o.max_doc) {
            /* Skip to the end of this line, keeping memory bounded. */
            r->line_no++;
            for (;;) {
                r->beg = r->end;
                if (window(r, 1) <= 0) return KB_ETOOBIG;
                unsigned char *q = memchr(r->buf + r->beg, '\n', r->end - r->beg);
                if (q) {
                    r->beg = (size_t)(q - r->buf) + 1;
                    return KB_ETOOBIG;
                }
            }
        }
        scanned = avail;
        if (window(r, avail + RAW_CHUNK) < 0) return KB_EFORMAT;
    }
}

static int read_jsonl(kb_reader *r, kb_doc *doc) {
    for (;;) {
        const char *p;
        size_t n;
        int rc = next_line(r, &p, &n);
        if (rc == 0) {
            close_file(r);
            return 0;
        }
        if (rc == KB_ETOOBIG)
            return fail(r, rc, "%s:%llu: line longer than %zu bytes, skipped", r->name,
                        (unsigned long long)r->line_no, r->o.max_doc);
        if (rc < 0) {
            close_file(r);
            return fail(r, rc, "%s:%llu: corrupt compressed data, rest of file skipped", r->name,
                        (unsigned long long)r->line_no);
        }
        size_t i = 0;
        while (i < n && (p[i] == ' ' || p[i] == '\t')) i++;
        if (i == n) continue;
        set_str(&r->doc, p, n);
        char name[64];
        snprintf(name, sizeof name, ":%llu", (unsigned long long)r->line_no);
        kb__buf_reset(&r->name_buf);
        kb__buf_adds(&r->name_buf, r->name);
        kb__buf_adds(&r->name_buf, name);
        memset(doc, 0, sizeof *doc);
        doc->name = r->name_buf.p;
        doc->format = KB_FMT_JSONL;
        doc->p = r->doc.p;
        doc->n = r->doc.n;
        return 1;
    }
}

/* Header value of "Name: value" lines in h[0..n), case-insensitive. */
static int header(const char *h, size_t n, const char *name, const char **v, size_t *vn) {
    size_t k = strlen(name);
    const char *p = h, *end = h + n;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        if ((size_t)(eol - p) > k && p[k] == ':' && !strncasecmp(p, name, k)) {
            const char *s = p + k + 1, *e = eol;
            while (s < e && (*s == ' ' || *s == '\t')) s++;
            while (e > s && (e[-1] == '\r' || e[-1] == ' ')) e--;
            *v = s;
            *vn = (size_t)(e - s);
            return 1;
        }
        p = eol + 1;
    }
    return 0;
}

/* Undo HTTP chunked transfer coding in place; returns the new length. */
static size_t dechunk(char *p, size_t n) {
    size_t r = 0, w = 0;
    while (r < n) {
        char *end;
        unsigned long len = strtoul(p + r, &end, 16);
        const char *nl = memchr(p + r, '\n', n - r);
        if (!nl || end == p + r) break;
        r = (size_t)(nl - p) + 1;
        if (len == 0 || len > n - r) break;
        memmove(p + w, p + r, len);
        w += len;
        r += len;
        while (r < n && (p[r] == '\r' || p[r] == '\n')) r++;
    }
    return w;
}

static int read_warc(kb_reader *r, kb_doc *doc) {
    for (;;) {
        const char *line;
        size_t n;
        int rc;
        /* Skip blank lines between records; expect "WARC/1.x". */
        do rc = next_line(r, &line, &n);
        while (rc == 1 && n == 0);
        if (rc == 0) {
            close_file(r);
            return 0;
        }
        if (rc < 0) {
            close_file(r);
            return fail(r, rc, "%s: unreadable data after record %llu, rest of file skipped", r->name,
                        (unsigned long long)r->rec_no);
        }
        if (n < 5 || memcmp(line, "WARC/", 5)) {
            /* Out of step: look for the next record header. */
            int resync = 0;
            while ((rc = next_line(r, &line, &n)) != 0) {
                if (rc == 1 && n >= 5 && !memcmp(line, "WARC/", 5)) { resync = 1; break; }
            }
            if (!resync) {
                close_file(r);
                return fail(r, KB_EPARSE, "%s: no WARC record header after record %llu, rest of file skipped",
                            r->name, (unsigned long long)r->rec_no);
            }
        }
        r->rec_no++;
        kb_buf hdr;
        kb__buf_init(&hdr, 1 << 20);
        while ((rc = next_line(r, &line, &n)) == 1 && n > 0) {
            if (kb__buf_add(&hdr, line, n) || kb__buf_addc(&hdr, '\n')) break;
        }
        const char *v;
        size_t vn;
        unsigned long long len = 0;
        int has_len = hdr.p && header(hdr.p, hdr.n, "Content-Length", &v, &vn);
        if (has_len) len = strtoull(v, NULL, 10);
        int response = hdr.p && header(hdr.p, hdr.n, "WARC-Type", &v, &vn) && vn == 8 && !memcmp(v, "response", 8);
        kb__buf_reset(&r->url);
        kb__buf_reset(&r->date);
        if (hdr.p && header(hdr.p, hdr.n, "WARC-Target-URI", &v, &vn)) {
            if (vn && v[0] == '<' && v[vn - 1] == '>') { v++; vn -= 2; }
            set_str(&r->url, v, vn);
        }
        if (hdr.p && header(hdr.p, hdr.n, "WARC-Date", &v, &vn)) set_str(&r->date, v, vn);
        kb__buf_free(&hdr);
        char rec[48];
        snprintf(rec, sizeof rec, "#%llu", (unsigned long long)r->rec_no);
        kb__buf_reset(&r->name_buf);
        kb__buf_adds(&r->name_buf, r->name);
        kb__buf_adds(&r->name_buf, rec);
        if (!has_len) {
            close_file(r);
            return fail(r, KB_EPARSE, "%s: record without Content-Length, rest of file skipped", r->name_buf.p);
        }
        if (len > r->o.max_doc || !response) {
            /* Skip the block without holding it. */
            unsigned long long left = len;
            while (left) {
                long k = window(r, 1);
                if (k <= 0) break;
                size_t take = (unsigned long long)k < left ? (size_t)k : (size_t)left;
                r->beg += take;
                left -= take;
            }
            if (left) {
                close_file(r);
                return fail(r, KB_EPARSE, "%s: truncated record (%llu of %llu bytes missing)", r->name_buf.p, left, len);
            }
            if (response)
                return fail(r, KB_ETOOBIG, "%s: record of %llu bytes larger than the limit, skipped", r->name_buf.p, len);
            continue;
        }
        long k = window(r, (size_t)len);
        if (k < 0 || (unsigned long long)k < len) {
            r->beg = r->end;
            close_file(r);
            return fail(r, KB_EPARSE, "%s: truncated record (%llu of %llu bytes present)", r->name_buf.p,
                        k < 0 ? 0ULL : (unsigned long long)k, len);
        }
        char *block = (char *)r->buf + r->beg;
        r->beg += (size_t)len;
        /* The block is an HTTP response: status line, headers, body. */
        char *body = NULL;
        for (size_t i = 0; i + 1 < len; i++) {
            if (block[i] == '\n' && (block[i + 1] == '\n' || (block[i + 1] == '\r' && i + 2 < len && block[i + 2] == '\n'))) {
                body = block + i + (block[i + 1] == '\n' ? 2 : 3);
                break;
            }
        }
        if (!body) return fail(r, KB_EPARSE, "%s: response without HTTP headers, skipped", r->name_buf.p);
        size_t hn = (size_t)(body - block), bn = (size_t)len - hn;
        int status = 0;
        if (hn > 12 && !memcmp(block, "HTTP/", 5)) {
            const char *sp = memchr(block, ' ', hn);
            if (sp) status = atoi(sp + 1);
        }
        if (status < 200 || status >= 300) continue; /* redirects, errors: not pages */
        kb__buf_reset(&r->charset);
        if (header(block, hn, "Content-Type", &v, &vn)) {
            if (vn >= 5 && (!strncasecmp(v, "image", 5) || !strncasecmp(v, "video", 5) || !strncasecmp(v, "audio", 5) ||
                            !strncasecmp(v, "application/pdf", 15)))
                continue;
            for (size_t i = 0; i + 8 <= vn; i++) {
                if (!strncasecmp(v + i, "charset=", 8)) {
                    size_t s = i + 8, e = s;
                    while (e < vn && v[e] != ';' && v[e] != ' ' && v[e] != '"') e++;
                    if (s < vn && v[s] == '"') s++;
                    set_str(&r->charset, v + s, e - s);
                    break;
                }
            }
        }
        if (header(block, hn, "Transfer-Encoding", &v, &vn) && vn >= 7 && !strncasecmp(v, "chunked", 7))
            bn = dechunk(body, bn);
        if (header(block, hn, "Content-Encoding", &v, &vn) && vn && strncasecmp(v, "identity", 8))
            return fail(r, KB_EFORMAT, "%s: HTTP body with Content-Encoding %.*s is not supported, skipped",
                        r->name_buf.p, (int)(vn > 20 ? 20 : vn), v);
        set_str(&r->doc, body, bn);
        memset(doc, 0, sizeof *doc);
        doc->name = r->name_buf.p;
        doc->format = KB_FMT_AUTO;
        doc->url = r->url.n ? r->url.p : NULL;
        doc->date = r->date.n ? r->date.p : NULL;
        doc->charset = r->charset.n ? r->charset.p : NULL;
        doc->p = r->doc.p ? r->doc.p : "";
        doc->n = r->doc.n;
        return 1;
    }
}

int kb_reader_next(kb_reader *r, kb_doc *doc) {
    for (;;) {
        if (!r->open) {
            int rc = open_next_file(r);
            if (rc == 1) return 0;
            if (rc < 0) return rc;
        }
        int rc = r->kind == K_PAGE ? read_page(r, doc) : r->kind == K_JSONL ? read_jsonl(r, doc) : read_warc(r, doc);
        if (rc != 0) return rc;
        /* end of this file: on to the next */
    }
}

const char *kb_reader_errmsg(const kb_reader *r) { return r->errmsg; }

void kb_reader_progress(const kb_reader *r, uint64_t *done, uint64_t *total) {
    *done = r->done_files + r->raw_done;
    *total = r->total;
}

void kb_reader_free(kb_reader *r) {
    if (!r) return;
    close_file(r);
    for (size_t i = 0; i < r->nfiles; i++) free(r->files[i]);
    free(r->files);
    free(r->buf);
    kb__buf_free(&r->doc);
    kb__buf_free(&r->name_buf);
    kb__buf_free(&r->url);
    kb__buf_free(&r->date);
    kb__buf_free(&r->charset);
    free(r);
}
