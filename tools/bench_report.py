#!/usr/bin/env python3
"""bench_report.py — the measuring and reporting half of tools/bench: samples a packet counter,
scores each tool's output against the lab's truth, finds the busiest one-second window of a
capture, and prints the results table, the ratios and the goals of issue #3.

  bench_report.py sample STATFILE OUT [--interval S] [--max-seconds S]
  bench_report.py record --name N --tool agentscan|masscan|nmap --truth T ... (one JSON line)
  bench_report.py window PCAP --rate R [--tcpdump-log F]                        (one JSON line)
  bench_report.py table JOBS.jsonl [--meta META.json]                            (the report)
  bench_report.py self-test                                                      (no root, no lab)
"""
import argparse
import importlib.util
import ipaddress
import json
import os
import re
import signal
import sqlite3
import statistics
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def load_compare_truth():
    """The lab tests' referee (tests/lab/compare_truth.py), so both judge the same way."""
    path = os.path.join(HERE, "..", "tests", "lab", "compare_truth.py")
    sys.dont_write_bytecode = True
    spec = importlib.util.spec_from_file_location("compare_truth", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ---- sample: a packet counter read every few milliseconds --------------------------------

def cmd_sample(a):
    """Writes 'monotonic_seconds count' lines until SIGTERM/SIGINT or --max-seconds."""
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    end = time.monotonic() + a.max_seconds
    with open(a.statfile, "rb", buffering=0) as f, open(a.out, "w", encoding="ascii") as out:
        while not stop and time.monotonic() < end:
            f.seek(0)
            v = int(f.read().strip() or b"0")
            out.write(f"{time.monotonic():.6f} {v}\n")
            time.sleep(a.interval)
    return 0


def read_samples(path):
    pts = []
    try:
        with open(path, encoding="ascii") as f:
            for line in f:
                p = line.split()
                if len(p) == 2:
                    pts.append((float(p[0]), int(p[1])))
    except OSError:
        pass
    return pts


def peak_rate(pts, window=1.0):
    """Highest packets/s over any window of at least `window` seconds between two samples,
    and the span during which the counter climbed faster than 1000 pps (the busy phase)."""
    best, j = 0.0, 0
    for i in range(len(pts)):
        if j < i:
            j = i
        while j < len(pts) and pts[j][0] - pts[i][0] < window:
            j += 1
        if j >= len(pts):
            break
        dt = pts[j][0] - pts[i][0]
        best = max(best, (pts[j][1] - pts[i][1]) / dt)
    busy = [pts[k][0] for k in range(1, len(pts))
            if (pts[k][1] - pts[k - 1][1]) > 1000 * (pts[k][0] - pts[k - 1][0])]
    span = (busy[-1] - busy[0]) if len(busy) > 1 else 0.0
    return best, span


# ---- parsing each tool's output ----------------------------------------------------------

def parse_timev(path):
    """GNU time -v: wall seconds, peak RSS in kB, exit status (None if unknown)."""
    out = {"wall": None, "rss_kb": None, "exit": None, "signal": None}
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        return out
    m = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", text)
    if m:
        h = int(m.group(1) or 0)
        out["wall"] = h * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if m:
        out["rss_kb"] = int(m.group(1))
    m = re.search(r"Exit status: (\d+)", text)
    if m:
        out["exit"] = int(m.group(1))
    m = re.search(r"Command terminated by signal (\d+)", text)
    if m:
        out["signal"] = int(m.group(1))
    return out


def parse_masscan_list(path):
    """masscan -oL: 'open tcp PORT ADDR TIMESTAMP' lines."""
    found = set()
    try:
        for line in open(path, encoding="utf-8", errors="replace"):
            p = line.split()
            if len(p) >= 4 and p[0] == "open" and p[1] == "tcp":
                found.add((p[3], int(p[2])))
    except OSError:
        pass
    return found


def parse_masscan_rates(path):
    """kpps figures from masscan's status lines while it was still sending."""
    rates = []
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        return rates
    for seg in re.split(r"[\r\n]", text):
        m = re.match(r"rate:\s*([\d.]+)-kpps,\s*([\d.]+)% done", seg)
        if m and "waiting" not in seg and float(m.group(2)) < 100.0:
            rates.append(float(m.group(1)) * 1000)
    return rates


def parse_nmap_xml_partial(path):
    """Hosts nmap finished before it was stopped: the XML may be cut anywhere, so read the
    complete <host>...</host> blocks with a regex rather than an XML parser."""
    live, opened = set(), set()
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        return live, opened
    for block in re.findall(r"<host[ >].*?</host>", text, re.S):
        if not re.search(r'<status state="up"', block):
            continue
        m = re.search(r'<address addr="([\d.]+)" addrtype="ipv4"', block)
        if not m:
            continue
        ip = m.group(1)
        live.add(ip)
        for pm in re.finditer(r'<port protocol="tcp" portid="(\d+)"><state state="open"', block):
            opened.add((ip, int(pm.group(1))))
    return live, opened


def parse_nmap_progress(path, total):
    """From nmap's --stats-every lines: addresses done (finished + the running task's share)."""
    done = 0.0
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        return None
    stats = re.findall(r"Stats: [\d:]+ elapsed; (\d+) hosts completed \((\d+) up\), (\d+) undergoing ([\w ]+)\n"
                       r"(?:[\w ]+ Timing: About ([\d.]+)% done)?", text)
    if not stats:
        return {"completed": 0, "progress": 0.0}
    completed, up, undergoing, _, pct = stats[-1]
    done = int(completed) + int(undergoing) * float(pct or 0) / 100.0
    return {"completed": int(completed), "up": int(up), "progress": min(done, total)}


def parse_agentscan_summary(path):
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        return None
    m = re.search(r"agentscan: scan \d+ (\w+): (\d+) addresses, (\d+) hosts up, (\d+) open ports, "
                  r"(\d+) probes, ([\d.]+) s", text)
    if not m:
        return None
    return {"status": m.group(1), "addresses": int(m.group(2)), "hosts_up": int(m.group(3)),
            "probes": int(m.group(5)), "seconds": float(m.group(6))}


# ---- record: one job, measured and scored --------------------------------------------------

def pk(p):
    """compare_truth's (port, proto) as the tools' own port: 22 for TCP, '137/udp' for UDP."""
    return p[0] if p[1] == "tcp" else f"{p[0]}/{p[1]}"


def tcp_only(pairs):
    """nmap -sS and masscan scan TCP only: the UDP part of the truth is not theirs to find."""
    return {(ip, p) for ip, p in pairs if isinstance(p, int)}


def truth_sets(ct, truth_path, scope):
    truth, order = ct.load_truth(truth_path)
    nets = [ipaddress.ip_network(c, strict=False) for c in scope.split(",") if c]
    inside = {ip: t for ip, t in truth.items()
              if not nets or any(ipaddress.ip_address(ip) in n for n in nets)}
    return truth, order, {
        "live": {ip for ip, t in inside.items() if t["up_default"]},
        "answering": {ip for ip, t in inside.items() if t["up_pn"]},
        "open": {(ip, pk(p)) for ip, t in inside.items() for p, s in t["ports"].items() if s == "open"},
        # A scan with a liveness test port-scans live hosts only: its ports to find.
        "open_live": {(ip, pk(p)) for ip, t in inside.items() if t["up_default"]
                      for p, s in t["ports"].items() if s == "open"},
    }, nets


def count_ports(a, rec, ts):
    """Mode ports (-p- on the dense block): every port of a live address that the truth does
    not list as open is closed (nothing else listens there), so the store must hold exactly
    the truth's open ports and every other port closed, counted in SQL rather than compared
    row by row (33.5 M rows)."""
    summ = parse_agentscan_summary(a.stderr) if a.stderr else None
    if summ:
        rec["own_probes"] = summ["probes"]
        rec["own_seconds"] = summ["seconds"]
        rec["status"] = summ["status"]
    hosts, open_set, states = set(), set(), {}
    try:
        db = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
        scan = db.execute("SELECT max(id) FROM scan").fetchone()[0]
        for ip, port, state in db.execute(
                "SELECT o.ip, p.port, p.state FROM port p JOIN observation o "
                "ON o.scan_id = p.scan_id AND o.host_id = p.host_id WHERE p.scan_id = ? AND p.state != 'closed'", (scan,)):
            states[state] = states.get(state, 0) + 1
            if state == "open":
                open_set.add((ip, port))
        states["closed"] = db.execute("SELECT count(*) FROM port WHERE scan_id = ? AND state = 'closed'",
                                      (scan,)).fetchone()[0]
        hosts = {r[0] for r in db.execute("SELECT ip FROM observation WHERE scan_id = ? AND up",
                                          (scan,))}
        db.close()
    except (sqlite3.Error, TypeError) as e:
        rec["note"] = f"store unreadable: {e}"
    true_hosts = ts["live"]
    ts["open"] = ts["open_live"]
    want_closed = 65535 * len(true_hosts) - len(ts["open"])
    rec["port_states"] = states
    rec["closed_true"] = want_closed
    rec["mismatches"] = (abs(want_closed - states.get("closed", 0)) + states.get("filtered", 0) +
                         len(open_set ^ ts["open"]) + len(hosts ^ true_hosts))
    return hosts, open_set, true_hosts


def cmd_record(a):
    ct = load_compare_truth()
    truth, order, ts, nets = truth_sets(ct, a.truth, a.scope)
    rec = {"name": a.name, "tool": a.tool, "loss": a.loss, "mode": a.mode, "group": a.group,
           "rate": a.rate, "cap": a.cap, "packets": a.packets, "note": a.note, "job_n": a.job_n}
    rec.update(parse_timev(a.timev) if a.timev else {})
    if a.samples:
        pts = read_samples(a.samples)
        rec["peak_pps"], rec["busy_s"] = peak_rate(pts)
    if a.loss_counters:
        try:
            seen, dropped = (int(x) for x in open(a.loss_counters).read().split()[:2])
            rec["loss_applied"] = dropped / seen if seen else None
            rec["loss_counts"] = [dropped, seen]
        except (OSError, ValueError):
            rec["loss_applied"] = None
    open_set, hosts = set(), set()
    # What "hosts" means depends on the job: live hosts where there is a liveness test,
    # hosts with an open port where there is none (-Pn, masscan), so rows compare like with like.
    if a.tool == "agentscan" and a.mode == "offline":
        true_hosts = set()
        ts["open"] = set()
        summ = parse_agentscan_summary(a.stderr) if a.stderr else None
        if summ:
            rec["own_probes"] = summ["probes"]
            rec["own_seconds"] = summ["seconds"]
    elif a.tool == "agentscan" and a.mode == "ports":
        hosts, open_set, true_hosts = count_ports(a, rec, ts)
    elif a.tool == "agentscan" and a.result:
        found = ct.load_json(a.result) if os.path.exists(a.result) else {}
        for ip, h in found.items():
            for p, s in h["ports"].items():
                if s == "open":
                    open_set.add((ip, pk(p)))
        if a.mode == "pn":
            hosts = {ip for ip, _ in open_set}
            true_hosts = {ip for ip, _ in ts["open"]}
        else:
            hosts = set(found)
            true_hosts = ts["live"]
            ts["open"] = ts["open_live"]
        _, problems = ct.compare(truth, order, found, "pn" if a.mode == "pn" else "default",
                                 a.no_names, nets)
        rec["mismatches"] = len(problems)
        rec["problems"] = problems[:20]
        summ = parse_agentscan_summary(a.stderr) if a.stderr else None
        if summ:
            rec["own_probes"] = summ["probes"]
            rec["own_seconds"] = summ["seconds"]
            rec["status"] = summ["status"]
    elif a.tool == "masscan":
        open_set = parse_masscan_list(a.result)
        ts["open"] = tcp_only(ts["open"])
        hosts = {ip for ip, _ in open_set}
        true_hosts = {ip for ip, _ in ts["open"]}
        rates = parse_masscan_rates(a.stderr) if a.stderr else []
        rec["own_rate_median"] = statistics.median(rates) if rates else None
    elif a.tool == "nmap":
        hosts, open_set = parse_nmap_xml_partial(a.result)
        true_hosts = ts["live"]
        ts["open"] = tcp_only(ts["open_live"])
        total = sum(n.num_addresses for n in nets) if nets else None
        prog = parse_nmap_progress(a.stdout, total or 0) if a.stdout else None
        rec["nmap"] = prog
        if prog and total:
            rec["addresses_total"] = total
            if prog["progress"] > 0 and rec.get("wall"):
                rec["projected_s"] = rec["wall"] * total / prog["progress"]
    else:
        true_hosts = set()
    rec["hosts_found"] = len(hosts & true_hosts)
    rec["hosts_true"] = len(true_hosts)
    rec["open_found"] = len(open_set & ts["open"])
    rec["open_true"] = len(ts["open"])
    rec["fp_hosts"] = sorted(hosts - true_hosts)[:10]
    rec["fp_ports"] = [f"{ip}:{p}" for ip, p in sorted(open_set - ts["open"], key=str)][:10]
    rec["fp"] = len(hosts - true_hosts) + len(open_set - ts["open"])
    rec["missed_ports"] = [f"{ip}:{p}" for ip, p in sorted(ts["open"] - open_set, key=str)][:10]
    rec["missed_hosts"] = sorted(true_hosts - hosts)[:10]
    print(json.dumps(rec))
    return 0


# ---- window: the busiest one-second window of a pcap --------------------------------------

def pcap_packets(path):
    """(timestamp, kind) per packet of a classic pcap file (Ethernet); kind is 'probe',
    'rst' (a bare RST: the scanner's kernel answering a SYN/ACK it did not expect) or 'dns'."""
    with open(path, "rb") as f:
        hdr = f.read(24)
        if len(hdr) < 24:
            return []
        magic = struct.unpack("<I", hdr[:4])[0]
        if magic in (0xA1B2C3D4, 0xA1B23C4D):
            endian = "<"
        elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
            endian = ">"
        else:
            raise ValueError(f"{path}: not a pcap file")
        nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
        linktype = struct.unpack(endian + "I", hdr[20:24])[0]
        if linktype != 1:
            raise ValueError(f"{path}: link type {linktype}, want Ethernet")
        out = []
        while True:
            rh = f.read(16)
            if len(rh) < 16:
                break
            sec, frac, incl, _ = struct.unpack(endian + "IIII", rh)
            data = f.read(incl)
            if len(data) < incl:
                break
            t = sec + frac / (1e9 if nano else 1e6)
            kind = "probe"
            if len(data) >= 34 and data[12:14] == b"\x08\x00":
                ihl = (data[14] & 15) * 4
                proto = data[23]
                l4 = 14 + ihl
                if proto == 6 and len(data) >= l4 + 14:
                    flags = data[l4 + 13]
                    if flags & 0x04 and not flags & 0x02:
                        kind = "rst"
                elif proto == 17 and len(data) >= l4 + 4:
                    if struct.unpack(">H", data[l4 + 2:l4 + 4])[0] == 53:
                        kind = "dns"
            out.append((t, kind))
        return out


def max_window(ts, window=1.0):
    """Most timestamps in any half-open interval [t, t + window) (exact, sliding)."""
    best, j = 0, 0
    for i in range(len(ts)):
        while j < len(ts) and ts[j] < ts[i] + window:
            j += 1
        best = max(best, j - i)
    return best


def cmd_window(a):
    pk = pcap_packets(a.pcap)
    all_ts = sorted(t for t, _ in pk)
    probe_ts = sorted(t for t, k in pk if k == "probe")
    rec = {"tool": "window", "pcap": a.pcap, "rate": a.rate, "packets": len(pk),
           "probes": len(probe_ts), "rst": sum(k == "rst" for _, k in pk),
           "dns": sum(k == "dns" for _, k in pk),
           "max_1s_all": max_window(all_ts), "max_1s_probes": max_window(probe_ts),
           "duration": (all_ts[-1] - all_ts[0]) if len(all_ts) > 1 else 0.0,
           "dropped": None}
    if a.tcpdump_log:
        try:
            text = open(a.tcpdump_log, encoding="utf-8", errors="replace").read()
            m = re.search(r"(\d+) packets? dropped by kernel", text)
            rec["dropped"] = int(m.group(1)) if m else None
            m = re.search(r"(\d+) packets? dropped by interface", text)
            rec["dropped_if"] = int(m.group(1)) if m else 0
        except OSError:
            pass
    rec["limit"] = a.rate * (1 + a.tolerance)
    rec["ok"] = rec["max_1s_all"] <= rec["limit"] and len(pk) > 0
    if a.tcpdump_log:   # a capture that lost packets proves nothing
        rec["ok"] = rec["ok"] and rec["dropped"] == 0 and rec.get("dropped_if", 0) == 0
    print(json.dumps(rec))
    return 0 if rec["ok"] else 1


# ---- table: the report ----------------------------------------------------------------------

def fnum(v, fmt="{:,.0f}", dash="-"):
    return dash if v is None else fmt.format(v)


def load_jobs(path):
    jobs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                jobs.append(json.loads(line))
    return jobs


def row(j):
    wall = fnum(j.get("wall"), "{:.1f}")
    if j["tool"] == "nmap" and j.get("signal") is not None or j.get("exit") == 124:
        wall += " (cap)"
    exact = "-"
    if "mismatches" in j:
        exact = "yes" if j["mismatches"] == 0 else f"no ({j['mismatches']})"
    hosts = f"{j['hosts_found']}/{j['hosts_true']}" if j["hosts_true"] else "-"
    opn = f"{j['open_found']}/{j['open_true']}" if j["open_true"] else "-"
    rss = fnum((j.get("rss_kb") or 0) / 1024 if j.get("rss_kb") else None, "{:.1f}")
    return [j["name"], f"{j['loss']}%", wall, fnum(j.get("packets")), fnum(j.get("peak_pps")),
            rss, hosts, opn, str(j["fp"]) if j["hosts_true"] else "-", exact]


def render(rows, head):
    w = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    lines = ["  ".join(str(c).ljust(w[i]) if i == 0 else str(c).rjust(w[i]) for i, c in enumerate(head))]
    lines.append("  ".join("-" * x for x in w))
    for r in rows:
        lines.append("  ".join(str(c).ljust(w[i]) if i == 0 else str(c).rjust(w[i]) for i, c in enumerate(r)))
    return "\n".join(lines)


def find(jobs, group, loss=0):
    for j in jobs:
        if j.get("group") == group and j["loss"] == loss:
            return j
    return None


def best_peak(jobs, *groups):
    """The best peak pps over every run of these groups (several runs tame a shared CPU)."""
    p = [j.get("peak_pps") or 0 for j in jobs if j.get("group") in groups and j["loss"] == 0]
    return max(p) if p else None


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def cmd_identity(a):
    """One record of compare_identity.py's `agree` output: agentscan and nmap side by side."""
    text = open(a.compare_output, encoding="utf-8").read().splitlines()
    m = next((re.search(r"(\d+) fields compared, (\d+) differences", t) for t in reversed(text)
              if t.startswith("compare_identity:")), None)
    rec = {"tool": "identity", "name": a.name, "nmap_job": a.nmap_job, "agentscan_job": a.agentscan_job,
           "fields": int(m.group(1)) if m else None, "differences": int(m.group(2)) if m else None,
           "lines": [t for t in text if not t.startswith("compare_identity:")][:60]}
    print(json.dumps(rec))
    return 0


def identity_section(jobs, idrecs):
    """Issue 9: what identity adds to the ODAD sweep, and agentscan's identity beside nmap's."""
    out = []
    on = sorted(j["wall"] for j in jobs if j.get("group") == "as-id-on" and j.get("wall") and j["loss"] == 0)
    off = sorted(j["wall"] for j in jobs if j.get("group") == "as-id-off" and j.get("wall") and j["loss"] == 0)
    if not on and not idrecs:
        return out
    out.append("")
    out.append("Goals (issue 9, identity):")
    if on and off:
        mon, moff = statistics.median(on), statistics.median(off)
        ok = mon - moff < 3
        out.append(f"  [{'MET ' if ok else 'MISS'}] identity adds {mon - moff:+.1f} s to the ODAD sweep of the /16 "
                   f"(median of {len(on)}: {mon:.1f} s with identity, of {len(off)}: {moff:.1f} s with "
                   f"--no-identify) (< 3 s)")
    for r in idrecs:
        byname = {j.get("job_n"): j for j in jobs}
        nj, aj = byname.get(r["nmap_job"]), byname.get(r["agentscan_job"])
        nw = fnum(nj.get("wall") if nj else None, "{:.1f}")
        aw = fnum(aj.get("wall") if aj else None, "{:.1f}")
        agree = r["differences"] == 0 and r["fields"]
        out.append(f"  [{'MET ' if agree else 'MISS'}] {r['name']}: agentscan {aw} s, nmap {nw} s wall; "
                   f"{fnum(r['fields'])} facts both report, {fnum(r['differences'])} differences")
        out.extend("    " + t for t in r["lines"])
    return out


def cmd_table(a):
    alljobs = load_jobs(a.jobs)
    idrecs = [j for j in alljobs if j.get("tool") == "identity"]
    jobs = [j for j in alljobs if j.get("tool", "window") not in ("window", "identity")]
    windows = [j for j in alljobs if j.get("tool", "window") == "window"]
    meta = json.load(open(a.meta)) if a.meta and os.path.exists(a.meta) else {}
    out = []
    head = ["job", "loss", "wall s", "pkts sent", "peak pps", "RSS MB", "hosts", "open ports", "FP", "exact"]
    out.append(render([row(j) for j in jobs], head))
    out.append("")
    out.append("hosts: live hosts (liveness test) for agentscan default/ODAD and nmap; hosts with an open")
    out.append("port for -Pn and masscan. open ports: (address, port) pairs found open / open in the truth.")
    out.append("FP: hosts or open ports reported that the truth does not have. exact: agentscan's inventory")
    out.append("against the truth with tests/lab/compare_truth.py (every port state and name).")
    out.append("pkts sent: IPv4 packets from the scanner counted by nft at the router (includes the")
    out.append("scanner kernel's RSTs to SYN/ACKs and DNS). peak pps: best 1-s window of the router's")
    out.append("s0 rx counter sampled every 10 ms.")
    for j in jobs:
        notes = []
        if j.get("loss_counts") and j["loss"]:
            d, s = j["loss_counts"]
            notes.append(f"loss applied: {d:,} of {s:,} packets towards the scanner dropped"
                         + (f" ({d / s * 100:.2f}%)" if s else ""))
        if j["tool"] == "nmap" and j.get("nmap"):
            n = j["nmap"]
            notes.append(f"nmap stopped at the cap after {n['progress']:,.0f} of "
                         f"{j.get('addresses_total', 0):,} addresses ({n['completed']:,} hosts completed, "
                         f"{n.get('up', 0)} found up; nmap writes a host once its port scan is done)")
            if j.get("projected_s"):
                notes.append(f"projected full run {j['projected_s'] / 60:.0f} min")
        if j["tool"] == "masscan" and j.get("own_rate_median"):
            notes.append(f"masscan's own status rate (median while sending) {j['own_rate_median']:,.0f} pps")
        if j.get("busy_s"):
            notes.append(f"sending phase {j['busy_s']:.1f} s")
        if j.get("own_probes") is not None:
            notes.append(f"agentscan counted {j['own_probes']:,} probes in {j['own_seconds']:.2f} s"
                         + (f" = {j['own_probes'] / j['own_seconds']:,.0f} pps" if j.get("mode") == "offline"
                            and j.get("own_seconds") else ""))
        if j.get("missed_hosts") and j["hosts_true"] and j["tool"] != "nmap":
            notes.append("missed hosts " + " ".join(j["missed_hosts"][:5]))
        if j.get("missed_ports") and j["open_true"] and j["tool"] != "nmap":
            notes.append("missed ports " + " ".join(j["missed_ports"][:5]))
        if j.get("fp_hosts") or j.get("fp_ports"):
            notes.append("FP " + " ".join((j.get("fp_hosts") or []) + (j.get("fp_ports") or []))[:120])
        if j.get("mismatches"):
            notes.append("mismatches: " + "; ".join(j.get("problems", [])[:3]))
        if j.get("note"):
            notes.append(j["note"])
        if notes:
            out.append(f"  {j['name']} ({j['loss']}%): " + "; ".join(notes))
    if windows:
        out.append("")
        out.append("Rate cap (tcpdump at the router's scanner-facing port, exact per-packet timestamps):")
        for w in windows:
            out.append(f"  --max-rate {w['rate']:,}: {w['packets']:,} packets ({w['probes']:,} probes, "
                       f"{w['rst']:,} kernel RSTs, {w['dns']:,} DNS) over {w['duration']:.1f} s; "
                       f"max in any 1 s window: {w['max_1s_all']:,} all, {w['max_1s_probes']:,} probes "
                       f"= {w['max_1s_all'] / w['rate'] * 100:.1f}% of the cap; dropped by kernel: "
                       f"{w['dropped']}; {'OK' if w['ok'] else 'OVER'}")
    out.append("")
    out.extend(goals(jobs, windows, meta))
    out.extend(identity_section(jobs, idrecs))
    print("\n".join(out))
    return 0


def goals(jobs, windows, meta):
    out = ["Ratios:"]
    nm = find(jobs, "nmap")
    nm_full = nm.get("projected_s") if nm else None
    d = find(jobs, "as-default")
    m = find(jobs, "as-max")
    pn = find(jobs, "as-pn-max")
    ms = find(jobs, "masscan-max")
    mk = find(jobs, "masscan-10k")
    unl = find(jobs, "as-unlimited")
    off = find(jobs, "as-offline")
    r16 = find(jobs, "as-max")          # ODAD at M on the /16, the /15 job's twin
    r15 = find(jobs, "as-rss-15")

    def w(j):
        return j.get("wall") if j else None
    for label, x, y in (("agentscan default / nmap (projected full run)", w(d), nm_full),
                        ("agentscan at masscan's max / nmap (projected)", w(m), nm_full),
                        ("agentscan -Pn at masscan's max / masscan at max (--wait 10)", w(pn), w(ms)),
                        ("agentscan -Pn at masscan's max / masscan at max with --wait 1", w(pn),
                         min((w(j) for j in jobs if j.get("group") == "masscan-cal" and w(j)), default=None)),
                        ("agentscan -Pn uncapped peak pps / masscan peak pps (best runs)",
                         best_peak(jobs, "as-unlimited"), best_peak(jobs, "masscan-max", "masscan-cal"))):
        r = ratio(x, y)
        out.append(f"  {label}: {fnum(r, '{:.3f}')}")
    if mk and pn:
        out.append(f"  masscan at 10 kpps: {fnum(w(mk), '{:.1f}')} s for the same sweep")
    out.append("")
    out.append("Goals (issue #3):")

    def goal(ok, text):
        out.append(f"  [{'MET ' if ok else 'MISS'}] {text}")
    if d:
        goal(d.get("mismatches") == 0 and (w(d) or 1e9) < 60,
             f"1a ODAD default options: {fnum(w(d), '{:.1f}')} s (< 60), exact: {d.get('mismatches') == 0}")
    if m:
        goal(m.get("mismatches") == 0 and (w(m) or 1e9) < 6,
             f"1b ODAD --max-rate {m.get('rate')}: {fnum(w(m), '{:.1f}')} s (< 6), exact: {m.get('mismatches') == 0}"
             + (f"; nmap projected {nm_full / 60:.0f} min" if nm_full else ""))
    if pn and ms:
        r = ratio(w(pn), w(ms))
        goal(r is not None and r <= 1.05 and pn["open_found"] >= ms["open_found"],
             f"2a -Pn at {pn.get('rate')} pps: {fnum(w(pn), '{:.1f}')} s vs masscan {fnum(w(ms), '{:.1f}')} s "
             f"(ratio {fnum(r, '{:.3f}')} <= 1.05); open ports {pn['open_found']} vs {ms['open_found']}")
    if unl and ms:
        pa, pm = best_peak(jobs, "as-unlimited"), best_peak(jobs, "masscan-max", "masscan-cal")
        goal((pa or 0) >= (pm or 1e18),
             f"2b agentscan's max {fnum(pa)} pps >= masscan's max {fnum(pm)} pps (best 1-s window of each tool's runs)")
    if off and off.get("own_seconds"):
        pps = off["own_probes"] / off["own_seconds"]
        goal(pps >= 1e6, f"2c --offline {pps:,.0f} pps (>= 1,000,000)")
    for grp in ("as-default", "as-max", "as-pn-max"):
        j = find(jobs, grp, 2)
        if j:
            okp = j["open_true"] and j["open_found"] >= 0.999 * j["open_true"]
            okh = j["hosts_found"] == j["hosts_true"]
            goal(okp and okh, f"3 {j['name']} at 2% loss: hosts {j['hosts_found']}/{j['hosts_true']}, "
                 f"open ports {j['open_found']}/{j['open_true']} (>= 99.9%)")
    for grp in ("masscan-max", "masscan-10k"):
        j = find(jobs, grp, 2)
        if j:
            out.append(f"         (reference) {j['name']} at 2% loss: hosts {j['hosts_found']}/{j['hosts_true']}, "
                       f"open ports {j['open_found']}/{j['open_true']}")
    if r16 and r15 and r16.get("rss_kb") and r15.get("rss_kb"):
        a16, a15 = r16["rss_kb"] / 1024, r15["rss_kb"] / 1024
        goal(a16 < 32 and abs(a15 - a16) <= 0.1 * a16,
             f"4 peak RSS /16 {a16:.1f} MB (< 32), /15 {a15:.1f} MB (within 10%: {(a15 / a16 - 1) * 100:+.1f}%)")
    for wd in windows:
        goal(wd["ok"], f"5 rate cap {wd['rate']:,} pps: max {wd['max_1s_all']:,} packets in a 1 s window "
             f"({wd['max_1s_all'] / wd['rate'] * 100:.1f}%, limit 105%), tcpdump dropped {wd['dropped']}")
    r24, dense = find(jobs, "as-rss-24"), find(jobs, "as-dense-all")
    if r24 or dense:
        out.append("")
        out.append("Goals (issue #12, sparse streaming state):")
    if dense:
        ps = dense.get("port_states") or {}
        rss = (dense.get("rss_kb") or 0) / 1024
        done = dense.get("status") in ("done", "complete")
        goal(done and rss < 64 and dense.get("mismatches") == 0,
             f"-p- on the dense block: {dense['hosts_found']}/{dense['hosts_true']} live hosts, "
             f"{fnum(w(dense), '{:.1f}')} s{'' if done else ' (not complete: ' + str(dense.get('status')) + ')'}, "
             f"{fnum(dense.get('own_probes'))} probes, peak RSS {rss:.1f} MB (< 64); ports open "
             f"{ps.get('open', 0):,}/{dense['open_true']:,}, closed {ps.get('closed', 0):,}/"
             f"{dense.get('closed_true', 0):,}, filtered {ps.get('filtered', 0):,}")
    if r24 and r16 and r15 and all(j.get("rss_kb") for j in (r24, r16, r15)):
        a24, a16, a15 = (j["rss_kb"] / 1024 for j in (r24, r16, r15))
        goal(max(a24, a16, a15) <= 1.1 * min(a24, a16, a15),
             f"RSS flat from /24 to /15: /24 {a24:.1f} MB, /16 {a16:.1f} MB, /15 {a15:.1f} MB (within 10%)")
    os16, os24, nmo = find(jobs, "as-os"), find(jobs, "as-os-24"), find(jobs, "nmap-os")
    if os16 or os24:
        out.append("")
        out.append("Goals (issue #4, OS detection):")
    if os16 and m:
        added = (w(os16) or 0) - (w(m) or 0)
        goal(added < 2, f"-O adds {added:.1f} s to the ODAD sweep at --max-rate {m.get('rate')} "
             f"({fnum(w(m), '{:.1f}')} s -> {fnum(w(os16), '{:.1f}')} s, {os16['hosts_found']} live hosts) (< 2 s)")
    if os24 and nmo:
        nm_os = nmo.get("projected_s") or w(nmo)
        r = ratio(nm_os, w(os24))
        capped = " (nmap capped; projected)" if nmo.get("signal") or nmo.get("exit") == 124 else ""
        goal(r is not None and r >= 20, f"-O on the host /24s: agentscan {fnum(w(os24), '{:.1f}')} s, nmap -O "
             f"{fnum(nm_os, '{:.1f}')} s{capped}: {fnum(r, '{:.0f}')}x faster (>= 20x)")
    return out


# ---- self-test ---------------------------------------------------------------------------------

def cmd_self_test(_):
    """The arithmetic the report depends on, on made-up data."""
    fails = 0

    def check(what, got, want):
        nonlocal fails
        ok = got == want
        print(f"{'PASS' if ok else 'FAIL'}: {what}: got {got!r}, want {want!r}")
        fails += not ok
    check("max_window exact", max_window([0.0, 0.5, 0.99, 1.0, 1.5, 1.99, 2.5]), 3)
    check("max_window empty", max_window([]), 0)
    pts = [(i / 100, i * 10) for i in range(300)]           # 1000 pps for 3 s
    best, _ = peak_rate(pts)
    check("peak_rate 1000 pps", round(best), 1000)
    check("nmap progress", parse_nmap_progress_text(
        "Stats: 0:01:00 elapsed; 4082 hosts completed (14 up), 4096 undergoing Ping Scan\n"
        "Ping Scan Timing: About 25.00% done; ETC: 04:06 (0:02:05 remaining)\n"), 4082 + 1024)
    check("masscan rates", [round(x) for x in parse_masscan_rates_text(
        "rate:512.81-kpps,  4.91% done,   0:00:03 remaining, found=3       \r"
        "rate:  0.00-kpps, 100.00% done, waiting 9-secs, found=40       \r")], [512810])
    return 1 if fails else 0


def parse_nmap_progress_text(text):
    import tempfile
    with tempfile.NamedTemporaryFile("w", delete=False) as f:
        f.write(text)
    try:
        return parse_nmap_progress(f.name, 65536)["progress"]
    finally:
        os.unlink(f.name)


def parse_masscan_rates_text(text):
    import tempfile
    with tempfile.NamedTemporaryFile("w", delete=False) as f:
        f.write(text)
    try:
        return parse_masscan_rates(f.name)
    finally:
        os.unlink(f.name)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sample")
    s.add_argument("statfile")
    s.add_argument("out")
    s.add_argument("--interval", type=float, default=0.01)
    s.add_argument("--max-seconds", type=float, default=900)
    r = sub.add_parser("record")
    r.add_argument("--name", required=True)
    r.add_argument("--group", default="")
    r.add_argument("--tool", required=True, choices=("agentscan", "masscan", "nmap"))
    r.add_argument("--mode", default="default", choices=("default", "pn", "offline", "ports"))
    r.add_argument("--db", help="mode ports: the agentscan store to count port states in")
    r.add_argument("--truth", required=True)
    r.add_argument("--scope", default="")
    r.add_argument("--loss", type=int, default=0)
    r.add_argument("--rate", default="")
    r.add_argument("--cap", type=float)
    r.add_argument("--packets", type=int)
    r.add_argument("--timev")
    r.add_argument("--samples")
    r.add_argument("--result")
    r.add_argument("--stdout")
    r.add_argument("--stderr")
    r.add_argument("--loss-counters")
    r.add_argument("--no-names", action="store_true")
    r.add_argument("--note", default="")
    wi = sub.add_parser("window")
    wi.add_argument("pcap")
    wi.add_argument("--rate", type=int, required=True)
    wi.add_argument("--tolerance", type=float, default=0.05)
    wi.add_argument("--tcpdump-log")
    r.add_argument("--job-n", type=int)
    ide = sub.add_parser("identity")
    ide.add_argument("compare_output")
    ide.add_argument("--name", required=True)
    ide.add_argument("--nmap-job", type=int, required=True)
    ide.add_argument("--agentscan-job", type=int, required=True)
    t = sub.add_parser("table")
    t.add_argument("jobs")
    t.add_argument("--meta")
    sub.add_parser("self-test")
    a = ap.parse_args(argv)
    return {"sample": cmd_sample, "record": cmd_record, "window": cmd_window,
            "table": cmd_table, "identity": cmd_identity, "self-test": cmd_self_test}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
