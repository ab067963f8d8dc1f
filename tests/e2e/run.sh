#!/bin/sh
# End-to-end browser tests of `khabar serve` (tests/e2e/e2e.mjs): installs
# Debian's chromium and the pinned npm dependencies when missing, then runs
# the test. Exit 77 (skipped) when chromium or npm cannot be installed.
# Never downloads a browser build of its own (no `playwright install`).
#
#   tests/e2e/run.sh [KHABAR]      KHABAR defaults to build/khabar
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
KHABAR=${1:-${KHABAR:-$ROOT/build/khabar}}
[ -x "$KHABAR" ] || { echo "e2e: $KHABAR is not built (run make first)"; exit 1; }

SUDO=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
apt_install() {
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "$@" >/dev/null 2>&1 ||
        { $SUDO apt-get update -q >/dev/null 2>&1 &&
          DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "$@" >/dev/null 2>&1; }
}

if [ ! -x /usr/bin/chromium ]; then
    echo "e2e: installing chromium (Debian package)"
    apt_install chromium || { echo "e2e: skipped: cannot install chromium"; exit 77; }
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "e2e: installing nodejs and npm (Debian packages)"
    apt_install nodejs npm || { echo "e2e: skipped: cannot install npm"; exit 77; }
fi
if [ ! -d "$HERE/node_modules/playwright-core" ]; then
    echo "e2e: npm install (playwright-core, pinned)"
    npm install --prefix "$HERE" --no-audit --no-fund >/dev/null 2>&1 ||
        { echo "e2e: skipped: npm install failed"; exit 77; }
fi
mkdir -p "$HERE/artifacts"
KHABAR="$KHABAR" CHROMIUM=/usr/bin/chromium node "$HERE/e2e.mjs"
