/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-vars.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "openvswitch/dynamic-string.h"
#include "svec.h"
#include "util.h"

#define VAR_VALUE_CHARS NWF_VAR_NAME_CHARS ".:"

/* Names and values. */

/* Returns true if 's' may name a variable: [A-Za-z0-9_]+. */
bool
nwf_var_name_is_valid(const char *s)
{
    return s && s[0] && s[strspn(s, NWF_VAR_NAME_CHARS)] == '\0';
}

/* Returns true if 's' may be the value of a variable: [A-Za-z0-9_.:]+
 * (docs/filter-format.md, "Names, values and lists").  Values are pasted
 * into matches, so nothing that could change the meaning of the place
 * they are substituted into is let in. */
bool
nwf_var_value_is_valid(const char *s)
{
    return s && s[0] && s[strspn(s, VAR_VALUE_CHARS)] == '\0';
}

/* Tables. */

/* Initializes 'table' as empty. */
void
nwf_var_table_init(struct nwf_var_table *table)
{
    shash_init(&table->vars);
}

static void
free_values(struct svec *values)
{
    if (values) {
        svec_destroy(values);
        free(values);
    }
}

/* Removes every variable from 'table'. */
void
nwf_var_table_clear(struct nwf_var_table *table)
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, &table->vars) {
        free_values(node->data);
    }
    shash_clear(&table->vars);
}

/* Frees the contents of 'table'. */
void
nwf_var_table_destroy(struct nwf_var_table *table)
{
    if (table) {
        nwf_var_table_clear(table);
        shash_destroy(&table->vars);
    }
}

static struct svec *
clone_values(const struct svec *src)
{
    struct svec *dst = xmalloc(sizeof *dst);
    svec_clone(dst, src);
    return dst;
}

/* Initializes 'dst' as a copy of 'src'. */
void
nwf_var_table_clone(struct nwf_var_table *dst,
                    const struct nwf_var_table *src)
{
    nwf_var_table_init(dst);
    nwf_var_table_overlay(dst, src);
}

/* Exchanges the contents of 'a' and 'b'. */
void
nwf_var_table_swap(struct nwf_var_table *a, struct nwf_var_table *b)
{
    shash_swap(&a->vars, &b->vars);
}

/* Returns true if 'a' and 'b' have the same names with the same values in
 * the same order.  Order matters because it decides the order in which
 * rules are expanded. */
bool
nwf_var_table_equal(const struct nwf_var_table *a,
                    const struct nwf_var_table *b)
{
    struct shash_node *node;

    if (shash_count(&a->vars) != shash_count(&b->vars)) {
        return false;
    }
    SHASH_FOR_EACH (node, &a->vars) {
        const struct svec *other = shash_find_data(&b->vars, node->name);
        if (!other || !svec_equal(node->data, other)) {
            return false;
        }
    }
    return true;
}

static void
append_value(struct nwf_var_table *table, const char *name,
             const char *value)
{
    struct svec *values = shash_find_data(&table->vars, name);
    if (!values) {
        values = xmalloc(sizeof *values);
        svec_init(values);
        shash_add(&table->vars, name, values);
    }
    svec_add(values, value);
}

/* Returns NULL if 'name' = 'value' may go into a table, otherwise an error
 * message naming the parameter. */
static char *
check_param(const char *name, const char *value)
{
    if (!name || !name[0]) {
        return xstrdup("parameter has no name");
    }
    if (!nwf_var_name_is_valid(name)) {
        return xasprintf("parameter name '%s' is invalid: only letters, "
                         "digits and '_' are allowed", name);
    }
    if (!value || !value[0]) {
        return xasprintf("parameter '%s' has an empty value", name);
    }
    if (!nwf_var_value_is_valid(value)) {
        return xasprintf("parameter '%s' value '%s' is invalid: only "
                         "letters, digits, '_', '.' and ':' are allowed",
                         name, value);
    }
    return NULL;
}

/* Appends 'value' to the list of variable 'name' in 'table', creating the
 * variable if needed.  Like libvirt's <parameter> parsing, a pair with a
 * missing or invalid name or value is silently dropped: returns true if
 * the pair was added, false if it was dropped. */
