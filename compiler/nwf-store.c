/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-store.h"

#include <stdlib.h>
#include <string.h>

#include "nwf-diag.h"
#include "nwf-filter.h"
#include "nwf-xml.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "sset.h"
#include "svec.h"
#include "util.h"
#include "uuid.h"

VLOG_DEFINE_THIS_MODULE(nwf_store);

/* Where the store differs from libvirt (for docs/):
 *
 *   - A file read at load or reload that has no <uuid>, for a name that is
 *     already defined, keeps the UUID the filter already has (libvirt
 *     would generate a new one and then refuse the file because the name
 *     exists with another UUID).  A define without <uuid> of an existing
 *     name is refused, as in libvirt (docs/filter-format.md,
 *     "Defining and undefining filters").
 *   - A file whose generated UUID cannot be written back is still loaded,
 *     with an error in the diag (libvirt refuses to load it); its UUID
 *     will differ at the next start.
 *   - A new definition (define, a built-in filter) must pass
 *     nwf_filter_check(): its name and those its filterrefs use follow
 *     schemas/nwfilter.rng (libvirt's schema demands an NCName, but its C
 *     code builds the path from whatever name it gets).  A file that the
 *     store loads, which an earlier version may have accepted, is loaded
 *     even if it fails the check, with a warning: nothing defined is lost,
 *     and the admin can undefine it or define it again as it should be. */

/* One defined filter. */
struct store_node {
    struct hmap_node uuid_node;     /* In struct nwf_store's 'by_uuid'. */
    struct nwf_filter *filter;
    char *xml;                      /* nwf_xml_format_string(filter), to
                                     * recognize identical redefinitions. */
};

struct nwf_store {
    struct nwf_store_backend *backend;  /* Where filters are kept, or NULL. */
    struct shash by_name;           /* Filter name -> struct store_node. */
    struct hmap by_uuid;            /* Contains struct store_node. */
    uint64_t seqno;                 /* Incremented on every change. */

    bool (*in_use)(const char *name, struct sset *ports, void *aux);
    void *in_use_aux;
};

/* A prepared definition, not yet in the store. */
struct nwf_store_change {
    struct nwf_store *store;
    uint64_t seqno;                 /* store->seqno when prepared. */
    struct nwf_filter *filter;      /* The new definition. */
    char *xml;                      /* nwf_xml_format_string(filter). */
    bool created;                   /* No filter of this name before. */
};

/* ---- Nodes. ---- */

static struct store_node *
find_node(const struct nwf_store *store, const char *name)
{
    return shash_find_data(&store->by_name, name);
}

static struct store_node *
find_node_by_uuid(const struct nwf_store *store, const struct uuid *uuid)
{
    struct store_node *node;
    HMAP_FOR_EACH_WITH_HASH (node, uuid_node, uuid_hash(uuid),
                             &store->by_uuid) {
        if (uuid_equals(&node->filter->uuid, uuid)) {
            return node;
        }
    }
    return NULL;
}

/* A UUID string is tried first and a name second, as virsh does. */
static struct store_node *
find_node_any(const struct nwf_store *store, const char *name_or_uuid)
{
    struct uuid uuid;
    if (uuid_from_string(&uuid, name_or_uuid)) {
        struct store_node *node = find_node_by_uuid(store, &uuid);
        if (node) {
            return node;
        }
    }
    return find_node(store, name_or_uuid);
}

static void
node_destroy(struct store_node *node)
{
    if (node) {
        nwf_filter_destroy(node->filter);
        free(node->xml);
        free(node);
    }
}

static void
store_remove(struct nwf_store *store, struct store_node *node)
{
    shash_find_and_delete_assert(&store->by_name, node->filter->name);
    hmap_remove(&store->by_uuid, &node->uuid_node);
    node_destroy(node);
    store->seqno++;
}

/* Puts 'filter' with its formatted 'xml' into 'store', replacing the
 * filter of the same name, if any.  Takes ownership of both. */
static void
store_install(struct nwf_store *store, struct nwf_filter *filter, char *xml)
{
    struct store_node *old = find_node(store, filter->name);
    if (old) {
        store_remove(store, old);
    }

    struct store_node *node = xmalloc(sizeof *node);
    node->filter = filter;
    node->xml = xml;
    shash_add_assert(&store->by_name, filter->name, node);
    hmap_insert(&store->by_uuid, &node->uuid_node, uuid_hash(&filter->uuid));
    store->seqno++;
}

