#!/bin/bash
# Controller benchmark: N ports (default 1,000) on a private userspace
# switch, bound to clean-traffic with explicit IPs in ONE OVSDB
# transaction; measures the time until all read "active", the time to
# apply a redefinition of clean-traffic (one tcp rule added) on the switch,
# the controller's resident memory, and the time until the flows are back
# after ovs-vswitchd restarts and after the controller restarts.  Not part
# of "make check".
#
# Usage (root, from the build tree): tests/bench/bench-controller.sh [N]
# With NWF_BENCH_PERF=FILE, "perf record" profiles the controller into FILE.
# With NWF_BENCH_POLL=1, the end of the bind is found by polling OVSDB
# every 20 ms, as this benchmark did at first (see below).

set -u
N=${1:-1000}
top=$(cd "$(dirname "$0")/../.." && pwd)
export srcdir=$top builddir=$top
. "$top/tests/e2e/lib.sh"

e2e_init
sw_start
now() { date +%s.%N; }
elapsed() { echo "$1 $2" | awk '{ printf "%.3f", $2 - $1 }'; }
# CPU seconds (user + system) that daemon $1 (its pidfile's name in
# SW_DIR) has used so far: who did the work of a step, the controller or
# the switch, whatever the wall time says.
cpu_seconds() {
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' \
        "/proc/$(cat "$SW_DIR/$1.pid")/stat"
}
# The CPU seconds of the controller, the switch and the database, as one
# word, for cpu_since.
cpu_all() {
    echo "$(cpu_seconds nwf-controller):$(cpu_seconds ovs-vswitchd):$(cpu_seconds ovsdb-server)"
}
# cpu_since WORD: "C / S / D s" used since cpu_all gave WORD.
cpu_since() {
    echo "$1:$(cpu_all)" | awk -F: '{ printf "%.2f / %.2f / %.2f s", \
        $4 - $1, $5 - $2, $6 - $3 }'
}
# The controller's log lines from line $1 on that say how long it took to
# build a bridge's desired flows, summed, in seconds.
build_seconds_since() {
    tail -n "+$1" "$SW_DIR/nwf-controller.log" \
        | sed -n 's/.*desired flows built in \([0-9]*\) ms.*/\1/p' \
        | awk '{ t += $1 } END { printf "%.3f", t / 1000 }'
}
log_lines() { wc -l <"$SW_DIR/nwf-controller.log"; }

echo "# creating $N internal ports"
for ((i = 0; i < N; i += 100)); do
    args=()
    for ((j = i; j < i + 100 && j < N; j++)); do
        args+=(-- add-port br0 "b$j" -- set interface "b$j" type=internal)
    done
    vsctl "${args[@]}"
done
ctl_start
retry 10 sh -c "ovs-appctl -t '$SW_DIR/nwf-controller.ctl' bridges/show \
    | grep -q connected"

if [ -n "${NWF_BENCH_PERF:-}" ]; then
    perf record -g -o "$NWF_BENCH_PERF" \
        -p "$(cat "$SW_DIR/nwf-controller.pid")" >/dev/null 2>&1 &
    perf_pid=$!
    sleep 1
fi

# One transaction binds all N.
args=()
for ((j = 0; j < N; j++)); do
    args+=(-- set interface "b$j" external_ids:filterref=clean-traffic
           "external_ids:filterref-param-IP=10.$((j / 65536 % 256)).$((j / 250 % 256)).$((j % 250 + 1))"
           "external_ids:attached-mac=$(printf '02:00:%02x:%02x:%02x:01' \
               $((j / 65536 % 256)) $((j / 256 % 256)) $((j % 256)))")
done
n_active() {
    ovs-vsctl --db="unix:$SW_DIR/db.sock" --bare --columns=name find \
        interface 'external_ids:filterref-status="active"' | grep -c .
}
# The end: one ovs-vsctl that watches the database until every port reads
# "active".  Polling it instead (a shell loop running "ovs-vsctl find"
# every 20 ms) takes, on a 2-CPU machine, CPU time from the switch and
# the controller being measured: about 0.5 s of the bind at 1,000 ports
# (docs/performance.md).
wait_args=()
for ((j = 0; j < N; j++)); do
    wait_args+=(-- wait-until interface "b$j"
                external_ids:filterref-status=active)
done
log0=$(log_lines)
cpu0=$(cpu_all)
t0=$(now)
vsctl "${args[@]}"
echo "# ovs-vsctl returned after $(elapsed "$t0" "$(now)") s"
if [ -n "${NWF_BENCH_POLL:-}" ]; then
    while [ "$(n_active)" -lt "$N" ]; do sleep 0.02; done
else
    ovs-vsctl --db="unix:$SW_DIR/db.sock" --timeout=300 "${wait_args[@]}"
fi
t1=$(now)
bind_time=$(elapsed "$t0" "$t1")
bind_cpu=$(cpu_since "$cpu0")
bind_build=$(build_seconds_since "$log0")
bind_batches=$(tail -n "+$log0" "$SW_DIR/nwf-controller.log" \
    | grep "flow changes confirmed" | sed 's/.*|INFO|br0: //' \
    | paste -sd ';' -)
flows=$(ofctl dump-flows br0 --no-stats | grep -vc "^OFPST\|table=22,")
rss=$(ps -o rss= -p "$(cat "$SW_DIR/nwf-controller.pid")" | tr -d ' ')

