/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_PIPELINE_H
#define NWF_PIPELINE_H 1

/* The OpenFlow pipeline of a managed bridge: tables, registers, cookies,
 * priorities and conntrack zones, defined here and nowhere else.
 * docs/pipeline.md explains the same layout in prose; keep them in step.
 *
 * A managed bridge does its own L2 forwarding (MAC learning with "learn",
 * flooding by explicit port lists) instead of NORMAL, because every copy
 * of a frame delivered to a bound port, flood copies included, must pass
 * that port's "in" rules, and NORMAL's output cannot be intercepted.
 *
 * The path of a frame from port X to port Y:
 *
 *   CLASSIFY ---- X bound ---> ETH_OUT --> IP_OUT_CT --> IP_OUT --+
 *      |                       (X's Ethernet   (X's zone)  (X's IP |
 *      | X not bound            rules, out)                 rules) |
 *      v                                                           v
 *   VLAN_IN <------------------------------------------------------+
 *      v
 *   L2_LEARN --> L2_LOOKUP --(known)--> OUTPUT (Y) ----------------+
 *                   |                                              |
 *                   +--(flood)--> FLOOD -- one copy per port ----> |
 *                                                                  v
 *   OUTPUT: Y not bound ------------------------------> output:Y
 *           Y bound ----> IP_IN_CT --> IP_IN --> ETH_IN --> output:Y
 *                         (Y's zone)  (Y's IP    (Y's Ethernet
 *                                      rules)     rules, in)
 *
 * The Ethernet layer sees the frame as the VM sends or receives it (tags
 * included); the IP layer sees untagged IPv4 and IPv6 only, as libvirt's
 * br_netfilter does.  Inside the forwarding tables a frame is untagged
 * and its VLAN is in NWF_MFF_VLAN. */

#include <stdint.h>
#include "openvswitch/meta-flow.h"

/* Tables. */
enum nwf_table {
    NWF_TABLE_CLASSIFY = 0,     /* in_port: bound ports to ETH_OUT, others
                                 * to VLAN_IN; anything else dropped. */
    NWF_TABLE_ETH_OUT = 10,     /* Ethernet-layer rules, from the VM. */
    NWF_TABLE_IP_OUT_CT = 11,   /* Untagged IP to conntrack, others on. */
    NWF_TABLE_IP_OUT = 12,      /* IP-layer rules, from the VM. */
    NWF_TABLE_VLAN_IN = 20,     /* Port VLAN configuration -> NWF_MFF_VLAN. */
    NWF_TABLE_L2_LEARN = 21,    /* Learns (VLAN, source MAC) -> in_port. */
    NWF_TABLE_L2_LOOKUP = 22,   /* Learned flows: destination -> port. */
    NWF_TABLE_FLOOD = 23,       /* Per VLAN: one copy to each member port. */
    NWF_TABLE_OUTPUT = 30,      /* Per destination port (NWF_MFF_OUT). */
    NWF_TABLE_IP_IN_CT = 31,    /* Untagged IP to conntrack, others on. */
    NWF_TABLE_IP_IN = 32,       /* IP-layer rules, to the VM. */
    NWF_TABLE_ETH_IN = 33,      /* Ethernet-layer rules, to the VM. */
};

/* Registers, as Open vSwitch's field ids (enum mf_field_id), for the
 * flows (nwf-ofpacts.h) and for packet-ins (controller/pinctrl.c). */
#define NWF_MFF_SEG MFF_REG0    /* Ethernet layer: which segment of the
                                 * port's root chain is being walked (see
                                 * docs/pipeline.md, "Chains"). */
#define NWF_MFF_OUT MFF_REG1    /* Output stage: destination ofport. */
#define NWF_MFF_VLAN MFF_REG2   /* Forwarding: VLAN id, 0 for untagged. */
#define NWF_MFF_ZONE MFF_REG3   /* Conntrack zone of the port whose rules
                                 * are being applied. */
#define NWF_MFF_IP_SEG MFF_REG4 /* IP layer: which segment of the port's
                                 * IP rules is being walked.  Its own
                                 * register, so that IP_IN does not disturb
                                 * NWF_MFF_SEG on the way to ETH_IN. */
#define NWF_MFF_IN_VLAN MFF_REG5 /* CLASSIFY to VLAN_IN: how the input
                                  * port takes frames into VLANs, a
                                  * NWF_VLAN_IN_* class, or 0 for a port
                                  * with VLAN_IN flows of its own. */

/* A register's index in struct flow's regs[]. */
#define NWF_REG_INDEX(MFF) ((MFF) - MFF_REG0)

/* Classes of VLAN input in NWF_MFF_IN_VLAN: VLAN_IN has one set of flows
 * per class instead of one per port (compiler/nwf-bridge-flows.c). */
#define NWF_VLAN_IN_ACCESS 0x1000   /* | VLAN: an access port, untagged
                                     * frames only, into that VLAN. */
#define NWF_VLAN_IN_TRUNK 0x2000    /* A trunk of every VLAN: untagged
                                     * frames into VLAN 0, tagged ones
                                     * into theirs. */
#define NWF_VLAN_IN_CLASS_MASK 0xf000

/* Cookies.  A flow's cookie says where it came from, so that
 * "ovs-ofctl dump-flows" output maps back to filters and rules:
 *
 *   bits 63..32  first 32 bits of the filter's UUID (0: pipeline flow)
 *   bits 31..16  index of the <rule> in that filter, plus 1 (0: none)
 *   bits 15..0   ofport of the bound port the flow belongs to
 *                (0: a bridge-wide flow)
 */
