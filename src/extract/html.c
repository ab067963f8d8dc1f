/*
** The HTML extractor: one HTML page -> one article (title, source, authors,
** date, section, body paragraphs, related links).
**
** The page is made valid UTF-8 (html_enc.c) and parsed with libxml2's HTML
** parser, which recovers from broken markup and caps nesting at 256 levels.
** Then one iterative walk over the tree (no recursion: parent and sibling
** pointers, and an explicit stack of open elements) does everything else:
**
**   - metadata: <meta> (Open Graph, article:*, name=author/date/...), <title>,
**     <link rel=canonical>, <base>, <time>, itemprop, JSON-LD scripts (the
**     lenient parser of core/jsonparse.c), <html lang>, the first <h1>s,
**     breadcrumbs;
**   - text blocks: the text between two block-level boundaries (p, div, li,
**     h1-h6, blockquote, td, br, ...), with its Unicode word count, the words
**     inside links, and its sentence punctuation (، ؛ ؟ . ! , ; ?). Scripts,
**     styles, forms controls, iframes, SVG and hidden elements give no text;
**     text inside nav/header/footer/aside is kept but marked as chrome.
**
** The main content is found the way a reader finds it: blocks that read like
** prose (several words, punctuation, few links) score, and each block's score
** goes to the element that holds it, half to that element's parent and a
** quarter to the grandparent. The best-scoring element is the article body;
** its sibling elements join it when they score well too (bodies split over
** several containers). Inside, each block is kept as a paragraph unless the
** evidence says otherwise: link lists, boilerplate phrases (data/
** boilerplate.tsv and data/html-boilerplate.tsv: "شارك", "اقرأ أيضا", ...),
** the title repeated, bylines, datelines, captions. Class and id names are
** weak evidence only: they nudge scores, never decide alone.
**
** Related links: a block that starts with a related-article phrase ("اقرأ
** أيضا") gives its own links, or the links of the link lists right after it;
** link lists inside the body whose anchors read like headlines count too.
**
** Every block is reported to opts->explain with its label and evidence.
*/
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsonparse.h"
#include "core/lex.h"
#include "core/utf8.h"
#include "extract/extract_int.h"
#include "extract/html_int.h"
#include "text/text_int.h"

/* --- tags ----------------------------------------------------------------- */

enum {
    K_BLOCK = 1,  /* starts and ends a text block */
    K_SKIP = 2,   /* no text from inside */
    K_CHROME = 4, /* page furniture: text kept for metadata, never body */
};

enum tag {
    T_OTHER, T_A, T_ADDRESS, T_ARTICLE, T_ASIDE, T_AUDIO, T_BASE, T_BLOCKQUOTE, T_BODY, T_BR, T_BUTTON,
    T_CANVAS, T_CAPTION, T_CENTER, T_DD, T_DETAILS, T_DIV, T_DL, T_DT, T_EMBED, T_FIELDSET, T_FIGCAPTION,
    T_FIGURE, T_FOOTER, T_FORM, T_H1, T_H2, T_H3, T_H4, T_H5, T_H6, T_HEAD, T_HEADER, T_HR, T_HTML,
    T_IFRAME, T_INPUT, T_LABEL, T_LI, T_LINK, T_MAIN, T_MAP, T_MATH, T_MENU, T_META, T_NAV, T_NOSCRIPT,
    T_OBJECT, T_OL, T_OPTION, T_P, T_PRE, T_SCRIPT, T_SECTION, T_SELECT, T_STYLE, T_SUMMARY, T_SVG,
    T_TABLE, T_TD, T_TEMPLATE, T_TEXTAREA, T_TH, T_TIME, T_TITLE, T_TR, T_UL, T_VIDEO
};

static const struct {
    const char *name;
    unsigned char tag, kind;
} g_tags[] = {
    /* sorted by name for bsearch */
    {"a", T_A, 0},
    {"address", T_ADDRESS, K_BLOCK},
    {"article", T_ARTICLE, K_BLOCK},
    {"aside", T_ASIDE, K_BLOCK | K_CHROME},
    {"audio", T_AUDIO, K_SKIP},
    {"base", T_BASE, 0},
    {"blockquote", T_BLOCKQUOTE, K_BLOCK},
    {"body", T_BODY, K_BLOCK},
    {"br", T_BR, K_BLOCK},
    {"button", T_BUTTON, K_SKIP},
    {"canvas", T_CANVAS, K_SKIP},
    {"caption", T_CAPTION, K_BLOCK},
    {"center", T_CENTER, K_BLOCK},
    {"dd", T_DD, K_BLOCK},
    {"details", T_DETAILS, K_BLOCK},
    {"div", T_DIV, K_BLOCK},
    {"dl", T_DL, K_BLOCK},
    {"dt", T_DT, K_BLOCK},
    {"embed", T_EMBED, K_SKIP},
    {"fieldset", T_FIELDSET, K_BLOCK},
    {"figcaption", T_FIGCAPTION, K_BLOCK},
    {"figure", T_FIGURE, K_BLOCK},
    {"footer", T_FOOTER, K_BLOCK | K_CHROME},
    {"form", T_FORM, K_BLOCK},
    {"h1", T_H1, K_BLOCK},
    {"h2", T_H2, K_BLOCK},
    {"h3", T_H3, K_BLOCK},
    {"h4", T_H4, K_BLOCK},
    {"h5", T_H5, K_BLOCK},
    {"h6", T_H6, K_BLOCK},
    {"head", T_HEAD, K_BLOCK},
    {"header", T_HEADER, K_BLOCK | K_CHROME},
    {"hr", T_HR, K_BLOCK},
    {"html", T_HTML, K_BLOCK},
    {"iframe", T_IFRAME, K_SKIP},
    {"input", T_INPUT, K_SKIP},
    {"label", T_LABEL, K_SKIP},
    {"li", T_LI, K_BLOCK},
    {"link", T_LINK, 0},
    {"main", T_MAIN, K_BLOCK},
    {"map", T_MAP, K_SKIP},
    {"math", T_MATH, K_SKIP},
    {"menu", T_MENU, K_BLOCK | K_CHROME},
    {"meta", T_META, 0},
    {"nav", T_NAV, K_BLOCK | K_CHROME},
    {"noscript", T_NOSCRIPT, K_SKIP},
    {"object", T_OBJECT, K_SKIP},
    {"ol", T_OL, K_BLOCK},
    {"option", T_OPTION, K_SKIP},
    {"p", T_P, K_BLOCK},
    {"pre", T_PRE, K_BLOCK},
    {"script", T_SCRIPT, K_SKIP},
    {"section", T_SECTION, K_BLOCK},
    {"select", T_SELECT, K_SKIP},
    {"style", T_STYLE, K_SKIP},
    {"summary", T_SUMMARY, K_BLOCK},
    {"svg", T_SVG, K_SKIP},
    {"table", T_TABLE, K_BLOCK},
    {"td", T_TD, K_BLOCK},
    {"template", T_TEMPLATE, K_SKIP},
    {"textarea", T_TEXTAREA, K_SKIP},
    {"th", T_TH, K_BLOCK},
    {"time", T_TIME, 0},
    {"title", T_TITLE, K_BLOCK},
    {"tr", T_TR, K_BLOCK},
    {"ul", T_UL, K_BLOCK},
    {"video", T_VIDEO, K_SKIP},
};

static int tag_lookup(const char *name, unsigned *kind) {
    size_t lo = 0, hi = sizeof g_tags / sizeof *g_tags;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(name, g_tags[mid].name);
        if (!c) {
            *kind = g_tags[mid].kind;
            return g_tags[mid].tag;
        }
        if (c < 0) hi = mid;
        else lo = mid + 1;
    }
    *kind = 0;
    return T_OTHER;
}

/* --- the walk's records ------------------------------------------------- */

enum {
    F_CHROME = 1,       /* inside nav/header/footer/aside/menu */
    F_HEAD = 2,         /* inside <head> */
    F_HEADING = 4,      /* h1-h6 */
    F_H1 = 8,
    F_CAPTION = 16,     /* figcaption, caption */
    F_LI = 32,
    F_QUOTE = 64,
    F_HINT_BAD = 128,   /* class/id hints: comments, share, related, sidebar ... */
    F_HINT_GOOD = 256,  /* class/id hints: article, content, story, body ... */
    F_BREADCRUMB = 512,
    F_HINT_RELATED = 1024,
};

typedef struct block {
    size_t off, len;   /* text in ctx->text */
    unsigned words, link_words, punct;
    unsigned flags;
    int elem;          /* the block-level element that holds the text */
    int link0, nlinks; /* its links in ctx->links */
    const char *label; /* decision, for explain */
} block;

