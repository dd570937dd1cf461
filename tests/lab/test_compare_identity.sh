#!/usr/bin/env bash
# test_compare_identity.sh — the identity referee is tested too: an agentscan inventory and an
# nmap report made from an identity.json must pass, and each kind of wrong or missing answer
# must fail with its own line. No root, no lab: the truth is a fixture shaped like the one
# tools/lab up --services writes.

set -uo pipefail
AS_SOURCE_DIR=${AS_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
W=$(mktemp -d /tmp/aslab-cmpid.XXXXXX)
trap 'rm -rf "$W"' EXIT

timeout 60 python3 - "$AS_SOURCE_DIR/tests/lab/compare_identity.py" "$W" <<'EOF'
import copy, io, json, subprocess, sys
cmp, w = sys.argv[1], sys.argv[2]
SSH = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10"
truth = {
    "198.18.5.10": {
        "services": ["ssh", "smb", "snmp"], "deploy": ["smb", "ssh"], "deploy_open": [],
        "identity": {
            "netbios_name": "FILES01", "netbios_domain": "AGENTLAB", "netbios_users": [],
            "netbios_mac": None, "dns_name": "files01.lab.agentscan.test",
            "dns_domain": "lab.agentscan.test", "dns_forest": None, "os_version": "6.1.0",
            "ssh": SSH, "smb": {"dialect": "3.1.1", "signing_required": True},
            "snmp": {"sysdescr": "Linux files01 6.1.0-lab", "sysname": "files01.lab.agentscan.test",
                     "sysobjectid": "1.3.6.1.4.1.8072.3.2.10"},
            "tls": None, "http_server": None, "agent_possible": None,
            "os": {"name": "Debian 12", "family": "unix", "source": "ssh", "conflict": None},
            "name": {"name": "files01.lab.agentscan.test", "source": "smb-dns"}},
        "ports": {"tcp/22": {"confirmed": True, "product": "OpenSSH", "version": "9.2p1"},
                  "tcp/139": {"confirmed": True}, "tcp/445": {"confirmed": True}}},
    "198.18.1.10": {"services": [], "deploy": [], "deploy_open": ["ssh"], "identity": None, "ports": {}},
    "198.18.2.10": {"services": [], "deploy": [], "deploy_open": ["ssh"], "identity": None, "ports": {}},
}
json.dump(truth, open(f"{w}/identity.json", "w"))


def inventory():
    t = truth["198.18.5.10"]
    ident = copy.deepcopy(t["identity"])
    ident["os"]["confidence"] = 90          # extra fields are not differences
    ident["dns_forest"] = ""                # "" and null both mean none
    svc = {"address": "198.18.5.10", "up": True, "identity": ident, "deploy": ["ssh", "smb"],
           "deploy_open": [], "ports": [dict(v, proto="tcp", port=int(k[4:]), state="open")
                                        for k, v in t["ports"].items()],
           "evidence": [{"kind": "os", "source": "ssh", "value": SSH},
                        {"kind": "os", "source": "snmp", "value": ident["snmp"]["sysdescr"]}]}
    plain = {"address": "198.18.1.10", "up": True, "identity": None, "deploy": ["ssh"], "deploy_open": [],
             "ports": [{"proto": "tcp", "port": 22, "state": "open", "confirmed": False}], "evidence": []}
    return [svc, plain]          # 198.18.2.10 absent: liveness is compare_truth's to judge


def nmap_xml(hosts):
    out = io.StringIO()
    out.write('<?xml version="1.0"?><nmaprun>')
    for ip, ports, scripts in hosts:
        out.write(f'<host><status state="up"/><address addr="{ip}" addrtype="ipv4"/><ports>')
        for proto, num, attrs in ports:
            a = " ".join(f'{k}="{v}"' for k, v in attrs.items())
            out.write(f'<port protocol="{proto}" portid="{num}"><state state="open"/><service {a}/></port>')
        out.write("</ports><hostscript>")
        for sid, output, elems in scripts:
            out.write(f'<script id="{sid}" output="{output}">')
            out.write("".join(f'<elem key="{k}">{v}</elem>' for k, v in elems.items()))
            out.write("</script>")
        out.write("</hostscript></host>")
    out.write("</nmaprun>")
    return out.getvalue()


GOOD_NMAP = [
    ("198.18.5.10",
     [("tcp", 22, {"name": "ssh", "product": "OpenSSH", "version": "9.2p1 Debian 2+deb12u10", "method": "probed"}),
      ("tcp", 139, {"name": "netbios-ssn", "product": "Samba smbd", "method": "probed"}),
      ("tcp", 445, {"name": "netbios-ssn", "product": "Samba smbd", "method": "probed"}),
      ("udp", 137, {"name": "netbios-ns", "extrainfo": "workgroup: AGENTLAB", "hostname": "FILES01", "method": "probed"}),
      ("udp", 161, {"name": "snmp", "hostname": "files01.lab.agentscan.test", "method": "probed"})],
     [("smb-os-discovery", "", {"os": "Windows 6.1", "server": "FILES01\\x00", "workgroup": "AGENTLAB\\x00",
                                "fqdn": "files01.lab.agentscan.test", "domain_dns": "lab.agentscan.test"}),
      ("nbstat", "NetBIOS name: FILES01, NetBIOS user: &lt;unknown&gt;", {}),
      ("snmp-sysdescr", "Linux files01 6.1.0-lab&#xa;  System uptime: 1s", {}),
      ("smb2-security-mode", "&#xa;  311: &#xa;    Message signing enabled and required", {})]),
    ("198.18.1.10", [("tcp", 22, {"name": "tcpwrapped", "method": "probed"})], []),
]

fails = 0


def run(what, args, want_rc, want_lines=()):
    global fails
    p = subprocess.run([sys.executable, cmp, f"{w}/identity.json"] + args, capture_output=True, text=True)
    bad = [l for l in want_lines if not any(l in o for o in p.stdout.splitlines())]
    ok = p.returncode == want_rc and not bad
    print(f"{'PASS' if ok else 'FAIL'}: {what} (status {p.returncode}, want {want_rc})")
    if not ok:
        fails += 1
        print(p.stdout + p.stderr)
        for l in bad:
            print(f"  missing line: {l}")


def case(name, inv):
    path = f"{w}/{name}.json"
    json.dump(inv, open(path, "w"))
    return path


def xml(name, hosts):
    path = f"{w}/{name}.xml"
    open(path, "w").write(nmap_xml(hosts))
    return path


good = case("good", inventory())
run("a right inventory passes", ["agentscan", good], 0)
inv = inventory()
for h in inv:
    h.pop("identity"); h.pop("evidence"); h.pop("deploy_open")
run("an inventory without identity names the missing features", ["agentscan", case("none", inv)], 1,
    ["no host in agentscan's output has 'identity'", "no host in agentscan's output has 'evidence'",
     "198.18.5.10: want an object (ssh, smb, snmp answer), got <missing>"])
inv = inventory()
inv[0]["identity"]["netbios_domain"] = "FILES01"
inv[0]["identity"]["smb"]["signing_required"] = False
inv[0]["identity"].pop("os_version")
run("wrong and absent fields each get a line", ["agentscan", case("fields", inv)], 1,
    ['identity.netbios_domain', 'want "AGENTLAB", got "FILES01"', "identity.smb.signing_required",
     'identity.os_version', 'want "6.1.0", got <missing>'])
inv = inventory()
inv[0]["identity"]["tls"] = {"subject": "CN=x", "sans": [], "issuer": "CN=x"}
inv[0]["deploy"] = ["ssh"]
inv[0]["deploy_open"] = ["smb"]
run("a TLS object where none is, smb only open", ["agentscan", case("tls", inv)], 1,
    ["identity.tls", "deploy ", "deploy_open"])
inv = inventory()
inv[1]["ports"][0]["confirmed"] = True
inv[1]["identity"] = {"ssh": "x"}
run("aslab-listen's port confirmed, identity where nothing speaks", ["agentscan", case("listen", inv)], 1,
    ["tcp/22 confirmed, but nothing there speaks a protocol", "identity"])
inv = inventory()
inv[0]["evidence"] = [{"kind": "os", "source": "ssh", "value": "SSH-2.0-other"}]
inv[0]["ports"][0]["version"] = "9.3"
run("evidence and port version", ["agentscan", case("evidence", inv)], 1,
    ["evidence", "ports[tcp/22].version"])
run("a service host agentscan did not find", ["agentscan", case("missing", inventory()[1:])], 1,
    ["198.18.5.10: a service host, not in agentscan's output"])

nm = xml("nmap-good", GOOD_NMAP)
run("nmap reporting every fact passes against the truth", ["nmap", nm], 0)
poor = copy.deepcopy(GOOD_NMAP)
poor[0] = (poor[0][0], poor[0][1], poor[0][2][:2])
run("nmap without the SNMP and signing scripts fails", ["nmap", xml("nmap-poor", poor)], 1,
    ["snmp_sysdescr", "smb_signing_required"])
run("agentscan and nmap agree", ["agree", good, nm], 0)
inv = inventory()
inv[0]["identity"]["netbios_name"] = "OTHER"
inv[1]["ports"][0]["confirmed"] = True
run("disagreements are listed side by side", ["agree", case("disagree", inv), nm], 1,
    ['netbios_name', 'agentscan "OTHER", nmap "FILES01"', '198.18.1.10: agentscan true, nmap false'])
inv = inventory()
inv[0]["identity"]["snmp"] = None
run("a fact only nmap reports of a service host is a gap", ["agree", case("gap", inv), nm], 1,
    ['snmp_sysdescr', 'agentscan reports nothing'])
print(f"RESULT: {'all checks passed' if not fails else f'{fails} checks failed'}")
sys.exit(1 if fails else 0)
EOF
