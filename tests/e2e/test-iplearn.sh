#!/bin/bash
# IP address learning (CTRL_IP_LEARNING) on a real switch with real DHCP
# software: dnsmasq as the server, busybox udhcpc as the VM's client.
#
#   srv     unbound, 10.20.0.1, dnsmasq leasing 10.20.0.100-150
#   rogue   unbound, 10.20.0.66, sends a forged DHCPACK with scapy
#   vm1     clean-traffic, dhcp mode, DHCPSERVER=10.20.0.1, udhcpc
#   vm2     clean-traffic, dhcp mode, a 3-second lease (scapy ACK)
#   vm3     clean-traffic, any mode, static 10.20.0.3 (learns from IPv4)
#   vm4     clean-traffic, any mode, static 10.20.0.4 (learns from ARP)
#   vm5     clean-traffic, any mode, unbound while learning
#   vm6     clean-traffic, learning mode none
#   vm7     a filter updated while it learns

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/frames.sh"

SRV=10.20.0.1
MSRV=02:00:00:14:00:fe
MROGUE=02:00:00:14:00:66
mac() { printf '02:00:00:14:00:%02x' "$1"; }

e2e_init
sw_start
vm_add srv $MSRV $SRV/24
vm_add rogue $MROGUE 10.20.0.66/24
for i in 1 2 5 6 7; do
    vm_add vm$i "$(mac $i)" 169.254.20.$i/32
done
vm_add vm3 "$(mac 3)" 10.20.0.3/24
vm_add vm4 "$(mac 4)" 10.20.0.4/24
ctl_start

port() { vm_port "$1"; }
# The number of flows on the switch whose cookie names the VM's port.
port_flows() {
    local ofport
    ofport=$(vm_ofport "$1")
    ofctl dump-flows br0 | sed -n 's/.*cookie=\(0x[0-9a-f]*\),.*/\1/p' |
        while read -r cookie; do
            [ $((cookie & 0xffff)) = "$ofport" ] && echo "$cookie"
        done | grep -c . || true
}

# ---- dhcp mode with a trusted server: dnsmasq and udhcpc.
vm_exec srv dnsmasq --no-daemon --no-ping --port=0 --interface=eth0 \
    --bind-interfaces --dhcp-range=10.20.0.100,10.20.0.150,255.255.255.0,2m \
    --dhcp-leasefile="$SW_DIR/dnsmasq.leases" --log-dhcp \
    >"$SW_DIR/dnsmasq.log" 2>&1 &
echo $! >"$SW_DIR/dnsmasq.pid"

bind_learning vm1 CTRL_IP_LEARNING=dhcp DHCPSERVER=$SRV
check "a port without IP starts learning" retry 10 status_is vm1 learning
check "a learning port in dhcp mode cannot ping" sw_not ping_ok vm1 $SRV

# A rogue server's ACK reaches the controller (learning copies are taken
# before the port's rules) and must be ignored there.
dhcp_reply rogue $MROGUE 10.20.0.66 10.20.0.77 10.20.0.77 "$(mac 1)" 600
sleep 1
check "a rogue server's DHCPACK is ignored" status_is vm1 learning
check "... and nothing is learned from it" no_learned vm1
check "... and the log says why" ctl_log_has "untrusted server 10.20.0.66"

cat >"$SW_DIR/udhcpc.script" <<'EOF'
#!/bin/sh
case $1 in
    bound|renew) ip addr add "$ip/${mask:-24}" dev "$interface"
                 echo "$ip" >"$UDHCPC_OUT" ;;
    deconfig) ;;
esac
EOF
chmod +x "$SW_DIR/udhcpc.script"
# exec, so that the pid is udhcpc's own, for SIGUSR2.
(exec ip netns exec "$(vm_ns vm1)" env UDHCPC_OUT="$SW_DIR/vm1.lease" \
    udhcpc -f -i eth0 -t 10 -T 1 -s "$SW_DIR/udhcpc.script" \
    >"$SW_DIR/udhcpc.log" 2>&1) &
echo $! >"$SW_DIR/udhcpc.pid"
lease_got() { [ -s "$SW_DIR/vm1.lease" ]; }
check "udhcpc gets a lease through the learning port" retry 10 lease_got
LEASE=$(cat "$SW_DIR/vm1.lease" 2>/dev/null)
check "the leased address is learned" retry 5 learned_is vm1 "$LEASE"
check "the port becomes active" retry 5 status_is vm1 active
check "the VM reaches the server from its leased address" \
    retry 5 ping_ok vm1 $SRV
check "a spoofed source address from it is dropped" \
    frame_blocked vm1 srv "udp port 5555" \
    "Ether(src=\"$(mac 1)\",dst=\"$MSRV\")/IP(src=\"10.20.0.99\",dst=\"$SRV\")/UDP(sport=5555,dport=5555)"
check "nwf-ofctl bindings shows the learned address" \
    sh -c "'$NWF_OFCTL' --target='$SW_DIR/nwf-controller.ctl' bindings | grep '^$(port vm1) ' | grep -q '$LEASE'"
