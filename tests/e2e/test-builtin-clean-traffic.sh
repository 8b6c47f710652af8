#!/bin/bash
# The built-in clean-traffic and clean-traffic-gateway on a real switch with
# real packets, against what libvirt did on the wire (docs/filter-format.md,
# "Built-in filters"):
#
# clean-traffic: the VM sends only frames with its own MAC, IPv4 only from
# $IP (any UDP also from 0.0.0.0), ARP only with sender MAC $MAC and
# sender IP in $IP, RARP only in QEMU's announcement form, and ethertype
# 0x0835; IPv6, other ethertypes and VLAN-tagged frames are dropped.  The
# VM receives any IPv4 and any ARP, and nothing else but the RARP
# announcement.
#
# clean-traffic-gateway: the same checks, ARP both ways, and otherwise
# only frames to or from $GATEWAY_MAC: VMs reach the gateway, not each
# other.
#
#   vm1  clean-traffic, IP=10.12.0.1
#   vm3  clean-traffic, IP=10.12.0.3 and 10.12.0.33 (a list)
#   vm4, vm5  clean-traffic-gateway, GATEWAY_MAC of gw
#   vm2, gw   unbound

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/frames.sh"

M1=02:00:00:0c:00:01 I1=10.12.0.1
M2=02:00:00:0c:00:02 I2=10.12.0.2
M3=02:00:00:0c:00:03 I3=10.12.0.3 I3B=10.12.0.33
M4=02:00:00:0c:00:04 I4=10.12.0.4
M5=02:00:00:0c:00:05 I5=10.12.0.5
MGW=02:00:00:0c:00:fe IGW=10.12.0.254
# Addresses no VM has, for spoofing (never a real VM's MAC: a frame that
# got through would teach the bridge a wrong port).
MX=02:00:00:0c:00:99 IX=10.12.0.99
BC=ff:ff:ff:ff:ff:ff

e2e_init
sw_start
vm_add vm1 $M1 $I1/24
vm_add vm2 $M2 $I2/24
vm_add vm3 $M3 $I3/24
vm_add vm4 $M4 $I4/24
vm_add vm5 $M5 $I5/24
vm_add gw $MGW $IGW/24
vm_exec vm3 ip addr add $I3B/24 dev eth0
ctl_start

check "vm1 binds clean-traffic" vm_bind vm1 clean-traffic IP=$I1
check "vm3 binds clean-traffic with a list of IPs" \
    vm_bind vm3 clean-traffic IP=$I3,$I3B
for vm in vm4 vm5; do
    ip=$I4
    [ $vm = vm5 ] && ip=$I5
    check "$vm binds clean-traffic-gateway" \
        vm_bind $vm clean-traffic-gateway IP=$ip GATEWAY_MAC=$MGW
done

# ---- clean-traffic: legitimate traffic, real sockets.  Flushing the
# neighbour caches first makes each first ping resolve by ARP: vm1's
# request and vm2's reply, then the other way round.
vm_exec vm1 ip neigh flush dev eth0
vm_exec vm2 ip neigh flush dev eth0
check "vm1 pings vm2 (ARP from vm1, answer to vm1)" retry 5 ping_ok vm1 $I2
vm_exec vm1 ip neigh flush dev eth0
vm_exec vm2 ip neigh flush dev eth0
check "vm2 pings vm1 (ARP to vm1, answer from vm1)" ping_ok vm2 $I1
check "vm1 pings vm3, both with clean-traffic" retry 3 ping_ok vm1 $I3
listen vm2 5001
listen vm1 5002
check "TCP from vm1 to vm2" connects vm1 $I2 5001
check "TCP from vm2 to vm1" connects vm2 $I1 5002
check "UDP from vm1 to vm2" udp_arrives vm1 vm2 $I2 5003
check "UDP from vm2 to vm1" udp_arrives vm2 vm1 $I1 5004
check "vm3 pings from its first address" \
    vm_exec vm3 ping -c 1 -W 1 -I $I3 $I2
check "vm3 pings from its second address" \
    vm_exec vm3 ping -c 1 -W 1 -I $I3B $I2

