/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-store.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nwf-diag.h"
#include "nwf-filter.h"
#include "nwf-xml.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
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
 *     name is refused, as in libvirt (FACTS 15.6).
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
    char *dir;
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

/* ---- Files. ---- */

static char *
filter_path(const struct nwf_store *store, const char *name)
{
    return xasprintf("%s/%s.xml", store->dir, name);
}

/* Returns the sorted names of the files NAME.xml in 'dir', without those
 * starting with '.' (among them our own temporary files).  Returns false
 * after reporting to 'diag' if the directory cannot be read. */
static bool
list_xml_files(const char *dir, struct svec *files, struct nwf_diag *diag)
{
    struct nwf_diag_loc loc = { .file = dir };
    DIR *d = opendir(dir);
    if (!d) {
        nwf_diag_error(diag, &loc, "cannot open directory: %s",
                       ovs_strerror(errno));
        return false;
    }

    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (!de) {
            if (errno) {
                nwf_diag_error(diag, &loc, "cannot read directory: %s",
                               ovs_strerror(errno));
                closedir(d);
                return false;
            }
            break;
        }
        size_t len = strlen(de->d_name);
        if (de->d_name[0] != '.' && len > 4
            && !strcmp(de->d_name + len - 4, ".xml")) {
            svec_add(files, de->d_name);
        }
    }
    closedir(d);
    svec_sort(files);
    return true;
}

static int
write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno;
        }
        data += n;
        len -= n;
    }
    return 0;
}

/* Makes the directory entries of 'dir' (a rename or unlink done in it)
 * durable.  Returns 0 or an errno value. */
static int
fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0) {
        return errno;
    }
    int error = fsync(fd) ? errno : 0;
    close(fd);

    /* Some file systems cannot sync a directory; their renames are as
     * durable as they get. */
    return error == EINVAL ? 0 : error;
}

static void
sync_dir_or_warn(const char *dir)
{
    /* The change is already visible in the directory, so undoing it is
     * not possible and would not help: only its durability across a
     * crash is in doubt.  Hence a warning, not an error. */
    int error = fsync_dir(dir);
    if (error) {
        VLOG_WARN("%s: cannot sync directory: %s", dir, ovs_strerror(error));
    }
}

/* Writes 'content' to 'dir'/'file_name' atomically: into a temporary file
 * in the same directory, synced, then renamed over the file, then the
 * directory synced.  Returns NULL if the file has the new content;
 * otherwise the old file (if any) is untouched, no temporary file is left,
 * and the returned message (for the caller to free) says what failed. */
char *
nwf_write_file_atomically(const char *dir, const char *file_name,
                          const char *content)
{
    char *path = xasprintf("%s/%s", dir, file_name);
    char *tmp = xasprintf("%s/.%s.XXXXXX", dir, file_name);
    char *result = NULL;
    const char *failed = NULL;
    int error = 0;

    int fd = mkstemp(tmp);
    if (fd < 0) {
        result = xasprintf("cannot create temporary file %s: %s", tmp,
                           ovs_strerror(errno));
        goto out;
    }

    error = write_all(fd, content, strlen(content));
    if (error) {
        failed = "write";
    } else if (fsync(fd)) {
        error = errno;
        failed = "fsync";
    }
    if (close(fd) && !failed) {
        error = errno;
        failed = "close";
    }
    if (!failed && rename(tmp, path)) {
        error = errno;
        failed = "rename";
    }

    if (failed) {
        unlink(tmp);
        result = xasprintf("%s of %s failed: %s", failed, tmp,
                           ovs_strerror(error));
    } else {
        sync_dir_or_warn(dir);
    }
out:
    free(tmp);
    free(path);
    return result;
}

/* Whether 'name', a file of 'dir', is a temporary file that
 * nwf_write_file_atomically() made for a file whose name ends in 'suffix'
 * and that an interrupted write left behind: ".FILE.XXXXXX", where FILE
 * ends in 'suffix' and XXXXXX are six letters and digits from mkstemp(),
 * a regular file of this user that only this user may read or write, as
 * mkstemp() creates it. */
static bool
is_stale_temporary(const char *dir, const char *name, const char *suffix)
{
    size_t len = strlen(name);
    size_t suffix_len = strlen(suffix);
    if (name[0] != '.' || len < 1 + suffix_len + 7
        || name[len - 7] != '.'
        || strncmp(name + len - 7 - suffix_len, suffix, suffix_len)) {
        return false;
    }
    for (size_t i = len - 6; i < len; i++) {
        if (!isalnum((unsigned char) name[i])) {
            return false;
        }
    }

    char *path = xasprintf("%s/%s", dir, name);
    struct stat st;
    bool ours = (!lstat(path, &st) && S_ISREG(st.st_mode)
                 && st.st_uid == geteuid()
                 && !(st.st_mode & 077));
    free(path);
    return ours;
}