json_learned() {
    "$NWF_OFCTL" --target="$SW_DIR/nwf-controller.ctl" bindings \
        --format=json | "$PYTHON" -c '
import json, sys
b = {x["port"]: x for x in json.load(sys.stdin)}
assert b[sys.argv[1]]["learned_ip"] == [sys.argv[2]], b' "$(port vm1)" "$LEASE"
}
check "... and in JSON, as a list" json_learned

# Each learning port has its own meters, one per direction.
learn_meter() { echo $((256 + 2 * $(vm_ofport "$1") + $2)); }
has_meter() { ofctl dump-meters br0 | grep -q "meter=$1 "; }
check "vm1 has its own meter for copies from it" \
    has_meter "$(learn_meter vm1 0)"
check "... and one for copies to it" has_meter "$(learn_meter vm1 1)"

# ---- the state survives a restart, without learning again.
check "the learned address is in the state file" \
    grep -q "$LEASE" "$SW_DIR/state/iplearn.json"
# A meter that no flow uses (as if left by a port that went away while
# the controller was down).
ofctl add-meter br0 meter=9999,pktps,band=type=drop,rate=5
ctl_appctl exit
sleep 0.5
ctl_start
sleep 1
check "after a restart the port is active at once" status_is vm1 active
check "... with the same address" learned_is vm1 "$LEASE"
check "... and the controller did not learn it again" \
    ctl_log_has "learned addresses of 1 ports"
check "... and traffic flows" retry 3 ping_ok vm1 $SRV
check "... and a meter that no flow uses is deleted" \
    retry 5 sw_not has_meter 9999
check "... while vm1's stay" has_meter "$(learn_meter vm1 0)"

# ---- RELEASE takes the address away (udhcpc sends it on SIGUSR2).
kill -USR2 "$(cat "$SW_DIR/udhcpc.pid")"
check "a DHCPRELEASE ends the lease: learning again" \
    retry 10 status_is vm1 learning
check "... and the learned address is gone" no_learned vm1
kill "$(cat "$SW_DIR/udhcpc.pid")" 2>/dev/null

# ---- lease expiry, with an ACK of a 3-second lease from the server's
# address.
bind_learning vm2 CTRL_IP_LEARNING=DHCP
check "vm2 learns (mode is case-insensitive)" retry 10 status_is vm2 learning
dhcp_request vm2 "$(mac 2)" 1
dhcp_reply srv $MSRV $SRV 255.255.255.255 10.20.0.102 "$(mac 2)" 3
check "a broadcast DHCPACK gives vm2 its lease" \
    retry 5 learned_is vm2 10.20.0.102
check "... and vm2 becomes active" retry 5 status_is vm2 active
check "the lease expires after 3 seconds: learning again" \
    retry 10 status_is vm2 learning
check "... without the address" no_learned vm2

# ---- any mode: the first IPv4 packet, or an ARP.
bind_learning vm3
check "vm3 learns in any mode (the default)" retry 10 status_is vm3 learning
check "a learning port in any mode can send IPv4" retry 5 ping_ok vm3 $SRV
check "vm3's address is learned from its traffic" \
    retry 5 learned_is vm3 10.20.0.3
check "vm3 becomes active" retry 5 status_is vm3 active
check "vm3 cannot spoof its source address afterwards" \
    frame_blocked vm3 srv "udp port 5555" \
    "Ether(src=\"$(mac 3)\",dst=\"$MSRV\")/IP(src=\"10.20.0.98\",dst=\"$SRV\")/UDP(sport=5555,dport=5555)"

# ---- another MAC on the interface: what was learned does not hold.
vsctl set interface "$(port vm3)" external_ids:attached-mac=02:00:00:14:00:33
check "a new MAC on the interface starts learning again" \
    retry 10 status_is vm3 learning
check "... without the old address" no_learned vm3
vsctl set interface "$(port vm3)" "external_ids:attached-mac=$(mac 3)"

bind_learning vm4 CTRL_IP_LEARNING=any
check "vm4 learns" retry 10 status_is vm4 learning
vm_exec vm4 "$PYTHON" - "$(mac 4)" <<'PY'
import sys
from scapy.all import *
conf.verb = 0
sendp(Ether(src=sys.argv[1], dst="ff:ff:ff:ff:ff:ff") /
      ARP(op=1, hwsrc=sys.argv[1], psrc="10.20.0.4", pdst="10.20.0.1"),
      iface="eth0")
PY
check "vm4's address is learned from its ARP" \
    retry 5 learned_is vm4 10.20.0.4
check "a spoofed source MAC never counts" \
    sh -c "! grep -q '10.20.0.97' '$SW_DIR/state/iplearn.json'"

