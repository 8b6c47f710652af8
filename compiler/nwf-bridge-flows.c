/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

/* The bridge-wide flows of a managed bridge: its own L2 forwarding in
 * place of NORMAL (docs/pipeline.md, "Why the bridge forwards by itself").
 *
 * What a frame meets here, after CLASSIFY (and, from a bound port, the
 * port's from-VM rules):
 *
 *   VLAN_IN    the input port's VLAN configuration puts the frame's VLAN
 *              in NWF_MFF_VLAN and pops its tag, or drops it, as NORMAL
 *              does: an access port takes untagged frames only, a trunk
 *              tagged frames of its VLANs and untagged frames into VLAN 0
 *              if it carries VLAN 0 (OVS's "trunks" semantics: a trunk
 *              with no list carries every VLAN); a native-tagged or
 *              native-untagged port is a trunk whose untagged frames
 *              belong to its native VLAN ("tag").  Access ports and trunks
 *              of every VLAN share the flows of their class, which their
 *              CLASSIFY entry loads into NWF_MFF_IN_VLAN; other ports
 *              have flows of their own.
 *   L2_LEARN   drops frames to the IEEE reserved group addresses
 *              01:80:c2:00:00:0x (NORMAL without forward-bpdu), learns
 *              (VLAN, source MAC) -> input port into L2_LOOKUP unless the
 *              source is a group address, looks the destination up and
 *              goes on to OUTPUT with the port found, if any.
 *   L2_LOOKUP  learned flows load the port into NWF_MFF_OUT; a miss
 *              floods.
 *   FLOOD      per VLAN, one clone per member port with NWF_MFF_OUT set,
 *              each resubmitted to OUTPUT.
 *   OUTPUT     drops a copy for the input port, then, for an unbound
 *              port, outputs with the port's VLAN encapsulation (bound
 *              ports' entries come from nwf_flows_for_port()).
 *
 * After a flood NWF_MFF_OUT is 0 again (a clone's changes stay inside
 * it), so the L2_LEARN flow's final step to OUTPUT finds no port.
 *
 * Besides, every table gets its catch-all (drop, except where the pipeline
 * goes on), IP_OUT_CT and IP_IN_CT their conntrack flows, and the four
 * rule tables the flows that end a port's segments (nwf-flows.c), which
 * are the same for every bound port: the port's entries load its zone
 * and first segments. */

#include <config.h>

#include "nwf-bridge-flows.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bitmap.h"
#include "flow.h"
#include "nwf-flows.h"
#include "nwf-ofpacts.h"
#include "nwf-pipeline.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofpbuf.h"
#include "packets.h"
#include "util.h"

#define N_VIDS 4096
#define VID_MASK 0xfff
#define VLAN_PRESENT 0x1000     /* OVS's "tag present" bit in vlan_tci. */

/* NORMAL's default MAC aging time (other_config:mac-aging-time). */
#define MAC_AGING_SECONDS 300

/* Priorities.  A table's catch-all is at NWF_PRIO_DEFAULT, its entries at
 * PRIO_ENTRY (where bound ports' fixed flows sit too) and exceptions to
 * those entries just above.  PRIO_HAIRPIN is above every port's OUTPUT
 * entry, bound or not. */
#define PRIO_ENTRY NWF_PRIO_PORT_FIRST
#define PRIO_EXCEPTION (NWF_PRIO_PORT_FIRST + 1)
#define PRIO_HAIRPIN (NWF_PRIO_PORT_FIRST + 100)

/* Every bridge-wide flow has cookie 0 (no filter, no rule, no port). */
#define COOKIE UINT64_C(0)

/* A value/mask pair over the 12 bits of a VLAN id. */
struct vid_block {
    uint16_t value;
    uint16_t mask;              /* 0: every VLAN. */
};

/* Value/mask blocks that cover exactly the VLANs set in 'vids': each run
 * of consecutive VLANs is split into the fewest aligned power-of-two
 * blocks.  Returns the number of blocks, in '*blocksp' (free() it). */
