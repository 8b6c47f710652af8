/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-match.h"
#include "nwf-match-private.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "nwf-diag.h"
#include "nwf-filter.h"
#include "nwf-proto.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/meta-flow.h"
#include "openvswitch/util.h"
#include "packets.h"
#include "svec.h"
#include "util.h"

/* How a rule becomes matches.
 *
 * Every attribute is a condition on one or two OpenFlow fields (the
 * descriptor table's 'field' says which, the field table below says how
 * the field is named and how wide it is).  A condition is a set of values,
 * kept as an interval: an address with a prefix length, a range, a single
 * value, all are intervals.  tcp_flags is the exception: a value under a
 * mask.
 *
 * Positive conditions on the same field intersect, so that, for example,
 * srcipaddr/srcipmask and srcipfrom..srcipto together keep the addresses
 * in both.  Each field's interval is then cut into the fewest prefixes
 * (maskable fields) or single values (the others), and the alternatives
 * are the cartesian product over the fields, in field order.
 *
 * A negated attribute becomes an exclusion: the strings that match what
 * the attribute would match, each with the rule's prerequisites (ethertype,
 * VLAN tag, IP protocol, stp's destination), so that the caller can join
 * "ALTERNATIVE,EXCLUSION".  ovs-ofctl's parser lets a later field
 * overwrite an earlier one instead of intersecting them, so an exclusion
 * may constrain a field the alternatives constrain too only with a value
 * inside theirs, which then refines it.  That holds when the positive
 * condition on that field is a single prefix; otherwise the exclusion is
 * folded into the positive interval as a hole.
 *
 * What each attribute means follows the ebtables and iptables commands
 * libvirt emits (ebtables' "-p TYPE" sees the outer ethertype, so it
 * matches untagged frames only, and "-p 0x8100" tagged ones), except:
 *
 *   - dscp in <ip> is the DSCP (ip_dscp), as in the IP-layer elements;
 *     libvirt passes the value to ebtables' --ip-tos, which compares it
 *     with the whole TOS byte, ECN bits included.
 *   - An ICMP code without a type is matched; libvirt drops it.
 *   - A range whose end is below its start is an error (iptables refuses
 *     such port ranges; libvirt would fail to apply the filter).
 *   - What Open vSwitch cannot match is an error naming the attribute:
 *     BPDU fields, TCP options, ipset, connlimit-above; hwtype other than
 *     1 and protocoltype other than 0x800 (the only ARP it parses);
 *     opcodes outside 1-255 (it keeps only the low 8 bits); ports of
 *     protocols other than tcp, udp, sctp (DCCP); ports, ICMP type and
 *     code without the protocol they belong to (ebtables insists on it
 *     too), also when the protocol is negated; the ethertype 0x88a8
 *     (parsed as a VLAN tag) and, inside <vlan>, a second tag or an 802.3
 *     length; gratuitous='true' unless the sender or target IP address is
 *     one address (OpenFlow cannot compare two fields).
 *   - 802.1Q in <mac> and <vlan> matches any outer tag; Open vSwitch does
 *     not tell an 802.1ad tag from an 802.1Q one.
 *
 * As in libvirt, a mask or range end without its address or start means
 * nothing, and tcp flags 'MASK/FLAGS' with a flag in FLAGS but not in MASK
 * match no packet at all (iptables' --tcp-flags never does). */

#define FIELD(NAME4, NAME6, BITS4, BITS6, MASKABLE, MIRROR)             \
    .kind = FK_FIELD, .name = { NAME4, NAME6 },                         \
    .n_bits = { BITS4, BITS6 }, .maskable = MASKABLE,                   \
    .mirror = NWF_FIELD_##MIRROR

#define UNSUPPORTED(WHAT) { .kind = FK_UNSUPPORTED, .what = WHAT }

