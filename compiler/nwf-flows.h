/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_FLOWS_H
#define NWF_FLOWS_H 1

/* Flow sets: what the compiler produces for a bridge and its ports.
 *
 * A flow is kept as text in ovs-ofctl's syntax, which is what
 * "nwf-ofctl compile" prints and what controller/ofctrl parses; the
 * compiler never touches a socket.  nwf_flow_set_sort() gives the stable
 * order (table, then priority from high to low, then match) that makes
 * the output deterministic. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "openvswitch/compiler.h"
#include "openvswitch/types.h"
#include "packets.h"

struct ds;
struct nwf_diag;
struct nwf_resolved;

struct nwf_flow {
    uint8_t table;
    uint16_t priority;
    uint64_t cookie;
    char *match;                /* "" matches everything. */
    char *actions;
};

struct nwf_flow_set {
    struct nwf_flow *flows;
    size_t n, allocated;
};

void nwf_flow_set_init(struct nwf_flow_set *);
void nwf_flow_set_destroy(struct nwf_flow_set *);
void nwf_flow_set_clear(struct nwf_flow_set *);
void nwf_flow_set_add(struct nwf_flow_set *, uint8_t table,
                      uint16_t priority, uint64_t cookie,
                      const char *match, const char *actions);
void nwf_flow_set_add_format(struct nwf_flow_set *, uint8_t table,
                             uint16_t priority, uint64_t cookie,
                             const char *actions, const char *match_fmt,
                             ...)
    OVS_PRINTF_FORMAT(6, 7);
void nwf_flow_set_sort(struct nwf_flow_set *);

/* "table=T,priority=P,cookie=0xC,MATCH actions=ACTIONS" */
void nwf_flow_format(const struct nwf_flow *, struct ds *);
void nwf_flow_set_format(const struct nwf_flow_set *, struct ds *);

/* A port of a managed bridge, as the compiler needs to know it. */
struct nwf_port {
    char *name;
    ofp_port_t ofport;
    struct eth_addr mac;        /* Bound ports: the VM's MAC. */
    uint16_t zone;              /* Bound ports: conntrack zone. */
    bool bound;                 /* Has a filter. */
    int tag;                    /* Access VLAN, or -1 for a trunk. */
    unsigned long *trunks;      /* Trunk VLANs (bitmap of 4096), or NULL
                                 * for all. */
};

/* The flows of one bound port: its entries in CLASSIFY and OUTPUT and its
 * rules in the ETH and IP tables, from the port's resolved rule instances.
 * 'filter_id' gives the first 32 bits of a filter's UUID by name, for the
 * cookies ('filter_id' may be NULL: 0).  Returns false, with messages in
 * 'diag' naming the filter, rule and attribute, if a rule cannot be
 * expressed or the port needs more than NWF_MAX_SEGMENTS segments or more
 * than the rule priorities of one table (nwf-pipeline.h); then nothing is
 * added.
 *
 * The port's flows, all with the port's ofport in their cookie:
 *   - CLASSIFY, in_port: zone into NWF_REG_ZONE, NWF_REG_SEG = 0, on to
 *     ETH_OUT;
 *   - OUTPUT, NWF_REG_OUT: zone, NWF_REG_SEG and NWF_REG_IP_SEG = 0, on to
 *     IP_IN_CT (a trunk pushes the tag of a VLAN other than 0 first);
 *   - ETH_OUT, ETH_IN, IP_OUT and IP_IN: the rules in segments, each
 *     segment ending with a flow at NWF_PRIO_PORT_LAST that goes on with
 *     the next one or, in the last, accepts (docs/pipeline.md).
 * Everything else, conntrack in IP_*_CT included, is bridge-wide. */
bool nwf_flows_for_port(const struct nwf_port *, const struct nwf_resolved *,
                        uint32_t (*filter_id)(const char *name, void *aux),
                        void *aux, struct nwf_flow_set *, struct nwf_diag *)
    OVS_WARN_UNUSED_RESULT;

/* The bridge-wide flows: table defaults, VLAN input and output, MAC
 * learning, flood lists, and the CLASSIFY and OUTPUT entries of unbound
 * ports.  They depend on every port of the bridge and its VLANs.  They
 * also hold, for bound ports too, what is not one port's: IP_OUT_CT's and
 * IP_IN_CT's conntrack flows (zone from NWF_REG_ZONE; IP_IN_CT does
 * ct_clear first), each port's VLAN_IN entries and flood list membership,
 * and the OUTPUT flow that drops a copy for its input port, above any
 * port's own OUTPUT entries.  All have cookie 0 (compiler/
 * nwf-bridge-flows.c). */
void nwf_flows_for_bridge(const struct nwf_port *ports, size_t n_ports,
                          struct nwf_flow_set *);

#endif /* nwf-flows.h */
