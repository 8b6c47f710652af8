/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef OFCTRL_STATS_H
#define OFCTRL_STATS_H 1

/* Reading flows back from a switch, for ofctrl.c: flow statistics
 * requests and replies, used both to read the switch's whole table (a
 * resynchronization) and for "bindings/show" (ofctrl_request_flow_stats(),
 * one request in flight per bridge). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ofctrl.h"
#include "openvswitch/types.h"

struct ofp_header;
struct ofputil_flow_stats;
struct rconn;

ovs_be32 ofctrl_stats_send_request(struct rconn *, uint64_t cookie,
                                   uint64_t cookie_mask);
bool ofctrl_stats_for_each(const struct ofp_header *,
                           void (*)(const struct ofputil_flow_stats *,
                                    void *aux),
                           void *aux);

/* A statistics request for "bindings/show". */
struct ofctrl_stats {
    ovs_be32 xid;
    ofctrl_stats_cb *cb;        /* NULL if none is in flight. */
    void *aux;
    struct ofctrl_flow_stat *stats;
    size_t n, allocated;
};

void ofctrl_stats_start(struct ofctrl_stats *, struct rconn *,
                        uint64_t cookie, uint64_t cookie_mask,
                        ofctrl_stats_cb *, void *aux);
bool ofctrl_stats_is_reply(const struct ofctrl_stats *,
                           const struct ofp_header *);
void ofctrl_stats_handle_reply(struct ofctrl_stats *,
                               const struct ofp_header *);
void ofctrl_stats_finish(struct ofctrl_stats *, const char *error);

#endif /* ofctrl-stats.h */