static size_t
vid_blocks(const unsigned long *vids, struct vid_block **blocksp)
{
    struct vid_block *blocks = NULL;
    size_t n = 0, allocated = 0;

    for (size_t lo = bitmap_scan(vids, true, 0, N_VIDS); lo < N_VIDS;
         lo = bitmap_scan(vids, true, lo, N_VIDS)) {
        size_t end = bitmap_scan(vids, false, lo, N_VIDS);
        while (lo < end) {
            size_t size = 1;
            while (size < N_VIDS && !(lo % (2 * size))
                   && lo + 2 * size <= end) {
                size *= 2;
            }
            if (n >= allocated) {
                blocks = x2nrealloc(blocks, &allocated, sizeof *blocks);
            }
            blocks[n++] = (struct vid_block) {
                .value = lo, .mask = VID_MASK & ~(size - 1),
            };
            lo += size;
        }
    }
    *blocksp = blocks;
    return n;
}

/* Adds a bridge-wide flow; a null 'match' matches every packet. */
static void
add_flow(struct nwf_flow_set *flows, enum nwf_table table, int priority,
         const struct match *match, const struct ofpbuf *actions)
{
    struct match catchall;
    if (!match) {
        match_init_catchall(&catchall);
        match = &catchall;
    }
    nwf_flow_set_add(flows, table, priority, COOKIE, match, actions);
}

static void
add_drop(struct nwf_flow_set *flows, enum nwf_table table, int priority,
         const struct match *match)
{
    struct ofpbuf none;
    ofpbuf_init(&none, 0);
    add_flow(flows, table, priority, match, &none);
    ofpbuf_uninit(&none);
}

static void
add_goto(struct nwf_flow_set *flows, enum nwf_table table, int priority,
         const struct match *match, enum nwf_table next)
{
    uint64_t stub[16 / 8];
    struct ofpbuf actions = OFPBUF_STUB_INITIALIZER(stub);
    nwf_put_goto_table(&actions, next);
    add_flow(flows, table, priority, match, &actions);
    ofpbuf_uninit(&actions);
}

/* A match on in_port 'port'. */
static struct match
in_port_match(ofp_port_t port)
{
    struct match m;
    match_init_catchall(&m);
    match_set_in_port(&m, port);
    return m;
}

/* Adds to 'm' a match on untagged frames, or on frames tagged with a VLAN
 * id 'vid' under 'vid_mask' (0 for any tag). */
static void
match_vlan(struct match *m, bool tagged, uint16_t vid, uint16_t vid_mask)
{
    match_set_dl_tci_masked(m, htons(tagged ? VLAN_PRESENT | vid : 0),
                            htons(VLAN_PRESENT | (tagged ? vid_mask : 0)));
}

/* Adds to 'm' a match on NWF_MFF_VLAN for the VLANs of 'b' (nothing for
 * every VLAN). */
static void
match_reg_vlan(struct match *m, const struct vid_block *b)
{
    if (b->mask == VID_MASK) {
        nwf_match_set_reg(m, NWF_MFF_VLAN, b->value);
    } else if (b->mask) {
        match_set_reg_masked(m, NWF_REG_INDEX(NWF_MFF_VLAN), b->value,
                             b->mask);
    }
}

/* Adds to 'table' one entry per block of 'blocks', matching 'base' (null
 * for all) and NWF_MFF_VLAN in the block, with 'actions'. */
static void
add_vlan_flows(struct nwf_flow_set *flows, enum nwf_table table,
               const struct match *base, const struct vid_block *blocks,
               size_t n, const struct ofpbuf *actions)
{
    for (size_t i = 0; i < n; i++) {
        struct match m;
        if (base) {
            m = *base;
        } else {
            match_init_catchall(&m);
        }
        match_reg_vlan(&m, &blocks[i]);
        add_flow(flows, table, PRIO_ENTRY, &m, actions);
    }
}

/* As NORMAL: a native port always carries its native VLAN and, as OVS
 * forces it, VLAN 0 only if that is its native VLAN. */
static bool
port_carries_vlan(const struct nwf_port *port, int vid)
{
    if (nwf_port_is_access(port)) {
        return nwf_port_untagged_in_vlan(port) == vid;
    }
    if (nwf_port_is_native(port)) {
        if (vid == nwf_port_untagged_in_vlan(port)) {
            return true;
        } else if (!vid) {
            return false;
        }
    }
    return !port->trunks || bitmap_is_set(port->trunks, vid);
}

/* The blocks of the VLANs that 'port' carries, VLAN 'without' left out
 * (-1: none).  Returns their number, in '*blocksp' (free() it). */
