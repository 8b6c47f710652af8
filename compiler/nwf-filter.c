/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-filter.h"

#include <stdlib.h>
#include <string.h>

#include "nwf-diag.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/util.h"
#include "sset.h"
#include "svec.h"
#include "util.h"
#include "uuid.h"

/* ---- Filters. ---- */

/* Returns a new filter called 'name' in chain "root", with no entries and
 * an all-zero UUID that is marked as not given. */
struct nwf_filter *
nwf_filter_create(const char *name)
{
    struct nwf_filter *filter = xzalloc(sizeof *filter);
    filter->name = xstrdup(name);
    filter->chain = xstrdup("root");
    return filter;
}

static void
nwf_entry_destroy(struct nwf_entry *entry)
{
    if (entry->type == NWF_ENTRY_RULE) {
        nwf_rule_destroy(entry->rule);
    } else {
        nwf_filterref_destroy(entry->ref);
    }
}

/* Frees 'filter' and everything it owns. */
void
nwf_filter_destroy(struct nwf_filter *filter)
{
    if (!filter) {
        return;
    }
    for (size_t i = 0; i < filter->n_entries; i++) {
        nwf_entry_destroy(&filter->entries[i]);
    }
    free(filter->entries);
    free(filter->name);
    free(filter->chain);
    free(filter);
}

static struct nwf_entry *
nwf_filter_add_entry(struct nwf_filter *filter, enum nwf_entry_type type)
{
    if (filter->n_entries >= filter->allocated_entries) {
        filter->entries = x2nrealloc(filter->entries,
                                     &filter->allocated_entries,
                                     sizeof *filter->entries);
    }
    struct nwf_entry *entry = &filter->entries[filter->n_entries++];
    entry->type = type;
    return entry;
}

/* Appends a new rule for 'proto' to 'filter' and returns it (see
 * nwf_rule_create() for its defaults). */
struct nwf_rule *
nwf_filter_add_rule(struct nwf_filter *filter, const struct nwf_proto *proto)
{
    struct nwf_rule *rule = nwf_rule_create(proto);
    nwf_filter_append_rule(filter, rule);
    return rule;
}

/* Appends 'rule' to 'filter', which takes ownership of it. */
void
nwf_filter_append_rule(struct nwf_filter *filter, struct nwf_rule *rule)
{
    nwf_filter_add_entry(filter, NWF_ENTRY_RULE)->rule = rule;
}

/* Appends a reference to filter 'name', without parameters, to 'filter'
 * and returns it. */
struct nwf_filterref *
nwf_filter_add_filterref(struct nwf_filter *filter, const char *name)
{
    struct nwf_entry *entry = nwf_filter_add_entry(filter,
                                                   NWF_ENTRY_FILTERREF);
    entry->ref = xzalloc(sizeof *entry->ref);
    entry->ref->filter = xstrdup(name);
    shash_init(&entry->ref->params);
    return entry->ref;
}

static struct nwf_filterref *
nwf_filterref_clone(const struct nwf_filterref *src)
{
    struct nwf_filterref *dst = xzalloc(sizeof *dst);
    dst->filter = xstrdup(src->filter);
    dst->line = src->line;
    shash_init(&dst->params);

    struct shash_node *node;
    SHASH_FOR_EACH (node, &src->params) {
        struct svec *values = xmalloc(sizeof *values);
        svec_clone(values, node->data);
        shash_add(&dst->params, node->name, values);
    }
    return dst;
}

/* Returns a deep copy of 'src'. */
struct nwf_filter *
nwf_filter_clone(const struct nwf_filter *src)
{
    struct nwf_filter *dst = nwf_filter_create(src->name);
    free(dst->chain);
    dst->chain = xstrdup(src->chain);
    dst->uuid = src->uuid;
    dst->uuid_given = src->uuid_given;
    dst->chain_priority = src->chain_priority;
    dst->chain_priority_given = src->chain_priority_given;

    for (size_t i = 0; i < src->n_entries; i++) {
        const struct nwf_entry *e = &src->entries[i];
        struct nwf_entry *entry = nwf_filter_add_entry(dst, e->type);
        if (e->type == NWF_ENTRY_RULE) {
            entry->rule = nwf_rule_clone(e->rule);
        } else {
            entry->ref = nwf_filterref_clone(e->ref);
        }
    }
    return dst;
}

