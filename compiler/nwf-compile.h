/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_COMPILE_H
#define NWF_COMPILE_H 1

/* Offline compilation of one port, for "nwf-ofctl compile": a filter to
 * the flows the port needs, with no daemon and no filter store.
 *
 * The filters come from the request's lookup function, which may read
 * them on demand (lib/filter-dir.h reads NAME.xml files, never written:
 * nwf-store, by contrast, saves a generated UUID into a file that has
 * none) and report a filter it cannot read to the diag, which makes the
 * compilation fail.  Cookies carry the first 32 bits of a filter's
 * <uuid>, or 0 for a filter without one, so the output depends on
 * nothing but the filters and the request: the same input gives the same
 * bytes.
 *
 * The output is the port's flows, then a line "# bridge-wide" and the
 * bridge-wide flows of a bridge made of that one port (an access port of
 * 'tag', or a trunk of every VLAN), each part in nwf_flow_set_sort()
 * order, one flow per line in ovs-ofctl's syntax.  The bridge-wide flows
 * of a bridge of several ports depend on all of them: build those with
 * nwf_flows_for_bridge() ("nwf-ofctl compile-bridge"). */

#include <stdbool.h>
#include <stdint.h>

#include "nwf-resolve.h"
#include "openvswitch/types.h"

struct ds;
struct eth_addr;
struct nwf_diag;
struct nwf_filter;
struct nwf_var_table;

struct nwf_compile_request {
    const char *filter;         /* The top filter's name. */
    const struct nwf_filter *(*lookup)(const char *name, void *aux);
    void *aux;                  /* For 'lookup'. */
    const struct nwf_var_table *params;     /* The port's parameters. */
    const struct eth_addr *mac; /* The VM's MAC ($MAC), or NULL. */
    ofp_port_t ofport;
    uint16_t zone;
    int tag;                    /* Access VLAN, or -1 for a trunk: an access
                                 * port's VM gets its VLAN's frames
                                 * untagged. */
};

/* Returns NWF_RESOLVE_OK with the flows appended to 'out';
 * NWF_RESOLVE_NEED_IP if only $IP is missing and would be learned (a
 * daemon's job: the caller asks for IP); or NWF_RESOLVE_ERROR with every
 * problem in 'diag'. */
enum nwf_resolve_status nwf_compile_port(const struct nwf_compile_request *,
                                         struct ds *out, struct nwf_diag *)
    OVS_WARN_UNUSED_RESULT;

#endif /* nwf-compile.h */
