#!/bin/sh
# The loadable extension libkhabar_sqlite: the sqlite3 shell loads it, creates
# an FTS5 table with tokenize='arabic', and a stemmed, folded query finds and
# highlights the original words. Skipped (77) without the sqlite3 command or
# without the module (sanitizer and fuzz builds do not build it).
# Run by CTest with KB_BIN = the build folder.
set -u
command -v sqlite3 >/dev/null 2>&1 || { echo "skipped: no sqlite3 command"; exit 77; }
: "${KB_BIN:?KB_BIN must name the build folder}"
mod="$KB_BIN/libkhabar_sqlite"
[ -f "$mod.so" ] || { echo "skipped: $mod.so not built"; exit 77; }

out=$(sqlite3 :memory: \
    ".load $mod" \
    "CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize = 'arabic');" \
    "INSERT INTO t(rowid, title, body) VALUES (1, 'عنوان', 'قرأَ الطالبُ الكِتَابَ بالمدرسة');" \
    "INSERT INTO t(rowid, title, body) VALUES (2, 'آخر', 'لا شيء هنا');" \
    "SELECT rowid, highlight(t, 1, '[', ']') FROM t WHERE t MATCH 'والكتاب مدرسة';" \
    "SELECT count(*) FROM t WHERE t MATCH 'كتا*';" 2>&1)
want='1|قرأَ الطالبُ [الكِتَابَ] [بالمدرسة]
1'
if [ "$out" != "$want" ]; then
    printf 'fts_extension: unexpected output\n--- got\n%s\n--- want\n%s\n' "$out" "$want"
    exit 1
fi

# A bad tokenizer argument is an error, not a crash.
if sqlite3 :memory: ".load $mod" \
    "CREATE VIRTUAL TABLE u USING fts5(b, tokenize = 'arabic nonsense');" >/dev/null 2>&1; then
    echo "fts_extension: a bad tokenizer argument was accepted"
    exit 1
fi
echo "ok"
