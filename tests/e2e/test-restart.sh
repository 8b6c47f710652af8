#!/bin/bash
# Restarts and faults: the controller stopped by SIGTERM and by kill -9,
# and ovs-vswitchd stopped and started.  Allowed traffic keeps flowing
# through a controller restart (a ping every 10 ms loses nothing), spoofed
# frames sent throughout never arrive, flows the controller did not want
# are gone after it reconciles, and after the switch loses every flow the
# controller puts them back while the bridge forwards nothing meanwhile.

. "$(dirname "$0")/lib.sh"

e2e_init
sw_start
vm_add vm1 02:00:00:00:08:01 10.9.8.1/24
vm_add vm2 02:00:00:00:08:02 10.9.8.2/24
vm_add vm3 02:00:00:00:08:03 10.9.8.3/24
ctl_start
for vm in vm1 vm2 vm3; do
    n=${vm#vm}
    vsctl set interface "$(vm_port $vm)" external_ids:filterref=clean-traffic \
        external_ids:filterref-param-IP=10.9.8.$n
done
active() {
    [ "$(vsctl get interface "$(vm_port "$1")" \
         external_ids:filterref-status | tr -d '"')" = active ]
}

all_active() {
    active vm1 && active vm2 && active vm3
}
check "three bound ports become active" retry 10 all_active
check "vm1 reaches vm2 through both filters" retry 5 ping_ok vm1 10.9.8.2

# Spoofed frames from vm1 (another source IP) sent every 20 ms while
# something restarts; a sniffer on vm2 counts how many arrive.
spoof_start() {
    vm_exec vm2 tcpdump -i eth0 -n -U -p 'udp port 6666' \
        >"$SW_DIR/spoof.seen" 2>/dev/null &
    echo $! >"$SW_DIR/sniffer.pid"
    (exec ip netns exec "$(vm_ns vm1)" "$PYTHON" -c '
from scapy.all import *
conf.verb = 0
f = Ether(src="02:00:00:00:08:01", dst="02:00:00:00:08:02") / \
    IP(src="10.9.8.66", dst="10.9.8.2") / UDP(sport=6666, dport=6666)
sendp(f, iface="eth0", inter=0.02, loop=1)') </dev/null >/dev/null 2>&1 &
    echo $! >"$SW_DIR/spoofer.pid"
    sleep 0.5
}
spoof_stop() {
    kill "$(cat "$SW_DIR/spoofer.pid")" 2>/dev/null
    sleep 0.3
    kill "$(cat "$SW_DIR/sniffer.pid")" 2>/dev/null
    wait 2>/dev/null
    rm -f "$SW_DIR/spoofer.pid" "$SW_DIR/sniffer.pid"
}
no_spoof_arrived() {
    [ "$(grep -c 'UDP' "$SW_DIR/spoof.seen")" = 0 ]
}

# A ping every 10 ms from vm1 to vm2 for the whole of 'ping_during CMD'.
ping_during() {
    vm_exec vm1 ping -i 0.01 -W 1 -c 600 -q 10.9.8.2 \
        >"$SW_DIR/ping.out" 2>&1 &
    local pinger=$!
    sleep 0.5
    "$@"
    wait "$pinger"
}
no_ping_lost() {
    cat "$SW_DIR/ping.out"
    grep -q " 0% packet loss" "$SW_DIR/ping.out"
}

restart_controller() {
    local signal=$1
    local pid
    pid=$(cat "$SW_DIR/nwf-controller.pid")
    kill "-$signal" "$pid"
    retry 5 sw_not kill -0 "$pid"
    rm -f "$SW_DIR/nwf-controller.pid"
    # A flow nobody asked for, while the controller is down.
    ofctl add-flow br0 "table=0,priority=65500,in_port=$(vm_ofport vm1) actions=NORMAL"
    sleep 0.5
    ofctl del-flows br0 "table=0,in_port=$(vm_ofport vm1),priority=65500" \
        --strict
    ctl_start
    retry 10 ctl_log_has \
        "the switch has [0-9]* flows: sending the difference"
    sleep 1
}

for signal in TERM KILL; do
    spoof_start
    ping_during restart_controller $signal
    spoof_stop
    check "SIG$signal restart: a 10 ms ping loses nothing" no_ping_lost
    check "SIG$signal restart: no spoofed frame arrives" no_spoof_arrived
    check "SIG$signal restart: ports are active again" active vm1
done

# A stale flow left in a managed table is removed when the new controller
# reconciles the switch's flows with its own.
ofctl add-flow br0 "table=10,priority=1,cookie=0xdead actions=drop"
stale_present() {
    ofctl dump-flows br0 | grep -q "cookie=0xdead"
}
check "a stale flow is there before the restart" stale_present
pid=$(cat "$SW_DIR/nwf-controller.pid")
kill -KILL "$pid"
retry 5 sw_not kill -0 "$pid"
rm -f "$SW_DIR/nwf-controller.pid"
# Unbind vm3 while the controller is down: its flows must go too.
vsctl remove interface "$(vm_port vm3)" external_ids filterref
ctl_start
check "stale flows are removed after reconciliation" \
    retry 10 sw_not stale_present
vm3_flows_gone() {
    ! ofctl dump-flows br0 "cookie=$(vm_ofport vm3)/0xffff" \
        | grep -q "table=1[0-2]\|table=3[2-3]"
}
check "flows of a port unbound meanwhile are gone" retry 10 vm3_flows_gone
check "the unbound port forwards again" retry 5 ping_ok vm3 10.9.8.2

# ovs-vswitchd stop and start: every flow is lost; nothing is forwarded
# until the controller has put them back.
spoof_start
sw_stop_vswitchd
sleep 0.5
sw_start_vswitchd
check "flows come back after ovs-vswitchd restarts" \
    retry 15 sh -c "OVS_RUNDIR=$SW_DIR ovs-ofctl -O OpenFlow13 dump-flows br0 | grep -q table=10"
sleep 1
spoof_stop
check "vswitchd restart: no spoofed frame arrives" no_spoof_arrived
check "vswitchd restart: allowed traffic flows again" retry 10 ping_ok vm1 10.9.8.2

e2e_finish