# ---- clean-traffic: hand-made frames from vm1 (seen or not on vm2, or
# on gw for broadcasts), from vm2 to vm1, and from vm3.
E12=$(eth $M1 $M2)
mf_send vm1 ip-own "$E12/IP(src='$I1',dst='$I2')/ICMP()"
mf_send vm1 dhcp-discover "$(eth $M1 $BC)/IP(src='0.0.0.0',\
dst='255.255.255.255')/UDP(sport=68,dport=67)/BOOTP(chaddr='$M1')\
/DHCP(options=[('message-type','discover'),'end'])"
mf_send vm1 udp-from-0 "$E12/IP(src='0.0.0.0',dst='$I2')/UDP(dport=9999)"
mf_send vm1 tcp-from-0 "$E12/IP(src='0.0.0.0',dst='$I2')/TCP(dport=80)"
mf_send vm1 icmp-from-0 "$E12/IP(src='0.0.0.0',dst='$I2')/ICMP()"
mf_send vm1 spoofed-mac "$(eth $MX $M2)/IP(src='$I1',dst='$I2')/ICMP()"
mf_send vm1 spoofed-mac-arp "$(eth $MX $BC)/$(arp $M1 $I1 $I2)"
mf_send vm1 spoofed-ip-icmp "$E12/IP(src='$IX',dst='$I2')/ICMP()"
mf_send vm1 spoofed-ip-udp "$E12/IP(src='$IX',dst='$I2')/UDP(dport=9999)"
mf_send vm1 spoofed-ip-tcp "$E12/IP(src='$IX',dst='$I2')/TCP(dport=80)"
mf_send vm1 arp-request "$(eth $M1 $BC)/$(arp $M1 $I1 $I2)"
mf_send vm1 arp-reply "$E12/ARP(op=2,hwsrc='$M1',psrc='$I1',\
hwdst='$M2',pdst='$I2')"
mf_send vm1 arp-any-target "$(eth $M1 $BC)/$(arp $M1 $I1 192.0.2.7)"
mf_send vm1 arp-forged-sha "$(eth $M1 $BC)/$(arp $MX $I1 $I2)"
mf_send vm1 arp-forged-spa "$(eth $M1 $BC)/$(arp $M1 $IX $I2)"
mf_send vm1 garp-own "$(eth $M1 $BC)/$(arp $M1 $I1 $I1)"
mf_send vm1 garp-own-reply "$(eth $M1 $BC)/$(arp $M1 $I1 $I1 2)"
mf_send vm1 garp-other "$(eth $M1 $BC)/$(arp $M1 $IX $IX)"
mf_send vm1 ethertype-88b5 "$(eth $M1 $BC 0x88b5)"
mf_send vm1 ipv6-udp "$E12/IPv6(src='fe80::1',dst='fe80::2')\
/UDP(dport=9999)"
mf_send vm1 ipv6-mcast "$(eth $M1 33:33:00:00:00:01)/IPv6(src='fe80::1',\
dst='ff02::1')/ICMPv6EchoRequest()"
mf_send vm1 vlan-ip "$E12/Dot1Q(vlan=10)/IP(src='$I1',dst='$I2')/ICMP()"
mf_send vm1 vlan-0-ip "$E12/Dot1Q(vlan=0)/IP(src='$I1',dst='$I2')/ICMP()"
mf_send vm1 vlan-arp "$(eth $M1 $BC)/Dot1Q(vlan=10)/$(arp $M1 $I1 $I2)"
R1=$(eth $M1 $BC 0x8035)
mf_send vm1 rarp-announce "$R1/$(rarp $M1 $M1 0.0.0.0 0.0.0.0)"
mf_send vm1 rarp-op-4 "$R1/$(rarp $M1 $M1 0.0.0.0 0.0.0.0 4)"
mf_send vm1 rarp-op-1 "$R1/$(rarp $M1 $M1 0.0.0.0 0.0.0.0 1)"
mf_send vm1 rarp-unicast "$(eth $M1 $M2 0x8035)\
/$(rarp $M1 $M1 0.0.0.0 0.0.0.0)"
mf_send vm1 rarp-other-tha "$R1/$(rarp $M1 $M2 0.0.0.0 0.0.0.0)"
mf_send vm1 rarp-other-sha "$R1/$(rarp $M2 $M1 0.0.0.0 0.0.0.0)"
mf_send vm1 rarp-with-ip "$R1/$(rarp $M1 $M1 $I1 0.0.0.0)"
mf_send vm1 ethertype-0835 "$(eth $M1 $BC 0x0835)"
mf_send vm1 ethertype-0835-spoofed-mac "$(eth $MX $BC 0x0835)"