static bool
nwf_filterref_equal(const struct nwf_filterref *a,
                    const struct nwf_filterref *b)
{
    if (strcmp(a->filter, b->filter)
        || shash_count(&a->params) != shash_count(&b->params)) {
        return false;
    }

    struct shash_node *node;
    SHASH_FOR_EACH (node, &a->params) {
        const struct svec *bv = shash_find_data(&b->params, node->name);
        if (!bv || !svec_equal(node->data, bv)) {
            return false;
        }
    }
    return true;
}

/* Returns true if 'a' and 'b' would be formatted into the same XML, which
 * is how libvirt decides that a redefinition changes nothing.  Source line
 * numbers and the "given" flags do not count. */
bool
nwf_filter_equal(const struct nwf_filter *a, const struct nwf_filter *b)
{
    if (strcmp(a->name, b->name)
        || !uuid_equals(&a->uuid, &b->uuid)
        || strcmp(a->chain, b->chain)
        || a->chain_priority != b->chain_priority
        || a->n_entries != b->n_entries) {
        return false;
    }

    for (size_t i = 0; i < a->n_entries; i++) {
        const struct nwf_entry *ea = &a->entries[i];
        const struct nwf_entry *eb = &b->entries[i];
        if (ea->type != eb->type
            || (ea->type == NWF_ENTRY_RULE
                ? !nwf_rule_equal(ea->rule, eb->rule)
                : !nwf_filterref_equal(ea->ref, eb->ref))) {
            return false;
        }
    }
    return true;
}

/* Adds the name of every filter that 'filter' references to 'names'. */
void
nwf_filter_get_refs(const struct nwf_filter *filter, struct sset *names)
{
    for (size_t i = 0; i < filter->n_entries; i++) {
        if (filter->entries[i].type == NWF_ENTRY_FILTERREF) {
            sset_add(names, filter->entries[i].ref->filter);
        }
    }
}

/* ---- Rules. ---- */

/* Returns a new "drop in" rule for 'proto' with the default priority,
 * state matching on and no attributes. */
struct nwf_rule *
nwf_rule_create(const struct nwf_proto *proto)
{
    struct nwf_rule *rule = xzalloc(sizeof *rule);
    rule->action = NWF_ACTION_DROP;
    rule->direction = NWF_DIR_IN;
    rule->priority = NWF_RULE_PRIORITY_DEFAULT;
    rule->statematch = true;
    rule->proto = proto;
    rule->attrs = proto->n_attrs ? xcalloc(proto->n_attrs,
                                           sizeof *rule->attrs) : NULL;
    return rule;
}

/* Frees what 'attr' (of the attribute described by 'desc') owns and marks
 * it not present. */
void
nwf_rule_attr_clear(const struct nwf_attr_desc *desc,
                    struct nwf_rule_attr *attr)
{
    if (attr->present) {
        if (attr->is_var) {
            nwf_var_access_destroy(&attr->var);
        } else {
            nwf_value_destroy(desc, &attr->value);
        }
    }
    memset(attr, 0, sizeof *attr);
}

/* Frees 'rule' and everything it owns. */
void
nwf_rule_destroy(struct nwf_rule *rule)
{
    if (!rule) {
        return;
    }
    for (size_t i = 0; i < rule->proto->n_attrs; i++) {
        nwf_rule_attr_clear(&rule->proto->attrs[i], &rule->attrs[i]);
    }
    free(rule->attrs);
    free(rule);
}

/* Returns a deep copy of 'src'. */
struct nwf_rule *
nwf_rule_clone(const struct nwf_rule *src)
{
    struct nwf_rule *dst = nwf_rule_create(src->proto);
    dst->action = src->action;
    dst->direction = src->direction;
    dst->priority = src->priority;
    dst->statematch = src->statematch;
    dst->line = src->line;

    for (size_t i = 0; i < src->proto->n_attrs; i++) {
        const struct nwf_rule_attr *s = &src->attrs[i];
        struct nwf_rule_attr *d = &dst->attrs[i];
        if (!s->present) {
            continue;
        }
        *d = *s;
        if (s->is_var) {
            nwf_var_access_clone(&d->var, &s->var);
        } else {
            nwf_value_clone(&src->proto->attrs[i], &d->value, &s->value);
        }
    }
    return dst;
}

static bool
nwf_rule_attr_equal(const struct nwf_attr_desc *desc,
                    const struct nwf_rule_attr *a,
                    const struct nwf_rule_attr *b)
{
    if (a->present != b->present) {
        return false;
    } else if (!a->present) {
        return true;
    } else if (a->negated != b->negated || a->is_var != b->is_var) {
        return false;
    } else if (a->is_var) {
        return nwf_var_access_equal(&a->var, &b->var);
    } else {
        return nwf_value_equal(desc, &a->value, &b->value);
    }
}

