/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_FLOWS_H
#define NWF_FLOWS_H 1

/* The flows of a bridge and its ports (nwf-flow-set.h), from the ports'
 * resolved rule instances and VLAN configuration.  The compiler never
 * touches a socket. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "openvswitch/compiler.h"
#include "openvswitch/types.h"
#include "nwf-flow-set.h"
#include "nwf-pipeline.h"
#include "packets.h"

struct ds;
struct match;
struct ofpbuf;
struct nwf_diag;
struct nwf_resolved;

/* A port's VLAN mode, as Open vSwitch's Port.vlan_mode (NORMAL's
 * semantics, ovs-vswitchd.conf.db(5)):
 *
 *   access            untagged frames only, in and out, in VLAN 'tag'
 *                     (0 without a tag); 'trunks' is ignored.
 *   trunk             tagged frames of the 'trunks' VLANs (all without a
 *                     list), untagged ones in VLAN 0 if it is carried;
 *                     VLAN 0 leaves untagged, others tagged; 'tag' is
 *                     ignored.
 *   native-tagged     a trunk whose untagged input belongs to the native
 *                     VLAN 'tag' (0 without a tag), which it always
 *                     carries; it never carries VLAN 0 unless that is the
 *                     native VLAN.  Every VLAN but 0 leaves tagged, the
 *                     native one included.
 *   native-untagged   as native-tagged, but the native VLAN leaves
 *                     untagged.
 *
 * NWF_VLAN_MODE_DEFAULT is what an empty Port.vlan_mode means: access if
 * 'tag' is set, otherwise trunk.  It is also what "dot1q-tunnel" gets:
 * that mode (802.1ad) is not supported, so such a port keeps being
 * treated by its tag and trunks alone, without an error. */
enum nwf_vlan_mode {
    NWF_VLAN_MODE_DEFAULT,      /* Zero: access if 'tag' >= 0, else trunk. */
    NWF_VLAN_MODE_ACCESS,
    NWF_VLAN_MODE_TRUNK,
    NWF_VLAN_MODE_NATIVE_TAGGED,
    NWF_VLAN_MODE_NATIVE_UNTAGGED,
};

/* Which copies of a bound port's frames go to the controller for IP
 * address learning (controller/iplearn.c).  The copies are taken in the
 * port's entries in CLASSIFY and OUTPUT, before its rules, and the frames
 * go on as they would without them. */
enum nwf_learn_punt {
    NWF_LEARN_PUNT_NONE,
    NWF_LEARN_PUNT_ANY,         /* IPv4 and ARP from the VM, DHCP server
                                 * replies to it ("any" mode). */
    NWF_LEARN_PUNT_DHCP,        /* DHCP client packets from the VM, DHCP
                                 * server replies to it ("dhcp" mode). */
};

/* DHCP packets from a client (UDP 68 to 67) or, with 'server', from a
 * server (UDP 67 to 68), added to 'match'. */
void nwf_match_set_dhcp(struct match *, bool server);

/* A port of a managed bridge, as the compiler needs to know it. */
struct nwf_port {
    char *name;
    ofp_port_t ofport;
    struct eth_addr mac;        /* Bound ports: the VM's MAC. */
    uint16_t zone;              /* Bound ports: conntrack zone. */
    bool bound;                 /* Has a filter. */
    int tag;                    /* Access or native VLAN, or -1. */
    unsigned long *trunks;      /* Trunk VLANs (bitmap of 4096), or NULL
                                 * for all. */
    enum nwf_vlan_mode vlan_mode;
    enum nwf_learn_punt learn_punt;  /* Bound ports. */
};

/* Whether 'port' is an access port. */
static inline bool
nwf_port_is_access(const struct nwf_port *port)
{
    return (port->vlan_mode == NWF_VLAN_MODE_ACCESS
            || (port->vlan_mode == NWF_VLAN_MODE_DEFAULT && port->tag >= 0));
}

