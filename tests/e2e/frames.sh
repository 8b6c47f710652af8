# Frames and connections between namespace VMs, for the end-to-end
# tests: crafted frames sent in batches, a capture on each receiver, and
# checks of what arrived; real TCP and UDP.  Source after lib.sh.
#
# ---- Crafted frames.  A test queues frames (scapy expressions, Ether()
# included; an Ether without src gets the sender's MAC, IP addresses are
# not filled in), then runs the batch: captures start on every receiver's
# eth0 (inbound frames only), one process sends every queued frame in the
# order queued, from an AF_PACKET socket in its sender's namespace (so a
# later frame sees the conntrack state an earlier one left), the captures
# stop.  A dropped frame costs no timeout of its own, so a test can check
# hundreds of frames in seconds.  What arrived is told apart in one of two
# ways:
#
#   by a tcpdump filter, one check per frame:
#     probe arrives|blocked NAME FROM TO BPF 'SCAPY-FRAME'
#         queues a check: the frame, sent out of FROM's eth0, does (not)
#         reach TO's eth0, as seen by the tcpdump filter BPF, which must
#         pick out the frame among everything the batch sends (give each
#         probe its own port, ICMP id, address...).
#     probe_frame FROM 'SCAPY-FRAME'
#         queues a frame without a check of its own (the SYN that a
#         probe's SYN-ACK answers).
#     probe_run
#         runs the batch and reports one check per probe.
#
#   by a marker, for frames that no tcpdump filter tells apart (RARP,
#   0x0835, VLAN-tagged...):
#     mf_send FROM NAME 'SCAPY-FRAME'
#         queues the frame with the marker "NWFPROBE:NAME:SRCMAC;" as a
#         payload trailer (for ARP and RARP, Ethernet padding).  NAME:
#         letters, digits, '.', '_' and '-'.
#     mf_run VM...
#         runs the batch with captures on each VM; fails if a frame could
#         not be built or sent.
#     mf_seen VM NAME [VLAN]
#         frame NAME arrived on VM (with an 802.1Q tag of VLAN, or
#         "untagged").  A frame counts as NAME only if it came in with
#         the Ethernet source it was sent with, so that an echo reply or
#         an ICMP error quoting the frame is not taken for it.
#     expect_seen VM NAME...      one check per frame: it arrived on VM
#     expect_dropped VM NAME...   one check per frame: it did not
#
#   one frame, as a command for check or retry (up to 3 s):
#     frame_arrives FROM TO BPF 'SCAPY-FRAME'
#     frame_blocked FROM TO BPF 'SCAPY-FRAME'
#
#   eth SRC DST [TYPE], arp SHA SPA TPA [OP], rarp SHA THA SPA TPA [OP]
#       write the usual headers as scapy expressions.
#
#   frame_flood FROM SECONDS 'SCAPY-FRAME'
#       sends the frame out of FROM's eth0 as fast as scapy can, for
#       SECONDS (run it in the background).
#
# ---- Real connections, IPv4 or IPv6 (the address says which).
#
#   listen VM PORT...          TCP listeners on both IPv4 and IPv6 that
#                              accept and close, until the test ends.
#   connects FROM IP PORT      a TCP connection succeeds.
#   connect_fails FROM IP PORT no connection within a second.
#   refused FROM IP PORT       the connection is refused (ECONNREFUSED),
#                              within a second: an answer, not a timeout.
#   udp_arrives FROM TO TO_IP PORT   a UDP datagram (nc -u) arrives.
#   neigh_static VM IP MAC     a permanent neighbour entry, so that IPv4
#                              and IPv6 tests do not depend on ARP and ND
#                              (ND is ICMPv6, which IP-layer rules see).
#   ct_flush                   forgets every conntrack entry of the switch.
#   session_start FROM TO TO_IP PORT
#                              a live TCP session from FROM to TO_IP:PORT
#                              (TO listens), one line every 100 ms, until
#                              session_end or the end of the test.
#   session_flows              the session carries new lines (0.6 s).
#   session_stopped            it carries none for a second, half a second
#                              after the call.
#
# ---- DHCP, for IP address learning.
#
#   dhcp_request VM VM-MAC XID [TYPE [COUNT]]
#       VM sends a DHCPREQUEST (or TYPE: discover) for its MAC, from
#       0.0.0.0 to the broadcast address, with transaction id XID; COUNT
#       (1) of them, each with the next xid
#   dhcp_reply FROM SRC-MAC SRC-IP DST-IP YIADDR VM-MAC LEASE [XID [COUNT
#           [TYPE [XID-STEP]]]]
#       FROM sends COUNT (1) DHCPACKs (or TYPE: offer) to VM-MAC, from
#       server SRC-IP (also its server id), leasing YIADDR for LEASE
#       seconds with transaction id XID (1); each next one leases the next
#       address and has the xid XID-STEP (1) higher.  DST-IP "yiaddr" is
#       each message's YIADDR.

