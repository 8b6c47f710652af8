/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_RESOLVE_H
#define NWF_RESOLVE_H 1

/* The resolver: one port's filter tree flattened into ordered rule
 * instances.
 *
 * Input: the name of the port's top filter, the port's parameter table
 * (its MAC is added as $MAC unless the table has one), and a function that
 * finds a filter by name, so that the resolver does not depend on where
 * filters are kept.
 *
 * The tree is walked depth-first in document order.  At each <filterref>
 * the referenced filter sees the filterref's parameters overlaid by the
 * referencing filter's table, the caller's values winning
 * (docs/filter-format.md, "<filterref>").  A
 * reference to an unknown filter, or a loop, is an error.
 *
 * Every variable is then substituted: a rule that uses lists becomes one
 * instance per combination of values (see nwf-vars.h), and each value is
 * parsed with the datatype of the attribute it lands in.  libvirt pastes
 * values into firewall commands unchecked; we reject a value of the wrong
 * type with a message naming the variable, value, filter and attribute.
 *
 * Output order (docs/filter-format.md, "Priorities"): rules of
 * "root"-chain filters first, then the
 * others; within each group by priority, where a non-root rule whose
 * priority is below its chain's priority is raised to the chain's, so
 * that the compiler can create the sub-chain (and the jump into it)
 * before its rules; ties keep depth-first document order.  Each instance
 * carries its chain name and priority for the compiler to build the
 * sub-chains and jumps, and its filter name and rule index for flow
 * cookies.
 *
 * Missing variables are reported all at once ("A, B[3]").  When the only
 * ones missing are $IP and the learning mode (CTRL_IP_LEARNING) is not
 * "none", the result is NWF_RESOLVE_NEED_IP instead of an error: the
 * caller learns the VM's address, puts it in the table as IP and resolves
 * again. */

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "nwf-vars.h"
#include "openvswitch/compiler.h"
#include "sset.h"

struct ds;
struct eth_addr;
struct nwf_diag;
struct nwf_filter;
struct nwf_rule;

/* Limits that keep a hostile or mistaken configuration from exhausting
 * memory; libvirt has none.  A DAG of filterrefs can reach one filter
 * through exponentially many paths. */
#define NWF_RESOLVE_MAX_INSTANCES 100000  /* Rule instances per port. */
#define NWF_RESOLVE_MAX_VISITS 10000      /* Filters entered per port. */

/* One rule instance: a rule with every variable replaced by a value. */
struct nwf_rule_inst {
    struct nwf_rule *rule;      /* Owned; no attribute is a variable.  Its
                                 * 'priority' is the rule's own. */
    const char *filter;         /* Filter the rule is in. */
    size_t rule_index;          /* 0-based, counting only <rule> entries
                                 * of 'filter', in document order. */
    size_t combo_index;         /* Which combination of values (0 for a
                                 * rule without variables). */
    const char *chain;          /* 'filter''s chain: "root", "ipv4", ... */
    int chain_priority;         /* 'filter''s chain priority. */
    int priority;               /* Sort priority: the rule's priority,
                                 * raised to 'chain_priority' for a
                                 * non-root rule below it. */
};

static inline bool
nwf_rule_inst_is_root(const struct nwf_rule_inst *inst)
{
    return !strcmp(inst->chain, "root");
}

struct nwf_resolved {
    struct nwf_rule_inst *insts;    /* In evaluation order. */
    size_t n_insts;
    size_t allocated_insts;

    /* Every filter name the port's tree refers to, found or not, so that
     * the caller knows which filter definitions affect the port. */
    struct sset filters;

    /* The learning mode from CTRL_IP_LEARNING ('any' if unset or invalid
     * in a table that did not need it). */
    enum nwf_ip_learning learning;

    struct sset strings;            /* Owns 'filter' and 'chain' above. */
};

enum nwf_resolve_status {
    NWF_RESOLVE_OK,
    NWF_RESOLVE_NEED_IP,        /* Only $IP is missing: learn it first. */
    NWF_RESOLVE_ERROR,          /* Messages are in the diag. */
};

void nwf_resolved_init(struct nwf_resolved *);
void nwf_resolved_destroy(struct nwf_resolved *);
void nwf_resolved_clear(struct nwf_resolved *);

enum nwf_resolve_status nwf_resolve(
    const char *top_filter, const struct nwf_var_table *port_vars,
    const struct eth_addr *port_mac,
    const struct nwf_filter *(*lookup)(const char *name, void *aux),
    void *aux, struct nwf_resolved *, struct nwf_diag *)
    OVS_WARN_UNUSED_RESULT;

const char *nwf_resolve_status_to_string(enum nwf_resolve_status);

void nwf_rule_inst_format(const struct nwf_rule_inst *, struct ds *);
void nwf_resolved_format(const struct nwf_resolved *, struct ds *);

#endif /* nwf-resolve.h */
