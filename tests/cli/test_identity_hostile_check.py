#!/usr/bin/env python3
"""test_identity_hostile_check.py — the checks of tests/lab/test_identity_hostile.sh can fail:
tests/lab/identity_hostile_check.py on a made-up inventory that a correct identity phase
would write passes, and on one that records each hostile server's lie, fails exactly there.
No root, no network: the servers' log, the JSON and the database are written here."""
import copy
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

SOURCE = os.environ.get("AS_SOURCE_DIR", ".")
CHECK = os.path.join(SOURCE, "tests", "lab", "identity_hostile_check.py")
T, M = 2, 4
ADDR = {
    "ssh-endless": 10, "ssh-slow": 11, "http-bighead": 12, "http-ctrl": 13, "smb-offsets": 14,
    "smb-avpairs": 15, "smb-version": 16, "smb-badneg": 17, "rdp-tpkt": 18, "rdp-neg": 19,
    "rdp-li": 20, "tls-absurd": 21, "tls-nulcn": 22, "tls-huge": 23, "nbstat-count": 24,
    "nbstat-ctrl": 25, "snmp-ber": 26, "silent": 27,
}
PORTS = {
    "ssh-endless": [22], "ssh-slow": [22], "http-bighead": [80], "http-ctrl": [80],
    "smb-offsets": [139, 445], "smb-avpairs": [139, 445], "smb-version": [139, 445],
    "smb-badneg": [139, 445], "rdp-tpkt": [3389], "rdp-neg": [3389], "rdp-li": [3389],
    "tls-absurd": [443], "tls-nulcn": [443], "tls-huge": [443],
    "silent": [22, 80, 139, 443, 445, 3389, 5985, 5986],
}
UDP = {"nbstat-count": 137, "nbstat-ctrl": 137, "snmp-ber": 161, "silent": 137}
CHANNEL = {22: "ssh", 139: "smb", 445: "smb", 3389: "rdp", 5985: "winrm", 5986: "winrm"}
failures = []


def ip(svc):
    return "198.18.91.%d" % ADDR[svc]


def good_hosts():
    """What a correct phase records: nothing from garbage, channels only open."""
    hosts = []
    for svc in ADDR:
        ports = PORTS.get(svc, [])
        chans = sorted({CHANNEL[p] for p in ports if p in CHANNEL})
        idn = None
        if svc == "http-ctrl":
            head = "?[2J?[31mHostileWeb/6.6???]0;owned? ???? "
            idn = {"http_server": head + "C" * (255 - len(head))}     # as_http_parse keeps
        elif svc == "tls-nulcn":
            idn = {"tls": {"subject": "CN=trusted.example\\00.evil.example",
                           "sans": ["DNS:trusted.example?.evil.example"], "issuer": ""}}
        elif svc == "tls-absurd":
            idn = {"tls": {"subject": "CN=" + "a" * 252, "issuer": "",
                           "sans": ["DNS:san-%d.hostile.example" % i for i in range(16)]},
                   "name": {"name": "san-0.hostile.example", "source": "tls"}}
        elif svc == "nbstat-ctrl":
            idn = {"netbios_name": "?[31mEVIL?", "netbios_domain": "WG?[0m?"}
        elif svc == "smb-avpairs":
            idn = {"os_version": "10.0.17763", "smb": {"dialect": "2.1", "signing_required": False}}
        elif svc == "smb-version":
            idn = {"os_version": "255.255.65535", "os": {"name": "", "family": "windows"}}
        hosts.append({
            "address": ip(svc), "up": True,
            "ports": [{"port": p, "proto": "tcp", "state": "open", "product": None,
                       "version": None, "confirmed": False if p in CHANNEL else None}
                      for p in ports],
            "identity": idn, "evidence": [], "deploy": [], "deploy_open": chans,
        })
    return hosts


