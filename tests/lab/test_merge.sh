#!/usr/bin/env bash
# test_merge.sh — one job sharded over two "gateways" (two configurations with shard 1/3,
# 2/3, 3/3 and one seed, each its own database), merged into a central database in two
# steps: the merged round equals the unsharded sweep host by host and port by port, keeps
# each shard's provenance, and merging again changes nothing.
#
#   scanner ns (three sweeps, each as its own gateway) ──veth── router ns ──bridge── lab hosts

# shellcheck disable=SC2317  # check functions are called through `check`
# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
A=$AS_BUILD_DIR/agentscan
lab_up
X=$LAB_DIR

conf() {  # conf NAME SHARD-LINE
    cat >"$X/$1.conf" <<EOF
[job lab]
targets = 198.18.0.0/18
dns-servers = $LAB_DNS
max-rate = 20000
seed = 7
gateway = $1
db = $X/$1.db
$2
EOF
}
conf full ""
for k in 1 2 3; do conf "gw$k" "shard = $k/3"; done
for g in full gw1 gw2 gw3; do
    check "sweep on $g" timeout 120 ip netns exec "$LAB_SCAN_NS" "$A" sweep lab \
        --config "$X/$g.conf" --no-progress
done

say "merge in two steps: shard 1, then all three"
check "merge gw1" "$A" merge "$X/gw1.db" --into "$X/central.db"
check "one shard of three: interrupted, coverage unknown" test "$(sqlite3 "file:$X/central.db?mode=ro" \
    "SELECT status || ',' || coverage FROM scan")" = "interrupted,unknown"
check "merge gw1 gw2 gw3" "$A" merge "$X/gw1.db" "$X/gw2.db" "$X/gw3.db" --into "$X/central.db"
check "one scan, complete, its ranges known" test "$(sqlite3 "file:$X/central.db?mode=ro" \
    "SELECT count(*) || ',' || min(status) || ',' || min(coverage) FROM scan")" = "1,complete,ranges"
check "provenance: three shards of three gateways" test "$(sqlite3 "file:$X/central.db?mode=ro" \
    "SELECT group_concat(gateway || ':' || shard_k || '/' || shard_n, ' ') FROM
       (SELECT * FROM scan_origin ORDER BY shard_k)")" = "gw1:1/3 gw2:2/3 gw3:3/3"
hosts_json "$X/central.db" "$X/central.json"
hosts_json "$X/full.db" "$X/full.json"
check "the merged round equals the unsharded sweep" python3 - "$X/full.json" "$X/central.json" <<'PY'
import json, sys
def load(p):
    return {h["address"]: (h["up_reason"] != "", sorted((q["port"], q["state"]) for q in h["ports"]),
                           h["deploy"], h["agent"], h["name"]) for h in json.load(open(p))}
full, merged = load(sys.argv[1]), load(sys.argv[2])
for ip in sorted(set(full) | set(merged)):
    if full.get(ip) != merged.get(ip):
        print(f"{ip}: full {full.get(ip)} merged {merged.get(ip)}")
print(f"full {len(full)} hosts, merged {len(merged)} hosts")
sys.exit(0 if full == merged and full else 1)
PY
check "the merged inventory agrees with the truth" compare_json "$X/central.json" --mode default \
    --scope 198.18.0.0/18

say "merging again changes nothing"
before=$(sqlite3 "file:$X/central.db?mode=ro" "SELECT count(*) FROM observation")
"$A" merge "$X/gw1.db" "$X/gw2.db" "$X/gw3.db" --into "$X/central.db" 2>"$X/again.err"
check "all three merged before" grep -q "3 scan(s) read, 3 merged before, 0 new" "$X/again.err"
check "no new rows" test "$(sqlite3 "file:$X/central.db?mode=ro" "SELECT count(*) FROM observation")" = "$before"
finish
