/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#include <config.h>

#include <limits.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iplearn.h"
#include "nwf-unit.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
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

/* Feeds frames 'first' to 'last' (counting from 1) of tests/data/'name'
 * to port PORT, in both directions (the parser ignores a frame given in
 * the wrong direction, which test-iplearn.c checks). */
static void
feed_frames(const char *name, size_t first, size_t last)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    char *file = xasprintf("%s/data/%s", nwf_unit_srcdir(), name);
    pcap_t *pcap = pcap_open_offline(file, errbuf);
    CU_ASSERT_FATAL(pcap != NULL);

    struct pcap_pkthdr *hdr;
    const u_char *data;
    for (size_t i = 1; pcap_next_ex(pcap, &hdr, &data) == 1; i++) {
        if (i >= first && i <= last) {
            iplearn_handle_frame(PORT, data, hdr->caplen, true);
            iplearn_handle_frame(PORT, data, hdr->caplen, false);
        }
    }
    pcap_close(pcap);
    free(file);
}

/* Feeds every frame of tests/data/'name'. */
static void
feed(const char *name)
{
    feed_frames(name, 1, SIZE_MAX);
}

static void
set_dhcp_port(unsigned int max_addrs, uint32_t max_lease)
{
    struct nwf_ip_learning_limits limits = { max_addrs, max_lease };
    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_DHCP, NULL, 0, &limits);
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
    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_ANY, NULL, 0, NULL);
    CHECK_ADDRS("");
    CU_ASSERT(!run_reports_change());

    /* The ACK that answers the VM's request gives the first address. */
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

/* In "any" mode a neighbour's OFFER, even one that repeats the xid of the
 * VM's DISCOVER, does not lock the VM to the neighbour's choice, and ACKs
 * that answer no request of the VM count for nothing. */
static void
test_any_offer_does_not_lock(void)
{
    iplearn_init(NULL);
    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_ANY, NULL, 0, NULL);
    feed_frames("iplearn-dhcp-exchange.pcap", 1, 1);    /* DISCOVER */
    feed("iplearn-dhcp-unasked.pcap");
    CHECK_ADDRS("");
    CU_ASSERT(!run_reports_change());

    /* The server's own exchange still gives the VM its address. */
    feed("iplearn-dhcp-exchange.pcap");
    CHECK_ADDRS("10.0.0.5");
    iplearn_destroy();
}

static void
test_any_from_ipv4_and_arp(void)
{
    iplearn_init(NULL);
    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_ANY, NULL, 0, NULL);
    feed("iplearn-ipv4.pcap");
    CHECK_ADDRS("10.0.0.5");
    iplearn_port_remove(PORT);

    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_ANY, NULL, 0, NULL);
    CHECK_ADDRS("");
    feed("iplearn-arp.pcap");
    CHECK_ADDRS("10.0.0.5");
    iplearn_destroy();
}

static void
test_dhcp_leases(void)
{
    iplearn_init(NULL);
    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_DHCP, NULL, 0, NULL);

    /* IPv4 and ARP from the VM never count in dhcp mode. */
    feed("iplearn-ipv4.pcap");
    feed("iplearn-arp.pcap");
    CHECK_ADDRS("");

    /* The OFFER does not count, the ACK does. */
    feed_frames("iplearn-dhcp-exchange.pcap", 1, 3);
    CHECK_ADDRS("");
    feed_frames("iplearn-dhcp-exchange.pcap", 4, 4);
    CHECK_ADDRS("10.0.0.5");
    CU_ASSERT(run_reports_change());

    /* ACKs that repeat the xid of a request already answered. */
    feed("iplearn-dhcp-other.pcap");
    CHECK_ADDRS("10.0.0.5");
    CU_ASSERT(!run_reports_change());

    /* Several exchanges: at most CTRL_IP_LEARNING_MAX_ADDRS leases, in
     * address order; by default one, each new lease replacing the old. */
    feed("iplearn-dhcp-several.pcap");
    CHECK_ADDRS("10.0.0.8");
    set_dhcp_port(4, NWF_IP_LEARNING_MAX_LEASE_DEFAULT);
    feed("iplearn-dhcp-exchange.pcap");
    feed("iplearn-dhcp-several.pcap");
    CHECK_ADDRS("10.0.0.5,10.0.0.6,10.0.0.7,10.0.0.8");

    /* With a lower limit, the leases that expire last stay: the capped
     * infinite one and the one without a lease time, not the 3600 s one
     * nor the default-lease one from the exchange. */
    set_dhcp_port(2, NWF_IP_LEARNING_MAX_LEASE_DEFAULT);
    CHECK_ADDRS("10.0.0.6,10.0.0.7");
    set_dhcp_port(4, NWF_IP_LEARNING_MAX_LEASE_DEFAULT);
    feed("iplearn-dhcp-exchange.pcap");
    feed("iplearn-dhcp-several.pcap");
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

/* The attack of issue 16: another guest's 100 DHCPACKs of never-expiring
 * leases to the VM's MAC, which the VM never asked for. */
