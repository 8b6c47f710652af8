/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef IPLEARN_PACKET_H
#define IPLEARN_PACKET_H 1

/* What one packet tells about a VM's IPv4 address, for IP address learning
 * (libvirt's CTRL_IP_LEARNING modes "any" and "dhcp").
 *
 * This is the pure part of learning: it looks at one Ethernet frame and
 * says what it means for the VM whose MAC is given, without any state, so
 * it can be fed recorded traffic.  A guest controls the bytes of its
 * frames, so nothing here trusts a length field it has not checked. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/types.h"

struct eth_addr;

enum iplearn_event_type {
    IPLEARN_NONE,               /* Nothing to learn from this frame. */
    IPLEARN_IPV4_SOURCE,        /* VM sent IPv4 from 'addr'. */
    IPLEARN_ARP_SENDER,         /* VM sent ARP with sender IP 'addr'. */
    IPLEARN_DHCP_OFFER,         /* A server offered 'addr' to the VM. */
    IPLEARN_DHCP_ACK,           /* A server leased 'addr' to the VM. */
    IPLEARN_DHCP_RELEASE,       /* VM gave 'addr' back. */
    IPLEARN_DHCP_DECLINE,       /* VM refused 'addr'. */
    IPLEARN_DHCP_REQUEST,       /* VM sent DHCPDISCOVER or DHCPREQUEST
                                 * 'xid'; 'addr' is its IPv4 source if that
                                 * is usable (a renewal), else 0. */
};

/* Lease time meaning "infinite" (DHCP option 51 value 0xffffffff). */
#define IPLEARN_LEASE_INFINITE UINT32_MAX

struct iplearn_event {
    enum iplearn_event_type type;
    ovs_be32 addr;              /* The address, never 0 unless NONE or
                                 * DHCP_REQUEST. */
    ovs_be32 xid;               /* DHCP only: BOOTP transaction id, which
                                 * a server's reply repeats. */

    /* DHCP OFFER and ACK only (zero otherwise or when absent). */
    uint32_t lease;             /* Seconds from option 51, 0 if unknown,
                                 * IPLEARN_LEASE_INFINITE if infinite. */
    ovs_be32 server_src;        /* IPv4 source of the reply. */
    ovs_be32 server_id;         /* Option 54 server identifier. */
    ovs_be32 siaddr;            /* BOOTP "next server" field. */
};

enum iplearn_event_type iplearn_packet_parse(const void *frame, size_t len,
                                             const struct eth_addr *vm_mac,
                                             bool from_vm,
                                             struct iplearn_event *);

const char *iplearn_event_type_to_string(enum iplearn_event_type);
bool iplearn_addr_is_usable(ovs_be32);

#endif /* iplearn-packet.h */
