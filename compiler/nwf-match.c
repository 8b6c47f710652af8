/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-match.h"

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

/* 128-bit arithmetic on ovs_u128, enough for IPv6 ranges. */

static ovs_u128
u128_make(uint64_t hi, uint64_t lo)
{
    ovs_u128 x;
    x.u64.hi = hi;
    x.u64.lo = lo;
    return x;
}

/* 2**n - 1, for 0 <= n <= 128. */
static ovs_u128
u128_low_bits(int n)
{
    return (n >= 128 ? u128_make(UINT64_MAX, UINT64_MAX)
            : n >= 64 ? u128_make((UINT64_C(1) << (n - 64)) - 1,
                                  UINT64_MAX)
            : u128_make(0, (UINT64_C(1) << n) - 1));
}

static int
u128_cmp(ovs_u128 a, ovs_u128 b)
{
    return (a.u64.hi != b.u64.hi ? (a.u64.hi < b.u64.hi ? -1 : 1)
            : a.u64.lo != b.u64.lo ? (a.u64.lo < b.u64.lo ? -1 : 1)
            : 0);
}

static ovs_u128
u128_or(ovs_u128 a, ovs_u128 b)
{
    return u128_make(a.u64.hi | b.u64.hi, a.u64.lo | b.u64.lo);
}

static ovs_u128
u128_and_not(ovs_u128 a, ovs_u128 b)
{
    return u128_make(a.u64.hi & ~b.u64.hi, a.u64.lo & ~b.u64.lo);
}

static ovs_u128
u128_add1(ovs_u128 a)
{
    return u128_make(a.u64.hi + (a.u64.lo == UINT64_MAX), a.u64.lo + 1);
}

static ovs_u128
u128_sub1(ovs_u128 a)
{
    return u128_make(a.u64.hi - (a.u64.lo == 0), a.u64.lo - 1);
}

/* Number of trailing zero bits, 128 for 0. */
static int
u128_ctz(ovs_u128 a)
{
    return (a.u64.lo ? ctz64(a.u64.lo)
            : a.u64.hi ? 64 + ctz64(a.u64.hi)
            : 128);
}

/* 'n' big-endian bytes as a number. */
static ovs_u128
u128_from_bytes(const uint8_t *bytes, size_t n)
{
    ovs_u128 x = OVS_U128_ZERO;
    for (size_t i = 0; i < n; i++) {
        x = u128_make(x.u64.hi << 8 | x.u64.lo >> 56,
                      x.u64.lo << 8 | bytes[i]);
    }
    return x;
}

static void
u128_to_bytes(ovs_u128 x, uint8_t *bytes, size_t n)
{
    for (size_t i = n; i-- > 0;) {
        bytes[i] = x.u64.lo;
        x = u128_make(x.u64.hi >> 8, x.u64.lo >> 8 | x.u64.hi << 56);
    }
}

/* The field table. */

enum field_kind {
    FK_NONE,                    /* Nothing to match. */
    FK_FIELD,                   /* An OpenFlow field. */
    FK_ETHERTYPE,               /* dl_type and the VLAN tag. */
    FK_FIXED,                   /* Only 'min' is possible: no match. */
    FK_GRATUITOUS,              /* arp_spa = arp_tpa. */
    FK_CALLER,                  /* The flow compiler's. */
    FK_UNSUPPORTED,             /* No OpenFlow field: an error. */
};

struct field_info {
    enum field_kind kind;

    /* FK_FIELD. */
    const char *name[2];        /* By family: Ethernet and IPv4, IPv6.
                                 * NULL: depends on the transport protocol
                                 * (transport_fields[]). */
    uint8_t n_bits[2];          /* Width of the values, by family. */
    bool maskable;              /* Arbitrary bitwise masks. */
    enum nwf_field mirror;      /* The field in the mirrored copy. */
    bool prereq;                /* A prerequisite that every exclusion
                                 * repeats. */
    enum nwf_field joins;       /* Negated, it is excluded together with
                                 * a negated condition on this field. */
    uint32_t value_or;          /* Bits added to an attribute's value. */

    /* FK_FIELD: the values Open vSwitch can match, if 'max'.
     * FK_FIXED: the only value, 'min'. */
    uint32_t min, max;

    /* FK_FIELD with 'max', FK_FIXED, FK_UNSUPPORTED: for messages. */
    const char *what;
};