static size_t
port_vid_blocks(const struct nwf_port *port, int without,
                struct vid_block **blocksp)
{
    unsigned long *vids = bitmap_allocate(N_VIDS);
    for (int vid = 0; vid < N_VIDS; vid++) {
        if (vid != without && port_carries_vlan(port, vid)) {
            bitmap_set1(vids, vid);
        }
    }
    size_t n = vid_blocks(vids, blocksp);
    free(vids);
    return n;
}

/* The catch-all flows of every table. */
static void
add_table_defaults(struct nwf_flow_set *flows)
{
    static const enum nwf_table drop_tables[] = {
        NWF_TABLE_CLASSIFY, NWF_TABLE_ETH_OUT, NWF_TABLE_IP_OUT,
        NWF_TABLE_VLAN_IN, NWF_TABLE_OUTPUT, NWF_TABLE_IP_IN,
        NWF_TABLE_ETH_IN,
    };
    for (size_t i = 0; i < ARRAY_SIZE(drop_tables); i++) {
        add_drop(flows, drop_tables[i], NWF_PRIO_DEFAULT, NULL);
    }
    add_goto(flows, NWF_TABLE_L2_LOOKUP, NWF_PRIO_DEFAULT, NULL,
             NWF_TABLE_FLOOD);

    /* After a flood, L2_LEARN's step to OUTPUT has no destination: the
     * copies are out.  A flow of its own keeps the catch-all's counters
     * for what should not happen. */
    struct match no_port;
    match_init_catchall(&no_port);
    nwf_match_set_reg(&no_port, NWF_MFF_OUT, 0);
    add_drop(flows, NWF_TABLE_OUTPUT, PRIO_ENTRY, &no_port);
}

/* Untagged IPv4 and IPv6 go through conntrack in the zone of the port
 * whose rules apply (NWF_MFF_ZONE, loaded by that port's flows), other
 * frames straight on: from the VM to VLAN_IN, to the VM to ETH_IN.  On
 * the way in, ct_clear forgets the sender's zone.  The packets of a port
 * with no IP-layer rules (NWF_IP_SEG_UNTRACKED) go straight on too:
 * nothing of such a port's depends on a connection's state.
 *
 * The controller's answers to reject rules (packet-outs from in_port
 * CONTROLLER into OUTPUT) skip conntrack and the VM's IP-layer rules:
 * iptables' REJECT answers from the host's own stack, which the VM's
 * FO chain (FORWARD) never sees, so a VM whose filter rejects one port
 * and drops all else still gets its ICMP error.  Its Ethernet-layer
 * rules do apply, as ebtables' POSTROUTING sees the host's frames. */
static void
add_conntrack(struct nwf_flow_set *flows)
{
    static const uint16_t ip_types[] = { ETH_TYPE_IP, ETH_TYPE_IPV6 };
    uint64_t stub[128 / 8];
    struct ofpbuf actions = OFPBUF_STUB_INITIALIZER(stub);

    for (size_t i = 0; i < ARRAY_SIZE(ip_types); i++) {
        struct match untagged_ip;
        match_init_catchall(&untagged_ip);
        match_set_dl_type(&untagged_ip, htons(ip_types[i]));
        match_vlan(&untagged_ip, false, 0, 0);

        ofpbuf_clear(&actions);
        nwf_put_ct(&actions, 0, NWF_TABLE_IP_OUT);
        add_flow(flows, NWF_TABLE_IP_OUT_CT, PRIO_ENTRY, &untagged_ip,
                 &actions);

        ofpbuf_clear(&actions);
        nwf_put_ct_clear(&actions);
        nwf_put_ct(&actions, 0, NWF_TABLE_IP_IN);
        add_flow(flows, NWF_TABLE_IP_IN_CT, PRIO_ENTRY, &untagged_ip,
                 &actions);
    }
    /* A port without IP-layer rules: on as if conntrack and its IP
     * tables had accepted. */
    struct match untracked;
    match_init_catchall(&untracked);
    nwf_match_set_reg(&untracked, NWF_MFF_IP_SEG, NWF_IP_SEG_UNTRACKED);
    add_goto(flows, NWF_TABLE_IP_OUT_CT, PRIO_EXCEPTION, &untracked,
             NWF_TABLE_VLAN_IN);
    add_goto(flows, NWF_TABLE_IP_IN_CT, PRIO_EXCEPTION, &untracked,
             NWF_TABLE_ETH_IN);

    struct match from_controller = in_port_match(OFPP_CONTROLLER);
    add_goto(flows, NWF_TABLE_IP_IN_CT, PRIO_EXCEPTION, &from_controller,
             NWF_TABLE_ETH_IN);
    add_goto(flows, NWF_TABLE_IP_OUT_CT, NWF_PRIO_DEFAULT, NULL,
             NWF_TABLE_VLAN_IN);
    add_goto(flows, NWF_TABLE_IP_IN_CT, NWF_PRIO_DEFAULT, NULL,
             NWF_TABLE_ETH_IN);
    ofpbuf_uninit(&actions);
}