typedef struct elem {
    int parent;     /* enclosing block-level element, -1 for none */
    int b0, b1;     /* its blocks: [b0, b1) */
    double score;   /* own score plus shares from descendants */
    unsigned flags;
    int tag;
} elem;

typedef struct link {
    size_t off, len;  /* anchor text in ctx->text */
    size_t href, hn;  /* in ctx->strs, hn = 0 when none */
    int block;
} link;

typedef struct open_el {
    xmlNode *node;
    int elem;       /* index in elems, or -1 */
    unsigned flags; /* inherited flags inside this element */
    int tag;
    size_t text0;   /* text offset at entry (for captures) */
    int link;       /* index in links when this is an <a>, else -1 */
    int capture;    /* what to capture at exit (CAP_*) */
} open_el;

enum { CAP_NONE, CAP_TITLE, CAP_H1, CAP_TIME, CAP_HEADLINE, CAP_AUTHOR, CAP_DATE };

#define MAX_STACK 1024
#define MAX_H1 4
#define MAX_RELATED 50

typedef struct meta {
    const char *og_title, *tw_title, *meta_title, *site, *og_url, *canonical, *base;
    const char *published, *section, *author, *article_author, *lang, *itemprop_date;
    char *doc_title, *h1[MAX_H1], *headline, *time_dt, *time_text, *itemprop_author;
    int nh1, h1_block[MAX_H1], title_block;
    /* JSON-LD */
    char *ld_headline, *ld_date, *ld_section, *ld_publisher, *ld_url;
    char *ld_authors[8];
    int nld_authors, ld_rank;
    char *crumb; /* last breadcrumb entry */
} meta;

typedef struct ctx {
    const kb_extract_opts *o;
    kb_xart *x;
    kb_buf text;   /* all text, blocks separated by '\n' */
    kb_buf strs;   /* hrefs */
    block *blocks;
    size_t nblocks, capblocks;
    elem *elems;
    size_t nelems, capelems;
    link *links;
    size_t nlinks, caplinks;
    open_el stack[MAX_STACK];
    int depth;
    /* the open text run */
    size_t run0;
    unsigned run_words, run_link_words, run_punct, run_nonspace;
    int in_word;
    int anchor_depth;
    int run_link0;
    meta m;
    kb_arena *arena; /* the article's arena: metadata strings live there */
    int rc;
} ctx;

static int grow(void **arr, size_t *cap, size_t need, size_t elem_size) {
    if (need <= *cap) return KB_OK;
    size_t nc = *cap ? *cap * 2 : 256;
    while (nc < need) nc *= 2;
    void *q = realloc(*arr, nc * elem_size);
    if (!q) return KB_ENOMEM;
    *arr = q;
    *cap = nc;
    return KB_OK;
}

static const char *attr(const xmlNode *n, const char *name) {
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        if (a->name && !strcmp((const char *)a->name, name)) {
            const xmlNode *c = a->children;
            return c && c->content ? (const char *)c->content : "";
        }
    }
    return NULL;
}

static int ascii_ieq(const char *a, const char *b) {
    for (; *a && *b; a++, b++) {
        char x = *a, y = *b;
        if (x >= 'A' && x <= 'Z') x += 32;
        if (y >= 'A' && y <= 'Z') y += 32;
        if (x != y) return 0;
    }
    return *a == *b;
}

static int ascii_icontains(const char *h, const char *nd) {
    size_t k = strlen(nd);
    for (; *h; h++) {
        size_t j = 0;
        while (j < k && h[j] && ((h[j] >= 'A' && h[j] <= 'Z') ? h[j] + 32 : h[j]) == nd[j]) j++;
        if (j == k) return 1;
    }
    return 0;
}

static char *dupz(ctx *c, const char *p, size_t n) {
    char *d = kb__arena_strndup(c->arena, p, n);
    if (!d) c->rc = KB_ENOMEM;
    return d;
}

/* --- text runs and blocks ----------------------------------------------- */

static int is_punct_cp(uint32_t u) {
    return u == '.' || u == ',' || u == ';' || u == '!' || u == '?' || u == 0x060C || u == 0x061B ||
           u == 0x061F || u == 0x06D4 || u == 0x2026;
}

/* Append a text node's content to the run, counting words, link words and
** punctuation as it goes. */
static void add_text(ctx *c, const char *z) {
    size_t n = strlen(z);
    if (!n) return;
    if (kb__buf_add(&c->text, z, n)) {
        c->rc = KB_ENOMEM;
        return;
    }
    const unsigned char *s = (const unsigned char *)z;
    int in_link = c->anchor_depth > 0;
    for (size_t i = 0; i < n;) {
        uint32_t u;
        size_t len;
        int cls;
        if (s[i] < 0x80) {
            u = s[i];
            len = 1;
            if ((u | 0x20) >= 'a' && (u | 0x20) <= 'z') cls = KB_CC_LATIN;
            else if (u >= '0' && u <= '9') cls = KB_CC_DIGIT;
            else if (u == ' ' || u == '\n' || u == '\t' || u == '\r' || u == '\f') cls = KB_CC_SPACE;
            else cls = KB_CC_PUNCT;
        } else {
            u = kb__utf8_decode(s + i, n - i, &len);
            cls = kb__char_class(u);
        }
        i += len;
        if (cls == KB_CC_ARABIC || cls == KB_CC_LATIN || cls == KB_CC_DIGIT) {
            if (!c->in_word) {
                c->run_words++;
                if (in_link) c->run_link_words++;
            }
            c->in_word = 1;
            c->run_nonspace++;
        } else if (cls == KB_CC_MARK) {
            /* continues a word */
        } else {
            c->in_word = 0;
            if (cls != KB_CC_SPACE) {
                c->run_nonspace++;
                if (is_punct_cp(u)) c->run_punct++;
            }
        }
    }
}

static void start_run(ctx *c) {
    c->run0 = c->text.n;
    c->run_words = c->run_link_words = c->run_punct = c->run_nonspace = 0;
    c->in_word = 0;
    c->run_link0 = (int)c->nlinks;
}

/* Close the open run into a block held by the innermost block element. */
static void flush(ctx *c) {
    if (c->run_nonspace && !c->rc) {
        if (grow((void **)&c->blocks, &c->capblocks, c->nblocks + 1, sizeof(block))) {
            c->rc = KB_ENOMEM;
            return;
        }
        block *b = &c->blocks[c->nblocks];
        memset(b, 0, sizeof *b);
        b->off = c->run0;
        b->len = c->text.n - c->run0;
        b->words = c->run_words;
        b->link_words = c->run_link_words;
        b->punct = c->run_punct;
        b->flags = c->depth > 0 ? c->stack[c->depth - 1].flags : 0;
        b->elem = -1;
        for (int d = c->depth - 1; d >= 0; d--)
            if (c->stack[d].elem >= 0) {
                b->elem = c->stack[d].elem;
                break;
            }
        b->link0 = c->run_link0;
        b->nlinks = (int)c->nlinks - c->run_link0;
        for (int k = b->link0; k < b->link0 + b->nlinks; k++) c->links[k].block = (int)c->nblocks;
        c->nblocks++;
        if (kb__buf_addc(&c->text, '\n')) c->rc = KB_ENOMEM;
    } else if (c->text.n > c->run0) {
        /* only spaces: forget them */
        c->text.n = c->run0;
        if (c->text.p) c->text.p[c->text.n] = 0;
    }
    start_run(c);
}

/* --- metadata from tags ---------------------------------------------------- */

static void on_meta(ctx *c, const xmlNode *n) {
    const char *content = attr(n, "content");
    if (!content || !*content) return;
    const char *key = attr(n, "property");
    if (!key) key = attr(n, "name");
    if (!key) key = attr(n, "itemprop");
    if (!key) return;
    meta *m = &c->m;
#define SET1(field) \
    do {            \
        if (!m->field) m->field = content; \
    } while (0)
    if (ascii_ieq(key, "og:title")) SET1(og_title);
    else if (ascii_ieq(key, "twitter:title")) SET1(tw_title);
    else if (ascii_ieq(key, "title") || ascii_ieq(key, "headline")) SET1(meta_title);
    else if (ascii_ieq(key, "og:site_name") || ascii_ieq(key, "application-name")) SET1(site);
    else if (ascii_ieq(key, "og:url")) SET1(og_url);
    else if (ascii_ieq(key, "article:published_time") || ascii_ieq(key, "og:published_time") ||
             ascii_ieq(key, "datepublished") || ascii_ieq(key, "article:published"))
        SET1(published);
    else if (ascii_ieq(key, "date") || ascii_ieq(key, "pubdate") || ascii_ieq(key, "publishdate") ||
             ascii_ieq(key, "publish-date") || ascii_ieq(key, "publish_date") || ascii_ieq(key, "dc.date") ||
             ascii_ieq(key, "dc.date.issued") || ascii_ieq(key, "dcterms.date") || ascii_ieq(key, "sailthru.date") ||
             ascii_ieq(key, "parsely-pub-date") || ascii_ieq(key, "created") || ascii_ieq(key, "dc.date.created"))
        SET1(itemprop_date);
    else if (ascii_ieq(key, "article:section") || ascii_ieq(key, "section") || ascii_ieq(key, "articlesection"))
        SET1(section);
    else if (ascii_ieq(key, "author") || ascii_ieq(key, "dc.creator") || ascii_ieq(key, "sailthru.author"))
        SET1(author);
    else if (ascii_ieq(key, "article:author")) SET1(article_author);
#undef SET1
}

