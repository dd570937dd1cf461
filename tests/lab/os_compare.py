#!/usr/bin/env python3
"""os_compare.py — compare agentscan's OS fingerprint with nmap's, attribute by attribute.

usage: os_compare.py AGENTSCAN_FP_FILE NMAP_XML_FILE
Attributes that depend on random sequence numbers or per-connection random timestamps
(SP, GCD, ISR, TS) are skipped; every other attribute of every test line present in both
must be equal. SCAN is nmap's bookkeeping line and is ignored. Exit 1 on any difference.
"""
import re
import sys
import xml.etree.ElementTree as ET

SKIP = {("SEQ", "SP"), ("SEQ", "GCD"), ("SEQ", "ISR"), ("SEQ", "TS")}


def parse(text):
    text = "".join(line[3:] if line.startswith("OS:") else line for line in text.splitlines())
    tests = {}
    for name, body in re.findall(r"([A-Z0-9]+)\(([^)]*)\)", text):
        attrs = {}
        for part in body.split("%") if body else []:
            k, _, v = part.partition("=")
            attrs[k] = v
        tests[name] = attrs
    tests.pop("SCAN", None)
    return tests


def main():
    ours = parse(open(sys.argv[1]).read())
    root = ET.parse(sys.argv[2]).getroot()
    fp = root.find(".//osfingerprint")
    if fp is None:
        print("nmap printed no fingerprint")
        return 1
    theirs = parse(fp.get("fingerprint"))
    bad = compared = 0
    for test in sorted(set(ours) | set(theirs)):
        if test not in ours or test not in theirs:
            print(f"  {test}: only in {'agentscan' if test in ours else 'nmap'}")
            bad += 1
            continue
        a, b = ours[test], theirs[test]
        for k in sorted(set(a) | set(b)):
            if (test, k) in SKIP:
                continue
            compared += 1
            if a.get(k) != b.get(k):
                print(f"  {test}.{k}: agentscan={a.get(k)!r} nmap={b.get(k)!r}")
                bad += 1
    print(f"os_compare: {compared} attributes compared, {bad} differences")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
