#!/usr/bin/env bash
# test_report.sh — `agentscan report` of a lab job, opened in headless Chromium with scripts on
# and off: the DOM it dumps holds every live host of the sweep (in the data the script draws
# the table from, and with scripts off as a row each), a grid per /24 with a live host, its
# summary counts equal the database's (queried with SQLite) and the deploy report's, the change made between two sweeps shows, the page
# requests nothing, and a screenshot is kept in the build folder (report-lab.png). With
# `report = PATH` in the job, the sweep itself writes the page.
#
#   scanner ns ──veth── router ns ──bridge── lab hosts (tools/lab)
#   between the sweeps, h16 198.18.200.254 drops tcp/22 (nft table "<prefix>_rp"):
#   its ssh channel is lost, it becomes blocked, and a firewall request names it.

# shellcheck disable=SC2317  # check functions are called through `check`
# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=tests/browser/chromium.sh
source "$AS_SOURCE_DIR/tests/browser/chromium.sh"
A=$AS_BUILD_DIR/agentscan
lab_up
X=$LAB_DIR

# identify = no: the lab's listeners speak no protocol, so with the identity phase no channel
# would be deployable and none could be lost; the report's identity columns have unit tests.
cat >"$X/rp.conf" <<CONF
[job lab]
targets = 198.18.0.0/16
dns-servers = $LAB_DNS
max-rate = 20000
identify = no
db = $X/lab.db
report = $X/www/%j.html
CONF
mkdir -p "$X/www"
sweep() {
    timeout 180 ip netns exec "$LAB_SCAN_NS" "$A" sweep lab --config "$X/rp.conf" --no-progress \
        >>"$X/sweep.out" 2>>"$X/sweep.err"
    (($? <= 1))
}
check "first sweep" sweep
check "h16 drops tcp/22" ip netns exec "$LAB_PREFIX-h16" nft -f - <<NFT
table ip ${LAB_PREFIX}_rp {
    chain input { type filter hook input priority -10; policy accept; tcp dport 22 drop; }
}
NFT
check "the first sweep wrote its report (report = PATH)" grep -q "Network report: scan 1<" "$X/www/lab.html"
check "second sweep" sweep
check "the second sweep replaced it, leaving no temporary file" sh -c \
    "grep -q 'Network report: scan 2<' '$X/www/lab.html' && test \$(ls '$X/www' | wc -l) -eq 1"

say "the report of the job's newest sweep"
t0=$(now_ms)
check "agentscan report --job lab exits 0" "$A" report --db "$X/lab.db" --job lab -o "$X/report.html"
echo "report written in $(fmt_ms $(($(now_ms) - t0)))"
"$A" deploy-report --db "$X/lab.db" --format json >"$X/dr.json"
t0=$(now_ms)
check "chromium opens it" chromium_dom "$X/report.html" "$X/dom"
echo "chromium --dump-dom in $(fmt_ms $(($(now_ms) - t0)))"
check "every live host is in the page's data and the table drawn from it, the summary counts are the database's, a grid drawn per /24" \
    python3 "$CHECK_REPORT" lab "$X/dom/dom.html" "$X/lab.db" "$X/dr.json"
check "its script ran, nothing else: one <script>, no outside link" \
    python3 "$CHECK_REPORT" dom-safe "$X/dom/dom.html"
check "the page made no network request" python3 "$CHECK_REPORT" netlog "$X/dom/netlog.json"
check "the console is quiet" python3 "$CHECK_REPORT" console "$X/dom/chromium.log"
check "the change shows: h16 lost ssh" python3 - "$X/dom/dom.html" <<'PY'
import re, sys
dom = open(sys.argv[1]).read()
rows = re.findall(r'<tr class="ch-deploy-lost"><td>deploy-lost</td><td>([0-9.]+)</td>', dom)
print("deploy-lost:", rows)
sys.exit(0 if "198.18.200.254" in rows else 1)
PY
check "the firewall request names h16's /24 and tcp/22" \
    grep -q "allow tcp/22 (ssh) from $LAB_SCAN_ADDR to 198.18.200.254" "$X/dom/dom.html"
check "the trend has both sweeps" python3 - "$X/dom/dom.html" <<'PY'
import sys
dom = open(sys.argv[1]).read()
sys.exit(0 if "Last 2 sweeps of job lab" in dom else 1)
PY
# With scripts off the page is its <noscript> markup: every host a row, every grid drawn.
check "chromium opens it with scripts off" chromium_dom_off "$X/report.html" "$X/off"
check "scripts off: every live host is a row, the counts are the database's, every grid drawn" \
    python3 "$CHECK_REPORT" lab "$X/off/dom.html" "$X/lab.db" "$X/dr.json"
check "scripts off: no script ran, nothing injected" \
    python3 "$CHECK_REPORT" dom-safe "$X/off/dom.html" off
check "a screenshot for people: $AS_BUILD_DIR/report-lab.png" \
    chromium_shot "$X/report.html" "$AS_BUILD_DIR/report-lab.png" "$X/shot" 1280,2400
check "the screenshot is a PNG" python3 -c "import sys; sys.exit(open('$AS_BUILD_DIR/report-lab.png','rb').read(8) != b'\x89PNG\r\n\x1a\n')"
before=$(ls "$X" | grep '^lab\.db' | tr '\n' ' ')
check "report works without any network" sh -c "unshare -n '$A' report --db '$X/lab.db' --job lab >/dev/null"
check "and creates no file beside the database (was: $before)" \
    test "$(ls "$X" | grep '^lab\.db' | tr '\n' ' ')" = "$before"
finish
