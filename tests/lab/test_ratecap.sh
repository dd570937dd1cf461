#!/usr/bin/env bash
# test_ratecap.sh — --max-rate holds on the wire: a capture at the router during a scan
# never holds more than 105% of the cap in any one-second window (sliding, exact per-packet
# timestamps), at 2,000 pps over a /19 and at 20,000 pps over the /16.
#
#   scanner ns ──veth── router ns: s0 ── tcpdump -Q in (packets from the scanner)
#
# Counted: every IPv4 packet from the scanner to the lab except to the router's own s0
# address, so the scanner kernel's RSTs (to SYN/ACKs it did not expect) and its DNS queries
# count too. A capture that dropped packets fails the test: it would prove nothing. The scan
# must also have reached at least 90% of the cap, so the test cannot pass by being slow.

# Check functions are called through `check`, which shellcheck cannot follow.
# shellcheck disable=SC2317
# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ ! -x $AS_BUILD_DIR/agentscan ]]; then
    echo "FAIL: $AS_BUILD_DIR/agentscan not built"
    exit 1
fi
command -v tcpdump >/dev/null || { echo "FAIL: tcpdump not installed (tools/setup installs it)"; exit 1; }
REPORT=$AS_SOURCE_DIR/tools/bench_report.py
lab_up
X=$LAB_DIR
TCPDUMP_PID=""

stop_capture() {
    local i
    [[ -n $TCPDUMP_PID ]] || return 0
    kill -INT "$TCPDUMP_PID" 2>/dev/null
    for ((i = 0; i < 100; i++)); do kill -0 "$TCPDUMP_PID" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$TCPDUMP_PID" 2>/dev/null
    wait "$TCPDUMP_PID" 2>/dev/null
    TCPDUMP_PID=""
}
# tcpdump runs inside the router namespace: if the test dies, lab_down (the EXIT trap) ends it.

start_capture() {  # start_capture NAME: tcpdump on the router's scanner-facing port
    local i
    timeout 300 ip netns exec "$LAB_RTR_NS" tcpdump -i s0 -Q in -n -s 64 -B 32768 -w "$X/$1.pcap" \
        "ip src $LAB_SCAN_ADDR and not ip dst $LAB_GW" 2>"$X/$1.tcpdump" &
    TCPDUMP_PID=$!
    for ((i = 0; i < 100; i++)); do
        grep -q "listening on" "$X/$1.tcpdump" 2>/dev/null && return 0
        kill -0 "$TCPDUMP_PID" 2>/dev/null || break
        sleep 0.05
    done
    echo "tcpdump did not start: $(cat "$X/$1.tcpdump")"
    return 1
}

# window NAME RATE: the busiest 1-s window within 105% of RATE, nothing dropped, and the
# scan ran at >= 90% of RATE at its busiest.
window() {
    local out
    out=$(timeout 120 python3 "$REPORT" window "$X/$1.pcap" --rate "$2" --tcpdump-log "$X/$1.tcpdump")
    local rc=$?
    python3 - "$out" <<'EOF'
import json, sys
w = json.loads(sys.argv[1])
print(f"captured {w['packets']} packets ({w['probes']} probes, {w['rst']} kernel RSTs, {w['dns']} DNS) "
      f"over {w['duration']:.1f} s; max in any 1 s window: {w['max_1s_all']} all, "
      f"{w['max_1s_probes']} probes; cap {w['rate']}, limit {w['limit']:.0f}; dropped by kernel: {w['dropped']}")
EOF
    ((rc == 0)) || return 1
    python3 -c "import json, sys; w = json.loads(sys.argv[1]); sys.exit(0 if w['max_1s_all'] >= 0.9 * w['rate'] else 1)" "$out" ||
        { echo "the scan never came near the cap: nothing was tested"; return 1; }
}

capped() {  # capped NAME RATE TARGET
    local name=$1 rate=$2 target=$3
    say "--max-rate $rate over $target, captured at the router"
    check "$name: tcpdump started" start_capture "$name" || return 1
    check "$name: scan exits 0" run_scan "$X/$name.db" --max-rate "$rate" "$target"
    sleep 0.5
    stop_capture
    check "$name: no 1-s window above 105% of $rate, capture complete" window "$name" "$rate"
}

capped r2000 2000 198.18.0.0/19
capped r20000 20000 198.18.0.0/16
finish
