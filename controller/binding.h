/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef BINDING_H
#define BINDING_H 1

/* Bindings: which OVSDB Interfaces carry a filter, compiled into each
 * port's flows.
 *
 * An Interface is bound when its external_ids has filterref=NAME.  Its
 * parameters are external_ids:filterref-param-NAME=V1[,V2...] (a comma
 * list is a value list); $MAC is filterref-param-MAC, else attached-mac.
 * The module reads each bound port's inputs from OVSDB (struct
 * nwf_port_inputs), compiles them (compiler/nwf-compile.h) when they or a
 * filter of the port's tree change, hands each bridge its ports' flows
 * (bridge_put()), and reports each bound Interface's state in
 * external_ids:filterref-status: "active" once the switch has confirmed
 * the port's flows, "learning" while its $IP is learned, "pending", or
 * "error: REASON".  A port in error drops all of its traffic, and never
 * affects another port.  Conntrack zones (ct-zone.h) are allocated per
 * bound Interface and kept in its external_ids:filterref-ct-zone, so
 * that they survive a restart; learned addresses in
 * external_ids:filterref-learned-ip. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nwf-compile.h"
#include "nwf-flow-set.h"
#include "openvswitch/hmap.h"
#include "smap.h"
#include "sset.h"
#include "svec.h"

struct ds;
struct filter_cmds_hooks;
struct nwf_store;
struct ovsdb_idl;
struct ovsdb_idl_txn;
struct shash_node;

/* What compiling a port gives, as ofctrl takes it. */
struct binding_compiled {
    struct nwf_flow_set flows;  /* Compiled, or drop-all on error. */
    size_t n_flows;
    struct sset filters;        /* Filters its tree refers to. */
    bool learning;              /* $IP is being learned: learning flows. */
    struct svec learned_ips;    /* Learned $IP values, sorted. */
};

/* One bound Interface.  Read-only outside binding.c. */
struct binding_port {
    struct shash_node *node;    /* In its bridge's ports, by name. */
    char *bridge;

    /* What the port's flows were last compiled from, also for trial
     * compiles of a new filter definition (binding_try_change()); a
     * change recompiles. */
    struct nwf_port_inputs inputs;
    bool inputs_valid;          /* Its current inputs are those, not in
                                 * error. */
    bool dirty;                 /* A filter of its tree, or its learned
                                 * addresses, changed. */
    bool filter_update;         /* A filter of its tree changed since the
                                 * last put: every port that a filter
                                 * update changes changes at one instant
                                 * (OFCTRL_ALL_AT_ONCE). */

    struct smap owner;          /* The Interface's owner keys: the subset of
                                 * its external-ids that
                                 * nwf_binding_format_owner() reads. */

    uint16_t zone;
    ofp_port_t ofport;
    struct hmap_node ofport_node;   /* In its bridge's ports by ofport. */

    struct binding_compiled compiled;
    char *error;                /* NULL if the filter compiled. */
    uint64_t flows_seqno;       /* ofctrl_put() that carried 'flows'. */
    bool seen;                  /* Still in OVSDB in this run. */
    bool changed;               /* 'flows' changed since the last put. */

    /* Compiled against a filter definition that is being tried
     * (binding_try_change()), installed if it is committed. */
    struct binding_compiled pending;
    bool has_pending;
};

void binding_init(struct ovsdb_idl *, struct nwf_store *);
void binding_destroy(void);
void binding_run(struct ovsdb_idl *, struct ovsdb_idl_txn *);

/* The store changed these filters (SIGHUP reload): rebuild the ports that
 * use them. */
void binding_filters_changed(const struct sset *names);
void binding_addresses_changed(const struct sset *ports);

const struct filter_cmds_hooks *binding_filter_hooks(void);

struct binding_port *binding_port_find(const char *name);
bool binding_port_is_bound(const char *name);
const char *binding_port_by_ofport(const char *bridge, uint16_t ofport);
const struct shash *binding_get_ports(const char *bridge);
bool binding_all_installed(void);
const char *binding_port_status(const struct binding_port *, struct ds *);
const char *binding_port_filter_by_id(const struct binding_port *,
                                      uint32_t id);

#endif /* binding.h */
