#!/usr/bin/env bash
# test_sandbox.sh — least privilege while parsing: agentscan started as root opens its raw
# socket, capture and database (in a root-only directory), then becomes an unprivileged
# user under Landlock and a seccomp allow-list. The hidden --selftest-sandbox makes the scan
# try, after the drop, what must now fail (a packet socket, a raw socket, a file outside
# the database directory, exec) and what must still work (UDP and TCP sockets), and report
# each on stderr. The scan itself must still agree with the lab's truth, with -O too.
# A sweep started as root scans in a child process that does the same (its own hook,
# `sweep --selftest-sandbox`); the sweep itself stays uid 0 for its report and change
# command, passes SIGINT on (the scan is stored, marked interrupted) and, killed, takes the
# scanning process with it; a scanning process killed alone leaves its scan to the sweep.
#
#   scanner ns (agentscan as root → nobody/agentscan) ──veth── router ns ──bridge── lab hosts

# shellcheck disable=SC2317  # functions run from traps and checks
# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
A=$AS_BUILD_DIR/agentscan
lab_up
X=$LAB_DIR
if ! setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$A" 2>/dev/null; then
    echo "SKIP: $A is not executable by an unprivileged user (build outside a private directory)"
    exit 77
fi
chmod 0755 "$X"
mkdir -m 0700 "$X/rootonly"
mkdir -m 1777 "$X/open"

said() { grep -q "^sandbox selftest: $1" "$X/$2.err"; }

say "root scan, database in a root-only directory, sandbox self-test after the drop"
DB=$X/rootonly/inv.db
check "the scan exits 0" run_scan "$DB" 198.18.0.0/16 --max-rate 20000 --no-progress --selftest-sandbox
cp "$DB.err" "$X/root.err"
grep '^sandbox selftest' "$X/root.err"
uid=$(sed -n 's/^sandbox selftest: uid \([0-9]*\) euid \([0-9]*\).*/\1 \2/p' "$X/root.err")
check "it runs as an unprivileged user after the drop (uid/euid: $uid)" \
    test -n "$uid" -a "${uid% *}" != 0 -a "${uid#* }" != 0
check "no packet socket after the drop" said "packet socket: denied" root
check "no raw socket after the drop" said "raw inet socket: denied" root
check "no exec after the drop" said "exec /bin/true: denied" root
check "UDP sockets still work (DNS)" said "udp socket (needed): ALLOWED" root
check "TCP sockets still work (identity phase)" said "tcp socket (needed): ALLOWED" root
check "the database is still root's" test "$(stat -c %u "$DB")" -eq 0
check "hosts --format json" hosts_json "$DB" "$X/root.json"
check "inventory agrees with truth" compare_json "$X/root.json" --mode default

say "writes confined to the database directory (Landlock), in a directory anyone may write"
DB=$X/open/inv.db
check "the scan exits 0" run_scan "$DB" 198.18.1.0/24 --no-progress --selftest-sandbox
cp "$DB.err" "$X/open.err"
check "a file in the database directory can be created" \
    said "create a file in the database directory: ALLOWED" open
check "a file in /tmp (world-writable) cannot" \
    said "create a file outside the database directory: denied" open

say "OS detection under the sandbox"
DB=$X/rootonly/os.db
check "scan -O exits 0" run_scan "$DB" 198.18.1.0/24 -O --no-progress
n=$(sqlite3 "file:$DB?mode=ro" "SELECT count(*) FROM os_match WHERE rank = 0")
check "OS guesses stored under the sandbox ($n)" test "${n:-0}" -ge 1

say "--user"
DB=$X/rootonly/user.db
run_scan "$DB" 198.18.1.0/24 --no-progress --user no-such-user-aslab
rc=$?
check "an unknown --user stops the scan with exit 4 (got $rc)" test "$rc" -eq 4
check "and says so" grep -q "no-such-user-aslab: no such user" "$DB.err"

say "sweep as root: the scanning process drops; the sweep writes its report as root"
cat >"$X/sbx.conf" <<EOF
[defaults]
dns-servers = $LAB_DNS
db = $X/rootonly/%j.db

[job sbx]
targets = 198.18.0.0/16
max-rate = 20000
report = $X/rootonly/%j.html

[job open]
targets = 198.18.1.0/24
db = $X/open/%j.db

[job slow]
targets = 198.18.0.0/16
max-rate = 1000
EOF
sweep() {  # sweep JOB [ARGS...]: stderr to $X/sweep-JOB.err
    local job=$1
    shift
    timeout 300 ip netns exec "$LAB_SCAN_NS" "$A" sweep "$job" --config "$X/sbx.conf" \
        --no-progress "$@" >"$X/sweep-$job.out" 2>"$X/sweep-$job.err"
}
check "the sweep exits 0" sweep sbx --selftest-sandbox
grep '^sandbox selftest' "$X/sweep-sbx.err"
uid=$(sed -n 's/^sandbox selftest: uid \([0-9]*\) euid \([0-9]*\).*/\1 \2/p' "$X/sweep-sbx.err")
check "its scanning process runs as an unprivileged user (uid/euid: $uid)" \
    test -n "$uid" -a "${uid% *}" != 0 -a "${uid#* }" != 0
