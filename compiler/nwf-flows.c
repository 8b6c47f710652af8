/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-flows.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "nwf-diag.h"
#include "nwf-filter.h"
#include "nwf-match.h"
#include "nwf-ofpacts.h"
#include "nwf-pipeline.h"
#include "nwf-proto.h"
#include "nwf-resolve.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-parse.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofpbuf.h"
#include "sset.h"
#include "util.h"

/* How a port's rules become flows (docs/pipeline.md has the prose):
 *
 * Each of the port's four rule tables (ETH_OUT, ETH_IN, IP_OUT, IP_IN) is
 * first built as a list of steps in evaluation order: one per rule that
 * decides something, plus, at the Ethernet layer, one per sub-chain for
 * its fall-through.  A step has the matches of its flows (already joined
 * with the jump condition inside a sub-chain, and with ct_state at the IP
 * layer), the matches of its exclusion flows (negated attributes) and a
 * verdict.  The steps are then cut into segments and emitted with
 * priorities counting down; see emit_chain(). */

/* ---- Building one table of one port. ---- */

enum verdict {
    V_ACCEPT,                   /* On to the next stage. */
    V_DROP,
    V_REJECT,                   /* IP layer: answered by the controller. */
    V_RETURN,                   /* Sub-chain: on after the jump. */
};

/* One rule, or a sub-chain's fall-through, in evaluation order. */
struct step {
    const struct nwf_rule_inst *inst;   /* NULL for a fall-through. */
    size_t chain;               /* Index in 'chains', or SIZE_MAX. */
    enum verdict verdict;
    struct nwf_match_list conds;    /* One flow each. */
    struct nwf_match_list excls;    /* Exclusion flows: on to the next
                                 * segment, above 'conds'. */
    int seg;                    /* Segment, set by cut_segments(). */
};

/* A sub-chain of the Ethernet layer in one direction. */
struct subchain {
    const char *name;
    int priority;               /* Chain priority: where its jump goes. */
    size_t first;               /* Its first instance, to order ties. */
    struct match cond;          /* The jump's condition. */
    bool has_return;            /* Some rule of it returns. */
    int return_seg;             /* Segment after its fall-through. */
};

/* A port's four rule tables, in the order they are built and emitted. */
enum { RT_ETH_OUT, RT_ETH_IN, RT_IP_OUT, RT_IP_IN, N_RULE_TABLES };
static const struct rule_table {
    uint8_t table;
    const char *name;           /* For messages. */
    bool from_vm;               /* Matches in_port, not NWF_MFF_OUT. */
    bool ip;                    /* IP layer: NWF_MFF_IP_SEG, conntrack. */
    uint8_t next;               /* Where an accepted packet goes; 0 for
                                 * ETH_IN, which outputs it to the port. */
} rule_tables[N_RULE_TABLES] = {
    [RT_ETH_OUT] = { NWF_TABLE_ETH_OUT, "ETH_OUT", true, false,
                     NWF_TABLE_IP_OUT_CT },
    [RT_ETH_IN] = { NWF_TABLE_ETH_IN, "ETH_IN", false, false, 0 },
    [RT_IP_OUT] = { NWF_TABLE_IP_OUT, "IP_OUT", true, true,
                    NWF_TABLE_VLAN_IN },
    [RT_IP_IN] = { NWF_TABLE_IP_IN, "IP_IN", false, true, NWF_TABLE_ETH_IN },
};

static enum mf_field_id
rule_table_seg_reg(const struct rule_table *t)
{
    return t->ip ? NWF_MFF_IP_SEG : NWF_MFF_SEG;
}

/* Appends the actions that accept a packet in 't': on to the next stage,
 * at the IP layer after committing the connection in the zone of
 * NWF_MFF_ZONE; in ETH_IN output to 'port', or with OFPP_NONE to the
 * port in NWF_MFF_OUT. */
static void
rule_table_accept(const struct rule_table *t, ofp_port_t port,
                  struct ofpbuf *ofpacts)
{
    if (t->ip) {
        nwf_put_ct(ofpacts, NX_CT_F_COMMIT, NX_CT_RECIRC_NONE);
    }
    if (t->next) {
        nwf_put_goto_table(ofpacts, t->next);
    } else if (port != OFPP_NONE) {
        nwf_put_output(ofpacts, port);
    } else {
        nwf_put_output_reg(ofpacts, NWF_MFF_OUT);
    }
}

/* Sets 'm' to the match that selects 'port''s flows in 't': frames from
 * it (in_port) or to it (NWF_MFF_OUT). */