E21=$(eth $M2 $M1)
mf_send vm2 in-ip-any-source "$E21/IP(src='198.51.100.7',dst='$I1')\
/UDP(dport=9999)"
mf_send vm2 in-ip-broadcast "$(eth $M2 $BC)/IP(src='$I2',\
dst='10.12.0.255')/UDP(dport=9999)"
mf_send vm2 in-tcp-any-source "$E21/IP(src='203.0.113.5',dst='$I1')\
/TCP(dport=22)"
mf_send vm2 in-arp-odd-sender "$E21/$(arp $MX 203.0.113.9 $I1 2)"
mf_send vm2 in-arp-broadcast "$(eth $M2 $BC)/$(arp $M2 $I2 192.0.2.1)"
mf_send vm2 in-ethertype-88b5 "$(eth $M2 $BC 0x88b5)"
mf_send vm2 in-ethertype-0835 "$(eth $M2 $BC 0x0835)"
mf_send vm2 in-ipv6 "$(eth $M2 $BC)/IPv6(src='fe80::2',dst='ff02::1')\
/UDP(dport=9999)"
mf_send vm2 in-vlan-ip "$(eth $M2 $BC)/Dot1Q(vlan=10)/IP(src='$I2',\
dst='10.12.0.255')/UDP(dport=9999)"
mf_send vm2 in-rarp-announce "$(eth $M2 $BC 0x8035)\
/$(rarp $M1 $M1 0.0.0.0 0.0.0.0)"
mf_send vm2 in-rarp-other "$(eth $M2 $BC 0x8035)\
/$(rarp $M2 $M2 0.0.0.0 0.0.0.0)"

E32=$(eth $M3 $M2)
mf_send vm3 list-ip-first "$E32/IP(src='$I3',dst='$I2')/ICMP()"
mf_send vm3 list-ip-second "$E32/IP(src='$I3B',dst='$I2')/ICMP()"
mf_send vm3 list-ip-other "$E32/IP(src='10.12.0.34',dst='$I2')/ICMP()"
mf_send vm3 list-arp-first "$(eth $M3 $BC)/$(arp $M3 $I3 $I2)"
mf_send vm3 list-arp-second "$(eth $M3 $BC)/$(arp $M3 $I3B $I2)"
mf_send vm3 list-arp-other "$(eth $M3 $BC)/$(arp $M3 10.12.0.34 $I2)"
check "frames sent and captured" mf_run vm1 vm2 gw

expect_seen vm2 ip-own arp-reply list-ip-first list-ip-second
# libvirt's no-ip-spoofing lets any UDP from 0.0.0.0 out, not only DHCP.
expect_seen vm2 udp-from-0
expect_seen gw dhcp-discover arp-request arp-any-target garp-own \
    garp-own-reply rarp-announce ethertype-0835 list-arp-first \
    list-arp-second
expect_dropped vm2 tcp-from-0 icmp-from-0 spoofed-mac spoofed-ip-icmp \
    spoofed-ip-udp spoofed-ip-tcp ipv6-udp vlan-ip vlan-0-ip rarp-unicast \
    list-ip-other
expect_dropped gw spoofed-mac-arp arp-forged-sha arp-forged-spa garp-other \
    ethertype-88b5 ipv6-mcast vlan-arp rarp-op-4 rarp-op-1 rarp-other-tha \
    rarp-other-sha rarp-with-ip ethertype-0835-spoofed-mac list-arp-other

