# shellcheck shell=bash
# common.sh — shared by tests/lab/test_*.sh: root check, lab up/down under a trap, bounded
# scans with wall times, and check/finish bookkeeping so one run reports every failure.
# Source it first thing; it sets AS_SOURCE_DIR, AS_BUILD_DIR and, after lab_up, the LAB_* vars.

set -uo pipefail

if [[ $(id -u) -ne 0 ]]; then
    echo "SKIP: needs root (network namespaces)"
    exit 77
fi
if ! unshare --net true 2>/dev/null; then
    echo "SKIP: this kernel or container does not allow network namespaces"
    exit 77
fi

AS_SOURCE_DIR=${AS_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
AS_BUILD_DIR=${AS_BUILD_DIR:-$AS_SOURCE_DIR/build}
LAB_TOOL=$AS_SOURCE_DIR/tools/lab
COMPARE=$AS_SOURCE_DIR/tests/lab/compare_truth.py
T_FAILS=0
T_CHECKS=0
LAB_DIR=""

say() { printf '== %s\n' "$*"; }

now_ms() { local t; t=$(date +%s%N); echo $((t / 1000000)); }
fmt_ms() { printf '%d.%03ds' $(($1 / 1000)) $(($1 % 1000)); }

# check DESCRIPTION CMD...: run CMD, record pass/fail, never exit.
check() {
    local what=$1 rc
    shift
    T_CHECKS=$((T_CHECKS + 1))
    "$@"
    rc=$?
    if ((rc == 0)); then
        echo "PASS: $what"
    else
        echo "FAIL: $what (status $rc)"
        T_FAILS=$((T_FAILS + 1))
    fi
    return "$rc"
}

fail() { echo "FAIL: $*"; T_FAILS=$((T_FAILS + 1)); T_CHECKS=$((T_CHECKS + 1)); }

finish() {
    if ((T_FAILS)); then
        echo "RESULT: $T_FAILS of $T_CHECKS checks failed"
        exit 1
    fi
    echo "RESULT: all $T_CHECKS checks passed"
    exit 0
}

# Tear the lab down (idempotent). Runs from the EXIT trap; keeps LAB_DIR when the test failed.
lab_down() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n $LAB_DIR ]]; then
        if [[ -f $LAB_DIR/lab.env ]]; then
            timeout 60 "$LAB_TOOL" down --dir "$LAB_DIR" || rc=1
        elif [[ -f $LAB_DIR/lab.env.down ]]; then
            # up failed or was interrupted; make sure nothing with its prefix survived.
            local pfx
            pfx=$(sed -n 's/^LAB_PREFIX=//p' "$LAB_DIR/lab.env.down")
            [[ -n $pfx ]] && { timeout 60 "$LAB_TOOL" down --prefix "$pfx" || rc=1; }
        fi
        if ((rc == 0)) && [[ -z ${KEEP_LAB_DIR-} ]]; then
            rm -rf "$LAB_DIR"
        else
            echo "lab files kept in $LAB_DIR"
        fi
    fi
    exit "$rc"
}

# lab_up [UP_ARGS...]: tools/lab up (e.g. --services) under the EXIT trap.
lab_up() {
    LAB_DIR=$(mktemp -d /tmp/aslab-test.XXXXXX)
    trap lab_down EXIT
    trap 'echo "interrupted"; exit 130' INT
    trap 'echo "terminated"; exit 143' TERM
    [[ -x $AS_BUILD_DIR/aslab-listen ]] || { echo "FAIL: $AS_BUILD_DIR/aslab-listen not built"; exit 1; }
    if ! timeout 120 "$LAB_TOOL" up --dir "$LAB_DIR" --build "$AS_BUILD_DIR" "$@" >/dev/null; then
        echo "FAIL: tools/lab up"
        exit 1
    fi
    # shellcheck disable=SC1091
    source "$LAB_DIR/lab.env"
    echo "lab $LAB_PREFIX up in $(fmt_ms "$LAB_UP_MS") (dir $LAB_DIR)"
}

# need_services: exit 77 unless the Debian servers of `tools/lab up --services` are installed.
need_services() {
    local t
    for t in /usr/sbin/sshd smbd nmbd snmpd openssl unshare ss; do
        command -v "$t" >/dev/null || { echo "SKIP: $t missing (apt-get install openssh-server samba snmpd)"; exit 77; }
    done
}

# run_scan DB ARGS...: one bounded agentscan scan from the scanner namespace; prints wall time.
run_scan() {
    local db=$1 rc t0
    shift
    t0=$(now_ms)
    timeout 300 ip netns exec "$LAB_SCAN_NS" "$AS_BUILD_DIR/agentscan" scan "$@" \
        --db "$db" --dns-servers "$LAB_DNS" >"$db.out" 2>"$db.err"
    rc=$?
    echo "scan [$*]: $(fmt_ms $(($(now_ms) - t0))) wall, status $rc"
    if ((rc != 0)); then
        echo "--- stderr (last lines):"
        tail -n 15 "$db.err"
    fi
    return "$rc"
}

# hosts_json DB OUT: the inventory of the latest scan in DB as JSON.
hosts_json() {
    timeout 60 ip netns exec "$LAB_SCAN_NS" "$AS_BUILD_DIR/agentscan" hosts --db "$1" \
        --format json >"$2"
}

# scan_complete DB: the latest scan's status is 'complete'.
scan_complete() {
    timeout 30 python3 - "$1" <<'EOF'
import sqlite3, sys
con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
row = con.execute("SELECT id, status FROM scan ORDER BY id DESC LIMIT 1").fetchone()
print(f"scan row: {row}")
sys.exit(0 if row and row[1] == "complete" else 1)
EOF
}

# compare_json JSON ARGS...: compare_truth.py against this lab's truth file.
compare_json() {
    local json=$1
    shift
    timeout 60 python3 "$COMPARE" "$LAB_TRUTH" "$json" "$@"
}
