#!/usr/bin/env bash
# test_crash.sh — SIGKILL at random moments during scans and sweeps, and a power-loss copy
# of the database taken mid-write. After each kill: PRAGMA integrity_check is ok, every
# batch seen committed before the kill is still there, no host is stored twice, and the next
# command that opens the database marks the killed scan interrupted.
#
#   AS_KILL_TRIALS=100 ctest --test-dir build -R lab.test_crash --output-on-failure
#
# runs 100 kills of each kind (default 3, for CI) and prints "kills N (after a committed
# batch: K) inconsistent M".
#
#   scanner ns (agentscan, killed) ──veth── router ns ──bridge── lab hosts (tools/lab)

# shellcheck disable=SC2317  # functions run from traps and checks
# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
A=$AS_BUILD_DIR/agentscan
TRIALS=${AS_KILL_TRIALS:-3}
lab_up
X=$LAB_DIR

cat >"$X/crash.conf" <<EOF
[defaults]
dns-servers = $LAB_DNS
db = $X/sweep.db

[job crash]
targets = 198.18.0.0/18
max-rate = 6000
EOF

ro() { sqlite3 "file:$1?mode=ro" "$2" 2>/dev/null; }

# committed DB BEFORE: observations of the scan this trial started (the first after scan
# BEFORE), as a reader sees them now (0 while it has no row yet).
committed() {
    local n
    n=$(ro "$1" "SELECT count(*) FROM observation WHERE scan_id = (SELECT min(id) FROM scan WHERE id > $2)")
    echo "${n:-0}"
}

# verify DB SEEN ID: the checks after one kill; prints what is wrong, returns 1 if anything.
verify() {
    local db=$1 seen=$2 id=$3 bad=0 v
    v=$(ro "$db" "PRAGMA integrity_check")
    [[ $v == ok ]] || { echo "integrity_check: $v"; bad=1; }
    v=$(ro "$db" "SELECT count(*) FROM observation WHERE scan_id = $id")
    ((${v:-0} >= seen)) || { echo "scan $id: $v observations, $seen were committed before the kill"; bad=1; }
    v=$(ro "$db" "SELECT count(*) FROM (SELECT ip FROM host GROUP BY ip HAVING count(*) > 1)")
    [[ $v == 0 ]] || { echo "$v addresses stored as more than one host"; bad=1; }
    v=$(ro "$db" "SELECT count(*) FROM (SELECT 1 FROM observation GROUP BY scan_id, ip HAVING count(*) > 1)")
    [[ $v == 0 ]] || { echo "$v observations duplicated within a scan"; bad=1; }
    # A reader (which never writes) shows the scan whose process is gone as interrupted...
    timeout 30 "$A" hosts --db "$db" --scan "$id" >"$db.hosts.out" 2>"$db.hosts.err" ||
        { echo "hosts after the kill failed: $(head -3 "$db.hosts.err")"; bad=1; }
    grep -qE "^scan $id \((interrupted|complete)," "$db.hosts.out" ||
        { echo "a reader shows: $(head -1 "$db.hosts.out")"; bad=1; }
    # ...and the next command that writes marks it so in the file.
    timeout 30 "$A" prune --keep 1000000 --db "$db" >/dev/null 2>"$db.prune.err" ||
        { echo "prune after the kill failed: $(head -3 "$db.prune.err")"; bad=1; }
    v=$(ro "$db" "SELECT status FROM scan WHERE id = $id")
    [[ $v == interrupted || $v == complete ]] || { echo "scan $id is '$v' after the next write"; bad=1; }
    return "$bad"
}

