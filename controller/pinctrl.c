/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include "pinctrl.h"

#include "csum.h"
#include "dp-packet.h"
#include "flow.h"
#include "nwf-ofpacts.h"
#include "nwf-pipeline.h"
#include "ofctrl.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-packet.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(pinctrl);

/* How much of the rejected packet an ICMP error quotes: as Linux does, as
 * much as keeps the error within the minimum MTU of each family. */
#define ICMP4_ERROR_MAX 576
#define ICMP6_ERROR_MAX 1280

/* ICMP types that are errors: never answered with another error. */
static bool
icmp4_is_error(uint8_t type)
{
    return type == ICMP4_DST_UNREACH || type == ICMP4_SOURCEQUENCH
           || type == ICMP4_REDIRECT || type == ICMP4_TIME_EXCEEDED
           || type == ICMP4_PARAM_PROB;
}

/* Whether iptables' REJECT would answer 'flow' at all: not for broadcast
 * or multicast, not for an ICMP error, not for a later fragment. */
static bool
reject_wanted(const struct flow *flow)
{
    if (eth_addr_is_multicast(flow->dl_dst)
        || eth_addr_is_multicast(flow->dl_src)) {
        return false;
    }
    if (flow->dl_type == htons(ETH_TYPE_IP)) {
        return !ip_is_multicast(flow->nw_dst)
               && flow->nw_dst != htonl(INADDR_BROADCAST)
               && !ip_is_multicast(flow->nw_src) && flow->nw_src != 0
               && !(flow->nw_frag & FLOW_NW_FRAG_LATER)
               && !(flow->nw_proto == IPPROTO_ICMP
                    && icmp4_is_error(ntohs(flow->tp_src)));
    } else if (flow->dl_type == htons(ETH_TYPE_IPV6)) {
        return !ipv6_addr_is_multicast(&flow->ipv6_dst)
               && !ipv6_addr_is_multicast(&flow->ipv6_src)
               && !ipv6_addr_equals(&flow->ipv6_src, &in6addr_any)
               && !(flow->nw_frag & FLOW_NW_FRAG_LATER)
               && !(flow->nw_proto == IPPROTO_ICMPV6
                    && ntohs(flow->tp_src) < 128);
    }
    return false;
}

static void
compose_icmp4_unreach(const struct flow *flow, const void *l3, size_t l3_len,
                      struct dp_packet *reply)
{
    size_t quoted = MIN(l3_len,
                        ICMP4_ERROR_MAX - IP_HEADER_LEN - ICMP_HEADER_LEN);
    size_t ip_len = IP_HEADER_LEN + ICMP_HEADER_LEN + quoted;

    eth_compose(reply, flow->dl_src, flow->dl_dst, ETH_TYPE_IP, ip_len);
    struct ip_header *ip = dp_packet_l3(reply);
    ip->ip_ihl_ver = IP_IHL_VER(5, IP_VERSION);
    ip->ip_tos = 0;
    ip->ip_tot_len = htons(ip_len);
    ip->ip_id = 0;
    ip->ip_frag_off = htons(IP_DONT_FRAGMENT);
    ip->ip_ttl = 64;
    ip->ip_proto = IPPROTO_ICMP;
    put_16aligned_be32(&ip->ip_src, flow->nw_dst);
    put_16aligned_be32(&ip->ip_dst, flow->nw_src);
    ip->ip_csum = 0;
    ip->ip_csum = csum(ip, IP_HEADER_LEN);

    struct icmp_header *icmp = (struct icmp_header *) (ip + 1);
    memset(icmp, 0, ICMP_HEADER_LEN);
    icmp->icmp_type = ICMP4_DST_UNREACH;
    icmp->icmp_code = 3;        /* Port unreachable. */
    memcpy(icmp + 1, l3, quoted);
    icmp->icmp_csum = csum(icmp, ICMP_HEADER_LEN + quoted);
}

static void
compose_icmp6_unreach(const struct flow *flow, const void *l3, size_t l3_len,
                      struct dp_packet *reply)
{
    size_t quoted = MIN(l3_len, ICMP6_ERROR_MAX - IPV6_HEADER_LEN
                                - ICMP6_DATA_HEADER_LEN);
    size_t payload = ICMP6_DATA_HEADER_LEN + quoted;

    eth_compose(reply, flow->dl_src, flow->dl_dst, ETH_TYPE_IPV6,
                IPV6_HEADER_LEN + payload);
    struct ovs_16aligned_ip6_hdr *nh = dp_packet_l3(reply);
    put_16aligned_be32(&nh->ip6_flow, htonl(6 << 28));
    nh->ip6_plen = htons(payload);
    nh->ip6_nxt = IPPROTO_ICMPV6;
    nh->ip6_hlim = 64;
    memcpy(&nh->ip6_src, &flow->ipv6_dst, sizeof nh->ip6_src);
    memcpy(&nh->ip6_dst, &flow->ipv6_src, sizeof nh->ip6_dst);

