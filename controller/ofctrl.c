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
#include "openvswitch/ofp-meter.h"
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
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(ofctrl);


/* After an error from the switch, wait this long before resynchronizing,
 * so that a flow the switch keeps rejecting does not make a busy loop. */
#define OFCTRL_RESYNC_BACKOFF_MSEC 1000

struct ofctrl {
    char *bridge;
    struct rconn *rconn;
    unsigned int conn_seqno;    /* rconn connection seqno last seen. */

    struct ofctrl_flows desired;
    uint64_t desired_seqno;     /* Incremented by each ofctrl_put(). */

    /* What the switch has, once the batch in flight is confirmed.  Only
     * meaningful when 'need_full_sync' is false. */
    struct ofctrl_flows installed;
    bool need_full_sync;
    long long int resync_after; /* Earliest time of the next full sync. */

    /* The batch in flight, if any: the barrier that confirms it and the
     * desired seqno it carried. */
    ovs_be32 barrier_xid;
    bool in_flight;
    bool batch_failed;
    long long int batch_sent;   /* When, in msec. */
    size_t batch_changes;       /* How many flow changes it carried. */
    uint64_t batch_seqno;
    uint64_t installed_seqno;   /* Highest seqno confirmed on the switch. */

    uint32_t next_bundle_id;

    ofctrl_packet_in_cb *packet_in_cb;

    /* Meters on the switch: those the installed flows use, as far as this
     * ofctrl knows.  After a reconnection the switch is asked for its
     * meters, and those no flow uses are deleted. */
    struct hmap installed_meters;   /* Contains "struct ofctrl_meter"s. */
    ovs_be32 meters_xid;            /* Meter config request in flight. */

    /* The flow statistics request in flight, if any. */
    ovs_be32 stats_xid;
    ofctrl_stats_cb *stats_cb;
    void *stats_aux;
    struct ofctrl_flow_stat *stats;
    size_t n_stats, allocated_stats;
};

static void ofctrl_stats_finish(struct ofctrl *, const char *error);

/* ---- Meters. ----
 *
 * The meters that the controller() actions of the flows refer to
 * (nwf-pipeline.h) are added before the bundle that needs them (meter mods
 * cannot go in a bundle) and deleted after the bundle that stops using
 * them.  An error from the switch about a meter mod (one that exists
 * already after a restart, say) changes nothing about the flows and is
 * not a reason to resynchronize. */

struct ofctrl_meter {
    struct hmap_node node;
    uint32_t id;
};

static bool
meters_contains(const struct hmap *meters, uint32_t id)
{
    const struct ofctrl_meter *m;
    HMAP_FOR_EACH_WITH_HASH (m, node, hash_int(id, 0), meters) {
        if (m->id == id) {
            return true;
        }
    }
    return false;
}

static void
meters_add(struct hmap *meters, uint32_t id)
{
    if (!meters_contains(meters, id)) {
        struct ofctrl_meter *m = xmalloc(sizeof *m);
        m->id = id;
        hmap_insert(meters, &m->node, hash_int(id, 0));
    }
}

static void
meters_clear(struct hmap *meters)
{
    struct ofctrl_meter *m;
    HMAP_FOR_EACH_POP (m, node, meters) {
        free(m);
    }
}

/* Adds to 'meters' every meter that a flow of 'flows' uses. */
static void
meters_of_flows(const struct ofctrl_flows *flows, struct hmap *meters)
{
    const struct ofctrl_flow *f;
    HMAP_FOR_EACH (f, node, &flows->flows) {
        const struct ofpact *a;
        OFPACT_FOR_EACH (a, f->ofpacts, f->ofpacts_len) {
            if (a->type == OFPACT_CONTROLLER) {
                uint32_t id = ofpact_get_CONTROLLER(a)->meter_id;
                if (id != NX_CTLR_NO_METER) {
                    meters_add(meters, id);
                }
            }
        }
    }
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
    ofctrl_flows_init(&ofctrl->desired);
    ofctrl_flows_init(&ofctrl->installed);
    hmap_init(&ofctrl->installed_meters);
    ofctrl->need_full_sync = true;
    ofctrl->next_bundle_id = 1;

    char *target = xasprintf("unix:%s/%s.mgmt", rundir, bridge);
    rconn_connect(ofctrl->rconn, target, bridge);
    VLOG_INFO("%s: connecting to %s", bridge, target);
    free(target);
    return ofctrl;
}

