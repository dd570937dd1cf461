#!/usr/bin/env bash
# test_loss.sh — retries do their job: with 2% of the packets towards the scanner dropped,
# default scans and -Pn scans of the host /24s (three rounds each) still find every live host
# and every port state of the truth (so 100% of the live hosts and of the ~40 open ports).
#
#   scanner ns ──veth── router ns ──bridge── lab hosts (tools/lab)
#                          └─ nft: numgen random mod 100 < 2 drop, on the way to the scanner
#
# This kernel has no sch_netem, so the loss is `tools/lab loss 2`, an nftables rule on the
# router; its counters prove that packets were really dropped during each scan.
# Compared with compare_truth.py: hosts, every port state, managed/agent/deploy flags. A
# reverse-DNS name lost to the loss (two lost answers in a row, ~0.04% a host) is reported,
# not failed: this test is about probe retries, and c-ares owns DNS retries.

# Check functions are called through `check`, which shellcheck cannot follow.
# shellcheck disable=SC2317
# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [[ ! -x $AS_BUILD_DIR/agentscan ]]; then
    echo "FAIL: $AS_BUILD_DIR/agentscan not built"
    exit 1
fi
lab_up
X=$LAB_DIR
SUBNETS_CSV=${LAB_SUBNETS// /,}
PCT=2

# loss_counters: "seen dropped" from the loss chain's two counters.
loss_counters() {
    timeout 30 ip netns exec "$LAB_RTR_NS" nft -j list chain ip "$LAB_NFT_TABLE" loss | python3 -c '
import json, sys
rules = [e["rule"]["expr"] for e in json.load(sys.stdin)["nftables"] if "rule" in e]
n = [x["counter"]["packets"] for r in rules for x in r if "counter" in x]
print(*(n + [0, 0])[:2])'
}

# loss_was_applied: some packets were dropped, and not far more than PCT% of them. Three
# rounds pass ~800 packets towards the scanner: at 2% about 16 drops, none at all has odds
# of about 1e-7.
loss_was_applied() {
    local seen dropped
    read -r seen dropped < <(loss_counters)
    echo "loss chain: $dropped of $seen packets towards the scanner dropped"
    python3 -c "import sys; s, d = $seen, $dropped; sys.exit(0 if s > 0 and d > 0 and d / s < 0.06 else 1)"
}

# agrees_but_names JSON ARGS...: compare_truth; only NAME mismatches are tolerated.
agrees_but_names() {
    local json=$1 out
    shift
    out=$(compare_json "$json" "$@")
    printf '    %s\n' "${out//$'\n'/$'\n'    }"
    local bad
    bad=$(grep -cE '^(MISSING|PHANTOM|PORT|MANAGED|AGENT|DEPLOY) ' <<<"$out")
    if grep -q '^NAME ' <<<"$out"; then echo "note: names lost to the loss are not counted here"; fi
    grep -q '^compare_truth: ' <<<"$out" && ((bad == 0))
}

# lossy NAME MODE -- SCAN_ARGS...: fresh loss counters; ROUNDS scans, each checked against
# the truth; then the loss counters.
ROUNDS=3
lossy() {
    local name=$1 mode=$2 r db
    shift 3
    check "$name: tools/lab loss $PCT" timeout 30 "$LAB_TOOL" loss "$PCT" --dir "$LAB_DIR" || return 1
    for ((r = 1; r <= ROUNDS; r++)); do
        db=$X/$name$r.db
        check "$name #$r: scan exits 0" run_scan "$db" "$@" || continue
        check "$name #$r: scan.status is complete" scan_complete "$db"
        check "$name #$r: hosts --format json" hosts_json "$db" "$db.json" || continue
        check "$name #$r: every live host and port state found despite the loss" \
            agrees_but_names "$db.json" --mode "$mode" --scope "$SUBNETS_CSV"
    done
    check "$name: $PCT% loss was really applied" loss_was_applied
}

say "default options (echo + ACK/80 liveness, 2 retries) on the host /24s, $PCT% loss"
# shellcheck disable=SC2086  # LAB_SUBNETS is a word list
lossy default default -- $LAB_SUBNETS

say "-Pn on the host /24s, $PCT% loss: unanswered ports of answering hosts are retried"
# shellcheck disable=SC2086
lossy pn pn -- -Pn $LAB_SUBNETS

timeout 30 "$LAB_TOOL" loss 0 --dir "$LAB_DIR" >/dev/null 2>&1
finish
