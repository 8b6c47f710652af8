#!/bin/bash
# OVSDB bindings on a real switch: external_ids:filterref binds a filter
# with filterref-param-* parameters and attached-mac; the controller makes
# the bridge fail_mode=secure, installs the flows, reports "active" only
# once they are on the switch, enforces the filter on real packets, reports
# errors per port without touching other ports, and cleans up on unbind.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/frames.sh"

e2e_init
sw_start
vm_add vm1 02:00:00:00:07:01 10.9.7.1/24
vm_add vm2 02:00:00:00:07:02 10.9.7.2/24
vm_add vm3 02:00:00:00:07:03 10.9.7.3/24
ctl_start

p1=$(vm_port vm1)
p2=$(vm_port vm2)
p3=$(vm_port vm3)

# status_starts VM PREFIX: VM's filterref-status starts with PREFIX.
status_starts() {
    case "$(ext_id "$1" filterref-status)" in "$2"*) return 0 ;; esac
    return 1
}

vsctl set interface "$p1" external_ids:filterref=clean-traffic \
    external_ids:filterref-param-IP=10.9.7.1
check "a bound port becomes active" retry 10 status_is vm1 active
check "the bridge is set to fail_mode=secure" \
    test "$(vsctl get bridge br0 fail_mode)" = secure
check "a conntrack zone is recorded on the interface" \
    sh -c "ovs-vsctl --db=unix:$SW_DIR/db.sock get interface $p1 external_ids:filterref-ct-zone | grep -q '[0-9]'"

check "the bound VM reaches an unbound one" retry 5 ping_ok vm1 10.9.7.2
check "unbound VMs still talk" retry 5 ping_ok vm2 10.9.7.3
check "a spoofed source IP from the bound VM is dropped" \
    frame_blocked vm1 vm2 "udp port 5555" \
    'Ether(src="02:00:00:00:07:01",dst="02:00:00:00:07:02")/IP(src="10.9.7.99",dst="10.9.7.2")/UDP(sport=5555,dport=5555)'
check "the same frame with its own IP arrives" \
    frame_arrives vm1 vm2 "udp port 5555" \
    'Ether(src="02:00:00:00:07:01",dst="02:00:00:00:07:02")/IP(src="10.9.7.1",dst="10.9.7.2")/UDP(sport=5555,dport=5555)'
check "a spoofed source MAC from the bound VM is dropped" \
    frame_blocked vm1 vm2 "udp port 5555" \
    'Ether(src="02:00:00:00:07:99",dst="02:00:00:00:07:02")/IP(src="10.9.7.1",dst="10.9.7.2")/UDP(sport=5555,dport=5555)'

# Once everything is installed the controller has nothing to do: it must
# not keep sending batches to the switch (it once did, at 85% CPU).
cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$(cat "$SW_DIR/nwf-controller.pid")/stat"
}
controller_idle() {
    local before after
    before=$(cpu_ticks)
    sleep 2
    after=$(cpu_ticks)
    echo "controller used $((after - before)) ticks in 2 s"
    [ $((after - before)) -lt 20 ]
}
check "the controller is idle once bindings settle" controller_idle

# The host itself (the bridge's LOCAL port) sees the same from-VM rules,
# as libvirt's HI chain does: a spoofed source toward the host is dropped.
ip -n "$SW_NS" addr add 10.9.7.254/24 dev br0
ip -n "$SW_NS" link set br0 up
host_mac=$(ip -n "$SW_NS" -br link show br0 | awk '{ print $3 }')
host_sees() {
    local src=$1
    rm -f "$SW_DIR/host.err"
    ip netns exec "$SW_NS" timeout 3 tcpdump -i br0 -c 1 -n -U \
        --immediate-mode -p "udp port 5656" >"$SW_DIR/host.out" \
        2>"$SW_DIR/host.err" &
    local sniffer=$!
    retry 2 grep -q "listening on" "$SW_DIR/host.err"
    vm_exec vm1 "$PYTHON" - "$src" "$host_mac" <<'PY'
import sys
from scapy.all import Ether, IP, UDP, sendp, conf
conf.verb = 0
sendp(Ether(src="02:00:00:00:07:01", dst=sys.argv[2]) /
      IP(src=sys.argv[1], dst="10.9.7.254") / UDP(sport=5656, dport=5656),
      iface="eth0")
PY
    wait "$sniffer"
    grep -q 5656 "$SW_DIR/host.out"
}
check "the bound VM reaches the host (LOCAL port)" retry 3 host_sees 10.9.7.1
check "a spoofed source toward the host is dropped" sw_not host_sees 10.9.7.66
check "the host pings the bound VM" \
    retry 5 ip netns exec "$SW_NS" ping -c 1 -W 1 10.9.7.1

