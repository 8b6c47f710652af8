#!/bin/bash
# ovs-nwfilter next to OVN: the same N ports (default 1,000) as internal
# ports of one userspace-datapath bridge of a private Open vSwitch, once
# filtered by nwf-controller with clean-traffic (one IP each), once by OVN
# (private NB and SB ovsdb-servers, ovn-northd and ovn-controller) with
# port security "MAC IP" and an ACL set that does what clean-traffic does
# (see "The OVN policy" below and docs/performance.md, "Next to OVN").
# Each side gets a fresh switch, so neither sees the other's flows, and
# the two run one after the other, never at the same time.
#
# For each side it measures:
#   bind    one ovs-vsctl transaction setting the external-ids of all N
#           Interfaces, until every Interface says its flows are on the
#           switch: filterref-status=active (ours) or ovn-installed=true
#           (ovn-controller), both written only after the switch answered
#           a barrier for the port's flows;
#   update  one rule more for all N ports (ours: nwf-ofctl define of
#           clean-traffic with a tcp rule added; OVN: one acl-add on the
#           port group of all N ports), until the switch has confirmed
#           the new flows;
#   flows   on the bridge, per port;
#   the controllers' resident memory and CPU seconds (ovn-northd and the
#   OVN databases reported separately), and ovs-vswitchd's CPU seconds.
#
# Usage (root, from the build tree, after "apt-get install ovn-central
# ovn-host"): tests/bench/bench-vs-ovn.sh [N]
# Not part of "make check".  Another benchmark on the same machine
# distorts both columns: run it as "flock -o /tmp/bench.lock
# tests/bench/bench-vs-ovn.sh" (-o, or the daemons it starts keep the
# lock).
# NWF_BENCH_SIDES="nwf ovn" (the default) chooses the sides to run.

set -u
N=${1:-1000}
SIDES=${NWF_BENCH_SIDES:-nwf ovn}
top=$(cd "$(dirname "$0")/../.." && pwd)
export srcdir=$top builddir=$top
. "$top/tests/e2e/lib.sh"

OVN_SCHEMAS=/usr/share/ovn
for tool in ovn-northd ovn-controller ovn-nbctl ovn-sbctl; do
    if ! command -v "$tool" >/dev/null; then
        echo "FAIL: $tool not found (apt-get install ovn-central ovn-host)"
        exit 1
    fi
done

now() { date +%s.%N; }
elapsed() { echo "$1 $2" | awk '{ printf "%.3f", $2 - $1 }'; }
CLK_TCK=$(getconf CLK_TCK)
# cpu_seconds PID: user + system CPU time of PID so far.  From /proc
# rather than ps, whose TIME column has a resolution of one second.
cpu_seconds() {
    awk -v hz="$CLK_TCK" '{ printf "%.2f", ($14 + $15) / hz }' \
        "/proc/$1/stat" 2>/dev/null || echo 0
}
rss_mib() {
    awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"
}
pid_of() { cat "$SW_DIR/$1.pid"; }
# The same addresses on both sides: port j has MAC mac_of j and IPv4 ip_of j.
mac_of() {
    printf '02:00:%02x:%02x:%02x:01' $(($1 / 65536 % 256)) \
        $(($1 / 256 % 256)) $(($1 % 256))
}
ip_of() {
    echo "10.$(($1 / 65536 % 256)).$(($1 / 250 % 256)).$(($1 % 250 + 1))"
}
# n_flows BRIDGE [PATTERN]: flows on BRIDGE (matching PATTERN).
n_flows() {
    ofctl dump-flows "$1" --no-stats | grep "actions=" | grep -c -- "${2:-.}"
}

# add_ports BRIDGE: N internal ports b0 ... b(N-1), 100 per transaction
# (one transaction of 1,000 new ports makes ovs-vswitchd take long
# enough for ovs-vsctl's timeout).
add_ports() {
    local i j args
    echo "# creating $N internal ports on $1"
    for ((i = 0; i < N; i += 100)); do
        args=()
        for ((j = i; j < i + 100 && j < N; j++)); do
            args+=(-- add-port "$1" "b$j" -- set interface "b$j" type=internal)
        done
        vsctl "${args[@]}"
    done
}