static void
rule_table_port_match(const struct rule_table *t,
                      const struct nwf_port *port, struct match *m)
{
    match_init_catchall(m);
    if (t->from_vm) {
        match_set_in_port(m, port->ofport);
    } else {
        nwf_match_set_reg(m, NWF_MFF_OUT, ofp_to_u16(port->ofport));
    }
}

/* For nwf_flows_for_learning_port(): see nwf-flows.h. */
uint8_t
nwf_flows_eth_table(const struct nwf_port *port, bool from_vm,
                    struct match *port_match, struct ofpbuf *accept)
{
    const struct rule_table *t = &rule_tables[from_vm ? RT_ETH_OUT
                                                      : RT_ETH_IN];
    rule_table_port_match(t, port, port_match);
    rule_table_accept(t, port->ofport, accept);
    return t->table;
}

/* Appends the actions that go on in 'table' with the segment whose
 * register 'reg' holds 'number'. */
static void
goto_seg_number(uint8_t table, enum mf_field_id reg, int number,
                struct ofpbuf *ofpacts)
{
    nwf_put_set_reg(ofpacts, reg, number);
    nwf_put_resubmit(ofpacts, table);
}

/* One port's rules in one table. */
struct chain {
    uint8_t table;
    const char *table_name;     /* For messages. */
    struct match port_match;    /* in_port or NWF_MFF_OUT. */
    enum mf_field_id seg_reg;   /* NWF_MFF_SEG or NWF_MFF_IP_SEG. */
    struct ofpbuf accept;       /* Actions of an accepting verdict. */
    struct ofpbuf accept_uncommitted;   /* For ct_state=+inv (empty:
                                         * 'accept'). */
    struct ofpbuf reject;       /* Actions of "reject". */

    struct step *steps;
    size_t n_steps, allocated_steps;
    struct subchain *chains;
    size_t n_chains, allocated_chains;
    int n_segs;
};

struct port_ctx {
    const struct nwf_port *port;
    uint16_t ofport;
    const struct nwf_resolved *resolved;
    uint32_t (*filter_id)(const char *name, void *aux);
    void *aux;
    struct nwf_diag *diag;
    struct sset reported;       /* Messages already in 'diag'. */
    struct nwf_flow_set flows;  /* Added to the caller's set on success. */
};

static void
chain_init(struct chain *c, uint8_t table, const char *table_name,
           const struct match *port_match, enum mf_field_id seg_reg)
{
    *c = (struct chain) {
        .table = table,
        .table_name = table_name,
        .port_match = *port_match,
        .seg_reg = seg_reg,
    };
    ofpbuf_init(&c->accept, 64);
    ofpbuf_init(&c->accept_uncommitted, 0);
    ofpbuf_init(&c->reject, 64);
}

static void
chain_destroy(struct chain *c)
{
    for (size_t i = 0; i < c->n_steps; i++) {
        nwf_match_list_destroy(&c->steps[i].conds);
        nwf_match_list_destroy(&c->steps[i].excls);
    }
    free(c->steps);
    free(c->chains);
    ofpbuf_uninit(&c->accept);
    ofpbuf_uninit(&c->accept_uncommitted);
    ofpbuf_uninit(&c->reject);
}

static struct step *
chain_add_step(struct chain *c, const struct nwf_rule_inst *inst,
               size_t subchain, enum verdict verdict)
{
    if (c->n_steps >= c->allocated_steps) {
        c->steps = x2nrealloc(c->steps, &c->allocated_steps,
                              sizeof *c->steps);
    }
    struct step *step = &c->steps[c->n_steps++];
    *step = (struct step) {
        .inst = inst,
        .chain = subchain,
        .verdict = verdict,
    };
    nwf_match_list_init(&step->conds);
    nwf_match_list_init(&step->excls);
    return step;
}

/* Appends 'text' to ctx's diagnostics, each line once: a rule expanded
 * into several instances, or matched in two orientations, would otherwise
 * repeat its message. */
static void
report_lines(struct port_ctx *ctx, const char *text)
{
    char *copy = xstrdup(text);
    char *line, *save_ptr = NULL;

    for (line = strtok_r(copy, "\n", &save_ptr); line;
         line = strtok_r(NULL, "\n", &save_ptr)) {
        if (sset_add(&ctx->reported, line)) {
            nwf_diag_error(ctx->diag, NULL, "%s", line);
        }
    }
    free(copy);
}