const struct field_info nwf_match_fields[NWF_N_FIELDS] = {
    [NWF_FIELD_NONE] = { .kind = FK_NONE },

    [NWF_FIELD_ETH_TYPE] = {
        FIELD("dl_type", "dl_type", 16, 16, false, ETH_TYPE),
        .prereq = true,
    },
    [NWF_FIELD_VLAN_TCI] = {
        /* The CFI ("tag present") bit and the VLAN id. */
        FIELD("vlan_tci", "vlan_tci", 13, 13, true, VLAN_TCI),
        .prereq = true, .value_or = VLAN_CFI,
    },
    [NWF_FIELD_ETH_SRC] = {
        FIELD("dl_src", "dl_src", 48, 48, true, ETH_DST),
    },
    [NWF_FIELD_ETH_DST] = {
        FIELD("dl_dst", "dl_dst", 48, 48, true, ETH_SRC),
    },
    [NWF_FIELD_ARP_OP] = {
        /* Open vSwitch keeps only the low 8 bits of the opcode, and 0 for
         * ARP it does not parse. */
        FIELD("arp_op", "arp_op", 16, 16, false, ARP_OP),
        .min = 1, .max = 255, .what = "ARP opcodes",
    },
    [NWF_FIELD_ARP_SPA] = {
        FIELD("arp_spa", "arp_spa", 32, 32, true, ARP_TPA),
    },
    [NWF_FIELD_ARP_TPA] = {
        FIELD("arp_tpa", "arp_tpa", 32, 32, true, ARP_SPA),
    },
    [NWF_FIELD_ARP_SHA] = {
        FIELD("arp_sha", "arp_sha", 48, 48, true, ARP_THA),
    },
    [NWF_FIELD_ARP_THA] = {
        FIELD("arp_tha", "arp_tha", 48, 48, true, ARP_SHA),
    },
    [NWF_FIELD_IP_SRC] = {
        FIELD("nw_src", "ipv6_src", 32, 128, true, IP_DST),
    },
    [NWF_FIELD_IP_DST] = {
        FIELD("nw_dst", "ipv6_dst", 32, 128, true, IP_SRC),
    },
    [NWF_FIELD_IP_PROTO] = {
        FIELD("nw_proto", "nw_proto", 8, 8, false, IP_PROTO),
        .prereq = true,
    },
    [NWF_FIELD_IP_DSCP] = {
        FIELD("ip_dscp", "ip_dscp", 6, 6, false, IP_DSCP),
    },
    [NWF_FIELD_L4_SRC] = {
        FIELD(NULL, NULL, 16, 16, true, L4_DST),
    },
    [NWF_FIELD_L4_DST] = {
        FIELD(NULL, NULL, 16, 16, true, L4_SRC),
    },
    [NWF_FIELD_TCP_FLAGS] = {
        FIELD(NULL, NULL, 12, 12, true, TCP_FLAGS),
    },
    [NWF_FIELD_ICMP_TYPE] = {
        FIELD(NULL, NULL, 8, 8, false, ICMP_TYPE),
    },
    [NWF_FIELD_ICMP_CODE] = {
        /* libvirt negates "type/code" as one. */
        FIELD(NULL, NULL, 8, 8, false, ICMP_CODE),
        .joins = NWF_FIELD_ICMP_TYPE,
    },

    [NWF_FIELD_ETHERTYPE] = { .kind = FK_ETHERTYPE },
    [NWF_FIELD_ARP_HTYPE] = {
        .kind = FK_FIXED, .min = 1,
        .what = "ARP for Ethernet (hardware type 1)",
    },
    [NWF_FIELD_ARP_PTYPE] = {
        .kind = FK_FIXED, .min = ETH_TYPE_IP,
        .what = "ARP for IPv4 (protocol type 0x800)",
    },
    [NWF_FIELD_ARP_GRATUITOUS] = { .kind = FK_GRATUITOUS },
    [NWF_FIELD_CT_STATE] = { .kind = FK_CALLER },

    [NWF_FIELD_NO_IPSET] = UNSUPPORTED("IP sets"),
    [NWF_FIELD_NO_CONNLIMIT] = UNSUPPORTED("connection counts"),
    [NWF_FIELD_NO_STP_BPDU] = UNSUPPORTED("the fields of STP BPDUs"),
    [NWF_FIELD_NO_TCP_OPTION] = UNSUPPORTED("TCP options"),
};

/* Fields whose name depends on the transport protocol, and which exist
 * only for these protocols.  'family' is 0 for IPv4, 1 for IPv6, -1 for
 * both. */
