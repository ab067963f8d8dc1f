/*
** The named-entity tagger and gazetteers shared by entities.c (analysis of
** articles), ner_train.c (training and evaluation) and bench/bench_ner.c.
**
** A sentence is a sequence of search-normalized words (KB_NORM_SEARCH). The
** tagger is a first-order averaged perceptron over BIO tags with hashed
** features (the word, its clitic-stripped form, affixes, shape, word
** clusters learned from news (data/ner-clusters.tsv), what the tagger
** made of the word across the news (data/ner-induced.tsv), gazetteer
** classes of the word and its neighbours) and exact Viterbi decoding; the
** gazetteers (data/gaz-places.tsv, gaz-orgs.tsv, titles.tsv,
** first-names.tsv, ner-triggers.tsv) give both tagger features and matches
** of their own.
*/
#ifndef KB_ANALYZE_NER_H
#define KB_ANALYZE_NER_H

#include <stddef.h>
#include <stdint.h>

/* Tags: 0 = O, then B-/I- pairs for each type, in kb__ner_types order. */
#define KB_NER_NTYPES 4
#define KB_NER_NTAGS (1 + 2 * KB_NER_NTYPES)
extern const char *const kb__ner_types[KB_NER_NTYPES]; /* "PER" "LOC" "ORG" "MISC" */
#define KB_NER_TYPE(tag) (((tag) - 1) / 2)      /* tag > 0 */
#define KB_NER_IS_B(tag) ((tag) > 0 && ((tag) & 1))
#define KB_NER_B(type) (1 + 2 * (type))

/* Gazetteer classes (bits) of one word or token sequence. */
enum {
    KB_GZ_LOC = 1 << 0,     /* a place name (gaz-places.tsv) */
    KB_GZ_ORG = 1 << 1,     /* an organisation name (gaz-orgs.tsv) */
    KB_GZ_GIVEN = 1 << 2,   /* a given name (first-names.tsv) */
    KB_GZ_FAMILY = 1 << 3,  /* a public figure's family name (first-names.tsv) */
    KB_GZ_TITLE = 1 << 4,   /* a title or honorific (titles.tsv) */
    KB_GZ_TRIGGER = 1 << 5, /* opens an organisation's name (ner-triggers.tsv) */
    KB_GZ_NISBA = 1 << 6,   /* a nisba adjective of a place ("ليبي") */
    KB_GZ_COUNTRY = 1 << 7, /* a place that is a country */
    KB_GZ_MISC = 1 << 8,    /* an event, work, prize, product ... (gaz-misc.tsv): spans only, never a word's class */
    KB_GZ_OUTSIDE = 1 << 9, /* a trigger that stands before the name, not in it ("نادي"): spans only */
    KB_GZ_PLACE_CUE = 1 << 10, /* often followed by a place's name ("مدينة", "إقليم"; ner-triggers.tsv) */
    KB_GZ_WORK_CUE = 1 << 11   /* often followed by an event's or a work's name ("بطولة", "رواية") */
};

/* Longest sentence the tagger takes at once; longer ones are cut. */
#define KB_NER_MAXLEN 256
/* Longest gazetteer entry, in words. */
#define KB_NER_GAZ_MAXWORDS 6

