#!/bin/bash
# The README's first command: installs what is missing, builds, and starts
# a sandbox: a private Open vSwitch (ovsdb-server and ovs-vswitchd with a
# userspace bridge, in a network namespace of their own), nwf-controller
# from the build tree, and three namespace VMs on the bridge (one of them
# learning its IP address).
#
# Usage: utilities/nwf-sandbox.sh [start|stop|status]
#
# Starting again replaces a running sandbox; "stop" removes every
# namespace, link, process and file it made.

set -u
top=$(cd "$(dirname "$0")/.." && pwd)
self="$top/utilities/nwf-sandbox.sh"

SW_DIR=/run/nwf-sandbox
SW_NS=nwfsbsw
SW_ID=sb
SW_BRIDGE=br-sandbox
SW_VMS="vm1 vm2 vm3"
NWF_CONTROLLER=$top/controller/nwf-controller
NWF_BUILTIN_DIR=$top/filters
. "$top/utilities/nwf-netns.sh"

sandbox_stop() {
    if [ -d "$SW_DIR" ] || ip netns list | grep -q "^$SW_NS\b"; then
        sw_destroy
        echo "sandbox stopped: processes, namespaces, links and $SW_DIR removed"
    else
        echo "no sandbox running"
    fi
}

sandbox_start() {
    "$top/utilities/nwf-build.sh" || exit 1
    if [ -d "$SW_DIR" ] || ip netns list | grep -q "^$SW_NS\b"; then
        sw_destroy
    fi
    set -e
    mkdir -p "$SW_DIR"
    SW_VMS=
    sw_start "$SW_BRIDGE"
    vm_add vm1 02:00:00:00:00:01 10.200.0.1/24
    vm_add vm2 02:00:00:00:00:02 10.200.0.2/24
    vm_add vm3 02:00:00:00:00:03 10.200.0.3/24
    ctl_start
    set +e
    retry 10 ctl_appctl bridges/show >/dev/null
    # vm1 is bound to clean-traffic, as a port plugin would do it.
    vsctl set interface "$(vm_port vm1)" external_ids:filterref=clean-traffic \
        external_ids:filterref-param-IP=10.200.0.1
    retry 10 sh -c "ovs-vsctl --db=unix:$SW_DIR/db.sock get interface \
        $(vm_port vm1) external_ids:filterref-status | grep -q active"
    # vm3 too, without an IP: the controller learns it from its traffic.
    vsctl set interface "$(vm_port vm3)" external_ids:filterref=clean-traffic

    cat <<EOF2

ovs-nwfilter sandbox is running.

  Open vSwitch:   ovsdb-server + ovs-vswitchd in network namespace $SW_NS,
                  bridge $SW_BRIDGE (datapath_type=netdev), files in $SW_DIR
  nwf-controller: pid $(cat "$SW_DIR/nwf-controller.pid"), log $SW_DIR/nwf-controller.log
  VMs:            namespace $(vm_ns vm1) (eth0 02:00:00:00:00:01, 10.200.0.1) on port $(vm_port vm1),
                    bound to the filter clean-traffic with IP=10.200.0.1
                  namespace $(vm_ns vm2) (eth0 02:00:00:00:00:02, 10.200.0.2) on port $(vm_port vm2)
                  namespace $(vm_ns vm3) (eth0 02:00:00:00:00:03, 10.200.0.3) on port $(vm_port vm3),
                    bound to clean-traffic without IP: "learning" until it speaks

Try it:
  ip netns exec $(vm_ns vm1) ping -c 2 10.200.0.2          # allowed
  ip netns exec $(vm_ns vm1) ip addr add 10.200.0.99/24 dev eth0
  ip netns exec $(vm_ns vm1) ping -c 2 -I 10.200.0.99 10.200.0.2   # spoofed: dropped
  $top/utilities/nwf-ofctl --target=$SW_DIR/nwf-controller.ctl bindings
  ip netns exec $(vm_ns vm3) ping -c 2 10.200.0.2          # vm3's IP is learned
  $top/utilities/nwf-ofctl --target=$SW_DIR/nwf-controller.ctl bindings
  $top/utilities/nwf-ofctl --target=$SW_DIR/nwf-controller.ctl show $(vm_port vm1)
  $top/utilities/nwf-ofctl --target=$SW_DIR/nwf-controller.ctl list
  $top/utilities/nwf-ofctl --target=$SW_DIR/nwf-controller.ctl dumpxml clean-traffic
  ovs-vsctl --db=unix:$SW_DIR/db.sock set interface $(vm_port vm2) \\
      external_ids:filterref=no-ip-spoofing external_ids:filterref-param-IP=10.200.0.2
  OVS_RUNDIR=$SW_DIR ovs-ofctl -O OpenFlow13 dump-flows $SW_BRIDGE

Stop it (removes everything it started):
  $self stop
EOF2
}

sandbox_status() {
    if [ -f "$SW_DIR/nwf-controller.pid" ] \
           && kill -0 "$(cat "$SW_DIR/nwf-controller.pid")" 2>/dev/null; then
        echo "sandbox running in $SW_DIR"
        ctl_appctl bridges/show
    else
        echo "no sandbox running"
        return 1
    fi
}

if [ "$(id -u)" != 0 ]; then
    echo "$0: run as root (it creates network namespaces)" >&2
    exit 1
fi
case "${1:-start}" in
    start) sandbox_start ;;
    stop) sandbox_stop ;;
    status) sandbox_status ;;
    *) echo "usage: $0 [start|stop|status]" >&2; exit 1 ;;
esac