/* Where 'inst' comes from, as a diagnostic location: "filter 'F' rule N"
 * as the file, the rule's line and element.  Free 'loc->file'. */
static void
inst_loc(const struct nwf_rule_inst *inst, struct nwf_diag_loc *loc)
{
    const struct nwf_rule *rule = inst->rule;

    *loc = (struct nwf_diag_loc) {
        .file = xasprintf("filter '%s' rule %"PRIuSIZE, inst->filter,
                          inst->rule_index + 1),
        .line = rule->line,
        .element = (rule->proto->id != NWF_PROTO_NONE
                    ? rule->proto->name : NULL),
    };
}

/* Reports a problem of port ctx->port, at 'inst' if nonnull. */
static void OVS_PRINTF_FORMAT(3, 4)
report_inst(struct port_ctx *ctx, const struct nwf_rule_inst *inst,
            const char *format, ...)
{
    struct nwf_diag_loc loc = { .file = NULL };
    struct ds text = DS_EMPTY_INITIALIZER;
    struct nwf_diag diag;
    va_list args;

    if (inst) {
        inst_loc(inst, &loc);
    }
    if (ctx->port->name) {
        ds_put_format(&text, "port %s: ", ctx->port->name);
    }
    va_start(args, format);
    ds_put_format_valist(&text, format, args);
    va_end(args);

    nwf_diag_init(&diag);
    nwf_diag_error(&diag, &loc, "%s", ds_cstr(&text));
    report_lines(ctx, nwf_diag_text(&diag));
    nwf_diag_destroy(&diag);
    ds_destroy(&text);
    free(CONST_CAST(char *, loc.file));
}

/* Matches 'inst' in 'orient' into 'm' with the match module.  On failure
 * reports why and returns false. */
static bool
match_inst(struct port_ctx *ctx, const struct nwf_rule_inst *inst,
           enum nwf_match_orient orient, bool with_srcmac,
           struct nwf_rule_match *m)
{
    struct nwf_match_options options = {
        .orient = orient,
        .with_srcmac = with_srcmac,
    };
    struct nwf_diag_loc loc;
    struct nwf_diag diag;

    inst_loc(inst, &loc);
    nwf_diag_init(&diag);
    nwf_rule_match_init(m);
    bool ok = nwf_match_rule(inst->rule, &options, m, &loc, &diag);
    if (!ok) {
        if (nwf_diag_has_errors(&diag)) {
            report_lines(ctx, nwf_diag_text(&diag));
        } else {
            report_inst(ctx, inst, "rule cannot be expressed in OpenFlow");
        }
    }
    nwf_diag_destroy(&diag);
    free(CONST_CAST(char *, loc.file));
    return ok;
}

/* Adds to 'out' each of 'matches' and'ed with 'cond' (a jump condition
 * or a ct_state match; a catch-all for none), leaving out those no packet
 * can match. */
static void
add_conds(struct nwf_match_list *out, const struct match *cond,
          const struct nwf_match_list *matches)
{
    for (size_t i = 0; i < matches->n; i++) {
        struct match both;
        if (nwf_match_intersect(cond, &matches->matches[i], &both)) {
            nwf_match_list_add(out, &both);
        }
    }
}

/* Fills in 'step''s exclusions from 'm' (each and'ed with 'cond'); a rule
 * that produces no flow needs no exclusion either. */
static void
finish_step(struct step *step, const struct match *cond,
            const struct nwf_rule_match *m)
{
    if (step->conds.n) {
        for (size_t i = 0; i < m->n_negations; i++) {
            add_conds(&step->excls, cond, &m->negations[i]);
        }
    }
}

/* ---- The Ethernet layer. ---- */

static bool
eth_applies(const struct nwf_rule_inst *inst, bool from_vm)
{
    const struct nwf_rule *rule = inst->rule;
    return (rule->proto->layer == NWF_LAYER_ETH
            && rule->direction != (from_vm ? NWF_DIR_IN : NWF_DIR_OUT));
}

/* Adds the step of Ethernet-layer rule 'inst', in sub-chain 'sc' (NULL
 * for the root chain). */
