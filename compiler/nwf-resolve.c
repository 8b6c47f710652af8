/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-resolve.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "nwf-diag.h"
#include "nwf-filter.h"
#include "nwf-proto.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "svec.h"
#include "util.h"

/* A rule found by the walk, waiting for its variables to be expanded. */
struct pending_rule {
    const struct nwf_filter *filter;
    const struct nwf_rule *rule;
    size_t rule_index;
    const struct nwf_var_table *vars;   /* Table of the filter's visit. */
};

struct resolve_ctx {
    const struct nwf_filter *(*lookup)(const char *name, void *aux);
    void *aux;
    struct nwf_resolved *out;
    struct nwf_diag *diag;

    struct svec path;           /* Filters from the top to the current one. */
    size_t n_visits;
    bool failed;                /* An error was reported. */
    bool too_big;               /* A limit was hit: stop early. */

    struct sset missing;        /* Missing variable accesses ("A", "B[3]"). */
    struct sset reported;       /* Messages already given, to give each
                                 * once however often a filter is used. */

    struct pending_rule *pending;
    size_t n_pending, allocated_pending;

    struct nwf_var_table **tables;      /* One per filter visit. */
    size_t n_tables, allocated_tables;
};

/* Reports an error once: a filter referenced several times would
 * otherwise repeat the same message for each reference. */
static void OVS_PRINTF_FORMAT(3, 4)
report(struct resolve_ctx *ctx, const struct nwf_diag_loc *loc,
       const char *format, ...)
{
    struct ds key = DS_EMPTY_INITIALIZER;
    va_list args;

    if (loc) {
        ds_put_format(&key, "%s|%s|%s|", loc->element ? loc->element : "",
                      loc->attr ? loc->attr : "",
                      loc->value ? loc->value : "");
    }
    size_t prefix = key.length;
    va_start(args, format);
    ds_put_format_valist(&key, format, args);
    va_end(args);

    if (sset_add(&ctx->reported, ds_cstr(&key))) {
        nwf_diag_error(ctx->diag, loc, "%s", ds_cstr(&key) + prefix);
    }
    ds_destroy(&key);
    ctx->failed = true;
}

/* Results. */

/* Initializes 'r' as empty. */
void
nwf_resolved_init(struct nwf_resolved *r)
{
    r->insts = NULL;
    r->n_insts = r->allocated_insts = 0;
    sset_init(&r->filters);
    r->learning = NWF_IP_LEARNING_ANY;
    sset_init(&r->strings);
}

/* Empties 'r' (which stays initialized). */
void
nwf_resolved_clear(struct nwf_resolved *r)
{
    for (size_t i = 0; i < r->n_insts; i++) {
        nwf_rule_destroy(r->insts[i].rule);
    }
    r->n_insts = 0;
    sset_clear(&r->filters);
    r->learning = NWF_IP_LEARNING_ANY;
    sset_clear(&r->strings);
}

/* Frees the contents of 'r'. */
void
nwf_resolved_destroy(struct nwf_resolved *r)
{
    if (r) {
        nwf_resolved_clear(r);
        free(r->insts);
        r->insts = NULL;
        r->allocated_insts = 0;
        sset_destroy(&r->filters);
        sset_destroy(&r->strings);
    }
}

static const char *
intern(struct nwf_resolved *r, const char *s)
{
    struct sset_node *node = sset_find(&r->strings, s);
    if (!node) {
        node = sset_add(&r->strings, s);
    }
    return node->name;
}

/* The walk. */

static struct nwf_var_table *
new_table(struct resolve_ctx *ctx)
{
    struct nwf_var_table *t = xmalloc(sizeof *t);
    nwf_var_table_init(t);
    if (ctx->n_tables >= ctx->allocated_tables) {
        ctx->tables = x2nrealloc(ctx->tables, &ctx->allocated_tables,
                                 sizeof *ctx->tables);
    }
    ctx->tables[ctx->n_tables++] = t;
    return t;
}

/* The distinct variable accesses of one rule, in the order of its
 * attributes (the descriptor table's order, which is libvirt's, so that
 * iterators advance in libvirt's order).  The accesses are the rule's
 * own, so they live as long as the rule. */
struct rule_vars {
    const struct nwf_var_access **ptrs;     /* For nwf_var_expand(). */
    size_t *attr_to_access;     /* Attribute index -> index in 'ptrs'. */
    size_t n;
};

