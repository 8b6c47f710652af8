/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include <netinet/ip6.h>
#include <string.h>

#include "csum.h"
#include "dp-packet.h"
#include "flow.h"
#include "nwf-unit.h"
#include "packets.h"
#include "pinctrl.h"

static const struct eth_addr vm_mac = ETH_ADDR_C(52,54,00,00,00,01);
static const struct eth_addr peer_mac = ETH_ADDR_C(52,54,00,00,00,02);

/* A UDP datagram from vm 10.0.0.1:1234 to 'dst':53 with 'n' payload bytes,
 * sent to Ethernet 'eth_dst'. */
static void
make_udp4(struct dp_packet *p, struct eth_addr eth_dst, ovs_be32 dst,
          size_t n)
{
    size_t ip_len = IP_HEADER_LEN + UDP_HEADER_LEN + n;
    dp_packet_init(p, 0);
    eth_compose(p, eth_dst, vm_mac, ETH_TYPE_IP, ip_len);
    struct ip_header *ip = dp_packet_l3(p);    /* Zeroed by eth_compose. */
    ip->ip_ihl_ver = IP_IHL_VER(5, IP_VERSION);
    ip->ip_tot_len = htons(ip_len);
    ip->ip_ttl = 64;
    ip->ip_proto = IPPROTO_UDP;
    put_16aligned_be32(&ip->ip_src, htonl(0x0a000001));
    put_16aligned_be32(&ip->ip_dst, dst);
    ip->ip_csum = csum(ip, IP_HEADER_LEN);
    struct udp_header *udp = (struct udp_header *) (ip + 1);
    udp->udp_src = htons(1234);
    udp->udp_dst = htons(53);
    udp->udp_len = htons(UDP_HEADER_LEN + n);
    memset(udp + 1, 0xab, n);
}

static void
test_reject_udp4(void)
{
    struct dp_packet in, reply;
    make_udp4(&in, peer_mac, htonl(0x0a000002), 20);
    dp_packet_init(&reply, 0);

    CU_ASSERT_TRUE(pinctrl_compose_reject(dp_packet_data(&in),
                                          dp_packet_size(&in), &reply));

    struct flow flow;
    dp_packet_reset_offsets(&reply);
    flow_extract(&reply, &flow);
    CU_ASSERT_TRUE(eth_addr_equals(flow.dl_dst, vm_mac));
    CU_ASSERT_TRUE(eth_addr_equals(flow.dl_src, peer_mac));
    CU_ASSERT_EQUAL(flow.nw_src, htonl(0x0a000002));
    CU_ASSERT_EQUAL(flow.nw_dst, htonl(0x0a000001));
    CU_ASSERT_EQUAL(flow.nw_proto, IPPROTO_ICMP);
    CU_ASSERT_EQUAL(ntohs(flow.tp_src), ICMP4_DST_UNREACH);
    CU_ASSERT_EQUAL(ntohs(flow.tp_dst), 3);

    /* Valid checksums, and the whole rejected datagram quoted. */
    const struct ip_header *ip = dp_packet_l3(&reply);
    CU_ASSERT_EQUAL(csum(ip, IP_HEADER_LEN), 0);
    size_t icmp_len = ntohs(ip->ip_tot_len) - IP_HEADER_LEN;
    CU_ASSERT_EQUAL(csum(ip + 1, icmp_len), 0);
    CU_ASSERT_EQUAL(icmp_len, ICMP_HEADER_LEN + dp_packet_l3_size(&in));
    CU_ASSERT_EQUAL(memcmp((const char *) (ip + 1) + ICMP_HEADER_LEN,
                           dp_packet_l3(&in), dp_packet_l3_size(&in)), 0);

    dp_packet_uninit(&in);
    dp_packet_uninit(&reply);
}

static void
test_reject_quotes_at_most_576(void)
{
    struct dp_packet in, reply;
    make_udp4(&in, peer_mac, htonl(0x0a000002), 1400);
    dp_packet_init(&reply, 0);
    CU_ASSERT_TRUE(pinctrl_compose_reject(dp_packet_data(&in),
                                          dp_packet_size(&in), &reply));
    const struct ip_header *ip = dp_packet_l3(&reply);
    CU_ASSERT_EQUAL(ntohs(ip->ip_tot_len), 576);
    CU_ASSERT_EQUAL(csum(ip + 1, 576 - IP_HEADER_LEN), 0);
    dp_packet_uninit(&in);
    dp_packet_uninit(&reply);
}