bool
nwf_var_table_add(struct nwf_var_table *table, const char *name,
                  const char *value)
{
    if (!nwf_var_name_is_valid(name) || !nwf_var_value_is_valid(value)) {
        return false;
    }
    append_value(table, name, value);
    return true;
}

/* Like nwf_var_table_add(), but an invalid pair is an error: returns NULL
 * if the pair was added, otherwise a malloc'd message that names the
 * parameter (and adds nothing).  For input from an administrator, where a
 * silently ignored typo would weaken a filter. */
char *
nwf_var_table_add_checked(struct nwf_var_table *table, const char *name,
                          const char *value)
{
    char *error = check_param(name, value);
    if (!error) {
        append_value(table, name, value);
    }
    return error;
}

/* Returns NULL if 'list' is short enough to parse (NWF_VAR_MAX_VALUES,
 * NWF_VAR_MAX_LIST_SIZE), otherwise a message naming parameter 'name'.
 * Reads at most NWF_VAR_MAX_LIST_SIZE + 1 bytes of 'list'. */
static char *
check_list_size(const char *name, const char *list)
{
    size_t len = strnlen(list, NWF_VAR_MAX_LIST_SIZE + 1);
    if (len > NWF_VAR_MAX_LIST_SIZE) {
        return xasprintf("parameter '%s' is longer than the limit of %d "
                         "bytes", name, NWF_VAR_MAX_LIST_SIZE);
    }
    size_t n = 1;
    for (const char *p = list; (p = strchr(p, ',')) != NULL; p++) {
        n++;
    }
    if (n > NWF_VAR_MAX_VALUES) {
        return xasprintf("parameter '%s' has %"PRIuSIZE" values, more than "
                         "the limit of %d", name, n, NWF_VAR_MAX_VALUES);
    }
    return NULL;
}

/* Appends each value of the comma-separated 'list' to variable 'name', as
 * OVSDB external_ids carry lists.  Blanks around a value are ignored.  A
 * list longer than NWF_VAR_MAX_VALUES values or NWF_VAR_MAX_LIST_SIZE
 * bytes is refused whole, before it is split.
 *
 * In lenient mode invalid values (and an invalid name) are dropped, a
 * list over the limits is dropped whole, and the result is always NULL.
 * In strict mode the first problem is returned as a malloc'd message and
 * nothing is added. */
char *
nwf_var_table_add_list(struct nwf_var_table *table, const char *name,
                       const char *list, enum nwf_var_mode mode)
{
    struct svec values = SVEC_EMPTY_INITIALIZER;
    char *error = NULL;
    const char *p = list ? list : "";

    error = check_list_size(name, p);
    if (error) {
        if (mode == NWF_VAR_STRICT) {
            return error;
        }
        free(error);
        return NULL;
    }

    for (;;) {
        size_t len = strcspn(p, ",");
        const char *start = p;
        const char *end = p + len;

        while (start < end && isspace((unsigned char) *start)) {
            start++;
        }
        while (end > start && isspace((unsigned char) end[-1])) {
            end--;
        }

        char *value = xmemdup0(start, end - start);
        char *value_error = check_param(name, value);
        if (!value_error) {
            svec_add_nocopy(&values, value);
        } else {
            free(value);
            if (mode == NWF_VAR_STRICT && !error) {
                error = value_error;
            } else {
                free(value_error);
            }
        }

        if (p[len] == '\0') {
            break;
        }
        p += len + 1;
    }

    if (!error) {
        const char *value;
        size_t i;

        SVEC_FOR_EACH (i, value, &values) {
            append_value(table, name, value);
        }
    }
    svec_destroy(&values);
    return error;
}

/* Parses 'assignment' of the form "NAME=V1,V2,..." and appends the values
 * to NAME, as nwf_var_table_add_list() does. */
char *
nwf_var_table_parse_assignment(struct nwf_var_table *table,
                               const char *assignment,
                               enum nwf_var_mode mode)
{
    const char *eq = strchr(assignment, '=');

    if (!eq) {
        return (mode == NWF_VAR_STRICT
                ? xasprintf("parameter '%s' has no '=' and no value",
                            assignment)
                : NULL);
    }

    const char *start = assignment;
    const char *end = eq;
    while (start < end && isspace((unsigned char) *start)) {
        start++;
    }
    while (end > start && isspace((unsigned char) end[-1])) {
        end--;
    }

