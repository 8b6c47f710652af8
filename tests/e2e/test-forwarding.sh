#!/bin/bash
# The bridge-wide flows forward like NORMAL: with only those flows on a
# secure bridge (no bound port), namespace VMs talk, broadcasts and
# unknown unicast flood, learned unicast goes to one port only, and access
# ports, trunks and native-untagged ports keep VLANs apart and carry tags
# as Open vSwitch would.
# The flows are what "nwf-ofctl compile-bridge" prints.

. "$(dirname "$0")/lib.sh"

# sniff_start VM BPF: captures frames matching BPF on VM's eth0 (text, one
# line per frame) until sniff_stop VM.
sniff_start() {
    local vm=$1 bpf=$2
    rm -f "$SW_DIR/sniff.$vm" "$SW_DIR/sniff.$vm.err"
    ip netns exec "$(vm_ns "$vm")" tcpdump -l -n -e -i eth0 "$bpf" \
        >"$SW_DIR/sniff.$vm" 2>"$SW_DIR/sniff.$vm.err" &
    echo $! >"$SW_DIR/sniff.$vm.pid"
    retry 5 grep -q "listening on" "$SW_DIR/sniff.$vm.err"
}

sniff_stop() {
    local pidfile="$SW_DIR/sniff.$1.pid"
    sleep 0.3
    kill -INT "$(cat "$pidfile")"
    wait "$(cat "$pidfile")" 2>/dev/null
    rm -f "$pidfile"
}

# sniffed VM PATTERN: VM's capture has a frame matching PATTERN (grep -E).
sniffed() {
    grep -Eq -- "$2" "$SW_DIR/sniff.$1"
}

# load_bridge PORT-SPEC...: compiles the bridge-wide flows of a bridge with
# those ports and loads them.
load_bridge() {
    local args=() spec
    for spec in "$@"; do
        args+=(--port "$spec")
    done
    "$NWF_OFCTL" compile-bridge "${args[@]}" >"$SW_DIR/bridge.flows" &&
        sw_load_flows "$SW_DIR/bridge.flows"
}

# The switch has as many flows as the file, not counting learned ones.
installed_as_compiled() {
    [ "$(ofctl dump-flows br0 | grep ' cookie=' | grep -vc ' idle_timeout=')" \
      = "$(grep -c '^table=' "$SW_DIR/bridge.flows")" ]
}

learned() {
    ofctl dump-flows br0 table=22 | grep -q "dl_dst=$1"
}

e2e_init
sw_start
MAC1=02:00:00:00:06:01 MAC2=02:00:00:00:06:02 MAC3=02:00:00:00:06:03
vm_add vm1 $MAC1 10.9.6.1/24
vm_add vm2 $MAC2 10.9.6.2/24
vm_add vm3 $MAC3 10.9.6.3/24
p1=$(vm_ofport vm1) p2=$(vm_ofport vm2) p3=$(vm_ofport vm3)

# ---- No VLANs: three ports that carry every VLAN, untagged in VLAN 0.
check "bridge-wide flows load into a secure bridge" \
    load_bridge "$p1" "$p2" "$p3"
check "fail_mode is secure" \
    test "$(vsctl get bridge br0 fail_mode)" = secure
check "the switch holds the compiled flows" installed_as_compiled
check_fails "no NORMAL action" grep -q NORMAL "$SW_DIR/bridge.flows"

check "vm1 pings vm2" retry 5 ping_ok vm1 10.9.6.2
check "vm3 pings vm1" retry 5 ping_ok vm3 10.9.6.1
check "vm2 pings vm3" retry 5 ping_ok vm2 10.9.6.3

vm_exec vm1 ip neigh flush dev eth0
sniff_start vm3 "arp and ether src $MAC1"
ping_ok vm1 10.9.6.2 >/dev/null
sniff_stop vm3
check "a broadcast ARP request floods to a third port" \
    sniffed vm3 "Request who-has 10.9.6.2"

vm_exec vm1 ip neigh replace 10.9.6.99 lladdr 02:00:00:00:06:99 dev eth0
sniff_start vm3 "ether dst 02:00:00:00:06:99"
vm_exec vm1 ping -c 1 -W 1 10.9.6.99 >/dev/null
sniff_stop vm3
check "unknown unicast floods" sniffed vm3 "> 02:00:00:00:06:99"

check "vm2's MAC is learned" retry 5 learned $MAC2
check "vm1's MAC is learned" retry 5 learned $MAC1
sniff_start vm3 "icmp"
check "vm1 pings vm2 after learning" \
    vm_exec vm1 ping -c 3 -i 0.2 -W 1 10.9.6.2
sniff_stop vm3
check_fails "learned unicast does not reach a third port" sniffed vm3 .

# ---- VLANs: vm4 and vm5 access ports of VLAN 10, vm6 of VLAN 20 (with
# an address in VLAN 10's subnet too, so that a leak would answer), vm7 a
# trunk of VLANs 10 and 20.  This kernel has no 802.1Q sub-interfaces, so
# the trunk VM speaks with tagged frames from scapy.
MAC4=02:00:00:00:06:04 MAC5=02:00:00:00:06:05
MAC6=02:00:00:00:06:06 MAC7=02:00:00:00:06:07
vm_add vm4 $MAC4 10.9.10.4/24
vm_add vm5 $MAC5 10.9.10.5/24
vm_add vm6 $MAC6 10.9.10.6/24
vm_add vm7 $MAC7 10.9.99.7/24
vm_exec vm6 ip addr add 10.9.20.6/24 dev eth0
p4=$(vm_ofport vm4) p5=$(vm_ofport vm5)
p6=$(vm_ofport vm6) p7=$(vm_ofport vm7)