/* ---- Persistence. ---- */

/* Saves 'xml' as filter 'name''s definition through the store's backend.
 * Returns true if saved (or if the store has no backend); otherwise the
 * old definition is kept and the problem is reported to 'diag'. */
static bool
backend_save(const struct nwf_store *store, const char *name,
             const char *xml, struct nwf_diag *diag)
{
    struct nwf_store_backend *b = store->backend;
    return !b || b->class->save(b, name, xml, diag);
}

/* ---- Checks. ---- */

/* One filter being visited by the loop search, and how far through its
 * entries the search has got. */
struct loop_frame {
    const struct nwf_filter *filter;
    size_t next;                    /* Index of the next entry to look at. */
};

/* Looks for a path of filterrefs from 'filter' back to its own name
 * through the filters in 'store', with 'filter' taking the place of the
 * stored filter of its name.  Undefined filters are not followed, since
 * libvirt allows references to them.  If there is a loop, reports it to
 * 'diag' against the filterref that starts it and returns true.
 *
 * The search is iterative and visits each filter at most once, so a long
 * chain of definitions cannot exhaust the stack. */
static bool
find_loop(const struct nwf_store *store, const struct nwf_filter *filter,
          const char *origin, struct nwf_diag *diag)
{
    struct sset visited = SSET_INITIALIZER(&visited);
    struct loop_frame *stack = NULL;
    size_t n = 0, allocated = 0;
    bool found = false;

    stack = x2nrealloc(stack, &allocated, sizeof *stack);
    stack[n++] = (struct loop_frame) { filter, 0 };
    while (n > 0 && !found) {
        struct loop_frame *top = &stack[n - 1];
        if (top->next >= top->filter->n_entries) {
            n--;
            continue;
        }

        const struct nwf_entry *entry = &top->filter->entries[top->next++];
        if (entry->type != NWF_ENTRY_FILTERREF) {
            continue;
        }
        const char *target = entry->ref->filter;
        if (!strcmp(target, filter->name)) {
            found = true;
            break;
        }
        if (!sset_add(&visited, target)) {
            continue;
        }
        const struct store_node *node = find_node(store, target);
        if (node) {
            if (n >= allocated) {
                stack = x2nrealloc(stack, &allocated, sizeof *stack);
            }
            stack[n++] = (struct loop_frame) { node->filter, 0 };
        }
    }

    if (found) {
        /* The frames on the stack are the path; each frame's 'next' has
         * gone one past the filterref taken from it. */
        struct ds path = DS_EMPTY_INITIALIZER;
        for (size_t i = 0; i < n; i++) {
            ds_put_format(&path, "%s -> ", stack[i].filter->name);
        }
        ds_put_cstr(&path, filter->name);

        const struct nwf_filterref *first
            = filter->entries[stack[0].next - 1].ref;
        struct nwf_diag_loc loc = {
            .file = origin, .line = first->line, .element = "filterref",
            .attr = "filter", .value = first->filter,
        };
        nwf_diag_error(diag, &loc, "filter '%s' would introduce a loop: %s",
                       filter->name, ds_cstr(&path));
        ds_destroy(&path);
    }
    free(stack);
    sset_destroy(&visited);
    return found;
}

/* Checks definition 'filter' against 'store' and returns the outcome;
 * for NWF_STORE_CREATED and NWF_STORE_UPDATED, '*changep' is the pending
 * change, otherwise NULL.  Takes ownership of 'filter'.  The caller has
 * applied nwf_filter_check(). */
static enum nwf_store_result
prepare_filter(struct nwf_store *store, struct nwf_filter *filter,
               const char *origin, struct nwf_store_change **changep,
               struct nwf_diag *diag)
{
    struct nwf_diag_loc loc = {
        .file = origin, .element = "filter", .attr = "name",
        .value = filter->name,
    };
    *changep = NULL;