/* --- JSON-LD --------------------------------------------------------------- */

/* Decode the few HTML entities sites leave inside JSON-LD strings. */
static char *decode_entities(ctx *c, const char *p, size_t n) {
    char *d = kb__arena_alloc(c->arena, n * 2 + 1);
    if (!d) {
        c->rc = KB_ENOMEM;
        return NULL;
    }
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        if (p[i] == '&') {
            static const struct { const char *e; const char *r; } ents[] = {
                {"&quot;", "\""}, {"&amp;", "&"}, {"&#39;", "'"}, {"&apos;", "'"}, {"&lt;", "<"}, {"&gt;", ">"},
                {"&nbsp;", " "}, {"&#039;", "'"}, {"&#34;", "\""}};
            size_t k;
            for (k = 0; k < sizeof ents / sizeof *ents; k++) {
                size_t el = strlen(ents[k].e);
                if (i + el <= n && !memcmp(p + i, ents[k].e, el)) {
                    size_t rl = strlen(ents[k].r);
                    memcpy(d + w, ents[k].r, rl);
                    w += rl;
                    i += el;
                    break;
                }
            }
            if (k < sizeof ents / sizeof *ents) continue;
        }
        d[w++] = p[i++];
    }
    d[w] = 0;
    return d;
}

static char *ld_string(ctx *c, const kb_json *v) {
    size_t n;
    const char *s = kb__json_text(v, &n);
    if (!s && v && v->type == KB_JSON_OBJECT) s = kb__json_get_str(v, "name", &n);
    if (!s && v && v->type == KB_JSON_ARRAY && v->child) return ld_string(c, v->child);
    return s && n ? decode_entities(c, s, n) : NULL;
}

/* How much an object's @type says "this is the article" (0: not at all). */
static int ld_rank(const kb_json *obj) {
    const kb_json *t = kb__json_get(obj, "@type");
    const int list = t && t->type == KB_JSON_ARRAY;
    int best = 0;
    for (const kb_json *it = list ? t->child : t; it; it = list ? it->next : NULL) {
        const char *s = kb__json_text(it, NULL);
        if (s) {
            int r = 0;
            if (strstr(s, "NewsArticle") || !strcmp(s, "Article") || !strcmp(s, "Report")) r = 3;
            else if (strstr(s, "Article") || !strcmp(s, "BlogPosting") || !strcmp(s, "LiveBlogPosting")) r = 2;
            else if (!strcmp(s, "WebPage") || !strcmp(s, "ItemPage")) r = 1;
            if (r > best) best = r;
        }
    }
    return best;
}

/* One JSON-LD object: a breadcrumb trail, or article metadata that replaces
** what an object with a weaker @type gave. */
static void ld_object(ctx *c, const kb_json *o) {
    meta *m = &c->m;
    const char *type = kb__json_text(kb__json_get(o, "@type"), NULL);
    if (type && !strcmp(type, "BreadcrumbList") && !m->crumb) {
        /* the last item's name (the page itself is dropped later) */
        const kb_json *list = kb__json_get(o, "itemListElement");
        char *last = NULL, *prev = NULL;
        if (list && list->type == KB_JSON_ARRAY) {
            for (const kb_json *it = list->child; it; it = it->next) {
                const kb_json *name = kb__json_get(it, "name");
                char *nm = ld_string(c, name ? name : kb__json_get(it, "item"));
                if (nm) prev = last, last = nm;
            }
        }
        if (prev || last) m->crumb = last; /* compared with the title at the end */
        return;
    }
    int r = ld_rank(o);
    if (!r || r <= m->ld_rank) return;
    m->ld_rank = r;
    const kb_json *h = kb__json_get(o, "headline");
    if (!h && r < 3) h = kb__json_get(o, "name");
    m->ld_headline = ld_string(c, h);
    m->ld_date = ld_string(c, kb__json_get(o, "datePublished"));
    if (!m->ld_date) m->ld_date = ld_string(c, kb__json_get(o, "dateCreated"));
    m->ld_section = ld_string(c, kb__json_get(o, "articleSection"));
    const kb_json *pub = kb__json_get(o, "publisher");
    m->ld_publisher = pub && pub->type == KB_JSON_OBJECT ? ld_string(c, kb__json_get(pub, "name")) : NULL;
    m->ld_url = ld_string(c, kb__json_get(o, "url"));
    m->nld_authors = 0;
    const kb_json *au = kb__json_get(o, "author");
    if (!au) au = kb__json_get(o, "creator");
    if (au && au->type == KB_JSON_ARRAY) {
        for (const kb_json *it = au->child; it && m->nld_authors < 8; it = it->next) {
            char *s = ld_string(c, it);
            if (s) m->ld_authors[m->nld_authors++] = s;
        }
    } else if (au) {
        char *s = ld_string(c, au);
        if (s) m->ld_authors[m->nld_authors++] = s;
    }
}

/* Every object of the tree in document order (parents before their
** members), wherever it sits: @graph arrays, nested items, several scripts'
** worth of values. Depth is bounded by the parser. */
static void ld_walk(ctx *c, const kb_json *v) {
    if (v->type == KB_JSON_OBJECT) ld_object(c, v);
    for (const kb_json *k = v->child; k && !c->rc; k = k->next) ld_walk(c, k);
}

static void on_jsonld(ctx *c, const char *p, size_t n) {
    kb_arena a;
    kb__arena_init(&a, 0);
    kb_json *root;
    kb__json_parse_lenient(&a, p, n, &root); /* a partial tree is still worth reading */
    if (root) ld_walk(c, root);
    kb__arena_free(&a);
}

/* Concatenated text of a node's direct text/CDATA children (scripts). */
static void script_text(ctx *c, const xmlNode *n) {
    kb_buf b;
    kb__buf_init(&b, (size_t)64 << 20);
    for (const xmlNode *k = n->children; k; k = k->next)
        if ((k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) && k->content)
            kb__buf_adds(&b, (const char *)k->content);
    if (b.n) on_jsonld(c, b.p, b.n);
    kb__buf_free(&b);
}

/* --- the walk -------------------------------------------------------------- */

/* Class and id names as weak evidence. Both are lowercased once into a
** small buffer so each hint is one strstr. */
static unsigned class_hints(const xmlNode *n) {
    const char *cl = attr(n, "class"), *id = attr(n, "id"), *ip = attr(n, "itemprop");
    unsigned f = 0;
    if ((cl && *cl) || (id && *id)) {
        char low[256];
        size_t w = 0;
        for (int k = 0; k < 2; k++) {
            const char *z = k ? id : cl;
            for (; z && *z && w < sizeof low - 3; z++) low[w++] = (char)((*z >= 'A' && *z <= 'Z') ? *z + 32 : *z);
            low[w++] = ' '; /* at most sizeof low - 1 after both names */
        }
        low[w] = 0;
        static const char *bad[] = {"comment", "share", "social", "sidebar", "widget", "footer", "menu",
                                    "breadcrumb", "advert", "promo", "newsletter", "popular", "most-read",
                                    "mostread", "tags", "related", "recommend", "more-news", "morenews",
                                    "caption", "banner", "cookie", "subscribe", "author-box", "navbar"};
        static const char *good[] = {"article", "content", "story", "body", "entry", "post", "text", "detail",
                                     "news"};
        for (size_t i = 0; i < sizeof bad / sizeof *bad && !f; i++)
            if (strstr(low, bad[i])) {
                f |= F_HINT_BAD;
                if (!strcmp(bad[i], "breadcrumb")) f |= F_BREADCRUMB;
                if (!strcmp(bad[i], "related") || !strcmp(bad[i], "recommend") || !strcmp(bad[i], "more-news") ||
                    !strcmp(bad[i], "morenews"))
                    f |= F_HINT_RELATED;
            }
        for (size_t i = 0; i < sizeof good / sizeof *good && !f; i++)
            if (strstr(low, good[i])) f |= F_HINT_GOOD;
    }
    if (ip && (ascii_ieq(ip, "articleBody") || ascii_ieq(ip, "text"))) f = (f & ~F_HINT_BAD) | F_HINT_GOOD;
    if (ip && ascii_ieq(ip, "breadcrumb")) f |= F_BREADCRUMB;
    return f;
}

