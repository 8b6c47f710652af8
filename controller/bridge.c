/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "bridge.h"

#include <string.h>

#include "bitmap.h"
#include "flow.h"
#include "nwf-binding.h"
#include "nwf-compile.h"
#include "nwf-flows.h"
#include "ofctrl.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "pinctrl.h"
#include "smap.h"
#include "sset.h"
#include "timeval.h"
#include "util.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(bridge);

struct bridge {
    struct shash_node *node;    /* In 'bridges', by name. */
    struct ofctrl *ofctrl;
    bool managed;               /* Has a bound port and is ready. */
    bool securing;              /* Set to fail_mode=secure in this run: its
                                 * ports wait for the next one. */

    /* The ports and VLANs the bridge-wide flows were last built from: the
     * desired flows are rebuilt only when they or a port's flows change
     * (rebuilding on every wake-up would also make ofctrl send a batch,
     * whose barrier reply wakes us again).  'trunks' owned. */
    struct nwf_port *ports;
    size_t n_ports;
    bool put_once;              /* 'ports' are known. */
    struct nwf_flow_set bridge_flows;   /* Built from 'ports'. */

    /* Flows added through "debug/add-flow", kept beside the pipeline. */
    struct nwf_flow_set debug_flows;
    bool debug_changed;
};

static struct shash bridges = SHASH_INITIALIZER(&bridges);
static char *ovs_rundir_;

/* After this module sets fail_mode=secure it waits for ovs-vswitchd to
 * apply the change (Open_vSwitch cur_cfg reaching the next_cfg of that
 * transaction), because the change flushes the bridge's flows. */
static int64_t secure_cfg;

/* Registers the columns the module reads and writes. */
void
bridge_init(struct ovsdb_idl *idl, const char *ovs_rundir)
{
    ovs_rundir_ = xstrdup(ovs_rundir);
    ovsdb_idl_add_table(idl, &ovsrec_table_open_vswitch);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_bridges);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_next_cfg);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_cur_cfg);
    ovsdb_idl_add_table(idl, &ovsrec_table_bridge);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_name);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_ports);
    ovsdb_idl_add_column(idl, &ovsrec_bridge_col_fail_mode);
}

static void
bridge_clear_ports(struct bridge *br)
{
    for (size_t i = 0; i < br->n_ports; i++) {
        bitmap_free(br->ports[i].trunks);
    }
    free(br->ports);
    br->ports = NULL;
    br->n_ports = 0;
}

static void
bridge_free(struct bridge *br)
{
    ofctrl_destroy(br->ofctrl);
    nwf_flow_set_destroy(&br->debug_flows);
    nwf_flow_set_destroy(&br->bridge_flows);
    bridge_clear_ports(br);
    shash_delete(&bridges, br->node);
    free(br);
}

void
bridge_destroy(void)
{
    struct shash_node *node, *next;
    SHASH_FOR_EACH_SAFE (node, next, &bridges) {
        bridge_free(node->data);
    }
    free(ovs_rundir_);
}

struct bridge *
bridge_find(const char *name)
{
    return shash_find_data(&bridges, name);
}

/* Every bridge in OVSDB, by name: "struct bridge"s. */
const struct shash *
bridge_all(void)
{
    return &bridges;
}

struct ofctrl *
bridge_get_ofctrl(const struct bridge *br)
{
    return br->ofctrl;
}

bool
bridge_is_managed(const struct bridge *br)
{
    return br->managed;
}

/* Whether the bridge was set to fail_mode=secure in this run, before its
 * ports are compiled, so that ovs-vswitchd applies the change (and the
 * flush of the bridge's flows that comes with it) while they compile in
 * the next run. */
bool
bridge_is_securing(const struct bridge *br)
{
    return br->securing;
}

/* ---- fail_mode=secure. ---- */

/* Sets fail_mode=secure on 'brow' in 'txn' and asks ovs-vswitchd to
 * report when it has applied it. */
static void
bridge_make_secure(const struct ovsrec_bridge *brow,
                   const struct ovsrec_open_vswitch *cfg,
                   struct ovsdb_idl_txn *txn OVS_UNUSED)
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
bool
bridge_iface_has_ofport(const struct ovsrec_interface *iface)
{
    return (iface->n_ofport && iface->ofport[0] > 0
            && (iface->ofport[0] < ofp_to_u16(OFPP_MAX)
                || iface->ofport[0] == ofp_to_u16(OFPP_LOCAL)));
}