    char *name = xmemdup0(start, end - start);
    char *error = nwf_var_table_add_list(table, name, eq + 1, mode);
    free(name);
    return error;
}

/* Makes 'value' the only value of variable 'name' (which must be a valid
 * name; the value is not checked, the caller vouches for it). */
void
nwf_var_table_set(struct nwf_var_table *table, const char *name,
                  const char *value)
{
    nwf_var_table_remove(table, name);
    append_value(table, name, value);
}

/* Sets variable 'name' to 'value' only if 'table' has no such variable,
 * the rule for the port's MAC and a learned IP: a value given by the user
 * wins.  Returns true if it set the value. */
bool
nwf_var_table_set_default(struct nwf_var_table *table, const char *name,
                          const char *value)
{
    if (nwf_var_table_contains(table, name)) {
        return false;
    }
    append_value(table, name, value);
    return true;
}

/* Removes variable 'name' from 'table'.  Returns true if it was there. */
bool
nwf_var_table_remove(struct nwf_var_table *table, const char *name)
{
    struct svec *values = shash_find_and_delete(&table->vars, name);
    free_values(values);
    return values != NULL;
}

/* Copies every variable of 'src' into 'dst', replacing the whole list of a
 * variable that 'dst' already has. */
void
nwf_var_table_overlay(struct nwf_var_table *dst,
                      const struct nwf_var_table *src)
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, &src->vars) {
        free_values(shash_replace(&dst->vars, node->name,
                                  clone_values(node->data)));
    }
}

/* Initializes 'child' as the table seen inside <filterref>: the
 * filterref's own 'params' overlaid by the 'caller''s table.  The caller
 * wins, as in libvirt, so the binding's parameters override defaults that
 * a filter passes down to the filters it references. */
void
nwf_var_table_init_overlay(struct nwf_var_table *child,
                           const struct nwf_var_table *params,
                           const struct nwf_var_table *caller)
{
    nwf_var_table_init(child);
    if (params) {
        nwf_var_table_overlay(child, params);
    }
    if (caller) {
        nwf_var_table_overlay(child, caller);
    }
}

/* Returns the values of variable 'name', or NULL if there is none. */
const struct svec *
nwf_var_table_find(const struct nwf_var_table *table, const char *name)
{
    return shash_find_data(&table->vars, name);
}

/* Returns true if 'table' has variable 'name'. */
bool
nwf_var_table_contains(const struct nwf_var_table *table, const char *name)
{
    return nwf_var_table_find(table, name) != NULL;
}

/* Returns the number of values of variable 'name' (0 if absent). */
size_t
nwf_var_table_n_values(const struct nwf_var_table *table, const char *name)
{
    const struct svec *values = nwf_var_table_find(table, name);
    return values ? values->n : 0;
}

/* Returns value 'idx' of variable 'name', or NULL if there is none. */
const char *
nwf_var_table_get(const struct nwf_var_table *table, const char *name,
                  size_t idx)
{
    const struct svec *values = nwf_var_table_find(table, name);
    return values && idx < values->n ? values->names[idx] : NULL;
}

/* Returns the number of variables in 'table'. */
size_t
nwf_var_table_count(const struct nwf_var_table *table)
{
    return shash_count(&table->vars);
}

/* Returns the variables of 'table' sorted by name, in a malloc'd array of
 * shash_count() nodes whose data are struct svec *. */
const struct shash_node **
nwf_var_table_sort(const struct nwf_var_table *table)
{
    return shash_sort(&table->vars);
}

/* Appends 'table' to 's' as "A=1,2 B=x", sorted by name, so equal tables
 * print identically. */
void
nwf_var_table_format(const struct nwf_var_table *table, struct ds *s)
{
    const struct shash_node **nodes = nwf_var_table_sort(table);
    size_t n = nwf_var_table_count(table);

    for (size_t i = 0; i < n; i++) {
        const struct svec *values = nodes[i]->data;
        const char *value;
        size_t j;

        if (i) {
            ds_put_char(s, ' ');
        }
        ds_put_format(s, "%s=", nodes[i]->name);
        SVEC_FOR_EACH (j, value, values) {
            ds_put_format(s, "%s%s", j ? "," : "", value);
        }
    }
    free(nodes);
}

