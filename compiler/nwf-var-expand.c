/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-var-expand.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "nwf-vars.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "sset.h"
#include "svec.h"
#include "util.h"

/* Accesses. */

static const char *
skip_blanks(const char *p)
{
    while (isspace((unsigned char) *p)) {
        p++;
    }
    return p;
}

/* Parses the variable access 's' ("$X", "$X[@N]" or "$X[N]", see the
 * comment at the top of nwf-vars.h) into '*access'.  Returns NULL on
 * success, otherwise a malloc'd error message (and '*access' is left
 * empty).  The message does not quote 's': the XML parser, its caller,
 * already reports the attribute and its value next to it. */
char *
nwf_var_access_parse(const char *s, struct nwf_var_access *access)
{
    memset(access, 0, sizeof *access);
    if (!nwf_var_is_reference(s)) {
        return xstrdup("variable reference must start with '$'");
    }

    const char *name = s + 1;
    size_t len = strspn(name, NWF_VAR_NAME_CHARS);
    if (!len) {
        return xstrdup("variable name must consist of letters, digits "
                       "and '_'");
    }

    const char *p = name + len;
    enum nwf_var_access_type type = NWF_VAR_ITERATOR;
    unsigned long int n = 0;
    /* No blanks before '[': libvirt does not allow them either. */
    if (*p == '[') {
        p = skip_blanks(p + 1);
        if (*p == '@') {
            p = skip_blanks(p + 1);
        } else {
            type = NWF_VAR_ELEMENT;
        }
        /* strtoul() would also take a sign or more blanks. */
        if (!isdigit((unsigned char) *p)) {
            goto malformed;
        }

        char *end;
        errno = 0;
        n = strtoul(p, &end, 10);
        p = skip_blanks(end);
        if (errno || n > UINT_MAX || *p != ']') {
            goto malformed;
        }
        p++;
        if (type == NWF_VAR_ITERATOR && n > NWF_VAR_MAX_ITER_ID) {
            return xasprintf("iterator id %lu exceeds the maximum of %d",
                             n, NWF_VAR_MAX_ITER_ID);
        }
    }
    /* libvirt ignores anything after ']'; we accept only blanks, so that
     * a typo cannot silently change what a rule matches. */
    if (*skip_blanks(p)) {
        goto malformed;
    }

    access->name = xmemdup0(name, len);
    access->type = type;
    access->index = n;
    return NULL;

malformed:
    return xstrdup("malformed variable reference: expected $NAME, "
                   "$NAME[@ITERATOR] or $NAME[INDEX]");
}

/* Frees the contents of 'access'. */
void
nwf_var_access_destroy(struct nwf_var_access *access)
{
    if (access) {
        free(access->name);
        access->name = NULL;
    }
}

/* Initializes 'dst' as a copy of 'src'. */
void
nwf_var_access_clone(struct nwf_var_access *dst,
                     const struct nwf_var_access *src)
{
    *dst = *src;
    dst->name = nullable_xstrdup(src->name);
}

/* Returns true if 'a' and 'b' access the same variable the same way. */
bool
nwf_var_access_equal(const struct nwf_var_access *a,
                     const struct nwf_var_access *b)
{
    return (a->type == b->type && a->index == b->index
            && !strcmp(a->name, b->name));
}

static void
format_access(const struct nwf_var_access *access, bool dollar,
              struct ds *s)
{
    ds_put_format(s, "%s%s", dollar ? "$" : "", access->name);
    if (access->type == NWF_VAR_ELEMENT) {
        ds_put_format(s, "[%u]", access->index);
    } else if (access->index) {
        ds_put_format(s, "[@%u]", access->index);
    }
}

/* Appends 'access' to 's' in canonical form: "$X" for iterator 0, "$X[@N]"
 * and "$X[N]" otherwise. */
void
nwf_var_access_format(const struct nwf_var_access *access, struct ds *s)
{
    format_access(access, true, s);
}

