/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "iplearn-packet.h"

#include <string.h>

#include "dhcp.h"
#include "dp-packet.h"
#include "flow.h"
#include "packets.h"
#include "util.h"

/* DHCP message types and options that lib/dhcp.h does not name. */
#define IPLEARN_DHCP_MSG_DECLINE 4
#define IPLEARN_DHCP_MSG_RELEASE 7
#define IPLEARN_DHCP_OPT_LEASE_TIME 51
#define IPLEARN_DHCP_OPT_SERVER_ID 54

/* The DHCP options that learning reads; each is zero if absent. */
struct dhcp_opts {
    uint8_t msg_type;           /* Option 53. */
    bool has_lease;
    uint32_t lease;             /* Option 51. */
    ovs_be32 server_id;         /* Option 54. */
    ovs_be32 req_ip;            /* Option 50. */
};

/* Whether 'ip' can be a VM's own address: as libvirt, not 0.0.0.0 and not
 * in 224.0.0.0/3 (multicast and class E, which holds the broadcast
 * address).  Also the rule for addresses read back from the state
 * file. */
bool
iplearn_addr_is_usable(ovs_be32 ip)
{
    return ip && (ip & htonl(0xe0000000)) != htonl(0xe0000000);
}

/* Reads a 4-byte option value without assuming alignment. */
static ovs_be32
get_be32_bytes(const uint8_t *p)
{
    ovs_be32 x;

    memcpy(&x, p, sizeof x);
    return x;
}

/* Parses the 'n' bytes of DHCP options at 'p' into 'opts'.  Returns false
 * if an option runs past the end.  Only the options field itself is read:
 * option 52 (overload, options in "sname" and "file") is ignored, as
 * libvirt does.  The first instance of an option wins; an option with the
 * wrong length is ignored. */
static bool
parse_dhcp_opts(const uint8_t *p, size_t n, struct dhcp_opts *opts)
{
    size_t i = 0;

    memset(opts, 0, sizeof *opts);
    while (i < n) {
        uint8_t code = p[i];

        if (code == DHCP_OPT_PAD) {
            i++;
            continue;
        } else if (code == DHCP_OPT_END) {
            return true;
        }
        if (n - i < 2 || n - i - 2 < p[i + 1]) {
            return false;
        }

        uint8_t len = p[i + 1];
        const uint8_t *val = &p[i + 2];
        switch (code) {
        case DHCP_OPT_MSG_TYPE:
            if (len == 1 && !opts->msg_type) {
                opts->msg_type = val[0];
            }
            break;
        case IPLEARN_DHCP_OPT_LEASE_TIME:
            if (len == 4 && !opts->has_lease) {
                opts->has_lease = true;
                opts->lease = ntohl(get_be32_bytes(val));
            }
            break;
        case IPLEARN_DHCP_OPT_SERVER_ID:
            if (len == 4 && !opts->server_id) {
                opts->server_id = get_be32_bytes(val);
            }
            break;
        case DHCP_OPT_REQ_IP:
            if (len == 4 && !opts->req_ip) {
                opts->req_ip = get_be32_bytes(val);
            }
            break;
        default:
            break;
        }
        i += 2 + len;
    }
    /* No END option: RFC 2131 requires one, but what came before it was
     * well formed, so accept it as libvirt does. */
    return true;
}

/* If 'pkt' (already through flow_extract() into 'flow') is a well-formed
 * DHCP message from 'src_port' to 'dst_port' with BOOTP 'op' and 'chaddr'
 * equal to 'vm_mac', returns its header and fills in 'opts'; otherwise
 * returns NULL. */
