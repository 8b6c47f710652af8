/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "ofctrl.h"

#include <stdio.h>
#include <string.h>

#include "byte-order.h"
#include "openflow/openflow.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-bundle.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-packet.h"
#include "openvswitch/ofp-switch.h"
#include "openvswitch/ofp-print.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofp-util.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/rconn.h"
#include "openvswitch/vlog.h"
#include "hash.h"
#include "nwf-pipeline.h"
#include "ofctrl-meters.h"
#include "ofctrl-stats.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(ofctrl);

/* After an error from the switch, wait this long before resynchronizing,
 * so that a flow the switch keeps rejecting does not make a busy loop. */
#define OFCTRL_RESYNC_BACKOFF_MSEC 1000

/* Lanes.  ovs-vswitchd reads at most 50 messages from one OpenFlow
 * connection per pass of its main loop, and on a bridge with many ports a
 * pass is slow: the userspace datapath reads every tap port in it (about
 * 3 ms with 1,000 ports).  24,000 flow changes on one connection take 480
 * passes.  So a large batch that need not reach the switch at a single
 * instant is spread over up to OFCTRL_N_LANES connections: the main one
 * (lane 0) and extra ones that carry nothing but bundles.  A port's changes
 * all go in one lane's bundle, so that each port still changes atomically;
 * see ofctrl_send_changes(). */
#define OFCTRL_N_LANES 8
#define OFCTRL_LANE_MIN_CHANGES 500     /* Fewer changes use one bundle. */

/* After the main connection comes up (the controller's start, a restart of
 * ovs-vswitchd, when every flow has to go), wait this long at most for the
 * lanes to come up too before resynchronizing.  They connect within
 * milliseconds of it; without them the switch takes several times longer. */
#define OFCTRL_LANES_WAIT_MSEC 1000

/* An extra connection to the bridge (lane 1 and up). */
struct ofctrl_lane {
    struct rconn *rconn;
    unsigned int conn_seqno;    /* rconn connection seqno last seen. */
    uint32_t staged_bundle;     /* A filled bundle to commit once the main
                                 * lane's bundle is confirmed, or 0. */
    ovs_be32 barrier_xid;       /* The barrier after its commit... */
    bool in_flight;             /* ...while it is awaited. */
};

/* What ofctrl knows of the switch's flow table. */
enum ofctrl_sync {
    OFCTRL_SYNCED,      /* 'installed' is what it has, once the batch in
                         * progress is confirmed. */
    OFCTRL_UNKNOWN,     /* After a (re)connection or an error. */
    OFCTRL_READING,     /* Reading the switch's flows into 'installed'.
                         * Then the desired flows go as changes from
                         * them: none after a restart of the controller
                         * that changed nothing, all of them to a switch
                         * that just started or a bridge that just became
                         * secure. */
    OFCTRL_FULL_SYNC,   /* The switch did not list its flows: one bundle
                         * deletes them all and adds the desired set, so
                         * that the bridge never passes through a state
                         * with partial or no flows. */
};

struct ofctrl {
    char *bridge;
    struct rconn *rconn;        /* The main connection: lane 0. */
    unsigned int conn_seqno;    /* rconn connection seqno last seen. */
    struct ofctrl_lane lanes[OFCTRL_N_LANES - 1];

    struct nwf_flow_set desired;
    uint64_t desired_seqno;     /* Incremented by each ofctrl_put(). */
    bool changes_pending;       /* 'desired' may differ from 'installed'. */
    bool all_at_once;           /* A put since the last batch wants its
                                 * changes in one bundle. */

    /* What the switch has, once the batch in progress is confirmed.  Only
     * meaningful in OFCTRL_SYNCED. */
    struct nwf_flow_set installed;
    enum ofctrl_sync sync;
    long long int resync_after; /* Earliest time to leave OFCTRL_UNKNOWN. */
    long long int lanes_wait_until; /* Latest, while lanes are down. */
    ovs_be32 read_xid;          /* The request of OFCTRL_READING. */

    /* The batch in progress, if any: the main lane's barrier that confirms
     * its bundle (and the lanes' barriers, see struct ofctrl_lane), and
     * the desired seqno it carried. */
    bool batch_active;
    ovs_be32 barrier_xid;
    bool in_flight;             /* The main lane's barrier is awaited. */
    bool batch_failed;
    long long int batch_sent;   /* When, in msec. */
    size_t batch_changes;       /* How many flow changes it carried... */
    size_t batch_bundles;       /* ...in how many bundles. */
    uint64_t batch_seqno;
    uint64_t installed_seqno;   /* Highest seqno confirmed on the switch. */

