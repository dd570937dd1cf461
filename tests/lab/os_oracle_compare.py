#!/usr/bin/env python3
"""os_oracle_compare.py — agentscan's OS guesses (hosts --format json) against nmap's
osmatch list (XML) for one host: the same names, each accuracy within TOL points. The two
lists come from two scans, and each scan measures SEQ's SP and ISR (the ISN's
predictability and rate) for itself: on one Windows host agentscan saw SP=FA ISR=111 and
nmap, a minute later, SP=102 ISR=10A, every other test line equal, which moved a guess
from 93% to 91%. One such pair crossing a database range is worth up to 3 points; the
matcher itself is held to nmap's exact percentages on one shared fingerprint by test_osfp's
oracle case. Both tools cut their lists at ten, so a name within TOL of a full list's lowest
accuracy may be just under the other tool's cut.

usage: os_oracle_compare.py AGENTSCAN_JSON NMAP_XML
"""
import json
import sys
import xml.etree.ElementTree as ET

TOL = 3


def main():
    hosts = json.load(open(sys.argv[1]))
    ours = {o["name"]: o["accuracy"] for o in hosts[0]["os"]} if hosts else {}
    root = ET.parse(sys.argv[2]).getroot()
    theirs = {m.get("name"): int(m.get("accuracy")) for m in root.iter("osmatch")}
    bad = 0
    for a, b, label in ((theirs, ours, "agentscan"), (ours, theirs, "nmap")):
        floor = min(a.values()) if a else 0
        for name, acc in a.items():
            if acc <= floor + TOL and len(a) >= 10:
                continue  # at the cut-off, within the tolerance: either tool may list it
            if name not in b:
                print(f"  {label} lacks {name!r} ({acc}%)")
                bad += 1
            elif abs(b[name] - acc) > TOL:
                print(f"  {name!r}: {acc}% vs {b[name]}% in {label}")
                bad += 1
    print(f"os_oracle_compare: agentscan {len(ours)} guesses, nmap {len(theirs)}, {bad} differences")
    return 1 if bad or not theirs else 0


if __name__ == "__main__":
    sys.exit(main())
