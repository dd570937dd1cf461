#!/usr/bin/env bash
# test_compare_truth.sh — the referee is tested too: a JSON inventory made from the truth must
# pass, and each kind of wrong answer must fail with its own mismatch line. No root, no lab.

set -uo pipefail
AS_SOURCE_DIR=${AS_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
COMPARE=$AS_SOURCE_DIR/tests/lab/compare_truth.py
W=$(mktemp -d /tmp/aslab-cmp.XXXXXX)
trap 'rm -rf "$W"' EXIT
FAILS=0

timeout 30 "$AS_SOURCE_DIR/tools/lab" truth >"$W/truth.tsv" || { echo "FAIL: tools/lab truth"; exit 1; }

# make_json MODE MUTATION: an agentscan-style inventory built from the truth, then spoiled.
make_json() {
    timeout 30 python3 - "$W/truth.tsv" "$1" "$2" <<'EOF'
import json, sys
truth, mode, mutation = sys.argv[1], sys.argv[2], sys.argv[3]
DEPLOY = {22: "ssh", 23: "telnet", 513: "rlogin", 514: "rsh", 139: "smb", 445: "smb", 3389: "rdp",
          5985: "winrm", 5986: "winrm"}
hosts = []
for line in open(truth):
    if line.startswith("#") or not line.strip():
        continue
    ip, upd, upp, name, agent, ports = line.rstrip("\n").split("\t")
    if (upd if mode == "default" else upp) != "1":
        continue
    pl = [{"port": int(p.split("/")[0]), "proto": "udp" if p.endswith("/udp") else "tcp", "state": s,
           "reason": {"open": "syn-ack", "closed": "rst"}.get(s, "no-response"), "service": None}
          for p, s in (x.split(":") for x in ports.split(","))]
    deploy = sorted({DEPLOY[p["port"]] for p in pl
                     if p["state"] == "open" and p["proto"] == "tcp" and p["port"] in DEPLOY})
    hosts.append({"address": ip, "name": "" if name == "-" else name, "mac": None, "up": True,
                  "up_reason": "echo-reply", "rtt_ms": 0.3, "ports": pl,
                  "managed": agent != "-", "agent": None if agent == "-" else agent,
                  "deploy": deploy[::-1], "scan_id": 1})
by = {h["address"]: h for h in hosts}
if mutation == "missing":
    hosts.remove(by["198.18.1.10"])
elif mutation == "phantom":
    hosts.append(dict(by["198.18.1.10"], address="198.18.1.99"))
elif mutation == "port":
    by["198.18.2.11"]["ports"][1]["state"] = "closed"
elif mutation == "udp-port":
    next(p for p in by["198.18.6.11"]["ports"] if p["proto"] == "udp")["state"] = "open|filtered"
elif mutation == "tcp-only":
    for h in hosts:
        h["ports"] = [p for p in h["ports"] if p["proto"] == "tcp"]
elif mutation == "port-absent":
    by["198.18.2.13"]["ports"].pop()
elif mutation == "name":
    by["198.18.1.11"]["name"] = "wrong.lab.agentscan.test"
elif mutation == "managed":
    by["198.18.77.6"]["managed"] = False
elif mutation == "agent":
    by["198.18.77.200"]["agent"] = "BMC Client Management agent"
elif mutation == "deploy":
    by["198.18.77.7"]["deploy"] = ["ssh"]
elif mutation == "down-listed":
    hosts.append(dict(by["198.18.1.10"], address="198.18.2.99", up=False))
elif mutation == "reordered-agent":
    h = by["198.18.77.200"]
    h["agent"] = ", ".join(reversed(h["agent"].split(", ")))
json.dump(hosts, sys.stdout, indent=1)
EOF
}

# expect MODE MUTATION WANT_STATUS TAG [compare args...]
expect() {
    local mode=$1 mut=$2 want=$3 tag=$4 rc
    shift 4
    make_json "$mode" "$mut" >"$W/$mut.json" || { echo "FAIL: make_json $mut"; FAILS=$((FAILS + 1)); return; }
    timeout 30 python3 "$COMPARE" "$W/truth.tsv" "$W/$mut.json" --mode "$mode" "$@" >"$W/out" 2>&1
    rc=$?
    if ((rc != want)) || { [[ -n $tag ]] && ! grep -q "^$tag " "$W/out"; }; then
        echo "FAIL: $mode/$mut: want status $want${tag:+ and a $tag line}, got $rc:"
        sed 's/^/    /' "$W/out"
        FAILS=$((FAILS + 1))
    else
        echo "PASS: $mode/$mut -> status $rc ${tag:+($tag)}"
    fi
}

expect default none 0 ""
expect pn none 0 ""
expect default reordered-agent 0 ""
expect default down-listed 0 ""
expect default missing 1 MISSING
expect default phantom 1 PHANTOM
expect default port 1 PORT
expect default port-absent 1 PORT
expect default udp-port 1 PORT
expect default tcp-only 0 ""
expect default name 1 NAME
expect default none 1 NAME --no-names
expect default managed 1 MANAGED
expect default agent 1 AGENT
expect default deploy 1 DEPLOY
expect pn missing 1 MISSING
expect default none 1 PHANTOM --scope 198.18.1.0/24
# A scoped comparison that only holds the scoped hosts passes.
make_json default none | python3 -c '
import json, sys
print(json.dumps([h for h in json.load(sys.stdin) if h["address"].startswith("198.18.1.")]))' \
    >"$W/scoped.json"
if timeout 30 python3 "$COMPARE" "$W/truth.tsv" "$W/scoped.json" --mode default \
        --scope 198.18.1.0/24 >"$W/out"; then
    echo "PASS: default/scoped -> status 0"
else
    echo "FAIL: default/scoped:"; cat "$W/out"; FAILS=$((FAILS + 1))
fi

# The truth itself: the lab's promised cases are present.
timeout 30 python3 - "$W/truth.tsv" <<'EOF' || FAILS=$((FAILS + 1))
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if not l.startswith("#")]
n_up = sum(r[1] == "1" for r in rows)
hidden = [r[0] for r in rows if r[1] == "0" and r[2] == "1"]
states = {s.split(":")[1] for r in rows for s in r[5].split(",")}
ok = n_up >= 14 and hidden and states == {"open", "closed", "filtered", "open|filtered"} and \
     any(r[4] != "-" for r in rows) and any(r[3] == "-" and r[1] == "1" for r in rows)
