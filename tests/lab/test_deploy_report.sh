#!/usr/bin/env bash
# test_deploy_report.sh — `deploy-report` and `ports` on a lab sweep, with three hosts put
# behind extra nftables rules: for every host the report names exactly the filtered and the
# closed login ports the truth says, the status that follows, the rule to add for the
# blocked ones, and which liveness probe each host's firewall drops. Both commands then run
# again without any network (unshare -n): they read only the stored scan.
#
#   scanner ns ──veth── router ns ──bridge── lab hosts (tools/lab)
#   extra rules (nft table "<prefix>_t6" in the host namespaces):
#     h04 198.18.1.21   Windows (TTL 128)  drop tcp/139,445,3389   -> blocked, allow tcp/139,445
#     h16 198.18.200.254 Unix (TTL 64)     drop tcp/22             -> blocked, allow tcp/22
#     h12 198.18.77.7   (TTL 255)          drop all TCP and UDP    -> unknown, seen by ICMP only

# shellcheck disable=SC2317  # check functions are called through `check`
# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
A=$AS_BUILD_DIR/agentscan
lab_up
X=$LAB_DIR
T=${LAB_PREFIX}_t6

add_rule() {  # add_rule HOST_ID NFT_RULE
    ip netns exec "$LAB_PREFIX-$1" nft -f - <<EOF
table ip $T {
    chain input { type filter hook input priority -10; policy accept; $2; }
}
EOF
}
check "h04 drops tcp/139,445,3389" add_rule h04 "tcp dport { 139, 445, 3389 } drop"
check "h16 drops tcp/22" add_rule h16 "tcp dport 22 drop"
check "h12 drops all TCP and UDP" add_rule h12 "meta l4proto { tcp, udp } drop"

# identify = no: the lab's listeners accept connections but speak no protocol, so with the
# identity phase every channel would be "open, protocol not confirmed" (test_identity.sh
# covers that); this test is about what the firewalls let through.
cat >"$X/dr.conf" <<EOF
[job lab]
targets = 198.18.0.0/16
dns-servers = $LAB_DNS
max-rate = 20000
identify = no
db = $X/lab.db
EOF
check "sweep" timeout 120 ip netns exec "$LAB_SCAN_NS" "$A" sweep lab --config "$X/dr.conf" \
    --no-progress >"$X/sweep.out" 2>"$X/sweep.err"
"$A" deploy-report --db "$X/lab.db" --format json >"$X/dr.json"
check "deploy-report --format json exits 0" test $? -eq 0
"$A" deploy-report --db "$X/lab.db" >"$X/dr.txt"
check "the report is from the scanner's address" grep -q "scanner $LAB_SCAN_ADDR\$" "$X/dr.txt"

check "every host: filtered and closed login ports, status, rule, liveness" \
    python3 - "$LAB_TRUTH" "$X/dr.json" "$LAB_SCAN_ADDR" <<'PY'
import json, sys
truth_path, report_path, src = sys.argv[1:]
LOGIN = {22: "ssh", 23: "telnet", 513: "rlogin", 514: "rsh", 139: "smb", 445: "smb", 3389: "rdp",
         5985: "winrm", 5986: "winrm"}
EXTRA = {"198.18.1.21": {139, 445, 3389}, "198.18.200.254": {22}, "198.18.77.7": "all"}
# Liveness probes the lab's firewalls drop (tools/lab host table), plus h12's new rule.
ECHO_BLOCKED = {"198.18.1.21", "198.18.77.200", "198.18.200.1"}
ACK_BLOCKED = {"198.18.1.30", "198.18.2.11", "198.18.77.7"}
truth = {}
for line in open(truth_path):
    if line.startswith("#") or not line.strip():
        continue
    ip, up, _, _, agent, ports = line.rstrip("\n").split("\t")
    # TCP ports as numbers, UDP ones as "137/udp" (the truth's own spelling).
    states = {int(p) if p.isdigit() else p: s for p, s in (i.split(":") for i in ports.split(","))}
    extra = EXTRA.get(ip, set())
    for p in states:
        if extra == "all" or p in extra:
            states[p] = "filtered" if isinstance(p, int) else "open|filtered"
    truth[ip] = (up == "1", agent != "-", states)
