/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef OFCTRL_FLOWS_H
#define OFCTRL_FLOWS_H 1

/* Sets of OpenFlow flows, as the controller wants a bridge to have them
 * (ofctrl.h keeps a bridge equal to such a set).
 *
 * A flow is identified by its table, priority and match, as in a switch's
 * flow table: a set holds at most one flow per identity.  Flows are added
 * in ovs-ofctl's syntax and kept parsed. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "openvswitch/compiler.h"
#include "openvswitch/hmap.h"
#include "openvswitch/match.h"

struct ds;
struct ofpact;

/* One flow: what identifies it in a flow table (table, priority, match)
 * and what it carries (cookie, actions). */
struct ofctrl_flow {
    struct hmap_node node;      /* In struct ofctrl_flows. */
    uint8_t table_id;
    uint16_t priority;
    struct minimatch match;
    uint64_t cookie;
    struct ofpact *ofpacts;
    size_t ofpacts_len;
};

struct ofctrl_flows {
    struct hmap flows;          /* Contains "struct ofctrl_flow"s. */
};

void ofctrl_flows_init(struct ofctrl_flows *);
void ofctrl_flows_destroy(struct ofctrl_flows *);
void ofctrl_flows_clear(struct ofctrl_flows *);
void ofctrl_flows_swap(struct ofctrl_flows *, struct ofctrl_flows *);
size_t ofctrl_flows_count(const struct ofctrl_flows *);
char *ofctrl_flows_add(struct ofctrl_flows *, const char *flow)
    OVS_WARN_UNUSED_RESULT;
void ofctrl_flows_add_parts(struct ofctrl_flows *, uint8_t table_id,
                            uint16_t priority, const struct match *,
                            uint64_t cookie, const struct ofpact *,
                            size_t ofpacts_len);
bool ofctrl_flows_remove(struct ofctrl_flows *, const char *flow);
void ofctrl_flows_format(const struct ofctrl_flows *, struct ds *);
void ofctrl_flows_merge(struct ofctrl_flows *dst,
                        const struct ofctrl_flows *src);
void ofctrl_flows_copy(struct ofctrl_flows *dst,
                       const struct ofctrl_flows *src);

struct ofctrl_flow *ofctrl_flows_find(const struct ofctrl_flows *,
                                      uint8_t table_id, uint16_t priority,
                                      const struct minimatch *);
bool ofctrl_flow_same_content(const struct ofctrl_flow *,
                              const struct ofctrl_flow *);

#endif /* ofctrl-flows.h */
