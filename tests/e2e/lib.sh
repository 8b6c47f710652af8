# Shared helpers for the end-to-end tests: result reporting and clean-up on
# top of utilities/nwf-netns.sh (a private Open vSwitch, namespace "VMs" on
# veth ports, nwf-controller).
#
# Source it from a test script, then:
#     e2e_init                     # temp dir, unique names, cleanup trap
#     sw_start                     # ovsdb-server + ovs-vswitchd, bridge br0
#     vm_add vm1 02:00:00:00:00:01 10.0.0.1/24
#     ctl_start                    # nwf-controller on that switch
#     filter_define my-filter      # tests/data/filters/my-filter.xml
#     check "vm1 bound" vm_bind vm1 my-filter IP=10.0.0.1
#     check "vm1 reaches vm2" vm_exec vm1 ping -c1 -W1 10.0.0.2
#
# Frames and connections between the VMs: frames.sh.
#
# Every namespace, link and directory name carries a random id, so two runs
# (or a run and the sandbox) do not collide.
#
# Results: each "check" prints "PASS: NAME" or "FAIL: NAME"; the runner
# counts those lines.  Cleanup runs on exit, failure and interruption.

set -u

SW_ID=
SW_DIR=
SW_NS=
E2E_FAILED=0

top_srcdir=${srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${builddir:-$top_srcdir}
NWF_CONTROLLER=$top_builddir/controller/nwf-controller
NWF_OFCTL=$top_builddir/utilities/nwf-ofctl
NWF_BUILTIN_DIR=$top_srcdir/filters

. "$top_srcdir/utilities/nwf-netns.sh"

# The Debian python3 has scapy; a python3 earlier in PATH (pyenv) may not.
PYTHON=/usr/bin/python3

e2e_log() {
    echo "# $*"
}

e2e_init() {
    if [ "$(id -u)" != 0 ]; then
        echo "FAIL: $(basename "$0"): end-to-end tests need root"
        exit 1
    fi
    e2e_collect_stale
    SW_ID=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
    SW_DIR=$(mktemp -d "/tmp/nwf-e2e-$SW_ID.XXXXXX")
    SW_NS=nwf${SW_ID}sw
    echo $$ >"$SW_DIR/test.owner"
    trap e2e_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

e2e_cleanup() {
    local status=$?
    set +e
    if [ "$E2E_FAILED" != 0 ] || [ "$status" != 0 ]; then
        e2e_dump_logs
    fi
    sw_destroy
    if [ "$E2E_FAILED" != 0 ] && [ "$status" = 0 ]; then
        status=1
    fi
    exit "$status"
}

# Removes what earlier runs left behind if they were killed before their
# own clean-up (kill -9, a lost CI machine): every /tmp/nwf-e2e-ID.* whose
# owner process is gone, with its namespaces and daemons.
e2e_collect_stale() {
    local dir owner id ns
    for dir in /tmp/nwf-e2e-*.*; do
        [ -d "$dir" ] || continue
        owner=$(cat "$dir/test.owner" 2>/dev/null)
        if [ -n "$owner" ] && kill -0 "$owner" 2>/dev/null; then
            continue
        fi
        id=${dir#/tmp/nwf-e2e-}
        id=${id%%.*}
        (
            SW_DIR=$dir SW_ID=$id SW_NS=nwf${id}sw SW_VMS=
            for ns in $(ip netns list | awk '{print $1}'); do
                case $ns in
                    nwf${id}sw) ;;
                    nwf${id}*) SW_VMS="$SW_VMS ${ns#nwf$id}" ;;
                esac
            done
            sw_destroy
        )
    done
}

e2e_dump_logs() {
    for log in "$SW_DIR"/*.log; do
        [ -f "$log" ] || continue
        echo "# ---- last lines of $(basename "$log") ----"
        tail -n 30 "$log" | sed 's/^/#   /'
    done
}

# check NAME COMMAND...: runs COMMAND, reports PASS or FAIL.
check() {
    local name=$1
    shift
    if "$@" >"$SW_DIR/check.out" 2>&1; then
        echo "PASS: $name"
    else
        echo "FAIL: $name"
        sed 's/^/#   /' "$SW_DIR/check.out" | tail -n 20
        E2E_FAILED=$((E2E_FAILED + 1))
    fi
}

# check_fails NAME COMMAND...: passes when COMMAND fails.
check_fails() {
    local name=$1
    shift
    check "$name" sw_not "$@"
}

# ---- Filters and bindings, through nwf-controller (after ctl_start), as
# an administrator and a port plugin would do them.
#
#   ctl_ofctl ARGS...      nwf-ofctl against the test's controller
#   filter_define NAME...  defines each filter tests/data/filters/NAME.xml
#   vm_bind VM FILTER [PARAM=VALUE[,VALUE...]]...
#       binds VM's Interface to FILTER by external_ids (filterref, and
#       filterref-param-PARAM for each PARAM, a comma list being a list
#       of values; the MAC is attached-mac, as vm_add set it), dropping
#       the parameters of an earlier binding, and waits until the
#       controller reports filterref-status "active", that is, the
#       switch has confirmed the port's flows.  Fails, printing the
#       status, if the controller reports anything else ("error: ...",
#       "learning") or nothing within 10 s.
#   bind_learning VM [PARAM=VALUE]...
#       binds VM to clean-traffic with filterref-param-PARAM=VALUE each,
#       and does not wait: a port without IP reads "learning" until its
#       address is learned.
#   ext_id VM KEY          external_ids:KEY of VM's Interface
#   status_is VM STATUS    its filterref-status is STATUS
#   learned_is VM ADDRS    its filterref-learned-ip is ADDRS
#   no_learned VM          it has no filterref-learned-ip

E2E_FILTERS=$top_srcdir/tests/data/filters

ctl_ofctl() {
    "$NWF_OFCTL" --target="$SW_DIR/nwf-controller.ctl" "$@"
}

filter_define() {
    local name
    for name in "$@"; do
        ctl_ofctl define "$E2E_FILTERS/$name.xml" || return 1
    done
}

ext_id() {
    vsctl --if-exists get interface "$(vm_port "$1")" "external_ids:$2" \
        2>/dev/null | tr -d '"'
}
# vm_dp_port VM: the number of VM's port in the switch's datapath, as
# "dpctl/dump-flows" names it in in_port().
vm_dp_port() {
    vsw_appctl dpctl/show |
        sed -n "s/.*port \([0-9]*\): $(vm_port "$1")\( .*\)*$/\1/p"
}
status_is() { [ "$(ext_id "$1" filterref-status)" = "$2" ]; }
learned_is() { [ "$(ext_id "$1" filterref-learned-ip)" = "$2" ]; }
no_learned() { [ -z "$(ext_id "$1" filterref-learned-ip)" ]; }

# vm_bind_args VM FILTER [PARAM=VALUE]...: the ovs-vsctl arguments that
# replace VM's binding, in one transaction.  The old filterref-status goes
# too, so that the next status read is the controller's answer to this
# binding, not what it said of the previous one.
vm_bind_args() {
    local port kv
    port=$(vm_port "$1")
    VM_BIND_ARGS=()
    vm_params_removal "$1"
    VM_BIND_ARGS+=(-- remove interface "$port" external_ids filterref-status)
    VM_BIND_ARGS+=(-- set interface "$port" "external_ids:filterref=$2")
    shift 2
    for kv in "$@"; do
        VM_BIND_ARGS+=("external_ids:filterref-param-$kv")
    done
}

# vm_params_removal VM: appends to VM_BIND_ARGS the ovs-vsctl arguments
# that remove each filterref-param-* key of VM's Interface.
vm_params_removal() {
    local port key
    port=$(vm_port "$1")
    for key in $(vsctl get interface "$port" external_ids |
                 grep -o 'filterref-param-[A-Za-z0-9_]*'); do
        VM_BIND_ARGS+=(-- remove interface "$port" external_ids "$key")
    done
}

# vm_status_settled VM: the controller has answered for VM's binding.
vm_status_settled() {
    case $(ext_id "$1" filterref-status) in
        ""|pending) return 1 ;;
    esac
}

vm_bind() {
    local vm=$1 status
    vm_bind_args "$@" && vsctl "${VM_BIND_ARGS[@]}" || return 1
    retry 10 vm_status_settled "$vm"
    status=$(ext_id "$vm" filterref-status)
    if [ "$status" != active ]; then
        echo "$(vm_port "$vm"): filterref-status '$status'"
        return 1
    fi
}

bind_learning() {
    local vm=$1
    shift
    local args=(external_ids:filterref=clean-traffic) kv
    for kv in "$@"; do
        args+=("external_ids:filterref-param-$kv")
    done
    vsctl set interface "$(vm_port "$vm")" "${args[@]}"
}

# sw_load_flows FILE: makes the bridge a managed one (fail_mode=secure:
# nothing is forwarded without flows) and replaces its flows with those
# of FILE, as "nwf-ofctl compile" prints them, in one atomic bundle.
sw_load_flows() {
    vsctl set bridge "$SW_BRIDGE" fail_mode=secure &&
        ofctl --bundle replace-flows "$SW_BRIDGE" "$1"
}

e2e_finish() {
    if [ "$E2E_FAILED" != 0 ]; then
        exit 1
    fi
    exit 0
}