static void
rule_vars_init(struct rule_vars *rv, const struct nwf_rule *rule)
{
    size_t n_attrs = rule->proto->n_attrs;

    rv->ptrs = xmalloc((n_attrs + 1) * sizeof *rv->ptrs);
    rv->attr_to_access = xmalloc((n_attrs + 1) * sizeof *rv->attr_to_access);
    rv->n = 0;

    for (size_t i = 0; i < n_attrs; i++) {
        const struct nwf_rule_attr *attr = &rule->attrs[i];
        size_t j;

        if (!attr->present || !attr->is_var) {
            continue;
        }
        for (j = 0; j < rv->n; j++) {
            if (nwf_var_access_equal(rv->ptrs[j], &attr->var)) {
                break;
            }
        }
        if (j == rv->n) {
            rv->ptrs[rv->n++] = &attr->var;
        }
        rv->attr_to_access[i] = j;
    }
}

static void
rule_vars_destroy(struct rule_vars *rv)
{
    free(rv->ptrs);
    free(rv->attr_to_access);
}

static void
note_missing(struct resolve_ctx *ctx, const struct nwf_rule *rule,
             const struct nwf_var_table *vars)
{
    struct rule_vars rv;

    rule_vars_init(&rv, rule);
    nwf_var_collect_missing(rv.ptrs, rv.n, vars, &ctx->missing);
    rule_vars_destroy(&rv);
}

static void
add_pending(struct resolve_ctx *ctx, const struct nwf_filter *filter,
            const struct nwf_rule *rule, size_t rule_index,
            const struct nwf_var_table *vars)
{
    if (ctx->n_pending >= ctx->allocated_pending) {
        ctx->pending = x2nrealloc(ctx->pending, &ctx->allocated_pending,
                                  sizeof *ctx->pending);
    }
    ctx->pending[ctx->n_pending++] = (struct pending_rule) {
        .filter = filter,
        .rule = rule,
        .rule_index = rule_index,
        .vars = vars,
    };
    note_missing(ctx, rule, vars);
}

static void
format_path(const struct svec *path, const char *last, struct ds *s)
{
    const char *name;
    size_t i;

    SVEC_FOR_EACH (i, name, path) {
        ds_put_format(s, "%s -> ", name);
    }
    ds_put_cstr(s, last);
}

/* Visits 'filter' with variable table 'vars': queues its rules and
 * descends into its references, depth-first in document order. */
static void
walk(struct resolve_ctx *ctx, const struct nwf_filter *filter,
     const struct nwf_var_table *vars)
{
    size_t rule_index = 0;

    if (++ctx->n_visits > NWF_RESOLVE_MAX_VISITS) {
        report(ctx, NULL, "filter '%s' leads to more than %d filter "
               "references", ctx->path.names[0], NWF_RESOLVE_MAX_VISITS);
        ctx->too_big = true;
        return;
    }

    for (size_t i = 0; i < filter->n_entries && !ctx->too_big; i++) {
        const struct nwf_entry *e = &filter->entries[i];

        if (e->type == NWF_ENTRY_RULE) {
            add_pending(ctx, filter, e->rule, rule_index++, vars);
            continue;
        }

        const struct nwf_filterref *ref = e->ref;
        sset_add(&ctx->out->filters, ref->filter);

        const struct nwf_filter *child = ctx->lookup(ref->filter, ctx->aux);
        if (!child) {
            report(ctx, NULL, "referenced filter '%s' is missing "
                   "(referenced by filter '%s')", ref->filter, filter->name);
            continue;
        }
        if (svec_contains_unsorted(&ctx->path, ref->filter)) {
            struct ds loop = DS_EMPTY_INITIALIZER;
            format_path(&ctx->path, ref->filter, &loop);
            report(ctx, NULL, "filter '%s' would introduce a loop: %s",
                   ref->filter, ds_cstr(&loop));
            ds_destroy(&loop);
            continue;
        }

        /* The filterref's parameters, overlaid by ours: ours win. */
        struct nwf_var_table params;
        struct shash_node *node;

        nwf_var_table_init(&params);
        SHASH_FOR_EACH (node, &ref->params) {
            const struct svec *values = node->data;
            const char *value;
            size_t j;

            SVEC_FOR_EACH (j, value, values) {
                nwf_var_table_add(&params, node->name, value);
            }
        }
        struct nwf_var_table *child_vars = new_table(ctx);
        nwf_var_table_overlay(child_vars, &params);
        nwf_var_table_overlay(child_vars, vars);
        nwf_var_table_destroy(&params);

        svec_add(&ctx->path, ref->filter);
        walk(ctx, child, child_vars);
        svec_pop_back(&ctx->path);
    }
}

