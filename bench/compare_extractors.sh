#!/bin/sh
# compare_extractors.sh: khabar's HTML extractor side by side with the two
# reference extractors, Mozilla's Readability.js (on jsdom) and
# readability-lxml, on the same pages in one run: body F1 / snippet hits and
# titles on the gold pages, time per page on all of them (see
# bench/compare_extractors.py for the scoring, and the three drivers
# bench/bench_extract_pages.c, bench/readability.mjs, bench/readability_lxml.py).
#
# It installs what is missing (the npm packages into bench/node_modules,
# which git ignores; Debian's python3-readability with apt-get), builds the
# C driver in build-xb/, runs the three and prints the table.
#
# Usage: bench/compare_extractors.sh [RUNS]     (timed runs per page, default 20)
# Env:   KB_CORPUS (default ../shared/corpus), XB_BUILD (default build-xb)
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
RUNS=${1:-20}
CORPUS=${KB_CORPUS:-../shared/corpus}/html
BUILD=${XB_BUILD:-build-xb}
PY=/usr/bin/python3 # Debian's python3-readability lives in its dist-packages

if [ ! -d "$CORPUS" ]; then
    echo "compare_extractors: corpus folder $CORPUS not found (set KB_CORPUS)" >&2
    exit 1
fi

# --- dependencies ---------------------------------------------------------
if [ ! -d bench/node_modules/@mozilla/readability ] || [ ! -d bench/node_modules/jsdom ]; then
    echo "compare_extractors: installing Readability.js and jsdom into bench/node_modules" >&2
    npm install --prefix bench --no-package-lock --no-audit --no-fund >&2
fi
if ! "$PY" -c 'import readability, lxml.html' 2>/dev/null; then
    echo "compare_extractors: installing python3-readability" >&2
    SUDO=
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y python3-readability >&2 ||
        { $SUDO apt-get update >&2 &&
          $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y python3-readability >&2; }
fi

cmake -S . -B "$BUILD" -DKB_BENCH=ON -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" --target bench_extract_pages -j "$(nproc 2>/dev/null || echo 2)" >/dev/null

# --- pages: the gold pages (lbc unzipped to a temporary file) and the rest --
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
gunzip -c "$CORPUS/lbc.html.gz" >"$TMP/lbc.html"
"$PY" bench/compare_extractors.py pages "$CORPUS" "$TMP/lbc.html" >"$TMP/pages.tsv"

# One argument list for the three drivers: --url URL FILE per page. Pages
# have no tab or newline in their names or URLs, so reading the TSV is safe.
set --
while IFS="$(printf '\t')" read -r name url file; do
    set -- "$@" --url "$url" "$file"
done <"$TMP/pages.tsv"

# The times are wall-clock; a busy machine inflates the slow pages most, so
# the load average is printed with the results.
LOAD0=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')
# A driver that dies still leaves the pages it did; the report marks the rest.
"$BUILD/bench_extract_pages" -n "$RUNS" "$@" >"$TMP/khabar.jsonl" ||
    echo "compare_extractors: khabar driver exited with $?" >&2
node bench/readability.mjs -n "$RUNS" "$@" >"$TMP/readability.jsonl" ||
    echo "compare_extractors: readability.mjs exited with $?" >&2
"$PY" bench/readability_lxml.py -n "$RUNS" "$@" >"$TMP/lxml.jsonl" ||
    echo "compare_extractors: readability_lxml.py exited with $?" >&2

echo "extract_compare_versions khabar=$(git describe --always --dirty 2>/dev/null || echo unknown)" \
    "readability.js=$(node -p 'require("./bench/node_modules/@mozilla/readability/package.json").version')" \
    "jsdom=$(node -p 'require("./bench/node_modules/jsdom/package.json").version')" \
    "node=$(node --version)" \
    "readability-lxml=$(dpkg-query -W -f='${Version}' python3-readability 2>/dev/null || echo unknown)" \
    "lxml=$("$PY" -c 'import lxml.etree as e; print(e.__version__)')" runs="$RUNS" \
    cpus="$(nproc 2>/dev/null || echo '?')" load_before="$LOAD0" load_after="$(cut -d' ' -f1 /proc/loadavg 2>/dev/null)"
"$PY" bench/compare_extractors.py report "$CORPUS" "$TMP/pages.tsv" \
    "$TMP/khabar.jsonl" "$TMP/readability.jsonl" "$TMP/lxml.jsonl"
