#!/bin/bash
# Broadcasts to several bound ports: the bridge floods one copy per port,
# and each copy for a bound port passes that port's own "in" rules (as
# libvirt's per-port POSTROUTING chain does), whoever sent it.
#
#   vm1  clean-traffic: receives any ARP and any IPv4
#   vm2  allow-ipv4 + no-other-l2-traffic: IPv4 both ways, no ARP
#   vm3  allow-arp + no-other-l2-traffic: ARP both ways, no IPv4
#   u    unbound
#   vm4  clean-traffic on an access port of VLAN 10, u10 unbound in VLAN 10
#
# So a broadcast ARP request reaches vm1 and vm3, not vm2; an IPv4
# broadcast reaches vm1 and vm2, not vm3; from a bound VM only if its own
# "out" rules let it go; never back to the sender; never out of its VLAN.
# The ports without a tag (vm1, vm2, vm3, u) are trunks of every VLAN:
# VLAN 10's broadcasts reach them tagged, which u takes and the filters
# of vm1, vm2 and vm3 drop (their ARP and IPv4 rules match untagged
# frames only).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/frames.sh"

M1=02:00:00:0e:00:01 M2=02:00:00:0e:00:02 M3=02:00:00:0e:00:03
MU=02:00:00:0e:00:fe M4=02:00:00:0e:00:04 MU10=02:00:00:0e:00:fd
BC=ff:ff:ff:ff:ff:ff

e2e_init
sw_start
vm_add vm1 $M1 10.14.0.1/24
vm_add vm2 $M2 10.14.0.2/24
vm_add vm3 $M3 10.14.0.3/24
vm_add u $MU 10.14.0.254/24
vm_add vm4 $M4 10.14.0.4/24 -- set port "$(vm_port vm4)" tag=10
vm_add u10 $MU10 10.14.0.253/24 -- set port "$(vm_port u10)" tag=10

ctl_start

check "the filters load" filter_define bcast-ipv4-only bcast-arp-only
check "vm1 binds clean-traffic" vm_bind vm1 clean-traffic IP=10.14.0.1
check "vm2 binds allow-ipv4 without ARP" vm_bind vm2 bcast-ipv4-only
check "vm3 binds allow-arp without IPv4" vm_bind vm3 bcast-arp-only
check "vm4 binds clean-traffic (VLAN 10 from its port's tag)" \
    vm_bind vm4 clean-traffic IP=10.14.0.4

# arp_bcast NAME FROM MAC IP: queues a broadcast ARP request;
# ip_bcast NAME FROM MAC IP: a broadcast UDP datagram to 10.14.0.255.
arp_bcast() {
    mf_send "$2" "$1" "$(eth "$3" $BC)/$(arp "$3" "$4" 10.14.0.100)"
}
ip_bcast() {
    mf_send "$2" "$1" "$(eth "$3" $BC)/IP(src='$4',dst='10.14.0.255')\
/UDP(dport=9999)"
}
arp_bcast u-arp u $MU 10.14.0.254
ip_bcast u-ip u $MU 10.14.0.254
# Unknown unicast floods like a broadcast.
mf_send u u-ip-unknown-unicast "$(eth $MU 02:00:00:0e:00:77)\
/IP(src='10.14.0.254',dst='10.14.0.77')/UDP(dport=9999)"
mf_send u u-88b5 "$(eth $MU $BC 0x88b5)"
arp_bcast vm1-arp vm1 $M1 10.14.0.1
ip_bcast vm1-ip vm1 $M1 10.14.0.1
# vm1's own "out" rules drop these: nobody gets a copy.
arp_bcast vm1-arp-spoofed vm1 $M1 10.14.0.99
ip_bcast vm1-ip-spoofed vm1 $M1 10.14.0.99
arp_bcast vm2-arp vm2 $M2 10.14.0.2
ip_bcast vm2-ip vm2 $M2 10.14.0.2
arp_bcast vm3-arp vm3 $M3 10.14.0.3
ip_bcast vm3-ip vm3 $M3 10.14.0.3
arp_bcast u10-arp u10 $MU10 10.14.0.253
ip_bcast u10-ip u10 $MU10 10.14.0.253
arp_bcast vm4-arp vm4 $M4 10.14.0.4
check "broadcasts sent and captured" mf_run vm1 vm2 vm3 u vm4 u10

# From the unbound VM: each bound VM by its own "in" rules.
expect_seen vm1 u-arp u-ip u-ip-unknown-unicast
expect_seen vm2 u-ip u-ip-unknown-unicast
expect_dropped vm2 u-arp
expect_seen vm3 u-arp
expect_dropped vm3 u-ip u-ip-unknown-unicast
expect_dropped vm1 u-88b5
expect_dropped vm2 u-88b5
expect_dropped vm3 u-88b5
# ... and not out of its VLAN: vm4 and u10 are in VLAN 10.
expect_dropped vm4 u-arp u-ip u-ip-unknown-unicast u-88b5
expect_dropped u10 u-arp u-ip u-88b5

# From bound VMs: the sender's "out" rules, then each receiver's "in".
expect_seen u vm1-arp vm1-ip
expect_seen vm2 vm1-ip
expect_dropped vm2 vm1-arp
expect_seen vm3 vm1-arp
expect_dropped vm3 vm1-ip
expect_dropped u vm1-arp-spoofed vm1-ip-spoofed
expect_dropped vm2 vm1-ip-spoofed
expect_dropped vm3 vm1-arp-spoofed
# Never back to the sender.
expect_dropped vm1 vm1-arp vm1-ip

expect_seen u vm2-ip
expect_seen vm1 vm2-ip
expect_dropped vm3 vm2-ip
# vm2's own rules drop its ARP: nobody sees it.
expect_dropped u vm2-arp
expect_dropped vm1 vm2-arp

expect_seen u vm3-arp
expect_seen vm1 vm3-arp
expect_dropped vm2 vm3-arp
expect_dropped u vm3-ip
expect_dropped vm1 vm3-ip

# VLAN 10: u10's broadcasts reach vm4 untagged through its rules, and the
# trunk u tagged.
expect_seen vm4 u10-arp u10-ip
check "u10-arp reaches vm4 untagged" mf_seen vm4 u10-arp untagged
check "u10-ip reaches vm4 untagged" mf_seen vm4 u10-ip untagged
check "u10-arp reaches the trunk u in VLAN 10" mf_seen u u10-arp 10
check "u10-ip reaches the trunk u in VLAN 10" mf_seen u u10-ip 10
expect_dropped vm1 u10-arp u10-ip
expect_dropped vm2 u10-ip
expect_dropped vm3 u10-arp
# vm4's broadcast: u10 untagged, u in VLAN 10.
check "vm4-arp reaches u10 untagged" mf_seen u10 vm4-arp untagged
check "vm4-arp reaches the trunk u in VLAN 10" mf_seen u vm4-arp 10
expect_dropped vm1 vm4-arp
expect_dropped vm3 vm4-arp

# Real packets: ARP and ping within VLAN 10 through vm4's filter, none
# across VLANs.
check "vm4 pings u10 in VLAN 10" retry 5 ping_ok vm4 10.14.0.253
check "u10 pings vm4" ping_ok u10 10.14.0.4
check_fails "vm4 does not reach vm1 in another VLAN" ping_ok vm4 10.14.0.1
check "u pings vm1 (broadcast ARP to a bound port)" retry 5 ping_ok u 10.14.0.1

e2e_finish
