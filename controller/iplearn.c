/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "iplearn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iplearn-packet.h"
#include "nwf-file.h"
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

/* A DHCPDISCOVER or DHCPREQUEST the VM sent, waiting for its ACK. */
struct iplearn_request {
    ovs_be32 xid;
    long long int sent;         /* time_msec(); 0: slot unused. */
};

/* The VM's latest requests: a client retransmits with the same xid, and
 * DISCOVER and REQUEST of one exchange share theirs. */
#define IPLEARN_MAX_REQUESTS 4

struct iplearn_port {
    struct eth_addr mac;
    enum nwf_ip_learning mode;
    ovs_be32 *servers;          /* Trusted DHCP servers, none: all. */
    size_t n_servers;
    struct nwf_ip_learning_limits limits;
    struct iplearn_addr *addrs;
    size_t n_addrs;
    struct iplearn_request requests[IPLEARN_MAX_REQUESTS];
    bool claimed;               /* iplearn_port_set() since start-up. */
};

static struct shash ports = SHASH_INITIALIZER(&ports);
static struct sset changed_ports = SSET_INITIALIZER(&changed_ports);
static char *state_dir;
static bool state_dirty;

/* For what a guest's frames make happen: a guest that sends DHCP as fast
 * as its meter lets it must not fill the log. */
static struct vlog_rate_limit guest_rl = VLOG_RATE_LIMIT_INIT(20, 40);

/* For what a bad or huge state file holds. */
static struct vlog_rate_limit load_rl = VLOG_RATE_LIMIT_INIT(20, 20);

static const struct nwf_ip_learning_limits default_limits = {
    .max_addrs = NWF_IP_LEARNING_MAX_ADDRS_DEFAULT,
    .max_lease = NWF_IP_LEARNING_MAX_LEASE_DEFAULT,
};

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

/* What iplearn_load() read and dropped, for its summary line. */
struct iplearn_load_stats {
    size_t n_addrs;
    size_t n_bad_ports;
    size_t n_bad_addrs;
};

/* Cuts 's' to at most 64 bytes for a log message: a state file's bad
 * entry may be anything, of any size.  Returns 's'. */
static char *
iplearn_echo_cut(char *s)
{
    if (strlen(s) > 64) {
        strcpy(&s[60], "...");
    }
    return s;
}

/* JSON value 'json', and string 'name' as a JSON string, for a log
 * message. */
static char *
iplearn_json_echo(const struct json *json)
{
    return iplearn_echo_cut(json_to_string(json, 0));
}

static char *
iplearn_name_echo(const char *name)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    json_string_escape(name, &s);
    return iplearn_echo_cut(ds_steal_cstr(&s));
}

/* Reads address 'ja' (entry 'idx' of port 'name') of state file 'path'
 * into '*addr'.  Returns false, after saying why in the log
 * (rate-limited), if it is not an address to learn: not an IPv4 address,
 * not one a VM can have (0.0.0.0, multicast, broadcast: the same rule as
 * for learning it), a duplicate, or an expiry that is not an integer. */
static bool
iplearn_addr_from_json(const char *path, const char *name,
                       const struct iplearn_port *port, size_t idx,
                       const struct json *ja, struct iplearn_addr *addr)
{
    const struct json *jip = json_member(ja, "ip", JSON_STRING);
    const struct json *jexp = (ja->type == JSON_OBJECT
                               ? shash_find_data(json_object(ja), "expires")
                               : NULL);
    const char *why = NULL;

    if (!jip || !ip_parse(json_string(jip), &addr->ip)) {
        why = "not an IPv4 address";
    } else if (!iplearn_addr_is_usable(addr->ip)) {
        why = "not an address a VM can have (0.0.0.0, multicast or "
              "broadcast)";
    } else if (jexp && jexp->type != JSON_INTEGER) {
        why = "its expiry is not an integer";
    } else {
        for (size_t i = 0; i < port->n_addrs; i++) {
            if (port->addrs[i].ip == addr->ip) {
                why = "a duplicate";
            }
        }
    }
    if (why) {
        if (!VLOG_DROP_WARN(&load_rl)) {
            char *echo = iplearn_json_echo(ja);
            char *name_echo = iplearn_name_echo(name);
            VLOG_WARN("%s: port %s: address %"PRIuSIZE" %s dropped: %s",
                      path, name_echo, idx, echo, why);
            free(name_echo);
            free(echo);
        }
        return false;
    }
    addr->expires = jexp ? json_integer(jexp) : NEVER;
    return true;
}

