# Many hand-made frames at once, each with a marker that names it: one
# capture per VM tells which frames arrived where.  A dropped frame costs
# no timeout of its own, and no capture filter has to tell the frames
# apart, so a test can check a few hundred frames of any ethertype (RARP,
# 0x0835, VLAN-tagged...) in seconds.  Source after lib.sh.
#
#   mf_send FROM NAME 'SCAPY-FRAME'  queues a frame (a scapy expression,
#                                    Ether() included) to send from FROM
#   mf_run VM...                     captures what comes in on each VM's
#                                    eth0, sends the queued frames (each
#                                    sender's in the order queued), stops
#                                    the captures; fails if a frame could
#                                    not be sent
#   mf_seen VM NAME [VLAN]           frame NAME arrived on VM (with an
#                                    802.1Q tag of VLAN, or "untagged")
#   expect_seen VM NAME...           one check per frame: it arrived on VM
#   expect_dropped VM NAME...        one check per frame: it did not
#
# The marker is a payload trailer "NWFPROBE:NAME:SRCMAC;" (for ARP and
# RARP, Ethernet padding).  A frame counts as NAME only if it came in
# (tcpdump -Q in) with the Ethernet source it was sent with, so that an
# echo reply or an ICMP error quoting the frame is not taken for it.
# NAME: letters, digits, '.', '_' and '-'.
#
# eth, arp and rarp write the usual headers as scapy expressions.

MF_SENDERS=

mf_send() {
    local from=$1 name=$2 frame=$3
    printf '%s\t%s\n' "$name" "$frame" >>"$SW_DIR/mf.$from"
    case " $MF_SENDERS " in
        *" $from "*) ;;
        *) MF_SENDERS="$MF_SENDERS $from" ;;
    esac
}

mf_run() {
    local vm from status=0
    rm -f "$SW_DIR/mf.seen"
    # --immediate-mode: without it libpcap hands frames over in blocks
    # up to a second late, and those not handed over when tcpdump stops
    # are lost.
    for vm in "$@"; do
        rm -f "$SW_DIR/mf.$vm.pcap" "$SW_DIR/mf.$vm.err"
        ip netns exec "$(vm_ns "$vm")" tcpdump -Q in -U --immediate-mode \
            -n -p -i eth0 -w "$SW_DIR/mf.$vm.pcap" \
            2>"$SW_DIR/mf.$vm.err" &
        echo $! >"$SW_DIR/mf.$vm.pid"
    done
    for vm in "$@"; do
        retry 5 grep -q "listening on" "$SW_DIR/mf.$vm.err" || status=1
    done
    for from in $MF_SENDERS; do
        vm_exec "$from" "$PYTHON" - "$SW_DIR/mf.$from" <<'PY' || status=1
import sys
from scapy.all import *
conf.verb = 0
frames = []
for line in open(sys.argv[1]):
    name, expr = line.rstrip("\n").split("\t", 1)
    pkt = eval(expr)
    src = pkt[Ether].src.replace(":", "")
    frames.append(pkt / Raw(("NWFPROBE:%s:%s;" % (name, src)).encode()))
sendp(frames, iface="eth0", inter=0.01)
PY
        rm -f "$SW_DIR/mf.$from"
    done
    MF_SENDERS=
    # The last frames' way through the switch.
    sleep 0.5
    for vm in "$@"; do
        kill -INT "$(cat "$SW_DIR/mf.$vm.pid")"
        wait "$(cat "$SW_DIR/mf.$vm.pid")" 2>/dev/null
        rm -f "$SW_DIR/mf.$vm.pid"
    done
    # One line per frame received: "VM NAME" and, if it came tagged, the
    # VLAN.
    "$PYTHON" - "$SW_DIR" "$@" >"$SW_DIR/mf.seen" <<'PY' || status=1
import re, sys
from scapy.utils import RawPcapReader
marker = re.compile(rb"NWFPROBE:([A-Za-z0-9._-]+):([0-9a-f]{12});")
for vm in sys.argv[2:]:
    for data, _ in RawPcapReader("%s/mf.%s.pcap" % (sys.argv[1], vm)):
        vlan = ""
        if data[12:14] == b"\x81\x00":
            vlan = " %d" % (int.from_bytes(data[14:16], "big") & 0xfff)
        for m in marker.finditer(data):
            if data[6:12].hex() == m.group(2).decode():
                print("%s %s%s" % (vm, m.group(1).decode(), vlan))
PY
    return $status
}

mf_seen() {
    awk -v vm="$1" -v name="$2" -v vlan="${3:-}" '
        $1 == vm && $2 == name && (vlan == "" || vlan == ($3 == "" \
            ? "untagged" : $3)) { found = 1 }
        END { exit !found }' "$SW_DIR/mf.seen"
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