static void
test_reject_silent_cases(void)
{
    static const struct eth_addr bcast = ETH_ADDR_C(ff,ff,ff,ff,ff,ff);
    struct dp_packet in, reply;

    /* Broadcast frame, broadcast and multicast destinations. */
    make_udp4(&in, bcast, htonl(0x0a0000ff), 8);
    dp_packet_init(&reply, 0);
    CU_ASSERT_FALSE(pinctrl_compose_reject(dp_packet_data(&in),
                                           dp_packet_size(&in), &reply));
    CU_ASSERT_EQUAL(dp_packet_size(&reply), 0);
    dp_packet_uninit(&in);

    make_udp4(&in, peer_mac, htonl(0xe0000001), 8);
    CU_ASSERT_FALSE(pinctrl_compose_reject(dp_packet_data(&in),
                                           dp_packet_size(&in), &reply));
    dp_packet_uninit(&in);

    /* An ICMP error is never answered with another. */
    make_udp4(&in, peer_mac, htonl(0x0a000002), 8);
    struct ip_header *ip = dp_packet_l3(&in);
    ip->ip_proto = IPPROTO_ICMP;
    struct icmp_header *icmp = (struct icmp_header *) (ip + 1);
    icmp->icmp_type = ICMP4_DST_UNREACH;
    CU_ASSERT_FALSE(pinctrl_compose_reject(dp_packet_data(&in),
                                           dp_packet_size(&in), &reply));
    /* An echo request is answered. */
    icmp->icmp_type = ICMP4_ECHO_REQUEST;
    CU_ASSERT_TRUE(pinctrl_compose_reject(dp_packet_data(&in),
                                          dp_packet_size(&in), &reply));
    dp_packet_uninit(&in);
    dp_packet_uninit(&reply);
}

static void
test_reject_udp6(void)
{
    struct in6_addr src, dst;
    ipv6_parse("2001:db8::1", &src);
    ipv6_parse("2001:db8::2", &dst);

    struct dp_packet in, reply;
    size_t plen = UDP_HEADER_LEN + 10;
    dp_packet_init(&in, 0);
    eth_compose(&in, peer_mac, vm_mac, ETH_TYPE_IPV6,
                IPV6_HEADER_LEN + plen);
    struct ovs_16aligned_ip6_hdr *nh = dp_packet_l3(&in);  /* Zeroed. */
    put_16aligned_be32(&nh->ip6_flow, htonl(6 << 28));
    nh->ip6_plen = htons(plen);
    nh->ip6_nxt = IPPROTO_UDP;
    nh->ip6_hlim = 64;
    memcpy(&nh->ip6_src, &src, sizeof src);
    memcpy(&nh->ip6_dst, &dst, sizeof dst);

    dp_packet_init(&reply, 0);
    CU_ASSERT_TRUE(pinctrl_compose_reject(dp_packet_data(&in),
                                          dp_packet_size(&in), &reply));
    struct flow flow;
    dp_packet_reset_offsets(&reply);
    flow_extract(&reply, &flow);
    CU_ASSERT_EQUAL(flow.nw_proto, IPPROTO_ICMPV6);
    CU_ASSERT_EQUAL(ntohs(flow.tp_src), ICMP6_DST_UNREACH);
    CU_ASSERT_EQUAL(ntohs(flow.tp_dst), 4);
    CU_ASSERT_TRUE(ipv6_addr_equals(&flow.ipv6_src, &dst));
    CU_ASSERT_TRUE(ipv6_addr_equals(&flow.ipv6_dst, &src));

    const struct ovs_16aligned_ip6_hdr *rnh = dp_packet_l3(&reply);
    size_t rplen = ntohs(rnh->ip6_plen);
    CU_ASSERT_EQUAL(rplen, ICMP6_DATA_HEADER_LEN + IPV6_HEADER_LEN + plen);
    /* The checksum over pseudo-header and message folds to zero. */
    CU_ASSERT_EQUAL(packet_csum_upperlayer6(rnh, rnh + 1, IPPROTO_ICMPV6,
                                            rplen), 0);
    dp_packet_uninit(&in);
    dp_packet_uninit(&reply);
}

static const struct nwf_unit_test pinctrl_tests[] = {
    { "reject UDP over IPv4", test_reject_udp4 },
    { "reject quotes at most 576 bytes", test_reject_quotes_at_most_576 },
    { "no reply to broadcast, multicast, ICMP errors",
      test_reject_silent_cases },
    { "reject UDP over IPv6", test_reject_udp6 },
    { NULL, NULL },
};

NWF_UNIT_SUITE(pinctrl, pinctrl_tests);
