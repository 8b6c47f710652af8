/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-compile.h"

#include "nwf-diag.h"
#include "nwf-filter.h"
#include "nwf-flows.h"
#include "nwf-ofpacts.h"
#include "nwf-xml.h"
#include "bitmap.h"
#include "flow.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/shash.h"
#include "util.h"

/* ---- A port's inputs. ---- */

void
nwf_port_inputs_init(struct nwf_port_inputs *in)
{
    in->filter = NULL;
    nwf_var_table_init(&in->params);
    memset(&in->port, 0, sizeof in->port);
}

void
nwf_port_inputs_destroy(struct nwf_port_inputs *in)
{
    free(in->filter);
    nwf_var_table_destroy(&in->params);
    free(in->port.name);
    bitmap_free(in->port.trunks);
}

/* Makes 'in' a copy of 'filter', 'params' and 'port', whose MAC is the
 * VM's. */
void
nwf_port_inputs_set(struct nwf_port_inputs *in, const char *filter,
                    const struct nwf_var_table *params,
                    const struct nwf_port *port)
{
    free(in->filter);
    in->filter = xstrdup(filter);
    nwf_var_table_destroy(&in->params);
    nwf_var_table_clone(&in->params, params);
    free(in->port.name);
    bitmap_free(in->port.trunks);
    in->port = *port;
    in->port.name = nullable_xstrdup(port->name);
    in->port.trunks = port->trunks ? bitmap_clone(port->trunks, 4096) : NULL;
    in->has_mac = true;
}

void
nwf_port_inputs_swap(struct nwf_port_inputs *a, struct nwf_port_inputs *b)
{
    char *filter = a->filter;
    a->filter = b->filter;
    b->filter = filter;
    nwf_var_table_swap(&a->params, &b->params);
    struct nwf_port port = a->port;
    a->port = b->port;
    b->port = port;
    bool has_mac = a->has_mac;
    a->has_mac = b->has_mac;
    b->has_mac = has_mac;
}

/* Whether 'a' and 'b' carry the same VLANs the same way. */
bool
nwf_port_vlans_equal(const struct nwf_port *a, const struct nwf_port *b)
{
    return (a->tag == b->tag && a->vlan_mode == b->vlan_mode
            && (!a->trunks || !b->trunks
                ? a->trunks == b->trunks
                : bitmap_equal(a->trunks, b->trunks, 4096)));
}

/* Whether 'a' and 'b' give the same flows, given the same filters. */
bool
nwf_port_inputs_equal(const struct nwf_port_inputs *a,
                      const struct nwf_port_inputs *b)
{
    const struct nwf_port *pa = &a->port, *pb = &b->port;
    return (nullable_string_is_equal(a->filter, b->filter)
            && nwf_var_table_equal(&a->params, &b->params)
            && nullable_string_is_equal(pa->name, pb->name)
            && pa->ofport == pb->ofport
            && eth_addr_equals(pa->mac, pb->mac)
            && a->has_mac == b->has_mac
            && pa->zone == pb->zone
            && pa->bound == pb->bound
            && pa->learn_punt == pb->learn_punt
            && nwf_port_vlans_equal(pa, pb));
}

/* ---- The port compiler. ---- */

static const struct eth_addr *
input_mac(const struct nwf_port_inputs *in)
{
    return in->has_mac ? &in->port.mac : NULL;
}

void
nwf_compiled_port_init(struct nwf_compiled_port *c)
{
    memset(c, 0, sizeof *c);
    nwf_flow_set_init(&c->flows);
    sset_init(&c->filters);
    svec_init(&c->learned_ips);
}

void
nwf_compiled_port_destroy(struct nwf_compiled_port *c)
{
    nwf_flow_set_destroy(&c->flows);
    sset_destroy(&c->filters);
    svec_destroy(&c->learned_ips);
    free(c->learning.servers);
}

/* Drop every frame from or to 'port': what a port in error gets, so that a
 * broken binding never opens the port. */
