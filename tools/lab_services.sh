# shellcheck shell=bash
# tools/lab_services.sh — real services from Debian packages in some lab hosts (`tools/lab up
# --services`): sshd, smbd + nmbd, snmpd and a small HTTP/HTTPS server, configured from
# SERVICE_TABLE (tools/lab) and described, field by field, in DIR/identity.json.
# Sourced by tools/lab; uses its helpers (die, log, now_ms, table_rows) and LAB_* variables.
#
# Everything a service writes lives under DIR/svc/ID, with these exceptions the packages force:
#   /etc/netns/PREFIX-ID/{hosts,resolv.conf}   bind-mounted by `ip netns exec` over /etc for that
#       namespace only: Samba takes its DNS name from the host name's canonical name, which
#       /etc/hosts gives; removed by `down` with the scanner's /etc/netns directory.
#   /run/sshd   sshd's privilege-separation directory (openssh-server's own; created if
#       missing, never removed: the package owns it).
# smbd and nmbd run in their own UTS namespace (`unshare --uts`) whose host name is the
# lab host's short name, so NTLMSSP names the lab host and not this machine.

# TCP ports a service answers on (its deploy channel in parentheses, if any):
#   ssh 22 (ssh)   smb 139,445 (smb) + nmbd 137/udp   snmp 161/udp   http 80   https 443
svc_tcp_ports() {  # svc_tcp_ports SERVICES -> ports, ","-separated
    local s out=""
    local -a arr
    IFS=, read -r -a arr <<<"$1"
    for s in "${arr[@]}"; do
        case $s in
            ssh) out+=",22" ;; smb) out+=",139,445" ;; http) out+=",80" ;; https) out+=",443" ;;
            snmp) ;;
            *) die "service table: unknown service '$s'" ;;
        esac
    done
    echo "${out#,}"
}

svc_rows() { grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' <<<"$SERVICE_TABLE"; }

# svc_of ID: sets SVC, SVC_NB, SVC_WG from the host's SERVICE_TABLE row; returns 1 if none.
svc_of() {
    local id svc nb wg
    SVC="" SVC_NB="" SVC_WG=""
    while read -r id svc nb wg; do
        [[ $id == "$1" ]] || continue
        SVC=$svc SVC_NB=$nb SVC_WG=$wg
        return 0
    done < <(svc_rows)
    return 1
}

# The listen list minus the ports the services answer on ('-' when none is left).
svc_udp_ports() {  # svc_udp_ports SERVICES -> the UDP ports they answer, as PORT/udp
    local s out=""
    local -a arr
    IFS=, read -r -a arr <<<"$1"
    for s in "${arr[@]}"; do
        case $s in smb) out+=",137/udp" ;; snmp) out+=",161/udp" ;; esac
    done
    echo "${out#,}"
}

svc_listen_rest() {  # svc_listen_rest LISTEN SERVICES
    local p rest="" served
    local -a arr
    served=$(svc_tcp_ports "$2"),$(svc_udp_ports "$2")
    IFS=, read -r -a arr <<<"$1"
    for p in "${arr[@]}"; do in_list "$p" "$served" || rest+="${rest:+,}$p"; done
    echo "${rest:--}"
}

validate_services() {
    local id svc nb wg kind hid ip listen rules ptr p found
    while read -r id svc nb wg; do
        [[ -n $wg ]] || die "service table: short row for $id"
        found=0
        while read -r kind hid ip listen _ _ rules ptr; do
            [[ $kind == host && $hid == "$id" ]] || continue
            found=1
            [[ $ptr != - ]] || die "service table: $id needs a PTR name (its services are named after it)"
            for p in $(svc_tcp_ports "$svc" | tr , ' '); do
                in_list "$p" "$listen" || die "service table: $id serves tcp/$p, which its listen column lacks"
            done
            # Without --services aslab-listen answers these too, so the truth is the same.
            for p in $(svc_udp_ports "$svc" | tr , ' '); do
                in_list "$p" "$listen" || die "service table: $id serves $p, which its listen column lacks"
            done
            [[ $rules == - ]] || die "service table: $id has firewall rules; services go on open hosts"
        done < <(table_rows)
        ((found)) || die "service table: no host '$id'"
        if in_list smb "$svc"; then
            [[ $nb =~ ^[A-Z0-9-]{1,15}$ && $wg =~ ^[A-Z0-9-]{1,15}$ ]] ||
                die "service table: $id: NetBIOS name and workgroup must be 1-15 of A-Z 0-9 -"
        fi
    done < <(svc_rows)
}

