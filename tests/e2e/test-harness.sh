#!/bin/bash
# The harness itself on a real switch: a private OVS with a userspace
# bridge forwards real packets between namespace VMs (ICMP, TCP through
# the checksum-checking datapath, and a crafted scapy frame).

. "$(dirname "$0")/lib.sh"

e2e_init
sw_start
vm_add vm1 02:00:00:00:01:01 10.9.0.1/24
vm_add vm2 02:00:00:00:01:02 10.9.0.2/24

check "switch runs with a netdev bridge" \
    test "$(vsctl get bridge br0 datapath_type)" = netdev
check "vm1 pings vm2 through the bridge" retry 5 ping_ok vm1 10.9.0.2

tcp_echo() {
    vm_exec vm2 timeout 5 nc -l -p 5001 >"$SW_DIR/nc.out" &
    sleep 0.3
    echo hello-tcp | vm_exec vm1 timeout 3 nc -q 1 10.9.0.2 5001
    wait
    grep -q hello-tcp "$SW_DIR/nc.out"
}
check "TCP data crosses the bridge" tcp_echo

scapy_frame() {
    vm_exec vm2 timeout 5 tcpdump -i eth0 -c 1 -n -U \
        'ether src 02:00:00:00:01:01 and udp port 4444' \
        >"$SW_DIR/tcpdump.out" 2>/dev/null &
    sleep 1
    vm_exec vm1 "$PYTHON" -c '
from scapy.all import Ether, IP, UDP, sendp
sendp(Ether(src="02:00:00:00:01:01", dst="02:00:00:00:01:02") /
      IP(src="10.9.0.1", dst="10.9.0.2") / UDP(sport=4444, dport=4444),
      iface="eth0", verbose=False)'
    wait
    grep -q "4444" "$SW_DIR/tcpdump.out"
}
check "a crafted scapy frame arrives" scapy_frame

check "names are unique to this run" test -n "$(ip netns list | grep "nwf${SW_ID}vm1")"

e2e_finish
