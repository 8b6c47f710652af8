/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_FLOW_SET_H
#define NWF_FLOW_SET_H 1

/* Sets of OpenFlow flows: what the compiler produces for a bridge and its
 * ports, and what controller/ofctrl keeps a bridge equal to.  One type
 * from one end to the other, so that no flow is formatted or parsed on its
 * way from the compiler to the switch.
 *
 * A flow is a table, a priority and a match, which identify it in a flow
 * table, and a cookie and actions.  A set holds at most one flow per
 * identity: adding a flow replaces the one with its identity.
 *
 * Text exists only at the edges: nwf_flow_format() prints a flow in
 * ovs-ofctl's syntax, with Open vSwitch's own formatting of the match and
 * the actions (what "ovs-ofctl dump-flows" shows), and
 * nwf_flow_set_add_text() parses that syntax, for flows typed in by a
 * person ("debug/add-flow") and for unit-test expectations. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "openvswitch/compiler.h"
#include "openvswitch/hmap.h"
#include "openvswitch/match.h"

struct ds;
struct ofpact;
struct ofpbuf;

struct nwf_flow {
    struct hmap_node node;      /* In struct nwf_flow_set. */
    uint8_t table;
    uint16_t priority;
    struct minimatch match;
    uint64_t cookie;
    struct ofpact *ofpacts;
    size_t ofpacts_len;
};

struct nwf_flow_set {
    struct hmap flows;          /* Contains "struct nwf_flow"s. */
};

void nwf_flow_set_init(struct nwf_flow_set *);
void nwf_flow_set_destroy(struct nwf_flow_set *);
void nwf_flow_set_clear(struct nwf_flow_set *);
void nwf_flow_set_swap(struct nwf_flow_set *, struct nwf_flow_set *);
size_t nwf_flow_set_count(const struct nwf_flow_set *);

void nwf_flow_set_add(struct nwf_flow_set *, uint8_t table,
                      uint16_t priority, uint64_t cookie,
                      const struct match *, const struct ofpbuf *ofpacts);
void nwf_flow_set_add_ofpacts(struct nwf_flow_set *, uint8_t table,
                              uint16_t priority, uint64_t cookie,
                              const struct match *, const struct ofpact *,
                              size_t ofpacts_len);
char *nwf_flow_set_add_text(struct nwf_flow_set *, const char *flow)
    OVS_WARN_UNUSED_RESULT;
bool nwf_flow_set_remove_text(struct nwf_flow_set *, const char *flow);
void nwf_flow_set_move(struct nwf_flow_set *dst, struct nwf_flow_set *src);
void nwf_flow_set_merge(struct nwf_flow_set *dst,
                        const struct nwf_flow_set *src);
void nwf_flow_set_copy(struct nwf_flow_set *dst,
                       const struct nwf_flow_set *src);
void nwf_flow_set_add_copy(struct nwf_flow_set *, const struct nwf_flow *);
bool nwf_flow_set_remove_same(struct nwf_flow_set *,
                              const struct nwf_flow *key);

struct nwf_flow *nwf_flow_set_find_same(const struct nwf_flow_set *,
                                        const struct nwf_flow *);
bool nwf_flow_same_content(const struct nwf_flow *, const struct nwf_flow *);

/* Sets 'both' to the packets that match both 'a' and 'b'.  Returns false
 * if there are none. */
bool nwf_match_intersect(const struct match *a, const struct match *b,
                         struct match *both);

/* The flows of a set in a stable order: table, then priority from high to
 * low, then match and actions as printed, then cookie.  The caller frees
 * the array (not the flows). */
const struct nwf_flow **nwf_flow_set_sorted(const struct nwf_flow_set *,
                                            size_t *n);

/* "table=T,priority=P,cookie=0xC,MATCH actions=ACTIONS", which
 * "ovs-ofctl add-flow" accepts; nwf_flow_format_match() and
 * nwf_flow_format_actions() print the parts. */
void nwf_flow_format(const struct nwf_flow *, struct ds *);
void nwf_flow_format_match(const struct nwf_flow *, struct ds *);
void nwf_flow_format_actions(const struct nwf_flow *, struct ds *);

/* Every flow of the set, sorted, one per line. */
void nwf_flow_set_format(const struct nwf_flow_set *, struct ds *);

#endif /* nwf-flow-set.h */
