#!/bin/sh
# make bench: run every benchmark against ../shared/corpus and print their
# figures (one `name key=value ...` line per measure). Usage: bench/run.sh BUILD_DIR
# Set KB_CORPUS to use another corpus folder; KB_BENCH_MILLION=1 also builds
# the 1M-article archive (slow: minutes, a few GB in /tmp).
set -u
B=${1:-build-bench}
export KB_CORPUS=${KB_CORPUS:-$(cd "$(dirname "$0")/.." && pwd)/../shared/corpus}
if [ ! -d "$KB_CORPUS" ]; then
  echo "bench: corpus not found at $KB_CORPUS; nothing to measure"
  exit 0
fi
run() {
  echo "== $*"
  "$@" || echo "bench: $1 failed with status $?"
}
date -u +"# %Y-%m-%dT%H:%M:%SZ  $(uname -m), $(nproc) cores"
run "$B/bench_text" "$KB_CORPUS"
run "$B/bench_conflation" "$KB_CORPUS/morph/ud-arabic-pud.conllu"
run "$B/bench_segment" "$KB_CORPUS"
[ -x "$B/bench_html" ] && run "$B/bench_html"
[ -x "$B/bench_flat" ] && run "$B/bench_flat" -q -n 20 "$KB_CORPUS/pages"
[ -x "$B/bench_search" ] && run "$B/bench_search" "$KB_CORPUS"
[ -x "$B/bench_ner" ] && run "$B/bench_ner" "$KB_CORPUS/ner/anercorp-train.txt"
[ -x "$B/bench_dedup" ] && run "$B/bench_dedup"
if [ "${KB_BENCH_MILLION:-0}" = 1 ]; then
  run "$B/bench_ingest" "$KB_CORPUS" --million
else
  run "$B/bench_ingest" "$KB_CORPUS"
fi
[ -x bench/compare_extractors.sh ] && run sh bench/compare_extractors.sh
# The HTTP API under wrk, on the 62k-article archive (built on first use).
run sh bench/bench_serve.sh "$B/khabar" "${KB_BENCH_DB:-/tmp/bench62k.db}"
exit 0
