/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

/* nwf-ofctl --db=REMOTE: the filter commands on the filter database of a
 * fleet (schemas/nwfilter.ovsschema, docs/distributed.md) instead of one
 * host's nwf-controller.
 *
 * Each command loads the database's filters into a store in memory and
 * runs the same store operation as the daemon's filter commands, with the
 * same checks (parse, schema-independent checks, UUID and name rules,
 * filterref loops, in use: a filter that a host reports in use by a
 * port); only then does it write the database, in one transaction that
 * also raises NWFilter_Global's generation, which hosts acknowledge.  The
 * transaction verifies the generation it read, so two clients that
 * define at once never both pass their checks against a database that
 * one of them has just changed: the second starts again on fresh
 * contents. */

#include <config.h>

#include "nwf-ofctl-db.h"

#include <string.h>

#include "lib/nwfilter-idl.h"
#include "nwf-diag.h"
#include "nwf-filter-db.h"
#include "nwf-filter.h"
#include "nwf-ofctl.h"
#include "nwf-ofctl-ovsdb.h"
#include "nwf-store.h"
#include "nwf-xml.h"
#include "openvswitch/dynamic-string.h"
#include "ovsdb-idl.h"
#include "sset.h"
#include "util.h"
#include "uuid.h"

char *nwf_ofctl_db;

/* One command: what it was asked, and what it answers. */
struct db_request {
    const char *command;        /* "filter/define", ... */
    int argc;
    const char **argv;
    char *reply;                /* On success. */
};

/* The store's in-use function: the ports that each host reports. */
static bool
hosts_in_use(const char *name, struct sset *ports, void *idl_)
{
    struct ovsdb_idl *idl = idl_;
    const struct nwfrec_host *host;
    NWFREC_HOST_FOR_EACH (host, idl) {
        const char *list = smap_get(&host->filters_in_use, name);
        if (list) {
            nwf_filter_db_ports_parse(list, host->name, ports);
        }
    }
    return !sset_is_empty(ports);
}

/* A store holding the database's filters.  A row that does not load
 * (written by hand, say) is reported in 'diag' and left out. */
static struct nwf_store *
load_store(struct ovsdb_idl *idl, struct nwf_diag *diag)
{
    struct nwf_store *store = nwf_store_create(NULL);
    nwf_store_set_in_use_cb(store, hosts_in_use, idl);

    const struct nwfrec_filter *row;
    NWFREC_FILTER_FOR_EACH (row, idl) {
        char *origin = xasprintf("%s: Filter %s", nwf_ofctl_db, row->name);
        if (nwf_store_define(store, row->xml, strlen(row->xml), origin,
                             diag) == NWF_STORE_ERROR) {
            nwf_diag_error(diag, NULL, "%s: left out", origin);
        }
        free(origin);
    }
    return store;
}

/* Raises the generation in 'txn', verifying the one read.  Returns the
 * new generation. */
static int64_t
bump_generation(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn)
{
    const struct nwfrec_nwfilter_global *global
        = nwfrec_nwfilter_global_first(idl);
    if (!global) {
        global = nwfrec_nwfilter_global_insert(txn);
        nwfrec_nwfilter_global_set_generation(global, 1);
        return 1;
    }
    nwfrec_nwfilter_global_verify_generation(global);
    nwfrec_nwfilter_global_set_generation(global, global->generation + 1);
    return global->generation + 1;
}

static char *
db_define(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
          struct nwf_store *store, struct db_request *req,
          struct nwf_diag *diag)
{
    const char *xml = req->argv[0];
    const char *origin = req->argc > 1 ? req->argv[1] : "define";
    struct nwf_store_change *change;
    enum nwf_store_result result = nwf_store_prepare_define(
        store, xml, strlen(xml), origin, &change, diag);
    if (result == NWF_STORE_ERROR) {
        return nwf_diag_first_or(diag, "filter not defined");
    } else if (result == NWF_STORE_UNCHANGED) {
        struct nwf_filter *filter = nwf_xml_parse_buffer(xml, strlen(xml),
                                                         origin, diag);
        req->reply = xasprintf("filter '%s' unchanged\n",
                               filter ? filter->name : "");
        nwf_filter_destroy(filter);
        return NULL;
    }

    const struct nwf_filter *filter = nwf_store_change_get_filter(change);
    char *name = xstrdup(filter->name);
    char *canonical = nwf_xml_format_string(filter);
    char uuid[UUID_LEN + 1];
    snprintf(uuid, sizeof uuid, UUID_FMT, UUID_ARGS(&filter->uuid));
    if (!nwf_store_commit(change, diag)) {
        free(canonical);
        free(name);
        return nwf_diag_first_or(diag, "filter not defined");
    }

    const struct nwfrec_filter *row = nwf_filter_db_find_filter(idl, name);
    if (!row) {
        row = nwfrec_filter_insert(txn);
        nwfrec_filter_set_name(row, name);
    }
    nwfrec_filter_verify_xml(row);
    nwfrec_filter_set_filter_uuid(row, uuid);
    nwfrec_filter_set_xml(row, canonical);
    nwfrec_filter_set_generation(row, bump_generation(idl, txn));
    req->reply = xasprintf("filter '%s' %s\n", name,
                           result == NWF_STORE_CREATED
                           ? "defined" : "updated");
    free(canonical);
    free(name);
    return NULL;
}