/* Returns true if 'a' and 'b' would be formatted the same way. */
bool
nwf_rule_equal(const struct nwf_rule *a, const struct nwf_rule *b)
{
    if (a->action != b->action
        || a->direction != b->direction
        || a->priority != b->priority
        || a->statematch != b->statematch
        || a->proto != b->proto) {
        return false;
    }
    for (size_t i = 0; i < a->proto->n_attrs; i++) {
        if (!nwf_rule_attr_equal(&a->proto->attrs[i],
                                 &a->attrs[i], &b->attrs[i])) {
            return false;
        }
    }
    return true;
}

/* Returns the value of attribute 'id' in 'rule', or NULL if the rule's
 * protocol has no such attribute or the rule does not give it. */
const struct nwf_rule_attr *
nwf_rule_get(const struct nwf_rule *rule, enum nwf_attr_id id)
{
    int idx = nwf_proto_attr_index(rule->proto, id);
    return idx >= 0 && rule->attrs[idx].present ? &rule->attrs[idx] : NULL;
}

/* Appends the value of 'attr' as the XML shows it ("$X[@1]" or the
 * formatted literal) to 's', unescaped. */
void
nwf_rule_attr_format(const struct nwf_attr_desc *desc,
                     const struct nwf_rule_attr *attr, struct ds *s)
{
    if (attr->is_var) {
        nwf_var_access_format(&attr->var, s);
    } else {
        nwf_value_format(desc, &attr->value, s);
    }
}

/* Returns true if any attribute of 'rule' is a variable reference. */
bool
nwf_rule_has_vars(const struct nwf_rule *rule)
{
    for (size_t i = 0; i < rule->proto->n_attrs; i++) {
        if (rule->attrs[i].present && rule->attrs[i].is_var) {
            return true;
        }
    }
    return false;
}

/* ---- Filter references. ---- */

/* Appends 'value' to the list of values of parameter 'name' of 'ref'. */
void
nwf_filterref_add_param(struct nwf_filterref *ref, const char *name,
                        const char *value)
{
    struct svec *values = shash_find_data(&ref->params, name);
    if (!values) {
        values = xmalloc(sizeof *values);
        svec_init(values);
        shash_add(&ref->params, name, values);
    }
    svec_add(values, value);
}

/* Returns the values of parameter 'name' of 'ref', or NULL. */
const struct svec *
nwf_filterref_get_param(const struct nwf_filterref *ref, const char *name)
{
    return shash_find_data(&ref->params, name);
}

/* Frees 'ref' and everything it owns. */
void
nwf_filterref_destroy(struct nwf_filterref *ref)
{
    if (!ref) {
        return;
    }
    struct shash_node *node;
    SHASH_FOR_EACH (node, &ref->params) {
        svec_destroy(node->data);
        free(node->data);
    }
    shash_destroy(&ref->params);
    free(ref->filter);
    free(ref);
}

/* ---- Chains. ---- */

struct chain_prefix {
    const char *prefix;
    int priority;               /* Default chain priority. */
};

/* In libvirt's matching order.  stp has no entry in libvirt's table of
 * default priorities, so it gets the middle of the range, 0 (its
 * documentation says -810). */
static const struct chain_prefix chain_prefixes[] = {
    { "root", 0 },
    { "mac", -800 },
    { "vlan", -750 },
    { "stp", 0 },
    { "arp", -500 },
    { "rarp", -400 },
    { "ipv4", -700 },
    { "ipv6", -600 },
};

static const struct chain_prefix *
find_chain_prefix(const char *chain)
{
    if (!strcmp(chain, "root")) {
        return &chain_prefixes[0];
    }
    for (size_t i = 1; i < ARRAY_SIZE(chain_prefixes); i++) {
        const char *prefix = chain_prefixes[i].prefix;
        if (!strncmp(chain, prefix, strlen(prefix))) {
            return &chain_prefixes[i];
        }
    }
    return NULL;
}

/* Returns the prefix that makes 'chain' a valid chain name ("root" only
 * for "root" itself, else "mac", "vlan", "stp", "arp", "rarp", "ipv4" or
 * "ipv6"), or NULL if there is none.  Does not check length and
 * characters; see nwf_chain_check(). */
