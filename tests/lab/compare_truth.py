#!/usr/bin/env python3
"""compare_truth.py — compare a scan result with the lab's truth.tsv (written by tools/lab up).

The result is either `agentscan hosts --format json` output or, with --nmap-xml, an nmap -oX
file (used to prove the truth file itself right). Prints every mismatch, then one summary line;
exit status 0 when everything matches, 1 on any mismatch, 2 on bad input.

  compare_truth.py TRUTH JSON_FILE --mode default|pn [--no-names] [--scope CIDR[,CIDR...]]
  compare_truth.py TRUTH --nmap-xml FILE --mode default|pn [--no-names] [--scope ...]
"""
import argparse
import ipaddress
import json
import os
import sys
import xml.etree.ElementTree as ET

FINGERPRINTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fingerprints")


def load_table(name):
    """(port, proto) -> the second column onwards of fingerprints/NAME, as agentscan reads it."""
    table = {}
    with open(os.path.join(FINGERPRINTS, name), encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, rest = line.split(None, 1)
            port, proto = key.split("/")
            table[(int(port), proto)] = rest.strip()
    return table


# Open port -> deploy channel and agent product, from the tables agentscan reads; the agent
# is derived from nmap's ports with them, and tools/lab writes the truth's agents from them.
DEPLOY = {k: v.split()[0] for k, v in load_table("deploy.tab").items()}
AGENTS = load_table("agents.tab")
STATES = ("open", "closed", "filtered", "open|filtered")


def port_key(text):
    """'22' -> (22, 'tcp'); '137/udp' -> (137, 'udp')."""
    port, _, proto = text.partition("/")
    return int(port), proto or "tcp"


class Fail(Exception):
    pass


def load_truth(path):
    hosts, ports_order = {}, None
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 6:
                raise Fail(f"{path}:{lineno}: want 6 tab-separated columns, got {len(cols)}")
            ip, up_default, up_pn, name, agent, ports = cols
            states = {}
            for item in ports.split(","):
                port, _, state = item.partition(":")
                if state not in STATES:
                    raise Fail(f"{path}:{lineno}: bad port state '{item}'")
                states[port_key(port)] = state
            order = sorted(states)
            if ports_order is None:
                ports_order = order
            elif order != ports_order:
                raise Fail(f"{path}:{lineno}: port list differs from the first row")
            hosts[ip] = {
                "up_default": up_default == "1", "up_pn": up_pn == "1",
                "name": "" if name == "-" else name,
                "agent": set() if agent == "-" else set(agent.split(", ")),
                "ports": states,
            }
    if not hosts:
        raise Fail(f"{path}: no hosts")
    return hosts, ports_order


def load_json(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, list):
        raise Fail(f"{path}: want a JSON array of host objects")
    found = {}
    for h in data:
        if not isinstance(h, dict) or "address" not in h:
            raise Fail(f"{path}: host entry without an address: {h!r:.200}")
        if h.get("up") is False:
            continue
        ports = {}
        for p in h.get("ports") or []:
            ports[(int(p["port"]), p.get("proto", "tcp"))] = p.get("state")
        agent = h.get("agent")
        found[h["address"]] = {
            "name": h.get("name") or "",
            "ports": ports,
            "managed": h.get("managed"),
            "agent": set(agent.split(", ")) if agent else set(),
            # The truth knows which channels' ports are open, not which protocols answered
            # (identity.json and test_identity.sh judge that): confirmed and only-open
            # channels together must be the open ones.
            "deploy": sorted(set(h.get("deploy") or []) | set(h.get("deploy_open") or []))
            if isinstance(h.get("deploy"), list) else h.get("deploy"),
        }
    return found


def load_nmap_xml(path, mode):
    root = ET.parse(path).getroot()
    if root.tag != "nmaprun":
        raise Fail(f"{path}: not an nmap XML file")
    found = {}
    for h in root.iter("host"):
        status = h.find("status")
        if status is None or status.get("state") != "up":
            continue
        addr = next((a.get("addr") for a in h.findall("address") if a.get("addrtype") == "ipv4"), None)
        name = next((n.get("name") for n in h.iter("hostname") if n.get("type") == "PTR"), "")
        ports, extra = {}, None
        pe = h.find("ports")
        if pe is not None:
            for p in pe.findall("port"):
                if p.get("protocol") in ("tcp", "udp"):
                    ports[(int(p.get("portid")), p.get("protocol"))] = p.find("state").get("state")
            extras = pe.findall("extraports")
            if len(extras) == 1:  # nmap collapses a large same-state group
                extra = extras[0].get("state")
            elif len(extras) > 1:
                raise Fail(f"{path}: {addr}: several <extraports> groups; scan with fewer ports")
        # -Pn marks every target up; like agentscan, keep only addresses that answered.
        if mode == "pn" and not any(s in ("open", "closed") for s in ports.values()) \
                and extra not in ("open", "closed"):
            continue
        open_ports = {p for p, s in ports.items() if s == "open"}
        found[addr] = {
            "name": name, "ports": ports, "extra": extra,
            "managed": any(p in AGENTS for p in open_ports),
            "agent": {AGENTS[p] for p in open_ports if p in AGENTS},
            "deploy": sorted({DEPLOY[p] for p in open_ports if p in DEPLOY}),
        }
    return found


def in_scope(ip, scope):
    return not scope or any(ipaddress.ip_address(ip) in net for net in scope)


def compare(truth, ports_order, found, mode, no_names, scope):
    problems = []
    key = "up_default" if mode == "default" else "up_pn"
    expected = {ip for ip, t in truth.items() if t[key] and in_scope(ip, scope)}
    for ip in sorted(expected - found.keys(), key=ipaddress.ip_address):
        problems.append(f"MISSING  {ip}: up in truth ({mode}), not reported")
    for ip in sorted(found.keys() - expected, key=ipaddress.ip_address):
        why = "not in the lab" if ip not in truth else \
              "outside --scope" if not in_scope(ip, scope) else f"down in truth ({mode})"
        problems.append(f"PHANTOM  {ip}: reported up, {why}")
    # UDP is compared when the result asked any UDP port (nmap -sS and masscan do not).
    udp = any(k[1] == "udp" for h in found.values() for k in h["ports"])
    for ip in sorted(expected & found.keys(), key=ipaddress.ip_address):
        t, h = truth[ip], found[ip]
        for port in ports_order:
            if port[1] == "udp" and not udp:
                continue
            got = h["ports"].get(port, h.get("extra"))
            want = t["ports"][port]
            if got != want:
                problems.append(f"PORT     {ip} {port[0]}/{port[1]}: want {want}, got {got or 'nothing'}")
        want_name = "" if no_names else t["name"]
        if h["name"] != want_name:
            problems.append(f"NAME     {ip}: want '{want_name}', got '{h['name']}'")
        want_managed = bool(t["agent"])
        if h["managed"] is not want_managed:
            problems.append(f"MANAGED  {ip}: want {want_managed}, got {h['managed']}")
        if h["agent"] != t["agent"]:
            problems.append(f"AGENT    {ip}: want {sorted(t['agent']) or None}, got {sorted(h['agent']) or None}")
        want_deploy = {DEPLOY[p] for p, s in t["ports"].items()
                       if s == "open" and p in DEPLOY and (udp or p[1] == "tcp")}
        got_deploy = h["deploy"]
        if not isinstance(got_deploy, list) or set(got_deploy) != want_deploy:
            problems.append(f"DEPLOY   {ip}: want {sorted(want_deploy)}, got {got_deploy}")
    return expected, problems


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("truth")
    ap.add_argument("json_file", nargs="?")
    ap.add_argument("--nmap-xml", metavar="FILE")
    ap.add_argument("--mode", choices=("default", "pn"), required=True)
    ap.add_argument("--no-names", action="store_true", help="names must all be empty (-n, DNS down)")
    ap.add_argument("--scope", default="", help="comma list of CIDRs that were scanned")
    args = ap.parse_args(argv)
    if (args.json_file is None) == (args.nmap_xml is None):
        ap.error("give exactly one of JSON_FILE and --nmap-xml FILE")
    try:
        scope = [ipaddress.ip_network(c, strict=False) for c in args.scope.split(",") if c]
        truth, ports_order = load_truth(args.truth)
        found = load_nmap_xml(args.nmap_xml, args.mode) if args.nmap_xml else load_json(args.json_file)
    except (OSError, ValueError, KeyError, TypeError, ET.ParseError, Fail) as e:
        print(f"compare_truth: error: {e}", file=sys.stderr)
        return 2
    expected, problems = compare(truth, ports_order, found, args.mode, args.no_names, scope)
    for p in problems:
        print(p)
    src = "nmap" if args.nmap_xml else "agentscan"
    verdict = "OK" if not problems else "FAIL"
    print(f"compare_truth: {verdict}: mode={args.mode} source={src} expected={len(expected)} "
          f"reported={len(found)} mismatches={len(problems)}")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