/* Learning mode. */

/* Parses 's' (any, dhcp or none, in any case) into '*mode'.  Returns false
 * for anything else. */
bool
nwf_ip_learning_from_string(const char *s, enum nwf_ip_learning *mode)
{
    if (!strcasecmp(s, "any")) {
        *mode = NWF_IP_LEARNING_ANY;
    } else if (!strcasecmp(s, "dhcp")) {
        *mode = NWF_IP_LEARNING_DHCP;
    } else if (!strcasecmp(s, "none")) {
        *mode = NWF_IP_LEARNING_NONE;
    } else {
        return false;
    }
    return true;
}

/* Returns the lower-case name of 'mode'. */
const char *
nwf_ip_learning_to_string(enum nwf_ip_learning mode)
{
    switch (mode) {
    case NWF_IP_LEARNING_ANY:
        return "any";
    case NWF_IP_LEARNING_DHCP:
        return "dhcp";
    case NWF_IP_LEARNING_NONE:
        return "none";
    }
    return "unknown";
}

/* Stores in '*mode' the learning mode that CTRL_IP_LEARNING in 'table'
 * selects ('any' if it is absent; the first value if it is a list).
 * Returns NULL, or an error message for an unknown mode, which makes the
 * port fail as it does in libvirt. */
char *
nwf_var_table_get_ip_learning(const struct nwf_var_table *table,
                              enum nwf_ip_learning *mode)
{
    const char *value = nwf_var_table_get(table, NWF_VAR_CTRL_IP_LEARNING,
                                          0);

    *mode = NWF_IP_LEARNING_ANY;
    if (value && !nwf_ip_learning_from_string(value, mode)) {
        return xasprintf("learning value '%s' of %s is invalid: use any, "
                         "dhcp or none", value, NWF_VAR_CTRL_IP_LEARNING);
    }
    return NULL;
}

/* Reads unsigned parameter 'name' of 'table' (its first value) into
 * '*value', 'dflt' if it is absent.  Returns NULL, or a message if it is
 * not a decimal number from 'min' to 'max'. */
static char *
get_uint_param(const struct nwf_var_table *table, const char *name,
               unsigned long long int min, unsigned long long int max,
               unsigned long long int dflt, unsigned long long int *value)
{
    const char *s = nwf_var_table_get(table, name, 0);
    *value = dflt;
    if (!s) {
        return NULL;
    }

    char *end;
    errno = 0;
    unsigned long long int n = strtoull(s, &end, 10);
    if (!isdigit((unsigned char) s[0]) || *end || errno || n < min
        || n > max) {
        return xasprintf("parameter '%s' value '%s' is invalid: use a number "
                         "from %llu to %llu", name, s, min, max);
    }
    *value = n;
    return NULL;
}

/* Stores in '*limits' what CTRL_IP_LEARNING_MAX_ADDRS and
 * CTRL_IP_LEARNING_MAX_LEASE of 'table' say (see nwf-vars.h), their
 * defaults when absent.  Returns NULL, or a message naming the parameter
 * whose value is invalid. */
char *
nwf_var_table_get_ip_learning_limits(const struct nwf_var_table *table,
                                     struct nwf_ip_learning_limits *limits)
{
    unsigned long long int addrs, lease;
    char *error = get_uint_param(table, NWF_VAR_CTRL_IP_LEARNING_MAX_ADDRS,
                                 1, NWF_IP_LEARNING_MAX_ADDRS_LIMIT,
                                 NWF_IP_LEARNING_MAX_ADDRS_DEFAULT, &addrs);
    if (!error) {
        error = get_uint_param(table, NWF_VAR_CTRL_IP_LEARNING_MAX_LEASE,
                               NWF_IP_LEARNING_MAX_LEASE_MIN,
                               NWF_IP_LEARNING_LEASE_UNLIMITED,
                               NWF_IP_LEARNING_MAX_LEASE_DEFAULT, &lease);
    }
    limits->max_addrs = error ? NWF_IP_LEARNING_MAX_ADDRS_DEFAULT : addrs;
    limits->max_lease = error ? NWF_IP_LEARNING_MAX_LEASE_DEFAULT : lease;
    return error;
}
