/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-compile.h"

#include <string.h>
#include <unistd.h>

#include "nwf-diag.h"
#include "nwf-filter.h"
#include "nwf-flows.h"
#include "nwf-xml.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "util.h"

/* Filters read on demand from a directory, read-only. */
struct filter_dir {
    const char *dirs[2];        /* Looked in in this order; NULLs skipped. */
    struct nwf_filter *given;   /* From a file named by the caller. */
    struct shash filters;       /* Name -> struct nwf_filter *, or NULL for
                                 * a name with no usable file. */
    struct nwf_diag *diag;
};

static bool
is_file_name(const char *filter)
{
    size_t len = strlen(filter);
    return strchr(filter, '/') || (len > 4 && !strcmp(filter + len - 4,
                                                      ".xml"));
}

/* Reads NAME.xml from the first directory that has it.  A missing file is
 * not reported here: the resolver names the missing filter. */
static struct nwf_filter *
filter_dir_read(const struct filter_dir *fd, const char *name)
{
    if (!name[0] || name[0] == '.' || strchr(name, '/')) {
        return NULL;
    }

    char *path = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(fd->dirs) && !path; i++) {
        if (fd->dirs[i]) {
            path = xasprintf("%s/%s.xml", fd->dirs[i], name);
            if (access(path, F_OK)) {
                free(path);
                path = NULL;
            }
        }
    }
    struct nwf_filter *filter = NULL;
    if (path) {
        filter = nwf_xml_parse_file(path, fd->diag);
        if (filter && strcmp(filter->name, name)) {
            struct nwf_diag_loc loc = {
                .file = path, .element = "filter", .attr = "name",
                .value = filter->name,
            };
            nwf_diag_error(fd->diag, &loc, "filter name does not match "
                           "the file name (expected '%s')", name);
            nwf_filter_destroy(filter);
            filter = NULL;
        }
    }
    free(path);
    return filter;
}

static const struct nwf_filter *
filter_dir_lookup(const char *name, void *fd_)
{
    struct filter_dir *fd = fd_;
    if (fd->given && !strcmp(name, fd->given->name)) {
        return fd->given;
    }

    struct shash_node *node = shash_find(&fd->filters, name);
    if (!node) {
        node = shash_add(&fd->filters, name, filter_dir_read(fd, name));
    }
    return node->data;
}

/* The first 32 bits of filter 'name''s UUID, for cookies; 0 if it has no
 * <uuid> (a generated one would change from run to run). */
static uint32_t
filter_dir_id(const char *name, void *fd)
{
    const struct nwf_filter *filter = filter_dir_lookup(name, fd);
    return filter && filter->uuid_given ? filter->uuid.parts[0] : 0;
}

static void
filter_dir_destroy(struct filter_dir *fd)
{
    struct shash_node *node;
    SHASH_FOR_EACH (node, &fd->filters) {
        nwf_filter_destroy(node->data);
    }
    shash_destroy(&fd->filters);
    nwf_filter_destroy(fd->given);
}

/* Compiles the port that 'req' describes: see nwf-compile.h. */
enum nwf_resolve_status
nwf_compile_port(const struct nwf_compile_request *req, struct ds *out,
                 struct nwf_diag *diag)
{
    struct filter_dir fd = {
        .dirs = { req->filter_dir, req->builtin_dir },
        .filters = SHASH_INITIALIZER(&fd.filters),
        .diag = diag,
    };
    const char *top = req->filter;
    if (!req->name_only && is_file_name(req->filter)) {
        fd.given = nwf_xml_parse_file(req->filter, diag);
        if (!fd.given) {
            return NWF_RESOLVE_ERROR;
        }
        top = fd.given->name;
    }

    struct nwf_resolved resolved;
    nwf_resolved_init(&resolved);
    enum nwf_resolve_status status = nwf_resolve(top, req->params, req->mac,
                                                 filter_dir_lookup, &fd,
                                                 &resolved, diag);
    if (status == NWF_RESOLVE_OK && nwf_diag_has_errors(diag)) {
        status = NWF_RESOLVE_ERROR;    /* A broken file among the others. */
    }

    struct nwf_port port = {
        .name = CONST_CAST(char *, top),
        .ofport = req->ofport,
        .mac = req->mac ? *req->mac : eth_addr_zero,
        .zone = req->zone,
        .bound = true,
        .tag = req->tag,
    };
    struct nwf_flow_set flows;
    nwf_flow_set_init(&flows);
    if (status == NWF_RESOLVE_OK) {
        if (nwf_flows_for_port(&port, &resolved, filter_dir_id, &fd, &flows,
                               diag)) {
            nwf_flow_set_format(&flows, out);
            ds_put_cstr(out, "# bridge-wide\n");
            nwf_flow_set_clear(&flows);
            nwf_flows_for_bridge(&port, 1, &flows);
            nwf_flow_set_format(&flows, out);
        } else {
            status = NWF_RESOLVE_ERROR;
        }
    }
    nwf_flow_set_destroy(&flows);
    nwf_resolved_destroy(&resolved);
    filter_dir_destroy(&fd);
    return status;
}
