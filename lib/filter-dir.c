/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "filter-dir.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nwf-diag.h"
#include "nwf-file.h"
#include "nwf-filter.h"
#include "nwf-store.h"
#include "nwf-xml.h"
#include "nwf-xmlfile.h"
#include "sset.h"
#include "svec.h"
#include "util.h"

/* ---- The filter store's directory. ---- */

struct filter_dir {
    struct nwf_store_backend up;
    char *dir;
};

static struct filter_dir *
filter_dir_cast(struct nwf_store_backend *backend)
{
    return CONTAINER_OF(backend, struct filter_dir, up);
}

/* Calls 'load' for every file NAME.xml of 'dir' in name order, with NAME,
 * the file's path and its content.  Returns the number of files that
 * could not be read or loaded, counting an unreadable directory as one. */
static unsigned int
load_dir(const char *dir, nwf_store_load_func *load, void *aux,
         struct nwf_diag *diag)
{
    struct svec files = SVEC_EMPTY_INITIALIZER;
    unsigned int n_failed = 0;

    if (!nwf_file_list_dir(dir, ".xml", &files, diag)) {
        n_failed = 1;
    }
    for (size_t i = 0; i < files.n; i++) {
        const char *file_name = files.names[i];
        char *path = xasprintf("%s/%s", dir, file_name);
        char *name = xmemdup0(file_name, strlen(file_name) - 4);
        size_t len;
        char *buf = nwf_xmlfile_read(path, &len, diag);
        if (!buf || !load(name, path, buf, len, aux)) {
            n_failed++;
        }
        free(buf);
        free(name);
        free(path);
    }
    svec_destroy(&files);
    return n_failed;
}

static unsigned int
filter_dir_load(struct nwf_store_backend *backend, bool first,
                nwf_store_load_func *load, void *aux, struct nwf_diag *diag)
{
    struct filter_dir *fd = filter_dir_cast(backend);
    if (first) {
        /* What an earlier run, killed in the middle of a write, left. */
        nwf_remove_stale_temporaries(fd->dir, ".xml");
    }
    return load_dir(fd->dir, load, aux, diag);
}

static bool
filter_dir_save(struct nwf_store_backend *backend, const char *name,
                const char *xml, struct nwf_diag *diag)
{
    struct filter_dir *fd = filter_dir_cast(backend);
    char *file_name = xasprintf("%s.xml", name);
    char *error = nwf_write_file_atomically(fd->dir, file_name, xml);
    if (error) {
        char *path = xasprintf("%s/%s", fd->dir, file_name);
        struct nwf_diag_loc loc = { .file = path };
        nwf_diag_error(diag, &loc, "cannot write filter file (%s); the old "
                       "file is unchanged", error);
        free(path);
        free(error);
    }
    free(file_name);
    return !error;
}

static bool
filter_dir_remove(struct nwf_store_backend *backend, const char *name,
                  struct nwf_diag *diag)
{
    struct filter_dir *fd = filter_dir_cast(backend);
    char *file_name = xasprintf("%s.xml", name);
    int error = nwf_file_remove(fd->dir, file_name);
    if (error) {
        char *path = xasprintf("%s/%s", fd->dir, file_name);
        struct nwf_diag_loc loc = { .file = path };
        nwf_diag_error(diag, &loc, "cannot remove filter file: %s",
                       ovs_strerror(error));
        free(path);
    }
    free(file_name);
    return !error;
}

static void
filter_dir_destroy(struct nwf_store_backend *backend)
{
    struct filter_dir *fd = filter_dir_cast(backend);
    free(fd->dir);
    free(fd);
}

static const struct nwf_store_backend_class filter_dir_class = {
    .load = filter_dir_load,
    .save = filter_dir_save,
    .remove = filter_dir_remove,
    .destroy = filter_dir_destroy,
};

/* Returns a backend for nwf_store_create() that keeps the store's filters
 * in directory 'dir' (see filter-dir.h).  Does not touch the directory:
 * nwf_store_load() reads it. */
struct nwf_store_backend *
nwf_filter_dir_create(const char *dir)
{
    struct filter_dir *fd = xmalloc(sizeof *fd);
    fd->up.class = &filter_dir_class;
    fd->dir = xstrdup(dir);
    return &fd->up;
}

/* What nwf_filter_dir_install_builtins() is collecting. */
struct builtins_ctx {
    struct nwf_store *store;
    struct sset *installed;
    struct nwf_diag *diag;
};

