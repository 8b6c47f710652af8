/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "binding.h"

#include <errno.h>
#include <string.h>

#include "bitmap.h"
#include "capture.h"
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
#include "nwf-resolve.h"
#include "nwf-store.h"
#include "nwf-vars.h"
#include "ofctrl.h"
#include "openflow/nicira-ext.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "pinctrl.h"
#include "smap.h"
#include "sset.h"
#include "svec.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(binding);

/* What compiling a port gives. */
struct binding_compiled {
    struct ofctrl_flows flows;  /* Compiled, or drop-all on error. */
    size_t n_flows;
    struct sset filters;        /* Filters its tree refers to. */
    bool learning;              /* $IP is being learned: learning flows. */
    struct svec learned_ips;    /* Learned $IP values, sorted. */
};

/* One bound Interface. */
struct binding_port {
    struct shash_node *node;    /* In binding_bridge's 'ports', by name. */
    char *bridge;

    /* What the port's flows were last compiled from, also for trial
     * compiles of a new filter definition (binding_try_change()); a
     * change recompiles. */
    struct nwf_port_inputs inputs;
    bool inputs_valid;          /* Its current inputs are those, not in
                                 * error. */
    bool dirty;                 /* A filter of its tree changed. */
    bool filter_update;         /* A filter of its tree changed since the
                                 * last put: every port that a filter
                                 * update changes changes at one instant
                                 * (OFCTRL_ALL_AT_ONCE). */

    struct smap owner;          /* The Interface's owner keys: the subset of
                                 * its external-ids that
                                 * nwf_binding_format_owner() reads. */

    uint16_t zone;
    ofp_port_t ofport;
    struct hmap_node ofport_node;   /* In binding_bridge's
                                     * 'ports_by_ofport'. */

    struct binding_compiled compiled;
    char *error;                /* NULL if the filter compiled. */
    uint64_t flows_seqno;       /* ofctrl_put() that carried 'flows'. */
    bool seen;                  /* Still in OVSDB in this run. */
    bool changed;               /* 'flows' changed since the last put. */

    /* Compiled against a filter definition that is being tried
     * (binding_try_change()), installed if it is committed. */
    struct binding_compiled pending;
    bool has_pending;
};

/* One bridge known to OVSDB. */
struct binding_bridge {
    struct shash_node *node;    /* In 'bridges', by name. */
    struct ofctrl *ofctrl;
    struct shash ports;         /* Bound ports: "struct binding_port"s. */
    struct hmap ports_by_ofport;    /* The same, by ofport, for packet-ins. */
    bool managed;               /* Has a bound port and is ready. */

    /* The ports and VLANs the bridge-wide flows were last built from: the
     * desired flows are rebuilt only when they or a port's flows change
     * (rebuilding on every wake-up would also make ofctrl send a batch,
     * whose barrier reply wakes us again). */
    char *ports_signature;
    bool ports_removed;

    /* Flows added through "debug/add-flow", kept beside the pipeline. */
    struct ofctrl_flows debug_flows;
    bool debug_changed;
};

static struct shash bridges = SHASH_INITIALIZER(&bridges);

/* Every bound port of every bridge, by Interface name (unique in OVSDB):
 * for the operations that concern ports whatever their bridge. */
static struct shash all_ports = SHASH_INITIALIZER(&all_ports);
static struct nwf_store *store;
static char *ovs_rundir_;

/* After this module sets fail_mode=secure it waits for ovs-vswitchd to
 * apply the change (Open_vSwitch cur_cfg reaching the next_cfg of that
 * transaction), because the change flushes the bridge's flows. */
static int64_t secure_cfg;

static unixctl_cb_func binding_unixctl_bridges_show;
static unixctl_cb_func binding_unixctl_list;
static unixctl_cb_func binding_unixctl_debug_add_flow;
static unixctl_cb_func binding_unixctl_debug_del_flow;
static unixctl_cb_func binding_unixctl_debug_dump_flows;
static unixctl_cb_func binding_unixctl_dump_flows;
static unixctl_cb_func binding_unixctl_show;
static pinctrl_port_packet_cb binding_port_packet;

