/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_VARS_H
#define NWF_VARS_H 1

/* Filter variables: parameter tables, variable accesses and the expansion
 * of one rule over the values of the variables it uses.
 *
 * This module works on plain strings and knows nothing about the XML
 * model, so the parser (for <filterref><parameter>), the controller (for
 * parameters taken from OVSDB) and the resolver can all share it.
 *
 * Tables
 * ------
 * A table maps a variable name to an ordered list of values.  Adding a
 * value under a name that already exists appends to its list, duplicates
 * included, the way repeated <parameter name='X' value=...> elements build
 * a list in libvirt.  Names match [A-Za-z0-9_]+ and values
 * [A-Za-z0-9_.:]+ (nwf_var_name_is_valid() and nwf_var_value_is_valid()
 * test them).  libvirt silently drops parameters that break these rules;
 * nwf_var_table_add() does the same, nwf_var_table_add_checked() reports
 * them instead, for input typed by an administrator.
 *
 * Accesses
 * --------
 * An attribute value starting with '$' refers to a variable:
 *     $X        the same as $X[@0] (and printed as "$X")
 *     $X[@N]    iterator N (0 to NWF_VAR_MAX_ITER_ID) over the list X
 *     $X[N]     element N (0-based) of X, a constant
 * Whitespace is allowed inside the brackets and after them (libvirt's own
 * tests use "$B[  @0 ] "), not between the name and '[', which libvirt
 * rejects too.  The filter model (nwf-filter.h) keeps a rule attribute
 * that refers to a variable as a struct nwf_var_access.
 *
 * Expansion
 * ---------
 * A rule that uses variables is instantiated once per combination of
 * values: accesses that share an iterator id walk their lists in
 * lock-step (the lists must be equally long), different iterator ids
 * multiply, and a position of an iterator whose tuple of values repeats an
 * earlier position's tuple is skipped.  The first iterator varies fastest;
 * iterator @0 always comes first, the others follow in the order of their
 * first use in the rule.  A rule without variables has one combination. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nwf-var-expand.h"      /* Accesses and expansion, for users. */
#include "openvswitch/compiler.h"
#include "openvswitch/shash.h"

struct ds;
struct sset;
struct svec;

/* Reserved variable names. */
#define NWF_VAR_MAC "MAC"                 /* Port's MAC, filled in unless
                                           * the table has one. */
#define NWF_VAR_IP "IP"                   /* IPv4 addresses; learned when
                                           * missing. */
#define NWF_VAR_IPV6 "IPV6"               /* IPv6 addresses; never
                                           * filled in. */
#define NWF_VAR_DHCPSERVER "DHCPSERVER"   /* Trusted DHCP servers. */
#define NWF_VAR_DHCPSERVERV6 "DHCPSERVERV6"
#define NWF_VAR_CTRL_IP_LEARNING "CTRL_IP_LEARNING"  /* any|dhcp|none. */
#define NWF_VAR_CTRL_IP_LEARNING_MAX_ADDRS "CTRL_IP_LEARNING_MAX_ADDRS"
#define NWF_VAR_CTRL_IP_LEARNING_MAX_LEASE "CTRL_IP_LEARNING_MAX_LEASE"

/* Largest iterator id in $X[@N] (docs/filter-format.md, "References"). */
#define NWF_VAR_MAX_ITER_ID 1000

/* Largest number of combinations one rule may expand to.  libvirt has no
 * limit; we refuse rather than let a parameter list exhaust memory. */
#define NWF_VAR_MAX_COMBINATIONS 100000

/* Largest value list that nwf_var_table_add_list() parses, as a number of
 * values and as the length of the comma-separated text.  A port's
 * external_ids value comes from whoever may write OVSDB: a 1,000,000-value
 * list is refused before it is split, rather than parsed into a list that
 * every recompile of the port would walk. */
#define NWF_VAR_MAX_VALUES 1024
#define NWF_VAR_MAX_LIST_SIZE 65536

/* Names and values. */

/* The bytes a variable name is made of. */
#define NWF_VAR_NAME_CHARS \
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"

bool nwf_var_name_is_valid(const char *);
bool nwf_var_value_is_valid(const char *);

/* Parameter tables. */

struct nwf_var_table {
    struct shash vars;          /* Name -> struct svec * of values. */
};

enum nwf_var_mode {
    NWF_VAR_LENIENT,            /* Drop invalid parameters, as libvirt. */
    NWF_VAR_STRICT,             /* Report invalid parameters. */
};