/* Appends to the learn action at the end of 'ofpacts' a specification that
 * 'dst_type' (NX_LEARN_DST_MATCH or NX_LEARN_DST_LOAD) field 'dst' of the
 * learned flow from all of field 'src' of the packet, both the first
 * 'n_bits' bits. */
static void
put_learn_spec(struct ofpbuf *ofpacts, uint16_t dst_type,
               enum mf_field_id src, enum mf_field_id dst, int n_bits)
{
    struct ofpact_learn_spec *spec = ofpbuf_put_zeros(ofpacts, sizeof *spec);
    spec->src = (struct mf_subfield) { mf_from_id(src), 0, n_bits };
    spec->dst = (struct mf_subfield) { mf_from_id(dst), 0, n_bits };
    spec->src_type = NX_LEARN_SRC_FIELD;
    spec->dst_type = dst_type;
    spec->n_bits = n_bits;
}

/* learn(): a flow in L2_LOOKUP that sends frames to the (VLAN, source MAC)
 * of this frame to its input port, for as long as NORMAL keeps a MAC. */
static void
put_mac_learn(struct ofpbuf *ofpacts)
{
    struct ofpact_learn *learn = ofpact_put_LEARN(ofpacts);
    learn->table_id = NWF_TABLE_L2_LOOKUP;
    learn->idle_timeout = MAC_AGING_SECONDS;
    learn->hard_timeout = OFP_FLOW_PERMANENT;
    learn->priority = PRIO_ENTRY;
    put_learn_spec(ofpacts, NX_LEARN_DST_MATCH, NWF_MFF_VLAN, NWF_MFF_VLAN,
                   12);
    put_learn_spec(ofpacts, NX_LEARN_DST_MATCH, MFF_ETH_SRC, MFF_ETH_DST,
                   48);
    put_learn_spec(ofpacts, NX_LEARN_DST_LOAD, MFF_IN_PORT, NWF_MFF_OUT, 16);
    learn = ofpacts->header;
    ofpact_finish_LEARN(ofpacts, &learn);
}

/* MAC learning and the lookup that follows it. */
static void
add_learning(struct nwf_flow_set *flows)
{
    struct eth_addr group = ETH_ADDR_C(01,00,00,00,00,00);
    struct eth_addr reserved = ETH_ADDR_C(01,80,c2,00,00,00);
    struct eth_addr reserved_mask = ETH_ADDR_C(ff,ff,ff,ff,ff,f0);
    struct match m;

    match_init_catchall(&m);
    match_set_dl_dst_masked(&m, reserved, reserved_mask);
    add_drop(flows, NWF_TABLE_L2_LEARN, PRIO_EXCEPTION, &m);

    uint64_t stub[256 / 8];
    struct ofpbuf actions = OFPBUF_STUB_INITIALIZER(stub);
    nwf_put_resubmit(&actions, NWF_TABLE_L2_LOOKUP);
    nwf_put_goto_table(&actions, NWF_TABLE_OUTPUT);
    match_init_catchall(&m);
    match_set_dl_src_masked(&m, group, group);
    add_flow(flows, NWF_TABLE_L2_LEARN, PRIO_ENTRY, &m, &actions);

    ofpbuf_clear(&actions);
    put_mac_learn(&actions);
    nwf_put_resubmit(&actions, NWF_TABLE_L2_LOOKUP);
    nwf_put_goto_table(&actions, NWF_TABLE_OUTPUT);
    add_flow(flows, NWF_TABLE_L2_LEARN, NWF_PRIO_DEFAULT, NULL, &actions);
    ofpbuf_uninit(&actions);
}

