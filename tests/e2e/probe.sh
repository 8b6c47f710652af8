# Crafted frames and real connections for filter tests.
#
# Many crafted frames per filter, checked in one go: frame_arrives and
# frame_blocked (traffic.sh) cost a capture and up to two seconds each,
# which a test of every protocol and action cannot afford.  Source after
# lib.sh.
#
#   probe_reset
#   probe arrives|blocked NAME FROM TO BPF 'SCAPY-FRAME'
#       queues a check: the frame, sent out of FROM's eth0, does (not)
#       reach TO's eth0, as seen by the tcpdump filter BPF.
#   probe_frame FROM 'SCAPY-FRAME'
#       queues a frame without a check of its own (the SYN that a probe's
#       SYN-ACK answers).
#   probe_run
#       captures on every TO (inbound frames only), sends every queued
#       frame in the order queued (so a later frame sees the conntrack
#       state an earlier one left), then reports one check per probe and
#       empties the queue.
#
# BPF must pick out the probe's frame among everything the batch sends
# (give each probe its own port, ICMP id, address...).  Frames are scapy
# expressions (scapy.all is imported); an Ethernet header without src gets
# FROM's MAC, and IP addresses are not filled in: give them.  The sender
# writes raw frames to an AF_PACKET socket in each VM's namespace, so one
# process serves every VM.
#
#   ct_flush     forgets every conntrack entry of the switch.

probe_reset() {
    P_EXP=() P_NAME=() P_FROM=() P_TO=() P_BPF=() P_FRAME=()
}
probe_reset

probe() {
    P_EXP+=("$1") P_NAME+=("$2") P_FROM+=("$3") P_TO+=("$4")
    P_BPF+=("$5") P_FRAME+=("$6")
}

probe_frame() {
    probe send "" "$1" "" "" "$2"
}

# probe_send: one line per frame on stdin, "NETNS MAC SCAPY-FRAME".
probe_send() {
    "$PYTHON" -c '
import ctypes, os, socket, sys, time
from scapy.all import *  # noqa: F401,F403, for the frames
from scapy.all import Ether
libc = ctypes.CDLL(None, use_errno=True)
socks = {}
for line in sys.stdin:
    ns, mac, expr = line.rstrip("\n").split(" ", 2)
    if ns not in socks:
        fd = os.open("/var/run/netns/" + ns, os.O_RDONLY)
        if libc.setns(fd, 0x40000000) != 0:     # CLONE_NEWNET
            sys.exit("setns %s: errno %d" % (ns, ctypes.get_errno()))
        os.close(fd)
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind(("eth0", 0))
        socks[ns] = s
    try:
        frame = eval(expr)
        if Ether in frame and "src" not in frame[Ether].fields:
            frame[Ether].src = mac
        socks[ns].send(bytes(frame))
    except Exception as e:
        # The probe fails for want of its frame; the others go on.
        print("probe frame %r: %s" % (expr, e), file=sys.stderr)
    # Room for the switch to finish the frame (and its conntrack entry)
    # before the next.
    time.sleep(0.02)
'
}

# probe_arrived I: probe I's frame is in its receiver's capture.
probe_arrived() {
    local pcap="$SW_DIR/probe.${P_TO[$1]}.pcap" n
    n=$(tcpdump -r "$pcap" -n "${P_BPF[$1]}" 2>/dev/null | grep -c .)
    [ "${n:-0}" -gt 0 ]
}

# probe_wait: waits until every "arrives" probe's frame is in its capture,
# 3 seconds at most, so that a slow switch does not fail the batch and a
# fast one does not wait for nothing.
probe_wait() {
    local deadline=$(( $(date +%s%N) + 3000000000 )) i pending seen=()
    while :; do
        pending=0
        for i in "${!P_FRAME[@]}"; do
            [ "${P_EXP[$i]}" = arrives ] && [ -z "${seen[$i]:-}" ] ||
                continue
            if probe_arrived "$i"; then
                seen[$i]=1
            else
                pending=1
            fi
        done
        [ $pending = 0 ] || [ "$(date +%s%N)" -ge $deadline ] && return
        sleep 0.1
    done
}

