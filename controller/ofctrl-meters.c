/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "ofctrl-meters.h"

#include "hash.h"
#include "nwf-pipeline.h"
#include "nwf-flow-set.h"
#include "openflow/openflow.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-meter.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/rconn.h"
#include "openvswitch/vlog.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(ofctrl_meters);

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
meters_remove(struct hmap *meters, uint32_t id)
{
    struct ofctrl_meter *m;
    HMAP_FOR_EACH_WITH_HASH (m, node, hash_int(id, 0), meters) {
        if (m->id == id) {
            hmap_remove(meters, &m->node);
            free(m);
            return;
        }
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
meters_of_flows(const struct nwf_flow_set *flows, struct hmap *meters)
{
    const struct nwf_flow *f;
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

void
ofctrl_meters_init(struct ofctrl_meters *m)
{
    hmap_init(&m->installed);
    hmap_init(&m->to_delete);
    hmap_init(&m->needed);
    m->unknown = true;
    m->xid = 0;
}

void
ofctrl_meters_destroy(struct ofctrl_meters *m)
{
    meters_clear(&m->installed);
    hmap_destroy(&m->installed);
    meters_clear(&m->to_delete);
    hmap_destroy(&m->to_delete);
    meters_clear(&m->needed);
    hmap_destroy(&m->needed);
}

/* What the switch has is no longer known (a new connection, an error):
 * the next batch asks. */
void
ofctrl_meters_forget(struct ofctrl_meters *m)
{
    m->unknown = true;
}

static void
send_meter_mod(struct rconn *rconn, uint16_t command, uint32_t id)
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
    rconn_send(rconn, ofputil_encode_meter_mod(rconn_get_version(rconn), &mm),
               NULL);
}

/* Asks the switch for every meter it has, to delete those that no flow
 * uses (a port that went away while the controller was down). */
static void
request_meters(struct ofctrl_meters *m, struct rconn *rconn)
{
    struct ofpbuf *msg = ofputil_encode_meter_request(
        rconn_get_version(rconn), OFPUTIL_METER_CONFIG, OFPM13_ALL);
    m->xid = ((struct ofp_header *) msg->data)->xid;
    rconn_send(rconn, msg, NULL);
}

/* Before a batch that makes 'desired' the switch's flows: adds the meters
 * they need that the switch lacks. */
void
ofctrl_meters_before_batch(struct ofctrl_meters *m, struct rconn *rconn,
                           const struct nwf_flow_set *desired)
{
    meters_clear(&m->needed);
    meters_of_flows(desired, &m->needed);
    if (m->unknown) {
        /* The switch may have them from an earlier run, or not. */
        meters_clear(&m->installed);
        request_meters(m, rconn);
        m->unknown = false;
    }
    struct ofctrl_meter *meter;
    HMAP_FOR_EACH (meter, node, &m->needed) {
        /* A deletion still waiting (the connection went away before it
         * was sent) must not remove a meter that is needed again. */
        meters_remove(&m->to_delete, meter->id);
        if (!meters_contains(&m->installed, meter->id)) {
            send_meter_mod(rconn, OFPMC13_ADD, meter->id);
        }
    }
}

/* The batch is sent: the meters it no longer uses are to be deleted once
 * it is confirmed. */
void
ofctrl_meters_after_batch(struct ofctrl_meters *m)
{
    struct ofctrl_meter *meter;
    HMAP_FOR_EACH (meter, node, &m->installed) {
        if (!meters_contains(&m->needed, meter->id)) {
            meters_add(&m->to_delete, meter->id);
        }
    }
    meters_clear(&m->installed);
    hmap_swap(&m->installed, &m->needed);
}

/* Sends the meter deletions that waited for no batch to be in progress,
 * as there is none now and 'rconn' is connected. */
void
ofctrl_meters_flush_deletes(struct ofctrl_meters *m, struct rconn *rconn)
{
    struct ofctrl_meter *meter;
    HMAP_FOR_EACH (meter, node, &m->to_delete) {
        send_meter_mod(rconn, OFPMC13_DELETE, meter->id);
    }
    meters_clear(&m->to_delete);
}

/* A reply to the meter config request: every meter that the installed
 * flows do not use is to be deleted.  The caller flushes the deletions
 * if it can. */
void
ofctrl_meters_handle_config(struct ofctrl_meters *m,
                            const struct ofp_header *oh, const char *bridge)
{
    struct ofpbuf b = ofpbuf_const_initializer(oh, ntohs(oh->length));
    struct ofpbuf bands;
    ofpbuf_init(&bands, 64);
    for (;;) {
        struct ofputil_meter_config mc;
        if (ofputil_decode_meter_config(&b, &mc, &bands)) {
            break;
        }
        if (!meters_contains(&m->installed, mc.meter_id)) {
            VLOG_INFO("%s: deleting unused meter %"PRIu32, bridge,
                      mc.meter_id);
            meters_add(&m->to_delete, mc.meter_id);
        }
    }
    ofpbuf_uninit(&bands);
}

/* Whether 'oh', an error from the switch, answers a meter mod. */
bool
ofctrl_meters_is_mod_error(const struct ofp_header *oh)
{
    struct ofpbuf payload;
    enum ofptype type;
    return (ofperr_decode_msg(oh, &payload)
            && !ofptype_decode(&type, payload.data)
            && type == OFPTYPE_METER_MOD);
}
