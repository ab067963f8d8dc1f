/*
** Input readers: a page file, JSON Lines (with a line too long and a broken
** line in the middle), WARC (response records, a non-response record, a
** redirect, a truncated record at the end), gzip (multi-member) and zstd
** compressed inputs, folders, and the document records they produce.
*/
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "kbtest.h"
#include "khabar.h"

static char g_dir[256];

static const char *tmpfile_with(const char *name, const void *p, size_t n) {
    static char path[512];
    if (!g_dir[0]) {
        snprintf(g_dir, sizeof g_dir, "/tmp/kbtest-reader-XXXXXX");
        if (!mkdtemp(g_dir)) return NULL;
    }
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) return NULL;
    fwrite(p, 1, n, f);
    fclose(f);
    return path;
}

typedef struct seen { int docs, errors; char names[16][128]; char urls[16][128]; int formats[16]; } seen;

static void read_all(const char *path, const kb_reader_opts *o, seen *s) {
    memset(s, 0, sizeof *s);
    kb_reader *r;
    const char *msg;
    if (kb_reader_open(&r, path, o, &msg)) { s->errors = -1; return; }
    kb_doc d;
    int rc;
    while ((rc = kb_reader_next(r, &d)) != 0) {
        if (rc < 0) { s->errors++; continue; }
        if (s->docs < 16) {
            snprintf(s->names[s->docs], 128, "%s", strrchr(d.name, '/') ? strrchr(d.name, '/') + 1 : d.name);
            snprintf(s->urls[s->docs], 128, "%s", d.url ? d.url : "");
            s->formats[s->docs] = d.format;
        }
        s->docs++;
    }
    kb_reader_free(r);
}

TEST(jsonl_lines_are_documents_and_bad_lines_are_reported) {
    const char *z = "{\"url\":\"https://a.example/1\",\"text\":\"نص أول\"}\n"
                    "\n"
                    "{\"url\":\"https://a.example/2\",\"text\":\"" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" "\"}\n"
                    "{\"url\":\"https://a.example/3\",\"title\":\"عنوان\",\"text\":\"نص\"}";
    const char *path = tmpfile_with("a.jsonl", z, strlen(z));
    kb_reader_opts o = {0, 64}; /* lines over 64 bytes are too long */
    seen s;
    read_all(path, &o, &s);
    ASSERT_INT_EQ(s.docs, 2);
    ASSERT_INT_EQ(s.errors, 1);
    ASSERT_STR_EQ(s.names[0], "a.jsonl:1");
    ASSERT_STR_EQ(s.names[1], "a.jsonl:4");
    ASSERT_INT_EQ(s.formats[0], KB_FMT_JSONL);
}

TEST(jsonl_records_become_articles) {
    const char *line = "{\"url\":\"https://www.Example.org/x/\",\"title\":\"عنوان الخبر\",\"author\":\"كاتب\","
                       "\"category\":\"سياسة\",\"time\":\"2018-02-18\",\"text\":\"الفقرة الأولى\\nالفقرة الثانية\"}";
    kb_doc d = {"t", KB_FMT_JSONL, NULL, NULL, NULL, line, strlen(line)};
    kb_article *a;
    const char *msg;
    ASSERT_INT_EQ(kb_extract_doc(&d, NULL, &a, &msg), KB_OK);
    ASSERT_STR_EQ(a->title, "عنوان الخبر");
    ASSERT_STR_EQ(a->section, "سياسة");
    ASSERT_STR_EQ(a->domain, "example.org");
    ASSERT_INT_EQ(a->nparagraphs, 2);
    ASSERT_STR_EQ(a->paragraphs[1], "الفقرة الثانية");
    ASSERT_INT_EQ(a->nauthors, 1);
    ASSERT_STR_EQ(a->published, "2018-02-18");
    kb_article_free(a);
    const char *bad = "{\"title\": \"x\", ";
    kb_doc d2 = {"t", KB_FMT_JSONL, NULL, NULL, NULL, bad, strlen(bad)};
    ASSERT_INT_EQ(kb_extract_doc(&d2, NULL, &a, &msg), KB_EPARSE);
    ASSERT(a == NULL);
    ASSERT(strstr(msg, "invalid JSON") != NULL);
}

static const char *warc_record(char *out, const char *type, const char *uri, const char *http) {
    sprintf(out, "WARC/1.0\r\nWARC-Type: %s\r\nWARC-Target-URI: %s\r\nWARC-Date: 2024-01-02T03:04:05Z\r\n"
                 "Content-Length: %zu\r\n\r\n%s\r\n\r\n", type, uri, strlen(http), http);
    return out;
}