print(("PASS" if ok else "FAIL") + f": truth has {n_up} default-up hosts, -Pn-only {hidden}, states {sorted(states)}")
sys.exit(0 if ok else 1)
EOF

# Agent product texts: tools/lab, compare_truth.py and fingerprints/agents.tab say the same.
timeout 30 python3 - "$W/truth.tsv" "$COMPARE" "$AS_SOURCE_DIR/fingerprints/agents.tab" <<'EOF' || FAILS=$((FAILS + 1))
import importlib.util, os, sys
sys.dont_write_bytecode = True
spec = importlib.util.spec_from_file_location("compare_truth", sys.argv[2])
ct = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ct)
used = {a for l in open(sys.argv[1]) if not l.startswith("#")
        for a in l.rstrip("\n").split("\t")[4].split(", ") if a != "-"}
bad = [f"truth agent '{a}' unknown to compare_truth.py" for a in sorted(used - set(ct.AGENTS.values()))]
if os.path.exists(sys.argv[3]):
    tab = {}
    for line in open(sys.argv[3]):
        f = line.split(None, 1)
        if len(f) == 2 and not f[0].startswith("#") and "/" in f[0]:
            port, proto = f[0].split("/")
            tab[(int(port), proto)] = f[1].strip()
    bad += [f"port {p}: lab says '{t}', agents.tab says '{tab.get(p)}'"
            for p, t in ct.AGENTS.items() if tab.get(p) != t]
print("FAIL: " + "; ".join(bad) if bad else f"PASS: agent texts agree ({len(used)} used by the lab)")
sys.exit(1 if bad else 0)
EOF

if ((FAILS)); then echo "RESULT: $FAILS failed"; exit 1; fi
echo "RESULT: all passed"