/* Registers the columns the module reads and writes, and its commands. */
void
binding_init(struct ovsdb_idl *idl, struct nwf_store *store_,
             const char *ovs_rundir)
{
    store = store_;
    ovs_rundir_ = xstrdup(ovs_rundir);
    pinctrl_set_port_packet_cb(binding_port_packet);

    ovsdb_idl_add_table(idl, &ovsrec_table_open_vswitch);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_bridges);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_next_cfg);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_cur_cfg);
    ovsdb_idl_add_table(idl, &ovsrec_table_bridge);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_name);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_ports);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_fail_mode);
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

    unixctl_command_register("bridges/show", "", 0, 0,
                             binding_unixctl_bridges_show, NULL);
    unixctl_command_register("bindings/list", "[--format=json]", 0, 1,
                             binding_unixctl_list, NULL);
    unixctl_command_register("debug/add-flow", "BRIDGE FLOW", 2, 2,
                             binding_unixctl_debug_add_flow, NULL);
    unixctl_command_register("debug/del-flow", "BRIDGE FLOW", 2, 2,
                             binding_unixctl_debug_del_flow, NULL);
    unixctl_command_register("debug/dump-flows", "BRIDGE", 1, 1,
                             binding_unixctl_debug_dump_flows, NULL);
    unixctl_command_register("bridges/dump-flows", "BRIDGE", 1, 1,
                             binding_unixctl_dump_flows, NULL);
    unixctl_command_register("bindings/show", "PORT", 1, 1,
                             binding_unixctl_show, NULL);
}

static void
binding_compiled_init(struct binding_compiled *c)
{
    ofctrl_flows_init(&c->flows);
    c->n_flows = 0;
    sset_init(&c->filters);
    c->learning = false;
    svec_init(&c->learned_ips);
}

static void
binding_compiled_clear(struct binding_compiled *c)
{
    ofctrl_flows_clear(&c->flows);
    c->n_flows = 0;
    sset_clear(&c->filters);
    c->learning = false;
    svec_clear(&c->learned_ips);
}

static void
binding_compiled_destroy(struct binding_compiled *c)
{
    binding_compiled_clear(c);
    ofctrl_flows_destroy(&c->flows);
    sset_destroy(&c->filters);
    svec_destroy(&c->learned_ips);
}

