#!/usr/bin/env bash
# test_history.sh — two sweeps of 198.18.1.0/24 with changes made in between (a host
# removed, a port closed, an agent port opened, a host moved to another address with its
# PTR name kept): `diff` reports exactly those; the exports are read by xmllint (nmap.dtd),
# ndiff, python3-libnmap, Python's csv and json; readers work while a scan writes; prune.
#
#   scanner ns ──veth── router ns ──bridge── h01 .10 → .40 (moved; dnsmasq restarted with a PTR)
#                                       ├── h02 .11 (listener restarted without 80)
#                                       ├── h04 .21 (link down: gone)
#                                       └── h05 .30 (+ listener on 1610: BMC agent)
# Every process this test starts is recorded and killed by PID; addresses stay in
# 198.18.0.0/15, namespaces are the lab's.

# Functions are called through `check` and the EXIT trap, which shellcheck cannot follow.
# shellcheck disable=SC2317
# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

AS=$AS_BUILD_DIR/agentscan
PY=/usr/bin/python3     # Debian's, which has python3-libnmap (pyenv's may not)
NMAP_DTD=/usr/share/nmap/nmap.dtd
MINE=()                 # PIDs this test started

kill_mine() {
    local pid
    for pid in "${MINE[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${MINE[@]}"; do
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
        kill -KILL "$pid" 2>/dev/null
    done
    MINE=()
}

lab_up
trap 'rc=$?; kill_mine; (exit $rc); lab_down' EXIT
X=$LAB_DIR
DB=$X/history.db
NET=198.18.1.0/24
export AGENTSCAN_DB=$DB

# The lab-started process of KIND (aslab-listen | dnsmasq) in namespace NS, from LAB_PIDS.
lab_pid() {
    local ns=$1 kind=$2 pid
    for pid in $LAB_PIDS; do
        [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$kind" ]] || continue
        [[ $(ip netns identify "$pid" 2>/dev/null) == "$ns" ]] && { echo "$pid"; return 0; }
    done
    return 1
}

stop_pid() {  # stop_pid PID: TERM, bounded wait, KILL
    kill "$1" 2>/dev/null
    for _ in $(seq 1 60); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done
    kill -KILL "$1" 2>/dev/null
}

# listen NS ID PORT...: a new aslab-listen in NS, recorded, waited for (bounded).
listen() {
    local ns=$1 id=$2
    shift 2
    ip netns exec "$ns" "$AS_BUILD_DIR/aslab-listen" "$@" </dev/null >"$X/$id.new.out" 2>&1 &
    MINE+=("$!")
    for _ in $(seq 1 100); do grep -qx ready "$X/$id.new.out" 2>/dev/null && return 0; sleep 0.05; done
    echo "listener in $ns not ready: $(head -c 200 "$X/$id.new.out")"
    return 1
}

# ptr_is ADDR NAME: the lab DNS answers ADDR's PTR with NAME (from the scanner ns, bounded).
ptr_is() {
    timeout 15 ip netns exec "$LAB_SCAN_NS" python3 - "$LAB_DNS" "$1" "$2" <<'EOF'
import socket, struct, sys, time
server, addr, want = sys.argv[1], sys.argv[2], sys.argv[3]
qname = ".".join(reversed(addr.split("."))) + ".in-addr.arpa"
q = struct.pack(">HHHHHH", 0x4154, 0x0100, 1, 0, 0, 0)
q += b"".join(bytes([len(p)]) + p.encode() for p in qname.split(".")) + b"\0"
q += struct.pack(">HH", 12, 1)
label = want.split(".")[0].encode()
deadline = time.monotonic() + 10
while time.monotonic() < deadline:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.3)
    try:
        s.sendto(q, (server, 53))
        r = s.recv(512)
        if r[:2] == q[:2] and struct.unpack(">H", r[6:8])[0] > 0 and bytes([len(label)]) + label in r:
            sys.exit(0)
    except OSError:
        time.sleep(0.1)
    finally:
        s.close()
sys.exit(1)
EOF
}

# ---- the changes between the sweeps ---------------------------------------------------
remove_h04() { ip -n "$LAB_PREFIX-h04" link set eth0 down; }

close_80_on_h02() {
    local pid
    pid=$(lab_pid "$LAB_PREFIX-h02" aslab-listen) || return 1
    stop_pid "$pid"
    listen "$LAB_PREFIX-h02" h02 22 25 1002
}

open_agent_on_h05() { listen "$LAB_PREFIX-h05" h05 1610; }

