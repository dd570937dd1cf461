#!/usr/bin/env bash
# test_bench_tools.sh — the benchmark's helpers are tested too (no root, no lab): the
# arithmetic of tools/bench_report.py (sliding one-second windows, which test_ratecap.sh
# relies on, and the nmap/masscan output parsers), and the benchmark-size truth from
# `tools/lab truth --bench`: 30 real hosts plus the 512 dense addresses, readable by the referee.

set -uo pipefail
AS_SOURCE_DIR=${AS_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
W=$(mktemp -d /tmp/asbench-test.XXXXXX)
trap 'rm -rf "$W"' EXIT
FAILS=0

if timeout 60 python3 "$AS_SOURCE_DIR/tools/bench_report.py" self-test; then
    echo "PASS: bench_report.py self-test"
else
    echo "FAIL: bench_report.py self-test"; FAILS=$((FAILS + 1))
fi

timeout 60 "$AS_SOURCE_DIR/tools/lab" truth --bench >"$W/truth.tsv" || { echo "FAIL: tools/lab truth --bench"; exit 1; }
timeout 60 "$AS_SOURCE_DIR/tools/lab" truth >"$W/small.tsv" || { echo "FAIL: tools/lab truth"; exit 1; }
timeout 60 python3 - "$W/truth.tsv" "$W/small.tsv" "$AS_SOURCE_DIR/tests/lab/compare_truth.py" <<'EOF' || FAILS=$((FAILS + 1))
import importlib.util, ipaddress, sys
sys.dont_write_bytecode = True
spec = importlib.util.spec_from_file_location("compare_truth", sys.argv[3])
ct = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ct)
big, _ = ct.load_truth(sys.argv[1])
small, _ = ct.load_truth(sys.argv[2])
dense = [ip for ip in big if ipaddress.ip_address(ip) in ipaddress.ip_network("198.18.64.0/23")]
# Rows outside the dense block are hosts, but for the router, the DNS server and the ghost.
infra = {f"{n}.lab.agentscan.test" for n in ("gw", "ns", "ghost01")}
real = [ip for ip in big if ip not in dense and big[ip]["name"] not in infra]
checks = [
    ("the default truth is a subset of the benchmark truth", all(big.get(ip) == t for ip, t in small.items())),
    ("512 dense addresses, each live with 22 and 445 open",
     len(dense) == 512 and all(big[ip]["up_default"] and big[ip]["ports"][(22, "tcp")] == "open"
                               and big[ip]["ports"][(445, "tcp")] == "open" for ip in dense)),
    ("at least 24 real hosts outside the dense block", len(real) >= 24),
    ("every address in 198.18.0.0/15",
     all(ipaddress.ip_address(ip) in ipaddress.ip_network("198.18.0.0/15") for ip in big)),
]
bad = 0
for what, ok in checks:
    print(("PASS" if ok else "FAIL") + ": " + what)
    bad += not ok
print(f"benchmark truth: {len(big)} rows, {len(dense)} dense, {len(real)} real hosts")
sys.exit(1 if bad else 0)
EOF

if ((FAILS)); then echo "RESULT: $FAILS failed"; exit 1; fi
echo "RESULT: all passed"