/* Returns 'access' in canonical form, as a malloc'd string. */
char *
nwf_var_access_to_string(const struct nwf_var_access *access)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    nwf_var_access_format(access, &s);
    return ds_steal_cstr(&s);
}

/* Returns true if 'table' can satisfy 'access': the variable exists and,
 * for $X[N], has more than N values. */
bool
nwf_var_access_is_available(const struct nwf_var_access *access,
                            const struct nwf_var_table *table)
{
    size_t n = nwf_var_table_n_values(table, access->name);
    return access->type == NWF_VAR_ELEMENT ? access->index < n : n > 0;
}

/* Missing variables. */

/* Adds to 'missing' each of the 'n_accesses' accesses that 'table' cannot
 * satisfy, in canonical form without '$' ("A", "B[3]", "C[@1]"). */
void
nwf_var_collect_missing(const struct nwf_var_access *const *accesses,
                        size_t n_accesses, const struct nwf_var_table *table,
                        struct sset *missing)
{
    for (size_t i = 0; i < n_accesses; i++) {
        if (!nwf_var_access_is_available(accesses[i], table)) {
            struct ds s = DS_EMPTY_INITIALIZER;
            format_access(accesses[i], false, &s);
            sset_add(missing, ds_cstr(&s));
            ds_destroy(&s);
        }
    }
}

/* Returns the entries of 'missing' sorted and separated by ", ", as a
 * malloc'd string, for "unresolvable variables: A, B[3]". */
char *
nwf_var_missing_to_string(const struct sset *missing)
{
    const char **names = sset_sort(missing);
    struct ds s = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < sset_count(missing); i++) {
        ds_put_format(&s, "%s%s", i ? ", " : "", names[i]);
    }
    free(names);
    return ds_steal_cstr(&s);
}

/* Returns true if 'missing' is not empty and every entry is IP in iterator
 * form ("IP" or "IP[@N]"): then learning the VM's address can make the
 * filter complete.  libvirt only learns when the sole entry is "IP"; an
 * extra $IP[@N] would also be satisfied by the learned list, so we accept
 * it too.  $IP[N] is not accepted: learning yields one address. */
bool
nwf_var_missing_only_ip(const struct sset *missing)
{
    const char *name;

    if (sset_is_empty(missing)) {
        return false;
    }
    SSET_FOR_EACH (name, missing) {
        if (strcmp(name, NWF_VAR_IP)
            && strncmp(name, NWF_VAR_IP "[@", strlen(NWF_VAR_IP "[@"))) {
            return false;
        }
    }
    return true;
}

/* Expansion. */

/* One iterator of an expansion: a set of accesses that advance together.
 * An element access $X[N] gets an iterator of its own that never moves.
 *
 * The positions an iterator takes are worked out once, before the
 * enumeration: every position of its lists in order, less those whose
 * tuple of values repeats an earlier position's.  With a hash of the
 * tuples that costs time linear in the length of the lists (comparing
 * each position with every earlier one made a list of 59,002 values take
 * seconds), and the enumeration, which walks the first iterator once for
 * each combination of the others, only steps through an array. */
struct var_iter {
    bool is_element;
    unsigned int id;            /* Iterator id (not for elements). */
    size_t first, last;         /* Positions of the lists, inclusive. */
    size_t *positions;          /* Positions it takes, in order. */
    size_t n_positions;
    size_t cur;                 /* Index into 'positions'. */
    const struct svec **lists;  /* Lists of its members. */
    size_t *members;            /* Indexes into the accesses. */
    size_t n_members;
};

static struct var_iter *
find_iter(struct var_iter *iters, size_t n, unsigned int id)
{
    for (size_t i = 0; i < n; i++) {
        if (!iters[i].is_element && iters[i].id == id) {
            return &iters[i];
        }
    }
    return NULL;
}

static void
iter_add_member(struct var_iter *it, size_t access_idx,
                const struct svec *list)
{
    it->members = xrealloc(it->members,
                           (it->n_members + 1) * sizeof *it->members);
    it->lists = xrealloc(it->lists, (it->n_members + 1) * sizeof *it->lists);
    it->members[it->n_members] = access_idx;
    it->lists[it->n_members] = list;
    it->n_members++;
}