static void
eth_add_rule(struct port_ctx *ctx, struct chain *c, bool from_vm,
             const struct nwf_rule_inst *inst, struct subchain *sc)
{
    const struct nwf_rule *rule = inst->rule;
    enum verdict verdict;

    switch (rule->action) {
    case NWF_ACTION_ACCEPT:
        verdict = V_ACCEPT;
        break;
    case NWF_ACTION_DROP:
    case NWF_ACTION_REJECT:
        verdict = V_DROP;
        break;
    case NWF_ACTION_RETURN:
        verdict = sc ? V_RETURN : V_ACCEPT;
        break;
    case NWF_ACTION_CONTINUE:
    default:
        return;
    }

    /* From the VM, an inout rule is read with source and destination
     * swapped (docs/filter-format.md, "direction"). */
    enum nwf_match_orient orient = (from_vm
                                    && rule->direction == NWF_DIR_INOUT
                                    ? NWF_MATCH_MIRRORED
                                    : NWF_MATCH_AS_WRITTEN);
    struct nwf_rule_match m;
    if (match_inst(ctx, inst, orient, true, &m)) {
        struct match all;
        match_init_catchall(&all);
        const struct match *cond = sc ? &sc->cond : &all;
        struct step *step = chain_add_step(c, inst,
                                           sc ? sc - c->chains : SIZE_MAX,
                                           verdict);
        add_conds(&step->conds, cond, &m.alternatives);
        finish_step(step, cond, &m);
        if (sc && verdict == V_RETURN && step->conds.n) {
            sc->has_return = true;
        }
    }
    nwf_rule_match_destroy(&m);
}

static int
compare_subchains(const void *a_, const void *b_)
{
    const struct subchain *a = a_;
    const struct subchain *b = b_;

    if (a->priority != b->priority) {
        return a->priority < b->priority ? -1 : 1;
    }
    return a->first < b->first ? -1 : a->first > b->first;
}

/* The sub-chain named 'name' in 'c', or NULL. */
static struct subchain *
find_subchain(struct chain *c, const char *name)
{
    for (size_t i = 0; i < c->n_chains; i++) {
        if (!strcmp(c->chains[i].name, name)) {
            return &c->chains[i];
        }
    }
    return NULL;
}

/* Adds the steps of sub-chain 'sc': its rules, then its fall-through,
 * which accepts what the jump took and no rule decided
 * (docs/filter-format.md, "The Ethernet layer"). */
static void
eth_add_subchain(struct port_ctx *ctx, struct chain *c, bool from_vm,
                 struct subchain *sc)
{
    const struct nwf_resolved *r = ctx->resolved;

    for (size_t i = sc->first; i < r->n_insts; i++) {
        const struct nwf_rule_inst *inst = &r->insts[i];
        if (eth_applies(inst, from_vm) && !strcmp(inst->chain, sc->name)) {
            eth_add_rule(ctx, c, from_vm, inst, sc);
        }
    }
    struct step *step = chain_add_step(c, NULL, sc - c->chains, V_ACCEPT);
    nwf_match_list_add(&step->conds, &sc->cond);
}

/* Builds the steps of one direction's Ethernet-layer chain: the root
 * chain's rules with the jumps into sub-chains interleaved by priority,
 * a jump before a root rule of the same priority (docs/pipeline.md,
 * "Chains: the Ethernet layer"), each
 * sub-chain inlined at its jump. */
static void
eth_build(struct port_ctx *ctx, struct chain *c, bool from_vm)
{
    const struct nwf_resolved *r = ctx->resolved;

    /* The sub-chains that have rules in this direction, in jump order.
     * Filters that share a chain name may give it different priorities:
     * as in libvirt, the last rule's counts. */
    for (size_t i = 0; i < r->n_insts; i++) {
        const struct nwf_rule_inst *inst = &r->insts[i];
        if (!eth_applies(inst, from_vm) || nwf_rule_inst_is_root(inst)) {
            continue;
        }

        struct subchain *sc = find_subchain(c, inst->chain);
        if (!sc) {
            if (c->n_chains >= c->allocated_chains) {
                c->chains = x2nrealloc(c->chains, &c->allocated_chains,
                                       sizeof *c->chains);
            }
            sc = &c->chains[c->n_chains++];
            *sc = (struct subchain) {
                .name = inst->chain,
                .first = i,
            };
            nwf_match_jump_cond(inst->chain, &sc->cond);
        }
        sc->priority = inst->chain_priority;
    }
    if (c->n_chains > 1) {
        qsort(c->chains, c->n_chains, sizeof *c->chains, compare_subchains);
    }

    size_t next = 0;
    for (size_t i = 0; i < r->n_insts; i++) {
        const struct nwf_rule_inst *inst = &r->insts[i];
        if (eth_applies(inst, from_vm) && nwf_rule_inst_is_root(inst)) {
            while (next < c->n_chains
                   && c->chains[next].priority <= inst->priority) {
                eth_add_subchain(ctx, c, from_vm, &c->chains[next++]);
            }
            eth_add_rule(ctx, c, from_vm, inst, NULL);
        }
    }
    while (next < c->n_chains) {
        eth_add_subchain(ctx, c, from_vm, &c->chains[next++]);
    }
}

