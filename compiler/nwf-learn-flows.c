/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

/* The flows of a port while its $IP is being learned (nwf-flows.h):
 * fixed restrictive rules in place of its filter's. */

#include <config.h>

#include "nwf-flows.h"

#include <inttypes.h>

#include "flow.h"
#include "nwf-ofpacts.h"
#include "nwf-pipeline.h"
#include "openvswitch/match.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "svec.h"
#include "util.h"

/* What a learning port may send (from_vm) or receive, as matches on top
 * of 'base', the port's own match, into 'allowed'. */
static void
learning_allowed(const struct nwf_port *port, bool from_vm,
                 const ovs_be32 *servers, size_t n_servers,
                 const struct match *base, struct match **allowed,
                 size_t *n_allowed)
{
    /* To the VM: its own MAC or broadcast (a DHCP server may answer a
     * client that cannot take unicast yet by broadcast). */
    const struct eth_addr dsts[2] = { port->mac, eth_addr_broadcast };
    size_t n_dsts = from_vm ? 1 : 2;
    size_t n_each = (port->learn_punt != NWF_LEARN_PUNT_DHCP ? 2
                     : from_vm || !n_servers ? 1 : n_servers);

    *allowed = xmalloc(n_dsts * n_each * sizeof **allowed);
    *n_allowed = 0;
    for (size_t i = 0; i < n_dsts; i++) {
        for (size_t j = 0; j < n_each; j++) {
            struct match *m = &(*allowed)[(*n_allowed)++];
            *m = *base;
            if (from_vm) {
                match_set_dl_src(m, dsts[i]);
            } else {
                match_set_dl_dst(m, dsts[i]);
            }
            if (port->learn_punt != NWF_LEARN_PUNT_DHCP) {
                match_set_dl_type(m, htons(j ? ETH_TYPE_ARP : ETH_TYPE_IP));
                continue;
            }
            nwf_match_set_dhcp(m, !from_vm);
            if (!from_vm && n_servers) {
                match_set_nw_src(m, servers[j]);
            }
        }
    }
}

void
nwf_flows_for_learning_port(const struct nwf_port *port,
                            const ovs_be32 *servers, size_t n_servers,
                            struct nwf_flow_set *flows)
{
    /* No IP-layer rules while the port learns. */
    static const struct nwf_first_segs first_segs = { .untracked = true };
    uint16_t ofport = ofp_to_u16(port->ofport);
    uint64_t cookie = NWF_COOKIE_PORT(ofport);

    nwf_flows_add_port_entries(port, &first_segs, flows);

    /* The Ethernet tables decide, in one segment, 0: what they let
     * through goes on past conntrack and the IP tables (the port is
     * untracked). */
    uint64_t drop_stub[8];
    struct ofpbuf drop = OFPBUF_STUB_INITIALIZER(drop_stub);
    for (int from_vm = 1; from_vm >= 0; from_vm--) {
        struct match prefix;
        uint64_t accept_stub[64 / 8];
        struct ofpbuf accept = OFPBUF_STUB_INITIALIZER(accept_stub);
        uint8_t table = nwf_flows_eth_table(port, from_vm, &prefix,
                                            &accept);
        nwf_match_set_reg(&prefix, NWF_MFF_SEG, 0);

        struct match *allowed;
        size_t n_allowed;
        learning_allowed(port, from_vm, servers, n_servers, &prefix,
                         &allowed, &n_allowed);
        for (size_t i = 0; i < n_allowed; i++) {
            nwf_flow_set_add(flows, table, NWF_PRIO_RULES, cookie,
                             &allowed[i], &accept);
        }
        /* Above the bridge-wide end of the segment, which accepts. */
        nwf_flow_set_add(flows, table, NWF_PRIO_RULES - 1, cookie, &prefix,
                         &drop);
        free(allowed);
        ofpbuf_uninit(&accept);
    }
    ofpbuf_uninit(&drop);
}