    const struct store_node *same_uuid = find_node_by_uuid(store,
                                                           &filter->uuid);
    if (same_uuid && strcmp(same_uuid->filter->name, filter->name)) {
        char uuid_s[UUID_LEN + 1];
        snprintf(uuid_s, sizeof uuid_s, UUID_FMT, UUID_ARGS(&filter->uuid));
        struct nwf_diag_loc uuid_loc = {
            .file = origin, .element = "uuid", .value = uuid_s,
        };
        nwf_diag_error(diag, &uuid_loc, "filter with uuid %s already "
                       "exists under the name '%s'",
                       uuid_s, same_uuid->filter->name);
        goto error;
    }

    const struct store_node *old = find_node(store, filter->name);
    if (old && !uuid_equals(&old->filter->uuid, &filter->uuid)) {
        nwf_diag_error(diag, &loc, "filter '%s' already exists with uuid "
                       UUID_FMT"%s", filter->name,
                       UUID_ARGS(&old->filter->uuid),
                       filter->uuid_given ? ""
                       : " (give that uuid to replace it)");
        goto error;
    }

    char *xml = nwf_xml_format_string(filter);
    if (old && !strcmp(old->xml, xml)) {
        free(xml);
        nwf_filter_destroy(filter);
        return NWF_STORE_UNCHANGED;
    }

    if (find_loop(store, filter, origin, diag)) {
        free(xml);
        goto error;
    }

    struct nwf_store_change *change = xmalloc(sizeof *change);
    change->store = store;
    change->seqno = store->seqno;
    change->filter = filter;
    change->xml = xml;
    change->created = !old;
    *changep = change;
    return old ? NWF_STORE_UPDATED : NWF_STORE_CREATED;

error:
    nwf_filter_destroy(filter);
    return NWF_STORE_ERROR;
}

/* Moves the definition in 'change' into the store and frees 'change'. */
static void
change_apply(struct nwf_store_change *change)
{
    store_install(change->store, change->filter, change->xml);
    free(change);
}

/* ---- Public interface. ---- */

/* Returns a word for 'result', for messages and logs. */
const char *
nwf_store_result_to_string(enum nwf_store_result result)
{
    switch (result) {
    case NWF_STORE_ERROR: return "error";
    case NWF_STORE_UNCHANGED: return "unchanged";
    case NWF_STORE_CREATED: return "created";
    case NWF_STORE_UPDATED: return "updated";
    }
    return "<unknown>";
}

/* Returns a new, empty store that keeps its filters in 'backend' (for
 * example lib/filter-dir.h's directory), of which it takes ownership, or
 * in memory only if 'backend' is NULL.  Does not read the backend: call
 * nwf_store_load() for that. */
struct nwf_store *
nwf_store_create(struct nwf_store_backend *backend)
{
    struct nwf_store *store = xzalloc(sizeof *store);
    store->backend = backend;
    shash_init(&store->by_name);
    hmap_init(&store->by_uuid);
    return store;
}

/* Frees 'store'.  Every change prepared on it must have been committed or
 * aborted. */
void
nwf_store_destroy(struct nwf_store *store)
{
    if (!store) {
        return;
    }
    struct shash_node *node;
    SHASH_FOR_EACH_SAFE (node, &store->by_name) {
        struct store_node *sn = node->data;
        hmap_remove(&store->by_uuid, &sn->uuid_node);
        node_destroy(sn);
    }
    shash_destroy(&store->by_name);
    hmap_destroy(&store->by_uuid);
    if (store->backend) {
        store->backend->class->destroy(store->backend);
    }
    free(store);
}

/* Sets the function that nwf_store_undefine() asks whether a filter is in
 * use.  Without one, no filter is in use (as for the offline tool). */
void
nwf_store_set_in_use_cb(struct nwf_store *store,
                        bool (*in_use)(const char *name, struct sset *ports,
                                       void *aux),
                        void *aux)
{
    store->in_use = in_use;
    store->in_use_aux = aux;
}

/* Returns a number that changes whenever a filter is added, replaced or
 * removed, so that an owner can tell cheaply whether to look again. */
uint64_t
nwf_store_get_seqno(const struct nwf_store *store)
{
    return store->seqno;
}

/* Logs what nwf_filter_check() finds wrong with 'filter', read from file
 * 'path' of the store: see "Where the store differs from libvirt". */
