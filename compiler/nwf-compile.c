/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-compile.h"

#include "nwf-diag.h"
#include "nwf-filter.h"
#include "nwf-flows.h"
#include "openvswitch/dynamic-string.h"
#include "util.h"

/* The first 32 bits of filter 'name''s UUID, for cookies; 0 if it has no
 * <uuid> (a generated one would change from run to run). */
static uint32_t
filter_id(const char *name, void *req_)
{
    const struct nwf_compile_request *req = req_;
    const struct nwf_filter *filter = req->lookup(name, req->aux);
    return filter && filter->uuid_given ? filter->uuid.parts[0] : 0;
}

static void
format_sorted(struct nwf_flow_set *flows, struct ds *out)
{
    nwf_flow_set_sort(flows);
    nwf_flow_set_format(flows, out);
}

/* Compiles the port that 'req' describes: see nwf-compile.h. */
enum nwf_resolve_status
nwf_compile_port(const struct nwf_compile_request *req, struct ds *out,
                 struct nwf_diag *diag)
{
    const char *top = req->filter;
    struct nwf_resolved resolved;
    nwf_resolved_init(&resolved);
    enum nwf_resolve_status status = nwf_resolve(top, req->params, req->mac,
                                                 req->lookup, req->aux,
                                                 &resolved, diag);
    if (status == NWF_RESOLVE_OK && nwf_diag_has_errors(diag)) {
        status = NWF_RESOLVE_ERROR;    /* A broken filter among the others. */
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
        if (nwf_flows_for_port(&port, &resolved, filter_id,
                               CONST_CAST(struct nwf_compile_request *, req),
                               &flows, diag)) {
            format_sorted(&flows, out);
            ds_put_cstr(out, "# bridge-wide\n");
            nwf_flow_set_clear(&flows);
            nwf_flows_for_bridge(&port, 1, &flows);
            format_sorted(&flows, out);
        } else {
            status = NWF_RESOLVE_ERROR;
        }
    }
    nwf_flow_set_destroy(&flows);
    nwf_resolved_destroy(&resolved);
    return status;
}