static int is_hidden(const xmlNode *n) {
    if (attr(n, "hidden")) return 1;
    const char *st = attr(n, "style");
    if (st && (ascii_icontains(st, "display:none") || ascii_icontains(st, "display: none") ||
               ascii_icontains(st, "visibility:hidden")))
        return 1;
    const char *ah = attr(n, "aria-hidden");
    return ah && ascii_ieq(ah, "true") && 0; /* icons only; kept as text */
}

/* Enter an element. Returns 1 to descend into its children. */
static int enter(ctx *c, xmlNode *n) {
    unsigned kind;
    int tag = tag_lookup((const char *)n->name, &kind);
    unsigned flags = c->depth > 0 ? c->stack[c->depth - 1].flags : 0;
    meta *m = &c->m;
    switch (tag) {
    case T_META: on_meta(c, n); return 0;
    case T_LINK: {
        const char *rel = attr(n, "rel"), *href = attr(n, "href");
        if (rel && href && *href && ascii_ieq(rel, "canonical") && !m->canonical) m->canonical = href;
        return 0;
    }
    case T_BASE: {
        const char *href = attr(n, "href");
        if (href && *href && !m->base) m->base = href;
        return 0;
    }
    case T_HTML: {
        const char *l = attr(n, "lang");
        if (!l) l = attr(n, "xml:lang");
        if (l && *l && !m->lang) m->lang = l;
        break;
    }
    case T_SCRIPT: {
        const char *t = attr(n, "type");
        if (t && ascii_icontains(t, "ld+json")) script_text(c, n);
        return 0;
    }
    default: break;
    }
    if (kind & K_SKIP) return 0;
    if (n->properties && is_hidden(n)) return 0;
    if (kind & K_BLOCK) flush(c);
    if (c->depth >= MAX_STACK) return 0; /* deeper than libxml2 builds; no text from there */
    open_el *e = &c->stack[c->depth];
    e->node = n;
    e->tag = tag;
    e->elem = -1;
    e->link = -1;
    e->capture = CAP_NONE;
    e->text0 = c->text.n;
    if (kind & K_CHROME) flags |= F_CHROME;
    if (tag == T_HEAD) flags |= F_HEAD;
    if (tag >= T_H1 && tag <= T_H6) flags |= F_HEADING;
    if (tag == T_H1) flags |= F_H1;
    if (tag == T_FIGCAPTION || tag == T_CAPTION) flags |= F_CAPTION;
    if (tag == T_LI) flags |= F_LI;
    if (tag == T_BLOCKQUOTE) flags |= F_QUOTE;
    unsigned hints = n->properties ? class_hints(n) : 0;
    flags |= hints & (F_BREADCRUMB | F_HINT_RELATED);
    if (kind & K_BLOCK) {
        if (grow((void **)&c->elems, &c->capelems, c->nelems + 1, sizeof(elem))) {
            c->rc = KB_ENOMEM;
            return 0;
        }
        elem *el = &c->elems[c->nelems];
        el->parent = -1;
        for (int d = c->depth - 1; d >= 0; d--)
            if (c->stack[d].elem >= 0) {
                el->parent = c->stack[d].elem;
                break;
            }
        el->b0 = el->b1 = (int)c->nblocks;
        el->score = 0;
        el->flags = hints | (flags & F_CHROME);
        el->tag = tag;
        e->elem = (int)c->nelems++;
    }
    if (tag == T_A) {
        const char *href = attr(n, "href");
        if (!grow((void **)&c->links, &c->caplinks, c->nlinks + 1, sizeof(link))) {
            link *l = &c->links[c->nlinks];
            l->off = c->text.n;
            l->len = 0;
            l->block = (int)c->nblocks;
            l->href = c->strs.n;
            l->hn = 0;
            if (href && *href && !kb__buf_add(&c->strs, href, strlen(href) + 1)) l->hn = strlen(href);
            e->link = (int)c->nlinks++;
        } else {
            c->rc = KB_ENOMEM;
        }
        c->anchor_depth++;
    }
    if (tag == T_TITLE && (flags & F_HEAD) && !m->doc_title) e->capture = CAP_TITLE;
    else if (tag == T_H1 && m->nh1 < MAX_H1) e->capture = CAP_H1;
    else if (tag == T_TIME && !m->time_dt) {
        const char *dt = attr(n, "datetime");
        if (dt && *dt) m->time_dt = dupz(c, dt, strlen(dt));
        else if (!m->time_text) e->capture = CAP_TIME;
    }
    if (n->properties && e->capture == CAP_NONE) {
        const char *ip = attr(n, "itemprop");
        if (ip) {
            if (ascii_ieq(ip, "headline") && !m->headline) e->capture = CAP_HEADLINE;
            else if (ascii_ieq(ip, "datePublished")) {
                const char *v = attr(n, "content");
                if (!v) v = attr(n, "datetime");
                if (v && *v && !m->itemprop_date) m->itemprop_date = v;
                else if (!m->itemprop_date) e->capture = CAP_DATE;
            } else if (ascii_ieq(ip, "author") && !m->itemprop_author) {
                e->capture = CAP_AUTHOR;
            }
        }
    }
    e->flags = flags;
    c->depth++;
    return 1;
}

static void leave(ctx *c, xmlNode *n) {
    if (c->depth == 0 || c->stack[c->depth - 1].node != n) return;
    open_el *e = &c->stack[c->depth - 1];
    unsigned kind;
    tag_lookup((const char *)n->name, &kind);
    if (e->link >= 0) {
        link *l = &c->links[e->link];
        l->len = c->text.n - l->off;
        c->anchor_depth--;
    }
    if (kind & K_BLOCK) flush(c);
    if (e->capture != CAP_NONE && c->text.n > e->text0) {
        char *s = dupz(c, c->text.p + e->text0, c->text.n - e->text0);
        meta *m = &c->m;
        switch (e->capture) {
        case CAP_TITLE: m->doc_title = s; break;
        case CAP_H1:
            /* nested <h1>s each asked for a capture: keep the array bound */
            if (m->nh1 < MAX_H1 && (!(e->flags & F_CHROME) || m->nh1 == 0)) {
                m->h1_block[m->nh1] = (int)c->nblocks - 1;
                m->h1[m->nh1++] = s;
            }
            break;
        case CAP_TIME: m->time_text = s; break;
        case CAP_HEADLINE: m->headline = s; break;
        case CAP_AUTHOR: m->itemprop_author = s; break;
        case CAP_DATE: m->itemprop_date = s; break;
        }
    }
    if (e->elem >= 0) c->elems[e->elem].b1 = (int)c->nblocks;
    c->depth--;
}

static void walk(ctx *c, xmlNode *root) {
    xmlNode *n = root;
    while (n && !c->rc) {
        int down = 0;
        if (n->type == XML_ELEMENT_NODE) down = enter(c, n);
        else if (n->type == XML_TEXT_NODE && n->content && c->depth > 0) add_text(c, (const char *)n->content);
        if (down && n->children) {
            n = n->children;
            continue;
        }
        for (;;) {
            if (n->type == XML_ELEMENT_NODE) leave(c, n);
            if (n == root) {
                n = NULL;
                break;
            }
            if (n->next) {
                n = n->next;
                break;
            }
            n = n->parent;
            if (!n) break;
        }
    }
    flush(c);
}

/* --- phrases --------------------------------------------------------------- */

enum { PK_NONE, PK_BOILER, PK_RELATED, PK_BYLINE, PK_STOP };

/* The kind of a phrase from either lexicon. The flat-page lexicon's kinds
** map onto ours; its section names and breadcrumb roots are not about HTML
** blocks and are ignored. */
static const kb_lex *g_own, *g_flat;

/* The first words of all phrases, as hashes in an open-addressing set: most
** words start no phrase, and one probe here saves ten lexicon lookups. */
#define FW_SLOTS 4096
static unsigned long long g_first[FW_SLOTS];
static pthread_once_t g_phrase_once = PTHREAD_ONCE_INIT;