static void
warn_unchecked(const struct nwf_filter *filter, const char *path)
{
    struct nwf_diag diag;
    nwf_diag_init(&diag);
    if (!nwf_filter_check(filter, path, &diag)) {
        VLOG_WARN("%s (loaded all the same, so that nothing defined is "
                  "lost; a new definition must fix this)",
                  nwf_diag_text(&diag));
    }
    nwf_diag_destroy(&diag);
}

/* What a load or reload is collecting. */
struct load_ctx {
    struct nwf_store *store;
    struct sset *changed;           /* Names of new or changed filters. */
    struct nwf_diag *diag;
};

/* nwf_store_load_func for a backend's load: defines filter 'name' from
 * its stored XML, 'len' bytes at 'buf'.  Returns false if it could not
 * be loaded. */
static bool
load_filter(const char *name, const char *origin, const char *buf,
            size_t len, void *ctx_)
{
    struct load_ctx *ctx = ctx_;
    struct nwf_store *store = ctx->store;
    struct nwf_diag *diag = ctx->diag;

    struct nwf_filter *filter = nwf_xml_parse_named(buf, len, origin, name,
                                                    diag);
    if (!filter) {
        return false;
    }

    /* A file without <uuid> for a filter we already have (an admin
     * rewrote it) keeps the filter's UUID rather than becoming a
     * conflicting new filter. */
    bool generated = !filter->uuid_given;
    if (generated) {
        const struct store_node *old = find_node(store, filter->name);
        if (old) {
            filter->uuid = old->filter->uuid;
        }
    }

    warn_unchecked(filter, origin);

    struct nwf_store_change *change;
    enum nwf_store_result result = prepare_filter(store, filter, origin,
                                                  &change, diag);
    if (result == NWF_STORE_ERROR) {
        return false;
    }

    /* libvirt saves a generated UUID at once, so that it is stable across
     * restarts.  If that fails the filter still works now; it is better
     * loaded with a warning than missing. */
    if (generated) {
        const char *xml = (change ? change->xml
                           : find_node(store, name)->xml);
        if (!backend_save(store, name, xml, diag)) {
            struct nwf_diag_loc loc = { .file = origin };
            nwf_diag_error(diag, &loc, "filter loaded, but its generated "
                           "uuid could not be saved");
        }
    }
    if (change) {
        if (ctx->changed) {
            sset_add(ctx->changed, name);
        }
        change_apply(change);
    }
    return true;
}

/* Reads every filter that the store's backend holds, in name order, and
 * defines it.  See nwf-store.h for what makes a filter fail; each failure
 * is reported to 'diag' naming its origin (the file) and the others still
 * load.  Returns the number of filters that could not be loaded (counting
 * an unreadable backend as one).
 *
 * 'changed', if nonnull, receives the name of every filter that is new or
 * whose definition changed.  A filter whose file disappeared stays defined
 * (in memory only, until the next start), as libvirt does on reload: the
 * ports using it keep working, and the admin can still undefine it. */
unsigned int
nwf_store_reload(struct nwf_store *store, struct sset *changed,
                 struct nwf_diag *diag)
{
    struct nwf_store_backend *b = store->backend;
    struct load_ctx ctx = { store, changed, diag };
    return b ? b->class->load(b, false, load_filter, &ctx, diag) : 0;
}

/* Loads the store from its backend at start; the same as
 * nwf_store_reload() without the list of changes, except that the backend
 * may first clean up what an earlier run, killed in the middle of a
 * write, left behind. */
unsigned int
nwf_store_load(struct nwf_store *store, struct nwf_diag *diag)
{
    struct nwf_store_backend *b = store->backend;
    struct load_ctx ctx = { store, NULL, diag };
    return b ? b->class->load(b, true, load_filter, &ctx, diag) : 0;
}

/* Defines built-in filter 'name' (from the project's filters/) from its
 * XML in 'len' bytes at 'buf' ('origin' names it in messages), with a new
 * UUID, unless a filter of that name is defined already: that one,
 * typically an admin's own, is never replaced.  Returns NWF_STORE_CREATED
 * if it was defined, NWF_STORE_UNCHANGED if the name was taken, or
 * NWF_STORE_ERROR after reporting to 'diag'. */