/* One word of a sentence. The caller fills w/n; kb__ner_prepare() the rest. */
typedef struct kb_ner_tok {
    const char *w; /* search-normalized word (not NUL-terminated) */
    size_t n;
    uint64_t h_w, h_s;         /* hash of the word, of its clitic-stripped form */
    uint64_t h_pre[4], h_suf[4]; /* 1-4 letter prefixes/suffixes of the stripped form */
    unsigned shape;            /* word shape class (see ner.c) */
    unsigned gz;               /* KB_GZ_* bits of the (clitic-stripped) word */
    unsigned span;             /* multi-word gazetteer span: 0, or class<<1 | inside */
    uint32_t cl;               /* word cluster (data/ner-clusters.tsv): KB_NER_CL_* */
    unsigned band;             /* log2 of the word's frequency rank in news + 1; 0 unknown */
    unsigned ig;               /* the word's types in tagged news (data/ner-induced.tsv): KB_NER_IG_* */
    unsigned char igp;         /* (ner.c: whether the word may open / close a pair of that table) */
    /* A one-letter proclitic (و ف ب ك ل) not followed by ال, and how much
    ** more often news writes the rest alone ("وبلير", "لزيدان"): letter
    ** 1-5 << 2 | evidence 0-3 (ner.c, proclitic()); 0 for no such letter. */
    unsigned char pev;
    uint32_t wc;               /* 1 + the word's slot in ner.c's word cache, or 0 */
    /* The gazetteer match kb__ner_prepare's kb__ner_gaz_scan found starting
    ** at this word (see kb__ner_gaz_matches): its length in words, or 0. */
    unsigned char gm_len, gm_strip;
    /* Inside a short quotation ("رواية «أولاد حارتنا»", kb__ner_prepare):
    ** 0 no, else 1 first word | 2 later word, | 4 last word; and the class
    ** of the word before the opening mark (KB_GZ_* cue bits). */
    unsigned char qin;
    unsigned qcue;
    unsigned gm_cls;
    const char *gm_canon;
    /* Document context for the second pass (kb__ner_doc_context); all 0
    ** after kb__ner_prepare, and the features ignore them while ctx is 0. */
    unsigned char ctx;         /* 1 when the fields below are filled */
    unsigned char p1;          /* the first pass's tag of this token */
    unsigned char dmaj;        /* other uses of the word nearby: 0 none, 1 mostly O, 2 + type */
    unsigned char dmask;       /* types the word had nearby (bit per type), bit 4: also O */
    unsigned char dfirst;      /* 1 when the word mostly opened its spans nearby */
    unsigned char dnext;       /* word + next word inside one span nearby: 0, or 1 + type */
    unsigned char dprev;       /* previous word + word inside one span nearby: 0, or 1 + type */
} kb_ner_tok;

/* A word's cluster, packed: 0 for a word the table does not know, else
** KB_NER_CL_KNOWN | band << 26 | coarse << 20 | mid << 12 | fine, where band
** is 1 + log2 of the word's rank in the table (which lists words by falling
** frequency): names are mostly words of middle frequency. */
#define KB_NER_CL_KNOWN (1u << 31)
#define KB_NER_CL_FINE(c) ((c) & 0xFFFu)
#define KB_NER_CL_MID(c) (((c) >> 12) & 0xFFu)
#define KB_NER_CL_COARSE(c) (((c) >> 20) & 0x3Fu)
#define KB_NER_CL_BAND(c) (((c) >> 26) & 0x1Fu)

/* The cluster of one search-normalized word (as is, else without its
** proclitics), or 0. */
uint32_t kb__ner_cluster(const char *w, size_t n);

/* What the tagger made of a clitic-stripped word across the unlabeled news
** (data/ner-induced.tsv, kb_ner_induce): 0 for a word the table lacks, else
** KB_NER_IG_KNOWN | count band << 9 | opens-its-spans << 8 | a 2-bit bin of
** the share of its uses inside a span of each type (PER in bits 0-1, LOC
** 2-3, ORG 4-5, MISC 6-7) | 2-bit bins of the share of its uses right after
** a cue word of each type (bits 16-23, same order). */
#define KB_NER_IG_KNOWN (1u << 12)
unsigned kb__ner_induced(const char *w, size_t n);

/* The light clitic strip of the features ([وف]? [بكل]? ال?, or لل). */
void kb__ner_stem(const char *w, size_t n, const char **s, size_t *sn);

/* Leave the induced table out of kb__ner_prepare (while kb_ner_induce
** tags the news; a process-wide switch for training tools only). */
void kb__ner_induced_off(int off);

/* A gazetteer match over words [i, j) of a sentence. */
typedef struct kb_gaz_match {
    size_t i, j;
    unsigned cls;          /* KB_GZ_LOC, KB_GZ_ORG or KB_GZ_TITLE (+ KB_GZ_COUNTRY) */
    const char *canonical; /* display form of the name (static, NUL-terminated) */
    unsigned strip;        /* proclitic letters in front of word i (0..2); 0xFF: "لل" */
} kb_gaz_match;

/* Load the gazetteers once (thread-safe). Returns 0, or -1 when memory ran out
** (the gazetteers are then empty, and lookups find nothing). */
int kb__ner_gaz_init(void);

/* Fill the hashes, shape and gazetteer fields of toks[0..n). */
void kb__ner_prepare(kb_ner_tok *toks, size_t n);

/* Longest gazetteer matches of a sentence, left to right, not overlapping;
** at most max are written. Returns the number written. */
size_t kb__ner_gaz_scan(const kb_ner_tok *toks, size_t n, kb_gaz_match *out, size_t max);