/* A position of an iterator whose tuple of values was seen first there. */
struct tuple_node {
    struct hmap_node node;      /* In a hash of the tuples. */
    size_t pos;
};

static uint32_t
tuple_hash(const struct var_iter *it, size_t pos)
{
    uint32_t hash = 0;
    for (size_t m = 0; m < it->n_members; m++) {
        hash = hash_string(it->lists[m]->names[pos], hash);
    }
    return hash;
}

static bool
tuple_equal(const struct var_iter *it, size_t a, size_t b)
{
    for (size_t m = 0; m < it->n_members; m++) {
        const struct svec *list = it->lists[m];
        if (strcmp(list->names[a], list->names[b])) {
            return false;
        }
    }
    return true;
}

/* Fills in it->positions: the positions from it->first to it->last, in
 * order, less each one whose tuple of values an earlier one has, so that
 * the first occurrence of a tuple is the one kept. */
static void
iter_find_positions(struct var_iter *it)
{
    size_t n = it->last - it->first + 1;

    it->positions = xmalloc(n * sizeof *it->positions);
    it->n_positions = 0;
    it->cur = 0;
    if (n == 1) {
        it->positions[it->n_positions++] = it->first;
        return;
    }

    struct tuple_node *nodes = xmalloc(n * sizeof *nodes);
    struct hmap seen = HMAP_INITIALIZER(&seen);
    hmap_reserve(&seen, n);
    for (size_t pos = it->first; pos <= it->last; pos++) {
        uint32_t hash = tuple_hash(it, pos);
        const struct tuple_node *old;
        bool repeat = false;

        HMAP_FOR_EACH_WITH_HASH (old, node, hash, &seen) {
            if (tuple_equal(it, old->pos, pos)) {
                repeat = true;
                break;
            }
        }
        if (!repeat) {
            struct tuple_node *first = &nodes[it->n_positions];
            first->pos = pos;
            hmap_insert_fast(&seen, &first->node, hash);
            it->positions[it->n_positions++] = pos;
        }
    }
    hmap_destroy(&seen);
    free(nodes);
}

/* The position of iterator 'it' in the current combination. */
static size_t
iter_pos(const struct var_iter *it)
{
    return it->positions[it->cur];
}

/* Moves to the next combination, the first iterator fastest.  Returns false
 * when every combination has been produced. */
static bool
iters_next(struct var_iter *iters, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct var_iter *it = &iters[i];

        if (++it->cur < it->n_positions) {
            return true;
        }
        it->cur = 0;
    }
    return false;
}

static char *
cardinality_error(const struct nwf_var_access *const *accesses,
                  const struct var_iter *it)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_cstr(&s, "Cardinality of list items must be the same for "
                "processing them in parallel: ");
    for (size_t m = 0; m < it->n_members; m++) {
        const struct svec *list = it->lists[m];
        if (m) {
            ds_put_cstr(&s, ", ");
        }
        nwf_var_access_format(accesses[it->members[m]], &s);
        ds_put_format(&s, " has %"PRIuSIZE" value%s",
                      list->n, list->n == 1 ? "" : "s");
    }
    return ds_steal_cstr(&s);
}

static void
iters_destroy(struct var_iter *iters, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(iters[i].members);
        free(iters[i].lists);
        free(iters[i].positions);
    }
    free(iters);
}

/* Builds the iterators for 'accesses'.  Iterator @0 always comes first,
 * as in libvirt, so "$B" varies faster than "$A[@1]" wherever they appear
 * in the rule; the others follow in order of first use. */
static char *
iters_create(const struct nwf_var_access *const *accesses, size_t n,
             const struct nwf_var_table *table,
             struct var_iter **itersp, size_t *n_itersp)
{
    struct var_iter *iters = xcalloc(n + 1, sizeof *iters);
    size_t n_iters = 1;

