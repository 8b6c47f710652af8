/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_MATCH_PRIVATE_H
#define NWF_MATCH_PRIVATE_H 1

/* What nwf-match.c (a rule's attributes -> conditions on fields) and
 * nwf-match-expand.c (conditions -> struct matches) share: 128-bit
 * arithmetic, the field table, conditions and the context of one rule. */

#include <stdbool.h>
#include <stddef.h>
#include "nwf-match.h"
#include "nwf-proto.h"
#include "openvswitch/types.h"
#include "openvswitch/util.h"
#include "util.h"

struct nwf_diag;
struct nwf_diag_loc;

/* 128-bit arithmetic on ovs_u128, enough for IPv6 ranges. */

static inline ovs_u128
u128_make(uint64_t hi, uint64_t lo)
{
    ovs_u128 x;
    x.u64.hi = hi;
    x.u64.lo = lo;
    return x;
}

/* 2**n - 1, for 0 <= n <= 128. */
static inline ovs_u128
u128_low_bits(int n)
{
    return (n >= 128 ? u128_make(UINT64_MAX, UINT64_MAX)
            : n >= 64 ? u128_make((UINT64_C(1) << (n - 64)) - 1,
                                  UINT64_MAX)
            : u128_make(0, (UINT64_C(1) << n) - 1));
}

static inline int
u128_cmp(ovs_u128 a, ovs_u128 b)
{
    return (a.u64.hi != b.u64.hi ? (a.u64.hi < b.u64.hi ? -1 : 1)
            : a.u64.lo != b.u64.lo ? (a.u64.lo < b.u64.lo ? -1 : 1)
            : 0);
}

static inline ovs_u128
u128_or(ovs_u128 a, ovs_u128 b)
{
    return u128_make(a.u64.hi | b.u64.hi, a.u64.lo | b.u64.lo);
}

static inline ovs_u128
u128_and_not(ovs_u128 a, ovs_u128 b)
{
    return u128_make(a.u64.hi & ~b.u64.hi, a.u64.lo & ~b.u64.lo);
}

static inline ovs_u128
u128_add1(ovs_u128 a)
{
    return u128_make(a.u64.hi + (a.u64.lo == UINT64_MAX), a.u64.lo + 1);
}

static inline ovs_u128
u128_sub1(ovs_u128 a)
{
    return u128_make(a.u64.hi - (a.u64.lo == 0), a.u64.lo - 1);
}

/* Number of trailing zero bits, 128 for 0. */
static inline int
u128_ctz(ovs_u128 a)
{
    return (a.u64.lo ? ctz64(a.u64.lo)
            : a.u64.hi ? 64 + ctz64(a.u64.hi)
            : 128);
}

/* 'n' big-endian bytes as a number. */
static inline ovs_u128
u128_from_bytes(const uint8_t *bytes, size_t n)
{
    ovs_u128 x = OVS_U128_ZERO;
    for (size_t i = 0; i < n; i++) {
        x = u128_make(x.u64.hi << 8 | x.u64.lo >> 56,
                      x.u64.lo << 8 | bytes[i]);
    }
    return x;
}

static inline void
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

extern const struct field_info nwf_match_fields[NWF_N_FIELDS];

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

static inline int
field_bits(const struct match_ctx *ctx, enum nwf_field field)
{
    return nwf_match_fields[field].n_bits[ctx->family];
}

static inline bool
is_full(const struct match_ctx *ctx, enum nwf_field field,
        const struct interval *iv)
{
    return (ovs_u128_is_zero(iv->lo)
            && ovs_u128_equals(iv->hi,
                               u128_low_bits(field_bits(ctx, field))));
}

/* The largest block of values that starts at 'lo' and ends at or below
 * 'hi': 2**k values, k returned in '*k', for an 'n_bits' wide field that
 * can be masked (a single value if not).  Returns its last value. */
static inline ovs_u128
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

const char *field_name(const struct match_ctx *, enum nwf_field);
void match_error(struct match_ctx *, int i, const char *format, ...)
    OVS_PRINTF_FORMAT(3, 4);
bool is_one_prefix(const struct match_ctx *, enum nwf_field);

bool decompose(const struct interval *, int n_bits, bool maskable,
               struct slot_list *);
void expand_alternatives(struct match_ctx *, struct nwf_match_list *);
void expand_negations(struct match_ctx *, struct nwf_rule_match *);

#endif /* nwf-match-private.h */
