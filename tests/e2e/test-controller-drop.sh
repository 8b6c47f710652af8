#!/bin/bash
# nwf-controller against a real switch: it connects to OVSDB and to the
# bridge's management socket, installs flows through libopenvswitch in an
# atomic bundle (a real ping proves one VM's traffic dropped and the
# others' still flowing), puts them back after ovs-vswitchd restarts, and
# exits cleanly on SIGTERM leaving the flows in place.

. "$(dirname "$0")/lib.sh"

e2e_init
sw_start
vm_add vm1 02:00:00:00:02:01 10.9.1.1/24
vm_add vm2 02:00:00:00:02:02 10.9.1.2/24
vm_add vm3 02:00:00:00:02:03 10.9.1.3/24
check "vm1 pings vm2 before the controller" retry 5 ping_ok vm1 10.9.1.2

ctl_start
check "controller logs its OVSDB connection" \
    retry 5 ctl_log_has "connected to OVSDB at unix:$SW_DIR/db.sock"
check "controller logs its bridge connection" \
    retry 5 ctl_log_has "br0: connected (OpenFlow 1.3)"
bridge_shown_connected() {
    ctl_appctl bridges/show | grep -q "br0: connected"
}
check "ovs-appctl reaches the controller" retry 5 bridge_shown_connected

port1=$(vm_ofport vm1)
ctl_appctl debug/add-flow br0 "priority=0 actions=NORMAL"
ctl_appctl debug/add-flow br0 \
    "cookie=0x4e5746,priority=100,in_port=$port1 actions=drop"

drop_installed() {
    ofctl dump-flows br0 | grep -q "cookie=0x4e5746.*in_port=$port1 actions=drop"
}
check "the drop flow reaches the switch" retry 5 drop_installed
check "vm1's traffic is dropped" sw_not ping_ok vm1 10.9.1.2
check "vm2 still reaches vm3" retry 3 ping_ok vm2 10.9.1.3

invalid_flow_refused() {
    ! ctl_appctl debug/add-flow br0 "priority=1,nosuchfield=1 actions=drop" \
        >"$SW_DIR/appctl.out" 2>&1 && grep -q nosuchfield "$SW_DIR/appctl.out"
}
check "an invalid flow is refused with a message" invalid_flow_refused

# A foreign flow is removed at the next resync; the switch's restart
# loses every flow and the controller must put its own back.
ofctl add-flow br0 "priority=200,in_port=$port1 actions=NORMAL"
sw_stop_vswitchd
sw_start_vswitchd
check "flows come back after ovs-vswitchd restarts" retry 10 drop_installed
foreign_flow_present() {
    ofctl dump-flows br0 | grep -q priority=200
}
check "a foreign flow is gone after the resync" sw_not foreign_flow_present
check "vm1 is still dropped after the restart" sw_not ping_ok vm1 10.9.1.2
check "vm2 reaches vm3 after the restart" retry 5 ping_ok vm2 10.9.1.3

ctl_appctl debug/del-flow br0 "priority=100,in_port=$port1"
drop_gone() {
    ! ofctl dump-flows br0 | grep -q "in_port=$port1"
}
check "removing the flow is sent as a diff" retry 5 drop_gone
check "vm1 pings vm2 once the drop is removed" retry 5 ping_ok vm1 10.9.1.2

pid=$(cat "$SW_DIR/nwf-controller.pid")
kill -TERM "$pid"
check "SIGTERM stops the controller" retry 5 sw_not kill -0 "$pid"
check "SIGTERM removes the pidfile" retry 5 sw_not test -e "$SW_DIR/nwf-controller.pid"
normal_flow_present() {
    ofctl dump-flows br0 | grep -q "actions=NORMAL"
}
check "flows stay in place after the controller exits" normal_flow_present

e2e_finish
