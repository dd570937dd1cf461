"""check_report.py — what the report tests require of a page Chromium opened.

With scripts on, the page's script draws the hosts table a page at a time (#hosts) and the
/24 grids from the page's data block (#report-data); the whole table (#hosts-all) and every
grid also sit in <noscript>, which the browser then keeps as text (its dump writes that text
out as it was, so this parser tells the two apart). With scripts off (Chromium's
--blink-settings=scriptEnabled=false) the <noscript> markup is the page.

  dom-safe DOM [off]         the page's own script ran (CSP hash right; with `off`: no script
                             ran at all), nothing injected did: one <script> plus the data
                             block, no <img>, no on* attribute, links only to #fragments, no
                             data-pwned mark
  names DOM NAMES.json       each name in the file is one name cell of the hosts table as
                             drawn (by the script, or in <noscript> with scripts off), as text
  console LOG                no console message, CSP violation or uncaught error (of the
                             page; the browser's own chrome:// pages aside)
  netlog NETLOG              no request the page started (the browser's own are not the page's)
  lab DOM DB [DEPLOY.json]   every live host of the latest scan is in the page (scripts on:
                             in the data, and the first page of the table drawn from it in
                             address order; scripts off: a row each), the summary counts equal
                             the database's (and the deploy report's), and every /24 that held
                             a live host has its grid (drawn, unless scripts draw them lazily)
  table TABLE.json           what devtools.py's `table` steps showed is right against the
                             page's data: first and third page, the address column sorted
                             descending (as numbers), a filter over every host, and a grid
                             drawn when scrolled into view
  summary DOM                what the page shows (for tools/bench_report)
Exit status 0 when it holds, 1 with a line per problem, 2 when it cannot check.
"""
import json
import sqlite3
import sys
from html.parser import HTMLParser


PAGE = 200      # rows the script draws at a time
EAGER = 64      # grids it draws at once; more are drawn as they come into view