enum nwf_store_result
nwf_store_install_builtin(struct nwf_store *store, const char *name,
                          const char *origin, const char *buf, size_t len,
                          struct nwf_diag *diag)
{
    struct nwf_filter *filter = nwf_xml_parse_named(buf, len, origin, name,
                                                    diag);
    struct nwf_store_change *change = NULL;
    if (!filter) {
        return NWF_STORE_ERROR;
    } else if (find_node(store, filter->name)) {
        nwf_filter_destroy(filter);
        return NWF_STORE_UNCHANGED;
    } else if (!nwf_filter_check(filter, origin, diag)) {
        nwf_filter_destroy(filter);
        return NWF_STORE_ERROR;
    } else if (prepare_filter(store, filter, origin, &change, diag)
               == NWF_STORE_ERROR) {
        return NWF_STORE_ERROR;
    }
    ovs_assert(change && change->created);
    return (nwf_store_commit(change, diag)
            ? NWF_STORE_CREATED : NWF_STORE_ERROR);
}

/* Parses the filter XML in 'len' bytes at 'buf' ('origin' names it in
 * messages) and checks it as a new definition, without changing anything.
 *
 * Returns NWF_STORE_CREATED or NWF_STORE_UPDATED with '*changep' set to a
 * pending change, which the caller must pass to nwf_store_commit() or
 * nwf_store_abort() before the store changes otherwise.  Returns
 * NWF_STORE_UNCHANGED if the definition formats exactly like the current
 * one (nothing to rebuild), NWF_STORE_ERROR after reporting to 'diag'; in
 * both cases '*changep' is NULL. */
enum nwf_store_result
nwf_store_prepare_define(struct nwf_store *store, const char *buf,
                         size_t len, const char *origin,
                         struct nwf_store_change **changep,
                         struct nwf_diag *diag)
{
    struct nwf_filter *filter = nwf_xml_parse_buffer(buf, len, origin,
                                                     diag);
    if (!filter) {
        *changep = NULL;
        return NWF_STORE_ERROR;
    }
    if (!nwf_filter_check(filter, origin, diag)) {
        nwf_filter_destroy(filter);
        *changep = NULL;
        return NWF_STORE_ERROR;
    }
    return prepare_filter(store, filter, origin, changep, diag);
}

/* Returns the new definition held by 'change'. */
const struct nwf_filter *
nwf_store_change_get_filter(const struct nwf_store_change *change)
{
    return change->filter;
}

/* A lookup function for nwf_resolve() with a struct nwf_store_change * as
 * 'change': it sees the store as it will be once 'change' is committed. */
const struct nwf_filter *
nwf_store_change_lookup(const char *name, void *change_)
{
    const struct nwf_store_change *change = change_;
    if (!strcmp(name, change->filter->name)) {
        return change->filter;
    }
    return nwf_store_lookup(name, change->store);
}

/* Saves the definition in 'change' through the store's backend (its
 * file) and puts it in the store.  Returns true on success.  On failure
 * (it could not be saved, or the store changed since the change was
 * prepared) the store and its backend are as they were, and the problem
 * is reported to 'diag'.
 * Frees 'change' in either case. */
bool
nwf_store_commit(struct nwf_store_change *change, struct nwf_diag *diag)
{
    struct nwf_store *store = change->store;

    /* The checks made by prepare hold only for the store they were made
     * against. */
    if (change->seqno != store->seqno) {
        nwf_diag_error(diag, NULL, "filter '%s' not defined: the filter "
                       "store changed after the definition was checked",
                       change->filter->name);
        nwf_store_abort(change);
        return false;
    }
    if (!backend_save(store, change->filter->name, change->xml, diag)) {
        nwf_store_abort(change);
        return false;
    }
    change_apply(change);
    return true;
}

/* Drops 'change' without changing anything. */
void
nwf_store_abort(struct nwf_store_change *change)
{
    if (change) {
        nwf_filter_destroy(change->filter);
        free(change->xml);
        free(change);
    }
}

/* Prepares and commits in one step, for callers with no ports to try the
 * definition on (the offline tool, tests). */
