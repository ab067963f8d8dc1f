#!/bin/sh
# Flattened pages through `khabar extract --format flat`:
# 1. the seed page of the corpus gives exactly its known section, title,
#    source, author, 7 paragraphs, 3 related titles and none of its trailing
#    furniture lines;
# 2. every real page of $KB_CORPUS/pages extracts without error, and at most a
#    few give no paragraph (pages without gold: bench/bench_flat shows them).
# Skips (77) when the corpus or the binary is absent.
set -u
KHABAR=${KHABAR:-}
CORPUS=${KB_CORPUS:-../shared/corpus}
SEED="$CORPUS/seed/000_057b97d1caa2b348.txt"
if [ -z "$KHABAR" ] || [ ! -x "$KHABAR" ]; then
  echo "skip: KHABAR (path to the khabar binary) not set or not executable"
  exit 77
fi
if [ ! -f "$SEED" ] || [ ! -d "$CORPUS/pages" ]; then
  echo "skip: corpus absent ($CORPUS)"
  exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$KHABAR" extract --format flat "$SEED" > "$T/seed.json" 2> "$T/err" || fail "seed: $(cat "$T/err")"
[ "$(wc -l < "$T/seed.json")" -eq 1 ] || fail "seed: expected one article"
has() { grep -qF -- "$1" "$T/seed.json" || fail "seed: missing $1"; }
hasnt() { ! grep -qF -- "$1" "$T/seed.json" || fail "seed: should not contain $1"; }
has '"section":"شؤون دولية"'
has '"source":"كيوبوست"'
has '"authors":["أحمد عدلي"]'
# Title and related titles come from the seed itself (no news text in the
# repository): its third non-blank line, and what follows "اقرأ أيضًا:".
title=$(grep -v '^[[:space:]]*$' "$SEED" | sed -n 2p | sed 's/[[:space:]]*$//')
has "\"title\":\"$title\""
nbsp=$(printf '\302\240')
grep 'اقرأ أيضًا:' "$SEED" | sed -e "s/^اقرأ أيضًا:[ $nbsp]*//" -e 's/[[:space:]]*$//' > "$T/related.txt"
[ "$(wc -l < "$T/related.txt")" -eq 3 ] || fail "seed: expected 3 related lines in the page"
while IFS= read -r r; do has "{\"title\":\"$r\",\"url\":null}"; done < "$T/related.txt"
hasnt 'اتبعنا على تويتر'
hasnt 'تعليقات عبر الفيس بوك'
hasnt 'مقالات ذات صلة'
hasnt 'اقرأ أيضًا'
# 7 paragraphs: count the strings of the paragraphs array.
npar=$(sed -e 's/.*"paragraphs":\[//' -e 's/\],"related".*//' "$T/seed.json" | grep -o '","' | wc -l)
[ "$npar" -eq 6 ] || fail "seed: expected 7 paragraphs, got $((npar + 1))"
# --explain labels every line.
"$KHABAR" extract --format flat --explain "$SEED" > "$T/explain.txt" 2>/dev/null || fail "seed --explain"
nlab=$(grep -c '^# [a-z]* *| ' "$T/explain.txt")
nlines=$(awk 'END { print NR }' "$SEED")
[ "$nlab" -eq "$nlines" ] || fail "seed --explain: $nlab labelled lines for $nlines lines"

# The real pages.
n=0; bad=0; empty=0
for f in "$CORPUS"/pages/*.txt; do
  n=$((n + 1))
  if ! "$KHABAR" extract --format flat "$f" > "$T/p.json" 2> "$T/err"; then
    bad=$((bad + 1)); echo "error: $f: $(cat "$T/err")"; continue
  fi
  grep -q '"paragraphs":\[\]' "$T/p.json" && empty=$((empty + 1))
done
echo "pages: $n, errors: $bad, without paragraphs: $empty"
[ "$bad" -le 2 ] || fail "$bad pages failed"
[ "$empty" -le 5 ] || fail "$empty pages without paragraphs"
echo "ok"
