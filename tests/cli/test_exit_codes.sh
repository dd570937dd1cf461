#!/usr/bin/env bash
# test_exit_codes.sh — exit codes mean one thing each, as README and --help say: a missing
# scan or an empty database is 9 (not "database cannot be written"), diff with nothing to
# compare yet is 0, a broken database 7; config check reports every problem at once, warns
# on a file with no job and checks the database directory. No root, no network.
set -uo pipefail
AS_SOURCE_DIR=${AS_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
AS_BUILD_DIR=${AS_BUILD_DIR:-$AS_SOURCE_DIR/build}
A=$AS_BUILD_DIR/agentscan
FAILS=0
T=$(mktemp -d /tmp/as-exit-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
expect() {  # expect CODE PATTERN CMD...
    local want=$1 pat=$2 rc
    shift 2
    "$@" >"$T/out" 2>"$T/err"
    rc=$?
    if ((rc == want)) && grep -qE -- "$pat" "$T/out" "$T/err"; then
        echo "PASS: exit $want: $*"
    else
        echo "FAIL: exit $rc (want $want, /$pat/): $* — $(head -c 300 "$T/err")"
        FAILS=$((FAILS + 1))
    fi
}

: >"$T/empty.db"
expect 9 "no scan recorded yet" "$A" hosts --db "$T/empty.db"
expect 9 "no scan recorded yet" "$A" export --db "$T/empty.db"
expect 9 "no scan recorded yet" "$A" deploy-report --db "$T/empty.db"
expect 0 "nothing to compare yet" "$A" diff --db "$T/empty.db"
expect 7 "does not exist" "$A" hosts --db "$T/missing.db"
echo "not a database, just text, long enough to have a header of one hundred bytes...........
...................................................................................." >"$T/text.db"
expect 7 "not an agentscan database" "$A" export --db "$T/text.db"
test ! -e "$T/missing.db" || { echo "FAIL: a reader created $T/missing.db"; FAILS=$((FAILS + 1)); }
test ! -s "$T/empty.db" || { echo "FAIL: a reader wrote into an empty file"; FAILS=$((FAILS + 1)); }

# One scan (offline: no packet leaves) gives a database with one scan.
if "$A" scan --offline -Pn -p 22 198.18.0.0/30 --db "$T/one.db" >/dev/null 2>&1; then
    expect 9 "no scan 99" "$A" hosts --scan 99 --db "$T/one.db"
    expect 9 "no scan 99" "$A" export --scan 99 --db "$T/one.db"
    expect 0 "nothing to compare yet" "$A" diff --db "$T/one.db"
    expect 0 "" "$A" hosts --db "$T/one.db"
else
    echo "SKIP: scan --offline cannot run here"
fi

printf '' >"$T/empty.conf"
expect 0 "defines no job" "$A" config check "$T/empty.conf"
printf '[job a]\ntargets = 198.18.0.0/40\nfrobnicate = 1\ndb = %s/none/%%j.db\n[job b]\nmax-rate = x\ntargets = 198.18.1.0/24\n' \
    "$T" >"$T/bad.conf"
"$A" config check "$T/bad.conf" >"$T/out" 2>"$T/err"
rc=$?
n=$(grep -c "bad.conf:[0-9]*:" "$T/err")
if ((rc == 2 && n >= 3)); then
    echo "PASS: config check reports $n problems in one pass"
else
    echo "FAIL: config check: exit $rc, $n problems: $(cat "$T/err")"
    FAILS=$((FAILS + 1))
fi
printf '[job a]\ntargets = 198.18.0.0/24\ndb = %s/none/%%j.db\n' "$T" >"$T/dir.conf"
expect 2 "database directory .*/none does not exist" "$A" config check "$T/dir.conf"

((FAILS)) && { echo "RESULT: $FAILS failures"; exit 1; }
echo "RESULT: all passed"