/* move:NXM_OF_VLAN_TCI[0..11]->NWF_MFF_VLAN, pop_vlan: a tagged frame's
 * VLAN into the register, without its tag. */
static void
put_vlan_from_tag(struct ofpbuf *ofpacts)
{
    nwf_put_move(ofpacts, MFF_VLAN_TCI, 0, NWF_MFF_VLAN, 0, 12);
    nwf_put_pop_vlan(ofpacts);
}

/* VLAN_IN for the ports whose CLASSIFY entry loads a class of VLAN input
 * into NWF_MFF_IN_VLAN (nwf_port_vlan_in_class()): an access port's
 * untagged frames go into the VLAN in the class, a trunk of every VLAN
 * takes untagged frames into VLAN 0 and tagged ones into theirs. */
static void
add_vlan_in_classes(struct nwf_flow_set *flows)
{
    static const struct {
        uint32_t class;
        bool masked;            /* Only the class, not the VLAN in it. */
        bool tagged;
    } classes[] = {
        { NWF_VLAN_IN_ACCESS, true, false },
        { NWF_VLAN_IN_TRUNK, false, false },
        { NWF_VLAN_IN_TRUNK, false, true },
    };
    uint64_t stub[128 / 8];
    struct ofpbuf actions = OFPBUF_STUB_INITIALIZER(stub);

    for (size_t i = 0; i < ARRAY_SIZE(classes); i++) {
        struct match m;
        match_init_catchall(&m);
        match_set_reg_masked(&m, NWF_REG_INDEX(NWF_MFF_IN_VLAN),
                             classes[i].class,
                             classes[i].masked ? NWF_VLAN_IN_CLASS_MASK
                             : UINT32_MAX);
        match_vlan(&m, classes[i].tagged, 0, 0);

        ofpbuf_clear(&actions);
        if (classes[i].tagged) {
            put_vlan_from_tag(&actions);
        } else if (classes[i].masked) {
            nwf_put_move(&actions, NWF_MFF_IN_VLAN, 0, NWF_MFF_VLAN, 0, 12);
        } else {
            nwf_put_load(&actions, NWF_MFF_VLAN, 0, 12, 0);
        }
        nwf_put_goto_table(&actions, NWF_TABLE_L2_LEARN);
        add_flow(flows, NWF_TABLE_VLAN_IN, PRIO_ENTRY, &m, &actions);
    }
    ofpbuf_uninit(&actions);
}

/* The VLAN_IN entries of 'port', bound or not, if it has no class of VLAN
 * input. */
static void
add_vlan_in(struct nwf_flow_set *flows, const struct nwf_port *port)
{
    if (nwf_port_vlan_in_class(port)) {
        return;
    }

    uint64_t stub[128 / 8];
    struct ofpbuf actions = OFPBUF_STUB_INITIALIZER(stub);
    struct match m;

    int untagged_vlan = nwf_port_untagged_in_vlan(port);
    if (port_carries_vlan(port, untagged_vlan)) {
        m = in_port_match(port->ofport);
        match_vlan(&m, false, 0, 0);
        nwf_put_load(&actions, NWF_MFF_VLAN, 0, 12, untagged_vlan);
        nwf_put_goto_table(&actions, NWF_TABLE_L2_LEARN);
        add_flow(flows, NWF_TABLE_VLAN_IN, PRIO_ENTRY, &m, &actions);
    }

    if (!nwf_port_is_access(port)) {
        struct vid_block *blocks;
        size_t n = port_vid_blocks(port, -1, &blocks);

        ofpbuf_clear(&actions);
        put_vlan_from_tag(&actions);
        nwf_put_goto_table(&actions, NWF_TABLE_L2_LEARN);
        for (size_t i = 0; i < n; i++) {
            m = in_port_match(port->ofport);
            match_vlan(&m, true, blocks[i].value, blocks[i].mask);
            add_flow(flows, NWF_TABLE_VLAN_IN, PRIO_ENTRY, &m, &actions);
        }
        free(blocks);
    }
    ofpbuf_uninit(&actions);
}

/* The blocks of VLANs that trunk or native 'port' outputs tagged: its
 * VLANs other than the one that leaves untagged (0, or a native-untagged
 * port's native VLAN), or all of them if that takes fewer blocks (the
 * untagged entry is above the tagged ones). */