    uint32_t next_bundle_id;

    ofctrl_packet_in_cb *packet_in_cb;

    struct ofctrl_meters meters;    /* ofctrl-meters.h. */

    /* The flow statistics request in flight, if any. */
    struct ofctrl_stats stats;
};


/* What the switch holds, flows and meters, is no longer known (a new
 * connection, an error from the switch, a lane lost during a batch): the
 * next step is a resynchronization. */
static void
ofctrl_forget_switch(struct ofctrl *ofctrl)
{
    ofctrl->sync = OFCTRL_UNKNOWN;
    ofctrl_meters_forget(&ofctrl->meters);
}

/* Creates the connection to 'bridge', through RUNDIR/BRIDGE.mgmt.  It
 * starts with an empty desired set: nothing is sent to the switch until
 * the first ofctrl_put(). */
struct ofctrl *
ofctrl_create(const char *bridge, const char *rundir)
{
    struct ofctrl *ofctrl = xzalloc(sizeof *ofctrl);
    ofctrl->bridge = xstrdup(bridge);
    ofctrl->rconn = rconn_create(5, 4, 0, 1u << OFP13_VERSION);
    nwf_flow_set_init(&ofctrl->desired);
    nwf_flow_set_init(&ofctrl->installed);
    ofctrl_meters_init(&ofctrl->meters);
    ofctrl_forget_switch(ofctrl);
    ofctrl->next_bundle_id = 1;

    char *target = xasprintf("unix:%s/%s.mgmt", rundir, bridge);
    rconn_connect(ofctrl->rconn, target, bridge);
    VLOG_INFO("%s: connecting to %s (and %d lanes for large batches)",
              bridge, target, OFCTRL_N_LANES - 1);
    for (size_t i = 0; i < ARRAY_SIZE(ofctrl->lanes); i++) {
        struct ofctrl_lane *lane = &ofctrl->lanes[i];
        char *name = xasprintf("%s lane %"PRIuSIZE, bridge, i + 1);
        lane->rconn = rconn_create(5, 4, 0, 1u << OFP13_VERSION);
        rconn_connect(lane->rconn, target, name);
        free(name);
    }
    free(target);
    return ofctrl;
}

void
ofctrl_destroy(struct ofctrl *ofctrl)
{
    if (ofctrl) {
        ofctrl_stats_finish(&ofctrl->stats, "bridge removed");
        rconn_destroy(ofctrl->rconn);
        for (size_t i = 0; i < ARRAY_SIZE(ofctrl->lanes); i++) {
            rconn_destroy(ofctrl->lanes[i].rconn);
        }
        nwf_flow_set_destroy(&ofctrl->desired);
        nwf_flow_set_destroy(&ofctrl->installed);
        ofctrl_meters_destroy(&ofctrl->meters);
        free(ofctrl->bridge);
        free(ofctrl);
    }
}

const char *
ofctrl_get_bridge(const struct ofctrl *ofctrl)
{
    return ofctrl->bridge;
}

bool
ofctrl_is_connected(const struct ofctrl *ofctrl)
{
    return rconn_is_connected(ofctrl->rconn);
}

/* Makes the flows in 'flows' the desired flow table of the bridge, by
 * taking them: 'flows' is left empty.  Returns a sequence number: once
 * ofctrl_get_installed_seqno() reaches it, the switch has confirmed these
 * flows.
 *
 * With OFCTRL_PER_PORT, the changes of each port (the flows whose cookie
 * carries its ofport) reach the switch at one instant, bridge-wide ones
 * (cookie port 0) before them, but different ports may change a moment
 * apart.  With OFCTRL_ALL_AT_ONCE, every change goes in one bundle.  Puts
 * that meet in one batch are all at once if one of them is. */
uint64_t
ofctrl_put(struct ofctrl *ofctrl, struct nwf_flow_set *flows,
           enum ofctrl_put_mode mode)
{
    nwf_flow_set_swap(&ofctrl->desired, flows);
    nwf_flow_set_clear(flows);
    ofctrl->changes_pending = true;
    ofctrl->all_at_once |= mode == OFCTRL_ALL_AT_ONCE;
    return ++ofctrl->desired_seqno;
}

const struct nwf_flow_set *
ofctrl_get_desired(const struct ofctrl *ofctrl)
{
    return &ofctrl->desired;
}

uint64_t
ofctrl_get_installed_seqno(const struct ofctrl *ofctrl)
{
    return ofctrl->installed_seqno;
}