/* Whether 'port' is native-tagged or native-untagged. */
static inline bool
nwf_port_is_native(const struct nwf_port *port)
{
    return (port->vlan_mode == NWF_VLAN_MODE_NATIVE_TAGGED
            || port->vlan_mode == NWF_VLAN_MODE_NATIVE_UNTAGGED);
}

/* The VLAN that untagged frames from 'port' belong to: an access port's
 * VLAN, a native port's native VLAN, a trunk's VLAN 0. */
static inline int
nwf_port_untagged_in_vlan(const struct nwf_port *port)
{
    return (nwf_port_is_access(port) || nwf_port_is_native(port)
            ? (port->tag >= 0 ? port->tag : 0) : 0);
}

/* Whether 'port' is a trunk of every VLAN. */
static inline bool
nwf_port_is_full_trunk(const struct nwf_port *port)
{
    return (!nwf_port_is_access(port) && !nwf_port_is_native(port)
            && !port->trunks);
}

/* The NWF_VLAN_IN_* class of 'port', which its CLASSIFY entry loads into
 * NWF_MFF_IN_VLAN, or 0 if it needs VLAN_IN flows of its own (a trunk
 * with a list of VLANs, a native port). */
static inline uint32_t
nwf_port_vlan_in_class(const struct nwf_port *port)
{
    return (nwf_port_is_access(port)
            ? NWF_VLAN_IN_ACCESS | nwf_port_untagged_in_vlan(port)
            : nwf_port_is_full_trunk(port) ? NWF_VLAN_IN_TRUNK : 0);
}

void nwf_port_put_vlan_in(const struct nwf_port *, struct ofpbuf *ofpacts);

/* 'port''s OpenFlow port as in_port= and output: name it: its number, or
 * "LOCAL" for the bridge's own interface (ovs-vswitchd warns about 65534).
 * Registers that hold a port (NWF_MFF_OUT) take the number. */
struct nwf_ofport_name {
    char s[32];
};
struct nwf_ofport_name nwf_ofport_name(const struct nwf_port *);

/* The VLAN whose frames leave 'port' untagged (if it carries it): an
 * access port's VLAN, a native-untagged port's native VLAN, otherwise
 * VLAN 0, which never carries a tag. */
static inline int
nwf_port_untagged_out_vlan(const struct nwf_port *port)
{
    return (nwf_port_is_access(port)
            || port->vlan_mode == NWF_VLAN_MODE_NATIVE_UNTAGGED
            ? nwf_port_untagged_in_vlan(port) : 0);
}

/* The flows of one bound port: its entries in CLASSIFY and OUTPUT and its
 * rules in the ETH and IP tables, from the port's resolved rule instances.
 * 'filter_id' gives the first 32 bits of a filter's UUID by name, for the
 * cookies ('filter_id' may be NULL: 0).  Returns false, with messages in
 * 'diag' naming the filter, rule and attribute, if a rule cannot be
 * expressed or the port needs more than NWF_MAX_SEGMENTS segments or more
 * than the rule priorities of one table (nwf-pipeline.h); then nothing is
 * added.
 *
 * The port's flows, all with the port's ofport in their cookie:
 *   - CLASSIFY, in_port: zone into NWF_MFF_ZONE, the first segments of
 *     ETH_OUT and IP_OUT into NWF_MFF_SEG and NWF_MFF_IP_SEG (for a port
 *     without IP-layer rules NWF_IP_SEG_UNTRACKED, here and in OUTPUT),
 *     on to ETH_OUT;
 *   - OUTPUT, NWF_MFF_OUT: zone, the first segments of ETH_IN and IP_IN,
 *     on to IP_IN_CT (a trunk or native port pushes the tag of a VLAN
 *     other than nwf_port_untagged_out_vlan() first);
 *   - ETH_OUT, ETH_IN, IP_OUT and IP_IN: the rules in segments, numbered
 *     down to 0 for the last (docs/pipeline.md).
 * Everything else, conntrack in IP_*_CT and the ends of segments
 * included, is bridge-wide. */
