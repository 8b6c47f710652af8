/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

/* A bound port's entries in CLASSIFY and OUTPUT, with the copies that IP
 * address learning needs (nwf-flows.h). */

#include "nwf-flows.h"

#include <netinet/in.h>

#include "nwf-ofpacts.h"
#include "nwf-pipeline.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/ofpbuf.h"
#include "flow.h"
#include "packets.h"
#include "util.h"

/* Sets 'm' to DHCP packets from a client (UDP 68 to 67) or, with
 * 'server', from a server (UDP 67 to 68). */
void
nwf_match_set_dhcp(struct match *m, bool server)
{
    match_set_dl_type(m, htons(ETH_TYPE_IP));
    match_set_nw_proto(m, IPPROTO_UDP);
    match_set_tp_src(m, htons(server ? 67 : 68));
    match_set_tp_dst(m, htons(server ? 68 : 67));
}

/* Learning copies: the matches, each on top of 'base', of the frames from
 * a port that its learn_punt sends to the controller.  Returns how many
 * (at most 2). */
static size_t
learn_punt_from_vm(const struct nwf_port *port, const struct match *base,
                   struct match from_vm[2])
{
    size_t n = 0;

    switch (port->learn_punt) {
    case NWF_LEARN_PUNT_NONE:
        break;
    case NWF_LEARN_PUNT_ANY:
        for (int i = 0; i < 2; i++) {
            from_vm[n] = *base;
            match_set_dl_src(&from_vm[n], port->mac);
            match_set_dl_type(&from_vm[n++],
                              htons(i ? ETH_TYPE_ARP : ETH_TYPE_IP));
        }
        break;
    case NWF_LEARN_PUNT_DHCP:
        from_vm[n] = *base;
        match_set_dl_src(&from_vm[n], port->mac);
        nwf_match_set_dhcp(&from_vm[n++], false);
        break;
    }
    return n;
}

/* The same for the frames to the port: DHCP server replies to its MAC or
 * to broadcast, not to other MACs (a frame flooded to every port, its
 * destination not learned yet, is copied for its own port only). */
static size_t
learn_punt_to_vm(const struct nwf_port *port, const struct match *base,
                 struct match to_vm[2])
{
    if (port->learn_punt == NWF_LEARN_PUNT_NONE) {
        return 0;
    }
    for (int i = 0; i < 2; i++) {
        to_vm[i] = *base;
        match_set_dl_dst(&to_vm[i], i ? eth_addr_broadcast : port->mac);
        nwf_match_set_dhcp(&to_vm[i], true);
    }
    return 2;
}

struct nwf_ofport_name
nwf_ofport_name(const struct nwf_port *port)
{
    struct nwf_ofport_name name;
    ofputil_port_to_string(port->ofport, NULL, name.s, sizeof name.s);
    return name;
}

/* Appends to 'ofpacts' the action of a CLASSIFY entry that loads 'port''s
 * class of VLAN input (nwf_port_vlan_in_class()) into NWF_MFF_IN_VLAN, if
 * the port has one. */
void
nwf_port_put_vlan_in(const struct nwf_port *port, struct ofpbuf *ofpacts)
{
    uint32_t vlan_in = nwf_port_vlan_in_class(port);
    if (vlan_in) {
        nwf_put_set_reg(ofpacts, NWF_MFF_IN_VLAN, vlan_in);
    }
}

/* Adds flows for 'matches' that send a learning copy to the controller
 * (meter 'meter_id') and go on with 'actions'. */
static void
add_punt_flows(struct nwf_flow_set *flows, uint8_t table, uint16_t priority,
               uint64_t cookie, const struct match *matches, size_t n,
               uint32_t meter_id, const struct ofpbuf *actions)
{
    uint64_t stub[1024 / 8];
    struct ofpbuf punt = OFPBUF_STUB_INITIALIZER(stub);
    nwf_put_controller(&punt, NWF_PUNT_LEARN, meter_id);
    ofpbuf_put(&punt, actions->data, actions->size);
    for (size_t i = 0; i < n; i++) {
        nwf_flow_set_add(flows, table, priority, cookie, &matches[i], &punt);
    }
    ofpbuf_uninit(&punt);
}

/* The port's entries in CLASSIFY (frames from it) and OUTPUT (frames to
 * it), which load the port's zone and the first segment of each of its
 * rule tables, each also in a variant two priorities higher that first
 * sends a copy to the controller for IP address learning
 * (port->learn_punt).  nwf_flows_for_bridge() drops a copy for the input
 * port above these, and ct_clear()s before IP_IN_CT's conntrack. */
