#!/usr/bin/env bash
# test_identity.sh — who the lab hosts are: real Debian servers answer in two hosts (tools/lab
# up --services: h29 files01 with sshd, Samba and snmpd; h30 www01 with sshd, HTTP, HTTPS
# and snmpd), aslab-listen in the others. One `agentscan scan` with default options over every
# host /24, then every identity field of `agentscan hosts --format json` must equal the lab's
# identity.json (compare_identity.py), and ports, names and agents still truth.tsv.
#
#   scanner ns ──veth── router ns ──bridge── h01..h16 (aslab-listen)
#                                       ├── h29 198.18.5.10 files01: sshd, smbd+nmbd, snmpd
#                                       ├── h30 198.18.5.20 www01: sshd, HTTP/HTTPS, snmpd
#                                       └── dns ns (dnsmasq)
# Only 198.18.0.0/15 is scanned; every service runs in a lab namespace and stops on exit.

# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
need_services

lab_up --services
X=$LAB_DIR
CMP="$AS_SOURCE_DIR/tests/lab/compare_identity.py"

say "agentscan scan, default options, over every host /24 (identity on)"
# shellcheck disable=SC2086  # LAB_SUBNETS is a word list
if check "scan completes" run_scan "$X/id.db" $LAB_SUBNETS && check "scan row complete" scan_complete "$X/id.db" &&
    check "hosts --format json" hosts_json "$X/id.db" "$X/id.json"; then
    check "every identity field, deploy channel and served port equals identity.json" \
        timeout 60 python3 "$CMP" "$LAB_IDENTITY" agentscan "$X/id.json"
    check "liveness, ports, names and agents still equal truth.tsv" compare_json "$X/id.json" --mode default
fi

finish
