/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "iplearn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iplearn-packet.h"
#include "nwf-store.h"
#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "sset.h"
#include "svec.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(iplearn);

#define STATE_FILE "iplearn.json"

/* Expiry of an address that does not expire: one learned in "any" mode,
 * or a DHCP lease of infinite time. */
#define NEVER LLONG_MAX

struct iplearn_addr {
    ovs_be32 ip;
    long long int expires;      /* Wall-clock msec, or NEVER. */
};

struct iplearn_port {
    struct eth_addr mac;
    enum nwf_ip_learning mode;
    ovs_be32 *servers;          /* Trusted DHCP servers, none: all. */
    size_t n_servers;
    struct iplearn_addr *addrs;
    size_t n_addrs;
    bool claimed;               /* iplearn_port_set() since start-up. */
};

static struct shash ports = SHASH_INITIALIZER(&ports);
static struct sset changed_ports = SSET_INITIALIZER(&changed_ports);
static char *state_dir;
static bool state_dirty;

static void iplearn_load(void);

void
iplearn_init(const char *state_dir_)
{
    free(state_dir);
    state_dir = state_dir_ ? xstrdup(state_dir_) : NULL;
    if (state_dir) {
        nwf_remove_stale_temporaries(state_dir, STATE_FILE);
    }
    iplearn_load();
}

static void
iplearn_port_free(struct iplearn_port *port)
{
    if (port) {
        free(port->servers);
        free(port->addrs);
        free(port);
    }
}

void
iplearn_destroy(void)
{
    struct shash_node *node;
    SHASH_FOR_EACH (node, &ports) {
        iplearn_port_free(node->data);
    }
    shash_clear(&ports);
    sset_clear(&changed_ports);
    free(state_dir);
    state_dir = NULL;
}

/* ---- State file. ---- */

static struct json *
iplearn_to_json(void)
{
    struct json *jports = json_object_create();
    struct shash_node *node;
    SHASH_FOR_EACH (node, &ports) {
        const struct iplearn_port *port = node->data;
        if (!port->n_addrs) {
            continue;
        }
        struct json *jaddrs = json_array_create_empty();
        for (size_t i = 0; i < port->n_addrs; i++) {
            const struct iplearn_addr *a = &port->addrs[i];
            struct json *ja = json_object_create();
            json_object_put_format(ja, "ip", IP_FMT, IP_ARGS(a->ip));
            if (a->expires != NEVER) {
                json_object_put(ja, "expires",
                                json_integer_create(a->expires));
            }
            json_array_add(jaddrs, ja);
        }
        struct json *jport = json_object_create();
        json_object_put_format(jport, "mac", ETH_ADDR_FMT,
                               ETH_ADDR_ARGS(port->mac));
        json_object_put_string(jport, "mode",
                               nwf_ip_learning_to_string(port->mode));
        json_object_put(jport, "addresses", jaddrs);
        json_object_put(jports, node->name, jport);
    }
    struct json *top = json_object_create();
    json_object_put(top, "ports", jports);
    return top;
}

static void
iplearn_save(void)
{
    if (!state_dir) {
        return;
    }
    struct json *json = iplearn_to_json();
    char *s = json_to_string(json, JSSF_SORT | JSSF_PRETTY);
    json_destroy(json);
    char *error = nwf_write_file_atomically(state_dir, STATE_FILE, s);
    if (error) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
        VLOG_ERR_RL(&rl, "%s/%s: learned addresses not saved (%s)",
                    state_dir, STATE_FILE, error);
        free(error);
    }
    free(s);
}

static const struct json *
json_member(const struct json *obj, const char *name, enum json_type type)
{
    const struct json *m = (obj && obj->type == JSON_OBJECT
                            ? shash_find_data(json_object(obj), name)
                            : NULL);
    return m && m->type == type ? m : NULL;
}

/* Reads one port of the state file.  Returns NULL, or what is wrong. */
static char *
iplearn_port_from_json(const char *name, const struct json *jport)
{
    const struct json *jmac = json_member(jport, "mac", JSON_STRING);
    const struct json *jmode = json_member(jport, "mode", JSON_STRING);
    const struct json *jaddrs = json_member(jport, "addresses", JSON_ARRAY);
    struct iplearn_port *port = xzalloc(sizeof *port);

    if (!jmac || !eth_addr_from_string(json_string(jmac), &port->mac)
        || !jmode
        || !nwf_ip_learning_from_string(json_string(jmode), &port->mode)
        || port->mode == NWF_IP_LEARNING_NONE || !jaddrs) {
        iplearn_port_free(port);
        return xasprintf("port %s: missing or bad mac, mode or addresses",
                         name);
    }
    const struct json_array *a = json_array(jaddrs);
    port->addrs = xcalloc(a->n, sizeof *port->addrs);
    for (size_t i = 0; i < a->n; i++) {
        const struct json *jip = json_member(a->elems[i], "ip", JSON_STRING);
        const struct json *jexp = json_member(a->elems[i], "expires",
                                              JSON_INTEGER);
        struct iplearn_addr *addr = &port->addrs[port->n_addrs];
        if (!jip || !ip_parse(json_string(jip), &addr->ip)) {
            iplearn_port_free(port);
            return xasprintf("port %s: bad address", name);
        }
        addr->expires = jexp ? json_integer(jexp) : NEVER;
        port->n_addrs++;
    }
    shash_add(&ports, name, port);
    sset_add(&changed_ports, name);
    return NULL;
}