#define FIELD(NAME4, NAME6, BITS4, BITS6, MASKABLE, MIRROR)             \
    .kind = FK_FIELD, .name = { NAME4, NAME6 },                         \
    .n_bits = { BITS4, BITS6 }, .maskable = MASKABLE,                   \
    .mirror = NWF_FIELD_##MIRROR

#define UNSUPPORTED(WHAT) { .kind = FK_UNSUPPORTED, .what = WHAT }

static const struct field_info fields[NWF_N_FIELDS] = {
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

/* Conditions. */

struct interval {
    ovs_u128 lo, hi;
};

/* A condition on one field: values lo..hi, or (tcp_flags) a value under a
 * mask. */
struct cond {
    enum nwf_field field;
    bool masked;
    struct interval iv;         /* If !masked. */
    ovs_u128 value, mask;       /* If masked. */
};

/* What a negated attribute excludes: all of its conditions at once. */
#define MAX_NEG_CONDS 2
struct neg_group {
    struct cond conds[MAX_NEG_CONDS];
    size_t n_conds;
};

/* The positive conditions on one field, intersected. */
struct field_state {
    bool set;
    bool implied;               /* From the element itself (stp's dl_dst):
                                 * repeated in every exclusion. */
    bool masked;
    struct interval iv;         /* If !masked. */
    ovs_u128 value, mask;       /* If masked. */
    struct interval *holes;     /* Exclusions folded in (within 'iv'). */
    size_t n_holes;
};

/* One field of one match being built: a value under a mask. */
struct slot {
    bool set;
    ovs_u128 value, mask;
};

struct slot_list {
    struct slot *slots;
    size_t n, allocated;
};

struct match_ctx {
    const struct nwf_rule *rule;
    const struct nwf_proto *proto;
    const struct nwf_match_options *opts;
    int family;                 /* 0: Ethernet or IPv4, 1: IPv6. */
    int ip_proto;               /* Positive IP protocol, or -1. */
    bool ip_proto_negated;      /* 'protocol' given with match='no'. */

    struct field_state pos[NWF_N_FIELDS];
    bool never;                 /* The positive part matches nothing. */

    struct neg_group *negs;
    size_t n_negs, allocated_negs;

    int gratuitous;             /* Index of gratuitous='true', or -1. */

    const struct nwf_diag_loc *loc;
    struct nwf_diag *diag;
    bool ok;
};

static int
field_bits(const struct match_ctx *ctx, enum nwf_field field)
{
    return fields[field].n_bits[ctx->family];
}

static bool
is_full(const struct match_ctx *ctx, enum nwf_field field,
        const struct interval *iv)
{
    return (ovs_u128_is_zero(iv->lo)
            && ovs_u128_equals(iv->hi,
                               u128_low_bits(field_bits(ctx, field))));
}

/* Reports an error about the rule, or about its attribute 'i' if i >= 0,
 * and makes the rule fail. */
static void OVS_PRINTF_FORMAT(3, 4)
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
static const char *
field_name(const struct match_ctx *ctx, enum nwf_field field)
{
    const char *name = fields[field].name[ctx->family];
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

    const struct field_info *info = &fields[field];
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
        field = fields[field].mirror;
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
        const struct field_info *info = &fields[desc->field];
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
        enum nwf_field joins = fields[g->conds[0].field].joins;
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

/* The largest block of values that starts at 'lo' and ends at or below
 * 'hi': 2**k values, k returned in '*k', for an 'n_bits' wide field that
 * can be masked (a single value if not).  Returns its last value. */
static ovs_u128
first_block(ovs_u128 lo, ovs_u128 hi, int n_bits, bool maskable, int *k)
{
    *k = maskable ? MIN(u128_ctz(lo), n_bits) : 0;
    ovs_u128 end = u128_or(lo, u128_low_bits(*k));
    while (u128_cmp(end, hi) > 0) {
        --*k;
        end = u128_or(lo, u128_low_bits(*k));
    }
    return end;
}

/* Whether the positive values of field 'f' are one prefix (or, for a field
 * that cannot be masked, one value): then an exclusion within it refines
 * it when joined after it. */
static bool
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
                               fields[f].maskable, &k);
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

/* Expansion into matches. */

static void
slot_list_add(struct slot_list *list, ovs_u128 value, ovs_u128 mask)
{
    if (list->n >= list->allocated) {
        list->slots = x2nrealloc(list->slots, &list->allocated,
                                 sizeof *list->slots);
    }
    list->slots[list->n++] = (struct slot) {
        .set = !ovs_u128_is_zero(mask), .value = value, .mask = mask,
    };
}

/* Appends to 'list' the fewest masked values (one per value for a field
 * that cannot be masked) that cover lo..hi of an 'n_bits' wide field.
 * Returns false if that would take the list beyond NWF_MATCH_MAX_MATCHES
 * entries. */
static bool
decompose(const struct interval *iv, int n_bits, bool maskable,
          struct slot_list *list)
{
    ovs_u128 all = u128_low_bits(n_bits);
    ovs_u128 lo = iv->lo;

    if (!maskable) {
        ovs_u128 count = u128_add1(u128_make(iv->hi.u64.hi - lo.u64.hi
                                             - (iv->hi.u64.lo < lo.u64.lo),
                                             iv->hi.u64.lo - lo.u64.lo));
        if (count.u64.hi || ovs_u128_is_zero(count)
            || count.u64.lo > NWF_MATCH_MAX_MATCHES - list->n) {
            return false;
        }
    }

    for (;;) {
        int k;
        ovs_u128 end = first_block(lo, iv->hi, n_bits, maskable, &k);
        if (list->n >= NWF_MATCH_MAX_MATCHES) {
            return false;
        }
        slot_list_add(list, lo, u128_and_not(all, u128_low_bits(k)));
        if (u128_cmp(end, iv->hi) >= 0) {
            return true;
        }
        lo = u128_add1(end);
    }
}

static int
compare_intervals(const void *a_, const void *b_)
{
    const struct interval *a = a_;
    const struct interval *b = b_;
    return u128_cmp(a->lo, b->lo);
}

/* The choices for field 'f' in the alternatives: its positive values less
 * the folded exclusions.  Returns false on too many. */
static bool
field_choices(struct match_ctx *ctx, enum nwf_field f,
              struct slot_list *list)
{
    struct field_state *fs = &ctx->pos[f];
    const struct field_info *info = &fields[f];
    int n_bits = field_bits(ctx, f);

    if (fs->masked) {
        slot_list_add(list, fs->value, fs->mask);
        return true;
    } else if (!fs->n_holes && is_full(ctx, f, &fs->iv)) {
        slot_list_add(list, OVS_U128_ZERO, OVS_U128_ZERO);
        return true;
    }

    qsort(fs->holes, fs->n_holes, sizeof *fs->holes, compare_intervals);
    ovs_u128 next = fs->iv.lo;
    bool done = false;
    for (size_t i = 0; i < fs->n_holes && !done; i++) {
        const struct interval *hole = &fs->holes[i];
        if (u128_cmp(hole->lo, next) > 0) {
            struct interval piece = { next, u128_sub1(hole->lo) };
            if (!decompose(&piece, n_bits, info->maskable, list)) {
                return false;
            }
        }
        if (u128_cmp(hole->hi, fs->iv.hi) >= 0) {
            done = true;
        } else if (u128_cmp(hole->hi, next) >= 0) {
            next = u128_add1(hole->hi);
        }
    }
    if (!done) {
        struct interval piece = { next, fs->iv.hi };
        return decompose(&piece, n_bits, info->maskable, list);
    }
    return true;
}

/* Sets field 'f' of 'match' to 'slot'. */
static void
set_field(const struct match_ctx *ctx, enum nwf_field f,
          const struct slot *slot, struct match *match)
{
    const struct mf_field *mf = mf_from_name(field_name(ctx, f));
    ovs_assert(mf);

    union mf_value value, mask;
    memset(&value, 0, sizeof value);
    memset(&mask, 0, sizeof mask);
    u128_to_bytes(slot->value, value.b, mf->n_bytes);
    u128_to_bytes(slot->mask, mask.b, mf->n_bytes);
    /* Exact on all of Open vSwitch's field: no mask (a narrower field,
     * such as the 13 bits of vlan_tci we use, keeps its mask). */
    int n_bits = field_bits(ctx, f);
    bool exact = (n_bits == mf->n_bits
                  && ovs_u128_equals(slot->mask, u128_low_bits(n_bits)));
    mf_set(mf, &value, exact ? NULL : &mask, match, NULL);
}

/* Sets 'match' to the fields of 'slots'. */
static void
slots_to_match(const struct match_ctx *ctx, const struct slot *slots,
               struct match *match)
{
    match_init_catchall(match);
    for (int f = NWF_FIELD_ETH_TYPE; f <= NWF_FIELD_ICMP_CODE; f++) {
        if (slots[f].set) {
            set_field(ctx, f, &slots[f], match);
        }
    }
}

/* Adds to 'out' one match per combination of one choice for each field of
 * 'lists' (the first field changing slowest), on top of 'base'. */
static bool
add_product(struct match_ctx *ctx, const struct slot *base,
            struct slot_list *lists, struct nwf_match_list *out)
{
    size_t total = 1;
    for (int f = 0; f < NWF_N_FIELDS; f++) {
        size_t n = lists[f].n ? lists[f].n : 1;
        if (total > NWF_MATCH_MAX_MATCHES / n) {
            return false;
        }
        total *= n;
    }

    struct slot slots[NWF_N_FIELDS];
    for (size_t k = 0; k < total; k++) {
        size_t rest = k;
        memcpy(slots, base, sizeof slots);
        for (int f = NWF_N_FIELDS - 1; f >= 0; f--) {
            if (lists[f].n) {
                slots[f] = lists[f].slots[rest % lists[f].n];
                rest /= lists[f].n;
            }
        }
        struct match m;
        slots_to_match(ctx, slots, &m);
        nwf_match_list_add(out, &m);
    }
    return true;
}

static void
slot_lists_destroy(struct slot_list *lists)
{
    for (int f = 0; f < NWF_N_FIELDS; f++) {
        free(lists[f].slots);
    }
}

static void
too_many(struct match_ctx *ctx)
{
    match_error(ctx, -1, "the rule needs more than %d OpenFlow matches",
                NWF_MATCH_MAX_MATCHES);
}

static void
expand_alternatives(struct match_ctx *ctx, struct nwf_match_list *out)
{
    struct slot_list lists[NWF_N_FIELDS];
    struct slot none[NWF_N_FIELDS];

    memset(lists, 0, sizeof lists);
    memset(none, 0, sizeof none);
    bool empty = false;
    for (int f = 0; f < NWF_N_FIELDS && ctx->ok; f++) {
        if (!ctx->pos[f].set) {
            continue;
        } else if (!field_choices(ctx, f, &lists[f])) {
            too_many(ctx);
        } else if (!lists[f].n) {
            /* Exclusions folded in took every value. */
            empty = true;
        }
    }
    if (ctx->ok && !empty && !add_product(ctx, none, lists, out)) {
        too_many(ctx);
    }
    slot_lists_destroy(lists);
}

/* The rule's prerequisites, which every exclusion repeats. */
static void
prereq_slots(const struct match_ctx *ctx, struct slot *slots)
{
    memset(slots, 0, NWF_N_FIELDS * sizeof *slots);
    for (int f = 0; f < NWF_N_FIELDS; f++) {
        const struct field_state *fs = &ctx->pos[f];
        if (fs->set && (fields[f].prereq || fs->implied)
            && is_one_prefix(ctx, f) && !fs->masked) {
            struct slot_list list = { NULL, 0, 0 };
            decompose(&fs->iv, field_bits(ctx, f), fields[f].maskable,
                      &list);
            slots[f] = list.slots[0];
            free(list.slots);
        }
    }
}

static void
expand_negations(struct match_ctx *ctx, struct nwf_rule_match *out)
{
    struct slot base[NWF_N_FIELDS];
    prereq_slots(ctx, base);

    out->negations = xcalloc(ctx->n_negs, sizeof *out->negations);
    for (size_t i = 0; i < ctx->n_negs && ctx->ok; i++) {
        const struct neg_group *g = &ctx->negs[i];
        struct slot_list lists[NWF_N_FIELDS];

        memset(lists, 0, sizeof lists);
        nwf_match_list_init(&out->negations[i]);
        out->n_negations++;
        for (size_t j = 0; j < g->n_conds && ctx->ok; j++) {
            const struct cond *c = &g->conds[j];
            struct slot_list *list = &lists[c->field];
            if (c->masked) {
                slot_list_add(list, c->value, c->mask);
            } else if (!decompose(&c->iv, field_bits(ctx, c->field),
                                  fields[c->field].maskable, list)) {
                too_many(ctx);
            }
        }
        if (ctx->ok && !add_product(ctx, base, lists, &out->negations[i])) {
            too_many(ctx);
        }
        slot_lists_destroy(lists);
    }
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

void
nwf_match_list_clear(struct nwf_match_list *list)
{
    list->n = 0;
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