static const struct transport_field {
    enum nwf_field field;
    uint8_t ip_proto;
    int family;
    const char *name;
} transport_fields[] = {
    { NWF_FIELD_L4_SRC, IPPROTO_TCP, -1, "tcp_src" },
    { NWF_FIELD_L4_DST, IPPROTO_TCP, -1, "tcp_dst" },
    { NWF_FIELD_L4_SRC, IPPROTO_UDP, -1, "udp_src" },
    { NWF_FIELD_L4_DST, IPPROTO_UDP, -1, "udp_dst" },
    { NWF_FIELD_L4_SRC, IPPROTO_SCTP, -1, "sctp_src" },
    { NWF_FIELD_L4_DST, IPPROTO_SCTP, -1, "sctp_dst" },
    { NWF_FIELD_TCP_FLAGS, IPPROTO_TCP, -1, "tcp_flags" },
    { NWF_FIELD_ICMP_TYPE, IPPROTO_ICMP, 0, "icmp_type" },
    { NWF_FIELD_ICMP_CODE, IPPROTO_ICMP, 0, "icmp_code" },
    { NWF_FIELD_ICMP_TYPE, IPPROTO_ICMPV6, 1, "icmpv6_type" },
    { NWF_FIELD_ICMP_CODE, IPPROTO_ICMPV6, 1, "icmpv6_code" },
};

/* Reports an error about the rule, or about its attribute 'i' if i >= 0,
 * and makes the rule fail. */
void
match_error(struct match_ctx *ctx, int i, const char *format, ...)
{
    struct nwf_diag_loc loc = { .line = 0 };
    struct ds value = DS_EMPTY_INITIALIZER;
    struct ds msg = DS_EMPTY_INITIALIZER;
    va_list args;

    if (ctx->loc) {
        loc = *ctx->loc;
    }
    if (!loc.line) {
        loc.line = ctx->rule->line;
    }
    loc.element = ctx->proto->name;
    if (i >= 0) {
        const struct nwf_attr_desc *desc = &ctx->proto->attrs[i];
        loc.attr = desc->name;
        nwf_rule_attr_format(desc, &ctx->rule->attrs[i], &value);
        loc.value = ds_cstr(&value);
    }

    va_start(args, format);
    ds_put_format_valist(&msg, format, args);
    va_end(args);
    nwf_diag_error(ctx->diag, &loc, "%s", ds_cstr(&msg));

    ds_destroy(&msg);
    ds_destroy(&value);
    ctx->ok = false;
}

/* The name of 'field' for this rule, or NULL if the field does not exist
 * for its transport protocol. */
const char *
field_name(const struct match_ctx *ctx, enum nwf_field field)
{
    const char *name = nwf_match_fields[field].name[ctx->family];
    if (name) {
        return name;
    }
    for (size_t i = 0; i < ARRAY_SIZE(transport_fields); i++) {
        const struct transport_field *t = &transport_fields[i];
        if (t->field == field && t->ip_proto == ctx->ip_proto
            && (t->family < 0 || t->family == ctx->family)) {
            return t->name;
        }
    }
    return NULL;
}

/* Checks that 'field', asked for by attribute 'i', exists for the rule's
 * transport protocol. */
static bool
check_transport(struct match_ctx *ctx, enum nwf_field field, int i)
{
    if (field_name(ctx, field)) {
        return true;
    }

    struct svec names = SVEC_EMPTY_INITIALIZER;
    for (size_t j = 0; j < ARRAY_SIZE(transport_fields); j++) {
        const struct transport_field *t = &transport_fields[j];
        if (t->field == field
            && (t->family < 0 || t->family == ctx->family)) {
            svec_add(&names, nwf_ip_proto_name(t->ip_proto));
        }
    }
    struct ds protos = DS_EMPTY_INITIALIZER;
    for (size_t j = 0; j < names.n; j++) {
        ds_put_format(&protos, "%s%s",
                      !j ? "" : j + 1 < names.n ? ", " : " or ",
                      names.names[j]);
    }
    svec_destroy(&names);

    struct ds now = DS_EMPTY_INITIALIZER;
    if (ctx->ip_proto >= 0) {
        const char *name = nwf_ip_proto_name(ctx->ip_proto);
        if (name) {
            ds_put_format(&now, "protocol is %s", name);
        } else {
            ds_put_format(&now, "protocol is %d", ctx->ip_proto);
        }
    } else {
        ds_put_cstr(&now, ctx->ip_proto_negated ? "protocol is negated"
                    : "protocol is missing");
    }
    match_error(ctx, i, "Open vSwitch matches this only for protocol %s "
                "(%s)", ds_cstr(&protos), ds_cstr(&now));
    ds_destroy(&now);
    ds_destroy(&protos);
    return false;
}