/* ---- The IP layer. ---- */

/* Adds to 'out' a ct_state match with the bits of 'mask' as in 'state'
 * (CS_*). */
static void
add_ct_cond(struct nwf_match_list *out, uint32_t state, uint32_t mask)
{
    struct match m;
    match_init_catchall(&m);
    match_set_ct_state_masked(&m, state, mask);
    nwf_match_list_add(out, &m);
}

/* Adds to 'out' one ct_state match per state in 'bits' (NWF_STATE_*);
 * none for NONE. */
static void
state_conds(uint32_t bits, struct nwf_match_list *out)
{
    static const struct {
        uint32_t bit;
        uint32_t ct_state;
    } states[] = {
        { NWF_STATE_NEW, CS_NEW },
        { NWF_STATE_ESTABLISHED, CS_ESTABLISHED },
        { NWF_STATE_RELATED, CS_RELATED },
        { NWF_STATE_INVALID, CS_INVALID },
    };

    if (!(bits & NWF_STATE_NONE)) {
        for (size_t i = 0; i < ARRAY_SIZE(states); i++) {
            if (bits & states[i].bit) {
                add_ct_cond(out, states[i].ct_state, states[i].ct_state);
            }
        }
    }
}

static bool
has_icmp_type(const struct nwf_rule *rule)
{
    return ((rule->proto->id == NWF_PROTO_ICMP
             || rule->proto->id == NWF_PROTO_ICMPV6)
            && nwf_rule_get(rule, NWF_ATTR_TYPE));
}

/* Adds the step of IP-layer rule 'inst' to the IP table of one direction,
 * if the rule has a copy there (docs/pipeline.md, "The IP layer"). */
static void
ip_add_rule(struct port_ctx *ctx, struct chain *c, bool from_vm,
            const struct nwf_rule_inst *inst)
{
    const struct nwf_rule *rule = inst->rule;
    const struct nwf_rule_attr *state = nwf_rule_get(rule, NWF_ATTR_STATE);
    enum verdict verdict;

    switch (rule->action) {
    case NWF_ACTION_ACCEPT:
    case NWF_ACTION_RETURN:
        verdict = V_ACCEPT;
        break;
    case NWF_ACTION_DROP:
        verdict = V_DROP;
        break;
    case NWF_ACTION_REJECT:
        verdict = V_REJECT;
        break;
    case NWF_ACTION_CONTINUE:
    default:
        /* libvirt fails the port here; we decide nothing
         * (docs/pipeline.md, "Where we differ from libvirt"). */
        return;
    }

    /* The copy as written is in the rule's own direction: IP_OUT for
     * "out", IP_IN for "in" and "inout"; the other one is mirrored. */
    bool as_written = (rule->direction == NWF_DIR_OUT) == from_vm;
    bool inout = rule->direction == NWF_DIR_INOUT;
    bool statematch = (rule->statematch && !inout
                       && rule->action == NWF_ACTION_ACCEPT);
    struct nwf_match_list cts, ct_excls;
    nwf_match_list_init(&cts);
    nwf_match_list_init(&ct_excls);

    if (state) {
        /* An explicit state: only the rule's own direction (both for
         * inout), exactly those states, no direction (docs/pipeline.md,
         * "The IP layer"). */
        if (!as_written && !inout) {
            goto out;
        }
        state_conds(state->value.u32, state->negated ? &ct_excls : &cts);
    } else if (has_icmp_type(rule) && !inout) {
        /* ICMP with a type: no mirrored copy.  (inout: libvirt makes no
         * rule at all, we make both copies, see docs/pipeline.md.) */
        if (!as_written) {
            goto out;
        }
        if (statematch) {
            add_ct_cond(&cts, CS_NEW, CS_NEW);
            add_ct_cond(&cts, CS_ESTABLISHED, CS_ESTABLISHED);
        }
    } else if (statematch) {
        /* New connections in the rule's direction and their
         * continuation; in the mirrored copy only their replies. */
        if (as_written) {
            add_ct_cond(&cts, CS_NEW, CS_NEW);
            add_ct_cond(&cts, CS_ESTABLISHED,
                        CS_ESTABLISHED | CS_REPLY_DIR);
        } else {
            add_ct_cond(&cts, CS_ESTABLISHED | CS_REPLY_DIR,
                        CS_ESTABLISHED | CS_REPLY_DIR);
        }
    }
    if (!cts.n) {
        add_ct_cond(&cts, 0, 0);
    }

    struct nwf_rule_match m;
    if (match_inst(ctx, inst,
                   as_written ? NWF_MATCH_AS_WRITTEN : NWF_MATCH_MIRRORED,
                   as_written, &m)) {
        struct step *step = chain_add_step(c, inst, SIZE_MAX, verdict);
        for (size_t i = 0; i < cts.n; i++) {
            add_conds(&step->conds, &cts.matches[i], &m.alternatives);
        }
        if (step->conds.n) {
            for (size_t i = 0; i < ct_excls.n; i++) {
                nwf_match_list_add(&step->excls, &ct_excls.matches[i]);
            }
        }
        struct match all;
        match_init_catchall(&all);
        finish_step(step, &all, &m);
    }
    nwf_rule_match_destroy(&m);
out:
    nwf_match_list_destroy(&cts);
    nwf_match_list_destroy(&ct_excls);
}