TEST(warc_responses_are_pages_and_truncation_is_reported) {
    char r1[1024], r2[1024], r3[1024], r4[1024], all[8192];
    warc_record(r1, "warcinfo", "", "software: test\r\n");
    warc_record(r2, "response", "https://b.example/news/1",
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=windows-1256\r\n\r\n<html><body><p>x</p></body></html>");
    warc_record(r3, "response", "https://b.example/old", "HTTP/1.1 301 Moved\r\nLocation: /new\r\n\r\n");
    warc_record(r4, "response", "https://b.example/news/2", "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>two</p>");
    snprintf(all, sizeof all, "%s%s%s%s", r1, r2, r3, r4);
    size_t n = strlen(all);
    /* A final record cut short. */
    const char *cut = "WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 500\r\n\r\nHTTP/1.1 200 OK\r\n\r\n<p>";
    memcpy(all + n, cut, strlen(cut));
    n += strlen(cut);
    const char *path = tmpfile_with("c.warc", all, n);
    seen s;
    read_all(path, NULL, &s);
    ASSERT_INT_EQ(s.docs, 2);
    ASSERT_INT_EQ(s.errors, 1);
    ASSERT_STR_EQ(s.urls[0], "https://b.example/news/1");
    ASSERT_STR_EQ(s.urls[1], "https://b.example/news/2");
    ASSERT_STR_EQ(s.names[0], "c.warc#2");

    /* The same, gzip-compressed as one member per record (as WARC.gz is). */
    char gzpath[600];
    snprintf(gzpath, sizeof gzpath, "%s/d.warc.gz", g_dir);
    FILE *f = fopen(gzpath, "wb");
    const char *recs[] = {r1, r2, r3, r4};
    for (int i = 0; i < 4; i++) {
        unsigned char out[4096];
        z_stream zs;
        memset(&zs, 0, sizeof zs);
        deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
        zs.next_in = (unsigned char *)recs[i];
        zs.avail_in = (uInt)strlen(recs[i]);
        zs.next_out = out;
        zs.avail_out = sizeof out;
        deflate(&zs, Z_FINISH);
        fwrite(out, 1, sizeof out - zs.avail_out, f);
        deflateEnd(&zs);
    }
    fclose(f);
    read_all(gzpath, NULL, &s);
    ASSERT_INT_EQ(s.docs, 2);
    ASSERT_INT_EQ(s.errors, 0);
    ASSERT_STR_EQ(s.urls[1], "https://b.example/news/2");
}

TEST(zstd_jsonl_and_folders) {
    const char *z = "{\"url\":\"u1\",\"title\":\"أ\",\"text\":\"ب\"}\n{\"url\":\"u2\",\"title\":\"ج\",\"text\":\"د\"}\n";
    char comp[1024];
    size_t k = ZSTD_compress(comp, sizeof comp, z, strlen(z), 3);
    ASSERT(!ZSTD_isError(k));
    tmpfile_with("e.jsonl.zst", comp, k);
    tmpfile_with("f.txt", "خبر قصير\n", strlen("خبر قصير\n"));
    tmpfile_with("g.empty", "", 0);
    seen s;
    read_all(g_dir, NULL, &s);
    /* a.jsonl (3 docs with the default limit), c.warc (2 + 1 error),
    ** d.warc.gz (2), e.jsonl.zst (2), f.txt (1), g.empty (1 error). */
    ASSERT_INT_EQ(s.docs, 3 + 2 + 2 + 2 + 1);
    ASSERT_INT_EQ(s.errors, 2);
}

TEST(missing_input_is_an_error_with_a_message) {
    kb_reader *r;
    const char *msg;
    ASSERT_INT_EQ(kb_reader_open(&r, "/nonexistent/khabar/input", NULL, &msg), KB_ENOTFOUND);
    ASSERT(r == NULL);
    ASSERT(strstr(msg, "No such file") != NULL);
}

TEST(page_larger_than_limit_is_skipped) {
    char big[5000];
    memset(big, 'a', sizeof big);
    const char *path = tmpfile_with("big.txt", big, sizeof big);
    kb_reader_opts o = {0, 1000};
    seen s;
    read_all(path, &o, &s);
    ASSERT_INT_EQ(s.docs, 0);
    ASSERT_INT_EQ(s.errors, 1);
}