check "no packet socket in the sweep's scan" said "packet socket: denied" sweep-sbx
check "no raw socket in the sweep's scan" said "raw inet socket: denied" sweep-sbx
check "no exec in the sweep's scan" said "exec /bin/true: denied" sweep-sbx
check "no file outside the database directory" \
    said "create a file outside the database directory: denied" sweep-sbx
check "UDP sockets still work" said "udp socket (needed): ALLOWED" sweep-sbx
check "TCP sockets still work" said "tcp socket (needed): ALLOWED" sweep-sbx
check "the scan is stored complete" scan_complete "$X/rootonly/sbx.db"
check "hosts --format json" hosts_json "$X/rootonly/sbx.db" "$X/sweep.json"
check "inventory agrees with truth" compare_json "$X/sweep.json" --mode default
check "the sweep (uid 0) wrote its report into the root-only directory" \
    test "$(stat -c %u "$X/rootonly/sbx.html" 2>/dev/null)" = 0
check "a sweep with its database in a directory anyone may write exits 0" \
    sweep open --selftest-sandbox
check "its scan can create a file beside its database" \
    said "create a file in the database directory: ALLOWED" sweep-open
check "but not in /tmp (Landlock)" \
    said "create a file outside the database directory: denied" sweep-open

say "sweep: the processes seen from outside, SIGINT, SIGKILL"
# start_slow: a slow sweep in the background; `ip netns exec` execs agentscan, so $BG is
# the sweep itself. scanner_pid: its child, once that child has entered seccomp (10 s).
start_slow() {
    ip netns exec "$LAB_SCAN_NS" "$A" sweep slow --config "$X/sbx.conf" --no-progress \
        >"$X/sweep-slow.out" 2>"$X/sweep-slow.err" &
    BG=$!
}
scanner_pid() {
    local c
    for _ in $(seq 100); do
        c=$(pgrep -P "$BG" | head -1)
        if [[ -n $c ]] && grep -q '^Seccomp:[[:space:]]*2' "/proc/$c/status" 2>/dev/null; then
            echo "$c"
            return 0
        fi
        sleep 0.1
    done
    return 1
}
field() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
wait_gone() {  # wait_gone PID: exited (a zombie awaiting its reaper counts), 10 s at most
    for _ in $(seq 100); do
        grep -q '^State:[[:space:]]*[^Z]' "/proc/$1/status" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}
last_status() {
    sqlite3 "file:$X/rootonly/slow.db?mode=ro" "SELECT status FROM scan ORDER BY id DESC LIMIT 1"
}
start_slow
C=$(scanner_pid)
check "the sweep has a scanning process under seccomp" test -n "$C"
if [[ -n $C ]]; then
    check "the scanning process is not root (uid $(field "$C" Uid))" test "$(field "$C" Uid)" != 0
    check "and holds no capability" test "$(field "$C" CapEff)" = 0000000000000000
    check "and has no_new_privs" test "$(field "$C" NoNewPrivs)" = 1
    check "the sweep itself stays uid 0 (its report and change command)" \
        test "$(field "$BG" Uid)" = 0
    check "the sweep is not under seccomp (it parses no packet)" test "$(field "$BG" Seccomp)" = 0
fi
sleep 1
kill -INT "$BG"
wait "$BG"
rc=$?
check "SIGINT: the sweep exits 2 (got $rc)" test "$rc" -eq 2
check "SIGINT: it says the sweep was interrupted" \
    grep -q "sweep interrupted: what scan" "$X/sweep-slow.err"
check "SIGINT: the scanning process is gone" wait_gone "${C:-0}"
st=$(last_status)
check "SIGINT: the scan is marked interrupted (got '$st')" test "$st" = interrupted
start_slow
C=$(scanner_pid)
check "a second slow sweep has its scanning process" test -n "$C"
kill -KILL "$BG"
wait "$BG"
check "SIGKILL of the sweep takes the scanning process with it" wait_gone "${C:-0}"
st=$(last_status)
check "the killed sweep's scan reads as running until the next writer (got '$st')" \
    test "$st" = running
timeout 60 "$A" prune --keep 1000 --db "$X/rootonly/slow.db" >/dev/null 2>&1
st=$(last_status)
check "the next writer marks it interrupted: its runner, the sweep, is dead (got '$st')" \
    test "$st" = interrupted
start_slow
C=$(scanner_pid)
check "a third slow sweep has its scanning process" test -n "$C"
if [[ -n $C ]]; then kill -KILL "$C"; else kill -INT "$BG"; fi
wait "$BG"
rc=$?
check "a scanning process killed alone: the sweep exits 2 (got $rc)" test "$rc" -eq 2
check "and says how it ended" \
    grep -q "scanning process .* was killed by signal 9" "$X/sweep-slow.err"
st=$(last_status)
check "the sweep marks that scan interrupted itself (got '$st')" test "$st" = interrupted
finish
