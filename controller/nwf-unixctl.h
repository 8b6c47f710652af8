/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_UNIXCTL_H
#define NWF_UNIXCTL_H 1

/* The daemon's commands about bridges and bindings, over its unixctl
 * socket (what "nwf-ofctl bindings", "show" and ovs-appctl talk to):
 *
 *   bridges/show                    each bridge: connected, managed
 *   bridges/dump-flows BRIDGE       the bridge's desired flows, sorted
 *   bindings/list [--format=json]   every bound port: filter, flows,
 *                                   state, zone, learned IPs, owner,
 *                                   parameters
 *   bindings/show PORT              the port's flows on the switch,
 *                                   grouped by rule, with counters
 *   debug/add-flow BRIDGE FLOW      hand-written flows beside the
 *   debug/del-flow BRIDGE FLOW      pipeline, through the same sync path
 *   debug/dump-flows BRIDGE
 *
 * The filter commands are filter-cmds.c's, capture's capture.c's. */

void nwf_unixctl_init(void);

#endif /* nwf-unixctl.h */
