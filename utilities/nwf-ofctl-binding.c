/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

/* nwf-ofctl's filter-binding commands, like "virsh nwfilter-binding-*",
 * and the libvirt hook.  A binding lives in the external-ids of its OVSDB
 * Interface (nwf-binding.h), so these commands talk to the Open_vSwitch
 * database, not to nwf-controller: they work whether or not the daemon
 * runs, and the daemon picks the binding up from OVSDB when it does. */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "command-line.h"
#include "filter-dir.h"
#include "flow.h"
#include "nwf-binding.h"
#include "nwf-compile.h"
#include "nwf-diag.h"
#include "nwf-domain.h"
#include "nwf-ofctl.h"
#include "nwf-ofctl-ovsdb.h"
#include "nwf-pipeline.h"
#include "nwf-schema.h"
#include "nwf-xmldoc.h"
#include "nwf-xmlfile.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "packets.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "smap.h"
#include "sset.h"
#include "svec.h"
#include "timeval.h"
#include "util.h"
#include "uuid.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(nwf_ofctl_binding);

/* ---- The Open_vSwitch database. ---- */

static struct ovsdb_idl *
ovsdb_open(void)
{
    struct ovsdb_idl *idl = ovsdb_idl_create(nwf_ofctl_ovs_db,
                                             &ovsrec_idl_class, false, true);
    ovsdb_idl_add_table(idl, &ovsrec_table_interface);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_name);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_external_ids);
    return idl;
}

/* nwf_ofctl_transact() on the Open_vSwitch database. */
static char *
ovsdb_transact(nwf_ofctl_change_func *change, void *aux, const char *comment)
{
    struct ovsdb_idl *idl = ovsdb_open();
    char *error = nwf_ofctl_transact(idl, nwf_ofctl_ovs_db, change, aux,
                                     comment);
    ovsdb_idl_destroy(idl);
    return error;
}

static const struct ovsrec_interface *
find_interface(const struct ovsdb_idl *idl, const char *name)
{
    const struct ovsrec_interface *iface;
    OVSREC_INTERFACE_FOR_EACH (iface, idl) {
        if (!strcmp(iface->name, name)) {
            return iface;
        }
    }
    return NULL;
}

/* Writes 'b' on 'iface' in 'txn', replacing any binding it has. */
static void
write_binding(const struct ovsrec_interface *iface,
              const struct nwf_binding *b)
{
    struct smap set = SMAP_INITIALIZER(&set);
    struct sset unset = SSET_INITIALIZER(&unset);
    nwf_binding_to_ids(b, &iface->external_ids, &set, &unset);

    ovsrec_interface_verify_external_ids(iface);
    const struct smap_node *node;
    SMAP_FOR_EACH (node, &set) {
        const char *old = smap_get(&iface->external_ids, node->key);
        if (!old || strcmp(old, node->value)) {
            ovsrec_interface_update_external_ids_setkey(iface, node->key,
                                                        node->value);
        }
    }
    const char *key;
    SSET_FOR_EACH (key, &unset) {
        ovsrec_interface_update_external_ids_delkey(iface, key);
    }
    smap_destroy(&set);
    sset_destroy(&unset);
}

static void
remove_binding(const struct ovsrec_interface *iface)
{
    struct sset unset = SSET_INITIALIZER(&unset);
    nwf_binding_unset_ids(&iface->external_ids, &unset);
    ovsrec_interface_verify_external_ids(iface);
    const char *key;
    SSET_FOR_EACH (key, &unset) {
        ovsrec_interface_update_external_ids_delkey(iface, key);
    }
    sset_destroy(&unset);
}

/* ---- Checks before writing. ---- */

/* Compiles 'b' offline, as nwf-controller would once it is written, so
 * that a binding whose filter is unknown or cannot be instantiated with
 * its parameters is refused before anything is written (libvirt refuses
 * such a binding too).  Filters come from the store, and the built-in
 * filters it lacks from their own directory, since the daemon adds those
 * when it starts.  A missing $IP is fine: the port learns it.  Returns
 * true if it compiles; otherwise adds the reasons to 'diag'. */
