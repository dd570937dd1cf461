#!/usr/bin/env python3
"""hostile_services.py — hostile servers for tests/lab/test_identity_hostile.sh: on one address
per behaviour, services that answer agentscan's identity phase with endless, huge, slow or
malformed data. Python stdlib only; certificates are built here in DER and signed by the
openssl CLI.

  hostile_services.py --dir DIR [--lifetime SECONDS] BEHAVIOUR=ADDRESS ...

Prints "ready" once every socket listens, then serves until killed or --lifetime passes (a
bound, so an orphan cannot outlive its test). Every TCP connection and UDP datagram is
logged to DIR/log.jsonl: {"svc", "proto", "addr", "port", "peer", "t0", "t1", "sent", "end"}.
Behaviours (agentscan picks the protocol by port number, hence one address each):

  ssh-endless   22   banner lines forever, never an "SSH-" line
  ssh-slow      22   "SSH-2.0-Slowloris_6.6\\r\\n" repeated, one byte per second
  http-bighead  80   a 1 MiB header line, then "Server: BigHead/1.0", then header bytes forever
  http-ctrl     80   a 4 KiB Server header with ANSI escapes, BEL, DEL, bytes over 0x7f
  smb-offsets   445  NEGOTIATE fine; CHALLENGE target info past the end of the message
                139  (after the NetBIOS session) CHALLENGE target name running past the end
  smb-avpairs   445  CHALLENGE whose first AV pair claims 65535 bytes
                139  CHALLENGE whose AV pair runs past TargetInfoFields (into a name)
  smb-version   445, 139  CHALLENGE with VERSION 255.255 build 65535, no names
  smb-badneg    445  a session header claiming 16 MiB, then garbage forever
                139  a NEGOTIATE response cut after its StructureSize
  rdp-tpkt      3389 TPKT claiming 65535 bytes, 7 sent, then silence
  rdp-neg       3389 Connection Confirm whose RDP_NEG_RSP claims length 65535
  rdp-li        3389 Connection Confirm whose X.224 length indicator runs past the packet
  tls-absurd    443  certificate: 4 KiB CN, 500 SANs (some with NUL and control bytes),
                     notBefore year 1, notAfter year 9999
  tls-nulcn     443  certificate: CN "trusted.example\\0.evil.example" plus escapes; the same
                     trick in a SAN
  tls-huge      443  certificate of 6000 SANs (about 180 KB)
  nbstat-count  udp 137  node status answer with name count 255 and 3 names
  nbstat-ctrl   udp 137  a well-formed answer whose names hold ESC and DEL
  snmp-ber      udp 161  four SNMP responses with broken BER lengths, request id echoed
  silent        22 80 139 443 445 3389 5985 5986, udp 137 161: accepts, never sends
"""
import json
import os
import select
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time

LOCK = threading.Lock()
LOG = None
MARK = "HOSTILE"        # every name a hostile server offers contains it


def log(**kw):
    with LOCK:
        LOG.write(json.dumps(kw) + "\n")
        LOG.flush()


# ---- DER, for certificates and SPNEGO -------------------------------------------------

def der(tag, body):
    n = len(body)
    if n < 0x80:
        ln = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        ln = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + ln + body


def seq(*parts):
    return der(0x30, b"".join(parts))


def oid(dotted):
    a = [int(x) for x in dotted.split(".")]
    out = bytes([a[0] * 40 + a[1]])
    for v in a[2:]:
        enc = [v & 0x7F]
        v >>= 7
        while v:
            enc.append(0x80 | (v & 0x7F))
            v >>= 7
        out += bytes(reversed(enc))
    return der(0x06, out)


def name(*rdns):
    return seq(*[der(0x31, seq(oid(o), der(0x0C, v))) for o, v in rdns])


CN, ORG = "2.5.4.3", "2.5.4.10"
ECDSA_SHA256 = seq(oid("1.2.840.10045.4.3.2"))


