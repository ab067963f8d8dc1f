/*
** kb_analyze(): entities, then quotes (which resolve speakers against the
** entities), then amounts, over the title and every paragraph.
*/
#include "analyze/analyze_int.h"

int kb_analyze(kb_article *a) {
    if (!a || a->analyzed) return KB_OK;
    kb_xart *x = a->internal;
    int rc = kb__find_entities(x);
    if (!rc) rc = kb__find_quotes(x);
    if (!rc) rc = kb__find_amounts(x);
    if (!rc) a->analyzed = 1;
    return rc;
}