static void
binding_compiled_swap(struct binding_compiled *a, struct binding_compiled *b)
{
    ofctrl_flows_swap(&a->flows, &b->flows);
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
binding_port_destroy(struct binding_bridge *br, struct binding_port *port)
{
    ct_zone_release(port->zone);
    shash_find_and_delete(&all_ports, port->node->name);
    shash_delete(&br->ports, port->node);
    hmap_remove(&br->ports_by_ofport, &port->ofport_node);
    free(port->bridge);
    nwf_port_inputs_destroy(&port->inputs);
    binding_compiled_destroy(&port->compiled);
    binding_compiled_destroy(&port->pending);
    free(port->error);
    smap_destroy(&port->owner);
    free(port);
}

static void
binding_bridge_destroy(struct binding_bridge *br)
{
    struct shash_node *node, *next;
    SHASH_FOR_EACH_SAFE (node, next, &br->ports) {
        binding_port_destroy(br, node->data);
    }
    shash_destroy(&br->ports);
    hmap_destroy(&br->ports_by_ofport);
    ofctrl_destroy(br->ofctrl);
    ofctrl_flows_destroy(&br->debug_flows);
    free(br->ports_signature);
    shash_delete(&bridges, br->node);
    free(br);
}

/* The daemon exits.  Learned addresses stay in the state file (iplearn.c):
 * the bindings have not gone away, only the daemon. */
void
binding_destroy(void)
{
    struct shash_node *node, *next;
    SHASH_FOR_EACH_SAFE (node, next, &bridges) {
        binding_bridge_destroy(node->data);
    }
    free(ovs_rundir_);
    ct_zone_destroy();
}

static struct binding_bridge *
binding_bridge_find(const char *name)
{
    return shash_find_data(&bridges, name);
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

/* Parses every flow of 'set' into 'flows', skipping any that does not
 * parse.  Returns NULL, or the first error (which names the flow) for the
 * caller to free. */
static char *
binding_flows_from_set(struct ofctrl_flows *flows,
                       const struct nwf_flow_set *set)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    char *error = NULL;
    for (size_t i = 0; i < set->n; i++) {
        ds_clear(&s);
        nwf_flow_format(&set->flows[i], &s);
        char *e = ofctrl_flows_add(flows, ds_cstr(&s));
        if (e) {
            if (!error) {
                error = xasprintf("%s: %s", ds_cstr(&s), e);
            }
            free(e);
        }
    }
    ds_destroy(&s);
    return error;
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
    ofctrl_flows_clear(&port->compiled.flows);
    char *error = binding_flows_from_set(&port->compiled.flows, &set);
    ovs_assert(!error);
    port->compiled.n_flows = set.n;
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
        error = binding_flows_from_set(&out->flows, &c.flows);
        out->n_flows = c.flows.n;
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
binding_port_update(struct binding_bridge *br, struct binding_port *port,
                    const struct ovsrec_interface *iface,
                    const struct ovsrec_port *prow, struct nwf_port *nport)
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
        hmap_remove(&br->ports_by_ofport, &port->ofport_node);
        port->ofport = nport->ofport;
        hmap_insert(&br->ports_by_ofport, &port->ofport_node,
                    hash_int(ofp_to_u16(port->ofport), 0));
    }
    if (!port->zone) {
        port->zone = ct_zone_allocate(smap_get_uint(ids, NWF_KEY_ZONE, 0),
                                      br->ofctrl);
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

/* ---- Bridges. ---- */

/* Sets fail_mode=secure on 'brow' in 'txn' and asks ovs-vswitchd to
 * report when it has applied it. */
static void
binding_make_secure(const struct ovsrec_bridge *brow,
                    const struct ovsrec_open_vswitch *cfg,
                    struct ovsdb_idl_txn *txn)
{
    VLOG_INFO("%s: setting fail_mode=secure (ovs-vswitchd flushes the "
              "bridge's flows once)", brow->name);
    ovsrec_bridge_set_fail_mode(brow, "secure");
    if (cfg) {
        /* ovs-vswitchd copies next_cfg to cur_cfg once it has applied
         * everything up to it. */
        int64_t next_cfg = cfg->next_cfg + 1;
        ovsrec_open_vswitch_verify_next_cfg(cfg);
        ovsrec_open_vswitch_set_next_cfg(cfg, next_cfg);
        secure_cfg = MAX(secure_cfg, next_cfg);
    }
}

/* Whether 'iface' has an OpenFlow port that flows can name. */
static bool
iface_has_ofport(const struct ovsrec_interface *iface)
{
    return (iface->n_ofport && iface->ofport[0] > 0
            && (iface->ofport[0] < ofp_to_u16(OFPP_MAX)
                || iface->ofport[0] == ofp_to_u16(OFPP_LOCAL)));
}

/* Whether 'brow' has a bound Interface but is not secure yet. */
static bool
binding_bridge_needs_secure(const struct ovsrec_bridge *brow)
{
    if (brow->fail_mode && !strcmp(brow->fail_mode, "secure")) {
        return false;
    }
    for (size_t i = 0; i < brow->n_ports; i++) {
        const struct ovsrec_port *prow = brow->ports[i];
        for (size_t j = 0; j < prow->n_interfaces; j++) {
            const struct ovsrec_interface *iface = prow->interfaces[j];
            if (iface_has_ofport(iface)
                && smap_get(&iface->external_ids, NWF_KEY_FILTERREF)) {
                return true;
            }
        }
    }
    return false;
}

static bool
vswitchd_caught_up(const struct ovsrec_open_vswitch *cfg)
{
    return !cfg || cfg->cur_cfg >= secure_cfg;
}

static const char *
binding_port_status(const struct binding_bridge *br,
                    const struct binding_port *port, struct ds *s)
{
    ds_clear(s);
    if (port->error) {
        ds_put_format(s, "error: %s", port->error);
    } else if (br->managed && port->flows_seqno != UINT64_MAX
               && ofctrl_get_installed_seqno(br->ofctrl)
                  >= port->flows_seqno) {
        ds_put_cstr(s, port->compiled.learning ? "learning" : "active");
    } else {
        ds_put_cstr(s, "pending");
    }
    return ds_cstr(s);
}

/* Writes 'port''s status and zone into its Interface row, if changed. */
static void
binding_write_status(const struct binding_bridge *br,
                     const struct binding_port *port,
                     const struct ovsrec_interface *iface,
                     struct ovsdb_idl_txn *txn)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    const char *status = binding_port_status(br, port, &s);
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

/* Computes 'br''s desired flows: bridge-wide flows for 'nports' and every
 * bound port's own flows, and hands them to ofctrl. */
static void
binding_bridge_put(struct binding_bridge *br, const struct nwf_port *nports,
                   size_t n)
{
    struct ofctrl_flows desired;
    struct nwf_flow_set set;
    ofctrl_flows_init(&desired);
    nwf_flow_set_init(&set);

    nwf_flows_for_bridge(nports, n, &set);
    char *error = binding_flows_from_set(&desired, &set);
    if (error) {
        VLOG_ERR("%s: bad bridge-wide flow %s", br->node->name, error);
        free(error);
    }
    enum ofctrl_put_mode mode = OFCTRL_PER_PORT;
    struct shash_node *node;
    SHASH_FOR_EACH (node, &br->ports) {
        struct binding_port *port = node->data;
        ofctrl_flows_merge(&desired, &port->compiled.flows);
        if (port->filter_update) {
            mode = OFCTRL_ALL_AT_ONCE;
        }
    }
    ofctrl_flows_merge(&desired, &br->debug_flows);

    uint64_t seqno = ofctrl_put(br->ofctrl, &desired, mode);
    SHASH_FOR_EACH (node, &br->ports) {
        struct binding_port *port = node->data;
        if (port->flows_seqno == UINT64_MAX) {
            port->flows_seqno = seqno;
        }
        port->changed = false;
        port->filter_update = false;
    }
    nwf_flow_set_destroy(&set);
    ofctrl_flows_destroy(&desired);
}

/* Whether 'br''s desired flows must be rebuilt: its ports or their VLANs
 * changed, a port's flows changed, a port went away, or debug flows
 * changed. */
static bool
binding_bridge_needs_put(struct binding_bridge *br,
                         const struct nwf_port *nports, size_t n)
{
    struct ds sig = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < n; i++) {
        const struct nwf_port *np = &nports[i];
        ds_put_format(&sig, "%"PRIu16",%d,%d,%d", ofp_to_u16(np->ofport),
                      np->bound, np->tag, (int) np->vlan_mode);
        if (np->trunks) {
            for (size_t vid = 0; vid < 4096; vid++) {
                if (bitmap_is_set(np->trunks, vid)) {
                    ds_put_format(&sig, ",%"PRIuSIZE, vid);
                }
            }
        }
        ds_put_char(&sig, ';');
    }

    bool changed = (br->debug_changed || br->ports_removed
                    || !br->ports_signature
                    || strcmp(br->ports_signature, ds_cstr(&sig)));
    struct shash_node *node;
    SHASH_FOR_EACH (node, &br->ports) {
        const struct binding_port *port = node->data;
        changed = changed || port->changed;
    }
    free(br->ports_signature);
    br->ports_signature = ds_steal_cstr(&sig);
    br->ports_removed = false;
    return changed;
}

static void
binding_bridge_run(struct binding_bridge *br, const struct ovsrec_bridge *brow,
                   const struct ovsrec_open_vswitch *cfg,
                   struct ovsdb_idl_txn *txn)
{
    struct nwf_port *nports = NULL;
    size_t n = 0, allocated = 0;
    bool has_bound = false;
    long long int start = time_msec();
    size_t n_compiled = 0;

    /* A bridge about to be managed is made secure before its ports are
     * compiled, so that ovs-vswitchd applies the change (and the flush
     * of the bridge's flows that comes with it) while they compile. */
    if (txn && !br->managed && binding_bridge_needs_secure(brow)) {
        binding_make_secure(brow, cfg, txn);
        poll_immediate_wake();
        return;
    }

    struct shash_node *node;
    SHASH_FOR_EACH (node, &br->ports) {
        ((struct binding_port *) node->data)->seen = false;
    }

    for (size_t i = 0; i < brow->n_ports; i++) {
        const struct ovsrec_port *prow = brow->ports[i];
        for (size_t j = 0; j < prow->n_interfaces; j++) {
            const struct ovsrec_interface *iface = prow->interfaces[j];
            if (!iface_has_ofport(iface)) {
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
            has_bound = true;
            np->bound = true;
            struct binding_port *port = shash_find_data(&br->ports,
                                                        iface->name);
            if (!port) {
                port = xzalloc(sizeof *port);
                port->node = shash_add(&br->ports, iface->name, port);
                hmap_insert(&br->ports_by_ofport, &port->ofport_node,
                            hash_int(ofp_to_u16(port->ofport), 0));
                shash_add(&all_ports, iface->name, port);
                port->bridge = xstrdup(br->node->name);
                binding_compiled_init(&port->compiled);
                binding_compiled_init(&port->pending);
                nwf_port_inputs_init(&port->inputs);
                smap_init(&port->owner);
                VLOG_INFO("%s: bound on bridge %s", iface->name,
                          br->node->name);
            }
            port->seen = true;
            binding_port_read_owner(port, &iface->external_ids);
            n_compiled += binding_port_update(br, port, iface, prow, np);
            binding_write_status(br, port, iface, txn);
        }
    }

    struct shash_node *next;
    SHASH_FOR_EACH_SAFE (node, next, &br->ports) {
        struct binding_port *port = node->data;
        if (!port->seen) {
            VLOG_INFO("%s: unbound from bridge %s", node->name,
                      br->node->name);
            iplearn_port_remove(node->name);
            binding_port_destroy(br, port);
            br->ports_removed = true;
        }
    }

    if (has_bound && (!brow->fail_mode
                      || strcmp(brow->fail_mode, "secure"))) {
        if (txn) {
            binding_make_secure(brow, cfg, txn);
        }
    } else if (has_bound && vswitchd_caught_up(cfg)) {
        if (!br->managed) {
            VLOG_INFO("%s: managed by the controller", br->node->name);
        }
        br->managed = true;
    }
    long long int compiled = time_msec();
    if (n_compiled) {
        VLOG_INFO("%s: %"PRIuSIZE" ports compiled in %lld ms",
                  br->node->name, n_compiled, compiled - start);
    }
    if (br->managed && binding_bridge_needs_put(br, nports, n)) {
        binding_bridge_put(br, nports, n);
        VLOG_INFO("%s: desired flows built in %lld ms", br->node->name,
                  time_msec() - compiled);
    } else if (!br->managed && br->debug_changed) {
        struct ofctrl_flows flows;
        ofctrl_flows_init(&flows);
        ofctrl_flows_merge(&flows, &br->debug_flows);
        ofctrl_put(br->ofctrl, &flows, OFCTRL_PER_PORT);
        ofctrl_flows_destroy(&flows);
    }
    br->debug_changed = false;

    for (size_t i = 0; i < n; i++) {
        bitmap_free(nports[i].trunks);
    }
    free(nports);
}

/* A packet-in of a port (pinctrl.h): for its capture, if one is running,
 * and for learning its address. */
static void
binding_port_packet(struct ofctrl *ofctrl, uint16_t ofport, bool from_vm,
                    uint8_t reason, const void *packet, size_t size)
{
    const struct binding_bridge *br
        = binding_bridge_find(ofctrl_get_bridge(ofctrl));
    if (!br) {
        return;
    }
    const struct binding_port *port;
    HMAP_FOR_EACH_WITH_HASH (port, ofport_node, hash_int(ofport, 0),
                             &br->ports_by_ofport) {
        if (ofp_to_u16(port->ofport) == ofport) {
            const char *name = port->node->name;
            capture_packet(name, packet, size);
            if (reason == NWF_PUNT_LEARN) {
                iplearn_handle_frame(name, packet, size, from_vm);
            }
            return;
        }
    }
}

/* Ports whose learned addresses changed are compiled again. */
static void
binding_learned_changed(void)
{
    struct sset changed = SSET_INITIALIZER(&changed);
    iplearn_run(&changed);
    const char *name;
    SSET_FOR_EACH (name, &changed) {
        struct binding_port *port = shash_find_data(&all_ports, name);
        if (port) {
            port->dirty = true;
        }
    }
    sset_destroy(&changed);
}

/* Brings every bridge's connection, bindings and desired flows up to date
 * with OVSDB and the filter store, and writes statuses with 'txn' (which
 * may be NULL while a transaction is in flight). */
void
binding_run(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn)
{
    const struct ovsrec_open_vswitch *cfg = ovsrec_open_vswitch_first(idl);
    binding_learned_changed();

    struct sset seen = SSET_INITIALIZER(&seen);
    const struct ovsrec_bridge *brow;
    OVSREC_BRIDGE_FOR_EACH (brow, idl) {
        sset_add(&seen, brow->name);
        struct binding_bridge *br = binding_bridge_find(brow->name);
        if (!br) {
            br = xzalloc(sizeof *br);
            br->ofctrl = ofctrl_create(brow->name, ovs_rundir_);
            ofctrl_set_packet_in_cb(br->ofctrl, pinctrl_handle_packet_in);
            shash_init(&br->ports);
            hmap_init(&br->ports_by_ofport);
            ofctrl_flows_init(&br->debug_flows);
            br->node = shash_add(&bridges, brow->name, br);
        }
        /* The switch's replies first, so that statuses computed below see
         * the flows it has just confirmed. */
        ofctrl_run(br->ofctrl);
        binding_bridge_run(br, brow, cfg, txn);
    }

    struct shash_node *node, *next;
    SHASH_FOR_EACH_SAFE (node, next, &bridges) {
        if (!sset_contains(&seen, node->name)) {
            VLOG_INFO("%s: bridge removed from OVSDB", node->name);
            struct binding_bridge *br = node->data;
            struct shash_node *pnode;
            SHASH_FOR_EACH (pnode, &br->ports) {
                iplearn_port_remove(pnode->name);
            }
            binding_bridge_destroy(br);
        }
    }
    sset_destroy(&seen);

    /* Once the database has been read, learned state of ports that are no
     * longer bound (unbound while the controller was down) goes. */
    static bool forgot_unclaimed;
    if (!forgot_unclaimed && cfg) {
        iplearn_forget_unclaimed();
        forgot_unclaimed = true;
    }
}

void
binding_wait(void)
{
    struct shash_node *node;
    SHASH_FOR_EACH (node, &bridges) {
        struct binding_bridge *br = node->data;
        ofctrl_wait(br->ofctrl);
    }
    iplearn_wait();
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

/* ---- unixctl. ---- */

static void
binding_unixctl_bridges_show(struct unixctl_conn *conn, int argc OVS_UNUSED,
                             const char *argv[] OVS_UNUSED,
                             void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    const struct shash_node **sorted = shash_sort(&bridges);
    for (size_t i = 0; i < shash_count(&bridges); i++) {
        const struct binding_bridge *br = sorted[i]->data;
        ds_put_format(&s, "%s: %s%s\n", sorted[i]->name,
                      ofctrl_is_connected(br->ofctrl)
                      ? "connected" : "not connected",
                      br->managed ? ", managed" : "");
    }
    free(sorted);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static struct binding_bridge *
binding_unixctl_bridge(struct unixctl_conn *conn, const char *name)
{
    struct binding_bridge *br = binding_bridge_find(name);
    if (!br) {
        char *error = xasprintf("%s: no such bridge in OVSDB", name);
        unixctl_command_reply_error(conn, error);
        free(error);
    }
    return br;
}

static void
binding_debug_changed(struct binding_bridge *br, struct unixctl_conn *conn)
{
    br->debug_changed = true;
    poll_immediate_wake();
    unixctl_command_reply(conn, NULL);
}

/* "debug/add-flow BRIDGE FLOW": adds FLOW (ovs-ofctl syntax) to the
 * bridge's desired flows, through the same sync path as the pipeline.  A
 * bridge with such flows and no binding is managed by them alone. */
static void
binding_unixctl_debug_add_flow(struct unixctl_conn *conn,
                               int argc OVS_UNUSED, const char *argv[],
                               void *aux OVS_UNUSED)
{
    struct binding_bridge *br = binding_unixctl_bridge(conn, argv[1]);
    if (br) {
        char *error = ofctrl_flows_add(&br->debug_flows, argv[2]);
        if (error) {
            unixctl_command_reply_error(conn, error);
            free(error);
            return;
        }
        binding_debug_changed(br, conn);
    }
}

static void
binding_unixctl_debug_del_flow(struct unixctl_conn *conn,
                               int argc OVS_UNUSED, const char *argv[],
                               void *aux OVS_UNUSED)
{
    struct binding_bridge *br = binding_unixctl_bridge(conn, argv[1]);
    if (br) {
        if (!ofctrl_flows_remove(&br->debug_flows, argv[2])) {
            unixctl_command_reply_error(conn, "no such flow");
            return;
        }
        binding_debug_changed(br, conn);
    }
}

static void
binding_unixctl_debug_dump_flows(struct unixctl_conn *conn,
                                 int argc OVS_UNUSED, const char *argv[],
                                 void *aux OVS_UNUSED)
{
    struct binding_bridge *br = binding_unixctl_bridge(conn, argv[1]);
    if (br) {
        struct ds s = DS_EMPTY_INITIALIZER;
        ofctrl_flows_format(&br->debug_flows, &s);
        unixctl_command_reply(conn, ds_cstr(&s));
        ds_destroy(&s);
    }
}

/* "bridges/dump-flows BRIDGE": every flow the controller wants on the
 * bridge, sorted, so that it can be compared with the switch's table. */
static void
binding_unixctl_dump_flows(struct unixctl_conn *conn, int argc OVS_UNUSED,
                           const char *argv[], void *aux OVS_UNUSED)
{
    struct binding_bridge *br = binding_unixctl_bridge(conn, argv[1]);
    if (br) {
        struct ds s = DS_EMPTY_INITIALIZER;
        ofctrl_flows_format(ofctrl_get_desired(br->ofctrl), &s);
        unixctl_command_reply(conn, ds_cstr(&s));
        ds_destroy(&s);
    }
}

static struct binding_port *
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

/* A "bindings/show" waiting for the switch's statistics. */
struct binding_show {
    struct unixctl_conn *conn;
    char *port;
};

/* The filter of the port's tree whose UUID starts with 'id', for naming
 * the rule a flow came from. */
static const char *
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

/* Completes "bindings/show" once the switch has sent the port's flow
 * statistics: the flows grouped by the rule they came from (cookie bits
 * 63..16), with their counters. */
static void
binding_show_reply(const struct ofctrl_flow_stat *stats, size_t n,
                   const char *error, void *show_)
{
    struct binding_show *show = show_;
    struct unixctl_conn *conn = show->conn;
    /* The port may have been unbound meanwhile. */
    const struct binding_port *port = binding_port_find(show->port);
    free(show->port);
    free(show);
    if (error) {
        unixctl_command_reply_error(conn, error);
        return;
    }

    struct ds s = DS_EMPTY_INITIALIZER;

    uint64_t group = UINT64_MAX;
    uint64_t packets = 0, bytes = 0;
    size_t group_start = 0;
    for (size_t i = 0; i <= n; i++) {
        uint64_t g = i < n ? stats[i].cookie >> 16 : UINT64_MAX - 1;
        if (g != group) {
            if (group != UINT64_MAX) {
                uint32_t fid = group >> 16;
                unsigned int rule = group & 0xffff;
                const char *fname = (port && fid
                                     ? binding_port_filter_by_id(port, fid)
                                     : NULL);
                if (rule) {
                    ds_put_format(&s, "filter %s rule %u: ",
                                  fname ? fname : "(unknown)", rule);
                } else {
                    ds_put_cstr(&s, "port flows: ");
                }
                ds_put_format(&s, "%"PRIu64" packets, %"PRIu64" bytes\n",
                              packets, bytes);
                for (size_t j = group_start; j < i; j++) {
                    ds_put_format(&s, "  n_packets=%"PRIu64", "
                                  "n_bytes=%"PRIu64", %s\n",
                                  stats[j].n_packets, stats[j].n_bytes,
                                  stats[j].text);
                }
            }
            group = g;
            group_start = i;
            packets = bytes = 0;
        }
        if (i < n) {
            packets += stats[i].n_packets;
            bytes += stats[i].n_bytes;
        }
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* "bindings/show PORT": the port's flows on the switch, grouped by the
 * rule that produced them, with packet and byte counters. */
static void
binding_unixctl_show(struct unixctl_conn *conn, int argc OVS_UNUSED,
                     const char *argv[], void *aux OVS_UNUSED)
{
    const struct binding_port *port = binding_port_find(argv[1]);
    if (!port) {
        char *error = xasprintf("%s: no bound interface of that name",
                                argv[1]);
        unixctl_command_reply_error(conn, error);
        free(error);
        return;
    }
    const struct binding_bridge *br = binding_bridge_find(port->bridge);
    struct binding_show *show = xmalloc(sizeof *show);
    show->conn = conn;
    show->port = xstrdup(argv[1]);
    ofctrl_request_flow_stats(br->ofctrl, ofp_to_u16(port->ofport),
                              NWF_COOKIE_PORT_MASK, binding_show_reply, show);
}

/* 'values' as a JSON array of strings. */
static struct json *
svec_to_json(const struct svec *values)
{
    struct json *array = json_array_create_empty();
    for (size_t i = 0; i < values->n; i++) {
        json_array_add(array, json_string_create(values->names[i]));
    }
    return array;
}

/* 'vars' as a JSON object of arrays: {"IP": ["10.0.0.5"], ...}. */
static struct json *
binding_params_to_json(const struct nwf_var_table *vars)
{
    struct json *obj = json_object_create();
    struct shash_node *node;
    SHASH_FOR_EACH (node, &vars->vars) {
        json_object_put(obj, node->name, svec_to_json(node->data));
    }
    return obj;
}

/* Who owns 'port', as a JSON object with its keys "name" (filterref-owner),
 * "vm-id" and "iface-id" (libvirt's and OVN's), each only if present. */
static struct json *
binding_owner_to_json(const struct binding_port *port)
{
    static const struct {
        const char *key;
        const char *json;
    } keys[] = {
        { NWF_KEY_OWNER, "name" },
        { NWF_KEY_VM_ID, "vm-id" },
        { NWF_KEY_IFACE_ID, "iface-id" },
    };
    struct json *obj = json_object_create();
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        const char *value = smap_get(&port->owner, keys[i].key);
        if (value) {
            json_object_put_string(obj, keys[i].json, value);
        }
    }
    return obj;
}

static void
binding_unixctl_list(struct unixctl_conn *conn, int argc,
                     const char *argv[], void *aux OVS_UNUSED)
{
    bool json = argc > 1 && !strcmp(argv[1], "--format=json");
    if (argc > 1 && !json) {
        unixctl_command_reply_error(conn, "unknown option (use "
                                    "--format=json)");
        return;
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    struct ds status = DS_EMPTY_INITIALIZER;
    struct ds owner = DS_EMPTY_INITIALIZER;
    struct json *array = json ? json_array_create_empty() : NULL;
    if (!json) {
        ds_put_format(&s, "%-16s %-12s %-20s %6s  %-10s %-16s %-16s %s\n",
                      "Port", "Bridge", "Filter", "Flows", "State",
                      "Learned IP", "Owner", "Parameters");
    }
    const struct shash_node **sorted = shash_sort(&bridges);
    for (size_t i = 0; i < shash_count(&bridges); i++) {
        const struct binding_bridge *br = sorted[i]->data;
        const struct shash_node **ports = shash_sort(&br->ports);
        for (size_t j = 0; j < shash_count(&br->ports); j++) {
            const struct binding_port *port = ports[j]->data;
            const char *state = binding_port_status(br, port, &status);
            const char *filter = (port->inputs_valid
                                  ? port->inputs.filter : "");
            size_t flen = strlen(filter);
            const struct svec *learned = &port->compiled.learned_ips;
            if (json) {
                struct json *row = json_object_create();
                json_object_put_string(row, "port", ports[j]->name);
                json_object_put_string(row, "bridge", sorted[i]->name);
                json_object_put(row, "filter", json_string_create_nocopy(
                                    xmemdup0(filter, flen)));
                json_object_put(row, "flows",
                                json_integer_create(port->compiled.n_flows));
                json_object_put_string(row, "state", state);
                json_object_put(row, "zone", json_integer_create(port->zone));
                json_object_put(row, "learned_ip", svec_to_json(learned));
                json_object_put(row, "parameters",
                                binding_params_to_json(&port->inputs.params));
                json_object_put(row, "owner", binding_owner_to_json(port));
                json_array_add(array, row);
            } else {
                char *ips = (learned->n ? svec_join(learned, ",", "")
                             : xstrdup("-"));
                ds_put_format(&s, "%-16s %-12s %-20.*s %6"PRIuSIZE"  %-10s "
                              "%-16s ", ports[j]->name, sorted[i]->name,
                              (int) flen, filter, port->compiled.n_flows,
                              state, ips);
                free(ips);
                ds_clear(&owner);
                nwf_binding_format_owner(&port->owner, &owner);
                ds_put_format(&s, "%-16s ", ds_cstr(&owner));
                nwf_var_table_format(&port->inputs.params, &s);
                ds_put_char(&s, '\n');
            }
        }
        free(ports);
    }
    free(sorted);
    if (json) {
        json_to_ds(array, JSSF_SORT, &s);
        json_destroy(array);
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
    ds_destroy(&status);
    ds_destroy(&owner);
}
