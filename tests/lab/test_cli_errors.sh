#!/usr/bin/env bash
# test_cli_errors.sh — every user error gets its message and its own exit code, and nothing
# is sent or stored: bad flags, bad targets, not root, unknown interface, no route,
# unwritable or missing database, bad port table.
#
#   PREFIX-err (one namespace: lo and a dummy device on 198.18.255.0/24, nothing attached)

# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
AS=$AS_BUILD_DIR/agentscan
[[ -x $AS ]] || { echo "FAIL: $AS not built"; exit 1; }

NS=as$(printf '%04x' $((RANDOM & 0xffff)))-err
TMP=$(mktemp -d /tmp/aserr.XXXXXX)
cleanup() { ip netns del "$NS" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT INT TERM
ip netns add "$NS"
ip -n "$NS" link set lo up
# A dummy Ethernet device: a place for an unprivileged scan to fail; nothing is attached.
ip -n "$NS" link add dum0 type dummy
ip -n "$NS" addr add 198.18.255.1/24 dev dum0
ip -n "$NS" link set dum0 up

# expect CODE PATTERN CMD...: exit status CODE and stderr matching PATTERN.
expect() {
    local code=$1 pattern=$2 rc
    shift 2
    timeout 30 "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    T_CHECKS=$((T_CHECKS + 1))
    if ((rc == code)) && grep -qE -- "$pattern" "$TMP/err"; then
        echo "PASS: exit $code: $(head -c 150 "$TMP/err" | head -1)"
    else
        echo "FAIL: [$*] wanted exit $code and /$pattern/, got $rc: $(head -c 300 "$TMP/err")"
        T_FAILS=$((T_FAILS + 1))
    fi
}

INNS=(ip netns exec "$NS")
DB=$TMP/x.db

say "usage errors (exit 2)"
expect 2 "unknown option '--frobnicate'" "$AS" scan --frobnicate 198.18.0.1 --db "$DB"
expect 2 "no targets given" "$AS" scan --db "$DB"
expect 2 "--max-retries: must be a whole number from 0 to 10" "$AS" scan --max-retries x 198.18.0.1 --db "$DB"
expect 2 "bad port list '70000'" "$AS" scan -p 70000 198.18.0.1 --db "$DB"
expect 2 "--shard needs --seed" "$AS" scan --shard 1/2 198.18.0.1 --db "$DB"
expect 2 "unknown command 'scna'" "$AS" scna
# Seventeen bare -PA once wrote past the sixteen ACK ping ports (UBSan saw it).
mapfile -t many_pa < <(for _ in $(seq 17); do echo -PA; done)
expect 2 "at most 16 ACK" "$AS" scan "${many_pa[@]}" 198.18.0.1 --db "$DB"
expect 2 "at most 16 ACK" "$AS" scan -PA1-10 -PA20-30 198.18.0.1 --db "$DB"
say "target errors (exit 3), before any packet"
expect 3 "bad target '198.18.1.300'.*position" "$AS" scan 198.18.1.300 --db "$DB"
expect 3 "198.18.3-1.1.*backwards.*position 8" "$AS" scan 198.18.3-1.1 --db "$DB"
expect 3 "cannot open target file" "$AS" scan -iL "$TMP/missing.txt" --db "$DB"
printf '198.18.0.1\n198.18.0.256\n' >"$TMP/list.txt"
expect 3 "list.txt:2:" "$AS" scan -iL "$TMP/list.txt" --db "$DB"
expect 3 "no targets left" "$AS" scan 198.18.0.0/30 --exclude 198.18.0.0/29 --db "$DB"
[[ ! -e $DB ]] && echo "PASS: no database created by rejected command lines" ||
    fail "a rejected command line created $DB"
say "permission (exit 4): an unprivileged user without CAP_NET_RAW"
chmod 755 "$TMP"
mkdir -m 777 "$TMP/nobody"
expect 4 "CAP_NET_RAW" "${INNS[@]}" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
    --bounding-set=-all "$AS" scan 198.18.255.2 -e dum0 -n --db "$TMP/nobody/n.db"
say "interface and route (exit 5, 6)"
expect 5 "unknown interface 'nosuch0'" "${INNS[@]}" "$AS" scan 198.18.0.1 -e nosuch0 -n --db "$DB"
expect 6 "no route to 198.18.0.1" "${INNS[@]}" "$AS" scan 198.18.0.1 -n --db "$DB"
say "database (exit 7)"
expect 7 "database|cannot" "${INNS[@]}" "$AS" scan 198.18.0.1 -n --db /proc/nonexistent/x.db
expect 7 "does not exist" "$AS" hosts --db "$TMP/none.db"
printf 'not a database, just text\n' >"$TMP/text.db"
expect 7 "not an agentscan database|not a database" "$AS" hosts --db "$TMP/text.db"
say "data files (exit 8)"
printf '99999/tcp Nothing\n' >"$TMP/bad.tab"
expect 8 "bad.tab:1:" "$AS" scan 198.18.0.1 --agents "$TMP/bad.tab" --db "$DB"
finish