/* The value of the rule's attribute 'i' as a number. */
static ovs_u128
attr_number(const struct match_ctx *ctx, size_t i)
{
    const struct nwf_attr_desc *desc = &ctx->proto->attrs[i];
    const struct nwf_value *value = &ctx->rule->attrs[i].value;

    switch (desc->type) {
    case NWF_TYPE_MAC:
    case NWF_TYPE_MAC_MASK:
        return u128_from_bytes(value->mac.ea, ETH_ADDR_LEN);
    case NWF_TYPE_IPV4:
        return u128_make(0, ntohl(value->ipv4));
    case NWF_TYPE_IPV6:
        return u128_from_bytes(value->ipv6.s6_addr, 16);
    default:
        return u128_make(0, value->u32);
    }
}

/* The prefix length that mask attribute 'i' gives. */
static int
attr_prefix_len(const struct match_ctx *ctx, size_t i)
{
    const struct nwf_attr_desc *desc = &ctx->proto->attrs[i];
    if (desc->type == NWF_TYPE_MAC_MASK) {
        ovs_u128 mask = attr_number(ctx, i);
        return ovs_u128_is_zero(mask) ? 0 : 48 - u128_ctz(mask);
    }
    return ctx->rule->attrs[i].value.u32;
}

static bool
is_mask_type(enum nwf_type type)
{
    return (type == NWF_TYPE_MAC_MASK || type == NWF_TYPE_IPV4_MASK
            || type == NWF_TYPE_IPV6_MASK);
}

/* The values that attribute 'i' matches in 'field', with the mask or
 * range end that completes it.  A completing attribute without its base
 * is never looked at, as in libvirt. */
static bool
attr_interval(struct match_ctx *ctx, size_t i, enum nwf_field field,
              struct interval *iv)
{
    const struct nwf_proto *proto = ctx->proto;
    int n_bits = field_bits(ctx, field);
    ovs_u128 v = attr_number(ctx, i);

    iv->lo = iv->hi = v;
    for (size_t j = 0; j < proto->n_attrs; j++) {
        if (proto->attrs[j].pair != proto->attrs[i].id
            || !ctx->rule->attrs[j].present) {
            continue;
        }
        if (is_mask_type(proto->attrs[j].type)) {
            ovs_u128 host = u128_low_bits(n_bits - attr_prefix_len(ctx, j));
            iv->lo = u128_and_not(v, host);
            iv->hi = u128_or(v, host);
        } else {
            ovs_u128 end = attr_number(ctx, j);
            if (u128_cmp(end, v) < 0) {
                match_error(ctx, j, "the end of the range is below its "
                            "start, '%s'", proto->attrs[i].name);
                return false;
            }
            iv->hi = end;
        }
    }

    const struct field_info *info = &nwf_match_fields[field];
    if (info->max && (u128_cmp(iv->lo, u128_make(0, info->min)) < 0
                      || u128_cmp(iv->hi, u128_make(0, info->max)) > 0)) {
        match_error(ctx, i, "Open vSwitch matches only %s from %"PRIu32
                    " to %"PRIu32, info->what, info->min, info->max);
        return false;
    }
    if (info->value_or) {
        ovs_u128 bits = u128_make(0, info->value_or);
        iv->lo = u128_or(iv->lo, bits);
        iv->hi = u128_or(iv->hi, bits);
    }
    return true;
}

static void
cond_range(struct cond *c, enum nwf_field field, ovs_u128 lo, ovs_u128 hi)
{
    *c = (struct cond) { .field = field, .iv = { lo, hi } };
}

static void
cond_exact(struct cond *c, enum nwf_field field, uint32_t value)
{
    cond_range(c, field, u128_make(0, value), u128_make(0, value));
}

/* Conditions for ethertype 'type', as ebtables' -p: dl_type for an
 * untagged frame, or a tagged frame for 802.1Q.  Inside an element that
 * already means a tagged frame (<vlan>), it is the encapsulated type. */
static size_t
ethertype_conds(uint16_t type, bool inner, struct cond *conds)
{
    if (inner) {
        cond_exact(&conds[0], NWF_FIELD_ETH_TYPE, type);
        return 1;
    } else if (type == ETH_TYPE_VLAN_8021Q) {
        cond_range(&conds[0], NWF_FIELD_VLAN_TCI, u128_make(0, VLAN_CFI),
                   u128_low_bits(13));
        return 1;
    } else {
        cond_exact(&conds[0], NWF_FIELD_ETH_TYPE, type);
        cond_range(&conds[1], NWF_FIELD_VLAN_TCI, OVS_U128_ZERO,
                   u128_low_bits(12));
        return 2;
    }
}

static bool
element_is_tagged(const struct match_ctx *ctx)
{
    return ctx->proto->eth_type == ETH_TYPE_VLAN_8021Q;
}