void
ofctrl_destroy(struct ofctrl *ofctrl)
{
    if (ofctrl) {
        ofctrl_stats_finish(ofctrl, "bridge removed");
        rconn_destroy(ofctrl->rconn);
        ofctrl_flows_destroy(&ofctrl->desired);
        ofctrl_flows_destroy(&ofctrl->installed);
        meters_clear(&ofctrl->installed_meters);
        hmap_destroy(&ofctrl->installed_meters);
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
 * flows. */
uint64_t
ofctrl_put(struct ofctrl *ofctrl, struct ofctrl_flows *flows)
{
    ofctrl_flows_swap(&ofctrl->desired, flows);
    ofctrl_flows_clear(flows);
    return ++ofctrl->desired_seqno;
}

const struct ofctrl_flows *
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

static void
ofctrl_send_bundle_ctrl(struct ofctrl *ofctrl, uint32_t bundle_id,
                        uint16_t type)
{
    struct ofputil_bundle_ctrl_msg bc = {
        .bundle_id = bundle_id,
        .type = type,
        .flags = OFPBF_ORDERED | OFPBF_ATOMIC,
    };
    ofctrl_send(ofctrl,
                ofputil_encode_bundle_ctrl_request(ofctrl_version(ofctrl),
                                                   &bc));
}

static void
ofctrl_bundle_add(struct ofctrl *ofctrl, uint32_t bundle_id,
                  const struct ofputil_flow_mod *fm)
{
    enum ofputil_protocol protocol
        = ofputil_protocol_from_ofp_version(ofctrl_version(ofctrl));
    struct ofpbuf *msg = ofputil_encode_flow_mod(fm, protocol);
    struct ofputil_bundle_add_msg bam = {
        .bundle_id = bundle_id,
        .flags = OFPBF_ORDERED | OFPBF_ATOMIC,
        .msg = msg->data,
    };
    ofctrl_send(ofctrl, ofputil_encode_bundle_add(ofctrl_version(ofctrl),
                                                  &bam));
    ofpbuf_delete(msg);
}

static void
ofctrl_bundle_add_flow(struct ofctrl *ofctrl, uint32_t bundle_id,
                       const struct ofctrl_flow *f, uint16_t command)
{
    struct ofputil_flow_mod fm = {
        .match = f->match,
        .priority = f->priority,
        .new_cookie = command == OFPFC_ADD ? htonll(f->cookie)
                                           : OVS_BE64_MAX,
        .table_id = f->table_id,
        .command = command,
        .buffer_id = UINT32_MAX,
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
        .ofpacts = command == OFPFC_ADD ? f->ofpacts : NULL,
        .ofpacts_len = command == OFPFC_ADD ? f->ofpacts_len : 0,
    };
    ofctrl_bundle_add(ofctrl, bundle_id, &fm);
}

static void
ofctrl_bundle_delete_all(struct ofctrl *ofctrl, uint32_t bundle_id)
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
    ofctrl_bundle_add(ofctrl, bundle_id, &fm);
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

static void
ofctrl_send_meter_mod(struct ofctrl *ofctrl, uint16_t command, uint32_t id)
{
    uint32_t rate, burst;
    nwf_meter_limits(id, &rate, &burst);
    struct ofputil_meter_band band = {
        .type = OFPMBT13_DROP,
        .rate = rate,
        .burst_size = burst,
    };
    struct ofputil_meter_mod mm = {
        .command = command,
        .meter = {
            .meter_id = id,
            .flags = OFPMF13_PKTPS | OFPMF13_BURST,
            .n_bands = command == OFPMC13_DELETE ? 0 : 1,
            .bands = &band,
        },
    };
    ofctrl_send(ofctrl, ofputil_encode_meter_mod(ofctrl_version(ofctrl),
                                                 &mm));
}

/* Asks the switch for every meter it has, to delete those that no flow
 * uses (a port that went away while the controller was down). */
static void
ofctrl_request_meters(struct ofctrl *ofctrl)
{
    struct ofpbuf *msg = ofputil_encode_meter_request(
        ofctrl_version(ofctrl), OFPUTIL_METER_CONFIG, OFPM13_ALL);
    ofctrl->meters_xid = ((struct ofp_header *) msg->data)->xid;
    ofctrl_send(ofctrl, msg);
}

static void
ofctrl_handle_meter_config(struct ofctrl *ofctrl, const struct ofp_header *oh)
{
    struct ofpbuf b = ofpbuf_const_initializer(oh, ntohs(oh->length));
    struct ofpbuf bands;
    ofpbuf_init(&bands, 64);
    for (;;) {
        struct ofputil_meter_config mc;
        if (ofputil_decode_meter_config(&b, &mc, &bands)) {
            break;
        }
        if (!meters_contains(&ofctrl->installed_meters, mc.meter_id)) {
            VLOG_INFO("%s: deleting unused meter %"PRIu32, ofctrl->bridge,
                      mc.meter_id);
            ofctrl_send_meter_mod(ofctrl, OFPMC13_DELETE, mc.meter_id);
        }
    }
    ofpbuf_uninit(&bands);
}

/* Whether 'oh', an error from the switch, answers a meter mod. */
static bool
is_meter_mod_error(const struct ofp_header *oh)
{
    struct ofpbuf payload;
    enum ofptype type;
    return (ofperr_decode_msg(oh, &payload)
            && !ofptype_decode(&type, payload.data)
            && type == OFPTYPE_METER_MOD);
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
                       size_t size, const char *actions)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    uint64_t stub[1024 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    enum ofputil_protocol usable;
    struct ofpact_parse_params pp = {
        .ofpacts = &ofpacts,
        .usable_protocols = &usable,
    };

    if (!rconn_is_connected(ofctrl->rconn)) {
        return;
    }
    char *error = ofpacts_parse_actions(actions, &pp);
    if (error) {
        VLOG_WARN_RL(&rl, "%s: bad packet-out actions: %s",
                     ofctrl->bridge, error);
        free(error);
        ofpbuf_uninit(&ofpacts);
        return;
    }

    struct ofputil_packet_out po = {
        .packet = packet,
        .packet_len = size,
        .buffer_id = UINT32_MAX,
        .ofpacts = ofpacts.data,
        .ofpacts_len = ofpacts.size,
    };
    match_init_catchall(&po.flow_metadata);
    match_set_in_port(&po.flow_metadata, OFPP_CONTROLLER);
    enum ofputil_protocol protocol
        = ofputil_protocol_from_ofp_version(ofctrl_version(ofctrl));
    ofctrl_send(ofctrl, ofputil_encode_packet_out(&po, protocol));
    ofpbuf_uninit(&ofpacts);
}

/* Sends what the switch lacks: everything after a (re)connection or an
 * error, otherwise the difference between 'installed' and 'desired'.
 * Returns the number of flow changes sent. */
static size_t
ofctrl_send_batch(struct ofctrl *ofctrl)
{
    uint32_t bundle_id = ofctrl->next_bundle_id++;
    size_t n_changes = 0;
    const struct ofctrl_flow *f;

    struct hmap meters = HMAP_INITIALIZER(&meters);
    meters_of_flows(&ofctrl->desired, &meters);
    if (ofctrl->need_full_sync) {
        /* The switch may have them from an earlier run, or not. */
        meters_clear(&ofctrl->installed_meters);
        ofctrl_request_meters(ofctrl);
    }
    struct ofctrl_meter *m;
    HMAP_FOR_EACH (m, node, &meters) {
        if (!meters_contains(&ofctrl->installed_meters, m->id)) {
            ofctrl_send_meter_mod(ofctrl, OFPMC13_ADD, m->id);
        }
    }

    ofctrl_send_bundle_ctrl(ofctrl, bundle_id, OFPBCT_OPEN_REQUEST);
    if (ofctrl->need_full_sync) {
        ofctrl_bundle_delete_all(ofctrl, bundle_id);
        HMAP_FOR_EACH (f, node, &ofctrl->desired.flows) {
            ofctrl_bundle_add_flow(ofctrl, bundle_id, f, OFPFC_ADD);
        }
        n_changes = hmap_count(&ofctrl->desired.flows) + 1;
        VLOG_INFO("%s: full sync, %"PRIuSIZE" flows",
                  ofctrl->bridge, hmap_count(&ofctrl->desired.flows));
    } else {
        /* Removals first, so that the table never holds a flow of the old
         * set beside one of the new set that it would shadow. */
        HMAP_FOR_EACH (f, node, &ofctrl->installed.flows) {
            if (!ofctrl_flows_find(&ofctrl->desired, f->table_id,
                                   f->priority, &f->match)) {
                ofctrl_bundle_add_flow(ofctrl, bundle_id, f,
                                       OFPFC_DELETE_STRICT);
                n_changes++;
            }
        }
        HMAP_FOR_EACH (f, node, &ofctrl->desired.flows) {
            const struct ofctrl_flow *old
                = ofctrl_flows_find(&ofctrl->installed, f->table_id,
                                    f->priority, &f->match);
            /* An ADD replaces a flow with the same match in place, and
             * unlike a MODIFY it can change the cookie. */
            if (!old || !ofctrl_flow_same_content(old, f)) {
                ofctrl_bundle_add_flow(ofctrl, bundle_id, f, OFPFC_ADD);
                n_changes++;
            }
        }
    }
    ofctrl_send_bundle_ctrl(ofctrl, bundle_id, OFPBCT_COMMIT_REQUEST);

    HMAP_FOR_EACH (m, node, &ofctrl->installed_meters) {
        if (!meters_contains(&meters, m->id)) {
            ofctrl_send_meter_mod(ofctrl, OFPMC13_DELETE, m->id);
        }
    }
    meters_clear(&ofctrl->installed_meters);
    hmap_swap(&ofctrl->installed_meters, &meters);
    hmap_destroy(&meters);

    struct ofpbuf *barrier
        = ofputil_encode_barrier_request(ofctrl_version(ofctrl));
    ofctrl->barrier_xid = ((struct ofp_header *) barrier->data)->xid;
    ofctrl_send(ofctrl, barrier);

    ofctrl->in_flight = true;
    ofctrl->batch_sent = time_msec();
    ofctrl->batch_changes = n_changes;
    ofctrl->batch_failed = false;
    ofctrl->batch_seqno = ofctrl->desired_seqno;
    ofctrl->need_full_sync = false;
    ofctrl_flows_copy(&ofctrl->installed, &ofctrl->desired);
    return n_changes;
}

static int
compare_flow_stats(const void *a_, const void *b_)
{
    const struct ofctrl_flow_stat *a = a_, *b = b_;
    return (a->cookie != b->cookie ? (a->cookie < b->cookie ? -1 : 1)
            : strcmp(a->text, b->text));
}

/* Ends the statistics request in flight, calling its callback. */
static void
ofctrl_stats_finish(struct ofctrl *ofctrl, const char *error)
{
    if (!ofctrl->stats_cb) {
        return;
    }
    qsort(ofctrl->stats, ofctrl->n_stats, sizeof *ofctrl->stats,
          compare_flow_stats);
    ofctrl->stats_cb(ofctrl->stats, ofctrl->n_stats, error,
                     ofctrl->stats_aux);
    for (size_t i = 0; i < ofctrl->n_stats; i++) {
        free(ofctrl->stats[i].text);
    }
    free(ofctrl->stats);
    ofctrl->stats = NULL;
    ofctrl->n_stats = ofctrl->allocated_stats = 0;
    ofctrl->stats_cb = NULL;
}

void
ofctrl_request_flow_stats(struct ofctrl *ofctrl, uint64_t cookie,
                          uint64_t cookie_mask, ofctrl_stats_cb *cb,
                          void *aux)
{
    if (!rconn_is_connected(ofctrl->rconn)) {
        cb(NULL, 0, "not connected to the switch", aux);
        return;
    }
    if (ofctrl->stats_cb) {
        cb(NULL, 0, "another statistics request is in progress", aux);
        return;
    }

    struct ofputil_flow_stats_request fsr = {
        .cookie = htonll(cookie),
        .cookie_mask = htonll(cookie_mask),
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
        .table_id = OFPTT_ALL,
    };
    match_init_catchall(&fsr.match);
    enum ofputil_protocol protocol
        = ofputil_protocol_from_ofp_version(ofctrl_version(ofctrl));
    struct ofpbuf *msg = ofputil_encode_flow_stats_request(&fsr, protocol);
    ofctrl->stats_xid = ((struct ofp_header *) msg->data)->xid;
    ofctrl->stats_cb = cb;
    ofctrl->stats_aux = aux;
    ofctrl_send(ofctrl, msg);
}

static void
ofctrl_handle_flow_stats(struct ofctrl *ofctrl, const struct ofp_header *oh)
{
    if (!ofctrl->stats_cb || oh->xid != ofctrl->stats_xid) {
        return;
    }

    struct ofpbuf b = ofpbuf_const_initializer(oh, ntohs(oh->length));
    uint64_t stub[1024 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    for (;;) {
        struct ofputil_flow_stats fs;
        int retval = ofputil_decode_flow_stats_reply(&fs, &b, false,
                                                     &ofpacts);
        if (retval) {
            if (retval != EOF) {
                ofctrl_stats_finish(ofctrl, "bad flow statistics reply");
            }
            break;
        }
        if (ofctrl->n_stats >= ofctrl->allocated_stats) {
            ofctrl->stats = x2nrealloc(ofctrl->stats,
                                       &ofctrl->allocated_stats,
                                       sizeof *ofctrl->stats);
        }
        struct ofctrl_flow_stat *st = &ofctrl->stats[ofctrl->n_stats++];
        struct ds text = DS_EMPTY_INITIALIZER;
        st->cookie = ntohll(fs.cookie);
        fs.cookie = 0;          /* Shown by the caller, grouped. */
        ofputil_flow_stats_format(&text, &fs, NULL, NULL, false);
        st->n_packets = fs.packet_count;
        st->n_bytes = fs.byte_count;
        st->text = ds_steal_cstr(&text);
    }
    ofpbuf_uninit(&ofpacts);
    if (!ofpmp_more(oh)) {
        ofctrl_stats_finish(ofctrl, NULL);
    }
}

static void
ofctrl_handle_error(struct ofctrl *ofctrl, const struct ofp_header *oh)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    char *s = ofp_to_string(oh, ntohs(oh->length), NULL, NULL, 2);
    VLOG_WARN_RL(&rl, "%s: switch reported an error, will resync: %s",
                 ofctrl->bridge, s);
    free(s);

    /* What the switch holds is no longer known. */
    ofctrl->batch_failed = true;
    ofctrl->need_full_sync = true;
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
        if (ofctrl->stats_cb && oh->xid == ofctrl->stats_xid) {
            ofctrl_stats_finish(ofctrl, "the switch refused the request");
        } else if (is_meter_mod_error(oh)) {
            VLOG_DBG("%s: meter mod refused (expected after a restart)",
                     ofctrl->bridge);
        } else {
            ofctrl_handle_error(ofctrl, oh);
        }
        break;

    case OFPTYPE_METER_CONFIG_STATS_REPLY:
        if (oh->xid == ofctrl->meters_xid) {
            ofctrl_handle_meter_config(ofctrl, oh);
        }
        break;

    case OFPTYPE_FLOW_STATS_REPLY:
        ofctrl_handle_flow_stats(ofctrl, oh);
        break;

    case OFPTYPE_PACKET_IN:
        if (ofctrl->packet_in_cb) {
            ofctrl->packet_in_cb(ofctrl, oh);
        }
        break;

    case OFPTYPE_BARRIER_REPLY:
        if (ofctrl->in_flight && oh->xid == ofctrl->barrier_xid) {
            ofctrl->in_flight = false;
            if (!ofctrl->batch_failed) {
                ofctrl->installed_seqno = ofctrl->batch_seqno;
            }
            VLOG_INFO("%s: %"PRIuSIZE" flow changes %s in %lld ms",
                      ofctrl->bridge, ofctrl->batch_changes,
                      ofctrl->batch_failed ? "failed" : "confirmed",
                      time_msec() - ofctrl->batch_sent);
        }
        break;

    default:
        break;
    }
}

/* Is there a batch of flow changes that can be sent now? */
static bool
ofctrl_has_batch_ready(const struct ofctrl *ofctrl)
{
    if (!rconn_is_connected(ofctrl->rconn) || ofctrl->in_flight
        || ofctrl->desired_seqno == 0) {
        return false;
    }
    if (ofctrl->need_full_sync) {
        return time_msec() >= ofctrl->resync_after;
    }
    return ofctrl->installed_seqno != ofctrl->desired_seqno
           && ofctrl->batch_seqno != ofctrl->desired_seqno;
}

/* Does the work that is ready: keeps the connection, handles messages
 * from the switch and sends the next batch of flow changes. */
void
ofctrl_run(struct ofctrl *ofctrl)
{
    rconn_run(ofctrl->rconn);

    unsigned int seqno = rconn_get_connection_seqno(ofctrl->rconn);
    if (seqno != ofctrl->conn_seqno) {
        ofctrl->conn_seqno = seqno;
        ofctrl->in_flight = false;
        ofctrl->need_full_sync = true;
        ofctrl->resync_after = 0;
        if (rconn_is_connected(ofctrl->rconn)) {
            VLOG_INFO("%s: connected (OpenFlow 1.3)", ofctrl->bridge);
            ofctrl_send_connection_setup(ofctrl);
        } else {
            VLOG_INFO("%s: disconnected", ofctrl->bridge);
            ofctrl_stats_finish(ofctrl, "disconnected from the switch");
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

    if (ofctrl_has_batch_ready(ofctrl)) {
        ofctrl_send_batch(ofctrl);
    }
}

void
ofctrl_wait(struct ofctrl *ofctrl)
{
    rconn_run_wait(ofctrl->rconn);
    rconn_recv_wait(ofctrl->rconn);
    if (ofctrl_has_batch_ready(ofctrl)) {
        poll_immediate_wake();
    } else if (ofctrl->need_full_sync && !ofctrl->in_flight
               && ofctrl->desired_seqno && rconn_is_connected(ofctrl->rconn)) {
        poll_timer_wait_until(ofctrl->resync_after);
    }
}