def server_log():
    log, t = [], 1000.0
    for i, svc in enumerate(ADDR):
        for p in PORTS.get(svc, []):
            start = t + (i % 9) * 0.5 + (p % 7) * 0.01
            log.append({"svc": svc, "proto": "tcp", "addr": ip(svc), "port": p,
                        "peer": "198.18.91.1", "t0": start, "t1": start + 0.3,
                        "sent": 10, "end": "peer closed"})
        if svc in UDP:
            log.append({"svc": svc, "proto": "udp", "addr": ip(svc), "port": UDP[svc],
                        "peer": "198.18.91.1", "t0": t, "t1": t, "sent": 0, "end": "answered"})
    return log


def write_dir(d, hosts, log, wall=9000, rss=20000, db_rows=()):
    with open(os.path.join(d, "log.jsonl"), "w") as f:
        for e in log:
            f.write(json.dumps(e) + "\n")
    json.dump([{"address": h["address"], "identity": None} for h in hosts],
              open(os.path.join(d, "ref.json"), "w"))
    json.dump(hosts, open(os.path.join(d, "id.json"), "w"))
    for name, text in (("ref.wall", "1000"), ("id.wall", str(wall)), ("ref.rss", "19000"),
                       ("id.rss", str(rss)), ("ref.loglines", "0")):
        open(os.path.join(d, name), "w").write(text + "\n")
    path = os.path.join(d, "id.db")
    if os.path.exists(path):
        os.unlink(path)
    con = sqlite3.connect(path)
    con.executescript("CREATE TABLE identity(netbios_name TEXT, http_server TEXT, tls_sans TEXT);"
                      "CREATE TABLE evidence(value TEXT);"
                      "CREATE TABLE port(product TEXT);"
                      "CREATE TABLE observation(name TEXT, os_fingerprint TEXT);"
                      "INSERT INTO observation VALUES('', 'SEQ(SP=1)\nOPS(O1=M5B4)');")
    for sql, args in db_rows:
        con.execute(sql, args)
    con.commit()
    con.close()


def run(d):
    args = [sys.executable, CHECK, d, str(T), str(M), "64", str(M * 4 * 64 + 32768), "5000"]
    args += ["%s=%s" % (svc, ip(svc)) for svc in ADDR]
    r = subprocess.run(args, capture_output=True, text=True, timeout=60)
    return r.stdout + r.stderr


def expect(what, out, fails):
    before = len(failures)
    got = [line for line in out.splitlines() if line.startswith("FAIL: ")]
    if "no identity or evidence string" not in out:
        failures.append(f"{what}: the checker stopped early:\n{out[-2000:]}")
        return
    for want in fails:
        if not any(want in line for line in got):
            failures.append(f"{what}: no FAIL line containing {want!r}")
    if not fails and got:
        failures.append(f"{what}: unexpected failures: {got}")
    print(f"{'ok' if len(failures) == before else 'NOT OK'}: {what} ({len(got)} FAIL lines)")


