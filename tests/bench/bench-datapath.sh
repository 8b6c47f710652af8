#!/bin/bash
# Datapath benchmark: what filtering costs the packets themselves.  Two
# namespace VMs on veth ports of a private userspace switch
# (datapath_type=netdev, as the end-to-end tests start it), iperf3 from
# vm1 (client) to vm2 (server) through it, in four set-ups:
#
#   normal      plain Open vSwitch, its NORMAL action, no controller: the
#               reference for what our own L2 pipeline costs
#   unfiltered  the bridge managed by nwf-controller with no bound port:
#               its L2 pipeline (docs/pipeline.md), no filter
#   clean       both VMs bound to clean-traffic (explicit IP, attached-mac):
#               Ethernet-layer rules only, so no conntrack
#               (docs/pipeline.md, "Ports without IP-layer rules")
#   stateful    both VMs bound to tests/bench/bench-stateful-20.xml, 20
#               stateful TCP/UDP rules and a drop of the rest: conntrack
#               in the sender's zone and in the receiver's
#
# Each round goes through the four in that order, so that a slow spell of
# the machine falls on all of them rather than on one; the numbers are
# medians over the rounds, with their range.  Per set-up and round:
#
#   - iperf3 TCP for TIME seconds (the first second omitted): what the
#     receiver got;
#   - iperf3 UDP at a fixed RATE for TIME seconds: the receiver's rate and
#     loss, and the CPU time ovs-vswitchd spent meanwhile (at a fixed rate
#     the cost of filtering shows as CPU rather than as throughput);
#   - the datapath flows of one iperf3 test (one data connection and
#     iperf3's control connection), TCP and UDP: a separate short run,
#     dumped halfway through (after the warm-up that installs them), less
#     the flows there were before it started.
#
# Usage (root, from the build tree): tests/bench/bench-datapath.sh [ROUNDS]
# Environment: NWF_BENCH_TIME (seconds per iperf3 run, 10),
# NWF_BENCH_UDP_RATE (iperf3 -b, 200M), NWF_BENCH_KEEP=DIR (keep every
# iperf3 JSON and datapath flow dump there).
# Prints Markdown.  Not part of "make check".  Another benchmark on the
# same machine distorts both: run it as
#     flock -o /tmp/bench.lock tests/bench/bench-datapath.sh
# (-o: the daemons it starts do not inherit the lock, so that one left
# behind by a killed run does not hold it).

set -u
ROUNDS=${1:-3}
TIME=${NWF_BENCH_TIME:-10}
RATE=${NWF_BENCH_UDP_RATE:-200M}
KEEP=${NWF_BENCH_KEEP:-}
top=$(cd "$(dirname "$0")/../.." && pwd)
export srcdir=$top builddir=$top
. "$top/tests/e2e/lib.sh"
. "$top/tests/e2e/frames.sh"

if ! command -v iperf3 >/dev/null; then
    echo "FAIL: iperf3 is not installed (apt-get install iperf3)"
    exit 1
fi
CONFIGS="normal unfiltered clean stateful"
M1=02:00:00:00:14:01 M2=02:00:00:00:14:02
IP1=10.14.0.1 IP2=10.14.0.2

e2e_init
sw_start
vm_add vm1 $M1 $IP1/24
vm_add vm2 $M2 $IP2/24
# No ARP during the runs: its flows would count as the connection's, and
# clean-traffic and the stateful filter would see frames the others don't.
neigh_static vm1 $IP2 $M2
neigh_static vm2 $IP1 $M1
[ -n "$KEEP" ] && mkdir -p "$KEEP"

vswitchd_pid() {
    cat "$SW_DIR/ovs-vswitchd.pid"
}
# CPU time of ovs-vswitchd (all threads), in clock ticks.
vswitchd_ticks() {
    awk '{ print $14 + $15 }' "/proc/$(vswitchd_pid)/stat"
}

# The server runs for the whole benchmark; its pidfile in SW_DIR makes
# sw_destroy stop it.
vm_exec vm2 iperf3 -s -D -B "$IP2" --pidfile "$SW_DIR/iperf3.pid"
retry 5 test -s "$SW_DIR/iperf3.pid"

# ---- Set-ups.  The controller is started for "unfiltered" and stopped,
# the bridge handed back, before the next round's "normal".