static const struct dhcp_header *
get_dhcp(const struct dp_packet *pkt, const struct flow *flow,
         uint16_t src_port, uint16_t dst_port, uint8_t op,
         const struct eth_addr *vm_mac, struct dhcp_opts *opts)
{
    if (flow->dl_type != htons(ETH_TYPE_IP)
        || flow->nw_proto != IPPROTO_UDP
        || flow->nw_frag
        || flow->tp_src != htons(src_port)
        || flow->tp_dst != htons(dst_port)) {
        return NULL;
    }

    /* dp_packet_l4_size() already leaves out Ethernet padding past the IP
     * total length; the UDP length may claim less still, never more. */
    size_t l4_size = dp_packet_l4_size(pkt);
    if (l4_size < UDP_HEADER_LEN) {
        return NULL;
    }
    const struct udp_header *udp = dp_packet_l4(pkt);
    size_t udp_len = ntohs(udp->udp_len);
    if (udp_len < UDP_HEADER_LEN || udp_len > l4_size) {
        return NULL;
    }

    const uint8_t *payload = (const uint8_t *) (udp + 1);
    size_t n = udp_len - UDP_HEADER_LEN;
    if (n < DHCP_HEADER_LEN + sizeof(ovs_be32)) {
        return NULL;
    }
    const struct dhcp_header *dhcp = (const struct dhcp_header *) payload;
    if (dhcp->op != op
        || memcmp(dhcp->chaddr, vm_mac->ea, ETH_ADDR_LEN)
        || get_be32_bytes(payload + DHCP_HEADER_LEN)
           != htonl(DHCP_MAGIC_COOKIE)) {
        return NULL;
    }

    size_t opts_ofs = DHCP_HEADER_LEN + sizeof(ovs_be32);
    if (!parse_dhcp_opts(payload + opts_ofs, n - opts_ofs, opts)) {
        return NULL;
    }
    return dhcp;
}

/* Frames sent to the VM: DHCP OFFER and ACK for the VM's MAC. */
static enum iplearn_event_type
parse_to_vm(const struct dp_packet *pkt, const struct flow *flow,
            const struct eth_addr *vm_mac, struct iplearn_event *ev)
{
    if (!eth_addr_equals(flow->dl_dst, *vm_mac)
        && !eth_addr_is_broadcast(flow->dl_dst)) {
        return IPLEARN_NONE;
    }

    struct dhcp_opts opts;
    const struct dhcp_header *dhcp = get_dhcp(pkt, flow, DHCP_SERVER_PORT,
                                              DHCP_CLIENT_PORT,
                                              DHCP_OP_REPLY, vm_mac, &opts);
    if (!dhcp || !iplearn_addr_is_usable(dhcp->yiaddr)) {
        return IPLEARN_NONE;
    }
    if (opts.msg_type == DHCP_MSG_OFFER) {
        ev->type = IPLEARN_DHCP_OFFER;
    } else if (opts.msg_type == DHCP_MSG_ACK) {
        ev->type = IPLEARN_DHCP_ACK;
    } else {
        return IPLEARN_NONE;
    }
    ev->addr = dhcp->yiaddr;
    ev->xid = dhcp->xid;
    ev->lease = opts.has_lease ? opts.lease : 0;
    ev->server_src = flow->nw_src;
    ev->server_id = opts.server_id;
    ev->siaddr = dhcp->siaddr;
    return ev->type;
}

/* Frames sent by the VM: DHCP DISCOVER, REQUEST, RELEASE and DECLINE,
 * ARP, any IPv4. */