/* Instantiation. */

static struct nwf_rule_inst *
add_inst(struct nwf_resolved *out)
{
    if (out->n_insts >= out->allocated_insts) {
        out->insts = x2nrealloc(out->insts, &out->allocated_insts,
                                sizeof *out->insts);
    }
    struct nwf_rule_inst *inst = &out->insts[out->n_insts++];
    memset(inst, 0, sizeof *inst);
    return inst;
}

/* Appends "filter 'F' (rule N, line L)" for messages about 'p'; N counts
 * the filter's rules from 1, as a reader of the XML would. */
static void
format_rule_origin(const struct pending_rule *p, struct ds *s)
{
    ds_put_format(s, "filter '%s' (rule %"PRIuSIZE, p->filter->name,
                  p->rule_index + 1);
    if (p->rule->line > 0) {
        ds_put_format(s, ", line %d", p->rule->line);
    }
    ds_put_char(s, ')');
}

/* Builds the rule of combination 'combo' of 'p': literal attributes are
 * copied, variables replaced by their value parsed with the attribute's
 * type.  Returns NULL (and reports why) if a value does not fit. */
static struct nwf_rule *
instantiate_rule(struct resolve_ctx *ctx, const struct pending_rule *p,
                 const struct rule_vars *rv,
                 const struct nwf_var_combos *combos, size_t combo)
{
    const struct nwf_rule *src = p->rule;
    const struct nwf_proto *proto = src->proto;
    struct nwf_rule *dst = nwf_rule_create(proto);
    bool ok = true;

    dst->action = src->action;
    dst->direction = src->direction;
    dst->priority = src->priority;
    dst->statematch = src->statematch;
    dst->line = src->line;

    for (size_t i = 0; i < proto->n_attrs; i++) {
        const struct nwf_attr_desc *desc = &proto->attrs[i];
        const struct nwf_rule_attr *sa = &src->attrs[i];
        struct nwf_rule_attr *da = &dst->attrs[i];

        if (!sa->present) {
            continue;
        }
        memset(da, 0, sizeof *da);
        da->negated = sa->negated;
        if (!sa->is_var) {
            nwf_value_clone(desc, &da->value, &sa->value);
            da->present = true;
            continue;
        }

        size_t k = rv->attr_to_access[i];
        const char *text = nwf_var_combos_get(combos, combo, k);
        char *error = nwf_value_parse(desc, text, &da->value);
        if (error) {
            struct nwf_diag_loc loc = {
                .element = proto->name,
                .attr = desc->name,
                .value = text,
            };
            struct ds where = DS_EMPTY_INITIALIZER;

            ds_put_cstr(&where, "variable ");
            nwf_var_access_format(rv->ptrs[k], &where);
            ds_put_cstr(&where, " in ");
            format_rule_origin(p, &where);
            report(ctx, &loc, "%s: %s", ds_cstr(&where), error);
            ds_destroy(&where);
            free(error);
            memset(&da->value, 0, sizeof da->value);
            ok = false;
            continue;
        }
        da->present = true;
    }

    if (!ok) {
        nwf_rule_destroy(dst);
        return NULL;
    }
    return dst;
}

/* Expands pending rule 'p' into instances appended to ctx->out. */
static void
expand_pending(struct resolve_ctx *ctx, const struct pending_rule *p)
{
    struct nwf_var_combos combos;
    struct rule_vars rv;

    rule_vars_init(&rv, p->rule);
    char *error = nwf_var_expand(rv.ptrs, rv.n, p->vars, &combos);
    if (error) {
        struct ds where = DS_EMPTY_INITIALIZER;
        format_rule_origin(p, &where);
        report(ctx, NULL, "%s: %s", ds_cstr(&where), error);
        ds_destroy(&where);
        free(error);
        rule_vars_destroy(&rv);
        return;
    }

    for (size_t c = 0; c < combos.n; c++) {
        if (ctx->out->n_insts >= NWF_RESOLVE_MAX_INSTANCES) {
            report(ctx, NULL, "the filters expand to more than %d rules",
                   NWF_RESOLVE_MAX_INSTANCES);
            ctx->too_big = true;
            break;
        }

        struct nwf_rule *r = instantiate_rule(ctx, p, &rv, &combos, c);
        if (!r) {
            continue;
        }

        const struct nwf_filter *f = p->filter;
        struct nwf_rule_inst *inst = add_inst(ctx->out);
        inst->rule = r;
        inst->filter = intern(ctx->out, f->name);
        inst->rule_index = p->rule_index;
        inst->combo_index = c;
        inst->chain = intern(ctx->out, f->chain ? f->chain : "root");
        inst->chain_priority = f->chain_priority;
        inst->priority = r->priority;
        if (!nwf_rule_inst_is_root(inst)
            && inst->priority < inst->chain_priority) {
            inst->priority = inst->chain_priority;
        }
    }
    nwf_var_combos_destroy(&combos);
    rule_vars_destroy(&rv);
}

