#!/bin/bash
# Hostile guests and careless admins (issue 16), on a real switch with real
# packets where it is about traffic:
#
#   nb      unbound, 10.30.0.66: another guest, sends forged DHCP with scapy
#   srv     unbound, 10.30.0.1: the far end of connections
#   vm1     clean-traffic, dhcp mode, no DHCPSERVER
#   vm2     clean-traffic, any mode, static 10.30.0.2
#   vm3     reject-81, floods rejected connections
#   vm4     reject-81, must still get its answers
#   vm5     clean-traffic with a 1,000,000-value IP parameter
#   vm6     clean-traffic, IP given: a port that must stay active
#   vm7     clean-traffic, dhcp mode, learned addresses from a state file
#
# Each case fails on the code before issue 16.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/frames.sh"

mac() { printf '02:00:00:1e:00:%02x' "$1"; }
MNB=02:00:00:1e:00:66
MSRV=02:00:00:1e:00:fe
SRV=10.30.0.1
NB=10.30.0.66

e2e_init
sw_start
vm_add nb $MNB $NB/24
vm_add srv $MSRV $SRV/24
vm_add vm1 "$(mac 1)" 169.254.30.1/32
for i in 2 3 4 6 7; do
    vm_add vm$i "$(mac $i)" 10.30.0.$i/24
done
vm_add vm5 "$(mac 5)" 169.254.30.5/32
for i in 2 3 4 6; do
    neigh_static vm$i $SRV $MSRV
    neigh_static srv 10.30.0.$i "$(mac $i)"
done

# An earlier version's bridge-wide reject meter, left on the bridge.
vsctl set bridge br0 fail_mode=secure
ofctl add-meter br0 meter=1,pktps,burst,bands=type=drop,rate=100,burst_size=50
ctl_start
check "the controller connects to the bridge" \
    retry 5 ctl_log_has "br0: connected"

ofctl_d() { "$NWF_OFCTL" --target="$SW_DIR/nwf-controller.ctl" "$@"; }
log_count() { grep -c -- "$1" "$SW_DIR/nwf-controller.log" || true; }
learned_count() {
    local ips
    ips=$(ext_id "$1" filterref-learned-ip)
    [ -n "$ips" ] && echo "$ips" | tr ',' '\n' | grep -c . || echo 0
}

# ---- 1. dhcp mode: ACKs the VM never asked for.
bind_learning vm1 CTRL_IP_LEARNING=dhcp
check "vm1 learns in dhcp mode" retry 10 status_is vm1 learning
# 100 never-expiring leases to vm1's MAC from another guest.
dhcp_reply nb $MNB $NB yiaddr 10.30.1.1 "$(mac 1)" 4294967295 0x7000 100
sleep 2
check "100 unasked DHCPACKs give vm1 no address" no_learned vm1
check "... and it is still learning" status_is vm1 learning
check "... and the log says why" \
    ctl_log_has "ignoring DHCPACK for 10.30.1.1 from $NB: it answers no request"
check "... at a limited rate (at most 40 lines for 100 ACKs)" \
    test "$(log_count 'ignoring DHCPACK')" -le 40
check "... and no 'learned address' line" \
    test "$(log_count "$(vm_port vm1): learned address")" = 0

# The neighbour answers a real request of vm1 three times, with three
# addresses: the request gets one lease, not three.
dhcp_request vm1 "$(mac 1)" 0x4242
dhcp_reply nb $MNB $NB yiaddr 10.30.2.1 "$(mac 1)" 4294967295 0x4242 3 ack 0
check "an ACK that answers vm1's request gives it one address" \
    retry 5 learned_is vm1 10.30.2.1
check "... and vm1 becomes active" retry 5 status_is vm1 active
# The infinite lease is kept one day (CTRL_IP_LEARNING_MAX_LEASE).
lease_capped() {
    "$PYTHON" - "$SW_DIR/state/iplearn.json" "$(vm_port vm1)" <<'PY'
import json, sys, time
port = json.load(open(sys.argv[1]))["ports"][sys.argv[2]]
(a,) = port["addresses"]
left = a["expires"] / 1000 - time.time()
print(a, left)
assert 86400 - 120 < left <= 86400, left
PY
}
check "... which expires in a day, not never" retry 5 lease_capped