static enum ofp_version
ofctrl_version(const struct ofctrl *ofctrl)
{
    return rconn_get_version(ofctrl->rconn);
}

static void
ofctrl_send(struct ofctrl *ofctrl, struct ofpbuf *msg)
{
    rconn_send(ofctrl->rconn, msg, NULL);
}

/* Sends 'msg' (an OpenFlow message for the negotiated version) as it is,
 * if connected; frees it otherwise. */
void
ofctrl_send_raw(struct ofctrl *ofctrl, struct ofpbuf *msg)
{
    if (rconn_is_connected(ofctrl->rconn)) {
        ofctrl_send(ofctrl, msg);
    } else {
        ofpbuf_delete(msg);
    }
}

/* Bundles go on a given connection: the main one or a lane's. */
static void
send_bundle_ctrl(struct rconn *rconn, uint32_t bundle_id, uint16_t type)
{
    struct ofputil_bundle_ctrl_msg bc = {
        .bundle_id = bundle_id,
        .type = type,
        .flags = OFPBF_ORDERED | OFPBF_ATOMIC,
    };
    rconn_send(rconn, ofputil_encode_bundle_ctrl_request(
                          rconn_get_version(rconn), &bc), NULL);
}

static void
send_bundle_add(struct rconn *rconn, uint32_t bundle_id,
                const struct ofputil_flow_mod *fm)
{
    enum ofp_version version = rconn_get_version(rconn);
    struct ofpbuf *msg = ofputil_encode_flow_mod(
        fm, ofputil_protocol_from_ofp_version(version));
    struct ofputil_bundle_add_msg bam = {
        .bundle_id = bundle_id,
        .flags = OFPBF_ORDERED | OFPBF_ATOMIC,
        .msg = msg->data,
    };
    rconn_send(rconn, ofputil_encode_bundle_add(version, &bam), NULL);
    ofpbuf_delete(msg);
}

/* Sends a barrier request on 'rconn' and returns its xid. */
static ovs_be32
send_barrier(struct rconn *rconn)
{
    struct ofpbuf *msg
        = ofputil_encode_barrier_request(rconn_get_version(rconn));
    ovs_be32 xid = ((struct ofp_header *) msg->data)->xid;
    rconn_send(rconn, msg, NULL);
    return xid;
}

static void
send_bundle_flow(struct rconn *rconn, uint32_t bundle_id,
                 const struct nwf_flow *f, uint16_t command)
{
    struct ofputil_flow_mod fm = {
        .match = f->match,
        .priority = f->priority,
        .new_cookie = command == OFPFC_ADD ? htonll(f->cookie)
                                           : OVS_BE64_MAX,
        .table_id = f->table,
        .command = command,
        .buffer_id = UINT32_MAX,
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
        .ofpacts = command == OFPFC_ADD ? f->ofpacts : NULL,
        .ofpacts_len = command == OFPFC_ADD ? f->ofpacts_len : 0,
    };
    send_bundle_add(rconn, bundle_id, &fm);
}

static void
send_bundle_delete_all(struct rconn *rconn, uint32_t bundle_id)
{
    struct ofputil_flow_mod fm = {
        .table_id = OFPTT_ALL,
        .command = OFPFC_DELETE,
        .buffer_id = UINT32_MAX,
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
        .new_cookie = OVS_BE64_MAX,
    };
    minimatch_init_catchall(&fm.match);
    send_bundle_add(rconn, bundle_id, &fm);
    minimatch_destroy(&fm.match);
}

/* Asks the switch for packet-ins on this connection, in the format that
 * carries the controller() action's userdata.  A management connection
 * gets none until it sets a nonzero miss_send_len. */
static void
ofctrl_send_connection_setup(struct ofctrl *ofctrl)
{
    enum ofp_version version = ofctrl_version(ofctrl);
    struct ofputil_switch_config config = {
        .frag = OFPUTIL_FRAG_NORMAL,
        .invalid_ttl_to_controller = -1,
        .miss_send_len = UINT16_MAX,
    };
    ofctrl_send(ofctrl, ofputil_encode_set_config(&config, version));
    ofctrl_send(ofctrl, ofputil_encode_set_packet_in_format(
                            version, OFPUTIL_PACKET_IN_NXT2));
}

void
ofctrl_set_packet_in_cb(struct ofctrl *ofctrl, ofctrl_packet_in_cb *cb)
{
    ofctrl->packet_in_cb = cb;
}