static bool
binding_compiles(const struct nwf_binding *b, struct nwf_diag *diag)
{
    char *builtin_dir = nwf_ofctl_find_builtin_dir(true);
    struct nwf_filter_files files;
    nwf_filter_files_init(&files, nwf_ofctl_store_dir(), builtin_dir, diag);
    struct nwf_compile_request req = {
        .filter = b->filter,
        .lookup = nwf_filter_files_lookup,
        .aux = &files,
        .params = &b->params,
        .mac = &b->mac,
        .ofport = u16_to_ofp(1),
        .zone = NWF_ZONE_MIN,
        .tag = -1,
    };
    struct ds flows = DS_EMPTY_INITIALIZER;
    enum nwf_resolve_status status = nwf_compile_port(&req, &flows, diag);
    ds_destroy(&flows);
    nwf_filter_files_destroy(&files);
    free(builtin_dir);
    if (status == NWF_RESOLVE_ERROR && !nwf_diag_has_errors(diag)) {
        struct nwf_diag_loc loc = { .element = "filterref" };
        nwf_diag_error(diag, &loc, "filter '%s' cannot be instantiated",
                       b->filter);
    }
    return status != NWF_RESOLVE_ERROR;
}

/* Prints every message in 'diag' and exits with status 1. */
OVS_NO_RETURN static void
fatal_diag(const struct nwf_diag *diag)
{
    fprintf(stderr, "%s\n", nwf_diag_text(diag));
    exit(EXIT_FAILURE);
}

/* ---- binding-create, binding-delete. ---- */

static char *
create_change(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn OVS_UNUSED,
              void *b_)
{
    const struct nwf_binding *b = b_;
    const struct ovsrec_interface *iface = find_interface(idl, b->portdev);
    if (!iface) {
        return xasprintf("<portdev name='%s'>: no such Open vSwitch "
                         "interface", b->portdev);
    }
    const char *filter = smap_get(&iface->external_ids, NWF_KEY_FILTERREF);
    if (filter) {
        return xasprintf("port '%s' already has a filter binding (filter "
                         "'%s'): delete it first", b->portdev, filter);
    }
    char *error = nwf_binding_check_port(b, &iface->external_ids);
    if (!error) {
        write_binding(iface, b);
    }
    return error;
}

/* binding-create FILE. */
static void
nwf_ofctl_binding_create(struct ovs_cmdl_context *ctx)
{
    const char *file = ctx->argv[1];
    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_binding b;
    nwf_binding_init(&b);

    struct nwf_schema *schema = nwf_ofctl_read_schema("nwfilterbinding.rng");
    if (!schema) {
        exit(EXIT_FAILURE);
    }
    if (!nwf_binding_parse_file(file, schema, &b, &diag)
        || !binding_compiles(&b, &diag)) {
        fatal_diag(&diag);
    }
    nwf_schema_destroy(schema);

    char *comment = xasprintf("binding-create %s", b.portdev);
    char *error = ovsdb_transact(create_change, &b, comment);
    if (error) {
        ovs_fatal(0, "%s: %s", file, error);
    }
    printf("Filter binding on %s created from %s\n", b.portdev, file);
    free(comment);
    nwf_binding_destroy(&b);
    nwf_diag_destroy(&diag);
}

static char *
delete_change(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn OVS_UNUSED,
              void *port_)
{
    const char *port = port_;
    const struct ovsrec_interface *iface = find_interface(idl, port);
    if (!iface || !smap_get(&iface->external_ids, NWF_KEY_FILTERREF)) {
        return xasprintf("port '%s' has no filter binding", port);
    }
    remove_binding(iface);
    return NULL;
}

