/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_MATCH_H
#define NWF_MATCH_H 1

/* One rule's match conditions in OpenFlow, as struct matches.
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
#include <stddef.h>
#include "openvswitch/match.h"

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

/* A list of matches. */
struct nwf_match_list {
    struct match *matches;
    size_t n, allocated;
};

void nwf_match_list_init(struct nwf_match_list *);
void nwf_match_list_destroy(struct nwf_match_list *);
struct match *nwf_match_list_add(struct nwf_match_list *,
                                 const struct match *);

struct nwf_rule_match {
    /* The rule applies to frames matching any one of these, possibly a
     * match of every frame.  No alternatives at all: the rule matches no
     * frame (e.g. tcp flags 'SYN/ALL', which iptables never matches
     * either); the caller emits no flow for it.  Alternatives come in a
     * fixed order. */
    struct nwf_match_list alternatives;

    /* At most one entry per negated attribute (an address with its mask,
     * a range with its end count as one; a negated ICMP type with its
     * code too): the rule does not apply to a frame that matches any
     * match of any entry.  Each match includes the protocol prerequisites,
     * so that an alternative and'ed with it is the part of the alternative
     * the negation excludes.  A negated attribute that excludes nothing
     * the rule matches has no entry, and one that only narrows a range the
     * rule matches anyway is folded into the alternatives. */
    struct nwf_match_list *negations;
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

/* Sets 'm' to the condition of a jump into sub-chain 'chain', by its
 * prefix (mac, vlan, stp, arp, rarp, ipv4, ipv6). */
void nwf_match_jump_cond(const char *chain, struct match *m);

#endif /* nwf-match.h */
