/*
** khabar text: the user's window into the Arabic analyser. Each input line
** (or each argument) is analysed on its own, so memory stays constant on
** any input size; output is plain text or JSON Lines (--json).
*/
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define LINE_MAX_BYTES ((size_t)16 << 20)

static const char *text_help =
    "usage: khabar text ACTION [--json] [--display|--search] [TEXT...]\n"
    "\n"
    "Analyse TEXT arguments, or standard input line by line, with khabar's\n"
    "Arabic analyser and print the result for each line.\n"
    "\n"
    "actions:\n"
    "  normalize   print the normalized text (default preset: --search)\n"
    "  tokenize    print the tokens (normalized); --json adds type and byte\n"
    "              offsets into the original line\n"
    "  segment     print each word split into clitics: و+ال+كتاب+ها\n"
    "  stem        print the search stem of each word (stopwords marked in --json)\n"
    "  lang        print the script/language of each line: ar, fa, ur, en, und\n"
    "\n"
    "options:\n"
    "  --json      one JSON object per token (per line for normalize and lang)\n"
    "  --search    search folding: also ة->ه, ى->ي, أ->ا, ؤ->و, digits (default)\n"
    "  --display   display-safe: only invisible and decorative marks removed\n"
    "\n"
    "examples:\n"
    "  echo 'وَالكِتابُ' | khabar text normalize\n"
    "  khabar text segment --json 'وبكتابهم'\n";

enum { A_NORMALIZE, A_TOKENIZE, A_SEGMENT, A_STEM, A_LANG };

static const char *type_name(int t) {
    switch (t) {
    case KB_TOK_WORD: return "word";
    case KB_TOK_LATIN: return "latin";
    case KB_TOK_NUMBER: return "number";
    case KB_TOK_PUNCT: return "punct";
    case KB_TOK_URL: return "url";
    case KB_TOK_EMAIL: return "email";
    default: return "symbol";
    }
}

typedef struct text_ctx {
    int action, json;
    unsigned flags;
    kb_tokenizer *tok;
    char *buf; /* scratch for normalize */
    size_t cap;
    long line;
} text_ctx;

static int do_line(text_ctx *c, const char *p, size_t n) {
    c->line++;
    if (c->action == A_NORMALIZE) {
        size_t need = KB_NORMALIZE_BOUND(n) + 1;
        if (need > c->cap) {
            char *b = realloc(c->buf, need);
            if (!b) return KB_ENOMEM;
            c->buf = b;
            c->cap = need;
        }
        size_t k = kb_normalize_into(p, n, c->flags, c->buf);
        if (c->json) {
            printf("{\"line\":%ld,\"text\":", c->line);
            cli_json_str(stdout, c->buf, k);
            printf("}\n");
        } else {
            fwrite(c->buf, 1, k, stdout);
            putchar('\n');
        }
        return KB_OK;
    }
    if (c->action == A_LANG) {
        kb_lang_info li;
        kb_lang_detect(p, n, &li);
        if (c->json)
            printf("{\"line\":%ld,\"lang\":\"%s\",\"confidence\":%.3f,\"arabic_letters\":%zu,"
                   "\"latin_letters\":%zu,\"persian_marks\":%zu,\"urdu_marks\":%zu}\n",
                   c->line, li.code, li.confidence, li.arabic_letters, li.latin_letters,
                   li.persian_marks, li.urdu_marks);
        else
            printf("%s\t%.2f\n", li.code, li.confidence);
        return KB_OK;
    }
    kb_tokenizer_reset(c->tok, p, n);
    kb_token t;
    int first = 1;
    while (kb_tokenizer_next(c->tok, &t)) {
        char out[KB_TOKEN_MAX + 16];
        size_t k = 0;
        int stop = 0;
        if (c->action == A_SEGMENT) {
            k = t.type == KB_TOK_WORD ? kb_seg_format(t.norm, t.norm_n, &t.seg, out)
                                      : (memcpy(out, t.norm, t.norm_n), t.norm_n);
        } else if (c->action == A_STEM) {
            if (t.type == KB_TOK_PUNCT || t.type == KB_TOK_SYMBOL) continue;
            k = kb_stem(t.norm, t.norm_n, out);
            stop = kb_is_stopword(t.norm, t.norm_n);
        } else {
            memcpy(out, t.norm, t.norm_n);
            k = t.norm_n;
        }
        if (c->json) {
            printf("{\"line\":%ld,\"type\":\"%s\",\"start\":%zu,\"end\":%zu,\"text\":", c->line,
                   type_name(t.type), t.start, t.end);
            cli_json_str(stdout, p + t.start, t.end - t.start);
            printf(",\"norm\":");
            cli_json_str(stdout, t.norm, t.norm_n);
            if (c->action == A_SEGMENT) {
                printf(",\"segments\":");
                cli_json_str(stdout, out, k);
            } else if (c->action == A_STEM) {
                printf(",\"stem\":");
                cli_json_str(stdout, out, k);
                printf(",\"stopword\":%s", stop ? "true" : "false");
            }
            printf("}\n");
        } else {
            if (!first) putchar(' ');
            fwrite(out, 1, k, stdout);
            first = 0;
        }
    }
    if (!c->json) putchar('\n');
    return KB_OK;
}

