/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "binding.h"

#include <string.h>

#include "bitmap.h"
#include "bridge.h"
#include "ct-zone.h"
#include "filter-cmds.h"
#include "flow.h"
#include "hash.h"
#include "iplearn.h"
#include "nwf-compile.h"
#include "nwf-binding.h"
#include "nwf-diag.h"
#include "nwf-filter.h"
#include "nwf-flows.h"
#include "nwf-pipeline.h"
#include "nwf-store.h"
#include "nwf-vars.h"
#include "ofctrl.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "smap.h"
#include "sset.h"
#include "svec.h"
#include "timeval.h"
#include "util.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(binding);

/* The bound ports of one bridge. */
struct binding_bridge {
    struct shash ports;         /* "struct binding_port"s, by name. */
    struct hmap ports_by_ofport;    /* The same, by ofport, for packet-ins. */
    bool ports_removed;         /* A port went away since the last put. */
};

/* "struct binding_bridge"s, by name: one per bridge in OVSDB. */
static struct shash bridges = SHASH_INITIALIZER(&bridges);

/* Every bound port of every bridge, by Interface name (unique in OVSDB):
 * for the operations that concern ports whatever their bridge. */
static struct shash all_ports = SHASH_INITIALIZER(&all_ports);
static struct nwf_store *store;

/* Registers the columns the module reads and writes (bridge_init()
 * registers the bridges'). */
void
binding_init(struct ovsdb_idl *idl, struct nwf_store *store_)
{
    store = store_;

    ovsdb_idl_add_table(idl, &ovsrec_table_port);
    ovsdb_idl_add_column(idl, &ovsrec_port_col_name);
    ovsdb_idl_add_column(idl, &ovsrec_port_col_interfaces);
    ovsdb_idl_add_column(idl, &ovsrec_port_col_tag);
    ovsdb_idl_add_column(idl, &ovsrec_port_col_trunks);
    ovsdb_idl_add_column(idl, &ovsrec_port_col_vlan_mode);
    ovsdb_idl_add_table(idl, &ovsrec_table_interface);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_name);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_ofport);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_external_ids);
}

static void
binding_compiled_init(struct binding_compiled *c)
{
    nwf_flow_set_init(&c->flows);
    c->n_flows = 0;
    sset_init(&c->filters);
    c->learning = false;
    svec_init(&c->learned_ips);
}

static void
binding_compiled_clear(struct binding_compiled *c)
{
    nwf_flow_set_clear(&c->flows);
    c->n_flows = 0;
    sset_clear(&c->filters);
    c->learning = false;
    svec_clear(&c->learned_ips);
}

static void
binding_compiled_destroy(struct binding_compiled *c)
{
    binding_compiled_clear(c);
    nwf_flow_set_destroy(&c->flows);
    sset_destroy(&c->filters);
    svec_destroy(&c->learned_ips);
}

static void
binding_compiled_swap(struct binding_compiled *a, struct binding_compiled *b)
{
    nwf_flow_set_swap(&a->flows, &b->flows);
    sset_swap(&a->filters, &b->filters);
    svec_swap(&a->learned_ips, &b->learned_ips);

    size_t n_flows = a->n_flows;
    bool learning = a->learning;
    a->n_flows = b->n_flows;
    a->learning = b->learning;
    b->n_flows = n_flows;
    b->learning = learning;
}

static void
binding_port_destroy(struct binding_bridge *bb, struct binding_port *port)
{
    ct_zone_release(port->zone);
    shash_find_and_delete(&all_ports, port->node->name);
    shash_delete(&bb->ports, port->node);
    hmap_remove(&bb->ports_by_ofport, &port->ofport_node);
    free(port->bridge);
    nwf_port_inputs_destroy(&port->inputs);
    binding_compiled_destroy(&port->compiled);
    binding_compiled_destroy(&port->pending);
    free(port->error);
    smap_destroy(&port->owner);
    free(port);
}

static void
binding_bridge_destroy(const char *name, struct binding_bridge *bb)
{
    struct shash_node *node, *next;
    SHASH_FOR_EACH_SAFE (node, next, &bb->ports) {
        binding_port_destroy(bb, node->data);
    }
    shash_destroy(&bb->ports);
    hmap_destroy(&bb->ports_by_ofport);
    shash_find_and_delete(&bridges, name);
    free(bb);
}

