#!/bin/sh
# The archive from the command line: ingest is idempotent, survives SIGKILL
# (integrity, nothing stored lost, the re-run completes without duplicates),
# can be searched while ingesting, and bad queries / archives get clean errors.
# Input: synthetic articles generated here from sentences written for this test.
set -u
KHABAR=${KHABAR:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# 40,000 distinct article records (JSON Lines).
awk 'BEGIN {
  split("الحكومة البرلمان الوزارة البلدية الجامعة الشركة", who, " ");
  split("تعلن تناقش تدرس ترفض تقر تؤجل", verb, " ");
  split("خطة الموازنة مشروع قانون اتفاقية برنامج", what, " ");
  for (i = 1; i <= 40000; i++) {
    a = who[i % 6 + 1]; v = verb[int(i / 6) % 6 + 1]; w = what[int(i / 36) % 6 + 1];
    printf("{\"url\":\"https://example.org/n/%d\",\"title\":\"%s %s %s رقم %d\",\"source\":\"مصدر %d\",\"published\":\"2024-%02d-%02d\",\"text\":\"قالت %s إنها %s %s جديدة للعام المقبل، وأضافت أن التفاصيل ستعلن لاحقا في بيان رسمي رقم %d.\\nوأكد مسؤولون أن النقاش سيستمر.\"}\n", i, a, v, w, i, i % 7, i % 12 + 1, i % 28 + 1, a, v, w, i);
  } }' > "$T/in.jsonl"

DB="$T/a.db"
# 1. SIGKILL in the middle of an ingest.
"$KHABAR" ingest --quiet --batch 200 --db "$DB" "$T/in.jsonl" 2>/dev/null &
pid=$!
sleep 1
# Reading while ingesting: a second process searches the archive.
if [ -f "$DB" ]; then
  "$KHABAR" search --db "$DB" --format jsonl 'الموازنة' >/dev/null 2>"$T/err"
  rc=$?
  [ $rc -le 1 ] || { cat "$T/err"; fail "search during ingest exited $rc"; }
fi
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
ok=$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)
[ "$ok" = "ok" ] || fail "integrity after SIGKILL: $ok"
"$KHABAR" stats --check --db "$DB" >/dev/null 2>"$T/err" || fail "stats --check after SIGKILL: $(cat "$T/err")"
n1=$(sqlite3 "$DB" 'SELECT count(*) FROM articles')
echo "after SIGKILL: $n1 articles stored, integrity and full-text index ok"

# 2. The same command again completes the job without duplicates.
"$KHABAR" ingest --quiet --db "$DB" "$T/in.jsonl" 2>"$T/err" || { cat "$T/err"; fail "re-run failed"; }
n2=$(sqlite3 "$DB" 'SELECT count(*) FROM articles')
[ "$n2" -eq 40000 ] || fail "after re-run: $n2 articles, want 40000"
[ "$n2" -ge "$n1" ] || fail "articles lost: $n1 -> $n2"
d=$(sqlite3 "$DB" 'SELECT count(*) - count(DISTINCT url) FROM articles')
[ "$d" -eq 0 ] || fail "$d duplicates"

# 3. Idempotent: a third run stores nothing new.
"$KHABAR" ingest --quiet --db "$DB" "$T/in.jsonl" 2>"$T/err"
grep -q '0 stored, 40000 already' "$T/err" || { cat "$T/err"; fail "third run stored something"; }

# 4. Search: stemmed match, phrase, exclusion, filters, formats, exit codes.
n=$("$KHABAR" search --db "$DB" --format jsonl 'والموازنة' | wc -l)
[ "$n" -gt 1000 ] || fail "stemmed search found $n"
n=$("$KHABAR" search --db "$DB" --format jsonl '"ستعلن لاحقا"' | wc -l)
[ "$n" -gt 0 ] || fail "phrase search found nothing"
n=$("$KHABAR" search --db "$DB" --format jsonl 'الموازنة -الحكومة' | grep -c 'الحكومة' || true)
[ "$n" -eq 0 ] || fail "exclusion leaked $n hits"
n=$("$KHABAR" search --db "$DB" --format csv 'رسمي' --since 2024-03-01 --until 2024-03-31 | tail -n +2 | wc -l)
[ "$n" -gt 0 ] || fail "date filter found nothing"
"$KHABAR" search --db "$DB" --format csv 'رسمي' --since 2024-03-01 --until 2024-03-31 | tail -n +2 | grep -v '2024-03-' && fail "date filter leaked"
n=$("$KHABAR" export --db "$DB" 'رسمي' | wc -l)
[ "$n" -eq 40000 ] || fail "export capped at $n"
"$KHABAR" search --db "$DB" 'كلمةغيرموجودةأبدا' >/dev/null 2>&1; [ $? -eq 1 ] || fail "no-match exit status"