# trunk_asks VLAN 'SCAPY-PACKET': sends the packet from vm7 with an 802.1Q
# tag for VLAN and succeeds if an answer comes back tagged with VLAN.
trunk_asks() {
    vm_exec vm7 "$PYTHON" - "$1" "$2" <<'PY'
import sys
from scapy.all import Dot1Q, Ether, conf, srp1
from scapy.all import ARP, ICMP, IP  # noqa: F401, for the packet
conf.verb = 0
vid = int(sys.argv[1])
pkt = Ether(src="02:00:00:00:06:07", dst="ff:ff:ff:ff:ff:ff") \
    / Dot1Q(vlan=vid) / eval(sys.argv[2])
ans = srp1(pkt, iface="eth0", timeout=1)
sys.exit(0 if ans is not None and ans[Dot1Q].vlan == vid else 1)
PY
}
arp_request() {
    echo "ARP(hwsrc='$MAC7', psrc='$1', pdst='$2')"
}

check "VLAN flows load" load_bridge "$p1" "$p2" "$p3" "$p4,tag=10" \
    "$p5,tag=10" "$p6,tag=20" "$p7,trunks=10,20"
check "the switch holds the VLAN flows" installed_as_compiled
check "access ports of VLAN 10 talk" retry 5 ping_ok vm4 10.9.10.5

sniff_start vm6 "ether src $MAC4 or ether src $MAC5"
check_fails "VLAN 10 does not reach VLAN 20's port" ping_ok vm4 10.9.10.6
vm_exec vm4 ip neigh flush dev eth0
ping_ok vm4 10.9.10.5 >/dev/null
sniff_stop vm6
check_fails "VLAN 20's port sees no frame of VLAN 10" sniffed vm6 .

sniff_start vm4 "vlan"
check "the trunk's tagged ARP in VLAN 10 gets a tagged answer" \
    retry 5 trunk_asks 10 "$(arp_request 10.9.10.7 10.9.10.4)"
check "from both access ports of VLAN 10" \
    retry 5 trunk_asks 10 "$(arp_request 10.9.10.7 10.9.10.5)"
sniff_stop vm4
check_fails "an access port gets no tagged frame" sniffed vm4 .
check "the trunk pings an access port with tags" \
    trunk_asks 10 "IP(src='10.9.10.7', dst='10.9.10.4') / ICMP()"
check_fails "VLAN 10 on the trunk does not reach VLAN 20's port" \
    trunk_asks 10 "$(arp_request 10.9.10.7 10.9.10.6)"
check "the trunk reaches VLAN 20's port in VLAN 20" \
    retry 5 trunk_asks 20 "$(arp_request 10.9.20.7 10.9.20.6)"
check_fails "VLAN 20 on the trunk does not reach VLAN 10's ports" \
    trunk_asks 20 "$(arp_request 10.9.10.7 10.9.10.4)"

vm_exec vm4 ip neigh replace 10.9.10.7 lladdr $MAC7 dev eth0
sniff_start vm7 "vlan 10 and icmp"
vm_exec vm4 ping -c 1 -W 1 10.9.10.7 >/dev/null
sniff_stop vm7
check "an access port's unicast reaches the trunk tagged" \
    sniffed vm7 "vlan 10, .*10.9.10.4 > 10.9.10.7: ICMP echo request"

# ---- vm7 native-untagged (Port.vlan_mode): native VLAN 10 untagged,
# VLAN 20 tagged.  vm1-3 still carry every VLAN.
vm_exec vm7 ip addr add 10.9.10.7/24 dev eth0
check "native-untagged flows load" load_bridge "$p1" "$p2" "$p3" \
    "$p4,tag=10" "$p5,tag=10" "$p6,tag=20" \
    "$p7,tag=10,trunks=20,vlan_mode=native-untagged"
check "the switch holds the native-untagged flows" installed_as_compiled
check "the native port's untagged input is in VLAN 10" \
    grep -q "in_port=$p7,vlan_tci=0x0000/0x1000 actions=load:0xa->" \
    "$SW_DIR/bridge.flows"

sniff_start vm7 "vlan"
check "untagged from the native port reaches an access port of VLAN 10" \
    retry 5 ping_ok vm7 10.9.10.4
check "and VLAN 10's other access port" retry 5 ping_ok vm7 10.9.10.5
check "an access port of VLAN 10 reaches the native port" \
    ping_ok vm4 10.9.10.7
sniff_stop vm7
check_fails "VLAN 10 leaves the native port untagged" sniffed vm7 .
check_fails "untagged from the native port does not reach VLAN 20's port" \
    ping_ok vm7 10.9.10.6

sniff_start vm1 "vlan 20 and arp"
check "the native port's tagged ARP in VLAN 20 gets a tagged answer" \
    retry 5 trunk_asks 20 "$(arp_request 10.9.20.7 10.9.20.6)"
sniff_stop vm1
check "a tagged frame in VLAN 20 from the native port reaches a trunk" \
    sniffed vm1 "vlan 20, .*Request who-has 10.9.20.6"

check "ports that carry every VLAN still talk untagged" \
    retry 5 ping_ok vm1 10.9.6.2

e2e_finish
