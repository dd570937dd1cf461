#!/usr/bin/env bash
# test_report_table.sh — the report's hosts table and grids as a reader uses them, on a
# 450-host inventory (three pages of 200, 256 /24s: the grids drawn as they come into view):
# with scripts on, the page's data holds every host, the summary counts are the database's,
# the first page is drawn, next, the address heading (sorted as numbers) and the filter show
# the right hosts, and a grid scrolled into view is drawn; with scripts off every host is a
# row and every grid is drawn. No lab, no root needed (skipped, 77, without chromium).

set -uo pipefail
AS_SOURCE_DIR=${AS_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
AS_BUILD_DIR=${AS_BUILD_DIR:-$AS_SOURCE_DIR/build}
# shellcheck source=tests/browser/chromium.sh
source "$AS_SOURCE_DIR/tests/browser/chromium.sh"
A=$AS_BUILD_DIR/agentscan
W=$(mktemp -d /tmp/asreport-table.XXXXXX)
trap 'rm -rf "$W"' EXIT
FAILS=0
CHECKS=0
check() {
    local what=$1
    shift
    CHECKS=$((CHECKS + 1))
    if "$@"; then echo "PASS: $what"; else echo "FAIL: $what"; FAILS=$((FAILS + 1)); fi
}
fails() {
    "$@" >/dev/null
    (($? == 1))
}

check "450-host inventory written through the store API" "$AS_BUILD_DIR/asreport-fixture" bulk "$W/b.db" 450
check "agentscan report exits 0" "$A" report --db "$W/b.db" -o "$W/b.html"
check "chromium opens the page" chromium_dom "$W/b.html" "$W/dom"
check "its data holds every host, the first page is drawn, the counts are the database's" \
    python3 "$CHECK_REPORT" lab "$W/dom/dom.html" "$W/b.db"
check "its script ran, nothing else" python3 "$CHECK_REPORT" dom-safe "$W/dom/dom.html"
check "chromium uses the hosts table: next, sort, filter, a grid scrolled into view" \
    chromium_table "$W/b.html" "$W/table"
check "each step shows the right hosts" python3 "$CHECK_REPORT" table "$W/table/table.json"
check "the console is quiet" python3 "$CHECK_REPORT" console "$W/table/chromium.log"
check "chromium opens the page with scripts off" chromium_dom_off "$W/b.html" "$W/off"
check "scripts off: every live host is a row, the counts are the database's, every grid drawn" \
    python3 "$CHECK_REPORT" lab "$W/off/dom.html" "$W/b.db"
check "scripts off: no script ran, nothing injected" \
    python3 "$CHECK_REPORT" dom-safe "$W/off/dom.html" off

# The check must be able to fail: a page whose second page repeats the first.
python3 - "$W/table/table.json" "$W/bad.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
t["third"]["rows"] = t["first"]["rows"]
json.dump(t, open(sys.argv[2], "w"))
PY
check "table fails when a page shows the wrong hosts" fails python3 "$CHECK_REPORT" table "$W/bad.json"

if ((FAILS)); then
    echo "RESULT: $FAILS of $CHECKS checks failed"
    exit 1
fi
echo "RESULT: all $CHECKS checks passed"
