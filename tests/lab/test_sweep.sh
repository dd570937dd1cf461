#!/usr/bin/env bash
# test_sweep.sh — agentscan against the lab's ground truth: default sweep of the /16, -Pn on
# the host /24s, -n, and a scan with the DNS server unreachable; every scan must complete.
#
#   scanner ns ──veth── router ns (bridge, blackhole for empty space) ──veth── host ns × 16
#                                                                    └──────── dns ns (dnsmasq)
# Extra scan flags for every run (e.g. a rate) can be passed in AS_LAB_SCAN_ARGS.

# Check functions are called through `check`, which shellcheck cannot follow.
# shellcheck disable=SC2317
# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ ! -x $AS_BUILD_DIR/agentscan ]]; then
    echo "FAIL: $AS_BUILD_DIR/agentscan not built"
    exit 1
fi
read -r -a EXTRA <<<"${AS_LAB_SCAN_ARGS-}"

lab_up
X=$LAB_DIR
SUBNETS_CSV=${LAB_SUBNETS// /,}

# sweep NAME COMPARE_ARGS -- SCAN_ARGS...: scan, check completion, export, compare with truth.
sweep() {
    local name=$1 db=$X/$1.db
    shift
    local -a cmp=()
    while (($#)) && [[ $1 != -- ]]; do cmp+=("$1"); shift; done
    shift
    if ! check "$name: scan exits 0" run_scan "$db" "${EXTRA[@]}" "$@"; then
        return 1
    fi
    check "$name: scan.status is complete" scan_complete "$db"
    check "$name: hosts --format json" hosts_json "$db" "$db.json" || return 1
    check "$name: inventory agrees with truth" compare_json "$db.json" "${cmp[@]}"
}

say "default sweep of 198.18.0.0/16 (ICMP echo + ACK/80 liveness, default ports)"
sweep default --mode default -- 198.18.0.0/16

say "-Pn on the /24s that hold hosts: every address probed, only answering ones stored"
# shellcheck disable=SC2086  # LAB_SUBNETS is a word list
sweep pn --mode pn --scope "$SUBNETS_CSV" -- -Pn $LAB_SUBNETS

say "-n: no reverse DNS"
sweep noresolve --mode default --no-names --scope 198.18.1.0/24 -- -n 198.18.1.0/24

say "DNS server unreachable: the scan still completes, names are empty, ports unchanged"
check "tools/lab dns down" timeout 30 "$LAB_TOOL" dns down --dir "$LAB_DIR"
sweep dnsdown --mode default --no-names --scope 198.18.77.0/24 -- 198.18.77.0/24
check "tools/lab dns up" timeout 30 "$LAB_TOOL" dns up --dir "$LAB_DIR"

finish