static size_t
trunk_output_blocks(const struct nwf_port *port, struct vid_block **blocksp)
{
    struct vid_block *all;
    size_t n_all = port_vid_blocks(port, -1, &all);
    size_t n = port_vid_blocks(port, nwf_port_untagged_out_vlan(port),
                               blocksp);
    if (n_all < n) {
        free(*blocksp);
        *blocksp = all;
        return n_all;
    }
    free(all);
    return n;
}

/* A match on NWF_MFF_OUT holding 'port'. */
static struct match
out_port_match(ofp_port_t port)
{
    struct match m;
    match_init_catchall(&m);
    nwf_match_set_reg(&m, NWF_MFF_OUT, ofp_to_u16(port));
    return m;
}

/* The CLASSIFY and OUTPUT entries of unbound 'port'. */
static void
add_unbound_port(struct nwf_flow_set *flows, const struct nwf_port *port)
{
    uint64_t stub[128 / 8];
    struct ofpbuf actions = OFPBUF_STUB_INITIALIZER(stub);

    struct match m = in_port_match(port->ofport);
    nwf_port_put_vlan_in(port, &actions);
    nwf_put_goto_table(&actions, NWF_TABLE_VLAN_IN);
    add_flow(flows, NWF_TABLE_CLASSIFY, PRIO_ENTRY, &m, &actions);

    /* Untagged output: an access port's VLAN, a native-untagged port's
     * native VLAN, or a trunk's VLAN 0 (above the tagged entries, which
     * may cover it). */
    bool access = nwf_port_is_access(port);
    int untagged_vlan = nwf_port_untagged_out_vlan(port);
    if (port_carries_vlan(port, untagged_vlan)) {
        m = out_port_match(port->ofport);
        nwf_match_set_reg(&m, NWF_MFF_VLAN, untagged_vlan);
        ofpbuf_clear(&actions);
        nwf_put_output(&actions, port->ofport);
        add_flow(flows, NWF_TABLE_OUTPUT,
                 access ? PRIO_ENTRY : PRIO_EXCEPTION, &m, &actions);
    }

    if (!access) {
        struct vid_block *blocks;
        size_t n = trunk_output_blocks(port, &blocks);

        m = out_port_match(port->ofport);
        ofpbuf_clear(&actions);
        nwf_put_push_vlan_from_reg(&actions);
        nwf_put_output(&actions, port->ofport);
        add_vlan_flows(flows, NWF_TABLE_OUTPUT, &m, blocks, n, &actions);
        free(blocks);
    }
    ofpbuf_uninit(&actions);
}

/* OUTPUT: a copy never goes back to the port it came from.  OVS would
 * skip an output to the input port anyway; this flow also keeps a bound
 * port's copy out of its conntrack zone and rules. */
static void
add_hairpin_drop(struct nwf_flow_set *flows, const struct nwf_port *port)
{
    struct match m = out_port_match(port->ofport);
    match_set_in_port(&m, port->ofport);
    add_drop(flows, NWF_TABLE_OUTPUT, PRIO_HAIRPIN, &m);
}

/* Puts into 'actions' one clone per port of 'ports' whose bit is set in
 * 'members', each setting NWF_MFF_OUT and resubmitting to OUTPUT. */
static void
put_flood_actions(struct ofpbuf *actions, const struct nwf_port *const *ports,
                  size_t n_ports, const unsigned long *members)
{
    ofpbuf_clear(actions);
    for (size_t i = 0; i < n_ports; i++) {
        if (bitmap_is_set(members, i)) {
            size_t clone = nwf_put_clone_start(actions);
            nwf_put_load(actions, NWF_MFF_OUT, 0, 16,
                         ofp_to_u16(ports[i]->ofport));
            nwf_put_resubmit(actions, NWF_TABLE_OUTPUT);
            nwf_put_clone_end(actions, clone);
        }
    }
}

/* Sets in 'members' the ports of VLAN 'vid' other than full trunks. */
static void
get_vlan_members(const struct nwf_port *const *ports, size_t n_ports,
                 int vid, unsigned long *members)
{
    bitmap_set_multiple(members, 0, n_ports, false);
    for (size_t i = 0; i < n_ports; i++) {
        if (!nwf_port_is_full_trunk(ports[i])
            && port_carries_vlan(ports[i], vid)) {
            bitmap_set1(members, i);
        }
    }
}

