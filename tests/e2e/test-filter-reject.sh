#!/bin/bash
# reject at the IP layer against real connections (docs/filter-format.md,
# "action"): the packet is dropped and the sender gets an ICMP port
# unreachable (ICMPv6 for IPv6) from nwf-controller, so a TCP connect fails
# at once with ECONNREFUSED instead of timing out.  The mirrored copy rejects
# too (docs/filter-format.md, "direction": "reject in tcp dstport 25" also
# rejects the VM's packets from port 25), and a reject on the receiving VM of
# two bound VMs answers the sender.  vm1 and vm3 are bound, vm2 is not.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/frames.sh"

e2e_init
sw_start
M1=02:00:00:00:24:01 M2=02:00:00:00:24:02 M3=02:00:00:00:24:03
vm_add vm1 $M1 10.9.24.1/24
vm_add vm2 $M2 10.9.24.2/24
vm_add vm3 $M3 10.9.24.3/24
for a in 1 2 3; do
    vm_exec vm$a ip -6 addr add fd00:24::$a/64 dev eth0 nodad
    for b in 1 2 3; do
        [ $a = $b ] && continue
        mac=M$b
        neigh_static vm$a 10.9.24.$b ${!mac}
        neigh_static vm$a fd00:24::$b ${!mac}
    done
done
listen vm1 25 80
listen vm2 25 81 82 5353
listen vm3 81 82
# nwf-controller installs the flows and answers the packets that reject
# rules send it.
ctl_start
check "the controller connects to the bridge" \
    retry 5 ctl_log_has "br0: connected"

check "the reject filters load" filter_define empty reject-vm1 \
    reject-vm1-drop-rest reject-vm3 reject-vm4
check "vm1 bound" vm_bind vm1 reject-vm1
check "vm1's own reject meter exists" \
    sh -c "OVS_RUNDIR=$SW_DIR ovs-ofctl -O OpenFlow13 dump-meters br0 |
           grep -q 'meter=$((0x30000 + $(vm_ofport vm1))) '"

check "reject: vm1's connection to port 81 is refused at once" \
    refused vm1 10.9.24.2 81
check "reject: ... over IPv6" refused vm1 fd00:24::2 81
check "reject: vm1 connects to port 82" connects vm1 10.9.24.2 82
check "reject: ... over IPv6" connects vm1 fd00:24::2 82
check "reject in: vm2's connection to vm1's port 25 is refused" \
    refused vm2 10.9.24.1 25
check "reject in: vm2 connects to vm1's port 80" connects vm2 10.9.24.1 80

# What reaches the sender: the ICMP error, with the rejected packet
# inside; the rejected packet itself does not reach the receiver.
syn() {
    echo "Ether(dst='$2')/$1/TCP(sport=$3, dport=$4, flags='S')"
}
V4="IP(src='10.9.24.1', dst='10.9.24.2')"
V6="IPv6(src='fd00:24::1', dst='fd00:24::2')"
probe blocked "reject: the SYN to port 81 does not reach vm2" vm1 vm2 \
    "tcp dst port 81 and tcp src port 42000" "$(syn "$V4" $M2 42000 81)"
probe arrives "reject: an ICMP port unreachable reaches vm1" vm1 vm1 \
    "icmp[0]=3 and icmp[1]=3 and icmp[28:2]=42000" "$(syn "$V4" $M2 42000 81)"
probe arrives "reject: ... an ICMPv6 port unreachable over IPv6" vm1 vm1 \
    "icmp6 and ip6[40]=1 and ip6[41]=4 and ip6[88:2]=42001" \
    "$(syn "$V6" $M2 42001 81)"
probe blocked "reject: ... and the IPv6 SYN does not reach vm2" vm1 vm2 \
    "ip6 and tcp src port 42001" "$(syn "$V6" $M2 42001 81)"
probe arrives "reject: the UDP datagram to port 5353 gets one" vm1 vm1 \
    "icmp[0]=3 and icmp[1]=3 and icmp[28:2]=42002" \
    "Ether(dst='$M2')/$V4/UDP(sport=42002, dport=5353)"
