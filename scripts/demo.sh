#!/bin/sh
# make demo: ingest the example pages (examples/, written for khabar) into a
# fresh archive and show what khabar made of them. Usage: scripts/demo.sh KHABAR
set -eu
KHABAR=${1:-build/khabar}
DB=${DEMO_DB:-demo.db}
rm -f "$DB" "$DB-wal" "$DB-shm"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "khabar text: the analyser (normalize, segment, stem)"
echo 'وَالكِتابُ فِي المَدْرَسَةِ، وبالمدارسِ ١٢٫٥٪' | "$KHABAR" text normalize
echo 'وبالمدارس وكتابهم فسيقولون' | "$KHABAR" text segment
echo 'وبالمدارس وكتابهم فسيقولون' | "$KHABAR" text stem

say "khabar extract: a flattened page -> the article record"
"$KHABAR" extract examples/01-flat-economy.txt

say "khabar ingest examples/ -> $DB"
"$KHABAR" ingest --db "$DB" examples/

say "khabar stats"
"$KHABAR" stats --db "$DB"

say "khabar search 'البنك المركزي'"
"$KHABAR" search --db "$DB" 'البنك المركزي'

say "khabar search 'مدارس OR تطعيم' (والمدرسة، التطعيم match too)"
"$KHABAR" search --db "$DB" 'مدارس OR تطعيم' || true

say "khabar search '\"موجة حر\"' --format csv"
"$KHABAR" search --db "$DB" '"موجة حر"' --format csv

say "khabar quotes: who said what (from the pages above)"
"$KHABAR" quotes --db "$DB" || true

say "khabar stories: the same article from two outlets, grouped"
"$KHABAR" stories --db "$DB"

say "khabar entities --top 8"
"$KHABAR" entities --db "$DB" --top 8

say "done: try '$KHABAR search --db $DB QUERY', '$KHABAR serve --db $DB' (then open http://127.0.0.1:8080/) or '$KHABAR --help'"