list_shows_active() {
    ctl_appctl bindings/list | grep "^$p1 " |
        grep -q "clean-traffic .* active  *-  *-  *IP=10.9.7.1$"
}
check "bindings/list shows the port, its filter, state and parameters" \
    list_shows_active
list_json_parses() {
    ctl_appctl bindings/list --format=json | "$PYTHON" -c '
import json, sys
b = json.load(sys.stdin)
assert any(x["state"] == "active" and x["flows"] > 0
           and x["parameters"] == {"IP": ["10.9.7.1"]}
           and x["learned_ip"] == [] for x in b), b'
}
check "bindings/list --format=json parses, with parameters" list_json_parses
show_groups_by_rule() {
    ctl_appctl bindings/show "$p1" >"$SW_DIR/show.out" || return 1
    cat "$SW_DIR/show.out"
    # The MAC check of no-mac-spoofing saw vm1's pings.
    grep "^filter no-mac-spoofing rule 1: " "$SW_DIR/show.out" \
        | grep -qv ": 0 packets"
}
check "bindings/show groups flows by rule with counters" show_groups_by_rule

# Errors stay on their port.
vsctl set interface "$p2" external_ids:filterref=no-such-filter
check "an undefined filter is an error on that port" \
    retry 10 status_starts vm2 "error: "
check "the error names the filter" \
    sh -c "ovs-vsctl --db=unix:$SW_DIR/db.sock get interface $p2 external_ids:filterref-status | grep -q no-such-filter"
check "a port in error passes nothing" sw_not ping_ok vm2 10.9.7.3
check "another bound port stays active" status_is vm1 active
check "unbound ports are not affected" retry 5 ping_ok vm3 10.9.7.1

vsctl set interface "$p3" external_ids:filterref=clean-traffic \
    external_ids:filterref-param-IP=10.9.7.3 \
    external_ids:attached-mac=not-a-mac
check "a bad MAC is an error on that port" \
    retry 10 status_starts vm3 "error: attached-mac: bad MAC"
vsctl remove interface "$p3" external_ids attached-mac
vsctl set interface "$p3" external_ids:filterref-param-MAC=02:00:00:00:07:03
check "filterref-param-MAC gives the MAC" retry 10 status_is vm3 active
check "two bound VMs talk through both filters" retry 5 ping_ok vm1 10.9.7.3

vsctl set interface "$p3" external_ids:filterref-param-IP=10.9.7.3,bad/value
check "a malformed parameter is an error on that port" \
    retry 10 status_starts vm3 "error: "

# Unbinding removes what the controller wrote and reopens the port.
vsctl remove interface "$p2" external_ids filterref
status_cleared() {
    ! vsctl get interface "$p2" external_ids | grep -q filterref-status
}
check "unbinding removes the status" retry 10 status_cleared
# Its frames pass the OpenFlow tables at once.  Open vSwitch 3.1's
# userspace datapath, though, can keep a cached datapath flow of the error
# state ("drop") past the change, for as long as it is used: its
# revalidator loses track of it (docs/pipeline.md, "The datapath's flow
# cache").  Purged, nothing else holds the frames back.
check "the unbound port's frames pass the OpenFlow tables" sh -c "
    ovs-appctl -t $SW_DIR/ovs-vswitchd.\$(cat $SW_DIR/ovs-vswitchd.pid).ctl \
        ofproto/trace br0 in_port=$(vsctl get interface "$p2" ofport),icmp,dl_src=02:00:00:00:07:02,dl_dst=02:00:00:00:07:01,nw_src=10.9.7.2,nw_dst=10.9.7.1 \
        | grep -q 'output:$(vsctl get interface "$p1" ofport)\$'"
vsw_appctl revalidator/purge >/dev/null
check "an unbound port forwards again" retry 10 ping_ok vm2 10.9.7.1

e2e_finish