probe blocked "reject: ... and does not reach vm2" vm1 vm2 \
    "udp dst port 5353 and udp src port 42002" \
    "Ether(dst='$M2')/$V4/UDP(sport=42002, dport=5353)"
probe arrives "reject mirror: vm1's packet from port 25 is answered too" \
    vm1 vm1 "icmp[0]=3 and icmp[1]=3 and icmp[28:2]=25" \
    "Ether(dst='$M2')/$V4/TCP(sport=25, dport=42003, flags='SA')"
probe blocked "reject mirror: ... and does not reach vm2" vm1 vm2 \
    "tcp src port 25 and tcp dst port 42003" \
    "Ether(dst='$M2')/$V4/TCP(sport=25, dport=42003, flags='SA')"
probe arrives "reject mirror: vm1's packet from port 26 reaches vm2" vm1 vm2 \
    "tcp src port 26 and tcp dst port 42004" \
    "Ether(dst='$M2')/$V4/TCP(sport=26, dport=42004, flags='SA')"
probe blocked "reject: no ICMP error for a packet that passes" vm1 vm1 \
    "icmp and icmp[28:2]=26" \
    "Ether(dst='$M2')/$V4/TCP(sport=26, dport=42005, flags='SA')"
probe_run

# "Reject one port, drop the rest": libvirt's REJECT answers from the host's
# stack, which the VM's IP-layer rules (FORWARD) never see, so the connection
# is still refused at once (checked with libvirt 9.0, see docs/pipeline.md,
# "Where we differ").  The answer must not meet the VM's own drop.
check "vm1 bound to reject + drop the rest" vm_bind vm1 reject-vm1-drop-rest
check "reject + drop: vm1's connection to port 81 is refused at once" \
    refused vm1 10.9.24.2 81
check "reject + drop: ... over IPv6" refused vm1 fd00:24::2 81
check "reject + drop: port 82 times out (dropped, not refused)" \
    connect_fails vm1 10.9.24.2 82
check "reject + drop: vm2 cannot ping vm1" sw_not ping_ok vm2 10.9.24.1

# Two bound VMs: vm3 rejects what comes in to its port 81; vm1 (now
# unfiltered) is the sender that must get the answer.
check "vm1 bound to an empty filter" vm_bind vm1 empty
check "vm3 bound" vm_bind vm3 reject-vm3
check "two bound: vm1's connection to vm3's port 81 is refused" \
    refused vm1 10.9.24.3 81
check "two bound: ... over IPv6" refused vm1 fd00:24::3 81
check "two bound: vm1 connects to vm3's port 82" connects vm1 10.9.24.3 82
check "two bound: vm2 (unbound) is refused too" refused vm2 10.9.24.3 81
# A bound VM on an access port (VLAN 30) and an unbound one in the same
# VLAN: the answers come back untagged into the right VLAN.
M4=02:00:00:00:24:04 M5=02:00:00:00:24:05
vm_add vm4 $M4 10.9.24.4/24 -- set port "$(vm_port vm4)" tag=30
vm_add vm5 $M5 10.9.24.5/24 -- set port "$(vm_port vm5)" tag=30
listen vm4 25 26
listen vm5 81 82
check "vm4 bound" vm_bind vm4 reject-vm4
check "access port: vm4 connects to vm5's port 82" \
    retry 3 connects vm4 10.9.24.5 82
check "access port: vm4's connection to port 81 is refused" \
    refused vm4 10.9.24.5 81
check "access port: vm5's connection to vm4's port 25 is refused" \
    refused vm5 10.9.24.4 25
check "access port: vm5 connects to vm4's port 26" connects vm5 10.9.24.4 26
check "access port: VLAN 30 does not reach vm2 (VLAN 0)" \
    connect_fails vm4 10.9.24.2 82

check "the controller is still running" \
    kill -0 "$(cat "$SW_DIR/nwf-controller.pid")"

e2e_finish
