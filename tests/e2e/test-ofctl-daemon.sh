#!/bin/bash
# nwf-ofctl's commands that talk to a running nwf-controller: list (table
# and JSON), define (new, unchanged, name taken without its UUID, invalid,
# too large), dumpxml round trip, undefine (by name, by UUID, unknown) and
# edit (scripted editor; an invalid result without a terminal, and with
# one, where it offers to edit again).

. "$(dirname "$0")/lib.sh"

e2e_init
sw_start
ctl_start

CTL=$SW_DIR/nwf-controller.ctl
FILTERS=$SW_DIR/filters
export TMPDIR=$SW_DIR/tmp      # Where edit puts its temporary file.
mkdir -p "$TMPDIR"
unset VISUAL

nwfctl() {
    "$NWF_OFCTL" --target="$CTL" "$@"
}

# expect_fail PATTERN COMMAND...: COMMAND must exit 1 with a message on
# stderr that matches PATTERN (grep -E) and print nothing on stdout.
expect_fail() {
    local pattern=$1
    shift
    "$@" >"$SW_DIR/out" 2>"$SW_DIR/err"
    local status=$?
    cat "$SW_DIR/out" "$SW_DIR/err"
    test "$status" = 1 && test ! -s "$SW_DIR/out" \
        && grep -Eq -- "$pattern" "$SW_DIR/err"
}

# expect_out TEXT COMMAND...: COMMAND must succeed and print exactly TEXT.
expect_out() {
    local text=$1
    shift
    local out
    out=$("$@") || return 1
    echo "$out"
    test "$out" = "$text"
}

uuid_of() {
    nwfctl list | awk -v name="$1" '$2 == name { print $1 }'
}

# ---- list ----

