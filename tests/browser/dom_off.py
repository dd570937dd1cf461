#!/usr/bin/env python3
"""dom_off.py — the DOM of a page opened with scripts off, which --dump-dom cannot give (it
reads the DOM with a script, and returns nothing when scripts are off).

  dom_off.py URL OUT CHROMIUM ARGS...   (ARGS must include --remote-debugging-pipe)

Runs the browser with the DevTools protocol on a pipe (fds 3 and 4, one JSON message per
NUL), turns script execution off for a new tab (Emulation.setScriptExecutionDisabled: the
same setting as --blink-settings=scriptEnabled=false, so <noscript> is parsed as markup),
opens URL, waits for its load event and writes the document's HTML to OUT.
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


def main():
    url, out, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
    b = Pipe(cmd)
    try:
        target = b.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        s = b.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        b.call("Emulation.setScriptExecutionDisabled", {"value": True}, s)
        b.call("Page.enable", {}, s)
        b.call("Page.navigate", {"url": url}, s)
        b.wait_event("Page.loadEventFired", s)
        root = b.call("DOM.getDocument", {"depth": 1}, s)["root"]
        html = next(n for n in root["children"] if n.get("nodeName") == "HTML")
        text = b.call("DOM.getOuterHTML", {"nodeId": html["nodeId"]}, s)["outerHTML"]
        with open(out, "w", encoding="utf-8") as f:
            f.write("<!DOCTYPE html>\n" + text)
        b.call("Browser.close")
    except (RuntimeError, StopIteration, KeyError, OSError) as e:
        print(f"dom_off: {e}", file=sys.stderr)
        b.proc.kill()
        return 1
    finally:
        b.proc.wait(timeout=60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
