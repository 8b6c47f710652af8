#!/bin/bash
# Large batches: 42 ports bound in one OVSDB transaction go to the switch
# spread over several OpenFlow connections ("lanes", controller/ofctrl.c),
# each port's flows whole in one bundle.  Afterwards the switch holds
# exactly the desired flows of every port, and traffic flows.  A filter
# update that changes every port's flows still goes in one bundle; a
# restart of ovs-vswitchd (empty switch) and of the controller (switch
# with flows, read back) both end with the desired flows; unbinding 40
# ports at once leaves the other two filtered and working.

. "$(dirname "$0")/lib.sh"

N=40

e2e_init
sw_start
vm_add vm1 02:00:00:00:0b:01 10.9.11.1/24
vm_add vm2 02:00:00:00:0b:02 10.9.11.2/24
args=()
for ((i = 0; i < N; i++)); do
    args+=(-- add-port br0 "k$SW_ID$i" -- set interface "k$SW_ID$i" type=internal)
done
vsctl "${args[@]}"
ctl_start
lanes_connected() {
    [ "$(grep -c 'lane [0-9]*: connected' "$SW_DIR/nwf-controller.log")" = 7 ]
}
check "the controller's lanes connect to the bridge" retry 10 lanes_connected

status_of() {
    vsctl --if-exists get interface "$1" external_ids:filterref-status \
        | tr -d '"'
}
all_active() {
    local p
    for p in "$(vm_port vm1)" "$(vm_port vm2)"; do
        [ "$(status_of "$p")" = active ] || return 1
    done
    for ((i = 0; i < N; i++)); do
        [ "$(status_of "k$SW_ID$i")" = active ] || return 1
    done
}

# Flows per cookie (the cookie names the port and rule) on the switch and
# in the controller's desired set, learned flows aside.  ovs-ofctl leaves
# "cookie=0x0" out.
switch_cookies() {
    ofctl dump-flows br0 --no-stats \
        | grep -v -E '^OFPST_FLOW|^ *(cookie=[^ ]+ )?table=22,' \
        | sed -E 's/^ *(cookie=(0x[0-9a-f]+))?.*/\2/; s/^$/0x0/' \
        | sort | uniq -c
}
desired_cookies() {
    ctl_appctl bridges/dump-flows br0 | grep -v '^table=22,' \
        | sed -E 's/.*cookie=(0x[0-9a-f]+).*/\1/' | sort | uniq -c
}
flows_match() {
    diff <(switch_cookies) <(desired_cookies) >"$SW_DIR/cookies.diff"
}
# The last batch the controller logged: "N flow changes confirmed in T ms
# (B bundles)".
last_batch() {
    grep "flow changes confirmed" "$SW_DIR/nwf-controller.log" | tail -n 1
}
n_batches() {
    grep -c "flow changes confirmed" "$SW_DIR/nwf-controller.log"
}
last_batch_changes() {
    last_batch | sed -E 's/.*: ([0-9]+) flow changes.*/\1/'
}
last_batch_bundles() {
    last_batch | sed -E 's/.*\(([0-9]+) bundles?\).*/\1/'
}

args=()
for vm in vm1 vm2; do
    args+=(-- set interface "$(vm_port $vm)" external_ids:filterref=clean-traffic
           "external_ids:filterref-param-IP=10.9.11.${vm#vm}")
done
for ((i = 0; i < N; i++)); do
    args+=(-- set interface "k$SW_ID$i" external_ids:filterref=clean-traffic
           "external_ids:filterref-param-IP=10.9.12.$((i + 1))"
           "external_ids:attached-mac=$(printf '02:00:00:00:0c:%02x' "$i")")
done
vsctl "${args[@]}"
check "42 ports bound in one transaction become active" retry 15 all_active
check "the bridge was empty: its flows went as changes" \
    ctl_log_has "the switch has no flows"
many_bundles() {
    last_batch
    [ "$(last_batch_changes)" -gt 500 ] && [ "$(last_batch_bundles)" -gt 1 ]
}
check "the bind went in several bundles" many_bundles
check "the switch has every port's flows" retry 5 flows_match
check "vm1 reaches vm2 through both filters" retry 5 ping_ok vm1 10.9.11.2
spoof_dropped() {
    ! vm_exec vm1 sh -c "ip addr add 10.9.11.66/24 dev eth0 &&
        ping -c 1 -W 1 -I 10.9.11.66 10.9.11.2; r=\$?;
        ip addr del 10.9.11.66/24 dev eth0; exit \$r"
}
check "vm1 cannot use another IP address" spoof_dropped

