#!/bin/bash
# libvirt drop-in on a real switch: the libvirt hook, fed libvirt domain
# XML (tests/data/libvirt) with libvirt's hook arguments, binds the
# domain's Open vSwitch ports as libvirt would have bound them, traffic is
# filtered exactly as with hand-set external-ids, and "stopped" unbinds;
# binding-create/-delete/-list/-dumpxml drive the same bindings from
# libvirt's <filterbinding> XML.
#
#   vm1   domain nwf-vm1: clean-traffic with IP=10.9.12.1 in the domain's
#         <metadata>, the way that works with libvirt 9.0, and a second
#         interface, on a Linux bridge, with libvirt's own <filterref>
#         (left to libvirt)
#   vm2   domain nwf-vm2: no-mac-spoofing, no parameters, in the
#         <interface> (which libvirt 9.0 refuses to start on Open vSwitch,
#         docs/libvirt.md; supported all the same)
#   vm3   domain nwf-vm3: a filter that does not exist
#   vm4   binding-create / binding-delete
#   peer  unbound

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/frames.sh"

DATA=$top_srcdir/tests/data
HOOK=$top_builddir/utilities/libvirt-hook/ovs-nwfilter
UUID1=6f2c1d0e-7a43-4b8e-9c55-1f0a2b3c4d01
UUID2=6f2c1d0e-7a43-4b8e-9c55-1f0a2b3c4d02
UUID3=6f2c1d0e-7a43-4b8e-9c55-1f0a2b3c4d03

e2e_init
sw_start
# As libvirt adds a domain's port to Open vSwitch: attached-mac, iface-id,
# vm-id and iface-status.
libvirt_port() {
    local uuid=$1 n=$2
    echo "external_ids:vm-id=$uuid" \
        "external_ids:iface-id=0b8d5c7e-3f4a-4e1b-8a2d-9c6e5f4a3b2$n" \
        "external_ids:iface-status=active"
}
# shellcheck disable=SC2046
vm_add vm1 02:00:00:00:0c:01 10.9.12.1/24 $(libvirt_port $UUID1 1)
# shellcheck disable=SC2046
vm_add vm2 02:00:00:00:0c:02 10.9.12.2/24 $(libvirt_port $UUID2 2)
# shellcheck disable=SC2046
vm_add vm3 02:00:00:00:0c:03 10.9.12.3/24 $(libvirt_port $UUID3 3)
vm_add vm4 02:00:00:00:0c:04 10.9.12.4/24
vm_add peer 02:00:00:00:0c:fe 10.9.12.254/24
ctl_start

p1=$(vm_port vm1)
p2=$(vm_port vm2)
p3=$(vm_port vm3)
p4=$(vm_port vm4)

ofctl_b() {
    "$NWF_OFCTL" --ovs-db="unix:$SW_DIR/db.sock" \
        --filter-dir="$SW_DIR/filters" "$@"
}
# The installed hook, pointed at this switch the way an administrator
# would, through NWF_HOOK_OPTIONS.
run_hook() {
    local xml=$1
    shift
    sed -e "s/@BRIDGE@/$SW_BRIDGE/" -e "s/@PORT_VM1@/$p1/" \
        -e "s/@PORT_VM2@/$p2/" -e "s/@PORT_VM3@/$p3/" "$DATA/libvirt/$xml" |
        NWF_OFCTL=$NWF_OFCTL NWF_HOOK_OPTIONS="--ovs-db=unix:$SW_DIR/db.sock
            --filter-dir=$SW_DIR/filters" "$HOOK" "$@"
}
unbound() { [ -z "$(ext_id "$1" filterref)" ] && [ -z "$(ext_id "$1" filterref-status)" ]; }
ids() { vsctl get interface "$1" external_ids; }
spoofed_ip() {
    echo "Ether(src=\"$2\",dst=\"02:00:00:00:0c:fe\")/IP(src=\"10.9.12.99\",dst=\"10.9.12.254\")/UDP(sport=5600,dport=5600)"
}
own_ip() {
    echo "Ether(src=\"$2\",dst=\"02:00:00:00:0c:fe\")/IP(src=\"$1\",dst=\"10.9.12.254\")/UDP(sport=5600,dport=5600)"
}
spoofed_mac() {
    echo "Ether(src=\"02:00:00:00:0c:99\",dst=\"02:00:00:00:0c:fe\")/IP(src=\"$1\",dst=\"10.9.12.254\")/UDP(sport=5600,dport=5600)"
}
BPF="udp port 5600"

