#!/usr/bin/env bash
# test_sandbox.sh — least privilege while parsing: agentscan started as root opens its raw
# socket, capture and database (in a root-only directory), then becomes an unprivileged
# user under Landlock and a seccomp allow-list. The hidden --selftest-sandbox makes the scan
# try, after the drop, what must now fail (a packet socket, a raw socket, a file outside
# the database directory, exec) and what must still work (UDP and TCP sockets), and report
# each on stderr. The scan itself must still agree with the lab's truth, with -O too.
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
finish
