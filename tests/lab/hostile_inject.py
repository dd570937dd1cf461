#!/usr/bin/env python3
"""hostile_inject.py — a hostile network for tests/lab/test_hostile.sh: from the router
namespace, sends frames to the scanner that answer probes it never sent.

  hostile_inject.py IFACE DST_MAC SRC_MAC SCANNER_IP MODE [ARGS]
    spoof SRC_PREFIX        SYN/ACKs, RSTs, echo replies with wrong cookies, each 100 times,
                            from SRC_PREFIX.200-.209 and from outside the target set
    garbage SRC_PREFIX      ICMP errors quoting garbage, truncated and oversized quoted
                            headers, looping/overlong TCP options, IP fragments, bad checksums
    flood SRC_PREFIX PPS SECONDS   wrong-cookie SYN/ACKs at PPS for SECONDS (bounded)
    replay PCAP             resend the frames of an earlier capture (pcap, Ethernet)

AS_INJECT_PORT=P aims at the scanner's source ports P..P+47 (else 32768-60999).
Every source address is in 198.18.0.0/15; frames go only out of IFACE (the router's
scanner-facing veth, inside the lab). Prints the number of frames sent.
"""
import os
import random
import socket
import struct
import sys
import time


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ip4(a):
    return socket.inet_aton(a)


def ip_hdr(src, dst, proto, payload_len, ident=0, flags_frag=0x4000, ihl_opts=b"", ttl=64, bad=False):
    ihl = 5 + len(ihl_opts) // 4
    h = struct.pack("!BBHHHBBH4s4s", (4 << 4) | ihl, 0, ihl * 4 + payload_len, ident, flags_frag,
                    ttl, proto, 0, ip4(src), ip4(dst)) + ihl_opts
    c = csum(h)
    if bad:
        c ^= 0x5A5A
    return h[:10] + struct.pack("!H", c) + h[12:]


def tcp_seg(src, dst, sport, dport, seq, ack, flags, opts=b"", bad=False, win=64240):
    off = 5 + (len(opts) + 3) // 4
    opts = opts + b"\0" * ((4 - len(opts) % 4) % 4)
    t = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, win, 0, 0) + opts
    ph = ip4(src) + ip4(dst) + struct.pack("!BBH", 0, 6, len(t))
    c = csum(ph + t)
    if bad:
        c ^= 0x1234
    return t[:16] + struct.pack("!H", c) + t[18:]


def tcp_pkt(src, dst, sport, dport, seq, ack, flags, opts=b"", bad_tcp=False, bad_ip=False, frag=0x4000):
    t = tcp_seg(src, dst, sport, dport, seq, ack, flags, opts, bad_tcp)
    return ip_hdr(src, dst, 6, len(t), random.randrange(65536), frag, bad=bad_ip) + t


def icmp_pkt(src, dst, typ, code, rest, body, bad=False):
    h = struct.pack("!BBH", typ, code, 0) + rest + body
    c = csum(h)
    if bad:
        c ^= 0x0F0F
    h = h[:2] + struct.pack("!H", c) + h[4:]
    return ip_hdr(src, dst, 1, len(h), random.randrange(65536)) + h


class Out:
    def __init__(self, iface, dst_mac, src_mac):
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        self.s.bind((iface, 0))
        self.eth = bytes.fromhex(dst_mac.replace(":", "")) + bytes.fromhex(src_mac.replace(":", "")) + b"\x08\x00"
        self.n = 0

    def ip(self, pkt, times=1):
        for _ in range(times):
            self.s.send(self.eth + pkt)
            self.n += 1

    def frame(self, f):
        self.s.send(f)
        self.n += 1


SYNACK, RST, ACK = 0x12, 0x04, 0x10
# The scanner's source ports: all it may use, or (AS_INJECT_PORT, for a scan with a known
# --seed) exactly its own range, so that every forged reply meets the cookie check.
_base = int(os.environ.get("AS_INJECT_PORT", "0"))
SCAN_PORTS = range(_base, _base + 48) if _base else range(32768, 61000)


def sources(prefix):
    inside = ["%s.%d" % (prefix, 200 + i) for i in range(10)]
    outside = ["198.18.%d.%d" % (240 + i, 7) for i in range(3)]
    return inside + outside


def spoof(o, scanner, prefix):
    for src in sources(prefix):
        for _ in range(20):
            dport = random.choice(SCAN_PORTS)
            sport = random.choice([22, 80, 443, 445, 3389])
            seq, ack = random.getrandbits(32), random.getrandbits(32)
            o.ip(tcp_pkt(src, scanner, sport, dport, seq, ack, SYNACK, b"\x02\x04\x05\xb4"), 100)
            o.ip(tcp_pkt(src, scanner, 80, dport, 0, ack, RST | ACK), 100)
        for _ in range(10):
            rest = struct.pack("!HH", random.getrandbits(16), random.getrandbits(16))
            o.ip(icmp_pkt(src, scanner, 0, 0, rest, b"\0" * 8), 100)


