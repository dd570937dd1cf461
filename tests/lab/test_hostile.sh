#!/usr/bin/env bash
# test_hostile.sh — a hostile network: replies to probes never sent (addresses outside the
# target set or silent inside it, wrong cookies, each 100 times), malformed packets (ICMP
# errors quoting garbage, truncated and oversized quoted headers, looping TCP options,
# fragments, bad checksums), replies replayed from an earlier scan, a reply flood at ten
# times the probe rate, and a LaBrea-style tarpit answering SYN/ACK on every port of a /24.
#
#   scanner ns (agentscan) ──veth── router ns: s0 ◄── hostile_inject.py (AF_PACKET, frames to
#                                   the scanner only) ──bridge── lab hosts
#   tarpit: h10 (198.18.77.5) also owns 198.18.78.0/24 (AnyIP) and redirects every TCP port
#   there to one listener (nft table aslab_tp), reached by a router route via 198.18.77.5.
#
# Scans use --seed 12345, so their source ports are known (45112..) and every forged reply
# meets the cookie check rather than the port filter.

# shellcheck disable=SC2317  # functions run from traps and checks
# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
A=$AS_BUILD_DIR/agentscan
INJ=$AS_SOURCE_DIR/tests/lab/hostile_inject.py
lab_up
X=$LAB_DIR
SEED=12345
export AS_INJECT_PORT=$(((32768 + SEED % 28000) & 0xfff8))
PIDS=()
cleanup() {
    local rc=$? p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    (exit "$rc")
    lab_down
}
trap cleanup EXIT

inject() {  # inject MODE ARGS...: from the router namespace, towards the scanner only
    timeout 150 ip netns exec "$LAB_RTR_NS" python3 "$INJ" s0 02:a5:00:00:00:03 02:a5:00:00:00:02 \
        198.19.255.2 "$@"
}
q() { sqlite3 "file:$1?mode=ro" "$2"; }
# what a scan found, as comparable text: up hosts and their port states
found() {
    q "$1" "SELECT o.ip || ' ' || group_concat(p.port || p.state, ',') FROM observation o
            LEFT JOIN port p ON p.scan_id = o.scan_id AND p.host_id = o.host_id
            WHERE o.up AND o.scan_id = (SELECT max(id) FROM scan) GROUP BY o.ip ORDER BY o.ip"
}
# bg_scan DB ARGS...: a scan in the background under /usr/bin/time; sets PID
bg_scan() {
    local db=$1
    shift
    /usr/bin/time -f "%M" -o "$db.rss" timeout 120 ip netns exec "$LAB_SCAN_NS" "$A" scan "$@" \
        --seed "$SEED" --db "$db" --dns-servers "$LAB_DNS" --no-progress -v >"$db.out" 2>"$db.err" &
    PID=$!
}

say "replies to probes never sent, and malformed packets, during a scan"
check "a quiet reference scan" run_scan "$X/quiet.db" 198.18.1.0/24 --seed "$SEED" -p 22,80,443,3389
bg_scan "$X/spoof.db" 198.18.1.0/24 -p 22,80,443,3389 --max-rate 300
sleep 0.3
n1=$(inject spoof 198.18.1)
n2=$(inject garbage 198.18.1)
wait "$PID"
rc=$?
echo "injected $n1 forged frames (each reply 100 times) and $n2 malformed packets"
check "the scan under attack exits 0 (got $rc)" test "$rc" -eq 0
check "it found exactly what the quiet scan found" test "$(found "$X/spoof.db")" = "$(found "$X/quiet.db")"
n=$(q "$X/spoof.db" "SELECT count(*) FROM observation WHERE ip LIKE '198.18.1.20_' OR ip NOT LIKE '198.18.1.%'")
check "nothing recorded for the forging addresses ($n)" test "$n" -eq 0

say "replies replayed from an earlier scan"
timeout 60 ip netns exec "$LAB_SCAN_NS" tcpdump -i eth0 -U -w "$X/earlier.pcap" -s 200 \
    'tcp or icmp' >/dev/null 2>&1 &
TPID=$!
PIDS+=("$TPID")
sleep 1
check "the earlier scan" run_scan "$X/earlier.db" 198.18.1.0/24 -p 22,80,443,3389
sleep 0.5
kill "$TPID"
wait "$TPID" 2>/dev/null
# web01 (h01) goes silent; its replies from the earlier scan are replayed during the next.
ip netns exec "$LAB_PREFIX-h01" nft -f - <<'EOF'
table inet aslab_silent {
    chain in {
        type filter hook input priority -10; policy drop;
    }
}
EOF
bg_scan "$X/replay.db" 198.18.1.0/24 -p 22,80,443,3389 --max-rate 300
sleep 0.3
for _ in 1 2 3; do n=$(inject replay "$X/earlier.pcap"); sleep 0.5; done
wait "$PID"
echo "replayed $n frames three times"
n=$(q "$X/replay.db" "SELECT count(*) FROM observation WHERE ip = '198.18.1.10' AND up")
check "the silent host is not up from replayed replies ($n)" test "$n" -eq 0
ip netns exec "$LAB_PREFIX-h01" nft delete table inet aslab_silent