probe_run() {
    local i vm vms= pid pids=() mac
    for vm in "${P_TO[@]}"; do
        [ -n "$vm" ] || continue
        case " $vms " in *" $vm "*) ;; *) vms="$vms $vm" ;; esac
    done
    # --immediate-mode: otherwise frames wait in the capture ring for its
    # block timeout and those still there when tcpdump stops are lost.
    for vm in $vms; do
        rm -f "$SW_DIR/probe.$vm.pcap" "$SW_DIR/probe.$vm.err"
        ip netns exec "$(vm_ns "$vm")" tcpdump -i eth0 -n -p -U -Q in \
            --immediate-mode -w "$SW_DIR/probe.$vm.pcap" \
            2>"$SW_DIR/probe.$vm.err" &
        pids+=($!)
    done
    for vm in $vms; do
        retry 5 grep -q "listening on" "$SW_DIR/probe.$vm.err"
    done
    for i in "${!P_FRAME[@]}"; do
        mac=$(vsctl get interface "$(vm_port "${P_FROM[$i]}")" \
              external_ids:attached-mac | tr -d '"')
        echo "$(vm_ns "${P_FROM[$i]}") $mac ${P_FRAME[$i]}"
    done | probe_send
    probe_wait
    # Room for a frame that should have been blocked but comes late.
    sleep 0.2
    for pid in "${pids[@]}"; do
        kill -INT "$pid"
        wait "$pid" 2>/dev/null
    done
    for i in "${!P_FRAME[@]}"; do
        if [ "${P_EXP[$i]}" = send ]; then
            continue
        elif [ "${P_EXP[$i]}" = arrives ]; then
            check "${P_NAME[$i]}" probe_arrived "$i"
        else
            check_fails "${P_NAME[$i]}" probe_arrived "$i"
        fi
    done
    probe_reset
}

ct_flush() {
    OVS_RUNDIR=$SW_DIR ovs-appctl -t ovs-vswitchd dpctl/flush-conntrack
}

# Real connections, IPv4 or IPv6 (the address says which).
#
#   listen VM PORT...          TCP listeners on both IPv4 and IPv6 that
#                              accept and close, until the test ends.
#   connects FROM IP PORT      a TCP connection succeeds.
#   connect_fails FROM IP PORT no connection within a second.
#   refused FROM IP PORT       the connection is refused (ECONNREFUSED),
#                              within a second: an answer, not a timeout.
#   neigh_static VM IP MAC     a permanent neighbour entry, so that IPv4
#                              and IPv6 tests do not depend on ARP and ND
#                              (ND is ICMPv6, which IP-layer rules see).

listen() {
    local vm=$1
    shift
    local ready="$SW_DIR/listen-$vm-$$-$RANDOM.ready"
    (exec ip netns exec "$(vm_ns "$vm")" "$PYTHON" -c '
import select, socket, sys
socks = [socket.create_server(("", int(p)), family=socket.AF_INET6,
                              dualstack_ipv6=True, backlog=64)
         for p in sys.argv[2:]]
open(sys.argv[1], "w").close()
while True:
    for s in select.select(socks, [], [])[0]:
        s.accept()[0].close()
' "$ready" "$@") </dev/null >/dev/null 2>&1 &
    echo $! >"$SW_DIR/listen-$vm-$!.pid"
    retry 5 test -e "$ready"
}

connects() {
    vm_exec "$1" timeout 3 nc -z -w 2 "$2" "$3"
}

connect_fails() {
    ! vm_exec "$1" timeout 2 nc -z -w 1 "$2" "$3"
}

refused() {
    local start end out
    start=$(date +%s%N)
    out=$(vm_exec "$1" timeout 3 nc -v -z -w 2 "$2" "$3" 2>&1)
    end=$(date +%s%N)
    echo "$out, after $(( (end - start) / 1000000 )) ms"
    case $out in
        *"Connection refused"*) [ $(( end - start )) -lt 1000000000 ] ;;
        *) return 1 ;;
    esac
}

neigh_static() {
    vm_exec "$1" ip neigh replace "$2" lladdr "$3" dev eth0 nud permanent
}
