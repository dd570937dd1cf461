#!/usr/bin/env bash
# test_lab_truth.sh — proves the lab and its truth.tsv right without agentscan: nmap from the
# scanner namespace must agree with the truth exactly (liveness, every default port's state, TCP
# and UDP, PTR names).
#
#   scanner ns ──veth── router ns (bridge, blackhole for empty space) ──veth── host ns × 16
#                                                                    └──────── dns ns (dnsmasq)
# Only 198.18.0.0/15 addresses are ever probed; nmap's resolver only ever sees the lab server.

# Check functions are called through `check`, which shellcheck cannot follow.
# shellcheck disable=SC2317
# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

command -v nmap >/dev/null || { echo "SKIP: nmap not installed"; exit 77; }

lab_up
X=$LAB_DIR
EMPTY_ADDRS="198.18.1.99 198.18.77.8 198.18.200.3"   # in a host /24, no machine
GHOST=198.18.2.99                                    # PTR record only

nmap_ns() {  # nmap_ns TIMEOUT_S ARGS...: nmap in the scanner namespace, timed
    local limit=$1 t0 rc
    shift
    t0=$(now_ms)
    timeout "$limit" ip netns exec "$LAB_SCAN_NS" nmap "$@" >/dev/null 2>"$X/nmap.err"
    rc=$?
    echo "nmap [$*]: $(fmt_ms $(($(now_ms) - t0))), status $rc"
    ((rc == 0)) || cat "$X/nmap.err"
    return "$rc"
}

say "default discovery (-PE -PA80) over every /24 that holds a host, names from the lab DNS"
# shellcheck disable=SC2086  # LAB_SUBNETS is a word list
nmap_ns 180 -sS -sU -PE -PA80 -p "$LAB_PORTS" --dns-servers "$LAB_DNS" -T4 \
    -oX "$X/nmap-default.xml" $LAB_SUBNETS &&
    check "nmap default sweep agrees with truth (up set, ports, names)" \
        python3 "$COMPARE" "$LAB_TRUTH" --nmap-xml "$X/nmap-default.xml" --mode default

say "-Pn on every machine, the PTR-only address and some empty addresses"
# shellcheck disable=SC2086
nmap_ns 180 -n -Pn -sS -sU -p "$LAB_PORTS" -T4 -oX "$X/nmap-pn.xml" $LAB_HOSTS $GHOST $EMPTY_ADDRS &&
    check "nmap -Pn agrees with truth (answering set, ports)" \
        python3 "$COMPARE" "$LAB_TRUTH" --nmap-xml "$X/nmap-pn.xml" --mode pn --no-names

# Empty space must be silent (blackhole): no ICMP unreachable, no RST, only no-response (UDP
# silence is open|filtered).
empty_silent() {
    python3 - "$X/nmap-pn.xml" "$@" <<'EOF'
import sys, xml.etree.ElementTree as ET
root, want, bad = ET.parse(sys.argv[1]).getroot(), set(sys.argv[2:]), 0
for h in root.iter("host"):
    addr = h.find("address").get("addr")
    if addr not in want:
        continue
    want.discard(addr)
    for p in h.iter("port"):
        st = p.find("state")
        silent = "open|filtered" if p.get("protocol") == "udp" else "filtered"
        if (st.get("state"), st.get("reason")) != (silent, "no-response"):
            print(f"{addr} {p.get('portid')}: {st.get('state')} ({st.get('reason')})"); bad += 1
if want:
    print(f"not in nmap output: {sorted(want)}"); bad += 1
sys.exit(1 if bad else 0)
EOF
}
# shellcheck disable=SC2086
check "empty and PTR-only addresses give no answer at all" empty_silent $EMPTY_ADDRS $GHOST

# The router must not have tried ARP for the empty addresses: only permanent entries for the
# machines plus the scanner on the point-to-point link.
router_no_arp() {
    local extra
    extra=$(ip -n "$LAB_RTR_NS" -4 neigh show nud all | grep -v -e PERMANENT -e NOARP -e "^$LAB_SCAN_ADDR ")
    [[ -z $extra ]] || { echo "unexpected neighbour entries:"; echo "$extra"; return 1; }
}
check "router holds no neighbour entries for empty space" router_no_arp

say "PTR names of every truth row (list scan: DNS only, no probes)"
names_agree() {
    python3 - "$LAB_TRUTH" "$1" <<'EOF'
import sys, xml.etree.ElementTree as ET
truth = {}
for line in open(sys.argv[1]):
    if not line.startswith("#") and line.strip():
        c = line.rstrip("\n").split("\t")
        truth[c[0]] = "" if c[3] == "-" else c[3]
got = {}
for h in ET.parse(sys.argv[2]).getroot().iter("host"):
    got[h.find("address").get("addr")] = next(
        (n.get("name") for n in h.iter("hostname") if n.get("type") == "PTR"), "")
bad = [f"{ip}: want '{n}', got '{got.get(ip)}'" for ip, n in truth.items() if got.get(ip) != n]
print("\n".join(bad) or f"{len(truth)} names agree")
sys.exit(1 if bad else 0)
EOF
}
# shellcheck disable=SC2086
nmap_ns 60 -sL -R --dns-servers "$LAB_DNS" -oX "$X/nmap-names.xml" $LAB_HOSTS $GHOST &&
    check "every PTR in truth resolves, rows without one do not" names_agree "$X/nmap-names.xml"

say "tools/lab dns down / up"
no_names() {
    python3 - "$1" <<'EOF'
import sys, xml.etree.ElementTree as ET
names = [n.get("name") for n in ET.parse(sys.argv[1]).getroot().iter("hostname")]
print(f"names while DNS is down: {names}")
sys.exit(1 if names else 0)
EOF
}
check "dns down" timeout 30 "$LAB_TOOL" dns down --dir "$LAB_DIR"
nmap_ns 60 -sL -R --dns-servers "$LAB_DNS" -oX "$X/nmap-dnsdown.xml" 198.18.1.10 &&
    check "no PTR answers while DNS is down" no_names "$X/nmap-dnsdown.xml"
check "dns up" timeout 30 "$LAB_TOOL" dns up --dir "$LAB_DIR"
nmap_ns 60 -sL -R --dns-servers "$LAB_DNS" -oX "$X/nmap-dnsup.xml" 198.18.1.10 &&
    check "PTR answers again after dns up" grep -q 'web01.lab.agentscan.test' "$X/nmap-dnsup.xml"

say "tools/lab down is idempotent and leaves nothing behind"
check "down" timeout 60 "$LAB_TOOL" down --dir "$LAB_DIR"
check "down again" timeout 60 "$LAB_TOOL" down --dir "$LAB_DIR"
check "down --prefix after down" timeout 60 "$LAB_TOOL" down --prefix "$LAB_PREFIX"
leftovers() {
    local ns pids
    ns=$(ip netns list | awk '{print $1}' | grep "^$LAB_PREFIX-")
    pids=""
    for p in $LAB_PIDS; do kill -0 "$p" 2>/dev/null && pids+=" $p"; done
    [[ -z $ns && -z $pids && ! -e /etc/netns/$LAB_PREFIX-scan ]] ||
        { echo "left: ns=[$ns] pids=[$pids]"; return 1; }
}
check "no namespace, process or resolv.conf of the lab remains" leftovers

finish