# The queue: one entry per frame.  F_EXP is "arrives" or "blocked" for a
# probe, "send" for a frame without a check; F_MARK is the marker's name
# or empty.
frames_reset() {
    F_EXP=() F_NAME=() F_FROM=() F_TO=() F_BPF=() F_FRAME=() F_MARK=()
    F_LATE=0.5
}
frames_reset

# frames_queue EXP NAME FROM TO BPF MARK FRAME
frames_queue() {
    F_EXP+=("$1") F_NAME+=("$2") F_FROM+=("$3") F_TO+=("$4")
    F_BPF+=("$5") F_MARK+=("$6") F_FRAME+=("$7")
}

probe() {
    frames_queue "$1" "$2" "$3" "$4" "$5" "" "$6"
}

probe_frame() {
    frames_queue send "" "$1" "" "" "" "$2"
}

mf_send() {
    frames_queue send "" "$1" "" "" "$2" "$3"
}

# frames_send: sends one frame per line of stdin, "NETNS MAC MARK FRAME"
# (MARK "-" for none), in order; prints the line number (from 0) of each
# frame that could not be built or sent, and the reason on stderr.
frames_send() {
    "$PYTHON" -c '
import ctypes, os, socket, sys, time
from scapy.all import *  # noqa: F401,F403, for the frames
from scapy.all import Ether, Raw
libc = ctypes.CDLL(None, use_errno=True)
socks = {}
for i, line in enumerate(sys.stdin):
    ns, mac, mark, expr = line.rstrip("\n").split(" ", 3)
    if ns not in socks:
        fd = os.open("/var/run/netns/" + ns, os.O_RDONLY)
        if libc.setns(fd, 0x40000000) != 0:     # CLONE_NEWNET
            sys.exit("setns %s: errno %d" % (ns, ctypes.get_errno()))
        os.close(fd)
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind(("eth0", 0))
        socks[ns] = s
    try:
        frame = eval(expr)
        if Ether in frame and "src" not in frame[Ether].fields:
            frame[Ether].src = mac
        if mark != "-":
            src = frame[Ether].src.replace(":", "")
            frame = frame / Raw(("NWFPROBE:%s:%s;" % (mark, src)).encode())
        socks[ns].send(bytes(frame))
    except Exception as e:
        # That frame is missing; the others go on.
        print(i)
        print("frame %r: %s" % (expr, e), file=sys.stderr)
    # Room for the switch to finish the frame (and its conntrack entry)
    # before the next.
    time.sleep(0.02)
'
}

# probe_arrived I: entry I's frame is in its receiver's capture.
probe_arrived() {
    local pcap="$SW_DIR/frames.${F_TO[$1]}.pcap" n
    n=$(tcpdump -r "$pcap" -n "${F_BPF[$1]}" 2>/dev/null | grep -c .)
    [ "${n:-0}" -gt 0 ]
}

# frames_failed I: entry I's frame could not be built or sent.
frames_failed() {
    grep -qx "$1" "$SW_DIR/frames.failed"
}