/* The daemon exits.  Learned addresses stay in the state file (iplearn.c):
 * the bindings have not gone away, only the daemon. */
void
binding_destroy(void)
{
    struct shash_node *node, *next;
    SHASH_FOR_EACH_SAFE (node, next, &bridges) {
        binding_bridge_destroy(node->name, node->data);
    }
    ct_zone_destroy();
}

/* ---- Reading a port's binding from OVSDB. ---- */

/* Keeps the keys of 'ids' that say who owns the port, for listings. */
static void
binding_port_read_owner(struct binding_port *port, const struct smap *ids)
{
    static const char *const keys[] = {
        NWF_KEY_OWNER, NWF_KEY_VM_ID, NWF_KEY_IFACE_ID,
    };
    smap_clear(&port->owner);
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        const char *value = smap_get(ids, keys[i]);
        if (value) {
            smap_add(&port->owner, keys[i], value);
        }
    }
}

/* ---- Compiling a port. ---- */

static uint32_t
filter_id(const char *name, void *aux OVS_UNUSED)
{
    const struct nwf_filter *f = nwf_store_find_by_name(store, name);
    return f ? f->uuid.parts[0] : 0;
}

/* Drop every frame from or to the port: what a port in error gets, so
 * that a broken binding never opens the port. */
static void
binding_port_drop_all(struct binding_port *port)
{
    struct nwf_port nport = { .ofport = port->ofport };
    struct nwf_flow_set set;

    nwf_flow_set_init(&set);
    nwf_compile_drop_all(&nport, &set);
    nwf_flow_set_swap(&port->compiled.flows, &set);
    port->compiled.n_flows = nwf_flow_set_count(&port->compiled.flows);
    port->compiled.learning = false;
    svec_clear(&port->compiled.learned_ips);
    nwf_flow_set_destroy(&set);
}

static void
binding_port_set_error(struct binding_port *port, char *error)
{
    port->changed = true;
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    free(port->error);
    port->error = error;
    VLOG_WARN_RL(&rl, "%s: %s", port->node->name, error);
    binding_port_drop_all(port);
}

/* Compiles the port that 'in' describes, with its filters from 'src',
 * into 'out' (cleared first; its filters are filled in even on error).
 * 'trial' is true for a trial compile against a definition being tried,
 * which must not change the port's learning.  Returns NULL or an error
 * message. */
static char *
binding_port_compile(const struct nwf_port_inputs *in,
                     const struct nwf_filter_source *src, bool trial,
                     struct binding_compiled *out)
{
    const char *name = in->port.name;
    struct svec learned = SVEC_EMPTY_INITIALIZER;
    struct nwf_compiled_port c;
    struct nwf_diag diag;

    binding_compiled_clear(out);
    iplearn_port_get_addrs(name, &learned);
    nwf_compiled_port_init(&c);
    nwf_diag_init(&diag);
    nwf_compile_port_flows(in, &learned, src, &c, &diag);
    if (!trial && c.ip == NWF_PORT_IP_LEARNED) {
        /* (Re)starts learning, which forgets the addresses learned for
         * another MAC or mode: then compile again without them. */
        const struct nwf_port_learning *l = &c.learning;
        iplearn_port_set(name, &in->port.mac, l->mode, l->servers,
                         l->n_servers, &l->limits);
        struct svec now = SVEC_EMPTY_INITIALIZER;
        iplearn_port_get_addrs(name, &now);
        if (!svec_equal(&now, &learned)) {
            nwf_compiled_port_destroy(&c);
            nwf_compiled_port_init(&c);
            nwf_diag_clear(&diag);
            nwf_compile_port_flows(in, &now, src, &c, &diag);
        }
        svec_destroy(&now);
    } else if (!trial && c.ip == NWF_PORT_IP_NOT_LEARNED) {
        iplearn_port_remove(name);
    }