# wait_all KEY=VALUE: returns when every b$j's external_ids has KEY=VALUE.
# One ovs-vsctl that watches the database, not a polling loop: on 2 CPUs
# a loop of ovs-vsctl processes takes CPU time from what is measured
# (docs/performance.md, "The controller, end to end").
wait_all() {
    local j wait_args=()
    for ((j = 0; j < N; j++)); do
        wait_args+=(-- wait-until interface "b$j" "external_ids:$1")
    done
    ovs-vsctl --db="unix:$SW_DIR/db.sock" --timeout=600 "${wait_args[@]}"
}

# fail WHAT: a measurement cannot be made; the numbers after it would
# mean nothing, so the run ends here (the EXIT trap prints the daemons'
# logs and cleans up).
fail() {
    echo "FAIL: $*"
    E2E_FAILED=1
    exit 1
}

# ---- ovs-nwfilter ------------------------------------------------------

run_nwf() {
    e2e_init
    sw_start br0
    add_ports br0
    ctl_start
    retry 10 sh -c "ovs-appctl -t '$SW_DIR/nwf-controller.ctl' \
        bridges/show | grep -q connected" \
        || fail "nwf-controller not connected"
    local ctl sw j args=()
    ctl=$(pid_of nwf-controller)
    sw=$(pid_of ovs-vswitchd)
    nwf_flows_before=$(n_flows br0)

    for ((j = 0; j < N; j++)); do
        args+=(-- set interface "b$j" external_ids:filterref=clean-traffic
               "external_ids:filterref-param-IP=$(ip_of "$j")"
               "external_ids:attached-mac=$(mac_of "$j")")
    done
    local c0 s0 t0 t1
    c0=$(cpu_seconds "$ctl") s0=$(cpu_seconds "$sw")
    t0=$(now)
    vsctl "${args[@]}" || fail "the binding transaction"
    wait_all filterref-status=active || fail "not every port active"
    t1=$(now)
    nwf_bind=$(elapsed "$t0" "$t1")
    nwf_bind_cpu=$(elapsed "$c0" "$(cpu_seconds "$ctl")")
    nwf_bind_sw_cpu=$(elapsed "$s0" "$(cpu_seconds "$sw")")
    nwf_rss=$(rss_mib "$ctl")
    nwf_flows=$(n_flows br0)
    # Nothing of ours goes on working after the last "active"; this is
    # for the same row as OVN's, which does.
    nwf_bind_cpu_settled=$(elapsed "$c0" "$(cpu_seconds "$ctl")")

    # The update: clean-traffic with one rule more, as bench-controller.sh
    # does it.  Applied = the controller has logged that the switch
    # confirmed the update's bundle (barrier reply); the time comes from
    # that log line, so nothing has to poll often meanwhile.
    ctl_ofctl dumpxml clean-traffic \
        | sed "s|</filter>|  <rule action='accept' direction='in' priority='500'><tcp dstportstart='9999'/></rule>\n</filter>|" \
        >"$SW_DIR/ct2.xml"
    local before line t2 t3
    before=$(grep -c "flow changes confirmed" "$SW_DIR/nwf-controller.log")
    c0=$(cpu_seconds "$ctl") s0=$(cpu_seconds "$sw")
    t2=$(now)
    ctl_ofctl define "$SW_DIR/ct2.xml" >/dev/null || fail "define"
    t3=$(now)
    while [ "$(grep -c "flow changes confirmed" \
               "$SW_DIR/nwf-controller.log")" -le "$before" ]; do
        sleep 0.1
    done
    line=$(grep "flow changes confirmed" "$SW_DIR/nwf-controller.log" \
        | tail -n 1)
    # The log's time of day (UTC) against t2's.
    nwf_update=$(echo "$(date -u -d "@$t2" +%H:%M:%S.%N) $line" | awk '
        function secs(s, f) { split(s, f, ":"); return f[1] * 3600 + f[2] * 60 + f[3] }
        { sub(/^[^T]*T/, "", $2); sub(/Z.*/, "", $2)
          printf "%.3f", secs($2) - secs($1) }')
    nwf_define=$(elapsed "$t2" "$t3")
    # (CPU before the check below: dumping the flows costs the switch.)
    nwf_update_cpu=$(elapsed "$c0" "$(cpu_seconds "$ctl")")
    nwf_update_sw_cpu=$(elapsed "$s0" "$(cpu_seconds "$sw")")
    while [ "$(n_flows br0 tp_dst=9999)" -lt "$N" ]; do sleep 0.1; done
    nwf_rule_flows=$(n_flows br0 tp_dst=9999)
    nwf_rss2=$(rss_mib "$ctl")
    nwf_cpu_total=$(cpu_seconds "$ctl")
    echo "# ours: bind $nwf_bind s, update $nwf_update s," \
        "$nwf_flows flows"
    cp "$SW_DIR/nwf-controller.log" /tmp/bench-vs-ovn-nwf.log 2>/dev/null
    sw_destroy
}

# ---- OVN ---------------------------------------------------------------
#
# The OVN policy, per logical port lp$j (MAC and IP as above):
#   addresses      "MAC IP"
#   port_security  "MAC IP": from the VM, Ethernet source MAC, IPv4
#                  source IP (or DHCP's 0.0.0.0), ARP sha MAC and spa
#                  IP; no IPv6 at all.  That is no-mac-spoofing,
#                  no-ip-spoofing and no-arp-spoofing.  (To the VM it
#                  also restricts the destination MAC and IPv4 address,
#                  which clean-traffic does not.)
#   ACLs on port group pg_vms of all N ports, what port security leaves
#   to clean-traffic's other rules (only IPv4, ARP, QEMU's announcement):
#     from-lport 1002  ip4                      allow-related
#     from-lport 1001  arp                      allow
#     from-lport 1001  eth.type == 0x835        allow
#     from-lport 1001  RARP to broadcast        allow
#     from-lport 1000  everything else          drop
#     to-lport   1002  ip4                      allow-related
#     to-lport   1001  arp                      allow
#     to-lport   1001  RARP to broadcast        allow
#     to-lport   1000  everything else          drop
# OVN's logical fields for ARP require eth.type 0x806, so the RARP rules
# cannot check the announcement's ARP fields as clean-traffic's do.

ovn_nbctl() {
    ovn-nbctl --db="unix:$SW_DIR/ovnnb.sock" --timeout=600 "$@"
}
ovn_sbctl() {
    ovn-sbctl --db="unix:$SW_DIR/ovnsb.sock" --timeout=60 "$@"
}

# ovn_db NB|SB: a private ovsdb-server for OVN's northbound or southbound
# database.
ovn_db() {
    local db
    db=ovn$(echo "$1" | tr 'A-Z' 'a-z')
    ovsdb-tool create "$SW_DIR/$db.db" "$OVN_SCHEMAS/ovn-$(echo "$1" \
        | tr 'A-Z' 'a-z').ovsschema"
    ovsdb-server "$SW_DIR/$db.db" --remote="punix:$SW_DIR/$db.sock" \
        --unixctl="$SW_DIR/$db.ctl" --pidfile="$SW_DIR/$db.pid" \
        --log-file="$SW_DIR/$db.log" --detach --no-chdir \
        2>>"$SW_DIR/daemons.stderr"
}

run_ovn() {
    e2e_init
    # The Debian packages' default paths under /var/run/ovn and
    # /etc/ovn must not be touched: a system OVN may use them.
    export OVN_RUNDIR=$SW_DIR OVN_LOGDIR=$SW_DIR OVN_DBDIR=$SW_DIR \
        OVN_SYSCONFDIR=$SW_DIR
    sw_start br-int
    # What ovn-controller would set on a br-int it created itself.
    vsctl set bridge br-int fail_mode=secure \
        other_config:disable-in-band=true
    add_ports br-int
    ovn_db NB
    ovn_db SB
    ovn_nbctl --no-wait init
    ovn_sbctl init
    ovn-northd --ovnnb-db="unix:$SW_DIR/ovnnb.sock" \
        --ovnsb-db="unix:$SW_DIR/ovnsb.sock" \
        --unixctl="$SW_DIR/ovn-northd.ctl" --pidfile="$SW_DIR/ovn-northd.pid" \
        --log-file="$SW_DIR/ovn-northd.log" --detach --no-chdir \
        2>>"$SW_DIR/daemons.stderr"
    vsctl set open_vswitch . external_ids:system-id=nwf-bench \
        "external_ids:ovn-remote=unix:$SW_DIR/ovnsb.sock" \
        external_ids:ovn-encap-type=geneve \
        external_ids:ovn-encap-ip=127.0.0.1 \
        external_ids:ovn-bridge=br-int \
        external_ids:ovn-bridge-datapath-type=netdev
    # In the switch's namespace with OVS_RUNDIR=$SW_DIR, so that it
    # finds br-int.mgmt there.  (It has no --unixctl; its control socket
    # is $OVN_RUNDIR/ovn-controller.PID.ctl.)
    sw_exec env OVN_RUNDIR="$SW_DIR" ovn-controller "unix:$SW_DIR/db.sock" \
        --pidfile="$SW_DIR/ovn-controller.pid" \
        --log-file="$SW_DIR/ovn-controller.log" --detach --no-chdir \
        -vconsole:off 2>>"$SW_DIR/daemons.stderr"
    retry 30 sh -c "ovn-sbctl --db=unix:$SW_DIR/ovnsb.sock --bare \
        --columns=name list chassis | grep -q nwf-bench" \
        || fail "ovn-controller registered no chassis"

    # The northbound configuration, before anything is bound; not timed
    # against ours (nwf-controller's filters need no such step), but
    # reported.
    local j args=(ls-add sw0) pg=(pg-add pg_vms)
    for ((j = 0; j < N; j++)); do
        args+=(-- lsp-add sw0 "lp$j"
               -- lsp-set-addresses "lp$j" "$(mac_of "$j") $(ip_of "$j")"
               -- lsp-set-port-security "lp$j" "$(mac_of "$j") $(ip_of "$j")")
        pg+=("lp$j")
    done
    args+=(-- "${pg[@]}")
    local acl=(--type=port-group acl-add pg_vms)
    args+=(-- "${acl[@]}" from-lport 1002 'inport == @pg_vms && ip4' allow-related
           -- "${acl[@]}" from-lport 1001 'inport == @pg_vms && arp' allow
           -- "${acl[@]}" from-lport 1001 'inport == @pg_vms && eth.type == 0x835' allow
           -- "${acl[@]}" from-lport 1001 'inport == @pg_vms && eth.type == 0x8035 && eth.dst == ff:ff:ff:ff:ff:ff' allow
           -- "${acl[@]}" from-lport 1000 'inport == @pg_vms' drop
           -- "${acl[@]}" to-lport 1002 'outport == @pg_vms && ip4' allow-related
           -- "${acl[@]}" to-lport 1001 'outport == @pg_vms && arp' allow
           -- "${acl[@]}" to-lport 1001 'outport == @pg_vms && eth.type == 0x8035 && eth.dst == ff:ff:ff:ff:ff:ff' allow
           -- "${acl[@]}" to-lport 1000 'outport == @pg_vms' drop)
    local t0 t1
    t0=$(now)
    ovn_nbctl --wait=hv "${args[@]}" || fail "NB configuration"
    t1=$(now)
    ovn_nb_config=$(elapsed "$t0" "$t1")
    ovn_flows_before=$(n_flows br-int)

    local ctl northd sw nb sb
    ctl=$(pid_of ovn-controller) northd=$(pid_of ovn-northd)
    sw=$(pid_of ovs-vswitchd) nb=$(pid_of ovnnb) sb=$(pid_of ovnsb)
    args=()
    for ((j = 0; j < N; j++)); do
        args+=(-- set interface "b$j" "external_ids:iface-id=lp$j"
               "external_ids:attached-mac=$(mac_of "$j")")
    done
    local c0 n0 s0 d0
    c0=$(cpu_seconds "$ctl") n0=$(cpu_seconds "$northd")
    s0=$(cpu_seconds "$sw")
    d0=$(echo "$(cpu_seconds "$nb") $(cpu_seconds "$sb")" \
        | awk '{ print $1 + $2 }')
    t0=$(now)
    vsctl "${args[@]}" || fail "the binding transaction"
    # ovn-installed: "set after all openflow operations corresponding to
    # the OVS interface have been processed by ovs-vswitchd"
    # (ovn-controller(8)): ovn-controller waits for the barrier reply
    # after the port's flows, as ours does for "active".
    wait_all ovn-installed=true || fail "not every port ovn-installed"
    t1=$(now)
    ovn_bind=$(elapsed "$t0" "$t1")
    ovn_bind_cpu=$(elapsed "$c0" "$(cpu_seconds "$ctl")")
    ovn_bind_sw_cpu=$(elapsed "$s0" "$(cpu_seconds "$sw")")
    # ovn-controller goes on working after that (at 1,000 ports, some 6
    # s in its physical_flow_output handler for the Port_Bindings it
    # wrote, without changing a flow): the bind is settled when one more
    # round through northd and every chassis has come back.
    ovn_nbctl --wait=hv sync
    ovn_bind_settled=$(elapsed "$t0" "$(now)")
    ovn_bind_cpu_settled=$(elapsed "$c0" "$(cpu_seconds "$ctl")")
    ovn_bind_northd_cpu=$(elapsed "$n0" "$(cpu_seconds "$northd")")
    ovn_bind_db_cpu=$(echo "$d0 $(cpu_seconds "$nb") $(cpu_seconds "$sb")" \
        | awk '{ printf "%.2f", $2 + $3 - $1 }')
    ovn_up=$(ovn_nbctl --bare --columns=up list logical_switch_port \
        | grep -c true)
    ovn_rss=$(rss_mib "$ctl")
    ovn_flows=$(n_flows br-int)

    # The update: one ACL more on the port group, to the VMs (like ours,
    # direction 'in'), and the time until the switch has its flows:
    # ovn-controller records in br-int's external_ids:ovn-nb-cfg-ts when
    # it has installed the flows of an nb_cfg (ovn-controller(8)).
    local nb_cfg ts
    c0=$(cpu_seconds "$ctl") n0=$(cpu_seconds "$northd")
    s0=$(cpu_seconds "$sw")
    t0=$(now)
    ovn_nbctl --wait=hv --print-wait-time "${acl[@]}" to-lport 1003 \
        'outport == @pg_vms && tcp.dst == 9999' allow-related \
        >"$SW_DIR/wait-time.out" || fail "acl-add"
    t1=$(now)
    nb_cfg=$(ovn_nbctl get nb_global . nb_cfg)
    ovn_update_ret=$(elapsed "$t0" "$t1")
    if [ "$(vsctl get bridge br-int external_ids:ovn-nb-cfg | tr -d '"')" \
         = "$nb_cfg" ]; then
        ts=$(vsctl get bridge br-int external_ids:ovn-nb-cfg-ts | tr -d '"')
        ovn_update=$(elapsed "$t0" "$(echo "$ts" \
            | awk '{ printf "%.3f", $1 / 1000 }')")
    else
        ovn_update="?"
    fi
    ovn_update_cpu=$(elapsed "$c0" "$(cpu_seconds "$ctl")")
    ovn_update_northd_cpu=$(elapsed "$n0" "$(cpu_seconds "$northd")")
    ovn_update_sw_cpu=$(elapsed "$s0" "$(cpu_seconds "$sw")")
    ovn_rule_flows=$(n_flows br-int tp_dst=9999)
    ovn_rss2=$(rss_mib "$ctl")
    ovn_northd_rss=$(rss_mib "$northd")
    ovn_cpu_total=$(cpu_seconds "$ctl")
    ovn_northd_cpu_total=$(cpu_seconds "$northd")
    ovn_db_rss=$(echo "$(rss_mib "$nb") $(rss_mib "$sb")" \
        | awk '{ print $1 + $2 }')
    sed 's/^/# /' "$SW_DIR/wait-time.out"
    echo "# OVN: bind $ovn_bind s, update $ovn_update s," \
        "$ovn_flows flows"
    for log in ovn-controller ovn-northd; do
        cp "$SW_DIR/$log.log" "/tmp/bench-vs-ovn-$log.log" 2>/dev/null
    done
    sw_destroy
    unset OVN_RUNDIR OVN_LOGDIR OVN_DBDIR OVN_SYSCONFDIR
}

# ratio A B: A / B, or "-" when either is missing.
ratio() {
    echo "$1 $2" | awk '$1 + 0 > 0 && $2 + 0 > 0 { printf "%.2f", $1 / $2; next }
                        { print "-" }'
}
per_port() {
    echo "$1" | awk -v n="$N" '{ printf "%.1f", $1 / n }'
}

for side in $SIDES; do
    "run_$side"
done
# What a side that did not run prints.
: "${nwf_bind:=-}" "${nwf_update:=-}" "${nwf_define:=-}" "${nwf_flows:=0}"
: "${nwf_flows_before:=0}" "${nwf_rule_flows:=0}" "${nwf_rss:=-}"
: "${nwf_rss2:=-}" "${nwf_bind_cpu:=-}" "${nwf_update_cpu:=-}"
: "${nwf_cpu_total:=-}" "${nwf_bind_sw_cpu:=-}" "${nwf_update_sw_cpu:=-}"
: "${nwf_bind_cpu_settled:=-}" "${ovn_bind_cpu_settled:=-}"
: "${ovn_bind:=-}" "${ovn_update:=-}" "${ovn_update_ret:=-}" "${ovn_flows:=0}"
: "${ovn_flows_before:=0}" "${ovn_rule_flows:=0}" "${ovn_rss:=-}"
: "${ovn_rss2:=-}" "${ovn_bind_cpu:=-}" "${ovn_update_cpu:=-}"
: "${ovn_cpu_total:=-}" "${ovn_bind_sw_cpu:=-}" "${ovn_update_sw_cpu:=-}"
: "${ovn_bind_settled:=-}" "${ovn_nb_config:=-}" "${ovn_up:=-}"
: "${ovn_bind_northd_cpu:=-}" "${ovn_update_northd_cpu:=-}"
: "${ovn_northd_rss:=-}" "${ovn_northd_cpu_total:=-}" "${ovn_db_rss:=-}"
: "${ovn_bind_db_cpu:=-}"

cat <<EOT

| measure ($N ports, one IPv4 address each) | ovs-nwfilter | OVN 23.03 | OVN / ours |
|---|--:|--:|--:|
| bind: one ovs-vsctl transaction -> every port's flows confirmed | ${nwf_bind} s | ${ovn_bind} s | $(ratio "$ovn_bind" "$nwf_bind") |
| update: one rule more for all ports -> on the switch | ${nwf_update} s | ${ovn_update} s | $(ratio "$ovn_update" "$nwf_update") |
| update: the command returned (define / acl-add --wait=hv) | ${nwf_define} s | ${ovn_update_ret} s | |
| flows on the bridge, bound (before binding) | ${nwf_flows} (${nwf_flows_before}) | ${ovn_flows} (${ovn_flows_before}) | $(ratio "$ovn_flows" "$nwf_flows") |
| flows per port (all flows / $N) | $(per_port "$nwf_flows") | $(per_port "$ovn_flows") | $(ratio "$ovn_flows" "$nwf_flows") |
| flows of the added rule, per port | $(per_port "$nwf_rule_flows") | $(per_port "$ovn_rule_flows") | |
| controller RSS after bind / after update | ${nwf_rss} / ${nwf_rss2} MiB | ${ovn_rss} / ${ovn_rss2} MiB | $(ratio "$ovn_rss2" "$nwf_rss2") |
| controller CPU for the bind: until confirmed / until settled | ${nwf_bind_cpu} / ${nwf_bind_cpu_settled} s | ${ovn_bind_cpu} / ${ovn_bind_cpu_settled} s | $(ratio "$ovn_bind_cpu_settled" "$nwf_bind_cpu_settled") |
| controller CPU for the update / whole run (start included) | ${nwf_update_cpu} / ${nwf_cpu_total} s | ${ovn_update_cpu} / ${ovn_cpu_total} s | $(ratio "$ovn_cpu_total" "$nwf_cpu_total") |
| ovs-vswitchd CPU: bind / update | ${nwf_bind_sw_cpu} / ${nwf_update_sw_cpu} s | ${ovn_bind_sw_cpu} / ${ovn_update_sw_cpu} s | |
| OVN only: ovn-northd RSS; CPU bind / update / whole run | | ${ovn_northd_rss} MiB; ${ovn_bind_northd_cpu} / ${ovn_update_northd_cpu} / ${ovn_northd_cpu_total} s | |
| OVN only: NB + SB ovsdb-server RSS; CPU during the bind | | ${ovn_db_rss} MiB; ${ovn_bind_db_cpu} s | |
| OVN only: NB configuration (one ovn-nbctl --wait=hv, before the bind) | | ${ovn_nb_config} s | |
| OVN only: bind -> settled (a following "ovn-nbctl --wait=hv sync" returned); ports up in NB | | ${ovn_bind_settled} s; ${ovn_up} | |
EOT
echo "PASS: benchmark finished"
