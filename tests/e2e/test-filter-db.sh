#!/bin/bash
# One definition for a fleet: a filter database clustered with Raft (three
# ovsdb-server processes on 127.0.0.1), two "hosts" (two private Open
# vSwitch switches in their own namespaces, each with its nwf-controller
# --filter-db and two namespace VMs), and nwf-ofctl --db writing the
# database.  A define reaches both hosts and their traffic obeys it; the
# leader is killed and a define still works; with the whole cluster
# stopped both hosts keep filtering (a controller restarted then too, from
# its cache) and catch up once it is back; a definition that one host
# cannot compile leaves that host on the old one and is reported in its
# Host row (docs/distributed.md).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/frames.sh"
. "$(dirname "$0")/filter-db.sh"

e2e_init

# Two hosts: the lib's switch variables, switched between host a and b.
A_DIR=$SW_DIR A_ID=$SW_ID A_NS=$SW_NS A_VMS=
B_DIR=$SW_DIR/host-b B_ID=${SW_ID}b B_NS=nwf${SW_ID}bsw B_VMS=
mkdir "$B_DIR"
on() {
    case $CUR in a) A_VMS=$SW_VMS ;; b) B_VMS=$SW_VMS ;; esac
    CUR=$1
    case $1 in
        a) SW_DIR=$A_DIR SW_ID=$A_ID SW_NS=$A_NS SW_VMS=$A_VMS ;;
        b) SW_DIR=$B_DIR SW_ID=$B_ID SW_NS=$B_NS SW_VMS=$B_VMS ;;
    esac
}
CUR=a
both_cleanup() {
    local status=$?
    on b
    [ "$E2E_FAILED" != 0 ] && e2e_dump_logs
    sw_destroy
    on a
    (exit $status)
    e2e_cleanup
}
trap both_cleanup EXIT

fdb_create "$A_DIR"
remotes=$FDB_REMOTES
check "the three servers form a cluster" retry 20 fdb_members_up
dbctl() { "$NWF_OFCTL" --db="$remotes" --timeout=20 "$@"; }

for h in a b; do
    on $h
    sw_start
    vm_add vm1 02:00:00:00:0d:01 10.9.13.1/24
    vm_add vm2 02:00:00:00:0d:02 10.9.13.2/24
    ctl_start --filter-db="$remotes" --host-name="host-$h"
    listen vm1 81 82 83 84
    vsctl set interface "$(vm_port vm1)" external_ids:filterref=fleet-web
done

on a

# Checks on one host run in a subshell, so that the current host stays a.
status_starts() {
    case "$(ext_id "$1" filterref-status)" in "$2"*) return 0 ;; esac
    return 1
}
status_on() { (on "$1" && status_starts vm1 "$2"); }
# vm1 of each host listens on TCP 81 to 84 (see below).
blocked_on() { (on "$1" && connect_fails vm2 10.9.13.1 "$2"); }
passes_on() { (on "$1" && connects vm2 10.9.13.1 "$2"); }
host_field() {
    dbctl status | awk -v h="host-$1" -v f="$2" '$1 == h { print $f }'
}
generation() { dbctl status | awk 'NR == 1 { print $2 }'; }
acked() { [ "$(host_field "$1" 2)" = "$(generation)" ]; }
both_acked() { acked a && acked b; }
# redefine N PORT: filter fleet-web with a drop rule for PORT added, as
# "nwf-ofctl edit" would (its UUID kept).
redefine() {
    dbctl dumpxml fleet-web \
        | sed "s|</filter>|  <rule action='drop' direction='in' priority='$((100 + $2))'><tcp dstportstart='$2'/></rule>\n</filter>|" \
        >"$A_DIR/fleet-web.$1.xml"
    dbctl define "$A_DIR/fleet-web.$1.xml"
}

# ---- A define reaches every host. ----
for h in a b; do
    check "host $h: before the define, its port is in error" \
        retry 10 status_on $h "error: "
done
check "nwf-ofctl --db define writes the filter database" \
    dbctl define "$E2E_FILTERS/fleet-web.xml"
check "it is listed there" sh -c "'$NWF_OFCTL' --db='$remotes' list | grep -q fleet-web"
for h in a b; do
    check "host $h: the port becomes active" retry 10 status_on $h active
    check "host $h: tcp 81 to the VM is dropped" blocked_on $h 81
    check "host $h: tcp 82 passes" passes_on $h 82
done
check "both hosts acknowledge the generation" retry 10 both_acked
check "the daemon refuses a local define" \
    sw_not ctl_ofctl define "$E2E_FILTERS/fleet-web.xml"
check "... and says where filters are defined" \
    sh -c "'$NWF_OFCTL' --target='$A_DIR/nwf-controller.ctl' define \
        '$E2E_FILTERS/fleet-web.xml' 2>&1 | grep -q 'filter database'"
check "undefine of a filter in use is refused, naming host and port" \
    sh -c "! '$NWF_OFCTL' --db='$remotes' undefine fleet-web 2>'$A_DIR/u.err' \
        && grep -q 'host-a:$(vm_port vm1)' '$A_DIR/u.err'"