svc_check_tools() {
    local t
    for t in /usr/sbin/sshd ssh-keygen smbd nmbd snmpd openssl unshare ss; do
        command -v "$t" >/dev/null ||
            die "--services needs $t (apt-get install --no-install-recommends openssh-server samba snmpd openssl)"
    done
}

# A line "key=value" of what the services of ID must be known to say, for write_identity.
svc_note() { printf '%s\t%s\n' "$1" "$2" >>"$SVC_DIR/$3/truth"; }

svc_start() {  # svc_start ID NAME CMD...: a service process, its PID recorded, output logged
    local id=$1 name=$2
    shift 2
    "$@" </dev/null >"$SVC_DIR/$id/$name.out" 2>&1 &
    LAB_PIDS+="${LAB_PIDS:+ }$!"
}

build_services() {  # build_services ID IP PTR
    local id=$1 ip=$2 ptr=$3 ns="$LAB_PREFIX-$1" d="$SVC_DIR/$1" fqdn="$3.$LAB_DOMAIN"
    svc_of "$id" || return 0
    mkdir -p "$d"
    : >"$d/truth"
    mkdir -p "/etc/netns/$ns"
    printf '127.0.0.1\tlocalhost\n%s\t%s %s\n' "$ip" "$fqdn" "$ptr" >"/etc/netns/$ns/hosts"
    printf 'nameserver %s\n' "$DNS_ADDR" >"/etc/netns/$ns/resolv.conf"
    local checks=""
    if in_list ssh "$SVC"; then
        mkdir -p "$d/ssh"
        [[ -d /run/sshd ]] || install -d -m 0755 /run/sshd
        ssh-keygen -q -t ed25519 -N '' -C "$fqdn" -f "$d/ssh/host_ed25519_key"
        cat >"$d/ssh/sshd_config" <<EOF
ListenAddress $ip
HostKey $d/ssh/host_ed25519_key
PidFile $d/ssh/sshd.pid
UsePAM no
PermitRootLogin no
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile none
UseDNS no
EOF
        svc_start "$id" sshd ip netns exec "$ns" /usr/sbin/sshd -D -e -f "$d/ssh/sshd_config"
        checks+=" ssh"
    fi
    if in_list smb "$SVC"; then
        local s="$d/samba"
        mkdir -p "$s"/{run,lock,state,cache,private,log,nmbd}
        cat >"$s/smb.conf" <<EOF
[global]
  workgroup = $SVC_WG
  netbios name = $SVC_NB
  server string = agentscan lab $ptr
  server role = standalone server
  interfaces = $ip/32
  bind interfaces only = yes
  smb ports = 445 139
  disable netbios = no
  server signing = mandatory
  # SMB1 too, so that nmap's smb-os-discovery (an SMB1 script) has something to read.
  server min protocol = NT1
  server max protocol = SMB3_11
  load printers = no
  disable spoolss = yes
  dns proxy = no
  pid directory = $s/run
  lock directory = $s/lock
  state directory = $s/state
  cache directory = $s/cache
  private dir = $s/private
  ncalrpc dir = $s/run/ncalrpc
  nmbd:socket dir = $s/nmbd
  log file = $s/log/%m.log
EOF
        # Own UTS namespace named after the lab host: NTLMSSP's DNS names come from it.
        # shellcheck disable=SC2016  # expanded by the inner sh
        local uts='echo "$1" >/proc/sys/kernel/hostname && shift && exec "$@"'
        svc_start "$id" smbd ip netns exec "$ns" unshare --uts -- sh -c "$uts" sh "$ptr" smbd -F -s "$s/smb.conf"
        svc_start "$id" nmbd ip netns exec "$ns" unshare --uts -- sh -c "$uts" sh "$ptr" nmbd -F -s "$s/smb.conf"
        svc_note netbios_name "$SVC_NB" "$id"
        svc_note netbios_domain "$SVC_WG" "$id"
        svc_note dns_name "$fqdn" "$id"
        svc_note dns_domain "$LAB_DOMAIN" "$id"
        # Samba's NTLMSSP VERSION is a fixed 6.1 build 0 (fingerprints/evidence.h).
        svc_note os_version "6.1.0" "$id"
        svc_note smb_dialect "3.1.1" "$id"
        svc_note smb_signing_required 1 "$id"
        checks+=" smb nbstat:$SVC_NB"
    fi
    if in_list snmp "$SVC"; then
        local descr="Linux $ptr 6.1.0-lab #1 SMP PREEMPT_DYNAMIC Debian x86_64"
        mkdir -p "$d/snmp"
        cat >"$d/snmp/snmpd.conf" <<EOF
agentAddress udp:$ip:161
rocommunity public default
sysDescr $descr
sysName $fqdn
sysObjectID .1.3.6.1.4.1.8072.3.2.10
sysLocation agentscan lab
sysContact lab@$LAB_DOMAIN
sysServices 72
EOF
        # -C: no system snmpd.conf; -I -smux: no SMUX listener on tcp/199; state in the lab dir.
        svc_start "$id" snmpd env SNMP_PERSISTENT_DIR="$d/snmp" MIBS= \
            ip netns exec "$ns" snmpd -f -Lo -C -c "$d/snmp/snmpd.conf" -I -smux -p "$d/snmp/snmpd.pid"
        svc_note snmp_sysdescr "$descr" "$id"
        svc_note snmp_sysname "$fqdn" "$id"
        svc_note snmp_sysobjectid "1.3.6.1.4.1.8072.3.2.10" "$id"
        checks+=" snmp"
    fi
    if in_list http "$SVC" || in_list https "$SVC"; then
        local server="aslab-httpd/1.0" tls_port=0 http_port=0
        in_list http "$SVC" && http_port=80
        if in_list https "$SVC"; then
            tls_port=443
            mkdir -p "$d/tls"
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
                -subj "/O=agentscan lab/CN=$fqdn" \
                -addext "subjectAltName=DNS:$fqdn,DNS:$ptr,IP:$ip" \
                -keyout "$d/tls/key.pem" -out "$d/tls/cert.pem" 2>"$d/tls/openssl.out"
            local subj
            # identity's tls.subject and tls.issuer are the common names (self-signed: one).
            svc_note tls_subject "$fqdn" "$id"
            svc_note tls_issuer "$fqdn" "$id"
            svc_note tls_sans "DNS:$fqdn,DNS:$ptr,IP:$ip" "$id"
            checks+=" https"
        fi
        [[ $http_port != 0 ]] && checks+=" http"
        svc_start "$id" httpd ip netns exec "$ns" python3 -c "$SVC_HTTPD" "$ip" "$http_port" "$tls_port" \
            "$d/tls/cert.pem" "$d/tls/key.pem" "$server"
        svc_note http_server "$server" "$id"
    fi
    SVC_WAIT+=("$id:$ip:${checks# }")
}

