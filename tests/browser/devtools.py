#!/usr/bin/env python3
"""devtools.py — a page in headless Chromium driven over the DevTools protocol, for what
--dump-dom cannot do.

  devtools.py dom-off URL OUT CHROMIUM ARGS...   the DOM with scripts off (--dump-dom reads
                                                 the DOM with a script: it gives nothing then)
  devtools.py table URL OUT CHROMIUM ARGS...     uses the report's hosts table as a reader
                                                 does (next page, sort, filter) and writes
                                                 what it showed after each step, as JSON
ARGS must include --remote-debugging-pipe: the protocol runs on fds 3 and 4, one JSON
message per NUL. dom-off turns script execution off for a new tab
(Emulation.setScriptExecutionDisabled: the setting --blink-settings=scriptEnabled=false
sets, so <noscript> is parsed as markup). Both open URL and wait for its load event.
Exit status 0, or 1 with the reason on stderr.
"""
import fcntl
import json
import os
import subprocess
import sys


class Pipe:
    def __init__(self, cmd):
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()
        # Out of the way of 3 and 4, which the browser gets.
        to_r, from_w = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_r, from_w))

        def fds():
            os.dup2(to_r, 3)
            os.dup2(from_w, 4)

        self.proc = subprocess.Popen(cmd, preexec_fn=fds, pass_fds=(3, 4))
        self.w, self.r, self.buf, self.next_id, self.events = to_w, from_r, b"", 0, []

    def recv(self):
        while b"\0" not in self.buf:
            chunk = os.read(self.r, 1 << 20)
            if not chunk:
                raise RuntimeError("the browser closed its DevTools pipe")
            self.buf += chunk
        msg, _, self.buf = self.buf.partition(b"\0")
        return json.loads(msg)

    def call(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        while True:
            m = self.recv()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m["result"]
            self.events.append(m)

    def wait_event(self, method, session):
        while True:
            for i, m in enumerate(self.events):
                if m.get("method") == method and m.get("sessionId") == session:
                    del self.events[: i + 1]
                    return m
            self.events.append(self.recv())


# What the hosts table shows: its rows (address, name, status), the pager's text and buttons.
# Each step is what a reader does: events go through the page's own listeners.
TABLE_STEPS = r"""(function () {
  function state() {
    var rows = document.querySelectorAll('#hosts tbody tr');
    return {rows: Array.prototype.map.call(rows, function (tr) {
              return [tr.cells[0].textContent, tr.cells[1].textContent, tr.cells[2].textContent];
            }),
            shown: document.getElementById('shown').textContent,
            prev: document.getElementById('prev').disabled,
            next: document.getElementById('next').disabled};
  }
  var d = JSON.parse(document.getElementById('report-data').textContent);
  var out = {data: d.hosts, nets: d.nets, states: d.states};
  out.first = state();
  document.getElementById('next').click();
  document.getElementById('next').click();
  out.third = state();
  var th = document.querySelector('#hosts thead th');
  th.click();
  th.click();
  out.descending = state();
  out.descending.sort = th.getAttribute('aria-sort');
  var f = document.getElementById('filter');
  f.value = 'BLOCKED';
  f.dispatchEvent(new Event('input'));
  out.filtered = state();
  /* The last /24's grid, scrolled into view: drawn then if the grids are drawn lazily. */
  var grids = document.querySelectorAll('#grids figure'), last = grids[grids.length - 1];
  out.before = last.querySelectorAll('rect').length;
  last.scrollIntoView();
  return new Promise(function (done) {
    setTimeout(function () {
      out.after = {id: last.id, squares: last.querySelectorAll('rect:not([fill])').length};
      done(JSON.stringify(out));
    }, 500);
  });
})()"""


def main():
    mode, url, out, cmd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    if mode not in ("dom-off", "table"):
        print(__doc__, file=sys.stderr)
        return 2
    b = Pipe(cmd)
    try:
        target = b.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        s = b.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        if mode == "dom-off":
            b.call("Emulation.setScriptExecutionDisabled", {"value": True}, s)
        b.call("Page.enable", {}, s)
        b.call("Page.navigate", {"url": url}, s)
        b.wait_event("Page.loadEventFired", s)
        if mode == "dom-off":
            root = b.call("DOM.getDocument", {"depth": 1}, s)["root"]
            html = next(n for n in root["children"] if n.get("nodeName") == "HTML")
            text = "<!DOCTYPE html>\n" + b.call("DOM.getOuterHTML", {"nodeId": html["nodeId"]},
                                                s)["outerHTML"]
        else:
            r = b.call("Runtime.evaluate", {"expression": TABLE_STEPS, "returnByValue": True,
                                                 "awaitPromise": True}, s)
            if "exceptionDetails" in r:
                raise RuntimeError(f"the steps failed: {r['exceptionDetails']}")
            text = r["result"]["value"]
        with open(out, "w", encoding="utf-8") as f:
            f.write(text)
        b.call("Browser.close")
    except (RuntimeError, StopIteration, KeyError, OSError) as e:
        print(f"devtools: {e}", file=sys.stderr)
        b.proc.kill()
        return 1
    finally:
        b.proc.wait(timeout=60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
