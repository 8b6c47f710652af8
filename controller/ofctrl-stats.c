/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "ofctrl-stats.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "byte-order.h"
#include "openflow/openflow.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/rconn.h"
#include "util.h"

/* Asks the switch on 'rconn' for every flow whose cookie matches 'cookie'
 * in the bits of 'cookie_mask', with its statistics.  Returns the
 * request's xid. */
ovs_be32
ofctrl_stats_send_request(struct rconn *rconn, uint64_t cookie,
                          uint64_t cookie_mask)
{
    struct ofputil_flow_stats_request fsr = {
        .cookie = htonll(cookie),
        .cookie_mask = htonll(cookie_mask),
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
        .table_id = OFPTT_ALL,
    };
    match_init_catchall(&fsr.match);
    enum ofputil_protocol protocol
        = ofputil_protocol_from_ofp_version(rconn_get_version(rconn));
    struct ofpbuf *msg = ofputil_encode_flow_stats_request(&fsr, protocol);
    ovs_be32 xid = ((struct ofp_header *) msg->data)->xid;
    rconn_send(rconn, msg, NULL);
    return xid;
}

/* Calls 'func' for each flow of 'oh', a flow statistics reply.  Returns
 * false if the reply is malformed. */
bool
ofctrl_stats_for_each(const struct ofp_header *oh,
                      void (*func)(const struct ofputil_flow_stats *,
                                   void *aux),
                      void *aux)
{
    struct ofpbuf b = ofpbuf_const_initializer(oh, ntohs(oh->length));
    uint64_t stub[1024 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    int retval;
    for (;;) {
        struct ofputil_flow_stats fs;
        retval = ofputil_decode_flow_stats_reply(&fs, &b, false, &ofpacts);
        if (retval) {
            break;
        }
        func(&fs, aux);
    }
    ofpbuf_uninit(&ofpacts);
    return retval == EOF;
}

static int
compare_flow_stats(const void *a_, const void *b_)
{
    const struct ofctrl_flow_stat *a = a_, *b = b_;
    return (a->cookie != b->cookie ? (a->cookie < b->cookie ? -1 : 1)
            : strcmp(a->text, b->text));
}

/* Ends the statistics request in flight, if any, calling its callback. */
void
ofctrl_stats_finish(struct ofctrl_stats *st, const char *error)
{
    if (!st->cb) {
        return;
    }
    qsort(st->stats, st->n, sizeof *st->stats, compare_flow_stats);
    st->cb(st->stats, st->n, error, st->aux);
    for (size_t i = 0; i < st->n; i++) {
        free(st->stats[i].text);
    }
    free(st->stats);
    st->stats = NULL;
    st->n = st->allocated = 0;
    st->cb = NULL;
}

/* Starts a request on 'rconn', which is connected, with no other request
 * in flight. */
void
ofctrl_stats_start(struct ofctrl_stats *st, struct rconn *rconn,
                   uint64_t cookie, uint64_t cookie_mask,
                   ofctrl_stats_cb *cb, void *aux)
{
    st->xid = ofctrl_stats_send_request(rconn, cookie, cookie_mask);
    st->cb = cb;
    st->aux = aux;
}

/* Whether 'oh' (a reply or an error) answers the request in flight. */
bool
ofctrl_stats_is_reply(const struct ofctrl_stats *st,
                      const struct ofp_header *oh)
{
    return st->cb && oh->xid == st->xid;
}

static void
collect_flow_stat(const struct ofputil_flow_stats *fs, void *st_)
{
    struct ofctrl_stats *st = st_;
    if (st->n >= st->allocated) {
        st->stats = x2nrealloc(st->stats, &st->allocated, sizeof *st->stats);
    }
    struct ofctrl_flow_stat *s = &st->stats[st->n++];
    struct ofputil_flow_stats shown = *fs;
    shown.cookie = 0;           /* Shown by the caller, grouped. */
    struct ds text = DS_EMPTY_INITIALIZER;
    ofputil_flow_stats_format(&text, &shown, NULL, NULL, false);
    s->cookie = ntohll(fs->cookie);
    s->n_packets = fs->packet_count;
    s->n_bytes = fs->byte_count;
    s->text = ds_steal_cstr(&text);
}

/* One part of the reply to the request in flight. */
void
ofctrl_stats_handle_reply(struct ofctrl_stats *st,
                          const struct ofp_header *oh)
{
    if (!ofctrl_stats_is_reply(st, oh)) {
        return;
    }
    if (!ofctrl_stats_for_each(oh, collect_flow_stat, st)) {
        ofctrl_stats_finish(st, "bad flow statistics reply");
    } else if (!ofpmp_more(oh)) {
        ofctrl_stats_finish(st, NULL);
    }
}