# A rule before all others shifts the priority of every flow of every
# port: a change of more than 500 flows that must reach the switch at one
# instant, in one bundle.
ctl_ofctl() {
    "$NWF_OFCTL" --target="$SW_DIR/nwf-controller.ctl" "$@"
}
ctl_ofctl dumpxml clean-traffic \
    | sed "s|<filterref filter='no-mac-spoofing'/>|<rule action='drop' direction='out' priority='-1000'><mac protocolid='0x88b5'/></rule>\n  &|" \
    >"$SW_DIR/ct2.xml"
batches_before=$(n_batches)
ctl_ofctl define "$SW_DIR/ct2.xml" >/dev/null
update_in_one_bundle() {
    [ "$(n_batches)" -gt "$batches_before" ] || return 1
    last_batch
    [ "$(last_batch_changes)" -gt 500 ] && [ "$(last_batch_bundles)" = 1 ]
}
check "a filter update of every port goes in one bundle" \
    retry 10 update_in_one_bundle
check "the switch has the updated flows" retry 5 flows_match
check "vm1 reaches vm2 after the update" retry 5 ping_ok vm1 10.9.11.2

# ovs-vswitchd restart: the switch comes back empty.
sw_stop_vswitchd
sleep 0.5
sw_start_vswitchd
empty_switch_seen_twice() {
    [ "$(grep -c "the switch has no flows" "$SW_DIR/nwf-controller.log")" = 2 ]
}
check "after ovs-vswitchd restarts, the controller sees an empty switch" \
    retry 15 empty_switch_seen_twice
check "the switch has every port's flows again" retry 10 flows_match
# Ports 1 to 42 and the bridge-wide flows fill all eight lanes, if the
# controller waited for them all to reconnect.
all_lanes_used() {
    last_batch
    [ "$(last_batch_changes)" -gt 500 ] && [ "$(last_batch_bundles)" = 8 ]
}
check "they went over all eight connections" all_lanes_used
check "vm1 reaches vm2 after ovs-vswitchd restarts" \
    retry 10 ping_ok vm1 10.9.11.2
check "vm1 cannot use another IP address after the restart" spoof_dropped

# Controller restart: the switch has flows; the new controller reads them
# back and sends only what differs, here nothing, so the flows' counters
# go on.  A flow nobody wants, added meanwhile, is the one change.
vm1_entry_packets() {
    ofctl dump-flows br0 "table=0,cookie=$(vm_ofport vm1)/-1" \
        | grep -o 'n_packets=[0-9]*' | cut -d= -f2
}
ping_ok vm1 10.9.11.2 >/dev/null
packets_before=$(vm1_entry_packets)
pid=$(cat "$SW_DIR/nwf-controller.pid")
kill -TERM "$pid"
retry 5 sw_not kill -0 "$pid"
rm -f "$SW_DIR/nwf-controller.pid"
ofctl add-flow br0 "table=10,priority=1,cookie=0xdead actions=drop"
batches_before=$(n_batches)
ctl_start
reconciled() {
    [ "$(n_batches)" -gt "$batches_before" ] || return 1
    last_batch
    [ "$(last_batch_changes)" = 1 ]
}
check "a restarted controller reads the flows back, removes only the stale one" \
    retry 10 reconciled
check "the switch has every port's flows after the controller restarts" \
    retry 10 flows_match
counters_kept() {
    local after
    after=$(vm1_entry_packets)
    e2e_log "vm1's entry: $packets_before packets before, $after after"
    [ "$packets_before" -gt 0 ] && [ "$after" -ge "$packets_before" ]
}
check "flow counters survive the controller's restart" counters_kept

# Unbinding 40 ports at once.
args=()
for ((i = 0; i < N; i++)); do
    args+=(-- remove interface "k$SW_ID$i" external_ids filterref)
done
vsctl "${args[@]}"
k0_ofport=$(vsctl get interface "k${SW_ID}0" ofport)
unbound_flows_gone() {
    local i
    for ((i = 0; i < N; i++)); do
        [ -z "$(status_of "k$SW_ID$i")" ] || return 1
    done
    flows_match \
        && ! ofctl dump-flows br0 "cookie=$k0_ofport/0xffff" | grep -q cookie=
}
check "40 ports unbound at once lose their status and flows" \
    retry 10 unbound_flows_gone
still_active() {
    [ "$(status_of "$(vm_port vm1)")" = active ] \
        && [ "$(status_of "$(vm_port vm2)")" = active ]
}
check "the two ports still bound are active" still_active
check "vm1 reaches vm2 after the others are unbound" \
    retry 5 ping_ok vm1 10.9.11.2
check "vm1 still cannot use another IP address" spoof_dropped

e2e_finish
