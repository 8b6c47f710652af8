/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "iplearn.h"
#include "nwf-unit.h"
#include "packets.h"
#include "sset.h"
#include "svec.h"
#include "timeval.h"
#include "util.h"

/* The learning state machine (controller/iplearn.c), fed the recorded
 * frames of tests/data/iplearn-*.pcap through the same entry point as the
 * controller's packet-ins, and its state file. */

#define PORT "vnet0"

static const struct eth_addr vm_mac = ETH_ADDR_C(52,54,00,12,34,56);
static const struct eth_addr other_mac = ETH_ADDR_C(52,54,00,65,43,21);

/* Feeds every frame of tests/data/'name' to port PORT, in both directions
 * (the parser ignores a frame given in the wrong direction, which
 * test-iplearn.c checks). */
static void
feed(const char *name)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    char *file = xasprintf("%s/data/%s", nwf_unit_srcdir(), name);
    pcap_t *pcap = pcap_open_offline(file, errbuf);
    CU_ASSERT_FATAL(pcap != NULL);

    struct pcap_pkthdr *hdr;
    const u_char *data;
    while (pcap_next_ex(pcap, &hdr, &data) == 1) {
        iplearn_handle_frame(PORT, data, hdr->caplen, true);
        iplearn_handle_frame(PORT, data, hdr->caplen, false);
    }
    pcap_close(pcap);
    free(file);
}

/* PORT's addresses, comma-separated. */
static char *
addrs(void)
{
    struct svec v = SVEC_EMPTY_INITIALIZER;
    iplearn_port_get_addrs(PORT, &v);
    char *s = svec_join(&v, ",", "");
    svec_destroy(&v);
    return s;
}

#define CHECK_ADDRS(EXPECTED)                           \
    do {                                                \
        char *got_ = addrs();                           \
        CU_ASSERT_STRING_EQUAL(got_, EXPECTED);         \
        free(got_);                                     \
    } while (0)

/* Whether iplearn_run() reports PORT as changed. */
static bool
run_reports_change(void)
{
    struct sset changed = SSET_INITIALIZER(&changed);
    iplearn_run(&changed);
    bool found = sset_contains(&changed, PORT);
    sset_destroy(&changed);
    return found;
}

static void
test_any_first_address(void)
{
    iplearn_init(NULL);
    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_ANY, NULL, 0);
    CHECK_ADDRS("");
    CU_ASSERT(!run_reports_change());

    /* The OFFER's address is the first one given to the VM. */
    feed("iplearn-dhcp-exchange.pcap");
    CHECK_ADDRS("10.0.0.5");
    CU_ASSERT(run_reports_change());

    /* Then nothing else counts, not even a RELEASE. */
    feed("iplearn-vlan.pcap");
    feed("iplearn-dhcp-release.pcap");
    CHECK_ADDRS("10.0.0.5");
    CU_ASSERT(!run_reports_change());
    iplearn_destroy();
}

static void
test_any_from_ipv4_and_arp(void)
{
    iplearn_init(NULL);
    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_ANY, NULL, 0);
    feed("iplearn-ipv4.pcap");
    CHECK_ADDRS("10.0.0.5");
    iplearn_port_remove(PORT);

    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_ANY, NULL, 0);
    CHECK_ADDRS("");
    feed("iplearn-arp.pcap");
    CHECK_ADDRS("10.0.0.5");
    iplearn_destroy();
}

static void
test_dhcp_leases(void)
{
    iplearn_init(NULL);
    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_DHCP, NULL, 0);

    /* IPv4 and ARP from the VM never count in dhcp mode. */
    feed("iplearn-ipv4.pcap");
    feed("iplearn-arp.pcap");
    CHECK_ADDRS("");

    /* The OFFER does not count, the ACK does. */
    feed("iplearn-dhcp-exchange.pcap");
    CHECK_ADDRS("10.0.0.5");
    CU_ASSERT(run_reports_change());

    /* Several ACKs: several leases, in address order. */
    feed("iplearn-dhcp-other.pcap");
    CHECK_ADDRS("10.0.0.5,10.0.0.6,10.0.0.7,10.0.0.8");

    /* RELEASE and DECLINE remove theirs. */
    feed("iplearn-dhcp-release.pcap");
    CHECK_ADDRS("10.0.0.6,10.0.0.7,10.0.0.8");
    feed("iplearn-dhcp-exchange.pcap");
    feed("iplearn-dhcp-decline.pcap");
    CHECK_ADDRS("10.0.0.6,10.0.0.7,10.0.0.8");
    CU_ASSERT(run_reports_change());
    iplearn_destroy();
}

static void
test_dhcp_trusted_servers(void)
{
    ovs_be32 untrusted = htonl(0x0a000063);     /* 10.0.0.99 */
    ovs_be32 trusted = htonl(0x0a000001);       /* 10.0.0.1, the pcaps' */

    iplearn_init(NULL);
    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_DHCP, &untrusted, 1);
    feed("iplearn-dhcp-exchange.pcap");
    CHECK_ADDRS("");

    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_DHCP, &trusted, 1);
    feed("iplearn-dhcp-exchange.pcap");
    CHECK_ADDRS("10.0.0.5");
    iplearn_destroy();
}

