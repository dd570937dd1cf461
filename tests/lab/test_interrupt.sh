#!/usr/bin/env bash
# test_interrupt.sh — SIGINT in the middle of a sweep: agentscan stops sending, stores what
# it found, marks the scan interrupted and exits 130; the database stays readable.
#
#   scanner ns ──veth── router ns ──bridge── lab hosts (tools/lab)

# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
lab_up
DB=$LAB_DIR/int.db
# A slow sweep (1000 pps over the /16 takes minutes) that is stopped after a few seconds.
ip netns exec "$LAB_SCAN_NS" timeout 120 "$AS_BUILD_DIR/agentscan" scan 198.18.0.0/16 \
    --max-rate 1000 --db "$DB" --dns-servers "$LAB_DNS" >"$DB.out" 2>"$DB.err" &
pid=$!
# Wait (bounded) until the scan row exists and some hosts are stored, then interrupt.
for _ in $(seq 1 100); do
    n=$(sqlite3 "file:$DB?mode=ro" "SELECT count(*) FROM observation" 2>/dev/null || echo 0)
    ((n >= 1)) && break
    sleep 0.2
done
sleep 1
kill -INT "$pid"
wait "$pid"
rc=$?
check "exit status 130 after SIGINT (got $rc)" test "$rc" -eq 130
status=$(sqlite3 "file:$DB?mode=ro" "SELECT status FROM scan ORDER BY id DESC LIMIT 1")
check "scan marked interrupted (got '$status')" test "$status" = interrupted
n=$(sqlite3 "file:$DB?mode=ro" "SELECT count(*) FROM observation WHERE up = 1")
check "hosts found before the interrupt are stored ($n)" test "$n" -ge 1
check "no port claimed filtered without being asked: stored states are definite" \
    test "$(sqlite3 "file:$DB?mode=ro" "SELECT count(*) FROM port WHERE state NOT IN ('open','closed','filtered','open|filtered')")" -eq 0
check "the inventory reads back as JSON" hosts_json "$DB" "$DB.json"
check "JSON parses" python3 -m json.tool "$DB.json" >/dev/null

# One stop request delivered twice at once (timeout(1) signals its child and then its
# process group; `kill -- -PGID` from a shell does the like) is one request, not "exit now".
DB2=$LAB_DIR/int2.db
ip netns exec "$LAB_SCAN_NS" "$AS_BUILD_DIR/agentscan" scan 198.18.0.0/16 --max-rate 1000 \
    --db "$DB2" --dns-servers "$LAB_DNS" >"$DB2.out" 2>"$DB2.err" &
pid2=$!
for _ in $(seq 1 100); do
    n=$(sqlite3 "file:$DB2?mode=ro" "SELECT count(*) FROM observation" 2>/dev/null || echo 0)
    ((n >= 1)) && break
    sleep 0.2
done
kill -TERM "$pid2"
kill -INT "$pid2"
wait "$pid2"
rc=$?
check "SIGTERM and SIGINT together: exit 130 (got $rc)" test "$rc" -eq 130
status=$(sqlite3 "file:$DB2?mode=ro" "SELECT status FROM scan ORDER BY id DESC LIMIT 1")
check "SIGTERM and SIGINT together: scan marked interrupted (got '$status')" test "$status" = interrupted
finish
