#!/bin/bash
# IP learning benchmark: N ports (default 100) bound to clean-traffic in
# dhcp learning mode; a DHCP server VM sends each port a DHCPACK (scapy),
# one port at a time; measures, per port, the time from the ACK leaving
# the server to the port's external_ids:filterref-status reading "active"
# in OVSDB (so it includes the packet-in, the rebuild, the switch's
# confirmation and the OVSDB write), and prints the median, 90th
# percentile and maximum.  Not part of "make check".
#
# Usage (root, from the build tree): tests/bench/bench-iplearn.sh [N]

set -u
N=${1:-100}
top=$(cd "$(dirname "$0")/../.." && pwd)
export srcdir=$top builddir=$top
. "$top/tests/e2e/lib.sh"

SRV=10.30.0.1
MSRV=02:00:00:1e:ff:01
mac() { printf '02:00:00:1e:%02x:%02x' $(($1 / 256)) $(($1 % 256)); }
ip_of() { echo "10.30.$(($1 / 250 + 1)).$(($1 % 250 + 1))"; }

e2e_init
sw_start
vm_add srv $MSRV $SRV/16

echo "# creating $N internal ports"
for ((i = 0; i < N; i += 100)); do
    args=()
    for ((j = i; j < i + 100 && j < N; j++)); do
        args+=(-- add-port br0 "l$j" -- set interface "l$j" type=internal
               "external_ids:attached-mac=$(mac "$j")")
    done
    vsctl "${args[@]}"
done
ctl_start

args=()
for ((j = 0; j < N; j++)); do
    args+=(-- set interface "l$j" external_ids:filterref=clean-traffic
           external_ids:filterref-param-CTRL_IP_LEARNING=dhcp
           "external_ids:filterref-param-DHCPSERVER=$SRV")
done
vsctl "${args[@]}"
n_learning() {
    ovs-vsctl --db="unix:$SW_DIR/db.sock" --bare --columns=name find \
        interface 'external_ids:filterref-status="learning"' | grep -c .
}
retry 60 sh -c "[ \$(ovs-vsctl --db=unix:$SW_DIR/db.sock --bare \
    --columns=name find interface \
    'external_ids:filterref-status=\"learning\"' | grep -c .) -ge $N ]"
echo "# $(n_learning) ports learning"

# Every change of a status, with the time OVSDB saw it.
ovsdb-client --timestamp monitor "unix:$SW_DIR/db.sock" Open_vSwitch \
    Interface name,external_ids >"$SW_DIR/monitor.out" 2>&1 &
echo $! >"$SW_DIR/monitor.pid"
sleep 1

# The server sends the ACKs, 100 ms apart, and records when each left.
for ((j = 0; j < N; j++)); do
    echo "l$j $(mac "$j") $(ip_of "$j")"
done >"$SW_DIR/ports.txt"
vm_exec srv "$PYTHON" - "$SW_DIR/ports.txt" "$SRV" "$MSRV" \
    >"$SW_DIR/sent.txt" <<'PY'
import sys, time
from scapy.all import *
conf.verb = 0
ports = [l.split() for l in open(sys.argv[1])]
srv, msrv = sys.argv[2], sys.argv[3]
sock = conf.L2socket(iface="eth0")
for i, (name, mac, ip) in enumerate(ports):
    chaddr = bytes.fromhex(mac.replace(":", ""))
    frame = (Ether(src=msrv, dst=mac) / IP(src=srv, dst=ip) /
             UDP(sport=67, dport=68) /
             BOOTP(op=2, yiaddr=ip, siaddr=srv, chaddr=chaddr, xid=i) /
             DHCP(options=[("message-type", "ack"), ("server_id", srv),
                           ("lease_time", 3600), "end"]))
    raw_frame = raw(frame)
    t = time.time()
    sock.send(raw_frame)
    print(name, "%.6f" % t, flush=True)
    time.sleep(0.1)
PY
sleep 2
kill "$(cat "$SW_DIR/monitor.pid")"

# ovsdb-client prints a timestamp line before each update, then rows
# whose external_ids show the new status.
"$PYTHON" - "$SW_DIR/monitor.out" "$SW_DIR/sent.txt" "$N" <<'PY'
import sys, re, datetime, statistics
active = {}
when = None
for line in open(sys.argv[1]):
    m = re.match(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)", line)
    if m:
        when = datetime.datetime.strptime(
            m.group(1), "%Y-%m-%d %H:%M:%S.%f").replace(
                tzinfo=datetime.timezone.utc).timestamp()
        continue
    m = re.search(r"\b(l\d+)\b.*filterref-status=active", line)
    if m and when is not None and m.group(1) not in active:
        active[m.group(1)] = when
sent = dict((n, float(t)) for n, t in (l.split() for l in open(sys.argv[2])))
lat = sorted((active[n] - t) * 1000 for n, t in sent.items() if n in active)
n = int(sys.argv[3])
if len(lat) < n:
    print("FAIL: only %d of %d ports became active" % (len(lat), n))
    sys.exit(1)
print("ports: %d" % n)
print("DHCPACK sent -> active in OVSDB, ms: median %.1f, p90 %.1f, "
      "max %.1f, min %.1f" % (statistics.median(lat),
                              lat[int(0.9 * (n - 1))], lat[-1], lat[0]))
PY