static void
test_dhcp_unasked_acks(void)
{
    iplearn_init(NULL);
    set_dhcp_port(NWF_IP_LEARNING_MAX_ADDRS_LIMIT,
                  NWF_IP_LEARNING_LEASE_UNLIMITED);
    feed("iplearn-dhcp-unasked.pcap");
    CHECK_ADDRS("");
    CU_ASSERT(!run_reports_change());
    iplearn_destroy();
}

static void
test_dhcp_trusted_servers(void)
{
    ovs_be32 untrusted = htonl(0x0a000063);     /* 10.0.0.99 */
    ovs_be32 trusted = htonl(0x0a000001);       /* 10.0.0.1, the pcaps' */

    iplearn_init(NULL);
    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_DHCP, &untrusted, 1,
                     NULL);
    feed("iplearn-dhcp-exchange.pcap");
    CHECK_ADDRS("");

    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_DHCP, &trusted, 1,
                     NULL);
    feed("iplearn-dhcp-exchange.pcap");
    CHECK_ADDRS("10.0.0.5");
    iplearn_destroy();
}

static void
test_mac_or_mode_change(void)
{
    iplearn_init(NULL);
    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_DHCP, NULL, 0, NULL);
    feed("iplearn-dhcp-exchange.pcap");
    CHECK_ADDRS("10.0.0.5");

    /* Same MAC and mode: kept. */
    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_DHCP, NULL, 0, NULL);
    CHECK_ADDRS("10.0.0.5");

    /* Another MAC: another VM.  Another mode: other rules. */
    iplearn_port_set(PORT, &other_mac, NWF_IP_LEARNING_DHCP, NULL, 0,
                     NULL);
    CHECK_ADDRS("");
    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_DHCP, NULL, 0, NULL);
    feed("iplearn-dhcp-exchange.pcap");
    CHECK_ADDRS("10.0.0.5");
    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_ANY, NULL, 0, NULL);
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

/* The expiry that the state file in 'dir' gives PORT's 'ip', in
 * wall-clock msec, LLONG_MAX if none, -1 if 'ip' is not there. */
static long long int
state_expiry(const char *dir, const char *ip)
{
    char *file = xasprintf("%s/iplearn.json", dir);
    struct json *json = json_from_file(file);
    free(file);
    long long int expiry = -1;

    const struct json *jports = shash_find_data(json_object(json), "ports");
    const struct json *jport = shash_find_data(json_object(jports), PORT);
    const struct json *jaddrs = shash_find_data(json_object(jport),
                                                "addresses");
    const struct json_array *a = json_array(jaddrs);
    for (size_t i = 0; i < a->n; i++) {
        const struct shash *o = json_object(a->elems[i]);
        if (!strcmp(json_string(shash_find_data(o, "ip")), ip)) {
            const struct json *e = shash_find_data(o, "expires");
            expiry = e ? json_integer(e) : LLONG_MAX;
        }
    }
    json_destroy(json);
    return expiry;
}

/* Whether 'expiry' is 'secs' from now, give or take a minute. */
static bool
expires_in(long long int expiry, long long int secs)
{
    long long int delta = expiry - time_wall_msec() - secs * 1000;
    if (delta < -60000 || delta > 60000) {
        fprintf(stderr, "\nexpiry %lld is %lld ms from now + %lld s\n",
                expiry, delta, secs);
    }
    return delta >= -60000 && delta <= 60000;
}

static void
test_dhcp_lease_cap(void)
{
    char *dir = make_state_dir();

    /* By default a lease longer than a day, an infinite one or one
     * without a lease time, is kept a day. */
    iplearn_init(dir);
    set_dhcp_port(4, NWF_IP_LEARNING_MAX_LEASE_DEFAULT);
    feed("iplearn-dhcp-several.pcap");
    CU_ASSERT(run_reports_change());
    CU_ASSERT(expires_in(state_expiry(dir, "10.0.0.6"), 86400));
    CU_ASSERT(expires_in(state_expiry(dir, "10.0.0.7"), 86400));
    CU_ASSERT(expires_in(state_expiry(dir, "10.0.0.8"), 3600));
    iplearn_destroy();

    /* Lowering the limit shortens the leases already there; the file
     * keeps what was learned, so the next start reads them back. */
    iplearn_init(dir);
    set_dhcp_port(4, 600);
    CHECK_ADDRS("10.0.0.6,10.0.0.7,10.0.0.8");
    run_reports_change();
    CU_ASSERT(expires_in(state_expiry(dir, "10.0.0.6"), 600));
    CU_ASSERT(expires_in(state_expiry(dir, "10.0.0.8"), 600));
    iplearn_destroy();

    /* 4294967295 keeps leases as long as they say, infinite for good. */
    iplearn_init(dir);
    iplearn_port_remove(PORT);
    set_dhcp_port(4, NWF_IP_LEARNING_LEASE_UNLIMITED);
    feed("iplearn-dhcp-several.pcap");
    run_reports_change();
    CU_ASSERT_EQUAL(state_expiry(dir, "10.0.0.6"), LLONG_MAX);
    CU_ASSERT_EQUAL(state_expiry(dir, "10.0.0.7"), LLONG_MAX);
    CU_ASSERT(expires_in(state_expiry(dir, "10.0.0.8"), 3600));
    iplearn_destroy();
    remove_state_dir(dir);
}

