#!/bin/sh
# Load test of `khabar serve` with wrk on loopback: GET /api/search (limit 20)
# over a 62k-article archive, with 100 query words taken from the archive's
# own titles (percent-encoded, chosen at random per request by a wrk Lua
# script), at 2 and at 64 connections. Prints wrk's report (requests/s,
# latency percentiles, errors). Figures go to bench/RESULTS-serve.md.
#
#   bench/bench_serve.sh [KHABAR] [DB]
#     KHABAR  the binary (default build/khabar)
#     DB      the archive (default /tmp/bench62k.db, built from
#             ../shared/corpus/news/{ant-v2.1,saudinewsnet}.jsonl.zst when absent)
#   env: DURATION (seconds per run, default 20), THREADS (server --threads),
#        CACHE_TTL (server --cache-ttl; 0 measures every query in SQLite)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KHABAR=${1:-$ROOT/build/khabar}
DB=${2:-/tmp/bench62k.db}
DURATION=${DURATION:-20}
CORPUS=$ROOT/../shared/corpus/news

if ! command -v wrk >/dev/null 2>&1; then
    echo "bench_serve: installing wrk (Debian package)"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO=sudo
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q wrk >/dev/null 2>&1 ||
        { $SUDO apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q wrk >/dev/null; }
fi
if [ ! -s "$DB" ]; then
    echo "bench_serve: building $DB (a minute or two)"
    "$KHABAR" ingest --quiet --db "$DB" "$CORPUS/ant-v2.1.jsonl.zst" "$CORPUS/saudinewsnet.jsonl.zst" || true
fi

T=$(mktemp -d)
PID=""
cleanup() {
    if [ -n "$PID" ]; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true; fi
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# 100 query words: frequent Arabic words of titles (length >= 4), skipping
# the 20 most frequent (near-stopwords), percent-encoded for the URL.
sqlite3 "$DB" "SELECT title FROM articles WHERE rowid % 30 = 0 LIMIT 2000" | python3 -c '
import sys, collections, urllib.parse
c = collections.Counter()
for line in sys.stdin:
    for w in line.split():
        w = w.strip("\"«»:،,.؟!()-–")
        if len(w) >= 4 and not any(ch in w for ch in "\"*()") and not w.isascii():
            c[w] += 1
words = [w for w, n in c.most_common(120)][20:]
print("local queries = {")
for w in words:
    print("  \"%s\"," % urllib.parse.quote(w))
print("}")
print("""
math.randomseed(os.time())
request = function()
  local q = queries[math.random(#queries)]
  return wrk.format("GET", "/api/search?limit=20&q=" .. q)
end
""")' >"$T/search.lua"
nq=$(grep -c '^  "' "$T/search.lua")

set -- --listen 127.0.0.1:0
[ -n "${THREADS:-}" ] && set -- "$@" --threads "$THREADS"
[ -n "${CACHE_TTL:-}" ] && set -- "$@" --cache-ttl "$CACHE_TTL"
"$KHABAR" serve --db "$DB" "$@" 2>"$T/log" &
PID=$!
PORT=""
for _ in $(seq 100); do
    PORT=$(sed -n 's|^khabar: serving http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$T/log" 2>/dev/null || true)
    [ -n "$PORT" ] && break
    sleep 0.1
done
[ -n "$PORT" ] || { cat "$T/log"; exit 1; }
cat "$T/log"
articles=$(curl -s "http://127.0.0.1:$PORT/api/stats" | sed -n 's|^{"articles":\([0-9]*\),.*|\1|p')
echo "archive: $DB ($articles articles); $nq query words; $(nproc) CPUs; wrk and the server on one machine"

# Warm up: every query once (the OS page cache, and the server's answer
# cache unless CACHE_TTL=0), then a short wrk run; then measure.
for q in $(sed -n 's|^  "\(.*\)",$|\1|p' "$T/search.lua"); do
    curl -s -o /dev/null "http://127.0.0.1:$PORT/api/search?limit=20&q=$q"
done
wrk -t 2 -c 8 -d 3s -s "$T/search.lua" "http://127.0.0.1:$PORT" >/dev/null
for c in 2 64; do
    t=2
    [ "$c" -lt 2 ] && t=$c
    echo
    echo "== wrk -t$t -c$c -d${DURATION}s --latency -s search.lua http://127.0.0.1:$PORT"
    wrk -t "$t" -c "$c" -d "${DURATION}s" --timeout 5s --latency -s "$T/search.lua" "http://127.0.0.1:$PORT"
done
kill -0 "$PID" || { echo "server died"; exit 1; }