# At most CTRL_IP_LEARNING_MAX_ADDRS leases at once (default 1).
for i in 1 2 3; do
    dhcp_request vm1 "$(mac 1)" $((0x5000 + i))
    dhcp_reply nb $MNB $NB yiaddr 10.30.3.$i "$(mac 1)" 600 $((0x5000 + i))
done
check "three more exchanges: still one address, the newest" \
    retry 5 learned_is vm1 10.30.3.3
bind_learning vm1 CTRL_IP_LEARNING=dhcp CTRL_IP_LEARNING_MAX_ADDRS=2
for i in 4 5 6; do
    dhcp_request vm1 "$(mac 1)" $((0x5000 + i))
    dhcp_reply nb $MNB $NB yiaddr 10.30.3.$i "$(mac 1)" 600 $((0x5000 + i))
done
check "with CTRL_IP_LEARNING_MAX_ADDRS=2, two addresses" \
    retry 5 learned_is vm1 10.30.3.5,10.30.3.6
bind_learning vm1 CTRL_IP_LEARNING=dhcp CTRL_IP_LEARNING_MAX_ADDRS=1000
bad_max() {
    case $(ext_id vm1 filterref-status) in
        error:*CTRL_IP_LEARNING_MAX_ADDRS*1000*) return 0 ;;
    esac
    return 1
}
check "CTRL_IP_LEARNING_MAX_ADDRS=1000 is an error naming it" retry 10 bad_max
bind_learning vm1 CTRL_IP_LEARNING=dhcp CTRL_IP_LEARNING_MAX_ADDRS=1
check "... and a good value again" retry 10 status_is vm1 active

# ---- 1. any mode: a neighbour's OFFER does not lock the VM.
bind_learning vm2
check "vm2 learns in any mode" retry 10 status_is vm2 learning
dhcp_request vm2 "$(mac 2)" 0x99 discover
dhcp_reply nb $MNB $NB yiaddr 10.30.0.200 "$(mac 2)" 600 0x99 1 offer
dhcp_reply nb $MNB $NB yiaddr 10.30.0.201 "$(mac 2)" 600 0x9999
sleep 1
check "a neighbour's OFFER and unasked ACK do not lock vm2" \
    status_is vm2 learning
check "... to the neighbour's choice" no_learned vm2
check "vm2 then learns the address it uses" retry 5 ping_ok vm2 $SRV
check "... 10.30.0.2" retry 5 learned_is vm2 10.30.0.2

# ---- 2. one filter-name check for define and validate.
name_filter() {
    printf "<filter name='%s'>\n  <rule action='accept' direction='in'/>\n</filter>\n" \
        "$1" >"$SW_DIR/name.xml"
}
name_refused() {
    name_filter "$1"
    ! ofctl_d define "$SW_DIR/name.xml" >"$SW_DIR/define.out" 2>&1 &&
        ! "$NWF_OFCTL" validate "$SW_DIR/name.xml" >"$SW_DIR/validate.out" 2>&1 &&
        cat "$SW_DIR/define.out" "$SW_DIR/validate.out" &&
        grep -q "<filter> attribute 'name' value '.*': $2" "$SW_DIR/define.out" &&
        grep -q "<filter> attribute 'name' value '.*': $2" "$SW_DIR/validate.out"
}
name_accepted() {
    name_filter "$1"
    "$NWF_OFCTL" validate "$SW_DIR/name.xml" && ofctl_d define "$SW_DIR/name.xml"
}
check "define and validate refuse \$(id)" name_refused '$(id)' \
    "filter name must start with"
check "... a quote" name_refused 'a&quot;b' "filter name may contain only"
check "... a space" name_refused 'a b' "filter name may contain only"
check "... U+202E" name_refused "$(printf 'x\342\200\256y')" \
    "filter name may contain only .* (byte 2 is 0xe2)"
check "... a 300-byte name" name_refused "$(printf '%300s' '' | tr ' ' n)" \
    "filter name is 300 bytes long"