# frames_wait: waits until every "arrives" probe's frame is in its
# capture, 3 seconds at most, so that a slow switch does not fail the
# batch and a fast one does not wait for nothing.
frames_wait() {
    local deadline=$(( $(date +%s%N) + 3000000000 )) i pending seen=()
    while :; do
        pending=0
        for i in "${!F_FRAME[@]}"; do
            [ "${F_EXP[$i]}" = arrives ] && [ -z "${seen[$i]:-}" ] ||
                continue
            if probe_arrived "$i"; then
                seen[$i]=1
            else
                pending=1
            fi
        done
        [ $pending = 0 ] || [ "$(date +%s%N)" -ge $deadline ] && return
        sleep 0.1
    done
}

# frames_run [VM...]: runs the batch, with captures on each VM and each
# probe's receiver; leaves the queue for the checks, and in
# $SW_DIR/frames.seen one line per marked frame received, "VM NAME" and,
# if it came tagged, the VLAN.  Fails if a frame could not be sent.
frames_run() {
    local i vm vms= pid pids=() status=0
    local -A mac
    for vm in "$@" "${F_TO[@]}"; do
        [ -n "$vm" ] || continue
        case " $vms " in *" $vm "*) ;; *) vms="$vms $vm" ;; esac
    done
    # --immediate-mode: otherwise frames wait in the capture ring for its
    # block timeout and those still there when tcpdump stops are lost.
    for vm in $vms; do
        rm -f "$SW_DIR/frames.$vm.pcap" "$SW_DIR/frames.$vm.err"
        ip netns exec "$(vm_ns "$vm")" tcpdump -i eth0 -n -p -U -Q in \
            --immediate-mode -w "$SW_DIR/frames.$vm.pcap" \
            2>"$SW_DIR/frames.$vm.err" &
        pids+=($!)
    done
    for vm in $vms; do
        retry 5 grep -q "listening on" "$SW_DIR/frames.$vm.err" || status=1
    done
    for vm in "${F_FROM[@]}"; do
        [ -n "${mac[$vm]:-}" ] ||
            mac[$vm]=$(vsctl get interface "$(vm_port "$vm")" \
                       external_ids:attached-mac | tr -d '"')
    done
    for i in "${!F_FRAME[@]}"; do
        vm=${F_FROM[$i]}
        echo "$(vm_ns "$vm") ${mac[$vm]} ${F_MARK[$i]:--} ${F_FRAME[$i]}"
    done | frames_send >"$SW_DIR/frames.failed" || status=1
    [ -s "$SW_DIR/frames.failed" ] && status=1
    frames_wait
    # Room for the frames that nothing waits for (marked ones), and for
    # one that should have been dropped but comes late.
    sleep "$F_LATE"
    for pid in "${pids[@]}"; do
        kill -INT "$pid"
        wait "$pid" 2>/dev/null
    done
    "$PYTHON" - "$SW_DIR" $vms >"$SW_DIR/frames.seen" <<'PY' || status=1
import re, sys
from scapy.utils import RawPcapReader
marker = re.compile(rb"NWFPROBE:([A-Za-z0-9._-]+):([0-9a-f]{12});")
for vm in sys.argv[2:]:
    for data, _ in RawPcapReader("%s/frames.%s.pcap" % (sys.argv[1], vm)):
        vlan = ""
        if data[12:14] == b"\x81\x00":
            vlan = " %d" % (int.from_bytes(data[14:16], "big") & 0xfff)
        for m in marker.finditer(data):
            if data[6:12].hex() == m.group(2).decode():
                print("%s %s%s" % (vm, m.group(1).decode(), vlan))
PY
    return $status
}

# probe_sent_and_arrived I: entry I's frame was sent and arrived.
probe_sent_and_arrived() {
    if frames_failed "$1"; then
        echo "the frame could not be built or sent"
        return 1
    fi
    probe_arrived "$1"
}