def make_cert(d, tag, subject, sans, not_before, not_after):
    """Self-signed EC certificate with whatever fields we like (openssl req refuses a CN
    over 64 characters and cannot put a NUL in one): TBS built here, signed by openssl."""
    if not os.path.exists(os.path.join(d, "ec.key")):
        subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-out", os.path.join(d, "ec.key")],
                       check=True, capture_output=True)
    key = os.path.join(d, "ec.key")
    spki = subprocess.run(["openssl", "pkey", "-in", key, "-pubout", "-outform", "DER"],
                          check=True, capture_output=True).stdout
    gn = b"".join(der(0x82, s) if isinstance(s, bytes) else der(0x87, socket.inet_aton(s[1]))
                  for s in sans)
    exts = der(0xA3, seq(seq(oid("2.5.29.17"), der(0x04, seq(gn)))))
    tbs = seq(der(0xA0, der(0x02, b"\x02")), der(0x02, b"\x1f\x00\x0d"), ECDSA_SHA256, subject,
              seq(der(0x18, not_before), der(0x18, not_after)), subject, spki, exts)
    tbs_path = os.path.join(d, tag + ".tbs")
    with open(tbs_path, "wb") as f:
        f.write(tbs)
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key, tbs_path],
                         check=True, capture_output=True).stdout
    cert = seq(tbs, ECDSA_SHA256, der(0x03, b"\x00" + sig))
    pem = os.path.join(d, tag + ".pem")
    subprocess.run(["openssl", "x509", "-inform", "DER", "-out", pem], input=cert, check=True,
                   capture_output=True)
    with open(os.path.join(d, tag + ".der"), "wb") as f:
        f.write(cert)
    return pem, key


def certs(d):
    big_cn = ("a" * 4000 + ".%s.example" % MARK.lower()).encode()
    sans = []
    for i in range(500):
        if i % 50 == 7:
            sans.append(b"san-%d.trusted.example\x00.evil.example" % i)
        elif i % 50 == 9:
            sans.append(b"\x1b[31msan-%d\x07\x7f.example" % i)
        elif i % 50 == 11:
            sans.append(("ip", "198.18.255.%d" % (i % 250)))
        else:
            sans.append(b"san-%d.%s.example" % (i, MARK.lower().encode()))
    absurd = make_cert(d, "absurd", name((CN, big_cn), (ORG, b"Hostile\x00Org\x1b[0m")), sans,
                       b"00010101000000Z", b"99991231235959Z")
    nul = make_cert(d, "nulcn",
                    name((CN, b"trusted.example\x00.evil.example\x1b]0;pwned\x07\x1b[2J")),
                    [b"trusted.example\x00.evil.example"], b"20250101000000Z",
                    b"20350101000000Z")
    huge = make_cert(d, "huge", name((CN, b"huge.hostile.example")),
                     [b"s%05d.huge-san-list.hostile.example" % i for i in range(6000)],
                     b"20250101000000Z", b"20350101000000Z")
    return {"tls-absurd": absurd, "tls-nulcn": nul, "tls-huge": huge}


# ---- connection helpers ------------------------------------------------------------

class Conn:
    def __init__(self, sock, svc, addr, port, peer):
        self.s, self.svc, self.addr, self.port, self.peer = sock, svc, addr, port, peer
        self.t0, self.sent, self.end, self.got = time.time(), 0, "served", b""
        sock.settimeout(1.0)

    def closed(self, wait=0.0):
        """True once the peer has closed (reading and discarding what it sends)."""
        try:
            r, _, _ = select.select([self.s], [], [], wait)
            if r:
                b = self.s.recv(65536)
                if not b:
                    return True
                self.got += b[:4096]
        except OSError:
            return True
        return False

    def send(self, data):
        """Sends data; False once the peer is gone."""
        view = memoryview(data)
        while view:
            try:
                n = self.s.send(view)
            except socket.timeout:
                if self.closed():
                    return False
                continue
            except OSError:
                return False
            self.sent += n
            view = view[n:]
        return True

    def recv_exact(self, n, deadline=10.0):
        end = time.time() + deadline
        while len(self.got) < n and time.time() < end:
            try:
                b = self.s.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return None
            if not b:
                return None
            self.got += b
        if len(self.got) < n:
            return None
        out, self.got = self.got[:n], self.got[n:]
        return out

    def hold(self):
        """Sends nothing more; waits for the peer to give up."""
        while not self.closed(1.0):
            pass
        self.end = "peer closed"

    def done(self):
        log(svc=self.svc, proto="tcp", addr=self.addr, port=self.port, peer=self.peer,
            t0=round(self.t0, 3), t1=round(time.time(), 3), sent=self.sent, end=self.end)
        try:
            self.s.close()
        except OSError:
            pass


