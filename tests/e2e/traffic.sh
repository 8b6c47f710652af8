# Real packets between namespace VMs, for end-to-end filter tests.
# Source after lib.sh.
#
#   frame_arrives FROM TO BPF 'SCAPY-FRAME'
#       sends the frame (a scapy expression) out of FROM's eth0 and
#       succeeds if a frame matching the tcpdump filter BPF arrives on TO's
#       eth0 within a second.
#   frame_blocked FROM TO BPF 'SCAPY-FRAME'   the opposite.
#   frame_flood FROM SECONDS 'SCAPY-FRAME'
#       sends the frame out of FROM's eth0 as fast as scapy can, for
#       SECONDS (run it in the background).
#   tcp_connects FROM TO_IP PORT              a real TCP connection (nc).
#   udp_arrives FROM TO TO_IP PORT            a real UDP datagram (nc -u).
#
# In scapy expressions, $VM_MAC_<name> and $VM_IP_<name> expand in the
# shell as usual; keep frames small.

frame_arrives() {
    local from=$1 to=$2 bpf=$3 frame=$4
    local out="$SW_DIR/sniff.$$.$RANDOM"
    vm_exec "$to" timeout 3 tcpdump -i eth0 -c 1 -n -U -p "$bpf" \
        >"$out" 2>"$out.err" &
    local sniffer=$!
    # tcpdump captures once it says so; a fixed pause was too short when
    # the machine was busy.
    retry 2 grep -q "listening on" "$out.err"
    vm_exec "$from" "$PYTHON" - "$frame" <<'PY'
import sys
from scapy.all import *
conf.verb = 0
sendp(eval(sys.argv[1]), iface="eth0")
PY
    wait "$sniffer"
    local got
    got=$(grep -c . "$out" 2>/dev/null)
    rm -f "$out" "$out.err"
    [ "${got:-0}" -gt 0 ]
}

frame_blocked() {
    ! frame_arrives "$@"
}

frame_flood() {
    vm_exec "$1" "$PYTHON" - "$2" "$3" >/dev/null 2>&1 <<'PY'
import sys, time
from scapy.all import *
conf.verb = 0
frame = raw(eval("(" + sys.argv[2] + ")"))
s = conf.L2socket(iface="eth0")
t = time.time()
while time.time() < t + float(sys.argv[1]):
    s.send(frame)
PY
}

tcp_connects() {
    local from=$1 ip=$2 port=$3
    vm_exec "$from" timeout 3 nc -z -w 2 "$ip" "$port"
}

# tcp_listen VM PORT: a TCP listener in VM that accepts repeatedly, until
# the test ends.
tcp_listen() {
    local vm=$1 port=$2
    # exec, so that the pid recorded (and killed at clean-up) is the
    # listener's own, and no descriptor of the test's output stays open.
    (exec ip netns exec "$(vm_ns "$vm")" sh -c "while :; do \
        nc -l -p $port -q 0 || sleep 0.1; done") \
        </dev/null >/dev/null 2>&1 &
    echo $! >"$SW_DIR/listener-$vm-$port.pid"
    sleep 0.3
}

udp_arrives() {
    local from=$1 to=$2 ip=$3 port=$4
    local out="$SW_DIR/udp.$$.$RANDOM"
    vm_exec "$to" timeout 2 nc -u -l -p "$port" -W 1 >"$out" 2>/dev/null &
    local listener=$!
    sleep 0.3
    echo "nwf-udp-probe" | vm_exec "$from" timeout 1 nc -u -w 1 -q 1 \
        "$ip" "$port" 2>/dev/null
    wait "$listener"
    local ok=1
    grep -q nwf-udp-probe "$out" && ok=0
    rm -f "$out"
    return $ok
}

# e2e_not_ping VM IP: a ping that must not get through.
e2e_not_ping() {
    ! ping_ok "$1" "$2"
}