/* binding-delete PORT. */
static void
nwf_ofctl_binding_delete(struct ovs_cmdl_context *ctx)
{
    char *comment = xasprintf("binding-delete %s", ctx->argv[1]);
    char *error = ovsdb_transact(delete_change, ctx->argv[1], comment);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    printf("Filter binding on %s deleted\n", ctx->argv[1]);
    free(comment);
}

/* ---- binding-list, binding-dumpxml. ---- */

/* Reads what the database says and stops: a change that changes nothing
 * and hands its result to the caller. */
struct read_aux {
    const char *port;           /* binding-dumpxml's, or NULL for all. */
    struct ds out;
};

/* Prints the rows 'cells' ('n_cols' cells a row, the first row the
 * header) the way virsh prints its tables: a space, each column but the
 * last padded to its widest cell, three spaces between columns, under the
 * header a line of dashes two longer than the widest row, and an empty
 * line at the end. */
static void
format_table(const struct svec *cells, size_t n_cols, struct ds *out)
{
    size_t *widths = xcalloc(n_cols, sizeof *widths);
    for (size_t i = 0; i < cells->n; i++) {
        size_t len = strlen(cells->names[i]);
        widths[i % n_cols] = MAX(widths[i % n_cols], len);
    }
    size_t dashes = 1 + 3 * (n_cols - 1) + 2;
    for (size_t col = 0; col < n_cols; col++) {
        dashes += widths[col];
    }
    for (size_t i = 0; i < cells->n; i++) {
        size_t col = i % n_cols;
        bool last = col == n_cols - 1;
        ds_put_format(out, "%s%-*s%s", col ? "   " : " ",
                      last ? 0 : (int) widths[col], cells->names[i],
                      last ? "\n" : "");
        if (i == n_cols - 1) {
            ds_put_char_multiple(out, '-', dashes);
            ds_put_char(out, '\n');
        }
    }
    ds_put_char(out, '\n');
    free(widths);
}

static int
compare_interfaces(const void *a_, const void *b_)
{
    const struct ovsrec_interface *const *a = a_;
    const struct ovsrec_interface *const *b = b_;
    return strcasecmp((*a)->name, (*b)->name);     /* As virsh sorts. */
}

static char *
read_change(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn OVS_UNUSED,
            void *aux_)
{
    struct read_aux *aux = aux_;
    if (aux->port) {
        const struct ovsrec_interface *iface = find_interface(idl,
                                                              aux->port);
        if (!iface) {
            return xasprintf("port '%s' has no filter binding", aux->port);
        }
        struct nwf_binding b;
        nwf_binding_init(&b);
        char *error = nwf_binding_from_ids(aux->port, &iface->external_ids,
                                           &b);
        if (!error) {
            nwf_binding_format(&b, &aux->out);
            ds_put_char(&aux->out, '\n');  /* virsh adds one too. */
        }
        nwf_binding_destroy(&b);
        return error;
    }

    const struct ovsrec_interface **bound = NULL;
    size_t n = 0;
    const struct ovsrec_interface *iface;
    OVSREC_INTERFACE_FOR_EACH (iface, idl) {
        if (smap_get(&iface->external_ids, NWF_KEY_FILTERREF)) {
            bound = xrealloc(bound, (n + 1) * sizeof *bound);
            bound[n++] = iface;
        }
    }
    qsort(bound, n, sizeof *bound, compare_interfaces);

    struct svec cells = SVEC_EMPTY_INITIALIZER;
    svec_add(&cells, "Port Dev");
    svec_add(&cells, "Filter");
    svec_add(&cells, "Owner");
    struct ds owner = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < n; i++) {
        svec_add(&cells, bound[i]->name);
        svec_add(&cells, smap_get(&bound[i]->external_ids,
                                  NWF_KEY_FILTERREF));
        ds_clear(&owner);
        nwf_binding_format_owner(&bound[i]->external_ids, &owner);
        svec_add(&cells, ds_cstr(&owner));
    }
    format_table(&cells, 3, &aux->out);
    ds_destroy(&owner);
    svec_destroy(&cells);
    free(bound);
    return NULL;
}