# trial KIND DB CMD...: start CMD, poll the committed count, SIGKILL it at a random moment
# (0.1-3 s in), verify. CMD is agentscan under `ip netns exec` (which execs it, so $! is
# agentscan itself; it ends on its own within seconds). Counts INCONSISTENT.
KILLS=0
MIDWAY=0          # kills after at least one batch was seen committed
INCONSISTENT=0
trial() {
    local kind=$1 db=$2 pid seen=0 n deadline id before
    shift 2
    before=$(ro "$db" "SELECT coalesce(max(id), 0) FROM scan")
    before=${before:-0}
    "$@" >"$db.out" 2>"$db.err" &
    pid=$!
    deadline=$(($(now_ms) + 100 + RANDOM % 2900))
    while (($(now_ms) < deadline)) && kill -0 "$pid" 2>/dev/null; do
        n=$(committed "$db" "$before")
        ((n > seen)) && seen=$n
        sleep 0.05
    done
    id=$(ro "$db" "SELECT min(id) FROM scan WHERE id > $before")
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    KILLS=$((KILLS + 1))
    ((seen > 0)) && MIDWAY=$((MIDWAY + 1))
    [[ -n $id ]] || return 0        # killed before the scan row existed: nothing to check
    if ! verify "$db" "$seen" "$id"; then
        INCONSISTENT=$((INCONSISTENT + 1))
        echo "  ($kind trial $KILLS, killed after $seen committed observations)"
    fi
}

say "SIGKILL during scans: $TRIALS trials"
for _ in $(seq 1 "$TRIALS"); do
    trial scan "$X/scan.db" ip netns exec "$LAB_SCAN_NS" "$A" scan 198.18.0.0/18 \
        --max-rate 6000 --db "$X/scan.db" --dns-servers "$LAB_DNS"
done
say "SIGKILL during sweeps: $TRIALS trials"
for _ in $(seq 1 "$TRIALS"); do
    trial sweep "$X/sweep.db" ip netns exec "$LAB_SCAN_NS" "$A" sweep crash \
        --config "$X/crash.conf"
done
check "every kill left a consistent database" test "$INCONSISTENT" -eq 0
echo "kills $KILLS (after a committed batch: $MIDWAY) inconsistent $INCONSISTENT"
n=$(ro "$X/scan.db" "SELECT count(*) FROM scan WHERE status = 'running'")
check "no scan left running after the kills ($n)" test "$n" -eq 0

# A scan after the kills completes and sees the lab as usual.
check "a scan after the kills completes" run_scan "$X/scan.db" 198.18.1.0/24
check "its status is complete" scan_complete "$X/scan.db"

say "power loss: copies of db + wal taken with the writer frozen mid-write"
bad=0
for t in $(seq 1 "$TRIALS"); do
    db=$X/pl.db
    rm -f "$db" "$db-wal" "$db-shm"
    ip netns exec "$LAB_SCAN_NS" "$A" scan 198.18.0.0/18 --max-rate 6000 \
        --db "$db" --dns-servers "$LAB_DNS" >/dev/null 2>&1 &
    pid=$!
    sleep "0.$((2 + RANDOM % 8))"
    kill -STOP "$pid" 2>/dev/null
    mkdir -p "$X/pl$t"
    cp "$db" "$X/pl$t/pl.db" 2>/dev/null
    cp "$db-wal" "$X/pl$t/pl.db-wal" 2>/dev/null
    # and one whose WAL lost a random tail (writes that never reached the disk)
    mkdir -p "$X/pt$t"
    cp "$X/pl$t/"* "$X/pt$t/" 2>/dev/null
    if [[ -f $X/pt$t/pl.db-wal ]]; then
        size=$(stat -c %s "$X/pt$t/pl.db-wal")
        ((size > 0)) && truncate -s $((RANDOM * 32768 % size)) "$X/pt$t/pl.db-wal"
    fi
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    for c in "$X/pl$t/pl.db" "$X/pt$t/pl.db"; do
        [[ -f $c ]] || continue
        v=$(sqlite3 "$c" "PRAGMA integrity_check" 2>&1)
        [[ $v == ok ]] || { echo "$c: integrity_check: $v"; bad=$((bad + 1)); continue; }
        # (a copy whose WAL lost the scan row holds no scan yet: consistent, and said so)
        # exit 9: a copy taken before the first scan row was committed holds nothing yet
        timeout 30 "$A" hosts --db "$c" >/dev/null 2>"$c.err"
        rc=$?
        ((rc == 0 || rc == 9)) || { echo "$c: hosts exit $rc: $(head -2 "$c.err")"; bad=$((bad + 1)); }
    done
done
check "power-loss copies open consistent ($bad bad)" test "$bad" -eq 0
finish