bool nwf_flows_for_port(const struct nwf_port *, const struct nwf_resolved *,
                        uint32_t (*filter_id)(const char *name, void *aux),
                        void *aux, struct nwf_flow_set *, struct nwf_diag *)
    OVS_WARN_UNUSED_RESULT;

/* The flows of a bound port whose $IP is being learned: the port's
 * entries (as nwf_flows_for_port(), with the copies of 'port''s
 * learn_punt) and, instead of its filter's rules, fixed restrictive ones,
 * which libvirt calls the "basic" and "DHCP-only" rules:
 *
 *   any    from the VM: IPv4 and ARP with the VM's MAC as source;
 *          to it: IPv4 and ARP to its MAC or to broadcast.
 *   dhcp   from the VM: DHCP client packets (UDP 68 to 67) with the VM's
 *          MAC as source; to it: DHCP server replies (UDP 67 to 68) to
 *          its MAC or to broadcast, only from the 'n_servers' IPv4
 *          addresses 'servers' if there are any.
 *
 * Everything else from or to the port is dropped.  Unlike libvirt, which
 * filters only what the VM sends while it learns, frames to the VM are
 * filtered too. */
void nwf_flows_for_learning_port(const struct nwf_port *,
                                 const ovs_be32 *servers, size_t n_servers,
                                 struct nwf_flow_set *);

/* The segments that a port's rule tables start with (nwf-pipeline.h,
 * "Segments"): the highest of each table, 0 if it has one; and whether
 * the port has no IP-layer rules at all, so that its packets skip
 * conntrack (NWF_IP_SEG_UNTRACKED instead of 'ip_out' and 'ip_in'). */
struct nwf_first_segs {
    int eth_out, ip_out, ip_in, eth_in;
    bool untracked;
};

/* Adds 'port''s entries in CLASSIFY and OUTPUT to 'flows' (part of both
 * functions above), which start its rule tables at 'segs'. */
void nwf_flows_add_port_entries(const struct nwf_port *,
                                const struct nwf_first_segs *,
                                struct nwf_flow_set *);

/* 'port''s Ethernet rule table in the direction 'from_vm' (ETH_OUT or
 * ETH_IN), with the match that selects the port's flows there (set in
 * 'port_match') and the actions that accept (appended to 'accept'), for
 * the learning flows, which fill it. */
uint8_t nwf_flows_eth_table(const struct nwf_port *, bool from_vm,
                            struct match *port_match,
                            struct ofpbuf *accept);

/* The bridge-wide flows: table defaults, VLAN input and output, MAC
 * learning, flood lists, and the CLASSIFY and OUTPUT entries of unbound
 * ports.  They depend on every port of the bridge and its VLANs.  They
 * also hold, for bound ports too, what is not one port's: IP_OUT_CT's and
 * IP_IN_CT's conntrack flows (zone from NWF_MFF_ZONE; IP_IN_CT does
 * ct_clear first), the ends of the segments of the rule tables
 * (nwf_flows_chain_ends()), VLAN_IN (per class of VLAN input, or per
 * port for a port without one), flood list membership, and the OUTPUT
 * flow that drops a copy for its input port, above any port's own OUTPUT
 * entries.  All have cookie 0 (compiler/nwf-bridge-flows.c). */
void nwf_flows_for_bridge(const struct nwf_port *ports, size_t n_ports,
                          struct nwf_flow_set *);

/* The bridge-wide flows at NWF_PRIO_SEG_END of the four rule tables:
 * what falls off a bound port's segment k > 0 goes on with segment k - 1,
 * what falls off segment 0 is accepted.  Part of nwf_flows_for_bridge(),
 * defined with the chains in compiler/nwf-flows.c. */
void nwf_flows_chain_ends(struct nwf_flow_set *);

#endif /* nwf-flows.h */
