#!/usr/bin/env bash
# test_sweep_job.sh — `agentscan sweep JOB` against the lab: a job swept twice with a change
# in between gives the diff and runs the change action once; a failing action exits 2 with
# the data stored; retention prunes; a second concurrent sweep is refused; a sweep killed
# mid-way leaves a stale lock the next one takes over; install-timer writes units that
# systemd-analyze accepts.
#
#   scanner ns (agentscan sweep) ──veth── router ns ──bridge── lab hosts (tools/lab)
#   change: an nft table "<prefix>_t6" in host h01 drops tcp/22 (removed again at the end)

# shellcheck disable=SC2317  # check functions are called through `check`
# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
A=$AS_BUILD_DIR/agentscan
lab_up
X=$LAB_DIR
H01_NS=$LAB_PREFIX-h01
RULE_TABLE=${LAB_PREFIX}_t6

# identify = no: the lab's listeners speak no protocol, so with the identity phase ssh would
# never be a confirmed channel, and the change below could not lose it.
cat >"$X/sweep.conf" <<EOF
[defaults]
dns-servers = $LAB_DNS
max-rate = 20000
identify = no
db = $X/%j.db

[job lab]
targets = 198.18.1.0/24
    198.18.2.0/24
on-change-command = cat > $X/action.json; echo ran >> $X/action.log
on-change-file = $X/%j.changes.json
keep-scans = 2

[job bad]
targets = 198.18.1.0/24
on-change-command = exit 5

[job slow]
targets = 198.18.0.0/18
max-rate = 4000
EOF

# sweep JOB [ARGS...]: one bounded sweep in the scanner namespace; stderr to $X/JOB.err.
sweep() {
    local job=$1
    shift
    timeout 120 ip netns exec "$LAB_SCAN_NS" "$A" sweep "$job" --config "$X/sweep.conf" "$@" \
        >"$X/$job.out" 2>"$X/$job.err"
}
expect_status() {  # expect_status WANT JOB [ARGS...]
    local want=$1 rc
    shift
    sweep "$@"
    rc=$?
    ((rc == want)) || { echo "exit $rc, want $want"; cat "$X/$1.err"; return 1; }
}
scans() { sqlite3 "file:$X/$1.db?mode=ro" "SELECT count(*) FROM scan"; }
actions() { [[ -f $X/action.log ]] && wc -l <"$X/action.log" || echo 0; }
lock_pid() { cat "$X/$1.db.$1.lock" 2>/dev/null; }
h01_rule() {  # h01_rule add|delete
    if [[ $1 == add ]]; then
        ip netns exec "$H01_NS" nft -f - <<EOF
table ip $RULE_TABLE {
    chain input { type filter hook input priority -10; policy accept; tcp dport 22 drop; }
}
EOF
    else
        ip netns exec "$H01_NS" nft delete table ip "$RULE_TABLE" 2>/dev/null || true
    fi
}

say "configuration: check, and show read back unchanged"
check "config check" "$A" config check "$X/sweep.conf"
"$A" config show --config "$X/sweep.conf" >"$X/show1.conf"
"$A" config show --config "$X/show1.conf" >"$X/show2.conf"
check "config show round trip" diff <(tail -n +2 "$X/show1.conf") <(tail -n +2 "$X/show2.conf")

say "two sweeps, no change: exit 0, no action"
check "first sweep exits 0" expect_status 0 lab
check "first sweep says there is nothing to compare" grep -q "first sweep of job 'lab'" "$X/lab.err"
check "second sweep exits 0 (no change)" expect_status 0 lab
check "no change action yet" test "$(actions)" -eq 0
check "bad: first sweep exits 0" expect_status 0 bad

say "a change (h01 drops tcp/22): exit 1, the diff, the action once"
h01_rule add
check "third sweep exits 1 (changes)" expect_status 1 lab
check "the change action ran once" test "$(actions)" -eq 1
check "the diff on stdout names the port" grep -Eq "^port +198\.18\.1\.10 .*22/tcp open -> filtered" "$X/lab.out"
check "the action got the diff as JSON" python3 - "$X/action.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ch = {(c["change"], c["address"], c.get("port")) for c in d["changes"]}
want = {("port", "198.18.1.10", 22), ("deploy-lost", "198.18.1.10", None)}
print(sorted(ch))
sys.exit(0 if ch == want else 1)
PY
check "on-change-file holds the same diff" cmp "$X/action.json" "$X/lab.changes.json"
check "bad: a failing action exits 2" expect_status 2 bad
check "bad: the failure is named" grep -q "on-change-command failed with exit status 5" "$X/bad.err"
check "bad: the scan is stored all the same" test "$(sqlite3 "file:$X/bad.db?mode=ro" \
    "SELECT count(*) FROM scan WHERE status = 'complete'")" -eq 2
