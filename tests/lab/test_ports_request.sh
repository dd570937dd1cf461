#!/usr/bin/env bash
# test_ports_request.sh — `agentscan ports ARGS` is an exact firewall request for
# `agentscan scan ARGS`: every packet the scan puts on the wire (captured at the router) is
# covered by a line of the request (protocol, port, destination block, or the DNS servers),
# nothing goes to an excluded address, the request's destination leaves exclusions out, and
# every SYN port it lists was sent.
#
#   scanner ns ──veth── router ns: s0 ── tcpdump -Q in (packets from the scanner)
#
# tcpdump runs in immediate mode and writes each packet at once: a short scan must not end
# in a ring block that a stopped tcpdump never reads.

# Check functions are called through `check`, which shellcheck cannot follow.
# shellcheck disable=SC2317
# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
AS=$AS_BUILD_DIR/agentscan
[[ -x $AS ]] || { echo "FAIL: $AS not built"; exit 1; }
command -v tcpdump >/dev/null || { echo "FAIL: tcpdump not installed (tools/setup installs it)"; exit 1; }
lab_up
X=$LAB_DIR
TCPDUMP_PID=""

stop_capture() {
    local i
    [[ -n $TCPDUMP_PID ]] || return 0
    kill -INT "$TCPDUMP_PID" 2>/dev/null
    for ((i = 0; i < 400; i++)); do kill -0 "$TCPDUMP_PID" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$TCPDUMP_PID" 2>/dev/null
    wait "$TCPDUMP_PID" 2>/dev/null
    TCPDUMP_PID=""
}

start_capture() {  # start_capture NAME
    local i
    timeout 300 ip netns exec "$LAB_RTR_NS" tcpdump -U --immediate-mode -i s0 -Q in -n -s 96 -B 16384 -w "$X/$1.pcap" \
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

# covered NAME EXCLUDED: compares NAME.pcap with NAME.json (the request).
covered() {
    timeout 60 python3 - "$X/$1.pcap" "$X/$1.json" "$2" <<'EOF'
import ipaddress, json, struct, sys

pcap, req, excluded = sys.argv[1], json.load(open(sys.argv[2])), ipaddress.ip_network(sys.argv[3])

def ports(spec):
    out = set()
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-")
            out.update(range(int(a), int(b) + 1))
        elif part.isdigit():
            out.add(int(part))
    return out

dest = [ipaddress.ip_network(b) for b in req["targets"].split(",")]
dns = {ipaddress.ip_address(a) for a in (req["dns"] or {}).get("servers", [])}
allowed = {"tcp": set(), "udp": set()}
icmp_ok = False
for line in req["outbound"]:
    if line["proto"] == "icmp":
        icmp_ok = True
    else:
        allowed[line["proto"]] |= ports(line["ports"])
syn_ports = next(ports(l["ports"]) for l in req["outbound"] if l["purpose"].startswith("port scan"))

bad, to_excluded, seen, syns = [], 0, 0, set()
with open(pcap, "rb") as f:
    magic = f.read(24)
    endian = "<" if magic[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    while True:
        h = f.read(16)
        if len(h) < 16:
            break
        caplen = struct.unpack(endian + "IIII", h)[2]
        pkt = f.read(caplen)
        if len(pkt) < 34 or pkt[12:14] != b"\x08\x00":
            continue
        ip = pkt[14:]
        ihl = (ip[0] & 15) * 4
        proto, dst = ip[9], ipaddress.ip_address(ip[16:20])
        seen += 1
        if dst in excluded:
            to_excluded += 1
        in_dest = any(dst in n for n in dest)
        if proto == 1:
            ok = icmp_ok and in_dest
            what = f"icmp to {dst}"
        elif proto in (6, 17) and len(ip) >= ihl + 4:
            dport = struct.unpack(">H", ip[ihl + 2:ihl + 4])[0]
            name = "tcp" if proto == 6 else "udp"
            ok = (in_dest and dport in allowed[name]) or (dport == 53 and dst in dns)
            what = f"{name}/{dport} to {dst}"
            if proto == 6 and len(ip) >= ihl + 14 and ip[ihl + 13] & 0x3f == 0x02:
                syns.add(dport)
        else:
            ok, what = False, f"protocol {proto} to {dst}"
        if not ok:
            bad.append(what)
print(f"{seen} packets captured; {len(bad)} not in the request; {to_excluded} to {excluded}; "
      f"SYN ports sent {sorted(syns)}")
missing = syn_ports - syns
if missing:
    print(f"request lists SYN ports never sent: {sorted(missing)}")
if any(n.overlaps(excluded) for n in dest):
    print(f"request destination {req['targets']} includes the excluded {excluded}")
for b in sorted(set(bad))[:10]:
    print("not in the request:", b)
sys.exit(0 if seen > 0 and not bad and to_excluded == 0 and not missing
         and not any(n.overlaps(excluded) for n in dest) else 1)
EOF
}

# one NAME EXCLUDED ARGS...: the request and the scan for the same arguments.
one() {
    local name=$1 excluded=$2
    shift 2
    timeout 60 ip netns exec "$LAB_SCAN_NS" "$AS" ports --format json "$@" \
        --dns-servers "$LAB_DNS" >"$X/$name.json" 2>"$X/$name.ports.err" ||
        { fail "$name: ports exited $?: $(cat "$X/$name.ports.err")"; return; }
    start_capture "$name" || { fail "$name: no capture"; return; }
    run_scan "$X/$name.db" "$@"
    local rc=$?
    stop_capture
    check "$name: scan finished (status $rc)" test "$rc" -eq 0
    check "$name: every packet sent is in the request, exactly" covered "$name" "$excluded"
}

say "default probes with OS detection, one host /24 less a /28"
one default 198.18.1.16/28 -O 198.18.1.0/24 --exclude 198.18.1.16/28
say "chosen ports and liveness probes, two host /24s"
one chosen 198.18.2.12/32 -p 22,80,445,3389 -PE -PA22,443 198.18.2.0/24 198.18.77.0/24 \
    --exclude 198.18.2.12
say "a flag's value is never a target"
timeout 30 "$AS" ports --format json --max-rate 10 198.18.1.0/24 >"$X/v.json" 2>"$X/v.err"
check "ports --max-rate 10 198.18.1.0/24 requests 198.18.1.0/24 only" \
    python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["targets"]; print(t); sys.exit(t != "198.18.1.0/24")' "$X/v.json"
timeout 30 "$AS" ports --frobnicate 198.18.1.0/24 >/dev/null 2>&1
check "ports: an unknown flag exits 2 as in scan" test $? -eq 2
timeout 30 "$AS" ports 198.18.1.300 >/dev/null 2>&1
check "ports: a bad target exits 3 as in scan" test $? -eq 3
finish