static void
ip_build(struct port_ctx *ctx, struct chain *c, bool from_vm)
{
    const struct nwf_resolved *r = ctx->resolved;

    for (size_t i = 0; i < r->n_insts; i++) {
        const struct nwf_rule_inst *inst = &r->insts[i];
        if (inst->rule->proto->layer != NWF_LAYER_ETH) {
            ip_add_rule(ctx, c, from_vm, inst);
        }
    }
}

/* ---- Segments and flows. ---- */

/* Assigns each step of 'c' its segment: a new one starts after a rule
 * with exclusion flows and after the fall-through of a sub-chain that has
 * a "return".  Returns false, after reporting, if 'c' needs more than
 * NWF_MAX_SEGMENTS. */
static bool
cut_segments(struct port_ctx *ctx, struct chain *c)
{
    int seg = 0;

    for (size_t i = 0; i < c->n_steps; i++) {
        struct step *step = &c->steps[i];
        struct subchain *sc = (step->chain != SIZE_MAX
                               ? &c->chains[step->chain] : NULL);

        step->seg = seg;
        if (step->inst ? step->excls.n > 0 : sc->has_return) {
            if (seg + 1 >= NWF_MAX_SEGMENTS) {
                report_inst(ctx, step->inst,
                            "table %s needs more than %d segments%s%s "
                            "(each rule with match='no' and each sub-chain "
                            "with a 'return' starts one)", c->table_name,
                            NWF_MAX_SEGMENTS,
                            step->inst ? "" : " at the end of sub-chain ",
                            step->inst ? "" : sc->name);
                return false;
            }
            seg++;
            if (!step->inst) {
                sc->return_seg = seg;
            }
        }
    }
    c->n_segs = seg + 1;
    return true;
}

/* The value of the segment register in segment 'seg' of 'c' (0 for the
 * first segment in evaluation order).  Segments count down, so that the
 * last one is 0 whatever their number: then the flows that end a segment
 * are the same for every port and bridge-wide (nwf_flows_chain_ends()). */
static int
seg_number(const struct chain *c, int seg)
{
    return c->n_segs - 1 - seg;
}

/* Appends the actions that go on with segment 'seg' of 'c'. */
static void
goto_segment(const struct chain *c, int seg, struct ofpbuf *ofpacts)
{
    goto_seg_number(c->table, c->seg_reg, seg_number(c, seg), ofpacts);
}

/* Appends the actions of 'step''s verdict for its flow of 'cond'. */
static void
verdict_actions(const struct chain *c, const struct step *step,
                const struct match *cond, struct ofpbuf *ofpacts)
{
    const struct ofpbuf *actions;
    switch (step->verdict) {
    case V_ACCEPT:
        actions = (c->accept_uncommitted.size
                   && cond->wc.masks.ct_state & cond->flow.ct_state
                      & CS_INVALID
                   ? &c->accept_uncommitted : &c->accept);
        ofpbuf_put(ofpacts, actions->data, actions->size);
        return;
    case V_DROP:
        return;
    case V_REJECT:
        ofpbuf_put(ofpacts, c->reject.data, c->reject.size);
        return;
    case V_RETURN:
        goto_segment(c, c->chains[step->chain].return_seg, ofpacts);
        return;
    }
    OVS_NOT_REACHED();
}

