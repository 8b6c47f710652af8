# IP address learning from the end-to-end tests: the state of a bound
# port in OVSDB, and DHCP sent with scapy from namespace VMs.  Source after
# lib.sh.
#
#   ext_id VM KEY                  external_ids:KEY of VM's Interface
#   status_is VM STATUS            its filterref-status is STATUS
#   learned_is VM ADDRS            its filterref-learned-ip is ADDRS
#   no_learned VM                  it has no filterref-learned-ip
#   bind_learning VM [NAME=VALUE]...
#       binds VM to clean-traffic with filterref-param-NAME=VALUE each
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

ext_id() {
    vsctl --if-exists get interface "$(vm_port "$1")" "external_ids:$2" \
        2>/dev/null | tr -d '"'
}
status_is() { [ "$(ext_id "$1" filterref-status)" = "$2" ]; }
learned_is() { [ "$(ext_id "$1" filterref-learned-ip)" = "$2" ]; }
no_learned() { [ -z "$(ext_id "$1" filterref-learned-ip)" ]; }

bind_learning() {
    local vm=$1
    shift
    local args=(external_ids:filterref=clean-traffic) kv
    for kv in "$@"; do
        args+=("external_ids:filterref-param-$kv")
    done
    vsctl set interface "$(vm_port "$vm")" "${args[@]}"
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