# Redefine clean-traffic with one more rule; applied when every port's
# new flow is on the switch.
"$NWF_OFCTL" --target="$SW_DIR/nwf-controller.ctl" dumpxml clean-traffic \
    | sed "s|</filter>|  <rule action='accept' direction='in' priority='500'><tcp dstportstart='9999'/></rule>\n</filter>|" \
    >"$SW_DIR/ct2.xml"
n_new() {
    ofctl dump-flows br0 --no-stats | grep -c "tp_dst=9999"
}
n_confirmed() {
    grep -c "flow changes confirmed" "$SW_DIR/nwf-controller.log"
}
# Seconds since midnight (UTC) of the log line $1, and of the time $1 that
# now() gave.
line_seconds() {
    echo "$1" | sed 's/^[^T]*T\([0-9:.]*\)Z.*/\1/' \
        | awk -F: '{ printf "%.3f", $1 * 3600 + $2 * 60 + $3 }'
}
day_seconds() {
    date -u -d "@$1" +%H:%M:%S.%N \
        | awk -F: '{ printf "%.3f", $1 * 3600 + $2 * 60 + $3 }'
}
# until_next_batch COUNT START: waits until the controller has logged a
# confirmed batch after its COUNT first ones, then sets 'batch_line' to
# that log line (without its prefix) and 'batch_time' to the seconds from
# START (a now() time) to it.  (The time comes from the controller's log,
# so this loop need not poll often; polling often would take CPU time
# from what it measures.)
until_next_batch() {
    while [ "$(n_confirmed)" -le "$1" ]; do sleep 0.1; done
    local line
    line=$(grep "flow changes confirmed" "$SW_DIR/nwf-controller.log" \
        | tail -n 1)
    batch_line=$(echo "$line" | sed 's/.*|INFO|br0: //')
    batch_time=$(elapsed "$(day_seconds "$2")" "$(line_seconds "$line")")
}
confirmed_before=$(n_confirmed)
log2=$(log_lines)
cpu2=$(cpu_all)
t2=$(now)
"$NWF_OFCTL" --target="$SW_DIR/nwf-controller.ctl" define "$SW_DIR/ct2.xml" \
    >/dev/null
t3=$(now)
# Applied = the switch has answered the barrier after the update's bundle
# (the controller logs it, with the time); then every port must have the
# new rule's flows.
until_next_batch "$confirmed_before" "$t2"
update_time=$batch_time
while [ "$(n_new)" -lt "$N" ]; do sleep 0.05; done
stable=$(n_new)
define_time=$(elapsed "$t2" "$t3")
update_cpu=$(cpu_since "$cpu2")
update_build=$(build_seconds_since "$log2")
rss2=$(ps -o rss= -p "$(cat "$SW_DIR/nwf-controller.pid")" | tr -d ' ')

# ovs-vswitchd stopped and started: the switch comes back with no flows.
# From its start (the bridge and its N ports included) until the
# controller's first confirmed batch after it, and that batch alone.
confirmed_before=$(n_confirmed)
sw_stop_vswitchd
t4=$(now)
sw_start_vswitchd
until_next_batch "$confirmed_before" "$t4"
restart_time=$batch_time restart_batch=$batch_line

# The controller restarted: the switch still has its flows, which keep
# filtering; the new controller reads them back and sends what differs
# (nothing, here).  From its start until that batch is confirmed.
pid=$(cat "$SW_DIR/nwf-controller.pid")
kill -TERM "$pid"
while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
confirmed_before=$(n_confirmed)
t5=$(now)
ctl_start
until_next_batch "$confirmed_before" "$t5"
ctl_restart_time=$batch_time ctl_restart_batch=$batch_line

if [ -n "${NWF_BENCH_PERF:-}" ]; then
    kill -INT "$perf_pid"
    wait "$perf_pid" 2>/dev/null
fi

cat <<EOT

| measure ($N ports, clean-traffic, explicit IPs) | ovs-nwfilter | libvirt 9.0 (libvirt-oracle.md) |
|---|--:|--:|
| one OVSDB transaction -> all ports active | ${bind_time} s | ~1 s per port |
| bind: CPU of controller / ovs-vswitchd / ovsdb-server | ${bind_cpu} | |
| bind: controller building desired flows (its log) | ${bind_build} s | |
| bind: batches confirmed by the switch (controller's log) | ${bind_batches} | |
| redefine clean-traffic -> applied on the switch | ${update_time} s (define returned after ${define_time} s) | 34.5 s for 21 ports |
| update: CPU of controller / ovs-vswitchd / ovsdb-server | ${update_cpu} | |
| update: controller building desired flows (its log) | ${update_build} s | |
| flows on the bridge (learned aside) | ${flows} | |
| flows per port for the new rule | $((stable / N)) | |
| controller RSS after binding / after update | $((rss / 1024)) MiB / $((rss2 / 1024)) MiB | |
| ovs-vswitchd started -> all flows back | ${restart_time} s (${restart_batch}) | iptables restart: lost until SIGHUP |
| nwf-controller restarted -> the switch's flows reconciled | ${ctl_restart_time} s (${ctl_restart_batch}) | |
EOT
cp "$SW_DIR/nwf-controller.log" /tmp/bench-ctl.log 2>/dev/null
echo "PASS: benchmark finished"
e2e_finish