check "both accept a 200-byte name" \
    name_accepted "$(printf '%200s' '' | tr ' ' n)"
check "none of the refused names is defined" \
    sh -c "! '$NWF_OFCTL' --target='$SW_DIR/nwf-controller.ctl' list | grep -q -e 'a b' -e 'id)' -e '\"'"

# ---- 6. a reversed port range fails validate and define.
RANGE_XML=$top_srcdir/tests/data/reversed-range.xml
range_refused() {
    ! "$@" "$RANGE_XML" >"$SW_DIR/range.out" 2>&1 &&
        cat "$SW_DIR/range.out" &&
        grep -q "reversed-range.xml:4: <tcp> attribute 'dstportend' value '10': the end of the range is below its start, dstportstart='100'" \
            "$SW_DIR/range.out"
}
check "validate refuses dstportstart=100 dstportend=10" \
    range_refused "$NWF_OFCTL" validate
check "define refuses it, naming file, element and attribute" \
    range_refused ofctl_d define
check "... and defines nothing" \
    sh -c "! '$NWF_OFCTL' --target='$SW_DIR/nwf-controller.ctl' dumpxml range"

# ---- 7. offline commands on a FIFO refuse it at once.
mkfifo "$SW_DIR/fifo.xml"
fifo_refused() {
    ! timeout 5 "$@" "$SW_DIR/fifo.xml" >"$SW_DIR/fifo.out" 2>&1 &&
        grep -q "fifo.xml: not a regular file" "$SW_DIR/fifo.out"
}
check "validate of a FIFO is refused at once" fifo_refused "$NWF_OFCTL" validate
check "compile of a FIFO is refused at once" fifo_refused "$NWF_OFCTL" compile
check "define of a FIFO is refused at once" \
    fifo_refused "$NWF_OFCTL" --target="$SW_DIR/nwf-controller.ctl" define
check "the daemon's store skips a FIFO too (after a reload)" sh -c "
    mkfifo '$SW_DIR/filters/fifo.xml' &&
    kill -HUP \$(cat '$SW_DIR/nwf-controller.pid')"
check "... naming it" \
    retry 5 ctl_log_has "filters/fifo.xml: not a regular file"
rm -f "$SW_DIR/filters/fifo.xml"

# ---- 4. capture.
check "vm1 is bound (for the captures)" status_is vm1 active
echo "precious" >"$SW_DIR/victim"
ln -s "$SW_DIR/victim" "$SW_DIR/link.pcap"
check_fails "capture to a symbolic link is refused" \
    ofctl_d capture "$(vm_port vm1)" "$SW_DIR/link.pcap"
check "... and the file it points to is untouched" \
    grep -qx precious "$SW_DIR/victim"
check_fails "capture to an existing file is refused" \
    ofctl_d capture "$(vm_port vm1)" "$SW_DIR/victim"
check "... and it is untouched" grep -qx precious "$SW_DIR/victim"
capture_unknown() {
    ! ofctl_d capture "$1" "$SW_DIR/unknown.pcap" >"$SW_DIR/cap.out" 2>&1 &&
        grep -q "no such bound port" "$SW_DIR/cap.out" &&
        [ ! -e "$SW_DIR/unknown.pcap" ]
}
check "capture of an unknown port is refused" capture_unknown nosuchport
check "capture of an unbound port is refused" capture_unknown "$(vm_port nb)"
check "a capture of vm1 with a 2000-byte limit starts" \
    ofctl_d capture "$(vm_port vm1)" "$SW_DIR/vm1.pcap" 2000
same_file() {
    ! ofctl_d capture "$(vm_port vm2)" "$SW_DIR/vm1.pcap" >"$SW_DIR/cap.out" 2>&1 &&
        grep -q "already the file of $(vm_port vm1)'s capture" "$SW_DIR/cap.out"
}
check "a second capture to the same file is refused" same_file
dhcp_request vm1 "$(mac 1)" 0x6000 request 20
check "the capture stops at its limit, and says so" \
    retry 5 ctl_log_has "capture to $SW_DIR/vm1.pcap stopped: size limit of 2000 bytes"