/* Sends 'packet' to the switch to be processed by 'actions' (ovs-ofctl
 * syntax), as if it came from the controller. */
void
ofctrl_send_packet_out(struct ofctrl *ofctrl, const void *packet,
                       size_t size, const struct ofpbuf *ofpacts)
{
    if (!rconn_is_connected(ofctrl->rconn)) {
        return;
    }

    struct ofputil_packet_out po = {
        .packet = packet,
        .packet_len = size,
        .buffer_id = UINT32_MAX,
        .ofpacts = ofpacts->data,
        .ofpacts_len = ofpacts->size,
    };
    match_init_catchall(&po.flow_metadata);
    match_set_in_port(&po.flow_metadata, OFPP_CONTROLLER);
    enum ofputil_protocol protocol
        = ofputil_protocol_from_ofp_version(ofctrl_version(ofctrl));
    ofctrl_send(ofctrl, ofputil_encode_packet_out(&po, protocol));
}

/* One flow change of a batch. */
struct ofctrl_change {
    const struct nwf_flow *flow;
    uint16_t command;           /* OFPFC_ADD or OFPFC_DELETE_STRICT. */
};

/* Returns the changes that make 'installed' into 'desired', removals
 * first, in '*changesp' (to be freed), and their number. */
static size_t
ofctrl_collect_changes(const struct ofctrl *ofctrl,
                       struct ofctrl_change **changesp)
{
    size_t n = 0, allocated = 0;
    struct ofctrl_change *changes = NULL;
    const struct nwf_flow *f;

    /* Removals first, so that the table never holds a flow of the old set
     * beside one of the new set that it would shadow. */
    HMAP_FOR_EACH (f, node, &ofctrl->installed.flows) {
        if (!nwf_flow_set_find_same(&ofctrl->desired, f)) {
            if (n >= allocated) {
                changes = x2nrealloc(changes, &allocated, sizeof *changes);
            }
            changes[n++] = (struct ofctrl_change) { f, OFPFC_DELETE_STRICT };
        }
    }
    HMAP_FOR_EACH (f, node, &ofctrl->desired.flows) {
        const struct nwf_flow *old
            = nwf_flow_set_find_same(&ofctrl->installed, f);
        /* An ADD replaces a flow with the same match in place, and unlike
         * a MODIFY it can change the cookie. */
        if (!old || !nwf_flow_same_content(old, f)) {
            if (n >= allocated) {
                changes = x2nrealloc(changes, &allocated, sizeof *changes);
            }
            changes[n++] = (struct ofctrl_change) { f, OFPFC_ADD };
        }
    }
    *changesp = changes;
    return n;
}

/* Makes 'installed' what 'changes' (from ofctrl_collect_changes()) make of
 * it, which is the desired set: only the changed flows are copied. */
static void
ofctrl_apply_changes(struct nwf_flow_set *installed,
                     const struct ofctrl_change *changes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (changes[i].command == OFPFC_DELETE_STRICT) {
            /* The flow is in 'installed' itself: it goes. */
            nwf_flow_set_remove_same(installed, changes[i].flow);
        } else {
            nwf_flow_set_add_copy(installed, changes[i].flow);
        }
    }
}

/* Sends 'changes' in bundles: all in the main lane's, or, for a large
 * batch that need not be all at once, spread over the connected lanes by
 * the port in each flow's cookie.  Port 0 (bridge-wide flows) always goes
 * in the main lane's bundle, which is committed first; the other lanes'
 * bundles are filled now and committed once it is confirmed
 * (ofctrl_commit_lanes()), so that the flows a port's new flows lead to
 * are there before them.  Until a lane's bundle is committed, its ports
 * keep their old flows, or, for a port that had none, drop. */