/* Reads the state file, if there is one.  A damaged file loses the
 * learned addresses (the ports learn again), never the controller. */
static void
iplearn_load(void)
{
    if (!state_dir) {
        return;
    }
    char *path = xasprintf("%s/%s", state_dir, STATE_FILE);
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno != ENOENT) {
            VLOG_WARN("%s: cannot read learned addresses (%s)", path,
                      ovs_strerror(errno));
        }
        free(path);
        return;
    }
    struct json *json = json_from_stream(f);
    fclose(f);

    const struct json *jports = json_member(json, "ports", JSON_OBJECT);
    if (!jports) {
        VLOG_WARN("%s: not a state file of learned addresses (%s): "
                  "ignored", path,
                  json->type == JSON_STRING ? json_string(json)
                  : "no \"ports\" object");
    } else {
        struct shash_node *node;
        SHASH_FOR_EACH (node, json_object(jports)) {
            char *error = iplearn_port_from_json(node->name, node->data);
            if (error) {
                VLOG_WARN("%s: %s: ignored", path, error);
                free(error);
            }
        }
        VLOG_INFO("%s: learned addresses of %"PRIuSIZE" ports", path,
                  shash_count(&ports));
    }
    json_destroy(json);
    free(path);
}

/* ---- Ports. ---- */

static void
iplearn_port_changed(const char *name)
{
    sset_add(&changed_ports, name);
    state_dirty = true;
    poll_immediate_wake();
}

static void
iplearn_port_clear(const char *name, struct iplearn_port *port)
{
    if (port->n_addrs) {
        port->n_addrs = 0;
        iplearn_port_changed(name);
    }
}

void
iplearn_port_set(const char *name, const struct eth_addr *mac,
                 enum nwf_ip_learning mode,
                 const ovs_be32 *servers, size_t n_servers)
{
    struct iplearn_port *port = shash_find_data(&ports, name);
    if (!port) {
        port = xzalloc(sizeof *port);
        port->mac = *mac;
        port->mode = mode;
        shash_add(&ports, name, port);
        VLOG_INFO("%s: learning its IPv4 address (%s mode)", name,
                  nwf_ip_learning_to_string(mode));
    } else if (!eth_addr_equals(port->mac, *mac) || port->mode != mode) {
        /* Another VM, or other rules: what was learned does not hold. */
        VLOG_INFO("%s: MAC or learning mode changed: learning again", name);
        iplearn_port_clear(name, port);
        port->mac = *mac;
        port->mode = mode;
        state_dirty = true;
    }
    port->claimed = true;
    free(port->servers);
    port->servers = xmemdup(servers, n_servers * sizeof *servers);
    port->n_servers = n_servers;
}

void
iplearn_port_remove(const char *name)
{
    struct iplearn_port *port = shash_find_and_delete(&ports, name);
    if (port) {
        if (port->n_addrs) {
            state_dirty = true;
        }
        iplearn_port_free(port);
        sset_find_and_delete(&changed_ports, name);
    }
}

static int
compare_be32(const void *a_, const void *b_)
{
    uint32_t a = ntohl(*(const ovs_be32 *) a_);
    uint32_t b = ntohl(*(const ovs_be32 *) b_);
    return a < b ? -1 : a > b;
}

void
iplearn_port_get_addrs(const char *name, struct svec *addrs)
{
    const struct iplearn_port *port = shash_find_data(&ports, name);
    if (!port || !port->n_addrs) {
        return;
    }
    ovs_be32 *ips = xmalloc(port->n_addrs * sizeof *ips);
    for (size_t i = 0; i < port->n_addrs; i++) {
        ips[i] = port->addrs[i].ip;
    }
    qsort(ips, port->n_addrs, sizeof *ips, compare_be32);
    for (size_t i = 0; i < port->n_addrs; i++) {
        svec_add_nocopy(addrs, xasprintf(IP_FMT, IP_ARGS(ips[i])));
    }
    free(ips);
}

static struct iplearn_addr *
iplearn_port_find_addr(struct iplearn_port *port, ovs_be32 ip)
{
    for (size_t i = 0; i < port->n_addrs; i++) {
        if (port->addrs[i].ip == ip) {
            return &port->addrs[i];
        }
    }
    return NULL;
}

static void
iplearn_port_add_addr(const char *name, struct iplearn_port *port,
                      ovs_be32 ip, long long int expires)
{
    struct iplearn_addr *addr = iplearn_port_find_addr(port, ip);
    if (!addr) {
        port->addrs = xrealloc(port->addrs,
                               (port->n_addrs + 1) * sizeof *port->addrs);
        addr = &port->addrs[port->n_addrs++];
        addr->ip = ip;
        iplearn_port_changed(name);
        VLOG_INFO("%s: learned address "IP_FMT, name, IP_ARGS(ip));
    } else {
        state_dirty = true;
    }
    addr->expires = expires;
}