/* Reads port 'name' of state file 'path', dropping the addresses that
 * cannot be learned ones and counting them in 'stats'.  Returns false if
 * the port itself is bad, after saying why in the log (rate-limited). */
static bool
iplearn_port_from_json(const char *path, const char *name,
                       const struct json *jport,
                       struct iplearn_load_stats *stats)
{
    const struct json *jmac = json_member(jport, "mac", JSON_STRING);
    const struct json *jmode = json_member(jport, "mode", JSON_STRING);
    const struct json *jaddrs = json_member(jport, "addresses", JSON_ARRAY);
    struct iplearn_port *port = xzalloc(sizeof *port);

    if (!jmac || !eth_addr_from_string(json_string(jmac), &port->mac)
        || !jmode
        || !nwf_ip_learning_from_string(json_string(jmode), &port->mode)
        || port->mode == NWF_IP_LEARNING_NONE || !jaddrs) {
        if (!VLOG_DROP_WARN(&load_rl)) {
            char *name_echo = iplearn_name_echo(name);
            VLOG_WARN("%s: port %s: missing or bad mac, mode or "
                      "addresses: dropped", path, name_echo);
            free(name_echo);
        }
        iplearn_port_free(port);
        return false;
    }
    port->limits = default_limits;

    const struct json_array *a = json_array(jaddrs);
    port->addrs = xcalloc(MAX(a->n, 1), sizeof *port->addrs);
    for (size_t i = 0; i < a->n; i++) {
        if (iplearn_addr_from_json(path, name, port, i, a->elems[i],
                                   &port->addrs[port->n_addrs])) {
            port->n_addrs++;
        } else {
            stats->n_bad_addrs++;
        }
    }
    stats->n_addrs += port->n_addrs;
    shash_add(&ports, name, port);
    sset_add(&changed_ports, name);
    return true;
}

/* Reads the state file, if there is one.  A damaged file loses the
 * learned addresses (the ports learn again), never the controller.  What
 * is dropped is named in the log, at a limited rate: a huge file must not
 * flood it, so a summary gives the counts. */
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
        struct iplearn_load_stats stats = { 0, 0, 0 };
        struct shash_node *node;
        SHASH_FOR_EACH (node, json_object(jports)) {
            if (!iplearn_port_from_json(path, node->name, node->data,
                                        &stats)) {
                stats.n_bad_ports++;
            }
        }
        VLOG_INFO("%s: learned addresses of %"PRIuSIZE" ports (%"PRIuSIZE
                  " addresses)", path, shash_count(&ports), stats.n_addrs);
        if (stats.n_bad_ports || stats.n_bad_addrs) {
            VLOG_WARN("%s: dropped %"PRIuSIZE" bad ports and %"PRIuSIZE
                      " bad addresses", path, stats.n_bad_ports,
                      stats.n_bad_addrs);
        }
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

static void iplearn_port_del_addr(const char *name, struct iplearn_port *,
                                  ovs_be32 ip, const char *why);

/* Index of the address of 'port' that expires first (the oldest lease). */
static size_t
iplearn_port_first_expiry(const struct iplearn_port *port)
{
    size_t first = 0;
    for (size_t i = 1; i < port->n_addrs; i++) {
        if (port->addrs[i].expires < port->addrs[first].expires) {
            first = i;
        }
    }
    return first;
}

/* The latest expiry a lease given now may have on 'port'. */
static long long int
iplearn_port_max_expiry(const struct iplearn_port *port)
{
    return (port->limits.max_lease == NWF_IP_LEARNING_LEASE_UNLIMITED
            ? NEVER
            : time_wall_msec() + port->limits.max_lease * 1000LL);
}

