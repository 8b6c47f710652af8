/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_FILTER_H
#define NWF_FILTER_H 1

/* The filter model: one libvirt <filter> as data.
 *
 * nwf-xml.c builds it from XML and prints it back; the variable resolver
 * and the flow compiler read it; the filter store keeps one per defined
 * filter.  The model keeps what the XML said, not what it will mean for a
 * given port: variable references stay symbolic ($X, $X[@1], $X[2]) until
 * the resolver substitutes values and parses them with nwf_value_parse().
 *
 * Ownership: a struct nwf_filter owns its entries, an entry owns its rule
 * or filterref, a rule owns its attribute values.  Protocol descriptors
 * (struct nwf_proto) are static and never freed. */

#include <stdbool.h>
#include <stddef.h>
#include "nwf-proto.h"
#include "nwf-vars.h"
#include "openvswitch/shash.h"
#include "openvswitch/uuid.h"

struct ds;
struct nwf_diag;
struct sset;
struct svec;

/* Rule priorities (docs/filter-format.md, "Priorities" and "Limits"):
 * default 500, valid -1000..1000; a value out of range is replaced by the
 * default, as libvirt does. */
#define NWF_RULE_PRIORITY_DEFAULT 500
#define NWF_RULE_PRIORITY_MIN (-1000)
#define NWF_RULE_PRIORITY_MAX 1000

/* Chain priorities (docs/filter-format.md, "<filter>"): -1000..1000,
 * outside is an error. */
#define NWF_CHAIN_PRIORITY_MIN (-1000)
#define NWF_CHAIN_PRIORITY_MAX 1000
#define NWF_CHAIN_NAME_MAX 12

enum nwf_action {
    NWF_ACTION_DROP,
    NWF_ACTION_ACCEPT,
    NWF_ACTION_REJECT,
    NWF_ACTION_RETURN,
    NWF_ACTION_CONTINUE,
};

/* Relative to the VM: out = sent by the VM, in = sent to it. */
enum nwf_direction {
    NWF_DIR_IN,
    NWF_DIR_OUT,
    NWF_DIR_INOUT,
};

/* The value of one attribute of a rule: a typed literal or a variable
 * reference ($X, $X[@N] or $X[N], see nwf-vars.h).  'negated' is the
 * match='no' of the element the attribute came from, or, for a mask/range
 * end/"-hi" attribute, that of its base attribute (struct nwf_attr_desc's
 * 'base'). */
struct nwf_rule_attr {
    bool present;
    bool negated;
    bool is_var;
    struct nwf_var_access var;  /* If is_var. */
    struct nwf_value value;     /* If !is_var; typed by the row. */
};

/* One <rule>.  'attrs' is parallel to proto->attrs: attrs[i] is the value
 * of the attribute described by proto->attrs[i] (not present when the XML
 * did not give it).  A rule without a protocol element has
 * proto->id == NWF_PROTO_NONE and no attributes: it matches every frame
 * in its filter's chain. */
struct nwf_rule {
    enum nwf_action action;
    enum nwf_direction direction;
    int priority;               /* -1000..1000, default 500. */
    bool statematch;            /* False iff statematch='false' or '0'. */
    const struct nwf_proto *proto;
    struct nwf_rule_attr *attrs;
    int line;                   /* Source line of <rule>, 0 if unknown. */
};

/* One <filterref filter='NAME'> with its <parameter>s.  'params' maps a
 * parameter name to a struct svec * of its values, in document order; a
 * name given several times is a list.  Invalid parameters (bad name or
 * value) were dropped when parsing, as libvirt does. */
struct nwf_filterref {
    char *filter;
    struct shash params;        /* Name -> struct svec *. */
    int line;
};

enum nwf_entry_type {
    NWF_ENTRY_RULE,
    NWF_ENTRY_FILTERREF,
};

