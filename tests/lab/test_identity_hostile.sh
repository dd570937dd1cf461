#!/usr/bin/env bash
# test_identity_hostile.sh — hostile servers cost the identity phase at most its time and byte
# caps and record nothing false (issue 9): endless and slow SSH banners, a 1 MiB HTTP header,
# a Server header of escapes, NTLMSSP with offsets and AV lengths past the end, a VERSION of
# 255.255.65535, X.224 confirms that lie about their length, certificates with a 4 KiB CN,
# 500 or 6000 SANs and NULs, a broken NBSTAT name count, SNMP with broken BER, a silent host.
#
#   [PFX-scan 198.18.91.1] --veth-- [PFX-srv 198.18.91.10-.27: hostile_services.py,
#    agentscan                        one address per behaviour, see ADDR below]
#
# Runs one reference scan with --no-identify (wall time and peak RSS without the phase), then
# the scan under test with --identify-timeout T and --max-connections M, and checks its time,
# RSS, database and JSON against what the servers did (their log names every connection).
#
# What counts as false, decided here:
# - every name a hostile server offers contains "HOSTILE" (SSH line, Server header past the
#   cap, NTLMSSP names, NBSTAT names, SNMP sysName): a correct parser rejects all of them, so
#   the word appears nowhere in the inventory; TLS names (lowercase "hostile") are what the
#   certificates really say and may be kept, cut to their caps;
# - a Server header full of escapes may be kept, sanitized (printable ASCII) and <= 255 chars;
# - a NUL ends nothing: "trusted.example\0.evil.example" must never be stored as
#   "trusted.example" (the old certificate trick);
# - a chosen host name is a host name: no '?' left by a sanitizer, labels <= 63, <= 253;
# - SSH, RDP and the garbage SMB (smb-badneg) and silent channels are deploy_open, never
#   deploy, and their ports are not confirmed. smb-offsets/-avpairs/-version answer NEGOTIATE
#   as SMB2 does, so whether SMB is confirmed there is left to the phase; only their NTLMSSP
#   names (none) and VERSION (no Windows release invented from 255.255) are checked;
# - no host lists a channel both in deploy (confirmed) and in deploy_open (did not answer).

# shellcheck disable=SC2317  # functions run from traps
# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
for tool in python3 openssl /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool is missing"; exit 77; }
done
A=$AS_BUILD_DIR/agentscan
SVC=$AS_SOURCE_DIR/tests/lab/hostile_services.py
CHECK=$AS_SOURCE_DIR/tests/lab/identity_hostile_check.py
[[ -x $A ]] || { echo "FAIL: $A not built"; exit 1; }

T=2             # --identify-timeout, seconds
M=4             # --max-connections: below the number of connections, so they queue
CAP_KIB=64      # the identity phase's byte cap per connection
# Peak RSS allowance over the --no-identify scan: M connections each holding at most a few
# times the cap (read buffer, parse copy, TLS records), plus what OpenSSL, net-snmp and libuv
# allocate once. Buffering an endless stream would pass it in well under a second on a veth.
LIB_KIB=$((32 * 1024))
RSS_SLACK_KIB=$((M * 4 * CAP_KIB + LIB_KIB))
# Wall-time slack over ref + T * (ceil(connections / M) + 1): process start, ARP and the
# store on a shared two-core machine.
WALL_SLACK_MS=5000

ADDR=(
    ssh-endless=198.18.91.10 ssh-slow=198.18.91.11
    http-bighead=198.18.91.12 http-ctrl=198.18.91.13
    smb-offsets=198.18.91.14 smb-avpairs=198.18.91.15 smb-version=198.18.91.16
    smb-badneg=198.18.91.17
    rdp-tpkt=198.18.91.18 rdp-neg=198.18.91.19 rdp-li=198.18.91.20
    tls-absurd=198.18.91.21 tls-nulcn=198.18.91.22 tls-huge=198.18.91.23
    nbstat-count=198.18.91.24 nbstat-ctrl=198.18.91.25 snmp-ber=198.18.91.26
    silent=198.18.91.27
)
TARGETS=198.18.91.10-27
TCP_PORTS=22,80,139,443,445,3389,5985,5986

help=$("$A" scan --help 2>&1)
for opt in --identify-timeout --max-connections --no-identify; do
    if ! grep -q -- "$opt" <<<"$help"; then
        echo "FAIL: agentscan scan --help names no $opt: the identity phase is not in this build"
        exit 1
    fi
done
# UDP 137/161 as nmap writes them, when this build scans UDP; otherwise TCP only, and the
# log check below says whether the phase queried NBSTAT and SNMP anyway.
PORTS=$TCP_PORTS
UDP_ARGS=()
if grep -qE '(^|[^A-Za-z])U:[0-9]' <<<"$help"; then
    PORTS="T:$TCP_PORTS,U:137,161"
    grep -q -- '-sU' <<<"$help" && UDP_ARGS=(-sS -sU)
fi