void
nwf_flows_add_port_entries(const struct nwf_port *port,
                           const struct nwf_first_segs *segs,
                           struct nwf_flow_set *flows)
{
    uint16_t ofport = ofp_to_u16(port->ofport);
    uint64_t cookie = NWF_COOKIE_PORT(ofport);
    struct match punt[2];
    size_t n_punt;

    /* NWF_MFF_IN_VLAN is for VLAN_IN, after the rules. */
    struct match in_port;
    match_init_catchall(&in_port);
    match_set_in_port(&in_port, port->ofport);
    uint64_t classify_stub[256 / 8];
    struct ofpbuf classify = OFPBUF_STUB_INITIALIZER(classify_stub);
    nwf_put_set_reg(&classify, NWF_MFF_ZONE, port->zone);
    nwf_put_set_reg(&classify, NWF_MFF_SEG, segs->eth_out);
    nwf_put_set_reg(&classify, NWF_MFF_IP_SEG,
                    segs->untracked ? NWF_IP_SEG_UNTRACKED : segs->ip_out);
    nwf_port_put_vlan_in(port, &classify);
    nwf_put_goto_table(&classify, NWF_TABLE_ETH_OUT);
    nwf_flow_set_add(flows, NWF_TABLE_CLASSIFY, NWF_PRIO_PORT_FIRST, cookie,
                     &in_port, &classify);
    n_punt = learn_punt_from_vm(port, &in_port, punt);
    add_punt_flows(flows, NWF_TABLE_CLASSIFY, NWF_PRIO_PORT_FIRST + 2,
                   cookie, punt, n_punt,
                   NWF_METER_LEARN(ofport, false), &classify);
    ofpbuf_uninit(&classify);

    /* NWF_MFF_IP_SEG and NWF_MFF_SEG still hold the sender's. */
    uint64_t enter_stub[256 / 8];
    struct ofpbuf enter = OFPBUF_STUB_INITIALIZER(enter_stub);
    nwf_put_set_reg(&enter, NWF_MFF_ZONE, port->zone);
    nwf_put_set_reg(&enter, NWF_MFF_SEG, segs->eth_in);
    nwf_put_set_reg(&enter, NWF_MFF_IP_SEG,
                    segs->untracked ? NWF_IP_SEG_UNTRACKED : segs->ip_in);
    nwf_put_goto_table(&enter, NWF_TABLE_IP_IN_CT);

    struct match to_port;
    match_init_catchall(&to_port);
    nwf_match_set_reg(&to_port, NWF_MFF_OUT, ofport);

    /* A trunk or native port: VLAN 0 (a native-untagged port's native
     * VLAN) leaves untagged, the others with their tag, and the rules see
     * the frame as the VM will. */
    uint64_t tagged_stub[256 / 8];
    struct ofpbuf tagged = OFPBUF_STUB_INITIALIZER(tagged_stub);
    if (!nwf_port_is_access(port)) {
        struct match untagged = to_port;
        nwf_match_set_reg(&untagged, NWF_MFF_VLAN,
                          nwf_port_untagged_out_vlan(port));
        nwf_flow_set_add(flows, NWF_TABLE_OUTPUT, NWF_PRIO_PORT_FIRST + 1,
                         cookie, &untagged, &enter);
        n_punt = learn_punt_to_vm(port, &untagged, punt);
        add_punt_flows(flows, NWF_TABLE_OUTPUT, NWF_PRIO_PORT_FIRST + 3,
                       cookie, punt, n_punt, NWF_METER_LEARN(ofport, true),
                       &enter);
        nwf_put_push_vlan_from_reg(&tagged);
    }
    ofpbuf_put(&tagged, enter.data, enter.size);
    nwf_flow_set_add(flows, NWF_TABLE_OUTPUT, NWF_PRIO_PORT_FIRST, cookie,
                     &to_port, &tagged);
    n_punt = learn_punt_to_vm(port, &to_port, punt);
    add_punt_flows(flows, NWF_TABLE_OUTPUT, NWF_PRIO_PORT_FIRST + 2, cookie,
                   punt, n_punt, NWF_METER_LEARN(ofport, true), &tagged);
    ofpbuf_uninit(&tagged);
    ofpbuf_uninit(&enter);
}

