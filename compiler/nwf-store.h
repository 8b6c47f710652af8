/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_STORE_H
#define NWF_STORE_H 1

/* The filter store: every defined filter, kept in memory and persisted as
 * one file NAME.xml per filter in a directory, the way libvirt keeps
 * /etc/libvirt/nwfilter.
 *
 * Loading
 * -------
 * nwf_store_load() reads every NAME.xml of the directory in name order.
 * A file that cannot be read or parsed, whose filter name is not its file
 * name, or that conflicts with what is already defined (same name with
 * another UUID, same UUID under another name, a filterref loop) is
 * reported through the diag and skipped; the other files still load.  A
 * filter without <uuid> gets one, and its file is rewritten with it.
 * nwf_store_reload() (for SIGHUP) does the same on a loaded store.
 *
 * Defining
 * --------
 * A definition is checked the way libvirt checks one (FACTS 2, 7): its
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
 *             nwf_store_commit(change, &diag);    (writes the file)
 *         } else {
 *             nwf_store_abort(change);            (nothing changes)
 *         }
 *         break;
 *     case NWF_STORE_UNCHANGED:                   (no change object)
 *     case NWF_STORE_ERROR:                       (messages in 'diag')
 *         break;
 *     }
 *
 * Writes are atomic: the new content goes to a temporary file in the same
 * directory, which is fsync()ed and renamed over NAME.xml, then the
 * directory is fsync()ed.  After a failure the old file is untouched and
 * no temporary file is left; one that a process killed in the middle of a
 * write left (".NAME.xml.XXXXXX") is removed by the next nwf_store_load().
 * Files are written with mode 0600, as libvirt writes its filter files.
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
struct nwf_store_change;

/* Outcome of a define. */
enum nwf_store_result {
    NWF_STORE_ERROR,            /* Rejected; messages are in the diag. */
    NWF_STORE_UNCHANGED,        /* Identical to the current definition. */
    NWF_STORE_CREATED,          /* A filter of a new name. */
    NWF_STORE_UPDATED,          /* A new definition of an existing name. */
};

const char *nwf_store_result_to_string(enum nwf_store_result);

/* Life cycle. */
struct nwf_store *nwf_store_create(const char *dir);
void nwf_store_destroy(struct nwf_store *);
void nwf_store_set_in_use_cb(struct nwf_store *,
                             bool (*in_use)(const char *name,
                                            struct sset *ports, void *aux),
                             void *aux);
const char *nwf_store_get_dir(const struct nwf_store *);
uint64_t nwf_store_get_seqno(const struct nwf_store *);

/* Reading the directory. */
unsigned int nwf_store_load(struct nwf_store *, struct nwf_diag *);
unsigned int nwf_store_reload(struct nwf_store *, struct sset *changed,
                              struct nwf_diag *);
unsigned int nwf_store_install_builtins(struct nwf_store *,
                                        const char *builtin_dir,
                                        struct sset *installed,
                                        struct nwf_diag *);

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
void nwf_store_get_referrers(const struct nwf_store *, const char *name,
                             bool transitive, struct sset *referrers);

/* Writes a whole file atomically (also used for the controller's state),
 * and removes what such writes left when they were interrupted. */
char *nwf_write_file_atomically(const char *dir, const char *file_name,
                                const char *content)
    OVS_WARN_UNUSED_RESULT;
unsigned int nwf_remove_stale_temporaries(const char *dir,
                                          const char *suffix);

#endif /* nwf-store.h */