/* Whether 'brow' has a bound Interface. */
static bool
bridge_row_has_binding(const struct ovsrec_bridge *brow)
{
    for (size_t i = 0; i < brow->n_ports; i++) {
        const struct ovsrec_port *prow = brow->ports[i];
        for (size_t j = 0; j < prow->n_interfaces; j++) {
            const struct ovsrec_interface *iface = prow->interfaces[j];
            if (bridge_iface_has_ofport(iface)
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

/* A bridge with a bound Interface is made secure, or, once it is and
 * ovs-vswitchd has applied that, managed. */
static void
bridge_secure_run(struct bridge *br, const struct ovsrec_bridge *brow,
                  const struct ovsrec_open_vswitch *cfg,
                  struct ovsdb_idl_txn *txn)
{
    br->securing = false;
    if (!bridge_row_has_binding(brow)) {
        return;
    }
    if (!brow->fail_mode || strcmp(brow->fail_mode, "secure")) {
        if (txn) {
            bridge_make_secure(brow, cfg, txn);
            if (!br->managed) {
                br->securing = true;
                poll_immediate_wake();
            }
        }
    } else if (vswitchd_caught_up(cfg)) {
        if (!br->managed) {
            VLOG_INFO("%s: managed by the controller", br->node->name);
        }
        br->managed = true;
    }
}

/* Brings the bridges and their connections up to date with OVSDB: the
 * switch's replies first, then fail_mode. */
void
bridge_run(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn)
{
    const struct ovsrec_open_vswitch *cfg = ovsrec_open_vswitch_first(idl);
    struct sset seen = SSET_INITIALIZER(&seen);
    const struct ovsrec_bridge *brow;
    OVSREC_BRIDGE_FOR_EACH (brow, idl) {
        sset_add(&seen, brow->name);
        struct bridge *br = bridge_find(brow->name);
        if (!br) {
            br = xzalloc(sizeof *br);
            br->ofctrl = ofctrl_create(brow->name, ovs_rundir_);
            ofctrl_set_packet_in_cb(br->ofctrl, pinctrl_handle_packet_in);
            nwf_flow_set_init(&br->debug_flows);
            nwf_flow_set_init(&br->bridge_flows);
            br->node = shash_add(&bridges, brow->name, br);
        }
        ofctrl_run(br->ofctrl);
        bridge_secure_run(br, brow, cfg, txn);
    }

    struct shash_node *node, *next;
    SHASH_FOR_EACH_SAFE (node, next, &bridges) {
        if (!sset_contains(&seen, node->name)) {
            VLOG_INFO("%s: bridge removed from OVSDB", node->name);
            bridge_free(node->data);
        }
    }
    sset_destroy(&seen);
}

void
bridge_wait(void)
{
    struct shash_node *node;
    SHASH_FOR_EACH (node, &bridges) {
        struct bridge *br = node->data;
        ofctrl_wait(br->ofctrl);
    }
}

/* ---- Desired flows. ---- */

/* Whether the bridge-wide flows of 'ports' are those of the bridge's last
 * put, as far as the ports can tell: the same ports with the same VLANs.
 * Remembers 'ports' for the next call. */
static bool
bridge_ports_unchanged(struct bridge *br, const struct nwf_port *ports,
                       size_t n)
{
    bool same = br->put_once && n == br->n_ports;
    for (size_t i = 0; same && i < n; i++) {
        const struct nwf_port *a = &ports[i], *b = &br->ports[i];
        same = (a->ofport == b->ofport && a->bound == b->bound
                && nwf_port_vlans_equal(a, b));
    }

    bridge_clear_ports(br);
    br->ports = xmemdup(ports, n * sizeof *ports);
    br->n_ports = n;
    for (size_t i = 0; i < n; i++) {
        br->ports[i].name = NULL;
        if (ports[i].trunks) {
            br->ports[i].trunks = bitmap_clone(ports[i].trunks, 4096);
        }
    }
    br->put_once = true;
    return same;
}

/* Hands 'br''s desired flows to its ofctrl if they may have changed: the
 * bridge-wide flows of 'in->ports', the bound ports' flows and the debug
 * flows (an unmanaged bridge gets its debug flows only).  Returns the
 * ofctrl_put() sequence number, or 0 if the bridge is unmanaged or its
 * flows did not change. */
uint64_t
bridge_put(struct bridge *br, const struct bridge_ports *in)
{
    uint64_t seqno = 0;
    if (!br->managed) {
        if (br->debug_changed) {
            struct nwf_flow_set flows;
            nwf_flow_set_init(&flows);
            nwf_flow_set_merge(&flows, &br->debug_flows);
            ofctrl_put(br->ofctrl, &flows, OFCTRL_PER_PORT);
            nwf_flow_set_destroy(&flows);
        }
    } else {
        bool ports_changed = !bridge_ports_unchanged(br, in->ports,
                                                     in->n_ports);
        if (!ports_changed && !in->flows_changed && !br->debug_changed) {
            return 0;
        }

        long long int start = time_msec();
        if (ports_changed) {
            /* A filter update leaves the ports as they are: their
             * bridge-wide flows are not built again. */
            nwf_flow_set_clear(&br->bridge_flows);
            nwf_flows_for_bridge(in->ports, in->n_ports, &br->bridge_flows);
        }
        struct nwf_flow_set desired;
        nwf_flow_set_init(&desired);
        nwf_flow_set_merge(&desired, &br->bridge_flows);
        for (size_t i = 0; i < in->n_flows; i++) {
            nwf_flow_set_merge(&desired, in->flows[i]);
        }
        nwf_flow_set_merge(&desired, &br->debug_flows);
        seqno = ofctrl_put(br->ofctrl, &desired, in->mode);
        nwf_flow_set_destroy(&desired);
        VLOG_INFO("%s: desired flows built in %lld ms", br->node->name,
                  time_msec() - start);
    }
    br->debug_changed = false;
    return seqno;
}

/* ---- Debug flows. ---- */

/* Adds 'flow' (ovs-ofctl syntax) to the bridge's desired flows, through
 * the same sync path as the pipeline.  A bridge with such flows and no
 * binding is managed by them alone.  Returns NULL or an error message. */
char *
bridge_add_debug_flow(struct bridge *br, const char *flow)
{
    char *error = nwf_flow_set_add_text(&br->debug_flows, flow);
    if (!error) {
        br->debug_changed = true;
        poll_immediate_wake();
    }
    return error;
}

/* Removes debug flow 'flow'.  Returns false if there is none. */
bool
bridge_del_debug_flow(struct bridge *br, const char *flow)
{
    if (!nwf_flow_set_remove_text(&br->debug_flows, flow)) {
        return false;
    }
    br->debug_changed = true;
    poll_immediate_wake();
    return true;
}

const struct nwf_flow_set *
bridge_get_debug_flows(const struct bridge *br)
{
    return &br->debug_flows;
}