static void
test_mac_or_mode_change(void)
{
    iplearn_init(NULL);
    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_DHCP, NULL, 0);
    feed("iplearn-dhcp-exchange.pcap");
    CHECK_ADDRS("10.0.0.5");

    /* Same MAC and mode: kept. */
    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_DHCP, NULL, 0);
    CHECK_ADDRS("10.0.0.5");

    /* Another MAC: another VM.  Another mode: other rules. */
    iplearn_port_set(PORT, &other_mac, NWF_IP_LEARNING_DHCP, NULL, 0);
    CHECK_ADDRS("");
    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_DHCP, NULL, 0);
    feed("iplearn-dhcp-exchange.pcap");
    CHECK_ADDRS("10.0.0.5");
    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_ANY, NULL, 0);
    CHECK_ADDRS("");
    iplearn_destroy();
}

static char *
make_state_dir(void)
{
    char *dir = xstrdup("/tmp/nwf-unit-iplearn.XXXXXX");
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    return dir;
}

static void
remove_state_dir(char *dir)
{
    char *file = xasprintf("%s/iplearn.json", dir);
    unlink(file);
    free(file);
    rmdir(dir);
    free(dir);
}

static void
write_state(const char *dir, const char *content)
{
    char *file = xasprintf("%s/iplearn.json", dir);
    FILE *f = fopen(file, "w");
    CU_ASSERT_FATAL(f != NULL);
    fputs(content, f);
    fclose(f);
    free(file);
}

static void
test_state_survives_restart(void)
{
    char *dir = make_state_dir();

    iplearn_init(dir);
    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_DHCP, NULL, 0);
    feed("iplearn-dhcp-exchange.pcap");
    feed("iplearn-dhcp-other.pcap");
    CU_ASSERT(run_reports_change());        /* Also saves. */
    iplearn_destroy();

    /* A restart: the leases are back before any packet. */
    iplearn_init(dir);
    CHECK_ADDRS("10.0.0.5,10.0.0.6,10.0.0.7,10.0.0.8");
    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_DHCP, NULL, 0);
    CHECK_ADDRS("10.0.0.5,10.0.0.6,10.0.0.7,10.0.0.8");
    iplearn_forget_unclaimed();
    CHECK_ADDRS("10.0.0.5,10.0.0.6,10.0.0.7,10.0.0.8");
    iplearn_destroy();

    /* A port that nobody claims after a restart (unbound meanwhile) loses
     * its state, in the file too. */
    iplearn_init(dir);
    iplearn_forget_unclaimed();
    CHECK_ADDRS("");
    run_reports_change();
    iplearn_destroy();
    iplearn_init(dir);
    CHECK_ADDRS("");
    iplearn_destroy();

    remove_state_dir(dir);
}

static void
test_expiry_across_restart(void)
{
    char *dir = make_state_dir();

    /* One lease that expired while the controller was down, one that
     * has a day left, one that never expires. */
    char *state = xasprintf(
        "{\"ports\": {\""PORT"\": {\"mac\": \"52:54:00:12:34:56\", "
        "\"mode\": \"dhcp\", \"addresses\": ["
        "{\"ip\": \"10.0.0.5\", \"expires\": 1000}, "
        "{\"ip\": \"10.0.0.6\", \"expires\": %lld}, "
        "{\"ip\": \"10.0.0.7\"}]}}}",
        time_wall_msec() + 86400LL * 1000);
    write_state(dir, state);
    free(state);

    iplearn_init(dir);
    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_DHCP, NULL, 0);
    CU_ASSERT(run_reports_change());
    CHECK_ADDRS("10.0.0.6,10.0.0.7");
    iplearn_destroy();
    remove_state_dir(dir);
}

static void
test_damaged_state_file(void)
{
    static const char *bad[] = {
        "",
        "{",
        "[1, 2]",
        "{\"ports\": 5}",
        "{\"ports\": {\""PORT"\": {\"mac\": \"zz\", \"mode\": \"dhcp\", "
        "\"addresses\": []}}}",
        "{\"ports\": {\""PORT"\": {\"mac\": \"52:54:00:12:34:56\", "
        "\"mode\": \"none\", \"addresses\": []}}}",
        "{\"ports\": {\""PORT"\": {\"mac\": \"52:54:00:12:34:56\", "
        "\"mode\": \"any\", \"addresses\": [{\"ip\": \"300.1.1.1\"}]}}}",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        char *dir = make_state_dir();
        write_state(dir, bad[i]);
        iplearn_init(dir);
        CHECK_ADDRS("");
        /* Learning goes on as from scratch. */
        iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_ANY, NULL, 0);
        feed("iplearn-ipv4.pcap");
        CHECK_ADDRS("10.0.0.5");
        iplearn_destroy();
        remove_state_dir(dir);
    }
}

static const struct nwf_unit_test iplearn_state_tests[] = {
    { "any-first-address", test_any_first_address },
    { "any-from-ipv4-and-arp", test_any_from_ipv4_and_arp },
    { "dhcp-leases", test_dhcp_leases },
    { "dhcp-trusted-servers", test_dhcp_trusted_servers },
    { "mac-or-mode-change", test_mac_or_mode_change },
    { "state-survives-restart", test_state_survives_restart },
    { "expiry-across-restart", test_expiry_across_restart },
    { "damaged-state-file", test_damaged_state_file },
    { NULL, NULL },
};
NWF_UNIT_SUITE(iplearn_state, iplearn_state_tests);