say "a reply flood at ten times the probe rate"
RATE=1500
bg_scan "$X/calm.db" 198.18.0.0/20 --max-rate "$RATE"
wait "$PID"
check "a calm scan completes" scan_complete "$X/calm.db"
bg_scan "$X/flood.db" 198.18.0.0/20 --max-rate "$RATE"
sleep 0.2
# (the calm scan takes about 12 s: the flood lasts 10, so it ends and counts by itself)
inject flood 198.18.1 $((RATE * 10)) 10 >"$X/flood.n" &
FP=$!
PIDS+=("$FP")
wait "$PID"
rc=$?
kill "$FP" 2>/dev/null
wait "$FP" 2>/dev/null
calm=$(cat "$X/calm.db.rss")
flood=$(cat "$X/flood.db.rss")
echo "flood: $(cat "$X/flood.n") wrong-cookie SYN/ACKs in 10 s (probe rate $RATE/s)"
echo "max RSS: calm scan $calm KiB, flooded scan $flood KiB"
grep 'scan: done' "$X/calm.db.err" "$X/flood.db.err"
check "the flooded scan completes (exit $rc)" scan_complete "$X/flood.db"
check "it found exactly what the calm scan found" test "$(found "$X/flood.db")" = "$(found "$X/calm.db")"
check "RSS within 20% of the calm scan" test "$flood" -le $((calm * 120 / 100))
# -v's receive counters show the flood: far more frames rejected than in the calm scan.
rejected() { sed -n 's/.*recv: [0-9]* frames captured, [0-9]* answers accepted, \([0-9]*\) rejected.*/\1/p' "$1" | tail -1; }
rc_calm=$(rejected "$X/calm.db.err")
rc_flood=$(rejected "$X/flood.db.err")
echo "frames rejected: calm scan ${rc_calm:-?}, flooded scan ${rc_flood:-?}"
check "-v shows the flood as rejected frames" \
    test "${rc_flood:-0}" -ge $(( ${rc_calm:-0} + $(cat "$X/flood.n" 2>/dev/null || echo 1) / 2 ))

say "a tarpit answering SYN/ACK on every port of a /24"
ip netns exec "$LAB_PREFIX-h10" ip route add local 198.18.78.0/24 dev lo
ip netns exec "$LAB_PREFIX-h10" nft -f - <<'EOF'
table ip aslab_tp {
    chain pre {
        type nat hook prerouting priority -100;
        ip daddr 198.18.78.0/24 tcp dport != 9999 redirect to :9999
    }
}
EOF
ip -n "$LAB_RTR_NS" route add 198.18.78.0/24 via 198.18.77.5 dev br0
ip netns exec "$LAB_PREFIX-h10" "$AS_BUILD_DIR/aslab-listen" 9999 >"$X/tarpit.out" 2>&1 &
PIDS+=("$!")
for _ in $(seq 1 50); do grep -q ready "$X/tarpit.out" && break; sleep 0.1; done
check "the tarpit listens" grep -q ready "$X/tarpit.out"
check "scan the tarpit" run_scan "$X/tarpit.db" 198.18.78.0/24 -p 22,80,135,443,445,3389,5985
up=$(q "$X/tarpit.db" "SELECT count(*) FROM observation WHERE up")
flagged=$(q "$X/tarpit.db" "SELECT count(*) FROM observation WHERE up AND firewall_suspect")
echo "tarpit: $up addresses up, $flagged flagged as answered for by one device"
timeout 30 "$A" hosts --db "$X/tarpit.db" | head -4
check "every tarpit address is flagged ($flagged of $up)" test "$flagged" -eq "$up" -a "$up" -gt 0
n=$(timeout 30 "$A" hosts --db "$X/tarpit.db" | awk '$1 ~ /^198\.18\.78\./ && $NF != "?"' | wc -l)
check "the hosts table believes no deploy channel of the tarpit ($n rows do)" test "$n" -eq 0
timeout 30 "$A" deploy-report --db "$X/tarpit.db" --format json >"$X/tarpit.deploy.json" 2>"$X/tarpit.deploy.err"
n=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for h in d["hosts"] if h["status"]=="deployable"))' "$X/tarpit.deploy.json" 2>&1)
check "the deploy report counts none of them deployable ($n)" test "$n" = 0
finish
