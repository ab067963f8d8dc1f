/*
** libkhabar_sqlite: khabar's "arabic" FTS5 tokenizer as a loadable SQLite
** extension, for the sqlite3 shell and any program that can load one:
**
**     sqlite3 news.db ".load /path/to/libkhabar_sqlite"
**     CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize = 'arabic');
**
** It only registers the tokenizer (src/store/fts_arabic.c, compiled for this
** module with KB_FTS_EXTENSION so that its SQLite calls go through the host's
** routine table). It is kept out of the src/store glob so that the static library
** does not carry an sqlite3_extension_init of its own.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include "khabar.h"
#include "store/fts_arabic.h"

/* The host SQLite may be the system library or one a program carries inside
** itself: ask it for its fts5_api with its own routines. */
static int register_arabic(sqlite3 *db, char **errmsg) {
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
        sqlite3_step(st);
        rc = sqlite3_finalize(st);
    }
    if (rc == SQLITE_OK && kb__fts_arabic_register_api(api) == KB_OK) return SQLITE_OK;
    if (errmsg) *errmsg = sqlite3_mprintf("khabar: cannot register the FTS5 tokenizer "
                                          "(is FTS5 compiled in?)");
    return SQLITE_ERROR;
}

#ifdef _WIN32
__declspec(dllexport)
#else
__attribute__((visibility("default")))
#endif
int sqlite3_extension_init(sqlite3 *db, char **errmsg, const sqlite3_api_routines *api) {
    SQLITE_EXTENSION_INIT2(api);
    return register_arabic(db, errmsg);
}