void
nwf_compile_drop_all(const struct nwf_port *port, struct nwf_flow_set *set)
{
    uint16_t ofport = ofp_to_u16(port->ofport);
    uint64_t cookie = NWF_COOKIE_PORT(ofport);
    struct ofpbuf drop;
    struct match m;

    ofpbuf_init(&drop, 0);
    match_init_catchall(&m);
    match_set_in_port(&m, port->ofport);
    nwf_flow_set_add(set, NWF_TABLE_CLASSIFY, NWF_PRIO_PORT_FIRST, cookie, &m,
                     &drop);
    match_init_catchall(&m);
    nwf_match_set_reg(&m, NWF_MFF_OUT, ofport);
    nwf_flow_set_add(set, NWF_TABLE_OUTPUT, NWF_PRIO_PORT_FIRST, cookie, &m,
                     &drop);
    ofpbuf_uninit(&drop);
}

/* The DHCP servers a port trusts: its DHCPSERVER values, which must be
 * IPv4 addresses.  Returns NULL or an error message. */
static char *
read_dhcp_servers(const struct nwf_var_table *vars,
                  struct nwf_port_learning *learning)
{
    size_t n = nwf_var_table_n_values(vars, "DHCPSERVER");
    learning->servers = xcalloc(n ? n : 1, sizeof *learning->servers);
    learning->n_servers = 0;
    for (size_t i = 0; i < n; i++) {
        const char *value = nwf_var_table_get(vars, "DHCPSERVER", i);
        if (!ip_parse(value, &learning->servers[i])) {
            return xasprintf("filterref-param-DHCPSERVER: '%s' is not an "
                             "IPv4 address", value);
        }
        learning->n_servers++;
    }
    return NULL;
}

/* Reads how a port with parameters 'vars' learns its $IP into 'learning'.
 * Returns NULL or an error message. */
static char *
read_learning(const struct nwf_var_table *vars,
              struct nwf_port_learning *learning)
{
    char *error = nwf_var_table_get_ip_learning(vars, &learning->mode);
    if (!error) {
        error = nwf_var_table_get_ip_learning_limits(vars,
                                                     &learning->limits);
    }
    if (!error) {
        error = read_dhcp_servers(vars, learning);
    }
    return error;
}

/* $IP is missing from 'in''s parameters and its filter needs it: resolves
 * again into 'resolved' with the addresses 'learned', or, with none,
 * gives the learning flows.  Sets 'port' to the port as its entries copy
 * frames for learning.  Returns false, with the reason in 'diag', on
 * error. */
static bool
compile_learning(const struct nwf_port_inputs *in, const struct svec *learned,
                 const struct nwf_filter_source *src,
                 struct nwf_resolved *resolved, struct nwf_port *port,
                 struct nwf_compiled_port *out, struct nwf_diag *diag)
{
    struct nwf_port_learning *learning = &out->learning;
    char *error = read_learning(&in->params, learning);
    if (error) {
        nwf_diag_error(diag, NULL, "%s", error);
        free(error);
        return false;
    }
    out->ip = NWF_PORT_IP_LEARNED;

    svec_clone(&out->learned_ips, learned);
    *port = in->port;
    port->learn_punt = (learning->mode == NWF_IP_LEARNING_DHCP
                        ? NWF_LEARN_PUNT_DHCP
                        : learned->n ? NWF_LEARN_PUNT_NONE
                        : NWF_LEARN_PUNT_ANY);
    if (!learned->n) {
        nwf_flows_for_learning_port(port, learning->servers,
                                    learning->n_servers, &out->flows);
        out->state = NWF_PORT_LEARNING;
        return true;
    }

    struct nwf_var_table vars;
    nwf_var_table_clone(&vars, &in->params);
    for (size_t i = 0; i < learned->n; i++) {
        nwf_var_table_add(&vars, "IP", learned->names[i]);
    }
    bool ok = nwf_resolve(in->filter, &vars, input_mac(in), src->lookup,
                          src->lookup_aux, resolved, diag) == NWF_RESOLVE_OK;
    nwf_var_table_destroy(&vars);
    return ok;
}

/* Compiles the port that 'in' describes, with its filters from 'src', into
 * 'out' (freshly initialized).  'learned' is the list of $IP values learned
 * for the port so far, sorted, or NULL if the caller does not learn
 * addresses (offline).  Returns the port's state, also in 'out->state'.
 *
 * A filter that needs $IP when the parameters have none, with learning not
 * "none", is compiled with the 'learned' addresses in $IP; without any,
 * the port gets the learning flows (NWF_PORT_LEARNING); with 'learned'
 * NULL, the port is NWF_PORT_NEED_IP.  In error, every reason is in 'diag'
 * (the first is the one to report on one line), and the port gets
 * nwf_compile_drop_all()'s flows. */
