/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>

#include "iplearn-packet.h"
#include "nwf-unit.h"
#include "byte-order.h"
#include "packets.h"
#include "util.h"

/* Runs the frames of tests/data/'name' through iplearn_packet_parse() and
 * compares each event with the expectations.  The pcaps are written by
 * tests/data/make-iplearn-pcaps.py. */

static const struct eth_addr vm_mac = ETH_ADDR_C(52,54,00,12,34,56);

#define IP4(A, B, C, D) CONSTANT_HTONL(((uint32_t) (A) << 24) \
                                       | ((B) << 16) | ((C) << 8) | (D))
#define SERVER IP4(10, 0, 0, 1)

struct expect {
    bool from_vm;               /* Direction the frame is given. */
    enum iplearn_event_type type;
    ovs_be32 addr;
    uint32_t lease;
    ovs_be32 server_src;
    ovs_be32 server_id;
    ovs_be32 siaddr;
    uint32_t xid;               /* DHCP offers, acks and requests. */
};

static void
check_pcap(const char *name, const struct expect *exp, size_t n_exp)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    char *file = xasprintf("%s/data/%s", nwf_unit_srcdir(), name);
    pcap_t *pcap = pcap_open_offline(file, errbuf);

    if (!pcap) {
        fprintf(stderr, "%s: %s\n", file, errbuf);
    }
    CU_ASSERT_FATAL(pcap != NULL);
    CU_ASSERT_EQUAL(pcap_datalink(pcap), DLT_EN10MB);

    struct pcap_pkthdr *hdr;
    const u_char *data;
    size_t i = 0;
    int error;
    while ((error = pcap_next_ex(pcap, &hdr, &data)) == 1) {
        CU_ASSERT_FATAL(i < n_exp);
        CU_ASSERT_EQUAL(hdr->caplen, hdr->len);

        const struct expect *e = &exp[i];
        struct iplearn_event ev;
        enum iplearn_event_type type;

        type = iplearn_packet_parse(data, hdr->caplen, &vm_mac, e->from_vm,
                                    &ev);
        if (type != e->type || ev.addr != e->addr) {
            fprintf(stderr, "%s frame %"PRIuSIZE": got %s "IP_FMT
                    ", expected %s "IP_FMT"\n", name, i + 1,
                    iplearn_event_type_to_string(type), IP_ARGS(ev.addr),
                    iplearn_event_type_to_string(e->type),
                    IP_ARGS(e->addr));
        }
        CU_ASSERT_EQUAL(type, e->type);
        CU_ASSERT_EQUAL(ev.type, e->type);
        CU_ASSERT_EQUAL(ev.addr, e->addr);
        CU_ASSERT_EQUAL(ev.lease, e->lease);
        CU_ASSERT_EQUAL(ev.server_src, e->server_src);
        CU_ASSERT_EQUAL(ev.server_id, e->server_id);
        CU_ASSERT_EQUAL(ev.siaddr, e->siaddr);
        CU_ASSERT_EQUAL(ntohl(ev.xid), e->xid);

        /* The other direction never learns from the same frame, except
         * that nothing sent by the VM looks like a reply to it. */
        type = iplearn_packet_parse(data, hdr->caplen, &vm_mac, !e->from_vm,
                                    &ev);
        CU_ASSERT_EQUAL(type, IPLEARN_NONE);
        CU_ASSERT_EQUAL(ev.addr, 0);

        /* Every prefix of the frame parses without reading past it
         * (valgrind and ASan check that) and never yields more than the
         * whole frame. */
        for (size_t len = 0; len < hdr->caplen; len++) {
            void *copy = xmemdup(data, len);
            type = iplearn_packet_parse(copy, len, &vm_mac, e->from_vm, &ev);
            if (type != IPLEARN_NONE) {
                CU_ASSERT_EQUAL(type, e->type);
                CU_ASSERT_EQUAL(ev.addr, e->addr);
            }
            free(copy);
        }
        i++;
    }
    CU_ASSERT_EQUAL(error, PCAP_ERROR_BREAK);
    CU_ASSERT_EQUAL(i, n_exp);
    pcap_close(pcap);
    free(file);
}

#define CHECK_PCAP(NAME, EXP) check_pcap(NAME, EXP, ARRAY_SIZE(EXP))

static void
test_dhcp_exchange(void)
{
    static const struct expect exp[] = {
        /* DISCOVER from 0.0.0.0: the xid that the ACK must repeat. */
        { true, IPLEARN_DHCP_REQUEST, 0, 0, 0, 0, 0, 0x1234 },
        { false, IPLEARN_DHCP_OFFER, IP4(10, 0, 0, 5), 3600,
          SERVER, SERVER, SERVER, 0x1234 },
        /* REQUEST from 0.0.0.0. */
        { true, IPLEARN_DHCP_REQUEST, 0, 0, 0, 0, 0, 0x1234 },
        { false, IPLEARN_DHCP_ACK, IP4(10, 0, 0, 5), 3600,
          SERVER, SERVER, SERVER, 0x1234 },
    };
    CHECK_PCAP("iplearn-dhcp-exchange.pcap", exp);
}

static void
test_dhcp_other(void)
{
    static const struct expect exp[] = {
        /* ACK for another MAC. */
        { false, IPLEARN_NONE, 0, 0, 0, 0, 0, 0 },
        { false, IPLEARN_DHCP_ACK, IP4(10, 0, 0, 6),
          IPLEARN_LEASE_INFINITE, SERVER, SERVER, SERVER, 0x1234 },
        /* No option 51. */
        { false, IPLEARN_DHCP_ACK, IP4(10, 0, 0, 7), 0,
          SERVER, SERVER, SERVER, 0x1234 },
        /* siaddr 0: option 54 and the IP source still tell the server. */
        { false, IPLEARN_DHCP_ACK, IP4(10, 0, 0, 8), 3600,
          SERVER, SERVER, 0, 0x1234 },
    };
    CHECK_PCAP("iplearn-dhcp-other.pcap", exp);
}