# ---- The hook: prepare, started. ----

check "prepare with a valid filter reference succeeds" \
    run_hook domain-vm1-metadata.xml nwf-vm1 prepare begin -
check "prepare writes nothing" \
    test -z "$(ext_id vm1 filterref)"

check "started binds the domain's Open vSwitch interface" \
    run_hook domain-vm1-metadata.xml nwf-vm1 started begin -
check "the port becomes active" retry 10 status_is vm1 active
check "the filter, parameter and owner are in OVSDB" \
    test "$(ext_id vm1 filterref)/$(ext_id vm1 filterref-param-IP)/$(ext_id vm1 filterref-owner)/$(ext_id vm1 vm-id)" \
        = "clean-traffic/10.9.12.1/nwf-vm1/$UUID1"
check "the interface on a Linux bridge is left to libvirt" \
    sh -c "! ovs-vsctl --db=unix:$SW_DIR/db.sock list interface | grep -q vnet91"
check "vm1's own IP reaches the peer" \
    frame_arrives vm1 peer "$BPF" "$(own_ip 10.9.12.1 02:00:00:00:0c:01)"
check "vm1's spoofed IP is dropped" \
    frame_blocked vm1 peer "$BPF" "$(spoofed_ip 10.9.12.1 02:00:00:00:0c:01)"
check "vm1's spoofed MAC is dropped" \
    frame_blocked vm1 peer "$BPF" "$(spoofed_mac 10.9.12.1)"
check "vm1 pings the peer" retry 5 ping_ok vm1 10.9.12.254