/* Adds the flow of 'cond' in segment 'seg' of 'c', with 'ofpacts'. */
static void
add_seg_flow(struct port_ctx *ctx, const struct chain *c, int seg,
             uint16_t priority, uint64_t cookie, const struct match *cond,
             const struct ofpbuf *ofpacts)
{
    struct match prefix, match;
    prefix = c->port_match;
    nwf_match_set_reg(&prefix, c->seg_reg, seg_number(c, seg));
    if (nwf_match_intersect(&prefix, cond, &match)) {
        nwf_flow_set_add(&ctx->flows, c->table, priority, cookie, &match,
                         ofpacts);
    }
}

static uint64_t
step_cookie(const struct port_ctx *ctx, const struct step *step)
{
    if (!step->inst) {
        return NWF_COOKIE_PORT(ctx->ofport);
    }
    uint32_t id = (ctx->filter_id
                   ? ctx->filter_id(step->inst->filter, ctx->aux) : 0);
    return NWF_COOKIE(id, step->inst->rule_index, ctx->ofport);
}

/* Emits the flows of 'c' into ctx's flows.
 *
 * The flows of segment k match NWF_MFF_SEG (or NWF_MFF_IP_SEG) =
 * seg_number(k), with priorities counting down from NWF_PRIO_RULES in
 * evaluation order over the whole table.  A step with exclusion flows
 * gets two priorities: exclusions, which go on with segment k + 1, then
 * its own flows.  What no flow of a segment takes meets the bridge-wide
 * flows of nwf_flows_chain_ends(), which go on with the next segment, or
 * accept after the last one.
 *
 * Flows that cannot be reached are left out: those after a flow that
 * matches everything in the same segment (after the "mac" sub-chain's
 * fall-through, say), the rest of a sub-chain after a flow that matches
 * all it takes (its final "drop", say), and whole segments that nothing
 * goes to. */
static bool
emit_chain(struct port_ctx *ctx, struct chain *c)
{
    if (!cut_segments(ctx, c)) {
        return false;
    }

    bool *reachable = xcalloc(c->n_segs, sizeof *reachable);
    bool *covered = xcalloc(c->n_chains + 1, sizeof *covered);
    uint64_t actions_stub[512 / 8];
    struct ofpbuf actions = OFPBUF_STUB_INITIALIZER(actions_stub);
    int priority = NWF_PRIO_RULES;
    size_t i = 0;
    bool ok = true;

    reachable[0] = true;
    for (int seg = 0; seg < c->n_segs; seg++) {
        bool live = reachable[seg];

        for (; i < c->n_steps && c->steps[i].seg == seg; i++) {
            const struct step *step = &c->steps[i];
            const struct subchain *sc = (step->chain != SIZE_MAX
                                         ? &c->chains[step->chain] : NULL);
            if (!live || !step->conds.n || (sc && covered[step->chain])) {
                continue;
            }
            if (priority - (step->excls.n > 0) < NWF_PRIO_RULES_MIN) {
                report_inst(ctx, step->inst, "table %s needs more than %d "
                            "priorities (one per rule, two with "
                            "match='no')", c->table_name,
                            NWF_PRIO_RULES - NWF_PRIO_RULES_MIN + 1);
                ok = false;
                break;
            }

            uint64_t cookie = step_cookie(ctx, step);
            if (step->excls.n) {
                ofpbuf_clear(&actions);
                goto_segment(c, seg + 1, &actions);
                for (size_t j = 0; j < step->excls.n; j++) {
                    add_seg_flow(ctx, c, seg, priority, cookie,
                                 &step->excls.matches[j], &actions);
                }
                reachable[seg + 1] = true;
                priority--;
            }
            for (size_t j = 0; j < step->conds.n; j++) {
                const struct match *cond = &step->conds.matches[j];
                ofpbuf_clear(&actions);
                verdict_actions(c, step, cond, &actions);
                add_seg_flow(ctx, c, seg, priority, cookie, cond, &actions);
                if (flow_wildcards_is_catchall(&cond->wc)) {
                    live = false;
                }
                if (sc && match_equal(cond, &sc->cond) && !step->excls.n) {
                    /* (Frames that a rule excludes go on with the rest of
                     * its sub-chain, in the next segment.) */
                    covered[step->chain] = true;
                }
            }
            if (step->verdict == V_RETURN) {
                reachable[c->chains[step->chain].return_seg] = true;
            }
            priority--;
        }
        if (!ok) {
            break;
        }

        if (live && seg + 1 < c->n_segs) {
            /* What falls off goes on with the next segment (through the
             * bridge-wide flows that end segments). */
            reachable[seg + 1] = true;
        }
    }
    ofpbuf_uninit(&actions);
    free(covered);
    free(reachable);
    return ok;
}

