/*
** What the entity finder (entities.c) offers the other analysers: quotes.c
** resolves speakers ("المسماري", "الناطق باسم الجيش") to the persons the
** article names. Both functions read an article that kb__find_entities()
** has already filled.
*/
#ifndef KB_ANALYZE_ENTITIES_H
#define KB_ANALYZE_ENTITIES_H

#include <stddef.h>

#include "khabar.h"

/*
** The distinct canonical names of the article's PER entities, in order of
** first mention, into names[0..max). Returns how many there are (may be
** more than max). The strings belong to the article.
*/
size_t kb__entities_persons(const kb_article *a, const char **names, size_t max);

/*
** The canonical name of the person a mention p[0..n) refers to ("المسماري",
** "اللواء المسماري", "لحفتر"), or NULL when the article names nobody that
** fits. The mention is search-normalized, titles and proclitics are dropped,
** and it must be a prefix or a suffix (whole words) of a PER canonical name;
** the longest such name wins. The string belongs to the article.
*/
const char *kb__entities_resolve(const kb_article *a, const char *p, size_t n);

#endif