# 4b. The search index merged at the end of an ingest (the default) answers
# exactly as the unmerged one, in score and order, and stays consistent.
head -6000 "$T/in.jsonl" > "$T/part.jsonl"
"$KHABAR" ingest --quiet --no-optimize --db "$T/raw.db" "$T/part.jsonl" 2>/dev/null || fail "ingest --no-optimize"
"$KHABAR" ingest --quiet --batch 700 --db "$T/opt.db" "$T/part.jsonl" 2>/dev/null || fail "ingest with optimize"
"$KHABAR" stats --check --db "$T/opt.db" >/dev/null 2>"$T/err" || fail "stats --check after optimize: $(cat "$T/err")"
for q in 'الموازنة' 'الحكومة OR البرلمان OR الجامعة OR اتفاقية' '"ستعلن لاحقا" رسمي'; do
  "$KHABAR" search --db "$T/raw.db" --format jsonl --limit 30 "$q" > "$T/r1" 2>/dev/null
  "$KHABAR" search --db "$T/opt.db" --format jsonl --limit 30 "$q" > "$T/r2" 2>/dev/null
  [ -s "$T/r1" ] || fail "[$q] found nothing"
  cmp -s "$T/r1" "$T/r2" || fail "[$q] differs after the index merge"
done

# 5. Malformed queries: a message in the user's terms, exit 2, no SQL dump.
for q in '"غير مغلق' '-فقط' 'OR' 'كلمة OR' '٭٭٭ ،،،'; do
  "$KHABAR" search --db "$DB" "$q" >/dev/null 2>"$T/err"; rc=$?
  [ $rc -eq 2 ] || fail "query [$q] exited $rc"
  grep -qi 'sqlite\|fts5\|syntax error' "$T/err" && fail "query [$q] leaked: $(cat "$T/err")"
  grep -q 'bad query' "$T/err" || fail "query [$q] message: $(cat "$T/err")"
done
"$KHABAR" search --db "$DB" 'x' --since 2024-13-45 >/dev/null 2>"$T/err"; [ $? -eq 2 ] || fail "bad date accepted"

# 6. Bad archives: missing, not a database, read-only folder.
"$KHABAR" search --db "$T/missing.db" 'x' 2>"$T/err"; [ $? -eq 3 ] || fail "missing archive status"
grep -q 'no archive' "$T/err" || fail "missing archive message: $(cat "$T/err")"
echo "not a database at all" > "$T/junk.db"
"$KHABAR" ingest --quiet --db "$T/junk.db" "$T/in.jsonl" 2>"$T/err"; [ $? -eq 3 ] || fail "junk archive status"
grep -q 'not a khabar archive' "$T/err" || fail "junk archive message: $(cat "$T/err")"
if [ "$(id -u)" -ne 0 ]; then
  mkdir "$T/ro"; chmod 555 "$T/ro"
  "$KHABAR" ingest --quiet --db "$T/ro/a.db" "$T/in.jsonl" 2>"$T/err"; [ $? -eq 3 ] || fail "read-only folder status"
fi
# 7. Stories: the same wire text from three outlets (one with a line added)
# is one story; a different text is another; re-ingesting changes nothing.
S="$T/s.db"
body='أعلنت وزارة الصحة اليوم عن افتتاح ثلاثة مستشفيات جديدة في المحافظات الشمالية، بطاقة استيعابية تصل إلى ستمئة سرير، ضمن خطة لتحسين الخدمات الطبية في المناطق البعيدة. وقال الوزير في مؤتمر صحفي إن المستشفيات ستبدأ استقبال المرضى مطلع الشهر المقبل، وإن فرقا طبية متخصصة ستعمل فيها على مدار الساعة.'
{
  printf '{"url":"https://a.example/1","source":"الأولى","title":"افتتاح ثلاثة مستشفيات","text":"%s"}\n' "$body"
  printf '{"url":"https://b.example/2","source":"الثانية","title":"الصحة تفتتح مستشفيات","text":"%s"}\n' "$body"
  printf '{"url":"https://c.example/3","source":"الثالثة","title":"مستشفيات جديدة","text":"%s\\nتابعونا على مواقع التواصل."}\n' "$body"
  printf '{"url":"https://d.example/4","source":"الرابعة","title":"خبر آخر","text":"فاز المنتخب الوطني على ضيفه بثلاثة أهداف مقابل هدف في مباراة ودية أقيمت مساء أمس على الملعب الأولمبي وسط حضور جماهيري كبير."}\n'
} > "$T/wire.jsonl"
"$KHABAR" ingest --quiet --db "$S" "$T/wire.jsonl" 2>/dev/null || fail "ingest of wire copies"
"$KHABAR" ingest --quiet --db "$S" "$T/wire.jsonl" 2>/dev/null
n=$("$KHABAR" stories --db "$S" --format csv | tail -n +2 | wc -l)
[ "$n" -eq 1 ] || fail "stories: $n groups of 2+, want 1"
"$KHABAR" stories --db "$S" --format csv | tail -n +2 | grep -q '^[0-9]*,3,3,' || fail "story size/outlets: $("$KHABAR" stories --db "$S" --format csv)"
n=$("$KHABAR" search --db "$S" --collapse --format jsonl 'مستشفيات' | wc -l)
[ "$n" -eq 1 ] || fail "search --collapse gave $n hits, want 1"
"$KHABAR" search --db "$S" --collapse --format jsonl 'مستشفيات' | grep -q '"copies":3' || fail "collapse copies"
id=$("$KHABAR" search --db "$S" --format csv 'مستشفيات' | sed -n 2p | cut -d, -f1 | tr -d '"')
n=$("$KHABAR" show --db "$S" "$id" | sed -n '/the same story elsewhere/,$p' | tail -n +2 | grep -c .)
[ "$n" -eq 2 ] || fail "show lists $n other copies, want 2"

echo "archive tests passed"