static void
iplearn_port_del_addr(const char *name, struct iplearn_port *port,
                      ovs_be32 ip, const char *why)
{
    struct iplearn_addr *addr = iplearn_port_find_addr(port, ip);
    if (addr) {
        VLOG_INFO("%s: address "IP_FMT" removed (%s)", name, IP_ARGS(ip),
                  why);
        *addr = port->addrs[--port->n_addrs];
        iplearn_port_changed(name);
    }
}

static bool
iplearn_server_trusted(const struct iplearn_port *port, ovs_be32 server)
{
    for (size_t i = 0; i < port->n_servers; i++) {
        if (port->servers[i] == server) {
            return true;
        }
    }
    return !port->n_servers;
}

/* "dhcp" mode: DHCP snooping. */
static void
iplearn_dhcp_event(const char *name, struct iplearn_port *port,
                   const struct iplearn_event *ev)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

    switch (ev->type) {
    case IPLEARN_DHCP_ACK:
        if (!iplearn_server_trusted(port, ev->server_src)) {
            VLOG_WARN_RL(&rl, "%s: ignoring DHCPACK for "IP_FMT" from "
                         "untrusted server "IP_FMT, name, IP_ARGS(ev->addr),
                         IP_ARGS(ev->server_src));
            return;
        }
        /* An ACK without a lease time (BOOTP style) does not expire. */
        iplearn_port_add_addr(name, port, ev->addr,
                              (ev->lease && ev->lease
                               != IPLEARN_LEASE_INFINITE
                               ? time_wall_msec() + ev->lease * 1000LL
                               : NEVER));
        break;
    case IPLEARN_DHCP_RELEASE:
        iplearn_port_del_addr(name, port, ev->addr, "DHCPRELEASE");
        break;
    case IPLEARN_DHCP_DECLINE:
        iplearn_port_del_addr(name, port, ev->addr, "DHCPDECLINE");
        break;
    case IPLEARN_NONE:
    case IPLEARN_IPV4_SOURCE:
    case IPLEARN_ARP_SENDER:
    case IPLEARN_DHCP_OFFER:
        break;
    }
}

void
iplearn_handle_frame(const char *name, const void *frame, size_t len,
                     bool from_vm)
{
    struct iplearn_port *port = shash_find_data(&ports, name);
    struct iplearn_event ev;
    if (!port || !iplearn_packet_parse(frame, len, &port->mac, from_vm,
                                       &ev)) {
        return;
    }
    VLOG_DBG("%s: %s "IP_FMT, name, iplearn_event_type_to_string(ev.type),
             IP_ARGS(ev.addr));

    if (port->mode == NWF_IP_LEARNING_DHCP) {
        iplearn_dhcp_event(name, port, &ev);
    } else if (port->mode == NWF_IP_LEARNING_ANY && !port->n_addrs
               && ev.type != IPLEARN_DHCP_RELEASE
               && ev.type != IPLEARN_DHCP_DECLINE) {
        /* The first address the VM uses or is given, for good. */
        iplearn_port_add_addr(name, port, ev.addr, NEVER);
    }
}

/* ---- Main loop. ---- */

void
iplearn_run(struct sset *changed)
{
    long long int now = time_wall_msec();
    struct shash_node *node;
    SHASH_FOR_EACH (node, &ports) {
        struct iplearn_port *port = node->data;
        for (size_t i = 0; i < port->n_addrs; ) {
            if (port->addrs[i].expires <= now) {
                iplearn_port_del_addr(node->name, port, port->addrs[i].ip,
                                      "lease expired");
            } else {
                i++;
            }
        }
    }

    const char *name;
    SSET_FOR_EACH (name, &changed_ports) {
        sset_add(changed, name);
    }
    sset_clear(&changed_ports);
    if (state_dirty) {
        iplearn_save();
        state_dirty = false;
    }
}

void
iplearn_wait(void)
{
    long long int next = NEVER;
    struct shash_node *node;
    SHASH_FOR_EACH (node, &ports) {
        const struct iplearn_port *port = node->data;
        for (size_t i = 0; i < port->n_addrs; i++) {
            next = MIN(next, port->addrs[i].expires);
        }
    }
    if (next != NEVER) {
        long long int ms = next - time_wall_msec();
        poll_timer_wait(MAX(ms, 0));
    }
    if (!sset_is_empty(&changed_ports) || state_dirty) {
        poll_immediate_wake();
    }
}

void
iplearn_forget_unclaimed(void)
{
    struct shash_node *node, *next;
    SHASH_FOR_EACH_SAFE (node, next, &ports) {
        struct iplearn_port *port = node->data;
        if (!port->claimed) {
            VLOG_INFO("%s: no longer bound: learned addresses dropped",
                      node->name);
            iplearn_port_remove(node->name);
        }
    }
}
