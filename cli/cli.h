/*
** Shared pieces of the khabar command: the subcommand table, error printing
** ("khabar: INPUT: message") and exit codes. Subcommands live in cmd_<name>.c
** and use only include/khabar.h.
**
** Exit codes: 0 success; 1 some inputs failed (the rest were processed);
** 2 usage error; 3 the job could not run at all (archive unusable, out of
** memory).
*/
#ifndef KB_CLI_H
#define KB_CLI_H

#include <stdio.h>

#include "khabar.h"

#define KB_EXIT_OK 0
#define KB_EXIT_PARTIAL 1
#define KB_EXIT_USAGE 2
#define KB_EXIT_FATAL 3

int cmd_text(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_train_ner(int argc, char **argv);
int cmd_quotes(int argc, char **argv);
int cmd_entities(int argc, char **argv);
int cmd_stories(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* Print "khabar: what: message" to stderr. */
void cli_error(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Read all of a stream into a malloc'd buffer (capped at max bytes). Returns
** NULL on error or when the input is larger than max (then *too_big = 1). */
char *cli_slurp(FILE *f, size_t max, size_t *n, int *too_big);

/* Write z as one CSV field (RFC 4180: in double quotes, quotes doubled);
** NULL writes an empty field. */
void cli_csv_field(const char *z);

/* Write p[0..n) as a JSON string to stdout. */
void cli_json_str(FILE *out, const char *p, size_t n);

#endif