def endless(c, chunk):
    while c.send(chunk):
        pass
    c.end = "peer closed"


# ---- SSH, HTTP ---------------------------------------------------------------------

def ssh_endless(c):
    lines = b"".join(b"Welcome to the endless banner, line %06d, still no identification\r\n"
                     % i for i in range(1000))
    endless(c, lines)


def ssh_slow(c):
    text = b"SSH-2.0-Slowloris_6.6 " + MARK.encode() + b"\r\n"
    i = 0
    while True:
        if not c.send(text[i % len(text):i % len(text) + 1]):
            break
        i += 1
        if c.closed(1.0):
            break
    c.end = "peer closed"


def read_head(c, limit=3.0):
    end = time.time() + limit
    while b"\r\n\r\n" not in c.got and b"\n\n" not in c.got and time.time() < end:
        if c.closed(0.2):
            return False
    return True


def http_bighead(c):
    if not read_head(c):
        return
    if not c.send(b"HTTP/1.1 200 OK\r\nX-Big: " + b"A" * (1 << 20) + b"\r\nServer: BigHead/1.0 " +
                  MARK.encode() + b"\r\nX-More: "):
        c.end = "peer closed"
        return
    endless(c, b"B" * 65536)


def http_ctrl(c):
    if not read_head(c):
        return
    server = (b"\x1b[2J\x1b[31mHostileWeb/6.6\x07\x7f\x1b]0;owned\x07 \xc3\xa9\xff\x80 " +
              b"C" * 4096)
    c.send(b"HTTP/1.1 200 OK\r\nServer: " + server + b"\r\nContent-Type: text/html\x1b[0m\r\n"
           b"Content-Length: 0\r\n\r\n")
    c.hold()


# ---- SMB2 and NTLMSSP --------------------------------------------------------------

def smb2_hdr(cmd, status, msg_id, session=0):
    return (b"\xfeSMB" + struct.pack("<HHIHHII", 64, 1, status, cmd, 1, 1, 0) +
            struct.pack("<QIIQ", msg_id, 0xFEFF, 0, session) + b"\0" * 16)


def frame(msg):
    return struct.pack(">I", len(msg))


def nbss(msg):
    return frame(msg) + msg


def negotiate_resp(msg_id):
    body = struct.pack("<HHHH", 65, 1, 0x0210, 0) + b"H0ST1LE-GUID-000" + \
        struct.pack("<IIIIQQHHI", 7, 65536, 65536, 65536, 133800000000000000, 0, 128, 0, 0) + b"\0"
    return nbss(smb2_hdr(0, 0, msg_id) + body)


NTLM_FLAGS = 0xE28A8215     # Unicode, target, NTLM, ESS, target info, VERSION, 128, 56


def u16(s):
    return s.encode("utf-16-le")


def av(i, v):
    return struct.pack("<HH", i, len(v)) + v


def challenge(tn, ti, payload, version=b"\x0a\x00\x63\x45\x00\x00\x00\x0f"):
    """tn, ti: (len, maxlen, offset) of TargetName/TargetInfo; payload starts at 56."""
    return (b"NTLMSSP\0" + struct.pack("<I", 2) + struct.pack("<HHI", *tn) +
            struct.pack("<I", NTLM_FLAGS) + b"\x01\x23\x45\x67\x89\xab\xcd\xef" + b"\0" * 8 +
            struct.pack("<HHI", *ti) + version + payload)