class Dom(HTMLParser):
    """Elements with their attributes, the text of each hosts-table cell by row (drawn rows
    and <noscript> rows apart), the data block, and the /24 grids drawn."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.ids = {}
        self.rows = {"hosts": [], "hosts-all": []}
        self.grids = {False: {}, True: {}}      # in <noscript>: {id: squares drawn}
        self.data_text = []
        self.data_blocks = 0
        self._noscript = 0
        self._table = None
        self._cell = None
        self._id_text = None
        self._figure = None
        self._in_data = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag == "noscript":
            self._noscript += 1
        elif tag == "table" and attrs.get("id") in self.rows:
            self._table = attrs["id"]
        elif self._table and tag == "tr" and self._cell is None:
            self._row = []
        elif self._table and tag == "td":
            self._cell = []
        elif tag == "figure" and (attrs.get("id") or "").startswith("net-"):
            self._figure = attrs["id"]
            self.grids[self._noscript > 0][self._figure] = 0
        elif tag == "rect" and self._figure:
            self.grids[self._noscript > 0][self._figure] += 1
        elif tag == "script" and attrs.get("id") == "report-data":
            self.data_blocks += 1
            self._in_data = True
        if "id" in attrs and tag == "b":
            self._id_text = (attrs["id"], [])

    def handle_endtag(self, tag):
        if tag == "noscript":
            self._noscript -= 1
        elif tag == "table" and self._table:
            self._table = None
        elif tag == "tr" and self._table and hasattr(self, "_row"):
            if self._row:
                self.rows[self._table].append(self._row)
            del self._row
        elif tag == "td" and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "figure":
            self._figure = None
        elif tag == "script":
            self._in_data = False
        elif tag == "b" and self._id_text:
            self.ids[self._id_text[0]] = "".join(self._id_text[1])
            self._id_text = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._id_text:
            self._id_text[1].append(data)
        if self._in_data:
            self.data_text.append(data)

    def script_ran(self):
        html = [a for t, a in self.elements if t == "html"]
        return bool(html) and html[0].get("data-script") == "ran"

    def data(self):
        """The data block: {states, labels, hosts: [[ip, address, name, ...]], nets}."""
        return json.loads("".join(self.data_text))

    def drawn_rows(self):
        """The hosts table as a reader sees it: drawn by the script, else the <noscript> one."""
        return self.rows["hosts"] if self.script_ran() else self.rows["hosts-all"]

    def drawn_grids(self):
        return self.grids[not self.script_ran()]


def parse(path):
    d = Dom()
    with open(path, encoding="utf-8", errors="replace") as f:
        d.feed(f.read())
    return d


def dom_safe(path, mode="on"):
    d = parse(path)
    bad = []
    if mode == "off" and d.script_ran():
        bad.append("a script ran, but scripts were to be off")
    elif mode != "off" and not d.script_ran():
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
    scripts = [a for t, a in d.elements if t == "script"]
    code = [a for a in scripts if a.get("type") is None]
    data = [a for a in scripts if a.get("type") == "application/json" and a.get("id") == "report-data"]
    if len(code) != 1:
        bad.append(f"{len(code)} <script> elements that run, want our one")
    if len(data) != 1 or len(scripts) != 2:
        bad.append(f"{len(scripts)} <script> elements, want our one and our data block")
    for tag in ("img", "iframe", "object", "embed", "link", "base", "form"):
        n = sum(1 for t, _ in d.elements if t == tag)
        if n:
            bad.append(f"{n} <{tag}> element(s)")
    return bad


def names(path, names_path):
    d = parse(path)
    want = json.load(open(names_path))
    cells = [r[1] for r in d.drawn_rows() if len(r) > 1]
    bad = [f"name not shown as text: {n[:80]!r}" for n in want if n not in cells]
    if d.script_ran():
        data = [h[2] for h in d.data()["hosts"]]
        bad += [f"name not in the data as text: {n[:80]!r}" for n in want if n not in data]
    return bad


def console(path):
    bad = []
    for line in open(path, errors="replace"):
        # The browser's own pages (chrome://, opened when it is driven over DevTools) are
        # not the page under test.
        if "source: chrome://" in line:
            continue
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
    rows = [r[0] for r in d.drawn_rows() if r]
    if d.script_ran():
        # Scripts on: every host is in the data, and the table drawn from it shows its first
        # page, in address order (the order of the data).
        data = [h[1] for h in d.data()["hosts"]]
        shown = set(data)
        print(f"hosts: {len(live)} live in the database, {len(data)} in the page's data, "
              f"{len(rows)} rows drawn")
        if len(data) != len(shown):
            bad.append("a host is twice in the page's data")
        if rows != data[:PAGE]:
            bad.append(f"the rows drawn are not the data's first {PAGE}: {rows[:3]}... "
                       f"against {data[:3]}...")
    else:
        shown = set(rows)
        print(f"hosts: {len(live)} live in the database, {len(rows)} rows in the page")
        if len(rows) != len(shown):
            bad.append("a host has two rows")
    for ip in sorted(live - shown):
        bad.append(f"host {ip} missing from the page")
    for ip in sorted(shown - live):
        bad.append(f"host {ip} in the page but not live in scan {scan}")
    nets = {"net-" + ip.rsplit(".", 1)[0].replace(".", "-") + "-0" for ip in live}
    grids = d.drawn_grids()
    print(f"{len(nets)} /24s with live hosts, {len(grids)} grids, "
          f"{sum(1 for n in grids.values() if n)} drawn")
    if set(grids) != nets:
        bad.append(f"grids {sorted(set(grids) ^ nets)[:5]} differ from the /24s with live hosts")
    # The script draws up to EAGER grids at once, more as they come into view (`table`
    # checks that): a page of more is not all drawn in a headless window.
    if not d.script_ran() or len(nets) <= EAGER:
        bad += [f"grid {g} has no squares" for g in sorted(nets & set(grids)) if grids[g] == 0]
    return bad


def table(path):
    """What devtools.py's `table` steps showed, against the page's data."""
    t = json.load(open(path))
    data = t["data"]
    n = len(data)
    addr = lambda st: [r[0] for r in st["rows"]]
    bad = []
    print(f"{n} hosts in the data; pages show {[len(t[k]['rows']) for k in ('first', 'third', 'descending', 'filtered')]} rows")
    if n <= 2 * PAGE:
        return [f"{n} hosts: too few for three pages"]
    want = [h[1] for h in data]
    if addr(t["first"]) != want[:PAGE] or t["first"]["shown"] != f"1\u2013{PAGE} of {n} hosts":
        bad.append(f"first page: {t['first']['shown']!r}, not the data's first {PAGE} hosts")
    if not t["first"]["prev"] or t["first"]["next"]:
        bad.append("first page: previous should be off, next on")
    if addr(t["third"]) != want[2 * PAGE:3 * PAGE] or \
            t["third"]["shown"] != f"{2 * PAGE + 1}\u2013{min(n, 3 * PAGE)} of {n} hosts":
        bad.append(f"third page: {t['third']['shown']!r}, not the data's hosts {2 * PAGE + 1}...")
    # The address column sorts by number, not as text; twice is descending, from page one.
    desc = [h[1] for h in sorted(data, key=lambda h: -h[0])]
    if t["descending"]["sort"] != "descending" or addr(t["descending"]) != desc[:PAGE]:
        bad.append("address heading clicked twice: not the hosts in descending address order")
    # The filter matches any cell but the address, case-insensitively, over every host.
    cells = lambda h: "\n".join(str(h[k]) for k in (1, 2, 4, 5, 6, 7, 8, 9, 10)).lower()
    match = [h[1] for h in sorted(data, key=lambda h: -h[0]) if "blocked" in cells(h)]
    if not match or addr(t["filtered"]) != match[:PAGE] or \
            not t["filtered"]["shown"].endswith(f" of {len(match)} matching ({n} hosts)"):
        bad.append(f"filter 'BLOCKED': {t['filtered']['shown']!r}, want the {len(match)} "
                   f"hosts that say blocked")
    net = t["nets"][-1]
    silent = str(t["states"].index("silent"))   # the grid's background, no square of its own
    squares = sum(1 for c in net[2] if c != silent)
    print(f"last grid {t['after']['id']}: {t['before']} squares before it was in view, "
          f"{t['after']['squares']} after (its data: {squares})")
    if t["after"]["squares"] != squares:
        bad.append(f"grid {t['after']['id']} scrolled into view: {t['after']['squares']} squares, "
                   f"its data has {squares}")
    return bad


def summary(path):
    d = parse(path)
    ran = d.script_ran()
    hosts = len(d.data()["hosts"]) if d.data_text else 0
    grids = d.drawn_grids()
    print(f"script ran: {'yes' if ran else 'no'}; hosts in the data: {hosts}; rows drawn: "
          f"{len(d.drawn_rows())}; grids: {len(grids)}, "
          f"{sum(1 for n in grids.values() if n)} drawn")
    return []


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    fn = {"dom-safe": dom_safe, "names": names, "console": console, "netlog": netlog,
          "lab": lab, "table": table, "summary": summary}.get(cmd)
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
