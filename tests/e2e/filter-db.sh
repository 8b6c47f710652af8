# A filter database clustered with Raft for the tests and benchmarks:
# three ovsdb-server processes on 127.0.0.1 (docs/distributed.md).
# Source it after lib.sh and e2e_init, then:
#     fdb_create DIR       # databases, sockets and logs in DIR
#     fdb_start I / fdb_stop I   # server I of 0, 1, 2
#     fdb_leader           # prints the index of the leader
#     fdb_members_up       # whether all three are members
# FDB_REMOTES holds the client remotes, comma-separated.

# fdb_create DIR: the three databases of a new cluster, its servers
# started.  Client ports FDB_C[i], Raft ports FDB_R[i], random so that two
# runs do not collide.
fdb_create() {
    FDB_DIR=$1
    local base=$(( 20000 + RANDOM % 20000 ))
    FDB_C=($base $((base + 1)) $((base + 2)))
    FDB_R=($((base + 3)) $((base + 4)) $((base + 5)))
    FDB_REMOTES="tcp:127.0.0.1:${FDB_C[0]},tcp:127.0.0.1:${FDB_C[1]},tcp:127.0.0.1:${FDB_C[2]}"
    ovsdb-tool create-cluster "$FDB_DIR/fdb0.db" \
        "$top_srcdir/schemas/nwfilter.ovsschema" \
        "tcp:127.0.0.1:${FDB_R[0]}" || return 1
    local i
    for i in 1 2; do
        ovsdb-tool join-cluster "$FDB_DIR/fdb$i.db" NWFilter \
            "tcp:127.0.0.1:${FDB_R[$i]}" "tcp:127.0.0.1:${FDB_R[0]}" \
            || return 1
    done
    for i in 0 1 2; do
        fdb_start $i || return 1
    done
}

# The pidfiles are in FDB_DIR, so that sw_destroy stops the servers when
# FDB_DIR is SW_DIR.
fdb_start() {
    ovsdb-server "$FDB_DIR/fdb$1.db" --remote="ptcp:${FDB_C[$1]}:127.0.0.1" \
        --pidfile="$FDB_DIR/fdb$1.pid" --unixctl="$FDB_DIR/fdb$1.ctl" \
        --log-file="$FDB_DIR/fdb$1.log" --detach --no-chdir \
        2>>"$FDB_DIR/daemons.stderr"
}

fdb_stop() {
    local pid
    pid=$(cat "$FDB_DIR/fdb$1.pid")
    kill "$pid"
    retry 10 sw_not kill -0 "$pid"
}

fdb_leader() {
    local i
    for i in 0 1 2; do
        if ovs-appctl -t "$FDB_DIR/fdb$i.ctl" cluster/status NWFilter \
                2>/dev/null | grep -q "^Role: leader"; then
            echo "$i"
            return 0
        fi
    done
    return 1
}

fdb_members_up() {
    [ "$(for i in 0 1 2; do
             ovs-appctl -t "$FDB_DIR/fdb$i.ctl" cluster/status NWFilter
         done 2>/dev/null | grep -c '^Status: cluster member')" = 3 ]
}