# ---- The database gets only what a daemon would take. ----
g=$(generation)
# refused FILE PATTERN: define of FILE fails with a message matching
# PATTERN.
refused_define() {
    ! dbctl define "$1" >"$A_DIR/refused.out" 2>&1 \
        && grep -q -- "$2" "$A_DIR/refused.out"
}
check "a malformed definition is refused, naming the file and line" \
    refused_define "$E2E_FILTERS/bad-xml.xml" "bad-xml.xml:[0-9]"
cat >"$A_DIR/loop-a.xml" <<'XML'
<filter name='loop-a' chain='root'><filterref filter='loop-b'/></filter>
XML
cat >"$A_DIR/loop-b.xml" <<'XML'
<filter name='loop-b' chain='root'><filterref filter='loop-a'/></filter>
XML
check "a filter that refers to an undefined one is taken" \
    dbctl define "$A_DIR/loop-a.xml"
check "one that closes a loop is refused" \
    refused_define "$A_DIR/loop-b.xml" "would introduce a loop"
check "an unused filter is undefined" dbctl undefine loop-a
check "nothing refused was written (two changes, two generations)" \
    test "$(generation)" = "$((g + 2))"
cat >"$A_DIR/edit-101.sh" <<'SH'
#!/bin/sh
sed -i "s/priority='100'/priority='101'/" "$1"
SH
chmod +x "$A_DIR/edit-101.sh"
check "edit changes a filter in the database" \
    env EDITOR="$A_DIR/edit-101.sh" "$NWF_OFCTL" --db="$remotes" edit fleet-web
check "... as dumpxml shows" sh -c "'$NWF_OFCTL' --db='$remotes' dumpxml \
    fleet-web | grep -q \"priority='101'\""
check "both hosts acknowledge the edit" retry 20 both_acked

# ---- The leader goes; the cluster goes on. ----
old_leader=$(fdb_leader)
check "the cluster has a leader" test -n "$old_leader"
fdb_stop "$old_leader"
check "with the leader killed, a define still works" retry 20 redefine 2 82
for h in a b; do
    check "host $h: tcp 82 is now dropped" retry 10 blocked_on $h 82
done
check "both hosts acknowledge the new generation" retry 20 both_acked
fdb_start "$old_leader"

# ---- The whole cluster stops. ----
check "the cluster is whole again" retry 20 fdb_members_up
for i in 0 1 2; do fdb_stop $i; done
for h in a b; do
    check "host $h: with the database gone, tcp 82 is still dropped" \
        blocked_on $h 82
    check "host $h: ... and its port still active" status_on $h active
done
# A controller that starts while the database is away filters with what
# it last applied (its cache).
pid=$(cat "$B_DIR/nwf-controller.pid")
kill "$pid"
retry 10 sw_not kill -0 "$pid"
(on b && ctl_start --filter-db="$remotes" --host-name=host-b)
check "host b: restarted without the database, its port is active" \
    retry 10 status_on b active
check "host b: ... and tcp 82 to it is dropped" blocked_on b 82
for i in 0 1 2; do fdb_start $i; done
check "the cluster is back" retry 30 fdb_members_up
check "a define after it is back works" retry 20 redefine 3 83
for h in a b; do
    check "host $h: it catches up: tcp 83 is dropped" retry 20 blocked_on $h 83
done
check "both hosts acknowledge it" retry 20 both_acked

# ---- A definition that one host cannot compile. ----
# Host a's port has $PORT, host b's has none: a rule that needs it
# compiles on a only.
vsctl set interface "$(vm_port vm1)" external_ids:filterref-param-PORT=84
check "host a: its port takes the parameter" retry 10 status_on a active
dbctl dumpxml fleet-web \
    | sed "s|</filter>|  <rule action='drop' direction='in' priority='300'><tcp dstportstart='\$PORT'/></rule>\n</filter>|" \
    >"$A_DIR/fleet-web.4.xml"
check "a definition only host a can compile is written" \
    dbctl define "$A_DIR/fleet-web.4.xml"
check "host a applies it: tcp 84 is dropped" retry 20 blocked_on a 84
check "host a acknowledges it" retry 20 acked a
check "host b reports why it did not" \
    retry 20 sh -c "'$NWF_OFCTL' --db='$remotes' status | grep '^ host-b' | grep -q PORT"
check "host b stays on the old generation" sw_not acked b
check "host b: tcp 84 still passes there (the old definition)" passes_on b 84
check "host b: tcp 83 is still dropped there" blocked_on b 83
check "host b: its port stays active" status_on b active
(on b && vsctl set interface "$(vm_port vm1)" \
    external_ids:filterref-param-PORT=84)
check "given the parameter, host b catches up on its own" retry 20 acked b
check "host b: tcp 84 is dropped there now" blocked_on b 84
check "host b: its error is gone" \
    sh -c "! '$NWF_OFCTL' --db='$remotes' status | grep '^ host-b' | grep -q PORT"

on a
for h in a b; do
    check "host $h: the controller is still running" \
        sh -c "kill -0 \$(cat '$([ $h = a ] && echo "$A_DIR" || echo "$B_DIR")/nwf-controller.pid')"
done
e2e_finish