/* Orders instances: root chain first, then by priority; instances are
 * compared by address last, which is their creation (document) order,
 * so the sort is stable. */
static int
compare_insts(const void *a_, const void *b_)
{
    const struct nwf_rule_inst *const *a = a_;
    const struct nwf_rule_inst *const *b = b_;
    bool root_a = nwf_rule_inst_is_root(*a);
    bool root_b = nwf_rule_inst_is_root(*b);

    if (root_a != root_b) {
        return root_a ? -1 : 1;
    }
    if ((*a)->priority != (*b)->priority) {
        return (*a)->priority < (*b)->priority ? -1 : 1;
    }
    return *a < *b ? -1 : *a > *b;
}

static void
sort_insts(struct nwf_resolved *out)
{
    size_t n = out->n_insts;
    const struct nwf_rule_inst **order;
    struct nwf_rule_inst *sorted;

    if (n < 2) {
        return;
    }
    order = xmalloc(n * sizeof *order);
    for (size_t i = 0; i < n; i++) {
        order[i] = &out->insts[i];
    }
    qsort(order, n, sizeof *order, compare_insts);

    sorted = xmalloc(n * sizeof *sorted);
    for (size_t i = 0; i < n; i++) {
        sorted[i] = *order[i];
    }
    free(order);
    free(out->insts);
    out->insts = sorted;
    out->allocated_insts = n;
}

static void
resolve_ctx_destroy(struct resolve_ctx *ctx)
{
    svec_destroy(&ctx->path);
    sset_destroy(&ctx->missing);
    sset_destroy(&ctx->reported);
    free(ctx->pending);
    for (size_t i = 0; i < ctx->n_tables; i++) {
        nwf_var_table_destroy(ctx->tables[i]);
        free(ctx->tables[i]);
    }
    free(ctx->tables);
}

/* Resolves the filter tree of one port into 'out' (which must be
 * initialized; it is cleared first), in the order described in
 * nwf-resolve.h.
 *
 * 'top_filter' is the port's filter; 'port_vars' its parameters (may be
 * NULL); 'port_mac', if nonnull, becomes $MAC unless 'port_vars' has MAC.
 * 'lookup' returns the filter with the given name, or NULL if there is
 * none; the filters it returns must stay unchanged during the call, and
 * 'out' does not refer to them afterwards.
 *
 * Returns NWF_RESOLVE_OK with the instances in 'out';
 * NWF_RESOLVE_NEED_IP, with 'out' holding no instances, when only $IP is
 * missing and CTRL_IP_LEARNING is not "none"; or NWF_RESOLVE_ERROR with
 * every problem found added to 'diag' (missing filters, loops, missing
 * variables, lists of unequal length, values of the wrong type) and no
 * instances in 'out'.  In every case out->filters lists the filter names
 * the tree refers to and out->learning the learning mode. */