probe_sent_and_blocked() {
    if frames_failed "$1"; then
        echo "the frame could not be built or sent"
        return 1
    fi
    ! probe_arrived "$1"
}

probe_run() {
    local i
    frames_run
    for i in "${!F_FRAME[@]}"; do
        case ${F_EXP[$i]} in
            arrives) check "${F_NAME[$i]}" probe_sent_and_arrived "$i" ;;
            blocked) check "${F_NAME[$i]}" probe_sent_and_blocked "$i" ;;
        esac
    done
    frames_reset
}

mf_run() {
    local status=0
    frames_run "$@" || status=1
    frames_reset
    return $status
}

mf_seen() {
    awk -v vm="$1" -v name="$2" -v vlan="${3:-}" '
        $1 == vm && $2 == name && (vlan == "" || vlan == ($3 == "" \
            ? "untagged" : $3)) { found = 1 }
        END { exit !found }' "$SW_DIR/frames.seen"
}

expect_seen() {
    local vm=$1 name
    shift
    for name in "$@"; do
        check "$name (seen on $vm)" mf_seen "$vm" "$name"
    done
}

expect_dropped() {
    local vm=$1 name
    shift
    for name in "$@"; do
        check_fails "$name dropped (not on $vm)" mf_seen "$vm" "$name"
    done
}

frame_arrives() {
    local status
    frames_reset
    probe arrives "" "$1" "$2" "$3" "$4"
    frames_run && probe_arrived 0
    status=$?
    frames_reset
    return $status
}

frame_blocked() {
    local status
    frames_reset
    probe blocked "" "$1" "$2" "$3" "$4"
    # A frame that comes at all comes within a second.
    F_LATE=1
    frames_run && ! probe_arrived 0
    status=$?
    frames_reset
    return $status
}

# eth SRC DST [TYPE]: an Ethernet header.
eth() {
    echo "Ether(src='$1',dst='$2'${3:+,type=$3})"
}

# arp SHA SPA TPA [OP]: an ARP packet, a request unless OP says otherwise.
arp() {
    echo "ARP(op=${4:-1},hwsrc='$1',psrc='$2',pdst='$3')"
}

# rarp SHA THA SPA TPA [OP]: the payload of a RARP frame (ethertype
# 0x8035), "request reverse" (3) unless OP says otherwise.  QEMU announces
# a VM with MAC MAC 0.0.0.0 0.0.0.0, broadcast from MAC.
rarp() {
    echo "ARP(op=${5:-3},hwsrc='$1',hwdst='$2',psrc='$3',pdst='$4')"
}

frame_flood() {
    vm_exec "$1" "$PYTHON" - "$2" "$3" >/dev/null 2>&1 <<'PY'
import sys, time
from scapy.all import *
conf.verb = 0
frame = raw(eval("(" + sys.argv[2] + ")"))
s = conf.L2socket(iface="eth0")
t = time.time()
while time.time() < t + float(sys.argv[1]):
    s.send(frame)
PY
}

ct_flush() {
    vsw_appctl dpctl/flush-conntrack
}

listen() {
    local vm=$1
    shift
    local ready="$SW_DIR/listen-$vm-$$-$RANDOM.ready"
    (exec ip netns exec "$(vm_ns "$vm")" "$PYTHON" -c '
import select, socket, sys
socks = [socket.create_server(("", int(p)), family=socket.AF_INET6,
                              dualstack_ipv6=True, backlog=64)
         for p in sys.argv[2:]]
open(sys.argv[1], "w").close()
while True:
    for s in select.select(socks, [], [])[0]:
        s.accept()[0].close()
' "$ready" "$@") </dev/null >/dev/null 2>&1 &
    echo $! >"$SW_DIR/listen-$vm-$!.pid"
    retry 5 test -e "$ready"
}

connects() {
    vm_exec "$1" timeout 3 nc -z -w 2 "$2" "$3"
}

connect_fails() {
    ! vm_exec "$1" timeout 2 nc -z -w 1 "$2" "$3"
}

refused() {
    local start end out
    start=$(date +%s%N)
    out=$(vm_exec "$1" timeout 3 nc -v -z -w 2 "$2" "$3" 2>&1)
    end=$(date +%s%N)
    echo "$out, after $(( (end - start) / 1000000 )) ms"
    case $out in
        *"Connection refused"*) [ $(( end - start )) -lt 1000000000 ] ;;
        *) return 1 ;;
    esac
}

