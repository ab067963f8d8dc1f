/*
** The query planner for long OR queries (plan.c): the top K rows of an OR of
** many words through its rare words first, with the same answer as the
** query run as it is. Private to src/store/.
*/
#ifndef KB_STORE_PLAN_H
#define KB_STORE_PLAN_H

#include <sqlite3.h>

/*
** The top k rows of `match` (an FTS5 expression from kb_query_to_fts) in the
** FTS5 table `table`, ranked by kb_rank with the column `weights` ("10.0,
** 1.0"), as a JSON array [[rowid, score], ...] in rank order (*hits, free
** with free()). KB_OK when planned; KB_ENOTFOUND when the plan does not
** apply or cannot prove its answer (run the query as it is), also when
** nothing matches; KB_EDB or KB_ENOMEM on failure.
*/
int kb__plan_top(sqlite3 *db, const char *table, const char *weights, const char *match, long k, char **hits);

#endif