/* kb__ner_gaz_scan's result for toks[0..n) as kb__ner_prepare(toks, n)
** found it (the same n), without scanning again. */
size_t kb__ner_gaz_matches(const kb_ner_tok *toks, size_t n, kb_gaz_match *out, size_t max);

/* Class bits (and the place, for a nisba) of one search-normalized word
** after clitic stripping, with ال also removed for nisba lookups. *place
** may be NULL. */
unsigned kb__ner_word_class(const char *w, size_t n, const char **place);

/* Proclitic letters (و ف ب ك ل) in front of w that leave a stem the
** gazetteers know, or 0. Used to cut "وليبيا" to "ليبيا" in reported text. */
unsigned kb__ner_clitic_len(const char *w, size_t n);

/* --- the model ----------------------------------------------------------- */

/* Feature rows of one token: at most KB_NER_MAXFEAT hashed features (64,
** 65 after a proclitic, 67 inside a short quotation, + one per gazetteer
** class bit of the low eight, + 25 in the second pass: 100 at most). */
#define KB_NER_MAXFEAT 104
#ifndef KB_NER_ROWS_LOG2
#define KB_NER_ROWS_LOG2 18
#endif

/* Feature row indices of toks[i] (after kb__ner_prepare); returns the count. */
size_t kb__ner_features(const kb_ner_tok *toks, size_t n, size_t i, uint32_t rows_mask,
                        uint32_t *rows);

typedef struct kb_ner_model {
    struct kb_ner_model *second; /* the second pass (document context), or NULL */
    uint32_t rows_log2;
    float scale;               /* weight = q * scale */
    float trans[(KB_NER_NTAGS + 1) * KB_NER_NTAGS]; /* [prev (NTAGS = start)][tag] */
    const int16_t *w;          /* [row][tag], quantized */
    int16_t *own;              /* w when the model owns it */
    int16_t *joint;            /* a parsed two-pass model's rows of both passes side by
                               ** side, one cache line per row (ner.c), or NULL */
} kb_ner_model;

/* The model embedded from data/models/ner.bin, loaded once (thread-safe);
** NULL when it is missing or malformed (entities then come from the
** gazetteers and rules only). */
const kb_ner_model *kb__ner_model(void);

/* Parse a model file image. Returns 0 or -1 (malformed or no memory). */
int kb__ner_model_parse(kb_ner_model *m, const unsigned char *p, size_t n);
void kb__ner_model_free(kb_ner_model *m);

/* Tag toks[0..n) (prepared) into tags[0..n). n <= KB_NER_MAXLEN. */
void kb__ner_tag(const kb_ner_model *m, const kb_ner_tok *toks, size_t n, int *tags);

/* Tokens up to this far before or after a word count as its document
** context (ANERcorp has no document breaks; articles do, and are shorter). */
#define KB_NER_DOC_WINDOW 500

/* Fill the document-context fields of toks[0..n) (prepared) from the first
** pass's tags p1[0..n): what the same word, and the same word pairs, were
** tagged elsewhere within KB_NER_DOC_WINDOW tokens. Returns 0, or -1 when
** memory ran out (the fields are then left 0). */
int kb__ner_doc_context(kb_ner_tok *toks, size_t n, const int *p1);

/* Tag a whole document: toks[0..n) (each sentence prepared on its own),
** sentences starting at sent[0..ns) (sent[0] = 0, each at most
** KB_NER_MAXLEN), into tags[0..n). The first pass tags each sentence with
** m; when m has a second pass, the document context is filled in and the
** sentences are tagged again with it. Returns 0, or -1 when memory ran out
** for the second pass (tags then hold the first pass's). */
int kb__ner_tag_doc(const kb_ner_model *m, kb_ner_tok *toks, size_t n, const size_t *sent, size_t ns,
                    int *tags);

/* 1 if tag may follow prev (0 also stands for the sentence start): O and
** B-X follow anything, I-X only B-X or I-X. The decoder's constraint, which
** training's CRF sums under too. */
static inline int kb__ner_allowed(int prev, int tag) {
    if (tag == 0 || KB_NER_IS_B(tag)) return 1;
    return prev > 0 && KB_NER_TYPE(prev) == KB_NER_TYPE(tag);
}

/* Viterbi over emission scores em[n][NTAGS] and transitions trans, under
** kb__ner_allowed. Shared with training. */
void kb__ner_viterbi(const float *em, size_t n, const float *trans, int *tags);

/* Magic of the model file format (see ner.c). */
#define KB_NER_MAGIC "KBNER01\n"

#endif