/* FLOOD entries for the VLANs in 'run', whose members other than full
 * trunks are 'members'; 'full' are the full trunks. */
static void
add_flood_run(struct nwf_flow_set *flows, const struct nwf_port *const *ports,
              size_t n_ports, const unsigned long *run,
              unsigned long *members, const unsigned long *full)
{
    struct ofpbuf actions;
    ofpbuf_init(&actions, 0);
    bitmap_or(members, full, n_ports);
    put_flood_actions(&actions, ports, n_ports, members);

    struct vid_block *blocks;
    size_t n = vid_blocks(run, &blocks);
    add_vlan_flows(flows, NWF_TABLE_FLOOD, NULL, blocks, n, &actions);
    free(blocks);
    ofpbuf_uninit(&actions);
}

/* FLOOD: the full trunks (every VLAN) flood at the table's catch-all;
 * each run of VLANs with the same other members gets its own entries. */
static void
add_flood(struct nwf_flow_set *flows, const struct nwf_port *const *ports,
          size_t n_ports)
{
    unsigned long *full = bitmap_allocate(n_ports);
    for (size_t i = 0; i < n_ports; i++) {
        if (nwf_port_is_full_trunk(ports[i])) {
            bitmap_set1(full, i);
        }
    }
    if (bitmap_is_all_zeros(full, n_ports)) {
        add_drop(flows, NWF_TABLE_FLOOD, NWF_PRIO_DEFAULT, NULL);
    } else {
        struct ofpbuf actions;
        ofpbuf_init(&actions, 0);
        put_flood_actions(&actions, ports, n_ports, full);
        add_flow(flows, NWF_TABLE_FLOOD, NWF_PRIO_DEFAULT, NULL, &actions);
        ofpbuf_uninit(&actions);
    }

    unsigned long *members = bitmap_allocate(n_ports);
    unsigned long *next = bitmap_allocate(n_ports);
    unsigned long *run = bitmap_allocate(N_VIDS);
    get_vlan_members(ports, n_ports, 0, members);
    for (int vid = 0; vid < N_VIDS; vid++) {
        bitmap_set1(run, vid);
        if (vid + 1 < N_VIDS) {
            get_vlan_members(ports, n_ports, vid + 1, next);
            if (bitmap_equal(members, next, n_ports)) {
                continue;
            }
        }

        /* 'run' is a maximal run of VLANs with the same 'members'. */
        if (!bitmap_is_all_zeros(members, n_ports)) {
            add_flood_run(flows, ports, n_ports, run, members, full);
        }
        bitmap_set_multiple(run, 0, N_VIDS, false);
        unsigned long *tmp = members;
        members = next;
        next = tmp;
    }
    free(run);
    free(next);
    free(members);
    free(full);
}

static int
compare_ports(const void *a_, const void *b_)
{
    const struct nwf_port *const *a = a_;
    const struct nwf_port *const *b = b_;
    int a_ofport = ofp_to_u16((*a)->ofport);
    int b_ofport = ofp_to_u16((*b)->ofport);
    return a_ofport < b_ofport ? -1 : a_ofport > b_ofport;
}

/* Adds to 'flows' the bridge-wide flows of a managed bridge whose ports
 * are the 'n_ports' in 'ports', bound or not: see nwf-flows.h.  The result
 * depends only on the ports' ofports, VLAN configuration and whether they
 * are bound, not on their order. */
void
nwf_flows_for_bridge(const struct nwf_port *ports, size_t n_ports,
                     struct nwf_flow_set *flows)
{
    const struct nwf_port **sorted = xmalloc(n_ports * sizeof *sorted);
    for (size_t i = 0; i < n_ports; i++) {
        sorted[i] = &ports[i];
    }
    qsort(sorted, n_ports, sizeof *sorted, compare_ports);

    add_table_defaults(flows);
    add_conntrack(flows);
    nwf_flows_chain_ends(flows);
    add_vlan_in_classes(flows);
    add_learning(flows);
    for (size_t i = 0; i < n_ports; i++) {
        add_vlan_in(flows, sorted[i]);
        add_hairpin_drop(flows, sorted[i]);
        if (!sorted[i]->bound) {
            add_unbound_port(flows, sorted[i]);
        }
    }
    add_flood(flows, sorted, n_ports);
    free(sorted);
}

