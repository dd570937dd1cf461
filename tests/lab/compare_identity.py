#!/usr/bin/env python3
"""compare_identity.py — the identity of the lab hosts: agentscan, nmap and the lab's truth.

The truth is DIR/identity.json, written by `tools/lab up [--services]`. Three comparisons:

  compare_identity.py IDENTITY agentscan HOSTS_JSON
      every identity field of `agentscan hosts --format json` against the truth, exactly
      ("" and null both mean "none"); deploy channels confirmed and only open; per served
      port: confirmed, product, version; the SSH and SNMP evidence.
  compare_identity.py IDENTITY nmap NMAP_XML
      what nmap -sV -sU --script smb-os-discovery,nbstat,snmp-sysdescr,... reports of the
      service hosts against the truth (proves the truth right without agentscan).
  compare_identity.py IDENTITY agree HOSTS_JSON NMAP_XML
      agentscan and nmap on every fact both report, host by host, side by side.

Prints one line per difference (FIELD ip name: want X, got Y), then a summary line; exit 0
when all agree, 1 on any difference, 2 on bad input. A field agentscan does not produce yet
shows as "got <missing>", so a missing feature reads as a list of absent fields.
"""
import ipaddress
import json
import re
import sys
import xml.etree.ElementTree as ET

MISSING = "<missing>"


class Fail(Exception):
    pass


def none_like(v):
    return v is None or v == "" or v == [] or v == MISSING


def same(want, got):
    if none_like(want) and none_like(got) and got != MISSING:
        return True
    if isinstance(want, list) and isinstance(got, list):
        return sorted(map(str, want)) == sorted(map(str, got))
    return want == got


def show(v):
    return MISSING if v == MISSING else json.dumps(v)


def dig(obj, path):
    """obj["a"]["b"] for path "a.b"; MISSING when a key is absent or a parent is not an object."""
    for key in path.split("."):
        if not isinstance(obj, dict) or key not in obj:
            return MISSING
        obj = obj[key]
    return obj


def load_truth(path):
    with open(path, encoding="utf-8") as f:
        truth = json.load(f)
    if not isinstance(truth, dict) or not truth:
        raise Fail(f"{path}: want an object keyed by address")
    return truth


def load_hosts(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, list):
        raise Fail(f"{path}: want a JSON array of host objects")
    return {h["address"]: h for h in data if isinstance(h, dict) and "address" in h and h.get("up") is not False}


