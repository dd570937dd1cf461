#!/usr/bin/env bash
# test_pg.sh — many gateways, one PostgreSQL inventory: three sharded sweep jobs (gateways
# gw1-gw3, same seed) run at once into one server and together hold exactly what one
# unsharded SQLite scan finds; export and deploy-report read the same from both databases; a
# sweep while the server is down keeps its scan in the spool, and `push` forwards it once;
# a read-only role runs every read command and is refused every write.
#
#   scanner ns: agentscan sweep ×3 ──veth── router ns ──bridge── lab hosts (tools/lab)
#   PostgreSQL: tools/pgtest, a Unix socket in the test's directory (no TCP port at all)

# shellcheck disable=SC2317  # check functions are called through `check`
# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
A=$AS_BUILD_DIR/agentscan
PGTEST=$AS_SOURCE_DIR/tools/pgtest
if ! [[ -x $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -1)/initdb ]] || ! id postgres >/dev/null 2>&1; then
    echo "SKIP: no PostgreSQL server (tools/setup installs postgresql)"
    exit 77
fi
lab_up
X=$LAB_DIR
chmod 755 "$X"
PGDIR=$X/pg
stop_pg() { "$PGTEST" stop "$PGDIR" >/dev/null 2>&1 || true; }
trap 'stop_pg; lab_down' EXIT
PG=$("$PGTEST" start "$PGDIR") || { echo "FAIL: tools/pgtest start"; exit 1; }
RO=${PG/user=as_writer/user=as_reader}
T=198.18.0.0/18

cat >"$X/sweep.conf" <<EOF
[defaults]
dns-servers = $LAB_DNS
max-rate = 20000
seed = 7
targets = $T
db = $PG
spool = $X/%j.spool.db

[job gw1]
gateway = gw1
shard = 1/3

[job gw2]
gateway = gw2
shard = 2/3

[job gw3]
gateway = gw3
shard = 3/3
EOF

sweep() {  # sweep JOB: one bounded sweep in the scanner namespace
    timeout 180 ip netns exec "$LAB_SCAN_NS" "$A" sweep "$1" --config "$X/sweep.conf" \
        >"$X/$1.out" 2>"$X/$1.err"
}
psql_q() { timeout 30 runuser -u postgres -- psql -h "$PGDIR" -d agentscan_test -At -c "$1"; }
run_ro() {  # run_ro CMD ARGS...: a read command as the reader role; output to $X/ro.$1
    timeout 60 "$A" "$@" --db "$RO" >"$X/ro.$1" 2>"$X/ro.$1.err"
}

check "unsharded reference scan into SQLite" run_scan "$X/full.db" --seed 7 --max-rate 20000 "$T"
hosts_json "$X/full.db" "$X/full.json"

three_at_once() {
    local pids=() rc=0
    for g in gw1 gw2 gw3; do sweep "$g" & pids+=($!); done
    for p in "${pids[@]}"; do wait "$p" || rc=1; done
    ((rc == 0)) || { tail -5 "$X"/gw*.err; return 1; }
    grep -h forwarded "$X"/gw*.err
}
check "three sharded gateways sweep at once into one server" three_at_once
check "the server holds three scans, one per gateway" \
    test "$(psql_q "SELECT string_agg(gateway, ',' ORDER BY gateway) FROM scan_origin")" = gw1,gw2,gw3

union_equals_full() {
    local ids
    ids=$(psql_q "SELECT id FROM scan ORDER BY id")
    for id in $ids; do
        timeout 60 "$A" hosts --db "$PG" --scan "$id" --format json >"$X/pg.$id.json" || return 1
    done
    python3 - "$X" $ids <<'PY'
import json, sys
d, ids = sys.argv[1], sys.argv[2:]
def ports(h): return {(p["port"], p["state"], p["reason"]) for p in h["ports"]}
full = {h["address"]: (ports(h), h["name"], h["managed"], h["deploy"]) for h in json.load(open(f"{d}/full.json"))}
union = {}
for i in ids:
    for h in json.load(open(f"{d}/pg.{i}.json")):
        union[h["address"]] = (ports(h), h["name"], h["managed"], h["deploy"])
bad = [ip for ip in sorted(set(full) | set(union)) if full.get(ip) != union.get(ip)]
print(f"unsharded SQLite: {len(full)} hosts; three gateways on PostgreSQL: {len(union)} hosts; differ: {bad[:5]}")
sys.exit(0 if full and not bad else 1)
PY
}
check "host for host, port for port: the gateways' union equals the unsharded scan" union_equals_full
check "one host row per machine on the server" \
    test "$(psql_q "SELECT count(*) FROM host")" = "$(psql_q "SELECT count(DISTINCT ip) FROM observation")"