    sset_swap(&out->filters, &c.filters);
    char *error = NULL;
    if (c.state == NWF_PORT_ERROR) {
        error = nwf_diag_first(&diag);
    } else {
        out->learning = c.state == NWF_PORT_LEARNING;
        svec_swap(&out->learned_ips, &c.learned_ips);
        /* The compiler's flows are ofctrl's: no copy. */
        nwf_flow_set_clear(&out->flows);
        nwf_flow_set_swap(&out->flows, &c.flows);
        out->n_flows = nwf_flow_set_count(&out->flows);
    }
    nwf_diag_destroy(&diag);
    nwf_compiled_port_destroy(&c);
    svec_destroy(&learned);
    return error;
}

/* The nwf_port VLAN mode for Port.vlan_mode 'mode' (NULL if empty).
 * "dot1q-tunnel" is not supported: such a port keeps the default, its tag
 * and trunks alone deciding (nwf-flows.h). */
static enum nwf_vlan_mode
nwf_vlan_mode_from_string(const char *mode)
{
    return (!mode ? NWF_VLAN_MODE_DEFAULT
            : !strcmp(mode, "access") ? NWF_VLAN_MODE_ACCESS
            : !strcmp(mode, "trunk") ? NWF_VLAN_MODE_TRUNK
            : !strcmp(mode, "native-tagged") ? NWF_VLAN_MODE_NATIVE_TAGGED
            : !strcmp(mode, "native-untagged")
            ? NWF_VLAN_MODE_NATIVE_UNTAGGED
            : NWF_VLAN_MODE_DEFAULT);
}

/* Fills the VLAN part of 'nport' from the Port row, as NORMAL reads it: a
 * trunk ignores a tag, an access port its trunks. */
static void
nwf_port_set_vlans(struct nwf_port *nport, const struct ovsrec_port *prow)
{
    nport->vlan_mode = nwf_vlan_mode_from_string(prow->vlan_mode);
    nport->tag = prow->n_tag ? prow->tag[0] : -1;
    if (nport->vlan_mode == NWF_VLAN_MODE_TRUNK) {
        nport->tag = -1;
    }
    nport->trunks = NULL;
    if (prow->n_trunks && !nwf_port_is_access(nport)) {
        nport->trunks = bitmap_allocate(4096);
        for (size_t i = 0; i < prow->n_trunks; i++) {
            if (prow->trunks[i] >= 0 && prow->trunks[i] < 4096) {
                bitmap_set1(nport->trunks, prow->trunks[i]);
            }
        }
    }
}

/* Compiles 'port' from its last inputs against the definitions of
 * 'change', keeping the flows as pending: installed if the change is
 * committed, so that a committed change does not compile every port a
 * second time. */
static char *
binding_port_try(struct binding_port *port, struct nwf_store_change *change)
{
    const struct nwf_filter_source src = {
        .lookup = nwf_store_change_lookup,
        .lookup_aux = change,
        .id = filter_id,
    };
    char *error = binding_port_compile(&port->inputs, &src, true,
                                       &port->pending);
    port->has_pending = !error;
    return error;
}

static void
binding_drop_pending(void)
{
    struct shash_node *pnode;
    SHASH_FOR_EACH (pnode, &all_ports) {
        struct binding_port *port = pnode->data;
        if (port->has_pending) {
            binding_compiled_clear(&port->pending);
            port->has_pending = false;
        }
    }
}

/* Brings one bound Interface's compiled flows up to date.  Returns 1 if
 * it compiled the port, 0 otherwise. */
static int
binding_port_update(struct binding_bridge *bb, struct binding_port *port,
                    const struct ovsrec_interface *iface,
                    struct ofctrl *ofctrl, struct nwf_port *nport)
{
    const struct smap *ids = &iface->external_ids;
    const char *filter = smap_get(ids, NWF_KEY_FILTERREF);
    struct nwf_var_table vars;
    nwf_var_table_init(&vars);

    char *error = nwf_binding_read_params(ids, &vars);
    if (!error) {
        error = nwf_binding_read_mac(ids, &nport->mac);
    }
    if (port->ofport != nport->ofport) {
        hmap_remove(&bb->ports_by_ofport, &port->ofport_node);
        port->ofport = nport->ofport;
        hmap_insert(&bb->ports_by_ofport, &port->ofport_node,
                    hash_int(ofp_to_u16(port->ofport), 0));
    }
    if (!port->zone) {
        port->zone = ct_zone_allocate(smap_get_uint(ids, NWF_KEY_ZONE, 0),
                                      ofctrl);
    }
    nport->zone = port->zone;
    if (!error && !port->zone) {
        error = xstrdup("no free conntrack zone");
    }
    if (!error && !*filter) {
        error = xstrdup("external_ids:filterref is empty");
    }

