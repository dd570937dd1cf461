#!/usr/bin/env bash
# test_os_oracle.sh — nmap as the oracle for agentscan's OS matcher: nmap -O --osscan-guess
# scans lab hosts of four personalities; for each, test_osfp's "oracle" case matches the
# fingerprint nmap printed against the same /usr/share/nmap/nmap-os-db with our matcher and
# must print exactly nmap's guess line (names, order, percentages). nmap's file is read in
# place, never copied.
#
#   scanner ns ──veth── router ns ──bridge── lab hosts (tools/lab)

# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
if [[ ! -r /usr/share/nmap/nmap-os-db ]] || ! command -v nmap >/dev/null; then
    echo "SKIP: nmap and /usr/share/nmap/nmap-os-db needed"
    exit 77
fi
if [[ ! -x $AS_BUILD_DIR/tests/test_osfp ]]; then
    echo "FAIL: $AS_BUILD_DIR/tests/test_osfp not built"
    exit 1
fi
lab_up
D=$LAB_DIR
# host, an open port, a closed port (from the lab's host table): TTL 64, TTL 128,
# timestamps off, TTL 255
HOSTS=("198.18.1.10 22 23" "198.18.1.20 445 22" "198.18.1.30 22 23" "198.18.77.7 22 80")
i=0
for h in "${HOSTS[@]}"; do
    read -r ip open closed <<<"$h"
    timeout 180 ip netns exec "$LAB_SCAN_NS" nmap -O --osscan-guess -n -d -p "$open,$closed" \
        "$ip" -oN "$D/oracle$i.nmap" >/dev/null 2>&1
    check "$ip: nmap printed a fingerprint and guesses" grep -q '^OS:SCAN' "$D/oracle$i.nmap"
    i=$((i + 1))
done
# End to end: agentscan's own probes, matched against nmap's database, give nmap's list.
for h in "${HOSTS[@]}"; do
    read -r ip open closed <<<"$h"
    rm -f "$D/e2e.db"
    timeout 60 ip netns exec "$LAB_SCAN_NS" "$AS_BUILD_DIR/agentscan" scan "$ip" -p "$open,$closed" -O \
        --osdb /usr/share/nmap/nmap-os-db -n --db "$D/e2e.db" >/dev/null 2>&1
    "$AS_BUILD_DIR/agentscan" hosts --db "$D/e2e.db" --format json >"$D/e2e-$ip.json"
    timeout 180 ip netns exec "$LAB_SCAN_NS" nmap -O --osscan-guess -n -p "$open,$closed" "$ip" \
        -oX "$D/e2e-$ip.xml" >/dev/null 2>&1
    check "$ip: agentscan -O --osdb nmap-os-db lists nmap's guesses" \
        python3 "$AS_SOURCE_DIR/tests/lab/os_oracle_compare.py" "$D/e2e-$ip.json" "$D/e2e-$ip.xml"
done
check "our matcher prints nmap's guesses for each" \
    env AS_OSDB_ORACLE_DIR="$D" CK_RUN_CASE=oracle "$AS_BUILD_DIR/tests/test_osfp"
finish