/* The conditions of an ethertype attribute 'i'. */
static bool
attr_ethertype(struct match_ctx *ctx, size_t i, struct cond *conds,
               size_t *n)
{
    uint32_t type = ctx->rule->attrs[i].value.u32;
    bool inner = element_is_tagged(ctx);

    if (type == ETH_TYPE_VLAN_8021AD) {
        match_error(ctx, i, "Open vSwitch parses 802.1ad frames as VLAN "
                    "tagged and cannot match this ethertype");
        return false;
    } else if (inner && type == ETH_TYPE_VLAN_8021Q) {
        match_error(ctx, i, "OpenFlow 1.3 matches only the outer VLAN tag, "
                    "not a second one");
        return false;
    } else if (inner && type < ETH_TYPE_MIN) {
        match_error(ctx, i, "Open vSwitch cannot match an 802.3 length "
                    "(ethertype below 0x600)");
        return false;
    }
    *n = ethertype_conds(type, inner, conds);
    return true;
}

/* The conditions of attribute 'i' with an OpenFlow field.  Returns false
 * if it can match nothing or on error (then 'ctx->ok' is false). */
static bool
attr_field(struct match_ctx *ctx, size_t i, struct cond *conds, size_t *n)
{
    const struct nwf_attr_desc *desc = &ctx->proto->attrs[i];
    enum nwf_field field = desc->field;
    if (ctx->opts->orient == NWF_MATCH_MIRRORED) {
        field = nwf_match_fields[field].mirror;
    }
    if (!check_transport(ctx, field, i)) {
        return false;
    }

    struct cond *c = &conds[0];
    if (desc->type == NWF_TYPE_TCP_FLAGS) {
        const struct nwf_value *v = &ctx->rule->attrs[i].value;
        /* libvirt's MASK/FLAGS as iptables' --tcp-flags: the flags in
         * MASK are examined, those in FLAGS must be set.  A flag in FLAGS
         * but not in MASK can never match. */
        if (v->tcp_flags.set & ~v->tcp_flags.mask) {
            return false;
        }
        *c = (struct cond) {
            .field = field, .masked = true,
            .value = u128_make(0, v->tcp_flags.set),
            .mask = u128_make(0, v->tcp_flags.mask),
        };
        *n = v->tcp_flags.mask != 0;
        return true;
    }

    c->field = field;
    c->masked = false;
    if (!attr_interval(ctx, i, field, &c->iv)) {
        return false;
    }
    *n = !is_full(ctx, field, &c->iv);
    return true;
}

/* Adds the positive condition 'c'. */
static void
restrict_field(struct match_ctx *ctx, const struct cond *c, bool implied)
{
    struct field_state *fs = &ctx->pos[c->field];

    if (implied) {
        fs->implied = true;
    }
    if (c->masked) {
        fs->set = fs->masked = true;
        fs->value = c->value;
        fs->mask = c->mask;
    } else if (!fs->set) {
        fs->set = true;
        fs->iv = c->iv;
    } else {
        if (u128_cmp(c->iv.lo, fs->iv.lo) > 0) {
            fs->iv.lo = c->iv.lo;
        }
        if (u128_cmp(c->iv.hi, fs->iv.hi) < 0) {
            fs->iv.hi = c->iv.hi;
        }
        if (u128_cmp(fs->iv.lo, fs->iv.hi) > 0) {
            ctx->never = true;
        }
    }
}

static void
add_neg_group(struct match_ctx *ctx, const struct cond *conds, size_t n)
{
    if (ctx->n_negs >= ctx->allocated_negs) {
        ctx->negs = x2nrealloc(ctx->negs, &ctx->allocated_negs,
                               sizeof *ctx->negs);
    }
    struct neg_group *g = &ctx->negs[ctx->n_negs++];
    ovs_assert(n <= MAX_NEG_CONDS);
    memcpy(g->conds, conds, n * sizeof *conds);
    g->n_conds = n;
}

/* Adds the conditions 'conds' of one attribute, 'possible' false if the
 * attribute matches nothing. */
static void
add_conds(struct match_ctx *ctx, bool negated, bool possible,
          const struct cond *conds, size_t n)
{
    if (!negated) {
        if (!possible) {
            ctx->never = true;
        }
        for (size_t i = 0; i < n; i++) {
            restrict_field(ctx, &conds[i], false);
        }
    } else if (possible) {
        if (!n) {
            /* Excludes every packet. */
            ctx->never = true;
        } else {
            add_neg_group(ctx, conds, n);
        }
    }
}