/* Removes from 'dir' the temporary files that nwf_write_file_atomically()
 * left there for files whose name ends in 'suffix' when the process was
 * killed between creating and renaming them (kill -9, a crash, a power
 * cut), and nothing else.  Only for a directory no other process writes
 * in at the same time.  Returns the number of files removed. */
unsigned int
nwf_remove_stale_temporaries(const char *dir, const char *suffix)
{
    unsigned int n = 0;
    DIR *d = opendir(dir);
    if (!d) {
        return 0;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (is_stale_temporary(dir, de->d_name, suffix)) {
            char *path = xasprintf("%s/%s", dir, de->d_name);
            if (!unlink(path)) {
                VLOG_INFO("%s: removed a temporary file that an "
                          "interrupted write left", path);
                n++;
            } else {
                VLOG_WARN("%s: cannot remove temporary file (%s)", path,
                          ovs_strerror(errno));
            }
            free(path);
        }
    }
    closedir(d);
    if (n) {
        sync_dir_or_warn(dir);
    }
    return n;
}

/* Writes 'content' to NAME.xml in the store's directory atomically.
 * Returns true if NAME.xml has the new content; otherwise the old file (if
 * any) is untouched and the problem is reported to 'diag'. */
static bool
write_filter_file(const struct nwf_store *store, const char *name,
                  const char *content, struct nwf_diag *diag)
{
    char *file_name = xasprintf("%s.xml", name);
    char *error = nwf_write_file_atomically(store->dir, file_name, content);
    if (error) {
        char *path = filter_path(store, name);
        struct nwf_diag_loc loc = { .file = path };
        nwf_diag_error(diag, &loc, "cannot write filter file (%s); the old "
                       "file is unchanged", error);
        free(path);
        free(error);
    }
    free(file_name);
    return !error;
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

/* Returns a new, empty store for the filter directory 'dir'.  Does not
 * touch the directory: call nwf_store_load() to read it. */
struct nwf_store *
nwf_store_create(const char *dir)
{
    struct nwf_store *store = xzalloc(sizeof *store);
    store->dir = xstrdup(dir);
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
    free(store->dir);
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

/* Returns the store's directory. */
const char *
nwf_store_get_dir(const struct nwf_store *store)
{
    return store->dir;
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

/* Reads file 'file_name' (NAME.xml) of the store's directory into the
 * store.  Returns false if it could not be loaded. */
static bool
load_file(struct nwf_store *store, const char *file_name,
          struct sset *changed, struct nwf_diag *diag)
{
    char *path = xasprintf("%s/%s", store->dir, file_name);
    char *stem = xmemdup0(file_name, strlen(file_name) - 4);
    struct nwf_diag_loc loc = { .file = path };
    bool ok = false;

    /* The parser reads regular files only (nwf-xmldoc.h). */
    struct nwf_filter *filter = nwf_xml_parse_file(path, diag);
    if (!filter) {
        goto exit;
    }
    if (strcmp(filter->name, stem)) {
        struct nwf_diag_loc name_loc = {
            .file = path, .element = "filter", .attr = "name",
            .value = filter->name,
        };
        nwf_diag_error(diag, &name_loc, "filter name does not match the "
                       "file name (expected '%s')", stem);
        nwf_filter_destroy(filter);
        goto exit;
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

    warn_unchecked(filter, path);

    struct nwf_store_change *change;
    enum nwf_store_result result = prepare_filter(store, filter, path,
                                                  &change, diag);
    if (result == NWF_STORE_ERROR) {
        goto exit;
    }

    /* libvirt saves a generated UUID at once, so that it is stable across
     * restarts.  If that fails the filter still works now; it is better
     * loaded with a warning than missing. */
    if (generated) {
        const char *xml = (change ? change->xml
                           : find_node(store, stem)->xml);
        if (!write_filter_file(store, stem, xml, diag)) {
            nwf_diag_error(diag, &loc, "filter loaded, but its generated "
                           "uuid could not be saved");
        }
    }
    if (change) {
        if (changed) {
            sset_add(changed, stem);
        }
        change_apply(change);
    }
    ok = true;

exit:
    free(stem);
    free(path);
    return ok;
}

/* Reads every NAME.xml file in the store's directory, in name order, and
 * defines its filter.  See nwf-store.h for what makes a file fail; each
 * failure is reported to 'diag' naming the file and the others still
 * load.  Returns the number of files that could not be loaded (counting an
 * unreadable directory as one).
 *
 * 'changed', if nonnull, receives the name of every filter that is new or
 * whose definition changed.  A filter whose file disappeared stays defined
 * (in memory only, until the next start), as libvirt does on reload: the
 * ports using it keep working, and the admin can still undefine it. */
unsigned int
nwf_store_reload(struct nwf_store *store, struct sset *changed,
                 struct nwf_diag *diag)
{
    struct svec files = SVEC_EMPTY_INITIALIZER;
    unsigned int n_failed = 0;

    if (!list_xml_files(store->dir, &files, diag)) {
        n_failed = 1;
    } else {
        for (size_t i = 0; i < files.n; i++) {
            if (!load_file(store, files.names[i], changed, diag)) {
                n_failed++;
            }
        }
    }
    svec_destroy(&files);
    return n_failed;
}

/* Loads the store from its directory at start; the same as
 * nwf_store_reload() without the list of changes, after removing the
 * temporary files that an earlier run, killed in the middle of a write,
 * left behind. */
unsigned int
nwf_store_load(struct nwf_store *store, struct nwf_diag *diag)
{
    nwf_remove_stale_temporaries(store->dir, ".xml");
    return nwf_store_reload(store, NULL, diag);
}

/* Defines each filter NAME.xml of 'builtin_dir' (the project's filters/)
 * whose name is not defined yet, writing it to the store's directory with
 * a new UUID.  A filter of the same name, typically an admin's own, is
 * never replaced.  Adds the names installed to 'installed', if nonnull.
 * Returns the number of files that failed, each reported to 'diag'. */
unsigned int
nwf_store_install_builtins(struct nwf_store *store, const char *builtin_dir,
                           struct sset *installed, struct nwf_diag *diag)
{
    struct svec files = SVEC_EMPTY_INITIALIZER;
    unsigned int n_failed = 0;

    if (!list_xml_files(builtin_dir, &files, diag)) {
        svec_destroy(&files);
        return 1;
    }
    for (size_t i = 0; i < files.n; i++) {
        const char *file_name = files.names[i];
        char *path = xasprintf("%s/%s", builtin_dir, file_name);
        char *stem = xmemdup0(file_name, strlen(file_name) - 4);

        struct nwf_filter *filter = nwf_xml_parse_file(path, diag);
        struct nwf_store_change *change = NULL;
        bool ok = false;
        if (!filter) {
            /* Reported by the parser. */
        } else if (strcmp(filter->name, stem)) {
            struct nwf_diag_loc loc = {
                .file = path, .element = "filter", .attr = "name",
                .value = filter->name,
            };
            nwf_diag_error(diag, &loc, "filter name does not match the "
                           "file name (expected '%s')", stem);
            nwf_filter_destroy(filter);
        } else if (find_node(store, filter->name)) {
            nwf_filter_destroy(filter);
            ok = true;
        } else if (!nwf_filter_check(filter, path, diag)) {
            nwf_filter_destroy(filter);
        } else if (prepare_filter(store, filter, path, &change, diag)
                   != NWF_STORE_ERROR) {
            ovs_assert(change && change->created);
            ok = nwf_store_commit(change, diag);
            if (ok && installed) {
                sset_add(installed, stem);
            }
        }
        if (!ok) {
            n_failed++;
        }
        free(stem);
        free(path);
    }
    svec_destroy(&files);
    return n_failed;
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

/* Writes the definition in 'change' to its file and puts it in the store.
 * Returns true on success.  On failure (the file could not be written, or
 * the store changed since the change was prepared) the store and its
 * directory are as they were, and the problem is reported to 'diag'.
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
    if (!write_filter_file(store, change->filter->name, change->xml,
                           diag)) {
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

/* Removes the filter with the name or UUID 'name_or_uuid' and its file.
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

    /* A missing file is fine: a filter whose file was deleted stays in
     * memory after a reload (see nwf_store_reload()). */
    char *path = filter_path(store, name);
    if (unlink(path) && errno != ENOENT) {
        struct nwf_diag_loc loc = { .file = path };
        nwf_diag_error(diag, &loc, "cannot remove filter file: %s",
                       ovs_strerror(errno));
        free(path);
        return false;
    }
    free(path);
    sync_dir_or_warn(store->dir);
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