/* A filter's content, in document order: rules and references. */
struct nwf_entry {
    enum nwf_entry_type type;
    union {
        struct nwf_rule *rule;              /* NWF_ENTRY_RULE. */
        struct nwf_filterref *ref;          /* NWF_ENTRY_FILTERREF. */
    };
};

/* One <filter>.
 *
 * 'chain' is "root" when the XML gave none.  'chain_priority' is the
 * effective priority: the given one, or the default for the chain's prefix
 * (nwf_chain_default_priority()), or 0 for root; a priority given without
 * a chain is dropped (libvirt does the same).  The formatter prints it
 * only when nonzero. */
struct nwf_filter {
    char *name;
    struct uuid uuid;
    bool uuid_given;            /* False: 'uuid' was generated. */
    char *chain;
    int chain_priority;
    bool chain_priority_given;  /* priority='' was given (and kept). */
    struct nwf_entry *entries;
    size_t n_entries;
    size_t allocated_entries;
};

/* Filters. */
struct nwf_filter *nwf_filter_create(const char *name);
void nwf_filter_destroy(struct nwf_filter *);
struct nwf_filter *nwf_filter_clone(const struct nwf_filter *);
bool nwf_filter_equal(const struct nwf_filter *, const struct nwf_filter *);
struct nwf_rule *nwf_filter_add_rule(struct nwf_filter *,
                                     const struct nwf_proto *);
void nwf_filter_append_rule(struct nwf_filter *, struct nwf_rule *);
struct nwf_filterref *nwf_filter_add_filterref(struct nwf_filter *,
                                               const char *filter);
void nwf_filter_get_refs(const struct nwf_filter *, struct sset *names);

/* Rules. */
struct nwf_rule *nwf_rule_create(const struct nwf_proto *);
void nwf_rule_destroy(struct nwf_rule *);
struct nwf_rule *nwf_rule_clone(const struct nwf_rule *);
bool nwf_rule_equal(const struct nwf_rule *, const struct nwf_rule *);
const struct nwf_rule_attr *nwf_rule_get(const struct nwf_rule *,
                                         enum nwf_attr_id);
void nwf_rule_attr_clear(const struct nwf_attr_desc *,
                         struct nwf_rule_attr *);
void nwf_rule_attr_format(const struct nwf_attr_desc *,
                          const struct nwf_rule_attr *, struct ds *);
bool nwf_rule_has_vars(const struct nwf_rule *);

/* Filter references. */
void nwf_filterref_add_param(struct nwf_filterref *, const char *name,
                             const char *value);
const struct svec *nwf_filterref_get_param(const struct nwf_filterref *,
                                           const char *name);
void nwf_filterref_destroy(struct nwf_filterref *);

/* Filter names: 1 to NWF_FILTER_NAME_MAX bytes of [A-Za-z0-9_.:-], the
 * first a letter, a digit or '_' (schemas/nwfilter.rng, "filter-name").
 * A name is also a file name, NAME.xml in the filter store, whose
 * temporary file ".NAME.xml.XXXXXX" must fit in the 255 bytes most file
 * systems allow. */
#define NWF_FILTER_NAME_MAX 200
char *nwf_filter_name_check(const char *name) OVS_WARN_UNUSED_RESULT;

/* The checks of a new definition beyond the parser's. */
bool nwf_filter_check(const struct nwf_filter *, const char *origin,
                      struct nwf_diag *);

/* Chains. */
const char *nwf_chain_prefix(const char *chain);
char *nwf_chain_check(const char *chain) OVS_WARN_UNUSED_RESULT;
int nwf_chain_default_priority(const char *chain);

/* Names of enums, and the reverse (false if unknown). */
const char *nwf_action_to_string(enum nwf_action);
bool nwf_action_from_string(const char *, enum nwf_action *);
const char *nwf_direction_to_string(enum nwf_direction);
bool nwf_direction_from_string(const char *, enum nwf_direction *);

#endif /* nwf-filter.h */