/* ---- Ports. ---- */

/* The flows of one bound port: see nwf-flows.h. */
bool
nwf_flows_for_port(const struct nwf_port *port,
                   const struct nwf_resolved *resolved,
                   uint32_t (*filter_id)(const char *name, void *aux),
                   void *aux, struct nwf_flow_set *flows,
                   struct nwf_diag *diag)
{
    struct port_ctx ctx = {
        .port = port,
        .ofport = ofp_to_u16(port->ofport),
        .resolved = resolved,
        .filter_id = filter_id,
        .aux = aux,
        .diag = diag,
    };
    sset_init(&ctx.reported);
    nwf_flow_set_init(&ctx.flows);

    struct chain chains[N_RULE_TABLES];
    for (size_t i = 0; i < N_RULE_TABLES; i++) {
        const struct rule_table *t = &rule_tables[i];
        struct chain *c = &chains[i];

        struct match port_match;
        rule_table_port_match(t, port, &port_match);
        chain_init(c, t->table, t->name, &port_match, rule_table_seg_reg(t));
        rule_table_accept(t, port->ofport, &c->accept);
        if (t->ip) {
            nwf_put_goto_table(&c->accept_uncommitted, t->next);
            nwf_put_controller(&c->reject, NWF_PUNT_REJECT,
                               NWF_METER_REJECT(ctx.ofport));
            ip_build(&ctx, c, t->from_vm);
        } else {
            eth_build(&ctx, c, t->from_vm);
        }
    }

    bool ok = sset_is_empty(&ctx.reported);
    for (size_t i = 0; ok && i < N_RULE_TABLES; i++) {
        ok = emit_chain(&ctx, &chains[i]);
    }
    if (ok) {
        struct nwf_first_segs segs = {
            .eth_out = seg_number(&chains[RT_ETH_OUT], 0),
            .ip_out = seg_number(&chains[RT_IP_OUT], 0),
            .ip_in = seg_number(&chains[RT_IP_IN], 0),
            .eth_in = seg_number(&chains[RT_ETH_IN], 0),
            .untracked = (!chains[RT_IP_OUT].n_steps
                          && !chains[RT_IP_IN].n_steps),
        };
        nwf_flows_add_port_entries(port, &segs, &ctx.flows);
        nwf_flow_set_move(flows, &ctx.flows);
    }
    for (size_t i = 0; i < N_RULE_TABLES; i++) {
        chain_destroy(&chains[i]);
    }
    nwf_flow_set_destroy(&ctx.flows);
    sset_destroy(&ctx.reported);
    return ok;
}

/* Adds the bridge-wide flows that end the segments of every bound port's
 * rule tables: what no flow of a port's segment k > 0 takes goes on with
 * segment k - 1, and what none of its segment 0, the last, takes is
 * accepted.  See emit_chain(). */
void
nwf_flows_chain_ends(struct nwf_flow_set *flows)
{
    uint64_t stub[256 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);

    for (size_t i = 0; i < N_RULE_TABLES; i++) {
        const struct rule_table *t = &rule_tables[i];
        enum mf_field_id reg = rule_table_seg_reg(t);
        struct match m;

        for (int k = 1; k < NWF_MAX_SEGMENTS; k++) {
            match_init_catchall(&m);
            nwf_match_set_reg(&m, reg, k);
            ofpbuf_clear(&ofpacts);
            goto_seg_number(t->table, reg, k - 1, &ofpacts);
            nwf_flow_set_add(flows, t->table, NWF_PRIO_SEG_END, 0, &m,
                             &ofpacts);
        }

        /* ct() needs the ethertype in the match. */
        ofpbuf_clear(&ofpacts);
        rule_table_accept(t, OFPP_NONE, &ofpacts);
        static const uint16_t ip_types[] = { ETH_TYPE_IP, ETH_TYPE_IPV6 };
        for (size_t j = 0; j < (t->ip ? ARRAY_SIZE(ip_types) : 1); j++) {
            match_init_catchall(&m);
            nwf_match_set_reg(&m, reg, 0);
            if (t->ip) {
                match_set_dl_type(&m, htons(ip_types[j]));
            }
            nwf_flow_set_add(flows, t->table, NWF_PRIO_SEG_END, 0, &m,
                             &ofpacts);
        }
    }
    ofpbuf_uninit(&ofpacts);
}