static void
ofctrl_send_changes(struct ofctrl *ofctrl,
                    const struct ofctrl_change *changes, size_t n)
{
    struct rconn *rconns[OFCTRL_N_LANES] = { ofctrl->rconn };
    struct ofctrl_lane *lanes[OFCTRL_N_LANES] = { NULL };
    uint32_t bundle_ids[OFCTRL_N_LANES] = { 0 };
    size_t n_lanes = 1;

    if (!ofctrl->all_at_once && n >= OFCTRL_LANE_MIN_CHANGES) {
        for (size_t i = 0; i < ARRAY_SIZE(ofctrl->lanes); i++) {
            struct ofctrl_lane *lane = &ofctrl->lanes[i];
            if (rconn_is_connected(lane->rconn)) {
                rconns[n_lanes] = lane->rconn;
                lanes[n_lanes++] = lane;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        const struct nwf_flow *f = changes[i].flow;
        size_t k = (f->cookie & NWF_COOKIE_PORT_MASK) % n_lanes;
        if (!bundle_ids[k]) {
            bundle_ids[k] = ofctrl->next_bundle_id++;
            send_bundle_ctrl(rconns[k], bundle_ids[k], OFPBCT_OPEN_REQUEST);
        }
        send_bundle_flow(rconns[k], bundle_ids[k], f, changes[i].command);
    }
    if (bundle_ids[0]) {
        send_bundle_ctrl(ofctrl->rconn, bundle_ids[0],
                         OFPBCT_COMMIT_REQUEST);
    }
    ofctrl->batch_bundles = !!bundle_ids[0];
    for (size_t k = 1; k < n_lanes; k++) {
        lanes[k]->staged_bundle = bundle_ids[k];
        ofctrl->batch_bundles += !!bundle_ids[k];
    }
}

/* Sends what the switch lacks: the difference between 'installed' (after a
 * resynchronization, the flows read back from the switch) and 'desired',
 * or, in OFCTRL_FULL_SYNC, one bundle that deletes every flow and adds the
 * desired ones.  The main lane's barrier follows. */
static void
ofctrl_send_batch(struct ofctrl *ofctrl)
{
    size_t n_changes;

    ofctrl_meters_before_batch(&ofctrl->meters, ofctrl->rconn,
                               &ofctrl->desired);

    if (ofctrl->sync == OFCTRL_FULL_SYNC) {
        uint32_t bundle_id = ofctrl->next_bundle_id++;
        const struct nwf_flow *f;

        send_bundle_ctrl(ofctrl->rconn, bundle_id, OFPBCT_OPEN_REQUEST);
        send_bundle_delete_all(ofctrl->rconn, bundle_id);
        HMAP_FOR_EACH (f, node, &ofctrl->desired.flows) {
            send_bundle_flow(ofctrl->rconn, bundle_id, f, OFPFC_ADD);
        }
        send_bundle_ctrl(ofctrl->rconn, bundle_id, OFPBCT_COMMIT_REQUEST);
        n_changes = hmap_count(&ofctrl->desired.flows) + 1;
        ofctrl->batch_bundles = 1;
        VLOG_INFO("%s: full sync, %"PRIuSIZE" flows",
                  ofctrl->bridge, hmap_count(&ofctrl->desired.flows));
        nwf_flow_set_copy(&ofctrl->installed, &ofctrl->desired);
    } else {
        struct ofctrl_change *changes;
        n_changes = ofctrl_collect_changes(ofctrl, &changes);
        ofctrl_send_changes(ofctrl, changes, n_changes);
        ofctrl_apply_changes(&ofctrl->installed, changes, n_changes);
        free(changes);
    }

    ofctrl_meters_after_batch(&ofctrl->meters);

    ofctrl->barrier_xid = send_barrier(ofctrl->rconn);
    ofctrl->in_flight = true;
    ofctrl->batch_active = true;
    ofctrl->batch_sent = time_msec();
    ofctrl->batch_changes = n_changes;
    ofctrl->batch_failed = false;
    ofctrl->batch_seqno = ofctrl->desired_seqno;
    ofctrl->sync = OFCTRL_SYNCED;
    ofctrl->changes_pending = false;
    ofctrl->all_at_once = false;
}

/* Whether a batch is still on its way: the main lane's barrier, or a
 * lane's bundle or barrier. */
static bool
ofctrl_batch_in_progress(const struct ofctrl *ofctrl)
{
    if (ofctrl->in_flight) {
        return true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(ofctrl->lanes); i++) {
        const struct ofctrl_lane *lane = &ofctrl->lanes[i];
        if (lane->staged_bundle || lane->in_flight) {
            return true;
        }
    }
    return false;
}

/* Sends the meter deletions that wait for no batch to be in progress. */
static void
ofctrl_flush_meter_deletes(struct ofctrl *ofctrl)
{
    if (!ofctrl_batch_in_progress(ofctrl)
        && rconn_is_connected(ofctrl->rconn)) {
        ofctrl_meters_flush_deletes(&ofctrl->meters, ofctrl->rconn);
    }
}

/* Ends the batch in progress once every lane has confirmed its part. */
static void
ofctrl_batch_maybe_done(struct ofctrl *ofctrl)
{
    if (!ofctrl->batch_active || ofctrl_batch_in_progress(ofctrl)) {
        return;
    }
    ofctrl->batch_active = false;
    if (!ofctrl->batch_failed) {
        ofctrl->installed_seqno = ofctrl->batch_seqno;
        ofctrl_flush_meter_deletes(ofctrl);
    }
    VLOG_INFO("%s: %"PRIuSIZE" flow changes %s in %lld ms (%"PRIuSIZE
              " bundle%s)", ofctrl->bridge, ofctrl->batch_changes,
              ofctrl->batch_failed ? "failed" : "confirmed",
              time_msec() - ofctrl->batch_sent, ofctrl->batch_bundles,
              ofctrl->batch_bundles == 1 ? "" : "s");
}

/* Forgets the lanes' part of the batch in progress, discarding the
 * bundles not committed yet (the batch failed, or the main connection went
 * away). */
static void
ofctrl_abandon_lanes(struct ofctrl *ofctrl)
{
    for (size_t i = 0; i < ARRAY_SIZE(ofctrl->lanes); i++) {
        struct ofctrl_lane *lane = &ofctrl->lanes[i];
        if (lane->staged_bundle && rconn_is_connected(lane->rconn)) {
            send_bundle_ctrl(lane->rconn, lane->staged_bundle,
                             OFPBCT_DISCARD_REQUEST);
        }
        lane->staged_bundle = 0;
        lane->in_flight = false;
    }
}

/* The main lane's bundle is confirmed: commits the lanes' bundles after it,
 * or, if the batch failed, discards them. */
static void
ofctrl_commit_lanes(struct ofctrl *ofctrl)
{
    if (ofctrl->batch_failed) {
        ofctrl_abandon_lanes(ofctrl);
        return;
    }
    for (size_t i = 0; i < ARRAY_SIZE(ofctrl->lanes); i++) {
        struct ofctrl_lane *lane = &ofctrl->lanes[i];
        if (lane->staged_bundle) {
            send_bundle_ctrl(lane->rconn, lane->staged_bundle,
                             OFPBCT_COMMIT_REQUEST);
            lane->barrier_xid = send_barrier(lane->rconn);
            lane->in_flight = true;
            lane->staged_bundle = 0;
        }
    }
}

/* Asks the switch for every flow it has (OFCTRL_READING). */
static void
ofctrl_read_flows(struct ofctrl *ofctrl)
{
    nwf_flow_set_clear(&ofctrl->installed);
    ofctrl->read_xid = ofctrl_stats_send_request(ofctrl->rconn, 0, 0);
    ofctrl->sync = OFCTRL_READING;
}

static void
ofctrl_read_flow(const struct ofputil_flow_stats *fs, void *ofctrl_)
{
    struct ofctrl *ofctrl = ofctrl_;

    /* A flow with a timeout is one the switch learned (the learn action of
     * MAC learning): it is not ofctrl's, and expires. */
    if (!fs->idle_timeout && !fs->hard_timeout) {
        nwf_flow_set_add_ofpacts(&ofctrl->installed, fs->table_id,
                                 fs->priority, ntohll(fs->cookie),
                                 &fs->match, fs->ofpacts, fs->ofpacts_len);
    }
}

/* One part of the answer to ofctrl_read_flows(): its flows go into
 * 'installed'; after the last part, the difference from the desired flows
 * is what the switch lacks. */
static void
ofctrl_handle_read_flows(struct ofctrl *ofctrl, const struct ofp_header *oh)
{
    if (!ofctrl_stats_for_each(oh, ofctrl_read_flow, ofctrl)) {
        VLOG_WARN("%s: cannot read the switch's flows, will replace them all",
                  ofctrl->bridge);
        ofctrl->sync = OFCTRL_FULL_SYNC;
    } else if (!ofpmp_more(oh)) {
        size_t n = nwf_flow_set_count(&ofctrl->installed);
        if (n) {
            VLOG_INFO("%s: the switch has %"PRIuSIZE" flows: sending the "
                      "difference", ofctrl->bridge, n);
        } else {
            VLOG_INFO("%s: the switch has no flows: installing the desired "
                      "flows as changes", ofctrl->bridge);
        }
        ofctrl->sync = OFCTRL_SYNCED;
        ofctrl->changes_pending = true;
    }
}

/* Asks the switch for the statistics of the flows whose cookie matches:
 * see ofctrl.h. */
void
ofctrl_request_flow_stats(struct ofctrl *ofctrl, uint64_t cookie,
                          uint64_t cookie_mask, ofctrl_stats_cb *cb,
                          void *aux)
{
    if (!rconn_is_connected(ofctrl->rconn)) {
        cb(NULL, 0, "not connected to the switch", aux);
        return;
    }
    if (ofctrl->stats.cb) {
        cb(NULL, 0, "another statistics request is in progress", aux);
        return;
    }

    ofctrl_stats_start(&ofctrl->stats, ofctrl->rconn, cookie, cookie_mask,
                       cb, aux);
}

static void
ofctrl_handle_error(struct ofctrl *ofctrl, const struct ofp_header *oh)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    char *s = ofp_to_string(oh, ntohs(oh->length), NULL, NULL, 2);
    VLOG_WARN_RL(&rl, "%s: switch reported an error, will resync: %s",
                 ofctrl->bridge, s);
    free(s);

    ofctrl->batch_failed = true;
    ofctrl_forget_switch(ofctrl);
    ofctrl->resync_after = time_msec() + OFCTRL_RESYNC_BACKOFF_MSEC;
}

static void
ofctrl_recv(struct ofctrl *ofctrl, const struct ofp_header *oh)
{
    enum ofptype type;
    if (ofptype_decode(&type, oh)) {
        return;
    }

    switch ((int) type) {
    case OFPTYPE_ECHO_REQUEST:
        ofctrl_send(ofctrl, ofputil_encode_echo_reply(oh));
        break;

    case OFPTYPE_ERROR:
        if (ofctrl_stats_is_reply(&ofctrl->stats, oh)) {
            ofctrl_stats_finish(&ofctrl->stats,
                                "the switch refused the request");
        } else if (ofctrl->sync == OFCTRL_READING
                   && oh->xid == ofctrl->read_xid) {
            ofctrl->sync = OFCTRL_FULL_SYNC;
        } else if (ofctrl_meters_is_mod_error(oh)) {
            VLOG_DBG("%s: meter mod refused (expected after a restart)",
                     ofctrl->bridge);
        } else {
            ofctrl_handle_error(ofctrl, oh);
        }
        break;

    case OFPTYPE_METER_CONFIG_STATS_REPLY:
        if (oh->xid == ofctrl->meters.xid) {
            ofctrl_meters_handle_config(&ofctrl->meters, oh, ofctrl->bridge);
            ofctrl_flush_meter_deletes(ofctrl);
        }
        break;

    case OFPTYPE_FLOW_STATS_REPLY:
        if (ofctrl->sync == OFCTRL_READING && oh->xid == ofctrl->read_xid) {
            ofctrl_handle_read_flows(ofctrl, oh);
        } else {
            ofctrl_stats_handle_reply(&ofctrl->stats, oh);
        }
        break;

    case OFPTYPE_PACKET_IN:
        if (ofctrl->packet_in_cb) {
            ofctrl->packet_in_cb(ofctrl, oh);
        }
        break;

    case OFPTYPE_BARRIER_REPLY:
        if (ofctrl->in_flight && oh->xid == ofctrl->barrier_xid) {
            ofctrl->in_flight = false;
            ofctrl_commit_lanes(ofctrl);
            ofctrl_batch_maybe_done(ofctrl);
        }
        break;

    default:
        break;
    }
}

/* A message on 'lane': it only ever carries bundles and barriers. */
static void
ofctrl_lane_recv(struct ofctrl *ofctrl, struct ofctrl_lane *lane,
                 const struct ofp_header *oh)
{
    enum ofptype type;
    if (ofptype_decode(&type, oh)) {
        return;
    }

    switch ((int) type) {
    case OFPTYPE_ECHO_REQUEST:
        rconn_send(lane->rconn, ofputil_encode_echo_reply(oh), NULL);
        break;

    case OFPTYPE_ERROR:
        ofctrl_handle_error(ofctrl, oh);
        break;

    case OFPTYPE_BARRIER_REPLY:
        if (lane->in_flight && oh->xid == lane->barrier_xid) {
            lane->in_flight = false;
            ofctrl_batch_maybe_done(ofctrl);
        }
        break;

    default:
        break;
    }
}

static void
ofctrl_lane_run(struct ofctrl *ofctrl, struct ofctrl_lane *lane)
{
    rconn_run(lane->rconn);

    unsigned int seqno = rconn_get_connection_seqno(lane->rconn);
    if (seqno != lane->conn_seqno) {
        lane->conn_seqno = seqno;
        if (lane->staged_bundle || lane->in_flight) {
            /* Its part of the batch is lost. */
            VLOG_WARN("%s: a lane lost its connection during a batch, "
                      "will resync", ofctrl->bridge);
            lane->staged_bundle = 0;
            lane->in_flight = false;
            ofctrl->batch_failed = true;
            ofctrl_forget_switch(ofctrl);
            ofctrl_batch_maybe_done(ofctrl);
        }
    }

    for (int i = 0; i < 50; i++) {
        struct ofpbuf *msg = rconn_recv(lane->rconn);
        if (!msg) {
            break;
        }
        ofctrl_lane_recv(ofctrl, lane, msg->data);
        ofpbuf_delete(msg);
    }
}

static bool
ofctrl_lanes_connected(const struct ofctrl *ofctrl)
{
    for (size_t i = 0; i < ARRAY_SIZE(ofctrl->lanes); i++) {
        if (!rconn_is_connected(ofctrl->lanes[i].rconn)) {
            return false;
        }
    }
    return true;
}

/* The earliest time at which ofctrl may leave OFCTRL_UNKNOWN. */
static long long int
ofctrl_resync_time(const struct ofctrl *ofctrl)
{
    return (ofctrl_lanes_connected(ofctrl) ? ofctrl->resync_after
            : MAX(ofctrl->resync_after, ofctrl->lanes_wait_until));
}

/* Is there something to send now: a request for the switch's flows, or a
 * batch of flow changes? */
static bool
ofctrl_can_advance(const struct ofctrl *ofctrl)
{
    if (!rconn_is_connected(ofctrl->rconn) || ofctrl->batch_active
        || ofctrl->desired_seqno == 0) {
        return false;
    }
    switch (ofctrl->sync) {
    case OFCTRL_UNKNOWN:
        return time_msec() >= ofctrl_resync_time(ofctrl);
    case OFCTRL_READING:
        return false;
    case OFCTRL_FULL_SYNC:
        return true;
    case OFCTRL_SYNCED:
    default:
        return ofctrl->changes_pending;
    }
}

/* Does the work that is ready: keeps the connections, handles messages
 * from the switch and sends the next batch of flow changes. */
void
ofctrl_run(struct ofctrl *ofctrl)
{
    rconn_run(ofctrl->rconn);

    unsigned int seqno = rconn_get_connection_seqno(ofctrl->rconn);
    if (seqno != ofctrl->conn_seqno) {
        ofctrl->conn_seqno = seqno;
        ofctrl->in_flight = false;
        ofctrl->batch_active = false;
        ofctrl_abandon_lanes(ofctrl);
        ofctrl_forget_switch(ofctrl);
        ofctrl->resync_after = 0;
        if (rconn_is_connected(ofctrl->rconn)) {
            VLOG_INFO("%s: connected (OpenFlow 1.3)", ofctrl->bridge);
            ofctrl_send_connection_setup(ofctrl);
            ofctrl->lanes_wait_until = time_msec() + OFCTRL_LANES_WAIT_MSEC;
        } else {
            VLOG_INFO("%s: disconnected", ofctrl->bridge);
            ofctrl_stats_finish(&ofctrl->stats, "disconnected from the switch");
        }
    }

    for (int i = 0; i < 50; i++) {
        struct ofpbuf *msg = rconn_recv(ofctrl->rconn);
        if (!msg) {
            break;
        }
        ofctrl_recv(ofctrl, msg->data);
        ofpbuf_delete(msg);
    }
    for (size_t i = 0; i < ARRAY_SIZE(ofctrl->lanes); i++) {
        ofctrl_lane_run(ofctrl, &ofctrl->lanes[i]);
    }

    if (ofctrl_can_advance(ofctrl)) {
        if (ofctrl->sync == OFCTRL_UNKNOWN) {
            ofctrl_read_flows(ofctrl);
        } else {
            ofctrl_send_batch(ofctrl);
        }
    }
}

void
ofctrl_wait(struct ofctrl *ofctrl)
{
    rconn_run_wait(ofctrl->rconn);
    rconn_recv_wait(ofctrl->rconn);
    for (size_t i = 0; i < ARRAY_SIZE(ofctrl->lanes); i++) {
        rconn_run_wait(ofctrl->lanes[i].rconn);
        rconn_recv_wait(ofctrl->lanes[i].rconn);
    }
    if (ofctrl_can_advance(ofctrl)) {
        poll_immediate_wake();
    } else if (ofctrl->sync == OFCTRL_UNKNOWN && !ofctrl->batch_active
               && ofctrl->desired_seqno && rconn_is_connected(ofctrl->rconn)) {
        poll_timer_wait_until(ofctrl_resync_time(ofctrl));
    }
}
