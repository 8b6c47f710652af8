/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_COMPILE_H
#define NWF_COMPILE_H 1

/* Offline compilation of one port, for "nwf-ofctl compile": a filter from
 * files to the flows the port needs, with no daemon and no filter store.
 *
 * Filters come from a directory of NAME.xml files, each read when first
 * needed and never written (nwf-store, by contrast, saves a generated
 * UUID into a file that has none); a filter given as a file stands in
 * for the directory's filter of the same name.  Cookies carry the first
 * 32 bits of a filter's <uuid>, or 0 for a filter without one, so the
 * output depends on nothing but the files and the request: the same input
 * gives the same bytes.
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
struct nwf_var_table;

struct nwf_compile_request {
    const char *filter;         /* A filter name, looked up in 'filter_dir',
                                 * or the path of a filter file (any name
                                 * with a '/' or ending in ".xml"). */
    const char *filter_dir;     /* Directory of NAME.xml files, or NULL. */
    const char *builtin_dir;    /* Where a filter missing from 'filter_dir'
                                 * is looked for, or NULL: nwf-controller
                                 * adds the built-in filters its store
                                 * lacks, so a binding may rely on them. */
    bool name_only;             /* 'filter' is a name, whatever it looks
                                 * like (it comes from a binding). */
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
