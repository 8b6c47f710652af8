# Shell functions for a private Open vSwitch and namespace "VMs", shared by
# the sandbox (utilities/nwf-sandbox.sh) and the end-to-end tests.
#
# The caller sets:
#   SW_DIR     a directory for the databases, sockets, pidfiles and logs
#   SW_NS      the network namespace the switch's daemons run in
#   SW_ID      a short id that makes namespace and link names unique
#   SW_BRIDGE  the bridge's name (default br0)
#
# The switch's daemons and the host ends of the veths live in a network
# namespace of their own, because a userspace-datapath ovs-vswitchd owns a
# tap device named "ovs-netdev" per namespace: so a test switch can run
# beside the sandbox, a host switch, or another test.
#
# "VMs": namespace $(vm_ns NAME) with eth0, a veth whose other end
# $(vm_port NAME) is a port of the bridge.

SW_BRIDGE=${SW_BRIDGE:-br0}
SW_VMS=${SW_VMS:-}
: "${NWF_CONTROLLER:=nwf-controller}"
: "${NWF_BUILTIN_DIR:=/usr/local/share/ovs-nwfilter/filters}"

sw_not() {
    ! "$@"
}

# retry SECONDS COMMAND...: runs COMMAND every 0.1 s until it succeeds.
retry() {
    local deadline=$(( $(date +%s) + $1 ))
    shift
    while ! "$@" >/dev/null 2>&1; do
        if [ "$(date +%s)" -ge "$deadline" ]; then
            "$@"
            return 1
        fi
        sleep 0.1
    done
}

# sw_destroy: stops every daemon with a pidfile in SW_DIR, deletes the
# VMs' and the switch's namespaces (and so their links) and SW_DIR.
sw_destroy() {
    local pidfile ns
    for pidfile in "$SW_DIR"/*.pid; do
        [ -f "$pidfile" ] || continue
        kill "$(cat "$pidfile")" 2>/dev/null
    done
    sleep 0.2
    for pidfile in "$SW_DIR"/*.pid; do
        [ -f "$pidfile" ] || continue
        kill -9 "$(cat "$pidfile")" 2>/dev/null
    done
    # Whatever still runs inside a namespace (a listener's children) would
    # keep it alive after "ip netns del".
    for ns in $(for vm in $SW_VMS; do vm_ns "$vm"; done) $SW_NS; do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
        ip netns del "$ns" 2>/dev/null
    done
    [ -n "$SW_DIR" ] && rm -rf "$SW_DIR"
    return 0
}

sw_exec() {
    ip netns exec "$SW_NS" env OVS_RUNDIR="$SW_DIR" \
        OVS_LOGDIR="$SW_DIR" OVS_DBDIR="$SW_DIR" \
        OVS_SYSCONFDIR="$SW_DIR" "$@"
}

vsctl() {
    ovs-vsctl --db="unix:$SW_DIR/db.sock" --timeout=10 "$@"
}

ofctl() {
    OVS_RUNDIR=$SW_DIR ovs-ofctl -O OpenFlow13 "$@"
}

# sw_start [BRIDGE]: a private ovsdb-server and ovs-vswitchd with one
# userspace-datapath bridge.
sw_start() {
    SW_BRIDGE=${1:-br0}
    ip netns add "$SW_NS"
    ip -n "$SW_NS" link set lo up
    ovsdb-tool create "$SW_DIR/conf.db" \
        /usr/share/openvswitch/vswitch.ovsschema
    sw_exec ovsdb-server "$SW_DIR/conf.db" \
        --remote="punix:$SW_DIR/db.sock" \
        --pidfile="$SW_DIR/ovsdb-server.pid" \
        --log-file="$SW_DIR/ovsdb-server.log" --detach --no-chdir \
        2>>"$SW_DIR/daemons.stderr"
    vsctl --no-wait init
    sw_start_vswitchd
    vsctl add-br "$SW_BRIDGE" \
        -- set bridge "$SW_BRIDGE" datapath_type=netdev
    retry 10 test -S "$SW_DIR/$SW_BRIDGE.mgmt"
}

sw_start_vswitchd() {
    sw_exec ovs-vswitchd "unix:$SW_DIR/db.sock" \
        --pidfile="$SW_DIR/ovs-vswitchd.pid" \
        --log-file="$SW_DIR/ovs-vswitchd.log" --detach --no-chdir \
        -vconsole:off 2>>"$SW_DIR/daemons.stderr"
}

sw_stop_vswitchd() {
    local pid
    pid=$(cat "$SW_DIR/ovs-vswitchd.pid")
    kill "$pid"
    retry 10 sw_not kill -0 "$pid"
}

vm_ns() {
    echo "nwf${SW_ID}$1"
}

vm_port() {
    echo "n${SW_ID}$1"
}

vm_exec() {
    local vm=$1
    shift
    ip netns exec "$(vm_ns "$vm")" "$@"
}

# vm_add NAME MAC IP/PREFIX [OVS-OPTIONS...]: a namespace "VM" with eth0
# on a veth whose other end is a port of the bridge.
vm_add() {
    local vm=$1 mac=$2 ip=$3
    shift 3
    local ns port
    ns=$(vm_ns "$vm")
    port=$(vm_port "$vm")
    ip netns add "$ns"
    SW_VMS="$SW_VMS $vm"
    ip link add "$port" netns "$SW_NS" type veth peer name eth0 \
        netns "$ns"
    ip -n "$ns" link set eth0 address "$mac"
    ip -n "$ns" addr add "$ip" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    ip -n "$SW_NS" link set "$port" up
    # The userspace datapath's conntrack verifies checksums; veth's
    # partial checksums would make TCP and UDP "invalid".
    ip netns exec "$ns" ethtool -K eth0 tx off >/dev/null
    ip netns exec "$SW_NS" ethtool -K "$port" tx off >/dev/null
    vsctl add-port "$SW_BRIDGE" "$port" \
        -- set interface "$port" external_ids:attached-mac="$mac" "$@"
}

vm_ofport() {
    vsctl get interface "$(vm_port "$1")" ofport
}

ping_ok() {
    vm_exec "$1" ping -c 1 -W 1 "$2"
}

# ctl_start [OPTIONS...]: nwf-controller for this switch.
ctl_start() {
    "$NWF_CONTROLLER" --db="unix:$SW_DIR/db.sock" \
        --ovs-rundir="$SW_DIR" --unixctl="$SW_DIR/nwf-controller.ctl" \
        --filter-dir="$SW_DIR/filters" --state-dir="$SW_DIR/state" \
        --builtin-dir="$NWF_BUILTIN_DIR" \
        --pidfile="$SW_DIR/nwf-controller.pid" \
        --log-file="$SW_DIR/nwf-controller.log" --detach --no-chdir \
        -vconsole:off "$@" 2>>"$SW_DIR/daemons.stderr"
}

ctl_appctl() {
    ovs-appctl -t "$SW_DIR/nwf-controller.ctl" "$@"
}

# vsw_appctl COMMAND...: ovs-appctl to this switch's ovs-vswitchd.
vsw_appctl() {
    ovs-appctl -t "$SW_DIR/ovs-vswitchd.$(cat "$SW_DIR/ovs-vswitchd.pid").ctl" \
        "$@"
}

ctl_log_has() {
    grep -q -- "$1" "$SW_DIR/nwf-controller.log"
}