/* Makes 'port' hold what its mode and limits allow, for what it already
 * has when they are set: read from the state file, or learned under
 * other limits.  "any" mode keeps its first address only; "dhcp" mode its
 * MAX_ADDRS leases that expire last, none later than MAX_LEASE from
 * now. */
static void
iplearn_port_apply_limits(const char *name, struct iplearn_port *port)
{
    size_t max = (port->mode == NWF_IP_LEARNING_DHCP
                  ? port->limits.max_addrs : 1);
    while (port->n_addrs > max) {
        size_t i = (port->mode == NWF_IP_LEARNING_DHCP
                    ? iplearn_port_first_expiry(port) : port->n_addrs - 1);
        iplearn_port_del_addr(name, port, port->addrs[i].ip,
                              "more addresses than the port may have");
    }
    if (port->mode == NWF_IP_LEARNING_DHCP) {
        long long int max_expiry = iplearn_port_max_expiry(port);
        for (size_t i = 0; i < port->n_addrs; i++) {
            if (port->addrs[i].expires > max_expiry) {
                port->addrs[i].expires = max_expiry;
                state_dirty = true;
            }
        }
    }
}

void
iplearn_port_set(const char *name, const struct eth_addr *mac,
                 enum nwf_ip_learning mode,
                 const ovs_be32 *servers, size_t n_servers,
                 const struct nwf_ip_learning_limits *limits)
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
        memset(port->requests, 0, sizeof port->requests);
        port->mac = *mac;
        port->mode = mode;
        state_dirty = true;
    }
    port->claimed = true;
    free(port->servers);
    port->servers = xmemdup(servers, n_servers * sizeof *servers);
    port->n_servers = n_servers;
    port->limits = limits ? *limits : default_limits;
    iplearn_port_apply_limits(name, port);
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

/* Gives 'port' address 'ip' until 'expires'.  In "dhcp" mode a new
 * address beyond CTRL_IP_LEARNING_MAX_ADDRS replaces the one that expires
 * first. */
