/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "nwf-match-private.h"
#include "openvswitch/match.h"
#include "openvswitch/meta-flow.h"
#include "packets.h"
#include "util.h"

/* A rule's conditions (nwf-match.c) expanded into struct matches: each
 * field's interval cut into the fewest prefixes or values, the product over
 * the fields, and the exclusions of negated attributes. */

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
bool
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
    const struct field_info *info = &nwf_match_fields[f];
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

void
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
        if (fs->set && (nwf_match_fields[f].prereq || fs->implied)
            && is_one_prefix(ctx, f) && !fs->masked) {
            struct slot_list list = { NULL, 0, 0 };
            decompose(&fs->iv, field_bits(ctx, f), nwf_match_fields[f].maskable,
                      &list);
            slots[f] = list.slots[0];
            free(list.slots);
        }
    }
}

void
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
                                  nwf_match_fields[c->field].maskable, list)) {
                too_many(ctx);
            }
        }
        if (ctx->ok && !add_product(ctx, base, lists, &out->negations[i])) {
            too_many(ctx);
        }
        slot_lists_destroy(lists);
    }
}

