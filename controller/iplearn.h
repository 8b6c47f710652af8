/*
 * Licensed under the Apache License, Version 2.0 (see COPYING).
 */

#ifndef IPLEARN_H
#define IPLEARN_H 1

/* IP address learning: the addresses of bound ports whose filter needs
 * $IP when none is given (libvirt's CTRL_IP_LEARNING).
 *
 * The binding module says which ports learn, in which mode, and feeds the
 * copies of their frames that the pipeline sends to the controller
 * (NWF_PUNT_LEARN); this module turns them into addresses with
 * iplearn-packet.c and keeps them:
 *
 *   any    the first IPv4 source or ARP sender address the VM uses, or
 *          the address a DHCPACK gives it; then no more.
 *   dhcp   one lease per DHCPACK, until it expires or the VM sends
 *          RELEASE or DECLINE; at most CTRL_IP_LEARNING_MAX_ADDRS leases
 *          at once, none longer than CTRL_IP_LEARNING_MAX_LEASE
 *          (nwf-vars.h).
 *
 * In both modes a DHCPACK counts only if it answers a DHCPDISCOVER or
 * DHCPREQUEST that the VM itself sent in the last IPLEARN_XID_TIMEOUT_MS
 * (same transaction id), once per request, and comes from a DHCPSERVER if
 * any are set.  Another guest on the bridge cannot hand the VM addresses
 * it did not ask for (in "any" mode an OFFER, which the VM may well turn
 * down, no longer counts at all).  It can still race a real server's
 * answer to a request it saw broadcast; DHCPSERVER is the defence against
 * that, as the filter rules are in libvirt.
 *
 * Addresses and leases are kept in STATE_DIR/iplearn.json, rewritten on
 * every change, so that a restarted controller does not learn again; a
 * lease's expiry is kept as wall-clock time, so it expires on time across
 * a restart.  A port's state is dropped when it stops learning (its
 * binding goes away, or it gets $IP some other way) or comes back with
 * another MAC or mode. */

#include <stdbool.h>
#include <stddef.h>

#include "nwf-vars.h"
#include "openvswitch/types.h"

/* How long the VM's DHCP request waits for its ACK. */
#define IPLEARN_XID_TIMEOUT_MS (60 * 1000)

struct eth_addr;
struct sset;
struct svec;

void iplearn_init(const char *state_dir);
void iplearn_destroy(void);

/* Port 'name' learns its address in 'mode' (ANY or DHCP), trusting the
 * DHCP servers 'servers' (all if 'n_servers' is 0), within 'limits'
 * (defaults if NULL). */
void iplearn_port_set(const char *name, const struct eth_addr *mac,
                      enum nwf_ip_learning mode,
                      const ovs_be32 *servers, size_t n_servers,
                      const struct nwf_ip_learning_limits *limits);
void iplearn_port_remove(const char *name);

/* Appends port 'name''s current addresses to 'addrs', sorted. */
void iplearn_port_get_addrs(const char *name, struct svec *addrs);

/* A frame of port 'name' that the pipeline copied to the controller. */
void iplearn_handle_frame(const char *name, const void *frame, size_t len,
                          bool from_vm);

/* Expires leases and adds to 'changed' the ports whose addresses changed
 * since the last call. */
void iplearn_run(struct sset *changed);
void iplearn_wait(void);

/* Drops the state read from the state directory for ports that no
 * iplearn_port_set() has claimed since: their binding went away while the
 * controller was down.  Called once the bindings are known. */
void iplearn_forget_unclaimed(void);

#endif /* iplearn.h */
