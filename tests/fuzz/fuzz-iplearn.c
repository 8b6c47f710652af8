/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

/* Fuzz target for IP address learning: the frames a guest controls.
 *
 * The input is one Ethernet frame.  It goes through iplearn_packet_parse()
 * as sent by the VM and as sent to it, with invariants checked on each
 * result, and then through the learning state machine (iplearn.c) of a
 * port in each mode, as the controller's packet-ins do.
 *
 * Built with libFuzzer by "make fuzz" (clang); tests/fuzz/replay.c runs
 * the same function over tests/fuzz/corpus-iplearn in "make check". */

#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include "iplearn-packet.h"
#include "iplearn.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "sset.h"
#include "svec.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The MAC of the seeds' VM (tests/data/make-iplearn-pcaps.py). */
static const struct eth_addr vm_mac = ETH_ADDR_C(52,54,00,12,34,56);

static void
check_event(enum iplearn_event_type type, const struct iplearn_event *ev,
            bool from_vm)
{
    if (type != ev->type) {
        abort();
    }
    if (type == IPLEARN_NONE) {
        if (ev->addr) {
            abort();
        }
        return;
    }
    /* Never 0.0.0.0 (except for a request from a VM without an address),
     * nor anything in 224.0.0.0/3. */
    uint32_t addr = ntohl(ev->addr);
    if ((!addr && type != IPLEARN_DHCP_REQUEST) || (addr >> 29) == 7) {
        abort();
    }
    bool vm_event = (type == IPLEARN_IPV4_SOURCE
                     || type == IPLEARN_ARP_SENDER
                     || type == IPLEARN_DHCP_RELEASE
                     || type == IPLEARN_DHCP_DECLINE
                     || type == IPLEARN_DHCP_REQUEST);
    if (vm_event != from_vm) {
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool initialized;
    if (!initialized) {
        vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);
        initialized = true;
    }

    /* A copy of exactly 'size' bytes, so that ASan sees any read past
     * the frame. */
    void *frame = xmemdup(data, size);
    for (int from_vm = 0; from_vm < 2; from_vm++) {
        struct iplearn_event ev;
        enum iplearn_event_type type = iplearn_packet_parse(
            frame, size, &vm_mac, from_vm, &ev);
        check_event(type, &ev, from_vm);
    }

    static const enum nwf_ip_learning modes[] = {
        NWF_IP_LEARNING_ANY, NWF_IP_LEARNING_DHCP,
    };
    ovs_be32 server = htonl(0x0a000001);
    for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
        iplearn_init(NULL);
        iplearn_port_set("p", &vm_mac, modes[i], &server, i, NULL);
        for (int from_vm = 0; from_vm < 2; from_vm++) {
            iplearn_handle_frame("p", frame, size, from_vm);
        }
        struct sset changed = SSET_INITIALIZER(&changed);
        iplearn_run(&changed);
        struct svec addrs = SVEC_EMPTY_INITIALIZER;
        iplearn_port_get_addrs("p", &addrs);
        /* One frame gives at most one address, and a change says so. */
        if (addrs.n > 1 || (addrs.n && !sset_contains(&changed, "p"))) {
            abort();
        }
        svec_destroy(&addrs);
        sset_destroy(&changed);
        iplearn_destroy();
    }
    free(frame);
    return 0;
}
