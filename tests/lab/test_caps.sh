#!/usr/bin/env bash
# test_caps.sh — agentscan unprivileged, as the systemd unit runs it: user nobody with only
# CAP_NET_RAW (ambient, bounding set cut to it, via setpriv) scans the lab correctly
# (compared with the truth) and sweeps a job; with CAP_NET_ADMIN added nothing changes, so
# the unit does not grant it; without capabilities the scan stops with exit 4 before
# sending anything.
#
#   scanner ns: setpriv --reuid nobody --ambient-caps -all,+net_raw agentscan ...
#        ──veth── router ns ──bridge── lab hosts (tools/lab)

# shellcheck disable=SC2317  # check functions are called through `check`
# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
command -v setpriv >/dev/null || { echo "SKIP: setpriv (util-linux) not installed"; exit 77; }
A=$AS_BUILD_DIR/agentscan
NOBODY=65534
lab_up
X=$LAB_DIR
# A directory nobody can write, inside the lab directory, and the binary reachable by nobody.
D=$LAB_DIR/nobody
mkdir -p "$D"
chown "$NOBODY:$NOBODY" "$D"
chmod 0755 "$LAB_DIR"
if ! setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups test -x "$A"; then
    echo "SKIP: $A is not executable by uid $NOBODY (build outside a private directory)"
    exit 77
fi

# as_nobody CAPS CMD...: run CMD in the scanner namespace as nobody with exactly CAPS
# ("+net_raw", or "" for none) inheritable, ambient and in the bounding set.
as_nobody() {
    local caps=$1
    shift
    local set="-all${caps:+,$caps}"
    timeout 120 ip netns exec "$LAB_SCAN_NS" setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups \
        --inh-caps="$set" --ambient-caps="$set" --bounding-set="$set" -- "$@"
}
CAPS=+net_raw

say "the unit's privileges: uid nobody, effective capability net_raw only"
as_nobody "$CAPS" grep -E '^(Uid|CapEff|CapBnd|CapAmb):' /proc/self/status >"$X/status"
cat "$X/status"
# CAP_NET_RAW is bit 13.
check "runs as uid nobody" grep -Eq "^Uid:[[:space:]]+${NOBODY}[[:space:]]" "$X/status"
check "effective set is net_raw alone" grep -Eq "^CapEff:[[:space:]]+0000000000002000$" "$X/status"
check "bounding set is net_raw alone" grep -Eq "^CapBnd:[[:space:]]+0000000000002000$" "$X/status"

say "scan as nobody with CAP_NET_RAW: the inventory agrees with the truth"
check "scan exits 0" as_nobody "$CAPS" "$A" scan 198.18.0.0/16 --db "$D/caps.db" \
    --dns-servers "$LAB_DNS" --max-rate 20000 --no-progress
check "the database belongs to nobody" test "$(stat -c %u "$D/caps.db")" -eq $NOBODY
check "hosts --format json" hosts_json "$D/caps.db" "$X/caps.json"
check "inventory agrees with truth" compare_json "$X/caps.json" --mode default

say "a sweep as nobody (the systemd unit's way)"
cat >"$D/caps.conf" <<EOF
[job lab]
targets = 198.18.1.0/24
dns-servers = $LAB_DNS
max-rate = 20000
db = $D/%j.db
EOF
check "sweep exits 0" as_nobody "$CAPS" "$A" sweep lab --config "$D/caps.conf" --no-progress
check "its lock file is nobody's" test "$(stat -c %u "$D/lab.db.lab.lock")" -eq $NOBODY

say "CAP_NET_ADMIN added changes nothing (the capture needs no more than CAP_NET_RAW)"
check "scan with net_raw+net_admin exits 0" as_nobody "+net_raw,+net_admin" "$A" scan \
    198.18.0.0/16 --db "$D/admin.db" --dns-servers "$LAB_DNS" --max-rate 20000 --no-progress
check "hosts --format json" hosts_json "$D/admin.db" "$X/admin.json"
check "same inventory" compare_json "$X/admin.json" --mode default

say "without capabilities: exit 4, nothing sent"
as_nobody "" "$A" scan 198.18.1.0/24 --db "$D/none.db" --no-progress >"$X/none.out" 2>&1
rc=$?
check "exit status 4 (no permission)" test "$rc" -eq 4
check "the message says what is needed" grep -q "CAP_NET_RAW" "$X/none.out"
check "no scan row was written" test ! -s "$D/none.db" -o "$(sqlite3 "file:$D/none.db?mode=ro" \
    "SELECT count(*) FROM scan" 2>/dev/null || echo 0)" = 0
finish