check "reconnect (libvirtd restarted) changes nothing" sh -c "
    before=\$(ovs-vsctl --db=unix:$SW_DIR/db.sock get interface $p1 external_ids)
    sed -e 's/@BRIDGE@/$SW_BRIDGE/' -e 's/@PORT_VM1@/$p1/' \
        '$DATA/libvirt/domain-vm1-metadata.xml' |
        NWF_OFCTL='$NWF_OFCTL' \
        NWF_HOOK_OPTIONS='--ovs-db=unix:$SW_DIR/db.sock --filter-dir=$SW_DIR/filters' \
        '$HOOK' nwf-vm1 reconnect begin - || exit 1
    after=\$(ovs-vsctl --db=unix:$SW_DIR/db.sock get interface $p1 external_ids)
    [ \"\$before\" = \"\$after\" ]"

check "a filterref in the <interface> binds too (no parameters)" \
    run_hook domain-vm2-interface.xml nwf-vm2 started begin -
check "vm2 becomes active with no-mac-spoofing" \
    retry 10 status_is vm2 active
check "vm2 has no parameters" \
    sh -c "! ovs-vsctl --db=unix:$SW_DIR/db.sock get interface $p2 external_ids | grep -q filterref-param"
check "vm2's spoofed MAC is dropped" \
    frame_blocked vm2 peer "$BPF" "$(spoofed_mac 10.9.12.2)"
check "vm2's any IP passes (no-mac-spoofing only)" \
    frame_arrives vm2 peer "$BPF" "$(spoofed_ip 10.9.12.2 02:00:00:00:0c:02)"

# ---- An invalid filter reference: the admin sees it. ----

before3=$(ids "$p3")
check_fails "prepare with an unknown filter fails" \
    run_hook domain-bad-filter.xml nwf-vm3 prepare begin -
check "started with an unknown filter fails and names the filter" sh -c "
    sed -e 's/@BRIDGE@/$SW_BRIDGE/' -e 's/@PORT_VM3@/$p3/' \
        '$DATA/libvirt/domain-bad-filter.xml' |
        NWF_OFCTL='$NWF_OFCTL' \
        NWF_HOOK_OPTIONS='--ovs-db=unix:$SW_DIR/db.sock --filter-dir=$SW_DIR/filters' \
        '$HOOK' nwf-vm3 started begin - 2>'$SW_DIR/hook3.err'
    status=\$?
    cat '$SW_DIR/hook3.err'
    [ \$status = 1 ] && grep -q no-such-filter '$SW_DIR/hook3.err'"
check "nothing was written for the unknown filter" \
    test "$(ids "$p3")" = "$before3"

# ---- Our faults do not stop a domain. ----

check "an unreachable database: the hook logs and exits 0" sh -c "
    sed -e 's/@PORT_VM1@/$p1/' '$DATA/libvirt/domain-vm1-metadata.xml' |
        NWF_OFCTL='$NWF_OFCTL' \
        NWF_HOOK_OPTIONS='--ovs-db=unix:$SW_DIR/nonexistent.sock --timeout=1 --filter-dir=$SW_DIR/filters' \
        '$HOOK' nwf-vm1 started begin -"
check "unreadable domain XML: the hook exits 0" sh -c "
    echo '<domain><name>x' | NWF_OFCTL='$NWF_OFCTL' '$HOOK' x started begin -"
check "a missing nwf-ofctl: the hook exits 0" sh -c "
    echo '<domain/>' | NWF_OFCTL=/nonexistent/nwf-ofctl '$HOOK' x started begin -"
check "other operations do nothing and succeed" sh -c "
    echo 'garbage' | NWF_OFCTL='$NWF_OFCTL' '$HOOK' x migrate begin - &&
    [ -z \"\$(echo garbage | NWF_OFCTL='$NWF_OFCTL' '$HOOK' x restore begin -)\" ]"

# ---- Owners in the listings. ----

check "nwf-ofctl bindings shows the owner" sh -c "
    '$NWF_OFCTL' --target='$SW_DIR/nwf-controller.ctl' bindings |
        grep '^$p1 ' | grep -q 'nwf-vm1 vm-id=$UUID1'"
check "bindings --format=json has the owner's keys" sh -c "
    '$NWF_OFCTL' --target='$SW_DIR/nwf-controller.ctl' --format=json bindings |
    '$PYTHON' -c '
import json, sys
rows = {r[\"port\"]: r for r in json.load(sys.stdin)}
assert rows[\"$p1\"][\"owner\"] == {\"name\": \"nwf-vm1\", \"vm-id\": \"$UUID1\",
    \"iface-id\": \"0b8d5c7e-3f4a-4e1b-8a2d-9c6e5f4a3b21\"}, rows[\"$p1\"]'"
check "binding-list lists both bindings with their owners" sh -c "
    out=\$('$NWF_OFCTL' --ovs-db=unix:$SW_DIR/db.sock binding-list)
    echo \"\$out\"
    echo \"\$out\" | grep -q '^ $p1 *clean-traffic *nwf-vm1 vm-id=$UUID1\$' &&
    echo \"\$out\" | grep -q '^ $p2 *no-mac-spoofing *nwf-vm2 vm-id=$UUID2\$'"

cat >"$SW_DIR/expected1.xml" <<EOF
<filterbinding>
  <owner>
    <name>nwf-vm1</name>
    <uuid>$UUID1</uuid>
  </owner>
  <portdev name='$p1'/>
  <mac address='02:00:00:00:0c:01'/>
  <filterref filter='clean-traffic'>
    <parameter name='IP' value='10.9.12.1'/>
    <parameter name='MAC' value='02:00:00:00:0c:01'/>
  </filterref>
</filterbinding>

EOF
check "binding-dumpxml prints the binding as libvirt would" sh -c "
    '$NWF_OFCTL' --ovs-db=unix:$SW_DIR/db.sock binding-dumpxml $p1 |
        diff -u '$SW_DIR/expected1.xml' -"

# ---- stopped, release. ----

check "stopped unbinds the domain's ports" \
    run_hook domain-vm1-metadata.xml nwf-vm1 stopped end -
check "vm1's binding and status are gone" retry 10 unbound vm1
check "libvirt's own keys stay" \
    test "$(ext_id vm1 vm-id)/$(ext_id vm1 attached-mac)" \
        = "$UUID1/02:00:00:00:0c:01"
check "vm1's spoofed IP now passes (unfiltered)" \
    retry 3 frame_arrives vm1 peer "$BPF" "$(spoofed_ip 10.9.12.1 02:00:00:00:0c:01)"
check "stopping nwf-vm1 left nwf-vm2 bound" status_is vm2 active
check "release after stopped is harmless" \
    run_hook domain-vm1-metadata.xml nwf-vm1 release end -
check "release unbinds nwf-vm2" \
    run_hook domain-vm2-interface.xml nwf-vm2 release end -
check "vm2's binding is gone" retry 10 unbound vm2

# A binding set by hand (no owner) is not the hook's to remove.
vsctl set interface "$p1" external_ids:filterref=no-mac-spoofing
check "a hand-set binding becomes active" retry 10 status_is vm1 active
check "stopped leaves a hand-set binding alone" \
    run_hook domain-vm1-metadata.xml nwf-vm1 stopped end -
check "the hand-set binding is still there" \
    test "$(ext_id vm1 filterref)" = no-mac-spoofing
vsctl remove interface "$p1" external_ids filterref
check "the hand-set binding is removed" retry 10 unbound vm1

# ---- binding-create, binding-delete. ----

binding_xml() {
    cat <<EOF
<filterbinding>
  <owner>
    <name>${2:-nwf-vm4}</name>
    <uuid>${3:-6f2c1d0e-7a43-4b8e-9c55-1f0a2b3c4d04}</uuid>
  </owner>
  <portdev name='$1'/>
  <mac address='${5:-02:00:00:00:0c:04}'/>
  <filterref filter='${4:-clean-traffic}'>
    <parameter name='IP' value='10.9.12.4'/>
  </filterref>
</filterbinding>
EOF
}
binding_xml "$p4" >"$SW_DIR/b4.xml"
check "binding-create binds the port" ofctl_b binding-create "$SW_DIR/b4.xml"
check "it becomes active" retry 10 status_is vm4 active
check "vm4's own IP passes" \
    frame_arrives vm4 peer "$BPF" "$(own_ip 10.9.12.4 02:00:00:00:0c:04)"
check "vm4's spoofed IP is dropped" \
    frame_blocked vm4 peer "$BPF" "$(spoofed_ip 10.9.12.4 02:00:00:00:0c:04)"
# As libvirt's: with $MAC, and virsh's empty line at the end.
{ sed "s|    <parameter name='IP' value='10.9.12.4'/>|&\n    <parameter name='MAC' value='02:00:00:00:0c:04'/>|" "$SW_DIR/b4.xml"; echo; } \
    >"$SW_DIR/expected4.xml"
check "binding-dumpxml gives back the binding, as libvirt would" sh -c "
    '$NWF_OFCTL' --ovs-db=unix:$SW_DIR/db.sock binding-dumpxml $p4 |
        diff -u '$SW_DIR/expected4.xml' -"
check "binding-dumpxml's output creates the same binding again" sh -c "
    '$NWF_OFCTL' --ovs-db=unix:$SW_DIR/db.sock binding-dumpxml $p4 \
        >'$SW_DIR/again4.xml' &&
    '$NWF_OFCTL' --ovs-db=unix:$SW_DIR/db.sock binding-delete $p4 &&
    '$NWF_OFCTL' --ovs-db=unix:$SW_DIR/db.sock \
        --filter-dir=$SW_DIR/filters binding-create '$SW_DIR/again4.xml' &&
    '$NWF_OFCTL' --ovs-db=unix:$SW_DIR/db.sock binding-dumpxml $p4 |
        diff -u '$SW_DIR/expected4.xml' -"
check "it is active again" retry 10 status_is vm4 active

before4=$(ids "$p4")
create_refused() {
    local name=$1 file=$2 pattern=$3
    check "binding-create refuses $name" sh -c "
        ! '$NWF_OFCTL' --ovs-db=unix:$SW_DIR/db.sock \
            --filter-dir=$SW_DIR/filters binding-create '$file' \
            2>'$SW_DIR/refused.err'
        status=\$?
        cat '$SW_DIR/refused.err'
        [ \$status = 0 ] && grep -q -- '$pattern' '$SW_DIR/refused.err'"
}
create_refused "a port that has a binding" "$SW_DIR/b4.xml" "already has a filter binding"
binding_xml nosuchport >"$SW_DIR/bad-port.xml"
create_refused "an unknown port" "$SW_DIR/bad-port.xml" "nosuchport.*no such Open vSwitch interface"
binding_xml "$p3" nwf-vm3 $UUID3 no-such-filter >"$SW_DIR/bad-filter.xml"
create_refused "an unknown filter" "$SW_DIR/bad-filter.xml" "no-such-filter"
binding_xml "$p3" nwf-vm4 6f2c1d0e-7a43-4b8e-9c55-1f0a2b3c4d04 \
    clean-traffic 02:00:00:00:0c:03 >"$SW_DIR/bad-owner.xml"
create_refused "another domain's port (vm-id)" "$SW_DIR/bad-owner.xml" "external_ids:vm-id"
binding_xml "$p3" nwf-vm3 $UUID3 | sed 's/<\/filterref>/<\/filter>/' \
    >"$SW_DIR/bad-xml.xml"
create_refused "malformed XML, naming the line" "$SW_DIR/bad-xml.xml" "bad-xml.xml:10"
binding_xml "$p3" nwf-vm3 $UUID3 | sed '/<mac/d' >"$SW_DIR/no-mac.xml"
create_refused "a binding without <mac>" "$SW_DIR/no-mac.xml" "<mac>"
binding_xml "$p3" nwf-vm3 $UUID3 | sed "s/value='10.9.12.4'/value='a b'/" \
    >"$SW_DIR/bad-param.xml"
create_refused "a bad parameter value" "$SW_DIR/bad-param.xml" "<parameter>"
# The schema (nwfilterbinding.rng, which includes nwfilter.rng for the
# <filterref>) knows no <comment> there; the parser alone would not care.
binding_xml "$p3" nwf-vm3 $UUID3 \
    | sed "s|<filterref filter|<comment/>\n  <filterref filter|" \
    >"$SW_DIR/not-in-schema.xml"
create_refused "an element the schema does not know" \
    "$SW_DIR/not-in-schema.xml" "not-in-schema.xml:.*schema:"
check "nothing was written by the refused creates" sh -c "
    [ \"\$(ovs-vsctl --db=unix:$SW_DIR/db.sock get interface $p4 external_ids)\" = '$before4' ] &&
    [ \"\$(ovs-vsctl --db=unix:$SW_DIR/db.sock get interface $p3 external_ids)\" = '$before3' ]"
check "vm4 is still filtered" \
    frame_blocked vm4 peer "$BPF" "$(spoofed_ip 10.9.12.4 02:00:00:00:0c:04)"

check "binding-delete unbinds" ofctl_b binding-delete "$p4"
check "vm4's binding is gone" retry 10 unbound vm4
check "vm4's spoofed IP now passes" \
    retry 3 frame_arrives vm4 peer "$BPF" "$(spoofed_ip 10.9.12.4 02:00:00:00:0c:04)"
check_fails "binding-delete of an unbound port fails" \
    ofctl_b binding-delete "$p4"
check_fails "binding-dumpxml of an unbound port fails" \
    ofctl_b binding-dumpxml "$p4"
# virsh's table, with an Owner column: dashes two longer than a row.
printf ' Port Dev   Filter   Owner\n%s\n\n' ---------------------------- \
    >"$SW_DIR/empty-list.txt"
check "binding-list is empty again, in virsh's layout" sh -c "
    '$NWF_OFCTL' --ovs-db=unix:$SW_DIR/db.sock binding-list |
        diff -u '$SW_DIR/empty-list.txt' -"

e2e_finish
