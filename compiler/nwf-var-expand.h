/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_VAR_EXPAND_H
#define NWF_VAR_EXPAND_H 1

/* Variable accesses ("$X", "$X[@N]", "$X[N]": nwf-vars.h describes them)
 * and their expansion: the missing variables of a rule, and the
 * combinations of values a rule's accesses take, iterator by iterator.
 * The parameter tables they read are nwf-vars.h's. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/compiler.h"

struct ds;
struct nwf_var_table;
struct sset;

/* Variable accesses. */

enum nwf_var_access_type {
    NWF_VAR_ITERATOR,           /* $X or $X[@N]: 'index' is the iterator. */
    NWF_VAR_ELEMENT,            /* $X[N]: 'index' is the element. */
};

struct nwf_var_access {
    char *name;                 /* Variable name, without '$'. */
    enum nwf_var_access_type type;
    unsigned int index;         /* Iterator id or element index. */
};

static inline bool
nwf_var_is_reference(const char *value)
{
    return value && value[0] == '$';
}

char *nwf_var_access_parse(const char *, struct nwf_var_access *)
    OVS_WARN_UNUSED_RESULT;
void nwf_var_access_destroy(struct nwf_var_access *);
void nwf_var_access_clone(struct nwf_var_access *dst,
                          const struct nwf_var_access *src);
bool nwf_var_access_equal(const struct nwf_var_access *,
                          const struct nwf_var_access *);
void nwf_var_access_format(const struct nwf_var_access *, struct ds *);
char *nwf_var_access_to_string(const struct nwf_var_access *);
bool nwf_var_access_is_available(const struct nwf_var_access *,
                                 const struct nwf_var_table *);

/* Missing variables. */

void nwf_var_collect_missing(const struct nwf_var_access *const *accesses,
                             size_t n_accesses,
                             const struct nwf_var_table *,
                             struct sset *missing);
char *nwf_var_missing_to_string(const struct sset *missing);
bool nwf_var_missing_only_ip(const struct sset *missing);

/* Expansion. */

struct nwf_var_combos {
    size_t n_vars;              /* Accesses per combination. */
    size_t n;                   /* Number of combinations. */
    const char **values;        /* n * n_vars values, combination-major. */
};

char *nwf_var_expand(const struct nwf_var_access *const *accesses,
                     size_t n_accesses, const struct nwf_var_table *,
                     struct nwf_var_combos *)
    OVS_WARN_UNUSED_RESULT;
void nwf_var_combos_destroy(struct nwf_var_combos *);

/* Returns the value of access 'var' in combination 'combo'.  The string
 * belongs to the table given to nwf_var_expand(). */
static inline const char *
nwf_var_combos_get(const struct nwf_var_combos *c, size_t combo, size_t var)
{
    return c->values[combo * c->n_vars + var];
}

#endif /* nwf-var-expand.h */