# The reference file, with a second scan, pushed too: then diff, export, deploy-report and
# hosts read the same from the file and from the server.
check "a second reference scan into SQLite" run_scan "$X/full.db" --seed 8 --max-rate 20000 "$T"
check "push the reference file as a spool" timeout 60 "$A" push --spool "$X/full.db" --db "$PG"
compare_json() {  # compare_json FILE_OUT PG_OUT: equal but for scan and host numbers
    python3 - "$1" "$2" <<'PY'
import json, sys
IDS = {"scan_id", "host_id", "scan", "id", "previous_scan", "scan_a", "scan_b"}
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in IDS}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v
a, b = (strip(json.load(open(f))) for f in sys.argv[1:3])
print("same" if a == b else f"differ:\n{json.dumps(a)[:600]}\n{json.dumps(b)[:600]}")
sys.exit(0 if a == b and a else 1)
PY
}
same_diff() {
    local sid
    sid=$(psql_q "SELECT max(id) FROM scan")
    timeout 60 "$A" diff 1 2 --format json --db "$X/full.db" >"$X/d.file"
    [[ $? -le 1 ]] || return 1
    timeout 60 "$A" diff $((sid - 1)) "$sid" --format json --db "$PG" >"$X/d.pg"
    [[ $? -le 1 ]] || return 1
    compare_json "$X/d.file" "$X/d.pg"
}
check "diff: the same from the file and from the server" same_diff
same_output() {  # same_output ARGS...: file and server agree (scan and host numbers aside)
    local sid
    sid=$(psql_q "SELECT max(id) FROM scan")
    timeout 60 "$A" "$@" --db "$X/full.db" --scan 2 >"$X/o.file" &&
        timeout 60 "$A" "$@" --db "$PG" --scan "$sid" >"$X/o.pg" || return 1
    compare_json "$X/o.file" "$X/o.pg"
}
check "export: the same from the file and from the server" same_output export --format json
check "deploy-report: the same from the file and from the server" same_output deploy-report --format json
check "hosts: the same from the file and from the server" same_output hosts --format json

# An outage: gw1's next sweep keeps its scan in the spool; push forwards it once.
check "server stopped" "$PGTEST" pause "$PGDIR"
check "a sweep with the server down still exits 0" sweep gw1
check "... and says the scan waits in the spool" grep -q "stay in the spool" "$X/gw1.err"
check "server started again" "$PGTEST" resume "$PGDIR"
before=$(psql_q "SELECT count(*) FROM scan")
check "push forwards the spooled scan" timeout 60 "$A" push --spool "$X/gw1.spool.db" --db "$PG"
check "... exactly once" test "$(psql_q "SELECT count(*) FROM scan")" = $((before + 1))
check "a second push adds nothing" timeout 60 "$A" push --spool "$X/gw1.spool.db" --db "$PG"
check "... still $((before + 1)) scans" test "$(psql_q "SELECT count(*) FROM scan")" = $((before + 1))

# The reader role: every read command works, every write is refused.
for cmd in hosts export deploy-report ports diff report; do
    args=()
    [[ $cmd == report ]] && args=(-o "$X/report.html")
    [[ $cmd == ports ]] && args=(--scan "$(psql_q "SELECT max(id) FROM scan")")
    check "reader role: $cmd" run_ro "$cmd" "${args[@]}"
done
gw2_only() {
    timeout 60 "$A" hosts --db "$RO" --gateway gw2 --format json >"$X/gw2.json" &&
        test "$(psql_q "SELECT count(*) FROM observation o JOIN scan_origin g USING (scan_id) WHERE g.gateway = 'gw2' AND o.up = 1")" = \
             "$(python3 -c 'import json,sys; print(sum(h["up"] for h in json.load(open(sys.argv[1]))))' "$X/gw2.json")"
}
check "reader role: --gateway narrows hosts to gw2's scan" gw2_only
refused() { ! timeout 60 "$A" "$@" >"$X/refused.out" 2>&1 && grep -Eq "permission denied|may not" "$X/refused.out"; }
check "a spool the reader would push" timeout 60 "$AS_BUILD_DIR/asreport-fixture" bulk "$X/new.db" 5
check "reader role: push is refused" refused push --spool "$X/new.db" --db "$RO"
check "reader role: prune is refused" refused prune --keep 1 --db "$RO"
check "the server still holds $((before + 1)) scans" test "$(psql_q "SELECT count(*) FROM scan")" = $((before + 1))
finish
