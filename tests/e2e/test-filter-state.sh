#!/bin/bash
# IP-layer actions, directions and connection state with real TCP connections
# (nc) and crafted packets, IPv4 and IPv6, against libvirt's behaviour
# (docs/filter-format.md, "action" and "direction"): a stateful accept admits
# new connections in its direction and their replies but no unsolicited
# SYN-ACK, ACK or echo reply; statematch='false' keeps a stateless mirror;
# inout lets the VM serve a port but not connect to it; explicit states have
# no mirror; return is accept for the port; continue decides nothing;
# priority, not document order, decides; and traffic between two bound VMs
# passes both VMs' rules.  Reject: test-filter-reject.sh.
#
# vm1 and vm3 are bound, vm2 is not.  Address .9 is nobody's: scapy
# frames from it (sent by vm2) play a remote host that no kernel answers
# for.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/frames.sh"

e2e_init
sw_start
M1=02:00:00:00:23:01 M2=02:00:00:00:23:02 M3=02:00:00:00:23:03
vm_add vm1 $M1 10.9.23.1/24
vm_add vm2 $M2 10.9.23.2/24
vm_add vm3 $M3 10.9.23.3/24
for vm in 1 2 3; do
    vm_exec vm$vm ip -6 addr add fd00:23::$vm/64 dev eth0 nodad
done
# No ARP or ND needed: IP-layer rules that drop "all-ipv6" would also
# drop neighbour discovery.
for a in 1 2 3; do
    for b in 1 2 3; do
        [ $a = $b ] && continue
        mac=M$b
        neigh_static vm$a 10.9.23.$b ${!mac}
        neigh_static vm$a fd00:23::$b ${!mac}
    done
    neigh_static vm$a 10.9.23.9 $M2
    neigh_static vm$a fd00:23::9 $M2
done
listen vm1 22 80 81
listen vm2 22 80 81 82 90 8080
listen vm3 80 81 82

ctl_start

# bind VM FILTER: defines FILTER (tests/data/filters), binds VM to it, and
# forgets the connections earlier filters let through.
bind() {
    filter_define "$2" && vm_bind "$1" "$2" && ct_flush
}

# Crafted TCP between vm1 and the remote .9 (from vm2's port).
from9() {
    echo "Ether(dst='$M1')/IP(src='10.9.23.9', dst='10.9.23.1')/TCP($1)"
}
to9() {
    echo "Ether(dst='$M2')/IP(src='10.9.23.1', dst='10.9.23.9')/TCP($1)"
}
to1() {
    echo "Ether(dst='$M1')/IP(src='10.9.23.2', dst='10.9.23.1')"
}
to2() {
    echo "Ether(dst='$M2')/IP(src='10.9.23.1', dst='10.9.23.2')"
}
from9v6() {
    echo "Ether(dst='$M1')/IPv6(src='fd00:23::9', dst='fd00:23::1')/TCP($1)"
}
to9v6() {
    echo "Ether(dst='$M2')/IPv6(src='fd00:23::1', dst='fd00:23::9')/TCP($1)"
}

check "an empty filter loads" bind vm1 empty
check "vm1 connects to vm2 unfiltered" retry 5 connects vm1 10.9.23.2 80
check "vm2 connects to vm1 unfiltered" connects vm2 10.9.23.1 80

# ---- Stateful accept out (the default statematch) + drop the rest.
check "stateful out filter loads" bind vm1 state-out-stateful
check "stateful: vm1 connects to port 80" connects vm1 10.9.23.2 80
check "stateful: ... over IPv6" connects vm1 fd00:23::2 80
check "stateful: vm1 cannot connect to port 8080" connect_fails vm1 10.9.23.2 \
    8080
check "stateful: ... over IPv6" connect_fails vm1 fd00:23::2 8080
check "stateful: vm2 cannot connect to vm1's port 80" \
    connect_fails vm2 10.9.23.1 80
