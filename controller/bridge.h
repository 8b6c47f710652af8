/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef BRIDGE_H
#define BRIDGE_H 1

/* Bridges: one per OVSDB Bridge, with its OpenFlow connection (ofctrl)
 * and what the controller does to the bridge as a whole.
 *
 * A bridge with a bound Interface (external_ids:filterref) is managed: it
 * is set to fail_mode=secure once (which makes ovs-vswitchd flush its
 * flows, so the module waits until ovs-vswitchd has applied that change,
 * through Open_vSwitch next_cfg/cur_cfg) and its whole flow table belongs
 * to the controller from then on.  Its desired flows are the bridge-wide
 * forwarding flows of all its ports (compiler/, nwf_flows_for_bridge()),
 * every bound port's own flows (binding.c) and the flows added with
 * "debug/add-flow", handed to its ofctrl whole by bridge_put().
 *
 * bridge_run() comes before binding_run() in the main loop: it reads the
 * switch's replies first, so that the statuses binding_run() writes see
 * the flows just confirmed. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofctrl.h"

struct nwf_flow_set;
struct nwf_port;
struct ovsdb_idl;
struct ovsdb_idl_txn;
struct ovsrec_interface;
struct shash;

void bridge_init(struct ovsdb_idl *, const char *ovs_rundir);
void bridge_destroy(void);
void bridge_run(struct ovsdb_idl *, struct ovsdb_idl_txn *);
void bridge_wait(void);

struct bridge *bridge_find(const char *name);
const struct shash *bridge_all(void);
struct ofctrl *bridge_get_ofctrl(const struct bridge *);
bool bridge_is_managed(const struct bridge *);
bool bridge_is_securing(const struct bridge *);
bool bridge_iface_has_ofport(const struct ovsrec_interface *);

/* What a bridge's desired flows are built from, besides its own. */
struct bridge_ports {
    const struct nwf_port *ports;   /* Every port with an OpenFlow port. */
    size_t n_ports;
    const struct nwf_flow_set **flows;  /* Each bound port's own flows. */
    size_t n_flows;
    bool flows_changed;         /* Since the last put: a bound port's flows
                                 * changed, or a bound port went away. */
    enum ofctrl_put_mode mode;
};
uint64_t bridge_put(struct bridge *, const struct bridge_ports *);

/* Hand-written flows ("debug/add-flow", "debug/del-flow"). */
char *bridge_add_debug_flow(struct bridge *, const char *flow)
    OVS_WARN_UNUSED_RESULT;
bool bridge_del_debug_flow(struct bridge *, const char *flow);
const struct nwf_flow_set *bridge_get_debug_flows(const struct bridge *);

#endif /* bridge.h */
