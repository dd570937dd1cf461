#!/usr/bin/env python3
"""test_docs.py — README says what the program does, line for line: for each subcommand
(scan, sweep and ports come from the option table and are checked there), `--help` and `-h`
print its usage on stdout with exit 0; every flag README shows with `agentscan CMD` is in
that usage, and every flag the usage lists is in README's section on the command; the exit
codes of README's table are exactly those `agentscan --help` lists, and each command's own
exit codes are among them."""
import os
import re
import subprocess
import sys

BUILD = os.environ.get("AS_BUILD_DIR", "build")
SOURCE = os.environ.get("AS_SOURCE_DIR", ".")
A = os.path.join(BUILD, "agentscan")
README = open(os.path.join(SOURCE, "README.md"), encoding="utf-8").read()
FLAG = re.compile(r"(?<![\w/.-])(--?[a-zA-Z][\w-]*)")
IGNORE = {"--help", "-h"}
# The README section (by a heading's text) that documents each command.
SECTIONS = {
    "hosts": "agentscan hosts", "export": "agentscan export", "diff": "agentscan diff",
    "prune": "agentscan prune", "deploy-report": "agentscan deploy-report",
    "merge": "agentscan merge", "config": "Scheduled sweeps", "install-timer": "### systemd",
}
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def section(title):
    lines, out, level = README.splitlines(), [], None
    for line in lines:
        m = re.match(r"^(#+) ", line)
        if m and level is not None and len(m.group(1)) <= level:
            break
        if m and title in line and level is None:
            level = len(m.group(1))
        if level is not None:
            out.append(line)
    return "\n".join(out)


def usage(cmd):
    texts = []
    for flag in ("--help", "-h"):
        r = subprocess.run([A, cmd, flag], capture_output=True, text=True, timeout=30)
        if r.returncode != 0 or not r.stdout.strip():
            fail(f"agentscan {cmd} {flag}: exit {r.returncode}, stdout {r.stdout[:60]!r}")
        if "Usage:\n  agentscan scan" in r.stdout:
            fail(f"agentscan {cmd} {flag} prints the global usage, not its own")
        texts.append(r.stdout)
    if texts[0] != texts[1]:
        fail(f"agentscan {cmd}: --help and -h differ")
    return texts[0]


def readme_synopses(cmd):
    pat = re.compile(r"agentscan %s(?![\w-])([^`\n]*)" % re.escape(cmd))
    return [m.group(1) for m in pat.finditer(README)]


def exit_codes(text):
    return set(int(c) for c in re.findall(r"(?<![\w.-])(\d{1,3})(?= )", text))


def main():
    r = subprocess.run([A, "--help"], capture_output=True, text=True, timeout=30)
    m = re.search(r"Exit codes:(.*)", r.stdout, re.S)
    global_codes = set(int(c) for c in re.findall(r"(?<![\w/.-])(\d{1,3})(?= )", m.group(1))) if m else set()
    table = section("### Exit codes")
    readme_codes = set(int(c) for c in re.findall(r"^\| (\d+) \|", table, re.M))
    if not readme_codes or readme_codes != global_codes:
        fail(f"exit codes: README {sorted(readme_codes)}, --help {sorted(global_codes)}")
    for cmd, title in SECTIONS.items():
        text = usage(cmd)
        flags = set(FLAG.findall(text)) - IGNORE
        body = section(title)
        if not body:
            fail(f"README has no section '{title}' for {cmd}")
        for syn in readme_synopses(cmd):
            for f in set(FLAG.findall(syn)) - IGNORE:
                if f not in flags:
                    fail(f"README shows 'agentscan {cmd} ... {f}', its --help has no {f}")
        for f in sorted(flags):
            if not re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(f), body):
                fail(f"agentscan {cmd} --help lists {f}, README's '{title}' section does not")
        em = re.search(r"^exit[^:]*:(.*)", text, re.M | re.S)
        codes = set(int(c) for c in re.findall(r"(?<![\w-])(\d{1,3})(?= )", em.group(1))) if em else set()
        if not codes:
            fail(f"agentscan {cmd} --help names no exit codes")
        if not codes <= readme_codes:
            fail(f"agentscan {cmd} --help exit codes {sorted(codes - readme_codes)} not in README")
    print("RESULT: %s" % ("%d failures" % len(failures) if failures else "README matches --help"))
    return 1 if failures else 0


sys.exit(main())