static void phrases_init(void) {
    g_own = kb__lex_get("html-boilerplate.tsv", KB_NORM_SEARCH);
    g_flat = kb__lex_get("boilerplate.tsv", KB_NORM_SEARCH);
    const kb_lex *lx[2] = {g_own, g_flat};
    for (int l = 0; l < 2; l++)
        for (size_t i = 0; i < kb__lex_size(lx[l]); i++) {
            size_t kn;
            const char *k = kb__lex_key(lx[l], i, &kn);
            const char *sp = memchr(k, ' ', kn);
            unsigned long long h = kb__hash(k, sp ? (size_t)(sp - k) : kn) | 1;
            size_t slot = (size_t)h & (FW_SLOTS - 1), tries = 0;
            while (g_first[slot] && g_first[slot] != h && ++tries < FW_SLOTS) slot = (slot + 1) & (FW_SLOTS - 1);
            if (tries < FW_SLOTS) g_first[slot] = h;
        }
}

static int starts_phrase(const char *w, size_t n) {
    unsigned long long h = kb__hash(w, n) | 1;
    for (size_t slot = (size_t)h & (FW_SLOTS - 1), tries = 0; g_first[slot] && tries < FW_SLOTS;
         slot = (slot + 1) & (FW_SLOTS - 1), tries++)
        if (g_first[slot] == h) return 1;
    return 0;
}

static int lex_kind(const char *key, size_t kn) {
    const kb_lex *own = g_own, *flat = g_flat;
    size_t vn;
    const char *v = kb__lex_find(own, key, kn, &vn);
    if (v) {
        if (vn == 7 && !memcmp(v, "related", 7)) return PK_RELATED;
        if (vn == 6 && !memcmp(v, "byline", 6)) return PK_BYLINE;
        return PK_BOILER;
    }
    v = kb__lex_find(flat, key, kn, &vn);
    if (!v) return PK_NONE;
    if (vn == 7 && !memcmp(v, "related", 7)) return PK_RELATED;
    if (vn == 13 && !memcmp(v, "related-block", 13)) return PK_RELATED;
    if (vn == 7 && !memcmp(v, "comment", 7)) return PK_STOP;
    if ((vn == 5 && !memcmp(v, "share", 5)) || (vn == 6 && !memcmp(v, "follow", 6)) ||
        (vn == 6 && !memcmp(v, "footer", 6)) || (vn == 4 && !memcmp(v, "menu", 4)) || (vn == 3 && !memcmp(v, "ads", 3)))
        return PK_BOILER;
    return PK_NONE;
}

#define PH_BYTES 600
#define PH_WORDS 24
#define HITS_BYTES 4000
#define HITS_WORDS 600

/* Word spans (runs of letters and digits) of normalized text. */
static int split_words(const char *norm, size_t nn, size_t *ws, size_t *we, int max) {
    int nw = 0, inw = 0;
    const unsigned char *s = (const unsigned char *)norm;
    for (size_t i = 0; i < nn;) {
        size_t len;
        uint32_t u = s[i] < 0x80 ? (len = 1, s[i]) : kb__utf8_decode(s + i, nn - i, &len);
        int cls = kb__char_class(u);
        int wordy = cls == KB_CC_ARABIC || cls == KB_CC_LATIN || cls == KB_CC_DIGIT || cls == KB_CC_MARK;
        if (wordy && !inw) {
            if (nw == max) break;
            ws[nw] = i;
            we[nw++] = nn;
        } else if (!wordy && inw) {
            we[nw - 1] = i;
        }
        inw = wordy;
        i += len;
    }
    return nw;
}

/* The longest phrase (up to five words) starting at word st. */
static int lookup_at(const char *norm, const size_t *ws, const size_t *we, int nw, int st, int *flen) {
    char key[PH_BYTES + 8];
    int found = PK_NONE;
    size_t kn = 0;
    if (!starts_phrase(norm + ws[st], we[st] - ws[st])) return PK_NONE;
    for (int k = 1; k <= 5 && st + k <= nw; k++) {
        int j = st + k - 1;
        size_t l = we[j] - ws[j];
        if (kn + l + 1 >= sizeof key) break;
        if (k > 1) key[kn++] = ' ';
        memcpy(key + kn, norm + ws[j], l);
        kn += l;
        int kd = lex_kind(key, kn);
        if (kd != PK_NONE) found = kd, *flen = k;
    }
    return found;
}

/* Match the block's words against the phrase lexicons: at the start, and
** anywhere when the block is short. Returns the kind; *at_start says where it
** matched, *pwords how many words it spans. */
static int phrase_match(const char *p, size_t n, unsigned words, int *at_start, int *pwords) {
    char norm[KB_NORMALIZE_BOUND(PH_BYTES)];
    size_t nn = kb_normalize_into(p, n < PH_BYTES ? n : PH_BYTES, KB_NORM_SEARCH, norm);
    size_t ws[PH_WORDS], we[PH_WORDS];
    int nw = split_words(norm, nn, ws, we, PH_WORDS);
    int starts = words <= 20 ? nw : 1;
    for (int st = 0; st < starts; st++) {
        int flen = 0, kd = lookup_at(norm, ws, we, nw, st, &flen);
        if (kd != PK_NONE) {
            *at_start = st == 0;
            *pwords = flen;
            return kd;
        }
    }
    return PK_NONE;
}

/* How many furniture phrases (boilerplate, comments) a longer block holds:
** a paragraph about "سياسة الخصوصية" and "شروط الاستخدام" is site policy. */
static int phrase_hits(const char *p, size_t n) {
    static _Thread_local char norm[KB_NORMALIZE_BOUND(HITS_BYTES)];
    size_t nn = kb_normalize_into(p, n < HITS_BYTES ? n : HITS_BYTES, KB_NORM_SEARCH, norm);
    size_t ws[HITS_WORDS], we[HITS_WORDS];
    int nw = split_words(norm, nn, ws, we, HITS_WORDS), hits = 0;
    for (int st = 0; st < nw; st++) {
        int flen = 0, kd = lookup_at(norm, ws, we, nw, st, &flen);
        if (kd == PK_BOILER || kd == PK_STOP) {
            hits++;
            st += flen - 1;
        }
    }
    return hits;
}

/* --- choosing and emitting ----------------------------------------------- */

static int is_para_tag(int tag) {
    return tag == T_P || tag == T_LI || tag == T_BLOCKQUOTE || tag == T_PRE || tag == T_DD || tag == T_DT ||
           (tag >= T_H1 && tag <= T_H6) || tag == T_FIGCAPTION || tag == T_CAPTION || tag == T_ADDRESS;
}

static double block_score(const block *b) {
    if (b->flags & (F_CHROME | F_HEAD)) return 0;
    if (!b->words) return 0;
    double ld = (double)b->link_words / b->words;
    if (ld > 0.5) return 0;
    if (b->words < 5 && !b->punct) return 0;
    unsigned pc = b->punct < 1 + b->words / 4 ? b->punct : 1 + b->words / 4;
    double s = (double)(b->words - b->link_words) + 3.0 * pc;
    if (!b->punct) s *= 0.5; /* headlines and menus have none */
    return s;
}

static double effective(const elem *e) {
    if (e->flags & F_CHROME) return 0;
    double s = e->score;
    if (e->flags & F_HINT_GOOD) s *= 1.25;
    if (e->flags & F_HINT_BAD) s *= 0.5;
    return s;
}

/* Search-folded letters and digits only (no spaces, no punctuation), for
** comparing headlines written with different quotes and spacing. */
static size_t fold_letters(const char *p, size_t n, char *out) {
    size_t k = kb_normalize_into(p, n, KB_NORM_SEARCH, out), w = 0;
    const unsigned char *s = (const unsigned char *)out;
    for (size_t i = 0; i < k;) {
        size_t len;
        uint32_t u = s[i] < 0x80 ? (len = 1, s[i]) : kb__utf8_decode(s + i, k - i, &len);
        int cls = kb__char_class(u);
        if (cls == KB_CC_ARABIC || cls == KB_CC_LATIN || cls == KB_CC_DIGIT) {
            memmove(out + w, out + i, len);
            w += len;
        }
        i += len;
    }
    return w;
}

/* 1 if a and b are the same text (mode 0), or a is the start or the end of
** b (mode 1), ignoring spacing, punctuation and search folding. */
static int norm_match(const char *a, size_t an, const char *b, size_t bn, int mode) {
    if (!a || !b || an > 2048 || bn > 2048) return 0;
    char na[KB_NORMALIZE_BOUND(2048)], nb[KB_NORMALIZE_BOUND(2048)];
    size_t x = fold_letters(a, an, na), y = fold_letters(b, bn, nb);
    if (!x || !y) return 0;
    if (x == y) return !memcmp(na, nb, x);
    if (!mode || x > y) return 0;
    return !memcmp(na, nb, x) || !memcmp(na, nb + y - x, x);
}