    struct nwf_port_inputs in;
    nwf_port_inputs_init(&in);
    bool compiled = false;
    if (!error) {
        nwf_port_inputs_set(&in, filter, &vars, nport);
    }
    if (error) {
        if (!port->error || strcmp(port->error, error)) {
            binding_port_set_error(port, error);
        } else {
            free(error);
        }
        port->inputs_valid = false;
    } else if (port->dirty || !port->inputs_valid
               || !nwf_port_inputs_equal(&port->inputs, &in)) {
        const struct nwf_filter_source src = {
            .lookup = nwf_store_lookup,
            .lookup_aux = store,
            .id = filter_id,
        };
        struct binding_compiled c;
        binding_compiled_init(&c);
        error = binding_port_compile(&in, &src, false, &c);
        if (error) {
            /* Still rebuilt when a filter of its tree changes. */
            sset_swap(&port->compiled.filters, &c.filters);
            binding_port_set_error(port, error);
        } else {
            binding_compiled_swap(&port->compiled, &c);
            free(port->error);
            port->error = NULL;
        }
        binding_compiled_destroy(&c);
        nwf_port_inputs_swap(&port->inputs, &in);
        port->inputs_valid = true;
        port->changed = true;
        port->flows_seqno = UINT64_MAX;     /* Not yet sent. */
        compiled = true;
    }
    nwf_port_inputs_destroy(&in);
    port->dirty = false;
    nwf_var_table_destroy(&vars);
    return compiled;
}

/* ---- Statuses. ---- */

/* The state of 'port', as its filterref-status says it, in 's'. */
const char *
binding_port_status(const struct binding_port *port, struct ds *s)
{
    const struct bridge *br = bridge_find(port->bridge);
    ds_clear(s);
    if (port->error) {
        ds_put_format(s, "error: %s", port->error);
    } else if (br && bridge_is_managed(br)
               && port->flows_seqno != UINT64_MAX
               && ofctrl_get_installed_seqno(bridge_get_ofctrl(br))
                  >= port->flows_seqno) {
        ds_put_cstr(s, port->compiled.learning ? "learning" : "active");
    } else {
        ds_put_cstr(s, "pending");
    }
    return ds_cstr(s);
}

/* Writes 'port''s status and zone into its Interface row, if changed. */
static void
binding_write_status(const struct binding_port *port,
                     const struct ovsrec_interface *iface,
                     struct ovsdb_idl_txn *txn)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    const char *status = binding_port_status(port, &s);
    const char *old = smap_get(&iface->external_ids, NWF_KEY_STATUS);
    if (txn && (!old || strcmp(old, status))) {
        ovsrec_interface_update_external_ids_setkey(iface, NWF_KEY_STATUS,
                                                    status);
    }
    if (port->zone && txn
        && (smap_get_uint(&iface->external_ids, NWF_KEY_ZONE, 0)
            != port->zone)) {
        char zone[16];
        snprintf(zone, sizeof zone, "%"PRIu16, port->zone);
        ovsrec_interface_update_external_ids_setkey(iface, NWF_KEY_ZONE, zone);
    }
    const char *old_learned = smap_get(&iface->external_ids,
                                       NWF_KEY_LEARNED_IP);
    if (txn && port->compiled.learned_ips.n) {
        char *learned = svec_join(&port->compiled.learned_ips, ",", "");
        if (!old_learned || strcmp(learned, old_learned)) {
            ovsrec_interface_update_external_ids_setkey(iface,
                                                        NWF_KEY_LEARNED_IP,
                                                        learned);
        }
        free(learned);
    } else if (txn && old_learned) {
        ovsrec_interface_update_external_ids_delkey(iface, NWF_KEY_LEARNED_IP);
    }
    ds_destroy(&s);
}