check "stateful: ... over IPv6" connect_fails vm2 fd00:23::1 80
check "stateful: vm1 pings vm2 (icmp without type)" ping_ok vm1 10.9.23.2
check "stateful: vm2 cannot ping vm1" sw_not ping_ok vm2 10.9.23.1
# A handshake half played by scapy: the SYN-ACK that answers vm1's SYN
# arrives, an unsolicited one (another port pair) does not.
probe_frame vm1 "$(to9 "sport=41000, dport=80, flags='S', seq=1000")"
probe arrives "stateful: the SYN-ACK that answers a SYN arrives" vm2 vm1 \
    "tcp src port 80 and tcp dst port 41000" \
    "$(from9 "sport=80, dport=41000, flags='SA', seq=5000, ack=1001")"
probe blocked "stateful: an unsolicited SYN-ACK from port 80 is dropped" \
    vm2 vm1 "tcp src port 80 and tcp dst port 41001" \
    "$(from9 "sport=80, dport=41001, flags='SA', seq=5000, ack=1001")"
probe blocked "stateful: an unsolicited ACK from port 80 is dropped" \
    vm2 vm1 "tcp src port 80 and tcp dst port 41002" \
    "$(from9 "sport=80, dport=41002, flags='A', seq=5000, ack=1001")"
probe_frame vm1 \
    "Ether(dst='$M2')/IP(src='10.9.23.1', dst='10.9.23.9')/ICMP(type=8, \
    id=301)"
probe arrives "stateful: the echo reply that answers a request arrives" \
    vm2 vm1 "icmp[0]=0 and icmp[4:2]=301" \
    "Ether(dst='$M1')/IP(src='10.9.23.9', dst='10.9.23.1')/ICMP(type=0, \
    id=301)"
probe blocked "stateful: an unsolicited echo reply is dropped" vm2 vm1 \
    "icmp[0]=0 and icmp[4:2]=302" \
    "Ether(dst='$M1')/IP(src='10.9.23.9', dst='10.9.23.1')/ICMP(type=0, \
    id=302)"
probe_frame vm1 "$(to9v6 "sport=41003, dport=80, flags='S', seq=1000")"
probe arrives "stateful: the IPv6 SYN-ACK that answers a SYN arrives" vm2 vm1 \
    "ip6 and tcp dst port 41003" \
    "$(from9v6 "sport=80, dport=41003, flags='SA', seq=5000, ack=1001")"
probe blocked "stateful: an unsolicited IPv6 SYN-ACK is dropped" vm2 vm1 \
    "ip6 and tcp dst port 41004" \
    "$(from9v6 "sport=80, dport=41004, flags='SA', seq=5000, ack=1001")"
probe_run

# ---- ICMP with a type has no mirror (docs/filter-format.md, "direction"):
# an echo request let in gets no reply out without a rule of its own.
ping6_ok() {
    vm_exec "$1" ping -6 -c 1 -W 1 "$2"
}
check "icmp type 8 in, no reply rule, loads" bind vm1 state-icmp-type-in
probe arrives "icmp type: the echo request reaches vm1" vm2 vm1 \
    "icmp[0]=8 and icmp[4:2]=601" "$(to1)/ICMP(type=8, id=601)"
probe_run
check "icmp type: vm2 cannot ping vm1 (no mirror for the reply)" \
    sw_not ping_ok vm2 10.9.23.1
check "icmpv6 type: vm2 cannot ping vm1 over IPv6" sw_not ping6_ok vm2 \
    fd00:23::1
check "with echo replies out, loads" bind vm1 state-icmp-type-in-reply
check "icmp type: with a rule for the reply, vm2 pings vm1" ping_ok vm2 \
    10.9.23.1