# One process serves plain HTTP and HTTPS with a fixed Server header; the TLS handshake runs
# in the connection's thread, so a client that connects and says nothing blocks no one.
SVC_HTTPD='
import http.server, ssl, sys, threading
addr, http_port, tls_port, cert, key, server = sys.argv[1:7]
class Handler(http.server.BaseHTTPRequestHandler):
    timeout = 10
    def version_string(self):
        return server
    def do_GET(self):
        body = b"agentscan lab\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
    do_HEAD = do_GET
    def log_message(self, *args):
        pass
servers = []
if http_port != "0":
    servers.append(http.server.ThreadingHTTPServer((addr, int(http_port)), Handler))
if tls_port != "0":
    t = http.server.ThreadingHTTPServer((addr, int(tls_port)), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    t.socket = ctx.wrap_socket(t.socket, server_side=True, do_handshake_on_connect=False)
    servers.append(t)
for s in servers[1:]:
    threading.Thread(target=s.serve_forever, daemon=True).start()
print("ready", flush=True)
servers[0].serve_forever()
'

# Each service answers its own protocol, asked from the scanner namespace through the router
# (one process for every host: starting python is slow on a busy machine). Arguments: a time
# limit, then ID@ADDR@CHECK items; prints "ID<TAB>ssh<TAB>line" with the SSH identification
# line, the one fact only the running sshd knows.
SVC_PROBE='
import socket, ssl, struct, sys, time
limit, items = float(sys.argv[1]), sys.argv[2:]
deadline = time.monotonic() + limit
def ssh():
    with socket.create_connection((ip, 22), timeout=1) as s:
        line = s.makefile("rb").readline(300).rstrip(b"\r\n").decode()
    if not line.startswith("SSH-"):
        raise OSError("no SSH banner")
    print(f"{host}\tssh\t{line}")
def smb():
    socket.create_connection((ip, 445), timeout=1).close()
def nbstat(name):
    q = struct.pack(">HHHHHH", 0x4153, 0, 1, 0, 0, 0) + b"\x20" + b"CK" + b"A" * 30 + b"\0"
    q += struct.pack(">HH", 0x21, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.5)
        s.sendto(q, (ip, 137))
        r = s.recv(2048)
    if name.encode().ljust(15) not in r:
        raise OSError("NBSTAT without " + name)
def snmp():
    oid = bytes([0x06, 0x08, 0x2b, 6, 1, 2, 1, 1, 1, 0])
    vb = b"\x30\x0c" + oid + b"\x05\x00"
    pdu = b"\x02\x01\x01\x02\x01\x00\x02\x01\x00\x30\x0e" + vb
    msg = b"\x02\x01\x00\x04\x06public\xa0" + bytes([len(pdu)]) + pdu
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.5)
        s.sendto(b"\x30" + bytes([len(msg)]) + msg, (ip, 161))
        if b"\xa2" not in s.recv(2048):
            raise OSError("no SNMP response")
