#!/usr/bin/env python3
"""os_oracle_compare.py — agentscan's OS guesses (hosts --format json) against nmap's
osmatch list (XML) for one host: the same names, each accuracy within 1 point. Both tools
cut their lists at ten, so a name within that 1 point of a full list's lowest accuracy may
be just under the other tool's cut.

usage: os_oracle_compare.py AGENTSCAN_JSON NMAP_XML
"""
import json
import sys
import xml.etree.ElementTree as ET


def main():
    hosts = json.load(open(sys.argv[1]))
    ours = {o["name"]: o["accuracy"] for o in hosts[0]["os"]} if hosts else {}
    root = ET.parse(sys.argv[2]).getroot()
    theirs = {m.get("name"): int(m.get("accuracy")) for m in root.iter("osmatch")}
    bad = 0
    for a, b, label in ((theirs, ours, "agentscan"), (ours, theirs, "nmap")):
        floor = min(a.values()) if a else 0
        for name, acc in a.items():
            if acc <= floor + 1 and len(a) >= 10:
                continue  # at the cut-off, within the tolerance: either tool may list it
            if name not in b:
                print(f"  {label} lacks {name!r} ({acc}%)")
                bad += 1
            elif abs(b[name] - acc) > 1:
                print(f"  {name!r}: {acc}% vs {b[name]}% in {label}")
                bad += 1
    print(f"os_oracle_compare: agentscan {len(ours)} guesses, nmap {len(theirs)}, {bad} differences")
    return 1 if bad or not theirs else 0


if __name__ == "__main__":
    sys.exit(main())