ctl_running() {
    [ -f "$SW_DIR/nwf-controller.pid" ] &&
        kill -0 "$(cat "$SW_DIR/nwf-controller.pid")" 2>/dev/null
}

# unbind: removes both VMs' bindings, as a port plugin would, and waits
# until the controller has let go of them (it removes its filterref-*
# keys).
unbind() {
    local vm
    VM_BIND_ARGS=()
    for vm in vm1 vm2; do
        vm_params_removal "$vm"
        VM_BIND_ARGS+=(-- remove interface "$(vm_port "$vm")" external_ids
                       filterref)
    done
    vsctl "${VM_BIND_ARGS[@]}" && retry 10 unbound
}
unbound() {
    [ -z "$(ext_id vm1 filterref-status)$(ext_id vm2 filterref-status)" ]
}

# A bridge nobody manages, as ovs-vswitchd has it in standalone mode: one
# flow, NORMAL.  ovs-vswitchd flushes a bridge's flows when its fail_mode
# changes and adds NORMAL on the change to standalone, so the controller's
# flows and meters go first, the mode last.
setup_normal() {
    local pid
    if ctl_running; then
        unbind || return 1
        pid=$(cat "$SW_DIR/nwf-controller.pid")
        kill -TERM "$pid"
        retry 10 sw_not kill -0 "$pid" || return 1
        ofctl del-flows br0 && ofctl del-meters br0 || return 1
    fi
    vsctl set bridge br0 fail_mode=standalone || return 1
    retry 10 has_normal
}
has_normal() {
    ofctl dump-flows br0 --no-stats | grep -q 'actions=NORMAL'
}

# The controller manages a bridge once one of its ports is bound, and
# keeps managing it, with its L2 pipeline and no port's flows, when the
# last binding goes (docs/architecture.md): so vm1 is bound to the empty
# filter and unbound again.
setup_unfiltered() {
    ctl_start
    retry 10 ctl_connected || return 1
    # The filters stay in the controller's store from the first round to
    # the next (and defining a filter of the same name again without its
    # UUID is an error, as in libvirt).
    if ! ctl_ofctl list | grep -q " bench-stateful-20$"; then
        filter_define empty || return 1
        ctl_ofctl define "$top/tests/bench/bench-stateful-20.xml" || return 1
    fi
    vm_bind vm1 empty || return 1
    unbind || return 1
    retry 10 no_flows_of vm1 || return 1
    ctl_appctl bridges/show | grep -q "br0: connected, managed"
}

# no_flows_of VM: the switch has no flow of VM's port (its ofport is the
# low bits of the cookie of the port's flows).
no_flows_of() {
    [ -z "$(ofctl dump-flows br0 --no-stats \
        "cookie=0x$(printf %x "$(vm_ofport "$1")")/0xffff" |
        grep -v '^OFPST')" ]
}
ctl_connected() {
    ctl_appctl bridges/show | grep -q "br0: connected"
}

setup_clean() {
    vm_bind vm1 clean-traffic IP=$IP1 && vm_bind vm2 clean-traffic IP=$IP2
}

setup_stateful() {
    vm_bind vm1 bench-stateful-20 && vm_bind vm2 bench-stateful-20
}

# ---- Measurements.

# fresh: no connection or datapath flow of an earlier run is left.  (Its
# packets have stopped once iperf3 returned; the flows would age out by
# themselves after 10 s.)
fresh() {
    sleep 1
    ct_flush
    vsw_appctl dpctl/del-flows
}

# iperf3_run NAME ARGS...: one iperf3 client run from vm1, its JSON in
# $SW_DIR/NAME.json.
iperf3_run() {
    local name=$1
    shift
    vm_exec vm1 iperf3 -c "$IP2" -J "$@" >"$SW_DIR/$name.json" \
        2>"$SW_DIR/$name.err"
    [ -n "$KEEP" ] && cp "$SW_DIR/$name.json" "$KEEP/"
    jq -e '.error | not' "$SW_DIR/$name.json" >/dev/null
}

# jqf NAME EXPR: EXPR of NAME's JSON.
jqf() {
    jq -r "$2" "$SW_DIR/$1.json"
}

