#!/usr/bin/env python3
"""identity_hostile_check.py — the checks of tests/lab/test_identity_hostile.sh: what the
hostile servers logged against what agentscan recorded. Prints one PASS:/FAIL: line a check.

  identity_hostile_check.py DIR T M CAP_KIB RSS_SLACK_KIB WALL_SLACK_MS SVC=ADDR...

DIR holds log.jsonl (hostile_services.py), ref.json/id.json (agentscan hosts --format json of
the --no-identify and the identity scan), id.db, and NAME.wall (ms) / NAME.rss (KiB) of both
scans, plus ref.loglines (log lines before the identity scan).
"""
import json
import math
import re
import sqlite3
import sys

X, T, M, CAP_KIB, RSS_SLACK, WALL_SLACK = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), \
    int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
svc_of = dict(reversed(a.split("=", 1)) for a in sys.argv[7:])


def check(what, ok):
    print(("PASS: " if ok else "FAIL: ") + what)


def read(name):
    with open(f"{X}/{name}") as f:
        return f.read().strip()


CTRL = re.compile(r"[\x00-\x1f\x7f]")


def strings(v, path=""):
    if isinstance(v, str):
        yield path, v
    elif isinstance(v, dict):
        for k, x in v.items():
            yield from strings(x, f"{path}.{k}")
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from strings(x, f"{path}[{i}]")


def empty(v):
    """None, "", [], {} or an object of nothing but those (smb {dialect: null, ...})."""
    if isinstance(v, dict):
        return all(empty(x) for x in v.values())
    return v is None or v == "" or v == []


def channels(v):
    if isinstance(v, str):
        return {c for c in re.split(r"[ ,]+", v) if c}
    return set(v or [])


def port(h, n):
    for p in h.get("ports") or []:
        if int(p.get("port", -1)) == n and p.get("proto", "tcp") == "tcp":
            return p
    return {}


log = [json.loads(l) for l in open(f"{X}/log.jsonl")]
skip = int(read("ref.loglines") or 0)
ref_log, id_log = log[:skip], log[skip:]
hosts = {h["address"]: h for h in json.load(open(f"{X}/id.json"))}
ref_hosts = json.load(open(f"{X}/ref.json"))

# -- the reference scan: the phase really is off, and the hosts are there ---------------
check("--no-identify: no host has an identity",
      all(empty(h.get("identity")) for h in ref_hosts))
check("--no-identify: no server saw a TCP connection",
      not [e for e in ref_log if e["proto"] == "tcp"])
missing = sorted(set(svc_of) - set(hosts))
check(f"every hostile address is in the inventory (missing: {missing})", not missing)

# -- what the servers saw ---------------------------------------------------------------
seen = {}
for e in id_log:
    seen.setdefault(svc_of.get(e["addr"], "?"), []).append(e)
for svc in sorted(set(svc_of.values())):
    ev = seen.get(svc, [])
    check(f"{svc}: the identity phase reached it ({len(ev)} connections/datagrams)", ev)
tcp = [e for e in id_log if e["proto"] == "tcp"]
grace = 2.0     # a server notices a close within its 1 s poll; scheduling on a busy machine
longest = max(tcp, key=lambda e: e["t1"] - e["t0"]) if tcp else None
if longest:
    d = longest["t1"] - longest["t0"]
    check(f"every connection lasted at most T + {grace:g} s (longest {d:.1f} s: "
          f"{svc_of.get(longest['addr'])} port {longest['port']}, {longest['end']})",
          d <= T + grace)
# concurrency when each connection opened, forgiving the servers' 1.5 s noticing delay
peak = max((sum(1 for o in tcp if o["t0"] <= e["t0"] < o["t1"] - 1.5) for e in tcp), default=0)
check(f"at most --max-connections {M} at once (peak {peak})", peak <= M)
for e in sorted(tcp, key=lambda e: e["t0"]):
    print(f"  {svc_of.get(e['addr'])}:{e['port']} {e['t1'] - e['t0']:.1f}s "
          f"sent {e['sent']} {e['end']}")

# -- time and memory ----------------------------------------------------------------------
udp_targets = {(e["addr"], e["port"]) for e in id_log if e["proto"] == "udp"}
conns = len(tcp) + len(udp_targets)
ref_ms, id_ms = int(read("ref.wall")), int(read("id.wall"))
bound = ref_ms + int(T * 1000) * (math.ceil(conns / M) + 1) + WALL_SLACK
check(f"wall time {id_ms} ms <= reference {ref_ms} + {T:g} s x (ceil({conns}/{M}) + 1) + "
      f"{WALL_SLACK} = {bound} ms", id_ms <= bound)
ref_rss = int(read("ref.rss").splitlines()[-1])
id_rss = int(read("id.rss").splitlines()[-1])
check(f"peak RSS {id_rss} KiB <= reference {ref_rss} + {RSS_SLACK} KiB ({M} connections x 4 x "
      f"{CAP_KIB} KiB cap + libraries)", id_rss <= ref_rss + RSS_SLACK)

# -- nothing false in the JSON --------------------------------------------------------------
HOSTNAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
                      r"(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$")
NUL_CUT = re.compile(r"(^|[=:, ])trusted\.example($|[, ])")
WINDOWS = re.compile(r"Windows (Server )?(XP|Vista|\d|20\d\d)")
bad_ctrl, marks, nulcut = [], [], []
for addr, h in hosts.items():
    for path, s in strings(h):
        if CTRL.search(s):
            bad_ctrl.append(f"{addr}{path}={s[:40]!r}")
        if "HOSTILE" in s or "Slowloris" in s or "BigHead" in s:
            marks.append(f"{addr}{path}={s[:60]!r}")
        if NUL_CUT.search(s):
            nulcut.append(f"{addr}{path}={s[:60]!r}")