static void
test_state_survives_restart(void)
{
    char *dir = make_state_dir();

    iplearn_init(dir);
    set_dhcp_port(4, NWF_IP_LEARNING_MAX_LEASE_DEFAULT);
    feed("iplearn-dhcp-exchange.pcap");
    feed("iplearn-dhcp-several.pcap");
    CU_ASSERT(run_reports_change());        /* Also saves. */
    iplearn_destroy();

    /* A restart: the leases are back before any packet. */
    iplearn_init(dir);
    CHECK_ADDRS("10.0.0.5,10.0.0.6,10.0.0.7,10.0.0.8");
    set_dhcp_port(4, NWF_IP_LEARNING_MAX_LEASE_DEFAULT);
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
    set_dhcp_port(4, NWF_IP_LEARNING_MAX_LEASE_DEFAULT);
    CU_ASSERT(run_reports_change());
    CHECK_ADDRS("10.0.0.6,10.0.0.7");
    iplearn_destroy();
    remove_state_dir(dir);
}

/* Entries of the state file that cannot be learned addresses are dropped
 * one by one; the port keeps the others. */
static void
test_state_bad_entries(void)
{
    char *dir = make_state_dir();
    write_state(dir,
        "{\"ports\": {\""PORT"\": {\"mac\": \"52:54:00:12:34:56\", "
        "\"mode\": \"dhcp\", \"addresses\": ["
        "{\"ip\": \"0.0.0.0\"}, "
        "{\"ip\": \"224.0.0.1\"}, "
        "{\"ip\": \"239.255.255.250\"}, "
        "{\"ip\": \"255.255.255.255\"}, "
        "{\"ip\": \"240.0.0.1\"}, "
        "{\"ip\": \"10.0.0.6\"}, "
        "{\"ip\": \"10.0.0.6\"}, "
        "{\"ip\": \"10.0.0.7\", \"expires\": \"soon\"}, "
        "{\"ip\": 17}, "
        "42]}}}");
    iplearn_init(dir);
    CHECK_ADDRS("10.0.0.6");
    iplearn_destroy();

    /* More addresses than the port may have: by default one, the one that
     * expires last; in "any" mode the first. */
    char *state = xasprintf(
        "{\"ports\": {\""PORT"\": {\"mac\": \"52:54:00:12:34:56\", "
        "\"mode\": \"dhcp\", \"addresses\": ["
        "{\"ip\": \"10.0.0.5\", \"expires\": %lld}, "
        "{\"ip\": \"10.0.0.6\", \"expires\": %lld}, "
        "{\"ip\": \"10.0.0.7\", \"expires\": %lld}]}}}",
        time_wall_msec() + 1000LL * 1000, time_wall_msec() + 3000LL * 1000,
        time_wall_msec() + 2000LL * 1000);
    write_state(dir, state);
    free(state);
    iplearn_init(dir);
    CHECK_ADDRS("10.0.0.5,10.0.0.6,10.0.0.7");
    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_DHCP, NULL, 0, NULL);
    CHECK_ADDRS("10.0.0.6");
    iplearn_destroy();

    write_state(dir,
        "{\"ports\": {\""PORT"\": {\"mac\": \"52:54:00:12:34:56\", "
        "\"mode\": \"any\", \"addresses\": ["
        "{\"ip\": \"10.0.0.9\"}, {\"ip\": \"10.0.0.8\"}]}}}");
    iplearn_init(dir);
    iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_ANY, NULL, 0, NULL);
    CHECK_ADDRS("10.0.0.9");
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
        iplearn_port_set(PORT, &vm_mac, NWF_IP_LEARNING_ANY, NULL, 0, NULL);
        feed("iplearn-ipv4.pcap");
        CHECK_ADDRS("10.0.0.5");
        iplearn_destroy();
        remove_state_dir(dir);
    }
}

static const struct nwf_unit_test iplearn_state_tests[] = {
    { "any-first-address", test_any_first_address },
    { "any-offer-does-not-lock", test_any_offer_does_not_lock },
    { "any-from-ipv4-and-arp", test_any_from_ipv4_and_arp },
    { "dhcp-leases", test_dhcp_leases },
    { "dhcp-unasked-acks", test_dhcp_unasked_acks },
    { "dhcp-lease-cap", test_dhcp_lease_cap },
    { "dhcp-trusted-servers", test_dhcp_trusted_servers },
    { "mac-or-mode-change", test_mac_or_mode_change },
    { "state-survives-restart", test_state_survives_restart },
    { "expiry-across-restart", test_expiry_across_restart },
    { "state-bad-entries", test_state_bad_entries },
    { "damaged-state-file", test_damaged_state_file },
    { NULL, NULL },
};
NWF_UNIT_SUITE(iplearn_state, iplearn_state_tests);