#define NEIGHBOUR IP4(10, 0, 0, 66)

static void
test_dhcp_unasked(void)
{
    struct expect exp[101] = {
        { false, IPLEARN_DHCP_OFFER, NEIGHBOUR, IPLEARN_LEASE_INFINITE,
          NEIGHBOUR, NEIGHBOUR, NEIGHBOUR, 0x1234 },
    };
    for (int i = 0; i < 100; i++) {
        exp[i + 1] = (struct expect) {
            false, IPLEARN_DHCP_ACK, IP4(10, 0, 1, i + 1),
            IPLEARN_LEASE_INFINITE, NEIGHBOUR, NEIGHBOUR, NEIGHBOUR,
            0x7000 + i,
        };
    }
    CHECK_PCAP("iplearn-dhcp-unasked.pcap", exp);
}

static void
test_dhcp_several(void)
{
    static const struct expect exp[] = {
        { true, IPLEARN_DHCP_REQUEST, 0, 0, 0, 0, 0, 0x2001 },
        { false, IPLEARN_DHCP_ACK, IP4(10, 0, 0, 6), IPLEARN_LEASE_INFINITE,
          SERVER, SERVER, SERVER, 0x2001 },
        { true, IPLEARN_DHCP_REQUEST, 0, 0, 0, 0, 0, 0x2002 },
        { false, IPLEARN_DHCP_ACK, IP4(10, 0, 0, 7), 0,
          SERVER, SERVER, SERVER, 0x2002 },
        { true, IPLEARN_DHCP_REQUEST, 0, 0, 0, 0, 0, 0x2003 },
        { false, IPLEARN_DHCP_ACK, IP4(10, 0, 0, 8), 3600,
          SERVER, SERVER, SERVER, 0x2003 },
        { false, IPLEARN_DHCP_ACK, IP4(10, 0, 0, 9), 3600,
          SERVER, SERVER, SERVER, 0x2003 },
    };
    CHECK_PCAP("iplearn-dhcp-several.pcap", exp);
}

static void
test_dhcp_release(void)
{
    static const struct expect exp[] = {
        { true, IPLEARN_DHCP_RELEASE, IP4(10, 0, 0, 5), 0, 0, 0, 0, 0 },
    };
    CHECK_PCAP("iplearn-dhcp-release.pcap", exp);
}

static void
test_dhcp_decline(void)
{
    static const struct expect exp[] = {
        { true, IPLEARN_DHCP_DECLINE, IP4(10, 0, 0, 5), 0, 0, 0, 0, 0 },
    };
    CHECK_PCAP("iplearn-dhcp-decline.pcap", exp);
}

static void
test_arp(void)
{
    static const struct expect exp[] = {
        { true, IPLEARN_ARP_SENDER, IP4(10, 0, 0, 5), 0, 0, 0, 0, 0 },
        { true, IPLEARN_ARP_SENDER, IP4(10, 0, 0, 5), 0, 0, 0, 0, 0 },
        /* Sender MAC forged. */
        { true, IPLEARN_NONE, 0, 0, 0, 0, 0, 0 },
    };
    CHECK_PCAP("iplearn-arp.pcap", exp);
}

static void
test_ipv4(void)
{
    static const struct expect exp[] = {
        { true, IPLEARN_IPV4_SOURCE, IP4(10, 0, 0, 5), 0, 0, 0, 0, 0 },
        /* 0.0.0.0, 224.0.0.1, 255.255.255.255. */
        { true, IPLEARN_NONE, 0, 0, 0, 0, 0, 0 },
        { true, IPLEARN_NONE, 0, 0, 0, 0, 0, 0 },
        { true, IPLEARN_NONE, 0, 0, 0, 0, 0, 0 },
        /* Ethernet source is not the VM. */
        { true, IPLEARN_NONE, 0, 0, 0, 0, 0, 0 },
    };
    CHECK_PCAP("iplearn-ipv4.pcap", exp);
}

static void
test_vlan(void)
{
    static const struct expect exp[] = {
        { true, IPLEARN_IPV4_SOURCE, IP4(10, 0, 0, 10), 0, 0, 0, 0, 0 },
    };
    CHECK_PCAP("iplearn-vlan.pcap", exp);
}

static void
test_malformed(void)
{
    static const struct expect exp[] = {
        /* Truncated frame, option 51 past the end, BOOTP header cut
         * short, no options at all. */
        { false, IPLEARN_NONE, 0, 0, 0, 0, 0, 0 },
        { false, IPLEARN_NONE, 0, 0, 0, 0, 0, 0 },
        { false, IPLEARN_NONE, 0, 0, 0, 0, 0, 0 },
        { false, IPLEARN_NONE, 0, 0, 0, 0, 0, 0 },
    };
    CHECK_PCAP("iplearn-malformed.pcap", exp);
}

static const struct nwf_unit_test iplearn_tests[] = {
    { "dhcp-exchange", test_dhcp_exchange },
    { "dhcp-other", test_dhcp_other },
    { "dhcp-unasked", test_dhcp_unasked },
    { "dhcp-several", test_dhcp_several },
    { "dhcp-release", test_dhcp_release },
    { "dhcp-decline", test_dhcp_decline },
    { "arp", test_arp },
    { "ipv4", test_ipv4 },
    { "vlan", test_vlan },
    { "malformed", test_malformed },
    { NULL, NULL },
};
NWF_UNIT_SUITE(iplearn, iplearn_tests);