def garbage(o, scanner, prefix):
    for src in sources(prefix):
        for _ in range(20):
            dport = random.choice(SCAN_PORTS)
            # ICMP unreachable quoting: random bytes; a truncated quoted header (IHL 15, 8
            # bytes there); an oversized one (total length 65535, IHL 15, options garbage);
            # a well-formed quote of a probe we "sent" from our port with a wrong sequence.
            o.ip(icmp_pkt(src, scanner, 3, random.randrange(16), b"\0" * 4, os.urandom(random.randrange(0, 60))))
            o.ip(icmp_pkt(src, scanner, 3, 3, b"\0" * 4, b"\x4f" + os.urandom(7)))
            q = struct.pack("!BBHHHBBH4s4s", 0x4F, 0, 65535, 1, 0, 64, 6, 0, ip4(scanner), ip4(src)) + os.urandom(40)
            o.ip(icmp_pkt(src, scanner, 3, 13, b"\0" * 4, q + os.urandom(8)))
            q = ip_hdr(scanner, src, 6, 20) + struct.pack("!HHI", dport, 80, random.getrandbits(32))
            o.ip(icmp_pkt(src, scanner, 3, 1, b"\0" * 4, q))
            o.ip(icmp_pkt(src, scanner, 11, 0, b"\0" * 4, q, bad=True))
            # TCP options that loop (length 0, length 1) or run past the header
            for opts in (b"\x02\x00\x05\xb4", b"\x08\x01" + b"\x01" * 10, b"\x03\x40\x07", b"\x05\xff" + os.urandom(30)):
                o.ip(tcp_pkt(src, scanner, 80, dport, random.getrandbits(32), random.getrandbits(32), SYNACK, opts))
            # a data offset past the end, an IHL below 5
            t = tcp_pkt(src, scanner, 80, dport, 1, 2, SYNACK)
            o.ip(t[:20] + t[20:32] + bytes([0xF0]) + t[33:])
            o.ip(bytes([0x43]) + t[1:])
            # fragments: first with MF, a middle one, and bad checksums
            o.ip(tcp_pkt(src, scanner, 80, dport, 1, 2, SYNACK, frag=0x2000))
            o.ip(tcp_pkt(src, scanner, 80, dport, 1, 2, SYNACK, frag=0x0003))
            o.ip(tcp_pkt(src, scanner, 22, dport, 1, 2, SYNACK, bad_ip=True))
            o.ip(tcp_pkt(src, scanner, 22, dport, 1, 2, SYNACK, bad_tcp=True))


def flood(o, scanner, prefix, pps, seconds):
    pkts = []
    for _ in range(2048):
        src = "%s.%d" % (prefix, random.randrange(1, 255))
        pkts.append(tcp_pkt(src, scanner, random.choice([22, 80, 443]), random.choice(SCAN_PORTS),
                            random.getrandbits(32), random.getrandbits(32), SYNACK, b"\x02\x04\x05\xb4"))
    end = time.monotonic() + min(seconds, 120)
    start = time.monotonic()
    i = 0
    while time.monotonic() < end:
        for _ in range(100):
            o.ip(pkts[i % len(pkts)])
            i += 1
        ahead = i / pps - (time.monotonic() - start)
        if ahead > 0:
            time.sleep(ahead)


def replay(o, path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    linktype = struct.unpack(end + "I", data[20:24])[0]
    if linktype != 1:
        sys.exit("replay: want an Ethernet capture, got link type %d" % linktype)
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(end + "IIII", data[off:off + 16])
        off += 16
        frame = data[off:off + incl]
        off += incl
        if len(frame) > 34 and frame[12:14] == b"\x08\x00":
            src = socket.inet_ntoa(frame[26:30])
            if src.startswith("198.18.") or src.startswith("198.19."):
                o.frame(frame)


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    iface, dst_mac, src_mac, scanner, mode = sys.argv[1:6]
    args = sys.argv[6:]
    o = Out(iface, dst_mac, src_mac)
    if mode == "spoof":
        spoof(o, scanner, args[0])
    elif mode == "garbage":
        garbage(o, scanner, args[0])
    elif mode == "flood":
        flood(o, scanner, args[0], float(args[1]), float(args[2]))
    elif mode == "replay":
        replay(o, args[0])
    else:
        sys.exit("unknown mode " + mode)
    print(o.n)


if __name__ == "__main__":
    main()