static bool
install_builtin(const char *name, const char *origin, const char *buf,
                size_t len, void *ctx_)
{
    struct builtins_ctx *ctx = ctx_;
    switch (nwf_store_install_builtin(ctx->store, name, origin, buf, len,
                                      ctx->diag)) {
    case NWF_STORE_CREATED:
        if (ctx->installed) {
            sset_add(ctx->installed, name);
        }
        return true;
    case NWF_STORE_UNCHANGED:
    case NWF_STORE_UPDATED:
        return true;
    case NWF_STORE_ERROR:
    default:
        return false;
    }
}

/* Defines each filter NAME.xml of 'builtin_dir' (the project's filters/)
 * whose name 'store' does not define yet, saving it with a new UUID
 * (nwf_store_install_builtin()).  Adds the names installed to
 * 'installed', if nonnull.  Returns the number of files that failed, each
 * reported to 'diag', counting an unreadable directory as one. */
unsigned int
nwf_filter_dir_install_builtins(struct nwf_store *store,
                                const char *builtin_dir,
                                struct sset *installed, struct nwf_diag *diag)
{
    struct builtins_ctx ctx = { store, installed, diag };
    return load_dir(builtin_dir, install_builtin, &ctx, diag);
}

/* ---- Read-only directories. ---- */

/* Initializes 'ff' to read filters from 'dir', then 'builtin_dir' (each
 * may be NULL), reporting the files it cannot use to 'diag'. */
void
nwf_filter_files_init(struct nwf_filter_files *ff, const char *dir,
                      const char *builtin_dir, struct nwf_diag *diag)
{
    ff->dirs[0] = dir;
    ff->dirs[1] = builtin_dir;
    ff->given = NULL;
    shash_init(&ff->filters);
    ff->diag = diag;
}

static bool
is_file_name(const char *filter)
{
    size_t len = strlen(filter);
    return strchr(filter, '/') || (len > 4 && !strcmp(filter + len - 4,
                                                      ".xml"));
}

/* Returns the name of the top filter that 'filter' designates: 'filter'
 * itself if it is a name, or if 'name_only' (it comes from a binding);
 * otherwise, if it is the path of a file (any name with a '/' or ending in
 * ".xml"), the name of the filter in that file, which from then on stands
 * in for the directories' filter of that name.  Returns NULL after
 * reporting to the diag if that file cannot be parsed. */
const char *
nwf_filter_files_top(struct nwf_filter_files *ff, const char *filter,
                     bool name_only)
{
    if (name_only || !is_file_name(filter)) {
        return filter;
    }
    nwf_filter_destroy(ff->given);
    ff->given = nwf_xml_parse_file(filter, ff->diag);
    return ff->given ? ff->given->name : NULL;
}

/* Reads NAME.xml from the first directory that has it.  A missing file is
 * not reported here: the resolver names the missing filter. */
static struct nwf_filter *
filter_files_read(const struct nwf_filter_files *ff, const char *name)
{
    if (!name[0] || name[0] == '.' || strchr(name, '/')) {
        return NULL;
    }

    char *path = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(ff->dirs) && !path; i++) {
        if (ff->dirs[i]) {
            path = xasprintf("%s/%s.xml", ff->dirs[i], name);
            if (access(path, F_OK)) {
                free(path);
                path = NULL;
            }
        }
    }
    struct nwf_filter *filter = NULL;
    if (path) {
        size_t len;
        char *buf = nwf_xmlfile_read(path, &len, ff->diag);
        if (buf) {
            filter = nwf_xml_parse_named(buf, len, path, name, ff->diag);
            free(buf);
        }
    }
    free(path);
    return filter;
}

/* A lookup function for nwf_compile_port() and nwf_resolve(), with a
 * struct nwf_filter_files * as 'ff'. */
const struct nwf_filter *
nwf_filter_files_lookup(const char *name, void *ff_)
{
    struct nwf_filter_files *ff = ff_;
    if (ff->given && !strcmp(name, ff->given->name)) {
        return ff->given;
    }

    struct shash_node *node = shash_find(&ff->filters, name);
    if (!node) {
        node = shash_add(&ff->filters, name, filter_files_read(ff, name));
    }
    return node->data;
}

void
nwf_filter_files_destroy(struct nwf_filter_files *ff)
{
    struct shash_node *node;
    SHASH_FOR_EACH (node, &ff->filters) {
        nwf_filter_destroy(node->data);
    }
    shash_destroy(&ff->filters);
    nwf_filter_destroy(ff->given);
}