const char *
nwf_chain_prefix(const char *chain)
{
    const struct chain_prefix *p = find_chain_prefix(chain);
    return p ? p->prefix : NULL;
}

/* Checks that 'chain' may be a filter's chain (docs/filter-format.md,
 * "<filter>").  Returns NULL if so, otherwise a malloc()ed message. */
char *
nwf_chain_check(const char *chain)
{
    static const char chars[] = "abcdefghijklmnopqrstuvwxyz"
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-";

    if (strlen(chain) > NWF_CHAIN_NAME_MAX) {
        return xasprintf("chain name is longer than %d characters",
                         NWF_CHAIN_NAME_MAX);
    }
    if (chain[strspn(chain, chars)]) {
        return xstrdup("chain name contains invalid characters (allowed: "
                       "letters, digits and _.:-)");
    }
    if (!find_chain_prefix(chain)) {
        if (!strncmp(chain, "root", 4)) {
            return xstrdup("'root' is allowed only as the whole chain "
                           "name");
        }
        return xstrdup("invalid chain name: use 'root' or a name starting "
                       "with mac, vlan, stp, arp, rarp, ipv4 or ipv6");
    }
    return NULL;
}

/* Returns the default priority of a filter in 'chain', found through the
 * chain's prefix (so "arp-xyz" gets arp's -500), or 0 if 'chain' is not a
 * valid chain name. */
int
nwf_chain_default_priority(const char *chain)
{
    const struct chain_prefix *p = find_chain_prefix(chain);
    return p ? p->priority : 0;
}

/* ---- Definitions. ---- */

static bool
is_name_start(unsigned char c)
{
    return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9') || c == '_');
}

/* Checks that 'name' may be a filter's name (see nwf-filter.h): the one
 * rule for "nwf-ofctl validate", every define, and the names that
 * <filterref> uses.  Returns NULL if so, otherwise a malloc()ed message
 * that says which byte is wrong, without echoing it (it may be a control
 * character or a right-to-left override). */
char *
nwf_filter_name_check(const char *name)
{
    static const char chars[] = "abcdefghijklmnopqrstuvwxyz"
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-";
    size_t len = strlen(name);

    if (!len) {
        return xstrdup("filter name is empty");
    }
    if (len > NWF_FILTER_NAME_MAX) {
        return xasprintf("filter name is %"PRIuSIZE" bytes long, more than "
                         "the limit of %d", len, NWF_FILTER_NAME_MAX);
    }
    if (!is_name_start(name[0])) {
        return xasprintf("filter name must start with a letter, a digit or "
                         "'_' (byte 1 is 0x%02x)", (unsigned char) name[0]);
    }
    size_t n = strspn(name, chars);
    if (n < len) {
        return xasprintf("filter name may contain only letters, digits and "
                         "_.:- (byte %"PRIuSIZE" is 0x%02x)", n + 1,
                         (unsigned char) name[n]);
    }
    return NULL;
}

/* Appends 'value' to 's' for a message: printable ASCII as it is, any
 * other byte as \xNN, at most 64 bytes of it. */
static void
put_echo(struct ds *s, const char *value)
{
    size_t i;
    for (i = 0; value[i] && i < 64; i++) {
        unsigned char c = value[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            ds_put_char(s, c);
        } else {
            ds_put_format(s, "\\x%02x", c);
        }
    }
    if (value[i]) {
        ds_put_cstr(s, "...");
    }
}

/* Reports to 'diag' a bad filter name 'name' found in 'element''s
 * attribute 'attr' at 'line' of 'origin'.  Returns false if it is bad. */
static bool
check_name_at(const char *name, const char *origin, int line,
              const char *element, const char *attr, struct nwf_diag *diag)
{
    char *error = nwf_filter_name_check(name);
    if (error) {
        struct ds echo = DS_EMPTY_INITIALIZER;
        put_echo(&echo, name);
        struct nwf_diag_loc loc = {
            .file = origin, .line = line, .element = element, .attr = attr,
            .value = ds_cstr(&echo),
        };
        nwf_diag_error(diag, &loc, "%s", error);
        ds_destroy(&echo);
        free(error);
    }
    return !error;
}

/* Reports to 'diag' each range of 'rule' given with literal values whose
 * end is below its start (dstportstart='100' dstportend='10').  A range
 * that uses variables is checked when the port's values are known
 * (nwf-match.c).  Returns false if there is one. */