# ---- a filter update while a port learns: the port keeps learning, and
# when it has learned, its flows come from the filter as it is then.
# learn_filter PORT: defines learn-test (tests/data/filters), which drops
# TCP to port 7777, with PORT in its place.
learn_filter() {
    sed "s/dstportstart='7777'/dstportstart='$1'/" \
        "$E2E_FILTERS/learn-test.xml" >"$SW_DIR/learn-filter.xml" &&
        ctl_ofctl define "$SW_DIR/learn-filter.xml"
}
flows_have() { ofctl dump-flows br0 | grep -q "$1"; }
check "a filter for a learning port is defined" learn_filter 7777
vm_exec vm7 ip addr add 10.20.0.7/24 dev eth0
vsctl set interface "$(port vm7)" external_ids:filterref=learn-test
check "vm7 learns with it" retry 10 status_is vm7 learning
check "the filter is updated while vm7 learns" learn_filter 7778
check "vm7 is still learning" status_is vm7 learning
check "vm7 learns from its traffic" retry 5 ping_ok vm7 $SRV
check "vm7 becomes active" retry 5 status_is vm7 active
check "its flows come from the updated filter" flows_have tp_dst=7778
check_fails "... not the old one" flows_have tp_dst=7777
vsctl remove interface "$(port vm7)" external_ids filterref
vm_exec vm7 ip addr del 10.20.0.7/24 dev eth0
ctl_appctl filter/undefine learn-test >/dev/null

# ---- a port removed while learning leaves nothing behind.
bind_learning vm5
check "vm5 learns" retry 10 status_is vm5 learning
check "a learning port has flows" test "$(port_flows vm5)" -gt 0
VM5_METER=$(learn_meter vm5 0)
check "... and its meter" has_meter "$VM5_METER"
vsctl remove interface "$(port vm5)" external_ids filterref
gone() {
    [ "$(port_flows vm5)" = 0 ] && [ -z "$(ext_id vm5 filterref-status)" ]
}
check "unbinding it removes its flows and status" retry 10 gone
check "... and its meters" retry 5 sw_not has_meter "$VM5_METER"
check "... and its learning state" retry 5 \
    sh -c "! grep -q '$(port vm5)' '$SW_DIR/state/iplearn.json'"

# ---- mode none: $IP unset is an error.
bind_learning vm6 CTRL_IP_LEARNING=none
none_error() {
    case "$(ext_id vm6 filterref-status)" in error:*IP*) return 0 ;; esac
    return 1
}
check "mode none without IP is an error" retry 10 none_error
check "a bad DHCPSERVER is an error" sh -c "
    ovs-vsctl --db=unix:$SW_DIR/db.sock set interface $(port vm6) \
        external_ids:filterref-param-CTRL_IP_LEARNING=dhcp \
        external_ids:filterref-param-DHCPSERVER=notanip"
bad_server() {
    case "$(ext_id vm6 filterref-status)" in error:*DHCPSERVER*) return 0 ;;
    esac
    return 1
}
check "... reported on the port" retry 10 bad_server

# ---- capture: the packets the controller gets for a port, as pcap.
bind_learning vm4 CTRL_IP_LEARNING=dhcp
check "vm4 learns again in dhcp mode" retry 10 status_is vm4 learning
ofctl_daemon() {
    "$NWF_OFCTL" --target="$SW_DIR/nwf-controller.ctl" "$@"
}
# A file name relative to nwf-ofctl's directory, not the daemon's.
check "nwf-ofctl capture starts a capture" \
    sh -c "cd '$SW_DIR' && '$(realpath "$NWF_OFCTL")' --target='$SW_DIR/nwf-controller.ctl' capture $(port vm4) vm4.pcap"
vm_exec vm4 timeout 3 udhcpc -f -i eth0 -n -t 2 -T 1 -s /bin/true \
    >/dev/null 2>&1
check "nwf-ofctl capture-stop ends it, counting packets" \
    sh -c "'$NWF_OFCTL' --target='$SW_DIR/nwf-controller.ctl' capture-stop $(port vm4) | grep -q '[1-9][0-9]* packets'"
check_fails "capture-stop without a capture is an error" \
    ofctl_daemon capture-stop "$(port vm4)"
check "the capture holds vm4's DHCP packets" \
    sh -c "tcpdump -n -r '$SW_DIR/vm4.pcap' 2>/dev/null | grep -q 'BOOTP/DHCP'"

# ---- a guest that floods the controller with copies holds up no other
# port's learning: vm4 (dhcp mode) sends DHCP client packets as fast as
# it can while vm2 gets its ACK.
check "vm2 is learning" retry 5 status_is vm2 learning
frame_flood vm4 4 "Ether(src='$(mac 4)', dst='ff:ff:ff:ff:ff:ff') /
    IP(src='0.0.0.0', dst='255.255.255.255') / UDP(sport=68, dport=67) /
    BOOTP(chaddr=bytes.fromhex('$(mac 4 | tr -d :)'), xid=7) /
    DHCP(options=[('message-type', 'discover'), 'end'])" &
flooder=$!
sleep 1
dhcp_request vm2 "$(mac 2)" 1
dhcp_reply srv $MSRV $SRV 10.20.0.103 10.20.0.103 "$(mac 2)" 600
check "vm2 learns while vm4 floods" retry 5 learned_is vm2 10.20.0.103
wait "$flooder"

kill "$(cat "$SW_DIR/dnsmasq.pid")" 2>/dev/null
e2e_finish