/* Removes what the module wrote on an Interface that is no longer bound. */
static void
binding_clear_status(const struct ovsrec_interface *iface,
                     struct ovsdb_idl_txn *txn)
{
    if (txn && !smap_get(&iface->external_ids, NWF_KEY_FILTERREF)) {
        if (smap_get(&iface->external_ids, NWF_KEY_STATUS)) {
            ovsrec_interface_update_external_ids_delkey(iface, NWF_KEY_STATUS);
        }
        static const char *keys[] = { NWF_KEY_ZONE, NWF_KEY_LEARNED_IP };
        for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
            if (smap_get(&iface->external_ids, keys[i])) {
                ovsrec_interface_update_external_ids_delkey(iface, keys[i]);
            }
        }
    }
}

/* Hands the flows of 'bb''s ports, and the ports 'nports' of its bridge,
 * to the bridge, which puts them to ofctrl if anything changed. */
static void
binding_bridge_put(struct bridge *br, struct binding_bridge *bb,
                   const struct nwf_port *nports, size_t n)
{
    struct bridge_ports in = {
        .ports = nports,
        .n_ports = n,
        .flows = xmalloc((shash_count(&bb->ports) + 1) * sizeof *in.flows),
        .flows_changed = bb->ports_removed,
        .mode = OFCTRL_PER_PORT,
    };
    struct shash_node *node;
    SHASH_FOR_EACH (node, &bb->ports) {
        struct binding_port *port = node->data;
        in.flows[in.n_flows++] = &port->compiled.flows;
        in.flows_changed |= port->changed;
        if (port->filter_update) {
            in.mode = OFCTRL_ALL_AT_ONCE;
        }
    }

    uint64_t seqno = bridge_put(br, &in);
    if (seqno) {
        SHASH_FOR_EACH (node, &bb->ports) {
            struct binding_port *port = node->data;
            if (port->flows_seqno == UINT64_MAX) {
                port->flows_seqno = seqno;
            }
            port->changed = false;
            port->filter_update = false;
        }
        bb->ports_removed = false;
    }
    free(in.flows);
}

/* Brings the bound ports of one bridge up to date with OVSDB, writes
 * their statuses with 'txn' (if nonnull), and hands their flows to the
 * bridge. */
static void
binding_bridge_run(struct bridge *br, struct binding_bridge *bb,
                   const struct ovsrec_bridge *brow,
                   struct ovsdb_idl_txn *txn)
{
    struct ofctrl *ofctrl = bridge_get_ofctrl(br);
    struct nwf_port *nports = NULL;
    size_t n = 0, allocated = 0;
    long long int start = time_msec();
    size_t n_compiled = 0;

    struct shash_node *node;
    SHASH_FOR_EACH (node, &bb->ports) {
        ((struct binding_port *) node->data)->seen = false;
    }

    for (size_t i = 0; i < brow->n_ports; i++) {
        const struct ovsrec_port *prow = brow->ports[i];
        for (size_t j = 0; j < prow->n_interfaces; j++) {
            const struct ovsrec_interface *iface = prow->interfaces[j];
            if (!bridge_iface_has_ofport(iface)) {
                continue;
            }
            if (n >= allocated) {
                nports = x2nrealloc(nports, &allocated, sizeof *nports);
            }
            struct nwf_port *np = &nports[n++];
            memset(np, 0, sizeof *np);
            np->name = iface->name;
            np->ofport = u16_to_ofp(iface->ofport[0]);
            nwf_port_set_vlans(np, prow);

            if (!smap_get(&iface->external_ids, NWF_KEY_FILTERREF)) {
                binding_clear_status(iface, txn);
                continue;
            }
            np->bound = true;
            struct binding_port *port = shash_find_data(&bb->ports,
                                                        iface->name);
            if (!port) {
                port = xzalloc(sizeof *port);
                port->node = shash_add(&bb->ports, iface->name, port);
                hmap_insert(&bb->ports_by_ofport, &port->ofport_node,
                            hash_int(ofp_to_u16(port->ofport), 0));
                shash_add(&all_ports, iface->name, port);
                port->bridge = xstrdup(brow->name);
                binding_compiled_init(&port->compiled);
                binding_compiled_init(&port->pending);
                nwf_port_inputs_init(&port->inputs);
                smap_init(&port->owner);
                VLOG_INFO("%s: bound on bridge %s", iface->name,
                          brow->name);
            }
            port->seen = true;
            binding_port_read_owner(port, &iface->external_ids);
            n_compiled += binding_port_update(bb, port, iface, ofctrl, np);
            binding_write_status(port, iface, txn);
        }
    }