# Datapath flows: the number of flows, and for the flows of vm1's
# direction that carry its data (at least half the packets of the busiest
# such flow) how many datapath passes a packet makes (1 + recirculations)
# and how many ct() actions it meets on the way.
dp_flow_count() {
    grep -c 'actions:' "$1"
}
dp_data_path() {
    awk -v port="in_port($2)" '
        index($0, port) && /actions:/ {
            n++
            p = $0; sub(/.*packets:/, "", p); sub(/,.*/, "", p)
            pk[n] = p + 0; line[n] = $0
            if (pk[n] > max) max = pk[n]
        }
        END {
            for (i = 1; i <= n; i++) {
                if (max == 0 || pk[i] < max / 2) continue
                passes++
                a = line[i]; sub(/.*actions:/, "", a)
                cts += gsub(/ct\(/, "", a)
            }
            printf "%d %d\n", passes, cts
        }' "$1"
}

# flows_of NAME ARGS...: runs iperf3 ARGS for 6 s and dumps the datapath
# flows at 3 s; sets FLOWS (less the baseline), PASSES, CTS.
flows_of() {
    local name=$1 base port
    shift
    fresh
    base=$(vsw_appctl dpctl/dump-flows | grep -c 'actions:')
    iperf3_run "$name" -t 6 "$@" &
    local client=$!
    sleep 3
    vsw_appctl dpctl/dump-flows >"$SW_DIR/$name.flows"
    wait "$client" || echo "# $name: iperf3 failed"
    [ -n "$KEEP" ] && cp "$SW_DIR/$name.flows" "$KEEP/"
    port=$(vm_dp_port vm1)
    FLOWS=$(( $(dp_flow_count "$SW_DIR/$name.flows") - base ))
    read -r PASSES CTS < <(dp_data_path "$SW_DIR/$name.flows" "$port")
}

# timed NAME ARGS...: iperf3_run, and sets CPU to the CPU time of
# ovs-vswitchd (all threads) during it, in % of one CPU.
timed() {
    local t0 t1 w0 w1
    t0=$(vswitchd_ticks) w0=$(date +%s.%N)
    iperf3_run "$@" || return 1
    t1=$(vswitchd_ticks) w1=$(date +%s.%N)
    CPU=$(awk -v t="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" \
        -v w0="$w0" -v w1="$w1" 'BEGIN { printf "%.0f", t / hz / (w1 - w0) * 100 }')
}

# Results, one line per set-up and round, in $SW_DIR/results:
#   CONFIG ROUND TCP-Mbit/s RETRANSMITS TCP-CPU-% UDP-Mbit/s UDP-LOSS-%
#   UDP-CPU-% TCP-FLOWS TCP-PASSES TCP-CTS UDP-FLOWS UDP-PASSES UDP-CTS
#   TCP-FLOWS-OF-4-CONNECTIONS
measure() {
    local cfg=$1 r=$2 tcp retr tcpu udp loss ucpu tf tp tc t4
    fresh
    timed "tcp-$cfg-$r" -t "$TIME" -O 1 || return 1
    tcp=$(jqf "tcp-$cfg-$r" '.end.sum_received.bits_per_second / 1e6')
    retr=$(jqf "tcp-$cfg-$r" '.end.sum_sent.retransmits')
    tcpu=$CPU
    fresh
    timed "udp-$cfg-$r" -u -b "$RATE" -t "$TIME" || return 1
    udp=$(jqf "udp-$cfg-$r" '.end.sum_received.bits_per_second / 1e6')
    loss=$(jqf "udp-$cfg-$r" '.end.sum_received.lost_percent')
    ucpu=$CPU
    # Flows that match a connection's own ports or addresses would grow
    # with the connections: the same with four at once tells.
    flows_of "tcp4flows-$cfg-$r" -P 4
    t4=$FLOWS
    flows_of "tcpflows-$cfg-$r"
    tf=$FLOWS tp=$PASSES tc=$CTS
    flows_of "udpflows-$cfg-$r" -u -b "$RATE"
    echo "$cfg $r $tcp $retr $tcpu $udp $loss $ucpu $tf $tp $tc $FLOWS $PASSES $CTS $t4" \
        >>"$SW_DIR/results"
    printf '# round %d %-12s TCP %4.0f Mbit/s (%s retransmits, vswitchd %d%%), UDP %5.1f Mbit/s (loss %.3f%%, vswitchd %d%%); dp flows TCP %d (%d passes, %d ct; %d with 4 connections), UDP %d (%d passes, %d ct)\n' \
        "$r" "$cfg" "$tcp" "$retr" "$tcpu" "$udp" "$loss" "$ucpu" \
        "$tf" "$tp" "$tc" "$t4" "$FLOWS" "$PASSES" "$CTS"
}

echo "# $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(nproc) CPUs, $(uname -r)," \
    "$(ovs-vswitchd --version | head -n 1), $(iperf3 --version | head -n 1)"
echo "# $ROUNDS rounds; TCP $TIME s; UDP at $RATE for $TIME s;" \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 1; r <= ROUNDS; r++)); do
    # The machine may be shared: its load tells a round that something
    # else disturbed (this benchmark alone keeps it at about 1).
    echo "# round $r: load average $(cut -d' ' -f1-3 /proc/loadavg)"
    for cfg in $CONFIGS; do
        if ! "setup_$cfg" >"$SW_DIR/setup.out" 2>&1; then
            echo "FAIL: set-up $cfg, round $r"
            sed 's/^/#   /' "$SW_DIR/setup.out"
            exit 1
        fi
        if ! measure "$cfg" "$r"; then
            echo "FAIL: iperf3 in $cfg, round $r"
            jq -r '.error // empty' "$SW_DIR"/*-"$cfg-$r".json
            exit 1
        fi
    done
done

# ---- The table.
# summary CONFIG N FORMAT: column N of CONFIG's results, median (range).
summary() {
    awk -v c="$1" -v col="$2" '$1 == c { print $col }' "$SW_DIR/results" \
        | sort -g | awk -v fmt="$3" '
            { v[NR] = $1 }
            END {
                m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                out = sprintf(fmt, m)
                if (NR > 1 && v[1] != v[NR])
                    out = out " (" sprintf(fmt, v[1]) " - " sprintf(fmt, v[NR]) ")"
                print out
            }'
}
# median CONFIG N: column N of CONFIG's results, median.
median() {
    awk -v c="$1" -v col="$2" '$1 == c { print $col }' "$SW_DIR/results" \
        | sort -g | awk '{ v[NR] = $1 } END {
            print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
ratio() {
    awk -v a="$(median "$1" "$3")" -v b="$(median "$2" "$3")" \
        'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'
}
row() {
    local col=$2 fmt=$3 cfg line="| $1 |"
    for cfg in $CONFIGS; do
        line="$line $(summary "$cfg" "$col" "$fmt") |"
    done
    echo "$line"
}
ratio_row() {
    local col=$2 cfg line="| $1 |"
    for cfg in $CONFIGS; do
        line="$line $(ratio "$cfg" unfiltered "$col") |"
    done
    echo "$line"
}

cat <<EOT

Median (range) of $ROUNDS rounds; ratios are of the medians, to "unfiltered".

EOT
header="| vm1 -> vm2 through one userspace bridge |" rule="|---|"
for cfg in $CONFIGS; do
    case $cfg in
        normal) header="$header NORMAL, no controller |" ;;
        unfiltered) header="$header unfiltered (our L2 pipeline) |" ;;
        clean) header="$header clean-traffic |" ;;
        stateful) header="$header stateful, 20 rules |" ;;
    esac
    rule="$rule--:|"
done
echo "$header"
echo "$rule"
row "TCP, Mbit/s received" 3 "%.0f"
ratio_row "TCP, to unfiltered" 3
row "TCP, sender's retransmits" 4 "%.0f"
row "ovs-vswitchd CPU during TCP, %" 5 "%.0f"
row "UDP at $RATE, Mbit/s received" 6 "%.1f"
ratio_row "UDP, to unfiltered" 6
row "UDP loss, %" 7 "%.3f"
row "ovs-vswitchd CPU during UDP, %" 8 "%.0f"
row "datapath flows, one TCP test" 9 "%.0f"
row "passes per TCP data packet (1 + recirculations)" 10 "%.0f"
row "ct() actions per TCP data packet" 11 "%.0f"
row "datapath flows, TCP test of 4 connections" 15 "%.0f"
row "datapath flows, one UDP test" 12 "%.0f"
row "passes per UDP data packet" 13 "%.0f"
row "ct() actions per UDP data packet" 14 "%.0f"
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -n "$KEEP" ] && cp "$SW_DIR/results" "$KEEP/"
echo "PASS: benchmark finished"
e2e_finish
