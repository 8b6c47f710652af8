#!/bin/bash
# Port churn: 200 cycles of bound interfaces added, removed and re-added
# under the same name with another MAC, plus a bridge deleted with bound
# ports on it.  Afterwards the switch holds exactly the flows the
# controller wants (per table, learned flows aside), the statuses are
# right, and the controller's memory did not grow.

. "$(dirname "$0")/lib.sh"

e2e_init
sw_start
vm_add vm1 02:00:00:00:09:01 10.9.9.1/24
ctl_start
vsctl set interface "$(vm_port vm1)" external_ids:filterref=clean-traffic \
    external_ids:filterref-param-IP=10.9.9.1

status_of() {
    vsctl --if-exists get interface "$1" external_ids:filterref-status \
        | tr -d '"'
}
is_active() {
    [ "$(status_of "$1")" = active ]
}
check "the first port becomes active" retry 10 is_active "$(vm_port vm1)"

# Flows per table on the switch (learned flows of table 22 aside) and in
# the controller's desired set must be the same.
# ovs-ofctl leaves "table=0" out; "table=" may also appear in actions.
switch_counts() {
    ofctl dump-flows br0 --no-stats | grep -v '^OFPST_FLOW' \
        | sed -E 's/^ *(cookie=[^ ]+ )?(table=([0-9]+), )?.*/table=\3/;
                  s/^table=$/table=0/' \
        | grep -v 'table=22$' | sort | uniq -c
}
desired_counts() {
    ctl_appctl bridges/dump-flows br0 | grep -o '^table=[0-9]*' \
        | grep -v 'table=22$' | sort | uniq -c
}
tables_match() {
    diff <(switch_counts) <(desired_counts)
}
rss_kb() {
    ps -o rss= -p "$(cat "$SW_DIR/nwf-controller.pid")" | tr -d ' '
}

churn() {
    local from=$1 to=$2 i mac name
    for i in $(seq "$from" "$to"); do
        name=c$SW_ID$((i % 4))
        mac=$(printf '02:00:00:01:%02x:%02x' $((i / 256 % 256)) $((i % 256)))
        vsctl --may-exist add-port br0 "$name" -- \
            set interface "$name" type=internal \
            external_ids:filterref=clean-traffic \
            external_ids:filterref-param-IP=10.9.10.$((i % 4 + 1)) \
            external_ids:attached-mac="$mac"
        if [ $((i % 10)) = 0 ]; then
            retry 10 is_active "$name" || return 1
        fi
        vsctl del-port br0 "$name"
    done
}

check "20 warm-up cycles" churn 1 20
sleep 1
rss_before=$(rss_kb)
check "180 more add/remove/re-add cycles" churn 21 200
check "switch flows equal the desired flows after churn" \
    retry 10 tables_match
rss_after=$(rss_kb)
e2e_log "controller RSS: ${rss_before} kB after warm-up, ${rss_after} kB after 200 cycles"
check "controller memory did not grow (<2 MiB)" \
    test $((rss_after - rss_before)) -lt 2048
check "the bound port survived the churn" is_active "$(vm_port vm1)"

# A second bridge with a bound port, then deleted.
vsctl add-br br1 -- set bridge br1 datapath_type=netdev
vsctl add-port br1 "x${SW_ID}" -- set interface "x${SW_ID}" type=internal \
    external_ids:filterref=clean-traffic \
    external_ids:filterref-param-IP=10.9.11.1 \
    external_ids:attached-mac=02:00:00:02:00:01
check "a port on a second bridge becomes active" retry 10 is_active "x${SW_ID}"
vsctl del-br br1
bridge_forgotten() {
    ! ctl_appctl bridges/show | grep -q '^br1:'
}
check "a deleted bridge is forgotten" retry 10 bridge_forgotten
check "the first bridge is untouched" retry 5 tables_match

e2e_finish