enum nwf_store_result
nwf_store_define(struct nwf_store *store, const char *buf, size_t len,
                 const char *origin, struct nwf_diag *diag)
{
    struct nwf_store_change *change;
    enum nwf_store_result result = nwf_store_prepare_define(store, buf, len,
                                                            origin, &change,
                                                            diag);
    if (change && !nwf_store_commit(change, diag)) {
        result = NWF_STORE_ERROR;
    }
    return result;
}

/* Removes the filter with the name or UUID 'name_or_uuid', from the
 * backend too (its file).
 * Refused, with the ports named in the message, while the owner's in-use
 * function says the filter is in use.  Filters that refer to it may
 * remain: a reference to an undefined filter is allowed.  Returns true on
 * success; otherwise nothing changed and the problem is in 'diag'. */
bool
nwf_store_undefine(struct nwf_store *store, const char *name_or_uuid,
                   struct nwf_diag *diag)
{
    struct store_node *node = find_node_any(store, name_or_uuid);
    if (!node) {
        nwf_diag_error(diag, NULL, "no filter with name or uuid '%s'",
                       name_or_uuid);
        return false;
    }
    const char *name = node->filter->name;

    if (store->in_use) {
        struct sset ports = SSET_INITIALIZER(&ports);
        bool in_use = store->in_use(name, &ports, store->in_use_aux);
        if (in_use) {
            struct ds s = DS_EMPTY_INITIALIZER;
            const char **sorted = sset_sort(&ports);
            for (size_t i = 0; i < sset_count(&ports); i++) {
                ds_put_format(&s, "%s%s", i ? ", " : "", sorted[i]);
            }
            free(sorted);
            if (s.length) {
                nwf_diag_error(diag, NULL, "filter '%s' is in use by "
                               "port%s %s", name,
                               sset_count(&ports) > 1 ? "s" : "",
                               ds_cstr(&s));
            } else {
                nwf_diag_error(diag, NULL, "filter '%s' is in use", name);
            }
            ds_destroy(&s);
        }
        sset_destroy(&ports);
        if (in_use) {
            return false;
        }
    }

    /* A filter the backend lacks is fine to remove: a filter whose file was
     * deleted stays in memory after a reload (see nwf_store_reload()). */
    struct nwf_store_backend *b = store->backend;
    if (b && !b->class->remove(b, name, diag)) {
        return false;
    }
    store_remove(store, node);
    return true;
}

/* Returns the number of filters in 'store'. */
size_t
nwf_store_count(const struct nwf_store *store)
{
    return shash_count(&store->by_name);
}

/* Returns the filter whose UUID (in the usual 8-4-4-4-12 form) or name is
 * 'name_or_uuid', or NULL. */
const struct nwf_filter *
nwf_store_find(const struct nwf_store *store, const char *name_or_uuid)
{
    const struct store_node *node = find_node_any(store, name_or_uuid);
    return node ? node->filter : NULL;
}

/* Returns the filter named 'name', or NULL. */
const struct nwf_filter *
nwf_store_find_by_name(const struct nwf_store *store, const char *name)
{
    const struct store_node *node = find_node(store, name);
    return node ? node->filter : NULL;
}

/* Returns the filter with UUID 'uuid', or NULL. */
const struct nwf_filter *
nwf_store_find_by_uuid(const struct nwf_store *store,
                       const struct uuid *uuid)
{
    const struct store_node *node = find_node_by_uuid(store, uuid);
    return node ? node->filter : NULL;
}

/* Returns the filter whose UUID is 's' (8-4-4-4-12 hex digits), or NULL,
 * also if 's' is not a UUID. */
const struct nwf_filter *
nwf_store_find_by_uuid_string(const struct nwf_store *store, const char *s)
{
    struct uuid uuid;
    return (uuid_from_string(&uuid, s)
            ? nwf_store_find_by_uuid(store, &uuid)
            : NULL);
}

/* A lookup function for nwf_resolve(), with the struct nwf_store * as
 * 'store'. */
const struct nwf_filter *
nwf_store_lookup(const char *name, void *store)
{
    return nwf_store_find_by_name(store, name);
}

/* Returns the filters of 'store' sorted by name, as an array of '*n'
 * pointers that the caller must free() (NULL if there are none). */