static void
read_and_print(const char *port, const char *comment)
{
    struct read_aux aux = { .port = port, .out = DS_EMPTY_INITIALIZER };
    char *error = ovsdb_transact(read_change, &aux, comment);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    fputs(ds_cstr(&aux.out), stdout);
    ds_destroy(&aux.out);
}

/* binding-list. */
static void
nwf_ofctl_binding_list(struct ovs_cmdl_context *ctx OVS_UNUSED)
{
    read_and_print(NULL, "binding-list");
}

/* binding-dumpxml PORT. */
static void
nwf_ofctl_binding_dumpxml(struct ovs_cmdl_context *ctx)
{
    read_and_print(ctx->argv[1], "binding-dumpxml");
}

/* ---- The libvirt hook. ---- */

/* libvirt runs /etc/libvirt/hooks/qemu.d/ovs-nwfilter (which runs
 * "nwf-ofctl libvirt-hook") with the domain's name, the operation, the
 * sub-operation and an extra argument, and the domain's XML on standard
 * input (docs/libvirt.md).  The hook must never make a domain fail
 * because of a fault of ours, so it logs and exits 0 on every failure but
 * one: a filter reference that cannot work, which the administrator must
 * see (exit 1, libvirt shows the message and does not start the domain).
 * It never calls libvirt back. */

struct hook_aux {
    const struct nwf_domain *dom;
    const char *dom_name;       /* The hook's first argument. */
    size_t n_done;
};

/* Reads standard input, at most one byte more than the XML size limit. */
static char *
read_stdin(size_t *lenp)
{
    size_t cap = NWF_XML_MAX_SIZE + 1;
    char *buf = xmalloc(cap);
    *lenp = fread(buf, 1, cap, stdin);
    return buf;
}

static char *
hook_bind_change(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn OVS_UNUSED,
                 void *aux_)
{
    struct hook_aux *aux = aux_;
    aux->n_done = 0;
    for (size_t i = 0; i < aux->dom->n_ifaces; i++) {
        const struct nwf_domain_iface *di = aux->dom->ifaces[i];
        const struct nwf_binding *b = &di->binding;
        const struct ovsrec_interface *iface
            = b->portdev ? find_interface(idl, b->portdev) : NULL;
        if (!iface) {
            VLOG_INFO("%s: interface "ETH_ADDR_FMT" (%s) is not an Open "
                      "vSwitch port; its filter is left to libvirt",
                      aux->dom_name, ETH_ADDR_ARGS(b->mac),
                      b->portdev ? b->portdev : "no target device");
            continue;
        }
        char *error = nwf_binding_check_port(b, &iface->external_ids);
        if (error) {
            VLOG_WARN("%s: %s; not bound", aux->dom_name, error);
            free(error);
            continue;
        }
        write_binding(iface, b);
        aux->n_done++;
    }
    return NULL;
}

/* Removes the bindings that the hook or binding-create made for the
 * domain: those with an owner (filterref-owner) on ports whose vm-id is
 * the domain's UUID.  A binding set by hand, without an owner, stays. */
static char *
hook_unbind_change(struct ovsdb_idl *idl,
                   struct ovsdb_idl_txn *txn OVS_UNUSED, void *aux_)
{
    struct hook_aux *aux = aux_;
    aux->n_done = 0;
    const struct ovsrec_interface *iface;
    OVSREC_INTERFACE_FOR_EACH (iface, idl) {
        const struct smap *ids = &iface->external_ids;
        const char *vm_id = smap_get(ids, NWF_KEY_VM_ID);
        struct uuid uuid;
        if (smap_get(ids, NWF_KEY_FILTERREF) && smap_get(ids, NWF_KEY_OWNER)
            && vm_id && uuid_from_string(&uuid, vm_id)
            && uuid_equals(&uuid, &aux->dom->uuid)) {
            remove_binding(iface);
            aux->n_done++;
        }
    }
    return NULL;
}