static char *
db_undefine(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
            struct nwf_store *store, struct db_request *req,
            struct nwf_diag *diag)
{
    const struct nwf_filter *filter = nwf_store_find(store, req->argv[0]);
    char *name = filter ? xstrdup(filter->name) : NULL;
    if (!nwf_store_undefine(store, req->argv[0], diag)) {
        free(name);
        return nwf_diag_first_or(diag, "filter not undefined");
    }
    const struct nwfrec_filter *row = nwf_filter_db_find_filter(idl, name);
    if (row) {
        nwfrec_filter_delete(row);
    }
    bump_generation(idl, txn);
    req->reply = xasprintf("filter '%s' undefined\n", name);
    free(name);
    return NULL;
}

static int
compare_hosts(const void *a_, const void *b_)
{
    const struct nwfrec_host *const *a = a_;
    const struct nwfrec_host *const *b = b_;
    return strcmp((*a)->name, (*b)->name);
}

/* status: each host and the generation it runs. */
static char *
db_status(struct ovsdb_idl *idl, struct db_request *req)
{
    int64_t generation = nwf_filter_db_generation(idl);
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_format(&s, "generation %"PRId64"\n", generation);
    ds_put_format(&s, " %-24s %-10s %s\n", "Host", "Generation", "State");
    ds_put_char_multiple(&s, '-', 60);
    ds_put_char(&s, '\n');

    size_t n = 0, allocated = 0;
    const struct nwfrec_host **hosts = NULL;
    const struct nwfrec_host *host;
    NWFREC_HOST_FOR_EACH (host, idl) {
        if (n >= allocated) {
            hosts = x2nrealloc(hosts, &allocated, sizeof *hosts);
        }
        hosts[n++] = host;
    }
    qsort(hosts, n, sizeof *hosts, compare_hosts);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(&s, " %-24s %-10"PRId64" %s\n", hosts[i]->name,
                      hosts[i]->generation,
                      hosts[i]->error ? hosts[i]->error
                      : hosts[i]->generation == generation ? "up to date"
                      : "behind");
    }
    free(hosts);
    req->reply = ds_steal_cstr(&s);
    return NULL;
}

static char *
db_change(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn, void *req_)
{
    struct db_request *req = req_;
    if (!strcmp(req->command, "status")) {
        return db_status(idl, req);
    }

    struct nwf_diag diag;
    nwf_diag_init(&diag);
    struct nwf_diag load_diag;
    nwf_diag_init(&load_diag);
    struct nwf_store *store = load_store(idl, &load_diag);
    char *error = NULL;

    free(req->reply);
    req->reply = NULL;
    if (!strcmp(req->command, "filter/define")) {
        error = db_define(idl, txn, store, req, &diag);
    } else if (!strcmp(req->command, "filter/undefine")) {
        error = db_undefine(idl, txn, store, req, &diag);
    } else if (!strcmp(req->command, "filter/dumpxml")) {
        const struct nwf_filter *filter = nwf_store_find(store,
                                                         req->argv[0]);
        if (filter) {
            req->reply = nwf_xml_format_string(filter);
        } else {
            error = xasprintf("no filter with name or uuid '%s'",
                              req->argv[0]);
        }
    } else if (!strcmp(req->command, "filter/list")) {
        struct ds s = DS_EMPTY_INITIALIZER;
        if (req->argc > 0) {
            nwf_store_format_list_json(store, &s);
            ds_put_char(&s, '\n');
        } else {
            nwf_store_format_list(store, &s);
        }
        req->reply = ds_steal_cstr(&s);
    } else {
        error = xasprintf("%s: not a command of the filter database",
                          req->command);
    }
    if (nwf_diag_has_errors(&load_diag) && !error) {
        /* Rows that do not load are said, but do not stop the command. */
        fprintf(stderr, "%s\n", nwf_diag_text(&load_diag));
    }
    nwf_store_destroy(store);
    nwf_diag_destroy(&load_diag);
    nwf_diag_destroy(&diag);
    return error;
}

char *
nwf_ofctl_db_transact(const char *command, int argc, const char *argv[],
                      char **errorp)
{
    struct ovsdb_idl *idl = ovsdb_idl_create(nwf_ofctl_db,
                                             &nwfrec_idl_class, true, true);
    struct db_request req = {
        .command = command, .argc = argc, .argv = argv,
    };
    char *comment = xasprintf("%s%s%s", command, argc ? " " : "",
                              argc && strcmp(command, "filter/define")
                              ? argv[0] : "");
    *errorp = nwf_ofctl_transact(idl, nwf_ofctl_db, db_change, &req,
                                 comment);
    free(comment);
    ovsdb_idl_destroy(idl);
    if (*errorp) {
        free(req.reply);
        return NULL;
    }
    return req.reply;
}