h01_rule delete

say "retention: keep-scans = 2"
check "lab.db holds 2 of 3 scans" test "$(scans lab)" -eq 2
check "the prune was reported" grep -q "pruned 1 scan" "$X/lab.err"

# start_slow NAME: a background sweep of job slow. `ip netns exec` execs agentscan, so $BG
# is the sweep's own PID (the one its lock holds); wait_bg bounds the wait to 120 s.
start_slow() {
    ip netns exec "$LAB_SCAN_NS" "$A" sweep slow --config "$X/sweep.conf" >"$X/$1.out" 2>"$X/$1.err" &
    BG=$!
}
wait_bg() {
    for _ in $(seq 1200); do
        kill -0 "$BG" 2>/dev/null || { wait "$BG"; return; }
        sleep 0.1
    done
    kill -KILL "$BG"
    wait "$BG"
    return 124
}

say "a concurrent second sweep is refused"
wait_lock() {  # wait_lock JOB: until the lock file names a running sweep (10 s at most)
    for _ in $(seq 100); do
        [[ -n $(lock_pid "$1") ]] && return 0
        sleep 0.1
    done
    return 1
}
start_slow slow1
check "the first sweep holds the lock" wait_lock slow
check "the second sweep exits 2" expect_status 2 slow
check "it says who holds the lock" grep -q "already being swept (pid $BG holds" "$X/slow.err"
check "the first sweep finished normally" wait_bg
# Counted once the first is done: it takes the lock before it writes its own scan row.
check "the second sweep started no scan" test "$(scans slow)" -eq 1

say "a sweep killed mid-way leaves a stale lock; the next one takes it over"
start_slow slow2
wait_lock slow
sleep 1
check "the lock names the sweep we started" test "$(lock_pid slow)" = "$BG"
kill -KILL "$BG"
wait_bg
check "the killed sweep left its scan running" test "$(sqlite3 "file:$X/slow.db?mode=ro" \
    "SELECT status FROM scan ORDER BY id DESC LIMIT 1")" = running
check "the next sweep runs" expect_status 0 slow
check "it takes over the stale lock and says so" grep -q "taking over the stale lock .*sweep pid $BG" "$X/slow.err"
check "the dead sweep's scan is marked interrupted" test "$(sqlite3 "file:$X/slow.db?mode=ro" \
    "SELECT group_concat(status) FROM (SELECT status FROM scan ORDER BY id)")" = "complete,interrupted,complete"
check "the lock is released" test -z "$(lock_pid slow)"

say "install-timer: units and drop-ins systemd accepts"
mkdir -p "$X/units"
# The lab's files are under /tmp, which the unit (PrivateTmp) cannot see: refused, saying so.
"$A" install-timer lab --config "$X/sweep.conf" --unit-dir "$X/units" --no-enable --exec "$A" \
    >/dev/null 2>"$X/it.err"
check "install-timer refuses a configuration under /tmp" grep -q "PrivateTmp" "$X/it.err"
# A gateway's layout: configuration and database outside the unit's hidden paths.
G=$(mktemp -d "$AS_BUILD_DIR/install-timer-test.XXXXXX")
sed -e "s|^db = .*|db = $G/%j.db|" -e "s|^on-change-file = .*|on-change-file = $G/%j.changes.json|" \
    "$X/sweep.conf" >"$G/sweep.conf"
check "install-timer --no-enable" "$A" install-timer lab --config "$G/sweep.conf" --unit-dir "$X/units" --no-enable --exec "$A"
check "the timer drop-in has the schedule" grep -qx "OnCalendar=daily" "$X/units/agentscan-sweep@lab.timer.d/agentscan.conf"
check "the service drop-in opens the database directory" grep -qx "ReadWritePaths=$G" "$X/units/agentscan-sweep@lab.service.d/agentscan.conf"
if command -v systemd-analyze >/dev/null; then
    check "systemd-analyze verify" timeout 60 systemd-analyze verify "$X/units/agentscan-sweep@lab.service" "$X/units/agentscan-sweep@lab.timer"
fi
rm -rf "$G"
finish
