#!/bin/sh
# Golden command tests: each case is a command line, its exact standard
# output (tests/cli/golden/NAME.out) and its exit status. Regenerate an
# expected file after a deliberate change with: KB_GOLDEN_UPDATE=1 ctest -R golden
set -u
KHABAR=${KHABAR:?}
SRC=${KB_SRC:?}
G="$SRC/tests/cli/golden"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
failed=0

case_() { # NAME STATUS ARGS...
    name=$1 want=$2
    shift 2
    (cd "$SRC" && "$KHABAR" "$@") >"$T/out" 2>"$T/err"
    got=$?
    if [ "${KB_GOLDEN_UPDATE:-0}" = 1 ]; then cp "$T/out" "$G/$name.out"; fi
    if [ "$got" -ne "$want" ]; then
        echo "FAIL $name: exit status $got, want $want"; cat "$T/err"; failed=1
    elif ! cmp -s "$T/out" "$G/$name.out"; then
        echo "FAIL $name: output differs"; diff "$G/$name.out" "$T/out" | head -20; failed=1
    else
        echo "ok   $name"
    fi
}

case_ text-normalize 0 text normalize 'وَالكِتابُ فِي المَدْرَسَةِ، ١٢٫٥٪ ﻻ'
case_ text-segment 0 text segment 'وبالمدارس وكتابهم فسيقولون والوزير'
case_ text-stem 0 text stem 'والمدرسة بالمدارس وللكتاب حكومتها المعلمون'
case_ text-tokenize-json 0 text tokenize --json 'قالَ: «نعم» ٣٬٠٠٠ https://example.org/a'
case_ text-lang 0 text lang 'هذا نص عربي قصير' 'این یک متن فارسی است'
case_ extract-flat 0 extract examples/01-flat-economy.txt
case_ extract-html 0 extract --url https://example.org/health/2024/10/02/flu-campaign examples/04-html-health.html
case_ extract-missing 1 extract examples/does-not-exist.txt
case_ extract-bad-format 2 extract --format pdf examples/01-flat-economy.txt
case_ unknown-command 2 frobnicate
exit $failed
