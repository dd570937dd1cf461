#!/usr/bin/env bash
# test_shard.sh — --shard K/N with a shared --seed: three shards together find exactly what
# one unsharded scan finds (hosts and every port state), and each shard sends about a third.
#
#   scanner ns ──veth── router ns ──bridge── lab hosts (tools/lab)

# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
lab_up
T=198.18.0.0/18
check "unsharded scan" run_scan "$LAB_DIR/full.db" --seed 7 --max-rate 20000 "$T"
hosts_json "$LAB_DIR/full.db" "$LAB_DIR/full.json"
for k in 1 2 3; do
    check "shard $k/3" run_scan "$LAB_DIR/s$k.db" --seed 7 --shard "$k/3" --max-rate 20000 "$T"
    hosts_json "$LAB_DIR/s$k.db" "$LAB_DIR/s$k.json"
done
check "union of shards equals the full scan" python3 - "$LAB_DIR" <<'PY'
import json, sys
d = sys.argv[1]
def load(name):
    out = {}
    for h in json.load(open(f"{d}/{name}.json")):
        out[h["address"]] = {(p["port"], p["state"]) for p in h["ports"]}
    return out
full = load("full")
union = {}
for k in (1, 2, 3):
    for ip, ports in load(f"s{k}").items():
        if ip in union and union[ip] != ports:
            print(f"{ip}: shards disagree: {sorted(union[ip])} vs {sorted(ports)}")
            sys.exit(1)
        union[ip] = ports
ok = full == union
print(f"full: {len(full)} hosts, union: {len(union)} hosts, equal: {ok}")
for ip in sorted(set(full) ^ set(union)):
    print(f"  only in {'full' if ip in full else 'union'}: {ip}")
sys.exit(0 if ok and len(full) > 0 else 1)
PY
probes() { sqlite3 "file:$1?mode=ro" "SELECT probes_sent FROM scan ORDER BY id DESC LIMIT 1"; }
full=$(probes "$LAB_DIR/full.db")
for k in 1 2 3; do
    p=$(probes "$LAB_DIR/s$k.db")
    check "shard $k sent $p of $full probes (about a third)" \
        python3 -c "import sys; sys.exit(0 if 0.25 < $p / $full < 0.45 else 1)"
done
finish
