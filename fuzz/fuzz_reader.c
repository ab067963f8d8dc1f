/*
** Fuzz harness for the JSON Lines and WARC readers and the article-record
** mapping: the input is written to a file and read back as JSON Lines and as
** WARC; every document must come with a name, and extraction of each must
** either succeed or fail with a message.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "khabar.h"

static void run(const char *path, int format) {
    kb_reader_opts o = {format, 1 << 20};
    kb_reader *r;
    const char *msg;
    if (kb_reader_open(&r, path, &o, &msg)) return;
    kb_doc d;
    int rc, guard = 0;
    while ((rc = kb_reader_next(r, &d)) != 0 && guard++ < 100000) {
        if (rc < 0) {
            if (!kb_reader_errmsg(r)[0]) abort();
            continue;
        }
        if (!d.name || !d.p) abort();
        kb_article *a;
        rc = kb_extract_doc(&d, NULL, &a, &msg);
        if (rc == KB_OK) {
            char *json;
            size_t n;
            if (kb_article_to_json(a, &json, &n) == KB_OK) kb_free(json);
            kb_article_free(a);
        } else if (!msg || !msg[0]) {
            abort();
        }
    }
    kb_reader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[] = "/tmp/kb-fuzz-reader-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return 0;
    if (write(fd, data, size) != (ssize_t)size) { close(fd); unlink(path); return 0; }
    close(fd);
    run(path, KB_FMT_JSONL);
    run(path, KB_FMT_WARC);
    unlink(path);
    return 0;
}
