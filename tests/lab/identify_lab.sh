#!/usr/bin/env bash
# identify_lab.sh — the identity phase against real Debian servers (smbd, nmbd, sshd, snmpd,
# xrdp, python3 http.server) in one namespace, agentscan in another; 198.18.77.0/24 only,
# everything torn down on exit. Prints the identity row, the evidence and the port verdicts.
#
#   [asid-cli 198.18.77.1] --veth-- [asid-srv 198.18.77.2: 22 80 137 139 161 445 3389]
#
# Usage (root, after a build): tests/lab/identify_lab.sh [agentscan scan flags...]
# Needs: samba openssh-server snmpd xrdp (not in tools/setup).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${AS_BUILD_DIR:-$SRC/build}
W=$(mktemp -d /tmp/asid.XXXXXX)
SRV=asid-srv-$$ CLI=asid-cli-$$
pids=()
cleanup() {
  trap "" TERM INT   # smbd signals its process group when it stops
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  ip netns pids $SRV 2>/dev/null | xargs -r kill 2>/dev/null || true
  ip netns del $SRV 2>/dev/null || true
  ip netns del $CLI 2>/dev/null || true
  rm -rf "$W"
}
trap cleanup EXIT
ip netns add $SRV; ip netns add $CLI
ip link add asid-c$$ netns $CLI type veth peer name asid-s$$ netns $SRV
ip -n $SRV addr add 198.18.77.2/24 dev asid-s$$; ip -n $SRV link set asid-s$$ up; ip -n $SRV link set lo up
ip -n $CLI addr add 198.18.77.1/24 dev asid-c$$; ip -n $CLI link set asid-c$$ up; ip -n $CLI link set lo up
mkdir -p $W/samba/{run,lock,state,cache,private,log} $W/ssh $W/www /run/sshd
cat > $W/smb.conf <<CONF
[global]
  workgroup = AGENTLAB
  netbios name = IDHOST
  server string = agentscan test
  server role = standalone server
  interfaces = 198.18.77.2/24
  bind interfaces only = yes
  pid directory = $W/samba/run
  lock directory = $W/samba/lock
  state directory = $W/samba/state
  cache directory = $W/samba/cache
  private dir = $W/samba/private
  ncalrpc dir = $W/samba/run/ncalrpc
  log file = $W/samba/log/%m.log
  smb ports = 445 139
  disable netbios = no
  server signing = mandatory
  load printers = no
CONF
ip netns exec $SRV smbd -F --no-process-group -s $W/smb.conf </dev/null >$W/samba/log/smbd.out 2>&1 & pids+=($!)
ip netns exec $SRV nmbd -F --no-process-group -s $W/smb.conf </dev/null >$W/samba/log/nmbd.out 2>&1 & pids+=($!)
ssh-keygen -q -t ed25519 -N '' -f $W/ssh/key
printf 'ListenAddress 198.18.77.2\nHostKey %s/ssh/key\nPidFile %s/ssh/pid\nUsePAM no\n' $W $W > $W/ssh/config
ip netns exec $SRV /usr/sbin/sshd -D -f $W/ssh/config & pids+=($!)
printf 'agentAddress udp:198.18.77.2:161\nrocommunity public\nsysName idhost.lab.example\nsysLocation lab\n' > $W/snmpd.conf
ip netns exec $SRV snmpd -f -Lo -C -c $W/snmpd.conf -p $W/snmpd.pid >$W/snmpd.out 2>&1 & pids+=($!)
(cd $W/www && exec ip netns exec $SRV python3 -m http.server 80 --bind 198.18.77.2 >$W/http.out 2>&1) & pids+=($!)
mkdir -p /var/run/xrdp
ip netns exec $SRV xrdp --nodaemon >$W/xrdp.out 2>&1 & pids+=($!)
for i in $(seq 1 50); do
  ip netns exec $SRV ss -ltn | grep -q ':445 ' && ip netns exec $SRV ss -ltn | grep -q ':22 ' && ip netns exec $SRV ss -ltn | grep -q ':80 ' && ip netns exec $SRV ss -lun | grep -q ':137 ' && break
  sleep 0.2
done
sleep 1
mkdir -p $W/db && chmod 777 $W/db
ip -n $CLI route add 198.18.0.0/15 dev asid-c$$ 2>/dev/null || true
start=$(date +%s.%N)
timeout 120 ip netns exec $CLI ${AS_WRAP:-} "$BUILD/agentscan" scan 198.18.77.2 -p 22,80,139,445,3389,5985,8081 \
  --db $W/db/inv.db -n --no-progress -v "$@" || echo "scan exit $?"
echo "scan wall time: $(echo "$(date +%s.%N) - $start" | bc) s"
sqlite3 -header -column $W/db/inv.db "SELECT * FROM identity" | cut -c1-400
sqlite3 -header -column $W/db/inv.db "SELECT seq, kind, source, proto, port, value, verdict, confidence FROM evidence"
sqlite3 -header -column $W/db/inv.db "SELECT port, state, service, product, version, confirmed FROM port"
sqlite3 -header -column $W/db/inv.db "SELECT managed, agent, deploy, deploy_open FROM observation"