expect_seen vm1 in-ip-any-source in-ip-broadcast in-tcp-any-source \
    in-arp-odd-sender in-arp-broadcast
# Towards the VM libvirt accepts a RARP announcement only when it carries
# the VM's own MAC (qemu-announce-self-rarp's "in" rule); another VM's
# announcement (in-rarp-other) is dropped, as in libvirt.
expect_seen vm1 in-rarp-announce
# These broadcasts reach the unbound gw: only vm1's filter stops them.
expect_dropped vm1 in-ethertype-88b5 in-ethertype-0835 in-ipv6 in-vlan-ip \
    in-rarp-other
expect_seen gw in-ethertype-88b5 in-ethertype-0835 in-ipv6 in-vlan-ip \
    in-rarp-other

# ---- clean-traffic-gateway: vm4 and vm5 reach gw, not each other nor
# vm2; ARP still goes everywhere.
check "vm4 pings the gateway" retry 5 ping_ok vm4 $IGW
check "the gateway pings vm5" retry 5 ping_ok gw $I5
listen gw 5005
check "TCP from vm4 to the gateway" connects vm4 $IGW 5005
check_fails "vm4 cannot ping vm5" ping_ok vm4 $I5
check_fails "vm5 cannot ping vm4" ping_ok vm5 $I4
check_fails "vm4 cannot ping vm2 (unbound)" ping_ok vm4 $I2
check_fails "vm2 cannot ping vm4" ping_ok vm2 $I4

E4G=$(eth $M4 $MGW)
mf_send vm4 gw-ip "$E4G/IP(src='$I4',dst='$IGW')/ICMP()"
mf_send vm4 gw-ip-to-vm5 "$(eth $M4 $M5)/IP(src='$I4',dst='$I5')/ICMP()"
mf_send vm4 gw-ip-broadcast "$(eth $M4 $BC)/IP(src='$I4',\
dst='10.12.0.255')/UDP(dport=9999)"
mf_send vm4 gw-arp-to-vm5 "$(eth $M4 $BC)/$(arp $M4 $I4 $I5)"
mf_send vm4 gw-arp-forged-spa "$(eth $M4 $BC)/$(arp $M4 $IX $I5)"
mf_send vm4 gw-spoofed-ip "$E4G/IP(src='$IX',dst='$IGW')/ICMP()"
mf_send vm4 gw-spoofed-mac "$(eth $MX $MGW)/IP(src='$I4',dst='$IGW')/ICMP()"
# What the gateway rule is in libvirt too: every frame to the gateway's
# MAC, whatever its ethertype.
mf_send vm4 gw-ipv6-to-gw "$E4G/IPv6(src='fe80::4',dst='fe80::fe')\
/UDP(dport=9999)"
mf_send vm4 gw-88b5-to-vm5 "$(eth $M4 $M5 0x88b5)"
mf_send gw gw-from-gw "$(eth $MGW $M4)/IP(src='$IGW',dst='$I4')/ICMP()"
mf_send gw gw-from-gw-any-source "$(eth $MGW $M4)/IP(src='192.0.2.1',\
dst='$I4')/UDP(dport=9999)"
mf_send vm2 gw-from-vm2 "$(eth $M2 $M4)/IP(src='$I2',dst='$I4')/ICMP()"
mf_send vm2 gw-arp-from-vm2 "$(eth $M2 $BC)/$(arp $M2 $I2 $I4)"
check "gateway frames sent and captured" mf_run vm4 vm5 vm2 gw

expect_seen gw gw-ip gw-ipv6-to-gw
expect_seen vm5 gw-arp-to-vm5
expect_seen vm2 gw-arp-to-vm5
expect_seen vm4 gw-from-gw gw-from-gw-any-source gw-arp-from-vm2
expect_dropped vm5 gw-ip-to-vm5 gw-arp-forged-spa gw-88b5-to-vm5
# Only frames to the gateway's MAC: not an IPv4 broadcast either (as in
# libvirt).
expect_dropped vm2 gw-ip-broadcast
expect_dropped gw gw-spoofed-ip gw-spoofed-mac
expect_dropped vm4 gw-from-vm2

e2e_finish
