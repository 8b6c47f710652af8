/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "filter-db.h"

#include <string.h>

#include "binding.h"
#include "filter-cmds.h"
#include "lib/nwfilter-idl.h"
#include "nwf-filter-db.h"
#include "nwf-filter.h"
#include "nwf-store.h"
#include "nwf-xml.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "smap.h"
#include "sset.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(filter_db);

/* How often the ports that use each filter are collected for the Host
 * row: it walks every port for every filter, too much for each wake-up. */
#define IN_USE_INTERVAL_MSEC 1000

/* How often a definition that did not apply is tried again when the
 * database does not change: a port may have got what it lacked. */
#define RETRY_INTERVAL_MSEC 5000

static struct ovsdb_idl_loop loop = OVSDB_IDL_LOOP_INITIALIZER(NULL);
static char *db_remote;
static char *host;
static struct nwf_store *store;

static unsigned int applied_seqno;  /* The IDL contents last applied. */
static bool applied_once;
static int64_t generation;          /* Applied in full, on the switches. */
static int64_t applied;             /* Applied, maybe not yet confirmed. */
static char *error;                 /* Why not the newest, or NULL. */
static struct smap in_use = SMAP_INITIALIZER(&in_use);
static long long int in_use_next;   /* When to collect 'in_use' again. */
static long long int retry_at;      /* With 'error': when to try again. */

void
filter_db_init(const char *remote, const char *host_name,
               struct nwf_store *store_)
{
    db_remote = xstrdup(remote);
    host = xstrdup(host_name);
    store = store_;
    /* Any server of a cluster serves the filters; writes (the Host row)
     * go through it to the leader. */
    loop.idl = ovsdb_idl_create(remote, &nwfrec_idl_class, true, true);
    ovsdb_idl_set_leader_only(loop.idl, false);
    VLOG_INFO("filters from the filter database %s, as host %s", remote,
              host);
}

void
filter_db_destroy(void)
{
    ovsdb_idl_loop_destroy(&loop);
    free(db_remote);
    free(host);
    free(error);
    smap_destroy(&in_use);
}

/* Keeps the first of the errors of one pass in 'error'. */
static void
note_error(char **first, const char *name, char *msg)
{
    VLOG_WARN("filter database: filter '%s' not applied: %s", name, msg);
    if (!*first) {
        *first = xasprintf("filter '%s': %s", name, msg);
    }
    free(msg);
}

/* Makes the store's filters the database's.  Definitions go in passes,
 * as long as one pass applies something: a filter may refer to one that
 * a later row defines. */
static void
apply_filters(void)
{
    int64_t newest = nwf_filter_db_generation(loop.idl);
    char *first_error = NULL;

    struct sset pending = SSET_INITIALIZER(&pending);
    const struct nwfrec_filter *row;
    NWFREC_FILTER_FOR_EACH (row, loop.idl) {
        const struct nwf_filter *cur = nwf_store_find_by_name(store,
                                                              row->name);
        char *xml = cur ? nwf_xml_format_string(cur) : NULL;
        if (!xml || strcmp(xml, row->xml)) {
            sset_add(&pending, row->name);
        }
        free(xml);
    }

    struct shash failures = SHASH_INITIALIZER(&failures);
    bool progress = true;
    while (progress && !sset_is_empty(&pending)) {
        progress = false;
        const char *name, *next;
        SSET_FOR_EACH_SAFE (name, next, &pending) {
            row = nwf_filter_db_find_filter(loop.idl, name);
            char *origin = xasprintf("%s: Filter %s", db_remote, name);
            char *reply;
            char *msg = filter_cmds_define(row->xml, strlen(row->xml),
                                           origin, &reply);
            free(origin);
            free(shash_replace(&failures, name, msg));
            if (!msg) {
                free(reply);
                sset_delete(&pending, SSET_NODE_FROM_NAME(name));
                progress = true;
            }
        }
    }
    struct shash_node *node;
    SHASH_FOR_EACH (node, &failures) {
        if (node->data) {
            note_error(&first_error, node->name, node->data);
        }
    }
    shash_destroy(&failures);
    sset_destroy(&pending);

    /* Filters gone from the database. */
    size_t n;
    const struct nwf_filter **filters = nwf_store_list(store, &n);
    struct sset gone = SSET_INITIALIZER(&gone);
    for (size_t i = 0; i < n; i++) {
        if (!nwf_filter_db_find_filter(loop.idl, filters[i]->name)) {
            sset_add(&gone, filters[i]->name);
        }
    }
    free(filters);
    const char *name;
    SSET_FOR_EACH (name, &gone) {
        char *reply;
        char *msg = filter_cmds_undefine(name, &reply);
        if (msg) {
            note_error(&first_error, name, msg);
        } else {
            free(reply);
        }
    }
    sset_destroy(&gone);

    free(error);
    error = first_error;
    if (!error) {
        applied = newest;
    } else {
        retry_at = time_msec() + RETRY_INTERVAL_MSEC;
    }
}

