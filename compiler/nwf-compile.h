/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef NWF_COMPILE_H
#define NWF_COMPILE_H 1

/* The port compiler: one bound port's inputs to its flows, for
 * nwf-controller and "nwf-ofctl compile" alike.
 *
 * nwf_compile_port_flows() is pure: it is handed the port's inputs (filter,
 * parameters, MAC, ofport, zone, VLANs), the addresses learned for it and
 * a way to look filters up, and returns the port's state, its flows and
 * diagnostics; it reads no file and talks to no socket.  It also applies
 * the IP learning policy (libvirt's CTRL_IP_LEARNING): a filter that
 * needs $IP when none is given gets the addresses learned so far, or,
 * with none yet, the restrictive learning flows; and a port in error gets
 * flows that drop everything from or to it, so that a broken binding
 * never opens the port.
 *
 * nwf_compile_port() is the offline front end ("nwf-ofctl compile"): a
 * filter to the flows the port needs, with no daemon and no filter store.
 * The filters come from the request's lookup function, which may read
 * them on demand (lib/filter-dir.h reads NAME.xml files, never written:
 * nwf-store, by contrast, saves a generated UUID into a file that has
 * none) and report a filter it cannot read to the diag, which makes the
 * compilation fail.  Cookies carry the first 32 bits of a filter's
 * <uuid>, or 0 for a filter without one, so the output depends on
 * nothing but the filters and the request: the same input gives the same
 * bytes.
 *
 * Its output is the port's flows, then a line "# bridge-wide" and the
 * bridge-wide flows of a bridge made of that one port (an access port of
 * 'tag', or a trunk of every VLAN), each part sorted as
 * nwf_flow_set_format() sorts, one flow per line in ovs-ofctl's syntax.
 * The bridge-wide flows of a bridge of several ports depend on all of
 * them: build those with nwf_flows_for_bridge() ("nwf-ofctl
 * compile-bridge"). */

#include <stdbool.h>
#include <stdint.h>

#include "nwf-flows.h"
#include "nwf-resolve.h"
#include "nwf-vars.h"
#include "openvswitch/types.h"
#include "sset.h"
#include "svec.h"

struct ds;
struct eth_addr;
struct nwf_diag;
struct nwf_filter;

/* ---- The port compiler. ---- */

/* Everything a bound port's flows are compiled from.  Two ports with equal
 * inputs (nwf_port_inputs_equal()) and the same filter definitions get
 * the same flows. */
struct nwf_port_inputs {
    char *filter;                   /* The filter bound to the port. */
    struct nwf_var_table params;    /* Its parameters. */
    struct nwf_port port;           /* Name, ofport, MAC, zone, VLANs;
                                     * 'name' and 'trunks' owned. */
    bool has_mac;                   /* 'port.mac' is $MAC (unless 'params'
                                     * has MAC). */
};

void nwf_port_inputs_init(struct nwf_port_inputs *);
void nwf_port_inputs_destroy(struct nwf_port_inputs *);
void nwf_port_inputs_set(struct nwf_port_inputs *, const char *filter,
                         const struct nwf_var_table *params,
                         const struct nwf_port *);
void nwf_port_inputs_swap(struct nwf_port_inputs *,
                          struct nwf_port_inputs *);
bool nwf_port_inputs_equal(const struct nwf_port_inputs *,
                           const struct nwf_port_inputs *);
bool nwf_port_vlans_equal(const struct nwf_port *, const struct nwf_port *);

/* Where the filters of a port's tree come from: 'lookup' as for
 * nwf_resolve(), 'id' the first 32 bits of a filter's UUID by name, for
 * cookies (NULL: 0). */
struct nwf_filter_source {
    const struct nwf_filter *(*lookup)(const char *name, void *aux);
    void *lookup_aux;
    uint32_t (*id)(const char *name, void *aux);
    void *id_aux;
};

/* How a port whose $IP is learned learns it, from its parameters
 * CTRL_IP_LEARNING, CTRL_IP_LEARNING_MAX_ADDRS, _MAX_LEASE and
 * DHCPSERVER (the trusted DHCP servers, IPv4 addresses). */
struct nwf_port_learning {
    enum nwf_ip_learning mode;      /* NWF_IP_LEARNING_ANY or _DHCP. */
    struct nwf_ip_learning_limits limits;
    ovs_be32 *servers;
    size_t n_servers;
};

/* What compiling a port gives it. */
enum nwf_port_state {
    NWF_PORT_ACTIVE,        /* The filter's flows ($IP given or learned). */
    NWF_PORT_LEARNING,      /* $IP is learned and no address is known yet:
                             * the learning flows (nwf-flows.h). */
    NWF_PORT_NEED_IP,       /* Only $IP is missing and the caller learns
                             * no addresses: no flows. */
    NWF_PORT_ERROR,         /* Flows that drop everything from or to the
                             * port; the reasons in the diagnostics. */
};

/* Whether a port's $IP is learned, as far as compiling found out. */
enum nwf_port_ip {
    NWF_PORT_IP_UNKNOWN,    /* The filter tree did not resolve, or its
                             * learning parameters are bad. */
    NWF_PORT_IP_NOT_LEARNED,    /* It resolved without learning. */
    NWF_PORT_IP_LEARNED,    /* $IP is learned, as 'learning' says. */
};

struct nwf_compiled_port {
    enum nwf_port_state state;
    struct nwf_flow_set flows;      /* Unsorted. */
    struct sset filters;            /* The filters of its tree, even in
                                     * error (nwf_resolve()). */
    enum nwf_port_ip ip;
    struct nwf_port_learning learning;  /* If 'ip' is LEARNED. */
    struct svec learned_ips;        /* The learned $IP values the flows use,
                                     * sorted; empty unless ACTIVE. */
};

void nwf_compiled_port_init(struct nwf_compiled_port *);
void nwf_compiled_port_destroy(struct nwf_compiled_port *);

enum nwf_port_state nwf_compile_port_flows(const struct nwf_port_inputs *,
                                           const struct svec *learned_ips,
                                           const struct nwf_filter_source *,
                                           struct nwf_compiled_port *,
                                           struct nwf_diag *);

void nwf_compile_drop_all(const struct nwf_port *, struct nwf_flow_set *);

/* ---- Offline compilation. ---- */

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
