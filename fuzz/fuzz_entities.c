/*
** Fuzz harness for the entity finder (src/analyze/entities.c, ner.c): the
** bytes become an article through kb_extract(KB_FMT_FLAT), then kb_analyze
** runs. Invariants: every entity has a known type, text and canonical name;
** its paragraph exists (-1 only with a title); its offsets satisfy
** start < end <= the paragraph's length in code points; and entities come
** in order within a paragraph without overlapping.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "khabar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    kb_extract_opts o = {0};
    o.format = KB_FMT_FLAT;
    kb_article *a = NULL;
    const char *err = NULL;
    if (kb_extract((const char *)data, size, &o, &a, &err) != KB_OK) return 0;
    if (kb_analyze(a) != KB_OK) abort();
    long last_par = -2;
    size_t last_end = 0;
    for (size_t i = 0; i < a->nentities; i++) {
        const kb_entity *e = &a->entities[i];
        if (!e->text || !e->canonical || !e->type || !*e->text) abort();
        if (strcmp(e->type, "PER") && strcmp(e->type, "LOC") && strcmp(e->type, "ORG") && strcmp(e->type, "MISC"))
            abort();
        const char *p;
        if (e->paragraph == -1) p = a->title;
        else if (e->paragraph >= 0 && (size_t)e->paragraph < a->nparagraphs) p = a->paragraphs[e->paragraph];
        else abort();
        if (!p) abort();
        size_t cp = kb__utf8_count(p, strlen(p));
        if (e->start >= e->end || e->end > cp) abort();
        if (e->paragraph == last_par && e->start < last_end) abort();
        if (e->paragraph < last_par) abort();
        last_par = e->paragraph;
        last_end = e->end;
    }
    kb_article_free(a);
    return 0;
}
