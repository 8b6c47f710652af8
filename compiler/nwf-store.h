/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_STORE_H
#define NWF_STORE_H 1

/* The filter store: every defined filter, kept in memory and persisted
 * through a backend (struct nwf_store_backend below).  The store decides
 * what is defined; the backend only keeps each filter's XML under its
 * name.  lib/filter-dir.h's backend keeps one file NAME.xml per filter in
 * a directory, the way libvirt keeps /etc/libvirt/nwfilter; a store
 * without a backend keeps its filters in memory only.
 *
 * Loading
 * -------
 * nwf_store_load() reads every filter the backend holds, in name order.
 * One that cannot be read or parsed, whose filter name is not the name it
 * is stored under (the file name), or that conflicts with what is already
 * defined (same name with another UUID, same UUID under another name, a
 * filterref loop) is reported through the diag and skipped; the others
 * still load.  A filter without <uuid> gets one, and is saved again with
 * it.  nwf_store_reload() (for SIGHUP) does the same on a loaded store.
 *
 * Defining
 * --------
 * A definition is checked the way libvirt checks one (docs/filter-format.md,
 * "Defining and undefining filters"): its
 * name may not exist with another UUID (so redefining a filter means
 * giving its UUID, as "virsh nwfilter-edit" does), its UUID may not exist
 * under another name, and following filterrefs from it through the
 * defined filters, with it replacing its old definition, must never lead
 * back to its own name.  References to undefined filters are allowed.  A
 * definition that formats exactly like the current one changes nothing.
 *
 * Defining is two-phase so that the owner can try the new definition on
 * every port it affects before anything changes:
 *
 *     struct nwf_store_change *change;
 *     switch (nwf_store_prepare_define(store, xml, len, "<input>",
 *                                      &change, &diag)) {
 *     case NWF_STORE_CREATED:
 *     case NWF_STORE_UPDATED:
 *         ...resolve affected ports with nwf_store_change_lookup()...
 *         if (all ports compiled) {
 *             nwf_store_commit(change, &diag);    (saves it)
 *         } else {
 *             nwf_store_abort(change);            (nothing changes)
 *         }
 *         break;
 *     case NWF_STORE_UNCHANGED:                   (no change object)
 *     case NWF_STORE_ERROR:                       (messages in 'diag')
 *         break;
 *     }
 *
 * A backend's save is atomic: after a failure the old definition is kept
 * and the store does not change (lib/filter-dir.h says how a directory
 * does it).
 *
 * Pointers to filters returned by the store stay valid until the store
 * next changes (commit, undefine, load, reload, destroy).
 *
 * The store is single-threaded, like the daemon that owns it. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/compiler.h"

struct ds;
struct nwf_diag;
struct nwf_filter;
struct sset;
struct uuid;

struct nwf_store;
struct nwf_store_backend_class;
struct nwf_store_change;

/* Outcome of a define. */
enum nwf_store_result {
    NWF_STORE_ERROR,            /* Rejected; messages are in the diag. */
    NWF_STORE_UNCHANGED,        /* Identical to the current definition. */
    NWF_STORE_CREATED,          /* A filter of a new name. */
    NWF_STORE_UPDATED,          /* A new definition of an existing name. */
};

const char *nwf_store_result_to_string(enum nwf_store_result);

/* Where a store keeps its filters.  A backend embeds this struct and the
 * class points to its functions, which report every problem to the diag
 * against the stored filter's origin (a file name, say).  Issue 15's
 * clustered OVSDB store is meant to be a second backend. */
struct nwf_store_backend {
    const struct nwf_store_backend_class *class;
};

/* Called by a backend's load for each filter it holds: 'name' is the name
 * it is stored under, 'origin' names it in messages, 'len' bytes at 'buf'
 * are its XML.  Returns false if the filter could not be loaded. */
typedef bool nwf_store_load_func(const char *name, const char *origin,
                                 const char *buf, size_t len, void *aux);

struct nwf_store_backend_class {
    /* Calls 'load' for every filter held, in name order.  'first' is true
     * for the load at start, when the backend may clean up what an
     * interrupted save left.  Returns the number of filters that could
     * not be read (each reported to 'diag'; an unreadable backend counts
     * as one) or loaded ('load' returned false). */
    unsigned int (*load)(struct nwf_store_backend *, bool first,
                         nwf_store_load_func *load, void *aux,
                         struct nwf_diag *);

    /* Saves 'xml' as the definition of filter 'name', atomically.  Returns
     * true if saved; otherwise the old definition is kept. */
    bool (*save)(struct nwf_store_backend *, const char *name,
                 const char *xml, struct nwf_diag *);

    /* Removes filter 'name'; true also if it was not held. */
    bool (*remove)(struct nwf_store_backend *, const char *name,
                   struct nwf_diag *);

    void (*destroy)(struct nwf_store_backend *);
};

/* Life cycle. */
struct nwf_store *nwf_store_create(struct nwf_store_backend *);
void nwf_store_destroy(struct nwf_store *);
void nwf_store_set_in_use_cb(struct nwf_store *,
                             bool (*in_use)(const char *name,
                                            struct sset *ports, void *aux),
                             void *aux);
uint64_t nwf_store_get_seqno(const struct nwf_store *);

/* Reading the backend. */
unsigned int nwf_store_load(struct nwf_store *, struct nwf_diag *);
unsigned int nwf_store_reload(struct nwf_store *, struct sset *changed,
                              struct nwf_diag *);
enum nwf_store_result nwf_store_install_builtin(
    struct nwf_store *, const char *name, const char *origin,
    const char *buf, size_t len, struct nwf_diag *);

/* Defining. */
enum nwf_store_result nwf_store_prepare_define(
    struct nwf_store *, const char *buf, size_t len, const char *origin,
    struct nwf_store_change **, struct nwf_diag *)
    OVS_WARN_UNUSED_RESULT;
const struct nwf_filter *nwf_store_change_get_filter(
    const struct nwf_store_change *);
const struct nwf_filter *nwf_store_change_lookup(const char *name,
                                                 void *change);
bool nwf_store_commit(struct nwf_store_change *, struct nwf_diag *)
    OVS_WARN_UNUSED_RESULT;
void nwf_store_abort(struct nwf_store_change *);

enum nwf_store_result nwf_store_define(struct nwf_store *, const char *buf,
                                       size_t len, const char *origin,
                                       struct nwf_diag *);

/* Undefining. */
bool nwf_store_undefine(struct nwf_store *, const char *name_or_uuid,
                        struct nwf_diag *)
    OVS_WARN_UNUSED_RESULT;

/* Queries. */
size_t nwf_store_count(const struct nwf_store *);
const struct nwf_filter *nwf_store_find(const struct nwf_store *,
                                        const char *name_or_uuid);
const struct nwf_filter *nwf_store_find_by_name(const struct nwf_store *,
                                                const char *name);
const struct nwf_filter *nwf_store_find_by_uuid(const struct nwf_store *,
                                                const struct uuid *);
const struct nwf_filter *nwf_store_find_by_uuid_string(
    const struct nwf_store *, const char *);
const struct nwf_filter *nwf_store_lookup(const char *name, void *store);
const struct nwf_filter **nwf_store_list(const struct nwf_store *,
                                         size_t *n);
void nwf_store_format_list(const struct nwf_store *, struct ds *);
void nwf_store_format_list_json(const struct nwf_store *, struct ds *);
void nwf_store_get_referrers(const struct nwf_store *, const char *name,
                             bool transitive, struct sset *referrers);

#endif /* nwf-store.h */
