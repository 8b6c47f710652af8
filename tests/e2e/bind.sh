# Binding filters to namespace VMs without nwf-controller owning the
# flows: each bound port's flows come from "nwf-ofctl compile", the
# bridge-wide flows from "nwf-ofctl compile-bridge", and the whole set is
# loaded with sw_load_flows.  Source after lib.sh.
#
#   bind_filter NAME <<'EOF' ... EOF
#       writes a filter (XML on stdin) as NAME.xml into the directory that
#       filter references resolve in ($BIND_FILTER_DIR, which also holds
#       copies of the built-in filters; a test's filter of the same name
#       replaces a built-in one).
#   bind_port VM FILTER [--param NAME=VALUE]... [other compile options]
#       compiles VM's port with FILTER (a file path, or a NAME looked up
#       in $BIND_FILTER_DIR): ofport and access VLAN (tag) from OVSDB,
#       MAC as vm_add set it, conntrack zone = ofport.  Takes effect at
#       the next bind_apply.
#       Fails, with nwf-ofctl's message, if the filter does not compile.
#   unbind_port VM
#       forgets VM's binding (its port forwards unfiltered after the next
#       bind_apply).
#   bind_apply
#       loads every bound port's flows plus the bridge-wide flows of all
#       the bridge's ports (VLAN tag/trunks from OVSDB, "bound" for the
#       bound ones) in one bundle, and adds the meters the flows use that
#       are missing (reject rules send packets to the controller through
#       their port's; run ctl_start for rejects to be answered).
#
# Each bind_port replaces that VM's earlier binding; bind_apply replaces
# all flows on the bridge, so it is also how a test changes a VM's filter.

BIND_VMS=
BIND_FILTER_DIR=

# bind_filter_dir: creates $BIND_FILTER_DIR on first use (SW_DIR exists
# only after e2e_init).
bind_filter_dir() {
    if [ -z "$BIND_FILTER_DIR" ]; then
        BIND_FILTER_DIR=$SW_DIR/bind-filters
        mkdir -p "$BIND_FILTER_DIR" &&
            cp "$NWF_BUILTIN_DIR"/*.xml "$BIND_FILTER_DIR"/
    fi
}

bind_filter() {
    bind_filter_dir
    cat >"$BIND_FILTER_DIR/$1.xml"
}

bind_port() {
    local vm=$1 filter=$2
    shift 2
    local port ofport mac out tag args=()
    bind_filter_dir
    port=$(vm_port "$vm")
    ofport=$(vsctl get interface "$port" ofport) || return 1
    mac=$(vsctl get interface "$port" external_ids:attached-mac | tr -d '"')
    # An access port's VM gets its VLAN's frames untagged.
    tag=$(vsctl get port "$port" tag)
    [ "$tag" != "[]" ] && args+=(--tag="$tag")
    out=$SW_DIR/bind.$vm.flows
    # "compile" prints the port's flows, then "# bridge-wide" and the
    # flows of a one-port bridge: keep the port's part only.
    "$NWF_OFCTL" compile "$filter" --filter-dir="$BIND_FILTER_DIR" \
        --mac="$mac" --ofport="$ofport" --zone="$ofport" "${args[@]}" \
        "$@" >"$out.all" || { rm -f "$out.all"; return 1; }
    sed '/^# bridge-wide/,$d' "$out.all" >"$out" && rm -f "$out.all"
    case " $BIND_VMS " in
        *" $vm "*) ;;
        *) BIND_VMS="$BIND_VMS $vm" ;;
    esac
}

unbind_port() {
    local vm left=
    for vm in $BIND_VMS; do
        [ "$vm" = "$1" ] || left="$left $vm"
    done
    BIND_VMS=$left
    rm -f "$SW_DIR/bind.$1.flows"
}

# bind_port_spec PORT-NAME: the port's "compile-bridge --port" spec,
# without "bound".
bind_port_spec() {
    local name=$1 spec tag trunks
    spec=$(vsctl get interface "$name" ofport) || return 1
    tag=$(vsctl get port "$name" tag)
    trunks=$(vsctl get port "$name" trunks | tr -d '[] ')
    [ "$tag" != "[]" ] && spec="$spec,tag=$tag"
    [ -n "$trunks" ] && spec="$spec,trunks=$trunks"
    echo "$spec"
}

bind_apply() {
    local out=$SW_DIR/bind.flows args=() name vm spec bound
    : >"$out"
    for vm in $BIND_VMS; do
        cat "$SW_DIR/bind.$vm.flows" >>"$out" || return 1
    done
    for name in $(vsctl list-ports "$SW_BRIDGE"); do
        spec=$(bind_port_spec "$name") || return 1
        bound=
        for vm in $BIND_VMS; do
            [ "$(vm_port "$vm")" = "$name" ] && bound=,bound
        done
        args+=(--port "$spec$bound")
    done
    "$NWF_OFCTL" compile-bridge "${args[@]}" >>"$out" || return 1
    # The bridge's first change to fail_mode=secure deletes its meters:
    # make it secure (what sw_load_flows would do) before the meters go in.
    vsctl set bridge "$SW_BRIDGE" fail_mode=secure || return 1
    bind_add_meters "$out" || return 1
    sw_load_flows "$out"
}

# bind_add_meters FLOWS-FILE: adds the meters that the flows' controller()
# actions use and the bridge lacks, with the limits that the controller
# gives them (nwf_meter_limits() in compiler/nwf-pipeline.h): 100 packets/s
# for a port's rejects (0x30000 + ofport), 10 for its learning copies.
bind_add_meters() {
    local id have rate
    have=$(ofctl dump-meters "$SW_BRIDGE" 2>/dev/null)
    for id in $(grep -o 'meter_id=[0-9]*' "$1" | cut -d= -f2 | sort -u); do
        case $have in *"meter=$id "*) continue ;; esac
        rate=10
        [ "$id" -ge $((0x30000)) ] && rate=100
        ofctl add-meter "$SW_BRIDGE" \
            "meter=$id,pktps,burst,bands=type=drop,rate=$rate,burst_size=50" ||
            return 1
    done
}