/* Finds the IP protocol the rule is about: the element's, or a 'protocol'
 * attribute's. */
static void
find_ip_proto(struct match_ctx *ctx)
{
    const struct nwf_proto *proto = ctx->proto;

    ctx->ip_proto = proto->ip_proto ? proto->ip_proto : -1;
    for (size_t i = 0; i < proto->n_attrs; i++) {
        const struct nwf_rule_attr *attr = &ctx->rule->attrs[i];
        if (proto->attrs[i].field == NWF_FIELD_IP_PROTO && attr->present
            && !attr->is_var) {
            if (attr->negated) {
                ctx->ip_proto_negated = true;
            } else {
                ctx->ip_proto = attr->value.u32;
            }
        }
    }
}

/* What the element itself means. */
static void
add_element_conds(struct match_ctx *ctx)
{
    const struct nwf_proto *proto = ctx->proto;
    struct cond conds[2];

    if (proto->eth_type) {
        size_t n = ethertype_conds(proto->eth_type, false, conds);
        for (size_t i = 0; i < n; i++) {
            restrict_field(ctx, &conds[i], true);
        }
    }
    if (proto->ip_proto) {
        cond_exact(&conds[0], NWF_FIELD_IP_PROTO, proto->ip_proto);
        restrict_field(ctx, &conds[0], true);
    }
    if (!eth_addr_is_zero(proto->eth_dst)) {
        ovs_u128 dst = u128_from_bytes(proto->eth_dst.ea, ETH_ADDR_LEN);
        cond_range(&conds[0], NWF_FIELD_ETH_DST, dst, dst);
        restrict_field(ctx, &conds[0], true);
    }
}

/* Reads the rule's attributes into conditions. */
static void
add_attr_conds(struct match_ctx *ctx)
{
    const struct nwf_proto *proto = ctx->proto;

    for (size_t i = 0; i < proto->n_attrs; i++) {
        const struct nwf_attr_desc *desc = &proto->attrs[i];
        const struct nwf_rule_attr *attr = &ctx->rule->attrs[i];
        const struct field_info *info = &nwf_match_fields[desc->field];
        struct cond conds[MAX_NEG_CONDS];
        size_t n = 0;
        bool possible;

        if (!attr->present) {
            continue;
        } else if (attr->is_var) {
            match_error(ctx, i, "variable was not resolved");
            continue;
        } else if (info->kind == FK_UNSUPPORTED) {
            match_error(ctx, i, "cannot be matched: OpenFlow in Open "
                        "vSwitch has no field for %s", info->what);
            continue;
        } else if (desc->pair != NWF_ATTR_NONE
                   || info->kind == FK_NONE || info->kind == FK_CALLER) {
            continue;
        } else if (desc->field == NWF_FIELD_ETH_SRC
                   && proto->layer != NWF_LAYER_ETH
                   && !ctx->opts->with_srcmac) {
            continue;
        }

        switch (info->kind) {
        case FK_FIELD:
            possible = attr_field(ctx, i, conds, &n);
            break;

        case FK_ETHERTYPE:
            possible = attr_ethertype(ctx, i, conds, &n);
            break;

        case FK_FIXED:
            if (attr->value.u32 != info->min || attr->negated) {
                match_error(ctx, i, "Open vSwitch parses only %s, so only "
                            "that value can be matched, without "
                            "match='no'", info->what);
            }
            continue;

        case FK_GRATUITOUS:
            if (attr->value.boolean) {
                ctx->gratuitous = i;
            }
            continue;

        case FK_NONE:
        case FK_CALLER:
        case FK_UNSUPPORTED:
        default:
            OVS_NOT_REACHED();
        }

        if (ctx->ok) {
            add_conds(ctx, attr->negated, possible, conds, n);
        }
    }
}

static bool
is_single_value(const struct field_state *fs)
{
    return (fs->set && !fs->masked && !fs->n_holes
            && ovs_u128_equals(fs->iv.lo, fs->iv.hi));
}

/* gratuitous='true': the sender's IP address is the target's.  OpenFlow
 * cannot compare two fields, so one of them must be a single address that
 * the other can be matched with. */
