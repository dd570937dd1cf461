#!/usr/bin/env python3
"""check_report.py — what the report tests require of a page Chromium opened.

  dom-safe DOM               the page's own script ran (CSP hash right), nothing injected did:
                             one <script>, no <img>, no on* attribute, links only to #fragments,
                             no data-pwned mark
  names DOM NAMES.json       each name in the file is one cell of the hosts table, as text
  console LOG                no console message, CSP violation or uncaught error
  netlog NETLOG              no request the page started (the browser's own are not the page's)
  lab DOM DB [DEPLOY.json]   every live host of the latest scan is in the hosts table, and the
                             summary counts equal the database's (and the deploy report's)
Exit status 0 when it holds, 1 with a line per problem, 2 when it cannot check.
"""
import json
import sqlite3
import sys
from html.parser import HTMLParser


class Dom(HTMLParser):
    """Elements with their attributes, and the text of each hosts-table cell by row."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.ids = {}
        self.rows = []
        self._stack = []
        self._in_hosts = 0
        self._cell = None
        self._id_text = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag == "table" and attrs.get("id") == "hosts":
            self._in_hosts = 1
        elif self._in_hosts and tag == "tbody":
            self._in_hosts = 2
        elif self._in_hosts == 2 and tag == "tr":
            self.rows.append([])
        elif self._in_hosts == 2 and tag == "td":
            self._cell = []
        if "id" in attrs and tag == "b":
            self._id_text = (attrs["id"], [])

    def handle_endtag(self, tag):
        if tag == "table" and self._in_hosts:
            self._in_hosts = 0
        elif tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None
        elif tag == "b" and self._id_text:
            self.ids[self._id_text[0]] = "".join(self._id_text[1])
            self._id_text = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._id_text:
            self._id_text[1].append(data)


def parse(path):
    d = Dom()
    with open(path, encoding="utf-8", errors="replace") as f:
        d.feed(f.read())
    return d


def dom_safe(path):
    d = parse(path)
    bad = []
    html = [a for t, a in d.elements if t == "html"]
    if not html or html[0].get("data-script") != "ran":
        bad.append("the page's script did not run (CSP hash wrong, or a script error)")
    for tag, attrs in d.elements:
        if "data-pwned" in attrs:
            bad.append(f"injected script ran: <{tag} data-pwned={attrs['data-pwned']!r}>")
        for k, v in attrs.items():
            if k.startswith("on"):
                bad.append(f"<{tag}> has event handler {k}={v!r}")
            if k in ("href", "xlink:href") and not (v or "").startswith("#"):
                bad.append(f"<{tag}> links outside the page: {k}={v!r}")
            if k in ("src", "srcset", "action", "formaction", "poster", "data"):
                bad.append(f"<{tag}> loads something: {k}={v!r}")
    scripts = sum(1 for t, _ in d.elements if t == "script")
    if scripts != 1:
        bad.append(f"{scripts} <script> elements, want our one")
    for tag in ("img", "iframe", "object", "embed", "link", "base", "form"):
        n = sum(1 for t, _ in d.elements if t == tag)
        if n:
            bad.append(f"{n} <{tag}> element(s)")
    return bad


def names(path, names_path):
    d = parse(path)
    want = json.load(open(names_path))
    cells = [r[1] for r in d.rows if len(r) > 1]
    return [f"name not shown as text: {n[:80]!r}" for n in want if n not in cells]


def console(path):
    bad = []
    for line in open(path, errors="replace"):
        if ("CONSOLE" in line or "Refused to" in line or "Content Security Policy" in line
                or "Uncaught" in line):
            bad.append("console: " + line.strip()[:300])
    return bad


def netlog(path):
    with open(path) as f:
        text = f.read()
    # A log cut short (the browser killed) lacks its closing brackets.
    try:
        log = json.loads(text)
    except json.JSONDecodeError:
        log = json.loads(text.rstrip().rstrip(",") + "]}")
    types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    bad = []
    for e in log.get("events", []):
        p = e.get("params", {})
        if types.get(e["type"]) != "URL_REQUEST_START_JOB":
            continue
        # The browser's own requests (updates, time) have no origin; the page's carry it.
        if p.get("initiator", "not an origin") != "not an origin":
            bad.append(f"the page requested {p.get('url')} (initiator {p.get('initiator')})")
    return bad


def lab(path, db, deploy_json=None):
    d = parse(path)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    scan, addresses = con.execute("SELECT id, addresses FROM scan ORDER BY id DESC LIMIT 1").fetchone()
    q = lambda sql: con.execute(sql, (scan,)).fetchone()[0]
    want = {
        "count-addresses": addresses,
        "count-up": q("SELECT count(*) FROM observation WHERE scan_id = ? AND up"),
        "count-managed": q("SELECT count(*) FROM observation WHERE scan_id = ? AND up AND managed"),
        "count-deployable": q("SELECT count(*) FROM observation WHERE scan_id = ? AND up AND NOT "
                              "managed AND coalesce(deploy, '') != ''"),
        "count-firewall": q("SELECT count(*) FROM observation WHERE scan_id = ? AND up AND "
                            "firewall_suspect"),
        "count-unknown-os": q("SELECT count(*) FROM observation o WHERE scan_id = ? AND up AND "
                              "coalesce(os_passive, '') = '' AND NOT EXISTS (SELECT 1 FROM "
                              "os_match m WHERE m.scan_id = o.scan_id AND m.host_id = o.host_id)"),
    }
    if deploy_json:
        hosts = json.load(open(deploy_json))["hosts"]
        want["count-blocked"] = sum(1 for h in hosts if h["status"] in ("blocked", "unknown")
                                    and h["rule"] is not None)
    bad = []
    for k, v in want.items():
        got = d.ids.get(k)
        print(f"{k}: page {got}, database {v}")
        if got != str(v):
            bad.append(f"{k}: page says {got}, database {v}")
    live = {r[0] for r in con.execute("SELECT ip FROM observation WHERE scan_id = ? AND up", (scan,))}
    shown = {r[0] for r in d.rows if r}
    print(f"hosts: {len(live)} live in the database, {len(shown)} rows in the page")
    for ip in sorted(live - shown):
        bad.append(f"host {ip} missing from the page")
    for ip in sorted(shown - live):
        bad.append(f"host {ip} in the page but not live in scan {scan}")
    return bad


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    fn = {"dom-safe": dom_safe, "names": names, "console": console, "netlog": netlog,
          "lab": lab}.get(cmd)
    if fn is None:
        print(__doc__)
        return 2
    try:
        bad = fn(*args)
    except (OSError, ValueError, KeyError, sqlite3.Error) as e:
        print(f"check_report: {cmd}: cannot check: {e}")
        return 2
    for b in bad:
        print("FAIL:", b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
