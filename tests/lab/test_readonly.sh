#!/usr/bin/env bash
# test_readonly.sh — reading the inventory needs no write access: a member of the group that
# owns a sweep's database (0640 file in a 0750 directory, the systemd units' layout) runs
# every read command while a sweep writes and after it, gets answers, and leaves no file of
# its own; an empty database is exit 9 and stays empty; a scan that fails before it sends
# and a merge with a missing source leave no database behind.
#
#   scanner ns (agentscan sweep, as root) ──veth── router ns ──bridge── lab hosts (tools/lab)
#   reader: setpriv --reuid nobody --regid users --clear-groups agentscan hosts|export|...

# shellcheck disable=SC2317  # check functions are called through `check`
# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
command -v setpriv >/dev/null || { echo "SKIP: setpriv (util-linux) not installed"; exit 77; }
A=$AS_BUILD_DIR/agentscan
READER=65534
GROUP=$(getent group users | cut -d: -f3)
[[ -n $GROUP ]] || { echo "SKIP: no group 'users'"; exit 77; }
if ! setpriv --reuid=$READER --regid="$GROUP" --clear-groups test -x "$A"; then
    echo "SKIP: $A is not executable by uid $READER (build outside a private directory)"
    exit 77
fi
lab_up
X=$LAB_DIR
chmod 0755 "$X"
# The units' layout: the service's directory 0750, its files 0640, group the readers'.
D=$X/state
mkdir "$D"
chgrp "$GROUP" "$D"
chmod 2750 "$D"
DB=$D/inv.db

cat >"$X/sweep.conf" <<EOF
[defaults]
dns-servers = $LAB_DNS
max-rate = 20000
db = $DB

[job lab]
targets = 198.18.1.0/24

[job slow]
targets = 198.18.0.0/18
max-rate = 3000
EOF

sweep() {
    (umask 0027; timeout 120 ip netns exec "$LAB_SCAN_NS" "$A" sweep "$1" --config "$X/sweep.conf") \
        >"$X/$1.out" 2>"$X/$1.err"
}
as_reader() {
    timeout 60 setpriv --reuid=$READER --regid="$GROUP" --clear-groups -- "$@"
}
# reads LABEL: every read command as the group member; diff may say 0 or 1.
reads() {
    local label=$1 rc c
    for c in "hosts" "hosts --format json" "export" "export --format json" "diff" \
             "deploy-report" "ports --scan 1" "prune --keep 1 --dry-run"; do
        # shellcheck disable=SC2086  # c is words
        as_reader "$A" $c --db "$DB" >"$X/read.out" 2>"$X/read.err"
        rc=$?
        if ((rc == 0)) || { [[ $c == diff ]] && ((rc == 1)); }; then
            echo "PASS: $label: $c"
        else
            fail "$label: $c exit $rc: $(head -c 300 "$X/read.err")"
        fi
    done
}

say "a first sweep writes the database"
check "sweep lab" sweep lab
check "database is 0640 in a 0750 directory" \
    test "$(stat -c %a "$DB")" = 640 -a "$(stat -c %a "$D")" = 2750
check "reader cannot write it" as_reader sh -c "! test -w '$DB'"

say "reads while a sweep writes"
sweep slow &
SWEEP=$!
for _ in $(seq 100); do
    [[ -e $DB-wal && -e $DB-shm ]] && break
    sleep 0.1
done
check "the writer's -wal and -shm exist" test -e "$DB-wal" -a -e "$DB-shm"
reads "during sweep"
wait "$SWEEP"
check "slow sweep finished" test -s "$X/slow.err"
check "reader left no file of its own" test -z "$(find "$D" -uid $READER)"

say "reads with no writer (no -wal, no -shm)"
check "no -wal after the sweep" test ! -e "$DB-wal"
reads "no writer"
check "no -wal or -shm after reading" test ! -e "$DB-wal" -a ! -e "$DB-shm"

say "an empty database is 'nothing yet', and stays empty"
: >"$D/empty.db"
chmod 0640 "$D/empty.db"
as_reader "$A" hosts --db "$D/empty.db" >/dev/null 2>"$X/empty.err"
rc=$?
check "hosts on an empty file exits 9 ($rc)" test "$rc" -eq 9
check "empty file still 0 bytes" test ! -s "$D/empty.db"
as_reader "$A" diff --db "$D/empty.db" >/dev/null 2>&1
rc=$?
check "diff on an empty file exits 0 ($rc)" test "$rc" -eq 0

say "failures before sending leave no database"
mkdir "$X/scratch" && chmod 0777 "$X/scratch"
timeout 30 ip netns exec "$LAB_SCAN_NS" setpriv --reuid=$READER --regid="$GROUP" --clear-groups \
    --inh-caps=-all --ambient-caps=-all --bounding-set=-all -- \
    "$A" scan 198.18.1.1 -n --db "$X/scratch/new.db" >/dev/null 2>"$X/perm.err"
rc=$?
check "unprivileged scan exits 4 ($rc)" test "$rc" -eq 4
check "and leaves no database" test ! -e "$X/scratch/new.db"
"$A" merge "$X/none.db" --into "$X/scratch/central.db" >/dev/null 2>&1
rc=$?
check "merge of a missing source fails ($rc)" test "$rc" -ne 0
check "and leaves no central database" test ! -e "$X/scratch/central.db"

finish