static int norm_eq(const char *a, size_t an, const char *b, size_t bn) { return norm_match(a, an, b, bn, 0); }

static int has_scheme(const char *u) {
    return !strncmp(u, "http://", 7) || !strncmp(u, "https://", 8);
}

/* Resolve href against base (absolute http(s) URL or NULL) into out. Returns
** 0 when the link is not a page (javascript:, mailto:, bare fragments). */
static int resolve_url(const char *base, const char *href, size_t hn, kb_buf *out) {
    while (hn && (*href == ' ' || *href == '\n' || *href == '\t')) href++, hn--;
    while (hn && (href[hn - 1] == ' ' || href[hn - 1] == '\n' || href[hn - 1] == '\t')) hn--;
    kb__buf_reset(out);
    if (!hn || href[0] == '#') return 0;
    if (hn >= 11 && !strncmp(href, "javascript:", 11)) return 0;
    if (hn >= 7 && !strncmp(href, "mailto:", 7)) return 0;
    if ((hn >= 7 && !strncmp(href, "http://", 7)) || (hn >= 8 && !strncmp(href, "https://", 8)))
        return !kb__buf_add(out, href, hn);
    if (!base || !has_scheme(base)) return !kb__buf_add(out, href, hn);
    const char *host = strstr(base, "://") + 3;
    size_t hostend = (size_t)(host - base) + strcspn(host, "/?#");
    if (hn >= 2 && href[0] == '/' && href[1] == '/') {
        kb__buf_add(out, base, (size_t)(host - base) - 2);
        return !kb__buf_add(out, href, hn);
    }
    if (href[0] == '/') {
        kb__buf_add(out, base, hostend);
        return !kb__buf_add(out, href, hn);
    }
    size_t pathend = hostend + strcspn(base + hostend, "?#");
    if (href[0] == '?') {
        kb__buf_add(out, base, pathend);
        return !kb__buf_add(out, href, hn);
    }
    size_t dir = pathend;
    while (dir > hostend && base[dir - 1] != '/') dir--;
    if (dir == hostend) {
        kb__buf_add(out, base, hostend);
        kb__buf_addc(out, '/');
    } else {
        kb__buf_add(out, base, dir);
    }
    while (hn >= 2 && !strncmp(href, "./", 2)) href += 2, hn -= 2;
    while (hn >= 3 && !strncmp(href, "../", 3)) {
        href += 3, hn -= 3;
        size_t k = out->n - 1;
        if (k > hostend) {
            while (k > hostend && out->p[k - 1] != '/') k--;
            out->n = k;
        }
    }
    return !kb__buf_add(out, href, hn);
}

typedef struct emit_state {
    kb_buf url;
    const char *base;
    int related_mode; /* following link lists are related links */
    char why[200];
} emit_state;

static void explain_block(ctx *c, block *b, const char *label, const char *reason, double s) {
    b->label = label;
    if (!c->o || !c->o->explain) return;
    char why[240];
    snprintf(why, sizeof why, "words=%u links=%.2f punct=%u score=%.1f %s", b->words,
             b->words ? (double)b->link_words / b->words : 0.0, b->punct, s, reason);
    kb__explain(c->o, label, why, c->text.p + b->off, b->len);
}

/* Add a block's links as related articles: anchors that read like headlines
** (at least minw words). Returns how many were added. */
static int add_related_links(ctx *c, emit_state *es, const block *b, unsigned minw) {
    int added = 0;
    for (int k = b->link0; k < b->link0 + b->nlinks && !c->rc; k++) {
        const link *l = &c->links[k];
        const char *t = c->text.p + l->off;
        unsigned w = 0;
        int inw = 0;
        for (size_t i = 0; i < l->len; i++) {
            int sp = t[i] == ' ' || t[i] == '\n' || t[i] == '\t';
            if (!sp && !inw) w++;
            inw = !sp;
        }
        if (w < minw || !l->hn || c->x->a.nrelated >= MAX_RELATED) continue;
        char d[40];
        if (w <= 5 && kb__parse_date(t, l->len, d)) continue; /* "ديسمبر 25, 2020" */
        if (!resolve_url(es->base, c->strs.p + l->href, l->hn, &es->url)) continue; /* javascript: */
        int dup = 0;
        for (size_t r = 0; r < c->x->a.nrelated && !dup; r++) {
            const char *ru = c->x->a.related[r].url;
            dup = ru && strlen(ru) == es->url.n && !memcmp(ru, es->url.p, es->url.n);
        }
        if (dup) continue;
        if ((c->rc = kb__art_add_related(c->x, t, l->len, es->url.p, es->url.n))) return added;
        added++;
    }
    return added;
}

/* The rest of a byline block after its trigger words: the author's name. */
static void add_byline_author(ctx *c, const block *b, int pwords) {
    const char *p = c->text.p + b->off, *e = p + b->len;
    for (int k = 0; k < pwords && p < e; k++) {
        while (p < e && (*p == ' ' || *p == '\n' || *p == '\t')) p++;
        while (p < e && *p != ' ' && *p != '\n' && *p != '\t' && *p != ':') p++;
    }
    while (p < e && (*p == ' ' || *p == ':' || *p == '-' || *p == '\n' || *p == '\t')) p++;
    /* up to the next punctuation or line end, at most 6 words */
    const char *q = p;
    int words = 0, inw = 0;
    while (q < e) {
        size_t len;
        uint32_t u = (unsigned char)*q < 0x80 ? (len = 1, (unsigned char)*q)
                                              : kb__utf8_decode((const unsigned char *)q, (size_t)(e - q), &len);
        if (u == '\n' || u == '|' || u == '-' || u == 0x2013 || u == 0x2014 || u == 0x060C || u == ',' || u == '.' ||
            u == ':' || u == '(' || (u >= '0' && u <= '9'))
            break;
        int sp = u == ' ' || u == '\t';
        if (!sp && !inw && ++words > 6) break;
        inw = !sp;
        q += len;
    }
    if (q > p && words >= 1) c->rc = kb__art_add_author(c->x, p, (size_t)(q - p));
}