def ntlm_variant(svc, port):
    names = av(2, u16(MARK + "-DOM")) + av(1, u16(MARK + "-PC")) + \
        av(4, u16(MARK.lower() + ".example")) + av(3, u16(MARK.lower() + "-pc.example")) + av(0, b"")
    tname = u16(MARK + "-DOM")
    if svc == "smb-offsets" and port == 445:     # target info 4 GiB away
        p = tname + names
        return challenge((len(tname), len(tname), 56), (len(names), len(names), 0xFFFFFF00), p)
    if svc == "smb-offsets":                     # target name longer than the message
        p = tname + names
        return challenge((0xFFF0, 0xFFF0, 56), (len(names), len(names), 56 + len(tname)), p)
    if svc == "smb-avpairs" and port == 445:     # the first pair claims 65535 bytes
        p = struct.pack("<HH", 1, 0xFFFF) + u16(MARK + "-AV") + av(0, b"")
        return challenge((0, 0, 56), (len(p), len(p), 56), p)
    if svc == "smb-avpairs":                     # the pair runs past TargetInfoFields
        p = struct.pack("<HH", 3, 40) + u16(MARK.lower() + "-av2.example")
        return challenge((0, 0, 56), (4, 4, 56), p)
    # smb-version: VERSION 255.255 build 65535, revision 255, no names at all
    p = av(0, b"")
    return challenge((0, 0, 56), (len(p), len(p), 56), p, b"\xff\xff\xff\xff\0\0\0\xff")


def spnego_resp(ntlm):
    return der(0xA1, seq(der(0xA0, der(0x0A, b"\x01")),
                         der(0xA1, oid("1.3.6.1.4.1.311.2.2.10")),
                         der(0xA2, der(0x04, ntlm))))


def session_setup_resp(msg_id, ntlm):
    blob = spnego_resp(ntlm)
    body = struct.pack("<HHHH", 9, 0, 64 + 8, len(blob)) + blob
    return nbss(smb2_hdr(1, 0xC0000016, msg_id, 0x0000400000000051) + body)


def smb(c):
    if c.svc == "smb-badneg" and c.port == 445:
        if c.recv_exact(4) is None:
            return
        c.send(b"\x00\xff\xff\xff\xfeSMB")
        endless(c, bytes(range(256)) * 256)
        return
    while True:
        h = c.recv_exact(4)
        if h is None:
            c.end = "peer closed"
            return
        n = int.from_bytes(h[1:], "big")
        msg = c.recv_exact(n) if n else b""
        if msg is None:
            c.end = "peer closed"
            return
        if h[0] == 0x81:                        # NetBIOS session request (139)
            c.send(b"\x82\0\0\0")
            continue
        if msg[:4] == b"\xffSMB":               # SMB1 multi-protocol negotiate
            c.send(negotiate_resp(0))
            continue
        if msg[:4] != b"\xfeSMB" or len(msg) < 64:
            c.end = "not SMB2"
            return
        cmd, msg_id = struct.unpack_from("<H", msg, 12)[0], struct.unpack_from("<Q", msg, 24)[0]
        if cmd == 0 and c.svc == "smb-badneg":  # cut after StructureSize
            c.send(nbss(smb2_hdr(0, 0, msg_id) + struct.pack("<H", 65)))
            c.hold()
            return
        if cmd == 0:
            c.send(negotiate_resp(msg_id))
        elif cmd == 1:
            c.send(session_setup_resp(msg_id, ntlm_variant(c.svc, c.port)))
            c.hold()
            return
        else:
            c.end = "SMB2 command %d" % cmd
            return


# ---- RDP ---------------------------------------------------------------------------

def rdp(c):
    h = c.recv_exact(4)
    if h is None or h[0] != 3:
        return
    if c.recv_exact(max(0, int.from_bytes(h[2:4], "big") - 4)) is None:
        return
    if c.svc == "rdp-tpkt":
        c.send(b"\x03\x00\xff\xff\x0e\xd0\x00")
    elif c.svc == "rdp-neg":
        c.send(b"\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00" + b"\x02\x1f\xff\xff\x02\0\0\0")
    else:   # rdp-li: length indicator 254 in a 19-byte packet
        c.send(b"\x03\x00\x00\x13\xfe\xd0\x00\x00\x12\x34\x00" + b"\x02\x1f\x08\x00\x02\0\0\0")
    c.hold()