static bool
check_ranges(const struct nwf_rule *rule, const char *origin,
             struct nwf_diag *diag)
{
    const struct nwf_proto *proto = rule->proto;
    bool ok = true;

    for (size_t i = 0; i < proto->n_attrs; i++) {
        const struct nwf_attr_desc *end_desc = &proto->attrs[i];
        const struct nwf_rule_attr *end = &rule->attrs[i];
        if (!end->present || end->is_var
            || !nwf_attr_is_range_end(end_desc)) {
            continue;
        }
        int j = nwf_proto_attr_index(proto, end_desc->pair);
        const struct nwf_rule_attr *start = j >= 0 ? &rule->attrs[j] : NULL;
        if (!start || !start->present || start->is_var
            || nwf_value_compare(end_desc, &end->value, &start->value) >= 0) {
            continue;
        }

        struct ds end_s = DS_EMPTY_INITIALIZER;
        struct ds start_s = DS_EMPTY_INITIALIZER;
        nwf_value_format(end_desc, &end->value, &end_s);
        nwf_value_format(&proto->attrs[j], &start->value, &start_s);
        struct nwf_diag_loc loc = {
            .file = origin, .line = rule->line, .element = proto->name,
            .attr = end_desc->name, .value = ds_cstr(&end_s),
        };
        nwf_diag_error(diag, &loc, "the end of the range is below its "
                       "start, %s='%s'", proto->attrs[j].name,
                       ds_cstr(&start_s));
        ds_destroy(&end_s);
        ds_destroy(&start_s);
        ok = false;
    }
    return ok;
}

/* Checks what a new definition of 'filter' must satisfy beyond what the
 * parser accepts, which follows libvirt's more lenient C code: its name
 * and the names its <filterref>s use must be filter names
 * (nwf_filter_name_check()), and no range given with literal values may
 * end below its start (libvirt fails only when it applies such a rule,
 * as the compiler does, nwf-match.c).  Reports every problem to 'diag'
 * against 'origin' and returns true if there is none.
 *
 * "nwf-ofctl validate" and every define (nwf-store.c) apply it.  The
 * store only logs what it finds in a file that it loads, which an
 * earlier version may have accepted: such a filter keeps working and can
 * be undefined or replaced, never lost. */
bool
nwf_filter_check(const struct nwf_filter *filter, const char *origin,
                 struct nwf_diag *diag)
{
    bool ok = check_name_at(filter->name, origin, 0, "filter", "name",
                            diag);
    for (size_t i = 0; i < filter->n_entries; i++) {
        const struct nwf_entry *entry = &filter->entries[i];
        if (entry->type == NWF_ENTRY_FILTERREF) {
            ok &= check_name_at(entry->ref->filter, origin, entry->ref->line,
                                "filterref", "filter", diag);
        } else {
            ok &= check_ranges(entry->rule, origin, diag);
        }
    }
    return ok;
}

/* ---- Names. ---- */

static const char *const action_names[] = {
    [NWF_ACTION_DROP] = "drop",
    [NWF_ACTION_ACCEPT] = "accept",
    [NWF_ACTION_REJECT] = "reject",
    [NWF_ACTION_RETURN] = "return",
    [NWF_ACTION_CONTINUE] = "continue",
};

static const char *const direction_names[] = {
    [NWF_DIR_IN] = "in",
    [NWF_DIR_OUT] = "out",
    [NWF_DIR_INOUT] = "inout",
};

/* Returns the XML name of 'action'. */
const char *
nwf_action_to_string(enum nwf_action action)
{
    return action_names[action];
}

/* Sets '*action' to the action called 's' (exact, lower case as in
 * libvirt) and returns true, or returns false. */
bool
nwf_action_from_string(const char *s, enum nwf_action *action)
{
    for (size_t i = 0; i < ARRAY_SIZE(action_names); i++) {
        if (!strcmp(s, action_names[i])) {
            *action = i;
            return true;
        }
    }
    return false;
}

/* Returns the XML name of 'direction'. */
const char *
nwf_direction_to_string(enum nwf_direction direction)
{
    return direction_names[direction];
}

/* Sets '*direction' to the direction called 's' and returns true, or
 * returns false. */
bool
nwf_direction_from_string(const char *s, enum nwf_direction *direction)
{
    for (size_t i = 0; i < ARRAY_SIZE(direction_names); i++) {
        if (!strcmp(s, direction_names[i])) {
            *direction = i;
            return true;
        }
    }
    return false;
}