int cmd_text(int argc, char **argv) {
    text_ctx c = {0};
    c.flags = KB_NORM_SEARCH;
    c.action = -1;
    int nargs = 0;
    char **args = calloc((size_t)argc + 1, sizeof *args);
    if (!args) return KB_EXIT_FATAL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(text_help, stdout);
            free(args);
            return KB_EXIT_OK;
        } else if (!strcmp(a, "--json")) c.json = 1;
        else if (!strcmp(a, "--search")) c.flags = KB_NORM_SEARCH;
        else if (!strcmp(a, "--display")) c.flags = KB_NORM_DISPLAY;
        else if (!strcmp(a, "--")) { while (++i < argc) args[nargs++] = argv[i]; }
        else if (a[0] == '-' && a[1]) {
            cli_error("text", "unknown option '%s' (try 'khabar text --help')", a);
            free(args);
            return KB_EXIT_USAGE;
        } else if (c.action < 0) {
            static const char *names[] = {"normalize", "tokenize", "segment", "stem", "lang"};
            for (int k = 0; k < 5; k++)
                if (!strcmp(a, names[k])) c.action = k;
            if (c.action < 0) {
                cli_error("text", "unknown action '%s' (normalize, tokenize, segment, stem, lang)", a);
                free(args);
                return KB_EXIT_USAGE;
            }
        } else args[nargs++] = argv[i];
    }
    if (c.action < 0) {
        fputs(text_help, stderr);
        free(args);
        return KB_EXIT_USAGE;
    }
    unsigned tf = c.action == A_SEGMENT ? KB_TOK_SEGMENT : 0;
    /* Segmentation and stemming need folded words; tokenize shows the chosen preset. */
    unsigned nf = (c.action == A_SEGMENT || c.action == A_STEM) ? KB_NORM_SEARCH : c.flags;
    if (kb_tokenizer_new(&c.tok, nf, tf)) {
        free(args);
        return KB_EXIT_FATAL;
    }
    int rc = KB_EXIT_OK;
    if (nargs) {
        for (int i = 0; i < nargs; i++) do_line(&c, args[i], strlen(args[i]));
    } else {
        char *line = NULL;
        size_t cap = 0;
        ssize_t k;
        while ((k = getline(&line, &cap, stdin)) >= 0) {
            size_t n = (size_t)k;
            if (n && line[n - 1] == '\n') n--;
            if (n && line[n - 1] == '\r') n--;
            if (n > LINE_MAX_BYTES) {
                cli_error("stdin", "line %ld longer than %zu bytes, skipped", c.line + 1, LINE_MAX_BYTES);
                c.line++;
                rc = KB_EXIT_PARTIAL;
                continue;
            }
            do_line(&c, line, n);
        }
        free(line);
    }
    kb_tokenizer_free(c.tok);
    free(c.buf);
    free(args);
    if (fflush(stdout) != 0) {
        cli_error("stdout", "write error");
        return KB_EXIT_FATAL;
    }
    return rc;
}