udp_arrives() {
    local from=$1 to=$2 ip=$3 port=$4
    local out="$SW_DIR/udp.$$.$RANDOM"
    vm_exec "$to" timeout 2 nc -u -l -p "$port" -W 1 >"$out" 2>/dev/null &
    local listener=$!
    sleep 0.3
    echo "nwf-udp-probe" | vm_exec "$from" timeout 1 nc -u -w 1 -q 1 \
        "$ip" "$port" 2>/dev/null
    wait "$listener"
    local ok=1
    grep -q nwf-udp-probe "$out" && ok=0
    rm -f "$out"
    return $ok
}

session_start() {
    vm_exec "$2" sh -c "nc -l -p $4 >'$SW_DIR/session.out'" &
    sleep 0.3
    (exec ip netns exec "$(vm_ns "$1")" sh -c \
        "while :; do echo tick; sleep 0.1; done | nc $3 $4") \
        </dev/null >/dev/null 2>&1 &
    echo $! >"$SW_DIR/session.pid"
}

session_lines() {
    wc -l <"$SW_DIR/session.out"
}

session_flows() {
    local before
    before=$(session_lines)
    sleep 0.6
    [ "$(session_lines)" -gt "$before" ]
}

session_stopped() {
    local before
    sleep 0.5
    before=$(session_lines)
    sleep 1
    [ "$(session_lines)" = "$before" ]
}

session_end() {
    kill "$(cat "$SW_DIR/session.pid")" 2>/dev/null
}

neigh_static() {
    vm_exec "$1" ip neigh replace "$2" lladdr "$3" dev eth0 nud permanent
}

dhcp_request() {
    vm_exec "$1" "$PYTHON" - "$@" <<'PY'
import sys
from scapy.all import *
conf.verb = 0
args = sys.argv[2:] + [None] * 2
vm_mac, xid = args[:2]
kind = args[2] or "request"
count = int(args[3] or "1")
chaddr = bytes.fromhex(vm_mac.replace(":", ""))
sendp([Ether(src=vm_mac, dst="ff:ff:ff:ff:ff:ff") /
       IP(src="0.0.0.0", dst="255.255.255.255") / UDP(sport=68, dport=67) /
       BOOTP(op=1, chaddr=chaddr, xid=int(xid, 0) + i) /
       DHCP(options=[("message-type", kind), "end"])
       for i in range(count)], iface="eth0")
PY
}

dhcp_reply() {
    vm_exec "$1" "$PYTHON" - "$@" <<'PY'
import ipaddress, sys
from scapy.all import *
conf.verb = 0
args = sys.argv[2:] + [None] * 4
src_mac, src_ip, dst_ip, yiaddr, vm_mac, lease = args[:6]
xid = int(args[6] or "1", 0)
count = int(args[7] or "1")
kind = args[8] or "ack"
step = int(args[9] or "1")
chaddr = bytes.fromhex(vm_mac.replace(":", ""))
frames = []
for i in range(count):
    addr = str(ipaddress.ip_address(yiaddr) + i)
    frames.append(
        Ether(src=src_mac, dst=vm_mac) /
        IP(src=src_ip, dst=addr if dst_ip == "yiaddr" else dst_ip) /
        UDP(sport=67, dport=68) /
        BOOTP(op=2, yiaddr=addr, siaddr=src_ip, chaddr=chaddr,
              xid=xid + i * step) /
        DHCP(options=[("message-type", kind), ("server_id", src_ip),
                      ("lease_time", int(lease)), "end"]))
sendp(frames, iface="eth0")
PY
}
