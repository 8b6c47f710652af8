/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_MATCH_H
#define NWF_MATCH_H 1

/* One rule's match conditions in OpenFlow (ovs-ofctl syntax).
 *
 * The descriptor table (nwf-proto) says which OpenFlow field each
 * attribute becomes; this module applies it to one resolved rule (no
 * variables left) in one orientation, and expands what a single OpenFlow
 * match cannot say:
 *
 *   - ranges (ports, srcipfrom..srcipto, ICMPv6 type..typeend) become
 *     several masked matches, so the positive part of a rule is a
 *     disjunction of matches;
 *   - a negated attribute (match='no') cannot be one match either: it is
 *     returned separately, as the disjunction of matches under which the
 *     rule does NOT apply.  The caller puts those "exclusion" flows above
 *     the rule's own flows (docs/pipeline.md).
 *
 * Attributes OpenFlow cannot express (ipset, connlimit-above, STP BPDU
 * fields, TCP options, ...) are an error naming the attribute, never
 * silently ignored.  Connection state (statematch, state=) is not a match
 * attribute here: the flow compiler adds ct_state. */

#include <stdbool.h>
#include "svec.h"

struct nwf_diag;
struct nwf_diag_loc;
struct nwf_rule;

/* Which copy of a rule: as written, or with every source and destination
 * swapped (addresses, MACs, ports, ARP sender and target, ipset flags):
 * libvirt's mirrored copy of IP-layer rules and its from-VM copy of
 * Ethernet-layer inout rules. */
enum nwf_match_orient {
    NWF_MATCH_AS_WRITTEN,
    NWF_MATCH_MIRRORED,
};

/* Most OpenFlow matches one copy of a rule may expand to: its
 * alternatives, and the strings of each negation.  Beyond it the rule is an
 * error (e.g. an arbitrary IPv6 source range with an arbitrary destination
 * range). */
#define NWF_MATCH_MAX_MATCHES 4096

struct nwf_rule_match {
    /* The rule applies to frames matching any one of these.  Each is a
     * complete ovs-ofctl match
     * ("tcp,vlan_tci=0x0000/0x1000,nw_src=10.0.0.0/24,tcp_dst=80"),
     * possibly "" for a rule that matches every frame.  No alternatives at
     * all: the rule matches no frame (e.g. tcp flags 'SYN/ALL', which
     * iptables never matches either); the caller emits no flow for it.
     *
     * Fields come in a fixed order: the protocol keyword (ip, tcp6, arp,
     * ...) or dl_type, vlan_tci or dl_vlan, then the order of enum
     * nwf_field.  Alternatives are in a fixed order too. */
    struct svec alternatives;

    /* At most one entry per negated attribute (an address with its mask,
     * a range with its end count as one; a negated ICMP type with its
     * code too): the rule does not apply to a frame that matches any
     * string of any entry.  Each string already includes the protocol
     * prerequisites and is combined with an alternative by appending it:
     * ALTERNATIVE + "," + NEGATION, in that order (ovs-ofctl lets a later
     * field overwrite an earlier one; a negation string only ever refines
     * what the alternative says about a field).  A negated attribute that
     * excludes nothing the rule matches has no entry, and one that only
     * narrows a range the rule matches anyway is folded into the
     * alternatives. */
    struct svec *negations;
    size_t n_negations;
};

void nwf_rule_match_init(struct nwf_rule_match *);
void nwf_rule_match_destroy(struct nwf_rule_match *);

/* Options for one copy. */
struct nwf_match_options {
    enum nwf_match_orient orient;
    bool with_srcmac;           /* IP layer: libvirt matches srcmacaddr only
                                 * in the rule-direction copy. */
};

bool nwf_match_rule(const struct nwf_rule *, const struct nwf_match_options *,
                    struct nwf_rule_match *, const struct nwf_diag_loc *,
                    struct nwf_diag *);

#endif /* nwf-match.h */
