/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

/* The flows of a port while its $IP is being learned (nwf-flows.h):
 * fixed restrictive rules in place of its filter's. */

#include <config.h>

#include "nwf-flows.h"

#include <inttypes.h>

#include "flow.h"
#include "nwf-pipeline.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "svec.h"
#include "util.h"

/* What a learning port may send (from_vm) or receive, as matches on top
 * of the port's own match. */
static void
learning_allowed(const struct nwf_port *port, bool from_vm,
                 const ovs_be32 *servers, size_t n_servers,
                 struct svec *allowed)
{
    char mac[ETH_ADDR_STRLEN + 1];
    snprintf(mac, sizeof mac, ETH_ADDR_FMT, ETH_ADDR_ARGS(port->mac));
    const char *mac_field = from_vm ? "dl_src" : "dl_dst";

    /* To the VM: its own MAC or broadcast (a DHCP server may answer a
     * client that cannot take unicast yet by broadcast). */
    const char *dsts[2] = { mac, "ff:ff:ff:ff:ff:ff" };
    size_t n_dsts = from_vm ? 1 : 2;

    for (size_t i = 0; i < n_dsts; i++) {
        if (port->learn_punt == NWF_LEARN_PUNT_DHCP) {
            const char *dhcp = (from_vm ? NWF_DHCP_CLIENT_MATCH
                                : NWF_DHCP_SERVER_MATCH);
            if (from_vm || !n_servers) {
                svec_add_nocopy(allowed, xasprintf("%s=%s,%s", mac_field,
                                                   dsts[i], dhcp));
            }
            for (size_t j = 0; !from_vm && j < n_servers; j++) {
                svec_add_nocopy(allowed,
                                xasprintf("%s=%s,%s,nw_src="IP_FMT,
                                          mac_field, dsts[i], dhcp,
                                          IP_ARGS(servers[j])));
            }
        } else {
            svec_add_nocopy(allowed, xasprintf("%s=%s,ip", mac_field,
                                               dsts[i]));
            svec_add_nocopy(allowed, xasprintf("%s=%s,arp", mac_field,
                                               dsts[i]));
        }
    }
}

void
nwf_flows_for_learning_port(const struct nwf_port *port,
                            const ovs_be32 *servers, size_t n_servers,
                            struct nwf_flow_set *flows)
{
    static const struct nwf_first_segs first_segs;     /* All 0. */
    uint16_t ofport = ofp_to_u16(port->ofport);
    uint64_t cookie = NWF_COOKIE_PORT(ofport);

    nwf_flows_add_port_entries(port, &first_segs, flows);

    /* The Ethernet tables decide, in one segment, 0: what they let
     * through also passes the IP tables, whose bridge-wide end of segment
     * 0 accepts everything. */
    for (int from_vm = 1; from_vm >= 0; from_vm--) {
        char *port_match, *accept;
        uint8_t table = nwf_flows_eth_table(port, from_vm, &port_match,
                                            &accept);
        char *prefix = xasprintf("%s,"NWF_REG_SEG"=0", port_match);
        struct svec allowed = SVEC_EMPTY_INITIALIZER;
        const char *m;
        size_t j;

        learning_allowed(port, from_vm, servers, n_servers, &allowed);
        SVEC_FOR_EACH (j, m, &allowed) {
            nwf_flows_add_textf(flows, table, NWF_PRIO_RULES, cookie,
                                    accept, "%s,%s", prefix, m);
        }
        /* Above the bridge-wide end of the segment, which accepts. */
        nwf_flows_add_text(flows, table, NWF_PRIO_RULES - 1, cookie, prefix,
                         "drop");
        svec_destroy(&allowed);
        free(prefix);
        free(port_match);
        free(accept);
    }
}
