#!/bin/bash
# Ports without IP-layer rules skip conntrack (NWF_IP_SEG_UNTRACKED,
# docs/pipeline.md, "Ports without IP-layer rules"): their packets make
# one datapath pass with no ct() and leave no conntrack entry, while their
# Ethernet-layer rules still apply.  When an update first gives such a
# port IP-layer rules, its open connections are picked up in mid-stream
# and keep going if the new rules allow them, in the right direction;
# when the rules stop allowing them, they stop; and back on an
# Ethernet-only filter the port skips conntrack again.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/frames.sh"

e2e_init
sw_start
M1=02:00:00:00:31:01 M2=02:00:00:00:31:02
IP1=10.9.31.1 IP2=10.9.31.2
vm_add vm1 $M1 $IP1/24
vm_add vm2 $M2 $IP2/24
neigh_static vm1 $IP2 $M2
neigh_static vm2 $IP1 $M1
ctl_start
check "define the stateful filter" filter_define web-out
check "bind vm1 to clean-traffic" vm_bind vm1 clean-traffic IP=$IP1
check "bind vm2 to clean-traffic" vm_bind vm2 clean-traffic IP=$IP2
of1=$(vm_ofport vm1)
zone1=$(ext_id vm1 filterref-ct-zone)
zone2=$(ext_id vm2 filterref-ct-zone)

# vm1's CLASSIFY entry loads the marker, and the bridge-wide flows of
# IP_OUT_CT and IP_IN_CT send such packets past conntrack.
classify_untracked() {
    ofctl dump-flows br0 --no-stats "table=0,in_port=$of1" |
        grep -q 'load:0xffff->NXM_NX_REG4\[\]\|set_field:0xffff->reg4'
}
bypass_flows() {
    ofctl dump-flows br0 --no-stats "table=11,reg4=0xffff" |
        grep -q 'actions=goto_table:20' &&
    ofctl dump-flows br0 --no-stats "table=31,reg4=0xffff" |
        grep -q 'actions=goto_table:33'
}
check "an Ethernet-only port's entry loads the untracked marker" \
    classify_untracked
check "IP_OUT_CT and IP_IN_CT pass untracked packets on" bypass_flows

# A live TCP session from vm1 to vm2:8080, one line every 100 ms.
session_start vm1 vm2 $IP2 8080
check "the TCP session carries data" retry 5 session_flows

# zone_entries ZONE: the conntrack entries of ZONE.
zone_entries() {
    vsw_appctl dpctl/dump-conntrack "zone=$1"
}
no_entries() {
    [ -z "$(zone_entries "$zone1")$(zone_entries "$zone2")" ]
}
# The datapath flows of vm1's port: none with ct(), none recirculated.
dp_port_flows() {
    vsw_appctl dpctl/dump-flows | grep "in_port($(vm_dp_port vm1))"
}
one_pass_no_ct() {
    local flows
    flows=$(dp_port_flows)
    echo "$flows"
    grep -q "ipv4(src=$IP1,.*actions:[0-9]*$" <<<"$flows" &&
        ! grep -q 'actions:.*\(ct(\|recirc(\)' <<<"$flows"
}
check "no conntrack entry in either VM's zone" no_entries
check "vm1's datapath flows make one pass without ct()" one_pass_no_ct
# The Ethernet-layer rules still decide: a spoofed source is dropped.
check "clean-traffic still lets vm1's own address through" \
    frame_arrives vm1 vm2 "udp port 9" \
    "$(eth $M1 $M2)/IP(src='$IP1', dst='$IP2')/UDP(sport=9, dport=9)"
check "clean-traffic still drops a spoofed IPv4 source" \
    frame_blocked vm1 vm2 "udp port 9" \
    "$(eth $M1 $M2)/IP(src='10.9.31.99', dst='$IP2')/UDP(sport=9, dport=9)"

# The first IP-layer rules: vm1 may connect out to 8080, statefully.  The
# session was never tracked; conntrack picks it up with vm1's next packet
# (a packet of vm2's first would be +new in reply and dropped, once).
check "rebind vm1 to a stateful filter" vm_bind vm1 web-out
check_fails "vm1's entry no longer loads the untracked marker" \
    classify_untracked
check "the session picked up in mid-stream carries data" \
    retry 5 session_flows
# Tracked with vm1 as the originator, in vm1's zone only.
picked_up() {
    zone_entries "$zone1" |
        grep -q "^tcp,orig=(src=$IP1,dst=$IP2,sport=[0-9]*,dport=8080)"
}
check "conntrack tracks it in vm1's zone, vm1 as originator" picked_up
check "vm2's zone stays empty" test -z "$(zone_entries "$zone2")"

# Without the accept, the picked-up session stops (every packet meets the
# current rules).
ctl_ofctl dumpxml web-out | sed "/dstportstart='8080'/s/8080/8081/" \
    >"$SW_DIR/web-out-v2.xml"
check "redefine the filter without port 8080" \
    ctl_ofctl define "$SW_DIR/web-out-v2.xml"
check "the session stops" session_stopped

# Back on Ethernet-only rules: untracked again.
check "rebind vm1 to clean-traffic" vm_bind vm1 clean-traffic IP=$IP1
check "vm1's entry loads the untracked marker again" classify_untracked
ct_flush
ping_again() {
    vm_exec vm1 ping -c 2 -i 0.2 -W 1 "$IP2" >/dev/null
}
check "vm1 reaches vm2" ping_again
check "and leaves no conntrack entry" no_entries

session_end
e2e_finish