check "icmpv6 type: ... over IPv6" ping6_ok vm2 fd00:23::1
check "icmp type: vm1 still cannot ping vm2" sw_not ping_ok vm1 10.9.23.2
# Ours (docs/pipeline.md, "Where we differ"): inout with a type applies
# both ways as written; libvirt instantiates nothing for it.
check "inout icmp type 8 loads" bind vm1 state-icmp-inout-type
probe arrives "inout icmp type: an echo request reaches vm1" vm2 vm1 \
    "icmp[0]=8 and icmp[4:2]=602" "$(to1)/ICMP(type=8, id=602)"
probe arrives "inout icmp type: vm1's echo request reaches vm2" vm1 vm2 \
    "icmp[0]=8 and icmp[4:2]=603" "$(to2)/ICMP(type=8, id=603)"
probe blocked "inout icmp type: an echo reply to vm1 does not" vm2 vm1 \
    "icmp[0]=0 and icmp[4:2]=604" "$(to1)/ICMP(type=0, id=604)"
probe_run

# ---- statematch='false' (docs/filter-format.md, "direction"): the mirror is
# kept without state, so any packet from port 80 is admitted.
check "statematch=false filter loads" bind vm1 state-statematch-false
check "statematch=false: vm1 connects to port 80" connects vm1 10.9.23.2 80
check "statematch=false: vm2 cannot connect to vm1's port 80" \
    connect_fails vm2 10.9.23.1 80
probe arrives "statematch=false: an unsolicited SYN-ACK from port 80 arrives" \
    vm2 vm1 "tcp src port 80 and tcp dst port 41010" \
    "$(from9 "sport=80, dport=41010, flags='SA', seq=5000, ack=1001")"
probe blocked "statematch=false: one from port 81 does not" vm2 vm1 \
    "tcp src port 81 and tcp dst port 41011" \
    "$(from9 "sport=81, dport=41011, flags='SA', seq=5000, ack=1001")"
probe_run

# ---- inout (docs/filter-format.md, "direction"): read from the inbound
# side, stateless: the VM serves port 80 but cannot connect to a remote port
# 80.  in: stateful, the VM serves port 22 and cannot connect to port 22.
check "inout/in filter loads" bind vm1 state-inout
check "inout: vm2 connects to vm1's port 80" connects vm2 10.9.23.1 80
check "inout: ... over IPv6" connects vm2 fd00:23::1 80
check "inout: vm1 cannot connect to vm2's port 80" \
    connect_fails vm1 10.9.23.2 80
check "inout: ... over IPv6" connect_fails vm1 fd00:23::2 80
check "in: vm2 connects to vm1's port 22" connects vm2 10.9.23.1 22
check "in: vm1 cannot connect to vm2's port 22" connect_fails vm1 10.9.23.2 22
probe blocked "in: an unsolicited SYN-ACK to vm1's port 22 is dropped" \
    vm2 vm1 "tcp src port 41020 and tcp dst port 22" \
    "$(from9 "sport=41020, dport=22, flags='SA', seq=5000, ack=1001")"
probe arrives "inout is stateless: an unsolicited SYN-ACK to port 80 arrives" \
    vm2 vm1 "tcp src port 41021 and tcp dst port 80" \
    "$(from9 "sport=41021, dport=80, flags='SA', seq=5000, ack=1001")"
probe_run

# ---- Explicit states: no mirror, whatever the action.
check "state=NEW,ESTABLISHED without a reply rule loads" \
    bind vm1 state-explicit-no-reply
check "state: no mirror, so vm1 cannot connect to port 80" \
    connect_fails vm1 10.9.23.2 80
check "state=ESTABLISHED for the replies loads" bind vm1 state-explicit
check "state: with a rule for the replies, vm1 connects to port 80" \
    connects vm1 10.9.23.2 80
check "state: vm1 still cannot connect to port 81" connect_fails vm1 \
    10.9.23.2 81
probe blocked "state=ESTABLISHED: an unsolicited SYN-ACK from 80 is dropped" \
    vm2 vm1 "tcp src port 80 and tcp dst port 41030" \
    "$(from9 "sport=80, dport=41030, flags='SA', seq=5000, ack=1001")"
