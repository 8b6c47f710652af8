/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef BINDING_H
#define BINDING_H 1

/* Bindings: which OVSDB Interfaces carry a filter, and the desired flows of
 * every bridge.
 *
 * An Interface is bound when its external_ids has filterref=NAME.  Its
 * parameters are external_ids:filterref-param-NAME=V1[,V2...] (a comma
 * list is a value list); $MAC is filterref-param-MAC, else attached-mac.
 * The module compiles each bound port (compiler/), merges the ports' flows
 * with the bridge-wide forwarding flows, hands the bridge's whole desired
 * set to its ofctrl, and reports each bound Interface's state in
 * external_ids:filterref-status: "active" once the switch has confirmed
 * the port's flows, or "error: REASON".  A port in error drops all of its
 * traffic, and never affects another port.
 *
 * A bridge with a bound Interface is managed: it is set to
 * fail_mode=secure once (which makes ovs-vswitchd flush its flows, so the
 * module waits until ovs-vswitchd has applied that change) and its whole
 * flow table belongs to the controller from then on.  Conntrack zones are
 * allocated per bound Interface and kept in its
 * external_ids:filterref-ct-zone, so that they survive a restart. */

#include <stdbool.h>

struct filter_cmds_hooks;
struct nwf_store;
struct ovsdb_idl;
struct ovsdb_idl_txn;
struct sset;

void binding_init(struct ovsdb_idl *, struct nwf_store *,
                  const char *ovs_rundir);
void binding_destroy(void);

void binding_run(struct ovsdb_idl *, struct ovsdb_idl_txn *);
void binding_wait(void);

/* The store changed these filters (SIGHUP reload): rebuild the ports that
 * use them. */
void binding_filters_changed(const struct sset *names);

const struct filter_cmds_hooks *binding_filter_hooks(void);

/* Whether Interface 'name' is bound (has a filterref). */
bool binding_port_is_bound(const char *name);

#endif /* binding.h */