# ---- TLS ---------------------------------------------------------------------------

def tls(c, ctx):
    try:
        c.s.settimeout(10.0)
        t = ctx.wrap_socket(c.s, server_side=True)
    except (OSError, ssl.SSLError) as e:
        c.end = "handshake: %s" % e.__class__.__name__
        return
    c.s = t
    c.sent = -1     # unknown under TLS
    t.settimeout(1.0)
    try:
        read_head(c)
        t.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
    except (OSError, ssl.SSLError):
        pass
    c.hold()


# ---- UDP ---------------------------------------------------------------------------

def nb_entry(n, suffix, flags):
    return n.ljust(15, b" ")[:15] + bytes([suffix]) + struct.pack(">H", flags)


def nbstat_reply(svc, q):
    xid = q[:2] if len(q) >= 2 else b"\0\0"
    if svc == "nbstat-count":
        names = [nb_entry(MARK.encode() + b"-NB", 0, 0x0400),
                 nb_entry(MARK.encode() + b"-WG", 0, 0x8400),
                 nb_entry(MARK.encode() + b"-NB", 0x20, 0x0400)]
        count = 255
    else:
        names = [nb_entry(b"\x1b[31mEVIL\x7f", 0, 0x0400), nb_entry(b"WG\x1b[0m\x07", 0, 0x8400),
                 nb_entry(b"\x1b]0;x\x07USR", 3, 0x0400)]
        count = 3
    rdata = bytes([count]) + b"".join(names) + b"\x02\x00\x00\x0b\x0e\x0d" + b"\0" * 40
    qname = b"\x20CK" + b"AA" * 15 + b"\x00"
    return (xid + b"\x84\x00" + struct.pack(">HHHH", 0, 1, 0, 0) + qname +
            struct.pack(">HHIH", 0x21, 1, 0, len(rdata)) + rdata)


def ber_len_at(b, i):
    """(length, index of content) of the TLV at i, or None."""
    if i + 2 > len(b):
        return None
    n = b[i + 1]
    if n < 0x80:
        return n, i + 2
    k = n & 0x7F
    if k == 0 or k > 4 or i + 2 + k > len(b):
        return None
    return int.from_bytes(b[i + 2:i + 2 + k], "big"), i + 2 + k


def snmp_reqid(q):
    """The request id TLV of a v1/v2c request: SEQUENCE{version, community, PDU{reqid...}}."""
    try:
        _, i = ber_len_at(q, 0)                 # message SEQUENCE
        ln, j = ber_len_at(q, i)                # version
        i = j + ln
        ln, j = ber_len_at(q, i)                # community
        i = j + ln
        _, i = ber_len_at(q, i)                 # PDU
        ln, j = ber_len_at(q, i)                # request-id
        return q[i:j + ln]
    except TypeError:
        return b"\x02\x01\x01"


SYSNAME = "1.3.6.1.2.1.1.5.0"
SYSDESCR = "1.3.6.1.2.1.1.1.0"


def snmp_replies(q):
    rid = snmp_reqid(q)
    name = (MARK + "-SNMP").encode()
    vb_ok = seq(oid(SYSNAME), der(0x04, name))
    pdu_tail = der(0x02, b"\0") + der(0x02, b"\0")
    good = lambda vbl: seq(der(0x02, b"\x01"), der(0x04, b"public"),
                           der(0xA2, rid + pdu_tail + seq(vbl)))
    out = []
    # 1. the outer SEQUENCE claims 2 GiB
    m = good(vb_ok)
    out.append(b"\x30\x84\x7f\xff\xff\xff" + m[2:] if m[1] < 0x80 else m)
    # 2. the community claims 200 bytes, 6 follow
    body = der(0x02, b"\x01") + b"\x04\x81\xc8public" + der(0xA2, rid + pdu_tail + seq(vb_ok))
    out.append(der(0x30, body))
    # 3. sysName's OCTET STRING claims 4096 bytes inside a well-framed message
    vb_bad = seq(oid(SYSNAME), b"\x04\x82\x10\x00" + name)
    out.append(good(vb_bad))
    # 4. a length of nine length octets, and sysDescr after it
    vb_9 = seq(oid(SYSDESCR), b"\x04\x89\x01\x00\x00\x00\x00\x00\x00\x00\x10" + name)
    out.append(good(vb_9))
    return out


