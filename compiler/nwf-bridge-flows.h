/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_BRIDGE_FLOWS_H
#define NWF_BRIDGE_FLOWS_H 1

/* The bridge-wide flows of a managed bridge are built by
 * nwf_flows_for_bridge() (declared in nwf-flows.h with the rest of the
 * flow-set API).  This header adds what tools and tests need around it:
 * a port described in one string, as "nwf-ofctl compile-bridge --port"
 * takes it.
 *
 *     OFPORT[,tag=N][,trunks=LIST][,vlan_mode=MODE][,bound]
 *
 * OFPORT is the port's OpenFlow port number (1 to 65279, or LOCAL for the
 * bridge's own interface).  "tag=N" makes it an access port of VLAN N (0
 * to 4095); without a tag it is a trunk, of every VLAN unless
 * "trunks=LIST" gives its VLANs as numbers and ranges, "10-20,30".  Any field after "trunks=" that is a number or a
 * range continues its list.  "vlan_mode=native-untagged" or
 * "vlan_mode=native-tagged" makes it a trunk (of "trunks", or every VLAN)
 * whose untagged frames belong to native VLAN "tag" (0 without one), as
 * Port.vlan_mode does (nwf-flows.h); only these take both a tag and
 * trunks.  "bound" marks a port with a filter, whose own CLASSIFY and
 * OUTPUT entries come from nwf_flows_for_port(). */

#include "openvswitch/compiler.h"

struct nwf_port;

char *nwf_bridge_port_parse(const char *spec, struct nwf_port *)
    OVS_WARN_UNUSED_RESULT;
void nwf_bridge_port_destroy(struct nwf_port *);

#endif /* nwf-bridge-flows.h */