enum nwf_port_state
nwf_compile_port_flows(const struct nwf_port_inputs *in,
                       const struct svec *learned,
                       const struct nwf_filter_source *src,
                       struct nwf_compiled_port *out, struct nwf_diag *diag)
{
    const struct nwf_port *port = &in->port;
    struct nwf_port learn_port;
    struct nwf_resolved resolved;
    bool ok;

    out->state = NWF_PORT_ACTIVE;
    out->ip = NWF_PORT_IP_UNKNOWN;
    nwf_resolved_init(&resolved);
    enum nwf_resolve_status status = nwf_resolve(in->filter, &in->params,
                                                 input_mac(in), src->lookup,
                                                 src->lookup_aux, &resolved,
                                                 diag);
    const char *name;
    SSET_FOR_EACH (name, &resolved.filters) {
        sset_add(&out->filters, name);
    }
    if (status == NWF_RESOLVE_NEED_IP && !learned) {
        out->state = NWF_PORT_NEED_IP;
        ok = true;
    } else if (status == NWF_RESOLVE_NEED_IP) {
        ok = compile_learning(in, learned, src, &resolved, &learn_port, out,
                              diag);
        port = &learn_port;
    } else {
        /* A lookup may report a broken filter among the others. */
        ok = status == NWF_RESOLVE_OK && !nwf_diag_has_errors(diag);
        if (status == NWF_RESOLVE_OK) {
            out->ip = NWF_PORT_IP_NOT_LEARNED;
        }
    }

    if (ok && out->state == NWF_PORT_ACTIVE) {
        ok = nwf_flows_for_port(port, &resolved, src->id, src->id_aux,
                                &out->flows, diag);
    }
    if (!ok) {
        out->state = NWF_PORT_ERROR;
        nwf_flow_set_clear(&out->flows);
        svec_clear(&out->learned_ips);
        nwf_compile_drop_all(&in->port, &out->flows);
    }
    nwf_resolved_destroy(&resolved);
    return out->state;
}

/* The first 32 bits of filter 'name''s UUID, for cookies; 0 if it has no
 * <uuid> (a generated one would change from run to run). */
static uint32_t
filter_id(const char *name, void *req_)
{
    const struct nwf_compile_request *req = req_;
    const struct nwf_filter *filter = req->lookup(name, req->aux);
    return filter && filter->uuid_given ? filter->uuid.parts[0] : 0;
}

/* Compiles the port that 'req' describes: see nwf-compile.h. */
enum nwf_resolve_status
nwf_compile_port(const struct nwf_compile_request *req, struct ds *out,
                 struct nwf_diag *diag)
{
    const char *top = req->filter;
    struct nwf_port_inputs in;
    nwf_port_inputs_init(&in);
    in.filter = xstrdup(top);
    if (req->params) {
        nwf_var_table_clone(&in.params, req->params);
    }
    in.port = (struct nwf_port) {
        .name = xstrdup(top),
        .ofport = req->ofport,
        .mac = req->mac ? *req->mac : eth_addr_zero,
        .zone = req->zone,
        .bound = true,
        .tag = req->tag,
    };
    in.has_mac = req->mac != NULL;
    const struct nwf_filter_source src = {
        .lookup = req->lookup,
        .lookup_aux = req->aux,
        .id = filter_id,
        .id_aux = CONST_CAST(struct nwf_compile_request *, req),
    };
    struct nwf_compiled_port compiled;
    nwf_compiled_port_init(&compiled);

    enum nwf_resolve_status status;
    switch (nwf_compile_port_flows(&in, NULL, &src, &compiled, diag)) {
    case NWF_PORT_ACTIVE:
        status = NWF_RESOLVE_OK;
        nwf_flow_set_format(&compiled.flows, out);
        ds_put_cstr(out, "# bridge-wide\n");
        nwf_flow_set_clear(&compiled.flows);
        nwf_flows_for_bridge(&in.port, 1, &compiled.flows);
        nwf_flow_set_format(&compiled.flows, out);
        break;
    case NWF_PORT_NEED_IP:
        status = NWF_RESOLVE_NEED_IP;
        break;
    case NWF_PORT_LEARNING:
    case NWF_PORT_ERROR:
    default:
        status = NWF_RESOLVE_ERROR;
        break;
    }
    nwf_compiled_port_destroy(&compiled);
    nwf_port_inputs_destroy(&in);
    return status;
}