enum nwf_resolve_status
nwf_resolve(const char *top_filter, const struct nwf_var_table *port_vars,
            const struct eth_addr *port_mac,
            const struct nwf_filter *(*lookup)(const char *name, void *aux),
            void *aux, struct nwf_resolved *out, struct nwf_diag *diag)
{
    struct resolve_ctx ctx = {
        .lookup = lookup,
        .aux = aux,
        .out = out,
        .diag = diag,
        .path = SVEC_EMPTY_INITIALIZER,
    };
    enum nwf_resolve_status status = NWF_RESOLVE_OK;

    sset_init(&ctx.missing);
    sset_init(&ctx.reported);
    nwf_resolved_clear(out);

    struct nwf_var_table *top_vars = new_table(&ctx);
    if (port_vars) {
        nwf_var_table_overlay(top_vars, port_vars);
    }
    if (port_mac) {
        char mac[ETH_ADDR_STRLEN + 1];
        snprintf(mac, sizeof mac, ETH_ADDR_FMT, ETH_ADDR_ARGS(*port_mac));
        nwf_var_table_set_default(top_vars, NWF_VAR_MAC, mac);
    }

    /* An invalid mode only matters if learning is needed (as in libvirt);
     * until then it reads as the default. */
    char *learning_error = nwf_var_table_get_ip_learning(top_vars,
                                                         &out->learning);

    sset_add(&out->filters, top_filter);
    const struct nwf_filter *top = lookup(top_filter, aux);
    if (!top) {
        report(&ctx, NULL, "referenced filter '%s' is missing", top_filter);
    } else {
        svec_add(&ctx.path, top_filter);
        walk(&ctx, top, top_vars);
    }

    bool learn = (!sset_is_empty(&ctx.missing)
                  && nwf_var_missing_only_ip(&ctx.missing)
                  && out->learning != NWF_IP_LEARNING_NONE);
    if (!sset_is_empty(&ctx.missing) && !learn) {
        /* Unlike libvirt, which leaves IP out of the list unless learning
         * is off, every missing variable is named. */
        char *list = nwf_var_missing_to_string(&ctx.missing);
        report(&ctx, NULL, "Cannot instantiate filter '%s' due to "
               "unresolvable variables or unavailable list elements: %s",
               top_filter, list);
        free(list);
    }

    if (ctx.failed) {
        status = NWF_RESOLVE_ERROR;
    } else if (learn) {
        if (learning_error) {
            report(&ctx, NULL, "%s", learning_error);
            status = NWF_RESOLVE_ERROR;
        } else {
            status = NWF_RESOLVE_NEED_IP;
        }
    } else {
        for (size_t i = 0; i < ctx.n_pending && !ctx.too_big; i++) {
            expand_pending(&ctx, &ctx.pending[i]);
        }
        if (ctx.failed) {
            status = NWF_RESOLVE_ERROR;
        } else {
            sort_insts(out);
        }
    }

    if (status != NWF_RESOLVE_OK) {
        /* Keep only what the caller may use after a failure. */
        struct sset filters;
        enum nwf_ip_learning learning = out->learning;

        sset_clone(&filters, &out->filters);
        nwf_resolved_clear(out);
        sset_swap(&filters, &out->filters);
        sset_destroy(&filters);
        out->learning = learning;
    }

    free(learning_error);
    resolve_ctx_destroy(&ctx);
    return status;
}

/* Returns a name for 'status'. */
const char *
nwf_resolve_status_to_string(enum nwf_resolve_status status)
{
    switch (status) {
    case NWF_RESOLVE_OK:
        return "ok";
    case NWF_RESOLVE_NEED_IP:
        return "need-ip";
    case NWF_RESOLVE_ERROR:
        return "error";
    }
    return "unknown";
}

/* Appends 'inst' to 's' on one line, for logs and tests:
 *     PRIORITY CHAIN(CHAIN_PRIORITY) FILTER#RULE.COMBO: ACTION DIRECTION
 *     PROTOCOL ATTR=VALUE...
 * e.g. "-500 arp(-500) no-arp-spoofing#2.0: drop out arp". */
void
nwf_rule_inst_format(const struct nwf_rule_inst *inst, struct ds *s)
{
    const struct nwf_rule *rule = inst->rule;
    const struct nwf_proto *proto = rule->proto;

    ds_put_format(s, "%d %s(%d) %s#%"PRIuSIZE".%"PRIuSIZE": %s %s %s",
                  inst->priority, inst->chain, inst->chain_priority,
                  inst->filter, inst->rule_index, inst->combo_index,
                  nwf_action_to_string(rule->action),
                  nwf_direction_to_string(rule->direction), proto->name);
    if (rule->priority != inst->priority) {
        ds_put_format(s, " priority=%d", rule->priority);
    }
    if (!rule->statematch) {
        ds_put_cstr(s, " statematch=false");
    }
    for (size_t i = 0; i < proto->n_attrs; i++) {
        const struct nwf_rule_attr *attr = &rule->attrs[i];
        if (attr->present) {
            ds_put_format(s, " %s%s=", attr->negated ? "!" : "",
                          proto->attrs[i].name);
            nwf_value_format(&proto->attrs[i], &attr->value, s);
        }
    }
}

/* Appends every instance of 'r' to 's', one per line. */
void
nwf_resolved_format(const struct nwf_resolved *r, struct ds *s)
{
    for (size_t i = 0; i < r->n_insts; i++) {
        nwf_rule_inst_format(&r->insts[i], s);
        ds_put_char(s, '\n');
    }
}
