#!/usr/bin/env bash
# test_identity_nmap.sh — nmap as a second witness of the lab's identity: nmap -sV -sU with
# smb-os-discovery, nbstat, snmp-sysdescr (plus smb2-security-mode and ssl-cert for signing
# and the certificate) against the service hosts and one aslab-listen host. nmap must see
# every fact identity.json holds (the truth is right without agentscan), and agentscan's
# default scan of the same hosts must agree with nmap on every fact both report: NetBIOS
# name and workgroup, DNS name and domain, NTLM version, SSH product and version, SNMP
# sysDescr and sysName, HTTP Server header, TLS CN and SANs, SMB signing, and whether each
# open port's protocol answered (nmap "probed" = agentscan "confirmed").
#
#   scanner ns ──veth── router ns ──bridge── h29 198.18.5.10 files01 (sshd, Samba, snmpd)
#      nmap, agentscan                   ├── h30 198.18.5.20 www01 (sshd, HTTP/HTTPS, snmpd)
#                                        └── h01 198.18.1.10 web01 (aslab-listen 22,80,443)
# Lab addresses only; nmap's service probes take minutes on a shared machine, hence the
# long but bounded timeouts (ctest gives this test 900 s).

# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
need_services
command -v nmap >/dev/null || { echo "SKIP: nmap not installed"; exit 77; }

lab_up --services
X=$LAB_DIR
CMP="$AS_SOURCE_DIR/tests/lab/compare_identity.py"
TARGETS=(198.18.5.10 198.18.5.20 198.18.1.10)

say "nmap -sV -sU with the identity scripts"
t0=$(now_ms)
timeout 480 ip netns exec "$LAB_SCAN_NS" nmap -n -Pn -sS -sV -sU -p T:22,80,139,443,445,U:137,161 \
    --script smb-os-discovery,nbstat,snmp-sysdescr,smb2-security-mode,ssl-cert \
    -oX "$X/nmap.xml" "${TARGETS[@]}" >"$X/nmap.out" 2>"$X/nmap.err"
rc=$?
echo "nmap: $(fmt_ms $(($(now_ms) - t0))) wall, status $rc"
if check "nmap finished" test "$rc" -eq 0; then
    check "nmap sees every fact of identity.json" timeout 60 python3 "$CMP" "$LAB_IDENTITY" nmap "$X/nmap.xml"
fi

say "agentscan scan, default options, the same hosts"
if check "scan completes" run_scan "$X/id.db" "${TARGETS[@]}" &&
    check "hosts --format json" hosts_json "$X/id.db" "$X/id.json" && ((rc == 0)); then
    check "agentscan and nmap agree on every fact both report" \
        timeout 60 python3 "$CMP" "$LAB_IDENTITY" agree "$X/id.json" "$X/nmap.xml"
fi

finish
