#!/usr/bin/env bash
# test_os.sh — OS detection against nmap on the same lab hosts: every fingerprint attribute
# that does not depend on random numbers (all but SP, GCD, ISR, TS) equals nmap's, and the
# lab's personalities (TTL 64/128/255, timestamps off) give distinct fingerprints.
#
#   scanner ns ──veth── router ns ──bridge── lab hosts (tools/lab)

# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
lab_up
D=$LAB_DIR
# host, an open port, a closed port (from the lab's host table)
HOSTS=("198.18.1.10 22 23" "198.18.1.20 445 22" "198.18.1.30 22 23" "198.18.77.7 22 80")
declare -A PRINTS
for h in "${HOSTS[@]}"; do
    read -r ip open closed <<<"$h"
    timeout 60 ip netns exec "$LAB_SCAN_NS" "$AS_BUILD_DIR/agentscan" scan "$ip" -p "$open,$closed" -O -vv -n \
        --db "$D/os.db" >"$D/$ip.out" 2>"$D/$ip.err"
    # The fingerprint is the block of test lines after "fingerprint:" in the -vv log.
    sed -n '/fingerprint:$/,/^$/p' "$D/$ip.err" | sed '1d' >"$D/$ip.fp"
    check "$ip: agentscan printed a fingerprint" test -s "$D/$ip.fp"
    timeout 120 ip netns exec "$LAB_SCAN_NS" nmap -O -n -d -p "$open,$closed" "$ip" -oX "$D/$ip.xml" >/dev/null 2>&1
    check "$ip: same attributes as nmap -O" python3 "$AS_SOURCE_DIR/tests/lab/os_compare.py" "$D/$ip.fp" "$D/$ip.xml"
    PRINTS[$ip]=$(grep -v '^SEQ' "$D/$ip.fp")
done
check "TTL 64 and TTL 128 hosts differ" test "${PRINTS[198.18.1.10]}" != "${PRINTS[198.18.1.20]}"
check "timestamps on and off differ" test "${PRINTS[198.18.1.10]}" != "${PRINTS[198.18.1.30]}"
check "TTL 64 and TTL 255 hosts differ" test "${PRINTS[198.18.1.10]}" != "${PRINTS[198.18.77.7]}"
check "timestamps random per connection seen as a class of its own" grep -q 'TS=RND' "$D/198.18.1.10.fp"
# With our own database the 6.x kernels become a confident Linux match, the passive guess is
# recorded too, and a host with no open port gets only the passive/none answer.
timeout 60 ip netns exec "$LAB_SCAN_NS" "$AS_BUILD_DIR/agentscan" scan 198.18.1.0/24 198.18.77.0/24 -O -n \
    --db "$D/all.db" >/dev/null 2>&1
"$AS_BUILD_DIR/agentscan" hosts --db "$D/all.db" --format json >"$D/all.json"
check "6.x kernels: a confident Linux match, passive guess recorded, none without open ports" python3 - "$D/all.json" <<'PY'
import json, sys
hosts = {h["address"]: h for h in json.load(open(sys.argv[1]))}
ok = True
for ip in ("198.18.1.10", "198.18.1.11", "198.18.77.6"):
    best = hosts[ip]["os"][0]
    print(ip, best["name"], best["accuracy"], hosts[ip]["os_passive"])
    ok &= best["name"].startswith("Linux") and best["accuracy"] >= 95 and best["family"] == "Linux"
    ok &= (hosts[ip]["os_passive"] or "").startswith("Linux")
    ok &= "TS=RND" in hosts[ip]["os_fingerprint"]
closed = hosts["198.18.77.5"]
print("198.18.77.5", closed["os"], closed["os_fingerprint"])
ok &= closed["os"] == [] and closed["os_fingerprint"] is None
sys.exit(0 if ok else 1)
PY
finish