    struct shash_node *next;
    SHASH_FOR_EACH_SAFE (node, next, &bb->ports) {
        struct binding_port *port = node->data;
        if (!port->seen) {
            VLOG_INFO("%s: unbound from bridge %s", node->name, brow->name);
            iplearn_port_remove(node->name);
            binding_port_destroy(bb, port);
            bb->ports_removed = true;
        }
    }

    if (n_compiled) {
        VLOG_INFO("%s: %"PRIuSIZE" ports compiled in %lld ms",
                  brow->name, n_compiled, time_msec() - start);
    }
    binding_bridge_put(br, bb, nports, n);

    for (size_t i = 0; i < n; i++) {
        bitmap_free(nports[i].trunks);
    }
    free(nports);
}

/* The learned addresses of the ports in 'changed' changed (iplearn_run()):
 * they are compiled again. */
void
binding_addresses_changed(const struct sset *changed)
{
    const char *name;
    SSET_FOR_EACH (name, changed) {
        struct binding_port *port = shash_find_data(&all_ports, name);
        if (port) {
            port->dirty = true;
        }
    }
}

/* Brings every bridge's bindings up to date with OVSDB and the filter
 * store, writes statuses with 'txn' (which may be NULL while a
 * transaction is in flight), and hands each bridge its ports' flows.
 * bridge_run() has run first. */
void
binding_run(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn)
{
    struct sset seen = SSET_INITIALIZER(&seen);
    const struct ovsrec_bridge *brow;
    OVSREC_BRIDGE_FOR_EACH (brow, idl) {
        sset_add(&seen, brow->name);
        struct binding_bridge *bb = shash_find_data(&bridges, brow->name);
        if (!bb) {
            bb = xzalloc(sizeof *bb);
            shash_init(&bb->ports);
            hmap_init(&bb->ports_by_ofport);
            shash_add(&bridges, brow->name, bb);
        }
        struct bridge *br = bridge_find(brow->name);
        ovs_assert(br);
        if (!bridge_is_securing(br)) {
            binding_bridge_run(br, bb, brow, txn);
        }
    }

    struct shash_node *node, *next;
    SHASH_FOR_EACH_SAFE (node, next, &bridges) {
        if (!sset_contains(&seen, node->name)) {
            struct binding_bridge *bb = node->data;
            struct shash_node *pnode;
            SHASH_FOR_EACH (pnode, &bb->ports) {
                iplearn_port_remove(pnode->name);
            }
            binding_bridge_destroy(node->name, bb);
        }
    }
    sset_destroy(&seen);

    /* Once the database has been read, learned state of ports that are no
     * longer bound (unbound while the controller was down) goes. */
    static bool forgot_unclaimed;
    if (!forgot_unclaimed && ovsrec_open_vswitch_first(idl)) {
        iplearn_forget_unclaimed();
        forgot_unclaimed = true;
    }
}

void
binding_filters_changed(const struct sset *names)
{
    struct shash_node *pnode;
    SHASH_FOR_EACH (pnode, &all_ports) {
        struct binding_port *port = pnode->data;
        const char *name;
        SSET_FOR_EACH (name, names) {
            if (sset_contains(&port->compiled.filters, name)) {
                port->dirty = true;
                port->filter_update = true;
            }
        }
    }
    poll_immediate_wake();
}

/* ---- Filter-command hooks. ---- */

static bool
binding_in_use(const char *name, struct sset *ports, void *aux OVS_UNUSED)
{
    struct shash_node *pnode;
    SHASH_FOR_EACH (pnode, &all_ports) {
        struct binding_port *port = pnode->data;
        if (sset_contains(&port->compiled.filters, name)) {
            sset_add(ports, pnode->name);
        }
    }
    return !sset_is_empty(ports);
}

/* Instantiates the changed definition on every port whose tree uses it,
 * without installing anything: any failure keeps the old definition. */