const struct nwf_filter **
nwf_store_list(const struct nwf_store *store, size_t *n)
{
    const struct shash_node **nodes = shash_sort(&store->by_name);
    const struct nwf_filter **filters = NULL;

    *n = shash_count(&store->by_name);
    if (*n) {
        filters = xmalloc(*n * sizeof *filters);
        for (size_t i = 0; i < *n; i++) {
            const struct store_node *sn = nodes[i]->data;
            filters[i] = sn->filter;
        }
    }
    free(nodes);
    return filters;
}

/* Appends to 's' a table of the filters of 'store' with their UUIDs,
 * sorted by name: two columns, UUID and name, like "virsh
 * nwfilter-list". */
void
nwf_store_format_list(const struct nwf_store *store, struct ds *s)
{
    size_t n;
    const struct nwf_filter **filters = nwf_store_list(store, &n);

    ds_put_format(s, " %-*s   %s\n", UUID_LEN, "UUID", "Name");
    ds_put_char_multiple(s, '-', UUID_LEN + 30);
    ds_put_char(s, '\n');
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, " "UUID_FMT"   %s\n",
                      UUID_ARGS(&filters[i]->uuid), filters[i]->name);
    }
    free(filters);
}

/* Appends to 's' the same list as a JSON array of {"uuid": UUID, "name":
 * NAME} objects, sorted by name.
 *
 * OVS's JSON library rather than jansson: both define json_array(),
 * json_object() and json_string(), and in a program linked with the
 * static libopenvswitch, OVS's definitions take the place of jansson's
 * inside libjansson too (jansson's json_pack() then crashes). */
void
nwf_store_format_list_json(const struct nwf_store *store, struct ds *s)
{
    size_t n;
    const struct nwf_filter **filters = nwf_store_list(store, &n);
    struct json *array = json_array_create_empty();
    for (size_t i = 0; i < n; i++) {
        struct json *object = json_object_create();
        json_object_put_format(object, "uuid", UUID_FMT,
                               UUID_ARGS(&filters[i]->uuid));
        json_object_put_string(object, "name", filters[i]->name);
        json_array_add(array, object);
    }
    free(filters);
    json_to_ds(array, JSSF_SORT, s);
    json_destroy(array);
}

/* Adds to 'referrers' the name of every filter of 'store' that refers to
 * filter 'name': directly through a <filterref>, or, if 'transitive',
 * also through other filters.  A port must be rebuilt when its top filter
 * is 'name' or one of these.
 *
 * The reverse edges are built on each call rather than kept up to date:
 * a host has hundreds of filters, and this runs once per define. */
void
nwf_store_get_referrers(const struct nwf_store *store, const char *name,
                        bool transitive, struct sset *referrers)
{
    struct shash reverse = SHASH_INITIALIZER(&reverse);
    struct shash_node *node;

    SHASH_FOR_EACH (node, &store->by_name) {
        const struct store_node *sn = node->data;
        const struct nwf_filter *f = sn->filter;
        for (size_t i = 0; i < f->n_entries; i++) {
            if (f->entries[i].type != NWF_ENTRY_FILTERREF) {
                continue;
            }
            const char *target = f->entries[i].ref->filter;
            struct svec *from = shash_find_data(&reverse, target);
            if (!from) {
                from = xmalloc(sizeof *from);
                svec_init(from);
                shash_add(&reverse, target, from);
            }
            svec_add(from, f->name);
        }
    }

    struct svec queue = SVEC_EMPTY_INITIALIZER;
    struct sset seen = SSET_INITIALIZER(&seen);
    svec_add(&queue, name);
    sset_add(&seen, name);
    for (size_t i = 0; i < queue.n; i++) {
        const struct svec *from = shash_find_data(&reverse, queue.names[i]);
        if (!from) {
            continue;
        }
        for (size_t j = 0; j < from->n; j++) {
            if (sset_add(&seen, from->names[j])) {
                sset_add(referrers, from->names[j]);
                if (transitive) {
                    svec_add(&queue, from->names[j]);
                }
            }
        }
    }
    svec_destroy(&queue);
    sset_destroy(&seen);

    SHASH_FOR_EACH_SAFE (node, &reverse) {
        svec_destroy(node->data);
        free(node->data);
    }
    shash_destroy(&reverse);
}
