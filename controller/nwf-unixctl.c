/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "nwf-unixctl.h"

#include <string.h>

#include "binding.h"
#include "bridge.h"
#include "flow.h"
#include "nwf-binding.h"
#include "nwf-pipeline.h"
#include "nwf-vars.h"
#include "ofctrl.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "smap.h"
#include "svec.h"
#include "unixctl.h"
#include "util.h"

static unixctl_cb_func nwf_unixctl_bridges_show;
static unixctl_cb_func nwf_unixctl_list;
static unixctl_cb_func nwf_unixctl_debug_add_flow;
static unixctl_cb_func nwf_unixctl_debug_del_flow;
static unixctl_cb_func nwf_unixctl_debug_dump_flows;
static unixctl_cb_func nwf_unixctl_dump_flows;
static unixctl_cb_func nwf_unixctl_show;

/* Registers the commands. */
void
nwf_unixctl_init(void)
{
    unixctl_command_register("bridges/show", "", 0, 0,
                             nwf_unixctl_bridges_show, NULL);
    unixctl_command_register("bindings/list", "[--format=json]", 0, 1,
                             nwf_unixctl_list, NULL);
    unixctl_command_register("debug/add-flow", "BRIDGE FLOW", 2, 2,
                             nwf_unixctl_debug_add_flow, NULL);
    unixctl_command_register("debug/del-flow", "BRIDGE FLOW", 2, 2,
                             nwf_unixctl_debug_del_flow, NULL);
    unixctl_command_register("debug/dump-flows", "BRIDGE", 1, 1,
                             nwf_unixctl_debug_dump_flows, NULL);
    unixctl_command_register("bridges/dump-flows", "BRIDGE", 1, 1,
                             nwf_unixctl_dump_flows, NULL);
    unixctl_command_register("bindings/show", "PORT", 1, 1,
                             nwf_unixctl_show, NULL);
}

static void
nwf_unixctl_bridges_show(struct unixctl_conn *conn, int argc OVS_UNUSED,
                             const char *argv[] OVS_UNUSED,
                             void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    const struct shash *bridges = bridge_all();
    const struct shash_node **sorted = shash_sort(bridges);
    for (size_t i = 0; i < shash_count(bridges); i++) {
        const struct bridge *br = sorted[i]->data;
        ds_put_format(&s, "%s: %s%s\n", sorted[i]->name,
                      ofctrl_is_connected(bridge_get_ofctrl(br))
                      ? "connected" : "not connected",
                      bridge_is_managed(br) ? ", managed" : "");
    }
    free(sorted);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static struct bridge *
nwf_unixctl_bridge(struct unixctl_conn *conn, const char *name)
{
    struct bridge *br = bridge_find(name);
    if (!br) {
        char *error = xasprintf("%s: no such bridge in OVSDB", name);
        unixctl_command_reply_error(conn, error);
        free(error);
    }
    return br;
}

/* "debug/add-flow BRIDGE FLOW": adds FLOW (ovs-ofctl syntax) to the
 * bridge's desired flows, through the same sync path as the pipeline.  A
 * bridge with such flows and no binding is managed by them alone. */
static void
nwf_unixctl_debug_add_flow(struct unixctl_conn *conn,
                               int argc OVS_UNUSED, const char *argv[],
                               void *aux OVS_UNUSED)
{
    struct bridge *br = nwf_unixctl_bridge(conn, argv[1]);
    if (br) {
        char *error = bridge_add_debug_flow(br, argv[2]);
        if (error) {
            unixctl_command_reply_error(conn, error);
            free(error);
            return;
        }
        unixctl_command_reply(conn, NULL);
    }
}

static void
nwf_unixctl_debug_del_flow(struct unixctl_conn *conn,
                               int argc OVS_UNUSED, const char *argv[],
                               void *aux OVS_UNUSED)
{
    struct bridge *br = nwf_unixctl_bridge(conn, argv[1]);
    if (br) {
        if (!bridge_del_debug_flow(br, argv[2])) {
            unixctl_command_reply_error(conn, "no such flow");
            return;
        }
        unixctl_command_reply(conn, NULL);
    }
}

static void
nwf_unixctl_debug_dump_flows(struct unixctl_conn *conn,
                             int argc OVS_UNUSED, const char *argv[],
                             void *aux OVS_UNUSED)
{
    struct bridge *br = nwf_unixctl_bridge(conn, argv[1]);
    if (br) {
        struct ds s = DS_EMPTY_INITIALIZER;
        nwf_flow_set_format(bridge_get_debug_flows(br), &s);
        unixctl_command_reply(conn, ds_cstr(&s));
        ds_destroy(&s);
    }
}

/* "bridges/dump-flows BRIDGE": every flow the controller wants on the
 * bridge, sorted, so that it can be compared with the switch's table. */
static void
nwf_unixctl_dump_flows(struct unixctl_conn *conn, int argc OVS_UNUSED,
                       const char *argv[], void *aux OVS_UNUSED)
{
    struct bridge *br = nwf_unixctl_bridge(conn, argv[1]);
    if (br) {
        struct ds s = DS_EMPTY_INITIALIZER;
        nwf_flow_set_format(ofctrl_get_desired(bridge_get_ofctrl(br)), &s);
        unixctl_command_reply(conn, ds_cstr(&s));
        ds_destroy(&s);
    }
}

/* A "bindings/show" waiting for the switch's statistics. */
struct nwf_unixctl_show {
    struct unixctl_conn *conn;
    char *port;
};

/* Completes "bindings/show" once the switch has sent the port's flow
 * statistics: the flows grouped by the rule they came from (cookie bits
 * 63..16), with their counters. */
static void
nwf_unixctl_show_reply(const struct ofctrl_flow_stat *stats, size_t n,
                   const char *error, void *show_)
{
    struct nwf_unixctl_show *show = show_;
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
nwf_unixctl_show(struct unixctl_conn *conn, int argc OVS_UNUSED,
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
    const struct bridge *br = bridge_find(port->bridge);
    struct nwf_unixctl_show *show = xmalloc(sizeof *show);
    show->conn = conn;
    show->port = xstrdup(argv[1]);
    ofctrl_request_flow_stats(bridge_get_ofctrl(br), ofp_to_u16(port->ofport),
                              NWF_COOKIE_PORT_MASK, nwf_unixctl_show_reply, show);
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
params_to_json(const struct nwf_var_table *vars)
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
owner_to_json(const struct binding_port *port)
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
nwf_unixctl_list(struct unixctl_conn *conn, int argc,
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
    const struct shash *bridges = bridge_all();
    const struct shash_node **sorted = shash_sort(bridges);
    for (size_t i = 0; i < shash_count(bridges); i++) {
        const struct shash *bports = binding_get_ports(sorted[i]->name);
        if (!bports) {
            continue;
        }
        const struct shash_node **ports = shash_sort(bports);
        for (size_t j = 0; j < shash_count(bports); j++) {
            const struct binding_port *port = ports[j]->data;
            const char *state = binding_port_status(port, &status);
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
                                params_to_json(&port->inputs.params));
                json_object_put(row, "owner", owner_to_json(port));
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