void nwf_var_table_init(struct nwf_var_table *);
void nwf_var_table_destroy(struct nwf_var_table *);
void nwf_var_table_clear(struct nwf_var_table *);
void nwf_var_table_clone(struct nwf_var_table *dst,
                         const struct nwf_var_table *src);
void nwf_var_table_swap(struct nwf_var_table *, struct nwf_var_table *);
bool nwf_var_table_equal(const struct nwf_var_table *,
                         const struct nwf_var_table *);

bool nwf_var_table_add(struct nwf_var_table *,
                       const char *name, const char *value);
char *nwf_var_table_add_checked(struct nwf_var_table *,
                                const char *name, const char *value)
    OVS_WARN_UNUSED_RESULT;
char *nwf_var_table_add_list(struct nwf_var_table *, const char *name,
                             const char *list, enum nwf_var_mode)
    OVS_WARN_UNUSED_RESULT;
char *nwf_var_table_parse_assignment(struct nwf_var_table *,
                                     const char *assignment,
                                     enum nwf_var_mode)
    OVS_WARN_UNUSED_RESULT;

void nwf_var_table_set(struct nwf_var_table *,
                       const char *name, const char *value);
bool nwf_var_table_set_default(struct nwf_var_table *,
                               const char *name, const char *value);
bool nwf_var_table_remove(struct nwf_var_table *, const char *name);

void nwf_var_table_overlay(struct nwf_var_table *dst,
                           const struct nwf_var_table *src);
void nwf_var_table_init_overlay(struct nwf_var_table *child,
                                const struct nwf_var_table *params,
                                const struct nwf_var_table *caller);

const struct svec *nwf_var_table_find(const struct nwf_var_table *,
                                      const char *name);
bool nwf_var_table_contains(const struct nwf_var_table *, const char *name);
size_t nwf_var_table_n_values(const struct nwf_var_table *,
                              const char *name);
const char *nwf_var_table_get(const struct nwf_var_table *,
                              const char *name, size_t idx);
size_t nwf_var_table_count(const struct nwf_var_table *);
const struct shash_node **nwf_var_table_sort(const struct nwf_var_table *);
void nwf_var_table_format(const struct nwf_var_table *, struct ds *);

/* IP address learning mode, from CTRL_IP_LEARNING. */

enum nwf_ip_learning {
    NWF_IP_LEARNING_ANY,        /* Default: first address the VM uses. */
    NWF_IP_LEARNING_DHCP,       /* DHCP snooping. */
    NWF_IP_LEARNING_NONE,       /* No learning: a missing $IP is an error. */
};

bool nwf_ip_learning_from_string(const char *, enum nwf_ip_learning *);
const char *nwf_ip_learning_to_string(enum nwf_ip_learning);
char *nwf_var_table_get_ip_learning(const struct nwf_var_table *,
                                    enum nwf_ip_learning *)
    OVS_WARN_UNUSED_RESULT;

/* How much a port in "dhcp" mode keeps of what DHCP gives it (ours, not
 * libvirt's, which keeps every lease it sees for as long as it says):
 *
 *   CTRL_IP_LEARNING_MAX_ADDRS  leases kept at once, 1 to 64, default 1:
 *       a DHCP client holds one lease per interface, and "any" mode (as
 *       libvirt's) learns exactly one address.  A new lease beyond the
 *       limit replaces the one that expires first.
 *   CTRL_IP_LEARNING_MAX_LEASE  the longest lease kept, in seconds, 60 to
 *       4294967295, default 86400 (one day): a lease that claims more
 *       (an infinite one, 0xffffffff) is kept that long, since a DHCP
 *       client renews at half its lease time anyway.  4294967295 keeps
 *       every lease as long as it says, infinite ones for good.
 *
 * "any" mode keeps one address, for good, whatever these say. */
#define NWF_IP_LEARNING_MAX_ADDRS_DEFAULT 1
#define NWF_IP_LEARNING_MAX_ADDRS_LIMIT 64
#define NWF_IP_LEARNING_MAX_LEASE_DEFAULT 86400
#define NWF_IP_LEARNING_MAX_LEASE_MIN 60
#define NWF_IP_LEARNING_LEASE_UNLIMITED UINT32_MAX

struct nwf_ip_learning_limits {
    unsigned int max_addrs;
    uint32_t max_lease;         /* Seconds, or ..._LEASE_UNLIMITED. */
};

char *nwf_var_table_get_ip_learning_limits(const struct nwf_var_table *,
                                           struct nwf_ip_learning_limits *)
    OVS_WARN_UNUSED_RESULT;

#endif /* nwf-vars.h */