/* A generation counts as applied once the switches have confirmed the
 * flows it led to, as OVN's hv_cfg counts only installed flows. */
static void
update_generation(void)
{
    if (applied != generation && binding_all_installed()) {
        generation = applied;
        VLOG_INFO("filter database: generation %"PRId64" applied",
                  generation);
    }
}

/* The ports that use each filter, as "PORT,PORT" by filter name. */
static void
collect_in_use(struct smap *out)
{
    const struct filter_cmds_hooks *hooks = binding_filter_hooks();
    size_t n;
    const struct nwf_filter **filters = nwf_store_list(store, &n);
    for (size_t i = 0; i < n; i++) {
        struct sset ports = SSET_INITIALIZER(&ports);
        if (hooks->in_use(filters[i]->name, &ports, hooks->aux)) {
            smap_add_nocopy(out, xstrdup(filters[i]->name),
                            nwf_filter_db_ports_format(&ports));
        }
        sset_destroy(&ports);
    }
    free(filters);
}

/* Writes the host's row if it says something else than what is so. */
static void
update_host_row(struct ovsdb_idl_txn *txn)
{
    const struct nwfrec_host *row = nwf_filter_db_find_host(loop.idl, host);
    if (!row) {
        row = nwfrec_host_insert(txn);
        nwfrec_host_set_name(row, host);
    }
    if (row->generation != generation) {
        nwfrec_host_set_generation(row, generation);
    }
    if (!nullable_string_is_equal(row->error, error)) {
        nwfrec_host_set_error(row, error);
    }
    if (!smap_equal(&row->filters_in_use, &in_use)) {
        nwfrec_host_set_filters_in_use(row, &in_use);
    }
}

void
filter_db_run(void)
{
    struct ovsdb_idl_txn *txn = ovsdb_idl_loop_run(&loop);
    if (ovsdb_idl_has_ever_connected(loop.idl)
        && ovsdb_idl_is_connected(loop.idl)) {
        unsigned int seqno = ovsdb_idl_get_seqno(loop.idl);
        if (!applied_once || seqno != applied_seqno
            || (error && time_msec() >= retry_at)) {
            apply_filters();
            applied_seqno = seqno;
            applied_once = true;
        }
        update_generation();
        if (time_msec() >= in_use_next) {
            smap_clear(&in_use);
            collect_in_use(&in_use);
            in_use_next = time_msec() + IN_USE_INTERVAL_MSEC;
        }
        if (txn) {
            update_host_row(txn);
        }
    }
    ovsdb_idl_loop_commit_and_wait(&loop);
}

void
filter_db_wait(void)
{
    ovsdb_idl_wait(loop.idl);
    if (applied_once && ovsdb_idl_is_connected(loop.idl)) {
        poll_timer_wait_until(in_use_next);
        if (error) {
            poll_timer_wait_until(retry_at);
        }
    }
}