report = {h["address"]: h for h in json.load(open(report_path))["hosts"]}
bad = 0
def fail(msg):
    global bad
    bad += 1
    print("MISMATCH", msg)
want_up = {ip for ip, t in truth.items() if t[0]}
if set(report) != want_up:
    fail(f"hosts: report {sorted(set(report) ^ want_up)} differ from truth")
for ip, h in report.items():
    _, managed, states = truth[ip]
    login = {p: s for p, s in states.items() if p in LOGIN}
    got = {s: sorted(p["port"] for p in h["login_ports"] if p["state"] == s) for s in ("filtered", "closed", "open")}
    for s in got:
        want = sorted(p for p, st in login.items() if st == s)
        if got[s] != want:
            fail(f"{ip} {s}: {got[s]} != {want}")
    if managed:
        status = "managed"
    elif any(s == "open" for s in login.values()):
        status = "deployable"
    elif all(s in ("filtered", "open|filtered") for s in states.values()):
        status = "unknown"
    else:
        status = "blocked"
    if h["status"] != status:
        fail(f"{ip} status {h['status']} != {status}")
    echo = bool(h["liveness"] and h["liveness"].startswith("ICMP echo blocked"))
    ack = bool(h["liveness"] and h["liveness"].startswith("TCP ACK to port 80 blocked"))
    if echo != (ip in ECHO_BLOCKED) or ack != (ip in ACK_BLOCKED):
        fail(f"{ip} liveness: {h['liveness']}")
rules = {ip: (h["rule"] or {}).get("text") for ip, h in report.items()}
want_rules = {
    "198.18.1.21": f"Windows host, tcp/139,445 filtered from {src}: allow tcp/139,445 (smb) from {src} to 198.18.1.21",
    "198.18.200.254": f"Unix host, tcp/22 filtered from {src}: allow tcp/22 (ssh) from {src} to 198.18.200.254",
    "198.18.77.7": f"Unix host, tcp/22 filtered from {src}: allow tcp/22 (ssh) from {src} to 198.18.77.7",
}
for ip, text in rules.items():
    if text != want_rules.get(ip):
        fail(f"{ip} rule: {text!r} != {want_rules.get(ip)!r}")
print(f"{len(report)} hosts checked, {bad} mismatches")
sys.exit(1 if bad else 0)
PY

say "ports: what the stored scan sent, as a firewall request"
"$A" ports --db "$X/lab.db" >"$X/ports.txt"
check "ports --db exits 0" test $? -eq 0
check "names the ICMP echo" grep -q "icmp echo-request (type 8)" "$X/ports.txt"
check "names the ACK to tcp/80" grep -q "tcp/80: ACK without SYN" "$X/ports.txt"
check "names the SYN ports" grep -q "tcp/22-23,25,80,135,137-139,443,445,513-514,1002,1610-1611,3389,4750,5666,5985-5986,6556,8081,8089,10050,17472,52028,52311: SYN" "$X/ports.txt"
check "names the UDP ports" grep -q "udp/137,161,52311: 1 datagram" "$X/ports.txt"
check "names the resolver" grep -q "udp/53 .* to $LAB_DNS" "$X/ports.txt"
check "from the scanner's address" grep -q "Allow from the scanner $LAB_SCAN_ADDR to 198.18.0.0/16" "$X/ports.txt"
check "ports --job --format json" sh -c "'$A' ports --job lab --config '$X/dr.conf' --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d[\"dns\"][\"servers\"] == [\"$LAB_DNS\"] else 1)'"

say "both work without any network: built from stored data only"
check "deploy-report under unshare -n" sh -c "unshare -n '$A' deploy-report --db '$X/lab.db' --format json | cmp - '$X/dr.json'"
check "ports under unshare -n" sh -c "unshare -n '$A' ports --db '$X/lab.db' | cmp - '$X/ports.txt'"
finish