static void select_and_emit(ctx *c, const char *title) {
    size_t nb = c->nblocks;
    double *bs = calloc(nb ? nb : 1, sizeof *bs);
    unsigned char *in = calloc(nb ? nb : 1, 1);
    if (!bs || !in) {
        free(bs);
        free(in);
        c->rc = KB_ENOMEM;
        return;
    }
    /* score and propagate */
    for (size_t i = 0; i < nb; i++) {
        block *b = &c->blocks[i];
        double s = block_score(b);
        int pk = PK_NONE, st = 0, pw = 0;
        if (s > 0 && b->words <= 20) {
            pk = phrase_match(c->text.p + b->off, b->len, b->words, &st, &pw);
            if (pk == PK_BOILER || pk == PK_STOP || pk == PK_RELATED) s = 0;
        }
        bs[i] = s;
        int e = b->elem;
        if (s <= 0 || e < 0) continue;
        if (is_para_tag(c->elems[e].tag)) {
            c->elems[e].score += s;
            e = c->elems[e].parent;
        }
        double w = 1.0;
        for (int k = 0; k < 3 && e >= 0; k++, e = c->elems[e].parent, w *= 0.5) c->elems[e].score += s * w;
    }
    int best = -1;
    double bestv = 0;
    for (size_t i = 0; i < c->nelems; i++) {
        double v = effective(&c->elems[i]);
        if (v > 0 && v >= bestv) {
            bestv = v;
            best = (int)i;
        }
    }
    if (best >= 0) {
        const elem *be = &c->elems[best];
        for (int k = be->b0; k < be->b1; k++) in[k] = 1;
        /* siblings that read like more of the article */
        for (size_t i = 0; i < c->nelems && be->parent >= 0; i++) {
            const elem *e = &c->elems[i];
            if ((int)i == best || e->parent != be->parent || (e->flags & F_CHROME)) continue;
            double v = effective(e);
            int para = is_para_tag(e->tag) && e->b1 - e->b0 >= 1 && bs[e->b0] >= 20;
            if (v >= 0.25 * bestv && v >= 10) para = 1;
            if (para)
                for (int k = e->b0; k < e->b1; k++) in[k] = 1;
        }
    }
    emit_state es;
    kb__buf_init(&es.url, 1u << 20);
    es.base = c->m.base && has_scheme(c->m.base) ? c->m.base
              : c->x->a.url && has_scheme(c->x->a.url) ? c->x->a.url
              : c->m.canonical && has_scheme(c->m.canonical) ? c->m.canonical
              : c->m.og_url && has_scheme(c->m.og_url) ? c->m.og_url : NULL;
    es.related_mode = 0;
    size_t title_len = title ? strlen(title) : 0;
    int ended = 0, emitted = 0;
    for (size_t i = 0; i < nb && !c->rc; i++) {
        block *b = &c->blocks[i];
        const char *t = c->text.p + b->off;
        double ld = b->words ? (double)b->link_words / b->words : 0;
        int st = 0, pw = 0;
        int pk = b->words <= 40 && !(b->flags & F_HEAD) ? phrase_match(t, b->len, b->words, &st, &pw) : PK_NONE;
        if (b->flags & F_HEAD) {
            explain_block(c, b, "head", "in <head>", 0);
            continue;
        }
        /* related links, inside the body or not */
        if (pk == PK_RELATED && (st || b->words <= 6)) {
            int k = add_related_links(c, &es, b, 2);
            es.related_mode = 1;
            explain_block(c, b, "related", k ? "related phrase with links" : "related phrase heading", bs[i]);
            if (in[i] && emitted && b->words <= 6 && !k) ended = 1;
            continue;
        }
        if (es.related_mode && (pk == PK_BOILER || pk == PK_STOP)) es.related_mode = 0;
        if (es.related_mode) {
            if (b->nlinks && ld >= 0.5) {
                add_related_links(c, &es, b, 2);
                explain_block(c, b, "related", "link after a related phrase", bs[i]);
                continue;
            }
            if (b->words > 3) es.related_mode = 0;
        }
        if (!in[i]) {
            if ((b->flags & F_HINT_RELATED) && b->nlinks && ld >= 0.5 && !(b->flags & F_CHROME) &&
                add_related_links(c, &es, b, 4)) {
                explain_block(c, b, "related", "link list in a related box", bs[i]);
                continue;
            }
            explain_block(c, b, "boilerplate",
                          b->flags & F_CHROME ? "outside main content (nav/header/footer/aside)"
                                              : "outside main content",
                          bs[i]);
            continue;
        }
        if (ended) {
            explain_block(c, b, "boilerplate", "after the end of the article", bs[i]);
            continue;
        }
        if (b->flags & F_CHROME) {
            explain_block(c, b, "boilerplate", "nav/header/footer/aside", bs[i]);
            continue;
        }
        if ((b->flags & F_H1) || (title && b->words <= 60 && norm_eq(t, b->len, title, title_len))) {
            explain_block(c, b, "title", "the headline", bs[i]);
            continue;
        }
        if (pk == PK_STOP && st && b->words <= 6) {
            explain_block(c, b, "boilerplate", "comments start: end of article", bs[i]);
            if (emitted) ended = 1;
            continue;
        }
        if (pk == PK_BOILER && b->words <= 15 && (st || b->words <= 6)) {
            explain_block(c, b, "boilerplate", "boilerplate phrase", bs[i]);
            continue;
        }
        if (pk == PK_BYLINE && st && b->words <= 12) {
            /* "كتب: ..." needs its colon or dash, or must be short */
            const char *colon = memchr(t, ':', b->len < 40 ? b->len : 40);
            if (colon || b->words <= 5 || memchr(t, '-', b->len < 40 ? b->len : 40)) {
                add_byline_author(c, b, pw);
                explain_block(c, b, "byline", "byline phrase", bs[i]);
                continue;
            }
        }
        if (b->words > 15 && b->words <= 120) {
            int hits = phrase_hits(t, b->len);
            if (hits >= 2) {
                explain_block(c, b, "boilerplate", hits >= 3 ? "many furniture phrases" : "two furniture phrases", bs[i]);
                continue;
            }
        }
        if (b->nlinks && ld > 0.5) {
            if (b->words >= 4 && ((b->flags & F_HINT_RELATED) || (b->flags & F_LI)) && add_related_links(c, &es, b, 4)) {
                explain_block(c, b, "related", "headline links in the body", bs[i]);
            } else {
                explain_block(c, b, "boilerplate", "link list", bs[i]);
            }
            continue;
        }
        if (b->flags & F_CAPTION) {
            explain_block(c, b, "caption", "figure caption", bs[i]);
            continue;
        }
        if (b->words <= 14 && b->punct <= 3 && !(b->flags & F_HEADING)) {
            char d[40];
            if (kb__parse_date(t, b->len, d)) {
                explain_block(c, b, "dateline", "a date line", bs[i]);
                continue;
            }
        }
        if (b->words < 3 && !b->punct && !(b->flags & F_HEADING)) {
            explain_block(c, b, "boilerplate", "too short", bs[i]);
            continue;
        }
        explain_block(c, b, "body", "main content", bs[i]);
        if ((c->rc = kb__art_add_paragraph(c->x, t, b->len))) break;
        emitted++;
    }
    kb__buf_free(&es.url);
    free(bs);
    free(in);
}

/* --- metadata decisions -------------------------------------------------- */

static unsigned count_words(const char *p, size_t n) {
    unsigned w = 0;
    int inw = 0;
    for (size_t i = 0; i < n; i++) {
        int sp = p[i] == ' ' || p[i] == '\n' || p[i] == '\t' || p[i] == '\r';
        if (!sp && !inw) w++;
        inw = !sp;
    }
    return w;
}

/* A <title> or og:title without the site name: "Headline - Site",
** "Site | Headline". The site part is the one equal to the site name, or
** else a short (at most 4 words) last segment after a longer headline. */
static void strip_site(const char *t, const char *site, const char **out, size_t *outn) {
    static const char *seps[] = {" - ", " | ", " \xe2\x80\x93 ", " \xe2\x80\x94 ", " :: ", " \xc2\xab ",
                                 " \xc2\xbb ", " \xc2\xb7 ", " / "};
    size_t n = strlen(t);
    *out = t;
    *outn = n;
    for (size_t k = 0; k < sizeof seps / sizeof *seps; k++) {
        size_t sl = strlen(seps[k]);
        /* last occurrence: "Headline - Site" */
        const char *last = NULL, *f = t;
        while ((f = kb__memmem(f, n - (size_t)(f - t), seps[k], sl))) last = f++;
        if (last) {
            const char *r = last + sl;
            size_t rn = n - (size_t)(r - t), ln = (size_t)(last - t);
            if ((site && norm_eq(r, rn, site, strlen(site))) ||
                (count_words(r, rn) <= 4 && count_words(t, ln) >= 3 && count_words(t, ln) > count_words(r, rn))) {
                *outn = ln;
                return;
            }
        }
        /* first occurrence: "Site | Headline" */
        const char *first = kb__memmem(t, n, seps[k], sl);
        if (first && site && norm_eq(t, (size_t)(first - t), site, strlen(site))) {
            *out = first + sl;
            *outn = n - (size_t)(*out - t);
            return;
        }
    }
}

static int set_date_from(ctx *c, const char *s) {
    char d[40];
    if (!s || !kb__parse_date(s, strlen(s), d)) return 0;
    c->rc = kb__art_set(c->x, &c->x->a.published, d, strlen(d));
    return 1;
}

static int plausible_author(const char *s, const char *site) {
    if (!s || !*s) return 0;
    if (strstr(s, "http") || strstr(s, "www.") || strchr(s, '@') || strchr(s, '/') || strchr(s, '(')) return 0;
    size_t n = strlen(s);
    if (count_words(s, n) > 8) return 0;
    if (site && norm_eq(s, n, site, strlen(site))) return 0;
    return 1;
}

static const char *choose_title(ctx *c, size_t *tn) {
    meta *m = &c->m;
    const char *site = m->site ? m->site : m->ld_publisher;
    const char *og = m->og_title ? m->og_title : m->tw_title;
    const char *dt = NULL, *ogs = NULL;
    size_t dtn = 0, ogn = 0;
    if (m->doc_title) strip_site(m->doc_title, site, &dt, &dtn);
    if (og) strip_site(og, site, &ogs, &ogn);
    for (int i = 0; i < m->nh1; i++) {
        const char *h = m->h1[i];
        size_t hn = strlen(h);
        if (og && (norm_eq(h, hn, og, strlen(og)) || norm_eq(h, hn, ogs, ogn))) {
            /* the same headline: the publisher's declared form wins (it has
            ** no layout artefacts) */
            m->title_block = m->h1_block[i];
            *tn = ogn;
            return ogs;
        }
        if (
            (m->ld_headline && norm_eq(h, hn, m->ld_headline, strlen(m->ld_headline))) ||
            (m->headline && norm_eq(h, hn, m->headline, strlen(m->headline))) ||
            (m->meta_title && norm_eq(h, hn, m->meta_title, strlen(m->meta_title))) ||
            (dt && norm_eq(h, hn, dt, dtn)) ||
            /* "Site - Headline" titles the separator rule could not split */
            (count_words(h, hn) >= 3 && ((og && norm_match(h, hn, og, strlen(og), 1)) ||
                                         (m->doc_title && norm_match(h, hn, m->doc_title, strlen(m->doc_title), 1))))) {
            *tn = hn;
            m->title_block = m->h1_block[i];
            return h;
        }
    }
    if (ogs && ogn) return *tn = ogn, ogs;
    if (m->ld_headline) return *tn = strlen(m->ld_headline), m->ld_headline;
    if (m->headline) return *tn = strlen(m->headline), m->headline;
    if (m->meta_title) return *tn = strlen(m->meta_title), m->meta_title;
    if (dt && dtn) return *tn = dtn, dt;
    if (m->nh1) return *tn = strlen(m->h1[0]), m->h1[0];
    return NULL;
}

