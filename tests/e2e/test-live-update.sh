#!/bin/bash
# Live filter updates through nwf-ofctl define and SIGHUP: only the ports
# whose trees use the filter are rebuilt; a definition that some port
# cannot instantiate changes nothing anywhere; an identical definition is
# a no-op; and, beyond libvirt, a live TCP session stops when the update
# removes the rule that allowed it.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/frames.sh"

e2e_init
sw_start
vm_add vm1 02:00:00:00:0b:01 10.9.13.1/24
vm_add vm2 02:00:00:00:0b:02 10.9.13.2/24
vm_add vm3 02:00:00:00:0b:03 10.9.13.3/24
ctl_start
ofctl_d() {
    "$NWF_OFCTL" --target="$SW_DIR/nwf-controller.ctl" "$@"
}
p1=$(vm_port vm1)
p3=$(vm_port vm3)

# web-out: the VM may connect out to port 8080 only (stateful); other IP
# traffic is dropped both ways.  vm3 uses an unrelated filter.
check "define a new filter" filter_define web-out
vsctl set interface "$p1" external_ids:filterref=web-out
vsctl set interface "$p3" external_ids:filterref=no-mac-spoofing
active() {
    [ "$(vsctl get interface "$1" external_ids:filterref-status \
         | tr -d '"')" = active ]
}

retry 10 active "$p1"
retry 10 active "$p3"

# A live TCP session from vm1 to vm2:8080, one line every 100 ms.
session_start vm1 vm2 10.9.13.2 8080
check "the TCP session is established and carries data" retry 5 session_flows

# vm3's flows must not be touched by an update of 'web-out': their packet
# counters survive (an ADD of the same flow would reset them).
ping_ok vm3 10.9.13.2 >/dev/null
vm3_packets() {
    ofctl dump-flows br0 "cookie=$(vm_ofport vm3)/0xffff,table=10" \
        | grep -o 'n_packets=[0-9]*' | cut -d= -f2 \
        | awk '{ n += $1 } END { print n + 0 }'
}
before3=$(vm3_packets)
check "vm3's flows have counted packets" test "$before3" -gt 0

# An identical redefinition changes nothing.
ofctl_d dumpxml web-out >"$SW_DIR/web-current.xml"
unchanged() {
    ofctl_d define "$SW_DIR/web-current.xml" | grep -q "unchanged"
}
check "an identical redefinition is a no-op" unchanged

# A definition that vm1's port cannot instantiate is refused whole.
sed 's|<tcp dstportstart=.8080./>|<tcp dstportstart="$NOPE"/>|' \
    "$SW_DIR/web-current.xml" >"$SW_DIR/web-bad.xml"
refused() {
    ! ofctl_d define "$SW_DIR/web-bad.xml" >"$SW_DIR/define.out" 2>&1 \
        && grep -q "$p1" "$SW_DIR/define.out" \
        && grep -q "NOPE" "$SW_DIR/define.out"
}
check "a definition a port cannot use is refused, naming port and reason" \
    refused
check "the store keeps the old definition" \
    sh -c "'$NWF_OFCTL' --target='$SW_DIR/nwf-controller.ctl' dumpxml web-out | grep -q 8080"
check "the session still flows after the refused update" session_flows

# Remove the accept of port 8080: the established session must stop.
grep -v "8080\|<tcp\|</tcp" "$SW_DIR/web-current.xml" \
    | sed '/<rule action=.accept. direction=.out. priority=.100.>/,/<\/rule>/d' \
    >"$SW_DIR/web-v2.xml"
n_batches=$(grep -c "flow changes confirmed" "$SW_DIR/nwf-controller.log")
ctl_appctl bridges/dump-flows br0 >"$SW_DIR/desired-1"
check "the new definition is accepted" ofctl_d define "$SW_DIR/web-v2.xml"
check "the established TCP session stops after the update" session_stopped
check "the updated port is active again" retry 10 active "$p1"

# The update sends the switch only what changed: its batch's flow changes
# are the flows new or changed in the desired set, plus those gone from
# it.  (Flows parsed again with the same actions once were all sent again,
# because the parser leaves padding bytes of set_field and load unset.)
flow_keys() {
    sed -E 's/,cookie=0x[0-9a-f]+//; s/ actions=.*//' "$1" | LC_ALL=C sort
}
update_sends_diff() {
    ctl_appctl bridges/dump-flows br0 >"$SW_DIR/desired-2"
    local changed removed sent
    changed=$(LC_ALL=C comm -13 <(LC_ALL=C sort "$SW_DIR/desired-1") \
                  <(LC_ALL=C sort "$SW_DIR/desired-2") | grep -c .)
    removed=$(LC_ALL=C comm -23 <(flow_keys "$SW_DIR/desired-1") \
                  <(flow_keys "$SW_DIR/desired-2") | grep -c .)
    sent=$(grep "flow changes confirmed" "$SW_DIR/nwf-controller.log" \
               | sed -n "$((n_batches + 1))p" \
               | sed -E 's/.*: ([0-9]+) flow changes.*/\1/')
    echo "sent $sent, changed $changed, removed $removed"
    [ "$changed" -gt 0 ] && [ "$sent" = $((changed + removed)) ]
}
check "an update sends only the flows that changed" update_sends_diff
check "ICMP still allowed by the updated filter" retry 5 ping_ok vm1 10.9.13.2
check "a port with another filter was not rebuilt (counters kept)" \
    test "$(vm3_packets)" -ge "$before3"

# SIGHUP reloads an edited file and rebuilds its ports.
sed 's|priority=.1000.|priority="900"|' "$SW_DIR/filters/web-out.xml" \
    >"$SW_DIR/web.tmp" && mv "$SW_DIR/web.tmp" "$SW_DIR/filters/web-out.xml"
kill -HUP "$(cat "$SW_DIR/nwf-controller.pid")"
reloaded() {
    ctl_log_has "SIGHUP: .* 1 filters changed"
}
check "SIGHUP reloads the filter directory" retry 5 reloaded
check "the controller survives SIGHUP" kill -0 "$(cat "$SW_DIR/nwf-controller.pid")"
check "the reloaded filter's port is active" retry 10 active "$p1"

session_end
e2e_finish