static void
add_gratuitous(struct match_ctx *ctx)
{
    int i = ctx->gratuitous;
    if (i < 0 || !ctx->ok) {
        return;
    }

    const struct field_state *spa = &ctx->pos[NWF_FIELD_ARP_SPA];
    const struct field_state *tpa = &ctx->pos[NWF_FIELD_ARP_TPA];
    struct cond c;
    if (is_single_value(spa)) {
        cond_range(&c, NWF_FIELD_ARP_TPA, spa->iv.lo, spa->iv.lo);
    } else if (is_single_value(tpa)) {
        cond_range(&c, NWF_FIELD_ARP_SPA, tpa->iv.lo, tpa->iv.lo);
    } else {
        match_error(ctx, i, "Open vSwitch cannot compare the sender and "
                    "target IP addresses: give one of them as a single "
                    "address (arpsrcipaddr or arpdstipaddr with mask 32, "
                    "without match='no')");
        return;
    }
    add_conds(ctx, ctx->rule->attrs[i].negated, true, &c, 1);
}

/* Merges the negated conditions that libvirt excludes together (ICMP type
 * and code). */
static void
join_neg_groups(struct match_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n_negs; i++) {
        struct neg_group *g = &ctx->negs[i];
        enum nwf_field joins = nwf_match_fields[g->conds[0].field].joins;
        if (g->n_conds != 1 || !joins) {
            continue;
        }
        for (size_t j = 0; j < ctx->n_negs; j++) {
            struct neg_group *h = &ctx->negs[j];
            if (j != i && h->n_conds < MAX_NEG_CONDS
                && h->conds[0].field == joins) {
                h->conds[h->n_conds++] = g->conds[0];
                memmove(g, g + 1, (ctx->n_negs - i - 1) * sizeof *g);
                ctx->n_negs--;
                i--;
                break;
            }
        }
    }
}

/* Whether the positive values of field 'f' are one prefix (or, for a field
 * that cannot be masked, one value): then an exclusion within it refines
 * it when joined after it. */
bool
is_one_prefix(const struct match_ctx *ctx, enum nwf_field f)
{
    const struct field_state *fs = &ctx->pos[f];
    if (fs->n_holes) {
        return false;
    } else if (fs->masked) {
        return true;
    }
    int k;
    ovs_u128 end = first_block(fs->iv.lo, fs->iv.hi, field_bits(ctx, f),
                               nwf_match_fields[f].maskable, &k);
    return ovs_u128_equals(end, fs->iv.hi);
}

static void
add_hole(struct field_state *fs, const struct interval *iv)
{
    fs->holes = xrealloc(fs->holes, (fs->n_holes + 1) * sizeof *fs->holes);
    fs->holes[fs->n_holes++] = *iv;
}

/* Limits each exclusion to the rule's positive values; drops those that
 * exclude nothing; folds into the positive values those that could not be
 * joined with them. */
static void
settle_neg_groups(struct match_ctx *ctx)
{
    size_t n = 0;
    for (size_t i = 0; i < ctx->n_negs; i++) {
        struct neg_group *g = &ctx->negs[i];
        bool keep = true;
        bool covers_all = true;

        for (size_t j = 0; j < g->n_conds && keep; j++) {
            struct cond *c = &g->conds[j];
            const struct field_state *fs = &ctx->pos[c->field];
            if (!fs->set || c->masked || fs->masked) {
                covers_all = false;
                continue;
            }
            if (u128_cmp(c->iv.lo, fs->iv.lo) < 0) {
                c->iv.lo = fs->iv.lo;
            }
            if (u128_cmp(c->iv.hi, fs->iv.hi) > 0) {
                c->iv.hi = fs->iv.hi;
            }
            if (!ovs_u128_equals(c->iv.lo, fs->iv.lo)
                || !ovs_u128_equals(c->iv.hi, fs->iv.hi) || fs->n_holes) {
                covers_all = false;
            }
            if (u128_cmp(c->iv.lo, c->iv.hi) > 0) {
                keep = false;
            } else if (!is_one_prefix(ctx, c->field)) {
                if (g->n_conds == 1) {
                    add_hole(&ctx->pos[c->field], &c->iv);
                    keep = false;
                } else {
                    /* Not reachable with the descriptor table as it is:
                     * multi-field exclusions are an ethertype (whose
                     * fields have one positive value at most) and ICMP
                     * type with code (which have no positive values). */
                    match_error(ctx, -1, "the rule's negated attributes "
                                "cannot be expressed in OpenFlow");
                    keep = false;
                }
            }
        }
        if (keep && covers_all) {
            /* Excludes everything the rule matches. */
            ctx->never = true;
        } else if (keep) {
            ctx->negs[n++] = *g;
        }
    }
    ctx->n_negs = n;
}