static void finish_metadata(ctx *c) {
    meta *m = &c->m;
    kb_xart *x = c->x;
    kb_article *a = &x->a;
    const char *site = m->site ? m->site : m->ld_publisher;
    if (site && !c->rc) c->rc = kb__art_set(x, &a->source, site, strlen(site));
    if (!a->url && !c->rc) {
        const char *u = m->og_url && has_scheme(m->og_url)         ? m->og_url
                        : m->canonical && has_scheme(m->canonical) ? m->canonical
                        : m->ld_url && has_scheme(m->ld_url)       ? m->ld_url
                                                                   : NULL;
        if (u) c->rc = kb__art_set(x, &a->url, u, strlen(u));
    }
    /* section: meta, JSON-LD, then the breadcrumb's last entry that is not
    ** the page itself */
    const char *sec = m->section ? m->section : m->ld_section;
    if (!sec && m->crumb && !(a->title && norm_eq(m->crumb, strlen(m->crumb), a->title, strlen(a->title))))
        sec = m->crumb;
    if (sec && !c->rc) c->rc = kb__art_set(x, &a->section, sec, strlen(sec));
    /* authors: the first source that names any */
    for (int i = 0; i < m->nld_authors && !c->rc; i++)
        if (plausible_author(m->ld_authors[i], site)) c->rc = kb__art_add_author(x, m->ld_authors[i], strlen(m->ld_authors[i]));
    const char *more[] = {m->author, m->article_author, m->itemprop_author};
    for (size_t i = 0; i < 3 && !a->nauthors && !c->rc; i++)
        if (plausible_author(more[i], site)) c->rc = kb__art_add_author(x, more[i], strlen(more[i]));
    /* date: the page's own metadata first, then text near the headline */
    if (!a->published) {
        const char *cands[] = {m->published, m->ld_date, m->time_dt, m->itemprop_date, m->time_text};
        for (size_t i = 0; i < sizeof cands / sizeof *cands && !a->published && !c->rc; i++) set_date_from(c, cands[i]);
    }
}

static void date_from_text(ctx *c) {
    if (c->x->a.published || c->rc) return;
    int from, to;
    if (c->m.title_block < 0 && c->x->a.title) {
        /* the headline as it appears in the page */
        const char *t = c->x->a.title;
        for (size_t i = 0; i < c->nblocks; i++) {
            const block *b = &c->blocks[i];
            if (!(b->flags & F_HEAD) && b->words <= 60 && norm_eq(c->text.p + b->off, b->len, t, strlen(t))) {
                c->m.title_block = (int)i;
                break;
            }
        }
    }
    if (c->m.title_block >= 0) {
        from = c->m.title_block - 3;
        to = c->m.title_block + 15;
    } else {
        int first = -1;
        for (size_t i = 0; i < c->nblocks; i++)
            if (c->blocks[i].label && !strcmp(c->blocks[i].label, "body")) {
                first = (int)i;
                break;
            }
        if (first < 0) return;
        from = first - 12;
        to = first + 3;
    }
    if (from < 0) from = 0;
    if (to > (int)c->nblocks) to = (int)c->nblocks;
    for (int i = from; i < to; i++) {
        const block *b = &c->blocks[i];
        char d[40];
        if (b->len <= 400 && !(b->flags & F_HEAD) && kb__parse_date(c->text.p + b->off, b->len, d)) {
            c->rc = kb__art_set(c->x, &c->x->a.published, d, strlen(d));
            return;
        }
    }
}

/* Language from the body; <html lang> breaks ties when the text says little. */
static void set_language(ctx *c) {
    kb_article *a = &c->x->a;
    kb_buf b;
    kb__buf_init(&b, 0);
    if (a->title) kb__buf_adds(&b, a->title);
    for (size_t i = 0; i < a->nparagraphs && b.n < 65536; i++) {
        kb__buf_addc(&b, '\n');
        kb__buf_adds(&b, a->paragraphs[i]);
    }
    kb_lang_info li;
    kb_lang_detect(b.p ? b.p : "", b.n, &li);
    kb__buf_free(&b);
    const char *code = li.code;
    if ((!strcmp(code, "und") || li.confidence < 0.5) && c->m.lang) {
        char l[8];
        size_t k = 0;
        for (const char *s = c->m.lang; *s && *s != '-' && *s != '_' && k < sizeof l - 1; s++)
            l[k++] = (char)((*s >= 'A' && *s <= 'Z') ? *s + 32 : *s);
        l[k] = 0;
        if (k >= 2 && k <= 3) {
            char *d = dupz(c, l, k);
            if (d) code = d;
        }
    }
    a->language = code;
}

/* --- entry point ----------------------------------------------------------- */

static pthread_once_t g_xml_once = PTHREAD_ONCE_INIT;
static void xml_init(void) { xmlInitParser(); }

int kb__extract_html(const char *p, size_t n, const kb_extract_opts *o, kb_xart *x) {
    pthread_once(&g_xml_once, xml_init);
    pthread_once(&g_phrase_once, phrases_init);
    kb_html_input in;
    int rc = kb__html_prepare(p, n, o, &in);
    if (rc) {
        kb__html_input_free(&in);
        snprintf(x->errmsg, sizeof x->errmsg, "cannot read the page's encoding: %s", kb_strerror(rc));
        return rc;
    }
    if (in.n > (size_t)2147483647) {
        kb__html_input_free(&in);
        return KB_ETOOBIG;
    }
    htmlParserCtxtPtr pc = htmlNewParserCtxt();
    if (!pc) {
        kb__html_input_free(&in);
        return KB_ENOMEM;
    }
    htmlDocPtr doc = htmlCtxtReadMemory(pc, in.p, (int)in.n, NULL, "UTF-8",
                                        HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                            HTML_PARSE_NONET | HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC);
    if (!doc) {
        htmlFreeParserCtxt(pc);
        kb__html_input_free(&in);
        snprintf(x->errmsg, sizeof x->errmsg, "libxml2 could not parse the page");
        return KB_EPARSE;
    }
    ctx *c = calloc(1, sizeof *c);
    if (!c) {
        xmlFreeDoc(doc);
        htmlFreeParserCtxt(pc);
        kb__html_input_free(&in);
        return KB_ENOMEM;
    }
    c->o = o;
    c->x = x;
    c->arena = &x->arena;
    c->m.title_block = -1;
    kb__buf_init(&c->text, in.n * 2 + (1u << 20));
    kb__buf_init(&c->strs, in.n * 2 + (1u << 20));
    start_run(c);
    for (xmlNode *k = doc->children; k && !c->rc; k = k->next) walk(c, k);
    if (!c->rc) {
        size_t tn = 0;
        const char *title = choose_title(c, &tn);
        if (title) c->rc = kb__art_set(x, &x->a.title, title, tn);
        if (!c->rc) finish_metadata(c);
        if (!c->rc) select_and_emit(c, x->a.title);
        if (!c->rc) {
            if (!x->a.nauthors) {
                /* a byline in the body may already have added one */
            }
            date_from_text(c);
        }
        if (!c->rc) set_language(c);
    }
    rc = c->rc;
    if (rc == KB_ENOMEM) snprintf(x->errmsg, sizeof x->errmsg, "out of memory while reading the page");
    if (rc == KB_ETOOBIG) snprintf(x->errmsg, sizeof x->errmsg, "page text larger than the limit");
    kb__buf_free(&c->text);
    kb__buf_free(&c->strs);
    free(c->blocks);
    free(c->elems);
    free(c->links);
    free(c);
    xmlFreeDoc(doc);
    htmlFreeParserCtxt(pc);
    kb__html_input_free(&in);
    return rc;
}