check "... the file is at most 2000 bytes" \
    test "$(stat -c %s "$SW_DIR/vm1.pcap")" -le 2000
check "... and holds vm1's DHCP requests" \
    sh -c "tcpdump -n -r '$SW_DIR/vm1.pcap' 2>/dev/null | grep -q 'BOOTP/DHCP'"
check "capture-stop reports the limit" \
    sh -c "'$NWF_OFCTL' --target='$SW_DIR/nwf-controller.ctl' capture-stop $(vm_port vm1) | grep -q 'packets written to .* (stopped at its size limit)'"

# ---- 7. each port its own reject meter.
check "the reject filter is defined" filter_define reject-81
for vm in vm3 vm4; do
    vsctl set interface "$(vm_port $vm)" external_ids:filterref=reject-81
done
both_active() { status_is vm3 active && status_is vm4 active; }
check "vm3 and vm4 are active" retry 10 both_active
has_meter() { ofctl dump-meters br0 | grep -q "meter=$1 "; }
reject_meter() { echo $((0x30000 + $(vm_ofport "$1"))); }
check "vm3 has its own reject meter" retry 5 has_meter "$(reject_meter vm3)"
check "... and vm4" has_meter "$(reject_meter vm4)"
check "the old bridge-wide meter 1 is deleted" retry 5 sw_not has_meter 1
check "vm4's connection to port 81 is refused at once" refused vm4 $SRV 81

# vm3 sends rejected SYNs as fast as it can for 6 seconds.
frame_flood vm3 6 "Ether(src='$(mac 3)', dst='$MSRV') /
    IP(src='10.30.0.3', dst='$SRV') / TCP(sport=40000, dport=81, flags='S')" &
flooder=$!
sleep 1
refused_thrice() {
    refused vm4 $SRV 81 && refused vm4 $SRV 81 && refused vm4 $SRV 81
}
check "while vm3 floods rejects, vm4 still gets its answers" refused_thrice
check "... and vm3's meter is the one that drops" \
    sh -c "OVS_RUNDIR=$SW_DIR ovs-ofctl -O OpenFlow13 meter-stats br0 meter=$(reject_meter vm3) | grep -q 'packet_count:[1-9]'"
wait "$flooder"
vsctl remove interface "$(vm_port vm3)" external_ids filterref
check "unbinding vm3 deletes its reject meter" \
    retry 10 sw_not has_meter "$(reject_meter vm3)"
check "... and leaves vm4's" has_meter "$(reject_meter vm4)"

# ---- 5. a 1,000,000-value parameter is refused before it is parsed.
bind_learning vm6 IP=10.30.0.6
check "vm6 is active" retry 10 status_is vm6 active
huge_param() {
    "$PYTHON" - "$SW_DIR/db.sock" "$(vm_port vm5)" "$(mac 5)" <<'PY'
import json, socket, sys
values = ",".join("10.%d.%d.%d" % (i >> 16, (i >> 8) & 255, i & 255)
                  for i in range(1000000))
ids = [["filterref", "clean-traffic"], ["attached-mac", sys.argv[3]],
       ["filterref-param-IP", values]]
req = {"id": 1, "method": "transact", "params": ["Open_vSwitch", {
    "op": "mutate", "table": "Interface",
    "where": [["name", "==", sys.argv[2]]],
    "mutations": [["external_ids", "insert", ["map", ids]]]}]}
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(json.dumps(req).encode())
reply = b""
while not reply.endswith(b"}"):
    reply += s.recv(65536)
print(reply.decode())
assert b'"error":null' in reply.replace(b" ", b""), reply
PY
}
check "a 1,000,000-value IP parameter is written to OVSDB" huge_param
huge_refused() {
    case $(ext_id vm5 filterref-status) in
        "error: parameter 'IP' is longer than the limit of 65536 bytes")
            return 0 ;;
    esac
    return 1
}
check "... and refused on the port, naming the parameter" \
    retry 5 huge_refused