#define NWF_COOKIE(FILTER_ID, RULE_INDEX, OFPORT)                       \
    (((uint64_t) (FILTER_ID) << 32)                                     \
     | ((uint64_t) ((RULE_INDEX) + 1) << 16)                            \
     | (uint64_t) ((OFPORT) & 0xffff))
#define NWF_COOKIE_PORT(OFPORT) ((uint64_t) ((OFPORT) & 0xffff))
#define NWF_COOKIE_PORT_MASK UINT64_C(0xffff)

/* Priorities.  Within a table, a port's rule flows count down from
 * NWF_PRIO_RULES in evaluation order; the port's fixed flows sit above
 * them, the bridge-wide ends of segments below, and bridge-wide defaults
 * lowest. */
#define NWF_PRIO_PORT_FIRST 65000   /* Fixed per-port flows, checked first. */
#define NWF_PRIO_RULES 60000        /* First rule flow of a port. */
#define NWF_PRIO_RULES_MIN 1000     /* Below this a port has too many. */
#define NWF_PRIO_SEG_END 500        /* Bridge-wide: what falls off the
                                     * segment of a port's rules. */
#define NWF_PRIO_DEFAULT 0          /* Bridge-wide defaults. */

/* Segments.  A port's rules in ETH_OUT, ETH_IN, IP_OUT and IP_IN are cut
 * into segments where evaluation must go on after an earlier point: after
 * a sub-chain that has a "return", and after a rule with negated
 * attributes (its exclusion flows continue with the rest of the chain).
 * Moving from one segment to the next is a resubmit to the same table,
 * which Open vSwitch counts against its translation depth of 64 for one
 * packet.  One translation walks at most two such tables (ETH_OUT then
 * ETH_IN for non-IP frames, IP_IN then ETH_IN after conntrack's
 * recirculation), so at most 2 * (NWF_MAX_SEGMENTS - 1) = 46 levels go to
 * segments and 18 stay for the forwarding tables, which only resubmit
 * forward (resubmits and goto_table to a higher table do not deepen).
 * A port needing more segments in one table is an error.
 *
 * A port's segments are numbered down, the first with the highest number
 * (its CLASSIFY or OUTPUT entry loads it) and the last with 0, so that
 * what falls off a segment meets the same bridge-wide flow for every port
 * (NWF_PRIO_SEG_END): segment k > 0 goes on with k - 1, segment 0
 * accepts. */
#define NWF_MAX_SEGMENTS 24

/* NWF_MFF_IP_SEG of a port with no IP-layer rules (nwf_first_segs'
 * 'untracked'), loaded by its CLASSIFY and OUTPUT entries in place of a
 * segment: IP_OUT_CT and IP_IN_CT send its packets on without conntrack
 * and without the IP tables, where nothing of the port's would decide
 * anything, which saves a conntrack lookup per packet and direction. */
#define NWF_IP_SEG_UNTRACKED 0xffff

/* Conntrack zones: one per bound port, so that overlapping guest addresses
 * stay apart (OVN's choice).  The controller allocates them; the compiler
 * takes the zone as an input.  Zones are shared by every bridge of the
 * userspace datapath, so a zone must be unique across bridges. */
#define NWF_ZONE_MIN 1
#define NWF_ZONE_MAX 65535

/* Why a flow sends a packet to the controller: the first byte of its
 * controller() action's userdata ("controller(userdata=01,...)"). */
enum nwf_punt_reason {
    NWF_PUNT_REJECT = 1,        /* Answer with ICMP/ICMPv6 port unreachable
                                 * (controller/pinctrl.c). */
    NWF_PUNT_LEARN = 2,         /* A copy for IP address learning
                                 * (controller/iplearn.c): from CLASSIFY,
                                 * a frame from the VM (in_port); from
                                 * OUTPUT, a frame to it (NWF_MFF_OUT). */
};

/* Meters for packets sent to the controller, so that a guest cannot flood
 * it, each port's its own, so that a guest that floods uses up no other
 * port's share:
 *
 *   - for reject answers, one per bound port, 100 packets/s in bursts of
 *     50: NWF_METER_REJECT_BASE + ofport, above every learning meter;
 *   - for IP learning copies, one per port and direction, at libvirt's
 *     limit for DHCP snooping (10 packets/s per direction, bursts of 50):
 *     NWF_METER_LEARN_BASE + 2 * ofport (from the VM) and the next one (to
 *     it), at most 256 + 2 * 65535 + 1 = 131327.
 *
 * The controller adds the meters that its flows use and removes the
 * others (controller/ofctrl.c), also meter 1, the bridge-wide reject
 * meter of earlier versions. */
#define NWF_METER_LEARN_BASE 256
#define NWF_METER_LEARN(OFPORT, TO_VM) \
    (NWF_METER_LEARN_BASE + 2 * (uint32_t) (OFPORT) + ((TO_VM) ? 1 : 0))
#define NWF_METER_REJECT_BASE 0x30000
#define NWF_METER_REJECT(OFPORT) \
    (NWF_METER_REJECT_BASE + (uint32_t) ((OFPORT) & 0xffff))

/* The rate (packets per second) and burst of meter 'meter_id'. */
static inline void
nwf_meter_limits(uint32_t meter_id, uint32_t *rate, uint32_t *burst)
{
    if (meter_id >= NWF_METER_REJECT_BASE || meter_id < NWF_METER_LEARN_BASE) {
        *rate = 100;
        *burst = 50;
    } else {
        *rate = 10;
        *burst = 50;
    }
}

#endif /* nwf-pipeline.h */