static bool
binding_try_change(struct nwf_store_change *change, struct nwf_diag *diag,
                   void *aux OVS_UNUSED)
{
    const struct nwf_filter *filter = nwf_store_change_get_filter(change);
    bool ok = true;

    struct shash_node *pnode;
    SHASH_FOR_EACH (pnode, &all_ports) {
        struct binding_port *port = pnode->data;
        if (!sset_contains(&port->compiled.filters, filter->name)
            || !port->inputs.filter) {
            continue;
        }
        char *error = binding_port_try(port, change);
        if (error) {
            nwf_diag_error(diag, NULL, "%s: %s", pnode->name, error);
            free(error);
            ok = false;
        }
    }
    if (!ok) {
        binding_drop_pending();
    }
    return ok;
}

/* The change tried by binding_try_change() was committed: its ports take
 * the flows compiled then; other ports that use the filter (those in
 * error, which had nothing to try) are rebuilt. */
static void
binding_changed(const char *name, void *aux OVS_UNUSED)
{
    struct shash_node *pnode;
    SHASH_FOR_EACH (pnode, &all_ports) {
        struct binding_port *port = pnode->data;
        if (port->has_pending) {
            binding_compiled_swap(&port->compiled, &port->pending);
            port->flows_seqno = UINT64_MAX;
            port->changed = true;
            port->filter_update = true;
            free(port->error);
            port->error = NULL;
        } else if (sset_contains(&port->compiled.filters, name)
                   || port->error) {
            port->dirty = true;
            port->filter_update = true;
        }
    }
    binding_drop_pending();
    poll_immediate_wake();
}

static void
binding_abandoned(const char *name OVS_UNUSED, void *aux OVS_UNUSED)
{
    binding_drop_pending();
}

const struct filter_cmds_hooks *
binding_filter_hooks(void)
{
    static const struct filter_cmds_hooks hooks = {
        .in_use = binding_in_use,
        .try_change = binding_try_change,
        .changed = binding_changed,
        .abandoned = binding_abandoned,
    };
    return &hooks;
}

/* ---- Queries. ---- */

/* The bound port 'name', or NULL. */
struct binding_port *
binding_port_find(const char *name)
{
    return shash_find_data(&all_ports, name);
}

/* Whether Interface 'name' is a bound port, the ports whose packet-ins a
 * capture can see (capture.h). */
bool
binding_port_is_bound(const char *name)
{
    return binding_port_find(name) != NULL;
}

/* The bound ports of bridge 'name', by name ("struct binding_port"s), or
 * NULL if it has none that binding knows of. */
const struct shash *
binding_get_ports(const char *bridge)
{
    const struct binding_bridge *bb = shash_find_data(&bridges, bridge);
    return bb ? &bb->ports : NULL;
}

/* Whether every bound port's flows are on its switch, confirmed: no port
 * reads "pending" (a port in error has nothing to wait for). */
bool
binding_all_installed(void)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    bool all = true;
    struct shash_node *pnode;
    SHASH_FOR_EACH (pnode, &all_ports) {
        if (!strcmp(binding_port_status(pnode->data, &s), "pending")) {
            all = false;
            break;
        }
    }
    ds_destroy(&s);
    return all;
}

/* The name of the bound port with OpenFlow port 'ofport' on 'bridge', or
 * NULL. */
const char *
binding_port_by_ofport(const char *bridge, uint16_t ofport)
{
    const struct binding_bridge *bb = shash_find_data(&bridges, bridge);
    if (bb) {
        const struct binding_port *port;
        HMAP_FOR_EACH_WITH_HASH (port, ofport_node, hash_int(ofport, 0),
                                 &bb->ports_by_ofport) {
            if (ofp_to_u16(port->ofport) == ofport) {
                return port->node->name;
            }
        }
    }
    return NULL;
}

/* The filter of the port's tree whose UUID starts with 'id', for naming
 * the rule a flow came from. */
const char *
binding_port_filter_by_id(const struct binding_port *port, uint32_t id)
{
    const char *name;
    SSET_FOR_EACH (name, &port->compiled.filters) {
        if (filter_id(name, NULL) == id) {
            return name;
        }
    }
    return NULL;
}
