/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef OFCTRL_METERS_H
#define OFCTRL_METERS_H 1

/* The meters of one bridge, for ofctrl.c: those that the controller()
 * actions of the desired flows refer to (nwf-pipeline.h) are added before
 * the bundle that needs them (meter mods cannot go in a bundle) and
 * deleted once the batch that stops using them is confirmed on every lane
 * (deleting a meter deletes the flows that use it).  An error from the
 * switch about a meter mod (one that exists already after a restart, say)
 * changes nothing about the flows and is not a reason to resynchronize. */

#include <stdbool.h>
#include "openvswitch/hmap.h"
#include "openvswitch/types.h"

struct nwf_flow_set;
struct ofp_header;
struct rconn;

struct ofctrl_meters {
    /* Meters on the switch: those the installed flows use, as far as
     * ofctrl knows.  After a reconnection the switch is asked for its
     * meters, and those no flow uses are deleted. */
    struct hmap installed;      /* Contains "struct ofctrl_meter"s. */
    struct hmap to_delete;      /* Once no batch is in progress. */
    struct hmap needed;         /* Those of the batch being sent. */
    bool unknown;               /* Ask with the next batch. */
    ovs_be32 xid;               /* Meter config request in flight. */
};

void ofctrl_meters_init(struct ofctrl_meters *);
void ofctrl_meters_destroy(struct ofctrl_meters *);
void ofctrl_meters_forget(struct ofctrl_meters *);

void ofctrl_meters_before_batch(struct ofctrl_meters *, struct rconn *,
                                const struct nwf_flow_set *desired);
void ofctrl_meters_after_batch(struct ofctrl_meters *);
void ofctrl_meters_flush_deletes(struct ofctrl_meters *, struct rconn *);

void ofctrl_meters_handle_config(struct ofctrl_meters *,
                                 const struct ofp_header *,
                                 const char *bridge);
bool ofctrl_meters_is_mod_error(const struct ofp_header *);

#endif /* ofctrl-meters.h */