def udp_server(svc, addr, port, sock):
    while True:
        q, peer = sock.recvfrom(2048)
        t0 = time.time()
        sent = 0
        if svc.startswith("nbstat"):
            r = nbstat_reply(svc, q)
            sent += sock.sendto(r, peer)
        elif svc == "snmp-ber":
            for r in snmp_replies(q):
                sent += sock.sendto(r, peer)
        log(svc=svc, proto="udp", addr=addr, port=port, peer=peer[0], t0=round(t0, 3),
            t1=round(time.time(), 3), sent=sent, end="answered" if sent else "ignored",
            got=len(q))


# ---- wiring ------------------------------------------------------------------------

TCP = {
    "ssh-endless": {22: ssh_endless}, "ssh-slow": {22: ssh_slow},
    "http-bighead": {80: http_bighead}, "http-ctrl": {80: http_ctrl},
    "smb-offsets": {445: smb, 139: smb}, "smb-avpairs": {445: smb, 139: smb},
    "smb-version": {445: smb, 139: smb}, "smb-badneg": {445: smb, 139: smb},
    "rdp-tpkt": {3389: rdp}, "rdp-neg": {3389: rdp}, "rdp-li": {3389: rdp},
    "tls-absurd": {443: tls}, "tls-nulcn": {443: tls}, "tls-huge": {443: tls},
    "silent": {p: Conn.hold for p in (22, 80, 139, 443, 445, 3389, 5985, 5986)},
}
UDP = {"nbstat-count": [137], "nbstat-ctrl": [137], "snmp-ber": [161], "silent": [137, 161]}


def serve_conn(sock, svc, addr, port, peer, fn, ctx):
    c = Conn(sock, svc, addr, port, peer)
    try:
        if ctx is not None:
            fn(c, ctx)
        else:
            fn(c)
    except Exception as e:      # a hostile server must not die of its own client
        c.end = "error: %r" % e
    finally:
        c.done()


def accept_loop(ls, svc, addr, port, fn, ctx):
    while True:
        s, peer = ls.accept()
        threading.Thread(target=serve_conn, args=(s, svc, addr, port, peer[0], fn, ctx),
                         daemon=True).start()


def main(argv):
    global LOG
    d, lifetime, pairs = None, 900.0, []
    it = iter(argv)
    for a in it:
        if a == "--dir":
            d = next(it)
        elif a == "--lifetime":
            lifetime = float(next(it))
        elif "=" in a:
            pairs.append(a.split("=", 1))
        else:
            sys.exit(__doc__)
    if not d or not pairs:
        sys.exit(__doc__)
    for svc, _ in pairs:
        if svc not in TCP and svc not in UDP:
            sys.exit("unknown behaviour %s" % svc)
    LOG = open(os.path.join(d, "log.jsonl"), "a")
    ctxs = {}
    if any(s.startswith("tls-") for s, _ in pairs):
        for svc, (pem, key) in certs(d).items():
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.minimum_version = ssl.TLSVersion.TLSv1
            ctx.set_ciphers("ALL:@SECLEVEL=0")
            ctx.load_cert_chain(pem, key)
            ctxs[svc] = ctx
    for svc, addr in pairs:
        for port, fn in TCP.get(svc, {}).items():
            ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            ls.bind((addr, port))
            ls.listen(64)
            threading.Thread(target=accept_loop, args=(ls, svc, addr, port, fn, ctxs.get(svc)),
                             daemon=True).start()
        for port in UDP.get(svc, []):
            us = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            us.bind((addr, port))
            threading.Thread(target=udp_server, args=(svc, addr, port, us), daemon=True).start()
    print("ready", flush=True)
    time.sleep(lifetime)
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