# vm2's kernel answers UDP to a closed port with ICMP port unreachable,
# which conntrack relates to the datagram.
probe arrives "state=RELATED: the ICMP error for vm1's UDP arrives" vm1 vm1 \
    "icmp[0]=3 and icmp[1]=3" \
    "Ether(dst='$M2')/IP(src='10.9.23.1', dst='10.9.23.2')/UDP(sport=41031, \
    dport=9999)"
probe arrives "state=INVALID: an unsolicited SYN-ACK from port 90 arrives" \
    vm2 vm1 "tcp src port 90 and tcp dst port 41032" \
    "$(from9 "sport=90, dport=41032, flags='SA', seq=5000, ack=1001")"
probe blocked "state=INVALID: a SYN from port 90 (NEW) is dropped" \
    vm2 vm1 "tcp src port 90 and tcp dst port 41033" \
    "$(from9 "sport=90, dport=41033, flags='S', seq=5000")"
probe_run
check "without the RELATED rule loads" bind vm1 state-no-related
probe blocked "state: without it, the ICMP error is dropped" vm1 vm1 \
    "icmp[0]=3 and icmp[1]=3" \
    "Ether(dst='$M2')/IP(src='10.9.23.1', dst='10.9.23.2')/UDP(sport=41034, \
    dport=9999)"
probe_run

# ---- Actions: return is accept for the port (stateless mirror:
# docs/filter-format.md, "action" and "direction"); continue takes no
# decision (ours: libvirt's binding fails, docs/pipeline.md); priority, not
# document order, decides.
check "return/continue/priority filter loads" bind vm1 state-actions
check "return: vm1 connects to port 80" connects vm1 10.9.23.2 80
check "return: vm2 cannot connect to vm1's port 80 (mirror is by port)" \
    connect_fails vm2 10.9.23.1 80
check "continue: no verdict, the drop applies to port 81" \
    connect_fails vm1 10.9.23.2 81
check "continue: then an accept applies to port 82" connects vm1 10.9.23.2 82
check "priority: accept at 200 wins over drop at 300 listed first" \
    connects vm1 10.9.23.2 22

# ---- Two bound VMs: a connection passes the sender's out rules and the
# receiver's in rules (docs/filter-format.md, "Two layers" and "action").
check "vm1's filter loads" bind vm1 state-two-vm1
check "vm3's filter loads" bind vm3 state-two-vm3
check "two bound: vm1 connects to vm3's port 80 (both allow)" \
    connects vm1 10.9.23.3 80
check "two bound: vm1 cannot reach vm3's port 82 (vm1's rules)" \
    connect_fails vm1 10.9.23.3 82
check "two bound: vm2 connects to vm3's port 82 (vm3 allows it)" \
    connects vm2 10.9.23.3 82
check "two bound: vm1 connects to vm2's port 81 (vm1 allows it)" \
    connects vm1 10.9.23.2 81
check "vm3 drops only in: port 81 loads" bind vm3 state-two-vm3-in-80
check "two bound: vm1 cannot reach vm3's port 81 (vm3's rules)" \
    connect_fails vm1 10.9.23.3 81
check "two bound: vm1 still connects to vm3's port 80" \
    connects vm1 10.9.23.3 80
check "two bound: IPv6 passes vm1 and reaches unfiltered IPv6 of vm3" \
    connects vm1 fd00:23::3 81

# A negated attribute on a stateful accept: connections to port 80 of
# every host but vm3 (whose own filter admits port 80).
check "negated stateful accept loads" bind vm1 state-negated
check "negated: vm1 connects to vm2's port 80" connects vm1 10.9.23.2 80
check "negated: vm1 cannot connect to vm3's port 80" \
    connect_fails vm1 10.9.23.3 80

e2e_finish