PFX=asidh$$
NS_SCAN=$PFX-scan NS_SRV=$PFX-srv
X=$(mktemp -d /tmp/asidh.XXXXXX)
SPID=""
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n $SPID ]]; then
        kill "$SPID" 2>/dev/null
        wait "$SPID" 2>/dev/null
    fi
    # anything else still running in our server namespace is ours (children of the above)
    ip netns pids "$NS_SRV" 2>/dev/null | xargs -r kill 2>/dev/null
    ip netns del "$NS_SRV" 2>/dev/null
    ip netns del "$NS_SCAN" 2>/dev/null
    if ((rc == 0)) && [[ -z ${KEEP_LAB_DIR-} ]]; then
        rm -rf "$X"
    else
        echo "files kept in $X"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'echo "interrupted"; exit 130' INT
trap 'echo "terminated"; exit 143' TERM

say "namespaces $NS_SCAN and $NS_SRV on 198.18.91.0/24, hostile services"
if ! ip netns add "$NS_SCAN" || ! ip netns add "$NS_SRV"; then
    echo "FAIL: ip netns add"
    exit 1
fi
ip link add "$PFX-c" netns "$NS_SCAN" type veth peer name "$PFX-s" netns "$NS_SRV" ||
    { echo "FAIL: veth"; exit 1; }
ip -n "$NS_SCAN" addr add 198.18.91.1/24 dev "$PFX-c"
ip -n "$NS_SCAN" link set "$PFX-c" up
ip -n "$NS_SCAN" link set lo up
for pair in "${ADDR[@]}"; do ip -n "$NS_SRV" addr add "${pair#*=}/24" dev "$PFX-s"; done
ip -n "$NS_SRV" link set "$PFX-s" up
ip -n "$NS_SRV" link set lo up
ip netns exec "$NS_SRV" python3 "$SVC" --dir "$X" --lifetime 500 "${ADDR[@]}" \
    >"$X/services.out" 2>"$X/services.err" &
SPID=$!
for _ in $(seq 1 600); do
    grep -q ready "$X/services.out" 2>/dev/null && break
    kill -0 "$SPID" 2>/dev/null || break
    sleep 0.1
done
if ! grep -q ready "$X/services.out"; then
    echo "FAIL: hostile_services.py did not come up"
    tail -n 20 "$X/services.err"
    exit 1
fi

# scan NAME ARGS...: one bounded scan under GNU time; NAME.wall (ms), NAME.rss (KiB), NAME.rc
scan() {
    local name=$1 t0 rc
    shift
    t0=$(now_ms)
    /usr/bin/time -f "%M" -o "$X/$name.rss" timeout 120 ip netns exec "$NS_SCAN" "$A" scan \
        "$TARGETS" -p "$PORTS" "${UDP_ARGS[@]}" -n --no-progress --db "$X/$name.db" "$@" \
        >"$X/$name.out" 2>"$X/$name.err"
    rc=$?
    echo $(($(now_ms) - t0)) >"$X/$name.wall"
    echo "$rc" >"$X/$name.rc"
    echo "scan $name [$*]: $(fmt_ms "$(cat "$X/$name.wall")") wall, $(tail -n1 "$X/$name.rss") KiB peak RSS, status $rc"
    ((rc == 0)) || tail -n 15 "$X/$name.err"
    timeout 60 ip netns exec "$NS_SCAN" "$A" hosts --db "$X/$name.db" --format json \
        >"$X/$name.json" 2>"$X/$name.json.err"
    return "$rc"
}

say "reference scan without the identity phase"
check "the --no-identify scan exits 0" scan ref --no-identify
n=$(wc -l <"$X/log.jsonl" 2>/dev/null || echo 0)
echo "$n" >"$X/ref.loglines"

say "the scan under test: --identify-timeout $T --max-connections $M"
check "the identity scan exits 0" scan id --identify-timeout "$T" --max-connections "$M"
sleep 2     # the servers notice the last closes within their 1 s poll
check "the identity scan's status is complete" scan_complete "$X/id.db"
ic=$(timeout 60 python3 -c 'import sqlite3, sys
print(sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True).execute("PRAGMA integrity_check").fetchone()[0])' \
    "$X/id.db" 2>&1 | tail -n1)
check "the database passes integrity_check ($ic)" test "$ic" = ok

# The checks on what was recorded, and on what the servers saw, print PASS/FAIL lines.
timeout 120 python3 "$CHECK" "$X" "$T" "$M" "$CAP_KIB" "$RSS_SLACK_KIB" "$WALL_SLACK_MS" "${ADDR[@]}" \
    >"$X/checks.out" 2>&1
cat "$X/checks.out"
n_pass=$(grep -c '^PASS: ' "$X/checks.out")
n_fail=$(grep -c '^FAIL: ' "$X/checks.out")
if ! grep -q '^\(PASS\|FAIL\): no identity or evidence string' "$X/checks.out"; then
    fail "the checks script stopped early (see above)"
fi
T_CHECKS=$((T_CHECKS + n_pass + n_fail))
T_FAILS=$((T_FAILS + n_fail))
finish
