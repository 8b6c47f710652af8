/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef OFCTRL_H
#define OFCTRL_H 1

/* The OpenFlow connection to one bridge, and keeping its flow table equal
 * to a desired set of flows.
 *
 * Each managed bridge has one struct ofctrl, connected to the bridge's
 * management socket RUNDIR/BRIDGE.mgmt with OpenFlow 1.3.  The owner hands
 * it complete desired flow sets (ofctrl_put()); ofctrl sends the difference
 * from what is installed in ordered, atomic bundles followed by barriers,
 * with at most one batch in progress.  A batch is one bundle, unless it is
 * large and the puts it carries allow each port to change on its own
 * (OFCTRL_PER_PORT): then it is spread over several connections to the
 * bridge ("lanes"), each port's changes whole in one of them, which the
 * switch reads in parallel.
 *
 * On every new connection (the controller's start, a restart of
 * ovs-vswitchd) and after any error from the switch it resynchronizes: it
 * reads the switch's flows back and sends the difference from them, as any
 * batch (nothing after a restart of the controller that changed nothing;
 * every flow to a switch that has none).  If the switch does not list its
 * flows, one atomic bundle deletes them all and adds the whole desired
 * set, so the bridge never passes through a state with partial or no
 * flows.
 *
 * ofctrl owns every flow of the bridge apart from those with a timeout,
 * which the switch learned: flows it did not install are removed at the
 * next resynchronization.  It also keeps the bridge's
 * meters equal to those that the desired flows' controller() actions use
 * (limits from nwf_meter_limits()): added before the bundle that needs
 * them, deleted once the batch that stops using them is confirmed. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "nwf-flow-set.h"

struct ofctrl;
struct ofp_header;
struct ofpbuf;
struct ds;

struct ofctrl *ofctrl_create(const char *bridge, const char *rundir);
void ofctrl_destroy(struct ofctrl *);
void ofctrl_run(struct ofctrl *);
void ofctrl_wait(struct ofctrl *);

const char *ofctrl_get_bridge(const struct ofctrl *);
bool ofctrl_is_connected(const struct ofctrl *);

/* How the changes of one ofctrl_put() may reach the switch. */
enum ofctrl_put_mode {
    OFCTRL_PER_PORT,            /* Each port's changes at one instant. */
    OFCTRL_ALL_AT_ONCE,         /* All changes at one instant. */
};
uint64_t ofctrl_put(struct ofctrl *, struct nwf_flow_set *,
                    enum ofctrl_put_mode);
const struct nwf_flow_set *ofctrl_get_desired(const struct ofctrl *);
uint64_t ofctrl_get_installed_seqno(const struct ofctrl *);

/* Packets the pipeline sends to the controller, and packets it sends
 * back. */
typedef void ofctrl_packet_in_cb(struct ofctrl *, const struct ofp_header *);
void ofctrl_set_packet_in_cb(struct ofctrl *, ofctrl_packet_in_cb *);
void ofctrl_send_raw(struct ofctrl *, struct ofpbuf *);

/* Flow statistics of the flows whose cookie matches, for "bindings/show".
 * 'cb' is called once, with the flows sorted by cookie and text, or with
 * 'error' set if the request could not be made or answered. */
struct ofctrl_flow_stat {
    uint64_t cookie;
    uint64_t n_packets;
    uint64_t n_bytes;
    char *text;                 /* "table=.., priority=.., MATCH actions=.." */
};
typedef void ofctrl_stats_cb(const struct ofctrl_flow_stat *, size_t n,
                             const char *error, void *aux);
void ofctrl_request_flow_stats(struct ofctrl *, uint64_t cookie,
                               uint64_t cookie_mask, ofctrl_stats_cb *,
                               void *aux);
void ofctrl_send_packet_out(struct ofctrl *, const void *packet, size_t size,
                            const struct ofpbuf *ofpacts);

#endif /* ofctrl.h */