/* Port specifications (nwf-bridge-flows.h). */

static bool
parse_vid(const char *s, int *vid)
{
    return str_to_int(s, 10, vid) && *vid >= 0 && *vid < N_VIDS;
}

/* Adds the VLAN or range of VLANs 's' ("10" or "10-20") to 'trunks'. */
static bool
parse_trunk_range(const char *s, unsigned long *trunks)
{
    const char *dash = strchr(s, '-');
    char *first = dash ? xmemdup0(s, dash - s) : xstrdup(s);
    int lo, hi;
    bool ok = (parse_vid(first, &lo)
               && (dash ? parse_vid(dash + 1, &hi) : (hi = lo, true))
               && lo <= hi);
    free(first);
    if (ok) {
        bitmap_set_multiple(trunks, lo, hi - lo + 1, true);
    }
    return ok;
}

/* Parses one field of a port specification after the port number. */
static char *
parse_port_field(const char *field, struct nwf_port *port, bool *in_trunks)
{
    if (!strcmp(field, "bound")) {
        port->bound = true;
        *in_trunks = false;
        return NULL;
    } else if (!strncmp(field, "tag=", 4)) {
        *in_trunks = false;
        return (parse_vid(field + 4, &port->tag) ? NULL
                : xasprintf("invalid VLAN in '%s'", field));
    } else if (!strncmp(field, "vlan_mode=", 10)) {
        *in_trunks = false;
        const char *mode = field + 10;
        if (!strcmp(mode, "native-untagged")) {
            port->vlan_mode = NWF_VLAN_MODE_NATIVE_UNTAGGED;
        } else if (!strcmp(mode, "native-tagged")) {
            port->vlan_mode = NWF_VLAN_MODE_NATIVE_TAGGED;
        } else {
            return xasprintf("unknown VLAN mode in '%s'", field);
        }
        return NULL;
    } else if (!strncmp(field, "trunks=", 7)) {
        if (!port->trunks) {
            port->trunks = bitmap_allocate(N_VIDS);
        }
        *in_trunks = true;
        field += 7;
    } else if (!*in_trunks) {
        return xasprintf("unknown field '%s'", field);
    }
    return (parse_trunk_range(field, port->trunks) ? NULL
            : xasprintf("invalid VLAN or range '%s' in trunks", field));
}

/* Parses 'spec' ("OFPORT[,tag=N][,trunks=LIST][,vlan_mode=MODE][,bound]",
 * see nwf-bridge-flows.h) into 'port'.  Returns NULL on success, otherwise a
 * malloc'd message; either way nwf_bridge_port_destroy() frees 'port'. */
char *
nwf_bridge_port_parse(const char *spec, struct nwf_port *port)
{
    memset(port, 0, sizeof *port);
    port->tag = -1;

    char *copy = xstrdup(spec);
    char *save_ptr = NULL;
    char *field = strtok_r(copy, ",", &save_ptr);
    unsigned int ofport;
    char *error = NULL;
    if (field && !strcmp(field, "LOCAL")) {
        ofport = ofp_to_u16(OFPP_LOCAL);
    } else if (!field || !str_to_uint(field, 10, &ofport)
               || (ofport != ofp_to_u16(OFPP_LOCAL)
                   && (!ofport || ofport >= ofp_to_u16(OFPP_MAX)))) {
        error = xasprintf("it must start with an OpenFlow port number "
                          "(1 to %d, or LOCAL)", ofp_to_u16(OFPP_MAX) - 1);
    }
    if (!error) {
        port->ofport = u16_to_ofp(ofport);
        port->name = xasprintf("port%u", ofport);

        bool in_trunks = false;
        while (!error && (field = strtok_r(NULL, ",", &save_ptr))) {
            error = parse_port_field(field, port, &in_trunks);
        }
        if (!error && port->tag >= 0 && port->trunks
            && !nwf_port_is_native(port)) {
            error = xstrdup("a port has a tag or trunks, not both");
        }
    }
    free(copy);

    if (error) {
        char *message = xasprintf("port '%s': %s", spec, error);
        free(error);
        error = message;
    }
    return error;
}

void
nwf_bridge_port_destroy(struct nwf_port *port)
{
    if (port) {
        free(port->name);
        free(port->trunks);
    }
}