check(f"no JSON string holds a control byte {bad_ctrl[:3]}", not bad_ctrl)
check(f"nothing a correct parser rejects was recorded (HOSTILE, Slowloris, BigHead) {marks[:3]}",
      not marks)
check(f"no name cut at a NUL ('trusted.example') {nulcut[:3]}", not nulcut)

for addr, h in sorted(hosts.items()):
    svc = svc_of.get(addr)
    if not svc:
        continue
    idn = h.get("identity") or {}
    dep, dep_open = channels(h.get("deploy")), channels(h.get("deploy_open"))
    name = (idn.get("name") or {}).get("name") if isinstance(idn.get("name"), dict) else idn.get("name")
    if name:
        check(f"{svc}: the chosen name {name[:60]!r} is a host name, not sanitized garbage",
              HOSTNAME.match(name) is not None)

    both = dep & dep_open
    check(f"{svc}: no channel both confirmed and only open ({sorted(both)})", not both)

    def unconfirmed(channel, *ports):
        check(f"{svc}: {channel} is deploy_open, not deploy (deploy {sorted(dep)}, "
              f"deploy_open {sorted(dep_open)})", channel not in dep and channel in dep_open)
        for n in ports:
            p = port(h, n)
            check(f"{svc}: port {n} not confirmed (confirmed {p.get('confirmed')!r}, "
                  f"product {p.get('product')!r})", p.get("confirmed") is not True and
                  empty(p.get("product")))

    if svc.startswith("ssh-"):
        check(f"{svc}: no SSH identification ({idn.get('ssh')!r})", empty(idn.get("ssh")))
        unconfirmed("ssh", 22)
    elif svc == "http-bighead":
        check(f"{svc}: no Server header from beyond the cap ({idn.get('http_server')!r})",
              empty(idn.get("http_server")))
    elif svc == "http-ctrl":
        s = idn.get("http_server")
        check(f"{svc}: Server absent or sanitized and at most 255 characters "
              f"({len(s or '')}: {(s or '')[:40]!r})",
              empty(s) or (len(s) <= 255 and all(0x20 <= ord(c) < 0x7f for c in s)))
    elif svc.startswith("smb-"):
        names = {k: idn.get(k) for k in ("netbios_name", "netbios_domain", "dns_name",
                                         "dns_domain", "dns_forest")}
        check(f"{svc}: no NTLMSSP name {names}", all(empty(v) for v in names.values()))
        if svc == "smb-version":
            v = idn.get("os_version")
            check(f"{svc}: os_version absent or the claim verbatim ({v!r})",
                  empty(v) or v == "255.255.65535")
            osv = idn.get("os") or {}
            osn = osv.get("name") if isinstance(osv, dict) else osv
            check(f"{svc}: no Windows release made up from VERSION 255.255 ({osn!r})",
                  not osn or not WINDOWS.search(osn))
        if svc == "smb-badneg":
            smb = idn.get("smb")
            check(f"{svc}: no SMB dialect ({smb!r})",
                  empty(smb) or (isinstance(smb, dict) and empty(smb.get("dialect"))))
            unconfirmed("smb", 139, 445)
    elif svc.startswith("rdp-"):
        unconfirmed("rdp", 3389)
    elif svc.startswith("tls-"):
        t = idn.get("tls") or {}
        subj, sans = t.get("subject") or "", t.get("sans") or []
        check(f"{svc}: TLS subject at most 255 characters ({len(subj)})", len(subj) <= 255)
        check(f"{svc}: SANs capped ({len(sans)} kept, {len(','.join(sans))} characters)",
              len(",".join(sans)) <= 511)
    elif svc == "nbstat-count":
        check(f"{svc}: no NetBIOS name from a table that claims 255 names "
              f"({idn.get('netbios_name')!r}, {idn.get('netbios_domain')!r})",
              empty(idn.get("netbios_name")) and empty(idn.get("netbios_domain")))
    elif svc == "snmp-ber":
        s = idn.get("snmp")
        check(f"{svc}: no SNMP identity from broken BER ({s!r})",
              empty(s) or all(empty(v) for v in s.values()))
    elif svc == "silent":
        check(f"{svc}: nothing learned ({ {k: v for k, v in idn.items() if not empty(v)} })",
              all(empty(v) for k, v in idn.items() if k not in ("os", "agent_possible")))
        check(f"{svc}: no deploy channel confirmed ({sorted(dep)})", not dep)
        for ch, ports in (("ssh", (22,)), ("smb", (139, 445)), ("rdp", (3389,)),
                          ("winrm", (5985, 5986))):
            unconfirmed(ch, *ports)
        for e in hosts[addr].get("evidence") or []:
            check(f"{svc}: no evidence from a silent host ({e})", e.get("source") in
                  ("stack", "ttl", "passive", "ptr"))

# -- the database: no control byte and no over-long text in what identity stores -----------
con = sqlite3.connect(f"file:{X}/id.db?mode=ro", uri=True)
found, long_ = [], []
for table in ("identity", "evidence", "port", "observation"):
    cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
    for c in cols:
        if c in ("os_fingerprint",):    # nmap's multi-line fingerprint text
            continue
        for (v,) in con.execute(f"SELECT {c} FROM {table} WHERE typeof({c}) IN ('text','blob')"):
            s = v if isinstance(v, str) else v.decode("latin-1")
            if CTRL.search(s):
                found.append(f"{table}.{c}={s[:40]!r}")
            if table in ("identity", "evidence") and len(s) > 511:
                long_.append(f"{table}.{c} ({len(s)})")
check(f"no stored string holds a control byte {found[:3]}", not found)
check(f"no identity or evidence string over 511 characters {long_[:3]}", not long_)
