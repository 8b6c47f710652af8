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
 * cookies.  Returns false, with messages in 'diag', if a rule cannot be
 * expressed; then nothing is added. */
bool nwf_flows_for_port(const struct nwf_port *, const struct nwf_resolved *,
                        uint32_t (*filter_id)(const char *name, void *aux),
                        void *aux, struct nwf_flow_set *, struct nwf_diag *)
    OVS_WARN_UNUSED_RESULT;

/* The bridge-wide flows: table defaults, VLAN input and output, MAC
 * learning, flood lists, and the CLASSIFY and OUTPUT entries of unbound
 * ports.  They depend on every port of the bridge and its VLANs. */
void nwf_flows_for_bridge(const struct nwf_port *ports, size_t n_ports,
                          struct nwf_flow_set *);

#endif /* nwf-flows.h */