    struct icmp6_data_header *icmp = (struct icmp6_data_header *) (nh + 1);
    memset(icmp, 0, ICMP6_DATA_HEADER_LEN);
    icmp->icmp6_base.icmp6_type = ICMP6_DST_UNREACH;
    icmp->icmp6_base.icmp6_code = 4;    /* Port unreachable. */
    memcpy(icmp + 1, l3, quoted);
    icmp->icmp6_base.icmp6_cksum
        = packet_csum_upperlayer6(nh, icmp, IPPROTO_ICMPV6, payload);
}

/* Builds in 'reply' (an initialized, empty packet) the ICMP or ICMPv6 port
 * unreachable that iptables' REJECT sends for the Ethernet frame 'packet',
 * addressed back to its sender.  Returns false, leaving 'reply' empty, if
 * REJECT would send nothing (see reject_wanted()). */
bool
pinctrl_compose_reject(const void *packet, size_t size,
                       struct dp_packet *reply)
{
    struct dp_packet pkt;
    struct flow flow;

    dp_packet_use_const(&pkt, packet, size);
    flow_extract(&pkt, &flow);
    if (!reject_wanted(&flow) || !dp_packet_l3(&pkt)) {
        return false;
    }

    const void *l3 = dp_packet_l3(&pkt);
    size_t l3_len = dp_packet_l3_size(&pkt);
    if (flow.dl_type == htons(ETH_TYPE_IP)) {
        compose_icmp4_unreach(&flow, l3, l3_len, reply);
    } else {
        compose_icmp6_unreach(&flow, l3, l3_len, reply);
    }
    return true;
}

/* Sends 'reply' into the output stage for the port the rejected packet
 * came from ('pin''s in_port), in the VLAN it was in. */
static void
send_reject(struct ofctrl *ofctrl, const struct ofputil_packet_in *pin,
            const struct dp_packet *reply)
{
    const struct flow *md = &pin->flow_metadata.flow;
    uint64_t stub[256 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    nwf_put_set_reg(&ofpacts, NWF_MFF_OUT, ofp_to_u16(md->in_port.ofp_port));
    nwf_put_set_reg(&ofpacts, NWF_MFF_VLAN,
                    md->regs[NWF_REG_INDEX(NWF_MFF_VLAN)]);
    nwf_put_set_reg(&ofpacts, NWF_MFF_SEG, 0);
    nwf_put_resubmit(&ofpacts, NWF_TABLE_OUTPUT);
    ofctrl_send_packet_out(ofctrl, dp_packet_data(reply),
                           dp_packet_size(reply), &ofpacts);
    ofpbuf_uninit(&ofpacts);
}

static pinctrl_port_packet_cb *port_packet_cb;

void
pinctrl_set_port_packet_cb(pinctrl_port_packet_cb *cb)
{
    port_packet_cb = cb;
}

/* Handles one packet-in from 'ofctrl''s bridge. */
void
pinctrl_handle_packet_in(struct ofctrl *ofctrl, const struct ofp_header *oh)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    struct ofputil_packet_in pin;
    size_t total_len;

    enum ofperr error = ofputil_decode_packet_in(oh, true, NULL, NULL, &pin,
                                                 &total_len, NULL, NULL);
    if (error) {
        VLOG_WARN_RL(&rl, "%s: bad packet-in: %s",
                     ofctrl_get_bridge(ofctrl), ofperr_to_string(error));
        return;
    }

    const uint8_t *userdata = pin.userdata;
    uint8_t reason = pin.userdata_len >= 1 ? userdata[0] : 0;
    const struct flow *md = &pin.flow_metadata.flow;
    if (port_packet_cb && (reason == NWF_PUNT_REJECT
                           || reason == NWF_PUNT_LEARN)) {
        /* Frames to a port are copied in OUTPUT, where NWF_MFF_OUT names
         * the port; all others come from their in_port. */
        bool from_vm = pin.table_id != NWF_TABLE_OUTPUT;
        uint16_t ofport = (from_vm ? ofp_to_u16(md->in_port.ofp_port)
                           : md->regs[NWF_REG_INDEX(NWF_MFF_OUT)]);
        port_packet_cb(ofctrl, ofport, from_vm, reason, pin.packet,
                       pin.packet_len);
    }

    if (reason == NWF_PUNT_REJECT) {
        struct dp_packet reply;
        dp_packet_init(&reply, 0);
        if (pinctrl_compose_reject(pin.packet, pin.packet_len, &reply)) {
            send_reject(ofctrl, &pin, &reply);
        }
        dp_packet_uninit(&reply);
    } else if (reason != NWF_PUNT_LEARN) {
        VLOG_WARN_RL(&rl, "%s: packet-in with unknown userdata (cookie "
                     "%#"PRIx64")", ofctrl_get_bridge(ofctrl),
                     ntohll(pin.cookie));
    }
    /* 'pin' points into 'oh': nothing to free. */
}