static void
iplearn_port_add_addr(const char *name, struct iplearn_port *port,
                      ovs_be32 ip, long long int expires)
{
    struct iplearn_addr *addr = iplearn_port_find_addr(port, ip);
    if (!addr) {
        if (port->mode == NWF_IP_LEARNING_DHCP
            && port->n_addrs >= port->limits.max_addrs) {
            size_t i = iplearn_port_first_expiry(port);
            iplearn_port_del_addr(name, port, port->addrs[i].ip,
                                  "replaced by a new lease: "
                                  NWF_VAR_CTRL_IP_LEARNING_MAX_ADDRS
                                  " reached");
        }
        port->addrs = xrealloc(port->addrs,
                               (port->n_addrs + 1) * sizeof *port->addrs);
        addr = &port->addrs[port->n_addrs++];
        addr->ip = ip;
        iplearn_port_changed(name);
        VLOG_INFO_RL(&guest_rl, "%s: learned address "IP_FMT, name,
                     IP_ARGS(ip));
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
        VLOG_INFO_RL(&guest_rl, "%s: address "IP_FMT" removed (%s)", name,
                     IP_ARGS(ip), why);
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

/* The VM sent a DHCPDISCOVER or DHCPREQUEST with 'xid': an ACK that
 * repeats it may follow.  A retransmission refreshes its slot; otherwise
 * the oldest slot goes. */
static void
iplearn_port_note_request(struct iplearn_port *port, ovs_be32 xid)
{
    struct iplearn_request *slot = &port->requests[0];
    for (size_t i = 0; i < IPLEARN_MAX_REQUESTS; i++) {
        struct iplearn_request *r = &port->requests[i];
        if (r->sent && r->xid == xid) {
            slot = r;
            break;
        }
        if (r->sent < slot->sent) {
            slot = r;
        }
    }
    slot->xid = xid;
    slot->sent = MAX(time_msec(), 1);
}

/* Whether DHCPACK 'ev' may give the VM of 'port' an address: it comes
 * from a trusted server and answers a request the VM sent in the last
 * IPLEARN_XID_TIMEOUT_MS, which it uses up, so that a request gets one
 * lease however many ACKs repeat its xid. */
static bool
iplearn_ack_answers_vm(const char *name, struct iplearn_port *port,
                       const struct iplearn_event *ev)
{
    if (!iplearn_server_trusted(port, ev->server_src)) {
        VLOG_WARN_RL(&guest_rl, "%s: ignoring DHCPACK for "IP_FMT" from "
                     "untrusted server "IP_FMT, name, IP_ARGS(ev->addr),
                     IP_ARGS(ev->server_src));
        return false;
    }

    long long int now = time_msec();
    for (size_t i = 0; i < IPLEARN_MAX_REQUESTS; i++) {
        struct iplearn_request *r = &port->requests[i];
        if (r->sent && r->xid == ev->xid
            && now - r->sent <= IPLEARN_XID_TIMEOUT_MS) {
            r->sent = 0;
            return true;
        }
    }
    VLOG_WARN_RL(&guest_rl, "%s: ignoring DHCPACK for "IP_FMT" from "IP_FMT
                 ": it answers no request of the VM (xid %#"PRIx32")", name,
                 IP_ARGS(ev->addr), IP_ARGS(ev->server_src),
                 ntohl(ev->xid));
    return false;
}

/* When the lease that DHCPACK 'ev' gives 'port' expires: its lease time,
 * at most CTRL_IP_LEARNING_MAX_LEASE.  An ACK without a lease time (BOOTP
 * style) or with an infinite one gets the maximum. */
static long long int
iplearn_lease_expiry(const struct iplearn_port *port,
                     const struct iplearn_event *ev)
{
    long long int max_expiry = iplearn_port_max_expiry(port);
    if (!ev->lease || ev->lease == IPLEARN_LEASE_INFINITE) {
        return max_expiry;
    }
    return MIN(time_wall_msec() + ev->lease * 1000LL, max_expiry);
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

    bool dhcp = port->mode == NWF_IP_LEARNING_DHCP;
    switch (ev.type) {
    case IPLEARN_DHCP_REQUEST:
        iplearn_port_note_request(port, ev.xid);
        if (!dhcp && ev.addr && !port->n_addrs) {
            /* A renewal from the VM's own address is IPv4 from it. */
            iplearn_port_add_addr(name, port, ev.addr, NEVER);
        }
        break;
    case IPLEARN_DHCP_ACK:
        if (iplearn_ack_answers_vm(name, port, &ev)) {
            if (dhcp) {
                iplearn_port_add_addr(name, port, ev.addr,
                                      iplearn_lease_expiry(port, &ev));
            } else if (!port->n_addrs) {
                iplearn_port_add_addr(name, port, ev.addr, NEVER);
            }
        }
        break;
    case IPLEARN_DHCP_RELEASE:
        if (dhcp) {
            iplearn_port_del_addr(name, port, ev.addr, "DHCPRELEASE");
        }
        break;
    case IPLEARN_DHCP_DECLINE:
        if (dhcp) {
            iplearn_port_del_addr(name, port, ev.addr, "DHCPDECLINE");
        }
        break;
    case IPLEARN_IPV4_SOURCE:
    case IPLEARN_ARP_SENDER:
        /* "any" mode: the first address the VM uses, for good. */
        if (!dhcp && !port->n_addrs) {
            iplearn_port_add_addr(name, port, ev.addr, NEVER);
        }
        break;
    case IPLEARN_DHCP_OFFER:
        /* The VM may turn an offer down; only its ACK counts. */
    case IPLEARN_NONE:
        break;
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
    size_t n = 0;
    struct shash_node *node, *next;
    SHASH_FOR_EACH_SAFE (node, next, &ports) {
        struct iplearn_port *port = node->data;
        if (!port->claimed) {
            VLOG_INFO_RL(&load_rl, "%s: no longer bound: learned addresses "
                         "dropped", node->name);
            iplearn_port_remove(node->name);
            n++;
        }
    }
    if (n) {
        VLOG_INFO("dropped the learned addresses of %"PRIuSIZE" ports that "
                  "are no longer bound", n);
    }
}
