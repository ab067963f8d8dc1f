/*
** Internals of src/analyze/: the three analysers kb_analyze() runs, in this
** order (quotes use the entities found before them). Each appends its
** results to the article through the builders of extract_int.h
** (kb__art_add_entity / _quote / _amount).
*/
#ifndef KB_ANALYZE_INT_H
#define KB_ANALYZE_INT_H

#include "extract/extract_int.h"

int kb__find_entities(kb_xart *x); /* src/analyze/entities.c */
int kb__find_quotes(kb_xart *x);   /* src/analyze/quotes.c */
int kb__find_amounts(kb_xart *x);  /* src/analyze/amounts.c */

#endif