static enum iplearn_event_type
parse_from_vm(const struct dp_packet *pkt, const struct flow *flow,
              const struct eth_addr *vm_mac, struct iplearn_event *ev)
{
    if (!eth_addr_equals(flow->dl_src, *vm_mac)) {
        return IPLEARN_NONE;
    }

    if (flow->dl_type == htons(ETH_TYPE_ARP)) {
        /* flow_extract() fills in the ARP fields only for Ethernet/IPv4
         * ARP, and 'nw_proto' only for an opcode below 256. */
        if ((flow->nw_proto == ARP_OP_REQUEST
             || flow->nw_proto == ARP_OP_REPLY)
            && eth_addr_equals(flow->arp_sha, *vm_mac)
            && iplearn_addr_is_usable(flow->nw_src)) {
            ev->type = IPLEARN_ARP_SENDER;
            ev->addr = flow->nw_src;
        }
        return ev->type;
    } else if (flow->dl_type != htons(ETH_TYPE_IP)) {
        return IPLEARN_NONE;
    }

    struct dhcp_opts opts;
    const struct dhcp_header *dhcp = get_dhcp(pkt, flow, DHCP_CLIENT_PORT,
                                              DHCP_SERVER_PORT,
                                              DHCP_OP_REQUEST, vm_mac,
                                              &opts);
    if (dhcp && opts.msg_type == IPLEARN_DHCP_MSG_RELEASE) {
        if (iplearn_addr_is_usable(dhcp->ciaddr)) {
            ev->type = IPLEARN_DHCP_RELEASE;
            ev->addr = dhcp->ciaddr;
        }
        return ev->type;
    } else if (dhcp && opts.msg_type == IPLEARN_DHCP_MSG_DECLINE) {
        if (iplearn_addr_is_usable(opts.req_ip)) {
            ev->type = IPLEARN_DHCP_DECLINE;
            ev->addr = opts.req_ip;
        }
        return ev->type;
    } else if (dhcp && (opts.msg_type == DHCP_MSG_DISCOVER
                        || opts.msg_type == DHCP_MSG_REQUEST)) {
        /* What a server's ACK must answer (iplearn.c). */
        ev->type = IPLEARN_DHCP_REQUEST;
        ev->xid = dhcp->xid;
        if (iplearn_addr_is_usable(flow->nw_src)) {
            ev->addr = flow->nw_src;
        }
        return ev->type;
    }

    if (iplearn_addr_is_usable(flow->nw_src)) {
        ev->type = IPLEARN_IPV4_SOURCE;
        ev->addr = flow->nw_src;
    }
    return ev->type;
}

/* Parses the 'len'-byte Ethernet 'frame', sent by the VM whose MAC is
 * 'vm_mac' if 'from_vm', else sent to it, and fills in 'ev' with what the
 * frame says about the VM's IPv4 address.  Returns ev->type.
 *
 * A frame is looked at untagged or inside one 802.1Q tag.  A DHCP
 * DISCOVER, REQUEST, RELEASE or DECLINE from the VM is reported as such,
 * not as an IPv4 source, even if its IP source is usable. */
enum iplearn_event_type
iplearn_packet_parse(const void *frame, size_t len,
                     const struct eth_addr *vm_mac, bool from_vm,
                     struct iplearn_event *ev)
{
    struct dp_packet pkt;
    struct flow flow;

    memset(ev, 0, sizeof *ev);
    ev->type = IPLEARN_NONE;

    dp_packet_use_const(&pkt, frame, len);
    flow_extract(&pkt, &flow);

    /* No tag, or one 802.1Q tag (not 802.1ad, not two tags). */
    if (flow.vlans[0].tci & htons(VLAN_CFI)
        && (flow.vlans[0].tpid != htons(ETH_TYPE_VLAN_8021Q)
            || flow.vlans[1].tci & htons(VLAN_CFI))) {
        return IPLEARN_NONE;
    }

    return (from_vm
            ? parse_from_vm(&pkt, &flow, vm_mac, ev)
            : parse_to_vm(&pkt, &flow, vm_mac, ev));
}

/* Name of 'type' for logs and test messages. */
const char *
iplearn_event_type_to_string(enum iplearn_event_type type)
{
    switch (type) {
    case IPLEARN_NONE:
        return "none";
    case IPLEARN_IPV4_SOURCE:
        return "ipv4-source";
    case IPLEARN_ARP_SENDER:
        return "arp-sender";
    case IPLEARN_DHCP_OFFER:
        return "dhcp-offer";
    case IPLEARN_DHCP_ACK:
        return "dhcp-ack";
    case IPLEARN_DHCP_RELEASE:
        return "dhcp-release";
    case IPLEARN_DHCP_DECLINE:
        return "dhcp-decline";
    case IPLEARN_DHCP_REQUEST:
        return "dhcp-request";
    }
    return "unknown";
}