def main():
    with tempfile.TemporaryDirectory() as d:
        write_dir(d, good_hosts(), server_log())
        expect("a correct identity phase passes", run(d), [])

        # each lie a hostile server tells, recorded, must fail its own check
        lies = [
            ("ssh-endless", lambda h: h.update(identity={"ssh": "Welcome to the endless"}),
             "ssh-endless: no SSH identification"),
            ("ssh-slow", lambda h: h.update(deploy=["ssh"], deploy_open=[]),
             "ssh-slow: ssh is deploy_open, not deploy"),
            ("ssh-slow", lambda h: h["ports"][0].update(product="Slowloris", confirmed=True),
             "ssh-slow: port 22 not confirmed"),
            ("http-bighead", lambda h: h.update(identity={"http_server": "BigHead/1.0"}),
             "http-bighead: no Server header"),
            ("http-ctrl", lambda h: h.update(identity={"http_server": "x" * 300}),
             "http-ctrl: Server absent or sanitized"),
            ("http-ctrl", lambda h: h.update(identity={"http_server": "\x1b[2JHostileWeb"}),
             "no JSON string holds a control byte"),
            ("smb-offsets", lambda h: h.update(identity={"netbios_name": "HOSTILE-PC"}),
             "smb-offsets: no NTLMSSP name"),
            ("smb-avpairs", lambda h: h.update(identity={"dns_name": "hostile-av2.example"}),
             "smb-avpairs: no NTLMSSP name"),
            ("smb-version", lambda h: h.update(identity={"os_version": "255.255.65535",
                                                         "os": {"name": "Windows Server 2025"}}),
             "smb-version: no Windows release"),
            ("smb-version", lambda h: h.update(identity={"os_version": "10.0.65535"}),
             "smb-version: os_version absent or the claim verbatim"),
            ("smb-badneg", lambda h: h.update(identity={"smb": {"dialect": "3.1.1"}}),
             "smb-badneg: no SMB dialect"),
            ("rdp-neg", lambda h: h.update(deploy=["rdp"], deploy_open=[]),
             "rdp-neg: rdp is deploy_open, not deploy"),
            ("rdp-tpkt", lambda h: h["ports"][0].update(confirmed=True),
             "rdp-tpkt: port 3389 not confirmed"),
            ("tls-nulcn", lambda h: h.update(identity={"tls": {"subject": "CN=trusted.example",
                                                               "sans": [], "issuer": ""}}),
             "no name cut at a NUL"),
            ("tls-absurd", lambda h: h.update(identity={"tls": {"subject": "a" * 4000}}),
             "tls-absurd: TLS subject at most 255"),
            ("tls-huge", lambda h: h.update(identity={"tls": {"sans": ["DNS:s%05d.x" % i
                                                                       for i in range(600)]}}),
             "tls-huge: SANs capped"),
            ("tls-absurd", lambda h: h.update(identity={"name": {"name": "a" * 300 + ".x"}}),
             "tls-absurd: the chosen name"),
            ("nbstat-ctrl", lambda h: h.update(identity={"name": {"name": "?[31mEVIL?"}}),
             "nbstat-ctrl: the chosen name"),
            ("nbstat-count", lambda h: h.update(identity={"netbios_name": "HOSTILE-NB"}),
             "nbstat-count: no NetBIOS name"),
            ("snmp-ber", lambda h: h.update(identity={"snmp": {"sysname": "HOSTILE-SNMP"}}),
             "snmp-ber: no SNMP identity"),
            ("silent", lambda h: h.update(deploy=["winrm"]), "silent: no deploy channel"),
            ("smb-version", lambda h: h.update(deploy=["smb"], deploy_open=["smb"]),
             "smb-version: no channel both confirmed and only open"),
            ("silent", lambda h: h.update(identity={"http_server": "x"}),
             "silent: nothing learned"),
        ]
        for svc, lie, want in lies:
            hosts = good_hosts()
            lie(next(h for h in hosts if h["address"] == ip(svc)))
            write_dir(d, hosts, server_log())
            expect(f"{svc} lie -> {want!r}", run(d), [want])

        # time, memory, the servers' view, the database
        log = server_log()
        write_dir(d, good_hosts(), log, wall=60000)
        expect("a slow scan", run(d), ["wall time"])
        write_dir(d, good_hosts(), log, rss=19000 + 200000)
        expect("a fat scan", run(d), ["peak RSS"])
        slow = copy.deepcopy(log)
        slow[0]["t1"] = slow[0]["t0"] + T + 5
        write_dir(d, good_hosts(), slow)
        expect("a connection held past the cap", run(d), ["every connection lasted"])
        crowd = copy.deepcopy(log)
        for e in crowd:
            e["t0"], e["t1"] = 1000.0, 1003.0
        write_dir(d, good_hosts(), crowd)
        expect("every connection at once", run(d), ["at most --max-connections"])
        write_dir(d, good_hosts(), [e for e in log if e["svc"] != "rdp-li"])
        expect("a service never reached", run(d), ["rdp-li: the identity phase reached it"])
        write_dir(d, good_hosts(), log, db_rows=[
            ("INSERT INTO identity VALUES(?, '', '')", ("EV\x1bIL",)),
            ("INSERT INTO evidence VALUES(?)", ("x" * 600,))])
        expect("control bytes and over-long text in the database", run(d),
               ["no stored string holds a control byte", "over 511 characters"])
    if failures:
        for f in failures:
            print("FAIL: " + f)
        sys.exit(1)
    print("all checks of identity_hostile_check.py fail where they should")


if __name__ == "__main__":
    main()