n_builtins=$(ls "$NWF_BUILTIN_DIR"/*.xml | wc -l)
list_has_builtins() {
    nwfctl list >"$SW_DIR/list.txt" || return 1
    cat "$SW_DIR/list.txt"
    head -n 1 "$SW_DIR/list.txt" | grep -Eq '^ UUID +Name$' || return 1
    test "$(tail -n +3 "$SW_DIR/list.txt" | wc -l)" = "$n_builtins" \
        || return 1
    local f
    for f in "$NWF_BUILTIN_DIR"/*.xml; do
        grep -Eq "^ [0-9a-f-]{36}   $(basename "$f" .xml)\$" \
            "$SW_DIR/list.txt" || return 1
    done
}
check "list shows the $n_builtins built-in filters with their UUIDs" \
    list_has_builtins
check "there are 24 built-in filters" test "$n_builtins" = 24

list_json() {
    nwfctl list --format=json >"$SW_DIR/list.json" || return 1
    cat "$SW_DIR/list.json"
    "$PYTHON" -c 'import json,sys; json.load(sys.stdin)' \
        <"$SW_DIR/list.json" || return 1
    # The same filters and UUIDs as the table.
    "$PYTHON" - "$SW_DIR/list.json" "$SW_DIR/list.txt" <<'PY'
import json, sys
filters = json.load(open(sys.argv[1]))
table = [l.split() for l in open(sys.argv[2]).read().splitlines()[2:]]
assert all(sorted(f) == ["name", "uuid"] for f in filters), filters
assert [[f["uuid"], f["name"]] for f in filters] == table
PY
}
check "list --format=json is JSON with the same UUIDs and names" list_json

# ---- define ----

check "define of a new filter says 'defined'" \
    expect_out "filter 'web' defined" nwfctl define "$E2E_FILTERS/web.xml"
check "the new filter's file is in the filter directory" \
    grep -q "<uuid>" "$FILTERS/web.xml"
check "list shows the new filter" test -n "$(uuid_of web)"
check "the daemon logs the definition" \
    ctl_log_has "filter 'web' defined (from $E2E_FILTERS/web.xml)"

check "dumpxml prints the filter" \
    sh -c "'$NWF_OFCTL' --target='$CTL' dumpxml web >'$SW_DIR/web.dump'"
check "identical redefinition says 'unchanged'" \
    expect_out "filter 'web' unchanged" nwfctl define "$SW_DIR/web.dump"

web_uuid=$(uuid_of web)
check "redefinition of the name without its UUID fails as in libvirt" \
    expect_fail "filter 'web' already exists with uuid $web_uuid" \
    nwfctl define "$E2E_FILTERS/web.xml"

dumpxml_round_trip() {
    nwfctl dumpxml "$web_uuid" >"$SW_DIR/web.dump2" || return 1
    cmp "$SW_DIR/web.dump" "$SW_DIR/web.dump2" || return 1
    # The daemon's canonical form is the offline formatter's.
    diff <("$NWF_OFCTL" format "$SW_DIR/web.dump") "$SW_DIR/web.dump"
}
check "dumpxml by UUID is the same, and in canonical form" dumpxml_round_trip

sed "s/priority='100'/priority='150'/" "$SW_DIR/web.dump" \
    >"$SW_DIR/web-150.xml"
check "define of a changed definition with the UUID says 'updated'" \
    expect_out "filter 'web' updated" nwfctl define "$SW_DIR/web-150.xml"
check "the file holds the update" grep -q "priority='150'" "$FILTERS/web.xml"
nwfctl dumpxml web >"$SW_DIR/web.dump"
cp "$FILTERS/web.xml" "$SW_DIR/web.file"

sed "s/direction='in'/direction='sideways'/" "$SW_DIR/web.dump" \
    >"$SW_DIR/bad.xml"
bad_msg="<rule> attribute 'direction' value 'sideways'"
check "define of an invalid file fails naming the file and the problem" \
    expect_fail "^nwf-ofctl: $SW_DIR/bad.xml:3: $bad_msg" \
    nwfctl define "$SW_DIR/bad.xml"
printf "<filter name='web'>\n  <rule action='accept'\n" >"$SW_DIR/broken.xml"
check "define of malformed XML fails with one line naming the line" \
    expect_fail "^nwf-ofctl: $SW_DIR/broken.xml:[0-9]+: .+\$" \
    nwfctl define "$SW_DIR/broken.xml"
check "... and that error is one line" \
    test "$(wc -l <"$SW_DIR/err")" = 1
store_kept_old() {
    nwfctl dumpxml web | cmp - "$SW_DIR/web.dump" \
        && cmp "$FILTERS/web.xml" "$SW_DIR/web.file"
}
check "after failed defines the store keeps the old definition" \
    store_kept_old
check "define of a missing file fails" \
    expect_fail "nonexistent.xml: cannot open" \
    nwfctl define "$SW_DIR/nonexistent.xml"

# A large filter travels whole over the control socket; one over the
# parser's limit (1 MiB) is refused before it is sent.
make_big_filter() {
    local name=$1 n=$2 i
    echo "<filter name='$name' chain='root'>"
    for ((i = 1; i <= n; i++)); do
        echo "  <rule action='accept' direction='in'" \
             "priority='$((i % 1000))'><tcp dstportstart='$i'/></rule>"
    done
    echo "</filter>"
}
make_big_filter big 4000 >"$SW_DIR/big.xml"
big_defined() {
    nwfctl define "$SW_DIR/big.xml" && nwfctl dumpxml big \
        | grep -c "dstportstart" | grep -qx 4000
}
big_kb=$(($(wc -c <"$SW_DIR/big.xml") / 1024))
check "a filter of $big_kb kB is defined whole" big_defined
make_big_filter huge 20000 >"$SW_DIR/huge.xml"
check "a file over the size limit is refused" \
    expect_fail "huge.xml: larger than the limit of 1048576 bytes" \
    nwfctl define "$SW_DIR/huge.xml"

# ---- undefine ----

big_uuid=$(uuid_of big)
check "undefine by UUID says the filter's name" \
    expect_out "filter 'big' undefined" nwfctl undefine "$big_uuid"
check "undefine removes the file" test ! -e "$FILTERS/big.xml"
check "undefine of an unknown name fails" \
    expect_fail "^nwf-ofctl: no filter with name or uuid 'no-such-filter'\$" \
    nwfctl undefine no-such-filter
check "dumpxml of an unknown name fails" \
    expect_fail "^nwf-ofctl: no filter with name or uuid 'no-such-filter'\$" \
    nwfctl dumpxml no-such-filter

# ---- edit ----

cat >"$SW_DIR/edit-200.sh" <<'SH'
#!/bin/sh
sed -i "s/priority='150'/priority='200'/" "$1"
SH
cat >"$SW_DIR/edit-none.sh" <<'SH'
#!/bin/sh
true
SH
cat >"$SW_DIR/edit-break.sh" <<'SH'
#!/bin/sh
sed -i "s/direction='in'/direction='sideways'/" "$1"
SH
chmod +x "$SW_DIR"/edit-*.sh

check "edit with EDITOR changes the filter" \
    expect_out "filter 'web' updated" \
    env EDITOR="$SW_DIR/edit-200.sh" "$NWF_OFCTL" --target="$CTL" edit web
edited_200() {
    nwfctl dumpxml web | grep -q "priority='200'" \
        && grep -q "priority='200'" "$FILTERS/web.xml"
}
check "the change is in the store and its file" edited_200
check "VISUAL before EDITOR; an editor that changes nothing: 'unchanged'" \
    expect_out "filter 'web' unchanged" \
    env VISUAL="$SW_DIR/edit-none.sh" EDITOR=false \
    "$NWF_OFCTL" --target="$CTL" edit web

nwfctl dumpxml web >"$SW_DIR/web.dump"
cp "$FILTERS/web.xml" "$SW_DIR/web.file"
check "edit to invalid XML without a terminal fails naming the problem" \
    expect_fail "<rule> attribute 'direction' value 'sideways'" \
    env EDITOR="$SW_DIR/edit-break.sh" \
    "$NWF_OFCTL" --target="$CTL" edit web </dev/null
check "... does not ask to edit again" \
    sh -c "! grep -q 'Try again' '$SW_DIR/err'"
check "... and leaves the filter unchanged" store_kept_old
check "edit leaves no temporary file" \
    test -z "$(ls -A "$TMPDIR")"
check "edit of an unknown filter fails" \
    expect_fail "no filter with name or uuid 'no-such-filter'" \
    env EDITOR=true "$NWF_OFCTL" --target="$CTL" edit no-such-filter
check "edit fails when the editor fails" \
    expect_fail "editor \"false\" failed \(exit status 1\)" \
    env EDITOR=false "$NWF_OFCTL" --target="$CTL" edit web
check "... leaving no temporary file" test -z "$(ls -A "$TMPDIR")"

# On a terminal, an invalid result is offered for editing again, like
# "virsh edit": the editor breaks the XML the first time and fixes it the
# second; the answer is "y".
cat >"$SW_DIR/edit-twice.sh" <<SH
#!/bin/sh
if [ -e "$SW_DIR/edited-once" ]; then
    sed -i -e "s/direction='sideways'/direction='in'/" \
        -e "s/priority='200'/priority='300'/" "\$1"
else
    touch "$SW_DIR/edited-once"
    sed -i "s/direction='in'/direction='sideways'/" "\$1"
fi
SH
chmod +x "$SW_DIR/edit-twice.sh"
on_terminal() {
    "$PYTHON" - "$@" <<'PY'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out, answered = b"", False
while True:
    try:
        data = os.read(fd, 1024)
    except OSError:
        break
    if not data:
        break
    out += data
    if not answered and b"Try again? [y,n]" in out:
        os.write(fd, b"y\n")
        answered = True
status = os.waitpid(pid, 0)[1]
sys.stdout.write(out.decode())
sys.exit(os.waitstatus_to_exitcode(status))
PY
}
edit_again_on_terminal() {
    on_terminal env EDITOR="$SW_DIR/edit-twice.sh" \
        "$NWF_OFCTL" --target="$CTL" edit web >"$SW_DIR/tty.out" || return 1
    cat "$SW_DIR/tty.out"
    grep -q "value 'sideways'" "$SW_DIR/tty.out" \
        && grep -q "Try again? \[y,n\]" "$SW_DIR/tty.out" \
        && grep -q "filter 'web' updated" "$SW_DIR/tty.out" \
        && nwfctl dumpxml web | grep -q "priority='300'"
}
check "edit on a terminal offers to edit again after an invalid result" \
    edit_again_on_terminal

# ---- a filter in use ----

# A port bound to "web" through OVSDB: undefine is refused naming the
# port, and a new definition that the port cannot take changes nothing.
vm_add vm1 02:00:00:00:0e:01 10.9.14.1/24
p1=$(vm_port vm1)
port_active() {
    local status
    status=$(vsctl get interface "$p1" external_ids:filterref-status)
    echo "filterref-status: $status"
    test "$status" = active
}
vsctl set interface "$p1" external_ids:filterref=web
check "a port bound to web becomes active" retry 10 port_active
check "undefine of a filter in use fails naming the port" \
    expect_fail "^nwf-ofctl: filter 'web' is in use by port $p1\$" \
    nwfctl undefine web
nwfctl dumpxml web >"$SW_DIR/web.dump"
cp "$FILTERS/web.xml" "$SW_DIR/web.file"
sed "s|<tcp dstportstart='80'/>|<tcp srcipaddr='\$NO_SUCH_VAR'/>|" \
    "$SW_DIR/web.dump" >"$SW_DIR/web-novar.xml"
not_updated="filter 'web' not updated, nothing changed"
check "an update the port cannot take fails naming the port and why" \
    expect_fail "^nwf-ofctl: $not_updated: $p1: .*NO_SUCH_VAR" \
    nwfctl define "$SW_DIR/web-novar.xml"
check "... and the store keeps the old definition" store_kept_old
check "... and the port stays active" port_active
vsctl remove interface "$p1" external_ids filterref

# ---- the daemon's socket ----

check "undefine by name" \
    retry 10 expect_out "filter 'web' undefined" nwfctl undefine web
check "... and the filter is gone from list" test -z "$(uuid_of web)"

find_by_pidfile() {
    # As "ovs-appctl -t nwf-controller" does: the pidfile in OVS_RUNDIR
    # gives the socket nwf-controller.PID.ctl.
    local pid
    pid=$(cat "$SW_DIR/nwf-controller.pid") || return 1
    ln -sf "$CTL" "$SW_DIR/nwf-controller.$pid.ctl"
    OVS_RUNDIR=$SW_DIR "$NWF_OFCTL" list | grep -q " allow-arp$"
}
check "without --target, the daemon is found through its pidfile" \
    find_by_pidfile
check "no daemon at --target: a clear error" \
    expect_fail "^nwf-ofctl: cannot connect to \"$SW_DIR/none.ctl\"" \
    "$NWF_OFCTL" --target="$SW_DIR/none.ctl" list
check "no pidfile: a clear error" \
    expect_fail "^nwf-ofctl: cannot read pidfile \"$SW_DIR/nobody.pid\"" \
    env OVS_RUNDIR="$SW_DIR" "$NWF_OFCTL" --target=nobody list
check "the offline commands still work" \
    sh -c "'$NWF_OFCTL' format '$E2E_FILTERS/web.xml' | grep -q \"name='web'\""

e2e_finish