void
nwf_match_list_init(struct nwf_match_list *list)
{
    list->matches = NULL;
    list->n = list->allocated = 0;
}

void
nwf_match_list_destroy(struct nwf_match_list *list)
{
    free(list->matches);
    nwf_match_list_init(list);
}

/* Appends a copy of 'm' to 'list' and returns it. */
struct match *
nwf_match_list_add(struct nwf_match_list *list, const struct match *m)
{
    if (list->n >= list->allocated) {
        list->matches = x2nrealloc(list->matches, &list->allocated,
                                   sizeof *list->matches);
    }
    list->matches[list->n] = *m;
    return &list->matches[list->n++];
}

void
nwf_rule_match_init(struct nwf_rule_match *m)
{
    nwf_match_list_init(&m->alternatives);
    m->negations = NULL;
    m->n_negations = 0;
}

void
nwf_rule_match_destroy(struct nwf_rule_match *m)
{
    if (m) {
        nwf_match_list_destroy(&m->alternatives);
        for (size_t i = 0; i < m->n_negations; i++) {
            nwf_match_list_destroy(&m->negations[i]);
        }
        free(m->negations);
        m->negations = NULL;
        m->n_negations = 0;
    }
}

/* Translates 'rule', which must have no variables left, into OpenFlow
 * matches in the copy that 'opts' says, replacing what 'out' held (see
 * nwf-match.h).  Returns true if successful.  On failure, reports every
 * problem found to 'diag', located with 'loc' (may be NULL; the element,
 * attribute and value are filled in here), and leaves 'out' empty. */
bool
nwf_match_rule(const struct nwf_rule *rule,
               const struct nwf_match_options *opts,
               struct nwf_rule_match *out, const struct nwf_diag_loc *loc,
               struct nwf_diag *diag)
{
    struct match_ctx ctx = {
        .rule = rule,
        .proto = rule->proto,
        .opts = opts,
        .family = rule->proto->eth_type == ETH_TYPE_IPV6,
        .gratuitous = -1,
        .loc = loc,
        .diag = diag,
        .ok = true,
    };

    nwf_rule_match_destroy(out);
    nwf_rule_match_init(out);

    find_ip_proto(&ctx);
    add_element_conds(&ctx);
    add_attr_conds(&ctx);
    add_gratuitous(&ctx);
    if (ctx.ok && !ctx.never) {
        join_neg_groups(&ctx);
        settle_neg_groups(&ctx);
    }
    if (ctx.ok && !ctx.never) {
        expand_alternatives(&ctx, &out->alternatives);
        if (out->alternatives.n) {
            expand_negations(&ctx, out);
        }
    }

    for (int f = 0; f < NWF_N_FIELDS; f++) {
        free(ctx.pos[f].holes);
    }
    free(ctx.negs);
    if (!ctx.ok) {
        nwf_rule_match_destroy(out);
        nwf_rule_match_init(out);
    }
    return ctx.ok;
}

/* The condition of a jump into a sub-chain, by the chain's prefix
 * (docs/filter-format.md, "Two layers"): ebtables' "-p TYPE" sees the frame's outer ethertype, so
 * the ethertypes match untagged frames only and "vlan" tagged ones. */
void
nwf_match_jump_cond(const char *chain, struct match *m)
{
    static const struct {
        const char *prefix;
        uint16_t eth_type;      /* 0: any. */
        bool tagged;
    } conds[] = {
        { "mac", 0, false },
        { "vlan", 0, true },
        { "stp", 0, false },
        { "arp", ETH_TYPE_ARP, false },
        { "rarp", ETH_TYPE_RARP, false },
        { "ipv4", ETH_TYPE_IP, false },
        { "ipv6", ETH_TYPE_IPV6, false },
    };
    const char *prefix = nwf_chain_prefix(chain);

    match_init_catchall(m);
    for (size_t i = 0; prefix && i < ARRAY_SIZE(conds); i++) {
        if (!strcmp(prefix, conds[i].prefix)) {
            if (!strcmp(prefix, "mac")) {
                /* Every frame. */
            } else if (!strcmp(prefix, "stp")) {
                match_set_dl_dst(m, eth_addr_stp);
            } else {
                match_set_dl_tci_masked(m, htons(conds[i].tagged
                                                   ? VLAN_CFI : 0),
                                          htons(VLAN_CFI));
                if (conds[i].eth_type) {
                    match_set_dl_type(m, htons(conds[i].eth_type));
                }
            }
            return;
        }
    }
    OVS_NOT_REACHED();
}