/* Checks every filter reference of 'dom'.  Returns true if all can be
 * instantiated. */
static bool
hook_check(const struct nwf_domain *dom, struct nwf_diag *diag)
{
    bool ok = true;
    for (size_t i = 0; i < dom->n_ifaces; i++) {
        ok &= binding_compiles(&dom->ifaces[i]->binding, diag);
    }
    return ok;
}

/* libvirt-hook DOMAIN OPERATION SUB-OPERATION EXTRA. */
static void
nwf_ofctl_libvirt_hook(struct ovs_cmdl_context *ctx)
{
    const char *dom_name = ctx->argv[1];
    const char *op = ctx->argv[2];
    bool bind = !strcmp(op, "started") || !strcmp(op, "reconnect");
    bool unbind = !strcmp(op, "stopped") || !strcmp(op, "release");
    if (!bind && !unbind && strcmp(op, "prepare")) {
        exit(EXIT_SUCCESS);
    }

    vlog_set_levels(NULL, VLF_SYSLOG, VLL_INFO);
    size_t len;
    char *xml = read_stdin(&len);
    char *origin = xasprintf("domain %s", dom_name);
    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_domain dom = { .name = NULL };
    enum nwf_domain_status status = nwf_domain_parse(xml, len, origin, &dom,
                                                     &diag);
    free(xml);
    if (status == NWF_DOMAIN_BAD_XML) {
        VLOG_ERR("%s %s: cannot read the domain's XML, nothing done: %s",
                 dom_name, op, nwf_diag_text(&diag));
        exit(EXIT_SUCCESS);
    }
    if (!unbind && (status == NWF_DOMAIN_BAD_REFS
                    || !hook_check(&dom, &diag))) {
        VLOG_ERR("%s %s: %s", dom_name, op, nwf_diag_text(&diag));
        fprintf(stderr, "ovs-nwfilter: domain %s: %s\n", dom_name,
                nwf_diag_text(&diag));
        exit(EXIT_FAILURE);
    }

    struct hook_aux aux = { .dom = &dom, .dom_name = dom_name };
    if (bind || unbind) {
        char *comment = xasprintf("libvirt-hook %s %s", dom_name, op);
        char *error = ovsdb_transact(bind ? hook_bind_change
                                     : hook_unbind_change, &aux, comment);
        if (error) {
            VLOG_ERR("%s %s: %s", dom_name, op, error);
            free(error);
        } else if (aux.n_done) {
            VLOG_INFO("%s %s: %s %"PRIuSIZE" port(s)", dom_name, op,
                      bind ? "bound" : "unbound", aux.n_done);
        }
        free(comment);
    }
    nwf_domain_destroy(&dom);
    nwf_diag_destroy(&diag);
    free(origin);
    exit(EXIT_SUCCESS);
}

static const struct ovs_cmdl_command binding_commands[] = {
    { "binding-create", "FILE", 1, 1, nwf_ofctl_binding_create, OVS_RW },
    { "binding-delete", "PORT", 1, 1, nwf_ofctl_binding_delete, OVS_RW },
    { "binding-list", NULL, 0, 0, nwf_ofctl_binding_list, OVS_RO },
    { "binding-dumpxml", "PORT", 1, 1, nwf_ofctl_binding_dumpxml, OVS_RO },
    /* Fewer arguments than libvirt passes are not worth failing a
     * domain's start for. */
    { "libvirt-hook", "DOMAIN OPERATION [SUB-OPERATION [EXTRA]]", 2, 4,
      nwf_ofctl_libvirt_hook, OVS_RW },
    { NULL, NULL, 0, 0, NULL, OVS_RO },
};

const struct ovs_cmdl_command *
nwf_ofctl_binding_commands(void)
{
    return binding_commands;
}