# h01 198.18.1.10 → 198.18.1.40, same MAC, and the DNS keeps its name at the new address.
move_h01() {
    local ns=$LAB_PREFIX-h01 mac pid
    mac=$(ip -n "$ns" -o link show eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
    [[ -n $mac ]] || return 1
    # New address first: removing a device's last address flushes its routes.
    ip -n "$ns" addr add 198.18.1.40/32 dev eth0 &&
    ip -n "$ns" addr del 198.18.1.10/32 dev eth0 &&
    ip -n "$ns" route replace default via "$LAB_RTR_ADDR" dev eth0 &&
    ip -n "$LAB_RTR_NS" route del 198.18.1.10/32 dev br0 &&
    ip -n "$LAB_RTR_NS" neigh del 198.18.1.10 dev br0 &&
    ip -n "$LAB_RTR_NS" route add 198.18.1.40/32 dev br0 &&
    ip -n "$LAB_RTR_NS" neigh replace 198.18.1.40 lladdr "$mac" dev br0 nud permanent || return 1
    # dnsmasq's records come from its command line: restart the lab's one with a PTR added.
    pid=$(lab_pid "$LAB_DNS_NS" dnsmasq) || return 1
    local -a args
    mapfile -d '' args <"/proc/$pid/cmdline"
    stop_pid "$pid"
    ip netns exec "$LAB_DNS_NS" "${args[@]}" \
        "--ptr-record=40.1.18.198.in-addr.arpa,web01.$LAB_DOMAIN" </dev/null >"$X/dnsmasq2.out" 2>&1 &
    MINE+=("$!")
    ptr_is 198.18.1.40 "web01.$LAB_DOMAIN"
}

# ---- checks ----------------------------------------------------------------------------
# diff_exactly JSON: the changes are exactly the five made above.
diff_exactly() {
    python3 - "$1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
got = set()
for c in d["changes"]:
    detail = c.get("port") or c.get("agent") or c.get("from") or ""
    got.add((c["change"], c["address"], str(detail), str(c.get("to") or "")))
want = {
    ("moved", "198.18.1.40", "198.18.1.10", "198.18.1.40"),
    ("port", "198.18.1.11", "80", "closed"),
    ("port", "198.18.1.30", "1610", "open"),
    ("agent-appeared", "198.18.1.30", "BMC Client Management agent", ""),
    ("gone", "198.18.1.21", "", ""),
}
for x in sorted(got - want): print("unexpected:", x)
for x in sorted(want - got): print("missing:", x)
sys.exit(0 if got == want and len(d["changes"]) == len(want) else 1)
EOF
}

# exit_is WANT [>FILE] CMD...: CMD's exit status is WANT; ">FILE" sends its output there
# (a redirection around `check` would capture check's own PASS line too).
exit_is() {
    local want=$1 out=/dev/stdout rc
    shift
    [[ $1 == '>'* ]] && { out=${1#>}; shift; }
    "$@" >"$out"
    rc=$?
    ((rc == want)) || { echo "exit status $rc, want $want"; return 1; }
}

csv_ok() {
    python3 - "$1" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
cols = ("address,status,mac,mac_vendor,dns_name,netbios_name,os_name,os_accuracy,os_vendor,"
        "os_family,os_type,os_cpe,open_ports,filtered_login_ports,managed,agent,deploy,"
        "first_seen,last_seen,seen_count,scan_id,firewall_suspect,firewall_note,host_id,family,"
        "device_type,"
        # the identity phase's, appended
        "os_verdict,os_verdict_source,os_verdict_confidence,os_version,netbios_domain,"
        "host_name,host_name_source,dns_domain,deploy_open,agent_possible").split(",")
assert list(rows[0].keys()) == cols, rows[0].keys()
by = {r["address"]: r for r in rows}
assert by["198.18.1.40"]["dns_name"].startswith("web01."), by["198.18.1.40"]
assert by["198.18.1.40"]["seen_count"] == "2", by["198.18.1.40"]
assert by["198.18.1.30"]["managed"] == "true" and "1610" in by["198.18.1.30"]["open_ports"]
assert "198.18.1.21" not in by
print(f"csv: {len(rows)} rows")
EOF
}

libnmap_ok() {
    "$PY" - "$1" <<'EOF'
import sys
from libnmap.parser import NmapParser
r = NmapParser.parse_fromfile(sys.argv[1])
hosts = {h.address: h for h in r.hosts}
assert r.hosts_up == len([h for h in r.hosts if h.is_up()]) >= 4, r.summary
h = hosts["198.18.1.30"]
svc = {s.port: s for s in h.services}
# nmap's service name for the port; the agent product is the service's product
assert svc[1610].state == "open" and svc[1610].service_dict.get("product") == "BMC Client Management agent", svc[1610].service_dict
assert all(s.state and s.service for hh in r.hosts for s in hh.services)
assert "web01" in hosts["198.18.1.40"].hostnames[0]
print(f"libnmap: {len(r.hosts)} hosts, {r.summary}")
EOF
}

ndjson_ok() { python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$1"; }

# ---- run -------------------------------------------------------------------------------
say "sweep A of $NET"
check "sweep A" run_scan "$DB" --max-rate 20000 "$NET" || finish
check "export A as nmap XML" "$AS" export --scan 1 --format nmap-xml -o "$X/a.xml"

say "changes: h04 removed, port 80 closed on h02, agent port 1610 opened on h05, h01 moved"
check "remove h04 (198.18.1.21)" remove_h04
check "close port 80 on h02 (198.18.1.11)" close_80_on_h02
check "open 1610 on h05 (198.18.1.30)" open_agent_on_h05
check "move h01 198.18.1.10 -> 198.18.1.40, PTR kept" move_h01

say "sweep B, with -oX"
check "sweep B" run_scan "$DB" --max-rate 20000 -oX "$X/b.xml" "$NET" || finish
check "diff 1 2 exits 1 (changes)" exit_is 1 ">$X/diff12.json" "$AS" diff 1 2 --format json
check "diff reports exactly the five changes" diff_exactly "$X/diff12.json"
check "diff without scans picks 1 and 2" exit_is 1 ">$X/diff.json" "$AS" diff --format json
check "... with the same result" diff_exactly "$X/diff.json"
check "diff table" exit_is 1 ">$X/diff.txt" "$AS" diff
check "table names the move" grep -q "^moved .*198.18.1.40 .*was 198.18.1.10" "$X/diff.txt"

say "exports of scan B"
check "-oX validates against nmap.dtd" xmllint --noout --dtdvalid "$NMAP_DTD" "$X/b.xml"
check "export nmap-xml validates" "$AS" export --format nmap-xml -o "$X/b2.xml"
check "... against nmap.dtd" xmllint --noout --dtdvalid "$NMAP_DTD" "$X/b2.xml"
check "ndiff reads both scans (exit 1: they differ)" exit_is 1 ">$X/ndiff.txt" ndiff "$X/a.xml" "$X/b.xml"
check "python3-libnmap reads it" libnmap_ok "$X/b.xml"
check "export csv" "$AS" export --format csv -o "$X/b.csv"
check "Python's csv reads it" csv_ok "$X/b.csv"
check "export json" "$AS" export --format json -o "$X/b.json"
check "python3 -m json.tool reads it" python3 -m json.tool "$X/b.json" >/dev/null
check "export ndjson" "$AS" export --format ndjson -o "$X/b.ndjson"
check "every NDJSON line parses" ndjson_ok "$X/b.ndjson"
check "export cmdb" "$AS" export --format cmdb -o "$X/b.cmdb.json"
check "python3 -m json.tool reads the CMDB form" python3 -m json.tool "$X/b.cmdb.json" >/dev/null
check "export --managed --format ndjson" "$AS" export --managed --format ndjson -o "$X/m.ndjson"
check "... only the three managed hosts" python3 -c '
import json,sys; h=[json.loads(l) for l in open(sys.argv[1])]
assert len(h) == 3 and all(x["managed"] for x in h), h' "$X/m.ndjson"
check "export --since 1: the changed hosts" "$AS" export --since 1 --format ndjson -o "$X/s.ndjson"
check "... .11 .30 .40 only" python3 -c '
import json,sys; a=sorted(json.loads(l)["address"] for l in open(sys.argv[1]))
assert a == ["198.18.1.11","198.18.1.30","198.18.1.40"], a' "$X/s.ndjson"

say "sweep C, unchanged: the default diff (B, C) finds nothing"
check "sweep C" run_scan "$DB" --max-rate 20000 "$NET"
check "diff exits 0" exit_is 0 ">$X/diff23.txt" "$AS" diff

say "readers while a scan writes (WAL, busy timeout)"
ip netns exec "$LAB_SCAN_NS" timeout 300 "$AS" scan 198.18.0.0/16 --max-rate 20000 --db "$DB" \
    --dns-servers "$LAB_DNS" >"$X/d.out" 2>"$X/d.err" &
spid=$!
MINE+=("$spid")
reads=0 bad=0
for _ in $(seq 1 600); do
    kill -0 "$spid" 2>/dev/null || break
    "$AS" hosts --format json >/dev/null 2>>"$X/readers.err" || bad=$((bad + 1))
    "$AS" export --format nmap-xml -o "$X/live.xml" 2>>"$X/readers.err" || bad=$((bad + 1))
    xmllint --noout "$X/live.xml" 2>>"$X/readers.err" || bad=$((bad + 1))
    "$AS" diff >/dev/null 2>>"$X/readers.err"; (($? <= 1)) || bad=$((bad + 1))
    reads=$((reads + 1))
    sleep 0.1
done
wait "$spid"
check "the /16 scan completed while being read" scan_complete "$DB"
check "$reads rounds of hosts/export/diff during the scan, none failed" test "$bad" -eq 0 -a "$reads" -ge 1
[[ $bad -eq 0 ]] || tail -5 "$X/readers.err"

say "prune keeps host history"
first=$(sqlite3 "file:$DB?mode=ro" "SELECT first_seen FROM host WHERE name LIKE 'web01.%'")
check "prune --keep 2" "$AS" prune --keep 2
check "two scans left" test "$(sqlite3 "file:$DB?mode=ro" "SELECT count(*) FROM scan")" -eq 2
check "web01 keeps its first_seen" test "$(sqlite3 "file:$DB?mode=ro" \
    "SELECT first_seen FROM host WHERE name LIKE 'web01.%'")" = "$first"
check "diff of a pruned scan is an error (exit 2)" exit_is 2 "$AS" diff 1 2

finish
