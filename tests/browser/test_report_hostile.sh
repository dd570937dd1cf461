#!/usr/bin/env bash
# test_report_hostile.sh — `agentscan report` on an inventory full of names that try to inject
# markup and script (<script>, "><img onerror=...>, javascript:, </svg>, control bytes, a
# 1,000-character name), opened in headless Chromium: the page's own script runs (its CSP
# hash is right), no injected one does, every name shows as text (in the table the script
# draws from the page's data with textContent, and with scripts off in the <noscript> table),
# the console stays quiet and the page requests nothing. Then the checks are shown to catch what they are for: an
# injected <img> in the DOM and a page that loads an image from the network. No lab, no root
# needed (skipped, 77, without chromium).

set -uo pipefail
AS_SOURCE_DIR=${AS_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
AS_BUILD_DIR=${AS_BUILD_DIR:-$AS_SOURCE_DIR/build}
# shellcheck source=tests/browser/chromium.sh
source "$AS_SOURCE_DIR/tests/browser/chromium.sh"
A=$AS_BUILD_DIR/agentscan
W=$(mktemp -d /tmp/asreport-hostile.XXXXXX)
trap 'rm -rf "$W"' EXIT
FAILS=0
CHECKS=0
check() {
    local what=$1
    shift
    CHECKS=$((CHECKS + 1))
    if "$@"; then echo "PASS: $what"; else echo "FAIL: $what"; FAILS=$((FAILS + 1)); fi
}
# fails CMD...: CMD reports a problem (status 1), not that it could not run (2).
fails() {
    "$@" >/dev/null
    (($? == 1))
}

check "hostile inventory written through the store API" "$AS_BUILD_DIR/asreport-fixture" hostile "$W/h.db"
check "agentscan report exits 0" "$A" report --db "$W/h.db" -o "$W/h.html"
check "the database is left as it was: no -wal or -shm beside it" \
    test ! -e "$W/h.db-wal" -a ! -e "$W/h.db-shm"
check "chromium opens the page" chromium_dom "$W/h.html" "$W/dom"
check "its script ran, nothing injected: one <script>, no <img>, no on*, no outside link" \
    python3 "$CHECK_REPORT" dom-safe "$W/dom/dom.html"
# The names as the fixture stores them, control bytes shown as '?'.
python3 - "$W/names.json" <<'PY'
import json, sys
mark = "document.documentElement.setAttribute('data-pwned','%s')"
names = [f"<script>{mark % 'script'}</script>",
         f"\"><img src=x onerror=\"{mark % 'img'}\">",
         f"javascript:{mark % 'js'}",
         f"'><svg onload=\"{mark % 'svg'}\">",
         "ctl???[31mred??end",
         f"</title></rect></svg><script>{mark % 'title'}</script>",
         "&lt;already&gt; &amp; escaped &#60;b&#62;",
         "A" * 991 + "<b>x</b>."]
assert len(names[-1]) == 1000
json.dump(names, open(sys.argv[1], "w"))
PY
check "every hostile name is a text cell of the hosts table the script drew, and in its data" \
    python3 "$CHECK_REPORT" names "$W/dom/dom.html" "$W/names.json"
check "the console is quiet (no CSP violation, no error)" \
    python3 "$CHECK_REPORT" console "$W/dom/chromium.log"
check "the page made no network request" python3 "$CHECK_REPORT" netlog "$W/dom/netlog.json"
# With scripts off the names come from the <noscript> table the browser now parses as markup.
check "chromium opens the page with scripts off" chromium_dom_off "$W/h.html" "$W/off"
check "scripts off: no script ran, nothing injected, no <img>, no on*, no outside link" \
    python3 "$CHECK_REPORT" dom-safe "$W/off/dom.html" off
check "scripts off: every hostile name is a text cell of the <noscript> table" \
    python3 "$CHECK_REPORT" names "$W/off/dom.html" "$W/names.json"
check "scripts off: the console is quiet" python3 "$CHECK_REPORT" console "$W/off/chromium.log"
check "scripts off: no network request" python3 "$CHECK_REPORT" netlog "$W/off/netlog.json"

# The checks must be able to fail.
sed 's|<body>|<body><img src="x" onerror="alert(1)">|' "$W/dom/dom.html" >"$W/bad-dom.html"
check "dom-safe fails on a DOM with an injected <img onerror>" \
    fails python3 "$CHECK_REPORT" dom-safe "$W/bad-dom.html"
cat >"$W/leak.html" <<'HTML'
<!DOCTYPE html><html><body><p>leak</p><img src="http://198.18.0.1/pixel.png"></body></html>
HTML
chromium_dom "$W/leak.html" "$W/leak"
check "netlog fails on a page that loads an image from the network" \
    fails python3 "$CHECK_REPORT" netlog "$W/leak/netlog.json"

if ((FAILS)); then
    echo "RESULT: $FAILS of $CHECKS checks failed"
    exit 1
fi
echo "RESULT: all $CHECKS checks passed"