def flatten(obj, prefix=""):
    """{"a": {"b": 1}} -> {"a.b": 1}; lists stay values."""
    out = {}
    for k, v in obj.items():
        if isinstance(v, dict):
            out.update(flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def by_ip(keys):
    return sorted(keys, key=ipaddress.ip_address)


# ---- agentscan against the truth ---------------------------------------------------------
def port_of(host, proto, number):
    for p in host.get("ports") or []:
        if p.get("proto", "tcp") == proto and int(p.get("port", -1)) == number:
            return p
    return None


def check_agentscan(truth, hosts):
    problems, checked = [], 0

    def diff(field, ip, want, got):
        nonlocal checked
        checked += 1
        if not same(want, got):
            problems.append(f"{field:<28} {ip}: want {show(want)}, got {show(got)}")

    # A key no host carries is a feature agentscan does not have yet: one line, not one a host.
    absent = set()
    for key in ("identity", "evidence", "deploy", "deploy_open"):
        if hosts and all(key not in h for h in hosts.values()):
            absent.add(key)
            problems.append(f"{'feature missing':<28} no host in agentscan's output has '{key}'")
    for ip in by_ip(truth):
        t = truth[ip]
        h = hosts.get(ip)
        if h is None:
            # Liveness is compare_truth.py's to judge (a host may be up only with -Pn); a
            # service host, though, must have been found for its identity to be read.
            if t["identity"] is not None:
                problems.append(f"{'host':<28} {ip}: a service host, not in agentscan's output")
            continue
        ident = h.get("identity", MISSING)
        if t["identity"] is None:
            if "identity" not in absent:
                diff("identity", ip, None, None if ident is None else ident)
            channels = sorted(set(t["deploy"]) | set(t["deploy_open"]))
            got = sorted(set(h.get("deploy") or []) | set(h.get("deploy_open") or []))
            diff("deploy+deploy_open", ip, channels, got)
            for p in h.get("ports") or []:
                if p.get("confirmed") is True:
                    problems.append(f"{'ports.confirmed':<28} {ip}: {p.get('proto')}/{p.get('port')} "
                                    "confirmed, but nothing there speaks a protocol")
            continue
        if not isinstance(ident, dict):
            problems.append(f"{'identity':<28} {ip}: want an object ({', '.join(t['services'])} "
                            f"answer), got {show(ident)}")
            continue
        for field, want in sorted(flatten(t["identity"]).items()):
            want_parent = field.rsplit(".", 1)[0] if "." in field else None
            if want_parent and dig(t["identity"], want_parent) is None:
                continue
            diff(f"identity.{field}", ip, want, dig(ident, field))
        for null_obj in ("smb", "snmp", "tls"):
            if t["identity"].get(null_obj) is None:
                diff(f"identity.{null_obj}", ip, None, dig(ident, null_obj))
        diff("deploy", ip, t["deploy"], h.get("deploy", MISSING))
        diff("deploy_open", ip, t["deploy_open"], h.get("deploy_open", MISSING))
        for key, want in sorted(t["ports"].items()):
            proto, _, num = key.partition("/")
            p = port_of(h, proto, int(num))
            for attr, v in sorted(want.items()):
                diff(f"ports[{key}].{attr}", ip, v, MISSING if p is None else p.get(attr, MISSING))
        evidence = h.get("evidence", MISSING)
        for source, value in (("ssh", t["identity"].get("ssh")),
                              ("snmp", (t["identity"].get("snmp") or {}).get("sysdescr"))):
            if not value:
                continue
            checked += 1
            found = isinstance(evidence, list) and any(
                isinstance(e, dict) and e.get("kind") == "os" and e.get("source") == source
                and e.get("value") == value for e in evidence)
            if not found:
                problems.append(f"{'evidence':<28} {ip}: want kind os, source {source}, value "
                                f"{json.dumps(value)}; got {show(evidence) if not isinstance(evidence, list) else [(e.get('kind'), e.get('source'), e.get('value')) for e in evidence if isinstance(e, dict)]}")
    return problems, checked


# ---- facts both tools can report ---------------------------------------------------------
def facts_truth(t):
    """The facts nmap can also see, from one truth row."""
    i = t["identity"]
    if i is None:
        return {}
    f = {}
    for k in ("netbios_name", "netbios_domain", "dns_name", "dns_domain", "http_server"):
        if i.get(k):
            f[k] = i[k]
    if i.get("os_version"):
        f["os_version_major_minor"] = ".".join(i["os_version"].split(".")[:2])
    if i.get("ssh"):
        f.update(ssh_facts(i["ssh"]))
    if i.get("snmp"):
        f["snmp_sysdescr"] = i["snmp"]["sysdescr"]
        f["snmp_sysname"] = i["snmp"]["sysname"]
    if i.get("smb"):
        f["smb_signing_required"] = i["smb"]["signing_required"]
    if i.get("tls"):
        f["tls_cn"] = cn_of(i["tls"]["subject"])
        f["tls_sans"] = norm_sans(i["tls"]["sans"])
    for key, p in t["ports"].items():
        f[f"confirmed {key}"] = p["confirmed"]
    return f


def ssh_facts(line):
    """SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10 -> product OpenSSH, version 9.2p1."""
    m = re.match(r"SSH-[\d.]+-([^_\s-]+)_(\S+)", line or "")
    return {"ssh_product": m.group(1), "ssh_version": m.group(2)} if m else {}


def cn_of(dn):
    """The common name of a DN ("CN=x,O=y"), or the text itself when it is a bare name
    (agentscan's identity.tls.subject is the subject's CN)."""
    if dn and "=" not in dn:
        return dn.strip()
    m = re.search(r"(?:^|,)\s*CN\s*=\s*([^,]+)", dn or "")
    return m.group(1).strip() if m else None


def norm_sans(sans):
    out = []
    for s in sans or []:
        s = s.strip().replace("IP Address:", "IP:")
        if ":" not in s:
            try:
                ipaddress.ip_address(s)
                s = "IP:" + s
            except ValueError:
                s = "DNS:" + s
        out.append(s)
    return sorted(out)


def facts_agentscan(h):
    i = h.get("identity")
    f = {}
    if isinstance(i, dict):
        for k in ("netbios_name", "netbios_domain", "dns_name", "dns_domain", "http_server"):
            if i.get(k):
                f[k] = i[k]
        if i.get("os_version"):
            f["os_version_major_minor"] = ".".join(str(i["os_version"]).split(".")[:2])
        if i.get("ssh"):
            f.update(ssh_facts(i["ssh"]))
        snmp = i.get("snmp") or {}
        if snmp.get("sysdescr"):
            f["snmp_sysdescr"] = snmp["sysdescr"]
        if snmp.get("sysname"):
            f["snmp_sysname"] = snmp["sysname"]
        smb = i.get("smb") or {}
        if smb.get("signing_required") is not None:
            f["smb_signing_required"] = smb["signing_required"]
        tls = i.get("tls") or {}
        if tls.get("subject"):
            f["tls_cn"] = cn_of(tls["subject"])
        if tls.get("sans"):
            f["tls_sans"] = norm_sans(tls["sans"])
    p22 = port_of(h, "tcp", 22)
    if p22 and p22.get("product"):
        f["ssh_product"] = p22["product"]
        if p22.get("version"):
            f["ssh_version"] = p22["version"]
    for p in h.get("ports") or []:
        if p.get("state") == "open" and p.get("confirmed") in (True, False):
            f[f"confirmed {p.get('proto', 'tcp')}/{p.get('port')}"] = p["confirmed"]
    return f


def load_nmap(path):
    root = ET.parse(path).getroot()
    if root.tag != "nmaprun":
        raise Fail(f"{path}: not an nmap XML file")
    out = {}
    for h in root.iter("host"):
        addr = next((a.get("addr") for a in h.findall("address") if a.get("addrtype") == "ipv4"), None)
        if addr:
            out[addr] = facts_nmap(h)
    return out


def clean(s):
    return (s or "").replace("\\x00", "").strip()


def facts_nmap(h):
    f = {}
    scripts = {}
    for s in h.iter("script"):
        elems = {e.get("key"): e.text for e in s.iter("elem")}
        scripts.setdefault(s.get("id"), []).append((s.get("output") or "", elems))
    for out, el in scripts.get("smb-os-discovery", []):
        if el.get("server"):
            f["netbios_name"] = clean(el["server"])
        if el.get("workgroup"):
            f["netbios_domain"] = clean(el["workgroup"])
        if el.get("fqdn"):
            f["dns_name"] = clean(el["fqdn"])
        if el.get("domain_dns"):
            f["dns_domain"] = clean(el["domain_dns"])
        m = re.match(r"Windows (\d+\.\d+)", el.get("os") or "")
        if m:
            f["os_version_major_minor"] = m.group(1)
    for out, _ in scripts.get("nbstat", []):
        m = re.match(r"NetBIOS name: ([^,]+),", out)
        if m:
            f.setdefault("netbios_name", m.group(1).strip())
    for out, _ in scripts.get("snmp-sysdescr", []):
        f["snmp_sysdescr"] = out.split("\n")[0].strip()
    for out, _ in scripts.get("http-server-header", []):
        f["http_server"] = out.strip()
    for out, el in scripts.get("smb2-security-mode", []):
        if "required" in out:
            f["smb_signing_required"] = "enabled and required" in out
    for out, el in scripts.get("ssl-cert", []):
        m = re.search(r"commonName=([^/\n]+)", out)
        if m:
            f["tls_cn"] = m.group(1).strip()
        m = re.search(r"Subject Alternative Name: (.+)", out)
        if m:
            f["tls_sans"] = norm_sans(m.group(1).split(","))
    for p in h.iter("port"):
        st, sv = p.find("state"), p.find("service")
        proto, num = p.get("protocol"), int(p.get("portid"))
        if st is None or st.get("state") != "open":
            continue
        if sv is None:
            continue
        if proto == "tcp":
            # nmap's service probes recognised it ("probed") or only named it from the port
            # number ("table"): the same question as agentscan's `confirmed`. A port that
            # accepts and closes at once (aslab-listen) is "probed" as "tcpwrapped": no protocol.
            f[f"confirmed tcp/{num}"] = (sv.get("method") == "probed"
                                         and sv.get("name") not in ("tcpwrapped", "unknown"))
        if proto == "tcp" and num == 22 and sv.get("name") == "ssh" and sv.get("product"):
            f["ssh_product"] = sv.get("product")
            if sv.get("version"):
                f["ssh_version"] = sv.get("version").split()[0]
        if proto == "udp" and num == 137:
            m = re.search(r"workgroup: (\S+)", sv.get("extrainfo") or "")
            if m:
                f.setdefault("netbios_domain", m.group(1))
            if sv.get("hostname"):
                f.setdefault("netbios_name", sv.get("hostname"))
        if proto == "udp" and num == 161 and sv.get("hostname"):
            f["snmp_sysname"] = sv.get("hostname")
    return f


def compare_facts(a_name, a, b_name, b, keys=None):
    """Differences on the facts both sides report (or on `keys`, every one required of b)."""
    problems, shared = [], 0
    for ip in by_ip(set(a) | set(b)):
        fa, fb = a.get(ip, {}), b.get(ip, {})
        wanted = sorted(fa) if keys == "all-of-a" else sorted(set(fa) & set(fb))
        for k in wanted:
            shared += 1
            if k not in fb:
                problems.append(f"{k:<28} {ip}: {a_name} {show(fa[k])}, {b_name} reports nothing")
            elif fa[k] != fb[k]:
                problems.append(f"{k:<28} {ip}: {a_name} {show(fa[k])}, {b_name} {show(fb[k])}")
    return problems, shared


def side_by_side(a_name, a, b_name, b):
    rows = []
    for ip in by_ip(set(a) | set(b)):
        for k in sorted(set(a.get(ip, {})) | set(b.get(ip, {}))):
            va, vb = a.get(ip, {}).get(k, "-"), b.get(ip, {}).get(k, "-")
            mark = "=" if va == vb else ("" if "-" in (va, vb) else "DIFFERS")
            rows.append(f"  {ip:<13} {k:<26} {a_name}: {json.dumps(va):<40} {b_name}: {json.dumps(vb)} {mark}")
    return rows


def main(argv):
    if len(argv) < 3 or argv[1] not in ("agentscan", "nmap", "agree"):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        truth = load_truth(argv[0])
        if argv[1] == "agentscan" and len(argv) == 3:
            problems, n = check_agentscan(truth, load_hosts(argv[2]))
            what = "agentscan against the truth"
        elif argv[1] == "nmap" and len(argv) == 3:
            nm = load_nmap(argv[2])
            tf = {ip: facts_truth(t) for ip, t in truth.items() if t["identity"] is not None}
            # Every fact of the truth must be in nmap's report: the scripts asked for see them all.
            problems, n = compare_facts("truth", tf, "nmap", {ip: nm.get(ip, {}) for ip in tf}, keys="all-of-a")
            for ip in by_ip(tf):
                if ip not in nm:
                    problems.append(f"{'host':<28} {ip}: a service host, not in nmap's output")
            for line in side_by_side("truth", tf, "nmap", {ip: nm.get(ip, {}) for ip in tf}):
                print(line)
            what = "nmap against the truth"
        elif argv[1] == "agree" and len(argv) == 4:
            hosts, nm = load_hosts(argv[2]), load_nmap(argv[3])
            ips = [ip for ip in nm if ip in truth]
            af = {ip: facts_agentscan(hosts[ip]) if ip in hosts else {} for ip in ips}
            nf = {ip: nm[ip] for ip in ips}
            for line in side_by_side("agentscan", af, "nmap", nf):
                print(line)
            problems, n = compare_facts("agentscan", af, "nmap", nf)
            for ip in by_ip(ips):
                if ip not in hosts:
                    problems.append(f"{'host':<28} {ip}: nmap saw it, agentscan did not")
            # A field only nmap reports of a service host is a gap, not agreement.
            for ip in by_ip(ips):
                if truth[ip]["identity"] is None:
                    continue
                for k in sorted(set(nf[ip]) - set(af[ip])):
                    # agentscan asks SMB on 445 and on 139 only when 445 does not answer
                    if k == "confirmed tcp/139" and af[ip].get("confirmed tcp/445") is True:
                        continue
                    problems.append(f"{k:<28} {ip}: nmap {show(nf[ip][k])}, agentscan reports nothing")
            what = "agentscan and nmap agree"
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except (OSError, ValueError, KeyError, TypeError, ET.ParseError, Fail) as e:
        print(f"compare_identity: error: {e}", file=sys.stderr)
        return 2
    for p in problems:
        print(p)
    print(f"compare_identity: {'OK' if not problems else 'FAIL'}: {what}: {n} fields compared, "
          f"{len(problems)} differences")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
