#!/bin/bash
# The filter database of a fleet, timed: H simulated hosts (default 2),
# each a private Open vSwitch with its own nwf-controller --filter-db on
# one machine, N internal ports in all (default 1,000, spread evenly),
# bound to clean-traffic with one IP each, and a three-server Raft
# cluster (tests/e2e/filter-db.sh).  Measures the time from
# "nwf-ofctl --db define" of clean-traffic with one rule more until every
# host has acknowledged the new generation in its Host row (which it does
# once its switch confirmed the flows), read from the database every
# 20 ms, and each host's own time to apply it, from its log.  Not part of
# "make check".
#
# Usage (root, from the build tree): tests/bench/bench-filter-db.sh [H [N]]

set -u
H=${1:-2}
N=${2:-1000}
top=$(cd "$(dirname "$0")/../.." && pwd)
export srcdir=$top builddir=$top
. "$top/tests/e2e/lib.sh"
. "$top/tests/e2e/filter-db.sh"

now() { date +%s.%N; }
elapsed() { echo "$1 $2" | awk '{ printf "%.3f", $2 - $1 }'; }

e2e_init
ROOT_DIR=$SW_DIR ROOT_ID=$SW_ID ROOT_NS=$SW_NS
on_host() {
    SW_DIR=$ROOT_DIR/h$1 SW_ID=${ROOT_ID}h$1 SW_NS=nwf${ROOT_ID}h$1sw
    SW_VMS=
}
on_root() { SW_DIR=$ROOT_DIR SW_ID=$ROOT_ID SW_NS=$ROOT_NS; }
all_cleanup() {
    local status=$? i
    for ((i = 0; i < H; i++)); do
        on_host $i
        sw_destroy
    done
    on_root
    (exit $status)
    e2e_cleanup
}
trap all_cleanup EXIT

fdb_create "$ROOT_DIR"
retry 20 fdb_members_up
dbctl() { "$NWF_OFCTL" --db="$FDB_REMOTES" --timeout=30 "$@"; }
for f in "$top"/filters/*.xml; do
    dbctl define "$f" >/dev/null
done

echo "# $H hosts, $N ports in all"
per=$(( N / H ))
for ((i = 0; i < H; i++)); do
    on_host $i
    mkdir -p "$SW_DIR"
    sw_start
    for ((j = 0; j < per; j += 100)); do
        args=()
        for ((k = j; k < j + 100 && k < per; k++)); do
            args+=(-- add-port br0 "p$k" -- set interface "p$k" type=internal)
        done
        vsctl "${args[@]}"
    done
    ctl_start --filter-db="$FDB_REMOTES" --host-name="h$i"
    args=()
    wait_args=()
    for ((k = 0; k < per; k++)); do
        args+=(-- set interface "p$k" external_ids:filterref=clean-traffic
               "external_ids:filterref-param-IP=10.$i.$((k / 250)).$((k % 250 + 1))"
               "external_ids:attached-mac=$(printf '02:%02x:00:%02x:%02x:01' \
                   "$i" $((k / 256)) $((k % 256)))")
        wait_args+=(-- wait-until interface "p$k"
                    external_ids:filterref-status=active)
    done
    vsctl "${args[@]}"
    ovs-vsctl --db="unix:$SW_DIR/db.sock" --timeout=300 "${wait_args[@]}"
done
on_root

generation() { dbctl status | awk 'NR == 1 { print $2 }'; }
# The number of hosts that report generation $1.
n_acked() { dbctl status | awk -v g="$1" 'NR > 3 && $2 == g' | grep -c .; }

g0=$(generation)
while [ "$(n_acked "$g0")" -lt "$H" ]; do sleep 0.1; done

dbctl dumpxml clean-traffic \
    | sed "s|</filter>|  <rule action='accept' direction='in' priority='500'><tcp dstportstart='9999'/></rule>\n</filter>|" \
    >"$ROOT_DIR/ct2.xml"
t0=$(now)
dbctl define "$ROOT_DIR/ct2.xml" >/dev/null
t1=$(now)
g1=$(generation)
while [ "$(n_acked "$g1")" -lt "$H" ]; do sleep 0.02; done
t2=$(now)

# Each host's own part: from its log, the update's start (the filter
# updated) to the generation acknowledged.
line_seconds() {
    sed 's/^[^T]*T\([0-9:.]*\)Z.*/\1/' \
        | awk -F: '{ printf "%.3f\n", $1 * 3600 + $2 * 60 + $3 }'
}
host_times=()
for ((i = 0; i < H; i++)); do
    log=$ROOT_DIR/h$i/nwf-controller.log
    start=$(grep "filter 'clean-traffic' updated" "$log" | tail -n 1 | line_seconds)
    end=$(grep "generation $g1 applied" "$log" | tail -n 1 | line_seconds)
    host_times+=("$(elapsed "$start" "$end")")
done
sorted=$(printf '%s\n' "${host_times[@]}" | sort -n)

cat <<EOT

| measure ($H hosts, $N ports in all, clean-traffic) | value |
|---|--:|
| define returned (checks and one transaction on the cluster) | $(elapsed "$t0" "$t1") s |
| define -> every host acknowledged generation $g1 | $(elapsed "$t0" "$t2") s |
| a host's own part, update start -> flows confirmed (min / max) | $(echo "$sorted" | head -n 1) / $(echo "$sorted" | tail -n 1) s |
EOT
echo "PASS: benchmark finished"
e2e_finish