    iters[0].id = 0;
    for (size_t i = 0; i < n; i++) {
        const struct nwf_var_access *a = accesses[i];
        const struct svec *list = nwf_var_table_find(table, a->name);
        struct var_iter *it;

        ovs_assert(list && list->n);
        if (a->type == NWF_VAR_ELEMENT) {
            ovs_assert(a->index < list->n);
            it = &iters[n_iters++];
            it->is_element = true;
            it->first = it->last = a->index;
        } else {
            it = find_iter(iters, n_iters, a->index);
            if (!it) {
                it = &iters[n_iters++];
                it->id = a->index;
            }
            if (!it->n_members) {
                it->first = 0;
                it->last = list->n - 1;
            }
        }
        iter_add_member(it, i, list);
    }

    for (size_t i = 0; i < n_iters; i++) {
        const struct var_iter *it = &iters[i];
        for (size_t m = 0; !it->is_element && m < it->n_members; m++) {
            if (it->lists[m]->n != it->last + 1) {
                char *error = cardinality_error(accesses, it);
                iters_destroy(iters, n_iters);
                return error;
            }
        }
    }
    for (size_t i = 0; i < n_iters; i++) {
        iter_find_positions(&iters[i]);
    }

    *itersp = iters;
    *n_itersp = n_iters;
    return NULL;
}

/* Enumerates, into 'combos', every combination of values that the
 * 'n_accesses' accesses take in 'table', in the order libvirt instantiates
 * them (see the comment at the top of nwf-vars.h).  combos->values point
 * into 'table', which must outlive 'combos' unchanged.
 *
 * Returns NULL on success, otherwise a malloc'd error message ('combos' is
 * then empty): some variables are missing (listed as "A, B[3]"), lists
 * sharing an iterator differ in length, or there are more than
 * NWF_VAR_MAX_COMBINATIONS combinations. */
char *
nwf_var_expand(const struct nwf_var_access *const *accesses,
               size_t n_accesses, const struct nwf_var_table *table,
               struct nwf_var_combos *combos)
{
    struct var_iter *iters = NULL;
    size_t n_iters = 0;
    size_t allocated = 0;
    char *error;

    memset(combos, 0, sizeof *combos);
    combos->n_vars = n_accesses;

    struct sset missing = SSET_INITIALIZER(&missing);
    nwf_var_collect_missing(accesses, n_accesses, table, &missing);
    if (!sset_is_empty(&missing)) {
        char *list = nwf_var_missing_to_string(&missing);
        error = xasprintf("unresolvable variables or unavailable list "
                          "elements: %s", list);
        free(list);
        sset_destroy(&missing);
        return error;
    }
    sset_destroy(&missing);

    error = iters_create(accesses, n_accesses, table, &iters, &n_iters);
    if (error) {
        return error;
    }

    do {
        if (combos->n >= NWF_VAR_MAX_COMBINATIONS) {
            nwf_var_combos_destroy(combos);
            iters_destroy(iters, n_iters);
            return xasprintf("variables expand to more than %d "
                             "combinations", NWF_VAR_MAX_COMBINATIONS);
        }
        if (n_accesses) {
            size_t needed = (combos->n + 1) * n_accesses;
            if (needed > allocated) {
                allocated = MAX(needed, 2 * allocated);
                combos->values = xrealloc(combos->values,
                                          allocated
                                          * sizeof *combos->values);
            }
            for (size_t i = 0; i < n_iters; i++) {
                const struct var_iter *it = &iters[i];
                for (size_t m = 0; m < it->n_members; m++) {
                    size_t k = combos->n * n_accesses + it->members[m];
                    combos->values[k] = it->lists[m]->names[iter_pos(it)];
                }
            }
        }
        combos->n++;
    } while (iters_next(iters, n_iters));

    iters_destroy(iters, n_iters);
    return NULL;
}

/* Frees the contents of 'combos'. */
void
nwf_var_combos_destroy(struct nwf_var_combos *combos)
{
    if (combos) {
        free(combos->values);
        combos->values = NULL;
        combos->n = 0;
    }
}