def http(tls):
    s = socket.create_connection((ip, 443 if tls else 80), timeout=1)
    if tls:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        s = ctx.wrap_socket(s)
    with s:
        s.sendall(b"GET / HTTP/1.0\r\n\r\n")
        if not s.recv(200).startswith(b"HTTP/1."):
            raise OSError("no HTTP answer")
for item in items:
    host, ip, c = item.split("@", 2)
    kind, _, arg = c.partition(":")
    while True:
        try:
            {"ssh": ssh, "smb": smb, "snmp": snmp, "http": lambda: http(False),
             "https": lambda: http(True), "nbstat": lambda: nbstat(arg)}[kind]()
            break
        except OSError as e:
            if time.monotonic() > deadline:
                sys.exit(f"{host} {ip} {c}: not ready: {e}")
            time.sleep(0.1)
'

svc_wait_ready() {
    local item id ip checks c out key value
    local -a args=()
    ((${#SVC_WAIT[@]})) || return 0
    for item in "${SVC_WAIT[@]}"; do
        IFS=: read -r id ip checks <<<"$item"
        for c in $checks; do args+=("$id@$ip@$c"); done
    done
    if ! out=$(ip netns exec "$LAB_SCAN_NS" python3 -c "$SVC_PROBE" "$SVC_READY_TIMEOUT_S" "${args[@]}" 2>&1); then
        log "services not ready: $out (logs in $SVC_DIR)"
        return 1
    fi
    while IFS=$'\t' read -r id key value; do
        if [[ -n $key ]]; then printf '%s\t%s\n' "$key" "$value" >>"$SVC_DIR/$id/truth"; fi
    done <<<"$out"
    return 0
}

# identity.json: per live address, what the identity phase must find (null: no service that
# speaks), the deploy channels confirmed by a real service and those only open, and per
# served port whether its protocol answers. Rows come from the host table, so the file
# matches truth.tsv; values from the configurations written above.
write_identity() {
    local kind id ip listen rules ptr p ch sid ssvc
    local -A svc_map=()
    if ((LAB_SERVICES)); then
        while read -r sid ssvc _; do svc_map[$sid]=$ssvc; done < <(svc_rows)
    fi
    {
        while read -r kind id ip listen _ _ rules ptr; do
            [[ $kind == host || $kind == router || $kind == dns ]] || continue
            parse_rules "$rules"
            local served="" svc=${svc_map[$id]-}
            [[ -n $svc ]] && served=$(svc_tcp_ports "$svc")
            for p in "${PORT_LIST[@]}"; do
                port_state "$listen" "$p"
                [[ $ST == open ]] || continue
                deploy_for_port "$p"
                if [[ -n $served ]] && in_list "$p" "$served"; then
                    # SMB is asked on 445, and on 139 only when 445 is not open.
                    if ! [[ $p == 139 ]] || ! in_list 445 "$served"; then
                        printf '%s\tport\t%s\n' "$ip" "$p"
                    fi
                    [[ -n $ch ]] && printf '%s\tconfirmed\t%s\n' "$ip" "$ch"
                elif [[ -n $ch ]]; then
                    printf '%s\topen\t%s\n' "$ip" "$ch"
                fi
            done
            printf '%s\thost\t%s\n' "$ip" "${svc:--}"
            [[ $ptr != - ]] && printf '%s\tptr\t%s\n' "$ip" "$ptr.$LAB_DOMAIN"
            if [[ -n $svc ]]; then sed "s/^/$ip\t/" "$SVC_DIR/$id/truth"; fi
        done < <(table_rows)
    } | python3 -c "$SVC_IDENTITY_JSON" "$(. /etc/os-release 2>/dev/null; echo "${ID-} ${VERSION_ID-}")"
}

deploy_for_port() {  # sets ch to PORT's deploy channel (fingerprints/deploy.tab), "" if none
    ch=$(awk -v p="$1/tcp" '$1 == p { print $2; exit }' "$DEPLOY_TAB")
}

# Assembles identity.json from "ip<TAB>key<TAB>value" lines. The OS verdict follows
# fingerprints/identity.h: SSH names the Debian release (the services run on this machine's
# Debian) and outranks Samba's NTLMSSP and SNMP's "Linux"; the name follows its weights:
# Samba's DNS computer name (smb-dns) when SMB answers, otherwise the PTR name.
SVC_IDENTITY_JSON='
import json, sys
osid = sys.argv[1].split()
hosts = {}
for line in sys.stdin:
    ip, key, value = line.rstrip("\n").split("\t", 2)
    h = hosts.setdefault(ip, {"services": [], "v": {}, "ports": [], "deploy": [], "deploy_open": []})
    if key == "host":
        h["services"] = [] if value == "-" else value.split(",")
    elif key == "port":
        h["ports"].append(int(value))
    elif key == "confirmed":
        h["deploy"].append(value)
    elif key == "open":
        h["deploy_open"].append(value)
    else:
        h["v"][key] = value
out = {}
for ip, h in hosts.items():
    v = h["v"]
    rec = {"services": h["services"], "deploy": sorted(set(h["deploy"])),
           "deploy_open": sorted(set(h["deploy_open"]) - set(h["deploy"])), "identity": None, "ports": {}}
    if h["services"]:
        ssh_line = v.get("ssh")
        ident = {
            "netbios_name": v.get("netbios_name"), "netbios_domain": v.get("netbios_domain"),
            "netbios_users": [], "netbios_mac": None,
            "dns_name": v.get("dns_name"), "dns_domain": v.get("dns_domain"), "dns_forest": None,
            "os_version": v.get("os_version"), "ssh": ssh_line,
            "smb": {"dialect": v["smb_dialect"], "signing_required": v["smb_signing_required"] == "1"}
                   if "smb_dialect" in v else None,
            "snmp": {"sysdescr": v["snmp_sysdescr"], "sysname": v["snmp_sysname"],
                     "sysobjectid": v["snmp_sysobjectid"]} if "snmp_sysdescr" in v else None,
            "tls": {"subject": v["tls_subject"], "sans": v["tls_sans"].split(","),
                    "issuer": v["tls_issuer"]} if "tls_subject" in v else None,
            "http_server": v.get("http_server"),
            "agent_possible": None,
        }
        if ssh_line and len(osid) == 2 and osid[0] == "debian":
            ident["os"] = {"name": f"Debian {osid[1]}", "family": "unix", "source": "ssh", "conflict": None}
        else:
            ident["os"] = {"family": "unix", "conflict": None}
        ident["name"] = {"name": v.get("dns_name") or v.get("ptr"),
                         "source": "smb-dns" if v.get("dns_name") else "ptr"}
        rec["identity"] = ident
        for p in h["ports"]:
            port = {"confirmed": True}
            if p == 22 and ssh_line:
                soft = ssh_line.split("-", 2)[2].split(" ")[0]
                product, _, version = soft.partition("_")
                port.update(product=product, version=version)
            rec["ports"][f"tcp/{p}"] = port
    out[ip] = rec
json.dump(out, sys.stdout, indent=1, sort_keys=True)
print()
'