peak_rss() {
    local kb
    kb=$(sed -n 's/^VmHWM:[^0-9]*\([0-9]*\) kB/\1/p' \
        "/proc/$(cat "$SW_DIR/nwf-controller.pid")/status")
    echo "peak RSS $kb kB"
    [ "$kb" -lt 200000 ]
}
check "... without the controller growing past 200 MB" peak_rss
bind_learning vm6 IP=10.30.0.60
vm6_rebound() {
    status_is vm6 active && ofctl dump-flows br0 | grep -q 10.30.0.60
}
check "... and the controller goes on: vm6 is rebound at once" \
    retry 3 vm6_rebound
vsctl remove interface "$(vm_port vm5)" external_ids filterref

# ---- 3, 5, 6. a restart: temporary files, a huge and a bad state file.
bind_learning vm7 CTRL_IP_LEARNING=dhcp
check "vm7 learns" retry 10 status_is vm7 learning
ctl_appctl exit
retry 10 sw_not kill -0 "$(cat "$SW_DIR/nwf-controller.pid")"
# What a kill -9 between mkstemp() and rename() leaves, and files that
# are not ours.
(umask 077 && : >"$SW_DIR/filters/.lost.xml.Ab12Cd" &&
    : >"$SW_DIR/state/.iplearn.json.Zz09yY")
: >"$SW_DIR/filters/.notes.xml.backup"
chmod 644 "$SW_DIR/filters/.notes.xml.backup"
: >"$SW_DIR/filters/.a.xml.short"
chmod 600 "$SW_DIR/filters/.a.xml.short"
# 50,000 ports that are no longer bound, and vm7 with addresses that are
# no VM's own.
"$PYTHON" - "$SW_DIR/state/iplearn.json" "$(vm_port vm7)" "$(mac 7)" <<'PY'
import json, sys
ports = {"gone%d" % i: {"mac": "02:00:00:00:00:01", "mode": "any",
                        "addresses": [{"ip": "10.1.%d.%d" % (i >> 8, i & 255)}]}
         for i in range(50000)}
ports[sys.argv[2]] = {"mac": sys.argv[3], "mode": "dhcp", "addresses": [
    {"ip": "0.0.0.0"}, {"ip": "224.0.0.5"}, {"ip": "255.255.255.255"},
    {"ip": "10.30.0.77"}]}
json.dump({"ports": ports}, open(sys.argv[1], "w"))
PY
lines_before=$(wc -l <"$SW_DIR/nwf-controller.log")
ctl_start
check "the restarted controller is up" retry 10 status_is vm7 active
sleep 1
new_lines() { tail -n +"$((lines_before + 1))" "$SW_DIR/nwf-controller.log"; }
check "a temporary file left by a killed write is removed" \
    test ! -e "$SW_DIR/filters/.lost.xml.Ab12Cd"
check "... in the state directory too" \
    test ! -e "$SW_DIR/state/.iplearn.json.Zz09yY"
check "... and files that are not ours stay" \
    test -e "$SW_DIR/filters/.notes.xml.backup" -a \
         -e "$SW_DIR/filters/.a.xml.short"
check "... and the log names what was removed" \
    ctl_log_has "filters/.lost.xml.Ab12Cd: removed a temporary file"
check "vm7 gets only the address a VM can have" learned_is vm7 10.30.0.77
check "0.0.0.0, multicast and broadcast are named as dropped" sh -c "
    grep -q 'address 0 {\"ip\":\"0.0.0.0\"} dropped' '$SW_DIR/nwf-controller.log' &&
    grep -q 'address 1 {\"ip\":\"224.0.0.5\"} dropped' '$SW_DIR/nwf-controller.log' &&
    grep -q 'address 2 {\"ip\":\"255.255.255.255\"} dropped' '$SW_DIR/nwf-controller.log'"
check "the load says what it dropped" \
    ctl_log_has "dropped 0 bad ports and 3 bad addresses"
check "50,000 unbound ports are summarized" \
    retry 5 ctl_log_has "dropped the learned addresses of 50000 ports"
few_lines() {
    local n
    n=$(new_lines | wc -l)
    echo "$n new log lines"
    [ "$n" -lt 500 ]
}
check "... in fewer than 500 log lines, not 50,000" few_lines

e2e_finish
